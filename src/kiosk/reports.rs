//! The reports screen behind the staff PIN: the day's [`DailySummary`] (the same numbers as
//! `vestibule report daily`) and a chart of visits per hour, one day at a time, so the office
//! sees the day without a laptop.
//!
//! The flow does not know today's date (no clock in the core): it asks for a day as
//! `days_back` from today ([`Effect::LoadReport`]) and the app, which knows the date, answers
//! with a [`ReportView`] ([`Event::Report`]). An answer for a day staff no longer look at
//! (they left the screen, or stepped on to another day) is dropped. Nothing here names a
//! visitor: the summary has no names to give.

use crate::report::DailySummary;

use super::{Effect, Kiosk, Out, Screen, Tap};

/// How far back staff can step: a school year and then some (`vestibule report` covers more).
pub const OLDEST_DAY_BACK: u32 = 400;

/// The chart always shows the school day, and widens to any hour with visits outside it.
const SCHOOL_HOURS: (usize, usize) = (6, 18);

/// What the reports screen shows for one day.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportView {
    /// The day as asked: 0 is today, 1 yesterday.
    pub days_back: u32,
    /// The day, `2026-11-23`.
    pub date: String,
    /// [`DailySummary::lines`]: visits, by type, time in building, never signed out, flags,
    /// decisions, late arrivals, early dismissals.
    pub lines: Vec<String>,
    /// Sign-ins per local hour, 0-23.
    pub by_hour: [u32; 24],
    /// The store could not be read: the screen says so instead of showing numbers.
    pub unreadable: bool,
}

impl ReportView {
    /// The summary of the day `days_back` days before today.
    pub fn of(days_back: u32, summary: &DailySummary) -> ReportView {
        ReportView {
            days_back,
            date: summary.date.to_string(),
            lines: summary.lines(),
            by_hour: summary.by_hour,
            unreadable: false,
        }
    }

    /// The day's report could not be read (the store failed).
    pub fn unreadable(days_back: u32, date: time::Date) -> ReportView {
        ReportView {
            days_back,
            date: date.to_string(),
            lines: Vec::new(),
            by_hour: [0; 24],
            unreadable: true,
        }
    }

    /// The chart's bars, `(hour, visits)`: the school hours, widened to the first and last
    /// hour that has visits.
    pub fn chart(&self) -> Vec<(u8, u32)> {
        let busy = |h: &usize| self.by_hour[*h] > 0;
        let first = (0..24)
            .find(busy)
            .map_or(SCHOOL_HOURS.0, |h| h.min(SCHOOL_HOURS.0));
        let last = (0..24)
            .rev()
            .find(busy)
            .map_or(SCHOOL_HOURS.1, |h| h.max(SCHOOL_HOURS.1));
        (first..=last).map(|h| (h as u8, self.by_hour[h])).collect()
    }

    /// The busiest hour's visits (the chart's scale); 0 on a day without visits.
    pub fn peak(&self) -> u32 {
        self.by_hour.iter().copied().max().unwrap_or(0)
    }
}

/// The reports screen's state: the day asked for and its answer, once it came.
#[derive(Clone, Debug, Default)]
pub(super) struct Reports {
    days_back: u32,
    view: Option<ReportView>,
}

impl Kiosk {
    /// The report on show (reports screen only); `None` while it loads.
    pub fn report(&self) -> Option<&ReportView> {
        self.reports
            .view
            .as_ref()
            .filter(|_| self.screen == Screen::Reports)
    }

    /// The day the reports screen asked for: 0 is today.
    pub fn report_days_back(&self) -> u32 {
        self.reports.days_back
    }

    /// From the staff home: today's report.
    pub(super) fn open_reports(&mut self, out: &mut Out) {
        self.reports = Reports::default();
        self.go(out, Screen::Reports);
        out.push(Effect::LoadReport { days_back: 0 });
    }

    pub(super) fn reports_tap(&mut self, out: &mut Out, tap: Tap) {
        let days_back = self.reports.days_back;
        match tap {
            Tap::ReportPreviousDay if days_back < OLDEST_DAY_BACK => {
                self.show_day(out, days_back + 1)
            }
            Tap::ReportNextDay if days_back > 0 => self.show_day(out, days_back - 1),
            Tap::Done => {
                self.reports = Reports::default();
                self.go(out, Screen::StaffHome);
            }
            _ => {}
        }
    }

    fn show_day(&mut self, out: &mut Out, days_back: u32) {
        self.reports = Reports {
            days_back,
            view: None,
        };
        out.push(Effect::LoadReport { days_back });
    }

    /// The app's answer: kept only if staff still look at that day.
    pub(super) fn report_loaded(&mut self, view: ReportView) {
        if self.screen == Screen::Reports && view.days_back == self.reports.days_back {
            self.reports.view = Some(view);
        }
    }

    /// Nothing of a report stays once the screen is gone.
    pub(super) fn forget_report(&mut self) {
        self.reports = Reports::default();
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::config::Config;
    use crate::kiosk::{Event, Millis};
    use crate::report::{facts::VisitFact, AuditFacts};

    fn tap(k: &mut Kiosk, now: Millis, label: &str) -> Vec<Effect> {
        let tap = Tap::from_label(label).unwrap_or_else(|| panic!("no tap for {label}"));
        k.handle(now, Event::Tap(tap))
    }

    /// Logged in with the `--sim` demo PIN, on the staff home.
    fn staff() -> Kiosk {
        let config = Config::default();
        let mut k = Kiosk::new(super::super::Settings::new(
            &config,
            config.sim_staff_pins(),
        ));
        for label in [
            "staff",
            "pin-2",
            "pin-4",
            "pin-6",
            "pin-8",
            "pin-1",
            "pin-0",
            "pin-enter",
        ] {
            tap(&mut k, 0, label);
        }
        // The edge checked the PIN (argon2, off the UI thread): it was right.
        k.handle(
            0,
            Event::PinChecked {
                operator: "demo".into(),
                right: true,
            },
        );
        assert_eq!(k.screen(), Screen::StaffHome);
        k
    }

    fn summary(date: time::Date, hours: &[u8]) -> DailySummary {
        let visits: Vec<VisitFact> = hours
            .iter()
            .enumerate()
            .map(|(i, h)| VisitFact {
                visit: i as u32 + 1,
                signed_in: date.with_hms(*h, 10, 0).unwrap().assume_utc(),
                signed_out: None,
                purpose: "visitor".into(),
                no_id: false,
            })
            .collect();
        DailySummary::new("Lincoln", date, &visits, &AuditFacts::default(), &[])
    }

    fn view(days_back: u32, hours: &[u8]) -> ReportView {
        ReportView::of(days_back, &summary(date!(2026 - 11 - 23), hours))
    }

    #[test]
    fn the_labels_are_fixed_and_the_screen_is_for_staff_only() {
        for (label, tap) in [
            ("reports", Tap::Reports),
            ("report-previous-day", Tap::ReportPreviousDay),
            ("report-next-day", Tap::ReportNextDay),
        ] {
            assert_eq!(Tap::from_label(label), Some(tap.clone()));
            assert_eq!(tap.label(), label);
        }
        assert!(!Screen::Reports.visitor_facing());
    }

    #[test]
    fn staff_open_today_and_step_back_but_never_past_today() {
        let mut k = staff();
        assert_eq!(
            tap(&mut k, 1, "reports"),
            [
                Effect::Show(Screen::Reports),
                Effect::LoadReport { days_back: 0 }
            ]
        );
        assert_eq!(k.report(), None, "nothing shown until the answer comes");
        assert!(k.handle(1, Event::Report(view(0, &[9, 9, 14]))).is_empty());
        let shown = k.report().expect("today's report");
        assert_eq!(shown.date, "2026-11-23");
        assert_eq!(shown.lines[0], "Visits: 3");
        assert_eq!(shown.by_hour[9], 2);
        // Today is the newest day there is.
        assert!(tap(&mut k, 2, "report-next-day").is_empty());
        assert_eq!(
            tap(&mut k, 3, "report-previous-day"),
            [Effect::LoadReport { days_back: 1 }]
        );
        assert_eq!(k.report_days_back(), 1);
        assert_eq!(k.report(), None, "today's numbers leave with today");
        k.handle(3, Event::Report(view(1, &[])));
        assert_eq!(k.report().map(|v| v.days_back), Some(1));
        assert_eq!(
            tap(&mut k, 4, "report-next-day"),
            [Effect::LoadReport { days_back: 0 }]
        );
        // Staff screens' other buttons do nothing here.
        assert!(tap(&mut k, 5, "roster").is_empty());
        assert!(tap(&mut k, 5, "staff").is_empty());
        assert_eq!(
            tap(&mut k, 6, "done"),
            [Effect::Show(Screen::StaffHome)],
            "back to the staff home, still logged in"
        );
        assert_eq!(k.operator(), Some("demo"));
        assert_eq!(k.report(), None);
    }

    #[test]
    fn stepping_back_stops_at_the_oldest_day() {
        let mut k = staff();
        tap(&mut k, 1, "reports");
        for _ in 0..OLDEST_DAY_BACK {
            tap(&mut k, 2, "report-previous-day");
        }
        assert_eq!(k.report_days_back(), OLDEST_DAY_BACK);
        assert!(tap(&mut k, 3, "report-previous-day").is_empty());
    }

    #[test]
    fn a_stale_answer_is_dropped() {
        let mut k = staff();
        tap(&mut k, 1, "reports");
        tap(&mut k, 2, "report-previous-day");
        // Today's answer arrives after staff stepped back a day.
        k.handle(3, Event::Report(view(0, &[9])));
        assert_eq!(k.report(), None);
        // Staff left the screen: a late answer shows nowhere, not even on coming back.
        tap(&mut k, 4, "done");
        k.handle(5, Event::Report(view(1, &[9])));
        assert_eq!(k.report(), None);
        tap(&mut k, 6, "reports");
        assert_eq!(k.report_days_back(), 0);
        k.handle(7, Event::Report(view(1, &[9])));
        assert_eq!(k.report(), None);
    }

    #[test]
    fn idle_staff_go_back_to_the_attract_screen_and_the_report_goes_too() {
        let mut k = staff();
        tap(&mut k, 1_000, "reports");
        k.handle(1_000, Event::Report(view(0, &[9])));
        let idle = k.settings().idle_timeout_ms;
        k.handle(1_000 + idle - 1, Event::Tick);
        assert_eq!(k.screen(), Screen::Reports);
        let effects = k.handle(1_000 + idle, Event::Tick);
        assert!(effects.contains(&Effect::Show(Screen::Attract)));
        assert_eq!(k.operator(), None);
        assert_eq!(k.report(), None);
        assert_eq!(k.report_days_back(), 0);
    }

    #[test]
    fn a_store_error_shows_as_an_unreadable_report() {
        let mut k = staff();
        tap(&mut k, 1, "reports");
        k.handle(
            2,
            Event::Report(ReportView::unreadable(0, date!(2026 - 11 - 23))),
        );
        let shown = k.report().unwrap();
        assert!(shown.unreadable && shown.lines.is_empty());
        assert_eq!(shown.peak(), 0);
    }

    #[test]
    fn the_chart_shows_the_school_day_widened_to_every_busy_hour() {
        let hours = |v: &ReportView| v.chart().iter().map(|(h, _)| *h).collect::<Vec<_>>();
        let quiet = view(0, &[]);
        assert_eq!(hours(&quiet), (6..=18).collect::<Vec<u8>>());
        assert_eq!(quiet.peak(), 0);
        let day = view(0, &[8, 8, 8, 13]);
        assert_eq!(hours(&day), (6..=18).collect::<Vec<u8>>());
        assert_eq!(day.chart()[2], (8, 3));
        assert_eq!(day.peak(), 3);
        // An evening event and an early contractor widen the chart.
        let long = view(0, &[5, 20]);
        assert_eq!(hours(&long), (5..=20).collect::<Vec<u8>>());
        assert_eq!(long.chart().first(), Some(&(5, 1)));
        assert_eq!(long.chart().last(), Some(&(20, 1)));
    }
}
