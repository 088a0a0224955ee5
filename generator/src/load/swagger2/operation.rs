//! Converts Swagger 2.0 path items, operations, parameters and responses to 3.0: body and
//! formData parameters become request bodies, response schemas and headers gain `content` and
//! `schema`.

use serde_yaml::{Mapping, Value};

use super::schema::is_file;
use super::{copy_extensions, essence, is_json, key_str, Converter, METHODS};
use crate::diagnostics::{catalog, decode_fragment_segment, join};

/// A `body` or `formData` parameter of a path item or an operation: it becomes (part of) the
/// operation's request body rather than a parameter.
struct BodyPart<'a> {
    param: &'a Mapping,
    /// Where the parameter object is in the 2.0 document (the shared one, for a `$ref`).
    at: String,
    /// The shared parameter's name, when the list entry is a `$ref` to `#/parameters/<name>`.
    shared: Option<String>,
    name: String,
    form: bool,
}

/// What a 2.0 parameter list becomes: 3.0 parameters, and the parts of a request body.
#[derive(Default)]
struct Listed<'a> {
    parameters: Vec<Value>,
    bodies: Vec<BodyPart<'a>>,
}

impl<'a> Converter<'a> {
    pub(super) fn path_item(&mut self, item: &'a Mapping, at: &str) -> Mapping {
        let mut out = Mapping::new();
        let listed = match item.get("parameters") {
            Some(list) => self.parameter_list(list, &join(at, &["parameters"])),
            None => Listed::default(),
        };
        // Path-level parameters stay at path level, as 3.0 merges them the same way; body and
        // formData ones have no path-level form and go into each operation's body.
        if !listed.parameters.is_empty() {
            out.insert("parameters".into(), Value::Sequence(listed.parameters));
        }
        for (key, value) in item {
            let Some(name) = key.as_str() else { continue };
            if METHODS.contains(&name) {
                let op_at = join(at, &[name]);
                match value {
                    Value::Mapping(op) => {
                        let op = self.operation(op, &op_at, &listed.bodies);
                        out.insert(key.clone(), Value::Mapping(op));
                    }
                    _ => self.error(&op_at, "an operation must be a mapping"),
                }
            } else if name == "$ref" {
                out.insert(key.clone(), value.clone());
            }
        }
        copy_extensions(item, &mut out);
        out
    }

    fn operation(&mut self, op: &'a Mapping, at: &str, inherited: &[BodyPart<'a>]) -> Mapping {
        let mut out = Mapping::new();
        for key in [
            "tags",
            "summary",
            "description",
            "externalDocs",
            "operationId",
            "deprecated",
            "security",
        ] {
            if let Some(value) = op.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        let listed = match op.get("parameters") {
            Some(list) => self.parameter_list(list, &join(at, &["parameters"])),
            None => Listed::default(),
        };
        if !listed.parameters.is_empty() {
            out.insert("parameters".into(), Value::Sequence(listed.parameters));
        }
        let own_consumes = op.get("consumes").map(|_| ());
        let consumes = match own_consumes {
            Some(()) => self.media_list(op.get("consumes"), &join(at, &["consumes"])),
            None => self.consumes.clone(),
        };
        let consumes_differ = own_consumes.is_some() && consumes != self.consumes;
        let consumes = self.effective(&consumes);
        // An operation's body or form field replaces the path item's of the same name.
        let mut parts: Vec<&BodyPart<'a>> = listed.bodies.iter().collect();
        for part in inherited {
            let overridden = listed
                .bodies
                .iter()
                .any(|own| own.form == part.form && (!part.form || own.name == part.name));
            if !overridden {
                parts.push(part);
            }
        }
        let body_at = join(at, &["requestBody"]);
        let (forms, bodies): (Vec<&BodyPart<'a>>, Vec<&BodyPart<'a>>) =
            parts.into_iter().partition(|p| p.form);
        if bodies.len() > 1 {
            self.error(
                &bodies[1].at,
                "an operation has at most one `body` parameter",
            );
        } else if !bodies.is_empty() && !forms.is_empty() {
            self.error(
                &forms[0].at,
                "an operation cannot have both a `body` parameter and `formData` parameters",
            );
        } else if let Some(body) = bodies.first() {
            let body = match &body.shared {
                Some(name) if !consumes_differ => {
                    let mut reference = Mapping::new();
                    let target = join("#/components/requestBodies", &[name]);
                    reference.insert("$ref".into(), target.into());
                    Value::Mapping(reference)
                }
                _ => self.request_body(body.param, &body.at, &body_at, &consumes),
            };
            out.insert("requestBody".into(), body);
        } else if !forms.is_empty() {
            let body = self.form_body(&forms, &body_at, &consumes);
            out.insert("requestBody".into(), body);
        }
        let produces = match op.get("produces") {
            Some(list) => self.media_list(Some(list), &join(at, &["produces"])),
            None => self.produces.clone(),
        };
        let produces_differ = op.get("produces").is_some() && produces != self.produces;
        let produces = self.effective(&produces);
        match op.get("responses") {
            Some(Value::Mapping(responses)) => {
                let responses = self.responses(
                    responses,
                    &join(at, &["responses"]),
                    &produces,
                    produces_differ,
                );
                out.insert("responses".into(), Value::Mapping(responses));
            }
            _ => self.error(at, "an operation needs a `responses` mapping"),
        }
        copy_extensions(op, &mut out);
        out
    }

    /// Sorts a 2.0 parameter list (at `at`, the same pointer in both documents) into 3.0
    /// parameters and body parts, recording where each converted parameter came from.
    fn parameter_list(&mut self, list: &'a Value, at: &str) -> Listed<'a> {
        let mut listed = Listed::default();
        let Value::Sequence(list) = list else {
            self.error(at, "`parameters` must be a list");
            return listed;
        };
        for (index, entry) in list.iter().enumerate() {
            let here = join(at, &[&index.to_string()]);
            let Some((param, param_at, shared)) = self.resolve_parameter(entry, &here) else {
                continue;
            };
            let Some(location) = self.location(param, &param_at) else {
                continue;
            };
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            match location {
                "body" | "formData" => listed.bodies.push(BodyPart {
                    param,
                    at: param_at,
                    shared,
                    name,
                    form: location == "formData",
                }),
                _ => {
                    let converted_at = join(at, &[&listed.parameters.len().to_string()]);
                    let converted = match shared {
                        Some(name) => {
                            self.moved(&converted_at, &here);
                            let mut reference = Mapping::new();
                            let target = join("#/components/parameters", &[&name]);
                            reference.insert("$ref".into(), target.into());
                            Value::Mapping(reference)
                        }
                        None => self.parameter(param, &param_at, &converted_at),
                    };
                    listed.parameters.push(converted);
                }
            }
        }
        listed
    }

    /// The parameter a list entry is (following a `$ref` to `#/parameters/<name>`), where it is,
    /// and the shared name.
    fn resolve_parameter(
        &mut self,
        entry: &'a Value,
        at: &str,
    ) -> Option<(&'a Mapping, String, Option<String>)> {
        let Value::Mapping(entry) = entry else {
            self.error(at, "a parameter must be a mapping");
            return None;
        };
        let Some(reference) = entry.get("$ref") else {
            return Some((entry, at.to_owned(), None));
        };
        let reference = reference.as_str().unwrap_or_default();
        let Some(rest) = reference.strip_prefix("#/parameters/") else {
            self.error(
                &join(at, &["$ref"]),
                &format!("a parameter `$ref` must point into `#/parameters/`, not `{reference}`"),
            );
            return None;
        };
        let name = decode_fragment_segment(rest);
        let target = self
            .root
            .get("parameters")
            .and_then(Value::as_mapping)
            .and_then(|p| p.get(name.as_str()));
        match target {
            Some(Value::Mapping(param)) => {
                Some((param, join("#/parameters", &[&name]), Some(name)))
            }
            _ => {
                self.errors
                    .push(catalog::dangling_ref(&join(at, &["$ref"]), reference));
                None
            }
        }
    }

    /// A parameter's `in`; an error when it is missing or unknown.
    fn location(&mut self, param: &'a Mapping, at: &str) -> Option<&'a str> {
        match param.get("in").and_then(Value::as_str) {
            Some(location @ ("query" | "header" | "path" | "formData" | "body")) => Some(location),
            Some(other) => {
                self.error(
                    &join(at, &["in"]),
                    &format!("unknown parameter location `{other}` (expected query, header, path, formData or body)"),
                );
                None
            }
            None => {
                self.error(at, "a parameter needs `in`");
                None
            }
        }
    }

    /// The parameters and body parameters of the root `parameters` map: 3.0 parameters and
    /// request bodies. Shared formData parameters are inlined into each form that uses them.
    pub(super) fn shared_parameters(&mut self, shared: &'a Mapping) -> (Mapping, Mapping) {
        let consumes = self.effective(&self.consumes.clone());
        let mut parameters = Mapping::new();
        let mut bodies = Mapping::new();
        for (key, param) in shared {
            let Some(name) = key_str(key) else { continue };
            let original = join("#/parameters", &[&name]);
            let Value::Mapping(param) = param else {
                self.error(&original, "a parameter must be a mapping");
                continue;
            };
            match self.location(param, &original) {
                Some("body") => {
                    let at = join("#/components/requestBodies", &[&name]);
                    let body = self.request_body(param, &original, &at, &consumes);
                    bodies.insert(name.into(), body);
                }
                Some("formData") | None => {}
                Some(_) => {
                    let at = join("#/components/parameters", &[&name]);
                    let converted = self.parameter(param, &original, &at);
                    parameters.insert(name.into(), converted);
                }
            }
        }
        (parameters, bodies)
    }

    /// A query, header or path parameter: schema keywords under `schema`, `collectionFormat` as
    /// `style`/`explode`.
    fn parameter(&mut self, param: &'a Mapping, original: &str, at: &str) -> Value {
        self.moved(at, original);
        self.moved(&join(at, &["schema"]), original);
        let location = param.get("in").and_then(Value::as_str).unwrap_or_default();
        let mut out = Mapping::new();
        match param.get("name") {
            Some(name @ Value::String(_)) => {
                out.insert("name".into(), name.clone());
            }
            _ => self.error(original, "a parameter needs a `name`"),
        }
        out.insert("in".into(), location.into());
        for key in ["description", "required", "deprecated"] {
            if let Some(value) = param.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        if location == "path" {
            out.insert("required".into(), true.into());
        }
        if location == "query" {
            if let Some(value) = param.get("allowEmptyValue") {
                out.insert("allowEmptyValue".into(), value.clone());
            }
        }
        if is_file(param) {
            self.error(
                &join(original, &["type"]),
                "`type: file` is only allowed in formData parameters",
            );
        }
        if param.get("type").and_then(Value::as_str) == Some("array") {
            self.collection_format(param, location, at, &mut out);
        }
        out.insert("schema".into(), self.value_schema(param, original));
        if let Some(example) = param.get("x-example") {
            out.insert("example".into(), example.clone());
        }
        copy_extensions(param, &mut out);
        Value::Mapping(out)
    }

    /// `collectionFormat` (`csv` by default) as 3.0 `style` and `explode`.
    fn collection_format(&mut self, param: &Mapping, location: &str, at: &str, out: &mut Mapping) {
        let format = param
            .get("collectionFormat")
            .and_then(Value::as_str)
            .unwrap_or("csv");
        let (style, explode) = match (location, format) {
            ("query", "csv") => ("form", false),
            ("query", "multi") => ("form", true),
            ("query", "ssv") => ("spaceDelimited", false),
            ("query", "pipes") => ("pipeDelimited", false),
            (_, "csv") => ("simple", false),
            (_, other) => {
                let what = format!("`collectionFormat: {other}` in a {location} parameter");
                self.warnings.push(catalog::swagger2_lossy(
                    at,
                    &what,
                    "the values are sent comma-separated (`csv`)",
                ));
                (
                    if location == "query" {
                        "form"
                    } else {
                        "simple"
                    },
                    false,
                )
            }
        };
        out.insert("style".into(), style.into());
        out.insert("explode".into(), explode.into());
    }

    /// A `body` parameter as a request body, one media type per `consumes` entry.
    fn request_body(
        &mut self,
        param: &'a Mapping,
        original: &str,
        at: &str,
        consumes: &[String],
    ) -> Value {
        self.moved(at, original);
        let mut out = Mapping::new();
        for key in ["description", "required"] {
            if let Some(value) = param.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        let Some(schema) = param.get("schema") else {
            self.error(original, "a `body` parameter needs a `schema`");
            return Value::Mapping(out);
        };
        let schema_at = join(original, &["schema"]);
        let schema = self.schema(schema, &schema_at);
        let mut content = Mapping::new();
        for media in &with_json_for_wildcards(consumes) {
            self.moved(&join(at, &["content", media, "schema"]), &schema_at);
            let mut entry = Mapping::new();
            entry.insert("schema".into(), schema.clone());
            content.insert(media.as_str().into(), Value::Mapping(entry));
        }
        out.insert("content".into(), Value::Mapping(content));
        copy_extensions(param, &mut out);
        Value::Mapping(out)
    }

    /// formData parameters as one form body: an object schema with a property per parameter.
    fn form_body(&mut self, fields: &[&BodyPart<'a>], at: &str, consumes: &[String]) -> Value {
        let multipart = fields.iter().any(|f| is_file(f.param))
            || consumes.iter().any(|c| essence(c) == "multipart/form-data");
        let media = if multipart {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let schema_at = join(at, &["content", media, "schema"]);
        let mut properties = Mapping::new();
        let mut required = Vec::new();
        for field in fields {
            if field.name.is_empty() {
                self.error(&field.at, "a parameter needs a `name`");
                continue;
            }
            let property_at = join(&schema_at, &["properties", &field.name]);
            self.moved(&property_at, &field.at);
            let mut property = match self.value_schema(field.param, &field.at) {
                Value::Mapping(property) => property,
                _ => Mapping::new(),
            };
            if let Some(description) = field.param.get("description") {
                property.insert("description".into(), description.clone());
            }
            properties.insert(field.name.as_str().into(), Value::Mapping(property));
            if field.param.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::from(field.name.as_str()));
            }
        }
        let mut schema = Mapping::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Mapping(properties));
        let any_required = !required.is_empty();
        if any_required {
            schema.insert("required".into(), Value::Sequence(required));
        }
        let mut entry = Mapping::new();
        entry.insert("schema".into(), Value::Mapping(schema));
        let mut content = Mapping::new();
        content.insert(media.into(), Value::Mapping(entry));
        let mut out = Mapping::new();
        out.insert("content".into(), Value::Mapping(content));
        out.insert("required".into(), any_required.into());
        Value::Mapping(out)
    }

    /// An operation's `responses` (at `at`, the same pointer in both documents).
    fn responses(
        &mut self,
        responses: &'a Mapping,
        at: &str,
        produces: &[String],
        inline_shared: bool,
    ) -> Mapping {
        let mut out = Mapping::new();
        for (key, response) in responses {
            let Some(code) = key_str(key) else { continue };
            if code.starts_with("x-") {
                out.insert(key.clone(), response.clone());
                continue;
            }
            let here = join(at, &[&code]);
            let Value::Mapping(response) = response else {
                self.error(&here, "a response must be a mapping");
                continue;
            };
            let converted = match response.get("$ref") {
                Some(reference) => self.response_ref(reference, &here, produces, inline_shared),
                None => Some(self.response(response, &here, &here, produces)),
            };
            if let Some(converted) = converted {
                out.insert(code.into(), converted);
            }
        }
        out
    }

    /// A `$ref` to `#/responses/<name>`: a reference to the 3.0 component, or a converted copy
    /// when the operation's `produces` differs from the document's.
    fn response_ref(
        &mut self,
        reference: &Value,
        at: &str,
        produces: &[String],
        inline: bool,
    ) -> Option<Value> {
        let reference = reference.as_str().unwrap_or_default();
        let ref_at = join(at, &["$ref"]);
        let Some(rest) = reference.strip_prefix("#/responses/") else {
            self.error(
                &ref_at,
                &format!("a response `$ref` must point into `#/responses/`, not `{reference}`"),
            );
            return None;
        };
        let name = decode_fragment_segment(rest);
        let target = self
            .root
            .get("responses")
            .and_then(Value::as_mapping)
            .and_then(|r| r.get(name.as_str()));
        match target {
            Some(Value::Mapping(shared)) if inline => {
                Some(self.response(shared, &join("#/responses", &[&name]), at, produces))
            }
            Some(_) => {
                let mut out = Mapping::new();
                let target = join("#/components/responses", &[&name]);
                out.insert("$ref".into(), target.into());
                Some(Value::Mapping(out))
            }
            None => {
                self.errors.push(catalog::dangling_ref(&ref_at, reference));
                None
            }
        }
    }

    /// A response: its `schema` under `content` (one entry per `produces` type, each with its
    /// `examples` entry as `example`), its headers with a `schema`.
    pub(super) fn response(
        &mut self,
        response: &'a Mapping,
        original: &str,
        at: &str,
        produces: &[String],
    ) -> Value {
        self.moved(at, original);
        let mut out = Mapping::new();
        let description = response
            .get("description")
            .cloned()
            .unwrap_or_else(|| Value::from(""));
        out.insert("description".into(), description);
        if let Some(headers) = response.get("headers") {
            let headers_at = join(original, &["headers"]);
            match headers {
                Value::Mapping(headers) => {
                    let mut converted = Mapping::new();
                    for (key, header) in headers {
                        let Some(name) = key_str(key) else { continue };
                        let header_original = join(&headers_at, &[&name]);
                        let header_at = join(at, &["headers", &name]);
                        match header {
                            Value::Mapping(header) => {
                                let header = self.header(header, &header_original, &header_at);
                                converted.insert(name.into(), header);
                            }
                            _ => self.error(&header_original, "a header must be a mapping"),
                        }
                    }
                    out.insert("headers".into(), Value::Mapping(converted));
                }
                _ => self.error(&headers_at, "`headers` must be a mapping"),
            }
        }
        if let Some(schema) = response.get("schema") {
            let schema_at = join(original, &["schema"]);
            let converted = self.schema(schema, &schema_at);
            let media_types: Vec<String> = if schema.as_mapping().is_some_and(is_file) {
                let binary: Vec<String> =
                    produces.iter().filter(|m| !is_json(m)).cloned().collect();
                if binary.is_empty() {
                    vec!["application/octet-stream".to_owned()]
                } else {
                    binary
                }
            } else {
                with_json_for_wildcards(produces)
            };
            let examples = response.get("examples").and_then(Value::as_mapping);
            let mut content = Mapping::new();
            for media in &media_types {
                let media_at = join(at, &["content", media]);
                self.moved(&join(&media_at, &["schema"]), &schema_at);
                let mut entry = Mapping::new();
                entry.insert("schema".into(), converted.clone());
                if let Some((key, example)) = examples.and_then(|e| example_for(e, media)) {
                    self.moved(
                        &join(&media_at, &["example"]),
                        &join(original, &["examples", &key]),
                    );
                    entry.insert("example".into(), example.clone());
                }
                content.insert(media.as_str().into(), Value::Mapping(entry));
            }
            out.insert("content".into(), Value::Mapping(content));
        }
        copy_extensions(response, &mut out);
        Value::Mapping(out)
    }

    /// A 2.0 response header (schema-like) as a 3.0 header with a `schema`.
    fn header(&mut self, header: &'a Mapping, original: &str, at: &str) -> Value {
        self.moved(at, original);
        self.moved(&join(at, &["schema"]), original);
        let mut out = Mapping::new();
        if let Some(description) = header.get("description") {
            out.insert("description".into(), description.clone());
        }
        out.insert("schema".into(), self.value_schema(header, original));
        copy_extensions(header, &mut out);
        Value::Mapping(out)
    }
}

/// Media types for a body with a schema: `*/*` (Kubernetes writes it for bodies it reads as JSON)
/// stands for `application/json`, since a schema says the body is structured data.
fn with_json_for_wildcards(media_types: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for media in media_types {
        let media = if essence(media) == "*/*" {
            super::DEFAULT_MEDIA.to_owned()
        } else {
            media.clone()
        };
        if !out.contains(&media) {
            out.push(media);
        }
    }
    out
}

/// The `examples` entry for a media type: the exact one, else (for a JSON type) a JSON one.
fn example_for<'e>(examples: &'e Mapping, media: &str) -> Option<(String, &'e Value)> {
    let entries = examples.iter().filter_map(|(k, v)| Some((key_str(k)?, v)));
    let wanted = essence(media);
    let mut fallback = None;
    for (key, value) in entries {
        if essence(&key) == wanted {
            return Some((key, value));
        }
        if fallback.is_none() && is_json(media) && is_json(&key) {
            fallback = Some((key, value));
        }
    }
    fallback
}
