//! Synthetic *encoded* padrones for the `link` tests, benches and examples:
//! persons with Zipf-distributed synthetic names, corrupted copies, q-gram
//! Bloom filters and tokens computed with a simple seeded hash (this is test
//! data, not the `pseudo`/`bloom` encoders), and the truth.
//!
//! Shared with `#[path = "../tests/support/encoded.rs"] mod encoded;`.
#![allow(dead_code)]

use padron::link::{FieldSpec, InputSchema, MemInput, TokenBytes};

/// SplitMix64 (test copy).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = mix(seed ^ 0x5151_5151);
    for chunk in bytes.chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        h = mix(h ^ u64::from_le_bytes(w)).wrapping_add(chunk.len() as u64);
    }
    h
}

/// Field order of the schema.
pub const FIELDS: [&str; 6] = ["given", "surname1", "surname2", "birth", "sex", "state"];
/// Token rule order of the schema.
pub const RULES: [&str; 5] = [
    "curp",
    "names_birth",
    "sorted_surnames_birth",
    "given_surname1_birth",
    "phonetic_birth",
];
pub const FIELD_WORDS: usize = 4; // 256-bit field filters
pub const RECORD_WORDS: usize = 16; // 1024-bit record filters

pub fn schema() -> InputSchema {
    InputSchema {
        token_rules: RULES.iter().map(|s| s.to_string()).collect(),
        fields: vec![
            FieldSpec::new("given"),
            FieldSpec::grouped("surname1", 0),
            FieldSpec::grouped("surname2", 0),
            FieldSpec::new("birth"),
            FieldSpec::new("sex"),
            FieldSpec::new("state"),
        ],
        key_fingerprint: b"test".to_vec(),
    }
}

/// A person's attributes as a holder recorded them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub given: String,
    pub surname1: String,
    pub surname2: Option<String>,
    pub birth: String, // YYYYMMDD
    pub sex: u8,
    pub state: u8,
    pub curp: Option<String>,
}

const SYL: [&str; 40] = [
    "MA", "RI", "A", "JO", "SE", "LU", "IS", "CAR", "LOS", "JU", "AN", "GUA", "DA", "LU", "PE",
    "DRO", "FER", "NAN", "DO", "RO", "SA", "LIA", "GA", "BRI", "EL", "HER", "NAN", "DEZ", "GO",
    "MEZ", "LO", "PEZ", "MAR", "TI", "NEZ", "RAMI", "REZ", "CRUZ", "FLO", "RES",
];

fn make_name(rng: &mut Rng, syllables: u64) -> String {
    let n = 2 + rng.below(syllables);
    (0..n)
        .map(|_| SYL[rng.below(SYL.len() as u64) as usize])
        .collect()
}

/// A vocabulary of `n` distinct names with Zipf(1) weights (cumulative).
pub struct Vocab {
    names: Vec<String>,
    cum: Vec<f64>,
}

impl Vocab {
    pub fn new(n: usize, seed: u64) -> Vocab {
        let mut rng = Rng::new(seed);
        let mut names: Vec<String> = Vec::with_capacity(n);
        let mut seen = std::collections::BTreeSet::new();
        while names.len() < n {
            let s = make_name(&mut rng, 3);
            if seen.insert(s.clone()) {
                names.push(s);
            }
        }
        let mut cum = Vec::with_capacity(n);
        let mut acc = 0.0;
        for r in 0..n {
            acc += 1.0 / (r as f64 + 1.0);
            cum.push(acc);
        }
        Vocab { names, cum }
    }
    pub fn draw(&self, rng: &mut Rng) -> String {
        let total = *self.cum.last().unwrap();
        let x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let k = self
            .cum
            .partition_point(|&c| c < x)
            .min(self.names.len() - 1);
        self.names[k].clone()
    }
}

pub struct World {
    given: Vocab,
    surnames: Vocab,
}

impl World {
    pub fn new(seed: u64) -> World {
        World {
            given: Vocab::new(3000, seed ^ 1),
            surnames: Vocab::new(8000, seed ^ 2),
        }
    }

    pub fn person(&self, rng: &mut Rng) -> Person {
        let given = self.given.draw(rng);
        let surname1 = self.surnames.draw(rng);
        let surname2 = Some(self.surnames.draw(rng));
        let birth = format!(
            "{:04}{:02}{:02}",
            1940 + rng.below(70),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let sex = rng.below(2) as u8;
        let state = rng.below(32) as u8;
        let curp = Some(format!(
            "{}{}{}{}{:02}{:02}{:02}",
            &surname1[..2],
            &surname2.as_deref().unwrap()[..1],
            &given[..1],
            &birth[2..],
            sex,
            state,
            rng.below(100)
        ));
        Person {
            given,
            surname1,
            surname2,
            birth,
            sex,
            state,
            curp,
        }
    }
}

/// One random edit (substitute, delete, insert, transpose).
pub fn typo(rng: &mut Rng, s: &str) -> String {
    let mut b: Vec<u8> = s.bytes().collect();
    if b.len() < 2 {
        return s.to_string();
    }
    let p = rng.below(b.len() as u64) as usize;
    let letter = b'A' + rng.below(26) as u8;
    match rng.below(4) {
        0 => b[p] = letter,
        1 => {
            b.remove(p);
        }
        2 => b.insert(p, letter),
        _ => {
            let q = if p + 1 < b.len() { p + 1 } else { p - 1 };
            b.swap(p, q);
        }
    }
    String::from_utf8(b).unwrap()
}

/// Corruption rates of a copy of a person.
#[derive(Clone, Copy, Debug)]
pub struct Corruption {
    pub typo_given: f64,
    pub typo_surname: f64,
    pub swap_surnames: f64,
    pub drop_surname2: f64,
    pub birth_digit: f64,
    pub drop_curp: f64,
    pub curp_differs: f64,
}

impl Default for Corruption {
    fn default() -> Corruption {
        Corruption {
            typo_given: 0.12,
            typo_surname: 0.08,
            swap_surnames: 0.05,
            drop_surname2: 0.05,
            birth_digit: 0.05,
            drop_curp: 0.10,
            curp_differs: 0.05,
        }
    }
}

impl Corruption {
    pub fn none() -> Corruption {
        Corruption {
            typo_given: 0.0,
            typo_surname: 0.0,
            swap_surnames: 0.0,
            drop_surname2: 0.0,
            birth_digit: 0.0,
            drop_curp: 0.0,
            curp_differs: 0.0,
        }
    }
}

pub fn corrupt(rng: &mut Rng, p: &Person, c: &Corruption) -> Person {
    let mut q = p.clone();
    if rng.chance(c.typo_given) {
        q.given = typo(rng, &q.given);
    }
    if rng.chance(c.typo_surname) {
        q.surname1 = typo(rng, &q.surname1);
    }
    if rng.chance(c.typo_surname) {
        q.surname2 = q.surname2.map(|s| typo(rng, &s));
    }
    if rng.chance(c.swap_surnames) {
        if let Some(s2) = q.surname2.take() {
            q.surname2 = Some(std::mem::replace(&mut q.surname1, s2));
        }
    }
    if rng.chance(c.drop_surname2) {
        q.surname2 = None;
    }
    if rng.chance(c.birth_digit) {
        let mut b: Vec<u8> = q.birth.bytes().collect();
        let pos = 2 + rng.below(6) as usize;
        b[pos] = b'0' + ((b[pos] - b'0' + 1 + rng.below(8) as u8) % 10);
        q.birth = String::from_utf8(b).unwrap();
    }
    if rng.chance(c.drop_curp) {
        q.curp = None;
    } else if rng.chance(c.curp_differs) {
        q.curp = q.curp.map(|s| typo(rng, &s));
    }
    q
}

fn bigrams(s: &str) -> Vec<[u8; 2]> {
    let mut b = vec![b' '];
    b.extend(s.bytes());
    b.push(b' ');
    b.windows(2).map(|w| [w[0], w[1]]).collect()
}

fn set_bits(filter: &mut [u64], seed: u64, value: &str, k: u32) {
    let bits = (filter.len() * 64) as u64;
    for g in bigrams(value) {
        let h = hash_bytes(seed, &g);
        for i in 0..k {
            let pos = mix(h ^ u64::from(i).wrapping_mul(0x9E37_79B9)) % bits;
            filter[(pos / 64) as usize] |= 1 << (pos % 64);
        }
    }
}

fn token(rule: u64, parts: &[&str]) -> TokenBytes {
    let mut bytes = Vec::new();
    for p in parts {
        bytes.extend_from_slice(p.as_bytes());
        bytes.push(0x1F);
    }
    let a = hash_bytes(rule.wrapping_mul(0x1234_5678_9ABC), &bytes);
    let b = hash_bytes(a ^ rule, &bytes);
    let mut t = [0u8; 16];
    t[..8].copy_from_slice(&a.to_le_bytes());
    t[8..].copy_from_slice(&b.to_le_bytes());
    t
}

/// Crude phonetic key (test stand-in): drop vowels after the first letter,
/// fold similar consonants.
fn phonetic(s: &str) -> String {
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        let c = match ch {
            'V' => 'B',
            'Z' | 'S' => 'S',
            'Y' => 'L',
            'H' => continue,
            'A' | 'E' | 'I' | 'O' | 'U' if i > 0 => continue,
            c => c,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Append the encoding of `p` to `input`.
pub fn encode(input: &mut MemInput, id: String, p: &Person) {
    let s2 = p.surname2.as_deref();
    let sex = p.sex.to_string();
    let state = p.state.to_string();
    let mut fields = [[0u64; FIELD_WORDS]; 6];
    let values: [Option<&str>; 6] = [
        Some(&p.given),
        Some(&p.surname1),
        s2,
        Some(&p.birth),
        Some(&sex),
        Some(&state),
    ];
    // Surnames share one key (group 0) so they compare crosswise.
    let field_seed = [11u64, 22, 22, 33, 44, 55];
    let mut record = [0u64; RECORD_WORDS];
    for (f, v) in values.iter().enumerate() {
        if let Some(v) = v {
            set_bits(&mut fields[f], field_seed[f], v, 8);
            set_bits(&mut record, 1000 + field_seed[f], v, 10);
        }
    }
    let mut sorted = [p.surname1.as_str(), s2.unwrap_or("")];
    sorted.sort();
    let tokens: [Option<TokenBytes>; 5] = [
        p.curp.as_deref().map(|c| token(1, &[c])),
        s2.map(|s2| token(2, &[&p.given, &p.surname1, s2, &p.birth])),
        s2.map(|_| token(3, &[&p.given, sorted[0], sorted[1], &p.birth])),
        Some(token(4, &[&p.given, &p.surname1, &p.birth])),
        Some(token(
            5,
            &[&phonetic(&p.given), &phonetic(&p.surname1), &p.birth],
        )),
    ];
    let frefs: Vec<Option<&[u64]>> = values
        .iter()
        .zip(fields.iter())
        .map(|(v, f)| v.map(|_| &f[..]))
        .collect();
    input.push(id, &tokens, &frefs, &record).unwrap();
}

/// Two padrones with overlap and within-padrón duplicates.
pub struct PairData {
    pub a: MemInput,
    pub b: MemInput,
    /// Person of each record.
    pub person_a: Vec<u32>,
    pub person_b: Vec<u32>,
}

impl PairData {
    /// True cross pairs (a, b), sorted.
    pub fn truth(&self) -> Vec<(u32, u32)> {
        let mut by_person: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for (i, &p) in self.person_a.iter().enumerate() {
            by_person.entry(p).or_default().push(i as u32);
        }
        let mut out = Vec::new();
        for (j, &p) in self.person_b.iter().enumerate() {
            if let Some(v) = by_person.get(&p) {
                for &i in v {
                    out.push((i, j as u32));
                }
            }
        }
        out.sort_unstable();
        out
    }
}

/// `n` persons per padrón, `overlap` of them shared, `dup` share of
/// records duplicated within each padrón.
pub fn pair_data(n: usize, overlap: f64, dup: f64, c: &Corruption, seed: u64) -> PairData {
    let world = World::new(seed);
    let mut rng = Rng::new(seed ^ 0xABCDEF);
    let shared = (n as f64 * overlap) as usize;
    let persons: Vec<Person> = (0..2 * n - shared)
        .map(|_| world.person(&mut rng))
        .collect();
    let mut a = MemInput::new(schema(), FIELD_WORDS, RECORD_WORDS);
    let mut b = MemInput::new(schema(), FIELD_WORDS, RECORD_WORDS);
    a.reserve(n + n / 10);
    b.reserve(n + n / 10);
    let (mut pa, mut pb) = (Vec::new(), Vec::new());
    // A: persons 0..n; B: persons 0..shared and n..2n-shared.
    for (id, p) in persons.iter().enumerate().take(n) {
        let copies = 1 + usize::from(rng.chance(dup));
        for _ in 0..copies {
            let q = corrupt(&mut rng, p, c);
            encode(&mut a, format!("A{}", pa.len()), &q);
            pa.push(id as u32);
        }
    }
    let b_people = (0..shared).chain(n..2 * n - shared);
    for id in b_people {
        let copies = 1 + usize::from(rng.chance(dup));
        for _ in 0..copies {
            let q = corrupt(&mut rng, &persons[id], c);
            encode(&mut b, format!("B{}", pb.len()), &q);
            pb.push(id as u32);
        }
    }
    PairData {
        a,
        b,
        person_a: pa,
        person_b: pb,
    }
}

/// One padrón of `n` persons with `dup` share duplicated (a duplicate may
/// itself be duplicated again with the same probability).
pub fn dedupe_data(n: usize, dup: f64, c: &Corruption, seed: u64) -> (MemInput, Vec<u32>) {
    let world = World::new(seed);
    let mut rng = Rng::new(seed ^ 0x1234);
    let mut input = MemInput::new(schema(), FIELD_WORDS, RECORD_WORDS);
    input.reserve(n + n / 5);
    let mut person = Vec::new();
    for id in 0..n {
        let p = world.person(&mut rng);
        let mut copies = 1;
        while copies < 4 && rng.chance(dup) {
            copies += 1;
        }
        for _ in 0..copies {
            let q = corrupt(&mut rng, &p, c);
            encode(&mut input, format!("R{}", person.len()), &q);
            person.push(id as u32);
        }
    }
    (input, person)
}

/// Precision, recall, F1 of `found` against `truth` (both sorted, distinct).
pub fn prf(found: &[(u32, u32)], truth: &[(u32, u32)]) -> (f64, f64, f64) {
    let (mut x, mut y, mut tp) = (0, 0, 0usize);
    while x < found.len() && y < truth.len() {
        match found[x].cmp(&truth[y]) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => {
                tp += 1;
                x += 1;
                y += 1;
            }
        }
    }
    let p = if found.is_empty() {
        1.0
    } else {
        tp as f64 / found.len() as f64
    };
    let r = if truth.is_empty() {
        1.0
    } else {
        tp as f64 / truth.len() as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}
