//! Emits `client.rs`: a `Client` with credentials and one async method per operation.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::chunks::{Chunk, Chunks, PartKind};
use super::common::{
    doc_attrs, ident, is_copy_scalar, operation_docs, param_docs, rust_type, scheme_indexes,
    security_alternatives, ModelPath,
};
use super::features::operation_cfg;
use crate::ir::{
    Api, ApiKeyLocation, CursorSource, FieldStep, Media, Method, Operation, PageStyle, Param,
    ParamLocation, Presence, SecurityKind, Type, TypeKind,
};
use crate::names;

/// The file's head, the `impl Client` block (its per-operation methods produced a batch at a
/// time), then one chunk per operation's options struct.
pub fn emit_client(api: &Api, tag_features: bool) -> Chunks<'_> {
    let default_url = api.servers.first().map(|s| s.url.as_str()).unwrap_or("/");
    let servers = api.servers.iter().map(|s| {
        let url = &s.url;
        let description = s.description.as_deref().unwrap_or("");
        quote!((#url, #description),)
    });
    let scheme_fields = api.security_schemes.len();
    let scheme_indexes = scheme_indexes(api);
    let schemes = api.security_schemes.iter().map(|s| match &s.kind {
        SecurityKind::Bearer => quote!(rt::Scheme::Bearer),
        SecurityKind::Basic => quote!(rt::Scheme::Basic),
        SecurityKind::ApiKey {
            location,
            name,
            prefix,
        } => match location {
            ApiKeyLocation::Header => {
                let prefix = match prefix {
                    Some(p) => quote!(Some(#p)),
                    None => quote!(None),
                };
                quote!(rt::Scheme::ApiKeyHeader { name: #name, prefix: #prefix })
            }
            ApiKeyLocation::Query => quote!(rt::Scheme::ApiKeyQuery { name: #name }),
            ApiKeyLocation::Cookie => quote!(rt::Scheme::ApiKeyCookie { name: #name }),
        },
    });
    let setters = api.security_schemes.iter().enumerate().map(|(index, s)| {
        let method = format_ident!("with_{}", names::stem(&s.rust_name));
        let how = match &s.kind {
            SecurityKind::Bearer => "Sent as `Authorization: Bearer <token>`.".to_owned(),
            SecurityKind::Basic => {
                "Sent as HTTP Basic authentication; pass `user:password`.".to_owned()
            }
            SecurityKind::ApiKey {
                location,
                name,
                prefix,
            } => match (location, prefix) {
                (ApiKeyLocation::Header, Some(p)) => format!("Sent as `{name}: {p} <key>`."),
                (ApiKeyLocation::Header, None) => format!("Sent in the `{name}` header."),
                (ApiKeyLocation::Query, _) => format!("Sent as the `{name}` query parameter."),
                (ApiKeyLocation::Cookie, _) => format!("Sent as the `{name}` cookie."),
            },
        };
        let heading = format!(
            "Sets the credential for the `{}` security scheme. {how}",
            s.wire_name
        );
        let docs = doc_attrs(&[Some(&heading), s.doc.as_deref()]);
        quote! {
            #docs
            pub fn #method(mut self, secret: impl Into<::openapi_gen_runtime::Secret>) -> Self {
                self.credentials[#index] = Some(secret.into());
                self
            }
        }
    });
    // Operations' own method names, which `_accepting` and `_all` methods must not take (looked
    // up once per operation: Microsoft Graph has 11,422).
    let names: HashSet<&str> = api
        .operations
        .iter()
        .map(|o| o.rust_name.as_str())
        .collect();
    let methods = api.operations.iter().map(move |op| {
        let cfg = if tag_features {
            operation_cfg(api, &op.tags)
        } else {
            TokenStream::new()
        };
        let method = emit_method(api, op, None);
        let accepting = accepting_name(&names, op).map(|name| {
            let method = emit_method(api, op, Some(&name));
            quote!(#cfg #method)
        });
        let all = all_name(&names, op).map(|name| {
            let method = emit_all(api, op, &name);
            quote!(#cfg #method)
        });
        quote!(#cfg #method #accepting #all)
    });
    let options = api.operations.iter().filter_map(move |op| {
        let cfg = if tag_features {
            operation_cfg(api, &op.tags)
        } else {
            TokenStream::new()
        };
        emit_options(api, op).map(|o| Chunk::Items(quote!(#cfg #o)))
    });
    let none = (0..scheme_fields).map(|_| quote!(None));
    let scheme_count = proc_macro2::Literal::usize_unsuffixed(scheme_fields);
    // With no operations nothing sends a request; the client still exists for a uniform API.
    let unused = api
        .operations
        .is_empty()
        .then(|| quote!(#[allow(dead_code)]));
    let head = quote! {
        //! An async client with one method per operation, over `reqwest` (rustls).
        use ::openapi_gen_runtime::client as rt;
        #[allow(unused_imports)]
        use super::{model, operations::*};
        #[allow(unused_imports)]
        use rt::reqwest::Method;

        pub use rt::{
            middleware, page, reqwest, Call, CallInfo, Error, RawResponse, RetryPolicy, TimeoutKind,
        };

        /// The servers the API description lists: `(url, description)`.
        pub const SERVERS: &[(&str, &str)] = &[#(#servers)*];

        /// How each security scheme (by index) is put on a request.
        #unused
        const SCHEMES: &[rt::Scheme] = &[#(#schemes),*];

        #scheme_indexes

        /// The API client. Cheap to clone: clones share one connection pool.
        #[derive(Debug, Clone)]
        #unused
        pub struct Client {
            base_url: String,
            http: rt::reqwest::Client,
            credentials: [Option<::openapi_gen_runtime::Secret>; #scheme_count],
            settings: rt::Settings,
        }

        impl ::std::default::Default for Client {
            /// A client for the first server of the API description.
            fn default() -> Self {
                Self::new(Self::DEFAULT_BASE_URL)
            }
        }
    };
    let fixed = quote! {
        /// The first server of the API description.
        pub const DEFAULT_BASE_URL: &'static str = #default_url;

        /// A client for `base_url` (e.g. `https://api.example.com`, no trailing slash needed),
        /// with a connection pool, a 10 s connect timeout and the default [`RetryPolicy`].
        pub fn new(base_url: impl Into<String>) -> Self {
            Self::with_http_client(base_url, rt::default_http_client())
        }

        /// A client that sends through a `reqwest::Client` of your own (proxies, TLS, connect
        /// timeout).
        pub fn with_http_client(base_url: impl Into<String>, http: rt::reqwest::Client) -> Self {
            let base_url: String = base_url.into();
            Self {
                base_url: base_url.trim_end_matches('/').to_owned(),
                http,
                credentials: [#(#none),*],
                settings: rt::Settings::default(),
            }
        }

        /// Checks each request against the API description's constraints (lengths, patterns,
        /// bounds, enums, ...) before sending it: a request that breaks any is not sent and
        /// fails with [`Error::Violations`], listing what the server would refuse with a `400`.
        /// Off by default.
        pub fn with_request_validation(mut self, on: bool) -> Self {
            self.settings.validate_requests = on;
            self
        }

        /// Refuses response bodies larger than `bytes` (default 32 MiB); for a stream, items
        /// larger than that.
        pub fn with_max_response_bytes(mut self, bytes: usize) -> Self {
            self.settings.max_response_bytes = bytes;
            self
        }

        /// Retries calls by `policy` (default: [`RetryPolicy::default`], two retries);
        /// [`RetryPolicy::none`] turns retries off.
        pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
            self.settings.retry = policy;
            self
        }

        /// Gives up on a call, retries and waits included, after `timeout`
        /// ([`TimeoutKind::Call`]). None by default; [`Call::timeout`] sets one call's.
        pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.timeout = Some(timeout);
            self
        }

        /// Gives up on one attempt after `timeout` ([`TimeoutKind::Attempt`]) and retries when
        /// the policy allows; for a streamed answer it bounds the wait for the head. None by
        /// default; [`Call::attempt_timeout`] sets one call's.
        pub fn with_attempt_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.settings.attempt_timeout = Some(timeout);
            self
        }

        /// Runs `middleware` around every attempt of every call, after those added before it
        /// (see [`middleware`]).
        pub fn with_middleware(mut self, middleware: impl middleware::Middleware) -> Self {
            self.settings.middleware.push(::std::sync::Arc::new(middleware));
            self
        }

        /// The base URL requests are sent to, without a trailing slash.
        pub fn base_url(&self) -> &str {
            &self.base_url
        }

        #(#setters)*

        /// Starts operation `id`'s request: the path template filled with `args`, and the
        /// credentials of the first security alternative the client has.
        #unused
        fn request(
            &self,
            id: &'static str,
            method: Method,
            template: &'static str,
            args: &[&dyn rt::Arg],
            security: &[&[usize]],
        ) -> rt::Request {
            let request = rt::fill_path(template, args).and_then(|path| {
                let request = self.http.request(method, format!("{}{}", self.base_url, path));
                rt::authorize(request, &self.credentials, SCHEMES, security)
            });
            rt::Request::new(request, &self.settings, id, template)
                .validating(&super::validation::TABLE)
        }
    };
    let client = Chunk::nested(
        PartKind::ImplItems,
        move |methods| quote!(impl Client { #fixed #methods }),
        methods,
    );
    Box::new([Chunk::Items(head), client].into_iter().chain(options))
}

/// Optional parameters travel in an options struct so adding one to the spec does not break callers.
fn optional_params(op: &Operation) -> Vec<&Param> {
    op.params.iter().filter(|p| !p.required).collect()
}

fn emit_options(api: &Api, op: &Operation) -> Option<TokenStream> {
    let optional = optional_params(op);
    if optional.is_empty() {
        return None;
    }
    let name = ident(&op.names.options);
    let fields = optional.iter().map(|p| {
        let field = ident(&p.rust_name);
        let ty = rust_type(api, &p.ty, ModelPath::Sibling);
        let docs = param_docs(p);
        quote!(#docs pub #field: Option<#ty>,)
    });
    let heading = format!(
        "Optional parameters of [`Client::{}`].",
        names::bare(&op.rust_name)
    );
    // The generator's own text, with a working intra-doc link: not sanitized like spec text.
    let heading = format!(" {heading}");
    let docs = quote!(#[doc = #heading]);
    Some(quote! {
        #docs
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }
    })
}

/// How a required parameter is taken: `&str` for strings, by value for small scalars, `&[T]` for
/// arrays, else by reference.
fn param_arg(api: &Api, ty: &Type) -> TokenStream {
    if crate::emit::common::is_string_like(api, ty) {
        quote!(&str)
    } else if is_copy_scalar(ty) {
        rust_type(api, ty, ModelPath::Sibling)
    } else if let Type::Array(item) = ty {
        // A slice, so a caller can pass an array or part of a vector.
        let item = rust_type(api, item, ModelPath::Sibling);
        quote!(&[#item])
    } else {
        let ty = rust_type(api, ty, ModelPath::Sibling);
        quote!(&#ty)
    }
}

/// The Rust type of a request body argument.
fn body_arg(api: &Api, op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let ty = match body.media {
        Media::Text => quote!(&str),
        // Owned, so an upload can stream from a file or any source (`ByteStream::from_file`,
        // `ByteStream::new`) or go whole from a buffer (`vec.into()`).
        Media::Binary | Media::EventStream | Media::JsonLines => {
            quote!(ByteStream)
        }
        _ => {
            let ty = rust_type(api, &body.ty, ModelPath::Sibling);
            quote!(&#ty)
        }
    };
    Some(if body.required {
        ty
    } else {
        quote!(Option<#ty>)
    })
}

/// The name of the method that asks for one media type (`<method>_accepting`), for an operation
/// that answers a status in two (JSON or a stream of events); `None` when there is none, or when
/// another operation already has the name.
fn accepting_name(methods: &HashSet<&str>, op: &Operation) -> Option<String> {
    if !op.responses.iter().any(|r| r.alternative) {
        return None;
    }
    let name = format!("{}_accepting", op.rust_name);
    (!methods.contains(name.as_str())).then_some(name)
}

/// The name of the method that reads every page (`<method>_all`), for an operation that
/// pages; `None` when it does not, or when another operation already has the name.
fn all_name(methods: &HashSet<&str>, op: &Operation) -> Option<String> {
    op.pagination.as_ref()?;
    let name = format!("{}_all", op.rust_name);
    // An `<other>_accepting` never ends in `_all`, so only operations' own names can take it.
    (!methods.contains(name.as_str())).then_some(name)
}

/// A value inside a page on its way out: a place (`page.meta.next`) or an `Option` of a
/// reference to one, as the fields' presence makes it.
enum Reach {
    Place(TokenStream),
    Optional(TokenStream),
}

/// Reaches through `steps` from `root`.
fn reach(root: TokenStream, steps: &[FieldStep]) -> Reach {
    steps.iter().fold(Reach::Place(root), |reach, step| {
        let field = ident(&step.rust_name);
        match (reach, step.presence) {
            (Reach::Place(at), Presence::Required) => Reach::Place(quote!(#at.#field)),
            (Reach::Place(at), Presence::Optional | Presence::RequiredNullable) => {
                Reach::Optional(quote!(#at.#field.as_ref()))
            }
            (Reach::Place(at), Presence::OptionalNullable) => {
                Reach::Optional(quote!(#at.#field.as_ref().and_then(Option::as_ref)))
            }
            (Reach::Optional(at), Presence::Required) => {
                Reach::Optional(quote!(#at.map(|v| &v.#field)))
            }
            (Reach::Optional(at), Presence::Optional | Presence::RequiredNullable) => {
                Reach::Optional(quote!(#at.and_then(|v| v.#field.as_ref())))
            }
            (Reach::Optional(at), Presence::OptionalNullable) => Reach::Optional(
                quote!(#at.and_then(|v| v.#field.as_ref().and_then(Option::as_ref))),
            ),
        }
    })
}

/// `<method>_all`: every item across the operation's pages, as a stream.
fn emit_all(api: &Api, op: &Operation, name: &str) -> TokenStream {
    let paging = op.pagination.as_ref().expect("checked by `all_name`");
    let method = ident(name);
    let single = ident(&op.rust_name);
    let response = ident(&op.names.response);
    let variant = ident(&paging.variant);
    let item = rust_type(api, &paging.item, ModelPath::Sibling);
    let ordered = op.required_in_call_order();
    let args = ordered.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = param_arg(api, &p.ty);
        quote!(#name: #ty)
    });
    // The closure makes a call per page, so it owns the arguments: as one tuple under a name no
    // parameter can take (`input` is reserved), so the locals below shadow no argument it uses.
    let owned = ordered.iter().map(|p| {
        let name = ident(&p.rust_name);
        if crate::emit::common::is_string_like(api, &p.ty) {
            quote!(#name.to_owned())
        } else if is_copy_scalar(&p.ty) {
            quote!(#name)
        } else if let Type::Array(_) = p.ty {
            quote!(#name.to_vec())
        } else {
            quote!(#name.clone())
        }
    });
    let owned = (!ordered.is_empty()).then(|| quote!(let input = (#(#owned,)*);));
    let call_args = ordered.iter().enumerate().map(|(index, p)| {
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        if is_copy_scalar(&p.ty) && !crate::emit::common::is_string_like(api, &p.ty) {
            quote!(input.#index)
        } else {
            quote!(&input.#index)
        }
    });
    let has_options = !optional_params(op).is_empty();
    let options_name = ident(&op.names.options);
    // Changed per page when a parameter moves; else only lent to each call.
    let moves = !matches!(paging.style, PageStyle::Link | PageStyle::NextUrl { .. });
    let options_mut = moves.then(|| quote!(mut));
    let (options_param, options_copy, options_arg) = if has_options {
        (
            Some(quote!(options: &#options_name)),
            Some(quote!(let #options_mut options = options.clone();)),
            Some(quote!(&options)),
        )
    } else {
        (None, None, None)
    };
    let number = |param: &str| {
        let param = ident(param);
        quote!(options.#param.as_ref().map(rt::page::PageNumber::to_u64))
    };
    // Before the call: the parameter that moves, set from where this page is.
    let position = match &paging.style {
        PageStyle::Cursor { param, .. } => {
            let param = ident(param);
            quote! {
                if let rt::page::PageAt::Cursor(cursor) = &at {
                    options.#param = rt::page::PageCursor::from_cursor(cursor);
                }
            }
        }
        PageStyle::Offset { param } => {
            let start = number(param);
            let param = ident(param);
            quote! {
                if let rt::page::PageAt::Offset(n) = &at {
                    options.#param = Some(rt::page::PageNumber::from_u64(*n));
                }
                let start = #start.unwrap_or(0);
            }
        }
        PageStyle::Page { param, first } => {
            let current = number(param);
            let param = ident(param);
            quote! {
                match &at {
                    rt::page::PageAt::Number(n) => options.#param = Some(rt::page::PageNumber::from_u64(*n)),
                    rt::page::PageAt::First if options.#param.is_none() => {
                        options.#param = Some(rt::page::PageNumber::from_u64(#first));
                    }
                    _ => {}
                }
                let number = #current.unwrap_or(#first);
            }
        }
        PageStyle::Link | PageStyle::NextUrl { .. } => TokenStream::new(),
    };
    // From the page, before its items are moved out: a next position it names, and `has_more`.
    let named_next = match &paging.style {
        PageStyle::Cursor {
            next: CursorSource::Field(steps),
            ..
        } => Some(match reach(quote!(page), steps) {
            Reach::Place(at) => {
                quote!(rt::page::PageAt::from_next(rt::page::PageCursor::to_cursor(&#at)))
            }
            Reach::Optional(at) => quote!(#at
                .map(rt::page::PageCursor::to_cursor)
                .and_then(rt::page::PageAt::from_next)),
        }),
        PageStyle::NextUrl { path } => Some(match reach(quote!(page), path) {
            Reach::Place(at) => quote!(rt::page::PageAt::from_next(#at.clone())),
            Reach::Optional(at) => quote!(#at.cloned().and_then(rt::page::PageAt::from_next)),
        }),
        PageStyle::Link => Some(quote!(
            rt::page::next_link(&info.headers).map(rt::page::PageAt::Url)
        )),
        _ => None,
    }
    .map(|next| quote!(let next = #next;));
    let more = paging
        .has_more
        .as_ref()
        .map(|steps| match reach(quote!(page), steps) {
            Reach::Place(at) => quote!(let more = #at;),
            Reach::Optional(at) => quote!(let more = #at != Some(&false);),
        });
    let items = match &paging.items {
        None => quote!(page),
        Some(step) => {
            let field = ident(&step.rust_name);
            match step.presence {
                Presence::Required => quote!(page.#field),
                Presence::Optional | Presence::RequiredNullable => {
                    quote!(page.#field.unwrap_or_default())
                }
                Presence::OptionalNullable => quote!(page.#field.flatten().unwrap_or_default()),
            }
        }
    };
    // After the items: positions that count them or read the last one.
    let counted_next =
        match &paging.style {
            PageStyle::Cursor {
                next: CursorSource::LastItem(steps),
                ..
            } => Some(match reach(quote!(item), steps) {
                Reach::Place(at) => quote!(items
                .last()
                .map(|item| rt::page::PageAt::Cursor(rt::page::PageCursor::to_cursor(&#at)))),
                Reach::Optional(at) => quote!(items
                .last()
                .and_then(|item| #at)
                .map(|id| rt::page::PageAt::Cursor(rt::page::PageCursor::to_cursor(id)))),
            }),
            PageStyle::Offset { .. } => Some(quote!((!items.is_empty())
                .then(|| { rt::page::PageAt::Offset(start + items.len() as u64) }))),
            PageStyle::Page { .. } => Some(quote!(
                (!items.is_empty()).then_some(rt::page::PageAt::Number(number + 1))
            )),
            _ => None,
        }
        .map(|next| quote!(let next = #next;));
    let more_filter = more
        .is_some()
        .then(|| quote!(let next = next.filter(|_| more);));
    let single_variant = op.responses.len() == 1;
    let pattern = if paging.variant_is_tuple {
        quote!(#response::#variant(page))
    } else {
        quote!(#response::#variant { body: page, .. })
    };
    let page = if single_variant {
        quote!(let #pattern = answer?;)
    } else {
        quote! {
            let page = match answer? {
                #pattern => page,
                other => return Err(rt::page::PageError::Answer(other)),
            };
        }
    };
    let answer = if matches!(paging.style, PageStyle::Link) {
        quote!(let (answer, info) = call.with_info().await;)
    } else {
        quote!(let answer = call.await;)
    };
    // A deprecated operation's pages are deprecated too; the call inside is not a new use.
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let allow_deprecated = op.deprecated.then(|| quote!(#[allow(deprecated)]));
    let heading = format!(
        " Every item of [`{0}`](Self::{0}), page after page, as a stream: the next page is asked for when the items before it have been read.",
        op.rust_name
    );
    let how = format!(" Pages by {}.", paging.summary);
    quote! {
        #[doc = #heading]
        #[doc = ""]
        #[doc = #how]
        #deprecated
        pub fn #method(&self, #(#args,)* #options_param) -> rt::page::Pages<#item, #response> {
            #owned
            let client = self.clone();
            #options_copy
            rt::page::pages(move |at: rt::page::PageAt| {
                #position
                #allow_deprecated
                let call = client.#single(#(#call_args,)* #options_arg);
                let call = match at {
                    rt::page::PageAt::Url(url) => call.follow(url),
                    _ => call,
                };
                async move {
                    #answer
                    #page
                    #named_next
                    #more
                    let items: Vec<#item> = #items;
                    #counted_next
                    #more_filter
                    Ok(rt::page::Page { items, next })
                }
            })
        }
    }
}

/// An operation's method; `accepting` names the variant that takes the `Accept` header to send.
fn emit_method(api: &Api, op: &Operation, accepting: Option<&str>) -> TokenStream {
    let method = ident(accepting.unwrap_or(&op.rust_name));
    let response = ident(&op.names.response);
    let has_options = !optional_params(op).is_empty();

    let ordered = op.required_in_call_order();
    let args = ordered.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = param_arg(api, &p.ty);
        quote!(#name: #ty)
    });
    let body_param = body_arg(api, op).map(|ty| quote!(body: #ty,));
    let options_name = ident(&op.names.options);
    let options_param = has_options.then(|| quote!(options: &#options_name,));

    let path_args = path_args(op);
    let template = &op.path;
    let value_of = |p: &Param| {
        let name = ident(&p.rust_name);
        if p.required {
            quote!(&#name)
        } else {
            quote!(&options.#name)
        }
    };
    // Parameters are chained onto the request in declaration order, by location.
    let params = op.params.iter().filter_map(|p| {
        let wire = &p.wire_name;
        let value = value_of(p);
        match p.location {
            ParamLocation::Path => None,
            ParamLocation::Query if !p.explode && p.separator != ',' => {
                let separator = p.separator;
                Some(quote!(.query_delimited(#wire, #value, #separator)))
            }
            ParamLocation::Query => {
                let explode = p.explode;
                Some(quote!(.query(#wire, #value, #explode)))
            }
            ParamLocation::QueryString => Some(quote!(.query_string(#wire, #value))),
            ParamLocation::Header if is_idempotency_key(p) => {
                Some(quote!(.idempotency_key(#wire, #value)))
            }
            ParamLocation::Header => Some(quote!(.header(#wire, #value))),
            ParamLocation::Cookie => Some(quote!(.cookie(#wire, #value))),
        }
    });
    let body = emit_body(api, op);
    // Constraint checks, done only when the client validates requests.
    let checks = op
        .params
        .iter()
        .filter_map(|p| {
            let node = proc_macro2::Literal::u32_unsuffixed(p.check?);
            let at = format!("{}.{}", p.location.as_str(), p.wire_name);
            let value = value_of(p);
            Some(quote!(.check(#at, #node, #value)))
        })
        .chain(op.body.as_ref().and_then(|b| {
            let node = proc_macro2::Literal::u32_unsuffixed(b.check?);
            Some(quote!(.check("body", #node, &body)))
        }));
    let security = security_alternatives(api, op);
    let operation_id = &op.wire_name;
    let http_method = http_method(&op.method);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let (docs, accept_param, accept) = match accepting {
        None => (operation_docs(api, op), None, None),
        Some(_) => {
            let offered: Vec<String> = op
                .responses
                .iter()
                .filter(|r| r.alternative)
                .filter_map(|alternative| {
                    let first = op
                        .responses
                        .iter()
                        .find(|r| !r.alternative && r.status == alternative.status)?;
                    Some(format!(
                        "`{}` or `{}`",
                        first.body.as_ref()?.content_type,
                        alternative.body.as_ref()?.content_type
                    ))
                })
                .collect();
            // Written here, not taken from the description, so the link is kept as written.
            let first = format!(
                " Like [`{0}`](Self::{0}), asking for the media type `accept` (the `Accept`",
                op.rust_name
            );
            let second = format!(
                " header): the operation answers {}, and a server that negotiates sends the one asked for.",
                offered.join(", ")
            );
            let docs = quote!(#[doc = #first] #[doc = #second]);
            (
                docs,
                Some(quote!(accept: &str,)),
                Some(quote!(.header("accept", accept))),
            )
        }
    };
    // The answer is decoded by the response enum's `Decode` impl (from its `responses!`
    // table); the async step is the runtime's `Request::send`, written once.
    quote! {
        #docs
        #deprecated
        pub fn #method(&self, #accept_param #(#args,)* #body_param #options_param) -> Call<#response> {
            self.request(#operation_id, #http_method, #template, &[#(#path_args),*], #security)
                #accept
                #(#params)*
                #body
                #(#checks)*
                .send()
        }
    }
}

/// Whether a header parameter is an idempotency key (`Idempotency-Key`, `X-Idempotency-Key`,
/// `Idempotency-Token`, ...): the client makes one up for a call that gives none, so that the
/// call may be retried.
fn is_idempotency_key(param: &Param) -> bool {
    let name = param.wire_name.to_ascii_lowercase();
    name.contains("idempotency")
        && matches!(param.ty, Type::String | Type::Uuid)
        && param.location == ParamLocation::Header
}

/// The path parameters, one per placeholder of the template in order, up to the first
/// placeholder no parameter fills (the runtime leaves that one and the rest as written).
fn path_args(op: &Operation) -> Vec<TokenStream> {
    let mut args = Vec::new();
    for name in crate::ir::template_params(&op.path) {
        let Some(p) = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == name)
        else {
            break;
        };
        let name = ident(&p.rust_name);
        args.push(quote!(&#name));
    }
    args
}

/// The body, chained onto the request: `.json(Some(body))`, `.form(body)`, ...
fn emit_body(api: &Api, op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let content_type = &body.content_type;
    let value = if body.required {
        quote!(Some(body))
    } else {
        quote!(body)
    };
    Some(match body.media {
        Media::Json => quote!(.json(#value)),
        Media::Form => quote!(.form(#value)),
        Media::Text if body.required => quote!(.raw(#content_type, Some(body.to_owned()))),
        Media::Text => quote!(.raw(#content_type, body.map(str::to_owned))),
        // Streams of items are told apart in responses only (`classify_media`).
        Media::Binary | Media::EventStream | Media::JsonLines => {
            quote!(.raw(#content_type, #value))
        }
        Media::Multipart => {
            let form = emit_multipart(api, &body.ty);
            if body.required {
                quote!(.with(|request| { #form }))
            } else {
                quote!(.with(|request| match body {
                    Some(body) => { #form }
                    None => Ok(request),
                }))
            }
        }
    })
}

/// Multipart bodies: each struct field becomes a part; `format: binary` fields are file parts.
fn emit_multipart(api: &Api, ty: &Type) -> TokenStream {
    let fields = match ty {
        Type::Named(id) => match &api.types.get(*id).kind {
            TypeKind::Struct(s) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    };
    let Some(fields) = fields else {
        return quote!(Ok(request.multipart(
            rt::reqwest::multipart::Form::new().part("body", rt::text_part("body", body)?)
        )));
    };
    let parts = fields.iter().map(|f| {
        let name = ident(&f.rust_name);
        let wire = &f.wire_name;
        let part = |value: TokenStream| {
            if f.ty == Type::Binary {
                quote!(rt::reqwest::multipart::Part::bytes(#value.to_vec()).file_name(#wire))
            } else {
                quote!(rt::text_part(#wire, #value)?)
            }
        };
        match f.presence() {
            Presence::Required => {
                // A text part reads its value by reference; bytes are cloned into the part.
                let part = match f.ty {
                    Type::Binary => part(quote!(body.#name)),
                    _ => part(quote!(&body.#name)),
                };
                quote!(form = form.part(#wire, #part);)
            }
            Presence::RequiredNullable | Presence::Optional => {
                let part = part(quote!(value));
                quote!(if let Some(value) = &body.#name { form = form.part(#wire, #part); })
            }
            Presence::OptionalNullable => {
                let part = part(quote!(value));
                quote!(if let Some(Some(value)) = &body.#name { form = form.part(#wire, #part); })
            }
        }
    });
    quote! {
        let mut form = rt::reqwest::multipart::Form::new();
        #(#parts)*
        Ok(request.multipart(form))
    }
}

/// The client's expression for an operation's method: a `reqwest` constant, or the runtime's
/// `method` function for a method it has no constant for.
fn http_method(method: &Method) -> TokenStream {
    match method {
        Method::Query | Method::Other(_) => {
            let name = method.as_str();
            quote!(rt::method(#name))
        }
        fixed => {
            let name = format_ident!("{}", fixed.as_str());
            quote!(Method::#name)
        }
    }
}
