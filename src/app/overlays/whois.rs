//! `w`: reverse lookups from anywhere. `IP:PORT` of an accelerator answers which destination
//! is behind it (and whether traffic is allowed); a destination IP alone finds the subnet
//! endpoints that hold it. Enter on an answer opens the by-destination browser on it.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::api::ApiError;
use crate::app::call::{Call, Reply, RequestId};
use crate::app::screens::browser::Browser;
use crate::app::{Effect, Overlay, Screen, State};
use crate::index::whois::{WhoisAnswer, parse_address};
use crate::index::{Holder, Narrowed};
use crate::model::watch::{Pin, Target};
use crate::model::{Accelerator, EndpointGroup, parse_ipv4};

#[path = "whois_join.rs"]
mod join;

use join::none_holds;
pub use join::{Narrowing, behind, narrow, regions_wanted, wanted};

#[derive(Debug, Clone, PartialEq)]
pub enum LookupResult {
    Address(Box<WhoisAnswer>),
    Holders { ip: String, found: Vec<Holder> },
}

#[derive(Debug, Clone)]
pub struct Lookup {
    pub input: Input,
    /// Accelerators an IP-only search asks, and what to call them.
    pub scope: Vec<Accelerator>,
    pub scope_name: String,
    pub pending: Option<RequestId>,
    pub result: Option<LookupResult>,
    pub error: Option<String>,
    pub selected: usize,
    /// The field holds the last address asked, untouched: typing or pasting replaces it,
    /// while a movement or Backspace starts editing it.
    pub fresh: bool,
    /// An IP-only search waiting for the subnets' CIDRs.
    pub narrowing: Option<Narrowing>,
    /// What the CIDRs said of the last IP-only search.
    pub narrowed: Option<Narrowed>,
}

/// The accelerators in view: the one the navigation is inside, or every loaded one.
fn scope(state: &State) -> (Vec<Accelerator>, String) {
    let inside = state.screens.iter().rev().find_map(|s| match s {
        Screen::Listeners(s) => Some(s.accelerator.clone()),
        Screen::EndpointGroups(s) => Some(s.accelerator.clone()),
        Screen::GroupDetail(s) => Some(s.accelerator.clone()),
        _ => None,
    });
    if let Some(a) = inside {
        let name = a.name.clone();
        return (vec![a], name);
    }
    let all: Vec<Accelerator> = match state.screens.first() {
        Some(Screen::Accelerators(p)) => p.rows().to_vec(),
        _ => Vec::new(),
    };
    let name = match all.len() {
        1 => "1 accelerator".to_string(),
        n => format!("{n} accelerators"),
    };
    (all, name)
}

pub fn open(state: &mut State) -> Vec<Effect> {
    let (scope, scope_name) = scope(state);
    state.overlay = Some(Overlay::Whois(Box::new(Lookup {
        input: Input::new(state.last_whois.clone()),
        scope,
        scope_name,
        pending: None,
        result: None,
        error: None,
        selected: 0,
        fresh: !state.last_whois.is_empty(),
        narrowing: None,
        narrowed: None,
    })));
    Vec::new()
}

fn submit(state: &mut State) -> Vec<Effect> {
    let store = state.index_dir.clone();
    let id = state.request_id();
    let Some(typed) = state.whois().map(|l| l.input.value().trim().to_string()) else {
        return Vec::new();
    };
    // The next `w` starts from it: the same address is often asked again after a change.
    state.last_whois.clone_from(&typed);
    // With EC2, an IP-only search first reads where it would look, to learn the CIDRs.
    let narrow = state.join.enabled && state.join.problem.is_none();
    let Some(lookup) = state.whois_mut() else {
        return Vec::new();
    };
    lookup.narrowing = None;
    lookup.narrowed = None;
    let call = if typed.contains(':') {
        match parse_address(&typed) {
            Ok((ip, port)) => Call::Whois { ip, port, store },
            Err(e) => {
                lookup.error = Some(e.to_string());
                return Vec::new();
            }
        }
    } else {
        match parse_ipv4(&typed) {
            Ok(ip) if narrow => {
                lookup.narrowing = Some(Narrowing { ip, scope: None });
                Call::HolderScope {
                    accelerators: lookup.scope.clone(),
                }
            }
            Ok(ip) => Call::Holders {
                ip,
                accelerators: lookup.scope.clone(),
                store,
            },
            Err(_) => {
                lookup.error = Some(format!(
                    "{typed:?} is neither IP:PORT (an accelerator address) nor an IPv4 destination"
                ));
                return Vec::new();
            }
        }
    };
    lookup.pending = Some(id);
    lookup.error = None;
    lookup.result = None;
    lookup.selected = 0;
    vec![Effect::Call { id, call }]
}

/// The by-destination browser on `subnet` and `ip` within `group`.
fn browse(state: &mut State, group: &EndpointGroup, subnet: &str, ip: &str) -> Vec<Effect> {
    let names = match state.screens.first() {
        Some(Screen::Accelerators(p)) => p
            .rows()
            .iter()
            .map(|a| (a.arn.clone(), a.name.clone()))
            .collect(),
        _ => Default::default(),
    };
    let mut group = group.clone();
    if !group.endpoints.iter().any(|e| e == subnet) {
        group.endpoints.push(subnet.to_string());
    }
    let mut browser = Browser::by_destination(&group, Some(subnet), names, state.page_size);
    browser.disabled = crate::app::screens::browser::keys::known_disabled(state);
    if let Some(form) = browser.form.as_mut() {
        form.address = Input::new(ip.to_string());
    }
    browser.submit_form();
    state.overlay = None;
    state.push(Screen::Browser(Box::new(browser)))
}

fn open_result(state: &mut State) -> Vec<Effect> {
    let Some(lookup) = state.whois() else {
        return Vec::new();
    };
    match lookup.result.clone() {
        Some(LookupResult::Address(a)) => {
            let group = EndpointGroup {
                arn: a.endpoint_group_arn.clone(),
                region: a.region.clone(),
                destinations: Vec::new(),
                endpoints: vec![a.subnet.clone()],
            };
            browse(state, &group, &a.subnet, &a.destination.ip)
        }
        Some(LookupResult::Holders { ip, found }) => match found.get(lookup.selected) {
            Some(h) => {
                let (group, subnet) = (h.group.clone(), h.subnet.clone());
                browse(state, &group, &subnet, &ip)
            }
            None => Vec::new(),
        },
        None => submit(state),
    }
}

pub fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(lookup) = state.whois_mut() else {
        return Vec::new();
    };
    let holders = match &lookup.result {
        Some(LookupResult::Holders { found, .. }) => found.len(),
        _ => 0,
    };
    match key.code {
        KeyCode::Esc => {
            state.overlay = None;
            Vec::new()
        }
        KeyCode::Enter => open_result(state),
        KeyCode::Char('p')
            if key
                .modifiers
                .contains(crossterm::event::KeyModifiers::CONTROL) =>
        {
            pin_answer(state)
        }
        KeyCode::Down if holders > 0 => {
            lookup.selected = (lookup.selected + 1).min(holders - 1);
            Vec::new()
        }
        KeyCode::Up => {
            lookup.selected = lookup.selected.saturating_sub(1);
            Vec::new()
        }
        _ => {
            let typing = matches!(key.code, KeyCode::Char(_))
                && !key.modifiers.intersects(
                    crossterm::event::KeyModifiers::CONTROL | crossterm::event::KeyModifiers::ALT,
                );
            if std::mem::take(&mut lookup.fresh) && typing {
                lookup.input.reset();
            }
            if lookup.input.handle_event(&Event::Key(key)).is_some() {
                // What is shown must answer what is typed.
                lookup.result = None;
                lookup.error = None;
            }
            Vec::new()
        }
    }
}

/// A paste into the address field: one line, printable characters only.
pub fn paste(state: &mut State, text: &str) {
    let Some(lookup) = state.whois_mut() else {
        return;
    };
    let clean: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    let kept = if std::mem::take(&mut lookup.fresh) {
        ""
    } else {
        lookup.input.value()
    };
    lookup.input = Input::new(format!("{kept}{clean}"));
    lookup.result = None;
    lookup.error = None;
}

pub fn answered(state: &mut State, result: Result<Reply, ApiError>) -> Vec<Effect> {
    let Some(lookup) = state.whois_mut() else {
        return Vec::new();
    };
    lookup.pending = None;
    match result {
        Ok(Reply::Whois(Ok(answer))) => lookup.result = Some(LookupResult::Address(answer)),
        Ok(Reply::Whois(Err(message))) => lookup.error = Some(message),
        Ok(Reply::Holders { ip, found }) => {
            if found.is_empty() {
                lookup.error = Some(none_holds(lookup, &ip));
            } else {
                lookup.result = Some(LookupResult::Holders { ip, found });
            }
        }
        Ok(Reply::HolderScope(scope)) => {
            if let Some(n) = lookup.narrowing.as_mut() {
                n.scope = Some(scope);
            }
            return narrow(state);
        }
        Ok(_) => {}
        Err(e) => lookup.error = Some(e.to_string()),
    }
    Vec::new()
}

/// Ctrl-P in the `w` lookup: its answer's address (or, before an answer, what is typed).
fn pin_answer(state: &mut State) -> Vec<Effect> {
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
    crate::app::watch::pin(state, pin, target)
}
