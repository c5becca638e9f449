//! The app's side of the student errands ([`crate::kiosk::students`]): the roster search, the
//! pickup rule with the SIS guardians and the custody watchlist, student events in the store,
//! and the printed slip.

use time::PrimitiveDateTime;

use super::KioskApp;
use crate::badge::slip::{self, SlipText};
use crate::kiosk::{Movement, PickupRefused, Slip, StudentChoice, StudentLookup, StudentMove};
use crate::screening::normalise::PersonName;
use crate::screening::Visitor;
use crate::sis::pickup::{self, CustodyEntry, Pickup};
use crate::sis::search::StudentQuery;
use crate::sis::Student;
use crate::store::students::{StudentEvent, StudentEventKind};

impl KioskApp {
    /// A student ID card's barcode (its digits) while a student gives their number.
    pub(super) fn student_card(&self, scanned: &str) -> Option<String> {
        let digits = scanned.trim();
        let is_number = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        (is_number && self.kiosk.wants_student_card()).then(|| digits.to_owned())
    }

    /// The roster's students the lookup finds, as the search screen lists them; a student's
    /// own number finds that one student only.
    pub(super) fn search_students(&self, lookup: &StudentLookup) -> Vec<StudentChoice> {
        let Some(store) = &self.store else {
            return Vec::new();
        };
        if lookup.by_number {
            return match store.student(&lookup.name) {
                Ok(found) => found.iter().map(|r| choice(&r.student)).collect(),
                Err(e) => {
                    tracing::error!("cannot read the student roster: {e}");
                    Vec::new()
                }
            };
        }
        let query = StudentQuery::new(&lookup.name, lookup.grade.as_deref());
        match store.search_students(&query) {
            Ok(found) => distinct(found.iter().map(choice).collect()),
            Err(e) => {
                tracing::error!("cannot search the student roster: {e}");
                Vec::new()
            }
        }
    }

    /// May `adult` take the student? The guardian list from the SIS and the custody entries
    /// screening finds for the adult now (a "not a match" staff recorded still counts).
    pub(super) fn check_pickup(
        &self,
        adult: &Visitor,
        student_id: &str,
    ) -> Result<(), PickupRefused> {
        let refused = |code| PickupRefused {
            code,
            entry_id: None,
        };
        let Some(store) = &self.store else {
            return Err(refused("no-roster"));
        };
        let record = match store.student(student_id) {
            Ok(Some(record)) => record,
            Ok(None) => return Err(refused("unknown_student")),
            Err(e) => {
                tracing::error!("cannot read the student roster: {e}");
                return Err(refused("store-error"));
            }
        };
        let flags = match store
            .screener_for(self.lists_only)
            .and_then(|s| s.screen(adult, None))
        {
            Ok(flags) => flags,
            Err(e) => {
                tracing::error!("cannot screen a pickup: {e}");
                return Err(refused("screening-failed"));
            }
        };
        let custody = CustodyEntry::from_flags(&flags);
        let name = PersonName::new(
            &adult.last_name,
            &adult.first_name,
            &adult.middle_name,
            &adult.suffix,
        );
        let decision = pickup::decide_named(
            &name,
            &record.student.student_id,
            &record.guardians,
            &custody,
        );
        match decision {
            Pickup::Allowed { .. } => Ok(()),
            Pickup::SendToOffice(reason) => Err(PickupRefused {
                code: reason.code(),
                entry_id: match reason {
                    pickup::OfficeReason::CustodyOrder { entry_id } => Some(entry_id),
                    _ => None,
                },
            }),
        }
    }

    /// A late arrival or early dismissal into the store (sealed, with its audit line).
    pub(super) fn record_student(&mut self, moved: &StudentMove) {
        let event = StudentEvent {
            at: self.time_text(moved.at_ms),
            kind: match moved.movement {
                Movement::LateArrival => StudentEventKind::LateArrival,
                Movement::EarlyDismissal => StudentEventKind::EarlyDismissal,
            },
            student_id: moved.student_id.clone(),
            grade: moved.grade.clone(),
            school: moved.school.clone(),
            reason: moved.reason.clone(),
            picked_up_by: moved.picked_up_by.clone(),
            operator: moved.approved_by.clone(),
        };
        // On the writer thread, like every write of the kiosk.
        self.write_other(move |w| {
            if let Err(e) = w.store.record_student_event(&event) {
                tracing::error!("cannot record a student event: {e}");
            }
        });
    }

    /// A student's slip as the badge printer prints it.
    pub(super) fn slip_page(&self, slip: &Slip) -> crate::badge::Bitmap1 {
        let at = self.wall_clock();
        let text = slip_text(
            slip,
            &self.school,
            PrimitiveDateTime::new(at.date(), at.time()),
        );
        slip::render(&text, self.background.printer_kind().label())
    }

    fn time_text(&self, at_ms: crate::kiosk::Millis) -> String {
        self.wall_at(at_ms)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }
}

/// A student as the search screen lists them: given name and family initial.
fn choice(student: &Student) -> StudentChoice {
    let initial: String = student.family_name.chars().take(1).collect();
    StudentChoice {
        student_id: student.student_id.clone(),
        short_name: format!("{} {initial}.", student.given_name),
        full_name: format!("{} {}", student.given_name, student.family_name),
        // `02` and `2` are one grade; the screen and the slip say `2`.
        grade: crate::sis::search::normalise_grade(&student.grade),
        school: student.school.clone(),
    }
}

/// Two students listed alike (Lily S. and Lily S.) show their whole names, so the searcher can
/// tell them apart.
fn distinct(mut found: Vec<StudentChoice>) -> Vec<StudentChoice> {
    let names: Vec<String> = found.iter().map(|s| s.short_name.clone()).collect();
    for student in &mut found {
        if names.iter().filter(|n| **n == student.short_name).count() > 1 {
            student.short_name.clone_from(&student.full_name);
        }
    }
    found
}

/// The slip's words (English: staff read it).
fn slip_text(slip: &Slip, school: &str, at: PrimitiveDateTime) -> SlipText {
    let (title, by) = match slip.movement {
        Movement::LateArrival => ("LATE ARRIVAL", "Dropped off by"),
        Movement::EarlyDismissal => ("EARLY DISMISSAL", "Picked up by"),
    };
    let mut facts = vec![
        ("Student id".to_owned(), slip.student_id.clone()),
        ("Grade".to_owned(), slip.grade.clone()),
        ("Reason".to_owned(), slip.reason.clone()),
        (by.to_owned(), slip.adult.clone().unwrap_or_default()),
    ];
    if let Some(visit) = slip.visit {
        facts.push(("Visit".to_owned(), visit.to_string()));
    }
    SlipText {
        title: title.to_owned(),
        school: school.to_owned(),
        at,
        student_name: slip.student_name.clone(),
        facts,
    }
}
