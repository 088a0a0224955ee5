//! Retries, timeouts and middleware of the generated client, against servers that misbehave on
//! purpose: each answers a script of steps (a raw HTTP answer, a reset connection, silence), one
//! per request, and records every request it got.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use openapi_gen_runtime::client::middleware::{BoxFuture, Middleware, Next};
use openapi_gen_runtime::stream::ByteStream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use fixtures::retries::client::{Client, CreateChargeOptions, Error, RetryPolicy, TimeoutKind};
use fixtures::retries::model::{Charge, ChargeRequest};
use fixtures::retries::operations::{
    CreateChargeResponse, GetChargeResponse, ListChargesResponse,
    ReplaceChargeResponse,
};

/// What the server does with one request.
enum Step {
    /// Answers with this status, extra header lines and JSON body.
    Answer(u16, &'static str, &'static str),
    /// Closes the connection at once with a TCP reset, answering nothing.
    Reset,
    /// Says nothing for this long, then closes the connection.
    Silence(Duration),
}

/// A request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    head: String,
    at: Instant,
}

impl Seen {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    }
}

#[derive(Default)]
struct Script {
    steps: Mutex<VecDeque<Step>>,
    seen: Mutex<Vec<Seen>>,
}

impl Script {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// A server on a loopback port that follows `steps`, one per request (then answers 500).
async fn scripted(steps: Vec<Step>) -> (String, Arc<Script>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let script = Arc::new(Script {
        steps: Mutex::new(steps.into()),
        seen: Mutex::default(),
    });
    let shared = script.clone();
    tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::spawn(connection(socket, shared.clone()));
        }
    });
    (format!("http://{address}"), script)
}

/// Serves requests on one connection until a step closes it.
async fn connection(mut socket: TcpStream, script: Arc<Script>) {
    let mut buffer = Vec::new();
    loop {
        let Some(head) = read_request(&mut socket, &mut buffer).await else {
            return;
        };
        script.seen.lock().unwrap().push(Seen {
            head,
            at: Instant::now(),
        });
        let step = script.steps.lock().unwrap().pop_front();
        match step.unwrap_or(Step::Answer(500, "", "{}")) {
            Step::Answer(status, headers, body) => {
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n{body}",
                    body.len()
                );
                if socket.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
            }
            Step::Reset => {
                // A zero linger time resets at once, so the drop does not block.
                #[allow(deprecated)]
                socket.set_linger(Some(Duration::ZERO)).unwrap();
                return;
            }
            Step::Silence(time) => {
                tokio::time::sleep(time).await;
                return;
            }
        }
    }
}

/// Reads one request's head and body (by `content-length`, or chunked); `None` at the end.
async fn read_request(socket: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<String> {
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let lower = head.to_ascii_lowercase();
    let done = |buffer: &[u8]| -> Option<usize> {
        if lower.contains("transfer-encoding: chunked") {
            let body = &buffer[head_end..];
            body.windows(5)
                .position(|w| w == b"0\r\n\r\n")
                .map(|at| head_end + at + 5)
        } else {
            let length = lower
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse::<usize>().unwrap());
            (buffer.len() >= head_end + length).then_some(head_end + length)
        }
    };
    let end = loop {
        if let Some(end) = done(buffer) {
            break end;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    buffer.drain(..end);
    Some(head)
}

const CHARGE: &str = r#"{"id":"ch_1","amount":5}"#;

fn charge() -> Charge {
    Charge {
        id: "ch_1".into(),
        amount: 5,
    }
}

/// Fast backoff, so the tests do not wait for the default half second.
fn quick() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(10), Duration::from_millis(40))
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_retried() {
    let (url, script) = scripted(vec![
        Step::Answer(429, "retry-after: 1\r\n", "{}"),
        Step::Answer(200, "", CHARGE),
    ])
    .await;
    let (answer, info) = Client::new(&url)
        .with_retry(quick())
        .get_charge("ch_1")
        .with_info()
        .await;
    assert_eq!(answer.unwrap(), GetChargeResponse::Ok(charge()));
    assert_eq!(info.attempts, 2);
    assert_eq!(info.status.map(|s| s.as_u16()), Some(200));
    let seen = script.seen();
    assert_eq!(seen.len(), 2);
    // The server's second, not the policy's 10 ms.
    let waited = seen[1].at - seen[0].at;
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
}

#[tokio::test]
async fn a_documented_503_twice_then_200() {
    let (url, script) = scripted(vec![
        Step::Answer(503, "", "{}"),
        Step::Answer(503, "", "{}"),
        Step::Answer(200, "", "[]"),
    ])
    .await;
    let (answer, info) = Client::new(&url)
        .with_retry(quick())
        .list_charges()
        .with_info()
        .await;
    assert_eq!(answer.unwrap(), ListChargesResponse::Ok(vec![]));
    assert_eq!((info.attempts, script.seen().len()), (3, 3));
}

#[tokio::test]
async fn retries_end_at_the_policy_and_the_last_answer_is_returned() {
    let (url, script) = scripted(vec![
        Step::Answer(503, "", "{}"),
        Step::Answer(503, "", "{}"),
        Step::Answer(503, "", "{}"),
        Step::Answer(200, "", "[]"),
    ])
    .await;
    let client = Client::new(&url).with_retry(quick().max_retries(1));
    let (answer, info) = client.list_charges().with_info().await;
    assert_eq!(answer.unwrap(), ListChargesResponse::ServiceUnavailable);
    assert_eq!((info.attempts, script.seen().len()), (2, 2));
    // Per call, over the client's policy: one attempt, then the next 503.
    let answer = client.list_charges().max_retries(0).await.unwrap();
    assert_eq!(answer, ListChargesResponse::ServiceUnavailable);
    assert_eq!(script.seen().len(), 3);
}

#[tokio::test]
async fn a_reset_connection_is_retried() {
    let (url, script) = scripted(vec![Step::Reset, Step::Answer(200, "", CHARGE)]).await;
    let (answer, info) = Client::new(&url)
        .with_retry(quick())
        .get_charge("ch_1")
        .with_info()
        .await;
    assert_eq!(answer.unwrap(), GetChargeResponse::Ok(charge()));
    assert_eq!((info.attempts, script.seen().len()), (2, 2));
}

#[tokio::test]
async fn no_retries_means_one_attempt() {
    let (url, script) = scripted(vec![Step::Reset, Step::Answer(200, "", CHARGE)]).await;
    let error = Client::new(&url)
        .with_retry(RetryPolicy::none())
        .get_charge("ch_1")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(script.seen().len(), 1);
}

#[tokio::test]
async fn a_post_without_an_idempotency_key_is_not_retried() {
    let (url, script) = scripted(vec![
        Step::Answer(503, "", "{}"),
        Step::Answer(201, "", CHARGE),
    ])
    .await;
    let (answer, info) = Client::new(&url)
        .with_retry(quick())
        .create_refund(&ChargeRequest { amount: 5 })
        .with_info()
        .await;
    let error = answer.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!((info.attempts, script.seen().len()), (1, 1));

    // Nor after a reset: the request may have been carried out.
    let (url, script) = scripted(vec![Step::Reset, Step::Answer(201, "", CHARGE)]).await;
    let answer = Client::new(&url)
        .with_retry(quick())
        .create_refund(&ChargeRequest { amount: 5 })
        .await;
    assert!(matches!(answer, Err(Error::Transport(_))), "{answer:?}");
    assert_eq!(script.seen().len(), 1);
}

#[tokio::test]
async fn a_post_with_an_idempotency_key_is_retried_with_the_same_key() {
    let (url, script) = scripted(vec![
        Step::Answer(503, "", "{}"),
        Step::Reset,
        Step::Answer(201, "", CHARGE),
    ])
    .await;
    let client = Client::new(&url).with_retry(quick());
    let (answer, info) = client
        .create_charge(&ChargeRequest { amount: 5 }, &CreateChargeOptions::default())
        .with_info()
        .await;
    assert_eq!(answer.unwrap(), CreateChargeResponse::Created(charge()));
    assert_eq!(info.attempts, 3);
    let keys: Vec<String> = script
        .seen()
        .iter()
        .map(|s| s.header("idempotency-key").expect("every attempt has the key"))
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    assert_eq!(keys[0].len(), 36, "a UUID: {keys:?}");

    // The next call gets a key of its own; a caller's key is sent as it is.
    let (url, script) = scripted(vec![
        Step::Answer(201, "", CHARGE),
        Step::Answer(503, "", "{}"),
        Step::Answer(201, "", CHARGE),
    ])
    .await;
    let client = Client::new(&url).with_retry(quick());
    client
        .create_charge(&ChargeRequest { amount: 5 }, &CreateChargeOptions::default())
        .await
        .unwrap();
    let mine = CreateChargeOptions {
        idempotency_key: Some("order-42".into()),
    };
    client
        .create_charge(&ChargeRequest { amount: 5 }, &mine)
        .await
        .unwrap();
    let keys: Vec<String> = script
        .seen()
        .iter()
        .map(|s| s.header("idempotency-key").unwrap())
        .collect();
    assert_ne!(keys[0], keys[1]);
    assert_eq!(keys[1..], ["order-42", "order-42"]);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_policy_allows_returns_the_answer() {
    let (url, script) = scripted(vec![
        Step::Answer(429, "retry-after: 3600\r\n", "{}"),
        Step::Answer(201, "", CHARGE),
    ])
    .await;
    let started = Instant::now();
    let answer = Client::new(&url)
        .with_retry(quick())
        .create_charge(&ChargeRequest { amount: 5 }, &CreateChargeOptions::default())
        .await
        .unwrap();
    assert!(
        matches!(answer, CreateChargeResponse::TooManyRequests { .. }),
        "{answer:?}"
    );
    assert_eq!(script.seen().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_streamed_body_is_sent_once_and_a_whole_one_again() {
    let (url, script) = scripted(vec![
        Step::Answer(503, "", "{}"),
        Step::Answer(204, "", ""),
    ])
    .await;
    let client = Client::new(&url).with_retry(quick());
    let chunks = futures_util::stream::iter(vec![bytes::Bytes::from("part")]);
    let error = client
        .replace_charge("ch_1", ByteStream::new(chunks))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(script.seen().len(), 1);

    let (url, script) = scripted(vec![
        Step::Answer(503, "", "{}"),
        Step::Answer(204, "", ""),
    ])
    .await;
    let answer = Client::new(&url)
        .with_retry(quick())
        .replace_charge("ch_1", b"whole".to_vec().into())
        .await
        .unwrap();
    assert_eq!(answer, ReplaceChargeResponse::NoContent);
    assert_eq!(script.seen().len(), 2);
}

#[tokio::test]
async fn an_attempt_timeout_is_retried_and_a_call_timeout_ends_the_call() {
    // The first attempt gets no answer; the second, after the attempt timeout, does.
    let (url, script) = scripted(vec![
        Step::Silence(Duration::from_secs(3)),
        Step::Answer(200, "", CHARGE),
    ])
    .await;
    let started = Instant::now();
    let (answer, info) = Client::new(&url)
        .with_retry(quick())
        .with_attempt_timeout(Duration::from_millis(300))
        .get_charge("ch_1")
        .with_info()
        .await;
    assert_eq!(answer.unwrap(), GetChargeResponse::Ok(charge()));
    assert_eq!((info.attempts, script.seen().len()), (2, 2));
    assert!(started.elapsed() < Duration::from_secs(2));

    // One attempt only: the attempt's limit is the error.
    let (url, _) = scripted(vec![Step::Silence(Duration::from_secs(3))]).await;
    let error = Client::new(&url)
        .with_attempt_timeout(Duration::from_millis(200))
        .get_charge("ch_1")
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                kind: TimeoutKind::Attempt,
                ..
            }
        ),
        "{error:?}"
    );

    // The whole call's limit wins over retries: two silent attempts of 300 ms do not fit in 500.
    let (url, script) = scripted(vec![
        Step::Silence(Duration::from_secs(3)),
        Step::Silence(Duration::from_secs(3)),
        Step::Silence(Duration::from_secs(3)),
    ])
    .await;
    let started = Instant::now();
    let (answer, info) = Client::new(&url)
        .with_retry(quick())
        .get_charge("ch_1")
        .attempt_timeout(Duration::from_millis(300))
        .timeout(Duration::from_millis(500))
        .with_info()
        .await;
    let error = answer.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                kind: TimeoutKind::Call,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!((info.attempts, script.seen().len()), (2, 2));
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_millis(490) && elapsed < Duration::from_millis(1500),
        "{elapsed:?}"
    );
}

/// One attempt as a middleware saw it: operation id, path template, attempt, status.
type Attempt = (&'static str, &'static str, u32, Option<u16>);

/// A middleware that adds a header and records each attempt.
#[derive(Default)]
struct Recorder {
    calls: Mutex<Vec<Attempt>>,
}

struct Recording(Arc<Recorder>);

impl Middleware for Recording {
    fn handle<'a>(
        &'a self,
        mut request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, Error>> {
        request.headers_mut().insert(
            "x-client",
            reqwest::header::HeaderValue::from_static("retries-test"),
        );
        let (operation, attempt) = (next.operation(), next.attempt());
        Box::pin(async move {
            let result = next.run(request).await;
            let status = result.as_ref().ok().map(|r| r.status().as_u16());
            self.0
                .calls
                .lock()
                .unwrap()
                .push((operation.id, operation.path, attempt, status));
            result
        })
    }
}

/// Answers without sending: a middleware may short-cut the chain.
struct Refuse;

impl Middleware for Refuse {
    fn handle<'a>(
        &'a self,
        _request: reqwest::Request,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<reqwest::Response, Error>> {
        Box::pin(async { Err(Error::Middleware("offline mode".into())) })
    }
}

#[tokio::test]
async fn middleware_runs_around_every_attempt() {
    let (url, script) = scripted(vec![
        Step::Answer(503, "", "{}"),
        Step::Answer(200, "", CHARGE),
    ])
    .await;
    let recorder = Arc::new(Recorder::default());
    let answer = Client::new(&url)
        .with_retry(quick())
        .with_middleware(Recording(recorder.clone()))
        .get_charge("ch_1")
        .header("x-request-id", "r-1")
        .await
        .unwrap();
    assert_eq!(answer, GetChargeResponse::Ok(charge()));
    assert_eq!(
        *recorder.calls.lock().unwrap(),
        [
            ("getCharge", "/charges/{id}", 1, Some(503)),
            ("getCharge", "/charges/{id}", 2, Some(200)),
        ]
    );
    for seen in script.seen() {
        assert_eq!(seen.header("x-client").as_deref(), Some("retries-test"));
        assert_eq!(seen.header("x-request-id").as_deref(), Some("r-1"));
    }

    let (url, script) = scripted(vec![]).await;
    let error = Client::new(&url)
        .with_middleware(Refuse)
        .list_charges()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Middleware(_)), "{error:?}");
    assert_eq!(error.to_string(), "a client middleware failed: offline mode");
    assert!(script.seen().is_empty());
}

#[cfg(feature = "tracing")]
mod tracing_spans {
    //! The `tracing` feature's span per call, read by a subscriber that keeps what it is told.

    use super::*;
    use std::fmt::Write as _;
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Default)]
    struct Fields(String);

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            write!(self.0, "{}={:?} ", field.name(), value).unwrap();
        }
    }

    /// Every span's name and fields, in order, and every event's fields.
    #[derive(Default, Clone)]
    struct Capture(Arc<Mutex<Vec<String>>>);

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut fields = Fields::default();
            span.record(&mut fields);
            let mut log = self.0.lock().unwrap();
            log.push(format!("span {} {}", span.metadata().name(), fields.0));
            Id::from_u64(log.len() as u64)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            let mut fields = Fields::default();
            values.record(&mut fields);
            self.0.lock().unwrap().push(format!("record {}", fields.0));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut fields = Fields::default();
            event.record(&mut fields);
            self.0.lock().unwrap().push(format!("event {}", fields.0));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    #[tokio::test]
    async fn each_call_has_a_span_with_its_operation_status_and_attempts() {
        let (url, _) = scripted(vec![
            Step::Answer(503, "", "{}"),
            Step::Answer(200, "", CHARGE),
        ])
        .await;
        let capture = Capture::default();
        let call = Client::new(&url).with_retry(quick()).get_charge("ch_1");
        let _guard = tracing::subscriber::set_default(capture.clone());
        call.await.unwrap();
        let log = capture.0.lock().unwrap().join("\n");
        assert!(
            log.contains(
                "span openapi.call operation=\"getCharge\" http.request.method=GET url.template=\"/charges/{id}\""
            ),
            "{log}"
        );
        assert!(log.contains("attempt=1 wait_ms="), "{log}");
        assert!(log.contains("record attempts=2"), "{log}");
        assert!(log.contains("record http.response.status_code=200"), "{log}");
    }
}
