//! The one spec loader: every tool (generation, lint, review) reads the spec
//! through [`load_spec`], and names places in it with [`JsonPointer`],
//! follows references with [`refs`] and computes Rust names with
//! [`crate::naming`].

mod pointer;
mod positions;
pub mod refs;
mod yaml;

use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr};

pub use self::pointer::JsonPointer;
pub use self::positions::{Position, Positions};
pub use self::refs::{MAX_REF_HOPS, RefError};

use crate::error::{CodegenError, ErrorKind};
use crate::open_enums::{self, OpenEnum};

/// The HTTP methods a path item may hold, in the order OpenAPI lists them.
pub const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A parsed and checked spec.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The document as openapiv3 reads it.
    pub openapi: OpenAPI,
    /// The document as plain JSON, for the checks that must see what
    /// openapiv3 drops (unknown keys, example payloads).
    pub json: serde_json::Value,
    /// Where each node starts in the file.
    pub positions: Positions,
    /// String enums among the component schemas, in spec order.
    pub open_enums: Vec<OpenEnum>,
}

/// One operation of the spec, with where it is.
#[derive(Debug, Clone, Copy)]
pub struct OperationRef<'a> {
    /// The path template, such as `/users/{userId}/onlineMeetings/createOrGet`.
    pub path: &'a str,
    /// Lower-case HTTP method.
    pub method: &'a str,
    pub item: &'a PathItem,
    pub operation: &'a Operation,
}

impl OperationRef<'_> {
    /// `#/paths/<path>/<method>`.
    pub fn pointer(&self) -> JsonPointer {
        JsonPointer::from_segments(["paths", self.path, self.method])
    }

    /// The operationId, or `""` when it has none (the checks refuse that).
    pub fn id(&self) -> &str {
        self.operation.operation_id.as_deref().unwrap_or("")
    }
}

impl LoadedSpec {
    /// Every operation, in file order.
    pub fn operations(&self) -> Vec<OperationRef<'_>> {
        self.openapi
            .paths
            .paths
            .iter()
            .filter_map(|(path, item)| match item {
                ReferenceOr::Item(item) => Some((path, item)),
                ReferenceOr::Reference { .. } => None,
            })
            .flat_map(|(path, item)| {
                item.iter().map(move |(method, operation)| OperationRef {
                    path,
                    method,
                    item,
                    operation,
                })
            })
            .collect()
    }

    /// The typed definition behind `item`, and its component name.
    pub fn resolve<'a, T: refs::Component>(
        &'a self,
        item: &'a ReferenceOr<T>,
    ) -> Result<(Option<&'a str>, &'a T), RefError> {
        refs::resolve(&self.openapi, item)
    }

    /// The spec with every nullable reference written in one form
    /// (`nullable: true, allOf: [$ref]`), as typify is shown it: for tools
    /// that compare two specs, so that moving between two forms of the same
    /// meaning is not taken for a change of type. Positions stay those of
    /// the file; the rewrite changes keys inside schemas only.
    pub fn with_plain_nullable_refs(&self) -> LoadedSpec {
        let json = crate::typify_view::with_plain_nullable_refs(&self.json);
        match <OpenAPI as serde::Deserialize>::deserialize(&json) {
            Ok(openapi) => LoadedSpec {
                openapi,
                json,
                positions: self.positions.clone(),
                open_enums: self.open_enums.clone(),
            },
            // The rewrite only moves keys within schemas already read.
            Err(_) => self.clone(),
        }
    }

    /// `line L, column C` of a pointer, for messages.
    pub fn position(&self, pointer: &JsonPointer) -> Option<Position> {
        self.positions.of(pointer)
    }
}

/// Parses YAML, runs the checks progenitor would otherwise answer with a
/// panic, and reads the document as OpenAPI 3.0.
pub fn load_spec(spec_text: &str, display_path: &str) -> Result<LoadedSpec, CodegenError> {
    load(spec_text, display_path, true)
}

/// Parses YAML and reads the document as OpenAPI 3.0, without the checks
/// for generation: for tools that report on a spec progenitor would refuse
/// (the lint, the review of a change that breaks generation).
pub fn read_spec(spec_text: &str, display_path: &str) -> Result<LoadedSpec, CodegenError> {
    load(spec_text, display_path, false)
}

/// Parses YAML (or JSON) text into a JSON tree; the error says where and
/// what is wrong, in the project's words.
pub fn parse_yaml(text: &str) -> Result<serde_json::Value, String> {
    positions::parse(text)
        .map(|(value, _)| value)
        .map_err(|e| yaml::describe(&e, text))
}

fn load(spec_text: &str, display_path: &str, check: bool) -> Result<LoadedSpec, CodegenError> {
    let err = |kind| CodegenError::new(display_path, kind);
    if spec_text.trim().is_empty() {
        return Err(err(ErrorKind::Empty));
    }
    let (json, positions) = positions::parse(spec_text)
        .map_err(|e| err(ErrorKind::Yaml(yaml::describe(&e, spec_text))))?;
    if check {
        crate::checks::check(&json).map_err(|kind| err(kind.placed(&positions)))?;
    }
    // Read the tree already parsed; only a failure goes back to the text,
    // whose error carries the line of the offending node.
    let openapi = match <OpenAPI as serde::Deserialize>::deserialize(&json) {
        Ok(openapi) => openapi,
        Err(from_tree) => {
            let message = match serde_saphyr::from_str::<OpenAPI>(spec_text) {
                Err(e) => yaml::describe(&e, spec_text),
                Ok(_) => from_tree.to_string(),
            };
            return Err(err(ErrorKind::NotOpenApi(message)));
        }
    };
    let open_enums = open_enums::collect(&openapi);
    Ok(LoadedSpec {
        openapi,
        json,
        positions,
        open_enums,
    })
}
