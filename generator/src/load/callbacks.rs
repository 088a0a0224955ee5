//! Moves each operation's callbacks into `paths`, marked, so that lowering reads their
//! operations like any other and sets them apart, as it does webhooks.
//!
//! A callback maps runtime expressions (`{$request.body#/callbackUrl}`) to path items; the URL is
//! only known at run time, so each path item moves to `/<callback name>` (the route a generated
//! receiver serves it at), marked with its expression. An operation without an `operationId` is
//! named after the operation that declares the callback and the callback
//! (`subscribe` + `onData` -> `subscribe_onData`). A callback or path item given by `$ref` was put
//! in place by the bundler; in a document parsed from memory a local one is put in place here.

use serde_yaml::{Mapping, Value};

use super::{moved_origin, Origin};
use crate::diagnostics::{catalog, escape_segment, join, unescape_segment, Diagnostics};

/// On a path item moved out of a callback: the runtime expression it was written under.
pub(crate) const CALLBACK_MARKER: &str = "x-openapi-gen-callback";

/// The fields of a path item that hold an operation under a method of their own.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// A path item moved out of a callback, before its path is chosen.
struct Moved {
    name: String,
    item: Mapping,
    /// Where the path item is written (a bundled pointer).
    written: String,
}

/// Moves every callback of every operation in `paths` into `paths` (see the module doc).
pub(crate) fn hoist_callbacks(
    document: &mut Value,
    label: &str,
    source: &str,
    origins: &mut Vec<Origin>,
    warnings: &mut Diagnostics,
) {
    let components = |section: &str| {
        document
            .get("components")
            .and_then(|c| c.get(section))
            .and_then(Value::as_mapping)
            .cloned()
            .unwrap_or_default()
    };
    let (callbacks, path_items) = (components("callbacks"), components("pathItems"));
    let Some(Value::Mapping(paths)) = document.get_mut("paths") else {
        return;
    };
    let mut moved: Vec<Moved> = Vec::new();
    for (path, item) in paths.iter_mut() {
        let (Some(path), Value::Mapping(item)) = (path.as_str(), item) else {
            continue;
        };
        let item_pointer = join("#/paths", &[path]);
        for (method, operation, pointer) in operations_of(item, &item_pointer) {
            let Some(Value::Mapping(own)) = operation.remove("callbacks") else {
                continue;
            };
            let parent = match operation.get("operationId").and_then(Value::as_str) {
                Some(id) => id.to_owned(),
                None => synthesized_name(&method, path),
            };
            for (name, callback) in own {
                let Some(name) = name.as_str() else { continue };
                let at = join(&pointer, &["callbacks", name]);
                let Some(callback) = resolve(callback, &callbacks, "callbacks", &at, warnings)
                else {
                    continue;
                };
                let mut items: Vec<(String, Mapping)> = Vec::new();
                for (expression, item) in callback {
                    let Some(expression) = expression.as_str() else {
                        continue;
                    };
                    let written = join(&at, &[expression]);
                    let Some(mut item) =
                        resolve(item, &path_items, "pathItems", &written, warnings)
                    else {
                        continue;
                    };
                    item.insert(Value::from(CALLBACK_MARKER), Value::from(expression));
                    items.push((written, item));
                }
                let count: usize = items
                    .iter_mut()
                    .map(|(written, item)| operations_of(item, written).len())
                    .sum();
                for (written, mut item) in items {
                    for (method, operation, _) in operations_of(&mut item, &written) {
                        if operation.contains_key("operationId") {
                            continue;
                        }
                        let id = match count {
                            1 => format!("{parent}_{name}"),
                            _ => format!("{parent}_{name}_{}", method.to_ascii_lowercase()),
                        };
                        operation.insert(Value::from("operationId"), Value::from(id));
                    }
                    moved.push(Moved {
                        name: name.to_owned(),
                        item,
                        written,
                    });
                }
            }
        }
    }
    for Moved {
        name,
        item,
        written,
    } in moved
    {
        let stem = format!("/{}", name.trim_start_matches('/'));
        let path = std::iter::once(stem.clone())
            .chain((2..).map(|n| format!("{stem}-{n}")))
            .find(|p| !paths.contains_key(p.as_str()))
            .unwrap_or(stem);
        let bundled = join("#/paths", &[&path]);
        let origin = moved_origin(origins, &written, &bundled, label, source);
        origins.push(origin);
        paths.insert(Value::from(path), Value::Mapping(item));
    }
}

/// The operations of a path item: method (upper case for 3.2's `additionalOperations`, as
/// written), the operation and its pointer.
fn operations_of<'a>(
    item: &'a mut Mapping,
    pointer: &str,
) -> Vec<(String, &'a mut Mapping, String)> {
    let mut found = Vec::new();
    for (key, value) in item.iter_mut() {
        let Some(key) = key.as_str() else { continue };
        let Value::Mapping(map) = value else { continue };
        if METHODS.contains(&key) {
            found.push((key.to_owned(), map, join(pointer, &[key])));
        } else if key == "additionalOperations" {
            for (method, value) in map.iter_mut() {
                if let (Some(method), Value::Mapping(operation)) = (method.as_str(), value) {
                    let at = join(pointer, &["additionalOperations", method]);
                    found.push((method.to_owned(), operation, at));
                }
            }
        }
    }
    found
}

/// `POST /subscriptions/{id}` -> `post_subscriptions_id`: the name of an operation without an
/// `operationId`, for naming its callbacks.
fn synthesized_name(method: &str, path: &str) -> String {
    let mut name = method.to_ascii_lowercase();
    for word in path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        name.push('_');
        name.push_str(word);
    }
    name
}

/// A callback or path item, with a local `$ref: '#/components/<section>/<name>'` (left when the
/// document was not bundled) put in place; `None`, with a warning, when the reference names
/// nothing there.
fn resolve(
    value: Value,
    components: &Mapping,
    section: &str,
    pointer: &str,
    warnings: &mut Diagnostics,
) -> Option<Mapping> {
    let Value::Mapping(map) = value else {
        return None;
    };
    let Some(reference) = map.get("$ref").and_then(Value::as_str) else {
        return Some(map);
    };
    let found = reference
        .strip_prefix(&format!("#/components/{section}/"))
        .and_then(|name| components.get(unescape_segment(name)))
        .and_then(Value::as_mapping)
        .filter(|found| !found.contains_key("$ref"));
    if found.is_none() {
        warnings.push(catalog::repaired(
            pointer,
            &format!(
                "`$ref: {reference}` does not name an entry of `#/components/{}`",
                escape_segment(section)
            ),
            "it is ignored",
        ));
    }
    found.cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callbacks_move_into_paths_named_after_their_operation() {
        let mut document: Value = serde_yaml::from_str(
            "paths:\n  /a:\n    post:\n      operationId: subscribe\n      callbacks:\n        onEvent: {$ref: '#/components/callbacks/Event'}\n        lost: {$ref: '#/components/callbacks/Nope'}\n        both:\n          '{$request.body#/url}':\n            $ref: '#/components/pathItems/Both'\ncomponents:\n  callbacks:\n    Event:\n      '{$request.body#/url}':\n        post: {responses: {'200': {description: ok}}}\n  pathItems:\n    Both:\n      put: {responses: {'200': {description: ok}}}\n      delete: {operationId: gone, responses: {'200': {description: ok}}}\n",
        )
        .expect("test YAML");
        let mut origins = Vec::new();
        let mut warnings = Diagnostics::default();
        hoist_callbacks(&mut document, "a.yaml", "", &mut origins, &mut warnings);
        let paths = &document["paths"];
        assert!(paths["/a"]["post"].get("callbacks").is_none());
        let event = &paths["/onEvent"];
        assert_eq!(event[CALLBACK_MARKER], Value::from("{$request.body#/url}"));
        assert_eq!(
            event["post"]["operationId"],
            Value::from("subscribe_onEvent")
        );
        assert_eq!(
            paths["/both"]["put"]["operationId"],
            Value::from("subscribe_both_put")
        );
        assert_eq!(paths["/both"]["delete"]["operationId"], Value::from("gone"));
        assert!(paths.get("/lost").is_none());
        assert_eq!(warnings.0[0].pointer, "#/paths/~1a/post/callbacks/lost");
        assert_eq!(origins[0].bundled, "#/paths/~1onEvent");
        assert_eq!(
            origins[0].pointer,
            "#/paths/~1a/post/callbacks/onEvent/{$request.body#~1url}"
        );
    }
}
