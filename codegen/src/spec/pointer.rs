//! JSON pointers (RFC 6901), the one way every tool names a place in the spec.

use std::fmt;

use serde_json::Value;

/// A JSON pointer such as `/components/schemas/onlineMeeting`, kept escaped.
/// `Display` writes it as is; [`JsonPointer::fragment`] writes `#/...`, the
/// form a `$ref` uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

    /// `#/...`, as a `$ref` writes it.
    pub fn fragment(&self) -> String {
        format!("#{}", self.0)
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
