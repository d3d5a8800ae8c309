//! `SdkClient`: the trait implemented over `aws-sdk-globalaccelerator`.

use async_trait::async_trait;
use aws_sdk_globalaccelerator::Client;
use aws_sdk_globalaccelerator::types as sdk;

use super::convert;
use super::retry::classify;
use super::{ApiError, ApiResult, GlobalAccelerator};
use crate::model::{
    Accelerator, AcceleratorAttributes, AcceleratorUpdate, DestinationPortMapping, EndpointGroup,
    Listener, NewAccelerator, NewEndpointGroup, NewListener, Page, PortMapping, PortRange, Tag,
    TrafficChange, TrafficScope,
};

pub struct SdkClient {
    pub(super) client: Client,
    pub(super) profile: Option<String>,
    pub(super) endpoint: Option<String>,
}

impl SdkClient {
    /// The endpoint in use when it is not AWS's own (a flag, a variable or the profile).
    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    fn err<E>(
        &self,
        e: aws_sdk_globalaccelerator::error::SdkError<
            E,
            aws_smithy_runtime_api::client::orchestrator::HttpResponse,
        >,
    ) -> ApiError
    where
        E: aws_sdk_globalaccelerator::error::ProvideErrorMetadata
            + std::error::Error
            + Send
            + Sync
            + 'static,
    {
        classify(e, self.profile.as_deref())
    }
}

fn page<T, S>(items: &[S], next_token: Option<&str>, convert: impl Fn(&S) -> Option<T>) -> Page<T> {
    Page {
        items: items.iter().filter_map(convert).collect(),
        next_token: next_token.filter(|t| !t.is_empty()).map(str::to_string),
    }
}

fn missing(what: &str) -> ApiError {
    ApiError::Transport(format!("the answer had no usable {what}"))
}

fn built<T>(r: Result<T, aws_smithy_types::error::operation::BuildError>) -> ApiResult<T> {
    r.map_err(|e| ApiError::InvalidArgument(e.to_string()))
}

fn sdk_tags(tags: Vec<Tag>) -> ApiResult<Vec<sdk::Tag>> {
    tags.into_iter()
        .map(|t| built(sdk::Tag::builder().key(t.key).value(t.value).build()))
        .collect()
}

#[async_trait]
impl GlobalAccelerator for SdkClient {
    async fn list_accelerators(
        &self,
        max_results: i32,
        next_token: Option<String>,
    ) -> ApiResult<Page<Accelerator>> {
        let out = self
            .client
            .list_custom_routing_accelerators()
            .max_results(max_results)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(page(
            out.accelerators(),
            out.next_token(),
            convert::accelerator,
        ))
    }

    async fn describe_accelerator(&self, arn: &str) -> ApiResult<Accelerator> {
        let out = self
            .client
            .describe_custom_routing_accelerator()
            .accelerator_arn(arn)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        out.accelerator()
            .and_then(convert::accelerator)
            .ok_or_else(|| missing("accelerator"))
    }

    async fn describe_accelerator_attributes(&self, arn: &str) -> ApiResult<AcceleratorAttributes> {
        let out = self
            .client
            .describe_custom_routing_accelerator_attributes()
            .accelerator_arn(arn)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(convert::attributes(out.accelerator_attributes()))
    }

    async fn create_accelerator(&self, r: NewAccelerator) -> ApiResult<Accelerator> {
        let out = self
            .client
            .create_custom_routing_accelerator()
            .name(r.name)
            .set_ip_address_type(r.ip_address_type.map(convert::sdk_ip_type))
            .set_ip_addresses((!r.ip_addresses.is_empty()).then_some(r.ip_addresses))
            .set_enabled(r.enabled)
            .idempotency_token(r.idempotency_token)
            .set_tags((!r.tags.is_empty()).then(|| sdk_tags(r.tags)).transpose()?)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        out.accelerator()
            .and_then(convert::accelerator)
            .ok_or_else(|| missing("accelerator"))
    }

    async fn update_accelerator(&self, r: AcceleratorUpdate) -> ApiResult<Accelerator> {
        let out = self
            .client
            .update_custom_routing_accelerator()
            .accelerator_arn(r.arn)
            .set_name(r.name)
            .set_ip_address_type(r.ip_address_type.map(convert::sdk_ip_type))
            .set_ip_addresses(r.ip_addresses)
            .set_enabled(r.enabled)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        out.accelerator()
            .and_then(convert::accelerator)
            .ok_or_else(|| missing("accelerator"))
    }

    async fn update_accelerator_attributes(
        &self,
        arn: &str,
        a: AcceleratorAttributes,
    ) -> ApiResult<AcceleratorAttributes> {
        let out = self
            .client
            .update_custom_routing_accelerator_attributes()
            .accelerator_arn(arn)
            .flow_logs_enabled(a.flow_logs_enabled)
            .set_flow_logs_s3_bucket(a.flow_logs_s3_bucket)
            .set_flow_logs_s3_prefix(a.flow_logs_s3_prefix)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(convert::attributes(out.accelerator_attributes()))
    }

    async fn delete_accelerator(&self, arn: &str) -> ApiResult<()> {
        self.client
            .delete_custom_routing_accelerator()
            .accelerator_arn(arn)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn list_listeners(
        &self,
        accelerator_arn: &str,
        max_results: i32,
        next_token: Option<String>,
    ) -> ApiResult<Page<Listener>> {
        let out = self
            .client
            .list_custom_routing_listeners()
            .accelerator_arn(accelerator_arn)
            .max_results(max_results)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(page(out.listeners(), out.next_token(), convert::listener))
    }

    async fn describe_listener(&self, arn: &str) -> ApiResult<Listener> {
        let out = self
            .client
            .describe_custom_routing_listener()
            .listener_arn(arn)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        out.listener()
            .and_then(convert::listener)
            .ok_or_else(|| missing("listener"))
    }

    async fn create_listener(&self, r: NewListener) -> ApiResult<Listener> {
        let out = self
            .client
            .create_custom_routing_listener()
            .accelerator_arn(r.accelerator_arn)
            .set_port_ranges(Some(
                r.port_ranges
                    .into_iter()
                    .map(convert::sdk_port_range)
                    .collect(),
            ))
            .idempotency_token(r.idempotency_token)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        out.listener()
            .and_then(convert::listener)
            .ok_or_else(|| missing("listener"))
    }

    async fn update_listener(&self, arn: &str, port_ranges: Vec<PortRange>) -> ApiResult<Listener> {
        let out = self
            .client
            .update_custom_routing_listener()
            .listener_arn(arn)
            .set_port_ranges(Some(
                port_ranges
                    .into_iter()
                    .map(convert::sdk_port_range)
                    .collect(),
            ))
            .send()
            .await
            .map_err(|e| self.err(e))?;
        out.listener()
            .and_then(convert::listener)
            .ok_or_else(|| missing("listener"))
    }

    async fn delete_listener(&self, arn: &str) -> ApiResult<()> {
        self.client
            .delete_custom_routing_listener()
            .listener_arn(arn)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn list_endpoint_groups(
        &self,
        listener_arn: &str,
        max_results: i32,
        next_token: Option<String>,
    ) -> ApiResult<Page<EndpointGroup>> {
        let out = self
            .client
            .list_custom_routing_endpoint_groups()
            .listener_arn(listener_arn)
            .max_results(max_results)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(page(
            out.endpoint_groups(),
            out.next_token(),
            convert::endpoint_group,
        ))
    }

    async fn describe_endpoint_group(&self, arn: &str) -> ApiResult<EndpointGroup> {
        let out = self
            .client
            .describe_custom_routing_endpoint_group()
            .endpoint_group_arn(arn)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        out.endpoint_group()
            .and_then(convert::endpoint_group)
            .ok_or_else(|| missing("endpoint group"))
    }

    async fn create_endpoint_group(&self, r: NewEndpointGroup) -> ApiResult<EndpointGroup> {
        let destinations = r
            .destinations
            .iter()
            .map(|d| {
                built(
                    sdk::CustomRoutingDestinationConfiguration::builder()
                        .from_port(i32::from(d.ports.from_port()))
                        .to_port(i32::from(d.ports.to_port()))
                        .set_protocols(Some(convert::sdk_protocols(d.protocols)))
                        .build(),
                )
            })
            .collect::<ApiResult<Vec<_>>>()?;
        let out = self
            .client
            .create_custom_routing_endpoint_group()
            .listener_arn(r.listener_arn)
            .endpoint_group_region(r.region)
            .set_destination_configurations(Some(destinations))
            .idempotency_token(r.idempotency_token)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        out.endpoint_group()
            .and_then(convert::endpoint_group)
            .ok_or_else(|| missing("endpoint group"))
    }

    async fn delete_endpoint_group(&self, arn: &str) -> ApiResult<()> {
        self.client
            .delete_custom_routing_endpoint_group()
            .endpoint_group_arn(arn)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn add_endpoints(
        &self,
        group_arn: &str,
        subnet_ids: Vec<String>,
    ) -> ApiResult<Vec<String>> {
        let configs = subnet_ids
            .into_iter()
            .map(|id| {
                sdk::CustomRoutingEndpointConfiguration::builder()
                    .endpoint_id(id)
                    .build()
            })
            .collect();
        let out = self
            .client
            .add_custom_routing_endpoints()
            .endpoint_group_arn(group_arn)
            .set_endpoint_configurations(Some(configs))
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(out
            .endpoint_descriptions()
            .iter()
            .filter_map(|e| e.endpoint_id().map(str::to_string))
            .collect())
    }

    async fn remove_endpoints(&self, group_arn: &str, subnet_ids: Vec<String>) -> ApiResult<()> {
        self.client
            .remove_custom_routing_endpoints()
            .endpoint_group_arn(group_arn)
            .set_endpoint_ids(Some(subnet_ids))
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn allow_traffic(&self, change: TrafficChange) -> ApiResult<()> {
        let call = self
            .client
            .allow_custom_routing_traffic()
            .endpoint_group_arn(change.endpoint_group_arn)
            .endpoint_id(change.endpoint_id);
        let call = match change.scope {
            TrafficScope::WholeEndpoint => call.allow_all_traffic_to_endpoint(true),
            TrafficScope::Destinations { addresses, ports } => call
                .set_destination_addresses(Some(addresses))
                .set_destination_ports(
                    (!ports.is_empty()).then(|| ports.into_iter().map(i32::from).collect()),
                ),
        };
        call.send().await.map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn deny_traffic(&self, change: TrafficChange) -> ApiResult<()> {
        let call = self
            .client
            .deny_custom_routing_traffic()
            .endpoint_group_arn(change.endpoint_group_arn)
            .endpoint_id(change.endpoint_id);
        let call = match change.scope {
            TrafficScope::WholeEndpoint => call.deny_all_traffic_to_endpoint(true),
            TrafficScope::Destinations { addresses, ports } => call
                .set_destination_addresses(Some(addresses))
                .set_destination_ports(
                    (!ports.is_empty()).then(|| ports.into_iter().map(i32::from).collect()),
                ),
        };
        call.send().await.map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn list_port_mappings(
        &self,
        accelerator_arn: &str,
        endpoint_group_arn: Option<&str>,
        max_results: i32,
        next_token: Option<String>,
    ) -> ApiResult<Page<PortMapping>> {
        let out = self
            .client
            .list_custom_routing_port_mappings()
            .accelerator_arn(accelerator_arn)
            .set_endpoint_group_arn(endpoint_group_arn.map(str::to_string))
            .max_results(max_results)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(Page {
            items: out
                .port_mappings
                .unwrap_or_default()
                .into_iter()
                .filter_map(convert::owned_port_mapping)
                .collect(),
            next_token: out.next_token.filter(|t| !t.is_empty()),
        })
    }

    async fn list_port_mappings_by_destination(
        &self,
        endpoint_id: &str,
        destination_address: &str,
        max_results: i32,
        next_token: Option<String>,
    ) -> ApiResult<Page<DestinationPortMapping>> {
        let out = self
            .client
            .list_custom_routing_port_mappings_by_destination()
            .endpoint_id(endpoint_id)
            .destination_address(destination_address)
            .max_results(max_results)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(page(
            out.destination_port_mappings(),
            out.next_token(),
            convert::destination_port_mapping,
        ))
    }

    async fn list_tags(&self, arn: &str) -> ApiResult<Vec<Tag>> {
        let out = self
            .client
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(out.tags().iter().map(convert::tag).collect())
    }

    async fn tag_resource(&self, arn: &str, tags: Vec<Tag>) -> ApiResult<()> {
        self.client
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(sdk_tags(tags)?))
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    async fn untag_resource(&self, arn: &str, tag_keys: Vec<String>) -> ApiResult<()> {
        self.client
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(tag_keys))
            .send()
            .await
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}
