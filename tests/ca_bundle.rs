//! `AWS_CA_BUNDLE`, as behind a corporate TLS proxy: the endpoint speaks HTTPS with a
//! certificate from a CA made in this test. Without the bundle the certificate is refused;
//! with it the real binary lists accelerators through the proxy; an unreadable bundle gets one
//! clear sentence, not a panic.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use common::emulator::Emulator;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A CA, and a certificate it signed for localhost and 127.0.0.1.
fn certificates() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "portolan test proxy CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    (
        ca_cert.pem(),
        leaf.der().clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    )
}

/// A TLS front on 127.0.0.1 that hands every connection on to `upstream` in the clear.
async fn tls_proxy(
    upstream: String,
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
) -> String {
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(socket).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    format!("https://localhost:{port}")
}

fn portolan(home: &Path, endpoint: &str, bundle: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portolan"));
    cmd.args(["accelerators", "-o", "ndjson"])
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIDPROXY")
        .env("AWS_SECRET_ACCESS_KEY", "proxy")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR", endpoint)
        .env("PORTOLAN_CONFIG", home.join("none.toml"));
    if let Some(bundle) = bundle {
        cmd.env("AWS_CA_BUNDLE", bundle);
    }
    cmd.output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ca_bundle_is_trusted_and_a_bad_one_is_explained() {
    let emulator = Emulator::start("tests/fixtures/small.toml");
    let upstream = emulator.url.trim_start_matches("http://").to_string();
    let (ca_pem, cert, key) = certificates();
    let endpoint = tls_proxy(upstream, cert, key).await;

    let home = tempfile::tempdir().unwrap();
    let bundle = home.path().join("corporate-ca.pem");
    std::fs::write(&bundle, &ca_pem).unwrap();
    let garbage = home.path().join("garbage.pem");
    std::fs::write(
        &garbage,
        "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let empty = home.path().join("empty.pem");
    std::fs::write(&empty, "nothing here\n").unwrap();
    let missing = home.path().join("missing.pem");

    let (trusted, untrusted, bad, none, gone) = tokio::task::spawn_blocking({
        let home = home.path().to_path_buf();
        move || {
            (
                portolan(&home, &endpoint, Some(&bundle)),
                portolan(&home, &endpoint, None),
                portolan(&home, &endpoint, Some(&garbage)),
                portolan(&home, &endpoint, Some(&empty)),
                portolan(&home, &endpoint, Some(&missing)),
            )
        }
    })
    .await
    .unwrap();
    drop(emulator);

    let err = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(trusted.status.success(), "{}", err(&trusted));
    assert!(String::from_utf8_lossy(&trusted.stdout).lines().count() > 0);

    assert_eq!(untrusted.status.code(), Some(1), "{}", err(&untrusted));
    assert!(
        err(&untrusted).to_lowercase().contains("certificate"),
        "{}",
        err(&untrusted)
    );

    for (out, says) in [
        (&bad, "not a PEM certificate bundle"),
        (&none, "holds no PEM certificate"),
        (&gone, "No such file"),
    ] {
        assert_eq!(out.status.code(), Some(2), "{}", err(out));
        let said = err(out);
        assert_eq!(said.lines().count(), 1, "{said}");
        assert!(
            said.contains("AWS_CA_BUNDLE=") && said.contains(says),
            "{said}"
        );
    }
}
