//! `cargo xtask bench --models`: decode and encode throughput and allocations of the generated
//! models against serde's derives, on a large deterministic document of the full Qovery crate.
//!
//! The Qovery spec is generated twice into `target/bench/models/`, once with the runtime's
//! `object!` impls and once with `ModelSerde::Derive`; a document of `ApplicationResponseList`
//! with 1,000 fully populated items is built from the IR; a release runner (written here, with
//! a counting global allocator) times both and prints JSON, which this module turns into a table.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use openapi_gen::ir::{Api, EnumRepr, Presence, Type, TypeKind};
use serde_json::{json, Map, Value};

use openapi_gen_cli::write::write_tree;

use crate::generate::workspace_root;

/// The list type decoded and encoded, and how many items it holds.
const LIST_TYPE: &str = "ApplicationResponseList";
const ITEMS: usize = 1_000;
/// Targets of issue #29: throughput at least this fraction of the fastest derive-based types',
/// allocations at most this multiple of the fewest.
const MIN_THROUGHPUT_RATIO: f64 = 0.95;
const MAX_ALLOCATION_RATIO: f64 = 1.1;

pub fn run(spec: &Path, rounds: usize) -> Result<Value> {
    let root = workspace_root();
    let dir = root.join("target/bench/models");
    let label = spec.display().to_string();
    let loaded = openapi_gen::load_spec(spec, &label).map_err(|d| anyhow::anyhow!("{d}"))?;
    for (name, serde) in [
        ("qovery_ours", openapi_gen::ModelSerde::Runtime),
        ("qovery_derive", openapi_gen::ModelSerde::Derive),
    ] {
        let mut config = openapi_gen::Config::default();
        config
            .spec_label(&label)
            .client(false)
            .server(false)
            .model_serde(serde)
            .layout(openapi_gen::Layout::Crate {
                name: name.to_owned(),
            });
        let output =
            openapi_gen::generate_from(&config, &loaded).map_err(|d| anyhow::anyhow!("{d}"))?;
        write_tree(&dir.join(name), &output.files)?;
        // Both crates use the workspace's runtime, so the runner links one copy of it.
        let manifest = dir.join(name).join("Cargo.toml");
        let text = fs::read_to_string(&manifest)?;
        let runtime = root.join("runtime").display().to_string();
        fs::write(
            &manifest,
            text.replace(
                "openapi-gen-runtime = { path = \"runtime\" }",
                &format!("openapi-gen-runtime = {{ path = {runtime:?} }}"),
            ),
        )?;
        let _ = fs::remove_dir_all(dir.join(name).join("runtime"));
    }
    // The peer's typify types for the same spec, each `#[derive(Serialize, Deserialize)]`.
    let peer = crate::peer::installed()?;
    let peer_spec = crate::peer::edited_spec(spec, &dir)?;
    crate::peer::generate(&peer, &peer_spec, &dir.join("qovery_peer"), "qovery_peer")?;

    let lowered = openapi_gen::lower_api(&loaded.openapi).map_err(|d| anyhow::anyhow!("{d}"))?;
    let api = &lowered.api;
    let list = api
        .types
        .defs
        .iter()
        .position(|d| d.rust_name == LIST_TYPE)
        .with_context(|| format!("{LIST_TYPE} is not in the spec"))?;
    let mut sample = Sample { api, counter: 0 };
    let items: Vec<Value> = (0..ITEMS)
        .map(|_| {
            let def = &api.types.defs[list];
            let TypeKind::Struct(s) = &def.kind else {
                bail!("{LIST_TYPE} is not a struct")
            };
            let Some(Type::Array(item)) = s.fields.first().map(|f| &f.ty) else {
                bail!("{LIST_TYPE}'s first field is not its list")
            };
            Ok(sample.value(item, 0))
        })
        .collect::<Result<_>>()?;
    let document = serde_json::to_vec(&json!({ "results": items }))?;
    fs::write(dir.join("document.json"), &document)?;

    let runner = dir.join("runner");
    fs::create_dir_all(runner.join("src"))?;
    fs::write(runner.join("Cargo.toml"), RUNNER_MANIFEST)?;
    fs::write(
        runner.join("src/main.rs"),
        RUNNER_MAIN.replace("LIST_TYPE", LIST_TYPE),
    )?;
    eprintln!("building the model bench runner (release)...");
    // Models-only crates leave the `client`/`server` cfgs undeclared: their warnings are noise.
    let build = Command::new(env!("CARGO"))
        .current_dir(&runner)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .args(["build", "--release", "--quiet"])
        .output()
        .context("building the runner")?;
    if !build.status.success() {
        bail!(
            "the model bench runner did not build:\n{}",
            String::from_utf8_lossy(&build.stderr)
        );
    }
    let output = Command::new(dir.join("target/release/models-bench"))
        .arg(dir.join("document.json"))
        .arg(rounds.to_string())
        .output()
        .context("running the runner")?;
    if !output.status.success() {
        bail!(
            "the model bench runner failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut report: Value = serde_json::from_slice(&output.stdout)?;
    report["ratios"] = ratios(&report);
    print_models(&report);
    Ok(report)
}

/// The derive-based versions ours is held to: our own `ModelSerde::Derive` and the peer's.
const BASELINES: [(&str, &str); 2] = [
    ("derive", "serde derive (ours, `ModelSerde::Derive`)"),
    ("peer", "peer: progenitor 0.15.1 (typify derives)"),
];

/// Ours against the fastest baseline of each measure (throughput: higher is better; allocations:
/// fewer is better). Encode compares documents per second, since each version writes its own
/// bytes.
fn ratios(report: &Value) -> Value {
    let median = |who: &str, key: &str| report[who][key]["median"].as_f64().unwrap_or(0.0);
    let throughput = |key: &str| {
        let (fastest, best) = BASELINES
            .iter()
            .map(|(who, _)| (*who, median(who, key)))
            .fold(("", 0.0), |a, b| if b.1 > a.1 { b } else { a });
        json!({ "ratio": median("ours", key) / best.max(f64::MIN_POSITIVE), "against": fastest })
    };
    let allocations = |who: &str| {
        report[who]["decode_allocations"]
            .as_f64()
            .unwrap_or(f64::MAX)
    };
    let (fewest, least) = BASELINES
        .iter()
        .map(|(who, _)| (*who, allocations(who)))
        .fold(("", f64::MAX), |a, b| if b.1 < a.1 { b } else { a });
    let decode = throughput("decode_mb_s");
    let decode_schema_order = throughput("decode_schema_order_mb_s");
    let encode = throughput("encode_documents_s");
    let allocation_ratio = allocations("ours") / least.max(1.0);
    let met = [&decode, &decode_schema_order, &encode]
        .iter()
        .all(|r| r["ratio"].as_f64().unwrap_or(0.0) >= MIN_THROUGHPUT_RATIO)
        && allocation_ratio <= MAX_ALLOCATION_RATIO;
    json!({
        "decode": decode,
        "decode_schema_order": decode_schema_order,
        "encode": encode,
        "decode_allocations": { "ratio": allocation_ratio, "against": fewest },
        "met": met,
    })
}

fn print_models(report: &Value) {
    println!(
        "\nModels: {} with {ITEMS} items, {:.1} MB of JSON (release, median of {} rounds, range in brackets)\n",
        LIST_TYPE,
        report["bytes"].as_f64().unwrap_or(0.0) / 1e6,
        report["rounds"]
    );
    println!("| | decode MB/s, sorted keys | decode MB/s, schema order | encode MB/s (own bytes) | encodes/s | allocations while decoding |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let rows = [("object! (runtime): ours", "ours")]
        .into_iter()
        .chain(BASELINES.iter().map(|(key, name)| (*name, *key)));
    for (name, key) in rows {
        let r = &report[key];
        let range = |k: &str, digits: usize| {
            format!(
                "{:.digits$} [{:.digits$}-{:.digits$}]",
                r[k]["median"].as_f64().unwrap_or(0.0),
                r[k]["min"].as_f64().unwrap_or(0.0),
                r[k]["max"].as_f64().unwrap_or(0.0)
            )
        };
        println!(
            "| {name} | {} | {} | {} | {} | {} |",
            range("decode_mb_s", 0),
            range("decode_schema_order_mb_s", 0),
            range("encode_mb_s", 0),
            range("encode_documents_s", 1),
            r["decode_allocations"]
        );
    }
    let ratios = &report["ratios"];
    let cell = |key: &str, bound: &str| {
        format!(
            "{:.2}x ({bound}, against {})",
            ratios[key]["ratio"].as_f64().unwrap_or(0.0),
            ratios[key]["against"].as_str().unwrap_or("?")
        )
    };
    let at_least = format!("≥ {MIN_THROUGHPUT_RATIO}");
    println!(
        "| ours / fastest | {} | {} | | {} | {} |",
        cell("decode", &at_least),
        cell("decode_schema_order", &at_least),
        cell("encode", &at_least),
        cell("decode_allocations", &format!("≤ {MAX_ALLOCATION_RATIO}")),
    );
    println!(
        "models target: {}",
        if ratios["met"] == true {
            "met"
        } else {
            "MISSED"
        }
    );
}

/// Builds a fully populated JSON value of a type: every optional field present, two items per
/// array, values varied by a counter so the document is not one repeated string.
struct Sample<'a> {
    api: &'a Api,
    counter: u64,
}

impl Sample<'_> {
    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    fn value(&mut self, ty: &Type, depth: usize) -> Value {
        match ty {
            Type::Named(id) => self.named(id.0, depth),
            Type::String | Type::Binary => json!(format!("value-{}", self.next())),
            Type::Bool => json!(self.next() % 2 == 0),
            Type::I32 | Type::I64 => json!(self.next() % 100_000),
            Type::F32 | Type::F64 => json!((self.next() % 1000) as f64 + 0.5),
            Type::Uuid => json!(format!("00000000-0000-4000-8000-{:012x}", self.next())),
            Type::DateTime => json!(format!(
                "2024-05-06T07:{:02}:{:02}Z",
                self.next() % 60,
                self.next() % 60
            )),
            Type::Date => json!("2024-05-06"),
            Type::Array(item) => {
                if depth > 6 {
                    return json!([]);
                }
                json!([self.value(item, depth + 1), self.value(item, depth + 1)])
            }
            Type::Map(item) => {
                let key = format!("key-{}", self.next());
                json!({ key: self.value(item, depth + 1) })
            }
            Type::Nullable(inner) => self.value(inner, depth),
            Type::Null => Value::Null,
            Type::Any => json!({ "any": self.next() }),
        }
    }

    fn named(&mut self, index: usize, depth: usize) -> Value {
        let def = &self.api.types.defs[index];
        match &def.kind {
            TypeKind::Struct(s) => {
                let mut map = Map::new();
                for field in &s.fields {
                    if depth > 6 && field.presence() != Presence::Required {
                        continue;
                    }
                    map.insert(field.wire_name.clone(), self.value(&field.ty, depth + 1));
                }
                Value::Object(map)
            }
            TypeKind::Enum(e) => {
                let variant = &e.variants[self.next() as usize % e.variants.len()];
                match e.repr {
                    EnumRepr::String => json!(variant.wire_name),
                    EnumRepr::Integer => json!(variant.wire_name.parse::<i64>().unwrap_or(0)),
                }
            }
            TypeKind::Tagged(t) => {
                let readable: Vec<_> = t.variants.iter().filter(|v| v.readable).collect();
                let variant = readable[self.next() as usize % readable.len()];
                let mut value = self.value(&variant.ty, depth);
                if let Value::Object(map) = &mut value {
                    map.insert(t.tag.clone(), json!(variant.tag_values[0]));
                }
                value
            }
            TypeKind::Untagged(variants) => self.value(&variants[0].ty, depth),
            TypeKind::Alias(ty) | TypeKind::Newtype(ty) => self.value(ty, depth),
        }
    }
}

const RUNNER_MANIFEST: &str = r#"[package]
name = "models-bench"
version = "0.1.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
qovery_ours = { path = "../qovery_ours" }
qovery_derive = { path = "../qovery_derive" }
qovery_peer = { path = "../qovery_peer" }
serde_json = "1"

[profile.release]
debug = "line-tables-only"
"#;

const RUNNER_MAIN: &str = r#"//! Decodes and encodes one document with two versions of the same types; prints JSON.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

struct Counting;
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn stats(mut samples: Vec<f64>) -> serde_json::Value {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    serde_json::json!({
        "median": samples[samples.len() / 2],
        "min": samples[0],
        "max": samples[samples.len() - 1],
    })
}

macro_rules! measure {
    ($ty:ty, $bytes:expr, $schema_order:expr, $r:ident, $part:expr) => {{
        // `$part`: one of "sorted", "schema", "encode" alone (for profilers), or all of them.
        let part: Option<&str> = $part;
        let wants = |name: &str| part.map_or(true, |part| part == name);
        let counted: Option<$ty> = part.is_none().then(|| {
            let before = ALLOCATIONS.load(Ordering::Relaxed);
            let value: $ty = serde_json::from_slice($bytes).expect("the document decodes");
            $r.allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
            value
        });
        for (name, bytes, samples) in [("sorted", $bytes, &mut $r.decode), ("schema", $schema_order, &mut $r.decode_schema_order)] {
            if !wants(name) {
                continue;
            }
            let started = Instant::now();
            let decoded: $ty = serde_json::from_slice(bytes).unwrap();
            samples.push(bytes.len() as f64 / 1e6 / started.elapsed().as_secs_f64());
            drop(decoded);
        }
        if wants("encode") {
            let value: $ty = counted.unwrap_or_else(|| serde_json::from_slice($schema_order).unwrap());
            let started = Instant::now();
            let encoded = serde_json::to_vec(&value).unwrap();
            let seconds = started.elapsed().as_secs_f64();
            $r.encode.push(encoded.len() as f64 / 1e6 / seconds);
            // Per document too: each version writes its own bytes (the peer leaves out some
            // empty values), so the time for the same values is what compares.
            $r.encode_documents.push(1.0 / seconds);
        }
    }};
}

#[derive(Default)]
struct Samples {
    decode: Vec<f64>,
    decode_schema_order: Vec<f64>,
    encode: Vec<f64>,
    encode_documents: Vec<f64>,
    allocations: u64,
}

impl Samples {
    fn report(self) -> serde_json::Value {
        serde_json::json!({
            "decode_mb_s": stats(self.decode),
            "decode_schema_order_mb_s": stats(self.decode_schema_order),
            "encode_mb_s": stats(self.encode),
            "encode_documents_s": stats(self.encode_documents),
            "decode_allocations": self.allocations,
        })
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("the document's path");
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(15);
    // `--only ours|derive|peer [sorted|schema|encode]`: one version alone, and one part of the work
    // alone if named (for profilers: run with 0 rounds too, to subtract the setup).
    let only = args.nth(1);
    let part = args.next();
    let bytes = std::fs::read(&path).expect("the document");
    // The document's keys are sorted (it is built through `serde_json::Value`); the derive
    // writes the same values with their keys in the schema's order, as a server built from the
    // spec would send them.
    let schema_order = {
        let value: qovery_derive::model::LIST_TYPE = serde_json::from_slice(&bytes).unwrap();
        serde_json::to_vec(&value).unwrap()
    };
    let (mut ours, mut derive, mut peer) = (Samples::default(), Samples::default(), Samples::default());
    let wants = |name: &str| only.as_deref().map_or(true, |only| only == name);
    for round in 0..rounds {
        // Interleaved, so a change in the machine's load hits each alike, and each round starts
        // with the next version, so none always runs on the heap the one before it left.
        for turn in 0..3 {
            match (round + turn) % 3 {
                0 if wants("ours") => measure!(qovery_ours::model::LIST_TYPE, &bytes, &schema_order, ours, part.as_deref()),
                1 if wants("derive") => measure!(qovery_derive::model::LIST_TYPE, &bytes, &schema_order, derive, part.as_deref()),
                2 if wants("peer") => measure!(qovery_peer::types::LIST_TYPE, &bytes, &schema_order, peer, part.as_deref()),
                _ => {}
            }
        }
    }
    if only.is_some() {
        return;
    }
    let ours_value: qovery_ours::model::LIST_TYPE = serde_json::from_slice(&schema_order).unwrap();
    assert_eq!(serde_json::to_vec(&ours_value).unwrap(), schema_order, "both versions write the same JSON");
    let report = serde_json::json!({
        "bytes": bytes.len(),
        "rounds": rounds,
        "ours": ours.report(),
        "derive": derive.report(),
        "peer": peer.report(),
    });
    println!("{report}");
}
"#;
