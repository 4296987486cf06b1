//! The committed generated code: current with the spec, and its public
//! types as a readable snapshot so that a spec change shows up in review as
//! a type diff.

use graph_online_meetings_codegen::{self as codegen, public_api::PublicApi};
use graph_online_meetings_tests::{read_workspace_file, workspace_root};

/// The same check as `cargo xtask generate --check`.
#[test]
fn committed_generated_code_is_current() {
    let expected = codegen::generate_client_source(
        &workspace_root().join(codegen::SPEC_PATH),
        codegen::SPEC_PATH,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let committed = std::fs::read_to_string(workspace_root().join(codegen::GENERATED_PATH)).ok();
    if let Some(report) =
        codegen::staleness_report(committed.as_deref(), &expected, codegen::GENERATED_PATH)
    {
        panic!("{report}");
    }
}

#[test]
fn staleness_report_shows_a_diff_and_the_command() {
    let report = codegen::staleness_report(Some("a\nb\n"), "a\nc\n", "x.rs").expect("stale");
    assert!(report.contains("-b\n+c\n"), "{report}");
    assert!(report.contains("cargo xtask generate"), "{report}");
    assert!(codegen::staleness_report(Some("same"), "same", "x.rs").is_none());
}

#[test]
fn public_types_of_the_generated_client() {
    let source = read_workspace_file(codegen::GENERATED_PATH);
    let api = PublicApi::from_source(&source).expect("the generated file parses");
    insta::assert_snapshot!(api.render());
}

/// Adding a property to the spec adds a field. That is not a breaking change
/// for users only if no public struct can be built with a struct literal
/// outside the crate.
#[test]
fn every_public_struct_with_public_fields_is_non_exhaustive() {
    let file = syn::parse_file(&read_workspace_file(codegen::GENERATED_PATH)).unwrap();
    let mut open = Vec::new();
    let mut checked = 0;
    let mut visit = |items: &[syn::Item]| {
        for item in items {
            if let syn::Item::Struct(s) = item
                && matches!(s.vis, syn::Visibility::Public(_))
                && s.fields
                    .iter()
                    .any(|f| matches!(f.vis, syn::Visibility::Public(_)))
            {
                checked += 1;
                if !s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
                    open.push(s.ident.to_string());
                }
            }
        }
    };
    for item in &file.items {
        if let syn::Item::Mod(module) = item
            && let Some((_, items)) = &module.content
        {
            visit(items);
        }
    }
    assert!(checked > 20, "only {checked} structs found");
    assert!(open.is_empty(), "exhaustive public structs: {open:?}");
}
