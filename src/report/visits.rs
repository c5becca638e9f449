//! The visits report: per day and for the whole range, visits per hour and by purpose, time in
//! building (average and median over the visits signed out), the visits never signed out (by
//! number and purpose only) and the no-ID visits.

use time::Date;

use super::facts::VisitFact;
use super::{bump, per_day, Period, Tally};

/// A visit still open: signed in, never signed out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenVisit {
    pub visit: u32,
    pub purpose: String,
}

/// The numbers of one day, or of the whole range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VisitStats {
    pub visits: u32,
    /// Sign-ins per local hour, 0-23.
    pub by_hour: [u32; 24],
    pub by_purpose: Tally,
    pub no_id: u32,
    pub signed_out: u32,
    /// Over the visits signed out; `None` when there are none.
    pub average_minutes: Option<f64>,
    pub median_minutes: Option<f64>,
    /// Oldest first.
    pub never_signed_out: Vec<OpenVisit>,
}

impl VisitStats {
    /// The numbers of `visits` (all of them: the caller picks the day or range).
    pub fn of<'a>(visits: impl IntoIterator<Item = &'a VisitFact>) -> VisitStats {
        let mut stats = VisitStats::default();
        let mut minutes = Vec::new();
        for v in visits {
            stats.visits += 1;
            stats.by_hour[usize::from(v.signed_in.hour())] += 1;
            bump(&mut stats.by_purpose, &v.purpose);
            stats.no_id += u32::from(v.no_id);
            match (v.signed_out, v.minutes_in_building()) {
                (None, _) => stats.never_signed_out.push(OpenVisit {
                    visit: v.visit,
                    purpose: v.purpose.clone(),
                }),
                (Some(_), Some(m)) => {
                    stats.signed_out += 1;
                    minutes.push(m);
                }
                // signed out before signing in (a clock set back): out, but no duration
                (Some(_), None) => stats.signed_out += 1,
            }
        }
        stats.never_signed_out.sort_by_key(|o| o.visit);
        stats.average_minutes = average(&minutes);
        stats.median_minutes = median(&mut minutes);
        stats
    }

    /// The hours with at least one sign-in.
    pub fn busy_hours(&self) -> usize {
        self.by_hour.iter().filter(|&&n| n > 0).count()
    }
}

fn average(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// Visits of every day of a period, and the whole period.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitsReport {
    pub school: String,
    pub period: Period,
    /// Every day of the period, in order (days without visits too).
    pub days: Vec<(Date, VisitStats)>,
    pub total: VisitStats,
}

impl VisitsReport {
    pub fn new(school: &str, period: Period, visits: &[VisitFact]) -> VisitsReport {
        let mut inside: Vec<&VisitFact> = visits
            .iter()
            .filter(|v| period.contains(v.date()))
            .collect();
        inside.sort_by_key(|v| (v.signed_in, v.visit));
        let days = per_day(
            period,
            inside.iter().copied(),
            VisitFact::date,
            VisitStats::of,
        );
        VisitsReport {
            school: school.to_owned(),
            period,
            days,
            total: VisitStats::of(inside),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::facts::parse_time;
    use time::macros::date;

    pub(crate) fn visit(
        n: u32,
        at: &str,
        out: Option<&str>,
        purpose: &str,
        no_id: bool,
    ) -> VisitFact {
        VisitFact {
            visit: n,
            signed_in: parse_time(at).unwrap(),
            signed_out: out.map(|t| parse_time(t).unwrap()),
            purpose: purpose.into(),
            no_id,
        }
    }

    fn sample() -> Vec<VisitFact> {
        vec![
            // the day before the range: left out
            visit(1, "2026-11-22T09:00:00-05:00", None, "Visitor", false),
            visit(
                2,
                "2026-11-23T08:10:00-05:00",
                Some("2026-11-23T08:40:00-05:00"),
                "Visitor",
                false,
            ),
            visit(
                3,
                "2026-11-23T08:50:00-05:00",
                Some("2026-11-23T10:20:00-05:00"),
                "Volunteer",
                true,
            ),
            visit(4, "2026-11-23T13:05:00-05:00", None, "Contractor", false),
            visit(
                5,
                "2026-11-23T13:30:00-05:00",
                Some("2026-11-23T13:40:00-05:00"),
                "Visitor",
                false,
            ),
            // 23:30 local on the 24th, though already the 25th in UTC
            visit(6, "2026-11-24T23:30:00-05:00", None, "Pickup", true),
            visit(7, "2026-11-25T00:10:00-05:00", None, "Visitor", false),
        ]
    }

    #[test]
    fn counts_every_number_per_day_and_in_total() {
        let period = Period::new(date!(2026 - 11 - 23), date!(2026 - 11 - 24)).unwrap();
        let report = VisitsReport::new("Lincoln", period, &sample());
        assert_eq!(report.days.len(), 2);
        let (day, d23) = &report.days[0];
        assert_eq!(*day, date!(2026 - 11 - 23));
        assert_eq!(d23.visits, 4);
        let mut hours = [0; 24];
        hours[8] = 2;
        hours[13] = 2;
        assert_eq!(d23.by_hour, hours);
        assert_eq!(d23.busy_hours(), 2);
        assert_eq!(
            d23.by_purpose,
            Tally::from([
                ("Contractor".into(), 1),
                ("Visitor".into(), 2),
                ("Volunteer".into(), 1)
            ])
        );
        assert_eq!((d23.no_id, d23.signed_out), (1, 3));
        // 30, 90 and 10 minutes
        assert_eq!(d23.average_minutes, Some(130.0 / 3.0));
        assert_eq!(d23.median_minutes, Some(30.0));
        assert_eq!(
            d23.never_signed_out,
            [OpenVisit {
                visit: 4,
                purpose: "Contractor".into()
            }]
        );

        let (day, d24) = &report.days[1];
        assert_eq!(*day, date!(2026 - 11 - 24));
        assert_eq!(
            (d24.visits, d24.by_hour[23], d24.no_id, d24.signed_out),
            (1, 1, 1, 0)
        );
        assert_eq!((d24.average_minutes, d24.median_minutes), (None, None));
        assert_eq!(d24.never_signed_out[0].visit, 6);

        let t = &report.total;
        assert_eq!((t.visits, t.no_id, t.signed_out), (5, 2, 3));
        assert_eq!((t.by_hour[8], t.by_hour[13], t.by_hour[23]), (2, 2, 1));
        assert_eq!(t.by_purpose["Pickup"], 1);
        assert_eq!(t.median_minutes, Some(30.0));
        let open: Vec<u32> = t.never_signed_out.iter().map(|o| o.visit).collect();
        assert_eq!(open, [4, 6]);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        let visits = [
            visit(
                1,
                "2026-11-23T08:00:00-05:00",
                Some("2026-11-23T08:10:00-05:00"),
                "V",
                false,
            ),
            visit(
                2,
                "2026-11-23T08:00:00-05:00",
                Some("2026-11-23T08:20:00-05:00"),
                "V",
                false,
            ),
            visit(
                3,
                "2026-11-23T08:00:00-05:00",
                Some("2026-11-23T08:30:00-05:00"),
                "V",
                false,
            ),
            visit(
                4,
                "2026-11-23T08:00:00-05:00",
                Some("2026-11-23T09:40:00-05:00"),
                "V",
                false,
            ),
        ];
        let stats = VisitStats::of(&visits);
        assert_eq!(stats.median_minutes, Some(25.0));
        assert_eq!(stats.average_minutes, Some(40.0));
    }

    #[test]
    fn an_empty_range_has_zero_days_filled_in() {
        let period = Period::new(date!(2026 - 12 - 01), date!(2026 - 12 - 03)).unwrap();
        let report = VisitsReport::new("Lincoln", period, &sample());
        assert_eq!(report.days.len(), 3);
        assert!(report.days.iter().all(|(_, s)| *s == VisitStats::default()));
        assert_eq!(report.total, VisitStats::default());
    }
}
