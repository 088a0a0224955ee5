//! Emits `model.rs`: one serde type per schema (structs, enums, unions, aliases).

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{doc_attrs, ident, module_allows, rust_type, ModelPath};
use super::features::reach_cfg;
use crate::ir::{
    Api, EnumDef, EnumRepr, Field, Presence, StructDef, TaggedDef, TypeDef, TypeKind, UnionVariant,
};

pub fn emit_model(api: &Api, tag_features: bool) -> TokenStream {
    let allows = module_allows();
    let defs = api.types.defs.iter().map(|def| {
        let cfg = if tag_features {
            reach_cfg(api, &def.reach)
        } else {
            TokenStream::new()
        };
        let body = emit_def(api, def);
        if cfg.is_empty() {
            return body;
        }
        // A definition can be several items (an enum and its impls); each needs the cfg.
        let items = syn::parse2::<syn::File>(body)
            .expect("emitted definitions are valid items")
            .items;
        quote!(#(#cfg #items)*)
    });
    quote! {
        #allows
        //! The data types of the API: one per schema, shared by the client and the server.
        #(#defs)*
    }
}

fn emit_def(api: &Api, def: &TypeDef) -> TokenStream {
    let name = ident(&def.rust_name);
    let location = format!("Schema: `{}`.", def.pointer.trim_start_matches('#'));
    let docs = doc_attrs(&[def.doc.as_deref(), Some(&location)]);
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(api, &name, s, docs),
        TypeKind::Enum(e) => emit_enum(&name, e, docs),
        TypeKind::Tagged(t) => emit_tagged(api, &name, t, docs),
        TypeKind::Untagged(variants) => emit_untagged(api, &name, variants, docs),
        TypeKind::Alias(ty) => {
            let ty = rust_type(api, ty, ModelPath::Local);
            quote!(#docs pub type #name = #ty;)
        }
    }
}

fn emit_struct(
    api: &Api,
    name: &proc_macro2::Ident,
    def: &StructDef,
    docs: TokenStream,
) -> TokenStream {
    let fields = def.fields.iter().map(|f| emit_field(api, f));
    let extra = def.additional.as_ref().map(|ty| {
        let ty = rust_type(api, ty, ModelPath::Local);
        quote! {
            /// Properties not declared in the schema.
            #[serde(flatten)]
            pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #ty>,
        }
    });
    // `Default` is offered when every field can be empty, so callers can use `..Default::default()`.
    let defaultable = def
        .fields
        .iter()
        .all(|f| f.presence() != Presence::Required);
    let default = defaultable.then(|| quote!(Default,));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #extra
        }
    }
}

fn emit_field(api: &Api, field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let mut ty = rust_type(api, &field.ty, ModelPath::Local);
    if field.boxed {
        ty = quote!(::std::boxed::Box<#ty>);
    }
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
    let rename = (crate::names::bare(&field.rust_name) != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote!(#[serde(rename = #wire)])
    });
    let (attrs, ty) = match field.presence() {
        Presence::Required => (TokenStream::new(), ty),
        // serde fills a missing `Option` field with `None`; deserializing through the trait
        // directly turns that off, so a required property may be `null` but not absent.
        Presence::RequiredNullable => (
            quote!(#[serde(deserialize_with = "::serde::Deserialize::deserialize")]),
            quote!(::std::option::Option<#ty>),
        ),
        Presence::Optional => (
            quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
            quote!(::std::option::Option<#ty>),
        ),
        Presence::OptionalNullable => (
            quote!(#[serde(
                default,
                skip_serializing_if = "::std::option::Option::is_none",
                with = "super::runtime::double_option"
            )]),
            quote!(::std::option::Option<::std::option::Option<#ty>>),
        ),
    };
    quote! {
        #docs
        #rename
        #attrs
        pub #name: #ty,
    }
}

fn emit_enum(name: &proc_macro2::Ident, def: &EnumDef, docs: TokenStream) -> TokenStream {
    let variants: Vec<_> = def.variants.iter().map(|v| ident(&v.rust_name)).collect();
    match def.repr {
        EnumRepr::String => {
            let wires: Vec<&str> = def.variants.iter().map(|v| v.wire_name.as_str()).collect();
            // Hand-written serde impls: a derive with an untagged catch-all would also accept
            // `{"FREE": null}`; this accepts JSON strings only.
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #(#variants,)*
                    /// A value this version of the API description does not know.
                    Unknown(::std::string::String),
                }

                impl #name {
                    /// The value as sent on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #(Self::#variants => #wires,)*
                            Self::Unknown(other) => other,
                        }
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                        ::std::result::Result::Ok(match value.as_str() {
                            #(#wires => Self::#variants,)*
                            _ => Self::Unknown(value),
                        })
                    }
                }
            }
        }
        EnumRepr::Integer => {
            let values: Vec<i64> = def
                .variants
                .iter()
                .map(|v| v.wire_name.parse().unwrap_or_default())
                .collect();
            quote! {
                #docs
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(from = "i64", into = "i64")]
                pub enum #name {
                    #(#variants,)*
                    /// A value this version of the API description does not know.
                    Unknown(i64),
                }

                impl ::std::convert::From<i64> for #name {
                    fn from(value: i64) -> Self {
                        match value {
                            #(#values => Self::#variants,)*
                            other => Self::Unknown(other),
                        }
                    }
                }

                impl ::std::convert::From<#name> for i64 {
                    fn from(value: #name) -> Self {
                        match value {
                            #(#name::#variants => #values,)*
                            #name::Unknown(other) => other,
                        }
                    }
                }
            }
        }
    }
}

/// A discriminated union. The variant structs keep the tag property when the spec lists it, so
/// serde's internal tagging (which removes the tag before the variant sees it) cannot be used:
/// the runtime reads the tag from the JSON object and hands the whole object to the variant.
fn emit_tagged(
    api: &Api,
    name: &proc_macro2::Ident,
    def: &TaggedDef,
    docs: TokenStream,
) -> TokenStream {
    let tag = &def.tag;
    let variants: Vec<_> = def.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let types: Vec<_> = def
        .variants
        .iter()
        .map(|v| rust_type(api, &v.ty, ModelPath::Local))
        .collect();
    let first_values: Vec<&str> = def
        .variants
        .iter()
        .map(|v| v.tag_values[0].as_str())
        .collect();
    let all_values: Vec<&str> = def
        .variants
        .iter()
        .flat_map(|v| v.tag_values.iter().map(String::as_str))
        .collect();
    let match_arms = def.variants.iter().zip(&variants).map(|(v, variant)| {
        let values = &v.tag_values;
        quote!(#(#values)|* => super::runtime::from_tagged_value(value).map(Self::#variant),)
    });
    let doc_tag = format!("Tagged by the `{tag}` property.");
    let tag_doc = doc_attrs(&[Some(&doc_tag)]);
    quote! {
        #docs
        #tag_doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#variants(#types),)*
        }

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

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(inner) => super::runtime::serialize_tagged(serializer, Self::TAG, #first_values, inner),)*
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let (tag, value) = super::runtime::read_tagged::<D>(deserializer, Self::TAG)?;
                match tag.as_str() {
                    #(#match_arms)*
                    _ => ::std::result::Result::Err(<D::Error as ::serde::de::Error>::unknown_variant(&tag, &[#(#all_values),*])),
                }
            }
        }
    }
}

fn emit_untagged(
    api: &Api,
    name: &proc_macro2::Ident,
    variants: &[UnionVariant],
    docs: TokenStream,
) -> TokenStream {
    let names: Vec<_> = variants.iter().map(|v| ident(&v.rust_name)).collect();
    let types: Vec<_> = variants
        .iter()
        .map(|v| rust_type(api, &v.ty, ModelPath::Local))
        .collect();
    let note = doc_attrs(&[Some(
        "The first variant that accepts the JSON is chosen, most specific first.",
    )]);
    quote! {
        #docs
        #note
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#names(#types),)*
        }
    }
}
