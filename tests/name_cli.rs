//! `padron name …` run as a binary, checked against the library.

mod name_support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use name_support::load;

fn padron(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_padron"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run padron");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn key_prints_the_spec_vectors() {
    let rows = load("mxf1_spec.tsv");
    let mut args = vec!["name", "key"];
    args.extend(rows.iter().map(|r| r.col(0)));
    let o = padron(&args, b"");
    assert!(o.status.success());
    let want: String = rows
        .iter()
        .map(|r| format!("{}\t{}\t{}\t{}\n", r.col(0), r.col(1), r.col(2), r.col(3)))
        .collect();
    assert_eq!(stdout(&o), want);
}

#[test]
fn key_multi_token_uses_the_core_form() {
    let o = padron(&["name", "key", "de la Cruz", "Juan Carlos", "N/A"], b"");
    assert_eq!(
        stdout(&o),
        "de la Cruz\tKRUS\tKRUS\tKRS\nJuan Carlos\tJUAN KARLOS\tJUAN KARLOS\tJN KRLS\nN/A\t\t\t\n"
    );
}

#[test]
fn normalize_csv_with_mixed_encodings() {
    let mut input = b"record_id,nombre,primer_apellido,segundo_apellido\n".to_vec();
    input.extend_from_slice("1,Ma. de los Ángeles,de la Cruz,MuÃ±oz\n".as_bytes());
    input.extend_from_slice(b"2,JOS\xC9,MU\xD1OZ,Vda. de P\xC9REZ\n");
    let o = padron(&["name", "normalize", "-"], &input);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("record_id,given_ortho,given_match,"));
    assert_eq!(
        lines[1],
        "1,MARÍA DE LOS ÁNGELES,MARIA DE LOS ANGELES,MARIA:prefix DE:particle LOS:particle ANGELES:name*,ANGELES,DE LA CRUZ,DE LA CRUZ,CRUZ,DELACRUZ,MUÑOZ,MUNOZ,MUNOZ,MUNOZ,,mojibake_repaired;abbreviation_expanded"
    );
    assert_eq!(
        lines[2],
        "2,JOSÉ,JOSE,JOSE:prefix*,JOSE,MUÑOZ,MUNOZ,MUNOZ,MUNOZ,,,,,PEREZ,reencoded;married_surname"
    );
}

#[test]
fn normalize_rejects_a_missing_column_without_output() {
    let o = padron(
        &["name", "normalize", "-"],
        b"nombre,apellido\nJUAN,PEREZ\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("primer_apellido"));
    assert!(!err.contains("JUAN"));
}

#[test]
fn compare_from_arguments_and_csv() {
    let o = padron(
        &[
            "name",
            "compare",
            "--a",
            "Pepe",
            "López",
            "García",
            "1980-05-07",
            "--b",
            "José",
            "García",
            "López",
            "20/11/1980",
        ],
        b"",
    );
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "given\tG_NICK\nsurnames\tS_SWAPPED\nbirth_date\tD_SAME_YEAR\nwhole_name\t"
        ),
        "{out}"
    );
    let csv = "nombre,primer_apellido,segundo_apellido,fecha_nacimiento\nLupita,Hernandez,,1990-05-04\nMa. Guadalupe,Hernández,Ruiz,1990-04-05\n";
    let o = padron(&["name", "compare", "--csv", "-"], csv.as_bytes());
    assert!(o.status.success());
    assert!(stdout(&o)
        .starts_with("given\tG_NICK\nsurnames\tS_PAT_MAT_MISSING\nbirth_date\tD_DM_SWAP\n"));
    let o = padron(
        &[
            "name",
            "compare",
            "--a",
            "x",
            "y",
            "z",
            "1980-13-45",
            "--b",
            "a",
            "b",
            "c",
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("1980-13-45"));
}
