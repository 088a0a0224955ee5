//! Brings integer-schema keywords to what the 3.0 model holds (`i64` bounds and enum values,
//! `usize` lengths and counts), so a spec may write integers of any size.
//!
//! YAML and JSON readers give a literal past `u64` (`18446744073709552000`) or below `i64`
//! (`-9223372036854776000`) as a float, and `openapiv3` refuses a float where it wants an integer.
//! A value that is a whole number inside the range becomes an integer; a bound outside it says
//! nothing a 64-bit type does not already enforce, so it is dropped silently; an enum value outside
//! it cannot be represented, so the enum is dropped with a warning.

use serde_yaml::{Mapping, Number, Value};

use super::kind::{visit_schemas, Kind};
use crate::diagnostics::{catalog, Diagnostics};

/// Rewrites every schema of the (3.0-shaped) document.
pub(crate) fn fit_integers(document: &mut Value, warnings: &mut Diagnostics) {
    visit_schemas(document, Kind::Root, &mut |schema, pointer| {
        if let Value::Mapping(map) = schema {
            fit_schema(map, pointer, warnings);
        }
    });
}

/// Keywords that `openapiv3` reads as `usize`, whatever the type.
const COUNTS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

fn fit_schema(map: &mut Mapping, pointer: &str, warnings: &mut Diagnostics) {
    for keyword in COUNTS {
        let Some(value) = map.get(*keyword) else {
            continue;
        };
        if value.as_u64().is_some() {
            continue;
        }
        // A negative count is no limit, and one past `u64` none that matters.
        match as_whole(value).filter(|n| *n >= 0.0 && *n < u64::MAX as f64) {
            Some(n) => {
                map.insert(Value::from(*keyword), Value::from(n as u64));
            }
            None => {
                map.remove(*keyword);
            }
        }
    }
    // YAML reads a number too large for `f64` (`1e400`) as a string: no bound at all.
    for keyword in ["minimum", "maximum", "multipleOf"] {
        if let Some(Value::String(text)) = map.get(keyword) {
            match text.parse::<f64>() {
                Ok(n) if n.is_finite() => {
                    map.insert(Value::from(keyword), Value::from(n));
                }
                Ok(_) => {
                    map.remove(keyword);
                }
                Err(_) => {}
            }
        }
    }
    if map.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for keyword in ["minimum", "maximum", "multipleOf"] {
        let Some(value) = map.get(keyword) else {
            continue;
        };
        if value.as_i64().is_some() {
            continue;
        }
        match as_whole(value).and_then(to_i64) {
            Some(n) => {
                map.insert(Value::from(keyword), Value::from(n));
            }
            None => {
                map.remove(keyword);
            }
        }
    }
    let Some(Value::Sequence(values)) = map.get("enum") else {
        return;
    };
    let mut fitted = Vec::with_capacity(values.len());
    for value in values {
        match value {
            Value::Null => fitted.push(Value::Null),
            v if v.as_i64().is_some() => fitted.push(v.clone()),
            v => match as_whole(v).and_then(to_i64) {
                Some(n) => fitted.push(Value::Number(Number::from(n))),
                None => {
                    let shown = serde_yaml::to_string(v).unwrap_or_default();
                    warnings.push(catalog::integer_out_of_range(pointer, "enum", shown.trim()));
                    map.remove("enum");
                    return;
                }
            },
        }
    }
    map.insert(Value::from("enum"), Value::Sequence(fitted));
}

/// The value as a whole number, if it is one.
fn as_whole(value: &Value) -> Option<f64> {
    let n = value.as_f64()?;
    (n.is_finite() && n.fract() == 0.0).then_some(n)
}

/// A whole number inside the `i64` range (the range's ends are exact in `f64`).
fn to_i64(n: f64) -> Option<i64> {
    (n >= i64::MIN as f64 && n < i64::MAX as f64).then_some(n as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fitted(yaml: &str) -> (Value, usize) {
        let Value::Mapping(mut map) = crate::load::yaml::from_str(yaml).unwrap() else {
            panic!("{yaml} is not a mapping");
        };
        let mut warnings = Diagnostics::default();
        fit_schema(&mut map, "#/s", &mut warnings);
        (Value::Mapping(map), warnings.len())
    }

    fn yaml(text: &str) -> Value {
        crate::load::yaml::from_str(text).unwrap()
    }

    #[test]
    fn integers_of_any_size() {
        let table = [
            (
                "{type: integer, minimum: -9223372036854776000, maximum: 18446744073709552000}",
                "{type: integer, minimum: -9223372036854775808}",
                0,
            ),
            (
                "{type: integer, minimum: 1.0, maximum: 18446744073709551615}",
                "{type: integer, minimum: 1}",
                0,
            ),
            (
                "{type: integer, minimum: -5, maximum: 5}",
                "{type: integer, minimum: -5, maximum: 5}",
                0,
            ),
            (
                "{type: integer, enum: [1, 2.0, null]}",
                "{type: integer, enum: [1, 2, null]}",
                0,
            ),
            (
                "{type: integer, enum: [1, 18446744073709551615]}",
                "{type: integer}",
                1,
            ),
            (
                "{type: string, maxLength: 1e30, minLength: 2.0}",
                "{type: string, minLength: 2}",
                0,
            ),
        ];
        for (input, expected, warned) in table {
            let (value, warnings) = fitted(input);
            assert_eq!(value, yaml(expected), "{input}");
            assert_eq!(warnings, warned, "{input}");
        }
    }
}
