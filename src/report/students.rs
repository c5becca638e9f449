//! The students report: late arrivals and early dismissals per day and in total, each by grade
//! and by reason. No student ids or names: counts only.

use time::Date;

use super::facts::{StudentFact, StudentKind};
use super::{bump, per_day, Period, Tally};

/// Late arrivals or early dismissals: how many, by grade, by reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KindStats {
    pub count: u32,
    pub by_grade: Tally,
    pub by_reason: Tally,
}

/// The student events of one day, or of the whole range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StudentStats {
    pub late_arrivals: KindStats,
    pub early_dismissals: KindStats,
}

impl StudentStats {
    pub fn of<'a>(events: impl IntoIterator<Item = &'a StudentFact>) -> StudentStats {
        let mut stats = StudentStats::default();
        for e in events {
            let kind = match e.kind {
                StudentKind::LateArrival => &mut stats.late_arrivals,
                StudentKind::EarlyDismissal => &mut stats.early_dismissals,
            };
            kind.count += 1;
            bump(&mut kind.by_grade, &e.grade);
            bump(&mut kind.by_reason, &e.reason);
        }
        stats
    }
}

/// Student events per day and in total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudentsReport {
    pub school: String,
    pub period: Period,
    pub days: Vec<(Date, StudentStats)>,
    pub total: StudentStats,
}

impl StudentsReport {
    pub fn new(school: &str, period: Period, events: &[StudentFact]) -> StudentsReport {
        let inside: Vec<&StudentFact> = events
            .iter()
            .filter(|e| period.contains(e.at.date()))
            .collect();
        StudentsReport {
            school: school.to_owned(),
            period,
            days: per_day(
                period,
                inside.iter().copied(),
                |e| e.at.date(),
                StudentStats::of,
            ),
            total: StudentStats::of(inside),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn event(at: &str, kind: StudentKind, grade: &str, reason: &str) -> StudentFact {
        StudentFact::new(at, kind, grade, reason).unwrap()
    }

    #[test]
    fn counts_by_kind_grade_and_reason_per_day() {
        use StudentKind::{EarlyDismissal as Early, LateArrival as Late};
        let events = [
            event("2026-11-23T08:35:00-05:00", Late, "3", "Bus"),
            event("2026-11-23T08:50:00-05:00", Late, "3", "Doctor"),
            event("2026-11-23T09:10:00-05:00", Late, "K", "Bus"),
            event("2026-11-23T13:00:00-05:00", Early, "5", "Doctor"),
            event("2026-11-24T12:00:00-05:00", Early, "5", "Family"),
            event("2026-11-26T08:40:00-05:00", Late, "1", "Bus"),
        ];
        let period = Period::new(date!(2026 - 11 - 23), date!(2026 - 11 - 25)).unwrap();
        let report = StudentsReport::new("Lincoln", period, &events);
        assert_eq!(report.days.len(), 3);
        let d23 = &report.days[0].1;
        assert_eq!(d23.late_arrivals.count, 3);
        assert_eq!(
            d23.late_arrivals.by_grade,
            Tally::from([("3".into(), 2), ("K".into(), 1)])
        );
        assert_eq!(
            d23.late_arrivals.by_reason,
            Tally::from([("Bus".into(), 2), ("Doctor".into(), 1)])
        );
        assert_eq!(d23.early_dismissals.count, 1);
        assert_eq!(
            d23.early_dismissals.by_reason,
            Tally::from([("Doctor".into(), 1)])
        );
        let d24 = &report.days[1].1;
        assert_eq!(
            (d24.late_arrivals.count, d24.early_dismissals.count),
            (0, 1)
        );
        assert_eq!(report.days[2].1, StudentStats::default());
        let t = &report.total;
        assert_eq!((t.late_arrivals.count, t.early_dismissals.count), (3, 2));
        assert_eq!(t.early_dismissals.by_grade, Tally::from([("5".into(), 2)]));
        assert_eq!(
            t.early_dismissals.by_reason,
            Tally::from([("Doctor".into(), 1), ("Family".into(), 1)])
        );
    }
}
