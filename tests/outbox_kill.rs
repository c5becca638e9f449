//! The outbox survives a delivery killed mid-send: `vestibule outbox flush` is killed (SIGKILL)
//! while the webhook stalls on its request; the next flush sends everything, and the receiver,
//! dropping duplicates by idempotency key, has each alert exactly once. Also: visits and their
//! uploads commit together, and `outbox list` shows no personal data.

mod alerts_support;
mod feed_support;

use std::path::Path;
use std::time::Duration;

use alerts_support::{config, Mode, Receiver};
use feed_support::{ok, vestibule, Ca};
use vestibule::alerts::{self, AlertMessage, Outgoing};
use vestibule::store::visits::StoredVisit;
use vestibule::store::{KeyLocation, Store};

fn store(dir: &Path) -> Store {
    Store::open_personal(
        &dir.join("kiosk.redb"),
        &KeyLocation::File(dir.join("data.key")),
    )
    .unwrap()
}

fn alert(n: usize) -> serde_json::Value {
    serde_json::to_value(Outgoing::Alert(AlertMessage {
        kind: "flagged".into(),
        at: "2026-11-23T09:41:07-06:00".into(),
        school: "Demo Elementary School".into(),
        kiosk: "Main lobby".into(),
        visit: Some(format!("V-{n:04}")),
        visitor_name: Some("ROE, RICHARD".into()),
        visitor_dob: Some("1966-06-16".into()),
        records: Vec::new(),
        decision: None,
        operator: None,
        student: None,
        reason_code: None,
        held_back: None,
    }))
    .unwrap()
}

#[test]
fn a_flush_killed_mid_send_loses_nothing_and_the_receiver_sees_each_alert_once() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("Alerts test CA");
    let ca_file = ca.write(&dir.path().join("ca.pem"));
    let receiver = Receiver::start(&ca);
    let path = config(
        dir.path(),
        &format!(
            "webhooks = [\"{}/hook\"]\nca = \"{}\"\ntimeout_secs = 60",
            receiver.url,
            ca_file.display()
        ),
        "",
    );
    let db = dir.path().join("kiosk.redb");
    let queued: Vec<String> = {
        let store = store(dir.path());
        (1..=3)
            .map(|n| {
                store
                    .enqueue(&["webhook-1".into()], &alert(n), alerts::now_ms())
                    .unwrap()
            })
            .collect()
    };

    // The receiver takes the first request and never answers; kill -9 the sender meanwhile.
    receiver.set_mode(Mode::Stall);
    let mut child = vestibule()
        .arg("--config")
        .arg(&path)
        .args(["outbox", "flush", "--db"])
        .arg(&db)
        .spawn()
        .unwrap();
    assert!(
        receiver.wait_for(1, Duration::from_secs(30)),
        "the flush never sent"
    );
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert_eq!(receiver.requests().len(), 1);

    let list = ok(vestibule().args(["outbox", "list", "--db"]).arg(&db));
    assert!(list.starts_with("webhook-1: 3 waiting, oldest "), "{list}");
    assert!(!list.contains("ROE") && !list.contains("1966"), "{list}");

    // Back up: the next flush sends all three, the interrupted one again under its key.
    receiver.set_mode(Mode::Accept);
    let summary = ok(vestibule()
        .arg("--config")
        .arg(&path)
        .args(["outbox", "flush", "--db"])
        .arg(&db));
    assert_eq!(summary, "outbox: 3 delivered, 0 failed, 0 waiting\n");
    let all = receiver.requests();
    assert_eq!(all.len(), 4, "the stalled one is sent again");
    assert_eq!(all[0].key, all[1].key, "same idempotency key on the resend");
    let kept = receiver.accepted_keys();
    assert_eq!(kept.len(), 3);
    assert!(kept.values().all(|&n| n == 1), "{kept:?}");
    for key in &queued {
        assert!(kept.contains_key(key), "alert {key} lost");
    }
    let empty = ok(vestibule().args(["outbox", "list", "--db"]).arg(&db));
    assert_eq!(empty, "outbox: empty\n");
}

#[test]
fn a_visit_and_its_upload_commit_together_and_a_sign_out_queues_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let visit = StoredVisit {
        visit: 7,
        signed_in: "2026-11-23T09:00:00-06:00".into(),
        visitor_name: "ROE, RICHARD".into(),
        purpose: "visitor".into(),
        destination: "library".into(),
        no_id: false,
        cleared_by: None,
        signed_out: None,
    };
    let district = vec![alerts::DISTRICT.to_owned()];
    store
        .save_visit_queued(&visit, &district, &serde_json::json!({"event": "in"}), 1)
        .unwrap();
    assert_eq!(store.visits().unwrap().len(), 1);
    let signed = store
        .sign_out_queued(
            7,
            "2026-11-23T10:00:00-06:00",
            &district,
            |v| serde_json::json!({"event": "out", "at": v.signed_out}),
            2,
        )
        .unwrap();
    assert!(signed.is_some());
    // not in the building any more: nothing signed out, nothing queued
    let again = store
        .sign_out_queued(7, "x", &district, |_| serde_json::json!({}), 3)
        .unwrap();
    assert!(again.is_none());
    let due = store.due(10, 100).unwrap();
    assert_eq!(due.len(), 2);
    assert_eq!(due[0].body["event"], "in");
    assert_eq!(due[1].body["event"], "out");
    assert_eq!(due[1].body["at"], "2026-11-23T10:00:00-06:00");
    assert_ne!(due[0].key, due[1].key);
}
