//! A registry row with one bad field does not sink an import: through the real binary and a real
//! redb file, the good rows are imported and the bad ones left out and reported by line and
//! column (never their content); past `--max-bad-share` nothing is imported and the previous
//! registry keeps answering. What is wrong with the file as a whole still refuses it. Then a
//! property: single-field corruption anywhere never panics and never imports the corrupt row.

use std::path::Path;
use std::process::{Command, Output};

use proptest::prelude::*;
use vestibule::screening::Visitor;
use vestibule::store::{ImportPolicy, Store};

const HEADER: &str =
    "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense";

fn vestibule() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vestibule"));
    c.env_remove("VESTIBULE_DB");
    c
}

fn import(db: &Path, csv: &Path, extra: &[&str]) -> Output {
    vestibule()
        .args(["registry", "import", "--db"])
        .arg(db)
        .args(extra)
        .arg(csv)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Record ids `vestibule screen` flags for this person.
fn flagged(db: &Path, last: &str, first: &str, dob: &str) -> Vec<String> {
    let out = vestibule()
        .args(["screen", "--db"])
        .arg(db)
        .args(["--last", last, "--first", first, "--dob", dob, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    answer["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["record_id"].as_str().unwrap().to_owned())
        .collect()
}

/// A surname no other row's is near: `ROW` + the number spelt in letters.
fn surname(n: usize) -> String {
    let letters: String = n
        .to_string()
        .bytes()
        .map(|d| char::from(b"ABCDEFGHJK"[usize::from(d - b'0')]))
        .collect();
    format!("ROW{letters}QZ")
}

/// `people` good primary rows, `R-1` ... (line n + 1 holds `R-n`), each a distinct person.
fn good_rows(people: usize) -> Vec<String> {
    (1..=people)
        .map(|n| {
            format!(
                "R-{n},primary,{},WILLIAM,,,19{:02}-0{}-1{},M,MO,BURGLARY",
                surname(n),
                40 + n % 50,
                1 + n % 9,
                n % 10
            )
        })
        .collect()
}

fn write_csv(path: &Path, rows: &[String]) {
    let mut body = String::from(HEADER);
    for row in rows {
        body.push('\n');
        body.push_str(row);
    }
    body.push('\n');
    std::fs::write(path, body).unwrap();
}

/// The date of birth `good_rows` gave person `n`.
fn dob(n: usize) -> String {
    format!("19{:02}-0{}-1{}", 40 + n % 50, 1 + n % 9, n % 10)
}

#[test]
fn one_bad_row_among_good_ones_is_left_out_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (db, csv, report) = (
        dir.path().join("v.redb"),
        dir.path().join("r.csv"),
        dir.path().join("bad.csv"),
    );
    let mut rows = good_rows(199);
    // Line 51 (the header is line 1): an empty jurisdiction.
    rows.insert(
        49,
        "Q-1,primary,QUARANTINO,SECRETA,,,1966-06-16,F,,ARSON".into(),
    );
    write_csv(&csv, &rows);
    let out = import(&db, &csv, &["--bad-rows", report.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stdout.contains("imported 199 names") && stdout.contains("1 bad row left out"),
        "{stdout}"
    );
    assert_eq!(
        stderr.trim(),
        "left out: line 51, column `jurisdiction`: `jurisdiction` must be a two-letter code"
    );
    // nothing of the row itself is reported
    for personal in ["QUARANTINO", "SECRETA", "1966", "Q-1", "ARSON"] {
        assert!(!stderr.contains(personal) && !stdout.contains(personal));
    }
    assert_eq!(
        std::fs::read_to_string(&report).unwrap(),
        "line,column,reason\n51,jurisdiction,`jurisdiction` must be a two-letter code\n"
    );
    // the good rows answer, before and after the bad one; the bad one is not in
    for n in [1, 49, 50, 199] {
        let found = flagged(&db, &surname(n), "WILLIAM", &dob(n));
        assert!(found.contains(&format!("R-{n}")), "R-{n}: {found:?}");
    }
    assert!(flagged(&db, "QUARANTINO", "SECRETA", "1966-06-16").is_empty());
}

#[test]
fn too_many_bad_rows_refuse_the_import_and_the_old_registry_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (db, old, new) = (
        dir.path().join("v.redb"),
        dir.path().join("old.csv"),
        dir.path().join("new.csv"),
    );
    write_csv(
        &old,
        &["MO-1,primary,HENDERSON,WILLIAM,,,1970-05-14,M,MO,".to_owned()],
    );
    assert!(import(&db, &old, &[]).status.success());

    // 3 bad rows of 100: 3%, over the default 1%.
    let mut rows = good_rows(97);
    rows[10] = rows[10].replace(",MO,", ",,"); // line 12
    rows[20] = rows[20].replace(",M,", ",MALE,"); // line 22
    rows[30] = rows[30].replace(",primary,", ",primry,"); // line 32
    write_csv(&new, &rows);
    let out = import(&db, &new, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("3 of 97 registry rows are bad")
            && stderr.contains("nothing imported")
            && stderr.contains("line 12, column `jurisdiction`")
            && stderr.contains("line 22, column `sex`")
            && stderr.contains("line 32, column `name_kind`"),
        "{stderr}"
    );
    // the previous registry keeps answering; nothing of the refused file got in
    assert_eq!(flagged(&db, "HENDERSON", "WILLIAM", "1970-05-14"), ["MO-1"]);
    assert!(flagged(&db, &surname(1), "WILLIAM", &dob(1)).is_empty());

    // A share the district chose: the same file imports, the three rows left out.
    let out = import(&db, &new, &["--max-bad-share", "0.05"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3 bad rows left out"));
    assert_eq!(text(&out.stderr).lines().count(), 3);
    assert!(flagged(&db, "HENDERSON", "WILLIAM", "1970-05-14").is_empty());
    assert!(flagged(&db, &surname(1), "WILLIAM", &dob(1)).contains(&"R-1".to_owned()));

    // 0 refuses any bad row; a share outside 0..1 is a usage error.
    assert_eq!(
        import(&db, &new, &["--max-bad-share", "0"]).status.code(),
        Some(2)
    );
    let out = import(&db, &new, &["--max-bad-share", "1.5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("from 0 to 1"));
}

#[test]
fn the_report_names_each_bad_rows_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (db, csv, report) = (
        dir.path().join("v.redb"),
        dir.path().join("r.csv"),
        dir.path().join("bad.csv"),
    );
    let mut body = Vec::new();
    body.extend_from_slice(HEADER.as_bytes());
    body.push(b'\n');
    for (n, row) in good_rows(40).iter().enumerate() {
        let line = n + 2;
        let row = match line {
            5 => row.replace(&dob(4), "1970-02-30"),
            9 => row.replacen("R-8,", ",", 1),
            13 => row.replace(",BURGLARY", ""), // one field short
            17 => row.replace("WILLIAM", "WILLIAM,JAMES"), // one field too many
            21 => row.replace("R-20,", "R-3,"), // a second primary for R-3
            _ => row.clone(),
        };
        if line == 25 {
            // a Latin-1 name (RENÉE) in a UTF-8 file
            let start = body.len();
            body.extend_from_slice(row.replace("WILLIAM", "RENXE").as_bytes());
            let at = start + row.find("WILLIAM").unwrap() + 3;
            body[at] = 0xC9;
        } else {
            body.extend_from_slice(row.as_bytes());
        }
        body.push(b'\n');
    }
    // a quoted field over two lines (allowed by CSV) in a good row, then a bad one after it
    body.extend_from_slice(b"M-1,primary,MULTILINE,ANNA,,,1980-01-01,F,KS,\"TWO\nLINES\"\n");
    body.extend_from_slice(b"M-2,primary,AFTERWARDS,ANNA,,,1980-01-01,F,K5,\n");
    std::fs::write(&csv, &body).unwrap();

    let out = import(
        &db,
        &csv,
        &[
            "--max-bad-share",
            "0.25",
            "--bad-rows",
            report.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&report).unwrap(),
        "line,column,reason\n\
         5,dob,`dob` is not a date (YYYY-MM-DD)\n\
         9,record_id,`record_id` is empty\n\
         13,,9 fields where the header has 10\n\
         17,,11 fields where the header has 10\n\
         21,record_id,a second primary row for this `record_id` (the first is kept)\n\
         25,first_name,`first_name` is not valid UTF-8\n\
         44,jurisdiction,`jurisdiction` must be a two-letter code\n"
    );
    assert!(text(&out.stdout).contains("7 bad rows left out"));
    // the first R-3 is kept, the multi-line row too
    assert!(flagged(&db, &surname(3), "WILLIAM", &dob(3)).contains(&"R-3".to_owned()));
    assert_eq!(flagged(&db, "MULTILINE", "ANNA", "1980-01-01"), ["M-1"]);
}

#[test]
fn what_is_wrong_with_the_whole_file_still_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let (db, old) = (dir.path().join("v.redb"), dir.path().join("old.csv"));
    write_csv(
        &old,
        &["MO-1,primary,HENDERSON,WILLIAM,,,1970-05-14,M,MO,".to_owned()],
    );
    assert!(import(&db, &old, &[]).status.success());
    // `share`: the --max-bad-share given; the file is refused whatever it is
    let refused = |name: &str, body: &[u8], share: &str, says: &str| {
        let csv = dir.path().join(name);
        std::fs::write(&csv, body).unwrap();
        let out = import(&db, &csv, &["--max-bad-share", share]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            text(&out.stderr).contains(says),
            "{name}: {}",
            text(&out.stderr)
        );
        assert_eq!(flagged(&db, "HENDERSON", "WILLIAM", "1970-05-14"), ["MO-1"]);
    };
    let rows = good_rows(50).join("\n");
    // a required column missing
    refused(
        "no-jurisdiction-column.csv",
        format!(
            "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex\n{}\n",
            good_rows(3).join("\n")
        )
        .as_bytes(),
        "1",
        "no `jurisdiction` column",
    );
    // UTF-16, as a spreadsheet may save it: the header is not text
    let utf16: Vec<u8> = std::iter::once(0xFEFFu16)
        .chain(format!("{HEADER}\n{rows}\n").encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    refused("utf16.csv", &utf16, "1", "line 1: the header is not UTF-8");
    // one stray quote swallows the rest of the file: one bad row, but 40 lines of it
    let mut swallowed = good_rows(50);
    swallowed[10] = swallowed[10].replace("BURGLARY", "\"BURGLARY");
    let body = format!("{HEADER}\n{}\n", swallowed.join("\n"));
    refused(
        "stray-quote.csv",
        body.as_bytes(),
        "0.5",
        "line 12, column `offense`: a quote",
    );
    // nothing good left, even when every row may be bad
    let body = format!("{HEADER}\nX-1,primary,A,B,,,1970-01-01,M,,\n");
    refused("all-bad.csv", body.as_bytes(), "1", "no good row left");
}

// ---------------------------------------------------------------------------------------------
// Property: random single-field corruption

/// Values that make each checked column bad.
const CORRUPTIONS: &[(usize, &str, &[&str])] = &[
    (0, "record_id", &["", "  "]),
    (1, "name_kind", &["", "primry", "aliasx", "P"]),
    (
        6,
        "dob",
        &[
            "1980-13-45",
            "14/05/1970",
            "19700514",
            "yesterday",
            "1970-02-29",
        ],
    ),
    (7, "sex", &["Q", "MALE", "0", "FM"]),
    (8, "jurisdiction", &["", "M", "MOO", "1A", "M0", " X"]),
];

#[derive(Clone, Debug)]
enum Corruption {
    /// A checked column given a bad value.
    Field { column: usize, value: &'static str },
    /// A field dropped from the row, or one more added.
    Width { more: bool },
    /// A byte that is not UTF-8 in a name column (2, 3 or 4).
    NotUtf8 { column: usize },
}

fn corruption() -> impl Strategy<Value = Corruption> {
    prop_oneof![
        3 => (0..CORRUPTIONS.len(), any::<prop::sample::Index>()).prop_map(|(kind, pick)| {
            let (column, _, values) = CORRUPTIONS[kind];
            Corruption::Field { column, value: values[pick.index(values.len())] }
        }),
        1 => any::<bool>().prop_map(|more| Corruption::Width { more }),
        1 => (2usize..=4).prop_map(|column| Corruption::NotUtf8 { column }),
    ]
}

/// Fields of a good row: unique id and surname, a real date.
fn fields(n: usize, given: &str) -> Vec<String> {
    vec![
        format!("P-{n}"),
        "primary".into(),
        surname(n),
        given.into(),
        "LEE".into(),
        String::new(),
        dob(n),
        "F".into(),
        "KS".into(),
        "THEFT".into(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn single_field_corruption_never_imports_the_corrupt_row(
        people in 20usize..80,
        at in any::<prop::sample::Index>(),
        given in "[A-Z]{3,9}",
        corruption in corruption(),
    ) {
        let bad = at.index(people) + 1;
        let mut body = Vec::new();
        body.extend_from_slice(HEADER.as_bytes());
        body.push(b'\n');
        for n in 1..=people {
            let mut row = fields(n, &given);
            let mut not_utf8 = None;
            if n == bad {
                match &corruption {
                    Corruption::Field { column, value } => row[*column] = (*value).to_owned(),
                    Corruption::Width { more: true } => row.push("EXTRA".into()),
                    Corruption::Width { more: false } => { row.pop(); }
                    Corruption::NotUtf8 { column } => not_utf8 = Some(*column),
                }
            }
            for (i, field) in row.iter().enumerate() {
                if i > 0 {
                    body.push(b',');
                }
                body.extend_from_slice(field.as_bytes());
                if not_utf8 == Some(i) {
                    body.push(0xFF);
                }
            }
            body.push(b'\n');
        }
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("v.redb")).unwrap();
        let summary = store
            .import_registry_with(&body[..], ImportPolicy::new(1.0).unwrap())
            .unwrap();
        prop_assert_eq!(summary.rows as usize, people - 1);
        prop_assert_eq!(summary.bad_rows, 1);
        let reported = &summary.quarantined[0];
        prop_assert_eq!(reported.line as usize, bad + 1);
        let want_column = match &corruption {
            Corruption::Field { column, .. } => CORRUPTIONS.iter().find(|c| c.0 == *column).unwrap().1,
            Corruption::Width { .. } => "",
            Corruption::NotUtf8 { column } => ["last_name", "first_name", "middle_name"][column - 2],
        };
        prop_assert_eq!(reported.column, want_column);
        // the report never quotes the row
        prop_assert!(!reported.reason.contains(&surname(bad)) && !reported.reason.contains(&given));
        // nobody finds the corrupt row; its neighbours are found
        let screener = store.screener().unwrap();
        let visitor = |n: usize| Visitor {
            last_name: surname(n),
            first_name: given.clone(),
            middle_name: "LEE".into(),
            suffix: String::new(),
            dob: vestibule::store::schema::parse_iso(&dob(n)),
            sex: None,
        };
        let ids = |n: usize| -> Vec<String> {
            screener.screen(&visitor(n), None).unwrap().into_iter().map(|f| f.candidate.record_id).collect()
        };
        let corrupt_id = format!("P-{bad}");
        prop_assert!(!ids(bad).contains(&corrupt_id));
        let neighbour = if bad == 1 { 2 } else { bad - 1 };
        let neighbour_id = format!("P-{neighbour}");
        prop_assert!(ids(neighbour).contains(&neighbour_id));

        // and at the default share (one row in 20 to 80 is over 1%) nothing is imported
        let empty = tempfile::tempdir().unwrap();
        let store = Store::open(&empty.path().join("v.redb")).unwrap();
        prop_assert!(store.import_registry(&body[..]).is_err());
        prop_assert_eq!(store.registry_size().unwrap(), (0, 0));
    }
}

/// The district's `registry publish` checks with the same rule: the bad rows are reported and
/// left out of what kiosks import, the rest published.
#[test]
fn publish_leaves_the_same_rows_out_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("signing.key");
    let keygen = vestibule()
        .args(["registry", "keygen", "--out"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(keygen.status.success(), "{}", text(&keygen.stderr));
    let csv = dir.path().join("registry.csv");
    let mut body = format!("{HEADER}\n").into_bytes();
    for (n, row) in good_rows(299).iter().enumerate() {
        match n + 2 {
            30 => body.extend_from_slice(row.replace(",BURGLARY", "").as_bytes()),
            60 => {
                let start = body.len();
                body.extend_from_slice(row.as_bytes());
                body[start + row.find("WILLIAM").unwrap()] = 0xD7;
            }
            _ => body.extend_from_slice(row.as_bytes()),
        }
        body.push(b'\n');
    }
    std::fs::write(&csv, &body).unwrap();
    let out = dir.path().join("feed");
    let published = vestibule()
        .args(["registry", "publish", "--key"])
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .arg(&csv)
        .output()
        .unwrap();
    assert!(published.status.success(), "{}", text(&published.stderr));
    assert!(
        text(&published.stdout).contains("297 names of 297 people, 2 bad rows left out"),
        "{}",
        text(&published.stdout)
    );
    assert_eq!(
        text(&published.stderr),
        "left out: line 30: 9 fields where the header has 10\n\
         left out: line 60, column `first_name`: `first_name` is not valid UTF-8\n"
    );
}
