//! `vestibule report` on a real database: visits, sign-outs, audit lines and student events
//! written through the store exactly as the kiosk writes them, the real binary run over it, and
//! its CSV, JSON and PDF read back (the PDF with lopdf: pages, texts, the chart's bars).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use vestibule::kiosk::{Audit, Decision, Source as KioskSource, VisitId};
use vestibule::store::decisions::Decided;
use vestibule::store::outbox::Record;
use vestibule::store::students::{StudentEvent, StudentEventKind};
use vestibule::store::visits::StoredVisit;
use vestibule::store::{KeyLocation, Source, Store};

const SCHOOL: &str = "Lincoln Elementary";
/// Personal data the reports must never print.
const SECRETS: [&str; 4] = ["Quartermaine", "Pat Parent", "S-1001", "HENDERSON"];

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let f = Fixture {
            dir: tempfile::tempdir().unwrap(),
        };
        f.fill();
        f
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("kiosk.redb")
    }

    fn store(&self) -> Store {
        let key = KeyLocation::File(self.dir.path().join("kiosk.redb.key"));
        Store::open_personal(&self.db(), &key).unwrap()
    }

    /// Two school days (23rd and 24th) and one before, written the way the kiosk writes them.
    fn fill(&self) {
        let store = self.store();
        let watchlist = "entry_id,list,last_name,first_name,middle_name,dob,sex,action,note\n\
                         W-9,custody,HENDERSON,WILLIAM,,,M,alert,\n";
        store.import_watchlist(watchlist.as_bytes()).unwrap();
        let visits = [
            (1, "2026-11-23T08:10:00-05:00", "Visitor", false),
            (2, "2026-11-23T08:50:00-05:00", "Volunteer", true),
            (3, "2026-11-23T13:05:00-05:00", "Contractor", false),
            (4, "2026-11-23T13:30:00-05:00", "Visitor", false),
            (5, "2026-11-24T09:00:00-05:00", "Visitor", false),
            (6, "2026-11-22T09:00:00-05:00", "Visitor", false),
        ];
        for (n, at, purpose, no_id) in visits {
            store
                .save_visit(&StoredVisit {
                    visit: n,
                    signed_in: at.into(),
                    visitor_name: format!("Wilhelmina Quartermaine {n}"),
                    purpose: purpose.into(),
                    destination: "Office".into(),
                    no_id,
                    cleared_by: None,
                    signed_out: None,
                })
                .unwrap();
        }
        for (n, at) in [
            (1, "2026-11-23T08:40:00-05:00"),
            (2, "2026-11-23T10:20:00-05:00"),
            (4, "2026-11-23T13:40:00-05:00"),
            (5, "2026-11-24T09:20:00-05:00"),
        ] {
            assert!(store.sign_out(n, at).unwrap().is_some());
        }

        let at2 = "2026-11-23T08:51:00-05:00";
        audit(
            &store,
            "2026-11-23T08:00:00-05:00",
            kiosk_audit("pin-accepted"),
        );
        let mut flagged = kiosk_audit("flagged");
        flagged.visit = Some(VisitId(2));
        flagged.source = Some(KioskSource::Registry);
        flagged.record_id = Some("MO-1".into());
        audit(&store, "2026-11-23T08:50:30-05:00", flagged.clone());
        flagged.source = Some(KioskSource::Watchlist);
        flagged.record_id = Some("W-9".into());
        audit(&store, "2026-11-23T08:50:30-05:00", flagged.clone());
        // staff decide: MO-1 not a match, W-9 allowed once and blocked; each decision's audit
        // line and its remembered record in one transaction, as the kiosk commits them
        let identity = "HENDERSON|WILLIAM||";
        commit(
            &store,
            at2,
            decision(2, KioskSource::Registry, "MO-1", Decision::NotAMatch),
            Record::NotAMatch {
                identity: identity.into(),
                source: Source::Registry,
                record_id: "MO-1".into(),
                at: at2.into(),
                by: "Ms Office".into(),
            },
        );
        commit(
            &store,
            at2,
            decision(2, KioskSource::Watchlist, "W-9", Decision::AllowOnceBlock),
            Record::Block {
                identity: identity.into(),
                source: Source::Watchlist,
                record_id: "W-9".into(),
                at: at2.into(),
                by: "Ms Office".into(),
            },
        );
        let mut out = kiosk_audit("signed-out");
        out.visit = Some(VisitId(2));
        audit(&store, "2026-11-23T10:20:00-05:00", out);
        // the next day: a flag another operator decided at the kiosk ...
        flagged.visit = Some(VisitId(5));
        flagged.source = Some(KioskSource::Registry);
        flagged.record_id = Some("MO-7".into());
        audit(&store, "2026-11-24T09:00:10-05:00", flagged);
        let at3 = "2026-11-24T09:01:00-05:00";
        let mut d = decision(5, KioskSource::Registry, "MO-7", Decision::NotAMatch);
        d.operator = Some("Mr Admin".into());
        commit(
            &store,
            at3,
            d,
            Record::NotAMatch {
                identity: "SMITH|JOHN||".into(),
                source: Source::Registry,
                record_id: "MO-7".into(),
                at: at3.into(),
                by: "Mr Admin".into(),
            },
        );
        // ... and one made at the office with `vestibule decision not-a-match`
        store
            .remember_not_a_match(
                "SMITH|JOHN||",
                Source::Registry,
                "MO-8",
                &Decided {
                    at: "2026-11-24T11:00:00-05:00",
                    by: "Mr Admin",
                },
            )
            .unwrap();

        let students = [
            (
                "2026-11-23T08:40:00-05:00",
                StudentEventKind::LateArrival,
                "3",
                "bus",
                None,
            ),
            (
                "2026-11-23T13:15:00-05:00",
                StudentEventKind::EarlyDismissal,
                "5",
                "doctor",
                Some("Pat Parent".to_owned()),
            ),
            (
                "2026-11-24T08:35:00-05:00",
                StudentEventKind::LateArrival,
                "K",
                "bus",
                None,
            ),
        ];
        for (at, kind, grade, reason, picked_up_by) in students {
            store
                .record_student_event(&StudentEvent {
                    at: at.into(),
                    kind,
                    student_id: "S-1001".into(),
                    grade: grade.into(),
                    school: SCHOOL.into(),
                    reason: reason.into(),
                    picked_up_by,
                    operator: Some("Ms Office".into()),
                })
                .unwrap();
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vestibule"))
            .args(args)
            .arg("--db")
            .arg(self.db())
            .env_remove("CREDENTIALS_DIRECTORY")
            .env_remove("VESTIBULE_CONFIG")
            .env_remove("VESTIBULE_DB")
            .env("VESTIBULE_SCHOOL__NAME", SCHOOL)
            .output()
            .unwrap()
    }

    /// Runs a command that must succeed and returns its stdout.
    fn ok(&self, args: &[&str]) -> Vec<u8> {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert_no_secrets(&out.stdout);
        out.stdout
    }
}

/// An audit line as `src/app` writes the kiosk's `Audit` effect: the struct as JSON plus `at`.
fn audit_line(at: &str, audit: Audit) -> Value {
    let mut line = serde_json::to_value(&audit).unwrap();
    line["at"] = at.into();
    line
}

fn audit(store: &Store, at: &str, audit: Audit) {
    store.audit(audit_line(at, audit)).unwrap();
}

/// A staff decision as the kiosk commits it: its audit line and what the store remembers.
fn commit(store: &Store, at: &str, decision: Audit, remembered: Record) {
    let records = [Record::Audit(audit_line(at, decision)), remembered];
    store.commit_records(&records, &[], 0).unwrap();
}

fn kiosk_audit(event: &'static str) -> Audit {
    Audit {
        at_ms: 0,
        kiosk: "Main lobby".into(),
        event,
        operator: Some("Ms Office".into()),
        visit: None,
        source: None,
        record_id: None,
        outcome: None,
    }
}

fn decision(visit: u32, source: KioskSource, record: &str, decision: Decision) -> Audit {
    let mut audit = kiosk_audit("decision");
    audit.visit = Some(VisitId(visit));
    audit.source = Some(source);
    audit.record_id = Some(record.into());
    audit.outcome = Some(decision.as_str());
    audit
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_no_secrets(bytes: &[u8]) {
    for secret in SECRETS {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is in a report"
        );
    }
}

/// `school,date,measure,key,value` rows by (date, measure, key).
fn measures(csv: &[u8]) -> HashMap<(String, String, String), String> {
    let mut reader = csv::Reader::from_reader(csv);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, ["school", "date", "measure", "key", "value"]);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(&r[0], SCHOOL, "every row carries the school");
            ((r[1].into(), r[2].into(), r[3].into()), r[4].into())
        })
        .collect()
}

fn value<'a>(
    m: &'a HashMap<(String, String, String), String>,
    date: &str,
    measure: &str,
    key: &str,
) -> &'a str {
    m.get(&(date.into(), measure.into(), key.into()))
        .unwrap_or_else(|| panic!("no row {date},{measure},{key}"))
}

const RANGE: [&str; 4] = ["--from", "2026-11-23", "--to", "2026-11-24"];

fn args<'a>(kind: &'a str, format: &'a str) -> Vec<&'a str> {
    let mut args = vec!["report", kind];
    args.extend(RANGE);
    args.extend(["--format", format]);
    args
}

#[test]
fn visits_csv_and_json_count_what_the_kiosk_recorded() {
    let f = Fixture::new();
    let m = measures(&f.ok(&args("visits", "csv")));
    let day = "2026-11-23";
    assert_eq!(value(&m, day, "visits", ""), "4");
    assert_eq!(value(&m, day, "visits_by_hour", "08"), "2");
    assert_eq!(value(&m, day, "visits_by_hour", "13"), "2");
    assert_eq!(value(&m, day, "visits_by_purpose", "Visitor"), "2");
    assert_eq!(value(&m, day, "visits_by_purpose", "Volunteer"), "1");
    assert_eq!(value(&m, day, "visits_by_purpose", "Contractor"), "1");
    assert_eq!(value(&m, day, "no_id", ""), "1");
    assert_eq!(value(&m, day, "signed_out", ""), "3");
    assert_eq!(value(&m, day, "never_signed_out", ""), "1");
    // 30, 90 and 10 minutes
    assert_eq!(value(&m, day, "average_minutes", ""), "43.3");
    assert_eq!(value(&m, day, "median_minutes", ""), "30.0");
    assert_eq!(
        value(&m, day, "never_signed_out_visit", "V-0003"),
        "Contractor"
    );
    assert_eq!(value(&m, "2026-11-24", "visits", ""), "1");
    assert_eq!(value(&m, "2026-11-24", "average_minutes", ""), "20.0");
    assert_eq!(value(&m, "total", "visits", ""), "5");
    assert_eq!(value(&m, "total", "visits_by_hour", "09"), "1");
    assert!(!m.keys().any(|(d, _, _)| d == "2026-11-22"));

    let json: Value = serde_json::from_slice(&f.ok(&args("visits", "json"))).unwrap();
    assert_eq!(json["school"], SCHOOL);
    assert_eq!(json["days"][0]["date"], "2026-11-23");
    assert_eq!(json["days"][0]["by_hour"][8], 2);
    assert_eq!(json["days"][0]["median_minutes"], 30.0);
    assert_eq!(
        json["days"][0]["never_signed_out_visits"],
        serde_json::json!([{"visit": "V-0003", "purpose": "Contractor"}])
    );
    assert_eq!(json["total"]["visits"], 5);
    assert_eq!(json["total"]["signed_out"], 4);
}

#[test]
fn flags_and_decisions_name_records_and_operators_but_no_visitor() {
    let f = Fixture::new();
    let csv = text(&f.ok(&args("flags", "csv")));
    assert_eq!(
        csv,
        "school,date,time,visit,source,list,record_id\n\
         Lincoln Elementary,2026-11-23,08:50:30,V-0002,registry,,MO-1\n\
         Lincoln Elementary,2026-11-23,08:50:30,V-0002,watchlist,custody,W-9\n\
         Lincoln Elementary,2026-11-24,09:00:10,V-0005,registry,,MO-7\n"
    );
    let json: Value = serde_json::from_slice(&f.ok(&args("flags", "json"))).unwrap();
    assert_eq!(json["days"][0]["flags"], 2);
    assert_eq!(json["days"][0]["flagged_visits"], 1);
    assert_eq!(json["days"][0]["by_source"]["watchlist:custody"], 1);
    assert_eq!(json["total"]["by_source"]["registry"], 2);
    assert_eq!(json["total"]["flagged_visits"], 2);

    // the store's own "not-a-match" lines repeat the kiosk's decisions: counted once
    let csv = text(&f.ok(&args("decisions", "csv")));
    assert_eq!(
        csv,
        "school,date,time,visit,source,record_id,outcome,operator\n\
         Lincoln Elementary,2026-11-23,08:51:00,V-0002,registry,MO-1,not-a-match,Ms Office\n\
         Lincoln Elementary,2026-11-23,08:51:00,V-0002,watchlist,W-9,allow-once-block,Ms Office\n\
         Lincoln Elementary,2026-11-24,09:01:00,V-0005,registry,MO-7,not-a-match,Mr Admin\n\
         Lincoln Elementary,2026-11-24,11:00:00,,registry,MO-8,not-a-match,Mr Admin\n"
    );
    let json: Value = serde_json::from_slice(&f.ok(&args("decisions", "json"))).unwrap();
    assert_eq!(json["total"]["decisions"], 4);
    assert_eq!(json["total"]["by_outcome"]["not-a-match"], 3);
    assert_eq!(json["total"]["by_outcome"]["allow-once-block"], 1);
    assert_eq!(json["total"]["by_operator"]["Ms Office"], 2);
    assert_eq!(json["days"][1]["by_operator"]["Mr Admin"], 2);
    assert_eq!(json["decisions"][3]["visit"], Value::Null);
    assert_eq!(json["decisions"][2]["visit"], "V-0005");
}

#[test]
fn students_count_late_arrivals_and_early_dismissals() {
    let f = Fixture::new();
    let m = measures(&f.ok(&args("students", "csv")));
    assert_eq!(value(&m, "2026-11-23", "late_arrivals", ""), "1");
    assert_eq!(value(&m, "2026-11-23", "late_arrivals_by_grade", "3"), "1");
    assert_eq!(value(&m, "2026-11-23", "early_dismissals", ""), "1");
    assert_eq!(
        value(&m, "2026-11-23", "early_dismissals_by_reason", "doctor"),
        "1"
    );
    assert_eq!(value(&m, "total", "late_arrivals", ""), "2");
    assert_eq!(value(&m, "total", "late_arrivals_by_reason", "bus"), "2");
    assert_eq!(value(&m, "total", "late_arrivals_by_grade", "K"), "1");
    let json: Value = serde_json::from_slice(&f.ok(&args("students", "json"))).unwrap();
    assert_eq!(json["total"]["early_dismissals"]["by_grade"]["5"], 1);
}

#[test]
fn another_school_gets_an_empty_report_and_is_told() {
    let f = Fixture::new();
    let mut other = args("visits", "json");
    other.extend(["--school", "Roosevelt Middle"]);
    let out = f.run(&other);
    assert!(out.status.success());
    assert_eq!(
        text(&out.stderr).trim(),
        "vestibule: this database is Lincoln Elementary's, not Roosevelt Middle: the report is empty"
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total"]["visits"], 0);
    let mut same = args("visits", "json");
    same.extend(["--school", "lincoln elementary"]);
    let json: Value = serde_json::from_slice(&f.ok(&same)).unwrap();
    assert_eq!(json["total"]["visits"], 5);
}

#[test]
fn bad_dates_and_reversed_ranges_are_refused_in_one_line() {
    let f = Fixture::new();
    for (bad, says) in [
        (
            vec![
                "report",
                "visits",
                "--from",
                "2026-11-24",
                "--to",
                "2026-11-23",
            ],
            "--from 2026-11-24 is after --to 2026-11-23",
        ),
        (
            vec![
                "report",
                "flags",
                "--from",
                "2026-13-01",
                "--to",
                "2026-11-23",
            ],
            "is not a date (YYYY-MM-DD)",
        ),
        (
            vec!["report", "daily", "--date", "23/11/2026"],
            "is not a date (YYYY-MM-DD)",
        ),
        (
            vec![
                "report",
                "visits",
                "--from",
                "2026-11-23",
                "--to",
                "2026-11-23",
                "--format",
                "xls",
            ],
            "xls",
        ),
    ] {
        let out = f.run(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(says), "{err}");
        assert!(out.stdout.is_empty());
    }
    let missing = f.dir.path().join("missing.redb");
    let run = Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args([
            "report",
            "visits",
            "--from",
            "2026-11-23",
            "--to",
            "2026-11-23",
            "--db",
        ])
        .arg(&missing)
        .env_remove("VESTIBULE_CONFIG")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run.stderr).contains("no such file"));
    assert!(!missing.exists(), "a report never creates a database");
    let out = f.dir.path().join("never.pdf");
    let run = f.run(&[
        "report",
        "visits",
        "--from",
        "2026-11-24",
        "--to",
        "2026-11-23",
        "--format",
        "pdf",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(!out.exists(), "nothing half-written");
}

/// The texts a page shows (each `Tj` string) and how many rectangles it draws.
fn page_texts_and_rects(pdf: &[u8]) -> (usize, Vec<String>, usize) {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let pages = doc.get_pages();
    let first = *pages.values().next().unwrap();
    let content = lopdf::content::Content::decode(&doc.get_page_content(first)).unwrap();
    let mut texts = Vec::new();
    let mut rects = 0;
    for op in &content.operations {
        match op.operator.as_str() {
            "Tj" => {
                if let Some(lopdf::Object::String(bytes, _)) = op.operands.first() {
                    texts.push(text(bytes));
                }
            }
            "re" => rects += 1,
            _ => {}
        }
    }
    (pages.len(), texts, rects)
}

#[test]
fn the_daily_summary_is_one_page_with_a_bar_per_busy_hour() {
    let f = Fixture::new();
    let file = f.dir.path().join("daily.pdf");
    let out = f.ok(&[
        "report",
        "daily",
        "--date",
        "2026-11-23",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(out.is_empty());
    let pdf = std::fs::read(&file).unwrap();
    assert_no_secrets(&pdf);
    let (pages, texts, rects) = page_texts_and_rects(&pdf);
    assert_eq!(pages, 1);
    // visits at 08 and 13 only
    assert_eq!(rects, 2);
    for expected in [
        "Daily summary",
        SCHOOL,
        "Date: 2026-11-23",
        "Visits per hour",
        "Visits: 4",
        "  Contractor: 1",
        "  Visitor: 2",
        "  Volunteer: 1",
        "No ID (lobby only): 1",
        "Average time in building: 43 min",
        "Median time in building: 30 min",
        "Never signed out: 1 (V-0003)",
        "Flags: 2 (visits flagged: 1)",
        "Decisions: 2 (allow-once-block 1, not-a-match 1)",
        "Late arrivals: 1",
        "Early dismissals: 1",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "{expected:?} not in {texts:?}"
        );
    }
    // every hour labelled; the counts above the two bars
    for hour in 0..24 {
        assert!(texts.contains(&format!("{hour:02}")));
    }
    assert_eq!(texts.iter().filter(|t| *t == "2").count(), 2);

    // piped (not a terminal), the PDF goes to stdout: the same bytes
    let piped = f.ok(&["report", "daily", "--date", "2026-11-23"]);
    assert_eq!(piped, pdf);
}

#[test]
fn any_report_prints_as_pdf() {
    let f = Fixture::new();
    let file = f.dir.path().join("decisions.pdf");
    let mut a = args("decisions", "pdf");
    a.extend(["--out", file.to_str().unwrap()]);
    f.ok(&a);
    let pdf = std::fs::read(&file).unwrap();
    assert_no_secrets(&pdf);
    let (pages, texts, rects) = page_texts_and_rects(&pdf);
    assert_eq!((pages, rects), (1, 0));
    assert!(
        texts.contains(&"Staff decisions: Lincoln Elementary, 2026-11-23 to 2026-11-24".to_owned())
    );
    assert!(texts
        .iter()
        .any(|t| t.contains("MO-7") && t.contains("Mr Admin")));
}

#[test]
fn the_staff_screen_reads_the_same_summary_from_the_store() {
    let f = Fixture::new();
    let date = time::macros::date!(2026 - 11 - 23);
    let summary = vestibule::report::load::daily_summary(&f.store(), SCHOOL, date).unwrap();
    assert_eq!(summary.visits, 4);
    assert_eq!((summary.by_hour[8], summary.by_hour[13]), (2, 2));
    assert_eq!(summary.never_signed_out, [3]);
    assert_eq!((summary.flags, summary.flagged_visits), (2, 1));
    assert_eq!(summary.decisions, 2);
    assert_eq!((summary.late_arrivals, summary.early_dismissals), (1, 1));
    let file = f.dir.path().join("daily.pdf");
    f.ok(&[
        "report",
        "daily",
        "--date",
        "2026-11-23",
        "--out",
        file.to_str().unwrap(),
    ]);
    let (_, texts, _) = page_texts_and_rects(&std::fs::read(&file).unwrap());
    for line in summary.lines() {
        assert!(texts.contains(&line), "{line:?} is not on the PDF");
    }
}
