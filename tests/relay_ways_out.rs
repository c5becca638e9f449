//! Every way out locks the door: normal stop, drop, SIGTERM, panic, a stalled main loop, and
//! the end of the pulse itself. The process-level ways run the real `vestibule` binary's
//! hidden `hw-drill` command, which pulses a supervised relay on a pin that writes each level
//! to a file, and watch that file from here.

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use vestibule::hw::failsafe::{self, FailSafeRelay};
use vestibule::hw::relay::{DoorRelay, Error, Polarity};
use vestibule::hw::sim::SimPin;

const WATCHDOG_MS: u64 = 300;

/// Starts a drill and waits for it to say the door is open.
fn drill(way: &str) -> (Child, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let pin_file = dir.path().join("relay.pin");
    let mut child = Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args(["hw-drill", "--way", way, "--watchdog-ms"])
        .arg(WATCHDOG_MS.to_string())
        .arg("--pin-file")
        .arg(&pin_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "pulsed", "the drill did not start");
    assert_eq!(
        levels(&pin_file)[..2],
        ["low", "high"],
        "locked at start, then pulsed"
    );
    (child, pin_file, dir)
}

fn levels(pin_file: &Path) -> Vec<String> {
    std::fs::read_to_string(pin_file)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn last_level(pin_file: &Path) -> String {
    levels(pin_file).last().cloned().unwrap_or_default()
}

/// Waits for the pin to be driven low; returns how long that took.
fn wait_low(pin_file: &Path, limit: Duration) -> Duration {
    let start = Instant::now();
    while last_level(pin_file) != "low" {
        assert!(start.elapsed() < limit, "still {:?}", levels(pin_file));
        std::thread::sleep(Duration::from_millis(5));
    }
    start.elapsed()
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            panic!("the drill did not end");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn normal_stop_locks_the_door() {
    let (mut child, pin_file, _dir) = drill("stop");
    assert!(wait_exit(&mut child).success());
    assert_eq!(last_level(&pin_file), "low");
}

#[test]
fn dropping_the_relay_locks_the_door() {
    let (mut child, pin_file, _dir) = drill("drop");
    assert!(wait_exit(&mut child).success());
    assert_eq!(last_level(&pin_file), "low");
}

#[test]
fn sigterm_locks_the_door_then_ends_the_process_as_sigterm() {
    let (mut child, pin_file, _dir) = drill("sigterm");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(last_level(&pin_file), "high", "fed, the pulse goes on");
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_exit(&mut child);
    assert_eq!(status.signal(), Some(15), "{status:?}");
    assert_eq!(last_level(&pin_file), "low");
}

#[test]
fn a_panic_locks_the_door_and_the_usual_panic_message_still_shows() {
    let (mut child, pin_file, _dir) = drill("panic");
    let status = wait_exit(&mut child);
    assert!(!status.success());
    assert_eq!(last_level(&pin_file), "low");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("internal error"), "{stderr}");
}

#[test]
fn a_stalled_main_loop_is_caught_by_the_watchdog() {
    let (mut child, pin_file, _dir) = drill("stall");
    let took = wait_low(&pin_file, Duration::from_secs(5));
    // Forced off at the watchdog period, not at the end of the 60 s pulse.
    assert!(took < Duration::from_millis(WATCHDOG_MS + 1200), "{took:?}");
    assert!(
        child.try_wait().unwrap().is_none(),
        "the process is still alive"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn the_pulse_ends_by_itself_while_the_loop_is_fed() {
    let (mut child, pin_file, _dir) = drill("pulse-end");
    let took = wait_low(&pin_file, Duration::from_secs(5));
    assert!(took < Duration::from_millis(300 + 1200), "{took:?}");
    assert!(wait_exit(&mut child).success());
    let levels = levels(&pin_file);
    assert_eq!(levels[..3], ["low", "high", "low"]);
    assert!(levels[3..].iter().all(|l| l == "low"), "{levels:?}");
}

#[test]
fn an_unknown_drill_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args(["hw-drill", "--way", "fly", "--pin-file", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// In-process: the supervisor on a shared in-memory pin.

fn supervised(watchdog: Option<Duration>) -> (FailSafeRelay<SimPin>, SimPin) {
    let pin = SimPin::new(true);
    let watch = pin.clone();
    let relay = DoorRelay::new(pin, Polarity::ActiveHigh).unwrap();
    assert!(!watch.level(), "locked at construction");
    (FailSafeRelay::start(relay, watchdog), watch)
}

fn until_low(pin: &SimPin, limit: Duration) -> Duration {
    let start = Instant::now();
    while pin.level() {
        assert!(start.elapsed() < limit, "the relay stayed on");
        std::thread::sleep(Duration::from_millis(2));
    }
    start.elapsed()
}

#[test]
fn the_supervisor_ends_the_pulse_on_time() {
    let (relay, pin) = supervised(None);
    relay.pulse(Duration::from_millis(150)).unwrap();
    assert!(pin.level());
    let took = until_low(&pin, Duration::from_secs(2));
    assert!(took >= Duration::from_millis(140), "{took:?}");
    assert!(took < Duration::from_millis(1000), "{took:?}");
    assert!(!relay.is_on());
}

#[test]
fn the_watchdog_forces_off_and_refuses_pulses_until_fed() {
    let (relay, pin) = supervised(Some(Duration::from_millis(100)));
    relay.pulse(Duration::from_secs(30)).unwrap();
    until_low(&pin, Duration::from_secs(2));
    assert!(relay.is_stalled());
    assert!(matches!(
        relay.pulse(Duration::from_secs(1)),
        Err(Error::Stalled)
    ));
    relay.feed();
    relay.pulse(Duration::from_secs(30)).unwrap();
    assert!(pin.level());
    relay.stop().unwrap();
    assert!(!pin.level());
}

#[test]
fn lockdown_through_the_supervisor() {
    let (relay, pin) = supervised(None);
    relay.pulse(Duration::from_secs(30)).unwrap();
    relay.set_lockdown(true).unwrap();
    assert!(!pin.level());
    assert!(matches!(
        relay.pulse(Duration::from_secs(1)),
        Err(Error::Lockdown)
    ));
}

#[test]
fn all_off_reaches_every_live_relay() {
    let (a, pin_a) = supervised(None);
    let (b, pin_b) = supervised(None);
    a.pulse(Duration::from_secs(30)).unwrap();
    b.pulse(Duration::from_secs(30)).unwrap();
    failsafe::all_off();
    assert!(!pin_a.level() && !pin_b.level());
}

#[test]
fn dropping_the_supervised_relay_locks_the_door() {
    let (relay, pin) = supervised(Some(Duration::from_secs(5)));
    relay.pulse(Duration::from_secs(30)).unwrap();
    drop(relay);
    assert!(!pin.level());
}
