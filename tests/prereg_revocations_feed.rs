//! Invitation revocations shared through the signed registry feed, on real parts: real redb
//! files for the district office, a school office and two kiosks, the real binary for
//! `prereg revoke`, `prereg revocations`, `registry publish --revocations` and `registry sync`,
//! and the loopback HTTPS server of `feed_support`.
//!
//! A revocation made anywhere reaches every kiosk at its next sync; a tampered list is refused
//! like a tampered snapshot with the kiosk's store unchanged; a later release without the list
//! never undoes a revocation.

mod feed_support;

use std::path::{Path, PathBuf};
use std::process::Output;

use feed_support::*;
use time::OffsetDateTime;
use vestibule::prereg::{self, Invitation, InvitationId, InvitedPerson, SigningKey};
use vestibule::store::invitations::{Refusal, StoredInvitation, SCREENED_CLEAR};
use vestibule::store::{Key, Store};

/// The district (feed key, registry, the served `www/`), its offices and its kiosks.
struct District {
    dir: tempfile::TempDir,
    key: PathBuf,
    public: String,
    ca_file: PathBuf,
    server: Server,
    fleet: SigningKey,
}

/// Invitations: A revoked at the district office, B at a school office, C never.
const A: InvitationId = InvitationId(0x0a0a_0a0a_0a0a_0a0a);
const B: InvitationId = InvitationId(0x0b0b_0b0b_0b0b_0b0b);
const C: InvitationId = InvitationId(0x0c0c_0c0c_0c0c_0c0c);

fn today() -> time::Date {
    OffsetDateTime::now_utc().date()
}

fn invitation(id: InvitationId) -> Invitation {
    Invitation {
        id,
        person: InvitedPerson {
            last_name: "Lovelace".into(),
            first_name: "Ada".into(),
            middle_name: String::new(),
            dob: None,
            sex: None,
        },
        valid_from: today().previous_day().unwrap(),
        valid_to: today().next_day().unwrap(),
        purpose: "visitor".into(),
        destination: "office".into(),
        event: None,
    }
}

impl District {
    fn new() -> District {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("signing.key");
        let public = keygen(&key);
        let ca = Ca::new("Test district CA");
        let ca_file = ca.write(&dir.path().join("ca.pem"));
        std::fs::create_dir_all(dir.path().join("www")).unwrap();
        let server = Server::start(&dir.path().join("www"), &ca);
        std::fs::write(
            dir.path().join("registry.csv"),
            registry_csv(50, &[&KNOWN, &LEAVING]),
        )
        .unwrap();
        District {
            dir,
            key,
            public,
            ca_file,
            server,
            fleet: SigningKey::from_bytes(&[42; 32]),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn token(&self, id: InvitationId) -> String {
        prereg::issue(&invitation(id), &self.fleet).unwrap()
    }

    /// An office database (`<name>.redb`) that issued these invitations.
    fn office(&self, name: &str, ids: &[InvitationId]) -> PathBuf {
        let db = self.path(&format!("{name}.redb"));
        let store = Store::open_with_key(&db, &Key::generate()).unwrap();
        let issued: Vec<StoredInvitation> = ids
            .iter()
            .map(|&id| StoredInvitation {
                invitation: invitation(id),
                token: self.token(id),
                screened: SCREENED_CLEAR.into(),
                issued_at: "2026-11-23T08:00:00Z".into(),
                issued_by: "Ms Office".into(),
            })
            .collect();
        store.save_invitations(&issued).unwrap();
        db
    }

    /// `prereg revoke ID --reason REASON` against `db`, by "Ms Office".
    fn revoke(&self, db: &Path, id: InvitationId, reason: &str) -> String {
        ok(vestibule()
            .args(["prereg", "revoke", &id.to_string(), "--reason", reason])
            .args(["--operator", "Ms Office", "--db"])
            .arg(db))
    }

    /// `prereg revocations --out FILE` from `db`; returns the file.
    fn export(&self, db: &Path, name: &str) -> PathBuf {
        let out = self.path(name);
        let line = ok(vestibule()
            .args(["prereg", "revocations", "--db"])
            .arg(db)
            .arg("--out")
            .arg(&out));
        assert!(line.contains("revoked invitations"), "{line}");
        out
    }

    /// `registry publish` into `www/feed` against the previous release there (if any), with
    /// these revocation lists.
    fn publish(&self, lists: &[&Path]) -> String {
        let mut c = vestibule();
        let feed = self.path("www").join("feed");
        c.args(["registry", "publish", "--key"])
            .arg(&self.key)
            .arg("--out")
            .arg(&feed);
        if feed.join("manifest.json").exists() {
            c.arg("--previous").arg(&feed);
        }
        for list in lists {
            c.arg("--revocations").arg(list);
        }
        ok(c.arg(self.path("registry.csv")))
    }

    fn sync(&self, kiosk: &Path) -> Output {
        vestibule()
            .args(["registry", "sync", "--db"])
            .arg(kiosk)
            .args(["--url", &format!("{}/feed", self.server.url)])
            .args(["--pubkey", &self.public, "--ca"])
            .arg(&self.ca_file)
            .output()
            .unwrap()
    }

    fn synced(&self, kiosk: &Path) -> String {
        let out = self.sync(kiosk);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// What the kiosk at `db` says to an invitation scan, as the running kiosk asks it.
    fn check(&self, db: &Path, id: InvitationId) -> Result<Invitation, Refusal> {
        let store = Store::open(db).unwrap();
        store
            .check_invitation(&self.token(id), &self.fleet.verifying_key(), today())
            .unwrap()
    }

    /// The only file in the served feed that starts with `prefix`, newest first.
    fn served(&self, prefix: &str) -> PathBuf {
        let mut found: Vec<PathBuf> = std::fs::read_dir(self.path("www").join("feed"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
            .collect();
        found.sort();
        found.pop().unwrap()
    }
}

fn installed_serial(db: &Path) -> u64 {
    let store = Store::open(db).unwrap();
    vestibule::feed::sync::installed(&store).unwrap().0
}

#[test]
fn a_revocation_made_anywhere_reaches_every_kiosk_at_its_next_sync() {
    let d = District::new();
    let district = d.office("district", &[A, C]);
    let school = d.office("school", &[B]);
    assert!(d
        .revoke(&district, A, "safety")
        .contains("revoked (safety)"));
    d.revoke(&school, B, "cancelled");
    let kiosks = [d.path("kiosk-1.redb"), d.path("kiosk-2.redb")];
    // Before the feed carries them, no kiosk knows.
    d.publish(&[]);
    for kiosk in &kiosks {
        d.synced(kiosk);
        assert_eq!(d.check(kiosk, A), Ok(invitation(A)));
    }

    let from_district = d.export(&district, "district-revoked.csv");
    let from_school = d.export(&school, "school-revoked.csv");
    let csv = std::fs::read_to_string(&from_district).unwrap();
    assert!(csv.starts_with("invitation_id,revoked_at,reason\n0a0a0a0a0a0a0a0a,"));
    assert!(csv.trim_end().ends_with(",safety"), "{csv}");
    assert_eq!(csv.lines().count(), 2, "only the revoked invitation: {csv}");
    assert!(
        !csv.contains("Office") && !csv.contains("Lovelace"),
        "{csv}"
    );

    let line = d.publish(&[&from_district, &from_school]);
    assert!(line.contains("(2 revoked invitations)"), "{line}");
    for kiosk in &kiosks {
        let line = d.synced(kiosk);
        assert!(line.contains("; 2 invitations newly revoked"), "{line}");
        assert_eq!(d.check(kiosk, A), Err(Refusal::Revoked));
        assert_eq!(d.check(kiosk, B), Err(Refusal::Revoked));
        assert_eq!(d.check(kiosk, C), Ok(invitation(C)));
        assert!(is_flagged(kiosk, &KNOWN), "the registry came with them");
    }

    let store = Store::open(&kiosks[0]).unwrap();
    let shared = store.shared_revocations().unwrap();
    let reasons: Vec<_> = shared.iter().map(|r| (r.id, r.reason.as_str())).collect();
    assert_eq!(reasons, vec![(A, "safety"), (B, "cancelled")]);
    drop(store);
    let audit = Store::open(&kiosks[0]).unwrap().audit_lines().unwrap();
    assert!(
        audit
            .iter()
            .any(|l| l.contains("invitations-revoked-by-feed")
                && l.contains("0a0a0a0a0a0a0a0a")
                && l.contains("registry feed serial")),
        "{audit:?}"
    );
    // A sync that finds the release current adds nothing and says nothing about revocations.
    let again = d.synced(&kiosks[0]);
    assert!(again.starts_with("registry is current"), "{again}");
    assert!(!again.contains("revoked"), "{again}");
}

#[test]
fn a_tampered_revocation_list_is_refused_and_the_kiosk_store_is_unchanged() {
    let d = District::new();
    let district = d.office("district", &[A, C]);
    d.revoke(&district, A, "safety");
    let kiosk = d.path("kiosk.redb");
    d.publish(&[]);
    d.synced(&kiosk);
    let before = installed_serial(&kiosk);
    std::fs::write(d.path("registry.csv"), registry_csv(50, &[&KNOWN, &ADDED])).unwrap();
    d.publish(&[&d.export(&district, "revoked.csv")]);

    // A server (or someone between) adds C to the list: same signed manifest, other bytes.
    let list = d.served("revocations-");
    let honest = std::fs::read(&list).unwrap();
    let mut forged = honest.clone();
    forged.extend_from_slice(b"0c0c0c0c0c0c0c0c,,safety\n");
    std::fs::write(&list, &forged).unwrap();
    let out = d.sync(&kiosk);
    let line = refused(&out);
    assert!(line.contains("revocations-"), "{line}");
    assert!(line.contains("SHA-256"), "{line}");
    // Dropping a revocation instead is refused the same way.
    std::fs::write(&list, b"invitation_id,revoked_at,reason\n").unwrap();
    let line = refused(&d.sync(&kiosk));
    assert!(
        line.contains("does not match the signed manifest"),
        "{line}"
    );

    assert_eq!(installed_serial(&kiosk), before, "nothing installed");
    assert_eq!(d.check(&kiosk, A), Ok(invitation(A)), "nothing revoked");
    assert_eq!(d.check(&kiosk, C), Ok(invitation(C)));
    assert!(is_flagged(&kiosk, &LEAVING) && !is_flagged(&kiosk, &ADDED));

    // The honest list installs the release with its revocation.
    std::fs::write(&list, &honest).unwrap();
    d.synced(&kiosk);
    assert_eq!(d.check(&kiosk, A), Err(Refusal::Revoked));
    assert_eq!(d.check(&kiosk, C), Ok(invitation(C)));
    assert!(is_flagged(&kiosk, &ADDED) && !is_flagged(&kiosk, &LEAVING));
}

#[test]
fn a_later_release_without_the_revocation_does_not_undo_it() {
    let d = District::new();
    let district = d.office("district", &[A, C]);
    d.revoke(&district, A, "issued-in-error");
    let kiosk = d.path("kiosk.redb");
    d.publish(&[&d.export(&district, "revoked.csv")]);
    d.synced(&kiosk);
    assert_eq!(d.check(&kiosk, A), Err(Refusal::Revoked));

    // A release with no list, then one with an empty list (a district that lost its store).
    d.publish(&[]);
    assert!(d.synced(&kiosk).starts_with("installed feed serial"));
    assert_eq!(d.check(&kiosk, A), Err(Refusal::Revoked));
    let empty = d.path("empty.csv");
    std::fs::write(&empty, "invitation_id,revoked_at,reason\n").unwrap();
    d.publish(&[&empty]);
    let line = d.synced(&kiosk);
    assert!(line.starts_with("installed feed serial"), "{line}");
    assert!(!line.contains("revoked"), "{line}");
    assert_eq!(d.check(&kiosk, A), Err(Refusal::Revoked));
    assert_eq!(d.check(&kiosk, C), Ok(invitation(C)));
}

#[test]
fn publish_refuses_a_bad_revocation_list_and_writes_nothing() {
    let d = District::new();
    let list = d.path("revoked.csv");
    std::fs::write(
        &list,
        "invitation_id,revoked_at,reason\n0a0a0a0a0a0a0a0a,,safety\nLovelace,,safety\n",
    )
    .unwrap();
    let feed = d.path("www").join("feed");
    let out = vestibule()
        .args(["registry", "publish", "--key"])
        .arg(&d.key)
        .arg("--out")
        .arg(&feed)
        .arg("--revocations")
        .arg(&list)
        .arg(d.path("registry.csv"))
        .output()
        .unwrap();
    let line = refused(&out);
    assert!(
        line.contains("revoked.csv: line 3: field `invitation_id`: not an invitation id"),
        "{line}"
    );
    assert!(!line.contains("Lovelace"), "{line}");
    assert!(!feed.exists(), "nothing written");

    // Exporting from a database that is not there is refused, not an empty list.
    let out = vestibule()
        .args(["prereg", "revocations", "--db"])
        .arg(d.path("typo.redb"))
        .arg("--out")
        .arg(d.path("none.csv"))
        .output()
        .unwrap();
    assert!(refused(&out).contains("no database at"));
    assert!(!d.path("none.csv").exists() && !d.path("typo.redb").exists());
}

#[test]
fn the_running_kiosk_takes_revocations_through_its_background_sync() {
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    use vestibule::feed::background::RegistrySync;
    use vestibule::feed::sync::{state_dir, Settings};

    let d = District::new();
    let district = d.office("district", &[A, C]);
    d.revoke(&district, A, "safety");
    d.publish(&[&d.export(&district, "revoked.csv")]);
    let kiosk = d.path("kiosk.redb");
    let store = Arc::new(Store::open(&kiosk).unwrap());
    let settings = Settings {
        url: format!("{}/feed", d.server.url),
        ca: d.ca_file.clone(),
        public_key: d.public.clone(),
        timeout: Duration::from_secs(10),
        deadline: Duration::from_secs(60),
    };
    let sync = RegistrySync::start(
        store.clone(),
        state_dir(&kiosk),
        settings,
        Duration::from_secs(3600),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !store.is_revoked(A).unwrap() {
        assert!(Instant::now() < deadline, "the revocation never arrived");
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(sync);
    let check = |id| {
        store
            .check_invitation(&d.token(id), &d.fleet.verifying_key(), today())
            .unwrap()
    };
    assert_eq!(check(A), Err(Refusal::Revoked));
    assert_eq!(check(C), Ok(invitation(C)));
}
