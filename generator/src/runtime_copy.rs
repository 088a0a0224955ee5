//! The runtime crate's sources, compiled into the generator so that a standalone crate can get
//! a copy of the runtime written beside it (for machines that only reach crates.io).
//!
//! The text is `include_str!`'d from the workspace's `runtime/` crate, the one copy in the
//! repository; the `runtime_copy_is_the_crate` test holds the written copy to it.

use crate::render::header;
use crate::OutputFile;

/// Each file of the runtime crate: its path inside the crate and its text.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../runtime/Cargo.toml")),
    ("src/lib.rs", include_str!("../../runtime/src/lib.rs")),
    ("src/binary.rs", include_str!("../../runtime/src/binary.rs")),
    ("src/call.rs", include_str!("../../runtime/src/call.rs")),
    ("src/client.rs", include_str!("../../runtime/src/client.rs")),
    ("src/docs.rs", include_str!("../../runtime/src/docs.rs")),
    (
        "src/examples.rs",
        include_str!("../../runtime/src/examples.rs"),
    ),
    (
        "src/middleware.rs",
        include_str!("../../runtime/src/middleware.rs"),
    ),
    ("src/model.rs", include_str!("../../runtime/src/model.rs")),
    ("src/page.rs", include_str!("../../runtime/src/page.rs")),
    ("src/params.rs", include_str!("../../runtime/src/params.rs")),
    (
        "src/responses.rs",
        include_str!("../../runtime/src/responses.rs"),
    ),
    ("src/retry.rs", include_str!("../../runtime/src/retry.rs")),
    ("src/server.rs", include_str!("../../runtime/src/server.rs")),
    ("src/sse.rs", include_str!("../../runtime/src/sse.rs")),
    ("src/stream.rs", include_str!("../../runtime/src/stream.rs")),
    (
        "src/validate.rs",
        include_str!("../../runtime/src/validate.rs"),
    ),
];

/// The runtime crate under `dir` (`runtime/`), each file stamped with the `@generated` marker
/// (as a TOML comment in `Cargo.toml`), so that regeneration refreshes it.
pub fn runtime_files(dir: &str, spec_label: &str) -> Vec<OutputFile> {
    let marker = header(spec_label);
    RUNTIME_FILES
        .iter()
        .map(|(path, text)| {
            let header = if path.ends_with(".toml") {
                format!("#{}", marker.trim_start_matches('/'))
            } else {
                marker.clone()
            };
            OutputFile {
                path: format!("{dir}/{path}"),
                contents: format!("{header}{text}"),
            }
        })
        .collect()
}
