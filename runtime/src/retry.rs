//! When and how long a client waits before trying a request again: the retry policy, backoff
//! with jitter, and the server's `Retry-After`.

use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// How a client retries a call that failed in a way that may pass: a connection error, a timed-out
/// attempt, or a `408`, `429` or `5xx` answer (except `501` and `505`, which say the server
/// never will).
///
/// A request is retried only when sending it twice is safe: its method is idempotent (`GET`,
/// `HEAD`, `OPTIONS`, `PUT`, `DELETE`, `TRACE`, `QUERY`), or it carries an idempotency key (the
/// client adds one when the operation declares an `Idempotency-Key`-style header), or it never
/// left (the connection could not be made). A streamed request body is never sent twice.
///
/// Between attempts the client waits `initial_backoff * 2^n`, at most `max_backoff`, less a random
/// part of up to a quarter (so that many clients do not retry in step); a `Retry-After` (seconds
/// or an HTTP date) or `retry-after-ms` header replaces that wait when it is at most
/// `max_retry_after`, and a longer one ends the retries: the answer is returned as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    extra_statuses: Vec<u16>,
}

impl Default for RetryPolicy {
    /// Two retries, backoff from 0.5 s up to 8 s, `Retry-After` honoured up to 60 s.
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            extra_statuses: Vec::new(),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is one attempt.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// Retries at most `retries` times (so `retries + 1` attempts).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The first wait, and the longest one backoff grows to.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest `Retry-After` the client waits for; a server asking for longer gets its answer
    /// returned instead.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Also retries answers with this status (`409` for an API that answers it to a lock
    /// timeout, say).
    pub fn retry_status(mut self, status: u16) -> Self {
        if !self.extra_statuses.contains(&status) {
            self.extra_statuses.push(status);
        }
        self
    }

    /// The most retries a call makes.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// Whether an answer with this status is worth another attempt.
    pub fn retries_status(&self, status: StatusCode) -> bool {
        let code = status.as_u16();
        matches!(code, 408 | 429) || (status.is_server_error() && !matches!(code, 501 | 505)) || self.extra_statuses.contains(&code)
    }

    /// The wait before retry number `retry` (1 for the first), with jitter.
    pub fn backoff_for(&self, retry: u32) -> Duration {
        let doubled = self.initial_backoff.saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let base = doubled.min(self.max_backoff);
        // Up to a quarter off, so clients that failed together spread out.
        base.mul_f64(1.0 - 0.25 * random_unit())
    }

    /// The wait the server asked for, if it is one the policy honours: `Ok(None)` when it asked
    /// for nothing, `Err(())` when it asked for longer than `max_retry_after`.
    pub(crate) fn server_wait(&self, headers: &HeaderMap) -> Result<Option<Duration>, ()> {
        match retry_after(headers, SystemTime::now()) {
            Some(wait) if wait > self.max_retry_after => Err(()),
            other => Ok(other),
        }
    }
}

/// Whether sending a request with this method twice has the effect of sending it once (RFC 9110
/// section 9.2.2; `QUERY` is safe by its definition).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "TRACE" | "QUERY")
}

/// The wait a response asks for: `retry-after-ms` (milliseconds, as some APIs send), else
/// `Retry-After` as seconds or as an HTTP date (a date in the past is no wait).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = text("retry-after-ms").and_then(|t| t.parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(1e9)));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(date.timestamp()).ok()?);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in `[0, 1)`, different on each call: the standard library's randomly keyed hasher
/// over a counter, which is all jitter needs.
fn random_unit() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(name: &'static str, value: &'static str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_static(value));
        map
    }

    #[test]
    fn retry_after_reads_seconds_dates_and_milliseconds() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 2015-10-21 07:27:50 UTC
        assert_eq!(retry_after(&headers("retry-after", "3"), now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&headers("retry-after", "1.5"), now), Some(Duration::from_millis(1500)));
        assert_eq!(retry_after(&headers("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"), now), Some(Duration::from_secs(10)));
        assert_eq!(retry_after(&headers("retry-after", "Wed, 21 Oct 2015 07:00:00 GMT"), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&headers("retry-after-ms", "250"), now), Some(Duration::from_millis(250)));
        assert_eq!(retry_after(&headers("retry-after", "soon"), now), None);
        assert_eq!(retry_after(&headers("retry-after", "-1"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_doubles_up_to_its_cap_with_at_most_a_quarter_of_jitter() {
        let policy = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(1000));
        for (retry, base) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (40, 1000)] {
            let wait = policy.backoff_for(retry);
            assert!(wait <= Duration::from_millis(base) && wait >= Duration::from_millis(base * 3 / 4), "{retry}: {wait:?}");
        }
    }

    #[test]
    fn statuses_worth_retrying() {
        let policy = RetryPolicy::default();
        for code in [408, 429, 500, 502, 503, 504, 599] {
            assert!(policy.retries_status(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        for code in [200, 400, 401, 404, 409, 501, 505] {
            assert!(!policy.retries_status(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        assert!(policy.retry_status(409).retries_status(StatusCode::CONFLICT));
    }

    #[test]
    fn a_long_retry_after_ends_the_retries() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(5));
        assert_eq!(policy.server_wait(&headers("retry-after", "3")), Ok(Some(Duration::from_secs(3))));
        assert_eq!(policy.server_wait(&headers("retry-after", "30")), Err(()));
        assert_eq!(policy.server_wait(&HeaderMap::new()), Ok(None));
    }
}
