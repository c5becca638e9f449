//! `vestibule prereg`: the real binary against a real redb file. Invitations are screened
//! before they are issued, verify with the fleet's public key, are revoked for good, and their
//! QR code PNG decodes (rqrr) back to the exact token.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use time::macros::date;
use vestibule::badge::Bitmap1;
use vestibule::prereg::{self, InvitationError, InvitationId};
use vestibule::store::{Key, Store};

struct Office {
    dir: tempfile::TempDir,
}

impl Office {
    /// A database with one watchlist entry (MORIARTY, JAMES) and a fleet key.
    fn new() -> Office {
        let office = Office {
            dir: tempfile::tempdir().unwrap(),
        };
        let list = office.path("watchlist.csv");
        std::fs::write(
            &list,
            "entry_id,list,last_name,first_name,middle_name,dob,sex,action,note\nW1,banned,MORIARTY,JAMES,,,,deny,\n",
        )
        .unwrap();
        let out = office.run(&[
            "watchlist",
            "import",
            "--db",
            office.db_str(),
            list.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Screening at issue needs an installed registry.
        let registry = office.path("registry.csv");
        std::fs::write(&registry, "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense\nR-1,primary,REGISTRANT,NOBODY,,,1950-01-01,M,VA,Example offence\n").unwrap();
        let out = office.run(&[
            "registry",
            "import",
            "--db",
            office.db_str(),
            registry.to_str().unwrap(),
        ]);
        assert!(out.status.success());
        let out = office.run(&[
            "prereg",
            "keygen",
            "--out",
            office.path("fleet.key").to_str().unwrap(),
        ]);
        assert!(out.status.success());
        office
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn db_str(&self) -> &str {
        // leaked for the test's lifetime: simpler than threading owned strings through args
        Box::leak(
            self.path("v.redb")
                .to_str()
                .unwrap()
                .to_owned()
                .into_boxed_str(),
        )
    }

    fn key_str(&self) -> &str {
        Box::leak(
            self.path("fleet.key")
                .to_str()
                .unwrap()
                .to_owned()
                .into_boxed_str(),
        )
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vestibule"))
            .args(args)
            .env_remove("VESTIBULE_DB")
            .env_remove("VESTIBULE_CONFIG")
            .env("USER", "Ms Office")
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    fn public_key(&self) -> ed25519_dalek::VerifyingKey {
        vestibule::feed::keys::parse_public(self.path("fleet.key.pub").to_str().unwrap()).unwrap()
    }

    fn store(&self) -> Store {
        let key = Key::read(&self.path("v.redb.key")).unwrap();
        Store::open_with_key(&self.path("v.redb"), &key).unwrap()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn add(office: &Office, last: &str, first: &str) -> Output {
    office.run(&[
        "prereg",
        "add",
        "--db",
        office.db_str(),
        "--key",
        office.key_str(),
        "--last",
        last,
        "--first",
        first,
        "--dob",
        "1985-12-10",
        "--from",
        "2099-12-01",
        "--to",
        "2099-12-03",
        "--purpose",
        "volunteer",
        "--destination",
        "library",
    ])
}

#[test]
fn a_clear_person_gets_a_token_that_verifies_with_the_fleet_key() {
    let office = Office::new();
    let out = add(&office, "Lovelace", "Ada");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    let id: InvitationId = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let token = lines.next().unwrap();
    assert!(token.starts_with("VSTB1:") && token.len() < 300, "{token}");
    let invitation = prereg::verify(token, &office.public_key(), date!(2099 - 12 - 02)).unwrap();
    assert_eq!(invitation.id, id);
    assert_eq!(invitation.person.last_name, "Lovelace");
    assert_eq!(invitation.person.dob, Some(date!(1985 - 12 - 10)));
    assert_eq!(
        (invitation.purpose.as_str(), invitation.destination.as_str()),
        ("volunteer", "library")
    );
    assert_eq!(
        prereg::verify(token, &office.public_key(), date!(2099 - 12 - 04)),
        Err(InvitationError::Expired {
            to: date!(2099 - 12 - 03)
        })
    );
    let store = office.store();
    let stored = store.invitation(id).unwrap().unwrap();
    assert_eq!(stored.token, token);
    assert_eq!(stored.screened, "clear");
    let audit = store.audit_lines().unwrap();
    assert!(audit
        .iter()
        .any(|l| l.contains("invitation-issued") && l.contains(&id.to_string())));
    assert!(
        !audit.iter().any(|l| l.contains("Lovelace")),
        "audit names no visitor"
    );
}

#[test]
fn a_flagged_person_gets_nothing_and_is_sent_to_the_office() {
    let office = Office::new();
    let out = add(&office, "Moriarty", "James");
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty(), "no token printed");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("reviewed in person at the office") && !err.contains("Moriarty"),
        "{err}"
    );
    assert!(office.store().invitations().unwrap().is_empty());
}

#[test]
fn import_reports_bad_rows_by_line_and_writes_nothing() {
    let office = Office::new();
    let header =
        "last_name,first_name,middle_name,dob,sex,valid_from,valid_to,purpose,destination,event\n";
    let bad = office.path("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{header}Lovelace,Ada,,,,2099-12-01,,,,\nBabbage,Charles,,1791-12-26,,2099-13-01,,,,\n"
        ),
    )
    .unwrap();
    let out = office.run(&[
        "prereg",
        "import",
        "--db",
        office.db_str(),
        "--key",
        office.key_str(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("line 3: field `valid_from`") && !err.contains("Babbage"),
        "{err}"
    );
    let unknown = office.path("unknown.csv");
    std::fs::write(
        &unknown,
        format!("{header}Lovelace,Ada,,,,2099-12-01,,gardener,,\n"),
    )
    .unwrap();
    let out = office.run(&[
        "prereg",
        "import",
        "--db",
        office.db_str(),
        "--key",
        office.key_str(),
        unknown.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 2: field `purpose`"),
        "{}",
        stderr(&out)
    );
    let listed = office.run(&["prereg", "list", "--db", office.db_str(), "--json"]);
    assert!(
        listed.status.success() && stdout(&listed).is_empty(),
        "nothing written"
    );

    let good = office.path("good.csv");
    std::fs::write(
        &good,
        format!("{header}Lovelace,Ada,,1985-12-10,F,2099-12-01,,,,\nMoriarty,James,,,,2099-12-01,,,,\nBabbage,Charles,,,,2099-12-01,2099-12-02,volunteer,library,Book fair\n"),
    )
    .unwrap();
    let out = office.run(&[
        "prereg",
        "import",
        "--db",
        office.db_str(),
        "--key",
        office.key_str(),
        good.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("line 3: flagged") && !text.contains("Moriarty"),
        "{text}"
    );
    let tokens: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("invitation "))
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    assert_eq!(tokens.len(), 2);
    let babbage = prereg::verify(tokens[1], &office.public_key(), date!(2099 - 12 - 02)).unwrap();
    assert_eq!(babbage.event.as_deref(), Some("Book fair"));
    let listed = office.run(&["prereg", "list", "--db", office.db_str(), "--json"]);
    assert_eq!(stdout(&listed).lines().count(), 2);
}

#[test]
fn revoked_invitations_stay_revoked_and_get_no_qr_code() {
    let office = Office::new();
    let out = add(&office, "Lovelace", "Ada");
    let text = stdout(&out);
    let id = text
        .lines()
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .to_owned();
    let png = office.path("invitation.png");
    let out = office.run(&[
        "prereg",
        "qr",
        &id,
        "--db",
        office.db_str(),
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = office.run(&["prereg", "revoke", &id, "--db", office.db_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = office.store();
    assert!(store.is_revoked(id.parse().unwrap()).unwrap());
    assert!(store
        .audit_lines()
        .unwrap()
        .iter()
        .any(|l| l.contains("invitation-revoked") && l.contains("Ms Office")));
    drop(store);
    let again = office.path("again.png");
    let out = office.run(&[
        "prereg",
        "qr",
        &id,
        "--db",
        office.db_str(),
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!again.exists());
    let out = office.run(&[
        "prereg",
        "revoke",
        "0123456789abcdef",
        "--db",
        office.db_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let listed = office.run(&["prereg", "list", "--db", office.db_str()]);
    assert!(stdout(&listed).contains("REVOKED"));
}

#[test]
fn the_qr_png_decodes_to_the_exact_token() {
    let office = Office::new();
    let out = add(&office, "Lovelace", "Ada");
    let text = stdout(&out);
    let mut lines = text.lines();
    let id = lines.next().unwrap().split(' ').nth(1).unwrap().to_owned();
    let token = lines.next().unwrap().to_owned();
    let png = office.path("invitation.png");
    let out = office.run(&[
        "prereg",
        "qr",
        &id,
        "--db",
        office.db_str(),
        "--out",
        png.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(decode_qr(&png), vec![token]);
}

fn decode_qr(png: &Path) -> Vec<String> {
    let page = Bitmap1::from_png(&std::fs::read(png).unwrap()).unwrap();
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(
        page.width() as usize,
        page.height() as usize,
        |x, y| {
            if page.is_ink(x as u32, y as u32) {
                0
            } else {
                255
            }
        },
    );
    image
        .detect_grids()
        .iter()
        .map(|g| g.decode().unwrap().1)
        .collect()
}

#[test]
fn a_fleet_key_that_is_not_the_configured_one_is_refused() {
    let office = Office::new();
    let other = office.path("other.key");
    let out = office.run(&["prereg", "keygen", "--out", other.to_str().unwrap()]);
    let public = stdout(&out).trim().to_owned();
    let config = office.path("kiosk.toml");
    std::fs::write(&config, format!("[prereg]\npublic_key = \"{public}\"\n")).unwrap();
    let out = office.run(&[
        "--config",
        config.to_str().unwrap(),
        "prereg",
        "add",
        "--db",
        office.db_str(),
        "--key",
        office.key_str(),
        "--last",
        "Lovelace",
        "--first",
        "Ada",
        "--from",
        "2099-12-01",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("[prereg] public_key"),
        "{}",
        stderr(&out)
    );
    std::fs::write(&config, "[prereg]\npublic_key = \"not a key\"\n").unwrap();
    let out = office.run(&["config", "check", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("prereg.public_key"),
        "{}",
        stderr(&out)
    );
    std::fs::write(&config, "[prereg]\nid_optional_purposes = [\"gardener\"]\n").unwrap();
    let out = office.run(&["config", "check", config.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("prereg.id_optional_purposes"),
        "{}",
        stderr(&out)
    );
    // The old key (ID only for some purposes) is refused with a pointer to the new one.
    std::fs::write(
        &config,
        "[prereg]\nid_required_purposes = [\"volunteer\"]\n",
    )
    .unwrap();
    let out = office.run(&["config", "check", config.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("prereg.id_required_purposes")
            && stderr(&out).contains("id_optional_purposes"),
        "{}",
        stderr(&out)
    );
}

/// `vestibule key rotate` re-seals invitations and the student roster with everything else:
/// both still open under the new key.
#[test]
fn invitations_and_the_roster_survive_a_key_rotation() {
    let office = Office::new();
    let out = office.run(&[
        "prereg",
        "add",
        "--db",
        office.db_str(),
        "--key",
        office.key_str(),
        "--last",
        "Lovelace",
        "--first",
        "Ada",
        "--from",
        "2099-12-01",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let roster = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/oneroster");
    let out = office.run(&["sis", "import", "--db", office.db_str(), roster]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = office.run(&["key", "rotate", "--db", office.db_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 invitation(s)"), "{}", stdout(&out));
    let listed = office.run(&["prereg", "list", "--db", office.db_str(), "--json"]);
    assert!(
        stdout(&listed).contains("Lovelace, Ada"),
        "{}",
        stdout(&listed)
    );
    let found = office.run(&["sis", "find", "--db", office.db_str(), "gar"]);
    assert!(found.status.success(), "{}", stderr(&found));
    assert!(
        stdout(&found).starts_with("2 students found"),
        "{}",
        stdout(&found)
    );
}

/// Retention: an invitation whose last valid day is older than the visits kept is purged.
#[test]
fn ended_invitations_are_purged_with_old_visits() {
    let office = Office::new();
    let out = office.run(&[
        "prereg",
        "add",
        "--db",
        office.db_str(),
        "--key",
        office.key_str(),
        "--last",
        "Lovelace",
        "--first",
        "Ada",
        "--from",
        "2099-12-01",
        "--to",
        "2099-12-03",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let kept = office.run(&[
        "purge",
        "--db",
        office.db_str(),
        "--now",
        "2100-06-01T12:00:00Z",
    ]);
    assert!(
        stdout(&kept).contains("0 ended invitation(s)"),
        "{}",
        stdout(&kept)
    );
    let gone = office.run(&[
        "purge",
        "--db",
        office.db_str(),
        "--now",
        "2101-01-01T12:00:00Z",
    ]);
    assert!(
        stdout(&gone).contains("1 ended invitation(s)"),
        "{}",
        stdout(&gone)
    );
    let listed = office.run(&["prereg", "list", "--db", office.db_str(), "--json"]);
    assert!(stdout(&listed).is_empty(), "{}", stdout(&listed));
}
