//! Long headless runs draw a progress bar only on a terminal: with stderr on a pipe (a script,
//! a CI log) they write no progress at all, not even carriage returns.

use std::process::{Command, Stdio};

#[test]
fn index_build_and_mappings_write_no_progress_to_a_pipe() {
    let cache = tempfile::tempdir().unwrap();
    for args in [
        &["--demo", "index", "build", "chess-live"][..],
        &[
            "--demo",
            "mappings",
            "--accelerator",
            "chess-live",
            "-o",
            "csv",
        ][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_portolan"))
            .args(args)
            .env("XDG_CACHE_HOME", cache.path())
            .env("PORTOLAN_CONFIG", "/nonexistent/portolan/config.toml")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("run portolan");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert!(!out.stdout.is_empty(), "{args:?} printed its answer");
        assert!(
            !stderr.contains('\r'),
            "{args:?} wrote progress to a pipe: {stderr:?}"
        );
        assert!(stderr.is_empty(), "{args:?}: {stderr:?}");
    }
}
