//! `cargo xtask generate`: a spec → a crate folder. `src/generated/` is
//! always rewritten; the crate shell (`Cargo.toml`, `src/lib.rs`) only where
//! it is missing, after which it is the user's.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use codegen::GeneratedFile;
use similar::TextDiff;

/// Where in a crate folder the generated modules live.
pub const GENERATED_DIR: &str = "src/generated";

/// The crate shell's files, relative to the crate folder.
const SHELL_FILES: [&str; 2] = ["Cargo.toml", "src/lib.rs"];

/// Generates `spec` into the crate folder `out`, or with `check` only compares.
pub fn run(
    workspace: &Path,
    spec: &Path,
    out: &Path,
    options: &codegen::Options,
    check: bool,
) -> Result<ExitCode, String> {
    let text = fs::read_to_string(spec)
        .map_err(|error| format!("cannot read {}: {error}", spec.display()))?;
    let source_name = spec.file_name().map_or_else(
        || spec.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let started = Instant::now();
    let files = codegen::generate_with(&text, &source_name, options)
        .map_err(|error| format!("{}: {error}\nNothing was written.", spec.display()))?;
    let elapsed = started.elapsed();
    let lines: usize = files.iter().map(|file| file.contents.lines().count()).sum();
    let generated = out.join(GENERATED_DIR);
    let missing_shell: Vec<&str> = SHELL_FILES
        .into_iter()
        .filter(|name| !out.join(name).exists())
        .collect();

    if check {
        let mut stale = stale_files(&generated, &files);
        stale.extend(missing_shell.iter().map(|name| {
            format!(
                "{} (missing: the crate shell is written when absent)",
                out.join(name).display()
            )
        }));
        return Ok(report_check(&stale, files.len(), lines, spec));
    }

    let shell = if missing_shell.is_empty() {
        Vec::new()
    } else {
        crate_shell(workspace, out, &source_name)?
            .into_iter()
            .filter(|file| missing_shell.contains(&file.name))
            .collect()
    };
    write_generated(&generated, &files)?;
    for file in &shell {
        write_new(&out.join(file.name), &file.contents)?;
    }
    println!(
        "generated {} files, {lines} lines, in {:.1} ms",
        files.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(ExitCode::SUCCESS)
}

fn report_check(stale: &[String], files: usize, lines: usize, spec: &Path) -> ExitCode {
    if stale.is_empty() {
        println!(
            "up to date: {files} files, {lines} lines, match {}",
            spec.display()
        );
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "out of date, run `cargo xtask generate`:\n  {}",
        stale.join("\n  ")
    );
    ExitCode::FAILURE
}

/// Each generated file that differs from the one on disk (with a diff on
/// stdout), then each of ours on disk that the spec no longer produces.
fn stale_files(generated: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let mut stale = Vec::new();
    for file in files {
        let path = generated.join(file.name);
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
        extra_files(generated, files)
            .into_iter()
            .map(|path| format!("{} (not generated any more)", path.display())),
    );
    stale
}

fn write_generated(generated: &Path, files: &[GeneratedFile]) -> Result<(), String> {
    fs::create_dir_all(generated)
        .map_err(|error| format!("cannot create {}: {error}", generated.display()))?;
    for file in files {
        let path = generated.join(file.name);
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
    for path in extra_files(generated, files) {
        fs::remove_file(&path)
            .map_err(|error| format!("cannot remove {}: {error}", path.display()))?;
        println!("removed   {}", path.display());
    }
    Ok(())
}

/// The shell of a crate named after `out`, over this workspace's runtime.
fn crate_shell(
    workspace: &Path,
    out: &Path,
    source_name: &str,
) -> Result<[GeneratedFile; 2], String> {
    let out = absolute(out)?;
    let crate_name = out
        .file_name()
        .ok_or_else(|| format!("{} has no folder name to name the crate", out.display()))?
        .to_string_lossy();
    let runtime_dir = workspace.join("clover-api/runtime");
    let runtime = codegen::RuntimeDependency {
        path: relative_path(&out, &runtime_dir),
        version: package_version(&runtime_dir.join("Cargo.toml"))?,
    };
    codegen::crate_shell(&crate_name, source_name, &runtime)
        .map_err(|error| format!("{error}\nNothing was written."))
}

/// `path` made absolute with `.` and `..` resolved by name, as cargo
/// resolves a dependency's path against its manifest's folder.
fn absolute(path: &Path) -> Result<PathBuf, String> {
    let path = std::path::absolute(path)
        .map_err(|error| format!("cannot resolve {}: {error}", path.display()))?;
    let mut resolved = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    Ok(resolved)
}

/// `to` as seen from `from` (both absolute), with `/` separators; `to`
/// itself when they share no root (another drive).
fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let shares_root = from.first() == to.first();
    if !shares_root {
        return to.iter().collect::<PathBuf>().display().to_string();
    }
    let ups = std::iter::repeat_n("..".to_owned(), from.len() - common);
    let downs = to[common..]
        .iter()
        .map(|component| component.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// The `version` of a workspace manifest's `[package]` table.
fn package_version(manifest: &Path) -> Result<String, String> {
    let text = fs::read_to_string(manifest)
        .map_err(|error| format!("cannot read {}: {error}", manifest.display()))?;
    text.lines()
        .skip_while(|line| line.trim() != "[package]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .find_map(|line| {
            let value = line
                .strip_prefix("version")?
                .trim_start()
                .strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| format!("{} has no [package] version", manifest.display()))
}

/// Generated `.rs` files in the output folder that the spec no longer
/// produces. Files without our `@generated` header are never touched.
fn extra_files(generated: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(generated) else {
        return Vec::new();
    };
    let generated_marker = format!("// @generated by `{}`", codegen::COMMAND);
    let mut extra: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter(|path| {
            fs::read_to_string(path).is_ok_and(|text| text.starts_with(&generated_marker))
        })
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

/// Writes a crate shell file, never over one that appeared meanwhile.
fn write_new(path: &Path, contents: &str) -> Result<(), String> {
    let parent = path
        .parent()
        .expect("a shell file lies in the crate folder");
    fs::create_dir_all(parent)
        .and_then(|()| {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
        })
        .and_then(|mut file| file.write_all(contents.as_bytes()))
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    println!(
        "wrote     {} (crate shell, yours from now on)",
        path.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_path_is_relative_to_the_crate() {
        let runtime = Path::new("/work/sdk/clover-api/runtime");
        assert_eq!(
            relative_path(Path::new("/tmp/their-api"), runtime),
            "../../work/sdk/clover-api/runtime"
        );
        assert_eq!(
            relative_path(Path::new("/work/sdk/codegen/fixture-crate"), runtime),
            "../../clover-api/runtime"
        );
        assert_eq!(
            absolute(Path::new("/work/sdk/./a/../their-api")).unwrap(),
            Path::new("/work/sdk/their-api")
        );
    }

    #[test]
    fn the_runtime_version_is_read_from_its_package_table() {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let version = package_version(&workspace.join("clover-api/runtime/Cargo.toml")).unwrap();
        assert!(version.split('.').count() == 3, "{version}");
    }
}
