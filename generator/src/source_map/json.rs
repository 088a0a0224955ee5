//! Reads a JSON document's events, with their positions, for the source map's walker, holding
//! nothing but the stack of open containers.
//!
//! yaml-rust2 reads JSON too, but queues every token of a flow mapping until it closes, and a
//! JSON document is one flow mapping from end to end: over 300 MB of tokens for Microsoft
//! Graph's 20 MB spec. Positions are counted as yaml-rust2 counts them (lines from 1, columns in
//! characters from 0), so a diagnostic says the same whichever reader placed it.

use super::{Event, Mark, Walker};

/// The text is not plain JSON (YAML flow syntax, a comment, a syntax error): the caller reads it
/// as YAML instead.
#[derive(Debug)]
pub(super) struct NotJson;

/// An open container, and for a mapping whether a key comes next.
enum Open {
    Mapping { expect_key: bool },
    Sequence,
}

/// Walks `source` until the walker has found everything or the top-level value ends; `NotJson`
/// (after walking part of it, perhaps) unless the text is a JSON object or array.
pub(super) fn walk(source: &str, walker: &mut Walker<'_>) -> Result<(), NotJson> {
    let mut reader = Reader {
        bytes: source.as_bytes(),
        at: 0,
        mark: Mark { line: 1, col: 0 },
    };
    reader.skip_whitespace();
    if !matches!(reader.peek(), Some(b'{' | b'[')) {
        return Err(NotJson);
    }
    let mut stack: Vec<Open> = Vec::new();
    while !walker.done() {
        reader.skip_whitespace();
        let mark = reader.mark;
        let byte = reader.peek().ok_or(NotJson)?;
        let expect_key = matches!(stack.last(), Some(Open::Mapping { expect_key: true }));
        match byte {
            b'{' | b'[' if !expect_key => {
                reader.advance();
                let (open, event) = if byte == b'{' {
                    (Open::Mapping { expect_key: true }, Event::MappingStart)
                } else {
                    (Open::Sequence, Event::SequenceStart)
                };
                stack.push(open);
                walker.on_event(event, mark);
            }
            b'}' | b']' => {
                reader.advance();
                match (stack.pop(), byte) {
                    (Some(Open::Mapping { .. }), b'}') | (Some(Open::Sequence), b']') => {}
                    _ => return Err(NotJson),
                }
                walker.on_event(Event::End, mark);
                if stack.is_empty() {
                    break;
                }
            }
            b',' | b':' => {
                reader.advance();
                if let Some(Open::Mapping { expect_key }) = stack.last_mut() {
                    *expect_key = byte == b',';
                }
            }
            b'"' => {
                // Only a key's text names a pointer; a value's is never looked at.
                let text = reader.string(expect_key)?;
                walker.on_event(Event::Scalar(text), mark);
            }
            _ if !expect_key => {
                reader.bare()?;
                walker.on_event(Event::Scalar(String::new()), mark);
            }
            _ => return Err(NotJson),
        }
    }
    Ok(())
}

/// A cursor over the text that keeps the position of the next byte.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    mark: Mark,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Moves past one byte that is not a line break; a character's continuation bytes take no
    /// column.
    fn advance(&mut self) {
        if self.bytes[self.at] & 0xC0 != 0x80 {
            self.mark.col += 1;
        }
        self.at += 1;
    }

    /// Skips spaces, tabs and line breaks (`\r\n`, `\n` or a lone `\r`, as YAML counts them).
    fn skip_whitespace(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b' ' | b'\t' => self.advance(),
                b'\n' | b'\r' => {
                    self.at += 1;
                    if byte == b'\r' && self.peek() == Some(b'\n') {
                        self.at += 1;
                    }
                    self.mark = Mark {
                        line: self.mark.line + 1,
                        col: 0,
                    };
                }
                _ => break,
            }
        }
    }

    /// Reads a number, `true`, `false` or `null`.
    fn bare(&mut self) -> Result<(), NotJson> {
        let start = self.at;
        while matches!(
            self.peek(),
            Some(b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'+' | b'-' | b'.')
        ) {
            self.advance();
        }
        if self.at == start {
            return Err(NotJson);
        }
        Ok(())
    }

    /// Reads a string from its opening quote; its unescaped text when `keep`, else nothing.
    fn string(&mut self, keep: bool) -> Result<String, NotJson> {
        self.advance();
        let mut text = String::new();
        loop {
            let start = self.at;
            while let Some(byte) = self.peek() {
                if matches!(byte, b'"' | b'\\' | b'\n' | b'\r') {
                    break;
                }
                self.advance();
            }
            if keep {
                // The run ends before an ASCII byte, so it is whole characters.
                let run = std::str::from_utf8(&self.bytes[start..self.at]).map_err(|_| NotJson)?;
                text.push_str(run);
            }
            match self.peek() {
                Some(b'"') => {
                    self.advance();
                    return Ok(text);
                }
                Some(b'\\') => {
                    self.advance();
                    let escaped = self.escape()?;
                    if keep {
                        text.push(escaped);
                    }
                }
                // A line break inside a string is not JSON (YAML folds it).
                _ => return Err(NotJson),
            }
        }
    }

    /// Reads an escape after its backslash.
    fn escape(&mut self) -> Result<char, NotJson> {
        let byte = self.peek().ok_or(NotJson)?;
        self.advance();
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                if (0xD800..0xDC00).contains(&high) {
                    // A surrogate pair: the low half follows as its own escape.
                    if self.peek() != Some(b'\\') {
                        return Err(NotJson);
                    }
                    self.advance();
                    if self.peek() != Some(b'u') {
                        return Err(NotJson);
                    }
                    self.advance();
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(NotJson);
                    }
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    char::from_u32(code).ok_or(NotJson)?
                } else {
                    char::from_u32(high).ok_or(NotJson)?
                }
            }
            _ => return Err(NotJson),
        })
    }

    /// Reads four hex digits.
    fn hex4(&mut self) -> Result<u32, NotJson> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| (b as char).to_digit(16))
                .ok_or(NotJson)?;
            self.advance();
            value = value * 16 + digit;
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::{yaml, Walker};
    use super::walk;

    /// Every pointer of a value, depth first.
    fn pointers(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    let key = crate::diagnostics::escape_segment(key);
                    pointers(child, format!("{at}/{key}"), out);
                }
            }
            serde_json::Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    pointers(child, format!("{at}/{index}"), out);
                }
            }
            _ => {}
        }
    }

    /// The JSON reader places every node where yaml-rust2 does: keys with escapes and
    /// multibyte characters, `~` and `/` in keys, nested and empty containers, scalars of every
    /// kind, compact and spread-out layouts, `\r\n` line ends.
    #[test]
    fn places_every_node_where_yaml_rust2_does() {
        let texts = [
            "{\"a\": 1}",
            "[1, \"two\", true, null, -3.5e2, {}, []]",
            "{\n  \"paths\": {\n    \"/a/{id}\": {\"get\": {\"x~y\": [1, {\"é\": \"ü\"}]}},\n    \"b\": []\n  },\n  \"\\u00e9t\\u00e9 \\\"q\\\" \\u00fc\": {\"k\": \"\\n\"}\n}\n",
            "{\r\n\t\"a\":\r\n\t\t[\r\n\t\t\t{\"b\":1},\r\n\t\t\t\"ça\"\r\n\t\t]\r\n}",
            "  {\"ü\":{\"ü\":{\"ü\":[[[\"deep\"]]]}},\"z\":false}",
        ];
        for text in texts {
            let value: serde_json::Value = serde_json::from_str(text).expect("test text is JSON");
            let mut all = Vec::new();
            pointers(&value, "#".to_owned(), &mut all);
            let wanted: BTreeSet<String> = all.into_iter().collect();
            let walker = || Walker {
                wanted: &wanted,
                targets: &wanted,
                remaining: wanted.len(),
                path: Vec::new(),
                frames: Vec::new(),
                found: Default::default(),
            };
            let mut by_json = walker();
            walk(text, &mut by_json).expect("plain JSON");
            let mut by_yaml = walker();
            yaml::walk(text, &mut by_yaml);
            assert_eq!(by_json.found, by_yaml.found, "{text}");
            assert_eq!(by_json.found.len(), wanted.len(), "{text}");
        }
    }

    /// A key written with a surrogate pair (which yaml-rust2 refuses) names its character.
    #[test]
    fn reads_surrogate_pairs() {
        let wanted: BTreeSet<String> = ["#".to_owned(), "#/😀".to_owned()].into_iter().collect();
        let mut walker = Walker {
            wanted: &wanted,
            targets: &wanted,
            remaining: 2,
            path: Vec::new(),
            frames: Vec::new(),
            found: Default::default(),
        };
        walk("{\"a\": 1,\n \"\\ud83d\\ude00\": 2}", &mut walker).expect("plain JSON");
        assert_eq!(walker.found["#/😀"].line, 2);
        assert_eq!(walker.found["#/😀"].column, 2);
    }

    /// YAML that starts like JSON is left to the YAML reader.
    #[test]
    fn gives_up_on_yaml_flow_syntax() {
        let wanted: BTreeSet<String> = ["#/a".to_owned()].into_iter().collect();
        for text in [
            "{a: 1}",
            "{\"a\": 1, # note\n}",
            "openapi: 3.0.0",
            "[\"a\n b\"]",
        ] {
            let mut walker = Walker {
                wanted: &wanted,
                targets: &wanted,
                remaining: 1,
                path: Vec::new(),
                frames: Vec::new(),
                found: Default::default(),
            };
            assert!(walk(text, &mut walker).is_err(), "{text}");
        }
    }
}
