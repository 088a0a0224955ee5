//! Workspace automation: `cargo xtask generate` (and `--check`), `cargo xtask mock`,
//! `cargo xtask bench` (`--models`, `--streams`), `cargo xtask corpus`, `cargo xtask conformance`,
//! `cargo xtask diff` and `cargo xtask diff-truth`.
//!
//! Exit codes: 0 success, 1 spec errors or drift, 2 usage or I/O errors.

mod bench;
#[cfg(unix)]
mod conformance;
#[cfg(unix)]
mod corpus;
#[cfg(unix)]
mod diff_truth;
mod generate;
mod mock;
mod models_bench;
mod peer;
mod streams_bench;
mod synthetic;
#[cfg(test)]
mod tidy;

use std::process::ExitCode;

/// The generator allocates many small token and syntax-tree nodes; mimalloc serves them faster
/// than the system allocator (measured with `cargo xtask bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "Workspace tasks for the OpenAPI generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate `generated/src/<api>/` from `specs/<api>/openapi.*`, or one spec into a standalone crate.
    Generate(generate::GenerateArgs),
    /// Generate a spec's crate with its mock into `target/mock/<name>/`, build it and serve it:
    /// every operation answers its documented example.
    Mock(mock::MockArgs),
    /// Measure generation time, memory, lines emitted and `cargo check` time of the output.
    Bench(bench::BenchArgs),
    /// Generate every OpenAPI description under a directory (a public corpus) with the release
    /// generator, lint a sample of the crates, and report outcomes, error classes and timings.
    #[cfg(unix)]
    Corpus(corpus::CorpusArgs),
    /// What changed in the generated Rust API between two versions of a description (as
    /// `openapi-gen diff`).
    Diff(openapi_gen_cli::diff::DiffArgs),
    /// Measures `diff` against the compiler: for consecutive versions of a description, code
    /// using every public item of the older crate is compiled against the newer one, and its
    /// errors are compared with the changes `diff` calls breaking.
    #[cfg(unix)]
    DiffTruth(diff_truth::DiffTruthArgs),
    /// Build each description's mock server, fuzz it with schemathesis's response checks, and
    /// report crashes, 5xx, and responses that break the description.
    #[cfg(unix)]
    Conformance(conformance::ConformanceArgs),
    /// One spec's generation measurements, as JSON (used by `bench`).
    #[command(hide = true)]
    BenchRun(bench::RunArgs),
}

fn main() -> ExitCode {
    openapi_gen_cli::main_with(|cli: Cli| match cli.command {
        Command::Generate(args) => generate::run(&args),
        Command::Mock(args) => mock::run(&args),
        Command::Diff(args) => openapi_gen_cli::diff::run(&args),
        #[cfg(unix)]
        Command::DiffTruth(args) => diff_truth::run(&args),
        Command::Bench(args) => bench::run(&args).map(|()| generate::Outcome::Done),
        #[cfg(unix)]
        Command::Corpus(args) => corpus::run(&args),
        #[cfg(unix)]
        Command::Conformance(args) => conformance::run(&args),
        Command::BenchRun(args) => bench::run_one(&args).map(|()| generate::Outcome::Done),
    })
}
