//! Helpers shared by the snapshot tests: where the workspace files are, and
//! the check that a JSON round trip through the generated types lost nothing.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// Reads a workspace file as text, naming it when it cannot.
pub fn read_workspace_file(relative: &str) -> String {
    let path = workspace_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Parses a documented example under `spec/examples/`.
pub fn example(name: &str) -> Value {
    let text = read_workspace_file(&format!("spec/examples/{name}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("spec/examples/{name} is not JSON: {e}"))
}

/// Lists every non-null value of `original` that `round_tripped` lacks or
/// changed, by JSON pointer. Strings that both read as RFC 3339 date-times
/// are compared as instants, since the generated types re-serialize them in
/// their own format. Nulls may disappear: an absent optional property and a
/// null one mean the same to Graph.
pub fn lost_values(original: &Value, round_tripped: &Value) -> Vec<String> {
    let mut lost = Vec::new();
    compare(original, Some(round_tripped), &mut String::new(), &mut lost);
    lost
}

fn compare(original: &Value, after: Option<&Value>, pointer: &mut String, lost: &mut Vec<String>) {
    match (original, after) {
        (Value::Null, _) => {}
        (_, None) => lost.push(format!("{pointer}: missing, was {original}")),
        (Value::Object(map), Some(Value::Object(after_map))) => {
            for (key, value) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                compare(value, after_map.get(key), pointer, lost);
                pointer.truncate(len);
            }
        }
        (Value::Array(items), Some(Value::Array(after_items))) => {
            if items.len() != after_items.len() {
                lost.push(format!(
                    "{pointer}: {} items became {}",
                    items.len(),
                    after_items.len()
                ));
            }
            for (index, value) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{index}"));
                compare(value, after_items.get(index), pointer, lost);
                pointer.truncate(len);
            }
        }
        (Value::String(a), Some(Value::String(b))) if a != b => {
            match (
                chrono::DateTime::parse_from_rfc3339(a),
                chrono::DateTime::parse_from_rfc3339(b),
            ) {
                (Ok(x), Ok(y)) if x == y => {}
                _ => lost.push(format!("{pointer}: {a:?} became {b:?}")),
            }
        }
        (a, Some(b)) if a != b => lost.push(format!("{pointer}: {a} became {b}")),
        _ => {}
    }
}
