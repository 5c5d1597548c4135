//! Maintainer tasks.
//!
//! - `cargo xtask generate [--check] [--spec PATH] [--out DIR] [--mirror-feature F]`: the spec →
//!   the crate folder `DIR` (default `clover-api`): `DIR/src/generated/` is
//!   rewritten every time; `DIR/Cargo.toml` and `DIR/src/lib.rs` are written
//!   only when missing, so any spec becomes a crate that builds by itself.
//!   `--check` only compares and fails on drift.
//! - `cargo xtask bench [--runs N] [--compile-runs N] [--progenitor PATH]
//!   [--baseline PATH]`: generation time, peak memory, lines per operation and
//!   the generated crate's compile time on specs of 1×, 10× and 50× ours and
//!   550 operations, beside cargo-progenitor's when it is installed, and
//!   another build of xtask's when given.

mod bench;
mod generate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(about = "Maintainer tasks for the clover-api workspace")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Generate a client crate from an OpenAPI spec.
    Generate {
        /// Compare with the files on disk instead of writing; exit 1 with a diff if they differ.
        #[arg(long)]
        check: bool,
        /// The spec to read [default: spec/clover-ecommerce.yaml].
        #[arg(long)]
        spec: Option<PathBuf>,
        /// The crate folder: `src/generated/` is always rewritten, `Cargo.toml`
        /// and `src/lib.rs` written only when missing [default: clover-api].
        #[arg(long)]
        out: Option<PathBuf>,
        /// A feature of the generated crate under which every model derives both
        /// serde directions [default: `sandbox` for clover-api, none with --out].
        #[arg(long)]
        mirror_feature: Option<String>,
    },
    /// Measure the generator (and cargo-progenitor, if installed) on scaled copies of the spec.
    Bench {
        /// Generation runs per spec and generator (5× as many for specs under
        /// 100 operations); the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Timed rebuilds of each generated crate; 0 skips compiling.
        #[arg(long, default_value_t = 3)]
        compile_runs: usize,
        /// cargo-progenitor's binary [default: `cargo-progenitor` on PATH].
        #[arg(long)]
        progenitor: Option<PathBuf>,
        /// Another build of xtask (e.g. `main`'s release binary), measured beside this one.
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Only the specs of at most this many operations (the largest take longest to compile).
        #[arg(long)]
        max_ops: Option<usize>,
    },
}

fn main() -> ExitCode {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace");
    let result = match Cli::parse().task {
        Task::Generate {
            check,
            spec,
            out,
            mirror_feature,
        } => {
            let spec = spec.unwrap_or_else(|| workspace.join("spec/clover-ecommerce.yaml"));
            // clover-api's sandbox decodes requests and encodes responses with its models.
            let mirror_feature =
                mirror_feature.or_else(|| out.is_none().then(|| "sandbox".to_owned()));
            let out = out.unwrap_or_else(|| workspace.join("clover-api"));
            let options = codegen::Options { mirror_feature };
            generate::run(workspace, &spec, &out, &options, check)
        }
        Task::Bench {
            runs,
            compile_runs,
            progenitor,
            baseline,
            max_ops,
        } => bench::run(
            workspace,
            &bench::Options {
                runs: runs.max(1),
                compile_runs,
                progenitor,
                baseline,
                max_ops,
            },
        ),
    };
    result.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::FAILURE
    })
}
