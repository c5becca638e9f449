//! End to end through the real binary and a real redb file: import, screen (single and batch),
//! watchlists, malformed input, remembered decisions. Every variant class of issue 3 is found,
//! ordinary visitors are not.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const REGISTRY: &str = "\
record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,photo,offense
MO-0001,primary,HENDERSON,WILLIAM,JAMES,,1970-05-14,M,MO,p1.jpg,INDECENT EXPOSURE
MO-0001,alias,HENDRICKS,BILL,,,1970-05-14,M,MO,,
MO-0002,primary,GARCIA-LOPEZ,MARIA,ELENA,,1982-03-09,F,MO,,
MO-0003,primary,DE LA CRUZ,JUAN,,,1975-11-02,M,MO,,
MO-0004,primary,O'BRIEN,SEAN,PATRICK,,1968-07-21,M,MO,,
MO-0005,primary,SMITH JR,JONATHAN,ROBERT,,1980-01-15,M,MO,,
MO-0006,primary,WASHINGTON,KATHERINE,ANNE,,1985-04-12,F,MO,,
MO-0007,primary,MCDONALD,ROBERT,,,1960-02-03,M,MO,,
MO-0008,primary,PETERSEN,BOBBY,,,1972-06-30,M,MO,,
MO-0009,primary,VAN DER BERG,PIETER,,,1966-09-19,M,MO,,
MO-0010,primary,THOMPSON,DAVID,MICHAEL,,1979-08-23,M,MO,,
MO-0011,primary,KOWALSKI,ANDREW,,,1983-12-05,M,MO,,
MO-0012,primary,MÜLLER,JOSÉ,,,1971-10-30,M,MO,,
";

const WATCHLIST: &str = "\
entry_id,list,last_name,first_name,middle_name,dob,sex,action,note
W-1,custody,DOE,JANE,,,F,alert,court order 2025-117
W-2,banned,RIVERA,CARLOS,,1979-09-09,M,deny,threatened staff
";

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    db: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_owned();
        let db = root.join("v.redb");
        let f = Fixture {
            _dir: dir,
            root,
            db,
        };
        let registry = f.file("registry.csv", REGISTRY);
        let out = f.run(&["registry", "import", "--db", f.db(), path(&registry)]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let watchlist = f.file("watchlist.csv", WATCHLIST);
        let out = f.run(&["watchlist", "import", "--db", f.db(), path(&watchlist)]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        f
    }

    fn db(&self) -> &str {
        path(&self.db)
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.root.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vestibule"))
            .args(args)
            .env_remove("VESTIBULE_DB")
            .output()
            .unwrap()
    }

    /// `vestibule screen --json` for one visitor: the flagged record ids.
    fn screen(
        &self,
        last: &str,
        first: &str,
        middle: &str,
        dob: &str,
        extra: &[&str],
    ) -> Vec<String> {
        screened(&self.screen_json(last, first, middle, dob, extra))
    }

    fn screen_json(
        &self,
        last: &str,
        first: &str,
        middle: &str,
        dob: &str,
        extra: &[&str],
    ) -> Value {
        let mut args = vec![
            "screen",
            "--db",
            self.db(),
            "--last",
            last,
            "--first",
            first,
            "--json",
        ];
        if !middle.is_empty() {
            args.extend(["--middle", middle]);
        }
        if !dob.is_empty() {
            args.extend(["--dob", dob]);
        }
        args.extend_from_slice(extra);
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn screened(answer: &Value) -> Vec<String> {
    answer["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["record_id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_variant_class_is_flagged() {
    let f = Fixture::new();
    let cases: &[(&str, &str, &str, &str, &str, &str)] = &[
        (
            "exact",
            "HENDERSON",
            "WILLIAM",
            "JAMES",
            "1970-05-14",
            "MO-0001",
        ),
        (
            "typo in last name",
            "HENDERSEN",
            "WILLIAM",
            "",
            "1970-05-14",
            "MO-0001",
        ),
        (
            "typo in first name",
            "HENDERSON",
            "WILIAM",
            "",
            "1970-05-14",
            "MO-0001",
        ),
        (
            "nickname (formal -> short)",
            "MCDONALD",
            "BOB",
            "",
            "1960-02-03",
            "MO-0007",
        ),
        (
            "nickname (short -> formal)",
            "PETERSEN",
            "ROBERT",
            "",
            "1972-06-30",
            "MO-0008",
        ),
        ("alias", "HENDRICKS", "BILL", "", "1970-05-14", "MO-0001"),
        (
            "married name",
            "MILLER",
            "KATHERINE",
            "ANNE",
            "1985-04-12",
            "MO-0006",
        ),
        (
            "compound surname in part",
            "LOPEZ",
            "MARIA",
            "",
            "1982-03-09",
            "MO-0002",
        ),
        (
            "hyphenation",
            "GARCIA LOPEZ",
            "MARIA",
            "",
            "1982-03-09",
            "MO-0002",
        ),
        (
            "particle without spaces",
            "DELACRUZ",
            "JUAN",
            "",
            "1975-11-02",
            "MO-0003",
        ),
        (
            "particle part only",
            "CRUZ",
            "JUAN",
            "",
            "1975-11-02",
            "MO-0003",
        ),
        (
            "particles glued",
            "VANDERBERG",
            "PIETER",
            "",
            "1966-09-19",
            "MO-0009",
        ),
        (
            "apostrophe dropped",
            "OBRIEN",
            "SEAN",
            "",
            "1968-07-21",
            "MO-0004",
        ),
        (
            "apostrophe as space",
            "O BRIEN",
            "SEAN",
            "",
            "1968-07-21",
            "MO-0004",
        ),
        (
            "suffix separated",
            "SMITH",
            "JONATHAN",
            "",
            "1980-01-15",
            "MO-0005",
        ),
        (
            "day/month transposed",
            "KOWALSKI",
            "ANDREW",
            "",
            "1983-05-12",
            "MO-0011",
        ),
        (
            "dob a day off",
            "KOWALSKI",
            "ANDREW",
            "",
            "1983-12-06",
            "MO-0011",
        ),
        (
            "dob a year off",
            "KOWALSKI",
            "ANDREW",
            "",
            "1984-12-05",
            "MO-0011",
        ),
        (
            "typo and transposed",
            "KOWALSKY",
            "ANDREW",
            "",
            "1983-05-12",
            "MO-0011",
        ),
        (
            "goes by middle name",
            "THOMPSON",
            "MICHAEL",
            "",
            "1979-08-23",
            "MO-0010",
        ),
        (
            "accents folded",
            "MULLER",
            "JOSE",
            "",
            "1971-10-30",
            "MO-0012",
        ),
    ];
    for (class, last, first, middle, dob, expected) in cases {
        let found = f.screen(last, first, middle, dob, &[]);
        assert_eq!(found, vec![expected.to_string()], "{class}");
    }
    // the suffix given in its own flag, too
    assert_eq!(
        f.screen("SMITH", "JONATHAN", "", "1980-01-15", &["--suffix", "JR"]),
        vec!["MO-0005"]
    );
}

#[test]
fn ordinary_visitors_are_not_flagged() {
    let f = Fixture::new();
    for (last, first, middle, dob) in [
        ("PETERS", "WILLIAM", "", "1970-05-14"), // first name and birthday
        ("HENDERSON", "KEVIN", "", "1970-05-14"), // surname and birthday
        ("HENDERSON", "WILLIAM", "", "1990-01-01"), // namesake born 20 years later
        ("NGUYEN", "LINDA", "MAI", "1977-02-02"),
    ] {
        assert!(
            f.screen(last, first, middle, dob, &[]).is_empty(),
            "{first} {last}"
        );
    }
    let out = f.run(&[
        "screen",
        "--db",
        f.db(),
        "--last",
        "NGUYEN",
        "--first",
        "LINDA",
        "--dob",
        "1977-02-02",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no match"));
}

#[test]
fn candidates_carry_source_score_and_reasons() {
    let f = Fixture::new();
    let answer = f.screen_json("HENDERSON", "BILL", "", "1970-05-14", &["--sex", "M"]);
    let c = &answer["candidates"][0];
    assert_eq!(c["record_id"], "MO-0001");
    assert_eq!(c["source"], "registry");
    assert!(c["score"].as_u64().unwrap() >= 75);
    let reasons: Vec<&str> = c["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(reasons, vec!["last", "first:nickname", "dob", "sex"]);
}

#[test]
fn watchlist_matches_on_names_when_the_date_is_unknown() {
    let f = Fixture::new();
    let answer = f.screen_json("DOE", "JANE", "", "1988-03-03", &[]);
    let c = &answer["candidates"][0];
    assert_eq!(
        (
            c["record_id"].as_str(),
            c["source"].as_str(),
            c["list"].as_str()
        ),
        (Some("W-1"), Some("watchlist"), Some("custody"))
    );
    assert_eq!(c["action"], "alert");
    // a nickname still reaches it
    assert_eq!(f.screen("DOE", "JANIE", "", "1988-03-03", &[]), vec!["W-1"]);
    // a different Jane is left alone
    assert!(f.screen("DOLE", "MARTHA", "", "1988-03-03", &[]).is_empty());
}

#[test]
fn deny_entries_are_still_candidates_for_staff() {
    let f = Fixture::new();
    let answer = f.screen_json("RIVERRA", "CARLOS", "", "1979-09-09", &[]);
    let c = &answer["candidates"][0];
    assert_eq!(c["record_id"], "W-2");
    assert_eq!(c["action"], "deny");
    assert_eq!(c["list"], "banned");
}

#[test]
fn batch_answers_one_line_per_query_in_order() {
    let f = Fixture::new();
    let queries = f.file(
        "q.csv",
        "query_id,last_name,first_name,middle_name,dob,sex\n\
         Q1,HENDERSON,WILLIAM,,1970-05-14,M\n\
         Q2,NGUYEN,LINDA,,1977-02-02,F\n\
         Q3,DOE,JANE,,,\n",
    );
    let out = f.run(&["screen", "--db", f.db(), "--batch", path(&queries)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["query_id"], "Q1");
    assert_eq!(screened(&lines[0]), vec!["MO-0001"]);
    assert_eq!(lines[1]["query_id"], "Q2");
    assert!(screened(&lines[1]).is_empty());
    assert_eq!(screened(&lines[2]), vec!["W-1"]);
}

#[test]
fn a_malformed_row_names_its_line_and_changes_nothing() {
    let f = Fixture::new();
    let bad = f.file(
        "bad.csv",
        "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction\n\
         KS-1,primary,NEWMAN,PAUL,,,1950-01-01,M,KS\n\
         KS-2,primary,OLDMAN,PAULA,,,1950-13-01,F,KS\n",
    );
    let out = f.run(&["registry", "import", "--db", f.db(), path(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("line 3") && stderr.contains("dob"),
        "{stderr}"
    );
    // the previous registry still answers, and nothing of the bad file got in
    assert_eq!(
        f.screen("HENDERSON", "WILLIAM", "", "1970-05-14", &[]),
        vec!["MO-0001"]
    );
    assert!(f.screen("NEWMAN", "PAUL", "", "1950-01-01", &[]).is_empty());

    let bad_watchlist = f.file("badw.csv", "entry_id,list,last_name,first_name,middle_name,dob,sex,action,note\nX,fans,A,B,,,,alert,\n");
    let out = f.run(&["watchlist", "import", "--db", f.db(), path(&bad_watchlist)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
    assert_eq!(f.screen("DOE", "JANE", "", "", &[]), vec!["W-1"]);
}

#[test]
fn a_missing_column_is_refused() {
    let f = Fixture::new();
    let bad = f.file("nocol.csv", "record_id,last_name,first_name\nA,B,C\n");
    let out = f.run(&["registry", "import", "--db", f.db(), path(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("name_kind"));
}

#[test]
fn a_remembered_decision_clears_only_that_record_for_that_person() {
    let f = Fixture::new();
    let visitor = [
        "--last",
        "HENDERSON",
        "--first",
        "WILLIAM",
        "--dob",
        "1970-05-14",
        "--doc4",
        "1234",
    ];
    let mut args = vec![
        "decision",
        "not-a-match",
        "--db",
        f.db(),
        "--record",
        "MO-0001",
    ];
    args.extend_from_slice(&visitor);
    let out = f.run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    assert!(f
        .screen(
            "HENDERSON",
            "WILLIAM",
            "",
            "1970-05-14",
            &["--doc4", "1234"]
        )
        .is_empty());
    // another document (another person with that name and birthday) is still flagged
    assert_eq!(
        f.screen(
            "HENDERSON",
            "WILLIAM",
            "",
            "1970-05-14",
            &["--doc4", "9876"]
        ),
        vec!["MO-0001"]
    );

    // a new record for the same name still flags the cleared visitor
    let registry = f.file(
        "registry2.csv",
        &format!("{REGISTRY}KS-0099,primary,HENDERSON,WILLIAM,,,1970-05-14,M,KS,,\n"),
    );
    assert!(f
        .run(&["registry", "import", "--db", f.db(), path(&registry)])
        .status
        .success());
    assert_eq!(
        f.screen(
            "HENDERSON",
            "WILLIAM",
            "",
            "1970-05-14",
            &["--doc4", "1234"]
        ),
        vec!["KS-0099"]
    );

    // reset forgets, and the audit trail shows both events without the visitor's name
    let mut args = vec!["decision", "reset", "--db", f.db()];
    args.extend_from_slice(&visitor);
    assert!(f.run(&args).status.success());
    assert_eq!(
        f.screen(
            "HENDERSON",
            "WILLIAM",
            "",
            "1970-05-14",
            &["--doc4", "1234"]
        )
        .len(),
        2
    );
    let audit = String::from_utf8(f.run(&["decision", "audit", "--db", f.db()]).stdout).unwrap();
    assert_eq!(audit.lines().count(), 2);
    assert!(
        audit.contains("not-a-match") && audit.contains("reset") && !audit.contains("HENDERSON")
    );
}

#[test]
fn db_defaults_to_the_environment() {
    let f = Fixture::new();
    let out = Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args([
            "screen",
            "--last",
            "HENDERSON",
            "--first",
            "WILLIAM",
            "--dob",
            "1970-05-14",
            "--json",
        ])
        .env("VESTIBULE_DB", &f.db)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        screened(&serde_json::from_slice(&out.stdout).unwrap()),
        vec!["MO-0001"]
    );
}

#[test]
fn the_table_shows_staff_facing_details_even_for_an_alias() {
    let f = Fixture::new();
    for (last, first) in [("HENDERSON", "WILLIAM"), ("HENDRICKS", "BILL")] {
        let out = f.run(&[
            "screen",
            "--db",
            f.db(),
            "--last",
            last,
            "--first",
            first,
            "--dob",
            "1970-05-14",
        ]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("MO-0001"), "{text}");
        assert!(
            text.contains("jurisdiction: MO")
                && text.contains("offense: INDECENT EXPOSURE")
                && text.contains("photo: p1.jpg"),
            "{text}"
        );
    }
    // a watchlist entry shows the school's note
    let out = f.run(&["screen", "--db", f.db(), "--last", "DOE", "--first", "JANE"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("note: court order 2025-117"), "{text}");
}

#[test]
fn first_and_last_name_typed_the_wrong_way_round_are_read_both_ways() {
    let f = Fixture::new();
    let answer = f.screen_json("WILLIAM", "HENDERSON", "", "1970-05-14", &[]);
    assert_eq!(screened(&answer), vec!["MO-0001"]);
    let reasons = answer["candidates"][0]["reasons"].as_array().unwrap();
    assert!(reasons.iter().any(|r| r == "swapped"), "{reasons:?}");
    // the swapped reading is still a name match, not a licence to match anyone
    assert!(f
        .screen("WILLIAM", "PETERSON", "", "1970-05-14", &[])
        .is_empty());
}

#[test]
fn a_short_first_name_with_a_letter_lost_is_still_found() {
    let f = Fixture::new();
    // ANDREW -> ANDEW is an ordinary typo; JOSE -> JOE loses a letter down to three
    assert_eq!(
        f.screen("KOWALSKI", "ANDEW", "", "1983-12-05", &[]),
        vec!["MO-0011"]
    );
    assert_eq!(
        f.screen("MULLER", "JOE", "", "1971-10-30", &[]),
        vec!["MO-0012"]
    );
}

#[test]
fn staff_read_the_weighed_evidence_in_words_and_as_a_chance() {
    let f = Fixture::new();
    // first and last name the other way round, the date of birth right
    let out = f.run(&[
        "screen",
        "--db",
        f.db(),
        "--last",
        "ANDREW",
        "--first",
        "KOWALSKI",
        "--dob",
        "1983-12-05",
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("MO-0011") && l.contains('%'))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("same date of birth"), "{line}");
    assert!(
        line.contains("first and last name the other way round"),
        "{line}"
    );
    let chance: f64 = line.trim().split('%').next().unwrap().parse().unwrap();
    assert!(chance > 50.0, "{line}");
}
