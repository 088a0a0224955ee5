//! Runtime support for the code `openapi-gen` generates: what the generated models, clients and
//! servers share, written and tested once here instead of in every generated crate.
//!
//! A user of a generated API meets [`Secret`] (credentials), [`Base64`] (bytes inside JSON), [`client::Error`], [`client::Call`]
//! and [`client::RawResponse`] (with the `client` feature), and [`server::ServerConfig`] and
//! [`server::Rejection`] (with the `server` feature). Everything else is called only by generated
//! code: the macros that write the models' serde impls and the response tables, and the helpers
//! under `__private`, which are hidden from this documentation and may change in any release.
//!
//! Two generated APIs that depend on the same copy of this crate share its types: one `Secret`,
//! one `client::Error`.

mod binary;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "docs")]
mod docs;
#[cfg(feature = "server")]
pub mod server;
pub mod sse;
pub mod stream;
#[cfg(any(feature = "client", feature = "server"))]
pub mod validate;

// Reached through `__private`; public only so that it can be re-exported there.
#[doc(hidden)]
pub mod examples;
#[doc(hidden)]
pub mod model;
mod params;
mod responses;

/// What only generated code calls, and the crates its macros name, so that a generated crate
/// need not depend on them itself. Not part of the crate's API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;

    pub use crate::examples;
    pub use crate::model;
    pub use crate::params::{
        buffer_variant, param_string, parse_param, read_tagged, serialize_tagged, serialize_tagged_value, try_variant, ReadTagged,
    };
}

use std::fmt;

pub use binary::{Base64, Base64Error};

/// A credential (token, API key, password) that never shows up in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(***)");
    }
}
