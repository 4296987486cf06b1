//! Golden files that are also compiled: the code generated from
//! `tests/fixtures/good/open_object_with_default.yaml` and
//! `tests/fixtures/good/constraints.yaml` is committed next to each fixture
//! and included here, so a generator change that breaks it fails the build,
//! and its behaviour is tested like the client's.
//!
//! The fixture's open object has a property with a default, which the
//! hand-written `Deserialize` of `codegen/src/open_objects.rs` does not
//! mirror: the struct keeps serde's derive, while its unknown-property map
//! is still retyped to `AdditionalProperties`, so the type and the builder
//! conversions must be emitted for this path too.

use graph_online_meetings_codegen as codegen;
use graph_online_meetings_tests::{read_workspace_file, workspace_root};
use serde_json::json;

const FIXTURES: [&str; 2] = [
    "tests/fixtures/good/open_object_with_default.yaml",
    "tests/fixtures/good/constraints.yaml",
];

/// The generated code names its client state `crate::ClientState`.
pub type ClientState = ();

#[rustfmt::skip]
#[allow(dead_code, unused_imports, unreachable_patterns, clippy::all)]
mod generated {
    include!("../fixtures/good/open_object_with_default.rs");
}

/// The constraints typify maps to plain types (its code names no enum, so
/// it needs no `crate::generated` path of its own).
mod constraints {
    #[rustfmt::skip]
    #[allow(dead_code, unused_imports, unreachable_patterns, clippy::all)]
    pub mod generated {
        include!("../fixtures/good/constraints.rs");
    }
}

use generated::types::Settings;

#[test]
fn the_committed_code_is_what_the_fixture_generates() {
    for fixture in FIXTURES {
        let golden = fixture.replace(".yaml", ".rs");
        let generated = codegen::generate_from_str(&read_workspace_file(fixture), fixture)
            .expect("the fixture generates");
        if read_workspace_file(&golden) != generated {
            let new = workspace_root().join(format!("{golden}.new"));
            std::fs::write(&new, &generated).expect("write the new output");
            panic!(
                "{golden} is not what {fixture} generates. The new output is in {}: \
                 review it (`diff {golden} {golden}.new`) and rename it over {golden}.",
                new.display()
            );
        }
    }
}

#[test]
fn constrained_fields_keep_their_builders() {
    use constraints::generated::types::CreateOrGetOnlineMeetingRequest as Request;
    // The hidden minLength: the builder takes a &str, even an empty one
    // (MeetingRequest::validate refuses that before sending).
    let built = Request::try_from(Request::builder().external_id("").percent(Some(100))).unwrap();
    assert_eq!(built.external_id, "");
    // Integer bounds pick the integer type: 0 cannot be a NonZeroU64.
    let err = serde_json::from_value::<Request>(json!({"externalId": "x", "positive": 0}));
    assert!(err.is_err());
    let ok: Request = serde_json::from_value(json!({"externalId": "x", "positive": 3})).unwrap();
    assert_eq!(ok.positive.map(|p| p.get()), Some(3));
}

#[test]
fn the_derived_path_applies_the_default_and_keeps_unknown_properties() {
    let settings: Settings =
        serde_json::from_value(json!({"label": "quiet", "colour": "teal"})).unwrap();
    assert_eq!(settings.label.as_deref(), Some("quiet"));
    assert!(settings.muted, "the schema's default");
    assert_eq!(settings.extra.get("colour"), Some(&json!("teal")));
    assert_eq!(
        serde_json::to_value(&settings).unwrap(),
        json!({"label": "quiet", "muted": true, "colour": "teal"})
    );

    let explicit: Settings = serde_json::from_value(json!({"muted": false})).unwrap();
    assert!(!explicit.muted);
    assert!(explicit.extra.is_empty());
}

#[test]
fn the_builder_starts_with_no_unknown_properties() {
    let built = Settings::try_from(Settings::builder().label(Some("x".to_string()))).unwrap();
    assert!(built.extra.is_empty());
    assert!(built.muted);
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        json!({"label": "x", "muted": true})
    );
}
