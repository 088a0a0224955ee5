//! Works out which tags reach each type, for per-tag cargo features.

use std::collections::BTreeSet;

use crate::ir::{Operation, Reach, Tag, Type, TypeDef, UNTAGGED};
use crate::names::Namespace;

/// Sets `TypeDef::reach` from the tags of the operations that reach each type; returns every tag.
pub(crate) fn assign_tags(defs: &mut [TypeDef], operations: &[Operation]) -> Vec<Tag> {
    let all: BTreeSet<String> = operations
        .iter()
        .flat_map(|op| op.tags.iter().cloned())
        .collect();
    let mut reached: Vec<BTreeSet<String>> = vec![BTreeSet::new(); defs.len()];
    for op in operations {
        let mut stack = Vec::new();
        op.for_each_type(&mut |t| t.named_ids(&mut stack));
        let mut seen = vec![false; defs.len()];
        while let Some(id) = stack.pop() {
            if std::mem::replace(&mut seen[id.0], true) {
                continue;
            }
            reached[id.0].extend(op.tags.iter().cloned());
            defs[id.0]
                .kind
                .for_each_type(&mut |t: &Type| t.named_ids(&mut stack));
        }
    }
    for (def, tags) in defs.iter_mut().zip(reached) {
        def.reach = if tags.is_empty() {
            Reach::Unreferenced
        } else if tags == all {
            Reach::All
        } else {
            Reach::Tags(tags)
        };
    }
    let mut features = Namespace::new();
    all.into_iter()
        .map(|wire_name| {
            let (feature_name, _) = features.claim(&feature_name(&wire_name));
            Tag {
                wire_name,
                feature_name,
            }
        })
        .collect()
}

/// `Organization Main Calls` -> `organization-main-calls`.
pub(crate) fn feature_name(tag: &str) -> String {
    let snake = crate::names::field_name(tag);
    let kebab = snake
        .trim_start_matches("r#")
        .trim_matches('_')
        .replace('_', "-");
    if kebab.is_empty() {
        UNTAGGED.to_owned()
    } else {
        kebab
    }
}
