//! The review's compile step, run for real: `cargo check` of a copy of this
//! workspace with the client regenerated from a changed spec. Slow (one
//! warm check each), so there are two: a change the hand-written layer does
//! not survive, and one everything survives.

use std::path::{Path, PathBuf};
use std::process::Command;

use graph_online_meetings_codegen as codegen;
use graph_online_meetings_review::cli::{self, Outcome, ReviewOptions};
use graph_online_meetings_review::{CompileOptions, FailOn};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("review lives one level below the root")
        .to_path_buf()
}

/// A git repository holding a copy of this workspace (as the working tree
/// has it) in one commit, with mtimes kept so that the unchanged crates are
/// fresh in the shared target directory.
struct WorkspaceCopy(PathBuf);

impl WorkspaceCopy {
    fn new(name: &str) -> Self {
        let root = workspace_root();
        let dir =
            std::env::temp_dir().join(format!("review-compile-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let listing = Command::new("git")
            .arg("-C")
            .arg(&root)
            .args([
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ])
            .output()
            .expect("run git ls-files");
        assert!(
            listing.status.success(),
            "git ls-files in {}",
            root.display()
        );
        for file in String::from_utf8(listing.stdout).unwrap().split('\0') {
            let from = root.join(file);
            let Ok(meta) = std::fs::metadata(&from) else {
                continue; // deleted in the working tree
            };
            if file.is_empty() || !meta.is_file() {
                continue;
            }
            let to = dir.join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
            let copied = std::fs::File::options().write(true).open(&to).unwrap();
            copied.set_modified(meta.modified().unwrap()).unwrap();
        }
        let copy = WorkspaceCopy(dir);
        copy.git(&["init", "--quiet"]);
        copy.git(&["add", "."]);
        copy.git(&[
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.com",
            "commit",
            "--quiet",
            "-m",
            "base",
        ]);
        copy
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

    /// Replaces `from` (which must occur) in the working tree's spec.
    fn edit_spec(&self, from: &str, to: &str) {
        let path = self.0.join(codegen::SPEC_PATH);
        let spec = std::fs::read_to_string(&path).unwrap();
        assert!(spec.contains(from), "the spec has {from:?}");
        std::fs::write(&path, spec.replacen(from, to, 1)).unwrap();
    }

    /// `cargo xtask review --base HEAD`, compiling in this workspace's own
    /// target directory so the check is warm.
    fn review(&self) -> Outcome {
        let target_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| workspace_root().join("target"), PathBuf::from);
        let options = ReviewOptions {
            base: "HEAD".to_string(),
            output: None,
            fail_on: FailOn::Breaking,
            compile: Some(CompileOptions {
                target_dir: Some(target_dir),
            }),
        };
        let outcome = cli::review(&self.0, &options);
        assert_ne!(outcome.code, 2, "the review runs: {outcome:?}");
        outcome
    }
}

impl Drop for WorkspaceCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The report's table row for a part.
fn row<'a>(report: &'a str, part: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.starts_with(&format!("| {part} ")))
        .unwrap_or_else(|| panic!("no row for {part} in:\n{report}"))
}

#[test]
fn an_optional_request_property_breaks_the_hand_written_layer_and_the_report_says_where() {
    let copy = WorkspaceCopy::new("hand-written");
    // The spec rules call this compatible for users of the generated crate
    // (its structs are #[non_exhaustive]), but the hand-written layer builds
    // the request struct with a literal inside the crate.
    copy.edit_spec(
        "        subject:\n          type: string\n          description: The subject of the meeting.\n",
        "        subject:\n          type: string\n          description: The subject of the meeting.\n        \
         language:\n          type: string\n          description: A new optional property.\n",
    );
    let outcome = copy.review();
    let report = &outcome.stdout;
    assert_eq!(
        outcome.code, 1,
        "a compile failure fails the review:\n{report}"
    );
    assert!(
        report.contains("**The regenerated crate does not compile**"),
        "{report}"
    );
    assert!(
        row(report, "generated client").contains("not checked"),
        "{report}"
    );
    assert!(
        row(report, "hand-written layer").contains("**does not compile**"),
        "{report}"
    );
    assert!(row(report, "mock").contains("not checked"), "{report}");
    // The error with its file and line: `client/src/request.rs:33:19: error[E0063]: missing field …`.
    let error = report
        .lines()
        .find(|l| l.starts_with("client/src/request.rs:"))
        .unwrap_or_else(|| panic!("an error in request.rs:\n{report}"));
    let line: usize = error
        .split(':')
        .nth(1)
        .unwrap()
        .parse()
        .expect("a line number");
    assert!(line > 0, "{error}");
    assert!(
        error.contains("error[E0063]: missing field `language`"),
        "{error}"
    );
}

#[test]
fn an_optional_response_property_compiles_everywhere() {
    let copy = WorkspaceCopy::new("compatible");
    copy.edit_spec(
        "      additionalProperties: {}\n      properties:\n        id:\n",
        "      additionalProperties: {}\n      properties:\n        recordingNote:\n          \
         type: string\n          nullable: true\n          description: A note.\n        id:\n",
    );
    let outcome = copy.review();
    let report = &outcome.stdout;
    assert_eq!(outcome.code, 0, "{report}");
    for part in [
        "generated client",
        "hand-written layer",
        "examples",
        "mock",
        "the rest",
    ] {
        assert!(
            row(report, part).ends_with("| compiles |"),
            "{part}:\n{report}"
        );
    }
    assert!(!report.contains("does not compile"), "{report}");
}
