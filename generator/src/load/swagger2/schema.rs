//! Converts Swagger 2.0 schemas (and the schema keywords of parameters and headers) to 3.0
//! schemas: `$ref`s into `components/schemas`, `x-nullable`, string discriminators, `type: file`.

use serde_yaml::{Mapping, Value};

use super::Converter;
use crate::diagnostics::{catalog, decode_fragment_segment, join};

/// Deeper documents are refused by the YAML parser already; this bounds the walk on its own.
const MAX_DEPTH: usize = 512;

/// Keywords of a non-body parameter, an items object or a header that describe its value: they
/// move under `schema` in 3.0.
const SCHEMA_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

/// Whether a key is one of the nullability extensions 2.0 tools write (`x-nullable`,
/// `x-isnullable`, in any case).
fn is_nullable_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key == "x-nullable" || key == "x-isnullable"
}

/// Whether a 2.0 schema-like object is `type: file`.
pub(super) fn is_file(object: &Mapping) -> bool {
    object.get("type").and_then(Value::as_str) == Some("file")
}

impl Converter<'_> {
    /// Converts the 2.0 schema `value`, found at `at` in the 2.0 document.
    pub(super) fn schema(&mut self, value: &Value, at: &str) -> Value {
        self.schema_at(value, at, 0)
    }

    /// The `schema` of a non-body parameter, an items object or a header: its schema keywords
    /// (`collectionFormat` dropped from nested items, which 3.0 cannot express).
    pub(super) fn value_schema(&mut self, object: &Mapping, at: &str) -> Value {
        let mut schema = Mapping::new();
        for (key, value) in object {
            let Some(name) = key.as_str() else { continue };
            if SCHEMA_KEYWORDS.contains(&name) || is_nullable_key(name) {
                schema.insert(key.clone(), value.clone());
            }
        }
        if let Some(Value::Mapping(items)) = schema.get("items") {
            let items = Value::Mapping(strip_collection_formats(items));
            schema.insert("items".into(), items);
        }
        self.schema(&Value::Mapping(schema), at)
    }

    fn schema_at(&mut self, value: &Value, at: &str, depth: usize) -> Value {
        let Value::Mapping(map) = value else {
            return value.clone();
        };
        if depth > MAX_DEPTH {
            return value.clone();
        }
        let mut out = Mapping::new();
        let mut nullable = false;
        let mut file = false;
        for (key, child) in map {
            let Some(name) = key.as_str() else {
                out.insert(key.clone(), child.clone());
                continue;
            };
            let here = join(at, &[name]);
            let converted = match name {
                "$ref" => self.schema_ref(child, &here),
                "properties" => self.schema_map(child, &here, depth),
                "allOf" | "anyOf" | "oneOf" => match child {
                    Value::Sequence(list) => Value::Sequence(
                        list.iter()
                            .enumerate()
                            .map(|(i, s)| {
                                self.schema_at(s, &join(&here, &[&i.to_string()]), depth + 1)
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                },
                "items" | "additionalProperties" | "not" => self.schema_at(child, &here, depth + 1),
                "discriminator" => match child {
                    Value::String(property) => {
                        let mut discriminator = Mapping::new();
                        discriminator.insert("propertyName".into(), property.clone().into());
                        Value::Mapping(discriminator)
                    }
                    other => other.clone(),
                },
                "type" if child.as_str() == Some("file") => {
                    file = true;
                    continue;
                }
                _ if is_nullable_key(name) => {
                    nullable |= child.as_bool() == Some(true) || child.as_str() == Some("true");
                    continue;
                }
                _ => child.clone(),
            };
            out.insert(key.clone(), converted);
        }
        if file {
            out.insert("type".into(), "string".into());
            out.insert("format".into(), "binary".into());
        }
        if nullable {
            // 3.0 ignores the siblings of a `$ref`, so a nullable reference becomes an `allOf`
            // of it, which lowering reads as that type.
            if let Some(reference) = out.remove("$ref") {
                let mut member = Mapping::new();
                member.insert("$ref".into(), reference);
                out.insert(
                    "allOf".into(),
                    Value::Sequence(vec![Value::Mapping(member)]),
                );
            }
            out.insert("nullable".into(), true.into());
        }
        Value::Mapping(out)
    }

    /// A map of named schemas (`properties`).
    fn schema_map(&mut self, value: &Value, at: &str, depth: usize) -> Value {
        let Value::Mapping(map) = value else {
            return value.clone();
        };
        let mut out = Mapping::new();
        for (key, child) in map {
            let converted = match key.as_str() {
                Some(name) => self.schema_at(child, &join(at, &[name]), depth + 1),
                None => child.clone(),
            };
            out.insert(key.clone(), converted);
        }
        Value::Mapping(out)
    }

    /// A schema `$ref` into `#/definitions/` as one into `#/components/schemas/`; an error when
    /// the definition does not exist or the reference points elsewhere.
    fn schema_ref(&mut self, value: &Value, at: &str) -> Value {
        let Value::String(reference) = value else {
            return value.clone();
        };
        match reference.strip_prefix("#/definitions/") {
            Some(rest) => {
                let name = decode_fragment_segment(rest.split('/').next().unwrap_or(rest));
                let exists = self
                    .root
                    .get("definitions")
                    .and_then(Value::as_mapping)
                    .is_some_and(|d| d.contains_key(name.as_str()));
                if !exists {
                    self.errors.push(catalog::dangling_ref(at, reference));
                }
                Value::from(format!("#/components/schemas/{rest}"))
            }
            None => {
                self.error(
                    at,
                    &format!("a schema `$ref` must point into `#/definitions/`, not `{reference}`"),
                );
                value.clone()
            }
        }
    }
}

/// An items object without `collectionFormat`, at every level of nesting.
fn strip_collection_formats(items: &Mapping) -> Mapping {
    let mut out = items.clone();
    out.remove("collectionFormat");
    if let Some(Value::Mapping(inner)) = out.get("items") {
        let inner = Value::Mapping(strip_collection_formats(inner));
        out.insert("items".into(), inner);
    }
    out
}
