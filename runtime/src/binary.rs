//! `Base64`: bytes inside a JSON document, which travel as a base64 string.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::str::FromStr;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};

/// Bytes where a JSON document holds a string (`type: string, format: binary` inside a JSON
/// body, a parameter or a form field): written as base64 in the standard alphabet with padding,
/// read from base64 in the standard or the URL-safe alphabet, padded or not (and from an array of
/// byte values, the form a multipart file part takes on its way to the model).
///
/// It dereferences to its `Vec<u8>` and converts from and into one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64(pub Vec<u8>);

/// Writes the standard alphabet with padding; reads it with or without.
const STANDARD: GeneralPurpose =
    GeneralPurpose::new(&alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent));
/// `-` and `_` for `+` and `/`, with or without padding.
const URL_SAFE: GeneralPurpose =
    GeneralPurpose::new(&alphabet::URL_SAFE, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent));

impl Base64 {
    /// The bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }

    /// Reads base64 text: the standard alphabet, or the URL-safe one when the text uses `-` or
    /// `_`; padding is optional.
    pub fn decode(text: &str) -> Result<Self, Base64Error> {
        let engine = if text.contains(['-', '_']) { &URL_SAFE } else { &STANDARD };
        engine.decode(text).map(Self).map_err(|e| Base64Error(e.to_string()))
    }

    /// The bytes as base64 text (standard alphabet, padded).
    pub fn encode(&self) -> String {
        STANDARD.encode(&self.0)
    }
}

/// Text that is not base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base64Error(String);

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid base64: {}", self.0)
    }
}

impl std::error::Error for Base64Error {}

impl Deref for Base64 {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.0
    }
}

impl DerefMut for Base64 {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.0
    }
}

impl AsRef<[u8]> for Base64 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Base64 {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<Base64> for Vec<u8> {
    fn from(bytes: Base64) -> Self {
        bytes.0
    }
}

/// The base64 text, as it is sent.
impl fmt::Display for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl FromStr for Base64 {
    type Err = Base64Error;
    fn from_str(text: &str) -> Result<Self, Base64Error> {
        Self::decode(text)
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Base64Visitor;
        impl<'de> Visitor<'de> for Base64Visitor {
            type Value = Base64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Base64, E> {
                Base64::decode(text).map_err(E::custom)
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Base64, E> {
                Ok(Base64(bytes.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Base64, E> {
                Ok(Base64(bytes))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Base64, A::Error> {
                let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
                while let Some(byte) = seq.next_element::<u8>()? {
                    bytes.push(byte);
                }
                Ok(Base64(bytes))
            }
        }
        deserializer.deserialize_any(Base64Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_standard_padded_base64() {
        let bytes = Base64(vec![0xfb, 0xff, 0x01]);
        assert_eq!(serde_json::to_string(&bytes).unwrap(), r#""+/8B""#);
        assert_eq!(serde_json::to_string(&Base64(b"ab".to_vec())).unwrap(), r#""YWI=""#);
        assert_eq!(bytes.to_string(), "+/8B");
    }

    #[test]
    fn reads_standard_url_safe_padded_or_not() {
        for text in [r#""YWI=""#, r#""YWI""#] {
            assert_eq!(serde_json::from_str::<Base64>(text).unwrap(), Base64(b"ab".to_vec()));
        }
        for text in [r#""+/8B""#, r#""-_8B""#] {
            assert_eq!(serde_json::from_str::<Base64>(text).unwrap(), Base64(vec![0xfb, 0xff, 0x01]));
        }
        assert_eq!(serde_json::from_str::<Base64>("[1,2]").unwrap(), Base64(vec![1, 2]));
        assert!(serde_json::from_str::<Base64>(r#""not base64!""#).is_err());
        assert!(serde_json::from_str::<Base64>("[256]").is_err());
    }
}
