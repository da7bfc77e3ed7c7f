//! Handles on a long computation, shared between whoever started the work (a server job, a
//! terminal's progress bar, a Ctrl-C handler, a deadline timer) and the kernels: a flag asking
//! it to stop, which the kernels check between batches of work and give up with `Cancelled`,
//! and where it stands (`Progress`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A cancellation flag; clones share it. `Cancel::default()` is never cancelled by anyone
/// but a holder of a clone.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every holder to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once cancelled: `cancel.check()?` between batches.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// The work was cancelled before it finished; nothing it would have returned is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cancelled")
    }
}

impl std::error::Error for Cancelled {}

/// Where a computation stands: the step it is on, and how far through that step it is
/// (`done` of `total` units; `total` 0 when the step cannot say). Clones share it; a
/// computation nobody watches pays an uncontended lock per step and an atomic per batch.
#[derive(Clone, Debug, Default)]
pub struct Progress(Arc<ProgressInner>);

#[derive(Debug, Default)]
struct ProgressInner {
    step: Mutex<String>,
    done: AtomicU64,
    total: AtomicU64,
}

/// A reading of `Progress`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    pub step: String,
    pub done: u64,
    pub total: u64,
}

impl Status {
    /// How far through its step, from 0 to 1, when the step can say.
    pub fn fraction(&self) -> Option<f64> {
        (self.total > 0).then(|| (self.done as f64 / self.total as f64).min(1.0))
    }
}

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a step of `total` units (0: a step that cannot count its units).
    pub fn step(&self, step: impl Into<String>, total: u64) {
        let mut s = self.0.step.lock().unwrap_or_else(|e| e.into_inner());
        *s = step.into();
        self.0.done.store(0, Ordering::Relaxed);
        self.0.total.store(total, Ordering::Relaxed);
    }

    /// `done` units of the current step are done.
    pub fn set(&self, done: u64) {
        self.0.done.store(done, Ordering::Relaxed);
    }

    /// `units` more of the current step are done.
    pub fn add(&self, units: u64) {
        self.0.done.fetch_add(units, Ordering::Relaxed);
    }

    pub fn status(&self) -> Status {
        let step = self
            .0
            .step
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        Status {
            step,
            done: self.0.done.load(Ordering::Relaxed),
            total: self.0.total.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_shared_and_counts_within_its_step() {
        let p = Progress::new();
        let watcher = p.clone();
        assert_eq!(watcher.status().fraction(), None);
        p.step("sampling", 4);
        p.add(1);
        p.add(2);
        assert_eq!(watcher.status().step, "sampling");
        assert_eq!(watcher.status().fraction(), Some(0.75));
        p.set(9);
        assert_eq!(watcher.status().fraction(), Some(1.0));
        p.step("choosing", 0);
        assert_eq!(watcher.status().done, 0);
        assert_eq!(watcher.status().fraction(), None);
    }

    #[test]
    fn clones_share_the_flag() {
        let a = Cancel::new();
        let b = a.clone();
        assert_eq!(b.check(), Ok(()));
        a.cancel();
        assert!(b.is_cancelled());
        assert_eq!(b.check(), Err(Cancelled));
        assert!(!Cancel::default().is_cancelled());
    }
}
