//! Turns emitted token streams into formatted source text with the `@generated` header.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// The first line of every generated file; xtask recognises generated files by it.
pub const GENERATED_MARKER: &str = "// @generated";

/// The header naming the command and the spec a file came from.
pub fn header(spec_label: &str) -> String {
    format!("{GENERATED_MARKER} by `cargo xtask generate` from {spec_label} — do not edit.\n")
}

/// Parses, pretty-prints and stamps one Rust file.
///
/// The file is formatted one top-level item at a time: prettyplease prints items back to back,
/// so the text is the same as for the whole file, while the syntax tree of only one item is
/// alive at a time (the whole-file tree of a large API is hundreds of megabytes).
///
/// A parse failure is a generator bug, not a spec problem, so it is reported as such with the
/// offending text for the bug report.
pub fn render_file(spec_label: &str, tokens: TokenStream) -> Result<String, String> {
    let mut text = header(spec_label);
    for chunk in split_items(tokens) {
        let file: syn::File = syn::parse2(chunk.clone()).map_err(|e| {
            format!("internal error: emitted code does not parse ({e}); please report it with the spec.\n{chunk}")
        })?;
        text.push_str(&prettyplease::unparse(&file));
    }
    Ok(text)
}

/// Splits a file's tokens into its inner attributes, then one chunk per top-level item.
///
/// An item ends at a top-level `;`, or at a top-level `{...}` group not followed by `;` (so
/// `use a::{b, c};` stays whole). Attributes (`#[...]`) stay with the item they precede.
fn split_items(tokens: TokenStream) -> Vec<TokenStream> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut chunks = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut index = 0;
    // Inner attributes (`#![...]`, including `//!` docs) come first and form their own chunk.
    while let [TokenTree::Punct(hash), TokenTree::Punct(bang), TokenTree::Group(group), ..] =
        &trees[index..]
    {
        if hash.as_char() != '#' || bang.as_char() != '!' || group.delimiter() != Delimiter::Bracket
        {
            break;
        }
        current.extend(trees[index..index + 3].iter().cloned());
        index += 3;
    }
    if !current.is_empty() {
        chunks.push(std::mem::take(&mut current).into_iter().collect());
    }
    while index < trees.len() {
        let tree = &trees[index];
        current.push(tree.clone());
        index += 1;
        let ends_item = match tree {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(trees.get(index), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        if ends_item {
            chunks.push(std::mem::take(&mut current).into_iter().collect());
        }
    }
    if !current.is_empty() {
        chunks.push(current.into_iter().collect());
    }
    chunks
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::render_file;

    /// Item-by-item formatting must print exactly what formatting the whole file prints.
    #[test]
    fn item_by_item_equals_whole_file() {
        let tokens = quote! {
            #![allow(dead_code)]
            //! Module docs.
            use super::{model, operations::*};
            /// A struct.
            #[derive(Debug)]
            pub struct A { pub x: i32 }
            impl A { pub fn x(&self) -> i32 { self.x } }
            pub const NAMES: &[&str] = &["a", "b"];
            pub type B = ::std::vec::Vec<A>;
            pub struct T(pub u8);
            #[cfg(feature = "x")]
            const _: () = { impl A { fn y() {} } };
            pub trait Api: Send { fn get(&self) -> impl ::std::future::Future<Output = ()> + Send; }
            async fn handle<A: Api>(api: A) -> Result<(), ()> { let reply = match 1 { _ => () }; Ok(reply) }
        };
        let whole = {
            let file: syn::File = syn::parse2(tokens.clone()).expect("test tokens parse");
            format!(
                "{}{}",
                super::header("x.yaml"),
                prettyplease::unparse(&file)
            )
        };
        assert_eq!(render_file("x.yaml", tokens).expect("renders"), whole);
    }
}
