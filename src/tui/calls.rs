//! The effect runner for calls: each `Call` that `update` asks for is run here, in a task,
//! and its answer goes back to the loop as a `Reply`.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_RESOURCES};
use crate::app::{Call, Reply};
use crate::model::{TrafficChange, TrafficScope};

/// Runs one call against the service and turns its answer into a reply for `update`.
pub async fn run(call: Call, api: &dyn GlobalAccelerator) -> Result<Reply, ApiError> {
    let page = MAX_RESULTS_RESOURCES;
    Ok(match call {
        Call::ListAccelerators { token } => {
            Reply::Accelerators(api.list_accelerators(page, token).await?)
        }
        Call::ListListeners {
            accelerator_arn,
            token,
        } => Reply::Listeners(api.list_listeners(&accelerator_arn, page, token).await?),
        Call::ListEndpointGroups {
            listener_arn,
            token,
        } => Reply::EndpointGroups(api.list_endpoint_groups(&listener_arn, page, token).await?),
        Call::DescribeAccelerator { arn } => {
            Reply::Accelerator(api.describe_accelerator(&arn).await?)
        }
        Call::AcceleratorAttributes { arn } => {
            Reply::Attributes(api.describe_accelerator_attributes(&arn).await?)
        }
        Call::ListTags { arn } => Reply::Tags(api.list_tags(&arn).await?),
        Call::DescribeListener { arn } => Reply::Listener(api.describe_listener(&arn).await?),
        Call::DescribeEndpointGroup { arn } => {
            Reply::EndpointGroup(api.describe_endpoint_group(&arn).await?)
        }
        Call::ListMappings {
            accelerator_arn,
            group,
            page_size,
            token,
        } => Reply::PortMappings(
            api.list_port_mappings(&accelerator_arn, group.as_deref(), page_size, token)
                .await?,
        ),
        Call::ListMappingsByDestination {
            subnet,
            ip,
            page_size,
            token,
        } => Reply::DestinationMappings(
            api.list_port_mappings_by_destination(&subnet, &ip, page_size, token)
                .await?,
        ),
        Call::GroupsOfAccelerator { accelerator_arn } => {
            Reply::Groups(crate::index::groups_of(api, &accelerator_arn).await?)
        }
        Call::CreateEndpointGroup(request) => {
            Reply::CreatedEndpointGroup(api.create_endpoint_group(request).await?)
        }
        Call::CreateAccelerator(request) => {
            Reply::CreatedAccelerator(api.create_accelerator(request).await?)
        }
        Call::CreateListener(request) => {
            Reply::CreatedListener(api.create_listener(request).await?)
        }
        Call::AllowTraffic(change) => {
            api.allow_traffic(change).await?;
            Reply::Done
        }
        Call::DenyTraffic(change) => {
            api.deny_traffic(change).await?;
            Reply::Done
        }
        Call::AddEndpoints {
            group_arn,
            subnets,
            allow_all,
        } => {
            let added = api.add_endpoints(&group_arn, subnets).await?;
            let mut allowed = None;
            if allow_all {
                let mut results = Vec::new();
                for subnet in &added {
                    let change = TrafficChange {
                        endpoint_group_arn: group_arn.clone(),
                        endpoint_id: subnet.clone(),
                        scope: TrafficScope::WholeEndpoint,
                    };
                    results.push(api.allow_traffic(change).await.map_err(|e| e.to_string()));
                }
                allowed = Some(
                    results
                        .into_iter()
                        .collect::<Result<Vec<()>, String>>()
                        .map(drop),
                );
            }
            Reply::EndpointsAdded { added, allowed }
        }
        Call::RemoveEndpoints { group_arn, subnets } => {
            api.remove_endpoints(&group_arn, subnets).await?;
            Reply::Done
        }
        Call::DeleteEndpointGroup { arn } => {
            api.delete_endpoint_group(&arn).await?;
            Reply::Done
        }
        Call::Whois { ip, port, store } => {
            return whois(api, ip, port, store).await;
        }
        Call::ListenerUsage { listener, store } => {
            let store = store.map(crate::index::IndexStore::new);
            Reply::Usage(crate::index::listener_usage(api, store.as_ref(), &listener).await?)
        }
        Call::Holders {
            ip,
            accelerators,
            store,
        } => {
            let store = store.map(crate::index::IndexStore::new);
            let found = crate::index::holders(api, store.as_ref(), &accelerators, ip).await?;
            Reply::Holders {
                ip: ip.to_string(),
                found,
            }
        }
        Call::ResolvePins { pins, store } => {
            let store = store.map(crate::index::IndexStore::new);
            let resolved = crate::watch::resolve(api, store.as_ref(), &pins).await;
            Reply::PinsResolved(
                resolved
                    .into_iter()
                    .map(|r| r.map_err(|e| e.to_string()))
                    .collect(),
            )
        }
        Call::WatchRound { targets } => Reply::WatchRound(
            crate::watch::poll(api, &targets, &crate::watch::PollOptions::default()).await,
        ),
    })
}

/// A reverse lookup, with the index under `store` if there is one.
async fn whois(
    api: &dyn GlobalAccelerator,
    ip: Ipv4Addr,
    port: u16,
    store: Option<PathBuf>,
) -> Result<Reply, ApiError> {
    let store = store.map(crate::index::IndexStore::new);
    match crate::index::whois::whois(api, store.as_ref(), ip, port).await {
        Ok(answer) => Ok(Reply::Whois(Ok(Box::new(answer)))),
        Err(crate::index::whois::WhoisError::Api(e)) => Err(e),
        Err(other) => Ok(Reply::Whois(Err(other.to_string()))),
    }
}
