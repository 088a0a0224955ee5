//! Reads a spec file (and the files its `$ref`s name) and parses it into `openapiv3` types; the
//! only code that touches spec files.
//!
//! YAML goes through serde_yaml, JSON through serde_json, both into one `serde_yaml::Value`. The pipeline: parse the root, detect
//! its version, bundle external references in (`bundle.rs`), bring a 3.2 or 3.1 document
//! (`openapi32.rs`, `openapi31.rs`) or a Swagger 2.0 one (`swagger2.rs`) to the 3.0 model, move
//! callbacks into `paths` (`callbacks.rs`), then read `openapiv3`. Later phases see
//! one OpenAPI 3.0 document with local references only, whatever the user wrote.

mod bundle;
mod callbacks;
mod deep_schemas;
mod integers;
mod kind;
mod openapi31;
mod openapi32;
mod repair;
mod sequential;
mod swagger2;
mod yaml;

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

pub use bundle::Origin;
use bundle::{bundle, Document};
pub(crate) use callbacks::CALLBACK_MARKER;
use deep_schemas::check_deep_schemas;
pub(crate) use openapi31::{EXAMPLES_MARKER, WEBHOOK_MARKER};
pub(crate) use openapi32::{METHOD_MARKER, PATH_MARKER, QUERYSTRING_MARKER};

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
    /// What loading found doubtful (constructs of 3.1 or 2.0 read in a degraded way), not yet
    /// located.
    pub warnings: Diagnostics,
    /// Every file loading read: the root and each file its `$ref`s name (for a build script's
    /// `cargo:rerun-if-changed`); empty for a spec parsed from memory.
    pub files: Vec<PathBuf>,
    /// The description as the input gave it, bundled into one document (external references
    /// copied in), as JSON: the root's own text when it is JSON that bundling did not change,
    /// else the bundled tree written compactly. Before any conversion (a 2.0 or 3.1 document
    /// stays one), so that the `docs` feature serves what the input said.
    pub description: String,
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
        // Grouped by file, so each file's text is searched once (a converted Swagger 2.0
        // document has an origin per moved piece, most of them in the root file).
        let mut copied: Vec<(&Origin, Diagnostics)> = Vec::new();
        for mut d in std::mem::take(&mut diagnostics.0) {
            // The most specific origin wins: a copy may hold copies of its own.
            let origin = origins
                .iter()
                .enumerate()
                .filter(|(_, o)| {
                    d.pointer == o.bundled || d.pointer.starts_with(&format!("{}/", o.bundled))
                })
                .max_by_key(|(_, o)| o.bundled.len())
                .map(|(index, _)| index);
            match origin {
                Some(index) if d.file.is_empty() => {
                    let o = &origins[index];
                    d.pointer = format!("{}{}", o.pointer, &d.pointer[o.bundled.len()..]);
                    if o.file == label {
                        own.push(d);
                        continue;
                    }
                    match copied.iter_mut().find(|(c, _)| c.file == o.file) {
                        Some((_, list)) => list.push(d),
                        None => copied.push((o, Diagnostics(vec![d]))),
                    }
                }
                _ => own.push(d),
            }
        }
        crate::source_map::annotate(&mut own, label, source);
        diagnostics.0.extend(own.0);
        for (o, mut list) in copied {
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
    let version = match detect_version(&root.value) {
        Ok(version) => version,
        Err(d) => return Err(located_in(*d, label, &root.source)),
    };
    let source = root.source.clone();
    let bundled = bundle(path, root, allow_outside, version)?;
    let mut loaded = read_spec(
        source,
        bundled.value,
        label,
        bundled.origins,
        version,
        bundled.changed,
    )?;
    loaded.warnings.0.splice(0..0, bundled.warnings.0);
    loaded.files = bundled.files;
    Ok(loaded)
}

/// Reads one file and parses it into a YAML value, locating a syntax error.
fn read_document(path: &Path, label: &str) -> Result<Document, Diagnostics> {
    let source = std::fs::read_to_string(path).map_err(|e| {
        let mut d = Diagnostic::error("", format!("cannot read the spec: {e}"));
        d.file = label.to_owned();
        Diagnostics(vec![d])
    })?;
    let value = parse_yaml(&source, label)?;
    Ok(Document {
        label: label.to_owned(),
        source,
        value,
    })
}

/// See [`crate::parse_yaml_value`].
pub(crate) fn parse_yaml_value(text: &str) -> Result<serde_yaml::Value, serde_yaml::Error> {
    yaml::from_str(text)
}

/// Parses text into a YAML value, locating a syntax error. Text that opens with `{` is JSON and
/// is read by the JSON parser (YAML refuses control characters JSON strings may hold); should
/// that fail, it is read as YAML's flow style after all, and the JSON error is the one reported.
fn parse_yaml(source: &str, label: &str) -> Result<serde_yaml::Value, Diagnostics> {
    if source
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .starts_with('{')
    {
        return yaml::from_json_str(source).or_else(|json| {
            yaml::from_str(source).map_err(|_| {
                let mut d = catalog::syntax(&strip_location(&json));
                d.file = label.to_owned();
                d.position = Some(Position {
                    line: json.line(),
                    column: json.column(),
                });
                Diagnostics(vec![d])
            })
        });
    }
    yaml::from_str(source).map_err(|syntax| {
        let mut d = catalog::syntax(&strip_location(&syntax));
        d.file = label.to_owned();
        d.position = syntax.location().map(|l| Position {
            line: l.line(),
            column: l.column(),
        });
        Diagnostics(vec![d])
    })
}

/// Parses spec text that is already in memory (no external references are followed).
pub fn parse_spec(source: String, label: &str) -> Result<LoadedSpec, Diagnostics> {
    let value = parse_yaml(&source, label)?;
    let version = match detect_version(&value) {
        Ok(version) => version,
        Err(d) => return Err(located_in(*d, label, &source)),
    };
    read_spec(source, value, label, Vec::new(), version, false)
}

/// Brings a parsed document of any supported version to the OpenAPI 3.0 model and reads it into
/// `openapiv3`.
///
/// The model is read from the value (no second pass over the text); only when that fails is the
/// text read again, because only a reader of the text can say where the fault is, and only for a
/// document that was not rewritten (otherwise the text no longer matches the value).
fn read_spec(
    source: String,
    value: serde_yaml::Value,
    label: &str,
    mut origins: Vec<Origin>,
    version: Version,
    bundled: bool,
) -> Result<LoadedSpec, Diagnostics> {
    let mut warnings = Diagnostics::default();
    let description = describe(&source, &value, bundled, &mut warnings);
    let mut value = value;
    if matches!(version, Version::V31 | Version::V32) {
        sequential::item_schemas(&mut value);
    }
    let value = match version {
        Version::V30 => value,
        Version::V31 => openapi31::normalize(value, label, &source, &mut origins, &mut warnings),
        Version::V32 => {
            let mut value = value;
            openapi32::prepare(&mut value);
            openapi31::normalize(value, label, &source, &mut origins, &mut warnings)
        }
        Version::Swagger2 => {
            match swagger2::convert(value, label, &source, &mut origins, &mut warnings) {
                Ok(value) => value,
                Err(mut diagnostics) => {
                    annotate(&origins, label, &source, &mut diagnostics);
                    return Err(diagnostics);
                }
            }
        }
    };
    let mut value = value;
    callbacks::hoist_callbacks(&mut value, label, &source, &mut origins, &mut warnings);
    if version == Version::V32 {
        openapi32::split_methods(&mut value, label, &source, &mut origins, &mut warnings);
    }
    let before_repairs = warnings.len();
    repair::repair(&mut value, version, &mut warnings);
    integers::fit_integers(&mut value, &mut warnings);
    // A repaired document's text no longer says what was read: reading it again to place an
    // error would report what the repairs fixed (and a deep schema they fixed takes the reader
    // exponential time to refuse).
    let rewritten = bundled || version != Version::V30 || warnings.len() > before_repairs;
    // The path to an error is tracked so that a rewritten document, whose text no longer matches
    // the value, can still say where the fault is.
    let parsed = read_openapi(|| match check_deep_schemas(&value) {
        Some(d) => Err(Box::new(d)),
        None => Ok(serde_path_to_error::deserialize::<_, OpenAPI>(value)),
    });
    match parsed {
        Ok(Ok(Ok(openapi))) => Ok(LoadedSpec {
            openapi,
            source,
            label: label.to_owned(),
            origins,
            warnings,
            files: Vec::new(),
            description,
        }),
        Ok(Err(d)) => {
            let mut diagnostics = Diagnostics(vec![*d]);
            annotate(&origins, label, &source, &mut diagnostics);
            Err(diagnostics)
        }
        Ok(Ok(Err(error))) if rewritten => {
            let d = catalog::not_openapi(&strip_location(error.inner()));
            let mut diagnostics = Diagnostics(vec![Diagnostic {
                pointer: pointer_of(error.path()),
                ..d
            }]);
            annotate(&origins, label, &source, &mut diagnostics);
            Err(diagnostics)
        }
        Ok(Ok(Err(_))) => Err(locate_model_error(&source, label)),
        Err(()) => {
            let mut d = catalog::not_openapi("the OpenAPI reader failed on a malformed value");
            d.file = label.to_owned();
            Err(Diagnostics(vec![d]))
        }
    }
}

/// See [`LoadedSpec::description`]. A tree JSON cannot hold (a YAML key that is a list) is written
/// as `{}`, with a warning.
fn describe(
    source: &str,
    value: &serde_yaml::Value,
    bundled: bool,
    warnings: &mut Diagnostics,
) -> String {
    let is_json = source
        .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .starts_with('{');
    if is_json && !bundled {
        return source.to_owned();
    }
    serde_json::to_string(value).unwrap_or_else(|e| {
        warnings.push(Diagnostic::warning(
            "",
            format!("the description cannot be written as JSON ({e}): the `docs` feature serves `{{}}` instead"),
        ));
        "{}".to_owned()
    })
}

/// The origin of a piece of the document moved from `from` to `to` (both pointers into the
/// bundled document): where `from` was written, through the origins known so far.
fn moved_origin(origins: &[Origin], from: &str, to: &str, label: &str, source: &str) -> Origin {
    let covering = origins
        .iter()
        .filter(|o| from == o.bundled || from.starts_with(&format!("{}/", o.bundled)))
        .max_by_key(|o| o.bundled.len());
    match covering {
        Some(o) => Origin {
            bundled: to.to_owned(),
            file: o.file.clone(),
            source: o.source.clone(),
            pointer: format!("{}{}", o.pointer, &from[o.bundled.len()..]),
        },
        None => Origin {
            bundled: to.to_owned(),
            file: label.to_owned(),
            // Shared with an origin in the same file when there is one.
            source: origins
                .iter()
                .find(|o| o.file == label)
                .map_or_else(|| source.into(), |o| o.source.clone()),
            pointer: from.to_owned(),
        },
    }
}

/// The JSON pointer of the value a deserialization error is about.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for segment in path.iter() {
        let segment = match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } => key.clone(),
            Segment::Enum { .. } | Segment::Unknown => continue,
        };
        pointer.push('/');
        pointer.push_str(&crate::diagnostics::escape_segment(&segment));
    }
    pointer
}

/// Reads the text once more straight into the OpenAPI model, for the position of its error.
fn locate_model_error(source: &str, label: &str) -> Diagnostics {
    match read_openapi(|| serde_yaml::from_str::<OpenAPI>(source).err()) {
        Ok(Some(error)) => {
            let mut d = catalog::not_openapi(&strip_location(&error));
            d.file = label.to_owned();
            d.position = error.location().map(|l| Position {
                line: l.line(),
                column: l.column(),
            });
            Diagnostics(vec![d])
        }
        _ => {
            let mut d = catalog::not_openapi("the OpenAPI reader failed on a malformed value");
            d.file = label.to_owned();
            Diagnostics(vec![d])
        }
    }
}

/// A diagnostic with its file and position in `source` filled in.
fn located_in(d: Diagnostic, label: &str, source: &str) -> Diagnostics {
    let mut diagnostics = Diagnostics(vec![d]);
    crate::source_map::annotate(&mut diagnostics, label, source);
    diagnostics
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

/// Which description format a document is written in; everything after loading sees 3.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// Swagger 2.0 (`swagger: "2.0"`), converted to the 3.0 model by `swagger2.rs`.
    Swagger2,
    /// OpenAPI 3.0.x, read as is.
    V30,
    /// OpenAPI 3.1.x, normalized to the 3.0 model by `openapi31.rs`.
    V31,
    /// OpenAPI 3.2.x: 3.1 plus what `openapi32.rs` brings to the 3.0 model.
    V32,
}

/// Reads the `openapi`/`swagger` field; an error for a version this generator does not read.
fn detect_version(document: &serde_yaml::Value) -> Result<Version, Box<Diagnostic>> {
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
        return match found.as_str() {
            "2.0" => Ok(Version::Swagger2),
            _ => Err(Box::new(catalog::swagger_version(&found))),
        };
    }
    match field("openapi") {
        Some(found) if found == "3.0" || found.starts_with("3.0.") => Ok(Version::V30),
        Some(found) if found == "3.1" || found.starts_with("3.1.") => Ok(Version::V31),
        Some(found) if found == "3.2" || found.starts_with("3.2.") => Ok(Version::V32),
        Some(found) => Err(Box::new(catalog::unsupported_version(&found))),
        None if document.as_mapping().is_some() => Err(Box::new(Diagnostic::error(
            "",
            "the document has no `openapi` field; it is not an OpenAPI description",
        )
        .with_hint("an OpenAPI document starts with `openapi: 3.1.0` or `openapi: 3.0.3`, a Swagger one with `swagger: \"2.0\"`"))),
        None => Err(Box::new(Diagnostic::error(
            "",
            "the document is not a mapping; it is not an OpenAPI description",
        ))),
    }
}

/// serde_yaml and serde_json append " at line X column Y" to messages; the position is reported
/// separately.
fn strip_location(error: &impl std::fmt::Display) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}
