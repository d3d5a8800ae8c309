use super::*;

fn no_jitter(initial_ms: u64, max_ms: u64) -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(initial_ms),
        transient_initial_backoff: Duration::from_millis(initial_ms / 10),
        max_backoff: Duration::from_millis(max_ms),
        jitter: false,
    }
}

fn answer(status: u16, code: Option<&str>) -> Failure {
    Failure::Answer {
        status,
        code: code.map(str::to_string),
        message: "m".into(),
    }
}

#[test]
fn back_off_doubles_from_the_initial_delay_up_to_the_cap() {
    let p = no_jitter(500, 3000);
    let waits: Vec<u128> = (1..=5)
        .map(|n| p.backoff(Retry::Throttled, n).as_millis())
        .collect();
    assert_eq!(waits, [500, 1000, 2000, 3000, 3000]);
    // Server and connection failures start from their own (shorter) delay.
    assert_eq!(p.backoff(Retry::Transient, 1).as_millis(), 50);
    assert_eq!(
        p.backoff(Retry::Throttled, 200),
        Duration::from_millis(3000)
    );
}

#[test]
fn jitter_waits_a_random_part_of_the_back_off() {
    let p = RetryPolicy {
        jitter: true,
        ..no_jitter(1000, 20_000)
    };
    let waits: Vec<Duration> = (0..50).map(|_| p.backoff(Retry::Throttled, 3)).collect();
    assert!(waits.iter().all(|w| *w <= Duration::from_secs(4)));
    assert!(waits.iter().any(|w| *w != waits[0]), "{waits:?}");
}

#[test]
fn the_policy_follows_the_shared_retry_config() {
    let p = RetryPolicy::from_config(
        &RetryConfig::standard()
            .with_max_attempts(5)
            .with_initial_backoff(Duration::from_millis(20))
            .with_max_backoff(Duration::from_secs(2)),
    );
    assert_eq!(p.max_attempts, 5);
    assert_eq!(p.initial_backoff, Duration::from_millis(20));
    assert_eq!(p.max_backoff, Duration::from_secs(2));
    assert!(p.jitter);
    assert_eq!(
        RetryPolicy::from_config(&RetryConfig::disabled()).max_attempts,
        1
    );
    assert_eq!(RetryPolicy::default().max_attempts, 3);
}

#[test]
fn throttling_server_errors_and_lost_connections_are_retried_nothing_else() {
    for code in [
        "RequestLimitExceeded",
        "Throttling",
        "EC2ThrottledException",
    ] {
        assert_eq!(
            answer(503, Some(code)).retry(),
            Some(Retry::Throttled),
            "{code}"
        );
    }
    assert_eq!(answer(429, None).retry(), Some(Retry::Throttled));
    assert_eq!(
        answer(400, Some("RequestTimeout")).retry(),
        Some(Retry::Transient)
    );
    for status in [500, 502, 503, 504] {
        assert_eq!(answer(status, None).retry(), Some(Retry::Transient));
    }
    assert_eq!(
        answer(503, Some("Unavailable")).retry(),
        Some(Retry::Transient)
    );
    assert_eq!(
        answer(500, Some("InternalError")).retry(),
        Some(Retry::Transient)
    );
    for code in [
        "UnauthorizedOperation",
        "AuthFailure",
        "InvalidParameterValue",
    ] {
        assert_eq!(answer(400, Some(code)).retry(), None, "{code}");
    }
    assert_eq!(answer(501, None).retry(), None);
    let lost = Failure::Transport {
        message: "reset".into(),
        retryable: true,
    };
    assert_eq!(lost.retry(), Some(Retry::Transient));
    let unsendable = Failure::Transport {
        message: "bad uri".into(),
        retryable: false,
    };
    assert_eq!(unsendable.retry(), None);
}

#[test]
fn the_last_failure_becomes_the_error_the_app_sees() {
    let a = Action::DescribeSubnets;
    assert_eq!(
        answer(503, Some("RequestLimitExceeded")).into_error(a, 3),
        Ec2Error::Throttled {
            action: a,
            code: "RequestLimitExceeded".into(),
            attempts: 3
        }
    );
    assert!(matches!(
        answer(503, Some("Unavailable")).into_error(a, 3),
        Ec2Error::Other { code, .. } if code == "Unavailable"
    ));
    assert!(matches!(
        answer(403, None).into_error(a, 1),
        Ec2Error::AuthFailure { code, .. } if code == "HTTP 403"
    ));
    assert!(matches!(
        answer(502, None).into_error(a, 3),
        Ec2Error::Other { code, .. } if code == "HTTP 502"
    ));
    assert_eq!(
        answer(400, Some("UnauthorizedOperation"))
            .into_error(a, 1)
            .missing_permission(),
        Some("ec2:DescribeSubnets")
    );
}

fn header<'a>(request: &'a HttpRequest, name: &str) -> &'a str {
    request.headers().get(name).unwrap_or_default()
}

#[test]
fn requests_are_signed_for_ec2_in_the_calls_region() {
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600); // 2026-01-01
    let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None, "test");
    let body = "Action=DescribeSubnets&Version=2016-11-15";
    let request = signed_request(
        "https://ec2.eu-west-1.amazonaws.com",
        "eu-west-1",
        body,
        creds.clone(),
        time,
    )
    .unwrap_or_else(|_| panic!("signed"));
    assert_eq!(request.method(), "POST");
    let auth = header(&request, "authorization");
    assert!(
        auth.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature="
        ),
        "{auth}"
    );
    assert_eq!(header(&request, "x-amz-date"), "20260101T000000Z");
    assert_eq!(header(&request, "content-type"), CONTENT_TYPE);
    assert_eq!(header(&request, "content-length"), body.len().to_string());
    assert_eq!(request.body().bytes(), Some(body.as_bytes()));

    // Another body is another signature; a session token is sent and signed.
    let other = signed_request(
        "https://ec2.eu-west-1.amazonaws.com",
        "eu-west-1",
        "Action=DescribeInstances&Version=2016-11-15",
        creds,
        time,
    )
    .unwrap_or_else(|_| panic!("signed"));
    assert_ne!(header(&other, "authorization"), auth);
    let session = Credentials::new("ASIAEXAMPLE", "secret", Some("tok".into()), None, "t");
    let with_token = signed_request("http://127.0.0.1:1/", "us-east-1", body, session, time)
        .unwrap_or_else(|_| panic!("signed"));
    assert_eq!(header(&with_token, "x-amz-security-token"), "tok");
    assert!(header(&with_token, "authorization").contains("x-amz-security-token"));
}

#[test]
fn an_endpoint_that_is_not_a_url_is_refused_before_sending() {
    let creds = Credentials::new("AKID", "s", None, None, "t");
    let r = signed_request("not a url", "us-east-1", "", creds, SystemTime::now());
    assert!(matches!(
        r,
        Err(Failure::Final(Ec2Error::InvalidParameter { .. }))
    ));
}

#[tokio::test]
async fn credentials_are_fetched_once_and_again_after_a_refusal_or_near_expiry() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[derive(Debug)]
    struct Counting(Arc<AtomicU32>, Option<SystemTime>);
    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(
            &'a self,
        ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            self.0.fetch_add(1, Ordering::SeqCst);
            let c = Credentials::new("AKID", "s", None, self.1, "counting");
            aws_credential_types::provider::future::ProvideCredentials::ready(Ok(c))
        }
    }

    let calls = Arc::new(AtomicU32::new(0));
    let cache = CredentialCache::new(Some(SharedCredentialsProvider::new(Counting(
        calls.clone(),
        None,
    ))));
    for _ in 0..3 {
        assert!(cache.get().await.is_ok());
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    cache.forget().await;
    assert!(cache.get().await.is_ok());
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    let soon = Arc::new(AtomicU32::new(0));
    let expiring = CredentialCache::new(Some(SharedCredentialsProvider::new(Counting(
        soon.clone(),
        Some(SystemTime::now() + Duration::from_secs(10)),
    ))));
    assert!(expiring.get().await.is_ok());
    assert!(expiring.get().await.is_ok());
    assert_eq!(soon.load(Ordering::SeqCst), 2);

    let none = CredentialCache::new(None);
    assert!(matches!(
        none.get().await,
        Err(Failure::Final(Ec2Error::AuthFailure { code, .. })) if code == "NoCredentials"
    ));
}
