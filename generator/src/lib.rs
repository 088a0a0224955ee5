//! openapi-gen: generates Rust models, an async client and an axum server from OpenAPI 3.0.
//!
//! The pipeline runs in one direction: [`load_spec`] (text -> `openapiv3`), [`lower_api`]
//! (`openapiv3` -> [`ir::Api`]), then the emitters (IR -> Rust tokens -> formatted files).
//! [`generate`] runs all of it and returns the files in memory; writing them is the caller's job
//! (the `xtask`, or a `build.rs`).
//!
//! ```no_run
//! let mut config = openapi_gen::Config::default();
//! config.spec_label("specs/coveo/openapi.yaml");
//! let output = openapi_gen::generate(&config, std::path::Path::new("specs/coveo/openapi.yaml"))
//!     .unwrap_or_else(|diagnostics| panic!("{diagnostics}"));
//! for file in &output.files {
//!     println!("{}: {} bytes", file.path, file.contents.len());
//! }
//! ```

mod build_script;
mod config;
pub mod diagnostics;
pub mod diff;
mod emit;
pub mod ir;
mod load;
mod lower;
pub mod manifest;
pub mod names;
mod render;
mod runtime_copy;
mod source_map;
#[doc(hidden)]
pub mod values;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::ir::Api;

pub use build_script::BuildScriptError;
pub use config::{Config, Layout, ModelSerde};
pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use load::{load_spec, load_spec_with, parse_spec, LoadedSpec, Origin};

/// Parses YAML or JSON text into a value the way the loader does (integers of any size are
/// read); for test harnesses that rewrite specs.
#[doc(hidden)]
pub fn parse_yaml_value(text: &str) -> Result<serde_yaml::Value, serde_yaml::Error> {
    load::parse_yaml_value(text)
}
pub use lower::{lower_api, Lowered};
pub use render::GENERATED_MARKER;

pub use manifest::{Manifest, RuntimeSource};
pub use runtime_copy::RUNTIME_FILES;

/// One generated file, with a `/`-separated path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub contents: String,
}

/// What a successful run produced.
#[derive(Debug, Clone)]
pub struct Output {
    /// Sorted by path.
    pub files: Vec<OutputFile>,
    /// Warnings, with positions filled in.
    pub warnings: Diagnostics,
    pub summary: Summary,
    /// Every file the loader read: the spec and each file its `$ref`s name (what a build script
    /// reruns on); empty for [`generate_from`], whose spec was loaded by the caller.
    pub inputs: Vec<PathBuf>,
}

/// A phase of [`generate`], reported to [`generate_with_progress`]'s callback as it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Phase {
    Load,
    Lower,
    Emit,
}

impl Phase {
    /// What the phase does, for a progress line (`loading the spec`).
    pub fn describe(self) -> &'static str {
        match self {
            Phase::Load => "loading the spec",
            Phase::Lower => "lowering it to the IR",
            Phase::Emit => "emitting and formatting the code",
        }
    }
}

/// Counts for the generator's summary line, and how long each phase took.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub operations: usize,
    pub types: usize,
    /// JSON pointers of schemas that fell back to `serde_json::Value`.
    pub fallbacks: Vec<String>,
    /// Lines of the generated module or crate, `Cargo.toml` included; not the runtime copy
    /// written beside a standalone crate (a crate of its own, the same for every spec).
    pub lines: usize,
    pub timings: Timings,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Reading and parsing the spec.
    pub load: Duration,
    /// Spec to IR.
    pub lower: Duration,
    /// IR to token streams, summed over the files.
    pub emit: Duration,
    /// Token streams to formatted text (syn + prettyplease), summed over the files.
    pub format: Duration,
    /// Wall time of emitting and formatting, which run in parallel per file.
    pub emit_wall: Duration,
}

/// Loads, lowers and emits the spec at `path`.
pub fn generate(config: &Config, path: &Path) -> Result<Output, Diagnostics> {
    generate_with_progress(config, path, &mut |_| {})
}

/// [`generate`], calling `progress` as each phase starts (front ends print a line when one runs
/// long).
pub fn generate_with_progress(
    config: &Config,
    path: &Path,
    progress: &mut dyn FnMut(Phase),
) -> Result<Output, Diagnostics> {
    let started = Instant::now();
    progress(Phase::Load);
    let mut spec = load_spec_with(path, &config.spec_label, config.allow_external_refs_outside)?;
    let load = started.elapsed();
    progress(Phase::Lower);
    // Lowering takes the OpenAPI model, which is not needed after it: sorted in place instead of
    // copied, and freed before emission.
    let openapi = std::mem::take(&mut spec.openapi);
    let lowered = lower_phase(config, &spec, || lower::lower_api_owned(openapi))?;
    progress(Phase::Emit);
    let description = std::mem::take(&mut spec.description);
    let mut output = emit_phase(config, &spec.label, lowered, description, &|d| {
        spec.locate(d)
    })?;
    output.summary.timings.load = load;
    output.inputs = std::mem::take(&mut spec.files);
    Ok(output)
}

/// Lowers and emits an already loaded spec.
pub fn generate_from(config: &Config, spec: &LoadedSpec) -> Result<Output, Diagnostics> {
    let lowered = lower_phase(config, spec, || lower_api(&spec.openapi))?;
    emit_phase(
        config,
        &spec.label,
        lowered,
        spec.description.clone(),
        &|d| spec.locate(d),
    )
}

/// What lowering hands to emission: the IR, warnings (not yet located), fallbacks and the time
/// it took.
struct LowerResult {
    api: Api,
    warnings: Diagnostics,
    fallbacks: Vec<String>,
    lower: Duration,
}

/// Runs `lower` (lowering `spec`'s model) and collects its warnings with the loader's.
fn lower_phase(
    config: &Config,
    spec: &LoadedSpec,
    lower: impl FnOnce() -> Result<Lowered, Diagnostics>,
) -> Result<LowerResult, Diagnostics> {
    let started = Instant::now();
    let lowered = match lower() {
        Ok(lowered) => lowered,
        Err(mut diagnostics) => {
            spec.locate(&mut diagnostics);
            return Err(diagnostics);
        }
    };
    let lower = started.elapsed();
    let Lowered {
        mut api,
        warnings: lower_warnings,
        fallbacks,
    } = lowered;
    let mut warnings = spec.warnings.clone();
    warnings.0.extend(lower_warnings.0);
    lower::pagination::detect(&mut api, &config.pagination, &mut warnings);
    if config.server {
        lower::refusals::plan(&mut api, &mut warnings);
    }
    if config.mock {
        lower::mock_examples::check(&api, &mut warnings);
    }
    for pointer in config.known_bad_examples.keys() {
        if !api.examples.iter().any(|e| &e.pointer == pointer) {
            warnings.push(diagnostics::catalog::unknown_known_bad_example(pointer));
        }
    }
    if config.deny_warnings && !warnings.is_empty() {
        spec.locate(&mut warnings);
        warnings.deny_warnings();
        return Err(warnings);
    }
    Ok(LowerResult {
        api,
        warnings,
        fallbacks,
        lower,
    })
}

/// Emits the files while, on another thread, the warnings are located in the source text
/// (which means reading the whole spec again; it need not wait for emission, nor delay it).
fn emit_phase(
    config: &Config,
    label: &str,
    lowered: LowerResult,
    description: String,
    locate: &(dyn Fn(&mut Diagnostics) + Sync),
) -> Result<Output, Diagnostics> {
    let LowerResult {
        api,
        mut warnings,
        fallbacks,
        lower,
    } = lowered;
    let started = Instant::now();
    let emitted = std::thread::scope(|scope| {
        let locating = (!warnings.is_empty()).then(|| scope.spawn(|| locate(&mut warnings)));
        let emitted = render::render_files(&config.spec_label, emit::emit_api(&api, config));
        if let Some(locating) = locating {
            locating.join().expect("locating warnings does not panic");
        }
        emitted
    })
    .map_err(|message| {
        let mut d = Diagnostic::error("", message);
        d.file = label.to_owned();
        Diagnostics(vec![d])
    })?;
    let emit_wall = started.elapsed();
    let mut files = emitted.files;
    if let Layout::Crate { name } = &config.layout {
        files.extend(crate_files(&api, config, name));
    }
    // The description beside `server.rs`, which the `docs` feature embeds (a single file has no
    // place beside it).
    let beside = match &config.layout {
        Layout::Module => Some(""),
        Layout::Crate { .. } => Some("src/"),
        Layout::SingleFile { .. } => None,
    };
    if let (Some(dir), true) = (beside, config.server) {
        files.push(OutputFile {
            path: format!("{dir}{}", emit::DESCRIPTION_FILE),
            contents: description,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // The crate's own files: the runtime copy beside a standalone crate is a crate of its own,
    // the same for every spec.
    let lines = files
        .iter()
        .filter(|f| !f.path.starts_with("runtime/") && !f.path.ends_with(emit::DESCRIPTION_FILE))
        .map(|f| f.contents.lines().count())
        .sum();
    let summary = Summary {
        operations: api.operations.len() + api.webhooks.len() + api.callbacks.len(),
        types: api.types.defs.len(),
        fallbacks,
        lines,
        timings: Timings {
            load: Duration::ZERO,
            lower,
            emit: emitted.emit,
            format: emitted.format,
            emit_wall,
        },
    };
    Ok(Output {
        files,
        warnings,
        summary,
        inputs: Vec::new(),
    })
}

/// The files a standalone crate has besides its sources: `Cargo.toml`, and the runtime crate
/// beside it unless the crate depends on a published version.
fn crate_files(api: &Api, config: &Config, name: &str) -> Vec<OutputFile> {
    let runtime = match &config.runtime_version {
        Some(version) => RuntimeSource::Version(version.clone()),
        None => RuntimeSource::Path("runtime".to_owned()),
    };
    let manifest = Manifest::for_api(
        api,
        name,
        &config.spec_label,
        runtime,
        [config.client, config.server],
    );
    let mut files = vec![OutputFile {
        path: "Cargo.toml".to_owned(),
        contents: manifest.to_toml(),
    }];
    if config.runtime_version.is_none() {
        files.extend(runtime_copy::runtime_files("runtime", &config.spec_label));
    }
    files
}
