//! `vestibule doctor` through the real binary: simulated devices, a real redb file with a
//! registry imported by `vestibule registry import`, and a config naming a missing device.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const REGISTRY: &str =
    "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction\n\
MO-1,primary,HENDERSON,WILLIAM,,,1970-05-14,M,MO\n\
MO-1,alias,HENDRICKS,BILL,,,1970-05-14,M,MO\n\
MO-2,primary,OKAFOR,CHIDI,,,1979-02-03,M,MO\n";

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let f = Fixture {
            dir: tempfile::tempdir().unwrap(),
        };
        f.write("kiosk.toml", "");
        f
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn db(&self) -> PathBuf {
        self.path("vestibule.redb")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_vestibule"));
        c.args(args)
            .current_dir(self.dir.path())
            .env_remove("VESTIBULE_DB")
            .env_remove("VESTIBULE_LOG")
            .env("VESTIBULE_CONFIG", self.path("kiosk.toml"))
            .stdin(Stdio::null());
        for (name, _) in std::env::vars() {
            if name.starts_with("VESTIBULE_") && name != "VESTIBULE_CONFIG" {
                c.env_remove(name);
            }
        }
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn import_registry(&self) {
        let csv = self.write("registry.csv", REGISTRY);
        let out = self.run(&["registry", "import", "--db", s(&self.db()), s(&csv)]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The report's line for `name`.
fn line<'a>(stdout: &'a str, name: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(name))
        .unwrap_or_else(|| panic!("no `{name}` line in:\n{stdout}"))
}

#[test]
fn simulated_kiosk_with_a_fresh_registry_passes() {
    let f = Fixture::new();
    f.import_registry();
    let out = f.run(&["doctor", "--sim", "--db", s(&f.db())]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    for l in stdout.lines() {
        assert!(
            l.starts_with("PASS  ") || l.starts_with("WARN  "),
            "one PASS/WARN line per check: {l}"
        );
    }
    let names: Vec<&str> = stdout
        .lines()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "config", "reader", "relay", "lamp", "inputs", "printer", "panic", "database",
            "registry", "clock", "disk"
        ]
    );
    assert!(
        line(&stdout, "relay").starts_with("WARN"),
        "no click unless asked"
    );
    assert!(line(&stdout, "relay").contains("--click"));
    let registry = line(&stdout, "registry");
    assert!(registry.starts_with("PASS"), "{registry}");
    assert!(
        registry.contains("3 names of 2 people, imported") && registry.contains(" s ago"),
        "{registry}"
    );
    assert!(line(&stdout, "disk").contains("MB free on"));
}

#[test]
fn click_test_badge_and_a_scan_echoed_as_its_kind_only() {
    let f = Fixture::new();
    f.import_registry();
    let scan = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/aamva/v01-va-dlid2000-example.txt"),
    )
    .unwrap();
    let mut child = f
        .command(&[
            "doctor",
            "--sim",
            "--db",
            s(&f.db()),
            "--click",
            "--test-badge",
            "--wait-scan",
            "5",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&scan).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        line(&stdout, "reader").contains("scan read: aamva document"),
        "{stdout}"
    );
    for personal in ["PUBLIC", "JOHN", "9ABC", "1976", "ANYTOWN"] {
        assert!(
            !stdout.contains(personal),
            "doctor printed `{personal}`:\n{stdout}"
        );
    }
    assert!(line(&stdout, "relay").starts_with("PASS"), "{stdout}");
    assert!(line(&stdout, "relay").contains("300 ms"), "{stdout}");
    assert!(line(&stdout, "badge").starts_with("PASS"), "{stdout}");
}

#[test]
fn json_report() {
    let f = Fixture::new();
    f.import_registry();
    let out = f.run(&["doctor", "--sim", "--db", s(&f.db()), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], true);
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 11);
    assert_eq!(checks[0]["name"], "config");
    assert_eq!(checks[0]["status"], "pass");
    let relay = checks.iter().find(|c| c["name"] == "relay").unwrap();
    assert_eq!(relay["status"], "warn");
    assert!(relay["action"].as_str().unwrap().contains("--click"));
}

#[test]
fn a_missing_reader_fails_naming_the_device_and_exits_2() {
    let f = Fixture::new();
    f.import_registry();
    let printer = f.write("lp0", "");
    f.write(
        "kiosk.toml",
        &format!(
            "[hardware]\ngpio = \"none\"\n\n[hardware.reader]\ndevice = \"/dev/vestibule-no-such-reader\"\n\n\
             [hardware.printer]\nkind = \"zpl-203dpi\"\ndevice = \"{}\"\nstatus = false\n",
            s(&printer)
        ),
    );
    let out = f.run(&["doctor", "--db", s(&f.db())]);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    let reader = line(&stdout, "reader");
    assert!(reader.starts_with("FAIL"), "{reader}");
    assert!(reader.contains("/dev/vestibule-no-such-reader"), "{reader}");
    assert!(reader.contains(" -> "), "says what to do: {reader}");
    assert!(line(&stdout, "printer").starts_with("WARN"), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("vestibule: doctor: 1 of 11 checks failed (reader)"),
        "{stderr}"
    );
}

#[test]
fn a_missing_printer_device_fails_naming_it() {
    let f = Fixture::new();
    f.import_registry();
    f.write(
        "kiosk.toml",
        "[hardware]\ngpio = \"none\"\n\n[hardware.reader]\ndevice = \"\"\n\n\
         [hardware.printer]\ndevice = \"/dev/usb/vestibule-no-such-lp\"\n",
    );
    let out = f.run(&["doctor", "--db", s(&f.db())]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    let printer = line(&stdout, "printer");
    assert!(printer.starts_with("FAIL"), "{printer}");
    assert!(
        printer.contains("/dev/usb/vestibule-no-such-lp"),
        "{printer}"
    );
    assert!(line(&stdout, "reader").starts_with("FAIL"), "{stdout}");
}

#[test]
fn an_invalid_config_or_a_missing_database_fails() {
    let f = Fixture::new();
    f.write("kiosk.toml", "[hardware.printer]\ndevice = \"\"\n");
    let out = f.run(&["doctor", "--sim", "--db", s(&f.db())]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    let config = line(&stdout, "config");
    assert!(config.starts_with("FAIL"), "{config}");
    assert!(config.contains("hardware.printer.device"), "{config}");
    let database = line(&stdout, "database");
    assert!(database.starts_with("FAIL"), "{database}");
    assert!(database.contains("registry import"), "{database}");
    assert!(!f.db().exists(), "doctor never creates a database");
    assert!(line(&stdout, "registry").starts_with("FAIL"));
}

#[test]
fn a_kiosk_without_a_panic_input_is_warned_about() {
    let f = Fixture::new();
    f.import_registry();
    let out = f.run(&["doctor", "--sim", "--db", s(&f.db())]);
    let stdout = text(&out.stdout);
    assert!(line(&stdout, "panic").starts_with("PASS"), "{stdout}");
    f.write("kiosk.toml", "[hardware]\ngpio = \"none\"\n");
    let out = f.run(&["doctor", "--sim", "--db", s(&f.db())]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a WARN is not a failure: {stdout}"
    );
    let panic = line(&stdout, "panic");
    assert!(panic.starts_with("WARN"), "{panic}");
    assert!(panic.contains("no panic button") && panic.contains("hardware.panic_button.pin"));
    // The clock of this machine is later than the build that runs here.
    assert!(!line(&stdout, "clock").starts_with("FAIL"), "{stdout}");
}
