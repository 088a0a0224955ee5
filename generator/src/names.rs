//! Turns wire names from the spec into Rust identifiers: casing, keyword escaping and collisions.
//!
//! Every identifier the emitters print comes from here, so the rules live in one place.
//! This module is pure: no spec types, no I/O.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Names the emitters and the runtime define beside the operation-level types (in `client.rs`
/// and `server.rs`: the client, its `Call`, `Error` and `RawResponse` re-exported from the
/// runtime, the server's `Api`, `Credentials`, `Rejection` and `ServerConfig`). Schemas live in
/// `model.rs` and may use them; operation-level types may not.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Client",
    "Call",
    "Credentials",
    "Error",
    "RawResponse",
    "Api",
    "Rejection",
    "ServerConfig",
];

/// The suffixes an operation's response enum is named with, in order: `XResponse`, or when a
/// schema (or an earlier type) already holds that name, `XReply`, then `XOutcome`. Only when
/// all three are taken does the enum get a numbered name (`XResponse2`).
pub const RESPONSE_SUFFIXES: &[&str] = &["Response", "Reply", "Outcome"];

/// Keywords that a raw identifier (`r#...`) can stand for.
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static",
    "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual",
    "where", "while", "yield",
];

/// The std names emitted code spells without a path (`Option`, not `::std::option::Option`).
///
/// A schema type with one of these names would shadow it inside `model.rs`; that file then falls
/// back to absolute paths (see [`shadows_std`]).
pub const STD_SHORT_NAMES: &[&str] = &[
    "Box",
    "Deserialize",
    "Err",
    "From",
    "None",
    "Ok",
    "Option",
    "Result",
    "Serialize",
    "Some",
    "String",
    "Vec",
];

/// Whether any of `type_names` would shadow a name emitted code uses unqualified.
pub fn shadows_std<'a>(mut type_names: impl Iterator<Item = &'a str>) -> bool {
    type_names.any(|name| STD_SHORT_NAMES.contains(&name))
}

/// Keywords that cannot be raw identifiers; they get a `_` suffix instead.
const SUFFIX_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "extern", "_"];

/// Replaces every character that cannot appear in an identifier by a word break.
///
/// Non-ASCII letters are dropped too: they would trip `non_ascii_idents` style lints downstream.
fn words(wire: &str) -> String {
    wire.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Makes a cased candidate into a legal identifier.
fn finish(cased: String, empty: &str) -> String {
    let mut ident = if cased.is_empty() {
        empty.to_owned()
    } else {
        cased
    };
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if SUFFIX_KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    } else if RAW_KEYWORDS.contains(&ident.as_str()) {
        ident.insert_str(0, "r#");
    }
    ident
}

/// `UpperCamelCase` name of a type (struct, enum, alias) or enum variant.
pub fn type_name(wire: &str) -> String {
    finish(words(wire).to_upper_camel_case(), "Value")
}

/// `UpperCamelCase` name of an enum variant; an empty wire value becomes `Empty`.
pub fn variant_name(wire: &str) -> String {
    finish(words(wire).to_upper_camel_case(), "Empty")
}

/// `snake_case` name of a field, parameter or method.
pub fn field_name(wire: &str) -> String {
    finish(words(wire).to_snake_case(), "field")
}

/// `SCREAMING_SNAKE_CASE`-free helper: the identifier without its `r#` prefix, for building
/// derived names such as `set_type` from `r#type`.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The words of an identifier without what only made it legal on its own (the `r#` prefix, the
/// `_` before a leading digit), for a name that puts a prefix before them: `on_2fa_verify` from
/// `_2fa_verify`, not `on__2fa_verify`, which `non_snake_case` refuses.
pub fn stem(ident: &str) -> &str {
    let ident = bare(ident);
    match ident.strip_prefix('_') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => ident,
    }
}

/// `name` without `owner` as a prefix or suffix (prefix first), when what is left is still a
/// type name of its own: it starts a new word (an upper-case letter), and is not empty.
/// `ContentText` in `Content` is `Text`, `TextContent` is `Text`; `Contents` stays as it is.
pub fn strip_affix(name: &str, owner: &str) -> Option<String> {
    let starts_word = |rest: &str| rest.starts_with(|c: char| c.is_ascii_uppercase());
    if let Some(rest) = name.strip_prefix(owner) {
        if starts_word(rest) {
            return Some(rest.to_owned());
        }
    }
    // A suffix that begins with an upper-case letter begins a word of `name`.
    let rest = name.strip_suffix(owner)?;
    (starts_word(rest) && starts_word(owner)).then(|| rest.to_owned())
}

/// The module names of the string values union unit variants stand for (`auto` for `"auto"`),
/// one per distinct value, unique, claimed in the values' sorted order.
pub fn literal_modules<'a>(
    values: impl Iterator<Item = &'a str>,
) -> std::collections::BTreeMap<String, String> {
    let sorted: BTreeSet<&str> = values.collect();
    let mut ns = Namespace::new();
    sorted
        .into_iter()
        .map(|value| (value.to_owned(), ns.claim(&field_name(value)).0))
        .collect()
}

/// Hands out unique names within one namespace (a module, a struct's fields, an enum's variants).
///
/// The first claimant of a name keeps it; later ones get `2`, `3`, ... appended, so the result
/// depends only on the order of claims, which callers keep deterministic.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    pub fn new() -> Self {
        Self::default()
    }

    /// A namespace where `reserved` names are already taken (e.g. names the emitter defines).
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Claims `candidate`, or the first free `candidate2`, `candidate3`, ...
    ///
    /// Returns the claimed name and whether it had to change.
    pub fn claim(&mut self, candidate: &str) -> (String, bool) {
        if self.taken.insert(candidate.to_owned()) {
            return (candidate.to_owned(), false);
        }
        let base = bare(candidate);
        // `self_` + `2` stays snake case (`self_2`; `self__2` is not).
        let separator = if base.ends_with('_') {
            ""
        } else if base.ends_with(|c: char| c.is_ascii_digit()) || base.contains('_') {
            "_"
        } else {
            ""
        };
        let mut n = 2usize;
        loop {
            let next = format!("{base}{separator}{n}");
            if self.taken.insert(next.clone()) {
                return (next, true);
            }
            n += 1;
        }
    }

    /// Claims the first of `candidates` that is free; when every one is taken, the first one
    /// numbered as [`Namespace::claim`] does. Returns the name and whether it is numbered.
    pub fn claim_first(&mut self, candidates: &[String]) -> (String, bool) {
        if let Some(free) = candidates.iter().find(|c| !self.taken.contains(c.as_str())) {
            self.taken.insert(free.clone());
            return (free.clone(), false);
        }
        match candidates.first() {
            Some(first) => self.claim(first),
            None => self.claim("Value"),
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_drop_what_only_made_a_name_legal() {
        assert_eq!(stem(&field_name("2FA-Verify")), "2fa_verify");
        assert_eq!(stem(&field_name("type")), "type");
        assert_eq!(stem(&field_name("_private")), "private");
        assert_eq!(stem("_x"), "_x");
    }

    #[test]
    fn type_names() {
        let table = [
            ("Organization", "Organization"),
            ("organization_request", "OrganizationRequest"),
            ("PlanEnum", "PlanEnum"),
            ("self", "Self_"),
            ("Self", "Self_"),
            ("2fa-config", "_2faConfig"),
            ("", "Value"),
            ("$$$", "Value"),
            ("a.b c", "ABC"),
            ("Café", "Caf"),
            ("type", "Type"),
        ];
        for (wire, want) in table {
            assert_eq!(type_name(wire), want, "type_name({wire:?})");
        }
    }

    #[test]
    fn field_names() {
        let table = [
            ("createdDate", "created_date"),
            ("type", "r#type"),
            ("self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("async", "r#async"),
            ("gen", "r#gen"),
            ("1st", "_1st"),
            ("", "field"),
            ("-", "field"),
            ("_", "field"),
            ("X-Request-ID", "x_request_id"),
            ("$ref", "r#ref"),
        ];
        for (wire, want) in table {
            assert_eq!(field_name(wire), want, "field_name({wire:?})");
        }
    }

    #[test]
    fn variant_names() {
        let table = [
            ("TEAM_YEARLY", "TeamYearly"),
            ("", "Empty"),
            ("a b", "AB"),
            ("1", "_1"),
            ("USER_2025", "User2025"),
        ];
        for (wire, want) in table {
            assert_eq!(variant_name(wire), want, "variant_name({wire:?})");
        }
    }

    #[test]
    fn affixes_are_stripped_only_at_word_boundaries() {
        let table = [
            ("ContentText", "Content", Some("Text")),
            ("TextContent", "Content", Some("Text")),
            ("Content", "Content", None),
            ("Contents", "Content", None),
            ("ContentsText", "Content", None),
            ("Output", "Put", None),
            ("ShellOutput", "Output", Some("Shell")),
            ("Content2", "Content", None),
            ("Other", "Content", None),
        ];
        for (name, owner, want) in table {
            assert_eq!(
                strip_affix(name, owner).as_deref(),
                want,
                "strip_affix({name:?}, {owner:?})"
            );
        }
    }

    #[test]
    fn literal_modules_are_unique_field_names() {
        let modules = literal_modules(["auto", "Auto", "type", "", "json_object"].into_iter());
        let got: Vec<(&str, &str)> = modules
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("", "field"),
                ("Auto", "auto"),
                ("auto", "auto2"),
                ("json_object", "json_object"),
                ("type", "r#type"),
            ]
        );
    }

    #[test]
    fn response_enums_take_the_first_free_suffix() {
        let candidates: Vec<String> = RESPONSE_SUFFIXES
            .iter()
            .map(|s| format!("CreateChat{s}"))
            .collect();
        let mut ns = Namespace::new();
        ns.claim("CreateChatResponse");
        assert_eq!(
            ns.claim_first(&candidates),
            ("CreateChatReply".to_owned(), false)
        );
        assert_eq!(
            ns.claim_first(&candidates),
            ("CreateChatOutcome".to_owned(), false)
        );
        assert_eq!(
            ns.claim_first(&candidates),
            ("CreateChatResponse2".to_owned(), true)
        );
        let mut fresh = Namespace::new();
        assert_eq!(
            fresh.claim_first(&candidates),
            ("CreateChatResponse".to_owned(), false)
        );
    }

    #[test]
    fn namespace_resolves_collisions_in_claim_order() {
        let mut ns = Namespace::with_reserved(&["Client"]);
        assert_eq!(ns.claim("Client"), ("Client2".to_owned(), true));
        assert_eq!(ns.claim("Org"), ("Org".to_owned(), false));
        assert_eq!(ns.claim("Org"), ("Org2".to_owned(), true));
        assert_eq!(ns.claim("Org"), ("Org3".to_owned(), true));
        assert_eq!(ns.claim("foo_bar"), ("foo_bar".to_owned(), false));
        assert_eq!(ns.claim("foo_bar"), ("foo_bar_2".to_owned(), true));
        assert_eq!(ns.claim("r#type"), ("r#type".to_owned(), false));
        assert_eq!(ns.claim("r#type"), ("type2".to_owned(), true));
        assert_eq!(ns.claim("v1"), ("v1".to_owned(), false));
        assert_eq!(ns.claim("v1"), ("v1_2".to_owned(), true));
        assert_eq!(ns.claim("self_"), ("self_".to_owned(), false));
        assert_eq!(ns.claim("self_"), ("self_2".to_owned(), true));
        assert_eq!(ns.claim("Self_"), ("Self_".to_owned(), false));
        assert_eq!(ns.claim("Self_"), ("Self_2".to_owned(), true));
    }
}
