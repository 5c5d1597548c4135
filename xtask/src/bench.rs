//! `cargo xtask bench`: the generator on specs of 1×, 10× and 50× ours (and
//! 550 operations), measured as a user meets it: the release-built
//! `xtask generate` as a whole process, its peak memory, the lines it writes
//! per operation, and how long its crate takes to rebuild. With
//! `cargo-progenitor` on `PATH` (or `--progenitor`), the same for it, side by
//! side, with ratios; with `--baseline`, the same for another build of
//! `xtask` (an older commit's), to compare a change before and after. The
//! generators take turns run by run, so a shared machine's load falls on each
//! alike.

mod measure;
mod synthetic;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, SystemTime};

use measure::median;

use crate::generate::GENERATED_DIR;

/// What `cargo xtask bench` was asked for.
#[derive(Debug)]
pub struct Options {
    /// Generation runs per spec and generator; the median is reported.
    pub runs: usize,
    /// Timed rebuilds of each generated crate (0: no compile figures).
    pub compile_runs: usize,
    /// cargo-progenitor's binary; looked up on `PATH` when absent.
    pub progenitor: Option<PathBuf>,
    /// Another build of `xtask` to measure beside this one.
    pub baseline: Option<PathBuf>,
    /// Measure only the specs of at most this many operations.
    pub max_ops: Option<usize>,
}

/// One generator's figures on one spec.
#[derive(Debug)]
struct Figures {
    wall: Duration,
    /// The generator's own timing of itself, without process start and I/O.
    in_process: Option<Duration>,
    peak_rss_bytes: u64,
    lines_per_operation: f64,
    compile: Option<Duration>,
}

pub fn run(workspace: &Path, options: &Options) -> Result<ExitCode, String> {
    let target = target_dir(workspace);
    let work = target.join("xtask-bench");
    let xtask = build_release_xtask(workspace, &target)?;
    let progenitor = options
        .progenitor
        .clone()
        .or_else(|| find_on_path("cargo-progenitor"));
    let spec_path = workspace.join("spec/clover-ecommerce.yaml");
    let spec: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &fs::read_to_string(&spec_path).map_err(|error| error.to_string())?,
    )
    .map_err(|error| format!("{}: {error}", spec_path.display()))?;
    let base = synthetic::operation_count(&spec);

    println!(
        "generation: median of {} runs of the whole process ({} under {SMALL_SPEC} operations); compile: median of {} non-incremental rebuilds of the generated crate alone (dev profile, dependencies built)",
        options.runs,
        options.runs * SMALL_SPEC_RUNS,
        options.compile_runs
    );
    match &progenitor {
        Some(path) => println!("peer: {}", path.display()),
        None => println!(
            "peer: cargo-progenitor not found on PATH (cargo install cargo-progenitor --locked), so no ratios"
        ),
    }
    if let Some(baseline) = &options.baseline {
        println!("baseline: {}", baseline.display());
    }
    println!(
        "\n{:<14} {:>5}  {:<11} {:>9} {:>10} {:>7} {:>10} {:>8} {:>9}",
        "spec", "ops", "generator", "time", "in-proc.", "µs/op", "peak RSS", "lines/op", "compile"
    );
    let mut sizes = [
        ("1× ours".to_owned(), base),
        ("10×".to_owned(), base * 10),
        ("550 ops".to_owned(), 550),
        ("50×".to_owned(), base * 50),
    ];
    sizes.sort_by_key(|(_, operations)| *operations);
    let wanted =
        |(_, operations): &(String, usize)| options.max_ops.is_none_or(|max| *operations <= max);
    for (label, operations) in sizes.into_iter().filter(wanted) {
        let spec_file = work.join(format!("specs/clover-{operations}.yaml"));
        write_file(
            &spec_file,
            &serde_yaml_ng::to_string(&synthetic::scaled(&spec, operations))
                .map_err(|error| error.to_string())?,
        )?;
        let bench = Bench {
            workspace,
            work: &work,
            spec: &spec_file,
            operations,
            options,
        };
        let mut generators = vec![Generator::Ours(&xtask)];
        generators.extend(options.baseline.as_deref().map(Generator::Baseline));
        generators.extend(progenitor.as_deref().map(Generator::Progenitor));
        let results = bench.measure(&generators);
        let ours = match &results[0] {
            Ok(figures) => figures,
            Err(error) => return Err(error.clone()),
        };
        print_row(&label, operations, "clover-api", ours);
        for (generator, result) in generators.iter().zip(&results).skip(1) {
            match result {
                Ok(theirs) => {
                    print_row("", operations, generator.label(), theirs);
                    print_ratios(ours, theirs);
                }
                Err(error) => println!(
                    "{:<14} {operations:>5}  {:<11} failed: {error}",
                    "",
                    generator.label()
                ),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One spec's measurements, with where to put their files.
struct Bench<'a> {
    workspace: &'a Path,
    work: &'a Path,
    spec: &'a Path,
    operations: usize,
    options: &'a Options,
}

/// One generator's runs on one spec.
#[derive(Default)]
struct Runs {
    whole: Vec<measure::Run>,
    /// What `xtask generate` reports of itself; none for a peer.
    in_process: Vec<Duration>,
}

/// A generator under measurement.
enum Generator<'a> {
    /// This workspace's release `xtask`.
    Ours(&'a Path),
    /// Another build of `xtask`.
    Baseline(&'a Path),
    Progenitor(&'a Path),
}

impl Generator<'_> {
    fn label(&self) -> &'static str {
        match self {
            Generator::Ours(_) => "clover-api",
            Generator::Baseline(_) => "baseline",
            Generator::Progenitor(_) => "progenitor",
        }
    }

    /// The crate folder it writes, and the folder of its sources in it.
    fn crate_dir(&self, work: &Path, operations: usize) -> (PathBuf, PathBuf) {
        let crate_dir = match self {
            Generator::Ours(_) => work.join(format!("crates/ours-{operations}")),
            Generator::Baseline(_) => work.join(format!("crates/baseline-{operations}")),
            Generator::Progenitor(_) => work.join(format!("crates/progenitor-{operations}")),
        };
        let sources = match self {
            Generator::Progenitor(_) => crate_dir.join("src"),
            _ => crate_dir.join(GENERATED_DIR),
        };
        (crate_dir, sources)
    }

    /// One generation of `spec` into `crate_dir`, as a peer does it: every
    /// file written anew.
    fn command(&self, spec: &Path, crate_dir: &Path) -> Command {
        match self {
            Generator::Ours(xtask) | Generator::Baseline(xtask) => {
                let _ = fs::remove_dir_all(crate_dir.join(GENERATED_DIR));
                let mut command = Command::new(xtask);
                command
                    .args(["generate", "--spec"])
                    .arg(spec)
                    .arg("--out")
                    .arg(crate_dir);
                command
            }
            Generator::Progenitor(binary) => {
                let _ = fs::remove_dir_all(crate_dir);
                let name = crate_dir
                    .file_name()
                    .expect("a crate folder has a name")
                    .to_string_lossy()
                    .into_owned();
                let mut command = Command::new(binary);
                command
                    .args(["progenitor", "--input"])
                    .arg(spec)
                    .arg("--output")
                    .arg(crate_dir)
                    .args(["--name", &name, "--version", "0.1.0"]);
                command
            }
        }
    }
}

/// Specs with fewer operations are generated [`SMALL_SPEC_RUNS`] times as
/// often: a run takes milliseconds there, and one hiccup of a shared
/// machine moves a median of few such runs.
const SMALL_SPEC: usize = 100;
const SMALL_SPEC_RUNS: usize = 5;

impl Bench<'_> {
    fn runs(&self) -> usize {
        match self.operations < SMALL_SPEC {
            true => self.options.runs * SMALL_SPEC_RUNS,
            false => self.options.runs,
        }
    }

    /// Each generator's figures, their runs taking turns.
    fn measure(&self, generators: &[Generator]) -> Vec<Result<Figures, String>> {
        let mut results: Vec<Result<Runs, String>> =
            generators.iter().map(|_| Ok(Runs::default())).collect();
        for _ in 0..self.runs() {
            for (generator, result) in generators.iter().zip(&mut results) {
                let Ok(runs) = result else { continue };
                let (crate_dir, _) = generator.crate_dir(self.work, self.operations);
                let log = self.work.join(format!("{}.log", generator.label()));
                match measure::run(&mut generator.command(self.spec, &crate_dir), &log) {
                    Ok(run) => {
                        runs.whole.push(run);
                        runs.in_process
                            .extend(reported_time(&fs::read_to_string(&log).unwrap_or_default()));
                    }
                    Err(error) => *result = Err(error),
                }
            }
        }
        generators
            .iter()
            .zip(results)
            .map(|(generator, runs)| {
                let runs = runs?;
                let (crate_dir, sources) = generator.crate_dir(self.work, self.operations);
                match generator {
                    Generator::Progenitor(_) => own_workspace(&crate_dir)?,
                    _ => self.lock_like_ours(&crate_dir)?,
                }
                self.figures(&runs.whole, &runs.in_process, &sources, &crate_dir)
            })
            .collect()
    }

    /// Gives a generated crate the dependency versions this workspace is tested with.
    fn lock_like_ours(&self, crate_dir: &Path) -> Result<(), String> {
        let lock = crate_dir.join("Cargo.lock");
        if lock.exists() {
            return Ok(());
        }
        fs::copy(self.workspace.join("Cargo.lock"), &lock)
            .map(drop)
            .map_err(|error| error.to_string())
    }

    fn figures(
        &self,
        runs: &[measure::Run],
        in_process: &[Duration],
        sources: &Path,
        crate_dir: &Path,
    ) -> Result<Figures, String> {
        let mut walls: Vec<Duration> = runs.iter().map(|run| run.wall).collect();
        let mut peaks: Vec<u64> = runs.iter().map(|run| run.peak_rss_bytes).collect();
        let mut in_process = in_process.to_vec();
        let compile = match self.options.compile_runs {
            0 => None,
            runs => Some(compile_time(crate_dir, &self.work.join("target"), runs)?),
        };
        Ok(Figures {
            wall: median(&mut walls),
            in_process: (!in_process.is_empty()).then(|| median(&mut in_process)),
            peak_rss_bytes: median(&mut peaks),
            lines_per_operation: non_blank_lines(sources)? as f64 / self.operations as f64,
            compile,
        })
    }
}

/// Builds the crate once (dependencies), then times clean rebuilds of it alone.
fn compile_time(crate_dir: &Path, target: &Path, runs: usize) -> Result<Duration, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let log = crate_dir.with_extension("build.log");
    let build = || {
        let mut command = Command::new(&cargo);
        // Not incremental: each timed build compiles the whole crate, and the
        // incremental caches of a 1,500-operation crate take gigabytes.
        command
            .arg("build")
            .current_dir(crate_dir)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0");
        measure::run(&mut command, &log)
    };
    build()?;
    let lib = crate_dir.join("src/lib.rs");
    let mut times = Vec::new();
    for _ in 0..runs {
        fs::File::options()
            .append(true)
            .open(&lib)
            .and_then(|file| file.set_modified(SystemTime::now()))
            .map_err(|error| format!("{}: {error}", lib.display()))?;
        times.push(build()?.wall);
    }
    Ok(median(&mut times))
}

/// Makes progenitor's crate a workspace of its own, as ours is, so cargo
/// builds it inside this workspace's target folder.
fn own_workspace(crate_dir: &Path) -> Result<(), String> {
    let manifest = crate_dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).map_err(|error| error.to_string())?;
    if text.lines().any(|line| line.trim() == "[workspace]") {
        return Ok(());
    }
    write_file(&manifest, &format!("{text}\n[workspace]\n"))
}

/// Non-blank lines of the `.rs` files under `dir`.
fn non_blank_lines(dir: &Path) -> Result<usize, String> {
    let mut total = 0;
    for entry in fs::read_dir(dir).map_err(|error| format!("{}: {error}", dir.display()))? {
        let path = entry.map_err(|error| error.to_string())?.path();
        if path.is_dir() {
            total += non_blank_lines(&path)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = fs::read_to_string(&path).map_err(|error| error.to_string())?;
            total += text.lines().filter(|line| !line.trim().is_empty()).count();
        }
    }
    Ok(total)
}

/// The time `xtask generate` reports for itself (`… in 12.3 ms`).
fn reported_time(log: &str) -> Option<Duration> {
    let line = log.lines().find(|line| line.starts_with("generated "))?;
    let milliseconds: f64 = line
        .rsplit_once(" in ")?
        .1
        .strip_suffix(" ms")?
        .parse()
        .ok()?;
    Some(Duration::from_secs_f64(milliseconds / 1000.0))
}

fn build_release_xtask(workspace: &Path, target: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--package", "xtask"])
        .current_dir(workspace)
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if !status.success() {
        return Err("building the release xtask failed".to_owned());
    }
    Ok(target
        .join("release")
        .join(format!("xtask{}", std::env::consts::EXE_SUFFIX)))
}

/// Where cargo builds this workspace: `CARGO_TARGET_DIR` or `target/`.
fn target_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| workspace.join(dir))
        .unwrap_or_else(|| workspace.join("target"))
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn write_file(path: &Path, contents: &str) -> Result<(), String> {
    fs::create_dir_all(path.parent().expect("under the bench folder"))
        .and_then(|()| fs::write(path, contents))
        .map_err(|error| format!("{}: {error}", path.display()))
}

fn print_row(label: &str, operations: usize, generator: &str, figures: &Figures) {
    println!(
        "{label:<14} {operations:>5}  {generator:<11} {:>9} {:>10} {:>7.0} {:>10} {:>8.0} {:>9}",
        duration(figures.wall),
        figures
            .in_process
            .map(duration)
            .unwrap_or_else(|| "-".into()),
        figures.wall.as_secs_f64() * 1e6 / operations as f64,
        format!("{:.1} MiB", figures.peak_rss_bytes as f64 / 1024.0 / 1024.0),
        figures.lines_per_operation,
        figures.compile.map(duration).unwrap_or_else(|| "-".into()),
    );
}

fn print_ratios(ours: &Figures, theirs: &Figures) {
    let ratio = |ours: f64, theirs: f64| format!("{:.2}×", ours / theirs);
    println!(
        "{:<14} {:>5}  {:<11} {:>9} {:>10} {:>7} {:>10} {:>8} {:>9}",
        "",
        "",
        "ratio",
        ratio(ours.wall.as_secs_f64(), theirs.wall.as_secs_f64()),
        "",
        "",
        ratio(ours.peak_rss_bytes as f64, theirs.peak_rss_bytes as f64),
        ratio(ours.lines_per_operation, theirs.lines_per_operation),
        match (ours.compile, theirs.compile) {
            (Some(ours), Some(theirs)) => ratio(ours.as_secs_f64(), theirs.as_secs_f64()),
            _ => "-".to_owned(),
        },
    );
}

fn duration(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
    } else {
        format!("{:.2} s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generators_own_timing_is_read_from_its_summary() {
        let log = "wrote     x/models.rs (3 lines)\ngenerated 5 files, 9941 lines, in 588.9 ms\n";
        assert_eq!(reported_time(log), Some(Duration::from_micros(588_900)));
        assert_eq!(reported_time("error: no spec"), None);
    }
}
