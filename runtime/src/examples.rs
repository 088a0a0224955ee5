//! Test support for the schema examples of the API description: each one must read into its
//! generated type and write back as the same JSON.
//!
//! This file is written once, by hand, in the generator (`generator/src/runtime/`) and copied into
//! every generated API whose `example_tests` module is emitted; it is compiled for tests only.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// One schema example, as emitted in `example_tests.rs`.
pub struct Example {
    /// The schema that carries the example, as a JSON pointer into the API description.
    pub pointer: &'static str,
    /// The example, as compact JSON.
    pub json: &'static str,
    /// Places inside the example whose type has more than one spelling of a value.
    pub loose: &'static [(Loose, &'static str)],
    /// [`round_trip`] for the schema's type.
    pub check: Check,
}

/// The signature of [`round_trip`] once its type is chosen.
pub type Check = fn(&str, &[(Loose, &str)]) -> Result<(), String>;

/// How a value at a given pointer inside an example is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loose {
    /// The schema says `number`: `1` and `1.0` are equal, and a `float` is compared at `f32`
    /// precision.
    Float,
    /// The schema says `date-time`: equal instants are equal (`08:00:00.000Z` is written back
    /// as `08:00:00Z`, and offsets as UTC).
    Instant,
}

/// Reads `json` as `T`, writes it back and compares the two JSON values; reading the written
/// value again must give an equal `T`.
pub fn round_trip<T>(json: &str, loose: &[(Loose, &str)]) -> Result<(), String>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let original: Value = serde_json::from_str(json).map_err(|e| format!("the example is not JSON: {e}"))?;
    let model: T = serde_json::from_str(json).map_err(|e| format!("does not deserialize: {e}"))?;
    let written = serde_json::to_value(&model).map_err(|e| format!("does not serialize: {e}"))?;
    let mut differences = Vec::new();
    compare("", &original, &written, loose, &mut differences);
    if !differences.is_empty() {
        return Err(format!("serializes differently:\n      {}", differences.join("\n      ")));
    }
    let again: T = serde_json::from_value(written).map_err(|e| format!("its serialization does not deserialize: {e}"))?;
    if again != model {
        return Err(format!("reads back as a different value: {again:?} != {model:?}"));
    }
    Ok(())
}

/// Collects `- <pointer>: <expected>` / `+ <pointer>: <written>` lines for every difference.
/// Object keys are compared as sets, so their order does not matter.
fn compare(at: &str, expected: &Value, written: &Value, loose: &[(Loose, &str)], out: &mut Vec<String>) {
    let how = loose.iter().find(|(_, place)| *place == at).map(|(how, _)| *how);
    match (expected, written) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let path = format!("{at}/{}", escape(key));
                match b.get(key) {
                    Some(other) => compare(&path, value, other, loose, out),
                    None => out.push(format!("- {path}: {value} (dropped)")),
                }
            }
            for (key, value) in b.iter().filter(|(key, _)| !a.contains_key(*key)) {
                out.push(format!("+ {at}/{}: {value} (added)", escape(key)));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                compare(&format!("{at}/{index}"), x, y, loose, out);
            }
        }
        (Value::Number(a), Value::Number(b)) if how == Some(Loose::Float) => {
            let (x, y) = (a.as_f64(), b.as_f64());
            if x != y && !x.zip(y).is_some_and(|(x, y)| x as f32 == y as f32) {
                out.push(format!("- {}: {a}\n      + {}: {b}", or_root(at), or_root(at)));
            }
        }
        (Value::String(a), Value::String(b)) if how == Some(Loose::Instant) => {
            let instant = |text: &str| chrono::DateTime::parse_from_rfc3339(text).ok();
            if a != b && (instant(a).is_none() || instant(a) != instant(b)) {
                out.push(format!("- {}: {a:?}\n      + {}: {b:?}", or_root(at), or_root(at)));
            }
        }
        _ if expected == written => {}
        _ => out.push(format!("- {}: {expected}\n      + {}: {written}", or_root(at), or_root(at))),
    }
}

fn or_root(at: &str) -> &str {
    if at.is_empty() {
        "(root)"
    } else {
        at
    }
}

/// A JSON pointer segment (`~` and `/` escaped).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Checks every example and reports all failures at once. `found` and `found_objects` are how many
/// examples (and whole-object ones) the generator emitted; with `every_feature` they must all
/// have been compiled in and checked.
pub fn check_all(examples: &[Example], found: usize, found_objects: usize, every_feature: bool) {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut objects = 0;
    for example in examples {
        checked += 1;
        if example.json.starts_with('{') {
            objects += 1;
        }
        if let Err(message) = (example.check)(example.json, example.loose) {
            failures.push(format!("{}\n    example: {}\n    {message}", example.pointer, example.json));
        }
    }
    eprintln!(
        "schema examples: {checked} checked ({objects} whole objects), {} pass, {} fail; the generator found {found} ({found_objects} whole objects)",
        checked - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {checked} schema examples do not round-trip:\n{}", failures.len(), failures.join("\n"));
    if every_feature {
        assert_eq!((checked, objects), (found, found_objects), "with every feature on, every example the generator found must be checked");
    } else {
        assert!(checked <= found && objects <= found_objects, "more examples checked than found");
    }
}
