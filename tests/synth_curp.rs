//! Every generated CURP parses and agrees with its person's data; clean
//! records are faithful copies; the io reader takes every row.

use std::sync::OnceLock;

use padron::curp::{consistency, derive_root, Consistency, Curp, ParseOptions, RecordFields};
use padron::io::{Column, Item, PadronReader, ReadOptions};
use padron::synth::{generate, Synth, SynthConfig};

fn synth() -> &'static (SynthConfig, Synth) {
    static S: OnceLock<(SynthConfig, Synth)> = OnceLock::new();
    S.get_or_init(|| {
        let cfg = SynthConfig {
            persons: 10_000,
            seed: 99,
            // Many homonyms, to exercise the differentiator.
            population: padron::synth::PopulationConfig {
                homonyms: 0.02,
                ..Default::default()
            },
            ..SynthConfig::default()
        };
        let s = generate(&cfg).unwrap();
        (cfg, s)
    })
}

#[test]
fn every_clean_curp_parses_and_is_consistent() {
    let (cfg, s) = synth();
    let opts = ParseOptions::default().today(cfg.as_of);
    for p in s.persons() {
        let c = Curp::parse(p.curp.as_str(), &opts).unwrap();
        assert_eq!(c.birth_date(), p.birth_date);
        assert_eq!(c.sex(), p.sex);
        assert_eq!(c.state(), p.birth_state);
        let rec = RecordFields {
            given_names: Some(&p.given_names),
            first_surname: Some(&p.first_surname),
            second_surname: Some(&p.second_surname),
            birth_date: Some(p.birth_date),
            sex: Some(p.sex),
            state: Some(p.birth_state),
        };
        assert_eq!(consistency(&c, &rec), Consistency::Ok, "person {}", p.id);
        assert_eq!(c.root(), derive_root(&p.person_data()).as_str());
    }
}

#[test]
fn homonyms_share_the_root_and_get_the_next_differentiator() {
    let (_, s) = synth();
    let p = s.persons();
    let mut curps: Vec<&str> = p.iter().map(|x| x.curp.as_str()).collect();
    curps.sort_unstable();
    curps.dedup();
    assert_eq!(curps.len(), p.len(), "distinct persons have distinct CURPs");
    let mut homonyms = 0;
    for x in p {
        let first = if x.birth_date.year() < 2000 { '0' } else { 'A' };
        match x.homonym_of {
            None => {}
            Some(model) => {
                homonyms += 1;
                let m = &p[model as usize - 1];
                assert_eq!(m.curp.root(), x.curp.root());
                assert_eq!(m.curp.differentiator(), first);
                assert!(x.curp.differentiator() > first, "person {}", x.id);
            }
        }
    }
    assert!(homonyms > 100, "{homonyms}");
    // Some homonyms carry other given names with the same root.
    let renamed = p
        .iter()
        .filter(|x| {
            x.homonym_of
                .is_some_and(|m| p[m as usize - 1].given_names != x.given_names)
        })
        .count();
    assert!(renamed * 5 > homonyms, "{renamed} of {homonyms}");
}

#[test]
fn clean_records_copy_the_person() {
    let (_, s) = synth();
    let mut clean = 0;
    for r in s.records().filter(|r| r.tags.is_empty()) {
        let p = &s.persons()[r.person_id as usize - 1];
        clean += 1;
        let style_strips = r.padron % 2 == 0;
        let fix = |t: &str| {
            if style_strips {
                t.chars()
                    .map(|c| match c {
                        'Á' => 'A',
                        'É' => 'E',
                        'Í' => 'I',
                        'Ó' => 'O',
                        'Ú' | 'Ü' => 'U',
                        c => c,
                    })
                    .collect()
            } else {
                t.to_owned()
            }
        };
        assert_eq!(r.fields.curp, p.curp.as_str());
        assert_eq!(r.fields.nombre, fix(&p.given_names));
        assert_eq!(r.fields.primer_apellido, fix(&p.first_surname));
        assert_eq!(r.fields.segundo_apellido, fix(&p.second_surname));
        assert_eq!(r.fields.entidad_nacimiento, p.birth_state.code());
    }
    assert!(clean > 5_000, "{clean}");
}

#[test]
fn the_io_reader_reads_every_row_without_issues() {
    let (_, s) = synth();
    for k in 0..s.padron_count() {
        let mut csv = Vec::new();
        s.write_padron(k, &mut csv).unwrap();
        let mut rd = PadronReader::new(&csv[..], ReadOptions::default()).unwrap();
        assert_eq!(rd.columns().len(), 14, "all canonical columns mapped");
        let mut rows = 0;
        while let Some(item) = rd.read().unwrap() {
            match item {
                Item::Row(row) => {
                    rows += 1;
                    assert!(row.issues.is_empty(), "row {} {:?}", row.row, row.issues);
                    assert!(row.birth_date.is_some() && row.sex.is_some());
                    assert!(row.get(Column::Nombre).is_some());
                }
                other => panic!("rejected {other:?}"),
            }
        }
        assert_eq!(rows, s.padron(k).unwrap().len());
    }
}
