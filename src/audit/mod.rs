//! The ALLOW audit of an account: every custom routing accelerator's endpoint groups and each
//! of their mappings from Global Accelerator, and the network interfaces and instances in the
//! groups' subnets from EC2, set against each other by `model::audit`. Every front end calls
//! [`run`] (or [`run_with`]): `portolan audit`, and the interactive view's effect runner.
//!
//! EC2 is asked once per endpoint-group region: one batched DescribeNetworkInterfaces by
//! `subnet-id` for every subnet of the region's groups (addresses held in delegated prefixes
//! are seen only this way: no address filter looks inside a prefix), then one batched
//! DescribeInstances by `instance-id` for the instances those interfaces are attached to.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::ControlFlow;

use thiserror::Error;

use crate::api::listing::{self, ListingOptions, MappingChain, Order};
use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_RESOURCES};
use crate::ec2::{Ec2, Ec2Error};
use crate::model::audit::{AcceleratorRef, Checked, Finding, Fleet, GroupTraffic, audit};

pub use crate::model::audit::NOTE;

/// What an audit found, and what it looked at to find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Most serious first (see `model::audit::Kind`).
    pub findings: Vec<Finding>,
    pub checked: Checked,
}

#[derive(Debug, Clone, Error)]
pub enum AuditError {
    #[error("{0}")]
    Api(#[from] ApiError),
    /// The audit cannot say what holds an address without EC2: a refused call ends it.
    #[error("{}", ec2_message(region, error))]
    Ec2 { region: String, error: Ec2Error },
}

impl AuditError {
    /// The IAM permission whose absence stopped the audit (`ec2:DescribeNetworkInterfaces`).
    pub fn missing_permission(&self) -> Option<&'static str> {
        match self {
            AuditError::Ec2 { error, .. } => error.missing_permission(),
            AuditError::Api(_) => None,
        }
    }
}

fn ec2_message(region: &str, error: &Ec2Error) -> String {
    let what = Ec2Error::access_summary([error]).unwrap_or_else(|| error.to_string());
    format!("the audit needs EC2 to see what holds each address, and EC2 in {region} said: {what}")
}

/// How far the audit has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub mappings: usize,
    pub chains_done: usize,
    pub chains: usize,
    /// Every mapping is read; EC2 is being asked.
    pub asking_ec2: bool,
}

/// Audits the account with the default listing options.
pub async fn run(api: &dyn GlobalAccelerator, ec2: &dyn Ec2) -> Result<Report, AuditError> {
    run_with(api, ec2, &ListingOptions::default(), &mut |_| {}).await
}

/// Audits the account; `progress` hears after each page of mappings.
pub async fn run_with(
    api: &dyn GlobalAccelerator,
    ec2: &dyn Ec2,
    options: &ListingOptions,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, AuditError> {
    let accelerators =
        listing::all_pages(|t| api.list_accelerators(MAX_RESULTS_RESOURCES, t)).await?;
    let arns: Vec<String> = accelerators.iter().map(|a| a.arn.clone()).collect();
    let groups_of = listing::endpoint_groups_of(api, &arns, options).await?;
    let mut groups: Vec<GroupTraffic> = Vec::new();
    let mut read: Vec<(String, Vec<crate::model::EndpointGroup>)> = Vec::new();
    for (accelerator, its_groups) in accelerators.iter().zip(groups_of) {
        let named = AcceleratorRef {
            arn: accelerator.arn.clone(),
            name: accelerator.name.clone(),
        };
        groups.extend(
            its_groups
                .iter()
                .map(|g| GroupTraffic::new(named.clone(), &g.arn, &g.region, &g.endpoints)),
        );
        // An accelerator without groups has no mappings to read.
        if !its_groups.is_empty() {
            read.push((accelerator.arn.clone(), its_groups));
        }
    }
    let (chains, mappings) = read_mappings(api, &read, options, &mut groups, progress).await?;
    progress(Progress {
        mappings,
        chains_done: chains,
        chains,
        asking_ec2: true,
    });
    let fleet = read_fleet(ec2, &groups).await?;
    let checked = Checked::of(accelerators.len(), &groups, &fleet);
    Ok(Report {
        findings: audit(&groups, &fleet),
        checked,
    })
}

/// Folds every mapping of `accelerators` into the group it belongs to; how many chains of
/// pages were read, and how many mappings.
async fn read_mappings(
    api: &dyn GlobalAccelerator,
    accelerators: &[(String, Vec<crate::model::EndpointGroup>)],
    options: &ListingOptions,
    groups: &mut [GroupTraffic],
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<(usize, usize), ApiError> {
    let chains: Vec<MappingChain> = listing::mapping_chains(accelerators);
    let at: HashMap<String, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.arn.clone(), i))
        .collect();
    let limiter = listing::Limiter::new(options);
    let (mut mappings, mut chains_done) = (0usize, 0usize);
    // Mappings come a group at a time, so the last group found is nearly always the next one.
    let mut last: Option<usize> = None;
    listing::port_mappings::<ApiError, _>(
        api,
        &chains,
        Order::Arrival,
        options,
        &limiter,
        |_, page| {
            for m in &page.items {
                let i = match last {
                    Some(i) if groups[i].arn == m.endpoint_group_arn => Some(i),
                    // A group made since the groups were read is left to the next audit.
                    _ => at.get(&m.endpoint_group_arn).copied(),
                };
                if let Some(i) = i {
                    groups[i].record(m);
                    last = Some(i);
                }
            }
            mappings += page.items.len();
            chains_done += usize::from(page.is_last());
            progress(Progress {
                mappings,
                chains_done,
                chains: chains.len(),
                asking_ec2: false,
            });
            Ok(ControlFlow::Continue(()))
        },
    )
    .await?;
    Ok((chains.len(), mappings))
}

/// Every interface in the groups' subnets and the instances they are attached to, region by
/// region (the regions at once).
async fn read_fleet(ec2: &dyn Ec2, groups: &[GroupTraffic]) -> Result<Fleet, AuditError> {
    let mut subnets: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for g in groups {
        subnets
            .entry(g.region.as_str())
            .or_default()
            .extend(g.endpoints.iter().map(|e| e.subnet.clone()));
    }
    let regions = subnets.into_iter().map(|(region, subnets)| async move {
        let subnets: Vec<String> = subnets.into_iter().collect();
        let failed = |error| AuditError::Ec2 {
            region: region.to_string(),
            error,
        };
        let (interfaces, instances) = ec2
            .interfaces_and_instances(region, &subnets)
            .await
            .map_err(failed)?;
        Ok::<_, AuditError>((interfaces, instances))
    });
    let mut fleet = Fleet::default();
    for (interfaces, instances) in futures::future::try_join_all(regions).await? {
        fleet.interfaces.extend(interfaces);
        fleet.instances.extend(instances);
    }
    Ok(fleet)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send<T: Send>(_: T) {}

    /// The interactive view will run the audit in a spawned task, which needs a `Send` future.
    #[test]
    fn an_audit_can_run_in_a_task() {
        fn check(api: &dyn GlobalAccelerator, ec2: &dyn Ec2) {
            send(run(api, ec2));
        }
        let _ = check;
    }

    #[test]
    fn a_refused_ec2_call_names_the_permission_and_the_region() {
        let error = AuditError::Ec2 {
            region: "us-east-1".into(),
            error: Ec2Error::UnauthorizedOperation {
                action: crate::ec2::Action::DescribeNetworkInterfaces,
                message: "You are not authorized to perform this operation.".into(),
            },
        };
        assert_eq!(
            error.missing_permission(),
            Some("ec2:DescribeNetworkInterfaces")
        );
        let text = error.to_string();
        assert!(
            text.contains("ec2:DescribeNetworkInterfaces") && text.contains("us-east-1"),
            "{text}"
        );
    }
}
