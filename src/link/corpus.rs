//! Several inputs seen as one corpus with dense global `u32` indices.

use super::input::{LinkInput, TokenBytes};
use super::LinkError;

/// Whether a pair of records may be a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PairMode {
    /// Only pairs of records from different inputs (linkage).
    Cross,
    /// Any pair of distinct records (dedupe; many holders at once).
    All,
}

/// The inputs of one run, with global index `g` = offset of its input +
/// local index.
pub(crate) struct Corpus<'a, I> {
    inputs: &'a [I],
    /// `offsets[s]` is the global index of input `s`'s first record;
    /// `offsets[len]` is the total.
    offsets: Vec<u32>,
    pub(crate) mode: PairMode,
}

impl<'a, I: LinkInput> Corpus<'a, I> {
    pub(crate) fn new(inputs: &'a [I], mode: PairMode) -> Result<Corpus<'a, I>, LinkError> {
        let mut offsets = Vec::with_capacity(inputs.len() + 1);
        let mut total: usize = 0;
        offsets.push(0);
        for input in inputs {
            total = total.saturating_add(input.len());
            // Global indices and pair keys (i << 32 | j) need total < 2^32.
            if total >= u32::MAX as usize {
                return Err(LinkError::TooManyRecords { records: total });
            }
            offsets.push(total as u32);
        }
        Ok(Corpus {
            inputs,
            offsets,
            mode,
        })
    }

    /// Total number of records.
    pub(crate) fn len(&self) -> u32 {
        self.offsets.last().copied().unwrap_or(0)
    }

    pub(crate) fn inputs(&self) -> &'a [I] {
        self.inputs
    }

    pub(crate) fn sources(&self) -> usize {
        self.inputs.len()
    }

    pub(crate) fn source_len(&self, s: usize) -> u32 {
        match (self.offsets.get(s), self.offsets.get(s + 1)) {
            (Some(a), Some(b)) => b - a,
            _ => 0,
        }
    }

    pub(crate) fn source_offset(&self, s: usize) -> u32 {
        self.offsets.get(s).copied().unwrap_or(0)
    }

    /// Input index of global record `g`.
    #[inline]
    pub(crate) fn source_of(&self, g: u32) -> usize {
        if self.inputs.len() <= 1 {
            return 0;
        }
        // offsets[0] = 0 <= g, so the partition point is >= 1.
        self.offsets.partition_point(|&o| o <= g).saturating_sub(1)
    }

    /// (input, local index) of global record `g`.
    #[inline]
    pub(crate) fn locate(&self, g: u32) -> (&'a I, usize) {
        let s = self.source_of(g);
        let off = self.offsets.get(s).copied().unwrap_or(0);
        // `s` comes from `source_of`, always < inputs.len() for g < len();
        // the engine never passes g >= len().
        (&self.inputs[s], (g - off) as usize)
    }

    /// May `i` and `j` form a candidate pair under this corpus's mode?
    #[inline]
    pub(crate) fn pair_allowed(&self, i: u32, j: u32) -> bool {
        i != j
            && match self.mode {
                PairMode::All => true,
                PairMode::Cross => self.source_of(i) != self.source_of(j),
            }
    }

    #[inline]
    pub(crate) fn token(&self, g: u32, rule: usize) -> Option<&'a TokenBytes> {
        let (input, i) = self.locate(g);
        input.token(i, rule)
    }

    #[inline]
    pub(crate) fn field_filter(&self, g: u32, field: usize) -> Option<&'a [u64]> {
        let (input, i) = self.locate(g);
        input.field_filter(i, field)
    }

    #[inline]
    pub(crate) fn record_filter(&self, g: u32) -> &'a [u64] {
        let (input, i) = self.locate(g);
        input.record_filter(i)
    }

    /// Number of candidate pairs in the full comparison space.
    pub(crate) fn comparison_space(&self) -> u128 {
        let n = u128::from(self.len());
        let all = n * n.saturating_sub(1) / 2;
        match self.mode {
            PairMode::All => all,
            PairMode::Cross => {
                let within: u128 = (0..self.sources())
                    .map(|s| {
                        let k = u128::from(self.source_len(s));
                        k * k.saturating_sub(1) / 2
                    })
                    .sum();
                all - within
            }
        }
    }
}

/// Pack a pair (i < j) into one sortable `u64`.
#[inline]
pub(crate) fn pack(i: u32, j: u32) -> u64 {
    let (lo, hi) = if i <= j { (i, j) } else { (j, i) };
    (u64::from(lo) << 32) | u64::from(hi)
}

/// Unpack a pair made by [`pack`].
#[inline]
pub(crate) fn unpack(p: u64) -> (u32, u32) {
    ((p >> 32) as u32, p as u32)
}
