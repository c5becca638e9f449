//! The one-day summary: what the PDF daily summary prints and what the staff screen can show
//! (plain numbers and ready-made lines; nothing here knows about Slint or PDF).

use time::Date;

use super::facts::{AuditFacts, StudentFact, VisitFact};
use super::screening::{DecisionsReport, FlagsReport};
use super::students::StudentsReport;
use super::visits::VisitsReport;
use super::{Period, Tally};

/// The numbers of one school day.
#[derive(Clone, Debug, PartialEq)]
pub struct DailySummary {
    pub school: String,
    pub date: Date,
    pub visits: u32,
    /// Sign-ins per local hour, 0-23 (the chart).
    pub by_hour: [u32; 24],
    /// Visits by purpose (type), sorted by purpose.
    pub by_purpose: Tally,
    pub no_id: u32,
    pub average_minutes: Option<f64>,
    pub median_minutes: Option<f64>,
    /// Visits never signed out, by number (oldest first).
    pub never_signed_out: Vec<u32>,
    pub flags: u32,
    pub flagged_visits: u32,
    pub decisions: u32,
    pub decisions_by_outcome: Tally,
    pub late_arrivals: u32,
    pub early_dismissals: u32,
}

impl DailySummary {
    /// The summary of `date` out of all the facts (other days are ignored).
    pub fn new(
        school: &str,
        date: Date,
        visits: &[VisitFact],
        audit: &AuditFacts,
        students: &[StudentFact],
    ) -> DailySummary {
        let day = Period::day(date);
        let v = VisitsReport::new(school, day, visits).total;
        let f = FlagsReport::new(school, day, &audit.flags).total;
        let d = DecisionsReport::new(school, day, &audit.decisions).total;
        let s = StudentsReport::new(school, day, students).total;
        DailySummary {
            school: school.to_owned(),
            date,
            visits: v.visits,
            by_hour: v.by_hour,
            by_purpose: v.by_purpose,
            no_id: v.no_id,
            average_minutes: v.average_minutes,
            median_minutes: v.median_minutes,
            never_signed_out: v.never_signed_out.iter().map(|o| o.visit).collect(),
            flags: f.flags,
            flagged_visits: f.flagged_visits,
            decisions: d.decisions,
            decisions_by_outcome: d.by_outcome,
            late_arrivals: s.late_arrivals.count,
            early_dismissals: s.early_dismissals.count,
        }
    }

    /// The summary as short lines, in the order the PDF prints them below the chart (a staff
    /// screen can show them as they are).
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!("Visits: {}", self.visits)];
        for (purpose, n) in &self.by_purpose {
            lines.push(format!("  {purpose}: {n}"));
        }
        lines.push(format!("No ID (lobby only): {}", self.no_id));
        lines.push(format!(
            "Average time in building: {}",
            minutes_text(self.average_minutes)
        ));
        lines.push(format!(
            "Median time in building: {}",
            minutes_text(self.median_minutes)
        ));
        lines.push(format!(
            "Never signed out: {}{}",
            self.never_signed_out.len(),
            visit_list(&self.never_signed_out)
        ));
        lines.push(format!(
            "Flags: {} (visits flagged: {})",
            self.flags, self.flagged_visits
        ));
        let outcomes: Vec<String> = self
            .decisions_by_outcome
            .iter()
            .map(|(o, n)| format!("{o} {n}"))
            .collect();
        lines.push(if outcomes.is_empty() {
            format!("Decisions: {}", self.decisions)
        } else {
            format!("Decisions: {} ({})", self.decisions, outcomes.join(", "))
        });
        lines.push(format!("Late arrivals: {}", self.late_arrivals));
        lines.push(format!("Early dismissals: {}", self.early_dismissals));
        lines
    }
}

/// `42 min`, `1 h 05 min`, or `none` when nobody signed out.
pub fn minutes_text(minutes: Option<f64>) -> String {
    let Some(minutes) = minutes else {
        return "none signed out".into();
    };
    let whole = minutes.round() as u64;
    if whole < 60 {
        format!("{whole} min")
    } else {
        format!("{} h {:02} min", whole / 60, whole % 60)
    }
}

/// How many open visits a line names before "and N more".
const LISTED: usize = 8;

/// ` (V-0004, V-0009)`, or nothing for no visits.
fn visit_list(visits: &[u32]) -> String {
    if visits.is_empty() {
        return String::new();
    }
    let mut numbers: Vec<String> = visits
        .iter()
        .take(LISTED)
        .map(|v| format!("V-{v:04}"))
        .collect();
    if visits.len() > LISTED {
        numbers.push(format!("and {} more", visits.len() - LISTED));
    }
    format!(" ({})", numbers.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::facts::StudentKind;
    use crate::report::screening::tests::{decision, flag};
    use crate::report::students::tests::event;
    use crate::report::visits::tests::visit;
    use time::macros::date;

    #[test]
    fn the_summary_of_a_day_and_its_lines() {
        let visits = [
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
            visit(4, "2026-11-23T13:05:00-05:00", None, "Visitor", false),
            visit(5, "2026-11-24T08:00:00-05:00", None, "Visitor", false),
        ];
        let audit = AuditFacts {
            flags: vec![
                flag("2026-11-23T08:50:00-05:00", 3, "registry", None, "MO-1"),
                flag("2026-11-23T08:50:00-05:00", 3, "registry", None, "MO-2"),
            ],
            decisions: vec![
                decision(
                    "2026-11-23T08:51:00-05:00",
                    "MO-1",
                    "not-a-match",
                    "Ms Office",
                ),
                decision(
                    "2026-11-23T08:52:00-05:00",
                    "MO-2",
                    "not-a-match",
                    "Ms Office",
                ),
            ],
        };
        let students = [
            event(
                "2026-11-23T08:40:00-05:00",
                StudentKind::LateArrival,
                "2",
                "Bus",
            ),
            event(
                "2026-11-23T13:40:00-05:00",
                StudentKind::EarlyDismissal,
                "4",
                "Doctor",
            ),
            event(
                "2026-11-23T14:00:00-05:00",
                StudentKind::EarlyDismissal,
                "1",
                "Family",
            ),
        ];
        let s = DailySummary::new("Lincoln", date!(2026 - 11 - 23), &visits, &audit, &students);
        assert_eq!(s.visits, 3);
        assert_eq!((s.by_hour[8], s.by_hour[13]), (2, 1));
        assert_eq!(s.by_hour.iter().sum::<u32>(), 3);
        assert_eq!(s.never_signed_out, [4]);
        assert_eq!((s.flags, s.flagged_visits, s.decisions), (2, 1, 2));
        assert_eq!((s.late_arrivals, s.early_dismissals), (1, 2));
        assert_eq!(
            s.lines(),
            [
                "Visits: 3",
                "  Visitor: 2",
                "  Volunteer: 1",
                "No ID (lobby only): 1",
                "Average time in building: 1 h 00 min",
                "Median time in building: 1 h 00 min",
                "Never signed out: 1 (V-0004)",
                "Flags: 2 (visits flagged: 1)",
                "Decisions: 2 (not-a-match 2)",
                "Late arrivals: 1",
                "Early dismissals: 2",
            ]
        );
    }

    #[test]
    fn a_long_list_of_open_visits_is_cut_short() {
        assert_eq!(visit_list(&[]), "");
        assert_eq!(visit_list(&[4, 9]), " (V-0004, V-0009)");
        let many: Vec<u32> = (1..=10).collect();
        assert_eq!(
            visit_list(&many),
            " (V-0001, V-0002, V-0003, V-0004, V-0005, V-0006, V-0007, V-0008, and 2 more)"
        );
    }

    #[test]
    fn minutes_read_as_hours_from_sixty() {
        assert_eq!(minutes_text(Some(42.4)), "42 min");
        assert_eq!(minutes_text(Some(59.6)), "1 h 00 min");
        assert_eq!(minutes_text(Some(125.0)), "2 h 05 min");
        assert_eq!(minutes_text(None), "none signed out");
    }
}
