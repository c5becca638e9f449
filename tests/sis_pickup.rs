//! Pickup end to end on a real store, the way the kiosk will call it: the sample roster
//! imported, a watchlist with and without the optional `student_id` column, the cleared adult
//! screened with the real engine, and the rule deciding.

use time::macros::date;
use vestibule::identity::{DocumentKind, Identity};
use vestibule::screening::Visitor;
use vestibule::sis::pickup::{decide, CustodyEntry, OfficeReason, Pickup};
use vestibule::sis::{parse, RosterFiles};
use vestibule::store::{Key, Store};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/oneroster");

fn sample_store(dir: &std::path::Path) -> Store {
    let read = |name: &str| std::fs::read(format!("{SAMPLE}/{name}")).unwrap();
    let (orgs, users, enrollments) = (read("orgs.csv"), read("users.csv"), read("enrollments.csv"));
    let roster = parse(&RosterFiles {
        orgs: &orgs,
        users: &users,
        enrollments: Some(&enrollments),
    })
    .unwrap();
    let store = Store::open_with_key(&dir.join("k.redb"), &Key::generate()).unwrap();
    store
        .replace_roster(&roster, "2026-11-23T07:00:00-05:00")
        .unwrap();
    // The pickup's screening needs an installed registry.
    store
        .import_registry("record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense\nR-1,primary,REGISTRANT,NOBODY,,,1950-01-01,M,VA,Example offence\n".as_bytes())
        .unwrap();
    store
}

fn adult(first: &str, middle: &str, last: &str) -> Identity {
    Identity {
        document: DocumentKind::Aamva,
        first_name: first.into(),
        middle_name: Some(middle.to_owned()).filter(|m| !m.is_empty()),
        last_name: last.into(),
        suffix: None,
        dob: date!(1984 - 02 - 29),
        sex: None,
        issuer: Some("CA".into()),
        document_number_last4: Some("0042".into()),
        expires: None,
        expiry_unreadable: false,
        name_truncated: false,
    }
}

/// What the kiosk does: screen the cleared adult, keep the custody entries, open the student,
/// decide.
fn pickup(store: &Store, who: &Identity, student_id: &str) -> Pickup {
    let visitor = Visitor::from(who);
    let flags = store
        .screener()
        .unwrap()
        .screen(&visitor, who.document_number_last4.as_deref())
        .unwrap();
    let custody = CustodyEntry::from_flags(&flags);
    let record = store.student(student_id).unwrap().unwrap();
    decide(who, &record.student.student_id, &record.guardians, &custody)
}

const HEADER: &str = "entry_id,list,last_name,first_name,middle_name,dob,sex,action,note";

#[test]
fn guardians_listed_on_either_side_may_pick_up_and_others_go_to_the_office() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample_store(dir.path());
    let ana = adult("ANA", "LUCIA", "GARCIA");
    assert_eq!(
        pickup(&store, &ana, "100234"),
        Pickup::Allowed { guardian: 0 }
    );
    assert_eq!(
        pickup(&store, &ana, "100235"),
        Pickup::Allowed { guardian: 0 }
    );
    // Robert O'Brien is listed; his ID says BOB OBRIEN.
    assert_eq!(
        pickup(&store, &adult("BOB", "", "OBRIEN"), "200117"),
        Pickup::Allowed { guardian: 1 }
    );
    // Thi Nguyen is linked only from the guardian's row.
    assert_eq!(
        pickup(&store, &adult("THI", "", "NGUYEN"), "100301"),
        Pickup::Allowed { guardian: 0 }
    );
    assert_eq!(
        pickup(&store, &ana, "200117"),
        Pickup::SendToOffice(OfficeReason::NotAListedGuardian)
    );
    assert_eq!(
        pickup(&store, &adult("KAREN", "MARIE", "SMITH"), "100410"),
        Pickup::SendToOffice(OfficeReason::NotAListedGuardian),
        "middle names both present and different"
    );
}

#[test]
fn a_custody_entry_with_a_student_id_blocks_that_student_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample_store(dir.path());
    let csv = format!(
        "{HEADER},student_id\nW-1,custody,GARCIA,ANA,,,F,deny,order 2026-14,0100234\n\
         W-2,banned,LEE,PAT,,,,deny,,\n"
    );
    let summary = store.import_watchlist(csv.as_bytes()).unwrap();
    assert_eq!(summary.rows, 2);
    let ana = adult("ANA", "LUCIA", "GARCIA");
    assert_eq!(
        pickup(&store, &ana, "100234"),
        Pickup::SendToOffice(OfficeReason::CustodyOrder {
            entry_id: "W-1".into()
        }),
        "leading zero lost or added by a spreadsheet: still the same student"
    );
    assert_eq!(
        pickup(&store, &ana, "100235"),
        Pickup::Allowed { guardian: 0 }
    );
}

#[test]
fn a_custody_entry_without_a_student_id_blocks_every_student() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample_store(dir.path());
    // The docs/interfaces.md file, no new column: behaves as before and blocks everyone.
    let csv = format!("{HEADER}\nW-1,custody,GARCIA,ANA,,,F,alert,\n");
    store.import_watchlist(csv.as_bytes()).unwrap();
    let ana = adult("ANA", "", "GARCIA");
    for student in ["100234", "100235"] {
        assert_eq!(
            pickup(&store, &ana, student),
            Pickup::SendToOffice(OfficeReason::CustodyOrder {
                entry_id: "W-1".into()
            })
        );
    }
    // With the column present but empty for the row: the same.
    let csv = format!("{HEADER},student_id\nW-1,custody,GARCIA,ANA,,,F,alert,,\n");
    store.import_watchlist(csv.as_bytes()).unwrap();
    assert!(matches!(
        pickup(&store, &ana, "100235"),
        Pickup::SendToOffice(OfficeReason::CustodyOrder { .. })
    ));
    // Someone else's custody order does not touch Ana.
    let csv = format!("{HEADER}\nW-1,custody,ORTEGA,LUIS,,,M,deny,\n");
    store.import_watchlist(csv.as_bytes()).unwrap();
    assert_eq!(
        pickup(&store, &ana, "100234"),
        Pickup::Allowed { guardian: 0 }
    );
    assert!(matches!(
        pickup(&store, &adult("LUIS", "MIGUEL", "ORTEGA"), "100234"),
        Pickup::SendToOffice(OfficeReason::CustodyOrder { .. })
    ));
}

#[test]
fn student_id_is_only_for_custody_entries() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample_store(dir.path());
    let csv = format!("{HEADER},student_id\nW-2,banned,LEE,PAT,,,,deny,,100234\n");
    let err = store.import_watchlist(csv.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2: `student_id` is only for `custody` entries"
    );
}

#[test]
fn a_custody_entry_off_the_roster_is_reported_by_entry_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample_store(dir.path());
    let csv = format!(
        "{HEADER},student_id\nW-1,custody,GARCIA,ANA,,,F,deny,,100234\n\
         W-3,custody,BELL,MARCUS,,,M,deny,,777\n"
    );
    store.import_watchlist(csv.as_bytes()).unwrap();
    assert_eq!(
        store.custody_entries_off_roster().unwrap(),
        vec![("W-3".to_owned(), "777".to_owned())]
    );
}

#[test]
fn a_student_typing_their_id_finds_themselves() {
    use vestibule::sis::search::StudentQuery;
    let dir = tempfile::tempdir().unwrap();
    let store = sample_store(dir.path());
    let found = store
        .search_students(&StudentQuery::new("0200117", None))
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].given_name, "Jack");
    assert_eq!(
        store.student("0200117").unwrap().unwrap().guardians.len(),
        2
    );
}
