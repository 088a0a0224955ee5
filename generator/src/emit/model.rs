//! Emits `model.rs`: one serde type per schema (structs, enums, unions, aliases).

use std::collections::BTreeMap;
use std::iter;

use proc_macro2::TokenStream;
use quote::quote;

use super::chunks::{Chunk, Chunks};
use super::common::{doc_attrs, ident, rust_type, ModelPath, Std};
use super::features::reach_cfg;
use crate::config::ModelSerde;
use crate::ir::{
    Api, EnumDef, EnumRepr, Field, Presence, StructDef, TaggedDef, Type, TypeDef, TypeKind,
    UnionVariant,
};

/// The file's head, then one chunk per type.
pub fn emit_model(api: &Api, tag_features: bool, serde: ModelSerde) -> Chunks<'_> {
    let std = Std::at(api, ModelPath::Local);
    let serde_import = std.serde_import();
    let head = quote! {
        //! The data types of the API: one per schema, shared by the client and the server.
        #[allow(unused_imports)]
        use ::openapi_gen_runtime as rt;
        #serde_import
    };
    let literals = literal_modules(api);
    let literal_items = (!literals.is_empty()).then(|| {
        let entries = literals.iter().map(|(value, module)| {
            let module = ident(module);
            quote!(#module = #value)
        });
        // One module per string value a union's unit variant stands for, read and written
        // through `#[serde(with = ...)]`.
        Chunk::Items(quote! {
            #[doc(hidden)]
            pub mod __literal {
                super::rt::literals!(#(#entries),*);
            }
        })
    });
    let defs = api.types.defs.iter().map(move |def| {
        let cfg = if tag_features {
            reach_cfg(api, &def.reach)
        } else {
            TokenStream::new()
        };
        // The type and each of its impls carry the cfg: an impl of a missing type is an error.
        let items = emit_def(api, std, def, &cfg, serde, &literals);
        Chunk::Items(quote!(#(#items)*))
    });
    Box::new(
        iter::once(Chunk::Items(head))
            .chain(literal_items)
            .chain(defs),
    )
}

/// The module of each string value that a union's unit variant stands for.
fn literal_modules(api: &Api) -> BTreeMap<String, String> {
    let values = api.types.defs.iter().flat_map(|def| match &def.kind {
        TypeKind::Untagged(variants) => variants
            .iter()
            .filter_map(|v| v.literal.as_deref())
            .collect(),
        _ => Vec::new(),
    });
    crate::names::literal_modules(values)
}

/// The items of one type, each under `cfg`: its definition first, then its impls. A runtime
/// macro takes the cfg inside its call and puts it on every impl it writes.
fn emit_def(
    api: &Api,
    std: Std,
    def: &TypeDef,
    cfg: &TokenStream,
    serde: ModelSerde,
    literals: &BTreeMap<String, String>,
) -> Vec<TokenStream> {
    let name = ident(&def.rust_name);
    // A component named as its type needs no pointer; inline and renamed schemas get one so a
    // reader can find where they come from.
    let plain_component = def.pointer == format!("#/components/schemas/{}", def.wire_name)
        && def.wire_name == def.rust_name;
    let location =
        (!plain_component).then(|| format!("Schema: `{}`.", def.pointer.trim_start_matches('#')));
    let docs = doc_attrs(&[def.doc.as_deref(), location.as_deref()]);
    let with_cfg = |items: Vec<TokenStream>| items.into_iter().map(|i| quote!(#cfg #i)).collect();
    match &def.kind {
        TypeKind::Struct(s) => match serde {
            ModelSerde::Runtime => emit_struct(api, std, &name, s, docs, cfg),
            ModelSerde::Derive => emit_derived_struct(api, std, &name, s, docs, cfg),
        },
        TypeKind::Enum(e) => emit_enum(std, &name, e, docs, cfg),
        TypeKind::Tagged(t) => with_cfg(emit_tagged(api, std, &name, t, docs)),
        TypeKind::Untagged(variants) => with_cfg(vec![emit_untagged(
            api, std, &name, variants, docs, literals,
        )]),
        TypeKind::Alias(ty) => {
            let ty = rust_type(api, ty, ModelPath::Local);
            with_cfg(vec![quote!(#docs pub type #name = #ty;)])
        }
        TypeKind::Newtype(ty) => {
            // Serde, `Deref` and `From` come from the runtime's `newtype!` macro.
            let default = matches!(ty, Type::Array(_) | Type::Map(_) | Type::Nullable(_))
                .then(|| quote!(Default,));
            let ty = rust_type(api, ty, ModelPath::Local);
            vec![
                quote! {
                    #cfg
                    #docs
                    #[derive(Debug, Clone, PartialEq, #default)]
                    pub struct #name(pub #ty);
                },
                quote!(rt::newtype!(#cfg #name(#ty));),
            ]
        }
    }
}

fn emit_struct(
    api: &Api,
    std: Std,
    name: &proc_macro2::Ident,
    def: &StructDef,
    docs: TokenStream,
    cfg: &TokenStream,
) -> Vec<TokenStream> {
    let fields = def.fields.iter().map(|f| emit_field(api, std, f));
    let extra = def.additional.as_ref().map(|ty| {
        let ty = rust_type(api, ty, ModelPath::Local);
        let string = std.string();
        quote! {
            /// Properties not declared in the schema.
            pub additional_properties: ::std::collections::BTreeMap<#string, #ty>,
        }
    });
    // `Default` is offered when every field can be empty, so callers can use `..Default::default()`.
    let defaultable = def
        .fields
        .iter()
        .all(|f| f.presence() != Presence::Required);
    let default = defaultable.then(|| quote!(Default,));
    // Serde impls come from the runtime's `object!` macro: one entry per field, far less code to
    // compile than serde's derive (see runtime/model.rs).
    let entries = def.fields.iter().map(|f| {
        let kind = match f.presence() {
            Presence::Required => quote!(req),
            Presence::RequiredNullable => quote!(null),
            Presence::Optional => quote!(opt),
            Presence::OptionalNullable => quote!(optnull),
        };
        let field = ident(&f.rust_name);
        let wire = (f.rust_name != f.wire_name).then(|| {
            let wire = &f.wire_name;
            quote!(= #wire)
        });
        quote!(#kind #field #wire)
    });
    let rest = def
        .additional
        .is_some()
        .then(|| quote!(rest additional_properties));
    vec![
        quote! {
            #cfg
            #docs
            #[derive(Debug, Clone, PartialEq, #default)]
            pub struct #name {
                #(#fields)*
                #extra
            }
        },
        // Only types that can nest read with a stack check (see `object!`).
        {
            let recursive = def.recursive.then(|| quote!(recursive));
            let wire_names: Vec<&str> = def.fields.iter().map(|f| f.wire_name.as_str()).collect();
            // Every byte as `\xNN`, so the table reads as the indices it holds. The table only
            // speeds reading up, so one that did not parse would simply be left out.
            let order = byte_order(&wire_names)
                .map(|order| {
                    order
                        .iter()
                        .map(|i| format!("\\x{i:02x}"))
                        .collect::<String>()
                })
                .and_then(|hex| format!("b\"{hex}\"").parse::<proc_macro2::Literal>().ok())
                .map(|order| quote!(order #order));
            quote!(rt::object!(#cfg #name #recursive { #(#entries),* } #rest #order);)
        },
    ]
}

/// The fields' byte order of wire names, for `object!`'s reader to follow documents whose keys
/// are sorted: for each field the index of the next one in that order (the last one's is the
/// field count), then the index of the first. `None` when the schema's order is already sorted,
/// or the indices do not fit in bytes.
fn byte_order(wire_names: &[&str]) -> Option<Vec<u8>> {
    let count = wire_names.len();
    let mut sorted: Vec<usize> = (0..count).collect();
    sorted.sort_by_key(|&i| wire_names[i]);
    if count >= usize::from(u8::MAX) || sorted.iter().enumerate().all(|(at, &i)| at == i) {
        return None;
    }
    let mut order = vec![0; count + 1];
    for pair in sorted.windows(2) {
        order[pair[0]] = pair[1] as u8;
    }
    order[sorted[count - 1]] = count as u8;
    order[count] = sorted[0] as u8;
    Some(order)
}

/// A struct with serde's derives and attributes instead of the runtime's `object!` (the
/// `ModelSerde::Derive` option): the same wire contract, serde's generated code.
fn emit_derived_struct(
    api: &Api,
    std: Std,
    name: &proc_macro2::Ident,
    def: &StructDef,
    docs: TokenStream,
    cfg: &TokenStream,
) -> Vec<TokenStream> {
    let fields = def.fields.iter().map(|f| {
        let field = emit_field(api, std, f);
        let rename = (f.rust_name != f.wire_name).then(|| {
            let wire = &f.wire_name;
            quote!(rename = #wire,)
        });
        let how = match f.presence() {
            Presence::Required => quote!(),
            Presence::RequiredNullable => quote!(default,),
            Presence::Optional => quote!(
                default,
                skip_serializing_if = "::std::option::Option::is_none",
            ),
            Presence::OptionalNullable => quote! {
                default, skip_serializing_if = "::std::option::Option::is_none",
                deserialize_with = "rt::__private::model::present",
            },
        };
        if rename.is_none() && how.is_empty() {
            field
        } else {
            quote!(#[serde(#rename #how)] #field)
        }
    });
    let extra = def.additional.as_ref().map(|ty| {
        let ty = rust_type(api, ty, ModelPath::Local);
        let string = std.string();
        quote! {
            /// Properties not declared in the schema.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<#string, #ty>,
        }
    });
    let defaultable = def
        .fields
        .iter()
        .all(|f| f.presence() != Presence::Required);
    let default = defaultable.then(|| quote!(Default,));
    let (ser, de) = (std.serialize(), std.deserialize());
    vec![quote! {
        #cfg
        #docs
        #[derive(Debug, Clone, PartialEq, #default #ser, #de)]
        pub struct #name {
            #(#fields)*
            #extra
        }
    }]
}

/// `Box<ty>` for a field or variant that closes a by-value cycle.
fn boxed_if(std: Std, boxed: bool, ty: TokenStream) -> TokenStream {
    if boxed {
        let boxed = std.boxed();
        quote!(#boxed<#ty>)
    } else {
        ty
    }
}

fn emit_field(api: &Api, std: Std, field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let ty = boxed_if(
        std,
        field.boxed,
        rust_type(api, &field.ty, ModelPath::Local),
    );
    let mut notes = Vec::new();
    if field.read_only {
        notes.push("Read-only: set by the server.".to_owned());
    }
    if field.write_only {
        notes.push("Write-only: never returned by the server.".to_owned());
    }
    if let Some(default) = &field.default {
        notes.push(format!("Default: `{default}`."));
    }
    let note = (!notes.is_empty()).then(|| notes.join(" "));
    let docs = doc_attrs(&[field.doc.as_deref(), note.as_deref()]);
    let option = std.option();
    let ty = match field.presence() {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote!(#option<#ty>),
        Presence::OptionalNullable => quote!(#option<#option<#ty>>),
    };
    quote! {
        #docs
        pub #name: #ty,
    }
}

fn emit_enum(
    std: Std,
    name: &proc_macro2::Ident,
    def: &EnumDef,
    docs: TokenStream,
    cfg: &TokenStream,
) -> Vec<TokenStream> {
    let variants: Vec<_> = def.variants.iter().map(|v| ident(&v.rust_name)).collect();
    // The impls (conversions, `Display`, serde) come from the runtime's macros.
    match def.repr {
        EnumRepr::String => {
            let string = std.string();
            let wires: Vec<&str> = def.variants.iter().map(|v| v.wire_name.as_str()).collect();
            // Serde goes through `String`, so only JSON strings are accepted (a derive with an
            // untagged catch-all would also take `{"FREE": null}`), and unknown values survive.
            vec![
                quote! {
                    #cfg
                    #docs
                    #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
                    pub enum #name {
                        #(#variants,)*
                        /// A value this version of the API description does not know.
                        Unknown(#string),
                    }
                },
                quote!(rt::string_enum!(#cfg #name { #(#variants = #wires),* });),
            ]
        }
        EnumRepr::Integer => {
            let values = def.variants.iter().map(|v| {
                let value: i64 = v.wire_name.parse().unwrap_or_default();
                proc_macro2::Literal::i64_unsuffixed(value)
            });
            vec![
                quote! {
                    #cfg
                    #docs
                    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
                    pub enum #name {
                        #(#variants,)*
                        /// A value this version of the API description does not know.
                        Unknown(i64),
                    }
                },
                quote!(rt::integer_enum!(#cfg #name { #(#variants = #values),* });),
            ]
        }
    }
}

/// A discriminated union. The variant structs keep the tag property when the spec lists it, so
/// serde's internal tagging (which removes the tag before the variant sees it) cannot be used:
/// the runtime reads the tag from the JSON object and hands the whole object to the variant.
fn emit_tagged(
    api: &Api,
    std: Std,
    name: &proc_macro2::Ident,
    def: &TaggedDef,
    docs: TokenStream,
) -> Vec<TokenStream> {
    let (result, err) = (std.result(), std.err());
    let tag = &def.tag;
    let variants: Vec<_> = def.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let types: Vec<_> = def
        .variants
        .iter()
        .map(|v| boxed_if(std, v.boxed, rust_type(api, &v.ty, ModelPath::Local)))
        .collect();
    let first_values: Vec<&str> = def
        .variants
        .iter()
        .map(|v| v.tag_values[0].as_str())
        .collect();
    // Each value selects the readable variants that keep it, in order (lowering has reported
    // the variants that can never be read); a value several variants share is buffered and
    // tried as each in turn. Values that select the same variants share an arm.
    let mut all_values: Vec<&str> = Vec::new();
    let mut selected: Vec<Vec<usize>> = Vec::new();
    for v in &def.variants {
        for value in &v.tag_values {
            if v.readable && !all_values.contains(&value.as_str()) {
                all_values.push(value);
                selected.push(
                    def.variants
                        .iter()
                        .enumerate()
                        .filter(|(_, w)| w.readable && w.tag_values.contains(value))
                        .map(|(index, _)| index)
                        .collect(),
                );
            }
        }
    }
    let mut arms: Vec<(Vec<&str>, &Vec<usize>)> = Vec::new();
    for (value, choice) in all_values.iter().zip(&selected) {
        match arms.iter_mut().find(|(_, c)| *c == choice) {
            Some((values, _)) => values.push(value),
            None => arms.push((vec![value], choice)),
        }
    }
    let match_arms: Vec<TokenStream> = arms
        .iter()
        .map(|(values, choice)| match choice.as_slice() {
            [only] => {
                let variant = &variants[*only];
                quote!(#(#values)|* => ::serde::Deserialize::deserialize(deserializer).map(Self::#variant),)
            }
            several => {
                let tries = several
                    .iter()
                    .map(|index| {
                        let variant = &variants[*index];
                        quote!(rt::__private::try_variant(&value).map(Self::#variant))
                    })
                    .reduce(|chain, next| quote!(#chain.or_else(|_| #next)));
                quote! {
                    #(#values)|* => {
                        let value = rt::__private::buffer_variant(deserializer)?;
                        #tries.map_err(::serde::de::Error::custom)
                    }
                }
            }
        })
        .collect();
    // How each variant writes the tag: a struct that declares it as a required property writes
    // it itself; a struct without it gets it written first; anything else (an optional tag
    // property, a map of other keys that may hold it, a non-struct variant) goes through a
    // `serde_json::Value`, where the tag is added only when missing.
    let writes: Vec<TokenStream> = def
        .variants
        .iter()
        .zip(&first_values)
        .map(|(v, value)| match tag_written(api, &v.ty, tag) {
            Some(written) => quote!(rt::__private::serialize_tagged(serializer, Self::TAG, #value, inner, #written)),
            None => quote!(rt::__private::serialize_tagged_value(serializer, Self::TAG, #value, inner)),
        })
        .collect();
    let doc_tag = format!("Tagged by the `{tag}` property.");
    let tag_doc = doc_attrs(&[Some(&doc_tag)]);
    vec![
        quote! {
            #docs
            #tag_doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name {
                #(#variants(#types),)*
            }
        },
        quote! {
            impl #name {
                /// The discriminator property's name.
                pub const TAG: &'static str = #tag;

                /// The discriminator value of this variant.
                pub fn tag(&self) -> &'static str {
                    match self {
                        #(Self::#variants(_) => #first_values,)*
                    }
                }
            }
        },
        quote! {
            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                    match self {
                        #(Self::#variants(inner) => #writes,)*
                    }
                }
            }
        },
        quote! {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                    rt::__private::read_tagged(deserializer, Self::TAG)
                }
            }
        },
        quote! {
            impl<'de> rt::__private::ReadTagged<'de> for #name {
                fn read_variant<D: ::serde::Deserializer<'de>>(tag: &str, deserializer: D) -> #result<Self, D::Error> {
                    match tag {
                        #(#match_arms)*
                        _ => #err(::serde::de::Error::unknown_variant(tag, &[#(#all_values),*])),
                    }
                }
            }
        },
    ]
}

/// Whether a variant of type `ty` writes the tag property itself (`Some(true)`: a struct that
/// declares it as required), surely does not (`Some(false)`: a struct without it and without
/// additional properties), or may (`None`).
fn tag_written(api: &Api, ty: &Type, tag: &str) -> Option<bool> {
    let Type::Named(id) = ty else { return None };
    let TypeKind::Struct(def) = &api.types.get(*id).kind else {
        return None;
    };
    match def.fields.iter().find(|f| f.wire_name == tag) {
        Some(field) => (field.presence() == Presence::Required).then_some(true),
        None => def.additional.is_none().then_some(false),
    }
}

fn emit_untagged(
    api: &Api,
    std: Std,
    name: &proc_macro2::Ident,
    variants: &[UnionVariant],
    docs: TokenStream,
    literals: &BTreeMap<String, String>,
) -> TokenStream {
    let variants = variants.iter().map(|v| {
        let name = ident(&v.rust_name);
        match v.literal.as_ref().and_then(|value| literals.get(value)) {
            // A unit variant that reads and writes its one string.
            Some(module) => {
                let with = format!("__literal::{module}");
                quote!(#[serde(with = #with)] #name)
            }
            None => {
                let ty = boxed_if(std, v.boxed, rust_type(api, &v.ty, ModelPath::Local));
                quote!(#name(#ty))
            }
        }
    });
    let (ser, de) = (std.serialize(), std.deserialize());
    let note = doc_attrs(&[Some(
        "The first variant that accepts the JSON is chosen, most specific first.",
    )]);
    quote! {
        #docs
        #note
        #[derive(Debug, Clone, PartialEq, #ser, #de)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants,)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::byte_order;

    /// Following the table from its last entry visits every field once, in byte order.
    #[test]
    fn byte_order_lists_each_fields_successor() {
        let names = ["name", "id", "Zone", "created_at", "créé", "created"];
        let order = byte_order(&names).unwrap();
        let mut visited = Vec::new();
        let mut at = usize::from(order[names.len()]);
        while at < names.len() {
            visited.push(names[at]);
            at = usize::from(order[at]);
        }
        let mut sorted = names.to_vec();
        sorted.sort();
        assert_eq!(visited, sorted);
        assert_eq!(visited[0], "Zone", "bytes, not letters: upper case first");
    }

    #[test]
    fn byte_order_is_left_out_when_it_adds_nothing() {
        assert_eq!(byte_order(&[]), None);
        assert_eq!(byte_order(&["only"]), None);
        assert_eq!(byte_order(&["a", "b", "c"]), None, "already sorted");
        let many: Vec<String> = (0..300).map(|i| format!("f{}", 1000 - i)).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(byte_order(&many), None, "indices past a byte");
        assert_eq!(byte_order(&many[..254]).map(|order| order.len()), Some(255));
    }
}
