//! The visit flow: a PURE state machine. Events in (a scan, a tap, a tick of the clock, an
//! input pin, a screening or print result), effects out (a screen to show, a visitor to
//! screen, a badge to print, a relay pulse, an alert, a visit to save, an audit line).
//!
//! No IO, no clock: the time of every event comes in as [`Millis`] of kiosk time, and the
//! edges (`app`, `ui`, `store`, `hw`) carry the effects out. Two rules hold by construction:
//!
//! - **Fail secure.** The relay pulses only for a visit that was screened clear (or cleared by
//!   staff) and whose badge printed, or for an emergency responder a logged-in operator lets
//!   in, and never during a lockdown. Anything unexpected (a screening error, a failed print,
//!   a stale result) ends at the front office.
//! - **Nothing reveals a flag to the visitor.** A flagged visitor sees [`Screen::FrontOffice`],
//!   the very screen "No ID? Press here" shows; the silent alert is queued at the same moment.
//!   Visitor-facing screens carry no data about the visitor at all.
//!
//! - [`review`]: the staff review of a flagged check-in, one candidate at a time.
//! - [`pin`]: staff PINs (argon2id) and the lock after five wrong tries.
//! - [`reports`]: the day's summary and visits per hour on the staff screen.
//!
//! Behind the PIN, staff also see who is in the building ([`Screen::Roster`], loaded through
//! [`Effect::LoadRoster`]) and sign people out by hand, print the evacuation list
//! ([`Effect::PrintEvacuation`]), log an emergency responder in, and reset what the kiosk
//! remembers about a visitor under review ([`Effect::ForgetDecisions`]). Every one of these is
//! audited with the operator's name and the visit's number.

pub mod pin;
pub mod reports;
pub mod review;
pub mod students;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::config::{Choice, Config, ExpiredIdPolicy, Language, StaffPin};
use crate::identity::{Scan, ScanError, ScanProblem};
use crate::screening::Visitor;
use pin::{Attempt, PinPad};
pub use reports::ReportView;
pub use review::{Candidate, CheckIn, Decision, Person, Remaining, Source};
pub use students::{
    AlertStudent, Errand, Movement, PickupRefused, Slip, StudentChoice, StudentLookup, StudentMove,
    StudentSearch,
};

/// Kiosk time in milliseconds (monotonic; its origin is the edge's business).
pub type Millis = u64;

/// Longest PIN the pad takes; longer input is ignored rather than silently truncated later.
const MAX_PIN_LEN: usize = pin::MAX_DIGITS;
/// Longest name or date typed in manual entry.
const MAX_FIELD_LEN: usize = 40;

/// A visit's number, given by the kiosk when a scan or manual entry starts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct VisitId(pub u32);

impl TryFrom<String> for VisitId {
    type Error = String;
    fn try_from(text: String) -> Result<VisitId, String> {
        VisitId::parse(&text).ok_or_else(|| format!("`{text}` is not a visit number"))
    }
}

impl fmt::Display for VisitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "V-{:04}", self.0)
    }
}

impl VisitId {
    /// What the badge's sign-out QR code carries for this visit on `date`.
    pub fn sign_out_code(self, date: Date) -> String {
        format!("{SIGN_OUT_PREFIX}{self}.{date}")
    }

    /// The visit a scanned badge QR code signs out, if the scan is one.
    pub fn from_sign_out_code(text: &str) -> Option<VisitId> {
        let rest = text.trim().strip_prefix(SIGN_OUT_PREFIX)?;
        let (visit, _date) = rest.split_once('.')?;
        VisitId::parse(visit)
    }

    /// `V-0042` as [`fmt::Display`] writes it (at least four digits).
    pub fn parse(text: &str) -> Option<VisitId> {
        let number = text.strip_prefix("V-")?;
        if number.len() < 4 || !number.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        number.parse().ok().map(VisitId)
    }
}

/// The purpose a responder's entry is saved with (no screening, no badge).
pub const RESPONDER_PURPOSE: &str = "Emergency responder";

/// Badge QR codes start with this; ID documents and invitations (`VSTB1:`) never do.
pub const SIGN_OUT_PREFIX: &str = "VST1.";

impl Serialize for VisitId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The longest a cleared visitor waits on "Printing your badge" for the store to take the
/// visit and the printer to answer: a registry import holds the store's one writer for as long
/// as it runs (README, "Fail secure"), a Brother waits out its status for 15 s.
pub const PRINTING_LIMIT_MS: Millis = 180_000;

/// What the flow needs from the config.
#[derive(Clone, Debug)]
pub struct Settings {
    pub kiosk_name: String,
    pub language: Language,
    pub idle_timeout_ms: Millis,
    pub max_scan_attempts: u32,
    pub expired_id: ExpiredIdPolicy,
    pub door_unlock_ms: Millis,
    pub purposes: Vec<Choice>,
    pub destinations: Vec<Choice>,
    pub staff: Vec<StaffPin>,
    /// Reason buttons for a student's late arrival and early dismissal.
    pub late_arrival_reasons: Vec<Choice>,
    pub dismissal_reasons: Vec<Choice>,
    /// How long after it was flagged a check-in may still be admitted by staff: later, the
    /// visitor has likely left the kiosk and someone else may be standing there.
    pub review_admit_ms: Millis,
}

impl Settings {
    /// The flow's settings from a config, with the staff PINs the caller allows (`--sim`
    /// adds the demo PIN).
    pub fn new(config: &Config, staff: Vec<StaffPin>) -> Settings {
        Settings {
            kiosk_name: config.kiosk.name.clone(),
            language: config.kiosk.language,
            idle_timeout_ms: Millis::from(config.kiosk.idle_timeout_secs) * 1000,
            max_scan_attempts: config.kiosk.max_scan_attempts,
            expired_id: config.kiosk.expired_id,
            door_unlock_ms: Millis::from(config.kiosk.door_unlock_secs) * 1000,
            purposes: config.visit.purposes.clone(),
            destinations: config.visit.destinations.clone(),
            staff,
            late_arrival_reasons: config.students.late_arrival_reasons.clone(),
            dismissal_reasons: config.students.dismissal_reasons.clone(),
            review_admit_ms: Millis::from(config.kiosk.review_admit_secs) * 1000,
        }
    }
}

/// The screen on show. Visitor screens carry nothing about the visitor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// "Scan your ID to sign in".
    Attract,
    /// Reading and screening (no perceptible wait).
    Screening,
    /// The scan could not be used; scan again.
    ScanProblem(Trouble),
    Purpose,
    Destination,
    /// "Printing your badge".
    Printing,
    /// "The door is open".
    DoorOpen,
    /// "You are signed out".
    SignedOut,
    /// "Please see the front office staff": flagged, no ID, too many failed scans, any fault.
    FrontOffice,
    StaffPin,
    StaffHome,
    /// The visitor beside one candidate record.
    Review,
    ManualEntry,
    /// A manual entry screened clear, waiting for staff to approve it.
    ManualApproval,
    /// Who is in the building, with a sign-out for each (and for last night's leftovers).
    Roster,
    /// A verified invitation: "Welcome, <name>: sign in for <purpose>, <destination>?"
    InvitationConfirm,
    /// The invitation's visit type needs an ID too: "Please scan your ID".
    InvitationId,
    /// Staff cleared a flagged check-in: the visitor scans the same ID again, so the visit goes
    /// to the person who was reviewed and not to whoever stands at the kiosk now.
    ConfirmId,
    /// "I'm a student": arriving late or leaving early?
    StudentKind,
    /// Type a student's name (or id); the students it finds.
    StudentSearch,
    /// Why the student is late or leaving.
    StudentReason,
    /// A student leaving early waits for staff: "Please ask a staff member".
    StudentWaiting,
    /// Staff approve or refuse a student leaving early (after their PIN).
    StudentApproval,
    /// "Take your slip to the front office".
    StudentDone,
    /// The day's summary and visits per hour ([`reports`]).
    Reports,
    /// The kiosk cannot serve visitors ([`Fault`]): door locked, the reason for the
    /// technician, staff alerted.
    OutOfService,
}

/// Why the kiosk cannot serve visitors. While any fault lasts the screen says "out of
/// service", no scan is taken and the door stays locked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// No offender registry is installed and the school did not choose to screen against its
    /// own lists alone (`[screening] lists_only`).
    NoRegistry,
    /// No database: nothing could be screened or recorded.
    NoDatabase,
    /// Writes to the database keep failing: visits, audit lines and alerts cannot be kept.
    StoreFailing,
    /// The wall clock reads earlier than this build: expiry, invitation dates, audit times and
    /// retention would all be wrong (no battery clock and no time server yet).
    ClockWrong,
    /// The ID reader went away (unplugged): nobody could sign in or out.
    ReaderGone,
}

impl Fault {
    /// The reason code in the audit line and the alert.
    pub fn code(self) -> &'static str {
        match self {
            Fault::NoRegistry => "no-registry",
            Fault::NoDatabase => "no-database",
            Fault::StoreFailing => "store-failing",
            Fault::ClockWrong => "clock-wrong",
            Fault::ReaderGone => "reader-gone",
        }
    }

    /// What the technician reads on the out-of-service screen.
    pub fn detail(self) -> &'static str {
        match self {
            Fault::NoRegistry => {
                "no offender registry is installed: sync the registry feed (vestibule registry sync) or import one"
            }
            Fault::NoDatabase => "the database cannot be opened",
            Fault::StoreFailing => "the database cannot be written (disk full or failing?)",
            Fault::ClockWrong => {
                "the clock is wrong (earlier than this software): waiting for the time server"
            }
            Fault::ReaderGone => "the ID reader was unplugged: plug it back in",
        }
    }
}

impl Screen {
    /// Screens a visitor may see; the rest need a staff login.
    pub fn visitor_facing(self) -> bool {
        !matches!(
            self,
            Screen::StaffHome
                | Screen::Review
                | Screen::ManualEntry
                | Screen::ManualApproval
                | Screen::Roster
                | Screen::Reports
                | Screen::StudentApproval
        )
    }
}

/// Why a scan could not be used, as the visitor is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trouble {
    /// Probably a misread: scan again.
    Misread,
    /// The document has expired and the policy refuses expired documents.
    Expired,
    /// Not a document the kiosk can use.
    Unsupported,
}

/// An input pin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputPin {
    /// The panic button: lockdown (the relay never pulses until staff end it).
    Panic,
    /// The door's contact reports it opened.
    DoorOpened,
}

/// A tap on an actionable element, named by its accessible label (see [`Tap::label`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tap {
    Purpose(String),
    Destination(String),
    Staff,
    NoId,
    Done,
    Retry,
    Language(Language),
    Digit(u8),
    PinEnter,
    PinClear,
    NotAMatch,
    IsAMatch,
    AllowOnceBlock,
    Deny,
    AllowRegistered,
    Remaining(Remaining),
    NextCandidate,
    PreviousCandidate,
    ReviewQueue,
    ManualEntry,
    EndLockdown,
    Field(Field),
    Key(Key),
    Submit,
    Approve,
    Roster,
    /// Sign this visit out from the roster (`sign-out:V-0001`).
    SignOutVisit(VisitId),
    /// Sign out every visit from an earlier day (end of day: "never signed out").
    SignOutEarlier,
    PrintEvacuation,
    Responder,
    /// Forget the remembered decisions about the visitor under review.
    ResetDecisions,
    /// "Yes, that's me": sign in with the invitation shown.
    InvitationConfirm,
    /// "I'm a student" on the attract screen.
    StudentStart,
    StudentLate,
    StudentLeaving,
    /// The Nth student the search lists, from 1 (`student:1`).
    ChooseStudent(usize),
    /// A student typed their whole number: look it up (`student-find`).
    StudentFind,
    /// A late-arrival or dismissal reason (`reason:<id>`).
    Reason(String),
    /// The reports screen, and its day before / day after.
    Reports,
    ReportPreviousDay,
    ReportNextDay,
    /// The Nth operator's name on the PIN screen, from 1 (`operator:1`).
    Operator(usize),
}

/// A manual-entry field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    First,
    Last,
    Dob,
}

/// A key of the on-screen keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Space,
    Backspace,
}

/// Keys the on-screen keyboard has: letters, digits, `-` and `'` (dates, double-barrelled
/// and Irish names).
pub const KEYBOARD_CHARS: &str = "abcdefghijklmnopqrstuvwxyz0123456789-'";

impl Tap {
    /// The accessible label of the element this tap comes from (every label is listed in
    /// docs/scripted-kiosk.md).
    pub fn label(&self) -> String {
        match self {
            Tap::Purpose(id) => format!("purpose:{id}"),
            Tap::Destination(id) => format!("destination:{id}"),
            Tap::Language(Language::En) => "language:en".into(),
            Tap::Language(Language::Es) => "language:es".into(),
            Tap::Digit(d) => format!("pin-{d}"),
            Tap::Remaining(Remaining::Match) => "remaining:match".into(),
            Tap::Remaining(Remaining::NotAMatch) => "remaining:not-a-match".into(),
            Tap::Remaining(Remaining::Skip) => "remaining:skip".into(),
            Tap::Field(Field::First) => "manual:first".into(),
            Tap::Field(Field::Last) => "manual:last".into(),
            Tap::Field(Field::Dob) => "manual:dob".into(),
            Tap::Key(Key::Char(c)) => format!("key:{c}"),
            Tap::Key(Key::Space) => "key:space".into(),
            Tap::Key(Key::Backspace) => "key:backspace".into(),
            Tap::SignOutVisit(visit) => format!("{SIGN_OUT_LABEL}{visit}"),
            Tap::ChooseStudent(n) => format!("student:{n}"),
            Tap::Operator(n) => format!("operator:{n}"),
            Tap::Reason(id) => format!("reason:{id}"),
            other => FIXED
                .iter()
                .find(|(_, tap)| tap == other)
                .map(|(label, _)| (*label).to_owned())
                .unwrap_or_default(),
        }
    }

    /// The tap an accessible label stands for, if it is one of the kiosk's.
    pub fn from_label(label: &str) -> Option<Tap> {
        if let Some((_, tap)) = FIXED.iter().find(|(l, _)| *l == label) {
            return Some(tap.clone());
        }
        if let Some(visit) = label.strip_prefix(SIGN_OUT_LABEL) {
            return VisitId::parse(visit).map(Tap::SignOutVisit);
        }
        let (kind, rest) = label.split_once([':', '-'])?;
        Some(match (kind, rest) {
            ("purpose", id) if !id.is_empty() => Tap::Purpose(id.into()),
            ("destination", id) if !id.is_empty() => Tap::Destination(id.into()),
            ("student", n) if n.bytes().all(|b| b.is_ascii_digit()) => {
                Tap::ChooseStudent(n.parse().ok().filter(|&n| n > 0)?)
            }
            ("reason", id) if !id.is_empty() => Tap::Reason(id.into()),
            ("operator", n) if n.bytes().all(|b| b.is_ascii_digit()) => {
                Tap::Operator(n.parse().ok().filter(|&n| n > 0)?)
            }
            ("language", "en") => Tap::Language(Language::En),
            ("language", "es") => Tap::Language(Language::Es),
            ("pin", d) if d.len() == 1 => Tap::Digit(d.parse().ok()?),
            ("remaining", "match") => Tap::Remaining(Remaining::Match),
            ("remaining", "not-a-match") => Tap::Remaining(Remaining::NotAMatch),
            ("remaining", "skip") => Tap::Remaining(Remaining::Skip),
            ("manual", "first") => Tap::Field(Field::First),
            ("manual", "last") => Tap::Field(Field::Last),
            ("manual", "dob") => Tap::Field(Field::Dob),
            ("key", "space") => Tap::Key(Key::Space),
            ("key", "backspace") => Tap::Key(Key::Backspace),
            ("key", c) if c.chars().count() == 1 && KEYBOARD_CHARS.contains(c) => {
                Tap::Key(Key::Char(c.chars().next()?))
            }
            _ => return None,
        })
    }
}

/// Labels that carry no parameter.
const FIXED: &[(&str, Tap)] = &[
    ("staff", Tap::Staff),
    ("no-id", Tap::NoId),
    ("done", Tap::Done),
    ("invitation-confirm", Tap::InvitationConfirm),
    ("student", Tap::StudentStart),
    ("student-late", Tap::StudentLate),
    ("student-leaving", Tap::StudentLeaving),
    ("student-find", Tap::StudentFind),
    ("retry", Tap::Retry),
    ("pin-enter", Tap::PinEnter),
    ("pin-clear", Tap::PinClear),
    ("not-a-match", Tap::NotAMatch),
    ("is-a-match", Tap::IsAMatch),
    ("allow-once-block", Tap::AllowOnceBlock),
    ("deny", Tap::Deny),
    ("allow-registered", Tap::AllowRegistered),
    ("next-candidate", Tap::NextCandidate),
    ("previous-candidate", Tap::PreviousCandidate),
    ("review-queue", Tap::ReviewQueue),
    ("manual-entry", Tap::ManualEntry),
    ("end-lockdown", Tap::EndLockdown),
    ("manual-submit", Tap::Submit),
    ("approve", Tap::Approve),
    ("roster", Tap::Roster),
    ("sign-out-earlier", Tap::SignOutEarlier),
    ("print-evacuation", Tap::PrintEvacuation),
    ("responder", Tap::Responder),
    ("reset-decisions", Tap::ResetDecisions),
    ("reports", Tap::Reports),
    ("report-previous-day", Tap::ReportPreviousDay),
    ("report-next-day", Tap::ReportNextDay),
];

/// A roster line's sign-out button: `sign-out:V-0001`.
const SIGN_OUT_LABEL: &str = "sign-out:";

/// Why screening could not answer (the store failed); the visit fails secure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScreeningFailed;

/// Something that happened at the kiosk.
#[derive(Clone, Debug)]
pub enum Event {
    /// The reader delivered a scan, already read with [`crate::identity::read_scan`].
    Scanned {
        result: Result<Scan, ScanError>,
        today: Date,
    },
    Tap(Tap),
    /// Text typed on the on-screen keyboard into the focused field.
    Typed(String),
    /// Time passed (idle and door timers).
    Tick,
    Input(InputPin),
    /// The answer to [`Effect::ScreenVisitor`].
    Screened {
        visit: VisitId,
        result: Result<Vec<Candidate>, ScreeningFailed>,
    },
    /// The answer to [`Effect::PrintBadge`].
    Printed {
        visit: VisitId,
        ok: bool,
    },
    /// A visitor leaving scanned their badge's QR code.
    BadgeScanned {
        visit: VisitId,
    },
    /// The answer to [`Effect::LoadRoster`]: everyone in the building.
    Roster(Vec<RosterLine>),
    /// The answer to [`Effect::LoadReport`]: that day's summary.
    Report(ReportView),
    /// The answer to [`Effect::PrintEvacuation`].
    EvacuationPrinted {
        ok: bool,
    },
    /// The answer to [`Effect::CheckInvitation`]: verified, in its dates and not revoked, or
    /// why not (for the audit; the visitor sees the front-office screen either way).
    InvitationChecked(Result<InvitationPass, InvitationRefused>),
    /// The answer to [`Effect::SearchStudents`].
    StudentsFound {
        lookup: StudentLookup,
        found: Vec<StudentChoice>,
    },
    /// The answer to [`Effect::CheckPickup`]: this adult may take the student, or not (why,
    /// for the audit and the office).
    PickupChecked {
        visit: VisitId,
        result: Result<(), PickupRefused>,
    },
    /// The answer to [`Effect::PrintSlip`].
    SlipPrinted {
        ok: bool,
    },
    /// The answer to [`Effect::PulseRelay`]: whether the relay driver took the pulse (it
    /// refuses one in a lockdown or while its watchdog has lapsed).
    RelayPulsed {
        visit: VisitId,
        ok: bool,
    },
    /// The answer to [`Effect::CheckPin`]: whether the PIN typed is `operator`'s.
    PinChecked {
        operator: String,
        right: bool,
    },
    /// The answer to [`Effect::SaveVisit`]: whether the visit is in the store (and so on the
    /// evacuation list). Nothing prints and no door opens for a visit that is not.
    VisitSaved {
        visit: VisitId,
        ok: bool,
    },
    /// The records of the last event (audit lines, alerts, decisions) could not be written.
    RecordsFailed,
    /// A fault began (`present`) or ended ([`Fault`]).
    Fault {
        fault: Fault,
        present: bool,
    },
    /// The kiosk (re)started with what it saved before ([`Durable`]), and whether the panic
    /// input reads active right now (a latched button starts a lockdown).
    Resumed {
        saved: Box<Durable>,
        panic_active: bool,
    },
    /// The reader read a student ID card's barcode (its digits) while a student gives their
    /// number ([`Kiosk::wants_student_card`]).
    StudentCard(String),
}

/// What the kiosk must not forget across a crash, a watchdog restart or a power cut: a
/// lockdown, the flagged check-ins waiting for staff, the PIN lockouts and the next visit
/// number. The edge saves it with the records of every event that changed it
/// ([`Kiosk::durable`]) and hands it back at start ([`Event::Resumed`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Durable {
    pub lockdown: bool,
    pub next_visit: u32,
    pub queue: Vec<CheckIn>,
    pub lockouts: Vec<pin::Lockout>,
    /// Unknown student numbers in a row, and until when the student errand is shut.
    pub unknown_student_numbers: u32,
    pub students_locked_until: Option<Millis>,
}

impl Durable {
    /// The same state with every kiosk time moved by `shift` ms: the edge stores times as
    /// wall-clock milliseconds and reads them back against its new start.
    pub fn rebased(mut self, shift: i64) -> Durable {
        let move_by = |ms: Millis| ms.saturating_add_signed(shift);
        for lockout in &mut self.lockouts {
            lockout.until = lockout.until.map(move_by);
        }
        self.students_locked_until = self.students_locked_until.map(move_by);
        for check_in in &mut self.queue {
            check_in.queued_at = check_in.queued_at.map(move_by);
        }
        self
    }
}

/// A verified invitation, as the kiosk signs its visitor in with it.
#[derive(Clone)]
pub struct InvitationPass {
    /// The invitation's id, for the audit.
    pub id: String,
    pub invited: crate::prereg::InvitedPerson,
    /// Purpose and destination ids (the config's); a visit type the config no longer has is
    /// picked on the usual screens instead.
    pub purpose: String,
    pub destination: String,
    /// The invited person's ID is asked for too: always, unless the purpose is in
    /// `[prereg] id_optional_purposes`.
    pub needs_id: bool,
}

impl fmt::Debug for InvitationPass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InvitationPass")
            .field("id", &self.id)
            .field("needs_id", &self.needs_id)
            .finish_non_exhaustive()
    }
}

/// Why an invitation was not accepted: a short code for the audit line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvitationRefused(pub &'static str);

/// One person in the building, as the roster shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct RosterLine {
    pub visit: VisitId,
    pub visitor_name: String,
    /// The purpose's label (the text, not the config id).
    pub purpose: String,
    pub destination: String,
    /// Sign-in time, `HH:MM` (with the date when it was an earlier day).
    pub time_in: String,
    /// Signed in on an earlier day and never signed out.
    pub earlier_day: bool,
}

impl fmt::Debug for RosterLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RosterLine")
            .field("visit", &self.visit)
            .field("earlier_day", &self.earlier_day)
            .finish_non_exhaustive()
    }
}

/// Something the edges must do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Show(Screen),
    SetLanguage(Language),
    /// Verify this invitation token (signature, dates, revocation); answer with
    /// [`Event::InvitationChecked`].
    CheckInvitation {
        token: String,
    },
    /// Screen this visitor; answer with [`Event::Screened`].
    ScreenVisitor {
        visit: VisitId,
        visitor: Visitor,
        document_last4: Option<String>,
    },
    /// Print this badge; answer with [`Event::Printed`].
    PrintBadge(BadgeJob),
    /// Unlock the door for `ms`; answer with [`Event::RelayPulsed`].
    PulseRelay {
        visit: VisitId,
        ms: Millis,
    },
    /// The office indicator lamp: on while check-ins wait for staff review or the kiosk is in
    /// lockdown, so the office sees it across the room without a screen.
    Lamp {
        on: bool,
    },
    /// Enter or leave the lockdown: the door relay refuses every pulse while it lasts.
    Lockdown {
        on: bool,
    },
    /// Queue an alert for delivery (silent: nothing on screen).
    QueueAlert(Alert),
    /// Save this visit; answer with [`Event::VisitSaved`].
    SaveVisit(VisitRecord),
    /// The visitor left: record the sign-out time of this visit.
    SignOut {
        visit: VisitId,
        at_ms: Millis,
    },
    /// Remember a staff decision about this person and record.
    Remember(Remembered),
    /// Forget every remembered decision about this person (and any block).
    ForgetDecisions(Forget),
    /// Who is in the building; answer with [`Event::Roster`].
    LoadRoster,
    /// The summary of the day `days_back` days before today; answer with [`Event::Report`].
    LoadReport {
        days_back: u32,
    },
    /// Print everyone in the building on the badge printer; answer with
    /// [`Event::EvacuationPrinted`].
    PrintEvacuation,
    Audit(Audit),
    /// The students `lookup` finds; answer with [`Event::StudentsFound`].
    SearchStudents(StudentLookup),
    /// May this (cleared) adult take this student? Answer with [`Event::PickupChecked`].
    CheckPickup {
        visit: VisitId,
        adult: Visitor,
        student_id: String,
    },
    /// Record a student's late arrival or early dismissal.
    RecordStudent(StudentMove),
    /// Print a student's slip alone; answer with [`Event::SlipPrinted`].
    PrintSlip(Slip),
    /// This invitation admitted `visit` today: it admits nobody else until tomorrow.
    InvitationUsed {
        id: String,
        visit: VisitId,
    },
    /// Is `pin` the PIN of one of these argon2 `hashes` (`operator`'s)? Answer with
    /// [`Event::PinChecked`]. Hashing is slow on purpose: the edge does it off the UI thread.
    CheckPin {
        operator: String,
        pin: pin::Typed,
        hashes: Vec<String>,
    },
}

/// Staff reset what the kiosk remembers about this person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forget {
    pub identity_key: String,
    pub operator: String,
    pub at_ms: Millis,
}

/// A badge to print, in the words printed on it.
#[derive(Clone, PartialEq, Eq)]
pub struct BadgeJob {
    pub visit: VisitId,
    pub visitor_name: String,
    pub purpose: String,
    pub destination: String,
    pub no_id: bool,
    /// A student's slip printed right after the badge (a pickup or a drop-off).
    pub slip: Option<Slip>,
}

impl fmt::Debug for BadgeJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BadgeJob")
            .field("visit", &self.visit)
            .finish_non_exhaustive()
    }
}

/// A visit as it is saved: who, why, where, and how they were cleared.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct VisitRecord {
    pub visit: VisitId,
    pub at_ms: Millis,
    pub visitor_name: String,
    pub purpose: String,
    pub destination: String,
    /// No ID: lobby only.
    pub no_id: bool,
    /// The operator who cleared a flagged or manual visit.
    pub cleared_by: Option<String>,
}

impl fmt::Debug for VisitRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VisitRecord")
            .field("visit", &self.visit)
            .finish_non_exhaustive()
    }
}

/// An alert for the office. Ids only: names stay on the staff screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub at_ms: Millis,
    pub kiosk: String,
    /// `flagged`, `decision`, `no-id`, `panic`, `screening-failed`, `print-failed`,
    /// `invitation-refused`, `review-id-refused`, the student kinds ...
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<AlertRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The student a pickup, a refused pickup or a student leaving is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub student: Option<AlertStudent>,
    /// A refused pickup's reason code, or a dismissal's reason id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A record named in an alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlertRecord {
    pub source: Source,
    pub record_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
}

impl From<&Candidate> for AlertRecord {
    fn from(c: &Candidate) -> AlertRecord {
        AlertRecord {
            source: c.source,
            record_id: c.record_id.clone(),
            list: c.list.clone(),
            action: c.action.clone(),
        }
    }
}

/// A decision the store must remember for this person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remembered {
    pub identity_key: String,
    pub source: Source,
    pub record_id: String,
    pub decision: Decision,
    pub operator: String,
    pub at_ms: Millis,
}

/// One line of the audit log: who did what, when, at which kiosk, about which record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Audit {
    pub at_ms: Millis,
    pub kiosk: String,
    pub event: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit: Option<VisitId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'static str>,
}

/// What the PIN pad says under the dots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinNotice {
    None,
    Wrong { left: u32 },
    Locked { until: Millis },
}

/// What a staff screen says after an action that shows no other screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffNotice {
    None,
    /// A responder's entry was logged; `door` says whether the door was unlocked.
    ResponderIn {
        visit: VisitId,
        door: bool,
    },
    EvacuationPrinted,
    EvacuationFailed,
    DecisionsReset,
}

/// The manual-entry form (staff typing for a visitor without ID).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ManualForm {
    pub first: String,
    pub last: String,
    /// As typed: `YYYY-MM-DD` or `MM-DD-YYYY`.
    pub dob: String,
    pub focus: Option<Field>,
    /// The last submit was refused: what to fix.
    pub problem: Option<ManualProblem>,
}

impl fmt::Debug for ManualForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManualForm")
            .field("focus", &self.focus)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManualProblem {
    MissingName,
    BadDate,
}

impl ManualForm {
    fn field_mut(&mut self) -> Option<&mut String> {
        match self.focus? {
            Field::First => Some(&mut self.first),
            Field::Last => Some(&mut self.last),
            Field::Dob => Some(&mut self.dob),
        }
    }

    fn type_text(&mut self, text: &str) {
        if let Some(field) = self.field_mut() {
            for c in text.chars().filter(|c| !c.is_control()) {
                if field.chars().count() < MAX_FIELD_LEN {
                    field.push(c);
                }
            }
        }
    }

    fn press(&mut self, key: Key) {
        match key {
            Key::Char(c) => self.type_text(&c.to_uppercase().to_string()),
            Key::Space => self.type_text(" "),
            Key::Backspace => {
                if let Some(field) = self.field_mut() {
                    field.pop();
                }
            }
        }
    }

    /// The typed person, or what is wrong with the form.
    fn person(&self) -> Result<Person, ManualProblem> {
        let (first, last) = (self.first.trim(), self.last.trim());
        if first.is_empty() || last.is_empty() {
            return Err(ManualProblem::MissingName);
        }
        let dob = parse_typed_date(self.dob.trim()).ok_or(ManualProblem::BadDate)?;
        Ok(Person {
            first_name: first.to_uppercase(),
            middle_name: String::new(),
            last_name: last.to_uppercase(),
            suffix: String::new(),
            dob: Some(dob),
            sex: None,
            document: None,
            document_last4: None,
        })
    }
}

/// `YYYY-MM-DD` or the US `MM-DD-YYYY` (`/` works too).
fn parse_typed_date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.split(['-', '/']).collect();
    let [a, b, c] = parts[..] else { return None };
    let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, a, b) };
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// A visit past screening: the visitor is choosing purpose and destination, or printing.
#[derive(Clone, Debug)]
struct Cleared {
    visit: VisitId,
    person: Person,
    purpose: Option<Choice>,
    destination: Option<Choice>,
    cleared_by: Option<String>,
    /// The badge to print once the visit is saved.
    badge: Option<BadgeJob>,
    /// The invitation this visit uses, recorded with the visit (once a day each).
    invitation: Option<String>,
}

/// A visit being screened.
#[derive(Clone, Debug)]
struct Pending {
    visit: VisitId,
    person: Person,
    /// The invitation the person checked in with; it goes with this visit only.
    invitation: Option<InvitationPass>,
}

/// A flagged check-in staff admitted, waiting for the reviewed person's ID again.
#[derive(Clone, Debug)]
struct Rescan {
    visit: VisitId,
    person: Person,
    cleared_by: Option<String>,
}

/// The kiosk's whole state.
#[derive(Debug)]
pub struct Kiosk {
    settings: Settings,
    screen: Screen,
    language: Language,
    /// The last touch, scan or screen change: the idle timer counts from here.
    active_at: Millis,
    scan_failures: u32,
    next_visit: u32,
    pending: Option<Pending>,
    /// The invitation being checked in with, until its person is screened or it is abandoned.
    invitation: Option<InvitationPass>,
    cleared: Option<Cleared>,
    /// A reviewed check-in waiting for its visitor's ID again ([`Screen::ConfirmId`]).
    rescan: Option<Rescan>,
    queue: VecDeque<CheckIn>,
    /// What the office lamp was last told.
    lamp: bool,
    operator: Option<String>,
    pins: PinPad,
    pin_entry: String,
    pin_notice: PinNotice,
    /// The operator whose PIN is being checked ([`Effect::CheckPin`]): further entries wait.
    pin_checking: Option<String>,
    /// The visit whose door pulse the relay has not answered yet ([`Event::RelayPulsed`]).
    door_pending: Option<VisitId>,
    manual: ManualForm,
    lockdown: bool,
    /// Who is in the building, while the roster screen shows them.
    roster: Vec<RosterLine>,
    /// The student errand in progress (search, reason).
    students: Option<StudentSearch>,
    /// The day on the reports screen and its summary.
    reports: reports::Reports,
    notice: StaffNotice,
    /// What keeps the kiosk out of service, if anything.
    faults: Vec<Fault>,
    /// A visitor was sent to the front office and no staff member has logged in since: the
    /// lamp stays lit for every such visitor alike, so a lit lamp never tells a flag apart.
    office_called: bool,
    /// The operator whose name was picked on the PIN screen.
    pin_operator: Option<String>,
    /// Unknown student numbers in a row, and until when the student errand is shut after
    /// too many (kept across resets: the next try is likely the same person).
    unknown_numbers: u32,
    students_locked_until: Option<Millis>,
}

impl Kiosk {
    pub fn new(settings: Settings) -> Kiosk {
        Kiosk {
            pins: PinPad::new(settings.staff.clone()),
            language: settings.language,
            settings,
            screen: Screen::Attract,
            active_at: 0,
            scan_failures: 0,
            next_visit: 1,
            pending: None,
            invitation: None,
            cleared: None,
            rescan: None,
            queue: VecDeque::new(),
            lamp: false,
            operator: None,
            pin_entry: String::new(),
            pin_notice: PinNotice::None,
            pin_checking: None,
            door_pending: None,
            manual: ManualForm::default(),
            lockdown: false,
            roster: Vec::new(),
            students: None,
            reports: reports::Reports::default(),
            notice: StaffNotice::None,
            faults: Vec::new(),
            office_called: false,
            pin_operator: None,
            unknown_numbers: 0,
            students_locked_until: None,
        }
    }

    /// What must survive a restart ([`Durable`]), as it is now.
    pub fn durable(&self) -> Durable {
        Durable {
            lockdown: self.lockdown,
            next_visit: self.next_visit,
            queue: self.queue.iter().cloned().collect(),
            lockouts: self.pins.lockouts().to_vec(),
            unknown_student_numbers: self.unknown_numbers,
            students_locked_until: self.students_locked_until,
        }
    }

    /// Why the kiosk is out of service, for the technician (empty when it is not).
    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    /// The operators' names for the PIN screen, while the name is still to pick (empty once
    /// picked, or when only one operator is configured).
    pub fn operators_to_pick(&self) -> Vec<&str> {
        if self.screen != Screen::StaffPin || self.pin_operator.is_some() {
            return Vec::new();
        }
        self.pins.operators().collect()
    }

    /// The operator picked on the PIN screen.
    pub fn pin_operator(&self) -> Option<&str> {
        self.pin_operator.as_deref()
    }

    /// Visit numbers go on from `next` (the store's next number), so a restart never reuses
    /// one that a badge in somebody's pocket still carries.
    pub fn resume_numbering(&mut self, next: u32) {
        self.next_visit = self.next_visit.max(next);
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn lockdown(&self) -> bool {
        self.lockdown
    }

    /// Failed scans left before the front office (for the scan-problem screen).
    pub fn scans_left(&self) -> u32 {
        self.settings
            .max_scan_attempts
            .saturating_sub(self.scan_failures)
    }

    /// Digits typed on the PIN pad so far (shown as dots).
    pub fn pin_digits(&self) -> usize {
        self.pin_entry.len()
    }

    pub fn pin_notice(&self) -> PinNotice {
        self.pin_notice
    }

    /// Whole minutes, rounded up, the operator on the PIN screen stays locked out ("try again
    /// in 5 minutes" right after the lock).
    pub fn pin_locked_minutes(&self) -> u64 {
        match self.pin_notice {
            PinNotice::Locked { until } => until.saturating_sub(self.active_at).div_ceil(60_000),
            _ => 0,
        }
    }

    /// Flagged check-ins waiting for staff.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// The check-in under review (staff screens only).
    /// The invitation being checked in, while its screens show.
    pub fn invitation(&self) -> Option<&InvitationPass> {
        self.invitation.as_ref().filter(|_| {
            matches!(
                self.screen,
                Screen::InvitationConfirm | Screen::InvitationId
            )
        })
    }

    pub fn review(&self) -> Option<&CheckIn> {
        self.queue.front().filter(|_| self.screen == Screen::Review)
    }

    pub fn manual(&self) -> &ManualForm {
        &self.manual
    }

    pub fn operator(&self) -> Option<&str> {
        self.operator.as_deref()
    }

    /// Everyone in the building, grouped by purpose (roster screen only).
    pub fn roster(&self) -> &[RosterLine] {
        if self.screen == Screen::Roster {
            &self.roster
        } else {
            &[]
        }
    }

    pub fn staff_notice(&self) -> StaffNotice {
        self.notice
    }

    /// Handles one event at kiosk time `now`; returns what the edges must do, in order.
    pub fn handle(&mut self, now: Millis, event: Event) -> Vec<Effect> {
        let mut out = Out {
            now,
            effects: Vec::new(),
        };
        if matches!(
            event,
            Event::Scanned { .. }
                | Event::Tap(_)
                | Event::Typed(_)
                | Event::BadgeScanned { .. }
                | Event::StudentCard(_)
        ) {
            self.active_at = now;
        }
        match event {
            Event::Scanned { result, today } => self.scanned(&mut out, result, today),
            Event::Tap(tap) => self.tapped(&mut out, tap),
            Event::Typed(text) => match self.screen {
                Screen::ManualEntry => self.manual.type_text(&text),
                Screen::StudentSearch => self.search_typed(&mut out, &text),
                _ => {}
            },
            Event::Tick => self.tick(&mut out),
            Event::Input(pin) => self.input(&mut out, pin),
            Event::Screened { visit, result } => self.screened(&mut out, visit, result),
            Event::InvitationChecked(result) => self.invitation_checked(&mut out, result),
            Event::Printed { visit, ok } => self.printed(&mut out, visit, ok),
            Event::BadgeScanned { visit } => self.signed_out(&mut out, visit),
            Event::Roster(lines) => self.roster_loaded(lines),
            Event::Report(view) => self.report_loaded(view),
            Event::EvacuationPrinted { ok } => self.evacuation_printed(&mut out, ok),
            Event::StudentsFound { lookup, found } => self.students_found(&mut out, lookup, found),
            Event::StudentCard(number) => self.student_card(&mut out, &number),
            Event::PickupChecked { visit, result } => self.pickup_checked(&mut out, visit, result),
            Event::SlipPrinted { ok } => self.slip_printed(&mut out, ok),
            Event::RelayPulsed { visit, ok } => self.relay_pulsed(&mut out, visit, ok),
            Event::PinChecked { operator, right } => self.pin_checked(&mut out, &operator, right),
            Event::VisitSaved { visit, ok } => self.visit_saved(&mut out, visit, ok),
            Event::RecordsFailed => self.records_failed(&mut out),
            Event::Fault { fault, present } => self.fault(&mut out, fault, present),
            Event::Resumed {
                saved,
                panic_active,
            } => self.resumed(&mut out, *saved, panic_active),
        }
        self.update_lamp(&mut out);
        out.effects
    }

    /// The office lamp follows what needs staff: a check-in waiting, a visitor sent to the
    /// office (for any reason: the lamp must not tell a flag from a visitor without ID), a
    /// lockdown, or the kiosk out of service.
    fn update_lamp(&mut self, out: &mut Out) {
        let wanted = self.lockdown
            || !self.queue.is_empty()
            || self.office_called
            || !self.faults.is_empty();
        if wanted != self.lamp {
            self.lamp = wanted;
            out.push(Effect::Lamp { on: wanted });
        }
    }

    fn go(&mut self, out: &mut Out, screen: Screen) {
        self.active_at = out.now;
        if screen == Screen::FrontOffice {
            self.office_called = true;
        }
        if self.screen != screen {
            self.screen = screen;
            self.notice = StaffNotice::None;
            out.push(Effect::Show(screen));
        }
    }

    fn audit(&self, out: &Out, event: &'static str) -> Audit {
        Audit {
            at_ms: out.now,
            kiosk: self.settings.kiosk_name.clone(),
            event,
            operator: self.operator.clone(),
            visit: None,
            source: None,
            record_id: None,
            outcome: None,
        }
    }

    fn alert(&self, out: &Out, kind: &'static str, visit: Option<VisitId>) -> Alert {
        Alert {
            at_ms: out.now,
            kiosk: self.settings.kiosk_name.clone(),
            kind,
            visit,
            records: Vec::new(),
            decision: None,
            operator: self.operator.clone(),
            student: None,
            reason: None,
        }
    }

    fn new_visit(&mut self) -> VisitId {
        let id = VisitId(self.next_visit);
        self.next_visit += 1;
        id
    }

    // ---- scans -------------------------------------------------------------------------

    fn scanned(&mut self, out: &mut Out, result: Result<Scan, ScanError>, today: Date) {
        match self.screen {
            Screen::InvitationId => return self.invitation_id_scanned(out, result, today),
            Screen::ConfirmId => return self.review_id_scanned(out, result),
            _ => {}
        }
        if !self.accepts_scans() {
            return;
        }
        match result {
            Ok(Scan::Person(id)) if id.is_expired(today) => match self.settings.expired_id {
                ExpiredIdPolicy::Refuse => self.scan_failed(out, Trouble::Expired),
                ExpiredIdPolicy::Accept => self.start_screening(out, Person::from(&id)),
            },
            Ok(Scan::Person(id)) => self.start_screening(out, Person::from(&id)),
            Ok(Scan::Invitation(invitation)) => {
                self.scan_failures = 0;
                self.invitation = None;
                out.push(Effect::CheckInvitation {
                    token: invitation.token,
                });
                self.go(out, Screen::Screening);
            }
            Err(e) => match e.problem() {
                ScanProblem::Misread => self.scan_failed(out, Trouble::Misread),
                ScanProblem::Unsupported => self.scan_failed(out, Trouble::Unsupported),
            },
        }
    }

    /// The answer about an invitation: the visitor confirms it is them, or (forged, expired,
    /// revoked, not for today) is helped at the office like anyone the kiosk cannot sign in.
    fn invitation_checked(
        &mut self,
        out: &mut Out,
        result: Result<InvitationPass, InvitationRefused>,
    ) {
        if self.screen != Screen::Screening || self.pending.is_some() {
            return; // stale: the kiosk reset meanwhile
        }
        match result {
            Ok(pass) => {
                self.invitation = Some(pass);
                self.go(out, Screen::InvitationConfirm);
            }
            Err(InvitationRefused(reason)) => {
                let mut audit = self.audit(out, "invitation-refused");
                audit.outcome = Some(reason);
                out.push(Effect::Audit(audit));
                let mut alert = self.alert(out, "invitation-refused", None);
                alert.reason = Some(reason.into());
                out.push(Effect::QueueAlert(alert));
                self.go(out, Screen::FrontOffice);
            }
        }
    }

    /// "Yes, that's me": ask for their ID, or (a purpose the school lets skip it, for
    /// staff-attended events) screen the invited person.
    fn invitation_confirmed(&mut self, out: &mut Out) {
        let Some(pass) = self.invitation.take() else {
            return self.reset(out);
        };
        if pass.needs_id {
            self.invitation = Some(pass);
            self.go(out, Screen::InvitationId);
        } else {
            let person = Person::from(&pass.invited);
            self.start_screening_invited(out, person, Some(pass));
        }
    }

    /// The ID asked for beside the invitation: it must be the invited person, and it is the
    /// ID's identity that is screened. Anything else ends the invitation here: held over a
    /// retry, it would go to whoever scans next.
    fn invitation_id_scanned(
        &mut self,
        out: &mut Out,
        result: Result<Scan, ScanError>,
        today: Date,
    ) {
        let Some(pass) = self.invitation.take() else {
            return self.reset(out);
        };
        let refuse_expired = self.settings.expired_id == ExpiredIdPolicy::Refuse;
        match result {
            Ok(Scan::Person(id)) if id.is_expired(today) && refuse_expired => {
                self.end_invitation(out, &pass, "id-expired")
            }
            Ok(Scan::Person(id)) if crate::prereg::same_person(&pass.invited, &id) => {
                self.start_screening_invited(out, Person::from(&id), Some(pass));
            }
            Ok(Scan::Person(_)) => self.invitation_mismatch(out, &pass),
            Ok(Scan::Invitation(_)) => self.end_invitation(out, &pass, "id-not-an-id"),
            Err(e) => match e.problem() {
                ScanProblem::Misread => self.end_invitation(out, &pass, "id-misread"),
                ScanProblem::Unsupported => self.end_invitation(out, &pass, "id-unsupported"),
            },
        }
    }

    /// The ID step of an invitation failed (`why`: a code for the audit): the invitation is
    /// dropped and the visitor is helped at the office.
    fn end_invitation(&mut self, out: &mut Out, pass: &InvitationPass, why: &'static str) {
        let mut audit = self.audit(out, "invitation-ended");
        audit.record_id = Some(pass.id.clone());
        audit.outcome = Some(why);
        out.push(Effect::Audit(audit));
        self.invitation = None;
        self.go(out, Screen::FrontOffice);
    }

    /// Someone else's ID with the invitation: somebody may be using another person's QR code.
    fn invitation_mismatch(&mut self, out: &mut Out, pass: &InvitationPass) {
        let mut audit = self.audit(out, "invitation-id-mismatch");
        audit.record_id = Some(pass.id.clone());
        audit.outcome = Some("not-the-invited-person");
        out.push(Effect::Audit(audit));
        let mut alert = self.alert(out, "invitation-refused", None);
        alert.reason = Some("id-mismatch".into());
        out.push(Effect::QueueAlert(alert));
        self.invitation = None;
        self.go(out, Screen::FrontOffice);
    }

    /// The ID scanned again after staff cleared a flagged check-in: only the reviewed person's
    /// own ID goes on to the badge; anything else is the office's to sort out.
    fn review_id_scanned(&mut self, out: &mut Out, result: Result<Scan, ScanError>) {
        let Some(rescan) = self.rescan.take() else {
            return self.reset(out);
        };
        let same = matches!(&result, Ok(Scan::Person(id))
            if Person::from(id).identity_key() == rescan.person.identity_key());
        if same {
            let mut audit = self.audit(out, "review-id-confirmed");
            audit.visit = Some(rescan.visit);
            out.push(Effect::Audit(audit));
            return self.clear(out, rescan.visit, rescan.person, rescan.cleared_by, None);
        }
        let why = match result {
            Ok(Scan::Person(_)) => "another-id",
            Ok(Scan::Invitation(_)) => "not-an-id",
            Err(e) if e.problem() == ScanProblem::Misread => "misread",
            Err(_) => "unsupported",
        };
        self.end_rescan(out, rescan.visit, why);
    }

    /// The reviewed visitor did not show the same ID again (`why`): no badge, no door.
    fn end_rescan(&mut self, out: &mut Out, visit: VisitId, why: &'static str) {
        let mut audit = self.audit(out, "review-id-refused");
        audit.visit = Some(visit);
        audit.outcome = Some(why);
        out.push(Effect::Audit(audit));
        if why == "another-id" {
            let mut alert = self.alert(out, "review-id-refused", Some(visit));
            alert.reason = Some(why.into());
            out.push(Effect::QueueAlert(alert));
        }
        self.rescan = None;
        self.go(out, Screen::FrontOffice);
    }

    /// Leaving the ID step (invitation or reviewed check-in) by "done" or the idle timer
    /// ends it, audited: nothing is carried over to the next person.
    fn abandon_id_step(&mut self, out: &mut Out, why: &'static str) -> bool {
        match self.screen {
            Screen::InvitationId => match self.invitation.take() {
                Some(pass) => self.end_invitation(out, &pass, why),
                None => self.reset(out),
            },
            Screen::ConfirmId => match self.rescan.take() {
                Some(rescan) => self.end_rescan(out, rescan.visit, why),
                None => self.reset(out),
            },
            _ => return false,
        }
        true
    }

    /// A leaving visitor: accepted wherever a new visitor's scan would be.
    fn signed_out(&mut self, out: &mut Out, visit: VisitId) {
        if !self.accepts_scans() {
            return;
        }
        self.scan_failures = 0;
        out.push(Effect::SignOut {
            visit,
            at_ms: out.now,
        });
        let mut audit = self.audit(out, "signed-out");
        audit.visit = Some(visit);
        out.push(Effect::Audit(audit));
        self.go(out, Screen::SignedOut);
    }

    /// The next visitor may scan while the door or goodbye screen still shows; a scan
    /// mid-visit or on a staff screen is not a new visitor.
    fn accepts_scans(&self) -> bool {
        matches!(
            self.screen,
            Screen::Attract
                | Screen::ScanProblem(_)
                | Screen::DoorOpen
                | Screen::SignedOut
                | Screen::StudentDone
        )
    }

    fn scan_failed(&mut self, out: &mut Out, trouble: Trouble) {
        self.scan_failures += 1;
        if self.scan_failures >= self.settings.max_scan_attempts {
            self.scan_failures = 0;
            out.push(Effect::QueueAlert(self.alert(out, "scan-failures", None)));
            self.go(out, Screen::FrontOffice);
        } else {
            self.go(out, Screen::ScanProblem(trouble));
        }
    }

    fn start_screening(&mut self, out: &mut Out, person: Person) {
        self.start_screening_invited(out, person, None);
    }

    /// Screens `person`; the invitation they came with (if any) travels with this visit only.
    fn start_screening_invited(
        &mut self,
        out: &mut Out,
        person: Person,
        invitation: Option<InvitationPass>,
    ) {
        self.scan_failures = 0;
        self.invitation = None;
        let visit = self.new_visit();
        out.push(Effect::ScreenVisitor {
            visit,
            visitor: person.visitor(),
            document_last4: person.document_last4.clone(),
        });
        self.pending = Some(Pending {
            visit,
            person,
            invitation,
        });
        let screen = if self.screen.visitor_facing() {
            Screen::Screening
        } else {
            self.screen // staff screening a manual entry stay where they are
        };
        self.go(out, screen);
    }

    fn screened(
        &mut self,
        out: &mut Out,
        visit: VisitId,
        result: Result<Vec<Candidate>, ScreeningFailed>,
    ) {
        let Some(pending) = self.pending.take_if(|p| p.visit == visit) else {
            return; // stale: the kiosk reset meanwhile; the visitor must scan again
        };
        match result {
            Err(ScreeningFailed) => {
                let mut audit = self.audit(out, "screening-failed");
                audit.visit = Some(visit);
                out.push(Effect::Audit(audit));
                out.push(Effect::QueueAlert(self.alert(
                    out,
                    "screening-failed",
                    Some(visit),
                )));
                self.send_to_front_office_or_staff(out);
            }
            Ok(candidates) if candidates.is_empty() => {
                if pending.person.no_id() {
                    self.pending = Some(pending); // kept for staff approval
                    self.go(out, Screen::ManualApproval);
                } else {
                    let Pending {
                        visit,
                        person,
                        invitation,
                    } = pending;
                    self.clear(out, visit, person, None, invitation);
                }
            }
            Ok(candidates) => self.flagged(out, pending, candidates),
        }
    }

    /// The silent alert and the review queue, at the same moment; the visitor sees the same
    /// neutral screen as "No ID".
    fn flagged(&mut self, out: &mut Out, pending: Pending, candidates: Vec<Candidate>) {
        let mut alert = self.alert(out, "flagged", Some(pending.visit));
        alert.records = candidates.iter().map(AlertRecord::from).collect();
        out.push(Effect::QueueAlert(alert));
        for candidate in &candidates {
            let mut audit = self.audit(out, "flagged");
            audit.visit = Some(pending.visit);
            audit.source = Some(candidate.source);
            audit.record_id = Some(candidate.record_id.clone());
            out.push(Effect::Audit(audit));
        }
        let manual = pending.person.no_id();
        // A flagged invitation is not used: if staff clear the visitor, they choose as anyone.
        let mut check_in = CheckIn::new(pending.visit, pending.person, candidates);
        check_in.queued_at = Some(out.now);
        if manual && self.operator.is_some() {
            // Staff typed this person in and are at the screen: review it now.
            self.queue.push_front(check_in);
            self.go(out, Screen::Review);
        } else {
            self.queue.push_back(check_in);
            self.go(out, Screen::FrontOffice);
        }
    }

    fn send_to_front_office_or_staff(&mut self, out: &mut Out) {
        let screen = if self.operator.is_some() {
            Screen::StaffHome
        } else {
            Screen::FrontOffice
        };
        self.go(out, screen);
    }

    /// The visitor may go on to purpose and destination. Any staff session ends: the visitor
    /// is at the screen now.
    fn clear(
        &mut self,
        out: &mut Out,
        visit: VisitId,
        person: Person,
        by: Option<String>,
        invitation: Option<InvitationPass>,
    ) {
        self.logout(out);
        self.cleared = Some(Cleared {
            visit,
            person,
            purpose: None,
            destination: None,
            cleared_by: by,
            badge: None,
            invitation: invitation.as_ref().map(|pass| pass.id.clone()),
        });
        // An invitation names the visit's purpose and destination: no choosing, straight to
        // the badge (unless the config no longer has them).
        if let Some(pass) = invitation {
            let find = |choices: &[Choice], id: &str| choices.iter().find(|c| c.id == id).cloned();
            let purpose = find(&self.settings.purposes, &pass.purpose);
            let destination = find(&self.settings.destinations, &pass.destination);
            if let (Some(purpose), Some(destination)) = (purpose, destination) {
                let errand = purpose.id.clone();
                if let Some(cleared) = &mut self.cleared {
                    cleared.purpose = Some(purpose);
                }
                if self.start_adult_errand(out, &errand) {
                    return; // the invitation cannot say which student: the visitor finds them
                }
                return self.pick_destination(out, &destination.id);
            }
        }
        self.go(out, Screen::Purpose);
    }

    // ---- taps --------------------------------------------------------------------------

    fn tapped(&mut self, out: &mut Out, tap: Tap) {
        if self.screen == Screen::OutOfService {
            return; // nothing to press: the door stays locked until the fault is gone
        }
        match (self.screen, tap) {
            (_, Tap::Language(language)) if self.screen.visitor_facing() => {
                self.set_language(out, language)
            }
            (Screen::Attract, Tap::NoId) => {
                out.push(Effect::QueueAlert(self.alert(out, "no-id", None)));
                self.go(out, Screen::FrontOffice);
            }
            (
                Screen::Attract
                | Screen::FrontOffice
                | Screen::ScanProblem(_)
                | Screen::StudentWaiting,
                Tap::Staff,
            ) => {
                self.pin_entry.clear();
                self.pin_notice = PinNotice::None;
                // With one operator configured there is no name to pick.
                let operators: Vec<&str> = self.pins.operators().collect();
                self.pin_operator = match operators[..] {
                    [only] => Some(only.to_owned()),
                    _ => None,
                };
                self.go(out, Screen::StaffPin);
            }
            (Screen::InvitationId | Screen::ConfirmId, Tap::Done) => {
                self.abandon_id_step(out, "cancelled");
            }
            (Screen::ScanProblem(_), Tap::Retry) => self.go(out, Screen::Attract),
            (Screen::InvitationConfirm, Tap::InvitationConfirm) => self.invitation_confirmed(out),
            (
                Screen::Attract
                | Screen::StudentKind
                | Screen::StudentSearch
                | Screen::StudentReason,
                tap @ (Tap::StudentStart
                | Tap::StudentLate
                | Tap::StudentLeaving
                | Tap::StudentFind
                | Tap::Key(_)
                | Tap::ChooseStudent(_)
                | Tap::Reason(_)),
            ) => self.student_tap(out, tap),
            (Screen::StudentApproval, tap @ (Tap::Approve | Tap::Deny | Tap::Done)) => {
                self.dismissal_tap(out, tap)
            }
            (Screen::Purpose, Tap::Purpose(id)) => self.pick_purpose(out, &id),
            (Screen::Destination, Tap::Destination(id)) => self.pick_destination(out, &id),
            (Screen::StaffPin, tap) => self.pin_pad(out, tap),
            (Screen::StaffHome, tap) => self.staff_home(out, tap),
            (Screen::Roster, tap) => self.roster_tap(out, tap),
            (Screen::Reports, tap) => self.reports_tap(out, tap),
            (Screen::Review, tap) => self.review_tap(out, tap),
            (Screen::ManualEntry, tap) => self.manual_tap(out, tap),
            (Screen::ManualApproval, Tap::Approve) => self.approve_manual(out),
            (Screen::ManualApproval, Tap::Deny) => {
                if let Some(pending) = self.pending.take() {
                    let mut audit = self.audit(out, "manual-entry-denied");
                    audit.visit = Some(pending.visit);
                    out.push(Effect::Audit(audit));
                }
                self.go(out, Screen::StaffHome);
            }
            (Screen::ManualApproval, Tap::Done) => {
                self.pending = None;
                self.go(out, Screen::StaffHome);
            }
            (_, Tap::Done) => self.reset(out),
            _ => {} // not on this screen: the UI does not show it
        }
    }

    fn set_language(&mut self, out: &mut Out, language: Language) {
        if self.language != language {
            self.language = language;
            out.push(Effect::SetLanguage(language));
        }
    }

    fn pick_purpose(&mut self, out: &mut Out, id: &str) {
        let Some(choice) = self.settings.purposes.iter().find(|c| c.id == id).cloned() else {
            return;
        };
        let errand = choice.id.clone();
        if let Some(cleared) = &mut self.cleared {
            cleared.purpose = Some(choice);
            if !self.start_adult_errand(out, &errand) {
                self.go(out, Screen::Destination);
            }
        }
    }

    fn pick_destination(&mut self, out: &mut Out, id: &str) {
        let Some(choice) = self
            .settings
            .destinations
            .iter()
            .find(|c| c.id == id)
            .cloned()
        else {
            return;
        };
        let Some(cleared) = &mut self.cleared else {
            return;
        };
        cleared.destination = Some(choice);
        let (Some(purpose), Some(destination)) = (&cleared.purpose, &cleared.destination) else {
            return;
        };
        let no_id = cleared.person.no_id();
        let visitor_name = cleared.person.display_name();
        let mut where_to = destination.label.clone();
        if no_id {
            where_to.push_str(" · No ID: lobby only");
        }
        let record = VisitRecord {
            visit: cleared.visit,
            at_ms: out.now,
            visitor_name: visitor_name.clone(),
            purpose: purpose.id.clone(),
            destination: destination.id.clone(),
            no_id,
            cleared_by: cleared.cleared_by.clone(),
        };
        let job = BadgeJob {
            visit: cleared.visit,
            visitor_name,
            purpose: purpose.label.clone(),
            destination: where_to,
            no_id,
            slip: None,
        };
        self.save_then_print(out, record, job);
    }

    /// The visit is saved first: a visitor missing from the store would be missing from the
    /// evacuation list. The badge prints once the store has it ([`Event::VisitSaved`]).
    fn save_then_print(&mut self, out: &mut Out, record: VisitRecord, job: BadgeJob) {
        let used = self.cleared.as_mut().and_then(|cleared| {
            cleared.badge = Some(job);
            cleared.invitation.clone().map(|id| (id, cleared.visit))
        });
        out.push(Effect::SaveVisit(record));
        self.invitation_used(out, used);
        self.go(out, Screen::Printing);
    }

    fn visit_saved(&mut self, out: &mut Out, visit: VisitId, ok: bool) {
        if !ok {
            let mut audit = self.audit(out, "visit-not-saved");
            audit.visit = Some(visit);
            out.push(Effect::Audit(audit));
            out.push(Effect::QueueAlert(self.alert(
                out,
                "store-failed",
                Some(visit),
            )));
        }
        let current = self.screen == Screen::Printing
            && self.cleared.as_ref().is_some_and(|c| c.visit == visit);
        if !current {
            return; // a responder's entry, or the kiosk moved on
        }
        if ok {
            if let Some(job) = self.cleared.as_mut().and_then(|c| c.badge.take()) {
                out.push(Effect::PrintBadge(job));
            }
        } else {
            self.cleared = None;
            self.go(out, Screen::FrontOffice);
        }
    }

    /// The last event's records (audit lines, alerts, decisions) were not written: whatever
    /// visit was under way ends at the front office. The edge puts the kiosk out of service
    /// when the failures go on ([`Fault::StoreFailing`]).
    fn records_failed(&mut self, out: &mut Out) {
        self.pending = None;
        self.cleared = None;
        self.invitation = None;
        if self.operator.is_none() && self.screen != Screen::OutOfService {
            self.go(out, Screen::FrontOffice);
        }
    }

    /// A fault began or ended. While any lasts: out of service, every visit under way
    /// abandoned, staff alerted once per fault.
    fn fault(&mut self, out: &mut Out, fault: Fault, present: bool) {
        if present == self.faults.contains(&fault) {
            return;
        }
        let event = if present {
            "out-of-service"
        } else {
            "back-in-service"
        };
        let mut audit = self.audit(out, event);
        audit.outcome = Some(fault.code());
        out.push(Effect::Audit(audit));
        let mut alert = self.alert(out, event, None);
        alert.reason = Some(fault.code().into());
        out.push(Effect::QueueAlert(alert));
        if present {
            self.faults.push(fault);
        } else {
            self.faults.retain(|f| *f != fault);
        }
        self.reset(out);
    }

    /// Start-up: what the kiosk saved before comes back, a lockdown first of all.
    fn resumed(&mut self, out: &mut Out, saved: Durable, panic_active: bool) {
        self.next_visit = self.next_visit.max(saved.next_visit);
        self.pins.restore(saved.lockouts);
        self.unknown_numbers = saved.unknown_student_numbers;
        self.students_locked_until = saved.students_locked_until;
        if !saved.queue.is_empty() {
            self.queue = saved.queue.into();
            let mut audit = self.audit(out, "review-queue-resumed");
            audit.outcome = Some("check-ins-waiting");
            out.push(Effect::Audit(audit));
        }
        if saved.lockdown {
            self.lockdown = true;
            out.push(Effect::Lockdown { on: true });
            out.push(Effect::Audit(self.audit(out, "lockdown-resumed")));
        }
        if panic_active {
            self.input(out, InputPin::Panic);
        }
    }

    /// A visit saved with an invitation uses it up for the day, audited by id.
    fn invitation_used(&self, out: &mut Out, used: Option<(String, VisitId)>) {
        let Some((id, visit)) = used else { return };
        let mut audit = self.audit(out, "invitation-used");
        audit.visit = Some(visit);
        audit.record_id = Some(id.clone());
        out.push(Effect::Audit(audit));
        out.push(Effect::InvitationUsed { id, visit });
    }

    fn printed(&mut self, out: &mut Out, visit: VisitId, ok: bool) {
        let current = self.screen == Screen::Printing
            && self.cleared.as_ref().is_some_and(|c| c.visit == visit);
        let mut audit = self.audit(out, if ok { "badge-printed" } else { "print-failed" });
        audit.visit = Some(visit);
        out.push(Effect::Audit(audit));
        if !current {
            return; // the kiosk moved on (idle reset): no door for a visitor who is not here
        }
        self.cleared = None;
        if !ok {
            // The visitor is cleared but has no badge: staff hand one out (and fix the printer).
            out.push(Effect::QueueAlert(self.alert(
                out,
                "print-failed",
                Some(visit),
            )));
            self.go(out, Screen::FrontOffice);
            return;
        }
        if self.lockdown || !self.faults.is_empty() {
            let mut audit = self.audit(out, "door-kept-locked");
            audit.visit = Some(visit);
            out.push(Effect::Audit(audit));
            self.go(out, Screen::FrontOffice);
            return;
        }
        // "The door is open" only once the relay driver took the pulse.
        self.door_pending = Some(visit);
        out.push(Effect::PulseRelay {
            visit,
            ms: self.settings.door_unlock_ms,
        });
    }

    /// The relay answered a pulse: the visitor waiting for it sees the door open, or goes to
    /// the front office when it was refused (staff alerted, audited).
    fn relay_pulsed(&mut self, out: &mut Out, visit: VisitId, ok: bool) {
        let waiting = self.door_pending == Some(visit) && self.screen == Screen::Printing;
        if self.door_pending == Some(visit) {
            self.door_pending = None;
        }
        if !ok {
            let mut audit = self.audit(out, "door-failed");
            audit.visit = Some(visit);
            out.push(Effect::Audit(audit));
            out.push(Effect::QueueAlert(self.alert(
                out,
                "door-failed",
                Some(visit),
            )));
            if let StaffNotice::ResponderIn { visit: v, door } = &mut self.notice {
                *door &= *v != visit;
            }
        }
        if waiting {
            self.go(
                out,
                if ok {
                    Screen::DoorOpen
                } else {
                    Screen::FrontOffice
                },
            );
        }
    }

    // ---- staff -------------------------------------------------------------------------

    fn pin_pad(&mut self, out: &mut Out, tap: Tap) {
        match tap {
            Tap::Operator(n) if self.pin_operator.is_none() => {
                self.pin_operator = self.pins.operators().nth(n - 1).map(str::to_owned);
            }
            Tap::Digit(d)
                if d < 10 && self.pin_operator.is_some() && self.pin_entry.len() < MAX_PIN_LEN =>
            {
                self.pin_entry.push(char::from(b'0' + d));
            }
            Tap::PinClear => self.pin_entry.clear(),
            Tap::PinEnter => self.enter_pin(out),
            Tap::Done => self.reset(out),
            _ => {}
        }
    }

    /// The PIN typed goes to the edge to be checked against the operator's hashes, unless the
    /// operator is locked out (then it is not even checked) or a check is under way.
    fn enter_pin(&mut self, out: &mut Out) {
        let typed = pin::Typed::new(std::mem::take(&mut self.pin_entry));
        let Some(operator) = self.pin_operator.clone() else {
            return; // the name comes first
        };
        if self.pin_checking.is_some() {
            return;
        }
        if let Some(until) = self.pins.locked(&operator, out.now) {
            return self.pin_attempt(out, &operator, Attempt::Locked { until });
        }
        if !typed.acceptable() {
            // Too short or too long: wrong without hashing anything.
            let attempt = self.pins.answer(&operator, false, out.now);
            return self.pin_attempt(out, &operator, attempt);
        }
        self.pin_checking = Some(operator.clone());
        out.push(Effect::CheckPin {
            hashes: self.pins.hashes(&operator),
            operator,
            pin: typed,
        });
    }

    /// The edge checked a PIN: counted against that operator whatever the screen shows now;
    /// a right one logs in only while the PIN pad still waits for that operator.
    fn pin_checked(&mut self, out: &mut Out, operator: &str, right: bool) {
        if self.pin_checking.as_deref() == Some(operator) {
            self.pin_checking = None;
        }
        let attempt = self.pins.answer(operator, right, out.now);
        let waiting =
            self.screen == Screen::StaffPin && self.pin_operator.as_deref() == Some(operator);
        if matches!(attempt, Attempt::Accepted { .. }) && !waiting {
            return; // the kiosk moved on (idle reset): nobody logs in unseen
        }
        self.pin_attempt(out, operator, attempt);
    }

    fn pin_attempt(&mut self, out: &mut Out, operator: &str, attempt: Attempt) {
        let (event, notice) = match &attempt {
            Attempt::Accepted { .. } => ("login", PinNotice::None),
            Attempt::Wrong { left } => ("login-failed", PinNotice::Wrong { left: *left }),
            Attempt::LockedNow { until } => ("login-locked", PinNotice::Locked { until: *until }),
            Attempt::Locked { until } => {
                ("login-refused-locked", PinNotice::Locked { until: *until })
            }
        };
        self.pin_notice = notice;
        let mut audit = self.audit(out, event);
        audit.operator = Some(operator.to_owned());
        out.push(Effect::Audit(audit));
        match attempt {
            Attempt::Accepted { operator } => {
                self.operator = Some(operator);
                self.office_called = false;
                // A menu first: nobody's record is on screen before staff ask for it (a
                // student's early dismissal waiting for approval is what they came for).
                let screen = if self.dismissal_waiting() {
                    Screen::StudentApproval
                } else {
                    Screen::StaffHome
                };
                self.go(out, screen);
            }
            Attempt::LockedNow { .. } => {
                let mut alert = self.alert(out, "pin-locked", None);
                alert.operator = Some(operator.to_owned());
                out.push(Effect::QueueAlert(alert));
            }
            Attempt::Wrong { .. } | Attempt::Locked { .. } => {}
        }
    }

    fn logout(&mut self, out: &mut Out) {
        if self.operator.is_some() {
            out.push(Effect::Audit(self.audit(out, "logout")));
            self.operator = None;
        }
    }

    fn staff_home(&mut self, out: &mut Out, tap: Tap) {
        match tap {
            Tap::ReviewQueue if !self.queue.is_empty() => self.go(out, Screen::Review),
            Tap::ManualEntry => {
                self.manual = ManualForm {
                    focus: Some(Field::First),
                    ..ManualForm::default()
                };
                self.go(out, Screen::ManualEntry);
            }
            Tap::EndLockdown if self.lockdown => {
                self.lockdown = false;
                out.push(Effect::Lockdown { on: false });
                out.push(Effect::Audit(self.audit(out, "lockdown-ended")));
                out.push(Effect::QueueAlert(self.alert(out, "lockdown-ended", None)));
            }
            Tap::Roster => {
                self.roster.clear();
                self.go(out, Screen::Roster);
                out.push(Effect::LoadRoster);
            }
            Tap::Reports => self.open_reports(out),
            Tap::PrintEvacuation => out.push(Effect::PrintEvacuation),
            Tap::Responder => self.responder(out),
            Tap::Done => self.reset(out),
            _ => {}
        }
    }

    fn roster_tap(&mut self, out: &mut Out, tap: Tap) {
        match tap {
            Tap::SignOutVisit(visit) if self.roster.iter().any(|l| l.visit == visit) => {
                self.staff_sign_out(out, visit, "signed-out-by-staff");
                out.push(Effect::LoadRoster);
            }
            Tap::SignOutEarlier => {
                let earlier: Vec<VisitId> = self
                    .roster
                    .iter()
                    .filter(|l| l.earlier_day)
                    .map(|l| l.visit)
                    .collect();
                if earlier.is_empty() {
                    return;
                }
                for visit in earlier {
                    self.staff_sign_out(out, visit, "signed-out-end-of-day");
                }
                out.push(Effect::LoadRoster);
            }
            Tap::PrintEvacuation => out.push(Effect::PrintEvacuation),
            Tap::Done => {
                self.roster.clear();
                self.go(out, Screen::StaffHome);
            }
            _ => {}
        }
    }

    /// Staff sign a visit out by hand (the visitor left without scanning their badge).
    fn staff_sign_out(&mut self, out: &mut Out, visit: VisitId, event: &'static str) {
        self.roster.retain(|l| l.visit != visit);
        out.push(Effect::SignOut {
            visit,
            at_ms: out.now,
        });
        let mut audit = self.audit(out, event);
        audit.visit = Some(visit);
        out.push(Effect::Audit(audit));
    }

    /// A stale answer (staff left the roster meanwhile) is dropped: names stay off screens
    /// nobody asked for.
    fn roster_loaded(&mut self, mut lines: Vec<RosterLine>) {
        if self.screen != Screen::Roster {
            return;
        }
        // Grouped by purpose; within a group the store's order (oldest visit first) stays.
        lines.sort_by(|a, b| a.purpose.cmp(&b.purpose));
        self.roster = lines;
    }

    fn evacuation_printed(&mut self, out: &mut Out, ok: bool) {
        let mut audit = self.audit(out, "evacuation-list-printed");
        audit.outcome = Some(if ok { "printed" } else { "print-failed" });
        out.push(Effect::Audit(audit));
        if self.operator.is_some() {
            self.notice = if ok {
                StaffNotice::EvacuationPrinted
            } else {
                StaffNotice::EvacuationFailed
            };
        }
    }

    /// Police, fire or ambulance: logged as a visit cleared by the operator, no screening and
    /// no badge; the door opens unless the kiosk is in lockdown (staff let them in by hand).
    fn responder(&mut self, out: &mut Out) {
        let visit = self.new_visit();
        out.push(Effect::SaveVisit(VisitRecord {
            visit,
            at_ms: out.now,
            visitor_name: RESPONDER_PURPOSE.into(),
            purpose: RESPONDER_PURPOSE.into(),
            destination: String::new(),
            no_id: false,
            cleared_by: self.operator.clone(),
        }));
        let mut audit = self.audit(out, "responder-entry");
        audit.visit = Some(visit);
        out.push(Effect::Audit(audit));
        out.push(Effect::QueueAlert(self.alert(
            out,
            "responder-entry",
            Some(visit),
        )));
        let door = !self.lockdown;
        if door {
            out.push(Effect::PulseRelay {
                visit,
                ms: self.settings.door_unlock_ms,
            });
        } else {
            let mut audit = self.audit(out, "door-kept-locked");
            audit.visit = Some(visit);
            out.push(Effect::Audit(audit));
        }
        self.notice = StaffNotice::ResponderIn { visit, door };
    }

    fn review_tap(&mut self, out: &mut Out, tap: Tap) {
        let Some(check_in) = self.queue.front_mut() else {
            return;
        };
        let decided = match tap {
            Tap::NotAMatch => vec![check_in.decide(Decision::NotAMatch)],
            Tap::IsAMatch => {
                check_in.choosing_match = true;
                return;
            }
            Tap::AllowOnceBlock | Tap::Deny | Tap::AllowRegistered if check_in.choosing_match => {
                let decision = match tap {
                    Tap::AllowOnceBlock => Decision::AllowOnceBlock,
                    Tap::Deny => Decision::Deny,
                    _ => Decision::AllowRegistered,
                };
                vec![check_in.decide(decision)]
            }
            Tap::Remaining(remaining) => match check_in.decide_remaining(remaining) {
                Some(decided) => decided,
                None => return, // staff must look at every candidate first
            },
            Tap::NextCandidate => {
                let next = (check_in.current() + 1) % check_in.candidates.len();
                check_in.show(next);
                return;
            }
            Tap::PreviousCandidate => {
                let n = check_in.candidates.len();
                check_in.show((check_in.current() + n - 1) % n);
                return;
            }
            Tap::ResetDecisions => {
                let forget = Forget {
                    identity_key: check_in.person.identity_key(),
                    operator: self.operator.clone().unwrap_or_default(),
                    at_ms: out.now,
                };
                let visit = check_in.visit;
                out.push(Effect::ForgetDecisions(forget));
                let mut audit = self.audit(out, "decisions-reset");
                audit.visit = Some(visit);
                out.push(Effect::Audit(audit));
                self.notice = StaffNotice::DecisionsReset;
                return;
            }
            Tap::Done => {
                self.go(out, Screen::StaffHome);
                return;
            }
            _ => return,
        };
        self.record_decisions(out, &decided);
        if self.queue.front().is_some_and(CheckIn::finished) {
            self.finish_review(out);
        }
    }

    /// Every decision: an audit line; "not a match" and "allow once and block" remembered;
    /// matches send the decision alert.
    fn record_decisions(&mut self, out: &mut Out, decided: &[(usize, Decision)]) {
        let Some(check_in) = self.queue.front() else {
            return;
        };
        let operator = self.operator.clone().unwrap_or_default();
        let identity_key = check_in.person.identity_key();
        for &(index, decision) in decided {
            let candidate = &check_in.candidates[index];
            let mut audit = self.audit(out, "decision");
            audit.visit = Some(check_in.visit);
            audit.source = Some(candidate.source);
            audit.record_id = Some(candidate.record_id.clone());
            audit.outcome = Some(decision.as_str());
            out.push(Effect::Audit(audit));
            if matches!(decision, Decision::NotAMatch | Decision::AllowOnceBlock) {
                out.push(Effect::Remember(Remembered {
                    identity_key: identity_key.clone(),
                    source: candidate.source,
                    record_id: candidate.record_id.clone(),
                    decision,
                    operator: operator.clone(),
                    at_ms: out.now,
                }));
            }
            if decision.is_match() {
                let mut alert = self.alert(out, "decision", Some(check_in.visit));
                alert.records = vec![AlertRecord::from(candidate)];
                alert.decision = Some(decision);
                out.push(Effect::QueueAlert(alert));
            }
        }
    }

    fn finish_review(&mut self, out: &mut Out) {
        let Some(check_in) = self.queue.pop_front() else {
            return;
        };
        let admitted = check_in.admitted();
        let event = if admitted {
            "visit-cleared"
        } else {
            "visit-refused"
        };
        let mut audit = self.audit(out, event);
        audit.visit = Some(check_in.visit);
        out.push(Effect::Audit(audit));
        if admitted && self.review_too_late(out, &check_in) {
            // The decisions stand (recorded above), but nobody is let in on them now: the
            // visitor is told to see the office.
            let mut audit = self.audit(out, "review-too-late");
            audit.visit = Some(check_in.visit);
            out.push(Effect::Audit(audit));
            self.logout(out);
            self.go(out, Screen::FrontOffice);
        } else if admitted && check_in.person.no_id() {
            // Typed in by the operator who is here: nothing to scan again.
            let by = self.operator.clone();
            self.clear(out, check_in.visit, check_in.person, by, None);
        } else if admitted {
            self.rescan = Some(Rescan {
                visit: check_in.visit,
                person: check_in.person,
                cleared_by: self.operator.clone(),
            });
            self.logout(out);
            self.go(out, Screen::ConfirmId);
        } else if self.queue.is_empty() {
            self.go(out, Screen::StaffHome);
        } else {
            // The next check-in: the review screen shows it from its first candidate.
            out.push(Effect::Show(Screen::Review));
        }
    }

    /// A check-in flagged longer ago than `review_admit_ms` (or of unknown age) can no longer
    /// be admitted at the kiosk.
    fn review_too_late(&self, out: &Out, check_in: &CheckIn) -> bool {
        check_in
            .queued_at
            .is_none_or(|at| out.now.saturating_sub(at) > self.settings.review_admit_ms)
    }

    fn manual_tap(&mut self, out: &mut Out, tap: Tap) {
        match tap {
            Tap::Field(field) => self.manual.focus = Some(field),
            Tap::Key(key) => self.manual.press(key),
            Tap::Submit => match self.manual.person() {
                Ok(person) => {
                    self.manual.problem = None;
                    let mut audit = self.audit(out, "manual-entry");
                    self.start_screening(out, person);
                    audit.visit = self.pending.as_ref().map(|p| p.visit);
                    out.push(Effect::Audit(audit));
                }
                Err(problem) => self.manual.problem = Some(problem),
            },
            Tap::Done => {
                self.manual = ManualForm::default();
                self.go(out, Screen::StaffHome);
            }
            _ => {}
        }
    }

    fn approve_manual(&mut self, out: &mut Out) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        let mut audit = self.audit(out, "manual-entry-approved");
        audit.visit = Some(pending.visit);
        out.push(Effect::Audit(audit));
        self.manual = ManualForm::default();
        let by = self.operator.clone();
        self.clear(out, pending.visit, pending.person, by, None);
    }

    // ---- time and pins -----------------------------------------------------------------

    fn tick(&mut self, out: &mut Out) {
        let idle = out.now.saturating_sub(self.active_at);
        let timeout = match self.screen {
            Screen::Attract | Screen::OutOfService => return,
            Screen::DoorOpen | Screen::SignedOut | Screen::StudentDone => {
                self.settings.door_unlock_ms
            }
            // The visit waits for the store (behind a registry import, which holds its one
            // writer) and the printer, which both always answer; the visitor waits on the
            // progress screen, up to a bound. Past it, late answers open nothing.
            Screen::Printing => PRINTING_LIMIT_MS.max(self.settings.idle_timeout_ms),
            _ => self.settings.idle_timeout_ms,
        };
        if idle >= timeout && !self.abandon_id_step(out, "timeout") {
            self.reset(out);
        }
    }

    /// Back to the attract screen with nothing personal kept on screen or in the visit
    /// being built. Flagged check-ins stay queued for staff.
    fn reset(&mut self, out: &mut Out) {
        self.logout(out);
        self.pending = None;
        self.invitation = None;
        self.cleared = None;
        self.rescan = None;
        self.manual = ManualForm::default();
        self.roster.clear();
        self.students = None;
        self.forget_report();
        self.notice = StaffNotice::None;
        self.pin_entry.clear();
        self.pin_notice = PinNotice::None;
        self.pin_operator = None;
        self.pin_checking = None;
        self.door_pending = None;
        self.scan_failures = 0;
        self.set_language(out, self.settings.language);
        let home = if self.faults.is_empty() {
            Screen::Attract
        } else {
            Screen::OutOfService
        };
        self.go(out, home);
    }

    fn input(&mut self, out: &mut Out, pin: InputPin) {
        match pin {
            InputPin::Panic => {
                if !self.lockdown {
                    self.lockdown = true;
                    out.push(Effect::Lockdown { on: true });
                }
                out.push(Effect::QueueAlert(self.alert(out, "panic", None)));
                out.push(Effect::Audit(self.audit(out, "panic")));
            }
            InputPin::DoorOpened => out.push(Effect::Audit(self.audit(out, "door-opened"))),
        }
    }
}

/// Effects of one event, and its time.
struct Out {
    now: Millis,
    effects: Vec<Effect>,
}

impl Out {
    fn push(&mut self, effect: Effect) {
        self.effects.push(effect);
    }
}
