//! The documented example configuration is the default one, and configs
//! round-trip through TOML and JSON.

use padron::synth::{CorruptionRates, SynthConfig};

#[test]
fn documented_defaults_are_the_defaults() {
    let text = include_str!("../testdata/synth/defaults.toml");
    let cfg: SynthConfig = toml::from_str(text).unwrap();
    assert_eq!(cfg, SynthConfig::default());
    // Every rate of the struct is listed in the file.
    for (name, _) in CorruptionRates::default().entries() {
        assert!(text.contains(&format!("\n{name} = ")), "{name} missing");
    }
}

#[test]
fn configs_round_trip_and_reject_unknown_fields() {
    let cfg = SynthConfig {
        persons: 5,
        seed: 9,
        ..SynthConfig::default()
    };
    let toml_text = toml::to_string(&cfg).unwrap();
    assert_eq!(toml::from_str::<SynthConfig>(&toml_text).unwrap(), cfg);
    let json = serde_json::to_string(&cfg).unwrap();
    assert_eq!(serde_json::from_str::<SynthConfig>(&json).unwrap(), cfg);
    assert!(toml::from_str::<SynthConfig>("persns = 5").is_err());
    assert!(toml::from_str::<SynthConfig>("[corruption]\nkeybord_typo = 0.1").is_err());
    assert!(toml::from_str::<SynthConfig>("as_of = \"2025-02-30\"").is_err());
    let partial: SynthConfig = toml::from_str("[corruption]\nnickname = 0.5").unwrap();
    assert_eq!(partial.corruption.nickname, 0.5);
    assert_eq!(partial.corruption.curp_missing, 0.1);
}

#[test]
fn validation_names_the_field() {
    let bad = |cfg: SynthConfig| cfg.validate().unwrap_err().to_string();
    assert!(bad(SynthConfig {
        persons: 0,
        ..SynthConfig::default()
    })
    .contains("persons"));
    assert!(bad(SynthConfig {
        padrones: 0,
        ..SynthConfig::default()
    })
    .contains("padrones"));
    let mut c = SynthConfig::default();
    c.population.min_age = 50;
    c.population.max_age = 40;
    assert!(bad(c).contains("min_age"));
    let mut c = SynthConfig::default();
    c.corruption.mojibake = -0.1;
    assert!(bad(c).contains("corruption.mojibake"));
    let mut c = SynthConfig::default();
    c.population.min_age = 20;
    c.population.max_age = 30;
    // A narrow age band still generates (ages 20–30 only).
    c.persons = 200;
    let s = padron::synth::generate(&c).unwrap();
    for p in s.persons() {
        let age = c.as_of.year() - p.birth_date.year();
        assert!((20..=31).contains(&age), "{age}");
    }
}
