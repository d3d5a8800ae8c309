//! Opening the create dialogs (`c`), their keys, their submit and its answer.

use crossterm::event::KeyEvent;

use crate::api::ApiError;
use crate::app::call::Reply;
use crate::app::overlays::create::CreateDialog;
use crate::app::overlays::fields::Outcome;
use crate::app::overlays::subnet_picker;
use crate::app::rows::short_id;
use crate::app::{Effect, Overlay, Screen, State};

/// `c`: the create dialog for what the screen on top lists.
pub fn open(state: &mut State) -> Vec<Effect> {
    let dialog = match state.top() {
        Screen::Accelerators(_) => Some(CreateDialog::accelerator()),
        Screen::Listeners(s) => {
            let others = s
                .pane
                .rows()
                .iter()
                .flat_map(|l| l.port_ranges.iter().map(|r| (l.arn.clone(), *r)))
                .collect();
            Some(CreateDialog::listener(s.accelerator.clone(), others))
        }
        Screen::EndpointGroups(s) => {
            let taken = s.pane.rows().iter().map(|g| g.region.clone()).collect();
            Some(CreateDialog::endpoint_group(
                s.accelerator.clone(),
                s.listener.clone(),
                taken,
            ))
        }
        _ => None,
    };
    let Some(dialog) = dialog else {
        state.dirty = false;
        return Vec::new();
    };
    if !state.may_change() {
        return Vec::new();
    }
    with_usage(state, dialog)
}

/// Opens `dialog`, asking for its listener's port usage when it shows capacity.
fn with_usage(state: &mut State, mut dialog: CreateDialog) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(listener) = dialog.listener_to_count().cloned() {
        let id = state.request_id();
        dialog.counting(id, state.now);
        effects.push(Effect::Call {
            id,
            call: crate::app::call::Call::ListenerUsage {
                listener,
                store: state.index_dir.clone(),
            },
        });
    }
    state.overlay = Some(Overlay::Form(Box::new(dialog)));
    effects
}

/// The listener's usage arrived for the open dialog: numbers, or why there are none.
pub fn usage(state: &mut State, result: Result<Reply, ApiError>) -> Vec<Effect> {
    if let Some(d) = state.form_mut() {
        d.counted(result);
    }
    Vec::new()
}

/// Time passed: a count that takes too long is stopped, and the dialog says so.
pub fn tick(state: &mut State) -> Vec<Effect> {
    let now = state.now;
    state
        .form_mut()
        .and_then(|d| d.count.give_up_if_slow(now))
        .map(Effect::Cancel)
        .into_iter()
        .collect()
}

/// `a` in an endpoint group's subnet list.
pub fn open_add_endpoints(state: &mut State) -> Vec<Effect> {
    let Screen::GroupDetail(d) = state.top() else {
        state.dirty = false;
        return Vec::new();
    };
    let Some(group) = d.group.value.clone() else {
        return Vec::new();
    };
    let listener = d.listener.clone();
    if !state.may_change() {
        return Vec::new();
    }
    let region = group.region.clone();
    let pick = state.join.enabled;
    let mut effects = with_usage(state, CreateDialog::add_endpoints(group, listener, pick));
    if pick {
        effects.extend(crate::app::join::ask_region(state, &region));
    }
    effects
}

/// Ctrl-C: with typed input the dialog asks first.
pub fn quit(state: &mut State) {
    let dirty = |d: &CreateDialog| {
        d.picker()
            .map_or(d.form.is_dirty(), |p| subnet_picker::is_dirty(p, &d.form))
    };
    match state.form_mut() {
        Some(d) if dirty(d) => {
            d.quitting = true;
            d.form.confirm_discard = true;
        }
        _ => state.quit = true,
    }
}

pub fn key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let rows = crate::app::overlays::subnet_picker::rows_shown(state.size.1);
    let Some(dialog) = state.form_mut() else {
        return Vec::new();
    };
    let confirming = dialog.form.confirm_discard;
    let outcome = dialog.key(key);
    if let Some(p) = dialog.picker_mut() {
        p.list.scroll_into_view(rows);
    }
    match outcome {
        Outcome::Submit => return submit(state),
        Outcome::Close => {
            if dialog.quitting {
                state.quit = true;
            } else if dialog.form.submitting.is_some() {
                dialog.form.confirm_discard = false;
                dialog.form.error =
                    Some("a create is in flight: wait for its answer before closing".into());
            } else {
                state.overlay = None;
            }
        }
        Outcome::Changed if confirming => dialog.quitting = false,
        Outcome::Changed => {}
        Outcome::Nothing => state.dirty = false,
    }
    Vec::new()
}

fn submit(state: &mut State) -> Vec<Effect> {
    if !state.may_change() {
        return Vec::new();
    }
    let id = state.request_id();
    let Some(dialog) = state.form_mut() else {
        return Vec::new();
    };
    if dialog.form.submitting.is_some() {
        return Vec::new();
    }
    let Some(call) = dialog.validate() else {
        return Vec::new();
    };
    dialog.form.submitting = Some(id);
    dialog.form.attempted = true;
    dialog.form.error = None;
    tracing::info!(?call, token = %dialog.form.token, "create submitted");
    vec![Effect::Call { id, call }]
}

/// The answer to a submit: on success the dialog closes and the new item is selected in its
/// pane; on failure the dialog stays with everything as typed and the message in place.
pub fn created(state: &mut State, result: Result<Reply, ApiError>) -> Vec<Effect> {
    let Some(dialog) = state.form_mut() else {
        return Vec::new();
    };
    tracing::info!(?result, "create answered");
    let reply = match result {
        Ok(reply) => reply,
        Err(e) => {
            // The form shows it where it belongs; the log keeps it after the form is gone.
            let text = format!("{}: {e}", dialog.title());
            dialog.failed(&e);
            state.messages.record(&text, true, state.now);
            return Vec::new();
        }
    };
    if let Reply::EndpointsAdded { added, allowed } = reply {
        state.overlay = None;
        return added_endpoints(state, &added, allowed);
    }
    state.overlay = None;
    let changed = match &reply {
        Reply::CreatedEndpointGroup(g) => {
            Some(crate::app::rows::accelerator_arn_of(&g.arn).to_string())
        }
        Reply::CreatedListener(l) => Some(crate::app::rows::accelerator_arn_of(&l.arn).to_string()),
        Reply::CreatedAccelerator(a) => Some(a.arn.clone()),
        _ => None,
    };
    let message = match (state.top_mut(), reply) {
        (Screen::EndpointGroups(s), Reply::CreatedEndpointGroup(g)) => {
            let text = format!("created endpoint group {} ({})", g.region, short_id(&g.arn));
            s.pane.upsert(g);
            text
        }
        (Screen::Accelerators(p), Reply::CreatedAccelerator(a)) => {
            let text = format!("created accelerator {} ({})", a.name, short_id(&a.arn));
            p.upsert(a);
            text
        }
        (Screen::Listeners(s), Reply::CreatedListener(l)) => {
            let text = format!("created listener {}", short_id(&l.arn));
            s.pane.upsert(l);
            text
        }
        (_, reply) => format!("created {}", describe(&reply)),
    };
    state.info(message);
    if let Some(arn) = changed {
        crate::app::follow::follow(state, arn);
    }
    Vec::new()
}

fn describe(reply: &Reply) -> String {
    match reply {
        Reply::CreatedEndpointGroup(g) => g.arn.clone(),
        Reply::CreatedAccelerator(a) => a.arn.clone(),
        Reply::CreatedListener(l) => l.arn.clone(),
        _ => String::new(),
    }
}

fn added_endpoints(
    state: &mut State,
    added: &[String],
    allowed: Option<Result<(), String>>,
) -> Vec<Effect> {
    let list = added.join(", ");
    tracing::info!(target: "mutation", subnets = %list, ?allowed, "subnet endpoints added");
    let (it, its, subnet) = if added.len() == 1 {
        ("it", "its", "The subnet stays")
    } else {
        ("them", "their", "The subnets stay")
    };
    match allowed {
        None => state.info(format!(
            "added {list}: all traffic to {it} is denied until allowed (A)"
        )),
        Some(Ok(())) => state.info(format!("added {list} and allowed all traffic to {it}")),
        Some(Err(e)) => state.error(format!(
            "added {list}, but allowing {its} traffic failed: {e}. {subnet} added with all traffic denied; A allows it"
        )),
    }
    if let Screen::GroupDetail(d) = state.top()
        && let Some(g) = &d.group.value
    {
        let arn = crate::app::rows::accelerator_arn_of(&g.arn).to_string();
        crate::app::follow::follow(state, arn);
    }
    state.reload_top()
}
