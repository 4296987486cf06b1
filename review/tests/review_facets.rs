//! Spec change pairs for what a schema accepts, how it is secured and how
//! the body is encoded: validation keywords, defaults, readOnly/writeOnly/
//! deprecated, formats, additionalProperties, security and media types.
//! Each case edits the fixture (both sides, where the base needs a keyword
//! to change), reviews the pair, asserts both verdicts and snapshots the
//! report.

use graph_online_meetings_codegen as codegen;
use graph_online_meetings_review::{FailOn, Report, review};

const BASE: &str = include_str!("fixtures/base.yaml");

/// Textual edits: `(from, to)`, each matching exactly once.
type Edits<'a> = &'a [(&'a str, &'a str)];

/// Applies textual edits; each must match exactly once.
fn edit(text: &str, edits: &[(&str, &str)]) -> String {
    let mut text = text.to_string();
    for (from, to) in edits {
        assert_eq!(
            text.matches(from).count(),
            1,
            "edit must match once: {from:?}"
        );
        text = text.replacen(from, to, 1);
    }
    text
}

/// Reviews `base` → `head`, each with its generated file; a head that does
/// not generate keeps the base's file, as a stale commit would.
fn report(base: &str, head: &str) -> Report {
    let generate = |spec: &str| codegen::generate_from_str(spec, codegen::SPEC_PATH);
    let base_generated = generate(base).expect("the base generates");
    let head_generated = generate(head).unwrap_or_else(|_| base_generated.clone());
    review(base, Some(&base_generated), head, Some(&head_generated)).expect("both specs load")
}

/// `base_edits` make the base (from the fixture), `head_edits` the head
/// (from that base); the report must hold the `expected` description and
/// fail exactly as `rust_breaking` and `wire_breaking` say.
fn case(
    name: &str,
    (base_edits, head_edits): (Edits<'_>, Edits<'_>),
    expected: &str,
    rust_breaking: bool,
    wire_breaking: bool,
) {
    let base = edit(BASE, base_edits);
    let head = edit(&base, head_edits);
    let report = report(&base, &head);
    let markdown = report.to_markdown();
    assert!(
        report.changes.iter().any(|c| c.description == expected),
        "{name}: no change `{expected}`\n{markdown}"
    );
    assert_eq!(
        report.fails(FailOn::Rust),
        rust_breaking,
        "{name}: Rust\n{markdown}"
    );
    assert_eq!(
        report.fails(FailOn::Wire),
        wire_breaking,
        "{name}: wire\n{markdown}"
    );
    insta::assert_snapshot!(name, markdown);
}

const REQUEST_EXTERNAL_ID: &str = "        externalId:\n          type: string\n";
const REQUEST_SUBJECT: &str = "        subject:\n          type: string\n        startDateTime:";
const RESPONSE_SUBJECT: &str =
    "        subject:\n          type: string\n          nullable: true\n";
const REQUEST_ATTENDEES: &str = "        attendees:\n          type: array\n          items:\n            $ref: '#/components/schemas/participant'\n    meeting:";
const RESPONSE_ID: &str =
    "      required: [id]\n      properties:\n        id:\n          type: string\n";

fn with(anchor: &str, after_type: &str) -> String {
    anchor.replacen("type: string\n", &format!("type: string\n{after_type}"), 1)
}

#[test]
fn min_length_added_to_a_request_property() {
    let head = with(REQUEST_EXTERNAL_ID, "          minLength: 1\n");
    case(
        "min_length_added_to_a_request_property",
        (&[], &[(REQUEST_EXTERNAL_ID, &head)]),
        "`minLength` of property `externalId`: none → `1`",
        // typify would make the field a newtype, so codegen refuses it: the
        // head does not generate, which is Rust-breaking.
        true,
        true,
    );
}

#[test]
fn max_items_lowered_and_raised_on_a_request_array() {
    let base =
        REQUEST_ATTENDEES.replacen("type: array\n", "type: array\n          maxItems: 64\n", 1);
    case(
        "max_items_lowered_on_a_request_array",
        (
            &[(REQUEST_ATTENDEES, &base)],
            &[("maxItems: 64", "maxItems: 32")],
        ),
        "`maxItems` of property `attendees`: `64` → `32`",
        false,
        true,
    );
    case(
        "max_items_raised_on_a_request_array",
        (
            &[(REQUEST_ATTENDEES, &base)],
            &[("maxItems: 64", "maxItems: 128")],
        ),
        "`maxItems` of property `attendees`: `64` → `128`",
        false,
        false,
    );
}

#[test]
fn pattern_added_to_the_external_id() {
    let head = with(
        REQUEST_EXTERNAL_ID,
        "          pattern: '^[A-Za-z0-9-]+$'\n",
    );
    case(
        "pattern_added_to_the_external_id",
        (&[], &[(REQUEST_EXTERNAL_ID, &head)]),
        "`pattern` of property `externalId`: none → `^[A-Za-z0-9-]+$`",
        // typify would make it a newtype checked with `regress`: codegen
        // refuses it, and the head does not generate.
        true,
        true,
    );
}

#[test]
fn max_length_added_to_a_response_property() {
    let head = with(RESPONSE_SUBJECT, "          maxLength: 255\n");
    case(
        "max_length_added_to_a_response_property",
        (&[], &[(RESPONSE_SUBJECT, &head)]),
        "`maxLength` of property `subject`: none → `255`",
        // The wire is fine; typify would make `subject` a newtype, which
        // codegen refuses.
        true,
        false,
    );
}

#[test]
fn item_count_and_uniqueness_on_a_request_array() {
    let min =
        REQUEST_ATTENDEES.replacen("type: array\n", "type: array\n          minItems: 1\n", 1);
    case(
        "min_items_added_to_a_request_array",
        (&[], &[(REQUEST_ATTENDEES, &min)]),
        "`minItems` of property `attendees`: none → `1`",
        false,
        true,
    );
    let unique = REQUEST_ATTENDEES.replacen(
        "type: array\n",
        "type: array\n          uniqueItems: true\n",
        1,
    );
    case(
        "unique_items_added_to_a_request_array",
        (&[], &[(REQUEST_ATTENDEES, &unique)]),
        "`uniqueItems` of property `attendees`: none → `true`",
        // typify drops the empty-array default: `Vec<T>` becomes `Option<Vec<T>>`.
        true,
        true,
    );
}

#[test]
fn bounds_on_request_numbers() {
    let number = |ty: &str| {
        format!(
            "{REQUEST_EXTERNAL_ID}        maxAttendees:\n          type: {ty}\n          minimum: 1\n"
        )
    };
    case(
        "minimum_lowered_on_a_request_number",
        (
            &[(REQUEST_EXTERNAL_ID, &number("number"))],
            &[("minimum: 1", "minimum: 0")],
        ),
        "`minimum` of property `maxAttendees`: `1.0` → `0.0`",
        false,
        false,
    );
    case(
        "maximum_added_to_a_request_number",
        (
            &[(REQUEST_EXTERNAL_ID, &number("number"))],
            &[("minimum: 1\n", "minimum: 1\n          maximum: 1000\n")],
        ),
        "`maximum` of property `maxAttendees`: none → `1000.0`",
        false,
        true,
    );
    // typify picks the integer type from the bounds: `minimum: 1` is `NonZeroU64`.
    case(
        "minimum_lowered_on_a_request_integer",
        (
            &[(REQUEST_EXTERNAL_ID, &number("integer"))],
            &[("minimum: 1", "minimum: 0")],
        ),
        "`minimum` of property `maxAttendees`: `1` → `0`",
        true,
        false,
    );
}

#[test]
fn default_added_to_a_request_property() {
    let head = REQUEST_SUBJECT.replacen(
        "type: string\n",
        "type: string\n          default: Meeting\n",
        1,
    );
    case(
        "default_added_to_a_request_property",
        (&[], &[(REQUEST_SUBJECT, &head)]),
        "`default` of property `subject`: none → `\"Meeting\"`",
        // typify makes the field a plain `String` that the builder fills in.
        true,
        true,
    );
}

#[test]
fn default_changed_on_a_response_property() {
    let base = with(RESPONSE_SUBJECT, "          default: Meeting\n");
    case(
        "default_changed_on_a_response_property",
        (
            &[(RESPONSE_SUBJECT, &base)],
            &[("default: Meeting", "default: Untitled")],
        ),
        "`default` of property `subject`: `\"Meeting\"` → `\"Untitled\"`",
        false,
        true,
    );
}

#[test]
fn read_only_on_request_and_response_properties() {
    let request = REQUEST_SUBJECT.replacen(
        "type: string\n",
        "type: string\n          readOnly: true\n",
        1,
    );
    case(
        "read_only_added_to_a_request_property",
        (&[], &[(REQUEST_SUBJECT, &request)]),
        "`readOnly` added on property `subject`",
        false,
        true,
    );
    let response = with(RESPONSE_SUBJECT, "          readOnly: true\n");
    case(
        "read_only_added_to_a_response_property",
        (&[], &[(RESPONSE_SUBJECT, &response)]),
        "`readOnly` added on property `subject`",
        false,
        false,
    );
}

#[test]
fn write_only_added_to_a_required_response_property() {
    let head = format!("{RESPONSE_ID}          writeOnly: true\n");
    case(
        "write_only_added_to_a_required_response_property",
        (&[], &[(RESPONSE_ID, &head)]),
        "`writeOnly` added on property `id`",
        false,
        true,
    );
}

#[test]
fn deprecated_added_to_a_property() {
    let head = with(RESPONSE_SUBJECT, "          deprecated: true\n");
    case(
        "deprecated_added_to_a_property",
        (&[], &[(RESPONSE_SUBJECT, &head)]),
        "`deprecated` added on property `subject`",
        false,
        false,
    );
}

#[test]
fn format_dropped_from_a_request_property() {
    case(
        "format_dropped_from_a_request_property",
        (
            &[],
            &[(
                "        startDateTime:\n          type: string\n          format: date-time\n        visibility:",
                "        startDateTime:\n          type: string\n        visibility:",
            )],
        ),
        "property `startDateTime` changes type from string (date-time) to string",
        // `DateTime<Utc>` becomes `String`; every old value is still a string.
        true,
        false,
    );
}

#[test]
fn additional_properties_refused_in_request_and_response() {
    case(
        "additional_properties_refused_in_a_request",
        (
            &[],
            &[(
                "    meetingRequest:\n      type: object\n",
                "    meetingRequest:\n      type: object\n      additionalProperties: false\n",
            )],
        ),
        "other properties: allowed (absent) → refused (`false`)",
        false,
        false,
    );
    case(
        "additional_properties_refused_in_a_response",
        (
            &[],
            &[(
                "    meeting:\n      type: object\n      additionalProperties: {}\n",
                "    meeting:\n      type: object\n      additionalProperties: false\n",
            )],
        ),
        "other properties: kept in `extra` → refused (`false`)",
        true,
        true,
    );
}

#[test]
fn oauth2_replaced_by_an_http_bearer_scheme() {
    let bearer =
        "  securitySchemes:\n    bearer:\n      type: http\n      scheme: bearer\n    oauth:";
    case(
        "oauth2_replaced_by_an_http_bearer_scheme",
        (
            &[],
            &[
                ("  securitySchemes:\n    oauth:", bearer),
                (
                    "        - oauth: [Meetings.ReadWrite.All]",
                    "        - bearer: []",
                ),
                (
                    "        - oauth: [Meetings.ReadWrite]\n",
                    "        - bearer: []\n",
                ),
            ],
        ),
        "security changed from `[{\"oauth\":[\"Meetings.ReadWrite\"]}]` to `[{\"bearer\":[]}]`",
        false,
        false,
    );
}

#[test]
fn a_required_scope_added() {
    case(
        "a_required_scope_added",
        (
            &[],
            &[(
                "        - oauth: [Meetings.ReadWrite]\n",
                "        - oauth: [Meetings.ReadWrite, OnlineMeetings.ReadWrite]\n",
            )],
        ),
        "security changed from `[{\"oauth\":[\"Meetings.ReadWrite\"]}]` to `[{\"oauth\":[\"Meetings.ReadWrite\",\"OnlineMeetings.ReadWrite\"]}]`",
        false,
        true,
    );
}

#[test]
fn oauth2_replaced_by_an_api_key() {
    case(
        "oauth2_replaced_by_an_api_key",
        (
            &[],
            &[
                (
                    "  securitySchemes:\n    oauth:",
                    "  securitySchemes:\n    key:\n      type: apiKey\n      in: header\n      name: X-Api-Key\n    oauth:",
                ),
                (
                    "        - oauth: [Meetings.ReadWrite]\n",
                    "        - key: []\n",
                ),
            ],
        ),
        "security changed from `[{\"oauth\":[\"Meetings.ReadWrite\"]}]` to `[{\"key\":[]}]`",
        false,
        true,
    );
}

#[test]
fn request_media_type_changed() {
    case(
        "request_media_type_changed",
        (
            &[],
            &[(
                "      required: true\n      content:\n        application/json:",
                "      required: true\n      content:\n        application/x-www-form-urlencoded:",
            )],
        ),
        "request media type changed from `application/json` to `application/x-www-form-urlencoded`",
        false,
        true,
    );
}

#[test]
fn a_head_that_does_not_generate_fails_for_rust_and_says_so() {
    // progenitor cannot take `default` beside a success response.
    let head = edit(
        BASE,
        &[(
            "        '404':\n          $ref: '#/components/responses/error'\n",
            "        '404':\n          $ref: '#/components/responses/error'\n        default:\n          $ref: '#/components/responses/error'\n",
        )],
    );
    let report = report(BASE, &head);
    let markdown = report.to_markdown();
    assert!(
        markdown.contains("**The spec does not generate**"),
        "{markdown}"
    );
    assert!(
        markdown.contains("The regenerated public API is unknown"),
        "{markdown}"
    );
    assert!(
        !markdown.contains("The generated public API is unchanged"),
        "{markdown}"
    );
    assert!(report.fails(FailOn::Rust), "{markdown}");
}

#[test]
fn nullable_items_added_to_a_response_array() {
    let items = "        attendees:\n          type: array\n          nullable: true\n          items:\n            $ref: '#/components/schemas/participant'\n";
    let nullable_items = "        attendees:\n          type: array\n          nullable: true\n          items:\n            anyOf:\n              - $ref: '#/components/schemas/participant'\n              - enum: [null]\n";
    case(
        "nullable_items_added_to_a_response_array",
        (&[], &[(items, nullable_items)]),
        "items: nullable added",
        // `Vec<Participant>` becomes `Vec<Option<Participant>>`.
        true,
        true,
    );
}

#[test]
fn nullability_moved_from_an_enum_to_its_uses_changes_nothing() {
    let role_schema = "    role:\n      type: string\n      enum: [attendee, presenter]\n";
    let nullable_role_schema = "    role:\n      type: string\n      nullable: true\n      enum: [attendee, presenter, null]\n";
    let role_use = "        role:\n          nullable: true\n          allOf:\n            - $ref: '#/components/schemas/role'\n";
    let anyof_use = "        role:\n          anyOf:\n            - $ref: '#/components/schemas/role'\n            - enum: [null]\n";
    case(
        "nullability_moved_from_an_enum_to_its_uses",
        (
            &[(role_schema, nullable_role_schema)],
            &[(nullable_role_schema, role_schema), (role_use, anyof_use)],
        ),
        "nullable removed",
        false,
        false,
    );
}
