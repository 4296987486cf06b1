//! Where the examples of a spec sit, and the schema each must match.

use graph_online_meetings_codegen::spec::{JsonPointer, LoadedSpec, refs};
use serde_json::Value;

pub(crate) enum ExampleRef {
    /// An inline value: `example`, or an Example Object's `value`.
    Inline { pointer: JsonPointer },
    /// An Example Object's `x-example-file`, with its inline `value` if any.
    External {
        pointer: JsonPointer,
        target: String,
        inline: Option<JsonPointer>,
    },
}

/// A schema and the examples that must match it.
pub(crate) struct ExampleSite {
    pub schema: JsonPointer,
    pub examples: Vec<ExampleRef>,
}

/// The pointers of the entries of the mapping at `pointer`.
fn entries(doc: &Value, pointer: &JsonPointer) -> Vec<JsonPointer> {
    pointer
        .resolve(doc)
        .and_then(Value::as_object)
        .map(|m| m.keys().map(|k| pointer.join(k)).collect())
        .unwrap_or_default()
}

/// Every place an example can sit: media types, parameters and headers (with
/// their schema), and `example` inside schemas.
pub(crate) fn example_sites(spec: &LoadedSpec) -> Vec<ExampleSite> {
    let doc = &spec.json;
    let mut sites = Vec::new();
    let components = |kind: &str| entries(doc, &JsonPointer::from_segments(["components", kind]));
    let mut holders = components("parameters");
    holders.extend(components("headers"));
    let mut bodies = components("requestBodies");
    let mut responses = components("responses");
    let mut schema_roots = components("schemas");
    for op in spec.operations() {
        let item = JsonPointer::from_segments(["paths", op.path]);
        let pointer = op.pointer();
        for list in [item.join("parameters"), pointer.join("parameters")] {
            if let Some(items) = list.resolve(doc).and_then(Value::as_array) {
                holders.extend((0..items.len()).map(|i| list.join(i)));
            }
        }
        bodies.push(pointer.join("requestBody"));
        responses.extend(entries(doc, &pointer.join("responses")));
    }
    for body in &bodies {
        holders.extend(entries(doc, &body.join("content")));
    }
    for response in &responses {
        holders.extend(entries(doc, &response.join("content")));
        holders.extend(entries(doc, &response.join("headers")));
    }
    for holder in &holders {
        // Parameters may carry their examples in `content` instead.
        holders_media(doc, holder, &mut sites, &mut schema_roots);
    }
    for root in schema_roots {
        schema_examples(doc, &root, &mut sites, 0);
    }
    sites
}

/// Examples of a parameter, header or media type object (not a `$ref`).
fn holders_media(
    doc: &Value,
    holder: &JsonPointer,
    sites: &mut Vec<ExampleSite>,
    schema_roots: &mut Vec<JsonPointer>,
) {
    let Some(node) = holder.resolve(doc).filter(|n| n.get("$ref").is_none()) else {
        return;
    };
    if node.get("schema").is_none() {
        return;
    }
    let schema = holder.join("schema");
    schema_roots.push(schema.clone());
    let mut examples = Vec::new();
    if node.get("example").is_some() {
        examples.push(ExampleRef::Inline {
            pointer: holder.join("example"),
        });
    }
    for entry_pointer in entries(doc, &holder.join("examples")) {
        let Some(entry) = entry_pointer.resolve(doc) else {
            continue;
        };
        let Ok((pointer, entry)) = refs::follow(doc, &entry_pointer, entry) else {
            continue;
        };
        let inline = entry.get("value").map(|_| pointer.join("value"));
        match entry.get("x-example-file").and_then(Value::as_str) {
            Some(target) => examples.push(ExampleRef::External {
                pointer: pointer.join("x-example-file"),
                target: target.to_string(),
                inline,
            }),
            None => {
                if let Some(pointer) = inline {
                    examples.push(ExampleRef::Inline { pointer });
                }
            }
        }
    }
    if !examples.is_empty() {
        sites.push(ExampleSite { schema, examples });
    }
}

/// `example` keywords inside a schema tree (not behind `$ref`, which is
/// walked from its component).
fn schema_examples(doc: &Value, pointer: &JsonPointer, sites: &mut Vec<ExampleSite>, depth: usize) {
    let Some(node) = pointer.resolve(doc).and_then(Value::as_object) else {
        return;
    };
    if depth > 64 || node.contains_key("$ref") {
        return;
    }
    if node.contains_key("example") {
        sites.push(ExampleSite {
            schema: pointer.clone(),
            examples: vec![ExampleRef::Inline {
                pointer: pointer.join("example"),
            }],
        });
    }
    for property in entries(doc, &pointer.join("properties")) {
        schema_examples(doc, &property, sites, depth + 1);
    }
    for key in ["items", "additionalProperties", "not"] {
        if node.get(key).is_some_and(Value::is_object) {
            schema_examples(doc, &pointer.join(key), sites, depth + 1);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = node.get(key).and_then(Value::as_array) {
            for index in 0..list.len() {
                schema_examples(doc, &pointer.join(key).join(index), sites, depth + 1);
            }
        }
    }
}
