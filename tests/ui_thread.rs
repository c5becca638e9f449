//! Nothing slow on the UI thread (issue 14, point 9): a printer that takes 15 s prints on its
//! own thread while the UI loop goes on ticking, so the door relay's watchdog stays fed and
//! takes the pulse for the visitor whose badge came out; the screen says "the door is open"
//! only once it did. The kiosk runs as the window runs it: a real clock, `poll_devices` every
//! 100 ms, answers picked up on later ticks.

mod in_process;

use std::time::{Duration, Instant};

use vestibule::app::KioskApp;
use vestibule::kiosk::{Event, Millis, Screen, Tap};
use vestibule::store::crypto::Key;
use vestibule::store::Store;

const MORGAN: &[u8] = include_bytes!("fixtures/aamva/v09-pa.txt");
/// The relay's watchdog as configured by default (`[hardware] watchdog_ms`).
const WATCHDOG: Duration = Duration::from_millis(2000);

/// The window's loop: one turn every 100 ms of the real clock.
struct Loop {
    app: KioskApp,
    start: Instant,
    /// The longest one turn took (the UI thread busy, nothing fed).
    longest_turn: Duration,
}

impl Loop {
    fn turn(&mut self) {
        std::thread::sleep(Duration::from_millis(100));
        let began = Instant::now();
        let now = Millis::try_from(self.start.elapsed().as_millis()).unwrap();
        self.app.advance_to(now);
        self.app.poll_devices();
        self.longest_turn = self.longest_turn.max(began.elapsed());
    }

    fn tap(&mut self, label: &str) {
        let began = Instant::now();
        self.app
            .dispatch(Event::Tap(Tap::from_label(label).unwrap()));
        self.longest_turn = self.longest_turn.max(began.elapsed());
    }

    /// Turns until the flow shows `screen` (within `limit`).
    fn until(&mut self, screen: Screen, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.app.kiosk().screen() != screen {
            assert!(
                Instant::now() < deadline,
                "still on {:?}",
                self.app.kiosk().screen()
            );
            self.turn();
        }
    }
}

#[test]
fn a_fifteen_second_printer_never_stalls_the_loop_and_the_door_opens_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = in_process::sim_config();
    config.screening.lists_only = true; // no registry needed to clear this visitor
    let (devices, strike) = in_process::sim_devices(
        dir.path(),
        &config,
        Some(WATCHDOG),
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
    let mut ui = Loop {
        app,
        start: Instant::now(),
        longest_turn: Duration::ZERO,
    };

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
        ui.longest_turn < WATCHDOG,
        "the UI loop stalled {:?}: past the relay's watchdog",
        ui.longest_turn
    );
    eprintln!("longest UI-loop turn while printing: {:?}", ui.longest_turn);
}
