//! The audit trail is hash-chained: `vestibule audit verify` finds an edited, deleted,
//! reordered or cut-off line in a real redb file, tampered with directly.

use std::process::{Command, Output};

use redb::{ReadableTable, TableDefinition};
use vestibule::store::Store;

const AUDIT: TableDefinition<u64, &str> = TableDefinition::new("audit");
const EVENTS: [&str; 5] = ["one", "two", "three", "four", "five"];

fn trail() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.redb");
    let store = Store::open(&db).unwrap();
    for (n, event) in EVENTS.iter().enumerate() {
        store
            .audit(
                serde_json::json!({"event": event, "visit": n + 1, "at": "2026-11-23T08:00:00Z"}),
            )
            .unwrap();
    }
    (dir, db)
}

fn vestibule(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args(args)
        .env_remove("CREDENTIALS_DIRECTORY")
        .env_remove("VESTIBULE_CONFIG")
        .output()
        .unwrap()
}

fn verify(db: &std::path::Path) -> (Option<i32>, String, String) {
    let out = vestibule(&["audit", "verify", "--db", &db.display().to_string()]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Opens the file with redb itself, as someone editing it would.
fn tamper(db: &std::path::Path, change: impl FnOnce(&mut redb::Table<u64, &str>)) {
    let file = redb::Database::open(db).unwrap();
    let write = file.begin_write().unwrap();
    change(&mut write.open_table(AUDIT).unwrap());
    write.commit().unwrap();
}

fn line(table: &redb::Table<u64, &str>, n: u64) -> String {
    table.get(n).unwrap().unwrap().value().to_owned()
}

#[test]
fn an_intact_chain_verifies_and_lines_print_one_object_each() {
    let (_dir, db) = trail();
    assert_eq!(
        verify(&db),
        (Some(0), "5 lines, chain intact\n".into(), String::new())
    );
    let out = vestibule(&["decision", "audit", "--db", &db.display().to_string()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[2]["event"], "three");
    assert_eq!(lines[2]["seq"], 3);
    assert_eq!(lines[2]["prev"], lines[1]["hash"]);
    // appending keeps it intact
    Store::open(&db)
        .unwrap()
        .audit(serde_json::json!({"event": "six"}))
        .unwrap();
    assert_eq!(verify(&db).1, "6 lines, chain intact\n");
}

#[test]
fn an_edited_line_is_found() {
    let (_dir, db) = trail();
    tamper(&db, |t| {
        let edited = line(t, 3).replace("\"visit\":3", "\"visit\":33");
        t.insert(3, edited.as_str()).unwrap();
    });
    let (code, stdout, stderr) = verify(&db);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert_eq!(
        stderr,
        "vestibule: audit line 3 was altered (its hash does not match its content)\n"
    );
}

#[test]
fn an_edit_with_a_recomputed_hash_breaks_the_next_line() {
    let (_dir, db) = trail();
    tamper(&db, |t| {
        let mut v: serde_json::Value = serde_json::from_str(&line(t, 2)).unwrap();
        v["event"] = "TWO".into();
        let object = v.as_object_mut().unwrap();
        object.remove("hash");
        let canonical = vestibule::store::audit::canonical(&v);
        let hash = vestibule::store::audit::line_hash(v["prev"].as_str().unwrap(), &canonical);
        v["hash"] = hash.into();
        t.insert(2, vestibule::store::audit::canonical(&v).as_str())
            .unwrap();
    });
    let (code, _, stderr) = verify(&db);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("audit line 3 does not follow"), "{stderr}");
}

#[test]
fn a_deleted_middle_line_is_found() {
    let (_dir, db) = trail();
    tamper(&db, |t| {
        t.remove(3).unwrap();
    });
    let (code, _, stderr) = verify(&db);
    assert_eq!(code, Some(2));
    assert_eq!(stderr, "vestibule: audit line 3 is missing\n");
}

#[test]
fn a_deleted_and_renumbered_line_is_found() {
    let (_dir, db) = trail();
    tamper(&db, |t| {
        for n in 3..5 {
            let next = line(t, n + 1);
            t.insert(n, next.as_str()).unwrap();
        }
        t.remove(5).unwrap();
    });
    let (code, _, stderr) = verify(&db);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("audit line 3 does not follow"), "{stderr}");
}

#[test]
fn reordered_lines_are_found() {
    let (_dir, db) = trail();
    tamper(&db, |t| {
        let (two, four) = (line(t, 2), line(t, 4));
        t.insert(2, four.as_str()).unwrap();
        t.insert(4, two.as_str()).unwrap();
    });
    let (code, _, stderr) = verify(&db);
    assert_eq!(code, Some(2));
    assert!(stderr.starts_with("vestibule: audit line 2 "), "{stderr}");
}

#[test]
fn a_cut_off_tail_is_found() {
    let (_dir, db) = trail();
    tamper(&db, |t| {
        t.remove(5).unwrap();
    });
    let (code, _, stderr) = verify(&db);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("audit line 5 is missing (the trail ends early)"),
        "{stderr}"
    );
}

#[test]
fn verify_refuses_a_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = verify(&dir.path().join("none.redb"));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("none.redb"));
    assert!(
        !dir.path().join("none.redb").exists(),
        "verify creates nothing"
    );
}

/// A trail begun before the chain existed: `legacy` plain JSON lines (keys 1..), then lines
/// the chained store appended onto them.
fn legacy_trail(legacy: u64) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.redb");
    drop(Store::open(&db).unwrap());
    tamper(&db, |t| {
        for n in 1..=legacy {
            let old = serde_json::json!({"event": format!("old-{n}"), "visit": n});
            t.insert(n, old.to_string().as_str()).unwrap();
        }
    });
    let store = Store::open(&db).unwrap();
    for event in ["new-1", "new-2"] {
        store.audit(serde_json::json!({"event": event})).unwrap();
    }
    (dir, db)
}

fn rechain(db: &std::path::Path) -> (Option<i32>, String, String) {
    let out = vestibule(&["audit", "rechain", "--db", &db.display().to_string()]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn rechain_chains_the_lines_from_before_the_chain_once_and_audits_it() {
    let (_dir, db) = legacy_trail(3);
    let (code, _, stderr) = verify(&db);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("audit line 1 carries no hash"), "{stderr}");

    assert_eq!(
        rechain(&db),
        (
            Some(0),
            "chained 3 line(s) written before the audit chain; 6 lines, chain intact\n".into(),
            String::new()
        )
    );
    assert_eq!(verify(&db).1, "6 lines, chain intact\n");
    let lines: Vec<serde_json::Value> = Store::open(&db)
        .unwrap()
        .audit_lines()
        .unwrap()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        [
            "old-1",
            "old-2",
            "old-3",
            "new-1",
            "new-2",
            "audit-rechained"
        ]
    );
    assert_eq!(lines[1]["visit"], 2, "every event's fields are kept");
    assert_eq!(lines[5]["legacy_lines"], 3);
    assert_eq!(lines[5]["lines"], 5);
    assert!(lines[5]["at"].as_str().unwrap().ends_with('Z'));

    // once: a chained trail is left as it is
    let again = rechain(&db);
    assert_eq!(
        again.1, "the audit trail is chained already (6 lines): nothing to do\n",
        "{}",
        again.2
    );
    assert_eq!(verify(&db).1, "6 lines, chain intact\n");
}

#[test]
fn rechain_refuses_a_trail_whose_chained_part_was_changed_and_changes_nothing() {
    let (_dir, db) = legacy_trail(2);
    tamper(&db, |t| {
        let edited = line(t, 4).replace("new-2", "NEW-2");
        t.insert(4, edited.as_str()).unwrap();
    });
    let before = Store::open(&db).unwrap().audit_lines().unwrap();
    let (code, stdout, stderr) = rechain(&db);
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("audit line 4 does not verify"), "{stderr}");
    assert_eq!(Store::open(&db).unwrap().audit_lines().unwrap(), before);

    // a line without a hash after chained ones is not "from before the chain" either
    let (_dir, db) = legacy_trail(1);
    tamper(&db, |t| {
        t.insert(4, r#"{"event":"slipped-in"}"#).unwrap();
    });
    let (code, _, stderr) = rechain(&db);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("audit line 4 carries no hash after chained lines"),
        "{stderr}"
    );
}
