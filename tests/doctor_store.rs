//! The registry import records when it ran, and the doctor reads it back from a real redb file.

use std::time::{SystemTime, UNIX_EPOCH};

use vestibule::doctor::{self, Status};
use vestibule::store::Store;

const REGISTRY: &str =
    "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction\n\
MO-1,primary,HENDERSON,WILLIAM,,,1970-05-14,M,MO\n";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn import_records_its_time_and_a_failed_import_keeps_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.redb");
    let before = now();
    {
        let store = Store::open(&path).unwrap();
        store.import_registry(REGISTRY.as_bytes()).unwrap();
    }
    let facts = doctor::database_facts(&path).unwrap();
    let at = facts.imported_at.expect("import time recorded");
    assert!((before..=now()).contains(&at), "{at} not in {before}..");
    assert_eq!((facts.rows, facts.people), (1, 1));
    assert_eq!(
        doctor::check_registry(&Ok(facts.clone()), now(), doctor::REGISTRY_STALE).status,
        Status::Pass
    );

    {
        let store = Store::open(&path).unwrap();
        let bad =
            "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction\n\
                   MO-2,primary,OKAFOR,CHIDI,,,1979-13-03,M,MO\n";
        assert!(store.import_registry(bad.as_bytes()).is_err());
    }
    assert_eq!(doctor::database_facts(&path).unwrap(), facts);
}

#[test]
fn an_empty_database_has_no_registry_and_no_import_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.redb");
    drop(Store::open(&path).unwrap());
    let facts = doctor::database_facts(&path).unwrap();
    assert_eq!((facts.rows, facts.imported_at), (0, None));
    assert_eq!(
        doctor::check_registry(&Ok(facts), now(), doctor::REGISTRY_STALE).status,
        Status::Fail
    );
    let missing = doctor::database_facts(&dir.path().join("nope.redb"));
    assert!(missing.unwrap_err().starts_with(doctor::NO_DATABASE));
    assert!(!dir.path().join("nope.redb").exists());
}
