//! The file and git plumbing behind `cargo xtask lint` and `cargo xtask
//! review`. Everything that decides something lives in [`crate::lint()`]
//! and [`crate::review()`].

use std::path::Path;
use std::process::Command;

use graph_online_meetings_codegen as codegen;

use crate::api::Currency;
use crate::compile::{self, CompileCheck, CompileOptions};
use crate::review::FailOn;

/// What a command printed and how it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// 0: clean; 1: findings or breaking changes; 2: could not run.
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    fn error(message: impl std::fmt::Display) -> Self {
        Self {
            code: 2,
            stdout: String::new(),
            stderr: format!("error: {message}\n"),
        }
    }
}

/// The folder that holds example files, relative to the workspace root.
pub const EXAMPLES_DIR: &str = "spec/examples";

/// `cargo xtask lint`.
pub fn lint(root: &Path) -> Outcome {
    let spec_text = match std::fs::read_to_string(root.join(codegen::SPEC_PATH)) {
        Ok(text) => text,
        Err(err) => return Outcome::error(format!("cannot read {}: {err}", codegen::SPEC_PATH)),
    };
    let mut files = Vec::new();
    if let Err(err) = collect_files(root, EXAMPLES_DIR, &mut files) {
        return Outcome::error(err);
    }
    let findings = crate::lint(&spec_text, &files);
    if findings.is_empty() {
        return Outcome {
            code: 0,
            stdout: format!(
                "lint: {} and its {} example file{} are clean.\n",
                codegen::SPEC_PATH,
                files.len(),
                if files.len() == 1 { "" } else { "s" }
            ),
            stderr: String::new(),
        };
    }
    let mut stdout: String = findings.iter().map(|f| format!("{f}\n")).collect();
    stdout.push_str(&format!(
        "lint: {} finding{}.\n",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" }
    ));
    Outcome {
        code: 1,
        stdout,
        stderr: String::new(),
    }
}

/// Files under `dir` (recursively, sorted) as `(workspace-relative path, text)`.
fn collect_files(root: &Path, dir: &str, out: &mut Vec<(String, String)>) -> Result<(), String> {
    let entries = match std::fs::read_dir(root.join(dir)) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(format!("cannot list {dir}: {err}")),
    };
    let mut names: Vec<(String, bool)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| format!("cannot list {dir}: {err}"))?;
        let is_dir = entry
            .file_type()
            .map_err(|err| format!("cannot list {dir}: {err}"))?
            .is_dir();
        names.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
    }
    names.sort();
    for (name, is_dir) in names {
        let path = format!("{dir}/{name}");
        if is_dir {
            collect_files(root, &path, out)?;
        } else {
            let text = std::fs::read_to_string(root.join(&path))
                .map_err(|err| format!("cannot read {path}: {err}"))?;
            out.push((path, text));
        }
    }
    Ok(())
}

/// Options of `cargo xtask review`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewOptions {
    pub base: String,
    pub output: Option<String>,
    pub fail_on: FailOn,
    /// `None` skips the compile step (`--no-compile`).
    pub compile: Option<CompileOptions>,
}

/// `cargo xtask review`: the base from git, the head from the working tree.
pub fn review(root: &Path, options: &ReviewOptions) -> Outcome {
    let base_ref = options.base.as_str();
    match git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base_ref}^{{commit}}"),
        ],
    ) {
        Ok(Some(_)) => {}
        Ok(None) => return Outcome::error(format!("unknown git ref `{base_ref}`")),
        Err(err) => return Outcome::error(err),
    }
    let base_spec = match git(
        root,
        &["show", &format!("{base_ref}:./{}", codegen::SPEC_PATH)],
    ) {
        Ok(Some(text)) => text,
        Ok(None) => {
            return Outcome::error(format!(
                "{} does not exist at `{base_ref}`",
                codegen::SPEC_PATH
            ));
        }
        Err(err) => return Outcome::error(err),
    };
    let base_generated = match git(
        root,
        &["show", &format!("{base_ref}:./{}", codegen::GENERATED_PATH)],
    ) {
        Ok(text) => text,
        Err(err) => return Outcome::error(err),
    };
    let head_spec = match std::fs::read_to_string(root.join(codegen::SPEC_PATH)) {
        Ok(text) => text,
        Err(err) => return Outcome::error(format!("cannot read {}: {err}", codegen::SPEC_PATH)),
    };
    let head_generated = std::fs::read_to_string(root.join(codegen::GENERATED_PATH)).ok();

    let mut report = match crate::review(
        &base_spec,
        base_generated.as_deref(),
        &head_spec,
        head_generated.as_deref(),
    ) {
        Ok(report) => report,
        Err(err @ crate::ReviewError::BaseSpec(_)) => {
            return Outcome::error(format!("at `{base_ref}`: {err}"));
        }
        Err(err) => return Outcome::error(format!("in the working tree: {err}")),
    };
    report.base_label = base_ref.to_string();
    report.head_label = "working tree".to_string();
    // The review has generated the head already to judge the committed
    // file: when that file is current, it is the regenerated code.
    let regenerate = || match (&report.currency, &head_generated) {
        (Currency::Current, Some(committed)) => Ok(committed.clone()),
        (Currency::CannotGenerate(_), _) => Err(()),
        _ => codegen::generate_from_str(&head_spec, codegen::SPEC_PATH).map_err(|_| ()),
    };
    let compile = match &options.compile {
        None => CompileCheck::Skipped("skipped with `--no-compile`".to_string()),
        Some(compile_options) => match regenerate() {
            Err(()) => CompileCheck::Skipped(
                "the working tree's spec does not generate, so there is nothing to compile"
                    .to_string(),
            ),
            Ok(generated) => match compile::check(root, &generated, compile_options) {
                Ok(result) => CompileCheck::Ran(result),
                Err(err) => return Outcome::error(format!("the compile step cannot run: {err}")),
            },
        },
    };
    report.compile = Some(compile);
    let markdown = report.to_markdown();
    if let Some(path) = &options.output
        && let Err(err) = std::fs::write(root.join(path), &markdown)
    {
        return Outcome::error(format!("cannot write {path}: {err}"));
    }
    Outcome {
        code: u8::from(report.fails(options.fail_on)),
        stdout: markdown,
        stderr: String::new(),
    }
}

/// Runs git in `root`: `Ok(Some(stdout))` on success, `Ok(None)` when git
/// answers with a failure (unknown ref, missing file), `Err` when git
/// cannot run at all.
pub(crate) fn git(root: &Path, args: &[&str]) -> Result<Option<String>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if !output.status.success() {
        return Ok(None);
    }
    String::from_utf8(output.stdout).map(Some).map_err(|_| {
        format!(
            "`git {}` printed something that is not UTF-8",
            args.join(" ")
        )
    })
}
