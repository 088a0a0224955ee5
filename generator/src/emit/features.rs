//! `#[cfg(feature = ...)]` attributes for per-tag features in standalone crates.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Reach};

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
    match reach {
        Reach::All => TokenStream::new(),
        Reach::Unreferenced => quote!(#[cfg(feature = #UNREFERENCED_FEATURE)]),
        Reach::Tags(tags) => cfg_any(tags.iter().map(|t| tag_feature(api, t)).collect()),
    }
}

/// `#[cfg(feature = "a")]` for one feature, `#[cfg(any(...))]` for several.
fn cfg_any(features: Vec<String>) -> TokenStream {
    match features.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        _ => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}

/// The cfg for an operation: any of its tags enables it.
pub fn operation_cfg(api: &Api, tags: &[String]) -> TokenStream {
    if api.tags.len() <= 1 {
        return TokenStream::new();
    }
    cfg_any(tags.iter().map(|t| tag_feature(api, t)).collect())
}
