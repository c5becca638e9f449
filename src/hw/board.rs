//! The kiosk's real devices, opened from the `[hardware]` config. A device that is missing or
//! busy is a start-up error naming it ([`DeviceError`]).
//!
//! ```no_run
//! # fn main() -> Result<(), vestibule::hw::board::DeviceError> {
//! let config = vestibule::config::Config::default();
//! vestibule::hw::failsafe::install().expect("signal handler");
//! let mut gpio = vestibule::hw::board::open_gpio(&config.hardware)?;
//! let reader = vestibule::hw::board::open_reader(&config.hardware)?;
//! let printer = vestibule::hw::board::open_printer(&config.hardware)?;
//! // main loop: gpio.relay.feed_watchdog(now) every turn; reader.try_frame(); ...
//! # Ok(()) }
//! ```

use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use super::config::{GpioBackend, Hardware};
use super::printer::link::{DeviceLink, PrinterLink, TcpLink};
use super::printer::service::PrinterService;
use super::serial::SerialReader;
use super::sim::{HardwareLog, SimInputs, SimLamp, SimRelay};
use super::{InputEvent, InputKind, Inputs, Lamp, Relay};

/// A device that could not be opened.
#[derive(Debug, thiserror::Error)]
#[error("{device}: {reason}")]
pub struct DeviceError {
    /// What and where: `door relay (BCM 17)`, `ID reader /dev/ttyACM0`, ...
    pub device: String,
    pub reason: String,
}

impl DeviceError {
    pub fn new(device: impl Into<String>, reason: impl ToString) -> Self {
        DeviceError {
            device: device.into(),
            reason: reason.to_string(),
        }
    }
}

/// The relay, the lamp and the input pins.
pub struct Gpio {
    pub relay: Box<dyn Relay + Send>,
    pub lamp: Box<dyn Lamp + Send>,
    pub inputs: Box<dyn Inputs + Send>,
}

/// Input events delivered on a channel by interrupt callbacks; keeps the pins alive.
pub struct ChannelInputs {
    pub(crate) events: Receiver<InputEvent>,
    /// Read when the pins were opened, then kept by the interrupt callbacks.
    pub(crate) levels: super::SharedLevels,
    pub(crate) _pins: Vec<Box<dyn Send>>,
}

impl Inputs for ChannelInputs {
    fn try_event(&mut self) -> Option<InputEvent> {
        self.events.try_recv().ok()
    }

    fn levels(&self) -> Vec<(InputKind, Option<bool>)> {
        self.levels.get()
    }
}

/// Opens the relay (locked), the lamp (off) and the inputs on the configured backend.
pub fn open_gpio(config: &Hardware) -> Result<Gpio, DeviceError> {
    match config.gpio {
        GpioBackend::None => {
            let log = HardwareLog::memory();
            Ok(Gpio {
                relay: Box::new(SimRelay::new(log.clone())),
                lamp: Box::new(SimLamp::new(log)),
                inputs: Box::new(SimInputs::default()),
            })
        }
        #[cfg(feature = "rppal")]
        GpioBackend::Rppal => super::pi::open(config),
        #[cfg(not(feature = "rppal"))]
        GpioBackend::Rppal => Err(DeviceError::new(
            "GPIO (rppal)",
            "this build has no Raspberry Pi support: build with --features pi, or set hardware.gpio",
        )),
        #[cfg(target_os = "linux")]
        GpioBackend::Cdev => super::cdev::open(config),
        #[cfg(not(target_os = "linux"))]
        GpioBackend::Cdev => Err(DeviceError::new(
            "GPIO (cdev)",
            "the GPIO character device exists only on Linux",
        )),
    }
}

/// Drives the configured door relay pin to its locked level and lets it go (`vestibule relay
/// lock`, the kiosk unit's `ExecStopPost=`): between two kiosk processes, the pin stays
/// locked. Returns the pin it locked, or `None` when no GPIO is configured.
pub fn lock_relay(config: &Hardware) -> Result<Option<String>, DeviceError> {
    match config.gpio {
        GpioBackend::None => Ok(None),
        #[cfg(feature = "rppal")]
        GpioBackend::Rppal => super::pi::lock_relay(config).map(Some),
        #[cfg(not(feature = "rppal"))]
        GpioBackend::Rppal => Err(DeviceError::new(
            "GPIO (rppal)",
            "this build has no Raspberry Pi support: build with --features pi, or set hardware.gpio",
        )),
        #[cfg(target_os = "linux")]
        GpioBackend::Cdev => super::cdev::lock_relay(config).map(Some),
        #[cfg(not(target_os = "linux"))]
        GpioBackend::Cdev => Err(DeviceError::new(
            "GPIO (cdev)",
            "the GPIO character device exists only on Linux",
        )),
    }
}

/// Opens the ID reader's serial device and starts its loop.
pub fn open_reader(config: &Hardware) -> Result<SerialReader, DeviceError> {
    let reader = &config.reader;
    // The serial error already says "ID reader <path>: ...": once is enough.
    SerialReader::open(&reader.device, reader.baud, reader.framer()).map_err(|e| {
        let text = e.to_string();
        let (device, reason) = text.split_once(": ").unwrap_or(("ID reader", &text));
        DeviceError::new(device, reason)
    })
}

/// A printer link: `/dev/usb/lpN` (or any file) or `tcp://HOST:PORT`.
pub fn open_link(
    device: &str,
    timeout: Duration,
) -> Result<Box<dyn PrinterLink + Send>, DeviceError> {
    match device.strip_prefix("tcp://") {
        Some(address) => TcpLink::connect(address, timeout)
            .map(|l| Box::new(l) as Box<dyn PrinterLink + Send>)
            .map_err(|e| DeviceError::new("badge printer", e)),
        None => DeviceLink::open(Path::new(device))
            .map(|l| Box::new(l) as Box<dyn PrinterLink + Send>)
            .map_err(|e| DeviceError::new("badge printer", e)),
    }
}

/// Opens the badge printer with its status checks.
pub fn open_printer(
    config: &Hardware,
) -> Result<PrinterService<Box<dyn PrinterLink + Send>>, DeviceError> {
    let printer = &config.printer;
    let link = open_link(&printer.device, printer.timeouts().status)?;
    Ok(PrinterService::new(link, printer.kind, printer.timeouts()).check_status(printer.status))
}
