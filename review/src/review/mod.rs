//! `cargo xtask review`: what a spec change does to clients.
//!
//! The review is split by concern: [`model`] is what changed (a typed list
//! of changes, found by [`operations`] and [`schemas`] on the two [`side`]s),
//! [`rules`] judges each change for Rust and for the wire with a one-line
//! reason, and [`render`] writes the report. Which of the two message
//! directions applies comes from where a schema is used, found by walking
//! from each operation's parameters and request body (requests) and
//! responses (responses) through `$ref`s.

mod model;
mod node;
mod operations;
mod render;
mod rules;
mod schemas;
mod side;

use std::fmt;

use graph_online_meetings_codegen as codegen;

use self::model::{Found, SpecChange};
use self::side::{Differ, Side};
use crate::api::{self, ApiChange, ApiSide, Currency};
use crate::compile::CompileCheck;
use crate::spec::Usage;

/// A judgement from one point of view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub breaking: bool,
    /// One line: why.
    pub reason: String,
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
    /// Whether the regenerated crate and the code around it compile: set
    /// by `cargo xtask review` (the pure [`review()`] leaves it `None`, and
    /// the report then has no compile section).
    pub compile: Option<CompileCheck>,
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

    /// Whether the compile step ran and something does not compile; that
    /// is Rust-breaking whatever the spec changes say.
    pub fn compile_fails(&self) -> bool {
        self.compile.as_ref().is_some_and(CompileCheck::fails)
    }

    /// Whether the report should fail the build.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        let rust = self.rust_breaking() > 0
            || self.api_breaking() > 0
            || self.compile_fails()
            || matches!(self.currency, Currency::CannotGenerate(_));
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
    // Read without generation's checks: a head that does not generate is
    // still reviewed, and the report says it does not generate.
    // Nullable references are compared in one form, so that the 3.0.3 form
    // and the older `nullable` + `allOf` one read as the same schema.
    let base = codegen::read_spec(base_spec, codegen::SPEC_PATH)
        .map_err(|e| ReviewError::BaseSpec(one_line(e)))?
        .with_plain_nullable_refs();
    let head = codegen::read_spec(head_spec, codegen::SPEC_PATH)
        .map_err(|e| ReviewError::HeadSpec(one_line(e)))?
        .with_plain_nullable_refs();

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

    let base_side = Side::new(&base, base_api.and_then(Result::ok));
    // A head that does not generate has no generated types of its own; the
    // committed file is the base's, so it cannot tell the head's field types.
    let head_api = match currency {
        Currency::CannotGenerate(_) => None,
        _ => head_api.and_then(Result::ok),
    };
    let head_side = Side::new(&head, head_api);
    let mut diff = Differ {
        base: &base_side,
        head: &head_side,
        found: Vec::new(),
    };
    diff.operations();
    diff.schemas();
    Ok(Report {
        base_label: "base".to_string(),
        head_label: "head".to_string(),
        changes: diff.found.into_iter().map(judge).collect(),
        api_changes,
        api_note,
        currency,
        compile: None,
    })
}

/// A change found, with its two verdicts from [`rules`].
fn judge(found: Found) -> Change {
    match found.change {
        SpecChange::Operation(change) => {
            let (rust, wire) = rules::operation(&change);
            Change {
                area: Area::Operation,
                subject: found.subject,
                description: change.description(),
                usage: None,
                rust,
                wire,
            }
        }
        SpecChange::Schema { usage, change } => {
            let (rust, wire) = rules::schema(&change);
            Change {
                area: Area::Schema,
                subject: found.subject,
                description: change.description(),
                usage: Some(usage),
                rust,
                wire: wire.for_usage(usage),
            }
        }
    }
}
