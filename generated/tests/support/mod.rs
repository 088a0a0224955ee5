//! What the loopback tests share: serving a router on a free port of 127.0.0.1.

use std::net::SocketAddr;

/// Serves `app` on a free port of 127.0.0.1 for the rest of the test and returns its address.
/// The task ends with the test's runtime, so each test owns a fresh server.
pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}
