//! Pins kept between runs, one file per account:
//! `$XDG_STATE_HOME/portolan/watch/<account>.json`, holding the pins as typed
//! (`{"version": 1, "pins": ["75.2.16.21:54442", "10.0.3.17"]}`), so a person can read and edit
//! it. Written whole to a temporary file and renamed into place.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::watch::Pin;

const VERSION: u16 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct PinFile {
    version: u16,
    pins: Vec<String>,
}

/// What a pin file held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    pub pins: Vec<Pin>,
    /// Entries that are no pin (an edit gone wrong), each with why: told, not fatal.
    pub unreadable: Vec<String>,
}

/// The pin files in one directory.
#[derive(Debug, Clone)]
pub struct PinStore {
    dir: PathBuf,
}

impl PinStore {
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// `$XDG_STATE_HOME/portolan/watch` (`~/.local/state/portolan/watch` when unset).
    pub fn default_dir() -> Option<PathBuf> {
        crate::journal::Journal::default_dir().map(|d| d.join("watch"))
    }

    pub fn open_default() -> Option<Self> {
        Self::default_dir().map(Self::in_dir)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The account's file. An account is 12 digits: anything else could name a path
    /// outside the directory, and is refused.
    pub fn path(&self, account: &str) -> io::Result<PathBuf> {
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{account:?} is not an AWS account id (12 digits)"),
            ));
        }
        Ok(self.dir.join(format!("{account}.json")))
    }

    /// The account's pins; none when it has no file yet.
    pub fn load(&self, account: &str) -> io::Result<Loaded> {
        let path = self.path(account)?;
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::default()),
            Err(e) => return Err(e),
        };
        let invalid = |m: String| io::Error::new(io::ErrorKind::InvalidData, m);
        let file: PinFile = serde_json::from_slice(&bytes)
            .map_err(|e| invalid(format!("{}: {e}", path.display())))?;
        if file.version != VERSION {
            return Err(invalid(format!(
                "{}: version {} of the pin file is not known to this portolan (it writes {VERSION})",
                path.display(),
                file.version
            )));
        }
        let mut loaded = Loaded::default();
        for (n, typed) in file.pins.iter().enumerate() {
            match Pin::parse(typed) {
                Ok(pin) if !loaded.pins.contains(&pin) => loaded.pins.push(pin),
                Ok(_) => {}
                Err(e) => loaded
                    .unreadable
                    .push(format!("{}: pin {}: {e}", path.display(), n + 1)),
            }
        }
        Ok(loaded)
    }

    /// Replaces the account's pins (a pin given twice is kept once).
    pub fn save(&self, account: &str, pins: &[Pin]) -> io::Result<()> {
        let path = self.path(account)?;
        let mut typed: Vec<String> = Vec::with_capacity(pins.len());
        for pin in pins {
            let t = pin.to_string();
            if !typed.contains(&t) {
                typed.push(t);
            }
        }
        let file = PinFile {
            version: VERSION,
            pins: typed,
        };
        let mut bytes = serde_json::to_vec_pretty(&file).map_err(io::Error::other)?;
        bytes.push(b'\n');
        std::fs::create_dir_all(&self.dir)?;
        let tmp = self
            .dir
            .join(format!(".{account}.json.tmp{}", std::process::id()));
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(&bytes)?;
            f.sync_all()
        })();
        if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, &path)) {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "123456789012";

    fn pins() -> Vec<Pin> {
        [
            "75.2.16.21:54442",
            "10.0.3.17",
            "arn:aws:globalaccelerator::123456789012:accelerator/a/listener/l/endpoint-group/g/subnet-0a00000000000001a/10.0.1.4:7777",
        ]
        .iter()
        .map(|p| Pin::parse(p).unwrap())
        .collect()
    }

    #[test]
    fn pins_round_trip_per_account_and_a_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = PinStore::in_dir(dir.path().join("watch"));
        assert_eq!(store.load(ACCOUNT).unwrap(), Loaded::default());
        let mut twice = pins();
        twice.push(twice[0].clone());
        store.save(ACCOUNT, &twice).unwrap();
        assert_eq!(store.load(ACCOUNT).unwrap().pins, pins());
        assert_eq!(store.load("210987654321").unwrap().pins, []);
        // Saving again replaces, and leaves no temporary file behind.
        store.save(ACCOUNT, &pins()[1..]).unwrap();
        assert_eq!(store.load(ACCOUNT).unwrap().pins, pins()[1..]);
        let names: Vec<String> = std::fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [format!("{ACCOUNT}.json")]);
    }

    #[test]
    fn a_bad_entry_is_told_and_the_rest_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let store = PinStore::in_dir(dir.path());
        std::fs::write(
            store.path(ACCOUNT).unwrap(),
            r#"{"version": 1, "pins": ["10.0.3.17", "nonsense", "75.2.16.21:54442"]}"#,
        )
        .unwrap();
        let loaded = store.load(ACCOUNT).unwrap();
        assert_eq!(loaded.pins.len(), 2);
        assert_eq!(loaded.unreadable.len(), 1);
        assert!(loaded.unreadable[0].contains("pin 2"), "{loaded:?}");
        std::fs::write(
            store.path(ACCOUNT).unwrap(),
            r#"{"version": 9, "pins": []}"#,
        )
        .unwrap();
        let e = store.load(ACCOUNT).unwrap_err();
        assert!(e.to_string().contains("version 9"), "{e}");
        std::fs::write(store.path(ACCOUNT).unwrap(), "{").unwrap();
        assert_eq!(
            store.load(ACCOUNT).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }

    #[test]
    fn an_account_that_is_not_twelve_digits_is_refused() {
        let store = PinStore::in_dir("/nonexistent");
        for account in ["../../etc/passwd", "", "12345678901a", "1234567890123"] {
            assert_eq!(
                store.save(account, &[]).unwrap_err().kind(),
                io::ErrorKind::InvalidInput
            );
            assert!(store.load(account).is_err());
        }
    }
}
