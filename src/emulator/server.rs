//! The HTTP side of the emulator: awsJson1_1 (Global Accelerator) and EC2's query protocol over
//! HTTP/1.1 on one TCP listener, with faults injected at the connection level where a real
//! network would fail.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use super::ec2::{self, Ec2Error};
use super::fault::{FaultKind, Faults};
use super::{Emulator, ServiceError};

const TARGET_PREFIX: &str = "GlobalAccelerator_V20180706.";
const MAX_BODY: usize = 1 << 20;

type Body = BoxBody<Bytes, std::io::Error>;

/// Returned by the service to make hyper close the connection without answering.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DropConnection {}

/// Serves `emulator` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    emulator: Arc<Emulator>,
    faults: Arc<Faults>,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        tracing::warn!("emulator accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let (emulator, faults) = (Arc::clone(&emulator), Arc::clone(&faults));
                let service = service_fn(move |req| answer(req, Arc::clone(&emulator), Arc::clone(&faults)));
                let conn = graceful.watch(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    // Idle keep-alive connections must not hold the shutdown up for long.
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(1)) => {}
    }
    Ok(())
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes)
        .map_err(|never: Infallible| match never {})
        .boxed()
}

fn json_response(status: u16, body: &serde_json::Value) -> Response<Body> {
    body_response(status, Bytes::from(body.to_string()))
}

fn body_response(status: u16, bytes: Bytes) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("x-amzn-RequestId", uuid::Uuid::new_v4().to_string())
        .header("Content-Length", bytes.len())
        .body(full(bytes))
        .unwrap_or_else(|_| Response::new(full(Bytes::new())))
}

fn error_response(code: &str, message: &str) -> Response<Body> {
    let status = ServiceError::status_of(code);
    json_response(
        status,
        &serde_json::json!({"__type": code, "Message": message}),
    )
}

async fn answer(
    req: Request<Incoming>,
    emulator: Arc<Emulator>,
    faults: Arc<Faults>,
) -> Result<Response<Body>, DropConnection> {
    let method = req.method().clone();
    if method != Method::POST && method != Method::GET {
        return Ok(error_response(
            "UnknownOperationException",
            "this endpoint takes POST / with an X-Amz-Target header",
        ));
    }
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (target, authorization) = (header("x-amz-target"), header("authorization"));
    let query = req.uri().query().unwrap_or_default().to_string();
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(error_response(
                "SerializationException",
                "the request body is too large or was cut off",
            ));
        }
    };
    // Global Accelerator names its operation in X-Amz-Target; EC2's query protocol sends none
    // and names it in the form's (or the query string's) Action instead.
    if target.is_empty() {
        let mut params = ec2::params(query.as_bytes());
        if method == Method::POST {
            params.extend(ec2::params(&body));
        }
        if let Some(action) = ec2::action(&params).map(str::to_string) {
            return ec2_answer(&action, &authorization, params, emulator, &faults).await;
        }
    }
    let Some(operation) = target.strip_prefix(TARGET_PREFIX).map(str::to_string) else {
        return Ok(error_response(
            "UnknownOperationException",
            "missing or foreign X-Amz-Target",
        ));
    };
    if method != Method::POST {
        return Ok(error_response(
            "UnknownOperationException",
            "this endpoint takes POST / with an X-Amz-Target header",
        ));
    }
    let fault = faults.decide(&operation);
    tracing::debug!(%operation, ?fault, "emulator call");
    match &fault {
        Some(FaultKind::Latency(d)) => tokio::time::sleep(*d).await,
        Some(FaultKind::Error(code)) => return Ok(error_response(code, "injected fault")),
        Some(FaultKind::Throttle) => {
            return Ok(error_response("ThrottlingException", "Rate exceeded"));
        }
        Some(FaultKind::Reset) => return Err(DropConnection),
        _ => {}
    }
    let applied = tokio::task::spawn_blocking(move || emulator.respond(&operation, &body)).await;
    let response = match applied {
        Ok(Ok(bytes)) => body_response(200, Bytes::from(bytes)),
        Ok(Err(e)) => error_response(e.code, &e.message),
        Err(_) => error_response(
            "InternalServiceErrorException",
            "the emulator failed on this request",
        ),
    };
    after_fault(fault, response).await
}

/// What a fault that lets the call through does to its answer.
async fn after_fault(
    fault: Option<FaultKind>,
    response: Response<Body>,
) -> Result<Response<Body>, DropConnection> {
    match fault {
        Some(FaultKind::ApplyThenDrop) => Err(DropConnection),
        Some(FaultKind::ApplyThenStall(d)) => {
            tokio::time::sleep(d).await;
            Ok(response)
        }
        Some(FaultKind::Truncate) => Ok(truncated(response).await),
        _ => Ok(response),
    }
}

fn xml_response(status: u16, bytes: Vec<u8>) -> Response<Body> {
    let bytes = Bytes::from(bytes);
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST))
        .header("Content-Type", "text/xml;charset=UTF-8")
        .header("Content-Length", bytes.len())
        .body(full(bytes))
        .unwrap_or_else(|_| Response::new(full(Bytes::new())))
}

fn ec2_error_response(error: &Ec2Error, request_id: &str) -> Response<Body> {
    xml_response(error.status(), error.document(request_id))
}

/// One EC2 query-protocol call: answered for the region its signature names, with faults
/// injected by action name (`throttle` answers EC2's RequestLimitExceeded).
async fn ec2_answer(
    action: &str,
    authorization: &str,
    params: Vec<(String, String)>,
    emulator: Arc<Emulator>,
    faults: &Faults,
) -> Result<Response<Body>, DropConnection> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let Some(region) = ec2::signed_region(authorization, &params) else {
        let e = Ec2Error::new(
            "AuthFailure",
            "AWS was not able to validate the provided access credentials: the request is not \
             signed with SigV4, so it names no region (EC2 answers for the region a request is \
             signed for)",
        );
        return Ok(ec2_error_response(&e, &request_id));
    };
    let fault = faults.decide(action);
    tracing::debug!(%action, %region, ?fault, "emulator EC2 call");
    match &fault {
        Some(FaultKind::Latency(d)) => tokio::time::sleep(*d).await,
        Some(FaultKind::Error(code)) => {
            let e = Ec2Error::new(code.clone(), injected_message(code));
            return Ok(ec2_error_response(&e, &request_id));
        }
        Some(FaultKind::Throttle) => {
            return Ok(ec2_error_response(&Ec2Error::throttled(), &request_id));
        }
        Some(FaultKind::Reset) => return Err(DropConnection),
        _ => {}
    }
    let id = request_id.clone();
    let applied =
        tokio::task::spawn_blocking(move || emulator.respond_ec2(&region, &params, &id)).await;
    let response = match applied {
        Ok(Ok(bytes)) => xml_response(200, bytes),
        Ok(Err(e)) => ec2_error_response(&e, &request_id),
        Err(_) => ec2_error_response(
            &Ec2Error::new("InternalError", "An internal error has occurred"),
            &request_id,
        ),
    };
    after_fault(fault, response).await
}

/// The message EC2 gives with the codes a test injects most, so clients show something real.
fn injected_message(code: &str) -> String {
    match code {
        "UnauthorizedOperation" => {
            "You are not authorized to perform this operation. (injected fault)".into()
        }
        "AuthFailure" => {
            "AWS was not able to validate the provided access credentials (injected fault)".into()
        }
        _ => "injected fault".into(),
    }
}

/// Keeps the full Content-Length but sends only half the body, then fails the stream so the
/// connection closes mid-answer.
async fn truncated(response: Response<Body>) -> Response<Body> {
    let (parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let frames = futures::stream::iter(vec![
        Ok(Frame::data(half)),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "truncated by an injected fault",
        )),
    ]);
    Response::from_parts(parts, StreamBody::new(frames).boxed())
}

/// An emulator running in this process on 127.0.0.1 (for `--demo` and tests). Dropping it
/// stops the server.
pub struct LocalEmulator {
    pub url: String,
    pub emulator: Arc<Emulator>,
    pub faults: Arc<Faults>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl LocalEmulator {
    /// Binds 127.0.0.1:0 and serves in a spawned task.
    pub async fn start(emulator: Emulator) -> std::io::Result<Self> {
        Self::start_with_faults(emulator, Arc::new(Faults::new(0))).await
    }

    pub async fn start_with_faults(
        emulator: Emulator,
        faults: Arc<Faults>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let emulator = Arc::new(emulator);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (served, injected) = (Arc::clone(&emulator), Arc::clone(&faults));
        tokio::spawn(async move {
            let _ = serve(listener, served, injected, async {
                let _ = rx.await;
            })
            .await;
        });
        Ok(Self {
            url,
            emulator,
            faults,
            _shutdown: tx,
        })
    }
}
