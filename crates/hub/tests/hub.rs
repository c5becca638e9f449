//! The hub end to end: a real PostgreSQL cluster from the Debian package in a temporary
//! directory, the real `vestibule-hub` binary serving HTTPS on loopback, and a kiosk's signed
//! requests made with the same core functions the kiosk uses.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ed25519_dalek::SigningKey;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use serde_json::json;
use vestibule_core::district::{self, SignedHeaders};

/// A throwaway PostgreSQL cluster on a Unix socket, stopped when dropped.
struct Cluster {
    dir: tempfile::TempDir,
}

/// The newest server programs of Debian's `postgresql` package.
fn pg_bin(name: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (Debian package postgresql)")
        .map(|e| e.unwrap().path().join("bin").join(name))
        .filter(|p| p.exists())
        .collect();
    versions.sort_by_key(|p| {
        p.components()
            .nth(4)
            .and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
    });
    versions.pop().expect("initdb and pg_ctl")
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| s.lines().any(|l| l.starts_with("Uid:\t0\t")))
        .unwrap_or(false)
}

/// PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user.
fn as_server_user(program: PathBuf) -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=postgres", "--regid=postgres", "--init-groups"])
            .arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(command: &mut Command) {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Cluster {
    fn start() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        if is_root() {
            run(Command::new("chown")
                .arg("postgres:postgres")
                .arg(dir.path()));
        }
        let data = dir.path().join("data");
        run(as_server_user(pg_bin("initdb"))
            .args([
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--no-sync",
            ])
            .arg("-D")
            .arg(&data));
        let options = format!(
            "-k {} -c listen_addresses='' -c fsync=off -c max_connections=100",
            dir.path().display()
        );
        run(as_server_user(pg_bin("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(["-o", &options, "-w", "-l"])
            .arg(dir.path().join("server.log"))
            .arg("start"));
        Cluster { dir }
    }

    fn database(&self) -> String {
        format!(
            "host={} user=postgres dbname=postgres",
            self.dir.path().display()
        )
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_server_user(pg_bin("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

fn hub_command(cluster: &Cluster) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vestibule-hub"));
    c.env("VESTIBULE_HUB_DATABASE", cluster.database());
    c
}

fn hub_ok(cluster: &Cluster, args: &[&str]) -> String {
    let out = hub_command(cluster).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "vestibule-hub {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A test CA and a server certificate for 127.0.0.1 signed by it, written as PEM files.
struct Pki {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn pki(dir: &Path) -> Pki {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(DnType::CommonName, "District test CA");
    let ca_key = KeyPair::generate().unwrap();
    let ca = params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &issuer)
        .unwrap();
    let pki = Pki {
        ca: dir.join("ca.pem"),
        cert: dir.join("hub.pem"),
        key: dir.join("hub.key"),
    };
    std::fs::write(&pki.ca, ca.pem()).unwrap();
    std::fs::write(&pki.cert, server.pem()).unwrap();
    std::fs::write(&pki.key, server_key.serialize_pem()).unwrap();
    pki
}

/// A running hub process, killed when dropped.
struct Hub {
    child: Child,
    url: String,
}

impl Hub {
    fn start(cluster: &Cluster, pki: &Pki) -> Hub {
        let mut child = hub_command(cluster)
            .args(["serve", "--listen", "127.0.0.1:0", "--cert"])
            .arg(&pki.cert)
            .arg("--key")
            .arg(&pki.key)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("the hub said: {line:?}"))
            .to_string();
        Hub { child, url }
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent(ca: &Path) -> ureq::Agent {
    let pem = std::fs::read(ca).unwrap();
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(certs)))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build();
    let config = ureq::Agent::config_builder()
        .https_only(true)
        .http_status_as_error(false)
        .tls_config(tls)
        .build();
    ureq::Agent::new_with_config(config)
}

/// A kiosk as the hub sees it: its device key and, once enrolled, its id.
struct Kiosk {
    key: SigningKey,
    id: String,
    agent: ureq::Agent,
    nonce: u32,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

struct Answer {
    status: u16,
    body: serde_json::Value,
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap();
    Answer {
        status,
        body: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    }
}

impl Kiosk {
    fn new(seed: u8, ca: &Path) -> Kiosk {
        Kiosk {
            key: SigningKey::from_bytes(&[seed; 32]),
            id: String::new(),
            agent: agent(ca),
            nonce: 0,
        }
    }

    fn enrol(&mut self, hub: &Hub, code: &str) -> Answer {
        let body = json!({
            "code": code,
            "name": "Front lobby",
            "public_key": district::public_key_text(&self.key.verifying_key()),
        });
        let got = answer(
            self.agent
                .post(format!("{}/api/v1/enrol", hub.url))
                .send_json(&body)
                .unwrap(),
        );
        if got.status == 200 {
            self.id = got.body["kiosk"].as_str().unwrap().to_string();
        }
        got
    }

    /// Signs a request the way the kiosk does; the headers are returned so a test can replay them.
    fn signed(&mut self, path: &str, body: &[u8]) -> SignedHeaders {
        self.nonce += 1;
        let nonce = format!("nonce-{}-{}", self.nonce, now());
        district::sign_request(&self.key, &self.id, "POST", path, now(), &nonce, body)
    }

    fn send(&self, hub: &Hub, path: &str, headers: &SignedHeaders, body: &[u8]) -> Answer {
        answer(
            self.agent
                .post(format!("{}{path}", hub.url))
                .header(district::HEADER_KIOSK, &headers.kiosk)
                .header(district::HEADER_TIME, headers.time.to_string())
                .header(district::HEADER_NONCE, &headers.nonce)
                .header(district::HEADER_SIGNATURE, &headers.signature)
                .header("content-type", "application/json")
                .send(body)
                .unwrap(),
        )
    }

    fn push(&mut self, hub: &Hub, seqs: &[u64]) -> Answer {
        let body = events(seqs);
        let headers = self.signed("/api/v1/events", &body);
        self.send(hub, "/api/v1/events", &headers, &body)
    }
}

fn events(seqs: &[u64]) -> Vec<u8> {
    let events: Vec<_> = seqs
        .iter()
        .map(|seq| {
            json!({"seq": seq, "kind": "visit", "at": "2026-12-03T08:00:00Z",
                   "body": {"visit": format!("V-{seq:04}")}})
        })
        .collect();
    serde_json::to_vec(&json!({ "events": events })).unwrap()
}

fn held(cluster: &Cluster, kiosk: &str) -> i64 {
    let out = Command::new(pg_bin("psql"))
        .args(["-XAtq", "-d", &cluster.database(), "-c"])
        .arg(format!(
            "SELECT count(*) FROM kiosk_events WHERE kiosk = '{kiosk}'"
        ))
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn setup() -> (Cluster, tempfile::TempDir, Pki) {
    let cluster = Cluster::start();
    let files = tempfile::tempdir().unwrap();
    let pki = pki(files.path());
    hub_ok(&cluster, &["school-add", "lincoln", "Lincoln Elementary"]);
    (cluster, files, pki)
}

#[test]
fn a_kiosk_enrols_once_with_a_code_and_its_signed_events_are_kept_once() {
    let (cluster, _files, pki) = setup();
    let hub = Hub::start(&cluster, &pki);
    let code = hub_ok(&cluster, &["enrol-code", "--school", "lincoln"]);
    let code = code.trim();

    let mut kiosk = Kiosk::new(1, &pki.ca);
    let enrolled = kiosk.enrol(&hub, code);
    assert_eq!(enrolled.status, 200, "{:?}", enrolled.body);
    assert_eq!(enrolled.body["school"], "lincoln");

    // The code is spent: a second kiosk cannot use it.
    let mut thief = Kiosk::new(2, &pki.ca);
    assert_eq!(thief.enrol(&hub, code).status, 403);

    let pushed = kiosk.push(&hub, &[1, 2, 3]);
    assert_eq!(pushed.status, 200, "{:?}", pushed.body);
    assert_eq!(pushed.body["seqs"], json!([1, 2, 3]));
    // An outbox that never heard the answer sends again: acknowledged, kept once.
    let again = kiosk.push(&hub, &[2, 3, 4]);
    assert_eq!(again.body["seqs"], json!([2, 3, 4]));
    assert_eq!(held(&cluster, &kiosk.id), 4);

    let heartbeat = serde_json::to_vec(&json!({
        "version": "0.1.0", "registry_serial": 7, "registry_age_secs": 3600,
        "reader": "ok", "printer": "missing", "relay": "ok",
        "free_disk_bytes": 1_000_000_000u64, "clock_offset_ms": 12
    }))
    .unwrap();
    let headers = kiosk.signed("/api/v1/heartbeat", &heartbeat);
    assert_eq!(
        kiosk
            .send(&hub, "/api/v1/heartbeat", &headers, &heartbeat)
            .status,
        204
    );
}

#[test]
fn replays_forgeries_strangers_and_revoked_kiosks_are_refused() {
    let (cluster, _files, pki) = setup();
    let hub = Hub::start(&cluster, &pki);
    let code = hub_ok(&cluster, &["enrol-code", "--school", "lincoln"]);
    let mut kiosk = Kiosk::new(1, &pki.ca);
    assert_eq!(kiosk.enrol(&hub, code.trim()).status, 200);

    let body = events(&[1]);
    let headers = kiosk.signed("/api/v1/events", &body);
    assert_eq!(
        kiosk.send(&hub, "/api/v1/events", &headers, &body).status,
        200
    );
    // The same request again, byte for byte: a replay.
    let replay = kiosk.send(&hub, "/api/v1/events", &headers, &body);
    assert_eq!(replay.status, 401);
    assert!(replay.body["error"].as_str().unwrap().contains("replay"));

    // A changed body under the old signature, with a fresh nonce.
    let mut forged = kiosk.signed("/api/v1/events", &body);
    forged.nonce.push('x');
    assert_eq!(
        kiosk
            .send(&hub, "/api/v1/events", &forged, &events(&[9]))
            .status,
        401
    );
    // A time from an hour ago.
    let stale = district::sign_request(
        &kiosk.key,
        &kiosk.id,
        "POST",
        "/api/v1/events",
        now() - 3600,
        "old-nonce",
        &body,
    );
    let refused = kiosk.send(&hub, "/api/v1/events", &stale, &body);
    assert_eq!(refused.status, 401);
    assert!(refused.body["error"].as_str().unwrap().contains("clock"));
    // An event number past what the hub stores: refused as the kiosk's error, not "try again".
    let huge = serde_json::to_vec(&json!({"events": [{"seq": u64::MAX, "kind": "visit",
        "at": "2026-12-03T08:00:00Z", "body": {}}]}))
    .unwrap();
    let headers = kiosk.signed("/api/v1/events", &huge);
    let too_large = kiosk.send(&hub, "/api/v1/events", &headers, &huge);
    assert_eq!(too_large.status, 400, "{:?}", too_large.body);
    assert!(too_large.body["error"]
        .as_str()
        .unwrap()
        .contains("too large"));
    // A key the hub never enrolled, claiming the kiosk's id.
    let mut stranger = Kiosk::new(3, &pki.ca);
    stranger.id = kiosk.id.clone();
    assert_eq!(stranger.push(&hub, &[5]).status, 401);
    // No headers at all.
    let bare = answer(
        kiosk
            .agent
            .post(format!("{}/api/v1/events", hub.url))
            .send(&body[..])
            .unwrap(),
    );
    assert_eq!(bare.status, 401);

    hub_ok(&cluster, &["kiosk-revoke", &kiosk.id]);
    let revoked = kiosk.push(&hub, &[2]);
    assert_eq!(revoked.status, 401);
    assert_eq!(held(&cluster, &kiosk.id), 1);
}

#[test]
fn two_hubs_on_one_database_serve_the_same_kiosks_and_share_what_they_saw() {
    let (cluster, _files, pki) = setup();
    let first = Hub::start(&cluster, &pki);
    let second = Hub::start(&cluster, &pki);
    let code = hub_ok(&cluster, &["enrol-code", "--school", "lincoln"]);
    let mut kiosk = Kiosk::new(1, &pki.ca);
    assert_eq!(kiosk.enrol(&first, code.trim()).status, 200);

    let body = events(&[1, 2]);
    let headers = kiosk.signed("/api/v1/events", &body);
    assert_eq!(
        kiosk
            .send(&second, "/api/v1/events", &headers, &body)
            .status,
        200
    );
    // Replayed at the other hub: it knows the nonce too.
    assert_eq!(
        kiosk.send(&first, "/api/v1/events", &headers, &body).status,
        401
    );
    assert_eq!(kiosk.push(&first, &[2, 3]).status, 200);
    assert_eq!(held(&cluster, &kiosk.id), 3);
}

#[test]
fn bad_administration_is_one_line_and_changes_nothing() {
    let (cluster, _files, _pki) = setup();
    let out = hub_command(&cluster)
        .args(["enrol-code", "--school", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no school `nowhere`"));
    let out = hub_command(&cluster)
        .args(["kiosk-revoke", "K-NOBODY"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_vestibule-hub"))
        .env_remove("VESTIBULE_HUB_DATABASE")
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn one_code_enrols_one_kiosk_even_when_two_race_for_it_at_two_hubs() {
    let (cluster, _files, pki) = setup();
    let hubs = [Hub::start(&cluster, &pki), Hub::start(&cluster, &pki)];
    for round in 0..5u8 {
        let code = hub_ok(&cluster, &["enrol-code", "--school", "lincoln"]);
        let code = code.trim();
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let racers: Vec<_> = hubs
                .iter()
                .enumerate()
                .map(|(i, hub)| {
                    let ca = pki.ca.clone();
                    scope.spawn(move || {
                        Kiosk::new(10 + 2 * round + i as u8, &ca)
                            .enrol(hub, code)
                            .status
                    })
                })
                .collect();
            racers.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let mut sorted = statuses.clone();
        sorted.sort();
        assert_eq!(sorted, vec![200, 403], "round {round}: {statuses:?}");
    }
}
