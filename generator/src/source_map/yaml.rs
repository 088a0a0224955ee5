//! Reads a YAML document's events, with their positions, for the source map's walker.

use yaml_rust2::parser::{Event as YamlEvent, Parser};

use super::{Event, Mark, Walker};

/// Walks `source` with yaml-rust2's event parser until the walker has found everything, the first
/// document ends, or the text stops being YAML.
pub(super) fn walk(source: &str, walker: &mut Walker<'_>) {
    let mut parser = Parser::new_from_str(source);
    while !walker.done() {
        let (event, mark) = match parser.next_token() {
            Ok((YamlEvent::DocumentEnd | YamlEvent::StreamEnd, _)) | Err(_) => break,
            Ok(next) => next,
        };
        let event = match event {
            YamlEvent::MappingStart(..) => Event::MappingStart,
            YamlEvent::SequenceStart(..) => Event::SequenceStart,
            YamlEvent::MappingEnd | YamlEvent::SequenceEnd => Event::End,
            YamlEvent::Scalar(value, ..) => Event::Scalar(value),
            YamlEvent::Alias(_) => Event::Alias,
            _ => continue,
        };
        let mark = Mark {
            line: mark.line(),
            col: mark.col(),
        };
        walker.on_event(event, mark);
    }
}
