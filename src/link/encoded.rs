//! The engine reads encodings files: [`LinkInput`] for [`EncodedPadron`].

use super::{ComparisonDef, FieldSpec, InputSchema, LinkInput, TokenBytes};
use crate::encodings::{EncodedPadron, Header};

/// The engine's view of an encodings header: token rules in file order,
/// and the Bloom fields that have a per-field filter, with a crosswise
/// group for every key group shared by two or more of them (the surnames).
pub fn input_schema(header: &Header) -> InputSchema {
    let layout = header.layout();
    let with_filter: Vec<_> = layout.fields.iter().filter(|f| f.slot.words > 0).collect();
    let mut groups: Vec<&str> = Vec::new();
    let fields = with_filter
        .iter()
        .map(|f| {
            let shared = with_filter.iter().filter(|g| g.group == f.group).count() > 1;
            if !shared {
                return FieldSpec::new(f.column.clone());
            }
            let id = match groups.iter().position(|g| *g == f.group) {
                Some(i) => i,
                None => {
                    groups.push(&f.group);
                    groups.len() - 1
                }
            };
            FieldSpec::grouped(f.column.clone(), id as u32)
        })
        .collect();
    InputSchema {
        token_rules: header
            .rules()
            .iter()
            .map(|r| r.name().to_string())
            .collect(),
        fields,
        key_fingerprint: header.fingerprint().as_bytes().to_vec(),
    }
}

/// The comparisons we recommend for an encodings header: equality of the
/// full-CURP token when the file has that rule (a valid CURP is the
/// strongest single piece of evidence), with "same root, other
/// differentiator" as a veto when the file also has `curp_root`: those are
/// RENAPO's homonyms, two persons with the same names, birth date, sex and
/// state, whom no other field can tell apart. Valid CURPs that differ in
/// the root keep a fitted weight (a captured typo can still pass the check
/// digit). Then one Dice comparison per per-field filter.
/// Other token rules are combinations of the same fields, so scoring them
/// too would count the same evidence twice; they serve as blocking keys.
pub fn recommended_comparisons(header: &Header) -> Vec<ComparisonDef> {
    let schema = input_schema(header);
    let mut out = Vec::new();
    match (schema.rule_index("curp"), schema.rule_index("curp_root")) {
        (Some(_), Some(_)) => out.push(
            ComparisonDef::token("curp")
                .with_weaker_token("curp_root")
                .with_veto("token:curp_root"),
        ),
        (Some(_), None) => out.push(ComparisonDef::token("curp")),
        _ => {}
    }
    out.extend(ComparisonDef::defaults_for(&schema));
    out
}

/// Positions in the file's schema of the fields the engine sees.
fn filter_fields(header: &Header) -> Vec<usize> {
    header
        .layout()
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.slot.words > 0)
        .map(|(i, _)| i)
        .collect()
}

/// An [`EncodedPadron`] ready for the engine (the field numbering differs:
/// fields without a per-field filter are not shown to it).
#[derive(Debug)]
pub struct EncodedInput<'a> {
    padron: &'a EncodedPadron,
    schema: InputSchema,
    fields: Vec<usize>,
}

impl<'a> EncodedInput<'a> {
    /// Wraps an encoded padrón.
    pub fn new(padron: &'a EncodedPadron) -> EncodedInput<'a> {
        EncodedInput {
            schema: input_schema(padron.header()),
            fields: filter_fields(padron.header()),
            padron,
        }
    }

    /// The wrapped padrón.
    pub fn padron(&self) -> &'a EncodedPadron {
        self.padron
    }
}

impl LinkInput for EncodedInput<'_> {
    fn len(&self) -> usize {
        self.padron.len()
    }

    fn schema(&self) -> InputSchema {
        self.schema.clone()
    }

    fn record_id(&self, i: usize) -> &str {
        self.padron.id(i).unwrap_or("")
    }

    fn token(&self, i: usize, rule: usize) -> Option<&TokenBytes> {
        self.padron.token_ref(i, rule).map(|t| t.as_bytes())
    }

    fn field_filter(&self, i: usize, field: usize) -> Option<&[u64]> {
        let f = *self.fields.get(field)?;
        let words = self.padron.field_filter(i, f);
        (!words.is_empty() && words.iter().any(|&w| w != 0)).then_some(words)
    }

    fn record_filter(&self, i: usize) -> &[u64] {
        self.padron.record_filter(i)
    }
}
