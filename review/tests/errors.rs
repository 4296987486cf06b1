//! What `review` does with input it cannot read.

use std::path::{Path, PathBuf};
use std::process::Command;

use graph_online_meetings_codegen as codegen;
use graph_online_meetings_review::cli::{self, ReviewOptions};
use graph_online_meetings_review::{FailOn, ReviewError, review};

const FIXTURE: &str = include_str!("fixtures/base.yaml");

#[test]
fn unparseable_base_spec_is_a_one_line_error() {
    let err = review("openapi: 3.0.3\npaths: [\n", None, FIXTURE, None)
        .expect_err("the base does not parse");
    assert!(matches!(err, ReviewError::BaseSpec(_)), "{err:?}");
    let message = err.to_string();
    assert!(!message.contains('\n'), "{message}");
    assert!(
        message.starts_with("the base spec does not parse:"),
        "{message}"
    );
    assert!(message.contains("invalid YAML"), "{message}");
}

#[test]
fn a_base_progenitor_cannot_take_is_still_reviewed() {
    // Only YAML and OpenAPI structure stop a review; generation's checks
    // do not, so a fix to a spec that did not generate can be reviewed.
    let spec = FIXTURE.replace(
        "        5XX:\n          $ref: '#/components/responses/error'\n  /me",
        "        default:\n          $ref: '#/components/responses/error'\n  /me",
    );
    assert_ne!(spec, FIXTURE);
    let report = review(&spec, None, FIXTURE, None).expect("the pair is reviewed");
    let found: Vec<&str> = report
        .changes
        .iter()
        .map(|c| c.description.as_str())
        .collect();
    assert_eq!(
        found,
        ["response `5XX` added", "response `default` removed"]
    );
}

#[test]
fn unparseable_head_spec_is_an_error_too() {
    let err = review(FIXTURE, None, "", None).expect_err("the head is empty");
    assert!(matches!(err, ReviewError::HeadSpec(_)), "{err:?}");
}

/// A throwaway git repository with one commit holding `spec`.
struct Repo(PathBuf);

impl Repo {
    fn new(name: &str, spec: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("review-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("spec")).expect("create the repository");
        std::fs::write(dir.join(codegen::SPEC_PATH), spec).expect("write the spec");
        let repo = Repo(dir);
        repo.git(&["init", "--quiet"]);
        repo.git(&["add", "."]);
        repo.git(&[
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.com",
            "commit",
            "--quiet",
            "-m",
            "base",
        ]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args(args)
            .status()
            .expect("run git");
        assert!(status.success(), "git {args:?}");
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn cli_exits_2_with_one_line_on_a_broken_base_and_an_unknown_ref() {
    let repo = Repo::new("broken-base", "openapi: 3.0.3\npaths: [\n");
    std::fs::write(repo.path().join(codegen::SPEC_PATH), FIXTURE).expect("write the head spec");

    let options = self::options("HEAD", None, FailOn::Breaking);
    let outcome = cli::review(repo.path(), &options);
    assert_eq!(outcome.code, 2, "{outcome:?}");
    assert_eq!(outcome.stderr.lines().count(), 1, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .starts_with("error: at `HEAD`: the base spec does not parse:"),
        "{}",
        outcome.stderr
    );
    assert!(outcome.stdout.is_empty());

    let options = self::options("no-such-branch", None, FailOn::Breaking);
    let outcome = cli::review(repo.path(), &options);
    assert_eq!(outcome.code, 2, "{outcome:?}");
    assert_eq!(outcome.stderr, "error: unknown git ref `no-such-branch`\n");
}

#[test]
fn cli_writes_the_report_and_exits_by_fail_on() {
    let repo = Repo::new("report", FIXTURE);
    let head = FIXTURE.replace("enum: [public, private]", "enum: [public]");
    std::fs::write(repo.path().join(codegen::SPEC_PATH), head).expect("write the head spec");

    let options = self::options("HEAD", Some("report.md"), FailOn::Breaking);
    let outcome = cli::review(repo.path(), &options);
    assert_eq!(outcome.code, 1, "{outcome:?}");
    let written = std::fs::read_to_string(repo.path().join("report.md")).expect("report written");
    assert_eq!(written, outcome.stdout);
    assert!(
        written.contains("enum member `private` removed"),
        "{written}"
    );
    // Neither side has a generated file here.
    assert!(written.contains("**Missing**"), "{written}");

    let never = self::options("HEAD", None, FailOn::Never);
    assert_eq!(cli::review(repo.path(), &never).code, 0);
}

/// What `cargo xtask review` builds from its (clap-parsed) arguments.
fn options(base: &str, output: Option<&str>, fail_on: FailOn) -> ReviewOptions {
    ReviewOptions {
        base: base.to_string(),
        output: output.map(str::to_string),
        fail_on,
        // These repositories hold a spec and no workspace to compile.
        compile: None,
    }
}
