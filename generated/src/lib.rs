//! Rust models, async clients and axum servers generated from the specs in `specs/`.
//!
//! Everything under `src/<api>/` is written by `cargo xtask generate`; only this file is
//! hand-written. Each API is behind a feature of its name, and `client` / `server` select the
//! halves you need.

#[cfg(feature = "coveo")]
#[rustfmt::skip]
pub mod coveo;

#[cfg(feature = "coveo_swagger2")]
#[rustfmt::skip]
pub mod coveo_swagger2;

#[cfg(feature = "qovery")]
#[rustfmt::skip]
pub mod qovery;
