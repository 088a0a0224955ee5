//! What each spot of an OpenAPI document holds (a schema, a parameter, ...), for the walks over
//! the untyped YAML tree that happen before `openapiv3` reads it.

use serde_yaml::Value;

use super::Version;
use crate::diagnostics::escape_segment;

/// What a spot in the document holds, as far as references care: it decides which
/// `components` section an external object is copied into, and where `$ref`s are looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    /// The root of a Swagger 2.0 document (`definitions`, `parameters`, `responses` at the top).
    Root2,
    Components,
    Paths,
    PathItem,
    Operation,
    /// A list (in operations) or a map (in `components`) of parameters.
    Parameters,
    Parameter,
    RequestBodies,
    RequestBody,
    Responses,
    Response,
    Headers,
    Header,
    MediaTypes,
    MediaType,
    Encodings,
    Encoding,
    Examples,
    Example,
    /// A map or list of schemas (`properties`, `allOf`, `components/schemas`).
    Schemas,
    Schema,
    /// `info`, the list of `tags` and one tag: searched only for descriptions given by `$ref`.
    Info,
    Tags,
    Tag,
    /// A description: text, which some split specs keep in a file of its own (`$ref: intro.md`).
    Text,
    /// An operation's (or `components`') map of callbacks; each callback maps runtime
    /// expressions to path items, as `paths` maps templates to them.
    Callbacks,
    /// OpenAPI 3.2 `additionalOperations`: method names to operations.
    Operations,
    /// Anything else (example values, extensions, links): not searched for `$ref`s.
    Opaque,
}

impl Kind {
    /// The kind of the value under `key` inside a value of this kind.
    pub(crate) fn child(self, key: &str) -> Kind {
        use Kind::*;
        match (self, key) {
            // In maps keyed by names (headers, properties, ...) `x-` starts a name, not an
            // extension.
            (
                Headers | Schemas | Encodings | Examples | Parameters | RequestBodies | Callbacks
                | Operations,
                _,
            ) => self.entry(),
            (_, k) if k.starts_with("x-") => Opaque,
            (Root | Root2, "info") => Info,
            (Root | Root2, "tags") => Tags,
            (Tags, _) => Tag,
            (
                Info | Tag | PathItem | Operation | Parameter | RequestBody | Response | Header
                | Schema,
                "description",
            ) => Text,
            // Swagger 2.0 shapes: root-level maps of reusable objects, and a `schema` right under
            // a response (2.0 has no `content`).
            (Root2, "definitions") => Schemas,
            (Root2, "parameters") => Parameters,
            (Root2, "responses") => Responses,
            (Root2, "paths") => Paths,
            (Response, "schema") => Schema,
            (Root, "paths" | "webhooks") => Paths,
            (Components, "pathItems") => Paths,
            (Components | Operation, "callbacks") => Callbacks,
            (PathItem, "query") => Operation,
            (PathItem, "additionalOperations") => Operations,
            (MediaType, "itemSchema") => Schema,
            (Root, "components") => Components,
            (Components, "schemas") => Schemas,
            (Components, "parameters") => Parameters,
            (Components, "requestBodies") => RequestBodies,
            (Components, "responses") => Responses,
            (Components, "headers") => Headers,
            (Components, "examples") => Examples,
            (Paths, _) => PathItem,
            (PathItem | Operation, "parameters") => Parameters,
            (
                PathItem,
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace",
            ) => Operation,
            (Operation, "requestBody") => RequestBody,
            (Operation, "responses") => Responses,
            (Parameter | Header | MediaType, "schema") => Schema,
            (Parameter | Header | RequestBody | Response, "content") => MediaTypes,
            (Parameter | Header | MediaType, "examples") => Examples,
            (Response | Encoding, "headers") => Headers,
            (Responses, _) => Response,
            (MediaTypes, _) => MediaType,
            (MediaType, "encoding") => Encodings,
            (
                Schema,
                "properties" | "allOf" | "oneOf" | "anyOf" | "$defs" | "definitions"
                | "patternProperties" | "dependentSchemas" | "prefixItems",
            ) => Schemas,
            (
                Schema,
                "items"
                | "additionalProperties"
                | "not"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "additionalItems"
                | "contains"
                | "if"
                | "then"
                | "else",
            ) => Schema,
            _ => Opaque,
        }
    }

    /// The kind of each entry of a map (or list) of this kind.
    fn entry(self) -> Kind {
        match self {
            Kind::Headers => Kind::Header,
            Kind::Schemas => Kind::Schema,
            Kind::Encodings => Kind::Encoding,
            Kind::Examples => Kind::Example,
            Kind::Parameters => Kind::Parameter,
            Kind::RequestBodies => Kind::RequestBody,
            Kind::Callbacks => Kind::Paths,
            Kind::Operations => Kind::Operation,
            other => other,
        }
    }

    /// The kind of a document's root in `version`.
    pub(crate) fn root(version: Version) -> Kind {
        match version {
            Version::Swagger2 => Kind::Root2,
            Version::V30 | Version::V31 | Version::V32 => Kind::Root,
        }
    }

    /// The section that a `$ref` found at this kind points into, in a document of `version`:
    /// a `components` section in 3.x, a root-level map in Swagger 2.0.
    pub(crate) fn section_for(self, version: Version) -> Option<&'static str> {
        match (version, self) {
            (Version::Swagger2, Kind::Schema) => Some("definitions"),
            (Version::Swagger2, Kind::Parameter) => Some("parameters"),
            (Version::Swagger2, Kind::Response) => Some("responses"),
            (Version::Swagger2, _) => None,
            (Version::V30 | Version::V31 | Version::V32, _) => self.section(),
        }
    }

    /// The `components` section that a `$ref` found at this kind points into.
    pub(crate) fn section(self) -> Option<&'static str> {
        match self {
            Kind::Schema => Some("schemas"),
            Kind::Parameter => Some("parameters"),
            Kind::RequestBody => Some("requestBodies"),
            Kind::Response => Some("responses"),
            Kind::Header => Some("headers"),
            Kind::Example => Some("examples"),
            _ => None,
        }
    }
}

/// Deeper documents are refused by the YAML parser already; this bounds the walk on its own.
const MAX_DEPTH: usize = 512;

/// Calls `visit` on every schema under `value` (a value of `kind`), children before their parent,
/// with the schema's JSON pointer. A boolean that stands for a schema is visited too, except
/// under `additionalProperties` and `unevaluatedProperties`, where a boolean keeps its 3.0 meaning.
pub(crate) fn visit_schemas(
    value: &mut Value,
    kind: Kind,
    visit: &mut dyn FnMut(&mut Value, &str),
) {
    visit_kinds(value, kind, &mut |value, kind, pointer| {
        if kind == Kind::Schema {
            visit(value, pointer);
        }
    });
}

/// Calls `visit` on every value under `value` (a value of `kind`) that is not opaque, children
/// before their parent, with its kind and JSON pointer (the same walk as [`visit_schemas`]).
pub(crate) fn visit_kinds(
    value: &mut Value,
    kind: Kind,
    visit: &mut dyn FnMut(&mut Value, Kind, &str),
) {
    let mut pointer = String::from("#");
    walk(value, kind, &mut pointer, 0, visit);
}

fn walk(
    value: &mut Value,
    kind: Kind,
    pointer: &mut String,
    depth: usize,
    visit: &mut dyn FnMut(&mut Value, Kind, &str),
) {
    if depth > MAX_DEPTH || kind == Kind::Opaque {
        return;
    }
    let mut descend =
        |key: &str, child: &mut Value, visit: &mut dyn FnMut(&mut Value, Kind, &str)| {
            let child_kind = kind.child(key);
            let length = pointer.len();
            pointer.push('/');
            pointer.push_str(&escape_segment(key));
            walk(child, child_kind, pointer, depth + 1, visit);
            pointer.truncate(length);
        };
    match value {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                let key = match key {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => continue,
                };
                if kind == Kind::Schema
                    && child.is_bool()
                    && matches!(
                        key.as_str(),
                        "additionalProperties" | "unevaluatedProperties"
                    )
                {
                    continue;
                }
                descend(&key, child, visit);
            }
        }
        Value::Sequence(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                descend(&index.to_string(), child, visit);
            }
        }
        Value::Tagged(tagged) => walk(&mut tagged.value, kind, pointer, depth, visit),
        _ => {}
    }
    visit(value, kind, pointer);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_document_shape() {
        let k = Kind::Root.child("paths").child("/a").child("get");
        assert_eq!(
            k.child("parameters").child("0").section(),
            Some("parameters")
        );
        assert_eq!(k.child("requestBody").section(), Some("requestBodies"));
        let response = k.child("responses").child("200");
        assert_eq!(response.section(), Some("responses"));
        let schema = response
            .child("content")
            .child("application/json")
            .child("schema");
        assert_eq!(
            schema.child("properties").child("x").section(),
            Some("schemas")
        );
        assert_eq!(schema.child("example"), Kind::Opaque);
        // A header or a property named `x-...` is a name, not an extension.
        assert_eq!(response.child("headers").child("x-rate"), Kind::Header);
        assert_eq!(schema.child("properties").child("x-id"), Kind::Schema);
        assert_eq!(response.child("x-note"), Kind::Opaque);
        assert_eq!(schema.child("$defs").child("a").section(), Some("schemas"));
    }

    #[test]
    fn swagger2_kinds_follow_the_2_0_shape() {
        let v2 = Version::Swagger2;
        let root = Kind::root(v2);
        let op = root.child("paths").child("/a").child("get");
        let param = op.child("parameters").child("0");
        assert_eq!(param.section_for(v2), Some("parameters"));
        assert_eq!(param.child("schema").section_for(v2), Some("definitions"));
        let response = op.child("responses").child("200");
        assert_eq!(response.section_for(v2), Some("responses"));
        assert_eq!(
            response.child("schema").section_for(v2),
            Some("definitions")
        );
        let definition = root.child("definitions").child("Pet");
        assert_eq!(
            definition.child("properties").child("x").section_for(v2),
            Some("definitions")
        );
        assert_eq!(
            root.child("parameters").child("p").section_for(v2),
            Some("parameters")
        );
        assert_eq!(
            root.child("responses").child("r").section_for(v2),
            Some("responses")
        );
        assert_eq!(root.child("components"), Kind::Opaque);
    }
}
