//! Serde support for the model types, written once instead of derived per type.
//!
//! `derive(Serialize, Deserialize)` expands to five or six functions per struct (a field
//! visitor, sequence and map visitors, per-field wrapper types for `with` attributes) that the
//! compiler then type-checks and borrow-checks one by one; on a large API that is most of the
//! crate's compile time. The macros below expand to one short call per field into the generic
//! helpers of this module, which are checked once. The wire behaviour is the derive's: unknown
//! keys are ignored (or collected), duplicate keys and missing required keys are errors that
//! keep the deserializer's position.
//!
//! The macros name this module `rt::model` and are meant for the generated `model.rs`, which
//! imports the runtime as `rt`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap};

/// `Serialize` and `Deserialize` for a struct with named fields, as a JSON object.
///
/// `object!(Name { kind field, kind field = "wireName", ... } rest extra)`: each field is
/// `req` (always present), `null` (required but nullable: written as `null`, read as `None`
/// when absent), `opt` (omitted when `None`) or `optnull` (`Option<Option<T>>`: absent, `null`
/// or a value). The wire name defaults to the field's name. `rest` names a map field that
/// collects the keys the schema does not declare.
#[allow(unused_macros)]
macro_rules! object {
    (@wire $field:ident) => { ::core::stringify!($field) };
    (@finish req $field:ident $($wire:literal)?) => {
        match $field {
            ::core::option::Option::Some(value) => value,
            ::core::option::Option::None => return ::core::result::Result::Err(::serde::de::Error::missing_field(rt::object!(@wire $field $($wire)?))),
        }
    };
    // Absent and `null` are both `None` (a server that leaves out a required nullable property
    // is tolerated).
    (@finish null $field:ident $($wire:literal)?) => { ::core::option::Option::flatten($field) };
    (@finish opt $field:ident $($wire:literal)?) => { ::core::option::Option::flatten($field) };
    // Absent is `None`, `null` is `Some(None)`.
    (@finish optnull $field:ident $($wire:literal)?) => { $field };
    (@wire $field:ident $wire:literal) => { $wire };
    (@unknown $map:ident $key:ident) => { rt::model::skip(&mut $map) };
    (@unknown $map:ident $key:ident $rest:ident) => { rt::model::collect(&mut $map, &mut $rest, $key) };
    ($name:ident { $($kind:ident $field:ident $(= $wire:literal)?),* $(,)? } $(rest $rest:ident)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                let mut map = ::serde::Serializer::serialize_map(serializer, ::core::option::Option::None)?;
                $(rt::model::write::$kind(&mut map, rt::object!(@wire $field $($wire)?), &self.$field)?;)*
                $(rt::model::write_all(&mut map, &self.$rest)?;)?
                ::serde::ser::SerializeMap::end(map)
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(::core::concat!("an object (", ::core::stringify!($name), ")"))
                    }
                    fn visit_map<__M: ::serde::de::MapAccess<'de>>(self, mut map: __M) -> ::core::result::Result<$name, __M::Error> {
                        $(let mut $field = ::core::option::Option::None;)*
                        $(let mut $rest = ::core::default::Default::default();)?
                        while let ::core::option::Option::Some(key) = ::serde::de::MapAccess::next_key::<rt::model::Key<'de>>(&mut map)? {
                            // One `?` for all arms: an exit per field would multiply the work of
                            // the borrow checker.
                            match key.as_str() {
                                $(rt::object!(@wire $field $($wire)?) => rt::model::read(&mut map, &mut $field, rt::object!(@wire $field $($wire)?)),)*
                                _ => rt::object!(@unknown map key $($rest)?),
                            }?
                        }
                        ::core::result::Result::Ok($name {
                            $($field: rt::object!(@finish $kind $field $($wire)?),)*
                            $($rest,)?
                        })
                    }
                }
                const FIELDS: &[&str] = &[$(rt::object!(@wire $field $($wire)?)),*];
                ::serde::Deserializer::deserialize_struct(deserializer, ::core::stringify!($name), FIELDS, __Visitor)
            }
        }
    };
}

/// The impls of a string enum with an `Unknown(String)` catch-all: `as_str`, `Display`,
/// conversions to and from `String`, and serde through the string, so only JSON strings are
/// accepted and values this version does not know survive a round trip.
#[allow(unused_macros)]
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(other) => other,
                }
            }
        }
        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::Unknown(value),
                }
            }
        }
        impl ::core::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> Self {
                match value {
                    $name::Unknown(other) => other,
                    known => ::std::borrow::ToOwned::to_owned(known.as_str()),
                }
            }
        }
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

/// The impls of an integer enum with an `Unknown(i64)` catch-all: conversions to and from
/// `i64`, and serde through the integer.
#[allow(unused_macros)]
macro_rules! integer_enum {
    ($name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        impl ::core::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other),
                }
            }
        }
        impl ::core::convert::From<$name> for i64 {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => $value,)*
                    $name::Unknown(other) => other,
                }
            }
        }
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_i64(i64::from(*self))
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use {integer_enum, object, string_enum};

/// An object key, borrowed from the input when the deserializer can lend it.
pub enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }
            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads a declared field's value; a key given twice is an error, as with serde's derive.
pub fn read<'de, M: MapAccess<'de>, T: Deserialize<'de>>(map: &mut M, slot: &mut Option<T>, wire: &'static str) -> Result<(), M::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(wire));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Skips the value of a key the schema does not declare.
pub fn skip<'de, M: MapAccess<'de>>(map: &mut M) -> Result<(), M::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// Keeps the value of a key the schema does not declare, for types with additional properties.
pub fn collect<'de, M: MapAccess<'de>, T: Deserialize<'de>>(map: &mut M, rest: &mut std::collections::BTreeMap<String, T>, key: Key<'de>) -> Result<(), M::Error> {
    let value = map.next_value()?;
    let key = match key {
        Key::Borrowed(key) => key.to_owned(),
        Key::Owned(key) => key,
    };
    rest.insert(key, value);
    Ok(())
}

/// Writes the additional properties after the declared fields.
pub fn write_all<M: SerializeMap, T: Serialize>(map: &mut M, rest: &std::collections::BTreeMap<String, T>) -> Result<(), M::Error> {
    rest.iter().try_for_each(|(key, value)| map.serialize_entry(key, value))
}

/// How each kind of field is written (see [`object!`]).
pub mod write {
    use serde::ser::{Serialize, SerializeMap};

    /// Always written.
    pub fn req<M: SerializeMap, T: Serialize>(map: &mut M, wire: &'static str, value: &T) -> Result<(), M::Error> {
        map.serialize_entry(wire, value)
    }

    /// Always written, as `null` when `None`.
    pub fn null<M: SerializeMap, T: Serialize>(map: &mut M, wire: &'static str, value: &Option<T>) -> Result<(), M::Error> {
        map.serialize_entry(wire, value)
    }

    /// Left out when `None`.
    pub fn opt<M: SerializeMap, T: Serialize>(map: &mut M, wire: &'static str, value: &Option<T>) -> Result<(), M::Error> {
        match value {
            Some(value) => map.serialize_entry(wire, value),
            None => Ok(()),
        }
    }

    /// Left out when `None`, written as `null` when `Some(None)`.
    pub fn optnull<M: SerializeMap, T: Serialize>(map: &mut M, wire: &'static str, value: &Option<Option<T>>) -> Result<(), M::Error> {
        opt(map, wire, value)
    }
}
