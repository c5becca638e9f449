//! Pre-registered visitors: the kiosk's invitation check (verify a scanned token; the issue's
//! budget for QR scanned -> badge printing is 300 ms of kiosk time), and an event's 100 badges
//! rendered and encoded as one Brother QL print job, against the printer's own speed (a
//! QL-820NWB prints about 110 standard labels a minute: 100 labels take it about 55 s).

use criterion::{criterion_group, criterion_main, Criterion};
use time::macros::date;
use vestibule::badge::{self, Badge, BadgeLayout};
use vestibule::hw::printer::PrinterKind;
use vestibule::identity::prereg::recognise;
use vestibule::prereg::{self, Invitation, InvitationId, InvitedPerson, SigningKey};

fn invitation() -> Invitation {
    Invitation {
        id: InvitationId(0x0123_4567_89ab_cdef),
        person: InvitedPerson {
            last_name: "Lovelace".into(),
            first_name: "Ada".into(),
            middle_name: "Augusta".into(),
            dob: Some(date!(1985 - 12 - 10)),
            sex: None,
        },
        valid_from: date!(2026 - 12 - 01),
        valid_to: date!(2026 - 12 - 03),
        purpose: "volunteer".into(),
        destination: "library".into(),
        event: None,
    }
}

fn verify(c: &mut Criterion) {
    let key = SigningKey::from_bytes(&[7; 32]);
    let public = key.verifying_key();
    let token = prereg::issue(&invitation(), &key).unwrap();
    c.bench_function("invitation recognise+verify", |b| {
        b.iter(|| {
            let scanned = recognise(&token).unwrap().unwrap();
            prereg::verify(&scanned.token, &public, date!(2026 - 12 - 02)).unwrap()
        })
    });
}

/// What the kiosk does between the scan and the printer once the invitation verified and the
/// person screened clear: render the badge and encode its job.
fn invitation_badge(c: &mut Criterion) {
    let kind = PrinterKind::BrotherQlDk1202;
    let layout = BadgeLayout::default();
    let mut badge = Badge::sample();
    badge.photo = None;
    c.bench_function("invitation badge render+encode dk1202", |b| {
        b.iter(|| {
            kind.encode(&badge::render(&badge, &layout, kind.label()).unwrap())
                .unwrap()
        })
    });
}

fn event_run(c: &mut Criterion) {
    let kind = PrinterKind::BrotherQlDk1202;
    let layout = BadgeLayout {
        photo: false,
        ..BadgeLayout::default()
    };
    let badges: Vec<Badge> = (0..100)
        .map(|n| {
            let mut badge = Badge::sample();
            badge.photo = None;
            badge.visitor_name = format!("Attendee {n:03} Example");
            badge.purpose = "Event".into();
            badge.destination = "Winter Concert".into();
            badge.visit_number = format!("V-{:04}", n + 1);
            badge.sign_out_token = format!("VST1.V-{:04}.2026-12-10.0123456789abcdef0123", n + 1);
            badge
        })
        .collect();
    let mut group = c.benchmark_group("event");
    group.sample_size(10);
    group.bench_function("100 badges render+encode_run dk1202", |b| {
        b.iter(|| {
            let pages: Vec<_> = badges
                .iter()
                .map(|badge| badge::render(badge, &layout, kind.label()).unwrap())
                .collect();
            kind.encode_run(&pages, 10).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, verify, invitation_badge, event_run);
criterion_main!(benches);
