//! Serves the Coveo organizations API from memory: `cargo run -p generated --example coveo_server -- --listen 127.0.0.1:8080 --log`.
//!
//! Try it with the `coveo_client` example, or with curl:
//!
//! ```text
//! curl -X POST -H 'Authorization: Bearer alice' 'http://127.0.0.1:8080/rest/organizations?name=My%20Coveo%20Search%20Org'
//! curl -H 'Authorization: Bearer alice' http://127.0.0.1:8080/rest/organizations
//! curl -X DELETE -H 'Authorization: Bearer alice' http://127.0.0.1:8080/rest/organizations/mycoveosearchorg
//! ```
//!
//! A tower layer (`coveo_service::PrincipalLayer`) turns each Bearer token into a principal the
//! implementation authorises with. With `--features tracing` each request is a `tracing` span,
//! printed to stderr; with `--features docs` the API's description is served at
//! `/openapi.json` and a Swagger UI page at `/docs`. Ctrl-C or SIGTERM stops the server once the
//! requests in flight are answered.

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
    let mut app = router_with_config(coveo_service::CoveoService::new(), config)
        .layer(coveo_service::PrincipalLayer);
    if args.log {
        app = app.layer(axum::middleware::from_fn(serving::log_request));
    }
    // Each request's span and the router's refusals, at `INFO`, to stderr.
    #[cfg(feature = "tracing")]
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    eprintln!("Coveo organizations API on http://{address}/rest/organizations (Ctrl-C to stop)");
    if cfg!(feature = "docs") {
        eprintln!(
            "its description on http://{address}/openapi.json, its docs on http://{address}/docs"
        );
    }
    serving::serve(listener, app, serving::shutdown_signal())
        .await
        .context("server failed")
}
