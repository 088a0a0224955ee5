//! The built `openapi-gen` binary: its `--help`, one generation, `--check`, `diff`, and the
//! documented exit codes (0 success, 1 spec errors or drift, 2 usage or I/O errors, 3 what
//! `diff --fail-on` names).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn openapi_gen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-gen"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/coveo/openapi.yaml")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_explains_every_option_and_the_exit_codes() {
    let output = openapi_gen(&["--help"]);
    assert!(output.status.success());
    let help = text(&output.stdout);
    for option in [
        "--spec",
        "--out",
        "--crate-name",
        "--client-only",
        "--server-only",
        "--deny-warnings",
        "--example-tests",
        "--known-bad-examples",
        "--allow-external-refs-outside",
        "--runtime-version",
        "--mock",
        "--check",
        "--quiet",
        "Exit codes:",
    ] {
        assert!(
            help.contains(option),
            "--help does not mention {option}:\n{help}"
        );
    }
}

#[test]
fn generates_a_crate_checks_it_and_reports_drift() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("coveo-api");
    let (spec, out_arg) = (spec(), out.display().to_string());
    let spec_arg = spec.display().to_string();
    let base = [
        "--spec",
        &spec_arg,
        "--out",
        &out_arg,
        "--crate-name",
        "coveo-api",
    ];

    let generated = openapi_gen(&base);
    assert_eq!(
        generated.status.code(),
        Some(0),
        "{}",
        text(&generated.stderr)
    );
    let stderr = text(&generated.stderr);
    assert!(
        stderr.contains(" operations, ") && stderr.contains(" types, ") && stderr.contains(" s\n"),
        "no summary line:\n{stderr}"
    );
    assert!(out.join("Cargo.toml").is_file() && out.join("src/client.rs").is_file());

    let check = openapi_gen(&[&base[..], &["--check", "--quiet"]].concat());
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    assert!(
        check.stderr.is_empty(),
        "--quiet prints nothing: {}",
        text(&check.stderr)
    );

    std::fs::write(out.join("src/client.rs"), "// @generated and edited\n").unwrap();
    let stale = openapi_gen(&[&base[..], &["--check"]].concat());
    assert_eq!(stale.status.code(), Some(1));
    assert!(text(&stale.stderr).contains("stale:   src/client.rs"));

    let broken = temp.path().join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n").unwrap();
    let errors = openapi_gen(&[
        "--spec",
        &broken.display().to_string(),
        "--out",
        &out_arg,
        "--crate-name",
        "x",
    ]);
    assert_eq!(errors.status.code(), Some(1));
    assert!(
        text(&errors.stderr).contains("error: "),
        "{}",
        text(&errors.stderr)
    );

    let usage = openapi_gen(&["--spec", &spec_arg]);
    assert_eq!(usage.status.code(), Some(2));
    let missing = openapi_gen(&[
        "--spec",
        "no/such.yaml",
        "--out",
        &out_arg,
        "--crate-name",
        "x",
    ]);
    assert_eq!(
        missing.status.code(),
        Some(1),
        "an unreadable spec is a spec error"
    );
}

/// `diff` against a generated crate (its `openapi.json`), `--fail-on`, `--format json`, and the
/// summary `--check` prints above its file diff.
#[test]
fn diff_reports_what_breaks_and_check_shows_it() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("coveo-api");
    let out_arg = out.display().to_string();
    let spec_arg = spec().display().to_string();
    let generated = openapi_gen(&[
        "--spec",
        &spec_arg,
        "--out",
        &out_arg,
        "--crate-name",
        "coveo-api",
        "--quiet",
    ]);
    assert_eq!(generated.status.code(), Some(0));
    let edited = temp.path().join("openapi.yaml");
    let text_of_spec = std::fs::read_to_string(spec()).unwrap();
    std::fs::write(
        &edited,
        text_of_spec.replacen(
            "operationId: deleteOrganization",
            "operationId: dropOrganization",
            1,
        ),
    )
    .unwrap();
    let edited_arg = edited.display().to_string();

    let same = openapi_gen(&[
        "diff",
        "--old",
        &out_arg,
        "--new",
        &spec_arg,
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stderr));
    assert!(text(&same.stdout).contains("0 changes; recommended bump: none"));

    let changed = openapi_gen(&[
        "diff",
        "--old",
        &out_arg,
        "--new",
        &edited_arg,
        "--fail-on",
        "breaking",
    ]);
    assert_eq!(changed.status.code(), Some(3), "{}", text(&changed.stderr));
    let human = text(&changed.stdout);
    assert!(
        human.contains("method `delete_organization` renamed to `drop_organization`"),
        "{human}"
    );
    let json = openapi_gen(&[
        "diff",
        "--old",
        &out_arg,
        "--new",
        &edited_arg,
        "--format",
        "json",
    ]);
    assert_eq!(json.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["bump"], "major");
    assert_eq!(value["changes"][0]["kind"], "operation_renamed");

    let check = openapi_gen(&[
        "--spec",
        &edited_arg,
        "--out",
        &out_arg,
        "--crate-name",
        "coveo-api",
        "--check",
        "--quiet",
    ]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = text(&check.stderr);
    let summary = stderr.find("recommended bump: major").expect("the summary");
    let files = stderr.find("stale:").expect("the file diff");
    assert!(summary < files, "the summary comes first:\n{stderr}");

    let missing = openapi_gen(&["diff", "--old", "no/such.yaml", "--new", &spec_arg]);
    assert_eq!(missing.status.code(), Some(2));
}
