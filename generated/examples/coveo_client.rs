//! Calls the Coveo organizations API: `cargo run -p generated --example coveo_client -- --base-url URL --token T create "My Org"`.
//!
//! Subcommands: `create NAME`, `list`, `delete ORGANIZATION_ID`. Every documented error
//! response, and every failure to get one, ends the program with a non-zero exit status.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use generated::coveo::client::Client;
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
    let client = Client::new(&cli.base_url).with_bearer_auth(cli.token);
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
