//! Word lists of §5.1 and §6.

/// The 81 *palabras inconvenientes* of the 2006 Instructivo, Anexo 2 (§6),
/// sorted (binary search). If positions 1–4 spell one of these, position 2
/// becomes `X`.
pub const INCONVENIENT_WORDS: [&str; 81] = [
    "BACA", "BAKA", "BUEI", "BUEY", "CACA", "CACO", "CAGA", "CAGO", "CAKA", "CAKO", "COGE", "COGI",
    "COJA", "COJE", "COJI", "COJO", "COLA", "CULO", "FALO", "FETO", "GETA", "GUEI", "GUEY", "JETA",
    "JOTO", "KACA", "KACO", "KAGA", "KAGO", "KAKA", "KAKO", "KOGE", "KOGI", "KOJA", "KOJE", "KOJI",
    "KOJO", "KOLA", "KULO", "LILO", "LOCA", "LOCO", "LOKA", "LOKO", "MAME", "MAMO", "MEAR", "MEAS",
    "MEON", "MIAR", "MION", "MOCO", "MOKO", "MULA", "MULO", "NACA", "NACO", "PEDA", "PEDO", "PENE",
    "PIPI", "PITO", "POPO", "PUTA", "PUTO", "QULO", "RATA", "ROBA", "ROBE", "ROBO", "RUIN", "SENO",
    "TETA", "VACA", "VAGA", "VAGO", "VAKA", "VUEI", "VUEY", "WUEI", "WUEY",
];

/// The catalogue as big-endian `u32`s, same order, for the hot path.
const WORD_KEYS: [u32; 81] = {
    let mut t = [0u32; 81];
    let mut i = 0;
    while i < 81 {
        let w = INCONVENIENT_WORDS[i].as_bytes();
        t[i] = u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
        i += 1;
    }
    t
};

/// Bit `(a*26 + b)*26 + c` set when some word starts with letters `a b c`
/// (0-based from `A`): rejects almost every real prefix with one lookup.
const PREFIX3: [u64; 275] = {
    let mut t = [0u64; 275];
    let mut i = 0;
    while i < 81 {
        let w = INCONVENIENT_WORDS[i].as_bytes();
        let idx =
            ((w[0] - b'A') as usize * 26 + (w[1] - b'A') as usize) * 26 + (w[2] - b'A') as usize;
        t[idx / 64] |= 1 << (idx % 64);
        i += 1;
    }
    t
};

/// True if these four upper-case ASCII letters are an uncensored word of §6.
pub fn is_inconvenient(letters: [u8; 4]) -> bool {
    let [a, b, c, _] = letters;
    if !(a.is_ascii_uppercase() && b.is_ascii_uppercase() && c.is_ascii_uppercase()) {
        return false;
    }
    let idx = (usize::from(a - b'A') * 26 + usize::from(b - b'A')) * 26 + usize::from(c - b'A');
    let hit = PREFIX3
        .get(idx / 64)
        .is_some_and(|w| w & (1 << (idx % 64)) != 0);
    hit && WORD_KEYS
        .binary_search(&u32::from_be_bytes(letters))
        .is_ok()
}

/// The 19 particles of §5.1 (skipped at the start of a multi-word field).
pub const PARTICLES: [&str; 19] = [
    "DA", "DAS", "DE", "DEL", "DER", "DI", "DIE", "DD", "EL", "LA", "LOS", "LAS", "LE", "LES",
    "MAC", "MC", "VAN", "VON", "Y",
];

/// Given names skipped when first of two or more (2021 list, §5.1, §9).
pub const SKIPPED_GIVEN_NAMES: [&str; 8] = ["MARIA", "MA.", "MA", "M.", "M", "JOSE", "J.", "J"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_sorted_distinct_and_well_formed() {
        assert_eq!(INCONVENIENT_WORDS.len(), 81);
        assert!(INCONVENIENT_WORDS.windows(2).all(|w| w[0] < w[1]));
        for w in INCONVENIENT_WORDS {
            assert_eq!(w.len(), 4);
            assert!(w.bytes().all(|b| b.is_ascii_uppercase()));
            // Every word has a vowel in position 2, so the censored form is
            // never itself in the catalogue.
            assert!(b"AEIOU".contains(&w.as_bytes()[1]), "{w}");
        }
        let b: [u8; 4] = *b"PEDO";
        assert!(is_inconvenient(b));
        assert!(!is_inconvenient(*b"PXDO"));
        assert!(!is_inconvenient(*b"PEGL"));
        assert!(!is_inconvenient(*b"PEDX"));
        assert!(!is_inconvenient(*b"pedo"));
        // Exhaustive over the 3-letter prefixes of every word and all
        // fourth letters: the bitset never hides a word.
        for w in INCONVENIENT_WORDS {
            let b = w.as_bytes();
            for last in b'A'..=b'Z' {
                let cand = [b[0], b[1], b[2], last];
                let listed = INCONVENIENT_WORDS.iter().any(|x| x.as_bytes() == cand);
                assert_eq!(is_inconvenient(cand), listed);
            }
        }
    }

    #[test]
    fn particle_and_skip_lists() {
        let mut p = PARTICLES.to_vec();
        p.sort_unstable();
        p.dedup();
        assert_eq!(p.len(), 19);
        assert_eq!(SKIPPED_GIVEN_NAMES.len(), 8);
    }
}
