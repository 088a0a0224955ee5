//! Serde support for the model types, written once instead of derived per type.
//!
//! `derive(Serialize, Deserialize)` expands to five or six generic functions per struct (field
//! and map visitors, a sequence visitor, wrapper types for `with` attributes) that the compiler
//! type-checks and borrow-checks one by one: on a large API that is most of the crate's compile
//! time. Here each type gets one short function per direction whose only work is listing its
//! fields, as an array: the writer lists each field's value, the reader each field's slot
//! (`Option<T>`); the loops over them, looking up keys (borrowed, without allocating), skipping
//! values, the duplicate and missing checks and stack growth are written once in this module.
//! Values are read and written in place by their own impls, reached through a vtable per field
//! type ([`Slot`], [`Value`]), so nothing is boxed or buffered on the way.
//!
//! Why not a loop with an arm per field in each type, which would let the compiler inline each
//! value's reader: measured on 150 generated types of 16 fields, that loop costs the compiler
//! 36% more instructions to check than the arrays (a generic call per field in a generic function is far
//! dearer to type-check and borrow-check than an unsizing coercion), for a run-time gain of
//! 10-15% on decoding.
//!
//! The wire behaviour is the derive's: unknown keys are ignored (or collected into the
//! additional properties), a repeated key or a missing required key is an error raised inside
//! the object, so serde_json reports its line and column.
//!
//! The macros reach this module as `$crate::__private::model`; they are meant for the generated
//! `model.rs` and hidden from the crate's documentation.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// `Serialize` and `Deserialize` for a struct with named fields, as a JSON object.
///
/// `object!(Name recursive? { kind field, kind field = "wireName", ... } rest extra order b"...")`: each
/// field is `req` (always present), `null` (required but nullable: written as `null`, read as `None`
/// when absent), `opt` (omitted when `None`) or `optnull` (`Option<Option<T>>`: absent, `null`
/// or a value). The wire name defaults to the field's name. `rest` names a map field that
/// collects the keys the schema does not declare. `recursive` marks a type that can hold itself,
/// whose reader checks the stack. `order` (optional) is the fields' byte order of wire names,
/// one byte per field: the index of the field whose wire name comes next (the field count after
/// the last), then the index of the first; with it, documents whose keys are sorted are read
/// as fast as those in the schema's order. Attributes before the name (the type's `cfg`) go on
/// every impl.
///
/// Each impl is one short generic function that lists the fields, to [`write_object`] as values
/// and to [`read_slots`] as slots; matching keys, skipping values, the duplicate and missing
/// checks and stack growth are this module's.
#[doc(hidden)]
#[macro_export]
macro_rules! object {
    (@wire $field:ident) => { ::core::stringify!($field) };
    (@wire $field:ident $wire:literal) => { $wire };
    (@flag) => { false };
    (@flag $given:ident) => { true };
    (@rest) => { ::core::option::Option::None };
    (@rest $rest:ident) => { ::core::option::Option::Some(&mut $rest) };
    (@order) => { b"" };
    (@order $order:literal) => { $order };
    (@write_rest $self:ident) => { ::core::option::Option::None };
    (@write_rest $self:ident $rest:ident) => { ::core::option::Option::Some(&$self.$rest) };
    // Absent and `null` are both `None` for `null` and `opt` (a server that leaves out a
    // required nullable property is tolerated); for `optnull` absent is `None` and `null` is
    // `Some(None)`.
    (@finish req $field:ident $wire:expr) => {
        match $field {
            ::core::option::Option::Some(value) => value,
            ::core::option::Option::None => return ::core::result::Result::Err($crate::__private::model::missing($wire)),
        }
    };
    (@finish null $field:ident $wire:expr) => { ::core::option::Option::flatten($field) };
    (@finish opt $field:ident $wire:expr) => { ::core::option::Option::flatten($field) };
    (@finish optnull $field:ident $wire:expr) => { $field };
    ($(#[$attr:meta])* $name:ident $($recursive:ident)? { $($kind:ident $field:ident $(= $wire:literal)?),* $(,)? } $(rest $rest:ident)? $(order $order:literal)?) => {
        $(#[$attr])*
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<__S: $crate::__private::serde::Serializer>(&self, serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                $crate::__private::model::write_object(serializer, &[$(($crate::object!(@wire $field $($wire)?), $crate::__private::model::write::$kind(&self.$field))),*], $crate::object!(@write_rest self $($rest)?))
            }
        }
        $(#[$attr])*
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<__D: $crate::__private::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<Self, __D::Error> {
                $crate::__private::model::read_object(deserializer)
            }
        }
        $(#[$attr])*
        impl<'de> $crate::__private::model::ReadObject<'de> for $name {
            const NAME: &'static str = ::core::stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($crate::object!(@wire $field $($wire)?)),*];
            const RECURSIVE: bool = $crate::object!(@flag $($recursive)?);
            fn read_fields<__M: $crate::__private::serde::de::MapAccess<'de>>(map: __M) -> ::core::result::Result<Self, __M::Error> {
                $(let mut $field = ::core::option::Option::None;)*
                $(let mut $rest = ::std::collections::BTreeMap::new();)?
                $crate::__private::model::read_slots(map, Self::FIELDS, $crate::object!(@order $($order)?), &mut [$(&mut $field),*], $crate::object!(@rest $($rest)?))?;
                ::core::result::Result::Ok($name { $($field: $crate::object!(@finish $kind $field $crate::object!(@wire $field $($wire)?)),)* $($rest,)? })
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
                $crate::__private::model::read_str_enum(deserializer, |value| match value {
                    $($wire => ::core::option::Option::Some(Self::$variant),)*
                    _ => ::core::option::Option::None,
                })
            }
        }
    };
}

/// One module per string value that a union's unit variant stands for, with the `serialize` and
/// `deserialize` functions `#[serde(with = "...")]` calls: the variant is written as that string
/// and read from it alone (`AutoOrCustom::Auto` is `"auto"`).
#[doc(hidden)]
#[macro_export]
macro_rules! literals {
    ($($module:ident = $wire:literal),* $(,)?) => {
        $(
            pub mod $module {
                pub fn serialize<__S: $crate::__private::serde::Serializer>(serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error> {
                    $crate::__private::model::write_literal($wire, serializer)
                }
                pub fn deserialize<'de, __D: $crate::__private::serde::Deserializer<'de>>(deserializer: __D) -> ::core::result::Result<(), __D::Error> {
                    $crate::__private::model::read_literal(deserializer, $wire)
                }
            }
        )*
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

/// What the `object!` reader knows of a type: its name (for messages), its declared fields' wire
/// names in order, whether it can hold itself, and the loop over its keys.
pub trait ReadObject<'de>: Sized {
    const NAME: &'static str;
    const FIELDS: &'static [&'static str];
    const RECURSIVE: bool;
    fn read_fields<M: MapAccess<'de>>(map: M) -> Result<Self, M::Error>;
}

/// Reads a JSON object as `T`: unknown keys are skipped (or collected into `T`'s additional
/// properties), a repeated key or a missing required one is an error raised inside the object,
/// so the deserializer adds its position.
pub fn read_object<'de, D: Deserializer<'de>, T: ReadObject<'de>>(deserializer: D) -> Result<T, D::Error> {
    let read = || deserializer.deserialize_struct(T::NAME, T::FIELDS, ObjectVisitor(PhantomData));
    // A constant: the other types' readers have no check at all (it cost 4% of decoding).
    if T::RECURSIVE {
        with_stack(read)
    } else {
        read()
    }
}

/// Grows the stack on the heap when it runs low. serde_json allows 128 levels of nesting, and a
/// level of generated objects costs a few frames (more in a debug build), so documents nested
/// that deep in a recursive type would overflow a 2 MiB thread such as a tokio worker. Types that
/// cannot hold themselves nest only as deep as the schema says, and skip the check.
fn with_stack<R>(read: impl FnOnce() -> R) -> R {
    const RED_ZONE: usize = 256 * 1024;
    const SEGMENT: usize = 2 * 1024 * 1024;
    stacker::maybe_grow(RED_ZONE, SEGMENT, read)
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: ReadObject<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object ({})", T::NAME)
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<T, M::Error> {
        T::read_fields(map)
    }
}

/// A declared field's slot, `Option<T>` for a field of type `T`: the per-type code lists its
/// slots, and [`read_slots`] reads each value in place through its slot. The call goes through a
/// vtable (not an erased deserializer), so nothing is boxed and the per-type code is one array.
pub trait Slot<'de, M: MapAccess<'de>> {
    fn read(&mut self, map: &mut M, wire: &'static str) -> Result<(), M::Error>;
}

impl<'de, M: MapAccess<'de>, T: Deserialize<'de>> Slot<'de, M> for Option<T> {
    fn read(&mut self, map: &mut M, wire: &'static str) -> Result<(), M::Error> {
        if self.is_some() {
            return Err(de::Error::duplicate_field(wire));
        }
        *self = Some(map.next_value()?);
        Ok(())
    }
}

/// Where the keys a schema does not declare go, for types with additional properties.
pub trait Rest<'de, M: MapAccess<'de>> {
    fn read(&mut self, map: &mut M, key: Key<'de>) -> Result<(), M::Error>;
}

impl<'de, M: MapAccess<'de>, T: Deserialize<'de>> Rest<'de, M> for BTreeMap<String, T> {
    fn read(&mut self, map: &mut M, key: Key<'de>) -> Result<(), M::Error> {
        let value = map.next_value()?;
        self.insert(key.into_owned(), value);
        Ok(())
    }
}

/// The loop over an object's keys: a declared key's value is read into its slot, another one is
/// collected into `rest` or skipped. `order` is the fields' byte order of wire names (see
/// `Guess`), empty when the type does not give it.
pub fn read_slots<'de, M: MapAccess<'de>>(
    mut map: M,
    fields: &'static [&'static str],
    order: &'static [u8],
    slots: &mut [&mut dyn Slot<'de, M>],
    rest: Option<&mut dyn Rest<'de, M>>,
) -> Result<(), M::Error> {
    let mut guess = Guess::new(fields, order);
    match rest {
        // Most types: a key is only an index or nothing, which fits in registers.
        None => {
            while let Some(found) = map.next_key_seed(IndexSeed { fields, next: guess.next })? {
                match found {
                    Some(index) => {
                        slots[index].read(&mut map, fields[index])?;
                        guess.read(index);
                    }
                    None => {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
            }
        }
        Some(rest) => {
            while let Some(key) = map.next_key_seed(FieldSeed { fields, next: guess.next })? {
                match key {
                    Field::Declared(index) => {
                        slots[index].read(&mut map, fields[index])?;
                        guess.read(index);
                    }
                    Field::Other(key) => rest.read(&mut map, key)?,
                }
            }
        }
    }
    Ok(())
}

/// The field expected next, tried before the others. Objects usually list their keys in the
/// schema's order (this crate and servers built from the spec write them so) or sorted by name
/// (maps written in key order): the guess follows whichever order the keys so far have taken.
/// `order[i]` is the index of the field whose wire name follows field `i`'s in byte order, and
/// `order[fields.len()]` the first one.
struct Guess {
    next: usize,
    last: usize,
    sorted: bool,
    order: &'static [u8],
}

impl Guess {
    #[inline(always)]
    fn new(fields: &[&str], order: &'static [u8]) -> Guess {
        Guess { next: 0, last: fields.len(), sorted: false, order }
    }

    /// The field after `index` in byte order; out of range when the type gives no order.
    #[inline(always)]
    fn after(&self, index: usize) -> usize {
        self.order.get(index).map_or(usize::MAX, |&next| usize::from(next))
    }

    #[inline(always)]
    fn read(&mut self, index: usize) {
        // A miss changes the order followed only when the other order would have guessed
        // right (a field left out of the object misses in both).
        if index != self.next {
            if self.after(self.last) == index {
                self.sorted = true;
            } else if index == self.last + 1 {
                self.sorted = false;
            }
        }
        self.last = index;
        self.next = if self.sorted { self.after(index) } else { index + 1 };
    }
}

/// The index among `fields` of `key`, trying `next` first.
fn find(fields: &[&str], next: usize, key: &str) -> Option<usize> {
    let wanted = key.as_bytes();
    if fields.get(next).is_some_and(|field| same(field.as_bytes(), wanted)) {
        return Some(next);
    }
    fields.iter().position(|field| same(field.as_bytes(), wanted))
}

/// Byte equality of two keys, compared as machine words in line (short ones as two overlapping
/// words): a call to memcmp per candidate cost more than the comparison itself.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=8 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, n - 4) == word::<4>(b, n - 4),
        9..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, n - 8) == word::<8>(b, n - 8),
        // Words from the start, then the last (overlapping) word: still no call, so the
        // lookup needs no registers saved.
        _ => {
            let mut at = 0;
            while at + 8 < n {
                if word::<8>(a, at) != word::<8>(b, at) {
                    return false;
                }
                at += 8;
            }
            word::<8>(a, n - 8) == word::<8>(b, n - 8)
        }
    }
}

/// `N` bytes of `s` from `at`, as one value to compare.
#[inline(always)]
fn word<const N: usize>(s: &[u8], at: usize) -> [u8; N] {
    let mut word = [0; N];
    word.copy_from_slice(&s[at..at + N]);
    word
}

/// Looks a key up among the declared fields without allocating: `Some(index)`, or `None` for
/// a key the type does not declare (which is skipped).
struct IndexSeed {
    fields: &'static [&'static str],
    next: usize,
}

impl<'de> DeserializeSeed<'de> for IndexSeed {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for IndexSeed {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(find(self.fields, self.next, key))
    }
}

/// An object key as the loop of a type with additional properties sees it: the index of a
/// declared field, or another key (borrowed when the input allows).
enum Field<'de> {
    Declared(usize),
    Other(Key<'de>),
}

/// Like [`IndexSeed`], but keeps the keys the type does not declare.
struct FieldSeed {
    fields: &'static [&'static str],
    next: usize,
}

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Field<'de>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Field<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Field<'de>, E> {
        Ok(match find(self.fields, self.next, key) {
            Some(index) => Field::Declared(index),
            None => Field::Other(Key::Borrowed(key)),
        })
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Field<'de>, E> {
        Ok(match find(self.fields, self.next, key) {
            Some(index) => Field::Declared(index),
            None => Field::Other(Key::Owned(key.to_owned())),
        })
    }
    fn visit_string<E: de::Error>(self, key: String) -> Result<Field<'de>, E> {
        Ok(match find(self.fields, self.next, &key) {
            Some(index) => Field::Declared(index),
            None => Field::Other(Key::Owned(key)),
        })
    }
}

/// The error for a required field the object lacks.
pub fn missing<E: de::Error>(wire: &'static str) -> E {
    E::missing_field(wire)
}

/// A field value as [`write_object`] writes it: in place, through a vtable.
pub trait Value<M: SerializeMap> {
    fn write(&self, map: &mut M, key: &str) -> Result<(), M::Error>;
}

impl<M: SerializeMap, T: Serialize> Value<M> for T {
    fn write(&self, map: &mut M, key: &str) -> Result<(), M::Error> {
        map.serialize_entry(key, self)
    }
}

/// The additional properties of a value, written after its declared fields.
pub trait WriteRest<M: SerializeMap> {
    fn count(&self) -> usize;
    fn write(&self, map: &mut M) -> Result<(), M::Error>;
}

impl<M: SerializeMap, T: Serialize> WriteRest<M> for BTreeMap<String, T> {
    fn count(&self) -> usize {
        self.len()
    }
    fn write(&self, map: &mut M) -> Result<(), M::Error> {
        self.iter().try_for_each(|(key, value)| map.serialize_entry(key, value))
    }
}

/// A field as [`write_object`] takes it: its wire name, and its value unless it is left out.
pub type FieldValue<'a, M> = (&'static str, Option<&'a dyn Value<M>>);

/// Writes the present fields, then the additional properties.
pub fn write_object<S: Serializer>(
    serializer: S,
    fields: &[FieldValue<'_, S::SerializeMap>],
    rest: Option<&dyn WriteRest<S::SerializeMap>>,
) -> Result<S::Ok, S::Error> {
    // The length is known before writing, so formats that need it up front (bincode, postcard)
    // can write the object too.
    let present = fields.iter().filter(|(_, value)| value.is_some()).count();
    let mut map = serializer.serialize_map(Some(present + rest.map_or(0, |r| r.count())))?;
    for (wire, value) in fields {
        if let Some(value) = value {
            value.write(&mut map, wire)?;
        }
    }
    if let Some(rest) = rest {
        rest.write(&mut map)?;
    }
    map.end()
}

/// How each kind of field is offered for writing (see `object!`): `None` leaves it out.
pub mod write {
    use super::Value;
    use serde::ser::{Serialize, SerializeMap};

    pub fn req<M: SerializeMap, T: Serialize>(value: &T) -> Option<&dyn Value<M>> {
        Some(value)
    }

    pub fn null<M: SerializeMap, T: Serialize>(value: &Option<T>) -> Option<&dyn Value<M>> {
        Some(value)
    }

    pub fn opt<M: SerializeMap, T: Serialize>(value: &Option<T>) -> Option<&dyn Value<M>> {
        value.as_ref().map(|v| v as &dyn Value<M>)
    }

    pub fn optnull<M: SerializeMap, T: Serialize>(value: &Option<Option<T>>) -> Option<&dyn Value<M>> {
        value.as_ref().map(|v| v as &dyn Value<M>)
    }
}

/// Reads a string enum from a JSON string: a known value without allocating, another one kept
/// in the `Unknown` variant.
pub fn read_str_enum<'de, D: Deserializer<'de>, T: From<String>>(deserializer: D, known: fn(&str) -> Option<T>) -> Result<T, D::Error> {
    deserializer.deserialize_str(StrEnumVisitor(known))
}

struct StrEnumVisitor<T>(fn(&str) -> Option<T>);

impl<'de, T: From<String>> Visitor<'de> for StrEnumVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok((self.0)(value).unwrap_or_else(|| T::from(value.to_owned())))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
        Ok(match (self.0)(&value) {
            Some(known) => known,
            None => T::from(value),
        })
    }
}

/// Writes the one string a union's unit variant stands for (see [`literals!`](crate::literals)).
pub fn write_literal<S: Serializer>(value: &'static str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value)
}

/// Reads the one string a union's unit variant stands for: that string and nothing else.
pub fn read_literal<'de, D: Deserializer<'de>>(deserializer: D, value: &'static str) -> Result<(), D::Error> {
    deserializer.deserialize_str(LiteralVisitor(value))
}

struct LiteralVisitor(&'static str);

impl<'de> Visitor<'de> for LiteralVisitor {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the string {:?}", self.0)
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        if value == self.0 {
            Ok(())
        } else {
            Err(E::invalid_value(de::Unexpected::Str(value), &self))
        }
    }
}

/// For derived structs (`deserialize_with`): a present field is `Some`, so a `null` is
/// `Some(None)` and only an absent one (`default`) is `None`.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
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

    /// `Pet` read through a type that gives `object!` the order table `$order`.
    macro_rules! pet_with_order {
        ($name:ident, $order:literal) => {
            struct $name(Pet);
            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct Fields {
                        id: i64,
                        name: Option<String>,
                        tag: Option<Option<String>>,
                    }
                    crate::object!(Fields { req id, opt name = "displayName", optnull tag } order $order);
                    let Fields { id, name, tag } = Fields::deserialize(deserializer)?;
                    Ok($name(Pet { id, name, tag }))
                }
            }
        };
    }
    // The byte order of the wire names ("displayName", "id", "tag"), as the generator gives
    // it, and a table that is wrong (which may cost time, never a result).
    pet_with_order!(SortedPet, b"\x02\0\x03\x01");
    pet_with_order!(WrongPet, b"\x09\x01\x01");

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

    #[test]
    fn keys_compare_equal_only_when_every_byte_is() {
        for n in 0..=40 {
            let key: Vec<u8> = (0..n as u8).map(|i| b'a' + i % 26).collect();
            assert!(super::same(&key, &key.clone()), "length {n}");
            assert!(!super::same(&key, &[key.as_slice(), b"x"].concat()), "length {n}");
            for at in 0..n {
                let mut other = key.clone();
                other[at] ^= 0x20;
                assert!(!super::same(&key, &other), "length {n}, byte {at}");
            }
        }
    }

    /// Every order of the keys (with an unknown one among them, and a field left out) reads
    /// the same values, whatever order table the type gives; a repeated key is still an error.
    #[test]
    fn objects_read_in_any_key_order_with_any_order_table() {
        let entries = [r#""id": 7"#, r#""displayName": "Rex""#, r#""tag": null"#, r#""x": [1, {"id": 2}]"#];
        let mut orders = vec![vec![0, 1, 2, 3]];
        for _ in 0..23 {
            // The next permutation in lexicographic order.
            let mut next = orders.last().unwrap().clone();
            let i = (0..3).rev().find(|&i| next[i] < next[i + 1]).unwrap();
            let j = (i + 1..4).rev().find(|&j| next[i] < next[j]).unwrap();
            next.swap(i, j);
            next[i + 1..].reverse();
            orders.push(next);
        }
        for order in &orders {
            for left_out in [None, Some(1), Some(2)] {
                let keys: Vec<&str> = order.iter().filter(|&&i| Some(i) != left_out).map(|&i| entries[i]).collect();
                let json = format!("{{{}}}", keys.join(", "));
                let name = (left_out != Some(1)).then_some("Rex");
                let tag = (left_out != Some(2)).then_some(None);
                for pet in [
                    serde_json::from_str::<Pet>(&json).unwrap(),
                    serde_json::from_str::<SortedPet>(&json).unwrap().0,
                    serde_json::from_str::<WrongPet>(&json).unwrap().0,
                ] {
                    assert_eq!((pet.id, pet.name.as_deref(), pet.tag), (7, name, tag.clone()), "{json}");
                }
                let repeated = format!(r#"{{{}, "id": 8}}"#, keys.join(", "));
                assert!(serde_json::from_str::<SortedPet>(&repeated).is_err(), "{repeated}");
            }
        }
    }

    /// The guess follows the schema's order or the byte order, whichever the keys take: one
    /// miss to learn the byte order, and a left-out field costs a miss without losing it.
    #[test]
    fn the_guess_follows_the_order_the_keys_take() {
        const FIELDS: &[&str] = &["id", "name", "created_at", "created_by", "zone"];
        // Byte order: created_at (2), created_by (3), id (0), name (1), zone (4).
        const ORDER: &[u8] = &[1, 4, 3, 0, 5, 2];
        let misses = |keys: &[usize]| {
            let mut guess = super::Guess::new(FIELDS, ORDER);
            keys.iter()
                .filter(|&&index| {
                    let missed = index != guess.next;
                    guess.read(index);
                    missed
                })
                .count()
        };
        assert_eq!(misses(&[0, 1, 2, 3, 4]), 0);
        assert_eq!(misses(&[2, 3, 0, 1, 4]), 1);
        assert_eq!(misses(&[2, 0, 1, 4]), 2);
        assert_eq!(misses(&[0, 2, 3, 4]), 1);
        let mut guess = super::Guess::new(FIELDS, b"");
        for index in [2, 3, 0, 1, 4] {
            guess.read(index);
        }
        assert_eq!(guess.next, 5, "without a table, the schema's order");
    }

    #[test]
    fn keys_are_found_in_any_order() {
        const FIELDS: &[&str] = &["id", "name", "created_at", "created_by", "a_key_longer_than_16_bytes"];
        for next in 0..=FIELDS.len() {
            for (index, field) in FIELDS.iter().enumerate() {
                assert_eq!(super::find(FIELDS, next, field), Some(index));
            }
            assert_eq!(super::find(FIELDS, next, "created_on"), None);
            assert_eq!(super::find(FIELDS, next, "a_key_longer_than_16_byteS"), None);
        }
    }
}
