//! Students at the kiosk end to end (`vestibule kiosk --sim --headless`): the real binary, the
//! real UI on the software renderer, a real redb file with a OneRoster roster imported, the
//! registry and a custody watchlist, simulated hardware. A guardian picks a student up; an
//! adult the SIS does not list, and one a custody order names, are sent to the office; a student
//! signs in late with their number.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_vestibule");

/// DIANA ROSE SMITH, born 1992-10-10 (Maryland sample): Lily's and Noah's mother.
const SMITH: &str = include_str!("fixtures/aamva/v08-md.txt");
/// CAPTAIN JACK MORGAN, born 1960-05-22 (Pennsylvania sample): nobody's guardian.
const MORGAN: &str = include_str!("fixtures/aamva/v09-pa.txt");

const ORGS: &str = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
org-d,active,2026-08-01T00:00:00.000Z,Demo District,district,DD,
org-s,active,2026-08-01T00:00:00.000Z,Demo Elementary School,school,DES,org-d
";
const USERS: &str = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
stu-1,active,2026-08-01T00:00:00.000Z,true,org-s,student,lsmith,,Lily,Smith,,300001,,,,par-1,02,
stu-2,active,2026-08-01T00:00:00.000Z,true,org-s,student,nsmith,,Noah,Smith,,300002,,,,par-1,04,
stu-3,active,2026-08-01T00:00:00.000Z,true,org-s,student,lsmyth,,Lily,Smythe,,300003,,,,,02,
par-1,active,2026-08-01T00:00:00.000Z,true,org-d,parent,,,Diana,Smith,Rose,,,,,,,
";
/// A custody order naming Diana for Noah only.
const CUSTODY: &str =
    "entry_id,list,last_name,first_name,middle_name,dob,sex,action,note,student_id
W-9,custody,SMITH,DIANA,,,F,alert,Court order: not for Noah,300002
";

struct School {
    dir: tempfile::TempDir,
}

impl School {
    fn new(watchlist: Option<&str>) -> School {
        let school = School {
            dir: tempfile::tempdir().unwrap(),
        };
        let sis = school.dir.path().join("sis");
        std::fs::create_dir(&sis).unwrap();
        std::fs::write(sis.join("orgs.csv"), ORGS).unwrap();
        std::fs::write(sis.join("users.csv"), USERS).unwrap();
        ok(&["sis", "import", "--db", &school.db(), sis.to_str().unwrap()]);
        let registry = school.dir.path().join("registry.csv");
        std::fs::write(&registry, "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense\nR-1,primary,REGISTRANT,NOBODY,,,1950-01-01,M,VA,Example offence\n").unwrap();
        ok(&[
            "registry",
            "import",
            "--db",
            &school.db(),
            registry.to_str().unwrap(),
        ]);
        if let Some(list) = watchlist {
            let file = school.dir.path().join("watchlist.csv");
            std::fs::write(&file, list).unwrap();
            ok(&[
                "watchlist",
                "import",
                "--db",
                &school.db(),
                file.to_str().unwrap(),
            ]);
        }
        school
    }

    fn db(&self) -> String {
        self.dir
            .path()
            .join("kiosk.redb")
            .to_str()
            .unwrap()
            .to_owned()
    }

    fn run(&self, name: &str, events: &[Value]) -> PathBuf {
        let script: String = events.iter().map(|e| format!("{e}\n")).collect();
        let file = self.dir.path().join(format!("{name}.jsonl"));
        std::fs::write(&file, script).unwrap();
        let out = self.dir.path().join(name);
        ok(&[
            "kiosk",
            "--sim",
            "--headless",
            "--events",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--db",
            &self.db(),
        ]);
        out
    }

    /// Today's student events, as `vestibule report students --format json` counts them.
    fn student_report(&self) -> Value {
        let today = time::OffsetDateTime::now_utc().date();
        let (from, to) = (
            (today - time::Duration::days(1)).to_string(),
            (today + time::Duration::days(1)).to_string(),
        );
        let out = ok(&[
            "report",
            "students",
            "--db",
            &self.db(),
            "--from",
            &from,
            "--to",
            &to,
            "--format",
            "json",
        ]);
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn ok(args: &[&str]) -> Output {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("VESTIBULE_DB")
        .env_remove("VESTIBULE_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn hardware(out: &Path, device: &str, action: &str) -> usize {
    lines(&out.join("hardware.jsonl"))
        .iter()
        .filter(|l| l["device"] == device && l["action"] == action)
        .count()
}

fn with(out: &Path, file: &str, key: &str, value: &str) -> Vec<Value> {
    lines(&out.join(file))
        .into_iter()
        .filter(|l| l[key] == value)
        .collect()
}

fn tap(label: &str) -> Value {
    json!({ "tap": label })
}

fn typed(text: &str) -> Value {
    json!({ "type": text })
}

fn shot(name: &str) -> Value {
    json!({ "screenshot": name })
}

/// The period's total of `report students` for `key` (`late_arrivals`, `early_dismissals`).
fn count(report: &Value, key: &str) -> u64 {
    report["total"][key]["count"].as_u64().unwrap()
}

#[test]
fn a_listed_guardian_picks_a_student_up_with_badge_slip_door_and_office_alert() {
    let school = School::new(None);
    let out = school.run(
        "pickup",
        &[
            json!({ "scan": SMITH }),
            tap("purpose:pickup"),
            typed("lily"),
            shot("search-one-name"),
            typed(" sm 2"),
            shot("search"),
            tap("student:1"),
            shot("reason"),
            tap("reason:appointment"),
            json!({ "wait_ms": 100 }),
            shot("door"),
        ],
    );
    // Only two names list anyone; "lily sm 2" finds Lily Smith and Lily Smythe (grade 2).
    let one = std::fs::read(out.join("search-one-name.png")).unwrap();
    let two = std::fs::read(out.join("search.png")).unwrap();
    assert_ne!(one, two);
    assert_eq!(
        hardware(&out, "printer", "print"),
        2,
        "badge and dismissal slip"
    );
    assert_eq!(hardware(&out, "relay", "pulse"), 1);
    let alert = with(&out, "alerts.jsonl", "kind", "pickup");
    assert_eq!(alert.len(), 1);
    assert_eq!(alert[0]["student"]["student_id"], "300001");
    assert_eq!(alert[0]["student"]["school"], "Demo Elementary School");
    assert_eq!(alert[0]["reason"], "appointment");
    assert_eq!(
        with(&out, "audit.jsonl", "event", "student-picked-up").len(),
        1
    );
    let report = school.student_report();
    assert_eq!(count(&report, "early_dismissals"), 1, "{report}");
    // The slip is the second label: decoded back, it is a full label with ink on it.
    let slip = std::fs::read(out.join("badges/2.png")).unwrap();
    let slip = vestibule::badge::Bitmap1::from_png(&slip).unwrap();
    assert!(slip.ink_count() > 5_000);
}

#[test]
fn an_adult_the_sis_does_not_list_sees_only_the_front_office_screen() {
    let school = School::new(None);
    let out = school.run(
        "refused",
        &[
            json!({ "scan": MORGAN }),
            tap("purpose:pickup"),
            typed("lily smith"),
            tap("student:1"),
            shot("office"),
        ],
    );
    assert_eq!(hardware(&out, "printer", "print"), 0);
    assert_eq!(hardware(&out, "relay", "pulse"), 0);
    let audit = with(&out, "audit.jsonl", "event", "pickup-refused");
    assert_eq!(audit[0]["outcome"], "not_a_listed_guardian");
    let alert = with(&out, "alerts.jsonl", "kind", "pickup-refused");
    assert_eq!(alert[0]["reason"], "not_a_listed_guardian");
    assert_eq!(count(&school.student_report(), "early_dismissals"), 0);
}

#[test]
fn a_custody_order_for_one_student_bars_that_pickup_even_after_staff_let_the_adult_in() {
    let school = School::new(Some(CUSTODY));
    let mut events = vec![json!({ "scan": SMITH })];
    for label in [
        "staff",
        "pin-2",
        "pin-4",
        "pin-6",
        "pin-8",
        "pin-1",
        "pin-0",
        "pin-enter",
        "review-queue",
        "is-a-match",
        "allow-registered",
    ] {
        events.push(tap(label));
    }
    // Cleared by staff: the same ID again before the purpose screen (issue 14).
    events.extend([json!({ "scan": SMITH }), tap("purpose:pickup")]);
    events.extend([typed("noah smith"), tap("student:1"), shot("office")]);
    let out = school.run("custody", &events);
    let audit = with(&out, "audit.jsonl", "event", "pickup-refused");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["outcome"], "custody_order");
    assert_eq!(audit[0]["record_id"], "W-9");
    assert_eq!(hardware(&out, "relay", "pulse"), 0);
    assert_eq!(hardware(&out, "printer", "print"), 0);
}

#[test]
fn a_late_student_signs_in_by_number_and_gets_a_pass_but_no_door() {
    let school = School::new(None);
    let out = school.run(
        "late",
        &[
            tap("student"),
            tap("student-late"),
            typed("300002"),
            tap("student-find"),
            tap("student:1"),
            tap("reason:illness"),
            shot("done"),
        ],
    );
    assert_eq!(hardware(&out, "printer", "print"), 1, "the late pass");
    assert_eq!(hardware(&out, "relay", "pulse"), 0);
    assert_eq!(
        with(&out, "audit.jsonl", "event", "student-late-arrival").len(),
        1
    );
    assert!(with(&out, "alerts.jsonl", "kind", "student-leaving").is_empty());
    let report = school.student_report();
    assert_eq!(count(&report, "late_arrivals"), 1, "{report}");
}
