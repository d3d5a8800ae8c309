//! The API calls the app asks for, as values: `update` returns them inside effects and the loop
//! runs them as tasks, so `update` itself never waits on the network.

use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_RESOURCES};
use crate::model::{
    Accelerator, AcceleratorAttributes, DestinationPortMapping, EndpointGroup, Listener,
    NewAccelerator, NewEndpointGroup, NewListener, Page, PortMapping, Tag, TrafficChange,
    TrafficScope,
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
    EndpointsAdded {
        added: Vec<String>,
        /// The result of allowing all traffic to them, when that was asked for.
        allowed: Option<Result<(), String>>,
    },
}

impl Call {
    pub async fn run(self, api: &dyn GlobalAccelerator) -> Result<Reply, ApiError> {
        let page = MAX_RESULTS_RESOURCES;
        Ok(match self {
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
                return super::lookup::run_whois(api, ip, port, store).await;
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
        })
    }

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
