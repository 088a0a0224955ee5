//! Checks a JSON value against a node of an `ir::Checks` table at generation time, as the
//! runtime's validator does (`runtime/src/validate.rs`), and stricter: JSON types and `null` are
//! checked too, since what the generator builds is never read by a typed reader first.

use serde_json::{Map, Value};

use crate::ir::{Checks, JsonKind, Limit, Rule};

/// How deep the check follows nested values and node references.
const MAX_DEPTH: usize = 64;

/// The first constraint `value` breaks under node `node`, as `<pointer>: <keyword>`; `None` when
/// it satisfies them all.
pub fn violation(checks: &Checks, node: u32, value: &Value) -> Option<String> {
    let mut at = String::new();
    Checker { checks }.walk(node, value, &mut at, 0)
}

struct Checker<'a> {
    checks: &'a Checks,
}

impl Checker<'_> {
    fn walk(&self, node: u32, value: &Value, at: &mut String, depth: usize) -> Option<String> {
        let rules = self.checks.nodes.get(node as usize)?;
        if depth > MAX_DEPTH {
            return None;
        }
        if value.is_null() {
            let nullable = rules.contains(&Rule::Nullable);
            let typed = rules.iter().any(|r| matches!(r, Rule::Type(_)));
            let listed = rules
                .iter()
                .any(|r| matches!(r, Rule::Enum(values) if values.contains(&Value::Null)));
            return (typed && !nullable && !listed).then(|| format!("{at}: null"));
        }
        let declared: &[(String, u32, bool)] = rules
            .iter()
            .find_map(|r| match r {
                Rule::Properties(list) => Some(list.as_slice()),
                _ => None,
            })
            .unwrap_or(&[]);
        for rule in rules {
            if let Some(found) = self.apply(rule, declared, value, at, depth) {
                return Some(found);
            }
        }
        None
    }

    fn enter(
        &self,
        segment: &str,
        node: u32,
        value: &Value,
        at: &mut String,
        depth: usize,
    ) -> Option<String> {
        let len = at.len();
        at.push('/');
        at.push_str(&segment.replace('~', "~0").replace('/', "~1"));
        let found = self.walk(node, value, at, depth + 1);
        at.truncate(len);
        found
    }

    fn apply(
        &self,
        rule: &Rule,
        declared: &[(String, u32, bool)],
        value: &Value,
        at: &mut String,
        depth: usize,
    ) -> Option<String> {
        let broken = |keyword: &str| Some(format!("{at}: {keyword}"));
        match (rule, value) {
            (Rule::Type(kind), _) if !admits(*kind, value) => broken("type"),
            (Rule::MinLength(n), Value::String(s)) if (s.chars().count() as u64) < *n => {
                broken("minLength")
            }
            (Rule::MaxLength(n), Value::String(s)) if s.chars().count() as u64 > *n => {
                broken("maxLength")
            }
            (Rule::Pattern(id), Value::String(s)) => {
                let pattern = self.checks.patterns.get(*id as usize)?;
                match regress::Regex::new(pattern) {
                    Ok(regex) if regex.find(s).is_none() => broken("pattern"),
                    _ => None,
                }
            }
            (Rule::Format(format), Value::String(s)) if !format_admits(format, s) => {
                broken("format")
            }
            (Rule::Minimum(limit, exclusive), Value::Number(n)) => {
                let ord = compare(*limit, n)?;
                (ord.is_lt() || (*exclusive && ord.is_eq())).then(|| format!("{at}: minimum"))
            }
            (Rule::Maximum(limit, exclusive), Value::Number(n)) => {
                let ord = compare(*limit, n)?;
                (ord.is_gt() || (*exclusive && ord.is_eq())).then(|| format!("{at}: maximum"))
            }
            (Rule::MultipleOf(limit), Value::Number(n)) if !divides(*limit, n) => {
                broken("multipleOf")
            }
            (Rule::MinItems(min), Value::Array(items)) if (items.len() as u64) < *min => {
                broken("minItems")
            }
            (Rule::MaxItems(max), Value::Array(items)) if items.len() as u64 > *max => {
                broken("maxItems")
            }
            (Rule::UniqueItems, Value::Array(items)) => {
                let repeated = items
                    .iter()
                    .enumerate()
                    .any(|(i, item)| items[..i].iter().any(|earlier| same(earlier, item)));
                repeated.then(|| format!("{at}: uniqueItems"))
            }
            (Rule::Items(node), Value::Array(items)) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| self.enter(&i.to_string(), *node, item, at, depth)),
            (Rule::MinProperties(min), Value::Object(map)) if (map.len() as u64) < *min => {
                broken("minProperties")
            }
            (Rule::MaxProperties(max), Value::Object(map)) if map.len() as u64 > *max => {
                broken("maxProperties")
            }
            (Rule::Properties(list), Value::Object(map)) => {
                list.iter().find_map(|(name, node, _)| {
                    let value = map.get(name)?;
                    self.enter(name, *node, value, at, depth)
                })
            }
            (Rule::NoAdditional, Value::Object(map)) => {
                let extra = undeclared(declared, map).next()?;
                Some(format!("{at}/{extra}: additionalProperties"))
            }
            (Rule::Additional(node), Value::Object(map)) => undeclared(declared, map)
                .find_map(|key| self.enter(key, *node, &map[key], at, depth)),
            (Rule::Enum(values), _) if !values.iter().any(|v| same(v, value)) => broken("enum"),
            (Rule::AllOf(nodes), _) => nodes
                .iter()
                .find_map(|node| self.walk(*node, value, at, depth + 1)),
            (Rule::AnyOf(nodes), _) => {
                let fits = nodes.iter().any(|node| {
                    self.walk(*node, value, &mut at.clone(), depth + 1)
                        .is_none()
                });
                (!fits).then(|| format!("{at}: anyOf"))
            }
            (Rule::OneOf(tag, mapping), Value::Object(map)) => {
                let selected = map
                    .get(tag)
                    .and_then(Value::as_str)
                    .and_then(|t| mapping.iter().find(|(v, _)| v == t));
                match selected {
                    Some((_, node)) => self.walk(*node, value, at, depth + 1),
                    None => Some(format!("{at}/{tag}: discriminator")),
                }
            }
            _ => None,
        }
    }
}

fn admits(kind: JsonKind, value: &Value) -> bool {
    match (kind, value) {
        (JsonKind::String, Value::String(_)) | (JsonKind::Boolean, Value::Bool(_)) => true,
        (JsonKind::Array, Value::Array(_)) | (JsonKind::Object, Value::Object(_)) => true,
        (JsonKind::Number, Value::Number(_)) => true,
        // JSON Schema draft 4 (OpenAPI 3.0) counts only numbers written without a fraction.
        (JsonKind::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
        _ => false,
    }
}

fn compare(limit: Limit, value: &serde_json::Number) -> Option<std::cmp::Ordering> {
    match (limit, value.as_i64()) {
        (Limit::Int(limit), Some(v)) => Some(v.cmp(&limit)),
        (Limit::Int(limit), None) => value.as_f64()?.partial_cmp(&(limit as f64)),
        (Limit::Num(limit), _) => value.as_f64()?.partial_cmp(&limit),
    }
}

fn divides(limit: Limit, value: &serde_json::Number) -> bool {
    match (limit, value.as_i64()) {
        (Limit::Int(0), _) => true,
        (Limit::Int(limit), Some(v)) => v % limit == 0,
        (limit, _) => {
            let divisor = match limit {
                Limit::Int(i) => i as f64,
                Limit::Num(f) => f,
            };
            let Some(v) = value.as_f64() else {
                return true;
            };
            if divisor == 0.0 {
                return true;
            }
            let quotient = v / divisor;
            (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
        }
    }
}

/// The formats the runtime checks, checked the same way.
pub fn format_admits(format: &str, text: &str) -> bool {
    let clean = !text.chars().any(|c| c.is_whitespace() || c.is_control());
    match format {
        "email" => match text.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty() && clean && domain.split('.').all(|label| !label.is_empty())
            }
            None => false,
        },
        "ipv4" => text.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => text.parse::<std::net::Ipv6Addr>().is_ok(),
        "uri" => match text.split_once(':') {
            Some((scheme, _)) => {
                let mut chars = scheme.chars();
                chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                    && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && clean
            }
            None => false,
        },
        _ => true,
    }
}

fn undeclared<'m>(
    declared: &'m [(String, u32, bool)],
    map: &'m Map<String, Value>,
) -> impl Iterator<Item = &'m str> {
    map.keys()
        .map(String::as_str)
        .filter(move |key| !declared.iter().any(|(name, _, _)| name == key))
}

/// JSON equality with numbers compared by value (`1` and `1.0` are the same).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || x.as_f64().zip(y.as_f64()).is_some_and(|(x, y)| x == y)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}
