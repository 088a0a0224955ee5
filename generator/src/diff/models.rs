//! Changes to model types as `emit/model.rs` writes them: structs with public fields and no
//! `#[non_exhaustive]` (built with literals, or with `..Default::default()` when every field is
//! optional), enums with an `Unknown` variant (which keeps unknown values on the wire, but a new
//! variant still breaks an exhaustive `match`), unions without a catch-all, aliases and newtypes.

use super::matching::Matched;
use super::roles::{Roles, Sides};
use super::types::{field_text, type_text, Spelling};
use super::{Change, Impact, Kind, Subject};
use crate::ir::{Api, Field, Presence, StructDef, TypeDef, TypeKind};

pub fn diff_types(old: &Api, new: &Api, matched: &Matched, roles: &Roles, out: &mut Vec<Change>) {
    let old_spelling = Spelling::compare(Some(&matched.type_renames));
    let new_spelling = Spelling::compare(None);
    for &(i, j) in &matched.types {
        let sides = roles.sides(i, j);
        match (i, j) {
            (None, Some(j)) => {
                let def = &new.types.defs[j];
                out.push(Change {
                    subject: Subject::Type(def.rust_name.clone()),
                    kind: Kind::TypeAdded,
                    key: format!("type:{}", def.rust_name),
                    message: format!("type `model::{}` added ({})", def.rust_name, kind_name(def)),
                    impact: Impact::NONE,
                });
            }
            (Some(i), None) => {
                let def = &old.types.defs[i];
                let (client, server) = sides.users();
                out.push(Change {
                    subject: Subject::Type(def.rust_name.clone()),
                    kind: Kind::TypeRemoved,
                    key: format!("type:{}", def.rust_name),
                    message: format!("type `model::{}` removed", def.rust_name),
                    impact: Impact::source(client, server),
                });
            }
            (Some(i), Some(j)) => {
                let mut diff = TypeDiff {
                    old_api: old,
                    new_api: new,
                    old: &old.types.defs[i],
                    new: &new.types.defs[j],
                    os: old_spelling,
                    ns: new_spelling,
                    sides,
                    out,
                };
                diff.run();
            }
            (None, None) => {}
        }
    }
}

fn kind_name(def: &TypeDef) -> &'static str {
    match &def.kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Tagged(_) => "tagged union",
        TypeKind::Untagged(_) => "untagged union",
        TypeKind::Alias(_) => "alias",
        TypeKind::Newtype(_) => "newtype",
    }
}

struct TypeDiff<'a, 'b> {
    old_api: &'a Api,
    new_api: &'a Api,
    old: &'a TypeDef,
    new: &'a TypeDef,
    os: Spelling<'a>,
    ns: Spelling<'a>,
    sides: Sides,
    out: &'b mut Vec<Change>,
}

impl TypeDiff<'_, '_> {
    fn push(&mut self, kind: Kind, key: String, message: String, impact: Impact) {
        self.out.push(Change {
            subject: Subject::Type(self.old.rust_name.clone()),
            kind,
            key,
            message,
            impact,
        });
    }

    fn key(&self) -> String {
        format!("type:{}", self.old.rust_name)
    }

    fn users(&self) -> Impact {
        let (client, server) = self.sides.users();
        Impact::source(client, server)
    }

    fn readers(&self) -> Impact {
        let (client, server) = self.sides.readers();
        Impact::source(client, server)
    }

    fn builders(&self) -> Impact {
        let (client, server) = self.sides.builders();
        Impact::source(client, server)
    }

    fn run(&mut self) {
        if self.old.rust_name != self.new.rust_name {
            self.push(
                Kind::TypeRenamed,
                self.key(),
                format!(
                    "type `model::{}` renamed to `model::{}` (schema `{}`)",
                    self.old.rust_name,
                    self.new.rust_name,
                    self.new.pointer.trim_start_matches('#')
                ),
                self.users(),
            );
        }
        match (&self.old.kind, &self.new.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => self.structs(a, b),
            (TypeKind::Enum(a), TypeKind::Enum(b)) if a.repr == b.repr => {
                let old: Vec<Variant> = a
                    .variants
                    .iter()
                    .map(|v| Variant::new(&v.rust_name, "unit", format!("{:?}", v.wire_name)))
                    .collect();
                let new: Vec<Variant> = b
                    .variants
                    .iter()
                    .map(|v| Variant::new(&v.rust_name, "unit", format!("{:?}", v.wire_name)))
                    .collect();
                self.variants(&old, &new, true);
            }
            (TypeKind::Tagged(a), TypeKind::Tagged(b)) => {
                let describe = |api: &Api, s: Spelling, v: &crate::ir::TaggedVariant| {
                    let ty = type_text(api, &v.ty, s);
                    let ty = if v.boxed { format!("Box<{ty}>") } else { ty };
                    Variant::new(&v.rust_name, &ty, format!("tag {:?}", v.tag_values))
                };
                let old: Vec<Variant> = a
                    .variants
                    .iter()
                    .map(|v| describe(self.old_api, self.os, v))
                    .collect();
                let new: Vec<Variant> = b
                    .variants
                    .iter()
                    .map(|v| describe(self.new_api, self.ns, v))
                    .collect();
                if a.tag != b.tag {
                    self.push(
                        Kind::TypeKindChanged,
                        self.key(),
                        format!("discriminator changed from `{}` to `{}`", a.tag, b.tag),
                        Impact::NONE.wire(true, true),
                    );
                }
                self.variants(&old, &new, false);
            }
            (TypeKind::Untagged(a), TypeKind::Untagged(b)) => {
                let describe =
                    |api: &Api, s: Spelling, v: &crate::ir::UnionVariant| match &v.literal {
                        Some(value) => Variant::new(&v.rust_name, "unit", format!("{value:?}")),
                        None => {
                            let ty = type_text(api, &v.ty, s);
                            let ty = if v.boxed { format!("Box<{ty}>") } else { ty };
                            Variant::new(&v.rust_name, &ty, String::new())
                        }
                    };
                let old: Vec<Variant> = a
                    .iter()
                    .map(|v| describe(self.old_api, self.os, v))
                    .collect();
                let new: Vec<Variant> = b
                    .iter()
                    .map(|v| describe(self.new_api, self.ns, v))
                    .collect();
                self.variants(&old, &new, false);
            }
            (TypeKind::Alias(a), TypeKind::Alias(b))
            | (TypeKind::Newtype(a), TypeKind::Newtype(b)) => {
                let (old, new) = (
                    type_text(self.old_api, a, self.os),
                    type_text(self.new_api, b, self.ns),
                );
                if old != new {
                    let impact = self.users().wire(true, true);
                    self.push(
                        Kind::AliasRetyped,
                        self.key(),
                        format!(
                            "`model::{}` now stands for `{new}` (was `{old}`)",
                            self.old.rust_name
                        ),
                        impact,
                    );
                }
            }
            _ => {
                let impact = self.users().wire(true, true);
                self.push(
                    Kind::TypeKindChanged,
                    self.key(),
                    format!(
                        "`model::{}` is now of another kind: {} (was: {})",
                        self.old.rust_name,
                        kind_name(self.new),
                        kind_name(self.old)
                    ),
                    impact,
                );
            }
        }
    }

    fn structs(&mut self, a: &StructDef, b: &StructDef) {
        let defaultable =
            |s: &StructDef| s.fields.iter().all(|f| f.presence() != Presence::Required);
        let (old_default, new_default) = (defaultable(a), defaultable(b));
        let request = self.sides.request;
        let response = self.sides.response;
        let mut fields: Vec<(&str, Option<&Field>, Option<&Field>)> = Vec::new();
        for f in &a.fields {
            let now = b.fields.iter().find(|g| g.rust_name == f.rust_name);
            fields.push((f.rust_name.as_str(), Some(f), now));
        }
        for g in &b.fields {
            if !a.fields.iter().any(|f| f.rust_name == g.rust_name) {
                fields.push((g.rust_name.as_str(), None, Some(g)));
            }
        }
        for (name, f, g) in fields {
            let key = format!("{}.{name}", self.key());
            match (f, g) {
                (Some(f), None) => {
                    let impact = self
                        .users()
                        .wire(response && f.required, request && f.required);
                    self.push(
                        Kind::FieldRemoved,
                        key,
                        format!(
                            "field `{name}: {}` removed",
                            field_text(self.old_api, f, self.os)
                        ),
                        impact,
                    );
                }
                (None, Some(g)) => {
                    // A literal that lists every field breaks; `..Default::default()` does not,
                    // as long as the struct keeps `Default`.
                    let breaks = !(old_default && new_default);
                    let impact = (if breaks {
                        self.builders()
                    } else {
                        Impact::NONE
                    })
                    .wire(request && g.required, response && g.required);
                    let how = if g.presence() == Presence::Required {
                        "required"
                    } else {
                        "optional"
                    };
                    let note = if !breaks {
                        "; `..Default::default()` fills it"
                    } else if old_default {
                        "; the struct no longer has `Default`"
                    } else {
                        "; struct literals must set it"
                    };
                    self.push(
                        Kind::FieldAdded,
                        key,
                        format!(
                            "{how} field `{name}: {}` added{note}",
                            field_text(self.new_api, g, self.ns)
                        ),
                        impact,
                    );
                }
                (Some(f), Some(g)) => {
                    let (old, new) = (
                        field_text(self.old_api, f, self.os),
                        field_text(self.new_api, g, self.ns),
                    );
                    if old != new {
                        let now_required = g.required && !f.required;
                        let now_optional = f.required && !g.required;
                        let impact = self.users().wire(
                            (request && now_required)
                                || (response && now_optional)
                                || old_base(&old) != old_base(&new),
                            (request && now_optional)
                                || (response && now_required)
                                || old_base(&old) != old_base(&new),
                        );
                        self.push(
                            Kind::FieldRetyped,
                            key.clone(),
                            format!("field `{name}` retyped from `{old}` to `{new}`"),
                            impact,
                        );
                    }
                    if f.wire_name != g.wire_name {
                        self.push(
                            Kind::FieldWireChanged,
                            key,
                            format!(
                                "field `{name}` is now written as `{}` (was `{}`)",
                                g.wire_name, f.wire_name
                            ),
                            Impact::NONE.wire(true, true),
                        );
                    }
                }
                (None, None) => {}
            }
        }
        let key = format!("{}.additional_properties", self.key());
        match (&a.additional, &b.additional) {
            (None, Some(ty)) => {
                let impact = if old_default && new_default {
                    Impact::NONE
                } else {
                    self.builders()
                };
                self.push(
                    Kind::FieldAdded,
                    key,
                    format!(
                        "field `additional_properties: BTreeMap<String, {}>` added (undeclared properties)",
                        type_text(self.new_api, ty, self.ns)
                    ),
                    impact,
                );
            }
            (Some(_), None) => {
                let impact = self.users();
                self.push(
                    Kind::FieldRemoved,
                    key,
                    "field `additional_properties` removed".to_owned(),
                    impact,
                );
            }
            (Some(x), Some(y)) => {
                let (old, new) = (
                    type_text(self.old_api, x, self.os),
                    type_text(self.new_api, y, self.ns),
                );
                if old != new {
                    let impact = self.users().wire(true, true);
                    self.push(
                        Kind::FieldRetyped,
                        key,
                        format!(
                            "field `additional_properties` values retyped from `{old}` to `{new}`"
                        ),
                        impact,
                    );
                }
            }
            (None, None) => {}
        }
    }

    /// Variants by Rust name. `open`: an enum whose `Unknown` variant reads values it does not
    /// know (a union has no such variant).
    fn variants(&mut self, old: &[Variant], new: &[Variant], open: bool) {
        let request = self.sides.request;
        let response = self.sides.response;
        let name = self.old.rust_name.clone();
        for v in old {
            let key = format!("{}::{}", self.key(), v.name);
            match new.iter().find(|w| w.name == v.name) {
                None => {
                    // An old client may send the value to a new server that refuses it; a new
                    // client reads it from an old server as `Unknown` (an enum) or fails (a union).
                    let impact = self.users().wire(request, response && !open);
                    self.push(
                        Kind::VariantRemoved,
                        key,
                        format!("variant `{name}::{}` ({}) removed", v.name, v.describe()),
                        impact,
                    );
                }
                Some(w) if w.holds != v.holds => {
                    let impact = self.users().wire(true, true);
                    self.push(
                        Kind::VariantRetyped,
                        key,
                        format!(
                            "variant `{name}::{}` now holds `{}` (was `{}`)",
                            v.name, w.holds, v.holds
                        ),
                        impact,
                    );
                }
                Some(w) if w.wire != v.wire => {
                    self.push(
                        Kind::VariantRetyped,
                        key,
                        format!(
                            "variant `{name}::{}` is now written as {} (was {})",
                            v.name, w.wire, v.wire
                        ),
                        Impact::NONE.wire(true, true),
                    );
                }
                Some(_) => {}
            }
        }
        for w in new {
            if old.iter().any(|v| v.name == w.name) {
                continue;
            }
            let key = format!("type:{}::{}", self.new.rust_name, w.name);
            // Readers match exhaustively: a new variant needs a new arm. On the wire an old
            // client reads an enum's new value as `Unknown`, but fails on a union's new member.
            let impact = self.readers().wire(response && !open, request);
            let note = if open {
                "; old code reads the value as `Unknown`, but an exhaustive `match` needs a new arm"
            } else {
                "; an exhaustive `match` needs a new arm"
            };
            self.push(
                Kind::VariantAdded,
                key,
                format!(
                    "variant `{}::{}` ({}) added{note}",
                    self.new.rust_name,
                    w.name,
                    w.describe()
                ),
                impact,
            );
        }
    }
}

/// A variant of an enum or union: its Rust name, what it holds (`unit` or a type) and how it
/// is written (an enum's value, a tagged variant's tag values).
struct Variant {
    name: String,
    holds: String,
    wire: String,
}

impl Variant {
    fn new(name: &str, holds: &str, wire: String) -> Self {
        Variant {
            name: name.to_owned(),
            holds: holds.to_owned(),
            wire,
        }
    }

    fn describe(&self) -> String {
        match (self.holds.as_str(), self.wire.is_empty()) {
            ("unit", false) => self.wire.clone(),
            (holds, true) => format!("`{holds}`"),
            (holds, false) => format!("`{holds}`, {}", self.wire),
        }
    }
}

/// A field's type without its `Option` wrappers: whether the values themselves changed.
fn old_base(text: &str) -> &str {
    let mut text = text;
    while let Some(inner) = text
        .strip_prefix("Option<")
        .and_then(|t| t.strip_suffix('>'))
    {
        text = inner;
    }
    text
}
