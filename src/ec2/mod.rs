//! The read-only EC2 client: DescribeSubnets, DescribeNetworkInterfaces and DescribeInstances
//! over EC2's query protocol, on the parts the SDK is made of (aws-config's set-up,
//! aws-sigv4, the SDK's HTTP client, the standard retry rules) rather than `aws-sdk-ec2`,
//! which costs minutes of build for three calls.
//!
//! The `Ec2` trait is the boundary, so tests can swap the backend; the batched lookups the
//! app needs are written once on it, over the three calls.

mod client;
mod endpoint;
mod error;
mod join;
mod parse;
mod query;
mod transport;

use std::collections::HashSet;
use std::net::Ipv4Addr;

use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt};

pub use client::Ec2Client;
pub use endpoint::EndpointRules;
pub use error::{Ec2Error, Ec2Result};
pub use join::subnet_views;
pub use query::{
    API_VERSION, Action, Filter, MAX_FILTER_VALUES, MAX_RESULTS, Query, batched, encode,
};
pub use transport::RetryPolicy;

use crate::model::ec2::{Instance, NetworkInterface, Subnet};

/// Batches of one lookup in flight at once: enough to hide latency, few enough not to
/// provoke EC2's throttling (its limits are per account and region, shared with every other
/// tool the account runs).
pub const BATCH_CONCURRENCY: usize = 4;

/// The three Describe calls, each reading every page, and the lookups built on them.
///
/// Lookups by id use filters (`subnet-id`, `instance-id`) rather than `SubnetId.N`: an id
/// that no longer exists then matches nothing instead of failing the whole call. Every
/// lookup splits its values into filters of at most [`MAX_FILTER_VALUES`], and asks nothing
/// for an empty list.
#[async_trait]
pub trait Ec2: Send + Sync {
    async fn describe_subnets(&self, region: &str, query: &Query) -> Ec2Result<Vec<Subnet>>;
    async fn describe_network_interfaces(
        &self,
        region: &str,
        query: &Query,
    ) -> Ec2Result<Vec<NetworkInterface>>;
    async fn describe_instances(&self, region: &str, query: &Query) -> Ec2Result<Vec<Instance>>;

    /// Every subnet of the region (the subnet picker's list).
    async fn subnets_in_region(&self, region: &str) -> Ec2Result<Vec<Subnet>> {
        self.describe_subnets(region, &Query::default()).await
    }

    /// The subnets among `ids` that exist.
    async fn subnets_by_id(&self, region: &str, ids: &[String]) -> Ec2Result<Vec<Subnet>> {
        let found = all_batches(batched("subnet-id", ids, &[]), |q| async move {
            self.describe_subnets(region, &q).await
        })
        .await?;
        Ok(unique(found, |s| &s.id))
    }

    /// Every network interface in the subnets `subnet_ids`: the way to find addresses held
    /// inside delegated prefixes, which no address filter matches.
    async fn interfaces_in_subnets(
        &self,
        region: &str,
        subnet_ids: &[String],
    ) -> Ec2Result<Vec<NetworkInterface>> {
        let found = all_batches(batched("subnet-id", subnet_ids, &[]), |q| async move {
            self.describe_network_interfaces(region, &q).await
        })
        .await?;
        Ok(unique(found, |i| &i.id))
    }

    /// Every interface in the subnets `subnet_ids`, and the instances they are attached to.
    async fn interfaces_and_instances(
        &self,
        region: &str,
        subnet_ids: &[String],
    ) -> Ec2Result<(Vec<NetworkInterface>, Vec<Instance>)> {
        let interfaces = self.interfaces_in_subnets(region, subnet_ids).await?;
        let mut ids: Vec<String> = interfaces
            .iter()
            .filter_map(|i| i.instance_id.clone())
            .collect();
        ids.sort();
        ids.dedup();
        let instances = self.instances_by_id(region, &ids).await?;
        Ok((interfaces, instances))
    }

    /// The interfaces holding any of `addresses` as a primary or secondary private address.
    /// EC2's `addresses.private-ip-address` filter does not look inside delegated prefixes;
    /// [`Ec2::interfaces_in_subnets`] with [`NetworkInterface::holds`] does.
    async fn interfaces_holding(
        &self,
        region: &str,
        addresses: &[Ipv4Addr],
    ) -> Ec2Result<Vec<NetworkInterface>> {
        let values: Vec<String> = addresses.iter().map(Ipv4Addr::to_string).collect();
        let queries = batched("addresses.private-ip-address", &values, &[]);
        let found = all_batches(queries, |q| async move {
            self.describe_network_interfaces(region, &q).await
        })
        .await?;
        Ok(unique(found, |i| &i.id))
    }

    /// The instances among `ids` that exist (terminated ones included while EC2 still lists
    /// them).
    async fn instances_by_id(&self, region: &str, ids: &[String]) -> Ec2Result<Vec<Instance>> {
        let found = all_batches(batched("instance-id", ids, &[]), |q| async move {
            self.describe_instances(region, &q).await
        })
        .await?;
        Ok(unique(found, |i| &i.id))
    }

    /// The instances whose primary interface is in one of `subnet_ids`.
    async fn instances_in_subnets(
        &self,
        region: &str,
        subnet_ids: &[String],
    ) -> Ec2Result<Vec<Instance>> {
        let found = all_batches(batched("subnet-id", subnet_ids, &[]), |q| async move {
            self.describe_instances(region, &q).await
        })
        .await?;
        Ok(unique(found, |i| &i.id))
    }

    /// The instances with an interface holding any of `addresses` as a private address.
    async fn instances_holding(
        &self,
        region: &str,
        addresses: &[Ipv4Addr],
    ) -> Ec2Result<Vec<Instance>> {
        let values: Vec<String> = addresses.iter().map(Ipv4Addr::to_string).collect();
        let queries = batched(
            "network-interface.addresses.private-ip-address",
            &values,
            &[],
        );
        let found = all_batches(queries, |q| async move {
            self.describe_instances(region, &q).await
        })
        .await?;
        Ok(unique(found, |i| &i.id))
    }
}

/// Runs `call` for every query, [`BATCH_CONCURRENCY`] at a time, and joins the answers in the
/// order of the queries; the first error ends the lookup.
async fn all_batches<T, F, Fut>(queries: Vec<Query>, call: F) -> Ec2Result<Vec<T>>
where
    F: FnMut(Query) -> Fut,
    Fut: Future<Output = Ec2Result<Vec<T>>>,
{
    futures::stream::iter(queries)
        .map(call)
        .buffered(BATCH_CONCURRENCY)
        .try_concat()
        .await
}

/// `items` without repeats of an id (a resource matching values of two batches), first kept.
fn unique<T>(items: Vec<T>, id: impl Fn(&T) -> &String) -> Vec<T> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(id(item).clone()))
        .collect()
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
