//! Secret keys, per-purpose subkeys and keyed tokens (pseudonyms).
//!
//! Everything that leaves an agency and is derived from personal data is
//! computed under a secret [`Key`] (spec `pseudonymization.md` §1). This
//! module owns the key schedule: the master key is only ever an input to one
//! key-derivation function, and every use (fingerprint, each token rule, each
//! Bloom field group, each hardening step) gets its own subkey from a fixed,
//! versioned context string ([`Purpose`]). `docs/tokens.md` describes the
//! construction language-neutrally; `testdata/vectors/tokens.json` holds test
//! vectors and `scripts/verify_tokens.py` recomputes the HMAC ones with the
//! Python standard library.
//!
//! - [`Key`]: 256-bit master key (OS CSPRNG), hex form, zeroized on drop,
//!   redacted `Debug`, never serializable; [`Key::fingerprint`] is public.
//! - [`Token`]: a 128-bit keyed pseudonym (public by design; linkers join on it).
//! - [`TokenRule`], [`TokenInput`], [`Tokenizer`]: the rule engine; the
//!   predefined rule set is [`default_rules`].
//! - [`keyfile`]: reading and writing key files (the one place in `pseudo`
//!   that touches the file system).
//!
//! ```
//! use padron::pseudo::{Algorithm, Key, TokenField, TokenInput, Tokenizer, default_rules};
//!
//! let key = Key::from_hex(&"0f".repeat(32))?;
//! let tok = Tokenizer::new(&key, Algorithm::HmacSha256, default_rules())?;
//! let mut input = TokenInput::new();
//! input.set(TokenField::GivenMatch, "MARIA GUADALUPE")?;
//! input.set(TokenField::PaternalMatch, "HERNANDEZ")?;
//! input.set(TokenField::BirthDate, "1985-03-12")?;
//! let tokens = tok.tokens(&input);
//! // No CURP and no maternal surname were given: those rules yield no token.
//! assert!(tokens[0].is_none());
//! assert!(tokens.iter().any(|t| t.is_some()));
//! # Ok::<(), padron::pseudo::Error>(())
//! ```

mod error;
mod key;
pub mod keyfile;
mod token;

pub use error::Error;
pub use key::{FilterId, Fingerprint, Key, Purpose, Subkey, CONTEXT_PREFIX};
pub use token::{
    default_rules, Algorithm, FieldRef, Token, TokenField, TokenInput, TokenRule, Tokenizer,
};

/// Checks a rule, group or field name used inside a context string:
/// 1 to 64 characters from `a-z`, `0-9`, `_`. Keeping names in this small
/// alphabet makes every context string unambiguous and plain ASCII.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Parses exactly `N` bytes of hex (either case) into `out`.
/// On error returns the byte offset of the first bad character, or `None`
/// when the length is wrong. Never reports the content.
pub(crate) fn parse_hex_into(text: &str, out: &mut [u8]) -> Result<(), Option<usize>> {
    let b = text.as_bytes();
    if b.len() != out.len() * 2 {
        return Err(None);
    }
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    for (i, (pair, o)) in b.chunks_exact(2).zip(out.iter_mut()).enumerate() {
        let hi = nibble(pair[0]).ok_or(Some(2 * i))?;
        let lo = nibble(pair[1]).ok_or(Some(2 * i + 1))?;
        *o = (hi << 4) | lo;
    }
    Ok(())
}
