//! The verdicts for changes of a schema, by where it travels.

use super::{Wire, breaking, breaking_if, directions, ok};
use crate::review::Verdict;
use crate::review::model::{Extra, Field, Optionality, SchemaChange};

/// The Rust verdict of a field that may change between `T` and `Option<T>`;
/// `what` is added to the reason when it stays the same.
fn option_rust(field: &Field, option: Optionality, what: &str) -> Verdict {
    let kind = |is_option: bool| {
        if is_option {
            "an `Option`"
        } else {
            "a plain value"
        }
    };
    let Field { name, holder, .. } = field;
    if option.was_option == option.is_option {
        return ok(format!(
            "`{name}` of {holder} stays {}{what}",
            kind(option.is_option)
        ));
    }
    let show = |t: &Option<String>| t.clone().map(|t| format!(" (`{t}`)")).unwrap_or_default();
    breaking(format!(
        "`{name}` of {holder} changes from {}{} to {}{}",
        kind(option.was_option),
        show(&field.base_type),
        kind(option.is_option),
        show(&field.head_type),
    ))
}

/// `(rust, wire)` for a change of a schema.
pub(in crate::review) fn schema(change: &SchemaChange) -> (Verdict, Wire) {
    use SchemaChange as C;
    match change {
        C::Removed { rust_type } => (
            breaking(format!(
                "type `types::{rust_type}` is gone; code naming it no longer compiles"
            )),
            Wire::Same(ok(
                "a schema name never goes on the wire; its uses are judged where they changed",
            )),
        ),
        C::Added { rust_type } => (
            ok(format!("new type `types::{rust_type}`")),
            Wire::Same(ok(
                "a new schema changes nothing until an operation uses it",
            )),
        ),
        C::TypeChanged { rust_type, .. } => (
            breaking(format!("`types::{rust_type}` is generated differently")),
            directions(
                breaking("requests of the old shape are refused"),
                breaking(
                    "base clients cannot read the new shape, and stored responses no longer parse",
                ),
            ),
        ),
        // typify wraps the uses of a nullable named type in Option.
        C::NullableChanged {
            every_use_nullable: true,
            ..
        } => (
            ok(
                "every use of the type accepts null on both sides; any field whose type changes is listed in the generated code below",
            ),
            Wire::Same(ok(
                "every use of this schema accepts null on both sides; the values accepted do not change",
            )),
        ),
        C::ItemsNullableChanged { added } => (
            breaking(if *added {
                "the items change from `T` to `Option<T>`"
            } else {
                "the items change from `Option<T>` to `T`"
            }),
            if *added {
                directions(
                    ok("requests may now send null items"),
                    breaking("the server may now send null items, which base clients refuse"),
                )
            } else {
                directions(
                    breaking("requests with null items are refused"),
                    ok("servers stop sending null items"),
                )
            },
        ),
        C::NullableChanged { added, .. } => (
            breaking(
                "fields that use this type may change between `T` and `Option<T>`; see the generated code below",
            ),
            if *added {
                directions(
                    ok("requests may now send null"),
                    breaking("base clients may not accept null where this type is required"),
                )
            } else {
                directions(
                    breaking("requests that send null are refused"),
                    ok("servers stop sending null"),
                )
            },
        ),
        C::EnumMemberAdded {
            value,
            variant,
            enum_type,
            open,
        } => {
            let (rust, response) = if *open {
                (
                    ok(format!(
                        "{enum_type} is `#[non_exhaustive]`, so matches already have a wildcard arm; `{value}` used to arrive as `Unrecognized(\"{value}\")` and now as `{variant}`"
                    )),
                    ok(format!(
                        "base clients read it as `Unrecognized(\"{value}\")`"
                    )),
                )
            } else {
                (
                    breaking(format!(
                        "{enum_type} is a closed typify enum: exhaustive matches miss the new variant"
                    )),
                    breaking(format!(
                        "base clients fail to deserialize `{value}` (closed enum)"
                    )),
                )
            };
            (
                rust,
                directions(ok("existing callers never send it"), response),
            )
        }
        C::EnumMemberRemoved {
            value,
            variant,
            enum_type,
            open,
        } => (
            breaking(format!(
                "variant `{variant}` of {enum_type} is gone; code naming it no longer compiles"
            )),
            directions(
                breaking(format!("callers that send `{value}` are refused")),
                breaking_if(
                    !open,
                    format!("stored responses with `{value}` no longer deserialize (closed enum)"),
                    format!(
                        "base clients just stop receiving it; stored `{value}` values read as `Unrecognized(\"{value}\")`"
                    ),
                ),
            ),
        ),
        C::CompositionChanged { .. } => (
            breaking("the generated type may change; see the generated code below"),
            directions(
                breaking("the accepted shapes changed"),
                breaking("the shapes sent changed"),
            ),
        ),
        C::PropertyRenamed {
            old,
            new,
            old_field,
            new_field,
            holder,
        } => (
            breaking(format!(
                "field `{old_field}` of {holder} becomes `{new_field}`; code using the old name no longer compiles"
            )),
            directions(
                breaking(format!(
                    "the server reads `{new}`; existing callers send `{old}`"
                )),
                breaking(format!(
                    "base clients look for `{old}` and miss the value (it lands in `extra` as `{new}`)"
                )),
            ),
        ),
        C::PropertyRemoved {
            name,
            field,
            was_required,
            refused,
        } => {
            let request = breaking(if *refused {
                format!("requests that send `{name}` are refused (`additionalProperties: false`)")
            } else {
                format!("the server no longer reads `{name}`; callers that send it are ignored")
            });
            let response = if *was_required {
                breaking(format!(
                    "base clients require `{name}` and fail once the server omits it"
                ))
            } else if *refused {
                breaking(format!(
                    "stored responses that carry `{name}` are refused (`additionalProperties: false`)"
                ))
            } else {
                ok(
                    "it was optional, so base clients already handle its absence; stored responses that carry it still parse",
                )
            };
            (
                breaking(format!(
                    "field `{}` of {} is gone; code using it no longer compiles",
                    field.name, field.holder
                )),
                directions(request, response),
            )
        }
        C::PropertyAdded {
            name,
            field,
            required,
            base_extra,
        } => {
            let response = if *required {
                breaking(format!(
                    "stored responses without `{name}` no longer deserialize in the regenerated client"
                ))
            } else {
                match base_extra {
                    Extra::Refused => breaking(format!(
                        "base clients refuse the unknown `{name}` (`additionalProperties: false`)"
                    )),
                    Extra::Kept => ok(
                        "base clients keep it in `extra`; stored responses without it read as `None`",
                    ),
                    Extra::Ignored => {
                        ok("base clients ignore it; stored responses without it read as `None`")
                    }
                }
            };
            (
                breaking_if(
                    *required,
                    format!(
                        "new pub field `{}` in {}: builders fail at `try_into` until it is set",
                        field.name, field.holder
                    ),
                    format!(
                        "new optional field `{}` in {}: generated structs are `#[non_exhaustive]`, so no code outside the crate has a struct literal to break; builders and serde default it to `None`",
                        field.name, field.holder
                    ),
                ),
                directions(
                    breaking_if(
                        *required,
                        format!("existing requests lack `{name}` and are refused"),
                        "existing requests simply omit it",
                    ),
                    response,
                ),
            )
        }
        C::ExtraChanged { holder, old, new } => {
            let rust = if *old == Extra::Kept && *new != Extra::Kept {
                breaking(format!(
                    "the `extra` field of {holder} is removed; code reading it no longer compiles"
                ))
            } else if *new == Extra::Kept && *old != Extra::Kept {
                ok(format!(
                    "{holder} gains an `extra` field; it is #[non_exhaustive], so no code outside the crate names all its fields"
                ))
            } else {
                ok(format!("{holder} keeps the same fields"))
            };
            let response = if *new == Extra::Refused {
                breaking("stored responses with other properties no longer parse")
            } else if *old == Extra::Refused {
                breaking("base clients refuse the other properties the server may now send")
            } else {
                ok("other properties stay readable")
            };
            // A request type without an `extra` map cannot send other
            // properties, so refusing them breaks no caller of this client.
            let request = if *new == Extra::Refused && *old == Extra::Kept {
                breaking("callers that put other properties in `extra` are refused")
            } else if *new == Extra::Refused {
                ok(
                    "the base request type has no `extra` map, so callers never send other properties",
                )
            } else {
                ok("requests stay acceptable")
            };
            (rust, directions(request, response))
        }
        C::PropertyTypeChanged {
            name,
            field,
            old,
            new,
            same_json,
            widens,
        } => {
            let Field {
                name: rust_name,
                holder,
                ..
            } = field;
            let rust = match (&field.base_type, &field.head_type) {
                (Some(a), Some(z)) if a != z => breaking(format!(
                    "`{rust_name}` of {holder} changes from `{a}` to `{z}`"
                )),
                _ => breaking(format!("`{rust_name}` of {holder} changes type")),
            };
            let wire = if *same_json {
                Wire::Same(ok("the JSON shape is the same under another schema name"))
            } else {
                directions(
                    breaking_if(
                        !widens,
                        format!("requests that send `{name}` as {old} are refused"),
                        format!("every {old} is also a valid {new}"),
                    ),
                    breaking(format!(
                        "base clients expect {old}, and the server may now send {new} values they cannot read"
                    )),
                )
            };
            (rust, wire)
        }
        C::PropertyNullableChanged {
            field,
            added,
            option,
            was_required,
            ..
        } => {
            let wire = if *added {
                directions(
                    ok("requests may now send null; existing ones are unaffected"),
                    breaking_if(
                        !option.was_option,
                        "base clients hold a plain value and fail on null",
                        "base clients read null as `None` (the field is already an `Option`)",
                    ),
                )
            } else {
                directions(
                    breaking_if(
                        *was_required,
                        "the base client sends null when the field is `None`; the server now refuses it",
                        "the base client omits `None` rather than sending null (other HTTP callers that send null are refused)",
                    ),
                    breaking_if(
                        !option.is_option,
                        "stored responses with null no longer deserialize into the plain field",
                        "the regenerated client still reads a stored null as `None` (the field stays an `Option`)",
                    ),
                )
            };
            (option_rust(field, *option, ""), wire)
        }
        C::Facet {
            name,
            field,
            change,
        } => super::facets::rule(name.as_deref(), field.as_ref(), change),
        C::PropertyRequiredChanged {
            name,
            field,
            required,
            option,
        } => {
            let wire = if *required {
                directions(
                    breaking(format!("requests without `{name}` are refused")),
                    breaking(format!(
                        "stored responses without `{name}` no longer deserialize in the regenerated client"
                    )),
                )
            } else {
                directions(
                    ok("requests that send it stay valid"),
                    breaking(format!(
                        "the server may now omit `{name}`, and base clients, where it is required, fail on such responses"
                    )),
                )
            };
            let what = if *required {
                " (builders now fail at `try_into` until it is set)"
            } else {
                ""
            };
            (option_rust(field, *option, what), wire)
        }
    }
}
