//! Emits Rust source files from the IR; never sees `openapiv3`.

mod chunks;
mod client;
mod common;
mod example_tests;
mod features;
mod layout;
mod mock;
mod model;
mod operations;
mod server;
mod validation;

pub use chunks::{Chunk, Nested, PartKind};
pub use features::UNREFERENCED_FEATURE;
pub use layout::{emit_api, EmitJob};
pub use server::DESCRIPTION_FILE;
