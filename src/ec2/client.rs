//! `Ec2Client`: the three Describe calls over the shared AWS set-up, every page read.

use async_trait::async_trait;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime::client::auth::no_auth::{NO_AUTH_SCHEME_ID, NoAuthScheme};
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime::client::identity::no_auth::NoAuthIdentityResolver;
use aws_smithy_runtime::client::orchestrator::endpoints::StaticUriEndpointResolver;
use aws_smithy_runtime::client::retries::strategy::NeverRetryStrategy;
use aws_smithy_runtime_api::client::auth::static_resolver::StaticAuthSchemeOptionResolver;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_types::SdkConfig;

use super::endpoint::EndpointRules;
use super::error::{Ec2Error, Ec2Result};
use super::query::{self, Action, Query};
use super::transport::{CredentialCache, RetryPolicy, Transport};
use super::{Ec2, parse};
use crate::api::{ClientOptions, dummy_credentials, needs_local_credentials, shared_config};
use crate::model::Page;
use crate::model::ec2::{Instance, NetworkInterface, Subnet};

/// More pages than this means EC2 (or whatever answers in its place) is going round in circles.
const MAX_PAGES: usize = 10_000;

/// The read-only EC2 client. Each call names its region: Global Accelerator's endpoint
/// groups live in many, and one client serves them all.
pub struct Ec2Client {
    transport: Transport,
    endpoints: EndpointRules,
}

impl std::fmt::Debug for Ec2Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ec2Client")
            .field("endpoints", &self.endpoints)
            .field("retry", &self.transport.retry)
            .finish_non_exhaustive()
    }
}

impl Ec2Client {
    /// A client on the same set-up as the Global Accelerator client built from `options`:
    /// profile, credentials, endpoint, HTTP client, retries and timeouts.
    pub async fn connect(options: &ClientOptions) -> Ec2Result<Self> {
        let shared = shared_config(options).await;
        let mut client = Self::from_shared_config(&shared)?;
        if needs_local_credentials(&shared, options, client.endpoints.url.as_deref()).await {
            client.transport.credentials =
                CredentialCache::new(Some(SharedCredentialsProvider::new(dummy_credentials())));
        }
        Ok(client)
    }

    /// A client on an already loaded AWS set-up.
    pub fn from_shared_config(shared: &SdkConfig) -> Ec2Result<Self> {
        let timeouts = shared.timeout_config();
        Ok(Self {
            transport: Transport {
                connector: connector(shared)?,
                credentials: CredentialCache::new(shared.credentials_provider()),
                retry: shared
                    .retry_config()
                    .map_or_else(RetryPolicy::default, RetryPolicy::from_config),
                attempt_timeout: timeouts.and_then(|t| t.operation_attempt_timeout()),
                operation_timeout: timeouts.and_then(|t| t.operation_timeout()),
            },
            endpoints: EndpointRules::from_shared(shared),
        })
    }

    /// How endpoints are chosen (an override, FIPS, dual-stack).
    pub fn endpoint_rules(&self) -> &EndpointRules {
        &self.endpoints
    }

    /// The URL calls in `region` go to.
    pub fn endpoint(&self, region: &str) -> Ec2Result<String> {
        self.endpoints.url_for(region)
    }

    /// The retry settings in use.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.transport.retry
    }

    /// Every page of `action` for `query` in `region`, read with `read`.
    async fn all_pages<T>(
        &self,
        action: Action,
        region: &str,
        query: &Query,
        read: fn(&str) -> Ec2Result<Page<T>>,
    ) -> Ec2Result<Vec<T>> {
        let url = self.endpoints.url_for(region)?;
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let body = query::encode(action, query, token.as_deref());
            let answer = self.transport.call(action, &url, region, &body).await?;
            let page = read(&answer)?;
            items.extend(page.items);
            match page.next_token {
                None => return Ok(items),
                Some(next) if token.as_deref() == Some(next.as_str()) => {
                    return Err(Ec2Error::Malformed(format!(
                        "{} gave the same page token twice",
                        action.as_str()
                    )));
                }
                Some(next) => token = Some(next),
            }
        }
        Err(Ec2Error::Malformed(format!(
            "{} did not end after {MAX_PAGES} pages",
            action.as_str()
        )))
    }
}

#[async_trait]
impl Ec2 for Ec2Client {
    async fn describe_subnets(&self, region: &str, query: &Query) -> Ec2Result<Vec<Subnet>> {
        self.all_pages(Action::DescribeSubnets, region, query, parse::subnets_page)
            .await
    }

    async fn describe_network_interfaces(
        &self,
        region: &str,
        query: &Query,
    ) -> Ec2Result<Vec<NetworkInterface>> {
        self.all_pages(
            Action::DescribeNetworkInterfaces,
            region,
            query,
            parse::interfaces_page,
        )
        .await
    }

    async fn describe_instances(&self, region: &str, query: &Query) -> Ec2Result<Vec<Instance>> {
        self.all_pages(
            Action::DescribeInstances,
            region,
            query,
            parse::instances_page,
        )
        .await
    }
}

/// The HTTP connector of the set-up's HTTP client (the one trusting `AWS_CA_BUNDLE` when
/// there is one), or of the SDK's default client, with the set-up's connect and read
/// timeouts. A client hands out connectors only to a set of runtime components; the ones
/// given here are placeholders, as this client signs and retries itself.
fn connector(shared: &SdkConfig) -> Ec2Result<SharedHttpConnector> {
    let client: SharedHttpClient = shared.http_client().unwrap_or_else(|| {
        use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
        aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
            .build_https()
    });
    let mut settings = HttpConnectorSettings::builder();
    if let Some(timeouts) = shared.timeout_config() {
        if let Some(t) = timeouts.connect_timeout() {
            settings = settings.connect_timeout(t);
        }
        if let Some(t) = timeouts.read_timeout() {
            settings = settings.read_timeout(t);
        }
    }
    let sleep = shared
        .sleep_impl()
        .or_else(aws_smithy_async::rt::sleep::default_async_sleep);
    let components = RuntimeComponentsBuilder::new("portolan-ec2")
        .with_http_client(Some(client.clone()))
        .with_auth_scheme_option_resolver(Some(StaticAuthSchemeOptionResolver::new(vec![
            NO_AUTH_SCHEME_ID,
        ])))
        .with_auth_scheme(NoAuthScheme::new())
        .with_identity_resolver(NO_AUTH_SCHEME_ID, NoAuthIdentityResolver::new())
        .with_identity_cache(Some(IdentityCache::no_cache()))
        .with_endpoint_resolver(Some(StaticUriEndpointResolver::uri("")))
        .with_retry_strategy(Some(NeverRetryStrategy::new()))
        .with_sleep_impl(sleep)
        .with_time_source(shared.time_source())
        .build()
        .map_err(|e| Ec2Error::Other {
            code: "Setup".into(),
            message: e.to_string(),
        })?;
    Ok(client.http_connector(&settings.build(), &components))
}
