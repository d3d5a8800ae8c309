//! The effect runner for the audit view: the whole audit (`crate::audit::run_with`) in one
//! task, its progress sent back a few times a second, its report or its failure at the end.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use crate::api::GlobalAccelerator;
use crate::api::listing::ListingOptions;
use crate::app::screens::audit::{AuditFailure, AuditProgress, AuditReport};
use crate::app::{Action, RequestId};
use crate::audit::AuditError;
use crate::ec2::Ec2;

/// Progress is said at most this often: every page of a million mappings would be a
/// redraw each.
const EVERY: Duration = Duration::from_millis(150);

/// Runs the audit and sends what it found (or why not) back to the loop.
pub async fn run(
    id: RequestId,
    api: Arc<dyn GlobalAccelerator>,
    ec2: Option<Arc<dyn Ec2>>,
    tx: UnboundedSender<Action>,
) {
    let Some(ec2) = ec2 else {
        let result = Err(AuditFailure {
            message: "the audit needs EC2 and this session has no EC2 client".into(),
            permission: None,
        });
        let _ = tx.send(Action::Audited { id, result });
        return;
    };
    let progress_tx = tx.clone();
    let mut said: Option<Instant> = None;
    let mut progress = move |p: crate::audit::Progress| {
        let due = p.asking_ec2 || said.is_none_or(|at| at.elapsed() >= EVERY);
        if due {
            said = Some(Instant::now());
            let progress = AuditProgress {
                mappings: p.mappings,
                chains_done: p.chains_done,
                chains: p.chains,
                asking_ec2: p.asking_ec2,
            };
            let _ = progress_tx.send(Action::AuditProgress { id, progress });
        }
    };
    let options = ListingOptions::default();
    let result = crate::audit::run_with(api.as_ref(), ec2.as_ref(), &options, &mut progress).await;
    let result = result
        .map(|report| AuditReport {
            findings: report.findings,
            checked: report.checked,
        })
        .map_err(|e| failure(&e));
    tracing::info!(id, ok = result.is_ok(), "audit ended");
    let _ = tx.send(Action::Audited { id, result });
}

fn failure(e: &AuditError) -> AuditFailure {
    AuditFailure {
        message: e.to_string(),
        permission: e.missing_permission().map(str::to_string),
    }
}
