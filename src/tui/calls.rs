//! The effect runner for calls: each `Call` that `update` asks for is run here, in a task,
//! and its answer goes back to the loop as a `Reply`.

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_RESOURCES};
use crate::app::{Action, Call, Journaled, Reply, RequestId};
use crate::journal::Recorder;

/// Runs `call` and sends its reply, and for a change the journal's answer, to the loop. A
/// change runs in a task of its own, so aborting the request cannot stop it between the call
/// and the journal.
pub async fn run_call(
    id: RequestId,
    call: Call,
    api: Arc<dyn GlobalAccelerator>,
    recorder: Recorder,
    tx: UnboundedSender<Action>,
) {
    let changes = changes_something(&call);
    let work = async move {
        let (result, journaled) = run_recorded(call, api.as_ref(), &recorder).await;
        let _ = tx.send(Action::Reply { id, result });
        if let Some(j) = journaled {
            let _ = tx.send(Action::Journaled(j));
        }
    };
    if changes {
        let _ = tokio::spawn(work).await;
    } else {
        work.await;
    }
}

/// Whether `call` creates or changes something (and so is journaled).
pub fn changes_something(call: &Call) -> bool {
    matches!(
        call,
        Call::CreateEndpointGroup(_)
            | Call::CreateAccelerator(_)
            | Call::CreateListener(_)
            | Call::AllowTraffic(_)
            | Call::DenyTraffic(_)
            | Call::AddEndpoints { .. }
            | Call::RemoveEndpoints { .. }
            | Call::DeleteEndpointGroup { .. }
    )
}

/// Runs one call; a change goes through `recorder`, and the journal's answer comes back
/// beside the reply.
pub async fn run_recorded(
    call: Call,
    api: &dyn GlobalAccelerator,
    recorder: &Recorder,
) -> (Result<Reply, ApiError>, Option<Journaled>) {
    use super::changes as change;
    match call {
        Call::AllowTraffic(c) => change::traffic(api, recorder, true, c).await,
        Call::DenyTraffic(c) => change::traffic(api, recorder, false, c).await,
        Call::AddEndpoints {
            group_arn,
            subnets,
            allow_all,
        } => change::add_endpoints(api, recorder, group_arn, subnets, allow_all).await,
        Call::RemoveEndpoints { group_arn, subnets } => {
            change::remove_endpoints(api, recorder, &group_arn, &subnets).await
        }
        Call::DeleteEndpointGroup { arn } => change::delete_group(api, recorder, arn).await,
        Call::CreateEndpointGroup(new) => change::create_group(api, recorder, new).await,
        Call::CreateAccelerator(new) => change::create_accelerator(api, recorder, new).await,
        Call::CreateListener(new) => change::create_listener(api, recorder, new).await,
        read => (Box::pin(run(read, api)).await, None),
    }
}

/// Runs one call against the service and turns its answer into a reply for `update`. Changes
/// go through the journal's recorder, here without a journal (the loop passes its own to
/// `run_recorded`).
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
        // Changes are made by `run_recorded`, through the journal.
        Call::CreateEndpointGroup(_)
        | Call::CreateAccelerator(_)
        | Call::CreateListener(_)
        | Call::AllowTraffic(_)
        | Call::DenyTraffic(_)
        | Call::AddEndpoints { .. }
        | Call::RemoveEndpoints { .. }
        | Call::DeleteEndpointGroup { .. } => {
            return run_recorded(call, api, &Recorder::default()).await.0;
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
        Call::HolderScope { accelerators } => {
            Reply::HolderScope(crate::index::scope_of(api, &accelerators).await?)
        }
        Call::HoldersWithin {
            ip,
            scope,
            narrowed,
            store,
        } => {
            let store = store.map(crate::index::IndexStore::new);
            let found =
                crate::index::holders_within(api, store.as_ref(), &scope, ip, &narrowed).await?;
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
