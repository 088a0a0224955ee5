//! What the round-trip tests share, copied with them into the fixtures crate: serving a router
//! on a loopback port.

/// Serves `router` on a free loopback port in the background; the base URL to call it at.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}
