//! Reverse lookup: which destination is behind accelerator address IP:PORT, and is traffic
//! allowed there? The static IP names the accelerator; the index (when there is one) names
//! the destination, confirmed by one live by-destination read; without an index the
//! accelerator's mappings are read until the port turns up.

use std::net::Ipv4Addr;

use thiserror::Error;

use super::{IndexStore, groups_of};
use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_MAPPINGS, MAX_RESULTS_RESOURCES};
use crate::model::{
    Accelerator, EndpointGroup, ProtocolSet, SocketAddress, TrafficState, listener_arn_of,
};

/// How the answer was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// From the local index, confirmed by a live read.
    Index,
    /// By reading the accelerator's mappings until the port turned up.
    Listing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoisAnswer {
    pub address: SocketAddress,
    pub accelerator_arn: String,
    pub accelerator_name: String,
    pub listener_arn: String,
    pub endpoint_group_arn: String,
    pub region: String,
    pub subnet: String,
    pub destination: SocketAddress,
    pub protocols: Option<ProtocolSet>,
    /// Read live, never from the index.
    pub traffic: TrafficState,
    pub via: Via,
    /// The index disagreed with the service and was dropped.
    pub index_was_stale: bool,
}

#[derive(Debug, Error)]
pub enum WhoisError {
    #[error("{0}")]
    Input(String),
    #[error("{ip} is not a static IP of any custom routing accelerator in this account")]
    NotAStaticIp { ip: String },
    #[error("no mapping of {accelerator} uses accelerator port {port}")]
    PortUnused { accelerator: String, port: u16 },
    #[error("{0}")]
    Api(#[from] ApiError),
}

/// `IP:PORT` as typed, checked.
pub fn parse_address(input: &str) -> Result<(Ipv4Addr, u16), WhoisError> {
    let input = input.trim();
    let (ip, port) = input.rsplit_once(':').ok_or_else(|| {
        WhoisError::Input(format!(
            "{input:?} is not an accelerator address: expected IP:PORT, like 75.2.10.20:41872"
        ))
    })?;
    let ip = crate::model::parse_ipv4(ip).map_err(|e| WhoisError::Input(e.to_string()))?;
    let port = crate::model::parse_port(port).map_err(|e| WhoisError::Input(e.to_string()))?;
    Ok((ip, port))
}

/// The accelerator that owns static IP `ip`: from the index catalog when it knows, else from
/// the service.
async fn owner(
    api: &dyn GlobalAccelerator,
    store: Option<&IndexStore>,
    ip: &str,
) -> Result<Accelerator, WhoisError> {
    let mut token = None;
    if let Some(entry) = store.and_then(|s| s.catalog().owner_of(ip).cloned()) {
        // Checked against the service below by the live read; no listing needed.
        return Ok(Accelerator {
            arn: entry.accelerator_arn,
            name: entry.accelerator_name,
            ip_address_type: None,
            enabled: true,
            status: crate::model::AcceleratorStatus::Deployed,
            static_ips: entry.static_ips,
            dns_name: String::new(),
            created: None,
            last_modified: None,
            tags: Vec::new(),
        });
    }
    loop {
        let page = api.list_accelerators(MAX_RESULTS_RESOURCES, token).await?;
        if let Some(a) = page
            .items
            .into_iter()
            .find(|a| a.static_ips.iter().any(|s| s == ip))
        {
            return Ok(a);
        }
        match page.next_token {
            Some(t) => token = Some(t),
            None => return Err(WhoisError::NotAStaticIp { ip: ip.to_string() }),
        }
    }
}

fn region_of(groups: &[EndpointGroup], arn: &str) -> String {
    groups
        .iter()
        .find(|g| g.arn == arn)
        .map(|g| g.region.clone())
        .unwrap_or_default()
}

/// Answers who is behind `ip:port`.
pub async fn whois(
    api: &dyn GlobalAccelerator,
    store: Option<&IndexStore>,
    ip: Ipv4Addr,
    port: u16,
) -> Result<WhoisAnswer, WhoisError> {
    let ip_text = ip.to_string();
    let accelerator = owner(api, store, &ip_text).await?;
    let address = SocketAddress {
        ip: ip_text.clone(),
        port,
    };
    let index = store.and_then(|s| s.load(&accelerator.arn).ok().flatten());
    let mut stale = false;
    if let Some(index) = &index {
        match index.lookup(port) {
            Some(hit) => {
                // One live read confirms the index and gives the traffic state.
                let live = api
                    .list_port_mappings_by_destination(
                        &hit.subnet,
                        &hit.destination.ip,
                        MAX_RESULTS_MAPPINGS,
                        None,
                    )
                    .await;
                let confirmed = live.ok().and_then(|page| {
                    page.items.into_iter().find(|m| {
                        m.accelerator_arn == accelerator.arn
                            && m.destination == hit.destination
                            && m.accelerator_sockets.contains(&address)
                    })
                });
                if let Some(m) = confirmed {
                    return Ok(WhoisAnswer {
                        address,
                        accelerator_arn: accelerator.arn.clone(),
                        accelerator_name: accelerator.name.clone(),
                        listener_arn: listener_arn_of(&m.endpoint_group_arn).to_string(),
                        endpoint_group_arn: m.endpoint_group_arn.clone(),
                        region: m.endpoint_group_region.clone(),
                        subnet: m.endpoint_id.clone(),
                        destination: m.destination.clone(),
                        protocols: Some(hit.protocols),
                        traffic: m.traffic,
                        via: Via::Index,
                        index_was_stale: false,
                    });
                }
                stale = true;
            }
            None => {
                let groups = groups_of(api, &accelerator.arn).await?;
                if super::fingerprint(&groups) == index.fingerprint {
                    return Err(WhoisError::PortUnused {
                        accelerator: accelerator.name.clone(),
                        port,
                    });
                }
                stale = true;
            }
        }
    }
    // A stale index is rebuilt from the same read that answers (the whole listing, then).
    let rebuild = store.filter(|_| stale);
    let mut answer = stream(api, &accelerator, address, port, rebuild).await;
    if let Ok(a) = answer.as_mut() {
        a.index_was_stale = stale;
    }
    answer
}

/// Reads the accelerator's mappings until `port` turns up; when `rebuild` is given, reads
/// them all and saves a fresh index there.
async fn stream(
    api: &dyn GlobalAccelerator,
    accelerator: &Accelerator,
    address: SocketAddress,
    port: u16,
    rebuild: Option<&IndexStore>,
) -> Result<WhoisAnswer, WhoisError> {
    let groups = groups_of(api, &accelerator.arn).await?;
    let mut builder = rebuild.map(|_| super::IndexBuilder::new(accelerator, &groups));
    let mut token = None;
    let mut found = None;
    loop {
        let page = api
            .list_port_mappings(&accelerator.arn, None, MAX_RESULTS_MAPPINGS, token)
            .await?;
        if let Some(b) = builder.as_mut() {
            b.add(&page.items);
        }
        if found.is_none() {
            found = page.items.into_iter().find(|m| m.accelerator_port == port);
        }
        token = page.next_token;
        if token.is_none() || (found.is_some() && builder.is_none()) {
            break;
        }
    }
    if let (Some(store), Some(b)) = (rebuild, builder) {
        tracing::info!(accelerator = %accelerator.arn, "stale index rebuilt");
        if let Err(e) = store.save(&b.finish()) {
            tracing::warn!("could not save the rebuilt index: {e}");
        }
    }
    match found {
        Some(m) => Ok(WhoisAnswer {
            address,
            accelerator_arn: accelerator.arn.clone(),
            accelerator_name: accelerator.name.clone(),
            listener_arn: listener_arn_of(&m.endpoint_group_arn).to_string(),
            endpoint_group_arn: m.endpoint_group_arn.clone(),
            region: region_of(&groups, &m.endpoint_group_arn),
            subnet: m.endpoint_id.clone(),
            destination: m.destination.clone(),
            protocols: Some(m.protocols),
            traffic: m.traffic,
            via: Via::Listing,
            index_was_stale: false,
        }),
        None => Err(WhoisError::PortUnused {
            accelerator: accelerator.name.clone(),
            port,
        }),
    }
}
