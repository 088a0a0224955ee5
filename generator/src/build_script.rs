//! Build-script support: `Config::generate_to_out_dir` generates one file into `OUT_DIR`, tells
//! cargo which files to watch and turns diagnostics into cargo's messages; the only writer in
//! the library.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::{Config, Layout};

/// Why [`Config::generate_to_out_dir`] failed; its diagnostics are already on stderr, where
/// cargo shows them with the failed build.
pub struct BuildScriptError(String);

impl fmt::Display for BuildScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The same text as `Display`: `fn main() -> Result<(), Box<dyn Error>>` prints errors with
/// `Debug`, and the message should read as written.
impl fmt::Debug for BuildScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildScriptError {}

impl Config {
    /// Generates the spec named by [`Config::spec`] into `$OUT_DIR/<module>.rs`, for a build
    /// script (prost-build style), and returns that path.
    ///
    /// The file holds one item, `pub mod <module> { ... }`, with the models, operations, client,
    /// server (and mock, with [`Config::mock`]) as inline modules, so the crate mounts it with
    /// one line: `include!(concat!(env!("OUT_DIR"), "/<module>.rs"));`. `<module>` is the one
    /// given by [`Layout::SingleFile`], or else the spec's file name without its extension as a
    /// Rust identifier (`petstore.yaml` -> `petstore`).
    ///
    /// It prints `cargo:rerun-if-changed` for the spec and every file its `$ref`s read, each
    /// warning as `cargo:warning=` lines, and on errors the rustc-style diagnostics on stderr
    /// (cargo shows them when the build fails). The file is rewritten only when its bytes
    /// change, so an unchanged spec does not recompile the crate.
    ///
    /// ```no_run
    /// // build.rs
    /// fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     openapi_gen::Config::new().spec("petstore.yaml").generate_to_out_dir()?;
    ///     Ok(())
    /// }
    /// ```
    pub fn generate_to_out_dir(&self) -> Result<PathBuf, BuildScriptError> {
        let out_dir = std::env::var_os("OUT_DIR").ok_or_else(|| {
            BuildScriptError(
                "OUT_DIR is not set: `generate_to_out_dir` runs from a build script (use `generate_to`)"
                    .to_owned(),
            )
        })?;
        self.generate_to(Path::new(&out_dir))
    }

    /// [`Config::generate_to_out_dir`] into `dir`.
    pub fn generate_to(&self, dir: &Path) -> Result<PathBuf, BuildScriptError> {
        let spec = self.spec.clone().ok_or_else(|| {
            BuildScriptError(
                "no spec: call `Config::spec(\"path/to/openapi.yaml\")` first".to_owned(),
            )
        })?;
        // Cargo reruns a failed build script anyway; on success the list below replaces this.
        println!("cargo:rerun-if-changed={}", spec.display());
        let module = match &self.layout {
            Layout::SingleFile { module } => module.clone(),
            _ => {
                let stem = spec
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                crate::names::field_name(&stem)
            }
        };
        let mut config = self.clone();
        config.layout(Layout::SingleFile {
            module: module.clone(),
        });
        let output = match crate::generate(&config, &spec) {
            Ok(output) => output,
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                return Err(BuildScriptError(format!(
                    "{} has errors (reported above)",
                    spec.display()
                )));
            }
        };
        for input in &output.inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        for warning in &output.warnings.0 {
            for line in warning.to_string().lines() {
                println!("cargo:warning={line}");
            }
        }
        let file = output
            .files
            .into_iter()
            .next()
            .expect("a single-file layout renders one file");
        let path = dir.join(&file.path);
        write_if_changed(&path, &file.contents)
            .map_err(|e| BuildScriptError(format!("cannot write {}: {e}", path.display())))?;
        Ok(path)
    }
}

/// Writes `contents` unless the file already holds them, through a temporary file and a rename.
fn write_if_changed(path: &Path, contents: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|current| current == contents) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temp = path.with_extension("rs.tmp");
    std::fs::write(&temp, contents)?;
    std::fs::rename(&temp, path)
}
