//! The student errands: pickup (allowed, refused), drop-off, a student arriving late or
//! leaving early, the search's privacy rule, stale answers and idle resets.

use super::*;
use crate::kiosk::students;

fn maria() -> StudentChoice {
    StudentChoice {
        student_id: "100234".into(),
        short_name: "Maria G.".into(),
        full_name: "Maria Garcia".into(),
        grade: "3".into(),
        school: "Demo Elementary".into(),
    }
}

/// Types `text` on the search screen and answers the lookup it asks for with Maria.
fn search(k: &mut Kiosk, now: Millis, text: &str) -> Vec<Effect> {
    let mut effects = k.handle(now, Event::Typed(text.into()));
    let lookup = effects.iter().find_map(|e| match e {
        Effect::SearchStudents(l) => Some(l.clone()),
        _ => None,
    });
    if let Some(lookup) = lookup {
        effects.extend(k.handle(
            now,
            Event::StudentsFound {
                lookup,
                found: vec![maria()],
            },
        ));
    }
    effects
}

/// A cleared adult who picked `purpose`.
fn adult_with(purpose: &str) -> Kiosk {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![]);
    tap(&mut k, 10, &format!("purpose:{purpose}"));
    k
}

fn pickup_check(effects: &[Effect]) -> (VisitId, String) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::CheckPickup {
                visit, student_id, ..
            } => Some((*visit, student_id.clone())),
            _ => None,
        })
        .expect("a pickup check")
}

fn moves(effects: &[Effect]) -> Vec<&StudentMove> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::RecordStudent(m) => Some(m),
            _ => None,
        })
        .collect()
}

#[test]
fn the_search_asks_only_once_two_names_or_a_student_id_are_typed() {
    assert_eq!(StudentLookup::from_text("MARIA"), None);
    assert_eq!(
        StudentLookup::from_text("MARIA G"),
        None,
        "one letter is not a name"
    );
    assert_eq!(StudentLookup::from_text("123"), None, "too short for an id");
    let names = StudentLookup::from_text("maria ga 3").unwrap();
    assert_eq!(names.name, "MARIA GA");
    assert_eq!(names.grade.as_deref(), Some("3"));
    let kg = StudentLookup::from_text("k maria garcia").unwrap();
    assert_eq!(kg.grade.as_deref(), Some("K"));
    let id = StudentLookup::from_text("100234").unwrap();
    assert_eq!((id.name.as_str(), id.grade), ("100234", None));
}

#[test]
fn an_allowed_pickup_records_alerts_prints_badge_and_slip_then_opens_the_door() {
    let mut k = adult_with("pickup");
    assert_eq!(k.screen(), Screen::StudentSearch);
    let typed = search(&mut k, 20, "maria");
    assert!(!typed.iter().any(|e| matches!(e, Effect::SearchStudents(_))));
    search(&mut k, 30, " ga");
    assert_eq!(k.student_search().unwrap().results.len(), 1);
    let effects = tap(&mut k, 40, "student:1");
    let (visit, student) = pickup_check(&effects);
    assert_eq!(student, "100234");
    assert_eq!(k.screen(), Screen::Screening);
    k.handle(
        50,
        Event::PickupChecked {
            visit,
            result: Ok(()),
        },
    );
    assert_eq!(k.screen(), Screen::StudentReason);
    assert!(k.student_reasons().iter().any(|r| r.id == "appointment"));
    let effects = tap(&mut k, 60, "reason:appointment");
    let recorded = moves(&effects);
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].movement, Movement::EarlyDismissal);
    assert_eq!(
        recorded[0].picked_up_by.as_deref(),
        Some("Anna Maria Eriksson")
    );
    let pickup = alerts(&effects, "pickup");
    assert_eq!(pickup.len(), 1);
    assert_eq!(pickup[0].visit, Some(visit));
    assert_eq!(pickup[0].student.as_ref().unwrap().student_id, "100234");
    let job = effects
        .iter()
        .find_map(|e| match e {
            Effect::PrintBadge(job) => Some(job.clone()),
            _ => None,
        })
        .expect("a badge");
    let slip = job.slip.expect("the dismissal slip with the badge");
    assert_eq!(slip.movement, Movement::EarlyDismissal);
    assert_eq!(slip.visit, Some(visit));
    assert!(effects.iter().any(|e| matches!(e,
        Effect::SaveVisit(v) if v.purpose == "pickup" && v.destination == "office")));
    assert_eq!(
        relay_pulses(&effects),
        0,
        "no door before the badge printed"
    );
    let effects = k.handle(70, Event::Printed { visit, ok: true });
    assert_eq!(relay_pulses(&effects), 1);
    assert_eq!(
        k.screen(),
        Screen::Printing,
        "the door shows open once the relay took it"
    );
    k.handle(70, Event::RelayPulsed { visit, ok: true });
    assert_eq!(k.screen(), Screen::DoorOpen);
}

#[test]
fn a_refused_pickup_shows_the_neutral_office_screen_and_tells_only_the_audit_and_the_office() {
    let mut k = adult_with("pickup");
    search(&mut k, 20, "maria garcia");
    let (visit, _) = pickup_check(&tap(&mut k, 30, "student:1"));
    let effects = k.handle(
        40,
        Event::PickupChecked {
            visit,
            result: Err(PickupRefused {
                code: "custody_order",
                entry_id: Some("W-7".into()),
            }),
        },
    );
    assert_eq!(k.screen(), Screen::FrontOffice);
    let audit = audits(&effects, "pickup-refused");
    assert_eq!(audit[0].outcome, Some("custody_order"));
    assert_eq!(audit[0].record_id.as_deref(), Some("W-7"));
    let alert = alerts(&effects, "pickup-refused");
    assert_eq!(alert[0].reason.as_deref(), Some("custody_order"));
    assert_eq!(alert[0].records[0].record_id, "W-7");
    assert!(moves(&effects).is_empty());
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::SaveVisit(_) | Effect::PrintBadge(_))));
    assert_eq!(relay_pulses(&effects), 0);
    // The visitor's screens are the same as for "No ID": nothing about the student stays.
    assert!(k.student_search().is_none());
}

#[test]
fn a_pickup_answer_after_an_idle_reset_is_dropped() {
    let mut k = adult_with("pickup");
    search(&mut k, 20, "maria garcia");
    let (visit, _) = pickup_check(&tap(&mut k, 30, "student:1"));
    k.handle(10_000_000, Event::Tick);
    assert_eq!(k.screen(), Screen::Attract);
    let effects = k.handle(
        10_000_010,
        Event::PickupChecked {
            visit,
            result: Ok(()),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(k.screen(), Screen::Attract);
}

#[test]
fn a_drop_off_needs_no_guardian_check_and_records_a_late_arrival() {
    let mut k = adult_with("late-arrival");
    search(&mut k, 20, "maria garcia");
    let effects = tap(&mut k, 30, "student:1");
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::CheckPickup { .. })));
    assert_eq!(k.screen(), Screen::StudentReason);
    let effects = tap(&mut k, 40, "reason:transport");
    let recorded = moves(&effects);
    assert_eq!(recorded[0].movement, Movement::LateArrival);
    assert_eq!(recorded[0].picked_up_by, None);
    assert!(alerts(&effects, "pickup").is_empty());
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::PrintBadge(j) if j.slip.is_some())));
}

/// A student at the kiosk alone: "I'm a student", `kind`, their number typed and "find".
fn student_typing(kind: &str, number: &str) -> (Kiosk, Vec<Effect>) {
    let mut k = kiosk();
    tap(&mut k, 0, "student");
    assert_eq!(k.screen(), Screen::StudentKind);
    tap(&mut k, 10, kind);
    let mut effects = k.handle(20, Event::Typed(number.into()));
    effects.extend(tap(&mut k, 30, "student-find"));
    (k, effects)
}

/// Answers the student-number lookup in `effects` with `found`.
fn answer(k: &mut Kiosk, effects: &[Effect], found: Vec<StudentChoice>) -> Vec<Effect> {
    let lookup = effects
        .iter()
        .find_map(|e| match e {
            Effect::SearchStudents(l) => Some(l.clone()),
            _ => None,
        })
        .expect("a lookup for the student number");
    k.handle(40, Event::StudentsFound { lookup, found })
}

#[test]
fn a_late_student_signs_in_by_number_and_takes_a_pass_without_the_door() {
    let (mut k, effects) = student_typing("student-late", "100234");
    let Some(Effect::SearchStudents(lookup)) = effects.first() else {
        panic!("a lookup for the student number: {effects:?}");
    };
    assert_eq!(lookup.name, "100234");
    assert!(lookup.by_number);
    answer(&mut k, &effects, vec![maria(), maria()]);
    assert_eq!(
        k.student_search().unwrap().results.len(),
        1,
        "themselves only"
    );
    tap(&mut k, 50, "student:1");
    assert_eq!(k.screen(), Screen::StudentReason);
    assert!(k.student_reasons().iter().any(|r| r.id == "illness"));
    let effects = tap(&mut k, 60, "reason:illness");
    assert_eq!(moves(&effects)[0].movement, Movement::LateArrival);
    assert!(alerts(&effects, "student-leaving").is_empty());
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::PrintSlip(s) if s.adult.is_none())));
    assert_eq!(k.screen(), Screen::Printing);
    let effects = k.handle(70, Event::SlipPrinted { ok: true });
    assert_eq!(k.screen(), Screen::StudentDone);
    assert_eq!(relay_pulses(&effects), 0);
    k.handle(70 + k.settings().door_unlock_ms, Event::Tick);
    assert_eq!(k.screen(), Screen::Attract);
}

#[test]
fn a_student_browses_nobody_names_find_nothing_and_typing_asks_nothing() {
    let mut k = kiosk();
    tap(&mut k, 0, "student");
    tap(&mut k, 10, "student-late");
    let effects = k.handle(20, Event::Typed("maria garcia 3".into()));
    assert!(effects.is_empty(), "no lookup while typing: {effects:?}");
    assert_eq!(
        k.student_search().unwrap().text,
        "3",
        "letters are not taken"
    );
}

#[test]
fn a_student_leaving_early_waits_for_staff_before_anything_is_recorded_or_printed() {
    let (mut k, effects) = student_typing("student-leaving", "100234");
    answer(&mut k, &effects, vec![maria()]);
    tap(&mut k, 50, "student:1");
    let reason = k.student_reasons()[0].id.clone();
    let effects = tap(&mut k, 60, &format!("reason:{reason}"));
    assert_eq!(k.screen(), Screen::StudentWaiting);
    assert!(moves(&effects).is_empty());
    assert!(!effects.iter().any(|e| matches!(e, Effect::PrintSlip(_))));
    assert!(alerts(&effects, "student-leaving").is_empty());
    // Staff log in at the kiosk and approve: recorded with their name, slip printed.
    login(&mut k, 70);
    assert_eq!(k.screen(), Screen::StudentApproval);
    let effects = tap(&mut k, 80, "approve");
    let recorded = moves(&effects);
    assert_eq!(recorded[0].movement, Movement::EarlyDismissal);
    assert_eq!(recorded[0].approved_by.as_deref(), Some("demo"));
    assert_eq!(alerts(&effects, "student-leaving").len(), 1);
    assert!(effects.iter().any(|e| matches!(e, Effect::PrintSlip(_))));
    assert_eq!(k.operator(), None, "staff are logged out for the student");
    let effects = k.handle(90, Event::SlipPrinted { ok: false });
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert_eq!(alerts(&effects, "print-failed").len(), 1);

    // Refused, or nobody comes: nothing recorded, nothing printed.
    let (mut k, effects) = student_typing("student-leaving", "100234");
    answer(&mut k, &effects, vec![maria()]);
    tap(&mut k, 50, "student:1");
    tap(&mut k, 60, "reason:family");
    login(&mut k, 70);
    let effects = tap(&mut k, 80, "deny");
    assert!(moves(&effects).is_empty());
    assert_eq!(audits(&effects, "student-leaving-refused").len(), 1);
    assert_eq!(k.screen(), Screen::FrontOffice);
}

#[test]
fn unknown_student_numbers_shut_the_student_errand_for_a_while() {
    let mut k = kiosk();
    for n in 0..students::MAX_UNKNOWN_NUMBERS {
        tap(&mut k, 0, "done");
        tap(&mut k, 0, "student");
        tap(&mut k, 0, "student-late");
        k.handle(0, Event::Typed(format!("99990{n}")));
        let effects = tap(&mut k, 0, "student-find");
        let effects = answer(&mut k, &effects, vec![]);
        assert_eq!(audits(&effects, "student-number-unknown").len(), 1);
    }
    assert_eq!(k.screen(), Screen::FrontOffice);
    tap(&mut k, 1, "done");
    let effects = tap(&mut k, 2, "student");
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert_eq!(audits(&effects, "student-refused-locked").len(), 1);
    tap(&mut k, 3, "done");
    tap(&mut k, students::STUDENT_LOCK_MS + 100, "student");
    assert_eq!(k.screen(), Screen::StudentKind, "open again later");
}

#[test]
fn a_stale_search_answer_is_dropped_and_more_than_six_students_are_cut() {
    let mut k = adult_with("pickup");
    let first = search(&mut k, 20, "maria garcia");
    let Some(Effect::SearchStudents(old)) = first.first().cloned() else {
        panic!("a lookup");
    };
    tap(&mut k, 30, "key:backspace");
    k.handle(
        40,
        Event::StudentsFound {
            lookup: old,
            found: vec![maria()],
        },
    );
    assert!(k.student_search().unwrap().results.is_empty());
    let effects = tap(&mut k, 50, "key:a");
    let Some(Effect::SearchStudents(now)) = effects.first().cloned() else {
        panic!("a lookup");
    };
    k.handle(
        60,
        Event::StudentsFound {
            lookup: now,
            found: vec![maria(); 9],
        },
    );
    assert_eq!(
        k.student_search().unwrap().results.len(),
        students::MAX_RESULTS
    );
    // A tap past the list does nothing.
    tap(&mut k, 70, "student:7");
    assert_eq!(k.screen(), Screen::StudentSearch);
}

#[test]
fn student_labels_round_trip() {
    for label in [
        "student",
        "student-late",
        "student-leaving",
        "student-find",
        "student:3",
        "reason:other",
    ] {
        assert_eq!(Tap::from_label(label).unwrap().label(), label);
    }
    assert_eq!(Tap::from_label("student:0"), None);
}
