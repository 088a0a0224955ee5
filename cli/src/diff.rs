//! `openapi-gen diff` and `cargo xtask diff`: what changed in the Rust API between two versions
//! of a description, and the summary the drift check prints above its file diff.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use openapi_gen::diff::{diff_specs, Report};

use crate::Outcome;

/// The arguments of `diff`.
#[derive(clap::Args, Debug, Clone)]
pub struct DiffArgs {
    /// The old version: a description (YAML or JSON), or a generated crate or module directory
    /// (its `openapi.json`, written beside `server.rs`, is read).
    #[arg(long, value_name = "PATH")]
    pub old: PathBuf,
    /// The new version, read the same way.
    #[arg(long, value_name = "PATH")]
    pub new: PathBuf,
    /// `human` (the default) or `json`.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with code 3 when a change of this kind is found: `breaking` (breaks compiling for
    /// client users or server implementers), `client`, `server`, or `wire` (an old client against
    /// a new server, or the reverse).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Option<FailOn>,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Breaking,
    Client,
    Server,
    Wire,
}

/// The description a path names: the file itself, or a generated crate's or module's
/// `openapi.json` (`<dir>/openapi.json`, else `<dir>/src/openapi.json`).
pub fn description_path(path: &Path) -> Result<PathBuf> {
    if !path.is_dir() {
        if !path.exists() {
            bail!("{} does not exist", path.display());
        }
        return Ok(path.to_path_buf());
    }
    for candidate in [path.join("openapi.json"), path.join("src/openapi.json")] {
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    bail!(
        "{} is a directory without openapi.json or src/openapi.json (generated with the server half, the description is written beside server.rs)",
        path.display()
    )
}

/// Runs `diff`: prints the report on stdout; exit 1 when either side does not load, 3 when
/// `--fail-on` matches.
pub fn run(args: &DiffArgs) -> Result<Outcome> {
    let old = description_path(&args.old)?;
    let new = description_path(&args.new)?;
    let report = match diff_specs(
        &old,
        &old.display().to_string(),
        &new,
        &new.display().to_string(),
    ) {
        Ok(report) => report,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return Ok(Outcome::SpecErrors);
        }
    };
    match args.format {
        Format::Human => print!("{}", report.to_human()),
        Format::Json => print!("{}", report.to_json()),
    }
    Ok(if fails(&report, args.fail_on) {
        Outcome::Breaking
    } else {
        Outcome::Done
    })
}

/// Whether `fail_on` matches a change of the report.
pub fn fails(report: &Report, fail_on: Option<FailOn>) -> bool {
    report.changes.iter().any(|c| match fail_on {
        None => false,
        Some(FailOn::Breaking) => c.impact.breaks_source(),
        Some(FailOn::Client) => c.impact.client,
        Some(FailOn::Server) => c.impact.server,
        Some(FailOn::Wire) => c.impact.breaks_wire(),
    })
}

/// What the drift check prints above its file diff: the changes from the description the
/// committed code was generated from (`old`, the `openapi.json` beside it) to `spec`. A line
/// saying why when there is nothing to compare with. `old_label` names `old` in the summary.
pub fn drift_summary(old: &Path, old_label: &str, spec: &Path, label: &str) -> String {
    if !old.is_file() {
        return format!(
            "({} is missing, so the API changes cannot be listed; the file diff follows)\n",
            old.display()
        );
    }
    match diff_specs(old, &format!("{old_label} (committed)"), spec, label) {
        Ok(report) if report.changes.is_empty() => {
            "API changes: none in the Rust API (the generated text changed)\n".to_owned()
        }
        Ok(report) => report.to_summary(20),
        Err(diagnostics) => format!(
            "(the API changes cannot be listed: a description does not load)\n{diagnostics}\n"
        ),
    }
}
