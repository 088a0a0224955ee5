//! A call: one operation's request, sent in as many attempts as the retry policy allows, each
//! through the client's middleware and within its timeouts, then decoded.
//!
//! [`Call`] is what every generated method returns. Awaiting it gives the decoded answer; its
//! methods first change this call's retries and timeouts, and [`Call::with_info`] also tells how
//! the call went (attempts, final status and headers).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::StatusCode;
use tokio::time::Instant;

use super::middleware::{Middleware, Next};
use super::retry::{is_idempotent, RetryPolicy};
use super::{read, Decode, Error, RawResponse, Request, StreamedResponse, TimeoutKind};

/// A client's settings for every call: what the generated `Client`'s `with_*` methods set.
#[derive(Clone)]
#[doc(hidden)]
pub struct Settings {
    pub max_response_bytes: usize,
    pub validate_requests: bool,
    pub retry: RetryPolicy,
    pub timeout: Option<Duration>,
    pub attempt_timeout: Option<Duration>,
    pub middleware: Vec<Arc<dyn Middleware>>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_response_bytes: super::DEFAULT_MAX_RESPONSE_BYTES,
            validate_requests: false,
            retry: RetryPolicy::default(),
            timeout: None,
            attempt_timeout: None,
            middleware: Vec::new(),
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("max_response_bytes", &self.max_response_bytes)
            .field("validate_requests", &self.validate_requests)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("middleware", &self.middleware.len())
            .finish()
    }
}

/// The connect timeout of the `reqwest::Client` a generated `Client::new` builds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The `reqwest::Client` a generated `Client::new` sends through: rustls, a connection pool,
/// and a [`DEFAULT_CONNECT_TIMEOUT`].
#[doc(hidden)]
pub fn default_http_client() -> reqwest::Client {
    reqwest::Client::builder().connect_timeout(DEFAULT_CONNECT_TIMEOUT).build().unwrap_or_default()
}

/// How a call went, besides its answer (see [`Call::with_info`]).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallInfo {
    /// How many times the request was sent (1 when it was not retried; 0 when it never was).
    pub attempts: u32,
    /// The status of the last answer, when one arrived.
    pub status: Option<StatusCode>,
    /// The headers of the last answer (empty when none arrived): rate limits, request ids and
    /// other headers the API description does not declare.
    pub headers: HeaderMap,
    /// From the call's start to its answer's head (a buffered body is read by then).
    pub elapsed: Duration,
}

/// An operation's call, not yet sent: `.await` it for the answer, or first change how this one
/// call is made. Sent only when awaited.
///
/// ```ignore
/// let answer = client.list_organizations().max_retries(0).timeout(Duration::from_secs(5)).await?;
/// let (answer, info) = client.list_organizations().with_info().await;
/// println!("{} attempt(s)", info.attempts);
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T> {
    request: Request,
    extra_headers: Vec<(HeaderName, HeaderValue)>,
    answer: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").field("operation", &self.request.operation.id).finish_non_exhaustive()
    }
}

impl<T: Decode + 'static> Call<T> {
    pub(super) fn new(request: Request) -> Self {
        Self { request, extra_headers: Vec::new(), answer: PhantomData }
    }

    /// Retries this call by `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.request.settings.retry = policy;
        self
    }

    /// Retries this call at most `retries` times (0: one attempt), with the client's backoff.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.request.settings.retry = self.request.settings.retry.clone().max_retries(retries);
        self
    }

    /// Gives up on this call, retries and waits included, after `timeout`
    /// ([`TimeoutKind::Call`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.request.settings.timeout = Some(timeout);
        self
    }

    /// Gives up on each attempt of this call after `timeout` ([`TimeoutKind::Attempt`]), then
    /// retries when the policy allows. For a streamed answer it bounds the wait for the head, not
    /// the stream.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.request.settings.attempt_timeout = Some(timeout);
        self
    }

    /// Adds a header to this call's request (one the API description does not declare, a trace
    /// id, ...). A name or value that is not valid HTTP fails the call with
    /// [`Error::InvalidRequest`].
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => self.extra_headers.push((name, value)),
            _ => self.request.fail(Error::InvalidRequest(format!("header `{name}` cannot be sent as it is"))),
        }
        self
    }

    /// Sends the request to `url` instead (a next page's, from a `Link` header or a field),
    /// resolved against the request's own URL; one on another origin fails the call with
    /// [`Error::InvalidRequest`], since the request carries the client's credentials.
    #[doc(hidden)]
    pub fn follow(mut self, url: String) -> Self {
        self.request.follow = Some(url);
        self
    }

    /// Sends the call and tells how it went beside its answer (attempts, last status and
    /// headers, time), whether it succeeded or not.
    pub fn with_info(self) -> WithInfo<T> {
        Box::pin(async move {
            let mut info = CallInfo::default();
            let answer = execute(self.request, self.extra_headers, T::streams, &mut info).await;
            let decoded = answer.and_then(|answer| match answer {
                Answer::Buffered(response) => T::decode(response),
                Answer::Streamed(response) => T::decode_stream(response),
            });
            (decoded, info)
        })
    }
}

impl<T: Decode + 'static> IntoFuture for Call<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let call = self.with_info();
        Box::pin(async move { call.await.0 })
    }
}

/// The future of [`Call::with_info`]: the answer and how the call went.
pub type WithInfo<T> = Pin<Box<dyn Future<Output = (Result<T, Error>, CallInfo)> + Send>>;

/// An answer as it arrived: its body read whole, or left to read as a stream.
enum Answer {
    Buffered(RawResponse),
    Streamed(StreamedResponse),
}

impl Answer {
    fn head(&self) -> (StatusCode, &HeaderMap) {
        match self {
            Answer::Buffered(r) => (r.status, &r.headers),
            Answer::Streamed(r) => (r.status, &r.headers),
        }
    }
}

/// The attempts of one call, written once for every operation (not generic over the answer).
async fn execute(
    request: Request,
    extra_headers: Vec<(HeaderName, HeaderValue)>,
    streams: fn(u16, Option<&str>) -> bool,
    info: &mut CallInfo,
) -> Result<Answer, Error> {
    let start = Instant::now();
    let (http, settings, operation, keyed, mut original) = request.finish()?;
    original.headers_mut().extend(extra_headers);
    #[cfg(feature = "tracing")]
    let span = tracing::info_span!(
        "openapi.call",
        operation = operation.id,
        http.request.method = %original.method(),
        url.template = operation.path,
        http.response.status_code = tracing::field::Empty,
        attempts = tracing::field::Empty,
    );
    #[cfg(feature = "tracing")]
    let call_span = span.clone();
    let call = async {
        let call_deadline = settings.timeout.map(|t| start + t);
        // Sending twice is safe for an idempotent method or a request with an idempotency key;
        // any request may go again when it never left (the connection could not be made).
        let repeatable = is_idempotent(original.method()) || keyed;
        let mut original = Some(original);
        let mut attempt = 0;
        loop {
            attempt += 1;
            info.attempts = attempt;
            let attempt_start = Instant::now();
            // A body that cannot be copied (a stream) goes out once, with the original.
            let (this, copied) = match original.as_ref().and_then(reqwest::Request::try_clone) {
                Some(copy) => (copy, true),
                None => (original.take().expect("a request that could not be copied is sent once"), false),
            };
            let deadline = earliest(settings.attempt_timeout.map(|t| attempt_start + t), call_deadline);
            let kind = if deadline == call_deadline { TimeoutKind::Call } else { TimeoutKind::Attempt };
            let next = Next { chain: &settings.middleware, http: &http, operation, attempt };
            let result = within(deadline, kind, async {
                let response = next.run(this).await?;
                let content_type = response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
                if streams(response.status().as_u16(), content_type) {
                    let (status, headers) = (response.status(), response.headers().clone());
                    return Ok(Answer::Streamed(StreamedResponse { status, headers, response, limit: settings.max_response_bytes }));
                }
                read(response, settings.max_response_bytes).await.map(Answer::Buffered)
            })
            .await;
            if let Ok(answer) = &result {
                let (status, headers) = answer.head();
                info.status = Some(status);
                info.headers = headers.clone();
            }
            info.elapsed = start.elapsed();
            let retries_left = copied && attempt <= settings.retry.retries();
            let wait = match &result {
                _ if !retries_left => None,
                Ok(answer) => {
                    let (status, headers) = answer.head();
                    if repeatable && settings.retry.retries_status(status) {
                        // A server that asks for a longer wait than the policy allows gets its
                        // answer returned.
                        settings.retry.server_wait(headers).ok().map(|asked| asked.unwrap_or_else(|| settings.retry.backoff_for(attempt)))
                    } else {
                        None
                    }
                }
                Err(error) if retries_error(error, repeatable) => Some(settings.retry.backoff_for(attempt)),
                Err(_) => None,
            };
            let wait = wait.filter(|wait| call_deadline.is_none_or(|end| Instant::now() + *wait < end));
            let Some(wait) = wait else {
                #[cfg(feature = "tracing")]
                {
                    call_span.record("attempts", attempt);
                    if let Some(status) = info.status {
                        call_span.record("http.response.status_code", status.as_u16());
                    }
                    if let Err(error) = &result {
                        tracing::debug!(%error, "call failed");
                    }
                }
                return result;
            };
            #[cfg(feature = "tracing")]
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, status = info.status.map(|s| s.as_u16()), "retrying");
            tokio::time::sleep(wait).await;
        }
    };
    #[cfg(feature = "tracing")]
    let call = tracing::Instrument::instrument(call, span);
    call.await
}

/// Whether a failed attempt may pass on another: a timed-out attempt or a transport failure of
/// a request that is safe to repeat, or a connection that could not be made at all.
fn retries_error(error: &Error, repeatable: bool) -> bool {
    match error {
        Error::Timeout { kind: TimeoutKind::Connect, .. } => true,
        Error::Transport(e) if e.is_connect() => true,
        Error::Timeout { kind: TimeoutKind::Attempt | TimeoutKind::Client, .. } | Error::Transport(_) => repeatable,
        _ => false,
    }
}

fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Runs `work` until `deadline`, then fails it as a timeout of `kind`.
async fn within<T>(deadline: Option<Instant>, kind: TimeoutKind, work: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    match deadline {
        None => work.await,
        Some(deadline) => match tokio::time::timeout_at(deadline, work).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout { kind, source: None }),
        },
    }
}
