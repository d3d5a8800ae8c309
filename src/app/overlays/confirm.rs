//! Guarded changes made during an incident: allow/deny traffic, remove a subnet endpoint,
//! delete an endpoint group. Each is confirmed in a dialog that names exactly what changes
//! (traffic starts at the narrowest scope; Tab widens it), refused in read-only mode before
//! any call, logged, and followed by a re-read rather than a guess.

use crossterm::event::{KeyCode, KeyEvent};

use crate::api::ApiError;
use crate::app::call::{Call, Reply, RequestId};
use crate::app::rows::{accelerator_arn_of, short_id};
use crate::app::{Effect, Overlay, Screen, State};
use crate::model::{TrafficChange, TrafficScope};

/// A change to make, with everything needed to say it in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    Traffic {
        allow: bool,
        change: TrafficChange,
    },
    RemoveEndpoint {
        group_arn: String,
        subnet: String,
    },
    DeleteGroup {
        group_arn: String,
        region: String,
        /// Subnet endpoints of the group, deleted with it.
        subnets: usize,
    },
}

impl Mutation {
    pub fn describe(&self) -> String {
        match self {
            Mutation::Traffic { allow, change } => {
                let verb = if *allow { "Allow" } else { "Deny" };
                let target = match &change.scope {
                    TrafficScope::WholeEndpoint => format!(
                        "ALL traffic to subnet {} (every address and port)",
                        change.endpoint_id
                    ),
                    TrafficScope::Destinations { addresses, ports } if ports.is_empty() => {
                        format!(
                            "traffic to every port of {} in subnet {}",
                            addresses.join(", "),
                            change.endpoint_id
                        )
                    }
                    TrafficScope::Destinations { addresses, ports } => {
                        let sockets: Vec<String> = addresses
                            .iter()
                            .flat_map(|a| ports.iter().map(move |p| format!("{a}:{p}")))
                            .collect();
                        format!(
                            "traffic to {} in subnet {}",
                            sockets.join(", "),
                            change.endpoint_id
                        )
                    }
                };
                format!(
                    "{verb} {target}, endpoint group {}",
                    change.endpoint_group_arn
                )
            }
            Mutation::RemoveEndpoint { group_arn, subnet } => format!(
                "Remove subnet endpoint {subnet} from endpoint group {group_arn}; its port mappings go away"
            ),
            Mutation::DeleteGroup {
                group_arn,
                region,
                subnets,
            } => {
                // How many mappings go is unknown without each subnet's size, which Global
                // Accelerator never tells; what goes is said in full anyway.
                let with = match subnets {
                    0 => "It has no subnet endpoints, so no port mappings go with it".to_string(),
                    1 => "Its 1 subnet endpoint and every port mapping of it go with it".into(),
                    n => format!(
                        "Its {n} subnet endpoints and every port mapping of them go with it"
                    ),
                };
                format!("Delete the endpoint group in {region}: {group_arn}. {with}")
            }
        }
    }

    pub fn group_arn(&self) -> &str {
        match self {
            Mutation::Traffic { change, .. } => &change.endpoint_group_arn,
            Mutation::RemoveEndpoint { group_arn, .. }
            | Mutation::DeleteGroup { group_arn, .. } => group_arn,
        }
    }

    pub fn call(&self) -> Call {
        match self {
            Mutation::Traffic {
                allow: true,
                change,
            } => Call::AllowTraffic(change.clone()),
            Mutation::Traffic {
                allow: false,
                change,
            } => Call::DenyTraffic(change.clone()),
            Mutation::RemoveEndpoint { group_arn, subnet } => Call::RemoveEndpoints {
                group_arn: group_arn.clone(),
                subnets: vec![subnet.clone()],
            },
            Mutation::DeleteGroup { group_arn, .. } => Call::DeleteEndpointGroup {
                arn: group_arn.clone(),
            },
        }
    }
}

/// The confirmation dialog: the choices from narrowest to widest, which one is shown, and
/// the request once confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub options: Vec<Mutation>,
    pub choice: usize,
    pub pending: Option<RequestId>,
    pub error: Option<String>,
}

impl Confirm {
    pub fn new(options: Vec<Mutation>) -> Self {
        Self {
            options,
            choice: 0,
            pending: None,
            error: None,
        }
    }

    pub fn chosen(&self) -> &Mutation {
        &self.options[self.choice.min(self.options.len() - 1)]
    }
}

pub(crate) fn open(state: &mut State, options: Vec<Mutation>) -> Vec<Effect> {
    if options.is_empty() {
        state.dirty = false;
    } else if state.may_change() {
        state.overlay = Some(Overlay::Confirm(Confirm::new(options)));
    }
    Vec::new()
}

/// `A` / `D`: in the browser from the selected destination socket outwards; in a group's
/// subnet list on the whole subnet.
pub fn traffic(state: &mut State, allow: bool) -> Vec<Effect> {
    let options = match state.top() {
        Screen::Browser(b) => {
            let Some(row) = b.selected_row().and_then(|i| b.table().get(i)) else {
                return open(state, Vec::new());
            };
            let change = |scope| TrafficChange {
                endpoint_group_arn: row.endpoint_group_arn.to_string(),
                endpoint_id: row.subnet.to_string(),
                scope,
            };
            let ip = row.destination_ip.clone();
            [
                TrafficScope::Destinations {
                    addresses: vec![ip.clone()],
                    ports: vec![row.destination_port],
                },
                TrafficScope::Destinations {
                    addresses: vec![ip],
                    ports: vec![],
                },
                TrafficScope::WholeEndpoint,
            ]
            .into_iter()
            .map(|scope| Mutation::Traffic {
                allow,
                change: change(scope),
            })
            .collect()
        }
        Screen::GroupDetail(d) => match (&d.group.value, d.endpoints.selected()) {
            (Some(g), Some(subnet)) => vec![Mutation::Traffic {
                allow,
                change: TrafficChange {
                    endpoint_group_arn: g.arn.clone(),
                    endpoint_id: subnet.subnet_id.clone(),
                    scope: TrafficScope::WholeEndpoint,
                },
            }],
            _ => Vec::new(),
        },
        Screen::Accelerators(_) | Screen::Listeners(_) | Screen::EndpointGroups(_) => {
            let verb = if allow { "allow" } else { "deny" };
            // Short: it must fit the status bar at 80 columns.
            state.info(format!(
                "open a group (Enter) or its mappings (m) to {verb} traffic"
            ));
            return Vec::new();
        }
        _ => Vec::new(),
    };
    open(state, options)
}

/// `x` in a group's subnet list.
pub fn remove_endpoint(state: &mut State) -> Vec<Effect> {
    let options = match state.top() {
        Screen::GroupDetail(d) => match (&d.group.value, d.endpoints.selected()) {
            (Some(g), Some(subnet)) => vec![Mutation::RemoveEndpoint {
                group_arn: g.arn.clone(),
                subnet: subnet.subnet_id.clone(),
            }],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    open(state, options)
}

/// `Delete` in the endpoint-groups pane.
pub fn delete_group(state: &mut State) -> Vec<Effect> {
    let options = match state.top() {
        Screen::EndpointGroups(s) => s
            .pane
            .selected()
            .map(|g| Mutation::DeleteGroup {
                group_arn: g.arn.clone(),
                region: g.region.clone(),
                subnets: g.endpoints.len(),
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    open(state, options)
}

/// Keys while the confirmation is open: it owns them all.
pub fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(confirm) = state.confirm_mut() else {
        return Vec::new();
    };
    if confirm.pending.is_some() {
        // The change is on its way; nothing to cancel it with.
        state.dirty = false;
        return Vec::new();
    }
    match key.code {
        KeyCode::Char('y' | 'Y') => {
            if !state.may_change() {
                state.overlay = None;
                return Vec::new();
            }
            let id = state.request_id();
            let Some(confirm) = state.confirm_mut() else {
                return Vec::new();
            };
            let mutation = confirm.chosen().clone();
            confirm.pending = Some(id);
            confirm.error = None;
            tracing::info!(target: "mutation", what = %mutation.describe(), "sent");
            vec![Effect::Call {
                id,
                call: mutation.call(),
            }]
        }
        KeyCode::Tab | KeyCode::Right => {
            confirm.choice = (confirm.choice + 1).min(confirm.options.len() - 1);
            Vec::new()
        }
        KeyCode::BackTab | KeyCode::Left => {
            confirm.choice = confirm.choice.saturating_sub(1);
            Vec::new()
        }
        KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
            state.overlay = None;
            Vec::new()
        }
        _ => {
            state.dirty = false;
            Vec::new()
        }
    }
}

/// The answer to a confirmed change: re-read what it touched and follow the accelerator.
pub fn applied(state: &mut State, result: Result<Reply, ApiError>) -> Vec<Effect> {
    let Some(confirm) = state.confirm_mut() else {
        return Vec::new();
    };
    let mutation = confirm.chosen().clone();
    if let Err(e) = result {
        tracing::warn!(target: "mutation", what = %mutation.describe(), error = %e, "failed");
        confirm.pending = None;
        confirm.error = Some(e.to_string());
        return Vec::new();
    }
    tracing::info!(target: "mutation", what = %mutation.describe(), "applied");
    state.overlay = None;
    let done = match &mutation {
        Mutation::Traffic { allow: true, .. } => "allowed",
        Mutation::Traffic { allow: false, .. } => "denied",
        Mutation::RemoveEndpoint { .. } => "removed",
        Mutation::DeleteGroup { .. } => "deleted",
    };
    let summary = match &mutation {
        Mutation::Traffic { change, .. } => format!("traffic {done}: {}", scope_words(change)),
        Mutation::RemoveEndpoint { subnet, .. } => format!("{done} subnet endpoint {subnet}"),
        Mutation::DeleteGroup {
            region, group_arn, ..
        } => {
            format!("{done} endpoint group {region} ({})", short_id(group_arn))
        }
    };
    state.info(summary);
    if let (Mutation::DeleteGroup { group_arn, .. }, Screen::EndpointGroups(s)) =
        (&mutation, state.top_mut())
    {
        s.pane.remove(group_arn);
    }
    crate::app::follow::follow(state, accelerator_arn_of(mutation.group_arn()).to_string());
    // What changed is read back, not assumed.
    match state.top() {
        Screen::Browser(_) | Screen::GroupDetail(_) => state.reload_top(),
        _ => Vec::new(),
    }
}

fn scope_words(change: &TrafficChange) -> String {
    match &change.scope {
        TrafficScope::WholeEndpoint => format!("all of {}", change.endpoint_id),
        TrafficScope::Destinations { addresses, ports } if ports.is_empty() => {
            format!("every port of {}", addresses.join(", "))
        }
        TrafficScope::Destinations { addresses, ports } => {
            let ports: Vec<String> = ports.iter().map(ToString::to_string).collect();
            format!("{}:{}", addresses.join(", "), ports.join(","))
        }
    }
}
