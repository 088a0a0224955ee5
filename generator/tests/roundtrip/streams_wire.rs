//! Streamed answers over loopback HTTP: the generated server frames each kind (server-sent
//! events, JSON Lines, JSON text sequences, bytes) and the generated client reads typed items as
//! they arrive, picks JSON or events for one status by `Content-Type`, reads a download larger
//! than its buffered limit, ends at OpenAI's `[DONE]`, keeps an undecodable event as an error
//! item, and a client that hangs up drops the implementation's stream.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use openapi_gen_runtime::stream::{ByteStream, Event, EventStream, JsonLines, StreamError};
use support::serve;

use fixtures::streams::client::{Client, DownloadOptions, WatchEventsOptions};
use fixtures::streams::model::{
    AudioDelta, Chunk, Completion, CompletionRequest, Created, CreatedType, Deleted, DeletedType,
    Event as Happening, LogLine, LogLineLevel, Problem, UploadOkBody,
};
use fixtures::streams::operations::{
    CreateCompletionResponse, DownloadOkHeaders, DownloadResponse, RecordsResponse, SpeakOkHeaders,
    SpeakResponse, TailLogsResponse, TicksResponse, UploadResponse, WatchEventsResponse,
};
use fixtures::streams::server::{
    router, router_with_config, Api, CreateCompletionInput, DownloadInput, RecordsInput,
    ServerConfig, SpeakInput, TailLogsInput, TicksInput, UploadInput, WatchEventsInput,
};

/// 40 MiB: more than the client's 32 MiB limit for a body it reads whole.
const LARGE: u64 = 40 * 1024 * 1024;

/// Set when the `/ticks` stream is dropped, so the disconnect test can see it.
static TICKS_DROPPED: AtomicBool = AtomicBool::new(false);
static TICKS_SENT: AtomicUsize = AtomicUsize::new(0);

struct DropFlag;

impl Drop for DropFlag {
    fn drop(&mut self) {
        TICKS_DROPPED.store(true, Ordering::SeqCst);
    }
}

struct Streams;

impl Api for Streams {
    async fn create_completion(
        self: Arc<Self>,
        input: CreateCompletionInput,
    ) -> CreateCompletionResponse {
        let prompt = input.body.prompt;
        if input.body.stream != Some(true) {
            return CreateCompletionResponse::Ok(Completion {
                id: "c1".into(),
                text: prompt,
            });
        }
        let chunks: Vec<Chunk> = prompt
            .split_inclusive(' ')
            .map(|word| Chunk {
                id: "c1".into(),
                delta: word.to_owned(),
            })
            .collect();
        CreateCompletionResponse::OkEvents(EventStream::new(stream::iter(chunks)))
    }

    async fn watch_events(self: Arc<Self>, input: WatchEventsInput) -> WatchEventsResponse {
        let after: usize = input
            .last_event_id
            .and_then(|id| id.parse().ok())
            .unwrap_or(0);
        let events = (after + 1..=after + 2).map(|n| {
            let happening = if n % 2 == 1 {
                Happening::Created(Created {
                    r#type: CreatedType::Created,
                    id: n.to_string(),
                })
            } else {
                Happening::Deleted(Deleted {
                    r#type: DeletedType::Deleted,
                    id: n.to_string(),
                })
            };
            Event::new(happening)
                .with_id(n.to_string())
                .with_event("change")
        });
        WatchEventsResponse::Ok(EventStream::from_events(stream::iter(
            events.collect::<Vec<_>>(),
        )))
    }

    async fn ticks(self: Arc<Self>, _input: TicksInput) -> TicksResponse {
        // Endless, slow, and holding a guard: only a hang-up ends it.
        let guard = Arc::new(DropFlag);
        let ticks = stream::unfold((0u64, guard), |(n, guard)| async move {
            if n > 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            TICKS_SENT.fetch_add(1, Ordering::SeqCst);
            Some((format!("tick {n}\nline two"), (n + 1, guard)))
        });
        TicksResponse::Ok(EventStream::new(ticks))
    }

    async fn tail_logs(self: Arc<Self>, _input: TailLogsInput) -> TailLogsResponse {
        let lines = vec![
            LogLine {
                level: LogLineLevel::Info,
                message: "started".into(),
            },
            LogLine {
                level: LogLineLevel::Error,
                message: "line\nbreak".into(),
            },
        ];
        TailLogsResponse::Ok(JsonLines::new(stream::iter(lines)))
    }

    async fn records(self: Arc<Self>, _input: RecordsInput) -> RecordsResponse {
        RecordsResponse::Ok(JsonLines::new(stream::iter(vec![1, 2, 3])))
    }

    async fn download(self: Arc<Self>, input: DownloadInput) -> DownloadResponse {
        if input.name != "big.bin" {
            return DownloadResponse::NotFound;
        }
        let size = input.size.unwrap_or(0) as u64;
        // Made lazily, 64 KiB at a time: never held whole on either side.
        let chunk = Bytes::from(vec![7u8; 64 * 1024]);
        let chunks = stream::unfold(0u64, move |sent| {
            let chunk = chunk.clone();
            async move {
                if sent >= size {
                    return None;
                }
                let part = chunk.slice(..chunk.len().min((size - sent) as usize));
                Some((part.clone(), sent + part.len() as u64))
            }
        });
        DownloadResponse::Ok {
            body: ByteStream::new(chunks),
            headers: DownloadOkHeaders {
                content_disposition: Some("attachment; filename=big.bin".into()),
            },
        }
    }

    async fn upload(self: Arc<Self>, mut input: UploadInput) -> UploadResponse {
        // Counted as it arrives: never held whole.
        let mut size = 0;
        while let Some(chunk) = input.body.next().await {
            size += chunk.unwrap().len() as i64;
        }
        UploadResponse::Ok(UploadOkBody { size })
    }

    async fn speak(self: Arc<Self>, input: SpeakInput) -> SpeakResponse {
        let headers = SpeakOkHeaders {
            x_voice: Some("alloy".into()),
        };
        if input.body == "events" {
            SpeakResponse::OkEvents {
                body: EventStream::new(stream::iter(vec![AudioDelta {
                    audio: "YWI=".into(),
                }])),
                headers,
            }
        } else {
            SpeakResponse::Ok {
                body: ByteStream::from(input.body.into_bytes()),
                headers,
            }
        }
    }
}

#[tokio::test]
async fn one_status_is_json_or_events_by_content_type() {
    let client = Client::new(serve(router(Streams)).await);
    let whole = CompletionRequest {
        prompt: "say hello world".into(),
        stream: None,
    };
    let CreateCompletionResponse::Ok(completion) = client.create_completion(&whole).await.unwrap()
    else {
        panic!("a JSON answer is read as JSON");
    };
    assert_eq!(completion.text, "say hello world");

    let streamed = CompletionRequest {
        stream: Some(true),
        ..whole
    };
    let CreateCompletionResponse::OkEvents(mut events) =
        client.create_completion(&streamed).await.unwrap()
    else {
        panic!("an event stream is read as events");
    };
    let mut text = String::new();
    while let Some(event) = events.next().await {
        text.push_str(&event.unwrap().data.delta);
    }
    assert_eq!(text, "say hello world");
}

#[tokio::test]
async fn typed_events_keep_their_name_and_id() {
    let client = Client::new(serve(router(Streams)).await);
    let options = WatchEventsOptions {
        last_event_id: Some("4".into()),
    };
    let WatchEventsResponse::Ok(mut events) = client.watch_events(&options).await.unwrap();
    let first = events.next().await.unwrap().unwrap();
    assert_eq!(
        (first.event.as_deref(), first.id.as_deref()),
        (Some("change"), Some("5"))
    );
    assert!(matches!(&first.data, Happening::Created(c) if c.id == "5"));
    let second = events.next().await.unwrap().unwrap();
    assert!(matches!(&second.data, Happening::Deleted(d) if d.id == "6"));
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn json_lines_and_json_text_sequences_arrive_as_values() {
    let client = Client::new(serve(router(Streams)).await);
    let TailLogsResponse::Ok(lines) = client.tail_logs().await.unwrap() else {
        panic!("200")
    };
    let lines = lines.collect().await.unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1].message, "line\nbreak");
    let RecordsResponse::Ok(records) = client.records().await.unwrap();
    assert_eq!(records.collect().await.unwrap(), vec![1, 2, 3]);

    // The framing on the wire, as another client sees it.
    let base = client.base_url().to_owned();
    let response = reqwest::get(format!("{base}/records")).await.unwrap();
    assert_eq!(response.headers()["content-type"], "application/json-seq");
    assert_eq!(
        &response.bytes().await.unwrap()[..],
        b"\x1e1\n\x1e2\n\x1e3\n"
    );
    let logs = reqwest::get(format!("{base}/logs"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(logs.lines().count(), 2);
}

#[tokio::test]
async fn a_download_larger_than_the_buffered_limit_streams() {
    let client = Client::new(serve(router(Streams)).await);
    let options = DownloadOptions {
        size: Some(LARGE as i64),
    };
    let DownloadResponse::Ok { mut body, headers } =
        client.download("big.bin", &options).await.unwrap()
    else {
        panic!("200");
    };
    assert_eq!(
        headers.content_disposition.as_deref(),
        Some("attachment; filename=big.bin")
    );
    let mut received = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        assert!(chunk.iter().all(|b| *b == 7));
        received += chunk.len() as u64;
    }
    assert_eq!(received, LARGE);
    assert!(matches!(
        client.download("other", &options).await.unwrap(),
        DownloadResponse::NotFound
    ));
}

#[tokio::test]
async fn an_upload_streams_from_its_source() {
    let config = ServerConfig::default().body_limit(LARGE as usize + 1);
    let client = Client::new(serve(router_with_config(Streams, config)).await);
    let chunk = Bytes::from(vec![1u8; 1024 * 1024]);
    let chunks = stream::iter((0..LARGE / (1024 * 1024)).map(move |_| chunk.clone()));
    let UploadResponse::Ok(arrived) = client
        .upload("big.bin", ByteStream::new(chunks))
        .await
        .unwrap();
    assert_eq!(arrived.size as u64, LARGE);
    // From a buffer, whole.
    let UploadResponse::Ok(arrived) = client
        .upload("small.bin", b"abc".to_vec().into())
        .await
        .unwrap();
    assert_eq!(arrived.size, 3);
}

#[tokio::test]
async fn bytes_or_events_for_one_status() {
    let client = Client::new(serve(router(Streams)).await);
    let SpeakResponse::Ok {
        body: audio,
        headers,
    } = client.speak("raw audio").await.unwrap()
    else {
        panic!("bytes")
    };
    assert_eq!(headers.x_voice.as_deref(), Some("alloy"));
    assert_eq!(&audio.collect().await.unwrap()[..], b"raw audio");
    let SpeakResponse::OkEvents {
        body: events,
        headers,
    } = client.speak("events").await.unwrap()
    else {
        panic!("events")
    };
    assert_eq!(headers.x_voice.as_deref(), Some("alloy"));
    let deltas = events.collect().await.unwrap();
    assert_eq!(deltas[0].audio, "YWI=");
}

#[tokio::test]
async fn text_events_round_trip_and_a_hang_up_drops_the_stream() {
    let client = Client::new(serve(router(Streams)).await);
    let TicksResponse::Ok(mut ticks) = client.ticks().await.unwrap();
    let first = ticks.next().await.unwrap().unwrap();
    assert_eq!(first.data, "tick 0\nline two");
    assert_eq!(
        ticks.next().await.unwrap().unwrap().data,
        "tick 1\nline two"
    );
    drop(ticks);
    for _ in 0..200 {
        if TICKS_DROPPED.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        TICKS_DROPPED.load(Ordering::SeqCst),
        "the server kept the stream of a client that hung up"
    );
    let sent = TICKS_SENT.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        TICKS_SENT.load(Ordering::SeqCst),
        sent,
        "the stream is still polled"
    );
}

/// A server written by hand, framing as OpenAI does: `data:` lines, a comment, an event that
/// does not match the schema, and `[DONE]` before the connection closes.
#[tokio::test]
async fn openai_framing_ends_at_done_and_keeps_bad_items() {
    let body = ": keep-alive\n\ndata: {\"id\":\"c1\",\"delta\":\"Hel\"}\n\ndata: {\"id\":\"c1\"}\n\r\ndata: {\"id\":\"c1\",\r\ndata: \"delta\":\"lo\"}\r\n\r\ndata: [DONE]\n\ndata: {\"id\":\"c1\",\"delta\":\"never\"}\n\n";
    let app = axum::Router::new().route(
        "/chat",
        axum::routing::post(move || async move { ([("content-type", "text/event-stream")], body) }),
    );
    let client = Client::new(serve(app).await);
    let request = CompletionRequest {
        prompt: "hi".into(),
        stream: Some(true),
    };
    let CreateCompletionResponse::OkEvents(mut events) =
        client.create_completion(&request).await.unwrap()
    else {
        panic!("events");
    };
    assert_eq!(events.next().await.unwrap().unwrap().data.delta, "Hel");
    match events.next().await.unwrap() {
        Err(StreamError::Decode { raw, .. }) => assert_eq!(raw, "{\"id\":\"c1\"}"),
        other => panic!("an item that does not decode is an error item, got {other:?}"),
    }
    // Two `data:` lines are one value, joined by a line feed.
    assert_eq!(events.next().await.unwrap().unwrap().data.delta, "lo");
    assert!(events.next().await.is_none(), "`[DONE]` ends the stream");

    // A documented error status still reads as its variant.
    let problem = axum::Router::new().route(
        "/logs",
        axum::routing::get(|| async {
            (
                axum::http::StatusCode::BAD_GATEWAY,
                axum::Json(serde_json::json!({"detail": "down"})),
            )
        }),
    );
    let client = Client::new(serve(problem).await);
    match client.tail_logs().await.unwrap() {
        TailLogsResponse::Default {
            status: 502,
            body: Problem { detail },
        } => assert_eq!(detail.as_deref(), Some("down")),
        other => panic!("{other:?}"),
    }
}

/// The mock streams the documented examples as items, in the media type `Accept` asks for.
#[tokio::test]
async fn the_mock_streams_examples_in_the_media_type_asked_for() {
    let base = serve(fixtures::streams::mock::router()).await;
    let request = CompletionRequest {
        prompt: "hi".into(),
        stream: Some(true),
    };
    let http = reqwest::Client::new();
    let answer = http
        .post(format!("{base}/chat"))
        .header("accept", "text/event-stream")
        .json(&serde_json::json!({"prompt": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["content-type"], "text/event-stream");
    assert_eq!(
        answer.text().await.unwrap(),
        "data: {\"id\":\"c1\",\"delta\":\"Hel\"}\n\n"
    );
    // Without a preference, the first media type documented: JSON.
    let client = Client::new(base.clone());
    assert!(matches!(
        client.create_completion(&request).await.unwrap(),
        CreateCompletionResponse::Ok(_)
    ));
    // The client asks for events by `Accept`.
    let asked = client
        .create_completion_accepting("text/event-stream", &request)
        .await
        .unwrap();
    let CreateCompletionResponse::OkEvents(chunks) = asked else {
        panic!("events asked for, {asked:?} sent");
    };
    assert_eq!(chunks.collect().await.unwrap()[0].delta, "Hel");
    // An event stream without an example: one item built from the schema.
    let TicksResponse::Ok(ticks) = client.ticks().await.unwrap();
    assert_eq!(ticks.collect().await.unwrap(), vec!["string".to_owned()]);
}
