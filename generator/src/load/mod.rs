//! Reads a spec file (and the files its `$ref`s name) and parses it into `openapiv3` types; the
//! only code that touches spec files.
//!
//! YAML and JSON both go through serde_yaml (JSON is YAML). The version is checked here so that
//! later phases can assume OpenAPI 3.0.x; external references are bundled in by `bundle.rs`, so
//! later phases see one document.

mod bundle;
mod deep_schemas;
mod kind;

use std::path::Path;

use openapiv3::OpenAPI;

pub use bundle::Origin;
use bundle::{bundle, Document};
use deep_schemas::check_deep_schemas;

use crate::diagnostics::{catalog, Diagnostic, Diagnostics, Position};

/// A parsed spec together with the text it came from (kept for locating diagnostics).
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    pub openapi: OpenAPI,
    pub source: String,
    /// How the file is named in messages.
    pub label: String,
    /// Components copied in from other files, so diagnostics about them name the right file.
    pub origins: Vec<Origin>,
}

impl LoadedSpec {
    /// Fills in the file and `line:column` of each diagnostic, in the file its pointer came from.
    pub fn annotate(&self, diagnostics: &mut Diagnostics) {
        annotate(&self.origins, &self.label, &self.source, diagnostics);
    }

    /// [`annotate`](Self::annotate), then sorts into report order.
    pub(crate) fn locate(&self, diagnostics: &mut Diagnostics) {
        self.annotate(diagnostics);
        diagnostics.sort();
    }
}

/// See [`LoadedSpec::annotate`].
fn annotate(origins: &[Origin], label: &str, source: &str, diagnostics: &mut Diagnostics) {
    {
        let mut own = Diagnostics::default();
        let mut copied: Vec<(usize, Diagnostics)> = Vec::new();
        for mut d in std::mem::take(&mut diagnostics.0) {
            let origin = origins.iter().position(|o| {
                d.pointer == o.bundled || d.pointer.starts_with(&format!("{}/", o.bundled))
            });
            match origin {
                Some(index) if d.file.is_empty() => {
                    let o = &origins[index];
                    d.pointer = format!("{}{}", o.pointer, &d.pointer[o.bundled.len()..]);
                    match copied.iter_mut().find(|(i, _)| *i == index) {
                        Some((_, list)) => list.push(d),
                        None => copied.push((index, Diagnostics(vec![d]))),
                    }
                }
                _ => own.push(d),
            }
        }
        crate::source_map::annotate(&mut own, label, source);
        diagnostics.0.extend(own.0);
        for (index, mut list) in copied {
            let o = &origins[index];
            crate::source_map::annotate(&mut list, &o.file, &o.source);
            diagnostics.0.extend(list.0);
        }
    }
}

/// Reads and parses the spec at `path`; external references must stay inside its directory.
pub fn load_spec(path: &Path, label: &str) -> Result<LoadedSpec, Diagnostics> {
    load_spec_with(path, label, false)
}

/// Reads and parses the spec at `path`, bundling the files its `$ref`s name; with
/// `allow_outside`, those files may lie outside the spec's directory tree.
pub fn load_spec_with(
    path: &Path,
    label: &str,
    allow_outside: bool,
) -> Result<LoadedSpec, Diagnostics> {
    let root = read_document(path, label)?;
    if let Some(d) = version_diagnostic(&root.value) {
        let mut diagnostics = Diagnostics(vec![d]);
        crate::source_map::annotate(&mut diagnostics, label, &root.source);
        return Err(diagnostics);
    }
    let source = root.source.clone();
    let bundled = bundle(path, root, allow_outside)?;
    if !bundled.changed {
        return parse_spec_from(source, Some(bundled.value), label);
    }
    let value = bundled.value;
    let parsed = read_openapi(|| match check_deep_schemas(&value) {
        Some(d) => Err(Box::new(d)),
        None => Ok(serde_yaml::from_value::<OpenAPI>(value)),
    });
    let parsed = match parsed {
        Ok(Err(d)) => {
            let mut diagnostics = Diagnostics(vec![*d]);
            annotate(&bundled.origins, label, &source, &mut diagnostics);
            return Err(diagnostics);
        }
        Ok(Ok(parsed)) => Ok(parsed),
        Err(()) => Err(()),
    };
    match parsed {
        Ok(Ok(openapi)) => Ok(LoadedSpec {
            openapi,
            source,
            label: label.to_owned(),
            origins: bundled.origins,
        }),
        // The root text alone locates the problem when it lies in the root file.
        _ => match parse_spec(source, label) {
            Err(located) => Err(located),
            Ok(_) => {
                let reason = match parsed {
                    Ok(Err(error)) => strip_location(&error),
                    _ => "the OpenAPI reader failed on a malformed value".to_owned(),
                };
                let mut d = catalog::not_openapi(&format!("in a referenced file: {reason}"));
                d.file = label.to_owned();
                Err(Diagnostics(vec![d]))
            }
        },
    }
}

/// Reads one file and parses it into a YAML value, locating a syntax error.
fn read_document(path: &Path, label: &str) -> Result<Document, Diagnostics> {
    let source = std::fs::read_to_string(path).map_err(|e| {
        let mut d = Diagnostic::error("", format!("cannot read the spec: {e}"));
        d.file = label.to_owned();
        Diagnostics(vec![d])
    })?;
    match serde_yaml::from_str::<serde_yaml::Value>(&source) {
        Ok(value) => Ok(Document {
            label: label.to_owned(),
            source,
            value,
        }),
        Err(syntax) => {
            let mut d = catalog::syntax(&strip_location(&syntax));
            d.file = label.to_owned();
            d.position = syntax.location().map(|l| Position {
                line: l.line(),
                column: l.column(),
            });
            Err(Diagnostics(vec![d]))
        }
    }
}

/// Parses spec text that is already in memory.
pub fn parse_spec(source: String, label: &str) -> Result<LoadedSpec, Diagnostics> {
    parse_spec_from(source, None, label)
}

/// Parses spec text, reusing its YAML value when the caller already has it.
///
/// The OpenAPI model is read from the value (no second pass over the text); only when that fails
/// is the text read again, because only a reader of the text can say where the fault is.
fn parse_spec_from(
    source: String,
    value: Option<serde_yaml::Value>,
    label: &str,
) -> Result<LoadedSpec, Diagnostics> {
    let located = |mut d: Diagnostic, location: Option<serde_yaml::Location>| {
        d.file = label.to_owned();
        d.position = location.map(|l| Position {
            line: l.line(),
            column: l.column(),
        });
        Diagnostics(vec![d])
    };
    // Text that is not even a YAML value (a syntax error, a duplicate key) is reported as such
    // without asking openapiv3, which could spend exponential time before reaching the fault.
    let parsed = read_openapi(|| {
        let value = match value {
            Some(value) => value,
            None => serde_yaml::from_str::<serde_yaml::Value>(&source).map_err(|syntax| {
                located(catalog::syntax(&strip_location(&syntax)), syntax.location())
            })?,
        };
        if let Some(d) = check_deep_schemas(&value) {
            let mut diagnostics = Diagnostics(vec![d]);
            crate::source_map::annotate(&mut diagnostics, label, &source);
            return Err(diagnostics);
        }
        Ok(serde_yaml::from_value::<OpenAPI>(value)
            .or_else(|_| serde_yaml::from_str::<OpenAPI>(&source)))
    })
    .map_err(|_| {
        let mut d = catalog::not_openapi("the OpenAPI reader failed on a malformed value");
        d.file = label.to_owned();
        Diagnostics(vec![d])
    })??;
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
                origins: Vec::new(),
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

/// Stack for deserializing `openapiv3` types: their untagged enums buffer and re-read each nested
/// schema, so every level of nesting costs tens of kilobytes in a debug build, and the 128 levels
/// serde_yaml allows would overflow a test thread's 2 MiB. The memory is only reserved.
const READER_STACK: usize = 256 << 20;

/// Runs `read` (a deserialization into `openapiv3`) on a thread with a large stack; `Err` when it
/// panicked (openapiv3 panics on a few malformed inputs, e.g. a value that only fails once re-read
/// as JSON, and a panic there is still a broken spec).
fn read_openapi<T: Send>(read: impl FnOnce() -> T + Send) -> Result<T, ()> {
    std::thread::scope(|scope| {
        match std::thread::Builder::new()
            .name("openapi-reader".to_owned())
            .stack_size(READER_STACK)
            .spawn_scoped(scope, read)
        {
            Ok(reader) => reader.join().map_err(|_| ()),
            // Only when the system is out of threads; reported like a reader failure.
            Err(_) => Err(()),
        }
    })
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
