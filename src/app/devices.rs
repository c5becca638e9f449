//! The devices a running kiosk drives: the simulated set (`--sim`: every action logged to
//! `hardware.jsonl`) or the real ones the `[hardware]` config names, opened through
//! [`crate::hw::board`]. The app talks to either through the same `hw` traits.

use crate::hw::board::{self, DeviceError};
use crate::hw::config::Hardware as HardwareConfig;
use crate::hw::sim::SimHardware;
use crate::hw::{BadgePrinter, Inputs, Lamp, PrintOutcome, Reader, Relay};

/// The configured real devices, each behind its trait.
pub struct Devices {
    pub relay: Box<dyn Relay + Send>,
    pub lamp: Box<dyn Lamp + Send>,
    pub printer: Box<dyn BadgePrinter + Send>,
    pub reader: Box<dyn Reader + Send>,
    pub inputs: Box<dyn Inputs + Send>,
    /// What they were opened from: a reader that went away is opened again from it.
    config: HardwareConfig,
}

impl Devices {
    /// Opens every configured device; the first one missing or busy is the error, by name.
    /// The relay comes up locked, the lamp off.
    pub fn open(config: &HardwareConfig) -> Result<Devices, DeviceError> {
        let gpio = board::open_gpio(config)?;
        let reader = board::open_reader(config)?;
        let printer = board::open_printer(config)?;
        Ok(Devices {
            relay: gpio.relay,
            lamp: gpio.lamp,
            printer: Box::new(printer),
            reader: Box::new(reader),
            inputs: gpio.inputs,
            config: config.clone(),
        })
    }

    /// Devices opened elsewhere (a test's own pins, a bench's slow printer); a reader that
    /// goes away is opened again from `config`.
    pub fn assemble(
        relay: Box<dyn Relay + Send>,
        lamp: Box<dyn Lamp + Send>,
        printer: Box<dyn BadgePrinter + Send>,
        reader: Box<dyn Reader + Send>,
        inputs: Box<dyn Inputs + Send>,
        config: &HardwareConfig,
    ) -> Devices {
        Devices {
            relay,
            lamp,
            printer,
            reader,
            inputs,
            config: config.clone(),
        }
    }

    /// Opens the GPIO into `held` (relay locked) unless it is held already for this config:
    /// what an out-of-service kiosk does first, whatever else is missing. A GPIO that does
    /// not open is left for [`Devices::open_holding`] to report.
    pub fn hold_gpio(config: &HardwareConfig, held: &mut Option<HeldGpio>) {
        if held.as_ref().is_some_and(|h| same_gpio(&h.config, config)) {
            return;
        }
        *held = None;
        if let Ok(gpio) = board::open_gpio(config) {
            *held = Some(HeldGpio {
                config: config.clone(),
                gpio,
            });
        }
    }

    /// [`Devices::open`] for a kiosk waiting out of service: once the GPIO opens, it stays
    /// open in `held` (relay driven locked, lamp off) while another device is still missing,
    /// instead of being let go and left undriven until the next try.
    pub fn open_holding(
        config: &HardwareConfig,
        held: &mut Option<HeldGpio>,
    ) -> Result<Devices, DeviceError> {
        let gpio = match held.take() {
            Some(HeldGpio {
                config: opened,
                gpio,
            }) if same_gpio(&opened, config) => gpio,
            // Another pin map since: let the old pins go (locked), open the new ones.
            _ => board::open_gpio(config)?,
        };
        let others = board::open_reader(config)
            .and_then(|reader| Ok((reader, board::open_printer(config)?)));
        match others {
            Ok((reader, printer)) => Ok(Devices {
                relay: gpio.relay,
                lamp: gpio.lamp,
                printer: Box::new(printer),
                reader: Box::new(reader),
                inputs: gpio.inputs,
                config: config.clone(),
            }),
            Err(e) => {
                *held = Some(HeldGpio {
                    config: config.clone(),
                    gpio,
                });
                Err(e)
            }
        }
    }
}

/// Whether two `[hardware]` configs open the same pins the same way (the reader and printer
/// may differ: a held relay stays held while they are fixed).
fn same_gpio(a: &HardwareConfig, b: &HardwareConfig) -> bool {
    (a.gpio, &a.chip, a.watchdog_ms, &a.relay, &a.lamp)
        == (b.gpio, &b.chip, b.watchdog_ms, &b.relay, &b.lamp)
        && (&a.panic_button, &a.door_sensor) == (&b.panic_button, &b.door_sensor)
}

/// The GPIO an out-of-service kiosk keeps open, and the config it was opened with.
pub struct HeldGpio {
    config: HardwareConfig,
    gpio: board::Gpio,
}

/// Simulated or real.
pub(super) enum Hardware {
    Sim(SimHardware),
    Real(Devices),
}

impl Hardware {
    pub(super) fn relay(&mut self) -> &mut dyn Relay {
        match self {
            Hardware::Sim(sim) => sim.relay(),
            Hardware::Real(devices) => devices.relay.as_mut(),
        }
    }

    pub(super) fn lamp(&mut self) -> &mut dyn Lamp {
        match self {
            Hardware::Sim(sim) => sim.lamp(),
            Hardware::Real(devices) => devices.lamp.as_mut(),
        }
    }

    /// Hands the printer to the print worker, which owns it from then on (a real kiosk's
    /// [`Devices`] keep a stand-in that refuses to print).
    pub(super) fn take_printer(&mut self) -> Box<dyn BadgePrinter + Send> {
        match self {
            Hardware::Sim(sim) => {
                Box::new(sim.take_printer().expect("the printer is handed over once"))
            }
            Hardware::Real(devices) => {
                let kind = devices.printer.kind();
                std::mem::replace(&mut devices.printer, Box::new(HandedOver(kind)))
            }
        }
    }

    pub(super) fn reader(&mut self) -> &mut dyn Reader {
        match self {
            Hardware::Sim(sim) => sim.reader(),
            Hardware::Real(devices) => devices.reader.as_mut(),
        }
    }

    /// Opens the ID reader again (after it went away); a simulated one never goes.
    pub(super) fn reopen_reader(&mut self) -> Result<(), DeviceError> {
        if let Hardware::Real(devices) = self {
            devices.reader = Box::new(board::open_reader(&devices.config)?);
        }
        Ok(())
    }

    pub(super) fn inputs(&mut self) -> &mut dyn Inputs {
        match self {
            Hardware::Sim(sim) => sim.inputs(),
            Hardware::Real(devices) => devices.inputs.as_mut(),
        }
    }
}

/// Where the printer was once it went to the print worker: nothing prints through it.
struct HandedOver(crate::hw::PrinterKind);

impl BadgePrinter for HandedOver {
    fn kind(&self) -> crate::hw::PrinterKind {
        self.0
    }

    fn print(&mut self, _now: crate::hw::Millis, _page: &crate::badge::Bitmap1) -> PrintOutcome {
        PrintOutcome::NeedsAttention(crate::hw::PrinterProblem::Link(
            "the printer belongs to the print worker".into(),
        ))
    }
}
