//! Emits `mock.rs`: `Mock`, an implementation of the server's `Api` that answers every operation
//! with its documented example (the response's, else its schema's, else a value built from the
//! schema by `values`), with the first documented 2xx status; examples that break their schema's
//! constraints are left out.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::chunks::{Chunk, Chunks, PartKind};
use super::common::{ident, module_allows};
use super::features::operation_cfg;
use super::server::reads_accept;
use crate::ir::{Api, Media, Operation, Response, ResponseBody, StatusMatch, Type};
use crate::values::{documented_examples, Builder};

/// The file's head, then the `Api` implementation, its methods produced a batch at a time.
pub fn emit_mock(api: &Api, tag_features: bool) -> Chunks<'_> {
    let allows = module_allows();
    let methods = api.operations.iter().map(move |op| {
        let cfg = if tag_features {
            operation_cfg(api, &op.tags)
        } else {
            TokenStream::new()
        };
        let method = ident(&op.rust_name);
        let input = ident(&op.names.input);
        let response = ident(&op.names.response);
        let answer = match answered(op) {
            // A status documented in two media types answers in the one `Accept` prefers.
            Some(r) => match alternative_of(op, r).filter(|_| reads_accept(op)) {
                Some(other) => {
                    let (first, second) = (answer(api, op, r), answer(api, op, other));
                    let content_type = |r: &Response| r.body.as_ref().map_or(String::new(), |b| b.content_type.clone());
                    let (offered, over) = (content_type(other), content_type(r));
                    quote! {
                        if ::openapi_gen_runtime::server::prefers(_input.accept.as_deref(), #offered, #over) {
                            #second
                        } else {
                            #first
                        }
                    }
                }
                None => answer(api, op, r),
            },
            None => {
                let message = format!("`{}` documents no response", op.wire_name);
                quote!(panic!(#message))
            }
        };
        quote! {
            #cfg
            fn #method(self: Arc<Self>, _input: server::#input) -> impl Future<Output = operations::#response> + Send {
                let response: operations::#response = #answer;
                async move { response }
            }
        }
    });
    let head = quote! {
        #allows
        //! A mock of the API: [`Mock`] answers every operation with its documented example (the
        //! response's own, else its schema's, else a value built to the schema's constraints and
        //! formats), with the first documented 2xx status (else the first documented one), after
        //! the router's own checks. Examples that break their schema are not sent.
        #[allow(unused_imports)]
        use super::{model, operations, server};
        #[allow(unused_imports)]
        use std::future::Future;
        #[allow(unused_imports)]
        use std::sync::Arc;

        /// Answers every operation with its documented example; serve it with [`router`].
        #[derive(Debug, Clone, Copy, Default)]
        pub struct Mock;

        /// An axum router serving [`Mock`].
        pub fn router() -> ::openapi_gen_runtime::server::axum::Router {
            server::router(Mock)
        }

        /// The first candidate (JSON text) that reads as `T`; the last one is built from the
        /// schema, so it always does.
        #[allow(dead_code)]
        fn example<T: ::serde::de::DeserializeOwned>(operation: &str, candidates: &[&str]) -> T {
            candidates
                .iter()
                .find_map(|candidate| ::serde_json::from_str(candidate).ok())
                .unwrap_or_else(|| panic!("no example of `{operation}` reads as its type"))
        }

        /// Every documented candidate (JSON text) that reads as `T`, the items of a streamed
        /// answer; with none, the one `built` from the schema.
        #[allow(dead_code)]
        fn examples<T: ::serde::de::DeserializeOwned>(operation: &str, documented: &[&str], built: &str) -> Vec<T> {
            let items: Vec<T> = documented.iter().filter_map(|candidate| ::serde_json::from_str(candidate).ok()).collect();
            if items.is_empty() {
                vec![example(operation, &[built])]
            } else {
                items
            }
        }
    };
    let implementation = Chunk::nested(
        PartKind::ImplItems,
        |methods| quote!(impl server::Api for Mock { #methods }),
        methods,
    );
    Box::new([Chunk::Items(head), implementation].into_iter())
}

/// The response the mock gives: the first documented 2xx, else the first documented one.
pub fn answered(op: &Operation) -> Option<&Response> {
    let success = |r: &&Response| match r.status {
        StatusMatch::Code(code) => (200..300).contains(&code),
        StatusMatch::Range(hundreds) => hundreds == 2,
        StatusMatch::Default => false,
    };
    op.responses
        .iter()
        .find(success)
        .or_else(|| op.responses.first())
}

/// The other media type documented for `response`'s status, when there is one.
fn alternative_of<'a>(op: &'a Operation, response: &Response) -> Option<&'a Response> {
    op.responses
        .iter()
        .find(|r| r.alternative && r.status == response.status)
}

/// The status the mock answers with for `response` (`2XX` is 200, `default` 200).
pub fn status_of(response: &Response) -> u16 {
    match response.status {
        StatusMatch::Code(code) => code,
        StatusMatch::Range(hundreds) => hundreds * 100,
        StatusMatch::Default => 200,
    }
}

/// The expression building `response`'s variant.
fn answer(api: &Api, op: &Operation, response: &Response) -> TokenStream {
    let enum_name = ident(&op.names.response);
    let variant = ident(&response.rust_name);
    let has_status = !matches!(response.status, StatusMatch::Code(_));
    let body = response.body.as_ref().map(|body| {
        // Only documented examples that satisfy the schema's constraints are sent (lowering
        // warns about the others).
        let builder = Builder::new(api);
        let check = response.body.as_ref().and_then(|b| b.check);
        let candidates: Vec<Value> = documented_examples(api, op, response)
            .into_iter()
            .filter(|example| builder.violation_of(check, example).is_none())
            .collect();
        match body.media {
            Media::Text => {
                let text = match candidates.first() {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => "string".to_owned(),
                };
                quote!(::std::string::String::from(#text))
            }
            Media::Binary => {
                let bytes = match candidates.first() {
                    Some(Value::String(s)) => s.clone(),
                    _ => String::new(),
                };
                let bytes = Literal::byte_string(bytes.as_bytes());
                quote!(::openapi_gen_runtime::stream::ByteStream::from(#bytes.to_vec()))
            }
            Media::Form | Media::Multipart if body.ty == Type::Binary => {
                quote!(::openapi_gen_runtime::Base64::default())
            }
            Media::Json | Media::Form | Media::Multipart => {
                typed_example(api, op, body, &candidates)
            }
            // Every documented example (a documented event's `data`) as an item, else one built.
            Media::EventStream => {
                let items = typed_examples(api, op, body, &candidates);
                quote!(::openapi_gen_runtime::stream::EventStream::from_items(#items))
            }
            Media::JsonLines => {
                let items = typed_examples(api, op, body, &candidates);
                quote!(::openapi_gen_runtime::stream::JsonLines::from_items(#items))
            }
        }
    });
    let headers = response.headers_type.as_ref().map(|h| {
        let h = ident(h);
        let name = &op.wire_name;
        let fields = response.headers.iter().map(|header| {
            let field = ident(&header.rust_name);
            if header.required {
                let text = Builder::new(api)
                    .build(&header.ty, header.check)
                    .to_string();
                quote!(#field: example(#name, &[#text]))
            } else {
                quote!(#field: None)
            }
        });
        quote!(operations::#h { #(#fields),* })
    });
    if !has_status && headers.is_none() {
        return match body {
            Some(body) => quote!(operations::#enum_name::#variant(#body)),
            None => quote!(operations::#enum_name::#variant),
        };
    }
    let status = has_status.then(|| {
        let code = Literal::u16_unsuffixed(status_of(response));
        quote!(status: #code,)
    });
    let body = body.map(|b| quote!(body: #b,));
    let headers = headers.map(|h| quote!(headers: #h,));
    quote!(operations::#enum_name::#variant { #status #body #headers })
}

/// The first of the documented examples that reads as the body's type, else a value built
/// from its schema.
fn typed_example(
    api: &Api,
    op: &Operation,
    body: &ResponseBody,
    candidates: &[Value],
) -> TokenStream {
    let (name, texts, built) = example_texts(api, op, body, candidates);
    quote!(example(#name, &[#(#texts,)* #built]))
}

/// Every documented example that reads as the body's item type, else one item built from its
/// schema.
fn typed_examples(
    api: &Api,
    op: &Operation,
    body: &ResponseBody,
    candidates: &[Value],
) -> TokenStream {
    let (name, texts, built) = example_texts(api, op, body, candidates);
    quote!(examples(#name, &[#(#texts),*], #built))
}

/// The operation's name, its documented examples as JSON text (without repeats), and the
/// value built from the body's schema.
fn example_texts<'a>(
    api: &Api,
    op: &'a Operation,
    body: &ResponseBody,
    candidates: &[Value],
) -> (&'a str, Vec<String>, String) {
    let built = Builder::new(api).build(&body.ty, body.check).to_string();
    let mut texts: Vec<String> = candidates.iter().map(Value::to_string).collect();
    texts.dedup();
    texts.retain(|t| *t != built);
    (&op.wire_name, texts, built)
}
