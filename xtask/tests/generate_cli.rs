//! `cargo xtask generate` as a user runs it: bad specs fail cleanly and never
//! touch the committed file; `--check` reports a stale file with a diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("xtask runs")
}

fn generated_bytes() -> Vec<u8> {
    std::fs::read(root().join("client/src/generated.rs")).expect("the generated file exists")
}

#[test]
fn every_bad_spec_fails_cleanly_and_leaves_the_generated_file_alone() {
    let before = generated_bytes();
    let bad = root().join("tests/fixtures/bad");
    let mut files: Vec<_> = std::fs::read_dir(&bad)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the bad fixtures are there");
    for file in files {
        let shown = file.display().to_string();
        let out = xtask(&["generate", "--spec", &shown]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{shown}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: {shown}:")),
            "{shown}: names the file: {stderr}"
        );
        assert!(
            !stderr.contains("panicked"),
            "{shown}: no panic output: {stderr}"
        );
        assert!(
            !stderr.contains("stack backtrace"),
            "{shown}: no backtrace: {stderr}"
        );
        assert!(stderr.contains("left unchanged"), "{shown}: {stderr}");
        assert_eq!(
            generated_bytes(),
            before,
            "{shown}: the generated file was touched"
        );
    }
}

#[test]
fn a_missing_spec_file_is_named() {
    let out = xtask(&["generate", "--check", "--spec", "no/such/spec.yaml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("no/such/spec.yaml: cannot read the spec"),
        "{stderr}"
    );
}

#[test]
fn check_reports_a_new_property_as_a_diff_and_the_command() {
    let spec =
        std::fs::read_to_string(root().join("spec/online-meetings-create-or-get.yaml")).unwrap();
    let changed = spec.replacen(
        "        allowTextOnly:\n",
        "        allowEmojiOnly:\n          type: boolean\n          nullable: true\n        allowTextOnly:\n",
        1,
    );
    assert_ne!(changed, spec, "the edit applied");
    let dir = std::env::temp_dir().join(format!("xtask-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spec.yaml");
    std::fs::write(&path, changed).unwrap();

    let before = generated_bytes();
    let out = xtask(&["generate", "--check", "--spec", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("+        pub allow_emoji_only: ::std::option::Option<bool>,"),
        "{stderr}"
    );
    assert!(stderr.contains("Run `cargo xtask generate`"), "{stderr}");
    assert_eq!(generated_bytes(), before, "--check writes nothing");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn check_passes_on_the_committed_file() {
    let out = xtask(&["generate", "--check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn unknown_arguments_are_usage_errors_that_name_them() {
    for args in [
        &["generate", "--frobnicate"][..],
        &["lint", "--frobnicate"],
        &["review", "--base", "main", "--frobnicate"],
        &["--frobnicate"],
    ] {
        let out = xtask(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("'--frobnicate'"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = xtask(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unrecognized subcommand 'frobnicate'"));
    let out = xtask(&["review", "--fail-on", "sometimes", "--base", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'sometimes'"));
    for args in [&["review"][..], &["review", "--base"]] {
        let out = xtask(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("--base"), "{args:?}: {stderr}");
    }
}

#[test]
fn help_works_on_every_task_and_says_what_each_flag_does() {
    let cases: [(&[&str], &[&str]); 8] = [
        (&["--help"], &["generate", "lint", "review"]),
        (&["-h"], &["generate", "lint", "review"]),
        (&["help", "review"], &["--base"]),
        (&["generate", "--help"], &["--check", "--spec", "stale"]),
        (&["generate", "-h"], &["--check", "--spec"]),
        (&["lint", "--help"], &["spec/examples/"]),
        (
            &["review", "--help"],
            &["--base", "--output", "--fail-on", "wire", "never"],
        ),
        (&["review", "-h"], &["--base", "--output", "--fail-on"]),
    ];
    for (args, mentions) in cases {
        let out = xtask(args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(stdout.contains("Usage: cargo xtask"), "{args:?}: {stdout}");
        for mention in mentions {
            assert!(
                stdout.contains(mention),
                "{args:?} mentions {mention}: {stdout}"
            );
        }
    }
}

/// typify validates a `pattern` with the `regress` crate, which the client
/// does not depend on: writing that code would leave a crate that does not
/// build, so generate (and `--check`) refuses before writing and says where
/// the pattern is.
#[test]
fn code_that_needs_a_crate_the_client_lacks_is_not_written() {
    let before = generated_bytes();
    let spec = root().join("tests/fixtures/bad/pattern-needs-regress.yaml");
    for check in [false, true] {
        let mut args = vec!["generate", "--spec", spec.to_str().unwrap()];
        if check {
            args.push("--check");
        }
        let out = xtask(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("needs the `regress` crate"), "{stderr}");
        assert!(
            stderr.contains(
                "pattern-needs-regress.yaml:26:11: at #/components/schemas/thing/properties/code/pattern"
            ),
            "{stderr}"
        );
        assert!(stderr.contains("fix: state the rule"), "{stderr}");
        assert_eq!(generated_bytes(), before);
    }
}
