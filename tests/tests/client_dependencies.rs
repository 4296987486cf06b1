//! The crate users depend on carries no build-time machinery: no generator,
//! no YAML parser, no syntax-tree crates, no C-built crypto.

use std::process::Command;

use graph_online_meetings_tests::workspace_root;

const BUILD_TIME_ONLY: &[&str] = &[
    "progenitor",
    "progenitor-impl",
    "typify",
    "typify-impl",
    "openapiv3",
    "serde-saphyr",
    "prettyplease",
    "syn",
    "quote",
    "proc-macro2",
    "schemars",
    "graph-online-meetings-codegen",
    "aws-lc-rs",
    "aws-lc-sys",
];

/// The client's runtime crates, with `features` (`--features ...`) on.
fn runtime_crates(features: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args([
            "tree",
            "--locked",
            "-p",
            "graph-online-meetings",
            // Runtime code only: what proc macros need at compile time is not linked.
            "-e",
            "normal,no-proc-macro",
            "--prefix",
            "none",
        ])
        .args(features)
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn client_runtime_dependencies_exclude_build_time_crates() {
    let tree = runtime_crates(&[]);
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        crates.contains(&"progenitor-client"),
        "the runtime support is there"
    );
    assert!(crates.contains(&"rustls"), "a TLS backend is there");
    for forbidden in BUILD_TIME_ONLY {
        assert!(
            !crates.contains(forbidden),
            "{forbidden} is in the client's runtime tree"
        );
    }
}

#[test]
fn the_azure_identity_feature_brings_no_c_built_crypto() {
    let tree = runtime_crates(&["--features", "azure-identity"]);
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(crates.contains(&"azure_identity"), "the feature is on");
    for forbidden in BUILD_TIME_ONLY.iter().chain(&["openssl", "openssl-sys"]) {
        assert!(
            !crates.contains(forbidden),
            "{forbidden} is in the client's runtime tree with azure-identity"
        );
    }
}
