//! A file's tokens as a lazy sequence of chunks, built only as `render` formats them, so a large
//! API's file is never held as tokens all at once.
//!
//! Tokens cost about thirty times the text they print as (Microsoft Graph's 20 MB `model.rs`
//! was over 500 MB of tokens), so each emitter yields its file one top-level item (or a few) at a
//! time. The few items that hold a part per operation or per node (the client's `impl Client`,
//! the server's `Api` trait and route table, the validation table) are [`Nested`]: their parts
//! are produced and formatted a batch at a time as well.

use proc_macro2::TokenStream;

/// The chunks of one file, in order.
pub type Chunks<'a> = Box<dyn Iterator<Item = Chunk<'a>> + 'a>;

/// One piece of a file.
pub enum Chunk<'a> {
    /// Whole top-level items (the file's inner attributes and `//!` docs may open the first).
    Items(TokenStream),
    /// One top-level item whose body holds a run of parts too long to build at once.
    Nested(Nested<'a>),
}

/// A top-level item with a run of similar parts in its body: the methods of an `impl` block or a
/// trait, or the elements of an array.
pub struct Nested<'a> {
    /// What the parts are, which says how a part is framed on its own.
    pub kind: PartKind,
    /// The whole item, given the tokens of (some of) its parts.
    pub wrap: Box<dyn Fn(TokenStream) -> TokenStream + 'a>,
    /// The parts, in order; each array element carries its trailing comma.
    pub parts: Box<dyn Iterator<Item = TokenStream> + 'a>,
}

/// What the parts of a [`Nested`] item are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// Associated items of an `impl` block.
    ImplItems,
    /// Items of a trait definition.
    TraitItems,
    /// Elements of an array expression.
    Elements,
}

impl<'a> Chunk<'a> {
    /// An item whose parts are produced one at a time.
    pub fn nested(
        kind: PartKind,
        wrap: impl Fn(TokenStream) -> TokenStream + 'a,
        parts: impl Iterator<Item = TokenStream> + 'a,
    ) -> Self {
        Chunk::Nested(Nested {
            kind,
            wrap: Box::new(wrap),
            parts: Box::new(parts),
        })
    }

    /// The chunk as tokens, parts and all.
    pub fn into_tokens(self) -> TokenStream {
        match self {
            Chunk::Items(tokens) => tokens,
            Chunk::Nested(nested) => (nested.wrap)(nested.parts.collect()),
        }
    }
}

/// A file that is one chunk.
pub fn whole<'a>(tokens: TokenStream) -> Chunks<'a> {
    Box::new(std::iter::once(Chunk::Items(tokens)))
}

/// All of a file's tokens at once (for the single-file layout, which nests files as tokens).
pub fn into_tokens(chunks: Chunks<'_>) -> TokenStream {
    chunks.map(Chunk::into_tokens).collect()
}
