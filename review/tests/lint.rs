//! `lint`: the real spec, the fixture, and broken copies of both.

use std::path::Path;

use graph_online_meetings_codegen as codegen;
use graph_online_meetings_review::{Check, Finding, LintOptions, NullableReading, lint, lint_with};

const FIXTURE: &str = include_str!("fixtures/base.yaml");
const FIXTURE_REQUEST: &str = include_str!("fixtures/examples/meeting-request.json");
const FIXTURE_MEETING: &str = include_str!("fixtures/examples/meeting.json");

/// The fixture's example files, as the lint sees them beside the spec.
fn fixture_examples(request: &str, meeting: &str) -> Vec<(String, String)> {
    vec![
        (
            "spec/examples/meeting-request.json".to_string(),
            request.to_string(),
        ),
        (
            "spec/examples/meeting.json".to_string(),
            meeting.to_string(),
        ),
    ]
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "edit must match exactly once: {from:?}"
    );
    text.replacen(from, to, 1)
}

fn render(findings: &[Finding]) -> String {
    findings.iter().map(|f| format!("{f}\n")).collect()
}

/// The real spec and every file under spec/examples/.
fn real_inputs() -> (String, Vec<(String, String)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root");
    let spec = std::fs::read_to_string(root.join(codegen::SPEC_PATH)).expect("read the spec");
    let mut examples = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(root.join("spec/examples"))
        .expect("list spec/examples")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    for name in entries {
        let path = format!("spec/examples/{name}");
        examples.push((
            path.clone(),
            std::fs::read_to_string(root.join(&path)).expect("read example"),
        ));
    }
    (spec, examples)
}

#[test]
fn fixture_lints_clean() {
    let findings = lint(FIXTURE, &fixture_examples(FIXTURE_REQUEST, FIXTURE_MEETING));
    assert!(findings.is_empty(), "{}", render(&findings));
}

/// With progenitor's reading of `nullable` (null accepted beside `allOf`),
/// which is how the generated client behaves, the real spec is clean.
#[test]
fn real_spec_lints_clean_under_progenitors_nullable_reading() {
    let (spec, examples) = real_inputs();
    assert!(!examples.is_empty(), "spec/examples/ has no files");
    let options = LintOptions {
        nullable: NullableReading::Progenitor,
    };
    let findings = lint_with(&spec, &examples, options);
    assert!(findings.is_empty(), "{}", render(&findings));
}

/// Under OpenAPI 3.0.3 (the version the spec declares) `nullable: true`
/// beside `allOf` without a `type` does not admit null, so the documented
/// `"role": null` of both response examples breaks
/// meetingParticipantInfo.role. This snapshot records that known finding;
/// it becomes the clean result once the spec settles how to express a
/// nullable enum reference.
#[test]
fn real_spec_under_openapi_3_0_3() {
    let (spec, examples) = real_inputs();
    let findings = lint(&spec, &examples);
    // Enum schemas are nullable with a `null` member, so the documented
    // `"role": null` is valid even under 3.0.3's strict reading of `nullable`.
    assert!(findings.is_empty(), "{}", render(&findings));
}

#[test]
fn broken_examples_name_the_value_and_the_rule() {
    let request = replace_once(FIXTURE_REQUEST, "\"private\"", "\"secret\"");
    let request = replace_once(
        &request,
        "  \"externalId\": \"7eb8263f-d0e0-4149-bb1c-1f0476083c56\",\n",
        "",
    );
    let request = replace_once(
        &request,
        "2020-02-06T01:49:21.3524945+00:00",
        "2020-02-06 01:49",
    );
    let meeting = replace_once(FIXTURE_MEETING, "\"id\": \"(redacted)\"", "\"id\": null");
    let meeting = replace_once(&meeting, "\"status\": \"scheduled\"", "\"status\": 3");
    let findings = lint(FIXTURE, &fixture_examples(&request, &meeting));
    assert_eq!(findings.len(), 5, "{}", render(&findings));
    for finding in &findings {
        assert_eq!(finding.check, Check::Example);
        assert!(finding.location.starts_with("spec/examples/"), "{finding}");
        assert!(
            finding
                .rule
                .as_deref()
                .is_some_and(|r| r.starts_with("#/components/schemas/")),
            "{finding}"
        );
    }
    insta::assert_snapshot!(render(&findings));
}

#[test]
fn null_beside_allof_without_type_is_refused_under_3_0_3_only() {
    let meeting = replace_once(FIXTURE_MEETING, "\"role\": \"presenter\"", "\"role\": null");
    let examples = fixture_examples(FIXTURE_REQUEST, &meeting);
    let findings = lint(FIXTURE, &examples);
    assert_eq!(findings.len(), 1, "{}", render(&findings));
    assert_eq!(findings[0].location, "spec/examples/meeting.json#/role");
    assert_eq!(
        findings[0].rule.as_deref(),
        Some("#/components/schemas/meeting/properties/role/nullable")
    );
    let lenient = lint_with(
        FIXTURE,
        &examples,
        LintOptions {
            nullable: NullableReading::Progenitor,
        },
    );
    assert!(lenient.is_empty(), "{}", render(&lenient));
}

#[test]
fn unused_components_are_found() {
    let spec = replace_once(
        FIXTURE,
        "    error:\n      type: object\n",
        "    orphan:\n      type: object\n      properties:\n        child:\n          $ref: '#/components/schemas/orphanChild'\n    orphanChild:\n      type: string\n    error:\n      type: object\n",
    );
    let spec = replace_once(
        &spec,
        "  requestBodies:\n",
        "  parameters:\n    unusedHeader:\n      name: X-Unused\n      in: header\n      schema:\n        type: string\n  requestBodies:\n",
    );
    let findings = lint(&spec, &fixture_examples(FIXTURE_REQUEST, FIXTURE_MEETING));
    let unused: Vec<&str> = findings
        .iter()
        .filter(|f| f.check == Check::UnusedComponent)
        .map(|f| f.location.as_str())
        .collect();
    assert_eq!(
        unused,
        [
            "spec/online-meetings-create-or-get.yaml#/components/parameters/unusedHeader",
            "spec/online-meetings-create-or-get.yaml#/components/schemas/orphan",
            "spec/online-meetings-create-or-get.yaml#/components/schemas/orphanChild",
        ],
        "{}",
        render(&findings)
    );
    assert_eq!(findings.len(), 3, "{}", render(&findings));
}

#[test]
fn operation_refs_and_example_files_are_checked() {
    let spec = replace_once(
        FIXTURE,
        "      summary: Create a meeting for the signed-in user\n",
        "",
    );
    let spec = replace_once(
        &spec,
        "        - oauth: [Meetings.ReadWrite]\n",
        "        - oauth: [Meetings.Read]\n",
    );
    let spec = replace_once(
        &spec,
        "      operationId: createMeeting\n      summary: Create a meeting for a user\n      security:\n        - oauth: [Meetings.ReadWrite.All]\n",
        "      operationId: createMeeting\n      summary: Create a meeting for a user\n",
    );
    let spec = replace_once(
        &spec,
        "$ref: '#/components/schemas/visibility'",
        "$ref: '#/components/schemas/visibilty'",
    );
    let spec = replace_once(
        &spec,
        "x-example-file: examples/meeting.json",
        "x-example-file: examples/missing.json",
    );
    let mut examples = fixture_examples(FIXTURE_REQUEST, FIXTURE_MEETING);
    examples.push((
        "spec/examples/broken.json".to_string(),
        "{\"a\": ".to_string(),
    ));
    let findings = lint(&spec, &examples);
    insta::assert_snapshot!(render(&findings));
}

#[test]
fn inline_value_must_match_its_external_file() {
    let spec = replace_once(
        FIXTURE,
        "              x-example-file: examples/meeting.json\n",
        "              x-example-file: examples/meeting.json\n              value:\n                id: other\n",
    );
    let findings = lint(&spec, &fixture_examples(FIXTURE_REQUEST, FIXTURE_MEETING));
    assert_eq!(findings.len(), 1, "{}", render(&findings));
    assert!(
        findings[0]
            .message
            .contains("differs from spec/examples/meeting.json"),
        "{}",
        findings[0]
    );
}

#[test]
fn unparseable_spec_is_one_finding() {
    let findings = lint("openapi: [3.0.3\n", &[]);
    assert_eq!(findings.len(), 1, "{}", render(&findings));
    assert_eq!(findings[0].check, Check::Spec);
    assert!(
        findings[0].message.starts_with("invalid YAML"),
        "{}",
        findings[0]
    );
}

/// Keywords checked by the JSON Schema engine on the translated schema: the
/// 3.0 boolean `exclusiveMinimum`, `pattern`, and the RFC 3339 formats
/// (lower-case `t`/`z` are RFC 3339 too).
#[test]
fn bounds_patterns_and_formats_are_checked() {
    let spec = replace_once(
        FIXTURE,
        "        status:\n          type: string\n          enum: [scheduled, cancelled]\n",
        "        status:\n          type: string\n          enum: [scheduled, cancelled]\n        count:\n          type: integer\n          minimum: 1\n          exclusiveMinimum: true\n        code:\n          type: string\n          pattern: '^[a-z]+$'\n        day:\n          type: string\n          format: date\n",
    );
    let meeting = replace_once(
        FIXTURE_MEETING,
        "\"role\": \"presenter\"",
        "\"role\": \"presenter\", \"count\": 1, \"code\": \"ABC\", \"day\": \"2021-02-29\"",
    );
    let meeting = replace_once(
        &meeting,
        "2020-09-11T06:30:18.0615989Z",
        "2020-09-11t06:30:18.0615989z",
    );
    let findings = lint(&spec, &fixture_examples(FIXTURE_REQUEST, &meeting));
    let schema = "#/components/schemas/meeting/properties";
    assert_eq!(
        render(&findings),
        format!(
            "spec/examples/meeting.json#/code breaks {schema}/code/pattern: `\"ABC\"` does not match the pattern `^[a-z]+$`\n\
             spec/examples/meeting.json#/count breaks {schema}/count/minimum: 1 is not greater than 1 (exclusiveMinimum)\n\
             spec/examples/meeting.json#/day breaks {schema}/day/format: `\"2021-02-29\"` is not an RFC 3339 full-date such as `2020-02-06`\n"
        )
    );
}

/// With `additionalProperties: false` each unknown property is its own
/// finding, at the property.
#[test]
fn each_unknown_property_is_named() {
    let spec = replace_once(
        FIXTURE,
        "    participant:\n      type: object\n      additionalProperties: {}\n",
        "    participant:\n      type: object\n      additionalProperties: false\n",
    );
    let meeting = replace_once(
        FIXTURE_MEETING,
        "\"role\": \"presenter\"",
        "\"role\": \"presenter\", \"attendees\": [{\"upn\": \"a\", \"x\": 1, \"y\": 2}]",
    );
    let findings = lint(&spec, &fixture_examples(FIXTURE_REQUEST, &meeting));
    let locations: Vec<(&str, Option<&str>)> = findings
        .iter()
        .map(|f| (f.location.as_str(), f.rule.as_deref()))
        .collect();
    let rule = Some("#/components/schemas/participant/additionalProperties");
    assert_eq!(
        locations,
        [
            ("spec/examples/meeting.json#/attendees/0/x", rule),
            ("spec/examples/meeting.json#/attendees/0/y", rule),
        ],
        "{}",
        render(&findings)
    );
}

/// A schema the JSON Schema engine cannot compile is a finding that names
/// the spec keyword, not a panic.
#[test]
fn an_invalid_schema_is_a_finding_at_its_keyword() {
    let spec = replace_once(
        FIXTURE,
        "        upn:\n          type: string\n",
        "        upn:\n          type: strnig\n",
    );
    let findings = lint(&spec, &fixture_examples(FIXTURE_REQUEST, FIXTURE_MEETING));
    assert!(!findings.is_empty());
    for finding in &findings {
        assert_eq!(
            finding.rule.as_deref(),
            Some("#/components/schemas/participant/properties/upn/type"),
            "{finding}"
        );
        assert!(finding.message.contains("strnig"), "{finding}");
    }
}
