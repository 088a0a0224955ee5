//! Which side builds and which reads each type: a client builds what requests carry and reads
//! what responses carry; a server implementation reads requests and builds responses. A type
//! neither reaches (an unreferenced schema) counts as built and read by both.

use super::matching::Matched;
use crate::ir::{Api, Operation, Type};

/// Whether requests and responses reach each type of one version, by `TypeId`.
#[derive(Debug, Clone, Default)]
pub struct TypeRoles {
    pub request: Vec<bool>,
    pub response: Vec<bool>,
}

impl TypeRoles {
    pub fn of(api: &Api) -> TypeRoles {
        let operations = || {
            api.operations
                .iter()
                .chain(&api.webhooks)
                .chain(&api.callbacks)
        };
        let mut request_roots = Vec::new();
        let mut response_roots = Vec::new();
        for op in operations() {
            request_roots.extend(request_types(op));
            response_roots.extend(response_types(op));
        }
        TypeRoles {
            request: reach(api, request_roots),
            response: reach(api, response_roots),
        }
    }

    pub fn sides(&self, id: usize) -> Sides {
        Sides {
            request: self.request.get(id).copied().unwrap_or(false),
            response: self.response.get(id).copied().unwrap_or(false),
        }
    }
}

fn request_types(op: &Operation) -> Vec<Type> {
    op.params
        .iter()
        .map(|p| p.ty.clone())
        .chain(op.body.iter().map(|b| b.ty.clone()))
        .collect()
}

fn response_types(op: &Operation) -> Vec<Type> {
    op.responses
        .iter()
        .flat_map(|r| {
            r.body
                .iter()
                .map(|b| b.ty.clone())
                .chain(r.headers.iter().map(|h| h.ty.clone()))
        })
        .collect()
}

/// Every type reachable from `roots`, through fields, variants and aliases (each visited once).
fn reach(api: &Api, roots: Vec<Type>) -> Vec<bool> {
    let mut seen = vec![false; api.types.defs.len()];
    let mut stack = Vec::new();
    for root in &roots {
        root.named_ids(&mut stack);
    }
    while let Some(id) = stack.pop() {
        match seen.get_mut(id.0) {
            Some(seen) if !*seen => *seen = true,
            _ => continue,
        }
        api.types
            .get(id)
            .kind
            .for_each_type(&mut |ty| ty.named_ids(&mut stack));
    }
    seen
}

/// Where a type travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sides {
    pub request: bool,
    pub response: bool,
}

impl Sides {
    fn unused(self) -> bool {
        !self.request && !self.response
    }

    /// `(client, server)`: who builds values of the type.
    pub fn builders(self) -> (bool, bool) {
        (
            self.request || self.unused(),
            self.response || self.unused(),
        )
    }

    /// `(client, server)`: who reads values of the type.
    pub fn readers(self) -> (bool, bool) {
        (
            self.response || self.unused(),
            self.request || self.unused(),
        )
    }

    /// `(client, server)`: who names the type at all.
    pub fn users(self) -> (bool, bool) {
        let (bc, bs) = self.builders();
        let (rc, rs) = self.readers();
        (bc || rc, bs || rs)
    }
}

/// Both versions' roles.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    pub old: TypeRoles,
    pub new: TypeRoles,
}

impl Roles {
    pub fn of(old: &Api, new: &Api, _matched: &Matched) -> Roles {
        Roles {
            old: TypeRoles::of(old),
            new: TypeRoles::of(new),
        }
    }

    /// The sides of a type in either version (the code written against the old one, and what
    /// the new one makes of it).
    pub fn sides(&self, old: Option<usize>, new: Option<usize>) -> Sides {
        let a = old.map(|i| self.old.sides(i)).unwrap_or_default();
        let b = new.map(|j| self.new.sides(j)).unwrap_or_default();
        // The code that breaks is the old code: the old roles decide.
        if old.is_some() {
            a
        } else {
            b
        }
    }
}
