//! Serves the Coveo organizations API from memory: `cargo run -p generated --example coveo_server -- --listen 127.0.0.1:8080 --log`.
//!
//! Try it with the `coveo_client` example, or with curl:
//!
//! ```text
//! curl -X POST -H 'Authorization: Bearer alice' 'http://127.0.0.1:8080/rest/organizations?name=My%20Coveo%20Search%20Org'
//! curl -H 'Authorization: Bearer alice' http://127.0.0.1:8080/rest/organizations
//! curl -X DELETE -H 'Authorization: Bearer alice' http://127.0.0.1:8080/rest/organizations/mycoveosearchorg
//! ```

#[path = "support/coveo_service.rs"]
mod coveo_service;
/// The generated module `coveo_service` implements.
use generated::coveo as api;
#[path = "support/serving.rs"]
mod serving;

use std::net::SocketAddr;

use anyhow::Context as _;
use clap::Parser;
use generated::coveo::server::{router_with_config, ServerConfig};

#[derive(Debug, Parser)]
#[command(about = "Serves the Coveo organizations API from memory")]
struct Args {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Print one line per request to stderr (off by default: a line per request costs a
    /// formatted write under stderr's lock, about half the requests/s of a small list).
    #[arg(long)]
    log: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // Refusals the router makes itself (no token, no `name`) use the spec's Error body too.
    let config = ServerConfig::default().rejection_body(coveo_service::rejection_body);
    let mut app = router_with_config(coveo_service::CoveoService::new(), config);
    if args.log {
        app = app.layer(axum::middleware::from_fn(serving::log_request));
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    eprintln!(
        "Coveo organizations API on http://{}/rest/organizations (Ctrl-C to stop)",
        listener.local_addr()?
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(serving::ctrl_c())
        .await
        .context("server failed")
}
