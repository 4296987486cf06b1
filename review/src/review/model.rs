//! What changed between the base and the head spec: a typed list of
//! changes with the facts the verdict rules need, and nothing judged yet.

use crate::spec::Usage;

/// One change found, and what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The operation (`POST /path`) or schema (`onlineMeeting.participants`).
    pub subject: String,
    pub change: SpecChange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SpecChange {
    Operation(OperationChange),
    /// `usage`: where the schema travels, base and head together.
    Schema {
        usage: Usage,
        change: SchemaChange,
    },
}

/// The Rust names of an operation: `Client::{method}` and `builder::{builder}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OperationNames {
    pub id: String,
    pub method: String,
    pub builder: String,
}

/// A parameter of an operation and the setter generated for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Param {
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    pub name: String,
    /// `builder::CreateMeeting`.
    pub builder: String,
    /// `user_id`, as in `.user_id()`.
    pub setter: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OperationChange {
    Removed(OperationNames),
    /// Same operationId at another method or path.
    Moved {
        names: OperationNames,
        from: String,
    },
    Added(OperationNames),
    IdRenamed {
        old: OperationNames,
        new: OperationNames,
    },
    /// The effective security requirements, as JSON; `unmet`: what a
    /// caller that met a base requirement may lack for every head one (a
    /// credential or a scope), or `None` when each still meets one.
    SecurityChanged {
        old: String,
        new: String,
        unmet: Option<String>,
    },
    /// Path parameters are matched by position, so only the name changed.
    PathParameterRenamed {
        old: Param,
        new: Param,
    },
    /// One removed and one added in the same place with the same schema.
    ParameterRenamed {
        old: Param,
        new: Param,
    },
    ParameterRemoved(Param),
    ParameterAdded {
        param: Param,
        required: bool,
    },
    ParameterRequiredChanged {
        param: Param,
        required: bool,
    },
    ParameterTypeChanged {
        param: Param,
        old: String,
        new: String,
    },
    RequestBodyAdded {
        required: bool,
    },
    RequestBodyRemoved,
    RequestBodyRequiredChanged {
        required: bool,
    },
    /// The same body schema, sent as another media type.
    RequestMediaTypeChanged {
        old: String,
        new: String,
    },
    /// Shapes as `schema (media type)`, or `no content`.
    RequestBodyChanged {
        old: String,
        new: String,
    },
    /// `covered`: a range (`4XX`) or `default` of the other side covers the code.
    ResponseAdded {
        code: String,
        success: bool,
        covered: bool,
    },
    ResponseRemoved {
        code: String,
        success: bool,
        covered: bool,
    },
    /// progenitor gives every success one type and every error one type;
    /// `kind` is `success` or `error`.
    ResponseBodyChanged {
        kind: &'static str,
        old: Option<String>,
        new: Option<String>,
    },
}

/// How a schema treats properties it does not name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extra {
    /// `additionalProperties: false`: refused (`deny_unknown_fields`).
    Refused,
    /// Absent: allowed and ignored by the generated struct.
    Ignored,
    /// `true`, `{}` or a schema: kept in the flattened `extra` map.
    Kept,
}

/// A property's generated field, on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// The field's name in the head (or, for removals, the base).
    pub name: String,
    /// `` `types::Meeting` `` or `the type generated for `meeting.nested``.
    pub holder: String,
    /// The field's Rust type in the base and the head, when generated code
    /// for a component's own struct is at hand.
    pub base_type: Option<String>,
    pub head_type: Option<String>,
}

/// Whether a field is `Option<T>` (the property is optional or nullable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Optionality {
    pub was_option: bool,
    pub is_option: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SchemaChange {
    /// `rust_type`: the base's generated type.
    Removed {
        rust_type: String,
    },
    Added {
        rust_type: String,
    },
    TypeChanged {
        rust_type: String,
        old: String,
        new: String,
    },
    /// The items of an array (the subject ends in `[]`) made nullable, or
    /// no longer.
    ItemsNullableChanged {
        added: bool,
    },
    /// `every_use_nullable`: on both sides, every use of the schema accepts
    /// null (the schema is nullable, or every reference to it is), so the
    /// values accepted do not change (nullability moved between the
    /// definition and its uses).
    NullableChanged {
        added: bool,
        every_use_nullable: bool,
    },
    /// `enum_type`: `` `types::Role` `` or `the enum of `meeting.kind``;
    /// `open`: a component string enum (open, `#[non_exhaustive]`), else a
    /// closed typify enum.
    EnumMemberAdded {
        value: String,
        variant: String,
        enum_type: String,
        open: bool,
    },
    EnumMemberRemoved {
        value: String,
        variant: String,
        enum_type: String,
        open: bool,
    },
    /// `allOf`, `oneOf` or `anyOf`.
    CompositionChanged {
        keyword: &'static str,
    },
    /// A removed and an added property with the same schema.
    PropertyRenamed {
        old: String,
        new: String,
        old_field: String,
        new_field: String,
        holder: String,
    },
    /// `refused`: the head has `additionalProperties: false`.
    PropertyRemoved {
        name: String,
        field: Field,
        was_required: bool,
        refused: bool,
    },
    /// `base_extra`: what the base did with properties it does not name.
    PropertyAdded {
        name: String,
        field: Field,
        required: bool,
        base_extra: Extra,
    },
    ExtraChanged {
        holder: String,
        old: Extra,
        new: Extra,
    },
    /// `same_json`: both sides name component schemas of the same shape;
    /// `widens`: every old value is a new one.
    PropertyTypeChanged {
        name: String,
        field: Field,
        old: String,
        new: String,
        same_json: bool,
        widens: bool,
    },
    PropertyNullableChanged {
        name: String,
        field: Field,
        added: bool,
        option: Optionality,
        was_required: bool,
    },
    PropertyRequiredChanged {
        name: String,
        field: Field,
        required: bool,
        option: Optionality,
    },
    /// What the schema or one of its properties (`name`, generated as
    /// `field`) accepts changed without its shape changing.
    Facet {
        name: Option<String>,
        field: Option<Field>,
        change: FacetChange,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FacetChange {
    /// A validation keyword (`minLength`, `pattern`, `maximum`…) added,
    /// changed or removed; `tightens`: some value the base accepted is
    /// refused now.
    Constraint {
        keyword: &'static str,
        old: Option<String>,
        new: Option<String>,
        tightens: bool,
    },
    /// `default` added, changed or removed (values as JSON).
    Default {
        old: Option<String>,
        new: Option<String>,
    },
    /// `readOnly`, `writeOnly` or `deprecated` turned on (`added`) or off;
    /// `required`: the property is required in the head.
    Flag {
        flag: &'static str,
        added: bool,
        required: bool,
    },
}

/// `property `x`` or `the schema`, for descriptions.
fn subject(name: &Option<String>) -> String {
    name.as_ref()
        .map_or_else(|| "the schema".to_string(), |n| format!("property `{n}`"))
}

/// A keyword's value, or `none`.
fn value(v: &Option<String>) -> String {
    v.as_ref()
        .map_or_else(|| "none".to_string(), |v| format!("`{v}`"))
}

fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn added_word(added: bool) -> &'static str {
    if added { "added" } else { "removed" }
}

impl OperationChange {
    /// One line saying what changed.
    pub(crate) fn description(&self) -> String {
        match self {
            Self::Removed(names) => format!("operation `{}` removed", names.id),
            Self::Moved { names, from } => {
                format!("operation `{}` moved from `{from}`", names.id)
            }
            Self::Added(names) => format!("operation `{}` added", names.id),
            Self::IdRenamed { old, new } => {
                format!("operationId `{}` renamed to `{}`", old.id, new.id)
            }
            Self::RequestMediaTypeChanged { old, new } => {
                format!("request media type changed from `{old}` to `{new}`")
            }
            Self::SecurityChanged { old, new, .. } => {
                format!("security changed from `{old}` to `{new}`")
            }
            Self::PathParameterRenamed { old, new } => {
                format!("path parameter `{}` renamed to `{}`", old.name, new.name)
            }
            Self::ParameterRenamed { old, new } => format!(
                "{} parameter `{}` renamed to `{}`",
                old.location, old.name, new.name
            ),
            Self::ParameterRemoved(p) => format!("{} parameter `{}` removed", p.location, p.name),
            Self::ParameterAdded { param, required } => format!(
                "{} {} parameter `{}` added",
                required_word(*required),
                param.location,
                param.name
            ),
            Self::ParameterRequiredChanged { param, required } => format!(
                "{} parameter `{}` made {}",
                param.location,
                param.name,
                required_word(*required)
            ),
            Self::ParameterTypeChanged { param, old, new } => format!(
                "{} parameter `{}` changes type from {old} to {new}",
                param.location, param.name
            ),
            Self::RequestBodyAdded { required } => format!(
                "request body added{}",
                if *required { " (required)" } else { "" }
            ),
            Self::RequestBodyRemoved => "request body removed".to_string(),
            Self::RequestBodyRequiredChanged { required } => {
                format!("request body made {}", required_word(*required))
            }
            Self::RequestBodyChanged { old, new } => {
                format!("request body changes from {old} to {new}")
            }
            Self::ResponseAdded { code, .. } => format!("response `{code}` added"),
            Self::ResponseRemoved { code, .. } => format!("response `{code}` removed"),
            Self::ResponseBodyChanged { kind, old, new } => {
                let show = |s: &Option<String>| s.clone().unwrap_or_else(|| "no body".to_string());
                format!(
                    "{kind} response body changes from {} to {}",
                    show(old),
                    show(new)
                )
            }
        }
    }
}

impl SchemaChange {
    /// One line saying what changed.
    pub(crate) fn description(&self) -> String {
        match self {
            Self::Removed { .. } => "schema removed".to_string(),
            Self::Added { .. } => "schema added".to_string(),
            Self::TypeChanged { old, new, .. } => format!("type changes from {old} to {new}"),
            Self::NullableChanged { added, .. } => format!("nullable {}", added_word(*added)),
            Self::ItemsNullableChanged { added } => {
                format!("items: nullable {}", added_word(*added))
            }
            Self::EnumMemberAdded { value, .. } => format!("enum member `{value}` added"),
            Self::EnumMemberRemoved { value, .. } => format!("enum member `{value}` removed"),
            Self::CompositionChanged { keyword } => format!("`{keyword}` changed"),
            Self::PropertyRenamed { old, new, .. } => {
                format!("property `{old}` renamed to `{new}` (seen as removed + added)")
            }
            Self::PropertyRemoved {
                name, was_required, ..
            } => format!(
                "property `{name}` removed (was {})",
                required_word(*was_required)
            ),
            Self::PropertyAdded { name, required, .. } => {
                format!("property `{name}` added ({})", required_word(*required))
            }
            Self::ExtraChanged { old, new, .. } => {
                let show = |e: &Extra| match e {
                    Extra::Refused => "refused (`false`)",
                    Extra::Ignored => "allowed (absent)",
                    Extra::Kept => "kept in `extra`",
                };
                format!("other properties: {} → {}", show(old), show(new))
            }
            Self::PropertyTypeChanged { name, old, new, .. } => {
                format!("property `{name}` changes type from {old} to {new}")
            }
            Self::PropertyNullableChanged { name, added, .. } => {
                format!("property `{name}`: nullable {}", added_word(*added))
            }
            Self::PropertyRequiredChanged { name, required, .. } => {
                format!("property `{name}` made {}", required_word(*required))
            }
            Self::Facet { name, change, .. } => match change {
                FacetChange::Constraint {
                    keyword, old, new, ..
                } => format!(
                    "`{keyword}` of {}: {} → {}",
                    subject(name),
                    value(old),
                    value(new)
                ),
                FacetChange::Default { old, new, .. } => {
                    format!(
                        "`default` of {}: {} → {}",
                        subject(name),
                        value(old),
                        value(new)
                    )
                }
                FacetChange::Flag { flag, added, .. } => {
                    format!("`{flag}` {} on {}", added_word(*added), subject(name))
                }
            },
        }
    }
}
