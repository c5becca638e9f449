//! Raspberry Pi OS GPIO through rppal (it maps `/dev/gpiomem`, which only Raspberry Pi OS's
//! kernel has: on the kiosk image's Debian kernel use `cdev`): the relay and lamp on output pins (created at their "off"
//! level), the panic button and door contact on pulled-up inputs with rppal's debounced edge
//! interrupts delivering into a channel. The reader's UART is opened like any serial device
//! (`/dev/serial0` on Raspberry Pi OS, `/dev/ttyS1` on a Pi 4 under the image's Debian kernel), by
//! [`super::serial`].

use std::sync::mpsc;
use std::time::Duration;

use rppal::gpio::{Gpio as RppalGpio, Trigger};

use super::board::{ChannelInputs, DeviceError, Gpio};
use super::config::{Hardware, InputConfig, OutputConfig};
use super::failsafe::FailSafeRelay;
use super::relay::{DoorRelay, IndicatorLamp, Polarity};
use super::{InputEvent, InputKind, SharedLevels};

/// Opens the relay, lamp and inputs by BCM number.
pub fn open(config: &Hardware) -> Result<Gpio, DeviceError> {
    let gpio = rppal_gpio()?;
    let relay_pin = output(&gpio, &config.relay, "door relay")?;
    let relay = DoorRelay::new(relay_pin, config.relay.polarity)
        .map_err(|e| DeviceError::new(format!("door relay (BCM {})", config.relay.pin), e))?;
    let lamp_pin = output(&gpio, &config.lamp, "lamp")?;
    let lamp = IndicatorLamp::new(lamp_pin, config.lamp.polarity)
        .map_err(|e| DeviceError::new(format!("lamp (BCM {})", config.lamp.pin), e))?;
    let (tx, events) = mpsc::channel();
    let levels = SharedLevels::default();
    let mut pins: Vec<Box<dyn Send>> = Vec::new();
    for (kind, pin) in [
        (InputKind::Panic, &config.panic_button),
        (InputKind::DoorPosition, &config.door_sensor),
    ] {
        pins.push(Box::new(input(
            &gpio,
            pin,
            kind,
            tx.clone(),
            levels.clone(),
        )?));
    }
    Ok(Gpio {
        relay: Box::new(FailSafeRelay::start(
            relay,
            Some(Duration::from_millis(config.watchdog_ms)),
        )),
        lamp: Box::new(lamp),
        inputs: Box::new(ChannelInputs {
            events,
            levels,
            _pins: pins,
        }),
    })
}

/// `vestibule relay lock`: drives the relay pin to its locked level and leaves it there when
/// this process exits (rppal would otherwise put the pin back to an input).
pub fn lock_relay(config: &Hardware) -> Result<String, DeviceError> {
    let gpio = rppal_gpio()?;
    let mut pin = output(&gpio, &config.relay, "door relay")?;
    pin.set_reset_on_drop(false);
    Ok(format!("BCM {}", config.relay.pin))
}

fn rppal_gpio() -> Result<RppalGpio, DeviceError> {
    RppalGpio::new().map_err(|e| {
        DeviceError::new(
            "GPIO (rppal)",
            format!("{e}; {}", super::config::RPPAL_NOTE),
        )
    })
}

fn pin_number(pin: u32, what: &str) -> Result<u8, DeviceError> {
    u8::try_from(pin).map_err(|_| DeviceError::new(format!("{what} (BCM {pin})"), "no such pin"))
}

fn output(
    gpio: &RppalGpio,
    pin: &OutputConfig,
    what: &str,
) -> Result<rppal::gpio::OutputPin, DeviceError> {
    let bcm = pin_number(pin.pin, what)?;
    let device = format!("{what} (BCM {bcm})");
    let pin_handle = gpio.get(bcm).map_err(|e| DeviceError::new(&device, e))?;
    // Never pass through "on" on the way to an output.
    Ok(match pin.polarity {
        Polarity::ActiveHigh => pin_handle.into_output_low(),
        Polarity::ActiveLow => pin_handle.into_output_high(),
    })
}

fn input(
    gpio: &RppalGpio,
    pin: &InputConfig,
    kind: InputKind,
    tx: mpsc::Sender<InputEvent>,
    levels: SharedLevels,
) -> Result<rppal::gpio::InputPin, DeviceError> {
    let what = format!("{} input", kind.id());
    let bcm = pin_number(pin.pin, &what)?;
    let device = format!("{what} (BCM {bcm})");
    let mut input = gpio
        .get(bcm)
        .map_err(|e| DeviceError::new(&device, e))?
        .into_input_pullup();
    let polarity = pin.polarity;
    levels.set(kind, Some(polarity.is_on(input.is_high())));
    input
        .set_async_interrupt(
            Trigger::Both,
            Some(Duration::from_millis(pin.debounce_ms)),
            move |event| {
                let high = event.trigger == Trigger::RisingEdge;
                let active = polarity.is_on(high);
                levels.set(kind, Some(active));
                let _ = tx.send(InputEvent {
                    input: kind,
                    active,
                });
            },
        )
        .map_err(|e| DeviceError::new(device, e))?;
    Ok(input)
}
