//! A disk that stops taking writes and comes back (issue 14, point 8): after an I/O error in a
//! commit redb refuses every later transaction of that open file (`PreviousIo`), so a kiosk
//! that only retried its writes would stay out of service until restarted. Its probe, once a
//! minute while out of service, opens the database file again (same file, same data key) when
//! a write still fails, and the kiosk serves again.
//!
//! The write error is a real one: the process's file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored)
//! refuses every write past the first 4 KiB with EFBIG, as a full or failing card would; the
//! limit is lifted again while the kiosk runs. That limit is the whole process's, so this file
//! holds this one test.

mod in_process;

use std::time::Duration;

use nix::sys::resource::{getrlimit, setrlimit, Resource};
use vestibule::app::KioskApp;
use vestibule::kiosk::{Event, Fault, Screen, Tap};
use vestibule::store::crypto::Key;
use vestibule::store::outbox::Record;
use vestibule::store::Store;

/// CAPTAIN JACK MORGAN, born 1960-05-22: on no list.
const MORGAN: &[u8] = include_bytes!("fixtures/aamva/v09-pa.txt");

const REGISTRY: &str =
    "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense
VA-0001,primary,SAMPLE,MICHAEL,J,JR,1986-06-06,M,VA,Example offence
";

fn tap(app: &mut KioskApp, label: &str) {
    app.dispatch(Event::Tap(Tap::from_label(label).unwrap()));
}

/// A visit from the scan to the door; the screen it ends on.
fn visit(app: &mut KioskApp) -> Screen {
    app.scan(MORGAN);
    if app.kiosk().screen() != Screen::Purpose {
        return app.kiosk().screen();
    }
    tap(app, "purpose:visitor");
    tap(app, "destination:library");
    app.kiosk().screen()
}

fn file_size_limit(bytes: u64) {
    let (_, hard) = getrlimit(Resource::RLIMIT_FSIZE).unwrap();
    setrlimit(Resource::RLIMIT_FSIZE, bytes.min(hard), hard).unwrap();
}

#[test]
fn after_failed_writes_the_probe_opens_the_database_again_and_the_kiosk_serves() {
    // SAFETY: ignoring a signal installs no handler code.
    unsafe {
        nix::sys::signal::signal(
            nix::sys::signal::SIGXFSZ,
            nix::sys::signal::SigHandler::SigIgn,
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let config = in_process::sim_config();
    let (devices, strike) = in_process::sim_devices(dir.path(), &config, None, None);
    let store = Store::open_with_key(&dir.path().join("kiosk.redb"), &Key::generate()).unwrap();
    store.import_registry(REGISTRY.as_bytes()).unwrap();
    let mut app = KioskApp::real(
        &config,
        Some(store),
        devices,
        time::OffsetDateTime::now_utc(),
    );
    let store = app.store().unwrap();
    assert_eq!(
        visit(&mut app),
        Screen::DoorOpen,
        "an ordinary morning first"
    );
    app.wait(30_000);

    // The card stops taking writes: every visit ends at the front office, then out of service.
    file_size_limit(4096);
    for _ in 0..5 {
        if app.kiosk().faults().contains(&Fault::StoreFailing) {
            break;
        }
        assert_ne!(
            visit(&mut app),
            Screen::DoorOpen,
            "no door while writes fail"
        );
        app.wait(1_000);
    }
    assert!(app.kiosk().faults().contains(&Fault::StoreFailing));
    assert_eq!(app.kiosk().screen(), Screen::OutOfService);

    // The card takes writes again; the database as opened still refuses them (redb keeps the
    // I/O error until the file is opened again).
    file_size_limit(u64::MAX);
    let audit = || [Record::Audit(serde_json::json!({ "event": "test-write" }))];
    assert!(
        store.commit_records(&audit(), &[], 0).is_err(),
        "redb refuses writes after an I/O error until it is reopened"
    );

    // Within a minute the probe opens the file again and the kiosk serves.
    app.wait(61_000);
    app.settle(Duration::from_secs(60));
    assert!(
        !app.kiosk().faults().contains(&Fault::StoreFailing),
        "back in service"
    );
    store.commit_records(&audit(), &[], 0).unwrap();
    assert_eq!(visit(&mut app), Screen::DoorOpen);
    assert!(strike.level(), "the relay took the pulse");
    // Both visitors who got the door are in the store (and so on the evacuation list).
    assert_eq!(store.in_building().unwrap().len(), 2);
}
