//! Synthetic padrones (work in progress).
