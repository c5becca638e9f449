//! Store writes never wait on the UI thread (issue 14, point 9). A registry import holds redb's
//! one writer for its whole length (one transaction, so the old registry answers until the new
//! one is whole); the kiosk's writes wait behind it on the writer thread while the UI loop goes
//! on ticking, so the door relay's watchdog stays fed. Visitors signing in beside the import are
//! screened against the registry as it was, wait on "Printing your badge" until their visit is
//! in the store, and then get their badge and the door. The kiosk runs as the window runs it:
//! a real clock, `poll_devices` every 100 ms, answers picked up on later ticks; the import runs
//! on a thread of the same process, on the same store, as the hourly registry sync does.
//! (How long the loop's longest turn is, is measured by `cargo bench --bench kiosk`, not here.)

mod in_process;

use std::path::Path;
use std::time::Duration;

use vestibule::app::KioskApp;
use vestibule::kiosk::Screen;
use vestibule::store::crypto::Key;
use vestibule::store::Store;

/// CAPTAIN JACK MORGAN, born 1960-05-22: on no list.
const MORGAN: &[u8] = include_bytes!("fixtures/aamva/v09-pa.txt");
/// Large enough that the import outlasts a visit in a debug build.
const PEOPLE: &str = "150000";

const SMALL_REGISTRY: &str =
    "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense
VA-0001,primary,SAMPLE,MICHAEL,J,JR,1986-06-06,M,VA,Example offence
";

fn synth_registry(dir: &Path) -> std::path::PathBuf {
    let csv = dir.join("registry.csv");
    let names = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args(["registry", "synth", "--people", PEOPLE, "--out"])
        .arg(&csv)
        .arg("--names")
        .arg(&names)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    csv
}

#[test]
fn visitors_beside_a_registry_import_get_their_badge_and_the_door_and_the_loop_never_stalls() {
    let dir = tempfile::tempdir().unwrap();
    let csv = synth_registry(dir.path());
    let config = in_process::sim_config();
    let (devices, strike) =
        in_process::sim_devices(dir.path(), &config, Some(in_process::WATCHDOG), None);
    // The registry installed yesterday; the import below replaces it, as the sync does.
    let store = Store::open_with_key(&dir.path().join("kiosk.redb"), &Key::generate()).unwrap();
    store.import_registry(SMALL_REGISTRY.as_bytes()).unwrap();
    let mut app = KioskApp::real(
        &config,
        Some(store),
        devices,
        time::OffsetDateTime::now_utc(),
    );
    app.answer_later();
    let store = app.store().unwrap();
    let mut ui = in_process::WindowLoop::new(app);
    assert_eq!(ui.app.kiosk().screen(), Screen::Attract, "in service");

    let import = std::thread::spawn({
        let store = store.clone();
        move || {
            let file = std::io::BufReader::new(std::fs::File::open(csv).unwrap());
            store.import_registry(file).unwrap()
        }
    });
    // The import takes redb's writer at once; give it the moment to start.
    std::thread::sleep(Duration::from_millis(500));

    let mut beside_the_import = 0;
    for visitor in 1..=2 {
        ui.step(|app| app.scan(MORGAN));
        ui.until(Screen::Purpose, Duration::from_secs(10));
        ui.tap("purpose:visitor");
        ui.tap("destination:library");
        if !import.is_finished() {
            beside_the_import += 1;
        }
        assert_eq!(
            ui.app.kiosk().screen(),
            Screen::Printing,
            "visitor {visitor}"
        );
        ui.until(Screen::DoorOpen, Duration::from_secs(600));
        assert!(
            strike.level(),
            "visitor {visitor}: the relay took the pulse"
        );
        ui.until(Screen::Attract, Duration::from_secs(60));
    }
    let summary = import.join().unwrap();
    assert!(summary.rows > 150_000, "the whole registry went in");
    assert!(
        beside_the_import >= 1,
        "a visit's write waited behind the import (make PEOPLE larger if this machine is fast)"
    );
    assert!(
        ui.longest_turn < in_process::WATCHDOG,
        "the UI loop stalled {:?}: past the relay's watchdog",
        ui.longest_turn
    );
    // Both visits are in the store, the evacuation list's source.
    assert_eq!(store.in_building().unwrap().len(), 2);
    eprintln!(
        "longest UI-loop turn beside the import: {:?}",
        ui.longest_turn
    );
}
