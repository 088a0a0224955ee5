//! Pairs the operations and types of two versions: operations by `operationId`, then by method
//! and route (a new `operationId` on the same route is a rename); types by Rust name, then by the
//! place their schema is written at (an inline schema renamed with its operation), then by shape
//! (one unmatched type on each side with the same fields or variants is a rename).

use std::collections::BTreeMap;

use super::types::{type_text, Spelling};
use crate::ir::{route_shape, Api, Operation, TypeDef, TypeKind};

/// Indexes into the old and new lists; `None` on one side for an addition or a removal.
pub type Pair = (Option<usize>, Option<usize>);

#[derive(Debug, Default)]
pub struct Matched {
    pub operations: Vec<Pair>,
    /// Webhooks and callbacks, as one list each (`Api::webhooks` then `Api::callbacks`).
    pub receivers: Vec<Pair>,
    pub types: Vec<Pair>,
    /// Old Rust name to new, for types paired under another name.
    pub type_renames: BTreeMap<String, String>,
}

pub fn match_apis(old: &Api, new: &Api) -> Matched {
    let old_receivers: Vec<&Operation> = old.webhooks.iter().chain(&old.callbacks).collect();
    let new_receivers: Vec<&Operation> = new.webhooks.iter().chain(&new.callbacks).collect();
    let types = match_types(old, new);
    let type_renames = types
        .iter()
        .filter_map(|pair| match pair {
            (Some(o), Some(n)) => {
                let (o, n) = (&old.types.defs[*o], &new.types.defs[*n]);
                (o.rust_name != n.rust_name).then(|| (o.rust_name.clone(), n.rust_name.clone()))
            }
            _ => None,
        })
        .collect();
    Matched {
        operations: match_operations(
            &old.operations.iter().collect::<Vec<_>>(),
            &new.operations.iter().collect::<Vec<_>>(),
        ),
        receivers: match_operations(&old_receivers, &new_receivers),
        types,
        type_renames,
    }
}

/// Pairs by `operationId`, then the rest by method and route shape (unique on both sides).
fn match_operations(old: &[&Operation], new: &[&Operation]) -> Vec<Pair> {
    let mut pairs = Vec::new();
    let mut new_taken = vec![false; new.len()];
    let mut old_taken = vec![false; old.len()];
    let by_id: BTreeMap<&str, usize> = new
        .iter()
        .enumerate()
        .map(|(i, op)| (op.wire_name.as_str(), i))
        .collect();
    for (i, op) in old.iter().enumerate() {
        if let Some(&j) = by_id.get(op.wire_name.as_str()) {
            if !new_taken[j] {
                new_taken[j] = true;
                old_taken[i] = true;
                pairs.push((Some(i), Some(j)));
            }
        }
    }
    let route = |op: &Operation| (op.method.as_str().to_owned(), route_shape(&op.path));
    let mut old_routes: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, op) in old.iter().enumerate().filter(|(i, _)| !old_taken[*i]) {
        old_routes.entry(route(op)).or_default().push(i);
    }
    let mut new_routes: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (j, op) in new.iter().enumerate().filter(|(j, _)| !new_taken[*j]) {
        new_routes.entry(route(op)).or_default().push(j);
    }
    for (key, olds) in &old_routes {
        if let (Some(news), [i]) = (new_routes.get(key), olds.as_slice()) {
            if let [j] = news.as_slice() {
                old_taken[*i] = true;
                new_taken[*j] = true;
                pairs.push((Some(*i), Some(*j)));
            }
        }
    }
    pairs.extend(
        (0..old.len())
            .filter(|i| !old_taken[*i])
            .map(|i| (Some(i), None)),
    );
    pairs.extend(
        (0..new.len())
            .filter(|j| !new_taken[*j])
            .map(|j| (None, Some(j))),
    );
    pairs
}

/// Pairs by Rust name, then the rest by shape when exactly one type on each side has it.
fn match_types(old: &Api, new: &Api) -> Vec<Pair> {
    let mut pairs = Vec::new();
    let by_name: BTreeMap<&str, usize> = new
        .types
        .defs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.rust_name.as_str(), i))
        .collect();
    let mut new_taken = vec![false; new.types.defs.len()];
    let mut old_left = Vec::new();
    for (i, def) in old.types.defs.iter().enumerate() {
        match by_name.get(def.rust_name.as_str()) {
            Some(&j) if !new_taken[j] => {
                new_taken[j] = true;
                pairs.push((Some(i), Some(j)));
            }
            _ => old_left.push(i),
        }
    }
    // An inline schema is named after its place, so renaming its operation renames it: the same
    // place (`#/paths/~1a/post/requestBody/...`) with the same kind is the same type.
    let mut new_by_pointer: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (j, def) in new.types.defs.iter().enumerate() {
        if !new_taken[j] {
            new_by_pointer
                .entry(def.pointer.as_str())
                .or_default()
                .push(j);
        }
    }
    let mut still_left = Vec::new();
    for &i in &old_left {
        let def = &old.types.defs[i];
        match new_by_pointer.get(def.pointer.as_str()).map(Vec::as_slice) {
            Some([j])
                if !new_taken[*j]
                    && std::mem::discriminant(&def.kind)
                        == std::mem::discriminant(&new.types.defs[*j].kind) =>
            {
                new_taken[*j] = true;
                pairs.push((Some(i), Some(*j)));
            }
            _ => still_left.push(i),
        }
    }
    let old_left = still_left;
    let mut old_shapes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &i in &old_left {
        if let Some(shape) = shape(old, &old.types.defs[i]) {
            old_shapes.entry(shape).or_default().push(i);
        }
    }
    let mut new_shapes: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (j, def) in new.types.defs.iter().enumerate() {
        if !new_taken[j] {
            if let Some(shape) = shape(new, def) {
                new_shapes.entry(shape).or_default().push(j);
            }
        }
    }
    let mut old_taken = vec![false; old.types.defs.len()];
    for (shape, olds) in &old_shapes {
        if let (Some(news), [i]) = (new_shapes.get(shape), olds.as_slice()) {
            if let [j] = news.as_slice() {
                old_taken[*i] = true;
                new_taken[*j] = true;
                pairs.push((Some(*i), Some(*j)));
            }
        }
    }
    pairs.extend(
        old_left
            .iter()
            .filter(|i| !old_taken[**i])
            .map(|i| (Some(*i), None)),
    );
    pairs.extend(
        (0..new.types.defs.len())
            .filter(|j| !new_taken[*j])
            .map(|j| (None, Some(j))),
    );
    pairs
}

/// What a type looks like without its name: its kind and its members' wire names (and, for
/// aliases and newtypes, the type they stand for). `None` for shapes too common to tell types
/// apart by (an empty struct).
fn shape(api: &Api, def: &TypeDef) -> Option<String> {
    let spelling = Spelling::compare(None);
    let text = match &def.kind {
        TypeKind::Struct(s) => {
            if s.fields.is_empty() {
                return None;
            }
            let fields: Vec<String> = s
                .fields
                .iter()
                .map(|f| format!("{}:{}", f.wire_name, f.required))
                .collect();
            format!("struct {}", fields.join(","))
        }
        TypeKind::Enum(e) => {
            let values: Vec<&str> = e.variants.iter().map(|v| v.wire_name.as_str()).collect();
            format!("enum {}", values.join(","))
        }
        TypeKind::Tagged(t) => {
            let values: Vec<String> = t.variants.iter().map(|v| v.tag_values.join("|")).collect();
            format!("tagged {} {}", t.tag, values.join(","))
        }
        TypeKind::Untagged(vs) => {
            let names: Vec<&str> = vs.iter().map(|v| v.rust_name.as_str()).collect();
            format!("untagged {}", names.join(","))
        }
        TypeKind::Alias(ty) => format!("alias {}", type_text(api, ty, spelling)),
        TypeKind::Newtype(ty) => format!("newtype {}", type_text(api, ty, spelling)),
    };
    Some(text)
}
