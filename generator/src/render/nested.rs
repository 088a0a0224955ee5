//! Formats an item with a long run of parts (the methods of an `impl` block or a trait, the
//! elements of an array) a batch of parts at a time, so that neither its tokens nor its syntax
//! tree are ever whole in memory (Microsoft Graph's `impl Client` is the whole 16 MB `client.rs`).
//!
//! prettyplease lays out each part of a broken block (every block of items is broken, and so is
//! any array too long for one line) from its indentation and its own tokens alone. So the item
//! is formatted once around a marker part, which gives the text before and after the run, and
//! each batch between two markers, which gives the batch's lines: the same text as formatting the
//! whole item (unit tests hold it to that, and a batch whose surroundings come out different is
//! an internal error rather than a silent difference). A short run is formatted whole: only a
//! long one is sure to be broken.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::emit::{Nested, PartKind};

/// Parts formatted together. Each batch re-formats the item around it, so a batch is large
/// beside that (an `impl Client` holds a dozen fixed methods) and still small in memory.
const BATCH: usize = 256;

/// The marker before a batch's parts.
const OPEN: &str = "__openapi_gen_batch_opens";
/// The marker after a batch's parts.
const CLOSE: &str = "__openapi_gen_batch_closes";

/// Formats `item` onto `text`, one batch of parts at a time.
pub(super) fn render_nested(text: &mut String, item: Nested<'_>) -> Result<(), String> {
    let Nested {
        kind,
        wrap,
        mut parts,
    } = item;
    let first: Vec<TokenStream> = parts.by_ref().take(BATCH).collect();
    if first.len() < BATCH {
        return super::render_items(text, wrap(first.into_iter().collect()));
    }
    let frame = super::format_items(wrap(marker(kind, OPEN)))?;
    let (open_start, open_end) = marker_lines(&frame, OPEN, false)?;
    let (before, after) = (&frame[..open_start], &frame[open_end..]);
    text.push_str(before);
    let mut batch = first;
    while !batch.is_empty() {
        let mut tokens = marker(kind, OPEN);
        tokens.extend(batch);
        tokens.extend(marker(kind, CLOSE));
        let formatted = super::format_items(wrap(tokens))?;
        let (open_start, open_end) = marker_lines(&formatted, OPEN, false)?;
        let (close_start, close_end) = marker_lines(&formatted, CLOSE, true)?;
        if &formatted[..open_start] != before || &formatted[close_end..] != after {
            return Err(format!(
                "internal error: formatting an item's parts in batches changed the text around them ({kind:?}); please report it with the spec.\n{formatted}"
            ));
        }
        text.push_str(&formatted[open_end..close_start]);
        batch = parts.by_ref().take(BATCH).collect();
    }
    text.push_str(after);
    Ok(())
}

/// A part of the given kind that names `marker` and prints on one line of its own (an array's
/// marker is long enough that an array of it alone does not fit on one line).
fn marker(kind: PartKind, marker: &str) -> TokenStream {
    match kind {
        PartKind::ImplItems => {
            let name = Ident::new(marker, Span::call_site());
            quote!(fn #name() {})
        }
        PartKind::TraitItems => {
            let name = Ident::new(marker, Span::call_site());
            quote!(fn #name();)
        }
        PartKind::Elements => {
            let name = Ident::new(&format!("{marker}{}", "_".repeat(100)), Span::call_site());
            quote!(#name,)
        }
    }
}

/// The byte range of the line naming `marker` (its first, or with `last` its last, mention:
/// the parts between the markers may name anything), newline included.
fn marker_lines(text: &str, marker: &str, last: bool) -> Result<(usize, usize), String> {
    let at = if last {
        text.rfind(marker)
    } else {
        text.find(marker)
    }
    .ok_or_else(|| format!("internal error: a formatted batch lost its marker `{marker}`"))?;
    let start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
    let end = text[at..]
        .find('\n')
        .map_or(text.len(), |newline| at + newline + 1);
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use proc_macro2::{Literal, TokenStream};
    use quote::{format_ident, quote};

    use super::{render_nested, BATCH};
    use crate::emit::{Nested, PartKind};

    /// Parts of every shape the emitters give (attributes, docs, short and long lines), more of
    /// them than one batch holds.
    fn parts(kind: PartKind) -> Vec<TokenStream> {
        (0..BATCH * 2 + 7)
            .map(|i| {
                let name = format_ident!("part_{}{}", i, "x".repeat(i % 90));
                let doc = format!(" Part {i}.{}", " More words.".repeat(i % 13));
                let text = "a".repeat(i % 70);
                let cfg = (i % 3 == 0).then(|| quote!(#[cfg(feature = "tag-x")]));
                let number = Literal::usize_unsuffixed(i);
                match kind {
                    PartKind::ImplItems => quote! {
                        #cfg
                        #[doc = #doc]
                        pub fn #name(&self, first: &str, second: Option<u32>) -> Result<(), String> {
                            let _ = (first, second, #text, #number);
                            Ok(())
                        }
                    },
                    PartKind::TraitItems => quote! {
                        #cfg
                        #[doc = #doc]
                        fn #name(self: Arc<Self>, input: Input) -> impl Future<Output = Response> + Send;
                    },
                    PartKind::Elements => quote!(#cfg (#text, GET, #name, &[#number, 1, 2]),),
                }
            })
            .collect()
    }

    fn wrap(kind: PartKind) -> impl Fn(TokenStream) -> TokenStream {
        move |parts| match kind {
            PartKind::ImplItems => quote! {
                /// Docs.
                impl Client {
                    pub fn new() -> Self { Self }
                    #parts
                }
            },
            PartKind::TraitItems => quote! {
                pub trait Api: Send + Sync + 'static { #parts }
            },
            PartKind::Elements => quote! {
                pub fn router<A: Api>(api: A) -> Router {
                    let routes: &[Route<A>] = &[#parts];
                    rt::router(api, routes)
                }
            },
        }
    }

    /// Batch by batch must print exactly what formatting the whole item prints, for every kind of
    /// part and for runs shorter and longer than a batch.
    #[test]
    fn batches_equal_the_whole_item() {
        for kind in [
            PartKind::ImplItems,
            PartKind::TraitItems,
            PartKind::Elements,
        ] {
            for count in [0, 1, 3, BATCH - 1, BATCH, BATCH + 1, BATCH * 2 + 7] {
                let parts: Vec<TokenStream> = parts(kind).into_iter().take(count).collect();
                let file: syn::File =
                    syn::parse2(wrap(kind)(parts.iter().cloned().collect())).expect("parses");
                let whole = prettyplease::unparse(&file);
                let mut text = String::new();
                render_nested(
                    &mut text,
                    Nested {
                        kind,
                        wrap: Box::new(wrap(kind)),
                        parts: Box::new(parts.into_iter()),
                    },
                )
                .expect("renders");
                assert_eq!(text, whole, "{kind:?}, {count} parts");
            }
        }
    }
}
