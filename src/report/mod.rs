//! Reports for the office and the district: visits, screening flags, staff decisions and
//! student late arrivals / early dismissals over a range of days, as CSV, JSON or PDF, and the
//! one-page [`DailySummary`] (also what the staff screen can show).
//!
//! Pure but for [`load`], the one edge, which reads the store (for `src/cli/report.rs` and the
//! staff screen) and hands in plain facts ([`facts`]); everything else is counting and
//! formatting. Reports get e-mailed around, so
//! the facts carry no visitor names at all: visits by number and purpose, flags and decisions
//! by record id, list or source, outcome, operator and time.
//!
//! Days are the kiosk's local days, as written in the RFC 3339 offsets of the records: a visit
//! signed in at `2026-11-23T23:30:00-05:00` counts on the 23rd at hour 23.
//!
//! - [`facts`]: the inputs, read from stored visits, audit lines and student events.
//! - [`visits`], [`screening`], [`students`]: the aggregations.
//! - [`daily`]: the one-day summary.
//! - [`format`]: CSV, JSON and the text lines the PDF prints; [`pdf`]: the PDF pages.
//! - [`load`]: the facts of a [`crate::store::Store`], and a day's summary straight from it.

pub mod daily;
pub mod facts;
pub mod format;
pub mod load;
pub mod pdf;
pub mod screening;
pub mod students;
pub mod visits;

use std::collections::BTreeMap;

use time::Date;

pub use daily::DailySummary;
pub use facts::{AuditFacts, DecisionFact, FlagFact, StudentFact, StudentKind, VisitFact};
pub use screening::{DecisionsReport, FlagsReport};
pub use students::StudentsReport;
pub use visits::VisitsReport;

/// Why a report cannot be made. One line, never quoting a person's data.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReportError {
    #[error("--from {from} is after --to {to}")]
    Reversed { from: Date, to: Date },
    #[error("the range {from} to {to} is longer than {MAX_DAYS} days")]
    TooLong { from: Date, to: Date },
}

/// The longest range a report covers (a school year and then some).
pub const MAX_DAYS: i64 = 400;

/// The days a report covers, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    pub fn new(from: Date, to: Date) -> Result<Period, ReportError> {
        if from > to {
            return Err(ReportError::Reversed { from, to });
        }
        if (to - from).whole_days() >= MAX_DAYS {
            return Err(ReportError::TooLong { from, to });
        }
        Ok(Period { from, to })
    }

    /// One day.
    pub fn day(date: Date) -> Period {
        Period {
            from: date,
            to: date,
        }
    }

    pub fn contains(&self, date: Date) -> bool {
        (self.from..=self.to).contains(&date)
    }

    /// Every day of the period, in order.
    pub fn days(&self) -> impl Iterator<Item = Date> {
        let to = self.to;
        std::iter::successors(Some(self.from), move |d| {
            d.next_day().filter(|next| *next <= to)
        })
    }
}

/// Counts by a text key (purpose, source, outcome, operator, grade, reason), sorted by key.
pub type Tally = BTreeMap<String, u32>;

fn bump(tally: &mut Tally, key: &str) {
    *tally.entry(key.to_owned()).or_default() += 1;
}

/// The numbers of every day of `period` (days without items too), each out of that day's
/// items: one pass to sort the items into days, so a year of visits costs no more than a day.
fn per_day<'a, T: 'a, S>(
    period: Period,
    items: impl IntoIterator<Item = &'a T>,
    date: impl Fn(&T) -> Date,
    stats: impl Fn(Vec<&'a T>) -> S,
) -> Vec<(Date, S)> {
    let mut days: BTreeMap<Date, Vec<&'a T>> = BTreeMap::new();
    for item in items {
        days.entry(date(item)).or_default().push(item);
    }
    period
        .days()
        .map(|day| (day, stats(days.remove(&day).unwrap_or_default())))
        .collect()
}

/// Whether a report for `asked` (the `--school` option) covers this database, whose school
/// is `school`: names compare without case and surrounding blanks.
pub fn covers_school(school: &str, asked: Option<&str>) -> bool {
    asked.is_none_or(|asked| asked.trim().eq_ignore_ascii_case(school.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_period_holds_both_ends_and_refuses_reversed_or_huge_ranges() {
        let p = Period::new(date!(2026 - 11 - 28), date!(2026 - 12 - 01)).unwrap();
        let days: Vec<Date> = p.days().collect();
        assert_eq!(
            days,
            [
                date!(2026 - 11 - 28),
                date!(2026 - 11 - 29),
                date!(2026 - 11 - 30),
                date!(2026 - 12 - 01)
            ]
        );
        assert!(p.contains(date!(2026 - 12 - 01)) && !p.contains(date!(2026 - 12 - 02)));
        assert_eq!(Period::day(date!(2026 - 11 - 23)).days().count(), 1);
        assert_eq!(
            Period::new(date!(2026 - 11 - 24), date!(2026 - 11 - 23)),
            Err(ReportError::Reversed {
                from: date!(2026 - 11 - 24),
                to: date!(2026 - 11 - 23)
            })
        );
        assert_eq!(
            Period::new(date!(2026 - 11 - 24), date!(2026 - 11 - 23))
                .unwrap_err()
                .to_string(),
            "--from 2026-11-24 is after --to 2026-11-23"
        );
        assert!(Period::new(date!(2025 - 01 - 01), date!(2026 - 12 - 31)).is_err());
    }

    #[test]
    fn the_school_option_compares_without_case() {
        assert!(covers_school("Lincoln Elementary", None));
        assert!(covers_school(
            "Lincoln Elementary",
            Some(" lincoln elementary ")
        ));
        assert!(!covers_school("Lincoln Elementary", Some("Lincoln Middle")));
    }
}
