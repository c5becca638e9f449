//! Screening latency (criterion): one visitor against a synthetic registry in a real redb file.
//! `cargo bench --bench screen`. Recall / false alarms per class: `vestibule registry bench`.

use criterion::{criterion_group, criterion_main, Criterion};
use vestibule::screening::synth::{NameTables, Shape, Synth, Variant};
use vestibule::store::Store;

const PEOPLE: u64 = 20_000;

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
    let mut people = Vec::new();
    for n in 1..=PEOPLE {
        let p = synth.person(n, Shape::Any);
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
        if n % 100 == 0 {
            people.push(p);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bench.redb")).unwrap();
    store.import_registry(csv.as_bytes()).unwrap();
    let screener = store.screener().unwrap();
    let visitors: Vec<_> = people
        .iter()
        .map(|p| synth.visitor_variant(p, Variant::LastTypo))
        .collect();
    let clean: Vec<_> = (0..200).map(|_| synth.clean_visitor(None)).collect();
    let mut i = 0;
    c.bench_function("screen a registrant with a typo (20k people)", |b| {
        b.iter(|| {
            i = (i + 1) % visitors.len();
            screener.screen(&visitors[i], None).unwrap()
        })
    });
    c.bench_function("screen a clean visitor (20k people)", |b| {
        b.iter(|| {
            i = (i + 1) % clean.len();
            screener.screen(&clean[i], None).unwrap()
        })
    });
}

criterion_group!(benches, screen);
criterion_main!(benches);
