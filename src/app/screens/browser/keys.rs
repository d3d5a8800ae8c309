//! Keys of the port-mapping browser, in its own layers: a prompt (`:` or `e`) takes every key,
//! then the destination form while it has focus, then the filter field, then the rows.

use std::collections::{HashMap, HashSet};

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::app::keymap::Command;
use crate::app::screens::browser::{Browser, FormField, Prompt};
use crate::app::{Effect, Screen, State};
use crate::model::{Accelerator, EndpointGroup};

/// Accelerator names the accelerators pane knows, by ARN.
fn known_names(state: &State) -> HashMap<String, String> {
    match state.screens.first() {
        Some(Screen::Accelerators(p)) => p
            .rows()
            .iter()
            .map(|a| (a.arn.clone(), a.name.clone()))
            .collect(),
        _ => HashMap::new(),
    }
}

/// ARNs of the accelerators the accelerators pane shows disabled.
pub fn known_disabled(state: &State) -> HashSet<String> {
    match state.screens.first() {
        Some(Screen::Accelerators(p)) => p
            .rows()
            .iter()
            .filter(|a| !a.enabled)
            .map(|a| a.arn.clone())
            .collect(),
        _ => HashSet::new(),
    }
}

/// `m`: the browser by destination for `group`, `subnet` preselected.
pub fn open_by_destination(
    state: &mut State,
    group: &EndpointGroup,
    subnet: Option<&str>,
) -> Vec<Effect> {
    let mut browser = Browser::by_destination(group, subnet, known_names(state), state.page_size);
    browser.disabled = known_disabled(state);
    state.push(Screen::Browser(Box::new(browser)))
}

/// `M`: every mapping of `accelerator`, or of `group` within it.
pub fn open_accelerator(
    state: &mut State,
    accelerator: &Accelerator,
    group: Option<&EndpointGroup>,
) -> Vec<Effect> {
    let mut browser =
        Browser::of_accelerator(accelerator, group, known_names(state), state.page_size);
    browser.disabled = known_disabled(state);
    state.push(Screen::Browser(Box::new(browser)))
}

fn browser(state: &mut State) -> Option<&mut Browser> {
    match state.top_mut() {
        Screen::Browser(b) => Some(b),
        _ => None,
    }
}

/// Handles `key` if the browser is on top and the key is its own; `None` leaves the key to
/// the keys every screen shares (movement, help, quit).
pub fn handle(state: &mut State, key: KeyEvent) -> Option<Vec<Effect>> {
    let command = state.keymap.command(&key);
    let b = browser(state)?;
    if b.prompt.is_some() {
        return Some(prompt_key(state, key));
    }
    if b.editing {
        return Some(form_key(state, key));
    }
    if b.list.filter.editing {
        // The filter field is every list's: the shared keys feed it.
        return None;
    }
    match command {
        Some(Command::Filter) => b.list.filter.editing = true,
        Some(Command::DestinationForm) if b.form.is_some() => b.editing = true,
        Some(Command::FindPort) => {
            b.prompt = Some(Prompt::Jump {
                input: Input::default(),
                error: None,
            });
        }
        Some(Command::Export) => crate::app::overlays::export::open(state),
        Some(Command::Copy) => {
            let copied = b.selected_row().and_then(|i| b.table().get(i)).map(|r| {
                format!(
                    "copied the row of {} (port {}), tab-separated",
                    r.destination(),
                    r.accelerator_port
                )
            });
            let effects = copy(b);
            state.info(copied.unwrap_or_else(|| "nothing to copy: no row is selected".into()));
            return Some(effects);
        }
        Some(Command::Back) => {
            // A running search stops first: the hint says Esc stops it.
            if b.seek.take().is_some() {
                let cancelled = b.list.cancel();
                state.info("search stopped");
                return Some(cancelled.into_iter().map(Effect::Cancel).collect());
            }
            if state.message.take().is_some() {
                return Some(Vec::new());
            }
            let b = browser(state)?;
            if b.list.filter.is_active() {
                b.list.filter.input.reset();
                b.list.refilter();
                return Some(Vec::new());
            }
            return Some(state.pop());
        }
        _ => return None,
    }
    Some(Vec::new())
}

fn copy(b: &Browser) -> Vec<Effect> {
    let Some(row) = b.selected_row().and_then(|i| b.table().get(i)) else {
        return Vec::new();
    };
    let mut cells = row.cells().to_vec();
    cells.push(row.accelerator_arn.to_string());
    cells.push(row.endpoint_group_arn.to_string());
    vec![Effect::Copy(cells.join("\t"))]
}

/// The CIDRs the join knows of the subnets the top browser's form offers.
fn form_cidrs(state: &State) -> std::collections::HashMap<String, ipnet::Ipv4Net> {
    let Screen::Browser(b) = state.top() else {
        return Default::default();
    };
    let (Some(form), Some(region)) = (&b.form, b.group_region()) else {
        return Default::default();
    };
    form.subnets
        .iter()
        .filter_map(|s| match state.join.cidr(region, s) {
            crate::app::join::Known::Ready(c) => Some((s.clone(), *c)),
            _ => None,
        })
        .collect()
}

fn form_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let cidrs = if key.code == KeyCode::Enter {
        form_cidrs(state)
    } else {
        Default::default()
    };
    let Some(b) = browser(state) else {
        return Vec::new();
    };
    let Some(form) = b.form.as_mut() else {
        b.editing = false;
        return Vec::new();
    };
    let count = form.subnets.len().max(1);
    match (key.code, form.focus) {
        (KeyCode::Tab | KeyCode::BackTab, FormField::Subnet) => form.focus = FormField::Address,
        (KeyCode::Tab | KeyCode::BackTab, FormField::Address) => form.focus = FormField::Subnet,
        (KeyCode::Up | KeyCode::Left | KeyCode::Char('k'), FormField::Subnet) => {
            form.choice = (form.choice + count - 1) % count;
        }
        (KeyCode::Down | KeyCode::Right | KeyCode::Char('j' | ' '), FormField::Subnet) => {
            form.choice = (form.choice + 1) % count;
        }
        (KeyCode::Enter, _) => {
            if b.submit_form_within(|s| cidrs.get(s).copied()) {
                return state.reload_top();
            }
        }
        (KeyCode::Esc, _) => {
            if b.source.is_some() {
                b.editing = false;
            } else {
                return state.pop();
            }
        }
        (_, FormField::Address) => {
            if form.address.handle_event(&Event::Key(key)).is_some() {
                form.error = None;
                form.note = None;
            }
        }
        _ => state.dirty = false,
    }
    Vec::new()
}

fn prompt_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(b) = browser(state) else {
        return Vec::new();
    };
    let Some(prompt) = b.prompt.as_mut() else {
        return Vec::new();
    };
    if key.code == KeyCode::Esc {
        b.prompt = None;
        return Vec::new();
    }
    match prompt {
        Prompt::Jump { input, error } => match key.code {
            KeyCode::Enter => {
                let typed = input.value().to_string();
                match port_typed(b, &typed).and_then(|port| b.start_seek(&port)) {
                    Ok(call) => {
                        b.prompt = None;
                        if let Some(call) = call {
                            let id = state.request_id();
                            if let Some(b) = browser(state) {
                                b.begin_next_page(id, call.token().unwrap_or_default().into());
                            }
                            return vec![Effect::Call { id, call }];
                        }
                    }
                    Err(message) => {
                        if let Some(Prompt::Jump { error, .. }) = b.prompt.as_mut() {
                            *error = Some(message);
                        }
                    }
                }
            }
            _ => {
                input.handle_event(&Event::Key(key));
                *error = None;
            }
        },
    }
    Vec::new()
}

/// The static IPs of the accelerators of the browser (its own, or those of the loaded rows).
fn accelerator_ips(b: &Browser) -> Vec<String> {
    if let Some(a) = &b.accelerator {
        return a.static_ips.clone();
    }
    let mut ips: Vec<String> = Vec::new();
    for i in 0..b.table().len().min(100_000) {
        if let Some(row) = b.table().get(i) {
            for ip in row.static_ips {
                if !ips.contains(ip) {
                    ips.push(ip.clone());
                }
            }
        }
    }
    ips
}

/// What `:` was given, as a port: a pasted `IP:PORT` (as whois and the rows show sockets)
/// counts when the IP is a static IP of the accelerator, since all its IPs share the port.
fn port_typed(b: &Browser, typed: &str) -> Result<String, String> {
    let typed = typed.trim();
    let Some((ip, port)) = typed.rsplit_once(':') else {
        return Ok(typed.to_string());
    };
    let ip = ip.trim().trim_start_matches('[').trim_end_matches(']');
    if ip.is_empty() {
        return Ok(port.to_string());
    }
    let ours = accelerator_ips(b);
    if ours.iter().any(|a| a == ip) {
        return Ok(port.to_string());
    }
    // Short enough for the prompt's line: the IPs it has are in the frame and the rows.
    let ip = crate::text::sanitize(ip);
    if ours.is_empty() {
        return Err(format!(
            "{ip} is not an accelerator IP shown here: type the port"
        ));
    }
    Err(format!(
        "{ip} is not a static IP of this accelerator: type the port"
    ))
}

/// A paste goes to the prompt or the form field with focus, as one line of printable
/// characters; false leaves it to the filter field every list has.
pub fn paste(state: &mut State, text: &str) -> bool {
    let Some(b) = browser(state) else {
        return false;
    };
    let clean: String = text.chars().filter(|c| !c.is_control()).take(256).collect();
    let clean = clean.trim();
    let target = match (&mut b.prompt, b.editing) {
        (Some(Prompt::Jump { input, .. }), _) => input,
        (None, true) => match b.form.as_mut() {
            Some(form) if form.focus == FormField::Address => &mut form.address,
            _ => return true,
        },
        (None, false) => return false,
    };
    *target = Input::new(format!("{}{clean}", target.value()));
    true
}
