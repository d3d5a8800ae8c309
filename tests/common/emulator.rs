//! The standalone emulator (`portolan emulator`) as a child process: it prints its URL as
//! the first line and is stopped when the test lets go of it.

#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct Emulator {
    child: Child,
    pub url: String,
}

impl Emulator {
    /// Serves `topology` on a free loopback port.
    pub fn start(topology: impl AsRef<OsStr>) -> Self {
        Self::start_with(topology, &[])
    }

    /// Serves `topology` with more options (`--fault SPEC`, …).
    pub fn start_with(topology: impl AsRef<OsStr>, options: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_portolan"))
            .arg("emulator")
            .arg("--topology")
            .arg(topology)
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        Emulator {
            child,
            url: first.trim().to_string(),
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
