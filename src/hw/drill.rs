//! `vestibule hw-drill` (hidden): runs a real [`FailSafeRelay`] on a [`FilePin`] and leaves it
//! by one chosen way, so tests can watch from outside the process that the door ends locked.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use super::failsafe::{self, FailSafeRelay};
use super::relay::{DoorRelay, Polarity};
use super::sim::FilePin;

/// The ways out a drill can take.
/// `signal` holds the door open, fed, until a signal ends the process (`sigterm` is its old
/// name).
pub const WAYS: [&str; 7] = [
    "stop",
    "drop",
    "sigterm",
    "signal",
    "panic",
    "stall",
    "pulse-end",
];

/// Pulses the relay (60 s, or 300 ms for `pulse-end`), prints `pulsed`, then leaves by `way`.
/// `sigterm`/`signal` and `stall` keep running until the test ends them. The process starts as
/// the kiosk does: fail-safe installed, its terminal (stdin, when one) locked.
pub fn run(pin_file: &Path, way: &str, watchdog: Duration) -> Result<(), String> {
    if !WAYS.contains(&way) {
        return Err(format!("unknown way `{way}`; expected one of {WAYS:?}"));
    }
    failsafe::install().map_err(|e| e.to_string())?;
    super::tty::lock_terminal();
    let pin = FilePin::open(pin_file).map_err(|e| format!("{}: {e}", pin_file.display()))?;
    let relay = DoorRelay::new(pin, Polarity::ActiveHigh).map_err(|e| e.to_string())?;
    let relay = FailSafeRelay::start(relay, Some(watchdog));
    let pulse = if way == "pulse-end" {
        Duration::from_millis(300)
    } else {
        Duration::from_secs(60)
    };
    relay.pulse(pulse).map_err(|e| e.to_string())?;
    println!("pulsed");
    let _ = std::io::stdout().flush();
    let tick = watchdog / 4;
    match way {
        "stop" => relay.stop().map_err(|e| e.to_string()),
        "drop" => {
            drop(relay);
            Ok(())
        }
        "panic" => {
            // Leaked, as a relay held by a UI event loop that never unwinds: only the panic
            // hook can lock the door.
            let _relay: &'static FailSafeRelay<FilePin> = Box::leak(Box::new(relay));
            panic!("relay drill: a bug in the main loop")
        }
        "stall" => loop {
            std::thread::sleep(Duration::from_secs(1));
        },
        "pulse-end" => {
            for _ in 0..(Duration::from_secs(1).as_millis() / tick.as_millis().max(1)) {
                relay.feed();
                std::thread::sleep(tick);
            }
            Ok(())
        }
        _ => loop {
            relay.feed();
            std::thread::sleep(tick);
        },
    }
}

/// `vestibule gpio-drill` (hidden): opens the configured GPIO as the kiosk does
/// ([`super::board::open_gpio`], fail-safe installed) and plays the main loop: it feeds the
/// watchdog every 50 ms, takes commands on stdin (`pulse MS`, `lamp on|off`, `lockdown
/// on|off`, `stall`: stop feeding, `exit`) and prints `ready`, `ok ...`, `error ...` and each
/// input change (`input panic true`) on stdout, so a test on a real kernel (kiosk-image/gpio-test)
/// can watch the lines from outside.
pub fn gpio(config: &super::config::Hardware) -> Result<(), String> {
    use std::sync::mpsc;
    failsafe::install().map_err(|e| e.to_string())?;
    let mut gpio = super::board::open_gpio(config).map_err(|e| e.to_string())?;
    let (tx, commands) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let say = |line: String| {
        println!("{line}");
        let _ = std::io::stdout().flush();
    };
    let levels = gpio.inputs.levels();
    say(format!("ready {levels:?}"));
    let mut fed = true;
    loop {
        if fed {
            gpio.relay.feed_watchdog(0);
        }
        while let Some(event) = gpio.inputs.try_event() {
            say(format!("input {} {}", event.input.id(), event.active));
        }
        match commands.recv_timeout(Duration::from_millis(50)) {
            Ok(command) => {
                let words: Vec<&str> = command.split_whitespace().collect();
                let done = match words.as_slice() {
                    ["pulse", ms] => ms
                        .parse()
                        .map_err(|e: std::num::ParseIntError| e.to_string())
                        .and_then(|ms| {
                            gpio.relay
                                .pulse(0, Duration::from_millis(ms))
                                .map_err(|e| e.to_string())
                        }),
                    ["lamp", on] => gpio.lamp.set(0, *on == "on").map_err(|e| e.to_string()),
                    ["lockdown", on] => gpio
                        .relay
                        .set_lockdown(0, *on == "on")
                        .map_err(|e| e.to_string()),
                    ["stall"] => {
                        fed = false;
                        Ok(())
                    }
                    ["exit"] => return Ok(()),
                    _ => Err(format!("unknown command `{command}`")),
                };
                match done {
                    Ok(()) => say(format!("ok {command}")),
                    Err(e) => say(format!("error {command}: {e}")),
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
        }
    }
}
