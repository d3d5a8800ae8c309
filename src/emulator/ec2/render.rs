//! Subnets, network interfaces and instances as EC2's XML writes them (the element names are
//! the `locationName`s of the 2016-11-15 service model). What the fleet does not store (MAC
//! addresses, attachment and reservation ids, images, security groups, DNS names) is derived
//! from what it does, the same on every call.

use std::net::Ipv4Addr;

use super::fleet::{Instance, InstanceState, Interface};
use super::hosts::{hash, long_id};
use super::xml::Xml;
use crate::emulator::load::format_time;
use crate::emulator::store::{Store, Subnet};

/// The store, for answers that look things up across it.
pub struct Names<'a> {
    pub store: &'a Store,
}

impl<'a> Names<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self { store }
    }

    pub fn subnet_arn(&self, s: &Subnet) -> String {
        format!(
            "arn:aws:ec2:{}:{}:subnet/{}",
            s.region, self.store.account, s.id
        )
    }

    /// Usable addresses no interface holds.
    pub fn available(&self, i: usize) -> u32 {
        self.store.subnets[i]
            .usable()
            .saturating_sub(self.store.fleet.held_in(i))
    }
}

pub fn dns_name(region: &str, address: u32) -> String {
    let dashed = Ipv4Addr::from(address).to_string().replace('.', "-");
    if region == "us-east-1" {
        format!("ip-{dashed}.ec2.internal")
    } else {
        format!("ip-{dashed}.{region}.compute.internal")
    }
}

pub fn mac(eni: &Interface) -> String {
    let h = hash(&[&eni.id, "mac"]);
    let b = h.to_be_bytes();
    format!(
        "02:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        b[0], b[1], b[2], b[3], b[4]
    )
}

pub fn attachment_id(eni: &Interface) -> String {
    long_id("eni-attach", hash(&[&eni.id, "attachment"]))
}

pub fn reservation_id(instance: &Instance) -> String {
    long_id("r", hash(&[&instance.id, "reservation"]))
}

pub fn image_id(region: &str) -> String {
    long_id("ami", hash(&[region, "game-server-image"]))
}

pub fn status(eni: &Interface) -> &'static str {
    if eni.instance.is_some() {
        "in-use"
    } else {
        "available"
    }
}

pub fn description(eni: &Interface) -> &'static str {
    if eni.instance.is_some() {
        ""
    } else {
        "game server interface (detached)"
    }
}

fn security_group(xml: &mut Xml, vpc_id: &str) {
    xml.open("groupSet");
    xml.open("item");
    xml.leaf("groupId", &long_id("sg", hash(&[vpc_id, "sg"])));
    xml.leaf("groupName", "game-servers");
    xml.close("item");
    xml.close("groupSet");
}

fn boolean(xml: &mut Xml, tag: &str, value: bool) {
    xml.leaf(tag, if value { "true" } else { "false" });
}

pub fn subnet(xml: &mut Xml, names: &Names<'_>, i: usize) {
    let s = &names.store.subnets[i];
    xml.leaf("subnetId", &s.id);
    xml.leaf("subnetArn", &names.subnet_arn(s));
    xml.leaf("state", "available");
    xml.leaf("ownerId", &names.store.account);
    xml.leaf("vpcId", &s.vpc_id);
    xml.leaf("cidrBlock", &s.net.to_string());
    xml.empty("ipv6CidrBlockAssociationSet");
    xml.leaf_display("availableIpAddressCount", names.available(i));
    xml.leaf("availabilityZone", &s.availability_zone);
    boolean(xml, "defaultForAz", false);
    boolean(xml, "mapPublicIpOnLaunch", false);
    boolean(xml, "mapCustomerOwnedIpOnLaunch", false);
    boolean(xml, "assignIpv6AddressOnCreation", false);
    boolean(xml, "enableDns64", false);
    boolean(xml, "ipv6Native", false);
    xml.open("privateDnsNameOptionsOnLaunch");
    xml.leaf("hostnameType", "ip-name");
    boolean(xml, "enableResourceNameDnsARecord", false);
    boolean(xml, "enableResourceNameDnsAAAARecord", false);
    xml.close("privateDnsNameOptionsOnLaunch");
    xml.name_tag(s.name.as_deref());
}

/// The addresses and prefixes of an interface, as both answers write them.
fn addresses(xml: &mut Xml, region: &str, eni: &Interface) {
    xml.open("privateIpAddressesSet");
    for a in eni.private_addresses() {
        xml.open("item");
        xml.leaf("privateIpAddress", &Ipv4Addr::from(a).to_string());
        xml.leaf("privateDnsName", &dns_name(region, a));
        boolean(xml, "primary", a == eni.primary);
        xml.close("item");
    }
    xml.close("privateIpAddressesSet");
    if eni.prefixes.is_empty() {
        xml.empty("ipv4PrefixSet");
    } else {
        xml.open("ipv4PrefixSet");
        for &p in &eni.prefixes {
            xml.open("item");
            xml.leaf("ipv4Prefix", &format!("{}/28", Ipv4Addr::from(p)));
            xml.close("item");
        }
        xml.close("ipv4PrefixSet");
    }
    xml.empty("ipv6AddressesSet");
    xml.leaf("interfaceType", "interface");
}

fn attachment_body(xml: &mut Xml, eni: &Interface) {
    xml.leaf("attachmentId", &attachment_id(eni));
    xml.leaf_display("deviceIndex", eni.device_index);
    xml.leaf("status", "attached");
    xml.leaf("attachTime", &format_time(eni.created));
    boolean(xml, "deleteOnTermination", eni.device_index == 0);
    xml.leaf("networkCardIndex", "0");
}

/// The parts both kinds of interface element share, up to the attachment.
fn interface_head(xml: &mut Xml, names: &Names<'_>, eni: &Interface) {
    let s = &names.store.subnets[eni.subnet];
    xml.leaf("networkInterfaceId", &eni.id);
    xml.leaf("subnetId", &s.id);
    xml.leaf("vpcId", &s.vpc_id);
    xml.leaf("description", description(eni));
    xml.leaf("ownerId", &names.store.account);
    xml.leaf("status", status(eni));
    xml.leaf("macAddress", &mac(eni));
    xml.leaf("privateIpAddress", &Ipv4Addr::from(eni.primary).to_string());
    xml.leaf("privateDnsName", &dns_name(&s.region, eni.primary));
    boolean(xml, "sourceDestCheck", true);
    security_group(xml, &s.vpc_id);
}

/// A `NetworkInterface` of DescribeNetworkInterfaces.
pub fn interface(xml: &mut Xml, names: &Names<'_>, eni: &Interface) {
    let store = names.store;
    let s = &store.subnets[eni.subnet];
    interface_head(xml, names, eni);
    xml.leaf("availabilityZone", &s.availability_zone);
    boolean(xml, "requesterManaged", false);
    if let Some(instance) = store.fleet.instance_of(eni) {
        xml.open("attachment");
        attachment_body(xml, eni);
        xml.leaf("instanceId", &instance.id);
        xml.leaf("instanceOwnerId", &store.account);
        xml.close("attachment");
    }
    xml.empty("tagSet");
    addresses(xml, &s.region, eni);
}

/// One `Reservation` holding one instance, as DescribeInstances lists it.
pub fn reservation(xml: &mut Xml, names: &Names<'_>, i: usize) {
    let store = names.store;
    let instance = &store.fleet.instances[i];
    let s = &store.subnets[instance.subnet];
    let interfaces = store.fleet.interfaces_of(instance);
    let primary = interfaces.first().map_or(0, |n| n.primary);
    xml.leaf("reservationId", &reservation_id(instance));
    xml.leaf("ownerId", &store.account);
    xml.empty("groupSet");
    xml.open("instancesSet");
    xml.open("item");
    xml.leaf("instanceId", &instance.id);
    xml.leaf("imageId", &image_id(&s.region));
    xml.open("instanceState");
    xml.leaf_display("code", instance.state.code());
    xml.leaf("name", instance.state.name());
    xml.close("instanceState");
    xml.leaf("privateDnsName", &dns_name(&s.region, primary));
    xml.empty("dnsName");
    let launched = format_time(instance.launched);
    if instance.state == InstanceState::Stopped {
        xml.leaf("reason", &format!("User initiated ({launched})"));
    } else {
        xml.empty("reason");
    }
    xml.leaf("amiLaunchIndex", "0");
    xml.empty("productCodes");
    xml.leaf("instanceType", &instance.instance_type);
    xml.leaf("launchTime", &launched);
    xml.open("placement");
    xml.leaf("availabilityZone", &s.availability_zone);
    xml.empty("groupName");
    xml.leaf("tenancy", "default");
    xml.close("placement");
    xml.open("monitoring");
    xml.leaf("state", "disabled");
    xml.close("monitoring");
    xml.leaf("subnetId", &s.id);
    xml.leaf("vpcId", &s.vpc_id);
    xml.leaf("privateIpAddress", &Ipv4Addr::from(primary).to_string());
    boolean(xml, "sourceDestCheck", true);
    security_group(xml, &s.vpc_id);
    if instance.state == InstanceState::Stopped {
        xml.open("stateReason");
        xml.leaf("code", "Client.UserInitiatedShutdown");
        xml.leaf(
            "message",
            "Client.UserInitiatedShutdown: User initiated shutdown",
        );
        xml.close("stateReason");
    }
    xml.leaf("architecture", "x86_64");
    xml.leaf("rootDeviceType", "ebs");
    xml.leaf("rootDeviceName", "/dev/xvda");
    xml.empty("blockDeviceMapping");
    xml.leaf("virtualizationType", "hvm");
    xml.name_tag(instance.name.as_deref());
    xml.leaf("hypervisor", "xen");
    xml.open("networkInterfaceSet");
    for eni in interfaces {
        xml.open("item");
        interface_head(xml, names, eni);
        xml.open("attachment");
        attachment_body(xml, eni);
        xml.close("attachment");
        addresses(xml, &s.region, eni);
        xml.close("item");
    }
    xml.close("networkInterfaceSet");
    boolean(xml, "ebsOptimized", true);
    boolean(xml, "enaSupport", true);
    xml.leaf("platformDetails", "Linux/UNIX");
    xml.leaf("usageOperation", "RunInstances");
    xml.close("item");
    xml.close("instancesSet");
}
