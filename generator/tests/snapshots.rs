//! Snapshot tests: each fixture spec's IR and emitted code, and each invalid fixture's diagnostics.

use std::path::Path;

use openapi_gen::{generate, load_spec, lower_api, Config};

/// `fixtures/<name>.yaml`, or `fixtures/<dir>/openapi.yaml` for a multi-file fixture.
fn label_for(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let parent = path.parent().unwrap();
    if name == "openapi.yaml" {
        let dir = parent.file_name().unwrap().to_string_lossy();
        format!("fixtures/{dir}/{name}")
    } else {
        format!("fixtures/{name}")
    }
}

fn config_for(path: &Path) -> Config {
    let mut config = Config::default();
    config.spec_label(label_for(path)).example_tests(true);
    config
}

#[test]
fn valid_fixtures() {
    insta::glob!("fixtures/valid/{*.yaml,*/openapi.yaml}", |path| {
        let config = config_for(path);
        let label = label_for(path);
        let spec = load_spec(path, &label).unwrap_or_else(|d| panic!("{d}"));
        let lowered = lower_api(&spec.openapi).unwrap_or_else(|d| panic!("{d}"));
        insta::assert_snapshot!("ir", format!("{:#?}", lowered.api));
        let output = generate(&config, path).unwrap_or_else(|d| panic!("{d}"));
        let mut text = String::new();
        for warning in &output.warnings.0 {
            text.push_str(&warning.to_string());
        }
        for file in output
            .files
            .iter()
            .filter(|f| !f.path.starts_with("runtime/"))
        {
            text.push_str(&format!("==> {} <==\n{}\n", file.path, file.contents));
        }
        insta::assert_snapshot!("code", text);
    });
}

/// Each `fixtures/diff/<case>/` holds two versions of an API: the report of what changed, as
/// people read it and as JSON.
#[test]
fn diff_fixtures() {
    insta::glob!("fixtures/diff/*/old.yaml", |old| {
        let case = old.parent().unwrap().file_name().unwrap().to_string_lossy();
        let new = old.with_file_name("new.yaml");
        let report = openapi_gen::diff::diff_specs(
            old,
            &format!("fixtures/diff/{case}/old.yaml"),
            &new,
            &format!("fixtures/diff/{case}/new.yaml"),
        )
        .unwrap_or_else(|d| panic!("{d}"));
        insta::assert_snapshot!("diff_human", report.to_human());
        insta::assert_snapshot!("diff_json", report.to_json());
    });
}

#[test]
fn invalid_fixtures() {
    insta::glob!("fixtures/invalid/{*.yaml,*.json,*/openapi.yaml}", |path| {
        let config = config_for(path);
        let diagnostics =
            generate(&config, path).expect_err("an invalid fixture must not generate");
        assert!(diagnostics.has_errors());
        insta::assert_snapshot!(diagnostics.to_string());
    });
}

#[test]
fn warnings_can_be_denied() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/formats.yaml");
    let mut config = config_for(&path);
    assert!(generate(&config, &path).is_ok());
    config.deny_warnings(true);
    let diagnostics = generate(&config, &path).expect_err("formats.yaml has an unknown format");
    assert!(diagnostics
        .to_string()
        .contains("error: unknown format `something-new`"));
}

/// A format the generator does not know is reported once per format and fallback type, at one
/// place, with how many others there are: real specs repeat one a hundred times.
#[test]
fn unknown_formats_are_reported_once_per_format() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/formats.yaml");
    let output = generate(&config_for(&path), &path).unwrap_or_else(|d| panic!("{d}"));
    let reported: Vec<(String, Option<String>)> = output
        .warnings
        .warnings()
        .filter(|w| w.message.starts_with("unknown format"))
        .map(|w| (w.message.clone(), w.hint.clone()))
        .collect();
    let one_other =
        Some("the same holds at 1 other place in the spec, not reported one by one".to_owned());
    assert_eq!(
        reported,
        [
            (
                "unknown format `something-new`; treating it as a plain string".to_owned(),
                one_other.clone()
            ),
            (
                "unknown format `unixtime`; treating it as a plain integer (i64)".to_owned(),
                one_other
            ),
            (
                "unknown format `unixtime`; treating it as a plain number (f64)".to_owned(),
                None
            ),
        ]
    );
}

/// Lowering reports every problem of the phase, not only the first.
#[test]
fn several_errors_are_all_reported() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid/several_errors.yaml");
    let diagnostics = generate(&config_for(&path), &path).expect_err("the fixture has errors");
    let text = diagnostics.to_string();
    for expected in [
        "error: `$ref` target `#/components/schemas/Missing` does not exist",
        "error: operationId `same` is already used by",
        "must point into `#/components/parameters/`",
        "3 error(s)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn external_refs_outside_can_be_allowed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid/external_outside/openapi.yaml");
    let mut config = config_for(&path);
    let refused = generate(&config, &path).expect_err("the ref leaves the fixture's directory");
    assert!(refused.to_string().contains("outside the spec's directory"));
    config.allow_external_refs_outside(true);
    let output = generate(&config, &path).unwrap_or_else(|d| panic!("{d}"));
    let model = output.files.iter().find(|f| f.path == "model.rs").unwrap();
    assert!(model.contents.contains("pub struct Base"));
}

#[test]
fn output_is_deterministic() {
    insta::glob!("fixtures/valid/{*.yaml,*/openapi.yaml}", |path| {
        let config = config_for(path);
        let first = generate(&config, path).unwrap().files;
        let second = generate(&config, path).unwrap().files;
        assert_eq!(first, second);
    });
}
