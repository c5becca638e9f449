//! What the outbox carries: an alert (the fields KeepnTrack's e-mail shows) or a visit event for
//! the district, and how each reads as JSON, as an e-mail and as an SMS.

use serde::{Deserialize, Serialize};

/// A silent alert, as every channel receives it. Carries the visitor's name and date of birth:
/// its `Debug` shows neither.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertMessage {
    /// `flagged`, `decision`, `no-id`, `panic`, `screening-failed`, `print-failed`,
    /// `registry-stale`.
    pub kind: String,
    /// Wall-clock time, RFC 3339.
    pub at: String,
    pub school: String,
    pub kiosk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_dob: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<AlertRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The student a pickup, a refused pickup or a student leaving early is about (the office
    /// looks the name up on its own screen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student: Option<StudentNote>,
    /// A refused pickup's reason code, or a dismissal's reason id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    /// Alerts of this kind held back by the rate limit since the last one sent
    /// ([`super::limit`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_back: Option<u32>,
}

/// A student as an alert names them: id, grade and school, no name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentNote {
    pub student_id: String,
    pub grade: String,
    pub school: String,
}

impl std::fmt::Debug for AlertMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertMessage")
            .field("kind", &self.kind)
            .field("visit", &self.visit)
            .finish_non_exhaustive()
    }
}

/// A registry or watchlist record an alert names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRecord {
    /// `registry` or `watchlist`.
    pub source: String,
    pub record_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

/// What is queued: tagged by `type` in the outbox and on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Outgoing {
    Alert(AlertMessage),
    /// A sign-in or sign-out for the district's visit log.
    Visit(VisitEvent),
}

/// One visit as the district's log receives it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitEvent {
    /// `signed-in` or `signed-out`.
    pub event: String,
    pub school: String,
    pub kiosk: String,
    pub visit: String,
    pub visitor_name: String,
    pub signed_in: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_out: Option<String>,
    pub purpose: String,
    pub destination: String,
    pub no_id: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleared_by: Option<String>,
}

impl std::fmt::Debug for VisitEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VisitEvent")
            .field("event", &self.event)
            .field("visit", &self.visit)
            .finish_non_exhaustive()
    }
}

impl AlertMessage {
    /// The reason in words.
    pub fn reason(&self) -> String {
        let what = match self.kind.as_str() {
            "flagged" => "Visitor flagged by screening",
            "decision" => "Staff decision on a flagged visitor",
            "no-id" => "Visitor without ID sent to the front office",
            "panic" => "PANIC BUTTON: lockdown",
            "screening-failed" => "Screening failed: visitor sent to the front office",
            "print-failed" => "Badge printing failed",
            "pickup" => "Early dismissal: a listed guardian is picking a student up",
            "pickup-refused" => "Pickup refused: the adult was sent to the front office",
            "student-leaving" => "A student is leaving early on their own",
            "registry-stale" => {
                "Registry older than the allowed age: screening uses an old registry; check the registry sync"
            }
            other => other,
        };
        let records: Vec<String> = self
            .records
            .iter()
            .map(|r| {
                let mut text = format!("{} record {}", r.source, r.record_id);
                if let Some(list) = &r.list {
                    text += &format!(" (list {list}");
                    if let Some(action) = &r.action {
                        text += &format!(", action {action}");
                    }
                    text += ")";
                }
                text
            })
            .collect();
        let mut text = if records.is_empty() {
            what.to_owned()
        } else {
            format!("{what}: {}", records.join("; "))
        };
        if let Some(student) = &self.student {
            text += &format!(
                "; student {} (grade {}, {})",
                student.student_id, student.grade, student.school
            );
        }
        if let Some(code) = &self.reason_code {
            text += &format!("; reason {code}");
        }
        if let Some(held) = self.held_back.filter(|&n| n > 0) {
            text += &format!("; {held} more of these held back since the last alert (rate limit)");
        }
        text
    }

    /// `Vestibule alert: <reason> at <kiosk>, <school>` (no personal data in the subject).
    pub fn subject(&self) -> String {
        let what = match self.kind.as_str() {
            "flagged" => "visitor flagged",
            "decision" => "staff decision",
            "panic" => "PANIC BUTTON",
            "registry-stale" => "registry out of date",
            "pickup" => "early dismissal",
            "pickup-refused" => "pickup refused",
            "student-leaving" => "student leaving early",
            other => other,
        };
        format!("Vestibule alert: {what} at {}, {}", self.kiosk, self.school)
    }

    /// The plain-text e-mail body: one field a line, like KeepnTrack's alert e-mail. The date
    /// of birth only `with_dob` (`alerts.dob_in_messages`).
    pub fn email_body(&self, key: &str, with_dob: bool) -> String {
        let mut lines = vec![self.subject(), String::new()];
        let mut field = |name: &str, value: &str| lines.push(format!("{name:<15} {value}"));
        field(
            "Visitor:",
            self.visitor_name.as_deref().unwrap_or("(not known)"),
        );
        if with_dob {
            field(
                "Date of birth:",
                self.visitor_dob.as_deref().unwrap_or("(not known)"),
            );
        }
        field("Reason:", &self.reason());
        field("Time:", &self.at);
        field("Kiosk:", &self.kiosk);
        field("School:", &self.school);
        if let Some(visit) = &self.visit {
            field("Visit:", visit);
        }
        if let Some(operator) = &self.operator {
            field("Operator:", operator);
        }
        if let Some(decision) = &self.decision {
            field("Decision:", decision);
        }
        field("Alert id:", key);
        lines.push(String::new());
        lines.push("Sent by the Vestibule visitor kiosk. Do not reply.".into());
        lines.join("\r\n") + "\r\n"
    }

    /// One SMS: short, every essential field; the date of birth only `with_dob`.
    pub fn sms_text(&self, with_dob: bool) -> String {
        let mut text = format!("VESTIBULE {}: {}", self.kind.to_uppercase(), self.reason());
        if let Some(name) = &self.visitor_name {
            text += &format!(". Visitor {name}");
            if let Some(dob) = self.visitor_dob.as_ref().filter(|_| with_dob) {
                text += &format!(" DOB {dob}");
            }
        }
        text += &format!(". {}, {} at {}", self.kiosk, self.school, self.at);
        if let Some(decision) = &self.decision {
            text += &format!(". Decision {decision}");
        }
        if let Some(operator) = &self.operator {
            text += &format!(" by {operator}");
        }
        text
    }
}
