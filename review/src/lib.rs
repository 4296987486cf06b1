//! Spec lint and pull-request review for the createOrGet spec.
//!
//! [`lint`] checks the spec and its examples; [`review`] compares two
//! versions of the spec and of the generated client and classifies every
//! change from the point of view of Rust code that uses the crate and of
//! the wire. Both are pure; [`cli`] reads files and git for `cargo xtask`,
//! and runs the review's compile step (`compile/`: `cargo check` in a
//! scratch copy of the tree).

mod api;
pub mod cli;
mod compile;
mod example_sites;
mod json_schema;
mod lint;
mod review;
mod spec;
mod validate;

pub use crate::api::{ApiChange, Currency};
pub use crate::compile::{
    CompileCheck, CompileError, CompileOptions, CompileResult, MAX_ERRORS, Part, PartStatus,
};
pub use crate::lint::{Check, Finding, LintOptions, lint, lint_with};
pub use crate::review::{Area, Change, FailOn, Report, ReviewError, Verdict, review};
pub use crate::spec::Usage;
pub use crate::validate::NullableReading;
