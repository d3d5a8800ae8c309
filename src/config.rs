//! The config file, `$XDG_CONFIG_HOME/portolan/config.toml`: preferences the command line can
//! still override. A bad entry is reported with its file, line and key, and only that entry
//! falls back to its default; everything else in the file still applies.

pub mod columns;

use std::fmt;
use std::path::{Path, PathBuf};

use etcetera::BaseStrategy;
use toml::de::{DeTable, DeValue};

use crate::app::KeyMap;
use crate::app::keymap::Override;
use crate::model::ThemeName;

/// What `portolan config default` prints: every key, commented out at its default.
pub const DEFAULT: &str = r#"# portolan configuration. Every key is optional; command-line options win.

# AWS profile when neither --profile nor AWS_PROFILE is given.
# profile = "prod-network"

# Port mappings per request in the browser (1-20000).
# page_size = 1000

# Start in live mode, re-reading the visible pane every N seconds.
# refresh = 5

# Refuse every change (creates, deletes, traffic) before any call.
# read_only = false

# Ask EC2 which instance holds each destination, and for subnets' CIDRs (false: never).
# ec2 = true

# Colours: "dark", "light" or "no-color" (NO_COLOR also turns colour off).
# theme = "dark"

# Mouse: click selects, the wheel scrolls, a click on the path at the top goes back.
# mouse = false

# Seconds between the rounds of `portolan watch` and the watch view (1-3600).
# watch_interval = 10

# Ring the terminal bell when a watched destination changes (the watch view).
# watch_bell = false

# Rebind a command: `command = "key"` or `command = ["key", "key"]`. Keys are characters
# ("x", "G", "?") or names ("Enter", "Esc", "Tab", "Up", "PageDown", "Delete", "F1"), after
# "Ctrl-" or "Alt-" if wanted. A key two commands claim is reported, and both keep their
# defaults. Every command, at its default keys:
"#;

/// The whole commented default file: the settings, every command's keys, every view's columns.
pub fn default_text() -> String {
    format!(
        "{DEFAULT}{}{}",
        KeyMap::config_default(),
        columns::config_default()
    )
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    pub profile: Option<String>,
    pub page_size: Option<i32>,
    pub refresh: Option<u64>,
    pub read_only: bool,
    /// `ec2 = false`: no EC2 join.
    pub no_ec2: bool,
    pub theme: Option<ThemeName>,
    pub mouse: bool,
    pub watch_interval: Option<u64>,
    pub watch_bell: bool,
    pub keymap: KeyMap,
    /// The `[columns]` table: which columns each view shows, which views are wide.
    pub columns: crate::app::columns::ColumnChoice,
}

/// One thing wrong in the file, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub key: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.key,
            self.message
        )
    }
}

/// `$XDG_CONFIG_HOME/portolan/config.toml` (`~/.config/…` when unset).
pub fn default_path() -> Option<PathBuf> {
    let dirs = etcetera::choose_base_strategy().ok()?;
    Some(dirs.config_dir().join("portolan").join("config.toml"))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The file the command line points at, or the default one.
pub fn path_for(cli: &crate::cli::Cli) -> Option<PathBuf> {
    cli.config.clone().or_else(default_path)
}

/// Fills in what the command line left open. The profile only counts when neither
/// `--profile` nor `AWS_PROFILE` names one, as with the AWS CLI's own precedence.
pub fn apply(settings: &Settings, cli: &mut crate::cli::Cli, aws_profile_set: bool) {
    if cli.profile.is_none() && !aws_profile_set {
        cli.profile.clone_from(&settings.profile);
    }
    cli.page_size = cli.page_size.or(settings.page_size);
    cli.refresh = cli.refresh.or(settings.refresh);
    cli.read_only |= settings.read_only;
    cli.no_ec2 |= settings.no_ec2;
    cli.theme = cli.theme.or(settings.theme);
    cli.mouse |= settings.mouse;
    if let Some(crate::cli::Command::Watch(args)) = &mut cli.command {
        args.interval = args.interval.or(settings.watch_interval);
    }
}

/// Reads the file at `path`; a missing file is no problem.
pub fn load(path: &Path) -> (Settings, Vec<Problem>) {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text, path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Settings::default(), Vec::new()),
        Err(e) => (
            Settings::default(),
            vec![Problem {
                file: path.to_path_buf(),
                line: 0,
                key: "(file)".into(),
                message: e.to_string(),
            }],
        ),
    }
}

pub fn parse(text: &str, file: &Path) -> (Settings, Vec<Problem>) {
    let mut settings = Settings::default();
    let mut problems = Vec::new();
    let problem = |line, key: &str, message: String| Problem {
        file: file.to_path_buf(),
        line,
        key: key.to_string(),
        message,
    };
    let table = match DeTable::parse(text) {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            let message = e.message().to_string();
            problems.push(problem(line, "(syntax)", message));
            return (settings, problems);
        }
    };
    for (key, value) in table.get_ref() {
        let name: &str = key.get_ref();
        let line = line_of(text, key.span().start);
        let value = value.get_ref();
        let wrong = |expected: &str| {
            problem(
                line,
                name,
                format!("expected {expected}; the default is used"),
            )
        };
        match (name, value) {
            ("profile", DeValue::String(s)) if !s.trim().is_empty() => {
                settings.profile = Some(s.to_string());
            }
            ("profile", _) => problems.push(wrong("a profile name in quotes")),
            ("page_size", DeValue::Integer(i)) => match i.as_str().parse::<i32>() {
                Ok(n) if (1..=20_000).contains(&n) => settings.page_size = Some(n),
                _ => problems.push(wrong("a whole number from 1 to 20000")),
            },
            ("page_size", _) => problems.push(wrong("a whole number from 1 to 20000")),
            ("refresh", DeValue::Integer(i)) => match i.as_str().parse::<u64>() {
                Ok(n) if (1..=3600).contains(&n) => settings.refresh = Some(n),
                _ => problems.push(wrong("seconds from 1 to 3600")),
            },
            ("refresh", _) => problems.push(wrong("seconds from 1 to 3600")),
            ("watch_interval", DeValue::Integer(i)) => match i.as_str().parse::<u64>() {
                Ok(n) if (1..=3600).contains(&n) => settings.watch_interval = Some(n),
                _ => problems.push(wrong("seconds from 1 to 3600")),
            },
            ("watch_interval", _) => problems.push(wrong("seconds from 1 to 3600")),
            ("read_only", DeValue::Boolean(b)) => settings.read_only = *b,
            ("ec2", DeValue::Boolean(b)) => settings.no_ec2 = !*b,
            ("mouse", DeValue::Boolean(b)) => settings.mouse = *b,
            ("watch_bell", DeValue::Boolean(b)) => settings.watch_bell = *b,
            ("read_only" | "ec2" | "mouse" | "watch_bell", _) => problems.push(wrong("true or false")),
            ("theme", DeValue::String(s)) => match s.as_ref() {
                "dark" => settings.theme = Some(ThemeName::Dark),
                "light" => settings.theme = Some(ThemeName::Light),
                "no-color" => settings.theme = Some(ThemeName::NoColor),
                _ => problems.push(wrong("\"dark\", \"light\" or \"no-color\"")),
            },
            ("theme", _) => problems.push(wrong("\"dark\", \"light\" or \"no-color\"")),
            ("keymap", DeValue::Table(table)) => {
                let mut overrides = Vec::new();
                for (command, keys) in table {
                    let line = line_of(text, command.span().start);
                    let keys = match keys.get_ref() {
                        DeValue::String(k) => vec![k.to_string()],
                        DeValue::Array(list) => {
                            let strings: Option<Vec<String>> = list
                                .iter()
                                .map(|k| match k.get_ref() {
                                    DeValue::String(k) => Some(k.to_string()),
                                    _ => None,
                                })
                                .collect();
                            let Some(strings) = strings else {
                                problems.push(problem(
                                    line,
                                    &format!("keymap.{}", command.get_ref()),
                                    "expected keys in quotes; its default keys stay".into(),
                                ));
                                continue;
                            };
                            strings
                        }
                        _ => {
                            problems.push(problem(
                                line,
                                &format!("keymap.{}", command.get_ref()),
                                "expected a key in quotes or a list of them; its default keys stay"
                                    .into(),
                            ));
                            continue;
                        }
                    };
                    overrides.push(Override {
                        name: command.get_ref().to_string(),
                        keys,
                        line,
                    });
                }
                let (keymap, keymap_problems) = KeyMap::with_overrides(&overrides);
                settings.keymap = keymap;
                problems.extend(
                    keymap_problems
                        .into_iter()
                        .map(|p| problem(p.line, &p.name, p.message)),
                );
            }
            ("keymap", _) => problems.push(wrong("a [keymap] table")),
            ("columns", DeValue::Table(table)) => {
                let (choice, found) = columns::parse(table, text, file);
                settings.columns = choice;
                problems.extend(found);
            }
            ("columns", _) => problems.push(wrong("a [columns] table")),
            _ => problems.push(problem(
                line,
                name,
                "unknown key, ignored (known: profile, page_size, refresh, read_only, ec2, theme, mouse, watch_interval, watch_bell, keymap, columns)"
                    .into(),
            )),
        }
    }
    problems.sort_by_key(|p| p.line);
    (settings, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keymap::Command;

    fn run(text: &str) -> (Settings, Vec<Problem>) {
        parse(text, Path::new("config.toml"))
    }

    #[test]
    fn valid_files_apply_every_key() {
        let (s, problems) = run(include_str!("../tests/fixtures/config/valid/full.toml"));
        assert!(problems.is_empty(), "{problems:?}");
        let keymap = s.keymap.clone();
        assert_eq!(
            s,
            Settings {
                profile: Some("prod-network".into()),
                page_size: Some(500),
                refresh: Some(10),
                read_only: true,
                no_ec2: true,
                theme: Some(ThemeName::Light),
                mouse: true,
                watch_interval: Some(3),
                watch_bell: true,
                keymap,
                columns: s.columns.clone(),
            }
        );
        assert_eq!(s.keymap.keys(Command::Quit), "x");
        assert_eq!(s.keymap.keys(Command::RemoveEndpoint), "X Ctrl-X");
        use crate::app::columns::View;
        assert_eq!(
            s.columns.titles(View::Accelerators).unwrap(),
            ["NAME", "ARN", "STATUS"]
        );
        assert_eq!(
            s.columns.titles(View::Browser).unwrap(),
            ["PORT", "DESTINATION", "TRAFFIC", "GROUP ARN"]
        );
        assert_eq!(s.columns.wide_views(), [View::Listeners]);
        let (s, problems) = run(include_str!("../tests/fixtures/config/valid/empty.toml"));
        assert!(problems.is_empty());
        assert_eq!(s, Settings::default());
        let (s, problems) = run(&default_text());
        assert!(problems.is_empty(), "the printed default is itself valid");
        assert_eq!(s, Settings::default());
    }

    #[test]
    fn invalid_entries_name_file_line_and_key_and_the_rest_still_applies() {
        let (s, problems) = run(include_str!("../tests/fixtures/config/invalid/mixed.toml"));
        let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 7, "{said:#?}");
        assert!(
            said[0].starts_with("config.toml:2: page_size: expected a whole number"),
            "{said:#?}"
        );
        assert!(
            said[1].starts_with("config.toml:3: refresh: expected seconds"),
            "{said:#?}"
        );
        assert!(
            said[2].starts_with("config.toml:4: theme: expected"),
            "{said:#?}"
        );
        assert!(
            said[3].starts_with("config.toml:6: colour: unknown key"),
            "{said:#?}"
        );
        assert!(
            said[4].starts_with("config.toml:7: keymap: expected a [keymap] table"),
            "{said:#?}"
        );
        assert!(
            said[5].starts_with("config.toml:8: watch_interval: expected seconds from 1 to 3600"),
            "{said:#?}"
        );
        assert!(
            said[6].starts_with("config.toml:9: watch_bell: expected true or false"),
            "{said:#?}"
        );
        // The good entries around the bad ones still apply.
        assert_eq!(s.profile.as_deref(), Some("staging"));
        assert!(s.read_only);
        assert_eq!(s.page_size, None);
    }

    #[test]
    fn keymap_problems_name_the_line_and_command_and_the_rest_applies() {
        let (s, problems) = run(include_str!("../tests/fixtures/config/invalid/keymap.toml"));
        let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 6, "{said:#?}");
        let expect = [
            "config.toml:4: keymap.quit: j is also the key of down",
            "config.toml:5: keymap.teleport: no such command",
            "config.toml:6: keymap.allow: Z is also the key of deny",
            "config.toml:7: keymap.deny: Z is also the key of allow",
            "config.toml:8: keymap.copy: expected a key in quotes",
            "config.toml:9: keymap.help: Ctrl-C is reserved",
        ];
        for (said, expect) in said.iter().zip(expect) {
            assert!(said.starts_with(expect), "{said} / {expect}");
        }
        assert_eq!(s.keymap.keys(Command::Quit), "q");
        assert_eq!(s.keymap.keys(Command::Export), "E");
        assert_eq!(s.theme, Some(ThemeName::Dark));
    }

    #[test]
    fn the_watch_interval_fills_in_only_what_the_command_line_left_open() {
        use clap::Parser;
        let settings = Settings {
            watch_interval: Some(7),
            ..Settings::default()
        };
        let interval = |args: &[&str]| {
            let mut cli = crate::cli::Cli::try_parse_from(args).unwrap();
            apply(&settings, &mut cli, false);
            match cli.command {
                Some(crate::cli::Command::Watch(w)) => w.interval,
                _ => panic!("watch"),
            }
        };
        assert_eq!(interval(&["portolan", "watch", "10.0.1.4"]), Some(7));
        assert_eq!(
            interval(&["portolan", "watch", "10.0.1.4", "--interval", "2"]),
            Some(2)
        );
    }

    #[test]
    fn a_broken_file_says_where() {
        let (s, problems) = run(include_str!("../tests/fixtures/config/invalid/syntax.toml"));
        assert_eq!(s, Settings::default());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 3, "{problems:?}");
    }
}
