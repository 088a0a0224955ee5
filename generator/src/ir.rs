//! The intermediate representation: plain, owned, sorted data that the emitters read.
//!
//! Lowering fills it from the spec; nothing here knows about `openapiv3` or about tokens.
//! Every named thing keeps its `wire_name` (as in the spec) beside its `rust_name`.

use std::collections::BTreeSet;

/// Index of a [`TypeDef`] in [`TypeSpace::defs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// A whole API, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    pub security_schemes: Vec<SecurityScheme>,
    pub types: TypeSpace,
    /// Sorted by `rust_name`.
    pub operations: Vec<Operation>,
    /// Requests the API sends to its subscribers (OpenAPI 3.1 `webhooks`), sorted by
    /// `rust_name`; each `path` is `/<webhook name>`, the route a generated receiver serves.
    pub webhooks: Vec<Operation>,
    /// Requests the API sends back to a URL its caller gave (operations' `callbacks`), sorted by
    /// `rust_name`; each `path` is `/<callback name>`, the route a generated receiver serves.
    pub callbacks: Vec<Operation>,
    /// Every tag any operation uses, sorted; operations without a tag get [`UNTAGGED`].
    pub tags: Vec<Tag>,
    /// A schema type is named like a std item (`Option`, `String`...), so `model.rs` must spell
    /// std items with absolute paths.
    pub model_shadows_std: bool,
    /// The `example`s of schemas and JSON bodies, sorted by pointer, one per place.
    pub examples: Vec<Example>,
    /// The constraint table that parameters' and bodies' `check`s index.
    pub checks: Checks,
    /// The constraints of response bodies and headers, which responses' `check`s index: never
    /// emitted, read at generation time to build values that satisfy them (the mock's answers,
    /// the router's refusals). Unlike [`Api::checks`], every node is kept, type rules included.
    pub response_checks: Checks,
    /// How the router answers what no operation is reached for (`404` for an unknown path, `405`
    /// for an unknown method): the error shape most operations use, else the router's own.
    pub refusals: Vec<Refusal>,
}

/// How the router answers one kind of refusal it writes itself, in the shape the description
/// documents for it (see `lower/refusals.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The refusal's own status (`400`, `401`, `404`, `405`, `413`, `415`).
    pub refused: u16,
    /// The status answered: the refused one when the description documents it, a `4XX` range or
    /// `default`, else the documented 4xx that stands in for it (`400` first).
    pub status: u16,
    /// Which documented response it is, as the description keys it (`400`, `4XX`, `default`).
    pub response: String,
    /// The documented response's media type; empty for a response documented without a body.
    pub content_type: String,
    /// The body: JSON built to the documented schema (or the text of a text body); `None`
    /// when the response has no body.
    pub body: Option<serde_json::Value>,
    /// Whether the body is JSON (else text, or none).
    pub json: bool,
    /// JSON pointers into `body` of the string fields that carry the refusal's message.
    pub message: Vec<String>,
    /// The documented response's required headers, with values built to their schemas.
    pub headers: Vec<(String, String)>,
}

/// The schema constraints requests are checked against, as data the runtime walks
/// (`openapi_gen_runtime::validate`): nodes refer to each other by index, node 0 accepts anything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks {
    pub nodes: Vec<Vec<Rule>>,
    /// Patterns that compile as ECMA-262 regular expressions, indexed by [`Rule::Pattern`].
    pub patterns: Vec<String>,
}

/// A numeric limit: integers exactly, other numbers as `f64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    Int(i64),
    Num(f64),
}

/// One constraint of a check node; each maps to one `validate::Check` of the runtime.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Type(JsonKind),
    Nullable,
    MinLength(u64),
    MaxLength(u64),
    Pattern(u32),
    /// A `format` the Rust type does not guarantee (`email`, `ipv4`, `ipv6`, `uri`).
    Format(String),
    /// Any other string `format` (`duration`, `byte`, `hostname`, `date`...): not checked, but
    /// it tells the value builder what shape of string to write.
    Shape(String),
    Minimum(Limit, bool),
    Maximum(Limit, bool),
    MultipleOf(Limit),
    MinItems(u64),
    MaxItems(u64),
    UniqueItems,
    Items(u32),
    MinProperties(u64),
    MaxProperties(u64),
    /// Declared properties: wire name, node, `readOnly`.
    Properties(Vec<(String, u32, bool)>),
    NoAdditional,
    Additional(u32),
    Enum(Vec<serde_json::Value>),
    AnyOf(Vec<u32>),
    /// Every node must match: a property that two `allOf` members declare.
    AllOf(Vec<u32>),
    /// A discriminated `oneOf`: the tag property and the node each value selects.
    OneOf(String, Vec<(String, u32)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
}

/// A schema's or JSON body's `example`, kept so the output can check that its type reads and
/// writes it unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where the example is written, as a JSON pointer (a schema, or a media type's `example`).
    pub pointer: String,
    /// The type the schema became (a named type, or an expression for inline scalars, arrays
    /// and maps).
    pub ty: Type,
    pub value: serde_json::Value,
}

/// The tag given to operations that have none.
pub const UNTAGGED: &str = "untagged";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub wire_name: String,
    /// kebab-case, used as a cargo feature name (`tag-<feature_name>`).
    pub feature_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    pub wire_name: String,
    /// snake_case, used for the client's setter and the server's credential field.
    pub rust_name: String,
    pub kind: SecurityKind,
    pub doc: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityKind {
    /// `Authorization: Bearer <token>` (http bearer, and OAuth2 / OpenID Connect access tokens).
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// A key in a header, query parameter or cookie, optionally behind a scheme prefix such as
    /// `Token` (read from the scheme's description when it shows one).
    ApiKey {
        location: ApiKeyLocation,
        name: String,
        prefix: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Header,
    Query,
    Cookie,
}

/// The arena of every named type, in the order they are emitted (sorted by `rust_name`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeSpace {
    pub defs: Vec<TypeDef>,
}

impl TypeSpace {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.0]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The component name, or the synthesized name of an inline schema.
    pub wire_name: String,
    pub rust_name: String,
    /// Where the schema is defined, as a JSON pointer.
    pub pointer: String,
    pub doc: Option<String>,
    pub kind: TypeKind,
    /// Which operations' tags reach this type (for per-tag features).
    pub reach: Reach,
}

/// Which tags need a type compiled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Reach {
    /// Every tag reaches it: always compiled.
    #[default]
    All,
    /// Only these tags (their `wire_name`s) reach it.
    Tags(BTreeSet<String>),
    /// No operation uses it.
    Unreferenced,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct(StructDef),
    Enum(EnumDef),
    /// `oneOf` with a discriminator property.
    Tagged(TaggedDef),
    /// `oneOf` / `anyOf` without a discriminator: the first variant that accepts the JSON wins.
    Untagged(Vec<UnionVariant>),
    /// A named schema that is not an object or enum (an array, a string, a map ...).
    Alias(Type),
    /// An alias that contains itself (`Dict: {additionalProperties: {$ref: Dict}}`): a type
    /// alias cannot name itself, so it is a struct wrapping the type, written as that type on
    /// the wire (`pub struct Dict(pub BTreeMap<String, Dict>)`).
    Newtype(Type),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    pub fields: Vec<Field>,
    /// Value type of extra keys (`additionalProperties`), collected into a flattened map.
    pub additional: Option<Type>,
    /// Set when a value of this type can hold another of it (through fields, arrays, maps or
    /// unions): only such types can nest as deep as the input does, so only their readers
    /// check the stack.
    pub recursive: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: Type,
    pub required: bool,
    pub nullable: bool,
    pub doc: Option<String>,
    pub read_only: bool,
    pub write_only: bool,
    /// The spec's `default`, as JSON.
    pub default: Option<serde_json::Value>,
    /// Set when the field closes a by-value cycle and must be boxed.
    pub boxed: bool,
}

impl Field {
    /// How the field is represented: `T`, `Option<T>` or `Option<Option<T>>`.
    pub fn presence(&self) -> Presence {
        match (self.required, self.nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        }
    }
}

/// Absent, null and a value are distinct only where the spec makes them so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// `T`.
    Required,
    /// `Option<T>`, always serialized (`null` when `None`).
    RequiredNullable,
    /// `Option<T>`, skipped when `None`.
    Optional,
    /// `Option<Option<T>>`: absent, `null`, or a value.
    OptionalNullable,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    pub variants: Vec<EnumVariant>,
    pub repr: EnumRepr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    String,
    Integer,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumVariant {
    /// The JSON value: a string, or an integer's decimal text.
    pub wire_name: String,
    pub rust_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedDef {
    /// The discriminator property.
    pub tag: String,
    pub variants: Vec<TaggedVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    /// Discriminator values that select this variant (the first is written back).
    pub tag_values: Vec<String>,
    /// False when every value this variant would take selects another variant (a `$ref` listed
    /// twice, a mapping that sends the variant's name elsewhere): it is written with
    /// `tag_values[0]` but reading never selects it.
    pub readable: bool,
    pub rust_name: String,
    pub ty: Type,
    /// Set when the variant closes a by-value cycle and must be boxed.
    pub boxed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: Type,
    /// The one string this variant stands for, when the member was a string `enum` (or `const`):
    /// a unit variant that reads and writes that string. `ty` is then [`Type::String`].
    pub literal: Option<String>,
    /// Set when the variant closes a by-value cycle (`A: oneOf: [$ref: B]`, `B: oneOf: [$ref: A]`)
    /// and must be boxed.
    pub boxed: bool,
}

/// A type expression.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Type {
    Named(TypeId),
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    Uuid,
    DateTime,
    Date,
    /// `format: binary` outside JSON: raw bytes.
    Binary,
    Array(Box<Type>),
    /// An object with string keys and values of the inner type.
    Map(Box<Type>),
    /// An array item or map value whose schema admits `null`: `Option<T>`.
    Nullable(Box<Type>),
    /// `null` and nothing else (`enum: [null]`): `()`, which serde reads from `null` only and
    /// writes as `null`.
    Null,
    /// Anything: `serde_json::Value`.
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
    /// OpenAPI 3.2's `query` (the HTTP QUERY method: a safe request with a body).
    Query,
    /// A method of OpenAPI 3.2's `additionalOperations`, as written (an HTTP token).
    Other(String),
}

impl Method {
    /// The method as sent on the wire (`GET`, `QUERY`, `PURGE`).
    pub fn as_str(&self) -> &str {
        match self {
            Method::Query => "QUERY",
            Method::Other(name) => name,
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The operationId, or one synthesized from method and path.
    pub wire_name: String,
    /// snake_case method name.
    pub rust_name: String,
    /// UpperCamelCase stem for the operation's types (`CreateOrganization` -> `CreateOrganizationResponse`).
    pub type_stem: String,
    pub method: Method,
    /// The path template as in the spec (`/rest/organizations/{organizationId}`).
    pub path: String,
    pub pointer: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub tags: Vec<String>,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub responses: Vec<Response>,
    /// Alternatives, each a set of scheme indexes into [`Api::security_schemes`] that must all hold.
    /// Empty means no authentication.
    pub security: Vec<Vec<usize>>,
    /// How the router answers the refusals it writes for this operation (`400`, `401`, `413`,
    /// `415`), one per refused status; empty when the operation documents no 4xx and no
    /// `default`, so the router answers in its own shape.
    pub refusals: Vec<Refusal>,
    /// Names of the operation-level types (input, options, response).
    pub names: OperationNames,
    /// The operation's `x-pagination` extension, as written (read by the pagination pass).
    pub x_pagination: Option<serde_json::Value>,
    /// How the operation's answers page, when they do (the client's `<method>_all`).
    pub pagination: Option<Pagination>,
}

/// How an operation pages: where a page's items are, and how the request for the next page is
/// made from the answer to this one.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    pub style: PageStyle,
    /// The response variant that holds a page (the first 2xx with a JSON body).
    pub variant: String,
    /// Whether that variant is a tuple of the body alone (`Ok(body)`), not `Ok { body, .. }`.
    pub variant_is_tuple: bool,
    /// The page's field holding the items; `None` when the body is the array.
    pub items: Option<FieldStep>,
    pub item: Type,
    /// A boolean field saying whether more pages follow (`has_more`).
    pub has_more: Option<Vec<FieldStep>>,
    /// How the generator found it, in words, for the method's documentation.
    pub summary: String,
}

/// One field on the way to a value inside a page: its Rust name and how it is represented.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldStep {
    pub rust_name: String,
    pub presence: Presence,
}

/// What moves from one page to the next.
#[derive(Debug, Clone, PartialEq)]
pub enum PageStyle {
    /// An optional query parameter (`after`, `page_token`) set to a cursor read from the answer.
    Cursor { param: String, next: CursorSource },
    /// An optional query parameter counting items to skip, advanced by each page's length.
    Offset { param: String },
    /// An optional query parameter numbering pages from `first`.
    Page { param: String, first: u64 },
    /// The `Link` header's `rel="next"` URL.
    Link,
    /// A field of the answer holding the next page's URL (`nextLink`, `links.next`).
    NextUrl { path: Vec<FieldStep> },
}

/// Where a cursor comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum CursorSource {
    /// A field of the page (`next_cursor`, `last_id`, `response_metadata.next_cursor`).
    Field(Vec<FieldStep>),
    /// A field of the page's last item (`id`, for `starting_after`).
    LastItem(Vec<FieldStep>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationNames {
    /// Everything the server hands the implementation.
    pub input: String,
    /// The optional parameters of the client method.
    pub options: String,
    /// One variant per documented status.
    pub response: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub ty: Type,
    pub required: bool,
    /// For arrays in the query: repeated keys (`true`, the default) or one value of items joined
    /// by `separator`.
    pub explode: bool,
    /// What joins the items of an array that is not exploded: `,` (`form`, `simple`), ` `
    /// (`spaceDelimited`) or `|` (`pipeDelimited`).
    pub separator: char,
    pub doc: Option<String>,
    /// The [`Checks`] node the value must match, when its schema constrains it.
    pub check: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Path,
    Query,
    /// OpenAPI 3.2 `in: querystring`: the whole query string is the one value, form-encoded.
    QueryString,
    Header,
    Cookie,
}

impl ParamLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::QueryString => "querystring",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    pub media: Media,
    /// The content type sent (`application/json`, `multipart/form-data`, ...).
    pub content_type: String,
    pub ty: Type,
    pub required: bool,
    pub doc: Option<String>,
    /// The [`Checks`] node the body must match, when its schema constrains it.
    pub check: Option<u32>,
}

/// How a body is encoded on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Json,
    Form,
    Multipart,
    Text,
    /// Raw bytes; a response body is read as a stream of chunks, never whole.
    Binary,
    /// Server-sent events (`text/event-stream`), a response only: the body's type is each
    /// event's `data`.
    EventStream,
    /// JSON Lines, NDJSON or JSON text sequences, a response only: the body's type is each
    /// item's.
    JsonLines,
}

impl Media {
    /// Whether the body is read as a sequence of items (or chunks) as it arrives.
    pub fn is_streamed(self) -> bool {
        matches!(self, Media::Binary | Media::EventStream | Media::JsonLines)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: StatusMatch,
    /// The variant name in the operation's response enum (`Created`, `Conflict`, `Status418`).
    pub rust_name: String,
    pub doc: Option<String>,
    pub body: Option<ResponseBody>,
    pub headers: Vec<ResponseHeader>,
    /// Name of the struct holding the typed headers, when there are any.
    pub headers_type: Option<String>,
    /// A second media type documented for the same status (OpenAI's `text/event-stream` beside
    /// JSON): chosen only when the answer's `Content-Type` names it, before the status's
    /// first media type.
    pub alternative: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseBody {
    pub media: Media,
    pub content_type: String,
    pub ty: Type,
    /// The [`Api::response_checks`] node the body (each item of a stream) must match.
    pub check: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: Type,
    pub required: bool,
    pub doc: Option<String>,
    /// The [`Api::response_checks`] node the value must match.
    pub check: Option<u32>,
}

/// Which statuses a response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `1XX` ... `5XX`: the hundreds digit.
    Range(u16),
    Default,
}

impl Type {
    /// Rewrites every `TypeId` inside this type expression.
    pub fn remap(&mut self, map: &dyn Fn(TypeId) -> TypeId) {
        match self {
            Type::Named(id) => *id = map(*id),
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => inner.remap(map),
            _ => {}
        }
    }

    /// Every `TypeId` this expression names, by value or behind a container.
    pub fn named_ids(&self, out: &mut Vec<TypeId>) {
        match self {
            Type::Named(id) => out.push(*id),
            Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => inner.named_ids(out),
            _ => {}
        }
    }
}

impl TypeKind {
    /// Visits every type expression this definition holds.
    pub fn for_each_type_mut(&mut self, f: &mut dyn FnMut(&mut Type)) {
        match self {
            TypeKind::Struct(s) => {
                s.fields.iter_mut().for_each(|field| f(&mut field.ty));
                if let Some(extra) = &mut s.additional {
                    f(extra);
                }
            }
            TypeKind::Enum(_) => {}
            TypeKind::Tagged(t) => t.variants.iter_mut().for_each(|v| f(&mut v.ty)),
            TypeKind::Untagged(vs) => vs.iter_mut().for_each(|v| f(&mut v.ty)),
            TypeKind::Alias(t) | TypeKind::Newtype(t) => f(t),
        }
    }

    pub fn for_each_type(&self, f: &mut dyn FnMut(&Type)) {
        match self {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|field| f(&field.ty));
                if let Some(extra) = &s.additional {
                    f(extra);
                }
            }
            TypeKind::Enum(_) => {}
            TypeKind::Tagged(t) => t.variants.iter().for_each(|v| f(&v.ty)),
            TypeKind::Untagged(vs) => vs.iter().for_each(|v| f(&v.ty)),
            TypeKind::Alias(t) | TypeKind::Newtype(t) => f(t),
        }
    }
}

impl Operation {
    /// Visits every type expression of parameters, body, responses and response headers.
    pub fn for_each_type_mut(&mut self, f: &mut dyn FnMut(&mut Type)) {
        self.params.iter_mut().for_each(|p| f(&mut p.ty));
        if let Some(body) = &mut self.body {
            f(&mut body.ty);
        }
        for response in &mut self.responses {
            if let Some(body) = &mut response.body {
                f(&mut body.ty);
            }
            response.headers.iter_mut().for_each(|h| f(&mut h.ty));
        }
    }

    pub fn for_each_type(&self, f: &mut dyn FnMut(&Type)) {
        self.params.iter().for_each(|p| f(&p.ty));
        if let Some(body) = &self.body {
            f(&body.ty);
        }
        for response in &self.responses {
            if let Some(body) = &response.body {
                f(&body.ty);
            }
            response.headers.iter().for_each(|h| f(&h.ty));
        }
    }

    /// The required parameters in the order a client method takes them: path parameters in
    /// template order, then the others. A variable the template names twice (`/a/{id}/b/{id}`)
    /// is one argument. The emitted client and `diff` both follow it.
    pub fn required_in_call_order(&self) -> Vec<&Param> {
        let required: Vec<&Param> = self.params.iter().filter(|p| p.required).collect();
        let mut ordered: Vec<&Param> = Vec::new();
        for name in template_params(&self.path) {
            if let Some(p) = required
                .iter()
                .find(|p| p.location == ParamLocation::Path && p.wire_name == name)
            {
                if !ordered.iter().any(|o| std::ptr::eq(*o, *p)) {
                    ordered.push(p);
                }
            }
        }
        ordered.extend(
            required
                .iter()
                .filter(|p| p.location != ParamLocation::Path),
        );
        ordered
    }
}

/// Names of `{param}` segments in a path template, in order.
pub fn template_params(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    out
}

/// A path with its variables' names left out (`/a/{}`): what the server's router (axum's
/// matchit) tells routes apart by, so `/a/{id}` and `/a/{name}` are one route to it.
pub fn route_shape(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        shape.push_str(&rest[..=open]);
        shape.push('}');
        rest = &rest[open + close + 1..];
    }
    shape.push_str(rest);
    shape
}

/// Whether the server's router can register a path template: it starts with `/`, and in each
/// segment at most one variable, with nothing after it (`/files/{name}` and `/v{version}`, not
/// `/files/{name}.json`), no brace outside a variable, and no segment starting with `:` or `*`
/// (axum reads those as its old capture syntax).
pub fn server_routable(path: &str) -> bool {
    path.starts_with('/')
        && path.split('/').all(|segment| {
            if segment.starts_with([':', '*']) {
                return false;
            }
            match (segment.find('{'), segment.find('}')) {
                (None, None) => true,
                (Some(open), Some(close)) => {
                    let name = &segment[open + 1..close];
                    open < close
                        && close == segment.len() - 1
                        && !name.is_empty()
                        && !name.starts_with('*')
                        && !name.contains('{')
                }
                _ => false,
            }
        })
}

/// A path template without its selector: the part before `#`. Some descriptions tell operations
/// on one path apart by a parameter written after `#` (`/#Action=DescribeStacks`,
/// `/things/{id}#x-account-id`, as the public directory's AWS descriptions do), which the router
/// dispatches on (a header, else a query parameter, with the value when one is given).
pub fn route_base(path: &str) -> &str {
    path.split_once('#').map_or(path, |(base, _)| base)
}

/// Which operations the server routes, by index: those whose path it can register, except an
/// operation whose path has the same shape, selector and method as one before it in path order
/// (axum refuses a method twice on one route). The others are left out of the router
/// (`404`/`405`).
pub fn served_operations(operations: &[Operation]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..operations.len()).collect();
    order.sort_by(|a, b| operations[*a].path.cmp(&operations[*b].path));
    let mut served = vec![false; operations.len()];
    let mut taken = BTreeSet::new();
    for index in order {
        let op = &operations[index];
        served[index] = server_routable(route_base(&op.path))
            && taken.insert((route_shape(&op.path), op.method.clone()));
    }
    served
}

#[cfg(test)]
mod tests {
    use super::{route_base, route_shape, server_routable};

    #[test]
    fn route_shapes_and_what_the_router_can_match() {
        assert_eq!(route_shape("/a/{id}/b/{id}"), "/a/{}/b/{}");
        assert_eq!(route_shape("/v{version}/x"), "/v{}/x");
        assert_eq!(route_shape("/plain"), "/plain");
        assert_eq!(route_base("/#Action=DescribeStacks"), "/");
        assert_eq!(
            route_base("/v1/points/{name}#x-account-id"),
            "/v1/points/{name}"
        );
        assert_eq!(route_base("/plain"), "/plain");
        for path in [
            "/",
            "/a/{id}",
            "/a/{id}/{action}/{id}",
            "/v{version}",
            "/a-{b}/c",
        ] {
            assert!(server_routable(path), "{path}");
        }
        for path in [
            "a/{id}",
            "/files/{name}.json",
            "/{a}{b}",
            "/a/{}",
            "/a/{b",
            "/a/b}",
            "/a/:id",
            "/a/*rest",
            "/a/{*rest}",
        ] {
            assert!(!server_routable(path), "{path}");
        }
    }
}
