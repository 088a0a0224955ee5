//! Typed streams, the bodies an operation sends or receives item by item: server-sent events
//! ([`EventStream`]), JSON Lines ([`JsonLines`]) and raw bytes ([`ByteStream`]). Each is a
//! `Stream` the user pulls, never a buffer; HTTP is left to `client.rs` and `server.rs`.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
pub use futures_core::Stream;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::sse::{Decoder, SseFrame};

/// Why a stream could not give its next item.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamError {
    /// Receiving failed (reset, closed connection, timeout ...); the stream ends after it.
    Transport(String),
    /// One item does not match its schema; the stream goes on with the next.
    Decode { raw: String, message: String },
    /// One item is larger than the limit; the stream ends after it.
    TooLarge { limit: usize },
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Transport(message) => write!(f, "the stream broke off: {message}"),
            StreamError::Decode { message, .. } => write!(f, "a stream item does not match the API description: {message}"),
            StreamError::TooLarge { limit } => write!(f, "a stream item is larger than the {limit}-byte limit"),
        }
    }
}

impl std::error::Error for StreamError {}

/// A server-sent event: its data, typed, and the fields that came with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    pub data: T,
    /// The event's type; `None` for the default (`message`).
    pub event: Option<String>,
    /// The last event ID when the event arrived.
    pub id: Option<String>,
    /// The reconnection time the server asked for.
    pub retry: Option<Duration>,
}

impl<T> Event<T> {
    pub fn new(data: T) -> Self {
        Self { data, event: None, id: None, retry: None }
    }

    pub fn with_event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }

    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    pub fn with_retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The event's data, without the fields that came with it.
    pub fn into_data(self) -> T {
        self.data
    }
}

type Boxed<T> = Pin<Box<dyn Stream<Item = Result<T, StreamError>> + Send>>;

/// Writes the three stream types alike: they differ only in their items.
macro_rules! stream_type {
    ($name:ident $(<$t:ident>)?, $item:ty) => {
        impl<$($t)?> fmt::Debug for $name<$($t)?> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(stringify!($name))
            }
        }

        impl<$($t)?> Stream for $name<$($t)?> {
            type Item = Result<$item, StreamError>;

            fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                self.inner.as_mut().poll_next(cx)
            }
        }

        impl<$($t: Send + 'static)?> $name<$($t)?> {
            /// A stream of items that may fail, as the implementation of a server produces them.
            pub fn try_new(items: impl Stream<Item = Result<$item, StreamError>> + Send + 'static) -> Self {
                Self { inner: Box::pin(items) }
            }

            /// The next item; `None` at the end.
            pub async fn next(&mut self) -> Option<Result<$item, StreamError>> {
                self.inner.next().await
            }
        }
    };
}

/// A `text/event-stream` body: typed server-sent events.
pub struct EventStream<T> {
    inner: Boxed<Event<T>>,
}

stream_type!(EventStream<T>, Event<T>);

impl<T: Send + 'static> EventStream<T> {
    /// Events with these data and no other field.
    pub fn new(items: impl Stream<Item = T> + Send + 'static) -> Self {
        Self::try_new(items.map(|data| Ok(Event::new(data))))
    }

    /// Events with their names, IDs and retry times.
    pub fn from_events(events: impl Stream<Item = Event<T>> + Send + 'static) -> Self {
        Self::try_new(events.map(Ok))
    }

    /// Events with these data, all ready.
    pub fn from_items(items: Vec<T>) -> Self {
        Self::new(futures_util::stream::iter(items))
    }

    /// The data of every event, or the first error.
    pub async fn collect(mut self) -> Result<Vec<T>, StreamError> {
        let mut items = Vec::new();
        while let Some(event) = self.next().await {
            items.push(event?.data);
        }
        Ok(items)
    }
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    /// Reads server-sent events from a body, each at most `limit` bytes. Each event's data is
    /// read as JSON, or else as a JSON string holding the raw text (so string schemas take any
    /// text); an event that is neither is a `StreamError::Decode` and the stream goes on. An
    /// event whose data is `[DONE]` ends the stream.
    #[doc(hidden)]
    pub fn decode(body: ByteStream, limit: usize) -> Self {
        let state = Reader { body: Some(body), parser: Decoder::new(limit), ready: VecDeque::new() };
        Self::try_new(futures_util::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.ready.pop_front() {
                    return Some((item, state));
                }
                let body = state.body.as_mut()?;
                match body.next().await {
                    Some(Ok(chunk)) => {
                        for frame in state.parser.push(&chunk) {
                            match frame {
                                Ok(frame) if frame.data == "[DONE]" => {
                                    state.body = None;
                                    break;
                                }
                                Ok(frame) => state.ready.push_back(typed_event(frame)),
                                Err(e) => {
                                    state.body = None;
                                    state.ready.push_back(Err(e));
                                }
                            }
                        }
                    }
                    Some(Err(e)) => {
                        state.body = None;
                        state.ready.push_back(Err(e));
                    }
                    None => {
                        state.parser.finish();
                        state.body = None;
                    }
                }
            }
        }))
    }
}

/// A body being read: the bytes still to come (`None` once they ended or failed), the parser,
/// and the items it gave that were not taken yet.
struct Reader<P, T> {
    body: Option<ByteStream>,
    parser: P,
    ready: VecDeque<Result<T, StreamError>>,
}

/// An event's data as `T`: JSON, or else the raw text as a JSON string.
fn typed_event<T: DeserializeOwned>(frame: SseFrame) -> Result<Event<T>, StreamError> {
    let SseFrame { event, data, id, retry } = frame;
    let data = match serde_json::from_str::<T>(&data) {
        Ok(value) => value,
        Err(e) => {
            let text = serde_json::Value::String(data);
            match T::deserialize(&text) {
                Ok(value) => value,
                Err(_) => {
                    let serde_json::Value::String(raw) = text else { unreachable!("built as a string just above") };
                    return Err(StreamError::Decode { raw, message: e.to_string() });
                }
            }
        }
    };
    Ok(Event { data, event, id, retry })
}

/// A JSON Lines body (`application/x-ndjson`, `application/jsonl`, `application/json-seq`):
/// one JSON value per item.
pub struct JsonLines<T> {
    inner: Boxed<T>,
}

stream_type!(JsonLines<T>, T);

impl<T: Send + 'static> JsonLines<T> {
    pub fn new(items: impl Stream<Item = T> + Send + 'static) -> Self {
        Self::try_new(items.map(Ok))
    }

    /// These items, all ready.
    pub fn from_items(items: Vec<T>) -> Self {
        Self::new(futures_util::stream::iter(items))
    }

    /// Every item, or the first error.
    pub async fn collect(mut self) -> Result<Vec<T>, StreamError> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

/// Splits a body into records: LF (or CRLF) ends one, and RS (0x1E, `application/json-seq`)
/// starts one.
#[derive(Debug)]
struct Records {
    partial: Vec<u8>,
    limit: usize,
}

impl Records {
    /// Gives `record` each record `chunk` completes, straight from the chunk unless it began in
    /// an earlier one. False once one is over the limit (given as `TooLarge`): nothing follows.
    fn push(&mut self, mut chunk: &[u8], mut record: impl FnMut(Result<&[u8], StreamError>)) -> bool {
        while let Some(end) = memchr::memchr2(b'\n', 0x1E, chunk) {
            if self.partial.len() + end > self.limit {
                record(Err(StreamError::TooLarge { limit: self.limit }));
                return false;
            }
            if self.partial.is_empty() {
                record(Ok(&chunk[..end]));
            } else {
                self.partial.extend_from_slice(&chunk[..end]);
                record(Ok(&self.partial));
                self.partial.clear();
                if self.partial.capacity() > RETAINED {
                    // One large record does not keep its buffer for the rest of the stream.
                    self.partial = Vec::new();
                }
            }
            chunk = &chunk[end + 1..];
        }
        if self.partial.len() + chunk.len() > self.limit {
            record(Err(StreamError::TooLarge { limit: self.limit }));
            return false;
        }
        self.partial.extend_from_slice(chunk);
        true
    }
}

/// The most buffer a JSON Lines reader keeps between records.
const RETAINED: usize = 64 * 1024;

/// A record as `T`; `None` for a blank one.
fn typed_record<T: DeserializeOwned>(record: &[u8]) -> Option<Result<T, StreamError>> {
    let text = record.trim_ascii();
    if text.is_empty() {
        return None;
    }
    Some(
        serde_json::from_slice(text)
            .map_err(|e| StreamError::Decode { raw: String::from_utf8_lossy(text).into_owned(), message: e.to_string() }),
    )
}

impl<T: DeserializeOwned + Send + 'static> JsonLines<T> {
    /// Reads records from a body, each at most `limit` bytes; blank ones are skipped and one
    /// that does not match is a `StreamError::Decode`, after which the stream goes on.
    #[doc(hidden)]
    pub fn decode(body: ByteStream, limit: usize) -> Self {
        let state = Reader { body: Some(body), parser: Records { partial: Vec::new(), limit }, ready: VecDeque::new() };
        Self::try_new(futures_util::stream::unfold(state, |mut state| async move {
            loop {
                if let Some(item) = state.ready.pop_front() {
                    return Some((item, state));
                }
                let body = state.body.as_mut()?;
                match body.next().await {
                    Some(Ok(chunk)) => {
                        let ready = &mut state.ready;
                        let more = state.parser.push(&chunk, |record| match record {
                            Ok(record) => ready.extend(typed_record(record)),
                            Err(e) => ready.push_back(Err(e)),
                        });
                        if !more {
                            state.body = None;
                        }
                    }
                    Some(Err(e)) => {
                        state.body = None;
                        state.ready.push_back(Err(e));
                    }
                    None => {
                        state.body = None;
                        let last = std::mem::take(&mut state.parser.partial);
                        state.ready.extend(typed_record(&last));
                    }
                }
            }
        }))
    }
}

/// A binary body, chunk by chunk as it arrives or is produced.
pub struct ByteStream {
    inner: Boxed<Bytes>,
    /// The whole body, when it was given whole: sent with its length, and cheap to send again.
    whole: Option<Bytes>,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.whole.take() {
            Some(whole) => Poll::Ready(Some(Ok(whole))),
            None => self.inner.as_mut().poll_next(cx),
        }
    }
}

impl ByteStream {
    pub fn new(chunks: impl Stream<Item = Bytes> + Send + 'static) -> Self {
        Self::try_new(chunks.map(Ok))
    }

    /// A stream of chunks that may fail, as the implementation of a server produces them.
    pub fn try_new(chunks: impl Stream<Item = Result<Bytes, StreamError>> + Send + 'static) -> Self {
        Self { inner: Box::pin(chunks), whole: None }
    }

    /// The next chunk; `None` at the end.
    pub async fn next(&mut self) -> Option<Result<Bytes, StreamError>> {
        StreamExt::next(self).await
    }

    /// The whole body, when it was given whole and nothing was read yet (an upload from a buffer
    /// rather than a stream).
    #[doc(hidden)]
    pub fn as_whole(&self) -> Option<&Bytes> {
        self.whole.as_ref()
    }

    /// These chunks, all ready.
    pub fn from_items(chunks: Vec<Bytes>) -> Self {
        Self::new(futures_util::stream::iter(chunks))
    }

    /// The whole body, or the first error.
    pub async fn collect(mut self) -> Result<Bytes, StreamError> {
        let mut body = Vec::new();
        while let Some(chunk) = self.next().await {
            body.extend_from_slice(&chunk?);
        }
        Ok(Bytes::from(body))
    }

    /// A file's content, read 64 KiB at a time as the stream is pulled.
    pub async fn from_file(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        use tokio::io::AsyncReadExt as _;
        let file = tokio::fs::File::open(path).await?;
        Ok(Self::try_new(futures_util::stream::unfold(Some(file), |file| async move {
            let mut file = file?;
            let mut chunk = Vec::with_capacity(64 * 1024);
            match (&mut file).take(64 * 1024).read_to_end(&mut chunk).await {
                Ok(0) => None,
                Ok(_) => Some((Ok(Bytes::from(chunk)), Some(file))),
                Err(e) => Some((Err(StreamError::Transport(format!("reading the file failed: {e}"))), None)),
            }
        })))
    }
}

impl From<Bytes> for ByteStream {
    fn from(body: Bytes) -> Self {
        Self { inner: Box::pin(futures_util::stream::empty()), whole: Some(body) }
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(body: Vec<u8>) -> Self {
        Self::from(Bytes::from(body))
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(body: &'static [u8]) -> Self {
        Self::from(Bytes::from_static(body))
    }
}

#[cfg(feature = "client")]
impl From<ByteStream> for reqwest::Body {
    /// An upload that streams, chunk by chunk.
    fn from(mut body: ByteStream) -> Self {
        match body.whole.take() {
            // Sent with its `Content-Length`, and replayable.
            Some(whole) => reqwest::Body::from(whole),
            None => reqwest::Body::wrap_stream(body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
    }

    fn body(chunks: &[&'static str]) -> ByteStream {
        ByteStream::from_items(chunks.iter().map(|c| Bytes::from_static(c.as_bytes())).collect())
    }

    async fn all<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
        let mut items = Vec::new();
        while let Some(item) = stream.next().await {
            items.push(item);
        }
        items
    }

    #[test]
    fn events_are_typed_and_bad_ones_do_not_stop_the_stream() {
        let events =
            EventStream::<serde_json::Value>::decode(body(&["data: {\"a\"", ":1}\n\ndata: {oops\n\nevent: e\nid: 3\ndata: 2\n\n"]), 1024);
        let items = block_on(all(events));
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_ref().unwrap().data, serde_json::json!({"a": 1}));
        // A `Value` takes the raw text as a string.
        assert_eq!(items[1].as_ref().unwrap().data, serde_json::json!("{oops"));
        assert_eq!(items[2], Ok(Event::new(serde_json::json!(2)).with_event("e").with_id("3")));
        let numbers = block_on(all(EventStream::<u32>::decode(body(&["data: x\n\ndata: 4\n\ndata: [DONE]\n\ndata: 5\n\n"]), 1024)));
        assert!(matches!(&numbers[0], Err(StreamError::Decode { raw, .. }) if raw == "x"));
        assert_eq!(numbers[1..], [Ok(Event::new(4))]);
        let text = block_on(EventStream::<String>::decode(body(&["data: plain text\n\n"]), 1024).collect()).unwrap();
        assert_eq!(text, vec!["plain text".to_owned()]);
    }

    #[test]
    fn json_lines_split_on_lf_and_rs() {
        let items = block_on(all(JsonLines::<u32>::decode(body(&["1\r\n\n2", "\n\x1E3\n\x1E", "x\n4"]), 16)));
        let decoded: Vec<_> =
            items.iter().map(|i| i.as_ref().map_err(|e| matches!(e, StreamError::Decode { raw, .. } if raw == "x"))).collect();
        assert_eq!(decoded, vec![Ok(&1), Ok(&2), Ok(&3), Err(true), Ok(&4)]);
        let long = block_on(all(JsonLines::<u32>::decode(body(&["1\n", "12345678901234567890"]), 16)));
        assert_eq!(long, vec![Ok(1), Err(StreamError::TooLarge { limit: 16 })]);
    }

    #[test]
    fn byte_streams_collect_and_read_files() {
        assert_eq!(block_on(ByteStream::from(&b"abc"[..]).collect()).unwrap(), Bytes::from_static(b"abc"));
        let path = std::env::temp_dir().join(format!("openapi-gen-runtime-{}.bin", std::process::id()));
        let content: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let chunks = block_on(async { all(ByteStream::from_file(&path).await.unwrap()).await });
        std::fs::remove_file(&path).unwrap();
        assert_eq!(chunks.len(), 4);
        assert_eq!(chunks.into_iter().map(Result::unwrap).collect::<Vec<_>>().concat(), content);
    }
}
