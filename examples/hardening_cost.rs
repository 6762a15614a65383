//! Rough accuracy cost of record-filter hardening on synthetic pairs.
//!
//! cargo run --release --example hardening_cost -- data/given_names_mx.tsv data/surnames_mx.tsv
//!
//! (the frequency tables shipped in `data/`: `NAME<TAB>…<TAB>count`).
//! 2000 people drawn from the national name frequencies, each copied with
//! two corruptions (a typo in a name, swapped surnames, or birth year + 1);
//! record-filter Dice of the 2000 true pairs against 40000 random non-pairs.
//! A stand-in until the `eval` module measures precision/recall properly.

use padron::bloom::{dice, Encoder, Salt, SaltPart, Schema};
use padron::pseudo::Key;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn fold_accents(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'Á' => 'A',
            'É' => 'E',
            'Í' => 'I',
            'Ó' => 'O',
            'Ú' | 'Ü' => 'U',
            'Ñ' => 'N',
            c => c,
        })
        .collect()
}

fn load(path: &str) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some((fold_accents(f.first()?), f.last()?.parse().ok()?))
        })
        .collect()
}

fn pick<'a>(r: &mut Rng, v: &'a [(String, u64)]) -> &'a str {
    let total: u64 = v.iter().map(|x| x.1).sum();
    let mut x = r.next() % total;
    for (n, c) in v {
        if x < *c {
            return n;
        }
        x -= c;
    }
    &v[0].0
}

fn typo(r: &mut Rng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    let i = r.below(c.len());
    let letter = char::from(b'A' + r.below(26) as u8);
    match r.below(3) {
        0 => c[i] = letter,
        1 if c.len() > 2 => {
            c.remove(i);
        }
        _ => c.insert(i, letter),
    }
    c.into_iter().collect()
}

type Person = [String; 6];

fn people(given: &[(String, u64)], sur: &[(String, u64)], n: usize) -> (Vec<Person>, Vec<Person>) {
    let mut r = Rng(0x1234_5678_9abc_def1);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let (g, p, m) = (pick(&mut r, given), pick(&mut r, sur), pick(&mut r, sur));
        let (y, mo, d) = (1940 + r.below(70), 1 + r.below(12), 1 + r.below(28));
        let sex = if r.below(2) == 0 { "H" } else { "M" };
        let st = ["DF", "JC", "NL", "PL", "VZ", "MC", "GT", "OC"][r.below(8)];
        let p1 = [g, p, m, &format!("{y}-{mo:02}-{d:02}"), sex, st].map(str::to_string);
        let mut p2 = p1.clone();
        for _ in 0..2 {
            match r.below(5) {
                0 => p2[0] = typo(&mut r, &p2[0]),
                1 => p2[1] = typo(&mut r, &p2[1]),
                2 => p2.swap(1, 2),
                3 => p2[3] = format!("{}-{mo:02}-{d:02}", y + 1),
                _ => p2[2] = typo(&mut r, &p2[2]),
            }
        }
        a.push(p1);
        b.push(p2);
    }
    (a, b)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: hardening_cost GIVEN_NAMES.tsv SURNAMES.tsv");
        std::process::exit(2);
    }
    let (a, b) = people(&load(&args[1]), &load(&args[2]), 2000);
    let key = Key::from_bytes([9; 32]);
    type Variant = (&'static str, fn(&mut Schema));
    let variants: [Variant; 6] = [
        ("plain 1024 (no fold)", |s| s.record.hardening.fold = 0),
        ("fold x1 (default)", |_| {}),
        ("balance 512 (no fold)", |s| {
            s.record.hardening.fold = 0;
            s.record.bits = 512;
            s.record.hardening.balance = true;
        }),
        ("fold + BLIP eps=3", |s| {
            s.record.hardening.blip_epsilon = Some(3.0)
        }),
        ("fold + BLIP eps=1.5", |s| {
            s.record.hardening.blip_epsilon = Some(1.5)
        }),
        ("fold + salt with birth year", |s| {
            s.record.hardening.salt = Some(Salt {
                column: "fecha_nacimiento".into(),
                part: SaltPart::Year,
            })
        }),
    ];
    println!(
        "variant                       mean Dice true  non-pairs  threshold  recall at FPR <= 5e-5"
    );
    for (name, change) in variants {
        let mut s = Schema::padron();
        change(&mut s);
        let e = Encoder::new(&key, s).unwrap();
        let rs = e.layout().record;
        let mut cache = e.new_cache();
        let mut enc = |x: &Person| {
            let row: Vec<Option<&str>> = x.iter().map(|v| Some(v.as_str())).collect();
            let mut w = vec![0u64; e.layout().words_per_record];
            e.encode_with(&mut cache, &row, &mut w).unwrap();
            w[rs.offset..rs.offset + rs.words].to_vec()
        };
        let fa: Vec<_> = a.iter().map(&mut enc).collect();
        let fb: Vec<_> = b.iter().map(&mut enc).collect();
        let n = fa.len();
        let t: Vec<f64> = (0..n).map(|i| dice(&fa[i], &fb[i])).collect();
        let mut r = Rng(77);
        let mut neg: Vec<f64> = (0..20 * n)
            .map(|_| {
                let i = r.below(n);
                let j = (i + 1 + r.below(n - 1)) % n;
                dice(&fa[i], &fb[j])
            })
            .collect();
        let mean_neg = neg.iter().sum::<f64>() / neg.len() as f64;
        neg.sort_by(|x, y| y.total_cmp(x));
        let thr = neg[2];
        let recall = t.iter().filter(|&&d| d > thr).count() as f64 / n as f64;
        let mean_t = t.iter().sum::<f64>() / n as f64;
        println!("{name:30} {mean_t:.3}           {mean_neg:.3}      {thr:.3}      {recall:.3}");
    }
}
