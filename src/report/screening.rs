//! The flags and decisions reports: per day and in total, flags by source or list (and how
//! many visits were flagged), decisions by outcome and by operator, and the list of each
//! (time, visit number, record id, list, outcome, operator; never a visitor's name).

use std::collections::BTreeSet;

use time::Date;

use super::facts::{DecisionFact, FlagFact};
use super::{bump, per_day, Period, Tally};

/// The flags of one day, or of the whole range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlagStats {
    /// Records handed to staff (one visit can flag several).
    pub flags: u32,
    /// Visits with at least one flag.
    pub flagged_visits: u32,
    /// `registry`, `watchlist:custody` ... ([`FlagFact::source_key`]).
    pub by_source: Tally,
}

impl FlagStats {
    pub fn of<'a>(flags: impl IntoIterator<Item = &'a FlagFact>) -> FlagStats {
        let mut stats = FlagStats::default();
        let mut visits = BTreeSet::new();
        for f in flags {
            stats.flags += 1;
            bump(&mut stats.by_source, &f.source_key());
            // a flag without a visit number still is a flagged check-in
            let first_of_visit = f.visit.is_none_or(|v| visits.insert(v));
            stats.flagged_visits += u32::from(first_of_visit);
        }
        stats
    }
}

/// The decisions of one day, or of the whole range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecisionStats {
    pub decisions: u32,
    pub by_outcome: Tally,
    pub by_operator: Tally,
}

impl DecisionStats {
    pub fn of<'a>(decisions: impl IntoIterator<Item = &'a DecisionFact>) -> DecisionStats {
        let mut stats = DecisionStats::default();
        for d in decisions {
            stats.decisions += 1;
            bump(&mut stats.by_outcome, &d.outcome);
            bump(&mut stats.by_operator, &d.operator);
        }
        stats
    }
}

/// Flags per day and in total, and every flag of the period, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagsReport {
    pub school: String,
    pub period: Period,
    pub days: Vec<(Date, FlagStats)>,
    pub total: FlagStats,
    pub flags: Vec<FlagFact>,
}

impl FlagsReport {
    pub fn new(school: &str, period: Period, flags: &[FlagFact]) -> FlagsReport {
        let inside = within(period, flags, |f| f.at);
        FlagsReport {
            school: school.to_owned(),
            period,
            days: per_day(period, &inside, |f| f.at.date(), FlagStats::of),
            total: FlagStats::of(&inside),
            flags: inside,
        }
    }
}

/// Decisions per day and in total, and every decision of the period, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionsReport {
    pub school: String,
    pub period: Period,
    pub days: Vec<(Date, DecisionStats)>,
    pub total: DecisionStats,
    pub decisions: Vec<DecisionFact>,
}

impl DecisionsReport {
    pub fn new(school: &str, period: Period, decisions: &[DecisionFact]) -> DecisionsReport {
        let inside = within(period, decisions, |d| d.at);
        DecisionsReport {
            school: school.to_owned(),
            period,
            days: per_day(period, &inside, |d| d.at.date(), DecisionStats::of),
            total: DecisionStats::of(&inside),
            decisions: inside,
        }
    }
}

/// The items whose local day is in `period`, oldest first (stable for equal times).
fn within<T: Clone>(
    period: Period,
    items: &[T],
    at: impl Fn(&T) -> time::OffsetDateTime,
) -> Vec<T> {
    let mut inside: Vec<T> = items
        .iter()
        .filter(|i| period.contains(at(i).date()))
        .cloned()
        .collect();
    inside.sort_by_key(|i| at(i));
    inside
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::facts::parse_time;
    use time::macros::date;

    pub(crate) fn flag(
        at: &str,
        visit: u32,
        source: &str,
        list: Option<&str>,
        id: &str,
    ) -> FlagFact {
        FlagFact {
            at: parse_time(at).unwrap(),
            visit: Some(visit),
            source: source.into(),
            list: list.map(str::to_owned),
            record_id: id.into(),
        }
    }

    pub(crate) fn decision(at: &str, id: &str, outcome: &str, operator: &str) -> DecisionFact {
        DecisionFact {
            at: parse_time(at).unwrap(),
            visit: Some(3),
            source: "registry".into(),
            record_id: id.into(),
            outcome: outcome.into(),
            operator: operator.into(),
        }
    }

    #[test]
    fn flags_count_per_day_by_source_and_list_and_by_visit() {
        let flags = [
            flag(
                "2026-11-23T10:00:00-05:00",
                4,
                "watchlist",
                Some("custody"),
                "W-2",
            ),
            flag("2026-11-23T08:05:00-05:00", 3, "registry", None, "MO-1"),
            flag("2026-11-23T08:05:00-05:00", 3, "registry", None, "MO-2"),
            flag("2026-11-24T09:00:00-05:00", 9, "watchlist", None, "W-7"),
            flag("2026-11-25T09:00:00-05:00", 10, "registry", None, "MO-3"),
        ];
        let period = Period::new(date!(2026 - 11 - 23), date!(2026 - 11 - 24)).unwrap();
        let report = FlagsReport::new("Lincoln", period, &flags);
        let (day, d23) = &report.days[0];
        assert_eq!(*day, date!(2026 - 11 - 23));
        assert_eq!((d23.flags, d23.flagged_visits), (3, 2));
        assert_eq!(
            d23.by_source,
            Tally::from([("registry".into(), 2), ("watchlist:custody".into(), 1)])
        );
        let (_, d24) = &report.days[1];
        assert_eq!((d24.flags, d24.flagged_visits), (1, 1));
        assert_eq!(d24.by_source, Tally::from([("watchlist".into(), 1)]));
        assert_eq!((report.total.flags, report.total.flagged_visits), (4, 3));
        assert_eq!(report.total.by_source["registry"], 2);
        let ids: Vec<&str> = report.flags.iter().map(|f| f.record_id.as_str()).collect();
        assert_eq!(ids, ["MO-1", "MO-2", "W-2", "W-7"]);
    }

    #[test]
    fn decisions_count_by_outcome_and_by_operator() {
        let decisions = [
            decision(
                "2026-11-23T08:06:00-05:00",
                "MO-1",
                "not-a-match",
                "Ms Office",
            ),
            decision(
                "2026-11-23T08:07:00-05:00",
                "MO-2",
                "not-a-match",
                "Mr Admin",
            ),
            decision("2026-11-23T10:01:00-05:00", "W-2", "deny", "Ms Office"),
            decision("2026-11-22T10:01:00-05:00", "W-2", "deny", "Ms Office"),
        ];
        let report =
            DecisionsReport::new("Lincoln", Period::day(date!(2026 - 11 - 23)), &decisions);
        assert_eq!(report.days.len(), 1);
        let t = &report.total;
        assert_eq!(t.decisions, 3);
        assert_eq!(
            t.by_outcome,
            Tally::from([("deny".into(), 1), ("not-a-match".into(), 2)])
        );
        assert_eq!(
            t.by_operator,
            Tally::from([("Mr Admin".into(), 1), ("Ms Office".into(), 2)])
        );
        assert_eq!(report.days[0].1, *t);
        assert_eq!(report.decisions.len(), 3);
    }
}
