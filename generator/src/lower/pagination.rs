//! Which operations page, and how: read once over the lowered API, so the client's emitter only
//! translates [`Pagination`] into a `<method>_all` stream.
//!
//! A rule decides first: the caller's (`Config::pagination`), else the operation's
//! `x-pagination` extension. Without one the common conventions are recognised, in this order:
//! a declared `Link` response header (`rel="next"`); a cursor parameter (`after`, `page_token`,
//! `starting_after`, ...) with a next-cursor field in the answer (`next_cursor`, `last_id`,
//! `nextPageToken`, ...); a field holding the next page's URL (`nextLink`, `links.next`,
//! `next`); a cursor parameter that takes the last item's `id`; an offset parameter; a page
//! number parameter. The items are the answer itself when it is an array, else its one array
//! field (or the one with a conventional name: `data`, `items`, `results`, ...).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostics::{catalog, Diagnostics};
use crate::ir::{
    Api, CursorSource, FieldStep, Media, Method, Operation, PageStyle, Pagination, Param,
    ParamLocation, StatusMatch, StructDef, Type, TypeKind,
};

/// Names are compared lowercased, without `_`, `-`, `.`, `@` and `$`.
fn normal(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | '@' | '$'))
        .flat_map(char::to_lowercase)
        .collect()
}

const ITEM_FIELDS: &[&str] = &[
    "data", "items", "results", "records", "entries", "values", "value", "elements", "content",
    "list", "nodes", "objects", "rows", "hits",
];
const CURSOR_PARAMS: &[&str] = &[
    "after",
    "cursor",
    "startingafter",
    "pagetoken",
    "nexttoken",
    "nextpagetoken",
    "continuationtoken",
    "continuetoken",
    "marker",
    "startid",
    "startafter",
    "afterid",
    "pagecursor",
    "startcursor",
    "nextcursor",
    "skiptoken",
];
/// Cursor parameters whose value, by convention, is the last item's id.
const LAST_ITEM_PARAMS: &[&str] = &["after", "startingafter", "startid", "startafter", "afterid"];
const CURSOR_FIELDS: &[&str] = &[
    "nextcursor",
    "nextpagetoken",
    "nexttoken",
    "continuationtoken",
    "continuetoken",
    "nextmarker",
    "lastid",
    "endcursor",
    "nextpagecursor",
    "cursor",
    "next",
];
const NEXT_URL_FIELDS: &[&str] = &[
    "nextlink",
    "odatanextlink",
    "nexturl",
    "nextpageurl",
    "nextpagelink",
    "next",
];
const HAS_MORE_FIELDS: &[&str] = &["hasmore", "hasnext", "hasnextpage", "more"];
const OFFSET_PARAMS: &[&str] = &["offset", "skip", "start"];
const PAGE_PARAMS: &[&str] = &["page", "pagenumber", "pagenum", "pageno"];

/// A pagination rule: the `x-pagination` extension's shape, and `Config::pagination`'s.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Rule {
    style: RuleStyle,
    /// The query parameter that moves (cursor, offset, page).
    param: Option<String>,
    /// The answer's field holding the items; absent when the answer is the array.
    items: Option<String>,
    /// The field (dotted path) holding the next cursor, or the next page's URL.
    next: Option<String>,
    /// The field (dotted path) of the last item whose value is the next cursor.
    cursor_from_last_item: Option<String>,
    /// A boolean field (dotted path) saying whether more pages follow.
    has_more: Option<String>,
    /// The number of the first page (default 1).
    first_page: Option<u64>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
enum RuleStyle {
    Cursor,
    Offset,
    Page,
    Link,
    NextUrl,
    None,
}

/// Sets each operation's `pagination`; `rules` are the caller's, by operationId.
pub fn detect(
    api: &mut Api,
    rules: &BTreeMap<String, serde_json::Value>,
    warnings: &mut Diagnostics,
) {
    let found: Vec<Option<Pagination>> = api
        .operations
        .iter()
        .map(|op| {
            let (rule, at) = match rules.get(&op.wire_name) {
                Some(rule) => (
                    Some(rule),
                    format!("Config::pagination(\"{}\")", op.wire_name),
                ),
                None => (op.x_pagination.as_ref(), "x-pagination".to_owned()),
            };
            match rule {
                Some(rule) => match from_rule(api, op, rule) {
                    Ok(found) => found,
                    Err(reason) => {
                        let pointer = crate::diagnostics::join(&op.pointer, &["x-pagination"]);
                        warnings.push(catalog::pagination_rule(&pointer, &at, &reason));
                        None
                    }
                },
                None => detect_one(api, op, warnings),
            }
        })
        .collect();
    for (op, found) in api.operations.iter_mut().zip(found) {
        op.pagination = found;
    }
}

/// The page: the answer's variant and type, when the operation can page at all (a read without a
/// body whose first 2xx answer is JSON).
struct Page<'a> {
    variant: &'a str,
    is_tuple: bool,
    declares_link: bool,
    ty: &'a Type,
}

fn page_of(op: &Operation) -> Option<Page<'_>> {
    if !matches!(op.method, Method::Get | Method::Query) || op.body.is_some() {
        return None;
    }
    let response = op.responses.iter().find(|r| {
        !r.alternative
            && match r.status {
                StatusMatch::Code(code) => (200..300).contains(&code),
                StatusMatch::Range(class) => class == 2,
                StatusMatch::Default => false,
            }
    })?;
    let body = response.body.as_ref().filter(|b| b.media == Media::Json)?;
    Some(Page {
        variant: &response.rust_name,
        is_tuple: matches!(response.status, StatusMatch::Code(_))
            && response.headers_type.is_none(),
        declares_link: response
            .headers
            .iter()
            .any(|h| h.wire_name.eq_ignore_ascii_case("link")),
        ty: &body.ty,
    })
}

/// Follows named aliases to the type underneath.
fn resolve<'a>(api: &'a Api, mut ty: &'a Type) -> &'a Type {
    for _ in 0..16 {
        match ty {
            Type::Named(id) => match &api.types.get(*id).kind {
                TypeKind::Alias(inner) => ty = inner,
                _ => return ty,
            },
            _ => return ty,
        }
    }
    ty
}

fn struct_of<'a>(api: &'a Api, ty: &'a Type) -> Option<&'a StructDef> {
    match resolve(api, ty) {
        Type::Named(id) => match &api.types.get(*id).kind {
            TypeKind::Struct(def) => Some(def),
            _ => None,
        },
        _ => None,
    }
}

fn array_item<'a>(api: &'a Api, ty: &'a Type) -> Option<&'a Type> {
    match resolve(api, ty) {
        Type::Array(item) => Some(item),
        _ => None,
    }
}

/// The page's items: `(None, item)` when the answer is the array, else its array field.
/// `Err` with the candidates when several fields could be it.
#[allow(clippy::type_complexity)]
fn items_of<'a>(
    api: &'a Api,
    ty: &'a Type,
) -> Result<Option<(Option<FieldStep>, &'a Type)>, Vec<String>> {
    if let Some(item) = array_item(api, ty) {
        return Ok(Some((None, item)));
    }
    let Some(page) = struct_of(api, ty) else {
        return Ok(None);
    };
    let arrays: Vec<_> = page
        .fields
        .iter()
        .filter(|f| !f.boxed)
        .filter_map(|f| array_item(api, &f.ty).map(|item| (f, item)))
        .collect();
    let chosen = match arrays.as_slice() {
        [] => return Ok(None),
        [one] => *one,
        several => {
            let named: Vec<_> = several
                .iter()
                .filter(|(f, _)| ITEM_FIELDS.contains(&normal(&f.wire_name).as_str()))
                .collect();
            match named.as_slice() {
                [one] => **one,
                _ => return Err(several.iter().map(|(f, _)| f.wire_name.clone()).collect()),
            }
        }
    };
    let (field, item) = chosen;
    Ok(Some((Some(step(field)), item)))
}

fn step(field: &crate::ir::Field) -> FieldStep {
    FieldStep {
        rust_name: field.rust_name.clone(),
        presence: field.presence(),
    }
}

/// A field at most `depth` levels into `ty` (through struct fields) whose normalized name is one
/// of `names` (in their order of preference, nearer fields first) and whose type passes `fits`.
fn find_field(
    api: &Api,
    ty: &Type,
    names: &[&str],
    depth: usize,
    fits: &dyn Fn(&Type) -> bool,
) -> Option<Vec<FieldStep>> {
    let page = struct_of(api, ty)?;
    for name in names {
        if let Some(field) = page
            .fields
            .iter()
            .find(|f| !f.boxed && normal(&f.wire_name) == *name && fits(resolve(api, &f.ty)))
        {
            return Some(vec![step(field)]);
        }
    }
    if depth > 1 {
        for field in page.fields.iter().filter(|f| !f.boxed) {
            if let Some(mut rest) = find_field(api, &field.ty, names, depth - 1, fits) {
                rest.insert(0, step(field));
                return Some(rest);
            }
        }
    }
    None
}

/// A field by its dotted wire path (`links.next`).
fn field_at(
    api: &Api,
    ty: &Type,
    path: &str,
    fits: &dyn Fn(&Type) -> bool,
) -> Result<Vec<FieldStep>, String> {
    let mut steps = Vec::new();
    let mut ty = ty;
    let parts: Vec<&str> = path.split('.').collect();
    for (index, part) in parts.iter().enumerate() {
        let page = struct_of(api, ty)
            .ok_or_else(|| format!("`{path}`: `{part}` is not inside an object"))?;
        let field = page
            .fields
            .iter()
            .find(|f| f.wire_name == *part && !f.boxed)
            .ok_or_else(|| format!("`{path}`: there is no field `{part}`"))?;
        if index + 1 == parts.len() && !fits(resolve(api, &field.ty)) {
            return Err(format!("`{path}` is not of the type this needs"));
        }
        steps.push(step(field));
        ty = &field.ty;
    }
    Ok(steps)
}

fn is_text(ty: &Type) -> bool {
    matches!(ty, Type::String | Type::Uuid | Type::I32 | Type::I64)
}

fn is_url(ty: &Type) -> bool {
    matches!(ty, Type::String)
}

fn is_number(ty: &Type) -> bool {
    matches!(ty, Type::I32 | Type::I64 | Type::F32 | Type::F64)
}

fn is_bool(ty: &Type) -> bool {
    matches!(ty, Type::Bool)
}

/// The optional query parameter named like one of `names` (in their order), of a type `fits`.
fn param_named<'a>(
    op: &'a Operation,
    names: &[&str],
    fits: fn(&Type) -> bool,
) -> Option<&'a Param> {
    names.iter().find_map(|name| {
        op.params.iter().find(|p| {
            !p.required
                && p.location == ParamLocation::Query
                && normal(&p.wire_name) == *name
                && fits(&p.ty)
        })
    })
}

fn pagination(
    page: &Page<'_>,
    items: Option<FieldStep>,
    item: &Type,
    style: PageStyle,
    has_more: Option<Vec<FieldStep>>,
    summary: String,
) -> Pagination {
    Pagination {
        style,
        variant: page.variant.to_owned(),
        variant_is_tuple: page.is_tuple,
        items,
        item: item.clone(),
        has_more,
        summary,
    }
}

fn wire_path(api: &Api, ty: &Type, steps: &[FieldStep]) -> String {
    let mut names = Vec::new();
    let mut ty = ty;
    for step in steps {
        let Some(field) = struct_of(api, ty)
            .and_then(|s| s.fields.iter().find(|f| f.rust_name == step.rust_name))
        else {
            break;
        };
        names.push(field.wire_name.as_str());
        ty = &field.ty;
    }
    names.join(".")
}

/// The conventions, in order; a warning when the operation looks paged but its items cannot be
/// told, or when two parameter conventions both fit.
fn detect_one(api: &Api, op: &Operation, warnings: &mut Diagnostics) -> Option<Pagination> {
    let page = page_of(op)?;
    let cursor = param_named(op, CURSOR_PARAMS, is_text);
    let offset = param_named(op, OFFSET_PARAMS, is_number);
    let number = param_named(op, PAGE_PARAMS, is_number);
    let next_url = find_field(api, page.ty, NEXT_URL_FIELDS, 2, &is_url);
    let signals = page.declares_link
        || cursor.is_some()
        || offset.is_some()
        || number.is_some()
        || next_url.is_some();
    if !signals {
        return None;
    }
    let (items, item) = match items_of(api, page.ty) {
        Ok(Some(found)) => found,
        Ok(None) => return None,
        Err(candidates) => {
            warnings.push(catalog::pagination_items_ambiguous(
                &op.pointer,
                &candidates,
            ));
            return None;
        }
    };
    let items_text = match &items {
        Some(_) => format!("items in `{}`", wire_path(api, page.ty, items.as_slice())),
        None => "the answer is the items".to_owned(),
    };
    let has_more = find_field(api, page.ty, HAS_MORE_FIELDS, 2, &is_bool);
    let more_text = |has_more: &Option<Vec<FieldStep>>| match has_more {
        Some(steps) => format!(", while `{}` is true", wire_path(api, page.ty, steps)),
        None => String::new(),
    };
    if page.declares_link {
        let summary = format!("the `Link` header's `rel=\"next\"` URL; {items_text}");
        return Some(pagination(
            &page,
            items,
            item,
            PageStyle::Link,
            None,
            summary,
        ));
    }
    let by_params = [cursor.is_some(), offset.is_some(), number.is_some()]
        .iter()
        .filter(|x| **x)
        .count();
    if by_params > 1 {
        let names: Vec<&str> = [cursor, offset, number]
            .iter()
            .flatten()
            .map(|p| p.wire_name.as_str())
            .collect();
        warnings.push(catalog::pagination_ambiguous(&op.pointer, &names));
    }
    if let Some(param) = cursor {
        // A next-URL field under `links` is a URL even when a cursor parameter exists (the
        // runtime follows a next value that reads as a URL either way).
        // The value may be a cursor or the next page's URL (`next`, `links.next`): the runtime
        // follows one that reads as a URL, and sets the parameter to one that does not.
        if let Some(next) = find_field(api, page.ty, CURSOR_FIELDS, 2, &is_text) {
            let summary = format!(
                "`{}` set to `{}` from each answer (followed instead when it is a URL){}; {items_text}",
                param.wire_name,
                wire_path(api, page.ty, &next),
                more_text(&has_more)
            );
            let style = PageStyle::Cursor {
                param: param.rust_name.clone(),
                next: CursorSource::Field(next),
            };
            return Some(pagination(&page, items, item, style, has_more, summary));
        }
    }
    if let Some(next) = next_url {
        let summary = format!(
            "the URL in `{}`; {items_text}",
            wire_path(api, page.ty, &next)
        );
        return Some(pagination(
            &page,
            items,
            item,
            PageStyle::NextUrl { path: next },
            has_more,
            summary,
        ));
    }
    if let Some(param) = cursor {
        let id = LAST_ITEM_PARAMS
            .contains(&normal(&param.wire_name).as_str())
            .then(|| find_field(api, item, &["id"], 1, &is_text))
            .flatten();
        if let Some(id) = id {
            let summary = format!(
                "`{}` set to the last item's `id`{}; {items_text}",
                param.wire_name,
                more_text(&has_more)
            );
            let style = PageStyle::Cursor {
                param: param.rust_name.clone(),
                next: CursorSource::LastItem(id),
            };
            return Some(pagination(&page, items, item, style, has_more, summary));
        }
    }
    if let Some(param) = offset {
        let summary = format!(
            "`{}` advanced by each page's length{}; {items_text}",
            param.wire_name,
            more_text(&has_more)
        );
        let style = PageStyle::Offset {
            param: param.rust_name.clone(),
        };
        return Some(pagination(&page, items, item, style, has_more, summary));
    }
    if let Some(param) = number {
        let summary = format!(
            "`{}` counted from 1{}; {items_text}",
            param.wire_name,
            more_text(&has_more)
        );
        let style = PageStyle::Page {
            param: param.rust_name.clone(),
            first: 1,
        };
        return Some(pagination(&page, items, item, style, has_more, summary));
    }
    None
}

/// Pagination as a rule says; `Err` says what in the rule does not fit the operation.
fn from_rule(
    api: &Api,
    op: &Operation,
    rule: &serde_json::Value,
) -> Result<Option<Pagination>, String> {
    let rule: Rule = serde_json::from_value(rule.clone()).map_err(|e| e.to_string())?;
    if rule.style == RuleStyle::None {
        return Ok(None);
    }
    let page = page_of(op)
        .ok_or("the operation is not a read without a body answering JSON for a 2xx status")?;
    let (items, item) = match &rule.items {
        Some(name) => {
            let field = struct_of(api, page.ty)
                .and_then(|s| s.fields.iter().find(|f| f.wire_name == *name && !f.boxed))
                .ok_or_else(|| format!("`items`: the answer has no field `{name}`"))?;
            let item = array_item(api, &field.ty)
                .ok_or_else(|| format!("`items`: `{name}` is not an array"))?;
            (Some(step(field)), item)
        }
        None => match items_of(api, page.ty) {
            Ok(Some(found)) => found,
            Ok(None) => {
                return Err("`items`: the answer is not an array and has no array field".to_owned())
            }
            Err(candidates) => {
                return Err(format!(
                    "`items`: say which of `{}` holds the items",
                    candidates.join("`, `")
                ))
            }
        },
    };
    let param = |fits: fn(&Type) -> bool| -> Result<String, String> {
        let name = rule
            .param
            .as_deref()
            .ok_or("`param` names the query parameter that moves")?;
        op.params
            .iter()
            .find(|p| p.wire_name == name && p.location == ParamLocation::Query)
            .filter(|p| !p.required && fits(&p.ty))
            .map(|p| p.rust_name.clone())
            .ok_or_else(|| format!("`param`: `{name}` is not an optional query parameter of a type this style moves"))
    };
    let has_more = rule
        .has_more
        .as_deref()
        .map(|path| field_at(api, page.ty, path, &is_bool))
        .transpose()?;
    let style = match rule.style {
        RuleStyle::Cursor => {
            let param = param(is_text)?;
            let next = match (&rule.next, &rule.cursor_from_last_item) {
                (Some(path), None) => CursorSource::Field(field_at(api, page.ty, path, &is_text)?),
                (None, Some(path)) => CursorSource::LastItem(field_at(api, item, path, &is_text)?),
                _ => {
                    return Err(
                        "a cursor rule names either `next` or `cursorFromLastItem`".to_owned()
                    )
                }
            };
            PageStyle::Cursor { param, next }
        }
        RuleStyle::Offset => PageStyle::Offset {
            param: param(is_number)?,
        },
        RuleStyle::Page => PageStyle::Page {
            param: param(is_number)?,
            first: rule.first_page.unwrap_or(1),
        },
        RuleStyle::Link => PageStyle::Link,
        RuleStyle::NextUrl => {
            let path = rule
                .next
                .as_deref()
                .ok_or("a nextUrl rule names the field in `next`")?;
            PageStyle::NextUrl {
                path: field_at(api, page.ty, path, &is_url)?,
            }
        }
        RuleStyle::None => unreachable!("returned above"),
    };
    let summary = "the rule given in `x-pagination` (or the generator's configuration)".to_owned();
    Ok(Some(pagination(
        &page, items, item, style, has_more, summary,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_and_separators() {
        assert_eq!(normal("page_token"), "pagetoken");
        assert_eq!(normal("nextPageToken"), "nextpagetoken");
        assert_eq!(normal("@odata.nextLink"), "odatanextlink");
        assert_eq!(normal("$skip"), "skip");
    }

    #[test]
    fn a_rule_of_an_unknown_shape_is_refused() {
        let rule: Result<Rule, _> =
            serde_json::from_value(serde_json::json!({"style": "sideways"}));
        assert!(rule.is_err());
        let rule: Result<Rule, _> =
            serde_json::from_value(serde_json::json!({"style": "cursor", "parm": "x"}));
        assert!(rule.is_err());
    }
}
