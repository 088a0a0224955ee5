//! Determinism: the output does not depend on the order of maps whose order means nothing
//! (`components/*` sections, security schemes), nor on the run; the same spec gives the same bytes.
//!
//! Document order is kept where it carries meaning or is shown to the user: properties (field
//! order), paths and operations, enum values, `oneOf` variants (the first match wins) and statuses.

mod support;
use support::copy_dir;

use std::path::{Path, PathBuf};

use openapi_gen::{generate, Config, OutputFile};
use serde_yaml::{Mapping, Value};

/// The `components` sections whose entry order must not matter.
const UNORDERED: &[&str] = &[
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "securitySchemes",
];

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every valid fixture's root spec, with the label the snapshot tests use.
fn fixtures() -> Vec<(PathBuf, String)> {
    let dir = manifest_dir().join("tests/fixtures/valid");
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                (
                    p.join("openapi.yaml"),
                    format!("fixtures/{name}/openapi.yaml"),
                )
            } else {
                (p, format!("fixtures/{name}"))
            }
        })
        .collect();
    out.sort();
    out
}

/// Reorders a mapping's entries: `rotate` moves that many entries from the front to the back,
/// then `reverse` reverses them.
fn reorder(map: &mut Mapping, rotate: usize, reverse: bool) {
    let mut entries: Vec<(Value, Value)> = std::mem::take(map).into_iter().collect();
    if !entries.is_empty() {
        let by = rotate % entries.len();
        entries.rotate_left(by);
    }
    if reverse {
        entries.reverse();
    }
    map.extend(entries);
}

/// The spec text with its unordered maps (and the top-level and `components` keys) reordered.
fn shuffled(text: &str, rotate: usize, reverse: bool) -> String {
    let mut document: Value = openapi_gen::parse_yaml_value(text).unwrap();
    if let Some(components) = document
        .get_mut("components")
        .and_then(Value::as_mapping_mut)
    {
        for section in UNORDERED {
            if let Some(map) = components.get_mut(*section).and_then(Value::as_mapping_mut) {
                reorder(map, rotate, reverse);
            }
        }
        reorder(components, rotate, reverse);
    }
    if let Some(map) = document.as_mapping_mut() {
        reorder(map, rotate, reverse);
    }
    serde_yaml::to_string(&document).unwrap()
}

fn generate_files(path: &Path, label: &str) -> Vec<OutputFile> {
    let mut config = Config::default();
    config.spec_label(label);
    generate(&config, path)
        .unwrap_or_else(|d| panic!("{label}: {d}"))
        .files
}

fn assert_same(label: &str, expected: &[OutputFile], actual: &[OutputFile]) {
    assert_eq!(
        expected.len(),
        actual.len(),
        "{label}: different file lists"
    );
    for (e, a) in expected.iter().zip(actual) {
        assert_eq!(e.path, a.path, "{label}: different file lists");
        // The embedded description is the input as given, so it follows the shuffled order on
        // purpose; only what lowering decides must not.
        if e.path.ends_with("openapi.json") {
            continue;
        }
        if e.contents != a.contents {
            let first = e
                .contents
                .lines()
                .zip(a.contents.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            panic!(
                "{label}: {} differs from line {}:\n  before: {:?}\n  after:  {:?}",
                e.path,
                first + 1,
                e.contents.lines().nth(first),
                a.contents.lines().nth(first)
            );
        }
    }
}

/// Writes the shuffled root spec beside copies of its sibling files and generates from it.
fn generate_shuffled(path: &Path, label: &str, scratch: &Path, rotate: usize, reverse: bool) {
    let expected = generate_files(path, label);
    let _ = std::fs::remove_dir_all(scratch);
    copy_dir(path.parent().unwrap(), scratch);
    let text = std::fs::read_to_string(path).unwrap();
    let target = scratch.join(path.file_name().unwrap());
    std::fs::write(&target, shuffled(&text, rotate, reverse)).unwrap();
    let actual = generate_files(&target, label);
    assert_same(
        &format!("{label} (rotate {rotate}, reverse {reverse})"),
        &expected,
        &actual,
    );
}

#[test]
fn fixtures_ignore_component_order() {
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("determinism");
    for (path, label) in fixtures() {
        // Single-file fixtures share a directory; copying it whole is cheap.
        let name = path.parent().unwrap().file_name().unwrap().to_owned();
        for (rotate, reverse) in [(0, true), (1, false), (2, true)] {
            generate_shuffled(&path, &label, &scratch.join(&name), rotate, reverse);
        }
    }
}

#[test]
fn generating_twice_gives_the_same_bytes() {
    for (path, label) in fixtures() {
        let first = generate_files(&path, &label);
        let second = generate_files(&path, &label);
        assert_same(&label, &first, &second);
    }
}

/// The real Qovery API (hundreds of schemas) beside the workspace; skipped when absent.
#[test]
fn qovery_ignores_component_order() {
    let path = manifest_dir().join("../../shared/specs/qovery-openapi.yaml");
    if !path.is_file() {
        eprintln!("{} not found; skipped", path.display());
        return;
    }
    let label = "qovery-openapi.yaml";
    let expected = generate_files(&path, label);
    let again = generate_files(&path, label);
    assert_same(label, &expected, &again);
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("determinism-qovery");
    std::fs::create_dir_all(&scratch).unwrap();
    let target = scratch.join("qovery-openapi.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&target, shuffled(&text, 7, true)).unwrap();
    let actual = generate_files(&target, label);
    assert_same(&format!("{label} (shuffled)"), &expected, &actual);
}
