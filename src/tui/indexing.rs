//! The effect runner for index builds: read every mapping of an accelerator, reporting
//! progress to the loop, then save the index.

use std::path::PathBuf;

use crate::api::GlobalAccelerator;
use crate::app::{Action, RequestId};
use crate::index::{IndexStore, build};
use crate::model::Accelerator;

/// The task: read every mapping, reporting progress, then save.
pub async fn run(
    api: &dyn GlobalAccelerator,
    id: RequestId,
    accelerator: Accelerator,
    store: PathBuf,
    tx: tokio::sync::mpsc::UnboundedSender<Action>,
) {
    let bound = match api
        .list_listeners(&accelerator.arn, crate::api::MAX_RESULTS_RESOURCES, None)
        .await
    {
        Ok(page) => page.items.iter().map(|l| u64::from(l.total_ports())).sum(),
        Err(_) => 0,
    };
    let _ = tx.send(Action::IndexProgress { id, read: 0, bound });
    let result = build(api, &accelerator, |read| {
        let _ = tx.send(Action::IndexProgress { id, read, bound });
        true
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|index| {
        let index = index.ok_or("stopped")?;
        let bytes = IndexStore::new(&store)
            .save(&index)
            .map_err(|e| e.to_string())?;
        Ok((index.len(), bytes))
    });
    tracing::info!(accelerator = %accelerator.arn, ?result, "index built");
    let _ = tx.send(Action::IndexBuilt { id, result });
}
