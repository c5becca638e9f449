//! The Slint UI. Generated types stay inside this module; the rest of the crate talks to the
//! screens only through the adapters here: [`present`] copies the kiosk flow's state into the
//! `Api` global (ui/api.slint), [`on_tap`] hands every tap back as a [`Tap`]. The screens
//! decide nothing.

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::config::{Choice, Language};
use crate::identity::DocumentKind;
use crate::kiosk::{
    self, Candidate, CheckIn, Field, Kiosk, ManualProblem, PinNotice, RosterLine, StaffNotice, Tap,
};

#[allow(clippy::all)]
mod generated {
    slint::include_modules!();
}

pub use generated::AppWindow;
use generated::{Api, Fact, HourBar, Person, Record, RosterEntry, Screen, StudentRow, Trouble};

/// Calls `handler` with every tap the screens report. A label that is not one of the
/// kiosk's is dropped: the screens only ever send their own.
pub fn on_tap(app: &AppWindow, handler: impl Fn(Tap) + 'static) {
    app.global::<Api>().on_tap(move |label| {
        if let Some(tap) = Tap::from_label(&label) {
            handler(tap);
        }
    });
}

/// Shows the flow's current state.
pub fn present(app: &AppWindow, kiosk: &Kiosk) {
    let api = app.global::<Api>();
    let settings = kiosk.settings();
    api.set_language(language_code(kiosk.language()).into());
    api.set_purposes(choices(&settings.purposes, kiosk.language()));
    api.set_destinations(choices(&settings.destinations, kiosk.language()));
    api.set_scans_left(kiosk.scans_left() as i32);
    api.set_queued(kiosk.queued() as i32);
    api.set_lockdown(kiosk.lockdown());
    present_pin(&api, kiosk);
    present_manual(&api, kiosk);
    present_roster(&api, kiosk.roster());
    present_report(&api, kiosk);
    present_notice(&api, kiosk.staff_notice());
    present_invitation(&api, kiosk);
    present_students(&api, kiosk);
    if let Some(check_in) = kiosk.review() {
        present_review(&api, check_in);
    } else {
        // Nothing personal stays in the UI once the review screen is gone.
        api.set_visitor(Person::default());
        api.set_candidate(Record::default());
    }
    let faults: Vec<&str> = kiosk.faults().iter().map(|f| f.detail()).collect();
    api.set_out_of_service_detail(faults.join("; ").into());
    api.set_screen(screen(kiosk.screen(), &api));
}

/// The invitation on the confirm screen: first name and last initial only.
fn present_invitation(api: &Api, kiosk: &Kiosk) {
    let settings = kiosk.settings();
    let label = |choices: &[Choice], id: &str| {
        choices
            .iter()
            .find(|c| c.id == id)
            .map_or_else(String::new, |c| match kiosk.language() {
                Language::En => c.label.clone(),
                Language::Es => c.label_es.clone(),
            })
    };
    let (name, purpose, destination) = match kiosk.invitation() {
        Some(pass) => {
            let initial: String = pass.invited.last_name.chars().take(1).collect();
            (
                format!("{} {initial}.", pass.invited.first_name),
                label(&settings.purposes, &pass.purpose),
                label(&settings.destinations, &pass.destination),
            )
        }
        None => Default::default(),
    };
    api.set_invitation_name(name.into());
    api.set_invitation_purpose(purpose.into());
    api.set_invitation_destination(destination.into());
}

/// The student screens: the search text, the students found (first name, last initial, grade),
/// the chosen one and the reasons. Cleared once the errand is over.
fn present_students(api: &Api, kiosk: &Kiosk) {
    let search = kiosk.student_search();
    let errand = search.map_or("", |s| match s.errand {
        kiosk::Errand::Pickup => "pickup",
        kiosk::Errand::DropOff => "drop-off",
        kiosk::Errand::LateArrival => "late-arrival",
        kiosk::Errand::LeavingEarly => "leaving-early",
    });
    api.set_student_errand(errand.into());
    api.set_student_search_text(search.map_or("", |s| s.text.as_str()).into());
    api.set_student_search_ready(search.is_some_and(|s| s.ready()));
    // A student confirming their own number sees their name only, no grade.
    let by_student = search.is_some_and(|s| s.errand.by_student());
    let found: Vec<StudentRow> = search
        .map(|s| s.results.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|s| StudentRow {
            name: s.short_name.as_str().into(),
            grade: if by_student { "" } else { s.grade.as_str() }.into(),
        })
        .collect();
    api.set_students_found(ModelRc::new(VecModel::from(found)));
    let chosen = search.and_then(|s| s.chosen.as_ref());
    api.set_student_chosen(chosen.map_or("", |s| s.short_name.as_str()).into());
    let awaiting = search.and_then(|s| s.awaiting.as_ref());
    api.set_student_awaiting(
        awaiting
            .map(|r| match kiosk.language() {
                Language::En => r.label.clone(),
                Language::Es => r.label_es.clone(),
            })
            .unwrap_or_default()
            .into(),
    );
    api.set_student_reasons(choices(kiosk.student_reasons(), kiosk.language()));
}

/// Shows the installed registry's age on the staff screen (`None` shows nothing), in the
/// warning style once it is older than allowed.
pub fn present_registry(app: &AppWindow, age: Option<crate::alerts::stale::RegistryAge>) {
    let api = app.global::<Api>();
    api.set_registry_age_hours(age.map_or(-1, |a| i32::try_from(a.hours()).unwrap_or(i32::MAX)));
    api.set_registry_stale(age.is_some_and(|a| a.stale));
}

/// Shows the out-of-service screen instead of the flow, with what keeps the kiosk from running
/// (for the technician: a setting or a device, never a person).
pub fn present_out_of_service(app: &AppWindow, detail: &str) {
    let api = app.global::<Api>();
    api.set_out_of_service_detail(detail.into());
    api.set_screen(Screen::OutOfService);
}

/// Sets the school name shown on the attract screen.
pub fn set_school(app: &AppWindow, school: &str) {
    app.global::<Api>().set_school(school.into());
}

/// Switches every `@tr` string to `language` (bundled translations; English is the source).
pub fn select_language(language: Language) {
    // English is the untranslated source; selecting it can only fail if no bundle exists,
    // in which case the source text shows, which is English anyway.
    let _ = slint::select_bundled_translation(language_code(language));
}

fn language_code(language: Language) -> &'static str {
    match language {
        Language::En => "en",
        Language::Es => "es",
    }
}

fn screen(screen: kiosk::Screen, api: &Api) -> Screen {
    match screen {
        kiosk::Screen::Attract => Screen::Attract,
        kiosk::Screen::Screening => Screen::Screening,
        kiosk::Screen::ScanProblem(trouble) => {
            api.set_trouble(match trouble {
                kiosk::Trouble::Misread => Trouble::Misread,
                kiosk::Trouble::Expired => Trouble::Expired,
                kiosk::Trouble::Unsupported => Trouble::Unsupported,
            });
            Screen::ScanProblem
        }
        kiosk::Screen::Purpose => Screen::Purpose,
        kiosk::Screen::Destination => Screen::Destination,
        kiosk::Screen::Printing => Screen::Printing,
        kiosk::Screen::DoorOpen => Screen::DoorOpen,
        kiosk::Screen::SignedOut => Screen::SignedOut,
        kiosk::Screen::FrontOffice => Screen::FrontOffice,
        kiosk::Screen::StaffPin => Screen::StaffPin,
        kiosk::Screen::StaffHome => Screen::StaffHome,
        kiosk::Screen::Review => Screen::Review,
        kiosk::Screen::ManualEntry => Screen::ManualEntry,
        kiosk::Screen::ManualApproval => Screen::ManualApproval,
        kiosk::Screen::Roster => Screen::Roster,
        kiosk::Screen::Reports => Screen::Reports,
        kiosk::Screen::InvitationConfirm => Screen::InvitationConfirm,
        kiosk::Screen::InvitationId => Screen::InvitationId,
        kiosk::Screen::ConfirmId => Screen::ConfirmId,
        kiosk::Screen::StudentKind => Screen::StudentKind,
        kiosk::Screen::StudentSearch => Screen::StudentSearch,
        kiosk::Screen::StudentReason => Screen::StudentReason,
        kiosk::Screen::StudentWaiting => Screen::StudentWaiting,
        kiosk::Screen::StudentApproval => Screen::StudentApproval,
        kiosk::Screen::StudentDone => Screen::StudentDone,
        kiosk::Screen::OutOfService => Screen::OutOfService,
    }
}

fn choices(list: &[Choice], language: Language) -> ModelRc<generated::Choice> {
    let items: Vec<generated::Choice> = list
        .iter()
        .map(|c| generated::Choice {
            id: c.id.as_str().into(),
            text: match language {
                Language::En => c.label.as_str().into(),
                Language::Es => c.label_es.as_str().into(),
            },
        })
        .collect();
    ModelRc::new(VecModel::from(items))
}

fn present_pin(api: &Api, kiosk: &Kiosk) {
    let operators: Vec<SharedString> = kiosk
        .operators_to_pick()
        .into_iter()
        .map(SharedString::from)
        .collect();
    api.set_operators(ModelRc::new(VecModel::from(operators)));
    api.set_pin_operator(kiosk.pin_operator().unwrap_or_default().into());
    api.set_pin_digits(kiosk.pin_digits() as i32);
    let (wrong_left, locked_minutes) = match kiosk.pin_notice() {
        PinNotice::None => (-1, 0),
        PinNotice::Wrong { left } => (left as i32, 0),
        PinNotice::Locked { .. } => (-1, kiosk.pin_locked_minutes() as i32),
    };
    api.set_pin_wrong_left(wrong_left);
    api.set_pin_locked_minutes(locked_minutes);
}

fn present_manual(api: &Api, kiosk: &Kiosk) {
    let form = kiosk.manual();
    api.set_manual_first(form.first.as_str().into());
    api.set_manual_last(form.last.as_str().into());
    api.set_manual_dob(form.dob.as_str().into());
    api.set_manual_focus(
        match form.focus {
            Some(Field::First) | None => "first",
            Some(Field::Last) => "last",
            Some(Field::Dob) => "dob",
        }
        .into(),
    );
    api.set_manual_problem(
        match form.problem {
            None => "",
            Some(ManualProblem::MissingName) => "name",
            Some(ManualProblem::BadDate) => "date",
        }
        .into(),
    );
}

/// The roster as the flow grouped it: the purpose heads the first line of each group.
fn present_roster(api: &Api, roster: &[RosterLine]) {
    let mut previous: Option<&str> = None;
    let entries: Vec<RosterEntry> = roster
        .iter()
        .map(|line| {
            let new_group = previous != Some(line.purpose.as_str());
            previous = Some(&line.purpose);
            RosterEntry {
                visit: line.visit.to_string().into(),
                name: line.visitor_name.as_str().into(),
                destination: line.destination.as_str().into(),
                time_in: line.time_in.as_str().into(),
                earlier: line.earlier_day,
                group: if new_group {
                    line.purpose.as_str().into()
                } else {
                    SharedString::default()
                },
            }
        })
        .collect();
    let earlier = roster.iter().filter(|l| l.earlier_day).count();
    api.set_roster(ModelRc::new(VecModel::from(entries)));
    api.set_roster_earlier(earlier as i32);
}

/// The reports screen's day: its summary lines and the chart (nothing while it loads, and
/// nothing once the screen is gone).
fn present_report(api: &Api, kiosk: &Kiosk) {
    let report = kiosk.report();
    let bars: Vec<HourBar> = report
        .map(|r| r.chart())
        .unwrap_or_default()
        .into_iter()
        .map(|(hour, visits)| HourBar {
            hour: i32::from(hour),
            visits: i32::try_from(visits).unwrap_or(i32::MAX),
        })
        .collect();
    let lines: Vec<SharedString> = report
        .map(|r| r.lines.iter().map(SharedString::from).collect())
        .unwrap_or_default();
    api.set_report_days_back(i32::try_from(kiosk.report_days_back()).unwrap_or(i32::MAX));
    api.set_report_date(report.map(|r| r.date.as_str()).unwrap_or_default().into());
    api.set_report_ready(report.is_some());
    api.set_report_unreadable(report.is_some_and(|r| r.unreadable));
    api.set_report_lines(ModelRc::new(VecModel::from(lines)));
    api.set_report_hours(ModelRc::new(VecModel::from(bars)));
    api.set_report_peak(report.map_or(0, |r| i32::try_from(r.peak()).unwrap_or(i32::MAX)));
}

fn present_notice(api: &Api, notice: StaffNotice) {
    let (code, visit) = match notice {
        StaffNotice::None => ("", None),
        StaffNotice::ResponderIn { visit, door: true } => ("responder-in", Some(visit)),
        StaffNotice::ResponderIn { visit, door: false } => ("responder-locked", Some(visit)),
        StaffNotice::EvacuationPrinted => ("evacuation-printed", None),
        StaffNotice::EvacuationFailed => ("evacuation-failed", None),
        StaffNotice::DecisionsReset => ("decisions-reset", None),
    };
    api.set_staff_notice(code.into());
    api.set_notice_visit(visit.map(|v| v.to_string()).unwrap_or_default().into());
}

fn present_review(api: &Api, check_in: &CheckIn) {
    let person = &check_in.person;
    api.set_visitor(Person {
        name: person.display_name().into(),
        dob: date_text(person.dob),
        sex: person.sex.map(|s| s.as_str()).unwrap_or("?").into(),
        document: document_text(person.document, person.document_last4.as_deref()),
    });
    api.set_candidate(record(check_in.candidate()));
    api.set_candidate_number(check_in.current() as i32 + 1);
    api.set_candidate_count(check_in.candidates.len() as i32);
    api.set_choosing_match(check_in.choosing_match);
    api.set_all_seen(check_in.all_seen());
}

fn record(candidate: &Candidate) -> Record {
    let heading = match candidate.source {
        kiosk::Source::Registry => format!("Registry record {}", candidate.record_id),
        kiosk::Source::Watchlist => format!(
            "Watchlist {} ({}) entry {}",
            candidate.list.as_deref().unwrap_or("other"),
            candidate.action.as_deref().unwrap_or("alert"),
            candidate.record_id
        ),
    };
    let mut name = candidate.name.clone();
    if candidate.alias {
        name.push_str(" (alias)");
    }
    let facts: Vec<Fact> = candidate
        .details
        .iter()
        .map(|(k, v)| Fact {
            name: k.as_str().into(),
            value: v.as_str().into(),
        })
        .collect();
    Record {
        heading: heading.into(),
        name: name.into(),
        dob: date_text(candidate.dob),
        sex: candidate.sex.map(|s| s.as_str()).unwrap_or("?").into(),
        facts: ModelRc::new(VecModel::from(facts)),
        reasons: format!(
            "{} (score {})",
            candidate.reasons.join(", "),
            candidate.score
        )
        .into(),
        note: candidate.note.clone().unwrap_or_default().into(),
    }
}

fn date_text(date: Option<time::Date>) -> SharedString {
    date.map(|d| d.to_string())
        .unwrap_or_else(|| "?".into())
        .into()
}

fn document_text(document: Option<DocumentKind>, last4: Option<&str>) -> SharedString {
    let kind = match document {
        None => "No ID (typed in by staff)",
        Some(DocumentKind::Aamva) => "Driver's licence / ID card",
        Some(DocumentKind::MrzTd1 | DocumentKind::MrzTd2) => "ID card (MRZ)",
        Some(DocumentKind::MrzTd3) => "Passport",
        Some(DocumentKind::Prereg) => "Invitation (pre-registered)",
    };
    match last4 {
        Some(last4) => format!("{kind}, number ending {last4}").into(),
        None => kind.into(),
    }
}
