//! Accuracy evaluation (work in progress).
