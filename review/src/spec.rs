//! Reading an OpenAPI 3.0 document as plain JSON: pointers, `$ref`s,
//! operations and which component schemas travel in requests or responses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The HTTP methods of a path item, in the order reports list them.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Parses YAML (or JSON, which is YAML) into a JSON value.
pub(crate) fn parse_yaml(text: &str) -> Result<Value, String> {
    serde_saphyr::from_str::<Value>(text).map_err(|err| {
        let message = err.to_string();
        match err.location() {
            Some(loc) if !message.contains(&format!("line {}", loc.line())) => {
                format!("line {}, column {}: {message}", loc.line(), loc.column())
            }
            _ => message,
        }
    })
}

/// Escapes one JSON pointer segment (RFC 6901).
pub(crate) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Appends one segment to a pointer.
pub(crate) fn join(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape(segment))
}

/// The pointer a local `$ref` names (`#/a/b` -> `/a/b`), or `None` for a
/// reference to another file.
pub(crate) fn ref_pointer(reference: &str) -> Option<&str> {
    reference.strip_prefix('#')
}

pub(crate) fn resolve<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        Some(doc)
    } else {
        doc.pointer(pointer)
    }
}

/// Follows a chain of `$ref`s from `pointer`; returns the final pointer and
/// node. Stops at a missing target or after 32 hops (a cycle).
pub(crate) fn follow<'a>(doc: &'a Value, pointer: &str) -> Option<(String, &'a Value)> {
    let mut pointer = pointer.to_string();
    let mut node = resolve(doc, &pointer)?;
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                pointer = ref_pointer(reference)?.to_string();
                node = resolve(doc, &pointer)?;
            }
            None => return Some((pointer, node)),
        }
    }
    None
}

/// `(kind, name)` of the component a pointer lies in, such as
/// `("schemas", "onlineMeeting")` for `/components/schemas/onlineMeeting/properties/id`.
pub(crate) fn component_of(pointer: &str) -> Option<(String, String)> {
    let mut segments = pointer.strip_prefix("/components/")?.split('/');
    let kind = segments.next()?;
    let name = segments.next()?;
    Some((unescape(kind), unescape(name)))
}

pub(crate) fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The pointer without its last segment.
pub(crate) fn parent_pointer(pointer: &str) -> String {
    pointer
        .rsplit_once('/')
        .map_or(String::new(), |(parent, _)| parent.to_string())
}

/// Orders pointers as a document reads: by segment, numbers by value.
pub(crate) fn compare_pointers(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |pointer: &str| -> Vec<(Option<u64>, String)> {
        pointer
            .split('/')
            .map(|s| (s.parse().ok(), s.to_string()))
            .collect()
    };
    key(a).cmp(&key(b))
}

/// The pointer as a `$ref` value: `#` and the pointer, percent-encoded
/// where a URI fragment needs it (RFC 6901 section 6).
pub(crate) fn pointer_fragment(pointer: &str) -> String {
    let mut out = String::from("#");
    for byte in pointer.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One operation of the document.
#[derive(Debug, Clone)]
pub(crate) struct Operation<'a> {
    pub path: String,
    pub method: &'static str,
    /// Pointer of the operation object.
    pub pointer: String,
    pub node: &'a Value,
    /// Pointer of the path item, for path-level parameters.
    pub item_pointer: String,
}

impl Operation<'_> {
    pub(crate) fn operation_id(&self) -> Option<&str> {
        self.node.get("operationId").and_then(Value::as_str)
    }

    /// `POST /users/{userId}/...`
    pub(crate) fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// The path with every parameter name blanked, so that renaming a path
    /// parameter keeps the operation's identity.
    pub(crate) fn shape_key(&self) -> String {
        format!("{} {}", self.method, path_shape(&self.path))
    }
}

/// `/users/{userId}/x` -> `/users/{}/x`.
pub(crate) fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push_str("{}");
            }
            '}' => in_braces = false,
            _ if in_braces => {}
            _ => out.push(c),
        }
    }
    out
}

/// Every operation, in document order.
pub(crate) fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let item_pointer = join("/paths", path);
        for method in METHODS {
            if let Some(node) = item.get(method).filter(|n| n.is_object()) {
                out.push(Operation {
                    path: path.clone(),
                    method,
                    pointer: join(&item_pointer, method),
                    node,
                    item_pointer: item_pointer.clone(),
                });
            }
        }
    }
    out
}

/// A parameter after following its `$ref`.
#[derive(Debug, Clone)]
pub(crate) struct Parameter<'a> {
    pub name: String,
    pub location: String,
    pub required: bool,
    /// Pointer of the resolved parameter object.
    pub pointer: String,
    pub node: &'a Value,
}

/// Path-level and operation-level parameters; the operation's win on the
/// same name and location, as OpenAPI says. Path parameters come first, in
/// the order they appear in the path template.
pub(crate) fn parameters<'a>(doc: &'a Value, op: &Operation<'a>) -> Vec<Parameter<'a>> {
    let mut by_key: BTreeMap<(String, String), Parameter<'a>> = BTreeMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    for list_pointer in [
        join(&op.item_pointer, "parameters"),
        join(&op.pointer, "parameters"),
    ] {
        let Some(list) = resolve(doc, &list_pointer).and_then(Value::as_array) else {
            continue;
        };
        for index in 0..list.len() {
            let Some((pointer, node)) = follow(doc, &format!("{list_pointer}/{index}")) else {
                continue;
            };
            let (Some(name), Some(location)) = (
                node.get("name").and_then(Value::as_str),
                node.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            let key_name = if location == "header" {
                name.to_ascii_lowercase()
            } else {
                name.to_string()
            };
            let key = (location.to_string(), key_name);
            if !by_key.contains_key(&key) {
                order.push(key.clone());
            }
            by_key.insert(
                key,
                Parameter {
                    name: name.to_string(),
                    location: location.to_string(),
                    required: location == "path"
                        || node
                            .get("required")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                    pointer,
                    node,
                },
            );
        }
    }
    let template = template_names(&op.path);
    let mut out: Vec<Parameter<'a>> = Vec::new();
    for name in &template {
        if let Some(p) = by_key.remove(&("path".to_string(), name.clone())) {
            out.push(p);
        }
    }
    out.extend(order.into_iter().filter_map(|key| by_key.remove(&key)));
    out
}

/// The names between braces in a path template, in order.
pub(crate) fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

/// Calls `visit` with the pointer of every `$ref` under `pointer`, skipping
/// example payloads (whose `$ref` keys are data, not references).
pub(crate) fn collect_refs(node: &Value, pointer: &str, visit: &mut dyn FnMut(&str, &str)) {
    walk_refs(node, pointer, None, None, visit);
}

fn walk_refs(
    node: &Value,
    pointer: &str,
    parent_key: Option<&str>,
    grandparent_key: Option<&str>,
    visit: &mut dyn FnMut(&str, &str),
) {
    match node {
        Value::Object(map) => {
            // Inside `properties` the keys are property names, not keywords.
            let keys_are_names = parent_key == Some("properties");
            for (key, value) in map {
                if !keys_are_names {
                    if key == "$ref" {
                        if let Some(target) = value.as_str() {
                            visit(&join(pointer, key), target);
                        }
                        continue;
                    }
                    // Example payloads and defaults are data.
                    if key == "example" || key == "default" || key == "enum" {
                        continue;
                    }
                    if key == "value" && grandparent_key == Some("examples") {
                        continue;
                    }
                }
                walk_refs(value, &join(pointer, key), Some(key), parent_key, visit);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                walk_refs(
                    value,
                    &format!("{pointer}/{index}"),
                    parent_key,
                    grandparent_key,
                    visit,
                );
            }
        }
        _ => {}
    }
}

/// Where each component schema travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub request: bool,
    pub response: bool,
}

impl Usage {
    pub(crate) fn union(self, other: Usage) -> Usage {
        Usage {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match (self.request, self.response) {
            (true, true) => "request and response",
            (true, false) => "request",
            (false, true) => "response",
            (false, false) => "unused",
        }
    }
}

/// Walks from every operation's parameters and request body (requests) and
/// its responses (responses) through `$ref`s, and returns the component
/// schemas reached from each side.
pub(crate) fn schema_usage(doc: &Value) -> BTreeMap<String, Usage> {
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for op in operations(doc) {
        for p in parameters(doc, &op) {
            request_roots.push(p.pointer.clone());
        }
        let body = join(&op.pointer, "requestBody");
        if resolve(doc, &body).is_some() {
            request_roots.push(body);
        }
        let responses = join(&op.pointer, "responses");
        if resolve(doc, &responses).is_some() {
            response_roots.push(responses);
        }
    }
    let request = reachable_schemas(doc, &request_roots);
    let response = reachable_schemas(doc, &response_roots);
    let mut usage: BTreeMap<String, Usage> = BTreeMap::new();
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for name in schemas.keys() {
            usage.insert(
                name.clone(),
                Usage {
                    request: request.contains(name),
                    response: response.contains(name),
                },
            );
        }
    }
    usage
}

/// Component schema names reachable from the given nodes.
fn reachable_schemas(doc: &Value, roots: &[String]) -> BTreeSet<String> {
    reachable_components(doc, roots)
        .into_iter()
        .filter(|(kind, _)| kind == "schemas")
        .map(|(_, name)| name)
        .collect()
}

/// Every component reachable through `$ref`s from the given nodes.
pub(crate) fn reachable_components(doc: &Value, roots: &[String]) -> BTreeSet<(String, String)> {
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: Vec<String> = Vec::new();
    let enqueue_refs = |node: &Value, pointer: &str, queue: &mut Vec<String>| {
        collect_refs(node, pointer, &mut |_, target| {
            if let Some(p) = ref_pointer(target) {
                queue.push(p.to_string());
            }
        });
    };
    for root in roots {
        if let Some(node) = resolve(doc, root) {
            if let Some(target) = node
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(ref_pointer)
            {
                queue.push(target.to_string());
            }
            enqueue_refs(node, root, &mut queue);
        }
    }
    while let Some(target) = queue.pop() {
        let Some(component) = component_of(&target) else {
            continue;
        };
        if !seen.insert(component.clone()) {
            continue;
        }
        let pointer = format!(
            "/components/{}/{}",
            escape(&component.0),
            escape(&component.1)
        );
        if let Some(node) = resolve(doc, &pointer) {
            enqueue_refs(node, &pointer, &mut queue);
        }
    }
    seen
}

/// `createOrGetUserOnlineMeeting` -> `create_or_get_user_online_meeting`,
/// `client-request-id` -> `client_request_id`: the names progenitor gives
/// methods and builder setters.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() {
                let prev = i.checked_sub(1).map(|j| chars[j]);
                let next = chars.get(i + 1);
                let boundary = match prev {
                    Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                    Some(p) if p.is_ascii_uppercase() => {
                        next.is_some_and(|n| n.is_ascii_lowercase())
                    }
                    _ => false,
                };
                if boundary && !out.is_empty() && !out.ends_with('_') {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// `onlineMeetingRole` -> `OnlineMeetingRole`: the names codegen gives open
/// enums and their variants, from the one implementation.
pub(crate) use graph_online_meetings_codegen::naming::type_name as pascal_case;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            snake_case("createOrGetUserOnlineMeeting"),
            "create_or_get_user_online_meeting"
        );
        assert_eq!(snake_case("client-request-id"), "client_request_id");
        assert_eq!(snake_case("Prefer"), "prefer");
        assert_eq!(snake_case("userID"), "user_id");
        assert_eq!(pascal_case("onlineMeetingRole"), "OnlineMeetingRole");
        assert_eq!(path_shape("/users/{userId}/x/{a}"), "/users/{}/x/{}");
        assert_eq!(template_names("/users/{userId}/x/{a}"), vec!["userId", "a"]);
    }
}
