//! Resolves local `$ref`s (`#/components/<section>/<name>`) to the objects they name.
//!
//! Dangling, foreign and cyclic references become diagnostics that name the referring place.

use indexmap::IndexMap;
use openapiv3::{
    Components, Header, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema,
};

use super::Lowerer;
use crate::diagnostics::{catalog, decode_fragment_segment, escape_segment, unescape_segment};
use crate::ir::{Type, TypeId};

/// How many `$ref` hops a chain may take before it is called a cycle.
pub(crate) const MAX_REF_HOPS: usize = 32;

/// The component name in `#/components/<section>/<name>`, unescaped; `None` for anything else.
pub(crate) fn local_name(reference: &str, section: &str) -> Option<String> {
    let rest = reference
        .strip_prefix("#/components/")?
        .strip_prefix(section)?
        .strip_prefix('/')?;
    if rest.contains('/') {
        return None;
    }
    Some(unescape_segment(rest))
}

/// The decoded segments of a local JSON pointer (`#/a/b~1c` -> `["a", "b/c"]`), percent-decoding
/// included, since pointers in URI fragments may encode `{` and `}`.
fn pointer_segments(reference: &str) -> Option<Vec<String>> {
    let rest = reference.strip_prefix("#/")?;
    Some(rest.split('/').map(decode_fragment_segment).collect())
}

/// Objects that a `$ref` may also reach through `#/paths/...` (some real specs reuse an
/// operation's inline parameter that way).
pub(crate) trait PathLookup: Sized {
    fn lookup<'a>(spec: &'a OpenAPI, segments: &[String]) -> Option<&'a ReferenceOr<Self>>;
}

impl PathLookup for Parameter {
    fn lookup<'a>(spec: &'a OpenAPI, segments: &[String]) -> Option<&'a ReferenceOr<Self>> {
        let [first, path, rest @ ..] = segments else {
            return None;
        };
        if first != "paths" {
            return None;
        }
        let ReferenceOr::Item(item) = spec.paths.paths.get(path)? else {
            return None;
        };
        let (list, index) = match rest {
            [params, index] if params == "parameters" => (&item.parameters, index),
            [method, params, index] if params == "parameters" => {
                let op = item
                    .iter()
                    .find(|(m, _)| m.eq_ignore_ascii_case(method))
                    .map(|(_, op)| op)?;
                (&op.parameters, index)
            }
            _ => return None,
        };
        list.get(index.parse::<usize>().ok()?)
    }
}

macro_rules! no_path_lookup {
    ($($t:ty),*) => {$(
        impl PathLookup for $t {
            fn lookup<'a>(_: &'a OpenAPI, _: &[String]) -> Option<&'a ReferenceOr<Self>> {
                None
            }
        }
    )*};
}

no_path_lookup!(Schema, RequestBody, Response, Header);

impl<'a> Lowerer<'a> {
    /// Follows a chain of `$ref`s into `components.<section>` until it reaches an object.
    ///
    /// Returns the object and the pointer where it is defined.
    pub(crate) fn resolve<T: PathLookup>(
        &mut self,
        item: &'a ReferenceOr<T>,
        pointer: &str,
        section: &str,
        table: fn(&'a Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'a T, String)> {
        let mut current = item;
        let mut at = pointer.to_owned();
        for _ in 0..MAX_REF_HOPS {
            match current {
                ReferenceOr::Item(object) => return Some((object, at)),
                ReferenceOr::Reference { reference } => {
                    let Some(name) = local_name(reference, section) else {
                        if let Some(found) =
                            pointer_segments(reference).and_then(|s| T::lookup(self.spec, &s))
                        {
                            at = reference.clone();
                            current = found;
                            continue;
                        }
                        self.error(self.foreign_ref(pointer, reference, section));
                        return None;
                    };
                    let found = self
                        .spec
                        .components
                        .as_ref()
                        .and_then(|c| table(c).get(&name));
                    let Some(next) = found else {
                        self.error(catalog::dangling_ref(pointer, reference));
                        return None;
                    };
                    at = format!("#/components/{section}/{}", escape_segment(&name));
                    current = next;
                }
            }
        }
        self.error(catalog::ref_cycle(pointer, &at));
        None
    }

    fn foreign_ref(
        &self,
        pointer: &str,
        reference: &str,
        section: &str,
    ) -> crate::diagnostics::Diagnostic {
        if reference.starts_with('#') {
            catalog::unsupported_ref(pointer, reference, &format!("#/components/{section}/"))
        } else {
            catalog::external_ref(pointer, reference)
        }
    }

    /// The component schema a `$ref` reaches through any chain of aliases (`A: {$ref: B}`), with
    /// its name; `None` for a dangling or foreign reference or a chain longer than
    /// [`MAX_REF_HOPS`] (a cycle, reported once lowering ends). Reports nothing: every walk that
    /// looks behind a reference goes through here, so none can follow a cycle forever.
    pub(crate) fn follow_schema_ref(&self, reference: &str) -> Option<(String, &'a Schema)> {
        let schemas = &self.spec.components.as_ref()?.schemas;
        let mut reference = reference;
        for _ in 0..=MAX_REF_HOPS {
            let name = local_name(reference, "schemas")?;
            match schemas.get(&name)? {
                ReferenceOr::Item(schema) => return Some((name, schema)),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        None
    }

    /// The type a schema `$ref` stands for: the component's reserved id.
    pub(crate) fn schema_ref_type(&mut self, reference: &str, pointer: &str) -> Type {
        match self.schema_ref_id(reference, pointer) {
            Some(id) => Type::Named(id),
            None => Type::Any,
        }
    }

    pub(crate) fn schema_ref_id(&mut self, reference: &str, pointer: &str) -> Option<TypeId> {
        let Some(name) = local_name(reference, "schemas") else {
            self.error(self.foreign_ref(pointer, reference, "schemas"));
            return None;
        };
        match self.components.get(name.as_str()) {
            Some(id) => Some(*id),
            None => {
                self.error(catalog::dangling_ref(pointer, reference));
                None
            }
        }
    }

    /// The schema object behind a schema or `$ref`, following chains; `None` when dangling or cyclic
    /// (a diagnostic is already recorded then).
    pub(crate) fn resolve_schema(
        &mut self,
        item: &'a ReferenceOr<Schema>,
        pointer: &str,
    ) -> Option<&'a Schema> {
        self.resolve(item, pointer, "schemas", |c| &c.schemas)
            .map(|(schema, _)| schema)
    }

    /// Like [`Self::resolve_schema`] for the boxed references used by properties and items.
    pub(crate) fn resolve_boxed_schema(
        &mut self,
        item: &'a ReferenceOr<Box<Schema>>,
        pointer: &str,
    ) -> Option<&'a Schema> {
        match item {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => {
                let name = local_name(reference, "schemas");
                let found = name
                    .as_deref()
                    .and_then(|n| self.spec.components.as_ref().and_then(|c| c.schemas.get(n)));
                match found {
                    Some(next) => self.resolve_schema(next, pointer),
                    None => {
                        self.schema_ref_id(reference, pointer);
                        None
                    }
                }
            }
        }
    }
}
