//! The effect runners of the watch: the account's pins file read and written off the loop,
//! in blocking tasks, the answers sent back as actions; and the terminal bell.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use crate::app::watch::PinFile;
use crate::app::{Action, Effect};
use crate::model::watch::Pin;
use crate::watch::PinStore;

/// Reads the account's pins.
pub fn load(dir: PathBuf, account: String, tx: mpsc::UnboundedSender<Action>) {
    tokio::task::spawn_blocking(move || {
        let event = match PinStore::in_dir(dir).load(&account) {
            Ok(loaded) => PinFile::Loaded {
                account,
                pins: loaded.pins,
                unreadable: loaded.unreadable,
            },
            Err(e) => PinFile::LoadFailed {
                account,
                message: e.to_string(),
            },
        };
        let _ = tx.send(Action::PinFile(event));
    });
}

/// Saves in the order asked for: blocking tasks may start in any order, so each save has a
/// number, and one older than what a file already holds is dropped.
#[derive(Default)]
pub struct PinFiles {
    asked: u64,
    written: Arc<Mutex<HashMap<PathBuf, u64>>>,
}

impl PinFiles {
    /// Runs the watch's effects: the pins file, and the bell (BEL to the terminal).
    pub fn run(&mut self, effect: Effect, tx: &mpsc::UnboundedSender<Action>) {
        match effect {
            Effect::LoadPins { dir, account } => load(dir, account, tx.clone()),
            Effect::SavePins { dir, account, pins } => {
                drop(self.save(dir, account, pins, tx.clone()));
            }
            Effect::Bell => {
                let mut out = std::io::stdout();
                let _ = out.write_all(b"\x07").and_then(|()| out.flush());
            }
            _ => {}
        }
    }

    pub fn save(
        &mut self,
        dir: PathBuf,
        account: String,
        pins: Vec<Pin>,
        tx: mpsc::UnboundedSender<Action>,
    ) -> tokio::task::JoinHandle<()> {
        self.asked += 1;
        let number = self.asked;
        let written = Arc::clone(&self.written);
        tokio::task::spawn_blocking(move || {
            let file = dir.join(&account);
            // Held while writing: saves of one file happen one at a time.
            let mut written = written.lock().unwrap_or_else(|e| e.into_inner());
            if written.get(&file).is_some_and(|&n| n > number) {
                return;
            }
            written.insert(file, number);
            if let Err(e) = PinStore::in_dir(dir).save(&account, &pins) {
                let _ = tx.send(Action::PinFile(PinFile::SaveFailed {
                    account,
                    message: e.to_string(),
                }));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_last_save_asked_for_is_what_the_file_holds() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, _rx) = mpsc::unbounded_channel();
        let mut files = PinFiles::default();
        let pins: Vec<Pin> = ["10.0.3.17", "10.0.3.18", "75.2.16.21:54442"]
            .iter()
            .map(|p| Pin::parse(p).unwrap())
            .collect();
        let mut saving = Vec::new();
        for _ in 0..20 {
            for n in 1..=pins.len() {
                saving.push(files.save(
                    dir.path().to_path_buf(),
                    "123456789012".into(),
                    pins[..n].to_vec(),
                    tx.clone(),
                ));
            }
        }
        for s in saving {
            s.await.unwrap();
        }
        let got = PinStore::in_dir(dir.path()).load("123456789012").unwrap();
        assert_eq!(got.pins, pins);
    }

    #[tokio::test]
    async fn a_save_that_fails_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        let (tx, mut rx) = mpsc::unbounded_channel();
        PinFiles::default()
            .save(blocker, "123456789012".into(), Vec::new(), tx)
            .await
            .unwrap();
        match rx.recv().await {
            Some(Action::PinFile(PinFile::SaveFailed { account, .. })) => {
                assert_eq!(account, "123456789012");
            }
            other => panic!("{other:?}"),
        }
    }
}
