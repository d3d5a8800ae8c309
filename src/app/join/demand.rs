//! What the screen on top shows of EC2, asked for after every update: the subnets of the
//! browser's rows on screen, the subnet endpoints of a group's detail, the subnet of a `w`
//! answer, the subnets of the regions an IP-only `w` or a by-destination form looks in. What is already known
//! is handed to the screen at once (its rows keep the shared views), what is not is asked in
//! one lookup per region.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Ec2Lookup, Known};
use crate::app::overlays::add_subnets::destination_ports;
use crate::app::overlays::create::DialogKind;
use crate::app::{Effect, Overlay, Screen, State};

/// The lookups the screen on top needs and does not have; known views are attached to its
/// rows on the way.
pub fn wanted(state: &mut State) -> Vec<Effect> {
    if !state.join.enabled {
        return Vec::new();
    }
    let rows = state.list_rows();
    let mut by_region: BTreeMap<String, Vec<String>> = BTreeMap::new();
    match state.top() {
        Screen::Browser(b) => {
            let first = b.list.offset();
            for i in first..(first + rows).min(b.view_len()) {
                let Some(row) = b.row_index(i).and_then(|r| b.table().get(r)) else {
                    continue;
                };
                if let Some(region) = row.region {
                    let subnets = by_region.entry(region.to_string()).or_default();
                    if !subnets.iter().any(|s| s == row.subnet) {
                        subnets.push(row.subnet.to_string());
                    }
                }
            }
        }
        Screen::GroupDetail(d) => {
            if let Some(g) = &d.group.value {
                by_region.insert(g.region.clone(), g.endpoints.clone());
            }
        }
        _ => {}
    }
    if let Some(lookup) = state.whois() {
        for (region, subnet) in crate::app::overlays::whois::wanted(lookup) {
            let subnets = by_region.entry(region.to_string()).or_default();
            if !subnets.iter().any(|s| s == subnet) {
                subnets.push(subnet.to_string());
            }
        }
    }
    // An IP-only search waits for the CIDRs of every subnet of the regions it looks in; the
    // by-destination form asks the subnet whose CIDR holds the address typed.
    let mut regions = state
        .whois()
        .map(crate::app::overlays::whois::regions_wanted)
        .unwrap_or_default();
    if let Screen::Browser(b) = state.top()
        && b.form.is_some()
        && let Some(region) = b.group_region()
        && !regions.iter().any(|r| r == region)
    {
        regions.push(region.to_string());
    }
    attach(state);
    let mut effects = picker(state);
    effects.extend(regions.iter().filter_map(|r| region_lookup(state, r)));
    for (region, subnets) in by_region {
        let ids: Vec<&str> = subnets.iter().map(String::as_str).collect();
        let id = state.next_request;
        if let Some(lookup) = state.join.ask_subnets(&region, &ids, id) {
            state.next_request += 1;
            effects.push(Effect::Ec2 { id, lookup });
        }
    }
    effects
}

/// Hands the views the join knows to the rows of the screen on top that do not have them
/// (or have an older one).
fn attach(state: &mut State) {
    let join = &state.join;
    match state.screens.last_mut() {
        Some(Screen::Browser(b)) => {
            let table = b.list.store_mut();
            for (region, subnet) in table.endpoints() {
                if let Some(view) = join.subnet_arc(&region, &subnet)
                    && !table
                        .subnet_view(&subnet)
                        .is_some_and(|v| Arc::ptr_eq(v, view))
                {
                    table.set_subnet_view(&subnet, Arc::clone(view));
                    state.dirty = true;
                }
            }
        }
        Some(Screen::GroupDetail(d)) => {
            let stale = d.endpoints.rows().iter().any(|row| {
                let view = join.subnet_arc(&row.region, &row.subnet_id);
                match (view, &row.ec2) {
                    (Some(v), Some(had)) => !Arc::ptr_eq(v, had),
                    (Some(_), None) => true,
                    _ => false,
                }
            });
            if stale {
                d.endpoints.edit(|rows| {
                    for row in rows {
                        if let Some(v) = join.subnet_arc(&row.region, &row.subnet_id) {
                            row.ec2 = Some(Arc::clone(v));
                        }
                    }
                });
                state.dirty = true;
            }
        }
        _ => {}
    }
}

/// The subnet picker of an open add-subnet dialog: its region's subnets asked for unless
/// known or on their way, handed to it once known (again after a re-read); when they cannot
/// be listed, the keys go to the typed ids.
fn picker(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::Form(dialog)) = &mut state.overlay else {
        return Vec::new();
    };
    let dialog = dialog.as_mut();
    let DialogKind::AddEndpoints {
        group,
        picker: Some(picker),
        ..
    } = &mut dialog.kind
    else {
        return Vec::new();
    };
    let region = picker.region.clone();
    if let Some(subnets) = state.join.region_subnets_arc(&region) {
        state.dirty |= picker.show(subnets, group, destination_ports(group), state.now);
    } else if let Known::Failed(_) = state.join.region_subnets(&region)
        && picker.give_way()
    {
        dialog.form.focus = crate::app::overlays::fields::Focus::Head(0);
        state.dirty = true;
    }
    region_lookup(state, &region).into_iter().collect()
}

/// The lookup of every subnet of `region` (the subnet picker), unless known or on its way.
pub fn region_lookup(state: &mut State, region: &str) -> Option<Effect> {
    let id = state.next_request;
    let lookup: Ec2Lookup = state.join.ask_region(region, id)?;
    state.next_request += 1;
    Some(Effect::Ec2 { id, lookup })
}
