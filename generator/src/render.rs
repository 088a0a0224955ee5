//! Turns emitted token streams into formatted source text with the `@generated` header, one
//! worker thread per core, timing each phase.

mod nested;

use std::cell::Cell;
use std::time::{Duration, Instant};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::emit::{Chunk, EmitJob};
use crate::OutputFile;

/// The first line of every generated file; xtask recognises generated files by it.
pub const GENERATED_MARKER: &str = "// @generated";

/// The header naming the command and the spec a file came from.
pub fn header(spec_label: &str) -> String {
    format!("{GENERATED_MARKER} by `cargo xtask generate` from {spec_label} — do not edit.\n")
}

/// Every rendered file of one API, and the time spent building tokens and formatting them.
pub struct Rendered {
    pub files: Vec<OutputFile>,
    /// Building token streams, summed over the files.
    pub emit: Duration,
    /// Parsing and pretty-printing them, summed over the files.
    pub format: Duration,
}

/// A rendered file with the time spent emitting and formatting it.
type RenderedFile = Result<(OutputFile, Duration, Duration), String>;

/// Runs every emitter and renders its file.
///
/// The files are independent, so they are emitted and formatted on worker threads (token
/// streams cannot cross threads; the finished text can). One worker per core takes the next
/// file, largest first: more threads than cores would only hold more token streams in memory at
/// once. The output does not depend on timing: files come back in the jobs' order.
pub fn render_files(spec_label: &str, mut jobs: Vec<EmitJob<'_>>) -> Result<Rendered, String> {
    jobs.sort_by_key(|job| std::cmp::Reverse(job.size_hint));
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let run = |index: usize| -> RenderedFile {
        let job = &jobs[index];
        let started = Instant::now();
        // Tokens are built as they are formatted; the time spent building them is summed
        // apart.
        let emitting = Cell::new(Duration::ZERO);
        let chunks = timed(&emitting, || (job.emit)());
        let chunks = Timed {
            inner: chunks,
            spent: &emitting,
        };
        let contents = render_file(spec_label, chunks, &emitting)?;
        let emitted = emitting.get();
        let formatted = started.elapsed().saturating_sub(emitted);
        let file = OutputFile {
            path: job.path.clone(),
            contents,
        };
        Ok((file, emitted, formatted))
    };
    let mut rendered: Vec<(usize, RenderedFile)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if index >= jobs.len() {
                            break done;
                        }
                        done.push((index, run(index)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("an emitter thread panicked"))
            .collect()
    });
    rendered.sort_by_key(|(index, _)| *index);
    let mut files = Vec::new();
    let (mut emit, mut format) = (Duration::ZERO, Duration::ZERO);
    for (_, result) in rendered {
        let (file, emitted, formatted) = result?;
        files.push(file);
        emit += emitted;
        format += formatted;
    }
    Ok(Rendered {
        files,
        emit,
        format,
    })
}

/// Runs `f`, adding the time it took to `spent`.
fn timed<T>(spent: &Cell<Duration>, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = f();
    spent.set(spent.get() + started.elapsed());
    value
}

/// An iterator that adds the time its items take to build to `spent`.
struct Timed<'s, I> {
    inner: I,
    spent: &'s Cell<Duration>,
}

impl<I: Iterator> Iterator for Timed<'_, I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        timed(self.spent, || self.inner.next())
    }
}

/// Parses, pretty-prints and stamps one Rust file, given as chunks of tokens; the time spent
/// building nested parts is added to `emitting`.
///
/// Each chunk is built only once the previous one is formatted, and formatted one top-level item
/// (or, for a [`Nested`](crate::emit::Nested) item, one batch of its parts) at a time:
/// prettyplease prints items back to back, so the text is the same as for the whole file, while
/// only one item's tokens and syntax tree are alive at a time (the whole-file tokens and tree of a
/// large API are hundreds of megabytes each).
fn render_file<'a>(
    spec_label: &str,
    chunks: impl Iterator<Item = Chunk<'a>>,
    emitting: &Cell<Duration>,
) -> Result<String, String> {
    let mut text = header(spec_label);
    for chunk in chunks {
        match chunk {
            Chunk::Items(tokens) => render_items(&mut text, tokens)?,
            Chunk::Nested(mut item) => {
                item.parts = Box::new(Timed {
                    inner: item.parts,
                    spent: emitting,
                });
                nested::render_nested(&mut text, item)?;
            }
        }
    }
    Ok(text)
}

/// Formats whole top-level items (led, in a file's first chunk, by its inner attributes) onto
/// `text`, one item at a time as the tokens are consumed.
fn render_items(text: &mut String, tokens: TokenStream) -> Result<(), String> {
    let mut render = |chunk: Vec<TokenTree>| -> Result<(), String> {
        text.push_str(&format_items(chunk.into_iter().collect())?);
        Ok(())
    };
    let mut trees = tokens.into_iter().peekable();
    // Inner attributes (`#![...]`, including `//!` docs) come first and form their own chunk.
    // Each is taken `#` by `#`, looking at most two trees ahead (a spec's description can be
    // thousands of `//!` lines: cloning the rest of the stream to look ahead was quadratic).
    let mut inner: Vec<TokenTree> = Vec::new();
    // The `#` of an outer attribute, once seen: it starts the first item.
    let mut current: Vec<TokenTree> = Vec::new();
    while matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
        let hash = trees.next();
        if !matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
            current.extend(hash);
            break;
        }
        let bang = trees.next();
        let group = trees.next();
        inner.extend([hash, bang, group].into_iter().flatten());
    }
    if !inner.is_empty() {
        render(inner)?;
    }
    // An item ends at a top-level `;`, or at a top-level `{...}` group not followed by `;` (so
    // `use a::{b, c};` stays whole). Attributes (`#[...]`) stay with the item they precede.
    while let Some(tree) = trees.next() {
        let ends_item = match &tree {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        current.push(tree);
        if ends_item {
            render(std::mem::take(&mut current))?;
        }
    }
    if !current.is_empty() {
        render(current)?;
    }
    Ok(())
}

/// Parses tokens as a file's items and pretty-prints them.
///
/// A parse failure is a generator bug, not a spec problem, so it is reported as such with the
/// offending text for the bug report.
fn format_items(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens.clone()).map_err(|e| {
        format!("internal error: emitted code does not parse ({e}); please report it with the spec.\n{tokens}")
    })?;
    Ok(prettyplease::unparse(&file))
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
        assert_renders_whole(tokens);
    }

    /// Many inner doc lines (a spec's long description), then an item that starts with an
    /// attribute, and a file with no inner attributes at all.
    #[test]
    fn inner_docs_then_an_attributed_item() {
        let docs = (0..2_000).map(|i| format!("Line {i} of the description."));
        assert_renders_whole(quote! {
            #(#![doc = #docs])*
            /// A struct.
            #[derive(Debug)]
            pub struct A;
        });
        assert_renders_whole(quote!(
            #[derive(Debug)]
            pub struct A;
        ));
    }

    fn assert_renders_whole(tokens: proc_macro2::TokenStream) {
        let whole = {
            let file: syn::File = syn::parse2(tokens.clone()).expect("test tokens parse");
            format!(
                "{}{}",
                super::header("x.yaml"),
                prettyplease::unparse(&file)
            )
        };
        let chunks = Box::new(std::iter::once(crate::emit::Chunk::Items(tokens)));
        let rendered = render_file("x.yaml", chunks, &Default::default()).expect("renders");
        assert_eq!(rendered, whole);
    }
}
