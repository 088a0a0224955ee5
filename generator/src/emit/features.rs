//! `#[cfg(feature = ...)]` attributes for per-tag features in standalone crates.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Reach, Type};

/// The cargo feature that compiles the operations of a tag.
pub fn tag_feature(api: &Api, wire_tag: &str) -> String {
    let tag = api
        .tags
        .iter()
        .find(|t| t.wire_name == wire_tag)
        .expect("every operation tag is in Api::tags");
    format!("tag-{}", tag.feature_name)
}

/// The feature that compiles schemas no operation uses.
pub const UNREFERENCED_FEATURE: &str = "unreferenced-models";

/// `#[cfg(any(feature = "tag-a", ...))]` for a type, or nothing when every tag needs it.
pub fn reach_cfg(api: &Api, reach: &Reach) -> TokenStream {
    match reach_predicate(api, reach) {
        Some(predicate) => quote!(#[cfg(#predicate)]),
        None => TokenStream::new(),
    }
}

/// The `cfg` predicate under which a type is compiled; `None` when it always is.
fn reach_predicate(api: &Api, reach: &Reach) -> Option<TokenStream> {
    match reach {
        Reach::All => None,
        Reach::Unreferenced => Some(quote!(feature = #UNREFERENCED_FEATURE)),
        Reach::Tags(tags) => Some(any_predicate(
            tags.iter().map(|t| tag_feature(api, t)).collect(),
        )),
    }
}

/// The cfg for a type expression: every named type in it must be compiled.
pub fn type_cfg(api: &Api, ty: &Type) -> TokenStream {
    let mut ids = Vec::new();
    ty.named_ids(&mut ids);
    ids.sort();
    ids.dedup();
    let predicates: Vec<TokenStream> = ids
        .iter()
        .filter_map(|id| reach_predicate(api, &api.types.get(*id).reach))
        .collect();
    match predicates.as_slice() {
        [] => TokenStream::new(),
        [one] => quote!(#[cfg(#one)]),
        _ => quote!(#[cfg(all(#(#predicates),*))]),
    }
}

/// `cfg!(...)` that holds when every tag feature and the unreferenced-models feature are on.
pub fn every_feature(api: &Api) -> TokenStream {
    let features = api
        .tags
        .iter()
        .map(|t| format!("tag-{}", t.feature_name))
        .chain([UNREFERENCED_FEATURE.to_owned()]);
    quote!(cfg!(all(#(feature = #features),*)))
}

/// `#[cfg(feature = "a")]` for one feature, `#[cfg(any(...))]` for several.
fn cfg_any(features: Vec<String>) -> TokenStream {
    let predicate = any_predicate(features);
    quote!(#[cfg(#predicate)])
}

/// `feature = "a"` for one feature, `any(...)` for several.
fn any_predicate(features: Vec<String>) -> TokenStream {
    match features.as_slice() {
        [one] => quote!(feature = #one),
        _ => quote!(any(#(feature = #features),*)),
    }
}

/// The cfg for an operation: any of its tags enables it.
pub fn operation_cfg(api: &Api, tags: &[String]) -> TokenStream {
    if api.tags.len() <= 1 {
        return TokenStream::new();
    }
    cfg_any(tags.iter().map(|t| tag_feature(api, t)).collect())
}
