//! Diagnostics: what went wrong (or is doubtful) in a spec, where, and how to fix it.
//!
//! Every message the generator can report is built by one constructor below (the catalog),
//! so wording stays consistent and tests can pin it.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Valid input that the generator handles in a degraded way (e.g. falls back to `serde_json::Value`).
    Warning,
    /// Input the generator cannot turn into correct code.
    Error,
}

/// Line and column (both 1-based) of a node in the spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One finding about the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The spec file, as the user named it.
    pub file: String,
    /// JSON pointer of the offending node (`#/paths/~1organization/post`); empty for file-level errors.
    pub pointer: String,
    /// Where the node starts, when it could be located.
    pub position: Option<Position>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    fn new(severity: Severity, pointer: &str, message: String) -> Self {
        Self {
            severity,
            file: String::new(),
            pointer: pointer.to_owned(),
            position: None,
            message,
            hint: None,
        }
    }

    pub fn error(pointer: &str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, pointer, message.into())
    }

    pub fn warning(pointer: &str, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, pointer, message.into())
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// Renders in rustc's style: `error: message`, then `--> file:line:column`, the pointer and the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        match self.position {
            Some(p) => writeln!(f, "  --> {}:{}:{}", self.file, p.line, p.column)?,
            None => writeln!(f, "  --> {}", self.file)?,
        }
        if !self.pointer.is_empty() {
            writeln!(f, "   = at {}", self.pointer)?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "   = help: {hint}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of a run, errors and warnings alike.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Turns every warning into an error (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        for d in &mut self.0 {
            d.severity = Severity::Error;
        }
    }

    /// Sorts by position then pointer so reports are stable whatever order phases found them in.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (&a.file, a.position, &a.pointer, &a.message)
                .cmp(&(&b.file, b.position, &b.pointer, &b.message))
        });
        self.0.dedup();
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let errors = self.errors().count();
        let warnings = self.len() - errors;
        if errors > 0 {
            write!(
                f,
                "error: could not generate code: {errors} error(s), {warnings} warning(s)"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON pointer segment (RFC 6901: `~` then `/`).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape_segment`] (`~1` then `~0`, as RFC 6901 orders it).
pub fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Decodes one segment of a pointer taken from a URI fragment (`#/...` in a `$ref`): percent
/// escapes first (fragments may encode `{`, `}` or spaces), then pointer escapes.
pub fn decode_fragment_segment(segment: &str) -> String {
    unescape_segment(&percent_encoding::percent_decode_str(segment).decode_utf8_lossy())
}

/// Appends segments to a pointer.
pub fn join(pointer: &str, segments: &[&str]) -> String {
    let mut out = pointer.to_owned();
    for s in segments {
        out.push('/');
        out.push_str(&escape_segment(s));
    }
    out
}

/// The message catalog: one constructor per kind of finding.
pub mod catalog {
    use super::Diagnostic;

    pub fn syntax(message: &str) -> Diagnostic {
        Diagnostic::error("", format!("the spec is not valid YAML or JSON: {message}"))
    }

    pub fn not_openapi(message: &str) -> Diagnostic {
        Diagnostic::error(
            "",
            format!("the document is not a valid OpenAPI 3.0 description: {message}"),
        )
    }

    pub fn unsupported_version(found: &str) -> Diagnostic {
        Diagnostic::error(
            "#/openapi",
            format!("unsupported OpenAPI version `{found}`"),
        )
        .with_hint("this generator reads OpenAPI 3.0.x, 3.1.x and 3.2.x documents and Swagger 2.0")
    }

    pub fn swagger_version(found: &str) -> Diagnostic {
        Diagnostic::error(
            "#/swagger",
            format!("unsupported Swagger version `{found}`"),
        )
        .with_hint("Swagger documents are read in version 2.0 (`swagger: \"2.0\"`)")
    }

    /// A Swagger 2.0 document that breaks a rule of its specification, so it cannot be converted.
    pub fn swagger2_invalid(pointer: &str, problem: &str) -> Diagnostic {
        Diagnostic::error(pointer, format!("invalid Swagger 2.0: {problem}"))
            .with_hint("see https://swagger.io/specification/v2/")
    }

    /// A Swagger 2.0 construct with no exact OpenAPI 3.0 equivalent, converted to the closest one.
    pub fn swagger2_lossy(pointer: &str, what: &str, consequence: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("{what} has no OpenAPI 3.0 equivalent: {consequence}"),
        )
    }

    /// A 3.1 (JSON Schema 2020-12) construct with no 3.0 equivalent, read in a degraded way.
    pub fn unsupported_31(pointer: &str, what: &str, consequence: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("{what} has no equivalent in the generated types: {consequence}"),
        )
    }

    /// An OpenAPI 3.2 addition the generator cannot use where it is written.
    pub fn unsupported_32(pointer: &str, what: &str, consequence: &str) -> Diagnostic {
        Diagnostic::warning(pointer, format!("{what} (OpenAPI 3.2): {consequence}"))
    }

    /// A spot the 3.0 model refuses whose meaning is still plain, read as that meaning.
    pub fn repaired(pointer: &str, what: &str, reading: &str) -> Diagnostic {
        Diagnostic::warning(pointer, format!("{what}; {reading}"))
    }

    /// An integer constraint or enum value outside what a 64-bit integer holds.
    pub fn integer_out_of_range(pointer: &str, keyword: &str, value: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("`{keyword}: {value}` lies outside the 64-bit integer range and is ignored"),
        )
    }

    pub fn operation_ref(pointer: &str, target: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("the operation is given by `$ref` to `{target}`, which OpenAPI does not define; it is read in place"),
        )
        .with_hint("OpenAPI allows `$ref` for a whole path item, not for one operation; other tools may refuse this")
    }

    pub fn unknown_known_bad_example(pointer: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            "a known-bad example is named here, but there is no example",
        )
        .with_hint("drop the line from the known-bad examples, or correct its pointer")
    }

    pub fn example_mismatch(pointer: &str, declared: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("the example is not of the schema's type `{declared}`; it is not checked"),
        )
        .with_hint("write the example as the value itself, not as JSON text in a string")
    }

    pub fn inline_ref_cycle(pointer: &str, target: &str) -> Diagnostic {
        Diagnostic::error(
            pointer,
            format!("`$ref` to `{target}` includes itself"),
        )
        .with_hint("a path item, an operation or a map of properties given by `$ref` cannot contain a reference back to itself")
    }

    pub fn dangling_ref(pointer: &str, target: &str) -> Diagnostic {
        Diagnostic::error(pointer, format!("`$ref` target `{target}` does not exist"))
            .with_hint("check the spelling of the component name; names are case-sensitive")
    }

    pub fn unsupported_ref(pointer: &str, target: &str, expected: &str) -> Diagnostic {
        Diagnostic::error(
            pointer,
            format!("`$ref` `{target}` must point into `{expected}`"),
        )
    }

    pub fn external_ref(pointer: &str, target: &str) -> Diagnostic {
        Diagnostic::error(
            pointer,
            format!("external `$ref` `{target}` is not supported here"),
        )
        .with_hint("refer to another file by JSON pointer (`file.yaml#/components/schemas/X`) or as a whole (`file.yaml`); plain-name anchors (`#Pet`) are not followed")
    }

    pub fn external_missing(pointer: &str, target: &str, file: &str) -> Diagnostic {
        Diagnostic::error(
            pointer,
            format!("`$ref` `{target}` names a file that does not exist: `{file}`"),
        )
        .with_hint("a `$ref` path is relative to the file that contains the `$ref`")
    }

    pub fn external_not_file(pointer: &str, target: &str, file: &str) -> Diagnostic {
        Diagnostic::error(
            pointer,
            format!("`$ref` `{target}` names `{file}`, which is not a regular file"),
        )
    }

    pub fn external_outside(pointer: &str, target: &str, file: &str) -> Diagnostic {
        Diagnostic::error(
            pointer,
            format!("`$ref` `{target}` reaches `{file}`, outside the spec's directory"),
        )
        .with_hint("move the file next to the spec, or allow it with `--allow-external-refs-outside` (`Config::allow_external_refs_outside`)")
    }

    pub fn url_ref(pointer: &str, target: &str) -> Diagnostic {
        Diagnostic::error(
            pointer,
            format!("`$ref` `{target}` is a URL; remote references are not fetched"),
        )
        .with_hint("download the file next to the spec and refer to it by a relative path")
    }

    pub fn ref_cycle(pointer: &str, target: &str) -> Diagnostic {
        Diagnostic::error(
            pointer,
            format!("`$ref` cycle through `{target}` never reaches a concrete schema"),
        )
        .with_hint("one schema in the cycle must define properties or a type")
    }

    pub fn undeclared_path_param(pointer: &str, name: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("path template parameter `{{{name}}}` is not declared; it is read as a required string"),
        )
        .with_hint(format!(
            "add a parameter with `name: {name}` and `in: path` to the operation or its path item"
        ))
    }

    pub fn bad_pattern(pointer: &str, error: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("this `pattern` is not an ECMA-262 regular expression the validator can compile ({error}), so it is not checked"),
        )
        .with_hint("OpenAPI patterns are ECMA-262 regular expressions: no inline flags such as `(?i)`, no possessive quantifiers")
    }

    pub fn unused_path_param(pointer: &str, name: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("path parameter `{name}` does not appear in the path template; it is ignored"),
        )
    }

    pub fn duplicate_operation_id(pointer: &str, id: &str, first: &str) -> Diagnostic {
        Diagnostic::error(
            pointer,
            format!("operationId `{id}` is already used by {first}"),
        )
        .with_hint("operationIds must be unique across the whole document")
    }

    pub fn synthesized_operation_id_taken(
        pointer: &str,
        wanted: &str,
        first: &str,
        used: &str,
    ) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("this operation has no operationId and the one made from its method and path, `{wanted}`, is already used by {first}; it is named `{used}`"),
        )
        .with_hint("give the operation an operationId")
    }

    pub fn undefined_security_scheme(pointer: &str, name: &str, none_left: bool) -> Diagnostic {
        let effect = if none_left {
            "no alternative is left, so the operation requires no authentication"
        } else {
            "the other alternatives still apply"
        };
        Diagnostic::warning(
            pointer,
            format!("security scheme `{name}` is not defined; this security requirement is dropped ({effect})"),
        )
        .with_hint("define it under `components.securitySchemes`")
    }

    pub fn unserved_operation(pointer: &str, path: &str, clash: Option<&str>) -> Diagnostic {
        let why = match clash {
            Some(other) => format!("it has the same method and path shape as {other}"),
            None => format!("the server's router cannot match the path `{path}` (a segment with text after a variable, a brace outside a variable, or a segment starting with `:` or `*`)"),
        };
        Diagnostic::warning(
            pointer,
            format!("this operation is left out of the generated server's router: {why}; the client still calls it"),
        )
    }

    pub fn discriminator_value_taken(
        pointer: &str,
        value: &str,
        variant: &str,
        winner: &str,
    ) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("discriminator value `{value}` selects variant `{winner}`; variant `{variant}`, which has no other value, is written with it but never read"),
        )
        .with_hint("map a distinct value to each variant under `discriminator.mapping`")
    }

    pub fn fallback(pointer: &str, what: &str) -> Diagnostic {
        Diagnostic::warning(pointer, format!("{what}; using `serde_json::Value`"))
    }

    pub fn unknown_format(pointer: &str, format: &str, base: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("unknown format `{format}`; treating it as a plain {base}"),
        )
    }

    /// A response the router's refusals use has no text field to carry the refusal's message.
    pub fn refusal_without_message(pointer: &str, statuses: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("the router's refusals ({statuses}) use this response, but its schema has no free-text field to carry why a request was refused; they are sent as a value built to the schema, without the reason"),
        )
        .with_hint("add a string property such as `message` to the error schema, or render refusals yourself with `ServerConfig::rejection_body`")
    }

    /// A documented example the mock would send breaks its own schema.
    pub fn example_breaks_schema(pointer: &str, violation: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("this example breaks its schema ({violation}); the mock sends a value built from the schema instead"),
        )
    }

    /// A schema whose `type` contradicts keywords that only apply to another type.
    pub fn type_contradiction(pointer: &str, ty: &str, keywords: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("`type: {ty}` with {keywords}, which only apply to another type; the `type` holds, as JSON Schema reads it, and they are ignored"),
        )
        .with_hint("remove the keywords, or change the `type` if they say what the values are")
    }

    /// The hint of a warning reported once for many places alike (an unknown format).
    pub fn same_elsewhere(others: usize) -> String {
        let places = if others == 1 { "place" } else { "places" };
        format!("the same holds at {others} other {places} in the spec, not reported one by one")
    }

    pub fn pagination_rule(pointer: &str, source: &str, reason: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("the pagination rule in {source} does not fit the operation ({reason}); the operation gets no `_all` method"),
        )
        .with_hint("README, \"Pagination\", shows the rule's fields")
    }

    pub fn pagination_items_ambiguous(pointer: &str, candidates: &[String]) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!(
                "the operation looks paginated, but its answer has several array fields (`{}`), so its items are not known; it gets no `_all` method",
                candidates.join("`, `")
            ),
        )
        .with_hint("add `x-pagination: {style: ..., items: <field>}` to the operation (README, \"Pagination\")")
    }

    pub fn pagination_ambiguous(pointer: &str, params: &[&str]) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!(
                "the parameters `{}` each look like a way to page; the first convention that fits was chosen",
                params.join("`, `")
            ),
        )
        .with_hint("add `x-pagination` to the operation to say which one moves (README, \"Pagination\")")
    }

    pub fn ambiguous_union(pointer: &str, a: &str, b: &str) -> Diagnostic {
        Diagnostic::warning(pointer, format!("oneOf/anyOf variants `{a}` and `{b}` accept the same JSON; the first one listed wins"))
            .with_hint("add a discriminator to make the choice explicit")
    }

    pub fn renamed(pointer: &str, what: &str, from: &str, to: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("{what} `{from}` collides with another name; emitted as `{to}`"),
        )
    }

    pub fn conflicting_property(pointer: &str, name: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!("allOf members give property `{name}` different schemas; the last one wins"),
        )
    }

    pub fn undefined_required(pointer: &str, name: &str, typed_by_extra: bool) -> Diagnostic {
        let ty = if typed_by_extra {
            "typed like the additional properties"
        } else {
            "of any JSON value (`serde_json::Value`)"
        };
        Diagnostic::warning(
            pointer,
            format!("required property `{name}` is not defined under `properties`; it is kept as a required field {ty}, read as `None` when absent"),
        )
        .with_hint(format!("define `{name}` under `properties` to give it a type"))
    }

    pub fn ignored_all_of_member(pointer: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            "an allOf member that is not an object cannot be merged with the object members; it is ignored",
        )
        .with_hint("an allOf whose other members only annotate (description, nullable, ...) takes this member's type")
    }

    pub fn unsupported_media(pointer: &str, media: &str) -> Diagnostic {
        Diagnostic::warning(
            pointer,
            format!(
                "media type `{media}` is not supported; the body is sent and received as raw bytes"
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{decode_fragment_segment, escape_segment, unescape_segment};

    #[test]
    fn pointer_segments_round_trip_and_decode() {
        for raw in ["a/b", "~x", "~1/~0", "{id}", ""] {
            assert_eq!(unescape_segment(&escape_segment(raw)), raw);
        }
        assert_eq!(decode_fragment_segment("a~1b"), "a/b");
        assert_eq!(decode_fragment_segment("%7Bid%7D"), "{id}");
        assert_eq!(decode_fragment_segment("My%20Schema"), "My Schema");
        // A percent escape at the very end is decoded too; a broken one is kept as written.
        assert_eq!(decode_fragment_segment("a%41"), "aA");
        assert_eq!(decode_fragment_segment("100%"), "100%");
        assert_eq!(decode_fragment_segment("%zz"), "%zz");
    }
}
