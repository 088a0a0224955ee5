//! Lowers the schemas of parameters and request bodies into the constraint table (`ir::Checks`)
//! that servers, and clients that opt in, check requests against; apart from type lowering, so
//! that a constraint never changes a type.
//!
//! Component schemas get one node each (reserved before they are filled, so cycles resolve);
//! `allOf` members are merged into one node, as types flatten them. Nodes that constrain nothing
//! are replaced by node 0 (anything) and the table is pruned to what parameters and bodies reach.

use std::collections::BTreeMap;

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type as OaType,
    VariantOrUnknownOrEmpty,
};

use super::refs::local_name;
use super::schema::{is_nullable, wrapped_reference};
use super::walk::Walk;
use super::Lowerer;
use crate::diagnostics::{catalog, join};
use crate::ir::{Checks, JsonKind, Limit, Operation, Rule};

/// The table as it is built.
#[derive(Default)]
pub(crate) struct CheckBuilder {
    nodes: Vec<Vec<Rule>>,
    components: BTreeMap<String, u32>,
    patterns: BTreeMap<String, u32>,
}

impl<'a> Lowerer<'a> {
    /// The node of a schema (a `$ref` to a component shares the component's node).
    pub(crate) fn check_node(&mut self, schema: &'a ReferenceOr<Schema>, pointer: &str) -> u32 {
        self.check_node_within(schema, pointer, &Walk::new())
    }

    fn check_node_within(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        pointer: &str,
        walk: &Walk,
    ) -> u32 {
        match schema {
            ReferenceOr::Reference { reference } => self.component_check(reference, walk),
            ReferenceOr::Item(schema) => self.inline_check(schema, pointer, walk),
        }
    }

    fn boxed_check_node(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        pointer: &str,
        walk: &Walk,
    ) -> u32 {
        match schema {
            ReferenceOr::Reference { reference } => self.component_check(reference, walk),
            ReferenceOr::Item(schema) => self.inline_check(schema, pointer, walk),
        }
    }

    /// A node of its own for an inline schema; node 0 (anything) past the walk's bound.
    fn inline_check(&mut self, schema: &'a Schema, pointer: &str, walk: &Walk) -> u32 {
        let Some(walk) = walk.nested() else {
            return 0;
        };
        // An annotation-only wrapper of one reference (`{allOf: [{$ref: X}], description: ..}`)
        // checks exactly what X checks: it shares X's node instead of merging X again, which
        // also keeps a component that wraps a reference to itself from unfolding.
        if let Some(reference) = wrapped_reference(schema) {
            let target = self.component_check(reference, &walk);
            let mut rules = Vec::new();
            if is_nullable(schema) {
                rules.push(Rule::Nullable);
            }
            rules.push(Rule::AnyOf(vec![target]));
            let id = self.new_check_node();
            self.checks.nodes[id as usize] = rules;
            return id;
        }
        let id = self.new_check_node();
        let rules = self.schema_rules(schema, pointer, &walk);
        self.checks.nodes[id as usize] = rules;
        id
    }

    fn new_check_node(&mut self) -> u32 {
        if self.checks.nodes.is_empty() {
            // Node 0 accepts anything.
            self.checks.nodes.push(Vec::new());
        }
        self.checks.nodes.push(Vec::new());
        (self.checks.nodes.len() - 1) as u32
    }

    /// The node of a component schema, shared by every place that refers to it; reserved before
    /// it is filled, so cycles resolve.
    fn component_check(&mut self, reference: &str, walk: &Walk) -> u32 {
        let Some(name) = local_name(reference, "schemas") else {
            return 0;
        };
        if let Some(id) = self.checks.components.get(&name) {
            return *id;
        }
        // Too deep to fill it here: left unchecked at this place, and not remembered, so a
        // shallower place still builds its node.
        let Some(walk) = walk.nested() else {
            return 0;
        };
        let Some(schema) = self
            .spec
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(&name))
        else {
            return 0;
        };
        let id = self.new_check_node();
        self.checks.components.insert(name.clone(), id);
        let pointer = format!(
            "#/components/schemas/{}",
            crate::diagnostics::escape_segment(&name)
        );
        let rules = match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.component_check(reference, &walk);
                vec![Rule::AnyOf(vec![target])]
            }
            ReferenceOr::Item(schema) => self.schema_rules(schema, &pointer, &walk),
        };
        self.checks.nodes[id as usize] = rules;
        id
    }

    /// The schema behind a `$ref` to a component, for merging `allOf` members; `None` for a
    /// chain of aliases that never reaches a schema (a cycle, reported where types are lowered).
    fn component_schema_named(&self, reference: &str) -> Option<(&'a Schema, String, String)> {
        let (name, schema) = self.follow_schema_ref(reference)?;
        let pointer = format!(
            "#/components/schemas/{}",
            crate::diagnostics::escape_segment(&name)
        );
        Some((schema, pointer, name))
    }

    fn schema_rules(&mut self, schema: &'a Schema, pointer: &str, walk: &Walk) -> Vec<Rule> {
        let mut rules = Vec::new();
        if schema.schema_data.nullable {
            rules.push(Rule::Nullable);
        }
        match &schema.schema_kind {
            SchemaKind::Type(OaType::String(s)) => {
                rules.push(Rule::Type(JsonKind::String));
                push_some(&mut rules, s.min_length.map(|n| Rule::MinLength(n as u64)));
                push_some(&mut rules, s.max_length.map(|n| Rule::MaxLength(n as u64)));
                if let Some(pattern) = &s.pattern {
                    self.pattern_rule(&mut rules, pattern, &join(pointer, &["pattern"]));
                }
                let format = match &s.format {
                    VariantOrUnknownOrEmpty::Unknown(f) => Some(f.as_str()),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte"),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary"),
                    VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password"),
                    VariantOrUnknownOrEmpty::Empty => None,
                };
                match format {
                    Some(f @ ("email" | "ipv4" | "ipv6" | "uri")) => {
                        rules.push(Rule::Format(f.to_owned()));
                    }
                    Some(f) => rules.push(Rule::Shape(f.to_owned())),
                    None => {}
                }
                enum_rule(&mut rules, s.enumeration.iter().map(|v| v.clone().into()));
            }
            SchemaKind::Type(OaType::Integer(i)) => {
                rules.push(Rule::Type(JsonKind::Integer));
                let limit = |v: i64| Limit::Int(v);
                push_some(
                    &mut rules,
                    i.minimum
                        .map(|v| Rule::Minimum(limit(v), i.exclusive_minimum)),
                );
                push_some(
                    &mut rules,
                    i.maximum
                        .map(|v| Rule::Maximum(limit(v), i.exclusive_maximum)),
                );
                push_some(
                    &mut rules,
                    i.multiple_of.map(|v| Rule::MultipleOf(limit(v))),
                );
                enum_rule(&mut rules, i.enumeration.iter().map(|v| (*v).into()));
            }
            SchemaKind::Type(OaType::Number(n)) => {
                rules.push(Rule::Type(JsonKind::Number));
                push_some(
                    &mut rules,
                    n.minimum
                        .map(|v| Rule::Minimum(Limit::Num(v), n.exclusive_minimum)),
                );
                push_some(
                    &mut rules,
                    n.maximum
                        .map(|v| Rule::Maximum(Limit::Num(v), n.exclusive_maximum)),
                );
                push_some(
                    &mut rules,
                    n.multiple_of.map(|v| Rule::MultipleOf(Limit::Num(v))),
                );
                enum_rule(&mut rules, n.enumeration.iter().map(|v| (*v).into()));
            }
            SchemaKind::Type(OaType::Boolean(b)) => {
                rules.push(Rule::Type(JsonKind::Boolean));
                enum_rule(&mut rules, b.enumeration.iter().map(|v| (*v).into()));
            }
            SchemaKind::Type(OaType::Object(o)) => {
                rules.push(Rule::Type(JsonKind::Object));
                self.object_rules(
                    &mut rules,
                    &o.properties,
                    o.additional_properties.as_ref(),
                    pointer,
                    walk,
                );
                push_some(
                    &mut rules,
                    o.min_properties.map(|n| Rule::MinProperties(n as u64)),
                );
                push_some(
                    &mut rules,
                    o.max_properties.map(|n| Rule::MaxProperties(n as u64)),
                );
            }
            SchemaKind::Type(OaType::Array(a)) => {
                rules.push(Rule::Type(JsonKind::Array));
                if let Some(items) = &a.items {
                    let node = self.boxed_check_node(items, &join(pointer, &["items"]), walk);
                    rules.push(Rule::Items(node));
                }
                push_some(&mut rules, a.min_items.map(|n| Rule::MinItems(n as u64)));
                push_some(&mut rules, a.max_items.map(|n| Rule::MaxItems(n as u64)));
                if a.unique_items {
                    rules.push(Rule::UniqueItems);
                }
            }
            SchemaKind::OneOf { one_of } => {
                rules.push(self.union_rule(schema, one_of, &join(pointer, &["oneOf"]), walk));
            }
            SchemaKind::AnyOf { any_of } => {
                rules.push(self.union_rule(schema, any_of, &join(pointer, &["anyOf"]), walk));
            }
            SchemaKind::AllOf { all_of } => self.merge_all_of(&mut rules, all_of, pointer, walk),
            SchemaKind::Any(any) => {
                // `allOf` beside other keywords (`{allOf: [$ref: Base], properties: {...}}`):
                // the members' checks hold too.
                self.merge_all_of(&mut rules, &any.all_of, pointer, walk);
                if !any.properties.is_empty() || any.additional_properties.is_some() {
                    let mut own = Vec::new();
                    self.object_rules(
                        &mut own,
                        &any.properties,
                        any.additional_properties.as_ref(),
                        pointer,
                        walk,
                    );
                    self.merge_rules(&mut rules, own);
                }
                push_some(
                    &mut rules,
                    any.min_length.map(|n| Rule::MinLength(n as u64)),
                );
                push_some(
                    &mut rules,
                    any.max_length.map(|n| Rule::MaxLength(n as u64)),
                );
                if let Some(pattern) = &any.pattern {
                    self.pattern_rule(&mut rules, pattern, &join(pointer, &["pattern"]));
                }
                if let Some(format) = &any.format {
                    rules.push(Rule::Shape(format.clone()));
                }
                let exclusive = |flag: Option<bool>| flag.unwrap_or(false);
                push_some(
                    &mut rules,
                    any.minimum
                        .map(|v| Rule::Minimum(Limit::Num(v), exclusive(any.exclusive_minimum))),
                );
                push_some(
                    &mut rules,
                    any.maximum
                        .map(|v| Rule::Maximum(Limit::Num(v), exclusive(any.exclusive_maximum))),
                );
                push_some(
                    &mut rules,
                    any.multiple_of.map(|v| Rule::MultipleOf(Limit::Num(v))),
                );
                if let Some(items) = &any.items {
                    let node = self.boxed_check_node(items, &join(pointer, &["items"]), walk);
                    rules.push(Rule::Items(node));
                }
                push_some(&mut rules, any.min_items.map(|n| Rule::MinItems(n as u64)));
                push_some(&mut rules, any.max_items.map(|n| Rule::MaxItems(n as u64)));
                if any.unique_items == Some(true) {
                    rules.push(Rule::UniqueItems);
                }
                enum_rule(&mut rules, any.enumeration.iter().cloned());
            }
            SchemaKind::Not { .. } => {}
        }
        rules
    }

    fn object_rules(
        &mut self,
        rules: &mut Vec<Rule>,
        properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        additional: Option<&'a AdditionalProperties>,
        pointer: &str,
        walk: &Walk,
    ) {
        let mut declared = Vec::new();
        for (name, property) in properties {
            let at = join(pointer, &["properties", name]);
            let read_only = match property {
                ReferenceOr::Item(schema) => schema.schema_data.read_only,
                ReferenceOr::Reference { reference } => self
                    .component_schema_named(reference)
                    .is_some_and(|(schema, _, _)| schema.schema_data.read_only),
            };
            let node = self.boxed_check_node(property, &at, walk);
            declared.push((name.clone(), node, read_only));
        }
        if !declared.is_empty() {
            rules.push(Rule::Properties(declared));
        }
        match additional {
            Some(AdditionalProperties::Any(false)) => rules.push(Rule::NoAdditional),
            Some(AdditionalProperties::Schema(schema)) => {
                let node =
                    self.check_node_within(schema, &join(pointer, &["additionalProperties"]), walk);
                rules.push(Rule::Additional(node));
            }
            _ => {}
        }
    }

    /// `oneOf` with a discriminator over `$ref`s selects by tag; any other union needs one
    /// branch to match.
    fn union_rule(
        &mut self,
        schema: &'a Schema,
        branches: &'a [ReferenceOr<Schema>],
        pointer: &str,
        walk: &Walk,
    ) -> Rule {
        let nodes: Vec<u32> = branches
            .iter()
            .enumerate()
            .map(|(index, branch)| {
                self.check_node_within(branch, &join(pointer, &[&index.to_string()]), walk)
            })
            .collect();
        let all_refs = branches
            .iter()
            .all(|b| matches!(b, ReferenceOr::Reference { .. }));
        match &schema.schema_data.discriminator {
            Some(discriminator) if all_refs => {
                let mut mapping: Vec<(String, u32)> = Vec::new();
                for (value, target) in &discriminator.mapping {
                    let reference = if target.starts_with('#') {
                        target.clone()
                    } else {
                        format!("#/components/schemas/{target}")
                    };
                    mapping.push((value.clone(), self.component_check(&reference, walk)));
                }
                // Without a mapping, a branch is selected by its schema's name, or by the one
                // value it pins the tag property to, as the union's type reads it.
                let property = &discriminator.property_name;
                for (branch, node) in branches.iter().zip(&nodes) {
                    if let ReferenceOr::Reference { reference } = branch {
                        let value = self
                            .pinned_tag_value(branch, property, pointer, walk)
                            .or_else(|| local_name(reference, "schemas"));
                        if let Some(value) = value {
                            if !mapping.iter().any(|(known, _)| *known == value) {
                                mapping.push((value, *node));
                            }
                        }
                    }
                }
                Rule::OneOf(discriminator.property_name.clone(), mapping)
            }
            _ => Rule::AnyOf(nodes),
        }
    }

    /// A `pattern` that compiles; one that does not is a warning, and the check is left out.
    fn pattern_rule(&mut self, rules: &mut Vec<Rule>, pattern: &str, pointer: &str) {
        if let Some(id) = self.checks.patterns.get(pattern) {
            rules.push(Rule::Pattern(*id));
            return;
        }
        match regress::Regex::new(pattern) {
            Ok(_) => {
                let id = self.checks.patterns.len() as u32;
                self.checks.patterns.insert(pattern.to_owned(), id);
                rules.push(Rule::Pattern(id));
            }
            Err(error) => self.warn(catalog::bad_pattern(pointer, &error.to_string())),
        }
    }

    /// Merges every `allOf` member's rules into `rules`.
    fn merge_all_of(
        &mut self,
        rules: &mut Vec<Rule>,
        all_of: &'a [ReferenceOr<Schema>],
        pointer: &str,
        walk: &Walk,
    ) {
        for (index, member) in all_of.iter().enumerate() {
            let at = join(pointer, &["allOf", &index.to_string()]);
            // A member that is a component is merged from inside it; one the walk is already
            // inside of (a schema that includes itself) adds no checks here.
            let (member, at, inside) = match member {
                ReferenceOr::Item(member) => (member, at, walk.nested()),
                ReferenceOr::Reference { reference } => {
                    match self.component_schema_named(reference) {
                        Some((member, at, name)) => (member, at, walk.enter(&name)),
                        None => continue,
                    }
                }
            };
            if let Some(inside) = inside {
                let member_rules = self.schema_rules(member, &at, &inside);
                self.merge_rules(rules, member_rules);
            }
        }
    }

    /// [`merge_rules_into`], with a node of its own for a property two members declare.
    fn merge_rules(&mut self, rules: &mut Vec<Rule>, member: Vec<Rule>) {
        let mut both = |a: u32, b: u32| {
            let id = self.new_check_node();
            self.checks.nodes[id as usize] = vec![Rule::AllOf(vec![a, b])];
            id
        };
        merge_rules_into(rules, member, &mut both);
    }

    /// The finished tables: the requests' (`check`s of trivial nodes dropped, pruned to the
    /// nodes parameters and bodies reach), and the responses' (every node responses reach, as
    /// lowered, for the value builder).
    pub(crate) fn finish_checks(&mut self, operations: &mut [Operation]) -> (Checks, Checks) {
        let builder = std::mem::take(&mut self.checks);
        let mut patterns: Vec<(String, u32)> = builder.patterns.into_iter().collect();
        patterns.sort_by_key(|(_, id)| *id);
        let patterns: Vec<String> = patterns.into_iter().map(|(p, _)| p).collect();
        let mut nodes = builder.nodes;
        if nodes.is_empty() {
            nodes.push(Vec::new());
        }
        // Responses: what they reach, untouched (a builder needs the types and every branch).
        let mut response_roots = Vec::new();
        for op in operations.iter_mut() {
            for response in &mut op.responses {
                let body = response.body.as_mut().map(|b| &mut b.check);
                let headers = response.headers.iter_mut().map(|h| &mut h.check);
                response_roots.extend(body.into_iter().chain(headers));
            }
        }
        let (response_nodes, new_id) =
            reachable(&nodes, response_roots.iter().filter_map(|n| **n).collect());
        for n in response_roots.into_iter().flatten() {
            *n = new_id[*n as usize];
        }
        let response_checks = Checks {
            nodes: response_nodes,
            patterns: patterns.clone(),
        };
        let live = constraining(&nodes);
        // Children that constrain nothing become node 0, except union branches (they still
        // decide which branch a value takes) and declared names `NoAdditional` needs.
        for rules in &mut nodes {
            let forbids = rules.contains(&Rule::NoAdditional);
            for rule in rules.iter_mut() {
                match rule {
                    Rule::Items(n) | Rule::Additional(n) if !live[*n as usize] => *n = 0,
                    Rule::Properties(list) => {
                        for (_, n, _) in list.iter_mut() {
                            if !live[*n as usize] {
                                *n = 0;
                            }
                        }
                        if !forbids {
                            list.retain(|(_, n, read_only)| *n != 0 && !read_only);
                        }
                    }
                    _ => {}
                }
            }
            // Shapes only guide the value builder; a request is not checked against them.
            rules.retain(|rule| {
                !matches!(rule, Rule::Items(0) | Rule::Additional(0) | Rule::Shape(_))
                    && !matches!(rule, Rule::Properties(list) if list.is_empty())
            });
        }
        let root = |check: &mut Option<u32>| {
            if check.is_some_and(|n| !live[n as usize]) {
                *check = None;
            }
        };
        for op in operations.iter_mut() {
            op.params.iter_mut().for_each(|p| root(&mut p.check));
            if let Some(body) = &mut op.body {
                root(&mut body.check);
            }
        }
        let roots: Vec<u32> = operations
            .iter()
            .flat_map(|op| {
                op.params
                    .iter()
                    .filter_map(|p| p.check)
                    .chain(op.body.as_ref().and_then(|b| b.check))
            })
            .collect();
        let (kept_nodes, new_id) = reachable(&nodes, roots);
        for op in operations.iter_mut() {
            let params = op.params.iter_mut().map(|p| &mut p.check);
            let body = op.body.as_mut().map(|b| &mut b.check);
            for n in params.chain(body).flatten() {
                *n = new_id[*n as usize];
            }
        }
        // Patterns no kept node uses stay in the table: they are few and cost nothing.
        let checks = Checks {
            nodes: kept_nodes,
            patterns,
        };
        (checks, response_checks)
    }
}

/// Node 0 and what `roots` reach, in order and renumbered, with each old node's new number.
fn reachable(nodes: &[Vec<Rule>], mut stack: Vec<u32>) -> (Vec<Vec<Rule>>, Vec<u32>) {
    let mut keep = vec![false; nodes.len()];
    keep[0] = true;
    while let Some(n) = stack.pop() {
        if std::mem::replace(&mut keep[n as usize], true) {
            continue;
        }
        for_each_child(&nodes[n as usize], &mut |child| stack.push(child));
    }
    let mut new_id = vec![0u32; nodes.len()];
    let mut next = 0u32;
    for (old, kept) in keep.iter().enumerate() {
        if *kept {
            new_id[old] = next;
            next += 1;
        }
    }
    let mut kept_nodes = Vec::new();
    for (old, rules) in nodes.iter().enumerate() {
        if keep[old] {
            let mut rules = rules.clone();
            for_each_child_mut(&mut rules, &mut |child| *child = new_id[*child as usize]);
            kept_nodes.push(rules);
        }
    }
    (kept_nodes, new_id)
}

/// Which nodes constrain something, themselves or through a child (a fixpoint over cycles).
fn constraining(nodes: &[Vec<Rule>]) -> Vec<bool> {
    let own = |rules: &Vec<Rule>| {
        rules.iter().any(|rule| {
            !matches!(
                rule,
                Rule::Type(_)
                    | Rule::Nullable
                    | Rule::Shape(_)
                    | Rule::Items(_)
                    | Rule::Properties(_)
                    | Rule::Additional(_)
                    | Rule::AnyOf(_)
                    | Rule::AllOf(_)
                    | Rule::OneOf(..)
            )
        })
    };
    let mut live: Vec<bool> = nodes.iter().map(own).collect();
    loop {
        let mut changed = false;
        for (index, rules) in nodes.iter().enumerate() {
            if live[index] {
                continue;
            }
            let mut any = false;
            for_each_child(rules, &mut |child| any |= live[child as usize]);
            if any {
                live[index] = true;
                changed = true;
            }
        }
        if !changed {
            return live;
        }
    }
}

fn for_each_child(rules: &[Rule], f: &mut dyn FnMut(u32)) {
    for rule in rules {
        match rule {
            Rule::Items(n) | Rule::Additional(n) => f(*n),
            Rule::Properties(list) => list.iter().for_each(|(_, n, _)| f(*n)),
            Rule::AnyOf(list) | Rule::AllOf(list) => list.iter().for_each(|n| f(*n)),
            Rule::OneOf(_, list) => list.iter().for_each(|(_, n)| f(*n)),
            _ => {}
        }
    }
}

fn for_each_child_mut(rules: &mut [Rule], f: &mut dyn FnMut(&mut u32)) {
    for rule in rules {
        match rule {
            Rule::Items(n) | Rule::Additional(n) => f(n),
            Rule::Properties(list) => list.iter_mut().for_each(|(_, n, _)| f(n)),
            Rule::AnyOf(list) | Rule::AllOf(list) => list.iter_mut().for_each(&mut *f),
            Rule::OneOf(_, list) => list.iter_mut().for_each(|(_, n)| f(n)),
            _ => {}
        }
    }
}

fn push_some(rules: &mut Vec<Rule>, rule: Option<Rule>) {
    rules.extend(rule);
}

/// An `enum` of the values given (`null` included when listed); none means no rule, and so do
/// arrays or objects among them (rare, and left to the typed reader).
fn enum_rule(rules: &mut Vec<Rule>, values: impl Iterator<Item = serde_json::Value>) {
    let values: Vec<serde_json::Value> = values.collect();
    let comparable = values.iter().all(|v| !v.is_array() && !v.is_object());
    if !values.is_empty() && comparable {
        rules.push(Rule::Enum(values));
    }
}

/// Merges an `allOf` member's rules into the node's: declared properties are united (so
/// `additionalProperties: false` sees them all; a property two members declare must meet both
/// nodes), the rest added once.
fn merge_rules_into(
    rules: &mut Vec<Rule>,
    member: Vec<Rule>,
    both: &mut dyn FnMut(u32, u32) -> u32,
) {
    for rule in member {
        match rule {
            Rule::Properties(list) => {
                if let Some(Rule::Properties(existing)) =
                    rules.iter_mut().find(|r| matches!(r, Rule::Properties(_)))
                {
                    for entry in list {
                        match existing.iter_mut().find(|(name, _, _)| *name == entry.0) {
                            Some(found) if found.1 == entry.1 => {}
                            Some(found) => {
                                found.1 = both(found.1, entry.1);
                                found.2 |= entry.2;
                            }
                            None => existing.push(entry),
                        }
                    }
                } else {
                    rules.push(Rule::Properties(list));
                }
            }
            rule if rules.contains(&rule) => {}
            rule => rules.push(rule),
        }
    }
}
