//! Breaks the cycles Rust cannot express: boxes the struct fields that close a by-value cycle, so
//! recursive types have a finite size, and turns aliases that contain themselves into newtypes.

use crate::ir::{Type, TypeDef, TypeId, TypeKind};

/// Aliases that are themselves by value, through a chain of aliases only (`A: {$ref: B}`,
/// `B: {allOf: [{$ref: A}]}`): no schema in the loop says what the value is. Returns each one's
/// index and the next alias on the loop, so the caller can report it.
pub(crate) fn alias_loops(defs: &[TypeDef]) -> Vec<(usize, usize)> {
    let next = |index: usize| match &defs[index].kind {
        TypeKind::Alias(Type::Named(id)) => Some(id.0),
        _ => None,
    };
    let mut out = Vec::new();
    for index in 0..defs.len() {
        let Some(first) = next(index) else { continue };
        let mut at = first;
        for _ in 0..defs.len() {
            if at == index {
                out.push((index, first));
                break;
            }
            match next(at) {
                Some(following) => at = following,
                None => break,
            }
        }
    }
    out
}

/// Turns aliases that contain themselves into newtypes: `type Dict = BTreeMap<String, Dict>`
/// names itself (E0391), `struct Dict(BTreeMap<String, Dict>)` does not. The loop goes through
/// a `Vec`, map or `Option` somewhere (by-value loops are [`alias_loops`], an error), so the
/// struct has a finite size. One alias per loop is enough: aliases are taken in arena order
/// (component names sorted, then inline types), and once one is a struct, loops through it are
/// broken, so the choice is deterministic and the others stay plain aliases.
pub(crate) fn newtype_recursive_aliases(defs: &mut [TypeDef]) {
    let alias_edges = |defs: &[TypeDef], index: usize| -> Vec<TypeId> {
        let mut out = Vec::new();
        if let TypeKind::Alias(ty) = &defs[index].kind {
            ty.named_ids(&mut out);
        }
        out
    };
    for index in 0..defs.len() {
        if !matches!(defs[index].kind, TypeKind::Alias(_)) {
            continue;
        }
        let mut seen = vec![false; defs.len()];
        let mut stack = alias_edges(defs, index);
        let mut contains_itself = false;
        while let Some(at) = stack.pop() {
            if at.0 == index {
                contains_itself = true;
                break;
            }
            if !std::mem::replace(&mut seen[at.0], true) {
                stack.extend(alias_edges(defs, at.0));
            }
        }
        if contains_itself {
            let kind = std::mem::replace(&mut defs[index].kind, TypeKind::Alias(Type::Any));
            if let TypeKind::Alias(ty) = kind {
                defs[index].kind = TypeKind::Newtype(ty);
            }
        }
    }
}

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

/// Marks a field or union variant boxed when its type can reach the type that holds it by value.
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
    // Struct fields, and the variants of unions (a union of unions can contain itself too).
    let closes_cycle = |index: usize, ty: &Type| matches!(ty, Type::Named(target) if reaches(*target, TypeId(index)));
    let mut to_box: Vec<(usize, usize)> = Vec::new();
    for (index, def) in defs.iter().enumerate() {
        let types: Vec<&Type> = match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Tagged(t) => t.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Untagged(vs) => vs.iter().map(|v| &v.ty).collect(),
            TypeKind::Enum(_) | TypeKind::Alias(_) | TypeKind::Newtype(_) => Vec::new(),
        };
        for (position, ty) in types.into_iter().enumerate() {
            if closes_cycle(index, ty) {
                to_box.push((index, position));
            }
        }
    }
    for (index, position) in to_box {
        match &mut defs[index].kind {
            TypeKind::Struct(s) => s.fields[position].boxed = true,
            TypeKind::Tagged(t) => t.variants[position].boxed = true,
            TypeKind::Untagged(vs) => vs[position].boxed = true,
            _ => {}
        }
    }
}
