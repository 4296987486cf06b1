//! The Markdown form of a [`Report`], for the terminal, review comments and
//! `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write as _;

use graph_online_meetings_codegen as codegen;

use super::{Area, Change, Report, Verdict};
use crate::api::Currency;
use crate::compile::{CompileCheck, CompileResult, Part, PartStatus};

impl Report {
    /// Renders the report as GitHub-flavoured Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "## Spec review: `{}` → `{}`\n",
            self.base_label, self.head_label
        );
        let (rust, wire, api) = (
            self.rust_breaking(),
            self.wire_breaking(),
            self.api_breaking(),
        );
        if self.changes.is_empty() {
            out.push_str("**No changes** to operations or schemas.\n\n");
        } else if rust == 0 && wire == 0 && !self.fails(super::FailOn::Breaking) {
            let _ = writeln!(
                out,
                "**No breaking changes**: {} change{}, all compatible.\n",
                self.changes.len(),
                plural(self.changes.len())
            );
        } else {
            let _ = writeln!(
                out,
                "**Breaking.** Rust: {rust} breaking change{}. Wire: {wire} breaking change{}. {} change{} in all.\n",
                plural(rust),
                plural(wire),
                self.changes.len(),
                plural(self.changes.len())
            );
        }
        if matches!(self.currency, Currency::CannotGenerate(_)) {
            out.push_str(
                "**The head spec does not generate** (see _Generated code_ below); \
                 this counts as breaking for Rust.\n\n",
            );
        }
        if self.compile_fails() {
            out.push_str(
                "**The regenerated crate does not compile** with the rest of the workspace \
                 (see _Compile_ below); this counts as breaking for Rust.\n\n",
            );
        }
        out.push_str(
            "_Rust_: does code that uses the generated crate still compile? \
             _Wire_: do existing requests, and stored responses, still work with this client?\n",
        );

        for (area, title, column) in [
            (Area::Operation, "Operations", "Operation"),
            (Area::Schema, "Schemas", "Schema (used in)"),
        ] {
            let rows: Vec<&Change> = self.changes.iter().filter(|c| c.area == area).collect();
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {title}\n");
            let _ = writeln!(out, "| {column} | Change | Rust | Wire |");
            out.push_str("| --- | --- | --- | --- |\n");
            for change in rows {
                let subject = match change.usage {
                    Some(usage) => format!("`{}` ({})", change.subject, usage.label()),
                    None => format!("`{}`", change.subject),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    cell(&subject),
                    cell(&change.description),
                    cell(&verdict(&change.rust)),
                    cell(&verdict(&change.wire))
                );
            }
        }

        let _ = writeln!(
            out,
            "\n### Generated code (`{}`)\n",
            codegen::GENERATED_PATH
        );
        match &self.currency {
            Currency::Current => out.push_str("The committed file is current with the spec.\n"),
            Currency::Stale => {
                let _ = writeln!(
                    out,
                    "**Stale**: the committed file is not what the spec generates. Run `{}` and commit the result; \
                     the table below compares the committed files.",
                    codegen::REGENERATE_COMMAND
                );
            }
            Currency::Missing => {
                out.push_str("**Missing**: the working tree has no generated file.\n")
            }
            Currency::CannotGenerate(why) => {
                let _ = writeln!(out, "**The spec does not generate**: {}", cell(why));
            }
        }
        if let Some(note) = &self.api_note {
            let _ = writeln!(out, "\nThe public API was not compared: {note}.");
        } else if matches!(self.currency, Currency::CannotGenerate(_)) {
            // The committed files may agree, but the head's own is stale.
            out.push_str(
                "\nThe regenerated public API is unknown: the head spec does not generate, \
                 which counts as breaking for Rust.\n",
            );
        } else if self.api_changes.is_empty() {
            out.push_str("\nThe generated public API is unchanged.\n");
        } else {
            out.push_str("\n| Item | Change | Rust |\n| --- | --- | --- |\n");
            for c in &self.api_changes {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} |",
                    c.item,
                    cell(&c.change),
                    cell(&verdict(&Verdict {
                        breaking: c.breaking,
                        reason: c.reason.clone(),
                    }))
                );
            }
            if api > 0 && rust == 0 {
                out.push_str(
                    "\n**Note**: the generated API breaks in a way that no spec change above accounts for; \
                     this counts as breaking for Rust.\n",
                );
            }
        }
        if let Some(compile) = &self.compile {
            compile_section(&mut out, compile);
        }
        out
    }
}

/// `### Compile`: what `cargo check` said of each part.
fn compile_section(out: &mut String, compile: &CompileCheck) {
    out.push_str("\n### Compile\n\n");
    let result = match compile {
        CompileCheck::Skipped(why) => {
            let _ = writeln!(
                out,
                "Not checked ({why}): this report does not say whether the regenerated crate compiles."
            );
            return;
        }
        CompileCheck::Ran(result) => result,
    };
    let _ = writeln!(
        out,
        "`cargo check --workspace --all-targets` on a scratch copy of the working tree, with `{}` \
         regenerated from its spec ({:.1} s):\n",
        codegen::GENERATED_PATH,
        result.elapsed.as_secs_f64()
    );
    out.push_str("| Part | Result |\n| --- | --- |\n");
    for (part, status) in &result.parts {
        let text = match status {
            PartStatus::Compiles => "compiles".to_string(),
            PartStatus::Fails { errors } => {
                format!("**does not compile**: {errors} error{}", plural(*errors))
            }
            PartStatus::NotChecked {
                because,
                built,
                targets,
            } => {
                let failing = because
                    .iter()
                    .map(|p| p.short())
                    .collect::<Vec<_>>()
                    .join(" and ");
                let verb = if because.len() == 1 { "does" } else { "do" };
                let needs = if because.is_empty() {
                    "cargo stopped before it".to_string()
                } else if matches!(part, Part::Generated | Part::HandWritten) {
                    // One crate: rustc proves nothing about a crate that fails.
                    format!("the client crate also holds {failing}, which {verb} not compile")
                } else {
                    format!("it needs {failing}, which {verb} not compile")
                };
                if *built == 0 {
                    format!("not checked: {needs}")
                } else {
                    format!(
                        "partly checked: {built} of {targets} targets compile; the rest not checked: {needs}"
                    )
                }
            }
        };
        let _ = writeln!(out, "| {} | {} |", part.label(), cell(&text));
    }
    errors_block(out, result);
}

fn errors_block(out: &mut String, result: &CompileResult) {
    if let Some(failure) = &result.cargo_failure {
        let _ = writeln!(
            out,
            "\n**cargo failed** before compiling: {}",
            cell(failure)
        );
    }
    if result.errors.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{} error{}{}:\n\n```text",
        result.error_count,
        plural(result.error_count),
        if result.error_count > result.errors.len() {
            format!(", the first {}", result.errors.len())
        } else {
            String::new()
        }
    );
    for error in &result.errors {
        let _ = writeln!(out, "{error}");
    }
    out.push_str("```\n");
}

fn verdict(v: &Verdict) -> String {
    if v.breaking {
        format!("**breaking**: {}", v.reason)
    } else {
        format!("compatible: {}", v.reason)
    }
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
