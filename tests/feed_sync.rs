//! `vestibule registry sync` (docs/feed.md), kiosk side, against a real HTTPS server
//! on loopback: a good sync and a delta install; a tampered, truncated, replayed or wrongly
//! signed release, a server certified by another CA, a server that is down: each refused in one
//! line, exit 2, with the registry installed before still answering. A download cut mid-way
//! resumes on the next sync.

mod feed_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use feed_support::*;

/// A district (key, CSVs, a served directory `www/feed`) and a kiosk (database, CA file).
struct World {
    dir: tempfile::TempDir,
    key: PathBuf,
    public: String,
    ca: Ca,
    ca_file: PathBuf,
    server: Server,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("signing.key");
        let public = keygen(&key);
        let ca = Ca::new("Test district CA");
        let ca_file = ca.write(&dir.path().join("ca.pem"));
        std::fs::create_dir_all(dir.path().join("www")).unwrap();
        let server = Server::start(&dir.path().join("www"), &ca);
        World {
            dir,
            key,
            public,
            ca,
            ca_file,
            server,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn db(&self) -> PathBuf {
        self.path("kiosk.redb")
    }

    /// Publishes a registry with these extra people into `www/<feed>`.
    fn publish(&self, feed: &str, extra: &[&Person], previous: Option<&str>) -> String {
        let csv = self.path("registry.csv");
        std::fs::write(&csv, registry_csv(200, extra)).unwrap();
        let previous = previous.map(|p| self.path("www").join(p));
        publish(
            &self.key,
            &self.path("www").join(feed),
            &csv,
            previous.as_deref(),
        )
    }

    fn sync_from(&self, url: &str, public: &str) -> Output {
        vestibule()
            .args(["registry", "sync", "--db"])
            .arg(self.db())
            .args(["--url", url, "--pubkey", public, "--ca"])
            .arg(&self.ca_file)
            .output()
            .unwrap()
    }

    fn sync(&self, feed: &str) -> Output {
        self.sync_from(&format!("{}/{feed}", self.server.url), &self.public)
    }

    fn synced(&self, feed: &str) -> String {
        let out = self.sync(feed);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The file a release's manifest names, by prefix (`snapshot-`, `delta-`).
    fn served(&self, feed: &str, prefix: &str) -> PathBuf {
        let mut found: Vec<PathBuf> = std::fs::read_dir(self.path("www").join(feed))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
            .collect();
        found.sort();
        found.pop().unwrap()
    }

    /// Rewrites the served manifest of `feed` through `change`, signed again with the district's
    /// key: what a district (or its stolen key) could publish.
    fn resign(&self, feed: &str, change: impl FnOnce(&mut vestibule::feed::manifest::Manifest)) {
        use vestibule::feed::{keys, manifest};
        let path = self.path("www").join(feed).join(manifest::MANIFEST_FILE);
        let mut m = manifest::peek(&std::fs::read(&path).unwrap()).unwrap();
        change(&mut m);
        let key = keys::load_signing(&self.key).unwrap();
        std::fs::write(&path, manifest::seal(&m, &key).unwrap()).unwrap();
    }

    /// The installed release answers: KNOWN flagged, LEAVING as given.
    fn assert_v1_answers(&self) {
        assert!(is_flagged(&self.db(), &KNOWN));
        assert!(is_flagged(&self.db(), &LEAVING));
        assert!(!is_flagged(&self.db(), &ADDED));
    }
}

/// v1: KNOWN and LEAVING; v2: KNOWN and ADDED.
const V1: &[&Person] = &[&KNOWN, &LEAVING];
const V2: &[&Person] = &[&KNOWN, &ADDED];

#[test]
fn a_good_sync_installs_the_registry_then_finds_it_current() {
    let w = World::new();
    w.publish("feed", V1, None);
    let line = w.synced("feed");
    assert!(line.starts_with("installed feed serial"), "{line}");
    assert!(line.contains("from its snapshot"), "{line}");
    w.assert_v1_answers();
    let again = w.synced("feed");
    assert!(again.starts_with("registry is current"), "{again}");
    assert!(w.path("kiosk.redb.feed/installed.csv.zst").exists());
}

#[test]
fn the_config_file_provisions_the_feed() {
    let w = World::new();
    w.publish("feed", V1, None);
    let config = w.path("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "[storage]\ndatabase = {:?}\n[sync]\nurl = \"{}/feed\"\nca = {:?}\npublic_key = \"{}\"\n",
            w.db(),
            w.server.url,
            w.ca_file,
            w.public
        ),
    )
    .unwrap();
    let out = ok(vestibule()
        .arg("--config")
        .arg(&config)
        .args(["registry", "sync"]));
    assert!(out.starts_with("installed feed serial"), "{out}");
    w.assert_v1_answers();
}

#[test]
fn a_delta_is_applied_when_it_fits_the_installed_release() {
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    w.publish("feed", V2, Some("feed"));
    let line = w.synced("feed");
    assert!(line.contains("from its delta"), "{line}");
    let delta = w.served("feed", "delta-");
    let snapshot = w.served("feed", "snapshot-");
    let requests = w.server.requests();
    let name = |p: &Path| format!("GET /feed/{}", p.file_name().unwrap().to_str().unwrap());
    assert!(requests.contains(&name(&delta)), "{requests:?}");
    assert!(!requests.contains(&name(&snapshot)), "{requests:?}");
    assert!(is_flagged(&w.db(), &KNOWN));
    assert!(is_flagged(&w.db(), &ADDED));
    assert!(!is_flagged(&w.db(), &LEAVING));
    // And the next delta applies on top of the rebuilt snapshot.
    w.publish("feed", V1, Some("feed"));
    assert!(w.synced("feed").contains("from its delta"));
    w.assert_v1_answers();
}

#[test]
fn a_tampered_snapshot_is_refused_and_the_old_registry_answers() {
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    w.publish("feed", V2, None);
    let snapshot = w.served("feed", "snapshot-");
    let mut bytes = std::fs::read(&snapshot).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&snapshot, bytes).unwrap();
    let stderr = refused(&w.sync("feed"));
    assert!(stderr.contains("SHA-256 does not match"), "{stderr}");
    w.assert_v1_answers();
}

#[test]
fn a_truncated_snapshot_is_refused_and_the_old_registry_answers() {
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    w.publish("feed", V2, None);
    let snapshot = w.served("feed", "snapshot-");
    let bytes = std::fs::read(&snapshot).unwrap();
    std::fs::write(&snapshot, &bytes[..bytes.len() / 2]).unwrap();
    let stderr = refused(&w.sync("feed"));
    assert!(stderr.contains("truncated"), "{stderr}");
    w.assert_v1_answers();
}

#[test]
fn an_older_release_is_refused_as_a_replay() {
    let w = World::new();
    w.publish("old", V2, None);
    w.publish("new", V1, Some("old"));
    w.synced("new");
    let stderr = refused(&w.sync("old"));
    assert!(stderr.contains("replay"), "{stderr}");
    w.assert_v1_answers();
}

#[test]
fn a_manifest_signed_with_another_key_is_refused() {
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    let other = w.path("other.key");
    keygen(&other);
    let csv = w.path("v2.csv");
    std::fs::write(&csv, registry_csv(200, V2)).unwrap();
    publish(&other, &w.path("www/feed"), &csv, None);
    let stderr = refused(&w.sync("feed"));
    assert!(stderr.contains("signature does not verify"), "{stderr}");
    w.assert_v1_answers();
}

#[test]
fn a_server_certified_by_another_ca_is_refused() {
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    w.publish("feed", V2, None);
    let impostor = Server::start(&w.path("www"), &Ca::new("Some other CA"));
    let stderr = refused(&w.sync_from(&format!("{}/feed", impostor.url), &w.public));
    assert!(stderr.contains("TLS refused"), "{stderr}");
    assert!(stderr.contains("ca.pem"), "{stderr}");
    w.assert_v1_answers();
    // Trusting the server's CA is not a setting: a CA file that holds no certificate is refused.
    std::fs::write(&w.ca_file, "not a certificate\n").unwrap();
    let stderr = refused(&w.sync("feed"));
    assert!(stderr.contains("no usable CA certificate"), "{stderr}");
    w.ca.write(&w.ca_file);
    assert!(w.synced("feed").starts_with("installed"));
}

#[test]
fn a_server_that_is_down_is_refused() {
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let stderr = refused(&w.sync_from(&format!("https://127.0.0.1:{port}/feed"), &w.public));
    assert!(stderr.contains("cannot fetch"), "{stderr}");
    w.assert_v1_answers();
}

#[test]
fn a_download_cut_mid_way_resumes_on_the_next_sync() {
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    w.publish("feed", V2, None);
    let snapshot = w.served("feed", "snapshot-");
    let size = std::fs::metadata(&snapshot).unwrap().len() as usize;
    let name = snapshot.file_name().unwrap().to_str().unwrap().to_owned();
    let half = size / 2;
    w.server.cut_next(&format!("/feed/{name}"), half);
    let stderr = refused(&w.sync("feed"));
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(stderr.contains("resumes"), "{stderr}");
    w.assert_v1_answers();
    let line = w.synced("feed");
    assert!(line.starts_with("installed"), "{line}");
    let requests = w.server.requests();
    assert!(
        requests.contains(&format!("GET /feed/{name} range=bytes={half}-")),
        "{requests:?}"
    );
    assert!(is_flagged(&w.db(), &ADDED));
    assert!(!is_flagged(&w.db(), &LEAVING));
}

#[test]
fn the_running_kiosk_syncs_by_itself_through_its_own_store() {
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    use vestibule::feed::background::RegistrySync;
    use vestibule::feed::sync::{installed, state_dir, Settings};

    let w = World::new();
    w.publish("feed", V1, None);
    let store = Arc::new(vestibule::store::Store::open(&w.db()).unwrap());
    let settings = Settings {
        url: format!("{}/feed", w.server.url),
        ca: w.ca_file.clone(),
        public_key: w.public.clone(),
        timeout: Duration::from_secs(10),
        deadline: Duration::from_secs(60),
    };
    let sync = RegistrySync::start(
        store.clone(),
        state_dir(&w.db()),
        settings,
        Duration::from_secs(3600),
    );
    // The first round runs at start; the kiosk's store screens the new registry once it lands.
    let deadline = Instant::now() + Duration::from_secs(30);
    while installed(&store).unwrap().0 == 0 {
        assert!(Instant::now() < deadline, "no release installed");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(sync);
    let screener = store.screener().unwrap();
    let known = vestibule::screening::Visitor {
        last_name: KNOWN.last.into(),
        first_name: KNOWN.first.into(),
        middle_name: String::new(),
        suffix: String::new(),
        dob: Some(
            time::Date::parse(
                KNOWN.dob,
                &time::format_description::well_known::Iso8601::DATE,
            )
            .unwrap(),
        ),
        sex: None,
    };
    let flags = screener.screen(&known, None).unwrap();
    assert!(
        flags.iter().any(|f| f.candidate.record_id == KNOWN.id),
        "{flags:?}"
    );
}

#[test]
fn an_expired_manifest_is_refused_and_the_old_registry_answers() {
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    // A newer release, held back past its validity and then served (a frozen feed).
    w.publish("feed", V2, Some("feed"));
    w.resign("feed", |m| {
        assert!(m.valid_until.is_some(), "publish sets valid_until");
        m.valid_until = Some("2026-01-01T00:00:00Z".into());
    });
    let stderr = refused(&w.sync("feed"));
    assert!(
        stderr.contains("expired at 2026-01-01T00:00:00Z"),
        "{stderr}"
    );
    w.assert_v1_answers();
    // The installed release's own manifest, frozen: not "current" either, so the sync time is
    // not refreshed and the registry ages into the stale alert.
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    let synced = || {
        let store = vestibule::store::Store::open(&w.db()).unwrap();
        vestibule::feed::sync::installed(&store).unwrap()
    };
    let before = synced();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    w.resign("feed", |m| {
        m.valid_until = Some("2026-01-01T00:00:00Z".into())
    });
    assert!(refused(&w.sync("feed")).contains("expired"));
    assert_eq!(synced(), before);
    w.assert_v1_answers();
}

#[test]
fn publish_refuses_a_validity_outside_its_range() {
    let w = World::new();
    let csv = w.path("registry.csv");
    std::fs::write(&csv, registry_csv(10, V1)).unwrap();
    let out = vestibule()
        .args(["registry", "publish", "--valid-days", "0", "--key"])
        .arg(&w.key)
        .arg("--out")
        .arg(w.path("www").join("feed"))
        .arg(&csv)
        .output()
        .unwrap();
    assert!(refused(&out).contains("--valid-days 0"));
    assert!(!w.path("www").join("feed").join("manifest.json").exists());
}

#[test]
fn a_trickling_server_is_cut_off_at_the_download_deadline() {
    use std::time::{Duration, Instant};
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    w.publish("feed", V2, None);
    let snapshot = w.served("feed", "snapshot-");
    let name = snapshot.file_name().unwrap().to_str().unwrap();
    // A byte every 50 ms: each read is well inside timeout_secs, the whole file never ends.
    w.server
        .trickle(&format!("/feed/{name}"), Duration::from_millis(50));
    let config = w.path("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "[storage]\ndatabase = {:?}\n[sync]\nurl = \"{}/feed\"\nca = {:?}\npublic_key = \"{}\"\n\
             timeout_secs = 5\ndownload_deadline_secs = 2\n",
            w.db(),
            w.server.url,
            w.ca_file,
            w.public
        ),
    )
    .unwrap();
    let started = Instant::now();
    let out = vestibule()
        .arg("--config")
        .arg(&config)
        .args(["registry", "sync"])
        .output()
        .unwrap();
    let took = started.elapsed();
    let stderr = refused(&out);
    assert!(stderr.contains("download deadline of 2 s"), "{stderr}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    w.assert_v1_answers();
}

#[test]
fn a_compression_bomb_is_refused_and_the_old_registry_answers() {
    use sha2::Digest;
    let w = World::new();
    w.publish("feed", V1, None);
    w.synced("feed");
    w.publish("feed", V2, None);
    // 64 MiB of zeros in a few kB, served as the snapshot the manifest signs, which still
    // declares the real CSV's size.
    let snapshot = w.served("feed", "snapshot-");
    let bomb = zstd::encode_all(&vec![0u8; 64 << 20][..], 3).unwrap();
    std::fs::write(&snapshot, &bomb).unwrap();
    w.resign("feed", |m| {
        m.snapshot.size = bomb.len() as u64;
        m.snapshot.sha256 = sha2::Sha256::digest(&bomb)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
    });
    let stderr = refused(&w.sync("feed"));
    assert!(stderr.contains("compression bomb"), "{stderr}");
    w.assert_v1_answers();
    // A manifest declaring more than the kiosk's cap is refused before any download.
    w.resign("feed", |m| m.snapshot.csv_size = 1 << 40);
    let stderr = refused(&w.sync("feed"));
    assert!(stderr.contains("cap"), "{stderr}");
    w.assert_v1_answers();
}
