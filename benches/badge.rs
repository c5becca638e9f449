//! Render and encode one badge: the budget is 20 ms for both on the kiosk's machine.

use criterion::{criterion_group, criterion_main, Criterion};
use vestibule::badge::{self, Badge, BadgeLayout};
use vestibule::hw::printer::PrinterKind;

fn badge_for(c: &mut Criterion, kind: PrinterKind) {
    let sample = Badge::sample();
    let layout = BadgeLayout::default();
    c.bench_function(&format!("render+encode {kind}"), |b| {
        b.iter(|| {
            let page = badge::render(&sample, &layout, kind.label()).unwrap();
            kind.encode(&page).unwrap()
        })
    });
}

fn render_only(c: &mut Criterion) {
    let sample = Badge::sample();
    let layout = BadgeLayout::default();
    let label = PrinterKind::BrotherQlDk1202.label();
    c.bench_function("render dk1202", |b| {
        b.iter(|| badge::render(&sample, &layout, label).unwrap())
    });
}

fn all(c: &mut Criterion) {
    render_only(c);
    for kind in [
        PrinterKind::BrotherQlDk1202,
        PrinterKind::Dymo30256,
        PrinterKind::Zpl300,
    ] {
        badge_for(c, kind);
    }
}

criterion_group!(benches, all);
criterion_main!(benches);
