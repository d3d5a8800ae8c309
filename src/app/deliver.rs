//! Answers from the service, to whoever asked for them.

use super::call::{Reply, RequestId};
use super::{Effect, Screen, State, actions, live, overlays, rows};
use crate::api::ApiError;

impl State {
    /// Hands the answer to request `id` to whoever waits for it: an overlay, the follow, or
    /// the screen that asked; an answer nobody waits for any more is dropped.
    pub(super) fn deliver(
        &mut self,
        id: RequestId,
        result: Result<Reply, ApiError>,
    ) -> Vec<Effect> {
        if self.form().and_then(|d| d.count.pending()) == Some(id) {
            self.dirty = true;
            return overlays::form::usage(self, result);
        }
        if self.form().and_then(|d| d.form.submitting) == Some(id) {
            self.dirty = true;
            return overlays::form::created(self, result);
        }
        if self.confirm().and_then(|c| c.pending) == Some(id) {
            self.dirty = true;
            let made = result
                .is_ok()
                .then(|| self.confirm().map(|c| c.chosen().clone()));
            let effects = actions::applied(self, result);
            // The audit view marks the findings the change fixed.
            if let Some(mutation) = made.flatten() {
                super::screens::audit::fixed(self, &mutation);
            }
            return effects;
        }
        if self.whois().and_then(|l| l.pending) == Some(id) {
            self.dirty = true;
            return overlays::whois::answered(self, result);
        }
        if self.watch.waits_for(id) {
            return super::watch::answered(self, id, result);
        }
        if self.follow.as_ref().and_then(|f| f.pending) == Some(id) {
            self.dirty = true;
            return super::follow::followed(self, result);
        }
        let Some(index) = self.screens.iter().position(|s| s.pending().contains(&id)) else {
            tracing::debug!(id, "dropped an answer nobody waits for");
            return Vec::new();
        };
        self.dirty = true;
        if let Err(e) = &result {
            tracing::warn!(id, error = %e, "request failed");
            self.error(e.to_string());
            self.unreachable = matches!(e, ApiError::Transport(_) | ApiError::Timeout(_));
        } else if std::mem::take(&mut self.unreachable)
            && self.message.as_ref().is_some_and(|m| m.error)
        {
            // The service answers again: saying it cannot be reached would now be wrong.
            self.message = None;
        }
        if result.is_ok() && self.context.account.is_none() {
            self.context.account = result
                .as_ref()
                .ok()
                .and_then(Reply::first_arn)
                .and_then(rows::account_of)
                .map(str::to_string);
        }
        live::observe(self, &result);
        let described = match &result {
            Ok(Reply::EndpointGroup(g)) => Some(g.clone()),
            _ => None,
        };
        let now = self.now;
        let follow_up = self.screens[index].deliver(id, result, now);
        if let Some(group) = described {
            // The groups list below shows the same group: its SUBNETS count follows at once.
            for screen in &mut self.screens {
                if let Screen::EndpointGroups(s) = screen {
                    s.pane.replace_item(group.clone());
                }
            }
        }
        let mut effects = Vec::new();
        if let Some(call) = follow_up {
            let next = self.request_id();
            self.screens[index].awaiting(next, &call);
            effects.push(Effect::Call { id: next, call });
        }
        effects
    }
}
