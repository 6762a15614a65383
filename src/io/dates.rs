//! Date layouts accepted in padrón cells.

use crate::date::{Date, DateError};
use std::fmt;
use std::str::FromStr;

/// How date cells are read.
///
/// The default, [`DateFormat::Auto`], accepts exactly the two layouts of the
/// padrón schema — ISO `YYYY-MM-DD` and the Mexican `DD/MM/YYYY` (days and
/// months may lack their leading zero, as Excel writes them) — optionally
/// followed by a time of day. Anything else (month first, two-digit years,
/// `YYYYMMDD`) must be asked for with a [`DateFormat::Pattern`], because a
/// guess between `03/04` as 3 April or 4 March silently corrupts records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateFormat {
    /// `YYYY-MM-DD` or `D/M/YYYY`.
    #[default]
    Auto,
    /// An explicit layout such as `MM/DD/YYYY` or `YYYYMMDD`.
    Pattern(DatePattern),
}

/// An explicit date layout made of `YYYY`, `MM`, `DD` and separator characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatePattern {
    parts: Vec<Part>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Year,
    Month,
    Day,
    Sep(char),
}

/// The pattern text was not made of `YYYY`, `MM`, `DD` and separators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError;

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date pattern uses YYYY, MM and DD once each, with optional separators (e.g. MM/DD/YYYY)")
    }
}

impl std::error::Error for PatternError {}

impl FromStr for DatePattern {
    type Err = PatternError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = Vec::new();
        let mut rest = s.trim();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("YYYY") {
                parts.push(Part::Year);
                rest = r;
            } else if let Some(r) = rest.strip_prefix("MM") {
                parts.push(Part::Month);
                rest = r;
            } else if let Some(r) = rest.strip_prefix("DD") {
                parts.push(Part::Day);
                rest = r;
            } else {
                let c = rest.chars().next().ok_or(PatternError)?;
                if c.is_alphanumeric() {
                    return Err(PatternError);
                }
                parts.push(Part::Sep(c));
                rest = &rest[c.len_utf8()..];
            }
        }
        for want in [Part::Year, Part::Month, Part::Day] {
            if parts.iter().filter(|&&p| p == want).count() != 1 {
                return Err(PatternError);
            }
        }
        Ok(DatePattern { parts })
    }
}

impl FromStr for DateFormat {
    type Err = PatternError;

    /// `auto`, or a pattern such as `MM/DD/YYYY`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("auto") {
            Ok(DateFormat::Auto)
        } else {
            s.parse().map(DateFormat::Pattern)
        }
    }
}

/// Drops a trailing time of day (`…T00:00:00`, `… 00:00`), as Excel writes it.
fn strip_time(text: &str) -> &str {
    let t = text.trim();
    match t.find(['T', ' ']) {
        Some(i)
            if t[i + 1..].starts_with(|c: char| c.is_ascii_digit()) && t[i + 1..].contains(':') =>
        {
            &t[..i]
        }
        _ => t,
    }
}

fn number(s: &str, min_len: usize, max_len: usize) -> Option<u32> {
    if s.len() < min_len || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn build(y: u32, m: u32, d: u32) -> Result<Date, DateError> {
    let (Ok(y), Ok(m), Ok(d)) = (u16::try_from(y), u8::try_from(m), u8::try_from(d)) else {
        return Err(DateError::Impossible);
    };
    Date::new(y, m, d).ok_or(DateError::Impossible)
}

impl DateFormat {
    /// Reads one cell.
    pub fn parse(&self, text: &str) -> Result<Date, DateError> {
        let t = strip_time(text);
        match self {
            DateFormat::Auto => {
                if let Some((y, rest)) = t.split_once('-') {
                    let (m, d) = rest.split_once('-').ok_or(DateError::Format)?;
                    let (y, m, d) = (number(y, 4, 4), number(m, 2, 2), number(d, 2, 2));
                    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
                        return Err(DateError::Format);
                    };
                    return build(y, m, d);
                }
                let mut it = t.split('/');
                let (Some(d), Some(m), Some(y), None) =
                    (it.next(), it.next(), it.next(), it.next())
                else {
                    return Err(DateError::Format);
                };
                let (Some(d), Some(m), Some(y)) =
                    (number(d, 1, 2), number(m, 1, 2), number(y, 4, 4))
                else {
                    return Err(DateError::Format);
                };
                build(y, m, d)
            }
            DateFormat::Pattern(p) => p.parse(t),
        }
    }
}

impl DatePattern {
    fn parse(&self, t: &str) -> Result<Date, DateError> {
        let has_seps = self.parts.iter().any(|p| matches!(p, Part::Sep(_)));
        let (mut y, mut m, mut d) = (None, None, None);
        let mut rest = t;
        for (i, part) in self.parts.iter().enumerate() {
            match *part {
                Part::Sep(c) => rest = rest.strip_prefix(c).ok_or(DateError::Format)?,
                field => {
                    // Without separators every field has its full width;
                    // with them, a field runs to the next separator.
                    let next_sep = self.parts[i + 1..].iter().find_map(|p| match p {
                        Part::Sep(c) => Some(*c),
                        _ => None,
                    });
                    let width = if field == Part::Year { 4 } else { 2 };
                    let end = match (has_seps, next_sep) {
                        (true, Some(c)) => rest.find(c).ok_or(DateError::Format)?,
                        (true, None) => rest.len(),
                        (false, _) => width.min(rest.len()),
                    };
                    let (text, r) = rest.split_at(end);
                    rest = r;
                    let min = if field == Part::Year || !has_seps {
                        width
                    } else {
                        1
                    };
                    let v = number(text, min, width).ok_or(DateError::Format)?;
                    match field {
                        Part::Year => y = Some(v),
                        Part::Month => m = Some(v),
                        _ => d = Some(v),
                    }
                }
            }
        }
        if !rest.is_empty() {
            return Err(DateError::Format);
        }
        match (y, m, d) {
            (Some(y), Some(m), Some(d)) => build(y, m, d),
            _ => Err(DateError::Format),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn auto_accepts_the_two_schema_layouts() {
        let f = DateFormat::Auto;
        assert_eq!(f.parse("1956-06-26"), Ok(d(1956, 6, 26)));
        assert_eq!(f.parse("26/06/1956"), Ok(d(1956, 6, 26)));
        assert_eq!(f.parse("6/3/1956"), Ok(d(1956, 3, 6)));
        assert_eq!(f.parse("26/06/1956 00:00:00"), Ok(d(1956, 6, 26)));
        assert_eq!(f.parse("1956-06-26T00:00:00"), Ok(d(1956, 6, 26)));
        assert_eq!(f.parse("1956/06/26"), Err(DateError::Format));
        assert_eq!(f.parse("26/06/56"), Err(DateError::Format));
        assert_eq!(f.parse("19560626"), Err(DateError::Format));
        assert_eq!(f.parse("30/02/2000"), Err(DateError::Impossible));
        assert_eq!(f.parse("29/02/2000"), Ok(d(2000, 2, 29)));
        assert_eq!(f.parse(""), Err(DateError::Format));
    }

    #[test]
    fn explicit_patterns() {
        let us: DateFormat = "MM/DD/YYYY".parse().unwrap();
        assert_eq!(us.parse("06/26/1956"), Ok(d(1956, 6, 26)));
        assert_eq!(us.parse("6/26/1956"), Ok(d(1956, 6, 26)));
        assert_eq!(us.parse("26/06/1956"), Err(DateError::Impossible));
        let compact: DateFormat = "YYYYMMDD".parse().unwrap();
        assert_eq!(compact.parse("19560626"), Ok(d(1956, 6, 26)));
        assert_eq!(compact.parse("1956626"), Err(DateError::Format));
        assert_eq!(compact.parse("195606261"), Err(DateError::Format));
        let dashed: DateFormat = "DD-MM-YYYY".parse().unwrap();
        assert_eq!(dashed.parse("26-06-1956"), Ok(d(1956, 6, 26)));
        assert!("YYYY/MM".parse::<DatePattern>().is_err());
        assert!("YYYY-MM-DD-DD".parse::<DatePattern>().is_err());
        assert!("YYYY-MM-DDx".parse::<DatePattern>().is_err());
        assert_eq!("auto".parse::<DateFormat>(), Ok(DateFormat::Auto));
    }
}
