//! The peer the benches compare against: progenitor (typify's derive-based types and a reqwest
//! client), installed from crates.io at a pinned version into `target/bench/peer/` and run on the
//! same spec, with the few edits it needs to accept Qovery's.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::generate::workspace_root;

/// The peer's crate and version (`cargo install cargo-progenitor --version 0.15.1 --locked`).
pub const PEER: &str = "cargo-progenitor";
pub const PEER_VERSION: &str = "0.15.1";

/// The installed `cargo-progenitor` binary, installing it (a few minutes, once) when missing.
pub fn installed() -> Result<PathBuf> {
    let root = workspace_root().join("target/bench/peer");
    let binary = root.join("bin").join(PEER);
    let stamp = root.join("version");
    if binary.exists() && fs::read_to_string(&stamp).ok().as_deref() == Some(PEER_VERSION) {
        return Ok(binary);
    }
    eprintln!(
        "installing the peer ({PEER} {PEER_VERSION}) into {}...",
        root.display()
    );
    let status = Command::new(env!("CARGO"))
        .args([
            "install",
            "--quiet",
            "--locked",
            PEER,
            "--version",
            PEER_VERSION,
            "--root",
        ])
        .arg(&root)
        .status()
        .context("running cargo install")?;
    if !status.success() {
        bail!("cargo install {PEER} --version {PEER_VERSION} failed");
    }
    fs::write(&stamp, PEER_VERSION)?;
    Ok(binary)
}

/// Writes the spec as JSON with the edits the peer needs, into `dir/peer-spec.json`.
///
/// progenitor 0.15.1 refuses three things in Qovery's description, none of which changes a
/// model: an `application/x-yaml` body (read here as `text/plain`), a parameter referenced by a
/// path-local pointer rather than under `components` (inlined), and operations with more than
/// one success type (only the first documented 2xx is kept).
pub fn edited_spec(spec: &Path, dir: &Path) -> Result<PathBuf> {
    let label = spec.display().to_string();
    let loaded = openapi_gen::load_spec(spec, &label).map_err(|d| anyhow::anyhow!("{d}"))?;
    let mut document: Value = serde_json::from_str(&loaded.description)?;
    let root = document.clone();
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut().filter_map(Value::as_object_mut) {
                edit_operation(operation, &root);
            }
        }
    }
    fs::create_dir_all(dir)?;
    let path = dir.join("peer-spec.json");
    fs::write(&path, serde_json::to_vec(&document)?)?;
    Ok(path)
}

fn edit_operation(operation: &mut serde_json::Map<String, Value>, root: &Value) {
    let yaml_as_text = |content: Option<&mut Value>| {
        if let Some(content) = content.and_then(Value::as_object_mut) {
            if let Some(media) = content.remove("application/x-yaml") {
                content.insert("text/plain".to_owned(), media);
            }
        }
    };
    if let Some(body) = operation.get_mut("requestBody") {
        yaml_as_text(body.get_mut("content"));
    }
    if let Some(parameters) = operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
    {
        for parameter in parameters.iter_mut() {
            let local = parameter["$ref"]
                .as_str()
                .filter(|r| r.starts_with("#/paths/"))
                .and_then(|r| root.pointer(&r[1..]).cloned());
            if let Some(inlined) = local {
                *parameter = inlined;
            }
        }
    }
    if let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    {
        let mut successes: Vec<String> = responses
            .keys()
            .filter(|s| s.starts_with('2'))
            .cloned()
            .collect();
        successes.sort();
        for extra in successes.iter().skip(1) {
            responses.remove(extra);
        }
        for response in responses.values_mut() {
            yaml_as_text(response.get_mut("content"));
        }
    }
}

/// Generates the peer's crate for `spec` (already edited) into `out`; returns the seconds the
/// command took (its type-space dump to stdout discarded).
pub fn generate(binary: &Path, spec: &Path, out: &Path, name: &str) -> Result<f64> {
    let _ = fs::remove_dir_all(out);
    let started = Instant::now();
    let status = Command::new(binary)
        .args([
            "progenitor",
            "--version",
            "0.1.0",
            "--name",
            name,
            "--input",
        ])
        .arg(spec)
        .arg("--output")
        .arg(out)
        .stdout(Stdio::null())
        .status()
        .context("running the peer")?;
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        bail!("the peer failed on {}", spec.display());
    }
    Ok(seconds)
}
