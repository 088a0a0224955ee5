//! Reads a spec file and parses it into `openapiv3` types; the only code that touches spec files.
//!
//! YAML and JSON both go through serde_yaml (JSON is YAML). The version is checked here so that
//! later phases can assume OpenAPI 3.0.x.

use std::path::Path;

use openapiv3::OpenAPI;

use crate::diagnostics::{catalog, Diagnostic, Diagnostics, Position};

/// A parsed spec together with the text it came from (kept for locating diagnostics).
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub openapi: OpenAPI,
    pub source: String,
    /// How the file is named in messages.
    pub label: String,
}

/// Reads and parses the spec at `path`.
pub fn load_spec(path: &Path, label: &str) -> Result<LoadedSpec, Diagnostics> {
    let source = std::fs::read_to_string(path).map_err(|e| {
        let mut d = Diagnostic::error("", format!("cannot read the spec: {e}"));
        d.file = label.to_owned();
        Diagnostics(vec![d])
    })?;
    parse_spec(source, label)
}

/// Parses spec text that is already in memory.
pub fn parse_spec(source: String, label: &str) -> Result<LoadedSpec, Diagnostics> {
    let located = |mut d: Diagnostic, location: Option<serde_yaml::Location>| {
        d.file = label.to_owned();
        d.position = location.map(|l| Position {
            line: l.line(),
            column: l.column(),
        });
        Diagnostics(vec![d])
    };
    // openapiv3 panics on a few malformed inputs (e.g. a value that only fails once re-read as
    // JSON); a panic there is still a broken spec, so it becomes a diagnostic.
    let parsed =
        std::panic::catch_unwind(|| serde_yaml::from_str::<OpenAPI>(&source)).map_err(|_| {
            let mut d = catalog::not_openapi("the OpenAPI reader failed on a malformed value");
            d.file = label.to_owned();
            Diagnostics(vec![d])
        })?;
    match parsed {
        Ok(openapi) => {
            if !is_supported_version(&openapi.openapi) {
                let mut diagnostics =
                    Diagnostics(vec![catalog::unsupported_version(&openapi.openapi)]);
                crate::source_map::annotate(&mut diagnostics, label, &source);
                return Err(diagnostics);
            }
            Ok(LoadedSpec {
                openapi,
                source,
                label: label.to_owned(),
            })
        }
        Err(error) => {
            // Tell a wrong kind of document apart from a broken one before blaming the syntax.
            let diagnostic = match serde_yaml::from_str::<serde_yaml::Value>(&source) {
                Err(syntax) => {
                    return Err(located(
                        catalog::syntax(&strip_location(&syntax)),
                        syntax.location(),
                    ))
                }
                Ok(value) => version_diagnostic(&value),
            };
            match diagnostic {
                Some(d) => {
                    let mut diagnostics = Diagnostics(vec![d]);
                    crate::source_map::annotate(&mut diagnostics, label, &source);
                    Err(diagnostics)
                }
                None => Err(located(
                    catalog::not_openapi(&strip_location(&error)),
                    error.location(),
                )),
            }
        }
    }
}

fn is_supported_version(version: &str) -> bool {
    version == "3.0" || version.starts_with("3.0.")
}

/// A diagnostic for a document whose `openapi`/`swagger` field says it is not OpenAPI 3.0.x.
fn version_diagnostic(document: &serde_yaml::Value) -> Option<Diagnostic> {
    let field = |name: &str| {
        document.get(name).map(|v| match v {
            serde_yaml::Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_owned(),
        })
    };
    if let Some(found) = field("swagger") {
        return Some(catalog::swagger2(&found));
    }
    match field("openapi") {
        Some(found) if !is_supported_version(&found) => Some(catalog::unsupported_version(&found)),
        Some(_) => None,
        None if document.as_mapping().is_some() => Some(
            Diagnostic::error(
                "",
                "the document has no `openapi` field; it is not an OpenAPI 3.0 description",
            )
            .with_hint("an OpenAPI document starts with `openapi: 3.0.3`"),
        ),
        None => Some(Diagnostic::error(
            "",
            "the document is not a mapping; it is not an OpenAPI description",
        )),
    }
}

/// serde_yaml appends " at line X column Y" to messages; the position is reported separately.
fn strip_location(error: &serde_yaml::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}
