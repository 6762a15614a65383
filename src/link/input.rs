//! What the engine reads: the [`LinkInput`] trait, the schema it describes,
//! and [`MemInput`], a compact in-memory implementation.

use std::fmt;

use super::LinkError;

/// A 128-bit keyed token as the engine sees it (opaque bytes).
///
/// Tokens are pseudonyms computed under the holders' key; the engine only
/// tests them for equality and hashes them into join keys.
pub type TokenBytes = [u8; 16];

/// One Bloom-filter field of an input, as described by its schema.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldSpec {
    /// Field name from the Bloom schema (e.g. `surname1`).
    pub name: String,
    /// Crosswise group: fields with the same group id were encoded under one
    /// shared subkey (e.g. the two surnames) and are compared crosswise, by
    /// the best assignment between the two records' fields of the group.
    pub group: Option<u32>,
}

impl FieldSpec {
    /// A field compared only with itself.
    pub fn new(name: impl Into<String>) -> FieldSpec {
        FieldSpec {
            name: name.into(),
            group: None,
        }
    }

    /// A field of crosswise group `group`.
    pub fn grouped(name: impl Into<String>, group: u32) -> FieldSpec {
        FieldSpec {
            name: name.into(),
            group: Some(group),
        }
    }
}

/// What an input carries: token rules, Bloom fields and the key fingerprint.
///
/// Inputs linked together must have equal schemas (same rules and fields in
/// the same order, same key fingerprint).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InputSchema {
    /// Token rule names, in the order of the `rule` argument of
    /// [`LinkInput::token`].
    pub token_rules: Vec<String>,
    /// Bloom fields, in the order of the `field` argument of
    /// [`LinkInput::field_filter`].
    pub fields: Vec<FieldSpec>,
    /// Public key fingerprint of the encodings (empty when unknown, e.g. for
    /// test inputs). Inputs with different fingerprints are refused.
    pub key_fingerprint: Vec<u8>,
}

impl InputSchema {
    /// Index of the token rule called `name`.
    pub fn rule_index(&self, name: &str) -> Option<usize> {
        self.token_rules.iter().position(|r| r == name)
    }

    /// Names of the Bloom fields, in field order.
    pub fn field_names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.clone()).collect()
    }

    /// Index of the Bloom field called `name`.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// Encoded records the engine can link: tokens, per-field Bloom filters and
/// a record-level filter per record, addressed by a dense index.
///
/// Implementations must be cheap to query (the engine calls these in its
/// inner loops) and must return the same answer for the same arguments.
/// Indices passed by the engine are always `< len()`, rules
/// `< schema().token_rules.len()` and fields `< schema().fields.len()`.
pub trait LinkInput: Sync {
    /// Number of records.
    fn len(&self) -> usize;

    /// `true` when there are no records.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The schema of this input.
    fn schema(&self) -> InputSchema;

    /// The holder's record id of record `i` (not personal data by
    /// assumption; used only for output).
    fn record_id(&self, i: usize) -> &str;

    /// Token of rule `rule` for record `i`, `None` when the rule produced
    /// no token (missing or invalid input fields).
    fn token(&self, i: usize, rule: usize) -> Option<&TokenBytes>;

    /// Per-field Bloom filter of `field` for record `i`, `None` when the
    /// field was empty. An all-zero filter is treated as missing too.
    fn field_filter(&self, i: usize, field: usize) -> Option<&[u64]>;

    /// Record-level Bloom filter (CLK) of record `i`.
    fn record_filter(&self, i: usize) -> &[u64];
}

impl<T: LinkInput + ?Sized> LinkInput for &T {
    fn len(&self) -> usize {
        (**self).len()
    }
    fn schema(&self) -> InputSchema {
        (**self).schema()
    }
    fn record_id(&self, i: usize) -> &str {
        (**self).record_id(i)
    }
    fn token(&self, i: usize, rule: usize) -> Option<&TokenBytes> {
        (**self).token(i, rule)
    }
    fn field_filter(&self, i: usize, field: usize) -> Option<&[u64]> {
        (**self).field_filter(i, field)
    }
    fn record_filter(&self, i: usize) -> &[u64] {
        (**self).record_filter(i)
    }
}

/// A compact in-memory [`LinkInput`]: tokens and filters in flat,
/// row-major arrays.
///
/// Used by tests, benches and by callers that build encodings in memory.
/// Every field filter has the same width (`field_words` `u64`s) and every
/// record filter `record_words`.
#[derive(Clone)]
pub struct MemInput {
    schema: InputSchema,
    field_words: usize,
    record_words: usize,
    ids: Vec<String>,
    tokens: Vec<TokenBytes>,
    token_present: Vec<bool>,
    field_present: Vec<bool>,
    fields: Vec<u64>,
    records: Vec<u64>,
}

impl fmt::Debug for MemInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Counts only: tokens and filters are pseudonyms but there is no
        // reason to print them.
        f.debug_struct("MemInput")
            .field("records", &self.ids.len())
            .field("token_rules", &self.schema.token_rules.len())
            .field("fields", &self.schema.fields.len())
            .field("field_words", &self.field_words)
            .field("record_words", &self.record_words)
            .finish()
    }
}

impl MemInput {
    /// An empty input with the given schema and filter widths (in `u64`
    /// words).
    pub fn new(schema: InputSchema, field_words: usize, record_words: usize) -> MemInput {
        MemInput {
            schema,
            field_words,
            record_words,
            ids: Vec::new(),
            tokens: Vec::new(),
            token_present: Vec::new(),
            field_present: Vec::new(),
            fields: Vec::new(),
            records: Vec::new(),
        }
    }

    /// Reserve room for `n` more records.
    pub fn reserve(&mut self, n: usize) {
        let r = self.schema.token_rules.len();
        let f = self.schema.fields.len();
        self.ids.reserve(n);
        self.tokens.reserve(n * r);
        self.token_present.reserve(n * r);
        self.field_present.reserve(n * f);
        self.fields.reserve(n * f * self.field_words);
        self.records.reserve(n * self.record_words);
    }

    /// Append a record. `tokens` has one entry per token rule, `fields` one
    /// per Bloom field (each `field_words` long when present), `record` is
    /// `record_words` long.
    pub fn push(
        &mut self,
        id: impl Into<String>,
        tokens: &[Option<TokenBytes>],
        fields: &[Option<&[u64]>],
        record: &[u64],
    ) -> Result<(), LinkError> {
        let row = self.ids.len();
        if tokens.len() != self.schema.token_rules.len() {
            return Err(LinkError::InputShape {
                row,
                what: "number of tokens",
            });
        }
        if fields.len() != self.schema.fields.len() {
            return Err(LinkError::InputShape {
                row,
                what: "number of field filters",
            });
        }
        if record.len() != self.record_words {
            return Err(LinkError::InputShape {
                row,
                what: "record filter width",
            });
        }
        if fields.iter().flatten().any(|f| f.len() != self.field_words) {
            return Err(LinkError::InputShape {
                row,
                what: "field filter width",
            });
        }
        self.ids.push(id.into());
        for t in tokens {
            self.tokens.push(t.unwrap_or([0; 16]));
            self.token_present.push(t.is_some());
        }
        for f in fields {
            match f {
                Some(words) => {
                    self.fields.extend_from_slice(words);
                    self.field_present.push(words.iter().any(|&w| w != 0));
                }
                None => {
                    self.fields.extend(std::iter::repeat_n(0, self.field_words));
                    self.field_present.push(false);
                }
            }
        }
        self.records.extend_from_slice(record);
        Ok(())
    }
}

impl LinkInput for MemInput {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn schema(&self) -> InputSchema {
        self.schema.clone()
    }

    fn record_id(&self, i: usize) -> &str {
        self.ids.get(i).map_or("", String::as_str)
    }

    fn token(&self, i: usize, rule: usize) -> Option<&TokenBytes> {
        let k = i * self.schema.token_rules.len() + rule;
        if *self.token_present.get(k)? {
            self.tokens.get(k)
        } else {
            None
        }
    }

    fn field_filter(&self, i: usize, field: usize) -> Option<&[u64]> {
        let k = i * self.schema.fields.len() + field;
        if *self.field_present.get(k)? {
            let start = k * self.field_words;
            self.fields.get(start..start + self.field_words)
        } else {
            None
        }
    }

    fn record_filter(&self, i: usize) -> &[u64] {
        let start = i * self.record_words;
        self.records
            .get(start..start + self.record_words)
            .unwrap_or(&[])
    }
}
