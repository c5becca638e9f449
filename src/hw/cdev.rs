//! Any Linux board's GPIO through the character device (`/dev/gpiochipN`) and
//! linux-embedded-hal's `CdevPin` (embedded-hal 1.0). Outputs are requested already at their
//! "off" level; inputs are polled and debounced on a thread ([`PinWatcher`]).

use std::time::Duration;

use linux_embedded_hal::gpio_cdev::{Chip, LineRequestFlags};
use linux_embedded_hal::CdevPin;

use super::board::{DeviceError, Gpio};
use super::config::{Hardware, InputConfig, OutputConfig};
use super::failsafe::FailSafeRelay;
use super::input::{DebouncedInput, PinWatcher};
use super::relay::{DoorRelay, IndicatorLamp, Polarity};
use super::InputKind;

/// How often the input pins are read.
const POLL: Duration = Duration::from_millis(5);

/// Opens the relay, lamp and inputs on `config.chip`.
pub fn open(config: &Hardware) -> Result<Gpio, DeviceError> {
    let chip_name = config.chip.display().to_string();
    let mut chip = Chip::new(&config.chip)
        .map_err(|e| DeviceError::new(format!("GPIO chip {chip_name}"), e))?;
    let relay_pin = output(&mut chip, &chip_name, &config.relay, "vestibule-door")?;
    let relay = DoorRelay::new(relay_pin, config.relay.polarity).map_err(|e| {
        DeviceError::new(
            format!("door relay ({chip_name} line {})", config.relay.pin),
            e,
        )
    })?;
    let lamp_pin = output(&mut chip, &chip_name, &config.lamp, "vestibule-lamp")?;
    let lamp = IndicatorLamp::new(lamp_pin, config.lamp.polarity)
        .map_err(|e| DeviceError::new(format!("lamp ({chip_name} line {})", config.lamp.pin), e))?;
    let inputs = vec![
        input(
            &mut chip,
            &chip_name,
            &config.panic_button,
            InputKind::Panic,
        )?,
        input(
            &mut chip,
            &chip_name,
            &config.door_sensor,
            InputKind::DoorPosition,
        )?,
    ];
    Ok(Gpio {
        relay: Box::new(FailSafeRelay::start(
            relay,
            Some(Duration::from_millis(config.watchdog_ms)),
        )),
        lamp: Box::new(lamp),
        inputs: Box::new(PinWatcher::start(inputs, POLL)),
    })
}

/// `vestibule relay lock`: requests the relay line as an output at its locked level, then
/// lets it go (the GPIO character device keeps an output line's last level on release).
pub fn lock_relay(config: &Hardware) -> Result<String, DeviceError> {
    let chip_name = config.chip.display().to_string();
    let mut chip = Chip::new(&config.chip)
        .map_err(|e| DeviceError::new(format!("GPIO chip {chip_name}"), e))?;
    drop(output(
        &mut chip,
        &chip_name,
        &config.relay,
        "vestibule-door",
    )?);
    Ok(format!("{chip_name} line {}", config.relay.pin))
}

fn output(
    chip: &mut Chip,
    chip_name: &str,
    pin: &OutputConfig,
    label: &str,
) -> Result<CdevPin, DeviceError> {
    let device = format!("{label} ({chip_name} line {})", pin.pin);
    let off = u8::from(pin.polarity == Polarity::ActiveLow);
    let handle = chip
        .get_line(pin.pin)
        .and_then(|line| line.request(LineRequestFlags::OUTPUT, off, label))
        .map_err(|e| DeviceError::new(&device, e))?;
    CdevPin::new(handle).map_err(|e| DeviceError::new(device, e))
}

fn input(
    chip: &mut Chip,
    chip_name: &str,
    pin: &InputConfig,
    kind: InputKind,
) -> Result<DebouncedInput<CdevPin>, DeviceError> {
    let device = format!("{} input ({chip_name} line {})", kind.id(), pin.pin);
    let handle = chip
        .get_line(pin.pin)
        .and_then(|line| line.request(LineRequestFlags::INPUT, 0, "vestibule-input"))
        .map_err(|e| DeviceError::new(&device, e))?;
    let cdev = CdevPin::new(handle).map_err(|e| DeviceError::new(&device, e))?;
    DebouncedInput::new(
        cdev,
        kind,
        pin.polarity,
        Duration::from_millis(pin.debounce_ms),
    )
    .map_err(|e| DeviceError::new(device, e))
}
