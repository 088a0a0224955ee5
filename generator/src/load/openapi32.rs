//! Brings what OpenAPI 3.2 adds to 3.1 into shapes the 3.0 model holds, around the 3.1
//! normalization (`openapi31.rs`), so that lowering reads a 3.2 document like any other.
//!
//! Operations under methods 3.0 does not know (`query`, `additionalOperations`) move to path
//! items of their own, marked with their method and path; a `querystring` parameter becomes a
//! marked `query` one. A media type's `itemSchema` is lifted into its `schema` by `sequential.rs`.
//! What the generator does not use (tag `parent`/`kind`, `$self`, the device authorization flow,
//! `itemEncoding`, ...) is left for the 3.0 reader to skip; README's "OpenAPI 3.2" table lists it.

use serde_yaml::{Mapping, Value};

use super::kind::{visit_kinds, Kind};
use super::{moved_origin, Origin};
use crate::diagnostics::{catalog, join, Diagnostics};

/// On a path item made for one operation of an extra method: the method, as written.
pub(crate) const METHOD_MARKER: &str = "x-openapi-gen-method";
/// On a path item made for one operation of an extra method: the path it was written under.
pub(crate) const PATH_MARKER: &str = "x-openapi-gen-path";
/// On a `query` parameter that was `in: querystring`: the whole query string is its value.
pub(crate) const QUERYSTRING_MARKER: &str = "x-openapi-gen-querystring";

/// The methods a 3.0 path item holds operations under, as 3.2's `additionalOperations` must not
/// name them.
const FIXED_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// Before the 3.1 normalization: `querystring` parameters become marked `query` ones, and the
/// encodings of sequential bodies, which the generator does not use, are dropped.
pub(crate) fn prepare(document: &mut Value) {
    visit_kinds(document, Kind::Root, &mut |value, kind, _| {
        let Value::Mapping(map) = value else { return };
        match kind {
            Kind::Parameter if map.get("in").and_then(Value::as_str) == Some("querystring") => {
                map.insert(Value::from("in"), Value::from("query"));
                map.insert(Value::from(QUERYSTRING_MARKER), Value::Bool(true));
            }
            Kind::MediaType => {
                map.remove("itemEncoding");
                map.remove("prefixEncoding");
            }
            _ => {}
        }
    });
}

/// After the 3.1 normalization and the hoisting of callbacks: each operation under `query` or
/// `additionalOperations` moves to a path item of its own (`<path>#<METHOD>`, under `get`) that
/// repeats the item's other fields (its parameters, servers, markers) and says which method and
/// path it stands for; its origins point back to where the operation is written.
pub(crate) fn split_methods(
    document: &mut Value,
    label: &str,
    source: &str,
    origins: &mut Vec<Origin>,
    warnings: &mut Diagnostics,
) {
    let Some(Value::Mapping(paths)) = document.get_mut("paths") else {
        return;
    };
    let mut added: Vec<(String, Mapping)> = Vec::new();
    for (path, item) in paths.iter_mut() {
        let (Some(path), Value::Mapping(item)) = (path.as_str(), item) else {
            continue;
        };
        let item_pointer = join("#/paths", &[path]);
        let mut extra: Vec<(String, Value, String)> = Vec::new();
        if let Some(op) = item.remove("query") {
            extra.push(("QUERY".to_owned(), op, join(&item_pointer, &["query"])));
        }
        if let Some(Value::Mapping(more)) = item.remove("additionalOperations") {
            for (method, op) in more {
                let Some(method) = method.as_str() else {
                    continue;
                };
                let at = join(&item_pointer, &["additionalOperations", method]);
                if FIXED_METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                    warnings.push(catalog::unsupported_32(
                        &at,
                        &format!("`additionalOperations` names the method `{method}`, which has a field of its own"),
                        "it is ignored; write the operation under that field",
                    ));
                    continue;
                }
                if !is_token(method) {
                    warnings.push(catalog::unsupported_32(
                        &at,
                        &format!("`{method}` is not an HTTP method name"),
                        "the operation is ignored",
                    ));
                    continue;
                }
                extra.push((method.to_owned(), op, at));
            }
        }
        for (method, op, at) in extra {
            let key = format!("{path}#{method}");
            let mut copy: Mapping = item
                .iter()
                .filter(|(k, _)| {
                    !k.as_str()
                        .is_some_and(|k| FIXED_METHODS.contains(&k) || k == "additionalOperations")
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            copy.insert(Value::from("get"), op);
            copy.insert(Value::from(METHOD_MARKER), Value::from(method.as_str()));
            copy.insert(Value::from(PATH_MARKER), Value::from(path));
            let bundled = join("#/paths", &[&key]);
            let whole = moved_origin(origins, &item_pointer, &bundled, label, source);
            let operation = moved_origin(origins, &at, &join(&bundled, &["get"]), label, source);
            origins.push(whole);
            origins.push(operation);
            added.push((key, copy));
        }
    }
    for (key, item) in added {
        paths.insert(Value::from(key), Value::Mapping(item));
    }
}

/// Whether `name` is an HTTP method token (RFC 9110 `tchar`s).
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).expect("test YAML")
    }

    #[test]
    fn extra_methods_get_path_items_of_their_own() {
        let mut document = yaml(
            "paths:\n  /a:\n    parameters: [{name: x, in: query, schema: {type: string}}]\n    get: {responses: {'200': {description: ok}}}\n    query: {operationId: find, responses: {'200': {description: ok}}}\n    additionalOperations:\n      PURGE: {operationId: purge, responses: {'204': {description: ok}}}\n      GET: {responses: {'200': {description: ok}}}\n      'BAD NAME': {responses: {'200': {description: ok}}}\n",
        );
        let mut origins = Vec::new();
        let mut warnings = Diagnostics::default();
        split_methods(&mut document, "a.yaml", "", &mut origins, &mut warnings);
        let paths = &document["paths"];
        assert!(paths["/a"].get("query").is_none());
        assert!(paths["/a"].get("get").is_some());
        let query = &paths["/a#QUERY"];
        assert_eq!(query["get"]["operationId"], Value::from("find"));
        assert_eq!(query[METHOD_MARKER], Value::from("QUERY"));
        assert_eq!(query[PATH_MARKER], Value::from("/a"));
        assert!(query.get("parameters").is_some());
        assert_eq!(
            paths["/a#PURGE"]["get"]["operationId"],
            Value::from("purge")
        );
        assert_eq!(warnings.len(), 2);
        assert_eq!(origins[1].bundled, "#/paths/~1a#QUERY/get");
        assert_eq!(origins[1].pointer, "#/paths/~1a/query");
    }

    #[test]
    fn querystring_parameters_and_item_schemas() {
        let mut document = yaml(
            "paths:\n  /a:\n    get:\n      parameters: [{name: q, in: querystring, content: {application/x-www-form-urlencoded: {schema: {type: object}}}}]\n      responses:\n        '200':\n          description: ok\n          content:\n            text/event-stream: {itemSchema: {type: object}, itemEncoding: {contentType: text/plain}}\n",
        );
        prepare(&mut document);
        super::super::sequential::item_schemas(&mut document);
        let op = &document["paths"]["/a"]["get"];
        assert_eq!(op["parameters"][0]["in"], Value::from("query"));
        assert_eq!(op["parameters"][0][QUERYSTRING_MARKER], Value::Bool(true));
        let media = &op["responses"]["200"]["content"]["text/event-stream"];
        assert!(media.get("itemSchema").is_none());
        assert!(media.get("itemEncoding").is_none());
        // An event whose schema says nothing of its `data` carries text.
        assert_eq!(media["schema"]["type"], Value::from("string"));
    }
}
