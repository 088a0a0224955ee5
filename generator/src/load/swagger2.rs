//! Converts a Swagger 2.0 document into the OpenAPI 3.0 model, recording where each converted
//! piece came from so diagnostics point into the 2.0 text.
//!
//! The rules are the published 2.0 -> 3.0 mapping: `definitions`, `parameters`, `responses` and
//! `securityDefinitions` become `components` sections (`$ref`s rewritten everywhere); a `body`
//! parameter becomes a `requestBody` with one media type per `consumes` entry; `formData`
//! parameters become one form body (an object schema, a property per parameter); the schema
//! keywords of other parameters and of response headers move under `schema`, and
//! `collectionFormat` becomes `style`/`explode`; a response `schema` becomes `content`, one media
//! type per `produces` entry, with `examples` as each media type's `example`; `host`, `basePath`
//! and `schemes` become `servers`; `x-nullable` becomes `nullable` and a string `discriminator` a
//! `{propertyName}`. Where the versions differ, the choices are:
//! - no `consumes`/`produces` anywhere means `application/json`; an operation's list replaces
//!   the document's; several media types give several `content` entries (lowering picks JSON);
//!   `*/*` under a body or response with a schema means `application/json`;
//! - `formData` parameters are `multipart/form-data` when one is a file or `consumes` names
//!   multipart, `application/x-www-form-urlencoded` otherwise;
//! - a response `schema` of `type: file` is binary, under the non-JSON `produces` types, or
//!   `application/octet-stream` when `produces` lists only JSON;
//! - no `schemes` means `https`; no `host` means a server URL that is `basePath` alone;
//! - `collectionFormat: tsv` has no 3.0 style: it becomes comma-separated, with a warning;
//! - a `default` response and `allowEmptyValue` (query only) keep their 2.0 meaning, which 3.0
//!   shares;
//! - a shared `body` parameter or response referenced from an operation whose `consumes` or
//!   `produces` differs from the document's is inlined there, so it gets the operation's types.
//!
//! Errors carry pointers into the 2.0 document (the caller maps them through the bundler's
//! origins); warnings carry pointers into the converted document, and every moved piece gets an
//! [`Origin`] leading back to the 2.0 file, pointer and text.

mod operation;
mod schema;

use std::sync::Arc;

use serde_yaml::{Mapping, Value};

use super::Origin;
use crate::diagnostics::{catalog, join, Diagnostics};

/// Converts a bundled Swagger 2.0 document (local `$ref`s only) into its OpenAPI 3.0 equivalent.
///
/// On success `origins` (the bundler's, in 2.0 pointers) is replaced by origins in the converted
/// document; on failure it is left as is, since the errors carry 2.0 pointers.
pub(crate) fn convert(
    value: Value,
    label: &str,
    source: &str,
    origins: &mut Vec<Origin>,
    warnings: &mut Diagnostics,
) -> Result<Value, Diagnostics> {
    let Value::Mapping(root) = &value else {
        return Err(Diagnostics(vec![catalog::swagger2_invalid(
            "",
            "the document is not a mapping",
        )]));
    };
    let mut converter = Converter::new(root);
    let document = converter.document();
    if converter.errors.has_errors() {
        return Err(converter.errors);
    }
    *origins = compose(&converter.moves, origins, label, source);
    warnings.0.extend(converter.warnings.0);
    Ok(Value::Mapping(document))
}

/// A piece of the 2.0 document that sits elsewhere in the converted one.
struct Move {
    converted: String,
    original: String,
}

/// The conversion state: the 2.0 document (read only), its document-level media types, and what
/// was found along the way.
struct Converter<'a> {
    root: &'a Mapping,
    consumes: Vec<String>,
    produces: Vec<String>,
    moves: Vec<Move>,
    errors: Diagnostics,
    warnings: Diagnostics,
}

/// HTTP methods a 2.0 path item may hold.
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// The media type used when neither the operation nor the document names one.
const DEFAULT_MEDIA: &str = "application/json";

impl<'a> Converter<'a> {
    fn new(root: &'a Mapping) -> Self {
        let mut converter = Converter {
            root,
            consumes: Vec::new(),
            produces: Vec::new(),
            moves: Vec::new(),
            errors: Diagnostics::default(),
            warnings: Diagnostics::default(),
        };
        converter.consumes = converter.media_list(root.get("consumes"), "#/consumes");
        converter.produces = converter.media_list(root.get("produces"), "#/produces");
        converter
    }

    /// Records that `converted` (a pointer in the converted document) came from `original` (a
    /// pointer in the 2.0 document).
    fn moved(&mut self, converted: &str, original: &str) {
        if converted != original {
            self.moves.push(Move {
                converted: converted.to_owned(),
                original: original.to_owned(),
            });
        }
    }

    fn error(&mut self, pointer: &str, problem: &str) {
        self.errors
            .push(catalog::swagger2_invalid(pointer, problem));
    }

    fn document(&mut self) -> Mapping {
        let root = self.root;
        let mut out = Mapping::new();
        out.insert("openapi".into(), "3.0.3".into());
        match root.get("info") {
            Some(info) => {
                out.insert("info".into(), info.clone());
            }
            None => self.error("", "the document has no `info`"),
        }
        let servers = self.servers();
        if !servers.is_empty() {
            out.insert("servers".into(), Value::Sequence(servers));
        }
        let paths = self.paths();
        out.insert("paths".into(), Value::Mapping(paths));
        let components = self.components();
        if !components.is_empty() {
            out.insert("components".into(), Value::Mapping(components));
        }
        for key in ["security", "tags", "externalDocs"] {
            if let Some(value) = root.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        copy_extensions(root, &mut out);
        out
    }

    /// `host`, `basePath` and `schemes` as 3.0 `servers`: one per scheme (`https` when none is
    /// listed), or `basePath` alone as a relative URL when there is no host.
    fn servers(&mut self) -> Vec<Value> {
        let root = self.root;
        let text = |key: &str| root.get(key).and_then(Value::as_str).map(str::to_owned);
        let base_path = text("basePath").unwrap_or_default();
        let base_path = base_path.trim_end_matches('/');
        let server = |url: String| {
            let mut server = Mapping::new();
            server.insert("url".into(), url.into());
            Value::Mapping(server)
        };
        let Some(host) = text("host") else {
            return if base_path.is_empty() {
                Vec::new()
            } else {
                vec![server(base_path.to_owned())]
            };
        };
        let mut schemes: Vec<String> = match root.get("schemes") {
            Some(Value::Sequence(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        if schemes.is_empty() {
            schemes.push("https".to_owned());
        }
        schemes
            .iter()
            .map(|scheme| server(format!("{scheme}://{host}{base_path}")))
            .collect()
    }

    fn paths(&mut self) -> Mapping {
        let mut out = Mapping::new();
        let paths = match self.root.get("paths") {
            Some(Value::Mapping(paths)) => paths,
            Some(_) => {
                self.error("#/paths", "`paths` must be a mapping");
                return out;
            }
            None => {
                self.error("", "the document has no `paths`");
                return out;
            }
        };
        for (key, item) in paths {
            let Some(path) = key_str(key) else { continue };
            if path.starts_with("x-") {
                out.insert(key.clone(), item.clone());
                continue;
            }
            let at = join("#/paths", &[&path]);
            match item {
                Value::Mapping(item) => {
                    let item = self.path_item(item, &at);
                    out.insert(path.into(), Value::Mapping(item));
                }
                _ => self.error(&at, "a path item must be a mapping"),
            }
        }
        out
    }

    fn components(&mut self) -> Mapping {
        let mut out = Mapping::new();
        if let Some(definitions) = self.section("definitions") {
            let mut schemas = Mapping::new();
            for (key, definition) in definitions {
                let Some(name) = key_str(key) else { continue };
                let original = join("#/definitions", &[&name]);
                let converted = join("#/components/schemas", &[&name]);
                self.moved(&converted, &original);
                schemas.insert(name.into(), self.schema(definition, &original));
            }
            out.insert("schemas".into(), Value::Mapping(schemas));
        }
        if let Some(parameters) = self.section("parameters") {
            let (parameters, bodies) = self.shared_parameters(parameters);
            if !parameters.is_empty() {
                out.insert("parameters".into(), Value::Mapping(parameters));
            }
            if !bodies.is_empty() {
                out.insert("requestBodies".into(), Value::Mapping(bodies));
            }
        }
        if let Some(responses) = self.section("responses") {
            let produces = self.effective(&self.produces.clone());
            let mut converted = Mapping::new();
            for (key, response) in responses {
                let Some(name) = key_str(key) else { continue };
                let original = join("#/responses", &[&name]);
                let at = join("#/components/responses", &[&name]);
                match response {
                    Value::Mapping(response) => {
                        let response = self.response(response, &original, &at, &produces);
                        converted.insert(name.into(), response);
                    }
                    _ => self.error(&original, "a response must be a mapping"),
                }
            }
            out.insert("responses".into(), Value::Mapping(converted));
        }
        if let Some(schemes) = self.section("securityDefinitions") {
            let mut converted = Mapping::new();
            for (key, scheme) in schemes {
                let Some(name) = key_str(key) else { continue };
                let original = join("#/securityDefinitions", &[&name]);
                let at = join("#/components/securitySchemes", &[&name]);
                self.moved(&at, &original);
                if let Some(scheme) = self.security_scheme(scheme, &original) {
                    converted.insert(name.into(), scheme);
                }
            }
            out.insert("securitySchemes".into(), Value::Mapping(converted));
        }
        out
    }

    /// A root-level map of named objects; an error when it is something else.
    fn section(&mut self, key: &str) -> Option<&'a Mapping> {
        match self.root.get(key) {
            Some(Value::Mapping(map)) => Some(map),
            Some(Value::Null) | None => None,
            Some(_) => {
                self.error(&join("#", &[key]), &format!("`{key}` must be a mapping"));
                None
            }
        }
    }

    /// A `securityDefinitions` entry as a 3.0 security scheme: `basic` becomes HTTP Basic, the
    /// oauth2 flows take their 3.0 names (`application` -> `clientCredentials`, `accessCode` ->
    /// `authorizationCode`).
    fn security_scheme(&mut self, scheme: &Value, at: &str) -> Option<Value> {
        let Value::Mapping(scheme) = scheme else {
            self.error(at, "a security scheme must be a mapping");
            return None;
        };
        let text = |key: &str| scheme.get(key).and_then(Value::as_str);
        let mut out = Mapping::new();
        match text("type") {
            Some("basic") => {
                out.insert("type".into(), "http".into());
                out.insert("scheme".into(), "basic".into());
            }
            Some("apiKey") => {
                out.insert("type".into(), "apiKey".into());
                match text("in") {
                    Some(location @ ("header" | "query")) => {
                        out.insert("in".into(), location.into());
                    }
                    _ => {
                        self.error(
                            &join(at, &["in"]),
                            "an apiKey scheme is sent `in: header` or `in: query`",
                        );
                        return None;
                    }
                }
                let Some(name) = text("name") else {
                    self.error(at, "an apiKey scheme needs a `name`");
                    return None;
                };
                out.insert("name".into(), name.into());
            }
            Some("oauth2") => {
                let (flow, urls): (&str, &[&str]) = match text("flow") {
                    Some("implicit") => ("implicit", &["authorizationUrl"]),
                    Some("password") => ("password", &["tokenUrl"]),
                    Some("application") => ("clientCredentials", &["tokenUrl"]),
                    Some("accessCode") => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                    _ => {
                        self.error(
                            &join(at, &["flow"]),
                            "an oauth2 scheme's `flow` is `implicit`, `password`, `application` or `accessCode`",
                        );
                        return None;
                    }
                };
                let mut converted = Mapping::new();
                for url in urls {
                    match text(url) {
                        Some(value) => {
                            converted.insert((*url).into(), value.into());
                        }
                        None => {
                            self.error(at, &format!("this oauth2 flow needs `{url}`"));
                            return None;
                        }
                    }
                }
                let scopes = match scheme.get("scopes") {
                    Some(scopes @ Value::Mapping(_)) => scopes.clone(),
                    _ => Value::Mapping(Mapping::new()),
                };
                converted.insert("scopes".into(), scopes);
                let mut flows = Mapping::new();
                flows.insert(flow.into(), Value::Mapping(converted));
                out.insert("type".into(), "oauth2".into());
                out.insert("flows".into(), Value::Mapping(flows));
            }
            _ => {
                self.error(
                    &join(at, &["type"]),
                    "a security scheme's `type` is `basic`, `apiKey` or `oauth2`",
                );
                return None;
            }
        }
        if let Some(description) = scheme.get("description") {
            out.insert("description".into(), description.clone());
        }
        copy_extensions(scheme, &mut out);
        Some(Value::Mapping(out))
    }

    /// A `consumes` or `produces` list; an error when it is not a list of strings.
    fn media_list(&mut self, value: Option<&Value>, at: &str) -> Vec<String> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Sequence(list)) => list
                .iter()
                .filter_map(|m| match m.as_str() {
                    Some(media) => Some(media.to_owned()),
                    None => {
                        self.error(at, "media types are strings");
                        None
                    }
                })
                .collect(),
            Some(_) => {
                self.error(at, "a list of media types is expected");
                Vec::new()
            }
        }
    }

    /// The media types in effect: the given list, or `application/json` when it is empty.
    fn effective(&self, list: &[String]) -> Vec<String> {
        if list.is_empty() {
            vec![DEFAULT_MEDIA.to_owned()]
        } else {
            list.to_vec()
        }
    }
}

/// Origins for the converted document: each move, traced through the bundler's origins when the
/// 2.0 piece was itself copied from another file.
fn compose(moves: &[Move], bundled: &[Origin], label: &str, source: &str) -> Vec<Origin> {
    let root_source: Arc<str> = Arc::from(source);
    moves
        .iter()
        .map(|m| {
            let via = bundled
                .iter()
                .filter(|o| {
                    m.original.starts_with(&o.bundled)
                        && matches!(
                            m.original.as_bytes().get(o.bundled.len()),
                            None | Some(b'/')
                        )
                })
                .max_by_key(|o| o.bundled.len());
            match via {
                Some(o) => Origin {
                    bundled: m.converted.clone(),
                    file: o.file.clone(),
                    source: o.source.clone(),
                    pointer: format!("{}{}", o.pointer, &m.original[o.bundled.len()..]),
                },
                None => Origin {
                    bundled: m.converted.clone(),
                    file: label.to_owned(),
                    source: root_source.clone(),
                    pointer: m.original.clone(),
                },
            }
        })
        .collect()
}

/// Copies the `x-` extensions of `from` into `to`.
fn copy_extensions(from: &Mapping, to: &mut Mapping) {
    for (key, value) in from {
        if key.as_str().is_some_and(|k| k.starts_with("x-")) {
            to.insert(key.clone(), value.clone());
        }
    }
}

/// A mapping key as a JSON pointer names it (YAML allows `200:` unquoted).
fn key_str(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A media type without its parameters, lowercased (`Application/JSON; charset=utf-8` ->
/// `application/json`).
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type carries JSON (`application/json`, `application/problem+json`, ...).
fn is_json(media: &str) -> bool {
    let essence = essence(media);
    essence == "application/json" || essence.ends_with("+json") || essence == "text/json"
}
