//! Schema validation: walks a JSON value against the constraint table the generator writes for
//! each API (`validation.rs`), collecting every violation by place, for the server's `400`s and
//! the client's opt-in checks.
//!
//! The table is data, not code per field: a node is a list of [`Check`]s and nodes refer to each
//! other by index, so an API's validation costs one static array to compile whatever its size.
//! Types are the typed reader's job: a value of the wrong JSON type is only a violation where a
//! union must pick a branch; elsewhere a node's checks that do not apply to a value are skipped,
//! and a `null` where the schema does not allow one is left to the reader (which reads it as
//! absent).

use std::sync::OnceLock;

use serde_json::{Map, Value};

/// How many violations one answer lists at most.
pub const MAX_VIOLATIONS: usize = 20;

/// An API's constraint table: its nodes, and the patterns they name by index.
pub struct Table {
    /// Node 0 accepts anything.
    pub nodes: &'static [&'static [Check]],
    pub patterns: &'static [Pattern],
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Table({} nodes, {} patterns)", self.nodes.len(), self.patterns.len())
    }
}

/// A `pattern` (ECMA-262 syntax), compiled on first use. The generator checks that each one
/// compiles and leaves out those that do not, so a failure here only skips the check.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<regress::Regex>>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Self { source, compiled: OnceLock::new() }
    }

    /// The pattern as the API description writes it.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `text` matches somewhere (JSON Schema patterns are not anchored).
    pub fn matches(&self, text: &str) -> bool {
        match self.compiled.get_or_init(|| regress::Regex::new(self.source).ok()) {
            Some(regex) => regex.find(text).is_some(),
            None => true,
        }
    }
}

/// A JSON type, as `type` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
}

impl Kind {
    fn admits(self, value: &Value) -> bool {
        match (self, value) {
            (Kind::String, Value::String(_)) | (Kind::Boolean, Value::Bool(_)) => true,
            (Kind::Array, Value::Array(_)) | (Kind::Object, Value::Object(_)) => true,
            (Kind::Number, Value::Number(_)) => true,
            (Kind::Integer, Value::Number(n)) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
            _ => false,
        }
    }
}

/// A numeric limit: exact for integers, `f64` otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    I(i64),
    F(f64),
}

impl Limit {
    fn json(self) -> Value {
        match self {
            Limit::I(i) => Value::from(i),
            Limit::F(f) => Value::from(f),
        }
    }

    /// `value` compared with the limit; `None` when they cannot be compared.
    fn compare(self, value: &serde_json::Number) -> Option<std::cmp::Ordering> {
        match (self, value.as_i64()) {
            (Limit::I(limit), Some(v)) => Some(v.cmp(&limit)),
            (Limit::I(limit), None) => value.as_f64()?.partial_cmp(&(limit as f64)),
            (Limit::F(limit), _) => value.as_f64()?.partial_cmp(&limit),
        }
    }

    fn divides(self, value: &serde_json::Number) -> bool {
        match (self, value.as_i64()) {
            (Limit::I(0), _) => true,
            (Limit::I(limit), Some(v)) => v % limit == 0,
            (limit, _) => {
                let divisor = match limit {
                    Limit::I(i) => i as f64,
                    Limit::F(f) => f,
                };
                let Some(v) = value.as_f64() else { return true };
                if divisor == 0.0 {
                    return true;
                }
                let quotient = v / divisor;
                // Decimal divisors (`0.01`) are not exact in binary: allow rounding noise.
                (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
            }
        }
    }
}

/// A value an `enum` lists.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lit {
    S(&'static str),
    I(i64),
    F(f64),
    B(bool),
    Null,
}

impl Lit {
    fn json(self) -> Value {
        match self {
            Lit::S(s) => Value::from(s),
            Lit::I(i) => Value::from(i),
            Lit::F(f) => Value::from(f),
            Lit::B(b) => Value::from(b),
            Lit::Null => Value::Null,
        }
    }

    fn is(self, value: &Value) -> bool {
        match (self, value) {
            (Lit::S(s), Value::String(v)) => s == v,
            (Lit::B(b), Value::Bool(v)) => b == *v,
            (Lit::Null, Value::Null) => true,
            (Lit::I(_) | Lit::F(_), Value::Number(n)) => {
                let limit = match self {
                    Lit::I(i) => Limit::I(i),
                    Lit::F(f) => Limit::F(f),
                    _ => unreachable!("matched as a number"),
                };
                limit.compare(n) == Some(std::cmp::Ordering::Equal)
            }
            _ => false,
        }
    }
}

/// A `format` checked on strings (those the Rust type does not already guarantee).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Date,
    DateTime,
    Uuid,
    Email,
    Ipv4,
    Ipv6,
    Uri,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Date => "date",
            Format::DateTime => "date-time",
            Format::Uuid => "uuid",
            Format::Email => "email",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Uri => "uri",
        }
    }

    fn admits(self, text: &str) -> bool {
        match self {
            Format::Date => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10,
            Format::DateTime => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            Format::Uuid => {
                let bytes = text.as_bytes();
                bytes.len() == 36
                    && bytes.iter().enumerate().all(|(i, b)| if [8, 13, 18, 23].contains(&i) { *b == b'-' } else { b.is_ascii_hexdigit() })
            }
            Format::Email => match text.rsplit_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.is_empty()
                        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
                        && domain.split('.').all(|label| !label.is_empty())
                }
                None => false,
            },
            Format::Ipv4 => text.parse::<std::net::Ipv4Addr>().is_ok(),
            Format::Ipv6 => text.parse::<std::net::Ipv6Addr>().is_ok(),
            Format::Uri => match text.split_once(':') {
                Some((scheme, _)) => {
                    let mut chars = scheme.chars();
                    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
                }
                None => false,
            },
        }
    }
}

/// One constraint of a node. Node ids index [`Table::nodes`]; pattern ids [`Table::patterns`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Check {
    /// The JSON type; checked where a union picks a branch.
    Type(Kind),
    /// `null` is a valid value: nothing else is checked for it.
    Nullable,
    MinLength(u64),
    MaxLength(u64),
    Pattern(u32),
    Format(Format),
    /// `minimum`, and whether it is exclusive.
    Minimum(Limit, bool),
    /// `maximum`, and whether it is exclusive.
    Maximum(Limit, bool),
    MultipleOf(Limit),
    MinItems(u64),
    MaxItems(u64),
    UniqueItems,
    /// The node every item must match.
    Items(u32),
    MinProperties(u64),
    MaxProperties(u64),
    /// Declared properties: wire name, node, and whether it is `readOnly` (not checked in
    /// requests: the model types are shared with responses, where such a property is sent).
    Properties(&'static [(&'static str, u32, bool)]),
    /// `additionalProperties: false`: keys that [`Check::Properties`] does not declare are refused.
    NoAdditional,
    /// `additionalProperties` with a schema: the node undeclared keys' values must match.
    Additional(u32),
    Enum(&'static [Lit]),
    /// Every node must match (`allOf`).
    AllOf(&'static [u32]),
    /// At least one node must match (`anyOf`, and `oneOf` without a discriminator: the typed
    /// reader takes the first branch that reads, so overlapping branches are not an error).
    AnyOf(&'static [u32]),
    /// A `oneOf` with a discriminator: the property, and the node each of its values selects.
    OneOf(&'static str, &'static [(&'static str, u32)]),
}

/// One broken constraint: where, which keyword, and the schema's limit (never the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `query.limit`, `header.X-Id`, `body`, `body/items/3/name` (JSON pointer escaping in keys).
    pub at: String,
    /// The JSON Schema keyword: `minLength`, `pattern`, `enum`, `additionalProperties`, ...
    pub keyword: &'static str,
    /// The schema's value for the keyword: `1`, `"^[a-z]+$"`, `["a","b"]`, `false`, ...
    pub limit: Value,
}

impl Violation {
    /// `{"at": ..., "keyword": ..., "limit": ...}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({ "at": self.at, "keyword": self.keyword, "limit": self.limit })
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} {}", self.at, self.keyword, self.limit)
    }
}

/// The violations of one request: the first [`MAX_VIOLATIONS`], and how many there were.
#[derive(Debug)]
pub struct Violations {
    pub list: Vec<Violation>,
    /// Violations found, counting those past the bound (the walk stops at the bound, so it is a
    /// lower bound then).
    pub found: usize,
    bound: usize,
    table: &'static Table,
    at: String,
}

impl Violations {
    pub fn new(table: &'static Table) -> Self {
        Self::bounded(table, MAX_VIOLATIONS)
    }

    fn bounded(table: &'static Table, bound: usize) -> Self {
        Self { list: Vec::new(), found: 0, bound, table, at: String::new() }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn full(&self) -> bool {
        self.found >= self.bound
    }

    fn push(&mut self, keyword: &'static str, limit: Value) {
        self.found += 1;
        if self.list.len() < self.bound {
            self.list.push(Violation { at: self.at.clone(), keyword, limit });
        }
    }

    /// Checks `value`, found at `at` (`query.name`, `body`), against node `node`.
    pub fn check(&mut self, at: &str, node: u32, value: &Value) {
        self.at.clear();
        self.at.push_str(at);
        self.walk(node, value);
    }

    /// Checks a typed value (a parameter, a form body), written as JSON first. An absent
    /// optional value (`None`, written as `null`) is not checked.
    pub fn check_typed(&mut self, at: &str, node: u32, value: &dyn erased_serde::Serialize) {
        if let Ok(value) = serde_json::to_value(value) {
            if !value.is_null() {
                self.check(at, node, &value);
            }
        }
    }

    fn walk(&mut self, node: u32, value: &Value) {
        let table = self.table;
        let Some(checks) = table.nodes.get(node as usize) else { return };
        if value.is_null() {
            // `null` is either allowed (`nullable`) or left to the typed reader.
            return;
        }
        let declared = checks.iter().find_map(|c| if let Check::Properties(p) = c { Some(*p) } else { None }).unwrap_or(&[]);
        for check in *checks {
            if self.full() {
                return;
            }
            self.apply(check, declared, value);
        }
    }

    /// Whether `value` matches node `node`, its type included, without recording anything.
    fn matches(&self, node: u32, value: &Value) -> bool {
        let mut trial = Violations::bounded(self.table, 1);
        trial.at.clone_from(&self.at);
        if let Some(checks) = self.table.nodes.get(node as usize) {
            let nullable = value.is_null() && checks.contains(&Check::Nullable);
            let admitted = checks.iter().all(|check| match check {
                Check::Type(kind) => nullable || kind.admits(value),
                _ => true,
            });
            if !admitted {
                return false;
            }
        }
        trial.walk(node, value);
        trial.found == 0
    }

    fn enter(&mut self, segment: &str, node: u32, value: &Value) {
        let len = self.at.len();
        self.at.push('/');
        for c in segment.chars() {
            match c {
                '~' => self.at.push_str("~0"),
                '/' => self.at.push_str("~1"),
                c => self.at.push(c),
            }
        }
        self.walk(node, value);
        self.at.truncate(len);
    }

    fn apply(&mut self, check: &Check, declared: &'static [(&'static str, u32, bool)], value: &Value) {
        match (check, value) {
            (Check::Type(_) | Check::Nullable, _) => {}
            (Check::MinLength(n), Value::String(s)) if (s.chars().count() as u64) < *n => self.push("minLength", Value::from(*n)),
            (Check::MaxLength(n), Value::String(s)) if s.chars().count() as u64 > *n => self.push("maxLength", Value::from(*n)),
            (Check::Pattern(id), Value::String(s)) => {
                if let Some(pattern) = self.table.patterns.get(*id as usize) {
                    if !pattern.matches(s) {
                        self.push("pattern", Value::from(pattern.source()));
                    }
                }
            }
            (Check::Format(format), Value::String(s)) if !format.admits(s) => self.push("format", Value::from(format.name())),
            (Check::Minimum(limit, exclusive), Value::Number(n)) => {
                let ord = limit.compare(n);
                if ord == Some(std::cmp::Ordering::Less) || (*exclusive && ord == Some(std::cmp::Ordering::Equal)) {
                    self.push(if *exclusive { "exclusiveMinimum" } else { "minimum" }, limit.json());
                }
            }
            (Check::Maximum(limit, exclusive), Value::Number(n)) => {
                let ord = limit.compare(n);
                if ord == Some(std::cmp::Ordering::Greater) || (*exclusive && ord == Some(std::cmp::Ordering::Equal)) {
                    self.push(if *exclusive { "exclusiveMaximum" } else { "maximum" }, limit.json());
                }
            }
            (Check::MultipleOf(limit), Value::Number(n)) if !limit.divides(n) => self.push("multipleOf", limit.json()),
            (Check::MinItems(min), Value::Array(items)) if (items.len() as u64) < *min => self.push("minItems", Value::from(*min)),
            (Check::MaxItems(max), Value::Array(items)) if items.len() as u64 > *max => self.push("maxItems", Value::from(*max)),
            (Check::UniqueItems, Value::Array(items)) => {
                let repeated = items.iter().enumerate().any(|(i, item)| items[..i].iter().any(|earlier| same(earlier, item)));
                if repeated {
                    self.push("uniqueItems", Value::Bool(true));
                }
            }
            (Check::Items(node), Value::Array(items)) => {
                let mut index = String::new();
                for (i, item) in items.iter().enumerate() {
                    if self.full() {
                        break;
                    }
                    index.clear();
                    index.push_str(&i.to_string());
                    self.enter(&index, *node, item);
                }
            }
            (Check::MinProperties(min), Value::Object(map)) if (map.len() as u64) < *min => self.push("minProperties", Value::from(*min)),
            (Check::MaxProperties(max), Value::Object(map)) if map.len() as u64 > *max => self.push("maxProperties", Value::from(*max)),
            (Check::Properties(properties), Value::Object(map)) => {
                for (name, node, read_only) in *properties {
                    if let Some(value) = map.get(*name) {
                        if !*read_only {
                            self.enter(name, *node, value);
                        }
                    }
                }
            }
            (Check::NoAdditional, Value::Object(map)) => {
                for key in undeclared(declared, map) {
                    let len = self.at.len();
                    self.enter_name(key);
                    self.push("additionalProperties", Value::Bool(false));
                    self.at.truncate(len);
                }
            }
            (Check::Additional(node), Value::Object(map)) => {
                for key in undeclared(declared, map) {
                    self.enter(key, *node, &map[key]);
                }
            }
            (Check::Enum(values), _) if !values.iter().any(|lit| lit.is(value)) => {
                self.push("enum", Value::Array(values.iter().map(|lit| lit.json()).collect()));
            }
            (Check::AllOf(nodes), _) => nodes.iter().for_each(|node| self.walk(*node, value)),
            (Check::AnyOf(nodes), _) => {
                if let Some(node) = nodes.iter().find(|node| self.matches(**node, value)) {
                    self.walk(*node, value);
                } else {
                    self.push("anyOf", Value::from(nodes.len()));
                }
            }
            (Check::OneOf(tag, mapping), Value::Object(map)) => {
                let selected = map.get(*tag).and_then(Value::as_str).and_then(|t| mapping.iter().find(|(v, _)| *v == t));
                // An unknown tag is the typed reader's to refuse.
                if let Some((_, node)) = selected {
                    self.walk(*node, value);
                }
            }
            _ => {}
        }
    }

    fn enter_name(&mut self, name: &str) {
        self.at.push('/');
        self.at.push_str(&name.replace('~', "~0").replace('/', "~1"));
    }
}

/// Keys of `map` that `declared` does not list.
fn undeclared<'m>(declared: &'static [(&'static str, u32, bool)], map: &'m Map<String, Value>) -> impl Iterator<Item = &'m str> {
    map.keys().map(String::as_str).filter(move |key| !declared.iter().any(|(name, _, _)| name == key))
}

/// JSON equality for `uniqueItems`: numbers compare by value (`1` and `1.0` are the same).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64().zip(y.as_f64()).is_some_and(|(x, y)| x == y),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static PATTERNS: [Pattern; 1] = [Pattern::new("[0-9]{2}")];
    static TABLE: Table = Table {
        nodes: &[
            &[],
            &[Check::Type(Kind::String), Check::MinLength(2), Check::MaxLength(3), Check::Pattern(0)],
            &[Check::Type(Kind::Number), Check::MultipleOf(Limit::F(0.01))],
            &[Check::Type(Kind::Array), Check::UniqueItems, Check::Items(1)],
            &[Check::AnyOf(&[5, 1])],
            &[Check::Type(Kind::Integer), Check::Maximum(Limit::I(9), false)],
        ],
        patterns: &PATTERNS,
    };

    fn check(node: u32, value: Value) -> Vec<(String, &'static str)> {
        let mut violations = Violations::new(&TABLE);
        violations.check("body", node, &value);
        violations.list.into_iter().map(|v| (v.at, v.keyword)).collect()
    }

    #[test]
    fn lengths_count_characters_and_patterns_are_not_anchored() {
        assert!(check(1, json!("é12")).is_empty());
        assert_eq!(check(1, json!("a")), [("body".to_owned(), "minLength"), ("body".to_owned(), "pattern")]);
        assert_eq!(check(1, json!("a123")), [("body".to_owned(), "maxLength")]);
    }

    #[test]
    fn decimal_multiples_and_unique_items_compare_numbers_by_value() {
        assert!(check(2, json!(19.99)).is_empty());
        assert_eq!(check(2, json!(0.015)), [("body".to_owned(), "multipleOf")]);
        assert_eq!(check(3, json!(["12", "12"])), [("body".to_owned(), "uniqueItems")]);
        assert!(check(3, json!(["12", "13"])).is_empty());
    }

    #[test]
    fn a_union_checks_the_first_branch_that_matches() {
        assert!(check(4, json!(3)).is_empty());
        assert!(check(4, json!("12")).is_empty());
        assert_eq!(check(4, json!(10)), [("body".to_owned(), "anyOf")]);
    }

    #[test]
    fn violations_are_bounded_and_counted() {
        let many: Vec<Value> = (0..30).map(|_| json!("x")).collect();
        let mut violations = Violations::new(&TABLE);
        violations.check("body", 3, &Value::Array(many));
        assert_eq!(violations.list.len(), MAX_VIOLATIONS);
        assert_eq!((violations.list[0].at.as_str(), violations.list[0].keyword), ("body", "uniqueItems"));
        assert_eq!(violations.list[1].at, "body/0");
        assert!(violations.found >= MAX_VIOLATIONS);
    }
}
