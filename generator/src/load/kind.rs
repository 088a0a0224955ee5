//! What each spot of an OpenAPI document holds (a schema, a parameter, ...), for the walks over
//! the untyped YAML tree that happen before `openapiv3` reads it.

/// What a spot in the document holds, as far as references care: it decides which
/// `components` section an external object is copied into, and where `$ref`s are looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
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
    /// Anything else (example values, extensions, callbacks, links): not searched for `$ref`s.
    Opaque,
}

impl Kind {
    /// The kind of the value under `key` inside a value of this kind.
    pub(crate) fn child(self, key: &str) -> Kind {
        use Kind::*;
        match (self, key) {
            (_, k) if k.starts_with("x-") => Opaque,
            (Root, "paths") => Paths,
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
            (Parameters, _) => Parameter,
            (RequestBodies, _) => RequestBody,
            (Parameter | Header | MediaType, "schema") => Schema,
            (Parameter | Header | RequestBody | Response, "content") => MediaTypes,
            (Parameter | Header | MediaType, "examples") => Examples,
            (Response | Encoding, "headers") => Headers,
            (Responses, _) => Response,
            (Headers, _) => Header,
            (MediaTypes, _) => MediaType,
            (MediaType, "encoding") => Encodings,
            (Encodings, _) => Encoding,
            (Examples, _) => Example,
            (Schemas, _) => Schema,
            (Schema, "properties" | "allOf" | "oneOf" | "anyOf") => Schemas,
            (Schema, "items" | "additionalProperties" | "not") => Schema,
            _ => Opaque,
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
    }
}
