//! `mock`: generates a spec's crate with its mock (`Config::mock`) into `target/mock/<name>/`,
//! writes a small server crate beside it (`target/mock/<name>-server/`), builds it and serves.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use openapi_gen_cli::{standalone, write, Options, Outcome};

use crate::generate::workspace_root;

#[derive(clap::Args, Debug)]
pub struct MockArgs {
    /// The spec to mock (YAML or JSON, any supported version).
    #[arg(long)]
    pub spec: PathBuf,
    /// The address to serve on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Let external `$ref`s reach files outside the spec's directory tree.
    #[arg(long)]
    pub allow_external_refs_outside: bool,
    /// Generate and build, but do not serve.
    #[arg(long)]
    pub no_serve: bool,
    /// Print only errors while generating.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn run(args: &MockArgs) -> Result<Outcome> {
    let root = workspace_root();
    let stem = args
        .spec
        .file_stem()
        .context("--spec names no file")?
        .to_string_lossy()
        .into_owned();
    let name = openapi_gen::names::field_name(&stem).replace('_', "-");
    let name = name.trim_start_matches("r#").to_owned();
    let mock_dir = root.join("target/mock");
    let api_dir = mock_dir.join(&name);
    let server_dir = mock_dir.join(format!("{name}-server"));
    let api_crate = format!("{name}-mock-api");
    let options = Options {
        mock: true,
        allow_external_refs_outside: args.allow_external_refs_outside,
        quiet: args.quiet,
        ..Default::default()
    };
    let outcome = standalone(&options, &args.spec, &api_dir, &api_crate)?;
    if outcome != Outcome::Done {
        return Ok(outcome);
    }
    write_server_crate(&root, &server_dir, &name, &api_crate)?;
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    cargo
        .arg(if args.no_serve { "build" } else { "run" })
        .arg("--manifest-path")
        .arg(server_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", mock_dir.join("target"));
    if !args.no_serve {
        cargo.arg("--").arg(&args.listen);
    }
    let status = cargo.status().context("running cargo")?;
    if !status.success() {
        bail!("the mock server failed ({status})");
    }
    Ok(Outcome::Done)
}

/// The server crate: a `main` serving `mock::router()` of the generated crate.
fn write_server_crate(root: &Path, dir: &Path, name: &str, api_crate: &str) -> Result<()> {
    let manifest = format!(
        "# Written by `cargo xtask mock`: serves the mock of ../{name}.\n\
         [package]\nname = \"{name}-mock-server\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n\
         [dependencies]\n\
         api = {{ package = \"{api_crate}\", path = \"../{name}\" }}\n\
         openapi-gen-runtime = {{ path = \"../{name}/runtime\", features = [\"server\"] }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\"] }}\n"
    );
    let main = "//! Serves the generated mock (written by `cargo xtask mock`): every operation answers its\n\
         //! documented example.\n\n\
         #[tokio::main]\n\
         async fn main() {\n    \
             let listen = std::env::args().nth(1).unwrap_or_else(|| \"127.0.0.1:8080\".to_owned());\n    \
             let listener = match tokio::net::TcpListener::bind(&listen).await {\n        \
                 Ok(listener) => listener,\n        \
                 Err(e) => {\n            \
                     eprintln!(\"error: cannot listen on {listen}: {e}\");\n            \
                     std::process::exit(2);\n        \
                 }\n    \
             };\n    \
             eprintln!(\"mock listening on http://{listen}\");\n    \
             openapi_gen_runtime::server::axum::serve(listener, api::mock::router())\n        \
                 .await\n        \
                 .expect(\"the server runs\");\n\
         }\n";
    for (path, contents) in [("Cargo.toml", manifest.as_str()), ("src/main.rs", main)] {
        let path = dir.join(path);
        if fs::read_to_string(&path).ok().as_deref() != Some(contents) {
            write::write_atomically(&path, contents)?;
        }
    }
    // The workspace's lock file pins the versions it already built.
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        fs::copy(root.join("Cargo.lock"), &lock).context("copying Cargo.lock")?;
    }
    Ok(())
}
