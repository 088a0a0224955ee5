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

/// Marks a field or union variant boxed when its type can reach the type that holds it by value:
/// the field's type is the holder itself, or lies in the holder's strongly connected component of
/// the by-value graph (the field is an edge from holder to type, so a way back closes a cycle).
pub(crate) fn box_cycles(defs: &mut [TypeDef]) {
    let edges: Vec<Vec<usize>> = defs
        .iter()
        .map(|def| by_value(def).into_iter().map(|id| id.0).collect())
        .collect();
    let component = components(&edges);
    // Struct fields, and the variants of unions (a union of unions can contain itself too).
    let closes_cycle = |index: usize, ty: &Type| matches!(ty, Type::Named(target) if target.0 == index || component[target.0] == component[index]);
    for (index, def) in defs.iter_mut().enumerate() {
        match &mut def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter_mut()
                .for_each(|f| f.boxed |= closes_cycle(index, &f.ty)),
            TypeKind::Tagged(t) => t
                .variants
                .iter_mut()
                .for_each(|v| v.boxed |= closes_cycle(index, &v.ty)),
            TypeKind::Untagged(vs) => vs
                .iter_mut()
                .for_each(|v| v.boxed |= closes_cycle(index, &v.ty)),
            TypeKind::Enum(_) | TypeKind::Alias(_) | TypeKind::Newtype(_) => {}
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
    let component = components(edges);
    let mut size = vec![0usize; edges.len()];
    for &c in &component {
        size[c] += 1;
    }
    (0..edges.len())
        .map(|node| size[component[node]] > 1 || edges[node].contains(&node))
        .collect()
}

/// For each node of a directed graph, the id of its strongly connected component (two nodes
/// share one when each reaches the other). Tarjan's algorithm, iterative so a long chain of
/// types cannot overflow the stack.
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let (mut index, mut low) = (vec![UNSEEN; count], vec![0; count]);
    let mut on_stack = vec![false; count];
    let mut component = vec![UNSEEN; count];
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
                // The component is named after its root.
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = node;
                    if member == node {
                        break;
                    }
                }
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::{components, cyclic_nodes};

    #[test]
    fn nodes_on_cycles_are_found() {
        // 0 -> 1 -> 2 -> 0 is a cycle, which points at 3; 4 points at itself; 5 -> 6 is a chain.
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
        let component = components(&edges);
        assert!(component[0] == component[1] && component[1] == component[2]);
        let others = [component[3], component[4], component[5], component[6]];
        assert!(others.iter().all(|c| *c != component[0]));
        assert!(others.windows(2).all(|pair| pair[0] != pair[1]));
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let count = 200_000;
        let mut edges: Vec<Vec<usize>> = (0..count).map(|i| vec![i + 1]).collect();
        edges[count - 1] = vec![0];
        assert!(cyclic_nodes(&edges).into_iter().all(|c| c));
    }
}
