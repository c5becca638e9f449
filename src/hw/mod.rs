//! Hardware at the kiosk's edge: the ID/QR reader, the door relay, the office indicator lamp,
//! the input pins (panic button, door-position sensor) and the badge printer.
//!
//! `hw` never decides when the door opens: it pulses the relay when the flow says so, and
//! forces it off on every way out (normal stop, drop, SIGTERM, panic, a stalled main loop).
//!
//! The flow-facing seams are the traits below ([`Relay`], [`Lamp`], [`Reader`], [`Inputs`],
//! [`BadgePrinter`]). Every method takes the kiosk time `now` ([`Millis`]) so the simulated
//! devices log with the scripted kiosk's mock clock; real devices keep their own timing.
//!
//! - [`relay`]: [`relay::DoorRelay`], the fail-secure driver over an embedded-hal 1.0
//!   `OutputPin`, and [`relay::IndicatorLamp`].
//! - [`failsafe`]: [`failsafe::FailSafeRelay`] (pulse timer and main-loop watchdog on their
//!   own thread) and [`failsafe::install`] (panic hook and SIGTERM/SIGINT/SIGQUIT/SIGHUP handler
//!   that force every relay off); [`tty`]: the kiosk's terminal sends no signals and switches
//!   no terminals.
//! - [`input`]: debounced input pins over an embedded-hal `InputPin`, polled on a thread.
//! - [`reader`]: the reader's byte stream framed into scans (sans-IO); [`serial`]: the loop
//!   that reads a serial port into it and delivers frames over a channel.
//! - [`printer`]: label printer protocols, links, and [`printer::service`], which checks
//!   Brother status before and after each job.
//! - [`sim`]: simulated devices for `--sim`, tests and the scripted kiosk; they log every
//!   action to `hardware.jsonl`.
//! - [`config`]: the `[hardware]` section of `kiosk.toml`; [`board`] opens the real devices
//!   it names (a missing or busy device is a start-up error naming it).
//! - `pi` (feature `rppal`): Raspberry Pi OS GPIO through rppal (`/dev/gpiomem`); `cdev` (Linux): any
//!   board's GPIO character device (v2 uAPI) through gpiocdev. Only these two name them.

pub mod board;
pub mod config;
pub mod failsafe;
pub mod input;
pub mod printer;
pub mod reader;
pub mod relay;
pub mod serial;
pub mod sim;
pub mod tty;

#[cfg(target_os = "linux")]
pub mod cdev;
#[cfg(feature = "rppal")]
pub mod pi;

#[doc(hidden)]
pub mod drill;

use std::fmt;
use std::time::Duration;

use crate::badge::Bitmap1;
pub use printer::service::{PrintOutcome, PrinterProblem};
pub use printer::PrinterKind;
pub use reader::Frame;

/// Kiosk time in milliseconds, as the flow counts it (the same unit as `kiosk::Millis`).
pub type Millis = u64;

/// A pin or device error with the driver's error type erased, for the flow-facing traits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinFault(pub String);

impl fmt::Display for PinFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The door strike as the flow drives it.
pub trait Relay {
    /// Unlocks the door for `duration`, then locks it again by itself. Refused during a
    /// lockdown, while the main loop's watchdog has lapsed, and for a duration outside
    /// [`relay::MIN_PULSE`]..=[`relay::MAX_PULSE`].
    fn pulse(&mut self, now: Millis, duration: Duration) -> Result<(), relay::Error<PinFault>>;

    /// Enters (locking the door at once) or leaves a lockdown.
    fn set_lockdown(&mut self, now: Millis, on: bool) -> Result<(), relay::Error<PinFault>>;

    /// Locks the door now, whatever it was doing.
    fn force_off(&mut self, now: Millis) -> Result<(), relay::Error<PinFault>>;

    /// Tells the watchdog the main loop is alive; a relay whose loop stops calling this is
    /// forced off. Simulated relays need no watchdog.
    fn feed_watchdog(&mut self, _now: Millis) {}
}

/// The office indicator lamp (lockdown, printer needs attention).
pub trait Lamp {
    fn set(&mut self, now: Millis, on: bool) -> Result<(), PinFault>;
}

/// The ID/QR reader: frames arrive on their own; the loop collects them.
pub trait Reader {
    /// The next framed scan, if one is waiting. Never blocks.
    fn try_frame(&mut self) -> Option<Frame>;

    /// The device went away (unplugged, closed): no scan will come until it is opened again.
    fn gone(&self) -> bool {
        false
    }
}

/// Which input pin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// The panic button: pressed means lockdown.
    Panic,
    /// The door-position contact: active means the door is open.
    DoorPosition,
}

impl InputKind {
    /// The name in logs, config and `hardware.jsonl`.
    pub fn id(self) -> &'static str {
        match self {
            InputKind::Panic => "panic",
            InputKind::DoorPosition => "door",
        }
    }
}

/// A debounced change of an input pin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputEvent {
    pub input: InputKind,
    /// The new level in the pin's own terms: pressed, or door open.
    pub active: bool,
}

/// The input pins: debounced changes arrive on their own; the loop collects them.
pub trait Inputs {
    /// The next change, if one is waiting. Never blocks.
    fn try_event(&mut self) -> Option<InputEvent>;

    /// Each pin's current debounced level (`true`: pressed / door open), for the technician's
    /// check; `None` for a pin whose level could not be read. Never blocks.
    fn levels(&self) -> Levels;
}

/// Each input with its level, `None` when it cannot be read.
pub type Levels = Vec<(InputKind, Option<bool>)>;

/// The last debounced level of each input, shared between the thread or interrupt handler
/// that sees the pins and whoever asks.
#[derive(Clone, Default)]
pub struct SharedLevels(std::sync::Arc<std::sync::Mutex<Levels>>);

impl SharedLevels {
    pub fn set(&self, kind: InputKind, level: Option<bool>) {
        let mut levels = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match levels.iter_mut().find(|(k, _)| *k == kind) {
            Some(entry) => entry.1 = level,
            None => levels.push((kind, level)),
        }
    }

    pub fn get(&self) -> Levels {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// A badge printer: a page in, an outcome out. A print never silently vanishes: anything
/// but [`PrintOutcome::Printed`] names what needs attention.
pub trait BadgePrinter {
    /// The printer and labels: render badges onto `kind().label()`.
    fn kind(&self) -> PrinterKind;

    /// Prints one badge page.
    fn print(&mut self, now: Millis, page: &Bitmap1) -> PrintOutcome;
}
