//! Reverse lookup: which destination is behind accelerator address IP:PORT, and is traffic
//! allowed there? The static IP names the accelerator; the index (when there is one) names
//! the destination, confirmed by one live by-destination read; without an index the
//! accelerator's mappings are read until the port turns up.

use std::net::Ipv4Addr;

use thiserror::Error;

use super::{IndexStore, groups_of};
use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_MAPPINGS, MAX_RESULTS_RESOURCES};
use crate::model::{Accelerator, EndpointGroup, SocketAddress, listener_arn_of};
pub use crate::model::{Verdict, Via, WhoisAnswer};

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

/// `IP:PORT` as typed, checked. Every message quotes the whole input and shows the shape asked
/// for.
pub fn parse_address(input: &str) -> Result<(Ipv4Addr, u16), WhoisError> {
    crate::model::parse_accelerator_address(input).map_err(WhoisError::Input)
}

/// The accelerator that owns static IP `ip`: from the index catalog when it knows, else from
/// the service.
async fn owner(
    api: &dyn GlobalAccelerator,
    store: Option<&IndexStore>,
    ip: &str,
) -> Result<Accelerator, WhoisError> {
    if let Some(entry) = store.and_then(|s| s.catalog().owner_of(ip).cloned()) {
        // The catalog names the accelerator; one live read says whether it is enabled (a
        // disabled accelerator passes no traffic) and that it still owns the address.
        match api.describe_accelerator(&entry.accelerator_arn).await {
            Ok(a) if a.static_ips.iter().any(|s| s == ip) => return Ok(a),
            Ok(_) | Err(ApiError::AcceleratorNotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let mut token = None;
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
                        accelerator_enabled: accelerator.enabled,
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
            accelerator_enabled: accelerator.enabled,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(input: &str) -> String {
        match parse_address(input) {
            Err(WhoisError::Input(m)) => m,
            other => panic!("{input}: {other:?}"),
        }
    }

    #[test]
    fn addresses_parse_with_spaces_around() {
        assert_eq!(
            parse_address(" 75.2.16.23:6655 ").unwrap(),
            (Ipv4Addr::new(75, 2, 16, 23), 6655)
        );
    }

    #[test]
    fn ipv6_is_quoted_whole_and_named() {
        for input in ["2001:db8::1", "[2001:db8::1]:443", "::1"] {
            let m = refused(input);
            assert!(
                m.starts_with(&format!("{input:?} is an IPv6 address")),
                "{m}"
            );
            assert!(m.contains("IPv4 only"), "{m}");
        }
        assert!(!refused("2001:db8::1").contains("\"2001:db8:\""));
    }

    #[test]
    fn a_missing_port_is_named_with_an_example() {
        let m = refused("75.2.16.2:");
        assert!(m.contains("\"75.2.16.2:\" has no port"), "{m}");
        assert!(m.contains("75.2.16.2:41872"), "{m}");
        assert!(!m.contains("enter a value"), "{m}");
    }

    #[test]
    fn other_mistakes_quote_the_whole_input() {
        let m = refused("75.2.16:80");
        assert!(
            m.starts_with("\"75.2.16:80\" is not an accelerator address"),
            "{m}"
        );
        let m = refused("1.2.3.4:5:6");
        assert!(
            m.starts_with("\"1.2.3.4:5:6\" is not an accelerator address"),
            "{m}"
        );
        let m = refused(":80");
        assert!(m.starts_with("\":80\" has no IP before the colon"), "{m}");
        let m = refused("75.2.16.2:70000");
        assert!(m.starts_with("\"75.2.16.2:70000\": port must be"), "{m}");
        let m = refused(&format!("1.2.3.4:{}", "9".repeat(200)));
        assert!(m.chars().count() < 200, "{m}");
    }
}
