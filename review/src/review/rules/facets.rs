//! The verdicts for changes of what a schema accepts without changing its
//! shape: validation keywords, `default`, and the `readOnly`, `writeOnly`
//! and `deprecated` flags.
//!
//! For Rust, what counts is whether the generated field keeps its type:
//! typify picks `NonZeroU64` for `minimum: 1`, a constrained newtype for a
//! string with `minLength` or `pattern` (which codegen refuses unless the
//! hand-written layer enforces it), and a plain `T` for a property with a
//! `default`. The rule compares the field's type in the two generated files;
//! a head that does not generate fails the report on its own.

use super::{Wire, breaking, breaking_if, directions, ok};
use crate::review::Verdict;
use crate::review::model::{FacetChange, Field};

/// `(rust, wire)` for a constraint, default or flag change of the property
/// `name` (or of the schema itself).
pub(super) fn rule(
    name: Option<&str>,
    field: Option<&Field>,
    change: &FacetChange,
) -> (Verdict, Wire) {
    let what = name.unwrap_or("the value");
    let rust = field_rust(field);
    match change {
        FacetChange::Constraint {
            keyword, tightens, ..
        } => (
            rust,
            directions(
                breaking_if(
                    *tightens,
                    format!("callers sending values outside the new `{keyword}` are refused"),
                    "every value callers sent before is still accepted",
                ),
                ok(format!(
                    "this client does not check `{keyword}` on what it reads, so responses parse as before"
                )),
            ),
        ),
        FacetChange::Default { old, new } => (
            rust,
            directions(
                match (old, new) {
                    (_, Some(new)) => breaking(format!(
                        "callers that never set `{what}` now send {new}, where they sent {}",
                        old.as_deref().unwrap_or("nothing")
                    )),
                    (Some(old), None) => breaking(format!(
                        "callers that never set `{what}` now send nothing, where they sent {old}"
                    )),
                    (None, None) => ok("no default either way"),
                },
                match (old, new) {
                    (None, Some(_)) => ok(format!(
                        "base clients read a missing `{what}` as absent; the default only names what absence means"
                    )),
                    (Some(old), _) => breaking(format!(
                        "base clients fill a missing `{what}` with {old}, which the server no longer means"
                    )),
                    (None, None) => ok("no default either way"),
                },
            ),
        ),
        FacetChange::Flag {
            flag,
            added,
            required,
        } => {
            let wire = match (*flag, *added) {
                ("readOnly", true) => directions(
                    breaking(format!(
                        "callers that set `{what}` send a read-only property, which the server may refuse or ignore"
                    )),
                    ok("the server still sends it"),
                ),
                ("writeOnly", true) => directions(
                    ok("callers still send it"),
                    breaking_if(
                        *required,
                        format!("the server stops sending `{what}`, which base clients require"),
                        format!(
                            "the server stops sending `{what}`; base clients read it as absent"
                        ),
                    ),
                ),
                ("deprecated", _) => {
                    Wire::Same(ok("a deprecation changes nothing on the wire yet"))
                }
                _ => Wire::Same(ok(format!(
                    "dropping `{flag}` allows what was allowed before, and more"
                ))),
            };
            (rust, wire)
        }
    }
}

/// Whether the generated field keeps its type (known for the properties
/// of a component's own struct; otherwise the generated-code section of
/// the report shows it).
fn field_rust(field: Option<&Field>) -> Verdict {
    let Some(field) = field else {
        return ok("no generated signature names it; see the generated code below");
    };
    match (&field.base_type, &field.head_type) {
        (Some(old), Some(new)) if old != new => breaking(format!(
            "`{}` of {} changes from `{old}` to `{new}`",
            field.name, field.holder
        )),
        (Some(_), Some(_)) => ok(format!(
            "`{}` of {} keeps its type",
            field.name, field.holder
        )),
        _ => ok(format!(
            "the type of `{}` is shown in the generated code below",
            field.name
        )),
    }
}
