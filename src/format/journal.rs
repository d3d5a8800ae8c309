//! The journal's entries as a list (`portolan journal`): what was changed, when, by whom, and
//! how far it got. The file holds the exact requests and prior states; the list says enough
//! to choose one to undo.

use serde_json::{Value, json};

use super::AcceleratorNames;
use super::records::{Column, Record};
use crate::journal::Entry;

/// "applied/total", as the CALLS column and the CSV show it.
fn calls(e: &Entry) -> String {
    format!("{}/{}", e.outcome.applied, e.requests.len())
}

impl Record for Entry {
    const LIST_KEY: &'static str = "JournalEntries";
    const NOUN: &'static str = "journal entries";
    const COLUMNS: &'static [&'static str] = &[
        "Id",
        "At",
        "Profile",
        "Account",
        "What",
        "CallsApplied",
        "Calls",
        "Error",
        "Undoes",
    ];
    /// The id is what `undo` takes: never cut, never hidden.
    const TABLE: &'static [Column] = &[
        Column::whole("ID"),
        Column::whole("WHEN").hidden(2),
        Column::whole("PROFILE").hidden(4),
        Column::whole("ACCOUNT").hidden(5),
        Column::name("WHAT"),
        Column::whole("CALLS").hidden(1),
        Column::name("ERROR"),
        Column::whole("UNDOES").hidden(3),
    ];

    fn to_json(&self) -> Value {
        json!({
            "Id": self.id,
            "At": self.at,
            "Profile": self.profile,
            "Account": self.account,
            "What": self.what,
            "CallsApplied": self.outcome.applied,
            "Calls": self.requests.len(),
            "Error": self.outcome.error,
            "Undoes": self.undoes,
        })
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.at.clone(),
            self.profile.clone().unwrap_or_default(),
            self.account.clone().unwrap_or_default(),
            self.what.clone(),
            self.outcome.applied.to_string(),
            self.requests.len().to_string(),
            self.outcome.error.clone().unwrap_or_default(),
            self.undoes.clone().unwrap_or_default(),
        ]
    }

    fn row(&self, _: &AcceleratorNames) -> Vec<String> {
        vec![
            self.id.clone(),
            self.at.clone(),
            self.profile.clone().unwrap_or_default(),
            self.account.clone().unwrap_or_default(),
            self.what.clone(),
            calls(self),
            self.outcome.error.clone().unwrap_or_default(),
            self.undoes.clone().unwrap_or_default(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use crate::format::{Output, OutputFormat};
    use crate::journal::{Entry, Outcome};

    fn entry(id: &str, what: &str) -> Entry {
        Entry {
            id: id.into(),
            at: "2026-01-02T03:04:05Z".into(),
            profile: Some("prod".into()),
            account: Some("123456789012".into()),
            what: what.into(),
            requests: Vec::new(),
            outcome: Outcome {
                applied: 0,
                error: Some("throttled".into()),
            },
            prior: Vec::new(),
            prior_error: None,
            undoes: None,
        }
    }

    #[test]
    fn a_narrow_table_cuts_what_was_done_but_never_an_id() {
        let id = "20260102T030405Z-ab12";
        let long = "deny 250 sockets and every port of 17 addresses on subnet-0a00000000000001a";
        let mut buf = Vec::new();
        {
            let mut out = Output::new(OutputFormat::Table, &mut buf, true).fitted_to(Some(50));
            out.begin::<Entry>().unwrap();
            out.page(&[entry(id, long)]).unwrap();
            out.finish::<Entry>().unwrap();
        }
        let text = String::from_utf8(buf).unwrap();
        for line in text.lines() {
            assert!(unicode_width::UnicodeWidthStr::width(line) <= 50, "{text}");
        }
        assert!(text.contains(id), "{text}");
        assert!(text.contains('…'), "{text}");
        assert!(!text.contains(long), "{text}");
    }
}
