//! Criterion benches of the generator's phases on the full Qovery spec (or, when
//! `../shared/specs/qovery-openapi.yaml` is absent, the largest fixture): parse, lower, and
//! emit + format. `cargo xtask bench` reports whole-run figures; these isolate each phase.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use openapi_gen::{generate_from, lower_api, parse_spec, Config, Layout};

fn spec_path() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let qovery = manifest.join("../../shared/specs/qovery-openapi.yaml");
    if qovery.exists() {
        qovery
    } else {
        manifest.join("tests/fixtures/valid/operations.yaml")
    }
}

fn phases(c: &mut Criterion) {
    let path = spec_path();
    let source = std::fs::read_to_string(&path).expect("the bench spec is readable");
    let label = path.display().to_string();
    let spec = parse_spec(source.clone(), &label).expect("the bench spec parses");
    let mut config = Config::default();
    config.spec_label(&label).layout(Layout::Crate {
        name: "bench".to_owned(),
    });

    let mut group = c.benchmark_group("qovery");
    group.sample_size(10);
    group.bench_function("parse", |b| {
        b.iter(|| parse_spec(source.clone(), &label).expect("parses"))
    });
    group.bench_function("lower", |b| {
        b.iter(|| lower_api(&spec.openapi).expect("lowers"))
    });
    group.bench_function("lower_emit_format", |b| {
        b.iter(|| generate_from(&config, &spec).expect("generates"))
    });
    group.finish();
}

criterion_group!(benches, phases);
criterion_main!(benches);
