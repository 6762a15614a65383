//! Comparators (spec `names.md` §5).
//!
//! - [`metrics`]: string metrics (Jaro-Winkler, Levenshtein, OSA) from the
//!   `rapidfuzz` crate on `match` forms as bytes, giving a [`Score`].
//! - Categorical [`Level`]s for a Fellegi–Sunter / EM model:
//!   [`compare_given`] → [`GivenLevel`], [`compare_surnames`] →
//!   [`SurnameLevel`] (swap-aware, missing maternal, joined forms),
//!   [`DateComparator`] → [`DateLevel`] (day/month swap, one-digit edits,
//!   placeholder dates).
//! - The whole-name fallback [`monge_elkan`] / [`compare_whole_names`].
//! - The shipped nickname table ([`nicknames`]), used only for `G_NICK`.
//!
//! All comparators are symmetric, pure and allocation-free except
//! [`compare_whole_names`] (which joins each name once).
//!
//! ```
//! use padron::{name, similarity};
//! use similarity::{GivenLevel, SurnameLevel};
//!
//! let a = name::normalize("Ma. Guadalupe", "Hernández", "");
//! let b = name::normalize("Lupita", "Hernandes", "Ruiz");
//! let l = similarity::compare_names(&a, &b);
//! assert_eq!(l.given, GivenLevel::Nickname);
//! assert_eq!(l.surnames, SurnameLevel::PaternalMaternalMissing);
//! ```
//!
//! Thresholds are the spec's starting points, to be recalibrated on
//! clerically reviewed pairs. Term-frequency adjustment of the exact levels
//! belongs to the scoring model: look the agreeing value up in a
//! [`crate::name::FrequencyTable`].

mod date;
mod level;
pub mod metrics;
mod names;
mod nickname;

pub use date::{compare_dates, DateComparator};
pub use level::{DateLevel, GivenLevel, Level, SurnameLevel};
pub use metrics::Score;
pub use names::{
    best_parse_pair, compare_given, compare_names, compare_prepared_given, compare_surname_parts,
    compare_surnames, compare_whole_names, monge_elkan, surnames_agree, NameLevels, PreparedGiven,
    GIVEN_CLOSE_JW, GIVEN_FAR_JW, SURNAME_AGREE_JW, SURNAME_JOINED_JW,
};
pub use nickname::{nicknames, Nickname, NicknameTable};
