//! `vestibule kiosk --sim --headless` end to end (docs/scripted-kiosk.md): the real binary, the
//! real UI on the software renderer, a real redb registry and watchlist, simulated hardware.

mod kiosk_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kiosk_support::login;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_vestibule");

/// MICHAEL JOHN SAMPLE JR, born 1986-06-06 (Virginia, AAMVA annex D sample).
const SAMPLE: &str = include_str!("fixtures/aamva/v10-va-annex-d.txt");
/// DIANA ROSE SMITH, born 1992-10-10 (Maryland sample).
const SMITH: &str = include_str!("fixtures/aamva/v08-md.txt");
/// CAPTAIN JACK MORGAN, born 1960-05-22 (Pennsylvania sample): on no list.
const MORGAN: &str = include_str!("fixtures/aamva/v09-pa.txt");

const REGISTRY: &str =
    "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense
VA-0001,primary,SAMPLE,MICHAEL,J,JR,1986-06-06,M,VA,Example offence
";
const WATCHLIST: &str = "entry_id,list,last_name,first_name,middle_name,dob,sex,action,note
W-7,custody,SMITH,DIANA,,,F,deny,Court order on file
";

struct Kiosk {
    dir: tempfile::TempDir,
}

impl Kiosk {
    /// A database with the registry and watchlist above.
    fn new() -> Kiosk {
        let k = Kiosk {
            dir: tempfile::tempdir().unwrap(),
        };
        let registry = k.file("registry.csv", REGISTRY);
        let watchlist = k.file("watchlist.csv", WATCHLIST);
        for (what, file) in [("registry", registry), ("watchlist", watchlist)] {
            let out = vestibule(&[what, "import", "--db", k.db(), file.to_str().unwrap()]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
        k
    }

    fn db(&self) -> &str {
        self.path("kiosk.redb").leak()
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_owned()
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Runs a script; returns the process output and the out directory.
    fn run(&self, name: &str, events: &[Value]) -> (Output, PathBuf) {
        self.run_configured(name, events, None)
    }

    /// Runs a script with `--config FILE` when one is given.
    fn run_configured(
        &self,
        name: &str,
        events: &[Value],
        config: Option<&Path>,
    ) -> (Output, PathBuf) {
        let script: String = events.iter().map(|e| format!("{e}\n")).collect();
        let events = self.file(&format!("{name}.jsonl"), &script);
        let out = self.dir.path().join(name);
        let mut args = Vec::new();
        if let Some(config) = config {
            args.extend(["--config", config.to_str().unwrap()]);
        }
        args.extend([
            "kiosk",
            "--sim",
            "--headless",
            "--events",
            events.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--db",
            self.db(),
        ]);
        (vestibule(&args), out)
    }

    /// `vestibule visits --json` with `extra` flags, one value a visit.
    fn visits(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["visits", "--json", "--db", self.db()];
        args.extend(extra);
        let out = vestibule(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn run_ok(&self, name: &str, events: &[Value]) -> PathBuf {
        let (output, out) = self.run(name, events);
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        out
    }
}

fn vestibule(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("VESTIBULE_DB")
        .env_remove("VESTIBULE_CONFIG")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn hardware(out: &Path, device: &str, action: &str) -> Vec<Value> {
    lines(&out.join("hardware.jsonl"))
        .into_iter()
        .filter(|l| l["device"] == device && l["action"] == action)
        .collect()
}

fn audits(out: &Path, event: &str) -> Vec<Value> {
    lines(&out.join("audit.jsonl"))
        .into_iter()
        .filter(|l| l["event"] == event)
        .collect()
}

fn alerts(out: &Path, kind: &str) -> Vec<Value> {
    lines(&out.join("alerts.jsonl"))
        .into_iter()
        .filter(|l| l["kind"] == kind)
        .collect()
}

fn tap(label: &str) -> Value {
    json!({ "tap": label })
}

fn visit(scan: &str) -> Vec<Value> {
    vec![
        json!({ "scan": scan }),
        tap("purpose:visitor"),
        tap("destination:library"),
    ]
}

fn same_image(a: &Path, b: &Path) -> bool {
    std::fs::read(a).unwrap() == std::fs::read(b).unwrap()
}

#[test]
fn a_cleared_visitor_gets_a_badge_and_the_door() {
    let k = Kiosk::new();
    let mut events = visit(MORGAN);
    events.push(json!({ "screenshot": "door" }));
    let out = k.run_ok("cleared", &events);
    let prints = hardware(&out, "printer", "print");
    assert_eq!(prints.len(), 1);
    assert_eq!(prints[0]["printer"], "brother-ql-dk1202");
    let pulses = hardware(&out, "relay", "pulse");
    assert_eq!(pulses.len(), 1, "{pulses:?}");
    assert_eq!(pulses[0]["ms"], 5000);
    let badge = std::fs::read(out.join("badges/1.png")).unwrap();
    assert!(badge.starts_with(b"\x89PNG"));
    let job = std::fs::read(out.join("printer/1.bin")).unwrap();
    assert_eq!(job.len() as u64, prints[0]["bytes"].as_u64().unwrap());
    assert!(out.join("door.png").exists());
    assert!(alerts(&out, "flagged").is_empty());
}

#[test]
fn a_registry_match_denied_by_staff_never_opens_the_door() {
    let k = Kiosk::new();
    let mut events = vec![
        json!({ "scan": SAMPLE }),
        json!({ "screenshot": "flagged" }),
    ];
    events.extend(login());
    events.push(tap("review-queue"));
    events.push(json!({ "screenshot": "review" }));
    events.extend([tap("is-a-match"), tap("deny")]);
    let out = k.run_ok("denied", &events);
    let flagged = alerts(&out, "flagged");
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["records"][0]["record_id"], "VA-0001");
    assert_eq!(flagged[0]["records"][0]["source"], "registry");
    let decision = alerts(&out, "decision");
    assert_eq!(decision[0]["decision"], "deny");
    assert_eq!(decision[0]["operator"], "demo");
    let audit = audits(&out, "decision");
    assert_eq!(audit[0]["outcome"], "deny");
    assert_eq!(audit[0]["record_id"], "VA-0001");
    assert_eq!(audit[0]["kiosk"], "Main lobby");
    assert_eq!(audits(&out, "visit-refused").len(), 1);
    assert!(hardware(&out, "relay", "pulse").is_empty());
    assert!(hardware(&out, "printer", "print").is_empty());
    // The visitor saw exactly the "No ID" screen.
    let no_id = k.run_ok(
        "no-id",
        &[tap("no-id"), json!({ "screenshot": "front-office" })],
    );
    assert!(same_image(
        &out.join("flagged.png"),
        &no_id.join("front-office.png")
    ));
}

#[test]
fn not_a_match_is_remembered_on_the_next_visit() {
    let k = Kiosk::new();
    let mut first = vec![json!({ "scan": SAMPLE })];
    first.extend(login());
    first.push(tap("review-queue"));
    // Cleared by staff: the visitor scans the same ID again before choosing (issue 14).
    first.extend([
        tap("not-a-match"),
        json!({ "scan": SAMPLE }),
        tap("purpose:visitor"),
        tap("destination:office"),
    ]);
    let out = k.run_ok("first-visit", &first);
    assert_eq!(alerts(&out, "flagged").len(), 1);
    assert_eq!(audits(&out, "decision")[0]["outcome"], "not-a-match");
    assert_eq!(hardware(&out, "relay", "pulse").len(), 1);
    // The next day: straight through, no flag, no staff.
    let out = k.run_ok("second-visit", &visit(SAMPLE));
    assert!(alerts(&out, "flagged").is_empty());
    assert_eq!(hardware(&out, "relay", "pulse").len(), 1);
    assert_eq!(hardware(&out, "printer", "print").len(), 1);
}

#[test]
fn a_watchlist_deny_entry_is_flagged_and_denied() {
    let k = Kiosk::new();
    let mut events = vec![json!({ "scan": SMITH })];
    events.extend(login());
    events.push(tap("review-queue"));
    events.extend([tap("is-a-match"), tap("deny")]);
    let out = k.run_ok("watchlist", &events);
    let flagged = alerts(&out, "flagged");
    assert_eq!(flagged.len(), 1);
    let record = &flagged[0]["records"][0];
    assert_eq!(
        (
            &record["source"],
            &record["record_id"],
            &record["list"],
            &record["action"]
        ),
        (
            &json!("watchlist"),
            &json!("W-7"),
            &json!("custody"),
            &json!("deny")
        )
    );
    assert_eq!(alerts(&out, "decision")[0]["decision"], "deny");
    assert!(hardware(&out, "relay", "pulse").is_empty());
}

#[test]
fn idle_returns_to_the_attract_screen() {
    let k = Kiosk::new();
    let out = k.run_ok(
        "idle",
        &[
            json!({ "screenshot": "attract" }),
            json!({ "scan": MORGAN }),
            tap("language:es"),
            json!({ "screenshot": "purpose-es" }),
            json!({ "wait_ms": 19_000 }),
            json!({ "screenshot": "still-purpose" }),
            json!({ "wait_ms": 1_000 }),
            json!({ "screenshot": "after-idle" }),
        ],
    );
    assert!(same_image(
        &out.join("purpose-es.png"),
        &out.join("still-purpose.png")
    ));
    // Back in English, nothing of the visitor left.
    assert!(same_image(
        &out.join("attract.png"),
        &out.join("after-idle.png")
    ));
    // The purpose buttons are gone: tapping one now names the line.
    let (output, _) = k.run(
        "idle-tap",
        &[
            json!({ "scan": MORGAN }),
            json!({ "wait_ms": 20_000 }),
            tap("purpose:visitor"),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("line 3") && err.contains("purpose:visitor"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn five_wrong_pins_lock_the_pad_for_five_minutes() {
    let k = Kiosk::new();
    let mut events = vec![tap("staff")];
    for _ in 0..5 {
        events.extend([tap("pin-1"), tap("pin-enter")]);
    }
    events.push(json!({ "screenshot": "locked" }));
    events.extend(login()[1..].iter().cloned()); // the right PIN, still locked
    events.push(json!({ "wait_ms": 300_000 }));
    events.extend(login());
    events.push(json!({ "screenshot": "staff-home" }));
    let out = k.run_ok("pins", &events);
    assert_eq!(audits(&out, "login-failed").len(), 4);
    assert_eq!(audits(&out, "login-locked").len(), 1);
    assert_eq!(audits(&out, "login-refused-locked").len(), 1);
    let logins = audits(&out, "login");
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0]["operator"], "demo");
    assert!(logins[0]["at_ms"].as_u64().unwrap() >= 300_000);
}

#[test]
fn unknown_events_and_labels_name_the_line_and_write_nothing() {
    let k = Kiosk::new();
    for (events, expected) in [
        (
            vec![tap("staff"), json!({ "jump": 1 })],
            "line 2: unknown event `jump`",
        ),
        (
            vec![tap("self-destruct")],
            "line 1: unknown label `self-destruct`",
        ),
    ] {
        let (output, out) = k.run("bad", &events);
        assert_eq!(output.status.code(), Some(2));
        let err = stderr(&output);
        assert!(err.contains(expected), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!out.exists(), "nothing may be written");
    }
}

#[test]
fn a_visitor_without_id_is_typed_in_screened_and_approved_by_staff() {
    let k = Kiosk::new();
    let mut events = vec![tap("no-id")];
    events.extend(login());
    events.extend([
        tap("manual-entry"),
        json!({ "type": "Grace" }),
        tap("manual:last"),
        json!({ "type": "Hopper" }),
        tap("manual:dob"),
        json!({ "type": "1906-12-09" }),
        json!({ "screenshot": "typed" }),
        tap("manual-submit"),
        tap("approve"),
    ]);
    events.extend(visit(MORGAN)[1..].iter().cloned());
    let out = k.run_ok("manual", &events);
    assert_eq!(alerts(&out, "no-id").len(), 1);
    assert_eq!(audits(&out, "manual-entry").len(), 1);
    assert_eq!(audits(&out, "manual-entry-approved")[0]["operator"], "demo");
    let visits = lines(&out.join("visits.jsonl"));
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0]["no_id"], true);
    assert_eq!(visits[0]["visitor_name"], "Grace Hopper");
    assert_eq!(visits[0]["cleared_by"], "demo");
    assert_eq!(hardware(&out, "printer", "print").len(), 1);
    assert_eq!(hardware(&out, "relay", "pulse").len(), 1);
}

#[test]
fn configured_staff_pins_replace_the_demo_pin() {
    use std::io::Write;
    let k = Kiosk::new();
    let mut child = Command::new(BIN)
        .args(["config", "hash-pin", "--operator", "Ms Rivera"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"135791\n").unwrap();
    let hashed = child.wait_with_output().unwrap();
    assert!(hashed.status.success());
    let entry = String::from_utf8(hashed.stdout).unwrap();
    assert!(!entry.contains("135791"), "the PIN itself is never printed");
    let config = k.file("kiosk.toml", &entry);
    let pins = |digits: &str| -> Vec<Value> {
        let mut events = vec![tap("staff")];
        events.extend(digits.chars().map(|d| tap(&format!("pin-{d}"))));
        events.push(tap("pin-enter"));
        events
    };
    // The demo PIN is refused; the pad stays up for the right one.
    let mut events = pins("246810");
    events.extend(pins("135791").into_iter().skip(1));
    let (output, out) = k.run_configured("configured", &events, Some(&config));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(audits(&out, "login-failed").len(), 1);
    assert_eq!(audits(&out, "login")[0]["operator"], "Ms Rivera");
}

#[test]
fn without_a_display_backend_the_window_refuses_in_one_line() {
    let k = Kiosk::new();
    let out_dir = k.path("windowed");
    for args in [
        vec!["kiosk"],
        vec!["kiosk", "--sim", "--db", k.db(), "--out", &out_dir],
    ] {
        let out = vestibule(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
}

/// The text of the QR code printed on a badge PNG.
fn badge_qr(png: &Path) -> String {
    let page = vestibule::badge::Bitmap1::from_png(&std::fs::read(png).unwrap()).unwrap();
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
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the badge");
    grids[0].decode().unwrap().1
}

#[test]
fn a_badge_code_altered_or_unsigned_signs_nobody_out() {
    let k = Kiosk::new();
    let out = k.run_ok("in", &visit(MORGAN));
    let code = badge_qr(&out.join("badges/1.png"));
    let (unsigned, _mac) = code.rsplit_once('.').unwrap();
    let forged = code.replace("V-0001", "V-0002");
    for (name, scan) in [("unsigned", unsigned.to_owned()), ("forged", forged)] {
        let out = k.run_ok(name, &[json!({ "scan": scan })]);
        assert!(audits(&out, "signed-out").is_empty(), "{name}");
    }
    assert_eq!(k.visits(&[]).len(), 1, "still in the building");
}

#[test]
fn scanning_the_badge_signs_the_visitor_out() {
    let k = Kiosk::new();
    let out = k.run_ok("in", &visit(MORGAN));
    let code = badge_qr(&out.join("badges/1.png"));
    assert!(code.starts_with("VST1.V-0001."), "{code}");
    let out = k.run_ok(
        "out",
        &[json!({ "scan": code }), json!({ "screenshot": "goodbye" })],
    );
    let visits = lines(&out.join("visits.jsonl"));
    assert_eq!(
        visits,
        vec![json!({ "visit": "V-0001", "signed_out_ms": 0 })]
    );
    assert_eq!(audits(&out, "signed-out")[0]["visit"], "V-0001");
    assert!(
        hardware(&out, "relay", "pulse").is_empty(),
        "leaving opens nothing"
    );
    // The store knows: nobody is in the building, and the visit has its sign-out time.
    assert!(k.visits(&[]).is_empty());
    let all = k.visits(&["--all"]);
    assert_eq!(all.len(), 1);
    assert!(all[0]["signed_out"].is_string(), "{all:?}");
    // Scanning the same badge again signs nobody out twice.
    k.run_ok("again", &[json!({ "scan": code })]);
    assert_eq!(k.visits(&["--all"]), all);
}

#[test]
fn the_roster_lists_who_is_in_and_visit_numbers_go_on_after_a_restart() {
    let k = Kiosk::new();
    k.run_ok("morning", &visit(MORGAN));
    let inside = k.visits(&[]);
    assert_eq!(inside.len(), 1);
    assert_eq!(inside[0]["visit"], 1);
    assert_eq!(inside[0]["purpose"], "visitor");
    assert!(inside[0]["signed_out"].is_null());
    let text = vestibule(&["visits", "--db", k.db()]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.starts_with("1 in the building\nV-0001  "), "{text}");
    // A new kiosk process (a restart) numbers the next visit 2, never 1 again.
    let out = k.run_ok("afternoon", &visit(MORGAN));
    assert!(badge_qr(&out.join("badges/1.png")).starts_with("VST1.V-0002."));
    assert_eq!(k.visits(&[]).len(), 2);
}

#[test]
fn allow_once_and_block_lets_them_in_once_then_sends_them_to_staff_as_blocked() {
    let k = Kiosk::new();
    let mut first = vec![json!({ "scan": SAMPLE })];
    first.extend(login());
    first.push(tap("review-queue"));
    first.extend([
        tap("is-a-match"),
        tap("allow-once-block"),
        json!({ "scan": SAMPLE }),
        tap("purpose:visitor"),
        tap("destination:office"),
    ]);
    let out = k.run_ok("allowed-once", &first);
    assert_eq!(
        hardware(&out, "relay", "pulse").len(),
        1,
        "allowed this once"
    );
    assert_eq!(audits(&out, "decision")[0]["outcome"], "allow-once-block");
    // Next time: the neutral front-office screen, and staff see the block.
    let out = k.run_ok("came-back", &[json!({ "scan": SAMPLE })]);
    assert!(hardware(&out, "relay", "pulse").is_empty());
    let flagged = alerts(&out, "flagged");
    assert_eq!(flagged.len(), 1);
    let lists: Vec<&Value> = flagged[0]["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["list"])
        .collect();
    assert!(lists.contains(&&json!("blocked")), "{flagged:?}");
    let audit = vestibule(&["decision", "audit", "--db", k.db()]);
    assert!(String::from_utf8_lossy(&audit.stdout).contains("\"blocked\""));
}

#[test]
fn the_simulated_printer_is_the_configured_one() {
    let k = Kiosk::new();
    let config = k.file("dymo.toml", "[hardware.printer]\nkind = \"dymo-30256\"\n");
    let (output, out) = k.run_configured("dymo", &visit(MORGAN), Some(&config));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        hardware(&out, "printer", "print")[0]["printer"],
        "dymo-30256"
    );
    assert_eq!(hardware(&out, "relay", "pulse").len(), 1);
}

fn staff(more: &[&str]) -> Vec<Value> {
    let mut events = login();
    events.extend(more.iter().map(|l| tap(l)));
    events
}

#[test]
fn staff_sign_a_visitor_out_from_the_roster() {
    let k = Kiosk::new();
    k.run_ok("in", &visit(MORGAN));
    assert_eq!(k.visits(&[]).len(), 1);
    let mut events = staff(&["roster"]);
    events.push(json!({ "screenshot": "roster" }));
    // The tap finds `sign-out:V-0001` only if the roster shows the visitor.
    events.push(tap("sign-out:V-0001"));
    events.push(json!({ "screenshot": "roster-empty" }));
    let out = k.run_ok("roster", &events);
    assert!(k.visits(&[]).is_empty(), "nobody is in the building");
    let all = k.visits(&["--all"]);
    assert!(all[0]["signed_out"].is_string(), "{all:?}");
    let audit = audits(&out, "signed-out-by-staff");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["visit"], "V-0001");
    assert_eq!(audit[0]["operator"], "demo");
    assert!(out.join("roster.png").exists() && out.join("roster-empty.png").exists());
    assert!(!same_image(
        &out.join("roster.png"),
        &out.join("roster-empty.png")
    ));
    // The visitor is gone from the roster: their sign-out button with them.
    let (output, _) = k.run("again", &staff(&["roster", "sign-out:V-0001"]));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn at_the_end_of_the_day_staff_sign_out_everyone_left_from_earlier_days() {
    let k = Kiosk::new();
    let mut events = visit(MORGAN);
    // A day later (the kiosk never restarted), somebody new signs in.
    events.push(json!({ "wait_ms": 86_400_000 }));
    events.extend(visit(MORGAN));
    events.push(json!({ "wait_ms": 6_000 }));
    events.extend(staff(&["roster"]));
    events.push(json!({ "screenshot": "roster-earlier" }));
    events.push(tap("sign-out-earlier"));
    let out = k.run_ok("overnight", &events);
    let inside: Vec<u64> = k
        .visits(&[])
        .iter()
        .map(|v| v["visit"].as_u64().unwrap())
        .collect();
    assert_eq!(inside, [2], "only yesterday's visit is signed out");
    let audit = audits(&out, "signed-out-end-of-day");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["visit"], "V-0001");
    assert_eq!(audit[0]["operator"], "demo");
}

#[test]
fn the_evacuation_list_prints_on_the_badge_printer() {
    let k = Kiosk::new();
    let out = k.run_ok(
        "evacuation",
        &[
            visit(MORGAN),
            vec![json!({ "wait_ms": 6_000 })],
            staff(&["print-evacuation"]),
            vec![json!({ "screenshot": "printed" })],
        ]
        .concat(),
    );
    let prints = hardware(&out, "printer", "print");
    assert_eq!(prints.len(), 2, "the badge, then the one-label list");
    let job = std::fs::read(out.join("printer/2.bin")).unwrap();
    assert_eq!(job.len() as u64, prints[1]["bytes"].as_u64().unwrap());
    assert!(job[400..].starts_with(b"\x1b@"), "a Brother QL raster job");
    let page =
        vestibule::badge::Bitmap1::from_png(&std::fs::read(out.join("badges/2.png")).unwrap())
            .unwrap();
    assert_eq!((page.width(), page.height()), (696, 1109));
    assert!(
        page.ink_count() > 5_000,
        "title, school, time and one entry"
    );
    let audit = audits(&out, "evacuation-list-printed");
    assert_eq!(audit[0]["outcome"], "printed");
    assert_eq!(audit[0]["operator"], "demo");
    // The list is not a visit: the door stays shut and nobody is signed out.
    assert_eq!(
        hardware(&out, "relay", "pulse").len(),
        1,
        "only the visitor's"
    );
    assert_eq!(k.visits(&[]).len(), 1);
}

#[test]
fn a_responder_entry_is_saved_and_opens_the_door_without_a_badge() {
    let k = Kiosk::new();
    let out = k.run_ok("responder", &staff(&["responder"]));
    let inside = k.visits(&[]);
    assert_eq!(inside.len(), 1);
    assert_eq!(inside[0]["purpose"], "Emergency responder");
    assert_eq!(inside[0]["cleared_by"], "demo");
    let pulses = hardware(&out, "relay", "pulse");
    assert_eq!(pulses.len(), 1, "{pulses:?}");
    assert_eq!(pulses[0]["ms"], 5000);
    assert!(hardware(&out, "printer", "print").is_empty(), "no badge");
    assert_eq!(audits(&out, "responder-entry")[0]["visit"], "V-0001");
    // In a lockdown the entry is logged but the door stays locked.
    let mut events = vec![json!({ "gpio": "panic" })];
    events.extend(staff(&["responder"]));
    let out = k.run_ok("responder-lockdown", &events);
    assert!(hardware(&out, "relay", "pulse").is_empty());
    assert_eq!(audits(&out, "door-kept-locked")[0]["visit"], "V-0002");
    assert_eq!(k.visits(&[]).len(), 2);
}

#[test]
fn staff_reset_a_block_from_the_review_and_the_next_check_in_is_not_blocked() {
    let k = Kiosk::new();
    let mut first = vec![json!({ "scan": SAMPLE })];
    first.extend(staff(&["review-queue", "is-a-match", "allow-once-block"]));
    k.run_ok("blocked", &first);
    let mut again = vec![json!({ "scan": SAMPLE })];
    again.extend(staff(&["review-queue", "reset-decisions"]));
    again.push(json!({ "screenshot": "reset" }));
    let out = k.run_ok("reset", &again);
    let reset = audits(&out, "decisions-reset");
    assert_eq!(reset.len(), 1);
    // Named by visit number only (never by name or identity).
    assert!(reset[0]["visit"].as_str().unwrap().starts_with("V-"));
    assert_eq!(reset[0]["operator"], "demo");
    let trail = vestibule(&["decision", "audit", "--db", k.db()]);
    assert!(String::from_utf8_lossy(&trail.stdout).contains("\"reset\""));
    // Still a registry match (staff decide again), but no longer blocked.
    let out = k.run_ok("after-reset", &[json!({ "scan": SAMPLE })]);
    let flagged = alerts(&out, "flagged");
    assert_eq!(flagged.len(), 1);
    let records = flagged[0]["records"].as_array().unwrap();
    assert!(!records.is_empty());
    assert!(
        records.iter().all(|r| r["list"] != "blocked"),
        "{flagged:?}"
    );
}

/// A fleet key, a config that trusts it, and an invitation for Captain Morgan (visitor,
/// library) valid from yesterday to tomorrow; returns the config and the QR payload.
fn invited(k: &Kiosk) -> (PathBuf, String) {
    let key = k.path("fleet.key");
    let out = vestibule(&["prereg", "keygen", "--out", &key]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .last()
        .unwrap()
        .to_owned();
    let config = k.file(
        "invitations.toml",
        &format!("[prereg]\npublic_key = \"{public}\"\n"),
    );
    let today = time::OffsetDateTime::now_utc().date();
    let (from, to) = (
        (today - time::Duration::days(1)).to_string(),
        (today + time::Duration::days(1)).to_string(),
    );
    let out = vestibule(&[
        "--config",
        config.to_str().unwrap(),
        "prereg",
        "add",
        "--db",
        k.db(),
        "--key",
        &key,
        "--last",
        "Morgan",
        "--first",
        "Captain",
        "--dob",
        "1960-05-22",
        "--from",
        &from,
        "--to",
        &to,
        "--purpose",
        "visitor",
        "--destination",
        "library",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.starts_with("VSTB1:"))
        .expect("the token")
        .to_owned();
    (config, token)
}

#[test]
fn an_invitation_checks_in_without_typing_and_a_revoked_one_does_not() {
    let k = Kiosk::new();
    let (config, token) = invited(&k);
    // Every invitation asks for the invited person's ID too (issue 14).
    let script = [
        json!({ "scan": token }),
        json!({ "screenshot": "invitation" }),
        tap("invitation-confirm"),
        json!({ "scan": MORGAN }),
        json!({ "wait_ms": 200 }),
    ];
    let (output, out) = k.run_configured("invited", &script, Some(&config));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.join("invitation.png").exists());
    // No purpose or destination to choose: the invitation names them.
    assert_eq!(hardware(&out, "printer", "print").len(), 1);
    assert_eq!(hardware(&out, "relay", "pulse").len(), 1);
    let visits = k.visits(&[]);
    assert_eq!(visits.len(), 1);
    assert_eq!(visits[0]["purpose"], "visitor");
    assert_eq!(visits[0]["destination"], "library");

    // Revoked at the office: the same QR code now gets the front-office screen, no badge.
    let id =
        String::from_utf8_lossy(&vestibule(&["prereg", "list", "--db", k.db(), "--json"]).stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .next()
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
    let out = vestibule(&["prereg", "revoke", "--db", k.db(), &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (output, out) = k.run_configured("revoked", &[json!({ "scan": token })], Some(&config));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(hardware(&out, "printer", "print").is_empty());
    let refused = audits(&out, "invitation-refused");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["outcome"], "revoked");
}
