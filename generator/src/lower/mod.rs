//! Lowers a parsed `openapiv3` document into the IR; the only module that reads `openapiv3` types.
//!
//! Order matters for determinism and for cycles: every component schema gets a `TypeId` and a
//! name before any is lowered, then operations are lowered, then the type arena is sorted.

mod cycles;
pub(crate) mod mock_examples;
mod operation;
pub(crate) mod pagination;
mod refs;
pub(crate) mod refusals;
mod schema;
mod security;
mod tags;
mod union_names;
mod validation;
mod walk;

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::diagnostics::{catalog, Diagnostic, Diagnostics};
use crate::ir::{Api, Example, Operation, Server, Type, TypeDef, TypeId, TypeKind, TypeSpace};
use crate::names::{self, Namespace};

/// A lowered API plus the warnings found on the way.
pub struct Lowered {
    pub api: Api,
    pub warnings: Diagnostics,
    /// JSON pointers where a precise type could not be produced.
    pub fallbacks: Vec<String>,
}

/// Whether a named schema is still to do, being lowered (cycle guard) or done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    InProgress,
    Done,
}

/// State shared by all of lowering.
pub(crate) struct Lowerer<'a> {
    spec: &'a OpenAPI,
    diagnostics: Diagnostics,
    type_names: Namespace,
    /// The names operation-level types (inputs, options, response enums) claimed.
    operation_type_names: BTreeSet<String>,
    defs: Vec<TypeDef>,
    states: Vec<State>,
    /// Component schema name -> its reserved id.
    components: IndexMap<&'a str, TypeId>,
    fallbacks: Vec<String>,
    /// Schema examples by pointer (a map, because a component's schema can be met twice).
    examples: BTreeMap<String, Example>,
    /// How many inline schemas enclose the one being lowered.
    inline_depth: usize,
    /// The constraint table of parameters and bodies, as it is built.
    checks: validation::CheckBuilder,
    /// Unknown formats met, by format and the type they fall back to: the index of the one
    /// warning reported (at the first place) and every place that uses it.
    unknown_formats: BTreeMap<(String, &'static str), (usize, BTreeSet<String>)>,
    /// Properties `allOf` members gave different types, checked once every type is lowered.
    restated: Vec<schema::Restated>,
}

/// Lowers the whole document; errors of the phase are collected and returned together.
pub fn lower_api(spec: &OpenAPI) -> Result<Lowered, Diagnostics> {
    lower_api_owned(spec.clone())
}

/// [`lower_api`] for a caller done with the document, which is sorted in place rather than in a
/// copy (hundreds of megabytes for a large API).
pub fn lower_api_owned(spec: OpenAPI) -> Result<Lowered, Diagnostics> {
    let spec = &canonical_order(spec);
    let mut lowerer = Lowerer::new(spec);
    lowerer.reserve_components();
    for name in names::RESERVED_TYPE_NAMES {
        lowerer.type_names.claim(name);
    }
    for index in 0..lowerer.components.len() {
        lowerer.lower_component(TypeId(index));
    }
    let schemes = security::lower_security_schemes(spec, &mut lowerer.diagnostics);
    let mut operations = operation::lower_operations(&mut lowerer, &schemes);
    let (checks, response_checks) = lowerer.finish_checks(&mut operations);
    lowerer.flatten_union_cycles();
    for (index, next) in cycles::alias_loops(&lowerer.defs) {
        let (pointer, target) = (&lowerer.defs[index].pointer, &lowerer.defs[next].pointer);
        let error = catalog::ref_cycle(pointer, target);
        lowerer.error(error);
    }
    lowerer.report_restated_properties();
    lowerer.count_unknown_formats();
    if lowerer.diagnostics.has_errors() {
        return Err(lowerer.diagnostics);
    }
    let mut defs = std::mem::take(&mut lowerer.defs);
    cycles::newtype_recursive_aliases(&mut defs);
    cycles::box_cycles(&mut defs);
    cycles::mark_recursive(&mut defs);
    let all_tags = tags::assign_tags(&mut defs, &operations);
    let mut examples: Vec<Example> = std::mem::take(&mut lowerer.examples)
        .into_values()
        .collect();
    let types = sort_types(defs, &mut operations, &mut examples);
    let model_shadows_std = names::shadows_std(types.defs.iter().map(|d| d.rust_name.as_str()));
    // Webhooks and callbacks were moved into `paths` by the loader, each path item marked.
    let marked = |marker: &str| -> Vec<String> {
        spec.paths
            .paths
            .iter()
            .filter(|(_, item)| {
                matches!(item, ReferenceOr::Item(item) if item.extensions.contains_key(marker))
            })
            .map(|(key, _)| format!("{}/", crate::diagnostics::join("#/paths", &[key])))
            .collect()
    };
    let (webhook_items, callback_items) = (
        marked(crate::load::WEBHOOK_MARKER),
        marked(crate::load::CALLBACK_MARKER),
    );
    let under = |items: &[String], op: &Operation| items.iter().any(|p| op.pointer.starts_with(p));
    let (webhooks, operations): (Vec<Operation>, Vec<Operation>) = operations
        .into_iter()
        .partition(|op| under(&webhook_items, op));
    let (callbacks, operations): (Vec<Operation>, Vec<Operation>) = operations
        .into_iter()
        .partition(|op| under(&callback_items, op));
    let api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        servers: spec
            .servers
            .iter()
            .map(|s| Server {
                url: s.url.clone(),
                description: s.description.clone(),
            })
            .collect(),
        security_schemes: schemes,
        types,
        operations,
        webhooks,
        callbacks,
        tags: all_tags,
        model_shadows_std,
        examples,
        checks,
        response_checks,
        refusals: Vec::new(),
    };
    Ok(Lowered {
        api,
        warnings: lowerer.diagnostics,
        fallbacks: lowerer.fallbacks,
    })
}

impl<'a> Lowerer<'a> {
    fn new(spec: &'a OpenAPI) -> Self {
        Self {
            spec,
            diagnostics: Diagnostics::default(),
            type_names: Namespace::new(),
            operation_type_names: BTreeSet::new(),
            defs: Vec::new(),
            states: Vec::new(),
            components: IndexMap::new(),
            fallbacks: Vec::new(),
            examples: BTreeMap::new(),
            inline_depth: 0,
            checks: Default::default(),
            unknown_formats: BTreeMap::new(),
            restated: Vec::new(),
        }
    }

    /// Warns about an unknown format once per format and fallback type: real specs repeat one
    /// (OpenAI's `unixtime`, 144 times), and one warning with a count says as much.
    fn warn_unknown_format(&mut self, pointer: &str, format: &str, base: &'static str) {
        match self.unknown_formats.entry((format.to_owned(), base)) {
            std::collections::btree_map::Entry::Occupied(mut seen) => {
                seen.get_mut().1.insert(pointer.to_owned());
            }
            std::collections::btree_map::Entry::Vacant(first) => {
                first.insert((self.diagnostics.len(), BTreeSet::from([pointer.to_owned()])));
                self.diagnostics
                    .push(catalog::unknown_format(pointer, format, base));
            }
        }
    }

    /// Adds to each unknown-format warning how many other places it stands for.
    fn count_unknown_formats(&mut self) {
        for (index, places) in self.unknown_formats.values() {
            if let (Some(warning), 2..) = (self.diagnostics.0.get_mut(*index), places.len()) {
                warning.hint = Some(catalog::same_elsewhere(places.len() - 1));
            }
        }
    }

    fn warn(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records a fallback to `serde_json::Value` and warns about it.
    fn fallback(&mut self, pointer: &str, what: &str) -> Type {
        self.fallbacks.push(pointer.to_owned());
        self.warn(catalog::fallback(pointer, what));
        Type::Any
    }

    /// Gives every component schema an id and a name before any schema is lowered.
    fn reserve_components(&mut self) {
        let Some(components) = &self.spec.components else {
            return;
        };
        for name in components.schemas.keys() {
            let pointer = format!(
                "#/components/schemas/{}",
                crate::diagnostics::escape_segment(name)
            );
            let id = self.new_def(name, &names::type_name(name), &pointer);
            self.components.insert(name.as_str(), id);
        }
    }

    /// Pushes a placeholder definition with a unique Rust name.
    fn new_def(&mut self, wire_name: &str, candidate: &str, pointer: &str) -> TypeId {
        let (rust_name, renamed) = self.type_names.claim(candidate);
        if renamed {
            self.warn(catalog::renamed(
                pointer,
                "type name",
                candidate,
                &rust_name,
            ));
        }
        let id = TypeId(self.defs.len());
        self.defs.push(TypeDef {
            wire_name: wire_name.to_owned(),
            rust_name,
            pointer: pointer.to_owned(),
            doc: None,
            kind: TypeKind::Alias(Type::Any),
            reach: Default::default(),
        });
        self.states.push(State::Pending);
        id
    }

    /// Claims a name for an operation-level type (input, options, response enum).
    fn claim_type_name(&mut self, candidate: &str, pointer: &str) -> String {
        self.claim_first_type_name(&[candidate.to_owned()], pointer)
    }

    /// Claims the first free of `candidates` for an operation-level type: taking a later one is
    /// the documented rule (`names::RESPONSE_SUFFIXES`) when a schema holds the first, and only
    /// a numbered name is reported. When another operation's type holds the first (two
    /// operation ids that differ only in case), the name is numbered as the method is.
    fn claim_first_type_name(&mut self, candidates: &[String], pointer: &str) -> String {
        let first = candidates.first().map_or("", String::as_str).to_owned();
        let (name, renamed) = if self.operation_type_names.contains(&first) {
            self.type_names.claim(&first)
        } else {
            self.type_names.claim_first(candidates)
        };
        if renamed {
            self.warn(catalog::renamed(pointer, "type name", &first, &name));
        }
        self.operation_type_names.insert(name.clone());
        name
    }

    fn component_schema(&self, id: TypeId) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let (name, _) = self.components.get_index(id.0)?;
        let schema = self.spec.components.as_ref()?.schemas.get(*name)?;
        Some((name, schema))
    }

    /// Lowers a component schema once; a schema met again while in progress is a cycle and is
    /// simply referred to by id (boxing is decided later).
    fn lower_component(&mut self, id: TypeId) {
        if self.states[id.0] != State::Pending {
            return;
        }
        let Some((_, schema)) = self.component_schema(id) else {
            return;
        };
        self.states[id.0] = State::InProgress;
        let pointer = self.defs[id.0].pointer.clone();
        let rust_name = self.defs[id.0].rust_name.clone();
        let (kind, doc) = self.lower_definition(schema, &rust_name, &pointer);
        if let ReferenceOr::Item(schema) = schema {
            // A component's example is checked against the component's own type, replacing the
            // inline expression an alias component may have recorded for the same pointer.
            for (at, value) in schema::examples_of(schema, &pointer) {
                let value = match schema::fit_example(schema, value) {
                    Ok(value) => value,
                    Err(declared) => {
                        self.warn(catalog::example_mismatch(&at, declared));
                        continue;
                    }
                };
                let example = Example {
                    pointer: at.clone(),
                    ty: Type::Named(id),
                    value,
                };
                self.examples.insert(at, example);
            }
        }
        self.defs[id.0].kind = kind;
        self.defs[id.0].doc = doc;
        self.states[id.0] = State::Done;
    }

    fn is_in_progress(&self, id: TypeId) -> bool {
        self.states[id.0] == State::InProgress
    }
}

/// The document with its `components` maps sorted by name.
///
/// Their order carries no meaning, but names are claimed (and collisions resolved) in the order
/// things are lowered, so lowering them sorted keeps the output independent of how the document
/// happens to list them. Document order is kept where it means something (properties, paths,
/// enum values, union variants).
fn canonical_order(mut spec: OpenAPI) -> OpenAPI {
    if let Some(c) = &mut spec.components {
        c.schemas.sort_keys();
        c.responses.sort_keys();
        c.parameters.sort_keys();
        c.examples.sort_keys();
        c.request_bodies.sort_keys();
        c.headers.sort_keys();
        c.security_schemes.sort_keys();
        c.links.sort_keys();
        c.callbacks.sort_keys();
    }
    spec
}

/// Sorts definitions by Rust name and rewrites every `TypeId` to match.
fn sort_types(
    defs: Vec<TypeDef>,
    operations: &mut [crate::ir::Operation],
    examples: &mut [Example],
) -> TypeSpace {
    let mut order: Vec<usize> = (0..defs.len()).collect();
    order.sort_by(|a, b| defs[*a].rust_name.cmp(&defs[*b].rust_name));
    let mut new_id = vec![0usize; defs.len()];
    for (new, old) in order.iter().enumerate() {
        new_id[*old] = new;
    }
    let remap = |ty: &mut Type| ty.remap(&|id| TypeId(new_id[id.0]));
    let mut slots: Vec<Option<TypeDef>> = defs.into_iter().map(Some).collect();
    let mut sorted = Vec::with_capacity(slots.len());
    for old in order {
        let mut def = slots[old].take().expect("each definition is moved once");
        def.kind.for_each_type_mut(&mut |t| remap(t));
        sorted.push(def);
    }
    for op in operations {
        op.for_each_type_mut(&mut |t| remap(t));
    }
    for example in examples {
        remap(&mut example.ty);
    }
    TypeSpace { defs: sorted }
}
