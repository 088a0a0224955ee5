//! Breaks the cycles Rust cannot express: boxes the struct fields that close a by-value cycle, so
//! recursive types have a finite size, and turns aliases that contain themselves into newtypes;
//! marks the structs that can nest (their readers guard the stack).

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

/// Marks the structs that can hold a value of their own type at any depth: those in a cycle of
/// the type graph (every reference counts, by value or through a `Vec`, map or union). Tarjan's
/// strongly connected components, iterative so a long chain of types cannot overflow the stack.
pub(crate) fn mark_recursive(defs: &mut [TypeDef]) {
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|def| {
            let mut ids = Vec::new();
            def.kind.for_each_type(&mut |t| t.named_ids(&mut ids));
            ids.into_iter().map(|id| id.0).collect()
        })
        .collect();
    let in_cycle = cyclic_nodes(&edges);
    for (def, cyclic) in defs.iter_mut().zip(in_cycle) {
        if let TypeKind::Struct(s) = &mut def.kind {
            s.recursive = cyclic;
        }
    }
}

/// For each node of a directed graph, whether it lies on a cycle (a self-edge counts).
fn cyclic_nodes(edges: &[Vec<usize>]) -> Vec<bool> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let (mut index, mut low) = (vec![UNSEEN; count], vec![0; count]);
    let (mut on_stack, mut cyclic) = (vec![false; count], vec![false; count]);
    let mut stack: Vec<usize> = Vec::new();
    let mut next_index = 0;
    for root in 0..count {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, position of the next edge to follow)
        let mut walk = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(node, edge)) = walk.last() {
            if let Some(&target) = edges[node].get(edge) {
                if let Some(top) = walk.last_mut() {
                    top.1 += 1;
                }
                if target == node {
                    cyclic[node] = true;
                }
                if index[target] == UNSEEN {
                    index[target] = next_index;
                    low[target] = next_index;
                    next_index += 1;
                    stack.push(target);
                    on_stack[target] = true;
                    walk.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            walk.pop();
            if let Some(&(parent, _)) = walk.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    component
                        .into_iter()
                        .for_each(|member| cyclic[member] = true);
                }
            }
        }
    }
    cyclic
}

#[cfg(test)]
mod tests {
    use super::cyclic_nodes;

    #[test]
    fn nodes_on_cycles_are_found() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 points into it; 4 points at itself; 5 -> 6 is a chain.
        let edges = vec![
            vec![1],
            vec![2],
            vec![0, 3],
            vec![],
            vec![4],
            vec![6],
            vec![],
        ];
        let in_cycle = cyclic_nodes(&edges);
        assert_eq!(in_cycle, [true, true, true, false, true, false, false]);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let count = 200_000;
        let mut edges: Vec<Vec<usize>> = (0..count).map(|i| vec![i + 1]).collect();
        edges[count - 1] = vec![0];
        assert!(cyclic_nodes(&edges).into_iter().all(|c| c));
    }
}
