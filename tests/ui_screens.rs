//! Every kiosk screen, rendered headless (testing backend, software renderer) at 1280x800 and
//! 800x480 into `tests/snapshots/`, and checked: the actionable elements carry their labels,
//! visitor screens show nothing of a flag or of the visitor, a flagged visitor's screen is
//! pixel for pixel the "No ID" screen, and Spanish is a real translation.
//!
//! A snapshot that exists is compared (small per-channel tolerance); a missing one is written.
//! `VESTIBULE_UPDATE_SNAPSHOTS=1` rewrites them all after a deliberate change.
//!
//! One test function: the Slint platform can be set once per process.

use std::path::{Path, PathBuf};

use i_slint_backend_testing::{
    AccessibleRole, ElementHandle, ElementQuery, TestingBackend, TestingBackendOptions,
};
use slint::{ComponentHandle, SharedPixelBuffer};
use time::macros::date;
use vestibule::config::{Config, Language};
use vestibule::identity::{read_scan, Sex};
use vestibule::kiosk::{Candidate, Event, Kiosk, RosterLine, Settings, Source, Tap, VisitId};
use vestibule::ui::{self, AppWindow};

const SAMPLE: &[u8] = include_bytes!("fixtures/aamva/v10-va-annex-d.txt");

/// Words that would tell a visitor (or someone behind them) that the visitor was flagged.
const GIVEAWAYS: &[&str] = &[
    "registry",
    "watchlist",
    "match",
    "flag",
    "offen",
    "custody",
    "record",
    "sample",
    "michael",
    "VA-0001",
];

fn candidate() -> Candidate {
    Candidate {
        source: Source::Registry,
        record_id: "VA-0001".into(),
        name: "SAMPLE, MICHAEL J JR".into(),
        alias: false,
        dob: Some(date!(1986 - 06 - 06)),
        sex: Some(Sex::M),
        score: 99,
        reasons: vec!["last".into(), "first".into(), "dob".into()],
        details: vec![
            ("jurisdiction".into(), "VA".into()),
            ("offense".into(), "Example offence".into()),
        ],
        list: None,
        action: None,
        note: None,
    }
}

fn tap(label: &str) -> Event {
    Event::Tap(Tap::from_label(label).unwrap())
}

fn scan() -> Event {
    Event::Scanned {
        result: read_scan(SAMPLE, date!(2026 - 03 - 09)),
        today: date!(2026 - 03 - 09),
    }
}

/// A kiosk brought to a screen by these events; screening requests are answered with
/// `flags` (and the first request only).
fn kiosk(events: &[Event], flags: Vec<Candidate>) -> Kiosk {
    let config = Config::default();
    let mut kiosk = Kiosk::new(Settings::new(&config, config.sim_staff_pins()));
    let mut flags = Some(flags);
    for event in events {
        let mut queue = vec![event.clone()];
        while let Some(event) = queue.pop() {
            for effect in kiosk.handle(0, event) {
                match effect {
                    vestibule::kiosk::Effect::ScreenVisitor { visit, .. } => {
                        if let Some(flags) = flags.take() {
                            queue.push(Event::Screened {
                                visit,
                                result: Ok(flags),
                            });
                        }
                    }
                    vestibule::kiosk::Effect::SaveVisit(visit) => queue.push(Event::VisitSaved {
                        visit: visit.visit,
                        ok: true,
                    }),
                    vestibule::kiosk::Effect::PulseRelay { visit, .. } => {
                        queue.push(Event::RelayPulsed { visit, ok: true })
                    }
                    vestibule::kiosk::Effect::CheckPin {
                        operator,
                        pin,
                        hashes,
                    } => queue.push(Event::PinChecked {
                        operator,
                        right: pin.verifies_any(&hashes),
                    }),
                    vestibule::kiosk::Effect::PrintBadge(job) => queue.push(Event::Printed {
                        visit: job.visit,
                        ok: true,
                    }),
                    _ => {}
                }
            }
        }
    }
    kiosk
}

/// A verified invitation for Ada Lovelace, volunteering in the library.
fn invitation(needs_id: bool) -> Vec<Event> {
    vec![
        Event::Scanned {
            result: read_scan(b"VSTB1:AAAAAAAAAAAA.BBBBBBBB", date!(2026 - 03 - 09)),
            today: date!(2026 - 03 - 09),
        },
        Event::InvitationChecked(Ok(vestibule::kiosk::InvitationPass {
            id: "00000000000000ab".into(),
            invited: vestibule::prereg::InvitedPerson {
                last_name: "Lovelace".into(),
                first_name: "Ada".into(),
                middle_name: String::new(),
                dob: None,
                sex: None,
            },
            purpose: "volunteer".into(),
            destination: "library".into(),
            needs_id,
        })),
    ]
}

/// A late student who typed their number and found themselves.
fn student_search() -> Vec<Event> {
    student_number("student-late")
}

/// A student arriving late or leaving early (`kind`) who typed their number and found
/// themselves (first name and last initial only).
fn student_number(kind: &str) -> Vec<Event> {
    vec![
        tap("student"),
        tap(kind),
        Event::Typed("300001".into()),
        tap("student-find"),
        Event::StudentsFound {
            lookup: vestibule::kiosk::StudentLookup::number("300001").unwrap(),
            found: vec![vestibule::kiosk::StudentChoice {
                student_id: "300001".into(),
                short_name: "Lily S.".into(),
                full_name: "Lily Smith".into(),
                grade: "2".into(),
                school: "Demo Elementary School".into(),
            }],
        },
    ]
}

/// A pickup: the cleared adult typed "lily sm" and was offered two students.
fn pickup_search() -> Vec<Event> {
    let student = |id: &str, name: &str| vestibule::kiosk::StudentChoice {
        student_id: id.into(),
        short_name: name.into(),
        full_name: name.into(),
        grade: "2".into(),
        school: "Demo Elementary School".into(),
    };
    vec![
        scan(),
        tap("purpose:pickup"),
        Event::Typed("lily sm".into()),
        Event::StudentsFound {
            lookup: vestibule::kiosk::StudentLookup::from_text("lily sm").unwrap(),
            found: vec![
                student("300001", "Lily Smith"),
                student("300003", "Lily Smythe"),
            ],
        },
    ]
}

fn login() -> Vec<Event> {
    [
        "staff",
        "pin-2",
        "pin-4",
        "pin-6",
        "pin-8",
        "pin-1",
        "pin-0",
        "pin-enter",
    ]
    .into_iter()
    .map(tap)
    .collect()
}

/// Who is in the building on the roster snapshots: two purposes, one left from yesterday.
fn roster() -> Vec<RosterLine> {
    let line = |visit, name: &str, purpose: &str, destination: &str, time_in: &str| RosterLine {
        visit: VisitId(visit),
        visitor_name: name.into(),
        purpose: purpose.into(),
        destination: destination.into(),
        time_in: time_in.into(),
        earlier_day: time_in.len() > 5,
    };
    vec![
        line(
            1,
            "Grace Hopper",
            "Volunteer",
            "Library",
            "2026-03-08 15:02",
        ),
        line(4, "Ada Lovelace", "Visitor", "Front office", "08:41"),
        line(5, "Katherine Johnson", "Visitor", "Gym", "09:15"),
        line(
            6,
            "Maria de los Ángeles Hernández-Villanueva",
            "Contractor or vendor",
            "Gym",
            "09:30",
        ),
    ]
}

struct Case {
    name: &'static str,
    kiosk: Kiosk,
    labels: Vec<&'static str>,
}

fn cases() -> Vec<Case> {
    let staff = |more: &[&str]| {
        let mut events = login();
        events.extend(more.iter().map(|l| tap(l)));
        events
    };
    let flagged = |more: &[&str]| {
        let mut events = vec![scan()];
        events.extend(staff(&[&["review-queue"], more].concat()));
        kiosk(&events, vec![candidate()])
    };
    vec![
        Case {
            name: "attract",
            kiosk: kiosk(&[], vec![]),
            labels: vec!["no-id", "student", "staff", "language:en", "language:es"],
        },
        Case {
            name: "screening",
            kiosk: kiosk(&[scan()], vec![]).pipe_unanswered(),
            labels: vec![],
        },
        Case {
            name: "scan-problem",
            kiosk: kiosk(
                &[Event::Scanned {
                    result: read_scan(b"@\n\x1e\rANSI 6360", date!(2026 - 03 - 09)),
                    today: date!(2026 - 03 - 09),
                }],
                vec![],
            ),
            labels: vec!["retry", "done", "staff"][..2].to_vec(),
        },
        Case {
            name: "invitation-confirm",
            kiosk: kiosk(&invitation(false), vec![]),
            labels: vec!["invitation-confirm", "done", "language:en", "language:es"],
        },
        Case {
            name: "invitation-id",
            kiosk: kiosk(
                &[invitation(true), vec![tap("invitation-confirm")]].concat(),
                vec![],
            ),
            labels: vec!["done"],
        },
        Case {
            name: "purpose",
            kiosk: kiosk(&[scan()], vec![]),
            labels: vec![
                "purpose:visitor",
                "purpose:volunteer",
                "purpose:contractor",
                "purpose:pickup",
                "purpose:late-arrival",
                "purpose:staff",
                "done",
            ],
        },
        Case {
            name: "destination",
            kiosk: kiosk(&[scan(), tap("purpose:visitor")], vec![]),
            labels: vec![
                "destination:office",
                "destination:library",
                "destination:gym",
                "destination:classroom",
                "done",
            ],
        },
        Case {
            name: "door-open",
            kiosk: kiosk(
                &[scan(), tap("purpose:visitor"), tap("destination:gym")],
                vec![],
            ),
            labels: vec!["done"],
        },
        Case {
            name: "signed-out",
            kiosk: kiosk(
                &[Event::BadgeScanned {
                    visit: vestibule::kiosk::VisitId(1),
                }],
                vec![],
            ),
            labels: vec!["done"],
        },
        Case {
            name: "front-office-flagged",
            kiosk: kiosk(&[scan()], vec![candidate()]),
            labels: vec!["done", "staff"],
        },
        Case {
            name: "front-office-no-id",
            kiosk: kiosk(&[tap("no-id")], vec![]),
            labels: vec!["done", "staff"],
        },
        Case {
            name: "staff-pin",
            kiosk: kiosk(&[tap("staff"), tap("pin-1")], vec![]),
            labels: vec![
                "pin-0",
                "pin-1",
                "pin-2",
                "pin-3",
                "pin-4",
                "pin-5",
                "pin-6",
                "pin-7",
                "pin-8",
                "pin-9",
                "pin-enter",
                "pin-clear",
                "done",
            ],
        },
        Case {
            name: "staff-home",
            kiosk: kiosk(&login(), vec![]),
            labels: vec![
                "manual-entry",
                "roster",
                "print-evacuation",
                "responder",
                "done",
            ],
        },
        Case {
            name: "staff-home-responder",
            kiosk: kiosk(&staff(&["responder"]), vec![]),
            labels: vec!["roster", "print-evacuation", "responder", "done"],
        },
        Case {
            name: "roster",
            kiosk: kiosk(
                &[staff(&["roster"]), vec![Event::Roster(roster())]].concat(),
                vec![],
            ),
            labels: vec![
                "sign-out:V-0001",
                "sign-out:V-0004",
                "sign-out:V-0005",
                "sign-out:V-0006",
                "sign-out-earlier",
                "print-evacuation",
                "done",
            ],
        },
        Case {
            name: "roster-empty",
            kiosk: kiosk(
                &[staff(&["roster"]), vec![Event::Roster(vec![])]].concat(),
                vec![],
            ),
            labels: vec!["print-evacuation", "done"],
        },
        Case {
            name: "review",
            kiosk: flagged(&[]),
            labels: vec![
                "not-a-match",
                "is-a-match",
                "next-candidate",
                "previous-candidate",
                "remaining:match",
                "remaining:not-a-match",
                "remaining:skip",
                "reset-decisions",
                "done",
            ],
        },
        Case {
            name: "review-reset",
            kiosk: flagged(&["reset-decisions"]),
            labels: vec!["reset-decisions", "not-a-match", "done"],
        },
        Case {
            name: "review-is-a-match",
            kiosk: flagged(&["is-a-match"]),
            labels: vec!["allow-once-block", "deny", "allow-registered", "done"],
        },
        Case {
            name: "student-kind",
            kiosk: kiosk(&[tap("student")], vec![]),
            labels: vec!["student-late", "student-leaving", "done", "language:es"],
        },
        Case {
            name: "student-search",
            kiosk: kiosk(&pickup_search(), vec![]),
            labels: vec!["student:1", "student:2", "key:a", "key:backspace", "done"],
        },
        Case {
            name: "student-search-too-short",
            kiosk: kiosk(
                &[scan(), tap("purpose:pickup"), Event::Typed("lily".into())],
                vec![],
            ),
            labels: vec!["key:a", "done"],
        },
        Case {
            name: "student-number",
            kiosk: kiosk(&student_search(), vec![]),
            labels: vec!["student:1", "key:1", "key:backspace", "done"],
        },
        Case {
            name: "student-number-typing",
            kiosk: kiosk(
                &[
                    tap("student"),
                    tap("student-late"),
                    Event::Typed("3000".into()),
                ],
                vec![],
            ),
            labels: vec!["student-find", "key:0", "done"],
        },
        Case {
            name: "student-waiting",
            kiosk: kiosk(
                &[
                    student_number("student-leaving"),
                    vec![tap("student:1"), tap("reason:illness")],
                ]
                .concat(),
                vec![],
            ),
            labels: vec!["staff", "done"],
        },
        Case {
            name: "student-approval",
            kiosk: kiosk(
                &[
                    student_number("student-leaving"),
                    vec![tap("student:1"), tap("reason:illness"), tap("staff")],
                    login()[1..].to_vec(),
                ]
                .concat(),
                vec![],
            ),
            labels: vec!["approve", "deny"],
        },
        Case {
            name: "confirm-id",
            kiosk: flagged(&["not-a-match"]),
            labels: vec!["done"],
        },
        Case {
            name: "student-reason",
            kiosk: kiosk(&[student_search(), vec![tap("student:1")]].concat(), vec![]),
            labels: vec![
                "reason:appointment",
                "reason:illness",
                "reason:transport",
                "reason:family",
                "reason:other",
                "done",
            ],
        },
        Case {
            name: "student-done",
            kiosk: kiosk(
                &[
                    student_search(),
                    vec![
                        tap("student:1"),
                        tap("reason:illness"),
                        Event::SlipPrinted { ok: true },
                    ],
                ]
                .concat(),
                vec![],
            ),
            labels: vec!["done"],
        },
        Case {
            name: "manual-entry",
            kiosk: kiosk(&staff(&["manual-entry", "key:a", "key:d", "key:a"]), vec![]),
            labels: vec![
                "manual:first",
                "manual:last",
                "manual:dob",
                "key:a",
                "key:z",
                "key:0",
                "key:-",
                "key:space",
                "key:backspace",
                "manual-submit",
                "done",
            ],
        },
    ]
}

trait Unanswered {
    fn pipe_unanswered(self) -> Self;
}

impl Unanswered for Kiosk {
    /// `kiosk()` answered the screening request; a fresh scan leaves one pending.
    fn pipe_unanswered(self) -> Self {
        let config = Config::default();
        let mut kiosk = Kiosk::new(Settings::new(&config, vec![]));
        kiosk.handle(0, scan());
        kiosk
    }
}

fn texts(app: &AppWindow) -> Vec<String> {
    ElementQuery::from_root(app)
        .match_descendants()
        .match_accessible_role(AccessibleRole::Text)
        .find_all()
        .into_iter()
        .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
        .collect()
}

fn labels(app: &AppWindow) -> Vec<String> {
    ElementQuery::from_root(app)
        .match_descendants()
        .find_all()
        .into_iter()
        .filter(|e| e.accessible_role() != Some(AccessibleRole::Text))
        .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
        .collect()
}

fn snapshot(app: &AppWindow) -> SharedPixelBuffer<slint::Rgba8Pixel> {
    slint::platform::update_timers_and_animations();
    app.window().take_snapshot().unwrap()
}

fn snapshot_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.png"))
}

fn encode(shot: &SharedPixelBuffer<slint::Rgba8Pixel>) -> Vec<u8> {
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, shot.width(), shot.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .unwrap()
        .write_image_data(shot.as_bytes())
        .unwrap();
    png
}

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Compares with the stored snapshot (or stores it). Anti-aliasing may move a little between
/// Slint versions, so up to 0.5 % of the bytes may differ by more than 8.
fn check_snapshot(name: &str, shot: &SharedPixelBuffer<slint::Rgba8Pixel>) {
    let path = snapshot_path(name);
    let png = encode(shot);
    let update = std::env::var_os("VESTIBULE_UPDATE_SNAPSHOTS").is_some();
    match std::fs::read(&path) {
        Ok(stored) if !update => {
            let (w, h, pixels) = decode(&stored);
            assert_eq!((w, h), (shot.width(), shot.height()), "{name}: size");
            let differing = pixels
                .iter()
                .zip(shot.as_bytes())
                .filter(|(a, b)| a.abs_diff(**b) > 8)
                .count();
            assert!(
                differing * 200 <= pixels.len(),
                "{name}: {differing} bytes differ from {} (VESTIBULE_UPDATE_SNAPSHOTS=1 after a deliberate change)",
                path.display()
            );
        }
        _ => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, png).unwrap();
        }
    }
}

#[test]
fn every_screen_renders_with_its_labels_and_visitor_screens_reveal_nothing() {
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .unwrap();
    let app = AppWindow::new().unwrap();
    app.show().unwrap();
    for (width, height) in [(1280, 800), (800, 480)] {
        app.window()
            .set_size(slint::PhysicalSize::new(width, height));
        let mut front_office = Vec::new();
        for case in cases() {
            ui::present(&app, &case.kiosk);
            let name = format!("{}-{width}x{height}", case.name);
            let shown = labels(&app);
            for label in &case.labels {
                assert!(
                    shown.iter().any(|l| l == label),
                    "{name}: no `{label}` among {shown:?}"
                );
                // Every label the screen shows is one the flow understands.
            }
            for label in &shown {
                assert!(
                    Tap::from_label(label).is_some(),
                    "{name}: `{label}` is not a kiosk tap"
                );
            }
            if case.kiosk.screen().visitor_facing() {
                let words = texts(&app).join(" ").to_lowercase() + &shown.join(" ");
                assert!(words.len() > 20, "{name}: no text found: {words}");
                for giveaway in GIVEAWAYS {
                    assert!(
                        !words.contains(&giveaway.to_lowercase()),
                        "{name} shows `{giveaway}`: {words}"
                    );
                }
            }
            let shot = snapshot(&app);
            assert_eq!((shot.width(), shot.height()), (width, height));
            // Something is drawn: text pixels darker than the theme's background.
            let dark = shot
                .as_slice()
                .iter()
                .filter(|p| p.r < 0x60 && p.g < 0x60)
                .count();
            assert!(dark > 200, "{name}: only {dark} dark pixels");
            if case.name.starts_with("front-office") {
                front_office.push(shot.as_bytes().to_vec());
            }
            check_snapshot(&name, &shot);
        }
        assert_eq!(front_office.len(), 2);
        assert!(
            front_office[0] == front_office[1],
            "a flagged visitor's screen must be the No ID screen, pixel for pixel"
        );
    }

    // Spanish: a real translation, and the configured Spanish button labels.
    let mut spanish = kiosk(&[scan()], vec![]);
    spanish.handle(0, tap("language:es"));
    ui::select_language(Language::Es);
    ui::present(&app, &spanish);
    let words = texts(&app).join(" | ");
    assert!(
        words.contains("¿Cuál es el motivo de su visita?"),
        "{words}"
    );
    assert!(words.contains("Voluntario"), "{words}");
    check_snapshot("purpose-es-800x480", &snapshot(&app));
    ui::select_language(Language::En);
    ui::present(&app, &kiosk(&[], vec![]));
    assert!(texts(&app).iter().any(|t| t == "Scan your ID to sign in"));

    // A tap on a button reaches the flow as the tap its label names.
    let tapped = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    ui::on_tap(&app, {
        let tapped = tapped.clone();
        move |tap| tapped.borrow_mut().push(tap)
    });
    ElementHandle::find_by_accessible_label(&app, "no-id")
        .next()
        .unwrap()
        .invoke_accessible_default_action();
    assert_eq!(*tapped.borrow(), vec![Tap::NoId]);

    // Out of service (not set up, a device missing): no button to tap, the technician's
    // detail line shown small, in both sizes.
    let detail = "ID reader /dev/ttyACM0: not found";
    for (width, height) in [(1280, 800), (800, 480)] {
        app.window()
            .set_size(slint::PhysicalSize::new(width, height));
        ui::present_out_of_service(&app, detail);
        let words = texts(&app);
        assert!(
            words.iter().any(|t| t == "This kiosk is out of service"),
            "{words:?}"
        );
        assert!(words.iter().any(|t| t == detail), "{words:?}");
        assert_eq!(labels(&app), Vec::<String>::new());
        check_snapshot(&format!("out-of-service-{width}x{height}"), &snapshot(&app));
    }
}
