//! The API calls the app asks for, as values: `update` returns them inside effects and the loop
//! runs them as tasks, so `update` itself never waits on the network.

use crate::api::{ApiError, GlobalAccelerator, MAX_RESULTS_RESOURCES};
use crate::model::{Accelerator, AcceleratorAttributes, EndpointGroup, Listener, Page, Tag};

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
        })
    }
}
