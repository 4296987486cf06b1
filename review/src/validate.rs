//! Checks an example value against a schema of the spec with OpenAPI 3.0.3
//! semantics, naming the JSON pointer of the offending value and of the spec
//! keyword it breaks.
//!
//! The checking is the `jsonschema` crate's, on the draft 2020-12
//! translation of [`crate::json_schema`]. What stays here is OpenAPI's
//! reading of `nullable` where JSON Schema has no word for it, and turning
//! each error back into the spec's pointers and our own words.

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind as Kind;
use serde_json::Value;

use crate::json_schema::Translation;
use graph_online_meetings_codegen::spec::JsonPointer;

/// One way an example breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// Pointer of the value inside the example (the root is the whole example).
    pub instance: JsonPointer,
    /// Pointer of the schema keyword.
    pub rule: JsonPointer,
    pub message: String,
}

/// How `nullable: true` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NullableReading {
    /// OpenAPI 3.0.3: `nullable: true` adds null to the type named by a
    /// `type` keyword in the same schema object, and does nothing without
    /// one; `enum`, `allOf` and the rest still apply to null.
    #[default]
    OpenApi303,
    /// The reading of progenitor/typify and of OpenAPI 3.0.0-3.0.2 tools:
    /// `nullable: true` accepts null whatever else the schema says (typify
    /// generates `Option<T>` for it).
    Progenitor,
}

pub(crate) struct Validator<'a> {
    doc: &'a Value,
    translation: Translation,
    nullable: NullableReading,
}

impl<'a> Validator<'a> {
    /// A validator for the schemas at `sites` (and the components).
    pub(crate) fn new(doc: &'a Value, sites: &[JsonPointer], nullable: NullableReading) -> Self {
        Self {
            doc,
            translation: Translation::new(doc, sites),
            nullable,
        }
    }

    /// Validates `value` against the schema at `schema_pointer`, one of the
    /// `sites` given to [`Validator::new`].
    pub(crate) fn validate(&self, value: &Value, schema_pointer: &JsonPointer) -> Vec<Violation> {
        let Some(schema) = self.translation.schema_for(schema_pointer) else {
            return vec![Violation {
                instance: JsonPointer::root(),
                rule: schema_pointer.clone(),
                message:
                    "the schema was not translated for checking (an internal error of the lint)"
                        .to_string(),
            }];
        };
        let validator = match jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
        {
            Ok(validator) => validator,
            Err(err) => {
                let at = self
                    .spec_pointer(err.instance_path().as_str())
                    .unwrap_or_else(|| schema_pointer.clone());
                return vec![Violation {
                    instance: JsonPointer::root(),
                    rule: at,
                    message: format!(
                        "the schema is not valid (read as JSON Schema draft 2020-12): {err}"
                    ),
                }];
            }
        };
        let errors: Vec<ValidationError<'_>> = validator.iter_errors(value).collect();
        // A value of the wrong type is reported for that alone, not also for
        // the keywords of the same schema that assume the type.
        let wrong_type: Vec<(&str, JsonPointer)> = errors
            .iter()
            .filter(|e| matches!(e.kind(), Kind::Type { .. }))
            .map(|e| {
                (
                    e.instance_path().as_str(),
                    parent(e.evaluation_path().as_str()),
                )
            })
            .collect();
        let mut out: Vec<Violation> = Vec::new();
        for error in &errors {
            let instance = error.instance_path().as_str();
            let evaluation = error.evaluation_path().as_str();
            if !matches!(error.kind(), Kind::Type { .. })
                && wrong_type.iter().any(|(at, node)| {
                    *at == instance && evaluation.starts_with(&format!("{node}/"))
                })
            {
                continue;
            }
            let mut found = self.describe(error);
            if error.instance().is_null() {
                match self.read_nullable(schema_pointer, &schema, evaluation) {
                    NullVerdict::Accepted => continue,
                    NullVerdict::Plain => {}
                    NullVerdict::WithoutType(outer) => {
                        found = found.into_iter().map(|v| without_type(&outer, v)).collect();
                    }
                }
            }
            for violation in found {
                if !out
                    .iter()
                    .any(|v| v.instance == violation.instance && v.rule == violation.rule)
                {
                    out.push(violation);
                }
            }
        }
        out.sort_by(|a, b| a.instance.cmp(&b.instance));
        out
    }

    fn spec_pointer(&self, translated: &str) -> Option<JsonPointer> {
        self.translation.to_spec(&JsonPointer::parse(translated)?)
    }

    /// What `nullable` says about a null that the translated schema refused,
    /// from the schemas that applied to it on the way (`evaluation`).
    fn read_nullable(&self, site: &JsonPointer, schema: &Value, evaluation: &str) -> NullVerdict {
        let applying = self.schemas_applying(site, schema, evaluation);
        let nodes = applying
            .iter()
            .filter_map(|pointer| Some((pointer, pointer.resolve(self.doc)?)));
        for (pointer, node) in nodes {
            if node.get("nullable").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            if self.nullable == NullableReading::Progenitor {
                return NullVerdict::Accepted;
            }
            if !node.get("type").is_some_and(Value::is_string) {
                return NullVerdict::WithoutType(pointer.clone());
            }
        }
        NullVerdict::Plain
    }

    /// Spec pointers of the schemas that applied to the instance an error is
    /// about, outermost first, by replaying its evaluation path (which goes
    /// through `$ref`s) over the translated document.
    fn schemas_applying(
        &self,
        site: &JsonPointer,
        schema: &Value,
        evaluation: &str,
    ) -> Vec<JsonPointer> {
        let mut segments = evaluation.split('/').filter(|s| !s.is_empty());
        let (Some(mut at), Some("$ref")) = (self.translation.to_translated(site), segments.next())
        else {
            return Vec::new();
        };
        let mut applying = vec![at.clone()];
        let mut keyword: Option<&str> = None;
        for segment in segments {
            let descends = keyword == Some("properties")
                || matches!(segment, "items" | "additionalProperties");
            let is_schema = descends
                || matches!(keyword, Some("allOf" | "anyOf" | "oneOf"))
                || matches!(segment, "not" | "$ref");
            if segment == "$ref" {
                let reference = at
                    .resolve(schema)
                    .and_then(|node| node.get("$ref"))
                    .and_then(Value::as_str);
                match reference.and_then(|r| self.translation.ref_target(r)) {
                    Some(target) => at = target.clone(),
                    None => break,
                }
            } else {
                // Evaluation-path segments arrive escaped already.
                at = JsonPointer::parse(&format!("{at}/{segment}")).unwrap_or_default();
            }
            if descends {
                applying.clear();
            }
            if is_schema {
                applying.push(at.clone());
                keyword = None;
            } else {
                keyword = Some(segment);
            }
        }
        applying
            .iter()
            .filter_map(|pointer| self.translation.to_spec(pointer))
            .collect()
    }

    /// The error in the spec's pointers and our words: one violation, or one
    /// per property for `additionalProperties`.
    fn describe(&self, error: &ValidationError<'_>) -> Vec<Violation> {
        let instance = JsonPointer::parse(error.instance_path().as_str()).unwrap_or_default();
        let translated = error.schema_path().as_str();
        let keyword = self
            .spec_pointer(translated)
            .or_else(|| JsonPointer::parse(translated))
            .unwrap_or_default();
        let node_pointer = keyword.parent().unwrap_or_default();
        let node = node_pointer.resolve(self.doc);
        let value: &Value = error.instance();
        let one = |rule: JsonPointer, message: String| {
            vec![Violation {
                instance: instance.clone(),
                rule,
                message,
            }]
        };
        let declared = node
            .and_then(|n| n.get("type"))
            .and_then(Value::as_str)
            .unwrap_or("the declared type");
        match error.kind() {
            Kind::Type { .. } if value.is_null() => one(
                node_pointer.join("nullable"),
                format!(
                    "null is not allowed: the schema has `type: {declared}` and is not `nullable: true`"
                ),
            ),
            Kind::Type { .. } => one(
                keyword,
                format!("expected {}, found {}", article(declared), describe(value)),
            ),
            Kind::Enum { options } => {
                let members = options.as_array().map_or(&[][..], Vec::as_slice);
                let nullable = node.and_then(|n| n.get("nullable")) == Some(&Value::Bool(true));
                let message = if value.is_null() && nullable {
                    format!(
                        "null is not one of {}: in OpenAPI 3.0.3 `nullable: true` does not add null to an `enum`",
                        list(members)
                    )
                } else {
                    format!("{} is not one of {}", short(value), list(members))
                };
                one(keyword, message)
            }
            Kind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let index = node
                    .and_then(|n| n.get("required"))
                    .and_then(Value::as_array)
                    .and_then(|required| required.iter().position(|r| r == property));
                let rule = match index {
                    Some(index) => keyword.join(index),
                    None => keyword,
                };
                one(rule, format!("required property `{name}` is missing"))
            }
            Kind::AdditionalProperties { unexpected } => unexpected
                .iter()
                .map(|name| Violation {
                    instance: instance.join(name),
                    rule: keyword.clone(),
                    message: format!(
                        "property `{name}` is not allowed: the schema names no such property and has `additionalProperties: false`"
                    ),
                })
                .collect(),
            Kind::FalseSchema => match keyword.resolve(self.doc).and_then(|n| n.get("$ref")) {
                Some(reference) => one(
                    keyword.join("$ref"),
                    format!(
                        "`$ref: {}` does not resolve",
                        reference.as_str().unwrap_or("(not a string)")
                    ),
                ),
                None => one(keyword, "the schema `false` accepts no value".to_string()),
            },
            Kind::AnyOf { context } | Kind::OneOfNotValid { context } => {
                let reasons: Vec<String> = context
                    .iter()
                    .enumerate()
                    .filter_map(|(i, errors)| {
                        let first = self.describe(errors.first()?).into_iter().next()?;
                        Some(format!("[{i}] {}: {}", first.rule.fragment(), first.message))
                    })
                    .collect();
                one(
                    keyword,
                    format!(
                        "matches none of the {} alternatives: {}",
                        context.len(),
                        reasons.join("; ")
                    ),
                )
            }
            Kind::OneOfMultipleValid { context } => {
                let passing: Vec<String> = context
                    .iter()
                    .enumerate()
                    .filter(|(_, errors)| errors.is_empty())
                    .map(|(i, _)| format!("[{i}]"))
                    .collect();
                one(
                    keyword,
                    format!(
                        "matches {} alternatives ({}); `oneOf` needs exactly one",
                        passing.len(),
                        passing.join(", ")
                    ),
                )
            }
            Kind::Not { .. } => one(
                keyword,
                "the value matches the schema under `not`".to_string(),
            ),
            Kind::Format { format } => {
                let message = match format.as_str() {
                    "date-time" => format!(
                        "{} is not an RFC 3339 date-time such as `2020-02-06T01:49:21Z`",
                        short(value)
                    ),
                    "date" => format!(
                        "{} is not an RFC 3339 full-date such as `2020-02-06`",
                        short(value)
                    ),
                    other => format!("{} is not a valid `{other}`", short(value)),
                };
                one(keyword, message)
            }
            Kind::MinLength { limit }
            | Kind::MaxLength { limit }
            | Kind::MinItems { limit }
            | Kind::MaxItems { limit }
            | Kind::MinProperties { limit }
            | Kind::MaxProperties { limit } => {
                let (count, unit) = match value {
                    Value::String(text) => (text.chars().count(), "characters"),
                    Value::Array(items) => (items.len(), "items"),
                    Value::Object(map) => (map.len(), "properties"),
                    _ => (0, "values"),
                };
                let relation = if matches!(
                    error.kind(),
                    Kind::MinLength { .. } | Kind::MinItems { .. } | Kind::MinProperties { .. }
                ) {
                    "fewer than"
                } else {
                    "more than"
                };
                one(keyword, format!("{count} {unit}, {relation} {limit}"))
            }
            Kind::UniqueItems => {
                let items = value.as_array().map_or(&[][..], Vec::as_slice);
                let pair = items.iter().enumerate().find_map(|(i, a)| {
                    let j = items[..i].iter().position(|b| json_equal(a, b))?;
                    Some(format!("items {j} and {i} are equal"))
                });
                one(
                    keyword,
                    pair.unwrap_or_else(|| "two items are equal".to_string()),
                )
            }
            Kind::Minimum { limit } => one(keyword, format!("{value} is less than {limit}")),
            Kind::Maximum { limit } => one(keyword, format!("{value} is more than {limit}")),
            // The translation moved 3.0's `minimum` + `exclusiveMinimum: true` here.
            Kind::ExclusiveMinimum { limit } => one(
                node_pointer.join("minimum"),
                format!("{value} is not greater than {limit} (exclusiveMinimum)"),
            ),
            Kind::ExclusiveMaximum { limit } => one(
                node_pointer.join("maximum"),
                format!("{value} is not less than {limit} (exclusiveMaximum)"),
            ),
            Kind::MultipleOf { multiple_of } => {
                one(keyword, format!("{value} is not a multiple of {multiple_of}"))
            }
            Kind::Pattern { pattern } => one(
                keyword,
                format!("{} does not match the pattern `{pattern}`", short(value)),
            ),
            _ => one(keyword, error.to_string()),
        }
    }
}

/// The parent of a pointer jsonschema gives as text.
fn parent(pointer: &str) -> JsonPointer {
    JsonPointer::parse(pointer)
        .and_then(|p| p.parent())
        .unwrap_or_default()
}

enum NullVerdict {
    /// Progenitor's reading: a `nullable: true` schema applied, so null passes.
    Accepted,
    /// Under OpenAPI 3.0.3 the schema at this pointer is `nullable: true`
    /// without a `type`, which does nothing, so a subschema refused null.
    WithoutType(JsonPointer),
    /// `nullable` plays no part; the error stands as it is.
    Plain,
}

/// The violation of a subschema, restated as the outer schema's
/// `nullable: true` that does not let null through.
fn without_type(outer: &JsonPointer, inner: Violation) -> Violation {
    let reason = inner
        .message
        .strip_prefix("null is not allowed: ")
        .unwrap_or(&inner.message);
    Violation {
        instance: inner.instance,
        rule: outer.join("nullable"),
        message: format!(
            "null is not allowed: `nullable: true` has no effect without a `type` beside it \
             (OpenAPI 3.0.3), so null must pass the subschemas, and {} rejects it: {reason}",
            inner.rule.fragment()
        ),
    }
}

fn article(ty: &str) -> String {
    let a = if ty.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{a} {ty}")
}

fn describe(value: &Value) -> String {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    match value {
        Value::Array(_) | Value::Object(_) | Value::Null => kind.to_string(),
        _ => format!("{kind} {}", short(value)),
    }
}

/// A value as it appears in JSON, cut short.
fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("`{}…`", text.chars().take(57).collect::<String>())
    } else {
        format!("`{text}`")
    }
}

fn list(members: &[Value]) -> String {
    let items: Vec<String> = members.iter().map(|m| m.to_string()).collect();
    format!("[{}]", items.join(", "))
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
pub(crate) fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}
