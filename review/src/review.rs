//! `cargo xtask review`: what a spec change does to clients.
//!
//! Every change is judged twice:
//! - **Rust**: does code that uses the generated crate still compile? The
//!   generated structs have public fields and are built with struct
//!   literals, so a new field breaks; string enums of the components are
//!   open and `#[non_exhaustive]`, so a new variant does not.
//! - **Wire**: do existing exchanges still work? Requests that a caller of
//!   the base client sends must stay acceptable; responses the head server
//!   sends must stay readable by the base client, and stored responses
//!   (valid under the base spec) must stay readable by the regenerated
//!   client. "Readable" means by this client: unknown properties land in
//!   `extra` (or are ignored), unknown members of open enums become
//!   `Unrecognized`, and an `Option` field reads null as `None`.
//!
//! Which of the two message directions applies comes from where a schema is
//! used, found by walking from each operation's parameters and request body
//! (requests) and responses (responses) through `$ref`s.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use graph_online_meetings_codegen as codegen;
use serde_json::Value;

use crate::api::{self, ApiChange, ApiSide, Currency};
use crate::spec::{self, Operation, Parameter, Usage, join, pascal_case, snake_case};

/// A judgement from one point of view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub breaking: bool,
    /// One line: why.
    pub reason: String,
}

impl Verdict {
    fn ok(reason: impl Into<String>) -> Self {
        Self {
            breaking: false,
            reason: reason.into(),
        }
    }
    fn breaking(reason: impl Into<String>) -> Self {
        Self {
            breaking: true,
            reason: reason.into(),
        }
    }
    fn new(breaking: bool, reason: impl Into<String>) -> Self {
        Self {
            breaking,
            reason: reason.into(),
        }
    }
}

/// The part of the spec a change is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Area {
    Operation,
    Schema,
}

/// One change of the spec, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub area: Area,
    /// The operation (`POST /path`) or schema (`onlineMeeting.participants`).
    pub subject: String,
    pub description: String,
    /// For schema changes: where the schema travels (base and head together).
    pub usage: Option<Usage>,
    pub rust: Verdict,
    pub wire: Verdict,
}

/// The review of one spec change.
#[derive(Debug, Clone)]
pub struct Report {
    /// How the base is named in the report (a git ref).
    pub base_label: String,
    /// How the head is named in the report.
    pub head_label: String,
    pub changes: Vec<Change>,
    /// Differences of the generated public API (empty when either side's
    /// generated file is not available).
    pub api_changes: Vec<ApiChange>,
    /// Why the API comparison is missing, if it is.
    pub api_note: Option<String>,
    /// Whether the head's committed generated file matches its spec.
    pub currency: Currency,
}

/// When `cargo xtask review` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Anything breaking, for Rust or the wire.
    #[default]
    Breaking,
    Wire,
    Rust,
    Never,
}

impl Report {
    pub fn rust_breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.rust.breaking).count()
    }

    pub fn wire_breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.wire.breaking).count()
    }

    /// Breaking changes of the generated API.
    pub fn api_breaking(&self) -> usize {
        self.api_changes.iter().filter(|c| c.breaking).count()
    }

    /// Whether the report should fail the build.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        let rust = self.rust_breaking() > 0 || self.api_breaking() > 0;
        let wire = self.wire_breaking() > 0;
        match fail_on {
            FailOn::Breaking => rust || wire,
            FailOn::Wire => wire,
            FailOn::Rust => rust,
            FailOn::Never => false,
        }
    }
}

/// Why there is no report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewError {
    /// The base spec does not load; the message says where and why.
    BaseSpec(String),
    /// The head spec does not load.
    HeadSpec(String),
}

impl fmt::Display for ReviewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReviewError::BaseSpec(m) => write!(f, "the base spec does not parse: {m}"),
            ReviewError::HeadSpec(m) => write!(f, "the head spec does not parse: {m}"),
        }
    }
}

impl std::error::Error for ReviewError {}

/// Compares two specs and their generated files. A missing generated file
/// (`None`) leaves out the API comparison but not the spec review.
pub fn review(
    base_spec: &str,
    base_generated: Option<&str>,
    head_spec: &str,
    head_generated: Option<&str>,
) -> Result<Report, ReviewError> {
    let one_line = |e: codegen::CodegenError| e.to_string().replace("\n  ", " ").replace('\n', " ");
    let base = codegen::load_spec(base_spec, codegen::SPEC_PATH)
        .map_err(|e| ReviewError::BaseSpec(one_line(e)))?;
    let head = codegen::load_spec(head_spec, codegen::SPEC_PATH)
        .map_err(|e| ReviewError::HeadSpec(one_line(e)))?;

    let base_api = base_generated.map(ApiSide::parse);
    let head_api = head_generated.map(ApiSide::parse);
    let (api_changes, api_note) = match (&base_api, &head_api) {
        (Some(Ok(b)), Some(Ok(h))) => (api::diff(b, h), None),
        (None, _) => (
            Vec::new(),
            Some("the base has no generated file".to_string()),
        ),
        (_, None) => (
            Vec::new(),
            Some("the working tree has no generated file".to_string()),
        ),
        (Some(Err(e)), _) => (
            Vec::new(),
            Some(format!("the base generated file does not parse: {e}")),
        ),
        (_, Some(Err(e))) => (
            Vec::new(),
            Some(format!("the head generated file does not parse: {e}")),
        ),
    };
    let currency = match head_generated {
        None => Currency::Missing,
        Some(committed) => match codegen::generate_from_str(head_spec, codegen::SPEC_PATH) {
            Ok(expected) if expected == committed => Currency::Current,
            Ok(_) => Currency::Stale,
            Err(e) => Currency::CannotGenerate(one_line(e)),
        },
    };

    let base_side = Side::new(&base.json, base_api.and_then(Result::ok));
    let head_side = Side::new(&head.json, head_api.and_then(Result::ok));
    let mut diff = Differ {
        base: &base_side,
        head: &head_side,
        changes: Vec::new(),
    };
    diff.operations();
    diff.schemas();
    Ok(Report {
        base_label: "base".to_string(),
        head_label: "head".to_string(),
        changes: diff.changes,
        api_changes,
        api_note,
        currency,
    })
}

struct Side<'a> {
    doc: &'a Value,
    usage: BTreeMap<String, Usage>,
    api: Option<ApiSide>,
}

impl<'a> Side<'a> {
    fn new(doc: &'a Value, api: Option<ApiSide>) -> Self {
        Self {
            doc,
            usage: spec::schema_usage(doc),
            api,
        }
    }

    fn schema(&self, name: &str) -> Option<&'a Value> {
        self.doc.pointer(&join("/components/schemas", name))
    }

    /// The Rust type of a component schema, as generated (or as predicted).
    fn rust_type(&self, schema: &str) -> String {
        self.api
            .as_ref()
            .and_then(|a| a.type_for_schema(schema))
            .map_or_else(|| pascal_case(schema), |t| t.name.clone())
    }

    /// The generated field for a property: `(name, type)`.
    fn rust_field(&self, schema: &str, property: &str) -> Option<(String, String)> {
        let api = self.api.as_ref()?;
        let summary = api.type_for_schema(schema)?;
        api::members(summary)
            .into_iter()
            .find(|m| m.wire.as_deref() == Some(property))
            .map(|m| (m.name, m.ty))
    }
}

struct Differ<'s, 'a> {
    base: &'s Side<'a>,
    head: &'s Side<'a>,
    changes: Vec<Change>,
}

/// Schema shape as far as the generated type and the JSON are concerned;
/// descriptions and examples are left out.
fn shape(node: &Value) -> String {
    if let Some(target) = ref_name(node) {
        return format!("`{target}`");
    }
    let ty = node.get("type").and_then(Value::as_str);
    let format = node.get("format").and_then(Value::as_str);
    match ty {
        Some("array") => match node.get("items") {
            Some(items) => format!("array of {}", shape(items)),
            None => "array".to_string(),
        },
        Some("string") if node.get("enum").is_some() => "string enum".to_string(),
        Some(ty) => match format {
            Some(format) => format!("{ty} ({format})"),
            None => ty.to_string(),
        },
        None if node.get("properties").is_some() => "object".to_string(),
        None => {
            for key in ["allOf", "oneOf", "anyOf"] {
                if node.get(key).is_some() {
                    return format!("{key} composition");
                }
            }
            "any value".to_string()
        }
    }
}

/// The component a schema names through `$ref` or a one-element `allOf`
/// (the form this spec uses beside `nullable`).
fn ref_name(node: &Value) -> Option<String> {
    let reference = node.get("$ref").and_then(Value::as_str).or_else(|| {
        let all = node.get("allOf")?.as_array()?;
        match all.as_slice() {
            [only] if node.get("type").is_none() && node.get("properties").is_none() => {
                only.get("$ref").and_then(Value::as_str)
            }
            _ => None,
        }
    })?;
    let pointer = spec::ref_pointer(reference)?;
    spec::component_of(pointer).map(|(_, name)| name)
}

/// Whether every value of `old` is a value of `new`: a format dropped from
/// the same type, or integer widened to number.
fn widens(old: &Value, new: &Value) -> bool {
    let ty = |n: &Value| n.get("type").and_then(Value::as_str).map(str::to_string);
    let format = |n: &Value| n.get("format").and_then(Value::as_str).map(str::to_string);
    match (ty(old).as_deref(), ty(new).as_deref()) {
        (Some("integer"), Some("number")) => format(new).is_none(),
        (Some(a), Some(b)) if a == b && a != "array" && a != "object" => {
            format(old).is_some() && format(new).is_none()
        }
        _ => false,
    }
}

fn nullable(node: &Value) -> bool {
    node.get("nullable").and_then(Value::as_bool) == Some(true)
}

/// The node without documentation keywords, to compare shapes.
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

fn required_set(node: &Value) -> BTreeSet<String> {
    node.get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// How a schema treats properties it does not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    /// `additionalProperties: false`: refused (`deny_unknown_fields`).
    Refused,
    /// Absent: allowed and ignored by the generated struct.
    Ignored,
    /// `true`, `{}` or a schema: kept in the flattened `extra` map.
    Kept,
}

fn extra(node: &Value) -> Extra {
    match node.get("additionalProperties") {
        Some(Value::Bool(false)) => Extra::Refused,
        None => Extra::Ignored,
        Some(_) => Extra::Kept,
    }
}

/// Combines the verdicts of the two directions by where the schema is used.
fn by_direction(
    usage: Usage,
    request: impl FnOnce() -> Verdict,
    response: impl FnOnce() -> Verdict,
) -> Verdict {
    match (usage.request, usage.response) {
        (false, false) => Verdict::ok("no operation sends or receives this schema"),
        (true, false) => request(),
        (false, true) => response(),
        (true, true) => {
            let (q, s) = (request(), response());
            Verdict::new(
                q.breaking || s.breaking,
                format!("in requests, {}; in responses, {}", q.reason, s.reason),
            )
        }
    }
}

/// Where a property sits and how to name it in Rust.
struct Place<'x> {
    /// Component schema the property belongs to (possibly through nesting).
    component: &'x str,
    /// `schema` or `schema.nested`: the label of the object holding it.
    label: String,
    /// Whether the holder is the component itself (so the generated struct
    /// can be found by name).
    top_level: bool,
    usage: Usage,
}

impl Differ<'_, '_> {
    fn push(
        &mut self,
        area: Area,
        subject: String,
        description: String,
        usage: Option<Usage>,
        rust: Verdict,
        wire: Verdict,
    ) {
        self.changes.push(Change {
            area,
            subject,
            description,
            usage,
            rust,
            wire,
        });
    }

    // ---- operations -------------------------------------------------------

    fn operations(&mut self) {
        let base_ops = spec::operations(self.base.doc);
        let head_ops = spec::operations(self.head.doc);
        let mut unmatched_head: Vec<&Operation<'_>> = Vec::new();
        let mut unmatched_base: Vec<&Operation<'_>> = base_ops.iter().collect();
        let mut pairs: Vec<(&Operation<'_>, &Operation<'_>)> = Vec::new();
        for h in &head_ops {
            match unmatched_base
                .iter()
                .position(|b| b.shape_key() == h.shape_key())
            {
                Some(i) => pairs.push((unmatched_base.remove(i), h)),
                None => unmatched_head.push(h),
            }
        }
        // Same operationId at another method or path: the operation moved.
        let mut moved = Vec::new();
        unmatched_head.retain(|h| {
            let found = unmatched_base
                .iter()
                .position(|b| b.operation_id().is_some() && b.operation_id() == h.operation_id());
            match found {
                Some(i) => {
                    moved.push((unmatched_base.remove(i), *h));
                    false
                }
                None => true,
            }
        });
        for b in &unmatched_base {
            let id = b.operation_id().unwrap_or("?");
            self.push(
                Area::Operation,
                b.label(),
                format!("operation `{id}` removed"),
                None,
                Verdict::breaking(format!(
                    "`Client::{}` and `builder::{}` are gone; code calling them no longer compiles",
                    snake_case(id),
                    pascal_case(id)
                )),
                Verdict::breaking(
                    "callers of this endpoint get an error: the server no longer offers it",
                ),
            );
        }
        for (b, h) in &moved {
            let id = h.operation_id().unwrap_or("?");
            self.push(
                Area::Operation,
                h.label(),
                format!("operation `{id}` moved from `{}`", b.label()),
                None,
                Verdict::ok(format!("`Client::{}` keeps its name", snake_case(id))),
                Verdict::breaking(format!(
                    "requests to `{}` no longer reach the operation",
                    b.label()
                )),
            );
        }
        for (b, h) in pairs.iter().chain(moved.iter()) {
            self.operation(b, h);
        }
        for h in &unmatched_head {
            let id = h.operation_id().unwrap_or("?");
            self.push(
                Area::Operation,
                h.label(),
                format!("operation `{id}` added"),
                None,
                Verdict::ok(format!(
                    "new method `Client::{}`; existing code is untouched",
                    snake_case(id)
                )),
                Verdict::ok("a new endpoint; existing requests are untouched"),
            );
        }
    }

    fn operation(&mut self, b: &Operation<'_>, h: &Operation<'_>) {
        let subject = h.label();
        if let (Some(old), Some(new)) = (b.operation_id(), h.operation_id())
            && old != new
        {
            self.push(
                Area::Operation,
                subject.clone(),
                format!("operationId `{old}` renamed to `{new}`"),
                None,
                Verdict::breaking(format!(
                    "`Client::{}` becomes `Client::{}` (and `builder::{}` becomes `builder::{}`)",
                    snake_case(old),
                    snake_case(new),
                    pascal_case(old),
                    pascal_case(new)
                )),
                Verdict::ok("same method and path; the operationId never goes on the wire"),
            );
        }
        self.security(b, h, &subject);
        self.parameters(b, h, &subject);
        self.request_body(b, h, &subject);
        self.responses(b, h, &subject);
    }

    fn security(&mut self, b: &Operation<'_>, h: &Operation<'_>, subject: &str) {
        let effective = |doc: &Value, op: &Operation<'_>| -> Vec<Value> {
            op.node
                .get("security")
                .or_else(|| doc.get("security"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (old, new) = (effective(self.base.doc, b), effective(self.head.doc, h));
        if old == new {
            return;
        }
        // A requirement list is a choice: a token that met a base requirement
        // still works if that requirement is still offered.
        let still_offered = old.iter().all(|r| new.contains(r));
        let show = |v: &[Value]| Value::Array(v.to_vec()).to_string();
        self.push(
            Area::Operation,
            subject.to_string(),
            format!("security changed from `{}` to `{}`", show(&old), show(&new)),
            None,
            Verdict::ok("authentication is not part of the generated API"),
            if still_offered {
                Verdict::ok("every base requirement is still accepted")
            } else {
                Verdict::breaking("tokens that met a base requirement may now be refused")
            },
        );
    }

    fn parameters(&mut self, b: &Operation<'_>, h: &Operation<'_>, subject: &str) {
        let base_params = spec::parameters(self.base.doc, b);
        let head_params = spec::parameters(self.head.doc, h);
        let op_id = h.operation_id().unwrap_or("?");
        let builder = format!("builder::{}", pascal_case(op_id));

        // Path parameters are matched by position: the URL shape is the same.
        let base_path: Vec<&Parameter<'_>> = base_params
            .iter()
            .filter(|p| p.location == "path")
            .collect();
        let head_path: Vec<&Parameter<'_>> = head_params
            .iter()
            .filter(|p| p.location == "path")
            .collect();
        for (bp, hp) in base_path.iter().zip(&head_path) {
            if bp.name != hp.name {
                self.push(
                    Area::Operation,
                    subject.to_string(),
                    format!("path parameter `{}` renamed to `{}`", bp.name, hp.name),
                    None,
                    Verdict::breaking(format!(
                        "the setter `{builder}::{}()` becomes `{}()`",
                        snake_case(&bp.name),
                        snake_case(&hp.name)
                    )),
                    Verdict::ok(
                        "the URL has the same shape; a parameter's name never goes on the wire",
                    ),
                );
            }
            self.parameter_schema(bp, hp, subject, &builder);
        }

        let key = |p: &Parameter<'_>| {
            let name = if p.location == "header" {
                p.name.to_ascii_lowercase()
            } else {
                p.name.clone()
            };
            (p.location.clone(), name)
        };
        let base_other: Vec<Parameter<'_>> = base_params
            .iter()
            .filter(|p| p.location != "path")
            .cloned()
            .collect();
        let head_other: Vec<Parameter<'_>> = head_params
            .iter()
            .filter(|p| p.location != "path")
            .cloned()
            .collect();
        let mut removed: Vec<&Parameter<'_>> = base_other
            .iter()
            .filter(|p| !head_other.iter().any(|q| key(q) == key(p)))
            .collect();
        let mut added: Vec<&Parameter<'_>> = head_other
            .iter()
            .filter(|p| !base_other.iter().any(|q| key(q) == key(p)))
            .collect();
        // One removed and one added in the same place with the same schema: a rename.
        if let ([r], [a]) = (removed.as_slice(), added.as_slice())
            && r.location == a.location
            && r.node.get("schema").map(strip_docs) == a.node.get("schema").map(strip_docs)
        {
            self.push(
                Area::Operation,
                subject.to_string(),
                format!(
                    "{} parameter `{}` renamed to `{}`",
                    r.location, r.name, a.name
                ),
                None,
                Verdict::breaking(format!(
                    "the setter `{builder}::{}()` becomes `{}()`",
                    snake_case(&r.name),
                    snake_case(&a.name)
                )),
                Verdict::breaking(format!(
                    "the server reads `{}`; existing callers send `{}`",
                    a.name, r.name
                )),
            );
            removed.clear();
            added.clear();
        }
        for p in removed {
            self.push(
                Area::Operation,
                subject.to_string(),
                format!("{} parameter `{}` removed", p.location, p.name),
                None,
                Verdict::breaking(format!(
                    "the setter `{builder}::{}()` is gone",
                    snake_case(&p.name)
                )),
                Verdict::breaking(format!(
                    "the server no longer reads `{}`; callers that send it lose its effect",
                    p.name
                )),
            );
        }
        for p in added {
            let what = if p.required { "required" } else { "optional" };
            self.push(
                Area::Operation,
                subject.to_string(),
                format!("{what} {} parameter `{}` added", p.location, p.name),
                None,
                Verdict::ok(format!(
                    "new setter `{builder}::{}()`; existing call chains still compile{}",
                    snake_case(&p.name),
                    if p.required {
                        " (but `send()` returns `Error::InvalidRequest` until they set it)"
                    } else {
                        ""
                    }
                )),
                if p.required {
                    Verdict::breaking(format!(
                        "existing requests lack `{}` and are refused",
                        p.name
                    ))
                } else {
                    Verdict::ok("existing requests simply omit it")
                },
            );
        }
        for bp in &base_other {
            let Some(hp) = head_other.iter().find(|q| key(q) == key(bp)) else {
                continue;
            };
            if bp.required != hp.required {
                let setter = format!("{builder}::{}()", snake_case(&hp.name));
                let (rust, wire) = if hp.required {
                    (
                        Verdict::ok(format!(
                            "`{setter}` is unchanged, but `send()` returns `Error::InvalidRequest` until callers set it"
                        )),
                        Verdict::breaking(format!("requests without `{}` are refused", hp.name)),
                    )
                } else {
                    (
                        Verdict::ok(format!("`{setter}` is unchanged")),
                        Verdict::ok("requests that send it stay valid"),
                    )
                };
                self.push(
                    Area::Operation,
                    subject.to_string(),
                    format!(
                        "{} parameter `{}` made {}",
                        hp.location,
                        hp.name,
                        if hp.required { "required" } else { "optional" }
                    ),
                    None,
                    rust,
                    wire,
                );
            }
            self.parameter_schema(bp, hp, subject, &builder);
        }
    }

    fn parameter_schema(
        &mut self,
        bp: &Parameter<'_>,
        hp: &Parameter<'_>,
        subject: &str,
        builder: &str,
    ) {
        let (Some(old), Some(new)) = (bp.node.get("schema"), hp.node.get("schema")) else {
            return;
        };
        let (old, new) = (shape(old), shape(new));
        if old != new {
            self.push(
                Area::Operation,
                subject.to_string(),
                format!(
                    "{} parameter `{}` changes type from {old} to {new}",
                    hp.location, hp.name
                ),
                None,
                Verdict::breaking(format!(
                    "`{builder}::{}()` takes another type",
                    snake_case(&hp.name)
                )),
                Verdict::breaking("values of the old type are refused"),
            );
        }
    }

    fn request_body(&mut self, b: &Operation<'_>, h: &Operation<'_>, subject: &str) {
        let body = |doc: &Value, op: &Operation<'_>| -> Option<Value> {
            spec::follow(doc, &join(&op.pointer, "requestBody")).map(|(_, node)| node.clone())
        };
        let (old, new) = (body(self.base.doc, b), body(self.head.doc, h));
        let required = |n: &Value| n.get("required").and_then(Value::as_bool) == Some(true);
        let schema_shape = |n: &Value| -> Option<String> {
            let content = n.get("content")?.as_object()?;
            let (media, value) = content.iter().next()?;
            Some(format!(
                "{} ({media})",
                value
                    .get("schema")
                    .map_or_else(|| "no schema".to_string(), shape)
            ))
        };
        match (old, new) {
            (None, None) => {}
            (None, Some(new)) => self.push(
                Area::Operation,
                subject.to_string(),
                format!(
                    "request body added{}",
                    if required(&new) { " (required)" } else { "" }
                ),
                None,
                Verdict::ok(
                    "new setters `body()` and `body_map()`; existing call chains still compile",
                ),
                if required(&new) {
                    Verdict::breaking("existing requests have no body and are refused")
                } else {
                    Verdict::ok("existing requests may still omit it")
                },
            ),
            (Some(_), None) => self.push(
                Area::Operation,
                subject.to_string(),
                "request body removed".to_string(),
                None,
                Verdict::breaking("the setters `body()` and `body_map()` are gone"),
                Verdict::breaking(
                    "the server no longer reads a body; what callers send is ignored or refused",
                ),
            ),
            (Some(old), Some(new)) => {
                if required(&old) != required(&new) {
                    self.push(
                        Area::Operation,
                        subject.to_string(),
                        format!(
                            "request body made {}",
                            if required(&new) {
                                "required"
                            } else {
                                "optional"
                            }
                        ),
                        None,
                        Verdict::ok("the `body()` setter is unchanged"),
                        if required(&new) {
                            Verdict::breaking("requests without a body are refused")
                        } else {
                            Verdict::ok("requests with a body stay valid")
                        },
                    );
                }
                let (a, z) = (schema_shape(&old), schema_shape(&new));
                if a != z {
                    let show = |s: Option<String>| s.unwrap_or_else(|| "no content".to_string());
                    self.push(
                        Area::Operation,
                        subject.to_string(),
                        format!("request body changes from {} to {}", show(a), show(z)),
                        None,
                        Verdict::breaking("`body()` takes another type"),
                        Verdict::breaking("bodies of the old shape are refused"),
                    );
                }
            }
        }
    }

    fn responses(&mut self, b: &Operation<'_>, h: &Operation<'_>, subject: &str) {
        let codes = |op: &Operation<'_>| -> Vec<String> {
            op.node
                .get("responses")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (old, new) = (codes(b), codes(h));
        let success = |code: &str| code.starts_with('2');
        // `4XX` covers 404; `default` covers every error.
        let covered = |code: &str, codes: &[String]| {
            codes.iter().any(|c| {
                c.len() == 3 && c.ends_with("XX") && code.starts_with(&c[..1])
                    || (c == "default" && !success(code))
            })
        };
        for code in new.iter().filter(|c| !old.contains(c)) {
            let wire = if success(code) {
                if covered(code, &old) {
                    Verdict::ok("base clients already accept it through a range")
                } else {
                    Verdict::breaking(format!(
                        "a client generated from the base spec treats a `{code}` answer as `Error::UnexpectedResponse`"
                    ))
                }
            } else if covered(code, &old) {
                Verdict::ok("base clients already handle it as an error response through a range")
            } else {
                Verdict::ok(
                    "base clients still report it as an error (`Error::UnexpectedResponse`, body unparsed)",
                )
            };
            self.push(
                Area::Operation,
                subject.to_string(),
                format!("response `{code}` added"),
                None,
                Verdict::ok("status handling is inside `send()`; its signature only changes if the body type does"),
                wire,
            );
        }
        for code in old.iter().filter(|c| !new.contains(c)) {
            let wire = if covered(code, &new) {
                Verdict::ok("a range still covers it, so it is handled as before")
            } else if success(code) {
                Verdict::breaking(format!(
                    "the regenerated client treats a `{code}` answer (from a server not yet changed, or a recorded exchange) as `Error::UnexpectedResponse`"
                ))
            } else {
                Verdict::breaking(format!(
                    "the regenerated client no longer parses the body of a `{code}`; it returns `Error::UnexpectedResponse`"
                ))
            };
            self.push(
                Area::Operation,
                subject.to_string(),
                format!("response `{code}` removed"),
                None,
                Verdict::ok("status handling is inside `send()`; its signature only changes if the body type does"),
                wire,
            );
        }
        // progenitor gives every success one type and every error one type.
        for (kind, pick) in [("success", true), ("error", false)] {
            let body = |doc: &Value, op: &Operation<'_>| -> Option<String> {
                let responses = op.node.get("responses")?.as_object()?;
                let code = responses.keys().find(|c| success(c) == pick)?;
                let pointer = join(&join(&op.pointer, "responses"), code);
                let (_, response) = spec::follow(doc, &pointer)?;
                let schema = response
                    .get("content")?
                    .as_object()?
                    .values()
                    .next()?
                    .get("schema")?;
                Some(shape(schema))
            };
            let (a, z) = (body(self.base.doc, b), body(self.head.doc, h));
            if a != z {
                let show = |s: &Option<String>| s.clone().unwrap_or_else(|| "no body".to_string());
                self.push(
                    Area::Operation,
                    subject.to_string(),
                    format!("{kind} response body changes from {} to {}", show(&a), show(&z)),
                    None,
                    Verdict::breaking("`send()` returns another type"),
                    if a.is_none() {
                        Verdict::ok("base clients ignore the new body")
                    } else {
                        Verdict::breaking("base clients cannot read the new body, and stored responses no longer parse")
                    },
                );
            }
        }
    }

    // ---- schemas -------------------------------------------------------------

    fn usage(&self, name: &str) -> Usage {
        let b = self.base.usage.get(name).copied().unwrap_or_default();
        let h = self.head.usage.get(name).copied().unwrap_or_default();
        b.union(h)
    }

    fn schemas(&mut self) {
        let names = |doc: &Value| -> Vec<String> {
            doc.pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (old, new) = (names(self.base.doc), names(self.head.doc));
        for name in &old {
            let usage = self.usage(name);
            match self.head.schema(name) {
                None => {
                    let ty = self.base.rust_type(name);
                    self.push(
                        Area::Schema,
                        name.clone(),
                        "schema removed".to_string(),
                        Some(usage),
                        Verdict::breaking(format!("type `types::{ty}` is gone; code naming it no longer compiles")),
                        Verdict::ok("a schema name never goes on the wire; its uses are judged where they changed"),
                    );
                }
                Some(h) => {
                    if let Some(b) = self.base.schema(name) {
                        self.schema(name, b, h, usage);
                    }
                }
            }
        }
        for name in new.iter().filter(|n| !old.contains(n)) {
            let ty = self.head.rust_type(name);
            self.push(
                Area::Schema,
                name.clone(),
                "schema added".to_string(),
                Some(self.usage(name)),
                Verdict::ok(format!("new type `types::{ty}`")),
                Verdict::ok("a new schema changes nothing until an operation uses it"),
            );
        }
    }

    fn schema(&mut self, name: &str, b: &Value, h: &Value, usage: Usage) {
        let (old, new) = (shape(b), shape(h));
        if old != new {
            let ty = self.base.rust_type(name);
            self.push(
                Area::Schema,
                name.to_string(),
                format!("type changes from {old} to {new}"),
                Some(usage),
                Verdict::breaking(format!("`types::{ty}` is generated differently")),
                by_direction(
                    usage,
                    || Verdict::breaking("requests of the old shape are refused"),
                    || Verdict::breaking("base clients cannot read the new shape, and stored responses no longer parse"),
                ),
            );
            return;
        }
        if nullable(b) != nullable(h) {
            let added = nullable(h);
            self.push(
                Area::Schema,
                name.to_string(),
                format!("nullable {}", if added { "added" } else { "removed" }),
                Some(usage),
                // typify wraps the uses of a nullable named type in Option.
                Verdict::breaking("fields that use this type may change between `T` and `Option<T>`; see the generated code below"),
                by_direction(
                    usage,
                    || if added { Verdict::ok("requests may now send null") } else { Verdict::breaking("requests that send null are refused") },
                    || if added { Verdict::breaking("base clients may not accept null where this type is required") } else { Verdict::ok("servers stop sending null") },
                ),
            );
        }
        if let (Some(_), Some(_)) = (b.get("enum"), h.get("enum")) {
            let open = h.get("type").and_then(Value::as_str) == Some("string");
            let ty = self.head.rust_type(name);
            self.enum_members(name, b, h, usage, open, &ty);
        }
        if b.get("properties").is_some() || h.get("properties").is_some() {
            let place = Place {
                component: name,
                label: name.to_string(),
                top_level: true,
                usage,
            };
            self.object(&place, b, h);
        }
        if let (Some(bi), Some(hi)) = (b.get("items"), h.get("items")) {
            self.nested(name, &format!("{name}[]"), bi, hi, usage);
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            let (x, y) = (b.get(key).map(strip_docs), h.get(key).map(strip_docs));
            if x != y && (x.is_some() || y.is_some()) {
                self.push(
                    Area::Schema,
                    name.to_string(),
                    format!("`{key}` changed"),
                    Some(usage),
                    Verdict::breaking(
                        "the generated type may change; see the generated code below",
                    ),
                    by_direction(
                        usage,
                        || Verdict::breaking("the accepted shapes changed"),
                        || Verdict::breaking("the shapes sent changed"),
                    ),
                );
            }
        }
    }

    /// An inline schema nested under a component: only its own shape,
    /// enum and properties are compared.
    fn nested(&mut self, component: &str, label: &str, b: &Value, h: &Value, usage: Usage) {
        if shape(b) != shape(h) {
            // Reported by the holder as a type change.
            return;
        }
        if b.get("enum").is_some() && h.get("enum").is_some() {
            self.enum_members(label, b, h, usage, false, &format!("the enum of `{label}`"));
        }
        if b.get("properties").is_some() || h.get("properties").is_some() {
            let place = Place {
                component,
                label: label.to_string(),
                top_level: false,
                usage,
            };
            self.object(&place, b, h);
        }
        if let (Some(bi), Some(hi)) = (b.get("items"), h.get("items")) {
            self.nested(component, &format!("{label}[]"), bi, hi, usage);
        }
    }

    /// `open`: the enum is a component string enum, generated as an open
    /// `#[non_exhaustive]` enum with `Unrecognized`; otherwise typify makes a
    /// closed one.
    fn enum_members(
        &mut self,
        subject: &str,
        b: &Value,
        h: &Value,
        usage: Usage,
        open: bool,
        ty: &str,
    ) {
        let members = |n: &Value| -> Vec<Value> {
            n.get("enum")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (old, new) = (members(b), members(h));
        let text = |m: &Value| m.as_str().map_or_else(|| m.to_string(), str::to_string);
        let rust_ty = if open {
            format!("`types::{ty}`")
        } else {
            ty.to_string()
        };
        for m in new.iter().filter(|m| !old.contains(m)) {
            let (value, variant) = (text(m), pascal_case(&text(m)));
            let rust = if open {
                Verdict::ok(format!(
                    "{rust_ty} is `#[non_exhaustive]`, so matches already have a wildcard arm; `{value}` used to arrive as `Unrecognized(\"{value}\")` and now as `{variant}`"
                ))
            } else {
                Verdict::breaking(format!(
                    "{rust_ty} is a closed typify enum: exhaustive matches miss the new variant"
                ))
            };
            let wire = by_direction(
                usage,
                || Verdict::ok("existing callers never send it"),
                || {
                    if open {
                        Verdict::ok(format!(
                            "base clients read it as `Unrecognized(\"{value}\")`"
                        ))
                    } else {
                        Verdict::breaking(format!(
                            "base clients fail to deserialize `{value}` (closed enum)"
                        ))
                    }
                },
            );
            self.push(
                Area::Schema,
                subject.to_string(),
                format!("enum member `{value}` added"),
                Some(usage),
                rust,
                wire,
            );
        }
        for m in old.iter().filter(|m| !new.contains(m)) {
            let (value, variant) = (text(m), pascal_case(&text(m)));
            let wire = by_direction(
                usage,
                || Verdict::breaking(format!("callers that send `{value}` are refused")),
                || {
                    if open {
                        Verdict::ok(format!(
                            "base clients just stop receiving it; stored `{value}` values read as `Unrecognized(\"{value}\")`"
                        ))
                    } else {
                        Verdict::breaking(format!(
                            "stored responses with `{value}` no longer deserialize (closed enum)"
                        ))
                    }
                },
            );
            self.push(
                Area::Schema,
                subject.to_string(),
                format!("enum member `{value}` removed"),
                Some(usage),
                Verdict::breaking(format!(
                    "variant `{variant}` of {rust_ty} is gone; code naming it no longer compiles"
                )),
                wire,
            );
        }
    }

    fn object(&mut self, place: &Place<'_>, b: &Value, h: &Value) {
        let empty = serde_json::Map::new();
        let props = |n: &Value| {
            n.get("properties")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
                .clone()
        };
        let (old, new) = (props(b), props(h));
        let (old_req, new_req) = (required_set(b), required_set(h));
        let mut removed: Vec<String> = old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect();
        let mut added: Vec<String> = new
            .keys()
            .filter(|k| !old.contains_key(*k))
            .cloned()
            .collect();

        // A removed and an added property with the same schema: a rename.
        let mut renames = Vec::new();
        removed.retain(|r| {
            let found = added
                .iter()
                .position(|a| strip_docs(&old[r]) == strip_docs(&new[a]));
            match found {
                Some(i) => {
                    renames.push((r.clone(), added.remove(i)));
                    false
                }
                None => true,
            }
        });

        let base_ty = self.type_label(place, &self.base_side_name(place));
        for (r, a) in &renames {
            let rust = Verdict::breaking(format!(
                "field `{}` of {base_ty} becomes `{}`; code using the old name no longer compiles",
                self.field_name(place, r, true),
                self.field_name(place, a, false)
            ));
            let wire = by_direction(
                place.usage,
                || {
                    Verdict::breaking(format!(
                        "the server reads `{a}`; existing callers send `{r}`"
                    ))
                },
                || {
                    Verdict::breaking(format!(
                        "base clients look for `{r}` and miss the value (it lands in `extra` as `{a}`)"
                    ))
                },
            );
            self.push(
                Area::Schema,
                place.label.clone(),
                format!("property `{r}` renamed to `{a}` (seen as removed + added)"),
                Some(place.usage),
                rust,
                wire,
            );
        }
        for r in &removed {
            let was_required = old_req.contains(r);
            let refused = extra(h) == Extra::Refused;
            let rust = Verdict::breaking(format!(
                "field `{}` of {base_ty} is gone; code using it no longer compiles",
                self.field_name(place, r, true)
            ));
            let wire = by_direction(
                place.usage,
                || {
                    Verdict::breaking(if refused {
                        format!(
                            "requests that send `{r}` are refused (`additionalProperties: false`)"
                        )
                    } else {
                        format!(
                            "the server no longer reads `{r}`; callers that send it are ignored"
                        )
                    })
                },
                || {
                    if was_required {
                        Verdict::breaking(format!(
                            "base clients require `{r}` and fail once the server omits it"
                        ))
                    } else if refused {
                        Verdict::breaking(format!(
                            "stored responses that carry `{r}` are refused (`additionalProperties: false`)"
                        ))
                    } else {
                        Verdict::ok(
                            "it was optional, so base clients already handle its absence; stored responses that carry it still parse",
                        )
                    }
                },
            );
            self.push(
                Area::Schema,
                place.label.clone(),
                format!(
                    "property `{r}` removed (was {})",
                    if was_required { "required" } else { "optional" }
                ),
                Some(place.usage),
                rust,
                wire,
            );
        }
        for a in &added {
            let required = new_req.contains(a);
            let old_extra = extra(b);
            let head_ty = self.type_label(place, &self.head_side_name(place));
            let rust = Verdict::breaking(format!(
                "new pub field `{}` in {head_ty}: struct literals without it no longer compile (adding a public field to a struct with no private fields is a major change){}",
                self.field_name(place, a, false),
                if required {
                    "; builders fail at `try_into` until it is set"
                } else {
                    "; builders are unaffected"
                }
            ));
            let wire = by_direction(
                place.usage,
                || {
                    if required {
                        Verdict::breaking(format!("existing requests lack `{a}` and are refused"))
                    } else {
                        Verdict::ok("existing requests simply omit it")
                    }
                },
                || {
                    if required {
                        Verdict::breaking(format!(
                            "stored responses without `{a}` no longer deserialize in the regenerated client"
                        ))
                    } else if old_extra == Extra::Refused {
                        Verdict::breaking(format!(
                            "base clients refuse the unknown `{a}` (`additionalProperties: false`)"
                        ))
                    } else if old_extra == Extra::Kept {
                        Verdict::ok(
                            "base clients keep it in `extra`; stored responses without it read as `None`",
                        )
                    } else {
                        Verdict::ok(
                            "base clients ignore it; stored responses without it read as `None`",
                        )
                    }
                },
            );
            self.push(
                Area::Schema,
                place.label.clone(),
                format!(
                    "property `{a}` added ({})",
                    if required { "required" } else { "optional" }
                ),
                Some(place.usage),
                rust,
                wire,
            );
        }
        for (p, bp) in &old {
            let Some(hp) = new.get(p) else { continue };
            self.property(place, p, bp, hp, old_req.contains(p), new_req.contains(p));
        }
        self.extra_change(place, b, h);
    }

    fn extra_change(&mut self, place: &Place<'_>, b: &Value, h: &Value) {
        let (old, new) = (extra(b), extra(h));
        if old == new {
            return;
        }
        let show = |e: Extra| match e {
            Extra::Refused => "refused (`false`)",
            Extra::Ignored => "allowed (absent)",
            Extra::Kept => "kept in `extra`",
        };
        let ty = self.type_label(place, &self.head_side_name(place));
        let rust = if (old == Extra::Kept) != (new == Extra::Kept) {
            Verdict::breaking(format!(
                "the `extra` field of {ty} is {}; struct literals and code using it no longer compile",
                if new == Extra::Kept {
                    "added"
                } else {
                    "removed"
                }
            ))
        } else {
            Verdict::ok(format!("{ty} keeps the same fields"))
        };
        let wire = by_direction(
            place.usage,
            || {
                if new == Extra::Refused {
                    Verdict::breaking("requests with other properties are refused")
                } else {
                    Verdict::ok("requests stay acceptable")
                }
            },
            || {
                if new == Extra::Refused {
                    Verdict::breaking("stored responses with other properties no longer parse")
                } else if old == Extra::Refused {
                    Verdict::breaking(
                        "base clients refuse the other properties the server may now send",
                    )
                } else {
                    Verdict::ok("other properties stay readable")
                }
            },
        );
        self.push(
            Area::Schema,
            place.label.clone(),
            format!("other properties: {} → {}", show(old), show(new)),
            Some(place.usage),
            rust,
            wire,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn property(
        &mut self,
        place: &Place<'_>,
        p: &str,
        bp: &Value,
        hp: &Value,
        was_required: bool,
        is_required: bool,
    ) {
        let label = place.label.clone();
        let usage = place.usage;
        let (old_shape, new_shape) = (shape(bp), shape(hp));
        let (old_null, new_null) = (nullable(bp), nullable(hp));
        let field = self.field_name(place, p, false);
        let ty = self.type_label(place, &self.head_side_name(place));
        let base_field_ty = self.field_type(place, p, true);
        let head_field_ty = self.field_type(place, p, false);

        if old_shape != new_shape {
            let same_json = match (ref_name(bp), ref_name(hp)) {
                (Some(x), Some(y)) => match (self.base.schema(&x), self.head.schema(&y)) {
                    (Some(a), Some(z)) => strip_docs(a) == strip_docs(z),
                    _ => false,
                },
                _ => false,
            };
            let rust = match (&base_field_ty, &head_field_ty) {
                (Some(a), Some(z)) if a != z => {
                    Verdict::breaking(format!("`{field}` of {ty} changes from `{a}` to `{z}`"))
                }
                _ => Verdict::breaking(format!("`{field}` of {ty} changes type")),
            };
            let wire = if same_json {
                Verdict::ok("the JSON shape is the same under another schema name")
            } else {
                let wider = widens(bp, hp);
                by_direction(
                    usage,
                    || {
                        if wider {
                            Verdict::ok(format!("every {old_shape} is also a valid {new_shape}"))
                        } else {
                            Verdict::breaking(format!(
                                "requests that send `{p}` as {old_shape} are refused"
                            ))
                        }
                    },
                    || {
                        Verdict::breaking(format!(
                            "base clients expect {old_shape}, and the server may now send {new_shape} values they cannot read"
                        ))
                    },
                )
            };
            self.push(
                Area::Schema,
                label.clone(),
                format!("property `{p}` changes type from {old_shape} to {new_shape}"),
                Some(usage),
                rust,
                wire,
            );
        } else {
            let nested_label = format!("{label}.{p}");
            self.nested(place.component, &nested_label, bp, hp, usage);
        }

        // Option<T> exactly when the property is optional or nullable.
        let was_option = !was_required || old_null;
        let is_option = !is_required || new_null;
        let option_rust = |what: &str| -> Verdict {
            if was_option == is_option {
                Verdict::ok(format!(
                    "`{field}` of {ty} stays {}{what}",
                    if is_option {
                        "an `Option`"
                    } else {
                        "a plain value"
                    }
                ))
            } else {
                let show =
                    |t: &Option<String>| t.clone().map(|t| format!(" (`{t}`)")).unwrap_or_default();
                Verdict::breaking(format!(
                    "`{field}` of {ty} changes from {}{} to {}{}",
                    if was_option {
                        "an `Option`"
                    } else {
                        "a plain value"
                    },
                    show(&base_field_ty),
                    if is_option {
                        "an `Option`"
                    } else {
                        "a plain value"
                    },
                    show(&head_field_ty),
                ))
            }
        };

        if old_null != new_null {
            let rust = option_rust("");
            let wire = if new_null {
                by_direction(
                    usage,
                    || Verdict::ok("requests may now send null; existing ones are unaffected"),
                    || {
                        if was_option {
                            Verdict::ok(
                                "base clients read null as `None` (the field is already an `Option`)",
                            )
                        } else {
                            Verdict::breaking("base clients hold a plain value and fail on null")
                        }
                    },
                )
            } else {
                by_direction(
                    usage,
                    || {
                        if was_required {
                            Verdict::breaking(
                                "the base client sends null when the field is `None`; the server now refuses it",
                            )
                        } else {
                            Verdict::ok(
                                "the base client omits `None` rather than sending null (other HTTP callers that send null are refused)",
                            )
                        }
                    },
                    || {
                        if is_option {
                            Verdict::ok(
                                "the regenerated client still reads a stored null as `None` (the field stays an `Option`)",
                            )
                        } else {
                            Verdict::breaking(
                                "stored responses with null no longer deserialize into the plain field",
                            )
                        }
                    },
                )
            };
            self.push(
                Area::Schema,
                label.clone(),
                format!(
                    "property `{p}`: nullable {}",
                    if new_null { "added" } else { "removed" }
                ),
                Some(usage),
                rust,
                wire,
            );
        }

        if was_required != is_required {
            let rust = option_rust(if is_required {
                " (builders now fail at `try_into` until it is set)"
            } else {
                ""
            });
            let wire = if is_required {
                by_direction(
                    usage,
                    || Verdict::breaking(format!("requests without `{p}` are refused")),
                    || {
                        Verdict::breaking(format!(
                            "stored responses without `{p}` no longer deserialize in the regenerated client"
                        ))
                    },
                )
            } else {
                by_direction(
                    usage,
                    || Verdict::ok("requests that send it stay valid"),
                    || {
                        Verdict::breaking(format!(
                            "the server may now omit `{p}`, and base clients, where it is required, fail on such responses"
                        ))
                    },
                )
            };
            self.push(
                Area::Schema,
                label,
                format!(
                    "property `{p}` made {}",
                    if is_required { "required" } else { "optional" }
                ),
                Some(usage),
                rust,
                wire,
            );
        }
    }

    // ---- Rust names -----------------------------------------------------------

    fn base_side_name(&self, place: &Place<'_>) -> String {
        self.base.rust_type(place.component)
    }

    fn head_side_name(&self, place: &Place<'_>) -> String {
        self.head.rust_type(place.component)
    }

    /// `` `types::Thing` `` for a component, or a description of the
    /// generated type of a nested object.
    fn type_label(&self, place: &Place<'_>, component_type: &str) -> String {
        if place.top_level {
            format!("`types::{component_type}`")
        } else {
            format!("the type generated for `{}`", place.label)
        }
    }

    fn field_name(&self, place: &Place<'_>, property: &str, base: bool) -> String {
        let side = if base { self.base } else { self.head };
        if place.top_level
            && let Some((name, _)) = side.rust_field(place.component, property)
        {
            return name;
        }
        snake_case(property)
    }

    fn field_type(&self, place: &Place<'_>, property: &str, base: bool) -> Option<String> {
        if !place.top_level {
            return None;
        }
        let side = if base { self.base } else { self.head };
        side.rust_field(place.component, property).map(|(_, ty)| ty)
    }
}
