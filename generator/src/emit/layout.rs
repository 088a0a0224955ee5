//! Decides which files an API becomes (module or standalone crate) and which emitter builds
//! each: pure, IR in and token streams out; rendering them is `render`'s job.

use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::quote;

use crate::config::{Config, Layout};
use crate::ir::Api;

/// One Rust file to emit: its path and the emitter that builds its tokens (run by `render`, on
/// a worker thread).
pub struct EmitJob<'a> {
    pub path: String,
    pub emit: Box<dyn Fn() -> TokenStream + Send + Sync + 'a>,
    /// How large the file usually is, so the largest are started first.
    pub size_hint: u8,
}

impl<'a> EmitJob<'a> {
    fn new(path: String, emit: impl Fn() -> TokenStream + Send + Sync + 'a) -> Self {
        let size_hint = expected_size(&path);
        Self {
            path,
            emit: Box::new(emit),
            size_hint,
        }
    }
}

/// The Rust files of one API, each with its emitter.
pub fn emit_api<'a>(api: &'a Api, config: &'a Config) -> Vec<EmitJob<'a>> {
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
    let mut jobs = vec![
        EmitJob::new(root, move || emit_root(api, config, example_tests)),
        EmitJob::new(format!("{src}model.rs"), move || {
            super::model::emit_model(api, tag_features)
        }),
        EmitJob::new(format!("{src}operations.rs"), move || {
            super::operations::emit_operations(api, tag_features)
        }),
    ];
    if example_tests {
        jobs.push(EmitJob::new(format!("{src}example_tests.rs"), move || {
            super::example_tests::emit_example_tests(api, tag_features, &config.known_bad_examples)
        }));
    }
    if config.client || config.server {
        jobs.push(EmitJob::new(format!("{src}validation.rs"), move || {
            super::validation::emit_validation(api)
        }));
    }
    if config.client {
        jobs.push(EmitJob::new(format!("{src}client.rs"), move || {
            super::client::emit_client(api, tag_features)
        }));
    }
    if config.server {
        jobs.push(EmitJob::new(format!("{src}server.rs"), move || {
            super::server::emit_server(api, tag_features)
        }));
    }
    if !api.webhooks.is_empty() {
        // Webhooks get the same operations, client and server files in a module of their own,
        // over the API's models: the emitters see a copy of the API whose operations are the
        // webhooks.
        let hooks = Arc::new(Api {
            operations: api.webhooks.clone(),
            webhooks: Vec::new(),
            ..api.clone()
        });
        jobs.push(EmitJob::new(format!("{src}webhooks/mod.rs"), move || {
            emit_webhooks_root(config)
        }));
        let copy = hooks.clone();
        jobs.push(EmitJob::new(
            format!("{src}webhooks/operations.rs"),
            move || super::operations::emit_operations(&copy, tag_features),
        ));
        if config.client {
            let copy = hooks.clone();
            jobs.push(EmitJob::new(
                format!("{src}webhooks/client.rs"),
                move || super::client::emit_client(&copy, tag_features),
            ));
        }
        if config.server {
            jobs.push(EmitJob::new(
                format!("{src}webhooks/server.rs"),
                move || super::server::emit_server(&hooks, tag_features),
            ));
        }
    }
    jobs
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
    let validation = (config.client || config.server).then(|| {
        quote!(
            #[cfg(any(feature = "client", feature = "server"))]
            #[doc(hidden)]
            pub mod validation;
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
        #client
        #server
        #validation
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
        use super::model;
        #[cfg(any(feature = "client", feature = "server"))]
        #[allow(unused_imports)]
        use super::validation;
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
