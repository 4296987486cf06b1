//! The spec as progenitor and typify are shown it.
//!
//! The committed spec is written for every OpenAPI 3.0.3 tool (validators,
//! Prism, Redocly, schemathesis); typify reads a few of its forms in ways
//! that would change or break the generated Rust. Two rewrites happen here,
//! on a copy, before generation; the spec itself and what lint and review
//! read stay as written.
//!
//! - **Nullable references.** 3.0.3 ignores `nullable` beside a bare `allOf`
//!   (no `type`), so the spec writes `anyOf: [{$ref: T}, {enum: [null]}]`:
//!   Microsoft's form, `anyOf: [{$ref: T}, {type: object, nullable: true}]`,
//!   with an alternative that admits only null (Microsoft's also admits any
//!   object, such as `"role": {}`, which Graph refuses). typify turns either
//!   into an awkward struct of two optional halves; shown `nullable: true,
//!   allOf: [{$ref: T}]` instead, it generates the plain `Option<T>`.
//! - **String constraints.** typify makes a string with `minLength`,
//!   `maxLength` or `pattern` a newtype (`pattern` also needs the `regress`
//!   crate), which changes the field's type and its builder. A constraint the
//!   hand-written layer enforces before sending is listed in
//!   [`ENFORCED_BY_CLIENT`] and kept out of typify's view, so the field stays
//!   a `String`; any other is refused with where it is and what to do.

use serde_json::{Map, Value};

use crate::error::ErrorKind;
use crate::spec::JsonPointer;

/// String constraints that `client/src/request.rs` (`MeetingRequest::validate`)
/// and the mock enforce, as (schema pointer, keyword). Only these may stand
/// in the spec; typify does not see them.
pub const ENFORCED_BY_CLIENT: &[(&str, &str)] = &[(
    "/components/schemas/createOrGetOnlineMeetingRequest/properties/externalId",
    "minLength",
)];

/// The keywords on which typify makes a string a constrained newtype.
const NEWTYPE_KEYWORDS: [&str; 3] = ["minLength", "maxLength", "pattern"];

/// The document progenitor generates from: `json` with the rewrites above,
/// or the first constraint typify cannot be shown.
pub(crate) fn prepare(json: &Value) -> Result<openapiv3::OpenAPI, ErrorKind> {
    let mut view = json.clone();
    let mut refused = None;
    visit_schemas(&mut view, &JsonPointer::root(), false, &mut |at, schema| {
        if refused.is_none() {
            refused = hide_enforced_constraints(at, schema).err();
        }
        rewrite_nullable_ref(schema);
    });
    if let Some(kind) = refused {
        return Err(kind);
    }
    <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&view)
        .map_err(|e| ErrorKind::NotOpenApi(e.to_string()))
}

/// `json` with each nullable reference in the `nullable: true, allOf:
/// [{$ref}]` form and nothing else changed: for tools that compare two
/// specs, so that a change between the two forms of the same meaning (such
/// as the move to the 3.0.3 form) is not taken for a change of type.
pub fn with_plain_nullable_refs(json: &Value) -> Value {
    let mut view = json.clone();
    visit_schemas(&mut view, &JsonPointer::root(), false, &mut |_, schema| {
        rewrite_nullable_ref(schema);
    });
    view
}

/// Calls `f` on every schema object of the document, parents first (a
/// schema's pointer is that of the original file: `f` may rewrite the
/// schema's own keys, and its children are visited as they are after that).
fn visit_schemas(
    node: &mut Value,
    at: &JsonPointer,
    is_schema: bool,
    f: &mut dyn FnMut(&JsonPointer, &mut Map<String, Value>),
) {
    match node {
        Value::Object(map) => {
            if is_schema {
                f(at, map);
            }
            for (key, child) in map.iter_mut() {
                // Example payloads are data, not schemas.
                if matches!(key.as_str(), "example" | "examples") {
                    continue;
                }
                let child_at = at.join(key);
                if is_schema {
                    match key.as_str() {
                        "properties" => {
                            if let Value::Object(properties) = child {
                                for (name, property) in properties.iter_mut() {
                                    visit_schemas(property, &child_at.join(name), true, f);
                                }
                            }
                        }
                        "items" | "additionalProperties" | "not" => {
                            visit_schemas(child, &child_at, true, f);
                        }
                        "allOf" | "anyOf" | "oneOf" => visit_schemas(child, &child_at, true, f),
                        _ => {}
                    }
                } else {
                    let schema_here = key == "schema"
                        || (at.as_str() == "/components/schemas" && child.is_object());
                    visit_schemas(child, &child_at, schema_here, f);
                }
            }
        }
        // The members of allOf/anyOf/oneOf.
        Value::Array(items) if is_schema => {
            for (index, item) in items.iter_mut().enumerate() {
                visit_schemas(item, &at.join(index), true, f);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                visit_schemas(item, &at.join(index), false, f);
            }
        }
        _ => {}
    }
}

fn hide_enforced_constraints(
    at: &JsonPointer,
    schema: &mut Map<String, Value>,
) -> Result<(), ErrorKind> {
    let is_string = schema.get("type").and_then(Value::as_str) == Some("string");
    for keyword in NEWTYPE_KEYWORDS {
        if !is_string || !schema.contains_key(keyword) {
            continue;
        }
        if ENFORCED_BY_CLIENT.contains(&(at.as_str(), keyword)) {
            schema.remove(keyword);
            continue;
        }
        return Err(ErrorKind::Unsupported {
            pointer: at.join(keyword),
            position: None,
            problem: refusal(keyword),
            fix: "state the rule in the property's description and leave the keyword out; if \
                  callers must be stopped before sending, check it in MeetingRequest::validate \
                  (client/src/request.rs) and in the mock, then list it in ENFORCED_BY_CLIENT \
                  (codegen/src/typify_view.rs)"
                .to_string(),
        });
    }
    Ok(())
}

fn refusal(keyword: &str) -> String {
    let newtype = "typify would make this string a constrained newtype, which changes the \
                   field's type and the builder callers pass a String to";
    if keyword == "pattern" {
        format!(
            "`pattern`: {newtype}, and its check needs the `regress` crate, which the client \
             does not depend on, so the generated code would not compile"
        )
    } else {
        format!("`{keyword}`: {newtype}; no hand-written check enforces it")
    }
}

/// `anyOf: [{$ref: T}, {enum: [null]}]` or Microsoft's `anyOf: [{$ref: T},
/// {type: object, nullable: true}]` (either order) -> `nullable: true,
/// allOf: [{$ref: T}]`; other keys stay.
fn rewrite_nullable_ref(schema: &mut Map<String, Value>) {
    let Some(Value::Array(members)) = schema.get("anyOf") else {
        return;
    };
    let [first, second] = members.as_slice() else {
        return;
    };
    let is_null_object = |v: &Value| {
        v.as_object().is_some_and(|m| {
            let only_null = m.len() == 1 && m.get("enum") == Some(&Value::Array(vec![Value::Null]));
            let microsofts = m.len() == 2
                && m.get("type").and_then(Value::as_str) == Some("object")
                && m.get("nullable") == Some(&Value::Bool(true));
            only_null || microsofts
        })
    };
    let is_ref = |v: &Value| {
        v.as_object()
            .is_some_and(|m| m.len() == 1 && m.contains_key("$ref"))
    };
    let reference = match (
        is_ref(first),
        is_null_object(second),
        is_null_object(first),
        is_ref(second),
    ) {
        (true, true, _, _) => first.clone(),
        (_, _, true, true) => second.clone(),
        _ => return,
    };
    schema.remove("anyOf");
    schema.insert("nullable".to_string(), Value::Bool(true));
    schema.insert("allOf".to_string(), Value::Array(vec![reference]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema_of(view: &openapiv3::OpenAPI, name: &str) -> Value {
        let schema = &view.components.as_ref().unwrap().schemas[name];
        serde_json::to_value(schema).unwrap()
    }

    fn doc(schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
               "components": {"schemas": schemas}})
    }

    #[test]
    fn nullable_refs_in_either_order_become_nullable_all_of() {
        let nothing = json!({"type": "object", "nullable": true});
        let only_null = json!({"enum": [null]});
        let reference = json!({"$ref": "#/components/schemas/b"});
        let view = prepare(&doc(json!({
            "a": {"type": "object", "properties": {
                "x": {"description": "d", "anyOf": [reference, only_null]},
                "y": {"type": "array", "items": {"anyOf": [nothing, reference]}}}},
            "b": {"type": "object"}
        })))
        .unwrap();
        let a = schema_of(&view, "a");
        let expected = json!({"description": "d", "nullable": true, "allOf": [reference]});
        assert_eq!(a["properties"]["x"], expected);
        assert_eq!(a["properties"]["y"]["items"]["nullable"], json!(true));
        assert_eq!(a["properties"]["y"]["items"]["allOf"], json!([reference]));
    }

    #[test]
    fn the_plain_form_for_comparisons_keeps_constraints() {
        let spec = doc(json!({"a": {"type": "object", "properties": {
            "x": {"anyOf": [{"$ref": "#/components/schemas/b"}, {"enum": [null]}]},
            "y": {"type": "string", "minLength": 1}}},
            "b": {"type": "object"}}));
        let plain = with_plain_nullable_refs(&spec);
        let a = &plain["components"]["schemas"]["a"]["properties"];
        assert_eq!(a["x"]["nullable"], json!(true));
        assert_eq!(a["y"], json!({"type": "string", "minLength": 1}));
    }

    #[test]
    fn other_any_ofs_are_left_alone() {
        let members = json!([{"$ref": "#/components/schemas/b"}, {"type": "string"}]);
        let view = prepare(&doc(json!({
            "a": {"anyOf": members}, "b": {"type": "object"}
        })))
        .unwrap();
        assert_eq!(schema_of(&view, "a")["anyOf"], members);
    }

    #[test]
    fn an_enforced_constraint_is_hidden_and_others_are_refused() {
        let spec = |keyword: &str| {
            doc(
                json!({"createOrGetOnlineMeetingRequest": {"type": "object", "properties": {
                "externalId": {"type": "string", keyword: 1}}}}),
            )
        };
        let view = prepare(&spec("minLength")).unwrap();
        let property =
            &schema_of(&view, "createOrGetOnlineMeetingRequest")["properties"]["externalId"];
        assert_eq!(property, &json!({"type": "string"}));
        let Err(ErrorKind::Unsupported { pointer, .. }) = prepare(&spec("maxLength")) else {
            panic!("maxLength is not enforced by the client");
        };
        assert_eq!(
            pointer.as_str(),
            "/components/schemas/createOrGetOnlineMeetingRequest/properties/externalId/maxLength"
        );
    }

    #[test]
    fn a_property_named_pattern_is_not_a_constraint() {
        let view = prepare(&doc(json!({"a": {"type": "object", "properties": {
            "pattern": {"type": "string"}, "minLength": {"type": "integer"}}}})));
        assert!(view.is_ok());
    }
}
