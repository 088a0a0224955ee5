//! The runtime crate exists once in the repository (`runtime/`): the copy written beside a
//! standalone crate is that crate byte for byte, and `generated/Cargo.toml` turns on the
//! runtime features and names the dependencies the generator's manifest does.

use std::path::{Path, PathBuf};

use openapi_gen::manifest::{
    DIRECT_DEPENDENCIES, HALF_FEATURES, OPTIONAL_FEATURES, RUNTIME_PACKAGE, SERVER_FEATURES,
};
use openapi_gen::{generate, Config, Layout, GENERATED_MARKER, RUNTIME_FILES};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn standalone(runtime_version: Option<&str>) -> Vec<openapi_gen::OutputFile> {
    let mut config = Config::default();
    config
        .spec_label("specs/coveo/openapi.yaml")
        .layout(Layout::Crate {
            name: "coveo_api".to_owned(),
        })
        .runtime_version(runtime_version.map(str::to_owned));
    let spec = workspace_root().join("specs/coveo/openapi.yaml");
    generate(&config, &spec)
        .unwrap_or_else(|d| panic!("{d}"))
        .files
}

#[test]
fn runtime_copy_is_the_crate() {
    let root = workspace_root();
    let files = standalone(None);
    let copied: Vec<_> = files
        .iter()
        .filter(|f| f.path.starts_with("runtime/"))
        .collect();
    // Every file of the crate is copied, and nothing else.
    let mut on_disk = vec!["Cargo.toml".to_owned()];
    for entry in std::fs::read_dir(root.join("runtime/src")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        on_disk.push(format!("src/{name}"));
    }
    on_disk.sort();
    let mut listed: Vec<String> = RUNTIME_FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
    listed.sort();
    assert_eq!(
        listed, on_disk,
        "RUNTIME_FILES must list every file of runtime/"
    );
    assert_eq!(copied.len(), on_disk.len());
    for file in copied {
        let relative = file.path.trim_start_matches("runtime/");
        let original = std::fs::read_to_string(root.join("runtime").join(relative)).unwrap();
        let (marker, rest) = file.contents.split_once('\n').unwrap();
        // `// @generated ...` in Rust, `# @generated ...` in TOML: xtask refreshes the copy.
        let expected = if relative.ends_with(".toml") {
            GENERATED_MARKER.replacen("//", "#", 1)
        } else {
            GENERATED_MARKER.to_owned()
        };
        assert!(
            marker.starts_with(&expected),
            "{}: no @generated marker",
            file.path
        );
        assert_eq!(
            rest, original,
            "{} differs from runtime/{relative}",
            file.path
        );
    }
    let manifest = files.iter().find(|f| f.path == "Cargo.toml").unwrap();
    assert!(manifest
        .contents
        .contains("openapi-gen-runtime = { path = \"runtime\" }\n"));
}

#[test]
fn a_runtime_version_writes_no_copy() {
    let files = standalone(Some("0.1"));
    assert!(files.iter().all(|f| !f.path.starts_with("runtime/")));
    let manifest = files.iter().find(|f| f.path == "Cargo.toml").unwrap();
    assert!(manifest
        .contents
        .contains("openapi-gen-runtime = \"0.1\"\n"));
}

#[test]
fn generated_manifest_matches_the_generators() {
    let text = std::fs::read_to_string(workspace_root().join("generated/Cargo.toml")).unwrap();
    for (feature, enables) in HALF_FEATURES.iter().chain(OPTIONAL_FEATURES) {
        let line = format!("{feature} = [\"{enables}\"]");
        assert!(
            text.lines().any(|l| l == line),
            "generated/Cargo.toml lacks `{line}`"
        );
    }
    for (feature, enables, _) in SERVER_FEATURES {
        let enables: Vec<String> = enables.iter().map(|e| format!("\"{e}\"")).collect();
        let line = format!("{feature} = [{}]", enables.join(", "));
        assert!(
            text.lines().any(|l| l == line),
            "generated/Cargo.toml lacks `{line}`"
        );
        let defaults = text.lines().find(|l| l.starts_with("default =")).unwrap();
        assert!(
            !defaults.contains(&format!("\"{feature}\"")),
            "`{feature}` is opt-in: off by default"
        );
    }
    let dependencies: Vec<&str> = text
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split(['=', '.', ' ']).next().unwrap())
        .collect();
    let mut expected = vec![RUNTIME_PACKAGE];
    expected.extend(DIRECT_DEPENDENCIES.iter().map(|(name, _)| *name));
    assert_eq!(
        dependencies, expected,
        "generated/Cargo.toml [dependencies]"
    );
}
