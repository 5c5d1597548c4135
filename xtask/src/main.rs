//! Maintainer tasks. `cargo xtask generate` regenerates `clover-api/src/generated/`
//! from the spec; `--check` only compares and fails on drift.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use similar::TextDiff;

#[derive(Parser)]
#[command(about = "Maintainer tasks for the clover-api workspace")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the SDK's generated code from the OpenAPI spec.
    Generate {
        /// Compare with the files on disk instead of writing; exit 1 with a diff if they differ.
        #[arg(long)]
        check: bool,
        /// The spec to read [default: spec/clover-ecommerce.yaml].
        #[arg(long)]
        spec: Option<PathBuf>,
        /// The folder to write [default: clover-api/src/generated].
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let Task::Generate { check, spec, out } = Cli::parse().task;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace");
    let spec = spec.unwrap_or_else(|| root.join("spec/clover-ecommerce.yaml"));
    let out = out.unwrap_or_else(|| root.join("clover-api/src/generated"));
    match generate(&spec, &out, check) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate(spec: &Path, out: &Path, check: bool) -> Result<ExitCode, String> {
    let text = fs::read_to_string(spec)
        .map_err(|error| format!("cannot read {}: {error}", spec.display()))?;
    let source_name = spec.file_name().map_or_else(
        || spec.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let started = Instant::now();
    let files = codegen::generate(&text, &source_name)
        .map_err(|error| format!("{}: {error}\nNothing was written.", spec.display()))?;
    let elapsed = started.elapsed();
    let lines: usize = files.iter().map(|file| file.contents.lines().count()).sum();

    if check {
        let mut stale = Vec::new();
        for file in &files {
            let path = out.join(file.name);
            let current = fs::read_to_string(&path).unwrap_or_default();
            if current != file.contents {
                let diff = TextDiff::from_lines(&current, &file.contents);
                print!(
                    "{}",
                    diff.unified_diff().context_radius(3).header(
                        &format!("{} (checked in)", path.display()),
                        &format!("{} (from the spec)", path.display())
                    )
                );
                stale.push(path.display().to_string());
            }
        }
        stale.extend(
            extra_files(out, &files)
                .into_iter()
                .map(|path| format!("{} (not generated any more)", path.display())),
        );
        if stale.is_empty() {
            println!(
                "up to date: {} files, {lines} lines, match {}",
                files.len(),
                spec.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "out of date, run `cargo xtask generate`:\n  {}",
            stale.join("\n  ")
        );
        return Ok(ExitCode::FAILURE);
    }

    fs::create_dir_all(out).map_err(|error| format!("cannot create {}: {error}", out.display()))?;
    for file in &files {
        let path = out.join(file.name);
        let unchanged = fs::read_to_string(&path).is_ok_and(|current| current == file.contents);
        if unchanged {
            println!("unchanged {}", path.display());
        } else {
            write_atomically(&path, &file.contents)?;
            println!(
                "wrote     {} ({} lines)",
                path.display(),
                file.contents.lines().count()
            );
        }
    }
    for path in extra_files(out, &files) {
        fs::remove_file(&path)
            .map_err(|error| format!("cannot remove {}: {error}", path.display()))?;
        println!("removed   {}", path.display());
    }
    println!(
        "generated {} files, {lines} lines, in {:.1} ms",
        files.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(ExitCode::SUCCESS)
}

/// `.rs` files in the output folder that the spec no longer produces.
fn extra_files(out: &Path, files: &[codegen::GeneratedFile]) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(out) else {
        return Vec::new();
    };
    let mut extra: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter(|path| {
            !files
                .iter()
                .any(|file| path.file_name().is_some_and(|name| name == file.name))
        })
        .collect();
    extra.sort();
    extra
}

/// Writes beside the target, then renames, so a reader never sees half a file.
fn write_atomically(path: &Path, contents: &str) -> Result<(), String> {
    let temporary = path.with_extension("rs.tmp");
    let result = fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(contents.as_bytes())
                .and_then(|()| file.sync_all())
        })
        .and_then(|()| fs::rename(&temporary, path));
    result.map_err(|error| {
        let _ = fs::remove_file(&temporary);
        format!("cannot write {}: {error}", path.display())
    })
}
