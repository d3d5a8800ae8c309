//! The screens of the navigation stack: three list panes and the detail views reached from them.
//! Each knows which requests it waits for, so an answer finds its screen by request id and an
//! answer nobody waits for any more is dropped.

pub mod audit;
pub mod browser;
mod detail;
pub mod keys;
pub mod watch;

pub use detail::{
    AcceleratorInfo, FIELD_NAME_WIDTH, GroupDetail, GroupsScreen, ListenerInfo, ListenersScreen,
    Loadable, fields_height,
};

use std::time::Instant;

use crate::api::ApiError;
use crate::app::call::{Call, Reply, RequestId};
use crate::app::list::ListPane;
use crate::app::screens::browser::{Browser, Source};
use crate::model::Accelerator;

/// Runs `$body` with `$list` bound to the list engine of `$screen` (a `&Screen`, or a
/// `&mut Screen` after `mut`), if it has one; the body is compiled once per store.
macro_rules! with_list {
    (mut $screen:expr, |$list:ident| $body:expr) => {
        $crate::app::screens::with_list!(@ (&mut) $screen, |$list| $body)
    };
    ($screen:expr, |$list:ident| $body:expr) => {
        $crate::app::screens::with_list!(@ (&) $screen, |$list| $body)
    };
    (@ ($($r:tt)+) $screen:expr, |$list:ident| $body:expr) => {{
        use $crate::app::Screen;
        match $screen {
            Screen::Accelerators(pane) => {
                let $list = pane;
                Some($body)
            }
            Screen::Listeners(s) => {
                let $list = $($r)+ s.pane;
                Some($body)
            }
            Screen::EndpointGroups(s) => {
                let $list = $($r)+ s.pane;
                Some($body)
            }
            Screen::GroupDetail(s) => {
                let $list = $($r)+ s.endpoints;
                Some($body)
            }
            Screen::Browser(b) => {
                let $list = $($r)+ b.list;
                Some($body)
            }
            Screen::Watch(v) => {
                let $list = $($r)+ v.list;
                Some($body)
            }
            Screen::Audit(v) => {
                let $list = $($r)+ v.list;
                Some($body)
            }
            Screen::AcceleratorInfo(_) | Screen::ListenerInfo(_) => None,
        }
    }};
}
pub(crate) use with_list;

#[derive(Debug, Clone)]
pub enum Screen {
    Accelerators(ListPane<Accelerator>),
    Listeners(ListenersScreen),
    EndpointGroups(GroupsScreen),
    AcceleratorInfo(AcceleratorInfo),
    ListenerInfo(ListenerInfo),
    GroupDetail(GroupDetail),
    Browser(Box<Browser>),
    Watch(Box<watch::WatchView>),
    Audit(Box<audit::AuditView>),
}

impl Screen {
    /// The breadcrumb for this screen.
    pub fn crumb(&self) -> String {
        use crate::app::rows::short_id;
        match self {
            Screen::Accelerators(_) => "accelerators".into(),
            Screen::Listeners(s) => s.accelerator.name.clone(),
            Screen::EndpointGroups(s) => format!("listener {}", short_id(&s.listener.arn)),
            Screen::AcceleratorInfo(_) | Screen::ListenerInfo(_) => "info".into(),
            Screen::GroupDetail(s) => match &s.group.value {
                Some(g) => format!("{} group {}", g.region, short_id(&g.arn)),
                None => "endpoint group".into(),
            },
            Screen::Browser(b) => match &b.source {
                Some(Source::Destination { ip, .. }) => format!("mappings of {ip}"),
                Some(Source::Accelerator { .. }) => "mappings".into(),
                None => "mappings by destination".into(),
            },
            Screen::Watch(_) => "watch".into(),
            Screen::Audit(_) => "audit".into(),
        }
    }

    /// Requests this screen waits for.
    pub fn pending(&self) -> Vec<RequestId> {
        let mut ids: Vec<RequestId> = with_list!(self, |l| l.pager.pending.as_ref().map(|p| p.id))
            .flatten()
            .into_iter()
            .collect();
        match self {
            Screen::AcceleratorInfo(s) => ids.extend(
                [s.accelerator.pending, s.tags.pending, s.attributes.pending]
                    .into_iter()
                    .flatten(),
            ),
            Screen::ListenerInfo(s) => {
                ids.extend(s.listener.pending.into_iter().chain(s.usage.pending))
            }
            Screen::GroupDetail(s) => ids.extend(s.group.pending),
            Screen::Browser(b) => ids.extend(b.regions_pending),
            Screen::Audit(v) => ids.extend(v.running()),
            _ => {}
        }
        ids
    }

    /// When what this screen shows was last read, and whether a later read failed.
    pub fn freshness(&self) -> (Option<Instant>, bool) {
        match self {
            Screen::AcceleratorInfo(s) => (s.accelerator.loaded_at, s.accelerator.stale),
            Screen::ListenerInfo(s) => (s.listener.loaded_at, s.listener.stale),
            Screen::GroupDetail(s) => (s.group.loaded_at, s.group.stale),
            _ => with_list!(self, |l| (l.pager.loaded_at, l.pager.stale)).unwrap_or_default(),
        }
    }

    /// The call for the page after `token` of this screen's paged list.
    pub fn list_call(&self, token: Option<String>) -> Option<Call> {
        match self {
            Screen::Accelerators(_) => Some(Call::ListAccelerators { token }),
            Screen::Listeners(s) => Some(Call::ListListeners {
                accelerator_arn: s.accelerator.arn.clone(),
                token,
            }),
            Screen::EndpointGroups(s) => Some(Call::ListEndpointGroups {
                listener_arn: s.listener.arn.clone(),
                token,
            }),
            Screen::Browser(b) => b.page_call(token, b.page_size),
            _ => None,
        }
    }

    /// The calls that load this screen from scratch, paired with where their ids go.
    pub fn reload(&mut self, mut next_id: impl FnMut() -> RequestId) -> Vec<(RequestId, Call)> {
        let mut calls = Vec::new();
        let mut list = |pane_id: RequestId, call: Call| calls.push((pane_id, call));
        match self {
            Screen::Accelerators(_) | Screen::Listeners(_) | Screen::EndpointGroups(_) => {
                let id = next_id();
                if let Some(call) = self.list_call(None) {
                    with_list!(mut self, |l| l.begin_reload(id));
                    list(id, call);
                }
            }
            Screen::AcceleratorInfo(s) => {
                let Some(arn) = s.accelerator.value.as_ref().map(|a| a.arn.clone()) else {
                    return calls;
                };
                let ids = [next_id(), next_id(), next_id()];
                s.accelerator.pending = Some(ids[0]);
                s.tags.pending = Some(ids[1]);
                s.attributes.pending = Some(ids[2]);
                list(ids[0], Call::DescribeAccelerator { arn: arn.clone() });
                list(ids[1], Call::ListTags { arn: arn.clone() });
                list(ids[2], Call::AcceleratorAttributes { arn });
            }
            Screen::ListenerInfo(s) => {
                let Some(listener) = s.listener.value.clone() else {
                    return calls;
                };
                let id = next_id();
                s.listener.pending = Some(id);
                list(
                    id,
                    Call::DescribeListener {
                        arn: listener.arn.clone(),
                    },
                );
                let id = next_id();
                s.usage.pending = Some(id);
                list(
                    id,
                    Call::ListenerUsage {
                        listener,
                        store: s.index_dir.clone(),
                    },
                );
            }
            Screen::GroupDetail(s) => {
                let Some(arn) = s.group.value.as_ref().map(|g| g.arn.clone()) else {
                    return calls;
                };
                let id = next_id();
                s.group.pending = Some(id);
                list(id, Call::DescribeEndpointGroup { arn });
            }
            Screen::Browser(b) => {
                let page_size = b.page_size;
                let Some(call) = b.page_call(None, page_size) else {
                    return calls;
                };
                let id = next_id();
                b.begin_load(id);
                list(id, call);
                if let Some(Source::Accelerator {
                    arn, group: None, ..
                }) = &b.source
                    && !b.list.is_loaded()
                {
                    let id = next_id();
                    b.regions_pending = Some(id);
                    list(
                        id,
                        Call::GroupsOfAccelerator {
                            accelerator_arn: arn.clone(),
                        },
                    );
                } else if let Some(arn) = b.describe_group.clone()
                    && b.regions_pending.is_none()
                {
                    let id = next_id();
                    b.regions_pending = Some(id);
                    list(id, Call::DescribeEndpointGroup { arn });
                }
            }
            // The watch's rounds are its own (app::watch); `r` there asks for one. The audit
            // reads every mapping of the account: it runs on `r` only, never on a live tick.
            Screen::Watch(_) | Screen::Audit(_) => {}
        }
        calls
    }

    /// Records that request `id` (a follow-up this screen asked for) is now in flight.
    pub fn awaiting(&mut self, id: RequestId, call: &Call) {
        let Some(token) = call.token().map(str::to_string) else {
            return;
        };
        with_list!(mut self, |l| l.begin_next_page(id, token));
    }

    /// Takes the answer to request `id`. Returns a follow-up call a multi-page refresh needs,
    /// or `None` when the answer is complete or was not for this screen.
    pub fn deliver(
        &mut self,
        id: RequestId,
        result: Result<Reply, ApiError>,
        now: Instant,
    ) -> Option<Call> {
        let failure = result.as_ref().err().map(ToString::to_string);
        match (self, result) {
            (Screen::Accelerators(p), Ok(Reply::Accelerators(page))) => p
                .page_arrived(page.items, page.next_token, now)
                .map(|token| Call::ListAccelerators { token: Some(token) }),
            (screen @ Screen::Listeners(_), Ok(Reply::Listeners(page))) => {
                let Screen::Listeners(s) = screen else {
                    return None;
                };
                let token = s.pane.page_arrived(page.items, page.next_token, now);
                screen.list_call(Some(token?))
            }
            (screen @ Screen::EndpointGroups(_), Ok(Reply::EndpointGroups(page))) => {
                let Screen::EndpointGroups(s) = screen else {
                    return None;
                };
                let token = s.pane.page_arrived(page.items, page.next_token, now);
                screen.list_call(Some(token?))
            }
            (Screen::AcceleratorInfo(s), Ok(reply)) => {
                match reply {
                    Reply::Accelerator(a) if s.accelerator.pending == Some(id) => {
                        s.accelerator.arrived(a, now);
                    }
                    Reply::Tags(t) if s.tags.pending == Some(id) => s.tags.arrived(t, now),
                    Reply::Attributes(a) if s.attributes.pending == Some(id) => {
                        s.attributes.arrived(a, now);
                    }
                    _ => {}
                }
                None
            }
            (Screen::ListenerInfo(s), Ok(Reply::Usage(u))) => {
                s.usage.arrived(u, now);
                None
            }
            (Screen::ListenerInfo(s), Ok(Reply::Listener(l))) => {
                s.listener.arrived(l, now);
                None
            }
            (Screen::GroupDetail(s), Ok(Reply::EndpointGroup(g))) => {
                s.set_group(g, now);
                None
            }
            (Screen::Browser(b), Ok(Reply::PortMappings(page))) => {
                b.port_mappings_arrived(page, now)
            }
            (Screen::Browser(b), Ok(Reply::DestinationMappings(page))) => {
                b.destination_mappings_arrived(page, now)
            }
            (Screen::Browser(b), Ok(Reply::EndpointGroup(g))) => {
                b.regions_pending = None;
                b.describe_group = None;
                b.list.store_mut().set_region(&g.arn, &g.region);
                b.list.store_mut().set_destinations(&g.arn, g.destinations);
                None
            }
            (Screen::Browser(b), Ok(Reply::Groups(groups))) => {
                b.regions_pending = None;
                for g in groups {
                    b.list.store_mut().set_region(&g.arn, &g.region);
                    b.list.store_mut().set_destinations(&g.arn, g.destinations);
                }
                None
            }
            (screen, _) => {
                if let Some(message) = failure {
                    screen.failed(id, message);
                }
                None
            }
        }
    }

    fn failed(&mut self, id: RequestId, message: String) {
        match self {
            Screen::Accelerators(p) => p.failed(message),
            Screen::Listeners(s) => s.pane.failed(message),
            Screen::EndpointGroups(s) => s.pane.failed(message),
            Screen::AcceleratorInfo(s) => {
                if s.accelerator.pending == Some(id) {
                    s.accelerator.failed(message);
                } else if s.tags.pending == Some(id) {
                    s.tags.failed(message);
                } else if s.attributes.pending == Some(id) {
                    s.attributes.failed(message);
                }
            }
            Screen::ListenerInfo(s) => {
                if s.usage.pending == Some(id) {
                    s.usage.failed(message);
                } else {
                    s.listener.failed(message);
                }
            }
            Screen::GroupDetail(s) => s.group.failed(message),
            Screen::Watch(_) | Screen::Audit(_) => {}
            Screen::Browser(b) => {
                if b.regions_pending == Some(id) {
                    b.regions_pending = None;
                } else {
                    b.failed(message);
                }
            }
        }
    }

    /// Forgets every request in flight, returning their ids so the loop can abort them.
    pub fn cancel_all(&mut self) -> Vec<RequestId> {
        let ids = self.pending();
        match self {
            Screen::AcceleratorInfo(s) => {
                s.accelerator.pending = None;
                s.tags.pending = None;
                s.attributes.pending = None;
            }
            Screen::ListenerInfo(s) => {
                s.listener.pending = None;
                s.usage.pending = None;
            }
            Screen::GroupDetail(s) => s.group.pending = None,
            Screen::Browser(b) => b.cancel(),
            Screen::Audit(v) => drop(v.cancel()),
            _ => drop(with_list!(mut self, |l| l.cancel())),
        }
        ids
    }
}
