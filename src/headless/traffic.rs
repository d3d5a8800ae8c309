//! `portolan allow|deny`: traffic to listed destinations of one subnet endpoint, planned into
//! as few Allow/Deny calls as the sockets allow (`model::bulk::plan`), made in order through
//! the journal's recorder so each socket's prior state is written down for `undo`.

use std::io::{self, Read, Write};
use std::net::Ipv4Addr;

use super::HeadlessError;
use super::progress::Progress;
use crate::api::GlobalAccelerator;
use crate::api::listing::{self, ListingOptions};
use crate::cli::{Cli, Command, OutputFormat, TrafficArgs};
use crate::journal::{Journal, Recorder, Request};
use crate::model::bulk::{Plan, Target, parse_destinations, plan};
use crate::model::{
    ArnKind, TrafficScope, account_of, parse_arn, parse_ipv4, parse_port_range, parse_subnet_id,
    short_id,
};
use crate::session::Session;
use crate::text::sanitize;

/// `portolan allow|deny|undo`: refused when read-only before a client is even made; a dry
/// run only looks, so it is not.
pub async fn run_change(cli: &Cli) -> Result<(), HeadlessError> {
    let dry_run = matches!(&cli.command, Some(Command::Allow(a) | Command::Deny(a)) if a.dry_run);
    if cli.read_only && !dry_run {
        return Err(HeadlessError::Usage(format!(
            "refused, no call made: {}",
            crate::app::READ_ONLY
        )));
    }
    let session = crate::session::connect(cli).await?;
    let out = &mut io::stdout().lock();
    match &cli.command {
        Some(Command::Allow(args)) => run(cli, true, args, &session, out).await,
        Some(Command::Deny(args)) => run(cli, false, args, &session, out).await,
        Some(Command::Undo { id }) => super::journal::run_undo(id, &session, out).await,
        _ => Err(HeadlessError::Usage("not a change".into())),
    }
}

async fn run(
    cli: &Cli,
    allow: bool,
    args: &TrafficArgs,
    session: &Session,
    out: &mut dyn Write,
) -> Result<(), HeadlessError> {
    let subnet = parse_subnet_id(&args.endpoint)
        .map_err(|e| HeadlessError::Usage(format!("--endpoint: {e}")))?;
    let destinations = destinations(args)?;
    let api = session.api.as_ref();
    let group = match &args.group {
        Some(g) => match parse_arn(g) {
            Ok(ArnKind::EndpointGroup { .. }) => g.trim().to_string(),
            _ => {
                return Err(HeadlessError::Usage(format!(
                    "--group: {:?} is not an endpoint group ARN (…/listener/ID/endpoint-group/ID); `portolan endpoint-groups LISTENER_ARN` lists them",
                    sanitize(g)
                )));
            }
        },
        None => group_holding(cli, api, &subnet).await?,
    };
    let targets: Vec<Target> = destinations
        .into_iter()
        .map(|(ip, port)| Target {
            group: group.clone(),
            subnet: subnet.clone(),
            ip,
            port,
        })
        .collect();
    let plan = plan(&targets);
    let what = describe(allow, &plan, &subnet, &group);
    if args.dry_run {
        return print_plan(allow, &plan, &what, &group, cli.output, out);
    }
    let recorder = Recorder {
        journal: Journal::open_default(),
        profile: Some(session.profile.clone()),
        account: account_of(&group).map(str::to_string),
    };
    let progress = Progress::calls(plan.calls());
    let applied = recorder
        .traffic(api, allow, &what, &plan.changes, &mut |done, total| {
            progress.made(done, total);
        })
        .await;
    drop(progress);
    super::journal::report(&applied, &what, &recorder, out)
}

/// Sockets one command may list by address and port: enough for any subnet's real use, and a
/// bound on the memory a mistyped range (`--port 1-65535` on a /16) could take.
const MAX_SOCKETS: usize = 250_000;

/// Every (address, port) asked for; `None`: every port of the address.
fn destinations(args: &TrafficArgs) -> Result<Vec<(Ipv4Addr, Option<u16>)>, HeadlessError> {
    if let Some(path) = &args.from_file {
        let shown = path.display().to_string();
        let text = if shown == "-" {
            let mut text = String::new();
            io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| HeadlessError::Usage(format!("--from-file -: {e}")))?;
            text
        } else {
            std::fs::read_to_string(path)
                .map_err(|e| HeadlessError::Usage(format!("--from-file {shown}: {e}")))?
        };
        let list = parse_destinations(&text).map_err(|e| {
            HeadlessError::Usage(format!("--from-file {}: {}", shown, sanitize(&e)))
        })?;
        return Ok(list.into_iter().map(|d| (d.ip, d.port)).collect());
    }
    let mut ips = Vec::new();
    for ip in &args.ip {
        ips.push(parse_ipv4(ip).map_err(|e| HeadlessError::Usage(format!("--ip: {e}")))?);
    }
    let mut ports: Vec<u16> = Vec::new();
    for p in &args.port {
        let range =
            parse_port_range(p).map_err(|e| HeadlessError::Usage(format!("--port: {e}")))?;
        ports.extend(range.ports());
    }
    if ips.len().saturating_mul(ports.len()) > MAX_SOCKETS {
        return Err(HeadlessError::Usage(format!(
            "--ip × --port asks for {} sockets, more than {MAX_SOCKETS} at once; leave out --port to change every port of the addresses",
            ips.len() * ports.len()
        )));
    }
    Ok(if ports.is_empty() {
        ips.into_iter().map(|ip| (ip, None)).collect()
    } else {
        ips.iter()
            .flat_map(|ip| ports.iter().map(move |p| (*ip, Some(*p))))
            .collect()
    })
}

/// The one endpoint group of the account that holds `subnet`; an error naming every group
/// when there are several, and saying so when there is none.
async fn group_holding(
    cli: &Cli,
    api: &dyn GlobalAccelerator,
    subnet: &str,
) -> Result<String, HeadlessError> {
    let accelerators: Vec<String> = super::all_accelerators(api)
        .await?
        .into_iter()
        .map(|a| a.arn)
        .collect();
    let options = ListingOptions {
        page_size: cli.page_size,
        ..ListingOptions::default()
    };
    let holding: Vec<String> = listing::endpoint_groups_of(api, &accelerators, &options)
        .await?
        .into_iter()
        .flatten()
        .filter(|g| g.endpoints.iter().any(|e| e == subnet))
        .map(|g| g.arn)
        .collect();
    match holding.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(HeadlessError::Usage(format!(
            "{subnet} is in no endpoint group of this account; `portolan endpoint-groups LISTENER_ARN` lists each group's subnets"
        ))),
        many => Err(HeadlessError::Usage(format!(
            "{subnet} is in {} endpoint groups; choose one with --group: {}",
            many.len(),
            many.join(", ")
        ))),
    }
}

/// The change in words, as the journal and the summary say it.
fn describe(allow: bool, plan: &Plan, subnet: &str, group: &str) -> String {
    let verb = if allow { "allow" } else { "deny" };
    let (mut whole, mut sockets) = (0usize, 0usize);
    let mut only = None;
    for c in &plan.changes {
        if let TrafficScope::Destinations { addresses, ports } = &c.scope {
            if ports.is_empty() {
                whole += addresses.len();
            } else {
                sockets += addresses.len() * ports.len();
            }
            only = match (addresses.as_slice(), ports.as_slice()) {
                ([ip], []) => Some(format!("{ip} (every port)")),
                ([ip], [port]) => Some(format!("{ip}:{port}")),
                _ => None,
            };
        }
    }
    let mut parts = Vec::new();
    if plan.sockets == 1
        && let Some(one) = only
    {
        parts.push(one);
    } else {
        if sockets > 0 {
            parts.push(format!("{sockets} socket{}", plural(sockets)));
        }
        if whole > 0 {
            parts.push(format!(
                "every port of {whole} address{}",
                if whole == 1 { "" } else { "es" }
            ));
        }
    }
    format!(
        "{verb} {} on {subnet} (group {})",
        parts.join(" and "),
        short_id(group)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A dry run: the requests as JSON with `-o json|ndjson`, else each call in words.
fn print_plan(
    allow: bool,
    plan: &Plan,
    what: &str,
    group: &str,
    format: Option<OutputFormat>,
    out: &mut dyn Write,
) -> Result<(), HeadlessError> {
    let requests: Vec<Request> = plan
        .changes
        .iter()
        .map(|c| Request::traffic(allow, c))
        .collect();
    match format {
        Some(OutputFormat::Json) => {
            serde_json::to_writer_pretty(
                &mut *out,
                &serde_json::json!({ "Requests": requests, "DryRun": true }),
            )
            .map_err(io::Error::other)?;
            writeln!(out)?;
        }
        Some(OutputFormat::Ndjson) => {
            for r in &requests {
                serde_json::to_writer(&mut *out, r).map_err(io::Error::other)?;
                writeln!(out)?;
            }
        }
        _ => {
            writeln!(out, "dry run, no call made: {}", sanitize(what))?;
            writeln!(out, "{}", plan.counts())?;
            writeln!(out, "group {}", sanitize(group))?;
            for (i, (c, r)) in plan.changes.iter().zip(&requests).enumerate() {
                let TrafficScope::Destinations { addresses, ports } = &c.scope else {
                    writeln!(
                        out,
                        "call {}: {} {} all",
                        i + 1,
                        r.operation(),
                        c.endpoint_id
                    )?;
                    continue;
                };
                let ports = if ports.is_empty() {
                    "every port".to_string()
                } else {
                    format!("port{} {}", plural(ports.len()), port_runs(ports))
                };
                writeln!(
                    out,
                    "call {}: {} {}: {} address{} × {ports}: {}",
                    i + 1,
                    r.operation(),
                    c.endpoint_id,
                    addresses.len(),
                    if addresses.len() == 1 { "" } else { "es" },
                    addresses.join(" "),
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Sorted ports with runs folded: `7777-7780 8000`.
fn port_runs(ports: &[u16]) -> String {
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for &p in ports {
        match runs.last_mut() {
            Some((_, to)) if u32::from(*to) + 1 == u32::from(p) => *to = p,
            _ => runs.push((p, p)),
        }
    }
    runs.iter()
        .map(|&(from, to)| {
            if from == to {
                from.to_string()
            } else {
                format!("{from}-{to}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TrafficChange;

    const GROUP: &str =
        "arn:aws:globalaccelerator::123456789012:accelerator/a/listener/l/endpoint-group/g1";

    fn change(addresses: &[&str], ports: &[u16]) -> TrafficChange {
        TrafficChange {
            endpoint_group_arn: GROUP.into(),
            endpoint_id: "subnet-0a00000000000001a".into(),
            scope: TrafficScope::Destinations {
                addresses: addresses.iter().map(ToString::to_string).collect(),
                ports: ports.to_vec(),
            },
        }
    }

    #[test]
    fn too_many_sockets_at_once_are_refused() {
        let args = TrafficArgs {
            group: None,
            endpoint: "subnet-0a00000000000001a".into(),
            ip: (0..20).map(|i| format!("10.0.0.{i}")).collect(),
            port: vec!["1-65535".into()],
            from_file: None,
            dry_run: true,
        };
        let err = destinations(&args).unwrap_err().to_string();
        assert!(err.contains("1310700 sockets"), "{err}");
        let args = TrafficArgs {
            ip: args.ip[..5].to_vec(),
            port: vec!["1-50000".into()],
            ..args
        };
        assert_eq!(destinations(&args).unwrap().len(), 250_000);
    }

    #[test]
    fn ports_fold_into_runs() {
        assert_eq!(
            port_runs(&[7777, 7778, 7779, 8000, 8002]),
            "7777-7779 8000 8002"
        );
        assert_eq!(port_runs(&[65535]), "65535");
        assert_eq!(port_runs(&[]), "");
    }

    #[test]
    fn the_change_is_described_by_what_it_covers() {
        let one = Plan {
            changes: vec![change(&["10.0.1.4"], &[7777])],
            sockets: 1,
            addresses: 1,
            subnets: 1,
        };
        assert_eq!(
            describe(false, &one, "subnet-0a00000000000001a", GROUP),
            "deny 10.0.1.4:7777 on subnet-0a00000000000001a (group g1)"
        );
        let mixed = Plan {
            changes: vec![
                change(&["10.0.1.7"], &[]),
                change(&["10.0.1.4", "10.0.1.5"], &[7777, 7778]),
            ],
            sockets: 5,
            addresses: 3,
            subnets: 1,
        };
        assert_eq!(
            describe(true, &mixed, "subnet-0a00000000000001a", GROUP),
            "allow 4 sockets and every port of 1 address on subnet-0a00000000000001a (group g1)"
        );
    }

    #[test]
    fn a_dry_run_lists_every_call_with_its_addresses_and_ports() {
        let plan = Plan {
            changes: vec![
                change(&["10.0.1.7"], &[]),
                change(&["10.0.1.4", "10.0.1.5"], &[7777, 7778, 8000]),
            ],
            sockets: 7,
            addresses: 3,
            subnets: 1,
        };
        let mut out = Vec::new();
        print_plan(false, &plan, "deny x", GROUP, None, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("6 sockets and every port of 1 address, 3 addresses, 1 subnet, 2 calls"),
            "{text}"
        );
        assert!(text.contains("call 1: DenyCustomRoutingTraffic subnet-0a00000000000001a: 1 address × every port: 10.0.1.7"), "{text}");
        assert!(text.contains("call 2: DenyCustomRoutingTraffic subnet-0a00000000000001a: 2 addresses × ports 7777-7778 8000: 10.0.1.4 10.0.1.5"), "{text}");
        let mut out = Vec::new();
        print_plan(
            true,
            &plan,
            "allow x",
            GROUP,
            Some(OutputFormat::Ndjson),
            &mut out,
        )
        .unwrap();
        let lines: Vec<Request> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1], Request::traffic(true, &plan.changes[1]));
    }
}
