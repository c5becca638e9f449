//! The kiosk never fails open: no registry, a restart in a lockdown or with check-ins waiting,
//! a PIN guesser, a store that stops taking writes. Every test drives the real binary
//! (`vestibule kiosk --sim --headless`) on a real redb file, restarting on the same database
//! where the promise is about a restart.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

mod kiosk_support;
use kiosk_support::{alerts, audits, hardware, lines, login, pin, stderr, tap, vestibule};

const BIN: &str = env!("CARGO_BIN_EXE_vestibule");

/// MICHAEL JOHN SAMPLE JR, born 1986-06-06: on the registry below.
const SAMPLE: &str = include_str!("fixtures/aamva/v10-va-annex-d.txt");
/// CAPTAIN JACK MORGAN, born 1960-05-22: on no list.
const MORGAN: &str = include_str!("fixtures/aamva/v09-pa.txt");

const REGISTRY: &str =
    "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense
VA-0001,primary,SAMPLE,MICHAEL,J,JR,1986-06-06,M,VA,Example offence
";
const WATCHLIST: &str = "entry_id,list,last_name,first_name,middle_name,dob,sex,action,note
W-7,banned,SMITH,DIANA,,,F,deny,Trespass notice
";

struct Lobby {
    dir: tempfile::TempDir,
}

impl Lobby {
    /// A database with the registry (when `registry`) and the watchlist.
    fn new(registry: bool) -> Lobby {
        let lobby = Lobby {
            dir: tempfile::tempdir().unwrap(),
        };
        let mut imports = vec![("watchlist", lobby.file("watchlist.csv", WATCHLIST))];
        if registry {
            imports.push(("registry", lobby.file("registry.csv", REGISTRY)));
        }
        for (what, file) in imports {
            let out = vestibule(&[what, "import", "--db", &lobby.db(), file.to_str().unwrap()]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
        lobby
    }

    fn db(&self) -> String {
        self.dir.path().join("kiosk.redb").display().to_string()
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn command(&self, name: &str, events: &[Value], config: Option<&Path>) -> (Command, PathBuf) {
        let script: String = events.iter().map(|e| format!("{e}\n")).collect();
        let events = self.file(&format!("{name}.jsonl"), &script);
        let out = self.dir.path().join(name);
        let mut command = Command::new(BIN);
        command
            .env_remove("VESTIBULE_DB")
            .env_remove("VESTIBULE_CONFIG");
        if let Some(config) = config {
            command.arg("--config").arg(config);
        }
        command
            .args(["kiosk", "--sim", "--headless", "--events"])
            .arg(&events)
            .arg("--out")
            .arg(&out)
            .args(["--db", &self.db()]);
        (command, out)
    }

    /// One run of the kiosk on this database; it must finish its script.
    fn run(&self, name: &str, events: &[Value]) -> PathBuf {
        self.run_configured(name, events, None)
    }

    fn run_configured(&self, name: &str, events: &[Value], config: Option<&Path>) -> PathBuf {
        let (mut command, out) = self.command(name, events, config);
        let output = command.output().unwrap();
        assert!(output.status.success(), "{name}: {}", stderr(&output));
        out
    }
}

fn taps(labels: &[&str]) -> Vec<Value> {
    labels.iter().map(|l| tap(l)).collect()
}

fn visit(scan: &str) -> Vec<Value> {
    vec![
        json!({ "scan": scan }),
        tap("purpose:visitor"),
        tap("destination:library"),
    ]
}

fn pulses(out: &Path) -> usize {
    hardware(out, "relay", "pulse").len()
}

// ---- no registry, no door -----------------------------------------------------------------

#[test]
fn without_a_registry_nobody_is_screened_clear_and_staff_are_told() {
    let lobby = Lobby::new(false);
    let mut events = visit(MORGAN);
    events.push(json!({ "screenshot": "out-of-service" }));
    let (mut command, out) = lobby.command("no-registry", &events, None);
    let output = command.output().unwrap();
    // The script's taps find no purpose button: the kiosk is out of service.
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("purpose:visitor"),
        "{}",
        stderr(&output)
    );
    assert_eq!(pulses(&out), 0);
    assert!(hardware(&out, "printer", "print").is_empty());
    let down = audits(&out, "out-of-service");
    assert_eq!(down.len(), 1);
    assert_eq!(down[0]["outcome"], "no-registry");
    assert_eq!(alerts(&out, "out-of-service")[0]["reason"], "no-registry");
    // The lamp calls staff over.
    assert_eq!(hardware(&out, "lamp", "on").len(), 1);

    // A scan alone is not taken either.
    let out = lobby.run("scan-only", &[json!({ "scan": MORGAN })]);
    assert!(audits(&out, "visit-cleared").is_empty());
    assert!(lines(&out.join("visits.jsonl")).is_empty());
}

#[test]
fn once_a_registry_is_installed_the_same_kiosk_serves_again() {
    let lobby = Lobby::new(false);
    lobby.run("down", &[json!({ "scan": MORGAN })]);
    let registry = lobby.file("registry.csv", REGISTRY);
    let import = vestibule(&[
        "registry",
        "import",
        "--db",
        &lobby.db(),
        registry.to_str().unwrap(),
    ]);
    assert!(import.status.success());
    let out = lobby.run("up", &visit(MORGAN));
    assert_eq!(pulses(&out), 1);
    assert!(audits(&out, "out-of-service").is_empty());
}

#[test]
fn a_school_that_screens_only_against_its_own_lists_says_so() {
    let lobby = Lobby::new(false);
    let config = lobby.file("kiosk.toml", "[screening]\nlists_only = true\n");
    let out = lobby.run_configured("lists-only", &visit(MORGAN), Some(&config));
    assert_eq!(pulses(&out), 1);
    // ...and the school's own list still stops a banned visitor.
    let smith = include_str!("fixtures/aamva/v08-md.txt");
    let out = lobby.run_configured("banned", &[json!({ "scan": smith })], Some(&config));
    assert_eq!(alerts(&out, "flagged").len(), 1);
    assert_eq!(pulses(&out), 0);
}

#[test]
fn screening_from_the_command_line_refuses_without_a_registry() {
    let lobby = Lobby::new(false);
    let out = vestibule(&[
        "screen",
        "--db",
        &lobby.db(),
        "--last",
        "MORGAN",
        "--first",
        "JACK",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no offender registry"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
}

// ---- state that survives a restart ----------------------------------------------------------

#[test]
fn a_lockdown_survives_a_restart_and_ends_only_by_staff() {
    let lobby = Lobby::new(true);
    let out = lobby.run("panic", &[json!({ "gpio": "panic" })]);
    assert_eq!(audits(&out, "panic").len(), 1);

    // The kiosk restarts (a crash, a power cut): the door still refuses a cleared visitor.
    let out = lobby.run("after-restart", &visit(MORGAN));
    assert_eq!(audits(&out, "lockdown-resumed").len(), 1);
    assert_eq!(pulses(&out), 0);
    assert_eq!(audits(&out, "door-kept-locked").len(), 1);
    assert_eq!(
        hardware(&out, "lamp", "on").len(),
        1,
        "the lamp is lit from the start"
    );

    // Staff end it with their PIN: audited and alerted, and the next visitor gets the door.
    let mut events = login();
    events.extend(taps(&["end-lockdown", "done"]));
    events.extend(visit(MORGAN));
    let out = lobby.run("ended", &events);
    assert_eq!(audits(&out, "lockdown-ended").len(), 1);
    assert_eq!(alerts(&out, "lockdown-ended").len(), 1);
    assert_eq!(pulses(&out), 1);
    // ...and a restart after that is not a lockdown.
    let out = lobby.run("normal", &visit(MORGAN));
    assert!(audits(&out, "lockdown-resumed").is_empty());
    assert_eq!(pulses(&out), 1);
}

#[test]
fn a_flagged_check_in_waits_for_review_across_a_restart_and_its_number_is_never_reused() {
    let lobby = Lobby::new(true);
    let out = lobby.run("flag", &[json!({ "scan": SAMPLE })]);
    let flagged = alerts(&out, "flagged");
    assert_eq!(flagged[0]["visit"], "V-0001");

    // After a restart the next visitor gets a new number; the flag is still waiting.
    let out = lobby.run("next", &visit(MORGAN));
    assert_eq!(audits(&out, "review-queue-resumed").len(), 1);
    let saved = lines(&out.join("visits.jsonl"));
    assert_eq!(saved[0]["visit"], "V-0002", "{saved:?}");
    // The lamp is lit for staff from the start.
    assert_eq!(hardware(&out, "lamp", "on")[0]["t_ms"], 0);

    let mut events = login();
    events.extend(taps(&["review-queue", "is-a-match", "deny"]));
    let out = lobby.run("review", &events);
    let decision = audits(&out, "decision");
    assert_eq!(decision[0]["visit"], "V-0001");
    assert_eq!(decision[0]["outcome"], "deny");
    assert_eq!(pulses(&out), 0);

    // Reviewed once: the queue is empty after the next restart.
    let out = lobby.run("empty", &visit(MORGAN));
    assert!(audits(&out, "review-queue-resumed").is_empty());
    assert_eq!(lines(&out.join("visits.jsonl"))[0]["visit"], "V-0003");
}

#[test]
fn logging_in_lands_on_the_staff_menu_not_on_a_record() {
    let lobby = Lobby::new(true);
    let mut events = vec![json!({ "scan": SAMPLE })];
    events.extend(login());
    events.push(json!({ "screenshot": "menu" }));
    // The review needs a tap of its own: a record is never on screen unasked.
    events.push(tap("review-queue"));
    let out = lobby.run("menu", &events);
    assert_eq!(audits(&out, "login").len(), 1);
}

#[test]
fn a_pin_lockout_holds_one_operator_across_a_restart_and_alerts() {
    let lobby = Lobby::new(true);
    let mut events = Vec::new();
    for _ in 0..5 {
        events.extend(pin("111111"));
        events.push(tap("done"));
    }
    let out = lobby.run("guess", &events);
    assert_eq!(audits(&out, "login-failed").len(), 4);
    assert_eq!(audits(&out, "login-locked").len(), 1);
    let locked = alerts(&out, "pin-locked");
    assert_eq!(locked[0]["operator"], "demo");

    // Restarting the kiosk does not reset the lockout: the right PIN is not even checked.
    let mut events = login();
    events.push(tap("done"));
    let out = lobby.run("after-restart", &events);
    assert_eq!(audits(&out, "login-refused-locked").len(), 1);
    assert!(audits(&out, "login").is_empty());
}

#[test]
fn a_pin_shorter_than_six_digits_or_the_demo_pin_is_refused_in_a_config() {
    use std::io::Write;
    for (typed, reason) in [("2468", "6 to 12 digits"), ("246810", "demo PIN")] {
        let mut child = Command::new(BIN)
            .args(["config", "hash-pin", "--operator", "Ms Rivera"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{typed}").unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains(reason), "{}", stderr(&out));
    }
    // A config carrying the demo PIN's hash is refused whole.
    let lobby = Lobby::new(true);
    let config = lobby.file(
        "kiosk.toml",
        &format!(
            "[[staff.pins]]\noperator = \"Ms Rivera\"\nhash = \"{}\"\n",
            vestibule::kiosk::pin::SIM_PIN_HASH
        ),
    );
    let out = vestibule(&["config", "check", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("demo PIN"), "{}", stderr(&out));
}

// ---- a store that stops taking writes ---------------------------------------------------------

/// Runs the kiosk with every file write past `bytes` refused (EFBIG): a disk that is full or
/// failing, as the kiosk meets it.
fn run_with_write_limit(lobby: &Lobby, name: &str, events: &[Value], bytes: u64) -> PathBuf {
    let (mut command, out) = lobby.command(name, events, None);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            nix::sys::signal::signal(
                nix::sys::signal::SIGXFSZ,
                nix::sys::signal::SigHandler::SigIgn,
            )
            .map_err(std::io::Error::from)?;
            nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_FSIZE, bytes, bytes)
                .map_err(std::io::Error::from)
        });
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{name}: {}", stderr(&output));
    out
}

#[test]
fn a_store_that_takes_no_writes_stops_every_visit_and_goes_out_of_service() {
    let lobby = Lobby::new(true);
    // An ordinary morning first: the data key is set up and the file has its size.
    lobby.run("warm", &visit(MORGAN));
    let scan = json!({ "scan": MORGAN });
    let events = [scan.clone(), json!({ "wait_ms": 100 }), scan];
    let out = run_with_write_limit(&lobby, "full-disk", &events, 4096);
    assert_eq!(
        pulses(&out),
        0,
        "no door for a visitor the store does not have"
    );
    assert!(hardware(&out, "printer", "print").is_empty());
    let down = audits(&out, "out-of-service");
    assert_eq!(down.len(), 1, "{down:?}");
    assert_eq!(down[0]["outcome"], "store-failing");

    // Once the disk takes writes again, the kiosk serves again.
    let out = lobby.run("recovered", &visit(MORGAN));
    assert_eq!(pulses(&out), 1);
}
