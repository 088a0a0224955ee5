//! Spells IR types as the emitted code does (models, client arguments, server inputs, response
//! variants), for comparing two versions and for code written against a generated crate; it must
//! follow `emit/` (a rule changed there is changed here).

use std::collections::BTreeMap;

use crate::ir::{Api, Field, Media, Param, Presence, RequestBody, ResponseBody, Type, TypeKind};

/// How a named type is spelled: `model::Name` (the default), or a renamed one under another
/// name (the old version's types, spelled as the new version names them, so a rename is
/// reported once and not at every use).
#[derive(Debug, Clone, Copy)]
pub struct Spelling<'a> {
    /// The path before a model type's name (`model::`, `my_crate::model::`).
    pub model: &'a str,
    /// Full std paths (`::std::string::String`) for code; short ones for people.
    pub full_paths: bool,
    /// Old name to new name, for types matched across versions under another name.
    pub renames: Option<&'a BTreeMap<String, String>>,
    /// Whether aliases are written out (`String` for `type Name = String;`): two versions whose
    /// aliases differ but whose types are the same are the same to the compiler.
    pub expand_aliases: bool,
}

impl<'a> Spelling<'a> {
    /// Short paths, aliases expanded: what comparisons and messages use.
    pub fn compare(renames: Option<&'a BTreeMap<String, String>>) -> Self {
        Spelling {
            model: "model::",
            full_paths: false,
            renames,
            expand_aliases: true,
        }
    }

    /// Full paths under `model` (`my_crate::model::`), aliases by name: code a user writes.
    pub fn code(model: &'a str) -> Self {
        Spelling {
            model,
            full_paths: true,
            renames: None,
            expand_aliases: false,
        }
    }

    fn std(&self, full: &str, short: &str) -> String {
        if self.full_paths {
            full.to_owned()
        } else {
            short.to_owned()
        }
    }
}

/// How deep aliases of aliases are followed; lowering keeps alias chains finite (an alias that
/// contains itself is a newtype), this only bounds a malformed IR.
const MAX_ALIAS_DEPTH: usize = 64;

/// The Rust type of an IR type expression.
pub fn type_text(api: &Api, ty: &Type, spelling: Spelling) -> String {
    type_text_at(api, ty, spelling, 0)
}

fn type_text_at(api: &Api, ty: &Type, s: Spelling, depth: usize) -> String {
    match ty {
        Type::Named(id) => {
            let Some(def) = api.types.defs.get(id.0) else {
                return "?".to_owned();
            };
            if s.expand_aliases && depth < MAX_ALIAS_DEPTH {
                if let TypeKind::Alias(inner) = &def.kind {
                    return type_text_at(api, inner, s, depth + 1);
                }
            }
            let name = s
                .renames
                .and_then(|r| r.get(&def.rust_name))
                .unwrap_or(&def.rust_name);
            format!("{}{}", s.model, name)
        }
        Type::String => s.std("::std::string::String", "String"),
        Type::Bool => "bool".to_owned(),
        Type::I32 => "i32".to_owned(),
        Type::I64 => "i64".to_owned(),
        Type::F32 => "f32".to_owned(),
        Type::F64 => "f64".to_owned(),
        Type::Uuid => s.std("::uuid::Uuid", "Uuid"),
        Type::DateTime => s.std("::chrono::DateTime<::chrono::Utc>", "DateTime<Utc>"),
        Type::Date => s.std("::chrono::NaiveDate", "NaiveDate"),
        Type::Binary => s.std("::openapi_gen_runtime::Base64", "Base64"),
        Type::Array(inner) => format!(
            "{}<{}>",
            s.std("::std::vec::Vec", "Vec"),
            type_text_at(api, inner, s, depth)
        ),
        Type::Map(inner) => format!(
            "{}<{}, {}>",
            s.std("::std::collections::BTreeMap", "BTreeMap"),
            s.std("::std::string::String", "String"),
            type_text_at(api, inner, s, depth)
        ),
        Type::Nullable(inner) => option(s, &type_text_at(api, inner, s, depth)),
        Type::Null => "()".to_owned(),
        Type::Any => s.std("::serde_json::Value", "Value"),
    }
}

fn option(s: Spelling, inner: &str) -> String {
    format!("{}<{inner}>", s.std("::std::option::Option", "Option"))
}

/// A struct field's type: boxed when it closes a cycle, wrapped in `Option` by its presence.
pub fn field_text(api: &Api, field: &Field, s: Spelling) -> String {
    let mut ty = type_text(api, &field.ty, s);
    if field.boxed {
        ty = format!("{}<{ty}>", s.std("::std::boxed::Box", "Box"));
    }
    match field.presence() {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => option(s, &ty),
        Presence::OptionalNullable => option(s, &option(s, &ty)),
    }
}

/// Whether the type is a string or an alias of one (taken as `&str` by the client).
pub fn is_string_like(api: &Api, ty: &Type) -> bool {
    let mut ty = ty;
    for _ in 0..MAX_ALIAS_DEPTH {
        match ty {
            Type::String => return true,
            Type::Named(id) => match api.types.defs.get(id.0).map(|d| &d.kind) {
                Some(TypeKind::Alias(inner)) => ty = inner,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// Whether the client takes the type by value.
pub fn is_copy_scalar(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Bool | Type::I32 | Type::I64 | Type::F32 | Type::F64 | Type::Uuid | Type::Date
    )
}

/// How the client method takes a required parameter: `&str`, a scalar by value, `&[T]` or `&T`.
pub fn param_arg_text(api: &Api, param: &Param, s: Spelling) -> String {
    if is_string_like(api, &param.ty) {
        "&str".to_owned()
    } else if is_copy_scalar(&param.ty) {
        type_text(api, &param.ty, s)
    } else if let Type::Array(item) = &param.ty {
        format!("&[{}]", type_text(api, item, s))
    } else {
        format!("&{}", type_text(api, &param.ty, s))
    }
}

/// The type of an optional parameter's field in the options struct, and of any parameter's
/// field in the server's input: `T`, or `Option<T>` for an optional one.
pub fn param_field_text(api: &Api, param: &Param, s: Spelling) -> String {
    let ty = type_text(api, &param.ty, s);
    if param.required {
        ty
    } else {
        option(s, &ty)
    }
}

/// How the client method takes the request body.
pub fn body_arg_text(api: &Api, body: &RequestBody, s: Spelling, stream_path: &str) -> String {
    let ty = match body.media {
        Media::Text => "&str".to_owned(),
        Media::Binary | Media::EventStream | Media::JsonLines => format!("{stream_path}ByteStream"),
        _ => format!("&{}", type_text(api, &body.ty, s)),
    };
    if body.required {
        ty
    } else {
        option(s, &ty)
    }
}

/// The type of the server input's `body` field.
pub fn body_field_text(api: &Api, body: &RequestBody, s: Spelling, stream_path: &str) -> String {
    let ty = match body.media {
        Media::Text => s.std("::std::string::String", "String"),
        Media::Binary | Media::EventStream | Media::JsonLines => format!("{stream_path}ByteStream"),
        _ => type_text(api, &body.ty, s),
    };
    if body.required {
        ty
    } else {
        option(s, &ty)
    }
}

/// The type a response variant holds as its body.
pub fn response_body_text(
    api: &Api,
    body: &ResponseBody,
    s: Spelling,
    stream_path: &str,
) -> String {
    let item = || type_text(api, &body.ty, s);
    match body.media {
        Media::Text => s.std("::std::string::String", "String"),
        Media::Binary => format!("{stream_path}ByteStream"),
        Media::EventStream => format!("{stream_path}EventStream<{}>", item()),
        Media::JsonLines => format!("{stream_path}JsonLines<{}>", item()),
        Media::Json | Media::Form | Media::Multipart => item(),
    }
}
