//! One process, measured from outside: wall time and the kernel's
//! high-water mark of its resident memory (`wait4`'s `ru_maxrss`).

use std::fs::File;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use wait4::Wait4;

#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub wall: Duration,
    pub peak_rss_bytes: u64,
}

/// Runs `command` to completion with its output in `log` (so a full pipe
/// never stalls it); an exit other than 0 is an error quoting the log's end.
pub fn run(command: &mut Command, log: &Path) -> Result<Run, String> {
    let output = File::create(log).map_err(|error| format!("{}: {error}", log.display()))?;
    let errors = output.try_clone().map_err(|error| error.to_string())?;
    let started = Instant::now();
    let mut child = command
        .stdin(std::process::Stdio::null())
        .stdout(output)
        .stderr(errors)
        .spawn()
        .map_err(|error| format!("cannot start {:?}: {error}", command.get_program()))?;
    let usage = child.wait4().map_err(|error| error.to_string())?;
    let wall = started.elapsed();
    if !usage.status.success() {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "{:?} failed ({}):\n  {}",
            command.get_program(),
            usage.status,
            tail.join("\n  ")
        ));
    }
    Ok(Run {
        wall,
        peak_rss_bytes: usage.rusage.maxrss,
    })
}

/// The middle value (the upper one of an even count).
pub fn median<T: Copy + Ord>(values: &mut [T]) -> T {
    values.sort_unstable();
    values[values.len() / 2]
}
