//! The running kiosk watches its registry's age: `vestibule kiosk --sim --headless` with
//! `sync.max_registry_age_hours = 1` lets kiosk time pass; the registry becomes older than
//! allowed and ONE `registry-stale` alert is queued (with its audit line), not one per look
//! nor one per restart; a newer registry that ages in turn sends its own. The staff screen
//! shows the age, in the warning style once stale.

mod alerts_support;
mod feed_support;
mod kiosk_support;

use std::path::{Path, PathBuf};

use alerts_support::{config, free_port};
use feed_support::{ok, vestibule, Ca};
use kiosk_support::login;
use serde_json::{json, Value};
use vestibule::store::{AuditCheck, KeyLocation, Store};

const REGISTRY: &str =
    "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense
VA-0001,primary,SAMPLE,MICHAEL,J,JR,1986-06-06,M,VA,Example offence
";
const HOUR_MS: u64 = 3_600_000;

struct Kiosk {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Kiosk {
    fn new() -> Kiosk {
        let dir = tempfile::tempdir().unwrap();
        let ca = Ca::new("Stale registry CA").write(&dir.path().join("ca.pem"));
        // A closed port: alerts wait in the outbox, where the test counts them.
        let alerts = format!(
            "webhooks = [\"https://127.0.0.1:{}/hook\"]\nca = \"{}\"",
            free_port(),
            ca.display()
        );
        let config = config(dir.path(), &alerts, "[sync]\nmax_registry_age_hours = 1");
        let k = Kiosk { dir, config };
        k.import();
        k
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("kiosk.redb")
    }

    fn import(&self) {
        let csv = self.dir.path().join("registry.csv");
        std::fs::write(&csv, REGISTRY).unwrap();
        ok(vestibule()
            .arg("--config")
            .arg(&self.config)
            .args(["registry", "import", "--db"])
            .arg(self.db())
            .arg(&csv));
    }

    /// Runs a script; returns its out directory.
    fn run(&self, name: &str, events: &[Value]) -> PathBuf {
        let script = self.dir.path().join(format!("{name}.jsonl"));
        let text: String = events.iter().map(|e| format!("{e}\n")).collect();
        std::fs::write(&script, text).unwrap();
        let out = self.dir.path().join(name);
        ok(vestibule()
            .arg("--config")
            .arg(&self.config)
            .args(["kiosk", "--sim", "--headless", "--events"])
            .arg(&script)
            .arg("--out")
            .arg(&out)
            .arg("--db")
            .arg(self.db()));
        out
    }

    fn store(&self) -> Store {
        Store::open_personal(
            &self.db(),
            &KeyLocation::File(self.dir.path().join("data.key")),
        )
        .unwrap()
    }

    /// The stale alerts waiting in the outbox and the stale audit lines, counted.
    fn stale(&self) -> (usize, usize) {
        let store = self.store();
        assert!(matches!(
            store.verify_audit().unwrap(),
            AuditCheck::Intact { .. }
        ));
        let alerts = store
            .due(u64::MAX, 100)
            .unwrap()
            .iter()
            .filter(|p| p.body["kind"] == "registry-stale")
            .inspect(|p| {
                assert_eq!(p.body["type"], "alert");
                assert_eq!(p.body["kiosk"], "Main lobby");
                assert!(p.body.get("visitor_name").is_none());
            })
            .count();
        let lines = store
            .audit_lines()
            .unwrap()
            .iter()
            .filter(|l| l.contains("\"event\":\"registry-stale\""))
            .count();
        (alerts, lines)
    }
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_registry_older_than_allowed_alerts_once_and_the_staff_screen_says_so() {
    let k = Kiosk::new();
    let mut events = login();
    events.push(json!({ "screenshot": "staff-fresh" }));
    events.push(json!({ "tap": "done" }));
    // Three hours pass: stale after the first, looked at every minute, alerted once.
    events.extend((0..3).map(|_| json!({ "wait_ms": HOUR_MS })));
    events.extend(login());
    events.push(json!({ "screenshot": "staff-stale" }));
    let out = k.run("aging", &events);
    let alerts = jsonl(&out.join("alerts.jsonl"));
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["kind"], "registry-stale");
    let at = alerts[0]["at_ms"].as_u64().unwrap();
    assert!(
        (HOUR_MS - 10 * 60_000..=HOUR_MS + 60_000).contains(&at),
        "{at}"
    );
    assert_eq!(k.stale(), (1, 1));
    // The two screens differ by the age line's style (and text).
    let fresh = std::fs::read(out.join("staff-fresh.png")).unwrap();
    let stale = std::fs::read(out.join("staff-stale.png")).unwrap();
    assert_ne!(fresh, stale);

    // A restart with the same old registry does not send it again.
    let out = k.run("restart", &[json!({ "wait_ms": 2 * HOUR_MS })]);
    assert!(jsonl(&out.join("alerts.jsonl")).is_empty());
    assert_eq!(k.stale(), (1, 1));

    // A newer registry (imported at a later second) starts fresh, and alerts once it ages.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    k.import();
    let out = k.run("newer", &[json!({ "wait_ms": 30 * 60_000 })]);
    assert!(jsonl(&out.join("alerts.jsonl")).is_empty(), "fresh for now");
    let out = k.run("newer-aged", &[json!({ "wait_ms": 2 * HOUR_MS })]);
    assert_eq!(jsonl(&out.join("alerts.jsonl")).len(), 1);
    assert_eq!(k.stale(), (2, 2));
}
