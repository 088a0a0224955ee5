//! What both example servers need around a generated router: a request log, and serving until
//! Ctrl-C or SIGTERM with in-flight requests let finish (graceful shutdown).

use std::future::Future;
use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// Logs one line per request to stderr: method, path, status and latency.
///
/// Only the path is printed: headers (`Authorization` carries the caller's token) and the query
/// string stay out of the log.
pub async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    eprintln!(
        "{method} {path} -> {} in {:.1?}",
        response.status().as_u16(),
        started.elapsed()
    );
    response
}

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting connections,
/// closes idle ones, and returns once every in-flight request has been answered. The peer's
/// address reaches each operation (`input.request.remote_addr()`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM, what a container runtime or systemd sends to stop a
/// service.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            // Without a handler, resolving now would stop the server at once: wait for SIGTERM.
            eprintln!("cannot listen for Ctrl-C ({error})");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                eprintln!("cannot listen for SIGTERM ({error})");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    eprintln!("stopping: finishing in-flight requests, then exiting");
}
