//! The watch view (`W`): every pin with its rows as the last round read them — accelerator,
//! listener, group, destination, traffic — what changed marked `Δ` for a while, and a prompt
//! (`p`) that pins typed or pasted `IP:PORT`s, `IP`s and destination sockets. Its rows are a
//! list like every pane's (selection, scrolling, filter, sort); the pins and rounds are
//! `app::watch`'s, and go on while the view is closed.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Command;
use crate::app::list::ListPane;
use crate::app::watch::{self, WatchItem};
use crate::app::{Effect, Screen, State};
use crate::model::watch::{Pin, Target};

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
                watch::pin_all(state, pins.into_iter().map(|p| (p, None)).collect())
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
}
