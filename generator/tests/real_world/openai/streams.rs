//! The OpenAI crate's streams over loopback HTTP (`.ci/run` copies this file into the generated
//! `openai_full` crate): chat completion chunks framed the way OpenAI frames them, ending in
//! `data: [DONE]`, read as typed chunks by the generated client; the same chunks written by the
//! generated server's framing; and the Responses API's event union (58 event types told apart by
//! `type`), each documented example sent as one event and read back as its own variant.
// Built only with the halves and tags it calls: CI also runs the crate's tests with the models
// alone.
#![cfg(all(feature = "client", feature = "server", feature = "tag-chat", feature = "tag-responses"))]

use std::collections::BTreeMap;

use futures_util::stream;
use openai_full::client::Client;
use openai_full::model::{
    CreateChatCompletionRequest, CreateChatCompletionStreamResponse, CreateResponse,
    ResponseStreamEvent,
};
use openai_full::operations::{
    CreateChatCompletionReply, CreateResponseResponse, EventStream, StreamError,
};
use openapi_gen_runtime::server::axum::{self, response::IntoResponse};
use openapi_gen_runtime::server::Encode;

/// Serves `router` on a free loopback port; the base URL.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

/// A route answering every `POST` with `body` as `text/event-stream`.
fn events_route(path: &str, body: String) -> axum::Router {
    axum::Router::new().route(
        path,
        axum::routing::post(move || async move { ([("content-type", "text/event-stream")], body) }),
    )
}

fn chunk(role: Option<&str>, content: Option<&str>, finish: Option<&str>) -> serde_json::Value {
    let mut delta = serde_json::Map::new();
    if let Some(role) = role {
        delta.insert("role".into(), role.into());
    }
    if let Some(content) = content {
        delta.insert("content".into(), content.into());
    }
    serde_json::json!({
        "id": "chatcmpl-123", "object": "chat.completion.chunk", "created": 1694268190,
        "model": "gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb",
        "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]
    })
}

/// The chunks of "Hello!" as OpenAI streams them: the role first, the text, then the reason.
fn hello_chunks() -> Vec<serde_json::Value> {
    vec![
        chunk(Some("assistant"), Some(""), None),
        chunk(None, Some("Hel"), None),
        chunk(None, Some("lo!"), None),
        chunk(None, None, Some("stop")),
    ]
}

fn chat_request() -> CreateChatCompletionRequest {
    serde_json::from_value(serde_json::json!({
        "model": "gpt-4o-mini", "stream": true,
        "messages": [{"role": "user", "content": "Say hello"}]
    }))
    .unwrap()
}

/// The text of a stream of chunks, every chunk read as its type.
async fn text_of(mut chunks: EventStream<CreateChatCompletionStreamResponse>) -> String {
    let mut text = String::new();
    let mut count = 0;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.unwrap().data;
        assert_eq!(chunk.id, "chatcmpl-123");
        count += 1;
        let delta = &chunk.choices[0].delta;
        text.push_str(
            delta
                .content
                .as_ref()
                .and_then(|c| c.as_deref())
                .unwrap_or_default(),
        );
    }
    assert_eq!(count, 4);
    text
}

#[tokio::test]
async fn chat_completion_chunks_as_openai_frames_them() {
    let mut body = String::new();
    for chunk in hello_chunks() {
        body.push_str(&format!("data: {chunk}\n\n"));
    }
    body.push_str("data: [DONE]\n\n");
    let client = Client::new(serve(events_route("/chat/completions", body)).await);
    assert_eq!(read_hello(&client).await, "Hello!");
}

/// Asks `client` for a streamed chat completion; the text of its chunks.
async fn read_hello(client: &Client) -> String {
    match client
        .create_chat_completion(&chat_request())
        .await
        .unwrap()
    {
        CreateChatCompletionReply::OkEvents(chunks) => text_of(chunks).await,
        other => panic!("a `text/event-stream` answer is read as events, got {other:?}"),
    }
}

#[tokio::test]
async fn chat_completion_chunks_through_the_generated_framing() {
    let app = axum::Router::new().route(
        "/chat/completions",
        axum::routing::post(|| async {
            let chunks: Vec<CreateChatCompletionStreamResponse> = hello_chunks()
                .into_iter()
                .map(|c| serde_json::from_value(c).unwrap())
                .collect();
            CreateChatCompletionReply::OkEvents(EventStream::new(stream::iter(chunks)))
                .encode()
                .into_response()
        }),
    );
    let client = Client::new(serve(app).await);
    assert_eq!(read_hello(&client).await, "Hello!");
}

/// Every event type of the Responses API with a documented example (`x-oaiMeta.example`), by
/// `type`. The description is read as text: no YAML reader here takes all of it (one bound is
/// below `i64::MIN`), and the few lines needed are plain.
fn documented_events() -> BTreeMap<String, serde_json::Value> {
    let path = std::env::var("OPENAI_SPEC")
        .unwrap_or_else(|_| "../../../shared/specs/openai-openapi.yaml".to_owned());
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // A component schema's block: its lines, up to the next component.
    let block = |name: &str| -> &[&str] {
        let start = lines
            .iter()
            .position(|l| *l == format!("    {name}:"))
            .unwrap_or_else(|| panic!("{name}"));
        let len = lines[start + 1..]
            .iter()
            .position(|l| l.len() > 4 && !l.starts_with("     "))
            .unwrap();
        &lines[start + 1..start + 1 + len]
    };
    let members = block("ResponseStreamEvent")
        .iter()
        .filter_map(|l| l.trim().strip_prefix("- $ref: \"#/components/schemas/"))
        .map(|r| r.trim_end_matches('"'));
    let mut events = BTreeMap::new();
    for name in members {
        let schema = block(name);
        let Some(meta) = schema.iter().position(|l| l.trim() == "x-oaiMeta:") else {
            continue;
        };
        // A literal or folded block: either way JSON text, where line ends are spaces.
        let Some(at) = schema
            .iter()
            .skip(meta)
            .position(|l| matches!(l.trim(), "example: |" | "example: >"))
            .map(|i| i + meta)
        else {
            continue;
        };
        let indent = schema[at].len() - schema[at].trim_start().len();
        let example: Vec<&str> = schema[at + 1..]
            .iter()
            .take_while(|l| l.len() - l.trim_start().len() > indent)
            .copied()
            .collect();
        let Ok(example) = serde_json::from_str::<serde_json::Value>(&example.join("\n")) else {
            continue;
        };
        events.insert(example["type"].as_str().unwrap().to_owned(), example);
    }
    events
}

#[tokio::test]
async fn the_responses_event_union_is_told_apart_by_type() {
    let events = documented_events();
    assert!(
        events.len() >= 50,
        "only {} documented events",
        events.len()
    );
    let mut body = String::new();
    for (kind, example) in &events {
        body.push_str(&format!("event: {kind}\ndata: {example}\n\n"));
    }
    let client = Client::new(serve(events_route("/responses", body)).await);
    let request: CreateResponse = serde_json::from_value(
        serde_json::json!({"model": "gpt-4o", "input": "Hi", "stream": true}),
    )
    .unwrap();
    let CreateResponseResponse::OkEvents(mut stream) =
        client.create_response(&request).await.unwrap()
    else {
        panic!("events");
    };
    let mut read = Vec::new();
    let mut decoded = 0;
    while let Some(event) = stream.next().await {
        let kind = events.keys().nth(read.len()).unwrap().clone();
        let example = &events[&kind];
        // What the example reads as on its own: a few documented examples contradict their
        // schema (a missing required field), and those must come out as error items that carry
        // the raw text, without ending the stream.
        match (
            event,
            serde_json::from_value::<ResponseStreamEvent>(example.clone()),
        ) {
            (Ok(event), Ok(expected)) => {
                assert_eq!(event.event.as_deref(), Some(kind.as_str()));
                assert_eq!(event.data, expected, "{kind}");
                // The variant its `type` names.
                let written = serde_json::to_value(&event.data).unwrap();
                assert_eq!(written["type"], serde_json::Value::from(kind.clone()));
                decoded += 1;
            }
            (Err(StreamError::Decode { raw, .. }), Err(_)) => {
                assert_eq!(raw, example.to_string(), "{kind}")
            }
            (event, expected) => {
                panic!("{kind}: the stream read {event:?}, the example alone {expected:?}")
            }
        }
        read.push(kind);
    }
    eprintln!(
        "{decoded} of {} documented events decoded; the others' examples contradict their schema",
        events.len()
    );
    assert!(decoded >= 40, "only {decoded} events decoded");
    assert_eq!(read, events.keys().cloned().collect::<Vec<_>>());
}
