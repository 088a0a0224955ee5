//! Helpers for generated code: discriminated unions through their JSON object, and parameter
//! values through their text form.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Serializes a variant of a discriminated union: the variant's own JSON object with the tag
/// property set (added when the variant's schema does not list it).
pub fn serialize_tagged<S: Serializer, T: Serialize>(serializer: S, tag: &str, value: &str, inner: &T) -> Result<S::Ok, S::Error> {
    use serde::ser::Error as _;
    let mut json = serde_json::to_value(inner).map_err(S::Error::custom)?;
    match &mut json {
        serde_json::Value::Object(map) => {
            map.entry(tag.to_owned()).or_insert_with(|| serde_json::Value::String(value.to_owned()));
        }
        _ => return Err(S::Error::custom(format!("variant `{value}` is not a JSON object"))),
    }
    json.serialize(serializer)
}

/// Reads a discriminated union: the tag's value and the whole object (tag included), so the
/// variant struct sees the tag property too when its schema lists it.
pub fn read_tagged<'de, D: Deserializer<'de>>(deserializer: D, tag: &str) -> Result<(String, serde_json::Value), D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    let found = match value.get(tag) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => return Err(D::Error::custom(format!("missing discriminator property `{tag}`"))),
    };
    Ok((found, value))
}

/// Deserializes a union variant from the JSON object read by [`read_tagged`].
pub fn from_tagged_value<T: DeserializeOwned, E: serde::de::Error>(value: serde_json::Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// The text form of a parameter value: strings as they are, numbers and booleans in JSON
/// notation, anything else as JSON. A value that cannot be serialized is an error, never an
/// empty or missing parameter.
pub fn param_string<T: Serialize + ?Sized>(value: &T) -> Result<String, String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(serde_json::Value::Null) => Ok(String::new()),
        Ok(other) => Ok(other.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// Parses the text form of a parameter: first as a JSON string (strings, enums, UUIDs, dates),
/// then as JSON (numbers, booleans).
pub fn parse_param<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .or_else(|first| serde_json::from_str(text).map_err(|_| first.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_round_trip_through_text() {
        assert_eq!(param_string("a b").as_deref(), Ok("a b"));
        assert_eq!(param_string(&42).as_deref(), Ok("42"));
        assert_eq!(param_string(&true).as_deref(), Ok("true"));
        assert_eq!(parse_param::<i64>("42"), Ok(42));
        assert_eq!(parse_param::<String>("42"), Ok("42".to_owned()));
        assert!(parse_param::<i64>("x").is_err());
    }

    #[test]
    fn a_value_that_cannot_be_serialized_is_an_error() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1);
        assert!(param_string(&map).unwrap_err().contains("key must be a string"));
    }
}
