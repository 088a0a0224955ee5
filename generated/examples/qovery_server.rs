//! Serves Qovery's createOrganization from memory: `cargo run -p generated --example qovery_server -- --listen 127.0.0.1:8081`.
//!
//! Try it with curl (a JWT as `Bearer`, or an API token as `Token`):
//!
//! ```text
//! curl -i -X POST -H 'Authorization: Token my-api-token' -H 'Content-Type: application/json' \
//!      -d '{"name": "Acme", "plan": "TEAM_2025"}' http://127.0.0.1:8081/organization
//! ```

#[path = "support/qovery_service.rs"]
mod qovery_service;
#[path = "support/serving.rs"]
mod serving;

use std::net::SocketAddr;

use anyhow::Context as _;
use clap::Parser;
use generated::qovery::server::router;

#[derive(Debug, Parser)]
#[command(about = "Serves Qovery's createOrganization from memory")]
struct Args {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // Qovery's error responses have no documented body, so the default rejection body is fine.
    let app = router(qovery_service::QoveryService::new())
        .layer(axum::middleware::from_fn(serving::log_request));
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    eprintln!(
        "Qovery API on http://{}/organization (Ctrl-C to stop)",
        listener.local_addr()?
    );
    serving::serve(listener, app, serving::shutdown_signal())
        .await
        .context("server failed")
}
