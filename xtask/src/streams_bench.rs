//! `cargo xtask bench --streams`: the runtime's typed streams, decode speed against a JSON array
//! (the criterion bench `generator/benches/streams.rs`) and resident memory while 1 GiB crosses
//! loopback (the example `runtime/examples/stream_memory.rs`, which checks its own bound).
//!
//! Both run as `cargo` children in release; this file only reads criterion's estimates back and
//! prints the ratios. Targets are reported, and only the memory bound fails the command.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::generate::workspace_root;

/// The streamed decoders must read the same items at this fraction of the array's speed at least.
const MIN_RATIO: f64 = 0.9;
/// The decoders the criterion bench measures, the baseline first.
const DECODERS: [&str; 3] = ["json_array", "sse", "json_lines"];

pub fn run() -> Result<()> {
    let root = workspace_root();
    let load_before = crate::bench::load_average();
    cargo(
        &root,
        &["bench", "--package", "openapi-gen", "--bench", "streams"],
    )?;
    let mut rows = Vec::new();
    for decoder in DECODERS {
        let dir = root
            .join("target/criterion/streams")
            .join(decoder)
            .join("10000");
        let estimates = read_json(&dir.join("new/estimates.json"))?;
        let bench = read_json(&dir.join("new/benchmark.json"))?;
        let nanos = estimates["mean"]["point_estimate"]
            .as_f64()
            .context("criterion's mean")?;
        let bytes = bench["throughput"]["Bytes"]
            .as_f64()
            .context("criterion's throughput")?;
        rows.push((decoder, nanos, bytes * 1e3 / nanos));
    }
    let load_between = crate::bench::load_average();
    // The example prints its own table and fails when a process grew past its bound.
    let memory = cargo(
        &root,
        &[
            "run",
            "--release",
            "--package",
            "openapi-gen-runtime",
            "--features",
            "client,server",
            "--example",
            "stream_memory",
        ],
    );
    let load_after = crate::bench::load_average();

    let baseline = rows[0].2;
    println!("\n| decoder (10,000 chat completion chunks) | time | MB/s of the items' JSON | ratio to the array | target |");
    println!("| --- | ---: | ---: | ---: | --- |");
    for (decoder, nanos, mbps) in &rows {
        let ratio = mbps / baseline;
        let target = match *decoder {
            "json_array" => "baseline".to_owned(),
            _ if ratio >= MIN_RATIO => format!("met (≥ {MIN_RATIO})"),
            _ => format!("MISSED (< {MIN_RATIO})"),
        };
        println!(
            "| {decoder} | {:.2} ms | {mbps:.0} | {ratio:.2} | {target} |",
            nanos / 1e6
        );
    }
    let load = |l: Option<f64>| l.map_or_else(|| "?".to_owned(), |l| format!("{l:.2}"));
    println!(
        "\nload average (1 min): {} before, {} between, {} after; {} CPUs",
        load(load_before),
        load(load_between),
        load(load_after),
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    let report = json!({
        "decoders": rows.iter().map(|(d, n, m)| json!({"decoder": d, "mean_ns": n, "mb_per_s": m, "ratio": m / baseline})).collect::<Vec<_>>(),
        "load_average": [load_before, load_between, load_after],
    });
    let path = root.join("target/bench/streams.json");
    fs::create_dir_all(path.parent().expect("a file in a directory"))?;
    fs::write(&path, serde_json::to_string_pretty(&report)? + "\n")?;
    eprintln!("wrote {}", path.display());
    memory
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(args)
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Value> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(serde_json::from_str(&text)?)
}
