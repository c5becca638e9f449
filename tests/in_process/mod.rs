//! Shared by the tests that run the kiosk app in this process, as the window runs it: the
//! simulated devices with the door strike's pin to watch, and the window's loop.
#![allow(dead_code)] // each test file uses its own part of this

use std::path::Path;
use std::time::{Duration, Instant};

use vestibule::app::{Devices, KioskApp};
use vestibule::config::Config;
use vestibule::hw::config::GpioBackend;
use vestibule::hw::failsafe::FailSafeRelay;
use vestibule::hw::relay::{DoorRelay, IndicatorLamp, Polarity};
use vestibule::hw::sim::{HardwareLog, SimInputs, SimPin, SimPrinter, SimReader};
use vestibule::hw::PrinterKind;
use vestibule::kiosk::{Event, Millis, Screen, Tap};

/// A config for simulated devices (no GPIO chip opened).
pub fn sim_config() -> Config {
    let mut config = Config::default();
    config.hardware.gpio = GpioBackend::None;
    config
}

/// Simulated devices: the relay behind its fail-safe (fed by the UI loop within `watchdog`, or
/// never checked), a Brother printer writing into `dir` that takes `print_delay` per job. The
/// pin returned is the strike's: high while the door is unlocked.
pub fn sim_devices(
    dir: &Path,
    config: &Config,
    watchdog: Option<Duration>,
    print_delay: Option<Duration>,
) -> (Devices, SimPin) {
    let strike = SimPin::new(false);
    let relay = FailSafeRelay::start(
        DoorRelay::new(strike.clone(), Polarity::ActiveHigh).unwrap(),
        watchdog,
    );
    let lamp = IndicatorLamp::new(SimPin::new(false), Polarity::ActiveHigh).unwrap();
    let mut printer =
        SimPrinter::new(dir, PrinterKind::BrotherQlDk1202, HardwareLog::memory()).unwrap();
    if let Some(delay) = print_delay {
        printer.set_delay(delay);
    }
    let devices = Devices::assemble(
        Box::new(relay),
        Box::new(lamp),
        Box::new(printer),
        Box::new(SimReader::default()),
        Box::new(SimInputs::default()),
        &config.hardware,
    );
    (devices, strike)
}

/// The relay's watchdog as configured by default (`[hardware] watchdog_ms`).
pub const WATCHDOG: Duration = Duration::from_millis(2000);

/// The window's loop: one turn every 100 ms of the real clock, and how long the UI thread was
/// ever busy in one go (a turn, a tap or a scan), which the relay's watchdog must never miss.
pub struct WindowLoop {
    pub app: KioskApp,
    start: Instant,
    pub longest_turn: Duration,
}

impl WindowLoop {
    pub fn new(app: KioskApp) -> WindowLoop {
        WindowLoop {
            app,
            start: Instant::now(),
            longest_turn: Duration::ZERO,
        }
    }

    pub fn turn(&mut self) {
        std::thread::sleep(Duration::from_millis(100));
        let now = Millis::try_from(self.start.elapsed().as_millis()).unwrap();
        self.step(|app| {
            app.advance_to(now);
            app.poll_devices();
        });
    }

    /// One piece of UI-thread work, timed.
    pub fn step(&mut self, step: impl FnOnce(&mut KioskApp)) {
        let began = Instant::now();
        step(&mut self.app);
        self.longest_turn = self.longest_turn.max(began.elapsed());
    }

    pub fn tap(&mut self, label: &str) {
        self.step(|app| app.dispatch(Event::Tap(Tap::from_label(label).unwrap())));
    }

    /// Turns until the flow shows `screen` (within `limit`).
    pub fn until(&mut self, screen: Screen, limit: Duration) {
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
