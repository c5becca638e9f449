//! Shared by the tests that run the kiosk app in this process, as the window runs it: the
//! simulated devices with the door strike's pin to watch.
#![allow(dead_code)] // each test file uses its own part of this

use std::path::Path;
use std::time::Duration;

use vestibule::app::Devices;
use vestibule::config::Config;
use vestibule::hw::config::GpioBackend;
use vestibule::hw::failsafe::FailSafeRelay;
use vestibule::hw::relay::{DoorRelay, IndicatorLamp, Polarity};
use vestibule::hw::sim::{HardwareLog, SimInputs, SimPin, SimPrinter, SimReader};
use vestibule::hw::PrinterKind;

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
