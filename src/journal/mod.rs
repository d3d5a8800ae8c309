//! The journal: every change portolan makes, appended as one JSON line to
//! `$XDG_STATE_HOME/portolan/journal.ndjson` — when, by which profile and account, what, the
//! exact requests, how far they got, and for traffic changes the state each touched socket
//! had before. Writers take an exclusive lock on the file, so two portolan processes may run
//! at once; the file is rotated by size (`journal.1.ndjson` … is older).

mod apply;
mod entry;
mod undo;

pub use apply::{Applied, Recorder, read_prior};
pub use entry::{Entry, Outcome, Prior, Request};
pub use undo::{undo, undo_words};

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// A journal file grows to this size before it is rotated.
pub const ROTATE_AT: u64 = 8 * 1024 * 1024;
/// Rotated files kept besides the current one.
pub const KEEP: usize = 3;

/// The journal's files in one directory.
#[derive(Debug, Clone)]
pub struct Journal {
    dir: PathBuf,
    rotate_at: u64,
}

impl Journal {
    /// The journal in `dir` (created on the first write).
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            rotate_at: ROTATE_AT,
        }
    }

    /// `$XDG_STATE_HOME/portolan` (`~/.local/state/portolan` when unset).
    pub fn default_dir() -> Option<PathBuf> {
        use etcetera::BaseStrategy;
        let dirs = etcetera::choose_base_strategy().ok()?;
        Some(dirs.state_dir()?.join("portolan"))
    }

    /// The journal in the default directory, if there is a home to put it in.
    pub fn open_default() -> Option<Self> {
        Self::default_dir().map(Self::in_dir)
    }

    /// Rotates at `bytes` instead of [`ROTATE_AT`] (tests).
    pub fn rotating_at(mut self, bytes: u64) -> Self {
        self.rotate_at = bytes;
        self
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join("journal.ndjson")
    }

    fn rotated(&self, n: usize) -> PathBuf {
        self.dir.join(format!("journal.{n}.ndjson"))
    }

    /// Appends `entry` as one line, under an exclusive lock held across the rotation check
    /// and the write, so concurrent writers neither interleave nor lose lines.
    pub fn append(&self, entry: &Entry) -> io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let mut line = serde_json::to_vec(entry).map_err(io::Error::other)?;
        line.push(b'\n');
        // The lock lives on a file of its own: rotation renames the journal, not the lock.
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join("journal.lock"))?;
        lock.lock()?;
        let result = self.append_locked(&line);
        let _ = lock.unlock();
        result
    }

    fn append_locked(&self, line: &[u8]) -> io::Result<()> {
        let path = self.path();
        let size = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if size > 0 && size + line.len() as u64 > self.rotate_at {
            for n in (1..KEEP).rev() {
                let from = self.rotated(n);
                if from.exists() {
                    fs::rename(&from, self.rotated(n + 1))?;
                }
            }
            fs::rename(&path, self.rotated(1))?;
        }
        let mut file = OpenOptions::new().create(true).append(true).open(&path)?;
        file.write_all(line)?;
        file.sync_data()
    }

    /// Every entry, oldest first, from the rotated files and the current one. Lines that do
    /// not read (a newer format, a torn write) are counted, not fatal.
    pub fn entries(&self) -> io::Result<Read> {
        let mut out = Read::default();
        let mut files: Vec<PathBuf> = (1..=KEEP).rev().map(|n| self.rotated(n)).collect();
        files.push(self.path());
        for path in files {
            let file = match File::open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            read_lines(&path, file, &mut out)?;
        }
        Ok(out)
    }

    /// The entry with this id (or the only one whose id starts with it).
    pub fn find(&self, id: &str) -> io::Result<Result<Entry, String>> {
        let read = self.entries()?;
        let exact = read.entries.iter().find(|e| e.id == id);
        if let Some(e) = exact {
            return Ok(Ok(e.clone()));
        }
        let mut matching = read.entries.iter().filter(|e| e.id.starts_with(id));
        Ok(match (matching.next(), matching.next()) {
            (Some(e), None) if !id.is_empty() => Ok(e.clone()),
            (Some(_), Some(_)) => Err(format!("{id:?} names more than one journal entry")),
            _ => Err(format!(
                "no journal entry {id:?} in {} (portolan journal lists them)",
                self.path().display()
            )),
        })
    }
}

/// What reading the journal found.
#[derive(Debug, Default)]
pub struct Read {
    pub entries: Vec<Entry>,
    /// Lines that could not be read, with their file and line number.
    pub unreadable: Vec<String>,
}

fn read_lines(path: &Path, file: File, out: &mut Read) -> io::Result<()> {
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(&line) {
            Ok(e) => out.entries.push(e),
            Err(e) => out
                .unreadable
                .push(format!("{}:{}: {e}", path.display(), n + 1)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
