//! Imports are atomic: killing `vestibule registry import` at any moment leaves the previous
//! registry answering; a completed import replaces it whole.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn vestibule() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vestibule"));
    c.env_remove("VESTIBULE_DB");
    c
}

/// `vestibule registry import --db DB CSV`, not yet started.
fn import_command(db: &Path, csv: &Path) -> Command {
    let mut c = vestibule();
    c.args(["registry", "import", "--db"]).arg(db).arg(csv);
    c
}

/// Runs an import that must succeed; returns its summary line.
fn import(db: &Path, csv: &Path) -> String {
    let out = import_command(db, csv).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn flagged(db: &Path, last: &str, first: &str, dob: &str) -> Vec<String> {
    let out = vestibule()
        .args([
            "screen",
            "--db",
            db.to_str().unwrap(),
            "--last",
            last,
            "--first",
            first,
            "--dob",
            dob,
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    answer["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["record_id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_killed_import_leaves_the_previous_registry_answering() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.redb");
    let small = dir.path().join("small.csv");
    std::fs::write(
        &small,
        "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction\n\
         MO-1,primary,HENDERSON,WILLIAM,,,1970-05-14,M,MO\n",
    )
    .unwrap();
    import(&db, &small);

    let big = dir.path().join("big.csv");
    let names = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let synth = vestibule()
        .args([
            "registry",
            "synth",
            "--people",
            "15000",
            "--seed",
            "3",
            "--out",
            big.to_str().unwrap(),
        ])
        .args(["--names", names.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        synth.status.success(),
        "{}",
        String::from_utf8_lossy(&synth.stderr)
    );
    // a person from the big file, to see whether it got in
    let text = std::fs::read_to_string(&big).unwrap();
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let (last, first, dob) = (row[2].to_owned(), row[3].to_owned(), row[6].to_owned());

    for delay_ms in [20, 150, 400] {
        let mut child = import_command(&db, &big).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            break; // this machine imported faster than we could kill it; nothing left to test
        }
        assert_eq!(
            flagged(&db, "HENDERSON", "WILLIAM", "1970-05-14"),
            vec!["MO-1"],
            "after a kill at {delay_ms} ms"
        );
        assert!(!flagged(&db, &last, &first, &dob).contains(&row[0].to_owned()));
    }

    // a completed import replaces the registry whole
    let summary = import(&db, &big);
    assert!(
        summary.starts_with("imported ") && summary.contains("15000 people"),
        "{summary}"
    );
    assert!(flagged(&db, "HENDERSON", "WILLIAM", "1970-05-14")
        .iter()
        .all(|id| id != "MO-1"));
    assert!(flagged(&db, &last, &first, &dob).contains(&row[0].to_owned()));
}

#[test]
fn aliases_may_come_before_their_primary_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.redb");
    let csv = dir.path().join("r.csv");
    // the alias has no date of its own and comes first: it takes the primary's
    std::fs::write(
        &csv,
        "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense\n\
         MO-7,alias,HENDRICKS,BILL,,,,M,MO,\n\
         MO-8,primary,OKAFOR,CHIDI,,,1979-02-03,M,MO,\n\
         MO-7,primary,HENDERSON,WILLIAM,JAMES,,1970-05-14,M,MO,INDECENT EXPOSURE\n\
         MO-9,alias,LONELY,ALIAS,,,,M,MO,\n",
    )
    .unwrap();
    import(&db, &csv);
    // found by the alias with the primary's date, as an exact date
    assert_eq!(
        flagged(&db, "HENDRICKS", "BILL", "1970-05-14"),
        vec!["MO-7"]
    );
    // a namesake of the alias born years apart is not flagged on names alone
    assert!(flagged(&db, "HENDRICKS", "BILL", "1991-08-30").is_empty());
    // the primary's details reach the alias
    let out = vestibule()
        .args([
            "screen",
            "--db",
            db.to_str().unwrap(),
            "--last",
            "HENDRICKS",
            "--first",
            "BILL",
            "--dob",
            "1970-05-14",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("offense: INDECENT EXPOSURE"), "{text}");
    // an alias without any primary keeps no date: names alone reach it
    assert_eq!(flagged(&db, "LONELY", "ALIAS", "1991-08-30"), vec!["MO-9"]);
}

/// Importing into a file that already holds a registry builds the new one beside the old
/// (atomicity), then compacts: the file ends no bigger than a fresh import's, not twice it.
#[test]
fn importing_again_into_the_same_file_does_not_double_it() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let names = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let synth = vestibule()
        .args(["registry", "synth", "--people", "20000", "--seed", "5"])
        .args(["--out", csv.to_str().unwrap()])
        .args(["--names", names.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        synth.status.success(),
        "{}",
        String::from_utf8_lossy(&synth.stderr)
    );
    let imported_size = |db: &Path| {
        import(db, &csv);
        std::fs::metadata(db).unwrap().len()
    };
    let fresh = imported_size(&dir.path().join("fresh.redb"));
    let db = dir.path().join("v.redb");
    imported_size(&db);
    let again = imported_size(&db);
    let third = imported_size(&db);
    // without compaction the second import leaves 2.0x
    assert!(
        again * 100 <= fresh * 110,
        "fresh import {fresh} bytes, imported again {again} bytes"
    );
    assert!(third * 100 <= fresh * 110, "third import {third} bytes");

    // the compacted file still answers with the registry
    let text = std::fs::read_to_string(&csv).unwrap();
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    assert!(flagged(&db, row[2], row[3], row[6]).contains(&row[0].to_owned()));
}

/// A snapshot open in the same process (the kiosk's screener) keeps answering from the old
/// registry through an import; the import still succeeds, and only skips compacting.
#[test]
fn an_import_under_an_open_snapshot_succeeds_and_the_snapshot_keeps_answering() {
    use vestibule::screening::Visitor;
    use vestibule::store::Store;

    const HEADER: &str =
        "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction\n";
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("v.redb")).unwrap();
    let first = format!("{HEADER}MO-1,primary,HENDERSON,WILLIAM,,,1970-05-14,M,MO\n");
    store.import_registry(first.as_bytes()).unwrap();
    let visitor = |last: &str, first: &str, dob: &str| Visitor {
        last_name: last.into(),
        first_name: first.into(),
        middle_name: String::new(),
        suffix: String::new(),
        dob: vestibule::store::schema::parse_iso(dob),
        sex: None,
    };
    let ids = |flags: Vec<vestibule::store::Flag>| -> Vec<String> {
        flags.into_iter().map(|f| f.candidate.record_id).collect()
    };
    let old = store.screener().unwrap();
    let second = format!("{HEADER}KS-2,primary,OKAFOR,CHIDI,,,1979-02-03,M,KS\n");
    store.import_registry(second.as_bytes()).unwrap();
    let henderson = visitor("HENDERSON", "WILLIAM", "1970-05-14");
    let okafor = visitor("OKAFOR", "CHIDI", "1979-02-03");
    assert_eq!(ids(old.screen(&henderson, None).unwrap()), vec!["MO-1"]);
    assert!(old.screen(&okafor, None).unwrap().is_empty());
    drop(old);
    let new = store.screener().unwrap();
    assert!(new.screen(&henderson, None).unwrap().is_empty());
    assert_eq!(ids(new.screen(&okafor, None).unwrap()), vec!["KS-2"]);
    drop(new);
    // with no reader left, compacting runs
    assert!(store.compact().unwrap());
}
