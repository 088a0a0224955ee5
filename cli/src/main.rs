//! `openapi-gen`: generates a standalone Rust crate (models, reqwest client, axum server) from
//! an OpenAPI 3.0 / 3.1 or Swagger 2.0 document.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use openapi_gen_cli::{allocator, standalone, Options};

/// The generator allocates many small token and syntax-tree nodes; mimalloc serves them faster
/// than the system allocator (measured with `cargo xtask bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "openapi-gen",
    version,
    about = "Generates a standalone Rust crate (models, async reqwest client, axum server) from an OpenAPI 3.0/3.1 or Swagger 2.0 document.",
    after_help = "Exit codes:\n  0  success (with --check: the crate is up to date)\n  1  the spec has errors (or warnings, with --deny-warnings), or --check found drift\n  2  usage or I/O error\n  3  diff --fail-on found what it names\n\nExample:\n  openapi-gen --spec api.yaml --out petstore-api --crate-name petstore-api\n\nWhat changed between two versions (see `openapi-gen diff --help`):\n  openapi-gen diff --old old.yaml --new new.yaml [--format json] [--fail-on breaking]"
)]
struct Cli {
    /// The spec to read (YAML or JSON; its `$ref`s to other files are followed).
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// Directory of the crate to write; replaced whole (its `target/` and `Cargo.lock` are kept).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Package name of the crate (letters, digits, `-` and `_`).
    #[arg(long, value_name = "NAME")]
    crate_name: String,
    #[command(flatten)]
    options: Options,
}

/// `openapi-gen diff`: what changed in the Rust API between two versions of a description.
#[derive(Parser)]
#[command(
    name = "openapi-gen diff",
    about = "Lists what changed in the generated Rust API between two versions of a description: operations, parameters, responses, types, features; each as breaking or compatible for client users, server implementers and the wire, with the semver bump.",
    after_help = "Exit codes:\n  0  compared (no --fail-on match)\n  1  a description has errors\n  2  usage or I/O error\n  3  --fail-on found what it names"
)]
struct DiffCli {
    #[command(flatten)]
    args: openapi_gen_cli::diff::DiffArgs,
}

fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "diff") {
        args.remove(1);
        return openapi_gen_cli::main_with_args(args, |cli: DiffCli| {
            // Two descriptions of any size: the large-spec settings.
            allocator::tune(u64::MAX);
            openapi_gen_cli::diff::run(&cli.args)
        });
    }
    openapi_gen_cli::main_with_args(args, |cli: Cli| {
        // The size of the root file; split specs are rarely large in their root alone.
        let bytes = std::fs::metadata(&cli.spec).map_or(u64::MAX, |m| m.len());
        allocator::tune(bytes);
        standalone(&cli.options, &cli.spec, &cli.out, &cli.crate_name)
    })
}
