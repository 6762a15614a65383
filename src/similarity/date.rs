//! Birth-date comparator (§5 "Dates of birth").

use crate::date::Date;

use super::level::DateLevel;

/// Compares birth dates, treating placeholder dates as year-only.
///
/// Placeholders (§5): 1 January of any year (which includes `1900-01-01`)
/// and the registry's load date, when given. If either side is a
/// placeholder only the years are compared (`D_SAME_YEAR` or `D_ELSE`).
///
/// ```
/// use padron::date::Date;
/// use padron::similarity::{DateComparator, DateLevel};
///
/// let cmp = DateComparator::new(None);
/// let d = |s| Some(Date::parse(s).unwrap());
/// assert_eq!(cmp.compare(d("1980-05-07"), d("1980-07-05")), DateLevel::DayMonthSwap);
/// assert_eq!(cmp.compare(d("1980-05-07"), d("1980-05-17")), DateLevel::OneEdit);
/// assert_eq!(cmp.compare(d("1980-01-01"), d("1980-05-07")), DateLevel::SameYear);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DateComparator {
    load_date: Option<Date>,
}

impl DateComparator {
    /// A comparator; `load_date` is the date the registry was loaded (a
    /// capture default in some systems), if known.
    pub fn new(load_date: Option<Date>) -> DateComparator {
        DateComparator { load_date }
    }

    /// True for a placeholder date.
    pub fn is_placeholder(&self, d: Date) -> bool {
        (d.month() == 1 && d.day() == 1) || Some(d) == self.load_date
    }

    /// The level of two optional dates.
    pub fn compare(&self, a: Option<Date>, b: Option<Date>) -> DateLevel {
        let (Some(a), Some(b)) = (a, b) else {
            return DateLevel::Null;
        };
        if self.is_placeholder(a) || self.is_placeholder(b) {
            return if a.year() == b.year() {
                DateLevel::SameYear
            } else {
                DateLevel::Else
            };
        }
        if a == b {
            return DateLevel::Exact;
        }
        if a.day() == b.month() && a.month() == b.day() && a.year() == b.year() && a.day() <= 12 {
            return DateLevel::DayMonthSwap;
        }
        if one_edit(&digits(a), &digits(b)) {
            return DateLevel::OneEdit;
        }
        if a.month() == b.month() && a.day() == b.day() && a.year().abs_diff(b.year()) == 1 {
            return DateLevel::YearPlusMinusOne;
        }
        if a.year() == b.year() {
            return DateLevel::SameYear;
        }
        DateLevel::Else
    }
}

/// [`DateComparator::compare`] without a load date.
pub fn compare_dates(a: Option<Date>, b: Option<Date>) -> DateLevel {
    DateComparator::default().compare(a, b)
}

/// `YYYYMMDD` as 8 digits.
fn digits(d: Date) -> [u8; 8] {
    let (y, m, day) = (d.year(), d.month(), d.day());
    let dg = |v: u16, p: u32| (v / 10u16.pow(p) % 10) as u8;
    [
        dg(y, 3),
        dg(y, 2),
        dg(y, 1),
        dg(y, 0),
        m / 10,
        m % 10,
        day / 10,
        day % 10,
    ]
}

/// Exactly one digit differs, or exactly two adjacent digits are swapped.
fn one_edit(a: &[u8; 8], b: &[u8; 8]) -> bool {
    let diff: Vec<usize> = (0..8).filter(|&i| a.get(i) != b.get(i)).collect();
    match diff.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && a.get(*i) == b.get(*j) && a.get(*j) == b.get(*i),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_layout() {
        let d = Date::new(1987, 3, 25).unwrap();
        assert_eq!(digits(d), [1, 9, 8, 7, 0, 3, 2, 5]);
    }
}
