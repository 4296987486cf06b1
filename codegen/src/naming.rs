//! The Rust names progenitor 0.15 and typify 0.8 give to spec names.
//!
//! Both sanitize a name the same way: drop `'`, turn every character that
//! cannot continue an identifier into a word break, case the result with
//! `heck`, then make it a valid identifier. They differ in one detail (how a
//! name that starts with a digit is prefixed), which is why there are two
//! entry points below. Everything that must agree with the generated code
//! (open-enum replacements, the review's builder and setter names) computes
//! names here, never with a case conversion of its own.

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// The Rust type name typify gives a component schema, and the variant name
/// it gives an enum member: `onlineMeetingRole` -> `OnlineMeetingRole`,
/// `XMLHttpRequest` -> `XmlHttpRequest`.
pub fn type_name(schema_name: &str) -> String {
    typify_sanitize(schema_name, Case::Pascal)
}

/// The Rust variant name of an enum member (typify's rule for types).
pub fn variant_name(member: &str) -> String {
    typify_sanitize(member, Case::Pascal)
}

/// The variant names typify gives an enum's members, in order. When two
/// members sanitize to one name, typify spells the characters it dropped as
/// `X`, and so do we.
pub fn variant_names<S: AsRef<str>>(members: &[S]) -> Vec<String> {
    let simple: Vec<String> = members.iter().map(|m| variant_name(m.as_ref())).collect();
    if all_distinct(&simple) {
        return simple;
    }
    members
        .iter()
        .map(|m| {
            let spelled = m
                .as_ref()
                .replace(|c: char| c == '_' || !is_xid_continue(c), "X");
            variant_name(&spelled)
        })
        .collect()
}

fn all_distinct(names: &[String]) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    names.iter().all(|name| seen.insert(name))
}

/// The Rust field name typify gives a property, which is also the name of
/// its builder setter: `isEntryExitAnnounced` -> `is_entry_exit_announced`.
pub fn field_name(property: &str) -> String {
    typify_sanitize(property, Case::Snake)
}

/// The `Client` method progenitor generates for an operationId:
/// `createOrGetMyOnlineMeeting` -> `create_or_get_my_online_meeting`.
pub fn method_name(operation_id: &str) -> String {
    progenitor_sanitize(operation_id, Case::Snake)
}

/// The operation builder struct progenitor generates (in `builder::`):
/// `createOrGetMyOnlineMeeting` -> `CreateOrGetMyOnlineMeeting`.
pub fn builder_name(operation_id: &str) -> String {
    progenitor_sanitize(operation_id, Case::Pascal)
}

/// The builder setter progenitor generates for a parameter (`userId` -> `user_id`).
pub fn parameter_name(parameter: &str) -> String {
    progenitor_sanitize(parameter, Case::Snake)
}

#[derive(Clone, Copy)]
enum Case {
    Pascal,
    Snake,
}

impl Case {
    fn apply(self, text: &str) -> String {
        match self {
            Case::Pascal => text.to_pascal_case(),
            Case::Snake => text.to_snake_case(),
        }
    }
}

/// The part both generators share; `None` when the result starts with a
/// character that cannot start an identifier.
fn cased(input: &str, case: Case) -> Result<String, String> {
    let out = match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => case.apply(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
        ),
    };
    match out.chars().next() {
        None => Ok(case.apply("x")),
        Some(c) if is_xid_start(c) => Ok(out),
        Some(_) => Err(out),
    }
}

/// typify-impl 0.8 `util::sanitize`: a leading digit gets an `x`/`X` prefix.
fn typify_sanitize(input: &str, case: Case) -> String {
    let out = cased(input, case).unwrap_or_else(|out| format!("{}{out}", case.apply("x")));
    keyword_safe(out)
}

/// progenitor-impl 0.15 `util::sanitize`: a leading digit gets a `_` prefix.
fn progenitor_sanitize(input: &str, case: Case) -> String {
    let out = cased(input, case).unwrap_or_else(|out| format!("_{out}"));
    keyword_safe(out)
}

fn keyword_safe(out: String) -> String {
    if is_keyword(&out) {
        format!("{out}_")
    } else {
        out
    }
}

/// The words typify 0.8 refuses as identifiers (`accept_as_ident`).
fn is_keyword(ident: &str) -> bool {
    matches!(
        ident,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cases typify's and progenitor's own unit tests pin, plus the
    /// acronym and digit shapes that a hand-written conversion got wrong.
    #[test]
    fn names_match_the_generators() {
        assert_eq!(type_name("onlineMeetingRole"), "OnlineMeetingRole");
        assert_eq!(type_name("XMLHttpRequest"), "XmlHttpRequest");
        assert_eq!(type_name("ipv6Net"), "Ipv6Net");
        assert_eq!(type_name("3dModel"), "X3dModel");
        assert_eq!(type_name("@timestamp"), "Timestamp");
        assert_eq!(type_name("won't and can't"), "WontAndCant");
        assert_eq!(variant_name("unknownFutureValue"), "UnknownFutureValue");
        assert_eq!(variant_name("HTTP2"), "Http2");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("joinWebUrl"), "join_web_url");
        assert_eq!(field_name("@odata.type"), "odata_type");
        assert_eq!(field_name("+1"), "plus1");
        assert_eq!(
            method_name("createOrGetMyOnlineMeeting"),
            "create_or_get_my_online_meeting"
        );
        assert_eq!(
            builder_name("createOrGetMyOnlineMeeting"),
            "CreateOrGetMyOnlineMeeting"
        );
        assert_eq!(method_name("2fa"), "_2fa");
        assert_eq!(parameter_name("userId"), "user_id");
        assert_eq!(variant_names(&["on", "off"]), ["On", "Off"]);
        assert_eq!(variant_names(&["a-b", "aB"]), ["AXb", "AB"]);
    }
}
