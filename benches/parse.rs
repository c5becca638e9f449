//! Parsing speed: one AAMVA payload under 20 µs, one MRZ under 5 µs (figures in README.md).
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use vestibule::identity::read_scan;

fn today() -> time::Date {
    time::macros::date!(2026 - 11 - 22)
}

fn bench_parsers(c: &mut Criterion) {
    let aamva = include_bytes!("../samples/scans/aamva-v10-mo.txt");
    let td3 = include_bytes!("../samples/scans/mrz-td3-specimen.txt");
    let td1 = include_bytes!("../samples/scans/mrz-td1-specimen.txt");
    c.bench_function("aamva_v10", |b| {
        b.iter(|| read_scan(black_box(aamva), today()))
    });
    c.bench_function("mrz_td3", |b| b.iter(|| read_scan(black_box(td3), today())));
    c.bench_function("mrz_td1", |b| b.iter(|| read_scan(black_box(td1), today())));
}

criterion_group!(benches, bench_parsers);
criterion_main!(benches);
