//! Lowers paths and operations: parameters, request bodies, responses and security.

use std::collections::BTreeMap;

use openapiv3::{
    MediaType, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, QueryStyle,
    ReferenceOr, StatusCode,
};

use super::Lowerer;
use crate::diagnostics::{catalog, escape_segment, join, Diagnostic};
use crate::ir::{
    template_params, Example, Media, Method, Operation, OperationNames, Param, ParamLocation,
    RequestBody, Response, ResponseBody, ResponseHeader, SecurityScheme, StatusMatch, Type,
    UNTAGGED,
};
use crate::names::{self, Namespace};

/// Method names the emitted `Client` defines itself.
const RESERVED_METHODS: &[&str] = &[
    "new",
    "with_http_client",
    "base_url",
    "http_client",
    "builder",
    "default",
    "request",
    "with_max_response_bytes",
    "with_request_validation",
    "with_retry",
    "with_timeout",
    "with_attempt_timeout",
    "with_middleware",
];
/// Names the emitted code uses beside parameters: `<Op>Input` fields and the locals of client
/// methods and server handlers.
const RESERVED_INPUT_FIELDS: &[&str] = &[
    "body",
    "credentials",
    "options",
    "request",
    "response",
    "query",
    "cookies",
    "form",
    "incoming",
    "req",
    "api",
    "input",
    "path",
    "answer",
    "reply",
];

pub(crate) fn lower_operations<'a>(
    lowerer: &mut Lowerer<'a>,
    schemes: &[SecurityScheme],
) -> Vec<Operation> {
    let spec = lowerer.spec;
    let mut reserved: Vec<String> = RESERVED_METHODS.iter().map(|s| (*s).to_owned()).collect();
    reserved.extend(
        schemes
            .iter()
            .map(|s| format!("with_{}", names::stem(&s.rust_name))),
    );
    let reserved_refs: Vec<&str> = reserved.iter().map(String::as_str).collect();
    let mut method_names = Namespace::with_reserved(&reserved_refs);
    // Explicit operationIds are the spec's names: they are claimed first, and an id synthesized
    // from method and path yields to them (and to earlier synthesized ones) with a suffix.
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    // Their method names (snake_case) and type stems (UpperCamelCase): the cases cannot collide.
    let mut explicit_names = std::collections::BTreeSet::new();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, slot, op) in methods(item) {
            if let Some(id) = &op.operation_id {
                let pointer = format!("#/paths/{}/{slot}", escape_segment(path));
                seen_ids.entry(id.clone()).or_insert(pointer);
                explicit_names.insert(names::field_name(id));
                explicit_names.insert(names::type_name(id));
            }
        }
    }
    let mut operations = Vec::new();
    for (key, item) in &spec.paths.paths {
        let path_pointer = format!("#/paths/{}", escape_segment(key));
        let ReferenceOr::Item(item) = item else {
            lowerer.error(
                Diagnostic::error(&path_pointer, "path item `$ref`s are not supported")
                    .with_hint("inline the path item"),
            );
            continue;
        };
        let path = written_path(key, item);
        for (method, slot, op) in methods(item) {
            let pointer = join(&path_pointer, &[slot]);
            let wire_name = match &op.operation_id {
                Some(id) => {
                    let first = &seen_ids[id];
                    if *first != pointer {
                        lowerer.error(catalog::duplicate_operation_id(
                            &join(&pointer, &["operationId"]),
                            id,
                            first,
                        ));
                        continue;
                    }
                    id.clone()
                }
                None => {
                    let wanted = synthesize_id(&method, path);
                    let mut candidate = wanted.clone();
                    let mut n = 2;
                    while seen_ids.contains_key(&candidate)
                        || explicit_names.contains(&names::field_name(&candidate))
                        || explicit_names.contains(&names::type_name(&candidate))
                    {
                        candidate = format!("{wanted}_{n}");
                        n += 1;
                    }
                    if candidate != wanted {
                        let first = seen_ids
                            .get(&wanted)
                            .cloned()
                            .unwrap_or_else(|| "an explicit operationId".to_owned());
                        lowerer.warn(catalog::synthesized_operation_id_taken(
                            &pointer, &wanted, &first, &candidate,
                        ));
                    }
                    seen_ids.insert(candidate.clone(), pointer.clone());
                    candidate
                }
            };
            let (rust_name, renamed) = method_names.claim(&names::field_name(&wire_name));
            if renamed {
                lowerer.warn(catalog::renamed(
                    &pointer,
                    "operation name",
                    &names::field_name(&wire_name),
                    &rust_name,
                ));
            }
            let lowered = lower_operation(
                lowerer,
                OperationSite {
                    path,
                    item,
                    op,
                    method,
                    pointer: &pointer,
                },
                wire_name,
                rust_name,
                schemes,
            );
            operations.push(lowered);
        }
    }
    operations.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
    let served = crate::ir::served_operations(&operations);
    for (op, served) in operations.iter().zip(served) {
        if served {
            continue;
        }
        let clash = operations.iter().find(|other| {
            other.method == op.method
                && other.path < op.path
                && crate::ir::route_shape(&other.path) == crate::ir::route_shape(&op.path)
        });
        lowerer.warn(catalog::unserved_operation(
            &op.pointer,
            &op.path,
            clash.map(|other| other.pointer.as_str()),
        ));
    }
    operations
}

struct OperationSite<'a, 'p> {
    path: &'a str,
    item: &'a PathItem,
    op: &'a openapiv3::Operation,
    method: Method,
    pointer: &'p str,
}

/// A path item's operations: method, the field it is written under, operation. A path item the
/// loader made for an operation of OpenAPI 3.2's `query` or `additionalOperations` holds it
/// under `get` and names its method in [`crate::load::METHOD_MARKER`].
fn methods(item: &PathItem) -> Vec<(Method, &'static str, &openapiv3::Operation)> {
    let marked = item
        .extensions
        .get(crate::load::METHOD_MARKER)
        .and_then(serde_json::Value::as_str)
        .map(|name| match name {
            "QUERY" => Method::Query,
            other => Method::Other(other.to_owned()),
        });
    [
        (Method::Get, "get", &item.get),
        (Method::Put, "put", &item.put),
        (Method::Post, "post", &item.post),
        (Method::Delete, "delete", &item.delete),
        (Method::Options, "options", &item.options),
        (Method::Head, "head", &item.head),
        (Method::Patch, "patch", &item.patch),
        (Method::Trace, "trace", &item.trace),
    ]
    .into_iter()
    .filter_map(|(m, slot, op)| {
        op.as_ref()
            .map(|op| (marked.clone().unwrap_or(m), slot, op))
    })
    .collect()
}

/// The path a path item was written under: its key in `paths`, or for one the loader made for
/// an operation of another method (see [`methods`]), the path it names in
/// [`crate::load::PATH_MARKER`].
pub(crate) fn written_path<'a>(key: &'a str, item: &'a PathItem) -> &'a str {
    item.extensions
        .get(crate::load::PATH_MARKER)
        .and_then(serde_json::Value::as_str)
        .unwrap_or(key)
}

/// `DELETE /rest/organizations/{organizationId}` -> `delete_rest_organizations_by_organizationId`.
fn synthesize_id(method: &Method, path: &str) -> String {
    let mut id = method.as_str().to_ascii_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                id.push_str("by_");
                id.push_str(param);
            }
            None => id.push_str(segment),
        }
    }
    if id.len() == method.as_str().len() {
        id.push_str("_root");
    }
    id
}

fn lower_operation<'a>(
    lowerer: &mut Lowerer<'a>,
    site: OperationSite<'a, '_>,
    wire_name: String,
    rust_name: String,
    schemes: &[SecurityScheme],
) -> Operation {
    let OperationSite {
        path,
        item,
        op,
        method,
        pointer,
    } = site;
    let type_stem = names::type_name(&wire_name);
    let params = lower_params(lowerer, path, item, op, &type_stem, pointer);
    let body = op
        .request_body
        .as_ref()
        .and_then(|b| lower_body(lowerer, b, &type_stem, &join(pointer, &["requestBody"])));
    let responses = lower_responses(lowerer, op, &type_stem, pointer);
    let security = lower_security(lowerer, op, schemes, pointer);
    let names = OperationNames {
        input: lowerer.claim_type_name(&format!("{type_stem}Input"), pointer),
        options: lowerer.claim_type_name(&format!("{type_stem}Options"), pointer),
        response: lowerer.claim_first_type_name(
            &names::RESPONSE_SUFFIXES
                .iter()
                .map(|suffix| format!("{type_stem}{suffix}"))
                .collect::<Vec<_>>(),
            pointer,
        ),
    };
    let tags = if op.tags.is_empty() {
        vec![UNTAGGED.to_owned()]
    } else {
        op.tags.clone()
    };
    Operation {
        wire_name,
        rust_name,
        type_stem,
        method,
        path: path.to_owned(),
        pointer: pointer.to_owned(),
        summary: op.summary.clone(),
        description: op.description.clone(),
        deprecated: op.deprecated,
        tags,
        params,
        body,
        responses,
        security,
        refusals: Vec::new(),
        names,
        x_pagination: op.extensions.get("x-pagination").cloned(),
        pagination: None,
    }
}

fn lower_params<'a>(
    lowerer: &mut Lowerer<'a>,
    path: &str,
    item: &'a PathItem,
    op: &'a openapiv3::Operation,
    stem: &str,
    pointer: &str,
) -> Vec<Param> {
    // Path-item parameters first; an operation parameter with the same name and location wins.
    let path_pointer = pointer
        .rsplit_once('/')
        .map(|(p, _)| p.to_owned())
        .unwrap_or_default();
    let mut declared: Vec<(&'a Parameter, String)> = Vec::new();
    let sources = [
        (&item.parameters, path_pointer),
        (&op.parameters, pointer.to_owned()),
    ];
    for (list, base) in sources {
        for (index, param) in list.iter().enumerate() {
            let at = join(&base, &["parameters", &index.to_string()]);
            let Some((param, _)) = lowerer.resolve(param, &at, "parameters", |c| &c.parameters)
            else {
                continue;
            };
            let key = (param.parameter_data_ref().name.clone(), location_of(param));
            declared.retain(|(p, _)| (p.parameter_data_ref().name.clone(), location_of(p)) != key);
            declared.push((param, at));
        }
    }
    let template = template_params(path);
    // A template variable no parameter declares is sent and read as text, as other tools do.
    let undeclared: Vec<&str> = template
        .iter()
        .copied()
        .filter(|name| {
            !declared.iter().any(|(p, _)| {
                location_of(p) == ParamLocation::Path && p.parameter_data_ref().name == *name
            })
        })
        .collect();
    for name in &undeclared {
        lowerer.warn(catalog::undeclared_path_param(pointer, name));
    }
    let mut ns = Namespace::with_reserved(RESERVED_INPUT_FIELDS);
    let mut out = Vec::new();
    for (param, at) in declared {
        let data = param.parameter_data_ref();
        let location = location_of(param);
        if location == ParamLocation::Path && !template.contains(&data.name.as_str()) {
            lowerer.warn(catalog::unused_path_param(&at, &data.name));
            continue;
        }
        if location == ParamLocation::Header && is_transport_header(&data.name) {
            continue;
        }
        let hint = format!("{stem}{}", names::type_name(&data.name));
        let ty = param_type(lowerer, data, &hint, &at);
        let check = param_check(lowerer, data, &at);
        let explode = match param {
            Parameter::Query { .. } | Parameter::Cookie { .. } => data.explode.unwrap_or(true),
            _ => data.explode.unwrap_or(false),
        };
        let separator = match param {
            Parameter::Query {
                style: QueryStyle::SpaceDelimited,
                ..
            } => ' ',
            Parameter::Query {
                style: QueryStyle::PipeDelimited,
                ..
            } => '|',
            _ => ',',
        };
        let (rust_name, _) = ns.claim(&names::field_name(&data.name));
        out.push(Param {
            separator,
            wire_name: data.name.clone(),
            rust_name,
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            explode,
            doc: data.description.clone(),
            check,
        });
    }
    for name in undeclared {
        let (rust_name, _) = ns.claim(&names::field_name(name));
        out.push(Param {
            separator: ',',
            wire_name: name.to_owned(),
            rust_name,
            location: ParamLocation::Path,
            ty: Type::String,
            required: true,
            explode: false,
            doc: None,
            check: None,
        });
    }
    out
}

/// Headers the HTTP stack sets itself; declaring them as parameters would fight it.
fn is_transport_header(name: &str) -> bool {
    ["accept", "content-type", "authorization", "content-length"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

fn location_of(param: &Parameter) -> ParamLocation {
    match param {
        Parameter::Query { parameter_data, .. }
            if parameter_data
                .extensions
                .contains_key(crate::load::QUERYSTRING_MARKER) =>
        {
            ParamLocation::QueryString
        }
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

fn param_type<'a>(
    lowerer: &mut Lowerer<'a>,
    data: &'a ParameterData,
    hint: &str,
    pointer: &str,
) -> Type {
    match &data.format {
        ParameterSchemaOrContent::Schema(schema) => {
            lowerer.type_of(schema, hint, &join(pointer, &["schema"]))
        }
        ParameterSchemaOrContent::Content(content) => match content.iter().next() {
            Some((
                media,
                MediaType {
                    schema: Some(schema),
                    ..
                },
            )) => lowerer.type_of(schema, hint, &join(pointer, &["content", media, "schema"])),
            _ => Type::String,
        },
    }
}

/// What a media type's name says about its encoding, with its rank (lower is preferred);
/// `None` for one no reader handles. Streams of items are told apart only in `responses`, where
/// the client reads them as they arrive; a request body of that kind is text or bytes.
fn classify_media(name: &str, responses: bool) -> Option<(u8, Media)> {
    let essence = media_essence(name).to_ascii_lowercase();
    if responses {
        if essence == "text/event-stream" {
            return Some((5, Media::EventStream));
        }
        if SEQUENTIAL_JSON.contains(&essence.as_str()) {
            return Some((5, Media::JsonLines));
        }
    }
    if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
        Some((0, Media::Json))
    } else if essence == "application/x-www-form-urlencoded" {
        Some((1, Media::Form))
    } else if essence == "multipart/form-data" {
        Some((2, Media::Multipart))
    } else if essence.starts_with("text/") {
        Some((3, Media::Text))
    } else if essence == "application/octet-stream"
        || essence.starts_with("image/")
        || essence.starts_with("audio/")
        || essence.starts_with("video/")
        || essence.starts_with("application/")
    {
        Some((4, Media::Binary))
    } else {
        None
    }
}

/// Media types whose body is a sequence of JSON values (one per line, or RS-separated).
const SEQUENTIAL_JSON: &[&str] = &[
    "application/jsonl",
    "application/x-jsonl",
    "application/jsonlines",
    "application/x-jsonlines",
    "application/x-ndjson",
    "application/ndjson",
    "application/json-seq",
    "application/geo+json-seq",
];

/// A media type chosen from a content map: its name, its object and how it is encoded.
type Chosen<'a> = (&'a String, &'a MediaType, Media);

/// Picks the media type to use from a request body's content map: JSON first, then forms, text
/// and bytes.
fn pick_media(content: &indexmap::IndexMap<String, MediaType>) -> Option<Chosen<'_>> {
    content
        .iter()
        .filter_map(|(name, media)| {
            classify_media(name, false).map(|(rank, kind)| (rank, name, media, kind))
        })
        .min_by_key(|(rank, ..)| *rank)
        .map(|(_, name, media, kind)| (name, media, kind))
}

/// The media types a response is read in: the preferred one (as for a request body, then
/// streams of items), and a stream of items documented beside it, which the client picks when
/// the answer's `Content-Type` names it (OpenAI's JSON or `text/event-stream` for one `200`).
fn pick_response_media(
    content: &indexmap::IndexMap<String, MediaType>,
) -> (Option<Chosen<'_>>, Option<Chosen<'_>>) {
    let ranked: Vec<(u8, Chosen<'_>)> = content
        .iter()
        .filter_map(|(name, media)| {
            classify_media(name, true).map(|(rank, kind)| (rank, (name, media, kind)))
        })
        .collect();
    let Some(first) = ranked.iter().min_by_key(|(rank, _)| *rank).map(|(_, c)| *c) else {
        return (None, None);
    };
    let alternative = ranked.iter().map(|(_, c)| *c).find(|(name, _, kind)| {
        matches!(kind, Media::EventStream | Media::JsonLines) && *name != first.0
    });
    (Some(first), alternative)
}

/// `application/json; charset=utf-8` -> `application/json`.
fn media_essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or(content_type)
        .trim()
        .to_owned()
}

fn media_type<'a>(
    lowerer: &mut Lowerer<'a>,
    media: &'a MediaType,
    kind: Media,
    hint: &str,
    pointer: &str,
) -> Type {
    match kind {
        Media::Text => Type::String,
        Media::Binary => Type::Binary,
        Media::Json | Media::Form | Media::Multipart => match &media.schema {
            Some(schema) => lowerer.type_of(schema, hint, &join(pointer, &["schema"])),
            None => Type::Any,
        },
        // The schema describes each item (each event's `data`), the convention real documents
        // follow (and 3.2's `itemSchema`, which loading puts there). An event's data without a
        // schema, or a binary one, is its text.
        Media::EventStream | Media::JsonLines => {
            let ty = match &media.schema {
                Some(schema) => lowerer.type_of(schema, hint, &join(pointer, &["schema"])),
                None => Type::Any,
            };
            match (kind, ty) {
                (Media::EventStream, Type::Any | Type::Binary) => Type::String,
                (_, Type::Binary) => Type::Any,
                (_, ty) => ty,
            }
        }
    }
}

/// Keeps a JSON body's `example` beside the body's type, like a schema example; `pointer` is
/// where the media type is written (a shared response's examples are kept once).
fn record_media_example(
    lowerer: &mut Lowerer<'_>,
    media: &MediaType,
    kind: Media,
    ty: &Type,
    pointer: &str,
) {
    let Some(value) = media.example.clone().filter(|v| !v.is_null()) else {
        return;
    };
    if matches!(kind, Media::Json | Media::EventStream | Media::JsonLines) {
        let pointer = join(pointer, &["example"]);
        lowerer.examples.entry(pointer.clone()).or_insert(Example {
            pointer,
            ty: ty.clone(),
            value,
        });
    }
}

fn lower_body<'a>(
    lowerer: &mut Lowerer<'a>,
    body: &'a ReferenceOr<openapiv3::RequestBody>,
    stem: &str,
    pointer: &str,
) -> Option<RequestBody> {
    let (body, defined_at) =
        lowerer.resolve(body, pointer, "requestBodies", |c| &c.request_bodies)?;
    let Some((content_type, media, kind)) = pick_media(&body.content) else {
        if let Some(first) = body.content.keys().next() {
            lowerer.warn(catalog::unsupported_media(pointer, first));
            return Some(RequestBody {
                media: Media::Binary,
                content_type: first.clone(),
                ty: Type::Binary,
                required: body.required,
                doc: body.description.clone(),
                check: None,
            });
        }
        return None;
    };
    let at = join(pointer, &["content", content_type]);
    let ty = media_type(lowerer, media, kind, &format!("{stem}Body"), &at);
    let check = match (kind, &media.schema) {
        (Media::Json | Media::Form | Media::Multipart, Some(schema)) => {
            Some(lowerer.check_node(schema, &join(&at, &["schema"])))
        }
        _ => None,
    };
    let example_at = join(&defined_at, &["content", content_type]);
    record_media_example(lowerer, media, kind, &ty, &example_at);
    Some(RequestBody {
        media: kind,
        content_type: media_essence(content_type),
        ty,
        required: body.required,
        doc: body.description.clone(),
        check,
    })
}

/// The check node of a parameter's schema (`schema`, or the one media type of `content`).
fn param_check<'a>(
    lowerer: &mut Lowerer<'a>,
    data: &'a openapiv3::ParameterData,
    pointer: &str,
) -> Option<u32> {
    match &data.format {
        ParameterSchemaOrContent::Schema(schema) => {
            Some(lowerer.check_node(schema, &join(pointer, &["schema"])))
        }
        ParameterSchemaOrContent::Content(content) => {
            let (media, value) = content.first()?;
            let schema = value.schema.as_ref()?;
            Some(lowerer.check_node(schema, &join(pointer, &["content", media, "schema"])))
        }
    }
}

fn lower_responses<'a>(
    lowerer: &mut Lowerer<'a>,
    op: &'a openapiv3::Operation,
    stem: &str,
    pointer: &str,
) -> Vec<Response> {
    let mut entries: Vec<(StatusMatch, &'a ReferenceOr<openapiv3::Response>, String)> = Vec::new();
    for (status, response) in &op.responses.responses {
        let (key, matcher) = match status {
            StatusCode::Code(code) => (code.to_string(), StatusMatch::Code(*code)),
            StatusCode::Range(hundreds) => (format!("{hundreds}XX"), StatusMatch::Range(*hundreds)),
        };
        entries.push((matcher, response, join(pointer, &["responses", &key])));
    }
    if let Some(default) = &op.responses.default {
        entries.push((
            StatusMatch::Default,
            default,
            join(pointer, &["responses", "default"]),
        ));
    }
    entries.sort_by_key(|(status, ..)| *status);
    let mut variant_names = Namespace::new();
    let mut out = Vec::new();
    for (status, response, at) in entries {
        let Some((response, defined_at)) =
            lowerer.resolve(response, &at, "responses", |c| &c.responses)
        else {
            continue;
        };
        let (rust_name, _) = variant_names.claim(&status_variant(status));
        let (first, alternative) = pick_response_media(&response.content);
        let read_body = |lowerer: &mut Lowerer<'a>, chosen: Chosen<'a>, variant: &str| {
            let (content_type, media, kind) = chosen;
            let media_pointer = join(&at, &["content", content_type]);
            let ty = media_type(
                lowerer,
                media,
                kind,
                &format!("{stem}{variant}Body"),
                &media_pointer,
            );
            let example_at = join(&defined_at, &["content", content_type]);
            record_media_example(lowerer, media, kind, &ty, &example_at);
            // The constraints the mock and the router's refusals build values to.
            let check = match (kind, &media.schema) {
                (Media::Json | Media::EventStream | Media::JsonLines, Some(schema)) => {
                    Some(lowerer.check_node(schema, &join(&media_pointer, &["schema"])))
                }
                _ => None,
            };
            ResponseBody {
                media: kind,
                content_type: media_essence(content_type),
                ty,
                check,
            }
        };
        let body = first.map(|chosen| read_body(lowerer, chosen, &rust_name));
        let alternative = alternative.map(|chosen| {
            let suffix = if chosen.2 == Media::EventStream {
                "Events"
            } else {
                "Lines"
            };
            let (name, _) = variant_names.claim(&format!("{rust_name}{suffix}"));
            let body = read_body(lowerer, chosen, &name);
            (name, body)
        });
        let mut header_names = Namespace::new();
        let mut headers = Vec::new();
        for (name, header) in &response.headers {
            if name.eq_ignore_ascii_case("content-type")
                || name.eq_ignore_ascii_case("content-length")
            {
                continue;
            }
            let header_at = join(&at, &["headers", name]);
            let Some((header, _)) = lowerer.resolve(header, &header_at, "headers", |c| &c.headers)
            else {
                continue;
            };
            let hint = format!("{stem}{rust_name}{}", names::type_name(name));
            let (ty, check) = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let at = join(&header_at, &["schema"]);
                    let ty = lowerer.type_of(schema, &hint, &at);
                    (ty, Some(lowerer.check_node(schema, &at)))
                }
                ParameterSchemaOrContent::Content(_) => (Type::String, None),
            };
            headers.push(ResponseHeader {
                wire_name: name.clone(),
                rust_name: header_names.claim(&names::field_name(name)).0,
                ty,
                required: header.required,
                doc: header.description.clone(),
                check,
            });
        }
        let headers_type = (!headers.is_empty())
            .then(|| lowerer.claim_type_name(&format!("{stem}{rust_name}Headers"), &at));
        let doc = Some(response.description.clone()).filter(|d| !d.trim().is_empty());
        out.push(Response {
            status,
            rust_name,
            doc: doc.clone(),
            body,
            headers: headers.clone(),
            headers_type: headers_type.clone(),
            alternative: false,
        });
        if let Some((name, body)) = alternative {
            out.push(Response {
                status,
                rust_name: name,
                doc,
                body: Some(body),
                headers,
                headers_type,
                alternative: true,
            });
        }
    }
    out
}

/// The variant name for a status: its reason phrase (`Created`, `Conflict`), else `Status<code>`.
fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Default => "Default".to_owned(),
        StatusMatch::Range(hundreds) => format!("Status{hundreds}xx"),
        StatusMatch::Code(code) => match code {
            100 => "Continue",
            101 => "SwitchingProtocols",
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "LengthRequired",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            414 => "UriTooLong",
            415 => "UnsupportedMediaType",
            416 => "RangeNotSatisfiable",
            417 => "ExpectationFailed",
            418 => "ImATeapot",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            425 => "TooEarly",
            426 => "UpgradeRequired",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            431 => "RequestHeaderFieldsTooLarge",
            451 => "UnavailableForLegalReasons",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            505 => "HttpVersionNotSupported",
            507 => "InsufficientStorage",
            other => return format!("Status{other}"),
        }
        .to_owned(),
    }
}

fn lower_security(
    lowerer: &mut Lowerer<'_>,
    op: &openapiv3::Operation,
    schemes: &[SecurityScheme],
    pointer: &str,
) -> Vec<Vec<usize>> {
    let (requirements, at) = match &op.security {
        Some(list) => (list, join(pointer, &["security"])),
        None => match &lowerer.spec.security {
            Some(list) => (list, "#/security".to_owned()),
            None => return Vec::new(),
        },
    };
    // An alternative naming an undefined scheme cannot be satisfied: it is dropped with a
    // warning, as other generators do. Dropping every alternative of a non-empty list leaves the
    // operation without authentication, which the warning says.
    let mut out = Vec::new();
    let mut undefined = Vec::new();
    for (index, requirement) in requirements.iter().enumerate() {
        let mut alternative = Vec::new();
        let mut missing = None;
        for name in requirement.keys() {
            match schemes.iter().position(|s| &s.wire_name == name) {
                Some(i) => alternative.push(i),
                None => missing = missing.or(Some(name.as_str())),
            }
        }
        match missing {
            Some(name) => undefined.push((join(&at, &[&index.to_string()]), name)),
            None => out.push(alternative),
        }
    }
    let none_left = out.is_empty() && !requirements.is_empty();
    for (pointer, name) in undefined {
        lowerer.warn(catalog::undefined_security_scheme(
            &pointer, name, none_left,
        ));
    }
    out
}
