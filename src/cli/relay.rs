//! `vestibule relay lock` and `vestibule relay firmware-line`: the door relay pin between
//! kiosk processes. The unit's `ExecStopPost=` locks it after every stop, crash or kill; the
//! firmware holds it locked from power-on until the kiosk opens it (`gpio=` in config.txt,
//! the line `firmware-line` prints and kiosk-image/provision writes).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use embedded_hal::digital::OutputPin;
use vestibule::config::Config;
use vestibule::hw::config::{GpioBackend, Level};

use super::Refusal;

#[derive(Subcommand)]
pub enum RelayCommand {
    /// Drive the configured door relay pin to its locked level and exit (the kiosk unit's
    /// ExecStopPost=).
    Lock {
        /// Tests: write the locked level to this file instead of a GPIO pin.
        #[arg(long, hide = true)]
        pin_file: Option<PathBuf>,
    },
    /// Print the config.txt line that makes the firmware hold the relay pin locked from
    /// power-on (`gpio=17=op,dl`); nothing when no GPIO is configured.
    FirmwareLine,
}

pub fn run(command: RelayCommand, config: Option<&Path>) -> Result<(), Refusal> {
    let config = Config::load(config, std::env::vars())?;
    let relay = &config.hardware.relay;
    match command {
        RelayCommand::Lock {
            pin_file: Some(file),
        } => {
            let mut pin = vestibule::hw::sim::FilePin::open(&file)
                .map_err(|e| Refusal(format!("{}: {e}", file.display())))?;
            let locked = match relay.off_level() {
                Level::Low => pin.set_low(),
                Level::High => pin.set_high(),
            };
            locked.map_err(|e| Refusal(format!("{}: {}", file.display(), e.0)))?;
            println!("door relay locked ({})", file.display());
            Ok(())
        }
        RelayCommand::Lock { pin_file: None } => {
            match vestibule::hw::board::lock_relay(&config.hardware)? {
                Some(pin) => println!("door relay locked ({pin})"),
                None => println!("no door relay: hardware.gpio is \"none\""),
            }
            Ok(())
        }
        RelayCommand::FirmwareLine => {
            if config.hardware.gpio != GpioBackend::None {
                println!("{}", firmware_line(relay.pin, relay.off_level()));
            }
            Ok(())
        }
    }
}

/// `gpio=<pin>=op,dl|dh`: the Raspberry Pi firmware's own setting (config.txt) that makes the
/// pin an output at that level before Linux starts.
pub fn firmware_line(pin: u32, level: Level) -> String {
    let drive = match level {
        Level::Low => "dl",
        Level::High => "dh",
    };
    format!("gpio={pin}=op,{drive}")
}
