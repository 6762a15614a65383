//! `padron key new` + `padron encode` on a small padrón: what leaves an agency.

use padron::encodings::EncodedPadron;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn padron(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_padron"))
        .args(args)
        .output()
        .expect("the padron binary runs")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("padron-cli-encode-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/padron")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn encodes_every_row_and_leaks_no_plaintext() {
    let dir = tmp("leak");
    let key = dir.join("k.key");
    let out = dir.join("a.penc");
    let made = padron(&["key", "new", "-o", key.to_str().unwrap()]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let fingerprint = String::from_utf8_lossy(&made.stdout).trim().to_string();
    let run = padron(&[
        "encode",
        &data("basic.csv"),
        "--key",
        key.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert!(err.contains("10 records written"), "{err}");
    assert!(
        err.contains(&fingerprint),
        "the summary names the key by its public fingerprint: {err}"
    );

    let bytes = std::fs::read(&out).unwrap();
    let enc = EncodedPadron::read(&bytes[..]).unwrap();
    assert_eq!(enc.len(), 10);
    assert_eq!(enc.ids()[0], "1");
    assert_eq!(enc.header().fingerprint().to_string(), fingerprint);
    // No CURP, name, date or 4-letter piece of a name appears in the file.
    let key_hex = std::fs::read_to_string(&key).unwrap();
    let text = String::from_utf8_lossy(&bytes).to_uppercase();
    for needle in [
        "MOTR750314",
        "MORALES",
        "TREJO",
        "ROSA",
        "ELENA",
        "PEREZ",
        "1975-03-14",
        "14/03/1975",
        "MORA",
        "LUIS",
    ] {
        assert!(
            !text.contains(needle),
            "{needle} leaked into the encodings file"
        );
    }
    assert!(
        !text.contains(&key_hex.trim().to_uppercase()),
        "the key leaked"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn missing_key_is_a_usage_error() {
    let dir = tmp("nokey");
    let out = dir.join("a.penc");
    let run = padron(&[
        "encode",
        &data("basic.csv"),
        "--key",
        "no/such.key",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

fn keygen(dir: &Path) -> PathBuf {
    let key = dir.join("k.key");
    let made = padron(&["keygen", "-o", key.to_str().unwrap()]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    key
}

#[test]
fn an_unencodable_row_goes_to_the_reject_list_and_the_rest_is_written() {
    let dir = tmp("reject");
    let key = keygen(&dir);
    let input = dir.join("p.csv");
    let long_id = "9".repeat(70_000);
    std::fs::write(
        &input,
        format!(
            "record_id,curp,nombre,primer_apellido,segundo_apellido,sexo,fecha_nacimiento,entidad_nacimiento\n\
             1,MOTR750314MPLRRS04,ROSA ELENA,MORALES,TREJO,M,1975-03-14,PL\n\
             {long_id},,LUIS,PEREZ,GOMEZ,H,1980-01-02,DF\n\
             3,,ANA,LOPEZ,DIAZ,M,1990-05-06,JC\n"
        ),
    )
    .unwrap();
    let out = dir.join("a.penc");
    let rejects = dir.join("rejects.csv");
    let run = padron(&[
        "encode",
        input.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{err}");
    assert!(err.contains("2 records written"), "{err}");
    assert!(err.contains("1 rows rejected"), "{err}");
    let list = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(lines[1].starts_with("2,3,record_id,"), "{list}");
    assert!(lines[1].contains("65535"), "{list}");
    assert!(!list.contains("LUIS") && !list.contains("99999"), "{list}");
    let enc = EncodedPadron::read(&std::fs::read(&out).unwrap()[..]).unwrap();
    assert_eq!(enc.ids(), ["1", "3"]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn inspect_shows_header_counts_and_fill_rates_but_no_contents() {
    let dir = tmp("inspect");
    let key = keygen(&dir);
    let out = dir.join("a.penc");
    let run = padron(&[
        "encode",
        &data("basic.csv"),
        "--key",
        key.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success());
    let bytes = std::fs::read(&out).unwrap();
    let enc = EncodedPadron::read(&bytes[..]).unwrap();

    let json = padron(&["inspect", "--json", out.to_str().unwrap()]);
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["format"], "padron-encodings");
    assert_eq!(v["version"], 1);
    assert_eq!(v["algorithm"], "hmac-sha256");
    assert_eq!(v["schema"], "padron");
    assert_eq!(v["key_fingerprint"], enc.header().fingerprint().to_string());
    assert_eq!(v["records"], 10);
    let tokens = v["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), enc.rules());
    for (r, t) in tokens.iter().enumerate() {
        let have = (0..enc.len())
            .filter(|&i| enc.token(i, r).is_some())
            .count();
        assert_eq!(t["records"], have as u64, "{t}");
    }
    let filters = v["filters"].as_array().unwrap();
    assert_eq!(filters[0]["filter"], "record");
    let ones: u32 = (0..enc.len())
        .flat_map(|i| enc.record_filter(i).iter().map(|w| w.count_ones()))
        .sum();
    let bits = filters[0]["bits"].as_f64().unwrap();
    let density = filters[0]["mean_bit_density"].as_f64().unwrap();
    assert!((density - f64::from(ones) / (bits * 10.0)).abs() < 1e-12);
    assert_eq!(
        filters.len(),
        1 + enc
            .header()
            .layout()
            .fields
            .iter()
            .filter(|f| f.slot.words > 0)
            .count()
    );

    let text = padron(&["inspect", out.to_str().unwrap()]);
    assert!(text.status.success());
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&text.stdout),
        String::from_utf8_lossy(&json.stdout)
    );
    assert!(shown.contains("records:     10"), "{shown}");
    // No token appears in either output.
    for i in 0..enc.len() {
        for r in 0..enc.rules() {
            if let Some(t) = enc.token(i, r) {
                assert!(!shown.contains(&t.to_hex()), "a token was printed");
            }
        }
    }

    // A truncated file is refused, with no numbers printed.
    let cut = dir.join("cut.penc");
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let bad = padron(&["inspect", cut.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

/// Rows spread over several chunks of the parallel encoder, with rows the
/// reader rejects and rows the encoder rejects in between: the encodings
/// file and the reject list are byte-identical for 1 and 3 threads.
#[test]
fn parallel_encoding_gives_the_sequential_output() {
    let dir = tmp("parallel");
    let key = keygen(&dir);
    let input = dir.join("p.csv");
    let given = ["ROSA ELENA", "LUIS", "MARIA GUADALUPE", "JOSE", "ANA"];
    let surnames = ["MORALES", "PEREZ", "GARCIA", "LOPEZ", "HERNANDEZ", "DIAZ"];
    let mut csv = String::from(
        "record_id,curp,nombre,primer_apellido,segundo_apellido,sexo,fecha_nacimiento,entidad_nacimiento\n",
    );
    for i in 0..9_000usize {
        match i % 997 {
            5 => csv.push_str("short,row\n"),
            7 => csv.push_str(&format!(
                "{},,ANA,DIAZ,DIAZ,M,1990-01-01,DF\n",
                "7".repeat(65_536)
            )),
            _ => csv.push_str(&format!(
                "r{i},{},{},{},{},{},19{:02}-{:02}-{:02},DF\n",
                if i % 3 == 0 { "MOTR750314MPLRRS04" } else { "" },
                given[i % given.len()],
                surnames[i % surnames.len()],
                surnames[(i / 7) % surnames.len()],
                if i % 2 == 0 { "M" } else { "H" },
                i % 100,
                1 + i % 12,
                1 + i % 28
            )),
        }
    }
    std::fs::write(&input, csv).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "3"] {
        let out = dir.join(format!("out{threads}.penc"));
        let rej = dir.join(format!("rej{threads}.csv"));
        let run = padron(&[
            "encode",
            input.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--rejects",
            rej.to_str().unwrap(),
            "--threads",
            threads,
        ]);
        let err = String::from_utf8_lossy(&run.stderr).into_owned();
        assert!(run.status.success(), "{err}");
        outputs.push((
            std::fs::read(&out).unwrap(),
            std::fs::read_to_string(&rej).unwrap(),
            err,
        ));
    }
    let (a, b) = (&outputs[0], &outputs[1]);
    assert!(a.0 == b.0, "encodings differ between 1 and 3 threads");
    assert_eq!(a.1, b.1, "reject lists differ");
    assert_eq!(
        a.2.replace("out1.penc", "OUT"),
        b.2.replace("out3.penc", "OUT"),
        "summaries differ"
    );
    // 10 rows of each rejected kind (i % 997 == 5 or 7 for i < 9000).
    assert_eq!(a.1.lines().count(), 1 + 20, "{}", a.1);
    let enc = EncodedPadron::read(&a.0[..]).unwrap();
    assert_eq!(enc.len(), 9_000 - 20);
    assert_eq!(enc.ids()[0], "r0");
    assert_eq!(enc.ids()[enc.len() - 1], "r8999");
    std::fs::remove_dir_all(&dir).ok();
}
