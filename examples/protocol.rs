//! The linkage protocol through the library API: two agencies encode their
//! padrones under a shared key; the linkage unit links the encodings files
//! without ever holding the key.
//!
//! Run with `cargo run --release --example protocol`.

use padron::curp::ParseOptions;
use padron::date::Date;
use padron::encode::{AgencyEncoder, Person};
use padron::encodings::EncodedPadron;
use padron::io::{Item, PadronReader, ReadOptions};
use padron::link::{recommended_comparisons, EncodedInput, LinkConfig, Linker, NoProgress};
use padron::pseudo::Key;
use padron::synth::{generate, SynthConfig};
use std::error::Error;

/// Agency side: read the padrón export, encode every row, return the bytes
/// of the encodings file — the only thing that leaves the agency.
fn agency(csv: &[u8], key: &Key) -> Result<Vec<u8>, Box<dyn Error>> {
    let mut parse = ParseOptions::default();
    parse.today = Date::new(2026, 12, 1); // the caller owns the clock
    let encoder = AgencyEncoder::padron(key, parse)?;
    let mut encoded = EncodedPadron::new(encoder.header(key, None));
    let mut scratch = encoder.scratch();
    for item in PadronReader::new(csv, ReadOptions::default())? {
        match item? {
            Item::Row(row) => {
                let person = Person::from_row(&row);
                encoder.encode(&person, &mut scratch)?;
                encoded.push(&row.record_id, scratch.tokens(), scratch.filters())?;
            }
            Item::Rejected(r) => eprintln!("agency: {r}"),
            _ => {}
        }
    }
    Ok(encoded.write(Vec::new())?)
}

/// A match as the linkage unit returns it: both record ids and the weight.
type Match = (String, String, f64);

/// Linkage-unit side: encodings in, pairs of record ids out.
fn linkage_unit(a: &[u8], b: &[u8]) -> Result<Vec<Match>, Box<dyn Error>> {
    let a = EncodedPadron::read(a)?;
    let b = EncodedPadron::read(b)?;
    a.header().check_comparable(b.header())?; // same key fingerprint, rules, schema
    let config = LinkConfig {
        comparisons: Some(recommended_comparisons(a.header())),
        ..LinkConfig::default()
    };
    let linker = Linker::new(config)?;
    let out = linker.link(&EncodedInput::new(&a), &EncodedInput::new(&b), &NoProgress)?;
    eprintln!(
        "linkage unit: threshold weight {:.2}, {} matches",
        out.model.threshold.weight,
        out.matches.len()
    );
    Ok(out
        .matches
        .iter()
        .map(|m| {
            let id = |p: &EncodedPadron, i: u32| p.id(i as usize).unwrap_or("").to_string();
            (id(&a, m.a.index), id(&b, m.b.index), m.weight)
        })
        .collect())
}

fn main() -> Result<(), Box<dyn Error>> {
    // Two synthetic padrones stand in for the agencies' exports.
    let synth = generate(&SynthConfig {
        persons: 3000,
        ..SynthConfig::default()
    })?;
    let (mut csv_a, mut csv_b) = (Vec::new(), Vec::new());
    synth.write_padron(0, &mut csv_a)?;
    synth.write_padron(1, &mut csv_b)?;

    let key = Key::generate()?; // shared by the agencies only
    let enc_a = agency(&csv_a, &key)?;
    let enc_b = agency(&csv_b, &key)?;
    drop(key);

    let matches = linkage_unit(&enc_a, &enc_b)?;
    for (a, b, w) in matches.iter().take(5) {
        println!("{a},{b},{w:.2}");
    }
    Ok(())
}
