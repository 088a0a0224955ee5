//! Turns emitted token streams into formatted source text with the `@generated` header, one
//! worker thread per core, timing each phase.

use std::time::{Duration, Instant};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::emit::EmitJob;
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
        let tokens = (job.emit)();
        let emitted = started.elapsed();
        let contents = render_file(spec_label, tokens)?;
        let formatted = started.elapsed() - emitted;
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

/// Parses, pretty-prints and stamps one Rust file.
///
/// The file is formatted one top-level item at a time, as the tokens are consumed: prettyplease
/// prints items back to back, so the text is the same as for the whole file, while only the
/// file's remaining tokens and one item's syntax tree are alive at a time (the whole-file tree
/// of a large API is hundreds of megabytes).
///
/// A parse failure is a generator bug, not a spec problem, so it is reported as such with the
/// offending text for the bug report.
pub fn render_file(spec_label: &str, tokens: TokenStream) -> Result<String, String> {
    let mut text = header(spec_label);
    let mut render = |chunk: Vec<TokenTree>| -> Result<(), String> {
        let chunk: TokenStream = chunk.into_iter().collect();
        let file: syn::File = syn::parse2(chunk.clone()).map_err(|e| {
            format!("internal error: emitted code does not parse ({e}); please report it with the spec.\n{chunk}")
        })?;
        text.push_str(&prettyplease::unparse(&file));
        Ok(())
    };
    let mut trees = tokens.into_iter().peekable();
    // Inner attributes (`#![...]`, including `//!` docs) come first and form their own chunk.
    let mut current: Vec<TokenTree> = Vec::new();
    while matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
        let mut lookahead = trees.clone();
        let hash = lookahead.next();
        let bang = lookahead.next();
        let group = lookahead.next();
        match (&bang, &group) {
            (Some(TokenTree::Punct(b)), Some(TokenTree::Group(g)))
                if b.as_char() == '!' && g.delimiter() == Delimiter::Bracket =>
            {
                current.extend([hash, bang, group].into_iter().flatten());
                trees = lookahead;
            }
            _ => break,
        }
    }
    if !current.is_empty() {
        render(std::mem::take(&mut current))?;
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
    Ok(text)
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
