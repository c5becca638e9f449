//! Nothing slow on the UI thread (issue 14, point 9): a printer that takes 15 s prints on its
//! own thread while the UI loop goes on ticking, so the door relay's watchdog stays fed and
//! takes the pulse for the visitor whose badge came out; the screen says "the door is open"
//! only once it did. The kiosk runs as the window runs it: a real clock, `poll_devices` every
//! 100 ms, answers picked up on later ticks.

mod in_process;

use std::time::{Duration, Instant};

use vestibule::app::KioskApp;
use vestibule::kiosk::Screen;
use vestibule::store::crypto::Key;
use vestibule::store::Store;

const MORGAN: &[u8] = include_bytes!("fixtures/aamva/v09-pa.txt");

#[test]
fn a_fifteen_second_printer_never_stalls_the_loop_and_the_door_opens_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = in_process::sim_config();
    config.screening.lists_only = true; // no registry needed to clear this visitor
    let (devices, strike) = in_process::sim_devices(
        dir.path(),
        &config,
        Some(in_process::WATCHDOG),
        Some(Duration::from_secs(15)), // a Brother waiting out its status
    );
    let store = Store::open_with_key(&dir.path().join("kiosk.redb"), &Key::generate()).unwrap();
    let mut app = KioskApp::real(
        &config,
        Some(store),
        devices,
        time::OffsetDateTime::now_utc(),
    );
    app.answer_later();
    let mut ui = in_process::WindowLoop::new(app);

    ui.app.scan(MORGAN);
    ui.until(Screen::Purpose, Duration::from_secs(10));
    ui.tap("purpose:visitor");
    ui.tap("destination:library");
    assert_eq!(ui.app.kiosk().screen(), Screen::Printing);
    let printing = Instant::now();
    ui.until(Screen::DoorOpen, Duration::from_secs(60));
    assert!(
        printing.elapsed() >= Duration::from_secs(15),
        "the badge took the printer's time"
    );
    assert!(strike.level(), "the relay took the pulse: the door is open");
    assert!(
        ui.longest_turn < in_process::WATCHDOG,
        "the UI loop stalled {:?}: past the relay's watchdog",
        ui.longest_turn
    );
    eprintln!("longest UI-loop turn while printing: {:?}", ui.longest_turn);
}
