//! The one `$ref` resolver: for the raw tree (checks, lint) and for the typed
//! `openapiv3` structs (review, generation), with one hop limit.

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

#[cfg(test)]
mod tests {
    use super::*;

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
