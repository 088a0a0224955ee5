//! Compile and round-trip test: every valid fixture's output, client, server and example tests
//! included, builds warning-free under clippy (`#![deny(warnings)]` plus `-D warnings`), and
//! `cargo test` passes in it: the emitted example tests check each fixture's schema examples, and
//! the hand-written `tests/roundtrip/*.rs`, copied into the crate's `tests/`, check what examples
//! cannot express (three states, rejected input, union tags). Every fixture gets its mock too,
//! and `mock_server.rs` serves the `mock` fixture's and checks each operation's answer.

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use openapi_gen::{generate, Config, Manifest, RuntimeSource};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn fixtures_compile_without_warnings() {
    let root = workspace_root();
    let crate_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures-crate");
    let _ = std::fs::remove_dir_all(crate_dir.join("src"));
    let _ = std::fs::remove_dir_all(crate_dir.join("tests"));
    let mut lib = String::from("#![deny(warnings)]\n");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("generator/tests/fixtures/valid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    fixtures.sort();
    for path in &fixtures {
        let module = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut config = Config::default();
        // A directory is a multi-file fixture whose root is `openapi.yaml`.
        let (label, spec) = if path.is_dir() {
            (
                format!("fixtures/{module}/openapi.yaml"),
                path.join("openapi.yaml"),
            )
        } else {
            (format!("fixtures/{module}.yaml"), path.clone())
        };
        config.spec_label(label).example_tests(true).mock(true);
        let output = generate(&config, &spec).unwrap_or_else(|d| panic!("{d}"));
        for file in output.files {
            let target = crate_dir.join("src").join(&module).join(&file.path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, file.contents).unwrap();
        }
        writeln!(lib, "pub mod {module};").unwrap();
    }
    std::fs::write(crate_dir.join("src/lib.rs"), lib).unwrap();
    std::fs::create_dir_all(crate_dir.join("tests")).unwrap();
    support::copy_dir(
        &root.join("generator/tests/roundtrip"),
        &crate_dir.join("tests"),
    );
    // The manifest a generated crate gets, over the workspace's runtime crate, plus what the
    // round trips use to serve and call over loopback.
    let runtime = RuntimeSource::Path(root.join("runtime").display().to_string());
    let manifest = format!(
        "{}\n[dev-dependencies]\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"time\"] }}\n\
         axum = {{ version = \"0.8\", default-features = false, features = [\"http1\", \"tokio\"] }}\n\
         reqwest = {{ version = \"0.12\", default-features = false }}\n\
         futures-util = {{ version = \"0.3\", default-features = false }}\n\
         bytes = \"1\"\n\
         tracing = {{ version = \"0.1\", default-features = false, features = [\"std\"] }}\n",
        Manifest::new("fixtures", "fixtures", runtime, [true, true]).to_toml()
    );
    std::fs::write(crate_dir.join("Cargo.toml"), manifest).unwrap();
    // The workspace lock file pins the same versions the workspace already built.
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    let cargo = |args: &[&str]| {
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .args(args)
            .current_dir(&crate_dir)
            .env("CARGO_TARGET_DIR", root.join("target/fixtures-check"))
            .status()
            .expect("cargo runs")
            .success()
    };
    assert!(
        cargo(&[
            "clippy",
            "--quiet",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings"
        ]),
        "the fixtures' generated code does not compile warning-free; see the output above"
    );
    // The server's opt-in features: every fixture's description embedded and served, and the
    // router traced.
    assert!(
        cargo(&[
            "clippy",
            "--quiet",
            "--lib",
            "--features",
            "docs,tracing",
            "--",
            "-D",
            "warnings"
        ]),
        "the fixtures' generated code does not compile warning-free with `docs` and `tracing`"
    );
    assert!(
        // With the optional `tracing` feature, whose spans a round trip reads.
        cargo(&["test", "--quiet", "--features", "tracing"]),
        "the fixtures' models do not round-trip; see the failing tests above"
    );
}
