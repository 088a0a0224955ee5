//! Writes, from an API's IR, a program that uses every public item of its generated crate the
//! way a user would: every client method called with arguments of the declared types, every
//! response enum matched exhaustively, every model type built (struct literals, each variant)
//! by the side that sends it and read (each field, an exhaustive `match`) by the side that
//! receives it, the server's `Api` implemented with every input field read.
//!
//! Each line ends in a `// @key ...` comment naming the items it depends on (the keys of
//! `openapi_gen::diff::Change`), so a compile error on the line maps to them.

use std::fmt::Write;

use openapi_gen::diff::types::{
    body_arg_text, body_field_text, field_text, param_arg_text, param_field_text,
    response_body_text, type_text, Spelling,
};
use openapi_gen::ir::{Api, Operation, Presence, Response, StatusMatch, Type, TypeDef, TypeKind};
use openapi_gen::names;

/// The crate under test is named `api` in the program.
const MODEL: &str = "api::model::";
const OPERATIONS: &str = "api::operations::";

/// The program's text, and the first line (1-based) of its server half.
pub struct Usage {
    pub source: String,
    pub server_from: usize,
}

fn spelling() -> Spelling<'static> {
    let mut s = Spelling::code(MODEL);
    // Aliases written out, as a user's code meets the values (and as `diff` compares them).
    s.expand_aliases = true;
    s
}

/// `type:<Name>` for every named type an expression mentions (aliases expanded).
fn type_tags(api: &Api, ty: &Type) -> String {
    let mut ids = Vec::new();
    collect_named(api, ty, &mut ids, 0);
    ids.sort();
    ids.dedup();
    ids.iter()
        .map(|id| format!(" @type:{}", api.types.get(*id).rust_name))
        .collect()
}

fn collect_named(api: &Api, ty: &Type, out: &mut Vec<openapi_gen::ir::TypeId>, depth: usize) {
    let mut direct = Vec::new();
    ty.named_ids(&mut direct);
    for id in direct {
        match &api.types.get(id).kind {
            TypeKind::Alias(inner) if depth < 64 => {
                out.push(id);
                collect_named(api, inner, out, depth + 1);
            }
            _ => out.push(id),
        }
    }
}

fn ident_fn(prefix: &str, name: &str) -> String {
    format!("{prefix}_{}", names::bare(name))
}

/// Whether the client has `<method>_all` for the operation (as `emit/client.rs` decides).
fn all_name(api: &Api, op: &Operation) -> Option<String> {
    op.pagination.as_ref()?;
    let name = format!("{}_all", op.rust_name);
    let taken = api
        .operations
        .iter()
        .any(|o| o.rust_name == name || format!("{}_accepting", o.rust_name) == name);
    (!taken).then_some(name)
}

/// The client method's required parameters in order (path parameters in template order).
fn ordered_required(op: &Operation) -> Vec<&openapi_gen::ir::Param> {
    let required: Vec<_> = op.params.iter().filter(|p| p.required).collect();
    let mut ordered: Vec<&openapi_gen::ir::Param> = Vec::new();
    for name in openapi_gen::ir::template_params(&op.path) {
        if let Some(p) = required
            .iter()
            .find(|p| p.location == openapi_gen::ir::ParamLocation::Path && p.wire_name == name)
        {
            if !ordered.iter().any(|o| std::ptr::eq(*o, *p)) {
                ordered.push(p);
            }
        }
    }
    ordered.extend(
        required
            .iter()
            .filter(|p| p.location != openapi_gen::ir::ParamLocation::Path),
    );
    ordered
}

pub fn write_usage(api: &Api) -> Usage {
    let roles = openapi_gen::diff::roles::TypeRoles::of(api);
    let mut out = String::new();
    let _ = writeln!(out, "//! Uses every public item of the generated crate `api` (written by `cargo xtask diff-truth`).");
    let _ = writeln!(
        out,
        "#![allow(unused, deprecated, unreachable_code, non_snake_case, clippy::all)]"
    );
    let _ = writeln!(out, "fn any<T>() -> T {{ unreachable!() }}");
    let _ = writeln!(out, "fn main() {{}}");
    let _ = writeln!(out, "mod client_side {{");
    let _ = writeln!(out, "use super::any;");
    client_half(api, &roles, &mut out);
    let _ = writeln!(out, "}}");
    let server_from = out.lines().count() + 1;
    let _ = writeln!(out, "mod server_side {{");
    let _ = writeln!(out, "use super::any;");
    server_half(api, &roles, &mut out);
    let _ = writeln!(out, "}}");
    Usage {
        source: out,
        server_from,
    }
}

fn client_half(api: &Api, roles: &openapi_gen::diff::roles::TypeRoles, out: &mut String) {
    let s = spelling();
    let _ = writeln!(out, "fn setters(client: api::client::Client) {{");
    for scheme in &api.security_schemes {
        let _ = writeln!(
            out,
            "let _ = client.clone().with_{}(\"secret\"); // @security:{}",
            names::stem(&scheme.rust_name),
            scheme.rust_name
        );
    }
    let _ = writeln!(out, "}}");
    for op in &api.operations {
        let key = format!("op:{}", op.rust_name);
        let mut tags = format!("@{key} @{key}:param:* @{key}:body @{key}:args");
        let mut args = Vec::new();
        for p in ordered_required(op) {
            args.push(format!("any::<{}>()", param_arg_text(api, p, s)));
            tags.push_str(&type_tags(api, &p.ty));
        }
        if let Some(body) = &op.body {
            args.push(format!(
                "any::<{}>()",
                body_arg_text(api, body, s, OPERATIONS)
            ));
            tags.push_str(&type_tags(api, &body.ty));
        }
        let optional: Vec<_> = op.params.iter().filter(|p| !p.required).collect();
        let options = (!optional.is_empty()).then(|| {
            let fields: Vec<String> = optional
                .iter()
                .map(|p| format!("{}: any::<{}>()", p.rust_name, param_field_text(api, p, s)))
                .collect();
            for p in &optional {
                tags.push_str(&type_tags(api, &p.ty));
            }
            format!(
                "&api::client::{} {{ {}, ..::std::default::Default::default() }}",
                op.names.options,
                fields.join(", ")
            )
        });
        if let Some(options) = &options {
            args.push(options.clone());
        }
        let _ = writeln!(
            out,
            "fn {}(client: api::client::Client) {{ // @{key}",
            ident_fn("call", &op.rust_name)
        );
        let _ = writeln!(
            out,
            "let _: api::client::Call<{OPERATIONS}{}> = client.{}({}); // {tags}",
            op.names.response,
            op.rust_name,
            args.join(", ")
        );
        if let Some(all) = all_name(api, op) {
            // `<method>_all` takes the required parameters and the options, no body.
            let mut all_args: Vec<String> = ordered_required(op)
                .iter()
                .map(|p| format!("any::<{}>()", param_arg_text(api, p, s)))
                .collect();
            if let Some(options) = &options {
                all_args.push(options.clone());
            }
            let _ = writeln!(
                out,
                "let _ = client.{all}({}); // @{key}:all {tags}",
                all_args.join(", ")
            );
        }
        let _ = writeln!(out, "}}");
        // The answer, matched exhaustively.
        let _ = writeln!(
            out,
            "fn {}(answer: {OPERATIONS}{}) {{ // @{key}",
            ident_fn("answer", &op.rust_name),
            op.names.response
        );
        let _ = writeln!(out, "match answer {{ // @{key} @{key}:response:*");
        for r in &op.responses {
            let _ = writeln!(out, "{}", read_arm(api, op, r, &key));
        }
        let _ = writeln!(out, "}}");
        let _ = writeln!(out, "}}");
        for r in op.responses.iter().filter(|r| !r.alternative) {
            if let Some(headers) = &r.headers_type {
                let rkey = format!("{key}:response:{}", r.rust_name);
                let _ = writeln!(
                    out,
                    "fn {}_{}(headers: {OPERATIONS}{headers}) {{ // @{rkey}",
                    ident_fn("headers", &op.rust_name),
                    names::bare(&r.rust_name)
                );
                for h in &r.headers {
                    let ty = type_text(api, &h.ty, s);
                    let ty = if h.required {
                        ty
                    } else {
                        format!("::std::option::Option<{ty}>")
                    };
                    let _ = writeln!(
                        out,
                        "let _: {ty} = headers.{}; // @{rkey}{}",
                        h.rust_name,
                        type_tags(api, &h.ty)
                    );
                }
                let _ = writeln!(out, "}}");
            }
        }
    }
    for (index, def) in api.types.defs.iter().enumerate() {
        let sides = roles.sides(index);
        let (builds, reads) = (sides.builders().0, sides.readers().0);
        type_uses(api, def, builds, reads, "client", out);
    }
}

/// A `match` arm reading a response variant and each part it holds.
fn read_arm(api: &Api, op: &Operation, r: &Response, key: &str) -> String {
    let s = spelling();
    let rkey = format!("{key}:response:{}", r.rust_name);
    let mut tags = format!("@{rkey}");
    let path = format!("{OPERATIONS}{}::{}", op.names.response, r.rust_name);
    let status = !matches!(r.status, StatusMatch::Code(_));
    let body = r.body.as_ref().map(|b| {
        tags.push_str(&type_tags(api, &b.ty));
        response_body_text(api, b, s, OPERATIONS)
    });
    let headers = r.headers_type.as_ref().map(|h| format!("{OPERATIONS}{h}"));
    match (status, &body, &headers) {
        (false, None, None) => format!("{path} => {{}} // {tags}"),
        (false, Some(body), None) => {
            format!("{path}(body) => {{ let _: {body} = body; }} // {tags}")
        }
        _ => {
            let mut fields = Vec::new();
            let mut reads = Vec::new();
            if status {
                fields.push("status");
                reads.push("let _: u16 = status;".to_owned());
            }
            if let Some(body) = &body {
                fields.push("body");
                reads.push(format!("let _: {body} = body;"));
            }
            if let Some(headers) = &headers {
                fields.push("headers");
                reads.push(format!("let _: {headers} = headers;"));
            }
            format!(
                "{path} {{ {} }} => {{ {} }} // {tags}",
                fields.join(", "),
                reads.join(" ")
            )
        }
    }
}

/// A response variant built, as a server builds it.
fn build_variant(api: &Api, op: &Operation, r: &Response, key: &str) -> String {
    let s = spelling();
    let rkey = format!("{key}:response:{}", r.rust_name);
    let mut tags = format!("@{rkey}");
    let path = format!("{OPERATIONS}{}::{}", op.names.response, r.rust_name);
    let status = !matches!(r.status, StatusMatch::Code(_));
    let body = r.body.as_ref().map(|b| {
        tags.push_str(&type_tags(api, &b.ty));
        response_body_text(api, b, s, OPERATIONS)
    });
    let headers = r.headers_type.as_ref().map(|h| {
        let fields: Vec<String> = r
            .headers
            .iter()
            .map(|header| {
                let ty = type_text(api, &header.ty, s);
                let ty = if header.required {
                    ty
                } else {
                    format!("::std::option::Option<{ty}>")
                };
                tags.push_str(&type_tags(api, &header.ty));
                format!("{}: any::<{ty}>()", header.rust_name)
            })
            .collect();
        let default = if r.headers.iter().all(|h| !h.required) {
            ", ..::std::default::Default::default()"
        } else {
            ""
        };
        format!("{OPERATIONS}{h} {{ {}{default} }}", fields.join(", "))
    });
    let value = match (status, &body, &headers) {
        (false, None, None) => path,
        (false, Some(body), None) => format!("{path}(any::<{body}>())"),
        _ => {
            let mut fields = Vec::new();
            if status {
                fields.push("status: any::<u16>()".to_owned());
            }
            if let Some(body) = &body {
                fields.push(format!("body: any::<{body}>()"));
            }
            if let Some(headers) = &headers {
                fields.push(format!("headers: {headers}"));
            }
            format!("{path} {{ {} }}", fields.join(", "))
        }
    };
    format!(
        "let _: {OPERATIONS}{} = {value}; // {tags}",
        op.names.response
    )
}

fn server_half(api: &Api, roles: &openapi_gen::diff::roles::TypeRoles, out: &mut String) {
    let s = spelling();
    let _ = writeln!(out, "fn credentials(c: api::server::Credentials) {{");
    for scheme in &api.security_schemes {
        let _ = writeln!(
            out,
            "let _ = &c.{}; // @security:{}",
            scheme.rust_name, scheme.rust_name
        );
    }
    let _ = writeln!(out, "}}");
    let _ = writeln!(out, "struct Service;");
    let _ = writeln!(out, "impl api::server::Api for Service {{ // @impl");
    for op in &api.operations {
        let _ = writeln!(
            out,
            "async fn {}(self: ::std::sync::Arc<Self>, input: api::server::{}) -> {OPERATIONS}{} {{ {}(input) }} // @op:{}",
            op.rust_name,
            op.names.input,
            op.names.response,
            ident_fn("serve", &op.rust_name),
            op.rust_name
        );
    }
    let _ = writeln!(out, "}}");
    for op in &api.operations {
        let key = format!("op:{}", op.rust_name);
        let _ = writeln!(
            out,
            "fn {}(input: api::server::{}) -> {OPERATIONS}{} {{ // @{key}",
            ident_fn("serve", &op.rust_name),
            op.names.input,
            op.names.response
        );
        let _ = writeln!(out, "let _ = &input.credentials; // @{key}");
        for p in &op.params {
            let _ = writeln!(
                out,
                "let _: {} = input.{}; // @{key}:param:{}{}",
                param_field_text(api, p, s),
                p.rust_name,
                p.rust_name,
                type_tags(api, &p.ty)
            );
        }
        if let Some(body) = &op.body {
            let _ = writeln!(
                out,
                "let _: {} = input.body; // @{key}:body{}",
                body_field_text(api, body, s, OPERATIONS),
                type_tags(api, &body.ty)
            );
        }
        for r in &op.responses {
            let _ = writeln!(out, "{}", build_variant(api, op, r, &key));
        }
        let _ = writeln!(out, "any()");
        let _ = writeln!(out, "}}");
    }
    for (index, def) in api.types.defs.iter().enumerate() {
        let sides = roles.sides(index);
        let (builds, reads) = (sides.builders().1, sides.readers().1);
        type_uses(api, def, builds, reads, "server", out);
    }
}

/// Functions that build (`builds`) and read (`reads`) values of one model type.
fn type_uses(api: &Api, def: &TypeDef, builds: bool, reads: bool, side: &str, out: &mut String) {
    let s = spelling();
    let name = names::bare(&def.rust_name);
    let path = format!("{MODEL}{}", def.rust_name);
    let key = format!("type:{}", def.rust_name);
    match &def.kind {
        TypeKind::Struct(st) => {
            if builds {
                let mut tags = format!("@{key} @{key}.*");
                let mut fields: Vec<String> = st
                    .fields
                    .iter()
                    .map(|f| {
                        tags.push_str(&type_tags(api, &f.ty));
                        format!("{}: any::<{}>()", f.rust_name, field_text(api, f, s))
                    })
                    .collect();
                if let Some(extra) = &st.additional {
                    tags.push_str(&type_tags(api, extra));
                    fields.push(format!(
                        "additional_properties: any::<::std::collections::BTreeMap<::std::string::String, {}>>()",
                        type_text(api, extra, s)
                    ));
                }
                let defaultable = st.fields.iter().all(|f| f.presence() != Presence::Required);
                if defaultable {
                    fields.push("..::std::default::Default::default()".to_owned());
                }
                let _ = writeln!(
                    out,
                    "fn build_{side}_{name}() -> {path} {{ {path} {{ {} }} }} // {tags}",
                    fields.join(", ")
                );
            }
            if reads {
                let _ = writeln!(out, "fn read_{side}_{name}(value: {path}) {{ // @{key}");
                for f in &st.fields {
                    let _ = writeln!(
                        out,
                        "let _: {} = value.{}; // @{key}.{}{}",
                        field_text(api, f, s),
                        f.rust_name,
                        f.rust_name,
                        type_tags(api, &f.ty)
                    );
                }
                if let Some(extra) = &st.additional {
                    let _ = writeln!(
                        out,
                        "let _: ::std::collections::BTreeMap<::std::string::String, {}> = value.additional_properties; // @{key}.additional_properties{}",
                        type_text(api, extra, s),
                        type_tags(api, extra)
                    );
                }
                let _ = writeln!(out, "}}");
            }
        }
        TypeKind::Enum(e) => {
            if builds {
                let _ = writeln!(out, "fn build_{side}_{name}() {{ // @{key}");
                for v in &e.variants {
                    let _ = writeln!(
                        out,
                        "let _: {path} = {path}::{}; // @{key}::{}",
                        v.rust_name, v.rust_name
                    );
                }
                let _ = writeln!(out, "}}");
            }
            if reads {
                let _ = writeln!(out, "fn read_{side}_{name}(value: {path}) {{ // @{key}");
                let _ = writeln!(out, "match value {{ // @{key} @{key}::*");
                for v in &e.variants {
                    let _ = writeln!(
                        out,
                        "{path}::{} => {{}} // @{key}::{}",
                        v.rust_name, v.rust_name
                    );
                }
                let _ = writeln!(out, "{path}::Unknown(_) => {{}} // @{key}");
                let _ = writeln!(out, "}}");
                let _ = writeln!(out, "}}");
            }
        }
        TypeKind::Tagged(t) => {
            let variants: Vec<(String, Option<String>, String)> = t
                .variants
                .iter()
                .map(|v| {
                    let ty = type_text(api, &v.ty, s);
                    let ty = if v.boxed {
                        format!("::std::boxed::Box<{ty}>")
                    } else {
                        ty
                    };
                    (v.rust_name.clone(), Some(ty), type_tags(api, &v.ty))
                })
                .collect();
            union_uses(&path, &key, &variants, builds, reads, side, name, out);
        }
        TypeKind::Untagged(vs) => {
            let variants: Vec<(String, Option<String>, String)> = vs
                .iter()
                .map(|v| match &v.literal {
                    Some(_) => (v.rust_name.clone(), None, String::new()),
                    None => {
                        let ty = type_text(api, &v.ty, s);
                        let ty = if v.boxed {
                            format!("::std::boxed::Box<{ty}>")
                        } else {
                            ty
                        };
                        (v.rust_name.clone(), Some(ty), type_tags(api, &v.ty))
                    }
                })
                .collect();
            union_uses(&path, &key, &variants, builds, reads, side, name, out);
        }
        TypeKind::Alias(ty) => {
            if builds || reads {
                let _ = writeln!(
                    out,
                    "fn alias_{side}_{name}(value: {}) -> {path} {{ value }} // @{key}{}",
                    type_text(api, ty, s),
                    type_tags(api, ty)
                );
            }
        }
        TypeKind::Newtype(ty) => {
            let inner = type_text(api, ty, s);
            if builds {
                let _ = writeln!(
                    out,
                    "fn build_{side}_{name}() -> {path} {{ {path}(any::<{inner}>()) }} // @{key}{}",
                    type_tags(api, ty)
                );
            }
            if reads {
                let _ = writeln!(
                    out,
                    "fn read_{side}_{name}(value: {path}) {{ let _: {inner} = value.0; }} // @{key}{}",
                    type_tags(api, ty)
                );
            }
        }
    }
}

/// Builds each variant of a union and reads it with an exhaustive `match`.
#[allow(clippy::too_many_arguments)]
fn union_uses(
    path: &str,
    key: &str,
    variants: &[(String, Option<String>, String)],
    builds: bool,
    reads: bool,
    side: &str,
    name: &str,
    out: &mut String,
) {
    if builds {
        let _ = writeln!(out, "fn build_{side}_{name}() {{ // @{key}");
        for (variant, ty, tags) in variants {
            let value = match ty {
                Some(ty) => format!("{path}::{variant}(any::<{ty}>())"),
                None => format!("{path}::{variant}"),
            };
            let _ = writeln!(out, "let _: {path} = {value}; // @{key}::{variant}{tags}");
        }
        let _ = writeln!(out, "}}");
    }
    if reads {
        let _ = writeln!(out, "fn read_{side}_{name}(value: {path}) {{ // @{key}");
        let _ = writeln!(out, "match value {{ // @{key} @{key}::*");
        for (variant, ty, tags) in variants {
            let arm = match ty {
                Some(ty) => format!("{path}::{variant}(inner) => {{ let _: {ty} = inner; }}"),
                None => format!("{path}::{variant} => {{}}"),
            };
            let _ = writeln!(out, "{arm} // @{key}::{variant}{tags}");
        }
        let _ = writeln!(out, "}}");
        let _ = writeln!(out, "}}");
    }
}
