//! One YAML parse that yields both the JSON tree and where each node came
//! from, so that any finding about a pointer can also name a line.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;

use super::JsonPointer;

/// A 1-based line and column in the spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Where each node of the document starts, by JSON pointer.
#[derive(Debug, Clone, Default)]
pub struct Positions(BTreeMap<JsonPointer, Position>);

impl Positions {
    /// Where the node at `pointer` starts; for a pointer into a node the
    /// tree does not hold (an example's inside, say), its nearest ancestor.
    pub fn of(&self, pointer: &JsonPointer) -> Option<Position> {
        let mut segments: Vec<String> = pointer.segments().collect();
        loop {
            if let Some(found) = self.0.get(&JsonPointer::from_segments(&segments)) {
                return Some(*found);
            }
            segments.pop()?;
        }
    }
}

/// Parses YAML text into a JSON tree and the position of every node.
pub(crate) fn parse(text: &str) -> Result<(Value, Positions), serde_saphyr::Error> {
    let root: Spanned<Node> = serde_saphyr::from_str(text)?;
    let mut positions = Positions::default();
    let at = position(&root.referenced);
    let value = into_value(root.value, at, JsonPointer::root(), &mut positions);
    Ok((value, positions))
}

fn position(location: &serde_saphyr::Location) -> Position {
    Position {
        line: location.line(),
        column: location.column(),
    }
}

/// A mapping entry is placed at its key, where a reader looks for it; a
/// sequence item at its value.
fn into_value(node: Node, start: Position, at: JsonPointer, positions: &mut Positions) -> Value {
    positions.0.insert(at.clone(), start);
    match node {
        Node::Scalar(value) => value,
        Node::Seq(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    let start = position(&item.referenced);
                    into_value(item.value, start, at.join(index), positions)
                })
                .collect(),
        ),
        Node::Map(entries) => {
            let mut map = Map::new();
            for (key, item) in entries {
                let start = position(&key.referenced);
                let value = into_value(item.value, start, at.join(&key.value), positions);
                map.insert(key.value, value);
            }
            Value::Object(map)
        }
    }
}

/// A YAML node with its children's positions.
enum Node {
    Scalar(Value),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
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
        f.write_str("a YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Bool(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Number(value.into())))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Number(value.into())))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Node, E> {
        Number::from_f64(value)
            .map(|n| Node::Scalar(Value::Number(n)))
            .ok_or_else(|| E::custom(format!("{value} is not a JSON number")))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(value.to_string())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(value)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_has_its_line() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      tags: [x, b]\n";
        let (value, positions) = parse(text).unwrap();
        assert_eq!(value["paths"]["/a"]["get"]["tags"][1], "b");
        let at = |segments: &[&str]| positions.of(&JsonPointer::from_segments(segments)).unwrap();
        assert_eq!(at(&["openapi"]).line, 1);
        assert_eq!(at(&["paths", "/a"]), Position { line: 3, column: 3 });
        assert_eq!(
            at(&["paths", "/a", "get", "tags", "1"]),
            Position {
                line: 5,
                column: 17
            }
        );
        // A pointer below what the tree holds falls back to its ancestor.
        assert_eq!(at(&["paths", "/a", "get", "tags", "1", "deeper"]).line, 5);
    }
}
