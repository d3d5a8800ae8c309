//! Which columns each view shows, shared by the list panes and the mapping browser: the
//! columns chosen (or the defaults), in the order chosen, and whether the view is wide — the
//! wide view adds every wide column (whole ids beside the names) that was not chosen anyway.
//! Columns are known by their titles in the config file's `[columns]` table; the choice is
//! written there by an effect, so the file is never touched from here.

use std::path::{Path, PathBuf};

use super::list::{Column, Row};
use super::rows::SubnetEndpoint;
use super::{Effect, Screen, State};
use crate::model::{Accelerator, EndpointGroup, Listener};

/// A view whose columns can be chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Accelerators,
    Listeners,
    Groups,
    /// The subnet endpoints of an endpoint group's detail.
    Subnets,
    Browser,
    /// The watched sockets.
    Watch,
    /// The audit's findings.
    Audit,
}

impl View {
    pub const ALL: [View; 7] = [
        View::Accelerators,
        View::Listeners,
        View::Groups,
        View::Subnets,
        View::Browser,
        View::Watch,
        View::Audit,
    ];

    /// The view's key in the config file's `[columns]` table.
    pub fn name(self) -> &'static str {
        match self {
            View::Accelerators => "accelerators",
            View::Listeners => "listeners",
            View::Groups => "groups",
            View::Subnets => "subnets",
            View::Browser => "browser",
            View::Watch => "watch",
            View::Audit => "audit",
        }
    }

    pub fn from_name(name: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.name() == name)
    }

    /// Every column the view can show, in its default order, the wide ones last.
    pub fn columns(self) -> &'static [Column] {
        match self {
            View::Accelerators => Accelerator::COLUMNS,
            View::Listeners => Listener::COLUMNS,
            View::Groups => EndpointGroup::COLUMNS,
            View::Subnets => SubnetEndpoint::COLUMNS,
            View::Browser => super::mappings::COLUMNS,
            View::Watch => super::watch::WatchItem::COLUMNS,
            View::Audit => super::screens::audit::AuditRow::COLUMNS,
        }
    }

    /// The column of this title (any case).
    pub fn column(self, title: &str) -> Option<usize> {
        self.columns()
            .iter()
            .position(|c| c.title.eq_ignore_ascii_case(title.trim()))
    }

    /// The columns shown when nothing is chosen: every column that is not a wide one.
    pub fn defaults(self) -> Vec<usize> {
        let columns = self.columns();
        (0..columns.len()).filter(|&i| !columns[i].wide).collect()
    }

    /// The view of a screen; info screens have none.
    pub fn of(screen: &Screen) -> Option<View> {
        match screen {
            Screen::Accelerators(_) => Some(View::Accelerators),
            Screen::Listeners(_) => Some(View::Listeners),
            Screen::EndpointGroups(_) => Some(View::Groups),
            Screen::GroupDetail(_) => Some(View::Subnets),
            Screen::Browser(_) => Some(View::Browser),
            Screen::Watch(_) => Some(View::Watch),
            Screen::Audit(_) => Some(View::Audit),
            _ => None,
        }
    }

    fn slot(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }
}

/// The columns chosen per view and the views that are wide.
#[derive(Debug, Clone, Default)]
pub struct ColumnChoice {
    /// By view: the chosen columns (indices into `View::columns`), in order; `None` keeps the
    /// defaults.
    chosen: [Option<Vec<usize>>; View::ALL.len()],
    wide: [bool; View::ALL.len()],
    /// The join with EC2 is off: the columns it fills are not shown (never saved).
    pub ec2_off: bool,
}

/// Two choices are the same when the config file would keep the same: whether the join is
/// on is not a choice.
impl PartialEq for ColumnChoice {
    fn eq(&self, other: &Self) -> bool {
        self.chosen == other.chosen && self.wide == other.wide
    }
}

impl Eq for ColumnChoice {}

/// The columns only the join with EC2 fills, by view.
pub fn ec2_columns(view: View) -> &'static [&'static str] {
    match view {
        View::Browser => &["INSTANCE", "STATE", "INSTANCE ID", "INTERFACE"],
        View::Subnets => &["NAME", "CIDR", "ZONE", "VPC", "HELD"],
        _ => &[],
    }
}

impl ColumnChoice {
    /// The columns chosen for `view`, if not its defaults.
    pub fn custom(&self, view: View) -> Option<&[usize]> {
        self.chosen[view.slot()].as_deref()
    }

    /// The columns chosen for `view`, or its defaults.
    pub fn chosen(&self, view: View) -> Vec<usize> {
        self.custom(view)
            .map_or_else(|| view.defaults(), <[usize]>::to_vec)
    }

    /// Chooses `columns` for `view` (unknown and repeated ones are left out); the defaults,
    /// or nothing at all, go back to the defaults.
    pub fn choose(&mut self, view: View, columns: Vec<usize>) {
        let mut kept: Vec<usize> = Vec::new();
        for c in columns {
            if c < view.columns().len() && !kept.contains(&c) {
                kept.push(c);
            }
        }
        self.chosen[view.slot()] = (!kept.is_empty() && kept != view.defaults()).then_some(kept);
    }

    pub fn is_wide(&self, view: View) -> bool {
        self.wide[view.slot()]
    }

    pub fn set_wide(&mut self, view: View, wide: bool) {
        self.wide[view.slot()] = wide;
    }

    /// The views that are wide, in `View::ALL` order.
    pub fn wide_views(&self) -> Vec<View> {
        View::ALL.into_iter().filter(|v| self.is_wide(*v)).collect()
    }

    /// What `view` shows, in order: the chosen columns, then (wide) every wide column not
    /// among them. Drawing may still drop a column that does not fit, and says so.
    pub fn shown(&self, view: View) -> Vec<usize> {
        let mut shown = self.chosen(view);
        if self.is_wide(view) {
            let columns = view.columns();
            let extra: Vec<usize> = (0..columns.len())
                .filter(|i| columns[*i].wide && !shown.contains(i))
                .collect();
            shown.extend(extra);
        }
        if self.ec2_off {
            let columns = view.columns();
            shown.retain(|&i| !ec2_columns(view).contains(&columns[i].title));
        }
        shown
    }

    /// The titles of the columns chosen for `view`, if not its defaults: what the config
    /// file keeps.
    pub fn titles(&self, view: View) -> Option<Vec<&'static str>> {
        self.custom(view)
            .map(|c| c.iter().map(|&i| view.columns()[i].title).collect())
    }
}

/// The choice in force and the config file it is kept in (none: it lasts this session only).
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub choice: ColumnChoice,
    pub file: Option<PathBuf>,
}

impl State {
    /// The columns the screen on top shows (indices into its view's columns); none for a
    /// screen without columns.
    pub fn shown_columns(&self) -> Vec<usize> {
        View::of(self.top()).map_or_else(Vec::new, |v| self.columns.choice.shown(v))
    }
}

/// The key of the wide view: the screen on top's view turns wide, or back.
pub fn toggle_wide(state: &mut State) -> Vec<Effect> {
    let Some(view) = View::of(state.top()) else {
        state.info("this screen has no columns");
        return Vec::new();
    };
    let wide = !state.columns.choice.is_wide(view);
    state.columns.choice.set_wide(view, wide);
    state.info(if wide {
        "wide view: every column, names and whole ids side by side"
    } else {
        "wide view off"
    });
    save(state)
}

/// The effect that keeps the choice in the config file, if there is one.
pub fn save(state: &mut State) -> Vec<Effect> {
    match &state.columns.file {
        Some(path) => vec![Effect::SaveColumns {
            path: path.clone(),
            choice: state.columns.choice.clone(),
        }],
        None => {
            state.info("no config file to keep the columns in: they hold for this session");
            Vec::new()
        }
    }
}

/// The config file was written, or not: the choice holds for this session either way.
pub fn saved(state: &mut State, path: &Path, result: Result<(), String>) {
    state.dirty = true;
    if let Err(e) = result {
        state.error(format!(
            "could not keep the columns in {}: {e}; they hold for this session",
            path.display()
        ));
    }
}

#[cfg(test)]
#[path = "columns_tests.rs"]
mod tests;
