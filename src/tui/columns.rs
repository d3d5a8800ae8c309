//! Keeps the column choice in the config file. The file is small and written at once, on the
//! loop, so two quick changes land in the order they were made; the answer says whether it was.

use std::path::PathBuf;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::Action;
use crate::app::columns::ColumnChoice;

pub fn save(path: PathBuf, choice: &ColumnChoice, tx: &UnboundedSender<Action>) {
    let result = crate::config::columns::save(&path, choice);
    tracing::info!(path = %path.display(), ?result, "columns saved");
    let _ = tx.send(Action::ColumnsSaved { path, result });
}
