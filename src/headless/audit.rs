//! `portolan audit`: the findings on stdout in the format asked for, what was looked at and
//! that ALLOW is only Global Accelerator's setting said once (on stderr, or inside the JSON
//! document), and exit status 3 when something was found.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;
use serde_json::ser::PrettyFormatter;

use super::progress::Progress;
use super::{HeadlessError, Output};
use crate::api::listing::ListingOptions;
use crate::audit::{AuditError, NOTE, Report};
use crate::cli::{Cli, OutputFormat};
use crate::format::{Record, checked_json};
use crate::model::audit::{Finding, Kind};

impl From<AuditError> for HeadlessError {
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Api(e) => HeadlessError::Api(e),
            other @ AuditError::Ec2 { .. } => HeadlessError::Failed(other.to_string()),
        }
    }
}

/// The audit needs to know what holds each address: without EC2 it has nothing to compare.
const NEEDS_EC2: &str = "the audit needs EC2 (it compares what Global Accelerator allows with the network interfaces and instances EC2 lists): run it without --no-ec2, and with ec2 = true (the default) in the config";

pub async fn run_audit(cli: &Cli) -> Result<(), HeadlessError> {
    if cli.no_ec2 {
        return Err(HeadlessError::Usage(NEEDS_EC2.into()));
    }
    let session = crate::session::connect(cli).await?;
    let Some(ec2) = session.ec2.as_deref() else {
        let why = session
            .ec2_problem
            .unwrap_or_else(|| "no EC2 client".into());
        return Err(HeadlessError::Failed(format!(
            "the audit needs EC2 and {why}"
        )));
    };
    let options = ListingOptions {
        page_size: cli.page_size,
        ..ListingOptions::default()
    };
    let progress = Progress::new();
    let report = crate::audit::run_with(session.api.as_ref(), ec2, &options, &mut |p| {
        progress.read(p.mappings, p.chains_done, p.chains);
        if p.asking_ec2 {
            progress.doing(format!(
                "{} mappings read · asking EC2 what holds each address",
                p.mappings
            ));
        }
    })
    .await;
    drop(progress);
    let report = report?;
    let mut out = super::stdout_output(cli);
    write_report(&report, &mut out, &mut io::stderr().lock())?;
    match report.findings.len() {
        0 => Ok(()),
        n => Err(HeadlessError::Findings(n)),
    }
}

/// Writes the findings to `out`; the notes (what was looked at, what ALLOW means, columns
/// hidden to fit) go to `notes`, except with `-o json`, whose document carries them.
pub fn write_report<W: Write>(
    report: &Report,
    out: &mut Output<W>,
    notes: &mut dyn Write,
) -> Result<(), HeadlessError> {
    if out.format() == OutputFormat::Json {
        let findings: Vec<serde_json::Value> =
            report.findings.iter().map(Record::to_json).collect();
        let document = json!({
            "Findings": findings,
            "Checked": checked_json(&report.checked),
            "Note": NOTE,
        });
        let w = out.writer();
        let mut ser =
            serde_json::Serializer::with_formatter(&mut *w, PrettyFormatter::with_indent(b"    "));
        document.serialize(&mut ser).map_err(io::Error::other)?;
        writeln!(w)?;
        w.flush()?;
        return Ok(());
    }
    out.begin::<Finding>()?;
    out.page(&report.findings)?;
    out.finish::<Finding>()?;
    if let Some(hidden) = super::hidden_note(out) {
        writeln!(notes, "portolan: {hidden}")?;
    }
    writeln!(notes, "portolan: audit: {}", summary(report))?;
    writeln!(notes, "portolan: {NOTE}")?;
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `8 exposed, 2 denying subnets, 73 denied ports in 24 accelerators, …`.
fn summary(report: &Report) -> String {
    let count = |kind: Kind| report.findings.iter().filter(|f| f.kind() == kind).count();
    let found = if report.findings.is_empty() {
        "nothing found".to_string()
    } else {
        let parts: Vec<String> = [
            (Kind::Exposed, "exposed address", "exposed addresses"),
            (Kind::DenyingSubnet, "denying subnet", "denying subnets"),
            (
                Kind::DeniedPorts,
                "address with denied ports",
                "addresses with denied ports",
            ),
        ]
        .into_iter()
        .filter(|(kind, ..)| count(*kind) > 0)
        .map(|(kind, one, many)| plural(count(kind), one, many))
        .collect();
        parts.join(", ")
    };
    let c = &report.checked;
    format!(
        "{found} in {}, {}, {}, {}, {} ({})",
        plural(c.accelerators, "accelerator", "accelerators"),
        plural(c.groups, "endpoint group", "endpoint groups"),
        plural(c.subnets, "subnet", "subnets"),
        plural(
            c.destinations,
            "destination address",
            "destination addresses"
        ),
        plural(c.instances, "instance", "instances"),
        plural(
            usize::try_from(c.mappings).unwrap_or(usize::MAX),
            "mapping",
            "mappings"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::audit::Checked;

    fn empty() -> Report {
        Report {
            findings: Vec::new(),
            checked: Checked {
                accelerators: 1,
                groups: 2,
                subnets: 3,
                destinations: 33,
                instances: 30,
                mappings: 99,
            },
        }
    }

    #[test]
    fn a_clean_table_says_so_and_the_note_goes_to_stderr_once() {
        let mut out = Output::new(OutputFormat::Table, Vec::new(), false);
        let mut notes = Vec::new();
        write_report(&empty(), &mut out, &mut notes).unwrap();
        assert_eq!(
            String::from_utf8(out.writer().clone()).unwrap(),
            "(no findings)\n"
        );
        let notes = String::from_utf8(notes).unwrap();
        assert_eq!(
            notes,
            format!(
                "portolan: audit: nothing found in 1 accelerator, 2 endpoint groups, 3 subnets, 33 destination addresses, 30 instances (99 mappings)\nportolan: {NOTE}\n"
            )
        );
    }

    #[test]
    fn json_carries_the_note_and_what_was_checked_and_stderr_stays_quiet() {
        let mut out = Output::new(OutputFormat::Json, Vec::new(), false);
        let mut notes = Vec::new();
        write_report(&empty(), &mut out, &mut notes).unwrap();
        assert!(notes.is_empty());
        let doc: serde_json::Value = serde_json::from_slice(out.writer()).unwrap();
        assert_eq!(doc["Findings"], json!([]));
        assert_eq!(doc["Note"], NOTE);
        assert_eq!(doc["Checked"]["EndpointGroups"], 2);
        assert_eq!(doc["Checked"]["Mappings"], 99);
    }
}
