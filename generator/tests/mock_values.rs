//! Every value the mock would send for any valid fixture (each response body built from its
//! schema, each required response header) satisfies the response's constraints, checked by the
//! generator's own validators: the runtime's (`openapi_gen_runtime::validate`, which servers
//! check requests with), over the same table the generator builds to, and the generator's
//! stricter check, which also holds JSON types and `null` to the schema.

use std::path::{Path, PathBuf};

use openapi_gen::ir::{Api, Checks, JsonKind, Limit, Media, Rule};
use openapi_gen::values::{violation, Builder};
use openapi_gen_runtime::validate::{
    Check, Format, Kind, Limit as L, Lit, Pattern, Table, Violations,
};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                p.join("openapi.yaml")
            } else {
                p
            }
        })
        .collect();
    found.sort();
    found
}

fn leak<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn text(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// The runtime's table for the IR's, as `emit/validation.rs` writes it (shapes are not checked).
fn runtime_table(checks: &Checks) -> &'static Table {
    let limit = |l: &Limit| match l {
        Limit::Int(i) => L::I(*i),
        Limit::Num(f) => L::F(*f),
    };
    let nodes: Vec<&'static [Check]> = checks
        .nodes
        .iter()
        .map(|rules| {
            let checks: Vec<Check> = rules
                .iter()
                .filter_map(|rule| {
                    Some(match rule {
                        Rule::Type(kind) => Check::Type(match kind {
                            JsonKind::String => Kind::String,
                            JsonKind::Integer => Kind::Integer,
                            JsonKind::Number => Kind::Number,
                            JsonKind::Boolean => Kind::Boolean,
                            JsonKind::Array => Kind::Array,
                            JsonKind::Object => Kind::Object,
                        }),
                        Rule::Nullable => Check::Nullable,
                        Rule::Shape(_) => return None,
                        Rule::MinLength(n) => Check::MinLength(*n),
                        Rule::MaxLength(n) => Check::MaxLength(*n),
                        Rule::Pattern(id) => Check::Pattern(*id),
                        Rule::Format(f) => Check::Format(match f.as_str() {
                            "email" => Format::Email,
                            "ipv4" => Format::Ipv4,
                            "ipv6" => Format::Ipv6,
                            _ => Format::Uri,
                        }),
                        Rule::Minimum(l, e) => Check::Minimum(limit(l), *e),
                        Rule::Maximum(l, e) => Check::Maximum(limit(l), *e),
                        Rule::MultipleOf(l) => Check::MultipleOf(limit(l)),
                        Rule::MinItems(n) => Check::MinItems(*n),
                        Rule::MaxItems(n) => Check::MaxItems(*n),
                        Rule::UniqueItems => Check::UniqueItems,
                        Rule::Items(n) => Check::Items(*n),
                        Rule::MinProperties(n) => Check::MinProperties(*n),
                        Rule::MaxProperties(n) => Check::MaxProperties(*n),
                        Rule::Properties(list) => Check::Properties(leak(
                            list.iter()
                                .map(|(name, node, _)| (text(name), *node, false))
                                .collect(),
                        )),
                        Rule::NoAdditional => Check::NoAdditional,
                        Rule::Additional(n) => Check::Additional(*n),
                        Rule::Enum(values) => Check::Enum(leak(
                            values
                                .iter()
                                .map(|v| match v {
                                    serde_json::Value::String(s) => Lit::S(text(s)),
                                    serde_json::Value::Bool(b) => Lit::B(*b),
                                    serde_json::Value::Number(n) => match n.as_i64() {
                                        Some(i) => Lit::I(i),
                                        None => Lit::F(n.as_f64().unwrap_or(0.0)),
                                    },
                                    _ => Lit::Null,
                                })
                                .collect(),
                        )),
                        Rule::AnyOf(nodes) => Check::AnyOf(leak(nodes.clone())),
                        Rule::AllOf(nodes) => Check::AllOf(leak(nodes.clone())),
                        Rule::OneOf(tag, mapping) => Check::OneOf(
                            text(tag),
                            leak(mapping.iter().map(|(v, n)| (text(v), *n)).collect()),
                        ),
                    })
                })
                .collect();
            leak(checks)
        })
        .collect();
    let patterns: Vec<Pattern> = checks
        .patterns
        .iter()
        .map(|p| Pattern::new(text(p)))
        .collect();
    Box::leak(Box::new(Table {
        nodes: leak(nodes),
        patterns: leak(patterns),
    }))
}

/// Every body and required header the mock builds for `api`, with the node it must satisfy and
/// where it is sent.
fn built(api: &Api) -> Vec<(String, Option<u32>, serde_json::Value)> {
    let builder = Builder::new(api);
    let mut out = Vec::new();
    for op in api
        .operations
        .iter()
        .chain(&api.webhooks)
        .chain(&api.callbacks)
    {
        for response in &op.responses {
            let at = format!("{} {:?}", op.wire_name, response.status);
            if let Some(body) = &response.body {
                if matches!(
                    body.media,
                    Media::Json | Media::EventStream | Media::JsonLines
                ) {
                    out.push((
                        format!("{at} body"),
                        body.check,
                        builder.build(&body.ty, body.check),
                    ));
                }
            }
            for header in response.headers.iter().filter(|h| h.required) {
                let value = builder.build(&header.ty, header.check);
                out.push((
                    format!("{at} header {}", header.wire_name),
                    header.check,
                    value,
                ));
            }
        }
    }
    out
}

#[test]
fn every_value_the_mock_builds_satisfies_its_schema() {
    let mut checked = 0;
    for path in fixtures() {
        let spec = openapi_gen::load_spec(&path, &path.display().to_string())
            .unwrap_or_else(|d| panic!("{}: {d}", path.display()));
        let lowered = openapi_gen::lower_api(&spec.openapi)
            .unwrap_or_else(|d| panic!("{}: {d}", path.display()));
        let api = lowered.api;
        let table = runtime_table(&api.response_checks);
        for (at, node, value) in built(&api) {
            let node = node.unwrap_or(0);
            let mut violations = Violations::new(table);
            violations.check("body", node, &value);
            assert!(
                violations.is_empty(),
                "{}: {at}: {value} breaks {:?}",
                path.display(),
                violations.list
            );
            let strict = violation(&api.response_checks, node, &value);
            assert!(
                strict.is_none(),
                "{}: {at}: {value} breaks {strict:?}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} values were checked");
}
