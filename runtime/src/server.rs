//! Server runtime: reads and validates requests, turns failures into JSON 4xx answers and typed
//! replies into HTTP responses, written once for every generated handler.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, Request, State};
use axum::http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, TRANSFER_ENCODING, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, Method, StatusCode, Uri, Version};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::params::{param_string, parse_param};
use crate::sse::{self, SseFrame};
use crate::stream::{ByteStream, Event, EventStream, JsonLines, StreamError};
use crate::validate::Violation;
#[doc(hidden)]
pub use crate::validate::Violations;
use crate::Secret;

pub use axum;
#[doc(hidden)]
pub use axum::routing::MethodFilter;

/// Limits and error format applied before a request reaches the implementation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Largest accepted request body, in bytes; larger ones get `413`.
    pub body_limit: usize,
    /// Renders the JSON body of a refused request, so refusals can follow the API's own error
    /// schema; the default is [`Rejection::default_body`].
    pub rejection_body: fn(&Rejection) -> serde_json::Value,
    /// With the `docs` feature: where the router serves the API's description as JSON (the
    /// document it was generated from, bundled into one); `None` serves neither it nor the page.
    #[cfg(feature = "docs")]
    pub description_path: Option<String>,
    /// With the `docs` feature: where the router serves a Swagger UI page for the description;
    /// `None` serves the description alone.
    #[cfg(feature = "docs")]
    pub docs_path: Option<String>,
    /// The description and its title, set by the generated `router_with_config`.
    #[cfg(feature = "docs")]
    #[doc(hidden)]
    pub description: Option<(&'static str, &'static str)>,
    /// Whether refusals are answered in the shapes the description documents (see the
    /// generated server module's documentation); [`ServerConfig::rejection_body`] and
    /// [`ServerConfig::router_refusals`] turn it off.
    pub documented_refusals: bool,
    /// How refusals that reach no operation (`404`, `405`) are answered, set by the generated
    /// `router_with_config`.
    #[doc(hidden)]
    pub fallback_refusals: &'static [Refusal],
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            body_limit: 2 * 1024 * 1024,
            rejection_body: Rejection::default_body,
            #[cfg(feature = "docs")]
            description_path: Some("/openapi.json".to_owned()),
            #[cfg(feature = "docs")]
            docs_path: Some("/docs".to_owned()),
            #[cfg(feature = "docs")]
            description: None,
            documented_refusals: true,
            fallback_refusals: &[],
        }
    }
}

#[cfg(feature = "docs")]
impl ServerConfig {
    /// Serves the description at `path` (`/openapi.json` by default).
    pub fn description_path(mut self, path: impl Into<String>) -> Self {
        self.description_path = Some(path.into());
        self
    }

    /// Serves the Swagger UI page at `path` (`/docs` by default), and its assets under it.
    pub fn docs_path(mut self, path: impl Into<String>) -> Self {
        self.docs_path = Some(path.into());
        self
    }

    /// Serves neither the description nor the page.
    pub fn without_docs(mut self) -> Self {
        self.description_path = None;
        self.docs_path = None;
        self
    }

    /// The API's description (JSON text) and title, from the generated router.
    #[doc(hidden)]
    pub fn describe(mut self, description: &'static str, title: &'static str) -> Self {
        self.description = Some((description, title));
        self
    }
}

impl ServerConfig {
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Renders every refusal's JSON body with `render`, in place of the shapes the description
    /// documents.
    pub fn rejection_body(mut self, render: fn(&Rejection) -> serde_json::Value) -> Self {
        self.rejection_body = render;
        self.documented_refusals = false;
        self
    }

    /// Answers refusals in the router's own shape ([`Rejection::default_body`]) rather than in
    /// the shapes the description documents.
    pub fn router_refusals(mut self) -> Self {
        self.documented_refusals = false;
        self
    }

    /// The refusals of requests that reach no operation, from the generated router.
    #[doc(hidden)]
    pub fn fallback_refusals(mut self, refusals: &'static [Refusal]) -> Self {
        self.fallback_refusals = refusals;
        self
    }
}

/// How one kind of refusal is answered in the shape the description documents, written by the
/// generator for each operation.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The refusal's own status.
    pub refused: u16,
    /// The status answered: the refused one, or the documented 4xx that stands in for it.
    pub status: u16,
    /// The documented media type; empty for a response documented without a body.
    pub content_type: &'static str,
    /// Whether `body` is JSON (else text).
    pub json: bool,
    /// The body built to the documented schema (JSON text), or text; empty for none.
    pub body: &'static str,
    /// JSON pointers into the body of the fields that take the refusal's message (`""`, the
    /// whole body, for a text body).
    pub message: &'static [&'static str],
    /// The documented response's required headers.
    pub headers: &'static [(&'static str, &'static str)],
}

impl Refusal {
    /// The response to `rejection` in this shape.
    fn answer(&self, rejection: &Rejection) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(rejection.status);
        let mut response = if self.content_type.is_empty() {
            (status, Body::empty()).into_response()
        } else if self.json {
            let mut body: serde_json::Value = serde_json::from_str(self.body).unwrap_or(serde_json::Value::Null);
            for pointer in self.message {
                if let Some(slot) = body.pointer_mut(pointer) {
                    *slot = serde_json::Value::from(rejection.message.as_str());
                }
            }
            (status, [(CONTENT_TYPE, self.content_type)], body.to_string()).into_response()
        } else {
            let text = if self.message.is_empty() { self.body.to_owned() } else { rejection.message.clone() };
            (status, [(CONTENT_TYPE, self.content_type)], text).into_response()
        };
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(*name), HeaderValue::try_from(*value)) {
                response.headers_mut().insert(name, value);
            }
        }
        for challenge in &rejection.challenges {
            if let Ok(value) = HeaderValue::try_from(challenge.as_str()) {
                response.headers_mut().append(WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

/// The router's state: the implementation and the limits.
#[doc(hidden)]
pub struct Shared<A> {
    pub api: Arc<A>,
    pub config: ServerConfig,
}

/// Why a request was refused before reaching the implementation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub status: StatusCode,
    pub message: String,
    /// Where the problem is: `query.name`, `path.organizationId`, `header.X-Id`, `body`, ...
    pub location: Option<String>,
    /// The `WWW-Authenticate` challenges of a `401`: one per security scheme the operation
    /// accepts (`Bearer`, `Basic realm="api"`, ...).
    pub challenges: Vec<String>,
    /// The schema constraints a `400` breaks, each by place (the first
    /// [`MAX_VIOLATIONS`](crate::validate::MAX_VIOLATIONS)); empty for other refusals.
    pub violations: Vec<Violation>,
}

impl Rejection {
    /// A refusal with `status`, a message and where the problem is.
    pub fn new(status: StatusCode, message: impl Into<String>, location: Option<String>) -> Self {
        Self { status, message: message.into(), location, challenges: Vec::new(), violations: Vec::new() }
    }

    /// A `400` listing the schema constraints a request breaks; its `location` is the first one's.
    pub fn invalid(violations: Violations) -> Self {
        let more = if violations.found > violations.list.len() { " at least" } else { "" };
        let message =
            format!("the request breaks{more} {} schema constraint{}", violations.found, if violations.found == 1 { "" } else { "s" });
        let location = violations.list.first().map(|v| v.at.clone());
        Self { violations: violations.list, ..Self::new(StatusCode::BAD_REQUEST, message, location) }
    }

    /// A `400` about the value at `location`.
    pub fn bad_request(message: impl Into<String>, location: String) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message, Some(location))
    }

    /// No credentials for any of the operation's security alternatives; `challenges` are the
    /// `WWW-Authenticate` values of the schemes it accepts.
    pub fn unauthorized(schemes: &str, challenges: Vec<String>) -> Self {
        Self { challenges, ..Self::new(StatusCode::UNAUTHORIZED, format!("missing credentials: this operation needs {schemes}"), None) }
    }
}

impl Rejection {
    /// `{"status": 400, "error": "Bad Request", "message": "...", "location": "query.name"}`, and
    /// when schema constraints are broken, `"violations": [{"at": "query.name", "keyword":
    /// "minLength", "limit": 1}, ...]`.
    pub fn default_body(&self) -> serde_json::Value {
        let mut body = serde_json::json!({
            "status": self.status.as_u16(),
            "error": self.status.canonical_reason().unwrap_or("error"),
            "message": self.message,
            "location": self.location,
        });
        if !self.violations.is_empty() {
            body["violations"] = self.violations.iter().map(Violation::to_json).collect();
        }
        body
    }

    /// The HTTP response, with the body `render` makes.
    pub fn respond(&self, render: fn(&Rejection) -> serde_json::Value) -> Response {
        let body = render(self);
        let mut response = (self.status, [(CONTENT_TYPE, "application/json")], body.to_string()).into_response();
        for challenge in &self.challenges {
            if let Ok(value) = HeaderValue::try_from(challenge.as_str()) {
                response.headers_mut().append(WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        self.respond(Rejection::default_body)
    }
}

/// A request, read whole and split into the parts parameters come from.
#[derive(Debug)]
#[doc(hidden)]
pub struct Incoming {
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    /// The request's head (method, URI, headers, extensions), handed on whole as the input's
    /// [`RequestContext`] once the parameters are read: moved, never copied.
    parts: Parts,
    body: Bytes,
    /// The body of a route that reads it as a stream, not yet read (see [`Incoming::byte_stream`]).
    unread: std::sync::Mutex<Option<Body>>,
    limit: usize,
}

/// Splits a query string into decoded pairs. Unlike a lossy decoder, a name or value whose
/// percent-encoding is not UTF-8 is refused rather than handed on with replacement characters.
fn parse_query(raw: &str) -> Result<Vec<(String, String)>, Rejection> {
    let decode = |text: &str| {
        let spaced = text.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced).decode_utf8().map(|t| t.into_owned())
    };
    let mut pairs = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name =
            decode(name).map_err(|_| Rejection::bad_request("a query parameter name is not UTF-8 once decoded", "query".to_owned()))?;
        let value = decode(value)
            .map_err(|_| Rejection::bad_request(format!("query parameter `{name}` is not UTF-8 once decoded"), format!("query.{name}")))?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

impl Incoming {
    /// Reads the request, refusing bodies over `limit` bytes and undecodable paths or queries; a
    /// `streamed` body is left unread, for the handler to take as a stream.
    pub async fn read(request: Request, limit: usize, streamed: bool) -> Result<Self, Rejection> {
        let (mut parts, body) = request.into_parts();
        let path = RawPathParams::from_request_parts(&mut parts, &())
            .await
            .map_err(|e| Rejection::new(StatusCode::BAD_REQUEST, e.body_text(), Some("path".to_owned())))?
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let query = parse_query(parts.uri.query().unwrap_or(""))?;
        let too_large =
            || Rejection::new(StatusCode::PAYLOAD_TOO_LARGE, format!("request body is larger than {limit} bytes"), Some("body".to_owned()));
        let declared = parts.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
        if streamed {
            // No body at all is an absent one, as for a buffered body.
            let absent = declared == Some(0) || (declared.is_none() && !parts.headers.contains_key(TRANSFER_ENCODING));
            let unread = std::sync::Mutex::new((!absent).then_some(body));
            return Ok(Self { path, query, parts, body: Bytes::new(), unread, limit });
        }
        let body = axum::body::to_bytes(body, limit).await.map_err(|_| too_large())?;
        Ok(Self { path, query, parts, body, unread: std::sync::Mutex::new(None), limit })
    }

    /// The request's context (method, URI, headers, extensions), for the operation's input; taken
    /// once the parameters are read.
    pub fn into_context(self) -> RequestContext {
        RequestContext { parts: self.parts }
    }

    /// The body of a route that streams it, chunk by chunk as it arrives; `None` when the request
    /// has none. Past the body limit the stream ends with [`StreamError::TooLarge`].
    pub fn byte_stream(&self) -> Result<Option<ByteStream>, Rejection> {
        use futures_util::StreamExt as _;
        let Some(body) = self.unread.lock().map_or(None, |mut unread| unread.take()) else {
            return Ok(None);
        };
        let limit = self.limit;
        // The bytes seen so far; `None` once the stream has failed, which ends it.
        let chunks = body.into_data_stream().scan(Some(0usize), move |seen, chunk| {
            let item = seen.map(|total| match chunk {
                Ok(bytes) if total + bytes.len() > limit => Err(StreamError::TooLarge { limit }),
                Ok(bytes) => Ok(bytes),
                Err(e) => Err(StreamError::Transport(e.to_string())),
            });
            *seen = match &item {
                Some(Ok(bytes)) => seen.map(|total| total + bytes.len()),
                _ => None,
            };
            std::future::ready(item)
        });
        Ok(Some(ByteStream::try_new(chunks)))
    }

    fn parse<T: DeserializeOwned>(text: &str, location: &str, name: &str) -> Result<T, Rejection> {
        parse_param(text).map_err(|e| Rejection::bad_request(format!("invalid value {text:?}: {e}"), format!("{location}.{name}")))
    }

    /// The path parameter at these places of the route (0 for its first `{...}`), named `name`
    /// in errors. Places, not names, because two paths that differ only in their variables'
    /// names (`/a/{id}` and `/a/{name}`) are one route. A variable the template names more than
    /// once (`/a/{id}/b/{id}`) must have the same value at every place: the route matched, but
    /// the request names two resources where the operation expects one, so it is a `400`.
    pub fn path<T: DeserializeOwned>(&self, at: &[usize], name: &str) -> Result<T, Rejection> {
        let mut values = at.iter().map(|index| self.path.get(*index).map(|(_, v)| v));
        match values.next().flatten() {
            Some(v) if values.all(|other| other == Some(v)) => Self::parse(v, "path", name),
            Some(_) => Err(Rejection::bad_request("the path gives this parameter different values", format!("path.{name}"))),
            None => Err(Rejection::bad_request("missing path parameter", format!("path.{name}"))),
        }
    }

    /// An OpenAPI 3.2 `querystring` parameter: the whole query string, form-encoded, read as one
    /// value (`None` when the query string is empty); `name` names it in errors.
    pub fn query_string<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        if self.query.is_empty() {
            return Ok(None);
        }
        let bad = |e: &dyn std::fmt::Display| Rejection::bad_request(format!("invalid query string: {e}"), format!("query.{name}"));
        let text = serde_urlencoded::to_string(&self.query).map_err(|e| bad(&e))?;
        serde_urlencoded::from_str(&text).map(Some).map_err(|e| bad(&e))
    }

    pub fn query<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        match self.query.iter().find(|(k, _)| k == name) {
            Some((_, v)) => Self::parse(v, "query", name).map(Some),
            None => Ok(None),
        }
    }

    /// An array query parameter: repeated keys (`explode`) or one comma-separated value.
    pub fn query_array<T: DeserializeOwned>(&self, name: &str, explode: bool) -> Result<Option<Vec<T>>, Rejection> {
        self.query_array_delimited(name, if explode { None } else { Some(',') })
    }

    /// An array query parameter: repeated keys (`separator` is `None`) or values joined by the
    /// separator (`,` form, ` ` spaceDelimited, `|` pipeDelimited).
    pub fn query_array_delimited<T: DeserializeOwned>(&self, name: &str, separator: Option<char>) -> Result<Option<Vec<T>>, Rejection> {
        let values: Vec<&str> = self.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect();
        if values.is_empty() {
            return Ok(None);
        }
        let items: Vec<&str> = match separator {
            None => values,
            Some(separator) => values.iter().flat_map(|v| v.split(separator)).collect(),
        };
        items.into_iter().map(|v| Self::parse(v, "query", name)).collect::<Result<_, _>>().map(Some)
    }

    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        match self.parts.headers.get(name) {
            None => Ok(None),
            Some(value) => {
                let text =
                    value.to_str().map_err(|_| Rejection::bad_request("header value is not visible ASCII", format!("header.{name}")))?;
                Self::parse(text, "header", name).map(Some)
            }
        }
    }

    fn cookie_text(&self, name: &str) -> Option<String> {
        self.parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| percent_encoding::percent_decode_str(v).decode_utf8_lossy().into_owned())
    }

    pub fn cookie<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Rejection> {
        match self.cookie_text(name) {
            Some(text) => Self::parse(&text, "cookie", name).map(Some),
            None => Ok(None),
        }
    }

    /// Refuses a body whose declared content type is not the expected one.
    fn check_content_type(&self, accepts: fn(&str) -> bool, expected: &str) -> Result<(), Rejection> {
        let Some(value) = self.parts.headers.get(CONTENT_TYPE) else {
            return Ok(());
        };
        let essence = value.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        if accepts(&essence) {
            Ok(())
        } else {
            Err(Rejection::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("expected a `{expected}` body, got `{essence}`"),
                Some("header.Content-Type".to_owned()),
            ))
        }
    }

    /// A JSON body; `None` when the body is empty.
    pub fn json<T: DeserializeOwned>(&self) -> Result<Option<T>, Rejection> {
        if self.body.is_empty() {
            return Ok(None);
        }
        self.check_content_type(|e| e == "application/json" || e.ends_with("+json"), "application/json")?;
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let value = T::deserialize(&mut deserializer)
            .and_then(|v| deserializer.end().map(|()| v))
            .map_err(|e| Rejection::bad_request(format!("invalid JSON body: {e}"), "body".to_owned()))?;
        Ok(Some(value))
    }

    /// Checks a JSON body, as sent (undeclared keys included), against node `node`; a body that
    /// is empty or not JSON was already refused or is absent.
    pub fn check_json_body(&self, violations: &mut Violations, node: u32) {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&self.body) {
            violations.check("body", node, &value);
        }
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form<T: DeserializeOwned>(&self) -> Result<Option<T>, Rejection> {
        if self.body.is_empty() {
            return Ok(None);
        }
        self.check_content_type(|e| e == "application/x-www-form-urlencoded", "application/x-www-form-urlencoded")?;
        serde_urlencoded::from_bytes(&self.body)
            .map(Some)
            .map_err(|e| Rejection::bad_request(format!("invalid form body: {e}"), "body".to_owned()))
    }

    /// A `multipart/form-data` body: text parts become strings and file parts byte arrays of a
    /// JSON object, which is then read as `T`. The body is already in memory, so the parser
    /// never waits and is polled once, which keeps the generated handlers synchronous.
    pub fn multipart<T: DeserializeOwned>(&self) -> Result<Option<T>, Rejection> {
        use futures_util::FutureExt as _;
        self.read_multipart()
            .now_or_never()
            .unwrap_or_else(|| Err(Rejection::bad_request("the multipart body could not be read at once", "body".to_owned())))
    }

    async fn read_multipart<T: DeserializeOwned>(&self) -> Result<Option<T>, Rejection> {
        if self.body.is_empty() {
            return Ok(None);
        }
        let content_type = self.parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        let boundary = multer::parse_boundary(content_type).map_err(|e| {
            Rejection::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("expected a multipart/form-data body: {e}"),
                Some("header.Content-Type".to_owned()),
            )
        })?;
        let body = self.body.clone();
        let stream = futures_util::stream::once(std::future::ready(Ok::<Bytes, std::convert::Infallible>(body)));
        let mut multipart = multer::Multipart::new(stream, boundary);
        let mut object = serde_json::Map::new();
        let bad = |e: multer::Error| Rejection::bad_request(format!("invalid multipart body: {e}"), "body".to_owned());
        while let Some(field) = multipart.next_field().await.map_err(bad)? {
            let name = field.name().unwrap_or_default().to_owned();
            let is_file = field.file_name().is_some();
            let data = field.bytes().await.map_err(bad)?;
            let value = match (is_file, std::str::from_utf8(&data)) {
                (false, Ok(text)) => serde_json::from_str::<serde_json::Value>(text)
                    .ok()
                    .filter(|v| !v.is_string())
                    .unwrap_or_else(|| serde_json::Value::String(text.to_owned())),
                _ => serde_json::Value::Array(data.iter().map(|b| serde_json::Value::from(*b)).collect()),
            };
            object.insert(name, value);
        }
        serde_json::from_value(serde_json::Value::Object(object))
            .map(Some)
            .map_err(|e| Rejection::bad_request(format!("invalid multipart body: {e}"), "body".to_owned()))
    }

    pub fn text(&self) -> Result<Option<String>, Rejection> {
        if self.body.is_empty() {
            return Ok(None);
        }
        String::from_utf8(self.body.to_vec())
            .map(Some)
            .map_err(|_| Rejection::bad_request("the body is not valid UTF-8", "body".to_owned()))
    }

    pub fn bytes(&self) -> Result<Option<Vec<u8>>, Rejection> {
        Ok((!self.body.is_empty()).then(|| self.body.to_vec()))
    }

    fn authorization(&self, scheme: &str) -> Option<Secret> {
        let value = self.parts.headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
        let (name, credential) = value.split_once(' ')?;
        (name.eq_ignore_ascii_case(scheme) && !credential.trim().is_empty()).then(|| Secret::new(credential.trim()))
    }

    /// The token of `Authorization: Bearer <token>`.
    pub fn bearer(&self) -> Option<Secret> {
        self.authorization("Bearer")
    }

    /// `user:password` from `Authorization: Basic ...`.
    pub fn basic(&self) -> Option<Secret> {
        use base64::Engine as _;
        let encoded = self.authorization("Basic")?;
        let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.expose()).ok()?;
        String::from_utf8(decoded).ok().map(Secret::new)
    }

    /// An API key in a header, behind its scheme prefix when it has one.
    pub fn api_key_header(&self, name: &str, prefix: Option<&str>) -> Option<Secret> {
        match prefix {
            Some(prefix) if name.eq_ignore_ascii_case("authorization") => self.authorization(prefix),
            Some(prefix) => {
                let value = self.parts.headers.get(name)?.to_str().ok()?;
                let (found, key) = value.split_once(' ')?;
                found.eq_ignore_ascii_case(prefix).then(|| Secret::new(key.trim()))
            }
            None => self.parts.headers.get(name)?.to_str().ok().filter(|v| !v.is_empty()).map(Secret::new),
        }
    }

    pub fn api_key_query(&self, name: &str) -> Option<Secret> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| Secret::new(v.clone()))
    }

    pub fn api_key_cookie(&self, name: &str) -> Option<Secret> {
        self.cookie_text(name).map(Secret::new)
    }
}

/// What the request carried besides its parameters: method, URI, headers, the extensions tower
/// layers set (an authenticated principal, a request id, a tenant) and the remote address. Every
/// operation's input has it as `request`; it is the request's own head, moved there after the
/// parameters were read, so it costs nothing to an implementation that does not look.
///
/// `Debug` shows the method, the path and the header names only: values (`Authorization`,
/// cookies) and the query string (API keys) stay out of logs.
#[derive(Clone)]
pub struct RequestContext {
    parts: Parts,
}

impl RequestContext {
    /// A context for a request built in code (a test calling the implementation directly): `GET
    /// /`, no headers, no extensions.
    pub fn new() -> Self {
        Self { parts: axum::http::Request::new(()).into_parts().0 }
    }

    /// The context of `request`'s head, as the router would build it.
    pub fn from_request<B>(request: axum::http::Request<B>) -> Self {
        Self { parts: request.into_parts().0 }
    }

    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// The URI as the request named it (path and query; a proxy's absolute form keeps its host).
    pub fn uri(&self) -> &Uri {
        &self.parts.uri
    }

    pub fn version(&self) -> Version {
        self.parts.version
    }

    /// Every header, the undeclared ones included.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// What middleware put in the request: `request.extensions_mut().insert(principal)` in a
    /// tower layer, `input.request.extensions().get::<Principal>()` in the implementation.
    pub fn extensions(&self) -> &Extensions {
        &self.parts.extensions
    }

    /// Mutable, to take a value out (`remove::<T>()`) rather than clone it.
    pub fn extensions_mut(&mut self) -> &mut Extensions {
        &mut self.parts.extensions
    }

    /// The peer's address, when the server was started with
    /// `app.into_make_service_with_connect_info::<SocketAddr>()` (axum's `ConnectInfo`);
    /// `None` otherwise. Behind a proxy this is the proxy: read its forwarding header instead.
    pub fn remote_addr(&self) -> Option<std::net::SocketAddr> {
        self.parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0)
    }
}

impl Default for RequestContext {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestContext")
            .field("method", &self.parts.method)
            .field("path", &self.parts.uri.path())
            .field("headers", &self.parts.headers.keys().collect::<Vec<_>>())
            .field("extensions", &self.parts.extensions.len())
            .finish_non_exhaustive()
    }
}

/// Compares method, URI, version and headers. Extensions have no equality and are not compared,
/// so two inputs that differ only in what middleware attached are equal.
impl PartialEq for RequestContext {
    fn eq(&self, other: &Self) -> bool {
        self.parts.method == other.parts.method
            && self.parts.uri == other.parts.uri
            && self.parts.version == other.parts.version
            && self.parts.headers == other.parts.headers
    }
}

/// What a generated handler returns: the implementation's answer on its way, or a rejection
/// found while reading the request.
#[doc(hidden)]
pub type Started = Result<Pending, Rejection>;

/// The implementation's answer, encoded as a reply once it is ready.
#[doc(hidden)]
pub type Pending = Pin<Box<dyn Future<Output = Reply> + Send>>;

/// An operation's response enum, written as a reply (see `responses!`).
#[doc(hidden)]
pub trait Encode {
    fn encode(self) -> Reply;
}

/// Whether an `Accept` header prefers the media type `offered` to `over` (both essences, such as
/// `text/event-stream` and `application/json`): it names `offered` with a quality above zero, and
/// names `over` at a lower quality or not at all. Wildcards count for neither, so a client that
/// accepts anything gets the description's first media type.
pub fn prefers(accept: Option<&str>, offered: &str, over: &str) -> bool {
    let quality = |wanted: &str| {
        accept?.split(',').find_map(|item| {
            let mut parts = item.split(';');
            let name = parts.next()?.trim();
            if !name.eq_ignore_ascii_case(wanted) {
                return None;
            }
            let q = parts.find_map(|p| p.trim().strip_prefix("q=").map(|q| q.trim().parse::<f32>().unwrap_or(0.0)));
            Some(q.unwrap_or(1.0))
        })
    };
    match (quality(offered), quality(over)) {
        (Some(wanted), Some(other)) => wanted > 0.0 && wanted > other,
        (Some(wanted), None) => wanted > 0.0,
        (None, _) => false,
    }
}

/// Awaits the implementation's future and encodes its answer: the one async step of every
/// operation, generic so it is compiled once rather than once per operation.
#[doc(hidden)]
pub fn respond<F>(answer: F) -> Started
where
    F: Future + Send + 'static,
    F::Output: Encode,
{
    Ok(Box::pin(async move { answer.await.encode() }))
}

/// A security scheme as the server checks it: its name in the API description and the
/// `WWW-Authenticate` challenge a `401` sends for it.
#[doc(hidden)]
pub type SchemeInfo = (&'static str, &'static str);

/// `401` unless one of the security `alternatives` is satisfied: each lists scheme indexes that
/// must all be `present`. No alternatives, or an empty one, means no credentials are needed. The
/// refusal carries the challenge of every scheme the alternatives name, in scheme order.
#[doc(hidden)]
pub fn authorize(present: &[bool], alternatives: &[&[usize]], schemes: &[SchemeInfo]) -> Result<(), Rejection> {
    let satisfied = |alternative: &&[usize]| alternative.iter().all(|i| present.get(*i).copied().unwrap_or(false));
    if alternatives.is_empty() || alternatives.iter().any(satisfied) {
        return Ok(());
    }
    let name = |i: &usize| schemes.get(*i).map_or("?", |(name, _)| name);
    let described: Vec<String> = alternatives
        .iter()
        .map(|alternative| {
            let schemes: Vec<String> = alternative.iter().map(|i| format!("`{}`", name(i))).collect();
            schemes.join(" and ")
        })
        .collect();
    let mut used: Vec<usize> = alternatives.iter().flat_map(|alternative| alternative.iter().copied()).collect();
    used.sort_unstable();
    used.dedup();
    let mut challenges: Vec<String> = Vec::new();
    for challenge in used.iter().filter_map(|i| schemes.get(*i)).map(|(_, challenge)| *challenge) {
        if !challenges.iter().any(|known| known == challenge) {
            challenges.push(challenge.to_owned());
        }
    }
    Err(Rejection::unauthorized(&described.join(" or "), challenges))
}

/// A required value, or a `400` naming where it was expected.
#[doc(hidden)]
pub fn required<T>(value: Option<T>, location: &str, name: &str) -> Result<T, Rejection> {
    value.ok_or_else(|| {
        let place = if name.is_empty() { location.to_owned() } else { format!("{location}.{name}") };
        Rejection::bad_request(
            format!("missing required {location}{}", if name.is_empty() { String::new() } else { format!(" parameter `{name}`") }),
            place,
        )
    })
}

/// `Ok` when the request broke no schema constraint, else a `400` listing each.
#[doc(hidden)]
pub fn valid(violations: Violations) -> Result<(), Rejection> {
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Rejection::invalid(violations))
    }
}

/// A reply's body: whole, or a stream of frames, each sent as soon as it is produced.
enum Payload {
    Whole(Vec<u8>),
    Stream(Body),
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Payload::Whole(bytes) => write!(f, "Whole({} bytes)", bytes.len()),
            Payload::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// How long an event stream stays silent before the server sends a keep-alive comment.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The error that ends a streamed body early, so that the client sees the body cut off (the
/// connection closes without the end of the chunked body) rather than complete.
#[derive(Debug)]
struct Cut;

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the implementation's stream failed")
    }
}

impl std::error::Error for Cut {}

/// A streamed body: each item its own frame; an error, or an item that cannot be written, cuts
/// the body off. Axum polls the stream only as the connection takes frames, and drops it (and the
/// implementation's stream with it) when the client goes away.
fn stream_body<I: Send + 'static>(
    items: impl futures_util::Stream<Item = Result<I, StreamError>> + Send + 'static,
    write: impl Fn(I) -> Option<Bytes> + Send + 'static,
) -> Body {
    use futures_util::StreamExt as _;
    Body::from_stream(items.map(move |item| item.ok().and_then(&write).ok_or(Cut)))
}

/// One event as it goes on the wire: its data as JSON, except that a JSON string is written as
/// its text (the client reads it back either way).
fn event_text<T: Serialize>(event: Event<T>) -> Option<Bytes> {
    let json = serde_json::to_string(&event.data).ok()?;
    let data = if json.starts_with('"') { serde_json::from_str::<String>(&json).ok()? } else { json };
    let mut text = String::with_capacity(data.len() + 16);
    sse::write_frame(&SseFrame { event: event.event, data, id: event.id, retry: event.retry }, &mut text);
    Some(Bytes::from(text))
}

/// What a handler answers, before it becomes an HTTP response.
#[derive(Debug)]
#[doc(hidden)]
pub struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    /// Headers the implementation added through [`Answer::header`]: each name replaces what the
    /// reply set under it. Empty (never allocated) for a documented answer given as is.
    added: Vec<(HeaderName, HeaderValue)>,
    body: Option<(&'static str, Payload)>,
    /// Why the answer could not be written (a body or header that failed to serialize): the
    /// client then gets a `500` that says so, never a silently empty answer.
    failure: Option<String>,
}

impl Reply {
    /// A status without a body.
    pub fn empty(status: u16) -> Self {
        Self { status, headers: Vec::new(), added: Vec::new(), body: None, failure: None }
    }

    /// A JSON body.
    pub fn json<T: Serialize + ?Sized>(status: u16, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => Self { body: Some(("application/json", Payload::Whole(bytes))), ..Self::empty(status) },
            Err(e) => Self { failure: Some(format!("the response body could not be serialized: {e}")), ..Self::empty(status) },
        }
    }

    /// A text body.
    pub fn text(status: u16, body: String) -> Self {
        Self { body: Some(("text/plain; charset=utf-8", Payload::Whole(body.into_bytes()))), ..Self::empty(status) }
    }

    /// A JSON body sent as the documented media type (`application/problem+json`).
    pub fn json_as<T: Serialize + ?Sized>(status: u16, content_type: &'static str, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => Self { body: Some((content_type, Payload::Whole(bytes))), ..Self::empty(status) },
            Err(e) => Self { failure: Some(format!("the response body could not be serialized: {e}")), ..Self::empty(status) },
        }
    }

    /// A text body sent as the documented media type (`text/xml`, `text/csv`).
    pub fn text_as(status: u16, content_type: &'static str, body: String) -> Self {
        Self { body: Some((content_type, Payload::Whole(body.into_bytes()))), ..Self::empty(status) }
    }

    /// A binary body with its content type.
    pub fn bytes(status: u16, content_type: &'static str, body: Vec<u8>) -> Self {
        Self { body: Some((content_type, Payload::Whole(body))), ..Self::empty(status) }
    }

    /// A `text/event-stream` body, uncached, with a keep-alive comment after [`KEEP_ALIVE`]
    /// without an event.
    pub fn sse<T: Serialize + Send + 'static>(status: u16, events: EventStream<T>) -> Self {
        Self::sse_with_keep_alive(status, events, KEEP_ALIVE)
    }

    /// A `text/event-stream` body with a keep-alive comment after `keep_alive` without an event.
    pub fn sse_with_keep_alive<T: Serialize + Send + 'static>(status: u16, events: EventStream<T>, keep_alive: Duration) -> Self {
        let frames = futures_util::stream::unfold(events, move |mut events| async move {
            match tokio::time::timeout(keep_alive, events.next()).await {
                Err(_) => Some((Ok(None), events)),
                Ok(Some(Ok(event))) => Some((Ok(Some(event)), events)),
                Ok(Some(Err(e))) => Some((Err(e), events)),
                Ok(None) => None,
            }
        });
        let body = stream_body(frames, |event| match event {
            None => Some(Bytes::from_static(sse::KEEP_ALIVE.as_bytes())),
            Some(event) => event_text(event),
        });
        Self { body: Some(("text/event-stream", Payload::Stream(body))), ..Self::empty(status) }.with_header("Cache-Control", "no-cache")
    }

    /// One JSON value and a line feed per item; for `application/json-seq` each record starts
    /// with RS (0x1E).
    pub fn json_lines<T: Serialize + Send + 'static>(status: u16, content_type: &'static str, items: JsonLines<T>) -> Self {
        let seq = content_type.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json-seq");
        let body = stream_body(items, move |item| {
            let mut record = if seq { vec![0x1E] } else { Vec::new() };
            serde_json::to_writer(&mut record, &item).ok()?;
            record.push(b'\n');
            Some(Bytes::from(record))
        });
        Self { body: Some((content_type, Payload::Stream(body))), ..Self::empty(status) }
    }

    /// A binary body, sent chunk by chunk.
    pub fn byte_stream(status: u16, content_type: &'static str, body: ByteStream) -> Self {
        // A body given whole goes out whole, with its `Content-Length`.
        let payload = match body.as_whole() {
            Some(whole) => Payload::Whole(whole.to_vec()),
            None => Payload::Stream(stream_body(body, Some)),
        };
        Self { body: Some((content_type, payload)), ..Self::empty(status) }
    }

    fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// Adds a declared response header; `None` adds nothing.
    pub fn header<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(value) => match param_string(&value) {
                Ok(text) => self.headers.push((name, text)),
                Err(e) => self.fail(format!("response header `{name}` could not be serialized: {e}")),
            },
            Err(e) => self.fail(format!("response header `{name}` could not be serialized: {e}")),
        }
        self
    }

    fn fail(&mut self, message: String) {
        self.failure.get_or_insert(message);
    }

    /// The HTTP response; an answer that could not be written is a `500` rejection rendered by
    /// `render`.
    pub fn respond(self, render: fn(&Rejection) -> serde_json::Value) -> Response {
        if let Some(message) = self.failure {
            let failure = Rejection::new(StatusCode::INTERNAL_SERVER_ERROR, message, None);
            #[cfg(feature = "tracing")]
            trace::rejected(&failure);
            return failure.respond(render);
        }
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = match self.body {
            Some((content_type, Payload::Whole(bytes))) => (status, [(CONTENT_TYPE, content_type)], bytes).into_response(),
            Some((content_type, Payload::Stream(body))) => (status, [(CONTENT_TYPE, content_type)], body).into_response(),
            None => (status, Body::empty()).into_response(),
        };
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
                response.headers_mut().append(name, value);
            }
        }
        // An added header replaces the reply's own ones of its name; several of one name all go.
        for (name, _) in &self.added {
            response.headers_mut().remove(name);
        }
        for (name, value) in self.added {
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// An answer beyond the description: the escape hatch of [`Answer`] implementations (each
/// generated server's `Answers` trait), for what a deployed service must say that its
/// description does not list.
///
/// - A documented response with headers the description does not list (`Cache-Control`,
///   `ETag`, `Set-Cookie`): `Answer::from(ListPetsResponse::Ok(pets)).header("ETag", tag)`.
/// - An undocumented status, with a body and headers: `Answer::undocumented(StatusCode::SERVICE_UNAVAILABLE)
///   .header("Retry-After", "120").json(&body)`.
///
/// A documented answer given as is (`Answer::from(response)`, or any method of the plain `Api`
/// trait) is encoded exactly as before. A header name or value that is not valid HTTP makes the
/// answer a `500` that says which, as a body that fails to serialize does.
#[derive(Debug)]
pub struct Answer<R> {
    kind: AnswerKind<R>,
    added: Vec<(HeaderName, HeaderValue)>,
    failure: Option<String>,
}

#[derive(Debug)]
enum AnswerKind<R> {
    Documented(R),
    Undocumented { status: StatusCode, body: Option<(HeaderValue, Vec<u8>)> },
}

impl<R> From<R> for Answer<R> {
    fn from(response: R) -> Self {
        Self::documented(response)
    }
}

impl<R> Answer<R> {
    /// One of the operation's documented responses, encoded as the description says.
    pub fn documented(response: R) -> Self {
        Self { kind: AnswerKind::Documented(response), added: Vec::new(), failure: None }
    }

    /// A status the description does not list for this operation (`503` during maintenance,
    /// `500` when a dependency fails), without a body until [`json`](Self::json),
    /// [`text`](Self::text) or [`body`](Self::body) gives one. Clients generated from the same
    /// description read it as an unexpected status, with its headers and body.
    pub fn undocumented(status: StatusCode) -> Self {
        Self { kind: AnswerKind::Undocumented { status, body: None }, added: Vec::new(), failure: None }
    }

    /// Adds a header; a name given twice sends both values. It replaces a header of that name the
    /// documented response sets itself.
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        N::Error: std::fmt::Display,
        V: TryInto<HeaderValue>,
        V::Error: std::fmt::Display,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => self.added.push((name, value)),
            (Err(e), _) => self.fail(format!("an added header name is not valid: {e}")),
            (Ok(name), Err(e)) => self.fail(format!("the added header `{name}` has an invalid value: {e}")),
        }
        self
    }

    /// The body of an undocumented answer, as JSON. A documented answer keeps its own body: the
    /// call is a `500` that says so, since the description fixes that body.
    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body(HeaderValue::from_static("application/json"), bytes),
            Err(e) => {
                let mut answer = self;
                answer.fail(format!("the response body could not be serialized: {e}"));
                answer
            }
        }
    }

    /// The body of an undocumented answer, as UTF-8 text.
    pub fn text(self, body: impl Into<String>) -> Self {
        self.body(HeaderValue::from_static("text/plain; charset=utf-8"), body.into().into_bytes())
    }

    /// The body of an undocumented answer, with its content type.
    pub fn body(mut self, content_type: HeaderValue, bytes: impl Into<Vec<u8>>) -> Self {
        match &mut self.kind {
            AnswerKind::Undocumented { body, .. } => *body = Some((content_type, bytes.into())),
            AnswerKind::Documented(_) => {
                self.fail("a documented answer's body is the description's: give an undocumented one instead".into())
            }
        }
        self
    }

    fn fail(&mut self, message: String) {
        self.failure.get_or_insert(message);
    }
}

impl<R: Encode> Encode for Answer<R> {
    fn encode(self) -> Reply {
        let mut reply = match self.kind {
            AnswerKind::Documented(response) => response.encode(),
            AnswerKind::Undocumented { status, body: None } => Reply::empty(status.as_u16()),
            AnswerKind::Undocumented { status, body: Some((content_type, bytes)) } => {
                let mut reply = Reply { body: Some(("", Payload::Whole(bytes))), ..Reply::empty(status.as_u16()) };
                reply.added.push((CONTENT_TYPE, content_type));
                reply
            }
        };
        if let Some(message) = self.failure {
            reply.fail(message);
        }
        reply.added.extend(self.added);
        reply
    }
}

/// A documented answer's future as an [`Answer`]'s, for the `Answers` impl every `Api`
/// implementation gets: one generic function, so operations add no async code of their own.
#[doc(hidden)]
pub fn documented<F: Future + Send>(answer: F) -> impl Future<Output = Answer<F::Output>> + Send {
    use futures_util::FutureExt as _;
    answer.map(Answer::documented)
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        self.respond(Rejection::default_body)
    }
}

/// A generated handler: reads the request, then starts the implementation.
#[doc(hidden)]
pub type Handler<A> = fn(Arc<A>, Incoming) -> Started;

/// One route: a method of a path, its generated handler, the operation's id (named in the
/// request's tracing span), and how its refusals are answered.
#[doc(hidden)]
pub type Route<A> = (&'static str, RouteMethod, Handler<A>, &'static str, &'static [Refusal]);

/// Where a request was routed: the path template and the operation id, for its tracing span.
#[derive(Clone, Copy, Debug)]
struct Site {
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    route: &'static str,
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    operation: &'static str,
    /// How the operation's refusals are answered.
    refusals: &'static [Refusal],
}

/// The method a route answers: one axum routes itself, or another one by name (OpenAPI 3.2's
/// `query` and `additionalOperations`), which axum's `MethodFilter` cannot express.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RouteMethod {
    Filter(MethodFilter),
    Named(&'static str),
    /// Either of the others, for an operation whose request body is read as a stream: the router
    /// hands the body over unread.
    Streamed(&'static RouteMethod),
}

/// A route told apart from others on its path and method by a parameter: its selector (the
/// parameter's name and, when given, value), handler, whether its body streams, and its site.
type SelectedRoute<A> = (Option<(&'static str, Option<&'static str>)>, Handler<A>, bool, Site);

/// Whether the request carries the selector's parameter (a header, else a query parameter), with
/// its value when the selector names one.
fn selects((name, value): (&str, Option<&str>), request: &Request) -> bool {
    if let Some(found) = request.headers().get(name) {
        return value.is_none_or(|value| found.as_bytes() == value.as_bytes());
    }
    let query = request.uri().query().unwrap_or("");
    query.split('&').any(|pair| {
        let (key, found) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = |text: &str| percent_encoding::percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned();
        decoded(key) == name && value.is_none_or(|value| decoded(found) == value)
    })
}

/// A method axum cannot filter by, by name, its handler, whether its body streams, and its
/// operation.
type NamedRoute<A> = (&'static str, Handler<A>, bool, &'static str, &'static [Refusal]);

/// The methods, as the route table names them.
#[doc(hidden)]
pub const GET: RouteMethod = RouteMethod::Filter(MethodFilter::GET);
#[doc(hidden)]
pub const PUT: RouteMethod = RouteMethod::Filter(MethodFilter::PUT);
#[doc(hidden)]
pub const POST: RouteMethod = RouteMethod::Filter(MethodFilter::POST);
#[doc(hidden)]
pub const DELETE: RouteMethod = RouteMethod::Filter(MethodFilter::DELETE);
#[doc(hidden)]
pub const OPTIONS: RouteMethod = RouteMethod::Filter(MethodFilter::OPTIONS);
#[doc(hidden)]
pub const HEAD: RouteMethod = RouteMethod::Filter(MethodFilter::HEAD);
#[doc(hidden)]
pub const PATCH: RouteMethod = RouteMethod::Filter(MethodFilter::PATCH);
#[doc(hidden)]
pub const TRACE: RouteMethod = RouteMethod::Filter(MethodFilter::TRACE);

/// The axum router of a route table: each route reads its request whole (within the body
/// limit), runs its handler and answers rejections as JSON; other paths get `404` and other
/// methods `405`. Axum merges the methods registered for one path. Every handler is a `fn`
/// pointer, so every route has the same handler type. Methods axum has no filter for are
/// served by the path's method fallback, which picks the handler by the method's name.
#[doc(hidden)]
pub fn router<A: Send + Sync + 'static>(api: A, config: ServerConfig, routes: &[Route<A>]) -> axum::Router {
    let mut router = axum::Router::new();
    let mut named: Vec<(&'static str, Vec<NamedRoute<A>>)> = Vec::new();
    // Routes by path (without its selector) and method, each with its selector, in table order.
    let mut selected: Vec<(&'static str, MethodFilter, Vec<SelectedRoute<A>>)> = Vec::new();
    for &(path, method, handler, operation, refusals) in routes {
        let (method, streamed) = match method {
            RouteMethod::Streamed(inner) => (*inner, true),
            other => (other, false),
        };
        match method {
            RouteMethod::Filter(filter) => {
                let site = Site { route: path, operation, refusals };
                let (base, selector) = match path.split_once('#') {
                    Some((base, selector)) => (base, Some(selector.split_once('=').map_or((selector, None), |(n, v)| (n, Some(v))))),
                    None => (path, None),
                };
                let route = (selector, handler, streamed, site);
                match selected.iter_mut().find(|(p, f, _)| *p == base && *f == filter) {
                    Some((_, _, list)) => list.push(route),
                    None => selected.push((base, filter, vec![route])),
                }
            }
            RouteMethod::Named(name) => match named.iter_mut().find(|(p, _)| *p == path) {
                Some((_, methods)) => methods.push((name, handler, streamed, operation, refusals)),
                None => named.push((path, vec![(name, handler, streamed, operation, refusals)])),
            },
            // Not nested by the generator; read as the method it wraps would be.
            RouteMethod::Streamed(_) => {}
        }
    }
    for (path, filter, list) in selected {
        if let [(None, handler, streamed, site)] = list[..] {
            router = router.route(
                path,
                axum::routing::on(filter, move |state: State<Arc<Shared<A>>>, request: Request| {
                    serve(state, request, handler, streamed, site)
                }),
            );
            continue;
        }
        // Operations told apart by a parameter named after `#` in their path (`/#Action=Get`,
        // `/things#x-account-id`): the first whose selector the request meets, else the one
        // without a selector, else a `400` naming the parameter, in the shape of the first
        // operation that documents one (the request may have been meant for any of them, and
        // the router's own shape is documented for none).
        let list: Arc<[SelectedRoute<A>]> = list.into();
        let dispatch = move |state: State<Arc<Shared<A>>>, request: Request| {
            let found = list
                .iter()
                .find(|(selector, ..)| selector.is_some_and(|s| selects(s, &request)))
                .or_else(|| list.iter().find(|(selector, ..)| selector.is_none()))
                .map(|(_, handler, streamed, site)| (*handler, *streamed, *site));
            let unselected = list
                .iter()
                .find(|(.., site)| site.refusals.iter().any(|r| r.refused == StatusCode::BAD_REQUEST.as_u16()))
                .or(list.first())
                .map(|(selector, .., site)| (selector.map_or("", |(name, _)| name), site.refusals));
            async move {
                match (found, unselected) {
                    (Some((handler, streamed, site)), _) => serve(state, request, handler, streamed, site).await,
                    (None, Some((name, refusals))) => {
                        let message = format!("no operation of this path and method is selected by `{name}`");
                        Rejection::new(StatusCode::BAD_REQUEST, message, Some(name.to_owned())).refuse(&state.0.config, refusals)
                    }
                    (None, None) => not_found(state).await,
                }
            }
        };
        router = router.route(path, axum::routing::on(filter, dispatch));
    }
    for (path, methods) in named {
        let methods: Arc<[NamedRoute<A>]> = methods.into();
        let by_name = move |state: State<Arc<Shared<A>>>, request: Request| {
            let found = methods
                .iter()
                .find(|(name, ..)| request.method().as_str() == *name)
                .map(|(_, handler, streamed, operation, refusals)| (*handler, *streamed, Site { route: path, operation, refusals }));
            async move {
                match found {
                    Some((handler, streamed, site)) => serve(state, request, handler, streamed, site).await,
                    None => method_not_allowed(state).await,
                }
            }
        };
        router = router.route(path, axum::routing::MethodRouter::new().fallback(by_name));
    }
    #[cfg(feature = "docs")]
    let docs = crate::docs::routes(&config);
    let router = router
        .fallback(not_found::<A>)
        .method_not_allowed_fallback(method_not_allowed::<A>)
        .with_state(Arc::new(Shared { api: Arc::new(api), config }));
    #[cfg(feature = "docs")]
    let router = router.merge(docs);
    router
}

/// Reads the request (answering rejections as JSON), runs the handler and answers its reply;
/// with the `tracing` feature, inside a span for the request. Without it, this is
/// `serve_untraced` itself: no future wraps it.
fn serve<A: Send + Sync + 'static>(
    state: State<Arc<Shared<A>>>,
    request: Request,
    handler: Handler<A>,
    streamed: bool,
    site: Site,
) -> impl Future<Output = Response> + Send {
    #[cfg(feature = "tracing")]
    return trace::serve(site, request, move |request| serve_untraced(state, request, handler, streamed, site.refusals));
    #[cfg(not(feature = "tracing"))]
    {
        serve_untraced(state, request, handler, streamed, site.refusals)
    }
}

async fn serve_untraced<A: Send + Sync + 'static>(
    State(shared): State<Arc<Shared<A>>>,
    request: Request,
    handler: Handler<A>,
    streamed: bool,
    refusals: &'static [Refusal],
) -> Response {
    let incoming = match Incoming::read(request, shared.config.body_limit, streamed).await {
        Ok(incoming) => incoming,
        Err(rejection) => return rejection.refuse(&shared.config, refusals),
    };
    match handler(shared.api.clone(), incoming) {
        Ok(pending) => pending.await.respond(shared.config.rejection_body),
        Err(rejection) => rejection.refuse(&shared.config, refusals),
    }
}

impl Rejection {
    /// The answer to a request the router refuses: in the documented shape of `refusals` when
    /// one covers its status (unless the configuration renders refusals itself), else
    /// [`respond`](Self::respond) with the configured renderer; recorded (with the `tracing`
    /// feature) as an event of the request's span and the span's `rejection` field.
    fn refuse(self, config: &ServerConfig, refusals: &[Refusal]) -> Response {
        #[cfg(feature = "tracing")]
        trace::rejected(&self);
        let documented = refusals.iter().find(|r| r.refused == self.status.as_u16()).filter(|_| config.documented_refusals);
        match documented {
            Some(refusal) => refusal.answer(&self),
            None => self.respond(config.rejection_body),
        }
    }
}

/// The `tracing` feature: a span per routed request, and an event per refusal.
#[cfg(feature = "tracing")]
mod trace {
    use std::future::Future;
    use std::time::Instant;

    use axum::extract::Request;
    use axum::response::Response;
    use tracing::field::Empty;
    use tracing::Instrument as _;

    use super::{Rejection, Site};

    /// Runs `serve` inside an `INFO` span named `openapi.request`, with fields `operation` (the
    /// operationId), `http.route` (the path template), `http.request.method`, then
    /// `http.response.status_code` and `latency_us`
    /// (to the response's head; a streamed body goes on after it) once answered, and `rejection`
    /// when the router refused the request. The implementation's future runs inside it, so its
    /// own events belong to the request.
    pub(super) async fn serve<F: Future<Output = Response>>(site: Site, request: Request, serve: impl FnOnce(Request) -> F) -> Response {
        let span = tracing::info_span!(
            "openapi.request",
            operation = site.operation,
            http.route = site.route,
            http.request.method = %request.method(),
            http.response.status_code = Empty,
            latency_us = Empty,
            rejection = Empty,
        );
        let started = Instant::now();
        let response = serve(request).instrument(span.clone()).await;
        span.record("http.response.status_code", response.status().as_u16());
        span.record("latency_us", u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
        response
    }

    /// Records a refusal: the span's `rejection` field, and an `INFO` event with `status`,
    /// `reason` and `location` (a `WARN` for a `5xx`, which is the server's fault).
    pub(super) fn rejected(rejection: &Rejection) {
        tracing::Span::current().record("rejection", rejection.message.as_str());
        let status = rejection.status.as_u16();
        let location = rejection.location.as_deref().unwrap_or("");
        if rejection.status.is_server_error() {
            tracing::warn!(status, reason = %rejection.message, location, "request failed");
        } else {
            tracing::info!(status, reason = %rejection.message, location, "request refused");
        }
    }
}

/// `404` for paths the API does not define.
#[doc(hidden)]
pub async fn not_found<A: Send + Sync + 'static>(State(shared): State<Arc<Shared<A>>>) -> Response {
    Rejection::new(StatusCode::NOT_FOUND, "no operation is defined at this path", None)
        .refuse(&shared.config, shared.config.fallback_refusals)
}

/// `405` for methods a path does not define.
#[doc(hidden)]
pub async fn method_not_allowed<A: Send + Sync + 'static>(State(shared): State<Arc<Shared<A>>>) -> Response {
    Rejection::new(StatusCode::METHOD_NOT_ALLOWED, "this path does not support the request method", None)
        .refuse(&shared.config, shared.config.fallback_refusals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_body_is_read_as_it_arrives_within_the_limit() {
        let incoming = |chunks: Vec<&'static [u8]>| {
            let stream = futures_util::stream::iter(chunks.into_iter().map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c))));
            Incoming {
                path: Vec::new(),
                query: Vec::new(),
                parts: axum::http::Request::new(()).into_parts().0,
                body: Bytes::new(),
                unread: std::sync::Mutex::new(Some(Body::from_stream(stream))),
                limit: 4,
            }
        };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let whole = incoming(vec![b"ab", b"cd"]);
            let body = whole.byte_stream().unwrap().unwrap();
            assert_eq!(&body.collect().await.unwrap()[..], b"abcd");
            // Taken once.
            assert!(whole.byte_stream().unwrap().is_none());

            let mut body = incoming(vec![b"ab", b"cde", b"f"]).byte_stream().unwrap().unwrap();
            assert_eq!(&body.next().await.unwrap().unwrap()[..], b"ab");
            assert_eq!(body.next().await.unwrap(), Err(StreamError::TooLarge { limit: 4 }));
            assert!(body.next().await.is_none(), "the stream ends at the limit");
        });
    }

    #[test]
    fn accept_prefers_what_it_names_first_by_quality() {
        let (events, json) = ("text/event-stream", "application/json");
        assert!(prefers(Some("text/event-stream"), events, json));
        assert!(prefers(Some("Text/Event-Stream; charset=utf-8, application/json;q=0.5"), events, json));
        assert!(!prefers(Some("application/json, text/event-stream;q=0.9"), events, json));
        assert!(!prefers(Some("text/event-stream;q=0"), events, json));
        assert!(!prefers(Some("*/*"), events, json));
        assert!(!prefers(None, events, json));
    }

    fn multipart_request(body: &'static str) -> Incoming {
        let mut parts = axum::http::Request::new(()).into_parts().0;
        parts.headers.insert(CONTENT_TYPE, HeaderValue::from_static("multipart/form-data; boundary=XyZ"));
        Incoming {
            path: Vec::new(),
            query: Vec::new(),
            parts,
            body: Bytes::from_static(body.as_bytes()),
            unread: std::sync::Mutex::new(None),
            limit: usize::MAX,
        }
    }

    #[test]
    fn multipart_bodies_are_read_without_waiting() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx y\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.bin\"\r\n\r\nab\r\n\
                    --XyZ--\r\n";
        let value: serde_json::Value = multipart_request(body).multipart().unwrap().unwrap();
        assert_eq!(value, serde_json::json!({"name": "x y", "file": [97, 98]}));
    }

    #[test]
    fn broken_multipart_bodies_are_400_at_body() {
        let cut = "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx";
        let refusal = multipart_request(cut).multipart::<serde_json::Value>().unwrap_err();
        assert_eq!((refusal.status, refusal.location.as_deref()), (StatusCode::BAD_REQUEST, Some("body")));
    }
}
