//! The one error type of `pseudo`.

use std::fmt;

/// What went wrong in `pseudo`. Messages name the field, rule or position
/// involved but never a key, a subkey or a personal-data value.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The operating system's random number generator failed.
    Rng,
    /// A key in hex form did not have 64 hex digits (the count found is given).
    KeyLength {
        /// Number of characters found after trimming blanks.
        found: usize,
    },
    /// A key in hex form had a non-hex character at this offset.
    KeyHex {
        /// Character offset (after trimming blanks).
        position: usize,
    },
    /// A hex token or fingerprint was malformed.
    BadHex {
        /// What was being parsed ("token", "fingerprint").
        what: &'static str,
    },
    /// A rule or group name is not 1–64 characters of `a-z0-9_`.
    BadName {
        /// What the name was for ("rule", "group").
        what: &'static str,
    },
    /// A token rule is not acceptable (e.g. a single low-entropy field).
    BadRule {
        /// The rule's name (a schema constant, not personal data).
        rule: String,
        /// Why.
        reason: &'static str,
    },
    /// Two token rules have the same name.
    DuplicateRule {
        /// The rule's name.
        rule: String,
    },
    /// A field value is not in the canonical form the token spec requires.
    NonCanonical {
        /// The field's name (`birth_date`, `given_match`, ...).
        field: &'static str,
        /// The canonical form expected.
        expected: &'static str,
    },
    /// Reading or writing a key file failed.
    Io {
        /// What was being done ("create", "write", "read", "metadata").
        action: &'static str,
        /// The underlying error (it names the path, never the content).
        source: std::io::Error,
    },
    /// A key file is larger than any key file padron writes.
    KeyFileTooLarge,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rng => write!(f, "the operating system's random number generator failed"),
            Error::KeyLength { found } => write!(
                f,
                "a key must be 64 hexadecimal digits (256 bits); found {found} characters"
            ),
            Error::KeyHex { position } => {
                write!(
                    f,
                    "a key must be hexadecimal; bad character at offset {position}"
                )
            }
            Error::BadHex { what } => write!(f, "malformed hexadecimal {what}"),
            Error::BadName { what } => write!(
                f,
                "a {what} name must be 1 to 64 characters from a-z, 0-9 and _"
            ),
            Error::BadRule { rule, reason } => write!(f, "token rule {rule:?}: {reason}"),
            Error::DuplicateRule { rule } => write!(f, "token rule {rule:?} is defined twice"),
            Error::NonCanonical { field, expected } => {
                write!(
                    f,
                    "field {field} is not in canonical form (expected {expected})"
                )
            }
            Error::Io { action, source } => write!(f, "key file {action} failed: {source}"),
            Error::KeyFileTooLarge => write!(f, "key file is too large to be a padron key file"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
