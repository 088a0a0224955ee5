//! Emits `operations.rs`: per-operation response enums and response-header structs, shared by
//! the client (which decodes them) and the server (which encodes them), each enum with the
//! `responses!` table the runtime writes both impls from.

use std::iter;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::chunks::{Chunk, Chunks};
use super::common::{doc_attrs, ident, rust_type, ModelPath};
use super::features::operation_cfg;
use crate::ir::{Api, Media, Operation, Response, ResponseBody, StatusMatch, Type};

/// The file's head, then one chunk per operation.
pub fn emit_operations(api: &Api, tag_features: bool) -> Chunks<'_> {
    // The stream types a body can be, at hand for the code that reads or writes them (the client
    // and server import this module whole).
    let streams = api
        .operations
        .iter()
        .any(|op| {
            let body = op.body.as_ref().into_iter().map(|b| b.media);
            let responses = op
                .responses
                .iter()
                .filter_map(|r| r.body.as_ref().map(|b| b.media));
            body.chain(responses).any(Media::is_streamed)
        })
        .then(|| {
            quote!(
                pub use ::openapi_gen_runtime::stream::{
                    ByteStream, Event, EventStream, JsonLines, StreamError,
                };
            )
        });
    let head = quote! {
        //! What each operation can answer: one enum per operation with a variant per documented
        //! status, shared by the client and the server.
        #[allow(unused_imports)]
        use super::model;
        #[allow(unused_imports)]
        use ::openapi_gen_runtime as rt;
        #streams
    };
    let items = api.operations.iter().map(move |op| {
        let cfg = if tag_features {
            operation_cfg(api, &op.tags)
        } else {
            TokenStream::new()
        };
        let response = emit_response_enum(api, op);
        let table = emit_response_table(op, &cfg);
        let headers = op
            .responses
            .iter()
            // A status's alternative media type shares the status's headers struct.
            .filter(|r| !r.alternative)
            .filter_map(|r| emit_headers_struct(api, r))
            .map(|h| quote!(#cfg #h));
        Chunk::Items(quote!(#cfg #response #table #(#headers)*))
    });
    Box::new(iter::once(Chunk::Items(head)).chain(items))
}

/// The Rust type of a response body.
fn body_type(api: &Api, body: &ResponseBody) -> TokenStream {
    let item = || rust_type(api, &body.ty, ModelPath::Sibling);
    match body.media {
        Media::Text => quote!(String),
        Media::Binary => quote!(rt::stream::ByteStream),
        Media::EventStream => {
            let item = item();
            quote!(rt::stream::EventStream<#item>)
        }
        Media::JsonLines => {
            let item = item();
            quote!(rt::stream::JsonLines<#item>)
        }
        Media::Json | Media::Form | Media::Multipart => item(),
    }
}

/// The shape of a variant: what it carries besides its name.
struct VariantShape {
    /// `status: u16` for ranges and `default`.
    status: bool,
    body: bool,
    headers: bool,
}

impl VariantShape {
    fn of(response: &Response) -> Self {
        Self {
            status: !matches!(response.status, StatusMatch::Code(_)),
            body: response.body.is_some(),
            headers: response.headers_type.is_some(),
        }
    }

    /// A plain tuple variant `Ok(T)` when the body is all it carries.
    fn is_tuple(&self) -> bool {
        self.body && !self.status && !self.headers
    }

    fn is_unit(&self) -> bool {
        !self.body && !self.status && !self.headers
    }
}

fn emit_response_enum(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.names.response);
    let summary = format!(
        "The documented responses of `{}` (`{} {}`).",
        op.wire_name,
        op.method.as_str(),
        op.path
    );
    let docs = doc_attrs(&[Some(&summary)]);
    let alternatives: Vec<StatusMatch> = op
        .responses
        .iter()
        .filter(|r| r.alternative)
        .map(|r| r.status)
        .collect();
    let variants = op.responses.iter().map(|r| {
        let variant = ident(&r.rust_name);
        let status = match r.status {
            StatusMatch::Code(code) => format!("{code}"),
            StatusMatch::Range(h) => format!("{h}XX"),
            StatusMatch::Default => "Any other status".to_owned(),
        };
        // A status read in two media types says which one each variant holds.
        let status = match &r.body {
            Some(body) if alternatives.contains(&r.status) => {
                format!("{status}, as `{}`", body.content_type)
            }
            _ => status,
        };
        let heading = match &r.doc {
            Some(doc) => format!("{status}: {doc}"),
            None => status,
        };
        let docs = doc_attrs(&[Some(&heading)]);
        let shape = VariantShape::of(r);
        let body = r.body.as_ref().map(|b| body_type(api, b));
        if shape.is_unit() {
            return quote!(#docs #variant,);
        }
        if shape.is_tuple() {
            return quote!(#docs #variant(#body),);
        }
        let status_field = shape.status.then(|| quote!(status: u16,));
        let body_field = body.map(|b| quote!(body: #b,));
        let headers_field = r.headers_type.as_ref().map(|h| {
            let h = ident(h);
            quote!(headers: #h,)
        });
        quote!(#docs #variant { #status_field #body_field #headers_field },)
    });
    // A stream is read once, as it arrives: it can be neither cloned nor compared.
    let streamed = op
        .responses
        .iter()
        .any(|r| r.body.as_ref().is_some_and(|b| b.media.is_streamed()));
    let derives = if streamed {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    quote! {
        #docs
        #derives
        pub enum #name {
            #(#variants)*
        }
    }
}

fn emit_headers_struct(api: &Api, response: &Response) -> Option<TokenStream> {
    let name = ident(response.headers_type.as_ref()?);
    let fields = response.headers.iter().map(|h| {
        let field = ident(&h.rust_name);
        let ty = rust_type(api, &h.ty, ModelPath::Sibling);
        let ty = if h.required { ty } else { quote!(Option<#ty>) };
        let wire = format!("`{}` header.", h.wire_name);
        let docs = doc_attrs(&[Some(&wire), h.doc.as_deref()]);
        quote!(#docs pub #field: #ty,)
    });
    let docs = doc_attrs(&[Some("Headers declared for this response.")]);
    let default = response
        .headers
        .iter()
        .all(|h| !h.required)
        .then(|| quote!(Default,));
    Some(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #(#fields)*
        }
    })
}

/// How the table names a body's encoding: `json`, `text` (each with its media type when it is not
/// the usual one), `bytes "<type>"` (read whole), or a
/// stream (`byte_stream`, `sse`, `jsonl`) with its content type, marked `only` when it is the one
/// media type of its status and so read whatever `Content-Type` the answer names.
fn table_media(response: &Response, body: &ResponseBody) -> TokenStream {
    let content_type = &body.content_type;
    let only = (!response.alternative).then(|| quote!(only));
    match body.media {
        // The documented media type when it is not the usual one (`text/xml`), so the server
        // answers as documented.
        Media::Text if content_type != "text/plain" && !content_type.contains('*') => {
            quote!(text #content_type)
        }
        Media::Text => quote!(text),
        Media::Binary => quote!(byte_stream #content_type #only),
        Media::EventStream => quote!(sse #content_type #only),
        Media::JsonLines => quote!(jsonl #content_type #only),
        // Bytes as a JSON body are a base64 string, like bytes anywhere inside JSON.
        Media::Form | Media::Multipart if body.ty == Type::Binary => {
            quote!(bytes #content_type)
        }
        Media::Json if content_type != "application/json" && !content_type.contains('*') => {
            quote!(json #content_type)
        }
        Media::Json | Media::Form | Media::Multipart => quote!(json),
    }
}

/// The `rt::responses!` call of an operation: its variants as a table of status, name and
/// shape. Exact codes come first, then ranges, then `default`: the order the client matches
/// them in; a status's alternative media type comes before its first, so that the first is what
/// any other `Content-Type` reads as.
fn emit_response_table(op: &Operation, cfg: &TokenStream) -> TokenStream {
    let name = ident(&op.names.response);
    let mut entries: Vec<(u8, bool, TokenStream)> = Vec::new();
    for r in &op.responses {
        let variant = ident(&r.rust_name);
        let shape = VariantShape::of(r);
        let media = r.body.as_ref().map(|b| table_media(r, b));
        let headers = r.headers_type.as_ref().map(|h| {
            let h = ident(h);
            let fields = r.headers.iter().map(|header| {
                let field = ident(&header.rust_name);
                let wire = &header.wire_name;
                let presence = if header.required {
                    quote!(req)
                } else {
                    quote!(opt)
                };
                quote!(#field = #wire #presence)
            });
            quote!(#h { #(#fields),* })
        });
        let (pattern, rank) = match r.status {
            StatusMatch::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                (quote!(#code), 0)
            }
            StatusMatch::Range(hundreds) => {
                let low = Literal::u16_unsuffixed(hundreds * 100);
                let high = Literal::u16_unsuffixed(hundreds * 100 + 99);
                (quote!((#low..=#high)), 1)
            }
            StatusMatch::Default => (quote!(_), 2),
        };
        let entry = if shape.is_unit() {
            quote!(#pattern => #variant)
        } else if shape.is_tuple() {
            quote!(#pattern => #variant(#media))
        } else if !shape.status {
            let body = media.map(|m| quote!(body: #m,));
            quote!(#pattern => #variant { #body headers: #headers })
        } else {
            let body = media.map(|m| quote!(, body: #m));
            let headers = headers.map(|h| quote!(, headers: #h));
            quote!(#pattern => #variant { status #body #headers })
        };
        entries.push((rank, !r.alternative, entry));
    }
    entries.sort_by_key(|(rank, first, _)| (*rank, *first));
    let entries = entries.into_iter().map(|(.., e)| e);
    // Most operations stream nothing; saying so spares the compiler the client's stream methods.
    let streams = op.responses.iter().any(|r| {
        r.body.as_ref().is_some_and(|b| {
            matches!(
                b.media,
                Media::Binary | Media::EventStream | Media::JsonLines
            )
        })
    });
    let buffered = (!streams).then(|| quote!(buffered));
    quote!(rt::responses!(#cfg #name #buffered { #(#entries),* });)
}
