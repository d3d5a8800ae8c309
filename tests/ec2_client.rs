//! portolan's EC2 client against a loopback stand-in for EC2: what goes on the wire (the
//! signature's scope, the form fields, page tokens, batches), how throttling, denials and
//! server errors are met, and where the AWS set-up sends the calls.

mod common;

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use common::stand_in::{Request, StandIn};
use portolan::api::ClientOptions;
use portolan::ec2::{Action, Ec2, Ec2Client, Ec2Error, Filter, Query};
use portolan::model::ec2::InstanceState;

const SUBNETS: &str = include_str!("fixtures/ec2/describe_subnets.xml");
const INTERFACES: &str = include_str!("fixtures/ec2/describe_network_interfaces.xml");
const INSTANCES: &str = include_str!("fixtures/ec2/describe_instances.xml");
const UNAUTHORIZED: &str = include_str!("fixtures/ec2/error_unauthorized.xml");
const THROTTLED: &str = include_str!("fixtures/ec2/error_throttled.xml");

const XML: &str = "text/xml;charset=UTF-8";

/// A stand-in that keeps every request and answers with `answer(n, request)`, `n` counting
/// requests from 0.
struct Ec2StandIn {
    server: StandIn,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Ec2StandIn {
    fn start(answer: impl Fn(usize, &Request) -> (u16, String) + Send + Sync + 'static) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        let server = StandIn::start(move |r| {
            let n = {
                let mut log = log.lock().unwrap();
                log.push(r.clone());
                log.len() - 1
            };
            let (status, body) = answer(n, r);
            (status, XML, body)
        });
        Self { server, requests }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// The form fields of a request body, decoded.
fn fields(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn field(body: &str, name: &str) -> Option<String> {
    fields(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn shared(url: &str, attempts: u32) -> aws_types::SdkConfig {
    aws_types::SdkConfig::builder()
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDEC2TEST",
            "secret",
            None,
            None,
            "test",
        )))
        .endpoint_url(url)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(5)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(Duration::from_secs(5))
                .build(),
        )
        .build()
}

fn client(stand_in: &Ec2StandIn) -> Ec2Client {
    Ec2Client::from_shared_config(&shared(&stand_in.server.url, 3)).unwrap()
}

/// A page of subnets with these ids and, unless last, a token naming the next page.
fn subnets_page(ids: &[&str], next: Option<&str>) -> String {
    let items: String = ids
        .iter()
        .map(|id| {
            format!(
                "<item><subnetId>{id}</subnetId><vpcId>vpc-1</vpcId><cidrBlock>10.1.0.0/24</cidrBlock><availabilityZone>us-east-1a</availabilityZone></item>"
            )
        })
        .collect();
    let token = next.map_or(String::new(), |t| format!("<nextToken>{t}</nextToken>"));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><subnetSet>{items}</subnetSet>{token}</DescribeSubnetsResponse>"#
    )
}

#[tokio::test]
async fn a_call_is_a_signed_form_post_for_ec2_in_the_calls_region() {
    let ec2 = Ec2StandIn::start(|n, _| match n {
        0 => (200, SUBNETS.into()),
        _ => (200, subnets_page(&[], None)),
    });
    let subnets = client(&ec2)
        .describe_subnets(
            "us-east-1",
            &Query::filtered(vec![Filter::new("vpc-id", ["vpc-0123456789abcdef0"])]),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(subnets.len(), 2);
    assert_eq!(
        subnets[0].name.as_deref(),
        Some("game-servers & relays (a)")
    );
    let requests = ec2.requests();
    assert_eq!(requests.len(), 2, "the fixture's page names a next one");
    assert_eq!(
        field(&requests[1].body, "NextToken").as_deref(),
        Some("eyJ2IjoiMyIsImMiOiJwYWdlMiJ9")
    );
    let r = &requests[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/"));
    let auth = r.header("authorization").unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEC2TEST/"),
        "{auth}"
    );
    assert!(auth.contains("/us-east-1/ec2/aws4_request"), "{auth}");
    assert!(
        auth.contains("SignedHeaders=content-type;host;x-amz-date"),
        "{auth}"
    );
    assert!(r.header("x-amz-date").is_some());
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/x-www-form-urlencoded")
    );
    assert_eq!(
        fields(&r.body)[..5],
        [
            ("Action", "DescribeSubnets"),
            ("Version", "2016-11-15"),
            ("Filter.1.Name", "vpc-id"),
            ("Filter.1.Value.1", "vpc-0123456789abcdef0"),
            ("MaxResults", "1000"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
}

#[tokio::test]
async fn every_page_is_read_and_each_token_is_sent_back() {
    let ec2 = Ec2StandIn::start(|n, _| {
        let page = match n {
            0 => subnets_page(&["subnet-1", "subnet-2"], Some("page+2/of=3")),
            // EC2 may answer a page with nothing on it but a token.
            1 => subnets_page(&[], Some("page3")),
            _ => subnets_page(&["subnet-3"], None),
        };
        (200, page)
    });
    let subnets = client(&ec2)
        .subnets_in_region("eu-west-1")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = subnets.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["subnet-1", "subnet-2", "subnet-3"]);
    let tokens: Vec<Option<String>> = ec2
        .requests()
        .iter()
        .map(|r| field(&r.body, "NextToken"))
        .collect();
    assert_eq!(
        tokens,
        [None, Some("page+2/of=3".into()), Some("page3".into())]
    );
    assert!(ec2.requests().iter().all(|r| {
        r.header("authorization")
            .unwrap()
            .contains("/eu-west-1/ec2/")
    }));
}

#[tokio::test]
async fn a_token_that_repeats_ends_the_reading_with_an_error() {
    let ec2 = Ec2StandIn::start(|_, _| (200, subnets_page(&["subnet-1"], Some("same"))));
    let e = client(&ec2)
        .subnets_in_region("us-east-1")
        .await
        .unwrap_err();
    assert!(matches!(e, Ec2Error::Malformed(_)), "{e:?}");
    assert_eq!(ec2.requests().len(), 2);
}

#[tokio::test]
async fn request_limit_exceeded_is_retried_until_an_answer_comes() {
    let ec2 = Ec2StandIn::start(|n, _| match n {
        0 | 1 => (503, THROTTLED.into()),
        _ => (200, INTERFACES.into()),
    });
    let interfaces = client(&ec2)
        .interfaces_in_subnets("us-east-1", &["subnet-0a1b2c3d4e5f60001".to_string()])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(interfaces.len(), 2);
    assert_eq!(ec2.requests().len(), 3);
    // Each attempt is signed afresh, with the same body.
    let requests = ec2.requests();
    assert!(requests.iter().all(|r| r.body == requests[0].body));
}

#[tokio::test]
async fn throttling_that_outlasts_the_attempts_is_reported_as_throttled() {
    let ec2 = Ec2StandIn::start(|_, _| (503, THROTTLED.into()));
    let e = client(&ec2)
        .describe_instances("us-east-1", &Query::default())
        .await
        .unwrap_err();
    assert_eq!(
        e,
        Ec2Error::Throttled {
            action: Action::DescribeInstances,
            code: "RequestLimitExceeded".into(),
            attempts: 3
        }
    );
    assert_eq!(ec2.requests().len(), 3);
}

#[tokio::test]
async fn a_server_error_is_retried_and_the_retry_settings_are_honoured() {
    let ec2 = Ec2StandIn::start(|n, _| {
        match n {
        0 => (
            500,
            "<Response><Errors><Error><Code>InternalError</Code><Message>x</Message></Error></Errors></Response>".into(),
        ),
        _ => (200, INSTANCES.into()),
    }
    });
    let instances = client(&ec2)
        .instances_by_id("us-east-1", &["i-0598c7d356EXAMPLE".to_string()])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(instances[0].state, InstanceState::Running);
    assert_eq!(ec2.requests().len(), 2);

    // With one attempt allowed, the same error is final.
    let once = Ec2StandIn::start(|_, _| (503, String::new()));
    let single = Ec2Client::from_shared_config(&shared(&once.server.url, 1)).unwrap();
    let e = single.subnets_in_region("us-east-1").await.unwrap_err();
    assert!(
        matches!(&e, Ec2Error::Other { code, .. } if code == "HTTP 503"),
        "{e:?}"
    );
    assert_eq!(once.requests().len(), 1);
}

#[tokio::test]
async fn unauthorized_operation_is_reported_at_once_with_the_permission_to_grant() {
    let ec2 = Ec2StandIn::start(|_, _| (403, UNAUTHORIZED.into()));
    let e = client(&ec2)
        .subnets_by_id("us-east-1", &["subnet-1".to_string()])
        .await
        .unwrap_err();
    assert_eq!(e.missing_permission(), Some("ec2:DescribeSubnets"));
    assert!(e.is_access_denied());
    assert_eq!(ec2.requests().len(), 1, "a denial is not retried");
    assert_eq!(
        Ec2Error::access_summary([&e]).as_deref(),
        Some("EC2 permissions missing: ec2:DescribeSubnets")
    );
}

#[tokio::test]
async fn refused_credentials_are_reported_without_retry() {
    let ec2 = Ec2StandIn::start(|_, _| {
        (
            401,
            "<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message></Error></Errors><RequestID>x</RequestID></Response>".into(),
        )
    });
    let e = client(&ec2)
        .subnets_in_region("us-east-1")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Ec2Error::AuthFailure { code, .. } if code == "AuthFailure"),
        "{e:?}"
    );
    assert_eq!(ec2.requests().len(), 1);
}

#[tokio::test]
async fn address_lookups_go_in_filters_of_at_most_200_values_never_as_ids() {
    let ec2 = Ec2StandIn::start(|_, r| {
        // Like EC2: an address filter matches what exists, here one instance per batch.
        let first = field(&r.body, "Filter.1.Value.1").unwrap();
        let body = INSTANCES.replacen(
            "<instanceId>i-0598c7d356EXAMPLE</instanceId>",
            &format!("<instanceId>i-{first}</instanceId>"),
            1,
        );
        (200, body)
    });
    let addresses: Vec<Ipv4Addr> = (0..450u32)
        .map(|i| Ipv4Addr::from(0x0a00_4000 + i))
        .collect();
    let instances = client(&ec2)
        .instances_holding("us-east-1", &addresses)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let requests = ec2.requests();
    assert_eq!(requests.len(), 3);
    let mut asked = Vec::new();
    for r in &requests {
        let f = fields(&r.body);
        assert_eq!(
            field(&r.body, "Filter.1.Name").as_deref(),
            Some("network-interface.addresses.private-ip-address")
        );
        let values: Vec<String> = f
            .iter()
            .filter(|(k, _)| k.starts_with("Filter.1.Value."))
            .map(|(_, v)| v.clone())
            .collect();
        assert!(values.len() <= 200);
        assert!(f.iter().all(|(k, _)| !k.starts_with("InstanceId.")));
        asked.extend(values);
    }
    asked.sort();
    let mut expected: Vec<String> = addresses.iter().map(ToString::to_string).collect();
    expected.sort();
    assert_eq!(asked, expected);
    // Three batches, each with its own instance and the two the fixture repeats: the
    // repeats are kept once.
    assert_eq!(instances.len(), 5);
}

#[tokio::test]
async fn an_answer_that_is_not_ec2s_is_malformed_not_empty() {
    let ec2 =
        Ec2StandIn::start(|_, _| (200, "<html><body>Sign in to the proxy</body></html>".into()));
    let e = client(&ec2)
        .subnets_in_region("us-east-1")
        .await
        .unwrap_err();
    assert!(matches!(e, Ec2Error::Malformed(_)), "{e:?}");
    assert_eq!(ec2.requests().len(), 1);
}

#[tokio::test]
async fn a_closed_port_is_a_transport_error_after_the_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client =
        Ec2Client::from_shared_config(&shared(&format!("http://127.0.0.1:{port}"), 2)).unwrap();
    let e = client.subnets_in_region("us-east-1").await.unwrap_err();
    assert!(matches!(e, Ec2Error::Transport(_)), "{e:?}");
}

#[tokio::test]
async fn the_local_options_reach_a_loopback_endpoint_with_the_fixed_credentials() {
    let ec2 = Ec2StandIn::start(|_, _| (200, subnets_page(&["subnet-1"], None)));
    let client = Ec2Client::connect(&ClientOptions::local(&ec2.server.url))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(client.endpoint("ap-south-1").unwrap(), ec2.server.url);
    let subnets = client.subnets_in_region("ap-south-1").await.unwrap();
    assert_eq!(subnets[0].id, "subnet-1");
    let auth = ec2.requests()[0]
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(
        auth.contains("Credential=AKIDPORTOLANLOCAL/")
            && auth.contains("/ap-south-1/ec2/aws4_request"),
        "{auth}"
    );
}

#[tokio::test]
async fn the_profiles_services_section_routes_ec2_and_only_ec2() {
    use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
    let ec2 = Ec2StandIn::start(|_, _| (200, subnets_page(&["subnet-from-profile"], None)));
    let config = format!(
        "[profile emu]\nregion = eu-west-1\nservices = local\n\n[services local]\nec2 =\n  endpoint_url = {}\nglobal_accelerator =\n  endpoint_url = http://127.0.0.1:9\n",
        ec2.server.url
    );
    let files = EnvConfigFiles::builder()
        .include_default_config_file(false)
        .include_default_credentials_file(false)
        .with_contents(EnvConfigFileKind::Config, config)
        .with_contents(
            EnvConfigFileKind::Credentials,
            "[emu]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n",
        )
        .build();
    let shared = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .empty_test_environment()
        .profile_files(files)
        .profile_name("emu")
        .load()
        .await;
    let client = Ec2Client::from_shared_config(&shared).unwrap();
    assert_eq!(client.endpoint("eu-west-1").unwrap(), ec2.server.url);
    let subnets = client.subnets_in_region("eu-west-1").await.unwrap();
    assert_eq!(subnets[0].id, "subnet-from-profile");
    let auth = ec2.requests()[0]
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(auth.contains("Credential=AKIDPROFILE/"), "{auth}");

    // Without an endpoint anywhere, calls go to the region's own endpoint, FIPS if asked.
    let plain = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .empty_test_environment()
        .profile_files(
            EnvConfigFiles::builder()
                .include_default_config_file(false)
                .include_default_credentials_file(false)
                .with_contents(
                    EnvConfigFileKind::Config,
                    "[default]\nuse_fips_endpoint = true\n",
                )
                .build(),
        )
        .credentials_provider(Credentials::new("AKID", "s", None, None, "t"))
        .load()
        .await;
    let aws = Ec2Client::from_shared_config(&plain).unwrap();
    assert_eq!(
        aws.endpoint("us-west-2").unwrap(),
        "https://ec2-fips.us-west-2.amazonaws.com"
    );
}

/// Runs in a process of its own, started by the test below with the variables set: the
/// environment is the process's, so it cannot be changed for one test in this one.
#[tokio::test]
#[ignore = "started by the_ec2_endpoint_variable_wins_over_the_general_one"]
async fn endpoint_variable_child() {
    let Ok(expected) = std::env::var("PORTOLAN_TEST_EC2_EXPECTED") else {
        return;
    };
    let options = ClientOptions {
        profile: None,
        ..ClientOptions::default()
    };
    let client = Ec2Client::connect(&options).await.unwrap();
    assert_eq!(client.endpoint("eu-central-1").unwrap(), expected);
    let subnets = client.subnets_in_region("eu-central-1").await.unwrap();
    assert_eq!(subnets[0].id, "subnet-from-variable");
}

#[test]
fn the_ec2_endpoint_variable_wins_over_the_general_one() {
    let ec2 = Ec2StandIn::start(|_, _| (200, subnets_page(&["subnet-from-variable"], None)));
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "endpoint_variable_child",
            "--ignored",
            "--nocapture",
        ])
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIDVARIABLE")
        .env("AWS_SECRET_ACCESS_KEY", "s")
        .env("AWS_ENDPOINT_URL_EC2", &ec2.server.url)
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("PORTOLAN_TEST_EC2_EXPECTED", &ec2.server.url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let auth = ec2.requests()[0]
        .header("authorization")
        .unwrap()
        .to_string();
    assert!(auth.contains("Credential=AKIDVARIABLE/"), "{auth}");
}
