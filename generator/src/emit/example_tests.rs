//! Emits `example_tests.rs`: a test that reads every `example` of a schema or JSON body into its
//! generated type and checks that it writes back as the same JSON.
//!
//! The module is a table, one line per example (its type, the schema's JSON pointer and the
//! example as JSON), behind the same `cfg` as the types it names; the checking code is the
//! hand-written `runtime/examples.rs`.

use std::collections::BTreeMap;
use std::str::FromStr;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::common::{ident, rust_type, ModelPath};
use super::features::{every_feature, type_cfg};
use crate::ir::{Api, Example, Type, TypeKind};

/// The examples the output checks: every one except those of raw binary types, which are bytes
/// rather than JSON and have no JSON example to compare.
pub fn checked_examples(api: &Api) -> Vec<&Example> {
    api.examples
        .iter()
        .filter(|example| !mentions_binary(&example.ty))
        .collect()
}

fn mentions_binary(ty: &Type) -> bool {
    match ty {
        Type::Binary => true,
        Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => mentions_binary(inner),
        _ => false,
    }
}

pub fn emit_example_tests(
    api: &Api,
    tag_features: bool,
    known_bad: &BTreeMap<String, String>,
) -> TokenStream {
    let (bad, examples): (Vec<&Example>, Vec<&Example>) = checked_examples(api)
        .into_iter()
        .partition(|e| known_bad.contains_key(&e.pointer));
    let found = Literal::usize_unsuffixed(examples.len());
    let found_objects =
        Literal::usize_unsuffixed(examples.iter().filter(|e| e.value.is_object()).count());
    let row = |example: &Example| {
        let cfg = if tag_features {
            type_cfg(api, &example.ty)
        } else {
            TokenStream::new()
        };
        let ty = rust_type(api, &example.ty, ModelPath::Sibling);
        let pointer = &example.pointer;
        let json = raw_string(&sorted_keys(&example.value).to_string());
        let mut loose = Vec::new();
        loose_places(api, &example.ty, &example.value, "", &mut loose);
        let loose = loose.iter().map(|(how, at)| {
            let how = ident(how);
            quote!((Loose::#how, #at))
        });
        let row = quote!(Example {
            pointer: #pointer,
            json: #json,
            loose: &[#(#loose),*],
            check: round_trip::<#ty>,
        });
        (cfg, row)
    };
    let rows = examples.iter().map(|example| {
        let (cfg, row) = row(example);
        quote!(#cfg #row,)
    });
    let bad_rows = bad.iter().map(|example| {
        let (cfg, row) = row(example);
        let reason = known_bad.get(&example.pointer).map_or("", String::as_str);
        quote!(#cfg (#row, #reason),)
    });
    let known_bad_test = (!bad.is_empty()).then(|| {
        quote! {
            /// Examples that contradict their schema in the API description, each with the
            /// reason; each must still fail, so an exception goes once the description is fixed.
            const KNOWN_BAD: &[(Example, &str)] = &[
                #(#bad_rows)*
            ];

            #[test]
            fn known_bad_examples_still_fail() {
                for (example, reason) in KNOWN_BAD {
                    assert!(
                        (example.check)(example.json, example.loose).is_err(),
                        "{} now round-trips: remove its known-bad exception ({reason})",
                        example.pointer
                    );
                }
            }
        }
    });
    let every_feature = if tag_features {
        every_feature(api)
    } else {
        quote!(true)
    };
    quote! {
        //! Every `example` of a schema or JSON body in the API description must read into its
        //! generated type and write back as the same JSON: object keys in any order; where the
        //! schema says `number`, `1` and `1.0` are equal; where it says `date-time`, equal
        //! instants are.
        #[allow(unused_imports)]
        use ::openapi_gen_runtime::__private::examples::{check_all, round_trip, Example, Loose};
        #[allow(unused_imports)]
        use super::model;

        /// How many examples the generator found (known-bad ones aside), and how many of them are
        /// whole objects.
        const FOUND: usize = #found;
        const FOUND_OBJECTS: usize = #found_objects;

        /// One row per example: where the spec writes it, the example as JSON, the places compared
        /// loosely, and its type. Model types are named through `model::`, so rows that features
        /// leave out cannot leave an import unused.
        const EXAMPLES: &[Example] = &[
            #(#rows)*
        ];

        #[test]
        fn schema_examples_round_trip() {
            check_all(EXAMPLES, FOUND, FOUND_OBJECTS, #every_feature);
        }

        #known_bad_test
    }
}

/// The value with every object's keys in sorted order, so the emitted text does not depend on
/// whether some dependency turns on `serde_json`'s `preserve_order`.
fn sorted_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|key| (key.clone(), sorted_keys(&map[key])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

/// A raw string literal holding `text`, with enough `#`s that the text cannot close it.
fn raw_string(text: &str) -> Literal {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    Literal::from_str(&format!("r{hashes}\"{text}\"{hashes}"))
        .expect("a raw string literal with enough hashes always lexes")
}

/// Places inside `value` whose type may write the value back with another spelling: a float
/// (`1` written back as `1.0`, or a value `f32` cannot hold) or a date-time (`.000Z` dropped).
fn loose_places(
    api: &Api,
    ty: &Type,
    value: &Value,
    at: &str,
    out: &mut Vec<(&'static str, String)>,
) {
    match (ty, value) {
        (Type::DateTime, Value::String(_)) => out.push(("Instant", at.to_owned())),
        (Type::Nullable(inner), _) => loose_places(api, inner, value, at, out),
        (Type::F32 | Type::F64, Value::Number(n)) => {
            let exact = match (ty, n.as_f64()) {
                (Type::F32, Some(x)) => n.is_f64() && f64::from(x as f32) == x,
                _ => n.is_f64(),
            };
            if !exact {
                out.push(("Float", at.to_owned()));
            }
        }
        (Type::Array(inner), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                loose_places(api, inner, item, &format!("{at}/{index}"), out);
            }
        }
        (Type::Map(inner), Value::Object(map)) => {
            for (key, item) in map {
                loose_places(api, inner, item, &child(at, key), out);
            }
        }
        (Type::Named(id), _) => match &api.types.get(*id).kind {
            TypeKind::Alias(inner) | TypeKind::Newtype(inner) => {
                loose_places(api, inner, value, at, out)
            }
            TypeKind::Struct(def) => {
                let Value::Object(map) = value else { return };
                for (key, item) in map {
                    let field = def.fields.iter().find(|f| &f.wire_name == key);
                    let field_ty = field.map(|f| &f.ty).or(def.additional.as_ref());
                    if let Some(field_ty) = field_ty {
                        loose_places(api, field_ty, item, &child(at, key), out);
                    }
                }
            }
            TypeKind::Tagged(def) => {
                let tag = value.get(&def.tag).and_then(Value::as_str);
                let variant = def.variants.iter().find(|v| {
                    v.readable && tag.is_some_and(|tag| v.tag_values.iter().any(|t| t == tag))
                });
                if let Some(variant) = variant {
                    loose_places(api, &variant.ty, value, at, out);
                }
            }
            // Which untagged variant reads the value is decided at run time; a float variant
            // comes after the integer one, so integers keep their spelling there.
            TypeKind::Untagged(_) | TypeKind::Enum(_) => {}
        },
        _ => {}
    }
}

fn child(at: &str, key: &str) -> String {
    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, Reach, StructDef, TypeDef, TypeId, TypeSpace};
    use serde_json::json;

    #[test]
    fn raw_strings_get_enough_hashes() {
        assert_eq!(raw_string("{}").to_string(), "r#\"{}\"#");
        let tricky = "{\"a\":\"#\"}";
        assert_eq!(raw_string(tricky).to_string(), format!("r##\"{tricky}\"##"));
    }

    fn api_with(defs: Vec<TypeDef>) -> Api {
        Api {
            title: String::new(),
            version: String::new(),
            description: None,
            servers: Vec::new(),
            security_schemes: Vec::new(),
            types: TypeSpace { defs },
            operations: Vec::new(),
            webhooks: Vec::new(),
            callbacks: Vec::new(),
            tags: Vec::new(),
            examples: Vec::new(),
            model_shadows_std: false,
            checks: Default::default(),
            response_checks: Default::default(),
            refusals: Vec::new(),
        }
    }

    fn field(wire_name: &str, ty: Type) -> Field {
        Field {
            wire_name: wire_name.to_owned(),
            rust_name: wire_name.to_owned(),
            ty,
            required: true,
            nullable: false,
            doc: None,
            read_only: false,
            write_only: false,
            default: None,
            boxed: false,
        }
    }

    #[test]
    fn floats_are_loose_only_where_their_spelling_may_change() {
        let point = TypeDef {
            wire_name: "Point".to_owned(),
            rust_name: "Point".to_owned(),
            pointer: "#/components/schemas/Point".to_owned(),
            doc: None,
            kind: TypeKind::Struct(StructDef {
                fields: vec![
                    field("x", Type::F64),
                    field("y", Type::F32),
                    field("n", Type::I64),
                    field("at", Type::DateTime),
                ],
                additional: Some(Type::F64),
                recursive: false,
            }),
            reach: Reach::All,
        };
        let api = api_with(vec![point]);
        let ty = Type::Array(Box::new(Type::Named(TypeId(0))));
        let value = json!([
            {"x": 1, "y": 0.5, "n": 3, "at": "2024-01-02T03:04:05Z", "a/b": 2},
            {"x": 1.5, "y": 0.1, "extra": 2.5}
        ]);
        let mut out = Vec::new();
        loose_places(&api, &ty, &value, "", &mut out);
        let expected = [
            ("Instant", "/0/at"),
            ("Float", "/0/a~1b"),
            ("Float", "/0/x"),
            ("Float", "/1/y"),
        ];
        let mut found: Vec<(&str, &str)> = out.iter().map(|(h, at)| (*h, at.as_str())).collect();
        found.sort();
        let mut expected = expected.to_vec();
        expected.sort();
        assert_eq!(found, expected);
    }

    #[test]
    fn binary_examples_are_not_checked() {
        let mut api = api_with(Vec::new());
        api.examples = vec![
            Example {
                pointer: "#/a".to_owned(),
                ty: Type::Binary,
                value: json!("AAA="),
            },
            Example {
                pointer: "#/b".to_owned(),
                ty: Type::String,
                value: json!("x"),
            },
        ];
        let checked: Vec<&str> = checked_examples(&api)
            .iter()
            .map(|e| e.pointer.as_str())
            .collect();
        assert_eq!(checked, ["#/b"]);
    }
}
