//! Dates of birth: how two compare, and which dates a visitor's date should reach in the index.
//!
//! Dates are keyed by Julian day number; key 0 means "unknown" (registry rows and watchlist
//! entries may lack a date of birth).

use time::{Date, Duration, Month};

/// The index key of a date of birth; [`UNKNOWN`] when there is none.
pub type DobKey = u32;
pub const UNKNOWN: DobKey = 0;

pub fn key(dob: Option<Date>) -> DobKey {
    dob.map_or(UNKNOWN, |d| {
        u32::try_from(d.to_julian_day()).unwrap_or(UNKNOWN)
    })
}

pub fn from_key(key: DobKey) -> Option<Date> {
    if key == UNKNOWN {
        return None;
    }
    Date::from_julian_day(i32::try_from(key).ok()?).ok()
}

/// How a registry date relates to the visitor's, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DobMatch {
    Exact,
    /// Day and month swapped (03/07 for 07/03): the classic US/European entry slip.
    Transposed,
    /// One day apart.
    DayOff,
    /// Same day and month, one year apart.
    YearOff,
    /// One digit of YYYYMMDD differs (a keying slip): weak on its own.
    DigitOff,
    /// Either side has no date.
    Unknown,
    Different,
}

impl DobMatch {
    /// The reason shown to staff.
    pub fn reason(self) -> &'static str {
        match self {
            DobMatch::Exact => "dob",
            DobMatch::Transposed => "dob:transposed",
            DobMatch::DayOff => "dob:day-off",
            DobMatch::YearOff => "dob:year-off",
            DobMatch::DigitOff => "dob:digit-off",
            DobMatch::Unknown => "dob:unknown",
            DobMatch::Different => "dob:different",
        }
    }
}

pub fn compare(visitor: Option<Date>, record: Option<Date>) -> DobMatch {
    let (Some(a), Some(b)) = (visitor, record) else {
        return DobMatch::Unknown;
    };
    if a == b {
        DobMatch::Exact
    } else if transposed(a) == Some(b) {
        DobMatch::Transposed
    } else if (a - b).whole_days().abs() == 1 {
        DobMatch::DayOff
    } else if a.month() == b.month() && a.day() == b.day() && (a.year() - b.year()).abs() == 1 {
        DobMatch::YearOff
    } else if digits_apart(a, b) == 1 {
        DobMatch::DigitOff
    } else {
        DobMatch::Different
    }
}

/// Every date a registry row may carry and still be the visitor (except [`DobMatch::Unknown`]):
/// exact, transposed, a day off, a year off (29 February reaches 28 February), one digit off.
/// Sorted, without duplicates.
pub fn near_keys(dob: Date) -> Vec<DobKey> {
    let mut dates = vec![dob];
    dates.extend(transposed(dob));
    dates.extend(dob.checked_add(Duration::days(1)));
    dates.extend(dob.checked_sub(Duration::days(1)));
    for year in [dob.year() - 1, dob.year() + 1] {
        dates.extend(Date::from_calendar_date(year, dob.month(), dob.day()).ok());
        if dob.month() == Month::February && dob.day() == 29 {
            dates.extend(Date::from_calendar_date(year, Month::February, 28).ok());
        }
    }
    let digits = yyyymmdd(dob);
    for position in 0..8 {
        for digit in b'0'..=b'9' {
            if digits[position] == digit {
                continue;
            }
            let mut changed = digits;
            changed[position] = digit;
            dates.extend(parse_yyyymmdd(&changed));
        }
    }
    let mut keys: Vec<DobKey> = dates
        .into_iter()
        .map(|d| key(Some(d)))
        .filter(|&k| k != UNKNOWN)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn transposed(d: Date) -> Option<Date> {
    let month = Month::try_from(d.day()).ok()?;
    let swapped = Date::from_calendar_date(d.year(), month, u8::from(d.month())).ok()?;
    (swapped != d).then_some(swapped)
}

fn yyyymmdd(d: Date) -> [u8; 8] {
    let text = format!(
        "{:04}{:02}{:02}",
        d.year().clamp(0, 9999),
        u8::from(d.month()),
        d.day()
    );
    let mut out = [b'0'; 8];
    out.copy_from_slice(&text.as_bytes()[..8]);
    out
}

fn parse_yyyymmdd(digits: &[u8; 8]) -> Option<Date> {
    let text = std::str::from_utf8(digits).ok()?;
    let year: i32 = text[..4].parse().ok()?;
    let month: u8 = text[4..6].parse().ok()?;
    let day: u8 = text[6..].parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

fn digits_apart(a: Date, b: Date) -> usize {
    yyyymmdd(a)
        .iter()
        .zip(yyyymmdd(b).iter())
        .filter(|(x, y)| x != y)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn classes_are_recognised() {
        let d = date!(1975 - 03 - 07);
        assert_eq!(compare(Some(d), Some(d)), DobMatch::Exact);
        assert_eq!(
            compare(Some(d), Some(date!(1975 - 07 - 03))),
            DobMatch::Transposed
        );
        assert_eq!(
            compare(Some(d), Some(date!(1975 - 03 - 08))),
            DobMatch::DayOff
        );
        assert_eq!(
            compare(Some(d), Some(date!(1976 - 03 - 07))),
            DobMatch::YearOff
        );
        assert_eq!(
            compare(Some(d), Some(date!(1985 - 03 - 07))),
            DobMatch::DigitOff
        );
        assert_eq!(
            compare(Some(d), Some(date!(1981 - 11 - 20))),
            DobMatch::Different
        );
        assert_eq!(compare(Some(d), None), DobMatch::Unknown);
        // a day off across a month end is still a day off
        assert_eq!(
            compare(Some(date!(1975 - 03 - 31)), Some(date!(1975 - 04 - 01))),
            DobMatch::DayOff
        );
    }

    #[test]
    fn near_keys_reach_every_near_class() {
        let d = date!(1975 - 03 - 07);
        let keys = near_keys(d);
        for other in [
            d,
            date!(1975 - 07 - 03),
            date!(1975 - 03 - 06),
            date!(1974 - 03 - 07),
            date!(1985 - 03 - 07),
        ] {
            assert!(keys.contains(&key(Some(other))), "{other}");
        }
        assert!(!keys.contains(&key(Some(date!(1990 - 01 - 01)))));
        let leap = near_keys(date!(1980 - 02 - 29));
        assert!(leap.contains(&key(Some(date!(1981 - 02 - 28)))));
    }

    #[test]
    fn keys_round_trip() {
        let d = date!(2001 - 12 - 31);
        assert_eq!(from_key(key(Some(d))), Some(d));
        assert_eq!(from_key(UNKNOWN), None);
    }
}
