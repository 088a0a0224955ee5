//! Client runtime: request building, credentials, sending and response decoding, written once
//! for every generated operation method.

use std::fmt;

use bytes::Bytes;
use futures_util::StreamExt as _;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::params::{param_string, parse_param};
use crate::stream::{ByteStream, EventStream, JsonLines, StreamError};
use crate::Secret;

pub use reqwest;

// Kept as files of their own beside this one (the runtime's sources stay one flat folder).
#[path = "call.rs"]
mod call;
#[path = "middleware.rs"]
pub mod middleware;
#[path = "page.rs"]
pub mod page;
#[path = "retry.rs"]
mod retry;

pub use call::{default_http_client, Call, CallInfo, Settings, WithInfo, DEFAULT_CONNECT_TIMEOUT};
pub use retry::{retry_after, RetryPolicy};

/// Responses larger than this are refused unless the client is configured otherwise.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Everything that can go wrong with a call, besides a documented response.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be built (e.g. a path parameter that would change the path).
    InvalidRequest(String),
    /// The server did not answer in time: `kind` says which limit ran out.
    Timeout {
        kind: TimeoutKind,
        /// The HTTP client's own error, when it was the one that gave up.
        source: Option<reqwest::Error>,
    },
    /// Connecting, sending or receiving failed (refused, reset, closed connection, TLS ...).
    Transport(reqwest::Error),
    /// The server answered with a status the API description does not document.
    UnexpectedStatus(Box<RawResponse>),
    /// A documented status came with a body (or header) that does not match its schema.
    InvalidBody { response: Box<RawResponse>, message: String },
    /// The response body was larger than the client's limit.
    ResponseTooLarge { status: StatusCode, headers: HeaderMap, limit: usize },
    /// The request breaks the API description's constraints and was not sent (only with
    /// `Client::with_request_validation(true)`): the first
    /// [`MAX_VIOLATIONS`](crate::validate::MAX_VIOLATIONS), by place, as a server's `400` lists them.
    Violations(Vec<crate::validate::Violation>),
    /// A middleware of the client failed the call with an error of its own.
    Middleware(Box<dyn std::error::Error + Send + Sync>),
}

/// Which limit a timed-out call ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// The connection could not be made in time (the HTTP client's connect timeout; nothing was
    /// sent, so any call may be retried).
    Connect,
    /// One attempt took longer than the attempt timeout (`with_attempt_timeout`,
    /// [`Call::attempt_timeout`]).
    Attempt,
    /// The whole call, retries and waits included, took longer than the call timeout
    /// (`with_timeout`, [`Call::timeout`]).
    Call,
    /// The HTTP client's own timeout (a `reqwest::Client` built with `timeout` or
    /// `read_timeout`).
    Client,
}

impl Error {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::UnexpectedStatus(r) | Error::InvalidBody { response: r, .. } => Some(r.status),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The whole response (status, headers, raw body), when one arrived.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::UnexpectedStatus(r) | Error::InvalidBody { response: r, .. } => Some(r),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            // The reqwest error is the `source()`, so it is not repeated here.
            Error::Timeout { kind: TimeoutKind::Connect, .. } => f.write_str("the connection could not be made in time"),
            Error::Timeout { kind: TimeoutKind::Attempt, .. } => f.write_str("an attempt of the call timed out"),
            Error::Timeout { kind: TimeoutKind::Call, .. } => f.write_str("the call timed out"),
            Error::Timeout { kind: TimeoutKind::Client, .. } => f.write_str("the request timed out"),
            Error::Transport(_) => f.write_str("the request could not be sent or its response not received"),
            Error::UnexpectedStatus(r) => write!(f, "undocumented response status {}", r.status),
            Error::InvalidBody { response, message } => {
                write!(f, "response with status {} does not match the API description: {message}", response.status)
            }
            Error::ResponseTooLarge { status, limit, .. } => {
                write!(f, "response with status {status} is larger than the {limit}-byte limit")
            }
            Error::Violations(list) => {
                f.write_str("the request breaks the API description's constraints:")?;
                list.iter().try_for_each(|v| write!(f, " {v};"))
            }
            Error::Middleware(error) => write!(f, "a client middleware failed: {error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout { source: Some(e), .. } | Error::Transport(e) => Some(e),
            Error::Middleware(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for Error {
    /// URLs are dropped from transport errors: query strings may carry API keys.
    fn from(error: reqwest::Error) -> Self {
        let error = error.without_url();
        if error.is_timeout() {
            let kind = if error.is_connect() { TimeoutKind::Connect } else { TimeoutKind::Client };
            Error::Timeout { kind, source: Some(error) }
        } else if error.is_builder() {
            Error::InvalidRequest(error.to_string())
        } else {
            Error::Transport(error)
        }
    }
}

/// A response as received: kept whole so errors can show what the server really said.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RawResponse {
    fn invalid(&self, message: String) -> Error {
        Error::InvalidBody { response: Box::new(self.clone()), message }
    }

    /// Decodes a JSON body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| self.invalid(e.to_string()))
    }

    /// Decodes a text body.
    pub fn text(&self) -> Result<String, Error> {
        String::from_utf8(self.body.to_vec()).map_err(|e| self.invalid(e.to_string()))
    }

    /// The raw body.
    pub fn bytes(&self) -> Result<Vec<u8>, Error> {
        Ok(self.body.to_vec())
    }

    /// A declared optional header, parsed.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Error> {
        match self.headers.get(name) {
            None => Ok(None),
            Some(value) => {
                let text = value.to_str().map_err(|e| self.invalid(format!("header `{name}`: {e}")))?;
                parse_param(text).map(Some).map_err(|e| self.invalid(format!("header `{name}`: {e}")))
            }
        }
    }

    /// A declared required header, parsed.
    pub fn required_header<T: DeserializeOwned>(&self, name: &str) -> Result<T, Error> {
        self.header(name)?.ok_or_else(|| self.invalid(format!("required header `{name}` is missing")))
    }

    /// The error for a status the API description does not document.
    pub fn unexpected(self) -> Error {
        Error::UnexpectedStatus(Box::new(self))
    }
}

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~').remove(b'.');

/// Percent-encodes a path parameter as exactly one segment.
///
/// `/`, `?`, `#` and `%` are encoded, so `a/b` or `../admin` stay inside the segment. A value of
/// `.`, `..` or nothing cannot be one segment at all (URL parsers fold dot segments, even
/// encoded ones), so it is refused rather than sent to another path.
#[doc(hidden)]
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let text = param_string(value).map_err(|e| Error::InvalidRequest(format!("path parameter: {e}")))?;
    if text.is_empty() || text == "." || text == ".." {
        return Err(Error::InvalidRequest(format!("path parameter value {text:?} cannot be sent as a path segment")));
    }
    Ok(utf8_percent_encode(&text, SEGMENT).to_string())
}

/// The JSON form of a parameter, `None` for an absent one; a value that cannot be serialized is
/// an error naming the parameter.
fn param_value<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Option<serde_json::Value>, Error> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Null) => Ok(None),
        Ok(other) => Ok(Some(other)),
        Err(e) => Err(Error::InvalidRequest(format!("parameter `{name}` cannot be serialized: {e}"))),
    }
}

/// The text form of a parameter (see [`param_string`]), with the parameter's name on an error.
fn param_text(name: &str, value: &serde_json::Value) -> Result<String, Error> {
    param_string(value).map_err(|e| Error::InvalidRequest(format!("parameter `{name}` cannot be serialized: {e}")))
}

/// The method of an operation written under OpenAPI 3.2's `query` or `additionalOperations`
/// (`QUERY`, `PURGE`): a method `reqwest` has no constant for.
#[doc(hidden)]
pub fn method(name: &'static str) -> reqwest::Method {
    reqwest::Method::from_bytes(name.as_bytes()).expect("the generator emits only method names that are HTTP tokens")
}

/// Query parameters in the order the operation declares them.
#[derive(Debug, Default)]
#[doc(hidden)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// Adds a parameter; `None` adds nothing, an array adds one pair per item (`explode`) or one
    /// comma-separated pair.
    pub fn push<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, explode: bool) -> Result<(), Error> {
        self.push_delimited(name, value, if explode { None } else { Some(',') })
    }

    /// Adds a parameter; an array adds one pair per item (`separator` is `None`) or one pair of
    /// items joined by the separator (`,` form, ` ` spaceDelimited, `|` pipeDelimited).
    pub fn push_delimited<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, separator: Option<char>) -> Result<(), Error> {
        match param_value(name, value)? {
            None => {}
            Some(serde_json::Value::Array(items)) => {
                let texts = items.iter().map(|item| param_text(name, item)).collect::<Result<Vec<String>, Error>>()?;
                match separator {
                    None => self.0.extend(texts.into_iter().map(|t| (name.to_owned(), t))),
                    Some(separator) => self.0.push((name.to_owned(), texts.join(separator.encode_utf8(&mut [0; 4])))),
                }
            }
            Some(other) => self.0.push((name.to_owned(), param_text(name, &other)?)),
        }
        Ok(())
    }

    /// Adds an OpenAPI 3.2 `querystring` parameter: the fields of an object, each as a pair
    /// (an array as one pair per item); `None` adds nothing.
    pub fn push_all<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        match param_value(name, value)? {
            None => Ok(()),
            Some(serde_json::Value::Object(fields)) => {
                for (key, field) in &fields {
                    self.push_delimited(key, field, None)?;
                }
                Ok(())
            }
            Some(_) => Err(Error::InvalidRequest(format!("parameter `{name}` is a query string, so it must be an object"))),
        }
    }

    /// Puts the parameters on the request.
    pub fn apply(self, request: RequestBuilder) -> RequestBuilder {
        if self.0.is_empty() {
            request
        } else {
            request.query(&self.0)
        }
    }
}

/// Adds a header parameter; `None` adds nothing.
#[doc(hidden)]
pub fn header<T: Serialize + ?Sized>(request: RequestBuilder, name: &str, value: &T) -> Result<RequestBuilder, Error> {
    Ok(match param_value(name, value)? {
        None => request,
        Some(other) => request.header(name, param_text(name, &other)?),
    })
}

/// Cookie parameters, sent as one `Cookie` header.
#[derive(Debug, Default)]
#[doc(hidden)]
pub struct Cookies(Vec<String>);

impl Cookies {
    /// Adds a cookie; `None` adds nothing.
    pub fn push<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        if let Some(other) = param_value(name, value)? {
            let text = utf8_percent_encode(&param_text(name, &other)?, SEGMENT).to_string();
            self.0.push(format!("{name}={text}"));
        }
        Ok(())
    }

    /// Puts the cookies on the request.
    pub fn apply(self, request: RequestBuilder) -> RequestBuilder {
        if self.0.is_empty() {
            request
        } else {
            request.header(reqwest::header::COOKIE, self.0.join("; "))
        }
    }
}

/// How a security scheme puts its credential on a request.
#[derive(Debug, Clone, Copy)]
#[doc(hidden)]
pub enum Scheme {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`; the secret holds `user:password`.
    Basic,
    /// A header, with an optional scheme prefix (`Authorization: Token <key>`).
    ApiKeyHeader {
        name: &'static str,
        prefix: Option<&'static str>,
    },
    ApiKeyQuery {
        name: &'static str,
    },
    ApiKeyCookie {
        name: &'static str,
    },
}

/// Applies the first alternative whose credentials are all configured; with none, the request
/// goes out as it is and the server decides. A credential that is not a valid header value is
/// refused rather than sent altered.
#[doc(hidden)]
pub fn authorize(
    mut request: RequestBuilder,
    credentials: &[Option<Secret>],
    schemes: &[Scheme],
    alternatives: &[&[usize]],
) -> Result<RequestBuilder, Error> {
    let configured = |i: &usize| credentials.get(*i).is_some_and(Option::is_some);
    let Some(chosen) = alternatives.iter().find(|alt| alt.iter().all(configured)) else {
        return Ok(request);
    };
    for index in chosen.iter() {
        let secret = credentials[*index].as_ref().expect("checked by `configured`").expose();
        request = match schemes[*index] {
            Scheme::Bearer => request.header(reqwest::header::AUTHORIZATION, sensitive(format!("Bearer {secret}"))?),
            Scheme::Basic => {
                let (user, password) = secret.split_once(':').unwrap_or((secret, ""));
                request.basic_auth(user, Some(password))
            }
            Scheme::ApiKeyHeader { name, prefix } => {
                let value = match prefix {
                    Some(prefix) => format!("{prefix} {secret}"),
                    None => secret.to_owned(),
                };
                request.header(name, sensitive(value)?)
            }
            Scheme::ApiKeyQuery { name } => request.query(&[(name, secret)]),
            Scheme::ApiKeyCookie { name } => request.header(reqwest::header::COOKIE, sensitive(format!("{name}={secret}"))?),
        };
    }
    Ok(request)
}

/// A header value marked sensitive, so HTTP stacks keep it out of their logs.
fn sensitive(text: String) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(&text)
        .map_err(|_| Error::InvalidRequest("a credential contains characters a header cannot carry".to_owned()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// An operation's response enum, read from the response (see `responses!`).
#[doc(hidden)]
pub trait Decode: Sized {
    /// Whether the answer with this status and `Content-Type` is read as a stream rather than
    /// buffered.
    fn streams(status: u16, content_type: Option<&str>) -> bool {
        let _ = (status, content_type);
        false
    }

    /// The documented answer for this status, or `Error::UnexpectedStatus`.
    fn decode(response: RawResponse) -> Result<Self, Error>;

    /// The documented streamed answer for this status and `Content-Type`, its body unread.
    fn decode_stream(response: StreamedResponse) -> Result<Self, Error> {
        Err(response.unexpected())
    }
}

/// Whether a `Content-Type` value's essence (before any `;`, case aside) is `expected`.
#[doc(hidden)]
pub fn content_type_is(content_type: Option<&str>, expected: &str) -> bool {
    content_type.is_some_and(|value| value.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(expected))
}

/// A response whose body is read as a stream: status and headers have arrived, the body has not.
pub struct StreamedResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub(crate) response: reqwest::Response,
    /// The most bytes one item may take.
    pub(crate) limit: usize,
}

impl fmt::Debug for StreamedResponse {
    /// Without the URL, which may carry API keys in its query.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamedResponse").field("status", &self.status).field("headers", &self.headers).finish_non_exhaustive()
    }
}

impl StreamedResponse {
    /// The status and headers, with an empty body, for errors.
    fn head(&self) -> RawResponse {
        RawResponse { status: self.status, headers: self.headers.clone(), body: Bytes::new() }
    }

    /// The body as server-sent events, each at most the client's response limit.
    pub fn event_stream<T: DeserializeOwned + Send + 'static>(self) -> EventStream<T> {
        let limit = self.limit;
        EventStream::decode(self.byte_stream(), limit)
    }

    /// The body as JSON Lines (or `application/json-seq`), each at most the client's response limit.
    pub fn json_lines<T: DeserializeOwned + Send + 'static>(self) -> JsonLines<T> {
        let limit = self.limit;
        JsonLines::decode(self.byte_stream(), limit)
    }

    /// The body, chunk by chunk, without a limit.
    pub fn byte_stream(self) -> ByteStream {
        ByteStream::try_new(
            self.response.bytes_stream().map(|chunk| chunk.map_err(|e| StreamError::Transport(transport_message(&e.without_url())))),
        )
    }

    /// A declared optional header, parsed.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Error> {
        self.head().header(name)
    }

    /// A declared required header, parsed.
    pub fn required_header<T: DeserializeOwned>(&self, name: &str) -> Result<T, Error> {
        self.head().required_header(name)
    }

    /// The `Content-Type` header, when it is text.
    pub fn content_type(&self) -> Option<String> {
        self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }

    /// The error for a status (or `Content-Type`) the API description does not document.
    pub fn unexpected(self) -> Error {
        self.head().unexpected()
    }
}

/// A reqwest error and its causes, without the URL (query strings may carry API keys).
fn transport_message(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// A parameter value, erased so one function serves parameters of every type.
#[doc(hidden)]
pub use erased_serde::Serialize as Arg;

/// Fills a path template (`/organization/{organizationId}`) with percent-encoded segments, one
/// argument per placeholder in order; placeholders without an argument stay as they are.
#[doc(hidden)]
pub fn fill_path(template: &str, args: &[&dyn Arg]) -> Result<String, Error> {
    let mut path = String::with_capacity(template.len() + 16 * args.len());
    let mut rest = template;
    for arg in args {
        let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) else {
            break;
        };
        if close < open {
            break;
        }
        path.push_str(&rest[..open]);
        path.push_str(&path_segment(arg)?);
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

/// An operation's request as it is built: parameters are added in the order the operation
/// declares them, the first one that cannot be sent is kept as the error, and [`send`](Self::send)
/// makes the call.
#[doc(hidden)]
pub struct Request {
    builder: Result<RequestBuilder, Error>,
    query: Query,
    cookies: Cookies,
    settings: Settings,
    operation: middleware::Operation,
    /// Whether the request carries an idempotency key, so that a `POST` may be sent twice.
    keyed: bool,
    /// A URL (a next page's) to send to instead, relative to the built one.
    follow: Option<String>,
    /// Present when the client validates requests.
    violations: Option<crate::validate::Violations>,
}

impl Request {
    /// Operation `id`'s request to `template`, sent with the client's `settings`.
    pub fn new(builder: Result<RequestBuilder, Error>, settings: &Settings, id: &'static str, template: &'static str) -> Self {
        Self {
            builder,
            query: Query::default(),
            cookies: Cookies::default(),
            violations: None,
            settings: settings.clone(),
            operation: middleware::Operation { id, path: template },
            keyed: false,
            follow: None,
        }
    }

    /// Checks the request against `table` before sending it, when the client validates requests.
    pub fn validating(mut self, table: &'static crate::validate::Table) -> Self {
        if self.settings.validate_requests {
            self.violations = Some(crate::validate::Violations::new(table));
        }
        self
    }

    /// Keeps the first error.
    fn fail(&mut self, error: Error) {
        if self.builder.is_ok() {
            self.builder = Err(error);
        }
    }

    /// The idempotency key header `name` (`Idempotency-Key`): `key` when the caller gave one,
    /// else a new random one for this call, the same on every attempt; either way the request
    /// may be retried.
    pub fn idempotency_key<T: Serialize + ?Sized>(mut self, name: &str, key: &T) -> Self {
        self.keyed = true;
        match param_value(name, key) {
            Ok(Some(_)) => self.header(name, key),
            Ok(None) => self.header(name, &uuid::Uuid::new_v4().to_string()),
            Err(error) => {
                self.fail(error);
                self
            }
        }
    }

    /// Checks a parameter or body, found at `at`, against node `node`, when validating.
    pub fn check(mut self, at: &str, node: u32, value: &dyn erased_serde::Serialize) -> Self {
        if let Some(violations) = &mut self.violations {
            violations.check_typed(at, node, value);
        }
        self
    }

    /// A query parameter (see [`Query::push`]).
    pub fn query<T: Serialize + ?Sized>(mut self, name: &str, value: &T, explode: bool) -> Self {
        if self.builder.is_ok() {
            if let Err(e) = self.query.push(name, value, explode) {
                self.builder = Err(e);
            }
        }
        self
    }

    /// An OpenAPI 3.2 `querystring` parameter: an object whose fields make the query string
    /// (see [`Query::push_all`]).
    pub fn query_string<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        if self.builder.is_ok() {
            if let Err(e) = self.query.push_all(name, value) {
                self.builder = Err(e);
            }
        }
        self
    }

    /// An array query parameter whose items are joined by `separator` (`spaceDelimited`,
    /// `pipeDelimited`; see [`Query::push_delimited`]).
    pub fn query_delimited<T: Serialize + ?Sized>(mut self, name: &str, value: &T, separator: char) -> Self {
        if self.builder.is_ok() {
            if let Err(e) = self.query.push_delimited(name, value, Some(separator)) {
                self.builder = Err(e);
            }
        }
        self
    }

    /// A header parameter; `None` adds nothing.
    pub fn header<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.builder = self.builder.and_then(|builder| header(builder, name, value));
        self
    }

    /// A cookie parameter; all of them travel in one `Cookie` header.
    pub fn cookie<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        if self.builder.is_ok() {
            if let Err(e) = self.cookies.push(name, value) {
                self.builder = Err(e);
            }
        }
        self
    }

    /// A JSON body, when there is one.
    pub fn json<T: Serialize + ?Sized>(self, body: Option<&T>) -> Self {
        self.with(|builder| match body {
            Some(body) => Ok(builder.json(body)),
            None => Ok(builder),
        })
    }

    /// A `application/x-www-form-urlencoded` body, when there is one.
    pub fn form<T: Serialize + ?Sized>(self, body: Option<&T>) -> Self {
        self.with(|builder| match body {
            Some(body) => Ok(builder.form(body)),
            None => Ok(builder),
        })
    }

    /// A text or binary body with its content type, when there is one.
    pub fn raw(self, content_type: &'static str, body: Option<impl Into<reqwest::Body>>) -> Self {
        self.with(|builder| match body {
            Some(body) => Ok(raw_body(builder, content_type, body)),
            None => Ok(builder),
        })
    }

    /// Any other change to the request (multipart bodies); an error is kept as the request's.
    pub fn with(mut self, change: impl FnOnce(RequestBuilder) -> Result<RequestBuilder, Error>) -> Self {
        self.builder = self.builder.and_then(change);
        self
    }

    /// The call, sent when awaited (see [`Call`]). It owns the request, not the client.
    pub fn send<T: Decode + 'static>(self) -> Call<T> {
        Call::new(self)
    }

    /// The request as it goes out, with what sending it needs; the first error met while
    /// building it, or the constraints it breaks.
    #[allow(clippy::type_complexity)]
    fn finish(self) -> Result<(reqwest::Client, Settings, middleware::Operation, bool, reqwest::Request), Error> {
        let Request { builder, query, cookies, settings, operation, keyed, follow, violations } = self;
        if let Some(violations) = violations.filter(|v| !v.is_empty()) {
            return Err(Error::Violations(violations.list));
        }
        let (http, request) = cookies.apply(query.apply(builder?)).build_split();
        let mut request = request?;
        send_selector(&mut request, operation.path)?;
        if let Some(follow) = follow {
            let url = request.url().join(&follow).map_err(|e| Error::InvalidRequest(format!("next page URL: {e}")))?;
            // The request carries the client's credentials: they go to the API's own origin only.
            if url.origin() != request.url().origin() {
                return Err(Error::InvalidRequest(format!(
                    "the next page is on another origin ({}); it is not followed",
                    url.origin().ascii_serialization()
                )));
            }
            *request.url_mut() = url;
        }
        Ok((http, settings, operation, keyed, request))
    }
}

/// A path's selector (`/#Action=DescribeStacks`, `/#X-Amz-Target=Service.Op`), which tells this
/// operation from the others on its path, is sent when the operation did not send that parameter
/// itself (its description does not declare it): as a header when it is named like one (`X-`),
/// else as a query parameter. The URL's fragment is never sent.
fn send_selector(request: &mut reqwest::Request, template: &str) -> Result<(), Error> {
    let Some((name, Some(value))) = template.split_once('#').map(|(_, s)| s.split_once('=').map_or((s, None), |(n, v)| (n, Some(v))))
    else {
        return Ok(());
    };
    request.url_mut().set_fragment(None);
    let in_query = request.url().query_pairs().any(|(key, _)| key == name);
    if in_query || request.headers().contains_key(name) {
        return Ok(());
    }
    if name.get(..2).is_some_and(|prefix| prefix.eq_ignore_ascii_case("x-")) {
        let header = HeaderName::try_from(name).map_err(|e| Error::InvalidRequest(format!("selector `{name}`: {e}")))?;
        let value = HeaderValue::try_from(value).map_err(|e| Error::InvalidRequest(format!("selector `{name}`: {e}")))?;
        request.headers_mut().insert(header, value);
    } else {
        request.url_mut().query_pairs_mut().append_pair(name, value);
    }
    Ok(())
}

/// Reads the whole response, up to `limit` bytes.
async fn read(mut response: reqwest::Response, limit: usize) -> Result<RawResponse, Error> {
    let status = response.status();
    let headers = response.headers().clone();
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(Error::ResponseTooLarge { status, headers, limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Err(Error::ResponseTooLarge { status, headers, limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(RawResponse { status, headers, body: Bytes::from(body) })
}

/// Sets a body with an explicit content type.
#[doc(hidden)]
pub fn raw_body(request: RequestBuilder, content_type: &'static str, body: impl Into<reqwest::Body>) -> RequestBuilder {
    request.header(reqwest::header::CONTENT_TYPE, content_type).body(body)
}

/// A multipart text part for any serializable field.
#[doc(hidden)]
pub fn text_part<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<reqwest::multipart::Part, Error> {
    let text = param_string(value).map_err(|e| Error::InvalidRequest(format!("multipart field `{name}` cannot be serialized: {e}")))?;
    Ok(reqwest::multipart::Part::text(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_take_one_encoded_segment_per_placeholder() {
        let id = 42;
        assert_eq!(fill_path("/org/{orgId}/member/{name}", &[&id, &"a/b c"]).unwrap(), "/org/42/member/a%2Fb%20c");
        assert_eq!(fill_path("/plain", &[]).unwrap(), "/plain");
        // A placeholder no parameter fills is left as written.
        assert_eq!(fill_path("/a/{x}/b/{y}", &[&"1"]).unwrap(), "/a/1/b/{y}");
        assert!(matches!(fill_path("/a/{x}", &[&".."]), Err(Error::InvalidRequest(_))));
        assert!(matches!(fill_path("/a/{x}", &[&""]), Err(Error::InvalidRequest(_))));
    }
}
