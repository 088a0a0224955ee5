//! Helpers every emitter shares: Rust types for IR types, identifiers and doc comments.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Api, Type, TypeKind};

/// An identifier from a name `names.rs` produced (possibly `r#`-prefixed).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// Where the emitted code refers to model types from.
#[derive(Clone, Copy)]
pub enum ModelPath {
    /// Inside `model.rs`.
    Local,
    /// From a sibling module (`super::model::X`).
    Sibling,
}

/// The Rust type for an IR type.
pub fn rust_type(api: &Api, ty: &Type, at: ModelPath) -> TokenStream {
    match ty {
        Type::Named(id) => {
            let name = ident(&api.types.get(*id).rust_name);
            match at {
                ModelPath::Local => quote!(#name),
                ModelPath::Sibling => quote!(super::model::#name),
            }
        }
        Type::String => quote!(::std::string::String),
        Type::Bool => quote!(bool),
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F32 => quote!(f32),
        Type::F64 => quote!(f64),
        Type::Uuid => quote!(::uuid::Uuid),
        Type::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        Type::Date => quote!(::chrono::NaiveDate),
        Type::Binary => quote!(::std::vec::Vec<u8>),
        Type::Array(inner) => {
            let inner = rust_type(api, inner, at);
            quote!(::std::vec::Vec<#inner>)
        }
        Type::Map(inner) => {
            let inner = rust_type(api, inner, at);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Type::Nullable(inner) => {
            let inner = rust_type(api, inner, at);
            quote!(::std::option::Option<#inner>)
        }
        Type::Any => quote!(::serde_json::Value),
    }
}

/// Whether values of the type are cheap `Copy` scalars, passed by value.
pub fn is_copy_scalar(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Bool | Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::Uuid | Type::Date
    )
}

/// Whether the type (or anything it contains) is a float, which rules out `Eq`/`Hash`.
pub fn is_string_like(api: &Api, ty: &Type) -> bool {
    match ty {
        Type::String => true,
        Type::Named(id) => {
            matches!(&api.types.get(*id).kind, TypeKind::Alias(inner) if is_string_like(api, inner))
        }
        _ => false,
    }
}

/// `#[doc]` attributes for spec text, made safe for rustdoc.
///
/// Code fences become `text` blocks and indentation is dropped, so no description can turn into
/// a doc test; `[` `]` `<` `>` are escaped so they are not read as links or HTML.
pub fn doc_attrs(parts: &[Option<&str>]) -> TokenStream {
    let paragraphs: Vec<String> = parts
        .iter()
        .flatten()
        .map(|p| sanitize_doc(p))
        .filter(|p| !p.is_empty())
        .collect();
    if paragraphs.is_empty() {
        return TokenStream::new();
    }
    let text = paragraphs.join("\n\n");
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote!(#(#[doc = #lines])*)
}

pub fn sanitize_doc(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in text.trim().lines() {
        let line = raw.trim().replace('\t', " ");
        if line.starts_with("```") || line.starts_with("~~~") {
            out.push(if in_fence {
                "```".to_owned()
            } else {
                "```text".to_owned()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line);
            continue;
        }
        out.push(escape_markdown(&line));
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n")
}

fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while !rest.is_empty() {
        // Bare URLs become autolinks so rustdoc does not flag them.
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | ']' | '`')
                })
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Lints the emitted modules allow: shapes that come from the spec, not from the generator.
pub fn module_allows() -> TokenStream {
    quote! {
        #![allow(
            clippy::too_many_arguments,
            clippy::large_enum_variant,
            clippy::enum_variant_names,
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::empty_docs,
            rustdoc::bare_urls,
            rustdoc::broken_intra_doc_links,
            rustdoc::invalid_html_tags
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize_doc;

    #[test]
    fn descriptions_cannot_become_doc_tests() {
        assert_eq!(
            sanitize_doc("```\nlet x = 1;\n```"),
            "```text\nlet x = 1;\n```"
        );
        assert_eq!(
            sanitize_doc("a\n    indented code\nb"),
            "a\nindented code\nb"
        );
        assert_eq!(sanitize_doc("```rust\npanic!()"), "```text\npanic!()\n```");
    }

    #[test]
    fn escapes_links_and_html() {
        assert_eq!(
            sanitize_doc("see [foo] and <token>"),
            "see \\[foo\\] and &lt;token&gt;"
        );
        assert_eq!(sanitize_doc("at https://a.b/c."), "at <https://a.b/c>.");
    }
}
