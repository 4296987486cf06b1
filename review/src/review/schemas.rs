//! Finding what changed in the component schemas: shape, nullable, enum
//! members, composition, properties and `additionalProperties`, down
//! through inline nested schemas.

use std::collections::BTreeSet;

use graph_online_meetings_codegen::naming;
use graph_online_meetings_codegen::spec::JsonPointer;
use serde_json::Value;

use super::model::{Extra, FacetChange, Field, Found, Optionality, SchemaChange, SpecChange};
use super::node::{Node, tightens};
use super::side::{At, Differ, Place};
use crate::spec::Usage;

/// The property a facet change is about (none for a whole schema).
struct Facet {
    name: String,
    field: Field,
    required: bool,
}

/// An inline schema under a component: how reports name it, and where it is.
struct Nested {
    label: String,
    at: At,
}

impl Differ<'_, '_> {
    fn schema_change(&mut self, subject: &str, usage: Usage, change: SchemaChange) {
        self.found.push(Found {
            subject: subject.to_string(),
            change: SpecChange::Schema { usage, change },
        });
    }

    fn usage(&self, name: &str) -> Usage {
        let b = self.base.usage.get(name).copied().unwrap_or_default();
        let h = self.head.usage.get(name).copied().unwrap_or_default();
        b.union(h)
    }

    pub(super) fn schemas(&mut self) {
        let (old, new) = (self.base.schema_names(), self.head.schema_names());
        for name in &old {
            let usage = self.usage(name);
            match self.head.schema(name) {
                None => {
                    let rust_type = self.base.rust_type(name);
                    self.schema_change(name, usage, SchemaChange::Removed { rust_type });
                }
                Some(h) => {
                    if let Some(b) = self.base.schema(name) {
                        self.schema(name, b, h, usage);
                    }
                }
            }
        }
        for name in new.iter().filter(|n| !old.contains(n)) {
            let rust_type = self.head.rust_type(name);
            let usage = self.usage(name);
            self.schema_change(name, usage, SchemaChange::Added { rust_type });
        }
    }

    fn schema(&mut self, name: &str, b: Node<'_>, h: Node<'_>, usage: Usage) {
        let (old, new) = (b.shape(), h.shape());
        if old != new {
            let rust_type = self.base.rust_type(name);
            let change = SchemaChange::TypeChanged {
                rust_type,
                old,
                new,
            };
            self.schema_change(name, usage, change);
            return;
        }
        if b.nullable() != h.nullable() {
            let change = SchemaChange::NullableChanged {
                added: h.nullable(),
                every_use_nullable: (b.nullable() || self.base.every_use_nullable(name))
                    && (h.nullable() || self.head.every_use_nullable(name)),
            };
            self.schema_change(name, usage, change);
        }
        self.facets(name, None, (b, h), usage);
        if b.enum_members().is_some() && h.enum_members().is_some() {
            let open = h.type_name() == Some("string");
            let ty = self.head.rust_type(name);
            let enum_type = if open { format!("`types::{ty}`") } else { ty };
            self.enum_members(name, b, h, usage, open, &enum_type);
        }
        let at = At::both(JsonPointer::from_segments(["components", "schemas", name]));
        if b.properties().is_some() || h.properties().is_some() {
            let place = Place {
                component: name,
                label: name.to_string(),
                top_level: true,
                usage,
                at: at.clone(),
            };
            self.object(&place, b, h);
        }
        if let (Some(bi), Some(hi)) = (b.items(), h.items()) {
            let items = Nested {
                label: format!("{name}[]"),
                at: at.join("items"),
            };
            self.nested(name, &items, (bi, hi), usage);
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            let without_docs = |n: Node<'_>| {
                n.composition(keyword).map(|list| {
                    list.iter()
                        .map(|s| Node::from(s).without_docs())
                        .collect::<Vec<_>>()
                })
            };
            let (x, y) = (without_docs(b), without_docs(h));
            if x != y {
                self.schema_change(name, usage, SchemaChange::CompositionChanged { keyword });
            }
        }
    }

    /// An inline schema nested under a component: only its own shape,
    /// enum and properties are compared.
    fn nested(
        &mut self,
        component: &str,
        Nested { label, at }: &Nested,
        (b, h): (Node<'_>, Node<'_>),
        usage: Usage,
    ) {
        if b.shape() != h.shape() {
            // Reported by the holder as a type change.
            return;
        }
        if label.ends_with("[]") && b.nullable() != h.nullable() {
            let change = SchemaChange::ItemsNullableChanged {
                added: h.nullable(),
            };
            self.schema_change(label, usage, change);
        }
        if b.enum_members().is_some() && h.enum_members().is_some() {
            self.enum_members(label, b, h, usage, false, &format!("the enum of `{label}`"));
        }
        if b.properties().is_some() || h.properties().is_some() {
            let place = Place {
                component,
                label: label.to_string(),
                top_level: false,
                usage,
                at: at.clone(),
            };
            self.object(&place, b, h);
        }
        if let (Some(bi), Some(hi)) = (b.items(), h.items()) {
            let items = Nested {
                label: format!("{label}[]"),
                at: at.join("items"),
            };
            self.nested(component, &items, (bi, hi), usage);
        }
    }

    /// `open`: the enum is a component string enum, generated as an open
    /// `#[non_exhaustive]` enum with `Unrecognized`; otherwise typify makes a
    /// closed one.
    fn enum_members(
        &mut self,
        subject: &str,
        b: Node<'_>,
        h: Node<'_>,
        usage: Usage,
        open: bool,
        enum_type: &str,
    ) {
        let (old, new) = (
            b.enum_members().unwrap_or_default(),
            h.enum_members().unwrap_or_default(),
        );
        let text = |m: &Value| m.as_str().map_or_else(|| m.to_string(), str::to_string);
        // A `null` member is no variant: it is how 3.0.3 lets a nullable
        // enum hold null, and nullability is judged on its own.
        let (old, new): (Vec<Value>, Vec<Value>) = (
            old.into_iter().filter(|m| !m.is_null()).collect(),
            new.into_iter().filter(|m| !m.is_null()).collect(),
        );
        for m in new.iter().filter(|m| !old.contains(m)) {
            let change = SchemaChange::EnumMemberAdded {
                value: text(m),
                variant: naming::variant_name(&text(m)),
                enum_type: enum_type.to_string(),
                open,
            };
            self.schema_change(subject, usage, change);
        }
        for m in old.iter().filter(|m| !new.contains(m)) {
            let change = SchemaChange::EnumMemberRemoved {
                value: text(m),
                variant: naming::variant_name(&text(m)),
                enum_type: enum_type.to_string(),
                open,
            };
            self.schema_change(subject, usage, change);
        }
    }

    fn object(&mut self, place: &Place<'_>, b: Node<'_>, h: Node<'_>) {
        let empty = Default::default();
        let (old, new) = (
            b.properties().unwrap_or(&empty),
            h.properties().unwrap_or(&empty),
        );
        let (old_req, new_req) = (b.required(), h.required());
        let mut removed: Vec<String> = old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect();
        let mut added: Vec<String> = new
            .keys()
            .filter(|k| !old.contains_key(*k))
            .cloned()
            .collect();

        // A rename only when nothing but the name differs: the same schema,
        // the same description, at the same place among the properties.
        // Anything less is as likely an unrelated removal and addition.
        let mut renames = Vec::new();
        removed.retain(|r| {
            let (before, index) = (Node::from(&old[r]), self.base.rank(&place.at.base, old, r));
            let found = added.iter().position(|a| {
                let after = Node::from(&new[a]);
                before.without_docs() == after.without_docs()
                    && before.description() == after.description()
                    && index == self.head.rank(&place.at.head, new, a)
            });
            match found {
                Some(i) => {
                    renames.push((r.clone(), added.remove(i)));
                    false
                }
                None => true,
            }
        });

        let base_holder = self.type_label(place, &self.base_side_name(place));
        let head_holder = self.type_label(place, &self.head_side_name(place));
        for (r, a) in &renames {
            let change = SchemaChange::PropertyRenamed {
                old: r.clone(),
                new: a.clone(),
                old_field: self.field_name(place, r, true),
                new_field: self.field_name(place, a, false),
                holder: base_holder.clone(),
            };
            self.schema_change(&place.label, place.usage, change);
        }
        for r in &removed {
            let change = SchemaChange::PropertyRemoved {
                name: r.clone(),
                field: Field {
                    name: self.field_name(place, r, true),
                    holder: base_holder.clone(),
                    base_type: self.field_type(place, r, true),
                    head_type: None,
                },
                was_required: old_req.contains(r),
                refused: h.extra() == Extra::Refused,
            };
            self.schema_change(&place.label, place.usage, change);
        }
        for a in &added {
            let change = SchemaChange::PropertyAdded {
                name: a.clone(),
                field: Field {
                    name: self.field_name(place, a, false),
                    holder: head_holder.clone(),
                    base_type: None,
                    head_type: self.field_type(place, a, false),
                },
                required: new_req.contains(a),
                base_extra: b.extra(),
            };
            self.schema_change(&place.label, place.usage, change);
        }
        for (p, bp) in old {
            let Some(hp) = new.get(p) else { continue };
            let required = (old_req.contains(p), new_req.contains(p));
            self.property(place, p, (bp.into(), hp.into()), required);
        }
        let (old_extra, new_extra) = (b.extra(), h.extra());
        if old_extra != new_extra {
            let change = SchemaChange::ExtraChanged {
                holder: head_holder,
                old: old_extra,
                new: new_extra,
            };
            self.schema_change(&place.label, place.usage, change);
        }
    }

    fn property(
        &mut self,
        place: &Place<'_>,
        p: &str,
        (bp, hp): (Node<'_>, Node<'_>),
        (was_required, is_required): (bool, bool),
    ) {
        let label = place.label.clone();
        let usage = place.usage;
        let (old_shape, new_shape) = (bp.shape(), hp.shape());
        let (old_null, new_null) = (bp.nullable(), hp.nullable());
        let field = Field {
            name: self.field_name(place, p, false),
            holder: self.type_label(place, &self.head_side_name(place)),
            base_type: self.field_type(place, p, true),
            head_type: self.field_type(place, p, false),
        };

        if old_shape != new_shape {
            let same_json = match (bp.ref_name(), hp.ref_name()) {
                (Some(x), Some(y)) => match (self.base.schema(&x), self.head.schema(&y)) {
                    (Some(a), Some(z)) => a.without_docs() == z.without_docs(),
                    _ => false,
                },
                _ => false,
            };
            let change = SchemaChange::PropertyTypeChanged {
                name: p.to_string(),
                field: field.clone(),
                old: old_shape,
                new: new_shape,
                same_json,
                widens: bp.widens_to(hp),
            };
            self.schema_change(&label, usage, change);
        } else {
            let nested = Nested {
                label: format!("{label}.{p}"),
                at: place.at.join("properties").join(p),
            };
            self.nested(place.component, &nested, (bp, hp), usage);
        }

        let facet = Facet {
            name: p.to_string(),
            field: field.clone(),
            required: is_required,
        };
        self.facets(&label, Some(facet), (bp, hp), usage);

        // Option<T> exactly when the property is optional or nullable.
        let option = Optionality {
            was_option: !was_required || old_null,
            is_option: !is_required || new_null,
        };
        if old_null != new_null {
            let change = SchemaChange::PropertyNullableChanged {
                name: p.to_string(),
                field: field.clone(),
                added: new_null,
                option,
                was_required,
            };
            self.schema_change(&label, usage, change);
        }
        if was_required != is_required {
            let change = SchemaChange::PropertyRequiredChanged {
                name: p.to_string(),
                field,
                required: is_required,
                option,
            };
            self.schema_change(&label, usage, change);
        }
    }

    fn facet_change(
        &mut self,
        subject: &str,
        usage: Usage,
        (name, field): (&Option<String>, &Option<Field>),
        change: FacetChange,
    ) {
        let (name, field) = (name.clone(), field.clone());
        let change = SchemaChange::Facet {
            name,
            field,
            change,
        };
        self.schema_change(subject, usage, change);
    }

    /// Validation keywords, `default` and the `readOnly`/`writeOnly`/
    /// `deprecated` flags of one schema or property.
    fn facets(
        &mut self,
        subject: &str,
        facet: Option<Facet>,
        (b, h): (Node<'_>, Node<'_>),
        usage: Usage,
    ) {
        let name = facet.as_ref().map(|f| f.name.clone());
        let field = facet.as_ref().map(|f| f.field.clone());
        let (old, new) = (b.constraints(), h.constraints());
        let keywords: BTreeSet<&'static str> = old.keys().chain(new.keys()).copied().collect();
        let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
        for keyword in keywords {
            let (x, y) = (old.get(keyword), new.get(keyword));
            if x == y {
                continue;
            }
            let change = FacetChange::Constraint {
                keyword,
                old: x.map(text),
                new: y.map(text),
                tightens: tightens(keyword, x, y),
            };
            self.facet_change(subject, usage, (&name, &field), change);
        }
        if b.default_value() != h.default_value() {
            let change = FacetChange::Default {
                old: b.default_value().map(Value::to_string),
                new: h.default_value().map(Value::to_string),
            };
            self.facet_change(subject, usage, (&name, &field), change);
        }
        for ((flag, was), (_, is)) in b.flags().into_iter().zip(h.flags()) {
            if was != is {
                let change = FacetChange::Flag {
                    flag,
                    added: is,
                    required: facet.as_ref().is_some_and(|f| f.required),
                };
                self.facet_change(subject, usage, (&name, &field), change);
            }
        }
    }
}
