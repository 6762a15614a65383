//! Popcount kernels for Dice, with a runtime-selected AVX-512 path, and
//! the vector dispatch of the many-message BLAKE3 compression
//! ([`super::b3`]).
//!
//! This is the crate's only module allowed `unsafe`, and it needs it for
//! one thing: calling a `#[target_feature]` function, which the compiler
//! cannot prove safe on a CPU that lacks the feature. Every such call sits
//! behind `is_x86_feature_detected!` for exactly the features the callee
//! enables, which is the whole safety argument. The kernels are ordinary
//! Rust loops (enabling `avx512f` + `avx512vpopcntdq` lets LLVM turn them
//! into `vpandq` + `vpopcntq` on 512-bit registers, eight words per
//! instruction instead of one `popcnt` per word), except the batch kernel's
//! unaligned 512-bit load and store, whose operands are `&[u64; 8]` /
//! `&mut [u64; 8]`: 64 bytes valid by their type.
//!
//! Why not safe code only: with the crate's baseline (x86-64-v2) the best
//! scalar loop issues one `popcnt` per word, so a 1024-bit comparison costs
//! at least 16 `popcnt`s and Dice tops out near 100–150 M comparisons/s on
//! one core; the vector path does the same work in two `vpopcntq`s.
//!
//! The scalar functions are the reference and the fallback; proptests in
//! this module check that the dispatched kernels (the AVX-512 ones on a
//! CPU that has it) agree with them on every length and offset tried.

#![allow(unsafe_code)]

use super::b3::LANES;

/// [`super::b3::compress`] on [`LANES`] messages: hand-written AVX-512
/// (one message per 32-bit lane of a 512-bit register, the state in 16
/// registers, `vprord` for the rotations) when the CPU has it, else the
/// portable loop compiled with AVX2, else the portable loop at the crate's
/// baseline. Same function on every path; tests in `b3` check every path
/// this CPU can run against the `blake3` crate.
#[inline]
pub(crate) fn blake3_compress(
    cv: &[u32; 8],
    m: &[[u32; LANES]; 16],
    lens: &[u32; LANES],
    flags: u32,
    out: &mut [[u32; LANES]; 16],
) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the callee only enables avx512f, just detected.
            unsafe { x86::b3_avx512(cv, m, lens, flags, out) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the callee only enables avx2, just detected.
            unsafe { x86::b3_avx2(cv, m, lens, flags, out) };
            return;
        }
    }
    super::b3::compress(cv, m, lens, flags, out)
}

/// Every BLAKE3 path this CPU can run, by name, on one batch (keyed hash
/// flags, the key of `b3`'s tests), for the tests that they agree.
#[cfg(test)]
pub(crate) fn blake3_all_paths(
    m: &[[u32; LANES]; 16],
    lens: &[u32; LANES],
) -> Vec<(&'static str, [[u32; LANES]; 16])> {
    // The keyed-hash flags with the test key [7; 32] as chaining value.
    let cv = [u32::from_le_bytes([7; 4]); 8];
    let flags = 1 | 2 | 8 | 16;
    let mut paths = Vec::new();
    let mut out = [[0u32; LANES]; 16];
    super::b3::compress(&cv, m, lens, flags, &mut out);
    paths.push(("portable", out));
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as in `blake3_compress`.
            unsafe { x86::b3_avx2(&cv, m, lens, flags, &mut out) };
            paths.push(("avx2", out));
        }
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: as in `blake3_compress`.
            unsafe { x86::b3_avx512(&cv, m, lens, flags, &mut out) };
            paths.push(("avx512", out));
        }
    }
    paths
}

/// popcount of `a & b` over the common length (scalar reference).
#[inline]
pub(crate) fn and_count_scalar(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

/// popcount of `a` (scalar reference).
#[inline]
pub(crate) fn popcount_scalar(a: &[u64]) -> u32 {
    a.iter().map(|x| x.count_ones()).sum()
}

/// Whether the AVX-512 popcount kernels may run on this CPU.
#[inline]
fn has_avx512_popcnt() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        // std caches the CPUID result: this is a load and a bit test.
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512vpopcntdq")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Which kernels [`and_count`] and friends use on this CPU ("avx512" or
/// "scalar"), for bench and diagnostic output.
pub(crate) fn kernel_name() -> &'static str {
    if has_avx512_popcnt() {
        "avx512-vpopcntdq"
    } else {
        "scalar"
    }
}

/// Below this many words a single comparison stays scalar: the inlined
/// `popcnt`s cost less than a call into a `#[target_feature]` kernel
/// (which cannot be inlined into code compiled without the feature). The
/// padrón schema's filters are 8 words (record) and 4 (fields).
const MIN_VECTOR_WORDS: usize = 16;

/// popcount of `a & b` over the common length.
#[inline]
pub(crate) fn and_count(a: &[u64], b: &[u64]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    if a.len().min(b.len()) >= MIN_VECTOR_WORDS && has_avx512_popcnt() {
        // SAFETY: the CPU has avx512f and avx512vpopcntdq (checked above),
        // the only features `x86::and_count` enables.
        return unsafe { x86::and_count(a, b) };
    }
    and_count_scalar(a, b)
}

/// `(popcount(a & b), popcount(a), popcount(b))` in one pass.
#[inline]
pub(crate) fn counts3(a: &[u64], b: &[u64]) -> (u32, u32, u32) {
    #[cfg(target_arch = "x86_64")]
    if a.len().min(b.len()) >= MIN_VECTOR_WORDS && has_avx512_popcnt() {
        // SAFETY: as in `and_count`.
        return unsafe { x86::counts3(a, b) };
    }
    (
        and_count_scalar(a, b),
        popcount_scalar(a),
        popcount_scalar(b),
    )
}

/// popcount of `a`.
#[inline]
pub(crate) fn popcount(a: &[u64]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    if a.len() >= MIN_VECTOR_WORDS && has_avx512_popcnt() {
        // SAFETY: as in `and_count`.
        return unsafe { x86::popcount(a) };
    }
    popcount_scalar(a)
}

/// The Dice test of a batch: filter `i` passes when
/// `2 · and · den ≥ num · (query_count + counts[i])`, i.e. Dice ≥ num/den
/// ([`super::DiceThreshold`]). `num` and `den` are below 2^32 and counts
/// below 2^24 (filters of at most 2^23 bits), so both sides are exact in
/// 64 bits, and exact as products of 32-bit halves (`vpmuludq`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cut {
    pub(crate) query_count: u32,
    pub(crate) num: u32,
    pub(crate) den: u32,
}

impl Cut {
    #[inline]
    pub(crate) fn keep(self, and: u32, c: u32) -> bool {
        2 * u64::from(and) * u64::from(self.den)
            >= u64::from(self.num) * (u64::from(self.query_count) + u64::from(c))
    }
}

/// Appends to `out` the index `i` of each filter of `filters` (flat,
/// `query.len()` words each; a short tail is ignored) that passes `cut`.
/// The test is monotone in the common count (more common bits never turn
/// a pass into a fail): the scalar path uses that to skip a filter without
/// reading its words when `min(query_count, c)` common bits would fail,
/// since the intersection is at most the smaller count. The vector path
/// reads every filter and decides eight at a time without branches, which
/// is faster than mispredicting on the skip.
#[inline]
pub(crate) fn batch_and_count(
    query: &[u64],
    filters: &[u64],
    counts: &[u32],
    cut: Cut,
    out: &mut Vec<u32>,
) {
    #[cfg(target_arch = "x86_64")]
    if has_avx512_popcnt() {
        // SAFETY: as in `and_count`.
        unsafe {
            match query.len() {
                16 => x86::batch_by8::<2>(query, filters, counts, cut, out),
                8 => x86::batch_by8::<1>(query, filters, counts, cut, out),
                4 => x86::batch::<4>(query, filters, counts, cut, out),
                _ => x86::batch_any(query, filters, counts, cut, out),
            }
        }
        return;
    }
    batch_scalar(query, filters, counts, cut, out);
}

/// The reference for [`batch_and_count`].
#[inline]
pub(crate) fn batch_scalar(
    query: &[u64],
    filters: &[u64],
    counts: &[u32],
    cut: Cut,
    out: &mut Vec<u32>,
) {
    let words = query.len();
    if words == 0 {
        return;
    }
    for (i, (f, &c)) in filters.chunks_exact(words).zip(counts).enumerate() {
        if cut.keep(cut.query_count.min(c), c) && cut.keep(and_count_scalar(query, f), c) {
            // Callers hold far fewer than 2^32 filters per batch.
            out.push(i as u32);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    //! The same loops as the scalar reference, compiled with AVX-512.
    //! Only the `#[target_feature]` attribute makes them unsafe to call.

    use super::{Cut, LANES};

    #[target_feature(enable = "avx512f")]
    pub(super) fn b3_avx512(
        cv: &[u32; 8],
        m: &[[u32; LANES]; 16],
        lens: &[u32; LANES],
        flags: u32,
        out: &mut [[u32; LANES]; 16],
    ) {
        use crate::bloom::b3::{IV, SCHEDULE};
        use std::arch::x86_64::{
            _mm512_add_epi32, _mm512_ror_epi32, _mm512_set1_epi32, _mm512_setzero_si512,
            _mm512_storeu_si512, _mm512_xor_si512,
        };
        let mut msg = [_mm512_setzero_si512(); 16];
        for (v, w) in msg.iter_mut().zip(m) {
            *v = load32(w);
        }
        // The u32 -> i32 casts only reinterpret bits for `set1`.
        let mut v = [_mm512_setzero_si512(); 16];
        for i in 0..8 {
            v[i] = _mm512_set1_epi32(cv[i] as i32);
        }
        for i in 0..4 {
            v[8 + i] = _mm512_set1_epi32(IV[i] as i32);
        }
        v[14] = load32(lens);
        v[15] = _mm512_set1_epi32(flags as i32);
        macro_rules! g {
            ($a:expr, $b:expr, $c:expr, $d:expr, $x:expr, $y:expr) => {
                v[$a] = _mm512_add_epi32(_mm512_add_epi32(v[$a], v[$b]), $x);
                v[$d] = _mm512_ror_epi32::<16>(_mm512_xor_si512(v[$d], v[$a]));
                v[$c] = _mm512_add_epi32(v[$c], v[$d]);
                v[$b] = _mm512_ror_epi32::<12>(_mm512_xor_si512(v[$b], v[$c]));
                v[$a] = _mm512_add_epi32(_mm512_add_epi32(v[$a], v[$b]), $y);
                v[$d] = _mm512_ror_epi32::<8>(_mm512_xor_si512(v[$d], v[$a]));
                v[$c] = _mm512_add_epi32(v[$c], v[$d]);
                v[$b] = _mm512_ror_epi32::<7>(_mm512_xor_si512(v[$b], v[$c]));
            };
        }
        for s in &SCHEDULE {
            g!(0, 4, 8, 12, msg[s[0]], msg[s[1]]);
            g!(1, 5, 9, 13, msg[s[2]], msg[s[3]]);
            g!(2, 6, 10, 14, msg[s[4]], msg[s[5]]);
            g!(3, 7, 11, 15, msg[s[6]], msg[s[7]]);
            g!(0, 5, 10, 15, msg[s[8]], msg[s[9]]);
            g!(1, 6, 11, 12, msg[s[10]], msg[s[11]]);
            g!(2, 7, 8, 13, msg[s[12]], msg[s[13]]);
            g!(3, 4, 9, 14, msg[s[14]], msg[s[15]]);
        }
        for i in 0..8 {
            let lo = _mm512_xor_si512(v[i], v[i + 8]);
            let hi = _mm512_xor_si512(v[i + 8], _mm512_set1_epi32(cv[i] as i32));
            // SAFETY: each row of `out` is 64 writable bytes; unaligned store.
            unsafe {
                _mm512_storeu_si512(out[i].as_mut_ptr().cast(), lo);
                _mm512_storeu_si512(out[i + 8].as_mut_ptr().cast(), hi);
            }
        }
    }

    /// Loads 16 words.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn load32(w: &[u32; 16]) -> std::arch::x86_64::__m512i {
        // SAFETY: `w` is 64 readable bytes; the load is unaligned.
        unsafe { std::arch::x86_64::_mm512_loadu_si512(w.as_ptr().cast()) }
    }

    #[target_feature(enable = "avx2")]
    pub(super) fn b3_avx2(
        cv: &[u32; 8],
        m: &[[u32; LANES]; 16],
        lens: &[u32; LANES],
        flags: u32,
        out: &mut [[u32; LANES]; 16],
    ) {
        crate::bloom::b3::compress(cv, m, lens, flags, out)
    }

    #[target_feature(enable = "avx512f,avx512vpopcntdq")]
    pub(super) fn and_count(a: &[u64], b: &[u64]) -> u32 {
        // The usual filter lengths (1024 and 512 bits) fully unrolled.
        if let (Ok(a), Ok(b)) = (<&[u64; 16]>::try_from(a), <&[u64; 16]>::try_from(b)) {
            return fixed(a, b);
        }
        if let (Ok(a), Ok(b)) = (<&[u64; 8]>::try_from(a), <&[u64; 8]>::try_from(b)) {
            return fixed(a, b);
        }
        let n = a.len().min(b.len());
        let (a, b) = (&a[..n], &b[..n]);
        let mut acc = [0u64; 8];
        let mut ca = a.chunks_exact(8);
        let mut cb = b.chunks_exact(8);
        for (x, y) in (&mut ca).zip(&mut cb) {
            for j in 0..8 {
                acc[j] += u64::from((x[j] & y[j]).count_ones());
            }
        }
        let tail: u64 = ca
            .remainder()
            .iter()
            .zip(cb.remainder())
            .map(|(x, y)| u64::from((x & y).count_ones()))
            .sum();
        // At most 64 · len bits: fits u32 for any filter (≤ 2^16 bits).
        (acc.iter().sum::<u64>() + tail) as u32
    }

    #[target_feature(enable = "avx512f,avx512vpopcntdq")]
    pub(super) fn counts3(a: &[u64], b: &[u64]) -> (u32, u32, u32) {
        if let (Ok(a), Ok(b)) = (<&[u64; 16]>::try_from(a), <&[u64; 16]>::try_from(b)) {
            return (fixed(a, b), fixed(a, a), fixed(b, b));
        }
        if let (Ok(a), Ok(b)) = (<&[u64; 8]>::try_from(a), <&[u64; 8]>::try_from(b)) {
            return (fixed(a, b), fixed(a, a), fixed(b, b));
        }
        (and_count(a, b), popcount(a), popcount(b))
    }

    #[target_feature(enable = "avx512f,avx512vpopcntdq")]
    #[inline]
    fn fixed<const W: usize>(a: &[u64; W], b: &[u64; W]) -> u32 {
        let mut lanes = [0u64; 8];
        for (j, (x, y)) in a.iter().zip(b).enumerate() {
            lanes[j % 8] += u64::from((x & y).count_ones());
        }
        lanes.iter().sum::<u64>() as u32
    }

    #[target_feature(enable = "avx512f,avx512vpopcntdq")]
    pub(super) fn popcount(a: &[u64]) -> u32 {
        let mut acc = [0u64; 8];
        let mut ca = a.chunks_exact(8);
        for x in &mut ca {
            for j in 0..8 {
                acc[j] += u64::from(x[j].count_ones());
            }
        }
        let tail: u64 = ca
            .remainder()
            .iter()
            .map(|x| u64::from(x.count_ones()))
            .sum();
        (acc.iter().sum::<u64>() + tail) as u32
    }

    use std::arch::x86_64::{
        __m512i, _mm512_add_epi64, _mm512_and_si512, _mm512_cmpge_epu64_mask,
        _mm512_cvtepu32_epi64, _mm512_loadu_si512, _mm512_mul_epu32, _mm512_popcnt_epi64,
        _mm512_set1_epi64, _mm512_setzero_si512, _mm512_shuffle_i64x2, _mm512_unpackhi_epi64,
        _mm512_unpacklo_epi64,
    };

    /// Loads 8 counts.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn load8(c: &[u32; 8]) -> std::arch::x86_64::__m256i {
        // SAFETY: `c` is 32 readable bytes; the load is unaligned.
        unsafe { std::arch::x86_64::_mm256_loadu_si256(c.as_ptr().cast()) }
    }

    /// Loads 8 words.
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn load(w: &[u64; 8]) -> __m512i {
        // SAFETY: `w` is 64 readable bytes; the load is unaligned.
        unsafe { _mm512_loadu_si512(w.as_ptr().cast()) }
    }

    /// Sums lanes pairwise across two vectors, keeping them apart: lane
    /// pairs of `a` and `b` go to alternate 64-bit slots (level 1 of the
    /// transposed reduction).
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn pair(a: __m512i, b: __m512i) -> __m512i {
        _mm512_add_epi64(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b))
    }

    /// Sums 128-bit lane pairs (levels 2 and 3).
    #[target_feature(enable = "avx512f")]
    #[inline]
    fn lanes(a: __m512i, b: __m512i) -> __m512i {
        _mm512_add_epi64(
            _mm512_shuffle_i64x2::<0b10_00_10_00>(a, b),
            _mm512_shuffle_i64x2::<0b11_01_11_01>(a, b),
        )
    }

    /// Filters of `8·V` words, eight at a time: each filter's popcounts
    /// stay in a vector, and the eight vectors are reduced together by a
    /// transposition (14 shuffles for 8 filters instead of 3–7 per filter:
    /// the shuffle port is what limits the one-at-a-time loop). The tail
    /// (fewer than 8 filters) goes through [`batch`].
    #[target_feature(enable = "avx512f,avx512vpopcntdq")]
    pub(super) fn batch_by8<const V: usize>(
        query: &[u64],
        filters: &[u64],
        counts: &[u32],
        cut: Cut,
        out: &mut Vec<u32>,
    ) {
        let w = 8 * V;
        if query.len() != w {
            return;
        }
        let mut q = [_mm512_setzero_si512(); V];
        for (v, c) in q.iter_mut().zip(query.chunks_exact(8)) {
            if let Ok(c) = <&[u64; 8]>::try_from(c) {
                *v = load(c);
            }
        }
        let n = counts.len().min(filters.len() / w);
        let blocks = n / 8;
        let mut buf = [0u32; 8];
        // The u32 -> i64 casts are exact.
        let qc = _mm512_set1_epi64(i64::from(cut.query_count));
        let num = _mm512_set1_epi64(i64::from(cut.num));
        let den = _mm512_set1_epi64(i64::from(cut.den));
        for b in 0..blocks {
            let block = &filters[b * 8 * w..(b + 1) * 8 * w];
            // Fixed-size views, so the loops unroll completely and the
            // eight accumulators stay in registers.
            let (block, _) = block.as_chunks::<8>();
            if block.len() != 8 * V {
                continue;
            }
            let mut acc = [_mm512_setzero_si512(); 8];
            for (j, a) in acc.iter_mut().enumerate() {
                let mut x = _mm512_popcnt_epi64(_mm512_and_si512(q[0], load(&block[j * V])));
                for v in 1..V {
                    let y = _mm512_popcnt_epi64(_mm512_and_si512(q[v], load(&block[j * V + v])));
                    x = _mm512_add_epi64(x, y);
                }
                *a = x;
            }
            let r = lanes(
                lanes(pair(acc[0], acc[1]), pair(acc[2], acc[3])),
                lanes(pair(acc[4], acc[5]), pair(acc[6], acc[7])),
            );
            // The Dice test on all eight at once (see `Cut`): both sides
            // as exact 32x32 -> 64-bit products.
            let cs = &counts[b * 8..b * 8 + 8];
            let Ok(cs) = <&[u32; 8]>::try_from(cs) else {
                continue;
            };
            let total = _mm512_add_epi64(_mm512_cvtepu32_epi64(load8(cs)), qc);
            let lhs = _mm512_mul_epu32(_mm512_add_epi64(r, r), den);
            let rhs = _mm512_mul_epu32(total, num);
            let pass = _mm512_cmpge_epu64_mask(lhs, rhs);
            if pass != 0 {
                let first = (b * 8) as u32;
                let mut k = 0usize;
                for j in 0..8u32 {
                    buf[k & 7] = first + j;
                    k += usize::from((pass >> j) & 1);
                }
                // All eight, then cut: a fixed-length copy is two
                // stores, a variable one a `memcpy` call.
                let len = out.len();
                out.extend_from_slice(&buf);
                out.truncate(len + k.min(8));
            }
        }
        let done = blocks * 8;
        let before = out.len();
        if V == 2 {
            batch::<16>(query, &filters[done * w..n * w], &counts[done..n], cut, out);
        } else {
            batch::<8>(query, &filters[done * w..n * w], &counts[done..n], cut, out);
        }
        for i in &mut out[before..] {
            *i += done as u32;
        }
    }

    /// Fixed width `W` words: the inner loop is fully unrolled, and hits
    /// are appended without a branch (through a small buffer), since
    /// whether a pair passes is as good as random to the predictor.
    #[target_feature(enable = "avx512f,avx512vpopcntdq")]
    pub(super) fn batch<const W: usize>(
        query: &[u64],
        filters: &[u64],
        counts: &[u32],
        cut: Cut,
        out: &mut Vec<u32>,
    ) {
        let Ok(q) = <&[u64; W]>::try_from(query) else {
            return;
        };
        let q = *q;
        let n = counts.len().min(filters.len() / W);
        let mut buf = [0u32; 64];
        let mut start = 0;
        while start < n {
            let len = (n - start).min(64);
            let fb = &filters[start * W..(start + len) * W];
            let cb = &counts[start..start + len];
            let mut k = 0usize;
            for (j, f) in fb.chunks_exact(W).enumerate() {
                // Fold into 8 lanes first (one vector add), then reduce
                // once: the horizontal reduction is the costly part.
                let mut lanes = [0u64; 8];
                for (j, (x, y)) in q.iter().zip(f).enumerate() {
                    lanes[j % 8] += u64::from((x & y).count_ones());
                }
                let and: u64 = lanes.iter().sum();
                buf[k & 63] = (start + j) as u32;
                k += usize::from(cut.keep(and as u32, cb[j & 63]));
            }
            out.extend_from_slice(&buf[..k.min(64)]);
            start += len;
        }
    }

    #[target_feature(enable = "avx512f,avx512vpopcntdq")]
    pub(super) fn batch_any(
        query: &[u64],
        filters: &[u64],
        counts: &[u32],
        cut: Cut,
        out: &mut Vec<u32>,
    ) {
        let words = query.len();
        if words == 0 {
            return;
        }
        for (i, (f, &c)) in filters.chunks_exact(words).zip(counts).enumerate() {
            if cut.keep(and_count(query, f), c) {
                out.push(i as u32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(max: usize) -> impl Strategy<Value = Vec<u64>> {
        // Dense, sparse and random words, so counts cover the whole range.
        prop::collection::vec(
            prop_oneof![
                any::<u64>(),
                Just(0u64),
                Just(u64::MAX),
                any::<u64>().prop_map(|x| x & (x >> 3))
            ],
            0..max,
        )
    }

    proptest! {
        #[test]
        fn kernels_match_scalar(
            a in prop_oneof![words(70), prop::collection::vec(any::<u64>(), 16)],
            b in prop_oneof![words(70), prop::collection::vec(any::<u64>(), 16)],
            skip in 0usize..8,
        ) {
            let a2 = a.get(skip.min(a.len())..).unwrap_or(&[]);
            prop_assert_eq!(and_count(&a, &b), and_count_scalar(&a, &b));
            prop_assert_eq!(and_count(a2, &b), and_count_scalar(a2, &b));
            prop_assert_eq!(popcount(&a), popcount_scalar(&a));
            prop_assert_eq!(popcount(a2), popcount_scalar(a2));
            // Equal lengths too, so the fixed 8- and 16-word paths run.
            let m = a.len().min(b.len());
            let (a3, b3) = (&a[..m], &b[..m]);
            prop_assert_eq!(
                counts3(&a, &b),
                (and_count_scalar(&a, &b), popcount_scalar(&a), popcount_scalar(&b))
            );
            prop_assert_eq!(
                counts3(a3, b3),
                (and_count_scalar(a3, b3), popcount_scalar(a3), popcount_scalar(b3))
            );
        }

        #[test]
        fn batch_matches_scalar(
            width in prop_oneof![Just(4usize), Just(8), Just(16), 1usize..20],
            flat in words(400),
            seed in any::<u64>(),
            den in 1u32..2_000_000,
            frac in 0.0f64..=1.0,
        ) {
            let mut x = seed | 1;
            let query: Vec<u64> = (0..width).map(|_| { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x }).collect();
            let counts: Vec<u32> = flat.chunks_exact(width).map(popcount_scalar).collect();
            let qc = popcount_scalar(&query);
            let cut = Cut { query_count: qc, num: (f64::from(den) * frac) as u32, den };
            let keep = |and: u32, c: u32| {
                // The definition, written out.
                let total = u64::from(qc) + u64::from(c);
                2 * u64::from(and) * u64::from(den) >= u64::from(cut.num) * total
            };
            let mut got = Vec::new();
            let mut want = Vec::new();
            batch_and_count(&query, &flat, &counts, cut, &mut got);
            batch_scalar(&query, &flat, &counts, cut, &mut want);
            // And the scalar path equals the plain definition.
            let plain: Vec<u32> = flat
                .chunks_exact(width)
                .zip(&counts)
                .enumerate()
                .filter(|(_, (f, &c))| keep(and_count_scalar(&query, f), c))
                .map(|(i, _)| i as u32)
                .collect();
            prop_assert_eq!(&want, &plain);
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn kernel_is_named() {
        assert!(["avx512-vpopcntdq", "scalar"].contains(&kernel_name()));
    }
}
