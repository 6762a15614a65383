//! N1 (decoding) and N2 (mojibake repair) of spec `names.md` §2.

use std::borrow::Cow;

use encoding_rs::WINDOWS_1252;

/// N1: UTF-8 if valid, else Windows-1252 (every byte maps to a character, so
/// this never fails). The flag says whether the fallback was used.
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            (text, true)
        }
    }
}

/// What N2 changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Repairs {
    /// UTF-8 read as Windows-1252 was undone (`MuÃ±oz` → `Muñoz`).
    pub(crate) mojibake: bool,
    /// A DOS code page letter was mapped back (`MU¥OZ` → `MUÑOZ`).
    pub(crate) dos: bool,
}

/// N2: undoes UTF-8-read-as-1252 (up to twice) and DOS code page Ñ. Pure
/// ASCII input is returned borrowed without any work.
pub(crate) fn repair(text: &str) -> (Cow<'_, str>, Repairs) {
    let mut repairs = Repairs::default();
    if text.is_ascii() {
        return (Cow::Borrowed(text), repairs);
    }
    let mut cur: Cow<'_, str> = Cow::Borrowed(text);
    if looks_like_mojibake(text) {
        // Double encoding exists: a first pass may leave a second layer.
        if let Some(once) = undo_1252(text) {
            if !once.contains('Ã') {
                cur = Cow::Owned(once);
                repairs.mojibake = true;
            } else if looks_like_mojibake(&once) {
                if let Some(twice) = undo_1252(&once).filter(|t| !t.contains('Ã')) {
                    cur = Cow::Owned(twice);
                    repairs.mojibake = true;
                }
            }
        }
    }
    if cur.contains(['¥', '¤', 'Ð']) {
        if let Some(fixed) = undo_dos(&cur) {
            cur = Cow::Owned(fixed);
            repairs.dos = true;
        }
    }
    (cur, repairs)
}

/// Characters Windows-1252 puts at bytes 0x80–0x9F (other than C1 controls).
fn is_1252_high_punct(c: char) -> bool {
    matches!(
        c,
        '€' | '‚'
            | 'ƒ'
            | '„'
            | '…'
            | '†'
            | '‡'
            | 'ˆ'
            | '‰'
            | 'Š'
            | '‹'
            | 'Œ'
            | 'Ž'
            | '‘'
            | '’'
            | '“'
            | '”'
            | '•'
            | '–'
            | '—'
            | '˜'
            | '™'
            | 'š'
            | '›'
            | 'œ'
            | 'ž'
            | 'Ÿ'
    )
}

/// `Ã` or `Â` followed by a UTF-8 continuation byte's 1252 reading.
fn looks_like_mojibake(text: &str) -> bool {
    let mut prev_lead = false;
    for c in text.chars() {
        if prev_lead && (('\u{80}'..='\u{BF}').contains(&c) || is_1252_high_punct(c)) {
            return true;
        }
        prev_lead = c == 'Ã' || c == 'Â';
    }
    false
}

/// Encodes as Windows-1252 and decodes as UTF-8; `None` unless both steps
/// are clean.
fn undo_1252(text: &str) -> Option<String> {
    let (bytes, _, unmappable) = WINDOWS_1252.encode(text);
    if unmappable {
        return None;
    }
    std::str::from_utf8(&bytes).ok().map(str::to_owned)
}

/// `¥`→`Ñ`, `¤`→`ñ`, `Ð`→`Ñ`, only with letters on both sides.
fn undo_dos(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for (i, &c) in chars.iter().enumerate() {
        let inside = i > 0
            && chars.get(i - 1).is_some_and(|p| p.is_alphabetic())
            && chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        let mapped = match c {
            '¥' | 'Ð' if inside => 'Ñ',
            '¤' if inside => 'ñ',
            other => other,
        };
        changed |= mapped != c;
        out.push(mapped);
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_then_1252() {
        assert_eq!(decode("MUÑOZ".as_bytes()), (Cow::Borrowed("MUÑOZ"), false));
        let (t, re) = decode(b"MU\xD1OZ");
        assert_eq!((t.as_ref(), re), ("MUÑOZ", true));
        // 0x81 is unassigned in 1252; encoding_rs maps it to U+0081.
        let (t, re) = decode(b"A\x81B");
        assert_eq!((t.as_ref(), re), ("A\u{81}B", true));
    }

    #[test]
    fn c1_controls_round_trip_through_1252() {
        for b in [0x81u8, 0x8D, 0x8F, 0x90, 0x9D] {
            let byte = [b];
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(&byte);
            let (bytes, _, bad) = WINDOWS_1252.encode(&text);
            assert!(!bad);
            assert_eq!(bytes.as_ref(), &[b]);
        }
    }

    #[test]
    fn repairs_typical_pairs() {
        for (broken, fixed) in [
            ("MuÃ±oz", "Muñoz"),
            ("MUÃ‘OZ", "MUÑOZ"),
            ("RamÃ\u{AD}rez", "Ramírez"),
            ("JosÃ©", "José"),
            ("LeÃ³n", "León"),
            ("RaÃºl", "Raúl"),
            ("ArgÃ¼elles", "Argüelles"),
            ("Ã‰DGAR", "ÉDGAR"),
            ("Ã“SCAR", "ÓSCAR"),
            ("JESÃšS", "JESÚS"),
            ("Ã\u{81}LVAREZ", "ÁLVAREZ"),
            ("MARÃ\u{8D}A", "MARÍA"),
        ] {
            let (t, r) = repair(broken);
            assert_eq!(t, fixed, "{broken}");
            assert!(r.mojibake);
        }
    }

    #[test]
    fn repairs_double_encoding() {
        // "ñ" written as UTF-8 and misread as 1252 twice.
        let twice = WINDOWS_1252
            .decode_without_bom_handling("Ã±".as_bytes())
            .0
            .into_owned();
        assert_eq!(twice, "ÃƒÂ±");
        let input = format!("MU{twice}OZ");
        let (t, r) = repair(&input);
        assert_eq!(t, "MUñOZ");
        assert!(r.mojibake);
    }

    #[test]
    fn leaves_clean_text_alone() {
        for s in ["MUÑOZ", "Ángel", "Ã", "SÃO PAULO", "PEÑA Y PEÑA"] {
            let (t, r) = repair(s);
            assert_eq!(t, s);
            assert!(!r.mojibake && !r.dos);
        }
    }

    #[test]
    fn mixed_text_that_does_not_round_trip_is_kept() {
        // A genuine É next to mojibake makes the 1252 bytes invalid UTF-8.
        let (t, r) = repair("MUÃ±OZ PÉREZ");
        assert_eq!(t, "MUÃ±OZ PÉREZ");
        assert!(!r.mojibake);
    }

    #[test]
    fn dos_code_page_inside_words_only() {
        assert_eq!(repair("MU¥OZ").0, "MUÑOZ");
        assert_eq!(repair("mu¤oz").0, "muñoz");
        assert_eq!(repair("PEÐA").0, "PEÑA");
        assert_eq!(repair("¥ 100").0, "¥ 100");
        assert_eq!(repair("LOPEZ¥").0, "LOPEZ¥");
        assert!(repair("MU¥OZ").1.dos);
    }
}
