//! The generated public API of both sides (codegen's `PublicApi`: types,
//! `Client` methods and operation builders), and what changed in it.

use graph_online_meetings_codegen::public_api::{PublicApi, TypeSummary};

/// What one generated file offers.
#[derive(Debug, Clone, Default)]
pub(crate) struct ApiSide {
    pub api: PublicApi,
}

impl ApiSide {
    pub(crate) fn parse(source: &str) -> Result<Self, String> {
        Ok(Self {
            api: PublicApi::from_source(source)?,
        })
    }

    /// The generated type for a schema name (typify's naming differs from
    /// ours only in case and separators).
    pub(crate) fn type_for_schema(&self, schema: &str) -> Option<&TypeSummary> {
        let wanted = squash(schema);
        self.api.types.iter().find(|t| squash(&t.name) == wanted)
    }
}

fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// One field line of a `TypeSummary`, split up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member {
    pub name: String,
    pub ty: String,
    /// The JSON name, or `None` for the flattened `extra` map.
    pub wire: Option<String>,
}

pub(crate) fn members(summary: &TypeSummary) -> Vec<Member> {
    summary
        .members
        .iter()
        .filter_map(|line| {
            let (decl, comment) = match line.split_once("  // ") {
                Some((decl, comment)) => (decl, Some(comment)),
                None => (line.as_str(), None),
            };
            let (name, ty) = decl.split_once(": ")?;
            let wire = match comment {
                Some("other properties") => None,
                Some(quoted) => Some(quoted.trim_matches('"').to_string()),
                None => Some(name.to_string()),
            };
            Some(Member {
                name: name.to_string(),
                ty: ty.to_string(),
                wire,
            })
        })
        .collect()
}

/// How the committed generated file relates to the head spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Currency {
    /// It is what the spec generates.
    Current,
    /// Generating from the spec would change it.
    Stale,
    /// The working tree has no generated file.
    Missing,
    /// The spec does not generate; the message says why.
    CannotGenerate(String),
}

/// One difference of the generated public API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiChange {
    /// The Rust item, such as `types::OnlineMeeting`.
    pub item: String,
    pub change: String,
    pub breaking: bool,
    pub reason: String,
}

/// Differences between two generated files.
pub(crate) fn diff(base: &ApiSide, head: &ApiSide) -> Vec<ApiChange> {
    let mut out = Vec::new();
    let push =
        |out: &mut Vec<ApiChange>, item: String, change: String, breaking: bool, reason: &str| {
            out.push(ApiChange {
                item,
                change,
                breaking,
                reason: reason.to_string(),
            })
        };
    let method = |op: &str| op.split_once('(').map_or(op, |(name, _)| name).to_string();
    for op in &base.api.operations {
        if !head.api.operations.iter().any(|o| method(o) == method(op)) {
            push(
                &mut out,
                format!("Client::{}", method(op)),
                "method removed".into(),
                true,
                "code calling it no longer compiles",
            );
        }
    }
    for op in &head.api.operations {
        if !base.api.operations.iter().any(|o| method(o) == method(op)) {
            push(
                &mut out,
                format!("Client::{}", method(op)),
                "method added".into(),
                false,
                "additive",
            );
        }
    }
    for (name, b) in &base.api.builders {
        let item = format!("builder::{name}");
        let Some(h) = head.api.builders.get(name) else {
            push(
                &mut out,
                item,
                "operation builder removed".into(),
                true,
                "code naming it no longer compiles",
            );
            continue;
        };
        for setter in b.setters.iter().filter(|s| !h.setters.contains(s)) {
            push(
                &mut out,
                item.clone(),
                format!("setter `.{setter}()` removed"),
                true,
                "calls to it no longer compile",
            );
        }
        for setter in h.setters.iter().filter(|s| !b.setters.contains(s)) {
            push(
                &mut out,
                item.clone(),
                format!("setter `.{setter}()` added"),
                false,
                "existing call chains still compile",
            );
        }
        if b.send != h.send {
            let show = |s: &Option<String>| {
                s.clone()
                    .map_or("nothing".to_string(), |s| format!("`{s}`"))
            };
            push(
                &mut out,
                item,
                format!(
                    "`send()` returns {} instead of {}",
                    show(&h.send),
                    show(&b.send)
                ),
                true,
                "code that uses the result's type no longer compiles",
            );
        }
    }
    for name in head
        .api
        .builders
        .keys()
        .filter(|n| !base.api.builders.contains_key(*n))
    {
        push(
            &mut out,
            format!("builder::{name}"),
            "operation builder added".into(),
            false,
            "additive",
        );
    }
    for b in &base.api.types {
        let item = format!("types::{}", b.name);
        let Some(h) = head.api.types.iter().find(|t| t.name == b.name) else {
            push(
                &mut out,
                item,
                format!("{} removed", b.kind),
                true,
                "code naming it no longer compiles",
            );
            continue;
        };
        if b.kind != h.kind {
            push(
                &mut out,
                item,
                format!("changed from a {} to an {}", b.kind, h.kind),
                true,
                "code using it no longer compiles",
            );
            continue;
        }
        let key = |line: &str| {
            line.split([':', '(', ' '])
                .next()
                .unwrap_or(line)
                .to_string()
        };
        // The wire-name comment is noise next to the Rust declaration.
        let decl = |line: &str| {
            line.split_once("  // ")
                .map_or(line, |(d, _)| d)
                .to_string()
        };
        let open = h.members.iter().any(|m| m.starts_with("Unrecognized("));
        for line in &b.members {
            match h.members.iter().find(|m| key(m) == key(line)) {
                None => {
                    let what = if b.kind == "enum" { "variant" } else { "field" };
                    push(
                        &mut out,
                        item.clone(),
                        format!("{what} `{}` removed", decl(line)),
                        true,
                        "code naming it no longer compiles",
                    );
                }
                Some(new) if new != line => {
                    push(
                        &mut out,
                        item.clone(),
                        format!("`{}` became `{}`", decl(line), decl(new)),
                        true,
                        "code using the old type no longer compiles",
                    );
                }
                Some(_) => {}
            }
        }
        for line in h
            .members
            .iter()
            .filter(|m| !b.members.iter().any(|l| key(l) == key(m)))
        {
            if h.kind == "enum" {
                if open {
                    push(
                        &mut out,
                        item.clone(),
                        format!("variant `{}` added", decl(line)),
                        false,
                        "the enum is `#[non_exhaustive]`",
                    );
                } else {
                    push(
                        &mut out,
                        item.clone(),
                        format!("variant `{}` added", decl(line)),
                        true,
                        "exhaustive matches on this closed enum no longer compile",
                    );
                }
            } else if h.non_exhaustive {
                push(
                    &mut out,
                    item.clone(),
                    format!("field `{}` added", decl(line)),
                    false,
                    "the struct is `#[non_exhaustive]`: other crates build it with the builder or serde, never a struct literal",
                );
            } else {
                push(
                    &mut out,
                    item.clone(),
                    format!("field `{}` added", decl(line)),
                    true,
                    "struct literals without it no longer compile",
                );
            }
        }
    }
    for h in head
        .api
        .types
        .iter()
        .filter(|h| !base.api.types.iter().any(|b| b.name == h.name))
    {
        push(
            &mut out,
            format!("types::{}", h.name),
            format!("{} added", h.kind),
            false,
            "additive",
        );
    }
    out
}
