//! Turns the createOrGet OpenAPI spec into the client's generated Rust module.
//!
//! This crate is the one place that knows how the client is generated: the
//! progenitor settings, the checks that run before progenitor (which panics on
//! several spec shapes), and the formatting of its output. The `xtask` binary
//! writes what [`generate_client_source`] returns; the tests call the same
//! function, so what CI checks is exactly what a contributor commits.
//!
//! Nothing here writes files.

mod checks;
mod error;
mod fixups;
mod open_enums;
mod open_objects;
pub mod public_api;

use std::path::Path;

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};

pub use crate::error::{CodegenError, ErrorKind};
pub use crate::open_enums::{OpenEnum, pascal_case};

/// Spec path relative to the workspace root.
pub const SPEC_PATH: &str = "spec/online-meetings-create-or-get.yaml";
/// Generated module path relative to the workspace root.
pub const GENERATED_PATH: &str = "client/src/generated.rs";
/// Where the client crate mounts the generated module. Replacement types are
/// named by absolute path because typify emits them verbatim in several
/// modules (`types` and `types::builder`).
pub const GENERATED_MODULE_PATH: &str = "crate::generated";
/// The command that regenerates the committed file.
pub const REGENERATE_COMMAND: &str = "cargo xtask generate";

/// Reads and generates from a spec file. `display_path` is the name used in
/// error messages and in the generated file's header (a workspace-relative
/// path keeps the output independent of where the repository lives).
pub fn generate_client_source(path: &Path, display_path: &str) -> Result<String, CodegenError> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| CodegenError::new(display_path, ErrorKind::Read(err.to_string())))?;
    generate_from_str(&text, display_path)
}

/// Generates formatted Rust source from spec text.
pub fn generate_from_str(spec_text: &str, display_path: &str) -> Result<String, CodegenError> {
    let spec = load_spec(spec_text, display_path)?;
    let tokens = run_progenitor(&spec.openapi, &spec.open_enums)
        .map_err(|kind| CodegenError::new(display_path, kind))?;
    let enum_items = open_enums::render(&spec.open_enums);
    let file: syn::File = syn::parse2(quote::quote! { #tokens })
        .map_err(|err| CodegenError::new(display_path, ErrorKind::Internal(err.to_string())))?;
    let mut file = open_enums::insert_into_types_module(file, enum_items)
        .map_err(|kind| CodegenError::new(display_path, kind))?;
    fixups::apply(&mut file);
    // progenitor's usage snippets are not self-contained programs; as
    // `ignore` doctests they would only show up as ignored tests.
    let source = prettyplease::unparse(&file).replace("```ignore", "```text");
    Ok(format!("{}{source}", header(display_path)))
}

/// A parsed and checked spec.
pub struct LoadedSpec {
    /// The document as openapiv3 reads it.
    pub openapi: openapiv3::OpenAPI,
    /// The document as plain JSON, for checks that need to see everything.
    pub json: serde_json::Value,
    /// String enums among the component schemas, in spec order.
    pub open_enums: Vec<open_enums::OpenEnum>,
}

/// Parses YAML, runs the checks progenitor would otherwise answer with a
/// panic, and reads the document as OpenAPI 3.0.
pub fn load_spec(spec_text: &str, display_path: &str) -> Result<LoadedSpec, CodegenError> {
    let err = |kind| CodegenError::new(display_path, kind);
    if spec_text.trim().is_empty() {
        return Err(err(ErrorKind::Empty));
    }
    let json: serde_json::Value =
        serde_saphyr::from_str(spec_text).map_err(|e| err(ErrorKind::Yaml(yaml_error(&e))))?;
    checks::check(&json).map_err(err)?;
    // Read the tree already parsed; only a failure goes back to the YAML,
    // whose error carries the line and column.
    let openapi = match <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&json) {
        Ok(openapi) => openapi,
        Err(from_tree) => {
            let message = match serde_saphyr::from_str::<openapiv3::OpenAPI>(spec_text) {
                Err(e) => yaml_error(&e),
                Ok(_) => from_tree.to_string(),
            };
            return Err(err(ErrorKind::NotOpenApi(message)));
        }
    };
    let open_enums = open_enums::collect(&json);
    Ok(LoadedSpec {
        openapi,
        json,
        open_enums,
    })
}

fn yaml_error(error: &serde_saphyr::Error) -> String {
    let message = error.to_string();
    match error.location() {
        Some(loc) if !message.contains(&format!("line {}", loc.line())) => {
            format!("line {}, column {}: {message}", loc.line(), loc.column())
        }
        _ => message,
    }
}

/// The generator settings shared by the xtask and the tests.
pub fn settings(open_enums: &[open_enums::OpenEnum]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The hand-written layer keeps auth, retries and headers here and
        // runs them through progenitor's hooks.
        .with_inner_type(quote::quote! { crate::ClientState })
        .with_derive("PartialEq")
        // BTreeMap keeps additional properties in a stable order.
        .with_map_type("::std::collections::BTreeMap");
    for open_enum in open_enums {
        settings.with_replacement(
            &open_enum.rust_name,
            format!("{GENERATED_MODULE_PATH}::types::{}", open_enum.rust_name),
            [
                TypeImpl::Display,
                TypeImpl::FromStr,
                TypeImpl::FromStringIrrefutable,
            ]
            .into_iter(),
        );
    }
    settings
}

fn run_progenitor(
    spec: &openapiv3::OpenAPI,
    open_enums: &[open_enums::OpenEnum],
) -> Result<proc_macro2::TokenStream, ErrorKind> {
    let settings = settings(open_enums);
    let outcome = panic_guard::catch(|| Generator::new(&settings).generate_tokens(spec));
    match outcome {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(err)) => Err(ErrorKind::Progenitor(err.to_string())),
        Err(message) => Err(ErrorKind::ProgenitorPanic(message)),
    }
}

fn header(display_path: &str) -> String {
    format!(
        "// @generated by progenitor from {display_path}. Do not edit by hand:\n\
         // change the spec and run `{REGENERATE_COMMAND}` (CI runs `{REGENERATE_COMMAND} --check`).\n\n"
    )
}

mod panic_guard {
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::{Arc, Mutex};

    /// Only one caller at a time swaps the process-wide panic hook.
    static HOOK_LOCK: Mutex<()> = Mutex::new(());

    /// Runs `f`, turning a panic into its message. The default hook is
    /// replaced for the duration so that no panic text or backtrace reaches
    /// the terminal.
    pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
        let _guard = HOOK_LOCK
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let captured: Arc<Mutex<Option<String>>> = Arc::default();
        let sink = Arc::clone(&captured);
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let location = info
                .location()
                .map(|l| format!(" (at {}:{})", short_source_path(l.file()), l.line()))
                .unwrap_or_default();
            if let Ok(mut slot) = sink.lock() {
                *slot = Some(format!("{message}{location}"));
            }
        }));
        let result = panic::catch_unwind(AssertUnwindSafe(f));
        panic::set_hook(previous);
        result.map_err(|_| {
            captured
                .lock()
                .ok()
                .and_then(|mut slot| slot.take())
                .unwrap_or_else(|| "unknown panic".to_string())
        })
    }

    /// `.../registry/src/<index>/progenitor-impl-0.15.1/src/method.rs` ->
    /// `progenitor-impl-0.15.1/src/method.rs`: the same on every machine.
    fn short_source_path(file: &str) -> &str {
        match file.rfind("/src/") {
            Some(src) => match file[..src].rfind('/') {
                Some(start) => &file[start + 1..],
                None => file,
            },
            None => file,
        }
    }
}

/// Compares the committed file with freshly generated source. `None` when
/// they are equal; otherwise a unified diff from the committed text to the
/// expected one, ending with the command that fixes it.
pub fn staleness_report(committed: Option<&str>, expected: &str, path: &str) -> Option<String> {
    if committed == Some(expected) {
        return None;
    }
    let committed_text = committed.unwrap_or("");
    let diff = similar::TextDiff::from_lines(committed_text, expected);
    let mut report = format!(
        "{path} is not what the spec generates{}.\n",
        if committed.is_none() {
            " (the file is missing)"
        } else {
            ""
        }
    );
    report.push_str(
        &diff
            .unified_diff()
            .context_radius(3)
            .header(
                &format!("a/{path} (committed)"),
                &format!("b/{path} (generated)"),
            )
            .to_string(),
    );
    report.push_str(&format!(
        "\nRun `{REGENERATE_COMMAND}` and commit the result.\n"
    ));
    Some(report)
}
