//! Maps JSON pointers back to line:column in the spec text, for diagnostics only.
//!
//! serde_yaml drops positions once a document is deserialized, so this re-reads the text, and
//! only when there is something to report: a JSON document with a reader of its own
//! (`source_map/json.rs`), anything else with yaml-rust2's event parser (`source_map/yaml.rs`).
//! Both hand the same events to one [`Walker`], which follows the pointer of each node.

mod json;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::{escape_segment, Diagnostics, Position};

/// What a reader reports of the document, in order, each with where it starts.
enum Event {
    MappingStart,
    SequenceStart,
    /// The end of the innermost open mapping or sequence.
    End,
    /// A scalar (a mapping key or a value), with its text.
    Scalar(String),
    /// A YAML alias: a value, at no pointer worth recording.
    Alias,
}

/// Where a node starts: the line (from 1) and the column in characters (from 0), as yaml-rust2
/// counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    line: usize,
    col: usize,
}

enum Frame {
    Mapping {
        pending_key: Option<String>,
        key_mark: Option<Mark>,
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
    fn child(&mut self, mark: Mark) -> Option<(Option<String>, Mark)> {
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

    fn record(&mut self, pointer: &Option<String>, mark: Mark) {
        if let Some(pointer) = pointer {
            if self.found.contains_key(pointer) {
                return;
            }
            let position = Position {
                line: mark.line,
                column: mark.col + 1,
            };
            self.found.insert(pointer.clone(), position);
            if self.targets.contains(pointer) {
                self.remaining -= 1;
            }
        }
    }

    fn open(&mut self, mark: Mark, frame: Frame) {
        let (pointer, at) = self.child(mark).unwrap_or((None, mark));
        self.record(&pointer, at);
        self.path.push(pointer);
        self.frames.push(frame);
    }
}

impl Walker<'_> {
    /// Follows one event of the document.
    fn on_event(&mut self, event: Event, mark: Mark) {
        match event {
            Event::MappingStart => self.open(
                mark,
                Frame::Mapping {
                    pending_key: None,
                    key_mark: None,
                },
            ),
            Event::SequenceStart => self.open(mark, Frame::Sequence { next_index: 0 }),
            Event::End => {
                self.frames.pop();
                self.path.pop();
            }
            Event::Scalar(value) => {
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
            Event::Alias => {
                self.child(mark);
            }
        }
    }

    /// Whether every wanted pointer is found, so the reader can stop.
    fn done(&self) -> bool {
        self.remaining == 0
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
    let walker = || Walker {
        wanted: &prefixes,
        targets: wanted,
        remaining: wanted.len(),
        path: Vec::new(),
        frames: Vec::new(),
        found: BTreeMap::new(),
    };
    // A reader stops once every wanted pointer is found, at the end of the first document, or
    // at a syntax error (positions found so far are still right). yaml-rust2 queues every token
    // of a flow mapping, which a JSON document is from end to end (over 300 MB for a 20 MB
    // spec), so JSON has a reader of its own; it gives up on anything but plain JSON, which is
    // then read as YAML.
    let mut json_walker = walker();
    let walker = if json::walk(source, &mut json_walker).is_ok() {
        json_walker
    } else {
        let mut yaml_walker = walker();
        yaml::walk(source, &mut yaml_walker);
        yaml_walker
    };
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
