//! kill -9 during staff decisions loses nothing and keeps nothing half-written: the real
//! `vestibule kiosk --sim --headless` flags a visitor on many registry records and staff decide
//! each one ("not a match", or "is a match" then "deny"); the process is killed (SIGKILL) at 30
//! moments spread over the review (found by a first pass of 9 kills across the whole run), each
//! time on a fresh copy of the same database. After every kill the database opens and, for
//! every decision, its records are all there or none of them (the kiosk's audit line, the
//! remembered decision with the store's own audit line, the alert in the outbox), the flag's
//! too, the audit chain verifies, and the outbox then delivers each alert exactly once.

mod alerts_support;
mod feed_support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use alerts_support::{config, free_port, Receiver};
use feed_support::{ok, vestibule, Ca};
use redb::ReadableTableMetadata;
use serde_json::{json, Value};
use vestibule::alerts::{self, Channels};
use vestibule::config::Config;
use vestibule::store::{AuditCheck, KeyLocation, Store};

/// MICHAEL JOHN SAMPLE JR, born 1986-06-06 (Virginia, AAMVA annex D sample).
const SAMPLE: &str = include_str!("fixtures/aamva/v10-va-annex-d.txt");
/// The registry lists him under this many records: as many decisions in one review.
const RECORDS: usize = 24;
/// Kill points.
const KILLS: u32 = 30;

fn registry() -> String {
    let mut csv = String::from(
        "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense\n",
    );
    for n in 1..=RECORDS {
        csv += &format!("VA-{n:04},primary,SAMPLE,MICHAEL,J,JR,1986-06-06,M,VA,Example offence\n");
    }
    csv
}

fn tap(label: &str) -> Value {
    json!({ "tap": label })
}

/// Scan, log in, then decide every candidate: every third one a match that is denied.
fn script() -> String {
    let mut events = vec![json!({ "scan": SAMPLE })];
    events.extend(
        [
            "staff",
            "pin-2",
            "pin-4",
            "pin-6",
            "pin-8",
            "pin-1",
            "pin-0",
            "pin-enter",
            "review-queue",
        ]
        .into_iter()
        .map(tap),
    );
    for n in 0..RECORDS {
        if n % 3 == 2 {
            events.extend([tap("is-a-match"), tap("deny")]);
        } else {
            events.push(tap("not-a-match"));
        }
    }
    events.iter().map(|e| format!("{e}\n")).collect()
}

/// A run directory holding a copy of the base database, with a config whose webhook is a
/// closed port (nothing leaves while the kiosk runs: every alert stays in the outbox).
fn run_dir(base: &Path, n: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(base.join("kiosk.redb"), dir.path().join("kiosk.redb")).unwrap();
    std::fs::copy(base.join("data.key"), dir.path().join("data.key")).unwrap();
    let hook = format!(
        "webhooks = [\"https://127.0.0.1:{}/hook-{n}\"]\nca = \"{}\"",
        free_port(),
        base.join("ca.pem").display()
    );
    config(dir.path(), &hook, "");
    dir
}

fn kiosk(dir: &Path, script: &Path) -> std::process::Command {
    let mut command = vestibule();
    command
        .arg("--config")
        .arg(dir.join("kiosk.toml"))
        .args(["kiosk", "--sim", "--headless", "--events"])
        .arg(script)
        .arg("--out")
        .arg(dir.join("out"))
        .arg("--db")
        .arg(dir.join("kiosk.redb"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    command
}

fn open(dir: &Path) -> Store {
    Store::open_personal(
        &dir.join("kiosk.redb"),
        &KeyLocation::File(dir.join("data.key")),
    )
    .unwrap()
}

/// What one killed run left, checked whole; returns how many decisions it kept.
fn check(dir: &Path, receiver: &Receiver, ca_file: &Path) -> usize {
    let store = open(dir);
    let chain = store.verify_audit().unwrap();
    assert!(matches!(chain, AuditCheck::Intact { .. }), "{chain:?}");
    let lines: Vec<Value> = store
        .audit_lines()
        .unwrap()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let event = |l: &Value| l["event"].as_str().unwrap_or_default().to_owned();

    // The flag: every record's audit line and the one alert, or nothing.
    let flagged = lines.iter().filter(|l| event(l) == "flagged").count();
    assert!(flagged == 0 || flagged == RECORDS, "{flagged} flag lines");

    // Each "not a match": the kiosk's line, then at once the store's line for the same record.
    let mut cleared = Vec::new();
    let mut denied = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if event(line) != "decision" {
            continue;
        }
        let record = line["record_id"].as_str().unwrap().to_owned();
        match line["outcome"].as_str().unwrap() {
            "not-a-match" => {
                let next = lines.get(i + 1).expect("the remembered decision's line");
                assert_eq!(event(next), "not-a-match", "{next}");
                assert_eq!(next["record_id"], record.as_str());
                cleared.push(record);
            }
            "deny" => denied.push(record),
            other => panic!("unexpected outcome {other}"),
        }
    }
    let store_lines = lines.iter().filter(|l| event(l) == "not-a-match").count();
    assert_eq!(
        store_lines,
        cleared.len(),
        "a remembered decision without its decision"
    );
    let decisions = cleared.len() + denied.len();
    let refused = lines.iter().filter(|l| event(l) == "visit-refused").count();
    assert_eq!(refused, usize::from(decisions == RECORDS));

    // The remembered rows are exactly the "not a match" lines.
    {
        let read = store.begin_read().unwrap();
        let rows = match read.open_table(vestibule::store::schema::DECISIONS) {
            Ok(table) => table.len().unwrap() as usize,
            Err(_) => 0,
        };
        assert_eq!(rows, cleared.len(), "decision rows vs their audit lines");
    }

    // The outbox: one flag alert with the flag, one decision alert per denial.
    let waiting = store.due(u64::MAX, 10_000).unwrap();
    let mut alerted: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for pending in &waiting {
        let kind = pending.body["kind"].as_str().unwrap();
        let record = match kind {
            "decision" => {
                assert_eq!(pending.body["decision"], "deny");
                pending.body["records"][0]["record_id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
            _ => String::new(),
        };
        alerted.entry(kind).or_default().push(record);
    }
    assert_eq!(
        alerted.get("flagged").map_or(0, Vec::len),
        usize::from(flagged > 0)
    );
    assert_eq!(alerted.get("decision").cloned().unwrap_or_default(), denied);
    assert_eq!(
        alerted.len(),
        usize::from(flagged > 0) + usize::from(!denied.is_empty())
    );

    // Delivered afterwards, each exactly once (a flush also after a clean run).
    let keys: Vec<String> = waiting.iter().map(|p| p.key.clone()).collect();
    let text = format!(
        "[alerts]\nwebhooks = [\"{}/hook\"]\nca = \"{}\"\n",
        receiver.url,
        ca_file.display()
    );
    let config = Config::from_toml("kiosk.toml", &text, std::iter::empty()).unwrap();
    let channels = Channels::from_config(&config).unwrap();
    let flushed = alerts::flush(&store, &channels, u64::MAX / 2, &|| false).unwrap();
    assert_eq!(flushed.delivered as usize, keys.len());
    assert_eq!(flushed.waiting, 0);
    let accepted = receiver.accepted_keys();
    for key in &keys {
        assert_eq!(
            accepted.get(key),
            Some(&1),
            "alert {key} not delivered once"
        );
    }
    decisions
}

#[test]
fn a_decision_killed_at_any_point_is_kept_whole_or_not_at_all() {
    let base = tempfile::tempdir().unwrap();
    let ca = Ca::new("Decision kill CA");
    let ca_file = ca.write(&base.path().join("ca.pem"));
    let receiver = Receiver::start(&ca);
    let csv = base.path().join("registry.csv");
    std::fs::write(&csv, registry()).unwrap();
    config(base.path(), "", "");
    ok(vestibule()
        .arg("--config")
        .arg(base.path().join("kiosk.toml"))
        .args(["registry", "import", "--db"])
        .arg(base.path().join("kiosk.redb"))
        .arg(&csv));
    // The data key is made at the first open with it, before any run copies the file.
    drop(open(base.path()));
    let script_file = base.path().join("script.jsonl");
    std::fs::write(&script_file, script()).unwrap();

    // A whole run first: every decision is kept, and it sets the span the kills cover.
    let whole = run_dir(base.path(), 0);
    let started = Instant::now();
    let status = kiosk(whole.path(), &script_file).status().unwrap();
    let span = started.elapsed();
    assert!(status.success(), "the script runs through");
    assert_eq!(check(whole.path(), &receiver, &ca_file), RECORDS);

    // A first pass over the whole run finds when the decisions happen; the 30 kills are
    // spread over that window (a little before and after it too).
    let kill_at = |n: u32, delay: Duration| {
        let dir = run_dir(base.path(), n);
        let mut child = kiosk(dir.path(), &script_file).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL (the run may have ended already)
        child.wait().unwrap();
        check(dir.path(), &receiver, &ca_file)
    };
    let step = span / 10;
    let probes: Vec<(Duration, usize)> = (1..10)
        .map(|n| (step * n, kill_at(100 + n, step * n)))
        .collect();
    let start = probes
        .iter()
        .rev()
        .find(|(_, kept)| *kept == 0)
        .map_or(Duration::ZERO, |(at, _)| *at);
    let end = probes
        .iter()
        .find(|(_, kept)| *kept == RECORDS)
        .map_or(span, |(at, _)| *at);
    let window = end.saturating_sub(start);
    let kept: Vec<usize> = (1..=KILLS)
        .map(|n| {
            kill_at(
                n,
                start + window.mul_f64(f64::from(n) / f64::from(KILLS + 1)),
            )
        })
        .collect();
    eprintln!(
        "decisions kept at each kill: {kept:?} (kills {start:?} to {end:?}; a whole run took {span:?})"
    );
    // The kills landed all over the review, not all in one place.
    let partial = kept.iter().filter(|&&k| k > 0 && k < RECORDS).count();
    assert!(partial >= 5, "too few kills landed mid-review: {kept:?}");
}
