//! Tidy checks, run by `cargo test`: the architecture rules ARCHITECTURE.md states as absences,
//! checked by reading the source tree (rust-analyzer's `tidy.rs` is the model).

use std::fs;
use std::path::{Path, PathBuf};

use crate::generate::workspace_root;

/// Every `.rs` file under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The generator's source files, with their paths relative to `generator/src/`.
fn generator_sources() -> Vec<(String, String)> {
    let src = workspace_root().join("generator/src");
    rust_files(&src)
        .into_iter()
        .map(|path| {
            let relative = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (relative, fs::read_to_string(&path).unwrap())
        })
        .collect()
}

/// The lines that are code, not comments (`//`, `//!`, `///`).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(index, line)| (index + 1, line))
}

/// Files whose code uses one of `needles` outside the directories allowed to.
fn offenders(needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in generator_sources() {
        if allowed.iter().any(|dir| path.starts_with(dir)) {
            continue;
        }
        for (line, code) in code_lines(&text) {
            if needles.iter().any(|needle| code.contains(needle)) {
                found.push(format!("generator/src/{path}:{line}: {}", code.trim()));
            }
        }
    }
    found
}

#[test]
fn openapiv3_is_named_only_in_load_and_lower() {
    let found = offenders(&["openapiv3"], &["load/", "lower/"]);
    assert!(
        found.is_empty(),
        "`openapiv3` outside load/ and lower/:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_load_reads_files() {
    let reads = ["fs::read", "File::open", "read_to_string(", "read_dir("];
    // The build-script helper reads back its own output file, to write it only when it changed.
    let found = offenders(&reads, &["load/", "build_script.rs"]);
    assert!(
        found.is_empty(),
        "file reads outside load/:\n{}",
        found.join("\n")
    );
}

/// The library returns files in memory; only the build-script helper writes (one file into
/// `OUT_DIR`). The command-line front ends (`cli/`, `xtask/`) write everything else.
#[test]
fn only_the_build_script_helper_writes_files() {
    let writes = [
        "fs::write",
        "File::create",
        "fs::rename",
        "create_dir",
        "remove_file",
    ];
    let found = offenders(&writes, &["build_script.rs"]);
    assert!(
        found.is_empty(),
        "file writes in the generator library outside build_script.rs:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_source_file_opens_with_a_doc_line() {
    let root = workspace_root();
    // `include!`d files cannot carry inner attributes, so they open with a plain comment.
    let included = [root.join("generated/tests/coveo/cases.rs")];
    let dirs = [
        "runtime/src",
        "generator/src",
        "generator/tests",
        "generator/benches",
        "xtask/src",
        "cli/src",
        "cli/tests",
        "examples/buildrs-petstore",
        "generated/tests",
        "generated/examples",
    ];
    let mut files: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|dir| rust_files(&root.join(dir)))
        .collect();
    files.push(root.join("generated/src/lib.rs"));
    let missing: Vec<String> = files
        .iter()
        .filter(|path| !included.contains(path))
        .filter(|path| !fs::read_to_string(path).unwrap().starts_with("//!"))
        .map(|path| path.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` first line:\n{}",
        missing.join("\n")
    );
}
