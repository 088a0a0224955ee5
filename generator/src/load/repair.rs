//! Repairs what real documents get wrong in ways whose meaning is still plain, before the 3.0
//! model reads them: each repair is a warning that names the place, never a refusal.
//!
//! It runs on every document once it has the 3.0 shape (3.1 and Swagger 2.0 are converted
//! first), so one pass covers every version: boolean schemas where 3.0 wants an object, JSON
//! Schema `definitions` containers, scalars where a keyword takes text, and an operation that
//! documents no response.

use serde_yaml::{Mapping, Value};

use super::kind::{visit_schemas, Kind};
use super::Version;
use crate::diagnostics::{catalog, escape_segment, Diagnostics};

/// Schema keywords whose value is text; a number or boolean there is read as its text.
const TEXT_KEYWORDS: &[&str] = &["title", "description", "pattern", "format"];

/// The methods a 3.0 path item holds operations under.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Repairs `document` (3.0-shaped, read from a document of `version`) in place, with a warning
/// for each repair that changes what a reader of the document would see.
pub(crate) fn repair(document: &mut Value, version: Version, warnings: &mut Diagnostics) {
    visit_schemas(document, Kind::Root, &mut |schema, pointer| {
        repair_schema(schema, pointer, warnings);
    });
    let Some(Value::Mapping(paths)) = document.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(path) = path.as_str() else { continue };
        let Value::Mapping(item) = item else { continue };
        for method in METHODS {
            let Some(Value::Mapping(operation)) = item.get_mut(*method) else {
                continue;
            };
            let pointer = format!("#/paths/{}/{method}", escape_segment(path));
            // Optional since 3.1, and empty in some documents: either way no answer is
            // documented, so any answer is one; a bodiless `default` says exactly that and gives
            // servers a status they may send.
            // Anything else there is the reader's to refuse.
            let undocumented = match operation.get("responses") {
                None => true,
                Some(Value::Mapping(responses)) => responses.is_empty(),
                Some(_) => false,
            };
            if undocumented {
                if version == Version::V30 || operation.contains_key("responses") {
                    warnings.push(catalog::repaired(
                        &pointer,
                        "the operation documents no response",
                        "it is read as answering any status, without a body (`default`)",
                    ));
                }
                let mut any = Mapping::new();
                any.insert(
                    Value::from("description"),
                    Value::from("Any answer: the description documents none."),
                );
                let mut responses = Mapping::new();
                responses.insert(Value::from("default"), Value::Mapping(any));
                operation.insert(Value::from("responses"), Value::Mapping(responses));
            }
        }
    }
}

/// One schema (its subschemas are already repaired: the walk is post-order).
fn repair_schema(schema: &mut Value, pointer: &str, warnings: &mut Diagnostics) {
    let map = match schema {
        // JSON Schema's boolean schemas: `true` accepts anything, `false` nothing. 3.0 allows
        // them only under `additionalProperties`, which the walk leaves alone.
        Value::Bool(accepts) => {
            let accepts = *accepts;
            let mut object = Mapping::new();
            if !accepts {
                object.insert(Value::from("not"), Value::Mapping(Mapping::new()));
            }
            *schema = Value::Mapping(object);
            warnings.push(catalog::repaired(
                pointer,
                &format!("the boolean schema `{accepts}` is JSON Schema, not OpenAPI 3.0"),
                if accepts {
                    "it is read as `{}`, any value"
                } else {
                    "it is read as `{not: {}}`, no value"
                },
            ));
            return;
        }
        Value::Mapping(map) => map,
        _ => return,
    };
    // `type` is a name or (3.1, normalized already) a list; an object there is a schema written
    // one level too high, whose meaning is lost.
    if map.get("type").is_some_and(|t| t.is_mapping()) {
        map.remove("type");
        warnings.push(catalog::repaired(
            &format!("{pointer}/type"),
            "`type` holds an object, not a type name",
            "it is ignored, so the schema admits any type",
        ));
    }
    drop_contradicted(map, pointer, warnings);
    // A container of schemas for `$ref`s to reach (the bundler already made each one it
    // reaches a component); it constrains nothing itself.
    map.remove("definitions");
    map.remove("$defs");
    for keyword in TEXT_KEYWORDS {
        let Some(value) = map.get_mut(*keyword) else {
            continue;
        };
        let text = match value {
            Value::String(_) => continue,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => {
                map.remove(*keyword);
                continue;
            }
            // A mapping or list: a property named like the keyword written one level too high,
            // or nonsense; either way it says nothing this keyword could mean.
            _ => {
                map.remove(*keyword);
                warnings.push(catalog::repaired(
                    &format!("{pointer}/{keyword}"),
                    &format!("`{keyword}` holds a list or an object, not text"),
                    "it is ignored",
                ));
                continue;
            }
        };
        warnings.push(catalog::repaired(
            &format!("{pointer}/{keyword}"),
            &format!("`{keyword}: {text}` is not text"),
            &format!("it is read as the text \"{text}\""),
        ));
        *value = Value::String(text);
    }
}

/// Keywords that only apply to objects, and to arrays.
const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "additionalProperties",
    "required",
    "minProperties",
    "maxProperties",
];
const ARRAY_KEYWORDS: &[&str] = &["items", "minItems", "maxItems", "uniqueItems"];

/// A `type` that contradicts keywords of another type (`type: array` with `properties`): the
/// `type` holds, as in JSON Schema, where those keywords constrain only values of their own
/// type, which this schema admits none of; they are removed, with a warning.
fn drop_contradicted(map: &mut Mapping, pointer: &str, warnings: &mut Diagnostics) {
    let Some(Value::String(ty)) = map.get("type") else {
        return;
    };
    let ty = ty.clone();
    let foreign: Vec<&str> = match ty.as_str() {
        "object" => ARRAY_KEYWORDS.to_vec(),
        "array" => OBJECT_KEYWORDS.to_vec(),
        "string" | "integer" | "number" | "boolean" => OBJECT_KEYWORDS
            .iter()
            .chain(ARRAY_KEYWORDS)
            .copied()
            .collect(),
        _ => return,
    };
    let mut named = Vec::new();
    for keyword in foreign {
        let Some(value) = map.remove(keyword) else {
            continue;
        };
        // An empty list or map, or `required: false` (a Swagger 2.0 habit), says nothing.
        let says_nothing = match &value {
            Value::Sequence(items) => items.is_empty(),
            Value::Mapping(entries) => entries.is_empty(),
            Value::Bool(flag) => !flag,
            Value::Null => true,
            _ => false,
        };
        if !says_nothing {
            named.push(format!("`{keyword}`"));
        }
    }
    if !named.is_empty() {
        warnings.push(catalog::type_contradiction(pointer, &ty, &named.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repaired(yaml: &str) -> (Value, Vec<String>) {
        let mut document: Value = serde_yaml::from_str(yaml).expect("test YAML");
        let mut warnings = Diagnostics::default();
        repair(&mut document, Version::V30, &mut warnings);
        let places = warnings.0.iter().map(|d| d.pointer.clone()).collect();
        (document, places)
    }

    #[test]
    fn boolean_schemas_at_any_depth() {
        let (document, places) = repaired(
            "paths: {}\ncomponents:\n  schemas:\n    A:\n      properties:\n        f:\n          items:\n            properties:\n              g: {items: false, additionalProperties: false}\n        h: true\n",
        );
        let a = &document["components"]["schemas"]["A"]["properties"];
        assert_eq!(
            a["f"]["items"]["properties"]["g"]["items"],
            serde_yaml::from_str::<Value>("{not: {}}").unwrap()
        );
        // 3.0 allows a boolean here: left as written.
        assert_eq!(
            a["f"]["items"]["properties"]["g"]["additionalProperties"],
            Value::Bool(false)
        );
        assert_eq!(a["h"], Value::Mapping(Mapping::new()));
        assert_eq!(
            places,
            [
                "#/components/schemas/A/properties/f/items/properties/g/items",
                "#/components/schemas/A/properties/h",
            ]
        );
    }

    #[test]
    fn the_type_holds_over_keywords_of_another_type() {
        let (document, places) = repaired(
            "paths: {}\ncomponents:\n  schemas:\n    Portfolios:\n      type: array\n      items: {type: string}\n      required: [id]\n      properties:\n        id: {type: string}\n    Name:\n      type: string\n      required: []\n    Thing:\n      type: object\n      properties: {a: {type: string}}\n",
        );
        let schemas = &document["components"]["schemas"];
        assert!(schemas["Portfolios"].get("properties").is_none());
        assert!(schemas["Portfolios"].get("required").is_none());
        assert!(schemas["Portfolios"].get("items").is_some());
        assert!(schemas["Name"].get("required").is_none());
        assert!(schemas["Thing"].get("properties").is_some());
        // An empty `required` says nothing: only the contradiction that changes a reading warns.
        assert_eq!(places, ["#/components/schemas/Portfolios"]);
    }

    #[test]
    fn text_keywords_and_definitions() {
        let (document, places) = repaired(
            "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: string\n      pattern: 0\n      description: ~\n      definitions:\n        inner: {type: string}\n    B:\n      type: {description: written one level too high}\n",
        );
        let a = &document["components"]["schemas"]["A"];
        assert_eq!(a["pattern"], Value::from("0"));
        assert!(a.get("description").is_none());
        assert!(a.get("definitions").is_none());
        assert!(document["components"]["schemas"]["B"].get("type").is_none());
        assert_eq!(
            places,
            [
                "#/components/schemas/A/pattern",
                "#/components/schemas/B/type"
            ]
        );
    }

    #[test]
    fn missing_responses() {
        let (document, places) = repaired("paths:\n  /a:\n    post: {}\n");
        let operation = &document["paths"]["/a"]["post"];
        assert!(operation["responses"].get("default").is_some());
        assert_eq!(places, ["#/paths/~1a/post"]);
    }
}
