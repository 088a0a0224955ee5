//! `cargo xtask diff-truth`: measures `diff` against the compiler over a series of versions
//! (GitHub Enterprise Server 2.18 to 3.8 from the public corpus by default). For each version it
//! generates the crate and a program using every public item of it (`usage.rs`), checks that
//! program against its own crate (the baseline, which must compile) and against the next
//! version's crate, and scores the `diff` report between the two versions against the errors
//! (`errors.rs`): precision (breaking changes that do break the program) and recall (errors a
//! breaking change explains), for client code and server code apart.

mod errors;
mod usage;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use openapi_gen::ir::Api;
use openapi_gen::{Config, Layout};
use openapi_gen_cli::{write, Outcome};

use crate::corpus::fetch::fetch_corpus;
use crate::generate::workspace_root;
use errors::{cargo_check, score, CompileError, Score};

#[derive(clap::Args, Debug)]
pub struct DiffTruthArgs {
    /// A directory of `<prefix><version>.json` descriptions; default: the public corpus's
    /// `github.com/` (fetched with npm into `target/corpus-cache/` when missing).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The file name prefix of the series.
    #[arg(long, default_value = "ghes-")]
    pub prefix: String,
    /// The first version to use (`2.18`).
    #[arg(long)]
    pub from: Option<String>,
    /// The last version to use (`3.8`).
    #[arg(long)]
    pub to: Option<String>,
    /// Work directory: crates, programs, the shared build directory and `report.md`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Keep the generated crates, programs and build directory (deleted as the run goes by
    /// default, to bound disk use).
    #[arg(long)]
    pub keep: bool,
}

/// A version of the series: its text (`3.8`) and its numbers, for sorting.
fn versions(dir: &Path, prefix: &str) -> Result<Vec<(Vec<u32>, String, PathBuf)>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(version) = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".json"))
        else {
            continue;
        };
        let numbers: Option<Vec<u32>> = version.split('.').map(|n| n.parse().ok()).collect();
        if let Some(numbers) = numbers {
            found.push((numbers, version.to_owned(), path));
        }
    }
    found.sort();
    Ok(found)
}

fn parse_version(text: &str) -> Vec<u32> {
    text.split('.').filter_map(|n| n.parse().ok()).collect()
}

/// One version, generated and with its usage program written.
struct Version {
    name: String,
    api: Api,
    crate_dir: PathBuf,
    usage: usage::Usage,
    /// Lines of its usage program that fail against its own crate (left out of the scores).
    baseline_errors: Vec<usize>,
}

/// Per pair: the timings and scores.
struct PairResult {
    old: String,
    new: String,
    diff_time: Duration,
    breaking_changes: usize,
    changes: usize,
    bump: &'static str,
    client: Score,
    server: Score,
    check_time: Duration,
}

pub fn run(args: &DiffTruthArgs) -> Result<Outcome> {
    let root = workspace_root();
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => fetch_corpus(&root)?.join("github.com"),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("target/diff-truth"));
    let out = std::path::absolute(&out)?;
    fs::create_dir_all(&out)?;
    let target = out.join("target");
    let from = args.from.as_deref().map(parse_version);
    let to = args.to.as_deref().map(parse_version);
    let series: Vec<_> = versions(&dir, &args.prefix)?
        .into_iter()
        .filter(|(n, ..)| {
            from.as_ref().is_none_or(|f| n >= f) && to.as_ref().is_none_or(|t| n <= t)
        })
        .collect();
    if series.len() < 2 {
        bail!(
            "{} holds fewer than two `{}<version>.json` in the range",
            dir.display(),
            args.prefix
        );
    }
    eprintln!(
        "diff-truth: {} versions ({} to {}), {} pairs, in {}",
        series.len(),
        series[0].1,
        series[series.len() - 1].1,
        series.len() - 1,
        out.display()
    );
    let started = Instant::now();
    let mut previous: Option<Version> = None;
    let mut results = Vec::new();
    let mut details = String::new();
    for (_, name, path) in &series {
        let version = prepare(&root, &out, &target, name, path)?;
        if let Some(old) = &previous {
            let result = measure(
                &root,
                &out,
                &target,
                old,
                &version,
                path,
                &series,
                &mut details,
            )?;
            eprintln!(
                "diff-truth: {} -> {}: diff {:.0} ms, {} changes ({} breaking); client precision {}/{} recall {}/{}; server precision {}/{} recall {}/{}",
                result.old,
                result.new,
                result.diff_time.as_secs_f64() * 1000.0,
                result.changes,
                result.breaking_changes,
                result.client.confirmed,
                result.client.reported,
                result.client.explained,
                result.client.error_lines,
                result.server.confirmed,
                result.server.reported,
                result.server.explained,
                result.server.error_lines
            );
            results.push(result);
            if !args.keep {
                let _ = fs::remove_dir_all(&old.crate_dir);
            }
        }
        previous = Some(version);
    }
    if let (Some(last), false) = (&previous, args.keep) {
        let _ = fs::remove_dir_all(&last.crate_dir);
        let _ = fs::remove_dir_all(out.join("checks"));
        let _ = fs::remove_dir_all(&target);
    }
    let table = table(&results);
    let text = format!(
        "# diff-truth: {} ({} pairs, {:.0} s)\n\n{table}\n## Details\n\n{details}",
        dir.display(),
        results.len(),
        started.elapsed().as_secs_f64()
    );
    fs::write(out.join("report.md"), &text)?;
    println!("{table}");
    eprintln!("diff-truth: report in {}", out.join("report.md").display());
    let unreported: usize = results
        .iter()
        .map(|r| {
            (r.client.error_lines - r.client.explained)
                + (r.server.error_lines - r.server.explained)
        })
        .sum();
    Ok(if unreported == 0 {
        Outcome::Done
    } else {
        Outcome::Breaking
    })
}

/// Generates a version's crate, lowers it, writes its usage program and checks the program
/// against the crate (the baseline).
fn prepare(root: &Path, out: &Path, target: &Path, name: &str, path: &Path) -> Result<Version> {
    let label = path.display().to_string();
    let crate_dir = out.join("crates").join(name);
    let mut config = Config::default();
    config.spec_label(&label).layout(Layout::Crate {
        name: "api-under-test".to_owned(),
    });
    let generated = openapi_gen::generate(&config, path).map_err(|d| anyhow::anyhow!("{d}"))?;
    write::write_tree(&crate_dir, &generated.files)?;
    let api = openapi_gen::diff::lower_spec(path, &label).map_err(|d| anyhow::anyhow!("{d}"))?;
    let usage = usage::write_usage(&api);
    let check_dir = out.join("checks").join(format!("{name}-self"));
    write_program(root, &check_dir, &crate_dir, &usage.source)?;
    let (errors, time, _) = cargo_check(&check_dir, target)?;
    eprintln!(
        "diff-truth: {name}: baseline {} errors ({:.0} s)",
        errors.len(),
        time.as_secs_f64()
    );
    let mut baseline_errors: Vec<usize> = errors.iter().map(|e| e.line).collect();
    baseline_errors.sort();
    baseline_errors.dedup();
    if !baseline_errors.is_empty() {
        let lines: Vec<&str> = usage.source.lines().collect();
        for e in errors.iter().take(10) {
            eprintln!(
                "  baseline error line {}: {} {} | {}",
                e.line,
                e.code,
                e.message,
                lines.get(e.line - 1).map(|l| l.trim()).unwrap_or("")
            );
        }
    }
    let _ = fs::remove_dir_all(&check_dir);
    Ok(Version {
        name: name.to_owned(),
        api,
        crate_dir,
        usage,
        baseline_errors,
    })
}

/// A package at `dir` whose `src/main.rs` is `source`, depending on the crate at `crate_dir`
/// as `api`, with the workspace's lock file (the same dependency versions, nothing to fetch).
fn write_program(root: &Path, dir: &Path, crate_dir: &Path, source: &str) -> Result<()> {
    fs::create_dir_all(dir.join("src"))?;
    let mut manifest = format!(
        "[package]\nname = \"usage\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\napi = {{ package = \"api-under-test\", path = \"{}\" }}\n",
        crate_dir.display()
    );
    for (name, requirement) in openapi_gen::manifest::DIRECT_DEPENDENCIES {
        let _ = writeln!(manifest, "{name} = {requirement}");
    }
    fs::write(dir.join("Cargo.toml"), manifest)?;
    fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    fs::write(dir.join("src/main.rs"), source)?;
    Ok(())
}

/// Diffs two versions (timed), checks the old program against the new crate and scores.
#[allow(clippy::too_many_arguments)]
fn measure(
    root: &Path,
    out: &Path,
    target: &Path,
    old: &Version,
    new: &Version,
    _new_path: &Path,
    _series: &[(Vec<u32>, String, PathBuf)],
    details: &mut String,
) -> Result<PairResult> {
    let started = Instant::now();
    let report = openapi_gen::diff::diff_apis(&old.api, &new.api);
    let diff_time = started.elapsed();
    let check_dir = out
        .join("checks")
        .join(format!("{}-to-{}", old.name, new.name));
    write_program(root, &check_dir, &new.crate_dir, &old.usage.source)?;
    let (errors, check_time, elsewhere) = cargo_check(&check_dir, target)?;
    if elsewhere {
        eprintln!("diff-truth: note: errors outside the program");
    }
    let lines: Vec<&str> = old.usage.source.lines().collect();
    let kept: Vec<&CompileError> = errors
        .iter()
        .filter(|e| old.baseline_errors.binary_search(&e.line).is_err())
        .collect();
    let (client_errors, server_errors): (Vec<&CompileError>, Vec<&CompileError>) =
        kept.iter().partition(|e| e.line < old.usage.server_from);
    let client = score(&report, &|c| c.impact.client, &lines, &client_errors);
    let server = score(&report, &|c| c.impact.server, &lines, &server_errors);
    let _ = writeln!(details, "### {} -> {}\n", old.name, new.name);
    for (side, s) in [("client", &client), ("server", &server)] {
        let _ = writeln!(
            details,
            "{side}: {} unconfirmed breaking changes, {} unexplained error lines\n",
            s.unconfirmed.len(),
            s.unexplained.len()
        );
        for line in s.unexplained.iter().take(40) {
            let _ = writeln!(details, "- unexplained: {line}");
        }
        for line in s.unconfirmed.iter().take(40) {
            let _ = writeln!(details, "- unconfirmed: {line}");
        }
        let _ = writeln!(details);
    }
    let _ = fs::remove_dir_all(&check_dir);
    Ok(PairResult {
        old: old.name.clone(),
        new: new.name.clone(),
        diff_time,
        breaking_changes: report
            .changes
            .iter()
            .filter(|c| c.impact.breaks_source())
            .count(),
        changes: report.changes.len(),
        bump: report.bump().as_str(),
        client,
        server,
        check_time,
    })
}

fn ratio(part: usize, whole: usize) -> String {
    if whole == 0 {
        "-".to_owned()
    } else {
        format!("{:.3}", part as f64 / whole as f64)
    }
}

/// The summary table, one row per pair and a total.
fn table(results: &[PairResult]) -> String {
    let mut text = String::from(
        "| pair | changes | breaking | bump | client precision | masked | client recall | server precision | masked | server recall | unreported errors | diff ms | check s |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let mut total = (Score::default(), Score::default());
    for r in results {
        let unreported = (r.client.error_lines - r.client.explained)
            + (r.server.error_lines - r.server.explained);
        let _ = writeln!(
            text,
            "| {} -> {} | {} | {} | {} | {} ({}/{}) | {} | {} ({}/{}) | {} ({}/{}) | {} | {} ({}/{}) | {} | {:.0} | {:.0} |",
            r.old,
            r.new,
            r.changes,
            r.breaking_changes,
            r.bump,
            ratio(r.client.confirmed, r.client.reported),
            r.client.confirmed,
            r.client.reported,
            r.client.masked,
            ratio(r.client.explained, r.client.error_lines),
            r.client.explained,
            r.client.error_lines,
            ratio(r.server.confirmed, r.server.reported),
            r.server.confirmed,
            r.server.reported,
            r.server.masked,
            ratio(r.server.explained, r.server.error_lines),
            r.server.explained,
            r.server.error_lines,
            unreported,
            r.diff_time.as_secs_f64() * 1000.0,
            r.check_time.as_secs_f64()
        );
        for (sum, s) in [(&mut total.0, &r.client), (&mut total.1, &r.server)] {
            sum.confirmed += s.confirmed;
            sum.masked += s.masked;
            sum.reported += s.reported;
            sum.explained += s.explained;
            sum.error_lines += s.error_lines;
        }
    }
    let (c, s) = &total;
    let _ = writeln!(
        text,
        "| **all** | | | | {} ({}/{}) | {} | {} ({}/{}) | {} ({}/{}) | {} | {} ({}/{}) | {} | | |",
        ratio(c.confirmed, c.reported),
        c.confirmed,
        c.reported,
        c.masked,
        ratio(c.explained, c.error_lines),
        c.explained,
        c.error_lines,
        ratio(s.confirmed, s.reported),
        s.confirmed,
        s.reported,
        s.masked,
        ratio(s.explained, s.error_lines),
        s.explained,
        s.error_lines,
        (c.error_lines - c.explained) + (s.error_lines - s.explained)
    );
    text
}
