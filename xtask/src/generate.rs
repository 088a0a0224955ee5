//! `generate`: renders every workspace spec in memory, then writes only changed files (or, with
//! `--check`, reports drift without writing); one spec into a standalone crate goes through the
//! `openapi-gen` command's library, so both front ends write the same way.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use openapi_gen::Layout;
pub use openapi_gen_cli::Outcome;
use openapi_gen_cli::{generate_one, write, Options};

#[derive(clap::Args, Debug, Default)]
pub struct GenerateArgs {
    /// Generate this one spec into a standalone crate instead of the workspace's `generated/`.
    #[arg(long, requires_all = ["out", "crate_name"])]
    pub spec: Option<PathBuf>,
    /// Directory of the standalone crate (with `--spec`).
    #[arg(long, requires = "spec")]
    pub out: Option<PathBuf>,
    /// Package name of the standalone crate (with `--spec`).
    #[arg(long, requires = "spec")]
    pub crate_name: Option<String>,
    #[command(flatten)]
    pub options: Options,
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
        (Some(spec), Some(out), Some(name)) => {
            let bytes = fs::metadata(spec).map_or(u64::MAX, |m| m.len());
            openapi_gen_cli::allocator::tune(bytes);
            openapi_gen_cli::standalone(&args.options, spec, out, name)
        }
        _ => {
            // The workspace's specs are small.
            openapi_gen_cli::allocator::tune(0);
            workspace(&args.options, &workspace_root())
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
    options: &Options,
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
        // The workspace's `generated/` crate always carries its example tests, so `cargo test
        // --workspace` checks the committed specs' examples.
        let mut config = options.config(&label, Layout::Module)?;
        config.example_tests(true);
        match generate_one(options, &config, &path, &label) {
            Some(output) => {
                let module = openapi_gen::names::field_name(&api);
                for file in output.files {
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

/// For each API whose files drifted, what changed in its Rust API: the description its
/// committed code was generated from (`generated/src/<api>/openapi.json`) against its spec.
fn api_changes(root: &Path, drift: &[write::Drift]) -> Result<String> {
    let mut text = String::new();
    for (api, path) in find_specs(root)? {
        let module = Path::new("generated/src").join(openapi_gen::names::field_name(&api));
        if !drift.iter().any(|d| d.path.starts_with(&module)) {
            continue;
        }
        let old = root.join(&module).join(openapi_gen::diff::DESCRIPTION_FILE);
        let file_name = path.file_name().expect("found by name").to_string_lossy();
        let label = format!("specs/{api}/{file_name}");
        let old_label = module
            .join(openapi_gen::diff::DESCRIPTION_FILE)
            .display()
            .to_string();
        text.push_str(&openapi_gen_cli::diff::drift_summary(
            &old, &old_label, &path, &label,
        ));
    }
    Ok(text)
}

fn workspace(options: &Options, root: &Path) -> Result<Outcome> {
    let Some(wanted) = render_workspace(options, root)? else {
        return Ok(Outcome::SpecErrors);
    };
    let existing = write::generated_files(&root.join("generated/src"))?
        .into_iter()
        .map(|p| {
            p.strip_prefix(root)
                .expect("listed under root")
                .to_path_buf()
        })
        .collect::<Vec<_>>();
    let drift = write::compare(root, &wanted, &existing)?;
    if options.check {
        if drift.is_empty() {
            if !options.quiet {
                eprintln!("generated/ is up to date");
            }
            return Ok(Outcome::Done);
        }
        eprint!("{}", api_changes(root, &drift)?);
        for item in &drift {
            eprintln!("{}", item.describe());
        }
        eprintln!("error: generated/ is stale: run `cargo xtask generate` and commit the result");
        return Ok(Outcome::Stale);
    }
    write::apply_drift(root, &wanted, &drift)?;
    write::remove_empty_dirs(&root.join("generated/src"))?;
    if drift.is_empty() && !options.quiet {
        eprintln!("generated/ was already up to date");
    }
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The drift check, as a test: `cargo test` fails when `generated/` is stale.
    #[test]
    fn generated_is_fresh() {
        let root = workspace_root();
        let options = Options {
            quiet: true,
            ..Default::default()
        };
        let wanted = render_workspace(&options, &root)
            .unwrap()
            .expect("the workspace specs generate without errors");
        let existing: Vec<PathBuf> = write::generated_files(&root.join("generated/src"))
            .unwrap()
            .into_iter()
            .map(|p| p.strip_prefix(&root).unwrap().to_path_buf())
            .collect();
        let drift = write::compare(&root, &wanted, &existing).unwrap();
        let report: Vec<String> = drift.iter().map(write::Drift::describe).collect();
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
        let options = Options {
            quiet: true,
            ..Default::default()
        };
        let first = render_workspace(&options, &root).unwrap().unwrap();
        let second = render_workspace(&options, &root).unwrap().unwrap();
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
        let check = Options {
            check: true,
            quiet: true,
            ..Default::default()
        };
        let write = Options {
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
        fs::write(
            &leftover,
            format!("{} by an older run\n", openapi_gen::GENERATED_MARKER),
        )
        .unwrap();
        assert!(matches!(workspace(&check, root).unwrap(), Outcome::Stale));
        let drift_of = |root: &Path| {
            let wanted = render_workspace(&write, root).unwrap().unwrap();
            let existing: Vec<PathBuf> = write::generated_files(&root.join("generated/src"))
                .unwrap()
                .into_iter()
                .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
                .collect();
            write::compare(root, &wanted, &existing).unwrap()
        };
        let summary = api_changes(root, &drift_of(root)).unwrap();
        assert_eq!(
            summary, "API changes: none in the Rust API (the generated text changed)\n",
            "a summary edit changes docs only"
        );
        // An operation removed: the drift check says what breaks before the file diff.
        let text = fs::read_to_string(&spec).unwrap();
        let edited = text.replacen(
            "operationId: deleteOrganization",
            "operationId: removeOrganization",
            1,
        );
        assert_ne!(text, edited, "the coveo spec has deleteOrganization");
        fs::write(&spec, &edited).unwrap();
        let summary = api_changes(root, &drift_of(root)).unwrap();
        assert!(
            summary.contains("recommended bump: major")
                && summary
                    .contains("method `delete_organization` renamed to `remove_organization`"),
            "{summary}"
        );
        fs::write(&spec, text).unwrap();

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
}
