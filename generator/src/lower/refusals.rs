//! Decides how the router answers the requests it refuses itself (`400`, `401`, `413`, `415`,
//! and the `404`/`405` of unknown paths and methods), in the shape the description documents:
//! runs after lowering, over the IR, and builds each refusal's body at generation time.
//!
//! The rule, per operation and refused status: the response documented for that status, else a
//! `4XX` range, else `default` (each answered with the refused status); else another documented
//! 4xx answers in its place (`400` first, else the lowest); else, when the operation documents
//! no 4xx and no `default`, the router's own shape. A `404` or `405` reaches no operation: it
//! uses the error response most operations' `400`s use. The body is a value built to the
//! schema; the message goes to a free-text field found by name, a status or code field gets the
//! status (or the best-matching value of its enum), and a response whose schema has no field for
//! the message is a warning naming it.

use std::collections::{BTreeMap, BTreeSet};

/// Error schemas that cannot carry the message, by shape: the first response's pointer, the
/// refusals that use it, and how many responses do.
type Unmapped = BTreeMap<String, (String, BTreeSet<u16>, BTreeSet<String>)>;

use serde_json::Value;

use crate::diagnostics::{catalog, Diagnostics};
use crate::ir::{Api, Media, Operation, Refusal, Response, StatusMatch, Type};
use crate::values::Builder;

/// The statuses an operation's handler can refuse with, and whether it can for `op`.
const OPERATION_REFUSALS: [u16; 4] = [400, 401, 413, 415];

/// Field names that carry a refusal's message, best first (compared without case, `_` or `-`).
const MESSAGE_FIELDS: &[&str] = &[
    "message",
    "errormessage",
    "msg",
    "detail",
    "details",
    "errordescription",
    "description",
    "reason",
    "title",
    "error",
    "text",
    "summary",
];

/// Field names that carry a status or an error code.
const CODE_FIELDS: &[&str] = &[
    "status",
    "statuscode",
    "httpstatus",
    "httpstatuscode",
    "httpcode",
    "code",
    "errorcode",
    "error",
    "type",
    "errortype",
    "kind",
];

/// How deep in the body a message or code field is looked for (`error.message` is depth 2).
const MAX_FIELD_DEPTH: usize = 3;

/// A message as long as the router's longest, with the characters they hold: a field that
/// accepts it carries free text.
const PROBE: &str = "the request breaks at least 20 schema constraints: `query.x` (minLength) and `body/a~1b/0` [\"a\", 1]; missing credentials: this operation needs `api_key` or `bearer`, invalid JSON body: expected value at line 1 column 1";

/// Sets every operation's `refusals` (webhooks' and callbacks' too) and the API's, warning once
/// per response that cannot carry the message.
pub fn plan(api: &mut Api, warnings: &mut Diagnostics) {
    let builder = Builder::new(api);
    let mut unmapped = Unmapped::new();
    // Many operations share an error response: each is built once per refusal.
    let mut built: BTreeMap<(String, u16, u16), Refusal> = BTreeMap::new();
    let lists = [&api.operations, &api.webhooks, &api.callbacks];
    let planned: Vec<Vec<Vec<Refusal>>> = lists
        .iter()
        .map(|ops| {
            ops.iter()
                .map(|op| refusals_of(&builder, op, &mut unmapped, &mut built))
                .collect()
        })
        .collect();
    // The error response most operations refuse a `400` with: (count, operation, response).
    let mut shapes: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (index, op) in api.operations.iter().enumerate() {
        if let Some((response, _)) = documented_for(op, 400) {
            let entry =
                shapes
                    .entry(shape_key(response))
                    .or_insert((0, index, position(op, response)));
            entry.0 += 1;
        }
    }
    let fallback = shapes
        .values()
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, op, response)| {
            let response = &api.operations[*op].responses[*response];
            [404, 405]
                .into_iter()
                .map(|refused| build(&builder, response, refused, refused))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    // One warning per error schema, at the first response using it.
    for (pointer, statuses, places) in unmapped.into_values() {
        let statuses: Vec<String> = statuses.iter().map(u16::to_string).collect();
        let mut warning = catalog::refusal_without_message(&pointer, &statuses.join(", "));
        if places.len() > 1 {
            let hint = warning.hint.take().unwrap_or_default();
            let elsewhere = catalog::same_elsewhere(places.len() - 1);
            warning.hint = Some(format!("{hint}; {elsewhere}"));
        }
        warnings.push(warning);
    }
    let [operations, webhooks, callbacks]: [Vec<Vec<Refusal>>; 3] = planned
        .try_into()
        .expect("one list of refusals per list of operations");
    for (ops, refusals) in [
        (&mut api.operations, operations),
        (&mut api.webhooks, webhooks),
        (&mut api.callbacks, callbacks),
    ] {
        for (op, refusals) in ops.iter_mut().zip(refusals) {
            op.refusals = refusals;
        }
    }
    api.refusals = fallback;
}

/// One operation's refusals, noting the responses that cannot carry the message.
fn refusals_of(
    builder: &Builder<'_>,
    op: &Operation,
    unmapped: &mut Unmapped,
    built: &mut BTreeMap<(String, u16, u16), Refusal>,
) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    for refused in OPERATION_REFUSALS {
        let applies = match refused {
            401 => !op.security.is_empty() && op.security.iter().all(|s| !s.is_empty()),
            415 => op.body.is_some(),
            _ => true,
        };
        if !applies {
            continue;
        }
        let Some((response, status)) = documented_for(op, refused) else {
            continue;
        };
        let key = (
            format!("{} {:?}", shape_key(response), response.headers),
            refused,
            status,
        );
        let mut refusal = built
            .entry(key)
            .or_insert_with(|| build(builder, response, refused, status))
            .clone();
        refusal.response = response_key(response);
        if refusal.body.as_ref().is_some_and(Value::is_object) && refusal.message.is_empty() {
            let pointer = response_pointer(op, response);
            let (_, statuses, places) = unmapped
                .entry(shape_key(response))
                .or_insert_with(|| (pointer.clone(), BTreeSet::new(), BTreeSet::new()));
            statuses.insert(refused);
            places.insert(pointer);
        }
        refusals.push(refusal);
    }
    refusals
}

/// The response a refusal with status `refused` uses, and the status it answers with.
pub fn documented_for(op: &Operation, refused: u16) -> Option<(&Response, u16)> {
    let first = |wanted: &dyn Fn(StatusMatch) -> bool| {
        op.responses
            .iter()
            .find(|r| !r.alternative && wanted(r.status))
    };
    if let Some(r) = first(&|s| s == StatusMatch::Code(refused)) {
        return Some((r, refused));
    }
    if let Some(r) = first(&|s| s == StatusMatch::Range(4)) {
        return Some((r, refused));
    }
    if let Some(r) = first(&|s| s == StatusMatch::Default) {
        return Some((r, refused));
    }
    if let Some(r) = first(&|s| s == StatusMatch::Code(400)) {
        return Some((r, 400));
    }
    let other = op
        .responses
        .iter()
        .filter(|r| !r.alternative)
        .filter_map(|r| match r.status {
            StatusMatch::Code(code @ 400..=499) => Some((code, r)),
            _ => None,
        })
        .min_by_key(|(code, _)| *code)?;
    Some((other.1, other.0))
}

fn position(op: &Operation, response: &Response) -> usize {
    op.responses
        .iter()
        .position(|r| std::ptr::eq(r, response))
        .unwrap_or(0)
}

fn shape_key(response: &Response) -> String {
    match &response.body {
        Some(body) => format!(
            "{} {:?} {:?} {:?}",
            body.content_type, body.media, body.ty, body.check
        ),
        None => String::new(),
    }
}

fn response_pointer(op: &Operation, response: &Response) -> String {
    format!("{}/responses/{}", op.pointer, response_key(response))
}

/// The key the description documents the response under (`400`, `4XX`, `default`).
pub fn response_key(response: &Response) -> String {
    match response.status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(hundreds) => format!("{hundreds}XX"),
        StatusMatch::Default => "default".to_owned(),
    }
}

/// The refusal `refused` answered with `status` in the shape of `response`.
fn build(builder: &Builder<'_>, response: &Response, refused: u16, status: u16) -> Refusal {
    let headers = response
        .headers
        .iter()
        .filter(|h| h.required)
        .map(|h| {
            (
                h.wire_name.clone(),
                header_text(&builder.build(&h.ty, h.check)),
            )
        })
        .collect();
    let mut refusal = Refusal {
        refused,
        status,
        response: response_key(response),
        content_type: String::new(),
        body: None,
        json: false,
        message: Vec::new(),
        headers,
    };
    let Some(body) = &response.body else {
        return refusal;
    };
    refusal.content_type = body.content_type.clone();
    match body.media {
        Media::Json => {
            let mut value = builder.build(&body.ty, body.check);
            let node = body.check.unwrap_or(0);
            if let Some(pointer) = message_field(builder, &body.ty, node, &value) {
                refusal.message.push(pointer);
            }
            fill_codes(builder, &body.ty, node, &mut value, refused, status);
            refusal.body = Some(value);
            refusal.json = true;
        }
        // The message is the whole body.
        Media::Text => {
            refusal.body = Some(Value::from(""));
            refusal.message.push(String::new());
        }
        // A body the router cannot write in its shape: the documented media type, empty.
        _ => {}
    }
    refusal
}

/// Header text for a built value: strings as they are, arrays joined with commas.
fn header_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(header_text).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Every string field of `value` (down to [`MAX_FIELD_DEPTH`]), as (key path, depth).
fn string_fields(value: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let Value::Object(map) = value else { return };
    if path.len() >= MAX_FIELD_DEPTH {
        return;
    }
    for (key, child) in map {
        path.push(key.clone());
        match child {
            Value::String(_) | Value::Number(_) => out.push(path.clone()),
            Value::Object(_) => string_fields(child, path, out),
            _ => {}
        }
        path.pop();
    }
}

fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn pointer_of(path: &[String]) -> String {
    path.iter()
        .map(|key| format!("/{}", key.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// The pointer of the field that takes the message, found by name among the string fields that
/// accept free text (nearest the top first); the value is left as built.
fn message_field(builder: &Builder<'_>, ty: &Type, node: u32, value: &Value) -> Option<String> {
    let mut fields = Vec::new();
    string_fields(value, &mut Vec::new(), &mut fields);
    let rank = |path: &Vec<String>| {
        let name = normalized(path.last().map_or("", String::as_str));
        MESSAGE_FIELDS
            .iter()
            .position(|known| *known == name)
            .map(|p| (path.len(), p))
    };
    let mut ranked: Vec<((usize, usize), Vec<String>)> = fields
        .into_iter()
        .filter_map(|path| rank(&path).map(|r| (r, path)))
        .collect();
    ranked.sort();
    for (_, path) in ranked {
        let pointer = pointer_of(&path);
        if !matches!(value.pointer(&pointer), Some(Value::String(_))) {
            continue;
        }
        let mut probe = value.clone();
        if let Some(slot) = probe.pointer_mut(&pointer) {
            *slot = Value::from(PROBE);
        }
        if builder.violation_of(Some(node), &probe).is_none()
            && field_is_free(builder, ty, node, &path)
        {
            return Some(pointer);
        }
    }
    None
}

/// Whether the field at `path` has no enum (a free-text field takes any message).
fn field_is_free(builder: &Builder<'_>, ty: &Type, node: u32, path: &[String]) -> bool {
    let mut here = (ty.clone(), node);
    for key in path {
        match builder.child(&here.0, here.1, key) {
            Some(next) => here = next,
            None => return true,
        }
    }
    builder.enum_values(&here.0, here.1).is_empty()
}

/// Sets the fields named like a status or code: the status where they take a number (or its
/// text), the best-matching value where they list values, the reason phrase elsewhere; each
/// change is kept only when the body still satisfies the schema.
fn fill_codes(
    builder: &Builder<'_>,
    ty: &Type,
    node: u32,
    value: &mut Value,
    refused: u16,
    status: u16,
) {
    let mut fields = Vec::new();
    string_fields(value, &mut Vec::new(), &mut fields);
    for path in fields {
        let name = normalized(path.last().map_or("", String::as_str));
        if !CODE_FIELDS.contains(&name.as_str()) {
            continue;
        }
        let pointer = pointer_of(&path);
        let mut here = Some((ty.clone(), node));
        for key in &path {
            here = here.and_then(|(t, n)| builder.child(&t, n, key));
        }
        let listed = here
            .as_ref()
            .map(|(t, n)| builder.enum_values(t, *n))
            .unwrap_or_default();
        let current = value.pointer(&pointer).cloned();
        let candidates: Vec<Value> = if !listed.is_empty() {
            best_match(&listed, refused, status).into_iter().collect()
        } else {
            match &current {
                Some(Value::Number(_)) => vec![Value::from(status)],
                Some(Value::String(_)) if name.contains("status") || name.contains("code") => {
                    vec![
                        Value::from(status.to_string()),
                        Value::from(reason(refused)),
                    ]
                }
                Some(Value::String(_)) => vec![Value::from(reason(refused))],
                _ => Vec::new(),
            }
        };
        for candidate in candidates {
            let mut trial = value.clone();
            if let Some(slot) = trial.pointer_mut(&pointer) {
                *slot = candidate;
            }
            if builder.violation_of(Some(node), &trial).is_none() {
                *value = trial;
                break;
            }
        }
    }
}

/// Words that describe each refusal, best first.
fn keywords(refused: u16) -> &'static [&'static str] {
    match refused {
        400 => &[
            "bad",
            "request",
            "invalid",
            "validation",
            "malformed",
            "parameter",
            "argument",
            "input",
        ],
        401 => &[
            "unauthorized",
            "unauthenticated",
            "authentication",
            "credentials",
            "credential",
            "auth",
            "token",
            "login",
            "unauthorised",
        ],
        403 => &["forbidden", "denied", "permission", "authorization"],
        404 => &["not", "found", "notfound", "unknown", "missing", "resource"],
        405 => &["method", "allowed", "unsupported", "not"],
        413 => &[
            "large", "too", "payload", "size", "entity", "limit", "length",
        ],
        415 => &["unsupported", "media", "type", "content", "format"],
        _ => &[],
    }
}

/// The listed value that best describes the refusal: its status as a number or text, else the
/// most words in common with the refusal's (an earlier word counts more); the first on a tie,
/// and `None` when no value says anything about it.
fn best_match(listed: &[Value], refused: u16, status: u16) -> Option<Value> {
    if let Some(exact) = listed.iter().find(|v| {
        v.as_u64() == Some(u64::from(status)) || v.as_str() == Some(status.to_string().as_str())
    }) {
        return Some(exact.clone());
    }
    let words = keywords(refused);
    let score = |value: &Value| -> usize {
        let Some(text) = value.as_str() else { return 0 };
        let tokens = tokens(text);
        let mut score = 0;
        for (rank, word) in words.iter().enumerate() {
            if tokens.iter().any(|t| t == word) {
                score += words.len() - rank + 1;
            }
        }
        if tokens.iter().any(|t| t == "error" || t == "client") {
            score += 1;
        }
        score
    };
    let (best, points) =
        listed
            .iter()
            .map(|v| (v, score(v)))
            .fold(
                (None, 0),
                |(best, top), (v, s)| {
                    if s > top {
                        (Some(v), s)
                    } else {
                        (best, top)
                    }
                },
            );
    if points > 0 {
        best.cloned()
    } else {
        None
    }
}

/// A text's words, lowercased: split at anything not a letter or digit and where a lowercase
/// letter meets an uppercase one.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The status's reason phrase.
fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::{best_match, tokens};
    use serde_json::json;

    #[test]
    fn the_enum_value_that_says_most_about_the_refusal_wins() {
        let listed = [
            json!("invalid_authentication"),
            json!("invalid_authorization"),
        ];
        assert_eq!(
            best_match(&listed, 401, 401),
            Some(json!("invalid_authentication"))
        );
        let listed = [json!("NotFound"), json!("BadRequest"), json!("Conflict")];
        assert_eq!(best_match(&listed, 400, 400), Some(json!("BadRequest")));
        assert_eq!(best_match(&listed, 404, 404), Some(json!("NotFound")));
        assert_eq!(
            best_match(&[json!(404), json!(400)], 400, 400),
            Some(json!(400))
        );
        assert_eq!(best_match(&[json!("alpha"), json!("beta")], 400, 400), None);
        assert_eq!(tokens("invalidAuthToken"), ["invalid", "auth", "token"]);
    }
}
