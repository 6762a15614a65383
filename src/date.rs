//! Calendar dates as padrones carry them: birth dates and start dates.
//!
//! A deliberately small proleptic-Gregorian date type. The library never
//! reads the clock: functions that need "today" take it as an argument.

use std::fmt;

/// A valid calendar date (year 1–9999).
///
/// Construct with [`Date::new`] or [`Date::parse`]; both reject impossible
/// dates such as 30 February or 29 February of a common year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// Why a date could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateError {
    /// The text is not in an accepted layout (`YYYY-MM-DD` or `DD/MM/YYYY`).
    Format,
    /// The layout was right but the day does not exist (e.g. 2023-02-29).
    Impossible,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Format => f.write_str("date is not YYYY-MM-DD or DD/MM/YYYY"),
            DateError::Impossible => f.write_str("date does not exist in the calendar"),
        }
    }
}

impl std::error::Error for DateError {}

/// True for Gregorian leap years.
pub fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Number of days in `month` (1–12) of `year`; 0 for an invalid month.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A date, if it exists in the calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if year == 0 || year > 9999 || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The year (1–9999).
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month (1–12).
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month (1–31).
    pub fn day(self) -> u8 {
        self.day
    }

    /// Reads `YYYY-MM-DD` (ISO) or `DD/MM/YYYY` (the usual Mexican form).
    /// Surrounding blanks are ignored; an ISO date may carry a time part
    /// (`1990-01-31T00:00:00` or `1990-01-31 00:00`), as Excel exports do.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let t = text.trim();
        let b = t.as_bytes();
        let digits = |s: &[u8]| -> Option<u32> {
            if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
                return None;
            }
            Some(s.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
        };
        let (y, m, d) = if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
            if b.len() > 10 && b[10] != b'T' && b[10] != b' ' {
                return Err(DateError::Format);
            }
            (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
        } else if b.len() == 10 && b[2] == b'/' && b[5] == b'/' {
            (digits(&b[6..10]), digits(&b[3..5]), digits(&b[0..2]))
        } else {
            return Err(DateError::Format);
        };
        let (Some(y), Some(m), Some(d)) = (y, m, d) else {
            return Err(DateError::Format);
        };
        // Each value fits its type: at most 4 and 2 digits were read.
        Date::new(y as u16, m as u8, d as u8).ok_or(DateError::Impossible)
    }

    /// Days since 0001-01-01 (day 0), for arithmetic on dates.
    pub fn ordinal(self) -> i64 {
        // Days before this year, then before this month, then the day.
        let y = i64::from(self.year) - 1;
        let mut n = y * 365 + y / 4 - y / 100 + y / 400;
        for m in 1..self.month {
            n += i64::from(days_in_month(self.year, m));
        }
        n + i64::from(self.day) - 1
    }

    /// The inverse of [`Date::ordinal`]; `None` outside years 1–9999.
    pub fn from_ordinal(n: i64) -> Option<Date> {
        if !(0..=Date::new(9999, 12, 31)?.ordinal()).contains(&n) {
            return None;
        }
        // 400-year cycles have 146 097 days; walk the remaining years.
        let mut year = (n / 146_097 * 400 + 1) as u16;
        let mut rest = n % 146_097;
        loop {
            let len = if is_leap_year(year) { 366 } else { 365 };
            if rest < len {
                break;
            }
            rest -= len;
            year += 1;
        }
        let mut month = 1u8;
        while rest >= i64::from(days_in_month(year, month)) {
            rest -= i64::from(days_in_month(year, month));
            month += 1;
        }
        Date::new(year, month, (rest + 1) as u8)
    }
}

impl fmt::Display for Date {
    /// ISO form, `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_layouts() {
        assert_eq!(
            Date::parse("1956-06-26"),
            Ok(Date::new(1956, 6, 26).unwrap())
        );
        assert_eq!(
            Date::parse(" 26/06/1956 "),
            Ok(Date::new(1956, 6, 26).unwrap())
        );
        assert_eq!(
            Date::parse("1956-06-26T00:00:00"),
            Ok(Date::new(1956, 6, 26).unwrap())
        );
        assert_eq!(Date::parse("1956/06/26"), Err(DateError::Format));
        assert_eq!(Date::parse("56-06-26"), Err(DateError::Format));
        assert_eq!(Date::parse("1956-0a-26"), Err(DateError::Format));
    }

    #[test]
    fn leap_days() {
        assert!(Date::parse("2000-02-29").is_ok());
        assert!(Date::parse("2024-02-29").is_ok());
        assert_eq!(Date::parse("1900-02-29"), Err(DateError::Impossible));
        assert_eq!(Date::parse("2023-02-29"), Err(DateError::Impossible));
        assert_eq!(Date::parse("31/04/2020"), Err(DateError::Impossible));
    }

    #[test]
    fn ordinal_round_trip() {
        for (y, m, d) in [
            (1, 1, 1),
            (1900, 3, 1),
            (2000, 2, 29),
            (2024, 12, 31),
            (9999, 12, 31),
        ] {
            let date = Date::new(y, m, d).unwrap();
            assert_eq!(Date::from_ordinal(date.ordinal()), Some(date));
        }
        let a = Date::new(2000, 1, 1).unwrap();
        let b = Date::new(1999, 12, 31).unwrap();
        assert_eq!(a.ordinal() - b.ordinal(), 1);
        assert_eq!(Date::new(1, 1, 1).unwrap().ordinal(), 0);
    }
}
