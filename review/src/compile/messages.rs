//! Reading `cargo check`'s JSON messages into a verdict for each part of
//! the workspace, with the first errors and where they are.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use graph_online_meetings_codegen as codegen;
use serde_json::Value;

/// How many compiler errors a report lists.
pub const MAX_ERRORS: usize = 10;

/// The parts of the workspace the report judges separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// `client/src/generated.rs`.
    Generated,
    /// The rest of `client/src`.
    HandWritten,
    /// `client/examples`.
    Examples,
    /// `mock/`.
    Mock,
    /// Everything else: the client's tests and benches, `tests/`, `benches/`,
    /// codegen, review, xtask.
    Rest,
}

impl Part {
    pub const ALL: [Part; 5] = [
        Part::Generated,
        Part::HandWritten,
        Part::Examples,
        Part::Mock,
        Part::Rest,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Part::Generated => "generated client (`client/src/generated.rs`)",
            Part::HandWritten => "hand-written layer (`client/src`)",
            Part::Examples => "examples (`client/examples`)",
            Part::Mock => "mock (`mock/`)",
            Part::Rest => "the rest of the workspace (tests, benches, tools)",
        }
    }

    pub(crate) fn short(self) -> &'static str {
        match self {
            Part::Generated => "the generated client",
            Part::HandWritten => "the hand-written layer",
            Part::Examples => "the examples",
            Part::Mock => "the mock",
            Part::Rest => "the rest of the workspace",
        }
    }

    /// The part a workspace-relative path belongs to.
    pub fn of(path: &str) -> Part {
        if path == codegen::GENERATED_PATH {
            Part::Generated
        } else if path.starts_with("client/src/") {
            Part::HandWritten
        } else if path.starts_with("client/examples/") {
            Part::Examples
        } else if path.starts_with("mock/") {
            Part::Mock
        } else {
            Part::Rest
        }
    }
}

/// How one part fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartStatus {
    Compiles,
    /// Errors in the part's own files.
    Fails {
        errors: usize,
    },
    /// Not (all) compiled: it is in or depends on a crate that failed in
    /// these other parts. `built` of its `targets` compiled.
    NotChecked {
        because: Vec<Part>,
        built: usize,
        targets: usize,
    },
}

/// One compiler error, where rustc points at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// Workspace-relative when inside the workspace.
    pub file: Option<String>,
    pub line: usize,
    pub column: usize,
    /// `error[E0063]: missing field …`.
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{file}:{}:{}: {}", self.line, self.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// The outcome of `cargo check` on the scratch copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileResult {
    pub parts: Vec<(Part, PartStatus)>,
    /// The first [`MAX_ERRORS`] distinct errors, in cargo's order.
    pub errors: Vec<CompileError>,
    /// All distinct errors.
    pub error_count: usize,
    /// cargo failed without a compiler error (a manifest or lock file it
    /// cannot read): the end of what it printed.
    pub cargo_failure: Option<String>,
    pub elapsed: Duration,
}

impl CompileResult {
    /// Whether everything compiles.
    pub fn compiles(&self) -> bool {
        self.cargo_failure.is_none()
            && self.error_count == 0
            && self.parts.iter().all(|(_, s)| *s == PartStatus::Compiles)
    }
}

/// A target of a workspace package: its name and source file, relative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) name: String,
    pub(super) src_path: String,
}

/// `path` relative to `root` with `/` separators, or as it is when outside.
pub(super) fn relative(root: &Path, path: &str) -> String {
    match Path::new(path).strip_prefix(root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.to_string(),
    }
}

/// Judges the parts from cargo's JSON messages (`stdout`) of a check in
/// `root`; `targets` are the workspace's targets, `succeeded` cargo's exit.
pub(super) fn read_messages(
    stdout: &str,
    root: &Path,
    targets: &[Target],
    succeeded: bool,
) -> CompileResult {
    let mut errors: Vec<(Part, CompileError)> = Vec::new();
    let mut built: Vec<(String, String)> = Vec::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue; // cargo prints only JSON here; anything else is noise
        };
        let target = &message["target"];
        let target_src = target["src_path"]
            .as_str()
            .map(|s| relative(root, s))
            .unwrap_or_default();
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                let name = target["name"].as_str().unwrap_or_default().to_string();
                built.push((name, target_src));
            }
            Some("compiler-message") => {
                if let Some(error) = compiler_error(&message["message"], root) {
                    let part = Part::of(error.file.as_deref().unwrap_or(&target_src));
                    // The same error comes once per target that compiles the
                    // file (the library and its unit tests).
                    if !errors.iter().any(|(_, e)| *e == error) {
                        errors.push((part, error));
                    }
                }
            }
            _ => {}
        }
    }

    let failing: Vec<Part> = Part::ALL
        .into_iter()
        .filter(|p| errors.iter().any(|(q, _)| q == p))
        .collect();
    let covers = |part: Part, target: &Target| {
        Part::of(&target.src_path) == part
            // The library's root file compiles the generated module too.
            || (part == Part::Generated && target.src_path == "client/src/lib.rs")
    };
    let mut parts = Vec::new();
    for part in Part::ALL {
        let own = errors.iter().filter(|(p, _)| *p == part).count();
        let mine: Vec<&Target> = targets.iter().filter(|t| covers(part, t)).collect();
        if mine.is_empty() && own == 0 {
            continue;
        }
        let done = mine
            .iter()
            .filter(|t| built.iter().any(|(n, s)| *n == t.name && *s == t.src_path))
            .count();
        let status = if own > 0 {
            PartStatus::Fails { errors: own }
        } else if succeeded || done == mine.len() {
            PartStatus::Compiles
        } else {
            PartStatus::NotChecked {
                because: failing.clone(),
                built: done,
                targets: mine.len(),
            }
        };
        parts.push((part, status));
    }
    CompileResult {
        parts,
        error_count: errors.len(),
        errors: errors
            .into_iter()
            .take(MAX_ERRORS)
            .map(|(_, e)| e)
            .collect(),
        cargo_failure: None,
        elapsed: Duration::ZERO,
    }
}

/// The error in a rustc diagnostic, or `None` for warnings and summaries.
fn compiler_error(message: &Value, root: &Path) -> Option<CompileError> {
    if message["level"] != "error" {
        return None;
    }
    let text = message["message"].as_str()?;
    if text.starts_with("aborting due to") {
        return None;
    }
    let message_text = match message["code"]["code"].as_str() {
        Some(code) => format!("error[{code}]: {text}"),
        None => format!("error: {text}"),
    };
    let primary = message["spans"]
        .as_array()
        .and_then(|spans| spans.iter().find(|s| s["is_primary"] == true));
    let Some(mut span) = primary else {
        return Some(CompileError {
            file: None,
            line: 0,
            column: 0,
            message: message_text,
        });
    };
    // An error inside a macro from a dependency: point at the use in the
    // workspace, where the expansion started.
    while Path::new(span["file_name"].as_str().unwrap_or_default()).is_absolute()
        && !span["expansion"]["span"].is_null()
    {
        span = &span["expansion"]["span"];
    }
    let file = span["file_name"].as_str().map(|f| relative(root, f));
    Some(CompileError {
        file,
        line: span["line_start"].as_u64().unwrap_or(0) as usize,
        column: span["column_start"].as_u64().unwrap_or(0) as usize,
        message: message_text,
    })
}

/// What cargo said when it failed, on one line: its first `error:` and
/// where that points (`--> file:line:col`), or its last line.
pub(super) fn cargo_failure(stderr: &str) -> String {
    let mut lines = stderr.lines().map(str::trim);
    let Some(error) = lines.find(|l| l.starts_with("error")) else {
        return stderr
            .lines()
            .last()
            .map_or("cargo failed without saying why".to_string(), |l| {
                l.trim().to_string()
            });
    };
    let error = error.strip_prefix("error: ").unwrap_or(error);
    // The location, if it comes before the next diagnostic.
    let at = lines
        .take_while(|l| !l.starts_with("error"))
        .find_map(|l| l.strip_prefix("--> "));
    match at {
        Some(at) => format!("{error} ({at})"),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(name: &str, src: &str) -> Target {
        Target {
            name: name.to_string(),
            src_path: src.to_string(),
        }
    }

    fn error_line(file: &str, line: u64, text: &str, target_src: &str) -> String {
        serde_json::json!({
            "reason": "compiler-message",
            "target": {"name": "t", "src_path": target_src},
            "message": {
                "level": "error", "message": text, "code": {"code": "E0063"},
                "spans": [{"file_name": file, "line_start": line, "column_start": 9, "is_primary": true, "expansion": null}]
            }
        })
        .to_string()
    }

    #[test]
    fn errors_are_placed_by_file_deduplicated_and_block_what_was_not_built() {
        let root = Path::new("/scratch");
        let targets = [
            target("graph_online_meetings", "client/src/lib.rs"),
            target("create_or_get", "client/examples/create_or_get.rs"),
            target("graph_online_meetings_mock", "mock/src/lib.rs"),
        ];
        let error = error_line(
            "client/src/request.rs",
            33,
            "missing field `language`",
            "/scratch/client/src/lib.rs",
        );
        let stdout = [error.clone(), error, "Checking...".to_string()].join("\n");
        let result = read_messages(&stdout, root, &targets, false);
        assert_eq!(result.error_count, 1);
        assert_eq!(
            result.errors[0].to_string(),
            "client/src/request.rs:33:9: error[E0063]: missing field `language`"
        );
        let status = |part| {
            result
                .parts
                .iter()
                .find(|(p, _)| *p == part)
                .map(|(_, s)| s.clone())
        };
        assert_eq!(
            status(Part::HandWritten),
            Some(PartStatus::Fails { errors: 1 })
        );
        let blocked = PartStatus::NotChecked {
            because: vec![Part::HandWritten],
            built: 0,
            targets: 1,
        };
        assert_eq!(status(Part::Generated), Some(blocked.clone()));
        assert_eq!(status(Part::Mock), Some(blocked));
        assert!(!result.compiles());
    }

    #[test]
    fn cargo_failing_before_rustc_leaves_every_part_unchecked_and_keeps_its_error() {
        let targets = [
            target("graph_online_meetings", "client/src/lib.rs"),
            target("graph_online_meetings_mock", "mock/src/lib.rs"),
        ];
        let result = read_messages("", Path::new("/scratch"), &targets, false);
        assert_eq!(result.error_count, 0);
        for (part, status) in &result.parts {
            assert_eq!(
                *status,
                PartStatus::NotChecked {
                    because: vec![],
                    built: 0,
                    targets: 1
                },
                "{part:?}"
            );
        }
        assert!(!result.compiles());
        let stderr = "    Updating crates.io index\nerror: failed to parse manifest at `/scratch/mock/Cargo.toml`\n\nCaused by:\n  TOML parse error\n";
        assert_eq!(
            cargo_failure(stderr),
            "failed to parse manifest at `/scratch/mock/Cargo.toml`"
        );
        let toml = "error: unclosed array, expected `]`\n  --> mock/Cargo.toml:31:11\n   |\nerror: failed to load manifest\n";
        assert_eq!(
            cargo_failure(toml),
            "unclosed array, expected `]` (mock/Cargo.toml:31:11)"
        );
    }

    #[test]
    fn only_the_first_errors_are_listed_but_all_are_counted() {
        let lines: Vec<String> = (1..=12)
            .map(|n| {
                error_line(
                    "/scratch/client/src/generated.rs",
                    n,
                    "unresolved",
                    "/scratch/client/src/lib.rs",
                )
            })
            .collect();
        let targets = [target("graph_online_meetings", "client/src/lib.rs")];
        let result = read_messages(&lines.join("\n"), Path::new("/scratch"), &targets, false);
        assert_eq!(result.error_count, 12);
        assert_eq!(result.errors.len(), MAX_ERRORS);
        assert_eq!(
            result.errors[0].file.as_deref(),
            Some("client/src/generated.rs")
        );
        assert_eq!(
            result.parts,
            vec![
                (Part::Generated, PartStatus::Fails { errors: 12 }),
                (
                    Part::HandWritten,
                    PartStatus::NotChecked {
                        because: vec![Part::Generated],
                        built: 0,
                        targets: 1,
                    }
                ),
            ]
        );
    }
}
