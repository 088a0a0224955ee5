//! Criterion benches of the typed stream decoders the client uses: 10,000 OpenAI-like chat
//! completion chunks read as server-sent events and as JSON Lines, fed in 16 KiB slices split
//! mid-event, against `serde_json::from_slice` of one JSON array of the same items.
//!
//! Every bench reports the size of that JSON array per second, so their MB/s compare the time
//! each takes for the same items; `cargo xtask bench --streams` prints the ratios. The streamed
//! items are collected into a `Vec` as the array's are, so that both hold all 10,000 at the end
//! (a consumer that drops each item at once lets the allocator reuse its memory, and runs faster).

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use openapi_gen_runtime::stream::{ByteStream, EventStream, JsonLines};
use serde::Deserialize;

const ITEMS: usize = 10_000;
const SLICE: usize = 16 * 1024;
/// The client's default limit of one item.
const LIMIT: usize = 1024 * 1024;

/// One `chat.completion.chunk`, as a generated client would type it; the fields it does not
/// name (`system_fingerprint`, `logprobs`) are on the wire and skipped.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Chunk {
    id: String,
    object: String,
    created: u64,
    model: String,
    choices: Vec<Choice>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Choice {
    index: u32,
    delta: Delta,
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Delta {
    role: Option<String>,
    content: Option<String>,
}

/// The items' JSON texts: a role first, a finish reason last, and tokens of varying length
/// between, some with escapes and non-ASCII text.
fn items() -> Vec<String> {
    const WORDS: [&str; 8] = [
        " the",
        " stream",
        "ing",
        " response",
        " é",
        "\\n\\n",
        " \\\"quoted\\\"",
        " 42",
    ];
    (0..ITEMS)
        .map(|i| {
            let delta = match i {
                0 => r#"{"role":"assistant","content":""}"#.to_owned(),
                _ if i == ITEMS - 1 => "{}".to_owned(),
                _ => format!(r#"{{"content":"{}{}"}}"#, WORDS[i % WORDS.len()], WORDS[(i / 8) % WORDS.len()]),
            };
            let finish = if i == ITEMS - 1 { r#""stop""# } else { "null" };
            format!(
                r#"{{"id":"chatcmpl-9xK2mQ7vZ3bLwT1nR8sYpE4cF0aH","object":"chat.completion.chunk","created":{},"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{{"index":0,"delta":{delta},"logprobs":null,"finish_reason":{finish}}}]}}"#,
                1_725_000_000 + i / 100
            )
        })
        .collect()
}

/// A body cut into slices as the network would deliver them, each sharing the one buffer.
fn slices(body: Vec<u8>) -> Vec<Bytes> {
    let body = Bytes::from(body);
    (0..body.len())
        .step_by(SLICE)
        .map(|at| body.slice(at..body.len().min(at + SLICE)))
        .collect()
}

fn decode(c: &mut Criterion) {
    let items = items();
    let array = format!("[{}]", items.join(",")).into_bytes();
    let mut sse = String::new();
    for item in &items {
        sse.push_str("data: ");
        sse.push_str(item);
        sse.push_str("\n\n");
    }
    sse.push_str("data: [DONE]\n\n");
    let sse = slices(sse.into_bytes());
    let lines = slices(
        items
            .iter()
            .flat_map(|item| [item.as_bytes(), b"\n"])
            .flatten()
            .copied()
            .collect(),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime starts");

    let mut group = c.benchmark_group("streams");
    group.throughput(Throughput::Bytes(array.len() as u64));
    group.bench_function(BenchmarkId::new("json_array", ITEMS), |b| {
        b.iter(|| {
            let decoded: Vec<Chunk> = serde_json::from_slice(&array).expect("the array decodes");
            assert_eq!(decoded.len(), ITEMS);
        })
    });
    group.bench_function(BenchmarkId::new("sse", ITEMS), |b| {
        b.iter(|| {
            let mut events =
                EventStream::<Chunk>::decode(ByteStream::from_items(sse.clone()), LIMIT);
            let decoded = runtime.block_on(async {
                let mut decoded = Vec::new();
                while let Some(event) = events.next().await {
                    decoded.push(event.expect("every event decodes").data);
                }
                decoded
            });
            assert_eq!(decoded.len(), ITEMS);
        })
    });
    group.bench_function(BenchmarkId::new("json_lines", ITEMS), |b| {
        b.iter(|| {
            let mut records =
                JsonLines::<Chunk>::decode(ByteStream::from_items(lines.clone()), LIMIT);
            let decoded = runtime.block_on(async {
                let mut decoded = Vec::new();
                while let Some(item) = records.next().await {
                    decoded.push(item.expect("every record decodes"));
                }
                decoded
            });
            assert_eq!(decoded.len(), ITEMS);
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
