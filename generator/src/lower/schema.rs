//! Lowers JSON schemas into type expressions and type definitions.
//!
//! Named schemas become definitions; inline objects, enums and unions get a definition with a
//! name derived from where they appear (`Organization` + `organization_plan` ->
//! `OrganizationOrganizationPlan`), so names are stable across runs.

use std::collections::BTreeSet;

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type as OaType, VariantOrUnknownOrEmpty,
};

use super::refs::MAX_REF_HOPS;
use super::union_names::MemberNames;
use super::walk::Walk;
use super::{Lowerer, State};
use crate::diagnostics::{catalog, join};
use crate::ir::{
    EnumDef, EnumRepr, EnumVariant, Example, Field, StructDef, TaggedDef, TaggedVariant, Type,
    TypeId, TypeKind, UnionVariant,
};
use crate::names::{self, Namespace};

/// String formats that are plain strings in Rust, so they need no warning.
const PLAIN_STRING_FORMATS: &[&str] = &[
    "email",
    "idn-email",
    "uri",
    "url",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "time",
    "duration",
    "regex",
    "json-pointer",
    "relative-json-pointer",
    "password",
    "byte",
    "int64",
    "int32",
    "decimal",
    "cidr",
    "mac",
    "semver",
    "html",
    "markdown",
    "color",
];

/// Required property names, in the order met, each with the pointer of its `required` entry.
type Required = indexmap::IndexMap<String, String>;

/// Adds the names of a `required` list written at `pointer`'s `required`.
fn note_required(required: &mut Required, names: &[String], pointer: &str) {
    for (index, name) in names.iter().enumerate() {
        required
            .entry(name.clone())
            .or_insert_with(|| join(pointer, &["required", &index.to_string()]));
    }
}

/// A property collected while flattening an object or `allOf`.
struct Collected {
    field: Field,
}

/// How deep inline schemas may nest. Each level of `items` or `additionalProperties` nests the
/// emitted type one level deeper (`Vec<Vec<...>>`), and parsing such a type recurses in `syn`, so
/// an absurd depth would overflow the stack instead of generating code.
const MAX_INLINE_DEPTH: usize = 32;

impl<'a> Lowerer<'a> {
    /// The definition a named schema gets: a struct, enum, union, or an alias of another type.
    pub(crate) fn lower_definition(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        rust_name: &str,
        pointer: &str,
    ) -> (TypeKind, Option<String>) {
        match schema {
            ReferenceOr::Reference { reference } => (
                TypeKind::Alias(self.schema_ref_type(reference, pointer)),
                None,
            ),
            ReferenceOr::Item(schema) => {
                let doc = doc_of(schema);
                (self.lower_schema_kind(schema, rust_name, pointer), doc)
            }
        }
    }

    /// Lowers a schema that owns a definition.
    fn lower_schema_kind(&mut self, schema: &'a Schema, name: &str, pointer: &str) -> TypeKind {
        if let Some(kind) = self.definition_kind(schema, name, pointer) {
            return kind;
        }
        TypeKind::Alias(self.inline_type(schema, name, pointer))
    }

    /// The definition for schemas that need one (objects with properties, enums, unions, allOf);
    /// `None` for schemas that are just a type expression.
    fn definition_kind(
        &mut self,
        schema: &'a Schema,
        name: &str,
        pointer: &str,
    ) -> Option<TypeKind> {
        if is_null_only(schema) {
            return None;
        }
        match &schema.schema_kind {
            SchemaKind::Type(OaType::String(s)) if !s.enumeration.is_empty() => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                Some(self.string_enum(&values, pointer))
            }
            SchemaKind::Type(OaType::Integer(i)) if !i.enumeration.is_empty() => {
                let values: Vec<String> = i
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| v.to_string())
                    .collect();
                Some(self.integer_enum(&values, pointer))
            }
            SchemaKind::Type(OaType::Object(o)) if !o.properties.is_empty() => {
                Some(self.object_struct(
                    Some(&o.properties),
                    &o.required,
                    o.additional_properties.as_ref(),
                    &[],
                    name,
                    pointer,
                ))
            }
            SchemaKind::AllOf { all_of } => Some(self.all_of_kind(all_of, name, pointer)),
            SchemaKind::OneOf { one_of } => {
                Some(self.union(one_of, schema, name, pointer, "oneOf"))
            }
            SchemaKind::AnyOf { any_of } => {
                Some(self.union(any_of, schema, name, pointer, "anyOf"))
            }
            SchemaKind::Any(any) => self.any_definition(any, schema, name, pointer),
            _ => None,
        }
    }

    /// An `allOf`: the type of its one type-bearing member when the others only annotate it
    /// (`allOf: [{$ref: Tags}, {description: ...}]` is `Tags`, whatever kind `Tags` is), an
    /// object merging every member otherwise.
    fn all_of_kind(
        &mut self,
        all_of: &'a [ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
    ) -> TypeKind {
        match single_type_member(all_of) {
            Some((index, member)) => {
                let at = join(pointer, &["allOf", &index.to_string()]);
                match member {
                    ReferenceOr::Reference { reference } => {
                        TypeKind::Alias(self.schema_ref_type(reference, &at))
                    }
                    ReferenceOr::Item(inner) => self.lower_schema_kind(inner, name, &at),
                }
            }
            // Only annotations: nothing constrains the value.
            None if all_of
                .iter()
                .all(|m| is_annotation_only(m) || is_null_schema(m)) =>
            {
                TypeKind::Alias(Type::Any)
            }
            None => self.object_struct(None, &[], None, all_of, name, pointer),
        }
    }

    /// Schemas that openapiv3 could not classify: mixes such as `type: object` with `allOf`.
    fn any_definition(
        &mut self,
        any: &'a AnySchema,
        schema: &'a Schema,
        name: &str,
        pointer: &str,
    ) -> Option<TypeKind> {
        if !any.one_of.is_empty() && any.properties.is_empty() && any.all_of.is_empty() {
            return Some(self.union(&any.one_of, schema, name, pointer, "oneOf"));
        }
        if !any.any_of.is_empty() && any.properties.is_empty() && any.all_of.is_empty() {
            return Some(self.union(&any.any_of, schema, name, pointer, "anyOf"));
        }
        if only_all_of(any) && single_type_member(&any.all_of).is_some() {
            return Some(self.all_of_kind(&any.all_of, name, pointer));
        }
        if !any.properties.is_empty() || !any.all_of.is_empty() {
            return Some(self.object_struct(
                Some(&any.properties),
                &any.required,
                any.additional_properties.as_ref(),
                &any.all_of,
                name,
                pointer,
            ));
        }
        let strings: Vec<String> = any
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if !any.enumeration.is_empty()
            && strings.len() == any.enumeration.iter().filter(|v| !v.is_null()).count()
        {
            return Some(self.string_enum(&strings, pointer));
        }
        None
    }

    /// The type of a schema that may be a `$ref`; inline schemas that need a definition get one
    /// named `hint`.
    pub(crate) fn type_of(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
    ) -> Type {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref_type(reference, pointer),
            ReferenceOr::Item(schema) => self.inline_type(schema, hint, pointer),
        }
    }

    pub(crate) fn boxed_type_of(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
    ) -> Type {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref_type(reference, pointer),
            ReferenceOr::Item(schema) => self.inline_type(schema, hint, pointer),
        }
    }

    /// The type of an inline schema; its `example`, if any, is recorded against that type.
    pub(crate) fn inline_type(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> Type {
        let ty = self.inline_type_in_bounds(schema, hint, pointer);
        for (at, value) in examples_of(schema, pointer) {
            let value = match fit_example(schema, value) {
                Ok(value) => value,
                Err(declared) => {
                    self.warn(catalog::example_mismatch(&at, declared));
                    continue;
                }
            };
            self.examples.entry(at.clone()).or_insert_with(|| Example {
                pointer: at,
                ty: ty.clone(),
                value,
            });
        }
        ty
    }

    /// Past [`MAX_INLINE_DEPTH`] nested inline schemas, a fallback.
    fn inline_type_in_bounds(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> Type {
        if self.inline_depth >= MAX_INLINE_DEPTH {
            let what = format!("inline schemas nest deeper than {MAX_INLINE_DEPTH} levels");
            return self.fallback(pointer, &what);
        }
        self.inline_depth += 1;
        let ty = self.inline_type_within_depth(schema, hint, pointer);
        self.inline_depth -= 1;
        ty
    }

    fn inline_type_within_depth(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> Type {
        // `allOf: [$ref]` (often with `nullable` or a description beside it) is that type.
        if let SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } =
            &schema.schema_kind
        {
            let concrete: Vec<&ReferenceOr<Schema>> =
                members.iter().filter(|s| !is_null_schema(s)).collect();
            if let [ReferenceOr::Reference { reference }] = concrete.as_slice() {
                return self.schema_ref_type(reference, pointer);
            }
        }
        // An `allOf` whose other members only annotate its one type-bearing member is that
        // member's type; an inline member that needs a definition gets it below, under the
        // outer schema's name and documentation.
        let all_of = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => Some(all_of),
            SchemaKind::Any(any) if only_all_of(any) => Some(&any.all_of),
            _ => None,
        };
        if let Some((index, member)) = all_of.and_then(|all_of| single_type_member(all_of)) {
            match member {
                ReferenceOr::Reference { reference } => {
                    return self.schema_ref_type(reference, pointer);
                }
                ReferenceOr::Item(inner) if !self.needs_definition(inner) => {
                    let at = join(pointer, &["allOf", &index.to_string()]);
                    return self.inline_type(inner, hint, &at);
                }
                ReferenceOr::Item(_) => {}
            }
        }
        // `enum: [null]`: the one value is `null`, and `()` is the type whose only JSON is `null`.
        if is_null_only(schema) {
            return Type::Null;
        }
        if self.needs_definition(schema) {
            let id = self.new_def(hint, &names::type_name(hint), pointer);
            self.states[id.0] = State::InProgress;
            let kind = self.lower_schema_kind(schema, &self.defs[id.0].rust_name.clone(), pointer);
            self.defs[id.0].kind = kind;
            self.defs[id.0].doc = doc_of(schema);
            self.states[id.0] = State::Done;
            return Type::Named(id);
        }
        match &schema.schema_kind {
            SchemaKind::Type(OaType::String(s)) => self.string_type(&s.format, pointer),
            SchemaKind::Type(OaType::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Type::I32,
                VariantOrUnknownOrEmpty::Unknown(f)
                    if !PLAIN_STRING_FORMATS.contains(&f.as_str()) =>
                {
                    self.warn_unknown_format(pointer, f, "integer (i64)");
                    Type::I64
                }
                _ => Type::I64,
            },
            SchemaKind::Type(OaType::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Type::F32,
                VariantOrUnknownOrEmpty::Unknown(f)
                    if !PLAIN_STRING_FORMATS.contains(&f.as_str()) =>
                {
                    self.warn_unknown_format(pointer, f, "number (f64)");
                    Type::F64
                }
                _ => Type::F64,
            },
            SchemaKind::Type(OaType::Boolean(_)) => Type::Bool,
            SchemaKind::Type(OaType::Array(a)) => match &a.items {
                Some(items) => {
                    let inner = self.element_type_of(
                        items,
                        &format!("{hint}Item"),
                        &join(pointer, &["items"]),
                    );
                    Type::Array(Box::new(inner))
                }
                None => Type::Array(Box::new(Type::Any)),
            },
            SchemaKind::Type(OaType::Object(o)) => {
                self.map_type(o.additional_properties.as_ref(), hint, pointer)
            }
            SchemaKind::Any(any) => self.any_type(any, hint, pointer),
            SchemaKind::Not { .. } => {
                self.fallback(pointer, "`not` schemas cannot be expressed as a Rust type")
            }
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                Type::Any
            }
        }
    }

    /// Whether an inline schema gets its own named definition.
    fn needs_definition(&self, schema: &Schema) -> bool {
        if is_null_only(schema) {
            return false;
        }
        match &schema.schema_kind {
            SchemaKind::Type(OaType::String(s)) => s.enumeration.iter().any(Option::is_some),
            SchemaKind::Type(OaType::Integer(i)) => i.enumeration.iter().any(Option::is_some),
            SchemaKind::Type(OaType::Object(o)) => !o.properties.is_empty(),
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
            SchemaKind::Any(any) => {
                !any.properties.is_empty()
                    || !any.all_of.is_empty()
                    || !any.one_of.is_empty()
                    || !any.any_of.is_empty()
                    || (!any.enumeration.is_empty()
                        && any.enumeration.iter().all(|v| v.is_string() || v.is_null()))
            }
            _ => false,
        }
    }

    fn string_type(
        &mut self,
        format: &VariantOrUnknownOrEmpty<StringFormat>,
        pointer: &str,
    ) -> Type {
        match format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Type::DateTime,
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Type::Date,
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Type::Binary,
            VariantOrUnknownOrEmpty::Item(_) | VariantOrUnknownOrEmpty::Empty => Type::String,
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Type::Uuid,
            VariantOrUnknownOrEmpty::Unknown(f) => {
                if !PLAIN_STRING_FORMATS.contains(&f.as_str()) {
                    self.warn_unknown_format(pointer, f, "string");
                }
                Type::String
            }
        }
    }

    /// The type of an array item or map value: `Nullable` when its schema admits `null`, since
    /// `Vec<T>` and map values of `T` would reject the `null`s the spec allows.
    fn element_type_of(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
    ) -> Type {
        let ty = self.boxed_type_of(schema, hint, pointer);
        let nullable = self
            .resolve_boxed_schema(schema, pointer)
            .is_some_and(|s| is_nullable(s) && !is_null_only(s));
        nullable_element(ty, nullable)
    }

    /// The value type of `additionalProperties` (at `pointer`'s `additionalProperties`), like
    /// [`Self::element_type_of`].
    fn value_type_of(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
    ) -> Type {
        let at = join(pointer, &["additionalProperties"]);
        let ty = self.type_of(schema, hint, &at);
        let nullable = self
            .resolve_schema(schema, &at)
            .is_some_and(|s| is_nullable(s) && !is_null_only(s));
        nullable_element(ty, nullable)
    }

    /// An object without properties: a map of its `additionalProperties`, or free-form.
    fn map_type(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> Type {
        match additional {
            Some(AdditionalProperties::Schema(inner)) => {
                let value = self.value_type_of(inner, &format!("{hint}Value"), pointer);
                Type::Map(Box::new(value))
            }
            _ => Type::Map(Box::new(Type::Any)),
        }
    }

    /// Schemas openapiv3 could not classify and that need no definition.
    fn any_type(&mut self, any: &'a AnySchema, hint: &str, pointer: &str) -> Type {
        match any.typ.as_deref() {
            None if any.items.is_none() && any.additional_properties.is_none() => Type::Any,
            Some("string") => match any.format.as_deref() {
                Some("uuid") => Type::Uuid,
                Some("date-time") => Type::DateTime,
                Some("date") => Type::Date,
                _ => Type::String,
            },
            Some("integer") => match any.format.as_deref() {
                Some("int32") => Type::I32,
                _ => Type::I64,
            },
            Some("number") => match any.format.as_deref() {
                Some("float") => Type::F32,
                _ => Type::F64,
            },
            Some("boolean") => Type::Bool,
            Some("array") | None if any.items.is_some() => {
                let items = any.items.as_ref().expect("checked by the guard");
                Type::Array(Box::new(self.element_type_of(
                    items,
                    &format!("{hint}Item"),
                    &join(pointer, &["items"]),
                )))
            }
            Some("object") | None => {
                self.map_type(any.additional_properties.as_ref(), hint, pointer)
            }
            Some(other) => {
                let what = format!("schema type `{other}` is not an OpenAPI 3.0 type");
                self.fallback(pointer, &what)
            }
        }
    }

    fn string_enum(&mut self, values: &[String], pointer: &str) -> TypeKind {
        let mut ns = Namespace::with_reserved(&["Unknown"]);
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for value in values {
            if !seen.insert(value.clone()) {
                continue;
            }
            let (rust_name, _) = ns.claim(&names::variant_name(value));
            variants.push(EnumVariant {
                wire_name: value.clone(),
                rust_name,
            });
        }
        let _ = pointer;
        TypeKind::Enum(EnumDef {
            variants,
            repr: EnumRepr::String,
        })
    }

    fn integer_enum(&mut self, values: &[String], _pointer: &str) -> TypeKind {
        let mut ns = Namespace::with_reserved(&["Unknown"]);
        let mut seen = BTreeSet::new();
        let mut variants = Vec::new();
        for value in values {
            if !seen.insert(value.clone()) {
                continue;
            }
            let candidate = match value.strip_prefix('-') {
                Some(abs) => format!("Minus{abs}"),
                None => format!("V{value}"),
            };
            let (rust_name, _) = ns.claim(&candidate);
            variants.push(EnumVariant {
                wire_name: value.clone(),
                rust_name,
            });
        }
        TypeKind::Enum(EnumDef {
            variants,
            repr: EnumRepr::Integer,
        })
    }

    /// A struct from properties plus every `allOf` member, flattened in order.
    fn object_struct(
        &mut self,
        properties: Option<&'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
        all_of: &'a [ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
    ) -> TypeKind {
        let mut collected: Vec<Collected> = Vec::new();
        let mut extra: Option<Type> = None;
        let mut required_set = Required::new();
        note_required(&mut required_set, required, pointer);
        for (index, member) in all_of.iter().enumerate() {
            let at = join(pointer, &["allOf", &index.to_string()]);
            self.collect_member(
                member,
                name,
                &at,
                &mut collected,
                &mut required_set,
                &mut extra,
            );
        }
        if let Some(properties) = properties {
            self.collect_properties(properties, name, pointer, &mut collected);
        }
        if let Some(AdditionalProperties::Schema(inner)) = additional {
            let hint = format!("{name}Value");
            extra = Some(self.value_type_of(inner, &hint, pointer));
        } else if let Some(AdditionalProperties::Any(true)) = additional {
            extra = Some(Type::Any);
        }
        let mut ns = Namespace::with_reserved(if extra.is_some() {
            &["additional_properties"]
        } else {
            &[]
        });
        // A required property that no `properties` defines is still required: it becomes a
        // field of the additional properties' type (any JSON without them), so a typed request
        // can satisfy the schema. It is required and nullable (`Option<T>`, always written,
        // `null` when `None`): the name is often a mistake of the spec (Qovery's `EnvironmentLog`
        // requires `service` and `status` but defines `scope` and `state`), so a response that
        // leaves it out is still read, as for any required nullable property.
        for (wire, at) in &required_set {
            if collected.iter().any(|c| &c.field.wire_name == wire) {
                continue;
            }
            self.warn(catalog::undefined_required(at, wire, extra.is_some()));
            collected.push(Collected {
                field: Field {
                    wire_name: wire.clone(),
                    rust_name: String::new(),
                    ty: match &extra {
                        Some(Type::Nullable(inner)) => (**inner).clone(),
                        Some(ty) => ty.clone(),
                        None => Type::Any,
                    },
                    required: true,
                    nullable: true,
                    doc: None,
                    read_only: false,
                    write_only: false,
                    default: None,
                    boxed: false,
                },
            });
        }
        let fields = collected
            .into_iter()
            .map(|c| {
                let mut field = c.field;
                field.required |= required_set.contains_key(&field.wire_name);
                field.rust_name = ns.claim(&names::field_name(&field.wire_name)).0;
                field
            })
            .collect();
        TypeKind::Struct(StructDef {
            fields,
            additional: extra,
            recursive: false,
        })
    }

    /// Adds the properties of one `allOf` member.
    fn collect_member(
        &mut self,
        member: &'a ReferenceOr<Schema>,
        name: &str,
        pointer: &str,
        collected: &mut Vec<Collected>,
        required: &mut Required,
        extra: &mut Option<Type>,
    ) {
        match member {
            ReferenceOr::Reference { reference } => {
                let Some(id) = self.schema_ref_id(reference, pointer) else {
                    return;
                };
                if self.is_in_progress(id) {
                    self.error(catalog::ref_cycle(pointer, reference));
                    return;
                }
                self.lower_component(id);
                self.copy_fields_of(id, pointer, collected, extra);
            }
            ReferenceOr::Item(schema) => match &schema.schema_kind {
                SchemaKind::Type(OaType::Object(o)) => {
                    note_required(required, &o.required, pointer);
                    self.collect_properties(&o.properties, name, pointer, collected);
                    if let Some(AdditionalProperties::Schema(inner)) = &o.additional_properties {
                        *extra = Some(self.type_of(inner, &format!("{name}Value"), pointer));
                    }
                }
                SchemaKind::AllOf { all_of } => {
                    for (index, inner) in all_of.iter().enumerate() {
                        let at = join(pointer, &["allOf", &index.to_string()]);
                        self.collect_member(inner, name, &at, collected, required, extra);
                    }
                }
                SchemaKind::Any(any) => {
                    note_required(required, &any.required, pointer);
                    self.collect_properties(&any.properties, name, pointer, collected);
                    for (index, inner) in any.all_of.iter().enumerate() {
                        let at = join(pointer, &["allOf", &index.to_string()]);
                        self.collect_member(inner, name, &at, collected, required, extra);
                    }
                }
                SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                    // Alternatives inside an `allOf`: every property any of them declares becomes
                    // an optional field. Which alternative was meant is not kept, but every
                    // property keeps its type instead of the whole member becoming a `Value`,
                    // unless the alternatives disagree on it: then any of their values must
                    // read, so it is a `Value`.
                    let keyword = match &schema.schema_kind {
                        SchemaKind::OneOf { .. } => "oneOf",
                        _ => "anyOf",
                    };
                    let mut merged: Vec<Collected> = Vec::new();
                    let mut disagreeing: Vec<String> = Vec::new();
                    for (index, inner) in members.iter().enumerate() {
                        if is_null_schema(inner) {
                            continue;
                        }
                        let at = join(pointer, &[keyword, &index.to_string()]);
                        let mut own = Vec::new();
                        let mut alternative_required = Required::new();
                        self.collect_member(
                            inner,
                            name,
                            &at,
                            &mut own,
                            &mut alternative_required,
                            extra,
                        );
                        for c in own {
                            let wire = c.field.wire_name.clone();
                            if self.merge_alternative(&mut merged, c.field) {
                                disagreeing.push(wire);
                            }
                        }
                    }
                    for wire in disagreeing {
                        let what = format!(
                            "the `{keyword}` alternatives give property `{wire}` different types"
                        );
                        self.fallback(pointer, &what);
                    }
                    for mut c in merged {
                        c.field.required = false;
                        push_field(self, collected, c.field, pointer);
                    }
                }
                _ => self.warn(catalog::ignored_all_of_member(pointer)),
            },
        }
    }

    /// Copies the (already lowered) fields of a named struct into an `allOf` being flattened.
    fn copy_fields_of(
        &mut self,
        id: TypeId,
        pointer: &str,
        collected: &mut Vec<Collected>,
        extra: &mut Option<Type>,
    ) {
        let mut current = id;
        // Follow aliases of aliases (`A: {$ref: B}`) to the struct.
        for _ in 0..MAX_REF_HOPS {
            match &self.defs[current.0].kind {
                TypeKind::Alias(Type::Named(next)) => {
                    let next = *next;
                    if self.is_in_progress(next) {
                        let target = self.defs[next.0].pointer.clone();
                        self.error(catalog::ref_cycle(pointer, &target));
                        return;
                    }
                    self.lower_component(next);
                    current = next;
                }
                _ => break,
            }
        }
        match self.defs[current.0].kind.clone() {
            TypeKind::Struct(def) => {
                for field in def.fields {
                    push_field(self, collected, field, pointer);
                }
                if def.additional.is_some() {
                    *extra = def.additional;
                }
            }
            TypeKind::Alias(Type::Map(value)) => *extra = Some(*value),
            _ => {
                self.warn(catalog::ignored_all_of_member(pointer));
            }
        }
    }

    fn collect_properties(
        &mut self,
        properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        name: &str,
        pointer: &str,
        collected: &mut Vec<Collected>,
    ) {
        for (wire, schema) in properties {
            let at = join(pointer, &["properties", wire]);
            let hint = format!("{name}{}", names::type_name(wire));
            let ty = self.boxed_type_of(schema, &hint, &at);
            let resolved = self.resolve_boxed_schema(schema, &at);
            let (nullable, doc, read_only, write_only, default) = match (schema, resolved) {
                (ReferenceOr::Item(s), _) => {
                    let annotations = || std::iter::once(&**s).chain(annotation_members(s));
                    (
                        is_nullable(s),
                        doc_of(s),
                        annotations().any(|a| a.schema_data.read_only),
                        annotations().any(|a| a.schema_data.write_only),
                        annotations().find_map(|a| a.schema_data.default.clone()),
                    )
                }
                (ReferenceOr::Reference { .. }, Some(target)) => {
                    (is_nullable(target), None, false, false, None)
                }
                (ReferenceOr::Reference { .. }, None) => (false, None, false, false, None),
            };
            let field = Field {
                wire_name: wire.clone(),
                rust_name: String::new(),
                ty,
                required: false,
                nullable,
                doc,
                read_only,
                write_only,
                default,
                boxed: false,
            };
            push_field(self, collected, field, &at);
        }
    }

    /// `oneOf` / `anyOf`: tagged when a discriminator names the property, untagged otherwise.
    fn union(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        schema: &'a Schema,
        name: &str,
        pointer: &str,
        keyword: &str,
    ) -> TypeKind {
        let discriminated = schema.schema_data.discriminator.is_some();
        let planned = self.name_union_members(members, name, !discriminated);
        let mut variants = Vec::new();
        for (index, names) in planned.members {
            let member = &members[index];
            match names {
                MemberNames::Literals(values) => {
                    for (value, rust_name) in values {
                        let variant = UnionVariant {
                            rust_name,
                            ty: Type::String,
                            literal: Some(value),
                            boxed: false,
                        };
                        variants.push((variant, member));
                    }
                }
                MemberNames::Typed { rust_name, hint } => {
                    let at = join(pointer, &[keyword, &index.to_string()]);
                    let ty = self.type_of(member, &hint, &at);
                    let variant = UnionVariant {
                        rust_name,
                        ty,
                        literal: None,
                        boxed: false,
                    };
                    variants.push((variant, member));
                }
            }
        }
        if let Some(discriminator) = &schema.schema_data.discriminator {
            let all_named = variants.iter().all(|(v, _)| matches!(v.ty, Type::Named(_)));
            if all_named {
                let pinned: Vec<Option<String>> = variants
                    .iter()
                    .map(|(_, member)| {
                        self.pinned_tag_value(
                            member,
                            &discriminator.property_name,
                            pointer,
                            &Walk::new(),
                        )
                    })
                    .collect();
                let (mut tagged, explicit): (Vec<TaggedVariant>, Vec<bool>) = variants
                    .into_iter()
                    .zip(pinned)
                    .map(|((variant, member), pinned)| {
                        // Without a mapping, the value is the schema's name, unless the variant
                        // pins the tag property to one value: then only that value can occur.
                        let default_value = match (pinned, member) {
                            (Some(pinned), _) => pinned,
                            (None, ReferenceOr::Reference { reference }) => {
                                super::refs::local_name(reference, "schemas").unwrap_or_default()
                            }
                            (None, ReferenceOr::Item(_)) => variant.rust_name.clone(),
                        };
                        let mut tag_values: Vec<String> = discriminator
                            .mapping
                            .iter()
                            .filter(|(_, target)| match member {
                                ReferenceOr::Reference { reference } => {
                                    *target == reference
                                        || super::refs::local_name(reference, "schemas").as_deref()
                                            == Some(target.as_str())
                                }
                                ReferenceOr::Item(_) => false,
                            })
                            .map(|(value, _)| value.clone())
                            .collect();
                        let explicit = !tag_values.is_empty();
                        if !explicit {
                            tag_values.push(default_value);
                        }
                        let variant = TaggedVariant {
                            tag_values,
                            readable: true,
                            rust_name: variant.rust_name,
                            ty: variant.ty,
                            boxed: false,
                        };
                        (variant, explicit)
                    })
                    .unzip();
                self.settle_tag_values(&mut tagged, &explicit, pointer);
                return TypeKind::Tagged(TaggedDef {
                    tag: discriminator.property_name.clone(),
                    variants: tagged,
                });
            }
        }
        let mut plain: Vec<UnionVariant> = variants.into_iter().map(|(v, _)| v).collect();
        if let Some(rust_name) = planned.catch_all {
            plain.push(UnionVariant {
                rust_name,
                ty: Type::String,
                literal: None,
                boxed: false,
            });
        }
        self.order_untagged(&mut plain, pointer);
        TypeKind::Untagged(plain)
    }

    /// The one value a variant allows for the tag property (`type: {const: message}` or a
    /// one-value `enum`), looked up in its properties and its `allOf` members.
    pub(super) fn pinned_tag_value(
        &mut self,
        member: &'a ReferenceOr<Schema>,
        property: &str,
        pointer: &str,
        walk: &Walk,
    ) -> Option<String> {
        // Inside the member's component (once per path: a member may include itself).
        let walk = match member {
            ReferenceOr::Reference { reference } => {
                walk.enter(&self.follow_schema_ref(reference)?.0)?
            }
            ReferenceOr::Item(_) => walk.nested()?,
        };
        let schema = self.resolve_schema(member, pointer)?;
        match &schema.schema_kind {
            SchemaKind::Type(OaType::Object(object)) => {
                let tag = match object.properties.get(property)? {
                    ReferenceOr::Item(tag) => tag.as_ref(),
                    reference @ ReferenceOr::Reference { .. } => {
                        self.resolve_boxed_schema(reference, pointer)?
                    }
                };
                match &tag.schema_kind {
                    SchemaKind::Type(OaType::String(s)) => match s.enumeration.as_slice() {
                        [Some(only)] => Some(only.clone()),
                        _ => None,
                    },
                    _ => None,
                }
            }
            SchemaKind::AllOf { all_of } => all_of
                .iter()
                .find_map(|m| self.pinned_tag_value(m, property, pointer, &walk)),
            _ => None,
        }
    }

    /// Settles which variants each discriminator value selects. The mapping's values (`explicit`
    /// marks the variants whose values come from it) override the implicit ones (a schema's
    /// name or pinned value): an implicit value the mapping gives to another variant is not
    /// read as this one. A value several variants keep (two schemas both pinning
    /// `type: message`) is shared: reading tries them in order and takes the first that reads.
    /// A variant left without a value of its own, or whose values all select an earlier variant
    /// of the same type (a `$ref` listed twice), can never be read: it keeps its first value to
    /// be written with, is marked not `readable`, and is reported.
    fn settle_tag_values(
        &mut self,
        variants: &mut [TaggedVariant],
        explicit: &[bool],
        pointer: &str,
    ) {
        let mapped: Vec<(String, String)> = (0..variants.len())
            .filter(|i| explicit[*i])
            .flat_map(|i| {
                let name = variants[i].rust_name.clone();
                variants[i]
                    .tag_values
                    .iter()
                    .map(move |t| (t.clone(), name.clone()))
            })
            .collect();
        for (index, variant) in variants.iter_mut().enumerate() {
            if explicit[index] {
                continue;
            }
            let first = variant.tag_values[0].clone();
            variant
                .tag_values
                .retain(|t| !mapped.iter().any(|(value, _)| value == t));
            if variant.tag_values.is_empty() {
                variant.tag_values.push(first.clone());
                variant.readable = false;
                let winner = mapped
                    .iter()
                    .find(|(value, _)| *value == first)
                    .map(|(_, name)| name.clone())
                    .unwrap_or_default();
                let name = variant.rust_name.clone();
                self.warn(catalog::discriminator_value_taken(
                    pointer, &first, &name, &winner,
                ));
            }
        }
        for index in 0..variants.len() {
            if !variants[index].readable {
                continue;
            }
            let shadow = (0..index).find(|&earlier| {
                variants[earlier].readable
                    && variants[earlier].ty == variants[index].ty
                    && variants[index]
                        .tag_values
                        .iter()
                        .all(|t| variants[earlier].tag_values.contains(t))
            });
            if let Some(earlier) = shadow {
                variants[index].readable = false;
                let (first, name) = (
                    variants[index].tag_values[0].clone(),
                    variants[index].rust_name.clone(),
                );
                let winner = variants[earlier].rust_name.clone();
                self.warn(catalog::discriminator_value_taken(
                    pointer, &first, &name, &winner,
                ));
            }
        }
    }

    /// Untagged unions that contain each other by value (`Expr: oneOf [Term, string]`,
    /// `Term: oneOf [Expr, integer]`) accept the union of their other variants: every step
    /// around the cycle re-reads the same JSON value. Such a union's variants that lead back
    /// into it (through unions and aliases) are replaced by the variants they lead to. Boxing
    /// them would compile, but reading a value no variant accepts would go around the cycle
    /// until the stack overflows.
    pub(crate) fn flatten_union_cycles(&mut self) {
        for index in 0..self.defs.len() {
            if !matches!(self.defs[index].kind, TypeKind::Untagged(_))
                || !self.union_reaches(index, index)
            {
                continue;
            }
            let mut seen = vec![false; self.defs.len()];
            seen[index] = true;
            let mut leaves = Vec::new();
            self.union_leaves(index, &mut seen, &mut leaves);
            let mut ns = Namespace::new();
            let mut variants: Vec<UnionVariant> = Vec::new();
            for mut leaf in leaves {
                if variants
                    .iter()
                    .any(|v| v.ty == leaf.ty && v.literal == leaf.literal)
                {
                    continue;
                }
                leaf.rust_name = ns.claim(&leaf.rust_name).0;
                variants.push(leaf);
            }
            let pointer = self.defs[index].pointer.clone();
            self.order_untagged(&mut variants, &pointer);
            self.defs[index].kind = TypeKind::Untagged(variants);
        }
    }

    /// The untagged union or alias a type leads to by value, if any: where a by-value cycle of
    /// unions can continue.
    fn union_step(&self, ty: &Type) -> Option<usize> {
        match ty {
            Type::Named(id) => match &self.defs[id.0].kind {
                TypeKind::Untagged(_) | TypeKind::Alias(Type::Named(_)) => Some(id.0),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `from` leads to `to` by value through untagged unions and aliases.
    fn union_reaches(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.defs.len()];
        let mut stack = vec![from];
        while let Some(at) = stack.pop() {
            let next: Vec<usize> = match &self.defs[at].kind {
                TypeKind::Untagged(vs) => {
                    vs.iter().filter_map(|v| self.union_step(&v.ty)).collect()
                }
                TypeKind::Alias(ty) => self.union_step(ty).into_iter().collect(),
                _ => Vec::new(),
            };
            for n in next {
                if n == to {
                    return true;
                }
                if !std::mem::replace(&mut seen[n], true) {
                    stack.push(n);
                }
            }
        }
        false
    }

    /// The variants that accept a value at `at` without going through another union or alias,
    /// in order, depth first.
    fn union_leaves(&self, at: usize, seen: &mut [bool], leaves: &mut Vec<UnionVariant>) {
        let variants: Vec<UnionVariant> = match &self.defs[at].kind {
            TypeKind::Untagged(vs) => vs.clone(),
            TypeKind::Alias(ty) => vec![UnionVariant {
                rust_name: self.defs[at].rust_name.clone(),
                ty: ty.clone(),
                literal: None,
                boxed: false,
            }],
            _ => Vec::new(),
        };
        for variant in variants {
            match self.union_step(&variant.ty) {
                Some(next) if !std::mem::replace(&mut seen[next], true) => {
                    self.union_leaves(next, seen, leaves);
                }
                Some(_) => {}
                None => leaves.push(variant),
            }
        }
    }

    /// Orders untagged variants so the most specific one is tried first, and warns about pairs
    /// that accept the same JSON.
    fn order_untagged(&mut self, variants: &mut [UnionVariant], pointer: &str) {
        // A string value is tried before anything else that reads strings.
        let keys: Vec<(u32, String)> = variants
            .iter()
            .map(|v| match &v.literal {
                Some(value) => (700, format!("literal:{value}")),
                None => self.specificity(&v.ty),
            })
            .collect();
        let mut indexed: Vec<(usize, (u32, String))> = keys.into_iter().enumerate().collect();
        indexed.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
        for pair in indexed.windows(2) {
            if pair[0].1 == pair[1].1 {
                let (a, b) = (
                    &variants[pair[0].0].rust_name,
                    &variants[pair[1].0].rust_name,
                );
                let warning = catalog::ambiguous_union(pointer, a, b);
                self.warn(warning);
            }
        }
        let order: Vec<usize> = indexed.iter().map(|(i, _)| *i).collect();
        let sorted: Vec<UnionVariant> = order.iter().map(|i| variants[*i].clone()).collect();
        variants.clone_from_slice(&sorted);
    }

    /// `ty` with aliases, newtypes and nullability looked through; `None` for a loop of aliases
    /// (reported once every schema is lowered, see `cycles::alias_loops`). A type not lowered
    /// yet is left as it is named: its kind is still a placeholder.
    fn through_aliases<'t>(&'t self, mut ty: &'t Type) -> Option<&'t Type> {
        for _ in 0..=self.defs.len() {
            ty = match ty {
                Type::Nullable(inner) => inner,
                Type::Named(id) if self.states[id.0] != State::Done => return Some(ty),
                Type::Named(id) => match &self.defs[id.0].kind {
                    TypeKind::Alias(inner) | TypeKind::Newtype(inner) => inner,
                    _ => return Some(ty),
                },
                _ => return Some(ty),
            };
        }
        None
    }

    /// Warns about each property an `allOf` member restated with a type that reads other JSON
    /// (the last one won).
    pub(super) fn report_restated_properties(&mut self) {
        for restated in std::mem::take(&mut self.restated) {
            if !self.same_on_the_wire(&restated.before, &restated.after) {
                self.warn(catalog::conflicting_property(
                    &restated.pointer,
                    &restated.name,
                ));
            }
        }
    }

    /// Adds one alternative's field to those of the alternatives before it; `true` when it
    /// gives the property a type that reads other JSON (the property then reads any JSON).
    fn merge_alternative(&mut self, merged: &mut Vec<Collected>, field: Field) -> bool {
        let Some(at) = merged
            .iter()
            .position(|m| m.field.wire_name == field.wire_name)
        else {
            merged.push(Collected { field });
            return false;
        };
        // Any alternative may leave the value `null`.
        merged[at].field.nullable |= field.nullable;
        let before = merged[at].field.ty.clone();
        if before == Type::Any || before == field.ty {
            return false;
        }
        // A component not lowered yet compares by name only: reading any JSON is safe, and
        // lowering it out of turn could report a valid recursion as an `allOf` cycle.
        if self.same_on_the_wire(&before, &field.ty) {
            return false;
        }
        merged[at].field.ty = Type::Any;
        // The first alternative's description no longer fits.
        merged[at].field.doc = None;
        true
    }

    /// Whether two types read and write the same JSON: equal once aliases are looked through,
    /// or enums of the same values (an inline enum and a named one that repeats it, as specs
    /// often do when an `allOf` member restates a property).
    fn same_on_the_wire(&self, a: &Type, b: &Type) -> bool {
        if a == b {
            return true;
        }
        // `through_aliases` also looks through nullability, which is not the same JSON.
        if matches!(a, Type::Nullable(_)) != matches!(b, Type::Nullable(_)) {
            return false;
        }
        let (Some(a), Some(b)) = (self.through_aliases(a), self.through_aliases(b)) else {
            return false;
        };
        match (a, b) {
            (Type::Named(x), Type::Named(y)) => {
                match (self.enum_values(*x), self.enum_values(*y)) {
                    (Some(x), Some(y)) => x == y,
                    _ => x == y,
                }
            }
            (Type::Array(x), Type::Array(y)) | (Type::Map(x), Type::Map(y)) => {
                self.same_on_the_wire(x, y)
            }
            _ => a == b,
        }
    }

    /// What an enum type accepts: its representation and values. A component not lowered yet
    /// is read from its schema (its kind is still a placeholder), if it is a plain enum that
    /// does not list `null`.
    fn enum_values(&self, id: TypeId) -> Option<(EnumRepr, BTreeSet<String>)> {
        if self.states[id.0] == State::Done {
            let TypeKind::Enum(e) = &self.defs[id.0].kind else {
                return None;
            };
            let values = e.variants.iter().map(|v| v.wire_name.clone()).collect();
            return Some((e.repr, values));
        }
        let (_, ReferenceOr::Item(schema)) = self.component_schema(id)? else {
            return None;
        };
        if schema.schema_data.nullable {
            return None;
        }
        let (repr, values): (EnumRepr, Option<BTreeSet<String>>) = match &schema.schema_kind {
            SchemaKind::Type(OaType::String(s)) => {
                (EnumRepr::String, s.enumeration.iter().cloned().collect())
            }
            SchemaKind::Type(OaType::Integer(i)) => (
                EnumRepr::Integer,
                i.enumeration
                    .iter()
                    .map(|v| v.map(|v| v.to_string()))
                    .collect(),
            ),
            _ => return None,
        };
        // `None` when a value is `null`; no values is not an enum.
        values
            .filter(|values| !values.is_empty())
            .map(|values| (repr, values))
    }

    /// A score (higher = tried first) and a shape key (equal keys are ambiguous).
    fn specificity(&self, ty: &Type) -> (u32, String) {
        let Some(ty) = self.through_aliases(ty) else {
            return (0, "loop".to_owned());
        };
        match ty {
            Type::Named(id) => match &self.defs[id.0].kind {
                TypeKind::Struct(s) => {
                    let required: Vec<&str> = s
                        .fields
                        .iter()
                        .filter(|f| f.required)
                        .map(|f| f.wire_name.as_str())
                        .collect();
                    let score = 1000 + 10 * required.len() as u32 + s.fields.len() as u32;
                    let shape = format!("struct:{}:{}", required.join(","), s.fields.len());
                    (score, shape)
                }
                TypeKind::Enum(_) => (600, format!("enum:{}", id.0)),
                TypeKind::Tagged(_) | TypeKind::Untagged(_) => (900, format!("union:{}", id.0)),
                // Looked through above.
                TypeKind::Alias(_) | TypeKind::Newtype(_) => (0, "alias".to_owned()),
            },
            Type::Uuid | Type::DateTime | Type::Date => (500, format!("{ty:?}")),
            Type::I32 | Type::I64 => (400, "integer".to_owned()),
            Type::F32 | Type::F64 => (300, "number".to_owned()),
            Type::Bool => (350, "bool".to_owned()),
            Type::String | Type::Binary => (200, "string".to_owned()),
            Type::Array(_) => (250, format!("{ty:?}")),
            Type::Map(_) => (100, "map".to_owned()),
            Type::Nullable(_) => (0, "nullable".to_owned()),
            Type::Null => (450, "null".to_owned()),
            Type::Any => (0, "any".to_owned()),
        }
    }
}

/// Adds a field, or replaces an earlier one with the same wire name (later allOf members win).
fn push_field(
    lowerer: &mut Lowerer<'_>,
    collected: &mut Vec<Collected>,
    field: Field,
    pointer: &str,
) {
    if let Some(existing) = collected
        .iter_mut()
        .find(|c| c.field.wire_name == field.wire_name)
    {
        if existing.field.ty != field.ty {
            // Whether both read the same JSON is decided once every schema is lowered.
            lowerer.restated.push(Restated {
                pointer: pointer.to_owned(),
                name: field.wire_name.clone(),
                before: existing.field.ty.clone(),
                after: field.ty.clone(),
            });
            existing.field.ty = field.ty;
        }
        existing.field.required |= field.required;
        existing.field.nullable &= field.nullable;
        if existing.field.doc.is_none() {
            existing.field.doc = field.doc;
        }
        return;
    }
    collected.push(Collected { field });
}

/// A property an `allOf` member gave another type than an earlier member did.
pub(super) struct Restated {
    pointer: String,
    name: String,
    before: Type,
    after: Type,
}

/// `Option<T>` for an element that may be `null`; `serde_json::Value` (and `()`, the type of a
/// null-only schema, which the callers leave out) already hold `null`.
fn nullable_element(ty: Type, nullable: bool) -> Type {
    if nullable && ty != Type::Any && ty != Type::Null {
        Type::Nullable(Box::new(ty))
    } else {
        ty
    }
}

/// Whether a schema admits `null`: OpenAPI 3.0 `nullable`, an enum listing `null`, a `null`
/// alternative, or an `allOf` member that only says `nullable: true`.
pub(crate) fn is_nullable(schema: &Schema) -> bool {
    if schema.schema_data.nullable || enum_null_flags(schema).contains(&true) {
        return true;
    }
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
            members.iter().any(is_null_schema)
        }
        SchemaKind::AllOf { all_of } => all_of.iter().any(is_nullable_annotation),
        SchemaKind::Any(any) if only_all_of(any) => any.all_of.iter().any(is_nullable_annotation),
        _ => false,
    }
}

fn is_nullable_annotation(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(s) if is_annotation_only(member) && s.schema_data.nullable)
}

/// For each value of a schema's `enum`, whether it is `null` (empty without an `enum`).
fn enum_null_flags(schema: &Schema) -> Vec<bool> {
    match &schema.schema_kind {
        SchemaKind::Type(OaType::String(s)) => s.enumeration.iter().map(Option::is_none).collect(),
        SchemaKind::Type(OaType::Integer(i)) => i.enumeration.iter().map(Option::is_none).collect(),
        SchemaKind::Type(OaType::Number(n)) => n.enumeration.iter().map(Option::is_none).collect(),
        SchemaKind::Type(OaType::Boolean(b)) => b.enumeration.iter().map(Option::is_none).collect(),
        SchemaKind::Any(any) => any
            .enumeration
            .iter()
            .map(serde_json::Value::is_null)
            .collect(),
        _ => Vec::new(),
    }
}

/// `enum: [null]` (or only `null`s): the schema admits `null` and nothing else.
pub(crate) fn is_null_only(schema: &Schema) -> bool {
    let flags = enum_null_flags(schema);
    !flags.is_empty() && flags.iter().all(|null| *null)
}

/// A schema that only annotates (description, title, example, deprecated, readOnly, nullable,
/// default, externalDocs, `x-` extensions...) and constrains nothing: as an `allOf` member it
/// adds no type.
fn is_annotation_only(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. }) if *any == AnySchema::default())
}

/// The component an annotation-only wrapper refers to: `{allOf: [{$ref: X}, {description: ..}]}`
/// (annotations and `nullable` beside it) is X, as a type and as a check.
pub(crate) fn wrapped_reference(schema: &Schema) -> Option<&str> {
    let all_of = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) if only_all_of(any) && any.typ.is_none() => &any.all_of,
        _ => return None,
    };
    match single_type_member(all_of)? {
        (_, ReferenceOr::Reference { reference }) => Some(reference),
        _ => None,
    }
}

/// The one `allOf` member that carries a type, with its index, when every other member only
/// annotates (or is a `null` alternative).
fn single_type_member(all_of: &[ReferenceOr<Schema>]) -> Option<(usize, &ReferenceOr<Schema>)> {
    let mut typed = all_of
        .iter()
        .enumerate()
        .filter(|(_, m)| !is_annotation_only(m) && !is_null_schema(m));
    let first = typed.next()?;
    typed.next().is_none().then_some(first)
}

/// A schema openapiv3 could not classify only because `allOf` sits beside a `type` (or
/// nothing else): `{type: array, allOf: [...]}`. `type: object` is left to the object merge.
fn only_all_of(any: &AnySchema) -> bool {
    !any.all_of.is_empty()
        && any.typ.as_deref() != Some("object")
        && *any
            == AnySchema {
                typ: any.typ.clone(),
                all_of: any.all_of.clone(),
                ..AnySchema::default()
            }
}

/// `{type: "null"}`-like members some specs put in unions; OpenAPI 3.0 spells it `nullable`.
pub(crate) fn is_null_schema(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(AnySchema { typ: Some(t), .. }), .. }) if t == "null")
}

/// A schema's `example` and, from a 3.1 document, each of its `examples` (with the pointer of
/// each); `null` says nothing about the type, so it is not kept.
pub(crate) fn examples_of(schema: &Schema, pointer: &str) -> Vec<(String, serde_json::Value)> {
    let mut found = Vec::new();
    if let Some(value) = schema.schema_data.example.clone() {
        found.push((pointer.to_owned(), value));
    }
    if let Some(serde_json::Value::Array(values)) = schema
        .schema_data
        .extensions
        .get(crate::load::EXAMPLES_MARKER)
    {
        for (index, value) in values.iter().enumerate() {
            let at = crate::diagnostics::join(pointer, &["examples", &index.to_string()]);
            found.push((at, value.clone()));
        }
    }
    found.retain(|(_, value)| !value.is_null());
    found
}

/// Brings an example to the JSON type its schema declares: an array or object written as JSON
/// text (`example: "[1, 2]"`, a common slip) is read as what the text says. `Err` with the
/// declared type when the example still cannot be of it, so it is reported instead of checked.
pub(crate) fn fit_example(
    schema: &Schema,
    value: serde_json::Value,
) -> Result<serde_json::Value, &'static str> {
    use serde_json::Value as J;
    let declared = match &schema.schema_kind {
        SchemaKind::Type(OaType::Object(_)) => "object",
        SchemaKind::Type(OaType::Array(_)) => "array",
        SchemaKind::Type(OaType::Integer(_)) => "integer",
        SchemaKind::Type(OaType::Number(_)) => "number",
        SchemaKind::Type(OaType::Boolean(_)) => "boolean",
        _ => return Ok(value),
    };
    let fits = |v: &J| match declared {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        _ => v.is_boolean(),
    };
    if fits(&value) {
        return Ok(value);
    }
    match &value {
        J::String(text) => match serde_json::from_str::<J>(text) {
            Ok(parsed) if fits(&parsed) => Ok(parsed),
            _ => Err(declared),
        },
        _ => Err(declared),
    }
}

/// The documentation of a schema: its description, else its title, else those of an `allOf`
/// member that only annotates.
pub(crate) fn doc_of(schema: &Schema) -> Option<String> {
    std::iter::once(schema)
        .chain(annotation_members(schema))
        .find_map(|s| {
            s.schema_data
                .description
                .clone()
                .or_else(|| s.schema_data.title.clone())
        })
}

/// The `allOf` members of a schema that only annotate it.
fn annotation_members(schema: &Schema) -> impl Iterator<Item = &Schema> {
    let all_of: &[ReferenceOr<Schema>] = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) if only_all_of(any) => &any.all_of,
        _ => &[],
    };
    all_of.iter().filter_map(|m| match m {
        ReferenceOr::Item(s) if is_annotation_only(m) => Some(s),
        _ => None,
    })
}
