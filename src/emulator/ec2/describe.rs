//! The three Describe calls: ids (an unknown one fails the whole call), filters, paging.
//!
//! A page token names the store position of the next item and a hash of the request's region,
//! ids and filters, so a token resumes only the listing it came from.

use std::collections::HashSet;

use super::Ec2Error;
use super::filters::{Field, compile, passes, tag_fields};
use super::fleet::Interface;
use super::hosts::hash;
use super::query::Request;
use super::render::{self, Names};
use super::xml::Xml;
use crate::emulator::store::Store;
use crate::emulator::token;

const SUBNET_FILTERS: &[&str] = &[
    "availability-zone",
    "availabilityZone",
    "available-ip-address-count",
    "cidr",
    "cidr-block",
    "cidrBlock",
    "default-for-az",
    "defaultForAz",
    "owner-id",
    "state",
    "subnet-arn",
    "subnet-id",
    "tag-key",
    "vpc-id",
];

const INTERFACE_FILTERS: &[&str] = &[
    "addresses.private-ip-address",
    "attachment.attachment-id",
    "attachment.device-index",
    "attachment.instance-id",
    "attachment.instance-owner-id",
    "attachment.status",
    "availability-zone",
    "description",
    "interface-type",
    "mac-address",
    "network-interface-id",
    "owner-id",
    "private-dns-name",
    "private-ip-address",
    "requester-managed",
    "source-dest-check",
    "status",
    "subnet-id",
    "tag-key",
    "vpc-id",
];

const INSTANCE_FILTERS: &[&str] = &[
    "availability-zone",
    "image-id",
    "instance-id",
    "instance-state-code",
    "instance-state-name",
    "instance-type",
    "network-interface.addresses.private-ip-address",
    "network-interface.network-interface-id",
    "network-interface.subnet-id",
    "network-interface.vpc-id",
    "owner-id",
    "private-dns-name",
    "private-ip-address",
    "reservation-id",
    "subnet-id",
    "tag-key",
    "vpc-id",
];

/// What each kind of id is called in EC2's messages and error codes.
struct IdKind {
    prefix: &'static str,
    spoken: &'static str,
    code: &'static str,
    token_kind: u8,
}

const SUBNET: IdKind = IdKind {
    prefix: "subnet",
    spoken: "subnet",
    code: "InvalidSubnetID",
    token_kind: 0x51,
};
const INTERFACE: IdKind = IdKind {
    prefix: "eni",
    spoken: "networkInterface",
    code: "InvalidNetworkInterfaceID",
    token_kind: 0x52,
};
const INSTANCE: IdKind = IdKind {
    prefix: "i",
    spoken: "instance",
    code: "InvalidInstanceID",
    token_kind: 0x53,
};

/// One request's view of the account: its region, and the request id its answer carries.
pub struct Scope<'a> {
    pub store: &'a Store,
    pub region: &'a str,
    pub request_id: &'a str,
}

fn well_formed(kind: &IdKind, id: &str) -> bool {
    id.strip_prefix(kind.prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|hex| {
            matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

/// The ids asked for (`None`: all), after checking each names an item of the region.
fn wanted<'r>(
    kind: &IdKind,
    request: &'r Request,
    region_ids: impl Iterator<Item = &'r str>,
) -> Result<Option<HashSet<&'r str>>, Ec2Error> {
    if request.ids.is_empty() {
        return Ok(None);
    }
    let asked: HashSet<&str> = request.ids.iter().map(String::as_str).collect();
    let found: HashSet<&str> = region_ids.filter(|id| asked.contains(id)).collect();
    let mut missing: Vec<&str> = Vec::new();
    for id in &request.ids {
        if !found.contains(id.as_str()) && !missing.contains(&id.as_str()) {
            missing.push(id);
        }
    }
    if let Some(bad) = missing.iter().find(|id| !well_formed(kind, id)) {
        return Err(Ec2Error::new(
            format!("{}.Malformed", kind.code),
            format!("Invalid id: \"{bad}\" (expecting \"{}-...\")", kind.prefix),
        ));
    }
    match missing.as_slice() {
        [] => Ok(Some(found)),
        [one] => Err(Ec2Error::new(
            format!("{}.NotFound", kind.code),
            format!("The {} ID '{one}' does not exist", kind.spoken),
        )),
        many => Err(Ec2Error::new(
            format!("{}.NotFound", kind.code),
            format!("The {} IDs '{}' do not exist", kind.spoken, many.join(", ")),
        )),
    }
}

/// Items from `start` on that `keep` accepts, at most `max`; and where the next page starts.
fn paginate(
    candidates: impl Iterator<Item = usize>,
    start: usize,
    max: Option<usize>,
    keep: impl Fn(usize) -> bool,
) -> (Vec<usize>, Option<usize>) {
    let mut page = Vec::new();
    for i in candidates.filter(|&i| i >= start) {
        if !keep(i) {
            continue;
        }
        if max.is_some_and(|m| page.len() == m) {
            return (page, Some(i));
        }
        page.push(i);
    }
    (page, None)
}

impl Scope<'_> {
    fn fingerprint(&self, request: &Request) -> u64 {
        let mut parts: Vec<&str> = vec![self.region, "ids"];
        parts.extend(request.ids.iter().map(String::as_str));
        for f in &request.filters {
            parts.push("filter");
            parts.push(&f.name);
            parts.extend(f.values.iter().map(String::as_str));
        }
        hash(&parts)
    }

    /// Checks what comes before any item is read: the parameter combination, the dry run, the
    /// token. Returns where the page starts.
    fn start(
        &self,
        kind: &IdKind,
        request: &Request,
        ids_with_max: bool,
    ) -> Result<usize, Ec2Error> {
        if ids_with_max && !request.ids.is_empty() && request.max_results.is_some() {
            let set = match kind.prefix {
                "i" => "instancesSet",
                _ => "networkInterfaceIdSet",
            };
            return Err(Ec2Error::new(
                "InvalidParameterCombination",
                format!("The parameter {set} cannot be used with the parameter maxResults"),
            ));
        }
        let Some(t) = &request.next_token else {
            return Ok(0);
        };
        let bad = || {
            Ec2Error::new(
                "InvalidPaginationToken",
                format!("Invalid pagination token: {}", cut(t)),
            )
        };
        let parts = token::decode(kind.token_kind, t, 2).map_err(|_| bad())?;
        if parts[1] != self.fingerprint(request) {
            return Err(bad());
        }
        usize::try_from(parts[0]).map_err(|_| bad())
    }

    fn token(&self, kind: &IdKind, request: &Request, next: Option<usize>) -> Option<String> {
        next.map(|n| token::encode(kind.token_kind, &[n as u64, self.fingerprint(request)]))
    }

    fn dry_run(request: &Request) -> Result<(), Ec2Error> {
        if request.dry_run {
            return Err(Ec2Error::new(
                "DryRunOperation",
                "Request would have succeeded, but DryRun flag is set.",
            ));
        }
        Ok(())
    }

    pub fn subnets(&self, request: &Request) -> Result<Vec<u8>, Ec2Error> {
        let store = self.store;
        let matchers = compile(&request.filters, SUBNET_FILTERS)?;
        let start = self.start(&SUBNET, request, false)?;
        let in_region: Vec<usize> = (0..store.subnets.len())
            .filter(|&i| store.subnets[i].region == self.region)
            .collect();
        let wanted = wanted(
            &SUBNET,
            request,
            in_region.iter().map(|&i| store.subnets[i].id.as_str()),
        )?;
        Self::dry_run(request)?;
        let names = Names::new(store);
        let (page, next) = paginate(in_region.into_iter(), start, request.max_results, |i| {
            let s = &store.subnets[i];
            wanted.as_ref().is_none_or(|w| w.contains(s.id.as_str()))
                && passes(&matchers, |f| subnet_fields(&names, i, f))
        });
        let root = "DescribeSubnetsResponse";
        let mut xml = Xml::response(root, self.request_id);
        set(&mut xml, "subnetSet", &page, |xml, &i| {
            render::subnet(xml, &names, i)
        });
        self.finish(xml, root, self.token(&SUBNET, request, next))
    }

    pub fn interfaces(&self, request: &Request) -> Result<Vec<u8>, Ec2Error> {
        let store = self.store;
        let fleet = &store.fleet;
        let matchers = compile(&request.filters, INTERFACE_FILTERS)?;
        let start = self.start(&INTERFACE, request, true)?;
        let in_region: Vec<usize> = (0..fleet.interfaces.len())
            .filter(|&n| store.subnets[fleet.interfaces[n].subnet].region == self.region)
            .collect();
        let wanted = wanted(
            &INTERFACE,
            request,
            in_region.iter().map(|&n| fleet.interfaces[n].id.as_str()),
        )?;
        Self::dry_run(request)?;
        let names = Names::new(store);
        let (page, next) = paginate(in_region.into_iter(), start, request.max_results, |n| {
            let eni = &fleet.interfaces[n];
            wanted.as_ref().is_none_or(|w| w.contains(eni.id.as_str()))
                && passes(&matchers, |f| interface_fields(&names, eni, f))
        });
        let root = "DescribeNetworkInterfacesResponse";
        let mut xml = Xml::response(root, self.request_id);
        set(&mut xml, "networkInterfaceSet", &page, |xml, &n| {
            render::interface(xml, &names, &fleet.interfaces[n]);
        });
        self.finish(xml, root, self.token(&INTERFACE, request, next))
    }

    pub fn instances(&self, request: &Request) -> Result<Vec<u8>, Ec2Error> {
        let store = self.store;
        let fleet = &store.fleet;
        let matchers = compile(&request.filters, INSTANCE_FILTERS)?;
        let start = self.start(&INSTANCE, request, true)?;
        let in_region: Vec<usize> = (0..fleet.instances.len())
            .filter(|&i| store.subnets[fleet.instances[i].subnet].region == self.region)
            .collect();
        let wanted = wanted(
            &INSTANCE,
            request,
            in_region.iter().map(|&i| fleet.instances[i].id.as_str()),
        )?;
        Self::dry_run(request)?;
        let names = Names::new(store);
        let (page, next) = paginate(in_region.into_iter(), start, request.max_results, |i| {
            let instance = &fleet.instances[i];
            wanted
                .as_ref()
                .is_none_or(|w| w.contains(instance.id.as_str()))
                && passes(&matchers, |f| instance_fields(&names, i, f))
        });
        let root = "DescribeInstancesResponse";
        let mut xml = Xml::response(root, self.request_id);
        set(&mut xml, "reservationSet", &page, |xml, &i| {
            render::reservation(xml, &names, i);
        });
        self.finish(xml, root, self.token(&INSTANCE, request, next))
    }

    fn finish(&self, mut xml: Xml, root: &str, next: Option<String>) -> Result<Vec<u8>, Ec2Error> {
        if let Some(t) = next {
            xml.leaf("nextToken", &t);
        }
        Ok(xml.finish(root))
    }
}

fn cut(text: &str) -> String {
    text.chars().take(64).collect()
}

/// A list element of `items`, each written by `write` inside `<item>`.
fn set<T>(xml: &mut Xml, tag: &str, items: &[T], mut write: impl FnMut(&mut Xml, &T)) {
    if items.is_empty() {
        xml.empty(tag);
        return;
    }
    xml.open(tag);
    for item in items {
        xml.open("item");
        write(xml, item);
        xml.close("item");
    }
    xml.close(tag);
}

fn subnet_fields<'a>(names: &Names<'a>, i: usize, filter: &str) -> Vec<Field<'a>> {
    let s = &names.store.subnets[i];
    vec![match filter {
        "subnet-id" => Field::Text(&s.id),
        "vpc-id" => Field::Text(&s.vpc_id),
        "availability-zone" | "availabilityZone" => Field::Text(&s.availability_zone),
        "cidr" | "cidr-block" | "cidrBlock" => Field::Owned(s.net.to_string()),
        "state" => Field::Text("available"),
        "owner-id" => Field::Text(&names.store.account),
        "subnet-arn" => Field::Owned(names.subnet_arn(s)),
        "default-for-az" | "defaultForAz" => Field::Text("false"),
        "available-ip-address-count" => Field::Owned(names.available(i).to_string()),
        other => return tag_fields(other, s.name.as_deref()),
    }]
}

fn interface_fields<'a>(names: &Names<'a>, eni: &'a Interface, filter: &str) -> Vec<Field<'a>> {
    let store = names.store;
    let s = &store.subnets[eni.subnet];
    if let Some(field) = filter.strip_prefix("attachment.") {
        let Some(instance) = store.fleet.instance_of(eni) else {
            return Vec::new();
        };
        return vec![match field {
            "instance-id" => Field::Text(&instance.id),
            "attachment-id" => Field::Owned(render::attachment_id(eni)),
            "device-index" => Field::Owned(eni.device_index.to_string()),
            "instance-owner-id" => Field::Text(&store.account),
            _ => Field::Text("attached"),
        }];
    }
    vec![match filter {
        "addresses.private-ip-address" | "private-ip-address" => {
            return eni.private_addresses().map(Field::Address).collect();
        }
        "network-interface-id" => Field::Text(&eni.id),
        "subnet-id" => Field::Text(&s.id),
        "vpc-id" => Field::Text(&s.vpc_id),
        "availability-zone" => Field::Text(&s.availability_zone),
        "description" => Field::Text(render::description(eni)),
        "interface-type" => Field::Text("interface"),
        "mac-address" => Field::Owned(render::mac(eni)),
        "owner-id" => Field::Text(&store.account),
        "private-dns-name" => Field::Owned(render::dns_name(&s.region, eni.primary)),
        "requester-managed" => Field::Text("false"),
        "source-dest-check" => Field::Text("true"),
        "status" => Field::Text(render::status(eni)),
        other => return tag_fields(other, None),
    }]
}

fn instance_fields<'a>(names: &Names<'a>, i: usize, filter: &str) -> Vec<Field<'a>> {
    let store = names.store;
    let instance = &store.fleet.instances[i];
    let s = &store.subnets[instance.subnet];
    let interfaces = store.fleet.interfaces_of(instance);
    let primary = interfaces.first().map_or(0, |n| n.primary);
    vec![match filter {
        "network-interface.addresses.private-ip-address" => {
            return interfaces
                .iter()
                .flat_map(Interface::private_addresses)
                .map(Field::Address)
                .collect();
        }
        "network-interface.network-interface-id" => {
            return interfaces.iter().map(|n| Field::Text(&n.id)).collect();
        }
        "network-interface.subnet-id" => Field::Text(&s.id),
        "network-interface.vpc-id" | "vpc-id" => Field::Text(&s.vpc_id),
        "instance-id" => Field::Text(&instance.id),
        "subnet-id" => Field::Text(&s.id),
        "availability-zone" => Field::Text(&s.availability_zone),
        "image-id" => Field::Owned(render::image_id(&s.region)),
        "instance-state-code" => Field::Owned(instance.state.code().to_string()),
        "instance-state-name" => Field::Text(instance.state.name()),
        "instance-type" => Field::Text(&instance.instance_type),
        "owner-id" => Field::Text(&store.account),
        "private-dns-name" => Field::Owned(render::dns_name(&s.region, primary)),
        "private-ip-address" => Field::Address(primary),
        "reservation-id" => Field::Owned(render::reservation_id(instance)),
        other => return tag_fields(other, instance.name.as_deref()),
    }]
}
