//! Load test of the generated Coveo server against a minimal hand-written axum handler that
//! returns byte-identical JSON: `cargo run --release -p generated --example coveo_load`.
//!
//! Every server holds 20 organizations and answers `GET /rest/organizations` on loopback; the
//! server runs on one thread and the load generator (a plain HTTP/1.1 keep-alive client over N
//! connections, written here so nothing needs installing) on another, for a fixed time each.
//! Two hand-written axum handlers are the baselines: one returns the bytes it already holds (the
//! floor of any server), the other does the generated route's work by hand (reads the token,
//! asks the same service, serializes its answer), so the gap to it is the generated router's own
//! cost. Runs alternate so a change in the machine's load hits each alike; the median
//! requests/s of each is printed.

#[path = "support/coveo_service.rs"]
mod coveo_service;
/// The generated module `coveo_service` implements.
use generated::coveo as api;
// Only its log line is used here.
#[allow(dead_code)]
#[path = "support/serving.rs"]
mod serving;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Debug, Parser)]
#[command(about = "Requests/s of the generated Coveo server against a hand-written handler")]
struct Args {
    /// Connections kept open by the load generator.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Seconds per run.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Runs of each server (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

const ORGANIZATIONS: usize = 20;
const REQUEST: &[u8] =
    b"GET /rest/organizations HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer alice\r\n\r\n";

#[derive(Clone, Copy, PartialEq)]
enum Server {
    HandWritten,
    HandWrittenService,
    Generated,
    GeneratedWithLog,
}

/// Starts a server on its own thread with a one-thread runtime; returns its address.
fn start(server: Server, body: axum::body::Bytes) -> anyhow::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("the listener");
            let app = match server {
                Server::HandWritten => axum::Router::new().route(
                    "/rest/organizations",
                    axum::routing::get(move || {
                        let body = body.clone();
                        async move {
                            (
                                [(axum::http::header::CONTENT_TYPE, "application/json")],
                                body,
                            )
                        }
                    }),
                ),
                Server::HandWrittenService => {
                    let service = std::sync::Arc::new(coveo_service::CoveoService::new());
                    seed_service(&service).await;
                    axum::Router::new()
                        .route(
                            "/rest/organizations",
                            axum::routing::get(move |request: axum::extract::Request| {
                                list_by_hand(service.clone(), request)
                            }),
                        )
                        // Behind the same authentication layer as the generated router, so the
                        // gap between them is the router's own.
                        .layer(coveo_service::PrincipalLayer)
                }
                Server::Generated | Server::GeneratedWithLog => {
                    // As the `coveo_server` example serves it.
                    let config = api::server::ServerConfig::default()
                        .rejection_body(coveo_service::rejection_body);
                    let app =
                        api::server::router_with_config(coveo_service::CoveoService::new(), config)
                            .layer(coveo_service::PrincipalLayer);
                    if server == Server::GeneratedWithLog {
                        app.layer(axum::middleware::from_fn(serving::log_request))
                    } else {
                        app
                    }
                }
            };
            axum::serve(listener, app).await.expect("serving");
        });
    });
    Ok(address)
}

/// What the generated route for `GET /rest/organizations` does, written by hand against the
/// same service behind the same authentication layer: the bearer token, the call with the
/// request's context (the layer's principal), the JSON answer.
async fn list_by_hand(
    service: std::sync::Arc<coveo_service::CoveoService>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use api::server::Api as _;
    use axum::response::IntoResponse as _;
    let token = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let credentials = api::server::Credentials {
        bearer_auth: token.map(openapi_gen_runtime::Secret::new),
    };
    let input = api::server::ListOrganizationsInput {
        credentials,
        request: api::server::RequestContext::from_request(request),
    };
    match service.list_organizations(input).await {
        api::operations::ListOrganizationsResponse::Ok(list) => match serde_json::to_vec(&list) {
            Ok(body) => (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response(),
            Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        _ => axum::http::StatusCode::UNAUTHORIZED.into_response(),
    }
}

/// Alice's request context, as the authentication layer leaves it.
fn seed_context() -> api::server::RequestContext {
    let mut context = api::server::RequestContext::new();
    context.extensions_mut().insert(coveo_service::Principal {
        identity: "alice".to_owned(),
    });
    context
}

/// Creates the organizations of [`seed`] by calling the service directly.
async fn seed_service(service: &std::sync::Arc<coveo_service::CoveoService>) {
    use api::server::Api as _;
    for index in 0..ORGANIZATIONS {
        let input = api::server::CreateOrganizationInput {
            credentials: api::server::Credentials {
                bearer_auth: Some(openapi_gen_runtime::Secret::new("alice")),
            },
            name: format!("Organization number {index}"),
            request: seed_context(),
        };
        service.clone().create_organization(input).await;
    }
}

/// Creates the organizations the list returns, through the API.
async fn seed(address: SocketAddr) -> anyhow::Result<()> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    for index in 0..ORGANIZATIONS {
        let request = format!(
            "POST /rest/organizations?name=Organization%20number%20{index} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer alice\r\ncontent-length: 0\r\n\r\n"
        );
        round_trip(&mut stream, request.as_bytes(), &mut Vec::new()).await?;
    }
    Ok(())
}

/// One request and its whole response on a kept-alive connection; returns the body.
async fn round_trip(
    stream: &mut tokio::net::TcpStream,
    request: &[u8],
    buffer: &mut Vec<u8>,
) -> anyhow::Result<Vec<u8>> {
    stream.write_all(request).await?;
    buffer.clear();
    loop {
        let mut chunk = [0u8; 16 * 1024];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("connection closed");
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..end])?.to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .context("no content-length")?
                .trim()
                .parse()?;
            while buffer.len() < end + 4 + length {
                let read = stream.read(&mut chunk).await?;
                if read == 0 {
                    bail!("connection closed");
                }
                buffer.extend_from_slice(&chunk[..read]);
            }
            return Ok(buffer[end + 4..end + 4 + length].to_vec());
        }
    }
}

/// Requests/s over `connections` connections for `seconds`, on a thread of its own.
fn load(address: SocketAddr, connections: usize, seconds: u64) -> anyhow::Result<f64> {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async move {
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let started = Instant::now();
            let tasks: Vec<_> = (0..connections)
                .map(|_| {
                    tokio::spawn(async move {
                        let mut stream = tokio::net::TcpStream::connect(address).await?;
                        stream.set_nodelay(true)?;
                        let (mut count, mut buffer) = (0u64, Vec::new());
                        while Instant::now() < deadline {
                            round_trip(&mut stream, REQUEST, &mut buffer).await?;
                            count += 1;
                        }
                        anyhow::Ok(count)
                    })
                })
                .collect();
            let mut total = 0;
            for task in tasks {
                total += task.await??;
            }
            Ok(total as f64 / started.elapsed().as_secs_f64())
        })
    })
    .join()
    .expect("the load thread")
}

/// Runs `work` to its end on a current-thread runtime in a thread of its own, once the server
/// it talks to has had time to start listening.
fn on_own_thread<T: Send + 'static>(
    work: impl std::future::Future<Output = anyhow::Result<T>> + Send + 'static,
) -> anyhow::Result<T> {
    std::thread::sleep(Duration::from_millis(200));
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(work)
    })
    .join()
    .expect("the setup thread")
}

/// The list the load test asks for, checked to hold every seeded organization.
async fn list_of_all(address: SocketAddr) -> anyhow::Result<Vec<u8>> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let body = round_trip(&mut stream, REQUEST, &mut Vec::new()).await?;
    let list: serde_json::Value = serde_json::from_slice(&body)?;
    if list.as_array().map(Vec::len) != Some(ORGANIZATIONS) {
        bail!("the list from {address} holds {list}");
    }
    Ok(body)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // The generated server's answer, which the hand-written handler then returns as it is.
    let generated = start(Server::Generated, axum::body::Bytes::new())?;
    let body = on_own_thread(async move {
        seed(generated).await?;
        list_of_all(generated).await
    })?;
    let hand_written = start(Server::HandWritten, axum::body::Bytes::from(body.clone()))?;
    let by_hand = start(Server::HandWrittenService, axum::body::Bytes::new())?;
    on_own_thread(list_of_all(by_hand))?;
    let logged = start(Server::GeneratedWithLog, axum::body::Bytes::new())?;
    on_own_thread(seed(logged))?;
    eprintln!(
        "{} organizations, {} bytes of JSON; {} connections, {} s per run, {} runs each",
        ORGANIZATIONS,
        body.len(),
        args.connections,
        args.seconds,
        args.runs
    );
    let mut results: [(Server, &str, SocketAddr, Vec<f64>); 4] = [
        (
            Server::HandWritten,
            "hand-written axum handler, bytes it holds",
            hand_written,
            Vec::new(),
        ),
        (
            Server::HandWrittenService,
            "hand-written axum handler, same service",
            by_hand,
            Vec::new(),
        ),
        (
            Server::Generated,
            "generated router (no logging)",
            generated,
            Vec::new(),
        ),
        (
            Server::GeneratedWithLog,
            "generated router + per-request log line",
            logged,
            Vec::new(),
        ),
    ];
    for _ in 0..args.runs {
        for (_, _, address, samples) in results.iter_mut() {
            samples.push(load(*address, args.connections, args.seconds)?);
        }
    }
    let median = |samples: &[f64]| {
        let mut sorted = samples.to_vec();
        sorted.sort_by(|a, b| a.total_cmp(b));
        sorted[sorted.len() / 2]
    };
    let (floor, same_work) = (median(&results[0].3), median(&results[1].3));
    println!("| server | requests/s (median) | runs | / bytes it holds | / same service |");
    println!("| --- | ---: | --- | ---: | ---: |");
    for (_, name, _, samples) in &results {
        let runs: Vec<String> = samples.iter().map(|s| format!("{s:.0}")).collect();
        println!(
            "| {name} | {:.0} | {} | {:.2}x | {:.2}x |",
            median(samples),
            runs.join(", "),
            median(samples) / floor,
            median(samples) / same_work
        );
    }
    Ok(())
}
