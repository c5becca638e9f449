//! The reports as CSV, JSON and the text lines of their PDF. The CSV headers are a promise
//! (docs/reports.md): columns are only ever added at the end.
//!
//! - visits and students: one measure a row, `school,date,measure,key,value`; `date` is the
//!   day or `total` (the whole range); `key` is the hour, purpose, grade, reason or visit
//!   number the measure is broken down by (empty for plain counts).
//! - flags: one flag a row, `school,date,time,visit,source,list,record_id`.
//! - decisions: one decision a row, `school,date,time,visit,source,record_id,outcome,operator`.

use serde_json::{json, Map, Value};
use time::{Date, OffsetDateTime};

use super::daily::minutes_text;
use super::facts::{DecisionFact, FlagFact};
use super::screening::{DecisionStats, DecisionsReport, FlagStats, FlagsReport};
use super::students::{KindStats, StudentStats, StudentsReport};
use super::visits::{VisitStats, VisitsReport};
use super::{Period, Tally};

pub const MEASURE_HEADER: [&str; 5] = ["school", "date", "measure", "key", "value"];
pub const FLAGS_HEADER: [&str; 7] = [
    "school",
    "date",
    "time",
    "visit",
    "source",
    "list",
    "record_id",
];
pub const DECISIONS_HEADER: [&str; 8] = [
    "school",
    "date",
    "time",
    "visit",
    "source",
    "record_id",
    "outcome",
    "operator",
];

/// `V-0042`, as the kiosk and badges write a visit number.
pub fn visit_text(visit: Option<u32>) -> String {
    visit.map(|v| format!("V-{v:04}")).unwrap_or_default()
}

/// Minutes to one decimal.
fn minutes(value: Option<f64>) -> Option<f64> {
    value.map(|m| (m * 10.0).round() / 10.0)
}

fn minutes_cell(value: Option<f64>) -> String {
    minutes(value)
        .map(|m| format!("{m:.1}"))
        .unwrap_or_default()
}

fn clock(at: OffsetDateTime) -> String {
    format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second())
}

/// Rows of text cells written as CSV (RFC 4180 quoting).
fn csv(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let written = out
        .write_record(header)
        .and_then(|()| rows.iter().try_for_each(|row| out.write_record(row)));
    written.expect("writing CSV to memory cannot fail");
    let bytes = out.into_inner().expect("writing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 cells is UTF-8")
}

/// Measure rows of one report: `school,date,measure,key,value`.
struct Measures<'a> {
    school: &'a str,
    rows: Vec<Vec<String>>,
}

impl Measures<'_> {
    fn push(&mut self, date: &str, measure: &str, key: &str, value: impl ToString) {
        self.rows.push(vec![
            self.school.to_owned(),
            date.to_owned(),
            measure.to_owned(),
            key.to_owned(),
            value.to_string(),
        ]);
    }

    fn tally(&mut self, date: &str, measure: &str, tally: &Tally) {
        for (key, n) in tally {
            self.push(date, measure, key, n);
        }
    }
}

fn day_label(day: Option<Date>) -> String {
    day.map_or_else(|| "total".to_owned(), |d| d.to_string())
}

/// The visits report as CSV.
pub fn visits_csv(report: &VisitsReport) -> String {
    let mut m = Measures {
        school: &report.school,
        rows: Vec::new(),
    };
    let sections = report.days.iter().map(|(d, s)| (Some(*d), s));
    for (day, s) in sections.chain([(None, &report.total)]) {
        let date = day_label(day);
        m.push(&date, "visits", "", s.visits);
        for (hour, n) in s.by_hour.iter().enumerate().filter(|(_, n)| **n > 0) {
            m.push(&date, "visits_by_hour", &format!("{hour:02}"), n);
        }
        m.tally(&date, "visits_by_purpose", &s.by_purpose);
        m.push(&date, "no_id", "", s.no_id);
        m.push(&date, "signed_out", "", s.signed_out);
        m.push(&date, "never_signed_out", "", s.never_signed_out.len());
        m.push(
            &date,
            "average_minutes",
            "",
            minutes_cell(s.average_minutes),
        );
        m.push(&date, "median_minutes", "", minutes_cell(s.median_minutes));
        for open in &s.never_signed_out {
            m.push(
                &date,
                "never_signed_out_visit",
                &visit_text(Some(open.visit)),
                &open.purpose,
            );
        }
    }
    csv(&MEASURE_HEADER, m.rows)
}

/// The students report as CSV.
pub fn students_csv(report: &StudentsReport) -> String {
    let mut m = Measures {
        school: &report.school,
        rows: Vec::new(),
    };
    let sections = report.days.iter().map(|(d, s)| (Some(*d), s));
    for (day, s) in sections.chain([(None, &report.total)]) {
        let date = day_label(day);
        for (name, kind) in [
            ("late_arrivals", &s.late_arrivals),
            ("early_dismissals", &s.early_dismissals),
        ] {
            m.push(&date, name, "", kind.count);
            m.tally(&date, &format!("{name}_by_grade"), &kind.by_grade);
            m.tally(&date, &format!("{name}_by_reason"), &kind.by_reason);
        }
    }
    csv(&MEASURE_HEADER, m.rows)
}

/// The flags report as CSV: one flag a row.
pub fn flags_csv(report: &FlagsReport) -> String {
    let rows = report
        .flags
        .iter()
        .map(|f| {
            vec![
                report.school.clone(),
                f.at.date().to_string(),
                clock(f.at),
                visit_text(f.visit),
                f.source.clone(),
                f.list.clone().unwrap_or_default(),
                f.record_id.clone(),
            ]
        })
        .collect();
    csv(&FLAGS_HEADER, rows)
}

/// The decisions report as CSV: one decision a row.
pub fn decisions_csv(report: &DecisionsReport) -> String {
    let rows = report
        .decisions
        .iter()
        .map(|d| {
            vec![
                report.school.clone(),
                d.at.date().to_string(),
                clock(d.at),
                visit_text(d.visit),
                d.source.clone(),
                d.record_id.clone(),
                d.outcome.clone(),
                d.operator.clone(),
            ]
        })
        .collect();
    csv(&DECISIONS_HEADER, rows)
}

fn head(report: &str, school: &str, period: Period) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("report".into(), report.into());
    map.insert("school".into(), school.into());
    map.insert("from".into(), period.from.to_string().into());
    map.insert("to".into(), period.to.to_string().into());
    map
}

fn with_date(day: Date, mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        let mut dated = Map::new();
        dated.insert("date".into(), day.to_string().into());
        dated.append(map);
        *map = dated;
    }
    value
}

fn finish<S>(
    mut map: Map<String, Value>,
    days: &[(Date, S)],
    total: &S,
    stats: impl Fn(&S) -> Value,
) -> Map<String, Value> {
    let days: Vec<Value> = days.iter().map(|(d, s)| with_date(*d, stats(s))).collect();
    map.insert("days".into(), days.into());
    map.insert("total".into(), stats(total));
    map
}

fn visit_stats_json(s: &VisitStats) -> Value {
    json!({
        "visits": s.visits,
        "by_hour": s.by_hour,
        "by_purpose": s.by_purpose,
        "no_id": s.no_id,
        "signed_out": s.signed_out,
        "never_signed_out": s.never_signed_out.len(),
        "average_minutes": minutes(s.average_minutes),
        "median_minutes": minutes(s.median_minutes),
        "never_signed_out_visits": s.never_signed_out.iter()
            .map(|o| json!({"visit": visit_text(Some(o.visit)), "purpose": o.purpose}))
            .collect::<Vec<_>>(),
    })
}

fn kind_json(k: &KindStats) -> Value {
    json!({"count": k.count, "by_grade": k.by_grade, "by_reason": k.by_reason})
}

fn student_stats_json(s: &StudentStats) -> Value {
    json!({
        "late_arrivals": kind_json(&s.late_arrivals),
        "early_dismissals": kind_json(&s.early_dismissals),
    })
}

fn flag_stats_json(s: &FlagStats) -> Value {
    json!({"flags": s.flags, "flagged_visits": s.flagged_visits, "by_source": s.by_source})
}

fn decision_stats_json(s: &DecisionStats) -> Value {
    json!({"decisions": s.decisions, "by_outcome": s.by_outcome, "by_operator": s.by_operator})
}

fn flag_json(f: &FlagFact) -> Value {
    json!({
        "date": f.at.date().to_string(), "time": clock(f.at), "visit": f.visit.map(|v| visit_text(Some(v))),
        "source": f.source, "list": f.list, "record_id": f.record_id,
    })
}

fn decision_json(d: &DecisionFact) -> Value {
    json!({
        "date": d.at.date().to_string(), "time": clock(d.at), "visit": d.visit.map(|v| visit_text(Some(v))),
        "source": d.source, "record_id": d.record_id, "outcome": d.outcome,
        "operator": d.operator,
    })
}

pub fn visits_json(r: &VisitsReport) -> Value {
    let map = head("visits", &r.school, r.period);
    Value::Object(finish(map, &r.days, &r.total, visit_stats_json))
}

pub fn students_json(r: &StudentsReport) -> Value {
    let map = head("students", &r.school, r.period);
    Value::Object(finish(map, &r.days, &r.total, student_stats_json))
}

pub fn flags_json(r: &FlagsReport) -> Value {
    let mut map = finish(
        head("flags", &r.school, r.period),
        &r.days,
        &r.total,
        flag_stats_json,
    );
    map.insert("flags".into(), r.flags.iter().map(flag_json).collect());
    Value::Object(map)
}

pub fn decisions_json(r: &DecisionsReport) -> Value {
    let mut map = finish(
        head("decisions", &r.school, r.period),
        &r.days,
        &r.total,
        decision_stats_json,
    );
    map.insert(
        "decisions".into(),
        r.decisions.iter().map(decision_json).collect(),
    );
    Value::Object(map)
}

/// A report as the PDF prints it: a title and lines of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextReport {
    pub title: String,
    pub lines: Vec<String>,
}

fn title(kind: &str, school: &str, period: Period) -> String {
    if period.from == period.to {
        format!("{kind}: {school}, {}", period.from)
    } else {
        format!("{kind}: {school}, {} to {}", period.from, period.to)
    }
}

fn tally_text(tally: &Tally) -> String {
    let parts: Vec<String> = tally.iter().map(|(k, n)| format!("{k} {n}")).collect();
    parts.join(", ")
}

fn visit_lines(label: &str, s: &VisitStats) -> Vec<String> {
    let mut lines = vec![format!(
        "{label}  visits {}  no ID {}  signed out {}  never signed out {}",
        s.visits,
        s.no_id,
        s.signed_out,
        s.never_signed_out.len()
    )];
    if s.visits > 0 {
        lines.push(format!("    by type: {}", tally_text(&s.by_purpose)));
        let hours: Vec<String> = (0..24)
            .filter(|&h| s.by_hour[h] > 0)
            .map(|h| format!("{h:02}h {}", s.by_hour[h]))
            .collect();
        lines.push(format!("    by hour: {}", hours.join(", ")));
        lines.push(format!(
            "    time in building: average {}, median {}",
            minutes_text(s.average_minutes),
            minutes_text(s.median_minutes)
        ));
    }
    for open in &s.never_signed_out {
        lines.push(format!(
            "    never signed out: {} {}",
            visit_text(Some(open.visit)),
            open.purpose
        ));
    }
    lines
}

/// Days with nothing to say are left out of the PDF (the CSV and JSON keep them).
fn days_then_total<S: Default + PartialEq>(
    days: &[(Date, S)],
    total: &S,
    lines_of: impl Fn(&str, &S) -> Vec<String>,
) -> Vec<String> {
    let mut lines = Vec::new();
    for (day, s) in days.iter().filter(|(_, s)| *s != S::default()) {
        lines.extend(lines_of(&day.to_string(), s));
    }
    if lines.is_empty() {
        lines.push("Nothing recorded in this period.".into());
    }
    lines.push(String::new());
    lines.extend(lines_of("Total     ", total));
    lines
}

pub fn visits_text(r: &VisitsReport) -> TextReport {
    TextReport {
        title: title("Visits", &r.school, r.period),
        lines: days_then_total(&r.days, &r.total, visit_lines),
    }
}

pub fn students_text(r: &StudentsReport) -> TextReport {
    let lines_of = |label: &str, s: &StudentStats| {
        let mut lines = vec![format!(
            "{label}  late arrivals {}  early dismissals {}",
            s.late_arrivals.count, s.early_dismissals.count
        )];
        for (name, k) in [("late", &s.late_arrivals), ("early", &s.early_dismissals)] {
            if k.count > 0 {
                lines.push(format!("    {name} by grade: {}", tally_text(&k.by_grade)));
                lines.push(format!(
                    "    {name} by reason: {}",
                    tally_text(&k.by_reason)
                ));
            }
        }
        lines
    };
    TextReport {
        title: title("Late arrivals and early dismissals", &r.school, r.period),
        lines: days_then_total(&r.days, &r.total, lines_of),
    }
}

pub fn flags_text(r: &FlagsReport) -> TextReport {
    let lines_of = |label: &str, s: &FlagStats| {
        vec![format!(
            "{label}  flags {}  visits flagged {}  {}",
            s.flags,
            s.flagged_visits,
            tally_text(&s.by_source)
        )]
    };
    let mut lines = days_then_total(&r.days, &r.total, lines_of);
    if !r.flags.is_empty() {
        lines.push(String::new());
        lines.push("Date        Time      Visit   Source     List       Record".into());
    }
    for f in &r.flags {
        lines.push(format!(
            "{}  {}  {:<6}  {:<9}  {:<9}  {}",
            f.at.date(),
            clock(f.at),
            visit_text(f.visit),
            f.source,
            f.list.as_deref().unwrap_or("-"),
            f.record_id
        ));
    }
    TextReport {
        title: title("Screening flags", &r.school, r.period),
        lines,
    }
}

pub fn decisions_text(r: &DecisionsReport) -> TextReport {
    let lines_of = |label: &str, s: &DecisionStats| {
        let mut lines = vec![format!(
            "{label}  decisions {}  {}",
            s.decisions,
            tally_text(&s.by_outcome)
        )];
        if s.decisions > 0 {
            lines.push(format!("    by operator: {}", tally_text(&s.by_operator)));
        }
        lines
    };
    let mut lines = days_then_total(&r.days, &r.total, lines_of);
    if !r.decisions.is_empty() {
        lines.push(String::new());
        lines.push("Date        Time      Visit   Record      Outcome           Operator".into());
    }
    for d in &r.decisions {
        lines.push(format!(
            "{}  {}  {:<6}  {:<10}  {:<16}  {}",
            d.at.date(),
            clock(d.at),
            visit_text(d.visit),
            d.record_id,
            d.outcome,
            d.operator
        ));
    }
    TextReport {
        title: title("Staff decisions", &r.school, r.period),
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::facts::StudentKind;
    use crate::report::screening::tests::{decision, flag};
    use crate::report::students::tests::event;
    use crate::report::visits::tests::visit;
    use time::macros::date;

    fn period() -> Period {
        Period::new(date!(2026 - 11 - 23), date!(2026 - 11 - 24)).unwrap()
    }

    #[test]
    fn visits_csv_has_one_measure_a_row() {
        let visits = [
            visit(
                2,
                "2026-11-23T08:10:00-05:00",
                Some("2026-11-23T08:40:00-05:00"),
                "Visitor",
                false,
            ),
            visit(
                4,
                "2026-11-23T13:05:00-05:00",
                None,
                "Contractor, day",
                true,
            ),
        ];
        let report = VisitsReport::new("Lincoln", period(), &visits);
        let text = visits_csv(&report);
        let expected = "\
school,date,measure,key,value
Lincoln,2026-11-23,visits,,2
Lincoln,2026-11-23,visits_by_hour,08,1
Lincoln,2026-11-23,visits_by_hour,13,1
Lincoln,2026-11-23,visits_by_purpose,\"Contractor, day\",1
Lincoln,2026-11-23,visits_by_purpose,Visitor,1
Lincoln,2026-11-23,no_id,,1
Lincoln,2026-11-23,signed_out,,1
Lincoln,2026-11-23,never_signed_out,,1
Lincoln,2026-11-23,average_minutes,,30.0
Lincoln,2026-11-23,median_minutes,,30.0
Lincoln,2026-11-23,never_signed_out_visit,V-0004,\"Contractor, day\"
Lincoln,2026-11-24,visits,,0
Lincoln,2026-11-24,no_id,,0
Lincoln,2026-11-24,signed_out,,0
Lincoln,2026-11-24,never_signed_out,,0
Lincoln,2026-11-24,average_minutes,,
Lincoln,2026-11-24,median_minutes,,
";
        assert!(text.starts_with(expected), "{text}");
        assert!(text.contains("Lincoln,total,visits,,2\n"));
        assert!(text.ends_with("Lincoln,total,never_signed_out_visit,V-0004,\"Contractor, day\"\n"));
    }

    #[test]
    fn visits_json_carries_every_number() {
        let visits = [visit(
            2,
            "2026-11-23T08:10:00-05:00",
            Some("2026-11-23T08:30:20-05:00"),
            "Visitor",
            false,
        )];
        let json = visits_json(&VisitsReport::new("Lincoln", period(), &visits));
        assert_eq!(json["report"], "visits");
        assert_eq!(json["school"], "Lincoln");
        assert_eq!(
            (json["from"].as_str(), json["to"].as_str()),
            (Some("2026-11-23"), Some("2026-11-24"))
        );
        let day = &json["days"][0];
        assert_eq!(day["date"], "2026-11-23");
        assert_eq!(day["visits"], 1);
        assert_eq!(day["by_hour"][8], 1);
        assert_eq!(day["by_hour"].as_array().unwrap().len(), 24);
        assert_eq!(day["by_purpose"]["Visitor"], 1);
        assert_eq!(day["average_minutes"], 20.3);
        assert_eq!(json["days"][1]["average_minutes"], Value::Null);
        assert_eq!(json["total"]["signed_out"], 1);
    }

    #[test]
    fn flags_and_decisions_csv_list_records_without_names() {
        let flags = [flag(
            "2026-11-23T08:05:09-05:00",
            3,
            "watchlist",
            Some("custody"),
            "W-2",
        )];
        let report = FlagsReport::new("Lincoln", period(), &flags);
        assert_eq!(
            flags_csv(&report),
            "school,date,time,visit,source,list,record_id\n\
             Lincoln,2026-11-23,08:05:09,V-0003,watchlist,custody,W-2\n"
        );
        let json = flags_json(&report);
        assert_eq!(json["total"]["by_source"]["watchlist:custody"], 1);
        assert_eq!(json["flags"][0]["record_id"], "W-2");
        let decisions = [decision(
            "2026-11-24T10:00:00-05:00",
            "MO-1",
            "deny",
            "Ms Office",
        )];
        let report = DecisionsReport::new("Lincoln", period(), &decisions);
        assert_eq!(
            decisions_csv(&report),
            "school,date,time,visit,source,record_id,outcome,operator\n\
             Lincoln,2026-11-24,10:00:00,V-0003,registry,MO-1,deny,Ms Office\n"
        );
        let json = decisions_json(&report);
        assert_eq!(json["days"][1]["by_operator"]["Ms Office"], 1);
        assert_eq!(json["total"]["by_outcome"]["deny"], 1);
        let text = decisions_text(&report);
        assert_eq!(
            text.title,
            "Staff decisions: Lincoln, 2026-11-23 to 2026-11-24"
        );
        assert_eq!(text.lines[0], "2026-11-24  decisions 1  deny 1");
    }

    #[test]
    fn students_csv_breaks_down_by_grade_and_reason() {
        let events = [
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
        ];
        let report = StudentsReport::new("Lincoln", Period::day(date!(2026 - 11 - 23)), &events);
        assert_eq!(
            students_csv(&report),
            "school,date,measure,key,value\n\
             Lincoln,2026-11-23,late_arrivals,,1\n\
             Lincoln,2026-11-23,late_arrivals_by_grade,2,1\n\
             Lincoln,2026-11-23,late_arrivals_by_reason,Bus,1\n\
             Lincoln,2026-11-23,early_dismissals,,1\n\
             Lincoln,2026-11-23,early_dismissals_by_grade,4,1\n\
             Lincoln,2026-11-23,early_dismissals_by_reason,Doctor,1\n\
             Lincoln,total,late_arrivals,,1\n\
             Lincoln,total,late_arrivals_by_grade,2,1\n\
             Lincoln,total,late_arrivals_by_reason,Bus,1\n\
             Lincoln,total,early_dismissals,,1\n\
             Lincoln,total,early_dismissals_by_grade,4,1\n\
             Lincoln,total,early_dismissals_by_reason,Doctor,1\n"
        );
        let json = students_json(&report);
        assert_eq!(json["total"]["early_dismissals"]["by_reason"]["Doctor"], 1);
        let text = students_text(&report);
        assert_eq!(
            text.lines[0],
            "2026-11-23  late arrivals 1  early dismissals 1"
        );
    }

    #[test]
    fn an_empty_report_says_so_in_text() {
        let report = VisitsReport::new("Lincoln", period(), &[]);
        let text = visits_text(&report);
        assert_eq!(text.lines[0], "Nothing recorded in this period.");
        assert_eq!(text.title, "Visits: Lincoln, 2026-11-23 to 2026-11-24");
    }
}
