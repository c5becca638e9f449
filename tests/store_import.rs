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
    let ok = vestibule()
        .args([
            "registry",
            "import",
            "--db",
            db.to_str().unwrap(),
            small.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(ok.status.success());

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
        let mut child = vestibule()
            .args([
                "registry",
                "import",
                "--db",
                db.to_str().unwrap(),
                big.to_str().unwrap(),
            ])
            .spawn()
            .unwrap();
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
    let ok = vestibule()
        .args([
            "registry",
            "import",
            "--db",
            db.to_str().unwrap(),
            big.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(ok.status.success());
    let summary = String::from_utf8(ok.stdout).unwrap();
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
    let out = vestibule()
        .args([
            "registry",
            "import",
            "--db",
            db.to_str().unwrap(),
            csv.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
