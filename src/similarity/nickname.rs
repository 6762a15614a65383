//! The shipped nickname table `data/nicknames_mx.tsv` (spec §6; provenance
//! in `data/nicknames_mx.md`).

use std::fmt;
use std::sync::OnceLock;

use crate::name;

const DATA: &str = include_str!("../../data/nicknames_mx.tsv");

/// One nickname and its candidate canonical given names, most likely
/// first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nickname {
    nickname: &'static str,
    canonicals: Vec<&'static str>,
    /// The significant given names (§3) of each canonical
    /// (`MARIA DEL CARMEN` → `CARMEN`), same order.
    significant: Vec<String>,
}

impl Nickname {
    /// The nickname (`match` alphabet).
    pub fn nickname(&self) -> &'static str {
        self.nickname
    }

    /// Canonical given names (`match` alphabet; may contain spaces).
    pub fn canonicals(&self) -> &[&'static str] {
        &self.canonicals
    }

    fn significant(&self) -> impl Iterator<Item = &str> {
        self.significant.iter().map(String::as_str)
    }
}

/// The nickname table, sorted by nickname (byte order).
pub struct NicknameTable {
    entries: Vec<Nickname>,
    /// The first 8 bytes of each nickname packed big-endian (zero padded):
    /// sorted like `entries`, searched as integers.
    packed: Vec<u64>,
    /// A 2048-bit set of [`slot`]s of `packed`: most names are not
    /// nicknames, and most of those miss the set, so `get` skips the
    /// binary search for them.
    filter: [u64; 32],
}

/// The bit of a packed nickname in [`NicknameTable::filter`].
fn slot(key: u64) -> usize {
    // Multiplicative hashing: the top 11 bits.
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 53) as usize
}

impl fmt::Debug for NicknameTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NicknameTable")
            .field("entries", &self.entries.len())
            .finish()
    }
}

impl NicknameTable {
    fn parse(text: &'static str) -> NicknameTable {
        let mut entries: Vec<Nickname> = text
            .lines()
            .filter_map(|line| {
                let (nick, canon) = line.split_once('\t')?;
                let canonicals: Vec<&'static str> =
                    canon.split(',').filter(|c| !c.is_empty()).collect();
                if nick.is_empty() || canonicals.is_empty() {
                    return None;
                }
                let significant = canonicals
                    .iter()
                    .map(|c| {
                        let n = name::normalize(c, "", "");
                        n.given()
                            .map_or_else(|| (*c).to_owned(), |g| g.significant().to_owned())
                    })
                    .collect();
                Some(Nickname {
                    nickname: nick,
                    canonicals,
                    significant,
                })
            })
            .collect();
        entries.sort_by(|a, b| a.nickname.cmp(b.nickname));
        let packed: Vec<u64> = entries.iter().map(|e| pack(e.nickname)).collect();
        let mut filter = [0u64; 32];
        for &k in &packed {
            let h = slot(k);
            if let Some(w) = filter.get_mut(h / 64) {
                *w |= 1 << (h % 64);
            }
        }
        NicknameTable {
            entries,
            packed,
            filter,
        }
    }

    /// The entry of `nickname` (a `match` token or string), if listed.
    #[inline]
    pub fn get(&self, nickname: &str) -> Option<&Nickname> {
        let key = pack(nickname);
        let h = slot(key);
        if self.filter.get(h / 64).map_or(0, |w| w >> (h % 64) & 1) == 0 {
            return None;
        }
        self.search(key, nickname)
    }

    /// The binary search of [`NicknameTable::get`].
    fn search(&self, key: u64, nickname: &str) -> Option<&Nickname> {
        let lo = self.packed.partition_point(|&k| k < key);
        self.packed
            .get(lo..)?
            .iter()
            .take_while(|&&k| k == key)
            .zip(self.entries.get(lo..)?)
            .map(|(_, e)| e)
            .find(|e| e.nickname == nickname)
    }

    /// All entries, sorted by nickname.
    pub fn entries(&self) -> &[Nickname] {
        &self.entries
    }
}

/// The first 8 bytes, big-endian, zero padded: orders like the strings
/// (for strings without NUL bytes).
#[inline]
fn pack(name: &str) -> u64 {
    let bytes = name.as_bytes();
    if let Some(head) = bytes.first_chunk::<8>() {
        return u64::from_be_bytes(*head);
    }
    let mut b = [0u8; 8];
    for (slot, c) in b.iter_mut().zip(bytes) {
        *slot = *c;
    }
    u64::from_be_bytes(b)
}

/// The shipped table (parsed once).
pub fn nicknames() -> &'static NicknameTable {
    static TABLE: OnceLock<NicknameTable> = OnceLock::new();
    TABLE.get_or_init(|| NicknameTable::parse(DATA))
}

/// The strings one side of a given-name comparison offers: first
/// significant token, significant string, whole field.
#[derive(Clone, Copy)]
pub(crate) struct Side<'a> {
    pub(crate) first: &'a str,
    pub(crate) significant: &'a str,
    pub(crate) full: &'a str,
}

impl Side<'_> {
    fn offers(&self, value: &str) -> bool {
        value == self.first || value == self.significant || value == self.full
    }
}

/// §5 `G_NICK`: a nickname of one side names a canonical the other side
/// has (as its first significant token, significant string or whole
/// field, or the canonical's own significant form), or both sides are
/// nicknames of a common canonical. Two plain equal names do not count:
/// a nickname must be involved.
pub(crate) fn nickname_match(table: &NicknameTable, a: Side<'_>, b: Side<'_>) -> bool {
    let la = lookups(table, a);
    let lb = lookups(table, b);
    if la.iter().chain(&lb).all(Option::is_none) {
        // Neither side offers a nickname.
        return false;
    }
    let hits = |ls: &[Option<&Nickname>; 2], other: Side<'_>| {
        ls.iter().flatten().any(|n| {
            n.canonicals.iter().any(|c| other.offers(c)) || n.significant().any(|c| other.offers(c))
        })
    };
    if hits(&la, b) || hits(&lb, a) {
        return true;
    }
    la.iter().flatten().any(|x| {
        lb.iter()
            .flatten()
            .any(|y| x.canonicals.iter().any(|c| y.canonicals.contains(c)))
    })
}

fn lookups<'t>(table: &'t NicknameTable, s: Side<'_>) -> [Option<&'t Nickname>; 2] {
    let first = table.get(s.first);
    let whole = if s.significant != s.first && !s.significant.contains(' ') {
        table.get(s.significant)
    } else {
        None
    };
    [first, whole]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_matches_its_description() {
        let t = nicknames();
        // spec §6: 238 nicknames, 195 distinct canonicals, sorted, match alphabet.
        assert_eq!(t.entries().len(), 238);
        assert_eq!(DATA.lines().count(), 238);
        let mut canon: Vec<&str> = t
            .entries()
            .iter()
            .flat_map(|e| e.canonicals().iter().copied())
            .collect();
        canon.sort_unstable();
        canon.dedup();
        assert_eq!(canon.len(), 195);
        let lines: Vec<&str> = DATA
            .lines()
            .map(|l| l.split('\t').next().unwrap())
            .collect();
        assert!(
            lines.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
        for e in t.entries() {
            assert!(e.nickname().bytes().all(|b| b.is_ascii_uppercase()));
            for c in e.canonicals() {
                assert!(c.bytes().all(|b| b.is_ascii_uppercase() || b == b' '));
                assert!(!c.starts_with(' ') && !c.ends_with(' ') && !c.contains("  "));
            }
        }
    }

    #[test]
    fn lookups() {
        let t = nicknames();
        assert_eq!(t.get("PEPE").unwrap().canonicals(), ["JOSE"]);
        assert_eq!(t.get("CHEMA").unwrap().canonicals(), ["JOSE MARIA"]);
        assert_eq!(t.get("TONO").unwrap().canonicals(), ["ANTONIO"]);
        assert_eq!(t.get("BETO").unwrap().canonicals()[0], "ALBERTO");
        assert!(t.get("JOSE").is_none());
        assert!(t.get("").is_none());
        // Same first 8 bytes as a listed nickname, then different.
        assert!(t.get("CONCHITAS").is_none());
        assert!(t.get("CONCHITA").is_some());
        for e in t.entries() {
            assert_eq!(
                t.get(e.nickname()).map(Nickname::nickname),
                Some(e.nickname())
            );
        }
        let mc = t.get("MARICARMEN").unwrap();
        assert_eq!(mc.significant().collect::<Vec<_>>(), ["CARMEN"]);
    }
}
