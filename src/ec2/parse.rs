//! Reading EC2's XML answers into the domain types. Elements portolan does not use are
//! skipped, so fields EC2 adds later change nothing; a document that is not well formed, or
//! whose root is not the answer to the call made, is refused rather than read in part.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use roxmltree::{Document, Node};

use super::error::{Ec2Error, Ec2Result};
use super::query::Action;
use crate::model::Page;
use crate::model::ec2::{Instance, InstanceState, NetworkInterface, PrivateAddress, Subnet};

/// The first element child of `node` named `name` (namespaces are EC2's one and only).
fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The trimmed text of the child `name`, when it has some.
fn text(node: Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name)
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The `<item>`s of the list element `set` (`subnetSet`, `tagSet`, …).
fn items<'a, 'i>(node: Node<'a, 'i>, set: &str) -> impl Iterator<Item = Node<'a, 'i>> {
    child(node, set)
        .into_iter()
        .flat_map(|s| s.children())
        .filter(|c| c.is_element() && c.tag_name().name() == "item")
}

/// The value of the `Name` tag.
fn name_tag(node: Node<'_, '_>) -> Option<String> {
    items(node, "tagSet")
        .find(|t| text(*t, "key").as_deref() == Some("Name"))
        .and_then(|t| child(t, "value").and_then(|v| v.text()).map(str::to_string))
        .filter(|v| !v.is_empty())
}

fn address(node: Node<'_, '_>, name: &str) -> Option<Ipv4Addr> {
    text(node, name).and_then(|t| t.parse().ok())
}

/// Parses `body` and checks it answers `action`.
fn answer<'i>(action: Action, body: &'i str) -> Ec2Result<Document<'i>> {
    let doc = Document::parse(body).map_err(|e| Ec2Error::Malformed(e.to_string()))?;
    let root = doc.root_element().tag_name().name();
    let expected = format!("{}Response", action.as_str());
    if root != expected {
        let shown: String = root.chars().take(60).collect();
        return Err(Ec2Error::Malformed(format!(
            "expected <{expected}>, the answer is <{shown}>"
        )));
    }
    if !closed(body, doc.root_element()) {
        return Err(Ec2Error::Malformed(format!("<{expected}> is cut off")));
    }
    Ok(doc)
}

/// Whether `element` ends in its own close tag (or is empty, `<a/>`). The parser accepts a
/// document that stops inside open elements, and a cut-off answer must not pass for a short
/// one.
fn closed(body: &str, element: Node<'_, '_>) -> bool {
    let source = &body[element.range()];
    source.ends_with("/>")
        || source.rfind("</").is_some_and(|at| {
            source[at + 2..].trim_end_matches('>').trim_end() == element.tag_name().name()
        })
}

fn page<T>(
    action: Action,
    body: &str,
    set: &str,
    read: impl Fn(Node<'_, '_>) -> Option<T>,
) -> Ec2Result<Page<T>> {
    let doc = answer(action, body)?;
    let root = doc.root_element();
    Ok(Page {
        items: items(root, set).filter_map(read).collect(),
        next_token: text(root, "nextToken"),
    })
}

pub fn subnets_page(body: &str) -> Ec2Result<Page<Subnet>> {
    page(Action::DescribeSubnets, body, "subnetSet", subnet)
}

pub fn interfaces_page(body: &str) -> Ec2Result<Page<NetworkInterface>> {
    page(
        Action::DescribeNetworkInterfaces,
        body,
        "networkInterfaceSet",
        interface,
    )
}

/// Every instance of every reservation on the page.
pub fn instances_page(body: &str) -> Ec2Result<Page<Instance>> {
    let doc = answer(Action::DescribeInstances, body)?;
    let root = doc.root_element();
    Ok(Page {
        items: items(root, "reservationSet")
            .flat_map(|r| items(r, "instancesSet"))
            .filter_map(instance)
            .collect(),
        next_token: text(root, "nextToken"),
    })
}

/// The code and message of an error answer:
/// `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors>…`.
pub fn error_of(body: &str) -> Option<(String, String)> {
    let doc = Document::parse(body).ok()?;
    let root = doc.root_element();
    let error = match root.tag_name().name() {
        "Response" => child(root, "Errors").and_then(|e| child(e, "Error"))?,
        // The shape of the query protocol's other services, should a proxy answer with it.
        "ErrorResponse" => child(root, "Error")?,
        _ => return None,
    };
    let code = text(error, "Code")?;
    Some((code, text(error, "Message").unwrap_or_default()))
}

fn subnet(item: Node<'_, '_>) -> Option<Subnet> {
    Some(Subnet {
        id: text(item, "subnetId")?,
        cidr: text(item, "cidrBlock").and_then(|c| c.parse().ok()),
        vpc_id: text(item, "vpcId").unwrap_or_default(),
        availability_zone: text(item, "availabilityZone").unwrap_or_default(),
        name: name_tag(item),
        available_addresses: text(item, "availableIpAddressCount").and_then(|n| n.parse().ok()),
    })
}

/// An interface item, from DescribeNetworkInterfaces or from an instance's
/// `networkInterfaceSet` (which has the same address and prefix lists).
fn interface(item: Node<'_, '_>) -> Option<NetworkInterface> {
    let mut private_addresses: Vec<PrivateAddress> = items(item, "privateIpAddressesSet")
        .filter_map(|a| {
            Some(PrivateAddress {
                address: address(a, "privateIpAddress")?,
                primary: text(a, "primary").as_deref() == Some("true"),
            })
        })
        .collect();
    if let Some(primary) = address(item, "privateIpAddress") {
        match private_addresses.iter_mut().find(|a| a.address == primary) {
            Some(a) => a.primary = true,
            None => private_addresses.push(PrivateAddress {
                address: primary,
                primary: true,
            }),
        }
    }
    private_addresses.sort_by_key(|a| !a.primary);
    Some(NetworkInterface {
        id: text(item, "networkInterfaceId")?,
        subnet_id: text(item, "subnetId").unwrap_or_default(),
        private_addresses,
        ipv4_prefixes: items(item, "ipv4PrefixSet")
            .filter_map(|p| text(p, "ipv4Prefix")?.parse::<Ipv4Net>().ok())
            .collect(),
        instance_id: child(item, "attachment").and_then(|a| text(a, "instanceId")),
        status: text(item, "status"),
        interface_type: text(item, "interfaceType"),
        description: text(item, "description"),
    })
}

fn instance(item: Node<'_, '_>) -> Option<Instance> {
    let id = text(item, "instanceId")?;
    let interfaces = items(item, "networkInterfaceSet")
        .filter_map(interface)
        .map(|mut i| {
            i.instance_id.get_or_insert_with(|| id.clone());
            i
        })
        .collect();
    Some(Instance {
        name: name_tag(item),
        state: child(item, "instanceState")
            .and_then(|s| text(s, "name"))
            .map_or(InstanceState::Other(String::new()), |s| {
                InstanceState::from_api_str(&s)
            }),
        instance_type: text(item, "instanceType"),
        subnet_id: text(item, "subnetId"),
        availability_zone: child(item, "placement").and_then(|p| text(p, "availabilityZone")),
        private_address: address(item, "privateIpAddress"),
        interfaces,
        id,
    })
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
