//! The inputs of every report, as plain values without a visitor's name: a visit's number,
//! times, purpose and no-ID flag; a flag's record and list; a decision's record, outcome and
//! operator; a student event's kind, grade and reason.
//!
//! Read from what the store keeps: [`VisitFact::from_stored`] drops the name of a
//! [`StoredVisit`]; [`AuditFacts::read`] picks the flags and decisions out of the audit trail
//! (the lines `src/app` writes for the kiosk's `Audit` effects, plus the store's own
//! "not-a-match" lines from `vestibule decision`). Records with a time that does not parse are
//! left out, never guessed.

use std::collections::HashMap;

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::store::students::{StudentEvent, StudentEventKind};
use crate::store::visits::StoredVisit;

/// An RFC 3339 time, keeping the kiosk's offset (its local day and hour).
pub fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// One visit, without the visitor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitFact {
    pub visit: u32,
    pub signed_in: OffsetDateTime,
    pub signed_out: Option<OffsetDateTime>,
    /// The visit's type as the kiosk's purpose button names it ("Visitor", "Volunteer" ...).
    pub purpose: String,
    /// No ID: lobby only.
    pub no_id: bool,
}

impl VisitFact {
    /// The facts of a stored visit; `None` when its sign-in time does not parse. A sign-out
    /// time that does not parse counts as not signed out.
    pub fn from_stored(visit: &StoredVisit) -> Option<VisitFact> {
        Some(VisitFact {
            visit: visit.visit,
            signed_in: parse_time(&visit.signed_in)?,
            signed_out: visit.signed_out.as_deref().and_then(parse_time),
            purpose: visit.purpose.clone(),
            no_id: visit.no_id,
        })
    }

    pub fn date(&self) -> Date {
        self.signed_in.date()
    }

    /// Minutes between sign-in and sign-out; `None` when not signed out (or signed out
    /// before signing in: a clock set back).
    pub fn minutes_in_building(&self) -> Option<f64> {
        let out = self.signed_out?;
        let seconds = (out - self.signed_in).whole_seconds();
        (seconds >= 0).then(|| seconds as f64 / 60.0)
    }
}

/// A record the screening handed to staff for a visit (one per candidate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagFact {
    pub at: OffsetDateTime,
    pub visit: Option<u32>,
    /// `registry` or `watchlist`.
    pub source: String,
    /// The watchlist's list (`custody`, `banned` ...) when known.
    pub list: Option<String>,
    pub record_id: String,
}

impl FlagFact {
    /// `registry`, `watchlist:custody`, or `watchlist` when the list is unknown.
    pub fn source_key(&self) -> String {
        match &self.list {
            Some(list) if !list.is_empty() => format!("{}:{list}", self.source),
            _ => self.source.clone(),
        }
    }
}

/// What staff decided about one flagged record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionFact {
    pub at: OffsetDateTime,
    pub visit: Option<u32>,
    pub source: String,
    pub record_id: String,
    /// `not-a-match`, `is-a-match`, `allow-once-block`, `deny`, `allow-registered`,
    /// `not-processed`.
    pub outcome: String,
    /// The staff member, as the PIN configuration names them.
    pub operator: String,
}

/// The flags and decisions of an audit trail, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFacts {
    pub flags: Vec<FlagFact>,
    pub decisions: Vec<DecisionFact>,
}

impl AuditFacts {
    /// Reads audit lines (JSON objects, oldest first). `lists` maps a watchlist entry id to
    /// its list, for flags whose line does not name it.
    ///
    /// A kiosk decision "not a match" comes with the store's own "not-a-match" line for the
    /// same record at the same time (the remembered decision, committed with it); that line is
    /// not counted again, whichever of the two comes first. A "not-a-match" line of its own
    /// (`vestibule decision not-a-match`) is a decision.
    pub fn read<'a>(
        lines: impl IntoIterator<Item = &'a str>,
        lists: &HashMap<String, String>,
    ) -> AuditFacts {
        let mut facts = AuditFacts::default();
        let mut remembered = Vec::new();
        for line in lines {
            let Ok(Value::Object(line)) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let text = |key: &str| line.get(key).and_then(Value::as_str).map(str::to_owned);
            let Some(at) = text("at").as_deref().and_then(parse_time) else {
                continue;
            };
            let visit = line.get("visit").and_then(visit_number);
            let source = text("source").unwrap_or_default();
            let record_id = text("record_id").unwrap_or_default();
            match text("event").as_deref() {
                Some("flagged") => facts.flags.push(FlagFact {
                    at,
                    visit,
                    list: text("list").or_else(|| lists.get(&record_id).cloned()),
                    source,
                    record_id,
                }),
                Some("decision") => facts.decisions.push(DecisionFact {
                    at,
                    visit,
                    source,
                    record_id,
                    outcome: text("outcome").unwrap_or_default(),
                    operator: text("operator").unwrap_or_default(),
                }),
                Some("not-a-match") => remembered.push(DecisionFact {
                    at,
                    visit,
                    source,
                    record_id,
                    outcome: "not-a-match".into(),
                    operator: text("by").unwrap_or_default(),
                }),
                _ => {}
            }
        }
        // each kiosk "not a match" accounts for one store line with the same record and time
        let mut kiosk: HashMap<(OffsetDateTime, String, String), u32> = HashMap::new();
        for d in facts
            .decisions
            .iter()
            .filter(|d| d.outcome == "not-a-match")
        {
            *kiosk
                .entry((d.at, d.source.clone(), d.record_id.clone()))
                .or_default() += 1;
        }
        let own: Vec<DecisionFact> = remembered
            .into_iter()
            .filter(
                |d| match kiosk.get_mut(&(d.at, d.source.clone(), d.record_id.clone())) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                },
            )
            .collect();
        facts.decisions.extend(own);
        facts.decisions.sort_by_key(|d| d.at);
        facts
    }
}

/// `"V-0042"` (how the kiosk writes a visit) or `42`.
fn visit_number(value: &Value) -> Option<u32> {
    match value {
        Value::String(s) => s.strip_prefix("V-")?.parse().ok(),
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        _ => None,
    }
}

/// A student's late arrival or early dismissal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StudentKind {
    LateArrival,
    EarlyDismissal,
}

/// One student event, without the student.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudentFact {
    pub at: OffsetDateTime,
    pub kind: StudentKind,
    pub grade: String,
    pub reason: String,
}

impl StudentFact {
    /// The facts of a stored student event, without the student, the adult or the operator;
    /// `None` when its time does not parse.
    pub fn from_event(event: &StudentEvent) -> Option<StudentFact> {
        let kind = match event.kind {
            StudentEventKind::LateArrival => StudentKind::LateArrival,
            StudentEventKind::EarlyDismissal => StudentKind::EarlyDismissal,
        };
        StudentFact::new(&event.at, kind, &event.grade, &event.reason)
    }

    /// `None` when `at` is not an RFC 3339 time.
    pub fn new(at: &str, kind: StudentKind, grade: &str, reason: &str) -> Option<StudentFact> {
        Some(StudentFact {
            at: parse_time(at)?,
            kind,
            grade: grade.to_owned(),
            reason: reason.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn stored(signed_in: &str, signed_out: Option<&str>) -> StoredVisit {
        StoredVisit {
            visit: 7,
            signed_in: signed_in.into(),
            visitor_name: "Wilhelmina Quartermaine".into(),
            purpose: "Volunteer".into(),
            destination: "Library".into(),
            no_id: true,
            cleared_by: None,
            signed_out: signed_out.map(str::to_owned),
        }
    }

    #[test]
    fn a_visit_keeps_its_local_day_and_drops_the_name() {
        let v = VisitFact::from_stored(&stored(
            "2026-11-23T23:30:00-05:00",
            Some("2026-11-24T00:15:30-05:00"),
        ))
        .unwrap();
        assert_eq!(v.date(), date!(2026 - 11 - 23));
        assert_eq!(v.signed_in.hour(), 23);
        assert_eq!(v.minutes_in_building(), Some(45.5));
        assert_eq!(
            (v.visit, v.purpose.as_str(), v.no_id),
            (7, "Volunteer", true)
        );
        assert!(!format!("{v:?}").contains("Wilhelmina"));
        assert!(VisitFact::from_stored(&stored("yesterday", None)).is_none());
        let open = VisitFact::from_stored(&stored("2026-11-23T08:00:00-05:00", None)).unwrap();
        assert_eq!(open.minutes_in_building(), None);
        let backwards = VisitFact::from_stored(&stored(
            "2026-11-23T08:00:00-05:00",
            Some("2026-11-23T07:00:00-05:00"),
        ))
        .unwrap();
        assert_eq!(backwards.minutes_in_building(), None);
    }

    #[test]
    fn flags_and_decisions_come_out_of_the_audit_trail() {
        let lines = [
            r#"{"event":"pin-accepted","at":"2026-11-23T08:00:00-05:00","operator":"Ms Office"}"#,
            r#"{"event":"flagged","at":"2026-11-23T08:05:00-05:00","visit":"V-0003","source":"registry","record_id":"MO-1"}"#,
            r#"{"event":"flagged","at":"2026-11-23T08:05:00-05:00","visit":"V-0003","source":"watchlist","record_id":"W-9"}"#,
            r#"{"event":"flagged","at":"not a time","visit":"V-0003","source":"registry","record_id":"MO-2"}"#,
            r#"{"event":"decision","at":"2026-11-23T08:06:00-05:00","visit":"V-0003","source":"registry","record_id":"MO-1","outcome":"not-a-match","operator":"Ms Office"}"#,
            r#"{"event":"not-a-match","at":"2026-11-23T08:06:00-05:00","by":"Ms Office","source":"registry","record_id":"MO-1","identity":"ab12"}"#,
            r#"{"event":"decision","at":"2026-11-23T08:07:00-05:00","visit":"V-0003","source":"watchlist","record_id":"W-9","outcome":"deny","operator":"Ms Office"}"#,
            // the store's line first this time
            r#"{"event":"not-a-match","at":"2026-11-23T08:08:00-05:00","by":"Ms Office","source":"registry","record_id":"MO-4","identity":"ab12"}"#,
            r#"{"event":"decision","at":"2026-11-23T08:08:00-05:00","visit":"V-0004","source":"registry","record_id":"MO-4","outcome":"not-a-match","operator":"Ms Office"}"#,
            r#"{"event":"not-a-match","at":"2026-11-24T09:00:00-05:00","by":"Mr Admin","source":"registry","record_id":"MO-5","identity":"cd34"}"#,
            "not json",
        ];
        let lists = HashMap::from([("W-9".to_owned(), "custody".to_owned())]);
        let facts = AuditFacts::read(lines, &lists);
        assert_eq!(
            facts.flags,
            [
                FlagFact {
                    at: datetime!(2026-11-23 08:05 -5),
                    visit: Some(3),
                    source: "registry".into(),
                    list: None,
                    record_id: "MO-1".into(),
                },
                FlagFact {
                    at: datetime!(2026-11-23 08:05 -5),
                    visit: Some(3),
                    source: "watchlist".into(),
                    list: Some("custody".into()),
                    record_id: "W-9".into(),
                },
            ]
        );
        assert_eq!(facts.flags[0].source_key(), "registry");
        assert_eq!(facts.flags[1].source_key(), "watchlist:custody");
        let summary: Vec<(&str, &str, &str, Option<u32>)> = facts
            .decisions
            .iter()
            .map(|d| {
                (
                    d.record_id.as_str(),
                    d.outcome.as_str(),
                    d.operator.as_str(),
                    d.visit,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("MO-1", "not-a-match", "Ms Office", Some(3)),
                ("W-9", "deny", "Ms Office", Some(3)),
                ("MO-4", "not-a-match", "Ms Office", Some(4)),
                ("MO-5", "not-a-match", "Mr Admin", None),
            ]
        );
    }

    #[test]
    fn a_student_fact_needs_a_time() {
        let s = StudentFact::new(
            "2026-11-23T08:40:00-05:00",
            StudentKind::LateArrival,
            "3",
            "Bus",
        )
        .unwrap();
        assert_eq!(s.at.date(), date!(2026 - 11 - 23));
        assert!(StudentFact::new("08:40", StudentKind::LateArrival, "3", "Bus").is_none());
        let stored = StudentEvent {
            at: "2026-11-23T13:00:00-05:00".into(),
            kind: StudentEventKind::EarlyDismissal,
            student_id: "S-1".into(),
            grade: "4".into(),
            school: "Lincoln".into(),
            reason: "doctor".into(),
            picked_up_by: Some("Pat Parent".into()),
            operator: Some("Ms Office".into()),
        };
        let fact = StudentFact::from_event(&stored).unwrap();
        assert_eq!(fact.kind, StudentKind::EarlyDismissal);
        assert_eq!((fact.grade.as_str(), fact.reason.as_str()), ("4", "doctor"));
        assert_eq!(fact.at.hour(), 13);
    }
}
