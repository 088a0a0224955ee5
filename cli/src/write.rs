//! Writing output trees, shared by the `openapi-gen` command and `cargo xtask`: write-if-changed
//! by temporary file and rename, the drift check, `@generated` marker rules, and whole-tree
//! replacement through a staging directory.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use openapi_gen::{OutputFile, GENERATED_MARKER};

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

/// Removes the empty directories under `dir` (after generated files were deleted).
pub fn remove_empty_dirs(dir: &Path) -> Result<()> {
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

/// The drift between `files` and the standalone tree at `out` (its `target/` is not looked at).
pub fn check_tree(out: &Path, files: &[OutputFile]) -> Result<Vec<Drift>> {
    let wanted: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|f| (PathBuf::from(&f.path), f.contents.clone()))
        .collect();
    let existing: Vec<PathBuf> = generated_files(out)?
        .into_iter()
        .filter_map(|p| p.strip_prefix(out).ok().map(Path::to_path_buf))
        .filter(|p| !p.starts_with("target"))
        .collect();
    compare(out, &wanted, &existing)
}

/// Brings the files under `root` in line with `wanted`: writes the missing and changed ones,
/// deletes the extra `@generated` ones, and says so on stderr.
pub fn apply_drift(root: &Path, wanted: &BTreeMap<PathBuf, String>, drift: &[Drift]) -> Result<()> {
    for item in drift {
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
    Ok(())
}
