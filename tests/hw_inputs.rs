//! Input pins: polarity, debounce, and the watcher thread delivering changes.

use std::time::{Duration, Instant};

use embedded_hal_mock::eh1::digital::{Mock, State, Transaction as Tx};
use vestibule::hw::input::{DebouncedInput, PinWatcher};
use vestibule::hw::relay::Polarity;
use vestibule::hw::sim::SimPin;
use vestibule::hw::{InputEvent, InputKind, Inputs};

#[test]
fn an_active_low_button_reads_pressed_after_the_debounce() {
    let t = Instant::now();
    let ms = |n| t + Duration::from_millis(n);
    let pin = Mock::new(&[
        Tx::get(State::High), // released at start
        Tx::get(State::Low),  // pressed...
        Tx::get(State::High), // ...bounce
        Tx::get(State::Low),
        Tx::get(State::Low), // held for 30 ms
    ]);
    let mut button = DebouncedInput::new(
        pin,
        InputKind::Panic,
        Polarity::ActiveLow,
        Duration::from_millis(30),
    )
    .unwrap();
    assert!(!button.is_active());
    assert_eq!(button.poll(ms(0)).unwrap(), None);
    assert_eq!(button.poll(ms(3)).unwrap(), None);
    assert_eq!(button.poll(ms(6)).unwrap(), None);
    let pressed = Some(InputEvent {
        input: InputKind::Panic,
        active: true,
    });
    assert_eq!(button.poll(ms(36)).unwrap(), pressed);
    button.release().done();
}

#[test]
fn the_watcher_delivers_debounced_changes() {
    let panic = SimPin::new(true);
    let door = SimPin::new(false);
    let inputs = vec![
        DebouncedInput::new(
            panic.clone(),
            InputKind::Panic,
            Polarity::ActiveLow,
            Duration::from_millis(20),
        )
        .unwrap(),
        DebouncedInput::new(
            door.clone(),
            InputKind::DoorPosition,
            Polarity::ActiveHigh,
            Duration::from_millis(20),
        )
        .unwrap(),
    ];
    let mut watcher = PinWatcher::start(inputs, Duration::from_millis(2));
    // The technician's check reads the levels as they are: released, closed.
    assert_eq!(
        watcher.levels(),
        vec![
            (InputKind::Panic, Some(false)),
            (InputKind::DoorPosition, Some(false))
        ]
    );
    // A 5 ms glitch is not a press.
    panic.set_level(false);
    std::thread::sleep(Duration::from_millis(5));
    panic.set_level(true);
    std::thread::sleep(Duration::from_millis(60));
    assert_eq!(watcher.try_event(), None);
    panic.set_level(false);
    assert_eq!(
        watcher.recv_timeout(Duration::from_secs(2)),
        Some(InputEvent {
            input: InputKind::Panic,
            active: true
        })
    );
    door.set_level(true);
    assert_eq!(
        watcher.recv_timeout(Duration::from_secs(2)),
        Some(InputEvent {
            input: InputKind::DoorPosition,
            active: true
        })
    );
    assert_eq!(
        watcher.levels(),
        vec![
            (InputKind::Panic, Some(true)),
            (InputKind::DoorPosition, Some(true))
        ]
    );
}
