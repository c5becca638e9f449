//! The SIS roster: importing a 5,000-student OneRoster set (2 guardians each, 10 schools) must
//! take at most 2 s, parse and sealed store replace together; searching 5,000 sealed students by
//! name is measured too (every search decrypts the roster).
//!
//! `cargo bench --bench sis -- --sample-size 10`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use vestibule::sis::search::StudentQuery;
use vestibule::sis::synth;
use vestibule::store::{Key, Store};

const STUDENTS: usize = 5_000;
const SCHOOLS: usize = 10;

fn bench_sis(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    // Written to files and read back, like `vestibule sis import DIR`.
    let set = synth::oneroster(STUDENTS, SCHOOLS, 1);
    for (name, text) in [
        ("orgs.csv", &set.orgs),
        ("users.csv", &set.users),
        ("enrollments.csv", &set.enrollments),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    let store = Store::open_with_key(&dir.path().join("k.redb"), &Key::generate()).unwrap();

    c.bench_function("sis_parse_5000", |b| {
        let (orgs, users, enrollments) =
            (read("orgs.csv"), read("users.csv"), read("enrollments.csv"));
        b.iter(|| {
            vestibule::sis::parse(&vestibule::sis::RosterFiles {
                orgs: black_box(&orgs),
                users: black_box(&users),
                enrollments: Some(black_box(&enrollments)),
            })
            .unwrap()
        })
    });
    c.bench_function("sis_import_5000_read_parse_seal_replace", |b| {
        b.iter(|| {
            let (orgs, users, enrollments) =
                (read("orgs.csv"), read("users.csv"), read("enrollments.csv"));
            let roster = vestibule::sis::parse(&vestibule::sis::RosterFiles {
                orgs: &orgs,
                users: &users,
                enrollments: Some(&enrollments),
            })
            .unwrap();
            store
                .replace_roster(&roster, "2026-11-23T07:00:00-05:00")
                .unwrap()
        })
    });
    let query = StudentQuery::new("mar gar", None);
    c.bench_function("sis_search_name_5000", |b| {
        b.iter(|| store.search_students(black_box(&query)).unwrap())
    });
    let grade = StudentQuery::new("", Some("3"));
    c.bench_function("sis_search_grade_5000", |b| {
        b.iter(|| store.search_students(black_box(&grade)).unwrap())
    });
    let one = store.students().unwrap()[0].student_id.clone();
    c.bench_function("sis_student_with_guardians", |b| {
        b.iter(|| store.student(black_box(&one)).unwrap().unwrap())
    });
}

criterion_group!(benches, bench_sis);
criterion_main!(benches);
