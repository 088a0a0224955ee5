//! Helpers for generated code: discriminated unions through their JSON object, and parameter
//! values through their text form.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, StringDeserializer};
use serde::de::{DeserializeOwned, DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::ser::{Error as _, Impossible, SerializeMap, SerializeStruct};
use serde::{Deserializer, Serialize, Serializer};

use crate::model::Key;

/// Serializes a variant of a discriminated union as its own JSON object with the tag property.
///
/// `written` says whether the variant writes the tag itself (its schema lists it as a required
/// property): then it is written as it is. Otherwise the tag is written first, then the
/// variant's fields; a variant that is not a JSON object is an error.
pub fn serialize_tagged<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    tag: &'static str,
    value: &'static str,
    inner: &T,
    written: bool,
) -> Result<S::Ok, S::Error> {
    if written {
        inner.serialize(serializer)
    } else {
        inner.serialize(TagFirst { inner: serializer, tag, value })
    }
}

/// Serializes a variant that may or may not write the tag itself through its JSON object: the
/// tag property is added when missing.
pub fn serialize_tagged_value<S: Serializer, T: Serialize + ?Sized>(
    serializer: S,
    tag: &str,
    value: &str,
    inner: &T,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(inner).map_err(S::Error::custom)?;
    match &mut json {
        serde_json::Value::Object(map) => {
            map.entry(tag.to_owned()).or_insert_with(|| serde_json::Value::String(value.to_owned()));
        }
        _ => return Err(S::Error::custom(format!("variant `{value}` is not a JSON object"))),
    }
    json.serialize(serializer)
}

/// A serializer that accepts only a map (or struct) and writes the tag entry before its entries.
struct TagFirst<S> {
    inner: S,
    tag: &'static str,
    value: &'static str,
}

impl<S: Serializer> TagFirst<S> {
    fn refuse(self) -> S::Error {
        S::Error::custom(format!("variant `{}` is not a JSON object", self.value))
    }

    fn open(self, len: Option<usize>) -> Result<S::SerializeMap, S::Error> {
        let mut map = self.inner.serialize_map(len.map(|n| n + 1))?;
        map.serialize_entry(self.tag, self.value)?;
        Ok(map)
    }
}

/// The entries of the variant, after the tag.
struct Entries<M>(M);

impl<M: SerializeMap> SerializeMap for Entries<M> {
    type Ok = M::Ok;
    type Error = M::Error;
    fn serialize_key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), M::Error> {
        self.0.serialize_key(key)
    }
    fn serialize_value<V: Serialize + ?Sized>(&mut self, value: &V) -> Result<(), M::Error> {
        self.0.serialize_value(value)
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(&mut self, key: &K, value: &V) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }
    fn end(self) -> Result<M::Ok, M::Error> {
        self.0.end()
    }
}

impl<M: SerializeMap> SerializeStruct for Entries<M> {
    type Ok = M::Ok;
    type Error = M::Error;
    fn serialize_field<V: Serialize + ?Sized>(&mut self, key: &'static str, value: &V) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }
    fn end(self) -> Result<M::Ok, M::Error> {
        self.0.end()
    }
}

macro_rules! refuse {
    ($($name:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ok, S::Error> { Err(self.refuse()) })*
    };
}

impl<S: Serializer> Serializer for TagFirst<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Entries<S::SerializeMap>;
    type SerializeStruct = Entries<S::SerializeMap>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        self.open(len).map(Entries)
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self::SerializeStruct, S::Error> {
        self.open(Some(len)).map(Entries)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<S::Ok, S::Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<S::Ok, S::Error> {
        Err(self.refuse())
    }
    refuse! {
        serialize_bool(bool) -> S::Ok; serialize_i8(i8) -> S::Ok; serialize_i16(i16) -> S::Ok;
        serialize_i32(i32) -> S::Ok; serialize_i64(i64) -> S::Ok; serialize_u8(u8) -> S::Ok;
        serialize_u16(u16) -> S::Ok; serialize_u32(u32) -> S::Ok; serialize_u64(u64) -> S::Ok;
        serialize_f32(f32) -> S::Ok; serialize_f64(f64) -> S::Ok; serialize_char(char) -> S::Ok;
        serialize_str(&str) -> S::Ok; serialize_bytes(&[u8]) -> S::Ok; serialize_none() -> S::Ok;
        serialize_unit() -> S::Ok; serialize_unit_struct(&'static str) -> S::Ok;
        serialize_unit_variant(&'static str, u32, &'static str) -> S::Ok;
        serialize_seq(Option<usize>) -> Self::SerializeSeq; serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
}

/// A discriminated union's choice of variant by tag value, written per union type.
pub trait ReadTagged<'de>: Sized {
    /// Reads the variant `value` selects from `deserializer`, which replays the whole object
    /// (tag included, so a variant whose schema lists the tag property sees it).
    fn read_variant<D: Deserializer<'de>>(value: &str, deserializer: D) -> Result<Self, D::Error>;
}

/// Buffers the object of a discriminated union whose tag value several variants share, so each
/// can be tried in turn.
pub fn buffer_variant<'de, D: Deserializer<'de>>(deserializer: D) -> Result<serde_json::Value, D::Error> {
    serde::Deserialize::deserialize(deserializer)
}

/// Tries one of the variants that share a tag value on the buffered object.
pub fn try_variant<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, serde_json::Error> {
    T::deserialize(value)
}

/// Reads a discriminated union in one pass: the keys before the tag are buffered (none, when
/// the tag comes first, as this crate writes it), then the variant reads the buffered entries,
/// the tag and the rest of the object straight from the input.
pub fn read_tagged<'de, D: Deserializer<'de>, T: ReadTagged<'de>>(deserializer: D, tag: &'static str) -> Result<T, D::Error> {
    deserializer.deserialize_map(TaggedVisitor { tag, marker: PhantomData })
}

struct TaggedVisitor<T> {
    tag: &'static str,
    marker: PhantomData<T>,
}

impl<'de, T: ReadTagged<'de>> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` property", self.tag)
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<T, M::Error> {
        let mut before = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == self.tag {
                let value = map.next_value::<TagValue<'de>>()?;
                let text = match &value {
                    TagValue::Borrowed(text) => Cow::Borrowed(*text),
                    TagValue::Json(serde_json::Value::String(text)) => Cow::Owned(text.clone()),
                    TagValue::Json(other) => Cow::Owned(other.to_string()),
                };
                let replay = Replay { before: before.into_iter(), tag: Some((key, value)), pending: None, rest: map };
                return T::read_variant(&text, replay);
            }
            before.push((key, map.next_value::<serde_json::Value>()?));
        }
        Err(M::Error::custom(format_args!("missing discriminator property `{}`", self.tag)))
    }
}

/// The tag's value: borrowed from the input when it is a plain string (the usual case, read
/// without allocating), any other JSON scalar as it is.
enum TagValue<'de> {
    Borrowed(&'de str),
    Json(serde_json::Value),
}

impl<'de> serde::Deserialize<'de> for TagValue<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TagValueVisitor)
    }
}

struct TagValueVisitor;

impl<'de> Visitor<'de> for TagValueVisitor {
    type Value = TagValue<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a discriminator value")
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Borrowed(v))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Json(v.into()))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Json(v.into()))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Json(v.into()))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Json(v.into()))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Json(v.into()))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Json(v.into()))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<TagValue<'de>, E> {
        Ok(TagValue::Json(serde_json::Value::Null))
    }
}

/// The object of a discriminated union again, for its variant: the entries read before the
/// tag, the tag, then the rest of the input's map.
struct Replay<'de, M> {
    before: std::vec::IntoIter<(Key<'de>, serde_json::Value)>,
    tag: Option<(Key<'de>, TagValue<'de>)>,
    pending: Option<TagValue<'de>>,
    rest: M,
}

impl<'de, M: MapAccess<'de>> Deserializer<'de> for Replay<'de, M> {
    type Error = M::Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, M::Error> {
        visitor.visit_map(self)
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, M: MapAccess<'de>> MapAccess<'de> for Replay<'de, M> {
    type Error = M::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, M::Error> {
        let entry = match self.before.next() {
            Some((key, value)) => Some((key, TagValue::Json(value))),
            None => self.tag.take(),
        };
        match entry {
            Some((key, value)) => {
                self.pending = Some(value);
                let key = match key {
                    Key::Borrowed(key) => seed.deserialize(BorrowedStrDeserializer::<M::Error>::new(key)),
                    Key::Owned(key) => seed.deserialize(StringDeserializer::<M::Error>::new(key)),
                };
                key.map(Some)
            }
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, M::Error> {
        match self.pending.take() {
            Some(TagValue::Borrowed(text)) => seed.deserialize(BorrowedStrDeserializer::new(text)),
            Some(TagValue::Json(value)) => seed.deserialize(value).map_err(M::Error::custom),
            None => self.rest.next_value_seed(seed),
        }
    }
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
