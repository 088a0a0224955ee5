//! Parses YAML or JSON text into a `serde_yaml::Value`, reading integers of any size; JSON text
//! is read by a JSON parser, which is faster and accepts what JSON allows and YAML does not (C1
//! control characters inside strings).
//!
//! serde_yaml's own `Value` refuses an integer literal outside `i64`/`u64` (real specs write
//! `minimum: -9223372036854776000`, a float printed without its exponent); here such a literal
//! becomes the float it stands for, and `integers.rs` decides what it means for the schema.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Number, Value};

/// Parses `source` like `serde_yaml::from_str::<Value>` does, except for integers past 64 bits.
pub(crate) fn from_str(source: &str) -> Result<Value, serde_yaml::Error> {
    AnyValue.deserialize(serde_yaml::Deserializer::from_str(source))
}

/// Parses JSON text into the same value [`from_str`] gives for it.
pub(crate) fn from_json_str(source: &str) -> Result<Value, serde_json::Error> {
    // serde_json refuses nesting past 128 levels, as serde_yaml does.
    let mut deserializer = serde_json::Deserializer::from_str(source);
    let value = AnyValue.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// A seed that reads one value of any shape.
#[derive(Clone, Copy)]
struct AnyValue;

impl<'de> DeserializeSeed<'de> for AnyValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(AnyValue)
    }
}

impl<'de> Visitor<'de> for AnyValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_i128<E>(self, n: i128) -> Result<Value, E> {
        Ok(Value::Number(match i64::try_from(n) {
            Ok(n) => n.into(),
            Err(_) => Number::from(n as f64),
        }))
    }

    fn visit_u128<E>(self, n: u128) -> Result<Value, E> {
        Ok(Value::Number(match u64::try_from(n) {
            Ok(n) => n.into(),
            Err(_) => Number::from(n as f64),
        }))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(AnyValue)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(AnyValue)? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut mapping = Mapping::new();
        while let Some(key) = map.next_key_seed(AnyValue)? {
            if mapping.contains_key(&key) {
                let shown = match &key {
                    Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                };
                return Err(de::Error::custom(format_args!(
                    "duplicate entry with key \"{shown}\""
                )));
            }
            let value = map.next_value_seed(AnyValue)?;
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (tag, contents) = data.variant_seed(TagName)?;
        let value = contents.newtype_variant_seed(AnyValue)?;
        Ok(Value::Tagged(Box::new(TaggedValue {
            tag: Tag::new(tag),
            value,
        })))
    }
}

/// Reads the tag of a tagged value (`!tag value`).
struct TagName;

impl<'de> DeserializeSeed<'de> for TagName {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        <String as serde::Deserialize>::deserialize(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_serde_yaml() {
        let text = "a: [1, -2, 2.5, true, null, x, ~]\nb: {c: d}\n'200': !tag v\n";
        assert_eq!(
            from_str(text).unwrap(),
            serde_yaml::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn json_reads_like_yaml_and_takes_c1_controls() {
        let text =
            r#"{"a": [1, -2, 2.5, true, null, "x"], "b": {"c": "d"}, "big": 18446744073709552000}"#;
        assert_eq!(from_json_str(text).unwrap(), from_str(text).unwrap());
        // U+0099 inside a string: JSON allows it, YAML does not.
        let text = "{\"description\": \"line\u{99}next\"}";
        assert!(from_str(text).is_err());
        assert_eq!(
            from_json_str(text).unwrap()["description"].as_str(),
            Some("line\u{99}next")
        );
        let error = from_json_str("{\"a\": 1,\n \"a\" 2}").unwrap_err();
        assert_eq!(error.line(), 2);
    }

    #[test]
    fn integers_past_64_bits_become_floats() {
        let value = from_str(
            "{min: -9223372036854776000, max: 18446744073709552000, u: 18446744073709551615}",
        )
        .unwrap();
        assert_eq!(value["min"].as_f64(), Some(-9223372036854776000.0));
        assert_eq!(value["max"].as_f64(), Some(18446744073709552000.0));
        assert_eq!(value["u"].as_u64(), Some(u64::MAX));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let error = from_str("a: 1\na: 2\n").unwrap_err();
        assert!(error.to_string().contains("duplicate entry"), "{error}");
        assert!(error.location().is_some());
    }
}
