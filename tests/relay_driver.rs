//! The fail-secure door relay driver, pin transaction by pin transaction (embedded-hal-mock).

use std::time::{Duration, Instant};

use embedded_hal_mock::eh1::digital::{Mock, State, Transaction as Tx};
use vestibule::hw::relay::{DoorRelay, Error, IndicatorLamp, Polarity, MAX_PULSE};

const FIVE_S: Duration = Duration::from_secs(5);

#[test]
fn off_at_construction_on_for_the_pulse_off_after_it() {
    let t = Instant::now();
    let pin = Mock::new(&[
        Tx::set(State::Low),  // new: locked
        Tx::set(State::High), // pulse
        Tx::set(State::Low),  // pulse over
        Tx::set(State::Low),  // release re-asserts locked
    ]);
    let mut relay = DoorRelay::new(pin, Polarity::ActiveHigh).unwrap();
    assert!(!relay.is_on());
    relay.pulse(FIVE_S, t).unwrap();
    assert_eq!(relay.deadline(), Some(t + FIVE_S));
    assert!(relay.poll(t + Duration::from_millis(4999)).unwrap());
    assert!(!relay.poll(t + FIVE_S).unwrap());
    assert!(
        !relay.poll(t + FIVE_S * 2).unwrap(),
        "no second set once off"
    );
    relay.release().done();
}

#[test]
fn active_low_boards_are_driven_inverted() {
    let t = Instant::now();
    let pin = Mock::new(&[
        Tx::set(State::High),
        Tx::set(State::Low),
        Tx::set(State::High),
        Tx::set(State::High),
    ]);
    let mut relay = DoorRelay::new(pin, Polarity::ActiveLow).unwrap();
    relay.pulse(FIVE_S, t).unwrap();
    relay.poll(t + FIVE_S).unwrap();
    relay.release().done();
}

#[test]
fn lockdown_forces_off_and_refuses_pulses_before_touching_the_pin() {
    let t = Instant::now();
    let pin = Mock::new(&[
        Tx::set(State::Low),  // new
        Tx::set(State::High), // pulse
        Tx::set(State::Low),  // lockdown: off at once
        Tx::set(State::High), // pulse after the lockdown ended
        Tx::set(State::Low),  // release
    ]);
    let mut relay = DoorRelay::new(pin, Polarity::ActiveHigh).unwrap();
    relay.pulse(FIVE_S, t).unwrap();
    relay.set_lockdown(true).unwrap();
    assert!(!relay.is_on());
    assert_eq!(relay.pulse(FIVE_S, t), Err(Error::Lockdown));
    assert!(relay.in_lockdown());
    relay.set_lockdown(false).unwrap();
    relay.pulse(FIVE_S, t).unwrap();
    relay.release().done();
}

#[test]
fn out_of_range_pulses_are_refused_before_touching_the_pin() {
    let t = Instant::now();
    let pin = Mock::new(&[Tx::set(State::Low), Tx::set(State::Low)]);
    let mut relay = DoorRelay::new(pin, Polarity::ActiveHigh).unwrap();
    for d in [
        Duration::ZERO,
        Duration::from_millis(99),
        MAX_PULSE + Duration::from_millis(1),
    ] {
        assert_eq!(relay.pulse(d, t), Err(Error::InvalidDuration(d)));
    }
    relay.release().done();
}

#[test]
fn dropping_the_driver_mid_pulse_locks_the_door() {
    let t = Instant::now();
    let pin = Mock::new(&[
        Tx::set(State::Low),
        Tx::set(State::High),
        Tx::set(State::Low), // Drop
    ]);
    let mut watch = pin.clone();
    {
        let mut relay = DoorRelay::new(pin, Polarity::ActiveHigh).unwrap();
        relay.pulse(FIVE_S, t).unwrap();
    }
    watch.done();
}

#[test]
fn unwinding_through_the_owner_locks_the_door() {
    let pin = Mock::new(&[
        Tx::set(State::High),
        Tx::set(State::Low),
        Tx::set(State::High),
    ]);
    let mut watch = pin.clone();
    let result = std::panic::catch_unwind(move || {
        let mut relay = DoorRelay::new(pin, Polarity::ActiveLow).unwrap();
        relay.pulse(FIVE_S, Instant::now()).unwrap();
        panic!("a bug while the door is open");
    });
    assert!(result.is_err());
    watch.done();
}

#[test]
fn a_pin_error_is_reported_and_the_pin_forced_off() {
    use embedded_hal_mock::eh1::MockError;
    use std::io::ErrorKind;
    let pin = Mock::new(&[
        Tx::set(State::Low),
        Tx::set(State::High).with_error(MockError::Io(ErrorKind::NotConnected)),
        Tx::set(State::Low), // the failed pulse is forced off
        Tx::set(State::Low), // release
    ]);
    let mut relay = DoorRelay::new(pin, Polarity::ActiveHigh).unwrap();
    let err = relay.pulse(FIVE_S, Instant::now()).unwrap_err();
    assert!(matches!(err, Error::Pin(_)), "{err:?}");
    assert!(!relay.is_on());
    relay.release().done();
}

#[test]
fn the_lamp_is_off_at_construction_and_when_dropped() {
    let pin = Mock::new(&[
        Tx::set(State::Low),
        Tx::set(State::High),
        Tx::set(State::Low),
    ]);
    let mut watch = pin.clone();
    {
        let mut lamp = IndicatorLamp::new(pin, Polarity::ActiveHigh).unwrap();
        lamp.set(true).unwrap();
        assert!(lamp.is_on());
    }
    watch.done();
}
