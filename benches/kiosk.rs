//! The kiosk's own latencies (criterion): `cargo bench --bench kiosk`.
//!
//! - a full 1280x800 frame on the software renderer (attract and staff review screens);
//! - scan received -> decision on screen (parse, flow, screening, the UI updated), against
//!   no registry, or against a copy of the database `VESTIBULE_BENCH_DB` names (e.g. one
//!   `vestibule registry bench --people 900000 --db FILE` built); registry screening latency
//!   alone is `benches/screen.rs`;
//! - destination tapped -> badge rendered, encoded and handed to the (simulated) printer and
//!   the relay pulsed;
//! - invitation QR scanned -> badge printing: the token verified and checked against the
//!   revocations, the visitor's "yes, that's me" tap, screening, the badge to the printer and
//!   the relay (with `VESTIBULE_BENCH_DB`, against that registry).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use i_slint_backend_testing::{TestingBackend, TestingBackendOptions};
use slint::ComponentHandle;
use vestibule::app::KioskApp;
use vestibule::config::Config;
use vestibule::kiosk::{Event, Tap};
use vestibule::ui::{self, AppWindow};

const SAMPLE: &[u8] = include_bytes!("../tests/fixtures/aamva/v10-va-annex-d.txt");

fn tap(label: &str) -> Event {
    Event::Tap(Tap::from_label(label).unwrap())
}

fn all(c: &mut Criterion) {
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .unwrap();
    let window = AppWindow::new().unwrap();
    window
        .window()
        .set_size(slint::PhysicalSize::new(1280, 800));
    window.show().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = Config::default();
    let epoch = time::OffsetDateTime::now_utc();
    // A copy: the bench signs visitors in, and the original stays as it was.
    let store = std::env::var_os("VESTIBULE_BENCH_DB").map(|db| {
        let copy = dir.path().join("bench.redb");
        std::fs::copy(&db, &copy).expect("VESTIBULE_BENCH_DB names a readable database");
        // Visits are sealed under a data key: a fresh one beside the copy.
        let key = vestibule::store::KeyLocation::File(dir.path().join("bench.redb.key"));
        vestibule::store::Store::open_personal(&copy, &key).unwrap()
    });
    let app = std::cell::RefCell::new(KioskApp::sim(&config, store, dir.path(), epoch).unwrap());

    ui::present(&window, app.borrow().kiosk());
    c.bench_function("frame 1280x800 attract", |b| {
        b.iter(|| window.window().take_snapshot().unwrap())
    });

    c.bench_function("scan -> decision on screen", |b| {
        b.iter_batched(
            || app.borrow_mut().dispatch(tap("done")),
            |()| {
                app.borrow_mut().scan(SAMPLE);
                ui::present(&window, app.borrow().kiosk());
            },
            BatchSize::PerIteration,
        )
    });

    c.bench_function("destination tapped -> badge printed, relay pulsed", |b| {
        b.iter_batched(
            || {
                app.borrow_mut().dispatch(tap("done"));
                app.borrow_mut().scan(SAMPLE);
                app.borrow_mut().dispatch(tap("purpose:visitor"));
            },
            |()| app.borrow_mut().dispatch(tap("destination:library")),
            BatchSize::PerIteration,
        )
    });
    drop(app);

    // Invitations: a kiosk that trusts a fleet key, with a store for the revocations.
    let fleet = vestibule::prereg::SigningKey::from_bytes(&[7; 32]);
    let mut config = Config::default();
    config.prereg.public_key = vestibule::feed::keys::public_base64(&fleet.verifying_key());
    let db = dir.path().join("invitations.redb");
    if let Some(original) = std::env::var_os("VESTIBULE_BENCH_DB") {
        std::fs::copy(original, &db).unwrap();
    }
    let key = vestibule::store::KeyLocation::File(dir.path().join("invitations.redb.key"));
    let store = vestibule::store::Store::open_personal(&db, &key).unwrap();
    let today = epoch.date();
    let invitation = vestibule::prereg::Invitation {
        id: vestibule::prereg::InvitationId(0x0123_4567_89ab_cdef),
        person: vestibule::prereg::InvitedPerson {
            last_name: "Lovelace".into(),
            first_name: "Ada".into(),
            middle_name: String::new(),
            dob: None,
            sex: None,
        },
        valid_from: today - time::Duration::days(1),
        valid_to: today + time::Duration::days(1),
        purpose: "visitor".into(),
        destination: "library".into(),
        event: None,
    };
    let qr = vestibule::prereg::issue(&invitation, &fleet).unwrap();
    let app = std::cell::RefCell::new(
        KioskApp::sim(&config, Some(store), &dir.path().join("inv"), epoch).unwrap(),
    );
    c.bench_function("invitation scanned -> badge printed, relay pulsed", |b| {
        b.iter_batched(
            || app.borrow_mut().dispatch(tap("done")),
            |()| {
                app.borrow_mut().scan(qr.as_bytes());
                app.borrow_mut().dispatch(tap("invitation-confirm"));
                assert_eq!(
                    app.borrow().kiosk().screen(),
                    vestibule::kiosk::Screen::DoorOpen
                );
            },
            BatchSize::PerIteration,
        )
    });
}

criterion_group!(benches, all);
criterion_main!(benches);
