//! Serde support for the model types, written once instead of derived per type.
//!
//! `derive(Serialize, Deserialize)` expands to five or six generic functions per struct (field
//! and map visitors, wrapper types for `with` attributes) that the compiler type-checks and
//! borrow-checks one by one: on a large API that is most of the crate's compile time. Here each
//! type gets one short impl per direction whose only work is listing its fields; the loop over
//! the keys lives in this module, written and checked once. Field values go through
//! `erased_serde`, which is what lets that loop be shared by fields of every type.
//!
//! The wire behaviour is the derive's: unknown keys are ignored (or collected into the
//! additional properties), a repeated key or a missing required key is an error raised inside
//! the object, so serde_json reports its line and column.
//!
//! The macros reach this module as `$crate::__private::model`; they are meant for the generated
//! `model.rs` and hidden from the crate's documentation.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};

/// `Serialize` and `Deserialize` for a struct with named fields, as a JSON object.
///
/// `object!(Name { kind field, kind field = "wireName", ... } rest extra)`: each field is
/// `req` (always present), `null` (required but nullable: written as `null`, read as `None`
/// when absent), `opt` (omitted when `None`) or `optnull` (`Option<Option<T>>`: absent, `null`
/// or a value). The wire name defaults to the field's name. `rest` names a map field that
/// collects the keys the schema does not declare. Attributes before the name (the type's `cfg`)
/// go on every impl.
#[doc(hidden)]
#[macro_export]
macro_rules! object {
    (@wire $field:ident) => { ::core::stringify!($field) };
    (@wire $field:ident $wire:literal) => { $wire };
    (@required req) => { true };
    (@required $kind:ident) => { false };
    (@rest) => { ::core::option::Option::None };
    (@rest $rest:ident) => { ::core::option::Option::Some(&mut $rest) };
    (@ser_rest $self:ident) => { ::core::option::Option::None };
    (@ser_rest $self:ident $rest:ident) => { ::core::option::Option::Some(&$self.$rest as &dyn $crate::__private::model::WriteRest) };
    // `read_object` has already refused an object without its required keys.
    (@finish req $field:ident) => {
        match $field {
            ::core::option::Option::Some(value) => value,
            ::core::option::Option::None => return ::core::result::Result::Err($crate::__private::serde::de::Error::custom("a required field is missing")),
        }
    };
    // Absent and `null` are both `None` (a server that leaves out a required nullable property
    // is tolerated).
    (@finish null $field:ident) => { ::core::option::Option::flatten($field) };
    (@finish opt $field:ident) => { ::core::option::Option::flatten($field) };
    // Absent is `None`, `null` is `Some(None)`.
    (@finish optnull $field:ident) => { $field };
    ($(#[$attr:meta])* $name:ident { $($kind:ident $field:ident $(= $wire:literal)?),* $(,)? } $(rest $rest:ident)?) => {
        $(#[$attr])*
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<__S: $crate::__private::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                $crate::__private::model::write_object(serializer, &[$(($crate::object!(@wire $field $($wire)?), $crate::__private::model::write::$kind(&self.$field))),*], $crate::object!(@ser_rest self $($rest)?))
            }
        }
        $(#[$attr])*
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<__D: $crate::__private::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                $(let mut $field = ::core::option::Option::None;)*
                $(let mut $rest = ::std::collections::BTreeMap::new();)?
                $crate::__private::model::read_object(deserializer, ::core::stringify!($name), &[$($crate::object!(@wire $field $($wire)?)),*], &[$($crate::object!(@required $kind)),*], &mut [$(&mut $field),*], $crate::object!(@rest $($rest)?))?;
                ::core::result::Result::Ok($name { $($field: $crate::object!(@finish $kind $field),)* $($rest,)? })
            }
        }
    };
}

/// The impls of a string enum with an `Unknown(String)` catch-all: `as_str`, `Display`,
/// conversions to and from `String`, and serde through the string, so only JSON strings are
/// accepted and values this version does not know survive a round trip. Attributes before the
/// name (the type's `cfg`) go on every impl.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($(#[$attr:meta])* $name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        $(#[$attr])*
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(other) => other,
                }
            }
        }
        $(#[$attr])*
        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::Unknown(value),
                }
            }
        }
        $(#[$attr])*
        impl ::core::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> Self {
                match value {
                    $name::Unknown(other) => other,
                    known => ::std::borrow::ToOwned::to_owned(known.as_str()),
                }
            }
        }
        $(#[$attr])*
        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        $(#[$attr])*
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<__S: $crate::__private::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        $(#[$attr])*
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<__D: $crate::__private::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                <::std::string::String as $crate::__private::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

/// The impls of an integer enum with an `Unknown(i64)` catch-all: conversions to and from
/// `i64`, and serde through the integer. Attributes before the name go on every impl.
#[doc(hidden)]
#[macro_export]
macro_rules! integer_enum {
    ($(#[$attr:meta])* $name:ident { $($variant:ident = $value:literal),* $(,)? }) => {
        $(#[$attr])*
        impl ::core::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other),
                }
            }
        }
        $(#[$attr])*
        impl ::core::convert::From<$name> for i64 {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => $value,)*
                    $name::Unknown(other) => other,
                }
            }
        }
        $(#[$attr])*
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<__S: $crate::__private::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_i64(i64::from(*self))
            }
        }
        $(#[$attr])*
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<__D: $crate::__private::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                <i64 as $crate::__private::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}

/// The impls of a newtype struct that stands for its inner type (serde's `transparent`): serde
/// through the inner value, `Deref` and `DerefMut` to it, and `From` it. Attributes before the
/// name go on every impl.
#[doc(hidden)]
#[macro_export]
macro_rules! newtype {
    ($(#[$attr:meta])* $name:ident($inner:ty)) => {
        $(#[$attr])*
        impl ::core::ops::Deref for $name {
            type Target = $inner;
            fn deref(&self) -> &$inner {
                &self.0
            }
        }
        $(#[$attr])*
        impl ::core::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut $inner {
                &mut self.0
            }
        }
        $(#[$attr])*
        impl ::core::convert::From<$inner> for $name {
            fn from(value: $inner) -> Self {
                $name(value)
            }
        }
        $(#[$attr])*
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<__S: $crate::__private::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                $crate::__private::serde::Serialize::serialize(&self.0, serializer)
            }
        }
        $(#[$attr])*
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<__D: $crate::__private::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                <$inner as $crate::__private::serde::Deserialize>::deserialize(deserializer).map($name)
            }
        }
    };
}

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

    pub fn into_owned(self) -> String {
        match self {
            Key::Borrowed(key) => key.to_owned(),
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

/// A declared field's slot: read through an erased deserializer, so the per-type code is one
/// entry per field instead of a generic visitor.
pub trait Slot<'de> {
    fn read(&mut self, value: &mut dyn erased_serde::Deserializer<'de>) -> Result<(), erased_serde::Error>;
    fn is_set(&self) -> bool;
}

impl<'de, T: Deserialize<'de>> Slot<'de> for Option<T> {
    fn read(&mut self, value: &mut dyn erased_serde::Deserializer<'de>) -> Result<(), erased_serde::Error> {
        *self = Some(erased_serde::deserialize(value)?);
        Ok(())
    }
    fn is_set(&self) -> bool {
        self.is_some()
    }
}

/// Where the keys a schema does not declare go, for types with additional properties.
pub trait Rest<'de> {
    fn read(&mut self, key: String, value: &mut dyn erased_serde::Deserializer<'de>) -> Result<(), erased_serde::Error>;
}

impl<'de, T: Deserialize<'de>> Rest<'de> for BTreeMap<String, T> {
    fn read(&mut self, key: String, value: &mut dyn erased_serde::Deserializer<'de>) -> Result<(), erased_serde::Error> {
        self.insert(key, erased_serde::deserialize(value)?);
        Ok(())
    }
}

/// serde_json appends the position to its messages and adds it again when the error crosses the
/// enclosing object; the inner copy is dropped so the message reads as serde's derive would.
fn without_position(message: String) -> String {
    if let Some(at) = message.rfind(" at line ") {
        let tail = &message[at + " at line ".len()..];
        let mut parts = tail.splitn(2, " column ");
        if let (Some(line), Some(column)) = (parts.next(), parts.next()) {
            if line.bytes().all(|b| b.is_ascii_digit())
                && column.bytes().all(|b| b.is_ascii_digit())
                && !line.is_empty()
                && !column.is_empty()
            {
                return message[..at].to_owned();
            }
        }
    }
    message
}

/// Reads one value (a field's, or an additional property's) through an erased deserializer,
/// with enough stack.
struct ErasedSeed<F>(F);

impl<'de, F> DeserializeSeed<'de> for ErasedSeed<F>
where
    F: FnOnce(&mut dyn erased_serde::Deserializer<'de>) -> Result<(), erased_serde::Error>,
{
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        with_stack(|| {
            let mut erased = <dyn erased_serde::Deserializer>::erase(deserializer);
            (self.0)(&mut erased).map_err(|e| de::Error::custom(without_position(e.to_string())))
        })
    }
}

/// Runs a field's read with enough stack. Each level of nesting costs a few erased frames
/// (tens of KiB in a debug build), so a document nested as deep as serde_json allows (128)
/// would overflow a 2 MiB thread such as a tokio worker; the stack grows on the heap instead.
fn with_stack<R>(read: impl FnOnce() -> R) -> R {
    const RED_ZONE: usize = 1024 * 1024;
    const SEGMENT: usize = 4 * 1024 * 1024;
    stacker::maybe_grow(RED_ZONE, SEGMENT, read)
}

struct ObjectVisitor<'a, 'de> {
    name: &'static str,
    fields: &'static [&'static str],
    required: &'static [bool],
    slots: &'a mut [&'a mut dyn Slot<'de>],
    rest: Option<&'a mut dyn Rest<'de>>,
}

impl<'de> Visitor<'de> for ObjectVisitor<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object ({})", self.name)
    }

    fn visit_map<M: MapAccess<'de>>(mut self, mut map: M) -> Result<(), M::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match self.fields.iter().position(|f| *f == key.as_str()) {
                Some(index) => {
                    let slot = &mut *self.slots[index];
                    if slot.is_set() {
                        return Err(de::Error::duplicate_field(self.fields[index]));
                    }
                    map.next_value_seed(ErasedSeed(|value: &mut dyn erased_serde::Deserializer<'de>| slot.read(value)))?;
                }
                None => match self.rest.as_deref_mut() {
                    Some(rest) => {
                        let key = key.into_owned();
                        map.next_value_seed(ErasedSeed(|value: &mut dyn erased_serde::Deserializer<'de>| rest.read(key, value)))?
                    }
                    None => {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                },
            }
        }
        for (index, required) in self.required.iter().enumerate() {
            if *required && !self.slots[index].is_set() {
                return Err(de::Error::missing_field(self.fields[index]));
            }
        }
        Ok(())
    }
}

/// Reads a JSON object into the slots of its declared fields (and `rest`, if the type keeps
/// undeclared keys): unknown keys are skipped, a repeated key or a missing required one is an
/// error raised inside the object, so the deserializer adds its position.
pub fn read_object<'a, 'de, D: Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
    fields: &'static [&'static str],
    required: &'static [bool],
    slots: &'a mut [&'a mut dyn Slot<'de>],
    rest: Option<&'a mut dyn Rest<'de>>,
) -> Result<(), D::Error> {
    deserializer.deserialize_struct(name, fields, ObjectVisitor { name, fields, required, slots, rest })
}

/// Writes the present fields, then the additional properties.
pub fn write_object<S: Serializer>(
    serializer: S,
    fields: &[(&'static str, Option<&dyn erased_serde::Serialize>)],
    rest: Option<&dyn WriteRest>,
) -> Result<S::Ok, S::Error> {
    // The length is known before writing, so formats that need it up front (bincode, postcard)
    // can write the object too.
    let rest = rest.map(WriteRest::entries).unwrap_or_default();
    let present = fields.iter().filter(|(_, value)| value.is_some()).count();
    let mut map = serializer.serialize_map(Some(present + rest.len()))?;
    for (wire, value) in fields {
        if let Some(value) = value {
            map.serialize_entry(wire, value)?;
        }
    }
    for (key, value) in rest {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// The additional properties of a value, written after its declared fields.
pub trait WriteRest {
    fn entries(&self) -> Vec<(&str, &dyn erased_serde::Serialize)>;
}

impl<T: serde::Serialize> WriteRest for BTreeMap<String, T> {
    fn entries(&self) -> Vec<(&str, &dyn erased_serde::Serialize)> {
        self.iter().map(|(key, value)| (key.as_str(), value as &dyn erased_serde::Serialize)).collect()
    }
}

/// How each kind of field is offered for writing (see `object!`): `None` leaves it out.
pub mod write {
    use erased_serde::Serialize;

    pub fn req<T: serde::Serialize>(value: &T) -> Option<&dyn Serialize> {
        Some(value)
    }

    pub fn null<T: serde::Serialize>(value: &Option<T>) -> Option<&dyn Serialize> {
        Some(value)
    }

    pub fn opt<T: serde::Serialize>(value: &Option<T>) -> Option<&dyn Serialize> {
        value.as_ref().map(|v| v as &dyn Serialize)
    }

    pub fn optnull<T: serde::Serialize>(value: &Option<Option<T>>) -> Option<&dyn Serialize> {
        value.as_ref().map(|v| v as &dyn Serialize)
    }
}

#[cfg(test)]
mod tests {
    use serde::ser::{self, Impossible, Serialize, SerializeMap, Serializer};

    // The macros are reached by path, without importing the crate under any name: they must
    // name everything through `$crate`.
    struct Pet {
        id: i64,
        name: Option<String>,
        tag: Option<Option<String>>,
    }
    crate::object!(Pet { req id, opt name = "displayName", optnull tag });

    /// Records the length a map announces and how many entries it writes.
    struct Lengths;

    #[derive(Debug)]
    struct Unsupported;
    impl std::fmt::Display for Unsupported {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("unsupported")
        }
    }
    impl std::error::Error for Unsupported {}
    impl ser::Error for Unsupported {
        fn custom<T: std::fmt::Display>(_: T) -> Self {
            Unsupported
        }
    }

    struct Entries(Option<usize>, usize);
    impl SerializeMap for Entries {
        type Ok = (Option<usize>, usize);
        type Error = Unsupported;
        fn serialize_key<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), Unsupported> {
            self.1 += 1;
            Ok(())
        }
        fn serialize_value<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), Unsupported> {
            Ok(())
        }
        fn end(self) -> Result<Self::Ok, Unsupported> {
            Ok((self.0, self.1))
        }
    }

    macro_rules! unsupported {
        ($($name:ident($($arg:ty),*) -> $ok:ty;)*) => {
            $(fn $name(self, $(_: $arg),*) -> Result<$ok, Unsupported> { Err(Unsupported) })*
        };
    }

    impl Serializer for Lengths {
        type Ok = (Option<usize>, usize);
        type Error = Unsupported;
        type SerializeSeq = Impossible<Self::Ok, Unsupported>;
        type SerializeTuple = Impossible<Self::Ok, Unsupported>;
        type SerializeTupleStruct = Impossible<Self::Ok, Unsupported>;
        type SerializeTupleVariant = Impossible<Self::Ok, Unsupported>;
        type SerializeMap = Entries;
        type SerializeStruct = Impossible<Self::Ok, Unsupported>;
        type SerializeStructVariant = Impossible<Self::Ok, Unsupported>;
        fn serialize_map(self, len: Option<usize>) -> Result<Entries, Unsupported> {
            Ok(Entries(len, 0))
        }
        unsupported! {
            serialize_bool(bool) -> Self::Ok; serialize_i8(i8) -> Self::Ok; serialize_i16(i16) -> Self::Ok;
            serialize_i32(i32) -> Self::Ok; serialize_i64(i64) -> Self::Ok; serialize_u8(u8) -> Self::Ok;
            serialize_u16(u16) -> Self::Ok; serialize_u32(u32) -> Self::Ok; serialize_u64(u64) -> Self::Ok;
            serialize_f32(f32) -> Self::Ok; serialize_f64(f64) -> Self::Ok; serialize_char(char) -> Self::Ok;
            serialize_str(&str) -> Self::Ok; serialize_bytes(&[u8]) -> Self::Ok; serialize_none() -> Self::Ok;
            serialize_unit() -> Self::Ok; serialize_unit_struct(&'static str) -> Self::Ok;
            serialize_unit_variant(&'static str, u32, &'static str) -> Self::Ok;
            serialize_seq(Option<usize>) -> Self::SerializeSeq; serialize_tuple(usize) -> Self::SerializeTuple;
            serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
            serialize_struct(&'static str, usize) -> Self::SerializeStruct;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
        }
        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Self::Ok, Unsupported> {
            Err(Unsupported)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result<Self::Ok, Unsupported> {
            Err(Unsupported)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, Unsupported> {
            Err(Unsupported)
        }
    }

    #[test]
    fn objects_announce_the_number_of_fields_they_write() {
        let pet = Pet { id: 1, name: None, tag: Some(None) };
        assert_eq!(pet.serialize(Lengths).unwrap(), (Some(2), 2));
        let pet = Pet { id: 1, name: Some("a".into()), tag: None };
        assert_eq!(pet.serialize(Lengths).unwrap(), (Some(2), 2));
        let pet = Pet { id: 1, name: Some("a".into()), tag: Some(Some("t".into())) };
        assert_eq!(pet.serialize(Lengths).unwrap(), (Some(3), 3));
    }

    #[test]
    fn objects_read_and_write_json_through_the_macro() {
        let pet: Pet = serde_json::from_str(r#"{"id": 7, "displayName": "Rex", "tag": null, "x": 1}"#).unwrap();
        assert_eq!((pet.id, pet.name.as_deref(), pet.tag.clone()), (7, Some("Rex"), Some(None)));
        assert_eq!(serde_json::to_string(&pet).unwrap(), r#"{"id":7,"displayName":"Rex","tag":null}"#);
    }
}
