//! The running kiosk queues its alerts and visits in the outbox: `vestibule kiosk --sim
//! --headless` with a flagged visitor and a cleared one, a webhook and the district's visit log
//! on loopback HTTPS, then `vestibule outbox flush` for anything still waiting.

mod alerts_support;
mod feed_support;

use alerts_support::{config, Receiver};
use feed_support::{ok, vestibule, Ca};
use serde_json::{json, Value};

/// MICHAEL JOHN SAMPLE JR, born 1986-06-06 (Virginia, AAMVA annex D sample): on the registry.
const SAMPLE: &str = include_str!("fixtures/aamva/v10-va-annex-d.txt");
/// CAPTAIN JACK MORGAN, born 1960-05-22 (Pennsylvania sample): on no list.
const MORGAN: &str = include_str!("fixtures/aamva/v09-pa.txt");

const REGISTRY: &str =
    "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense
VA-0001,primary,SAMPLE,MICHAEL,J,JR,1986-06-06,M,VA,Example offence
";

fn tap(label: &str) -> Value {
    json!({ "tap": label })
}

#[test]
fn a_flag_and_a_staff_decision_reach_the_webhook_and_visits_reach_the_district() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("Alerts test CA");
    let ca_file = ca.write(&dir.path().join("ca.pem"));
    let hook = Receiver::start(&ca);
    let district = Receiver::start(&ca);
    let path = config(
        dir.path(),
        &format!(
            "webhooks = [\"{}/hook\"]\nca = \"{}\"",
            hook.url,
            ca_file.display()
        ),
        &format!(
            "[district]\nvisits_url = \"{}/visits\"\n\n[sync]\nca = \"{}\"",
            district.url,
            ca_file.display()
        ),
    );
    let db = dir.path().join("kiosk.redb");
    let registry = dir.path().join("registry.csv");
    std::fs::write(&registry, REGISTRY).unwrap();
    ok(vestibule()
        .args(["registry", "import", "--db"])
        .arg(&db)
        .arg(&registry));

    let mut events = vec![
        json!({ "scan": MORGAN }),
        tap("purpose:visitor"),
        tap("destination:library"),
        json!({ "wait_ms": 6000 }),
        json!({ "scan": SAMPLE }),
    ];
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
    events.extend([tap("is-a-match"), tap("deny")]);
    let script: String = events.iter().map(|e| format!("{e}\n")).collect();
    let script_file = dir.path().join("script.jsonl");
    std::fs::write(&script_file, script).unwrap();
    let out = dir.path().join("out");
    let run = vestibule()
        .arg("--config")
        .arg(&path)
        .args(["kiosk", "--sim", "--headless", "--events"])
        .arg(&script_file)
        .arg("--out")
        .arg(&out)
        .arg("--db")
        .arg(&db)
        .env("VESTIBULE_LOG", "debug")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    for name in ["SAMPLE", "MICHAEL", "MORGAN", "Morgan", "1986-06-06"] {
        assert!(!stderr.contains(name), "personal data in the log: {stderr}");
    }
    // alerts.jsonl stays (docs/scripted-kiosk.md)
    let jsonl = std::fs::read_to_string(out.join("alerts.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 2, "{jsonl}");

    // whatever the kiosk's thread had not sent when the script ended goes now
    let flushed = ok(vestibule()
        .arg("--config")
        .arg(&path)
        .args(["outbox", "flush", "--db"])
        .arg(&db));
    assert!(flushed.ends_with(" 0 failed, 0 waiting\n"), "{flushed}");

    let alerts = hook.requests();
    assert_eq!(alerts.len(), 2, "{alerts:?}");
    let (flag, decision) = (&alerts[0].body, &alerts[1].body);
    assert_eq!(flag["kind"], "flagged");
    assert_eq!(flag["records"][0]["record_id"], "VA-0001");
    assert!(
        flag["visitor_name"]
            .as_str()
            .unwrap()
            .starts_with("SAMPLE, MICHAEL"),
        "{flag}"
    );
    assert_eq!(flag["visitor_dob"], "1986-06-06");
    assert_eq!(flag["school"], "Demo Elementary School");
    assert_eq!(flag["kiosk"], "Main lobby");
    assert_eq!(decision["kind"], "decision");
    assert_eq!(decision["decision"], "deny");
    assert_eq!(decision["operator"], "demo");
    assert_eq!(decision["visitor_name"], flag["visitor_name"]);
    assert_ne!(alerts[0].key, alerts[1].key);

    let batches = district.requests();
    let events: Vec<&Value> = batches
        .iter()
        .flat_map(|r| r.body["events"].as_array().unwrap())
        .collect();
    assert_eq!(events.len(), 1, "{batches:?}");
    assert_eq!(events[0]["type"], "visit");
    assert_eq!(events[0]["event"], "signed-in");
    assert_eq!(events[0]["purpose"], "visitor");
    let name = events[0]["visitor_name"].as_str().unwrap();
    assert!(name.to_uppercase().contains("MORGAN"), "{name}");

    let list = ok(vestibule().args(["outbox", "list", "--db"]).arg(&db));
    assert_eq!(list, "outbox: empty\n");
}

/// The figure: "an alert reaches a reachable webhook within 2 s of the flag". The real
/// kiosk (in process, simulated hardware) is handed the scan of a registrant; the time from the
/// scan to the webhook holding the alert is printed (a measurement, not a timed assertion, so
/// not part of the suite: `cargo test --release --test alerts_kiosk flag_to_webhook_latency --
/// --ignored --nocapture`).
#[test]
#[ignore = "a measurement: run it with --ignored --nocapture"]
fn flag_to_webhook_latency() {
    use std::time::{Duration, Instant};
    use vestibule::app::KioskApp;
    use vestibule::config::Config;
    use vestibule::store::{KeyLocation, Store};

    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("Alerts test CA");
    let ca_file = ca.write(&dir.path().join("ca.pem"));
    let hook = Receiver::start(&ca);
    let path = config(
        dir.path(),
        &format!(
            "webhooks = [\"{}/hook\"]\nca = \"{}\"",
            hook.url,
            ca_file.display()
        ),
        "",
    );
    let config = Config::load(Some(&path), Vec::new()).unwrap();
    let store = Store::open_personal(
        &dir.path().join("kiosk.redb"),
        &KeyLocation::File(dir.path().join("data.key")),
    )
    .unwrap();
    store.import_registry(REGISTRY.as_bytes()).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let epoch = time::OffsetDateTime::now_utc();
    let mut app = KioskApp::sim(&config, Some(store), &out, epoch).unwrap();
    std::thread::sleep(Duration::from_millis(200)); // the thread is idle, waiting
    let mut latencies = Vec::new();
    for n in 1..=10 {
        let scanned = Instant::now();
        app.scan(SAMPLE.as_bytes());
        assert!(
            hook.wait_for(n, Duration::from_secs(20)),
            "flag {n} never reached the webhook"
        );
        latencies.push(hook.requests()[n - 1].at - scanned);
        app.wait(25_000); // idle timeout: back to the attract screen for the next visitor
    }
    drop(app);
    assert!(hook.requests().iter().all(|r| r.body["kind"] == "flagged"));
    latencies.sort();
    eprintln!(
        "flag -> webhook: median {:?}, max {:?} over {} flags",
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1],
        latencies.len()
    );
}
