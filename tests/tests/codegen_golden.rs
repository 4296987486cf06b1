//! Golden tests of the generator: small fixture specs and the code or the
//! error message each one gives.

use graph_online_meetings_codegen::{self as codegen, CodegenError, ErrorKind};
use graph_online_meetings_tests::read_workspace_file;

fn generate_fixture(relative: &str) -> Result<String, CodegenError> {
    let label = format!("tests/fixtures/{relative}");
    codegen::generate_from_str(&read_workspace_file(&label), &label)
}

#[test]
fn minimal_spec_generates_the_expected_code() {
    let source = generate_fixture("good/minimal.yaml").expect("the fixture generates");
    insta::assert_snapshot!(source);
}

#[test]
fn generation_is_deterministic() {
    let spec = read_workspace_file(codegen::SPEC_PATH);
    let first = codegen::generate_from_str(&spec, codegen::SPEC_PATH).unwrap();
    for _ in 0..9 {
        assert_eq!(
            codegen::generate_from_str(&spec, codegen::SPEC_PATH).unwrap(),
            first
        );
    }
}

#[test]
fn generated_code_names_its_source_and_how_to_regenerate() {
    let source = generate_fixture("good/minimal.yaml").unwrap();
    let header: Vec<&str> = source.lines().take(2).collect();
    assert!(
        header[0].contains("@generated") && header[0].contains("tests/fixtures/good/minimal.yaml")
    );
    assert!(header[1].contains("cargo xtask generate"));
}

#[test]
fn operations_send_no_api_version_header() {
    let source = generate_fixture("good/minimal.yaml").unwrap();
    assert!(
        source.contains("header_map"),
        "the fixture's operation builds a header map"
    );
    assert!(!source.contains("\"api-version\""), "{source}");
}

/// Each bad spec gives an error that names the file and the cause; none of
/// them panics (a panic would fail the test before the snapshot).
macro_rules! bad_spec_test {
    ($name:ident, $file:literal, $kind:pat) => {
        #[test]
        fn $name() {
            let err = generate_fixture(concat!("bad/", $file)).expect_err("the spec is refused");
            assert!(matches!(err.kind, $kind), "unexpected kind: {:?}", err.kind);
            let message = err.to_string();
            assert!(
                message.starts_with(concat!("tests/fixtures/bad/", $file, ":")),
                "the message names the file first: {message}"
            );
            insta::assert_snapshot!(message);
        }
    };
}

bad_spec_test!(empty_file, "empty.yaml", ErrorKind::Empty);
bad_spec_test!(invalid_yaml, "invalid-yaml.yaml", ErrorKind::Yaml(_));
bad_spec_test!(
    unclosed_bracket_is_reported_where_it_opens,
    "unclosed-bracket.yaml",
    ErrorKind::Yaml(_)
);
bad_spec_test!(
    duplicate_key_is_named_in_our_words,
    "duplicate-key.yaml",
    ErrorKind::Yaml(_)
);
bad_spec_test!(
    openapi_3_1,
    "openapi-3-1.yaml",
    ErrorKind::Unsupported { .. }
);
bad_spec_test!(
    default_beside_2xx,
    "default-beside-2xx.yaml",
    ErrorKind::Unsupported { .. }
);
bad_spec_test!(
    different_2xx_schemas,
    "different-2xx-schemas.yaml",
    ErrorKind::Unsupported { .. }
);
bad_spec_test!(
    missing_operation_id,
    "missing-operation-id.yaml",
    ErrorKind::Unsupported { .. }
);
bad_spec_test!(
    duplicate_operation_id,
    "duplicate-operation-id.yaml",
    ErrorKind::Unsupported { .. }
);
bad_spec_test!(
    dangling_ref,
    "dangling-ref.yaml",
    ErrorKind::Unsupported { .. }
);
bad_spec_test!(
    two_request_media_types,
    "two-request-media-types.yaml",
    ErrorKind::Unsupported { .. }
);
bad_spec_test!(not_openapi, "not-openapi.yaml", ErrorKind::NotOpenApi(_));
// typify makes a string with `pattern`, `minLength` or `maxLength` a
// constrained newtype; unless the hand-written layer enforces it (and
// codegen hides it), it is refused at its place in the file.
bad_spec_test!(
    pattern_is_refused_where_it_is,
    "pattern-needs-regress.yaml",
    ErrorKind::Unsupported { .. }
);
bad_spec_test!(
    min_length_nobody_enforces_is_refused,
    "min-length-not-enforced.yaml",
    ErrorKind::Unsupported { .. }
);
bad_spec_test!(
    max_length_nobody_enforces_is_refused,
    "max-length-not-enforced.yaml",
    ErrorKind::Unsupported { .. }
);

/// The constraints typify maps to plain Rust types (integer bounds pick the
/// integer type; array bounds make the list a plain `Vec`), and the one the
/// client enforces, which leaves its field a `String`. The code compiles:
/// `fixture_code_compiles` includes it.
#[test]
fn constraints_give_plain_types() {
    let source = generate_fixture("good/constraints.yaml").expect("the fixture generates");
    let api = codegen::public_api::PublicApi::from_source(&source).expect("it parses");
    insta::assert_snapshot!(api.render());
}

/// The committed spec keeps `minLength: 1` on externalId for validators and
/// schemathesis, and the generated field is still the `String` the builder
/// and `MeetingRequest::new` take.
#[test]
fn the_spec_constraint_on_external_id_is_hidden_from_typify() {
    let spec =
        codegen::load_spec(&read_workspace_file(codegen::SPEC_PATH), codegen::SPEC_PATH).unwrap();
    let (schema, keyword) = codegen::typify_view::ENFORCED_BY_CLIENT[0];
    let pointer = codegen::JsonPointer::parse(schema).unwrap();
    assert_eq!(pointer.resolve(&spec.json).unwrap()[keyword], 1);
    let source = read_workspace_file(codegen::GENERATED_PATH);
    assert!(source.contains("pub external_id: ::std::string::String,"));
    assert!(!source.contains("CreateOrGetOnlineMeetingRequestExternalId"));
}
bad_spec_test!(
    progenitor_panic_is_caught,
    "optional-path-parameter.yaml",
    ErrorKind::ProgenitorPanic(_)
);

/// typify looks open-enum replacements up by the name it computes; a name
/// computed any other way leaves that enum closed, silently. Acronyms and
/// leading digits are where hand-written case conversions disagree with it.
#[test]
fn every_enum_comes_out_open_whatever_its_name() {
    let fixture = "good/acronyms_and_digits.yaml";
    let source = generate_fixture(fixture).expect("the fixture generates");
    let file = syn::parse_file(&source).expect("the generated code parses");
    let types = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => module.content.as_ref(),
            _ => None,
        })
        .expect("a types module")
        .1
        .clone();
    let enums: Vec<&syn::ItemEnum> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Enum(e) => Some(e),
            _ => None,
        })
        .collect();
    let spec = codegen::load_spec(
        &read_workspace_file(&format!("tests/fixtures/{fixture}")),
        fixture,
    )
    .unwrap();
    let mut expected: Vec<String> = spec
        .open_enums
        .iter()
        .map(|e| e.rust_name.clone())
        .collect();
    expected.sort();
    assert_eq!(
        expected,
        [
            "Ipv6Scope",
            "MeetingV2Role",
            "OAuth2GrantType",
            "X3dModelKind",
            "XmlHttpRequestMode"
        ]
    );
    let mut found: Vec<String> = enums.iter().map(|e| e.ident.to_string()).collect();
    found.sort();
    assert_eq!(
        found, expected,
        "one generated enum per spec enum, no closed copy"
    );
    for e in &enums {
        assert!(
            e.variants.iter().any(|v| v.ident == "Unrecognized"),
            "enum {} is closed",
            e.ident
        );
    }
    // The struct's fields use the open enums, not types typify made itself.
    assert!(
        source.contains(
            "pub mode: ::std::option::Option<crate::generated::types::XmlHttpRequestMode>"
        ),
        "{source}"
    );
}
