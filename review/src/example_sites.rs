//! Where the examples of a spec sit, and the schema each must match.

use serde_json::Value;

use crate::spec::{self, join, resolve};

pub(crate) enum ExampleRef {
    /// An inline value: `example`, or an Example Object's `value`.
    Inline { pointer: String },
    /// An Example Object's `x-example-file`, with its inline `value` if any.
    External {
        pointer: String,
        target: String,
        inline: Option<String>,
    },
}

/// A schema and the examples that must match it.
pub(crate) struct ExampleSite {
    pub schema: String,
    pub examples: Vec<ExampleRef>,
}

/// Every place an example can sit: media types, parameters and headers (with
/// their schema), and `example` inside schemas.
pub(crate) fn example_sites(doc: &Value) -> Vec<ExampleSite> {
    let mut sites = Vec::new();
    let mut holders: Vec<String> = Vec::new();
    let mut bodies: Vec<String> = Vec::new();
    let mut responses: Vec<String> = Vec::new();
    let mut schema_roots: Vec<String> = Vec::new();

    let components = |kind: &str| -> Vec<String> {
        doc.pointer(&format!("/components/{kind}"))
            .and_then(Value::as_object)
            .map(|m| {
                m.keys()
                    .map(|k| join(&format!("/components/{kind}"), k))
                    .collect()
            })
            .unwrap_or_default()
    };
    holders.extend(components("parameters"));
    holders.extend(components("headers"));
    bodies.extend(components("requestBodies"));
    responses.extend(components("responses"));
    schema_roots.extend(components("schemas"));
    for op in spec::operations(doc) {
        for list in [
            join(&op.item_pointer, "parameters"),
            join(&op.pointer, "parameters"),
        ] {
            if let Some(items) = resolve(doc, &list).and_then(Value::as_array) {
                holders.extend((0..items.len()).map(|i| format!("{list}/{i}")));
            }
        }
        bodies.push(join(&op.pointer, "requestBody"));
        if let Some(codes) =
            resolve(doc, &join(&op.pointer, "responses")).and_then(Value::as_object)
        {
            responses.extend(
                codes
                    .keys()
                    .map(|code| join(&join(&op.pointer, "responses"), code)),
            );
        }
    }
    let media_types = |pointer: &str| -> Vec<String> {
        resolve(doc, &join(pointer, "content"))
            .and_then(Value::as_object)
            .map(|m| {
                m.keys()
                    .map(|k| join(&join(pointer, "content"), k))
                    .collect()
            })
            .unwrap_or_default()
    };
    for body in &bodies {
        holders.extend(media_types(body));
    }
    for response in &responses {
        holders.extend(media_types(response));
        if let Some(headers) = resolve(doc, &join(response, "headers")).and_then(Value::as_object) {
            holders.extend(headers.keys().map(|h| join(&join(response, "headers"), h)));
        }
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
    holder: &str,
    sites: &mut Vec<ExampleSite>,
    schema_roots: &mut Vec<String>,
) {
    let Some(node) = resolve(doc, holder).filter(|n| n.get("$ref").is_none()) else {
        return;
    };
    if node.get("schema").is_none() {
        return;
    }
    let schema = join(holder, "schema");
    schema_roots.push(schema.clone());
    let mut examples = Vec::new();
    if node.get("example").is_some() {
        examples.push(ExampleRef::Inline {
            pointer: join(holder, "example"),
        });
    }
    if let Some(map) = node.get("examples").and_then(Value::as_object) {
        for name in map.keys() {
            let entry_pointer = join(&join(holder, "examples"), name);
            let Some((pointer, entry)) = spec::follow(doc, &entry_pointer) else {
                continue;
            };
            let inline = entry.get("value").map(|_| join(&pointer, "value"));
            match entry.get("x-example-file").and_then(Value::as_str) {
                Some(target) => examples.push(ExampleRef::External {
                    pointer: join(&pointer, "x-example-file"),
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
    }
    if !examples.is_empty() {
        sites.push(ExampleSite { schema, examples });
    }
}

/// `example` keywords inside a schema tree (not behind `$ref`, which is
/// walked from its component).
fn schema_examples(doc: &Value, pointer: &str, sites: &mut Vec<ExampleSite>, depth: usize) {
    let Some(node) = resolve(doc, pointer).and_then(Value::as_object) else {
        return;
    };
    if depth > 64 || node.contains_key("$ref") {
        return;
    }
    if node.contains_key("example") {
        sites.push(ExampleSite {
            schema: pointer.to_string(),
            examples: vec![ExampleRef::Inline {
                pointer: join(pointer, "example"),
            }],
        });
    }
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        for name in properties.keys() {
            schema_examples(
                doc,
                &join(&join(pointer, "properties"), name),
                sites,
                depth + 1,
            );
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if node.get(key).is_some_and(Value::is_object) {
            schema_examples(doc, &join(pointer, key), sites, depth + 1);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = node.get(key).and_then(Value::as_array) {
            for index in 0..list.len() {
                schema_examples(doc, &format!("{pointer}/{key}/{index}"), sites, depth + 1);
            }
        }
    }
}
