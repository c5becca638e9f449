//! Personal records at rest on a real redb file: sealed under the data key, the key file's
//! rules, `vestibule key rotate` (and crashes part-way), `vestibule purge` with `--now`.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};

use redb::{ReadableDatabase, ReadableTable, TableDefinition};
use vestibule::store::decisions::Decided;
use vestibule::store::visits::StoredVisit;
use vestibule::store::{Key, KeyLocation, Source, Store, StoreError};

const NAME: &str = "Wilhelmina Quartermaine";
const IDENTITY: &str = "QUARTERMAINE|WILHELMINA|1980-02-29|4321";
const DECIDED: Decided = Decided {
    at: "2026-01-10T08:00:00-05:00",
    by: "Ms Office",
};

fn visit(n: u32, signed_in: &str) -> StoredVisit {
    StoredVisit {
        visit: n,
        signed_in: signed_in.into(),
        visitor_name: format!("{NAME} {n}"),
        purpose: "Visitor".into(),
        destination: "Library".into(),
        no_id: false,
        cleared_by: None,
        signed_out: None,
    }
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("v.redb")
    }
    fn key_file(&self) -> PathBuf {
        self.dir.path().join("v.redb.key")
    }
    fn location(&self) -> KeyLocation {
        KeyLocation::File(self.key_file())
    }
    fn open(&self) -> Store {
        Store::open_personal(&self.db(), &self.location()).unwrap()
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vestibule"))
            .args(args)
            .env_remove("CREDENTIALS_DIRECTORY")
            .env_remove("VESTIBULE_CONFIG")
            .env_remove("VESTIBULE_DB")
            .output()
            .unwrap()
    }
    fn db_arg(&self) -> String {
        self.db().display().to_string()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn personal_records_are_sealed_in_the_file_and_need_the_key() {
    let f = Fixture::new();
    {
        let store = f.open();
        store
            .save_visit(&visit(1, "2026-11-23T08:00:00-05:00"))
            .unwrap();
        store
            .remember_not_a_match(IDENTITY, Source::Registry, "MO-1", &DECIDED)
            .unwrap();
        store
            .block_person(IDENTITY, Source::Watchlist, "W-1", &DECIDED)
            .unwrap();
        assert_eq!(store.visits().unwrap()[0].visitor_name, format!("{NAME} 1"));
        assert_eq!(store.blocked(IDENTITY).unwrap().unwrap().record_id, "W-1");
    }
    let mode = std::fs::metadata(f.key_file())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "the key file is created private");
    assert_eq!(std::fs::read(f.key_file()).unwrap().len(), 32);

    // (the audit trail names the staff member who decided, by design, and no visitor)
    let bytes = std::fs::read(f.db()).unwrap();
    for secret in ["Wilhelmina", "QUARTERMAINE", "1980-02-29", "Library"] {
        assert!(
            !contains(&bytes, secret),
            "{secret} is in the file in clear"
        );
    }

    // without the key: registry work and screening, but no personal records
    let keyless = Store::open(&f.db()).unwrap();
    assert!(matches!(keyless.visits(), Err(StoreError::NoKey)));
    assert!(keyless.screener().is_ok());
    drop(keyless);

    // another key is refused at open, naming nothing personal
    let wrong = Store::open_with_key(&f.db(), &Key::generate())
        .err()
        .unwrap();
    assert!(matches!(wrong, StoreError::WrongKey { .. }), "{wrong}");

    // the key file: refused when others may read it, naming it; never silently replaced
    std::fs::set_permissions(f.key_file(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = f.run(&["visits", "--all", "--db", &f.db_arg()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("v.redb.key") && err.contains("0644"), "{err}");
    assert_eq!(err.lines().count(), 1);
    std::fs::set_permissions(f.key_file(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let saved = std::fs::read(f.key_file()).unwrap();
    std::fs::remove_file(f.key_file()).unwrap();
    let out = f.run(&["visits", "--all", "--db", &f.db_arg()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is missing"),
        "{}",
        text(&out.stderr)
    );
    assert!(!f.key_file().exists(), "no new key over sealed records");
    std::fs::write(f.key_file(), saved).unwrap();
    std::fs::set_permissions(f.key_file(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = f.run(&["visits", "--all", "--db", &f.db_arg()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(NAME));
}

#[test]
fn a_sealed_value_moved_to_another_row_does_not_open() {
    let f = Fixture::new();
    {
        let store = f.open();
        store
            .save_visit(&visit(1, "2026-11-23T08:00:00-05:00"))
            .unwrap();
        store
            .save_visit(&visit(2, "2026-11-23T09:00:00-05:00"))
            .unwrap();
    }
    {
        const VISITS: TableDefinition<u32, &str> = TableDefinition::new("visits");
        let db = redb::Database::open(f.db()).unwrap();
        let write = db.begin_write().unwrap();
        {
            let mut table = write.open_table(VISITS).unwrap();
            let one = table.get(1).unwrap().unwrap().value().to_owned();
            table.insert(2, one.as_str()).unwrap();
        }
        write.commit().unwrap();
    }
    let numbers: Vec<u32> = f.open().visits().unwrap().iter().map(|v| v.visit).collect();
    assert_eq!(numbers, vec![1], "the moved copy is left out");
}

#[test]
fn key_rotate_reseals_everything_under_a_new_key() {
    let f = Fixture::new();
    {
        let store = f.open();
        store
            .save_visit(&visit(1, "2026-11-23T08:00:00-05:00"))
            .unwrap();
        store
            .remember_not_a_match(IDENTITY, Source::Registry, "MO-1", &DECIDED)
            .unwrap();
        store
            .block_person(IDENTITY, Source::Registry, "MO-2", &DECIDED)
            .unwrap();
    }
    let old = std::fs::read(f.key_file()).unwrap();
    let out = f.run(&["key", "rotate", "--db", &f.db_arg()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("1 visit(s), 1 decision(s), 1 block(s)"),
        "{said}"
    );
    let new = std::fs::read(f.key_file()).unwrap();
    assert_ne!(old, new);
    assert_eq!(
        std::fs::metadata(f.key_file())
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    assert!(!f.dir.path().join("v.redb.key.new").exists());

    let old_key = Key::from_bytes(old.try_into().unwrap());
    assert!(
        Store::open_with_key(&f.db(), &old_key).is_err(),
        "old key refused"
    );
    let store = f.open();
    assert_eq!(store.visits().unwrap()[0].visitor_name, format!("{NAME} 1"));
    assert_eq!(store.blocked(IDENTITY).unwrap().unwrap().record_id, "MO-2");
    assert_eq!(
        store.forget_decisions(IDENTITY, &DECIDED).unwrap(),
        2,
        "the decision and the block, found under the new token"
    );
    let audit = store.audit_lines().unwrap();
    assert!(audit.iter().any(|l| l.contains("\"key-rotated\"")));
    assert!(audit.iter().all(|l| !l.contains("QUARTERMAINE")));
}

#[test]
fn a_rotation_interrupted_before_the_commit_keeps_the_old_key() {
    let f = Fixture::new();
    f.open()
        .save_visit(&visit(1, "2026-11-23T08:00:00-05:00"))
        .unwrap();
    let old = std::fs::read(f.key_file()).unwrap();
    // step 1 done, then the power went: the new key is on disk, nothing re-sealed
    Key::generate()
        .write_new(&f.dir.path().join("v.redb.key.new"))
        .unwrap();
    let store = f.open();
    assert_eq!(store.visits().unwrap().len(), 1);
    assert_eq!(std::fs::read(f.key_file()).unwrap(), old);
    assert!(!f.dir.path().join("v.redb.key.new").exists());
}

#[test]
fn a_rotation_interrupted_before_the_rename_is_finished_at_the_next_open() {
    let f = Fixture::new();
    let pending = f.dir.path().join("v.redb.key.new");
    {
        let mut store = f.open();
        store
            .save_visit(&visit(1, "2026-11-23T08:00:00-05:00"))
            .unwrap();
        // steps 1 and 2 done, then the power went before the rename
        let new = Key::generate();
        new.write_new(&pending).unwrap();
        store.reseal(&new, "2026-11-23T10:00:00Z").unwrap();
    }
    let pending_key = std::fs::read(&pending).unwrap();
    let store = f.open();
    assert_eq!(store.visits().unwrap()[0].visit, 1);
    assert_eq!(std::fs::read(f.key_file()).unwrap(), pending_key);
    assert!(!pending.exists());
}

#[test]
fn purge_deletes_old_visits_keeps_recent_ones_and_audits_counts() {
    let f = Fixture::new();
    {
        let store = f.open();
        store
            .save_visit(&visit(1, "2025-01-10T08:00:00-05:00"))
            .unwrap();
        store
            .save_visit(&visit(2, "2025-11-20T08:00:00-05:00"))
            .unwrap();
        store
            .save_visit(&visit(3, "2026-11-20T08:00:00-05:00"))
            .unwrap();
        store
            .remember_not_a_match(IDENTITY, Source::Registry, "MO-1", &DECIDED)
            .unwrap();
    }
    // default retention: 365 days; decisions kept
    let out = f.run(&[
        "purge",
        "--db",
        &f.db_arg(),
        "--now",
        "2026-11-23T12:00:00Z",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert_eq!(said.lines().count(), 1);
    assert!(
        said.starts_with("purged 2 visit(s) signed in before 2025-11-23T12:00:00Z, 0 decision(s)"),
        "{said}"
    );
    {
        let store = f.open();
        let left: Vec<u32> = store.visits().unwrap().iter().map(|v| v.visit).collect();
        assert_eq!(left, vec![3]);
        assert_eq!(store.next_visit_number().unwrap(), 4);
        let line = store.audit_lines().unwrap().pop().unwrap();
        assert!(
            line.contains("\"purge\"") && line.contains("\"visits\":2"),
            "{line}"
        );
        assert!(!line.contains(NAME) && !line.contains("QUARTERMAINE"));
    }

    // a policy for decisions: 30 days, and every visit older than a year gone
    let config = f.dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        "[privacy]\nretention_days = 1\ndecisions_retention_days = 30\n",
    )
    .unwrap();
    let out = f.run(&[
        "--config",
        &config.display().to_string(),
        "purge",
        "--db",
        &f.db_arg(),
        "--now",
        "2026-11-23T12:00:00Z",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("purged 1 visit(s)")
            && text(&out.stdout).contains("1 decision(s)")
    );
    let store = f.open();
    assert!(store.visits().unwrap().is_empty());
    assert_eq!(
        store.next_visit_number().unwrap(),
        4,
        "numbers never repeat"
    );
    assert_eq!(store.forget_decisions(IDENTITY, &DECIDED).unwrap(), 0);
    drop(store);

    let out = f.run(&["purge", "--db", &f.db_arg(), "--now", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--now yesterday"));
}

#[test]
fn records_written_before_encryption_are_sealed_on_first_use_of_a_key() {
    let f = Fixture::new();
    drop(Store::open(&f.db()).unwrap());
    {
        const VISITS: TableDefinition<u32, &str> = TableDefinition::new("visits");
        const DECISIONS: TableDefinition<&str, &str> = TableDefinition::new("decisions");
        let db = redb::Database::open(f.db()).unwrap();
        let write = db.begin_write().unwrap();
        let json = serde_json::to_string(&visit(1, "2026-11-23T08:00:00-05:00")).unwrap();
        write
            .open_table(VISITS)
            .unwrap()
            .insert(1, json.as_str())
            .unwrap();
        let key = format!("{IDENTITY}\u{1f}registry\u{1f}MO-1");
        write
            .open_table(DECISIONS)
            .unwrap()
            .insert(
                key.as_str(),
                r#"{"decision":"not-a-match","at":"2026-01-10T08:00:00-05:00","by":"x"}"#,
            )
            .unwrap();
        write.commit().unwrap();
    }
    let store = f.open();
    assert_eq!(store.visits().unwrap()[0].visitor_name, format!("{NAME} 1"));
    drop(store);
    let db = redb::Database::open(f.db()).unwrap();
    let read = db.begin_read().unwrap();
    let table = read
        .open_table(TableDefinition::<&str, &str>::new("decisions"))
        .unwrap();
    for entry in table.iter().unwrap() {
        assert!(!entry.unwrap().0.value().contains("QUARTERMAINE"));
    }
    drop((table, read, db));
    assert_eq!(f.open().forget_decisions(IDENTITY, &DECIDED).unwrap(), 1);
}

#[test]
fn the_running_kiosk_purges_once_a_day() {
    let f = Fixture::new();
    {
        let store = f.open();
        store
            .save_visit(&visit(1, "2024-01-10T08:00:00-05:00"))
            .unwrap();
        store
            .save_visit(&visit(2, "2026-11-20T08:00:00-05:00"))
            .unwrap();
    }
    let out = f.dir.path().join("sim");
    std::fs::create_dir(&out).unwrap();
    let epoch = time::macros::datetime!(2026-11-23 08:00 UTC);
    let config = vestibule::config::Config::default();
    let mut app = vestibule::app::KioskApp::sim(&config, Some(f.open()), &out, epoch).unwrap();
    app.advance_to(1_000);
    app.advance_to(2_000);
    drop(app);
    let store = f.open();
    let left: Vec<u32> = store.visits().unwrap().iter().map(|v| v.visit).collect();
    assert_eq!(left, vec![2]);
    let purges = store
        .audit_lines()
        .unwrap()
        .into_iter()
        .filter(|l| l.contains("\"purge\""))
        .count();
    assert_eq!(purges, 1, "once for the day");
}

/// The audit trail is kept through purges (docs/personal-data.md, "Retention and purge"): its
/// lines name events, visit numbers, record ids and staff, never a visitor, and the chain
/// verifies from its first line after any number of purges.
#[test]
fn purge_keeps_the_audit_trail_verifiable_and_free_of_visitors() {
    let f = Fixture::new();
    {
        let store = f.open();
        store
            .save_visit(&visit(1, "2025-01-10T08:00:00-05:00"))
            .unwrap();
        store
            .remember_not_a_match(IDENTITY, Source::Registry, "MO-1", &DECIDED)
            .unwrap();
    }
    let lines_before = f.open().audit_lines().unwrap().len();
    for now in ["2026-11-23T12:00:00Z", "2026-11-24T12:00:00Z"] {
        let out = f.run(&["purge", "--db", &f.db_arg(), "--now", now]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let store = f.open();
    assert!(store.visits().unwrap().is_empty());
    let lines = store.audit_lines().unwrap();
    assert_eq!(
        lines.len(),
        lines_before + 2,
        "nothing removed, one line a purge"
    );
    assert!(lines.iter().all(|l| !l.contains(NAME)), "{lines:?}");
    drop(store);
    let out = f.run(&["audit", "verify", "--db", &f.db_arg()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("chain intact"),
        "{}",
        text(&out.stdout)
    );
}
