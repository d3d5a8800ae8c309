//! The EC2 view of each subnet endpoint the rows are in, kept beside the rows (shared with the
//! app's join): what the instance columns, the filter and the sort read.

use std::sync::Arc;

use super::{MappingRow, MappingTable};
use crate::model::join::SubnetView;

/// What the join says of a row in the browser's INSTANCE, STATE, INSTANCE ID and INTERFACE
/// columns: `…` while EC2 is asked (or the join is off: `-` then, as the row has no view and
/// the join never gives one), `no interface` when nothing holds the address.
pub fn holder_cells(row: &MappingRow<'_>) -> [String; 4] {
    let dash = || "-".to_string();
    match row.holder() {
        None => [dash(), dash(), dash(), dash()],
        Some(None) => ["no interface".into(), dash(), dash(), dash()],
        Some(Some(h)) => match &h.instance {
            Some(i) => [
                i.name.clone().unwrap_or_else(dash),
                i.state.to_string(),
                i.id.clone(),
                h.interface_id.clone(),
            ],
            None => ["no instance".into(), dash(), dash(), h.interface_id.clone()],
        },
    }
}

impl MappingTable {
    /// Every (region, subnet) the table's groups and rows name, each once.
    pub fn endpoints(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for &(group, subnet) in &self.pairs {
            if let Some(&r) = self.regions.get(&group) {
                let pair = (
                    self.strings.get(r).to_string(),
                    self.strings.get(subnet).to_string(),
                );
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
        out
    }

    pub fn subnet_view(&self, subnet: &str) -> Option<&Arc<SubnetView>> {
        let id = self.strings.index.get(subnet)?;
        self.ec2.get(id)
    }

    pub fn set_subnet_view(&mut self, subnet: &str, view: Arc<SubnetView>) {
        let id = self.strings.intern(subnet);
        self.ec2.insert(id, view);
    }
}
