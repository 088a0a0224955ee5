//! Turns emitted token streams into formatted source text with the `@generated` header.

use proc_macro2::TokenStream;

/// The first line of every generated file; xtask recognises generated files by it.
pub const GENERATED_MARKER: &str = "// @generated";

/// The header naming the command and the spec a file came from.
pub fn header(spec_label: &str) -> String {
    format!("{GENERATED_MARKER} by `cargo xtask generate` from {spec_label} — do not edit.\n")
}

/// Parses, pretty-prints and stamps one Rust file.
///
/// A parse failure is a generator bug, not a spec problem, so it is reported as such with the
/// offending text for the bug report.
pub fn render_file(spec_label: &str, tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens.clone())
        .map_err(|e| format!("internal error: emitted code does not parse ({e}); please report it with the spec.\n{tokens}"))?;
    let mut text = header(spec_label);
    text.push_str(&prettyplease::unparse(&file));
    Ok(text)
}
