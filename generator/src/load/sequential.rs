//! OpenAPI 3.2's `itemSchema`: the schema of each item of a sequential media type (server-sent
//! events, JSON Lines, JSON text sequences), put where lowering reads a stream's item type.
//!
//! Real 3.0 and 3.1 documents describe a stream by its media type's `schema`, read as the schema
//! of each event's `data` (or of each line): that is the convention lowering follows. A 3.2
//! `itemSchema` says the same more precisely, so it is brought to that shape: for
//! `text/event-stream` it describes the whole event (`event`, `data`, `id`, `retry`), whose
//! `data` is typed through `contentSchema` when it carries JSON; for the others it describes
//! each item as is.

use serde_yaml::{Mapping, Value};

use super::kind::{visit_kinds, Kind};
use crate::diagnostics::unescape_segment;

/// Rewrites every media type with an `itemSchema` (wherever the description holds media types)
/// so that its `schema` is the schema of one item, as lowering reads it.
pub(crate) fn item_schemas(document: &mut Value) {
    // Most documents have none, and need no copy of their schemas.
    let mut any = false;
    visit_kinds(document, Kind::Root, &mut |value, kind, _| {
        any |= kind == Kind::MediaType && value.get("itemSchema").is_some();
    });
    if !any {
        return;
    }
    let schemas = document
        .get("components")
        .and_then(|c| c.get("schemas"))
        .cloned()
        .unwrap_or(Value::Null);
    visit_kinds(document, Kind::Root, &mut |value, kind, pointer| {
        let (Kind::MediaType, Value::Mapping(media)) = (kind, value) else {
            return;
        };
        let name = unescape_segment(pointer.rsplit('/').next().unwrap_or_default());
        lift_item_schema(&name, media, &schemas);
    });
}

/// Puts the item schema of one media type in its `schema`.
fn lift_item_schema(name: &str, media: &mut Mapping, schemas: &Value) {
    let Some(item) = media.remove("itemSchema") else {
        return;
    };
    let essence = name.split(';').next().unwrap_or(name).trim();
    let schema = if essence.eq_ignore_ascii_case("text/event-stream") {
        event_data(&item, schemas, 0, &mut { MAX_EVENT_SCHEMAS })
    } else {
        item
    };
    media.insert(Value::from("schema"), schema);
}

/// The schema of an event's `data`, from the schema of the whole event: its `data` property's
/// `contentSchema` (the JSON it carries), else the property itself; text when nothing says
/// more. A union of events gives the union of their data.
fn event_data(event: &Value, schemas: &Value, depth: usize, budget: &mut usize) -> Value {
    let event = resolve(event, schemas);
    *budget = budget.saturating_sub(1);
    for keyword in ["oneOf", "anyOf"] {
        // Unions of unions are followed a few levels; past that (or around a `$ref` loop) the
        // event's data is read as text.
        let room = depth < MAX_UNION_DEPTH && *budget > 0;
        if let (Some(Value::Sequence(branches)), true) = (event.get(keyword), room) {
            let data: Vec<Value> = branches
                .iter()
                .map(|b| event_data(b, schemas, depth + 1, budget))
                .collect();
            let mut union = Mapping::new();
            union.insert(Value::from(keyword), Value::Sequence(data));
            return Value::Mapping(union);
        }
    }
    let text = || {
        let mut string = Mapping::new();
        string.insert(Value::from("type"), Value::from("string"));
        Value::Mapping(string)
    };
    let Some(data) = event.get("properties").and_then(|p| p.get("data")) else {
        return text();
    };
    let data = resolve(data, schemas);
    if let Some(content) = data.get("contentSchema") {
        return content.clone();
    }
    match data.get("type").and_then(Value::as_str) {
        Some("string") | None if data.get("properties").is_none() => text(),
        _ => data.clone(),
    }
}

/// How deep unions of event schemas are followed, and how many event schemas one media type's
/// union may visit in all (a union whose branches are the union itself would otherwise grow
/// exponentially with the depth).
const MAX_UNION_DEPTH: usize = 8;
const MAX_EVENT_SCHEMAS: usize = 4096;

/// A local `$ref` to a component schema, followed once; anything else as it is.
fn resolve<'a>(schema: &'a Value, schemas: &'a Value) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| schemas.get(name))
        .unwrap_or(schema)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lifted(yaml: &str) -> Value {
        let mut document: Value = serde_yaml::from_str(yaml).unwrap();
        item_schemas(&mut document);
        document
    }

    #[test]
    fn event_data_is_typed_by_its_content_schema() {
        let document = lifted(
            r##"
paths:
  /chat:
    post:
      responses:
        "200":
          content:
            text/event-stream:
              itemSchema:
                oneOf:
                  - $ref: "#/components/schemas/Delta"
                  - properties:
                      event: {const: ping}
                      data: {type: string}
            application/jsonl:
              itemSchema: {type: integer}
components:
  schemas:
    Delta:
      properties:
        event: {const: delta}
        data:
          contentMediaType: application/json
          contentSchema: {$ref: "#/components/schemas/Chunk"}
"##,
        );
        let content = &document["paths"]["/chat"]["post"]["responses"]["200"]["content"];
        let events = &content["text/event-stream"];
        assert!(events.get("itemSchema").is_none());
        let union = events["schema"]["oneOf"].as_sequence().unwrap();
        assert_eq!(union[0]["$ref"], Value::from("#/components/schemas/Chunk"));
        assert_eq!(union[1]["type"], Value::from("string"));
        assert_eq!(
            content["application/jsonl"]["schema"]["type"],
            Value::from("integer")
        );
    }

    #[test]
    fn a_union_that_contains_itself_ends() {
        let document = lifted(
            "paths:\n  /e:\n    get:\n      responses:\n        '200':\n          content:\n            text/event-stream:\n              itemSchema: {$ref: '#/components/schemas/A'}\ncomponents:\n  schemas:\n    A: {oneOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/A'}]}\n",
        );
        let schema = &document["paths"]["/e"]["get"]["responses"]["200"]["content"]
            ["text/event-stream"]["schema"];
        assert!(schema.get("oneOf").is_some());
    }

    #[test]
    fn schemas_are_not_walked() {
        let yaml = "components:\n  schemas:\n    A:\n      properties:\n        content:\n          properties:\n            x:\n              itemSchema: {type: string}\n";
        assert_eq!(lifted(yaml), serde_yaml::from_str::<Value>(yaml).unwrap());
    }
}
