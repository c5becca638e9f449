//! The kiosk on configured devices (what `vestibule kiosk` runs without `--sim`): the reader
//! is a real pseudo-terminal, the printer a device file, opened from the `[hardware]` config
//! by `Devices::open`; the flow runs from a scan written on the terminal to a printed badge.

use std::io::Write;
use std::time::{Duration, Instant};

use serialport::{SerialPort, TTYPort};
use vestibule::app::{Devices, KioskApp};
use vestibule::config::Config;
use vestibule::hw::config::GpioBackend;
use vestibule::kiosk::{Event, Screen, Tap};
use vestibule::store::{KeyLocation, Store};

const MORGAN: &[u8] = include_bytes!("fixtures/aamva/v09-pa.txt");

fn tap(label: &str) -> Event {
    Event::Tap(Tap::from_label(label).unwrap())
}

/// Polls the devices the way the UI loop does until the flow shows `screen`.
fn wait_for(app: &mut KioskApp, screen: Screen) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.kiosk().screen() != screen {
        assert!(
            Instant::now() < deadline,
            "still on {:?}",
            app.kiosk().screen()
        );
        std::thread::sleep(Duration::from_millis(20));
        app.poll_devices();
    }
}

/// A database with a (small) registry: without one the kiosk is out of service.
fn store(dir: &std::path::Path) -> Store {
    let store = Store::open_personal(
        &dir.join("kiosk.redb"),
        &KeyLocation::File(dir.join("data.key")),
    )
    .unwrap();
    let registry = "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense\nR-1,primary,REGISTRANT,NOBODY,,,1950-01-01,M,VA,Example offence\n";
    store.import_registry(registry.as_bytes()).unwrap();
    store
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

#[test]
fn a_scan_on_the_serial_reader_ends_in_a_badge_on_the_printer_device() {
    let dir = tempfile::tempdir().unwrap();
    let (mut scanner, slave) = TTYPort::pair().expect("a pseudo-terminal");
    let printer = dir.path().join("lp0");
    std::fs::write(&printer, b"").unwrap();
    let mut config = Config::default();
    config.hardware.gpio = GpioBackend::None;
    config.hardware.reader.device = slave.name().expect("the terminal's name").into();
    config.hardware.printer.device = printer.display().to_string();
    config.hardware.printer.status = false;
    let devices = Devices::open(&config.hardware).expect("every device opens");
    let mut app = KioskApp::real(&config, Some(store(dir.path())), devices, now());

    scanner.write_all(MORGAN).unwrap();
    scanner.flush().unwrap();
    wait_for(&mut app, Screen::Purpose);
    app.dispatch(tap("purpose:visitor"));
    app.dispatch(tap("destination:library"));
    assert_eq!(app.kiosk().screen(), Screen::DoorOpen);
    let job = std::fs::read(&printer).unwrap();
    assert!(
        job.len() > 10_000,
        "a Brother raster job: {} bytes",
        job.len()
    );
    drop(slave);
}

#[test]
fn a_missing_reader_is_named_at_start() {
    let mut config = Config::default();
    config.hardware.gpio = GpioBackend::None;
    config.hardware.reader.device = "/dev/ttyVESTIBULE-none".into();
    let err = Devices::open(&config.hardware).err().expect("refused");
    let text = err.to_string();
    assert_eq!(text, "ID reader /dev/ttyVESTIBULE-none: not found");
}

/// `vestibule kiosk` without a staff PIN is not set up: on a screen it shows "out of service"
/// until provisioned; a build with no display backend says so in one line and stops.
#[test]
fn an_unprovisioned_kiosk_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(&config, "[school]\nname = \"Lincoln Elementary\"\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .arg("--config")
        .arg(&config)
        .arg("kiosk")
        .env("VESTIBULE_DB", dir.path().join("kiosk.redb"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not set up: no staff PIN"), "{stderr}");
}

#[test]
fn an_unplugged_reader_puts_the_kiosk_out_of_service() {
    let dir = tempfile::tempdir().unwrap();
    let (scanner, slave) = TTYPort::pair().expect("a pseudo-terminal");
    let printer = dir.path().join("lp0");
    std::fs::write(&printer, b"").unwrap();
    let mut config = Config::default();
    config.hardware.gpio = GpioBackend::None;
    let device: String = slave.name().expect("the terminal's name");
    config.hardware.reader.device = device.clone().into();
    config.hardware.printer.device = printer.display().to_string();
    config.hardware.printer.status = false;
    let devices = Devices::open(&config.hardware).expect("every device opens");
    let mut app = KioskApp::real(&config, Some(store(dir.path())), devices, now());
    assert_eq!(app.kiosk().screen(), Screen::Attract);
    // Unplugged: the terminal's other end goes away, the reader's loop ends.
    drop(scanner);
    drop(slave);
    wait_for(&mut app, Screen::OutOfService);
    assert!(app
        .kiosk()
        .faults()
        .contains(&vestibule::kiosk::Fault::ReaderGone));
}
