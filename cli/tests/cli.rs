//! The built `openapi-gen` binary: its `--help`, one generation, `--check`, and the documented
//! exit codes (0 success, 1 spec errors or drift, 2 usage or I/O errors).

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
