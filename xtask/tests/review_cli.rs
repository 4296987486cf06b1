//! `cargo xtask review --no-compile`: a local shortcut that the report
//! owns up to, and that CI cannot take. (The compile step itself is tested
//! in review/tests/compile.rs.)

use std::process::{Command, Output};

fn xtask(args: &[&str], ci: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args).env_remove("CI");
    if let Some(value) = ci {
        command.env("CI", value);
    }
    command.output().expect("xtask runs")
}

#[test]
fn no_compile_skips_the_step_and_the_report_says_so() {
    let out = xtask(
        &[
            "review",
            "--base",
            "HEAD",
            "--no-compile",
            "--fail-on",
            "never",
        ],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("\n### Compile\n"), "{stdout}");
    assert!(
        stdout.contains(
            "Not checked (skipped with `--no-compile`): this report does not say whether the \
             regenerated crate compiles."
        ),
        "{stdout}"
    );
}

#[test]
fn ci_refuses_no_compile() {
    for ci in ["true", "1"] {
        let out = xtask(&["review", "--base", "HEAD", "--no-compile"], Some(ci));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "CI={ci}: {stderr}");
        assert_eq!(
            stderr,
            "error: --no-compile is for local runs; CI always compiles (the CI variable is set)\n"
        );
        assert!(out.stdout.is_empty(), "CI={ci}: no report");
    }
}

#[test]
fn help_describes_no_compile() {
    let out = xtask(&["review", "--help"], None);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("--no-compile"), "{stdout}");
    assert!(stdout.contains("Skip the compile step"), "{stdout}");
}
