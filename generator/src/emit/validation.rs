//! Emits `validation.rs`: the API's constraint table (`ir::Checks`) as one static the runtime's
//! validator walks, so validation adds data, not code per field.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::chunks::{Chunk, Chunks, PartKind};
use crate::ir::{Api, JsonKind, Limit, Rule};

/// The file's head, then the table, whose nodes are produced a batch at a time (a large API has
/// tens of thousands).
pub fn emit_validation(api: &Api) -> Chunks<'_> {
    let patterns = api
        .checks
        .patterns
        .iter()
        .map(|p| quote!(rt::Pattern::new(#p)));
    let count = Literal::usize_unsuffixed(api.checks.patterns.len());
    let head = quote! {
        //! The schema constraints of this API's parameters and request bodies, as a table the
        //! runtime walks (`openapi_gen_runtime::validate`): servers check every request against
        //! it before the implementation runs, clients that opt in before sending.
        #![allow(dead_code)]
        use ::openapi_gen_runtime::validate as rt;
        #[allow(unused_imports)]
        use rt::{Check as C, Kind as K, Limit as L, Lit, Format as F};

        static PATTERNS: [rt::Pattern; #count] = [#(#patterns),*];
    };
    let table = |nodes: TokenStream| {
        quote! {
            /// Node 0 accepts anything; the others are referred to by index.
            pub static TABLE: rt::Table = rt::Table {
                nodes: &[#nodes],
                patterns: &PATTERNS,
            };
        }
    };
    let nodes = api.checks.nodes.iter().map(|rules| {
        // Shapes guide the generator's value builder only (the lowering drops them here too).
        let checks = rules
            .iter()
            .filter(|rule| !matches!(rule, Rule::Shape(_)))
            .map(emit_rule);
        quote!(&[#(#checks),*],)
    });
    Box::new(
        [
            Chunk::Items(head),
            Chunk::nested(PartKind::Elements, table, nodes),
        ]
        .into_iter(),
    )
}

fn emit_rule(rule: &Rule) -> TokenStream {
    let n = |v: u64| Literal::u64_unsuffixed(v);
    let id = |v: u32| Literal::u32_unsuffixed(v);
    match rule {
        Rule::Type(kind) => {
            let kind = match kind {
                JsonKind::String => quote!(String),
                JsonKind::Integer => quote!(Integer),
                JsonKind::Number => quote!(Number),
                JsonKind::Boolean => quote!(Boolean),
                JsonKind::Array => quote!(Array),
                JsonKind::Object => quote!(Object),
            };
            quote!(C::Type(K::#kind))
        }
        Rule::Nullable => quote!(C::Nullable),
        // Filtered out above: a shape only guides the value builder. Nothing here would make
        // the table fail to parse, never check something else.
        Rule::Shape(_) => TokenStream::new(),
        Rule::MinLength(v) => {
            let v = n(*v);
            quote!(C::MinLength(#v))
        }
        Rule::MaxLength(v) => {
            let v = n(*v);
            quote!(C::MaxLength(#v))
        }
        Rule::Pattern(v) => {
            let v = id(*v);
            quote!(C::Pattern(#v))
        }
        Rule::Format(format) => {
            let format = match format.as_str() {
                "email" => quote!(Email),
                "ipv4" => quote!(Ipv4),
                "ipv6" => quote!(Ipv6),
                "date" => quote!(Date),
                "date-time" => quote!(DateTime),
                "uuid" => quote!(Uuid),
                _ => quote!(Uri),
            };
            quote!(C::Format(F::#format))
        }
        Rule::Minimum(limit, exclusive) => {
            let limit = emit_limit(*limit);
            quote!(C::Minimum(#limit, #exclusive))
        }
        Rule::Maximum(limit, exclusive) => {
            let limit = emit_limit(*limit);
            quote!(C::Maximum(#limit, #exclusive))
        }
        Rule::MultipleOf(limit) => {
            let limit = emit_limit(*limit);
            quote!(C::MultipleOf(#limit))
        }
        Rule::MinItems(v) => {
            let v = n(*v);
            quote!(C::MinItems(#v))
        }
        Rule::MaxItems(v) => {
            let v = n(*v);
            quote!(C::MaxItems(#v))
        }
        Rule::UniqueItems => quote!(C::UniqueItems),
        Rule::Items(v) => {
            let v = id(*v);
            quote!(C::Items(#v))
        }
        Rule::MinProperties(v) => {
            let v = n(*v);
            quote!(C::MinProperties(#v))
        }
        Rule::MaxProperties(v) => {
            let v = n(*v);
            quote!(C::MaxProperties(#v))
        }
        Rule::Properties(list) => {
            let entries = list.iter().map(|(name, node, read_only)| {
                let node = id(*node);
                quote!((#name, #node, #read_only))
            });
            quote!(C::Properties(&[#(#entries),*]))
        }
        Rule::NoAdditional => quote!(C::NoAdditional),
        Rule::Additional(v) => {
            let v = id(*v);
            quote!(C::Additional(#v))
        }
        Rule::Enum(values) => {
            let values = values.iter().map(emit_lit);
            quote!(C::Enum(&[#(#values),*]))
        }
        Rule::AnyOf(nodes) => {
            let nodes = nodes.iter().map(|v| id(*v));
            quote!(C::AnyOf(&[#(#nodes),*]))
        }
        Rule::AllOf(nodes) => {
            let nodes = nodes.iter().map(|v| id(*v));
            quote!(C::AllOf(&[#(#nodes),*]))
        }
        Rule::OneOf(tag, mapping) => {
            let entries = mapping.iter().map(|(value, node)| {
                let node = id(*node);
                quote!((#value, #node))
            });
            quote!(C::OneOf(#tag, &[#(#entries),*]))
        }
    }
}

fn emit_limit(limit: Limit) -> TokenStream {
    match limit {
        Limit::Int(v) => {
            let v = int(v);
            quote!(L::I(#v))
        }
        Limit::Num(v) => {
            let v = float(v);
            quote!(L::F(#v))
        }
    }
}

/// An `i64` literal, negative values as a negated literal.
fn int(v: i64) -> TokenStream {
    let lit = Literal::u64_unsuffixed(v.unsigned_abs());
    if v < 0 {
        quote!(-#lit)
    } else {
        quote!(#lit)
    }
}

/// An `f64` literal (`1.0`, `-0.5`), negative values as a negated literal.
fn float(v: f64) -> TokenStream {
    if v.is_finite() {
        let lit = Literal::f64_unsuffixed(v.abs());
        if v < 0.0 {
            quote!(-#lit)
        } else {
            quote!(#lit)
        }
    } else {
        quote!(0.0)
    }
}

fn emit_lit(value: &serde_json::Value) -> TokenStream {
    match value {
        serde_json::Value::String(s) => quote!(Lit::S(#s)),
        serde_json::Value::Bool(b) => quote!(Lit::B(#b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => {
                let i = int(i);
                quote!(Lit::I(#i))
            }
            None => {
                let f = float(n.as_f64().unwrap_or(0.0));
                quote!(Lit::F(#f))
            }
        },
        // Lowering leaves out enums that list arrays or objects.
        _ => quote!(Lit::Null),
    }
}
