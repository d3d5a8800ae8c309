//! The watch view (`W`): every pin with its rows as the last round read them — accelerator,
//! listener, group, destination, traffic — what changed marked `Δ` for a while, and a prompt
//! (`p`) that pins typed or pasted `IP:PORT`s, `IP`s and destination sockets. Its rows are a
//! list like every pane's (selection, scrolling, filter, sort); the pins and rounds are
//! `app::watch`'s, and go on while the view is closed.

use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Command;
use crate::app::list::{Column, ListPane, Row};
use crate::app::overlays::whois::LookupResult;
use crate::app::rows::short_id;
use crate::app::watch::{self, MARKED, Watching};
use crate::app::{Effect, Screen, State};
use crate::model::watch::{Pin, Target, WatchRow};
use crate::model::{SocketAddress, parse_ipv4};

#[derive(Debug, Clone, Default)]
pub struct WatchView {
    pub list: ListPane<WatchItem>,
    /// `p`: pins to type or paste.
    pub prompt: Option<PinPrompt>,
}

#[derive(Debug, Clone, Default)]
pub struct PinPrompt {
    pub input: Input,
    /// Why Enter pinned nothing; what was typed stays to be fixed.
    pub error: Option<String>,
}

/// What a pin without rows is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Waiting {
    Resolving,
    /// Resolved; its first round is on its way.
    Reading,
    /// It could not be resolved: why.
    Failed(String),
    /// A round read it and found no mapping.
    NoRows,
}

/// One line of the watch view: a watched row, or a pin that has none (yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchItem {
    pub id: String,
    pub pin: Pin,
    pub row: Option<WatchRow>,
    pub waiting: Option<Waiting>,
    /// `Δ` and how long ago, while the last change is marked.
    pub changed: String,
    pub marked: bool,
    /// The last change, in words.
    pub change: String,
}

/// `12s`, `4m`, `2h5m`: as the status bar says ages.
fn ago(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h{}m", s / 3600, (s % 3600) / 60),
    }
}

/// The pin as its column shows it: the socket or address pinned (a destination socket's
/// subnet and group have columns of their own).
pub fn pin_cell(pin: &Pin) -> String {
    match pin {
        Pin::AcceleratorSocket(s) => s.to_string(),
        Pin::DestinationAddress(ip) => ip.to_string(),
        Pin::DestinationSocket { destination, .. } => destination.to_string(),
    }
}

fn or_dash(s: &str) -> String {
    if s.is_empty() { "-".into() } else { s.into() }
}

fn sockets(s: &[SocketAddress]) -> String {
    let parts: Vec<String> = s.iter().map(ToString::to_string).collect();
    or_dash(&parts.join(" "))
}

impl Row for WatchItem {
    const COLUMNS: &'static [Column] = &[
        Column::text("CHANGED", 7, false),
        Column::text("PIN", 16, false),
        Column::text("TRAFFIC", 8, false),
        Column::text("DESTINATION", 15, false),
        Column::text("ACCELERATOR", 12, true),
        Column::text("ENABLED", 8, false),
        Column::text("STATUS", 11, false),
        Column::text("REGION", 12, false),
        Column::text("SUBNET", 24, false),
        Column::text("LISTENER", 8, false),
        Column::text("GROUP", 8, false),
        Column::text("VIA", 20, false),
        Column::text("CHANGE", 20, true),
    ];

    fn cells(&self) -> Vec<String> {
        let Some(r) = &self.row else {
            let (traffic, note) = match &self.waiting {
                Some(Waiting::Resolving) => ("RESOLVING", "finding what it leads to…".to_string()),
                Some(Waiting::Failed(e)) => ("FAILED", format!("✗ {e}")),
                Some(Waiting::NoRows) => ("NONE", "no mapping leads there".to_string()),
                Some(Waiting::Reading) | None => {
                    ("READING", "the first round is on its way".into())
                }
            };
            let (subnet, destination) = match &self.pin {
                Pin::DestinationSocket {
                    subnet,
                    destination,
                    ..
                } => (subnet.clone(), destination.to_string()),
                _ => ("-".into(), "-".into()),
            };
            let mut cells = vec!["-".to_string(); Self::COLUMNS.len()];
            cells[0] = self.changed.clone();
            cells[1] = pin_cell(&self.pin);
            cells[2] = traffic.into();
            cells[3] = destination;
            cells[4] = note;
            cells[8] = subnet;
            return cells;
        };
        let enabled = match r.enabled {
            Some(true) => "enabled",
            Some(false) => "disabled",
            None => "-",
        };
        vec![
            self.changed.clone(),
            pin_cell(&self.pin),
            r.verdict_words().into(),
            r.destination.to_string(),
            or_dash(&r.accelerator_name),
            enabled.into(),
            r.status.as_ref().map_or("-".into(), ToString::to_string),
            or_dash(&r.region),
            or_dash(&r.subnet),
            or_dash(short_id(&r.listener_arn)),
            or_dash(short_id(&r.endpoint_group_arn)),
            sockets(&r.accelerator_sockets),
            or_dash(&self.change),
        ]
    }

    fn id(&self) -> &str {
        &self.id
    }
}

/// The watch's pins and rows as the view lists them: pins in the order pinned, each pin's
/// rows together.
pub fn items(w: &Watching, now: Instant) -> Vec<WatchItem> {
    let mut items = Vec::new();
    for p in &w.pins {
        let rows: Vec<&WatchRow> = w.rows.iter().filter(|r| r.pin == p.pin).collect();
        if rows.is_empty() {
            let waiting = match (&p.error, p.resolving, &p.target) {
                (Some(e), _, _) => Waiting::Failed(e.clone()),
                (None, true, _) | (None, false, None) => Waiting::Resolving,
                (None, false, Some(_)) if w.seen_nothing(&p.pin) => Waiting::NoRows,
                (None, false, Some(_)) => Waiting::Reading,
            };
            items.push(WatchItem {
                id: p.pin.to_string(),
                pin: p.pin.clone(),
                row: None,
                waiting: Some(waiting),
                changed: String::new(),
                marked: false,
                change: String::new(),
            });
        }
        for r in rows {
            let mark = w
                .marks
                .get(&r.key())
                .filter(|m| now.duration_since(m.at) < MARKED);
            items.push(WatchItem {
                id: format!(
                    "{}\u{1f}{}\u{1f}{}\u{1f}{}",
                    p.pin, r.endpoint_group_arn, r.subnet, r.destination
                ),
                pin: p.pin.clone(),
                row: Some(r.clone()),
                waiting: None,
                changed: mark.map_or_else(String::new, |m| {
                    format!("Δ {}", ago(now.duration_since(m.at)))
                }),
                marked: mark.is_some(),
                change: w
                    .marks
                    .get(&r.key())
                    .map_or_else(String::new, |m| m.words.clone()),
            });
        }
    }
    items
}

/// `W`: the watch view (back to it when it is open under other screens).
pub fn open(state: &mut State) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(at) = state
        .screens
        .iter()
        .position(|s| matches!(s, Screen::Watch(_)))
    {
        while state.screens.len() > at + 1 {
            effects.extend(state.pop());
        }
    } else {
        effects.extend(state.push(Screen::Watch(Box::default())));
    }
    state.watch.unseen = 0;
    watch::refresh_views(state);
    effects
}

fn view(state: &mut State) -> Option<&mut WatchView> {
    match state.top_mut() {
        Screen::Watch(v) => Some(v),
        _ => None,
    }
}

/// The prompt, with the pin last unpinned in it: pinning it again is Enter.
fn open_prompt(state: &mut State) {
    let again = state.watch.last_unpinned.clone().unwrap_or_default();
    if let Some(v) = view(state) {
        v.prompt = Some(PinPrompt {
            input: Input::new(again),
            error: None,
        });
    }
}

/// `p` on any screen: the browser's selected row is pinned at once; elsewhere the watch view
/// opens with its prompt.
pub fn pin_key(state: &mut State) -> Vec<Effect> {
    if let Screen::Browser(b) = state.top() {
        let row = b.selected_row().and_then(|i| b.table().get(i));
        if let Some(r) = row {
            let target =
                Target::destination_socket(r.endpoint_group_arn, r.subnet, &r.destination());
            let pin = target.pin.clone();
            return watch::pin(state, pin, Some(target));
        }
    }
    let effects = open(state);
    open_prompt(state);
    effects
}

/// Ctrl-P in the `w` lookup: its answer's address (or, before an answer, what is typed).
pub fn pin_lookup(state: &mut State) -> Vec<Effect> {
    let Some(lookup) = state.whois_mut() else {
        return Vec::new();
    };
    let (pin, target) = match &lookup.result {
        Some(LookupResult::Address(a)) => (
            Pin::AcceleratorSocket(a.address.clone()),
            Some(Target::accelerator_socket(a)),
        ),
        Some(LookupResult::Holders { ip, .. }) => match parse_ipv4(ip) {
            Ok(ip) => (Pin::DestinationAddress(ip), None),
            Err(_) => return Vec::new(),
        },
        None => match Pin::parse(lookup.input.value()) {
            Ok(pin) => (pin, None),
            Err(e) => {
                lookup.error = Some(e.0);
                return Vec::new();
            }
        },
    };
    watch::pin(state, pin, target)
}

/// Handles `key` when the watch view is on top and the key is its own; `None` leaves it to
/// the keys every list shares.
pub fn handle(state: &mut State, key: KeyEvent) -> Option<Vec<Effect>> {
    let command = state.keymap.command(&key);
    let v = view(state)?;
    if v.prompt.is_some() {
        return Some(prompt_key(state, key));
    }
    if v.list.filter.editing {
        return None;
    }
    let selected = v.list.selected().map(|i| i.pin.clone());
    match command {
        Some(Command::Pin) => open_prompt(state),
        Some(Command::Unpin | Command::DeleteGroup) => match selected {
            Some(pin) => return Some(watch::unpin(state, &pin)),
            None => state.info("nothing to unpin: no pin is selected"),
        },
        Some(Command::Refresh) => return Some(watch::retry(state)),
        Some(Command::Copy) => {
            let Some(pin) = selected else {
                state.info("nothing to copy: no pin is selected");
                return Some(Vec::new());
            };
            state.info(format!("copied the pin {}", pin.label()));
            return Some(vec![Effect::Copy(pin.to_string())]);
        }
        Some(Command::WatchView) => state.dirty = false,
        _ => return None,
    }
    Some(Vec::new())
}

/// Every pin typed, separated by spaces, commas or new lines: all of them, or none and why.
fn parse_pins(typed: &str) -> Result<Vec<Pin>, String> {
    let words: Vec<&str> = typed
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Err("type an accelerator address IP:PORT, a destination IP, or a destination socket ENDPOINT_GROUP_ARN/SUBNET/IP:PORT".into());
    }
    words
        .iter()
        .map(|w| Pin::parse(w).map_err(|e| e.0))
        .collect()
}

fn prompt_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(prompt) = view(state).and_then(|v| v.prompt.as_mut()) else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => {
            if let Some(v) = view(state) {
                v.prompt = None;
            }
            Vec::new()
        }
        KeyCode::Enter => match parse_pins(prompt.input.value()) {
            Ok(pins) => {
                if let Some(v) = view(state) {
                    v.prompt = None;
                }
                let mut effects = Vec::new();
                for pin in pins {
                    effects.extend(watch::pin(state, pin, None));
                }
                effects
            }
            Err(e) => {
                prompt.error = Some(e);
                Vec::new()
            }
        },
        _ => {
            if prompt.input.handle_event(&Event::Key(key)).is_some() {
                prompt.error = None;
            }
            Vec::new()
        }
    }
}

/// A paste into the prompt: line breaks become spaces, so a pasted list pins every line.
/// False when no prompt is open (the filter field may take it).
pub fn paste(state: &mut State, text: &str) -> bool {
    let Some(prompt) = view(state).and_then(|v| v.prompt.as_mut()) else {
        return false;
    };
    let clean: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control())
        .take(4096)
        .collect();
    let value = format!("{}{}", prompt.input.value(), clean.trim());
    prompt.input = Input::new(value);
    prompt.error = None;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_list_pins_all_or_nothing() {
        let pins = parse_pins("75.2.16.21:54442, 10.0.3.17\n10.0.3.18").unwrap();
        assert_eq!(pins.len(), 3);
        let e = parse_pins("75.2.16.21:54442 nonsense").unwrap_err();
        assert!(e.contains("nonsense"), "{e}");
        assert!(parse_pins("  ").is_err());
    }

    #[test]
    fn ages_read_like_the_status_bar() {
        assert_eq!(ago(Duration::from_secs(12)), "12s");
        assert_eq!(ago(Duration::from_secs(240)), "4m");
        assert_eq!(ago(Duration::from_secs(7500)), "2h5m");
    }
}
