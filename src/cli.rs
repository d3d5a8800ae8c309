//! Command-line options. The bare command opens the interactive view; subcommands answer
//! one question headlessly, for scripts and quick looks.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};

use crate::emulator::FaultSpec;
pub use crate::format::OutputFormat;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "portolan",
    version,
    about = "Explore AWS Global Accelerator custom routing: accelerators, listeners, endpoint groups and port mappings",
    after_help = "Start here (--help shows an example for every option):\n  portolan --demo                       the interactive view on a demo account, no AWS needed\n  portolan --profile prod               the interactive view on your account\n  portolan whois 75.2.10.20:41872       which destination is behind an accelerator address",
    after_long_help = "Start here:\n  portolan --demo\n      The interactive view on a built-in demo account: no AWS account needed. Press ? for keys.\n  portolan --profile prod\n      The same on your account (AWS_PROFILE works too; --read-only to look without risk).\n  portolan whois 75.2.10.20:41872\n      Which destination is behind an accelerator address, and is traffic allowed there?\n      (`portolan index build --all` first makes it instant.)\n\nScripts: portolan accelerators | listeners ACCEL | endpoint-groups ARN | mappings ... with -o json|ndjson|csv.\nChanges: portolan deny|allow --endpoint SUBNET --ip IP... [--port PORT...] [--dry-run]; every change is journaled (portolan journal) and portolan undo ID puts it back.\nAudit: portolan audit lists ALLOWed addresses no interface holds and instances traffic cannot reach; exit 3 when it finds something.\nPoint the AWS CLI at a local emulator: portolan emulator, then aws --endpoint-url URL globalaccelerator ..."
)]
pub struct Cli {
    /// Run against a built-in emulator holding a demo account (no AWS account needed).
    ///
    /// e.g. `portolan --demo`, or `portolan --demo mappings --all -o csv`.
    #[arg(long, global = true)]
    pub demo: bool,
    /// Send requests to this endpoint instead of AWS (an emulator, a proxy).
    ///
    /// e.g. `--endpoint-url http://127.0.0.1:4000` (what `portolan emulator` printed).
    #[arg(long, global = true, value_name = "URL", conflicts_with = "demo")]
    pub endpoint_url: Option<String>,
    /// Use this profile from the AWS config files (AWS_PROFILE works too).
    ///
    /// e.g. `--profile prod-network`.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Output format: a table on a terminal, ndjson when piped.
    ///
    /// e.g. `-o csv`, `-o wide` (names and whole ids side by side), or
    /// `-o json | jq '.Accelerators[].Name'`.
    #[arg(long, short = 'o', global = true, value_enum)]
    pub output: Option<OutputFormat>,
    /// Port mappings per request (1-20000); headless listings pick it (20000 for one endpoint
    /// group, down to 2500 when many are read at once), 1000 in the browser.
    ///
    /// e.g. `--page-size 5000`.
    #[arg(long, global = true, value_parser = clap::value_parser!(i32).range(1..=20_000))]
    pub page_size: Option<i32>,
    /// Write logs to this file (the interactive view logs to
    /// $XDG_STATE_HOME/portolan/portolan.log by default).
    ///
    /// e.g. `--log-file /tmp/portolan.log` (PORTOLAN_LOG=debug logs more).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// Give up on one attempt of a call after this long (seconds; default 10).
    ///
    /// e.g. `--attempt-timeout 5` on a fast link.
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=600))]
    pub attempt_timeout: Option<u64>,
    /// Give up on a call, retries included, after this long (seconds; default 30).
    ///
    /// e.g. `--operation-timeout 120` for huge pages over a slow link.
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub operation_timeout: Option<u64>,
    /// Attempts per call, the first included (default 3; throttling and transient errors
    /// are retried with back-off, a quota error never).
    ///
    /// e.g. `--max-attempts 5` while AWS throttles.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10))]
    pub max_attempts: Option<u32>,
    /// Start in live mode: re-read the visible pane every SECS seconds (`L` toggles).
    ///
    /// e.g. `--refresh 5` during an incident.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub refresh: Option<u64>,
    /// Change nothing: every create, delete or traffic change is refused before any call.
    ///
    /// e.g. `portolan --read-only --profile prod` to look without risk.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Do not ask EC2 which instance holds a destination, nor for subnets' CIDRs (the join
    /// needs ec2:DescribeSubnets, DescribeNetworkInterfaces and DescribeInstances).
    ///
    /// e.g. `--no-ec2` for a role that may read Global Accelerator only (or `ec2 = false`).
    #[arg(long, global = true)]
    pub no_ec2: bool,
    /// Colours: dark (default) or light backgrounds, or none.
    ///
    /// e.g. `--theme light`.
    #[arg(long, value_enum, value_name = "THEME")]
    pub theme: Option<crate::model::ThemeName>,
    /// No colour (the NO_COLOR environment variable does the same).
    ///
    /// e.g. `--no-color`, or `NO_COLOR=1 portolan`.
    #[arg(long)]
    pub no_color: bool,
    /// Use the mouse: click selects, the wheel scrolls, a click on the path goes back (off by
    /// default, so the terminal's own text selection works).
    ///
    /// e.g. `--mouse` (or `mouse = true` in the config).
    #[arg(long)]
    pub mouse: bool,
    /// Read preferences from this file instead of $XDG_CONFIG_HOME/portolan/config.toml.
    ///
    /// e.g. `--config ./team.toml`; `portolan config default` prints one.
    #[arg(long, global = true, value_name = "FILE", env = "PORTOLAN_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// List custom routing accelerators.
    Accelerators,
    /// List the listeners of an accelerator (an ARN, or a name exactly one accelerator has).
    Listeners {
        #[arg(value_name = "ACCEL")]
        accelerator: String,
    },
    /// List the endpoint groups of a listener.
    EndpointGroups {
        #[arg(value_name = "LISTENER_ARN")]
        listener_arn: String,
    },
    /// List port mappings: of one destination, of an accelerator, or of every accelerator.
    Mappings(MappingsArgs),
    /// Which destination is behind an accelerator address, is traffic allowed there, and which
    /// instance holds it? Given a destination IP alone, which subnet endpoints hold it.
    ///
    /// With EC2 (unless --no-ec2) the answer names the instance (Name, id, state) and the
    /// network interface holding the destination (as its primary or a secondary address, or in
    /// a delegated prefix), or says that no interface holds it: traffic ALLOWed there is a
    /// standing exposure. The table says it in its `instance` and `interface` lines; JSON adds
    /// `Instance` and `NetworkInterface` (null when nothing holds the address), `StandingExposure`
    /// and `Ec2Problem`; CSV adds `instance` and `interface` columns. A missing EC2 permission
    /// does not fail the lookup: the answer names it (and so does stderr, beside JSON and CSV).
    ///
    /// ALLOW is Global Accelerator's setting alone: security groups and network ACLs are not
    /// read. The table says so once on stderr; JSON carries it as `TrafficNote`, CSV as
    /// `traffic note`.
    ///
    /// For a destination IP alone, when EC2 gives the subnets' CIDRs only the endpoints whose
    /// CIDR holds the address are asked, and an address outside all of them is said to be.
    Whois {
        /// An accelerator static IP and port (75.2.10.20:41872), or a destination IP (10.0.3.17).
        #[arg(value_name = "IP:PORT|IP")]
        address: String,
    },
    /// Tell me when it changes: prints the state of every pin, then one line per change,
    /// until interrupted (Ctrl-C).
    Watch(WatchArgs),
    /// Audit ALLOW against EC2: allowed addresses no network interface holds, subnets denying
    /// all traffic while instances run in them, running instances whose ports are denied;
    /// each with what to do. Exit status 3 when something is found, 0 when nothing is.
    #[command(after_long_help = AUDIT_HELP)]
    Audit,
    /// The local mapping index that makes `whois` instant.
    #[command(subcommand)]
    Index(IndexCommand),
    /// Run the local Global Accelerator emulator (and its EC2 subset); prints its URL as the first line.
    Emulator(EmulatorArgs),
    /// Write the account as a topology the emulator serves: DIR/topology.toml, and every
    /// mapping in DIR/mappings.csv so the emulator serves the very same ports.
    Snapshot {
        /// The directory to write (created when missing).
        ///
        /// e.g. `portolan --profile prod snapshot --out ./prod-snapshot`, then
        /// `portolan emulator --topology ./prod-snapshot/topology.toml`.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Allow traffic to destinations of a subnet endpoint: listed addresses at listed ports
    /// (or at every port), in as few calls as they allow; journaled, so `undo` puts it back.
    Allow(TrafficArgs),
    /// Deny traffic to destinations of a subnet endpoint (as `allow`, the other way).
    Deny(TrafficArgs),
    /// List the journal of changes portolan made: when, by whom, what, and how far it got.
    Journal,
    /// Undo a journaled change: says what it will do, then does it (itself journaled).
    Undo {
        /// A journal entry id, or the start of exactly one (`portolan journal` lists them).
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Where the config file is read from, a commented default, or a check of it.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `portolan man | man -l -`.
    Man,
}

const AUDIT_HELP: &str = "\
Every mapping of every accelerator is read, then EC2 is asked, per endpoint-group region, for the
network interfaces in the groups' subnets (addresses inside delegated prefixes included) and the
instances they are attached to. A subnet that denies all traffic is one finding, not one per
address. Denied ports on a running instance may be a drain on purpose: the advice says \"if\".

ALLOW is Global Accelerator's setting: security groups and network ACLs are not read. -o json
carries that in the document's Note, beside Findings and Checked (what was looked at); the other
formats print it, and what was looked at, on stderr.

Exit status: 0 nothing found; 3 something found; 1 an error (a refused EC2 permission is named:
the audit needs ec2:DescribeNetworkInterfaces and ec2:DescribeInstances); 2 a usage error, such
as --no-ec2 (or ec2 = false in the config): without EC2 there is nothing to audit against.

e.g. `portolan --demo audit`; in cron or CI `portolan audit -o json > audit.json || [ $? -eq 3 ]`;
`portolan audit -o csv > findings.csv`.";

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum ConfigCommand {
    /// Print the path of the config file (it need not exist).
    Path,
    /// Print a config file with every key commented out at its default.
    Default,
    /// Check the config file: every problem with its line and key; exit 1 if there is one.
    Check,
}

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("scope").required(true).args(["endpoint", "accelerator", "all"])))]
pub struct MappingsArgs {
    /// The subnet id holding the destination (with --ip).
    ///
    /// e.g. `--endpoint subnet-02d1c490fa23a2312 --ip 10.48.24.9`.
    #[arg(long, value_name = "SUBNET", requires = "ip")]
    pub endpoint: Option<String>,
    /// The destination IPv4 address (with --endpoint).
    ///
    /// e.g. `--ip 10.0.3.17`.
    #[arg(long, value_name = "ADDR", requires = "endpoint")]
    pub ip: Option<String>,
    /// Every mapping of this accelerator (an ARN or a unique name).
    ///
    /// e.g. `--accelerator game-us-east`.
    #[arg(long, value_name = "ACCEL")]
    pub accelerator: Option<String>,
    /// Only the mappings of this endpoint group (with --accelerator).
    ///
    /// e.g. `--accelerator game-us-east --endpoint-group arn:aws:globalaccelerator::…/endpoint-group/…`.
    #[arg(long, value_name = "ARN", requires = "accelerator")]
    pub endpoint_group: Option<String>,
    /// Every mapping of every accelerator.
    ///
    /// e.g. `portolan mappings --all -o csv > mappings.csv`.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("destinations").required(true).args(["ip", "from_file"])))]
pub struct TrafficArgs {
    /// The endpoint group holding the subnet; may be left out when the subnet is in exactly
    /// one endpoint group of the account.
    ///
    /// e.g. `--group arn:aws:globalaccelerator::123456789012:accelerator/…/listener/…/endpoint-group/…`.
    #[arg(long, value_name = "ARN")]
    pub group: Option<String>,
    /// The subnet id of the endpoint.
    ///
    /// e.g. `--endpoint subnet-02d1c490fa23a2312`.
    #[arg(long, value_name = "SUBNET")]
    pub endpoint: String,
    /// Destination IPv4 addresses (spaces or commas between them); without --port, every
    /// port of each.
    ///
    /// e.g. `--ip 10.0.3.17 10.0.3.18`.
    #[arg(long, value_name = "IP", num_args = 1.., value_delimiter = ',')]
    pub ip: Vec<String>,
    /// Destination ports or ranges (with --ip): every listed address at every listed port.
    ///
    /// e.g. `--port 7777 7778`, or `--port 7000-7099`.
    #[arg(long, value_name = "PORT", num_args = 1.., value_delimiter = ',', requires = "ip")]
    pub port: Vec<String>,
    /// Read the destinations from a file of `IP:PORT` and `IP` (every port), separated by
    /// spaces, commas or lines, `#` comments; `-` reads standard input.
    ///
    /// e.g. `--from-file drain.txt`, or `grep … | portolan deny --endpoint … --from-file -`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["ip", "port"])]
    pub from_file: Option<PathBuf>,
    /// Print the calls it would make (sockets, addresses, subnets, and each call's addresses
    /// × ports) and make none.
    ///
    /// e.g. `portolan deny --endpoint subnet-… --ip 10.0.3.17 --dry-run`.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// What to watch: an accelerator address (75.2.10.20:41872), a destination address
    /// (10.0.3.17: every destination socket of it), or one destination socket
    /// (ENDPOINT_GROUP_ARN/SUBNET/IP:PORT).
    #[arg(required = true, value_name = "PIN")]
    pub pins: Vec<String>,
    /// Seconds between rounds (default: `watch_interval` in the config, else 10); doubled
    /// while AWS throttles, back after a clean round.
    ///
    /// e.g. `portolan watch 75.2.10.20:41872 --interval 2`.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub interval: Option<u64>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum IndexCommand {
    /// Read every mapping of an accelerator (or of all, with --all) into the index.
    Build(IndexTarget),
    /// List what is indexed: accelerators, mappings, size, age.
    Status,
    /// Remove an accelerator's index (or every index, with --all).
    Drop(IndexTarget),
}

#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("target").required(true).args(["accelerator", "all"])))]
pub struct IndexTarget {
    /// An accelerator ARN, or a name exactly one accelerator has.
    #[arg(value_name = "ACCEL")]
    pub accelerator: Option<String>,
    /// Every accelerator of the account.
    ///
    /// e.g. `portolan index build --all`, `portolan index drop --all`.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Args)]
pub struct EmulatorArgs {
    /// Address to listen on; port 0 picks a free one.
    ///
    /// e.g. `--listen 127.0.0.1:4000`.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub listen: String,
    /// Topology file (TOML); the demo account when absent.
    ///
    /// e.g. `--topology tests/fixtures/small.toml`.
    #[arg(long, value_name = "FILE")]
    pub topology: Option<PathBuf>,
    /// Keep the account in this file: loaded when it exists (it wins over --topology), else
    /// seeded from --topology (or the demo account); every accepted change is written to it,
    /// atomically, before it is answered.
    ///
    /// e.g. `--state ./account.toml --topology tests/fixtures/small.toml`.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Inject faults: OP:KIND[@RATE][#COUNT] (repeatable).
    ///
    /// e.g. `--fault '*:throttle@30%' --fault ListCustomRoutingPortMappings:reset@5%`.
    #[arg(long = "fault", value_name = "SPEC")]
    pub faults: Vec<FaultSpec>,
    /// Seed for fault rates, to replay a run.
    ///
    /// e.g. `--fault-seed 7`.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub fault_seed: u64,
    /// Seconds an accelerator reports IN_PROGRESS after a change.
    ///
    /// e.g. `--settle 3`.
    #[arg(long, default_value_t = 0.0, value_name = "SECS")]
    pub settle: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_needs_exactly_one_scope_and_pairs() {
        assert!(Cli::try_parse_from(["portolan", "mappings"]).is_err());
        assert!(Cli::try_parse_from(["portolan", "mappings", "--endpoint", "subnet-1"]).is_err());
        assert!(
            Cli::try_parse_from(["portolan", "mappings", "--all", "--accelerator", "x"]).is_err()
        );
        assert!(Cli::try_parse_from(["portolan", "mappings", "--endpoint-group", "g"]).is_err());
        assert!(
            Cli::try_parse_from([
                "portolan",
                "mappings",
                "--endpoint",
                "s",
                "--ip",
                "10.0.0.4"
            ])
            .is_ok()
        );
        assert!(
            Cli::try_parse_from(["portolan", "--demo", "mappings", "--all", "-o", "csv"]).is_ok()
        );
        assert!(Cli::try_parse_from(["portolan", "accelerators", "--page-size", "0"]).is_err());
    }

    #[test]
    fn traffic_changes_need_destinations_from_one_place() {
        let parse = |args: &[&str]| {
            Cli::try_parse_from(
                ["portolan", "deny", "--endpoint", "subnet-1"]
                    .iter()
                    .chain(args),
            )
        };
        assert!(parse(&[]).is_err(), "--ip or --from-file is required");
        assert!(parse(&["--port", "80"]).is_err(), "--port needs --ip");
        assert!(parse(&["--ip", "10.0.0.4", "--from-file", "f"]).is_err());
        let cli = parse(&[
            "--ip",
            "10.0.0.4",
            "10.0.0.5,10.0.0.6",
            "--port",
            "80",
            "81",
        ])
        .unwrap();
        let Some(Command::Deny(args)) = cli.command else {
            panic!("deny")
        };
        assert_eq!(args.ip, ["10.0.0.4", "10.0.0.5", "10.0.0.6"]);
        assert_eq!(args.port, ["80", "81"]);
        assert!(!args.dry_run && args.group.is_none());
        assert!(Cli::try_parse_from(["portolan", "allow", "--ip", "10.0.0.4"]).is_err());
        assert!(Cli::try_parse_from(["portolan", "undo"]).is_err());
    }

    #[test]
    fn help_teaches_every_option_by_example_and_the_first_steps() {
        use clap::CommandFactory;
        fn check(command: &clap::Command, missing: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let Some(long) = arg.get_long() else { continue };
                if matches!(long, "help" | "version") {
                    continue;
                }
                let help = arg.get_long_help().map(ToString::to_string);
                if !help.unwrap_or_default().contains("e.g. `") {
                    missing.push(format!("{} --{long}", command.get_name()));
                }
            }
            for sub in command.get_subcommands() {
                check(sub, missing);
            }
        }
        let mut missing = Vec::new();
        check(&Cli::command(), &mut missing);
        assert!(missing.is_empty(), "no example in --help: {missing:?}");
        let long = Cli::command().render_long_help().to_string();
        for first in [
            "portolan --demo",
            "portolan --profile prod",
            "portolan whois",
        ] {
            assert!(long.contains(first), "{first} missing from --help");
        }
        let short = Cli::command().render_help().to_string();
        assert!(short.contains("Start here"), "{short}");
    }

    #[test]
    fn faults_parse_with_the_emulator_grammar() {
        let cli = Cli::try_parse_from([
            "portolan",
            "emulator",
            "--fault",
            "*:throttle@30%",
            "--fault",
            "X:reset#1",
        ])
        .unwrap();
        let Some(Command::Emulator(args)) = cli.command else {
            panic!("emulator")
        };
        assert_eq!(args.faults.len(), 2);
        let err = Cli::try_parse_from(["portolan", "emulator", "--fault", "*:boom"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("OP:KIND"), "{err}");
    }

    #[test]
    fn watch_takes_pins_and_an_interval_in_range() {
        let cli =
            Cli::try_parse_from(["portolan", "watch", "75.2.1.10:10005", "10.0.1.4"]).unwrap();
        let Some(Command::Watch(args)) = cli.command else {
            panic!("watch")
        };
        assert_eq!(args.pins, ["75.2.1.10:10005", "10.0.1.4"]);
        assert_eq!(args.interval, None);
        assert!(Cli::try_parse_from(["portolan", "watch"]).is_err());
        for bad in ["0", "3601", "soon"] {
            assert!(
                Cli::try_parse_from(["portolan", "watch", "10.0.1.4", "--interval", bad]).is_err()
            );
        }
    }
}
