//! The verdicts for changes of an operation.

use super::{breaking, breaking_if, ok};
use crate::review::Verdict;
use crate::review::model::OperationChange;

/// `(rust, wire)` for a change of an operation.
pub(in crate::review) fn operation(change: &OperationChange) -> (Verdict, Verdict) {
    use OperationChange as C;
    let status_rust = || {
        ok("status handling is inside `send()`; its signature only changes if the body type does")
    };
    match change {
        C::Removed(op) => (
            breaking(format!(
                "`Client::{}` and `builder::{}` are gone; code calling them no longer compiles",
                op.method, op.builder
            )),
            breaking("callers of this endpoint get an error: the server no longer offers it"),
        ),
        C::Moved { names, from } => (
            ok(format!("`Client::{}` keeps its name", names.method)),
            breaking(format!(
                "requests to `{from}` no longer reach the operation"
            )),
        ),
        C::Added(op) => (
            ok(format!(
                "new method `Client::{}`; existing code is untouched",
                op.method
            )),
            ok("a new endpoint; existing requests are untouched"),
        ),
        C::IdRenamed { old, new } => (
            breaking(format!(
                "`Client::{}` becomes `Client::{}` (and `builder::{}` becomes `builder::{}`)",
                old.method, new.method, old.builder, new.builder
            )),
            ok("same method and path; the operationId never goes on the wire"),
        ),
        C::SecurityChanged { unmet, .. } => (
            ok("authentication is not part of the generated API"),
            match unmet {
                Some(need) => breaking(format!(
                    "a caller whose token met a base requirement may lack {need}, which the head requires"
                )),
                None => ok(
                    "every caller that met a base requirement sends the same credential with every scope the head requires",
                ),
            },
        ),
        C::RequestMediaTypeChanged { old, new } => (
            ok(format!(
                "`body()` takes the same type; the request is encoded as `{new}` instead of `{old}`"
            )),
            breaking(format!(
                "the body goes out as `{new}`; a server that reads `{old}` refuses it"
            )),
        ),
        C::PathParameterRenamed { old, new } => (
            breaking(format!(
                "the setter `{}::{}()` becomes `{}()`",
                new.builder, old.setter, new.setter
            )),
            ok("the URL has the same shape; a parameter's name never goes on the wire"),
        ),
        C::ParameterRenamed { old, new } => (
            breaking(format!(
                "the setter `{}::{}()` becomes `{}()`",
                new.builder, old.setter, new.setter
            )),
            breaking(format!(
                "the server reads `{}`; existing callers send `{}`",
                new.name, old.name
            )),
        ),
        C::ParameterRemoved(p) => (
            breaking(format!(
                "the setter `{}::{}()` is gone",
                p.builder, p.setter
            )),
            breaking(format!(
                "the server no longer reads `{}`; callers that send it lose its effect",
                p.name
            )),
        ),
        C::ParameterAdded { param: p, required } => (
            ok(format!(
                "new setter `{}::{}()`; existing call chains still compile{}",
                p.builder,
                p.setter,
                if *required {
                    " (but `send()` returns `Error::InvalidRequest` until they set it)"
                } else {
                    ""
                }
            )),
            breaking_if(
                *required,
                format!("existing requests lack `{}` and are refused", p.name),
                "existing requests simply omit it",
            ),
        ),
        C::ParameterRequiredChanged { param: p, required } => {
            let setter = format!("{}::{}()", p.builder, p.setter);
            if *required {
                (
                    ok(format!(
                        "`{setter}` is unchanged, but `send()` returns `Error::InvalidRequest` until callers set it"
                    )),
                    breaking(format!("requests without `{}` are refused", p.name)),
                )
            } else {
                (
                    ok(format!("`{setter}` is unchanged")),
                    ok("requests that send it stay valid"),
                )
            }
        }
        C::ParameterTypeChanged { param: p, .. } => (
            breaking(format!(
                "`{}::{}()` takes another type",
                p.builder, p.setter
            )),
            breaking("values of the old type are refused"),
        ),
        C::RequestBodyAdded { required } => (
            ok("new setters `body()` and `body_map()`; existing call chains still compile"),
            breaking_if(
                *required,
                "existing requests have no body and are refused",
                "existing requests may still omit it",
            ),
        ),
        C::RequestBodyRemoved => (
            breaking("the setters `body()` and `body_map()` are gone"),
            breaking("the server no longer reads a body; what callers send is ignored or refused"),
        ),
        C::RequestBodyRequiredChanged { required } => (
            ok("the `body()` setter is unchanged"),
            breaking_if(
                *required,
                "requests without a body are refused",
                "requests with a body stay valid",
            ),
        ),
        C::RequestBodyChanged { .. } => (
            breaking("`body()` takes another type"),
            breaking("bodies of the old shape are refused"),
        ),
        C::ResponseAdded {
            code,
            success,
            covered,
        } => {
            let wire = match (success, covered) {
                (true, true) => ok("base clients already accept it through a range"),
                (true, false) => breaking(format!(
                    "a client generated from the base spec treats a `{code}` answer as `Error::UnexpectedResponse`"
                )),
                (false, true) => {
                    ok("base clients already handle it as an error response through a range")
                }
                (false, false) => ok(
                    "base clients still report it as an error (`Error::UnexpectedResponse`, body unparsed)",
                ),
            };
            (status_rust(), wire)
        }
        C::ResponseRemoved {
            code,
            success,
            covered,
        } => {
            let wire = if *covered {
                ok("a range still covers it, so it is handled as before")
            } else if *success {
                breaking(format!(
                    "the regenerated client treats a `{code}` answer (from a server not yet changed, or a recorded exchange) as `Error::UnexpectedResponse`"
                ))
            } else {
                breaking(format!(
                    "the regenerated client no longer parses the body of a `{code}`; it returns `Error::UnexpectedResponse`"
                ))
            };
            (status_rust(), wire)
        }
        C::ResponseBodyChanged { old, .. } => (
            breaking("`send()` returns another type"),
            breaking_if(
                old.is_some(),
                "base clients cannot read the new body, and stored responses no longer parse",
                "base clients ignore the new body",
            ),
        ),
    }
}
