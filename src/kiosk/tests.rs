//! The flow on its own: every decision path, the PIN lock, idle reset, fail-secure rules.

use time::macros::date;

mod students;

use super::*;
use crate::config::Config;
use crate::identity::{DocumentKind, Identity, Sex};

const TODAY: Date = date!(2026 - 03 - 09);

fn kiosk() -> Kiosk {
    let config = Config::default();
    Kiosk::new(Settings::new(&config, config.sim_staff_pins()))
}

fn identity(expires: Date) -> Identity {
    Identity {
        document: DocumentKind::Aamva,
        first_name: "ANNA".into(),
        middle_name: Some("MARIA".into()),
        last_name: "ERIKSSON".into(),
        suffix: None,
        dob: date!(1974 - 08 - 12),
        sex: Some(Sex::F),
        issuer: Some("MO".into()),
        document_number_last4: Some("1234".into()),
        expires: Some(expires),
        expiry_unreadable: false,
        name_truncated: false,
    }
}

fn scan_id() -> Event {
    Event::Scanned {
        result: Ok(Scan::Person(identity(date!(2031 - 08 - 12)))),
        today: TODAY,
    }
}

fn candidate(id: &str, source: Source) -> Candidate {
    Candidate {
        source,
        record_id: id.into(),
        name: "ERIKSSON, ANNA".into(),
        alias: false,
        dob: Some(date!(1974 - 08 - 12)),
        sex: Some(Sex::F),
        score: 90,
        reasons: vec!["last".into(), "first".into(), "dob".into()],
        details: vec![("offense".into(), "Example".into())],
        list: (source == Source::Watchlist).then(|| "custody".into()),
        action: (source == Source::Watchlist).then(|| "deny".into()),
        note: None,
    }
}

/// A tap, with every visit it saves answered as saved (the store took it).
fn tap(k: &mut Kiosk, now: Millis, label: &str) -> Vec<Effect> {
    let tap = Tap::from_label(label).unwrap_or_else(|| panic!("no tap for {label}"));
    let effects = k.handle(now, Event::Tap(tap));
    answer_saves(k, now, effects)
}

/// `effects` and what follows from answering each visit save as done, each PIN check as the
/// edge would (argon2 here) and each door pulse as taken by the relay.
fn answer_saves(k: &mut Kiosk, now: Millis, effects: Vec<Effect>) -> Vec<Effect> {
    let mut all = Vec::new();
    let mut todo = effects;
    while !todo.is_empty() {
        let answers: Vec<Event> = todo.iter().filter_map(edge_answer).collect();
        all.append(&mut todo);
        for answer in answers {
            todo.extend(k.handle(now, answer));
        }
    }
    all
}

/// What the edge answers to a save, a PIN check or a pulse when all goes well.
fn edge_answer(effect: &Effect) -> Option<Event> {
    match effect {
        Effect::SaveVisit(v) => Some(Event::VisitSaved {
            visit: v.visit,
            ok: true,
        }),
        Effect::CheckPin {
            operator,
            pin,
            hashes,
        } => Some(Event::PinChecked {
            operator: operator.clone(),
            right: pin.verifies_any(hashes),
        }),
        Effect::PulseRelay { visit, .. } => Some(Event::RelayPulsed {
            visit: *visit,
            ok: true,
        }),
        _ => None,
    }
}

/// Scans the test visitor and answers the screening request with `candidates`.
fn scan_and_screen(k: &mut Kiosk, now: Millis, candidates: Vec<Candidate>) -> Vec<Effect> {
    let effects = k.handle(now, scan_id());
    let visit = screened_visit(&effects);
    let mut all = effects;
    all.extend(k.handle(
        now,
        Event::Screened {
            visit,
            result: Ok(candidates),
        },
    ));
    all
}

fn screened_visit(effects: &[Effect]) -> VisitId {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::ScreenVisitor { visit, .. } => Some(*visit),
            _ => None,
        })
        .expect("a screening request")
}

fn login(k: &mut Kiosk, now: Millis) -> Vec<Effect> {
    let mut effects = tap(k, now, "staff");
    for d in [
        "pin-2",
        "pin-4",
        "pin-6",
        "pin-8",
        "pin-1",
        "pin-0",
        "pin-enter",
    ] {
        effects.extend(tap(k, now, d));
    }
    effects
}

fn relay_pulses(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::PulseRelay { .. }))
        .count()
}

fn alerts<'a>(effects: &'a [Effect], kind: &str) -> Vec<&'a Alert> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::QueueAlert(a) if a.kind == kind => Some(a),
            _ => None,
        })
        .collect()
}

fn audits<'a>(effects: &'a [Effect], event: &str) -> Vec<&'a Audit> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Audit(a) if a.event == event => Some(a),
            _ => None,
        })
        .collect()
}

fn badge_job(effects: &[Effect]) -> Option<&BadgeJob> {
    effects.iter().find_map(|e| match e {
        Effect::PrintBadge(job) => Some(job),
        _ => None,
    })
}

/// Picks purpose and destination and answers the print job; returns every effect.
fn finish_visit(k: &mut Kiosk, now: Millis, printed: bool) -> Vec<Effect> {
    let mut effects = tap(k, now, "purpose:visitor");
    effects.extend(tap(k, now, "destination:library"));
    let visit = badge_job(&effects).expect("a badge job").visit;
    let printed = k.handle(now, Event::Printed { visit, ok: printed });
    effects.extend(answer_saves(k, now, printed));
    effects
}

#[test]
fn a_cleared_visitor_gets_a_badge_and_the_door() {
    let mut k = kiosk();
    let effects = scan_and_screen(&mut k, 0, vec![]);
    assert_eq!(k.screen(), Screen::Purpose);
    assert!(effects.contains(&Effect::Show(Screen::Screening)));
    let effects = finish_visit(&mut k, 100, true);
    let job = badge_job(&effects).unwrap();
    assert_eq!(job.visitor_name, "Anna Maria Eriksson");
    assert_eq!(job.purpose, "Visitor");
    assert_eq!(job.destination, "Library");
    assert!(effects.iter().any(|e| matches!(e,
        Effect::SaveVisit(v) if v.purpose == "visitor" && v.destination == "library" && !v.no_id)));
    assert_eq!(effects.last(), Some(&Effect::Show(Screen::DoorOpen)));
    assert!(effects.contains(&Effect::PulseRelay {
        visit: job.visit,
        ms: 5000
    }));
    // The next visitor may scan while the door screen shows.
    let mut next = kiosk();
    scan_and_screen(&mut next, 0, vec![]);
    finish_visit(&mut next, 1, true);
    next.handle(2, scan_id());
    assert_eq!(next.screen(), Screen::Screening);
    // The door screen closes itself once the door locks again.
    assert!(k.handle(4_000, Event::Tick).is_empty());
    assert_eq!(
        k.handle(5_100, Event::Tick),
        vec![Effect::Show(Screen::Attract)]
    );
}

#[test]
fn a_flag_shows_exactly_the_no_id_screen_and_queues_a_silent_alert() {
    let mut flagged = kiosk();
    let effects = scan_and_screen(&mut flagged, 0, vec![candidate("MO-1", Source::Registry)]);
    let mut no_id = kiosk();
    no_id.handle(0, Event::Tap(Tap::NoId));
    assert_eq!(flagged.screen(), Screen::FrontOffice);
    assert_eq!(flagged.screen(), no_id.screen());
    let alert = alerts(&effects, "flagged");
    assert_eq!(alert.len(), 1);
    assert_eq!(alert[0].records[0].record_id, "MO-1");
    assert_eq!(relay_pulses(&effects), 0);
    assert_eq!(flagged.queued(), 1);
    // Every screen the visitor passed through is a visitor screen, which carries no data.
    for effect in &effects {
        if let Effect::Show(screen) = effect {
            assert!(screen.visitor_facing());
        }
    }
}

#[test]
fn the_office_lamp_is_on_while_a_check_in_waits_or_a_lockdown_lasts() {
    let mut k = kiosk();
    let effects = scan_and_screen(&mut k, 0, vec![candidate("MO-1", Source::Registry)]);
    assert!(effects.contains(&Effect::Lamp { on: true }), "{effects:?}");
    // Staff decide: the queue empties and the lamp goes off.
    login(&mut k, 1);
    tap(&mut k, 2, "review-queue");
    tap(&mut k, 3, "is-a-match");
    let effects = tap(&mut k, 4, "deny");
    assert_eq!(k.queued(), 0);
    assert!(effects.contains(&Effect::Lamp { on: false }), "{effects:?}");
    // A lockdown keeps it on even with nothing to review; the relay is told separately.
    let effects = k.handle(5, Event::Input(InputPin::Panic));
    assert!(effects.contains(&Effect::Lamp { on: true }));
    assert!(effects.contains(&Effect::Lockdown { on: true }));
    let effects = k.handle(6, Event::Input(InputPin::Panic));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Lamp { .. })),
        "told once"
    );
}

#[test]
fn scan_problems_allow_retries_then_send_to_the_office() {
    let mut k = kiosk();
    let misread = || Event::Scanned {
        result: Err(ScanError::CheckDigit("date of birth")),
        today: TODAY,
    };
    k.handle(0, misread());
    assert_eq!(k.screen(), Screen::ScanProblem(Trouble::Misread));
    assert_eq!(k.scans_left(), 2);
    k.handle(1, misread());
    assert_eq!(k.scans_left(), 1);
    k.handle(2, misread());
    assert_eq!(k.screen(), Screen::FrontOffice);
    // Unsupported documents count the same way; a good scan afterwards goes through.
    let mut k = kiosk();
    k.handle(
        0,
        Event::Scanned {
            result: Err(ScanError::MilitaryId),
            today: TODAY,
        },
    );
    assert_eq!(k.screen(), Screen::ScanProblem(Trouble::Unsupported));
    k.handle(1, scan_id());
    assert_eq!(k.screen(), Screen::Screening);
}

#[test]
fn expired_documents_follow_the_policy() {
    let expired = || Event::Scanned {
        result: Ok(Scan::Person(identity(date!(2020 - 01 - 01)))),
        today: TODAY,
    };
    let mut accept = kiosk();
    let effects = accept.handle(0, expired());
    assert_eq!(accept.screen(), Screen::Screening);
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::ScreenVisitor { .. })));
    let mut config = Config::default();
    config.kiosk.expired_id = ExpiredIdPolicy::Refuse;
    let mut refuse = Kiosk::new(Settings::new(&config, vec![]));
    let effects = refuse.handle(0, expired());
    assert_eq!(refuse.screen(), Screen::ScanProblem(Trouble::Expired));
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::ScreenVisitor { .. })));
}

#[test]
fn screening_failure_fails_secure() {
    let mut k = kiosk();
    let visit = screened_visit(&k.handle(0, scan_id()));
    let effects = k.handle(
        1,
        Event::Screened {
            visit,
            result: Err(ScreeningFailed),
        },
    );
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert_eq!(alerts(&effects, "screening-failed").len(), 1);
}

#[test]
fn a_stale_result_after_idle_reset_opens_nothing() {
    let mut k = kiosk();
    let visit = screened_visit(&k.handle(0, scan_id()));
    k.handle(20_000, Event::Tick);
    assert_eq!(k.screen(), Screen::Attract);
    let effects = k.handle(
        20_001,
        Event::Screened {
            visit,
            result: Ok(vec![]),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(k.screen(), Screen::Attract);
}

#[test]
fn a_failed_print_or_a_lockdown_keeps_the_door_shut() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![]);
    let effects = finish_visit(&mut k, 1, false);
    assert_eq!(relay_pulses(&effects), 0);
    assert_eq!(alerts(&effects, "print-failed").len(), 1);
    assert_eq!(k.screen(), Screen::FrontOffice);

    let mut k = kiosk();
    let effects = k.handle(0, Event::Input(InputPin::Panic));
    assert!(effects.contains(&Effect::Lockdown { on: true }));
    assert!(effects.contains(&Effect::Lamp { on: true }));
    assert_eq!(alerts(&effects, "panic").len(), 1);
    scan_and_screen(&mut k, 1, vec![]);
    let effects = finish_visit(&mut k, 2, true);
    assert_eq!(relay_pulses(&effects), 0);
    assert_eq!(audits(&effects, "door-kept-locked").len(), 1);
    assert_eq!(k.screen(), Screen::FrontOffice);

    // Staff end the lockdown; the next cleared visitor gets the door again.
    tap(&mut k, 3, "done");
    login(&mut k, 4);
    let effects = tap(&mut k, 5, "end-lockdown");
    assert!(effects.contains(&Effect::Lockdown { on: false }));
    tap(&mut k, 6, "done");
    scan_and_screen(&mut k, 7, vec![]);
    assert_eq!(relay_pulses(&finish_visit(&mut k, 8, true)), 1);
}

#[test]
fn print_result_for_another_visit_is_ignored() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![]);
    tap(&mut k, 1, "purpose:visitor");
    tap(&mut k, 2, "destination:gym");
    let effects = k.handle(
        3,
        Event::Printed {
            visit: VisitId(999),
            ok: true,
        },
    );
    assert_eq!(relay_pulses(&effects), 0);
    assert_eq!(k.screen(), Screen::Printing);
}

#[test]
fn a_visitor_waits_on_printing_past_the_idle_timeout_until_the_store_answers() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![]);
    tap(&mut k, 1, "purpose:visitor");
    let effects = k.handle(2, Event::Tap(Tap::from_label("destination:gym").unwrap()));
    let Some(Effect::SaveVisit(record)) =
        effects.iter().find(|e| matches!(e, Effect::SaveVisit(_)))
    else {
        panic!("the visit is saved first");
    };
    let visit = record.visit;
    // The store is busy (a registry import): the visitor stays on the progress screen.
    let idle = k.settings().idle_timeout_ms;
    assert!(k.handle(2 + idle * 2, Event::Tick).is_empty());
    assert_eq!(k.screen(), Screen::Printing);
    let effects = k.handle(2 + idle * 2, Event::VisitSaved { visit, ok: true });
    assert!(effects.iter().any(|e| matches!(e, Effect::PrintBadge(_))));
    // A store or printer that never answers: back to the start at the bound, and the late
    // answer opens nothing.
    let late = 2 + idle * 2 + PRINTING_LIMIT_MS;
    let effects = k.handle(late, Event::Tick);
    assert!(effects.contains(&Effect::Show(Screen::Attract)));
    let effects = k.handle(late + 1, Event::Printed { visit, ok: true });
    assert_eq!(relay_pulses(&effects), 0);
}

#[test]
fn unknown_purposes_and_destinations_do_nothing() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![]);
    assert!(tap(&mut k, 1, "purpose:astronaut").is_empty());
    assert_eq!(k.screen(), Screen::Purpose);
    // A destination before a purpose is not on screen.
    assert!(tap(&mut k, 1, "destination:gym").is_empty());
}

#[test]
fn idle_returns_every_screen_to_attract_and_forgets_the_visitor() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![]);
    tap(&mut k, 1_000, "language:es");
    assert_eq!(k.language(), Language::Es);
    assert!(k.handle(20_999, Event::Tick).is_empty());
    let effects = k.handle(21_000, Event::Tick);
    assert!(effects.contains(&Effect::Show(Screen::Attract)));
    assert!(effects.contains(&Effect::SetLanguage(Language::En)));
    // The cleared visit is gone: a purpose tap now does nothing.
    assert!(tap(&mut k, 21_001, "purpose:visitor").is_empty());
    // Staff screens time out too, and log the operator out.
    login(&mut k, 30_000);
    assert_eq!(k.screen(), Screen::StaffHome);
    let effects = k.handle(50_000, Event::Tick);
    assert_eq!(audits(&effects, "logout").len(), 1);
    assert_eq!(k.operator(), None);
}

#[test]
fn every_login_is_audited_and_five_wrong_pins_lock() {
    let mut k = kiosk();
    tap(&mut k, 0, "staff");
    let mut failed = 0;
    for attempt in 0..5 {
        tap(&mut k, attempt, "pin-1");
        let effects = tap(&mut k, attempt, "pin-enter");
        failed += audits(&effects, "login-failed").len();
        if attempt == 4 {
            assert_eq!(audits(&effects, "login-locked").len(), 1);
        }
    }
    assert_eq!(failed, 4);
    assert!(matches!(k.pin_notice(), PinNotice::Locked { .. }));
    // The right PIN while locked: refused and audited.
    let effects = login(&mut k, 60_000);
    assert_eq!(audits(&effects, "login-refused-locked").len(), 1);
    assert_eq!(k.screen(), Screen::StaffPin);
    // Five minutes after the lock, it works.
    let effects = login(&mut k, 4 + pin::LOCK_MS);
    assert_eq!(
        audits(&effects, "login")[0].operator.as_deref(),
        Some("demo")
    );
    assert_eq!(k.screen(), Screen::StaffHome);
}

/// One row of a decision table: a check-in with these candidates, these taps on the review
/// screen, and what must come of it.
struct DecisionCase {
    name: &'static str,
    candidates: &'static [Source],
    taps: &'static [&'static str],
    admitted: bool,
    outcomes: &'static [&'static str],
    remembered: &'static [Decision],
    decision_alerts: usize,
}

const DECISIONS: &[DecisionCase] = &[
    DecisionCase {
        name: "not a match is remembered and admits",
        candidates: &[Source::Registry],
        taps: &["not-a-match"],
        admitted: true,
        outcomes: &["not-a-match"],
        remembered: &[Decision::NotAMatch],
        decision_alerts: 0,
    },
    DecisionCase {
        name: "a match allowed once is blocked from then on",
        candidates: &[Source::Registry],
        taps: &["is-a-match", "allow-once-block"],
        admitted: true,
        outcomes: &["allow-once-block"],
        remembered: &[Decision::AllowOnceBlock],
        decision_alerts: 1,
    },
    DecisionCase {
        name: "a match denied",
        candidates: &[Source::Registry],
        taps: &["is-a-match", "deny"],
        admitted: false,
        outcomes: &["deny"],
        remembered: &[],
        decision_alerts: 1,
    },
    DecisionCase {
        name: "registered but allowed",
        candidates: &[Source::Registry],
        taps: &["is-a-match", "allow-registered"],
        admitted: true,
        outcomes: &["allow-registered"],
        remembered: &[],
        decision_alerts: 1,
    },
    DecisionCase {
        name: "a watchlist deny entry denied",
        candidates: &[Source::Watchlist],
        taps: &["is-a-match", "deny"],
        admitted: false,
        outcomes: &["deny"],
        remembered: &[],
        decision_alerts: 1,
    },
    DecisionCase {
        name: "deny without choosing 'is a match' first does nothing",
        candidates: &[Source::Registry],
        taps: &["deny", "not-a-match"],
        admitted: true,
        outcomes: &["not-a-match"],
        remembered: &[Decision::NotAMatch],
        decision_alerts: 0,
    },
    DecisionCase {
        name: "two candidates, both not a match",
        candidates: &[Source::Registry, Source::Watchlist],
        taps: &["not-a-match", "not-a-match"],
        admitted: true,
        outcomes: &["not-a-match", "not-a-match"],
        remembered: &[Decision::NotAMatch, Decision::NotAMatch],
        decision_alerts: 0,
    },
    DecisionCase {
        name: "one of two denied refuses the visit",
        candidates: &[Source::Registry, Source::Registry],
        taps: &["not-a-match", "is-a-match", "deny"],
        admitted: false,
        outcomes: &["not-a-match", "deny"],
        remembered: &[Decision::NotAMatch],
        decision_alerts: 1,
    },
    DecisionCase {
        name: "process remaining is refused until every candidate was seen",
        candidates: &[Source::Registry, Source::Registry, Source::Registry],
        taps: &[
            "remaining:not-a-match",
            "next-candidate",
            "next-candidate",
            "remaining:not-a-match",
        ],
        admitted: true,
        outcomes: &["not-a-match", "not-a-match", "not-a-match"],
        remembered: &[
            Decision::NotAMatch,
            Decision::NotAMatch,
            Decision::NotAMatch,
        ],
        decision_alerts: 0,
    },
    DecisionCase {
        name: "process remaining as match denies the rest",
        candidates: &[Source::Registry, Source::Registry],
        taps: &["not-a-match", "remaining:match"],
        admitted: false,
        outcomes: &["not-a-match", "deny"],
        remembered: &[Decision::NotAMatch],
        decision_alerts: 1,
    },
    DecisionCase {
        name: "don't process leaves the visit uncleared",
        candidates: &[Source::Registry, Source::Registry],
        taps: &["not-a-match", "remaining:skip"],
        admitted: false,
        outcomes: &["not-a-match", "not-processed"],
        remembered: &[Decision::NotAMatch],
        decision_alerts: 0,
    },
];

#[test]
fn decision_table() {
    for case in DECISIONS {
        let mut k = kiosk();
        let candidates = case
            .candidates
            .iter()
            .enumerate()
            .map(|(i, &s)| candidate(&format!("R-{i}"), s))
            .collect();
        scan_and_screen(&mut k, 0, candidates);
        let login_effects = login(&mut k, 1_000);
        tap(&mut k, 1_000, "review-queue");
        assert_eq!(k.screen(), Screen::Review, "{}", case.name);
        assert_eq!(audits(&login_effects, "login").len(), 1, "{}", case.name);
        let mut effects = Vec::new();
        for label in case.taps {
            effects.extend(tap(&mut k, 2_000, label));
        }
        let outcomes: Vec<_> = audits(&effects, "decision")
            .iter()
            .map(|a| a.outcome.unwrap())
            .collect();
        assert_eq!(outcomes, case.outcomes, "{}", case.name);
        for audit in audits(&effects, "decision") {
            assert_eq!(audit.operator.as_deref(), Some("demo"), "{}", case.name);
            assert_eq!(audit.kiosk, "Main lobby", "{}", case.name);
            assert!(audit.record_id.is_some() && audit.visit.is_some());
        }
        let remembered: Vec<_> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Remember(r) => Some(r.decision),
                _ => None,
            })
            .collect();
        assert_eq!(remembered, case.remembered, "{}", case.name);
        assert_eq!(
            alerts(&effects, "decision").len(),
            case.decision_alerts,
            "{}",
            case.name
        );
        assert_eq!(k.queued(), 0, "{}", case.name);
        if case.admitted {
            assert_eq!(audits(&effects, "visit-cleared").len(), 1, "{}", case.name);
            // The reviewed visitor shows the same ID again before choosing and printing.
            assert_eq!(k.screen(), Screen::ConfirmId, "{}", case.name);
            assert_eq!(k.operator(), None, "staff are logged out for the visitor");
            k.handle(2_500, scan_id());
            assert_eq!(k.screen(), Screen::Purpose, "{}", case.name);
            let visit = finish_visit(&mut k, 3_000, true);
            assert_eq!(relay_pulses(&visit), 1, "{}", case.name);
            assert!(visit.iter().any(
                |e| matches!(e, Effect::SaveVisit(v) if v.cleared_by.as_deref() == Some("demo"))
            ));
        } else {
            assert_eq!(audits(&effects, "visit-refused").len(), 1, "{}", case.name);
            assert_eq!(k.screen(), Screen::StaffHome, "{}", case.name);
            assert_eq!(relay_pulses(&effects), 0, "{}", case.name);
        }
    }
}

/// The app commits the records of one event in one store transaction: a flag's and a
/// decision's records must come out of the one event that caused them.
#[test]
fn a_flag_and_each_decision_emit_all_their_records_from_one_event() {
    let mut k = kiosk();
    let effects = k.handle(0, scan_id());
    let visit = screened_visit(&effects);
    let flag = k.handle(
        0,
        Event::Screened {
            visit,
            result: Ok(vec![
                candidate("MO-7", Source::Registry),
                candidate("MO-8", Source::Registry),
            ]),
        },
    );
    assert_eq!(alerts(&flag, "flagged").len(), 1);
    assert_eq!(audits(&flag, "flagged").len(), 2);
    login(&mut k, 1);
    tap(&mut k, 1, "review-queue");
    let cleared = tap(&mut k, 2, "not-a-match");
    assert_eq!(audits(&cleared, "decision").len(), 1);
    assert!(cleared.iter().any(|e| matches!(e, Effect::Remember(_))));
    tap(&mut k, 3, "is-a-match");
    let blocked = tap(&mut k, 4, "allow-once-block");
    assert_eq!(audits(&blocked, "decision").len(), 1);
    assert!(blocked.iter().any(|e| matches!(e, Effect::Remember(_))));
    assert_eq!(alerts(&blocked, "decision").len(), 1);
    assert_eq!(audits(&blocked, "visit-cleared").len(), 1);
}

#[test]
fn remembered_not_a_match_carries_the_identity_key() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![candidate("MO-7", Source::Registry)]);
    login(&mut k, 1);
    tap(&mut k, 1, "review-queue");
    let effects = tap(&mut k, 2, "not-a-match");
    let remembered = effects
        .iter()
        .find_map(|e| match e {
            Effect::Remember(r) => Some(r),
            _ => None,
        })
        .unwrap();
    let expected = Person::from(&identity(date!(2031 - 08 - 12))).identity_key();
    assert_eq!(remembered.identity_key, expected);
    assert_eq!(remembered.record_id, "MO-7");
    assert_eq!(remembered.operator, "demo");
}

#[test]
fn the_review_shows_one_candidate_at_a_time() {
    let mut k = kiosk();
    scan_and_screen(
        &mut k,
        0,
        vec![
            candidate("A", Source::Registry),
            candidate("B", Source::Watchlist),
        ],
    );
    login(&mut k, 1);
    tap(&mut k, 1, "review-queue");
    let review = k.review().unwrap();
    assert_eq!(review.candidate().record_id, "A");
    assert!(!review.all_seen());
    tap(&mut k, 2, "is-a-match");
    assert!(k.review().unwrap().choosing_match);
    tap(&mut k, 2, "next-candidate");
    let review = k.review().unwrap();
    assert_eq!(review.candidate().record_id, "B");
    assert!(
        !review.choosing_match,
        "moving on cancels a half-made decision"
    );
    assert!(review.all_seen());
    // Leaving the review keeps the check-in queued.
    tap(&mut k, 3, "done");
    assert_eq!(k.screen(), Screen::StaffHome);
    assert_eq!(k.queued(), 1);
    tap(&mut k, 4, "review-queue");
    assert_eq!(k.screen(), Screen::Review);
}

#[test]
fn manual_entry_is_screened_and_needs_approval() {
    let mut k = kiosk();
    tap(&mut k, 0, "no-id");
    login(&mut k, 1);
    tap(&mut k, 2, "manual-entry");
    assert_eq!(k.screen(), Screen::ManualEntry);
    k.handle(3, Event::Typed("Grace".into()));
    tap(&mut k, 3, "manual:last");
    for key in [
        "key:h",
        "key:o",
        "key:p",
        "key:p",
        "key:e",
        "key:r",
        "key:x",
        "key:backspace",
    ] {
        tap(&mut k, 3, key);
    }
    tap(&mut k, 3, "manual:dob");
    k.handle(3, Event::Typed("1906-13-09".into()));
    assert!(tap(&mut k, 4, "manual-submit").is_empty());
    assert_eq!(k.manual().problem, Some(ManualProblem::BadDate));
    for _ in 0..5 {
        tap(&mut k, 4, "key:backspace");
    }
    k.handle(4, Event::Typed("12-09".into()));
    assert_eq!(k.manual().first, "Grace");
    assert_eq!(k.manual().last, "HOPPER");
    let effects = tap(&mut k, 5, "manual-submit");
    let Some(Effect::ScreenVisitor { visit, visitor, .. }) = effects
        .iter()
        .find(|e| matches!(e, Effect::ScreenVisitor { .. }))
    else {
        panic!("no screening request")
    };
    assert_eq!(visitor.dob, Some(date!(1906 - 12 - 09)));
    assert_eq!(k.screen(), Screen::ManualEntry);
    k.handle(
        6,
        Event::Screened {
            visit: *visit,
            result: Ok(vec![]),
        },
    );
    assert_eq!(k.screen(), Screen::ManualApproval);
    let effects = tap(&mut k, 7, "approve");
    assert_eq!(audits(&effects, "manual-entry-approved").len(), 1);
    assert_eq!(k.screen(), Screen::Purpose);
    let effects = finish_visit(&mut k, 8, true);
    let job = badge_job(&effects).unwrap();
    assert!(job.no_id);
    assert_eq!(job.visitor_name, "Grace Hopper");
    assert!(job.destination.ends_with("No ID: lobby only"));
}

#[test]
fn a_flagged_manual_entry_goes_straight_to_review() {
    let mut k = kiosk();
    login(&mut k, 0);
    tap(&mut k, 1, "manual-entry");
    k.handle(1, Event::Typed("Anna".into()));
    tap(&mut k, 1, "manual:last");
    k.handle(1, Event::Typed("Eriksson".into()));
    tap(&mut k, 1, "manual:dob");
    k.handle(1, Event::Typed("08/12/1974".into()));
    let visit = screened_visit(&tap(&mut k, 2, "manual-submit"));
    let effects = k.handle(
        3,
        Event::Screened {
            visit,
            result: Ok(vec![candidate("MO-1", Source::Registry)]),
        },
    );
    assert_eq!(alerts(&effects, "flagged").len(), 1);
    assert_eq!(k.screen(), Screen::Review);
}

#[test]
fn staff_screens_need_the_pin() {
    let mut k = kiosk();
    for label in [
        "review-queue",
        "manual-entry",
        "end-lockdown",
        "approve",
        "roster",
        "sign-out:V-0001",
        "sign-out-earlier",
        "print-evacuation",
        "responder",
        "reset-decisions",
    ] {
        assert!(tap(&mut k, 0, label).is_empty(), "{label}");
        assert_eq!(k.screen(), Screen::Attract);
    }
    tap(&mut k, 0, "staff");
    tap(&mut k, 0, "pin-enter");
    assert_eq!(k.screen(), Screen::StaffPin);
    assert_eq!(k.operator(), None);
}

#[test]
fn a_badge_scan_signs_the_visit_out() {
    let mut k = kiosk();
    let code = VisitId(42).sign_out_code(TODAY);
    assert_eq!(code, "VST1.V-0042.2026-03-09");
    let visit = VisitId::from_sign_out_code(&code).unwrap();
    assert_eq!(visit, VisitId(42));
    let effects = k.handle(7, Event::BadgeScanned { visit });
    assert!(effects.contains(&Effect::SignOut { visit, at_ms: 7 }));
    assert_eq!(audits(&effects, "signed-out").len(), 1);
    assert_eq!(k.screen(), Screen::SignedOut);
    assert_eq!(
        relay_pulses(&effects),
        0,
        "leaving never unlocks the entrance"
    );
    k.handle(5_007, Event::Tick);
    assert_eq!(k.screen(), Screen::Attract);
    for bad in [
        "VST1.V-12.2026-03-09",
        "VSTB1:abcdefgh",
        "VST1.X-0001.2026",
        "VST1.V-0001",
    ] {
        assert_eq!(VisitId::from_sign_out_code(bad), None, "{bad}");
    }
    // Not in the middle of someone else's visit.
    let mut busy = kiosk();
    scan_and_screen(&mut busy, 0, vec![]);
    assert!(busy.handle(1, Event::BadgeScanned { visit }).is_empty());
}

fn line(visit: u32, purpose: &str, earlier_day: bool) -> RosterLine {
    RosterLine {
        visit: VisitId(visit),
        visitor_name: format!("Visitor {visit}"),
        purpose: purpose.into(),
        destination: "Library".into(),
        time_in: "08:41".into(),
        earlier_day,
    }
}

fn sign_outs(effects: &[Effect]) -> Vec<VisitId> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SignOut { visit, .. } => Some(*visit),
            _ => None,
        })
        .collect()
}

/// Logged in, on the roster, with these people in the building.
fn on_the_roster(lines: Vec<RosterLine>) -> Kiosk {
    let mut k = kiosk();
    login(&mut k, 0);
    let effects = tap(&mut k, 1, "roster");
    assert_eq!(
        effects,
        vec![Effect::Show(Screen::Roster), Effect::LoadRoster]
    );
    assert!(k.handle(1, Event::Roster(lines)).is_empty());
    k
}

#[test]
fn the_roster_is_grouped_by_purpose_and_staff_sign_people_out() {
    let mut k = on_the_roster(vec![
        line(1, "Volunteer", false),
        line(2, "Visitor", false),
        line(3, "Volunteer", false),
    ]);
    assert!(!Screen::Roster.visitor_facing());
    let order: Vec<u32> = k.roster().iter().map(|l| l.visit.0).collect();
    assert_eq!(
        order,
        [2, 1, 3],
        "grouped by purpose, oldest first within a group"
    );
    let effects = tap(&mut k, 5, "sign-out:V-0001");
    assert_eq!(sign_outs(&effects), [VisitId(1)]);
    assert!(effects.contains(&Effect::SignOut {
        visit: VisitId(1),
        at_ms: 5
    }));
    let audit = audits(&effects, "signed-out-by-staff");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].visit, Some(VisitId(1)));
    assert_eq!(audit[0].operator.as_deref(), Some("demo"));
    assert_eq!(effects.last(), Some(&Effect::LoadRoster), "then reload");
    assert_eq!(k.roster().len(), 2);
    // Somebody not on the roster (already gone, or a made-up label) is not signed out.
    assert!(tap(&mut k, 6, "sign-out:V-0001").is_empty());
    assert!(tap(&mut k, 6, "sign-out:V-0099").is_empty());
    // Back to the staff home: the names leave the screen, and a late answer stays out.
    tap(&mut k, 7, "done");
    assert_eq!(k.screen(), Screen::StaffHome);
    k.handle(8, Event::Roster(vec![line(2, "Visitor", false)]));
    assert!(k.roster().is_empty());
    // Idle: the roster goes with the staff session.
    let mut k = on_the_roster(vec![line(1, "Visitor", false)]);
    k.handle(60_000 * 10, Event::Tick);
    assert_eq!(k.screen(), Screen::Attract);
    assert_eq!(k.operator(), None);
    assert!(k.roster().is_empty());
}

#[test]
fn end_of_day_signs_out_only_the_visits_from_earlier_days() {
    let mut k = on_the_roster(vec![
        line(1, "Visitor", true),
        line(2, "Visitor", false),
        line(3, "Contractor", true),
    ]);
    let effects = tap(&mut k, 5, "sign-out-earlier");
    let mut out = sign_outs(&effects);
    out.sort();
    assert_eq!(out, [VisitId(1), VisitId(3)]);
    let audited: Vec<_> = audits(&effects, "signed-out-end-of-day")
        .iter()
        .map(|a| (a.visit, a.operator.clone()))
        .collect();
    assert_eq!(audited.len(), 2);
    assert!(audited.iter().all(|(_, op)| op.as_deref() == Some("demo")));
    assert_eq!(effects.last(), Some(&Effect::LoadRoster));
    assert_eq!(k.roster().len(), 1);
    // Nothing left from earlier days: nothing to do.
    assert!(tap(&mut k, 6, "sign-out-earlier").is_empty());
}

#[test]
fn the_evacuation_list_prints_from_staff_screens_and_is_audited() {
    let mut k = kiosk();
    login(&mut k, 0);
    assert_eq!(
        tap(&mut k, 1, "print-evacuation"),
        vec![Effect::PrintEvacuation]
    );
    let effects = k.handle(2, Event::EvacuationPrinted { ok: true });
    let audit = audits(&effects, "evacuation-list-printed");
    assert_eq!(audit[0].outcome, Some("printed"));
    assert_eq!(audit[0].operator.as_deref(), Some("demo"));
    assert_eq!(k.staff_notice(), StaffNotice::EvacuationPrinted);
    let effects = k.handle(3, Event::EvacuationPrinted { ok: false });
    assert_eq!(
        audits(&effects, "evacuation-list-printed")[0].outcome,
        Some("print-failed")
    );
    assert_eq!(k.staff_notice(), StaffNotice::EvacuationFailed);
    // From the roster too.
    let mut k = on_the_roster(vec![]);
    assert_eq!(
        tap(&mut k, 2, "print-evacuation"),
        vec![Effect::PrintEvacuation]
    );
}

#[test]
fn a_responder_is_logged_and_let_in_without_screening_or_badge() {
    let mut k = kiosk();
    login(&mut k, 0);
    let effects = tap(&mut k, 10, "responder");
    let saved = effects
        .iter()
        .find_map(|e| match e {
            Effect::SaveVisit(v) => Some(v.clone()),
            _ => None,
        })
        .expect("a visit");
    assert_eq!(saved.purpose, RESPONDER_PURPOSE);
    assert_eq!(saved.cleared_by.as_deref(), Some("demo"));
    assert_eq!(saved.at_ms, 10);
    assert_eq!(
        audits(&effects, "responder-entry")[0].visit,
        Some(saved.visit)
    );
    assert!(effects.contains(&Effect::PulseRelay {
        visit: saved.visit,
        ms: 5000
    }));
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::ScreenVisitor { .. } | Effect::PrintBadge(_))));
    assert_eq!(k.screen(), Screen::StaffHome, "staff stay logged in");
    assert_eq!(
        k.staff_notice(),
        StaffNotice::ResponderIn {
            visit: saved.visit,
            door: true
        }
    );
    // The responder's visit number is taken: the next visitor gets the next one.
    tap(&mut k, 11, "done");
    let next = scan_and_screen(&mut k, 12, vec![]);
    assert_eq!(screened_visit(&next).0, saved.visit.0 + 1);
}

#[test]
fn in_a_lockdown_a_responder_is_logged_but_the_door_stays_locked() {
    let mut k = kiosk();
    k.handle(0, Event::Input(InputPin::Panic));
    login(&mut k, 1);
    tap(&mut k, 1, "review-queue");
    let effects = tap(&mut k, 2, "responder");
    assert_eq!(relay_pulses(&effects), 0);
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::SaveVisit(v) if v.purpose == RESPONDER_PURPOSE)));
    assert_eq!(audits(&effects, "door-kept-locked").len(), 1);
    assert!(matches!(
        k.staff_notice(),
        StaffNotice::ResponderIn { door: false, .. }
    ));
}

#[test]
fn staff_can_reset_what_is_remembered_about_the_visitor_under_review() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![candidate("MO-7", Source::Registry)]);
    login(&mut k, 1);
    tap(&mut k, 1, "review-queue");
    assert_eq!(k.screen(), Screen::Review);
    let effects = tap(&mut k, 2, "reset-decisions");
    let expected = Person::from(&identity(date!(2031 - 08 - 12))).identity_key();
    assert!(effects.contains(&Effect::ForgetDecisions(Forget {
        identity_key: expected,
        operator: "demo".into(),
        at_ms: 2,
    })));
    let audit = audits(&effects, "decisions-reset");
    assert_eq!(audit[0].visit, Some(VisitId(1)));
    assert_eq!(audit[0].operator.as_deref(), Some("demo"));
    assert_eq!(k.staff_notice(), StaffNotice::DecisionsReset);
    assert_eq!(k.screen(), Screen::Review, "the review goes on");
    // Only on the review screen.
    tap(&mut k, 3, "done");
    assert!(tap(&mut k, 4, "reset-decisions").is_empty());
    assert_eq!(k.staff_notice(), StaffNotice::None);
}

#[test]
fn labels_round_trip() {
    let mut taps = vec![
        Tap::Purpose("late-arrival".into()),
        Tap::Destination("gym".into()),
        Tap::Language(Language::Es),
        Tap::Remaining(Remaining::Skip),
        Tap::Field(Field::Dob),
        Tap::Key(Key::Char('q')),
        Tap::Key(Key::Char('-')),
        Tap::Key(Key::Space),
        Tap::Key(Key::Backspace),
    ];
    taps.extend((0..10).map(Tap::Digit));
    taps.push(Tap::SignOutVisit(VisitId(12)));
    taps.push(Tap::SignOutVisit(VisitId(12345)));
    taps.extend(FIXED.iter().map(|(_, t)| t.clone()));
    for tap in taps {
        assert_eq!(Tap::from_label(&tap.label()), Some(tap.clone()), "{tap:?}");
    }
    // The labels docs/scripted-kiosk.md fixes.
    for label in [
        "staff",
        "pin-0",
        "pin-9",
        "pin-enter",
        "not-a-match",
        "is-a-match",
        "allow-once-block",
        "deny",
        "allow-registered",
        "no-id",
        "done",
        "purpose:visitor",
        "destination:office",
    ] {
        assert!(Tap::from_label(label).is_some(), "{label}");
    }
    assert_eq!(
        Tap::from_label("sign-out:V-0012"),
        Some(Tap::SignOutVisit(VisitId(12)))
    );
    for bad in [
        "pin-10",
        "key:!",
        "purpose:",
        "nothing",
        "language:fr",
        "sign-out:",
        "sign-out:V-12",
        "sign-out:0012",
    ] {
        assert_eq!(Tap::from_label(bad), None, "{bad}");
    }
}

#[test]
fn typed_dates_in_both_orders() {
    assert_eq!(parse_typed_date("1974-08-12"), Some(date!(1974 - 08 - 12)));
    assert_eq!(parse_typed_date("08/12/1974"), Some(date!(1974 - 08 - 12)));
    assert_eq!(parse_typed_date("1974-02-30"), None);
    assert_eq!(parse_typed_date("yesterday"), None);
}

/// Random sessions: whatever happens, in whatever order, the door opens only for a visit
/// that was cleared and printed, never in a lockdown, and staff are never left logged in on
/// a screen the visitor can use.
mod fail_secure {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;

    #[derive(Clone, Debug)]
    enum Action {
        Scan(bool),
        Answer(u8),
        Print(bool),
        Save(bool),
        Tap(usize),
        Login,
        Wait(u64),
        Panic,
        Type,
    }

    const LABELS: &[&str] = &[
        "purpose:visitor",
        "purpose:staff",
        "destination:gym",
        "destination:office",
        "no-id",
        "staff",
        "done",
        "retry",
        "pin-1",
        "pin-enter",
        "not-a-match",
        "is-a-match",
        "allow-once-block",
        "deny",
        "allow-registered",
        "remaining:match",
        "remaining:not-a-match",
        "remaining:skip",
        "next-candidate",
        "review-queue",
        "manual-entry",
        "manual:last",
        "manual:dob",
        "manual-submit",
        "approve",
        "end-lockdown",
        "language:es",
        "key:a",
        "roster",
        "sign-out-earlier",
        "sign-out:V-0001",
        "print-evacuation",
        "responder",
        "reset-decisions",
    ];

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            any::<bool>().prop_map(Action::Scan),
            (0u8..4).prop_map(Action::Answer),
            any::<bool>().prop_map(Action::Print),
            any::<bool>().prop_map(Action::Save),
            (0..LABELS.len()).prop_map(Action::Tap),
            Just(Action::Login),
            (0u64..25_000).prop_map(Action::Wait),
            Just(Action::Panic),
            Just(Action::Type),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn the_door_opens_only_for_cleared_printed_visits(actions in prop::collection::vec(action(), 1..60)) {
            let mut k = kiosk();
            let mut now = 0;
            let mut requested: Option<VisitId> = None;
            let mut printing: Option<VisitId> = None;
            let mut saving: Option<VisitId> = None;
            let mut saved: HashSet<VisitId> = HashSet::new();
            let mut cleared: HashSet<VisitId> = HashSet::new();
            let mut lockdown = false;
            for action in actions {
                let mut events = Vec::new();
                match action {
                    Action::Scan(good) => events.push(if good {
                        scan_id()
                    } else {
                        Event::Scanned { result: Err(ScanError::Empty), today: TODAY }
                    }),
                    Action::Answer(kind) => {
                        if let Some(visit) = requested {
                            let result = match kind {
                                0 | 1 => Ok(vec![]),
                                2 => Ok(vec![candidate("R-1", Source::Registry)]),
                                _ => Err(ScreeningFailed),
                            };
                            events.push(Event::Screened { visit, result });
                        }
                    }
                    Action::Print(ok) => {
                        if let Some(visit) = printing {
                            events.push(Event::Printed { visit, ok });
                        }
                    }
                    Action::Save(ok) => {
                        if let Some(visit) = saving {
                            events.push(Event::VisitSaved { visit, ok });
                        }
                    }
                    Action::Tap(i) => events.push(Event::Tap(Tap::from_label(LABELS[i]).unwrap())),
                    Action::Login => {
                        for d in ["staff", "pin-2", "pin-4", "pin-6", "pin-8", "pin-1", "pin-0", "pin-enter"] {
                            events.push(Event::Tap(Tap::from_label(d).unwrap()));
                        }
                    }
                    Action::Wait(ms) => {
                        now += ms;
                        events.push(Event::Tick);
                    }
                    Action::Panic => events.push(Event::Input(InputPin::Panic)),
                    Action::Type => events.push(Event::Typed("Ann 1980-01-01".into())),
                }
                let mut events = std::collections::VecDeque::from(events);
                while let Some(event) = events.pop_front() {
                    let answered_clear = match &event {
                        Event::Screened { visit, result: Ok(c) } if c.is_empty() => Some(*visit),
                        _ => None,
                    };
                    let printed_ok = matches!(event, Event::Printed { ok: true, .. });
                    if let Event::VisitSaved { visit, ok: true } = event {
                        saved.insert(visit);
                    }
                    let effects = k.handle(now, event);
                    // PIN checks and pulses are answered as the edge would.
                    events.extend(effects.iter().filter(|e| !matches!(e, Effect::SaveVisit(_))).filter_map(edge_answer));
                    for effect in &effects {
                        match effect {
                            Effect::ScreenVisitor { visit, .. } => requested = Some(*visit),
                            Effect::PrintBadge(job) => {
                                prop_assert!(saved.contains(&job.visit), "a badge for a visit not saved");
                                printing = Some(job.visit);
                            }
                            Effect::SaveVisit(v) => saving = Some(v.visit),
                            Effect::Lockdown { on } => lockdown = *on,
                            Effect::Show(Screen::Purpose) => {
                                // Cleared by screening, or by staff (audited just before).
                                if let Some(visit) = answered_clear {
                                    cleared.insert(visit);
                                }
                                for e in &effects {
                                    if let Effect::Audit(a) = e {
                                        if matches!(a.event, "review-id-confirmed" | "visit-cleared" | "manual-entry-approved") {
                                            cleared.insert(a.visit.unwrap());
                                        }
                                    }
                                }
                            }
                            Effect::PulseRelay { visit, .. } => {
                                // A responder is let in by a logged-in operator, unscreened.
                                let responder = effects.iter().any(|e| matches!(e,
                                    Effect::Audit(a) if a.event == "responder-entry"
                                        && a.visit == Some(*visit) && a.operator.is_some()));
                                if !responder {
                                    prop_assert!(printed_ok, "a pulse without a printed badge");
                                    prop_assert!(cleared.contains(visit), "a pulse for an uncleared visit");
                                }
                                prop_assert!(!lockdown, "a pulse during a lockdown");
                            }
                            _ => {}
                        }
                    }
                    if k.screen().visitor_facing() {
                        prop_assert_eq!(k.operator(), None, "staff left logged in on {:?}", k.screen());
                    }
                }
            }
        }
    }
}

// ---- invitations ---------------------------------------------------------------------

fn invitation_scan() -> Event {
    Event::Scanned {
        result: Ok(Scan::Invitation(crate::identity::prereg::InvitationRef {
            token: "AAAAAAAAAAAA.BBBBBBBB".into(),
        })),
        today: TODAY,
    }
}

fn pass(purpose: &str, needs_id: bool) -> InvitationPass {
    InvitationPass {
        id: "00000000000000ab".into(),
        invited: crate::prereg::InvitedPerson {
            last_name: "Eriksson".into(),
            first_name: "Anna".into(),
            middle_name: String::new(),
            dob: Some(date!(1974 - 08 - 12)),
            sex: None,
        },
        purpose: purpose.into(),
        destination: "library".into(),
        needs_id,
    }
}

#[test]
fn an_invitation_is_checked_confirmed_screened_and_badged_without_choosing() {
    let mut k = kiosk();
    let effects = k.handle(0, invitation_scan());
    assert!(effects.iter().any(
        |e| matches!(e, Effect::CheckInvitation { token } if token == "AAAAAAAAAAAA.BBBBBBBB")
    ));
    k.handle(1, Event::InvitationChecked(Ok(pass("visitor", false))));
    assert_eq!(k.screen(), Screen::InvitationConfirm);
    assert_eq!(
        k.invitation().map(|p| p.id.as_str()),
        Some("00000000000000ab")
    );
    let effects = tap(&mut k, 2, "invitation-confirm");
    let visit = screened_visit(&effects);
    let effects = k.handle(
        3,
        Event::Screened {
            visit,
            result: Ok(vec![]),
        },
    );
    let effects = answer_saves(&mut k, 3, effects);
    // Straight to the badge: purpose and destination come from the invitation.
    let job = effects
        .iter()
        .find_map(|e| match e {
            Effect::PrintBadge(job) => Some(job),
            _ => None,
        })
        .expect("a badge");
    assert_eq!(job.visit, visit);
    assert_eq!(k.screen(), Screen::Printing);
    let saved = effects.iter().find_map(|e| match e {
        Effect::SaveVisit(v) => Some(v),
        _ => None,
    });
    let saved = saved.expect("the visit is saved");
    assert_eq!(
        (saved.purpose.as_str(), saved.destination.as_str()),
        ("visitor", "library")
    );
    assert!(!saved.no_id, "an invited visitor is not a no-ID visitor");
}

#[test]
fn a_refused_invitation_sends_the_visitor_to_the_office_and_is_audited() {
    let mut k = kiosk();
    k.handle(0, invitation_scan());
    let effects = k.handle(
        1,
        Event::InvitationChecked(Err(InvitationRefused("revoked"))),
    );
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert!(effects.iter().any(|e| matches!(e,
        Effect::Audit(a) if a.event == "invitation-refused" && a.outcome == Some("revoked"))));
    assert!(k.invitation().is_none());
}

#[test]
fn an_invitation_that_needs_an_id_takes_only_the_invited_persons_id() {
    // The same person: the ID's identity is screened.
    let mut k = kiosk();
    k.handle(0, invitation_scan());
    k.handle(1, Event::InvitationChecked(Ok(pass("volunteer", true))));
    tap(&mut k, 2, "invitation-confirm");
    assert_eq!(k.screen(), Screen::InvitationId);
    let effects = k.handle(3, scan_id());
    let screened = effects.iter().find_map(|e| match e {
        Effect::ScreenVisitor {
            visitor,
            document_last4,
            ..
        } => Some((visitor, document_last4)),
        _ => None,
    });
    let (visitor, last4) = screened.expect("the ID is screened");
    assert_eq!(visitor.middle_name, "MARIA");
    assert_eq!(last4.as_deref(), Some("1234"));

    // Someone else's ID: nobody is screened, the office helps.
    let mut k = kiosk();
    k.handle(0, invitation_scan());
    let mut other = pass("volunteer", true);
    other.invited.first_name = "Beatrice".into();
    k.handle(1, Event::InvitationChecked(Ok(other)));
    tap(&mut k, 2, "invitation-confirm");
    let effects = k.handle(3, scan_id());
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::ScreenVisitor { .. })));
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert!(effects.iter().any(|e| matches!(e,
        Effect::Audit(a) if a.event == "invitation-id-mismatch")));
}

#[test]
fn a_flagged_invited_visitor_goes_to_review_like_anyone() {
    let mut k = kiosk();
    k.handle(0, invitation_scan());
    k.handle(1, Event::InvitationChecked(Ok(pass("visitor", false))));
    let effects = tap(&mut k, 2, "invitation-confirm");
    let visit = screened_visit(&effects);
    let effects = k.handle(
        3,
        Event::Screened {
            visit,
            result: Ok(vec![candidate("MO-1", Source::Registry)]),
        },
    );
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert_eq!(alerts(&effects, "flagged").len(), 1);
    assert_eq!(relay_pulses(&effects), 0);
    assert_eq!(k.queued(), 1);
}

// ---- fail secure: faults, failed writes, restarts ------------------------------------------

fn lamp(effects: &[Effect]) -> Option<bool> {
    effects.iter().rev().find_map(|e| match e {
        Effect::Lamp { on } => Some(*on),
        _ => None,
    })
}

#[test]
fn out_of_service_takes_no_scan_no_tap_and_no_timeout() {
    let mut k = kiosk();
    let effects = k.handle(
        0,
        Event::Fault {
            fault: Fault::NoRegistry,
            present: true,
        },
    );
    assert_eq!(k.screen(), Screen::OutOfService);
    assert_eq!(
        alerts(&effects, "out-of-service")[0].reason.as_deref(),
        Some("no-registry")
    );
    assert_eq!(lamp(&effects), Some(true));
    assert!(k.handle(1, scan_id()).is_empty());
    for label in ["staff", "no-id", "done", "student", "language:es"] {
        tap(&mut k, 2, label);
        assert_eq!(k.screen(), Screen::OutOfService, "{label}");
    }
    k.handle(10_000_000, Event::Tick);
    assert_eq!(k.screen(), Screen::OutOfService);
    // A second report of the same fault alerts nobody again.
    let again = k.handle(
        3,
        Event::Fault {
            fault: Fault::NoRegistry,
            present: true,
        },
    );
    assert!(again.is_empty());
    let effects = k.handle(
        4,
        Event::Fault {
            fault: Fault::NoRegistry,
            present: false,
        },
    );
    assert_eq!(k.screen(), Screen::Attract);
    assert_eq!(audits(&effects, "back-in-service").len(), 1);
}

#[test]
fn a_fault_mid_visit_abandons_it_and_its_print_opens_nothing() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![]);
    tap(&mut k, 1, "purpose:visitor");
    let effects = tap(&mut k, 2, "destination:library");
    let visit = badge_job(&effects).unwrap().visit;
    k.handle(
        3,
        Event::Fault {
            fault: Fault::StoreFailing,
            present: true,
        },
    );
    let effects = k.handle(4, Event::Printed { visit, ok: true });
    assert_eq!(relay_pulses(&effects), 0);
    assert_eq!(k.screen(), Screen::OutOfService);
}

#[test]
fn a_visit_the_store_did_not_take_prints_nothing_and_opens_nothing() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![]);
    tap(&mut k, 1, "purpose:visitor");
    let tap = Tap::from_label("destination:library").unwrap();
    let effects = k.handle(2, Event::Tap(tap));
    assert!(
        badge_job(&effects).is_none(),
        "nothing prints before the visit is saved"
    );
    let Some(Effect::SaveVisit(record)) =
        effects.iter().find(|e| matches!(e, Effect::SaveVisit(_)))
    else {
        panic!("no save")
    };
    let effects = k.handle(
        3,
        Event::VisitSaved {
            visit: record.visit,
            ok: false,
        },
    );
    assert!(badge_job(&effects).is_none());
    assert_eq!(relay_pulses(&effects), 0);
    assert_eq!(alerts(&effects, "store-failed").len(), 1);
    assert_eq!(audits(&effects, "visit-not-saved").len(), 1);
    assert_eq!(k.screen(), Screen::FrontOffice);
}

#[test]
fn records_that_failed_to_commit_end_the_visit_at_the_front_office() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![]);
    tap(&mut k, 1, "purpose:visitor");
    let effects = tap(&mut k, 2, "destination:library");
    let visit = badge_job(&effects).unwrap().visit;
    k.handle(3, Event::RecordsFailed);
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert_eq!(
        relay_pulses(&k.handle(4, Event::Printed { visit, ok: true })),
        0
    );
}

#[test]
fn the_durable_state_comes_back_whole_after_a_restart() {
    let mut k = kiosk();
    scan_and_screen(&mut k, 100, vec![candidate("R-1", Source::Registry)]);
    k.handle(200, Event::Input(InputPin::Panic));
    for _ in 0..pin::MAX_WRONG {
        tap(&mut k, 300, "staff");
        for d in "111111".chars() {
            tap(&mut k, 300, &format!("pin-{d}"));
        }
        tap(&mut k, 300, "pin-enter");
        tap(&mut k, 300, "done");
    }
    let durable = k.durable();
    assert!(durable.lockdown);
    assert_eq!(durable.queue.len(), 1);
    assert_eq!(durable.lockouts.len(), 1);
    // Stored as JSON with wall-clock times, read back against a later start.
    let stored = serde_json::to_value(durable.clone().rebased(1_000_000)).unwrap();
    let read: Durable = serde_json::from_value(stored).unwrap();
    assert_eq!(read.clone().rebased(-1_000_000), durable);

    let mut restarted = kiosk();
    let effects = restarted.handle(
        0,
        Event::Resumed {
            saved: Box::new(read.rebased(-1_000_000)),
            panic_active: false,
        },
    );
    assert!(effects.contains(&Effect::Lockdown { on: true }));
    assert_eq!(lamp(&effects), Some(true));
    assert_eq!(restarted.queued(), 1);
    assert!(restarted.lockdown());
    assert_eq!(restarted.durable(), durable);
    // The next visitor gets a new number.
    let effects = restarted.handle(1, scan_id());
    assert_eq!(screened_visit(&effects), VisitId(2));
}

#[test]
fn a_panic_button_latched_while_the_kiosk_was_down_starts_a_lockdown() {
    let mut k = kiosk();
    let effects = k.handle(
        0,
        Event::Resumed {
            saved: Box::default(),
            panic_active: true,
        },
    );
    assert!(k.lockdown());
    assert!(effects.contains(&Effect::Lockdown { on: true }));
    assert_eq!(alerts(&effects, "panic").len(), 1);
}

#[test]
fn the_lamp_lights_for_every_visitor_sent_to_the_office_alike() {
    // No ID and flagged: the same lamp, until staff log in (or review the flag).
    let mut k = kiosk();
    let no_id = tap(&mut k, 0, "no-id");
    assert_eq!(lamp(&no_id), Some(true));
    let effects = login(&mut k, 1);
    assert_eq!(lamp(&effects), Some(false));
    assert_eq!(k.screen(), Screen::StaffHome);

    let mut k = kiosk();
    let flagged = scan_and_screen(&mut k, 0, vec![candidate("R-1", Source::Registry)]);
    assert_eq!(lamp(&flagged), lamp(&no_id));
    login(&mut k, 1);
    assert_eq!(
        k.screen(),
        Screen::StaffHome,
        "a menu first, no record unasked"
    );
}

#[test]
fn with_several_operators_the_name_comes_before_the_pin() {
    let mut config = Config::default();
    config.staff.pins = vec![
        crate::config::StaffPin {
            operator: "Ms Rivera".into(),
            hash: pin::SIM_PIN_HASH.into(),
        },
        crate::config::StaffPin {
            operator: "Mr Okafor".into(),
            hash: pin::SIM_PIN_HASH.into(),
        },
    ];
    let mut k = Kiosk::new(Settings::new(&config, config.staff.pins.clone()));
    tap(&mut k, 0, "staff");
    assert_eq!(k.operators_to_pick(), ["Ms Rivera", "Mr Okafor"]);
    tap(&mut k, 1, "pin-2");
    assert_eq!(k.pin_digits(), 0, "digits wait for a name");
    tap(&mut k, 2, "operator:2");
    assert!(k.operators_to_pick().is_empty());
    for d in pin::SIM_PIN.chars() {
        tap(&mut k, 3, &format!("pin-{d}"));
    }
    tap(&mut k, 4, "pin-enter");
    assert_eq!(k.operator(), Some("Mr Okafor"));
}

/// An invitation that reached its ID step, confirmed by the visitor.
fn at_invitation_id_step() -> Kiosk {
    let mut k = kiosk();
    k.handle(0, invitation_scan());
    k.handle(1, Event::InvitationChecked(Ok(pass("visitor", true))));
    tap(&mut k, 2, "invitation-confirm");
    assert_eq!(k.screen(), Screen::InvitationId);
    k
}

fn ended(effects: &[Effect]) -> Vec<&'static str> {
    audits(effects, "invitation-ended")
        .iter()
        .map(|a| a.outcome.unwrap())
        .collect()
}

#[test]
fn any_failure_on_the_invitation_id_step_ends_the_invitation() {
    let misread = Event::Scanned {
        result: Err(ScanError::Empty),
        today: TODAY,
    };
    let unsupported = Event::Scanned {
        result: Err(ScanError::Unrecognised),
        today: TODAY,
    };
    for (event, why) in [(misread, "id-misread"), (unsupported, "id-unsupported")] {
        let mut k = at_invitation_id_step();
        let effects = k.handle(3, event);
        assert_eq!(ended(&effects), [why]);
        assert_eq!(k.screen(), Screen::FrontOffice);
        // The next person's ID gets nothing of the invitation: they choose like anyone.
        tap(&mut k, 4, "done");
        let effects = scan_and_screen(&mut k, 5, vec![]);
        assert_eq!(k.screen(), Screen::Purpose, "{why}");
        assert!(!effects
            .iter()
            .any(|e| matches!(e, Effect::InvitationUsed { .. } | Effect::PrintBadge(_))));
    }
    let mut k = at_invitation_id_step();
    assert_eq!(ended(&tap(&mut k, 3, "done")), ["cancelled"]);
    assert_eq!(k.screen(), Screen::FrontOffice);
    let mut k = at_invitation_id_step();
    let idle = k.settings().idle_timeout_ms;
    assert_eq!(ended(&k.handle(2 + idle, Event::Tick)), ["timeout"]);
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert!(k.invitation().is_none());
}

#[test]
fn someone_elses_id_with_an_invitation_alerts_the_office() {
    let mut k = kiosk();
    k.handle(0, invitation_scan());
    let mut other = pass("visitor", true);
    other.invited.first_name = "Beatrice".into();
    k.handle(1, Event::InvitationChecked(Ok(other)));
    tap(&mut k, 2, "invitation-confirm");
    let effects = k.handle(3, scan_id());
    assert_eq!(k.screen(), Screen::FrontOffice);
    let alert = alerts(&effects, "invitation-refused");
    assert_eq!(alert.len(), 1);
    assert_eq!(alert[0].reason.as_deref(), Some("id-mismatch"));
    let audit = audits(&effects, "invitation-id-mismatch");
    assert_eq!(audit[0].record_id.as_deref(), Some("00000000000000ab"));
}

#[test]
fn an_invitation_visit_records_the_invitations_use() {
    let mut k = at_invitation_id_step();
    let visit = screened_visit(&k.handle(3, scan_id()));
    let effects = k.handle(
        4,
        Event::Screened {
            visit,
            result: Ok(vec![]),
        },
    );
    assert!(effects.contains(&Effect::InvitationUsed {
        id: "00000000000000ab".into(),
        visit,
    }));
    assert_eq!(audits(&effects, "invitation-used").len(), 1);
}

/// A flagged check-in, reviewed "not a match" by staff at `now`.
fn reviewed_not_a_match(now: Millis) -> Kiosk {
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![candidate("MO-7", Source::Registry)]);
    login(&mut k, now);
    tap(&mut k, now, "review-queue");
    tap(&mut k, now, "not-a-match");
    k
}

#[test]
fn a_reviewed_visitor_must_show_the_same_id_before_the_badge() {
    let mut k = reviewed_not_a_match(1_000);
    assert_eq!(k.screen(), Screen::ConfirmId);
    let mut other = identity(date!(2031 - 08 - 12));
    other.first_name = "BRITT".into();
    let effects = k.handle(
        2_000,
        Event::Scanned {
            result: Ok(Scan::Person(other)),
            today: TODAY,
        },
    );
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert_eq!(
        audits(&effects, "review-id-refused")[0].outcome,
        Some("another-id")
    );
    assert_eq!(alerts(&effects, "review-id-refused").len(), 1);
    // Nothing is left for anyone: the purpose screen never shows.
    tap(&mut k, 3_000, "done");
    assert_eq!(k.screen(), Screen::Attract);

    // The same ID goes on to the purpose screen; "done" and misreads end it.
    let mut k = reviewed_not_a_match(1_000);
    k.handle(2_000, scan_id());
    assert_eq!(k.screen(), Screen::Purpose);
    let mut k = reviewed_not_a_match(1_000);
    let effects = tap(&mut k, 2_000, "done");
    assert_eq!(
        audits(&effects, "review-id-refused")[0].outcome,
        Some("cancelled")
    );
    assert_eq!(k.screen(), Screen::FrontOffice);
}

#[test]
fn a_stale_check_in_can_only_be_closed() {
    let admit = kiosk().settings().review_admit_ms;
    let mut k = kiosk();
    scan_and_screen(&mut k, 0, vec![candidate("MO-7", Source::Registry)]);
    login(&mut k, admit + 1);
    tap(&mut k, admit + 1, "review-queue");
    let effects = tap(&mut k, admit + 1, "not-a-match");
    // The decision stands (remembered, audited), but nobody is let in on it.
    assert_eq!(audits(&effects, "decision").len(), 1);
    assert!(effects.iter().any(|e| matches!(e, Effect::Remember(_))));
    assert_eq!(audits(&effects, "review-too-late").len(), 1);
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert_eq!(k.operator(), None);
    assert_eq!(k.queued(), 0);
    // A later scan is a new visitor, screened like anyone: nothing was admitted.
    let effects = k.handle(admit + 2, scan_id());
    assert!(effects.is_empty(), "the front-office screen takes no scans");
}

// ---- answers that come late or not at all ------------------------------------------------

/// A cleared visitor on the printing screen; returns the visit.
fn printing_visit(k: &mut Kiosk) -> VisitId {
    scan_and_screen(k, 0, vec![]);
    tap(k, 1, "purpose:visitor");
    let effects = tap(k, 2, "destination:library");
    badge_job(&effects).expect("a badge job").visit
}

#[test]
fn a_late_print_answer_for_an_abandoned_visit_opens_nothing() {
    let mut k = kiosk();
    let visit = printing_visit(&mut k);
    // The printer takes longer than the kiosk waits: the visit is abandoned.
    k.handle(200_000, Event::Tick);
    assert_eq!(k.screen(), Screen::Attract);
    let effects = k.handle(200_100, Event::Printed { visit, ok: true });
    assert_eq!(relay_pulses(&effects), 0);
    assert_eq!(k.screen(), Screen::Attract);
    // Nor once the next visitor is printing.
    let next = printing_visit(&mut k);
    assert_ne!(next, visit);
    let effects = k.handle(3, Event::Printed { visit, ok: true });
    assert_eq!(relay_pulses(&effects), 0);
    assert_eq!(k.screen(), Screen::Printing);
}

#[test]
fn the_door_shows_open_only_once_the_relay_took_the_pulse() {
    let mut k = kiosk();
    let visit = printing_visit(&mut k);
    let effects = k.handle(3, Event::Printed { visit, ok: true });
    assert_eq!(relay_pulses(&effects), 1);
    assert!(!effects.contains(&Effect::Show(Screen::DoorOpen)));
    assert_eq!(k.screen(), Screen::Printing);
    let effects = k.handle(3, Event::RelayPulsed { visit, ok: true });
    assert_eq!(effects, vec![Effect::Show(Screen::DoorOpen)]);
}

#[test]
fn a_refused_pulse_sends_the_visitor_to_the_office_with_an_alert() {
    let mut k = kiosk();
    let visit = printing_visit(&mut k);
    k.handle(3, Event::Printed { visit, ok: true });
    let effects = k.handle(3, Event::RelayPulsed { visit, ok: false });
    assert_eq!(k.screen(), Screen::FrontOffice);
    assert_eq!(alerts(&effects, "door-failed").len(), 1);
    assert_eq!(audits(&effects, "door-failed")[0].visit, Some(visit));
    assert!(effects.contains(&Effect::Lamp { on: true }));
    // A late answer for another visit changes nothing.
    let effects = k.handle(4, Event::RelayPulsed { visit, ok: true });
    assert!(!effects.contains(&Effect::Show(Screen::DoorOpen)));
}

#[test]
fn the_pin_is_checked_by_the_edge_and_never_shown() {
    let mut k = kiosk();
    let mut effects = tap(&mut k, 0, "staff");
    for d in [
        "pin-2",
        "pin-4",
        "pin-6",
        "pin-8",
        "pin-1",
        "pin-0",
        "pin-enter",
    ] {
        effects.extend(k.handle(0, Event::Tap(Tap::from_label(d).unwrap())));
    }
    let check = effects
        .iter()
        .find(|e| matches!(e, Effect::CheckPin { .. }))
        .expect("a PIN check");
    assert!(!format!("{check:?}").contains("246810"), "{check:?}");
    assert_eq!(k.operator(), None, "nobody is in before the answer");
    // More entries wait for the answer.
    assert!(!k
        .handle(0, Event::Tap(Tap::PinEnter))
        .iter()
        .any(|e| matches!(e, Effect::CheckPin { .. })));
    k.handle(
        1,
        Event::PinChecked {
            operator: "demo".into(),
            right: true,
        },
    );
    assert_eq!(k.operator(), Some("demo"));
    assert_eq!(k.screen(), Screen::StaffHome);
}

#[test]
fn a_right_pin_answered_after_the_kiosk_moved_on_logs_nobody_in() {
    let mut k = kiosk();
    tap(&mut k, 0, "staff");
    for d in [
        "pin-2",
        "pin-4",
        "pin-6",
        "pin-8",
        "pin-1",
        "pin-0",
        "pin-enter",
    ] {
        k.handle(0, Event::Tap(Tap::from_label(d).unwrap()));
    }
    k.handle(200_000, Event::Tick);
    assert_eq!(k.screen(), Screen::Attract);
    k.handle(
        200_001,
        Event::PinChecked {
            operator: "demo".into(),
            right: true,
        },
    );
    assert_eq!(k.operator(), None);
    assert_eq!(k.screen(), Screen::Attract);
}
