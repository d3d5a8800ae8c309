//! The effect runner for the join's lookups: one task per lookup, EC2's answers joined into
//! one view per subnet by [`crate::ec2::subnet_views`], as the headless commands join them.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::join::{Ec2Answer, Ec2Failure, Ec2Lookup};
use crate::app::{Action, RequestId};
use crate::ec2::{Ec2, Ec2Error};

/// Runs `lookup` and sends the answer back to the loop.
pub async fn run(
    id: RequestId,
    lookup: Ec2Lookup,
    ec2: Option<Arc<dyn Ec2>>,
    tx: UnboundedSender<Action>,
) {
    let result = match ec2 {
        Some(ec2) => answer(ec2.as_ref(), lookup).await.map_err(|e| failure(&e)),
        None => Err(Ec2Failure {
            message: "no EC2 client in this session".into(),
            access: Some("EC2 join off: no EC2 client in this session".into()),
        }),
    };
    let _ = tx.send(Action::Ec2 { id, result });
}

/// Asks EC2 what `lookup` wants, in as few calls as its batches allow.
pub async fn answer(ec2: &dyn Ec2, lookup: Ec2Lookup) -> Result<Ec2Answer, Ec2Error> {
    match lookup {
        Ec2Lookup::Region { region } => {
            Ok(Ec2Answer::Region(ec2.subnets_in_region(&region).await?))
        }
        Ec2Lookup::Subnets { region, ids } => Ok(Ec2Answer::Subnets(
            crate::ec2::subnet_views(ec2, &region, &ids).await?,
        )),
    }
}

/// What the app is told of an error: its text, and for a refused permission or refused
/// credentials the line the header says once.
fn failure(e: &Ec2Error) -> Ec2Failure {
    Ec2Failure {
        message: e.to_string(),
        access: e
            .is_access_denied()
            .then(|| Ec2Error::access_summary([e]).unwrap_or_else(|| e.to_string())),
    }
}
