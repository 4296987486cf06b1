//! Checks an example value against a schema of the spec with OpenAPI 3.0.3
//! semantics, naming the JSON pointer of the offending value and of the
//! schema keyword it breaks.
//!
//! Why not schemars: progenitor converts OpenAPI schemas to
//! `schemars::schema::SchemaObject` (schemars 0.8), but that type models
//! JSON Schema draft 7, not the OpenAPI 3.0 dialect: `exclusiveMinimum:
//! true` (a boolean in 3.0, a number in draft 7) does not deserialize,
//! `nullable` would sit untyped in `extensions`, and progenitor's own
//! conversion rewrites `nullable` into type arrays and `oneOf` wrappers,
//! which is the pre-3.0.3 reading we must not assume. A converted schema
//! also forgets where each keyword sat in the spec, and every finding must
//! name that pointer. Walking the document's JSON keeps both the 3.0
//! meaning and the pointers, so the validator works on `serde_json::Value`.
//!
//! Not checked: `pattern` (no regex engine in the workspace), `discriminator`
//! (an annotation for code generators), `readOnly`/`writeOnly`, and formats
//! other than `date-time` and `date`.

use serde_json::Value;

use crate::spec::{join, ref_pointer, resolve};

/// One way an example breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// Pointer of the value inside the example (`""` is the whole example).
    pub instance: String,
    /// Pointer of the schema keyword, as a `#/...` reference.
    pub rule: String,
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

const MAX_DEPTH: usize = 64;

pub(crate) struct Validator<'a> {
    doc: &'a Value,
    nullable: NullableReading,
}

impl<'a> Validator<'a> {
    pub(crate) fn new(doc: &'a Value, nullable: NullableReading) -> Self {
        Self { doc, nullable }
    }

    /// Validates `value` against the schema at `schema_pointer`.
    pub(crate) fn validate(&self, value: &Value, schema_pointer: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        self.check(value, "", schema_pointer, 0, &mut out);
        out
    }

    fn check(
        &self,
        value: &Value,
        instance: &str,
        pointer: &str,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        let violation = |rule: String, message: String| Violation {
            instance: instance.to_string(),
            rule: format!("#{rule}"),
            message,
        };
        if depth > MAX_DEPTH {
            out.push(violation(
                pointer.to_string(),
                format!("schemas nest deeper than {MAX_DEPTH} levels here (a `$ref` cycle?)"),
            ));
            return;
        }
        let Some(schema) = resolve(self.doc, pointer) else {
            out.push(violation(
                pointer.to_string(),
                "the schema does not exist".to_string(),
            ));
            return;
        };
        let Some(map) = schema.as_object() else {
            match schema {
                Value::Bool(true) => {}
                Value::Bool(false) => out.push(violation(
                    pointer.to_string(),
                    "the schema `false` accepts no value".to_string(),
                )),
                _ => out.push(violation(
                    pointer.to_string(),
                    "not a schema object".to_string(),
                )),
            }
            return;
        };

        // A Reference Object: OpenAPI 3.0 ignores any keyword beside `$ref`.
        if let Some(reference) = map.get("$ref") {
            let here = join(pointer, "$ref");
            match reference.as_str().and_then(ref_pointer) {
                Some(target) if resolve(self.doc, target).is_some() => {
                    self.check(value, instance, target, depth + 1, out);
                }
                _ => out.push(violation(
                    here,
                    format!(
                        "`$ref: {}` does not resolve",
                        reference.as_str().unwrap_or("(not a string)")
                    ),
                )),
            }
            return;
        }

        let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
        let declared_type = map.get("type").and_then(Value::as_str);

        if value.is_null() {
            self.check_null(map, instance, pointer, depth, nullable, declared_type, out);
            return;
        }

        if let Some(expected) = declared_type
            && !matches_type(value, expected)
        {
            out.push(violation(
                join(pointer, "type"),
                format!("expected {}, found {}", article(expected), describe(value)),
            ));
            return;
        }

        if let Some(members) = map.get("enum").and_then(Value::as_array)
            && !members.iter().any(|m| json_equal(m, value))
        {
            out.push(violation(
                join(pointer, "enum"),
                format!("{} is not one of {}", short(value), list(members)),
            ));
        }

        match value {
            Value::String(text) => self.check_string(map, text, instance, pointer, out),
            Value::Number(number) => check_number(map, number, instance, pointer, out),
            Value::Array(items) => self.check_array(map, items, instance, pointer, depth, out),
            Value::Object(object) => self.check_object(map, object, instance, pointer, depth, out),
            _ => {}
        }
        self.check_composition(map, value, instance, pointer, depth, out);
    }

    #[allow(clippy::too_many_arguments)]
    fn check_null(
        &self,
        map: &serde_json::Map<String, Value>,
        instance: &str,
        pointer: &str,
        depth: usize,
        nullable: bool,
        declared_type: Option<&str>,
        out: &mut Vec<Violation>,
    ) {
        let rule = format!("#{}", join(pointer, "nullable"));
        if nullable && self.nullable == NullableReading::Progenitor {
            return;
        }
        match declared_type {
            Some(ty) if !nullable => {
                out.push(Violation {
                    instance: instance.to_string(),
                    rule,
                    message: format!("null is not allowed: the schema has `type: {ty}` and is not `nullable: true`"),
                });
                return;
            }
            Some(_) => {
                if let Some(members) = map.get("enum").and_then(Value::as_array)
                    && !members.iter().any(Value::is_null)
                {
                    out.push(Violation {
                        instance: instance.to_string(),
                        rule: format!("#{}", join(pointer, "enum")),
                        message: format!(
                            "null is not one of {}: in OpenAPI 3.0.3 `nullable: true` does not add null to an `enum`",
                            list(members)
                        ),
                    });
                }
            }
            None => {}
        }
        // Without a type of its own the schema accepts null only if its
        // subschemas do.
        let mut inner = Vec::new();
        self.check_composition(map, &Value::Null, instance, pointer, depth, &mut inner);
        if inner.is_empty() {
            return;
        }
        if nullable && declared_type.is_none() {
            out.push(Violation {
                instance: instance.to_string(),
                rule,
                message: format!(
                    "null is not allowed: `nullable: true` has no effect without a `type` beside it \
                     (OpenAPI 3.0.3), so null must pass the subschemas, and {} rejects it: {}",
                    inner[0].rule,
                    inner[0].message.strip_prefix("null is not allowed: ").unwrap_or(&inner[0].message)
                ),
            });
        } else {
            out.extend(inner);
        }
    }

    fn check_string(
        &self,
        map: &serde_json::Map<String, Value>,
        text: &str,
        instance: &str,
        pointer: &str,
        out: &mut Vec<Violation>,
    ) {
        let push = |out: &mut Vec<Violation>, keyword: &str, message: String| {
            out.push(Violation {
                instance: instance.to_string(),
                rule: format!("#{}", join(pointer, keyword)),
                message,
            })
        };
        let length = text.chars().count() as u64;
        if let Some(min) = map.get("minLength").and_then(Value::as_u64)
            && length < min
        {
            push(
                out,
                "minLength",
                format!("{length} characters, fewer than {min}"),
            );
        }
        if let Some(max) = map.get("maxLength").and_then(Value::as_u64)
            && length > max
        {
            push(
                out,
                "maxLength",
                format!("{length} characters, more than {max}"),
            );
        }
        match map.get("format").and_then(Value::as_str) {
            Some("date-time") if !is_rfc3339_date_time(text) => push(
                out,
                "format",
                format!(
                    "{} is not an RFC 3339 date-time such as `2020-02-06T01:49:21Z`",
                    short(&Value::from(text))
                ),
            ),
            Some("date") if !is_full_date(text) => push(
                out,
                "format",
                format!(
                    "{} is not an RFC 3339 full-date such as `2020-02-06`",
                    short(&Value::from(text))
                ),
            ),
            _ => {}
        }
    }

    fn check_array(
        &self,
        map: &serde_json::Map<String, Value>,
        items: &[Value],
        instance: &str,
        pointer: &str,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        let count = items.len() as u64;
        let push = |out: &mut Vec<Violation>, keyword: &str, message: String| {
            out.push(Violation {
                instance: instance.to_string(),
                rule: format!("#{}", join(pointer, keyword)),
                message,
            })
        };
        if let Some(min) = map.get("minItems").and_then(Value::as_u64)
            && count < min
        {
            push(out, "minItems", format!("{count} items, fewer than {min}"));
        }
        if let Some(max) = map.get("maxItems").and_then(Value::as_u64)
            && count > max
        {
            push(out, "maxItems", format!("{count} items, more than {max}"));
        }
        if map.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
            for (i, a) in items.iter().enumerate() {
                if let Some(j) = items[..i].iter().position(|b| json_equal(a, b)) {
                    push(out, "uniqueItems", format!("items {j} and {i} are equal"));
                    break;
                }
            }
        }
        if map.contains_key("items") {
            let items_pointer = join(pointer, "items");
            for (index, item) in items.iter().enumerate() {
                self.check(
                    item,
                    &format!("{instance}/{index}"),
                    &items_pointer,
                    depth + 1,
                    out,
                );
            }
        }
    }

    fn check_object(
        &self,
        map: &serde_json::Map<String, Value>,
        object: &serde_json::Map<String, Value>,
        instance: &str,
        pointer: &str,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        if let Some(required) = map.get("required").and_then(Value::as_array) {
            for (index, name) in required.iter().enumerate() {
                if let Some(name) = name.as_str()
                    && !object.contains_key(name)
                {
                    out.push(Violation {
                        instance: instance.to_string(),
                        rule: format!("#{pointer}/required/{index}"),
                        message: format!("required property `{name}` is missing"),
                    });
                }
            }
        }
        let count = object.len() as u64;
        for (keyword, too_few) in [("minProperties", true), ("maxProperties", false)] {
            if let Some(bound) = map.get(keyword).and_then(Value::as_u64)
                && (if too_few {
                    count < bound
                } else {
                    count > bound
                })
            {
                out.push(Violation {
                    instance: instance.to_string(),
                    rule: format!("#{}", join(pointer, keyword)),
                    message: format!(
                        "{count} properties, {} {bound}",
                        if too_few { "fewer than" } else { "more than" }
                    ),
                });
            }
        }
        let properties = map.get("properties").and_then(Value::as_object);
        for (name, item) in object {
            let item_instance = join(instance, name);
            if properties.is_some_and(|p| p.contains_key(name)) {
                let item_pointer = join(&join(pointer, "properties"), name);
                self.check(item, &item_instance, &item_pointer, depth + 1, out);
                continue;
            }
            // Absent `additionalProperties` allows anything, as `true` and `{}` do.
            match map.get("additionalProperties") {
                Some(Value::Bool(false)) => out.push(Violation {
                    instance: item_instance,
                    rule: format!("#{}", join(pointer, "additionalProperties")),
                    message: format!("property `{name}` is not allowed: the schema names no such property and has `additionalProperties: false`"),
                }),
                Some(Value::Object(_)) => {
                    let extra = join(pointer, "additionalProperties");
                    self.check(item, &item_instance, &extra, depth + 1, out);
                }
                _ => {}
            }
        }
    }

    fn check_composition(
        &self,
        map: &serde_json::Map<String, Value>,
        value: &Value,
        instance: &str,
        pointer: &str,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        if let Some(all) = map.get("allOf").and_then(Value::as_array) {
            for index in 0..all.len() {
                self.check(
                    value,
                    instance,
                    &format!("{pointer}/allOf/{index}"),
                    depth + 1,
                    out,
                );
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            let Some(alternatives) = map.get(keyword).and_then(Value::as_array) else {
                continue;
            };
            let results: Vec<Vec<Violation>> = (0..alternatives.len())
                .map(|index| {
                    let mut inner = Vec::new();
                    self.check(
                        value,
                        instance,
                        &format!("{pointer}/{keyword}/{index}"),
                        depth + 1,
                        &mut inner,
                    );
                    inner
                })
                .collect();
            let passing: Vec<usize> = results
                .iter()
                .enumerate()
                .filter(|(_, r)| r.is_empty())
                .map(|(i, _)| i)
                .collect();
            let rule = format!("#{}", join(pointer, keyword));
            if passing.is_empty() {
                let reasons: Vec<String> = results
                    .iter()
                    .enumerate()
                    .filter_map(|(i, r)| {
                        r.first()
                            .map(|v| format!("[{i}] {}: {}", v.rule, v.message))
                    })
                    .collect();
                out.push(Violation {
                    instance: instance.to_string(),
                    rule,
                    message: format!(
                        "matches none of the {} alternatives: {}",
                        alternatives.len(),
                        reasons.join("; ")
                    ),
                });
            } else if keyword == "oneOf" && passing.len() > 1 {
                out.push(Violation {
                    instance: instance.to_string(),
                    rule,
                    message: format!(
                        "matches {} alternatives ({}); `oneOf` needs exactly one",
                        passing.len(),
                        passing
                            .iter()
                            .map(|i| format!("[{i}]"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
        }
        if map.contains_key("not") {
            let mut inner = Vec::new();
            self.check(
                value,
                instance,
                &join(pointer, "not"),
                depth + 1,
                &mut inner,
            );
            if inner.is_empty() {
                out.push(Violation {
                    instance: instance.to_string(),
                    rule: format!("#{}", join(pointer, "not")),
                    message: "the value matches the schema under `not`".to_string(),
                });
            }
        }
    }
}

fn check_number(
    map: &serde_json::Map<String, Value>,
    number: &serde_json::Number,
    instance: &str,
    pointer: &str,
    out: &mut Vec<Violation>,
) {
    let Some(n) = number.as_f64() else { return };
    let flag = |key: &str| map.get(key).and_then(Value::as_bool) == Some(true);
    let mut push = |keyword: &str, message: String| {
        out.push(Violation {
            instance: instance.to_string(),
            rule: format!("#{}", join(pointer, keyword)),
            message,
        })
    };
    // OpenAPI 3.0 keeps draft-wright-00's boolean `exclusiveMinimum`/`exclusiveMaximum`.
    if let Some(min) = map.get("minimum").and_then(Value::as_f64) {
        if flag("exclusiveMinimum") && n <= min {
            push(
                "minimum",
                format!("{number} is not greater than {min} (exclusiveMinimum)"),
            );
        } else if n < min {
            push("minimum", format!("{number} is less than {min}"));
        }
    }
    if let Some(max) = map.get("maximum").and_then(Value::as_f64) {
        if flag("exclusiveMaximum") && n >= max {
            push(
                "maximum",
                format!("{number} is not less than {max} (exclusiveMaximum)"),
            );
        } else if n > max {
            push("maximum", format!("{number} is more than {max}"));
        }
    }
    if let Some(step) = map.get("multipleOf").and_then(Value::as_f64)
        && step > 0.0
        && ((n / step).round() * step - n).abs() > 1e-9 * n.abs().max(1.0)
    {
        push(
            "multipleOf",
            format!("{number} is not a multiple of {step}"),
        );
    }
}

fn matches_type(value: &Value, expected: &str) -> bool {
    match expected {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "number" => value.is_number(),
        "integer" => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        // An unknown type name: the spec is wrong, not the example; say so.
        _ => false,
    }
}

fn article(ty: &str) -> String {
    match ty {
        "string" | "boolean" | "number" | "integer" | "object" | "array" => {
            let a = if ty.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{a} {ty}")
        }
        other => format!("`type: {other}`, which OpenAPI 3.0 does not define"),
    }
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
pub(crate) fn short(value: &Value) -> String {
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

/// RFC 3339 section 5.6 `date-time`: full-date "T" full-time, with `t`/`z`
/// accepted in lower case as the RFC allows.
pub(crate) fn is_rfc3339_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't']) else {
        return false;
    };
    if !is_full_date(date) {
        return false;
    }
    let (partial, offset) = if let Some(rest) = time.strip_suffix(['Z', 'z']) {
        (rest, None)
    } else if let Some(index) = time.rfind(['+', '-']) {
        (&time[..index], Some(&time[index + 1..]))
    } else {
        return false;
    };
    if let Some(offset) = offset {
        let bytes = offset.as_bytes();
        if bytes.len() != 5
            || bytes[2] != b':'
            || !in_range(&offset[..2], 0, 23)
            || !in_range(&offset[3..], 0, 59)
        {
            return false;
        }
    }
    let (hms, fraction) = match partial.split_once('.') {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (partial, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let bytes = hms.as_bytes();
    bytes.len() == 8
        && bytes[2] == b':'
        && bytes[5] == b':'
        && in_range(&hms[..2], 0, 23)
        && in_range(&hms[3..5], 0, 59)
        // 60 is a leap second.
        && in_range(&hms[6..], 0, 60)
}

/// RFC 3339 `full-date`: `YYYY-MM-DD` with a day that exists in that month.
pub(crate) fn is_full_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) =
        (number(&text[..4]), number(&text[5..7]), number(&text[8..]))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn number(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn in_range(digits: &str, low: u32, high: u32) -> bool {
    digits.len() == 2 && number(digits).is_some_and(|n| (low..=high).contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        for good in [
            "2020-02-06T01:49:21.3524945+00:00",
            "2020-09-11T06:30:18.1909168Z",
            "2020-02-29T23:59:60z",
            "1999-12-31t00:00:00-08:30",
        ] {
            assert!(is_rfc3339_date_time(good), "{good}");
        }
        for bad in [
            "2020-02-30T01:49:21Z",
            "2021-02-29T01:49:21Z",
            "2020-02-06 01:49:21Z",
            "2020-02-06T01:49:21",
            "2020-02-06T24:00:00Z",
            "2020-02-06T01:49:21.Z",
            "2020-02-06T01:49:21+0100",
            "2020-13-06T01:49:21Z",
            "tomorrow",
            "",
        ] {
            assert!(!is_rfc3339_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(json_equal(&serde_json::json!(1), &serde_json::json!(1.0)));
        assert!(!json_equal(&serde_json::json!(1), &serde_json::json!("1")));
    }
}
