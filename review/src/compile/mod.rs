//! The compile step of `cargo xtask review`: does the code the head spec
//! generates compile, and does the rest of the workspace (the hand-written
//! layer, the examples, the mock) still compile against it?
//!
//! It runs `cargo check --workspace --all-targets` in a scratch copy of the
//! working tree with the regenerated `client/src/generated.rs`, so the
//! working tree is never touched, and reads cargo's JSON messages.

mod messages;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use graph_online_meetings_codegen as codegen;

pub use self::messages::{CompileError, CompileResult, MAX_ERRORS, Part, PartStatus};
use self::messages::{Target, cargo_failure, read_messages, relative};

/// Options of the compile step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompileOptions {
    /// The cargo target directory to check in; `None`: the workspace's own
    /// (as `cargo metadata` names it), which is warm.
    pub target_dir: Option<PathBuf>,
}

/// What the report says about compiling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompileCheck {
    /// The step did not run; why (`--no-compile`, or nothing to compile).
    Skipped(String),
    Ran(CompileResult),
}

impl CompileCheck {
    /// Whether the step ran and found something that does not compile.
    pub fn fails(&self) -> bool {
        matches!(self, CompileCheck::Ran(result) if !result.compiles())
    }
}

/// Checks the workspace at `root` (a git work tree) with `generated` in
/// place of its generated file. `Err` when the step itself cannot run.
pub fn check(
    root: &Path,
    generated: &str,
    options: &CompileOptions,
) -> Result<CompileResult, String> {
    let started = Instant::now();
    let metadata = Metadata::read(root)?;
    let target_dir = options
        .target_dir
        .clone()
        .unwrap_or_else(|| metadata.target_dir.clone());
    // Scratch checks share their artifacts, and cargo takes a file whose
    // mtime is older than the last build as unchanged. So each run copies,
    // writes the regenerated file and checks under one lock: after the
    // previous run's build, never before it.
    let _lock = lock(&target_dir)?;
    let scratch = Scratch::copy_of(root, scratch_dir())?;
    let generated_path = scratch.0.join(codegen::GENERATED_PATH);
    // Written, never copied: a fresh mtime is what tells cargo that the
    // file differs from the last scratch run.
    std::fs::write(&generated_path, generated)
        .map_err(|e| format!("cannot write {}: {e}", generated_path.display()))?;

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "check",
            "--workspace",
            "--all-targets",
            "--offline",
            "--keep-going",
            "--message-format=json",
        ])
        .current_dir(&scratch.0)
        // CI asks for colour (CARGO_TERM_COLOR=always); its escapes would
        // hide cargo's `error:` lines from `cargo_failure`.
        .env("CARGO_TERM_COLOR", "never")
        .env("CARGO_TARGET_DIR", &target_dir)
        // The scratch crates have the same paths relative to the workspace
        // root as the real ones, hence the same fingerprints: without a
        // wrapper of their own, a scratch build would pass for a fresh
        // build of the working tree in `cargo check`. A workspace wrapper
        // changes only the workspace crates' hashes, so the dependencies
        // stay shared and warm; `env` just runs rustc.
        .env("RUSTC_WORKSPACE_WRAPPER", "env")
        .output()
        .map_err(|e| format!("cannot run `cargo check`: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut result = read_messages(
        &stdout,
        &scratch.0,
        &metadata.targets,
        output.status.success(),
    );
    if !output.status.success() && result.error_count == 0 {
        // Name files as in the working tree, not in the scratch copy that is gone.
        let prefix = format!("{}{}", scratch.0.display(), std::path::MAIN_SEPARATOR);
        result.cargo_failure = Some(cargo_failure(&stderr.replace(&prefix, "")));
    }
    result.elapsed = started.elapsed();
    Ok(result)
}

/// Waits for and holds `review-check.lock` in the target directory.
fn lock(target_dir: &Path) -> Result<std::fs::File, String> {
    let path = target_dir.join("review-check.lock");
    let file = std::fs::create_dir_all(target_dir)
        .and_then(|()| {
            std::fs::File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
        })
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    file.lock()
        .map_err(|e| format!("cannot lock {}: {e}", path.display()))?;
    Ok(file)
}

/// A scratch copy of a work tree: its tracked and untracked (not ignored)
/// files, so `target/` stays behind. Removed when dropped, also on error.
struct Scratch(PathBuf);

/// A fresh name for a scratch tree under the system's temporary folder.
fn scratch_dir() -> PathBuf {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!(
        "graph-online-meetings-review-{}-{nanos}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    ))
}

impl Scratch {
    /// Copies the work tree at `root` into `dir`, which it creates (and
    /// which must not exist: two runs never share one).
    fn copy_of(root: &Path, dir: PathBuf) -> Result<Self, String> {
        std::fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let scratch = Scratch(dir);
        let listing = crate::cli::git(
            root,
            &[
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
        )?
        .ok_or("`git ls-files` failed: is the workspace a git work tree?")?;
        for file in listing.split('\0').filter(|f| !f.is_empty()) {
            scratch.copy(root, file)?;
        }
        Ok(scratch)
    }

    /// Copies one file, keeping its mtime so that cargo sees the unchanged
    /// crates as fresh from the last scratch run.
    fn copy(&self, root: &Path, file: &str) -> Result<(), String> {
        let from = root.join(file);
        let meta = match std::fs::metadata(&from) {
            Ok(meta) if meta.is_file() => meta,
            // Deleted in the working tree, or a submodule: nothing to copy.
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("cannot read {file}: {e}")),
        };
        let to = self.0.join(file);
        let copied = (|| {
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::copy(&from, &to)?;
            std::fs::File::options()
                .write(true)
                .open(&to)?
                .set_modified(meta.modified()?)
        })();
        copied.map_err(|e| format!("cannot copy {file} to the scratch tree: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What `cargo metadata` says about the workspace at the root.
struct Metadata {
    target_dir: PathBuf,
    targets: Vec<Target>,
}

impl Metadata {
    fn read(root: &Path) -> Result<Self, String> {
        let json = codegen::crates::workspace_metadata(root).map_err(|e| match e {
            codegen::crates::MetadataError::Failed(stderr) => {
                format!("`cargo metadata` failed: {}", cargo_failure(&stderr))
            }
            other => other.to_string(),
        })?;
        let workspace_root = json["workspace_root"]
            .as_str()
            .ok_or("`cargo metadata` names no workspace_root")?;
        let target_dir = json["target_directory"]
            .as_str()
            .ok_or("`cargo metadata` names no target_directory")?;
        let mut targets = Vec::new();
        for target in json["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p["targets"].as_array().into_iter().flatten())
        {
            // Build scripts run on their own; they are not a part judged here.
            let build_script = target["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "custom-build"));
            if build_script {
                continue;
            }
            if let (Some(name), Some(src)) = (target["name"].as_str(), target["src_path"].as_str())
            {
                targets.push(Target {
                    name: name.to_string(),
                    src_path: relative(Path::new(workspace_root), src),
                });
            }
        }
        Ok(Self {
            target_dir: PathBuf::from(target_dir),
            targets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_tree_keeps_mtimes_and_is_removed_also_on_error() {
        // This crate's folder is part of a git work tree: copy it.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = scratch_dir();
        let scratch = Scratch::copy_of(root, dir.clone()).expect("the copy");
        let copied = std::fs::metadata(dir.join("src/compile/mod.rs")).expect("copied");
        let original = std::fs::metadata(root.join("src/compile/mod.rs")).unwrap();
        assert_eq!(copied.modified().unwrap(), original.modified().unwrap());
        assert!(!dir.join("target").exists());
        drop(scratch);
        assert!(!dir.exists(), "removed when dropped");

        // Not a git work tree: the error says so, and nothing is left.
        let not_git = std::env::temp_dir().join(format!("not-git-{}", std::process::id()));
        std::fs::create_dir_all(&not_git).unwrap();
        let dir = scratch_dir();
        let err = Scratch::copy_of(&not_git, dir.clone())
            .err()
            .expect("an error");
        let _ = std::fs::remove_dir_all(&not_git);
        assert!(err.contains("git"), "{err}");
        assert!(!dir.exists(), "removed on error");
    }
}
