//! The door strike relay and the indicator lamp: drivers over an embedded-hal 1.0
//! `OutputPin`, in the style of eldruin's drivers (the driver owns its pin, one error enum,
//! `release` gives the pin back).
//!
//! [`DoorRelay`] is fail secure: it drives the pin off when constructed, pulses only outside
//! a lockdown and for a bounded time, turns off once the pulse's time is up (the owner calls
//! [`DoorRelay::poll`]; [`super::failsafe::FailSafeRelay`] does so on its own thread), and
//! drives the pin off again when dropped. It reads no clock: time comes in as `Instant`s.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use embedded_hal_mock::eh1::digital::{Mock, State, Transaction as Tx};
//! use vestibule::hw::relay::{DoorRelay, Polarity};
//!
//! // An active-low relay board: off is high. Locked, pulsed, locked, and locked on release.
//! let pin = Mock::new(&[
//!     Tx::set(State::High),
//!     Tx::set(State::Low),
//!     Tx::set(State::High),
//!     Tx::set(State::High),
//! ]);
//! let t = Instant::now();
//! let mut relay = DoorRelay::new(pin, Polarity::ActiveLow).unwrap();
//! relay.pulse(Duration::from_secs(5), t).unwrap();
//! assert!(!relay.poll(t + Duration::from_secs(5)).unwrap());
//! relay.release().done();
//! ```

use std::fmt;
use std::time::{Duration, Instant};

use embedded_hal::digital::OutputPin;
use serde::{Deserialize, Serialize};

/// The shortest pulse a strike reliably releases on.
pub const MIN_PULSE: Duration = Duration::from_millis(100);
/// The longest pulse: a door held open for longer is no longer "a cleared visit".
pub const MAX_PULSE: Duration = Duration::from_secs(60);

/// Which pin level energises the relay. Many cheap relay boards are active-low.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Polarity {
    /// High energises.
    #[default]
    ActiveHigh,
    /// Low energises.
    ActiveLow,
}

impl Polarity {
    /// Drives `pin` to the level that means `on`.
    pub fn drive<P: OutputPin>(self, pin: &mut P, on: bool) -> Result<(), P::Error> {
        if on == (self == Polarity::ActiveHigh) {
            pin.set_high()
        } else {
            pin.set_low()
        }
    }

    /// Whether a pin level (`true` = high) means on.
    pub fn is_on(self, high: bool) -> bool {
        high == (self == Polarity::ActiveHigh)
    }
}

/// Everything that can go wrong driving the relay.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error<E: fmt::Debug> {
    /// The pin refused a level.
    #[error("door relay pin: {0:?}")]
    Pin(E),
    /// Pulses are refused during a lockdown.
    #[error("the door stays locked during a lockdown")]
    Lockdown,
    /// The pulse is shorter than [`MIN_PULSE`] or longer than [`MAX_PULSE`].
    #[error("a door pulse of {0:?} is outside 100 ms..=60 s")]
    InvalidDuration(Duration),
    /// The main loop stopped feeding the watchdog; pulses wait until it does again.
    #[error("the main loop stalled: the door stays locked until it feeds the watchdog")]
    Stalled,
}

impl<E: fmt::Debug> Error<E> {
    /// The same error with the pin error turned into text, for the flow-facing traits.
    pub fn erase(self) -> Error<super::PinFault> {
        match self {
            Error::Pin(e) => Error::Pin(super::PinFault(format!("{e:?}"))),
            Error::Lockdown => Error::Lockdown,
            Error::InvalidDuration(d) => Error::InvalidDuration(d),
            Error::Stalled => Error::Stalled,
        }
    }
}

/// The fail-secure door strike driver.
pub struct DoorRelay<P: OutputPin> {
    /// `None` only after [`DoorRelay::release`].
    pin: Option<P>,
    polarity: Polarity,
    lockdown: bool,
    /// When the current pulse ends; `None` while locked.
    until: Option<Instant>,
}

impl<P: OutputPin> DoorRelay<P> {
    /// Takes the pin and drives it off (door locked) before anything else.
    pub fn new(mut pin: P, polarity: Polarity) -> Result<Self, Error<P::Error>> {
        polarity.drive(&mut pin, false).map_err(Error::Pin)?;
        Ok(DoorRelay {
            pin: Some(pin),
            polarity,
            lockdown: false,
            until: None,
        })
    }

    /// Unlocks the door from `now` for `duration`. Refused in a lockdown and for a duration
    /// outside [`MIN_PULSE`]..=[`MAX_PULSE`], before the pin is touched. A pulse during a
    /// pulse extends it to `now + duration`.
    pub fn pulse(&mut self, duration: Duration, now: Instant) -> Result<(), Error<P::Error>> {
        if self.lockdown {
            return Err(Error::Lockdown);
        }
        if !(MIN_PULSE..=MAX_PULSE).contains(&duration) {
            return Err(Error::InvalidDuration(duration));
        }
        if let Err(e) = self.drive(true) {
            let _ = self.force_off();
            return Err(e);
        }
        self.until = Some(now + duration);
        Ok(())
    }

    /// Locks the door if the pulse's time is up at `now`. Returns whether it is still open.
    pub fn poll(&mut self, now: Instant) -> Result<bool, Error<P::Error>> {
        match self.until {
            Some(until) if now >= until => {
                self.force_off()?;
                Ok(false)
            }
            Some(_) => Ok(true),
            None => Ok(false),
        }
    }

    /// When the current pulse ends.
    pub fn deadline(&self) -> Option<Instant> {
        self.until
    }

    /// Whether the door is being held open.
    pub fn is_on(&self) -> bool {
        self.until.is_some()
    }

    /// Enters (locking the door at once) or leaves a lockdown.
    pub fn set_lockdown(&mut self, on: bool) -> Result<(), Error<P::Error>> {
        self.lockdown = on;
        if on {
            self.force_off()?;
        }
        Ok(())
    }

    /// Whether pulses are being refused.
    pub fn in_lockdown(&self) -> bool {
        self.lockdown
    }

    /// Drives the pin off now, whether or not a pulse is running (re-asserting is harmless).
    pub fn force_off(&mut self) -> Result<(), Error<P::Error>> {
        self.until = None;
        self.drive(false)
    }

    /// Drives the pin off and gives it back.
    pub fn release(mut self) -> P {
        let _ = self.force_off();
        self.pin.take().expect("the pin is only taken here")
    }

    fn drive(&mut self, on: bool) -> Result<(), Error<P::Error>> {
        match self.pin.as_mut() {
            Some(pin) => self.polarity.drive(pin, on).map_err(Error::Pin),
            None => Ok(()),
        }
    }
}

impl<P: OutputPin> Drop for DoorRelay<P> {
    /// Every way out of scope locks the door.
    fn drop(&mut self) {
        if self.pin.is_some() {
            let _ = self.force_off();
        }
    }
}

impl<P: OutputPin> fmt::Debug for DoorRelay<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DoorRelay")
            .field("polarity", &self.polarity)
            .field("lockdown", &self.lockdown)
            .field("until", &self.until)
            .finish_non_exhaustive()
    }
}

/// The office indicator lamp on an output pin: off at construction, off when dropped.
pub struct IndicatorLamp<P: OutputPin> {
    pin: Option<P>,
    polarity: Polarity,
    on: bool,
}

impl<P: OutputPin> IndicatorLamp<P> {
    /// Takes the pin and turns the lamp off.
    pub fn new(mut pin: P, polarity: Polarity) -> Result<Self, P::Error> {
        polarity.drive(&mut pin, false)?;
        Ok(IndicatorLamp {
            pin: Some(pin),
            polarity,
            on: false,
        })
    }

    /// Turns the lamp on or off.
    pub fn set(&mut self, on: bool) -> Result<(), P::Error> {
        if let Some(pin) = self.pin.as_mut() {
            self.polarity.drive(pin, on)?;
        }
        self.on = on;
        Ok(())
    }

    /// Whether the lamp is lit.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Turns the lamp off and gives the pin back.
    pub fn release(mut self) -> P {
        let _ = self.set(false);
        self.pin.take().expect("the pin is only taken here")
    }
}

impl<P: OutputPin> Drop for IndicatorLamp<P> {
    fn drop(&mut self) {
        if self.pin.is_some() {
            let _ = self.set(false);
        }
    }
}

impl<P: OutputPin> super::Lamp for IndicatorLamp<P> {
    fn set(&mut self, _now: super::Millis, on: bool) -> Result<(), super::PinFault> {
        IndicatorLamp::set(self, on).map_err(|e| super::PinFault(format!("lamp pin: {e:?}")))
    }
}
