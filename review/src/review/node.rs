//! A schema as the review reads it, on openapiv3's typed structs: a `$ref`
//! or a definition, with the few facets the change rules look at (shape,
//! nullability, properties, items, enum members, `additionalProperties`).

use std::collections::{BTreeMap, BTreeSet};

use graph_online_meetings_codegen::openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty,
};
use graph_online_meetings_codegen::spec::refs;
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::model::Extra;

/// The properties of an object schema, in file order.
pub(super) type Properties = IndexMap<String, ReferenceOr<Box<Schema>>>;

/// A schema: a reference to a component, or a definition.
#[derive(Clone, Copy, Debug)]
pub(super) enum Node<'a> {
    Ref(&'a str),
    Schema(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for Node<'a> {
    fn from(item: &'a ReferenceOr<Schema>) -> Self {
        match item {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Schema(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for Node<'a> {
    fn from(item: &'a ReferenceOr<Box<Schema>>) -> Self {
        match item {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Schema(schema),
        }
    }
}

/// The format keyword as written, if any.
fn format_name<T: Serialize>(format: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(known) => serde_json::to_value(known)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string)),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

impl<'a> Node<'a> {
    fn schema(self) -> Option<&'a Schema> {
        match self {
            Node::Ref(_) => None,
            Node::Schema(schema) => Some(schema),
        }
    }

    fn kind(self) -> Option<&'a SchemaKind> {
        self.schema().map(|s| &s.schema_kind)
    }

    /// The `type` keyword.
    pub(super) fn type_name(self) -> Option<&'a str> {
        Some(match self.kind()? {
            SchemaKind::Type(Type::String(_)) => "string",
            SchemaKind::Type(Type::Number(_)) => "number",
            SchemaKind::Type(Type::Integer(_)) => "integer",
            SchemaKind::Type(Type::Object(_)) => "object",
            SchemaKind::Type(Type::Array(_)) => "array",
            SchemaKind::Type(Type::Boolean(_)) => "boolean",
            SchemaKind::Any(any) => any.typ.as_deref()?,
            _ => return None,
        })
    }

    /// The `format` keyword.
    pub(super) fn format(self) -> Option<String> {
        match self.kind()? {
            SchemaKind::Type(Type::String(s)) => format_name(&s.format),
            SchemaKind::Type(Type::Number(n)) => format_name(&n.format),
            SchemaKind::Type(Type::Integer(i)) => format_name(&i.format),
            SchemaKind::Any(any) => any.format.clone(),
            _ => None,
        }
    }

    pub(super) fn nullable(self) -> bool {
        self.schema().is_some_and(|s| s.schema_data.nullable)
    }

    pub(super) fn description(self) -> Option<&'a str> {
        self.schema()?.schema_data.description.as_deref()
    }

    /// The properties, when the schema declares any.
    pub(super) fn properties(self) -> Option<&'a Properties> {
        let properties = match self.kind()? {
            SchemaKind::Type(Type::Object(object)) => &object.properties,
            SchemaKind::Any(any) => &any.properties,
            _ => return None,
        };
        (!properties.is_empty()).then_some(properties)
    }

    /// The names listed under `required`.
    pub(super) fn required(self) -> BTreeSet<String> {
        let list = match self.kind() {
            Some(SchemaKind::Type(Type::Object(object))) => &object.required,
            Some(SchemaKind::Any(any)) => &any.required,
            _ => return BTreeSet::new(),
        };
        list.iter().cloned().collect()
    }

    /// What `additionalProperties` says about properties the schema does not name.
    pub(super) fn extra(self) -> Extra {
        let additional = match self.kind() {
            Some(SchemaKind::Type(Type::Object(object))) => &object.additional_properties,
            Some(SchemaKind::Any(any)) => &any.additional_properties,
            _ => &None,
        };
        match additional {
            Some(AdditionalProperties::Any(false)) => Extra::Refused,
            None => Extra::Ignored,
            Some(_) => Extra::Kept,
        }
    }

    /// The schema of an array's items.
    pub(super) fn items(self) -> Option<Node<'a>> {
        match self.kind()? {
            SchemaKind::Type(Type::Array(array)) => array.items.as_ref().map(Node::from),
            SchemaKind::Any(any) => any.items.as_ref().map(Node::from),
            _ => None,
        }
    }

    /// The `enum` members as JSON values (null for a `null` member), when
    /// the schema lists any.
    pub(super) fn enum_members(self) -> Option<Vec<Value>> {
        fn values<T: Into<Value> + Clone>(members: &[Option<T>]) -> Vec<Value> {
            members
                .iter()
                .map(|m| m.clone().map_or(Value::Null, Into::into))
                .collect()
        }
        let members = match self.kind()? {
            SchemaKind::Type(Type::String(s)) => values(&s.enumeration),
            SchemaKind::Type(Type::Number(n)) => values(&n.enumeration),
            SchemaKind::Type(Type::Integer(i)) => values(&i.enumeration),
            SchemaKind::Type(Type::Boolean(b)) => values(&b.enumeration),
            SchemaKind::Any(any) => any.enumeration.clone(),
            _ => return None,
        };
        (!members.is_empty()).then_some(members)
    }

    /// The subschemas under `allOf`, `oneOf` or `anyOf`.
    pub(super) fn composition(self, keyword: &str) -> Option<&'a [ReferenceOr<Schema>]> {
        let list = match (self.kind()?, keyword) {
            (SchemaKind::AllOf { all_of }, "allOf") => all_of,
            (SchemaKind::OneOf { one_of }, "oneOf") => one_of,
            (SchemaKind::AnyOf { any_of }, "anyOf") => any_of,
            (SchemaKind::Any(any), "allOf") => &any.all_of,
            (SchemaKind::Any(any), "oneOf") => &any.one_of,
            (SchemaKind::Any(any), "anyOf") => &any.any_of,
            _ => return None,
        };
        (!list.is_empty()).then_some(list.as_slice())
    }

    /// The component this schema names, through `$ref` or a one-element
    /// `allOf` (the form this spec uses beside `nullable`).
    pub(super) fn ref_name(self) -> Option<String> {
        let reference = match self {
            Node::Ref(reference) => reference,
            Node::Schema(_) => match self.composition("allOf")? {
                [ReferenceOr::Reference { reference }]
                    if self.type_name().is_none() && self.properties().is_none() =>
                {
                    reference
                }
                _ => return None,
            },
        };
        refs::component_name(reference)
    }

    /// Shape as far as the generated type and the JSON are concerned;
    /// descriptions and examples are left out.
    pub(super) fn shape(self) -> String {
        if let Some(target) = self.ref_name() {
            return format!("`{target}`");
        }
        match self.type_name() {
            Some("array") => match self.items() {
                Some(items) => format!("array of {}", items.shape()),
                None => "array".to_string(),
            },
            Some("string") if self.enum_members().is_some() => "string enum".to_string(),
            Some(ty) => match self.format() {
                Some(format) => format!("{ty} ({format})"),
                None => ty.to_string(),
            },
            None if self.properties().is_some() => "object".to_string(),
            None => ["allOf", "oneOf", "anyOf"]
                .into_iter()
                .find(|keyword| self.composition(keyword).is_some())
                .map_or_else(
                    || "any value".to_string(),
                    |keyword| format!("{keyword} composition"),
                ),
        }
    }

    /// Whether every value of `self` is a value of `new`: a format dropped
    /// from the same type, or integer widened to number.
    pub(super) fn widens_to(self, new: Node<'_>) -> bool {
        match (self.type_name(), new.type_name()) {
            (Some("integer"), Some("number")) => new.format().is_none(),
            (Some(a), Some(b)) if a == b && a != "array" && a != "object" => {
                self.format().is_some() && new.format().is_none()
            }
            _ => false,
        }
    }

    /// The validation keywords that narrow the values of the type, with
    /// their values: `minLength`, `pattern`, `maximum`, `uniqueItems`…
    pub(super) fn constraints(self) -> BTreeMap<&'static str, Value> {
        let mut out = BTreeMap::new();
        let mut put = |keyword: &'static str, value: Option<Value>| {
            if let Some(value) = value {
                out.insert(keyword, value);
            }
        };
        let flag = |on: bool| on.then_some(Value::Bool(true));
        match self.kind() {
            Some(SchemaKind::Type(Type::String(s))) => {
                put("minLength", s.min_length.map(Value::from));
                put("maxLength", s.max_length.map(Value::from));
                put("pattern", s.pattern.clone().map(Value::from));
            }
            Some(SchemaKind::Type(Type::Number(n))) => {
                put("minimum", n.minimum.map(Value::from));
                put("maximum", n.maximum.map(Value::from));
                put("exclusiveMinimum", flag(n.exclusive_minimum));
                put("exclusiveMaximum", flag(n.exclusive_maximum));
                put("multipleOf", n.multiple_of.map(Value::from));
            }
            Some(SchemaKind::Type(Type::Integer(i))) => {
                put("minimum", i.minimum.map(Value::from));
                put("maximum", i.maximum.map(Value::from));
                put("exclusiveMinimum", flag(i.exclusive_minimum));
                put("exclusiveMaximum", flag(i.exclusive_maximum));
                put("multipleOf", i.multiple_of.map(Value::from));
            }
            Some(SchemaKind::Type(Type::Array(a))) => {
                put("minItems", a.min_items.map(Value::from));
                put("maxItems", a.max_items.map(Value::from));
                put("uniqueItems", flag(a.unique_items));
            }
            Some(SchemaKind::Type(Type::Object(o))) => {
                put("minProperties", o.min_properties.map(Value::from));
                put("maxProperties", o.max_properties.map(Value::from));
            }
            Some(SchemaKind::Any(any)) => {
                put("minLength", any.min_length.map(Value::from));
                put("maxLength", any.max_length.map(Value::from));
                put("pattern", any.pattern.clone().map(Value::from));
                put("minimum", any.minimum.map(Value::from));
                put("maximum", any.maximum.map(Value::from));
                put("exclusiveMinimum", any.exclusive_minimum.and_then(flag));
                put("exclusiveMaximum", any.exclusive_maximum.and_then(flag));
                put("multipleOf", any.multiple_of.map(Value::from));
                put("minItems", any.min_items.map(Value::from));
                put("maxItems", any.max_items.map(Value::from));
                put("uniqueItems", any.unique_items.and_then(flag));
                put("minProperties", any.min_properties.map(Value::from));
                put("maxProperties", any.max_properties.map(Value::from));
            }
            _ => {}
        }
        out
    }

    /// The `default` value.
    pub(super) fn default_value(self) -> Option<&'a Value> {
        self.schema()?.schema_data.default.as_ref()
    }

    /// `readOnly`, `writeOnly` and `deprecated`, in that order.
    pub(super) fn flags(self) -> [(&'static str, bool); 3] {
        let data = self.schema().map(|s| &s.schema_data);
        [
            ("readOnly", data.is_some_and(|d| d.read_only)),
            ("writeOnly", data.is_some_and(|d| d.write_only)),
            ("deprecated", data.is_some_and(|d| d.deprecated)),
        ]
    }

    /// The schema as JSON without documentation keywords, to compare what
    /// two schemas accept.
    pub(super) fn without_docs(self) -> Value {
        let json = match self {
            Node::Ref(reference) => serde_json::json!({ "$ref": reference }),
            Node::Schema(schema) => serde_json::to_value(schema).unwrap_or(Value::Null),
        };
        strip_docs(&json)
    }
}

fn strip_docs(node: &Value) -> Value {
    match node {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "description"
                            | "summary"
                            | "title"
                            | "example"
                            | "examples"
                            | "externalDocs"
                    )
                })
                .map(|(k, v)| (k.clone(), strip_docs(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}

/// Whether changing `keyword` from `old` to `new` refuses some value the old
/// schema accepted.
pub(super) fn tightens(keyword: &str, old: Option<&Value>, new: Option<&Value>) -> bool {
    let number = |v: Option<&Value>| v.and_then(Value::as_f64);
    match keyword {
        "minLength" | "minItems" | "minProperties" | "minimum" => {
            match (number(old), number(new)) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b > a,
            }
        }
        "maxLength" | "maxItems" | "maxProperties" | "maximum" => {
            match (number(old), number(new)) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b < a,
            }
        }
        // A new or different pattern or step may refuse old values; flags
        // tighten when they are turned on.
        _ => new.is_some() && old != new,
    }
}
