//! The `[hardware]` section of `kiosk.toml`: which GPIO backend, the pin map and polarities,
//! the reader's serial device and framing, and the printer's device.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::printer::service::Timeouts;
use super::printer::PrinterKind;
use super::reader::FramerConfig;
use super::relay::Polarity;

/// How the kiosk reaches its GPIO pins.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GpioBackend {
    /// Raspberry Pi through rppal (needs the `pi` build and Raspberry Pi OS's `/dev/gpiomem`:
    /// not on the kiosk image, whose Debian kernel has none).
    Rppal,
    /// The GPIO character device's v2 uAPI (`chip`) through gpiocdev: Debian's kernel on the
    /// kiosk image, Raspberry Pi OS, any Linux board. The default.
    Cdev,
    /// No pins: relay, lamp and inputs are simulated (a kiosk without a door).
    None,
}

/// The Pi 4's GPIO chip, then the Pi 5's header chip (RP1): one config for both boards.
pub const DEFAULT_CHIP: &str = "label:pinctrl-bcm2711,pinctrl-rp1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Hardware {
    /// `rppal`, `cdev` or `none`.
    pub gpio: GpioBackend,
    /// The GPIO chip for `cdev`: `label:` with chip labels tried in order, or a device path.
    pub chip: String,
    /// Milliseconds the main loop may go without feeding the relay's watchdog.
    pub watchdog_ms: u64,
    pub relay: OutputConfig,
    pub lamp: OutputConfig,
    pub panic_button: InputConfig,
    pub door_sensor: InputConfig,
    pub reader: ReaderConfig,
    pub printer: PrinterConfig,
}

/// An output pin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// BCM number on a Pi; line offset on `chip` for `cdev`.
    pub pin: u32,
    /// The line's name on `chip` (`cdev` only), e.g. `GPIO17`: the kiosk opens the line of
    /// that name and refuses to start unless it is line `pin` (the one the firmware's `gpio=`
    /// line holds locked), so a config naming a line cannot drive another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// `active-high` or `active-low` (many relay boards).
    pub polarity: Polarity,
    /// The pin level that keeps the door locked (`low` / `high`). Required for an active-low
    /// relay (locked is `high` there: a wiring that is easy to get wrong), checked against the
    /// polarity whenever it is given. The firmware holds the relay pin at this level from
    /// power-on (`gpio=` in config.txt, written at provisioning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_level: Option<Level>,
}

/// A pin level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Low,
    High,
}

impl OutputConfig {
    /// The level that means off (door locked, lamp dark) for this output's polarity.
    pub fn off_level(&self) -> Level {
        match self.polarity {
            Polarity::ActiveHigh => Level::Low,
            Polarity::ActiveLow => Level::High,
        }
    }
}

/// An input pin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    /// BCM number on a Pi; line offset on `chip` for `cdev`. Pulled up on a Pi.
    pub pin: u32,
    /// The line's name on `chip` (`cdev` only), checked against `pin` as for outputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// Which level means pressed / door open: `active-low` for a contact to ground.
    pub polarity: Polarity,
    /// Milliseconds a new level must hold before it counts.
    pub debounce_ms: u64,
}

/// The ID/QR reader on a serial port (a UART or a USB scanner in CDC/serial mode).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReaderConfig {
    /// The serial device; empty for no reader.
    pub device: PathBuf,
    pub baud: u32,
    /// The suffix the scanner is set to append (e.g. "\u0003"); empty frames on the gap.
    pub suffix: String,
    /// Milliseconds of silence that end (or, with a suffix, break) a scan.
    pub gap_ms: u64,
    /// Longest believable scan in bytes.
    pub max_len: usize,
}

/// The badge printer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrinterConfig {
    /// Printer and labels (`brother-ql-dk1202`, `brother-ql-dk2205`, `dymo-30256`,
    /// `zpl-203dpi`, `zpl-300dpi`).
    pub kind: PrinterKind,
    /// `/dev/usb/lp0`, or `tcp://HOST:9100` for a network printer.
    pub device: String,
    /// Check Brother status before and after each job.
    pub status: bool,
    pub status_timeout_ms: u64,
    pub print_timeout_ms: u64,
    /// `--sim` only: how long each simulated print takes (a Brother waiting out its status,
    /// to rehearse a slow printer); real printers ignore it.
    pub sim_delay_ms: u64,
}

impl Default for Hardware {
    fn default() -> Self {
        Hardware {
            gpio: GpioBackend::Cdev,
            chip: DEFAULT_CHIP.into(),
            watchdog_ms: 2000,
            relay: OutputConfig {
                pin: 17,
                line: None,
                polarity: Polarity::ActiveHigh,
                locked_level: None,
            },
            lamp: OutputConfig {
                pin: 27,
                line: None,
                polarity: Polarity::ActiveHigh,
                locked_level: None,
            },
            panic_button: InputConfig {
                pin: 22,
                line: None,
                polarity: Polarity::ActiveLow,
                debounce_ms: 30,
            },
            door_sensor: InputConfig {
                pin: 23,
                line: None,
                polarity: Polarity::ActiveLow,
                debounce_ms: 50,
            },
            reader: ReaderConfig::default(),
            printer: PrinterConfig::default(),
        }
    }
}

impl Default for ReaderConfig {
    fn default() -> Self {
        ReaderConfig {
            device: PathBuf::from("/dev/ttyACM0"),
            baud: 9600,
            suffix: String::new(),
            gap_ms: 50,
            max_len: 4096,
        }
    }
}

impl Default for PrinterConfig {
    fn default() -> Self {
        PrinterConfig {
            kind: PrinterKind::BrotherQlDk1202,
            device: "/dev/usb/lp0".into(),
            status: true,
            status_timeout_ms: 2000,
            print_timeout_ms: 15000,
            sim_delay_ms: 0,
        }
    }
}

impl ReaderConfig {
    /// The framer settings.
    pub fn framer(&self) -> FramerConfig {
        FramerConfig {
            suffix: (!self.suffix.is_empty()).then(|| self.suffix.as_bytes().to_vec()),
            gap: Duration::from_millis(self.gap_ms),
            max_len: self.max_len,
        }
    }
}

impl PrinterConfig {
    /// The service's timeouts.
    pub fn timeouts(&self) -> Timeouts {
        Timeouts {
            status: Duration::from_millis(self.status_timeout_ms),
            print: Duration::from_millis(self.print_timeout_ms),
        }
    }
}

/// What `config check` and `doctor` say about `gpio = "rppal"`.
pub const RPPAL_NOTE: &str =
    "gpio = \"rppal\" works only on Raspberry Pi OS (it needs /dev/gpiomem, \
     and the kiosk unit's DevicePolicy=closed allows only GPIO character devices); the kiosk \
     image runs Debian's kernel, which has no /dev/gpiomem: use gpio = \"cdev\"";

impl Hardware {
    /// A plain warning about this config on this system: `rppal` where `/dev/gpiomem` is missing.
    pub fn backend_note(&self) -> Option<&'static str> {
        (self.gpio == GpioBackend::Rppal && !std::path::Path::new("/dev/gpiomem").exists())
            .then_some(RPPAL_NOTE)
    }

    /// Range and consistency checks serde cannot express: the dotted key and the reason.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if !(100..=60_000).contains(&self.watchdog_ms) {
            return Err((
                "hardware.watchdog_ms",
                format!("{} is outside 100..=60000", self.watchdog_ms),
            ));
        }
        if self.gpio != GpioBackend::None {
            let pins = [
                ("hardware.relay.pin", self.relay.pin),
                ("hardware.lamp.pin", self.lamp.pin),
                ("hardware.panic_button.pin", self.panic_button.pin),
                ("hardware.door_sensor.pin", self.door_sensor.pin),
            ];
            let lines = [
                ("hardware.relay.line", &self.relay.line),
                ("hardware.lamp.line", &self.lamp.line),
                ("hardware.panic_button.line", &self.panic_button.line),
                ("hardware.door_sensor.line", &self.door_sensor.line),
            ];
            for (key, line) in lines {
                let Some(line) = line else { continue };
                if line.trim().is_empty() {
                    return Err((
                        key,
                        "must name a line (e.g. \"GPIO17\"), or be left out".into(),
                    ));
                }
                if self.gpio == GpioBackend::Rppal {
                    return Err((
                        key,
                        "line names need gpio = \"cdev\" (rppal knows BCM numbers only)".into(),
                    ));
                }
            }
            for (i, (key, pin)) in pins.iter().enumerate() {
                if self.gpio == GpioBackend::Rppal && *pin > 53 {
                    return Err((key, format!("BCM pin {pin} does not exist (0-53)")));
                }
                if let Some((other, _)) = pins[..i].iter().find(|(_, p)| p == pin) {
                    return Err((key, format!("pin {pin} is already `{other}`")));
                }
            }
            let relay = &self.relay;
            match (relay.polarity, relay.locked_level) {
                (Polarity::ActiveLow, None) => {
                    return Err((
                        "hardware.relay.locked_level",
                        "an active-low relay is locked with its pin HIGH: confirm the wiring \
                         with `locked_level = \"high\"`"
                            .into(),
                    ))
                }
                (_, Some(level)) if level != relay.off_level() => {
                    return Err((
                        "hardware.relay.locked_level",
                        format!(
                            "{level:?} energises an {} relay: the door would be held open",
                            match relay.polarity {
                                Polarity::ActiveHigh => "active-high",
                                Polarity::ActiveLow => "active-low",
                            }
                        )
                        .to_lowercase(),
                    ))
                }
                _ => {}
            }
            if self.lamp.locked_level.is_some() {
                return Err((
                    "hardware.lamp.locked_level",
                    "only the door relay has a locked level".into(),
                ));
            }
        }
        for (key, input) in [
            ("hardware.panic_button.debounce_ms", &self.panic_button),
            ("hardware.door_sensor.debounce_ms", &self.door_sensor),
        ] {
            if input.debounce_ms > 1000 {
                return Err((key, format!("{} is over 1000 ms", input.debounce_ms)));
            }
        }
        let reader = &self.reader;
        if !(1200..=921_600).contains(&reader.baud) {
            return Err((
                "hardware.reader.baud",
                format!("{} is outside 1200..=921600", reader.baud),
            ));
        }
        if !(5..=2000).contains(&reader.gap_ms) {
            return Err((
                "hardware.reader.gap_ms",
                format!("{} is outside 5..=2000", reader.gap_ms),
            ));
        }
        if !reader.suffix.is_empty() && reader.suffix.bytes().all(|b| b == b'\r' || b == b'\n') {
            return Err((
                "hardware.reader.suffix",
                "CR/LF cannot end a scan: licence barcodes carry them inside".into(),
            ));
        }
        if reader.suffix.len() > 4 {
            return Err((
                "hardware.reader.suffix",
                "at most 4 bytes (a scanner's suffix is one or two)".into(),
            ));
        }
        if !(64..=65_536).contains(&reader.max_len) {
            return Err((
                "hardware.reader.max_len",
                format!("{} is outside 64..=65536", reader.max_len),
            ));
        }
        let printer = &self.printer;
        if printer.device.trim().is_empty() {
            return Err(("hardware.printer.device", "must name a device".into()));
        }
        if let Some(address) = printer.device.strip_prefix("tcp://") {
            if !address.contains(':') {
                return Err((
                    "hardware.printer.device",
                    format!("`{address}` needs a port, e.g. tcp://{address}:9100"),
                ));
            }
        }
        if !(100..=30_000).contains(&printer.status_timeout_ms) {
            return Err((
                "hardware.printer.status_timeout_ms",
                format!("{} is outside 100..=30000", printer.status_timeout_ms),
            ));
        }
        if printer.sim_delay_ms > 120_000 {
            return Err((
                "hardware.printer.sim_delay_ms",
                format!("{} is outside 0..=120000", printer.sim_delay_ms),
            ));
        }
        if !(1000..=120_000).contains(&printer.print_timeout_ms) {
            return Err((
                "hardware.printer.print_timeout_ms",
                format!("{} is outside 1000..=120000", printer.print_timeout_ms),
            ));
        }
        Ok(())
    }
}
