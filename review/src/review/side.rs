//! The two sides of a review (base and head: the spec as JSON, where each
//! schema travels, the generated API) and how to read a schema's shape.

use std::collections::BTreeMap;

use graph_online_meetings_codegen::naming;
use graph_online_meetings_codegen::spec::{JsonPointer, LoadedSpec, refs};

use super::model::Found;
use super::node::{Node, Properties};
use crate::api::{self, ApiSide};
use crate::spec::{self, Usage};

pub(super) struct Side<'a> {
    pub(super) spec: &'a LoadedSpec,
    pub(super) usage: BTreeMap<String, Usage>,
    api: Option<ApiSide>,
}

impl<'a> Side<'a> {
    pub(super) fn new(spec: &'a LoadedSpec, api: Option<ApiSide>) -> Self {
        Self {
            spec,
            usage: spec::schema_usage(spec),
            api,
        }
    }

    /// The component schema `name`.
    pub(super) fn schema(&self, name: &str) -> Option<Node<'a>> {
        let components = self.spec.openapi.components.as_ref()?;
        components.schemas.get(name).map(Node::from)
    }

    /// The names of the component schemas, in file order.
    pub(super) fn schema_names(&self) -> Vec<String> {
        self.spec
            .openapi
            .components
            .iter()
            .flat_map(|c| c.schemas.keys().cloned())
            .collect()
    }

    /// The Rust type of a component schema, as generated (or as predicted).
    pub(super) fn rust_type(&self, schema: &str) -> String {
        self.api
            .as_ref()
            .and_then(|a| a.type_for_schema(schema))
            .map_or_else(|| naming::type_name(schema), |t| t.name.clone())
    }

    /// The generated field for a property: `(name, type)`.
    pub(super) fn rust_field(&self, schema: &str, property: &str) -> Option<(String, String)> {
        let api = self.api.as_ref()?;
        let summary = api.type_for_schema(schema)?;
        api::members(summary)
            .into_iter()
            .find(|m| m.wire.as_deref() == Some(property))
            .map(|m| (m.name, m.ty))
    }
}

/// Walks both sides and collects what changed, in report order.
pub(super) struct Differ<'s, 'a> {
    pub(super) base: &'s Side<'a>,
    pub(super) head: &'s Side<'a>,
    pub(super) found: Vec<Found>,
}

/// Where a property sits and how to name it in Rust.
pub(super) struct Place<'x> {
    /// Component schema the property belongs to (possibly through nesting).
    pub(super) component: &'x str,
    /// `schema` or `schema.nested`: the label of the object holding it.
    pub(super) label: String,
    /// Whether the holder is the component itself (so the generated struct
    /// can be found by name).
    pub(super) top_level: bool,
    pub(super) usage: Usage,
    /// Where the holder is, on each side.
    pub(super) at: At,
}

/// A place in both documents: the same node on the base and on the head.
#[derive(Clone)]
pub(super) struct At {
    pub(super) base: JsonPointer,
    pub(super) head: JsonPointer,
}

impl At {
    pub(super) fn both(pointer: JsonPointer) -> Self {
        Self {
            base: pointer.clone(),
            head: pointer,
        }
    }

    pub(super) fn join(&self, segment: &str) -> Self {
        Self {
            base: self.base.join(segment),
            head: self.head.join(segment),
        }
    }
}

impl Side<'_> {
    /// Whether every place that refers to the component schema `name` (a
    /// bare `$ref`, or a `$ref` wrapped in a one-element `allOf`) is itself
    /// `nullable: true`. A spec that does not refer to it counts as true.
    pub(super) fn every_use_nullable(&self, name: &str) -> bool {
        let target = JsonPointer::from_segments(["components", "schemas", name]).fragment();
        let json = &self.spec.json;
        let mut all = true;
        refs::each_ref(json, &JsonPointer::root(), &mut |at, node| {
            if node.get("$ref").and_then(|r| r.as_str()) != Some(target.as_str()) {
                return;
            }
            let segments: Vec<String> = at.segments().collect();
            let site = match segments.as_slice() {
                [.., all_of, index] if all_of == "allOf" && index == "0" => {
                    at.parent().and_then(|p| p.parent())
                }
                _ => Some(at.clone()),
            };
            let nullable = site
                .and_then(|site| site.resolve(json))
                .and_then(|site| site.get("nullable"))
                .and_then(|n| n.as_bool())
                == Some(true);
            all &= nullable;
        });
        all
    }

    /// Where `key` stands among the properties of the schema at `holder`,
    /// in file order: the typed model reads the spec through a JSON tree
    /// that sorts keys, and only the positions keep the order written.
    pub(super) fn rank(
        &self,
        holder: &JsonPointer,
        properties: &Properties,
        key: &str,
    ) -> Option<usize> {
        let at = holder.join("properties");
        let line = |k: &str| self.spec.position(&at.join(k));
        let own = line(key)?;
        Some(
            properties
                .keys()
                .filter(|k| line(k).is_some_and(|p| p < own))
                .count(),
        )
    }
}

impl Differ<'_, '_> {
    // ---- Rust names -----------------------------------------------------------

    pub(super) fn base_side_name(&self, place: &Place<'_>) -> String {
        self.base.rust_type(place.component)
    }

    pub(super) fn head_side_name(&self, place: &Place<'_>) -> String {
        self.head.rust_type(place.component)
    }

    /// `` `types::Thing` `` for a component, or a description of the
    /// generated type of a nested object.
    pub(super) fn type_label(&self, place: &Place<'_>, component_type: &str) -> String {
        if place.top_level {
            format!("`types::{component_type}`")
        } else {
            format!("the type generated for `{}`", place.label)
        }
    }

    pub(super) fn field_name(&self, place: &Place<'_>, property: &str, base: bool) -> String {
        let side = if base { self.base } else { self.head };
        if place.top_level
            && let Some((name, _)) = side.rust_field(place.component, property)
        {
            return name;
        }
        naming::field_name(property)
    }

    pub(super) fn field_type(
        &self,
        place: &Place<'_>,
        property: &str,
        base: bool,
    ) -> Option<String> {
        if !place.top_level {
            return None;
        }
        let side = if base { self.base } else { self.head };
        side.rust_field(place.component, property).map(|(_, ty)| ty)
    }
}
