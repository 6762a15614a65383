//! Progress reporting for long runs. The library never prints; a caller
//! (the CLI) passes a [`Progress`] and draws what it likes.

/// A stage of a linkage run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Token joins (`done`/`total` in rules).
    Blocking,
    /// LSH blocking (`done`/`total` in bands).
    Lsh,
    /// Comparing candidate pairs (`done`/`total` in pairs).
    Comparing,
    /// Comparing random pairs for u (`done`/`total` in pairs).
    RandomPairs,
    /// EM iterations (`done` = iteration, `total` = maximum).
    Fitting,
    /// Selecting matches (one-to-one or threshold).
    Resolving,
    /// Clustering (`done`/`total` in components).
    Clustering,
}

impl Stage {
    /// A short lowercase name for display.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Blocking => "blocking",
            Stage::Lsh => "lsh",
            Stage::Comparing => "comparing",
            Stage::RandomPairs => "random pairs",
            Stage::Fitting => "fitting",
            Stage::Resolving => "resolving",
            Stage::Clustering => "clustering",
        }
    }
}

/// Receives progress reports. May be called from several threads at once
/// and in any order within a stage; `done` never exceeds `total`.
pub trait Progress: Sync {
    /// `done` of `total` units of `stage` are finished.
    fn report(&self, stage: Stage, done: u64, total: u64);
}

/// Ignores all progress.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&self, _stage: Stage, _done: u64, _total: u64) {}
}

impl<F: Fn(Stage, u64, u64) + Sync> Progress for F {
    fn report(&self, stage: Stage, done: u64, total: u64) {
        self(stage, done, total)
    }
}
