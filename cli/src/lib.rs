//! What the `openapi-gen` command and `cargo xtask generate` share: the generation options, one
//! run with its diagnostics and summary line, and the writing of standalone crates.
//!
//! Exit codes (both front ends): 0 success (`--check`: up to date), 1 the spec has errors or
//! `--check` found drift, 2 usage or I/O errors, 3 `diff --fail-on` found what it names.

pub mod allocator;
pub mod diff;
pub mod report;
pub mod write;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use openapi_gen::{Config, Layout, Output};

/// The options of a generation, shared by `openapi-gen` and `cargo xtask generate`.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct Options {
    /// Compare the output with what is on disk instead of writing it; print each stale, missing
    /// or extra file with a diff and exit 1 when anything differs.
    #[arg(long)]
    pub check: bool,
    /// Treat warnings as errors: a spec with any warning fails with exit code 1.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Emit only the client (no server): the `server` feature and module are left out.
    #[arg(long, conflicts_with = "server_only")]
    pub client_only: bool,
    /// Emit only the server (no client): the `client` feature and module are left out.
    #[arg(long)]
    pub server_only: bool,
    /// Also emit `example_tests.rs`: a `#[cfg(test)]` check that every schema and body `example`
    /// in the spec reads into its generated type and writes back as the same JSON.
    #[arg(long)]
    pub example_tests: bool,
    /// A file naming examples that contradict their schema in the spec, one per line:
    /// `<JSON pointer> <reason>` (`#` starts a comment). The example tests check that each still
    /// fails instead of requiring it to pass.
    #[arg(long, requires = "example_tests", value_name = "FILE")]
    pub known_bad_examples: Option<PathBuf>,
    /// Let external `$ref`s reach files outside the spec's directory tree (refused by default).
    #[arg(long)]
    pub allow_external_refs_outside: bool,
    /// Depend on the published runtime crate `openapi-gen-runtime` at this version requirement
    /// (`0.1`) instead of writing a copy of it beside the crate (`<out>/runtime/`).
    #[arg(long, value_name = "REQ")]
    pub runtime_version: Option<String>,
    /// Also emit `mock.rs`: `Mock`, an implementation of the server's `Api` that answers every
    /// operation with its documented example (`mock::router()` serves it).
    #[arg(long, conflicts_with = "client_only")]
    pub mock: bool,
    /// Print only errors: no warnings, no progress, no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// How a run ended; [`Outcome::exit_code`] maps it to the documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Done,
    SpecErrors,
    Stale,
    /// `diff --fail-on` found a change of the kind it names.
    Breaking,
}

impl Outcome {
    /// 0 success, 1 spec errors or drift, 3 what `diff --fail-on` names (I/O and usage errors
    /// are 2, from [`main_with`]).
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Done => ExitCode::SUCCESS,
            Outcome::SpecErrors | Outcome::Stale => ExitCode::from(1),
            Outcome::Breaking => ExitCode::from(3),
        }
    }
}

/// The `main` of both command-line tools (`openapi-gen` and the xtask): parses the arguments as
/// `A` and runs `run`, with the exit codes they document: the outcome's 0 or 1, and 2 for a
/// usage error (clap's message) or an I/O error (`error: ...`); `--help` and `--version` exit 0.
pub fn main_with<A: clap::Parser>(run: impl FnOnce(A) -> Result<Outcome>) -> ExitCode {
    main_with_args(std::env::args_os(), run)
}

/// [`main_with`] over the given arguments (the first is the program's name).
pub fn main_with_args<A: clap::Parser>(
    args: impl IntoIterator<Item = std::ffi::OsString>,
    run: impl FnOnce(A) -> Result<Outcome>,
) -> ExitCode {
    let args = match A::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(args) {
        Ok(outcome) => outcome.exit_code(),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

impl Options {
    /// The generator's configuration for these options (reads `--known-bad-examples`).
    pub fn config(&self, label: &str, layout: Layout) -> Result<Config> {
        let mut config = Config::default();
        config
            .example_tests(self.example_tests)
            .spec_label(label)
            .layout(layout)
            .deny_warnings(self.deny_warnings)
            .allow_external_refs_outside(self.allow_external_refs_outside)
            .client(!self.server_only)
            .server(!self.client_only)
            .mock(self.mock)
            .runtime_version(self.runtime_version.clone());
        if let Some(path) = &self.known_bad_examples {
            read_known_bad_examples(&mut config, path)?;
        }
        Ok(config)
    }
}

/// Reads a `--known-bad-examples` file into the config.
fn read_known_bad_examples(config: &mut Config, path: &Path) -> Result<()> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("# ") || line == "#" {
            continue;
        }
        match line.split_once(char::is_whitespace) {
            Some((pointer, reason)) if pointer.starts_with("#/") && !reason.trim().is_empty() => {
                config.known_bad_example(pointer, reason.trim());
            }
            _ => bail!(
                "{}:{}: expected `<JSON pointer> <reason>`",
                path.display(),
                number + 1
            ),
        }
    }
    Ok(())
}

/// Generates one spec: prints its diagnostics (warnings unless quiet), a progress line when a
/// phase runs long, and the summary line. `None` when the spec has errors.
pub fn generate_one(
    options: &Options,
    config: &Config,
    path: &Path,
    label: &str,
) -> Option<Output> {
    let started = Instant::now();
    let progress = report::Progress::start(label, options.quiet);
    let result = openapi_gen::generate_with_progress(config, path, &mut |phase| {
        progress.phase(phase.describe())
    });
    progress.finish();
    match result {
        Ok(output) => {
            if !options.quiet {
                for warning in &output.warnings.0 {
                    eprintln!("{warning}");
                }
                eprintln!(
                    "{}",
                    report::summary_line(label, &output, started.elapsed())
                );
                for pointer in &output.summary.fallbacks {
                    eprintln!("  fallback at {pointer}");
                }
            }
            Some(output)
        }
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            None
        }
    }
}

/// Checks that `name` can be a package name.
pub fn check_crate_name(name: &str) -> Result<()> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        bail!("--crate-name {name:?} is not a valid package name (letters, digits, `-` and `_`)");
    }
    Ok(())
}

/// Generates `spec` into a standalone crate at `out` (or, with `--check`, compares): everything
/// is written to a fresh sibling directory first and swapped in at the end, so an error leaves
/// the previous tree untouched.
pub fn standalone(options: &Options, spec: &Path, out: &Path, name: &str) -> Result<Outcome> {
    check_crate_name(name)?;
    let label = spec.display().to_string();
    let config = options.config(
        &label,
        Layout::Crate {
            name: name.to_owned(),
        },
    )?;
    let Some(output) = generate_one(options, &config, spec, &label) else {
        return Ok(Outcome::SpecErrors);
    };
    if options.check {
        let drift = write::check_tree(out, &output.files)?;
        if !drift.is_empty() {
            let old = out.join("src").join(openapi_gen::diff::DESCRIPTION_FILE);
            let old_label = old.display().to_string();
            eprint!("{}", diff::drift_summary(&old, &old_label, spec, &label));
        }
        for item in &drift {
            eprintln!("{}", item.describe());
        }
        return Ok(if drift.is_empty() {
            Outcome::Done
        } else {
            Outcome::Stale
        });
    }
    write::write_tree(out, &output.files)?;
    if !options.quiet {
        eprintln!("wrote crate `{name}` to {}", out.display());
    }
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("cli lives inside the workspace")
            .to_path_buf()
    }

    /// A standalone crate is replaced whole or not at all: a broken spec leaves the old tree.
    #[test]
    fn standalone_output_is_untouched_on_error() {
        let real = workspace_root();
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("crate");
        let options = Options {
            quiet: true,
            ..Default::default()
        };
        let good = real.join("specs/coveo/openapi.yaml");
        assert_eq!(
            standalone(&options, &good, &out, "coveo_api").unwrap(),
            Outcome::Done
        );
        let before = fs::read_to_string(out.join("src/client.rs")).unwrap();
        fs::create_dir_all(out.join("target")).unwrap();

        let broken = temp.path().join("broken.yaml");
        fs::write(&broken, "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n").unwrap();
        assert_eq!(
            standalone(&options, &broken, &out, "coveo_api").unwrap(),
            Outcome::SpecErrors
        );
        assert_eq!(
            fs::read_to_string(out.join("src/client.rs")).unwrap(),
            before
        );

        assert_eq!(
            standalone(&options, &good, &out, "coveo_api").unwrap(),
            Outcome::Done
        );
        assert!(
            out.join("target").exists(),
            "the build directory survives regeneration"
        );
        assert!(out.join("Cargo.toml").exists());
        let check = Options {
            check: true,
            ..options
        };
        assert_eq!(
            standalone(&check, &good, &out, "coveo_api").unwrap(),
            Outcome::Done
        );
    }

    #[test]
    fn the_summary_line_names_counts_and_time() {
        let spec = workspace_root().join("specs/coveo/openapi.yaml");
        let output = openapi_gen::generate(&Config::default(), &spec).unwrap();
        let line = report::summary_line("coveo", &output, std::time::Duration::from_millis(1234));
        assert!(line.starts_with("coveo: "), "{line}");
        assert!(
            line.contains(" operations, ") && line.contains(" types, "),
            "{line}"
        );
        assert!(line.ends_with("to serde_json::Value, 1.23 s"), "{line}");
    }
}
