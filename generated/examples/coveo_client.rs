//! Calls the Coveo organizations API: `cargo run -p generated --example coveo_client -- --base-url URL --token T create "My Org"`.
//!
//! Subcommands: `create NAME`, `list`, `delete ORGANIZATION_ID`. Every documented error
//! response, and every failure to get one, ends the program with a non-zero exit status.
//! `--trace` adds a client middleware that tags each request and prints each attempt.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use generated::coveo::client::middleware::{BoxFuture, Middleware, Next};
use generated::coveo::client::{reqwest, Client, Error as CallError, RetryPolicy};
use generated::coveo::model::Error;
use generated::coveo::operations::{
    CreateOrganizationResponse, DeleteOrganizationResponse, ListOrganizationsResponse,
};

#[derive(Debug, Parser)]
#[command(about = "Creates, lists and deletes Coveo organizations")]
struct Cli {
    /// The API's base URL, e.g. the `coveo_server` example's.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base_url: String,
    /// The access token, sent as `Authorization: Bearer <token>`.
    #[arg(long)]
    token: String,
    /// Prints each attempt of each call (operation, attempt, status, time) on stderr.
    #[arg(long)]
    trace: bool,
    /// How many times a failed call is tried again (connection errors, 408, 429, 5xx).
    #[arg(long, default_value_t = 2)]
    retries: u32,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Creates an organization and prints its organizationId.
    Create {
        /// The display name; its letters and digits, lowercased, become the organizationId.
        name: String,
    },
    /// Prints the organizations the token may view, as JSON.
    List,
    /// Permanently deletes an organization.
    Delete {
        /// The organizationId (see `list`), not the display name.
        organization_id: String,
    },
}

/// A client middleware: tags every request with the program's name and prints every attempt.
struct Trace;

impl Middleware for Trace {
    fn handle<'a>(
        &'a self,
        mut request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, CallError>> {
        request.headers_mut().insert(
            "x-client",
            reqwest::header::HeaderValue::from_static("coveo_client-example"),
        );
        let (operation, attempt, started) = (next.operation(), next.attempt(), Instant::now());
        let line = format!("{} {} {}", request.method(), operation.path, operation.id);
        Box::pin(async move {
            let result = next.run(request).await;
            let outcome = match &result {
                Ok(response) => response.status().to_string(),
                Err(error) => error.to_string(),
            };
            eprintln!(
                "{line} attempt {attempt}: {outcome} in {} ms",
                started.elapsed().as_millis()
            );
            result
        })
    }
}

/// A documented error response as the program's failure: `403 FORBIDDEN: ...`.
fn failed(status: u16, error: Error) -> anyhow::Error {
    anyhow::anyhow!("{status} {}: {}", error.error_code, error.message)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole cause chain on one line, without a backtrace.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut client = Client::new(&cli.base_url)
        .with_bearer_auth(cli.token)
        .with_retry(RetryPolicy::default().max_retries(cli.retries))
        .with_timeout(Duration::from_secs(30));
    if cli.trace {
        client = client.with_middleware(Trace);
    }
    // Transport failures and undocumented answers carry no organization: report and stop.
    let context = || format!("calling {}", cli.base_url);
    match cli.command {
        Command::Create { name } => {
            match client
                .create_organization(&name)
                .await
                .with_context(context)?
            {
                CreateOrganizationResponse::Created(created) => {
                    println!("created organization {}", created.id)
                }
                CreateOrganizationResponse::BadRequest(e) => return Err(failed(400, e)),
                CreateOrganizationResponse::Unauthorized(e) => return Err(failed(401, e)),
                CreateOrganizationResponse::Forbidden(e) => return Err(failed(403, e)),
            }
        }
        Command::List => match client.list_organizations().await.with_context(context)? {
            ListOrganizationsResponse::Ok(organizations) => {
                println!("{}", serde_json::to_string_pretty(&organizations)?)
            }
            ListOrganizationsResponse::Unauthorized(e) => return Err(failed(401, e)),
            ListOrganizationsResponse::Forbidden(e) => return Err(failed(403, e)),
        },
        Command::Delete { organization_id } => {
            match client
                .delete_organization(&organization_id)
                .await
                .with_context(context)?
            {
                DeleteOrganizationResponse::NoContent => {
                    println!("deleted organization {organization_id}")
                }
                DeleteOrganizationResponse::Unauthorized(e) => return Err(failed(401, e)),
                DeleteOrganizationResponse::Forbidden(e) => return Err(failed(403, e)),
                DeleteOrganizationResponse::NotFound(e) => return Err(failed(404, e)),
            }
        }
    }
    Ok(())
}
