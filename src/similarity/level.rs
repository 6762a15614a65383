//! Categorical comparison levels (spec §5), for a Fellegi–Sunter / EM
//! model. The first matching level wins; `Null` means a value was missing
//! on either side (neutral weight, never "disagree").

use std::fmt;

/// What every level enum offers: its spec code and its place in the order
/// of evaluation (0 = strongest).
pub trait Level: Copy + Eq + fmt::Debug + 'static {
    /// Every level, in evaluation order, `Null` last.
    const ALL: &'static [Self];

    /// The spec's code (`G_EXACT`, `S_SWAPPED`, `D_DM_SWAP`…).
    fn code(self) -> &'static str;

    /// Position in [`Level::ALL`].
    fn index(self) -> usize {
        Self::ALL.iter().position(|l| *l == self).unwrap_or(0)
    }

    /// The level with this code.
    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|l| l.code() == code)
    }
}

macro_rules! level_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $code:literal,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vm])* $v,)*
        }

        impl Level for $name {
            const ALL: &'static [$name] = &[$($name::$v,)*];

            fn code(self) -> &'static str {
                match self {
                    $($name::$v => $code,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

level_enum! {
    /// Given-name agreement (§5 "Given names").
    GivenLevel {
        /// Full `match` forms equal.
        Exact => "G_EXACT",
        /// Significant-token strings equal (`MARIA GUADALUPE` vs `GUADALUPE`).
        ExactSignificant => "G_EXACT_SIG",
        /// Nickname table links the two (`PEPE` vs `JOSE`, `CHEMA` vs `JOSE MARIA`).
        Nickname => "G_NICK",
        /// MXF-1 agreement on every significant token of the shorter side.
        Phonetic => "G_PHON",
        /// Jaro-Winkler ≥ 0.92, or OSA distance ≤ 1 with both ≥ 5 letters.
        Close => "G_CLOSE",
        /// One side's significant tokens are among the other's.
        Subset => "G_SUBSET",
        /// One side has only initials and they match the other side.
        Initial => "G_INITIAL",
        /// Jaro-Winkler ≥ 0.80.
        Far => "G_FAR",
        /// Otherwise.
        Else => "G_ELSE",
        /// Missing on either side.
        Null => "G_NULL",
    }
}

level_enum! {
    /// Joint agreement of paternal and maternal surnames (§5 "Surnames").
    SurnameLevel {
        /// Paternal = paternal and maternal = maternal, exact on `core`.
        BothExact => "S_BOTH_EXACT",
        /// Both agree, not both exactly.
        BothAgree => "S_BOTH_AGREE",
        /// Paternal₁ ~ maternal₂ and maternal₁ ~ paternal₂.
        Swapped => "S_SWAPPED",
        /// Paternal agrees, a maternal is missing.
        PaternalMaternalMissing => "S_PAT_MAT_MISSING",
        /// Paternal agrees, maternals disagree.
        PaternalOnly => "S_PAT_ONLY",
        /// Exactly one cross agreement (p₁ ~ m₂ or m₁ ~ p₂).
        CrossOne => "S_CROSS_ONE",
        /// Jaro-Winkler ≥ 0.90 between the joined surname strings.
        Joined => "S_JOINED",
        /// Otherwise.
        Else => "S_ELSE",
        /// No surname on either side.
        Null => "S_NULL",
    }
}

level_enum! {
    /// Birth-date agreement (§5 "Dates of birth").
    DateLevel {
        /// Same date.
        Exact => "D_EXACT",
        /// Day and month swapped (both ≤ 12).
        DayMonthSwap => "D_DM_SWAP",
        /// Exactly one of the 8 digits differs, or two adjacent digits are
        /// transposed.
        OneEdit => "D_ONE_EDIT",
        /// Same day and month, year ± 1.
        YearPlusMinusOne => "D_YEAR_PM1",
        /// Same year (also the best a placeholder date can reach).
        SameYear => "D_SAME_YEAR",
        /// Otherwise.
        Else => "D_ELSE",
        /// Missing on either side.
        Null => "D_NULL",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_order() {
        for l in GivenLevel::ALL {
            assert_eq!(GivenLevel::from_code(l.code()), Some(*l));
        }
        for l in SurnameLevel::ALL {
            assert_eq!(SurnameLevel::from_code(l.code()), Some(*l));
        }
        for l in DateLevel::ALL {
            assert_eq!(DateLevel::from_code(l.code()), Some(*l));
        }
        assert_eq!(GivenLevel::Exact.index(), 0);
        assert_eq!(GivenLevel::Null.index(), GivenLevel::ALL.len() - 1);
        assert_eq!(SurnameLevel::Swapped.to_string(), "S_SWAPPED");
        assert_eq!(DateLevel::from_code("D_NOPE"), None);
    }
}
