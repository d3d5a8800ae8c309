//! Terraform's `hashicorp/aws` provider against `portolan emulator`, end to end, with the
//! example configuration the README shows: init, apply, a clean plan, a change (a tag, a
//! listener range, one more endpoint group), a clean plan again, destroy, an empty account.
//! Once as is (with a restart of the emulator on its `--state` file after the first apply,
//! after which the plan is still clean), once with `--settle 3` so the provider's waiters see
//! IN_PROGRESS, then DEPLOYED.
//!
//! Nothing is downloaded: the provider must sit in a local filesystem mirror
//! (`PORTOLAN_TF_PLUGIN_DIR`, or one of Terraform's usual plugin directories). Without
//! `terraform` or the provider the test says why and passes, unless
//! `PORTOLAN_REQUIRE_TERRAFORM=1` (set by `.ci/run` wherever `terraform` is installed) makes
//! that a failure.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use portolan::api::{ClientOptions, GlobalAccelerator, SdkClient};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/terraform");

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// A directory laid out as a Terraform filesystem mirror that holds `hashicorp/aws`.
fn provider_mirror() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let xdg_data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".local/share")));
    let candidates = [
        std::env::var_os("PORTOLAN_TF_PLUGIN_DIR").map(PathBuf::from),
        home.as_ref().map(|h| h.join(".terraform.d/plugins")),
        xdg_data.map(|d| d.join("terraform/plugins")),
        Some("/usr/local/share/terraform/plugins".into()),
        Some("/usr/share/terraform/plugins".into()),
        Some("/opt/tf-plugins".into()),
        Some("/opt/terraform/plugins".into()),
    ];
    candidates.into_iter().flatten().find(|dir| {
        std::fs::read_dir(dir.join("registry.terraform.io/hashicorp/aws"))
            .is_ok_and(|mut versions| versions.next().is_some())
    })
}

/// The tools, or why the test cannot run here.
fn tools() -> Result<(PathBuf, PathBuf), String> {
    let terraform = on_path("terraform").ok_or("terraform is not on PATH")?;
    let mirror = provider_mirror().ok_or(
        "no filesystem mirror holds registry.terraform.io/hashicorp/aws \
         (set PORTOLAN_TF_PLUGIN_DIR to one)",
    )?;
    Ok((terraform, mirror))
}

fn skip_or_fail(reason: &str) {
    if std::env::var("PORTOLAN_REQUIRE_TERRAFORM").is_ok_and(|v| v == "1") {
        panic!("PORTOLAN_REQUIRE_TERRAFORM=1 but the Terraform test cannot run: {reason}");
    }
    eprintln!("skipping the Terraform test: {reason}");
}

struct Emulator {
    child: Child,
    url: String,
}

impl Emulator {
    /// Serves the example account, kept in `state`.
    fn start(settle: &str, state: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_portolan"))
            .args(["emulator", "--settle", settle, "--state"])
            .arg(state)
            .arg("--topology")
            .arg(Path::new(EXAMPLE).join("account.toml"))
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

struct Workspace {
    dir: tempfile::TempDir,
    terraform: PathBuf,
    url: String,
}

impl Workspace {
    fn new(terraform: PathBuf, mirror: &Path, url: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            Path::new(EXAMPLE).join("main.tf"),
            dir.path().join("main.tf"),
        )
        .unwrap();
        let config = format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = {:?}\n    include = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n  direct {{\n    exclude = [\"registry.terraform.io/hashicorp/aws\"]\n  }}\n}}\n",
            mirror.display().to_string()
        );
        std::fs::write(dir.path().join("cli.tfrc"), config).unwrap();
        Workspace {
            dir,
            terraform,
            url: url.to_string(),
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("terraform.log")).unwrap_or_default()
    }

    /// Runs one terraform command; returns its exit status, output printed on failure.
    fn run(&self, args: &[&str]) -> i32 {
        let mut command = Command::new(&self.terraform);
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_LOG", "DEBUG")
            .env("TF_LOG_PATH", self.dir.path().join("terraform.log"))
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_VAR_endpoint", &self.url);
        for key in [
            "AWS_PROFILE",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR",
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
        ] {
            command.env_remove(key);
        }
        let out = command.output().unwrap();
        let code = out.status.code().unwrap_or(-1);
        if !matches!(code, 0 | 2) {
            eprintln!(
                "terraform {} exited {code}\n{}\n{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        code
    }
}

const CHANGED: [&str; 6] = [
    "-var",
    "team=platform",
    "-var",
    "listener_to_port=11999",
    "-var",
    "europe=true",
];

fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
    base.iter().chain(extra).copied().collect()
}

async fn account(url: &str) -> SdkClient {
    SdkClient::connect(ClientOptions::local(url)).await.unwrap()
}

/// Every step of the cycle, checking the emulator's account between them; with `restart`,
/// the emulator is killed after the first apply and started again on its state file.
async fn cycle(settle: &str, restart: bool) {
    let (terraform, mirror) = match tools() {
        Ok(t) => t,
        Err(reason) => return skip_or_fail(&reason),
    };
    let state_dir = tempfile::tempdir().unwrap();
    let state = state_dir.path().join("account.toml");
    let mut emulator = Emulator::start(settle, &state);
    let mut ws = Workspace::new(terraform, &mirror, &emulator.url);
    let mut api = account(&emulator.url).await;
    let apply = ["apply", "-auto-approve", "-input=false", "-no-color"];
    let plan = ["plan", "-detailed-exitcode", "-input=false", "-no-color"];

    assert_eq!(ws.run(&["init", "-input=false", "-no-color"]), 0, "init");
    assert_eq!(ws.run(&apply), 0, "first apply");
    assert_eq!(ws.run(&plan), 0, "a plan right after apply changes nothing");

    let accelerators = api.list_accelerators(100, None).await.unwrap().items;
    assert_eq!(accelerators.len(), 1);
    let arn = accelerators[0].arn.clone();
    let attrs = api.describe_accelerator_attributes(&arn).await.unwrap();
    assert!(attrs.flow_logs_enabled, "the attributes block was applied");
    assert_eq!(attrs.flow_logs_s3_prefix.as_deref(), Some("game-servers/"));

    if restart {
        drop(emulator);
        emulator = Emulator::start(settle, &state);
        ws.url = emulator.url.clone();
        api = account(&emulator.url).await;
        assert_eq!(
            ws.run(&plan),
            0,
            "the Terraform state still matches after the emulator restarts on its state file"
        );
    }

    assert_eq!(ws.run(&with(&apply, &CHANGED)), 0, "apply of the change");
    assert_eq!(
        ws.run(&with(&plan, &CHANGED)),
        0,
        "a plan after the change is clean"
    );
    let tags = api.list_tags(&arn).await.unwrap();
    assert_eq!(
        tags.iter()
            .map(|t| (t.key.as_str(), t.value.as_str()))
            .collect::<Vec<_>>(),
        [("team", "platform")]
    );
    let listeners = api.list_listeners(&arn, 100, None).await.unwrap().items;
    assert_eq!(listeners.len(), 1);
    assert_eq!(listeners[0].total_ports(), 2000, "10000-11999");
    let groups = api
        .list_endpoint_groups(&listeners[0].arn, 100, None)
        .await
        .unwrap()
        .items;
    let mut regions: Vec<_> = groups.iter().map(|g| g.region.as_str()).collect();
    regions.sort_unstable();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);

    assert_eq!(
        ws.run(&with(&with(&["destroy"], &apply[1..]), &CHANGED)),
        0,
        "destroy"
    );
    let left = api.list_accelerators(100, None).await.unwrap().items;
    assert!(
        left.is_empty(),
        "destroy leaves the account empty: {left:?}"
    );

    let log = ws.log();
    assert!(
        !log.contains("UnknownOperationException"),
        "the provider called something the emulator does not answer"
    );
    if settle != "0" {
        assert!(
            log.contains("\"Status\":\"IN_PROGRESS\""),
            "the waiters saw IN_PROGRESS"
        );
    }
    assert!(log.contains("\"Status\":\"DEPLOYED\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn terraform_applies_changes_and_destroys_against_the_emulator() {
    cycle("0", true).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn terraform_waits_through_in_progress_with_settle() {
    cycle("3", false).await;
}
