//! Helpers every emitter shares: Rust types for IR types, identifiers and doc comments.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Api, Operation, Param, Type, TypeKind};

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
    /// From a sibling module, which imports `super::model` (`model::X`).
    Sibling,
}

/// How emitted code spells std items: by their prelude names, or by absolute paths inside a
/// `model.rs` where a schema type shadows one of them (a spec may define `Result` or `Option`).
#[derive(Clone, Copy)]
pub struct Std {
    absolute: bool,
}

macro_rules! std_items {
    ($($method:ident => $short:ident, $($long:ident)::+;)*) => {
        impl Std {
            $(
                pub fn $method(self) -> TokenStream {
                    if self.absolute {
                        quote!($(::$long)+)
                    } else {
                        quote!($short)
                    }
                }
            )*
        }
    };
}

std_items! {
    option => Option, std::option::Option;
    result => Result, std::result::Result;
    err => Err, std::result::Result::Err;
    string => String, std::string::String;
    vec => Vec, std::vec::Vec;
    boxed => Box, std::boxed::Box;
    serialize => Serialize, serde::Serialize;
    deserialize => Deserialize, serde::Deserialize;
}

impl Std {
    pub fn at(api: &Api, at: ModelPath) -> Self {
        Self {
            absolute: matches!(at, ModelPath::Local) && api.model_shadows_std,
        }
    }

    /// The `use` that brings serde's derives into scope under their short names.
    pub fn serde_import(self) -> TokenStream {
        if self.absolute {
            TokenStream::new()
        } else {
            quote! {
                #[allow(unused_imports)]
                use serde::{Deserialize, Serialize};
            }
        }
    }
}

/// The Rust type for an IR type.
pub fn rust_type(api: &Api, ty: &Type, at: ModelPath) -> TokenStream {
    let std = Std::at(api, at);
    match ty {
        Type::Named(id) => {
            let name = ident(&api.types.get(*id).rust_name);
            match at {
                ModelPath::Local => quote!(#name),
                ModelPath::Sibling => quote!(model::#name),
            }
        }
        Type::String => std.string(),
        Type::Bool => quote!(bool),
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F32 => quote!(f32),
        Type::F64 => quote!(f64),
        Type::Uuid => quote!(::uuid::Uuid),
        Type::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
        Type::Date => quote!(::chrono::NaiveDate),
        // Bytes inside JSON (and parameters and form fields) travel as base64 text.
        Type::Binary => quote!(::openapi_gen_runtime::Base64),
        Type::Array(inner) => {
            let inner = rust_type(api, inner, at);
            let vec = std.vec();
            quote!(#vec<#inner>)
        }
        Type::Map(inner) => {
            let inner = rust_type(api, inner, at);
            let string = std.string();
            quote!(::std::collections::BTreeMap<#string, #inner>)
        }
        Type::Nullable(inner) => {
            let inner = rust_type(api, inner, at);
            quote!(::std::option::Option<#inner>)
        }
        Type::Null => quote!(()),
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

/// An operation's docs: summary, description, then method, path and credentials on one line.
pub fn operation_docs(api: &Api, op: &Operation) -> TokenStream {
    // A callback's client sends to the whole URL it is given: its path is empty.
    let route = if op.path.is_empty() {
        format!(
            "`{}` to the client's base URL, {}.",
            op.method.as_str(),
            security_text(api, op)
        )
    } else {
        format!(
            "`{} {}`, {}.",
            op.method.as_str(),
            op.path,
            security_text(api, op)
        )
    };
    doc_attrs(&[
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&route),
    ])
}

/// An operation's security alternatives, each a list of schemes that must all hold:
/// `&[&[scheme::BEARER_AUTH], &[scheme::API_KEY, scheme::SESSION]]`. The client and the server
/// runtimes take them as indexes into their `SCHEMES` table, named by [`scheme_indexes`].
pub fn security_alternatives(api: &Api, op: &Operation) -> TokenStream {
    let alternatives = op.security.iter().map(|alt| {
        let alt = alt.iter().map(|i| scheme_index_name(api, *i));
        quote!(&[#(scheme::#alt),*])
    });
    quote!(&[#(#alternatives),*])
}

/// `mod scheme { pub const BEARER_AUTH: usize = 0; ... }`: a name for each security scheme's
/// index in `SCHEMES`, so operations list their alternatives by name.
pub fn scheme_indexes(api: &Api) -> TokenStream {
    let consts = api.security_schemes.iter().enumerate().map(|(index, s)| {
        let name = scheme_index_name(api, index);
        let doc = format!(" The `{}` security scheme.", s.wire_name.replace('`', "'"));
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        quote!(#[doc = #doc] pub const #name: usize = #index;)
    });
    quote! {
        /// Each security scheme's index in `SCHEMES`.
        #[allow(dead_code)]
        mod scheme {
            #(#consts)*
        }
    }
}

fn scheme_index_name(api: &Api, index: usize) -> Ident {
    let name = crate::names::bare(&api.security_schemes[index].rust_name).to_uppercase();
    format_ident!("{}", name)
}

/// Which credentials an operation takes, in words.
fn security_text(api: &Api, op: &Operation) -> String {
    if op.security.is_empty() {
        return "no authentication".to_owned();
    }
    let alternatives: Vec<String> = op
        .security
        .iter()
        .map(|alt| {
            if alt.is_empty() {
                "none".to_owned()
            } else {
                alt.iter()
                    .map(|i| format!("`{}`", api.security_schemes[*i].wire_name))
                    .collect::<Vec<_>>()
                    .join(" and ")
            }
        })
        .collect();
    format!("authenticated by {}", alternatives.join(" or "))
}

/// A parameter's docs, led by its wire name and location: `` `page` (query parameter): ...``.
pub fn param_docs(param: &Param) -> TokenStream {
    let place = format!(
        "`{}` ({} parameter)",
        param.wire_name,
        param.location.as_str()
    );
    let text = match param.doc.as_deref().map(str::trim) {
        Some(doc) if !doc.is_empty() => format!("{place}: {doc}"),
        _ => format!("{place}."),
    };
    doc_attrs(&[Some(&text)])
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

/// Spec text made safe for a `///` line: see [`doc_attrs`]. Line breaks of every style (`\r\n`,
/// a bare `\r`, `\u{2028}`...) become `\n`, since rustc refuses a bare CR in a doc comment;
/// other control characters and the bidirectional overrides that rustc's
/// `text_direction_codepoint_in_comment` lint refuses become spaces or disappear.
pub fn sanitize_doc(text: &str) -> String {
    let text = normalize_doc_chars(text);
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

/// Line breaks to `\n`, other control characters to spaces, direction overrides removed.
fn normalize_doc_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}' => {}
            c if c.is_control() && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
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
        // A code span is copied as it is: markdown escapes and entities are literal text
        // inside one, so `<token>` stays `<token>`. A backtick run without its closing run is
        // not a code span, and is escaped.
        if rest.starts_with('`') {
            let ticks = rest.len() - rest.trim_start_matches('`').len();
            let after = &rest[ticks..];
            let close = (0..after.len())
                .filter(|&i| after.is_char_boundary(i))
                .find(|&i| {
                    after[i..].starts_with(&rest[..ticks])
                        && !after[i + ticks..].starts_with('`')
                        && (i == 0 || !after[..i].ends_with('`'))
                });
            match close {
                Some(i) if !after[..i].trim().is_empty() => {
                    let end = ticks + i + ticks;
                    out.push_str(&rest[..end]);
                    rest = &rest[end..];
                }
                _ => {
                    out.push_str(&"\\`".repeat(ticks));
                    rest = after;
                }
            }
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
///
/// Names are the spec's: a property `foo` is a binding clippy's `disallowed_names` refuses, an
/// operation `len` or `into_thing` trips the method-naming lints, nine nested arrays are a
/// `type_complexity`, a collision suffix after a leading digit (`_2faConfig_2`) is not camel
/// case; renaming would break the link between the spec and the code, so these lints are
/// allowed for the whole file instead.
pub fn module_allows() -> TokenStream {
    quote! {
        #![allow(
            clippy::too_many_arguments,
            clippy::large_enum_variant,
            clippy::enum_variant_names,
            clippy::disallowed_names,
            clippy::type_complexity,
            clippy::upper_case_acronyms,
            clippy::should_implement_trait,
            clippy::wrong_self_convention,
            clippy::len_without_is_empty,
            non_camel_case_types,
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::empty_docs,
            rustdoc::bare_urls
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize_doc;

    #[test]
    fn code_spans_are_found_past_multibyte_characters() {
        // A fuzz find: the search for a closing backtick sliced inside `Ⱥ`.
        let doc = super::sanitize_doc("`POST /peȺੑ*ts`, authenticated by `basicAuth`.");
        assert!(doc.contains("`POST /peȺੑ*ts`"), "{doc}");
        let unclosed = super::sanitize_doc("`peȺ and more");
        assert!(unclosed.starts_with("\\`"), "{unclosed}");
    }

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

    #[test]
    fn code_spans_are_copied_as_they_are() {
        let table = [
            ("send `Bearer <token>` now", "send `Bearer <token>` now"),
            ("`a[0]` and [b]", "`a[0]` and \\[b\\]"),
            ("``x ` y`` <z>", "``x ` y`` &lt;z&gt;"),
            ("a lone ` <b>", "a lone \\` &lt;b&gt;"),
            ("empty `` span", "empty \\`\\` span"),
        ];
        for (raw, want) in table {
            assert_eq!(sanitize_doc(raw), want, "sanitize_doc({raw:?})");
        }
    }

    #[test]
    fn line_breaks_and_control_characters_cannot_break_doc_comments() {
        let table = [
            ("one\rtwo", "one\ntwo"),
            ("one\r\ntwo", "one\ntwo"),
            ("one\r\r\ntwo", "one\n\ntwo"),
            ("trailing\r", "trailing"),
            ("\rleading", "leading"),
            ("a\u{2028}b\u{85}c", "a\nb\nc"),
            ("form\u{c}feed", "form\nfeed"),
            ("nul\0bell\u{7}", "nul bell"),
            ("tab\tstop", "tab stop"),
            ("rtl \u{202e}evil\u{202c} \u{2067}x\u{2069}", "rtl evil x"),
            ("```\rcode\r```", "```text\ncode\n```"),
        ];
        for (raw, want) in table {
            let got = sanitize_doc(raw);
            assert_eq!(got, want, "sanitize_doc({raw:?})");
            assert!(!got.contains('\r'), "{got:?} keeps a carriage return");
        }
    }
}
