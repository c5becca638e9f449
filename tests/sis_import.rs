//! `vestibule sis import` and `vestibule sis find`, the real binary on a real database: the
//! sample OneRoster set in `samples/oneroster`, a re-import that replaces it whole, bad sets that
//! change nothing and say file, line and field in one line, and no name in clear in the file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/oneroster");

struct Kiosk {
    dir: tempfile::TempDir,
}

impl Kiosk {
    fn new() -> Kiosk {
        Kiosk {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("kiosk.redb")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vestibule"))
            .args(args)
            .arg("--db")
            .arg(self.db())
            .env_remove("VESTIBULE_DB")
            .env_remove("CREDENTIALS_DIRECTORY")
            .env_remove("VESTIBULE_CONFIG")
            .output()
            .unwrap()
    }

    fn import(&self, dir: &Path) -> Output {
        self.run(&["sis", "import", dir.to_str().unwrap()])
    }

    fn find(&self, words: &[&str]) -> String {
        let mut args = vec!["sis", "find"];
        args.extend_from_slice(words);
        let out = self.run(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    }

    /// A copy of the sample set, with `edit` applied to `file`.
    fn sample_with(&self, file: &str, edit: impl Fn(String) -> String) -> PathBuf {
        let copy = self.dir.path().join(format!("set-{}", rand_suffix()));
        std::fs::create_dir(&copy).unwrap();
        for name in ["orgs.csv", "users.csv", "enrollments.csv", "manifest.csv"] {
            let text = std::fs::read_to_string(Path::new(SAMPLE).join(name)).unwrap();
            let text = if name == file { edit(text) } else { text };
            std::fs::write(copy.join(name), text).unwrap();
        }
        copy
    }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit 2, exactly one line on stderr, which is `message`.
fn assert_refused(out: &Output, message: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stdout(out));
    assert_eq!(stderr(out), format!("vestibule: {message}\n"));
}

#[test]
fn the_sample_set_imports_with_a_one_line_summary() {
    let kiosk = Kiosk::new();
    let out = kiosk.import(Path::new(SAMPLE));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("imported 2 schools, 7 students, 9 guardians, 10 guardian links from {SAMPLE}\n")
    );
    assert_eq!(stderr(&out), "");
}

#[test]
fn find_shows_the_students_and_their_guardians_for_the_office() {
    let kiosk = Kiosk::new();
    assert!(kiosk.import(Path::new(SAMPLE)).status.success());
    assert_eq!(
        kiosk.find(&["gar"]),
        "2 students found\n\
         100235  García López, Lucas  grade KG  Lincoln Elementary\n    \
         guardian: García, Ana Lucía\n\
         100234  García López, María José  grade 03  Lincoln Elementary\n    \
         guardian: García, Ana Lucía\n    \
         guardian: Ortega, Luis Miguel\n"
    );
    assert_eq!(
        kiosk
            .find(&["--grade", "3", "garcia", "maria"])
            .lines()
            .next(),
        Some("1 student found")
    );
    // Linked only from the guardian's side.
    assert!(kiosk
        .find(&["an", "nguyen"])
        .contains("guardian: Nguyen, Thi\n"));
    assert_eq!(kiosk.find(&["--grade", "9"]), "0 students found\n");
    // The student being deleted is not there; teachers are not students.
    assert_eq!(kiosk.find(&["former"]), "0 students found\n");
    assert_eq!(kiosk.find(&["jordan"]), "0 students found\n");
    assert!(kiosk
        .find(&["--grade", "kindergarten"])
        .starts_with("1 student found\n"));
}

#[test]
fn a_re_import_replaces_the_roster_whole() {
    let kiosk = Kiosk::new();
    assert!(kiosk.import(Path::new(SAMPLE)).status.success());
    let smaller = kiosk.sample_with("users.csv", |text| {
        text.lines()
            .filter(|l| !l.starts_with("stu-1001") && !l.starts_with("par-2002"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
            .replace(",stu-1001,,", ",,,")
            .replace("\"stu-1001,stu-1002\"", "stu-1002")
    });
    let enrollments = std::fs::read_to_string(smaller.join("enrollments.csv")).unwrap();
    std::fs::write(
        smaller.join("enrollments.csv"),
        enrollments.replace("stu-1001", "stu-1002"),
    )
    .unwrap();
    let out = kiosk.import(&smaller);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("imported 2 schools, 6 students, 8 guardians, 8 guardian links")
    );
    assert_eq!(kiosk.find(&["maria"]), "0 students found\n");
    assert!(kiosk.find(&["lucas"]).starts_with("1 student found\n"));
}

#[test]
fn a_bad_set_names_file_line_and_field_and_changes_nothing() {
    let kiosk = Kiosk::new();
    assert!(kiosk.import(Path::new(SAMPLE)).status.success());
    let before = kiosk.find(&[]);
    assert!(before.starts_with("7 students found\n"));

    let unknown = kiosk.sample_with("users.csv", |t| {
        t.replace("par-2001,par-2002", "par-2001,par-9999")
    });
    assert_refused(
        &kiosk.import(&unknown),
        "users.csv line 2, field agentSourcedIds: unknown user par-9999",
    );
    let empty_name = kiosk.sample_with("users.csv", |t| t.replace(",Lucas,", ",,"));
    assert_refused(
        &kiosk.import(&empty_name),
        "users.csv line 3, field givenName: empty",
    );
    let no_column = kiosk.sample_with("users.csv", |t| t.replacen("familyName", "lastName", 1));
    assert_refused(
        &kiosk.import(&no_column),
        "users.csv: missing column familyName",
    );
    let bad_school = kiosk.sample_with("enrollments.csv", |t| {
        t.replace("org-s2,stu-1005", "org-s9,stu-1005")
    });
    assert_refused(
        &kiosk.import(&bad_school),
        "enrollments.csv line 6, field schoolSourcedId: unknown org org-s9",
    );
    let no_orgs = kiosk.sample_with("users.csv", |t| t);
    std::fs::remove_file(no_orgs.join("orgs.csv")).unwrap();
    assert_refused(
        &kiosk.import(&no_orgs),
        "orgs.csv: missing (a OneRoster set needs orgs.csv and users.csv)",
    );
    assert_eq!(kiosk.find(&[]), before, "nothing changed");
}

#[test]
fn refusals_never_quote_a_name() {
    let kiosk = Kiosk::new();
    let repeat = kiosk.sample_with("users.csv", |t| {
        t.replace("Nguyen,Thi,100301", "Nguyen,Thi,100234")
    });
    let out = kiosk.import(&repeat);
    assert_refused(
        &out,
        "users.csv line 4, field identifier: the student id of user stu-1003 repeats line 2",
    );
    assert!(!stderr(&out).contains("Nguyen") && !stderr(&out).contains("100234"));
}

#[test]
fn the_roster_is_sealed_at_rest() {
    let kiosk = Kiosk::new();
    assert!(kiosk.import(Path::new(SAMPLE)).status.success());
    let bytes = std::fs::read(kiosk.db()).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for secret in [
        "García",
        "Garc",
        "Ortega",
        "Washington",
        "100234",
        "Lincoln Elementary",
    ] {
        assert!(!text.contains(secret), "{secret} in clear in the database");
    }
    // Without the data key nothing opens.
    std::fs::remove_file(kiosk.dir.path().join("kiosk.redb.key")).unwrap();
    let out = kiosk.run(&["sis", "find", "maria"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("María"));
}

#[test]
fn a_custody_entry_for_a_student_not_on_the_roster_is_warned_about() {
    let kiosk = Kiosk::new();
    let watchlist = kiosk.dir.path().join("watchlist.csv");
    std::fs::write(
        &watchlist,
        "entry_id,list,last_name,first_name,middle_name,dob,sex,action,note,student_id\n\
         W-1,custody,ORTEGA,LUIS,,,M,deny,order 2026-14,100234\n\
         W-2,custody,BELL,MARCUS,,,M,deny,,999999\n",
    )
    .unwrap();
    let out = kiosk.run(&["watchlist", "import", watchlist.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = kiosk.import(Path::new(SAMPLE));
    assert!(out.status.success());
    assert_eq!(
        stderr(&out),
        "vestibule: warning: custody watchlist entry W-2 names a student id that is not on the \
         roster: it bars no one\n"
    );
}
