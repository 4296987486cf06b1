//! OpenAPI 3.0 schemas as one JSON Schema draft 2020-12 document, so that
//! the `jsonschema` crate can check examples, with the pointers mapped both
//! ways so that every finding still names the spec's own keyword.
//!
//! Each translated root sits at `/$defs/s{index}` and keeps the layout of
//! the spec node it comes from: a keyword at `/$defs/s3/properties/id/type`
//! is the spec's `{root 3}/properties/id/type`. The translation:
//!
//! - `nullable: true` beside `type: X` becomes `type: [X, "null"]`. Without a
//!   `type` beside it, OpenAPI 3.0.3 gives it no effect, so it is dropped; the
//!   validator reads it back from the spec to explain (or, under
//!   [`NullableReading::Progenitor`](crate::NullableReading), to forgive) null.
//! - a Reference Object keeps only its `$ref` (3.0 ignores its siblings),
//!   rewritten to the translated root; one that does not resolve becomes the
//!   schema `false`, which the validator reports as the unresolved `$ref`.
//! - boolean `exclusiveMinimum`/`exclusiveMaximum` (3.0, after draft
//!   Wright-00) become draft 2020-12's numeric form;
//! - annotations 2020-12 does not share (`example`, `discriminator`, `xml`,
//!   `externalDocs`, `readOnly`, `writeOnly`, `x-*`) are dropped. 3.0 makes
//!   `readOnly`/`writeOnly` about which direction a property travels, which
//!   an example alone does not say, so they are not checked.

use std::collections::BTreeMap;

use graph_online_meetings_codegen::spec::JsonPointer;
use serde_json::{Map, Value};

/// Keywords OpenAPI 3.0 adds to a Schema Object that are not validation.
const DROPPED: [&str; 6] = [
    "example",
    "discriminator",
    "xml",
    "externalDocs",
    "readOnly",
    "writeOnly",
];

/// The spec's schemas translated into one JSON Schema document.
pub(crate) struct Translation {
    /// `{"$defs": {"s0": …, "s1": …}}`.
    defs: Map<String, Value>,
    /// The spec pointer each `$defs/s{index}` was translated from.
    roots: Vec<JsonPointer>,
    /// The translated pointer each `$ref` value written into `defs` names.
    ref_targets: BTreeMap<String, JsonPointer>,
}

/// `/$defs/s{index}`, where the translation of root `index` sits.
fn def_pointer(index: usize) -> JsonPointer {
    JsonPointer::from_segments(["$defs".to_string(), format!("s{index}")])
}

impl Translation {
    /// Translates every component schema and the schemas at `sites`, with
    /// whatever their `$ref`s reach.
    pub(crate) fn new(doc: &Value, sites: &[JsonPointer]) -> Self {
        let mut translation = Translation {
            defs: Map::new(),
            roots: Vec::new(),
            ref_targets: BTreeMap::new(),
        };
        let components = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|schemas| schemas.keys())
            .map(|name| JsonPointer::from_segments(["components", "schemas", name]));
        for pointer in components.chain(sites.iter().cloned()) {
            translation.root_of(&pointer);
        }
        // Roots found through `$ref`s are appended while this runs.
        let mut next = 0;
        while next < translation.roots.len() {
            let pointer = translation.roots[next].clone();
            let translated = match pointer.resolve(doc) {
                Some(node) => translation.schema(doc, node),
                None => Value::Bool(false),
            };
            translation.defs.insert(format!("s{next}"), translated);
            next += 1;
        }
        translation
    }

    /// A JSON Schema whose root is the translated schema at `spec_pointer`;
    /// `None` unless it was among the `sites` (or components) translated.
    pub(crate) fn schema_for(&self, spec_pointer: &JsonPointer) -> Option<Value> {
        let target = self.to_translated(spec_pointer)?;
        let mut root = Map::new();
        root.insert(
            "$schema".to_string(),
            Value::from("https://json-schema.org/draft/2020-12/schema"),
        );
        root.insert("$ref".to_string(), Value::from(target.uri_fragment()));
        root.insert("$defs".to_string(), Value::Object(self.defs.clone()));
        Some(Value::Object(root))
    }

    /// The spec pointer of a pointer into the translated document.
    pub(crate) fn to_spec(&self, translated: &JsonPointer) -> Option<JsonPointer> {
        let index = translated
            .segments()
            .nth(1)?
            .strip_prefix('s')?
            .parse()
            .ok()?;
        translated.rebase(&def_pointer(index), self.roots.get(index)?)
    }

    /// Where a `$ref` of the translated document leads, as a pointer.
    pub(crate) fn ref_target(&self, reference: &str) -> Option<&JsonPointer> {
        self.ref_targets.get(reference)
    }

    /// The pointer in the translated document of a translated spec node.
    pub(crate) fn to_translated(&self, spec_pointer: &JsonPointer) -> Option<JsonPointer> {
        self.roots
            .iter()
            .enumerate()
            .find_map(|(index, root)| spec_pointer.rebase(root, &def_pointer(index)))
    }

    /// The translated pointer of `spec_pointer`, making it a root if no
    /// root holds it yet.
    fn root_of(&mut self, spec_pointer: &JsonPointer) -> JsonPointer {
        if let Some(translated) = self.to_translated(spec_pointer) {
            return translated;
        }
        self.roots.push(spec_pointer.clone());
        def_pointer(self.roots.len() - 1)
    }

    fn schema(&mut self, doc: &Value, node: &Value) -> Value {
        let Some(map) = node.as_object() else {
            // `true`/`false` pass through; anything else the meta-schema refuses.
            return node.clone();
        };
        if let Some(reference) = map.get("$ref") {
            let target = reference
                .as_str()
                .and_then(JsonPointer::from_ref)
                .filter(|pointer| pointer.resolve(doc).is_some());
            let Some(target) = target else {
                return Value::Bool(false);
            };
            let translated = self.root_of(&target);
            let written = translated.uri_fragment();
            self.ref_targets.insert(written.clone(), translated);
            let mut out = Map::new();
            out.insert("$ref".to_string(), Value::from(written));
            return Value::Object(out);
        }
        let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
        let mut out = Map::new();
        for (key, value) in map {
            if DROPPED.contains(&key.as_str()) || key.starts_with("x-") || key == "nullable" {
                continue;
            }
            let translated = match key.as_str() {
                "type" if nullable && value.is_string() => {
                    Value::Array(vec![value.clone(), Value::from("null")])
                }
                "properties" => match value.as_object() {
                    Some(properties) => Value::Object(
                        properties
                            .iter()
                            .map(|(name, schema)| (name.clone(), self.schema(doc, schema)))
                            .collect(),
                    ),
                    None => value.clone(),
                },
                "items" | "additionalProperties" | "not" => self.schema(doc, value),
                "allOf" | "anyOf" | "oneOf" => match value.as_array() {
                    Some(list) => list.iter().map(|schema| self.schema(doc, schema)).collect(),
                    None => value.clone(),
                },
                "minimum" | "maximum" if exclusive(map, key) => continue,
                "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => {
                    let bound = if key == "exclusiveMinimum" {
                        "minimum"
                    } else {
                        "maximum"
                    };
                    match map.get(bound) {
                        Some(limit) if value == &Value::Bool(true) => limit.clone(),
                        _ => continue,
                    }
                }
                _ => value.clone(),
            };
            out.insert(key.clone(), translated);
        }
        Value::Object(out)
    }
}

/// Whether `bound` (`minimum` or `maximum`) is exclusive in OpenAPI 3.0's
/// boolean form, and so moves to `exclusiveMinimum`/`exclusiveMaximum`.
fn exclusive(map: &Map<String, Value>, bound: &str) -> bool {
    let flag = if bound == "minimum" {
        "exclusiveMinimum"
    } else {
        "exclusiveMaximum"
    };
    map.get(flag) == Some(&Value::Bool(true))
}
