//! Students at the kiosk, as part of the pure flow: a cleared adult picking a student up early
//! or dropping a late one off (the purposes `pickup` and `late-arrival`), and students signing
//! themselves in late or out early ("I'm a student" on the attract screen).
//!
//! The steps: find the student ([`Screen::StudentSearch`]), for a pickup let the app decide
//! whether this adult may take them ([`Effect::CheckPickup`]: the SIS guardian list and the
//! custody watchlist), pick a reason ([`Screen::StudentReason`]), then record the student event,
//! print the slip (with the adult's badge, whose door opens as for any visit) and, for a pickup
//! or a student leaving, alert the office.
//!
//! Privacy on a screen anyone in the lobby can see: a cleared adult's search shows students only
//! once two name beginnings (or a whole student id) are typed, at most [`MAX_RESULTS`], as given
//! name, family initial and grade. A student at the kiosk alone browses nothing: they give their
//! own student number (typed, then "find", or their card scanned) and see only their own given
//! name and family initial to confirm; [`MAX_UNKNOWN_NUMBERS`] unknown numbers shut the student
//! errand for [`STUDENT_LOCK_MS`]. A student leaving early records and prints nothing until staff
//! approve it with their PIN at the kiosk. A refused pickup looks exactly like every other
//! "please see the front office"; its reason goes to the audit trail and the office alert only.

use serde::Serialize;

use super::{AlertRecord, BadgeJob, Effect, Kiosk, Out, Screen, Source, Tap, VisitId, VisitRecord};
use crate::config::Choice;

/// The purpose id whose visitors pick a student up (default config: "Pick-up or early
/// dismissal").
pub const PICKUP_PURPOSE: &str = "pickup";
/// The purpose id whose visitors drop a late student off.
pub const DROP_OFF_PURPOSE: &str = "late-arrival";
/// The destination an adult with a student errand is sent to (else the first configured one).
pub const OFFICE_DESTINATION: &str = "office";
/// Most students the search screen lists at once.
pub const MAX_RESULTS: usize = 6;
/// Longest search text.
const MAX_SEARCH_LEN: usize = 40;
/// A student id typed alone must be at least this long to be looked up.
const MIN_ID_DIGITS: usize = 4;
/// Unknown student numbers in a row before the student errand is shut for a while: someone
/// trying numbers to find a child's name.
pub const MAX_UNKNOWN_NUMBERS: u32 = 3;
/// How long the student errand stays shut after too many unknown numbers.
pub const STUDENT_LOCK_MS: super::Millis = 5 * 60 * 1000;

/// Why someone is looking for a student.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Errand {
    /// A cleared adult takes a student out of school: guardian check, dismissal slip.
    Pickup,
    /// A cleared adult brings a late student in: late slip.
    DropOff,
    /// A student signs themselves in late.
    LateArrival,
    /// A student leaves early on their own: the office is alerted.
    LeavingEarly,
}

impl Errand {
    /// What the student event records.
    pub fn movement(self) -> Movement {
        match self {
            Errand::Pickup | Errand::LeavingEarly => Movement::EarlyDismissal,
            Errand::DropOff | Errand::LateArrival => Movement::LateArrival,
        }
    }

    /// The errand an adult's purpose starts, if it is one.
    fn for_purpose(id: &str) -> Option<Errand> {
        match id {
            PICKUP_PURPOSE => Some(Errand::Pickup),
            DROP_OFF_PURPOSE => Some(Errand::DropOff),
            _ => None,
        }
    }

    /// A student at the kiosk alone, rather than an adult with a visit.
    pub fn by_student(self) -> bool {
        matches!(self, Errand::LateArrival | Errand::LeavingEarly)
    }
}

/// A student coming in late or leaving early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Movement {
    LateArrival,
    EarlyDismissal,
}

/// What the searcher typed, as the app looks it up: name beginnings and an optional grade.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudentLookup {
    /// Name beginnings or a student id, upper-case.
    pub name: String,
    /// A grade typed among the words (`3`, `K`, `KG`, `PK`).
    pub grade: Option<String>,
    /// A student's own number: only the student with exactly this id is found.
    pub by_number: bool,
}

impl StudentLookup {
    /// A student's own number (digits only, long enough), looked up exactly.
    pub fn number(text: &str) -> Option<StudentLookup> {
        let digits = text.trim();
        let whole = digits.len() >= MIN_ID_DIGITS && digits.bytes().all(|b| b.is_ascii_digit());
        whole.then(|| StudentLookup {
            name: digits.to_owned(),
            grade: None,
            by_number: true,
        })
    }

    /// The lookup `text` asks for, once it says enough to name a student: two name beginnings
    /// of two letters or more, or a whole student id (digits). A grade word narrows it.
    pub fn from_text(text: &str) -> Option<StudentLookup> {
        let mut grade = None;
        let mut words = Vec::new();
        for word in text.split_whitespace() {
            if grade.is_none() && is_grade(word) {
                grade = Some(word.to_uppercase());
            } else {
                words.push(word.to_uppercase());
            }
        }
        let id = matches!(&words[..], [w] if w.len() >= MIN_ID_DIGITS
            && w.bytes().all(|b| b.is_ascii_digit()));
        let names = words.len() >= 2 && words.iter().all(|w| w.chars().count() >= 2);
        (id || names).then(|| StudentLookup {
            name: words.join(" "),
            grade,
            by_number: false,
        })
    }
}

/// `3`, `12`, `K`, `KG`, `PK`: a grade, not a name or a student id.
fn is_grade(word: &str) -> bool {
    let upper = word.to_uppercase();
    matches!(upper.as_str(), "K" | "KG" | "PK")
        || (word.len() <= 2 && word.bytes().all(|b| b.is_ascii_digit()))
}

/// A student as the search lists them and the slip prints them.
#[derive(Clone, PartialEq, Eq)]
pub struct StudentChoice {
    pub student_id: String,
    /// What the search screen shows: given name and family initial (`María G.`).
    pub short_name: String,
    /// What the slip prints: the whole name.
    pub full_name: String,
    pub grade: String,
    pub school: String,
}

// Student names are personal data.
impl std::fmt::Debug for StudentChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StudentChoice").finish_non_exhaustive()
    }
}

/// Why the app sent a pickup to the office: a code for the audit, and the custody entry when
/// one barred it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PickupRefused {
    pub code: &'static str,
    pub entry_id: Option<String>,
}

/// A student event to record.
#[derive(Clone, PartialEq, Eq)]
pub struct StudentMove {
    pub at_ms: super::Millis,
    pub movement: Movement,
    pub student_id: String,
    pub grade: String,
    pub school: String,
    /// The reason's id (`[students]` in kiosk.toml).
    pub reason: String,
    /// The adult who picked the student up.
    pub picked_up_by: Option<String>,
    /// The operator who let a student leave early.
    pub approved_by: Option<String>,
}

impl std::fmt::Debug for StudentMove {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StudentMove")
            .field("movement", &self.movement)
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

/// The slip printed for a student event: a late pass or an early-dismissal slip.
#[derive(Clone, PartialEq, Eq)]
pub struct Slip {
    pub movement: Movement,
    pub student_name: String,
    pub student_id: String,
    pub grade: String,
    /// The reason's text (English: the slip is read by staff).
    pub reason: String,
    /// The adult who picked the student up or dropped them off.
    pub adult: Option<String>,
    /// The adult's visit, when there is one.
    pub visit: Option<VisitId>,
}

impl std::fmt::Debug for Slip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slip")
            .field("movement", &self.movement)
            .field("visit", &self.visit)
            .finish_non_exhaustive()
    }
}

/// The student errand in progress.
#[derive(Clone, Debug)]
pub struct StudentSearch {
    pub errand: Errand,
    /// As typed (upper-case).
    pub text: String,
    /// The students the current text finds (empty until it says enough).
    pub results: Vec<StudentChoice>,
    /// The last lookup asked of the app: an answer for another one is stale.
    asked: Option<StudentLookup>,
    pub chosen: Option<StudentChoice>,
    /// A student leaving early: the reason picked, waiting for staff to approve.
    pub awaiting: Option<Choice>,
}

impl StudentSearch {
    fn new(errand: Errand) -> StudentSearch {
        StudentSearch {
            errand,
            text: String::new(),
            results: Vec::new(),
            asked: None,
            chosen: None,
            awaiting: None,
        }
    }

    /// Whether the text says enough to look students up (else the screen asks for more).
    pub fn ready(&self) -> bool {
        self.asked.is_some()
    }
}

impl Kiosk {
    /// The student errand on show, while its screens show.
    pub fn student_search(&self) -> Option<&StudentSearch> {
        self.students.as_ref().filter(|_| {
            matches!(
                self.screen,
                Screen::StudentKind
                    | Screen::StudentSearch
                    | Screen::StudentReason
                    | Screen::StudentWaiting
                    | Screen::StudentApproval
            )
        })
    }

    /// The reasons the reason screen offers for the errand in progress.
    pub fn student_reasons(&self) -> &[Choice] {
        match self.students.as_ref().map(|s| s.errand.movement()) {
            Some(Movement::LateArrival) => &self.settings.late_arrival_reasons,
            Some(Movement::EarlyDismissal) => &self.settings.dismissal_reasons,
            None => &[],
        }
    }

    /// A cleared adult picked a purpose: a student errand goes to the search instead of the
    /// destination screen. Returns false when the purpose is not one.
    pub(super) fn start_adult_errand(&mut self, out: &mut Out, purpose: &str) -> bool {
        let Some(errand) = Errand::for_purpose(purpose) else {
            return false;
        };
        self.students = Some(StudentSearch::new(errand));
        self.go(out, Screen::StudentSearch);
        true
    }

    /// Taps on the student screens.
    pub(super) fn student_tap(&mut self, out: &mut Out, tap: Tap) {
        match (self.screen, tap) {
            (Screen::Attract, Tap::StudentStart) if self.students_locked(out) => {
                out.push(Effect::Audit(self.audit(out, "student-refused-locked")));
                self.go(out, Screen::FrontOffice);
            }
            (Screen::Attract, Tap::StudentStart) => {
                self.students = None;
                self.go(out, Screen::StudentKind);
            }
            (Screen::StudentSearch, Tap::StudentFind) => self.find_number(out),
            (Screen::StudentKind, Tap::StudentLate) => self.start_student(out, Errand::LateArrival),
            (Screen::StudentKind, Tap::StudentLeaving) => {
                self.start_student(out, Errand::LeavingEarly)
            }
            (Screen::StudentSearch, Tap::Key(key)) => self.search_key(out, key),
            (Screen::StudentSearch, Tap::ChooseStudent(n)) => self.choose_student(out, n),
            (Screen::StudentReason, Tap::Reason(id)) => self.reason_picked(out, &id),
            _ => {}
        }
    }

    fn start_student(&mut self, out: &mut Out, errand: Errand) {
        self.students = Some(StudentSearch::new(errand));
        self.go(out, Screen::StudentSearch);
    }

    /// Whether too many unknown student numbers shut the student errand for now.
    fn students_locked(&self, out: &Out) -> bool {
        self.students_locked_until
            .is_some_and(|until| out.now < until)
    }

    pub(super) fn search_typed(&mut self, out: &mut Out, text: &str) {
        let Some(search) = &mut self.students else {
            return;
        };
        let by_student = search.errand.by_student();
        for c in text.chars().filter(|c| !c.is_control()) {
            // A student types their number only: no names to try.
            if by_student && !c.is_ascii_digit() {
                continue;
            }
            if search.text.chars().count() < MAX_SEARCH_LEN {
                search.text.extend(c.to_uppercase());
            }
        }
        self.lookup(out);
    }

    /// Whether a scanned student card goes to the search now (a student giving their number).
    pub fn wants_student_card(&self) -> bool {
        self.screen == Screen::StudentSearch
            && self
                .students
                .as_ref()
                .is_some_and(|s| s.errand.by_student())
    }

    /// A student ID card's barcode: its number, looked up at once.
    pub(super) fn student_card(&mut self, out: &mut Out, number: &str) {
        if !self.wants_student_card() {
            return;
        }
        if let Some(search) = &mut self.students {
            search.text = number.trim().chars().take(MAX_SEARCH_LEN).collect();
        }
        self.find_number(out);
    }

    /// "Find": a student's number is looked up only when they say it is complete, so a
    /// number being typed never counts as an unknown one.
    fn find_number(&mut self, out: &mut Out) {
        let Some(search) = self.students.as_mut().filter(|s| s.errand.by_student()) else {
            return;
        };
        search.results.clear();
        search.asked = StudentLookup::number(&search.text);
        match search.asked.clone() {
            Some(lookup) => out.push(Effect::SearchStudents(lookup)),
            None => self.unknown_number(out),
        }
    }

    /// An unknown (or malformed) student number: counted, and past the limit the student
    /// errand is shut for a while, audited.
    fn unknown_number(&mut self, out: &mut Out) {
        self.unknown_numbers += 1;
        out.push(Effect::Audit(self.audit(out, "student-number-unknown")));
        if self.unknown_numbers < MAX_UNKNOWN_NUMBERS {
            return;
        }
        out.push(Effect::Audit(self.audit(out, "student-lookup-locked")));
        self.unknown_numbers = 0;
        self.students_locked_until = Some(out.now + STUDENT_LOCK_MS);
        self.students = None;
        self.go(out, Screen::FrontOffice);
    }

    fn search_key(&mut self, out: &mut Out, key: super::Key) {
        let Some(search) = &mut self.students else {
            return;
        };
        let by_student = search.errand.by_student();
        match key {
            super::Key::Backspace => {
                search.text.pop();
            }
            super::Key::Space if !by_student => search.text.push(' '),
            super::Key::Char(c) if !by_student || c.is_ascii_digit() => {
                if search.text.chars().count() < MAX_SEARCH_LEN {
                    search.text.extend(c.to_uppercase());
                }
            }
            _ => return,
        }
        self.lookup(out);
    }

    /// Asks the app for the students the text finds, once it says enough; until then the
    /// screen lists nobody.
    fn lookup(&mut self, out: &mut Out) {
        let Some(search) = &mut self.students else {
            return;
        };
        if search.errand.by_student() {
            // Editing the number forgets the last answer; "find" asks again.
            search.results.clear();
            search.asked = None;
            return;
        }
        let lookup = StudentLookup::from_text(&search.text);
        if lookup == search.asked {
            return;
        }
        search.results.clear();
        search.asked.clone_from(&lookup);
        if let Some(lookup) = lookup {
            out.push(Effect::SearchStudents(lookup));
        }
    }

    /// The app's answer to [`Effect::SearchStudents`]; dropped when the text changed since.
    /// A student's own number finds them alone, or counts as unknown.
    pub(super) fn students_found(
        &mut self,
        out: &mut Out,
        lookup: StudentLookup,
        found: Vec<StudentChoice>,
    ) {
        if self.screen != Screen::StudentSearch {
            return;
        }
        let by_number = lookup.by_number;
        let Some(search) = self.students.as_mut().filter(|s| s.asked == Some(lookup)) else {
            return;
        };
        let most = if by_number { 1 } else { MAX_RESULTS };
        search.results = found.into_iter().take(most).collect();
        if by_number && search.results.is_empty() {
            self.unknown_number(out);
        } else if by_number {
            self.unknown_numbers = 0;
        }
    }

    /// `student:N`, the Nth listed student (from 1).
    fn choose_student(&mut self, out: &mut Out, n: usize) {
        let Some(search) = &mut self.students else {
            return;
        };
        let Some(student) = n
            .checked_sub(1)
            .and_then(|i| search.results.get(i))
            .cloned()
        else {
            return;
        };
        let errand = search.errand;
        search.chosen = Some(student.clone());
        if errand != Errand::Pickup {
            return self.go(out, Screen::StudentReason);
        }
        let Some(cleared) = &self.cleared else {
            return self.reset(out);
        };
        out.push(Effect::CheckPickup {
            visit: cleared.visit,
            adult: cleared.person.visitor(),
            student_id: student.student_id,
        });
        self.go(out, Screen::Screening);
    }

    /// The app's answer to [`Effect::CheckPickup`]: on to the reasons, or to the office (with
    /// the reason in the audit and the office alert, never on screen).
    pub(super) fn pickup_checked(
        &mut self,
        out: &mut Out,
        visit: VisitId,
        result: Result<(), PickupRefused>,
    ) {
        let current = self.screen == Screen::Screening
            && self.cleared.as_ref().is_some_and(|c| c.visit == visit)
            && self.students.as_ref().is_some_and(|s| s.chosen.is_some());
        if !current {
            return; // stale: the kiosk reset meanwhile
        }
        match result {
            Ok(()) => self.go(out, Screen::StudentReason),
            Err(refused) => self.pickup_refused(out, visit, refused),
        }
    }

    fn pickup_refused(&mut self, out: &mut Out, visit: VisitId, refused: PickupRefused) {
        let student = self.students.take().and_then(|s| s.chosen);
        let mut audit = self.audit(out, "pickup-refused");
        audit.visit = Some(visit);
        audit.outcome = Some(refused.code);
        if let Some(entry) = &refused.entry_id {
            audit.source = Some(Source::Watchlist);
            audit.record_id = Some(entry.clone());
        }
        out.push(Effect::Audit(audit));
        let mut alert = self.alert(out, "pickup-refused", Some(visit));
        alert.reason = Some(refused.code.to_owned());
        alert.student = student.map(|s| AlertStudent::from(&s));
        if let Some(entry) = refused.entry_id {
            alert.records = vec![AlertRecord {
                source: Source::Watchlist,
                record_id: entry,
                list: Some(crate::sis::pickup::CUSTODY_LIST.into()),
                action: None,
            }];
        }
        out.push(Effect::QueueAlert(alert));
        self.cleared = None;
        self.go(out, Screen::FrontOffice);
    }

    /// `reason:<id>`: the errand is complete. Record it, alert the office where it needs to
    /// know, and print: an adult's badge with the slip (the door opens once it printed), or a
    /// student's slip alone.
    fn reason_picked(&mut self, out: &mut Out, id: &str) {
        let Some(reason) = self.student_reasons().iter().find(|c| c.id == id).cloned() else {
            return;
        };
        if let Some(search) = self
            .students
            .as_mut()
            .filter(|s| s.errand == Errand::LeavingEarly && s.chosen.is_some())
        {
            // Nothing is recorded or printed until staff approve: a student may not sign
            // themselves (or another child) out of school.
            search.awaiting = Some(reason);
            return self.go(out, Screen::StudentWaiting);
        }
        self.complete_errand(out, reason);
    }

    /// Staff logged in at a student's early-dismissal request: the approval screen.
    pub(super) fn dismissal_waiting(&self) -> bool {
        self.screen == Screen::StaffPin
            && self.students.as_ref().is_some_and(|s| s.awaiting.is_some())
    }

    /// Staff approve (recorded with their name) or refuse a student leaving early.
    pub(super) fn dismissal_tap(&mut self, out: &mut Out, tap: Tap) {
        let Some(reason) = self.students.as_mut().and_then(|s| s.awaiting.take()) else {
            return self.reset(out);
        };
        match tap {
            Tap::Approve => {
                let mut audit = self.audit(out, "student-leaving-approved");
                audit.outcome = Some("early_dismissal");
                out.push(Effect::Audit(audit));
                // Recorded with the operator's name; the student takes the slip.
                self.complete_errand(out, reason);
                self.logout(out);
            }
            Tap::Deny | Tap::Done => {
                out.push(Effect::Audit(self.audit(out, "student-leaving-refused")));
                self.students = None;
                self.logout(out);
                self.go(out, Screen::FrontOffice);
            }
            _ => {
                if let Some(search) = self.students.as_mut() {
                    search.awaiting = Some(reason);
                }
            }
        }
    }

    /// The errand is complete: record, alert, print.
    fn complete_errand(&mut self, out: &mut Out, reason: Choice) {
        let Some(search) = self.students.take() else {
            return self.reset(out);
        };
        let Some(student) = search.chosen else {
            return self.reset(out);
        };
        let errand = search.errand;
        let adult = (!errand.by_student())
            .then(|| self.cleared.as_ref().map(|c| c.person.display_name()))
            .flatten();
        let visit = self
            .cleared
            .as_ref()
            .map(|c| c.visit)
            .filter(|_| adult.is_some());
        out.push(Effect::RecordStudent(StudentMove {
            at_ms: out.now,
            movement: errand.movement(),
            student_id: student.student_id.clone(),
            grade: student.grade.clone(),
            school: student.school.clone(),
            reason: reason.id.clone(),
            picked_up_by: adult.clone().filter(|_| errand == Errand::Pickup),
            approved_by: self.operator.clone().filter(|_| errand.by_student()),
        }));
        let mut audit = self.audit(out, errand_event(errand));
        audit.visit = visit;
        audit.outcome = Some(movement_code(errand.movement()));
        out.push(Effect::Audit(audit));
        if matches!(errand, Errand::Pickup | Errand::LeavingEarly) {
            let kind = if errand == Errand::Pickup {
                "pickup"
            } else {
                "student-leaving"
            };
            let mut alert = self.alert(out, kind, visit);
            alert.student = Some(AlertStudent::from(&student));
            alert.reason = Some(reason.id.clone());
            out.push(Effect::QueueAlert(alert));
        }
        let slip = Slip {
            movement: errand.movement(),
            student_name: student.full_name,
            student_id: student.student_id,
            grade: student.grade,
            reason: reason.label,
            adult,
            visit,
        };
        if errand.by_student() {
            out.push(Effect::PrintSlip(slip));
            self.go(out, Screen::Printing);
        } else {
            self.finish_adult_errand(out, slip);
        }
    }

    /// The adult's visit: saved, badge and slip printed, sent to the office.
    fn finish_adult_errand(&mut self, out: &mut Out, slip: Slip) {
        let office = self
            .settings
            .destinations
            .iter()
            .find(|c| c.id == OFFICE_DESTINATION)
            .or_else(|| self.settings.destinations.first())
            .cloned();
        let Some(cleared) = &mut self.cleared else {
            return self.reset(out);
        };
        let (Some(purpose), Some(office)) = (cleared.purpose.clone(), office) else {
            return self.reset(out);
        };
        cleared.destination = Some(office.clone());
        let record = VisitRecord {
            visit: cleared.visit,
            at_ms: out.now,
            visitor_name: cleared.person.display_name(),
            purpose: purpose.id,
            destination: office.id,
            no_id: cleared.person.no_id(),
            cleared_by: cleared.cleared_by.clone(),
        };
        let job = BadgeJob {
            visit: cleared.visit,
            visitor_name: cleared.person.display_name(),
            purpose: purpose.label,
            destination: office.label,
            no_id: cleared.person.no_id(),
            slip: Some(slip),
        };
        self.save_then_print(out, record, job);
    }

    /// The answer to [`Effect::PrintSlip`]: the student takes it to the office, or staff
    /// print one by hand.
    pub(super) fn slip_printed(&mut self, out: &mut Out, ok: bool) {
        let mut audit = self.audit(out, if ok { "slip-printed" } else { "print-failed" });
        audit.outcome = Some("student-slip");
        out.push(Effect::Audit(audit));
        if self.screen != Screen::Printing || self.cleared.is_some() {
            return;
        }
        if ok {
            self.go(out, Screen::StudentDone);
        } else {
            out.push(Effect::QueueAlert(self.alert(out, "print-failed", None)));
            self.go(out, Screen::FrontOffice);
        }
    }
}

fn errand_event(errand: Errand) -> &'static str {
    match errand {
        Errand::Pickup => "student-picked-up",
        Errand::DropOff => "student-dropped-off",
        Errand::LateArrival => "student-late-arrival",
        Errand::LeavingEarly => "student-leaving-early",
    }
}

fn movement_code(movement: Movement) -> &'static str {
    match movement {
        Movement::LateArrival => "late_arrival",
        Movement::EarlyDismissal => "early_dismissal",
    }
}

/// The student an office alert is about: id, grade and school, so the alert reaches the right
/// office and staff look the name up on their own screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlertStudent {
    pub student_id: String,
    pub grade: String,
    pub school: String,
}

impl From<&StudentChoice> for AlertStudent {
    fn from(s: &StudentChoice) -> AlertStudent {
        AlertStudent {
            student_id: s.student_id.clone(),
            grade: s.grade.clone(),
            school: s.school.clone(),
        }
    }
}
