//! Runs one name operation of `benches/names.rs` in a loop, for
//! instruction counts under callgrind (stable on a loaded machine):
//!
//! ```text
//! cargo build --release --example names_profile
//! valgrind --tool=callgrind target/release/examples/names_profile OP 1000
//! valgrind --tool=callgrind target/release/examples/names_profile OP 11000
//! ```
//!
//! (difference of the two totals / 10000 = instructions per operation).
//! A third argument times instead: `names_profile OP 20000 50` prints the
//! fastest of 50 runs of 20000 operations, in ns per operation.
//! OP: `normalize`, `normalize_oneshot`, `accents`, `mixed` (mixed case
//! with accents), `lower` (lowercase ASCII), `particles`, `mojibake`,
//! `token_keys`, `given`, `given0`…`given5` (one pair of the mix),
//! `given_prepared`, `surnames`, `whole`.

use std::hint::black_box;

use padron::name::{self, Normalizer};
use padron::phonetic;
use padron::similarity::{self, PreparedGiven};

/// (given, paternal, maternal).
type Fields = (&'static str, &'static str, &'static str);

const PAIRS: [(Fields, Fields); 6] = [
    (
        ("JUAN CARLOS", "LOPEZ", "RUIZ"),
        ("JUAN CARLOS", "LOPEZ", "RUIZ"),
    ),
    (
        ("MARIA GUADALUPE", "HERNANDEZ", "GARCIA"),
        ("GUADALUPE", "HERNANDES", ""),
    ),
    (("PEPE", "LOPEZ", "GARCIA"), ("JOSE", "GARCIA", "LOPEZ")),
    (
        ("GUILLERMO", "DE LA CRUZ", "GOMEZ"),
        ("GILLERMO", "DELACRUZ", "GOMEZ"),
    ),
    (("PEDRO", "RUIZ", "SOTO"), ("MARTA", "PEREZ", "LUNA")),
    (("XIMENA", "VELAZQUEZ", ""), ("JIMENA", "VELASQUEZ", "")),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let op = args.next().unwrap_or_else(|| "normalize".to_owned());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    if let Some(rounds) = args.next().and_then(|s| s.parse::<usize>().ok()) {
        // Wall time: the fastest of `rounds` runs of `n` operations, a
        // floor that filters out preemption on a loaded machine.
        let best = (0..rounds)
            .map(|_| {
                let t = std::time::Instant::now();
                run(&op, n);
                t.elapsed().as_secs_f64() * 1e9 / n as f64
            })
            .fold(f64::INFINITY, f64::min);
        println!("{op}: {best:.1} ns/op (fastest of {rounds} x {n})");
        return;
    }
    run(&op, n);
}

fn run(op: &str, n: usize) {
    let names: Vec<_> = PAIRS
        .iter()
        .map(|(a, b)| {
            (
                name::normalize(a.0, a.1, a.2),
                name::normalize(b.0, b.1, b.2),
            )
        })
        .collect();
    // Warm the nickname table outside the loop.
    let _ = similarity::compare_given(names[2].0.given(), names[2].1.given());
    let mut norm = Normalizer::default();
    match op {
        "normalize" => {
            for _ in 0..n {
                black_box(norm.normalize(
                    black_box("MARIA GUADALUPE"),
                    black_box("HERNANDEZ"),
                    black_box("DE LA CRUZ"),
                ));
            }
        }
        "normalize_oneshot" => {
            for _ in 0..n {
                black_box(name::normalize(
                    black_box("MARIA GUADALUPE"),
                    black_box("HERNANDEZ"),
                    black_box("DE LA CRUZ"),
                ));
            }
        }
        "accents" => {
            for _ in 0..n {
                black_box(norm.normalize(
                    black_box("José Luis"),
                    black_box("Hernández"),
                    black_box("García"),
                ));
            }
        }
        "mixed" => {
            for _ in 0..n {
                black_box(norm.normalize(
                    black_box("María Guadalupe"),
                    black_box("Hernández"),
                    black_box("de la Cruz"),
                ));
            }
        }
        "lower" => {
            for _ in 0..n {
                black_box(norm.normalize(
                    black_box("maria guadalupe"),
                    black_box("hernandez"),
                    black_box("lopez"),
                ));
            }
        }
        "particles" => {
            for _ in 0..n {
                black_box(norm.normalize(
                    black_box("Ma. de los Ángeles"),
                    black_box("de la Cruz"),
                    black_box("Muñoz"),
                ));
            }
        }
        "mojibake" => {
            for _ in 0..n {
                black_box(norm.normalize(
                    black_box("JosÃ©"),
                    black_box("MuÃ±oz"),
                    black_box("PÃ©rez"),
                ));
            }
        }
        "token_keys" => {
            // Four tokens per round.
            for _ in 0..n / 4 {
                for tok in ["HERNANDEZ", "XIMENA", "GUADALUPE", "JUAN"] {
                    black_box(phonetic::token_keys(black_box(tok)));
                }
            }
        }
        "given" => {
            // Six pairs per round.
            for _ in 0..n / 6 {
                for (x, y) in &names {
                    black_box(similarity::compare_given(
                        black_box(x.given()),
                        black_box(y.given()),
                    ));
                }
            }
        }
        pair if pair.starts_with("given") && pair.len() == 6 => {
            // given0 … given5: one pair of the mix.
            let i = usize::from(pair.as_bytes()[5].wrapping_sub(b'0')).min(5);
            let (x, y) = &names[i];
            for _ in 0..n {
                black_box(similarity::compare_given(
                    black_box(x.given()),
                    black_box(y.given()),
                ));
            }
        }
        "given_prepared" => {
            let prepared: Vec<_> = names
                .iter()
                .map(|(x, y)| {
                    (
                        x.given().map(PreparedGiven::new),
                        y.given().map(PreparedGiven::new),
                    )
                })
                .collect();
            for _ in 0..n / 6 {
                for (x, y) in &prepared {
                    black_box(similarity::compare_prepared_given(
                        black_box(x.as_ref()),
                        black_box(y.as_ref()),
                    ));
                }
            }
        }
        "surnames" => {
            for _ in 0..n / 6 {
                for (x, y) in &names {
                    black_box(similarity::compare_surnames(black_box(x), black_box(y)));
                }
            }
        }
        "whole" => {
            let (x, y) = &names[0];
            for _ in 0..n {
                black_box(similarity::compare_whole_names(black_box(x), black_box(y)));
            }
        }
        other => eprintln!("unknown op {other}"),
    }
}
