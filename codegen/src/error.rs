use std::fmt;

use crate::spec::{JsonPointer, Position, Positions};

/// Why a spec could not be turned into Rust. Its `Display` names the file
/// first, then where in it and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    /// The spec file, as given by the caller.
    pub file: String,
    /// What went wrong.
    pub kind: ErrorKind,
}

/// The kinds of failure, each with enough context to fix the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read.
    Read(String),
    /// The file holds nothing.
    Empty,
    /// Not valid YAML; the message carries line and column.
    Yaml(String),
    /// A spec shape progenitor cannot take, found by our own checks.
    Unsupported {
        /// JSON pointer of the offending node.
        pointer: JsonPointer,
        /// Where that node starts in the file, when known.
        position: Option<Position>,
        /// What is wrong.
        problem: String,
        /// What to write instead.
        fix: String,
    },
    /// Valid YAML that does not read as an OpenAPI 3.0 document.
    NotOpenApi(String),
    /// progenitor returned an error.
    Progenitor(String),
    /// progenitor panicked; the panic was caught.
    ProgenitorPanic(String),
    /// Our own post-processing failed.
    Internal(String),
}

impl ErrorKind {
    /// Attaches the file position of an `Unsupported` finding's pointer.
    pub(crate) fn placed(self, positions: &Positions) -> Self {
        match self {
            ErrorKind::Unsupported {
                pointer,
                problem,
                fix,
                ..
            } => ErrorKind::Unsupported {
                position: positions.of(&pointer),
                pointer,
                problem,
                fix,
            },
            other => other,
        }
    }
}

impl CodegenError {
    pub(crate) fn new(file: &str, kind: ErrorKind) -> Self {
        Self {
            file: file.to_string(),
            kind,
        }
    }
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = &self.file;
        match &self.kind {
            ErrorKind::Read(err) => write!(f, "{file}: cannot read the spec: {err}"),
            ErrorKind::Empty => write!(
                f,
                "{file}: the spec is empty; expected an OpenAPI 3.0 document in YAML"
            ),
            ErrorKind::Yaml(err) => write!(f, "{file}: invalid YAML: {err}"),
            ErrorKind::Unsupported {
                pointer,
                position,
                problem,
                fix,
            } => {
                match position {
                    Some(p) => write!(f, "{file}:{}:{}: ", p.line, p.column)?,
                    None => write!(f, "{file}: ")?,
                }
                write!(f, "at {}: {problem}\n  fix: {fix}", pointer.fragment())
            }
            ErrorKind::NotOpenApi(err) => {
                write!(f, "{file}: not a valid OpenAPI 3.0 document: {err}")
            }
            ErrorKind::Progenitor(err) => write!(f, "{file}: progenitor rejected the spec: {err}"),
            ErrorKind::ProgenitorPanic(err) => write!(
                f,
                "{file}: progenitor failed on a spec shape our checks do not know yet: {err}\n  \
                 fix: simplify the construct named above, and add a check for it in codegen/src/checks.rs"
            ),
            ErrorKind::Internal(err) => write!(
                f,
                "{file}: could not format the generated code (a bug in codegen): {err}"
            ),
        }
    }
}

impl std::error::Error for CodegenError {}
