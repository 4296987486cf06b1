//! `cargo xtask <task>`: the workspace's own commands.
//!
//! Heavy lifting lives in `graph-online-meetings-codegen`; this binary only
//! reads arguments, writes files and sets the exit code.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use graph_online_meetings_codegen as codegen;
use graph_online_meetings_review as review;

/// The workspace's own commands. Run them as `cargo xtask <task>`.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Regenerate client/src/generated.rs from the spec with progenitor.
    Generate(GenerateOptions),
    /// Check the spec and spec/examples/; exit 1 on any finding.
    Lint,
    /// Markdown report of what the spec change since a git ref does to
    /// clients, for Rust and on the wire; exit 1 on breaking changes.
    Review(ReviewArgs),
}

#[derive(Debug, Args)]
struct GenerateOptions {
    /// Write nothing; exit 1 with a diff if the committed file is stale.
    #[arg(long)]
    check: bool,
    /// Generate from another spec file (to try a change) instead of the
    /// workspace's spec.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ReviewArgs {
    /// The git ref to compare the working tree's spec with, such as
    /// `origin/main`.
    #[arg(long, value_name = "GIT_REF", value_parser = git_ref)]
    base: String,
    /// Also write the report to this file.
    #[arg(long, value_name = "FILE")]
    output: Option<String>,
    /// Which breaking changes make the command exit 1.
    #[arg(long, value_enum, default_value_t = FailOnArg::Breaking)]
    fail_on: FailOnArg,
    /// Skip the compile step (`cargo check` of the workspace with the
    /// regenerated client, in a scratch copy). Local runs only: refused
    /// when CI is set.
    #[arg(long)]
    no_compile: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOnArg {
    /// Any breaking change, for Rust users or on the wire.
    Breaking,
    /// Only changes that break requests or responses on the wire.
    Wire,
    /// Only changes that break Rust code using the client.
    Rust,
    /// Never fail; only report.
    Never,
}

impl From<FailOnArg> for review::FailOn {
    fn from(arg: FailOnArg) -> Self {
        match arg {
            FailOnArg::Breaking => review::FailOn::Breaking,
            FailOnArg::Wire => review::FailOn::Wire,
            FailOnArg::Rust => review::FailOn::Rust,
            FailOnArg::Never => review::FailOn::Never,
        }
    }
}

fn git_ref(text: &str) -> Result<String, String> {
    if text.is_empty() || text.starts_with('-') {
        return Err(format!("`{text}` is not a git ref"));
    }
    Ok(text.to_string())
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout (exit 0), and usage
            // errors, which name the offending argument, to stderr (exit 2).
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.task {
        Task::Generate(options) => generate(&options),
        Task::Lint => emit(review::cli::lint(&workspace_root())),
        Task::Review(args) => {
            if args.no_compile && in_ci() {
                eprintln!(
                    "error: --no-compile is for local runs; CI always compiles (the CI variable is set)"
                );
                return ExitCode::from(2);
            }
            let options = review::cli::ReviewOptions {
                base: args.base,
                output: args.output,
                fail_on: args.fail_on.into(),
                compile: (!args.no_compile).then(review::CompileOptions::default),
            };
            if options.compile.is_some() {
                // The step takes a while; say what is happening meanwhile.
                eprintln!(
                    "review: checking the workspace with the regenerated client \
                     (cargo check in a scratch copy; --no-compile skips it)..."
                );
            }
            emit(review::cli::review(&workspace_root(), &options))
        }
    }
}

/// Whether we run in CI: GitHub Actions and most others set `CI=true`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn emit(outcome: review::cli::Outcome) -> ExitCode {
    print!("{}", outcome.stdout);
    eprint!("{}", outcome.stderr);
    ExitCode::from(outcome.code)
}

fn workspace_root() -> PathBuf {
    // xtask lives one level below the root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent folder")
        .to_path_buf()
}

fn generate(options: &GenerateOptions) -> ExitCode {
    let root = workspace_root();
    let (spec_path, spec_label) = match &options.spec {
        Some(path) => (path.clone(), path.display().to_string()),
        None => (
            root.join(codegen::SPEC_PATH),
            codegen::SPEC_PATH.to_string(),
        ),
    };
    let target = root.join(codegen::GENERATED_PATH);

    let started = Instant::now();
    let source = match codegen::generate_client_source(&spec_path, &spec_label) {
        Ok(source) => source,
        Err(err) => {
            eprintln!("error: {err}");
            eprintln!("{} was left unchanged.", codegen::GENERATED_PATH);
            return ExitCode::FAILURE;
        }
    };
    let generation_time = started.elapsed();
    if let Err(message) = check_client_can_compile(&root, &source) {
        eprintln!("error: {spec_label}: {message}");
        eprintln!("{} was left unchanged.", codegen::GENERATED_PATH);
        return ExitCode::FAILURE;
    }

    let committed = std::fs::read_to_string(&target).ok();
    if options.check {
        return match codegen::staleness_report(
            committed.as_deref(),
            &source,
            codegen::GENERATED_PATH,
        ) {
            None => {
                println!(
                    "{} is up to date with {spec_label}.",
                    codegen::GENERATED_PATH
                );
                ExitCode::SUCCESS
            }
            Some(report) => {
                eprint!("{report}");
                ExitCode::FAILURE
            }
        };
    }

    if committed.as_deref() == Some(source.as_str()) {
        println!(
            "{} unchanged (generated in {} ms).",
            codegen::GENERATED_PATH,
            generation_time.as_millis()
        );
        return ExitCode::SUCCESS;
    }
    match write_atomically(&target, &source) {
        Ok(()) => {
            println!(
                "{} updated from {spec_label} (generated in {} ms).",
                codegen::GENERATED_PATH,
                generation_time.as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: cannot write {}: {err}", target.display());
            ExitCode::FAILURE
        }
    }
}

/// The generated code may only name crates the client depends on; anything
/// else would be written and then fail to build.
fn check_client_can_compile(root: &Path, source: &str) -> Result<(), String> {
    let used = codegen::crates::external_crates(source)
        .map_err(|e| format!("the generated code does not parse (a bug in codegen): {e}"))?;
    let available = client_dependencies(root)?;
    let missing = codegen::crates::missing_crates(&used, &available);
    if missing.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = missing
        .iter()
        .map(|(name, why)| format!("`{name}` ({why})"))
        .collect();
    Err(format!(
        "the generated code needs {}, which client/Cargo.toml does not depend on, so it would \
         not compile\n  fix: remove the construct from the spec, or add the crate to the \
         client's [dependencies] if it belongs in the client's dependency tree",
        list.join(", ")
    ))
}

/// The names (as Rust paths spell them) of the client crate's normal
/// dependencies, read with `cargo metadata` so that renames count.
fn client_dependencies(root: &Path) -> Result<BTreeSet<String>, String> {
    let metadata = codegen::crates::workspace_metadata(root).map_err(|e| e.to_string())?;
    let client = metadata["packages"]
        .as_array()
        .and_then(|packages| {
            packages
                .iter()
                .find(|p| p["name"] == "graph-online-meetings")
        })
        .ok_or("`cargo metadata` does not list the graph-online-meetings package")?;
    let mut names: BTreeSet<String> = ["graph_online_meetings".to_string()].into();
    for dependency in client["dependencies"].as_array().into_iter().flatten() {
        if !dependency["kind"].is_null() {
            continue; // dev- and build-dependencies are not there for the library
        }
        let name = dependency["rename"]
            .as_str()
            .or_else(|| dependency["name"].as_str())
            .unwrap_or_default();
        names.insert(name.replace('-', "_"));
    }
    Ok(names)
}

/// Writes a sibling temporary file and renames it over the target, so a
/// reader (or a crash) never sees a half-written file.
fn write_atomically(target: &Path, contents: &str) -> std::io::Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        std::fs::write(&temporary, contents)?;
        std::fs::File::open(&temporary)?.sync_all()?;
        std::fs::rename(&temporary, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
