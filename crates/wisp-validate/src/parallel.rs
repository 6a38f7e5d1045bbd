//! Validating a large code section's function bodies on every core, as wasmtime does:
//! validation is most of what loading a module costs when functions are translated only
//! when first called, and the bodies are independent of each other.
//!
//! The bodies are set aside as the code section is read and validated together when it
//! ends, each thread taking a run of consecutive bodies of about the same total size.
//! Each thread stops at its first error; the error reported is that of the first body in
//! the module's order, as one thread going through them in order would report.

use alloc::vec::Vec;
use std::sync::Mutex;
use std::thread;
use wasmparser::{FuncToValidate, FuncValidatorAllocations, FunctionBody, ValidatorResources};
use wisp_parse::ParseError;

/// Code sections smaller than this are validated body by body as they are read: the
/// threads would cost more than they save.
const PARALLEL_FROM_BYTES: u32 = 256 << 10;

/// The bodies set aside, with whether the current code section sets them aside.
#[derive(Default)]
pub(crate) struct Pending<'a> {
    on: bool,
    bodies: Vec<(FuncToValidate<ValidatorResources>, FunctionBody<'a>)>,
}

impl<'a> Pending<'a> {
    /// A code section of `size` bytes starts.
    pub(crate) fn start(&mut self, size: u32) {
        // Asking for the cores reads the cgroup's files: only for a section that needs it.
        self.on = size >= PARALLEL_FROM_BYTES
            && thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    }

    pub(crate) fn is_on(&self) -> bool {
        self.on
    }

    pub(crate) fn push(
        &mut self,
        func: FuncToValidate<ValidatorResources>,
        body: FunctionBody<'a>,
    ) {
        self.bodies.push((func, body));
    }

    /// Validates the bodies set aside and forgets them.
    pub(crate) fn validate(&mut self) -> Result<(), ParseError> {
        self.on = false;
        let bodies = core::mem::take(&mut self.bodies);
        if bodies.is_empty() {
            return Ok(());
        }
        let cores = thread::available_parallelism().map_or(1, |n| n.get());
        // Each run in a slot that whoever validates it empties: a thread, or this one
        // for its own run and for any whose thread could not start.
        let runs: Vec<Mutex<Option<Run<'a>>>> = split(bodies, cores)
            .into_iter()
            .map(|r| Mutex::new(Some(r)))
            .collect();
        let take = |slot: &Mutex<Option<Run<'a>>>| {
            slot.lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take()
        };
        let first_error = thread::scope(|s| {
            let threads: Vec<_> = runs[1..]
                .iter()
                .filter_map(|slot| {
                    thread::Builder::new()
                        .spawn_scoped(s, move || take(slot).and_then(validate_run))
                        .ok()
                })
                .collect();
            let mut errors: Vec<_> = runs
                .iter()
                .filter_map(take)
                .filter_map(validate_run)
                .collect();
            for t in threads {
                errors.extend(t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
            }
            errors.into_iter().min_by_key(|e| e.0)
        });
        match first_error {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }
}

/// A run of consecutive bodies, and the index of its first in the code section.
struct Run<'a> {
    start: usize,
    bodies: Vec<(FuncToValidate<ValidatorResources>, FunctionBody<'a>)>,
}

/// Up to `parts` runs of consecutive bodies, of about the same number of bytes each.
fn split(
    bodies: Vec<(FuncToValidate<ValidatorResources>, FunctionBody<'_>)>,
    parts: usize,
) -> Vec<Run<'_>> {
    let size = |b: &FunctionBody<'_>| {
        let r = b.range();
        r.end - r.start
    };
    let total: u64 = bodies.iter().map(|(_, b)| size(b)).sum();
    let per = total.div_ceil(parts.max(1) as u64).max(1);
    let mut runs = Vec::new();
    let mut run = Run {
        start: 0,
        bodies: Vec::new(),
    };
    let mut sum = 0;
    let count = bodies.len();
    for (i, (func, body)) in bodies.into_iter().enumerate() {
        sum += size(&body);
        run.bodies.push((func, body));
        if sum >= per && i + 1 < count {
            let next = Run {
                start: i + 1,
                bodies: Vec::new(),
            };
            runs.push(core::mem::replace(&mut run, next));
            sum = 0;
        }
    }
    runs.push(run);
    runs
}

/// Validates `run` in order: the index in the code section and the error of its first
/// invalid body.
fn validate_run(run: Run<'_>) -> Option<(usize, ParseError)> {
    let mut allocs = FuncValidatorAllocations::default();
    for (i, (func, body)) in run.bodies.into_iter().enumerate() {
        let mut v = func.into_validator(allocs);
        if let Err(e) = crate::validate_body(&mut v, &body) {
            return Some((run.start + i, e));
        }
        allocs = v.into_allocations();
    }
    None
}
