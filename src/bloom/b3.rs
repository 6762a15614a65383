//! Keyed BLAKE3 of many short messages at once, for bit positions.
//!
//! Every q-gram's positions come from the keyed-BLAKE3 XOF of
//! `enc(salt) ‖ enc(gram)` ([`super::prf`]). Those inputs are a dozen bytes,
//! so each is one 64-byte block: its keyed hash, and the first 64 bytes of
//! its XOF, are a single BLAKE3 compression (one chunk, one block, flags
//! `CHUNK_START | CHUNK_END | ROOT | KEYED_HASH`, counter 0). The `blake3`
//! crate computes that one message at a time behind its incremental
//! `Hasher` (about 100 ns a call here, most of it set-up around the 7
//! rounds); this module runs the same compression on [`LANES`] messages
//! side by side, one message per vector lane, which LLVM compiles to
//! 512-bit (or 256-bit) vector code when [`super::simd`] enables the
//! feature. Same function, same output bytes: tests check every lane
//! against the crate's `keyed_hash` and XOF.
//!
//! The BLAKE3 specification (Aumasson, Neves, O'Connor, Wilcox-O'Hearn,
//! 2020) defines the compression; nothing here departs from it. Messages
//! longer than one block are not handled: callers fall back to the crate.
//!
//! Secrets: the chaining value is the position subkey, and its copy here
//! is wiped after use. Messages (q-grams and salts) and outputs (the
//! positions the encoder's tables keep anyway) are not secret from the
//! agency that encodes and are not wiped, as the crate's own buffers are
//! not; a wipe per batch cost more than the compression.

use zeroize::Zeroize;

/// Messages per batch (one 512-bit vector of 32-bit words).
pub(crate) const LANES: usize = 16;

/// Longest message one compression covers.
pub(crate) const BLOCK: usize = 64;

pub(crate) const IV: [u32; 8] = [
    0x6A09_E667,
    0xBB67_AE85,
    0x3C6E_F372,
    0xA54F_F53A,
    0x510E_527F,
    0x9B05_688C,
    0x1F83_D9AB,
    0x5BE0_CD19,
];

const CHUNK_START: u32 = 1;
const CHUNK_END: u32 = 2;
const ROOT: u32 = 8;
const KEYED_HASH: u32 = 16;

/// The spec's message permutation, applied between rounds.
const PERMUTATION: [usize; 16] = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8];

/// Message word order of each of the 7 rounds (the permutation applied
/// `r` times), so rounds index the block instead of shuffling it.
pub(crate) const SCHEDULE: [[usize; 16]; 7] = {
    let mut s = [[0usize; 16]; 7];
    let mut i = 0;
    while i < 16 {
        s[0][i] = i;
        i += 1;
    }
    let mut r = 1;
    while r < 7 {
        let mut i = 0;
        while i < 16 {
            s[r][i] = s[r - 1][PERMUTATION[i]];
            i += 1;
        }
        r += 1;
    }
    s
};

/// Up to [`LANES`] messages of at most [`BLOCK`] bytes, laid out word by
/// word across lanes (`words[w][lane]`), zero-padded as the spec pads.
pub(crate) struct Batch {
    words: [[u32; LANES]; 16],
    lens: [u32; LANES],
    len: usize,
}

impl Default for Batch {
    fn default() -> Batch {
        Batch {
            words: [[0; LANES]; 16],
            lens: [0; LANES],
            len: 0,
        }
    }
}

impl Batch {
    /// Messages in the batch.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_full(&self) -> bool {
        self.len == LANES
    }

    /// Empties the batch. The words stay until overwritten (a push
    /// writes all 16 words of its lane).
    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Adds the message `parts` concatenated (tests); false (and nothing added)
    /// when the batch is full or the message is longer than one block.
    #[cfg(test)]
    pub(crate) fn push(&mut self, parts: &[&[u8]]) -> bool {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        if self.is_full() || total > BLOCK {
            return false;
        }
        let mut bytes = [0u8; BLOCK];
        let mut at = 0;
        for p in parts {
            bytes[at..at + p.len()].copy_from_slice(p);
            at += p.len();
        }
        self.push_block(&bytes, total)
    }

    /// Adds the message `block[..len]` (`block` zero past `len`, `len` at
    /// most 64); false when the batch is full.
    pub(crate) fn push_block(&mut self, block: &[u8; BLOCK], len: usize) -> bool {
        if self.is_full() || len > BLOCK {
            return false;
        }
        let lane = self.len;
        for (w, c) in self.words.iter_mut().zip(block.chunks_exact(4)) {
            w[lane] = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        // At most 64.
        self.lens[lane] = len as u32;
        self.len += 1;
        true
    }

    /// The first 64 bytes of the keyed-BLAKE3 XOF (the first 32 are the
    /// keyed hash) of every message, as 16 little-endian words per message,
    /// word-major: `out[w][lane]`. Lanes past [`Batch::len`] hold garbage.
    pub(crate) fn xof_block(&self, key: &[u8; 32], out: &mut [[u32; LANES]; 16]) {
        let mut cv = [0u32; 8];
        for (w, c) in cv.iter_mut().zip(key.chunks_exact(4)) {
            *w = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        super::simd::blake3_compress(
            &cv,
            &self.words,
            &self.lens,
            CHUNK_START | CHUNK_END | ROOT | KEYED_HASH,
            out,
        );
        cv.zeroize();
    }
}

/// One G function on every lane.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn g<const N: usize>(
    v: &mut [[u32; N]; 16],
    a: usize,
    b: usize,
    c: usize,
    d: usize,
    x: &[u32; N],
    y: &[u32; N],
) {
    for l in 0..N {
        let mut va = v[a][l];
        let mut vb = v[b][l];
        let mut vc = v[c][l];
        let mut vd = v[d][l];
        va = va.wrapping_add(vb).wrapping_add(x[l]);
        vd = (vd ^ va).rotate_right(16);
        vc = vc.wrapping_add(vd);
        vb = (vb ^ vc).rotate_right(12);
        va = va.wrapping_add(vb).wrapping_add(y[l]);
        vd = (vd ^ va).rotate_right(8);
        vc = vc.wrapping_add(vd);
        vb = (vb ^ vc).rotate_right(7);
        v[a][l] = va;
        v[b][l] = vb;
        v[c][l] = vc;
        v[d][l] = vd;
    }
}

/// The BLAKE3 compression of `N` blocks (`m[word][lane]`, lengths `lens`)
/// under one chaining value `cv`, counter 0 and `flags`, into `out`
/// (`out[word][lane]`: words 0–7 are the new chaining value, 8–15 the
/// extended output). Portable; [`super::simd`] has the AVX-512 version
/// and compiles this one with AVX2.
#[inline(always)]
pub(crate) fn compress<const N: usize>(
    cv: &[u32; 8],
    m: &[[u32; N]; 16],
    lens: &[u32; N],
    flags: u32,
    out: &mut [[u32; N]; 16],
) {
    let v = out;
    for i in 0..8 {
        v[i] = [cv[i]; N];
    }
    for i in 0..4 {
        v[8 + i] = [IV[i]; N];
    }
    // Counter 0 (low and high words).
    v[12] = [0; N];
    v[13] = [0; N];
    v[14] = *lens;
    v[15] = [flags; N];
    for s in &SCHEDULE {
        g(v, 0, 4, 8, 12, &m[s[0]], &m[s[1]]);
        g(v, 1, 5, 9, 13, &m[s[2]], &m[s[3]]);
        g(v, 2, 6, 10, 14, &m[s[4]], &m[s[5]]);
        g(v, 3, 7, 11, 15, &m[s[6]], &m[s[7]]);
        g(v, 0, 5, 10, 15, &m[s[8]], &m[s[9]]);
        g(v, 1, 6, 11, 12, &m[s[10]], &m[s[11]]);
        g(v, 2, 7, 8, 13, &m[s[12]], &m[s[13]]);
        g(v, 3, 4, 9, 14, &m[s[14]], &m[s[15]]);
    }
    let (lo, hi) = v.split_at_mut(8);
    for ((a, b), &c) in lo.iter_mut().zip(hi.iter_mut()).zip(cv) {
        for (x, y) in a.iter_mut().zip(b.iter_mut()) {
            *x ^= *y;
            *y ^= c;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lane(out: &[[u32; LANES]; 16], l: usize) -> [u32; 16] {
        std::array::from_fn(|w| out[w][l])
    }

    fn bytes_of(words: &[u32; 16]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    #[test]
    fn schedule_is_the_spec_permutation() {
        // Round 2's order is the permutation itself.
        assert_eq!(SCHEDULE[1], PERMUTATION);
        for r in &SCHEDULE {
            let mut seen = [false; 16];
            for &i in r {
                seen[i] = true;
            }
            assert!(seen.iter().all(|&s| s));
        }
    }

    #[test]
    fn empty_message_and_known_vector() {
        // The BLAKE3 reference vector: keyed hash of the empty input under
        // the key "whats the Elvish word for friend" starts 92b2b756…
        let key: [u8; 32] = *b"whats the Elvish word for friend";
        let mut b = Batch::default();
        assert!(b.push(&[]));
        let mut out = [[0u32; LANES]; 16];
        b.xof_block(&key, &mut out);
        let got = bytes_of(&lane(&out, 0));
        assert_eq!(&got[..4], &[0x92, 0xb2, 0xb7, 0x56]);
        assert_eq!(&got[..32], blake3::keyed_hash(&key, b"").as_bytes());
    }

    #[test]
    fn refuses_long_messages_and_full_batches() {
        let mut b = Batch::default();
        assert!(!b.push(&[&[0u8; 65]]));
        assert!(b.push(&[&[1u8; 30], &[2u8; 34]]));
        for _ in 1..LANES {
            assert!(b.push(&[b"x"]));
        }
        assert!(b.is_full());
        assert!(!b.push(&[b"y"]));
        b.clear();
        assert_eq!(b.len(), 0);
    }

    proptest! {
        /// Every lane equals the crate's XOF (first 64 bytes), for any key,
        /// any number of messages and any lengths up to a block.
        #[test]
        fn lanes_equal_the_crate(
            key in any::<[u8; 32]>().prop_map(|k| if k[0] % 2 == 0 { [7u8; 32] } else { k }),
            msgs in proptest::collection::vec(
                proptest::collection::vec(any::<u8>(), 0..=BLOCK), 1..=LANES),
            split in 0usize..=BLOCK,
        ) {
            let mut b = Batch::default();
            for m in &msgs {
                let cut = split.min(m.len());
                prop_assert!(b.push(&[&m[..cut], &m[cut..]]));
            }
            let mut want = vec![[0u8; 64]; msgs.len()];
            for (m, w) in msgs.iter().zip(&mut want) {
                blake3::Hasher::new_keyed(&key).update(m).finalize_xof().fill(w);
            }
            let mut out = [[0u32; LANES]; 16];
            b.xof_block(&key, &mut out);
            for (i, w) in want.iter().enumerate() {
                prop_assert_eq!(bytes_of(&lane(&out, i)), w.to_vec());
            }
            // Every compiled path (portable, AVX2, AVX-512 where the CPU
            // has them) gives the same words.
            for (name, got) in crate::bloom::simd::blake3_all_paths(&b.words, &b.lens)
                .into_iter()
                .filter(|_| key == [7u8; 32])
            {
                for (i, w) in want.iter().enumerate() {
                    prop_assert_eq!(bytes_of(&lane(&got, i)), w.to_vec(), "{}", name);
                }
            }
        }
    }
}
