//! JSON pointers (RFC 6901), the one way every tool names a place in the spec.

use std::cmp::Ordering;
use std::fmt;

use serde_json::Value;

/// A JSON pointer such as `/components/schemas/onlineMeeting`, kept escaped.
/// `Display` writes it as is; [`JsonPointer::fragment`] writes `#/...`, the
/// form a `$ref` uses. Pointers order as a document reads: segment by
/// segment, array indices by value (`/a/2` before `/a/10`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct JsonPointer(String);

impl JsonPointer {
    /// The whole document.
    pub fn root() -> Self {
        Self::default()
    }

    /// Builds a pointer from unescaped segments.
    pub fn from_segments<S: AsRef<str>>(segments: impl IntoIterator<Item = S>) -> Self {
        let mut pointer = Self::root();
        for segment in segments {
            pointer.push(segment.as_ref());
        }
        pointer
    }

    /// Reads an already escaped pointer (`/a/b~1c`), or `None` when it does
    /// not start with `/` and is not empty.
    pub fn parse(text: &str) -> Option<Self> {
        (text.is_empty() || text.starts_with('/')).then(|| Self(text.to_string()))
    }

    /// The pointer of a local `$ref` (`#/components/...`); `None` for a
    /// reference to another file.
    pub fn from_ref(reference: &str) -> Option<Self> {
        Self::parse(reference.strip_prefix('#')?)
    }

    /// Appends one unescaped segment.
    pub fn push(&mut self, segment: &str) {
        self.0.push('/');
        self.0.push_str(&escape(segment));
    }

    /// This pointer with one more unescaped segment.
    pub fn join(&self, segment: impl fmt::Display) -> Self {
        let mut next = self.clone();
        next.push(&segment.to_string());
        next
    }

    /// The unescaped segments.
    pub fn segments(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(unescape)
    }

    /// The last unescaped segment, if any.
    pub fn last(&self) -> Option<String> {
        self.segments().last()
    }

    /// The escaped pointer text, `""` for the root.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `#/...`, as a `$ref` writes it and as messages show it.
    pub fn fragment(&self) -> String {
        format!("#{}", self.0)
    }

    /// `#/...` percent-encoded where a URI fragment needs it (RFC 6901
    /// section 6), for `$ref`s that a URI parser reads, such as JSON Schema's.
    pub fn uri_fragment(&self) -> String {
        let mut out = String::from("#");
        for byte in self.0.bytes() {
            if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&byte) {
                out.push(byte as char);
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
        out
    }

    /// The pointer without its last segment; `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        let (parent, _) = self.0.rsplit_once('/')?;
        Some(Self(parent.to_string()))
    }

    /// The pointer with `prefix` replaced by `with`, when it lies inside `prefix`.
    pub fn rebase(&self, prefix: &JsonPointer, with: &JsonPointer) -> Option<Self> {
        let rest = self.0.strip_prefix(prefix.as_str())?;
        (rest.is_empty() || rest.starts_with('/')).then(|| Self(format!("{}{rest}", with.0)))
    }

    /// Whether `self` is `other` or lies inside it.
    pub fn starts_with(&self, other: &JsonPointer) -> bool {
        self.0 == other.0 || self.0.starts_with(&format!("{}/", other.0))
    }

    /// The node this pointer names in `doc`.
    pub fn resolve<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        doc.pointer(&self.0)
    }

    /// `(kind, name)` when the pointer names a component, such as
    /// `("schemas", "onlineMeeting")` for `/components/schemas/onlineMeeting`.
    pub fn component(&self) -> Option<(String, String)> {
        let segments: Vec<String> = self.segments().collect();
        match segments.as_slice() {
            [components, kind, name] if components == "components" => {
                Some((kind.clone(), name.clone()))
            }
            _ => None,
        }
    }
}

impl Ord for JsonPointer {
    fn cmp(&self, other: &Self) -> Ordering {
        let key = |pointer: &str| -> Vec<(Option<u64>, String)> {
            pointer
                .split('/')
                .map(|s| (s.parse().ok(), s.to_string()))
                .collect()
        };
        key(&self.0).cmp(&key(&other.0))
    }
}

impl PartialOrd for JsonPointer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Escapes one segment: `~` -> `~0`, `/` -> `~1`.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_round_trip_through_escaping() {
        let pointer =
            JsonPointer::from_segments(["paths", "/me/onlineMeetings/createOrGet", "post"]);
        assert_eq!(
            pointer.as_str(),
            "/paths/~1me~1onlineMeetings~1createOrGet/post"
        );
        assert_eq!(
            pointer.fragment(),
            "#/paths/~1me~1onlineMeetings~1createOrGet/post"
        );
        assert_eq!(
            pointer.segments().collect::<Vec<_>>(),
            ["paths", "/me/onlineMeetings/createOrGet", "post"]
        );
        assert_eq!(JsonPointer::root().join("a~b").as_str(), "/a~0b");
    }

    #[test]
    fn parents_order_and_uri_fragments() {
        let pointer = JsonPointer::from_segments(["paths", "/users/{userId}", "post"]);
        assert_eq!(
            pointer.parent().unwrap().as_str(),
            "/paths/~1users~1{userId}"
        );
        assert_eq!(JsonPointer::root().parent(), None);
        assert_eq!(pointer.uri_fragment(), "#/paths/~1users~1%7BuserId%7D/post");
        let mut sorted = [
            JsonPointer::parse("/a/10").unwrap(),
            JsonPointer::parse("/a/2").unwrap(),
            JsonPointer::parse("/a").unwrap(),
        ];
        sorted.sort();
        assert_eq!(
            sorted.iter().map(JsonPointer::as_str).collect::<Vec<_>>(),
            ["/a", "/a/2", "/a/10"]
        );
        let moved = JsonPointer::parse("/x/y/z").unwrap().rebase(
            &JsonPointer::parse("/x").unwrap(),
            &JsonPointer::parse("/q").unwrap(),
        );
        assert_eq!(moved.unwrap().as_str(), "/q/y/z");
        assert_eq!(
            JsonPointer::parse("/xy")
                .unwrap()
                .rebase(&JsonPointer::parse("/x").unwrap(), &JsonPointer::root()),
            None
        );
    }

    #[test]
    fn refs_and_components() {
        let pointer = JsonPointer::from_ref("#/components/schemas/onlineMeeting").unwrap();
        assert_eq!(
            pointer.component(),
            Some(("schemas".to_string(), "onlineMeeting".to_string()))
        );
        assert_eq!(JsonPointer::from_ref("other.yaml#/a"), None);
        assert!(pointer.starts_with(&JsonPointer::from_segments(["components"])));
        assert!(!pointer.starts_with(&JsonPointer::from_segments(["comp"])));
    }
}
