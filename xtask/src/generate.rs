//! `generate`: renders every spec in memory, then writes only changed files (or, with `--check`,
//! reports drift without writing).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use openapi_gen::{Config, Layout, OutputFile, GENERATED_MARKER};

#[derive(clap::Args, Debug, Default)]
pub struct GenerateArgs {
    /// Compare instead of writing; exit 1 and show a diff when anything is stale.
    #[arg(long)]
    pub check: bool,
    /// Generate this one spec into a standalone crate instead of the workspace's `generated/`.
    #[arg(long, requires_all = ["out", "crate_name"])]
    pub spec: Option<PathBuf>,
    /// Directory of the standalone crate (with `--spec`).
    #[arg(long, requires = "spec")]
    pub out: Option<PathBuf>,
    /// Package name of the standalone crate (with `--spec`).
    #[arg(long, requires = "spec")]
    pub crate_name: Option<String>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Emit only the client (no server).
    #[arg(long, conflicts_with = "server_only")]
    pub client_only: bool,
    /// Emit only the server (no client).
    #[arg(long)]
    pub server_only: bool,
    /// Also emit `example_tests.rs` into the standalone crate: a `#[cfg(test)]` check that every
    /// schema `example` round-trips through its type (the workspace's `generated/` always has it).
    #[arg(long, requires = "spec")]
    pub example_tests: bool,
    /// A file naming examples that contradict their schema in the spec, one per line:
    /// `<JSON pointer> <reason>` (`#` starts a comment). The example tests check that each still
    /// fails instead of requiring it to pass.
    #[arg(long, requires = "example_tests")]
    pub known_bad_examples: Option<PathBuf>,
    /// Let external `$ref`s reach files outside the spec's directory tree.
    #[arg(long)]
    pub allow_external_refs_outside: bool,
    /// Depend on the published runtime crate at this version (`0.1`) instead of writing a copy
    /// of it beside the standalone crate (`<out>/runtime/`).
    #[arg(long, requires = "spec")]
    pub runtime_version: Option<String>,
    /// Do not print warnings (the summary still counts them).
    #[arg(long, short)]
    pub quiet: bool,
}

pub enum Outcome {
    Done,
    SpecErrors,
    Stale,
}

/// The workspace root: the parent of this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

pub fn run(args: &GenerateArgs) -> Result<Outcome> {
    match (&args.spec, &args.out, &args.crate_name) {
        (Some(spec), Some(out), Some(name)) => standalone(args, spec, out, name),
        _ => workspace(args, &workspace_root()),
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

fn config_for(args: &GenerateArgs, label: &str, layout: Layout) -> Config {
    // The workspace's `generated/` crate always carries its example tests, so `cargo test
    // --workspace` checks the committed specs' examples; standalone crates opt in.
    let example_tests = args.example_tests || layout == Layout::Module;
    let mut config = Config::default();
    config
        .example_tests(example_tests)
        .spec_label(label)
        .layout(layout)
        .deny_warnings(args.deny_warnings)
        .allow_external_refs_outside(args.allow_external_refs_outside)
        .client(!args.server_only)
        .server(!args.client_only)
        .runtime_version(args.runtime_version.clone());
    config
}

/// Generates one spec; prints diagnostics and the summary. `None` when the spec has errors.
fn generate_one(
    args: &GenerateArgs,
    config: &Config,
    path: &Path,
    label: &str,
) -> Option<Vec<OutputFile>> {
    match openapi_gen::generate(config, path) {
        Ok(output) => {
            if !args.quiet {
                for warning in &output.warnings.0 {
                    eprintln!("{warning}");
                }
            }
            let s = &output.summary;
            eprintln!(
                "{label}: {} operations, {} types, {} lines, {} warning(s), {} fallback(s) to serde_json::Value",
                s.operations,
                s.types,
                s.lines,
                output.warnings.len(),
                s.fallbacks.len()
            );
            for pointer in &s.fallbacks {
                eprintln!("  fallback at {pointer}");
            }
            Some(output.files)
        }
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            None
        }
    }
}

/// Every `specs/<api>/openapi.{yaml,yml,json}` (or `swagger.{yaml,yml,json}` for a Swagger 2.0
/// document), sorted by API name.
pub fn find_specs(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut specs = Vec::new();
    let dir = root.join("specs");
    for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        if !entry.file_type()?.is_dir() {
            continue;
        }
        let api = entry.file_name().to_string_lossy().into_owned();
        let found = [
            "openapi.yaml",
            "openapi.yml",
            "openapi.json",
            "swagger.yaml",
            "swagger.yml",
            "swagger.json",
        ]
        .iter()
        .map(|f| entry.path().join(f))
        .find(|p| p.is_file());
        match found {
            Some(path) => specs.push((api, path)),
            None => bail!(
                "{} has no openapi.yaml, openapi.yml, openapi.json or swagger.yaml/.yml/.json",
                entry.path().display()
            ),
        }
    }
    specs.sort();
    Ok(specs)
}

/// Renders every workspace spec; `None` when any has errors (then nothing is written).
pub fn render_workspace(
    args: &GenerateArgs,
    root: &Path,
) -> Result<Option<BTreeMap<PathBuf, String>>> {
    let mut wanted = BTreeMap::new();
    let mut failed = false;
    for (api, path) in find_specs(root)? {
        let file_name = path
            .file_name()
            .expect("found by name")
            .to_string_lossy()
            .into_owned();
        let label = format!("specs/{api}/{file_name}");
        let config = config_for(args, &label, Layout::Module);
        match generate_one(args, &config, &path, &label) {
            Some(files) => {
                let module = openapi_gen::names::field_name(&api);
                for file in files {
                    wanted.insert(
                        Path::new("generated/src").join(&module).join(&file.path),
                        file.contents,
                    );
                }
            }
            None => failed = true,
        }
    }
    Ok((!failed).then_some(wanted))
}

fn workspace(args: &GenerateArgs, root: &Path) -> Result<Outcome> {
    let Some(wanted) = render_workspace(args, root)? else {
        return Ok(Outcome::SpecErrors);
    };
    let existing = generated_files(&root.join("generated/src"))?
        .into_iter()
        .map(|p| {
            p.strip_prefix(root)
                .expect("listed under root")
                .to_path_buf()
        })
        .collect::<Vec<_>>();
    let drift = compare(root, &wanted, &existing)?;
    if args.check {
        if drift.is_empty() {
            eprintln!("generated/ is up to date");
            return Ok(Outcome::Done);
        }
        for item in &drift {
            eprintln!("{}", item.describe());
        }
        eprintln!("error: generated/ is stale: run `cargo xtask generate` and commit the result");
        return Ok(Outcome::Stale);
    }
    for item in &drift {
        let path = root.join(&item.path);
        match &item.kind {
            DriftKind::Missing | DriftKind::Changed { .. } => {
                write_atomically(&path, &wanted[&item.path])?;
                eprintln!("wrote   {}", item.path.display());
            }
            DriftKind::Extra => {
                fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
                eprintln!("removed {}", item.path.display());
            }
        }
    }
    remove_empty_dirs(&root.join("generated/src"))?;
    if drift.is_empty() {
        eprintln!("generated/ was already up to date");
    }
    Ok(Outcome::Done)
}

/// One difference between what is on disk and what the generator emits.
pub struct Drift {
    pub path: PathBuf,
    pub kind: DriftKind,
}

pub enum DriftKind {
    Missing,
    Extra,
    Changed { diff: String },
}

impl Drift {
    pub fn describe(&self) -> String {
        match &self.kind {
            DriftKind::Missing => format!("missing: {}", self.path.display()),
            DriftKind::Extra => format!("extra:   {} (no longer generated)", self.path.display()),
            DriftKind::Changed { diff } => format!("stale:   {}\n{diff}", self.path.display()),
        }
    }
}

/// Compares wanted contents with the files on disk (newlines normalised).
pub fn compare(
    root: &Path,
    wanted: &BTreeMap<PathBuf, String>,
    existing: &[PathBuf],
) -> Result<Vec<Drift>> {
    let mut drift = Vec::new();
    for (path, contents) in wanted {
        let on_disk = root.join(path);
        match fs::read_to_string(&on_disk) {
            Ok(current) => {
                let current = current.replace("\r\n", "\n");
                if current != *contents {
                    drift.push(Drift {
                        path: path.clone(),
                        kind: DriftKind::Changed {
                            diff: first_diff(&current, contents),
                        },
                    });
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => drift.push(Drift {
                path: path.clone(),
                kind: DriftKind::Missing,
            }),
            Err(e) => return Err(e).with_context(|| format!("reading {}", on_disk.display())),
        }
    }
    for path in existing {
        if !wanted.contains_key(path) {
            drift.push(Drift {
                path: path.clone(),
                kind: DriftKind::Extra,
            });
        }
    }
    Ok(drift)
}

/// The first few changed lines, as a unified diff.
fn first_diff(old: &str, new: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("on disk", "generator output")
        .to_string();
    let mut lines: Vec<&str> = text.lines().take(40).collect();
    if text.lines().count() > 40 {
        lines.push("  ... (diff truncated)");
    }
    lines
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Files under `dir` (recursively) whose first line is the `@generated` marker; others are never touched.
pub fn generated_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in
            fs::read_dir(&current).with_context(|| format!("reading {}", current.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if is_generated(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_generated(path: &Path) -> bool {
    fs::read_to_string(path)
        .map(|text| text.starts_with(GENERATED_MARKER))
        .unwrap_or(false)
}

/// Writes through a temporary file in the same directory and renames it into place, so a reader
/// (or an interrupted run) never sees half a file.
pub fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    let dir = path.parent().context("output path has no parent")?;
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    std::io::Write::write_all(&mut temp, contents.as_bytes())?;
    temp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn remove_empty_dirs(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if fs::read_dir(&path)?.next().is_none() {
                fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}

/// Generates a standalone crate into `out`: everything is written to a fresh sibling directory
/// first and swapped in at the end, so an error leaves the previous tree untouched.
fn standalone(args: &GenerateArgs, spec: &Path, out: &Path, name: &str) -> Result<Outcome> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        bail!("--crate-name {name:?} is not a valid package name (letters, digits, `-` and `_`)");
    }
    let label = spec.display().to_string();
    let mut config = config_for(
        args,
        &label,
        Layout::Crate {
            name: name.to_owned(),
        },
    );
    if let Some(path) = &args.known_bad_examples {
        read_known_bad_examples(&mut config, path)?;
    }
    let Some(files) = generate_one(args, &config, spec, &label) else {
        return Ok(Outcome::SpecErrors);
    };
    if args.check {
        let wanted: BTreeMap<PathBuf, String> = files
            .into_iter()
            .map(|f| (PathBuf::from(f.path), f.contents))
            .collect();
        let existing: Vec<PathBuf> = generated_files(out)?
            .into_iter()
            .filter_map(|p| p.strip_prefix(out).ok().map(Path::to_path_buf))
            .filter(|p| !p.starts_with("target"))
            .collect();
        let drift = compare(out, &wanted, &existing)?;
        for item in &drift {
            eprintln!("{}", item.describe());
        }
        return Ok(if drift.is_empty() {
            Outcome::Done
        } else {
            Outcome::Stale
        });
    }
    write_tree(out, &files)?;
    eprintln!("wrote crate `{name}` to {}", out.display());
    Ok(Outcome::Done)
}

/// Writes `files` as the whole content of `out`, keeping only `target/` and `Cargo.lock` from a
/// previous tree (so builds stay warm).
pub fn write_tree(out: &Path, files: &[OutputFile]) -> Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".openapi-gen-")
        .tempdir_in(&parent)
        .with_context(|| format!("creating a staging directory in {}", parent.display()))?;
    for file in files {
        let path = staging.path().join(&file.path);
        fs::create_dir_all(path.parent().expect("file paths have a parent"))?;
        fs::write(&path, &file.contents).with_context(|| format!("writing {}", path.display()))?;
    }
    if out.exists() {
        for keep in ["target", "Cargo.lock"] {
            let old = out.join(keep);
            if old.exists() {
                fs::rename(&old, staging.path().join(keep))
                    .with_context(|| format!("moving {}", old.display()))?;
            }
        }
        let trash = tempfile::Builder::new()
            .prefix(".openapi-gen-old-")
            .tempdir_in(&parent)?;
        fs::rename(out, trash.path().join("old"))
            .with_context(|| format!("moving the old {} aside", out.display()))?;
    }
    let staged = staging.keep();
    fs::rename(&staged, out)
        .with_context(|| format!("moving the new tree to {}", out.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The drift check, as a test: `cargo test` fails when `generated/` is stale.
    #[test]
    fn generated_is_fresh() {
        let root = workspace_root();
        let args = GenerateArgs {
            quiet: true,
            ..Default::default()
        };
        let wanted = render_workspace(&args, &root)
            .unwrap()
            .expect("the workspace specs generate without errors");
        let existing: Vec<PathBuf> = generated_files(&root.join("generated/src"))
            .unwrap()
            .into_iter()
            .map(|p| p.strip_prefix(&root).unwrap().to_path_buf())
            .collect();
        let drift = compare(&root, &wanted, &existing).unwrap();
        let report: Vec<String> = drift.iter().map(Drift::describe).collect();
        assert!(
            drift.is_empty(),
            "generated/ is stale; run `cargo xtask generate`:\n{}",
            report.join("\n")
        );
    }

    /// Generating twice gives the same bytes.
    #[test]
    fn generation_is_deterministic() {
        let root = workspace_root();
        let args = GenerateArgs {
            quiet: true,
            ..Default::default()
        };
        let first = render_workspace(&args, &root).unwrap().unwrap();
        let second = render_workspace(&args, &root).unwrap().unwrap();
        assert_eq!(first, second);
    }

    fn copy_dir(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_dir(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    /// The drift check fails after a spec edit until `generate` runs, and generation only ever
    /// touches `@generated` files.
    #[test]
    fn check_fails_after_a_spec_edit_until_regenerated() {
        let real = workspace_root();
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        copy_dir(&real.join("specs"), &root.join("specs"));
        copy_dir(&real.join("generated/src"), &root.join("generated/src"));
        let check = GenerateArgs {
            check: true,
            quiet: true,
            ..Default::default()
        };
        let write = GenerateArgs {
            quiet: true,
            ..Default::default()
        };
        assert!(matches!(workspace(&check, root).unwrap(), Outcome::Done));

        let spec = root.join("specs/coveo/openapi.yaml");
        let text = fs::read_to_string(&spec).unwrap().replace(
            "summary: Get all organizations",
            "summary: List every organization",
        );
        fs::write(&spec, text).unwrap();
        let hand_written = root.join("generated/src/coveo/notes.rs");
        fs::write(&hand_written, "// hand-written, no marker\n").unwrap();
        let leftover = root.join("generated/src/coveo/old.rs");
        fs::write(&leftover, format!("{GENERATED_MARKER} by an older run\n")).unwrap();
        assert!(matches!(workspace(&check, root).unwrap(), Outcome::Stale));

        assert!(matches!(workspace(&write, root).unwrap(), Outcome::Done));
        assert!(matches!(workspace(&check, root).unwrap(), Outcome::Done));
        assert!(
            fs::read_to_string(root.join("generated/src/coveo/client.rs"))
                .unwrap()
                .contains("List every organization")
        );
        assert!(
            hand_written.exists(),
            "files without the marker are never touched"
        );
        assert!(
            !leftover.exists(),
            "generated files that are no longer produced are removed"
        );
    }

    /// A standalone crate is replaced whole or not at all: a broken spec leaves the old tree.
    #[test]
    fn standalone_output_is_untouched_on_error() {
        let real = workspace_root();
        let temp = tempfile::tempdir().unwrap();
        let out = temp.path().join("crate");
        let args = GenerateArgs {
            quiet: true,
            ..Default::default()
        };
        let good = real.join("specs/coveo/openapi.yaml");
        assert!(matches!(
            standalone(&args, &good, &out, "coveo_api").unwrap(),
            Outcome::Done
        ));
        let before = fs::read_to_string(out.join("src/client.rs")).unwrap();
        fs::create_dir_all(out.join("target")).unwrap();

        let broken = temp.path().join("broken.yaml");
        fs::write(&broken, "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n").unwrap();
        assert!(matches!(
            standalone(&args, &broken, &out, "coveo_api").unwrap(),
            Outcome::SpecErrors
        ));
        assert_eq!(
            fs::read_to_string(out.join("src/client.rs")).unwrap(),
            before
        );

        assert!(matches!(
            standalone(&args, &good, &out, "coveo_api").unwrap(),
            Outcome::Done
        ));
        assert!(
            out.join("target").exists(),
            "the build directory survives regeneration"
        );
        assert!(out.join("Cargo.toml").exists());
    }
}
