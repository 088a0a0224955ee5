//! `cargo xtask bench`: generator time per phase and peak memory on the full Qovery spec and on
//! synthetic specs, lines emitted, and `cargo check` times of the generated Qovery crate.
//!
//! Each spec is measured in a child process (`bench-run`) so its peak memory is its own. The
//! table is printed and written as JSON to `target/bench/bench.json`. Targets are reported, not
//! asserted: timing belongs here, never in `cargo test`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::generate::workspace_root;
use crate::synthetic::synthetic_spec;
use openapi_gen_cli::write::write_tree;

/// The targets of the performance issue.
const MAX_GENERATE_SECS: f64 = 0.3;
const MAX_PEAK_MIB: f64 = 150.0;
const MAX_LINES: u64 = 60_000;
const MAX_CHECK_ALL_SECS: f64 = 20.0;
const MAX_CHECK_CLIENT_SECS: f64 = 12.0;
const MAX_CHECK_ONE_TAG_SECS: f64 = 3.0;
/// Issue #29: ours against the peer on the same spec (generation, installed commands; `cargo
/// check` of our full crate against the peer's client-only crate).
const MAX_GENERATE_PEER_RATIO: f64 = 0.15;
const MAX_CHECK_PEER_RATIO: f64 = 0.30;
/// Time per operation at the largest synthetic size may exceed that at the next size by this
/// factor at most, or growth is not linear.
const MAX_PER_OP_GROWTH: f64 = 1.5;

#[derive(clap::Args)]
pub struct BenchArgs {
    /// Generation runs per spec; the median of each phase is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Sizes (operations) of the synthetic specs.
    #[arg(long, value_delimiter = ',', default_values_t = vec![100, 1_000, 10_000])]
    synthetic: Vec<usize>,
    /// Skip the `cargo check` measurements of the generated Qovery crate (they take minutes).
    #[arg(long)]
    no_check: bool,
    /// Run only the model bench: decode and encode of a large Qovery document, the runtime's
    /// `object!` impls against serde's derives (see `models_bench.rs`).
    #[arg(long)]
    models: bool,
    /// Run only the stream benches: SSE and JSON Lines decoding against a JSON array (criterion,
    /// `generator/benches/streams.rs`) and resident memory while 1 GiB streams over loopback
    /// (`runtime/examples/stream_memory.rs`); see `streams_bench.rs`.
    #[arg(long, conflicts_with = "models")]
    streams: bool,
    /// Timed rounds of the model bench (each decodes and encodes the document once per version).
    #[arg(long, default_value_t = 15)]
    model_rounds: usize,
    /// The full Qovery spec.
    #[arg(long, default_value = "../shared/specs/qovery-openapi.yaml")]
    qovery: PathBuf,
    /// Skip the comparison with the peer (progenitor, installed from crates.io on first use):
    /// generation time, installed command against installed command, and `cargo check` of its
    /// crate against ours, interleaved.
    #[arg(long)]
    no_peer: bool,
}

/// Arguments of the hidden per-spec child process.
#[derive(clap::Args)]
pub struct RunArgs {
    #[arg(long)]
    spec: PathBuf,
    #[arg(long)]
    out: PathBuf,
    #[arg(long)]
    runs: usize,
}

pub fn run(args: &BenchArgs) -> Result<()> {
    let root = workspace_root();
    if args.streams {
        // Both parts are release builds of their own, run through cargo.
        return crate::streams_bench::run();
    }
    if args.models {
        // The runner is a release build of its own; the generator's speed does not matter here.
        let report = crate::models_bench::run(&root.join(&args.qovery), args.model_rounds)?;
        let path = root.join("target/bench/models/models.json");
        fs::write(&path, serde_json::to_string_pretty(&report)? + "\n")?;
        eprintln!("\nwrote {}", path.display());
        return Ok(());
    }
    if cfg!(debug_assertions) {
        // `cargo xtask` is a debug build; generator timings only mean something in release.
        let status = Command::new(env!("CARGO"))
            .current_dir(&root)
            .args(["run", "--release", "--quiet", "--package", "xtask", "--"])
            .args(std::env::args_os().skip(1))
            .status()
            .context("running the release build of xtask")?;
        if !status.success() {
            bail!("the release benchmark failed ({status})");
        }
        return Ok(());
    }
    // Timings are only comparable on an idle machine; the load average goes into the report.
    let load_before = load_average();
    let bench_dir = root.join("target/bench");
    fs::create_dir_all(bench_dir.join("specs"))?;

    let mut specs: Vec<(String, PathBuf)> = Vec::new();
    let qovery = root.join(&args.qovery);
    if qovery.exists() {
        specs.push(("qovery".to_owned(), qovery.clone()));
    } else {
        eprintln!(
            "{} not found; the Qovery rows are skipped",
            qovery.display()
        );
    }
    for &operations in &args.synthetic {
        let path = bench_dir.join(format!("specs/synthetic-{operations}.yaml"));
        fs::write(&path, synthetic_spec(operations))?;
        specs.push((format!("synthetic-{operations}"), path));
    }

    let mut rows = Vec::new();
    for (name, spec) in &specs {
        eprintln!("generating {name} ({} runs)...", args.runs);
        let out = bench_dir.join("out").join(name);
        let output = Command::new(std::env::current_exe()?)
            .arg("bench-run")
            .arg("--spec")
            .arg(spec)
            .arg("--out")
            .arg(&out)
            .arg("--runs")
            .arg(args.runs.max(1).to_string())
            .output()
            .context("running bench-run")?;
        if !output.status.success() {
            bail!(
                "bench-run failed for {name}:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let mut row: Value = serde_json::from_slice(&output.stdout)
            .with_context(|| format!("reading the bench-run result for {name}"))?;
        row["spec"] = json!(name);
        rows.push(row);
    }

    let checks = if args.no_check || !qovery.exists() {
        Value::Null
    } else {
        check_times(&qovery, &bench_dir)?
    };
    let peer = if args.no_peer || !qovery.exists() {
        Value::Null
    } else {
        // The check comparison reuses the crate `check_times` wrote and its client features.
        let client_features = checks["client_features"].as_str();
        peer_comparison(&qovery, &bench_dir, args.runs, client_features)?
    };
    let targets = targets(&rows, &checks, &peer, &args.synthetic);
    let report = json!({
        "generation": rows,
        "cargo_check": checks,
        "peer": peer,
        "targets": targets,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    });
    print_table(&report);
    let json_path = bench_dir.join("bench.json");
    fs::write(&json_path, serde_json::to_string_pretty(&report)? + "\n")?;
    eprintln!("\nwrote {}", json_path.display());
    Ok(())
}

/// The child process: generates one spec `runs` times and prints the medians as JSON.
pub fn run_one(args: &RunArgs) -> Result<()> {
    // As the front ends do (`openapi_gen_cli::allocator`).
    openapi_gen_cli::allocator::tune(fs::metadata(&args.spec).map_or(u64::MAX, |m| m.len()));
    let label = args.spec.display().to_string();
    let mut config = openapi_gen::Config::default();
    config
        .spec_label(&label)
        .layout(openapi_gen::Layout::Crate {
            name: "bench_output".to_owned(),
        });
    let mut samples: Vec<[Duration; 7]> = Vec::new();
    let mut summary = None;
    for _ in 0..args.runs {
        let started = Instant::now();
        let output =
            openapi_gen::generate(&config, &args.spec).map_err(|d| anyhow::anyhow!("{d}"))?;
        let load = output.summary.timings.load;
        let before_write = Instant::now();
        write_tree(&args.out, &output.files)?;
        let write = before_write.elapsed();
        let total = started.elapsed();
        let t = output.summary.timings;
        samples.push([load, t.lower, t.emit, t.format, t.emit_wall, write, total]);
        summary = Some(output.summary);
    }
    let summary = summary.expect("at least one run");
    let median = |index: usize| median(samples.iter().map(|s| s[index].as_secs_f64() * 1000.0));
    let result = json!({
        "operations": summary.operations,
        "types": summary.types,
        "lines": summary.lines,
        "load_ms": median(0),
        "lower_ms": median(1),
        "emit_ms": median(2),
        "format_ms": median(3),
        "emit_and_format_wall_ms": median(4),
        "write_ms": median(5),
        "total_ms": median(6),
        "peak_rss_mib": peak_rss_mib(),
    });
    println!("{result}");
    Ok(())
}

/// The 1-minute load average (Linux only).
pub(crate) fn load_average() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The process's peak resident set size (`VmHWM`), in MiB; Linux only.
fn peak_rss_mib() -> Option<f64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// `cargo check` of the generated Qovery crate: all features, the client alone, and one tag.
fn check_times(spec: &Path, bench_dir: &Path) -> Result<Value> {
    let label = spec.display().to_string();
    let mut config = openapi_gen::Config::default();
    config
        .spec_label(&label)
        .layout(openapi_gen::Layout::Crate {
            name: "qovery_full".to_owned(),
        });
    let loaded = openapi_gen::load_spec(spec, &label).map_err(|d| anyhow::anyhow!("{d}"))?;
    let output =
        openapi_gen::generate_from(&config, &loaded).map_err(|d| anyhow::anyhow!("{d}"))?;
    let crate_dir = bench_dir.join("qovery_full");
    write_tree(&crate_dir, &output.files)?;
    let target_dir = bench_dir.join("check-target");

    // The tag with the most operations: the slowest single tag a user could pick.
    let lowered = openapi_gen::lower_api(&loaded.openapi).map_err(|d| anyhow::anyhow!("{d}"))?;
    let api = &lowered.api;
    let (tag, tag_operations) = api
        .tags
        .iter()
        .map(|t| {
            let count = api
                .operations
                .iter()
                .filter(|op| op.tags.contains(&t.wire_name))
                .count();
            (format!("tag-{}", t.feature_name), count)
        })
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .context("the Qovery spec has no tags")?;
    let all_tags: Vec<String> = api
        .tags
        .iter()
        .map(|t| format!("tag-{}", t.feature_name))
        .chain(["unreferenced-models".to_owned()])
        .collect();
    let client_features = format!("client,{}", all_tags.join(","));
    let one_tag_features = format!("client,server,{tag}");

    let all_args: &[&str] = &[];
    let client_args = ["--no-default-features", "--features", &client_features];
    let one_tag_args = ["--no-default-features", "--features", &one_tag_features];
    // Each feature set can build its dependencies with other features, so each is checked once
    // untimed first: the timed run then checks the crate alone.
    eprintln!("building the dependencies of the Qovery crate for each feature set (not timed)...");
    for args in [all_args, &client_args, &one_tag_args] {
        cargo_check(&crate_dir, &target_dir, args)?;
    }
    eprintln!("timing cargo check (CARGO_INCREMENTAL=0)...");
    let all = cargo_check(&crate_dir, &target_dir, all_args)?;
    let client = cargo_check(&crate_dir, &target_dir, &client_args)?;
    let one_tag = cargo_check(&crate_dir, &target_dir, &one_tag_args)?;
    Ok(json!({
        "all_features_s": all.wall_s,
        "all_features_cpu_s": all.cpu_s,
        "client_only_s": client.wall_s,
        "client_only_cpu_s": client.cpu_s,
        "client_features": client_features,
        "one_tag_s": one_tag.wall_s,
        "one_tag": tag,
        "one_tag_operations": tag_operations,
    }))
}

/// Ours against the peer on the Qovery spec, in alternated runs: generation by the two installed
/// commands (ours from the original spec, the peer from the copy with its edits; both write a
/// crate), and, given the client features of the crate `check_times` wrote, `cargo check` of
/// our full crate (all features) and of our client alone against the peer's client-only crate,
/// each crate alone after its dependencies. Wall and CPU time both.
fn peer_comparison(
    spec: &Path,
    bench_dir: &Path,
    runs: usize,
    client_features: Option<&str>,
) -> Result<Value> {
    let root = workspace_root();
    let peer = crate::peer::installed()?;
    let peer_dir = bench_dir.join("peer-out");
    let peer_spec = crate::peer::edited_spec(spec, &peer_dir)?;
    eprintln!("building the openapi-gen command (release)...");
    let status = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "build",
            "--release",
            "--quiet",
            "--package",
            "openapi-gen-cli",
        ])
        .status()?;
    if !status.success() {
        bail!("building openapi-gen failed");
    }
    let ours = root.join("target/release/openapi-gen");
    let ours_out = bench_dir.join("ours-out/qovery");
    let peer_out = peer_dir.join("qovery_peer");
    eprintln!("generating with both commands, alternated ({runs} runs each)...");
    let (mut ours_g, mut peer_g) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let (status, measured) = Measured::child(|| {
            Command::new(&ours)
                .args(["--quiet", "--crate-name", "qovery", "--spec"])
                .arg(spec)
                .arg("--out")
                .arg(&ours_out)
                .status()
        });
        ours_g.push(measured);
        if !status?.success() {
            bail!("openapi-gen failed on {}", spec.display());
        }
        let (generated, measured) =
            Measured::child(|| crate::peer::generate(&peer, &peer_spec, &peer_out, "qovery_peer"));
        generated?;
        peer_g.push(measured);
    }
    let (ours_generate, peer_generate) = (medians(&ours_g), medians(&peer_g));
    let mut report = json!({
        "peer": format!("{} {}", crate::peer::PEER, crate::peer::PEER_VERSION),
        "generate_ours_s": ours_generate.wall_s,
        "generate_peer_s": peer_generate.wall_s,
        "generate_ratio": ours_generate.wall_s / peer_generate.wall_s,
        "generate_ours_cpu_s": ours_generate.cpu_s,
        "generate_peer_cpu_s": peer_generate.cpu_s,
        "generate_cpu_ratio": ours_generate.cpu_s / peer_generate.cpu_s,
    });
    if let Some(client_features) = client_features {
        // The peer's crate sits under this workspace's target directory: it is a workspace of
        // its own.
        let manifest = peer_out.join("Cargo.toml");
        let text = fs::read_to_string(&manifest)?;
        fs::write(&manifest, text + "\n[workspace]\n")?;
        let ours_crate = bench_dir.join("qovery_full");
        let peer_target = bench_dir.join("peer-check-target");
        let ours_target = bench_dir.join("check-target");
        // Ours with every feature (client, server, models), and ours with what the peer's crate
        // holds (the client and its models): like for like.
        let client_args = ["--no-default-features", "--features", client_features];
        eprintln!("building the peer crate's dependencies (not timed)...");
        cargo_check(&peer_out, &peer_target, &[])?;
        cargo_check(&ours_crate, &ours_target, &[])?;
        cargo_check(&ours_crate, &ours_target, &client_args)?;
        eprintln!("timing cargo check of the three, alternated ({runs} runs each)...");
        let (mut ours_c, mut ours_client_c, mut peer_c) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs.max(1) {
            ours_c.push(cargo_check(&ours_crate, &ours_target, &[])?);
            peer_c.push(cargo_check(&peer_out, &peer_target, &[])?);
            ours_client_c.push(cargo_check(&ours_crate, &ours_target, &client_args)?);
        }
        let (ours, ours_client, peer) =
            (medians(&ours_c), medians(&ours_client_c), medians(&peer_c));
        report["check_ours_all_features_s"] = json!(ours.wall_s);
        report["check_ours_client_s"] = json!(ours_client.wall_s);
        report["check_peer_client_s"] = json!(peer.wall_s);
        report["check_ratio"] = json!(ours.wall_s / peer.wall_s);
        report["check_client_ratio"] = json!(ours_client.wall_s / peer.wall_s);
        report["check_ours_all_features_cpu_s"] = json!(ours.cpu_s);
        report["check_ours_client_cpu_s"] = json!(ours_client.cpu_s);
        report["check_peer_client_cpu_s"] = json!(peer.cpu_s);
        report["check_cpu_ratio"] = json!(ours.cpu_s / peer.cpu_s);
        report["check_client_cpu_ratio"] = json!(ours_client.cpu_s / peer.cpu_s);
    }
    Ok(report)
}

/// One `cargo check` of the crate alone: its `lib.rs` is touched so only it is rechecked, and
/// `CARGO_INCREMENTAL=0` so the incremental cache does not hide the cost.
fn cargo_check(crate_dir: &Path, target_dir: &Path, args: &[&str]) -> Result<Measured> {
    let lib = crate_dir.join("src/lib.rs");
    fs::File::options()
        .append(true)
        .open(&lib)?
        .set_modified(SystemTime::now())?;
    let (status, measured) = Measured::child(|| {
        Command::new(env!("CARGO"))
            .current_dir(crate_dir)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TARGET_DIR", target_dir)
            .args(["check", "--quiet"])
            .args(args)
            .status()
            .context("running cargo check")
    });
    if !status?.success() {
        bail!(
            "cargo check {} failed in {}",
            args.join(" "),
            crate_dir.display()
        );
    }
    Ok(measured)
}

/// The wall time and the CPU time (user and system, of every process it waited for) of one
/// timed command. On a shared machine the CPU time moves far less with the load than the wall
/// time does, so both are reported; a parallel program's wall time is what its user waits for.
#[derive(Clone, Copy)]
struct Measured {
    wall_s: f64,
    cpu_s: f64,
}

impl Measured {
    /// Runs `run`, which starts child processes and waits for them, and measures it.
    fn child<T>(run: impl FnOnce() -> T) -> (T, Measured) {
        let (cpu_before, started) = (children_cpu_s(), Instant::now());
        let value = run();
        let measured = Measured {
            wall_s: started.elapsed().as_secs_f64(),
            cpu_s: children_cpu_s() - cpu_before,
        };
        (value, measured)
    }
}

/// The user and system time of every child process this one has waited for, in seconds.
fn children_cpu_s() -> f64 {
    // SAFETY: `getrusage` only writes the struct it is given, which is zeroed plain data.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// The median of the wall times and, apart, of the CPU times.
fn medians(runs: &[Measured]) -> Measured {
    Measured {
        wall_s: median(runs.iter().map(|m| m.wall_s)),
        cpu_s: median(runs.iter().map(|m| m.cpu_s)),
    }
}

/// The middle value (the upper one of an even count); there is at least one.
fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.into_iter().collect();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Each target with the measured figure and whether it holds.
fn targets(rows: &[Value], checks: &Value, peer: &Value, sizes: &[usize]) -> Value {
    let mut out = Vec::new();
    let mut add = |name: &str, measured: Option<f64>, limit: f64, unit: &str| {
        if let Some(measured) = measured {
            out.push(json!({
                "target": name, "measured": measured, "limit": limit, "unit": unit,
                "met": measured <= limit,
            }));
        }
    };
    let row = |spec: &str| rows.iter().find(|r| r["spec"] == spec);
    if let Some(q) = row("qovery") {
        add(
            "generate Qovery (wall)",
            q["total_ms"].as_f64().map(|ms| ms / 1000.0),
            MAX_GENERATE_SECS,
            "s",
        );
        add(
            "generate Qovery (peak memory)",
            q["peak_rss_mib"].as_f64(),
            MAX_PEAK_MIB,
            "MiB",
        );
        add(
            "lines emitted for Qovery",
            q["lines"].as_f64(),
            MAX_LINES as f64,
            "lines",
        );
    }
    let mut sorted = sizes.to_vec();
    sorted.sort_unstable();
    if let [.., smaller, largest] = sorted.as_slice() {
        let per_op = |n: usize| {
            row(&format!("synthetic-{n}"))
                .and_then(|r| r["total_ms"].as_f64())
                .map(|ms| ms / n as f64)
        };
        if let (Some(a), Some(b)) = (per_op(*smaller), per_op(*largest)) {
            add(
                &format!("time per operation, {largest} vs {smaller} operations"),
                Some(b / a),
                MAX_PER_OP_GROWTH,
                "ratio",
            );
        }
    }
    if !checks.is_null() {
        add(
            "cargo check, all features",
            checks["all_features_s"].as_f64(),
            MAX_CHECK_ALL_SECS,
            "s",
        );
        add(
            "cargo check, client only",
            checks["client_only_s"].as_f64(),
            MAX_CHECK_CLIENT_SECS,
            "s",
        );
        add(
            "cargo check, one tag",
            checks["one_tag_s"].as_f64(),
            MAX_CHECK_ONE_TAG_SECS,
            "s",
        );
    }
    if !peer.is_null() {
        add(
            "generate Qovery / the peer's",
            peer["generate_ratio"].as_f64(),
            MAX_GENERATE_PEER_RATIO,
            "ratio",
        );
        add(
            "generate Qovery / the peer's (CPU time)",
            peer["generate_cpu_ratio"].as_f64(),
            MAX_GENERATE_PEER_RATIO,
            "ratio",
        );
        add(
            "cargo check all features / the peer's client",
            peer["check_ratio"].as_f64(),
            MAX_CHECK_PEER_RATIO,
            "ratio",
        );
        add(
            "cargo check all features / the peer's client (CPU)",
            peer["check_cpu_ratio"].as_f64(),
            MAX_CHECK_PEER_RATIO,
            "ratio",
        );
    }
    Value::Array(out)
}

fn print_table(report: &Value) {
    println!(
        "\n{:<17} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>8} {:>7}",
        "spec",
        "ops",
        "types",
        "lines",
        "load",
        "lower",
        "emit",
        "format",
        "write",
        "total",
        "peak",
        "us/op"
    );
    println!(
        "{:<17} {:>6} {:>6} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>8} {:>7}",
        "", "", "", "", "ms", "ms", "ms*", "ms*", "ms", "ms", "MiB", ""
    );
    for row in report["generation"].as_array().into_iter().flatten() {
        let f = |key: &str| row[key].as_f64().unwrap_or(f64::NAN);
        let operations = f("operations");
        println!(
            "{:<17} {:>6} {:>6} {:>7} {:>7.1} {:>7.1} {:>7.1} {:>7.1} {:>7.1} {:>8.1} {:>8.1} {:>7.1}",
            row["spec"].as_str().unwrap_or("?"),
            operations,
            f("types"),
            f("lines"),
            f("load_ms"),
            f("lower_ms"),
            f("emit_ms"),
            f("format_ms"),
            f("write_ms"),
            f("total_ms"),
            f("peak_rss_mib"),
            f("total_ms") * 1000.0 / operations,
        );
    }
    println!(
        "* summed over the files, which are emitted and formatted in parallel; total is wall time."
    );
    let peer = &report["peer"];
    if !peer.is_null() {
        println!(
            "\nagainst the peer ({}), Qovery, medians of alternated runs:\n  generation (installed commands) {:.2} s against {:.2} s: {:.2}x",
            peer["peer"].as_str().unwrap_or("?"),
            peer["generate_ours_s"].as_f64().unwrap_or(f64::NAN),
            peer["generate_peer_s"].as_f64().unwrap_or(f64::NAN),
            peer["generate_ratio"].as_f64().unwrap_or(f64::NAN),
        );
        println!(
            "  generation CPU time (user + system) {:.2} s against {:.2} s: {:.2}x",
            peer["generate_ours_cpu_s"].as_f64().unwrap_or(f64::NAN),
            peer["generate_peer_cpu_s"].as_f64().unwrap_or(f64::NAN),
            peer["generate_cpu_ratio"].as_f64().unwrap_or(f64::NAN),
        );
        if peer.get("check_ratio").is_some() {
            for (what, ours, ratio) in [
                ("our crate with all features", "all_features", "check"),
                ("our client alone", "client", "check_client"),
            ] {
                println!(
                    "  cargo check, {what} against the peer's client: {:.1} s against {:.1} s: {:.2}x (CPU time {:.1} s against {:.1} s: {:.2}x)",
                    peer[format!("check_ours_{ours}_s")].as_f64().unwrap_or(f64::NAN),
                    peer["check_peer_client_s"].as_f64().unwrap_or(f64::NAN),
                    peer[format!("{ratio}_ratio")].as_f64().unwrap_or(f64::NAN),
                    peer[format!("check_ours_{ours}_cpu_s")].as_f64().unwrap_or(f64::NAN),
                    peer["check_peer_client_cpu_s"].as_f64().unwrap_or(f64::NAN),
                    peer[format!("{ratio}_cpu_ratio")].as_f64().unwrap_or(f64::NAN),
                );
            }
        }
    }
    let checks = &report["cargo_check"];
    if !checks.is_null() {
        println!(
            "\ncargo check of the Qovery crate alone (CARGO_INCREMENTAL=0, dependencies built):\n  all features {:.1} s, client only {:.1} s, one tag (`{}`, {} operations) {:.1} s",
            checks["all_features_s"].as_f64().unwrap_or(f64::NAN),
            checks["client_only_s"].as_f64().unwrap_or(f64::NAN),
            checks["one_tag"].as_str().unwrap_or("?"),
            checks["one_tag_operations"],
            checks["one_tag_s"].as_f64().unwrap_or(f64::NAN),
        );
    }
    println!(
        "\nmachine: {} CPUs, load average {} before and {} after (timings assume an idle machine)",
        report["cpus"], report["load_average_before"], report["load_average_after"]
    );
    println!("\ntargets:");
    for t in report["targets"].as_array().into_iter().flatten() {
        println!(
            "  {:<48} {:>10.2} {:<5} (limit {}) {}",
            t["target"].as_str().unwrap_or("?"),
            t["measured"].as_f64().unwrap_or(f64::NAN),
            t["unit"].as_str().unwrap_or(""),
            t["limit"],
            if t["met"] == true { "met" } else { "MISSED" }
        );
    }
}
