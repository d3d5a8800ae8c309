//! A pseudo-terminal session with the real binary: keys in, screen out through a VT100
//! parser, and every raw byte kept for tests that check what reached the terminal.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub const WAIT: Duration = Duration::from_secs(60);

pub struct Session {
    pub screen: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    pub writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    pub master: Box<dyn portable_pty::MasterPty + Send>,
    _state_dir: tempfile::TempDir,
}

impl Session {
    pub fn start(args: &[&str], cols: u16, rows: u16) -> Self {
        Self::start_program(env!("CARGO_BIN_EXE_portolan"), args, cols, rows)
    }

    pub fn start_program(program: &str, args: &[&str], cols: u16, rows: u16) -> Self {
        Self::start_with_env(program, args, &[], cols, rows)
    }

    /// Starts `program` with `env` added; the state and config directories are always fresh
    /// temporary ones, so nothing of the machine's own set-up leaks in.
    pub fn start_with_env(
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let state_dir = tempfile::tempdir().unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("XDG_STATE_HOME", state_dir.path());
        cmd.env("XDG_CONFIG_HOME", state_dir.path());
        for (key, value) in env {
            cmd.env(key, value);
        }
        cmd.env("PORTOLAN_LOG", "debug");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(rows).unwrap(),
            NonZeroU16::new(cols).unwrap(),
            0,
        )));
        let parser = Arc::clone(&screen);
        let raw = Arc::new(Mutex::new(Vec::new()));
        let bytes = Arc::clone(&raw);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                bytes.lock().unwrap().extend_from_slice(&buf[..n]);
                parser.lock().unwrap().process(&buf[..n]);
            }
        });
        Session {
            raw,
            screen,
            writer,
            child,
            master: pair.master,
            _state_dir: state_dir,
        }
    }

    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    pub fn wait_for(&self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            assert!(
                started.elapsed() < WAIT,
                "{needle:?} never appeared; the screen shows:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // A lone ESC is told apart from an escape sequence by the pause after it.
        std::thread::sleep(Duration::from_millis(150));
    }

    pub fn exit_status(&mut self) -> portable_pty::ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(started.elapsed() < WAIT, "portolan did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
