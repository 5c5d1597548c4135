//! The generator behind `cargo xtask generate`: an OpenAPI 3.0 document in,
//! the formatted Rust source of a crate's `src/generated/` out (and, once,
//! the crate around it: [`crate_shell`]).
//!
//! The pipeline is `parse` (YAML → `openapiv3`), [`lower`] (checks and
//! resolves the spec into the small model in [`ir`]), `emit` (model → tokens,
//! one module per file) and `format` (tokens → `syn::File` → `prettyplease`).
//! It is a pure function: nothing here touches the file system.

mod emit;
pub mod error;
mod format;
pub mod ir;
pub mod lower;
mod names;
mod shell;

use openapiv3::OpenAPI;

pub use error::{Error, Pointer, SpecError};
pub use shell::{InvalidCrateName, RuntimeDependency, crate_shell};

/// The command a maintainer runs to regenerate, named in every file header.
pub const COMMAND: &str = "cargo xtask generate";

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path inside the output folder, e.g. `models.rs` in `src/generated/`
    /// or `src/lib.rs` in a crate shell.
    pub name: &'static str,
    pub contents: String,
}

/// Generates every file from the text of a spec.
///
/// `source_name` is how the header line names the spec (a file name, so the
/// output does not depend on where the spec sits). Either every file is
/// produced, or none is.
pub fn generate(spec_text: &str, source_name: &str) -> Result<Vec<GeneratedFile>, Error> {
    // The document is dropped once lowered: emitting reads only the model.
    let api = lower::lower(&parse(spec_text)?).map_err(Error::Spec)?;
    let header = format::header(spec_text, source_name);
    emit::emit(&api)
        .into_iter()
        .map(|file| {
            let contents = format::render(&header, file.tokens).map_err(|source| Error::Emit {
                file: file.name.to_owned(),
                source,
            })?;
            Ok(GeneratedFile {
                name: file.name,
                contents,
            })
        })
        .collect()
}

/// Reads YAML (or JSON) into the `openapiv3` model.
///
/// The text is first read into a YAML value, which reports syntax errors and
/// duplicate keys with their line, and keeps raw YAML away from `openapiv3`
/// (which panics on some duplicate keys). It then becomes a JSON value in
/// document order (`200:` keys become `"200"`). Structural errors carry the
/// pointer of the deepest node serde can name; untagged `$ref`-or-item nodes
/// stop it at their parent.
pub fn parse(spec_text: &str) -> Result<OpenAPI, Error> {
    let at_root = |message: String| Error::Structure {
        pointer: Pointer::root(),
        message,
    };
    let yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(spec_text).map_err(|error| at_root(error.to_string()))?;
    let value = serde_json::to_value(yaml).map_err(|error| at_root(error.to_string()))?;
    serde_path_to_error::deserialize(value).map_err(|error| {
        let pointer = error
            .path()
            .iter()
            .fold(Pointer::root(), |pointer, segment| match segment {
                serde_path_to_error::Segment::Seq { index } => pointer.join(index),
                serde_path_to_error::Segment::Map { key } => pointer.join(key),
                serde_path_to_error::Segment::Enum { variant } => pointer.join(variant),
                serde_path_to_error::Segment::Unknown => pointer,
            });
        Error::Structure {
            pointer,
            message: error.into_inner().to_string(),
        }
    })
}
