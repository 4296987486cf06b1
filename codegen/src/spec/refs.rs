//! The one `$ref` resolver: for the raw tree (checks, lint) and for the typed
//! `openapiv3` structs (review, generation), with one hop limit.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use openapiv3::{
    Components, Example, Header, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema,
    SecurityScheme,
};
use serde_json::Value;

use super::JsonPointer;

/// How many `$ref`s in a row are followed before the chain counts as a cycle.
pub const MAX_REF_HOPS: usize = 32;

/// Why a `$ref` could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    /// `$ref` holds something other than a string.
    NotAString,
    /// The target is in another file (`other.yaml#/...`).
    External(String),
    /// The target does not exist in this document.
    Dangling(String),
    /// More than [`MAX_REF_HOPS`] references in a row, which means a cycle.
    TooDeep(String),
}

impl RefError {
    /// What is wrong and what to write instead, for an error message.
    pub fn problem_and_fix(&self) -> (String, &'static str) {
        match self {
            RefError::NotAString => (
                "`$ref` is not a string".to_string(),
                "write `$ref: '#/components/...'`",
            ),
            RefError::External(target) => (
                format!("`$ref: {target}` points outside this file"),
                "copy the referenced definition into `components` and refer to it as `#/components/...`",
            ),
            RefError::Dangling(target) => (
                format!("`$ref: {target}` points at nothing"),
                "define the target under `components` or correct the name",
            ),
            RefError::TooDeep(target) => (
                format!("`$ref: {target}` starts a chain of more than {MAX_REF_HOPS} references"),
                "point the `$ref` at a definition, not at a loop of references",
            ),
        }
    }
}

/// The `$ref` string of a raw node, if it has one.
pub fn ref_of(node: &Value) -> Option<Result<&str, RefError>> {
    let target = node.as_object()?.get("$ref")?;
    Some(target.as_str().ok_or(RefError::NotAString))
}

/// Follows `$ref`s from `node` (found at `at`) to the definition, and returns
/// it with its pointer. A node without `$ref` is its own definition.
pub fn follow<'a>(
    doc: &'a Value,
    at: &JsonPointer,
    node: &'a Value,
) -> Result<(JsonPointer, &'a Value), RefError> {
    let mut here = (at.clone(), node);
    for _ in 0..=MAX_REF_HOPS {
        let Some(target) = ref_of(here.1) else {
            return Ok(here);
        };
        let target = target?;
        let pointer =
            JsonPointer::from_ref(target).ok_or_else(|| RefError::External(target.to_string()))?;
        let next = pointer
            .resolve(doc)
            .ok_or_else(|| RefError::Dangling(target.to_string()))?;
        here = (pointer, next);
    }
    Err(RefError::TooDeep(
        ref_of(node)
            .and_then(Result::ok)
            .unwrap_or_default()
            .to_string(),
    ))
}

/// A kind of reusable component, found under `components/<KIND>`.
pub trait Component: Sized {
    /// The key under `components`, such as `schemas`.
    const KIND: &'static str;
    /// This kind's map in `components`.
    fn map(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

macro_rules! component {
    ($ty:ty, $kind:literal, $field:ident) => {
        impl Component for $ty {
            const KIND: &'static str = $kind;
            fn map(components: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
                &components.$field
            }
        }
    };
}

component!(Schema, "schemas", schemas);
component!(Response, "responses", responses);
component!(Parameter, "parameters", parameters);
component!(Example, "examples", examples);
component!(RequestBody, "requestBodies", request_bodies);
component!(Header, "headers", headers);
component!(SecurityScheme, "securitySchemes", security_schemes);

/// The typed definition behind `item`, with the name of the component it
/// was found under (`None` when `item` is written inline).
pub fn resolve<'a, T: Component>(
    spec: &'a OpenAPI,
    item: &'a ReferenceOr<T>,
) -> Result<(Option<&'a str>, &'a T), RefError> {
    let mut name = None;
    let mut item = item;
    for _ in 0..=MAX_REF_HOPS {
        match item {
            ReferenceOr::Item(value) => return Ok((name, value)),
            ReferenceOr::Reference { reference } => {
                let (component, next) = component::<T>(spec, reference)?;
                name = Some(component);
                item = next;
            }
        }
    }
    Err(RefError::TooDeep(match item {
        ReferenceOr::Reference { reference } => reference.clone(),
        ReferenceOr::Item(_) => String::new(),
    }))
}

/// The name a `#/components/<kind>/<name>` reference of kind `T` names, and
/// what is stored there.
fn component<'a, T: Component>(
    spec: &'a OpenAPI,
    reference: &str,
) -> Result<(&'a str, &'a ReferenceOr<T>), RefError> {
    let pointer = JsonPointer::from_ref(reference)
        .ok_or_else(|| RefError::External(reference.to_string()))?;
    let dangling = || RefError::Dangling(reference.to_string());
    let (kind, name) = pointer.component().ok_or_else(dangling)?;
    if kind != T::KIND {
        return Err(dangling());
    }
    let components = spec.components.as_ref().ok_or_else(dangling)?;
    T::map(components)
        .get_key_value(&name)
        .map(|(name, item)| (name.as_str(), item))
        .ok_or_else(dangling)
}

/// The component name a `$ref` names, if it is a `#/components/<kind>/<name>`.
pub fn component_name(reference: &str) -> Option<String> {
    JsonPointer::from_ref(reference)?
        .component()
        .map(|(_, name)| name)
}

/// Calls `visit` with every Reference Object under `node` (found at `at`):
/// its pointer and the object. Example payloads, defaults and enum members
/// are data, so a `$ref` key inside one is not a reference; under
/// `properties` the keys are property names, not keywords.
pub fn each_ref(node: &Value, at: &JsonPointer, visit: &mut dyn FnMut(&JsonPointer, &Value)) {
    walk(node, at, Holder::Other, visit);
}

/// What the mapping holding a node is, as far as telling data from schema goes.
#[derive(Clone, Copy, PartialEq)]
enum Holder {
    /// A `properties` mapping: its keys are names.
    Properties,
    /// An `examples` mapping: its values are Example Objects.
    Examples,
    /// An Example Object: its `value` is data.
    Example,
    Other,
}

fn walk(
    node: &Value,
    at: &JsonPointer,
    holder: Holder,
    visit: &mut dyn FnMut(&JsonPointer, &Value),
) {
    match node {
        Value::Object(map) => {
            let names = holder == Holder::Properties;
            if !names && map.contains_key("$ref") {
                visit(at, node);
                return;
            }
            for (key, value) in map {
                let inner = match key.as_str() {
                    _ if names => Holder::Other,
                    "example" | "default" | "enum" => continue,
                    "value" if holder == Holder::Example => continue,
                    "properties" => Holder::Properties,
                    "examples" => Holder::Examples,
                    _ if holder == Holder::Examples => Holder::Example,
                    _ => Holder::Other,
                };
                walk(value, &at.join(key), inner, visit);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                walk(value, &at.join(index), Holder::Other, visit);
            }
        }
        _ => {}
    }
}

/// Every component, as `(kind, name)`, that the nodes at `roots` reach
/// through `$ref`s, directly or through other components.
pub fn reachable_components(doc: &Value, roots: &[JsonPointer]) -> BTreeSet<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut queue: Vec<JsonPointer> = Vec::new();
    let enqueue = |node: &Value, at: &JsonPointer, queue: &mut Vec<JsonPointer>| {
        each_ref(node, at, &mut |_, reference| {
            if let Some(Ok(target)) = ref_of(reference)
                && let Some(pointer) = JsonPointer::from_ref(target)
            {
                queue.push(pointer);
            }
        });
    };
    for root in roots {
        if let Some(node) = root.resolve(doc) {
            enqueue(node, root, &mut queue);
        }
    }
    while let Some(target) = queue.pop() {
        // A `$ref` into a component (`.../onlineMeeting/properties/id`) uses it.
        let segments: Vec<String> = target.segments().take(3).collect();
        let component = JsonPointer::from_segments(&segments);
        let Some(key) = component.component() else {
            continue;
        };
        if !seen.insert(key) {
            continue;
        }
        if let Some(node) = component.resolve(doc) {
            enqueue(node, &component, &mut queue);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_ref_skips_data_and_reads_property_names_as_names() {
        let doc = serde_json::json!({
            "properties": {"$ref": {"$ref": "#/a"}, "example": {"$ref": "#/b"}},
            "example": {"$ref": "#/data"},
            "default": {"$ref": "#/data"},
            "examples": {"one": {"value": {"$ref": "#/data"}, "x": {"$ref": "#/c"}}},
            "items": [{"$ref": "#/d"}]
        });
        let mut found = Vec::new();
        each_ref(&doc, &JsonPointer::root(), &mut |at, node| {
            found.push((at.to_string(), node["$ref"].as_str().unwrap().to_string()));
        });
        found.sort();
        let expected = [
            ("/examples/one/x", "#/c"),
            ("/items/0", "#/d"),
            ("/properties/$ref", "#/a"),
            ("/properties/example", "#/b"),
        ];
        assert_eq!(found, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    }

    #[test]
    fn reachability_follows_components_through_components() {
        let doc = serde_json::json!({
            "paths": {"/x": {"get": {"responses": {"200": {"$ref": "#/components/responses/ok"}}}}},
            "components": {
                "responses": {"ok": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/a/properties/b"}}}}},
                "schemas": {"a": {"properties": {"b": {"$ref": "#/components/schemas/c"}}}, "c": {}, "unused": {}}
            }
        });
        let reached = reachable_components(&doc, &[JsonPointer::from_segments(["paths"])]);
        let names: Vec<String> = reached.iter().map(|(k, n)| format!("{k}/{n}")).collect();
        assert_eq!(names, ["responses/ok", "schemas/a", "schemas/c"]);
    }

    #[test]
    fn raw_chains_end_at_the_definition_or_say_why_not() {
        let doc = serde_json::json!({
            "a": {"$ref": "#/b"}, "b": {"$ref": "#/c"}, "c": {"type": "string"},
            "loop": {"$ref": "#/loop"}, "gone": {"$ref": "#/nothing"},
            "far": {"$ref": "x.yaml#/c"}, "odd": {"$ref": 5}
        });
        let at = JsonPointer::from_segments(["a"]);
        let (pointer, value) = follow(&doc, &at, &doc["a"]).unwrap();
        assert_eq!((pointer.as_str(), value), ("/c", &doc["c"]));
        let err = |key: &str| follow(&doc, &JsonPointer::root().join(key), &doc[key]).unwrap_err();
        assert_eq!(err("loop"), RefError::TooDeep("#/loop".into()));
        assert_eq!(err("gone"), RefError::Dangling("#/nothing".into()));
        assert_eq!(err("far"), RefError::External("x.yaml#/c".into()));
        assert_eq!(err("odd"), RefError::NotAString);
    }
}
