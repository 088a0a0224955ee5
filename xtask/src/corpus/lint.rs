//! Lints a sample of the generated crates with `cargo clippy --all-features -- -D warnings`,
//! each on its own, in one workspace (`<out>/_lint/`) with one runtime copy and one target
//! directory, so the runtime and every dependency build once for the whole sample.
//!
//! The crates are copied there and their manifests rewritten (no `[workspace]` of their own, the
//! runtime at `../runtime`); the generated crates under `<out>/<name>/` stay as written.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use super::classify::normalize;

/// One crate's lint run.
#[derive(Debug, Clone)]
pub struct Lint {
    pub passed: bool,
    /// The first diagnostic's lint or error code (`clippy::needless_borrow`, `E0308`), else its
    /// normalized message.
    pub class: Option<String>,
    /// The first diagnostic's message, as printed.
    pub first: Option<String>,
    pub wall: Duration,
    /// clippy's whole output, kept for failures.
    pub log: Option<PathBuf>,
}

const RUNTIME_DIR: &str = "runtime";
const RUNTIME_DEPENDENCY: &str = "openapi-gen-runtime = { path = \"runtime\" }";

/// Lints each crate of `names` (generated under `out`), returning one result per name.
pub fn lint_crates(
    root: &Path,
    out: &Path,
    names: &[String],
    target_dir: &Path,
    logs: &Path,
) -> Result<Vec<Lint>> {
    let Some(first) = names.first() else {
        return Ok(Vec::new());
    };
    let lint_dir = out.join("_lint");
    fs::create_dir_all(&lint_dir).with_context(|| format!("creating {}", lint_dir.display()))?;
    // Every crate of one sweep got the same runtime from the same generator: share the first's.
    copy_if_changed(
        &out.join(first).join(RUNTIME_DIR),
        &lint_dir.join(RUNTIME_DIR),
    )?;
    remove_stale_crates(&lint_dir, names)?;
    for name in names {
        copy_crate(&out.join(name), &lint_dir.join(name))?;
    }
    let mut members = vec![format!("\"{RUNTIME_DIR}\"")];
    members.extend(names.iter().map(|n| format!("\"{n}\"")));
    write_if_changed(
        &lint_dir.join("Cargo.toml"),
        format!(
            "# Written by `cargo xtask corpus`: the sampled crates, linted against one runtime.\n\
             [workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )?;
    // The workspace's lock file pins versions it already built.
    let lock = lint_dir.join("Cargo.lock");
    if !lock.exists() {
        fs::copy(root.join("Cargo.lock"), &lock).context("copying Cargo.lock")?;
    }

    eprintln!("linting the runtime and the dependencies once...");
    let runtime = clippy(&lint_dir, "openapi-gen-runtime", target_dir)?;
    if !runtime.passed {
        let log = logs.join("runtime.clippy.txt");
        fs::write(&log, &runtime.output)?;
        eprintln!(
            "warning: the runtime itself fails clippy ({}); see {}",
            runtime.class.as_deref().unwrap_or("no message"),
            log.display()
        );
    }
    let mut lints = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let run = clippy(&lint_dir, name, target_dir)?;
        let log = if run.passed {
            None
        } else {
            let log = logs.join(format!("{name}.clippy.txt"));
            fs::write(&log, &run.output).with_context(|| format!("writing {}", log.display()))?;
            Some(log)
        };
        eprintln!(
            "[{}/{}] clippy {name}: {} ({:.1} s)",
            i + 1,
            names.len(),
            if run.passed { "pass" } else { "FAIL" },
            run.wall.as_secs_f64()
        );
        lints.push(Lint {
            passed: run.passed,
            class: run.class,
            first: run.first,
            wall: run.wall,
            log,
        });
    }
    Ok(lints)
}

struct Clippy {
    passed: bool,
    class: Option<String>,
    first: Option<String>,
    wall: Duration,
    output: String,
}

/// `cargo clippy -p <package> --all-features -- -D warnings` in the lint workspace; the same
/// flags for every package, so the runtime's build is reused.
fn clippy(lint_dir: &Path, package: &str, target_dir: &Path) -> Result<Clippy> {
    let started = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(lint_dir)
        .args([
            "clippy",
            "--quiet",
            "--message-format=json",
            "--all-features",
        ])
        .arg("--package")
        .arg(package)
        .arg("--target-dir")
        .arg(target_dir)
        .args(["--", "-D", "warnings"])
        .output()
        .context("running cargo clippy")?;
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (mut class, mut first, mut rendered) = (None, None, String::new());
    for message in stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        if message["reason"] != "compiler-message" {
            continue;
        }
        let message = &message["message"];
        if let Some(text) = message["rendered"].as_str() {
            rendered.push_str(text);
        }
        if first.is_none() {
            if let Some((c, f)) = diagnostic_class(message) {
                class = Some(c);
                first = Some(f);
            }
        }
    }
    if class.is_none() && !output.status.success() {
        // Cargo failed before the compiler ran (a manifest or a dependency it cannot resolve).
        first = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .map(str::to_owned);
        class = first.as_deref().map(normalize);
    }
    Ok(Clippy {
        passed: output.status.success(),
        class,
        first,
        wall,
        output: format!("{rendered}{stderr}"),
    })
}

/// The lint name or error code of a compiler message, and its first line; `None` for the
/// summaries (`aborting due to ...`, `N warnings emitted`) and notes.
pub fn diagnostic_class(message: &Value) -> Option<(String, String)> {
    let level = message["level"].as_str()?;
    if level != "error" && level != "warning" {
        return None;
    }
    let text = message["message"].as_str()?;
    if text.starts_with("aborting due to") || text.ends_with("emitted") {
        return None;
    }
    let first = format!("{level}: {text}");
    let class = match message["code"]["code"].as_str() {
        Some(code) => code.to_owned(),
        None => normalize(&first),
    };
    Some((class, first))
}

/// Copies a generated crate without its runtime copy, build output and lock file, into a fresh
/// directory, with its manifest rewritten to join the lint workspace.
fn copy_crate(from: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        fs::remove_dir_all(to).with_context(|| format!("removing {}", to.display()))?;
    }
    copy_tree(from, to, &[RUNTIME_DIR, "target", "Cargo.lock"])?;
    let manifest = to.join("Cargo.toml");
    let text =
        fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
    let rewritten =
        sample_manifest(&text).with_context(|| format!("rewriting {}", manifest.display()))?;
    fs::write(&manifest, rewritten).with_context(|| format!("writing {}", manifest.display()))
}

/// A standalone crate's manifest as a member of the lint workspace.
fn sample_manifest(text: &str) -> Result<String> {
    if !text.contains("\n[workspace]\n") || !text.contains(RUNTIME_DEPENDENCY) {
        bail!("the manifest no longer has the `[workspace]` and runtime lines this rewrites");
    }
    Ok(text.replace("\n[workspace]\n", "\n").replace(
        RUNTIME_DEPENDENCY,
        "openapi-gen-runtime = { path = \"../runtime\" }",
    ))
}

/// Removes crate copies of earlier samples: they are not members, but would confuse a reader.
fn remove_stale_crates(lint_dir: &Path, names: &[String]) -> Result<()> {
    for entry in fs::read_dir(lint_dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let keep = name == RUNTIME_DIR || name == "target" || names.contains(&name);
        if !keep && entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())
                .with_context(|| format!("removing {}", entry.path().display()))?;
        }
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            copy_tree(&source, &target, &[])?;
        } else {
            fs::copy(&source, &target).with_context(|| format!("copying {}", source.display()))?;
        }
    }
    Ok(())
}

/// Copies a tree, writing only files whose bytes differ, so that the shared runtime keeps its
/// modification times and Cargo does not rebuild it from one sweep to the next.
fn copy_if_changed(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copy_if_changed(&source, &target)?;
        } else {
            let bytes =
                fs::read(&source).with_context(|| format!("reading {}", source.display()))?;
            write_if_changed(&target, &bytes)?;
        }
    }
    Ok(())
}

fn write_if_changed(path: &Path, contents: impl AsRef<[u8]>) -> Result<()> {
    let contents = contents.as_ref();
    if fs::read(path).ok().as_deref() != Some(contents) {
        fs::write(path, contents).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampled_manifests_join_the_lint_workspace() {
        let manifest = openapi_gen::manifest::Manifest::new(
            "pets",
            "pets.yaml",
            openapi_gen::manifest::RuntimeSource::Path("runtime".to_owned()),
            [true, true],
        )
        .to_toml();
        let rewritten = sample_manifest(&manifest).unwrap();
        assert!(!rewritten.contains("[workspace]"));
        assert!(rewritten.contains("openapi-gen-runtime = { path = \"../runtime\" }\n"));
        assert!(sample_manifest("[package]\n").is_err());
    }

    #[test]
    fn lint_classes_name_the_lint() {
        let lint = serde_json::json!({
            "level": "error", "message": "this expression creates a reference which is immediately dereferenced",
            "code": {"code": "clippy::needless_borrow"}
        });
        assert_eq!(
            diagnostic_class(&lint).map(|(class, _)| class).as_deref(),
            Some("clippy::needless_borrow")
        );
        let summary = serde_json::json!({"level": "error", "message": "aborting due to 3 previous errors", "code": null});
        assert_eq!(diagnostic_class(&summary), None);
        let uncoded = serde_json::json!({"level": "error", "message": "cannot find `x` in 12 places", "code": null});
        assert_eq!(
            diagnostic_class(&uncoded)
                .map(|(class, _)| class)
                .as_deref(),
            Some("error: cannot find `…` in N places")
        );
    }
}
