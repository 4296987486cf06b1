//! The review's view of a loaded spec: operations as codegen's loader types
//! them, with their merged parameters, and where each component schema
//! travels. Pointers, `$ref`s and names all come from
//! [`graph_online_meetings_codegen::spec`] and its `naming`.

use std::collections::BTreeMap;

use graph_online_meetings_codegen::openapiv3::{Parameter, ParameterData, ReferenceOr};
use graph_online_meetings_codegen::spec::{JsonPointer, LoadedSpec, OperationRef, refs};

/// `POST /users/{userId}/...`
pub(crate) fn label(op: &OperationRef<'_>) -> String {
    format!("{} {}", op.method.to_uppercase(), op.path)
}

/// The method and the path with every parameter name blanked, so that
/// renaming a path parameter keeps the operation's identity.
pub(crate) fn shape_key(op: &OperationRef<'_>) -> String {
    let mut shape = String::with_capacity(op.path.len());
    let mut in_braces = false;
    for c in op.path.chars() {
        match c {
            '{' => {
                in_braces = true;
                shape.push_str("{}");
            }
            '}' => in_braces = false,
            _ if in_braces => {}
            _ => shape.push(c),
        }
    }
    format!("{} {shape}", op.method)
}

/// The typed definition behind `item` (found at `at`) and the pointer of
/// that definition: the component for a `$ref`, `at` itself otherwise.
/// `None` when the `$ref` does not resolve (the lint reports it).
pub(crate) fn located<'a, T: refs::Component>(
    spec: &'a LoadedSpec,
    at: &JsonPointer,
    item: &'a ReferenceOr<T>,
) -> Option<(JsonPointer, &'a T)> {
    let (component, definition) = spec.resolve(item).ok()?;
    let pointer = match component {
        Some(name) => JsonPointer::from_segments(["components", T::KIND, name]),
        None => at.clone(),
    };
    Some((pointer, definition))
}

/// A parameter after following its `$ref`.
#[derive(Debug, Clone)]
pub(crate) struct Param<'a> {
    /// `path`, `query`, `header` or `cookie`.
    pub location: &'static str,
    pub data: &'a ParameterData,
    /// Pointer of the parameter object (the component, for a `$ref`).
    pub pointer: JsonPointer,
}

impl Param<'_> {
    pub(crate) fn name(&self) -> &str {
        &self.data.name
    }

    /// Path parameters are always required.
    pub(crate) fn required(&self) -> bool {
        self.location == "path" || self.data.required
    }

    /// Where OpenAPI says two parameters are the same: location and name,
    /// header names without case.
    pub(crate) fn key(&self) -> (&'static str, String) {
        let name = if self.location == "header" {
            self.data.name.to_ascii_lowercase()
        } else {
            self.data.name.clone()
        };
        (self.location, name)
    }
}

/// Path-level and operation-level parameters; the operation's win on the
/// same name and location, as OpenAPI says. Path parameters come first, in
/// the order they appear in the path template. A parameter whose `$ref`
/// does not resolve is left out (the lint reports it).
pub(crate) fn parameters<'a>(spec: &'a LoadedSpec, op: &OperationRef<'a>) -> Vec<Param<'a>> {
    let mut by_key: BTreeMap<(&'static str, String), Param<'a>> = BTreeMap::new();
    let mut order = Vec::new();
    let lists = [
        (
            JsonPointer::from_segments(["paths", op.path]),
            &op.item.parameters,
        ),
        (op.pointer(), &op.operation.parameters),
    ];
    for (holder, list) in lists {
        for (index, item) in list.iter().enumerate() {
            let at = holder.join("parameters").join(index);
            let Some((pointer, parameter)) = located(spec, &at, item) else {
                continue;
            };
            let (location, data) = match parameter {
                Parameter::Query { parameter_data, .. } => ("query", parameter_data),
                Parameter::Header { parameter_data, .. } => ("header", parameter_data),
                Parameter::Path { parameter_data, .. } => ("path", parameter_data),
                Parameter::Cookie { parameter_data, .. } => ("cookie", parameter_data),
            };
            let param = Param {
                location,
                data,
                pointer,
            };
            let key = param.key();
            if !by_key.contains_key(&key) {
                order.push(key.clone());
            }
            by_key.insert(key, param);
        }
    }
    let mut out: Vec<Param<'a>> = template_names(op.path)
        .filter_map(|name| by_key.remove(&("path", name.to_string())))
        .collect();
    out.extend(order.into_iter().filter_map(|key| by_key.remove(&key)));
    out
}

/// The names between braces in a path template, in order.
fn template_names(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
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
/// its responses (responses) through `$ref`s, and returns where each
/// component schema is reached from.
pub(crate) fn schema_usage(spec: &LoadedSpec) -> BTreeMap<String, Usage> {
    let mut request_roots = Vec::new();
    let mut response_roots = Vec::new();
    for op in spec.operations() {
        request_roots.extend(parameters(spec, &op).into_iter().map(|p| p.pointer));
        if op.operation.request_body.is_some() {
            request_roots.push(op.pointer().join("requestBody"));
        }
        response_roots.push(op.pointer().join("responses"));
    }
    let schemas = |roots: &[JsonPointer]| -> Vec<String> {
        refs::reachable_components(&spec.json, roots)
            .into_iter()
            .filter(|(kind, _)| kind == "schemas")
            .map(|(_, name)| name)
            .collect()
    };
    let (request, response) = (schemas(&request_roots), schemas(&response_roots));
    spec.openapi
        .components
        .iter()
        .flat_map(|components| components.schemas.keys())
        .map(|name| {
            let usage = Usage {
                request: request.contains(name),
                response: response.contains(name),
            };
            (name.clone(), usage)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use graph_online_meetings_codegen::read_spec;

    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /users/{userId}/items/{itemId}:
    parameters:
      - {name: Prefer, in: header, schema: {type: string}}
      - $ref: '#/components/parameters/itemId'
    post:
      operationId: postItem
      parameters:
        - {name: userId, in: path, required: true, schema: {$ref: '#/components/schemas/id'}}
        - {name: prefer, in: header, required: true, schema: {type: string}}
      requestBody:
        content: {application/json: {schema: {$ref: '#/components/schemas/body'}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/out'}}}}
components:
  parameters:
    itemId: {name: itemId, in: path, required: true, schema: {type: string}}
  schemas:
    id: {type: string}
    body: {type: object, properties: {shared: {$ref: '#/components/schemas/shared'}}}
    out: {type: object, properties: {shared: {$ref: '#/components/schemas/shared'}}}
    shared: {type: string}
    unused: {type: string}
"#;

    #[test]
    fn parameters_merge_by_location_and_name_path_first() {
        let spec = read_spec(SPEC, "spec.yaml").unwrap();
        let op = spec.operations()[0];
        assert_eq!(label(&op), "POST /users/{userId}/items/{itemId}");
        assert_eq!(shape_key(&op), "post /users/{}/items/{}");
        let params = parameters(&spec, &op);
        let seen: Vec<(&str, &str, bool, &str)> = params
            .iter()
            .map(|p| (p.location, p.name(), p.required(), p.pointer.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "path",
                    "userId",
                    true,
                    "/paths/~1users~1{userId}~1items~1{itemId}/post/parameters/0"
                ),
                ("path", "itemId", true, "/components/parameters/itemId"),
                // The operation's `prefer` replaces the path item's `Prefer`.
                (
                    "header",
                    "prefer",
                    true,
                    "/paths/~1users~1{userId}~1items~1{itemId}/post/parameters/1"
                ),
            ]
        );
    }

    #[test]
    fn usage_follows_refs_from_each_side() {
        let spec = read_spec(SPEC, "spec.yaml").unwrap();
        let usage = schema_usage(&spec);
        let of = |name: &str| usage[name].label();
        assert_eq!(of("id"), "request");
        assert_eq!(of("body"), "request");
        assert_eq!(of("out"), "response");
        assert_eq!(of("shared"), "request and response");
        assert_eq!(of("unused"), "unused");
    }
}
