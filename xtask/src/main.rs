//! `cargo xtask <task>`: the workspace's own commands.
//!
//! Heavy lifting lives in `graph-online-meetings-codegen`; this binary only
//! reads arguments, writes files and sets the exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use graph_online_meetings_codegen as codegen;
use graph_online_meetings_review as review;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  generate           regenerate client/src/generated.rs from the spec
  generate --check   write nothing; exit 1 with a diff if the file is stale
  generate --spec <file> [--check]
                     generate from another spec file (for trying changes)
  lint               check the spec and spec/examples/; exit 1 on any finding
  review --base <git-ref> [--output <file>] [--fail-on breaking|wire|rust|never]
                     Markdown report of what the spec change since <git-ref>
                     does to clients; exit 1 on breaking changes (default)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.split_first() {
        Some((&"generate", rest)) => match GenerateOptions::parse(rest) {
            Ok(options) => generate(&options),
            Err(message) => usage_error(&message),
        },
        Some((&"lint", [])) => emit(review::cli::lint(&workspace_root())),
        Some((&"lint", [option, ..])) => {
            usage_error(&format!("unknown option `{option}` for `lint`"))
        }
        Some((&"review", rest)) => match review::cli::ReviewOptions::parse(rest) {
            Ok(options) => emit(review::cli::review(&workspace_root(), &options)),
            Err(message) => usage_error(&message),
        },
        Some((&("help" | "--help" | "-h"), _)) => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some((task, _)) => usage_error(&format!("unknown task `{task}`")),
        None => usage_error("no task given"),
    }
}

fn emit(outcome: review::cli::Outcome) -> ExitCode {
    print!("{}", outcome.stdout);
    eprint!("{}", outcome.stderr);
    ExitCode::from(outcome.code)
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

struct GenerateOptions {
    check: bool,
    spec: Option<PathBuf>,
}

impl GenerateOptions {
    fn parse(args: &[&str]) -> Result<Self, String> {
        let mut options = GenerateOptions {
            check: false,
            spec: None,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match *arg {
                "--check" => options.check = true,
                "--spec" => {
                    let path = args.next().ok_or("`--spec` needs a file")?;
                    options.spec = Some(PathBuf::from(path));
                }
                other => return Err(format!("unknown option `{other}` for `generate`")),
            }
        }
        Ok(options)
    }
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
