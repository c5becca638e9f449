//! Screening latency (criterion): warm queries against a synthetic registry in a real redb file.
//! `cargo bench --bench screen`.
//!
//! The registry here is 200,000 people (about 400,000 name rows, the census name distribution of
//! the full benchmark) so that building it stays under half a minute on a shared 2-core machine;
//! the candidates a query reads grow with the registry, so expect somewhat higher times at full
//! scale. The full-scale figures (900,000 people, 1.8 million rows), recall and false alarms per
//! class come from `vestibule registry bench --people 900000` (see README, "Screening").

use criterion::{criterion_group, criterion_main, Criterion};
use vestibule::screening::synth::{NameTables, Shape, Synth, Variant};
use vestibule::screening::Visitor;
use vestibule::store::Store;

const PEOPLE: u64 = 200_000;

fn screen(c: &mut Criterion) {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let read = |f: &str| std::fs::read_to_string(data.join(f)).expect("census files in data/");
    let tables = NameTables::parse(
        &read("census1990-male-first.txt"),
        &read("census1990-female-first.txt"),
        &read("census1990-last.txt"),
    );
    let mut synth = Synth::new(&tables, 1);
    let mut csv = String::from(
        "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction\n",
    );
    // every 500th person is made in the shape of a variant class, to come back as that variant
    let mut targets = Vec::new();
    for n in 1..=PEOPLE {
        let variant = Variant::ALL[(n / 500) as usize % Variant::ALL.len()];
        let shape = if n % 500 == 0 {
            variant.shape()
        } else {
            Shape::Any
        };
        let p = synth.person(n, shape);
        for row in &p.rows {
            let dob = row.dob.map(|d| d.to_string()).unwrap_or_default();
            let kind = if row.alias { "alias" } else { "primary" };
            csv.push_str(&format!(
                "{},{kind},\"{}\",\"{}\",\"{}\",{},{dob},{},{}\n",
                p.record_id,
                row.last,
                row.first,
                row.middle,
                row.suffix,
                p.sex.as_str(),
                p.jurisdiction
            ));
        }
        if n % 500 == 0 {
            targets.push((p, variant));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bench.redb")).unwrap();
    store.import_registry(csv.as_bytes()).unwrap();
    drop(csv);
    let screener = store.screener().unwrap();
    let registrants: Vec<Visitor> = targets
        .iter()
        .map(|(p, variant)| synth.visitor_variant(p, *variant))
        .collect();
    let clean: Vec<Visitor> = (0..400).map(|_| synth.clean_visitor(None)).collect();
    // warm the page cache, as a kiosk that has been answering for a while
    for v in registrants.iter().chain(&clean) {
        screener.screen(v, None).unwrap();
    }
    let mut group = c.benchmark_group("screen (200k people, warm)");
    let mut i = 0;
    group.bench_function("registrant, every variant class in turn", |b| {
        b.iter(|| {
            i = (i + 1) % registrants.len();
            screener.screen(&registrants[i], None).unwrap()
        })
    });
    group.bench_function("clean visitor", |b| {
        b.iter(|| {
            i = (i + 1) % clean.len();
            screener.screen(&clean[i], None).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, screen);
criterion_main!(benches);
