//! Decides which files an API becomes (module or standalone crate) and which emitter builds
//! each: pure, IR in and token streams (as chunks) out; rendering them is `render`'s job.

use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::quote;

use super::chunks::{self, Chunks};
use crate::config::{Config, Layout};
use crate::ir::Api;

/// One Rust file to emit: its path and the emitter that builds its tokens, chunk by chunk as
/// they are formatted (run by `render`, on a worker thread).
pub struct EmitJob<'a> {
    pub path: String,
    pub emit: Box<dyn Fn() -> Chunks<'a> + Send + Sync + 'a>,
    /// How large the file usually is, so the largest are started first.
    pub size_hint: u8,
}

impl<'a> EmitJob<'a> {
    fn new(path: String, emit: impl Fn() -> Chunks<'a> + Send + Sync + 'a) -> Self {
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
    if let Layout::SingleFile { module } = &config.layout {
        let jobs = emit_files(api, config);
        return vec![EmitJob::new(format!("{module}.rs"), move || {
            chunks::whole(single_file(module, &jobs))
        })];
    }
    emit_files(api, config)
}

/// The files of a module or crate layout (a single file nests the module layout's files).
fn emit_files<'a>(api: &'a Api, config: &'a Config) -> Vec<EmitJob<'a>> {
    let (src, tag_features) = match &config.layout {
        Layout::Module | Layout::SingleFile { .. } => ("", false),
        Layout::Crate { .. } => ("src/", true),
    };
    let root = match &config.layout {
        Layout::Module | Layout::SingleFile { .. } => "mod.rs".to_owned(),
        Layout::Crate { .. } => "src/lib.rs".to_owned(),
    };
    let example_tests =
        config.example_tests && !super::example_tests::checked_examples(api).is_empty();
    // A single file has no place beside it for the description (see `lib.rs`).
    let described = !matches!(config.layout, Layout::SingleFile { .. });
    let mut jobs = vec![
        EmitJob::new(root, move || {
            chunks::whole(emit_root(api, config, example_tests))
        }),
        EmitJob::new(format!("{src}model.rs"), move || {
            super::model::emit_model(api, tag_features, config.model_serde)
        }),
        EmitJob::new(format!("{src}operations.rs"), move || {
            super::operations::emit_operations(api, tag_features)
        }),
    ];
    if example_tests {
        jobs.push(EmitJob::new(format!("{src}example_tests.rs"), move || {
            chunks::whole(super::example_tests::emit_example_tests(
                api,
                tag_features,
                &config.known_bad_examples,
            ))
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
            super::server::emit_server(api, tag_features, described)
        }));
    }
    if config.server && config.mock {
        jobs.push(EmitJob::new(format!("{src}mock.rs"), move || {
            super::mock::emit_mock(api, tag_features)
        }));
    }
    for side in SideModule::ALL {
        if !side.operations(api).is_empty() {
            side_module_jobs(&mut jobs, side, api, config, src, tag_features);
        }
    }
    jobs
}

/// Requests the API sends rather than serves, each kind in a module of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SideModule {
    /// OpenAPI 3.1 `webhooks`, in `webhooks/`.
    Webhooks,
    /// Operations' `callbacks`, in `callbacks/`.
    Callbacks,
}

impl SideModule {
    const ALL: [SideModule; 2] = [SideModule::Webhooks, SideModule::Callbacks];

    fn name(self) -> &'static str {
        match self {
            SideModule::Webhooks => "webhooks",
            SideModule::Callbacks => "callbacks",
        }
    }

    fn operations(self, api: &Api) -> &[crate::ir::Operation] {
        match self {
            SideModule::Webhooks => &api.webhooks,
            SideModule::Callbacks => &api.callbacks,
        }
    }
}

/// A side module gets the same operations, client and server files as the API, over the API's
/// models: the emitters see a copy of the API whose operations are the module's. The copy
/// belongs to the jobs, so its chunks cannot outlive a job's call: each of these files is built
/// whole (an API has few webhooks and callbacks).
fn side_module_jobs<'a>(
    jobs: &mut Vec<EmitJob<'a>>,
    side: SideModule,
    api: &'a Api,
    config: &'a Config,
    src: &str,
    tag_features: bool,
) {
    let dir = format!("{src}{}/", side.name());
    let copy = Arc::new(Api {
        operations: side.operations(api).to_vec(),
        webhooks: Vec::new(),
        callbacks: Vec::new(),
        ..api.clone()
    });
    jobs.push(EmitJob::new(format!("{dir}mod.rs"), move || {
        chunks::whole(emit_side_root(side, config))
    }));
    let ops = copy.clone();
    jobs.push(EmitJob::new(format!("{dir}operations.rs"), move || {
        whole_of(super::operations::emit_operations(&ops, tag_features))
    }));
    if config.client {
        // A callback's URL is known only at run time: the sending client is given all of it as
        // its base URL, so its requests have no path of their own.
        let ops = match side {
            SideModule::Webhooks => copy.clone(),
            SideModule::Callbacks => Arc::new(Api {
                operations: copy
                    .operations
                    .iter()
                    .map(|op| crate::ir::Operation {
                        path: String::new(),
                        ..op.clone()
                    })
                    .collect(),
                ..(*copy).clone()
            }),
        };
        jobs.push(EmitJob::new(format!("{dir}client.rs"), move || {
            whole_of(super::client::emit_client(&ops, tag_features))
        }));
    }
    if config.server {
        jobs.push(EmitJob::new(format!("{dir}server.rs"), move || {
            whole_of(super::server::emit_server(&copy, tag_features, false))
        }));
    }
}

/// A file built at once from chunks that borrow what the caller holds.
fn whole_of<'a>(chunks: Chunks<'_>) -> Chunks<'a> {
    chunks::whole(chunks::into_tokens(chunks))
}

/// `pub mod <module> { ... }`: the root file with each `mod x;` replaced by the file it names,
/// as an inline module (`x.rs`, or `x/mod.rs` with its own modules nested the same way). Inner
/// attributes and `super::` paths mean the same inside an inline module as in its own file.
fn single_file(module: &str, jobs: &[EmitJob<'_>]) -> TokenStream {
    let module = super::common::ident(module);
    let root = inline_modules((jobs_emit(jobs, "mod.rs")).unwrap_or_default(), "", jobs);
    quote!(pub mod #module { #root })
}

fn jobs_emit(jobs: &[EmitJob<'_>], path: &str) -> Option<TokenStream> {
    jobs.iter()
        .find(|job| job.path == path)
        .map(|job| chunks::into_tokens((job.emit)()))
}

/// Replaces every top-level `mod x;` of `tokens` (a file under `dir`) by `mod x { ... }`.
fn inline_modules(tokens: TokenStream, dir: &str, jobs: &[EmitJob<'_>]) -> TokenStream {
    use proc_macro2::{Delimiter, Group, TokenTree};
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(trees.len());
    let mut index = 0;
    while index < trees.len() {
        if let [TokenTree::Ident(keyword), TokenTree::Ident(name), TokenTree::Punct(semi), ..] =
            &trees[index..]
        {
            if keyword == "mod" && semi.as_char() == ';' {
                let name_text = name.to_string();
                let body = match jobs_emit(jobs, &format!("{dir}{name_text}.rs")) {
                    Some(body) => body,
                    None => {
                        let nested = format!("{dir}{name_text}/");
                        let body = jobs_emit(jobs, &format!("{nested}mod.rs")).unwrap_or_default();
                        inline_modules(body, &nested, jobs)
                    }
                };
                out.push(trees[index].clone());
                out.push(trees[index + 1].clone());
                out.push(TokenTree::Group(Group::new(Delimiter::Brace, body)));
                index += 3;
                continue;
            }
        }
        out.push(trees[index].clone());
        index += 1;
    }
    out.into_iter().collect()
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

/// `mod.rs` (or `lib.rs`): the API's documentation and its modules. The lints that spec-chosen
/// names and texts can trip are allowed here, once: lint levels hold for every module below.
fn emit_root(api: &Api, config: &Config, example_tests: bool) -> TokenStream {
    let doc_lines: Vec<String> = doc_lines(api, config);
    let allows = super::common::module_allows();
    let (client, server, mock) = half_modules(config);
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
    let sides: Vec<TokenStream> = SideModule::ALL
        .into_iter()
        .filter(|side| !side.operations(api).is_empty())
        .map(|side| {
            // Compiled when any of its operations' tags is: with none, its client would be
            // dead code.
            let cfg = match config.layout {
                Layout::Crate { .. } => {
                    let mut tags: Vec<String> = side
                        .operations(api)
                        .iter()
                        .flat_map(|op| op.tags.clone())
                        .collect();
                    tags.sort();
                    tags.dedup();
                    super::features::operation_cfg(api, &tags)
                }
                Layout::Module | Layout::SingleFile { .. } => TokenStream::new(),
            };
            let name = super::common::ident(side.name());
            quote!(
                #cfg
                pub mod #name;
            )
        })
        .collect();
    let unused_lints = match config.layout {
        Layout::Crate { .. } => quote!(#![allow(unused_imports)]),
        Layout::Module | Layout::SingleFile { .. } => TokenStream::new(),
    };
    quote! {
        #(#![doc = #doc_lines])*
        #![allow(clippy::module_inception)]
        #allows
        #unused_lints
        pub mod model;
        pub mod operations;
        #client
        #server
        #mock
        #validation
        #(#sides)*
        #example_tests
    }
}

/// The `client`, `server` and `mock` module declarations, behind the `client` / `server`
/// features (of the host crate, for a module or a single file: the runtime's `responses!` table
/// names them too).
fn half_modules(config: &Config) -> (TokenStream, TokenStream, TokenStream) {
    let client_cfg = quote!(#[cfg(feature = "client")]);
    let server_cfg = quote!(#[cfg(feature = "server")]);
    let declare = |on: bool, cfg: &TokenStream, name: &str| {
        let name = super::common::ident(name);
        if on {
            quote!(#cfg pub mod #name;)
        } else {
            TokenStream::new()
        }
    };
    let client = declare(config.client, &client_cfg, "client");
    let server = declare(config.server, &server_cfg, "server");
    let mock = declare(config.server && config.mock, &server_cfg, "mock");
    (client, server, mock)
}

/// `webhooks/mod.rs` or `callbacks/mod.rs`: the requests the API sends, as their own operations,
/// client (for the sending side) and server (for the receiving side), over the API's models.
fn emit_side_root(side: SideModule, config: &Config) -> TokenStream {
    let (client, server, _) = half_modules(config);
    let doc = match side {
        SideModule::Webhooks => quote! {
            //! Webhooks: the requests this API sends to its subscribers (OpenAPI `webhooks`).
            //!
            //! `server` receives them: implement its `Api` and serve its `router`, which routes each
            //! webhook at `/<webhook name>` (nest it under the path you registered). `client` sends
            //! them, for a test or for the API's own side.
        },
        SideModule::Callbacks => quote! {
            //! Callbacks: the requests this API sends back to a URL its caller gave (OpenAPI
            //! `callbacks`, e.g. `{$request.body#/callbackUrl}`).
            //!
            //! `server` receives them: implement its `Api` and serve its `router`, which routes each
            //! callback at `/<callback name>` (nest it under the URL you gave the API). `client`
            //! sends them: build it with the callback URL the caller gave as its base URL (one
            //! client per URL); its methods add no path. The operations are named after the
            //! operation that declares the callback and the callback (`subscribe` + `onData`:
            //! `subscribe_on_data`).
        },
    };
    quote! {
        #doc
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
