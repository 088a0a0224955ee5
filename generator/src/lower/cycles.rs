//! Boxes the struct fields that close a by-value cycle, so recursive types have a finite size.

use crate::ir::{Type, TypeDef, TypeId, TypeKind};

/// The ids a definition holds by value (not behind a `Vec` or map, which already allocate).
fn by_value(def: &TypeDef) -> Vec<TypeId> {
    let mut out = Vec::new();
    def.kind.for_each_type(&mut |t| {
        if let Type::Named(id) = t {
            out.push(*id);
        }
    });
    out
}

/// Marks a field boxed when its type can reach the struct that holds it by value.
pub(crate) fn box_cycles(defs: &mut [TypeDef]) {
    let edges: Vec<Vec<TypeId>> = defs.iter().map(by_value).collect();
    let reaches = |from: TypeId, to: TypeId| -> bool {
        let mut seen = vec![false; edges.len()];
        let mut stack = vec![from];
        while let Some(at) = stack.pop() {
            if at == to {
                return true;
            }
            if std::mem::replace(&mut seen[at.0], true) {
                continue;
            }
            stack.extend(edges[at.0].iter().copied());
        }
        false
    };
    let mut to_box: Vec<(usize, usize)> = Vec::new();
    for (index, def) in defs.iter().enumerate() {
        if let TypeKind::Struct(s) = &def.kind {
            for (field_index, field) in s.fields.iter().enumerate() {
                if let Type::Named(target) = field.ty {
                    if reaches(target, TypeId(index)) {
                        to_box.push((index, field_index));
                    }
                }
            }
        }
    }
    for (index, field_index) in to_box {
        if let TypeKind::Struct(s) = &mut defs[index].kind {
            s.fields[field_index].boxed = true;
        }
    }
}
