//! What both example servers need around a generated router: a request log and Ctrl-C shutdown.

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

/// Resolves on Ctrl-C, so `axum::serve` stops accepting and lets in-flight requests finish.
pub async fn ctrl_c() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        // Without a handler, resolving now would stop the server at once: keep serving instead.
        eprintln!("cannot listen for Ctrl-C ({error}); the server will run until killed");
        std::future::pending::<()>().await;
    }
    eprintln!("Ctrl-C received: finishing in-flight requests, then exiting");
}
