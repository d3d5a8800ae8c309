//! Invariants that compare the state before and after one event: a completed re-read keeps
//! what was loaded and the selected item, and a paste lands in the input with focus and
//! nowhere else.

use portolan::app::{Action, RequestId, State};

use super::Stats;
use super::probe::{self, Focus, ListSnapshot};
use super::service::Service;

/// What an event is watched for, taken before it is applied.
pub enum Watch {
    Nothing,
    /// An answer that may complete re-reads: the list screens by position in the stack.
    Reply {
        id: RequestId,
        lists: Vec<Option<ListSnapshot>>,
    },
    Paste {
        text: String,
        focus: Focus,
        overlay: Option<&'static str>,
        /// The screens under the open overlay, when one is open.
        underneath: Option<String>,
    },
}

impl Watch {
    pub fn before(state: &State, action: &Action) -> Self {
        match action {
            Action::Reply { id, result: Ok(_) } => {
                let lists: Vec<Option<ListSnapshot>> =
                    state.screens.iter().map(probe::list_snapshot).collect();
                if lists.iter().flatten().any(|l| l.rereading == Some(*id)) {
                    Self::Reply { id: *id, lists }
                } else {
                    Self::Nothing
                }
            }
            Action::Paste(text) => Self::Paste {
                text: text.clone(),
                focus: probe::focus(state),
                overlay: probe::overlay_kind(state),
                underneath: state.overlay.is_some().then(|| probe::underneath(state)),
            },
            _ => Self::Nothing,
        }
    }

    pub fn after(self, state: &State, service: &Service, stats: &mut Stats) -> Result<(), String> {
        match self {
            Self::Nothing => Ok(()),
            Self::Reply { id, lists } => {
                for (at, before) in lists.iter().enumerate() {
                    let Some(before) = before.as_ref().filter(|l| l.rereading == Some(id)) else {
                        continue;
                    };
                    reread(state, at, before, service, stats)?;
                }
                Ok(())
            }
            Self::Paste {
                text,
                focus,
                overlay,
                underneath,
            } => {
                match &focus {
                    Focus::Input { .. } => stats.pastes_into_inputs += 1,
                    Focus::OverlayWithoutInput => stats.pastes_over_overlays += 1,
                    Focus::Nothing => {}
                }
                pasted(state, &text, &focus, overlay, underneath)
            }
        }
    }
}

/// Live re-reads never shrink what is loaded, and the selection stays on its item: checked
/// when the answer that completes the re-read of screen `at` has been taken.
fn reread(
    state: &State,
    at: usize,
    before: &ListSnapshot,
    service: &Service,
    stats: &mut Stats,
) -> Result<(), String> {
    let Some(screen) = state.screens.get(at) else {
        return Err(format!(
            "answering a re-read of {:?} closed its screen",
            before.listing
        ));
    };
    let Some(after) = probe::list_snapshot(screen).filter(|l| l.listing == before.listing) else {
        return Err(format!(
            "answering a re-read of {:?} changed its screen",
            before.listing
        ));
    };
    if after.rereading.is_some() {
        // More pages to read: not complete yet.
        return Ok(());
    }
    stats.rereads += 1;
    let holds = service.holds(&before.listing);
    let floor = before.loaded.min(holds);
    if after.loaded < floor {
        return Err(format!(
            "a re-read of {:?} shrank the loaded rows from {} to {} while the source holds {holds}",
            before.listing, before.loaded, after.loaded
        ));
    }
    let Some(selected) = before.selected.as_ref().filter(|_| !before.moves_itself) else {
        return Ok(());
    };
    if !service.identities(&before.listing).contains(selected) {
        // Deleted at the source: the selection may go anywhere.
        return Ok(());
    }
    if !probe::identities(screen, false).contains(selected) {
        return Err(format!(
            "a re-read of {:?} dropped the selected {selected}, which the source still holds",
            before.listing
        ));
    }
    if after.selected.as_ref() != Some(selected)
        && probe::identities(screen, true).contains(selected)
    {
        return Err(format!(
            "a re-read of {:?} moved the selection from {selected} to {:?}",
            before.listing, after.selected
        ));
    }
    Ok(())
}

/// Every overlay receives paste: the focused input gets the text, the screens under an
/// overlay get nothing.
fn pasted(
    state: &State,
    text: &str,
    focus: &Focus,
    overlay: Option<&'static str>,
    underneath: Option<String>,
) -> Result<(), String> {
    let kind = probe::overlay_kind(state);
    if kind != overlay {
        return Err(format!(
            "a paste changed the overlay from {overlay:?} to {kind:?}"
        ));
    }
    if let Some(under) = underneath
        && under != probe::underneath(state)
    {
        return Err(format!(
            "a paste over the {overlay:?} overlay reached the screen under it"
        ));
    }
    let Focus::Input {
        overlay: in_overlay,
        value,
    } = focus
    else {
        return Ok(());
    };
    let where_ = if *in_overlay {
        "overlay"
    } else {
        "screen prompt"
    };
    let now = match probe::focus(state) {
        Focus::Input { value, .. } => value,
        other => {
            return Err(format!(
                "a paste into the {where_} input took its focus: {other:?}"
            ));
        }
    };
    let Some(added) = now.strip_prefix(value.as_str()) else {
        return Err(format!(
            "a paste into the {where_} input replaced {value:?} with {now:?}"
        ));
    };
    // Inputs keep one line of printable characters, trimmed, up to a length; a list input
    // (bulk) keeps its lines too, CR read as a line end and tabs as spaces.
    let printable: String = text.chars().filter(|c| !c.is_control()).collect();
    let lines: String = text
        .replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\r' => '\n',
            '\t' => ' ',
            c => c,
        })
        .filter(|c| *c == '\n' || !c.is_control())
        .collect();
    if !printable.contains(added) && !lines.contains(added) {
        return Err(format!(
            "a paste of {text:?} into the {where_} input added {added:?}, which it does not hold"
        ));
    }
    let leading = printable.chars().take_while(|c| c.is_whitespace()).count();
    let room = value.chars().count() + leading < 256;
    if added.is_empty() && room && !printable.trim().is_empty() {
        return Err(format!(
            "a paste of {text:?} into the {where_} input ({overlay:?}) was lost: it still holds {value:?}"
        ));
    }
    Ok(())
}
