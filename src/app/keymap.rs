//! The keymap: which key runs which command on the screens (lists, details, the browser).
//! Every such command can be rebound from the config file; the help overlay, the hint bar and
//! the README's key table are all drawn from the effective map. Keys inside text fields,
//! forms and y/n questions are fixed: there a letter is text.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};

pub use super::key::Key;

pub use super::commands::{Command, FIXED};
use super::commands::{SECTIONS, specs};

/// A rebinding as read from the config: the command's name, its keys as written, and the
/// line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub name: String,
    pub keys: Vec<String>,
    pub line: usize,
}

/// Something wrong with a rebinding: the line, the `keymap.NAME` it concerns, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapProblem {
    pub line: usize,
    pub name: String,
    pub message: String,
}

/// The effective keymap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMap {
    keys: HashMap<Command, Vec<Key>>,
    commands: HashMap<Key, Command>,
}

impl Default for KeyMap {
    fn default() -> Self {
        let keys = specs()
            .map(|s| {
                let keys = s
                    .keys
                    .iter()
                    .map(|k| Key::parse(k).expect("default keys parse"))
                    .collect();
                (s.command, keys)
            })
            .collect();
        KeyMap::from_keys(keys)
    }
}

impl KeyMap {
    fn from_keys(keys: HashMap<Command, Vec<Key>>) -> KeyMap {
        let commands = keys
            .iter()
            .flat_map(|(command, keys)| keys.iter().map(move |k| (*k, *command)))
            .collect();
        KeyMap { keys, commands }
    }

    /// The defaults with `overrides` applied. A rebinding that is unreadable, names no
    /// command, takes a reserved key, or takes a key another command keeps is reported and
    /// not applied: that command keeps its default keys.
    pub fn with_overrides(overrides: &[Override]) -> (KeyMap, Vec<KeymapProblem>) {
        let defaults = KeyMap::default();
        let mut keys = defaults.keys.clone();
        let mut problems = Vec::new();
        let mut applied: Vec<(Command, &Override)> = Vec::new();
        for o in overrides {
            let problem = |message: String| KeymapProblem {
                line: o.line,
                name: format!("keymap.{}", o.name),
                message,
            };
            let Some(command) = Command::from_name(&o.name) else {
                let known: Vec<&str> = specs().map(|s| s.name).collect();
                problems.push(problem(format!(
                    "no such command, ignored (commands: {})",
                    known.join(", ")
                )));
                continue;
            };
            let parsed: Result<Vec<Key>, String> = o.keys.iter().map(|k| Key::parse(k)).collect();
            match parsed {
                Err(e) => problems.push(problem(format!("{e}; its default keys stay"))),
                Ok(list) if list.is_empty() => {
                    problems.push(problem("no keys given; its default keys stay".into()));
                }
                Ok(list) => {
                    if let Some(k) = list.iter().find(|k| k.reserved()) {
                        problems.push(problem(format!(
                            "{k} is reserved (Ctrl-C quits, Ctrl-Z suspends); its default keys stay"
                        )));
                        continue;
                    }
                    keys.insert(command, list);
                    applied.push((command, o));
                }
            }
        }
        // Conflicts: a key held by two commands. Every rebinding involved is reported and
        // undone (its command back on its defaults), until no key is shared.
        loop {
            let mut holders: HashMap<Key, Vec<Command>> = HashMap::new();
            for (command, list) in &keys {
                for k in list {
                    holders.entry(*k).or_default().push(*command);
                }
            }
            let mut undo = Vec::new();
            let mut shared: Vec<(Key, Vec<Command>)> =
                holders.into_iter().filter(|(_, c)| c.len() > 1).collect();
            shared.sort_by_key(|(k, _)| k.to_string());
            for (key, mut commands) in shared {
                commands.sort_by_key(|c| c.name());
                for (command, o) in &applied {
                    if commands.contains(command) && !undo.contains(command) {
                        let others: Vec<&str> = commands
                            .iter()
                            .filter(|c| *c != command)
                            .map(|c| c.name())
                            .collect();
                        problems.push(KeymapProblem {
                            line: o.line,
                            name: format!("keymap.{}", o.name),
                            message: format!(
                                "{key} is also the key of {}; rebind that too, or pick another key (its default keys stay)",
                                others.join(", ")
                            ),
                        });
                        undo.push(*command);
                    }
                }
            }
            if undo.is_empty() {
                break;
            }
            for command in undo {
                keys.insert(command, defaults.keys[&command].clone());
                applied.retain(|(c, _)| *c != command);
            }
        }
        (KeyMap::from_keys(keys), problems)
    }

    /// The command `event` runs on a screen, if any.
    pub fn command(&self, event: &KeyEvent) -> Option<Command> {
        self.commands.get(&Key::of(event)).copied()
    }

    /// Every key of `command`, as the help shows them ("j ↓").
    pub fn keys(&self, command: Command) -> String {
        self.keys.get(&command).map_or_else(String::new, |keys| {
            keys.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    /// The first key of `command`, as the hint bar shows it.
    pub fn key(&self, command: Command) -> String {
        self.keys
            .get(&command)
            .and_then(|keys| keys.first())
            .map_or_else(String::new, |k| match k.code {
                KeyCode::Enter if k.modifiers.is_empty() => "⏎".to_string(),
                _ => k.to_string(),
            })
    }

    /// The help overlay's sections: (title, [(keys, what they do)]).
    pub fn help(&self) -> Vec<(&'static str, Vec<(String, &'static str)>)> {
        let mut sections: Vec<_> = SECTIONS
            .iter()
            .map(|(title, specs)| {
                let lines = specs
                    .iter()
                    .map(|s| (self.keys(s.command), s.help))
                    .collect();
                (*title, lines)
            })
            .collect();
        sections.push((
            "Forms and questions (fixed)",
            FIXED.iter().map(|(k, h)| ((*k).to_string(), *h)).collect(),
        ));
        sections
    }

    /// The key table as Markdown, for the README.
    pub fn markdown(&self) -> String {
        let mut out =
            String::from("| Keys | Command (config name) | What it does |\n|---|---|---|\n");
        for (_, specs) in SECTIONS {
            for s in *specs {
                let keys = self.keys(s.command).replace('|', "\\|");
                out.push_str(&format!("| `{keys}` | `{}` | {} |\n", s.name, s.help));
            }
        }
        for (keys, help) in FIXED {
            out.push_str(&format!("| `{keys}` | (fixed) | {help} |\n"));
        }
        out
    }

    /// The `[keymap]` section of `portolan config default`: every command at its defaults.
    pub fn config_default() -> String {
        let mut out = String::from("[keymap]\n");
        for s in specs() {
            let keys: Vec<String> = s.keys.iter().map(|k| format!("{k:?}")).collect();
            out.push_str(&format!("# {} = [{}]\n", s.name, keys.join(", ")));
        }
        out
    }
}

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;
