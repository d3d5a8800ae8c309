//! The boundary to Global Accelerator: one async trait with page-shaped list methods, and the
//! SDK-backed implementation. No SDK type leaves this module.

mod convert;
mod error;
pub mod listing;
mod options;
mod retry;
mod sdk;

pub use error::ApiError;
pub use options::{
    CONTROL_PLANE_REGION, ClientOptions, client_trusting, dummy_credentials, is_loopback,
    needs_local_credentials, shared_config,
};
pub use sdk::SdkClient;

use async_trait::async_trait;

use crate::model::{
    Accelerator, AcceleratorAttributes, AcceleratorUpdate, DestinationPortMapping, EndpointGroup,
    Listener, NewAccelerator, NewEndpointGroup, NewListener, Page, PortMapping, PortRange, Tag,
    TrafficChange,
};

/// Page sizes the service accepts for accelerators, listeners and endpoint groups.
pub const MAX_RESULTS_RESOURCES: i32 = 100;
/// Page sizes the service accepts for both port-mapping lists (1–20000; the default of 10 is far
/// too small for browsing).
pub const MAX_RESULTS_MAPPINGS: i32 = 20_000;

pub type ApiResult<T> = Result<T, ApiError>;

/// Every Global Accelerator operation the product uses. List methods take a page size and a
/// token and return one page, so callers decide how far to read.
#[async_trait]
pub trait GlobalAccelerator: Send + Sync {
    async fn list_accelerators(
        &self,
        max_results: i32,
        next_token: Option<String>,
    ) -> ApiResult<Page<Accelerator>>;
    async fn describe_accelerator(&self, accelerator_arn: &str) -> ApiResult<Accelerator>;
    async fn describe_accelerator_attributes(
        &self,
        accelerator_arn: &str,
    ) -> ApiResult<AcceleratorAttributes>;
    async fn create_accelerator(&self, request: NewAccelerator) -> ApiResult<Accelerator>;
    async fn update_accelerator(&self, request: AcceleratorUpdate) -> ApiResult<Accelerator>;
    async fn update_accelerator_attributes(
        &self,
        accelerator_arn: &str,
        attributes: AcceleratorAttributes,
    ) -> ApiResult<AcceleratorAttributes>;
    async fn delete_accelerator(&self, accelerator_arn: &str) -> ApiResult<()>;

    async fn list_listeners(
        &self,
        accelerator_arn: &str,
        max_results: i32,
        next_token: Option<String>,
    ) -> ApiResult<Page<Listener>>;
    async fn describe_listener(&self, listener_arn: &str) -> ApiResult<Listener>;
    async fn create_listener(&self, request: NewListener) -> ApiResult<Listener>;
    async fn update_listener(
        &self,
        listener_arn: &str,
        port_ranges: Vec<PortRange>,
    ) -> ApiResult<Listener>;
    async fn delete_listener(&self, listener_arn: &str) -> ApiResult<()>;

    async fn list_endpoint_groups(
        &self,
        listener_arn: &str,
        max_results: i32,
        next_token: Option<String>,
    ) -> ApiResult<Page<EndpointGroup>>;
    async fn describe_endpoint_group(&self, endpoint_group_arn: &str) -> ApiResult<EndpointGroup>;
    async fn create_endpoint_group(&self, request: NewEndpointGroup) -> ApiResult<EndpointGroup>;
    async fn delete_endpoint_group(&self, endpoint_group_arn: &str) -> ApiResult<()>;

    /// Adds subnets; returns the subnet ids now attached by this call.
    async fn add_endpoints(
        &self,
        endpoint_group_arn: &str,
        subnet_ids: Vec<String>,
    ) -> ApiResult<Vec<String>>;
    async fn remove_endpoints(
        &self,
        endpoint_group_arn: &str,
        subnet_ids: Vec<String>,
    ) -> ApiResult<()>;
    async fn allow_traffic(&self, change: TrafficChange) -> ApiResult<()>;
    async fn deny_traffic(&self, change: TrafficChange) -> ApiResult<()>;

    async fn list_port_mappings(
        &self,
        accelerator_arn: &str,
        endpoint_group_arn: Option<&str>,
        max_results: i32,
        next_token: Option<String>,
    ) -> ApiResult<Page<PortMapping>>;
    async fn list_port_mappings_by_destination(
        &self,
        endpoint_id: &str,
        destination_address: &str,
        max_results: i32,
        next_token: Option<String>,
    ) -> ApiResult<Page<DestinationPortMapping>>;

    async fn list_tags(&self, resource_arn: &str) -> ApiResult<Vec<Tag>>;
    async fn tag_resource(&self, resource_arn: &str, tags: Vec<Tag>) -> ApiResult<()>;
    async fn untag_resource(&self, resource_arn: &str, tag_keys: Vec<String>) -> ApiResult<()>;
}
