use super::*;

fn entry(n: usize) -> Entry {
    Entry {
        id: format!("20261202T000000Z-{n:04x}"),
        at: "2026-12-02T00:00:00Z".into(),
        profile: Some("prod".into()),
        account: Some("123456789012".into()),
        what: format!("deny 10.0.0.{n}:7777"),
        requests: vec![Request::DeleteCustomRoutingEndpointGroup {
            endpoint_group_arn: format!("arn:g/{n}"),
        }],
        outcome: Outcome {
            applied: 1,
            error: None,
        },
        prior: vec![Prior {
            endpoint_group_arn: "arn:g".into(),
            endpoint_id: "subnet-1".into(),
            ip: std::net::Ipv4Addr::new(10, 0, 0, 1),
            port: 7777,
            allowed: true,
        }],
        prior_error: None,
        undoes: None,
    }
}

#[test]
fn entries_come_back_as_written_oldest_first() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path().join("state"));
    for n in 0..3 {
        journal.append(&entry(n)).unwrap();
    }
    let read = journal.entries().unwrap();
    assert_eq!(read.entries, (0..3).map(entry).collect::<Vec<_>>());
    assert!(read.unreadable.is_empty());
    assert_eq!(
        journal.find("20261202T000000Z-0001").unwrap().unwrap(),
        entry(1)
    );
    assert!(
        journal.find("20261202").unwrap().is_err(),
        "ambiguous prefix"
    );
    assert!(
        journal
            .find("nope")
            .unwrap()
            .unwrap_err()
            .contains("portolan journal")
    );
}

#[test]
fn rotation_keeps_the_newest_files_and_loses_no_line_it_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path()).rotating_at(1500);
    for n in 0..40 {
        journal.append(&entry(n)).unwrap();
    }
    assert!(dir.path().join("journal.1.ndjson").exists());
    assert!(
        !dir.path()
            .join(format!("journal.{}.ndjson", KEEP + 1))
            .exists()
    );
    let ids: Vec<String> = journal
        .entries()
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.id)
        .collect();
    // What is kept is a contiguous run ending at the newest entry.
    let last = ids.len();
    assert!(last < 40 && last > 3, "{last}");
    let expected: Vec<String> = (40 - last..40).map(|n| entry(n).id).collect();
    assert_eq!(ids, expected);
}

#[test]
fn writers_in_parallel_neither_interleave_nor_lose_lines() {
    let dir = tempfile::tempdir().unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let journal = Journal::in_dir(dir.path());
            std::thread::spawn(move || {
                for n in 0..50 {
                    journal.append(&entry(t * 1000 + n)).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let read = Journal::in_dir(dir.path()).entries().unwrap();
    assert_eq!(read.entries.len(), 200);
    assert!(read.unreadable.is_empty());
}

#[test]
fn a_torn_line_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::in_dir(dir.path());
    journal.append(&entry(1)).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(journal.path())
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"id\":\"x\"\n"))
        .unwrap();
    let read = journal.entries().unwrap();
    assert_eq!(read.entries.len(), 1);
    assert_eq!(read.unreadable.len(), 1);
}

#[test]
fn undoing_a_traffic_change_says_which_way_each_socket_goes_not_the_change_again() {
    let mut e = entry(1);
    e.what = "Allow traffic to 10.0.0.1:7777 in subnet subnet-1".into();
    e.requests = vec![Request::traffic(
        true,
        &crate::model::TrafficChange {
            endpoint_group_arn: "arn:g".into(),
            endpoint_id: "subnet-1".into(),
            scope: crate::model::TrafficScope::Destinations {
                addresses: vec!["10.0.0.1".into()],
                ports: vec![7777],
            },
        },
    )];
    e.prior[0].allowed = false;
    let words = undo_words(&e).unwrap();
    assert_eq!(
        words,
        "restore the prior traffic state of 1 socket: deny 10.0.0.1:7777 again"
    );
    let mut second = e.prior[0].clone();
    second.port = 7778;
    second.allowed = true;
    e.prior.push(second);
    assert_eq!(
        undo_words(&e).unwrap(),
        "restore the prior traffic state of 2 sockets: deny 1 and allow 1 again"
    );
}

#[test]
fn undo_words_name_what_undo_does_or_why_not() {
    let mut e = entry(1);
    assert!(undo_words(&e).unwrap_err().contains("cannot be undone"));
    e.requests = vec![Request::RemoveCustomRoutingEndpoints {
        endpoint_group_arn: "arn:x/endpoint-group/abc".into(),
        endpoint_ids: vec!["subnet-1".into()],
    }];
    let words = undo_words(&e).unwrap();
    assert!(
        words.contains("new accelerator ports") && words.contains("1 allowed socket"),
        "{words}"
    );
    e.outcome.applied = 0;
    assert!(undo_words(&e).unwrap_err().contains("nothing to undo"));
}
