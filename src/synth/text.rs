//! Small text helpers for synthetic names (upper-case Spanish text).
//!
//! These only *write* names the way agencies type them; matching-oriented
//! normalisation belongs to the `name` module (which `tables` calls for
//! nickname keys).

/// Base letter of an accented upper- or lower-case Spanish vowel or Ü;
/// other characters (including Ñ) unchanged.
pub(crate) fn base_letter(c: char) -> char {
    match c {
        'Á' | 'À' | 'Â' | 'Ä' => 'A',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
        'Ó' | 'Ò' | 'Ô' | 'Ö' => 'O',
        'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
        'á' | 'à' | 'â' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        _ => c,
    }
}

/// The acute-accented form of an upper-case vowel, if any.
pub(crate) fn acute(c: char) -> Option<char> {
    Some(match c {
        'A' => 'Á',
        'E' => 'É',
        'I' => 'Í',
        'O' => 'Ó',
        'U' => 'Ú',
        _ => return None,
    })
}

/// True for a character with an accent or diaeresis that `base_letter` removes.
pub(crate) fn is_accented(c: char) -> bool {
    base_letter(c) != c
}

/// True when the text holds an accented vowel or Ü.
pub(crate) fn has_accent(s: &str) -> bool {
    s.chars().any(is_accented)
}

/// Removes accents and diaeresis, keeps Ñ (how most registries store names).
pub(crate) fn strip_accents(s: &str) -> String {
    s.chars().map(base_letter).collect()
}

/// Upper-case vowel, accented or not.
pub(crate) fn is_vowel(c: char) -> bool {
    matches!(base_letter(c), 'A' | 'E' | 'I' | 'O' | 'U')
}

/// E or I (accented or not): the vowels that soften C and G.
pub(crate) fn is_front_vowel(c: char) -> bool {
    matches!(base_letter(c), 'E' | 'I')
}

/// "JOSÉ LUIS" → "José Luis" (first letter of each word upper case).
pub(crate) fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c == ' ' {
            out.push(c);
            start = true;
        } else if start {
            out.extend(c.to_uppercase());
            start = false;
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(
            strip_accents("JOSÉ NÚÑEZ ARGÜELLES"),
            "JOSE NUÑEZ ARGUELLES"
        );
        assert_eq!(title_case("MARÍA DEL CARMEN"), "María Del Carmen");
        assert!(has_accent("RAMÍREZ"));
        assert!(!has_accent("MUÑOZ"));
        assert!(is_front_vowel('Í') && !is_front_vowel('A'));
    }
}
