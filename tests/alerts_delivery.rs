//! Alert delivery from the outbox over real loopback TLS: webhooks (HTTPS, idempotency keys),
//! a server that is down and comes back, the background delivery thread, and e-mail to an SMTP
//! server over STARTTLS and implicit TLS.

mod alerts_support;
mod feed_support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use alerts_support::{config, free_port, Receiver, Smtp};
use feed_support::Ca;
use serde_json::Value;
use vestibule::alerts::{self, AlertMessage, AlertRecord, Channels, Delivery, Outgoing};
use vestibule::config::Config;
use vestibule::store::{KeyLocation, Store};

fn store(dir: &Path) -> Store {
    Store::open_personal(
        &dir.join("kiosk.redb"),
        &KeyLocation::File(dir.join("data.key")),
    )
    .unwrap()
}

fn channels(path: &Path) -> Channels {
    let config = Config::load(Some(path), Vec::new()).unwrap();
    Channels::from_config(&config).unwrap()
}

fn flagged(n: usize) -> Value {
    serde_json::to_value(Outgoing::Alert(AlertMessage {
        kind: "flagged".into(),
        at: "2026-11-23T09:41:07-06:00".into(),
        school: "Demo Elementary School".into(),
        kiosk: "Main lobby".into(),
        visit: Some(format!("V-{n:04}")),
        visitor_name: Some("DOE, JANE Q".into()),
        visitor_dob: Some("1971-02-03".into()),
        records: vec![AlertRecord {
            source: "registry".into(),
            record_id: "MO-0042".into(),
            list: None,
            action: None,
        }],
        decision: None,
        operator: None,
        student: None,
        reason_code: None,
        held_back: None,
    }))
    .unwrap()
}

fn never() -> bool {
    false
}

#[test]
fn an_alert_reaches_every_webhook_once_with_its_idempotency_key() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("Alerts test CA");
    let ca_file = ca.write(&dir.path().join("ca.pem"));
    let (a, b) = (Receiver::start(&ca), Receiver::start(&ca));
    let path = config(
        dir.path(),
        &format!(
            "webhooks = [\"{}/hook\", \"{}/other\"]\nca = \"{}\"",
            a.url,
            b.url,
            ca_file.display()
        ),
        "",
    );
    let store = store(dir.path());
    let key = store
        .enqueue(
            &alerts::alert_channels(&Config::load(Some(&path), Vec::new()).unwrap()),
            &flagged(1),
            alerts::now_ms(),
        )
        .unwrap();
    let flushed = alerts::flush(&store, &channels(&path), alerts::now_ms(), &never).unwrap();
    assert_eq!(
        (flushed.delivered, flushed.failed, flushed.waiting),
        (2, 0, 0)
    );
    for (receiver, hook) in [(&a, "/hook"), (&b, "/other")] {
        let requests = receiver.requests();
        assert_eq!(requests.len(), 1);
        let r = &requests[0];
        assert_eq!(r.path, hook);
        assert_eq!(r.key, key);
        assert_eq!(r.body["idempotency_key"], key.as_str());
        assert_eq!(r.body["type"], "alert");
        assert_eq!(r.body["kind"], "flagged");
        assert_eq!(r.body["visitor_name"], "DOE, JANE Q");
        assert_eq!(r.body["visitor_dob"], "1971-02-03");
        assert_eq!(r.body["records"][0]["record_id"], "MO-0042");
        assert_eq!(r.body["kiosk"], "Main lobby");
    }
    // delivered entries are gone: nothing is sent twice
    let again = alerts::flush(&store, &channels(&path), alerts::now_ms(), &never).unwrap();
    assert_eq!(again, alerts::Flushed::default());
    assert_eq!(a.requests().len() + b.requests().len(), 2);
}

#[test]
fn with_the_server_down_alerts_wait_and_arrive_exactly_once_when_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("Alerts test CA");
    let ca_file = ca.write(&dir.path().join("ca.pem"));
    let port = free_port();
    let path = config(
        dir.path(),
        &format!(
            "webhooks = [\"https://127.0.0.1:{port}/hook\"]\nca = \"{}\"",
            ca_file.display()
        ),
        "",
    );
    let store = store(dir.path());
    let channels = channels(&path);
    let queued: Vec<String> = (1..=3)
        .map(|n| {
            store
                .enqueue(&["webhook-1".into()], &flagged(n), alerts::now_ms())
                .unwrap()
        })
        .collect();
    // down: each fails, stays, and is rescheduled with backoff
    let down = alerts::flush(&store, &channels, alerts::now_ms(), &never).unwrap();
    assert_eq!((down.delivered, down.failed, down.waiting), (0, 3, 3));
    let backlog = store.outbox_backlog().unwrap();
    assert_eq!((backlog[0].pending, backlog[0].max_attempts), (3, 1));
    // not due again yet: the backoff holds them (2 s at least)
    let early = alerts::flush(&store, &channels, alerts::now_ms(), &never).unwrap();
    assert_eq!((early.delivered, early.failed, early.waiting), (0, 0, 3));
    // a second failure doubles the wait
    let later = alerts::now_ms() + 5_000;
    let down2 = alerts::flush(&store, &channels, later, &never).unwrap();
    assert_eq!(down2.failed, 3);
    assert_eq!(store.outbox_backlog().unwrap()[0].max_attempts, 2);

    // up again: every alert arrives, once
    let receiver = Receiver::on(&ca, port);
    let up = alerts::flush(&store, &channels, alerts::now_ms() + 11 * 60_000, &never).unwrap();
    assert_eq!((up.delivered, up.failed, up.waiting), (3, 0, 0));
    let done = alerts::flush(&store, &channels, alerts::now_ms() + 60 * 60_000, &never).unwrap();
    assert_eq!(done.delivered, 0);
    let keys = receiver.accepted_keys();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(keys.values().all(|&n| n == 1), "{keys:?}");
    for key in &queued {
        assert!(keys.contains_key(key), "alert {key} lost");
    }
    assert!(store.outbox_backlog().unwrap().is_empty());
}

#[test]
fn the_delivery_thread_sends_as_soon_as_an_alert_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("Alerts test CA");
    let ca_file = ca.write(&dir.path().join("ca.pem"));
    let receiver = Receiver::start(&ca);
    let path = config(
        dir.path(),
        &format!(
            "webhooks = [\"{}/hook\"]\nca = \"{}\"",
            receiver.url,
            ca_file.display()
        ),
        "",
    );
    let store = Arc::new(store(dir.path()));
    let delivery = Delivery::start(store.clone(), channels(&path));
    // let the thread settle into its idle wait (30 s), so only the wake can send promptly
    std::thread::sleep(Duration::from_millis(200));
    let mut latencies = Vec::new();
    for n in 1..=5 {
        let queued = Instant::now();
        store
            .enqueue(&["webhook-1".into()], &flagged(n), alerts::now_ms())
            .unwrap();
        delivery.wake();
        assert!(
            receiver.wait_for(n, Duration::from_secs(20)),
            "alert {n} never arrived"
        );
        latencies.push(receiver.requests()[n - 1].at - queued);
    }
    drop(delivery);
    latencies.sort();
    eprintln!(
        "queued -> webhook received: median {:?}, max {:?} over {} alerts",
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1],
        latencies.len()
    );
    assert_eq!(receiver.accepted_keys().len(), 5);
    assert!(store.outbox_backlog().unwrap().is_empty());
}

fn email_config(dir: &Path, ca_file: &Path, port: u16, tls: &str) -> std::path::PathBuf {
    config(
        dir,
        &format!(
            "smtp_host = \"127.0.0.1\"\nsmtp_port = {port}\nsmtp_tls = \"{tls}\"\n\
             smtp_from = \"kiosk@school.example\"\n\
             smtp_to = [\"office@school.example\", \"principal@school.example\"]\n\
             dob_in_messages = true\n\
             ca = \"{}\"",
            ca_file.display()
        ),
        "",
    )
}

#[test]
fn an_smtp_server_on_loopback_receives_the_alert_over_starttls_and_implicit_tls() {
    let ca = Ca::new("Alerts test CA");
    for (implicit, mode) in [(false, "starttls"), (true, "tls")] {
        let dir = tempfile::tempdir().unwrap();
        let ca_file = ca.write(&dir.path().join("ca.pem"));
        let smtp = Smtp::start(&ca, implicit);
        let path = email_config(dir.path(), &ca_file, smtp.port, mode);
        let store = store(dir.path());
        let mut alert = flagged(7);
        alert["kind"] = "decision".into();
        alert["decision"] = "deny".into();
        alert["operator"] = "Ms Rivera".into();
        let key = store
            .enqueue(&["email".into()], &alert, alerts::now_ms())
            .unwrap();
        let flushed = alerts::flush(&store, &channels(&path), alerts::now_ms(), &never).unwrap();
        assert_eq!((flushed.delivered, flushed.failed), (1, 0), "{mode}");
        let mails = smtp.mails();
        assert_eq!(mails.len(), 1, "{mode}");
        let mail = &mails[0];
        assert!(mail.tls, "{mode}: sent in clear");
        assert_eq!(mail.from, "<kiosk@school.example>");
        assert_eq!(
            mail.to,
            ["<office@school.example>", "<principal@school.example>"]
        );
        let data = &mail.data;
        for field in [
            "Visitor:        DOE, JANE Q",
            "Date of birth:  1971-02-03",
            "Reason:         Staff decision on a flagged visitor: registry record MO-0042",
            "Time:           2026-11-23T09:41:07-06:00",
            "Kiosk:          Main lobby",
            "School:         Demo Elementary School",
            "Visit:          V-0007",
            "Operator:       Ms Rivera",
            "Decision:       deny",
        ] {
            assert!(data.contains(field), "{mode}: missing `{field}` in\n{data}");
        }
        assert!(data.contains(&format!("Alert id:       {key}")), "{data}");
        assert!(
            data.contains(&format!("Message-ID: <{key}@vestibule>")),
            "{data}"
        );
        assert!(data.contains("Subject: Vestibule alert: staff decision at Main lobby"));
        assert!(store.outbox_backlog().unwrap().is_empty());
    }
}

#[test]
fn a_server_whose_certificate_is_not_from_the_configured_ca_gets_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (ours, theirs) = (Ca::new("Our CA"), Ca::new("Someone else's CA"));
    let ca_file = ours.write(&dir.path().join("ca.pem"));
    let impostor = Receiver::start(&theirs);
    let path = config(
        dir.path(),
        &format!(
            "webhooks = [\"{}/hook\"]\nca = \"{}\"",
            impostor.url,
            ca_file.display()
        ),
        "",
    );
    let store = store(dir.path());
    store
        .enqueue(&["webhook-1".into()], &flagged(1), alerts::now_ms())
        .unwrap();
    let flushed = alerts::flush(&store, &channels(&path), alerts::now_ms(), &never).unwrap();
    assert_eq!(
        (flushed.delivered, flushed.failed, flushed.waiting),
        (0, 1, 1)
    );
    assert!(impostor.requests().is_empty(), "the alert leaked");
}

#[test]
fn the_sms_gateway_gets_its_template_with_the_alert_text() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("Alerts test CA");
    let ca_file = ca.write(&dir.path().join("ca.pem"));
    let gateway = Receiver::start(&ca);
    let path = config(
        dir.path(),
        &format!(
            "sms_url = \"{}/sms\"\n\
             sms_template = '{{\"to\": [\"+15551234567\"], \"text\": \"{{{{message}}}}\"}}'\n\
             ca = \"{}\"",
            gateway.url,
            ca_file.display()
        ),
        "",
    );
    let store = store(dir.path());
    let mut alert = flagged(3);
    alert["visitor_name"] = "O\"BRIEN, PAT".into(); // JSON-escaped into the template
    let key = store
        .enqueue(&["sms".into()], &alert, alerts::now_ms())
        .unwrap();
    let flushed = alerts::flush(&store, &channels(&path), alerts::now_ms(), &never).unwrap();
    assert_eq!(flushed.delivered, 1);
    let requests = gateway.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].key, key);
    assert_eq!(requests[0].body["to"][0], "+15551234567");
    let text = requests[0].body["text"].as_str().unwrap();
    for part in [
        "VESTIBULE FLAGGED",
        "registry record MO-0042",
        "Visitor O\"BRIEN, PAT. ",
        "Main lobby, Demo Elementary School",
    ] {
        assert!(text.contains(part), "missing `{part}` in {text}");
    }
    // Not configured: no date of birth on a phone.
    assert!(!text.contains("1971") && !text.contains("DOB"), "{text}");
}

#[test]
fn one_channel_down_never_resends_to_another() {
    let dir = tempfile::tempdir().unwrap();
    let ca = Ca::new("Alerts test CA");
    let ca_file = ca.write(&dir.path().join("ca.pem"));
    let up = Receiver::start(&ca);
    let port = free_port();
    let path = config(
        dir.path(),
        &format!(
            "webhooks = [\"{}/a\", \"https://127.0.0.1:{port}/b\"]\nca = \"{}\"",
            up.url,
            ca_file.display()
        ),
        "",
    );
    let store = store(dir.path());
    let both = ["webhook-1".to_owned(), "webhook-2".to_owned()];
    let key = store.enqueue(&both, &flagged(9), alerts::now_ms()).unwrap();
    let channels = channels(&path);
    let first = alerts::flush(&store, &channels, alerts::now_ms(), &never).unwrap();
    assert_eq!((first.delivered, first.failed, first.waiting), (1, 1, 1));
    let back = Receiver::on(&ca, port);
    let later = alerts::now_ms() + 60_000;
    let second = alerts::flush(&store, &channels, later, &never).unwrap();
    assert_eq!((second.delivered, second.failed, second.waiting), (1, 0, 0));
    assert_eq!(up.requests().len(), 1, "webhook-1 got the alert once");
    assert_eq!(back.requests().len(), 1);
    assert_eq!(back.requests()[0].key, key);
}
