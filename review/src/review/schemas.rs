//! Finding what changed in the component schemas: shape, nullable, enum
//! members, composition, properties and `additionalProperties`, down
//! through inline nested schemas.

use serde_json::Value;

use super::model::{Extra, Field, Found, Optionality, SchemaChange, SpecChange};
use graph_online_meetings_codegen::spec::JsonPointer;

use super::side::{
    At, Differ, Place, extra, nullable, ref_name, required_set, shape, strip_docs, widens,
};
use graph_online_meetings_codegen::naming;

use crate::spec::Usage;

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

    fn schema(&mut self, name: &str, b: &Value, h: &Value, usage: Usage) {
        let (old, new) = (shape(b), shape(h));
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
        if nullable(b) != nullable(h) {
            let change = SchemaChange::NullableChanged { added: nullable(h) };
            self.schema_change(name, usage, change);
        }
        if let (Some(_), Some(_)) = (b.get("enum"), h.get("enum")) {
            let open = h.get("type").and_then(Value::as_str) == Some("string");
            let ty = self.head.rust_type(name);
            let enum_type = if open { format!("`types::{ty}`") } else { ty };
            self.enum_members(name, b, h, usage, open, &enum_type);
        }
        let at = At::both(JsonPointer::from_segments(["components", "schemas", name]));
        if b.get("properties").is_some() || h.get("properties").is_some() {
            let place = Place {
                component: name,
                label: name.to_string(),
                top_level: true,
                usage,
                at: at.clone(),
            };
            self.object(&place, b, h);
        }
        if let (Some(bi), Some(hi)) = (b.get("items"), h.get("items")) {
            self.nested(
                name,
                &format!("{name}[]"),
                &at.join("items"),
                (bi, hi),
                usage,
            );
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            let (x, y) = (
                b.get(keyword).map(strip_docs),
                h.get(keyword).map(strip_docs),
            );
            if x != y && (x.is_some() || y.is_some()) {
                self.schema_change(name, usage, SchemaChange::CompositionChanged { keyword });
            }
        }
    }

    /// An inline schema nested under a component: only its own shape,
    /// enum and properties are compared.
    fn nested(
        &mut self,
        component: &str,
        label: &str,
        at: &At,
        (b, h): (&Value, &Value),
        usage: Usage,
    ) {
        if shape(b) != shape(h) {
            // Reported by the holder as a type change.
            return;
        }
        if b.get("enum").is_some() && h.get("enum").is_some() {
            self.enum_members(label, b, h, usage, false, &format!("the enum of `{label}`"));
        }
        if b.get("properties").is_some() || h.get("properties").is_some() {
            let place = Place {
                component,
                label: label.to_string(),
                top_level: false,
                usage,
                at: at.clone(),
            };
            self.object(&place, b, h);
        }
        if let (Some(bi), Some(hi)) = (b.get("items"), h.get("items")) {
            let items = at.join("items");
            self.nested(component, &format!("{label}[]"), &items, (bi, hi), usage);
        }
    }

    /// `open`: the enum is a component string enum, generated as an open
    /// `#[non_exhaustive]` enum with `Unrecognized`; otherwise typify makes a
    /// closed one.
    fn enum_members(
        &mut self,
        subject: &str,
        b: &Value,
        h: &Value,
        usage: Usage,
        open: bool,
        enum_type: &str,
    ) {
        let members = |n: &Value| -> Vec<Value> {
            n.get("enum")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (old, new) = (members(b), members(h));
        let text = |m: &Value| m.as_str().map_or_else(|| m.to_string(), str::to_string);
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

    fn object(&mut self, place: &Place<'_>, b: &Value, h: &Value) {
        let empty = serde_json::Map::new();
        let props = |n: &Value| {
            n.get("properties")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
                .clone()
        };
        let (old, new) = (props(b), props(h));
        let (old_req, new_req) = (required_set(b), required_set(h));
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
        let description = |n: &Value| n.get("description").cloned();
        let (old_keys, new_keys): (Vec<&String>, Vec<&String>) =
            (old.keys().collect(), new.keys().collect());
        let (old_at, new_at) = (
            place.at.base.join("properties"),
            place.at.head.join("properties"),
        );
        let old_rank = |key: &str| self.base.rank(&old_at, &old_keys, key);
        let new_rank = |key: &str| self.head.rank(&new_at, &new_keys, key);
        let mut renames = Vec::new();
        removed.retain(|r| {
            let found = added.iter().position(|a| {
                strip_docs(&old[r]) == strip_docs(&new[a])
                    && description(&old[r]) == description(&new[a])
                    && old_rank(r) == new_rank(a)
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
                refused: extra(h) == Extra::Refused,
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
                base_extra: extra(b),
            };
            self.schema_change(&place.label, place.usage, change);
        }
        for (p, bp) in &old {
            let Some(hp) = new.get(p) else { continue };
            self.property(place, p, bp, hp, old_req.contains(p), new_req.contains(p));
        }
        let (old_extra, new_extra) = (extra(b), extra(h));
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
        bp: &Value,
        hp: &Value,
        was_required: bool,
        is_required: bool,
    ) {
        let label = place.label.clone();
        let usage = place.usage;
        let (old_shape, new_shape) = (shape(bp), shape(hp));
        let (old_null, new_null) = (nullable(bp), nullable(hp));
        let field = Field {
            name: self.field_name(place, p, false),
            holder: self.type_label(place, &self.head_side_name(place)),
            base_type: self.field_type(place, p, true),
            head_type: self.field_type(place, p, false),
        };

        if old_shape != new_shape {
            let same_json = match (ref_name(bp), ref_name(hp)) {
                (Some(x), Some(y)) => match (self.base.schema(&x), self.head.schema(&y)) {
                    (Some(a), Some(z)) => strip_docs(a) == strip_docs(z),
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
                widens: widens(bp, hp),
            };
            self.schema_change(&label, usage, change);
        } else {
            let nested_label = format!("{label}.{p}");
            let at = place.at.join("properties").join(p);
            self.nested(place.component, &nested_label, &at, (bp, hp), usage);
        }

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
}
