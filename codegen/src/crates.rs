//! Which crates the generated code names, so that `cargo xtask generate`
//! can refuse to write code the client crate could not compile. The spec
//! shapes known to need another crate (a `pattern` needs `regress`) are
//! refused earlier, with their place, by `typify_view`; this is the net for
//! the ones nobody has met yet.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::process::Command;

use syn::visit::Visit;

/// Why `cargo metadata` gave no answer.
#[derive(Debug)]
pub enum MetadataError {
    /// cargo could not be started.
    Run(String),
    /// cargo ran and failed; its stderr, as printed.
    Failed(String),
    /// cargo printed something that is not its JSON.
    Unreadable(String),
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetadataError::Run(e) => write!(f, "cannot run `cargo metadata`: {e}"),
            MetadataError::Failed(stderr) => {
                write!(f, "`cargo metadata` failed: {}", stderr.trim())
            }
            MetadataError::Unreadable(e) => {
                write!(f, "`cargo metadata` printed something unexpected: {e}")
            }
        }
    }
}

/// `cargo metadata --no-deps --offline` of the workspace at `root`, as JSON:
/// its members, their targets and dependencies, and the target directory.
/// The one place the tools ask cargo about the workspace.
pub fn workspace_metadata(root: &Path) -> Result<serde_json::Value, MetadataError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .map_err(|e| MetadataError::Run(e.to_string()))?;
    if !output.status.success() {
        return Err(MetadataError::Failed(
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| MetadataError::Unreadable(e.to_string()))
}

/// The external crates `source` refers to: roots of `::absolute` paths and
/// of `use` items, without `std`, `core`, `alloc` and the crate itself.
pub fn external_crates(source: &str) -> Result<BTreeSet<String>, String> {
    let file = syn::parse_file(source).map_err(|e| e.to_string())?;
    let mut finder = CrateFinder::default();
    finder.visit_file(&file);
    Ok(finder.crates)
}

/// What the generated code needs beyond the client's dependencies, each
/// with why, as `(crate, hint)`.
pub fn missing_crates<'a>(
    used: &'a BTreeSet<String>,
    available: &BTreeSet<String>,
) -> Vec<(&'a str, &'static str)> {
    used.iter()
        .filter(|name| !available.contains(*name))
        .map(|name| {
            let hint = match name.as_str() {
                "regress" => "typify validates a schema `pattern` with regress",
                _ => "progenitor or typify emits paths into it",
            };
            (name.as_str(), hint)
        })
        .collect()
}

#[derive(Default)]
struct CrateFinder {
    crates: BTreeSet<String>,
}

impl CrateFinder {
    fn add(&mut self, root: &syn::Ident) {
        let name = root.to_string();
        if !matches!(
            name.as_str(),
            "std" | "core" | "alloc" | "crate" | "self" | "super" | "Self"
        ) {
            self.crates.insert(name);
        }
    }
}

impl<'ast> Visit<'ast> for CrateFinder {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_some()
            && let Some(first) = path.segments.first()
        {
            self.add(&first.ident);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut roots = Vec::new();
        use_roots(&item.tree, &mut roots);
        for root in roots {
            self.add(root);
        }
    }
}

fn use_roots<'a>(tree: &'a syn::UseTree, roots: &mut Vec<&'a syn::Ident>) {
    match tree {
        syn::UseTree::Path(path) => roots.push(&path.ident),
        syn::UseTree::Name(name) => roots.push(&name.ident),
        syn::UseTree::Rename(rename) => roots.push(&rename.ident),
        syn::UseTree::Group(group) => group.items.iter().for_each(|t| use_roots(t, roots)),
        syn::UseTree::Glob(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_and_use_roots_are_found() {
        let source = "use progenitor_client::{encode_path, RequestBuilderExt};\n\
                      use self::types::X;\n\
                      pub struct A { p: ::std::sync::LazyLock<::regress::Regex>, t: ::chrono::DateTime<::chrono::Utc> }";
        let used = external_crates(source).unwrap();
        assert_eq!(
            used.iter().map(String::as_str).collect::<Vec<_>>(),
            ["chrono", "progenitor_client", "regress"]
        );
        let available: BTreeSet<String> = ["chrono", "progenitor_client"].map(String::from).into();
        assert_eq!(
            missing_crates(&used, &available),
            [(
                "regress",
                "typify validates a schema `pattern` with regress"
            )]
        );
    }
}
