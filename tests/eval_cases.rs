//! `eval` on hand-made cases (testdata/eval/); every expected value is
//! worked out by hand in the comments.

use padron::eval::{
    read_corruptions, read_pairs, read_truth, Corruptions, EvalError, Evaluator, Mode, Report,
    Truth,
};

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/eval/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap()
}

fn close(got: Option<f64>, want: f64) {
    let g = got.expect("a value, not None");
    assert!((g - want).abs() < 1e-12, "got {g}, want {want}");
}

fn linkage_report() -> Report {
    let truth = read_truth(&data("linkage_truth.csv")[..]).unwrap();
    let matches = read_pairs(&data("linkage_matches.csv")[..], "matches").unwrap();
    let candidates = read_pairs(&data("linkage_candidates.csv")[..], "candidates").unwrap();
    let corruptions = read_corruptions(&data("linkage_corruptions.csv")[..]).unwrap();
    Evaluator::new(&truth, Mode::Linkage)
        .matches(matches)
        .candidates(candidates)
        .corruptions(&corruptions)
        .report()
}

#[test]
fn linkage_pairs() {
    let r = linkage_report();
    // True cross-padrón pairs: p1 = {a1 | b1, b4} gives (a1,b1), (a1,b4);
    // p2 = {a2 | b2} gives (a2,b2); p3, p4, p5 have one record each. = 3.
    assert_eq!(r.true_pairs, 3);
    assert_eq!((r.records, r.persons), (8, 5));
    // 7 rows: (a1,b1) TP; (b2,a2) TP reversed; (a3,b3) FP; (a1,b1) repeated;
    // (b1,b4) both in padrón 2: out of scope; (a4,a4) self; (a9,b1) unknown.
    assert_eq!(r.input.pairs_read, 7);
    assert_eq!(r.input.repeated, 1);
    assert_eq!(r.input.out_of_scope, 1);
    assert_eq!(r.input.self_pairs, 1);
    assert_eq!(r.input.unknown_ids, 1);
    assert_eq!(r.input.evaluated, 3);
    // TP 2, FP 1, FN 3 - 2 = 1: precision 2/3, recall 2/3, F1 2/3.
    assert_eq!(r.pairs.true_positives, 2);
    assert_eq!(r.pairs.false_positives, 1);
    assert_eq!(r.pairs.false_negatives, 1);
    close(r.pairs.precision, 2.0 / 3.0);
    close(r.pairs.recall, 2.0 / 3.0);
    close(r.pairs.f1, 2.0 / 3.0);
    assert!(r.clusters.is_none());
}

#[test]
fn linkage_blocking() {
    let b = linkage_report().blocking.unwrap();
    // 6 distinct cross pairs; true among them: (a1,b1), (a1,b4), (a2,b2).
    assert_eq!(b.candidate_pairs, 6);
    assert_eq!(b.true_pairs_found, 3);
    // Possible cross pairs: 4 records × 4 records = 16.
    assert_eq!(b.possible_pairs, 16);
    close(b.pair_completeness, 1.0);
    // RR = 1 - 6/16 = 0.625; PQ = 3/6.
    close(b.reduction_ratio, 0.625);
    close(b.pair_quality, 0.5);
}

#[test]
fn linkage_recall_by_tag() {
    let tags = linkage_report().recall_by_tag;
    let rows: Vec<(&str, u64, u64)> = tags
        .iter()
        .map(|t| (t.tag.as_str(), t.true_pairs, t.found))
        .collect();
    // (a1,b1): a1 has nickname -> {nickname}, found.
    // (a1,b4): {nickname} ∪ {curp_missing, nickname}, not found.
    // (a2,b2): a2 empty, b2 case_noise -> {case_noise}, found.
    // No true pair is untouched, so (none) has 0 pairs and recall None.
    assert_eq!(
        rows,
        [
            ("case_noise", 1, 1),
            ("curp_missing", 1, 0),
            ("nickname", 2, 1),
            ("(none)", 0, 0)
        ]
    );
    close(tags[0].recall, 1.0);
    close(tags[1].recall, 0.0);
    close(tags[2].recall, 0.5);
    assert_eq!(tags[3].recall, None);
}

fn dedupe_report() -> Report {
    let truth = read_truth(&data("dedupe_truth.csv")[..]).unwrap();
    let matches = read_pairs(&data("dedupe_matches.csv")[..], "matches").unwrap();
    let candidates = read_pairs(&data("dedupe_candidates.csv")[..], "candidates").unwrap();
    Evaluator::new(&truth, Mode::Dedupe)
        .matches(matches)
        .candidates(candidates)
        .report()
}

#[test]
fn dedupe_pairs() {
    let r = dedupe_report();
    // X = {r1,r2,r3}: 3 pairs; Y = {r4,r5}: 1; Z = {r6,r7}: 1. Total 5.
    assert_eq!(r.true_pairs, 5);
    // (r1,r2) TP, (r3,r4) FP, (r4,r5) TP: TP 2, FP 1, FN 3.
    assert_eq!(
        (
            r.pairs.true_positives,
            r.pairs.false_positives,
            r.pairs.false_negatives
        ),
        (2, 1, 3)
    );
    // P = 2/3, R = 2/5, F1 = 2·(2/3)(2/5)/(2/3 + 2/5) = (8/15)/(16/15) = 1/2.
    close(r.pairs.precision, 2.0 / 3.0);
    close(r.pairs.recall, 0.4);
    close(r.pairs.f1, 0.5);
}

#[test]
fn dedupe_clusters() {
    let c = dedupe_report().clusters.unwrap();
    // Transitive closure: {r1,r2}, {r3,r4,r5}, {r6}, {r7}.
    assert_eq!((c.predicted_clusters, c.true_clusters), (4, 3));
    // Pairwise: predicted pairs 1 + 3 = 4. Overlaps n_ij: {r1,r2}∩X = 2 -> 1
    // pair; {r3,r4,r5}∩X = 1, ∩Y = 2 -> 1 pair. TP 2, FP 2, FN 5 - 2 = 3.
    // P = 1/2, R = 2/5, F1 = 2·0.5·0.4/0.9 = 4/9.
    assert_eq!(
        (
            c.pairwise.true_positives,
            c.pairwise.false_positives,
            c.pairwise.false_negatives
        ),
        (2, 2, 3)
    );
    close(c.pairwise.precision, 0.5);
    close(c.pairwise.recall, 0.4);
    close(c.pairwise.f1, 4.0 / 9.0);
    // B-cubed per record (precision, recall):
    // r1, r2: P={r1,r2}, T=X: ∩ = 2 -> (1, 2/3)
    // r3: P={r3,r4,r5}, T=X: ∩ = 1 -> (1/3, 1/3)
    // r4, r5: P={r3,r4,r5}, T=Y: ∩ = 2 -> (2/3, 1)
    // r6, r7: P={self}, T=Z: ∩ = 1 -> (1, 1/2)
    // precision = (1+1+1/3+2/3+2/3+1+1)/7 = (17/3)/7 = 17/21
    // recall = (2/3+2/3+1/3+1+1+1/2+1/2)/7 = (14/3)/7 = 2/3
    // F1 = 2·(17/21)(2/3)/(17/21 + 2/3) = (68/63)/(31/21) = 68/93.
    close(c.bcubed_precision, 17.0 / 21.0);
    close(c.bcubed_recall, 2.0 / 3.0);
    close(c.bcubed_f1, 68.0 / 93.0);
}

#[test]
fn dedupe_blocking() {
    let b = dedupe_report().blocking.unwrap();
    // Candidates (r1,r2), (r1,r3), (r6,r7) true, (r5,r6) not: 3 of 5 true
    // pairs; possible pairs C(7,2) = 21.
    assert_eq!(
        (b.candidate_pairs, b.true_pairs_found, b.possible_pairs),
        (4, 3, 21)
    );
    close(b.pair_completeness, 0.6);
    close(b.reduction_ratio, 1.0 - 4.0 / 21.0);
    close(b.pair_quality, 0.75);
}

#[test]
fn perfect_and_empty_matchers() {
    let truth = read_truth(&data("dedupe_truth.csv")[..]).unwrap();
    // Declaring every true pair: everything is 1.
    let all = [
        ("r1", "r2"),
        ("r1", "r3"),
        ("r2", "r3"),
        ("r4", "r5"),
        ("r6", "r7"),
    ];
    let r = Evaluator::new(&truth, Mode::Dedupe).matches(all).report();
    close(r.pairs.f1, 1.0);
    let c = r.clusters.unwrap();
    close(c.pairwise.f1, 1.0);
    close(c.bcubed_f1, 1.0);
    // Declaring nothing: precision undefined (0/0), recall 0. All records
    // are singletons: B-cubed precision 1; recall (1/3·3 + 1/2·4)/7 = 3/7.
    let none: [(&str, &str); 0] = [];
    let r = Evaluator::new(&truth, Mode::Dedupe).matches(none).report();
    assert_eq!(r.pairs.precision, None);
    close(r.pairs.recall, 0.0);
    assert_eq!(r.pairs.f1, None);
    let c = r.clusters.unwrap();
    close(c.bcubed_precision, 1.0);
    close(c.bcubed_recall, 3.0 / 7.0);
    // Empty truth: nothing is defined.
    let r = Evaluator::new(&Truth::new(), Mode::Linkage)
        .matches([("a", "b")])
        .report();
    assert_eq!(r.input.unknown_ids, 1);
    assert_eq!((r.pairs.precision, r.pairs.recall), (None, None));
}

#[test]
fn linkage_ignores_within_padron_true_pairs() {
    // p1 has two records in padrón 2: (b1,b4) is a true pair for dedupe but
    // not in linkage scope. Dedupe over the same truth has 3 + 1 = 4 pairs.
    let truth = read_truth(&data("linkage_truth.csv")[..]).unwrap();
    let r = Evaluator::new(&truth, Mode::Dedupe)
        .matches([("b1", "b4")])
        .report();
    assert_eq!(r.true_pairs, 4);
    assert_eq!(r.pairs.true_positives, 1);
}

#[test]
fn corruptions_accumulate_and_ignore_blanks() {
    let mut c = Corruptions::new();
    c.push("a1", " nickname ; ;case_noise");
    c.push("a1", "nickname");
    let mut t = Truth::new();
    t.push("a1", "1", "p").unwrap();
    t.push("b1", "2", "p").unwrap();
    let r = Evaluator::new(&t, Mode::Linkage)
        .matches([("a1", "b1")])
        .corruptions(&c)
        .report();
    let rows: Vec<(&str, u64)> = r
        .recall_by_tag
        .iter()
        .map(|x| (x.tag.as_str(), x.true_pairs))
        .collect();
    assert_eq!(rows, [("case_noise", 1), ("nickname", 1), ("(none)", 0)]);
}

#[test]
fn reader_errors_name_row_and_column_not_values() {
    let e = read_truth(&b"record_id,person_id\nSECRET1,x\n"[..]).unwrap_err();
    assert!(matches!(
        e,
        EvalError::MissingColumn {
            column: "padron",
            ..
        }
    ));
    let e = read_truth(&b"record_id,padron,person_id\nSECRET1,1,\n"[..]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "truth file, row 1: column person_id is empty"
    );
    let e = read_truth(&b"record_id,padron,person_id\nSECRET1,1,a\nSECRET1,2,b\n"[..]).unwrap_err();
    assert_eq!(e.to_string(), "truth file, row 2: record id already seen");
    assert!(!format!("{e:?}").contains("SECRET"));
    let e = read_pairs(&b"a,b\nx,y\n"[..], "matches").unwrap_err();
    assert_eq!(e.to_string(), "matches file has no column record_id_a");
    // Header names: any case, a UTF-8 BOM, blanks and extra columns are fine.
    let p = read_pairs(
        &b"\xEF\xBB\xBFRecord_ID_A , RECORD_ID_B,score\n x , y ,1\n"[..],
        "matches",
    )
    .unwrap();
    assert_eq!(p, [("x".to_owned(), "y".to_owned())]);
}
