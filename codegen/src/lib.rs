//! The generator behind `cargo xtask generate`: an OpenAPI 3.0 document (or a
//! 3.1 one that uses only what 3.0 can say) in, the formatted Rust source of a
//! crate's `src/generated/` out (and, once, the crate around it: [`crate_shell`]).
//!
//! The pipeline is `load` (JSON or YAML → `openapiv3`, a YAML text in parts
//! on several cores), [`lower`] (checks and resolves the spec into the small
//! model in [`ir`]), `emit` (model → tokens, one module per file, each file in
//! pieces) and `format` (tokens → `syn::File` → `prettyplease`), the last two
//! piece by piece on several cores.
//! It is a pure function: nothing here touches the file system.

mod emit;
pub mod error;
mod format;
pub mod ir;
mod load;
pub mod lower;
mod names;
mod parallel;
mod shell;

use openapiv3::OpenAPI;

pub use error::{Error, Pointer, SpecError};
pub use load::MAX_DEPTH;
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

/// Choices about the output that the spec does not make.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// A cargo feature of the generated crate under which every model derives
    /// both serde directions, not only the way it travels: for a stand-in
    /// server that decodes requests and encodes responses with the models
    /// (`clover-api`'s `sandbox`).
    pub mirror_feature: Option<String>,
}

/// Generates every file from the text of a spec, with default [`Options`].
///
/// `source_name` is how the header line names the spec (a file name, so the
/// output does not depend on where the spec sits). Either every file is
/// produced, or none is.
pub fn generate(spec_text: &str, source_name: &str) -> Result<Vec<GeneratedFile>, Error> {
    generate_with(spec_text, source_name, &Options::default())
}

/// Like [`generate`], with the given [`Options`].
pub fn generate_with(
    spec_text: &str,
    source_name: &str,
    options: &Options,
) -> Result<Vec<GeneratedFile>, Error> {
    on_deep_stack(|| generate_here(spec_text, source_name, options))
}

fn generate_here(
    spec_text: &str,
    source_name: &str,
    options: &Options,
) -> Result<Vec<GeneratedFile>, Error> {
    // The document is dropped once lowered: emitting reads only the model.
    let api = lower::lower(&load::parse(spec_text)?).map_err(Error::Spec)?;
    let header = format::header(spec_text, source_name);
    let files = emit::emit(&api, options);
    let printed = parallel::print_pieces(&files, STACK_BYTES);
    files
        .iter()
        .zip(printed)
        .map(|(file, printed)| {
            let error = |source| Error::Emit {
                file: file.name.to_owned(),
                source,
            };
            let head = format::print_items((file.head)(printed.needs_head)).map_err(error)?;
            let mut pieces = Vec::with_capacity(printed.pieces.len());
            for (index, piece) in printed.pieces.into_iter().enumerate() {
                // A piece that failed on another thread fails again here, with its error.
                let piece = match piece {
                    Some(text) => text,
                    None => format::print_items((file.piece)(index)).map_err(error)?,
                };
                pieces.push(piece);
            }
            let pieces = std::iter::once(&head).chain(&pieces).map(String::as_str);
            Ok(GeneratedFile {
                name: file.name,
                contents: format::assemble(&header, pieces),
            })
        })
        .collect()
}

/// Reads a spec's text (JSON or YAML) into the `openapiv3` model.
pub fn parse(spec_text: &str) -> Result<OpenAPI, Error> {
    on_deep_stack(|| load::parse(spec_text))
}

/// The stack the pipeline runs on. Reading and lowering recurse once per
/// level of the document (at most [`MAX_DEPTH`]); `openapiv3` takes
/// tens of kilobytes a level in a debug build, more than a test thread's
/// 2 MiB holds, so the work gets a thread whose stack fits the limit.
pub(crate) const STACK_BYTES: usize = 64 << 20;

/// Runs `work` on a thread with [`STACK_BYTES`] of stack, passing on its panic.
fn on_deep_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("codegen".to_owned())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, work)
            .expect("spawning the generator's thread");
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
