//! Normalizes an OpenAPI 3.1 document (JSON Schema 2020-12 schemas) into the OpenAPI 3.0 model,
//! so that `openapiv3`, lowering and emission stay version-blind.
//!
//! Each rewrite keeps the meaning for the generated types: `type: [T, "null"]` and a `null`
//! member of `anyOf`/`oneOf` become `nullable`, `const` a one-value `enum`, numeric exclusive
//! bounds the 3.0 boolean form, `examples` the first `example`. Keywords that only validate
//! (`propertyNames`, `dependentRequired`, ...) are dropped; those that would change a type and
//! cannot be expressed in 3.0 (`if`/`then`/`else`, tuples) degrade with a warning naming the place.
//! References into `$defs` were already turned into components by the bundler.

use serde_yaml::{Mapping, Value};

use super::kind::{visit_schemas, Kind};
use super::Origin;
use crate::diagnostics::{catalog, Diagnostics};

/// The extension that marks a path item as a webhook moved into `paths`; lowering reads it.
pub(crate) const WEBHOOK_MARKER: &str = "x-openapi-gen-webhook";

/// Rewrites a bundled 3.1 document in place into its 3.0 equivalent; `label` and `source` name
/// the root file, for the origins of moved webhooks.
pub(crate) fn normalize(
    mut document: Value,
    label: &str,
    source: &str,
    origins: &mut Vec<Origin>,
    warnings: &mut Diagnostics,
) -> Value {
    if let Value::Mapping(root) = &mut document {
        root.insert(Value::from("openapi"), Value::from("3.0.3"));
        // 3.1 makes `paths` optional (a document may hold only webhooks or components).
        if !root.contains_key("paths") {
            root.insert(Value::from("paths"), Value::Mapping(Mapping::new()));
        }
        drop_mutual_tls(root, warnings);
        move_webhooks(root, label, source, origins);
    }
    visit_schemas(&mut document, Kind::Root, &mut |schema, pointer| {
        normalize_schema(schema, pointer, warnings);
    });
    document
}

/// Webhooks (requests the API sends to its subscribers) have no 3.0 form: each moves into `paths`
/// under a path of its own (`/<name>`, the route the generated receiver serves it at), marked so
/// that lowering sets it apart, with an origin so diagnostics still point into `webhooks`.
fn move_webhooks(root: &mut Mapping, label: &str, source: &str, origins: &mut Vec<Origin>) {
    let Some(Value::Mapping(webhooks)) = root.remove("webhooks") else {
        return;
    };
    let Some(Value::Mapping(paths)) = root.get_mut("paths") else {
        return;
    };
    for (name, item) in webhooks {
        let (Some(name), Value::Mapping(mut item)) = (name.as_str(), item) else {
            continue;
        };
        let name = name.to_owned();
        let stem = format!("/{}", name.trim_start_matches('/'));
        let path = std::iter::once(stem.clone())
            .chain((2..).map(|n| format!("{stem}-{n}")))
            .find(|p| !paths.contains_key(p.as_str()))
            .unwrap_or(stem);
        item.insert(Value::from(WEBHOOK_MARKER), Value::from(name.as_str()));
        origins.push(Origin {
            bundled: crate::diagnostics::join("#/paths", &[&path]),
            file: label.to_owned(),
            source: source.into(),
            pointer: crate::diagnostics::join("#/webhooks", &[&name]),
        });
        paths.insert(Value::from(path), Value::Mapping(item));
    }
}

/// `mutualTLS` security schemes have no 3.0 form; the requirements naming them are then dropped
/// by lowering like any requirement of an undefined scheme.
fn drop_mutual_tls(root: &mut Mapping, warnings: &mut Diagnostics) {
    let Some(Value::Mapping(schemes)) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
    else {
        return;
    };
    schemes.retain(|name, scheme| {
        let mutual = scheme.get("type").and_then(Value::as_str) == Some("mutualTLS");
        if mutual {
            let name = name.as_str().unwrap_or_default();
            warnings.push(catalog::unsupported_31(
                &crate::diagnostics::join("#/components/securitySchemes", &[name]),
                "a `mutualTLS` security scheme",
                "it is left out; the transport must present the client certificate",
            ));
        }
        !mutual
    });
}

/// Keywords that only describe or annotate a schema; a `$ref` beside them needs no rewrite.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "summary",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "default",
    "$comment",
    "externalDocs",
    "$id",
    "$schema",
    "$anchor",
    "$defs",
    "definitions",
];

/// Keywords that only validate, with no bearing on the generated types: dropped.
const VALIDATION_ONLY: &[&str] = &[
    "propertyNames",
    "dependentRequired",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
    "$dynamicAnchor",
    "$vocabulary",
    "contentSchema",
];

/// Rewrites one schema (its subschemas are already rewritten: the walk is post-order).
fn normalize_schema(schema: &mut Value, pointer: &str, warnings: &mut Diagnostics) {
    let map = match schema {
        // A boolean schema: `true` accepts anything, `false` nothing.
        Value::Bool(true) => {
            *schema = Value::Mapping(Mapping::new());
            return;
        }
        Value::Bool(false) => {
            let mut never = Mapping::new();
            never.insert(Value::from("not"), Value::Mapping(Mapping::new()));
            *schema = Value::Mapping(never);
            return;
        }
        Value::Mapping(map) => map,
        _ => return,
    };
    for keyword in VALIDATION_ONLY {
        map.remove(*keyword);
    }
    types_to_nullable(map);
    const_to_enum(map);
    examples_to_example(map);
    exclusive_bounds(map, "exclusiveMinimum", "minimum", |bound, other| {
        bound >= other
    });
    exclusive_bounds(map, "exclusiveMaximum", "maximum", |bound, other| {
        bound <= other
    });
    content_to_format(map);
    object_keywords(map, pointer, warnings);
    tuples(map, pointer, warnings);
    conditionals(map, pointer, warnings);
    null_members(map);
    if map.contains_key("$dynamicRef") {
        map.remove("$dynamicRef");
        warnings.push(catalog::unsupported_31(
            pointer,
            "`$dynamicRef`",
            "the schema is read as any JSON value",
        ));
    }
    ref_with_siblings(map);
}

/// Whether a schema (already normalized) admits only `null`.
fn is_null_only(schema: &Value) -> bool {
    let Value::Mapping(map) = schema else {
        return false;
    };
    let only_null = match map.get("enum") {
        Some(Value::Sequence(values)) => !values.is_empty() && values.iter().all(Value::is_null),
        _ => false,
    };
    only_null
        && map.keys().all(|k| {
            let k = k.as_str().unwrap_or_default();
            k == "enum" || k == "nullable" || ANNOTATIONS.contains(&k) || k.starts_with("x-")
        })
}

/// `type: [T, "null"]` becomes `type: T, nullable: true`; several types become an `anyOf` of one
/// schema per type; `type: "null"` alone admits only `null`.
fn types_to_nullable(map: &mut Mapping) {
    let types: Vec<String> = match map.get("type") {
        Some(Value::Sequence(types)) => types
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(t)) if t == "null" => vec![t.clone()],
        _ => return,
    };
    let nullable = types.iter().any(|t| t == "null");
    let mut rest: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
    rest.dedup();
    // Every integer is a number.
    if rest.contains(&"number".to_owned()) {
        rest.retain(|t| t != "integer");
    }
    map.remove("type");
    if nullable {
        map.insert(Value::from("nullable"), Value::from(true));
    }
    match rest.as_slice() {
        [] if nullable => {
            if !map.contains_key("enum") {
                map.insert(Value::from("enum"), Value::Sequence(vec![Value::Null]));
            }
        }
        [] => {}
        [one] => {
            map.insert(Value::from("type"), Value::from(one.as_str()));
        }
        several => {
            // Each alternative carries the keywords that describe a value (its own type's ones
            // matter, the others are ignored); the annotations stay on the union.
            let shared: Mapping = map
                .iter()
                .filter(|(k, _)| {
                    let k = k.as_str().unwrap_or_default();
                    !ANNOTATIONS.contains(&k) && k != "nullable" && !k.starts_with("x-")
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for key in shared.keys() {
                map.remove(key);
            }
            let members = several
                .iter()
                .map(|t| {
                    let mut member: Mapping = shared
                        .iter()
                        .filter(|(k, _)| applies_to(k.as_str().unwrap_or_default(), t))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    member.insert(Value::from("type"), Value::from(t.as_str()));
                    Value::Mapping(member)
                })
                .collect();
            let union = Value::Sequence(members);
            if map.contains_key("anyOf") || map.contains_key("oneOf") {
                let mut wrapper = Mapping::new();
                wrapper.insert(Value::from("anyOf"), union);
                let all = map
                    .entry(Value::from("allOf"))
                    .or_insert_with(|| Value::Sequence(Vec::new()));
                if let Value::Sequence(all) = all {
                    all.push(Value::Mapping(wrapper));
                }
            } else {
                map.insert(Value::from("anyOf"), union);
            }
        }
    }
}

/// Whether a keyword describes values of JSON type `ty` (keywords of other types are left out of
/// that type's alternative; keywords of no particular type apply to all).
fn applies_to(keyword: &str, ty: &str) -> bool {
    let owner: &[&str] = match keyword {
        "properties"
        | "required"
        | "additionalProperties"
        | "minProperties"
        | "maxProperties"
        | "discriminator" => &["object"],
        "items" | "minItems" | "maxItems" | "uniqueItems" => &["array"],
        "minLength" | "maxLength" | "pattern" => &["string"],
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
            &["integer", "number"]
        }
        // An enum lists values of every type; each alternative keeps those of its own.
        _ => return true,
    };
    owner.contains(&ty)
}

/// `const: v` is a one-value `enum`.
fn const_to_enum(map: &mut Mapping) {
    let Some(value) = map.remove("const") else {
        return;
    };
    if value.is_null() {
        map.insert(Value::from("nullable"), Value::from(true));
    }
    // The value says its type, which a 3.0 reader needs to read the enum as one.
    if !map.contains_key("type") && !map.contains_key("anyOf") && !map.contains_key("oneOf") {
        let ty = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(ty) = ty {
            map.insert(Value::from("type"), Value::from(ty));
        }
    }
    if !map.contains_key("enum") {
        map.insert(Value::from("enum"), Value::Sequence(vec![value]));
    }
}

/// The extension a schema's 3.1 `examples` array is kept in (3.0 has one `example`); lowering
/// checks each of them, like an `example`.
pub(crate) const EXAMPLES_MARKER: &str = "x-openapi-gen-examples";

/// A schema's `examples` array moves to [`EXAMPLES_MARKER`].
fn examples_to_example(map: &mut Mapping) {
    if let Some(Value::Sequence(examples)) = map.get("examples") {
        let examples = Value::Sequence(examples.clone());
        map.remove("examples");
        map.insert(Value::from(EXAMPLES_MARKER), examples);
    }
}

/// A numeric `exclusiveMinimum: n` is 3.0's `minimum: n, exclusiveMinimum: true` (and the same for
/// the maximum); when an inclusive bound is also given, the stricter one is kept.
fn exclusive_bounds(
    map: &mut Mapping,
    exclusive: &str,
    inclusive: &str,
    stricter: fn(f64, f64) -> bool,
) {
    let Some(bound) = map.get(exclusive) else {
        return;
    };
    if !bound.is_number() {
        return;
    }
    let bound = bound.clone();
    let keep_exclusive = match map.get(inclusive).and_then(Value::as_f64) {
        Some(other) => bound.as_f64().is_some_and(|b| stricter(b, other)),
        None => true,
    };
    if keep_exclusive {
        map.insert(Value::from(inclusive), bound);
        map.insert(Value::from(exclusive), Value::from(true));
    } else {
        map.remove(exclusive);
    }
}

/// `contentEncoding: base64` is 3.0's `format: byte`; a non-text `contentMediaType` without an
/// encoding is raw bytes, `format: binary`.
fn content_to_format(map: &mut Mapping) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    if map.contains_key("format") {
        return;
    }
    let format = match (
        encoding.as_ref().and_then(Value::as_str),
        media.as_ref().and_then(Value::as_str),
    ) {
        (Some("base64" | "base64url"), _) => "byte",
        (None, Some(media)) if !is_text_media(media) => "binary",
        _ => return,
    };
    map.insert(Value::from("format"), Value::from(format));
}

fn is_text_media(media: &str) -> bool {
    let media = media.to_ascii_lowercase();
    media.starts_with("text/") || media.contains("json") || media.contains("xml")
}

/// `patternProperties` and `unevaluatedProperties` say what the other keys hold: where
/// `additionalProperties` is not given, they stand in for it.
fn object_keywords(map: &mut Mapping, pointer: &str, warnings: &mut Diagnostics) {
    let unevaluated = map.remove("unevaluatedProperties");
    let patterns = map.remove("patternProperties");
    if map.contains_key("additionalProperties") {
        return;
    }
    if let Some(Value::Mapping(patterns)) = patterns {
        let schemas: Vec<&Value> = patterns.values().collect();
        let values = match schemas.as_slice() {
            [] => None,
            [one] => Some((*one).clone()),
            [first, rest @ ..] if rest.iter().all(|s| s == first) => Some((*first).clone()),
            _ => {
                warnings.push(catalog::unsupported_31(
                    pointer,
                    "`patternProperties` with different schemas per pattern",
                    "the matching keys are read as any JSON value",
                ));
                Some(Value::Mapping(Mapping::new()))
            }
        };
        if let Some(values) = values {
            map.insert(Value::from("additionalProperties"), values);
            return;
        }
    }
    if let Some(unevaluated) = unevaluated {
        map.insert(Value::from("additionalProperties"), unevaluated);
    }
}

/// `prefixItems` (a tuple) has no 3.0 form: an array of one kind when every position has the same
/// schema, otherwise of any value, with a warning.
fn tuples(map: &mut Mapping, pointer: &str, warnings: &mut Diagnostics) {
    let tuple = match map.remove("prefixItems") {
        Some(Value::Sequence(items)) => Some(items),
        _ => match map.get("items") {
            // The draft-04 tuple form, `items: [..]`.
            Some(Value::Sequence(items)) => {
                let items = items.clone();
                map.remove("items");
                Some(items)
            }
            _ => None,
        },
    };
    let Some(positions) = tuple else {
        return;
    };
    // `items: false` after `prefixItems` closes the tuple; that is not a type.
    if let Some(Value::Mapping(items)) = map.get("items") {
        if items
            .get("not")
            .is_some_and(|n| n.as_mapping().is_some_and(Mapping::is_empty))
        {
            map.remove("items");
        }
    }
    if map.contains_key("items") {
        return;
    }
    let item = match positions.as_slice() {
        [first, rest @ ..] if rest.iter().all(|p| p == first) => first.clone(),
        _ => {
            warnings.push(catalog::unsupported_31(
                pointer,
                "`prefixItems` (a tuple)",
                "its items are read as any JSON value",
            ));
            Value::Mapping(Mapping::new())
        }
    };
    map.insert(Value::from("items"), item);
    if !map.contains_key("type") {
        map.insert(Value::from("type"), Value::from("array"));
    }
}

/// `if`/`then`/`else` and `dependentSchemas` choose a shape by content; the generated type keeps
/// the schema's own keywords and ignores them, with a warning.
fn conditionals(map: &mut Mapping, pointer: &str, warnings: &mut Diagnostics) {
    let mut dropped = Vec::new();
    for keyword in ["if", "then", "else", "dependentSchemas"] {
        if map.remove(keyword).is_some() {
            dropped.push(keyword);
        }
    }
    if !dropped.is_empty() {
        let what = dropped
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        warnings.push(catalog::unsupported_31(
            pointer,
            &what,
            "the type follows the schema's other keywords; the condition is not enforced",
        ));
    }
}

/// A `null` member of `anyOf`/`oneOf` makes the schema `nullable`; a union left with one member
/// is that member.
fn null_members(map: &mut Mapping) {
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Sequence(members)) = map.get_mut(keyword) else {
            continue;
        };
        let before = members.len();
        members.retain(|m| !is_null_only(m));
        if members.len() == before {
            continue;
        }
        map.insert(Value::from("nullable"), Value::from(true));
        let Some(Value::Sequence(members)) = map.get(keyword) else {
            continue;
        };
        match members.as_slice() {
            [] => {
                map.remove(keyword);
                if !map.contains_key("enum") && !map.contains_key("type") {
                    map.insert(Value::from("enum"), Value::Sequence(vec![Value::Null]));
                }
            }
            [Value::Mapping(only)] if only.contains_key("$ref") => {
                // `allOf: [$ref]` with `nullable` is how 3.0 says "this type or null".
                let only = Value::Mapping(only.clone());
                map.remove(keyword);
                let all = map
                    .entry(Value::from("allOf"))
                    .or_insert_with(|| Value::Sequence(Vec::new()));
                if let Value::Sequence(all) = all {
                    all.insert(0, only);
                }
            }
            [Value::Mapping(only)] => {
                let only = only.clone();
                // The member's keywords move up unless the schema already sets them.
                if only.keys().all(|k| !map.contains_key(k) || k == "nullable") {
                    map.remove(keyword);
                    for (k, v) in only {
                        if k.as_str() != Some("nullable") {
                            map.insert(k, v);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// In 3.1 a `$ref` may stand beside other keywords. Annotations beside it change no type and stay
/// (3.0 readers ignore them); anything else is kept by moving the reference into an `allOf`.
fn ref_with_siblings(map: &mut Mapping) {
    if !map.contains_key("$ref") {
        return;
    }
    // The referenced schema says what type the value has; `type` beside it only repeats that.
    map.remove("type");
    let typed_siblings = map.keys().any(|k| {
        let k = k.as_str().unwrap_or_default();
        k != "$ref" && !ANNOTATIONS.contains(&k) && !k.starts_with("x-")
    });
    if !typed_siblings {
        return;
    }
    let Some(reference) = map.remove("$ref") else {
        return;
    };
    let mut member = Mapping::new();
    member.insert(Value::from("$ref"), reference);
    let all = map
        .entry(Value::from("allOf"))
        .or_insert_with(|| Value::Sequence(Vec::new()));
    if let Value::Sequence(all) = all {
        all.insert(0, Value::Mapping(member));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(yaml: &str) -> (Value, Diagnostics) {
        let mut value: Value = serde_yaml::from_str(yaml).unwrap();
        let mut warnings = Diagnostics::default();
        visit_schemas(&mut value, Kind::Schema, &mut |schema, pointer| {
            normalize_schema(schema, &format!("#/s{}", &pointer[1..]), &mut warnings);
        });
        (value, warnings)
    }

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn schema_rewrites() {
        let table = [
            ("type: [string, 'null']", "{type: string, nullable: true}"),
            ("type: 'null'", "{nullable: true, enum: [null]}"),
            ("type: [integer, number]", "{type: number}"),
            (
                "{type: [string, integer], minimum: 1}",
                "{anyOf: [{type: string}, {minimum: 1, type: integer}]}",
            ),
            (
                "{type: [array, object], items: {type: string}, properties: {x: {type: integer}}}",
                "{anyOf: [{items: {type: string}, type: array}, {properties: {x: {type: integer}}, type: object}]}",
            ),
            ("const: a", "{type: string, enum: [a]}"),
            ("{type: string, const: a}", "{type: string, enum: [a]}"),
            ("const: 3", "{type: integer, enum: [3]}"),
            (
                "{type: string, examples: [a, b]}",
                "{type: string, x-openapi-gen-examples: [a, b]}",
            ),
            (
                "{type: integer, exclusiveMinimum: 0}",
                "{type: integer, minimum: 0, exclusiveMinimum: true}",
            ),
            (
                "{type: integer, exclusiveMaximum: 10, maximum: 5}",
                "{type: integer, maximum: 5}",
            ),
            (
                "{type: string, contentEncoding: base64}",
                "{type: string, format: byte}",
            ),
            (
                "{type: string, contentMediaType: image/png}",
                "{type: string, format: binary}",
            ),
            (
                "{anyOf: [{$ref: '#/components/schemas/A'}, {type: 'null'}]}",
                "{nullable: true, allOf: [{$ref: '#/components/schemas/A'}]}",
            ),
            (
                "{anyOf: [{type: string}, {nullable: true, enum: [null]}]}",
                "{nullable: true, type: string}",
            ),
            (
                "{$ref: '#/components/schemas/A', description: d}",
                "{$ref: '#/components/schemas/A', description: d}",
            ),
            (
                "{$ref: '#/components/schemas/A', nullable: true}",
                "{nullable: true, allOf: [{$ref: '#/components/schemas/A'}]}",
            ),
            (
                "{$ref: '#/components/schemas/A', type: [object, 'null']}",
                "{nullable: true, allOf: [{$ref: '#/components/schemas/A'}]}",
            ),
            (
                "{type: object, patternProperties: {'^x': {type: integer}}}",
                "{type: object, additionalProperties: {type: integer}}",
            ),
            (
                "{type: object, unevaluatedProperties: false}",
                "{type: object, additionalProperties: false}",
            ),
            (
                "{type: array, prefixItems: [{type: integer}, {type: integer}]}",
                "{type: array, items: {type: integer}}",
            ),
            (
                "{type: object, propertyNames: {pattern: '^a'}, dependentRequired: {a: [b]}}",
                "{type: object}",
            ),
        ];
        for (input, expected) in table {
            let (value, warnings) = schema(input);
            assert_eq!(value, yaml(expected), "{input}");
            assert!(warnings.is_empty(), "{input}: {warnings}");
        }
    }

    #[test]
    fn boolean_schemas() {
        assert_eq!(schema("true").0, yaml("{}"));
        assert_eq!(schema("false").0, yaml("{not: {}}"));
    }

    #[test]
    fn degraded_constructs_warn() {
        for input in [
            "{type: object, if: {required: [a]}, then: {required: [b]}}",
            "{type: array, prefixItems: [{type: integer}, {type: string}]}",
            "{type: object, patternProperties: {a: {type: integer}, b: {type: string}}}",
        ] {
            let (_, warnings) = schema(input);
            assert_eq!(warnings.len(), 1, "{input}");
            assert_eq!(warnings.0[0].pointer, "#/s");
        }
    }

    #[test]
    fn documents_become_3_0() {
        let mut warnings = Diagnostics::default();
        let mut origins = Vec::new();
        let document = normalize(
            yaml("{openapi: 3.1.0, info: {title: t, version: '1'}, components: {schemas: {A: {type: [string, 'null']}}}, webhooks: {newPet: {post: {responses: {}}}}}"),
            "spec.yaml",
            "",
            &mut origins,
            &mut warnings,
        );
        assert_eq!(
            document["paths"]["/newPet"][WEBHOOK_MARKER],
            Value::from("newPet")
        );
        assert_eq!(origins[0].pointer, "#/webhooks/newPet");
        assert_eq!(origins[0].bundled, "#/paths/~1newPet");
        assert_eq!(document["openapi"], Value::from("3.0.3"));
        assert_eq!(
            document["components"]["schemas"]["A"],
            yaml("{type: string, nullable: true}")
        );
    }
}
