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
//!   revocations, the visitor's "yes, that's me" tap, the invited person's ID scanned and
//!   matched, screening, the visit and the invitation's use committed, the badge to the
//!   printer and the relay (with `VESTIBULE_BENCH_DB`, against that registry);
//! - with `VESTIBULE_BENCH_IMPORT` naming a registry CSV as well (e.g. one `vestibule registry
//!   synth --people 900000` wrote): the UI loop beside that import. The import replaces the
//!   registry on a thread of the bench, as the hourly sync does, while visitors sign in as the
//!   window runs the kiosk (a turn every 100 ms of the real clock, answers picked up on later
//!   turns); printed: the longest turn of the UI loop (what the relay's 2 s watchdog and
//!   systemd's 20 s one see), and how long each visitor waited on "Printing your badge". One
//!   run, not a criterion sample: an import takes minutes.

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
        // The person on SAMPLE: every purpose asks for the invited person's ID as well.
        person: vestibule::prereg::InvitedPerson {
            last_name: "Sample".into(),
            first_name: "Michael".into(),
            middle_name: String::new(),
            dob: Some(time::macros::date!(1986 - 06 - 06)),
            sex: None,
        },
        valid_from: today - time::Duration::days(1),
        valid_to: today + time::Duration::days(1),
        purpose: "visitor".into(),
        destination: "library".into(),
        event: None,
    };
    // An invitation admits once a day: each iteration scans one of its own.
    let mut next_id = 0x0123_4567_89ab_cdef_u64;
    let mut fresh = move || {
        next_id += 1;
        let one = vestibule::prereg::Invitation {
            id: vestibule::prereg::InvitationId(next_id),
            ..invitation.clone()
        };
        vestibule::prereg::issue(&one, &fleet).unwrap()
    };
    let app = std::cell::RefCell::new(
        KioskApp::sim(&config, Some(store), &dir.path().join("inv"), epoch).unwrap(),
    );
    c.bench_function("invitation scanned -> badge printed, relay pulsed", |b| {
        b.iter_batched(
            || {
                app.borrow_mut().dispatch(tap("done"));
                fresh()
            },
            |qr| {
                app.borrow_mut().scan(qr.as_bytes());
                app.borrow_mut().dispatch(tap("invitation-confirm"));
                app.borrow_mut().scan(SAMPLE);
                assert_eq!(
                    app.borrow().kiosk().screen(),
                    vestibule::kiosk::Screen::DoorOpen
                );
            },
            BatchSize::PerIteration,
        )
    });
}

/// The UI loop beside a registry import (see the module docs).
fn beside_an_import(c: &mut Criterion) {
    let (Some(db), Some(csv)) = (
        std::env::var_os("VESTIBULE_BENCH_DB"),
        std::env::var_os("VESTIBULE_BENCH_IMPORT"),
    ) else {
        return;
    };
    let _ = c;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("import.redb");
    std::fs::copy(&db, &copy).unwrap();
    let key = vestibule::store::KeyLocation::File(dir.path().join("import.redb.key"));
    let store = vestibule::store::Store::open_personal(&copy, &key).unwrap();
    let config = Config::default();
    let epoch = time::OffsetDateTime::now_utc();
    let mut app = KioskApp::sim(&config, Some(store), &dir.path().join("out"), epoch).unwrap();
    app.answer_later();
    let store = app.store().unwrap();
    let start = Instant::now();
    let mut longest = Duration::ZERO;
    let mut turns = 0u32;
    let mut turn = |app: &mut KioskApp, work: &mut dyn FnMut(&mut KioskApp)| {
        std::thread::sleep(Duration::from_millis(100));
        let began = Instant::now();
        app.advance_to(start.elapsed().as_millis() as u64);
        app.poll_devices();
        work(app);
        longest = longest.max(began.elapsed());
        turns += 1;
    };
    let began = Instant::now();
    let import = std::thread::spawn(move || {
        let file = std::io::BufReader::new(std::fs::File::open(csv).unwrap());
        store.import_registry(file).unwrap()
    });
    let mut waits = Vec::new();
    while !import.is_finished() {
        // A visitor: scan, purpose, destination, then "Printing" until the door opens.
        turn(&mut app, &mut |app| app.scan(SAMPLE));
        turn(&mut app, &mut |app| app.dispatch(tap("purpose:visitor")));
        turn(&mut app, &mut |app| {
            app.dispatch(tap("destination:library"))
        });
        let printing = Instant::now();
        while app.kiosk().screen() == vestibule::kiosk::Screen::Printing {
            turn(&mut app, &mut |_| {});
        }
        assert_eq!(app.kiosk().screen(), vestibule::kiosk::Screen::DoorOpen);
        waits.push(printing.elapsed());
        while app.kiosk().screen() != vestibule::kiosk::Screen::Attract {
            turn(&mut app, &mut |app| app.dispatch(tap("done")));
        }
    }
    let summary = import.join().unwrap();
    // The UI loop after the import: the compaction that follows it, then everything as usual.
    for _ in 0..50 {
        turn(&mut app, &mut |_| {});
    }
    println!(
        "beside an import of {} names ({} people) taking {:.1} s: {} visits, {} UI-loop turns, \
         longest turn {:.1} ms; waits on \"Printing your badge\" (s): {:?}",
        summary.rows,
        summary.groups,
        began.elapsed().as_secs_f64(),
        waits.len(),
        turns,
        longest.as_secs_f64() * 1000.0,
        waits
            .iter()
            .map(|w| (w.as_secs_f64() * 10.0).round() / 10.0)
            .collect::<Vec<_>>()
    );
}

criterion_group!(benches, all, beside_an_import);
criterion_main!(benches);
