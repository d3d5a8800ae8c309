//! The API calls the app asks for, as values: `update` returns them inside effects and the loop
//! runs them as tasks, so `update` itself never waits on the network.

use crate::model::watch::{Pin, Round, Target};
use crate::model::{
    Accelerator, AcceleratorAttributes, DestinationPortMapping, EndpointGroup, Listener,
    NewAccelerator, NewEndpointGroup, NewListener, Page, PortMapping, Tag, TrafficChange,
};

pub type RequestId = u64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    ListAccelerators {
        token: Option<String>,
    },
    ListListeners {
        accelerator_arn: String,
        token: Option<String>,
    },
    ListEndpointGroups {
        listener_arn: String,
        token: Option<String>,
    },
    DescribeAccelerator {
        arn: String,
    },
    AcceleratorAttributes {
        arn: String,
    },
    ListTags {
        arn: String,
    },
    DescribeListener {
        arn: String,
    },
    DescribeEndpointGroup {
        arn: String,
    },
    ListMappings {
        accelerator_arn: String,
        group: Option<String>,
        page_size: i32,
        token: Option<String>,
    },
    ListMappingsByDestination {
        subnet: String,
        ip: String,
        page_size: i32,
        token: Option<String>,
    },
    /// Every endpoint group of every listener of an accelerator (to name the region of each
    /// mapping, which ListCustomRoutingPortMappings does not carry).
    GroupsOfAccelerator {
        accelerator_arn: String,
    },
    CreateEndpointGroup(NewEndpointGroup),
    CreateAccelerator(NewAccelerator),
    CreateListener(NewListener),
    AllowTraffic(TrafficChange),
    DenyTraffic(TrafficChange),
    /// Adds subnets, then (when asked) allows all traffic to them: two calls, and the
    /// second can fail after the first worked.
    AddEndpoints {
        group_arn: String,
        subnets: Vec<String>,
        allow_all: bool,
    },
    RemoveEndpoints {
        group_arn: String,
        subnets: Vec<String>,
    },
    DeleteEndpointGroup {
        arn: String,
    },
    /// Reverse lookup of an accelerator address, with the index under `store` if any.
    Whois {
        ip: std::net::Ipv4Addr,
        port: u16,
        store: Option<std::path::PathBuf>,
    },
    /// Ports a listener holds and its endpoint groups use.
    ListenerUsage {
        listener: Listener,
        store: Option<std::path::PathBuf>,
    },
    /// The subnet endpoints of `accelerators` that hold destination `ip`.
    Holders {
        ip: std::net::Ipv4Addr,
        accelerators: Vec<Accelerator>,
        store: Option<std::path::PathBuf>,
    },
    /// The endpoint groups of `accelerators`: where an IP-only search looks, read first so
    /// EC2 can be asked their subnets' CIDRs.
    HolderScope {
        accelerators: Vec<Accelerator>,
    },
    /// The subnet endpoints of `scope` that hold destination `ip`, not asking those that
    /// `narrowed` says cannot.
    HoldersWithin {
        ip: std::net::Ipv4Addr,
        scope: Vec<crate::index::Scope>,
        narrowed: crate::index::Narrowed,
        store: Option<std::path::PathBuf>,
    },
    /// Watched pins resolved into what a round reads (`crate::watch::resolve`).
    ResolvePins {
        pins: Vec<Pin>,
        store: Option<std::path::PathBuf>,
    },
    /// One watch round over every resolved pin (`crate::watch::poll`).
    WatchRound {
        targets: Vec<Target>,
    },
}

/// A successful answer to a [`Call`].
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Accelerators(Page<Accelerator>),
    Listeners(Page<Listener>),
    EndpointGroups(Page<EndpointGroup>),
    Accelerator(Accelerator),
    Attributes(AcceleratorAttributes),
    Tags(Vec<Tag>),
    Listener(Listener),
    EndpointGroup(EndpointGroup),
    PortMappings(Page<PortMapping>),
    DestinationMappings(Page<DestinationPortMapping>),
    Groups(Vec<EndpointGroup>),
    CreatedEndpointGroup(EndpointGroup),
    CreatedAccelerator(Accelerator),
    CreatedListener(Listener),
    /// A change without an answer body worked.
    Done,
    Usage(crate::model::capacity::ListenerUsage),
    /// A reverse lookup's answer, or why there is none (not a static IP, port unused).
    Whois(Result<Box<crate::index::whois::WhoisAnswer>, String>),
    Holders {
        ip: String,
        found: Vec<crate::index::Holder>,
    },
    HolderScope(Vec<crate::index::Scope>),
    EndpointsAdded {
        added: Vec<String>,
        /// The result of allowing all traffic to them, when that was asked for.
        allowed: Option<Result<(), String>>,
    },
    /// Each pin of a `ResolvePins`, in its order: what to read, or why it cannot be watched.
    PinsResolved(Vec<Result<Target, String>>),
    WatchRound(Round),
}

impl Call {
    /// The page token this call asks for, if it reads a list.
    pub fn token(&self) -> Option<&str> {
        match self {
            Call::ListAccelerators { token }
            | Call::ListListeners { token, .. }
            | Call::ListEndpointGroups { token, .. }
            | Call::ListMappings { token, .. }
            | Call::ListMappingsByDestination { token, .. } => token.as_deref(),
            _ => None,
        }
    }
}

impl Reply {
    /// The ARN of the first thing the answer holds: what tells the account.
    pub fn first_arn(&self) -> Option<&str> {
        match self {
            Reply::Accelerators(p) => p.items.first().map(|a| a.arn.as_str()),
            Reply::Listeners(p) => p.items.first().map(|l| l.arn.as_str()),
            Reply::EndpointGroups(p) => p.items.first().map(|g| g.arn.as_str()),
            Reply::Accelerator(a) => Some(&a.arn),
            Reply::Listener(l) => Some(&l.arn),
            Reply::EndpointGroup(g) => Some(&g.arn),
            Reply::Groups(g) => g.first().map(|g| g.arn.as_str()),
            Reply::PortMappings(p) => p.items.first().map(|m| m.endpoint_group_arn.as_str()),
            Reply::DestinationMappings(p) => p.items.first().map(|m| m.accelerator_arn.as_str()),
            Reply::CreatedEndpointGroup(g) => Some(&g.arn),
            Reply::CreatedAccelerator(a) => Some(&a.arn),
            Reply::CreatedListener(l) => Some(&l.arn),
            Reply::Attributes(_)
            | Reply::Tags(_)
            | Reply::Done
            | Reply::EndpointsAdded { .. }
            | Reply::Whois(_)
            | Reply::Usage(_)
            | Reply::Holders { .. }
            | Reply::HolderScope(_)
            | Reply::PinsResolved(_)
            | Reply::WatchRound(_) => None,
        }
    }
}
