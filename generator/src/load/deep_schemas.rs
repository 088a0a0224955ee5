//! Checks deeply nested schemas piece by piece before `openapiv3` reads the whole document.
//!
//! `openapiv3` reads a schema by trying several shapes in turn, each reading the nested schemas
//! again, so rejecting an invalid value deep inside takes time exponential in the nesting depth
//! (some 25 levels already take minutes). Reading every [`CHECKPOINT`]-th level on its own,
//! deepest first, finds such a value while each read stays shallow; shallower documents are not
//! touched.

use openapiv3::{ReferenceOr, Schema};
use serde_yaml::Value;

use super::kind::Kind;
use crate::diagnostics::{catalog, escape_segment, Diagnostic};

/// Every how many levels of schema nesting a subtree is read on its own.
const CHECKPOINT: usize = 6;

/// The first (deepest) nested schema that `openapiv3` cannot read, as a diagnostic at its pointer.
pub(crate) fn check_deep_schemas(document: &Value) -> Option<Diagnostic> {
    visit(document, Kind::Root, 0, &mut Vec::new())
}

fn visit(
    value: &Value,
    kind: Kind,
    depth: usize,
    segments: &mut Vec<String>,
) -> Option<Diagnostic> {
    if kind == Kind::Opaque {
        return None;
    }
    let depth = if kind == Kind::Schema {
        depth + 1
    } else {
        depth
    };
    let children: Vec<(String, &Value)> = match value {
        Value::Mapping(map) => map.iter().map(|(k, v)| (key_text(k), v)).collect(),
        Value::Sequence(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        let child_kind = kind.child(&key);
        segments.push(key);
        let found = visit(child, child_kind, depth, segments);
        segments.pop();
        if found.is_some() {
            return found;
        }
    }
    // A boolean left in a schema's place is `additionalProperties: true|false` (the repair pass
    // turned every other one into an object), which 3.0 allows and a `Schema` is not.
    if kind != Kind::Schema || depth % CHECKPOINT != 0 || value.is_bool() {
        return None;
    }
    let error = serde_yaml::from_value::<ReferenceOr<Schema>>(value.clone()).err()?;
    let mut pointer = "#".to_owned();
    for segment in segments.iter() {
        pointer.push('/');
        pointer.push_str(&escape_segment(segment));
    }
    let mut d = catalog::not_openapi(&format!("invalid schema: {error}"));
    d.pointer = pointer;
    Some(d)
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_an_invalid_value_deep_inside() {
        let mut text = "openapi: 3.0.3\ncomponents:\n  schemas:\n    Deep:\n".to_owned();
        for level in 0..16 {
            text.push_str(&format!("{}items:\n", "  ".repeat(3 + level)));
        }
        text.push_str(&format!("{}99\n", "  ".repeat(19)));
        let value: Value = serde_yaml::from_str(&text).unwrap();
        let found = check_deep_schemas(&value).expect("the leaf is not a schema");
        assert!(found.pointer.starts_with("#/components/schemas/Deep/items/items/items/items/items/items/items/items/items/items/items"), "{}", found.pointer);
    }
}
