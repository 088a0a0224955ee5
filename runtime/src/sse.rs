//! Server-sent events on the wire: the HTML Living Standard's incremental "event stream
//! interpretation" (a [`Decoder`] fed chunks as they arrive) and the writer of one event; typed
//! events and HTTP are the business of `stream.rs`, `client.rs` and `server.rs`.

use std::time::Duration;

use crate::stream::StreamError;

/// One dispatched event, as the spec interprets it, before its data is given a type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseFrame {
    /// The `event` field; `None` when the event gave none (the spec's default type `message`).
    pub event: Option<String>,
    /// The `data` lines, joined by LF.
    pub data: String,
    /// The last event ID at dispatch: it persists from event to event until an `id` field
    /// changes it; `None` when it is empty.
    pub id: Option<String>,
    /// The reconnection time a `retry` field set since the previous dispatched event.
    pub retry: Option<Duration>,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The incremental parser: [`push`](Self::push) chunks split anywhere (inside a line ending or
/// a UTF-8 character), get the events each completes.
///
/// Lines are read as bytes, straight from the chunk unless one spans chunks: field names, `:`
/// and line endings are ASCII, never part of a multi-byte character, so this reads what the
/// spec's decode-then-parse reads. Each value is decoded from UTF-8 once (the data at dispatch),
/// invalid bytes becoming U+FFFD as the spec's decoder makes them.
#[derive(Debug, Clone)]
pub struct Decoder {
    /// The start of a line that an earlier chunk ended inside (before the BOM check: the
    /// stream's first bytes).
    line: Vec<u8>,
    /// Whether the first bytes were checked for a byte order mark.
    started: bool,
    /// The previous chunk ended with CR: an LF starting this one belongs to that line ending.
    after_cr: bool,
    /// The event's data lines, each followed by LF, not yet decoded; reused from event to event.
    data: Vec<u8>,
    event: String,
    last_id: String,
    retry: Option<Duration>,
    /// Most bytes one event may buffer (its lines being read, data and type).
    limit: usize,
    /// Set once the limit was passed: the decoder then reads nothing more.
    failed: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new(usize::MAX)
    }
}

impl Decoder {
    /// A decoder refusing events that buffer more than `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self {
            line: Vec::new(),
            started: false,
            after_cr: false,
            data: Vec::new(),
            event: String::new(),
            last_id: String::new(),
            retry: None,
            limit,
            failed: false,
        }
    }

    /// The events `chunk` completes, in order. Past the limit the last item is
    /// `StreamError::TooLarge`, and every later push gives nothing.
    pub fn push(&mut self, mut chunk: &[u8]) -> Vec<Result<SseFrame, StreamError>> {
        let mut out = Vec::new();
        if self.failed {
            return out;
        }
        if !self.started {
            let take = chunk.len().min(BOM.len() - self.line.len());
            self.line.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if self.line.len() < BOM.len() && BOM.starts_with(&self.line) {
                return out;
            }
            self.started = true;
            let head = std::mem::take(&mut self.line);
            let head = if head == BOM { &[][..] } else { &head[..] };
            self.scan(head, &mut out);
        }
        self.scan(chunk, &mut out);
        out
    }

    /// The end of the stream: an event without its closing blank line is discarded, as the spec
    /// says. Whether something was.
    pub fn finish(&mut self) -> bool {
        let pending = !self.line.is_empty() || !self.data.is_empty() || !self.event.is_empty();
        self.line.clear();
        self.data.clear();
        self.event.clear();
        pending
    }

    /// The last event ID the stream set, for a reconnection's `Last-Event-ID`.
    pub fn last_event_id(&self) -> &str {
        &self.last_id
    }

    fn scan(&mut self, mut chunk: &[u8], out: &mut Vec<Result<SseFrame, StreamError>>) {
        if self.after_cr && !chunk.is_empty() {
            self.after_cr = false;
            if chunk[0] == b'\n' {
                chunk = &chunk[1..];
            }
        }
        while !self.failed {
            match memchr::memchr2(b'\n', b'\r', chunk) {
                None => {
                    self.line.extend_from_slice(chunk);
                    self.check(out);
                    return;
                }
                Some(end) => {
                    if self.line.is_empty() {
                        self.process(&chunk[..end], out);
                    } else {
                        self.line.extend_from_slice(&chunk[..end]);
                        let line = std::mem::take(&mut self.line);
                        self.process(&line, out);
                        self.line = line;
                        self.line.clear();
                    }
                    self.check(out);
                    if chunk[end] == b'\r' {
                        match chunk.get(end + 1) {
                            Some(b'\n') => chunk = &chunk[end + 2..],
                            Some(_) => chunk = &chunk[end + 1..],
                            None => {
                                self.after_cr = true;
                                return;
                            }
                        }
                    } else {
                        chunk = &chunk[end + 1..];
                    }
                }
            }
        }
    }

    /// Fails once the event buffers more than the limit.
    fn check(&mut self, out: &mut Vec<Result<SseFrame, StreamError>>) {
        if self.line.len() + self.data.len() + self.event.len() > self.limit {
            self.failed = true;
            out.push(Err(StreamError::TooLarge { limit: self.limit }));
        }
    }

    fn process(&mut self, line: &[u8], out: &mut Vec<Result<SseFrame, StreamError>>) {
        if line.is_empty() {
            if let Some(frame) = self.dispatch() {
                out.push(Ok(frame));
            }
            return;
        }
        if line[0] == b':' {
            return;
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(colon) => (&line[..colon], line[colon + 1..].strip_prefix(b" ").unwrap_or(&line[colon + 1..])),
            None => (line, &[][..]),
        };
        match field {
            b"event" => self.event = text(value),
            b"data" => {
                self.data.extend_from_slice(value);
                self.data.push(b'\n');
            }
            b"id" if !value.contains(&0) => self.last_id = text(value),
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // Digits beyond what a u64 holds are as good as forever.
                let millis = std::str::from_utf8(value).ok().and_then(|digits| digits.parse().ok()).unwrap_or(u64::MAX);
                self.retry = Some(Duration::from_millis(millis));
            }
            _ => {}
        }
    }

    fn dispatch(&mut self) -> Option<SseFrame> {
        if self.data.is_empty() {
            self.event.clear();
            return None;
        }
        let data = text(&self.data[..self.data.len() - 1]);
        self.data.clear();
        if self.data.capacity() > RETAINED {
            // One large event does not keep its buffer for the rest of the stream.
            self.data = Vec::new();
        }
        let event = std::mem::take(&mut self.event);
        Some(SseFrame {
            event: (!event.is_empty()).then_some(event),
            data,
            id: (!self.last_id.is_empty()).then(|| self.last_id.clone()),
            retry: self.retry.take(),
        })
    }
}

/// The most data buffer a decoder keeps between events.
const RETAINED: usize = 64 * 1024;

/// Bytes as text, each invalid sequence replaced by U+FFFD.
fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The comment a server sends to keep an idle connection open.
pub const KEEP_ALIVE: &str = ":\n\n";

/// Appends one event to `out`: `event:`, `id:`, `retry:`, one `data:` line per line of data
/// (CRLF, CR and LF all end a line, and arrive as LF), then the blank line. A line break in the
/// event name or ID, which would end the field early, is written as a space.
pub fn write_frame(frame: &SseFrame, out: &mut String) {
    let field = |out: &mut String, name: &str, value: &str| {
        out.push_str(name);
        out.push_str(": ");
        out.extend(value.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }));
        out.push('\n');
    };
    if let Some(event) = &frame.event {
        field(out, "event", event);
    }
    if let Some(id) = &frame.id {
        field(out, "id", id);
    }
    if let Some(retry) = frame.retry {
        field(out, "retry", &retry.as_millis().to_string());
    }
    let mut rest = frame.data.as_str();
    loop {
        let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
        field(out, "data", &rest[..end]);
        rest = match &rest.as_bytes()[end..] {
            [] => break,
            [b'\r', b'\n', ..] => &rest[end + 2..],
            _ => &rest[end + 1..],
        };
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(data: &str) -> SseFrame {
        SseFrame { data: data.to_owned(), ..SseFrame::default() }
    }

    fn decode_chunks(chunks: &[&[u8]]) -> Vec<SseFrame> {
        let mut decoder = Decoder::default();
        let frames = chunks.iter().flat_map(|c| decoder.push(c)).map(Result::unwrap).collect();
        decoder.finish();
        frames
    }

    fn decode(input: &str) -> Vec<SseFrame> {
        decode_chunks(&[input.as_bytes()])
    }

    /// Each input with the events the spec dispatches for it.
    fn examples() -> Vec<(&'static str, Vec<SseFrame>)> {
        let with_id = |data: &str, id: Option<&str>| SseFrame { id: id.map(str::to_owned), ..frame(data) };
        vec![
            // The HTML Living Standard, section 9.2.6, its examples in order.
            ("data: YHOO\ndata: +2\ndata: 10\n\n", vec![frame("YHOO\n+2\n10")]),
            (
                ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n",
                vec![with_id("first event", Some("1")), with_id("second event", None), frame(" third event")],
            ),
            ("data\n\ndata\ndata\n\ndata:", vec![frame(""), frame("\n")]),
            ("data:test\n\ndata: test\n\n", vec![frame("test"), frame("test")]),
            // Line endings of every kind, mixed.
            ("data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r", vec![frame("a\nb\nc"), frame("d")]),
            // A byte order mark is skipped once; a second one is part of the field name.
            ("\u{FEFF}data: x\n\n\u{FEFF}data: y\n\n", vec![frame("x")]),
            // Comments, unknown fields, and the event name.
            (
                ":hi\nfoo: bar\nevent: add\ndata: 1\n\nevent: lone\n\ndata: 2\n\n",
                vec![SseFrame { event: Some("add".into()), ..frame("1") }, frame("2")],
            ),
            // Retry: only digits count, and it goes with the next dispatched event.
            (
                "retry: 1500\n\nretry: 15a\ndata: x\n\nretry: 7\ndata: y\n\n",
                vec![
                    SseFrame { retry: Some(Duration::from_millis(1500)), ..frame("x") },
                    SseFrame { retry: Some(Duration::from_millis(7)), ..frame("y") },
                ],
            ),
            // An ID with NUL is ignored, and the last ID persists.
            ("id: 5\ndata: a\n\nid: 6\0\ndata: b\n\n", vec![with_id("a", Some("5")), with_id("b", Some("5"))]),
            // UTF-8 of every width, and invalid bytes replaced.
            ("data: héllo→😀\n\n", vec![frame("héllo→😀")]),
        ]
    }

    #[test]
    fn the_specs_examples_dispatch_their_events() {
        for (input, expected) in examples() {
            assert_eq!(decode(input), expected, "{input:?}");
        }
        assert_eq!(decode_chunks(&[b"data: a\xFFb\n\n"]), vec![frame("a\u{FFFD}b")]);
        // A character cut short by the end of a line is replaced alone; the line break stays.
        assert_eq!(decode_chunks(&[b"data: a\xE2\x82\ndata: \x82b\n", b"\n"]), vec![frame("a\u{FFFD}\n\u{FFFD}b")]);
    }

    #[test]
    fn any_split_gives_the_same_events() {
        for (input, expected) in examples() {
            let bytes = input.as_bytes();
            for at in 0..=bytes.len() {
                assert_eq!(decode_chunks(&[&bytes[..at], &bytes[at..]]), expected, "{input:?} split at {at}");
            }
            let single: Vec<&[u8]> = bytes.chunks(1).collect();
            assert_eq!(decode_chunks(&single), expected, "{input:?} byte by byte");
        }
    }

    #[test]
    fn an_unfinished_event_is_discarded_at_the_end() {
        let mut decoder = Decoder::default();
        assert!(decoder.push(b"data: a\n\ndata: b\n").len() == 1);
        assert!(decoder.finish());
    }

    #[test]
    fn events_over_the_limit_fail_once() {
        let mut decoder = Decoder::new(8);
        let out = decoder.push(b"data: 1234\n\ndata: 123456789");
        assert_eq!(out, vec![Ok(frame("1234")), Err(StreamError::TooLarge { limit: 8 })]);
        assert!(decoder.push(b"\n\ndata: 1\n\n").is_empty());
        // Many short lines count together.
        let out = Decoder::new(8).push(b"data: 12345\ndata: 12345\n");
        assert_eq!(out, vec![Err(StreamError::TooLarge { limit: 8 })]);
    }

    #[test]
    fn written_events_read_back() {
        let frames = [
            SseFrame { event: Some("update".into()), id: Some("7".into()), retry: Some(Duration::from_secs(3)), data: "a\nb".into() },
            frame(""),
            frame("\n"),
            frame(" lead\r\nmixed\rends\n"),
            frame("{\"json\":true}"),
        ];
        let mut text = String::new();
        for f in &frames {
            write_frame(f, &mut text);
            text.push_str(KEEP_ALIVE);
        }
        let mut expected = frames.to_vec();
        expected[3].data = " lead\nmixed\nends\n".into();
        // The ID persists to the events after the first.
        for f in &mut expected[1..] {
            f.id = Some("7".into());
        }
        assert_eq!(decode(&text), expected);
        let mut one = String::new();
        write_frame(&SseFrame { event: Some("a\nb".into()), ..frame("x") }, &mut one);
        assert_eq!(one, "event: a b\ndata: x\n\n");
    }
}
