//! Builds JSON values that satisfy a schema at generation time: the IR type says what shape a
//! value has, and the response constraint table (`Api::response_checks`) what it must satisfy
//! (lengths, patterns, bounds, `multipleOf`, enums, formats, item and property counts,
//! `uniqueItems`, discriminators). Pure over the IR; the mock's answers and the router's
//! refusals are built here, and every built value is checked with [`violation`].

mod check;
mod pattern;

use serde_json::{Map, Value};

pub use check::{same, violation};

use crate::diagnostics::unescape_segment;
use crate::ir::{
    Api, EnumRepr, JsonKind, Limit, Operation, Response, Rule, StatusMatch, Type, TypeKind,
};

/// Past this depth, built values stop adding optional fields and array items.
const RICH_DEPTH: usize = 3;
/// Past this depth a required value that cannot be empty is `null` (only a type that contains
/// itself by required fields gets there, and no finite value of it exists).
const MAX_DEPTH: usize = 16;
/// How many references an alias node (`anyOf` of one node) is followed through.
const MAX_ALIASES: usize = 16;
/// The most items or entries a built array or map gets to reach a `minItems`/`minProperties`.
const MAX_COUNT: u64 = 64;

/// Builds values of an API's types to their response constraints.
pub struct Builder<'a> {
    api: &'a Api,
}

/// The constraints of one node, aliases followed (`anyOf` of one node, as `$ref` wrappers are
/// lowered), gathered for the builder.
#[derive(Default)]
struct Rules<'r> {
    kind: Option<JsonKind>,
    nullable: bool,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<&'r str>,
    format: Option<&'r str>,
    minimum: Option<(Limit, bool)>,
    maximum: Option<(Limit, bool)>,
    multiple_of: Option<Limit>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique: bool,
    items: u32,
    min_properties: Option<u64>,
    max_properties: Option<u64>,
    properties: Vec<(&'r str, u32)>,
    additional: u32,
    no_additional: bool,
    enumeration: Option<&'r [Value]>,
    any_of: Option<&'r [u32]>,
    one_of: Option<(&'r str, &'r [(String, u32)])>,
}

impl<'a> Builder<'a> {
    pub fn new(api: &'a Api) -> Self {
        Self { api }
    }

    /// A value of `ty` satisfying node `node` of the response table (0: no constraint).
    pub fn build(&self, ty: &Type, node: Option<u32>) -> Value {
        self.value(ty, node.unwrap_or(0), 0, 0)
    }

    /// The first constraint of node `node` of the response table that `value` breaks.
    pub fn violation_of(&self, node: Option<u32>, value: &Value) -> Option<String> {
        violation(&self.api.response_checks, node.unwrap_or(0), value)
    }

    /// The type and node of the value under `key` in a value of `ty` under `node` (a field, a
    /// declared property, or a map entry); `None` when `ty` holds no such value.
    pub fn child(&self, ty: &Type, node: u32, key: &str) -> Option<(Type, u32)> {
        let rules = self.rules(node);
        let declared = rules
            .properties
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, n)| *n);
        match ty {
            Type::Nullable(inner) => self.child(inner, node, key),
            Type::Map(value) => Some(((**value).clone(), declared.unwrap_or(rules.additional))),
            Type::Any => Some((Type::Any, declared.unwrap_or(rules.additional))),
            Type::Named(id) => match &self.api.types.get(*id).kind {
                TypeKind::Struct(def) => match def.fields.iter().find(|f| f.wire_name == key) {
                    Some(field) => Some((field.ty.clone(), declared.unwrap_or(0))),
                    None => def.additional.clone().map(|t| (t, rules.additional)),
                },
                TypeKind::Alias(inner) | TypeKind::Newtype(inner) => self.child(inner, node, key),
                TypeKind::Tagged(def) => {
                    let variant = def.variants.iter().find(|v| v.readable)?;
                    let tag = variant.tag_values.first();
                    let selected = rules.one_of.and_then(|(_, mapping)| {
                        mapping
                            .iter()
                            .find(|(v, _)| Some(v) == tag)
                            .map(|(_, n)| *n)
                    });
                    self.child(&variant.ty, selected.unwrap_or(0), key)
                }
                TypeKind::Untagged(variants) => {
                    let variant = variants.first()?;
                    let node = rules.any_of.and_then(|n| n.first().copied()).unwrap_or(0);
                    self.child(&variant.ty, node, key)
                }
                TypeKind::Enum(_) => None,
            },
            _ => None,
        }
    }

    /// The values a value of `ty` under `node` is limited to, when it is an enum.
    pub fn enum_values(&self, ty: &Type, node: u32) -> Vec<Value> {
        if let Some(values) = self.rules(node).enumeration {
            return values.to_vec();
        }
        match ty {
            Type::Nullable(inner) => self.enum_values(inner, node),
            Type::Named(id) => match &self.api.types.get(*id).kind {
                TypeKind::Enum(def) => def
                    .variants
                    .iter()
                    .filter_map(|v| match def.repr {
                        EnumRepr::String => Some(Value::from(v.wire_name.clone())),
                        EnumRepr::Integer => v.wire_name.parse::<i64>().ok().map(Value::from),
                    })
                    .collect(),
                TypeKind::Alias(inner) | TypeKind::Newtype(inner) => self.enum_values(inner, node),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn rules(&self, node: u32) -> Rules<'a> {
        let mut rules = Rules::default();
        let mut budget = MAX_ALIASES;
        self.gather(node, &mut rules, &mut budget);
        rules
    }

    /// Adds node `node`'s rules to `rules`, following aliases (`anyOf` of one node) and every
    /// node of an `allOf`, within `budget` nodes.
    fn gather(&self, node: u32, rules: &mut Rules<'a>, budget: &mut usize) {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let Some(list) = self.api.response_checks.nodes.get(node as usize) else {
            return;
        };
        for rule in list {
            match rule {
                Rule::Type(kind) => rules.kind = rules.kind.or(Some(*kind)),
                Rule::Nullable => rules.nullable = true,
                Rule::MinLength(n) => rules.min_length = Some(*n),
                Rule::MaxLength(n) => rules.max_length = Some(*n),
                Rule::Pattern(id) => {
                    rules.pattern = self
                        .api
                        .response_checks
                        .patterns
                        .get(*id as usize)
                        .map(String::as_str)
                }
                Rule::Format(f) | Rule::Shape(f) => rules.format = Some(f.as_str()),
                Rule::Minimum(l, e) => rules.minimum = Some((*l, *e)),
                Rule::Maximum(l, e) => rules.maximum = Some((*l, *e)),
                Rule::MultipleOf(l) => rules.multiple_of = Some(*l),
                Rule::MinItems(n) => rules.min_items = Some(*n),
                Rule::MaxItems(n) => rules.max_items = Some(*n),
                Rule::UniqueItems => rules.unique = true,
                Rule::Items(n) => rules.items = *n,
                Rule::MinProperties(n) => rules.min_properties = Some(*n),
                Rule::MaxProperties(n) => rules.max_properties = Some(*n),
                Rule::Properties(list) => {
                    for (name, n, _) in list {
                        if !rules.properties.iter().any(|(known, _)| known == name) {
                            rules.properties.push((name.as_str(), *n));
                        }
                    }
                }
                Rule::NoAdditional => rules.no_additional = true,
                Rule::Additional(n) => rules.additional = *n,
                Rule::Enum(values) => rules.enumeration = Some(values.as_slice()),
                Rule::AnyOf(nodes) if nodes.len() == 1 && nodes[0] != node => {
                    self.gather(nodes[0], rules, budget)
                }
                Rule::AnyOf(nodes) => rules.any_of = Some(nodes.as_slice()),
                Rule::AllOf(nodes) => {
                    for n in nodes.iter().filter(|n| **n != node) {
                        self.gather(*n, rules, budget);
                    }
                }
                Rule::OneOf(tag, mapping) => {
                    rules.one_of = Some((tag.as_str(), mapping.as_slice()))
                }
            }
        }
    }

    fn value(&self, ty: &Type, node: u32, depth: usize, nth: usize) -> Value {
        let rules = self.rules(node);
        let rich = depth < RICH_DEPTH;
        if let Some(values) = rules.enumeration {
            if let Some(value) = pick_enum(values, ty, nth) {
                return value;
            }
        }
        match ty {
            Type::String => Value::from(self.string(&rules, nth)),
            Type::Uuid => Value::from(uuid(nth)),
            Type::DateTime => Value::from(format!("2020-01-{:02}T00:00:00Z", 1 + nth % 28)),
            Type::Date => Value::from(format!("2020-01-{:02}", 1 + nth % 28)),
            Type::Binary => Value::from(base64(&rules, nth)),
            Type::Bool => Value::Bool(nth % 2 == 1),
            Type::I32 => integer(&rules, i64::from(i32::MIN), i64::from(i32::MAX), nth),
            Type::I64 => integer(&rules, i64::MIN, i64::MAX, nth),
            Type::F32 | Type::F64 => number(&rules, nth),
            Type::Array(item) => self.array(item, &rules, depth, nth),
            Type::Map(value) => self.map(value, &rules, depth, nth),
            Type::Nullable(_) | Type::Null if depth >= MAX_DEPTH => Value::Null,
            Type::Nullable(inner) => self.value(inner, node, depth, nth),
            Type::Null => Value::Null,
            Type::Any => self.any(&rules, depth, nth),
            Type::Named(_) if depth >= MAX_DEPTH => Value::Null,
            Type::Named(id) => match &self.api.types.get(*id).kind {
                TypeKind::Struct(def) => {
                    let declared = |name: &str| {
                        rules
                            .properties
                            .iter()
                            .find(|(known, _)| *known == name)
                            .map_or(0, |(_, n)| *n)
                    };
                    let mut object = Map::new();
                    let min = rules.min_properties.unwrap_or(0).min(MAX_COUNT) as usize;
                    let max = rules.max_properties.map_or(usize::MAX, |m| m as usize);
                    for (index, field) in def.fields.iter().enumerate() {
                        let wanted =
                            field.required || ((rich || object.len() < min) && object.len() < max);
                        if wanted {
                            let field_nth = if index == 0 { nth } else { 0 };
                            let node = declared(&field.wire_name);
                            let value = self.value(&field.ty, node, depth + 1, field_nth);
                            object.insert(field.wire_name.clone(), value);
                        }
                    }
                    if let Some(extra) = &def.additional {
                        let mut n = 0;
                        while object.len() < min && n < MAX_COUNT {
                            let key = format!("key{}", suffix(n as usize));
                            let value = self.value(extra, rules.additional, depth + 1, 0);
                            object.entry(key).or_insert(value);
                            n += 1;
                        }
                    }
                    Value::Object(object)
                }
                TypeKind::Enum(def) => {
                    if def.variants.is_empty() {
                        return Value::Null;
                    }
                    let variant = &def.variants[nth % def.variants.len()];
                    match def.repr {
                        EnumRepr::String => Value::from(variant.wire_name.clone()),
                        EnumRepr::Integer => variant
                            .wire_name
                            .parse::<i64>()
                            .map(Value::from)
                            .unwrap_or(Value::Null),
                    }
                }
                TypeKind::Tagged(def) => {
                    let Some(variant) = def.variants.iter().find(|v| v.readable) else {
                        return Value::Null;
                    };
                    let tag = variant.tag_values.first();
                    let selected = rules.one_of.and_then(|(_, mapping)| {
                        mapping
                            .iter()
                            .find(|(value, _)| Some(value) == tag)
                            .map(|(_, n)| *n)
                    });
                    let mut value = self.value(&variant.ty, selected.unwrap_or(0), depth + 1, nth);
                    if let (Value::Object(object), Some(tag)) = (&mut value, tag) {
                        object.insert(def.tag.clone(), Value::from(tag.clone()));
                    }
                    value
                }
                TypeKind::Untagged(variants) => {
                    let nodes = rules.any_of.unwrap_or(&[]);
                    let candidate =
                        |index: usize, variant: &crate::ir::UnionVariant| match &variant.literal {
                            Some(value) => Value::from(value.clone()),
                            None => {
                                let node = self.branch_node(&variant.ty, nodes, index);
                                self.value(&variant.ty, node, depth + 1, nth)
                            }
                        };
                    let mut first = None;
                    for (index, variant) in variants.iter().enumerate() {
                        let value = candidate(index, variant);
                        if violation(&self.api.response_checks, node, &value).is_none() {
                            return value;
                        }
                        first.get_or_insert(value);
                    }
                    first.unwrap_or(Value::Null)
                }
                TypeKind::Alias(inner) | TypeKind::Newtype(inner) => {
                    self.value(inner, node, depth + 1, nth)
                }
            },
        }
    }

    /// The branch node of a union (`anyOf`, `oneOf` without a discriminator) that describes a
    /// variant of type `ty`. Variants are not in the branches' order (the reader tries the most
    /// specific first, and a string `enum` member is one variant per value), and the response
    /// table does not check `required`, so a wrong branch would pass the union's check while
    /// leaving the variant's own constraints out: a struct takes the branch that declares most of
    /// its fields, another type the first branch of its JSON type, else the one at its index.
    fn branch_node(&self, ty: &Type, nodes: &[u32], index: usize) -> u32 {
        let by_index = nodes.get(index).copied().unwrap_or(0);
        let fields = match ty {
            Type::Named(id) => match &self.api.types.get(*id).kind {
                TypeKind::Struct(def) => Some(&def.fields),
                _ => None,
            },
            _ => None,
        };
        match fields {
            Some(fields) => nodes
                .iter()
                .map(|node| {
                    let rules = self.rules(*node);
                    let declared = fields
                        .iter()
                        .filter(|f| {
                            rules
                                .properties
                                .iter()
                                .any(|(name, _)| *name == f.wire_name)
                        })
                        .count();
                    (declared, *node)
                })
                .filter(|(declared, _)| *declared > 0)
                // The most fields declared; the first such branch on a tie.
                .min_by_key(|(declared, _)| std::cmp::Reverse(*declared))
                .map_or(by_index, |(_, node)| node),
            None => {
                let kind = json_kind(ty);
                nodes
                    .iter()
                    .find(|node| kind.is_some() && self.rules(**node).kind == kind)
                    .copied()
                    .unwrap_or(by_index)
            }
        }
    }

    fn string(&self, rules: &Rules<'_>, nth: usize) -> String {
        let min = rules.min_length.unwrap_or(0).min(4096) as usize;
        let max = rules.max_length.map(|m| m as usize);
        if let Some(pattern) = rules.pattern {
            if let Some(text) = pattern::matching(pattern, min, max, nth) {
                return text;
            }
        }
        let base = match rules.format.map(str::to_ascii_lowercase).as_deref() {
            Some("email" | "idn-email") => format!("user{}@example.com", suffix(nth)),
            Some("ipv4") => format!("192.0.2.{}", 1 + nth % 250),
            Some("ipv6") => format!("2001:db8::{:x}", 1 + nth),
            Some("uri" | "url" | "iri" | "uri-reference" | "iri-reference" | "uri-template") => {
                format!("https://example.com/{}", suffix(nth))
            }
            Some("hostname" | "idn-hostname") => format!("host{}.example.com", suffix(nth)),
            Some("date") => format!("2020-01-{:02}", 1 + nth % 28),
            Some("date-time") => format!("2020-01-{:02}T00:00:00Z", 1 + nth % 28),
            Some("time") => format!("00:00:{:02}Z", nth % 60),
            Some("duration") => format!("P{}D", 1 + nth),
            Some("uuid") => uuid(nth),
            Some("byte") => BASE64[nth % BASE64.len()].to_owned(),
            Some("int32" | "int64" | "integer" | "number" | "double" | "float" | "decimal") => {
                nth.to_string()
            }
            Some("json-pointer") => format!("/a{}", suffix(nth)),
            Some("relative-json-pointer") => "0".to_owned(),
            Some("regex") => "a".to_owned(),
            _ => format!("string{}", suffix(nth)),
        };
        fit_length(base, min, max)
    }

    fn array(&self, item: &Type, rules: &Rules<'_>, depth: usize, nth: usize) -> Value {
        let rich = depth < RICH_DEPTH;
        let min = rules.min_items.unwrap_or(0).min(MAX_COUNT) as usize;
        let max = rules.max_items.map_or(usize::MAX, |m| m as usize);
        let wanted = min.max(usize::from(rich)).min(max);
        let mut items: Vec<Value> = Vec::new();
        let mut attempt = nth;
        while items.len() < wanted && attempt < nth + wanted * 4 + 4 {
            let value = self.value(item, rules.items, depth + 1, attempt);
            attempt += 1;
            if rules.unique && items.iter().any(|known| same(known, &value)) {
                continue;
            }
            items.push(value);
        }
        Value::Array(items)
    }

    fn map(&self, value: &Type, rules: &Rules<'_>, depth: usize, nth: usize) -> Value {
        let rich = depth < RICH_DEPTH;
        let min = rules.min_properties.unwrap_or(0).min(MAX_COUNT) as usize;
        let max = rules.max_properties.map_or(usize::MAX, |m| m as usize);
        let mut object = Map::new();
        // Declared properties first (an object with properties read as a map of values).
        for (name, node) in &rules.properties {
            if object.len() >= max || (!rich && object.len() >= min) {
                break;
            }
            object.insert((*name).to_owned(), self.value(value, *node, depth + 1, 0));
        }
        let wanted = min.max(usize::from(rich)).min(max);
        let mut n = nth;
        while object.len() < wanted && !rules.no_additional && n < nth + MAX_COUNT as usize {
            let key = format!("key{}", suffix(n));
            let entry = self.value(value, rules.additional, depth + 1, 0);
            object.entry(key).or_insert(entry);
            n += 1;
        }
        Value::Object(object)
    }

    /// A value of any type: the one its node names, else an object.
    fn any(&self, rules: &Rules<'_>, depth: usize, nth: usize) -> Value {
        if let Some(nodes) = rules.any_of {
            if let Some(first) = nodes.first() {
                return self.value(&Type::Any, *first, depth + 1, nth);
            }
        }
        if let Some((tag, mapping)) = rules.one_of {
            if let Some((value, node)) = mapping.first() {
                let mut built = self.value(&Type::Any, *node, depth + 1, nth);
                if let Value::Object(object) = &mut built {
                    object.insert(tag.to_owned(), Value::from(value.clone()));
                }
                return built;
            }
        }
        match rules.kind {
            Some(JsonKind::String) => Value::from(self.string(rules, nth)),
            Some(JsonKind::Integer) => integer(rules, i64::MIN, i64::MAX, nth),
            Some(JsonKind::Number) => number(rules, nth),
            Some(JsonKind::Boolean) => Value::Bool(nth % 2 == 1),
            Some(JsonKind::Array) => self.array(&Type::Any, rules, depth, nth),
            Some(JsonKind::Object) | None => {
                if depth >= MAX_DEPTH {
                    return Value::Object(Map::new());
                }
                self.map(&Type::Any, rules, depth, nth)
            }
        }
    }
}

/// The `nth` listed value that fits the type (strings for text, numbers for numbers).
fn pick_enum(values: &[Value], ty: &Type, nth: usize) -> Option<Value> {
    let fits = |value: &&Value| match ty {
        Type::String | Type::Uuid | Type::Date | Type::DateTime => value.is_string(),
        Type::I32 | Type::I64 => value.is_i64() || value.is_u64(),
        Type::F32 | Type::F64 => value.is_number(),
        Type::Bool => value.is_boolean(),
        Type::Null => value.is_null(),
        Type::Nullable(_) | Type::Any => true,
        // Named types build their own variants, which are the listed values.
        _ => false,
    };
    let listed: Vec<&Value> = values.iter().filter(fits).collect();
    (!listed.is_empty()).then(|| listed[nth % listed.len()].clone())
}

fn suffix(nth: usize) -> String {
    if nth == 0 {
        String::new()
    } else {
        nth.to_string()
    }
}

fn uuid(nth: usize) -> String {
    format!("00000000-0000-4000-8000-{:012x}", nth)
}

/// The JSON type values of `ty` take, when it has one.
fn json_kind(ty: &Type) -> Option<JsonKind> {
    match ty {
        Type::String | Type::Uuid | Type::DateTime | Type::Date | Type::Binary => {
            Some(JsonKind::String)
        }
        Type::Bool => Some(JsonKind::Boolean),
        Type::I32 | Type::I64 => Some(JsonKind::Integer),
        Type::F32 | Type::F64 => Some(JsonKind::Number),
        Type::Array(_) => Some(JsonKind::Array),
        Type::Map(_) => Some(JsonKind::Object),
        _ => None,
    }
}

/// Base64 texts (`format: byte`), each whole groups with padding.
const BASE64: [&str; 4] = ["c3RyaW5n", "YQ==", "Yg==", "Yw=="];

/// Bytes inside JSON, as the models write them (`rt::Base64`): base64 text of a length the rules
/// allow, unpadded (`AA`, `AAA`) when no whole group fits.
fn base64(rules: &Rules<'_>, nth: usize) -> String {
    let min = rules.min_length.unwrap_or(0).min(4096) as usize;
    let max = rules.max_length.map_or(usize::MAX, |m| m as usize);
    let text = BASE64[nth % BASE64.len()];
    if (min..=max).contains(&text.len()) {
        return text.to_owned();
    }
    // A length of one more than a multiple of four is never base64.
    (min..=max.min(min + 4))
        .find(|len| len % 4 != 1)
        .map_or_else(|| text.to_owned(), |len| "A".repeat(len))
}

/// `text` padded or cut to `min..=max` characters.
fn fit_length(text: String, min: usize, max: Option<usize>) -> String {
    let mut text = text;
    let len = text.chars().count();
    if len < min {
        text.extend(std::iter::repeat_n('x', min - len));
    }
    match max {
        Some(max) if text.chars().count() > max => text.chars().take(max).collect(),
        _ => text,
    }
}

/// An integer within the bounds (and the type's), a multiple of `multipleOf`: the one closest
/// to zero, the `nth` next one for variety.
fn integer(rules: &Rules<'_>, type_min: i64, type_max: i64, nth: usize) -> Value {
    let as_int = |limit: Limit, up: bool| match limit {
        Limit::Int(i) => i,
        Limit::Num(f) if up => f.ceil().clamp(i64::MIN as f64, i64::MAX as f64) as i64,
        Limit::Num(f) => f.floor().clamp(i64::MIN as f64, i64::MAX as f64) as i64,
    };
    let lo = match rules.minimum {
        Some((limit, exclusive)) => {
            let bound = as_int(limit, true);
            if exclusive && whole(limit) {
                bound.saturating_add(1)
            } else {
                bound
            }
        }
        None => type_min,
    }
    .max(type_min);
    let hi = match rules.maximum {
        Some((limit, exclusive)) => {
            let bound = as_int(limit, false);
            if exclusive && whole(limit) {
                bound.saturating_sub(1)
            } else {
                bound
            }
        }
        None => type_max,
    }
    .min(type_max);
    let step = match rules.multiple_of {
        Some(Limit::Int(m)) if m > 0 => m,
        Some(Limit::Num(m)) if m >= 1.0 && m.fract() == 0.0 => m as i64,
        _ => 1,
    };
    let start = 0i64.clamp(lo, hi.max(lo));
    let first = round_up(start, step);
    let offset = (nth as i64).saturating_mul(step);
    let mut value = first.saturating_add(offset);
    if value > hi {
        value = first;
    }
    if value > hi {
        // Nothing divisible within the bounds: the bound itself.
        value = lo;
    }
    Value::from(value)
}

/// Whether a limit is a whole number (an exclusive one then excludes itself; a fraction's
/// rounding already does).
fn whole(limit: Limit) -> bool {
    match limit {
        Limit::Int(_) => true,
        Limit::Num(f) => f.fract() == 0.0,
    }
}

fn round_up(value: i64, step: i64) -> i64 {
    if step <= 1 {
        return value;
    }
    let remainder = value.rem_euclid(step);
    if remainder == 0 {
        value
    } else {
        value.saturating_add(step - remainder)
    }
}

/// A number within the bounds, a multiple of `multipleOf`: whole numbers where possible (they
/// survive `f32`), else the middle of the range.
fn number(rules: &Rules<'_>, nth: usize) -> Value {
    let limit = |l: Limit| match l {
        Limit::Int(i) => i as f64,
        Limit::Num(f) => f,
    };
    let lo = rules.minimum.map(|(l, e)| (limit(l), e));
    let hi = rules.maximum.map(|(l, e)| (limit(l), e));
    let above = |v: f64| lo.is_none_or(|(l, e)| if e { v > l } else { v >= l });
    let below = |v: f64| hi.is_none_or(|(h, e)| if e { v < h } else { v <= h });
    let step = rules.multiple_of.map(limit).filter(|m| *m > 0.0);
    let fits = |v: f64| {
        above(v)
            && below(v)
            && step.is_none_or(|m| {
                let q = v / m;
                (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0)
            })
    };
    let mut candidates: Vec<f64> = Vec::new();
    let base = match (lo, hi) {
        (Some((l, _)), _) if l > 0.0 => l,
        (_, Some((h, _))) if h < 0.0 => h,
        _ => 0.0,
    };
    let unit = step.unwrap_or(1.0);
    for k in 0..4 {
        let start = (base / unit).ceil() + k as f64 + nth as f64;
        candidates.push(start * unit);
        candidates.push(((base / unit).floor() - k as f64 - nth as f64) * unit);
    }
    candidates.push(base.ceil() + nth as f64);
    candidates.push(base.floor());
    if let (Some((l, _)), Some((h, _))) = (lo, hi) {
        candidates.push((l + h) / 2.0);
    }
    let chosen = candidates
        .into_iter()
        .find(|v| v.is_finite() && fits(*v))
        .unwrap_or(base);
    if chosen.fract() == 0.0 && chosen.abs() < 9e15 {
        Value::from(chosen as i64)
    } else {
        serde_json::Number::from_f64(chosen).map_or(Value::from(0), Value::Number)
    }
}

/// The documented examples of a JSON response body, best first: the media type's own, then its
/// schema's (an inline schema's, or the named type's). Text bodies' examples are not kept in the
/// IR, so a text body is built.
pub fn documented_examples(api: &Api, op: &Operation, response: &Response) -> Vec<Value> {
    let key = match response.status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(hundreds) => format!("{hundreds}XX"),
        StatusMatch::Default => "default".to_owned(),
    };
    let content = format!("{}/responses/{key}/content/", op.pointer);
    let body = response.body.as_ref();
    // A schema's examples sit at its own pointer (`example`) or under it (3.1 `examples/<n>`).
    let of_schema = |rest: &str| rest.is_empty() || rest.starts_with("/examples/");
    let (mut found, mut schema) = (Vec::new(), Vec::new());
    for example in &api.examples {
        let Some(rest) = example.pointer.strip_prefix(&content) else {
            continue;
        };
        // `<escaped media type>/example` or `<escaped media type>/schema[/examples/<n>]`, of the
        // body's own media type (a status may document JSON and a stream of events).
        let Some((media, tail)) = rest.split_once('/') else {
            continue;
        };
        let media = unescape_segment(media);
        let essence = media.split(';').next().unwrap_or_default().trim();
        if body.is_some_and(|b| !essence.eq_ignore_ascii_case(&b.content_type)) {
            continue;
        }
        if tail == "example" {
            found.push(example.value.clone());
        } else if tail.strip_prefix("schema").is_some_and(of_schema) {
            schema.push(example.value.clone());
        }
    }
    found.extend(schema);
    if let Some(Type::Named(id)) = response.body.as_ref().map(|b| &b.ty) {
        let def = api.types.get(*id);
        found.extend(
            api.examples
                .iter()
                .filter(|e| e.pointer.strip_prefix(&def.pointer).is_some_and(of_schema))
                .map(|e| e.value.clone()),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::{integer, number, Rules};
    use crate::ir::Limit;
    use serde_json::json;

    fn bounds(
        min: Option<(Limit, bool)>,
        max: Option<(Limit, bool)>,
        step: Option<Limit>,
    ) -> Rules<'static> {
        Rules {
            minimum: min,
            maximum: max,
            multiple_of: step,
            ..Rules::default()
        }
    }

    #[test]
    fn integers_meet_bounds_and_multiples() {
        let r = bounds(Some((Limit::Int(100), true)), None, Some(Limit::Int(7)));
        assert_eq!(integer(&r, i64::MIN, i64::MAX, 0), json!(105));
        assert_eq!(integer(&r, i64::MIN, i64::MAX, 1), json!(112));
        let r = bounds(None, Some((Limit::Int(-3), false)), None);
        assert_eq!(integer(&r, i64::MIN, i64::MAX, 0), json!(-3));
        let r = bounds(
            Some((Limit::Num(0.5), false)),
            Some((Limit::Num(1.5), false)),
            None,
        );
        assert_eq!(integer(&r, i64::MIN, i64::MAX, 0), json!(1));
        // Nothing divisible in range: the lower bound.
        let r = bounds(
            Some((Limit::Int(1), false)),
            Some((Limit::Int(2), false)),
            Some(Limit::Int(5)),
        );
        assert_eq!(integer(&r, i64::MIN, i64::MAX, 0), json!(1));
    }

    #[test]
    fn numbers_prefer_whole_values_within_exclusive_bounds() {
        let r = bounds(
            Some((Limit::Num(0.0), true)),
            Some((Limit::Num(1.0), true)),
            None,
        );
        assert_eq!(number(&r, 0), json!(0.5));
        let r = bounds(Some((Limit::Num(0.0), true)), None, None);
        assert_eq!(number(&r, 0), json!(1));
        let r = bounds(
            Some((Limit::Num(0.5), false)),
            Some((Limit::Num(0.75), false)),
            Some(Limit::Num(0.25)),
        );
        assert_eq!(number(&r, 0), json!(0.5));
        let r = bounds(None, None, Some(Limit::Num(0.01)));
        assert_eq!(number(&r, 0), json!(0));
    }
}
