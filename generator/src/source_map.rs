//! Maps JSON pointers back to line:column in the spec text, for diagnostics only.
//!
//! serde_yaml drops positions once a document is deserialized, so this re-reads the text with
//! yaml-rust2's event parser, and only when there is something to report.

use std::collections::{BTreeMap, BTreeSet};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::{escape_segment, Diagnostics, Position};

enum Frame {
    Mapping {
        pending_key: Option<String>,
        key_mark: Option<Marker>,
    },
    Sequence {
        next_index: usize,
    },
}

struct Walker<'a> {
    wanted: &'a BTreeSet<String>,
    /// Pointer of each open container; `path[0]` is `#`.
    path: Vec<String>,
    frames: Vec<Frame>,
    found: BTreeMap<String, Position>,
}

impl Walker<'_> {
    /// The pointer and position of the node that starts at `mark`, consuming a pending key.
    fn child(&mut self, mark: Marker) -> Option<(String, Marker)> {
        let parent = self.path.last().cloned().unwrap_or_else(|| "#".to_owned());
        match self.frames.last_mut() {
            None => Some(("#".to_owned(), mark)),
            Some(Frame::Sequence { next_index }) => {
                let pointer = format!("{parent}/{next_index}");
                *next_index += 1;
                Some((pointer, mark))
            }
            Some(Frame::Mapping {
                pending_key,
                key_mark,
            }) => {
                let key = pending_key.take()?;
                let at = key_mark.take().unwrap_or(mark);
                Some((format!("{parent}/{}", escape_segment(&key)), at))
            }
        }
    }

    fn record(&mut self, pointer: &str, mark: Marker) {
        if self.wanted.contains(pointer) {
            self.found.entry(pointer.to_owned()).or_insert(Position {
                line: mark.line(),
                column: mark.col() + 1,
            });
        }
    }

    fn open(&mut self, mark: Marker, frame: Frame) {
        let (pointer, at) = self.child(mark).unwrap_or_else(|| ("#".to_owned(), mark));
        self.record(&pointer, at);
        self.path.push(pointer);
        self.frames.push(frame);
    }
}

impl MarkedEventReceiver for Walker<'_> {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::MappingStart(..) => self.open(
                mark,
                Frame::Mapping {
                    pending_key: None,
                    key_mark: None,
                },
            ),
            Event::SequenceStart(..) => self.open(mark, Frame::Sequence { next_index: 0 }),
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                self.path.pop();
            }
            Event::Scalar(value, ..) => {
                if let Some(Frame::Mapping {
                    pending_key: pending @ None,
                    key_mark,
                }) = self.frames.last_mut()
                {
                    *pending = Some(value);
                    *key_mark = Some(mark);
                } else if let Some((pointer, at)) = self.child(mark) {
                    self.record(&pointer, at);
                }
            }
            Event::Alias(_) => {
                self.child(mark);
            }
            _ => {}
        }
    }
}

/// Finds the position of each wanted pointer; a pointer that is not in the text (a synthesized
/// one) gets the position of its nearest ancestor that is.
pub fn locate(source: &str, wanted: &BTreeSet<String>) -> BTreeMap<String, Position> {
    let mut prefixes = BTreeSet::new();
    for pointer in wanted {
        let mut p = pointer.as_str();
        prefixes.insert(p.to_owned());
        while let Some(cut) = p.rfind('/') {
            p = &p[..cut];
            prefixes.insert(p.to_owned());
        }
    }
    let mut walker = Walker {
        wanted: &prefixes,
        path: Vec::new(),
        frames: Vec::new(),
        found: BTreeMap::new(),
    };
    // A syntax error only stops the walk early; positions found so far are still right.
    let _ = Parser::new_from_str(source).load(&mut walker, false);
    let mut out = BTreeMap::new();
    for pointer in wanted {
        let mut p = pointer.as_str();
        loop {
            if let Some(pos) = walker.found.get(p) {
                out.insert(pointer.clone(), *pos);
                break;
            }
            match p.rfind('/') {
                Some(cut) => p = &p[..cut],
                None => break,
            }
        }
    }
    out
}

/// Fills in file name and position of every diagnostic that has a pointer but no position.
pub fn annotate(diagnostics: &mut Diagnostics, file: &str, source: &str) {
    let wanted: BTreeSet<String> = diagnostics
        .0
        .iter()
        .filter(|d| d.position.is_none() && !d.pointer.is_empty())
        .map(|d| d.pointer.clone())
        .collect();
    let found = if wanted.is_empty() {
        BTreeMap::new()
    } else {
        locate(source, &wanted)
    };
    for d in &mut diagnostics.0 {
        if d.file.is_empty() {
            d.file = file.to_owned();
        }
        if d.position.is_none() {
            d.position = found.get(&d.pointer).copied();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_and_items() {
        let text = "openapi: 3.0.0\npaths:\n  /organization:\n    post:\n      tags:\n        - A\n        - B\n";
        let wanted: BTreeSet<String> = [
            "#/paths/~1organization/post",
            "#/paths/~1organization/post/tags/1",
            "#/paths/~1organization/post/nope/x",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let found = locate(text, &wanted);
        assert_eq!(
            found["#/paths/~1organization/post"],
            Position { line: 4, column: 5 }
        );
        assert_eq!(
            found["#/paths/~1organization/post/tags/1"],
            Position {
                line: 7,
                column: 11
            }
        );
        assert_eq!(
            found["#/paths/~1organization/post/nope/x"],
            Position { line: 4, column: 5 }
        );
    }

    #[test]
    fn works_on_json() {
        let text = "{\n  \"paths\": {\n    \"/a\": {\"get\": {}}\n  }\n}\n";
        let wanted: BTreeSet<String> = ["#/paths/~1a/get".to_owned()].into_iter().collect();
        let found = locate(text, &wanted);
        assert_eq!(found["#/paths/~1a/get"].line, 3);
    }
}
