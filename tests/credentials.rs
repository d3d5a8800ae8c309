//! The AWS set-up a user already has, picked up unchanged: profiles with `endpoint_url`, the
//! endpoint environment variables, instance metadata, role assumption through STS, and plain
//! one-line messages for an expired SSO session or no credentials at all. Every service is a
//! loopback stand-in; the binary runs in an empty home with nothing of the machine's own.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::emulator::Emulator;
use common::stand_in::StandIn;

/// `portolan ARGS` in a home of its own: the AWS files are the ones written there, and no
/// variable of the machine's own reaches it.
fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portolan"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".state"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        // Instance metadata answers nowhere unless a test points it at a stand-in.
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv4");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn aws_file(home: &Path, name: &str, text: &str) {
    let dir = home.join(".aws");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
}

fn listed(out: &Output) -> usize {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).lines().count()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_profile_with_endpoint_url_reaches_the_emulator_with_no_flags() {
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let home = tempfile::tempdir().unwrap();
    // Credentials in the shared file, as `aws configure` writes them.
    aws_file(
        home.path(),
        "config",
        &format!(
            "[profile emu]\nregion = eu-west-1\nendpoint_url = {}\n",
            emulator.url
        ),
    );
    aws_file(
        home.path(),
        "credentials",
        "[emu]\naws_access_key_id = AKIDEMU\naws_secret_access_key = emu\n",
    );
    let env = [("AWS_PROFILE", "emu")];
    let out = run(home.path(), &["accelerators", "-o", "ndjson"], &env);
    assert!(listed(&out) > 0);

    // A profile with only an endpoint on this machine needs no credentials at all.
    aws_file(
        home.path(),
        "config",
        &format!("[profile bare]\nendpoint_url = {}\n", emulator.url),
    );
    let out = run(
        home.path(),
        &["accelerators", "-o", "ndjson"],
        &[("AWS_PROFILE", "bare")],
    );
    assert!(listed(&out) > 0);
}

#[test]
fn the_endpoint_variables_are_honoured_as_the_aws_cli_does() {
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let home = tempfile::tempdir().unwrap();
    let creds = [
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "env"),
    ];
    for var in ["AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR", "AWS_ENDPOINT_URL"] {
        let mut env = creds.to_vec();
        env.push((var, &emulator.url));
        let out = run(home.path(), &["accelerators", "-o", "ndjson"], &env);
        assert!(listed(&out) > 0, "{var}");
    }
    // The service's own variable wins over the general one.
    let mut env = creds.to_vec();
    env.push(("AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR", &emulator.url));
    env.push(("AWS_ENDPOINT_URL", "http://127.0.0.1:9"));
    let out = run(home.path(), &["accelerators", "-o", "ndjson"], &env);
    assert!(listed(&out) > 0);
}

#[test]
fn credentials_from_instance_metadata() {
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let imds = StandIn::start(|r| {
        match (r.method.as_str(), r.path.as_str()) {
        ("PUT", "/latest/api/token") => (200, "text/plain", "token-1".into()),
        ("GET", "/latest/meta-data/iam/security-credentials/") => {
            (200, "text/plain", "portolan-role".into())
        }
        ("GET", "/latest/meta-data/iam/security-credentials/portolan-role") => (
            200,
            "application/json",
            r#"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds","Token":"imds-token","Expiration":"2099-01-01T00:00:00Z","LastUpdated":"2026-01-01T00:00:00Z"}"#.into(),
        ),
        _ => (404, "text/plain", String::new()),
    }
    });
    let home = tempfile::tempdir().unwrap();
    let out = run(
        home.path(),
        &["accelerators", "-o", "ndjson"],
        &[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url),
            ("AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR", &emulator.url),
        ],
    );
    assert!(listed(&out) > 0);
    let seen = imds.seen();
    assert!(
        seen.iter()
            .any(|r| r == "GET /latest/meta-data/iam/security-credentials/portolan-role"),
        "the credentials came from instance metadata: {seen:?}"
    );
}

#[test]
fn a_role_is_assumed_through_sts() {
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let sts = StandIn::start(|r| {
        if r.body.contains("Action=AssumeRole") {
            (
                200,
                "text/xml",
                r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role</SecretAccessKey><SessionToken>role-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:portolan</AssumedRoleId><Arn>arn:aws:sts::111122223333:assumed-role/netops/portolan</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>"#.into(),
            )
        } else {
            (400, "text/plain", String::new())
        }
    });
    let home = tempfile::tempdir().unwrap();
    aws_file(
        home.path(),
        "config",
        "[profile base]\nregion = us-east-1\n\n[profile netops]\nregion = us-east-1\nrole_arn = arn:aws:iam::111122223333:role/netops\nsource_profile = base\n",
    );
    aws_file(
        home.path(),
        "credentials",
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base\n",
    );
    let out = run(
        home.path(),
        &["--profile", "netops", "accelerators", "-o", "ndjson"],
        &[
            ("AWS_ENDPOINT_URL_STS", &sts.url),
            ("AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR", &emulator.url),
        ],
    );
    assert!(listed(&out) > 0);
    assert!(
        sts.seen().iter().any(|r| r.starts_with("POST /")),
        "the role was assumed through the STS stand-in: {:?}",
        sts.seen()
    );
}

#[test]
fn an_expired_sso_session_says_which_command_to_run() {
    let home = tempfile::tempdir().unwrap();
    aws_file(
        home.path(),
        "config",
        "[profile sre]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = NetOps\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    );
    expired_sso_token(home.path());
    let out = run(
        home.path(),
        &["accelerators"],
        &[
            ("AWS_PROFILE", "sre"),
            ("AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:9"),
            ("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:9"),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert_eq!(said.lines().count(), 1, "one plain sentence: {said}");
    assert!(said.contains("aws sso login --profile sre"), "{said}");
}

#[test]
fn no_credentials_at_all_says_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    let out = run(home.path(), &["accelerators"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let said = stderr(&out);
    assert_eq!(said.lines().count(), 1, "one plain sentence: {said}");
    assert!(
        said.contains("--demo") && said.contains("aws configure"),
        "{said}"
    );
}

#[test]
fn a_new_user_with_only_aws_profile_set_reaches_the_accelerators_pane() {
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let home = tempfile::tempdir().unwrap();
    aws_file(
        home.path(),
        "config",
        &format!("[profile emu]\nendpoint_url = {}\n", emulator.url),
    );
    let home_dir = home.path().display().to_string();
    let mut s = common::pty::Session::start_with_env(
        env!("CARGO_BIN_EXE_portolan"),
        &[],
        &[
            ("HOME", &home_dir),
            ("AWS_PROFILE", "emu"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9"),
        ],
        100,
        24,
    );
    let screen = s.wait_for("Accelerators ─ all");
    assert!(screen.contains("profile emu"), "{screen}");
    assert!(
        screen.contains(&emulator.url),
        "the endpoint in use is shown: {screen}"
    );
    s.wait_for("account ");
    s.send("q");
    assert!(s.exit_status().success());
}

#[test]
fn p_switches_to_another_profile_and_reloads_everything() {
    let small = Emulator::start("tests/fixtures/small.toml");
    let crowded = Emulator::start("tests/fixtures/full-listener.toml");
    let home = tempfile::tempdir().unwrap();
    aws_file(
        home.path(),
        "config",
        &format!(
            "[profile expired]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = NetOps\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n[profile games]\nendpoint_url = {}\n\n[profile lab]\nendpoint_url = {}\n",
            small.url, crowded.url
        ),
    );
    expired_sso_token(home.path());
    let home_dir = home.path().display().to_string();
    let mut s = common::pty::Session::start_with_env(
        env!("CARGO_BIN_EXE_portolan"),
        &[],
        &[
            ("HOME", &home_dir),
            ("AWS_PROFILE", "games"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9"),
        ],
        100,
        24,
    );
    let first = s.wait_for("voip-eu");
    assert!(first.contains("profile games"), "{first}");
    s.send("P");
    let picker = s.wait_for("AWS profiles");
    assert!(
        picker.contains("games  (current)") && picker.contains("lab"),
        "{picker}"
    );
    // A profile that cannot read is refused and the current session stays.
    s.send("k");
    s.send("\r");
    let refused = s.wait_for("the SSO session of profile expired has expired");
    assert!(refused.contains("profile games"), "{refused}");
    assert!(refused.contains("voip-eu"), "{refused}");
    s.send("j");
    s.send("j");
    s.send("\r");
    let switched = s.wait_for("crowded");
    assert!(switched.contains("profile lab"), "{switched}");
    assert!(switched.contains(&crowded.url), "{switched}");
    assert!(
        !switched.contains("voip-eu"),
        "nothing of the old account stays: {switched}"
    );
    s.send("q");
    assert!(s.exit_status().success());
}

/// The token cache file `aws sso login` writes for the session `corp`, named by the SHA-1 of
/// the session name, holding a token that expired long ago.
fn expired_sso_token(home: &Path) {
    let cache = home.join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let name = sha1_smol::Sha1::from("corp").digest().to_string();
    std::fs::write(
        cache.join(format!("{name}.json")),
        r#"{"startUrl":"https://corp.awsapps.com/start","region":"us-east-1","accessToken":"expired","expiresAt":"2020-01-01T00:00:00Z"}"#,
    )
    .unwrap();
}
