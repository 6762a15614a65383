//! Base64 (RFC 4648 §4, standard alphabet, `=` padding), for CSV export.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes `bytes` as padded standard base64.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    encode_into(bytes, &mut out);
    out
}

/// Appends the base64 of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    let sym = |x: u32| char::from(ALPHABET[(x & 63) as usize]);
    let mut chunks = bytes.chunks_exact(3);
    for c in &mut chunks {
        let n = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
        out.extend([sym(n >> 18), sym(n >> 12), sym(n >> 6), sym(n)]);
    }
    match *chunks.remainder() {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend([sym(n >> 18), sym(n >> 12), '=', '=']);
        }
        [a, b] => {
            let n = u32::from(a) << 16 | u32::from(b) << 8;
            out.extend([sym(n >> 18), sym(n >> 12), sym(n >> 6), '=']);
        }
        _ => {}
    }
}

/// Decodes padded standard base64; `None` on any malformed input
/// (wrong length, bad symbol, bad padding, non-zero trailing bits).
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let b = text.as_bytes();
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    let quads = b.len() / 4;
    for (i, q) in b.chunks_exact(4).enumerate() {
        let last = i + 1 == quads;
        let pad = match (q[2], q[3]) {
            (b'=', b'=') if last => 2,
            (_, b'=') if last => 1,
            _ => 0,
        };
        let (a, b1) = (val(q[0])?, val(q[1])?);
        let c = if pad == 2 { 0 } else { val(q[2])? };
        let d = if pad >= 1 { 0 } else { val(q[3])? };
        let n = a << 18 | b1 << 12 | c << 6 | d;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        // Reject encodings whose dropped bits are not zero (non-canonical).
        if (pad == 2 && n & 0xffff != 0) || (pad == 1 && n & 0xff != 0) {
            return None;
        }
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_section_10_vectors() {
        let v = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, b64) in v {
            assert_eq!(encode(plain.as_bytes()), b64);
            assert_eq!(decode(b64).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn all_byte_values_and_malformed() {
        let all: Vec<u8> = (0..=255).collect();
        let e = encode(&all);
        assert!(e.starts_with("AAECAwQF") && e.ends_with("/P3+/w=="));
        assert_eq!(decode(&e).unwrap(), all);
        for bad in [
            "Zg=", "Zh==", "Z===", "Zm9v!A==", "Zg==Zg==", "====", "Zm8=Zm9v",
        ] {
            assert!(decode(bad).is_none(), "{bad}");
        }
    }
}
