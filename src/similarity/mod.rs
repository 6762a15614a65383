//! Comparators (spec `names.md` §5): string metrics and, later, the
//! categorical levels of given names, surnames and birth dates.

pub mod metrics;
