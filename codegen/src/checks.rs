//! Checks for the spec shapes on which progenitor 0.15 panics or generates
//! code that cannot work. They run before progenitor so that a contributor
//! gets the JSON pointer of the problem and what to write instead.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::ErrorKind;
use crate::spec::refs;
use crate::spec::{HTTP_METHODS, JsonPointer};

pub(crate) fn check(doc: &Value) -> Result<(), ErrorKind> {
    check_version(doc)?;
    check_refs(doc)?;
    check_string_enums(doc)?;
    check_operations(doc)
}

/// A string enum whose members are not all strings (an unquoted `yes`, `on`
/// or `1` reads as a boolean or a number) makes typify fail with a vague
/// "unexpected value type".
fn check_string_enums(doc: &Value) -> Result<(), ErrorKind> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    for (name, schema) in schemas {
        if schema.get("type").and_then(Value::as_str) != Some("string") {
            continue;
        }
        let Some(members) = schema.get("enum").and_then(Value::as_array) else {
            continue;
        };
        for (index, member) in members.iter().enumerate() {
            if !(member.is_string() || member.is_null()) {
                return Err(unsupported(
                    JsonPointer::from_segments(["components", "schemas", name, "enum"]).join(index),
                    format!("member {member} of the string enum `{name}` is not a string"),
                    "quote the member (YAML reads unquoted yes/no/on/off and numbers as other types)",
                ));
            }
        }
    }
    Ok(())
}

fn unsupported(pointer: JsonPointer, problem: impl Into<String>, fix: &str) -> ErrorKind {
    ErrorKind::Unsupported {
        pointer,
        position: None,
        problem: problem.into(),
        fix: fix.to_string(),
    }
}

fn at(segments: &[&str]) -> JsonPointer {
    JsonPointer::from_segments(segments)
}

fn check_version(doc: &Value) -> Result<(), ErrorKind> {
    let Some(root) = doc.as_object() else {
        return Err(unsupported(
            JsonPointer::root(),
            "the document is not a mapping",
            "start the file with `openapi: 3.0.3`, then `info`, `paths` and `components`",
        ));
    };
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) if v.starts_with("3.") => Err(unsupported(
            at(&["openapi"]),
            format!("OpenAPI {v} is not supported: progenitor reads OpenAPI 3.0.x only"),
            "declare `openapi: 3.0.3` and use 3.0 forms (`nullable: true` instead of a `null` \
             type, `example` instead of `examples` inside schemas)",
        )),
        Some(v) => Err(unsupported(
            at(&["openapi"]),
            format!("`openapi: {v}` is not an OpenAPI 3.0 version"),
            "declare `openapi: 3.0.3`",
        )),
        None => Err(unsupported(
            at(&["openapi"]),
            "the `openapi` version field is missing or not a string",
            "declare `openapi: 3.0.3` at the top of the file",
        )),
    }
}

/// Every `$ref` must point inside this document, at something that exists.
fn check_refs(doc: &Value) -> Result<(), ErrorKind> {
    let mut first = None;
    refs::each_ref(doc, &JsonPointer::root(), &mut |at, node| {
        if first.is_none()
            && let Err(error) = refs::follow(doc, at, node)
        {
            first = Some((at.join("$ref"), error));
        }
    });
    match first {
        Some((pointer, error)) => {
            let (problem, fix) = error.problem_and_fix();
            Err(unsupported(pointer, problem, fix))
        }
        None => Ok(()),
    }
}

/// Follows `$ref` chains; [`check_refs`] has already refused broken ones.
fn follow<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
    refs::follow(doc, &JsonPointer::root(), node).map_or(node, |(_, value)| value)
}

fn check_operations(doc: &Value) -> Result<(), ErrorKind> {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Err(unsupported(
            at(&["paths"]),
            "the document has no `paths` mapping",
            "add `paths:` with at least one operation",
        ));
    };
    let mut seen_ids: BTreeMap<String, JsonPointer> = BTreeMap::new();
    for (path, item) in paths {
        let item_pointer = at(&["paths", path]);
        if item.get("$ref").is_some() {
            return Err(unsupported(
                item_pointer.join("$ref"),
                "a path item given by `$ref` is not supported by progenitor",
                "write the path item inline",
            ));
        }
        for method in HTTP_METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let op_pointer = item_pointer.join(method);
            check_operation_id(operation, &op_pointer, &mut seen_ids)?;
            if let Some(body) = operation.get("requestBody") {
                check_request_body(doc, body, &op_pointer.join("requestBody"))?;
            }
            check_responses(doc, operation, &op_pointer)?;
        }
    }
    Ok(())
}

fn check_operation_id(
    operation: &Value,
    op_pointer: &JsonPointer,
    seen: &mut BTreeMap<String, JsonPointer>,
) -> Result<(), ErrorKind> {
    match operation.get("operationId").and_then(Value::as_str) {
        None | Some("") => Err(unsupported(
            op_pointer.clone(),
            "the operation has no operationId; progenitor names the Rust method after it",
            "add a unique camelCase `operationId`, such as `createOrGetMyOnlineMeeting`",
        )),
        Some(id) => match seen.insert(id.to_string(), op_pointer.clone()) {
            Some(first) => Err(unsupported(
                op_pointer.join("operationId"),
                format!(
                    "operationId `{id}` is also used at {}; each becomes one Rust method",
                    first.fragment()
                ),
                "give every operation its own operationId",
            )),
            None => Ok(()),
        },
    }
}

fn check_request_body(doc: &Value, body: &Value, pointer: &JsonPointer) -> Result<(), ErrorKind> {
    let body = follow(doc, body);
    let count = body
        .get("content")
        .and_then(Value::as_object)
        .map_or(0, |content| content.len());
    if count > 1 {
        let types: Vec<&str> = body["content"]
            .as_object()
            .map(|c| c.keys().map(String::as_str).collect())
            .unwrap_or_default();
        return Err(unsupported(
            pointer.join("content"),
            format!(
                "the request body offers {count} media types ({}); progenitor can generate only one",
                types.join(", ")
            ),
            "keep a single media type, `application/json`",
        ));
    }
    Ok(())
}

/// The body schema of a response as it would be generated: `None` for a
/// response without content.
fn response_schema<'a>(doc: &'a Value, response: &'a Value) -> Option<&'a Value> {
    let response = follow(doc, response);
    let content = response.get("content")?.as_object()?;
    content
        .values()
        .next()
        .and_then(|media| media.get("schema"))
}

fn check_responses(
    doc: &Value,
    operation: &Value,
    op_pointer: &JsonPointer,
) -> Result<(), ErrorKind> {
    let pointer = op_pointer.join("responses");
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        return Err(unsupported(
            pointer,
            "the operation has no `responses`",
            "declare the success response (for example `'200'`) and the error responses (`4XX`, `5XX`)",
        ));
    };
    let success: Vec<&String> = responses
        .keys()
        .filter(|code| code.starts_with('2'))
        .collect();
    if responses.contains_key("default") && !success.is_empty() {
        return Err(unsupported(
            pointer.join("default"),
            format!(
                "a `default` response beside {} makes progenitor panic: it counts `default` as \
                 both a success and an error",
                success
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "replace `default` with explicit `4XX` and `5XX` responses",
        ));
    }
    check_same_schema(doc, responses, &pointer, &success, "success (2xx)")?;
    let errors: Vec<&String> = responses
        .keys()
        .filter(|code| code.starts_with('4') || code.starts_with('5') || *code == "default")
        .collect();
    check_same_schema(doc, responses, &pointer, &errors, "error (4xx/5xx)")
}

fn check_same_schema(
    doc: &Value,
    responses: &serde_json::Map<String, Value>,
    pointer: &JsonPointer,
    codes: &[&String],
    kind: &str,
) -> Result<(), ErrorKind> {
    let Some((first, rest)) = codes.split_first() else {
        return Ok(());
    };
    let expected = response_schema(doc, &responses[first.as_str()]);
    for code in rest {
        let actual = response_schema(doc, &responses[code.as_str()]);
        if actual != expected {
            let describe = |schema: Option<&Value>| match schema {
                None => "no body".to_string(),
                Some(s) => match s.get("$ref").and_then(Value::as_str) {
                    Some(r) => format!("`{r}`"),
                    None => "an inline schema".to_string(),
                },
            };
            return Err(unsupported(
                pointer.join(code),
                format!(
                    "{kind} responses must share one body schema for progenitor: `{first}` has {} \
                     but `{code}` has {}",
                    describe(expected),
                    describe(actual)
                ),
                "give these responses the same schema (one `$ref`), or describe the difference \
                 in a description instead",
            ));
        }
    }
    Ok(())
}
