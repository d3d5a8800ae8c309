//! `portolan whois`: which destination is behind an accelerator address, is traffic allowed
//! there, and — when the session has EC2 — which instance and network interface hold it. A
//! destination IP alone names the subnet endpoints holding it.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde_json::{Value, json};

use super::HeadlessError;
use super::index::targets;
use crate::api::GlobalAccelerator;
use crate::cli::{IndexTarget, OutputFormat};
use crate::ec2::{Ec2, Ec2Error};
use crate::format::{DestinationHolder, Output};
use crate::index::whois::{Via, WhoisAnswer, WhoisError, parse_address, whois};
use crate::index::{IndexStore, Narrowed, Scope, holders_within, narrow, scope_of};
use crate::model::behind::{ALLOW_NOTE, Behind, kept_by_aws, outside_every};
use crate::model::ec2::Holding;
use crate::model::join::SubnetView;
use crate::text::sanitize;

impl From<WhoisError> for HeadlessError {
    fn from(e: WhoisError) -> Self {
        match e {
            WhoisError::Api(e) => HeadlessError::Api(e),
            WhoisError::Input(m) => HeadlessError::Usage(m),
            other => HeadlessError::NotFound(other.to_string()),
        }
    }
}

/// What the headless commands may ask EC2: its client, or why there is none.
#[derive(Clone, Copy, Default)]
pub struct Ec2Join<'a> {
    /// `None` with `--no-ec2`, or when the client could not be set up.
    pub client: Option<&'a dyn Ec2>,
    /// Why there is no client when one was wanted.
    pub problem: Option<&'a str>,
}

impl Ec2Join<'_> {
    /// Whether EC2 is part of the answer at all (`--no-ec2` leaves it out).
    fn wanted(&self) -> bool {
        self.client.is_some() || self.problem.is_some()
    }
}

/// What EC2 said of the answer's subnet.
enum Ec2Said {
    Off,
    Problem(String),
    View(SubnetView),
}

impl Ec2Said {
    fn behind(&self, address: Ipv4Addr) -> Behind<'_> {
        match self {
            Self::Off => Behind::Off,
            Self::Problem(p) => Behind::Failed(p),
            Self::View(v) => Behind::of(v, address),
        }
    }

    fn problem(&self) -> Option<&str> {
        match self {
            Self::Problem(p) => Some(p),
            _ => None,
        }
    }
}

/// The one line to say when EC2 refused: the permissions to grant, or the error.
fn said_of(e: &Ec2Error) -> String {
    Ec2Error::access_summary([e]).unwrap_or_else(|| format!("EC2: {e}"))
}

/// What EC2 says of subnet endpoint `subnet` of `region`. Never fails: a refusal is said.
async fn ask(ec2: Ec2Join<'_>, region: &str, subnet: &str) -> Ec2Said {
    let Some(client) = ec2.client else {
        return ec2
            .problem
            .map_or(Ec2Said::Off, |p| Ec2Said::Problem(p.to_string()));
    };
    match crate::ec2::subnet_views(client, region, &[subnet.to_string()]).await {
        Ok(views) => Ec2Said::View(views.into_iter().next().map(|(_, v)| v).unwrap_or_default()),
        Err(e) => {
            tracing::warn!("EC2 for whois: {e}");
            Ec2Said::Problem(said_of(&e))
        }
    }
}

fn destination_ip(a: &WhoisAnswer) -> Ipv4Addr {
    a.destination.ip.parse().unwrap_or(Ipv4Addr::UNSPECIFIED)
}

pub fn answer_json(a: &WhoisAnswer) -> Value {
    json!({
        "Verdict": a.verdict().as_str(),
        "AcceleratorSocketAddress": {"IpAddress": a.address.ip, "Port": a.address.port},
        "AcceleratorArn": a.accelerator_arn,
        "AcceleratorName": a.accelerator_name,
        "AcceleratorEnabled": a.accelerator_enabled,
        "ListenerArn": a.listener_arn,
        "EndpointGroupArn": a.endpoint_group_arn,
        "EndpointGroupRegion": a.region,
        "EndpointId": a.subnet,
        "DestinationSocketAddress": {"IpAddress": a.destination.ip, "Port": a.destination.port},
        "Protocols": a.protocols.map(|p| p.iter().map(|p| p.as_api_str()).collect::<Vec<_>>()),
        "DestinationTrafficState": a.traffic.as_api_str(),
        "AnsweredFrom": match a.via { Via::Index => "index", Via::Listing => "listing" },
        "TrafficNote": ALLOW_NOTE,
    })
}

/// The EC2 half of the JSON answer: `Instance` and `NetworkInterface` (null when nothing
/// holds the address, or when EC2 could not say, and then `Ec2Problem` says why);
/// `StandingExposure` when traffic is ALLOWed to an address no interface holds.
fn ec2_json(said: &Ec2Said, a: &WhoisAnswer) -> Value {
    let behind = said.behind(destination_ip(a));
    let holder = behind.holder();
    let instance = holder
        .and_then(|h| h.instance.as_ref())
        .map(|i| json!({"InstanceId": i.id, "Name": i.name, "State": i.state.as_api_str()}));
    let interface = holder.map(|h| {
        let (holding, prefix) = match h.holding {
            Holding::Primary => ("primary", None),
            Holding::Secondary => ("secondary", None),
            Holding::Prefix(p) => ("delegated-prefix", Some(p.to_string())),
        };
        json!({"NetworkInterfaceId": h.interface_id, "Holding": holding, "Prefix": prefix})
    });
    let (exposure, problem) = match behind {
        Behind::Held(_) => (Some(false), None),
        Behind::Unheld => (Some(behind.exposure(a.traffic).is_some()), None),
        other => (
            None,
            Some(other.instance_text(destination_ip(a), &a.subnet, usize::MAX)),
        ),
    };
    json!({
        "Instance": instance,
        "NetworkInterface": interface,
        "StandingExposure": exposure,
        "Ec2Problem": problem,
    })
}

/// The answer as `name: value` lines, the way a person reads it.
pub fn answer_lines(a: &WhoisAnswer) -> Vec<(&'static str, String)> {
    let via = match (a.via, a.index_was_stale) {
        (Via::Index, _) => "the local index, confirmed by a live read",
        (Via::Listing, true) => "a full listing (the index was stale and has been dropped)",
        (Via::Listing, false) => "a listing of the accelerator's mappings (no index)",
    };
    let verdict = a.verdict();
    let enabled = if a.accelerator_enabled {
        "enabled"
    } else {
        "DISABLED"
    };
    vec![
        ("verdict", format!("{verdict}: {}", verdict.explanation())),
        ("address", a.address.to_string()),
        (
            "accelerator",
            format!("{} ({}), {enabled}", a.accelerator_name, a.accelerator_arn),
        ),
        ("listener", a.listener_arn.clone()),
        ("endpoint group", a.endpoint_group_arn.clone()),
        ("region", a.region.clone()),
        ("subnet", a.subnet.clone()),
        ("destination", a.destination.to_string()),
        (
            "protocols",
            a.protocols.map_or_else(|| "-".into(), |p| p.to_string()),
        ),
        ("traffic", traffic_line(a)),
        ("answered from", via.to_string()),
    ]
}

/// The EC2 lines, after the destination's: what holds it, and how.
fn ec2_lines(said: &Ec2Said, a: &WhoisAnswer) -> [(&'static str, String); 2] {
    let behind = said.behind(destination_ip(a));
    let mut instance = behind.instance_text(destination_ip(a), &a.subnet, usize::MAX);
    if let Some(exposure) = behind.exposure(a.traffic) {
        instance = format!("{instance} — {exposure}");
    }
    let interface = behind.interface_text().unwrap_or_else(|| "-".into());
    [("instance", instance), ("interface", interface)]
}

/// The mapping's own state; beside a disabled accelerator it is what traffic would meet once
/// the accelerator is enabled, and says so.
fn traffic_line(a: &WhoisAnswer) -> String {
    if a.accelerator_enabled {
        a.traffic.to_string()
    } else {
        format!(
            "{} (the mapping's state, once the accelerator is enabled)",
            a.traffic
        )
    }
}

pub async fn run_whois<W: Write>(
    api: &dyn GlobalAccelerator,
    ec2: Ec2Join<'_>,
    address: &str,
    out: &mut Output<W>,
) -> Result<(), HeadlessError> {
    let store = IndexStore::default_location();
    if !address.contains(':') {
        let ip = crate::model::parse_ipv4(address).map_err(|_| {
            HeadlessError::Usage(format!(
                "{:?} is neither an accelerator address IP:PORT (like 75.2.10.20:41872) nor a destination IPv4 address (like 10.0.3.17)",
                address.trim()
            ))
        })?;
        return holders_of(api, ec2, store.as_ref(), ip, out).await;
    }
    let (ip, port) = parse_address(address)?;
    let answer = whois(api, store.as_ref(), ip, port).await?;
    let said = if ec2.wanted() {
        ask(ec2, &answer.region, &answer.subnet).await
    } else {
        Ec2Said::Off
    };
    let format = out.format();
    if let Some(problem) = said.problem().filter(|_| !format.is_table()) {
        // The answer stands without EC2; a table says what is missing in its instance line.
        eprintln!("portolan: {}", sanitize(problem));
    }
    let out = out.writer();
    let json = || {
        let mut value = answer_json(&answer);
        if matches!(said, Ec2Said::Off) {
            return value;
        }
        if let (Value::Object(map), Value::Object(more)) = (&mut value, ec2_json(&said, &answer)) {
            map.extend(more);
        }
        value
    };
    let mut lines = answer_lines(&answer);
    if !matches!(said, Ec2Said::Off) {
        let at = lines
            .iter()
            .position(|(name, _)| *name == "destination")
            .map_or(lines.len(), |i| i + 1);
        lines.splice(at..at, ec2_lines(&said, &answer));
    }
    match format {
        OutputFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json()).unwrap_or_default()
        )?,
        OutputFormat::Ndjson => writeln!(out, "{}", json())?,
        OutputFormat::Csv => {
            lines.push(("traffic note", ALLOW_NOTE.to_string()));
            let names: Vec<&str> = lines.iter().map(|(n, _)| *n).collect();
            let values: Vec<String> = lines.into_iter().map(|(_, v)| v).collect();
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&names).map_err(std::io::Error::other)?;
            w.write_record(&values).map_err(std::io::Error::other)?;
            out.write_all(
                &w.into_inner()
                    .map_err(|e| std::io::Error::other(e.to_string()))?,
            )?;
        }
        OutputFormat::Table | OutputFormat::Wide => {
            for (name, value) in lines {
                writeln!(out, "{name:<15} {}", sanitize(&value))?;
            }
            // Said beside the table, not in it: a person reads it once, after the answer.
            out.flush()?;
            eprintln!("portolan: {ALLOW_NOTE}");
        }
    }
    Ok(())
}

/// The CIDR of each subnet endpoint of `scope`, as EC2 gives them (one DescribeSubnets per
/// region, batched).
async fn cidrs_of(ec2: &dyn Ec2, scope: &[Scope]) -> Result<HashMap<String, Ipv4Net>, Ec2Error> {
    let mut by_region: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (region, subnet) in scope.iter().flat_map(Scope::endpoints) {
        let ids = by_region.entry(region).or_default();
        if !ids.iter().any(|s| s == subnet) {
            ids.push(subnet.to_string());
        }
    }
    let mut cidrs = HashMap::new();
    for (region, ids) in by_region {
        for subnet in ec2.subnets_by_id(region, &ids).await? {
            if let Some(cidr) = subnet.cidr {
                cidrs.insert(subnet.id, cidr);
            }
        }
    }
    Ok(cidrs)
}

/// `portolan whois 10.0.3.17`: the subnet endpoints that hold a destination address. With
/// EC2, only the endpoints whose CIDR holds it are asked.
async fn holders_of<W: Write>(
    api: &dyn GlobalAccelerator,
    ec2: Ec2Join<'_>,
    store: Option<&IndexStore>,
    ip: Ipv4Addr,
    out: &mut Output<W>,
) -> Result<(), HeadlessError> {
    let accelerators = targets(
        api,
        &IndexTarget {
            accelerator: None,
            all: true,
        },
    )
    .await?;
    let scope = scope_of(api, &accelerators).await?;
    let narrowed = match (ec2.client, ec2.problem) {
        (Some(client), _) => match cidrs_of(client, &scope).await {
            Ok(cidrs) => narrow(&scope, ip, |_, subnet| cidrs.get(subnet).copied()),
            Err(e) => {
                eprintln!(
                    "portolan: {}: every subnet endpoint is asked",
                    sanitize(&said_of(&e))
                );
                Narrowed::default()
            }
        },
        (None, Some(problem)) => {
            eprintln!("portolan: {}", sanitize(problem));
            Narrowed::default()
        }
        (None, None) => Narrowed::default(),
    };
    let of = match accelerators.len() {
        1 => "the 1 accelerator".to_string(),
        n => format!("the {n} accelerators"),
    };
    if narrowed.is_outside_all() {
        return Err(HeadlessError::NotFound(outside_every(
            ip,
            &of,
            &narrowed.cidrs,
        )));
    }
    let found = holders_within(api, store, &scope, ip, &narrowed).await?;
    if found.is_empty() {
        let kept = narrowed
            .inside
            .iter()
            .find(|(_, cidr)| kept_by_aws(*cidr, ip));
        return Err(HeadlessError::NotFound(
            if let Some((subnet, cidr)) = kept {
                format!(
                    "{ip} is one of the five addresses AWS keeps in every subnet ({subnet}, {cidr}): Global Accelerator never maps it"
                )
            } else if narrowed.outside.is_empty() {
                format!(
                    "no subnet endpoint of any accelerator holds {ip} (Global Accelerator never tells a subnet's CIDR; every endpoint was asked)"
                )
            } else {
                format!(
                    "no subnet endpoint of {of} holds {ip}: {} are outside it by their CIDRs, and the others were asked",
                    narrowed.outside.len()
                )
            },
        ));
    }
    let holders: Vec<DestinationHolder> = found
        .into_iter()
        .map(|h| DestinationHolder {
            address: ip.to_string(),
            accelerator_name: h.accelerator_name,
            endpoint_group_arn: h.group.arn,
            region: h.group.region,
            subnet: h.subnet,
        })
        .collect();
    out.begin::<DestinationHolder>()?;
    out.page(&holders)?;
    out.finish::<DestinationHolder>()?;
    Ok(())
}
