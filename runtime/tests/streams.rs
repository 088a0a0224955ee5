//! Streamed bodies over real HTTP: a loopback axum server answers with the `Encode` of small
//! `responses!` tables, and the client reads them back through `Decode`.

#![cfg(all(feature = "client", feature = "server"))]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
use openapi_gen_runtime as rt;
use rt::server::axum::{self, response::IntoResponse, routing::get};
use rt::server::Encode;
use rt::stream::{ByteStream, Event, EventStream, JsonLines, StreamError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    n: u32,
}

#[derive(Debug)]
enum Chat {
    Ok(Item),
    Events(EventStream<Item>),
    Missing,
}

rt::responses!(Chat { 200 => Ok(json), 200 => Events(sse "text/event-stream"), 404 => Missing });

#[derive(Debug)]
enum Text {
    Ok(EventStream<String>),
}

rt::responses!(Text { 200 => Ok(sse "text/event-stream" only) });

#[derive(Debug)]
enum Lines {
    Ok(JsonLines<Item>),
}

rt::responses!(Lines { 200 => Ok(jsonl "application/x-ndjson" only) });

#[derive(Debug)]
enum Seq {
    Ok(JsonLines<Item>),
}

rt::responses!(Seq { 200 => Ok(jsonl "application/json-seq" only) });

#[derive(Debug)]
struct DownloadHeaders {
    size: u64,
}

#[derive(Debug)]
enum Download {
    Ok { body: ByteStream, headers: DownloadHeaders },
    Other { status: u16, body: ByteStream },
}

rt::responses!(Download {
    200 => Ok { body: byte_stream "application/octet-stream" only, headers: DownloadHeaders { size = "X-Size" req } },
    _ => Other { status, body: byte_stream "application/octet-stream" only },
});

const BIG: u64 = 40 * 1024 * 1024;

/// Set when the implementation's stream is dropped.
struct Guard(Arc<AtomicBool>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

async fn serve(dropped: Arc<AtomicBool>) -> String {
    let app = axum::Router::new()
        .route(
            "/chat",
            get(|query: axum::extract::RawQuery| async move {
                let reply = if query.0.as_deref() == Some("stream") {
                    let events = vec![Event::new(Item { n: 1 }).with_event("delta").with_id("1"), Event::new(Item { n: 2 })];
                    Chat::Events(EventStream::from_events(futures_util::stream::iter(events)))
                } else {
                    Chat::Ok(Item { n: 0 })
                };
                reply.encode().into_response()
            }),
        )
        .route(
            "/raw",
            get(|| async {
                let body = "data: {\"n\":1}\n\ndata: oops\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\ndata: {\"n\":3}\n\n";
                ([("content-type", "text/event-stream; charset=utf-8")], body).into_response()
            }),
        )
        .route(
            "/text",
            get(|| async {
                let lines = vec!["plain".to_owned(), "two\nlines".to_owned(), "{\"json\":\"text\"}".to_owned()];
                Text::Ok(EventStream::from_items(lines)).encode().into_response()
            }),
        )
        .route("/lines", get(|| async { Lines::Ok(JsonLines::from_items(vec![Item { n: 1 }, Item { n: 2 }])).encode().into_response() }))
        .route("/seq", get(|| async { Seq::Ok(JsonLines::from_items(vec![Item { n: 3 }])).encode().into_response() }))
        .route(
            "/big",
            get(|| async {
                let chunks = futures_util::stream::iter(0..BIG / 65536).map(|_| Bytes::from(vec![7u8; 65536]));
                Download::Ok { body: ByteStream::new(chunks), headers: DownloadHeaders { size: BIG } }.encode().into_response()
            }),
        )
        .route(
            "/forever",
            get(move || async move {
                let guard = Guard(dropped.clone());
                let events = futures_util::stream::unfold((guard, 0), |(guard, n)| async move {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    Some((Item { n }, (guard, n + 1)))
                });
                Chat::Events(EventStream::new(events)).encode().into_response()
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

async fn call<T: rt::client::Decode + 'static>(url: String) -> T {
    let request = rt::client::reqwest::Client::new().get(url);
    rt::client::Request::new(Ok(request), &rt::client::Settings::default(), "test", "/").send::<T>().await.unwrap()
}

#[tokio::test]
async fn streamed_bodies_travel_typed() {
    let base = serve(Arc::default()).await;

    // One status, two media types: JSON unless the server answers with an event stream.
    assert!(matches!(call::<Chat>(format!("{base}/chat")).await, Chat::Ok(Item { n: 0 })));
    let Chat::Events(mut events) = call::<Chat>(format!("{base}/chat?stream")).await else { panic!("expected events") };
    assert_eq!(events.next().await, Some(Ok(Event::new(Item { n: 1 }).with_event("delta").with_id("1"))));
    // The last event ID persists.
    assert_eq!(events.next().await, Some(Ok(Event::new(Item { n: 2 }).with_id("1"))));
    assert_eq!(events.next().await, None);

    // A bad event carries its text and the stream goes on; `[DONE]` ends it.
    let Chat::Events(events) = call::<Chat>(format!("{base}/raw")).await else { panic!("expected events") };
    let items: Vec<_> = futures_util::StreamExt::collect(events).await;
    assert_eq!(items.len(), 3);
    assert!(matches!(&items[1], Err(StreamError::Decode { raw, .. }) if raw == "oops"));
    assert_eq!(items[2].as_ref().unwrap().data, Item { n: 2 });

    // String data travel as raw text, multi-line included.
    let Text::Ok(text) = call::<Text>(format!("{base}/text")).await;
    assert_eq!(text.collect().await.unwrap(), ["plain", "two\nlines", "{\"json\":\"text\"}"]);

    let Lines::Ok(lines) = call::<Lines>(format!("{base}/lines")).await;
    assert_eq!(lines.collect().await.unwrap(), [Item { n: 1 }, Item { n: 2 }]);
    let Seq::Ok(seq) = call::<Seq>(format!("{base}/seq")).await;
    assert_eq!(seq.collect().await.unwrap(), [Item { n: 3 }]);

    // Larger than the buffered limit, counted as it passes.
    let Download::Ok { mut body, headers } = call::<Download>(format!("{base}/big")).await else { panic!("expected the download") };
    assert_eq!(headers.size, BIG);
    let seen = AtomicU64::new(0);
    while let Some(chunk) = body.next().await {
        seen.fetch_add(chunk.unwrap().len() as u64, Ordering::Relaxed);
    }
    assert_eq!(seen.into_inner(), BIG);
    let Download::Other { status, .. } = call::<Download>(format!("{base}/nowhere")).await else { panic!("expected the default") };
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_client_going_away_drops_the_implementations_stream() {
    let dropped = Arc::new(AtomicBool::new(false));
    let base = serve(dropped.clone()).await;
    let Chat::Events(mut events) = call::<Chat>(format!("{base}/forever")).await else { panic!("expected events") };
    assert_eq!(events.next().await.unwrap().unwrap().data, Item { n: 0 });
    assert!(!dropped.load(Ordering::SeqCst));
    drop(events);
    for _ in 0..500 {
        if dropped.load(Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the implementation's stream outlived the connection");
}

#[tokio::test]
async fn idle_event_streams_send_keep_alive_comments() {
    let events = EventStream::<Item>::new(futures_util::stream::pending());
    let response = rt::server::Reply::sse_with_keep_alive(200, events, Duration::from_millis(20)).into_response();
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let mut body = response.into_body().into_data_stream();
    assert_eq!(body.next().await.unwrap().unwrap(), ":\n\n");
    assert_eq!(body.next().await.unwrap().unwrap(), ":\n\n");
}

#[derive(Debug)]
struct RateHeaders {
    rate: Option<u32>,
}

/// Every buffered entry shape the generated tables use, which must keep compiling.
#[derive(Debug)]
#[allow(dead_code)]
enum Buffered {
    Ok(Item),
    Text(String),
    File(Vec<u8>),
    Gone,
    Limited { headers: RateHeaders },
    Accepted { body: Item, headers: RateHeaders },
    Failed { status: u16, body: Item },
    Other { status: u16, headers: RateHeaders },
    Default { status: u16 },
}

rt::responses!(#[cfg(all())] Buffered {
    200 => Ok(json), 201 => Text(text), 203 => File(bytes "application/pdf"), 410 => Gone,
    429 => Limited { headers: RateHeaders { rate = "X-Rate" opt } },
    202 => Accepted { body: json, headers: RateHeaders { rate = "X-Rate" opt } },
    (400..=499) => Failed { status, body: json },
    (500..=599) => Other { status, headers: RateHeaders { rate = "X-Rate" opt } },
    _ => Default { status }
});

#[test]
fn buffered_tables_still_encode() {
    let reply = Buffered::Failed { status: 418, body: Item { n: 1 } }.encode().into_response();
    assert_eq!(reply.status(), 418);
    let reply = Buffered::Other { status: 503, headers: RateHeaders { rate: Some(3) } }.encode().into_response();
    assert_eq!((reply.status().as_u16(), reply.headers()["x-rate"].to_str().unwrap()), (503, "3"));
    use rt::client::Decode as _;
    assert!(!Buffered::streams(200, Some("text/event-stream")));
    assert!(Chat::streams(200, Some("Text/Event-Stream; charset=utf-8")) && !Chat::streams(200, Some("application/json")));
    assert!(Download::streams(500, None));
}
