//! The verdict rules: for every kind of change, the Rust verdict and the
//! wire verdict, each with its one-line reason. This is the only place that
//! decides what breaks.
//!
//! - **Rust**: does code that uses the generated crate still compile? The
//!   generated structs are `#[non_exhaustive]` and built through their
//!   builders, so a new optional field does not break; string enums of the
//!   components are open and `#[non_exhaustive]`, so a new variant does not.
//! - **Wire**: do existing exchanges still work? Requests that a caller of
//!   the base client sends must stay acceptable; responses the head server
//!   sends must stay readable by the base client, and stored responses
//!   (valid under the base spec) must stay readable by the regenerated
//!   client. "Readable" means by this client: unknown properties land in
//!   `extra` (or are ignored), unknown members of open enums become
//!   `Unrecognized`, and an `Option` field reads null as `None`.

//!
//! [`operations`] holds the rules for operation changes, [`schemas`] those
//! for schema changes; each arm of their `match` is one row of the table.

mod facets;
mod operations;
mod schemas;

pub(super) use self::operations::operation;
pub(super) use self::schemas::schema;

use super::Verdict;
use crate::spec::Usage;

pub(super) fn ok(reason: impl Into<String>) -> Verdict {
    Verdict {
        breaking: false,
        reason: reason.into(),
    }
}

pub(super) fn breaking(reason: impl Into<String>) -> Verdict {
    Verdict {
        breaking: true,
        reason: reason.into(),
    }
}

/// `breaking(…)` when `cond`, else `ok(…)`.
pub(super) fn breaking_if(cond: bool, yes: impl Into<String>, no: impl Into<String>) -> Verdict {
    if cond { breaking(yes) } else { ok(no) }
}

/// The wire verdict of a schema change: one for both directions, or one
/// per direction, combined by where the schema travels.
pub(in crate::review) enum Wire {
    Same(Verdict),
    ByDirection { request: Verdict, response: Verdict },
}

impl Wire {
    pub(in crate::review) fn for_usage(self, usage: Usage) -> Verdict {
        let (request, response) = match self {
            Wire::Same(verdict) => return verdict,
            Wire::ByDirection { request, response } => (request, response),
        };
        match (usage.request, usage.response) {
            (false, false) => ok("no operation sends or receives this schema"),
            (true, false) => request,
            (false, true) => response,
            (true, true) => Verdict {
                breaking: request.breaking || response.breaking,
                reason: format!(
                    "in requests, {}; in responses, {}",
                    request.reason, response.reason
                ),
            },
        }
    }
}

pub(super) fn directions(request: Verdict, response: Verdict) -> Wire {
    Wire::ByDirection { request, response }
}
