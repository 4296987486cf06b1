//! placeholder
#[rustfmt::skip]
#[allow(unreachable_patterns, missing_docs, clippy::all)]
pub mod generated;
pub use generated::{Client, types};

/// State the generated client carries for the hand-written layer.
#[derive(Clone, Debug, Default)]
pub struct ClientState {}
