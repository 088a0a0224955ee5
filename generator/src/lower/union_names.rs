//! Names the variants of a `oneOf`/`anyOf` by what each member is, before any member is lowered.
//!
//! The rule, in order, for each member that is not `null` (README, "Names"):
//! - a `$ref` is named by its target (`Content::TextPart(TextPart)`);
//! - a string `enum` (or `const`) of an untagged union becomes one unit variant per value, named
//!   by the value (`Auto`), which reads and writes exactly that string (its `title` is not used);
//! - another inline member with a `title` by its title;
//! - a primitive by its type (`String`, `Integer`, `Number`, `Boolean`), an array by its items
//!   (`Strings`, `Integers`, `Arrays`, `TextPartList`, else `Array`);
//! - an inline object by the one value it pins a property to (`type: {enum: [text]}` is
//!   `Text`), else by a required property no other member requires, else by a property no other
//!   member has, else `Object`;
//! - a schema without any keyword by what it reads: `Any`;
//! - anything else (an inline `allOf`, a nested union) by its place: `Variant<index>`.
//!
//! A name that begins or ends with the union's own name loses it when what is left is a word of
//! its own that no other member is named (`ContentText` in `Content` is `Text`). Names that
//! still collide are numbered in member order (`String`, `String2`). An inline member's type is
//! named after the union and the variant (`ContentText`), or by its title when the title already
//! holds the union's name; `Variant` is appended when a schema already holds that name.
//! This file only chooses names; lowering the members is `schema.rs`'s.

use indexmap::IndexMap;
use openapiv3::{AnySchema, ReferenceOr, Schema, SchemaKind, Type as OaType};

use super::Lowerer;
use crate::names::{self, Namespace};

/// The catch-all a union of string values gets, as a string enum does: values this version does
/// not know still read, and write back as they came.
pub(crate) const CATCH_ALL: &str = "Unknown";

/// How one member of a union is named.
pub(crate) enum MemberNames {
    /// Unit variants, one per string value: `(wire value, variant name)`.
    Literals(Vec<(String, String)>),
    /// One variant holding the member's type; `hint` names an inline member's type.
    Typed { rust_name: String, hint: String },
}

/// The names of a union's variants, by member index (`null` members have none).
pub(crate) struct UnionNames {
    pub members: Vec<(usize, MemberNames)>,
    /// The name of the `Unknown(String)` catch-all, when the union has string values and no
    /// other member reads a string.
    pub catch_all: Option<String>,
}

/// A member's name before collisions are settled.
enum Label {
    Literals(Vec<String>),
    Named(String),
    Numbered,
}

type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

impl<'a> Lowerer<'a> {
    /// Names every member of the union `owner` (see the module documentation). `literals` is
    /// false for a discriminated union, whose members stay types.
    pub(crate) fn name_union_members(
        &self,
        members: &'a [ReferenceOr<Schema>],
        owner: &str,
        literals: bool,
    ) -> UnionNames {
        let labels: Vec<(usize, Label)> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| !super::schema::is_null_schema(m))
            .map(|(index, member)| (index, self.member_label(member, members, index, literals)))
            .collect();
        let raw: Vec<String> = labels
            .iter()
            .flat_map(|(_, label)| match label {
                Label::Literals(values) => values.iter().map(|v| names::variant_name(v)).collect(),
                Label::Named(name) => vec![name.clone()],
                Label::Numbered => Vec::new(),
            })
            .collect();
        let has_literals = labels.iter().any(|(_, l)| matches!(l, Label::Literals(_)));
        let mut ns = if has_literals {
            Namespace::with_reserved(&[CATCH_ALL])
        } else {
            Namespace::new()
        };
        // The name without the union's own, unless that collides; then numbered if need be.
        let choose = |name: &str, ns: &mut Namespace| -> String {
            match names::strip_affix(name, owner) {
                Some(short) if !raw.contains(&short) && !ns.contains(&short) => ns.claim(&short).0,
                _ => ns.claim(name).0,
            }
        };
        let mut named = Vec::new();
        for (index, label) in &labels {
            let names = match label {
                Label::Literals(values) => MemberNames::Literals(
                    values
                        .iter()
                        .map(|v| (v.clone(), choose(&names::variant_name(v), &mut ns)))
                        .collect(),
                ),
                Label::Named(name) => {
                    let rust_name = choose(name, &mut ns);
                    let mut hint = if names::strip_affix(name, owner).is_some() {
                        name.clone()
                    } else {
                        format!("{owner}{rust_name}")
                    };
                    // A schema already named so (Qovery's `TerraformBackendKubernetes`, the
                    // type of the `kubernetes` property its member requires).
                    if self.type_names.contains(&names::type_name(&hint)) {
                        hint.push_str("Variant");
                    }
                    MemberNames::Typed { rust_name, hint }
                }
                Label::Numbered => MemberNames::Typed {
                    rust_name: ns.claim(&format!("Variant{index}")).0,
                    hint: format!("{owner}Variant{index}"),
                },
            };
            named.push((*index, names));
        }
        let reads_strings = labels.iter().any(|(index, label)| {
            !matches!(label, Label::Literals(_)) && self.may_read_string(&members[*index])
        });
        UnionNames {
            members: named,
            catch_all: (has_literals && !reads_strings).then(|| CATCH_ALL.to_owned()),
        }
    }

    fn member_label(
        &self,
        member: &'a ReferenceOr<Schema>,
        members: &'a [ReferenceOr<Schema>],
        index: usize,
        literals: bool,
    ) -> Label {
        let schema = match member {
            ReferenceOr::Reference { reference } => {
                return self
                    .ref_name(reference)
                    .map_or(Label::Numbered, Label::Named)
            }
            ReferenceOr::Item(schema) => schema,
        };
        if literals {
            if let Some(values) = string_values(schema) {
                return Label::Literals(values);
            }
        }
        if let Some(title) = schema.schema_data.title.as_deref() {
            if title.chars().any(|c| c.is_ascii_alphabetic()) {
                return Label::Named(names::type_name(title));
            }
        }
        let named = |name: &str| Label::Named(name.to_owned());
        match &schema.schema_kind {
            SchemaKind::Type(OaType::String(_)) => named("String"),
            SchemaKind::Type(OaType::Integer(_)) => named("Integer"),
            SchemaKind::Type(OaType::Number(_)) => named("Number"),
            SchemaKind::Type(OaType::Boolean(_)) => named("Boolean"),
            SchemaKind::Type(OaType::Array(array)) => {
                Label::Named(self.array_label(array.items.as_ref()))
            }
            SchemaKind::Type(OaType::Object(object)) if object.properties.is_empty() => {
                named("Object")
            }
            SchemaKind::Type(OaType::Object(object)) => Label::Named(self.object_label(
                &object.properties,
                &object.required,
                members,
                index,
            )),
            SchemaKind::Any(any) => match any.typ.as_deref() {
                Some("string") => named("String"),
                Some("integer") => named("Integer"),
                Some("number") => named("Number"),
                Some("boolean") => named("Boolean"),
                Some("array") | None if any.items.is_some() => {
                    Label::Named(self.array_label(any.items.as_ref()))
                }
                Some("object") | None if !any.properties.is_empty() && any.all_of.is_empty() => {
                    Label::Named(self.object_label(&any.properties, &any.required, members, index))
                }
                Some("object") if any.all_of.is_empty() => named("Object"),
                // No type and nothing else: any JSON value.
                None if *any == AnySchema::default() => named("Any"),
                _ => Label::Numbered,
            },
            _ => Label::Numbered,
        }
    }

    /// The Rust name reserved for a component schema `reference` names.
    fn ref_name(&self, reference: &str) -> Option<String> {
        let name = super::refs::local_name(reference, "schemas")?;
        let id = self.components.get(name.as_str())?;
        Some(self.defs[id.0].rust_name.clone())
    }

    /// A member as written, or the component it refers to (one step: names need no more).
    fn peek(&self, member: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        match member {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => {
                let name = super::refs::local_name(reference, "schemas")?;
                match self.spec.components.as_ref()?.schemas.get(name.as_str())? {
                    ReferenceOr::Item(schema) => Some(schema),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    }

    /// `Strings`, `Integers`, ... for arrays of primitives, `<Item>List` for arrays of a named
    /// or titled item, `Arrays` for arrays of arrays, else `Array`.
    fn array_label(&self, items: Option<&ReferenceOr<Box<Schema>>>) -> String {
        let plain = "Array".to_owned();
        let item = match items {
            None => return plain,
            Some(ReferenceOr::Reference { reference }) => {
                return self
                    .ref_name(reference)
                    .map_or(plain, |n| format!("{n}List"))
            }
            Some(ReferenceOr::Item(item)) => item,
        };
        if let Some(title) = item.schema_data.title.as_deref() {
            if title.chars().any(|c| c.is_ascii_alphabetic()) {
                return format!("{}List", names::type_name(title));
            }
        }
        let typ = match &item.schema_kind {
            SchemaKind::Type(OaType::String(_)) => "string",
            SchemaKind::Type(OaType::Integer(_)) => "integer",
            SchemaKind::Type(OaType::Number(_)) => "number",
            SchemaKind::Type(OaType::Boolean(_)) => "boolean",
            SchemaKind::Type(OaType::Array(_)) => "array",
            SchemaKind::Any(AnySchema { typ: Some(t), .. }) => t.as_str(),
            _ => "",
        };
        match typ {
            "string" => "Strings",
            "integer" => "Integers",
            "number" => "Numbers",
            "boolean" => "Booleans",
            "array" => "Arrays",
            _ => "Array",
        }
        .to_owned()
    }

    /// An inline object's name: the value it pins a property to that no other member pins the
    /// same property to, a required property no other member requires, a property no other
    /// member has, or `Object`.
    fn object_label(
        &self,
        properties: &'a Properties,
        required: &'a [String],
        members: &'a [ReferenceOr<Schema>],
        index: usize,
    ) -> String {
        let others: Vec<(&Properties, &[String])> = members
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .filter_map(|(_, m)| self.peek(m).and_then(object_parts))
            .collect();
        for (property, schema) in properties {
            let Some(value) = pinned(schema) else {
                continue;
            };
            let shared = others.iter().any(|(props, _)| {
                props.get(property).and_then(pinned).as_deref() == Some(value.as_str())
            });
            if !shared {
                return names::variant_name(&value);
            }
        }
        let unique_required = required.iter().find(|property| {
            !others
                .iter()
                .any(|(_, required)| required.contains(property))
        });
        if let Some(property) = unique_required {
            return names::type_name(property);
        }
        let unique = properties.keys().find(|property| {
            !others
                .iter()
                .any(|(props, _)| props.contains_key(*property))
        });
        match unique {
            Some(property) => names::type_name(property),
            None => "Object".to_owned(),
        }
    }

    /// Whether a member may read a JSON string (unsure counts as yes).
    fn may_read_string(&self, member: &'a ReferenceOr<Schema>) -> bool {
        let Some(schema) = self.peek(member) else {
            return true;
        };
        match &schema.schema_kind {
            SchemaKind::Type(OaType::String(_)) => true,
            SchemaKind::Type(_) => false,
            SchemaKind::Any(any) => match any.typ.as_deref() {
                Some(typ) => typ == "string",
                None => any.properties.is_empty() && any.items.is_none(),
            },
            _ => true,
        }
    }
}

/// The properties and required list of an object schema.
fn object_parts(schema: &Schema) -> Option<(&Properties, &[String])> {
    match &schema.schema_kind {
        SchemaKind::Type(OaType::Object(object)) => {
            Some((&object.properties, object.required.as_slice()))
        }
        SchemaKind::Any(any) if !any.properties.is_empty() => {
            Some((&any.properties, any.required.as_slice()))
        }
        _ => None,
    }
}

/// The one string an inline property allows (`enum: [text]`, `const: text`).
fn pinned(schema: &ReferenceOr<Box<Schema>>) -> Option<String> {
    match schema {
        ReferenceOr::Item(schema) => match string_values(schema)?.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    }
}

/// The values of a string `enum` that admits nothing else (not `null`), without repeats.
pub(crate) fn string_values(schema: &Schema) -> Option<Vec<String>> {
    if schema.schema_data.nullable {
        return None;
    }
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(OaType::String(s)) if !s.enumeration.is_empty() => s
            .enumeration
            .iter()
            .cloned()
            .collect::<Option<Vec<String>>>()?,
        SchemaKind::Any(any)
            if !any.enumeration.is_empty()
                && matches!(any.typ.as_deref(), None | Some("string"))
                && any.properties.is_empty() =>
        {
            any.enumeration
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<String>>>()?
        }
        _ => return None,
    };
    let mut seen = std::collections::BTreeSet::new();
    Some(
        values
            .into_iter()
            .filter(|v| seen.insert(v.clone()))
            .collect(),
    )
}
