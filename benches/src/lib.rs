//! Synthetic specs for the generation benchmarks.
//!
//! [`synthetic_spec`] makes a spec `n` times the size of ours by cloning its
//! paths and its components `n` times: copy 1 is our spec unchanged, copy
//! `k >= 2` has every component renamed with the suffix `Copy{k}` (so
//! `onlineMeeting` becomes `onlineMeetingCopy2`), every `$ref` inside the
//! copy pointed at the copy's own components, every path prefixed with
//! `/copy{k}` and every operationId suffixed with `Copy{k}`, and without the
//! string constraints only our hand-written layer enforces. The result is a
//! valid spec that progenitor turns into `n` times the types and methods; it
//! depends only on our spec and `n`, so every run benchmarks the same input.
//!
//! The YAML is read into [`Node`], which keeps mappings in document order
//! (serde_json's map would sort them), and written back with serde-saphyr.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// The component sections whose entries are copied under new names. The
/// security schemes are shared: operations name them, they do not `$ref`
/// them.
pub const RENAMED_SECTIONS: [&str; 8] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "links",
    "callbacks",
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The workspace root (this crate lives one level below it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the benches crate has a parent folder")
        .to_path_buf()
}

/// Our spec's text, read from the workspace.
pub fn our_spec() -> String {
    let path = workspace_root().join(graph_online_meetings_codegen::SPEC_PATH);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// A YAML node whose mappings keep their order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match self {
            Node::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(String, Node)] {
        match self {
            Node::Map(entries) => entries,
            _ => &[],
        }
    }

    fn entries_mut(&mut self) -> Option<&mut Vec<(String, Node)>> {
        match self {
            Node::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// How many nodes (mappings, sequences and scalars) this tree holds:
    /// what serde-saphyr's `max_nodes` budget counts.
    pub fn count(&self) -> usize {
        1 + match self {
            Node::Seq(items) => items.iter().map(Node::count).sum(),
            Node::Map(entries) => entries.iter().map(|(_, v)| 1 + v.count()).sum(),
            _ => 0,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::UInt(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let key = match key {
                Node::Str(s) => s,
                Node::Bool(b) => b.to_string(),
                Node::Int(i) => i.to_string(),
                Node::UInt(u) => u.to_string(),
                other => {
                    return Err(de::Error::custom(format!(
                        "unsupported mapping key {other:?}"
                    )));
                }
            };
            entries.push((key, map.next_value()?));
        }
        Ok(Node::Map(entries))
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Int(i) => serializer.serialize_i64(*i),
            Node::UInt(u) => serializer.serialize_u64(*u),
            Node::Float(f) => serializer.serialize_f64(*f),
            Node::Str(s) => serializer.serialize_str(s),
            Node::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// Reads YAML into a [`Node`].
pub fn parse(text: &str) -> Result<Node, String> {
    serde_saphyr::from_str(text).map_err(|err| err.to_string())
}

/// Writes a [`Node`] as YAML.
pub fn to_yaml(node: &Node) -> Result<String, String> {
    serde_saphyr::to_string(node).map_err(|err| err.to_string())
}

/// The size of a spec, in the units the benchmarks report per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecSize {
    /// Operations under `paths`.
    pub operations: usize,
    /// Entries of `components/schemas`.
    pub schemas: usize,
    /// YAML nodes (see [`Node::count`]).
    pub nodes: usize,
}

/// Counts the operations, component schemas and nodes of a spec.
pub fn spec_size(spec: &Node) -> SpecSize {
    let operations = spec
        .get("paths")
        .map(|paths| {
            paths
                .entries()
                .iter()
                .map(|(_, item)| METHODS.iter().filter(|m| item.get(m).is_some()).count())
                .sum()
        })
        .unwrap_or(0);
    let schemas = spec
        .get("components")
        .and_then(|c| c.get("schemas"))
        .map_or(0, |s| s.entries().len());
    SpecSize {
        operations,
        schemas,
        nodes: spec.count(),
    }
}

/// Our spec cloned `copies` times (see the crate docs). `copies == 1` gives
/// our spec back, as a tree.
pub fn synthetic(spec: &Node, copies: usize) -> Node {
    assert!(copies >= 1, "a synthetic spec needs at least one copy");
    let mut out = spec.clone();
    let original_paths = spec.get("paths").map(Node::entries).unwrap_or_default();
    let original_components = spec.get("components");
    for k in 2..=copies {
        let suffix = format!("Copy{k}");
        if let Some(paths) = out.get_mut("paths").and_then(Node::entries_mut) {
            for (path, item) in original_paths {
                let mut item = item.clone();
                rewrite_refs(&mut item, &suffix);
                for method in METHODS {
                    if let Some(Node::Str(id)) = item
                        .get_mut(method)
                        .and_then(|op| op.get_mut("operationId"))
                    {
                        id.push_str(&suffix);
                    }
                }
                paths.push((format!("/copy{k}{path}"), item));
            }
        }
        let Some(original_components) = original_components else {
            continue;
        };
        let Some(components) = out.get_mut("components") else {
            continue;
        };
        for section in RENAMED_SECTIONS {
            let Some(original) = original_components.get(section) else {
                continue;
            };
            let Some(entries) = components.get_mut(section).and_then(Node::entries_mut) else {
                continue;
            };
            for (name, value) in original.entries() {
                let mut value = value.clone();
                rewrite_refs(&mut value, &suffix);
                if section == "schemas" {
                    drop_client_enforced_constraints(name, &mut value);
                }
                entries.push((format!("{name}{suffix}"), value));
            }
        }
    }
    out
}

/// A copy has no hand-written layer, so the constraints codegen hides only
/// because ours enforces them (`typify_view::ENFORCED_BY_CLIENT`) are left
/// out of the copy of schema `name`; codegen would refuse them there.
fn drop_client_enforced_constraints(name: &str, schema: &mut Node) {
    let prefix = format!("/components/schemas/{name}/");
    for (pointer, keyword) in graph_online_meetings_codegen::typify_view::ENFORCED_BY_CLIENT {
        let Some(rest) = pointer.strip_prefix(&prefix) else {
            continue;
        };
        let mut node = Some(&mut *schema);
        for segment in rest.split('/') {
            node = node.and_then(|n| n.get_mut(segment));
        }
        if let Some(entries) = node.and_then(Node::entries_mut) {
            entries.retain(|(key, _)| key != keyword);
        }
    }
}

/// Points every `$ref: '#/components/<section>/<name>...'` of a renamed
/// section at `<name><suffix>`.
fn rewrite_refs(node: &mut Node, suffix: &str) {
    match node {
        Node::Map(entries) => {
            for (key, value) in entries.iter_mut() {
                if key == "$ref" {
                    if let Node::Str(target) = value {
                        *target = renamed_ref(target, suffix);
                    }
                } else {
                    rewrite_refs(value, suffix);
                }
            }
        }
        Node::Seq(items) => items.iter_mut().for_each(|item| rewrite_refs(item, suffix)),
        _ => {}
    }
}

fn renamed_ref(target: &str, suffix: &str) -> String {
    let Some(rest) = target.strip_prefix("#/components/") else {
        return target.to_string();
    };
    let Some((section, rest)) = rest.split_once('/') else {
        return target.to_string();
    };
    if !RENAMED_SECTIONS.contains(&section) {
        return target.to_string();
    }
    match rest.split_once('/') {
        Some((name, deeper)) => format!("#/components/{section}/{name}{suffix}/{deeper}"),
        None => format!("#/components/{section}/{rest}{suffix}"),
    }
}

/// The YAML of our spec cloned `copies` times, with its size.
pub fn synthetic_spec_text(spec_text: &str, copies: usize) -> Result<(String, SpecSize), String> {
    let spec = parse(spec_text)?;
    let synthetic = synthetic(&spec, copies);
    let size = spec_size(&synthetic);
    Ok((to_yaml(&synthetic)?, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_of_renamed_sections_follow_the_copy() {
        assert_eq!(
            renamed_ref("#/components/schemas/onlineMeeting", "Copy2"),
            "#/components/schemas/onlineMeetingCopy2"
        );
        assert_eq!(
            renamed_ref("#/components/schemas/a/properties/b", "Copy3"),
            "#/components/schemas/aCopy3/properties/b"
        );
        assert_eq!(
            renamed_ref("#/components/securitySchemes/x", "Copy2"),
            "#/components/securitySchemes/x"
        );
    }

    #[test]
    fn our_spec_survives_the_round_trip_through_node() {
        let text = our_spec();
        let spec = parse(&text).unwrap();
        let yaml = to_yaml(&spec).unwrap();
        assert_eq!(parse(&yaml).unwrap(), spec);
        // One copy is our spec: the same Rust comes out.
        let generate = |text: &str| {
            graph_online_meetings_codegen::generate_from_str(text, "spec.yaml")
                .unwrap_or_else(|err| panic!("{err}"))
        };
        assert!(generate(&yaml) == generate(&text));
    }

    #[test]
    fn three_copies_have_three_times_everything_and_generate() {
        let text = our_spec();
        let one = spec_size(&parse(&text).unwrap());
        let (yaml, three) = synthetic_spec_text(&text, 3).unwrap();
        assert_eq!(three.operations, 3 * one.operations);
        assert_eq!(three.schemas, 3 * one.schemas);
        assert_eq!(spec_size(&parse(&yaml).unwrap()), three);
        let source = graph_online_meetings_codegen::generate_from_str(&yaml, "synthetic-x3.yaml")
            .unwrap_or_else(|err| panic!("{err}"));
        assert!(source.contains("OnlineMeetingCopy3"));
    }
}
