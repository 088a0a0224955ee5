//! Runtime support shared by the generated model, client and server of one API.
//!
//! This file is written once, by hand, in the generator (`generator/src/runtime/`) and copied into
//! every generated API so that the output depends on crates.io crates only.

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;
#[cfg(test)]
pub mod examples;
pub mod model;
pub mod responses;

#[allow(unused_imports)]
pub(crate) use model::{integer_enum, newtype, object, string_enum};
#[allow(unused_imports)]
pub(crate) use responses::responses;

use std::fmt;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A credential (token, API key, password) that never shows up in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the code that has to send or check it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<T: Into<String>> From<T> for Secret {
    fn from(value: T) -> Self {
        Self(value.into())
    }
}

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
/// notation, anything else as JSON.
pub fn param_string<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) => String::new(),
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
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
        assert_eq!(param_string("a b"), "a b");
        assert_eq!(param_string(&42), "42");
        assert_eq!(param_string(&true), "true");
        assert_eq!(parse_param::<i64>("42"), Ok(42));
        assert_eq!(parse_param::<String>("42"), Ok("42".to_owned()));
        assert!(parse_param::<i64>("x").is_err());
    }

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(***)");
    }
}
