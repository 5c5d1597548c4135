//! Emitting and printing every file's pieces on several cores. Tokens cannot
//! cross threads, so each thread emits the pieces it prints, from the shared
//! model, and only their text comes back.

use std::num::NonZero;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::emit::Emission;
use crate::format;

/// A file's pieces, printed.
pub struct Printed {
    /// Each piece's text, in order; `None` for one whose tokens are no Rust
    /// items (the caller emits it again to get the error, which cannot cross
    /// threads either).
    pub pieces: Vec<Option<String>>,
    /// Whether any piece needs the file's head.
    pub needs_head: bool,
}

/// Pieces a thread takes at a time: enough to make taking them cheap, few
/// enough that the threads finish together.
const CHUNK: usize = 8;

/// Threads at most: past a few, the work that does not split (lowering,
/// above all) takes most of the time, and each thread adds its own memory.
const MAX_THREADS: usize = 4;

/// Threads for work that splits: one per core, at most [`MAX_THREADS`].
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, NonZero::get)
        .min(MAX_THREADS)
}

/// Prints the pieces of every file, on a thread per core (at most [`MAX_THREADS`]).
pub fn print_pieces(files: &[Emission], stack_bytes: usize) -> Vec<Printed> {
    // Whole files first: a large one started last would leave the other
    // threads idle at the end, while many small pieces even out the load.
    let mut jobs: Vec<(usize, usize)> = Vec::new();
    for whole_files in [true, false] {
        for (file, emission) in files.iter().enumerate() {
            if (emission.pieces == 1) == whole_files {
                jobs.extend((0..emission.pieces).map(|piece| (file, piece)));
            }
        }
    }
    let next = AtomicUsize::new(0);
    let needs_head: Vec<AtomicBool> = files.iter().map(|_| AtomicBool::new(false)).collect();
    let done = Mutex::new(Vec::with_capacity(jobs.len()));
    let work = || {
        let mut printed = Vec::new();
        loop {
            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
            let Some(chunk) = jobs.get(start..jobs.len().min(start + CHUNK)) else {
                break;
            };
            for &(file, piece) in chunk {
                let emission = &files[file];
                let tokens = (emission.piece)(piece);
                let needs = &needs_head[file];
                if !needs.load(Ordering::Relaxed) && (emission.needs_head)(&tokens) {
                    needs.store(true, Ordering::Relaxed);
                }
                printed.push(((file, piece), format::print_items(tokens).ok()));
            }
        }
        done.lock()
            .expect("no thread panics holding it")
            .extend(printed);
    };
    let threads = threads();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.min(jobs.len()))
            .map(|_| {
                std::thread::Builder::new()
                    .name("codegen-print".to_owned())
                    .stack_size(stack_bytes)
                    .spawn_scoped(scope, work)
                    .expect("spawning a printing thread")
            })
            .collect();
        work();
        for helper in helpers {
            helper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    });
    let mut printed: Vec<Printed> = files
        .iter()
        .zip(needs_head)
        .map(|(emission, needs_head)| Printed {
            pieces: vec![None; emission.pieces],
            needs_head: needs_head.into_inner(),
        })
        .collect();
    for ((file, piece), text) in done.into_inner().expect("no thread panicked") {
        printed[file].pieces[piece] = text;
    }
    printed
}
