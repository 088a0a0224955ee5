//! Emits `server.rs`: the `Api` trait to implement, typed inputs, and an axum router that
//! validates requests before they reach the implementation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};

use super::chunks::{Chunk, Chunks, PartKind};
use super::common::{
    doc_attrs, ident, operation_docs, param_docs, rust_type, scheme_indexes, security_alternatives,
    ModelPath,
};
use super::features::operation_cfg;
use crate::ir::{
    route_base, route_shape, served_operations, Api, ApiKeyLocation, Media, Method, Operation,
    ParamLocation, Refusal, SecurityKind, Type,
};

/// The file name of the API's description (the bundled input, as JSON) beside `server.rs`, which
/// the `docs` feature embeds.
pub const DESCRIPTION_FILE: &str = "openapi.json";

/// The file's head, the `Api` and `Answers` traits and the impl of `Answers` for every `Api`, one
/// chunk per input struct, the routers, then one chunk per handler; the traits' methods and the
/// route table's entries are produced a batch at a time. `described`: a [`DESCRIPTION_FILE`] is
/// written beside the file, for the `docs` feature to serve.
pub fn emit_server(api: &Api, tag_features: bool, described: bool) -> Chunks<'_> {
    let cfg_of = move |op: &Operation| {
        if tag_features {
            operation_cfg(api, &op.tags)
        } else {
            TokenStream::new()
        }
    };
    let credential_fields = api.security_schemes.iter().map(|s| {
        let name = ident(&s.rust_name);
        let heading = format!(
            "The credential for `{}`, when the request carries one.",
            s.wire_name
        );
        let docs = doc_attrs(&[Some(&heading)]);
        quote!(#docs pub #name: Option<::openapi_gen_runtime::Secret>,)
    });
    let credential_reads = api.security_schemes.iter().map(|s| {
        let name = ident(&s.rust_name);
        let read = match &s.kind {
            SecurityKind::Bearer => quote!(req.bearer()),
            SecurityKind::Basic => quote!(req.basic()),
            SecurityKind::ApiKey {
                location: ApiKeyLocation::Header,
                name: header,
                prefix,
            } => {
                let prefix = match prefix {
                    Some(p) => quote!(Some(#p)),
                    None => quote!(None),
                };
                quote!(req.api_key_header(#header, #prefix))
            }
            SecurityKind::ApiKey {
                location: ApiKeyLocation::Query,
                name: key,
                ..
            } => quote!(req.api_key_query(#key)),
            SecurityKind::ApiKey {
                location: ApiKeyLocation::Cookie,
                name: key,
                ..
            } => quote!(req.api_key_cookie(#key)),
        };
        quote!(#name: #read,)
    });
    let scheme_indexes = scheme_indexes(api);
    let schemes = api.security_schemes.iter().map(|s| {
        let name = &s.wire_name;
        let challenge = challenge(&s.kind);
        quote!((#name, #challenge))
    });
    // With no security scheme the request is not read for credentials.
    let req = if api.security_schemes.is_empty() {
        quote!(_req)
    } else {
        quote!(req)
    };
    let presence = api.security_schemes.iter().map(|s| {
        let name = ident(&s.rust_name);
        quote!(credentials.#name.is_some())
    });
    let trait_methods = api.operations.iter().map(move |op| {
        let cfg = cfg_of(op);
        let method = ident(&op.rust_name);
        let input = ident(&op.names.input);
        let response = ident(&op.names.response);
        let docs = operation_docs(api, op);
        let refusals = refusal_docs(op);
        quote! {
            #cfg
            #docs
            #refusals
            fn #method(self: Arc<Self>, input: #input) -> impl Future<Output = #response> + Send;
        }
    });
    let answer_methods = api.operations.iter().map(move |op| {
        let cfg = cfg_of(op);
        let method = ident(&op.rust_name);
        let input = ident(&op.names.input);
        let response = ident(&op.names.response);
        let doc = format!(" [`Api::{method}`], with the escape hatch of [`Answer`].");
        quote! {
            #cfg
            #[doc = #doc]
            fn #method(self: Arc<Self>, input: #input) -> impl Future<Output = rt::Answer<#response>> + Send;
        }
    });
    let documented_methods = api.operations.iter().map(move |op| {
        let cfg = cfg_of(op);
        let method = ident(&op.rust_name);
        let input = ident(&op.names.input);
        let response = ident(&op.names.response);
        quote! {
            #cfg
            fn #method(self: Arc<Self>, input: #input) -> impl Future<Output = rt::Answer<#response>> + Send {
                rt::documented(Api::#method(self, input))
            }
        }
    });
    let inputs = api.operations.iter().map(move |op| {
        let cfg = cfg_of(op);
        let input = emit_input(api, op);
        Chunk::Items(quote!(#cfg #input))
    });
    // An operation the router cannot serve (see `served_operations`) has no handler.
    let served = served_operations(&api.operations);
    let handlers = api
        .operations
        .iter()
        .zip(served)
        .filter(|(_, served)| *served)
        .map(move |(op, _)| {
            let cfg = cfg_of(op);
            let handler = emit_handler(api, op);
            Chunk::Items(quote!(#cfg #handler))
        });
    let unused = api
        .operations
        .is_empty()
        .then(|| quote!(#[allow(dead_code)]));
    let head = quote! {
        //! Implement [`Api`] and serve [`router`]: routing, parameter parsing, validation and
        //! serialization are generated; the implementation only sees typed values.
        use ::openapi_gen_runtime::server as rt;
        #[allow(unused_imports)]
        use super::{model, operations::*};
        #[allow(unused_imports)]
        use std::future::Future;
        #[allow(unused_imports)]
        use std::sync::Arc;
        #[allow(unused_imports)]
        use rt::{Incoming, DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE};

        pub use rt::{Answer, Rejection, RequestContext, ServerConfig};

        /// The credentials a request carried, one field per security scheme. The implementation
        /// decides what a credential may do; the router only checks that an operation's required
        /// credentials are present (else `401`).
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct Credentials {
            #(#credential_fields)*
        }

        /// Each security scheme, by index: its name and its `WWW-Authenticate` challenge.
        #unused
        const SCHEMES: &[rt::SchemeInfo] = &[#(#schemes),*];

        #scheme_indexes

        /// Reads the credentials a request carries and answers `401` unless they satisfy one of
        /// the operation's security alternatives (each a list of scheme indexes, all required).
        #unused
        fn credentials(#req: &Incoming, alternatives: &[&[usize]]) -> Result<Credentials, Rejection> {
            let credentials = Credentials { #(#credential_reads)* };
            rt::authorize(&[#(#presence),*], alternatives, SCHEMES)?;
            Ok(credentials)
        }
    };
    let api_trait = Chunk::nested(
        PartKind::TraitItems,
        |methods| {
            quote! {
                /// The API: one method per operation, each answering one of the documented responses.
                ///
                /// Methods take `self: Arc<Self>`, so their futures own what they use: they can be
                /// spawned, and the router needs no per-operation async code (see `rt::respond`).
                ///
                /// The router refuses a request before the method runs when it cannot be read or
                /// breaks the schema (`400`), lacks credentials (`401`), is too large (`413`) or
                /// has a body of the wrong media type (`415`). Each refusal uses the response the
                /// operation documents for its status, else its `4XX` or `default` response;
                /// when none of those is documented, another documented 4xx answers in its place
                /// (`400` first); when the operation documents no 4xx and no `default`, the
                /// router answers in its own shape (`{"status", "error", "message", "location"}`).
                /// Each method's documentation says which applies.
                /// `ServerConfig::rejection_body` renders every refusal itself instead.
                pub trait Api: Send + Sync + 'static {
                    #methods
                }
            }
        },
        trait_methods,
    );
    let answers_trait = Chunk::nested(
        PartKind::TraitItems,
        |methods| {
            quote! {
                /// The API with an escape hatch: each method answers an [`Answer`], which is one of
                /// the documented responses (`Answer::from(response)`, with headers the
                /// description does not list if need be) or, explicitly, an undocumented status
                /// (`Answer::undocumented(status)`).
                ///
                /// Implement this trait instead of [`Api`] only when a service must say what its
                /// description does not (a `503` with `Retry-After` during maintenance, an `ETag`);
                /// every [`Api`] implementation is an `Answers` one, answering as documented, and
                /// the router serves either.
                pub trait Answers: Send + Sync + 'static {
                    #methods
                }
            }
        },
        answer_methods,
    );
    let documented_impl = Chunk::nested(
        PartKind::ImplItems,
        |methods| {
            quote! {
                /// Every [`Api`] answers as documented.
                impl<T: Api> Answers for T {
                    #methods
                }
            }
        },
        documented_methods,
    );
    let router = quote! {
        /// An axum router serving `api` (an [`Api`] or [`Answers`] implementation) with the default
        /// [`ServerConfig`].
        pub fn router<A: Answers>(api: A) -> rt::axum::Router {
            router_with_config(api, ServerConfig::default())
        }
    };
    let description = described.then(|| {
        let file = DESCRIPTION_FILE;
        quote! {
            /// The description this server was generated from, bundled into one document, as JSON;
            /// the router serves it with the `docs` feature.
            #[cfg(feature = "docs")]
            pub const DESCRIPTION: &str = include_str!(#file);
        }
    });
    let refusals = Chunk::Items(emit_refusal_tables(api));
    let routes = emit_routes(api, tag_features, described);
    Box::new(
        [
            Chunk::Items(head),
            api_trait,
            answers_trait,
            documented_impl,
        ]
        .into_iter()
        .chain(inputs)
        .chain([Chunk::Items(quote!(#router #description)), refusals, routes])
        .chain(handlers),
    )
}

fn emit_input(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.names.input);
    let params = op.params.iter().map(|p| {
        let field = ident(&p.rust_name);
        let ty = rust_type(api, &p.ty, ModelPath::Sibling);
        let ty = if p.required { ty } else { quote!(Option<#ty>) };
        let docs = param_docs(p);
        quote!(#docs pub #field: #ty,)
    });
    let body = op.body.as_ref().map(|b| {
        let ty = match b.media {
            Media::Text => quote!(String),
            Media::Binary | Media::EventStream | Media::JsonLines => {
                quote!(ByteStream)
            }
            _ => rust_type(api, &b.ty, ModelPath::Sibling),
        };
        let ty = if b.required { ty } else { quote!(Option<#ty>) };
        let docs = doc_attrs(&[b.doc.as_deref()]);
        quote!(#docs pub body: #ty,)
    });
    let context = quote! {
        /// The request's method, URI, headers, extensions set by middleware, and remote address.
        pub request: rt::RequestContext,
    };
    let accept = reads_accept(op).then(|| {
        quote! {
            /// The request's `Accept` header: this operation answers one status in more than one
            /// media type, and the variant returned picks which.
            pub accept: Option<String>,
        }
    });
    let heading = format!(
        "Everything a `{}` request carries, parsed and validated.",
        op.wire_name
    );
    let docs = doc_attrs(&[Some(&heading)]);
    // A body read as it arrives can be neither cloned nor compared.
    let derives = if streams_body(op) {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    quote! {
        #docs
        #derives
        pub struct #name {
            pub credentials: Credentials,
            #(#params)*
            #body
            #accept
            #context
        }
    }
}

/// Whether the operation's request body is handed to the implementation as a stream of bytes,
/// read as it arrives (within the body limit) rather than buffered first.
fn streams_body(op: &Operation) -> bool {
    op.body.as_ref().is_some_and(|b| b.media.is_streamed())
}

/// Whether the operation's input carries the request's `Accept` header: when a status is
/// documented in two media types (JSON or events), unless a parameter already has the name.
pub fn reads_accept(op: &Operation) -> bool {
    op.responses.iter().any(|r| r.alternative) && op.params.iter().all(|p| p.rust_name != "accept")
}

/// Reads the input, checks it, then moves the request's head into it as its `request`.
fn emit_handler(api: &Api, op: &Operation) -> TokenStream {
    let handler = format_ident!("on_{}", crate::names::stem(&op.rust_name));
    let method = ident(&op.rust_name);
    let input = ident(&op.names.input);
    let security = security_alternatives(api, op);
    let params = op.params.iter().map(|p| {
        let field = ident(&p.rust_name);
        let wire = &p.wire_name;
        let location = p.location.as_str();
        let read = match (p.location, &p.ty) {
            // Read by place in the template, once per place it fills (see `emit_routes`).
            (ParamLocation::Path, _) => {
                let at = crate::ir::template_params(&op.path)
                    .into_iter()
                    .enumerate()
                    .filter(|(_, name)| *name == wire.as_str())
                    .map(|(index, _)| proc_macro2::Literal::usize_unsuffixed(index));
                return quote!(#field: req.path(&[#(#at),*], #wire)?,);
            }
            (ParamLocation::Query, Type::Array(_)) if !p.explode && p.separator != ',' => {
                let separator = p.separator;
                quote!(req.query_array_delimited(#wire, Some(#separator))?)
            }
            (ParamLocation::Query, Type::Array(_)) => {
                let explode = p.explode;
                quote!(req.query_array(#wire, #explode)?)
            }
            (ParamLocation::Query, _) => quote!(req.query(#wire)?),
            (ParamLocation::QueryString, _) => quote!(req.query_string(#wire)?),
            (ParamLocation::Header, _) => quote!(req.header(#wire)?),
            (ParamLocation::Cookie, _) => quote!(req.cookie(#wire)?),
        };
        if p.required {
            quote!(#field: rt::required(#read, #location, #wire)?,)
        } else {
            quote!(#field: #read,)
        }
    });
    let body = op.body.as_ref().map(|b| {
        let read = match b.media {
            Media::Json => quote!(req.json()?),
            Media::Form => quote!(req.form()?),
            Media::Multipart => quote!(req.multipart()?),
            Media::Text => quote!(req.text()?),
            Media::Binary | Media::EventStream | Media::JsonLines => quote!(req.byte_stream()?),
        };
        if b.required {
            quote!(body: rt::required(#read, "body", "")?,)
        } else {
            quote!(body: #read,)
        }
    });
    let checks = emit_checks(op);
    let accept = reads_accept(op).then(|| quote!(accept: req.header("accept")?,));
    // The request's head moves into the input once nothing reads it: last in the literal, or
    // after the checks when a JSON body is checked as sent.
    let checks_body = op
        .body
        .as_ref()
        .is_some_and(|b| b.check.is_some() && b.media == Media::Json);
    if checks_body {
        return quote! {
            fn #handler<A: Answers>(api: Arc<A>, req: Incoming) -> rt::Started {
                let mut input = #input {
                    credentials: credentials(&req, #security)?,
                    #(#params)*
                    #body
                    #accept
                    request: rt::RequestContext::new(),
                };
                #checks
                input.request = req.into_context();
                rt::respond(api.#method(input))
            }
        };
    }
    quote! {
        fn #handler<A: Answers>(api: Arc<A>, req: Incoming) -> rt::Started {
            let input = #input {
                credentials: credentials(&req, #security)?,
                #(#params)*
                #body
                #accept
                request: req.into_context(),
            };
            #checks
            rt::respond(api.#method(input))
        }
    }
}

/// Checks the parsed input against the schema's constraints (see `validation.rs`): parameters
/// from their typed values, a JSON body as sent (so undeclared keys are seen), form and multipart
/// bodies from their typed values. Nothing when the operation's schemas constrain nothing.
fn emit_checks(op: &Operation) -> TokenStream {
    let params: Vec<TokenStream> = op
        .params
        .iter()
        .filter_map(|p| {
            let node = proc_macro2::Literal::u32_unsuffixed(p.check?);
            let field = ident(&p.rust_name);
            let at = format!("{}.{}", p.location.as_str(), p.wire_name);
            Some(quote!(violations.check_typed(#at, #node, &input.#field);))
        })
        .collect();
    let body = op.body.as_ref().and_then(|b| {
        let node = proc_macro2::Literal::u32_unsuffixed(b.check?);
        Some(match b.media {
            Media::Json => quote!(req.check_json_body(&mut violations, #node);),
            _ => quote!(violations.check_typed("body", #node, &input.body);),
        })
    });
    if params.is_empty() && body.is_none() {
        return TokenStream::new();
    }
    quote! {
        let mut violations = rt::Violations::new(&super::validation::TABLE);
        #(#params)*
        #body
        rt::valid(violations)?;
    }
}

/// The route table, in path order; each route carries its operation's `cfg`.
///
/// Paths that differ only in their variables' names (`/a/{id}` and `/a/{name}`) are one route to
/// axum, which refuses to register it twice: they all use the first one's spelling, and
/// handlers read path parameters by place (see `emit_handler`).
fn emit_routes(api: &Api, tag_features: bool, described: bool) -> Chunk<'_> {
    let served = served_operations(&api.operations);
    let mut operations: Vec<&Operation> = api
        .operations
        .iter()
        .zip(&served)
        .filter_map(|(op, served)| served.then_some(op))
        .collect();
    operations.sort_by(|a, b| a.path.cmp(&b.path));
    let tables = refusal_tables(api);
    // One spelling per route shape, selectors (`#...`) aside: axum sees only the part before.
    let mut spelling: std::collections::BTreeMap<String, &str> = Default::default();
    for op in &operations {
        let base = route_base(&op.path);
        spelling.entry(route_shape(base)).or_insert(base);
    }
    let routes = operations.into_iter().map(move |op| {
        let cfg = if tag_features {
            operation_cfg(api, &op.tags)
        } else {
            TokenStream::new()
        };
        let handler = format_ident!("on_{}", crate::names::stem(&op.rust_name));
        let method = match &op.method {
            Method::Query | Method::Other(_) => {
                let name = op.method.as_str();
                quote!(rt::RouteMethod::Named(#name))
            }
            fixed => format_ident!("{}", fixed.as_str()).to_token_stream(),
        };
        let method = if streams_body(op) {
            quote!(rt::RouteMethod::Streamed(&#method))
        } else {
            method
        };
        let base = route_base(&op.path);
        let path = format!("{}{}", spelling[&route_shape(base)], &op.path[base.len()..]);
        let id = &op.wire_name;
        let refusals = match tables.get(&refusal_key(&op.refusals)) {
            Some(index) => {
                let table = format_ident!("REFUSALS_{}", index);
                quote!(&#table)
            }
            None => quote!(&[]),
        };
        quote!(#cfg (#path, #method, #handler, #id, #refusals),)
    });
    let title = &api.title;
    let describe = described.then(|| {
        quote! {
            #[cfg(feature = "docs")]
            let config = config.describe(DESCRIPTION, #title);
        }
    });
    let fallback = (!api.refusals.is_empty()).then(|| {
        quote! {
            let config = config.fallback_refusals(&FALLBACK_REFUSALS);
        }
    });
    let router = move |routes: TokenStream| {
        quote! {
            /// An axum router serving `api` with explicit limits.
            pub fn router_with_config<A: Answers>(api: A, config: ServerConfig) -> rt::axum::Router {
                let routes: &[rt::Route<A>] = &[#routes];
                #describe
                #fallback
                rt::router(api, config, routes)
            }
        }
    };
    Chunk::nested(PartKind::Elements, router, routes)
}

/// The `WWW-Authenticate` challenge a `401` sends for a scheme. API keys have no registered
/// HTTP authentication scheme, so theirs names where the key goes.
fn challenge(kind: &SecurityKind) -> String {
    let quoted = |text: &str| text.replace('\\', "\\\\").replace('"', "\\\"");
    match kind {
        SecurityKind::Bearer => "Bearer".to_owned(),
        SecurityKind::Basic => "Basic realm=\"api\"".to_owned(),
        SecurityKind::ApiKey { location, name, .. } => {
            let place = match location {
                ApiKeyLocation::Header => "header",
                ApiKeyLocation::Query => "query",
                ApiKeyLocation::Cookie => "cookie",
            };
            format!("ApiKey in=\"{place}\", name=\"{}\"", quoted(name))
        }
    }
}

/// The distinct refusal lists of the operations, by their text, numbered in operation order.
fn refusal_tables(api: &Api) -> std::collections::BTreeMap<String, usize> {
    let mut tables = std::collections::BTreeMap::new();
    for op in &api.operations {
        if op.refusals.is_empty() {
            continue;
        }
        let next = tables.len();
        tables.entry(refusal_key(&op.refusals)).or_insert(next);
    }
    tables
}

fn refusal_key(refusals: &[Refusal]) -> String {
    format!("{refusals:?}")
}

/// One static per distinct refusal list (`REFUSALS_<n>`), and `FALLBACK_REFUSALS` for requests
/// that reach no operation.
fn emit_refusal_tables(api: &Api) -> TokenStream {
    let tables = refusal_tables(api);
    let mut ordered: Vec<(&usize, &[Refusal])> = Vec::new();
    for op in &api.operations {
        if let Some(index) = tables.get(&refusal_key(&op.refusals)) {
            if !ordered.iter().any(|(known, _)| *known == index) {
                ordered.push((index, op.refusals.as_slice()));
            }
        }
    }
    let statics = ordered.into_iter().map(|(index, refusals)| {
        let name = format_ident!("REFUSALS_{}", index);
        let count = proc_macro2::Literal::usize_unsuffixed(refusals.len());
        let entries = refusals.iter().map(emit_refusal);
        quote! {
            #[allow(dead_code)]
            static #name: [rt::Refusal; #count] = [#(#entries),*];
        }
    });
    let fallback = (!api.refusals.is_empty()).then(|| {
        let count = proc_macro2::Literal::usize_unsuffixed(api.refusals.len());
        let entries = api.refusals.iter().map(emit_refusal);
        quote! {
            /// How requests that reach no operation (`404`, `405`) are refused: in the error
            /// shape most operations document.
            static FALLBACK_REFUSALS: [rt::Refusal; #count] = [#(#entries),*];
        }
    });
    quote!(#(#statics)* #fallback)
}

fn emit_refusal(refusal: &Refusal) -> TokenStream {
    let refused = proc_macro2::Literal::u16_unsuffixed(refusal.refused);
    let status = proc_macro2::Literal::u16_unsuffixed(refusal.status);
    let content_type = &refusal.content_type;
    let json = refusal.json;
    let body = match &refusal.body {
        Some(serde_json::Value::String(text)) if !json => text.clone(),
        Some(value) => value.to_string(),
        None => String::new(),
    };
    let message = &refusal.message;
    let headers = refusal
        .headers
        .iter()
        .map(|(name, value)| quote!((#name, #value)));
    quote! {
        rt::Refusal {
            refused: #refused,
            status: #status,
            content_type: #content_type,
            json: #json,
            body: #body,
            message: &[#(#message),*],
            headers: &[#(#headers),*],
        }
    }
}

/// The documentation lines saying how the router refuses this operation's requests.
fn refusal_docs(op: &Operation) -> TokenStream {
    if op.refusals.is_empty() {
        let line = " Refusals: this operation documents no 4xx and no `default` response, so the router refuses bad requests (`400`, `413`) in its own shape.";
        return quote!(#[doc = ""] #[doc = #line]);
    }
    // Grouped by the response used and whether the refused status is the one answered.
    let mut groups: Vec<(u16, &str, bool, Vec<u16>)> = Vec::new();
    for refusal in &op.refusals {
        let own = refusal.refused == refusal.status;
        match groups.iter_mut().find(|(status, response, same, _)| {
            *status == refusal.status && *response == refusal.response && *same == own
        }) {
            Some((.., refused)) => refused.push(refusal.refused),
            None => groups.push((
                refusal.status,
                refusal.response.as_str(),
                own,
                vec![refusal.refused],
            )),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(status, response, own, refused)| {
            let listed: Vec<String> = refused.iter().map(|r| format!("`{r}`")).collect();
            if *own {
                format!("{} as the documented `{response}` response", listed.join(", "))
            } else {
                format!(
                    "{} answered `{status}` with the documented `{response}` response (not documented themselves)",
                    listed.join(", ")
                )
            }
        })
        .collect();
    let line = format!(
        " Refusals by the router, before this method runs: {}.",
        parts.join("; ")
    );
    quote!(#[doc = ""] #[doc = #line])
}
