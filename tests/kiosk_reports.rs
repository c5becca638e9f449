//! The reports screen behind the staff PIN, end to end: visits made at the kiosk, then staff log
//! in, open "Reports", see today's numbers and chart, step back a day and go back to the staff
//! home. Real parts throughout: the real UI on the software renderer, a real redb file, the
//! real flow and app.
//!
//! - The script (`vestibule kiosk --sim --headless`, the real binary) takes screenshots; their
//!   pixels show the chart's bars today and none the day before.
//! - The same walk in this process reads the UI's accessible tree after every step: the day,
//!   the summary's lines, the chart's hours, and no visitor's name anywhere.
//!
//! Screenshots are kept in `target/tmp/kiosk_reports/` to look at.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::rc::Rc;

use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementQuery};
use serde_json::{json, Value};
use slint::ComponentHandle;
use time::macros::datetime;
use vestibule::app::{headless, KioskApp};
use vestibule::config::Config;
use vestibule::kiosk::{Event, Screen, Tap};
use vestibule::store::{KeyLocation, Store};
use vestibule::ui::{self, AppWindow};

const BIN: &str = env!("CARGO_BIN_EXE_vestibule");

/// CAPTAIN JACK MORGAN, born 1960-05-22 (Pennsylvania sample): on no list.
const MORGAN: &str = include_str!("fixtures/aamva/v09-pa.txt");

const REGISTRY: &str =
    "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction
VA-0001,primary,SAMPLE,MICHAEL,J,JR,1986-06-06,M,VA
";

/// The bars' colour (Theme.primary); no other element of these staff screens wears it.
const BAR: [u8; 3] = [0x1f, 0x5f, 0x8b];
/// The staff band across the top (Theme.staff-band).
const BAND: [u8; 3] = [0x2f, 0x3b, 0x45];

/// Where the screenshots stay after the test.
fn shots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kiosk_reports");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn login() -> [&'static str; 8] {
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
}

// ---- the script, through the real binary ---------------------------------------------------

fn vestibule(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("VESTIBULE_DB")
        .env_remove("VESTIBULE_CONFIG")
        .output()
        .unwrap()
}

fn tap(label: &str) -> Value {
    json!({ "tap": label })
}

/// RGB pixels of a PNG written by the kiosk, with its size.
fn pixels(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let mut reader = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    ))
    .read_info()
    .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba);
    let rgb = buf[..info.buffer_size()]
        .chunks(4)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, rgb)
}

fn count(pixels: &[[u8; 3]], colour: [u8; 3]) -> usize {
    pixels.iter().filter(|p| **p == colour).count()
}

#[test]
fn a_script_opens_the_reports_after_two_visits_steps_back_a_day_and_goes_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kiosk.redb");
    let registry = dir.path().join("registry.csv");
    std::fs::write(&registry, REGISTRY).unwrap();
    let out = vestibule(&[
        "registry",
        "import",
        "--db",
        db.to_str().unwrap(),
        registry.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut events = Vec::new();
    for _ in 0..2 {
        events.push(json!({ "scan": MORGAN }));
        events.push(tap("purpose:visitor"));
        events.push(tap("destination:library"));
        events.push(json!({ "wait_ms": 6000 })); // the door closes, back to the attract screen
    }
    events.extend(login().map(tap));
    events.push(json!({ "screenshot": "staff-home" }));
    events.push(tap("reports"));
    events.push(json!({ "screenshot": "reports-today" }));
    events.push(tap("report-previous-day"));
    events.push(json!({ "screenshot": "reports-yesterday" }));
    events.push(tap("report-next-day"));
    events.push(json!({ "screenshot": "reports-today-again" }));
    events.push(tap("done"));
    events.push(json!({ "screenshot": "staff-home-again" }));
    events.push(tap("done"));
    let script: String = events.iter().map(|e| format!("{e}\n")).collect();
    let script_file = dir.path().join("reports.jsonl");
    std::fs::write(&script_file, script).unwrap();
    let shots = shots().join("script");
    let run = vestibule(&[
        "kiosk",
        "--sim",
        "--headless",
        "--events",
        script_file.to_str().unwrap(),
        "--out",
        shots.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let shot = |name: &str| pixels(&shots.join(format!("{name}.png")));
    let (w, h, home) = shot("staff-home");
    assert_eq!((w, h), (1280, 800));
    let (_, _, today) = shot("reports-today");
    let (_, _, yesterday) = shot("reports-yesterday");
    // Staff screens all: the dark band across the top.
    for (name, screen) in [
        ("home", &home),
        ("today", &today),
        ("yesterday", &yesterday),
    ] {
        assert!(
            screen[..w as usize * 10].iter().all(|p| *p == BAND),
            "{name}: no staff band"
        );
    }
    // Today's chart: two visits in one hour make a bar (some thousands of pixels); the staff
    // home has no chart, and nobody came yesterday.
    let bars = count(&today, BAR);
    assert!(bars > 5_000, "today: only {bars} bar pixels");
    assert_eq!(count(&home, BAR), 0);
    assert_eq!(count(&yesterday, BAR), 0, "yesterday had no visits");
    assert!(today != yesterday);
    // "Next day" comes back to today, pixel for pixel; "done" to the staff home.
    assert!(shot("reports-today-again").2 == today);
    assert!(shot("staff-home-again").2 == home);
}

// ---- the same walk in this process, read through the accessible tree ----------------------

/// The kiosk app in the headless window, driven as the script runner drives it: a tap finds
/// the element by its accessible label on the screen shown and invokes its default action.
struct Walk {
    app: KioskApp,
    window: AppWindow,
    taps: Rc<RefCell<Vec<Tap>>>,
}

impl Walk {
    fn new(app: KioskApp, window: AppWindow) -> Walk {
        let taps: Rc<RefCell<Vec<Tap>>> = Rc::default();
        ui::on_tap(&window, {
            let taps = taps.clone();
            move |tap| taps.borrow_mut().push(tap)
        });
        app.present(&window);
        Walk { app, window, taps }
    }

    fn settle(&mut self) {
        if self.app.take_dirty() {
            self.app.present(&self.window);
        }
    }

    fn tap(&mut self, label: &str) {
        let element = ElementHandle::find_by_accessible_label(&self.window, label)
            .find(ElementHandle::is_valid)
            .unwrap_or_else(|| {
                panic!(
                    "no `{label}` on {:?} {:?}",
                    self.app.kiosk().screen(),
                    self.app.kiosk().faults()
                )
            });
        element.invoke_accessible_default_action();
        let taps: Vec<Tap> = self.taps.borrow_mut().drain(..).collect();
        for tap in taps {
            self.app.dispatch(Event::Tap(tap));
        }
        self.settle();
    }

    fn scan(&mut self, payload: &str) {
        self.app.scan(payload.as_bytes());
        self.settle();
    }

    fn wait(&mut self, ms: u64) {
        self.app.wait(ms);
        i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(ms));
        self.settle();
    }

    /// Every text on the screen, as a screen reader reads it.
    fn texts(&self) -> Vec<String> {
        ElementQuery::from_root(&self.window)
            .match_descendants()
            .match_accessible_role(AccessibleRole::Text)
            .find_all()
            .into_iter()
            .filter_map(|e| e.accessible_label().map(|l| l.trim().to_owned()))
            .collect()
    }

    fn shows(&self, text: &str) -> bool {
        self.texts().iter().any(|t| t == text)
    }

    fn enabled(&self, label: &str) -> bool {
        ElementHandle::find_by_accessible_label(&self.window, label)
            .find(ElementHandle::is_valid)
            .and_then(|e| e.accessible_enabled())
            .unwrap_or(false)
    }

    fn screenshot(&self, name: &str) -> PathBuf {
        let path = shots().join(format!("{name}.png"));
        headless::screenshot(&self.window, &path).unwrap();
        path
    }
}

fn sim_app(store: Option<Store>, out: &Path) -> KioskApp {
    let config = Config::default();
    // Monday 23 November 2026, 08:30: the visits sign in at hour 8.
    KioskApp::sim(&config, store, out, datetime!(2026-11-23 08:30 UTC)).unwrap()
}

#[test]
fn staff_read_the_day_on_screen_with_no_visitor_named() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_personal(
        &dir.path().join("kiosk.redb"),
        &KeyLocation::File(dir.path().join("data.key")),
    )
    .unwrap();
    store.import_registry(REGISTRY.as_bytes()).unwrap();
    let window = headless::open_window(1280, 800).unwrap();
    let mut walk = Walk::new(sim_app(Some(store), &dir.path().join("out")), window);

    for _ in 0..2 {
        walk.scan(MORGAN);
        walk.tap("purpose:visitor");
        walk.tap("destination:library");
        walk.wait(6_000);
    }
    for label in login() {
        walk.tap(label);
    }
    assert_eq!(walk.app.kiosk().screen(), Screen::StaffHome);
    walk.tap("reports");
    assert_eq!(walk.app.kiosk().screen(), Screen::Reports);
    for text in ["Reports", "Today", "2026-11-23", "Visits: 2", "Visitor: 2"] {
        assert!(walk.shows(text), "no `{text}` among {:?}", walk.texts());
    }
    assert!(walk.shows("Never signed out: 2 (V-0001, V-0002)"));
    assert!(walk.shows("Visits per hour"));
    // The chart: the school hours 6 to 18, and the two visits' count over 8 o'clock.
    let texts = walk.texts();
    for hour in 6..=18 {
        assert!(walk.shows(&hour.to_string()), "no hour {hour}: {texts:?}");
    }
    assert!(!walk.shows("5") && !walk.shows("19"), "{texts:?}");
    let centre = |text: &str| {
        let found: Vec<f32> = ElementHandle::find_by_accessible_label(&walk.window, text)
            .filter(ElementHandle::is_valid)
            .map(|e| e.absolute_position().x + e.size().width / 2.0)
            .collect();
        assert_eq!(found.len(), 1, "`{text}` shown {} times", found.len());
        found[0]
    };
    assert!(
        (centre("2") - centre("8")).abs() < 1.0,
        "the count is not over 8 o'clock"
    );
    assert!((centre("2") - centre("9")).abs() > 20.0);
    assert!(!walk.enabled("report-next-day"), "nothing after today");
    assert!(walk.enabled("report-previous-day"));
    let words = texts.join(" ").to_lowercase();
    for name in ["morgan", "jack", "captain"] {
        assert!(
            !words.contains(name),
            "`{name}` on the reports screen: {words}"
        );
    }
    let today = walk.screenshot("reports-today-1280x800");
    walk.window
        .window()
        .set_size(slint::PhysicalSize::new(800, 480));
    walk.app.present(&walk.window);
    walk.screenshot("reports-today-800x480");
    walk.window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));

    walk.tap("report-previous-day");
    for text in [
        "Yesterday",
        "2026-11-22",
        "Visits: 0",
        "No visits on this day.",
    ] {
        assert!(walk.shows(text), "no `{text}` among {:?}", walk.texts());
    }
    assert!(walk.enabled("report-next-day"));
    walk.screenshot("reports-yesterday-1280x800");
    walk.tap("report-previous-day");
    assert!(walk.shows("2 days ago") && walk.shows("2026-11-21"));
    walk.tap("report-next-day");
    walk.tap("report-next-day");
    assert!(walk.shows("Today") && walk.shows("Visits: 2"));
    assert_eq!(
        pixels(&walk.screenshot("reports-today-again")).2,
        pixels(&today).2
    );

    // Spanish for the screen's own words (the summary's lines are the report's, in English).
    ui::select_language(vestibule::config::Language::Es);
    walk.app.present(&walk.window);
    assert!(walk.shows("Informes") && walk.shows("Hoy") && walk.shows("Visitas por hora"));
    ui::select_language(vestibule::config::Language::En);
    walk.app.present(&walk.window);

    walk.tap("done");
    assert_eq!(walk.app.kiosk().screen(), Screen::StaffHome);
    assert_eq!(walk.app.kiosk().operator(), Some("demo"), "still logged in");
    assert!(!walk.shows("Visits: 2"));

    // Left on the reports screen, the kiosk logs out by itself like on any staff screen.
    walk.tap("reports");
    walk.wait(walk.app.kiosk().settings().idle_timeout_ms + 200);
    assert_eq!(walk.app.kiosk().screen(), Screen::Attract);
    assert_eq!(walk.app.kiosk().operator(), None);
    assert!(walk.app.kiosk().report().is_none());

    // Without a database there is nothing to report and nobody to screen: the kiosk is out
    // of service (an unreadable report is `kiosk::reports`' own unit test).
    let Walk { window, .. } = walk;
    let walk = Walk::new(sim_app(None, &dir.path().join("out-nostore")), window);
    assert_eq!(walk.app.kiosk().screen(), Screen::OutOfService);
}
