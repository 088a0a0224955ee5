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
    /// The wanted pointers and all their ancestors.
    wanted: &'a BTreeSet<String>,
    /// The wanted pointers themselves, and how many of them are still to be found.
    targets: &'a BTreeSet<String>,
    remaining: usize,
    /// Pointer of each open container (`path[0]` is `#`), or `None` for a container that holds
    /// nothing wanted: its descendants' pointers are never built, which keeps the walk cheap.
    path: Vec<Option<String>>,
    frames: Vec<Frame>,
    found: BTreeMap<String, Position>,
}

impl Walker<'_> {
    /// The pointer (when it can lead to a wanted one) and position of the node that starts at
    /// `mark`, consuming a pending key; `None` when a mapping key is still to come.
    fn child(&mut self, mark: Marker) -> Option<(Option<String>, Marker)> {
        let parent = match self.path.last() {
            Some(Some(parent)) => Some(parent.as_str()),
            Some(None) => None,
            None => Some(""),
        };
        let (pointer, at) = match self.frames.last_mut() {
            None => (Some("#".to_owned()), mark),
            Some(Frame::Sequence { next_index }) => {
                let pointer = parent.map(|p| format!("{p}/{next_index}"));
                *next_index += 1;
                (pointer, mark)
            }
            Some(Frame::Mapping {
                pending_key,
                key_mark,
            }) => {
                let key = pending_key.take()?;
                let at = key_mark.take().unwrap_or(mark);
                (parent.map(|p| format!("{p}/{}", escape_segment(&key))), at)
            }
        };
        Some((pointer.filter(|p| self.wanted.contains(p)), at))
    }

    fn record(&mut self, pointer: &Option<String>, mark: Marker) {
        if let Some(pointer) = pointer {
            if self.found.contains_key(pointer) {
                return;
            }
            let position = Position {
                line: mark.line(),
                column: mark.col() + 1,
            };
            self.found.insert(pointer.clone(), position);
            if self.targets.contains(pointer) {
                self.remaining -= 1;
            }
        }
    }

    fn open(&mut self, mark: Marker, frame: Frame) {
        let (pointer, at) = self.child(mark).unwrap_or((None, mark));
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
        targets: wanted,
        remaining: wanted.len(),
        path: Vec::new(),
        frames: Vec::new(),
        found: BTreeMap::new(),
    };
    // The walk stops once every wanted pointer is found, at the end of the first document, or
    // at a syntax error (positions found so far are still right).
    let mut parser = Parser::new_from_str(source);
    while walker.remaining > 0 {
        match parser.next_token() {
            Ok((Event::DocumentEnd | Event::StreamEnd, _)) | Err(_) => break,
            Ok((event, mark)) => walker.on_event(event, mark),
        }
    }
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

    /// Subtrees that hold nothing wanted are walked without building their pointers, so a
    /// wanted node after them, and one inside a sibling sequence, are still placed right; the
    /// walk stops once everything wanted is found, even before a syntax error further down.
    #[test]
    fn skips_unwanted_subtrees_and_stops_when_done() {
        let text = "a:\n  b: [1, 2, {c: 3}]\n  d:\n    - e: 4\n    - e: 5\nf:\n  g: 6\nbroken: [\n";
        let wanted: BTreeSet<String> = ["#/a/d/1/e", "#/f/g"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let found = locate(text, &wanted);
        assert_eq!(found["#/a/d/1/e"], Position { line: 5, column: 7 });
        assert_eq!(found["#/f/g"], Position { line: 7, column: 3 });
    }
}
