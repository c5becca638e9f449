//! The staff review of a flagged check-in: the visitor beside ONE candidate record at a time,
//! a decision per candidate, and the visit's outcome once every candidate is decided.
//!
//! Decisions follow KeepnTrack's field practice: "not a match" (remembered for this person),
//! or "this is a match" and then allow once and block, deny, or registered but allowed. The
//! rest of a list may be processed in one go ("process remaining as"), but only once staff
//! have looked at every candidate.

use serde::{Deserialize, Serialize};
use time::Date;

use super::VisitId;
use crate::identity::{DocumentKind, Identity, Sex};
use crate::screening::{self, Visitor};

pub use crate::screening::Source;

/// One record the visitor matched, with everything staff compare (staff screens only).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub source: Source,
    /// Registry `record_id` or watchlist `entry_id`.
    pub record_id: String,
    /// The matched name as the record prints it ("DOE, JOHN A").
    pub name: String,
    /// The name that matched is one of the record's aliases.
    pub alias: bool,
    pub dob: Option<Date>,
    pub sex: Option<Sex>,
    pub score: u8,
    /// Why it matched (`last`, `first:nickname`, `dob:year-off` ...).
    pub reasons: Vec<String>,
    /// Registry columns staff see: jurisdiction, offense, height, hair ... in record order.
    pub details: Vec<(String, String)>,
    /// Watchlist entries: the list (`custody`, `banned` ...), `alert` or `deny`, and the note.
    pub list: Option<String>,
    pub action: Option<String>,
    pub note: Option<String>,
}

// Candidate records are personal data: logs get the record id only.
impl std::fmt::Debug for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candidate")
            .field("source", &self.source)
            .field("record_id", &self.record_id)
            .finish_non_exhaustive()
    }
}

/// The visitor as the kiosk knows them: from their ID, or typed in by staff (no ID).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub first_name: String,
    pub middle_name: String,
    pub last_name: String,
    pub suffix: String,
    pub dob: Option<Date>,
    pub sex: Option<Sex>,
    /// `None` for a manual entry.
    pub document: Option<DocumentKind>,
    pub document_last4: Option<String>,
}

impl std::fmt::Debug for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Person")
            .field("document", &self.document)
            .finish_non_exhaustive()
    }
}

impl From<&Identity> for Person {
    fn from(id: &Identity) -> Person {
        Person {
            first_name: id.first_name.clone(),
            middle_name: id.middle_name.clone().unwrap_or_default(),
            last_name: id.last_name.clone(),
            suffix: id.suffix.clone().unwrap_or_default(),
            dob: Some(id.dob),
            sex: id.sex,
            document: Some(id.document),
            document_last4: id.document_number_last4.clone(),
        }
    }
}

/// The person an invitation names (verified by its signature): screened like anyone else.
impl From<&crate::prereg::InvitedPerson> for Person {
    fn from(invited: &crate::prereg::InvitedPerson) -> Person {
        Person {
            first_name: invited.first_name.clone(),
            middle_name: invited.middle_name.clone(),
            last_name: invited.last_name.clone(),
            suffix: String::new(),
            dob: invited.dob,
            sex: invited.sex,
            document: Some(DocumentKind::Prereg),
            document_last4: None,
        }
    }
}

impl Person {
    pub fn visitor(&self) -> Visitor {
        Visitor {
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            middle_name: self.middle_name.clone(),
            suffix: self.suffix.clone(),
            dob: self.dob,
            sex: self.sex,
        }
    }

    /// The key staff decisions about this person are remembered under.
    pub fn identity_key(&self) -> String {
        screening::identity_key(&self.visitor(), self.document_last4.as_deref())
    }

    /// "Anna Maria Eriksson Jr": how the badge and the staff screen write the name.
    pub fn display_name(&self) -> String {
        [
            &self.first_name,
            &self.middle_name,
            &self.last_name,
            &self.suffix,
        ]
        .iter()
        .filter(|part| !part.is_empty())
        .map(|part| title_case(part))
        .collect::<Vec<_>>()
        .join(" ")
    }

    pub fn no_id(&self) -> bool {
        self.document.is_none()
    }
}

/// ID documents print names in capitals; a badge reads better in title case.
fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c == ' ' || c == '-' || c == '\'';
    }
    out
}

/// What staff decided about one candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Not this person: remembered, so the record never stops them again.
    NotAMatch,
    /// The person on the record: let them in this time, refuse them from now on.
    AllowOnceBlock,
    /// The person on the record: refused.
    Deny,
    /// The person on the record, allowed anyway (a registrant parent escorted to a conference).
    AllowRegistered,
    /// Left undecided ("don't process"): the visit cannot be cleared at the kiosk.
    NotProcessed,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::NotAMatch => "not-a-match",
            Decision::AllowOnceBlock => "allow-once-block",
            Decision::Deny => "deny",
            Decision::AllowRegistered => "allow-registered",
            Decision::NotProcessed => "not-processed",
        }
    }

    /// Whether this decision lets the visitor in (every candidate's must).
    pub fn admits(self) -> bool {
        matches!(
            self,
            Decision::NotAMatch | Decision::AllowOnceBlock | Decision::AllowRegistered
        )
    }

    /// Staff said the record is this person: the decision alert goes out.
    pub fn is_match(self) -> bool {
        matches!(
            self,
            Decision::AllowOnceBlock | Decision::Deny | Decision::AllowRegistered
        )
    }
}

/// "Process remaining as": one decision for every candidate not yet decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remaining {
    /// As matches: denied (a match with no chosen action fails secure).
    Match,
    NotAMatch,
    /// Don't process: left undecided.
    Skip,
}

impl Remaining {
    pub fn decision(self) -> Decision {
        match self {
            Remaining::Match => Decision::Deny,
            Remaining::NotAMatch => Decision::NotAMatch,
            Remaining::Skip => Decision::NotProcessed,
        }
    }
}

/// A flagged check-in waiting for staff (kept across restarts: [`super::Durable`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub visit: VisitId,
    pub person: Person,
    pub candidates: Vec<Candidate>,
    decisions: Vec<Option<Decision>>,
    seen: Vec<bool>,
    current: usize,
    /// Staff tapped "this is a match": the three match outcomes are offered.
    pub choosing_match: bool,
    /// When the check-in was flagged (kiosk time); `None` when not known (restored after a
    /// restart): such a check-in is too old to admit anyone on.
    pub queued_at: Option<super::Millis>,
}

impl CheckIn {
    /// `candidates` must not be empty: an unflagged visitor never reaches staff review.
    pub fn new(visit: VisitId, person: Person, candidates: Vec<Candidate>) -> CheckIn {
        let n = candidates.len();
        let mut seen = vec![false; n];
        if let Some(first) = seen.first_mut() {
            *first = true;
        }
        CheckIn {
            visit,
            person,
            candidates,
            decisions: vec![None; n],
            seen,
            current: 0,
            choosing_match: false,
            queued_at: None,
        }
    }

    /// Index of the candidate on screen.
    pub fn current(&self) -> usize {
        self.current
    }

    pub fn candidate(&self) -> &Candidate {
        &self.candidates[self.current]
    }

    pub fn decision(&self, index: usize) -> Option<Decision> {
        self.decisions[index]
    }

    /// Every candidate has been on screen at least once.
    pub fn all_seen(&self) -> bool {
        self.seen.iter().all(|&s| s)
    }

    /// Candidates still without a decision.
    pub fn undecided(&self) -> usize {
        self.decisions.iter().filter(|d| d.is_none()).count()
    }

    pub fn show(&mut self, index: usize) {
        if index < self.candidates.len() {
            self.current = index;
            self.seen[index] = true;
            self.choosing_match = false;
        }
    }

    /// Decides the candidate on screen and moves on to the next undecided one.
    pub fn decide(&mut self, decision: Decision) -> (usize, Decision) {
        let index = self.current;
        self.decisions[index] = Some(decision);
        self.choosing_match = false;
        if let Some(next) = self.next_undecided(index) {
            self.show(next);
        }
        (index, decision)
    }

    /// Decides every undecided candidate at once; refused (`None`) until all were seen.
    pub fn decide_remaining(&mut self, remaining: Remaining) -> Option<Vec<(usize, Decision)>> {
        if !self.all_seen() {
            return None;
        }
        let decision = remaining.decision();
        let mut decided = Vec::new();
        for (i, slot) in self.decisions.iter_mut().enumerate() {
            if slot.is_none() {
                *slot = Some(decision);
                decided.push((i, decision));
            }
        }
        self.choosing_match = false;
        Some(decided)
    }

    pub fn finished(&self) -> bool {
        self.decisions.iter().all(Option::is_some)
    }

    /// Admitted only when every candidate was decided and every decision admits.
    pub fn admitted(&self) -> bool {
        self.decisions
            .iter()
            .all(|d| d.is_some_and(Decision::admits))
    }

    fn next_undecided(&self, after: usize) -> Option<usize> {
        let n = self.candidates.len();
        (1..=n)
            .map(|step| (after + step) % n)
            .find(|&i| self.decisions[i].is_none())
    }
}
