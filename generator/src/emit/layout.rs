//! Decides which files an API becomes (module or standalone crate) and renders each of them.

use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use quote::quote;

use super::features::UNREFERENCED_FEATURE;
use crate::config::{Config, Layout};
use crate::ir::Api;
use crate::render::{header, render_file};
use crate::OutputFile;

/// The hand-written runtime, copied into every output.
const RUNTIME_MOD: &str = include_str!("../runtime/mod.rs");
const RUNTIME_MODEL: &str = include_str!("../runtime/model.rs");
const RUNTIME_RESPONSES: &str = include_str!("../runtime/responses.rs");
const RUNTIME_CLIENT: &str = include_str!("../runtime/client.rs");
const RUNTIME_SERVER: &str = include_str!("../runtime/server.rs");
const RUNTIME_EXAMPLES: &str = include_str!("../runtime/examples.rs");

/// Dependency lines of a standalone crate; the versions match the workspace's.
pub const CRATE_DEPENDENCIES: &str = r#"[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"
erased-serde = "0.4"
stacker = "0.1"
uuid = { version = "1", features = ["serde"] }
chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }
bytes = "1"
percent-encoding = "2.3"
reqwest = { version = "0.12", default-features = false, features = ["rustls-tls", "json", "multipart"], optional = true }
axum = { version = "0.8", default-features = false, features = ["http1", "tokio", "query", "json"], optional = true }
serde_urlencoded = { version = "0.7", optional = true }
multer = { version = "3", optional = true }
futures-util = { version = "0.3", default-features = false, optional = true }
base64 = { version = "0.22", optional = true }
"#;

/// Every file of one API, and the time spent building tokens and formatting them.
pub struct Emitted {
    pub files: Vec<OutputFile>,
    /// Building token streams, summed over the files.
    pub emit: Duration,
    /// Parsing and pretty-printing them, summed over the files.
    pub format: Duration,
}

/// A Rust file to emit: its path and the emitter that builds its tokens.
type RustJob<'a> = (String, Box<dyn Fn() -> TokenStream + Send + Sync + 'a>);

/// A rendered file with the time spent emitting and formatting it.
type Rendered = Result<(OutputFile, Duration, Duration), String>;

/// Renders every file of one API.
///
/// The Rust files are independent, so they are emitted and formatted on worker threads (token
/// streams cannot cross threads; the finished text can). The output does not depend on timing:
/// files are sorted by path at the end.
pub fn emit_api(api: &Api, config: &Config) -> Result<Emitted, String> {
    let label = &config.spec_label;
    let (src, tag_features) = match &config.layout {
        Layout::Module => ("", false),
        Layout::Crate { .. } => ("src/", true),
    };
    let root = match &config.layout {
        Layout::Module => "mod.rs".to_owned(),
        Layout::Crate { .. } => "src/lib.rs".to_owned(),
    };
    let example_tests =
        config.example_tests && !super::example_tests::checked_examples(api).is_empty();
    // Webhooks get the same operations, client and server files in a module of their own, over
    // the API's models: the emitters see a copy of the API whose operations are the webhooks.
    let hooks = (!api.webhooks.is_empty()).then(|| Api {
        operations: api.webhooks.clone(),
        webhooks: Vec::new(),
        ..api.clone()
    });
    let mut jobs: Vec<RustJob> = vec![
        (
            root,
            Box::new(move || emit_root(api, config, example_tests)),
        ),
        (
            format!("{src}model.rs"),
            Box::new(move || super::model::emit_model(api, tag_features)),
        ),
        (
            format!("{src}operations.rs"),
            Box::new(move || super::operations::emit_operations(api, tag_features)),
        ),
    ];
    if example_tests {
        jobs.push((
            format!("{src}example_tests.rs"),
            Box::new(move || {
                super::example_tests::emit_example_tests(
                    api,
                    tag_features,
                    &config.known_bad_examples,
                )
            }),
        ));
    }
    if config.client {
        jobs.push((
            format!("{src}client.rs"),
            Box::new(move || super::client::emit_client(api, tag_features)),
        ));
    }
    if config.server {
        jobs.push((
            format!("{src}server.rs"),
            Box::new(move || super::server::emit_server(api, tag_features)),
        ));
    }
    if let Some(hooks) = &hooks {
        jobs.push((
            format!("{src}webhooks/mod.rs"),
            Box::new(move || emit_webhooks_root(config)),
        ));
        jobs.push((
            format!("{src}webhooks/operations.rs"),
            Box::new(move || super::operations::emit_operations(hooks, tag_features)),
        ));
        if config.client {
            jobs.push((
                format!("{src}webhooks/client.rs"),
                Box::new(move || super::client::emit_client(hooks, tag_features)),
            ));
        }
        if config.server {
            jobs.push((
                format!("{src}webhooks/server.rs"),
                Box::new(move || super::server::emit_server(hooks, tag_features)),
            ));
        }
    }
    // One worker per core takes the next file, largest first: more threads than cores would
    // only hold more token streams in memory at once.
    jobs.sort_by_key(|(path, _)| std::cmp::Reverse(expected_size(path)));
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let run = |index: usize| -> Rendered {
        let (path, job) = &jobs[index];
        let started = Instant::now();
        let tokens = job();
        let emitted = started.elapsed();
        let contents = render_file(label, tokens)?;
        let formatted = started.elapsed() - emitted;
        let file = OutputFile {
            path: path.clone(),
            contents,
        };
        Ok((file, emitted, formatted))
    };
    let mut rendered: Vec<(usize, Rendered)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if index >= jobs.len() {
                            break done;
                        }
                        done.push((index, run(index)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("an emitter thread panicked"))
            .collect()
    });
    rendered.sort_by_key(|(index, _)| *index);
    let rendered = rendered.into_iter().map(|(_, result)| result);
    let mut files = Vec::new();
    let (mut emit, mut format) = (Duration::ZERO, Duration::ZERO);
    for result in rendered {
        let (file, emitted, formatted) = result?;
        files.push(file);
        emit += emitted;
        format += formatted;
    }
    let mut runtime_mod = RUNTIME_MOD.to_owned();
    if !config.client {
        runtime_mod = runtime_mod.replace("#[cfg(feature = \"client\")]\npub mod client;\n", "");
    }
    if !config.server {
        runtime_mod = runtime_mod.replace("#[cfg(feature = \"server\")]\npub mod server;\n", "");
    }
    if !example_tests {
        runtime_mod = runtime_mod.replace("#[cfg(test)]\npub mod examples;\n", "");
    }
    let copied = |text: &str| format!("{}{text}", header(label));
    files.push(OutputFile {
        path: format!("{src}runtime/mod.rs"),
        contents: copied(&runtime_mod),
    });
    files.push(OutputFile {
        path: format!("{src}runtime/model.rs"),
        contents: copied(RUNTIME_MODEL),
    });
    files.push(OutputFile {
        path: format!("{src}runtime/responses.rs"),
        contents: copied(RUNTIME_RESPONSES),
    });
    if config.client {
        files.push(OutputFile {
            path: format!("{src}runtime/client.rs"),
            contents: copied(RUNTIME_CLIENT),
        });
    }
    if config.server {
        files.push(OutputFile {
            path: format!("{src}runtime/server.rs"),
            contents: copied(RUNTIME_SERVER),
        });
    }
    if example_tests {
        files.push(OutputFile {
            path: format!("{src}runtime/examples.rs"),
            contents: copied(RUNTIME_EXAMPLES),
        });
    }
    if let Layout::Crate { name } = &config.layout {
        files.push(OutputFile {
            path: "Cargo.toml".to_owned(),
            contents: cargo_toml(api, config, name),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Emitted {
        files,
        emit,
        format,
    })
}

/// How large a file usually is, so the largest are started first.
fn expected_size(path: &str) -> u8 {
    match path.rsplit('/').next().unwrap_or(path) {
        "server.rs" => 5,
        "model.rs" => 4,
        "client.rs" => 3,
        "operations.rs" => 2,
        "example_tests.rs" => 1,
        _ => 0,
    }
}

/// `mod.rs` (or `lib.rs`): the API's documentation and its modules.
fn emit_root(api: &Api, config: &Config, example_tests: bool) -> TokenStream {
    let doc_lines: Vec<String> = doc_lines(api, config);
    let client = config.client.then(|| {
        quote!(
            #[cfg(feature = "client")]
            pub mod client;
        )
    });
    let server = config.server.then(|| {
        quote!(
            #[cfg(feature = "server")]
            pub mod server;
        )
    });
    let example_tests = example_tests.then(|| {
        quote!(
            #[cfg(test)]
            mod example_tests;
        )
    });
    let webhooks = (!api.webhooks.is_empty()).then(|| {
        // Compiled when any webhook's tag is: with none, its client would be dead code.
        let cfg = match config.layout {
            Layout::Crate { .. } => {
                let mut tags: Vec<String> =
                    api.webhooks.iter().flat_map(|op| op.tags.clone()).collect();
                tags.sort();
                tags.dedup();
                super::features::operation_cfg(api, &tags)
            }
            Layout::Module => TokenStream::new(),
        };
        quote!(
            #cfg
            pub mod webhooks;
        )
    });
    let unused_lints = match config.layout {
        Layout::Crate { .. } => quote!(#![allow(unused_imports)]),
        Layout::Module => TokenStream::new(),
    };
    quote! {
        #(#![doc = #doc_lines])*
        #![allow(clippy::module_inception)]
        #unused_lints
        pub mod model;
        pub mod operations;
        pub mod runtime;
        #client
        #server
        #webhooks
        #example_tests
    }
}

/// `webhooks/mod.rs`: the requests the API sends to its subscribers, as their own operations,
/// client (for the sending side) and server (for the receiving side), over the API's models.
fn emit_webhooks_root(config: &Config) -> TokenStream {
    let client = config.client.then(|| {
        quote!(
            #[cfg(feature = "client")]
            pub mod client;
        )
    });
    let server = config.server.then(|| {
        quote!(
            #[cfg(feature = "server")]
            pub mod server;
        )
    });
    quote! {
        //! Webhooks: the requests this API sends to its subscribers (OpenAPI `webhooks`).
        //!
        //! `server` receives them: implement its `Api` and serve its `router`, which routes each
        //! webhook at `/<webhook name>` (nest it under the path you registered). `client` sends
        //! them, for a test or for the API's own side.
        #[allow(unused_imports)]
        use super::{model, runtime};
        pub mod operations;
        #client
        #server
    }
}

fn doc_lines(api: &Api, config: &Config) -> Vec<String> {
    let title = format!("{} (version {})", api.title, api.version);
    let source = format!("Generated from `{}`.", config.spec_label);
    let parts = [
        Some(title.as_str()),
        api.description.as_deref(),
        Some(source.as_str()),
    ];
    let text: Vec<String> = parts
        .iter()
        .flatten()
        .map(|p| super::common::sanitize_doc(p))
        .collect();
    text.join("\n\n")
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect()
}

/// Spec text on one line of a TOML comment: TOML allows no control character but tab there.
fn toml_comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Spec text inside a TOML basic string (`"..."`): escapes `\` and `"`, and control characters
/// become spaces.
fn toml_string(text: &str) -> String {
    toml_comment(text)
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

fn cargo_toml(api: &Api, config: &Config, name: &str) -> String {
    let mut features = String::from("[features]\n");
    let mut defaults = Vec::new();
    if config.client {
        defaults.push("\"client\"".to_owned());
        features.push_str("client = [\"dep:reqwest\"]\n");
    }
    if config.server {
        defaults.push("\"server\"".to_owned());
        features.push_str(
            "server = [\"dep:axum\", \"dep:serde_urlencoded\", \"dep:multer\", \"dep:futures-util\", \"dep:base64\"]\n",
        );
    }
    for tag in &api.tags {
        defaults.push(format!("\"tag-{}\"", tag.feature_name));
        features.push_str(&format!(
            "# Operations tagged `{}`.\ntag-{} = []\n",
            toml_comment(&tag.wire_name),
            tag.feature_name
        ));
    }
    defaults.push(format!("\"{UNREFERENCED_FEATURE}\""));
    features.push_str(&format!(
        "# Schemas that no operation uses.\n{UNREFERENCED_FEATURE} = []\n"
    ));
    let description = toml_string(&format!(
        "Client and server for {} {}",
        api.title, api.version
    ));
    format!(
        "# @generated by `cargo xtask generate` from {label} — do not edit.\n\
         [package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = \"{description}\"\npublish = false\n\n\
         # A standalone crate, even when generated inside another workspace.\n[workspace]\n\n\
         {features}default = [{defaults}]\n\n{CRATE_DEPENDENCIES}",
        label = config.spec_label,
        defaults = defaults.join(", "),
    )
}
