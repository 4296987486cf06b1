//! The two sides of a review (base and head: the spec as JSON, where each
//! schema travels, the generated API) and how to read a schema's shape.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use graph_online_meetings_codegen::naming;
use graph_online_meetings_codegen::spec::{JsonPointer, LoadedSpec, refs};

use super::model::{Extra, Found};
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

    /// The component schema `name`, as JSON: shapes are compared on the
    /// document as written.
    pub(super) fn schema(&self, name: &str) -> Option<&'a Value> {
        JsonPointer::from_segments(["components", "schemas", name]).resolve(&self.spec.json)
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
    /// Where `key` stands among the keys of the mapping at `holder`, in file
    /// order (the JSON tree does not keep the order; the positions do).
    pub(super) fn rank(&self, holder: &JsonPointer, keys: &[&String], key: &str) -> Option<usize> {
        let line = |k: &str| self.spec.position(&holder.join(k));
        let own = line(key)?;
        Some(
            keys.iter()
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

/// Schema shape as far as the generated type and the JSON are concerned;
/// descriptions and examples are left out.
pub(super) fn shape(node: &Value) -> String {
    if let Some(target) = ref_name(node) {
        return format!("`{target}`");
    }
    let ty = node.get("type").and_then(Value::as_str);
    let format = node.get("format").and_then(Value::as_str);
    match ty {
        Some("array") => match node.get("items") {
            Some(items) => format!("array of {}", shape(items)),
            None => "array".to_string(),
        },
        Some("string") if node.get("enum").is_some() => "string enum".to_string(),
        Some(ty) => match format {
            Some(format) => format!("{ty} ({format})"),
            None => ty.to_string(),
        },
        None if node.get("properties").is_some() => "object".to_string(),
        None => {
            for key in ["allOf", "oneOf", "anyOf"] {
                if node.get(key).is_some() {
                    return format!("{key} composition");
                }
            }
            "any value".to_string()
        }
    }
}

/// The component a schema names through `$ref` or a one-element `allOf`
/// (the form this spec uses beside `nullable`).
pub(super) fn ref_name(node: &Value) -> Option<String> {
    let reference = node.get("$ref").and_then(Value::as_str).or_else(|| {
        let all = node.get("allOf")?.as_array()?;
        match all.as_slice() {
            [only] if node.get("type").is_none() && node.get("properties").is_none() => {
                only.get("$ref").and_then(Value::as_str)
            }
            _ => None,
        }
    })?;
    refs::component_name(reference)
}

/// Whether every value of `old` is a value of `new`: a format dropped from
/// the same type, or integer widened to number.
pub(super) fn widens(old: &Value, new: &Value) -> bool {
    let ty = |n: &Value| n.get("type").and_then(Value::as_str).map(str::to_string);
    let format = |n: &Value| n.get("format").and_then(Value::as_str).map(str::to_string);
    match (ty(old).as_deref(), ty(new).as_deref()) {
        (Some("integer"), Some("number")) => format(new).is_none(),
        (Some(a), Some(b)) if a == b && a != "array" && a != "object" => {
            format(old).is_some() && format(new).is_none()
        }
        _ => false,
    }
}

pub(super) fn nullable(node: &Value) -> bool {
    node.get("nullable").and_then(Value::as_bool) == Some(true)
}

/// The node without documentation keywords, to compare shapes.
pub(super) fn strip_docs(node: &Value) -> Value {
    match node {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "description"
                            | "summary"
                            | "title"
                            | "example"
                            | "examples"
                            | "externalDocs"
                    )
                })
                .map(|(k, v)| (k.clone(), strip_docs(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}

pub(super) fn required_set(node: &Value) -> BTreeSet<String> {
    node.get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn extra(node: &Value) -> Extra {
    match node.get("additionalProperties") {
        Some(Value::Bool(false)) => Extra::Refused,
        None => Extra::Ignored,
        Some(_) => Extra::Kept,
    }
}
