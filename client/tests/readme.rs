//! The README's code is what a user copies. Its Rust blocks are doctests of
//! this crate (`ReadmeDoctests` in lib.rs), so they compile, and run where
//! they need no network. These tests keep the `[dependencies]` the README
//! tells a user to add in step with those blocks and with what the
//! doctests are built with.

use toml::{Table, Value};

const README: &str = include_str!("../../README.md");
const MANIFEST: &str = include_str!("../Cargo.toml");
const WORKSPACE_MANIFEST: &str = include_str!("../../Cargo.toml");

/// A fenced code block: its info string (`rust,no_run`, `toml`) and text.
struct Block {
    info: String,
    code: String,
}

impl Block {
    fn is_rust(&self) -> bool {
        // rustdoc tests a block whose first attribute is `rust` or empty.
        matches!(self.info.split(',').next(), Some("rust" | ""))
    }
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for line in markdown.lines() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                open = Some(Block {
                    info: info.trim().to_string(),
                    code: String::new(),
                })
            }
            (Some(_), Some(_)) => blocks.extend(open.take()),
            (Some(block), None) => {
                block.code.push_str(line);
                block.code.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an unclosed code block in README.md");
    blocks
}

/// The `[dependencies]` of a `toml` block, by crate name.
fn dependencies(block: &Block) -> Table {
    let parsed: Table = toml::from_str(&block.code).expect("a README toml block parses");
    match parsed.get("dependencies") {
        Some(Value::Table(deps)) => deps.clone(),
        _ => panic!(
            "a README toml block without [dependencies]:\n{}",
            block.code
        ),
    }
}

/// Each Rust block with the `[dependencies]` block nearest above it.
fn rust_blocks_with_their_dependencies() -> Vec<(String, Table)> {
    let mut current: Option<Table> = None;
    let mut pairs = Vec::new();
    for block in blocks(README) {
        if block.info == "toml" {
            current = Some(dependencies(&block));
        } else if block.is_rust() {
            let deps = current
                .clone()
                .unwrap_or_else(|| panic!("no [dependencies] above:\n{}", block.code));
            pairs.push((block.code, deps));
        }
    }
    pairs
}

/// The crates this crate's doctests can name: its dependencies and
/// dev-dependencies, with a workspace dependency resolved.
fn doctest_crates() -> Table {
    let manifest: Table = toml::from_str(MANIFEST).unwrap();
    let workspace: Table = toml::from_str(WORKSPACE_MANIFEST).unwrap();
    let workspace_deps = workspace["workspace"]["dependencies"].as_table().unwrap();
    let mut crates = Table::new();
    for section in ["dependencies", "dev-dependencies"] {
        for (name, spec) in manifest[section].as_table().unwrap() {
            let spec = match spec.get("workspace") {
                Some(Value::Boolean(true)) => merged(&workspace_deps[name], spec),
                _ => spec.clone(),
            };
            // A dev-dependency adds its features to the normal one.
            let spec = match crates.get(name) {
                Some(earlier) => merged(earlier, &spec),
                None => spec,
            };
            crates.insert(name.clone(), spec);
        }
    }
    crates
}

/// `base` with `extra`'s features added.
fn merged(base: &Value, extra: &Value) -> Value {
    let mut table = as_table(base);
    let mut features = features(base);
    features.extend(self::features(extra));
    table.insert(
        "features".into(),
        Value::Array(features.into_iter().map(Value::String).collect()),
    );
    Value::Table(table)
}

fn as_table(spec: &Value) -> Table {
    match spec {
        Value::String(version) => Table::from_iter([("version".into(), version.clone().into())]),
        Value::Table(table) => table.clone(),
        other => panic!("unexpected dependency {other:?}"),
    }
}

fn features(spec: &Value) -> Vec<String> {
    spec.get("features")
        .and_then(Value::as_array)
        .map(|features| {
            features
                .iter()
                .map(|f| f.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn version(spec: &Value) -> String {
    as_table(spec)
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no version in {spec:?}"))
        .to_string()
}

/// Whether two requirements such as `0.4` and `0.4.1`, or `1` and `1.38`,
/// pick the same semver-compatible series.
fn same_series(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap()).collect() };
    let (a, b) = (parts(a), parts(b));
    if a[0] == 0 {
        a.get(..2) == b.get(..2)
    } else {
        a[0] == b[0]
    }
}

/// Whether `code` names `krate` as a path (`chrono::`, `use chrono`); a
/// re-export (`graph_online_meetings::azure_identity::`) is not the crate.
fn names_crate(code: &str, krate: &str) -> bool {
    let krate = krate.replace('-', "_");
    code.match_indices(&format!("{krate}::")).any(|(at, _)| {
        !code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
    })
}

#[test]
fn the_readme_has_rust_blocks_and_lists_the_crate_for_each() {
    let pairs = rust_blocks_with_their_dependencies();
    assert!(pairs.len() >= 3, "the README's examples are found");
    for (code, deps) in &pairs {
        assert!(
            deps.contains_key("graph-online-meetings"),
            "the crate itself is listed for:\n{code}"
        );
    }
}

#[test]
fn every_crate_a_readme_block_names_is_in_its_dependencies() {
    let known = doctest_crates();
    for (code, deps) in rust_blocks_with_their_dependencies() {
        for krate in known.keys() {
            if names_crate(&code, krate) {
                assert!(
                    deps.contains_key(krate),
                    "the block names {krate} but its [dependencies] do not list it:\n{code}"
                );
            }
        }
        if code.contains("#[tokio::main]") {
            let tokio = features(&deps["tokio"]);
            for needed in ["macros", "rt-multi-thread"] {
                assert!(
                    tokio.iter().any(|f| f == needed),
                    "#[tokio::main] needs tokio's {needed:?}:\n{code}"
                );
            }
        }
    }
}

#[test]
fn the_readme_dependencies_are_those_the_doctests_build_with() {
    let known = doctest_crates();
    for block in blocks(README).iter().filter(|b| b.info == "toml") {
        for (name, spec) in dependencies(block) {
            if name == "graph-online-meetings" {
                assert!(
                    spec.get("path").is_some(),
                    "not published: a path dependency"
                );
                continue;
            }
            let ours = known
                .get(&name)
                .unwrap_or_else(|| panic!("the README lists {name}, which the doctests lack"));
            assert!(
                same_series(&version(&spec), &version(ours)),
                "{name}: the README says {}, the doctests use {}",
                version(&spec),
                version(ours)
            );
            let ours = features(ours);
            for feature in features(&spec) {
                assert!(
                    ours.contains(&feature),
                    "{name}: the README's feature {feature:?} is not in the doctests' build"
                );
            }
        }
    }
}

#[test]
fn the_block_parser_sees_what_rustdoc_tests() {
    let found = blocks("text\n```rust,no_run\nlet a = 1;\n```\n```sh\nls\n```\n```\nlet b;\n```\n");
    let rust: Vec<_> = found
        .iter()
        .filter(|b| b.is_rust())
        .map(|b| b.code.as_str())
        .collect();
    assert_eq!(rust, ["let a = 1;\n", "let b;\n"]);
    assert!(names_crate("use chrono::Utc;", "chrono"));
    assert!(!names_crate("my_chrono::x", "chrono"));
    assert!(names_crate("rustls::crypto", "rustls"));
    assert!(!names_crate(
        "graph_online_meetings::azure_identity::X",
        "azure_identity"
    ));
}
