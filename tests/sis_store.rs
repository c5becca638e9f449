//! The roster and student events in a real redb file: a replace is whole or nothing, a reader
//! never sees half of one, events come back by day, and nothing opens without the data key.

use time::macros::date;
use vestibule::sis::search::StudentQuery;
use vestibule::sis::{Guardian, Roster, Student};
use vestibule::store::students::{StudentEvent, StudentEventKind};
use vestibule::store::{Key, Store, StoreError};

fn roster(students: usize, tag: &str) -> Roster {
    let guardians = (0..students)
        .map(|n| Guardian {
            given_name: format!("Parent{n}"),
            middle_name: String::new(),
            family_name: format!("{tag}Family{n}"),
        })
        .collect();
    let students = (0..students)
        .map(|n| Student {
            student_id: format!("{tag}-{n:05}"),
            given_name: format!("Kid{n}"),
            middle_name: String::new(),
            family_name: format!("{tag}Family{n}"),
            grade: format!("{:02}", n % 12 + 1),
            school: "Lincoln Elementary".into(),
            guardians: vec![n],
        })
        .collect();
    Roster {
        schools: vec!["Lincoln Elementary".into()],
        students,
        guardians,
    }
}

fn event(at: &str, kind: StudentEventKind, student: &str) -> StudentEvent {
    StudentEvent {
        at: at.into(),
        kind,
        student_id: student.into(),
        grade: "03".into(),
        school: "Lincoln Elementary".into(),
        reason: "appointment".into(),
        picked_up_by: (kind == StudentEventKind::EarlyDismissal).then(|| "Ana García".into()),
        operator: None,
    }
}

#[test]
fn one_student_comes_back_with_their_guardians() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with_key(&dir.path().join("k.redb"), &Key::generate()).unwrap();
    let summary = store
        .replace_roster(&roster(20, "A"), "2026-11-23T07:00:00-05:00")
        .unwrap();
    assert_eq!(
        summary.to_string(),
        "1 schools, 20 students, 20 guardians, 20 guardian links"
    );
    let record = store.student("A-00007").unwrap().unwrap();
    assert_eq!(record.student.given_name, "Kid7");
    assert_eq!(record.guardians.len(), 1);
    assert_eq!(record.guardians[0].family_name, "AFamily7");
    assert!(store.student("B-00007").unwrap().is_none());
    assert!(store.student(" a-00007 ").unwrap().is_some(), "as typed");
    let found = store
        .search_students(&StudentQuery::new("kid1", Some("2")))
        .unwrap();
    let ids: Vec<&str> = found.iter().map(|s| s.student_id.as_str()).collect();
    // Kid1, Kid10..Kid19 start with KID1; of them Kid1 and Kid13 are in grade 2.
    assert_eq!(ids, vec!["A-00001", "A-00013"]);
    assert!(store
        .audit_lines()
        .unwrap()
        .iter()
        .any(|l| l.contains("\"sis_import\"")));
}

#[test]
fn a_failed_replace_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with_key(&dir.path().join("k.redb"), &Key::generate()).unwrap();
    store.replace_roster(&roster(30, "A"), "t").unwrap();
    let mut bad = roster(40, "B");
    bad.students[39].student_id = bad.students[3].student_id.clone();
    assert!(matches!(
        store.replace_roster(&bad, "t"),
        Err(StoreError::BadFile(_))
    ));
    let students = store.students().unwrap();
    assert_eq!(students.len(), 30);
    assert!(students.iter().all(|s| s.student_id.starts_with("A-")));
    assert_eq!(
        store.student("A-00000").unwrap().unwrap().guardians[0].family_name,
        "AFamily0"
    );
}

#[test]
fn a_reader_never_sees_half_a_roster() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with_key(&dir.path().join("k.redb"), &Key::generate()).unwrap();
    let (a, b) = (roster(300, "A"), roster(500, "B"));
    store.replace_roster(&a, "t").unwrap();
    std::thread::scope(|scope| {
        let reader = scope.spawn(|| {
            for _ in 0..40 {
                let students = store.students().unwrap();
                let tag = &students[0].student_id[..1];
                assert!(students.iter().all(|s| s.student_id.starts_with(tag)));
                let want = if tag == "A" { 300 } else { 500 };
                assert_eq!(students.len(), want, "a whole roster");
            }
        });
        for n in 0..10 {
            store
                .replace_roster(if n % 2 == 0 { &b } else { &a }, "t")
                .unwrap();
        }
        reader.join().unwrap();
    });
}

#[test]
fn student_events_come_back_by_day_inclusive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.redb");
    let key = Key::generate();
    {
        let store = Store::open_with_key(&path, &key).unwrap();
        let late = StudentEventKind::LateArrival;
        let early = StudentEventKind::EarlyDismissal;
        assert_eq!(
            store
                .record_student_event(&event("2026-11-22T08:40:00-05:00", late, "1"))
                .unwrap(),
            1
        );
        store
            .record_student_event(&event("2026-11-23T08:40:00-05:00", late, "2"))
            .unwrap();
        // Late in the evening locally, already the 25th in UTC: counts on the 24th.
        store
            .record_student_event(&event("2026-11-24T23:30:00-05:00", early, "3"))
            .unwrap();
        store
            .record_student_event(&event("2026-11-25T07:00:00-05:00", late, "4"))
            .unwrap();
        // A roster import does not touch events.
        store.replace_roster(&roster(3, "A"), "t").unwrap();
    }
    let store = Store::open_with_key(&path, &key).unwrap();
    let ids = |from, to| -> Vec<String> {
        store
            .student_events(from, to)
            .unwrap()
            .into_iter()
            .map(|e| e.student_id)
            .collect()
    };
    assert_eq!(
        ids(date!(2026 - 11 - 23), date!(2026 - 11 - 24)),
        vec!["2", "3"]
    );
    assert_eq!(ids(date!(2026 - 11 - 22), date!(2026 - 11 - 22)), vec!["1"]);
    assert!(ids(date!(2026 - 12 - 01), date!(2026 - 12 - 31)).is_empty());
    let early = &store
        .student_events(date!(2026 - 11 - 24), date!(2026 - 11 - 24))
        .unwrap()[0];
    assert_eq!(early.kind, StudentEventKind::EarlyDismissal);
    assert_eq!(early.picked_up_by.as_deref(), Some("Ana García"));
    assert!(
        !format!("{early:?}").contains("García"),
        "Debug names no one"
    );
    let audit = store.audit_lines().unwrap().join("\n");
    assert!(audit.contains("\"late_arrival\"") && !audit.contains("García"));
}

#[test]
fn nothing_opens_without_the_data_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.redb");
    {
        let store = Store::open_with_key(&path, &Key::generate()).unwrap();
        store.replace_roster(&roster(5, "A"), "t").unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert!(matches!(store.students(), Err(StoreError::NoKey)));
    assert!(matches!(
        store.student_events(date!(2026 - 01 - 01), date!(2026 - 12 - 31)),
        Err(StoreError::NoKey)
    ));
    drop(store);
    assert!(matches!(
        Store::open(&path).unwrap().with_key(&Key::generate()),
        Err(StoreError::WrongKey { .. })
    ));
}

#[test]
fn an_empty_store_has_no_students_and_no_events() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with_key(&dir.path().join("k.redb"), &Key::generate()).unwrap();
    assert!(store.students().unwrap().is_empty());
    assert!(store.student("1").unwrap().is_none());
    assert!(store
        .student_events(date!(2026 - 01 - 01), date!(2026 - 12 - 31))
        .unwrap()
        .is_empty());
    assert!(store.custody_entries_off_roster().unwrap().is_empty());
}

#[test]
fn purge_takes_student_events_older_than_the_visits_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_with_key(&dir.path().join("k.redb"), &Key::generate()).unwrap();
    store
        .record_student_event(&event(
            "2024-10-01T08:40:00-05:00",
            StudentEventKind::LateArrival,
            "A-1",
        ))
        .unwrap();
    store
        .record_student_event(&event(
            "2026-11-20T13:10:00-05:00",
            StudentEventKind::EarlyDismissal,
            "A-2",
        ))
        .unwrap();
    let now = time::OffsetDateTime::parse(
        "2026-11-23T12:00:00Z",
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let (summary, _) = store.purge_by_policy(365, 0, now).unwrap();
    assert_eq!(summary.student_events, 1);
    let left = store
        .student_events(date!(2020 - 01 - 01), date!(2030 - 01 - 01))
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].student_id, "A-2");
}
