//! Issue 14, "the kiosk never fails open", on the platform side: what someone at the kiosk with
//! a USB keyboard, a signal, or the SD card in their hand can do. Every test runs the real
//! `vestibule` binary on real files, real signals and a real pseudo-terminal.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_vestibule");

fn vestibule(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_remove("VESTIBULE_CONFIG")
        .env_remove("VESTIBULE_DB")
        .env_remove("CREDENTIALS_DIRECTORY");
    command
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn levels(pin_file: &Path) -> Vec<String> {
    std::fs::read_to_string(pin_file)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn last_level(pin_file: &Path) -> String {
    levels(pin_file).last().cloned().unwrap_or_default()
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            panic!("the process did not end");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Starts the relay drill (fail-safe installed and terminal locked as `vestibule kiosk` does,
/// door pulsed open for 60 s, main loop feeding the watchdog) and waits for the door to open.
fn open_door(dir: &Path, stdin: Stdio, controlling_tty: bool) -> (Child, PathBuf) {
    let pin_file = dir.join("relay.pin");
    let mut command = vestibule(dir);
    command
        .args([
            "hw-drill",
            "--way",
            "signal",
            "--watchdog-ms",
            "300",
            "--pin-file",
        ])
        .arg(&pin_file)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            // SIGQUIT's default action dumps core: not into the test's directory.
            let none = nix::libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            nix::libc::setrlimit(nix::libc::RLIMIT_CORE, &none);
            if controlling_tty {
                // As systemd's StandardInput=tty: a session of its own, the terminal its
                // controlling terminal, so the line discipline's signals reach it.
                if nix::libc::setsid() < 0 || nix::libc::ioctl(0, nix::libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "pulsed", "the drill did not start");
    assert_eq!(levels(&pin_file)[..2], ["low", "high"], "locked, then open");
    (child, pin_file)
}

// ---- 11. Keyboards and signals ------------------------------------------------------------

#[test]
fn every_terminating_signal_locks_the_door_and_ends_the_process_as_that_signal() {
    use nix::sys::signal::Signal;
    for signal in [
        Signal::SIGTERM,
        Signal::SIGINT,
        Signal::SIGQUIT,
        Signal::SIGHUP,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (mut child, pin_file) = open_door(dir.path(), Stdio::null(), false);
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(last_level(&pin_file), "high", "{signal}: still open before");
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap()),
            signal,
        )
        .unwrap();
        let status = wait_exit(&mut child);
        assert_eq!(status.signal(), Some(signal as i32), "{signal}: {status:?}");
        assert_eq!(
            last_level(&pin_file),
            "low",
            "{signal}: the door must end locked"
        );
    }
}

#[test]
fn a_keyboard_on_the_kiosk_terminal_cannot_signal_it() {
    let dir = tempfile::tempdir().unwrap();
    let pty = nix::pty::openpty(None, None).unwrap();
    let slave: OwnedFd = pty.slave;
    let mut master = std::fs::File::from(pty.master);
    // A fresh terminal turns Ctrl-C into SIGINT and Ctrl-\ into SIGQUIT.
    let before = nix::sys::termios::tcgetattr(&slave).unwrap();
    assert!(before
        .local_flags
        .contains(nix::sys::termios::LocalFlags::ISIG));
    let (mut child, pin_file) =
        open_door(dir.path(), Stdio::from(slave.try_clone().unwrap()), true);
    let after = nix::sys::termios::tcgetattr(&slave).unwrap();
    assert!(
        !after
            .local_flags
            .contains(nix::sys::termios::LocalFlags::ISIG),
        "the kiosk turned its terminal's signal keys off"
    );
    // Ctrl-C, Ctrl-\, Ctrl-Z typed on the keyboard: nothing happens.
    master.write_all(b"\x03\x1c\x1a").unwrap();
    master.flush().unwrap();
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        child.try_wait().unwrap().is_none(),
        "a keystroke ended the kiosk"
    );
    assert_eq!(
        last_level(&pin_file),
        "high",
        "the flow goes on undisturbed"
    );
    // systemd's stop still works, and still locks.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap()),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = wait_exit(&mut child);
    assert_eq!(status.signal(), Some(15), "{status:?}");
    assert_eq!(last_level(&pin_file), "low");
    drop(master);
    let _ = slave.as_raw_fd();
}

#[test]
fn the_kiosk_unit_stops_through_the_fail_safe_and_locks_the_relay_after_every_stop() {
    let unit = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("systemd/vestibule-kiosk.service"),
    )
    .unwrap();
    let lines: Vec<&str> = unit.lines().map(str::trim).collect();
    for setting in [
        "KillMode=mixed",
        "KillSignal=SIGTERM",
        "ExecStopPost=/usr/bin/vestibule --config /etc/vestibule/kiosk.toml relay lock",
        "TTYReset=yes",
        "TTYVTDisallocate=yes",
        "Conflicts=getty@tty1.service",
    ] {
        assert!(lines.contains(&setting), "no `{setting}` in the kiosk unit");
    }
}

// ---- 14. The relay pin between programs ---------------------------------------------------

fn write_config(dir: &Path, name: &str, toml: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, toml).unwrap();
    path
}

const CDEV: &str = "[hardware]\ngpio = \"cdev\"\n";

#[test]
fn relay_lock_drives_the_configured_locked_level() {
    let dir = tempfile::tempdir().unwrap();
    for (toml, want) in [
        (
            format!("{CDEV}[hardware.relay]\npin = 17\npolarity = \"active-high\"\n"),
            "low",
        ),
        (
            format!(
                "{CDEV}[hardware.relay]\npin = 5\npolarity = \"active-low\"\nlocked_level = \"high\"\n"
            ),
            "high",
        ),
    ] {
        let config = write_config(dir.path(), "kiosk.toml", &toml);
        let pin = dir.path().join(format!("{want}.pin"));
        let out = vestibule(dir.path())
            .arg("--config")
            .arg(&config)
            .args(["relay", "lock", "--pin-file"])
            .arg(&pin)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(levels(&pin), [want]);
    }
}

#[test]
fn the_firmware_line_holds_the_relay_pin_locked_from_power_on() {
    let dir = tempfile::tempdir().unwrap();
    for (toml, want) in [
        (
            format!("{CDEV}[hardware.relay]\npin = 17\npolarity = \"active-high\"\n"),
            "gpio=17=op,dl\n",
        ),
        (
            format!(
                "{CDEV}[hardware.relay]\npin = 5\npolarity = \"active-low\"\nlocked_level = \"high\"\n"
            ),
            "gpio=5=op,dh\n",
        ),
        ("[hardware]\ngpio = \"none\"\n".to_owned(), ""),
    ] {
        let config = write_config(dir.path(), "kiosk.toml", &toml);
        let out = vestibule(dir.path())
            .arg("--config")
            .arg(&config)
            .args(["relay", "firmware-line"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), want);
    }
}

fn config_check(dir: &Path, toml: &str) -> Output {
    let file = write_config(dir, "check.toml", toml);
    vestibule(dir)
        .args(["config", "check"])
        .arg(file)
        .output()
        .unwrap()
}

fn refused_naming(out: &Output, key: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", text(out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(key), "the refusal names `{key}`: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

#[test]
fn an_active_low_relay_needs_its_locked_level_stated() {
    let dir = tempfile::tempdir().unwrap();
    let out = config_check(
        dir.path(),
        &format!("{CDEV}[hardware.relay]\npin = 5\npolarity = \"active-low\"\n"),
    );
    refused_naming(&out, "hardware.relay.locked_level");
    // Stated, but the level that energises the relay: the door would be held open.
    for (polarity, wrong) in [("active-low", "low"), ("active-high", "high")] {
        let out = config_check(
            dir.path(),
            &format!(
                "{CDEV}[hardware.relay]\npin = 5\npolarity = \"{polarity}\"\nlocked_level = \"{wrong}\"\n"
            ),
        );
        refused_naming(&out, "hardware.relay.locked_level");
    }
    let out = config_check(
        dir.path(),
        &format!(
            "{CDEV}[hardware.relay]\npin = 5\npolarity = \"active-low\"\nlocked_level = \"high\"\n"
        ),
    );
    assert!(out.status.success(), "{}", text(&out));
}

// ---- (a) the registry feed is never trusted by URL alone -----------------------------------

#[test]
fn a_feed_url_without_its_ca_and_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = "[sync]\nurl = \"https://district.example/feed\"\n";
    refused_naming(&config_check(dir.path(), url), "sync.ca");
    refused_naming(
        &config_check(
            dir.path(),
            &format!("{url}ca = \"/etc/vestibule/ca.pem\"\n"),
        ),
        "sync.public_key",
    );
    let whole =
        format!("{url}ca = \"/etc/vestibule/ca.pem\"\npublic_key = \"/etc/vestibule/feed.pub\"\n");
    let out = config_check(dir.path(), &whole);
    assert!(out.status.success(), "{}", text(&out));
}

// ---- 13. The SD card -----------------------------------------------------------------------

/// A kiosk: its installed config (`etc/kiosk.toml`), its database, a boot partition
/// (`boot/`) and the district's fleet key.
struct Kiosk {
    dir: tempfile::TempDir,
    fleet_key: PathBuf,
    fleet_public: String,
}

impl Kiosk {
    fn new() -> Kiosk {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["etc", "boot", "var"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        let fleet_key = dir.path().join("fleet.key");
        let out = vestibule(dir.path())
            .args(["prereg", "keygen", "--out"])
            .arg(&fleet_key)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        let fleet_public = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        // The kiosk's database exists (the kiosk made it); the import only appends to it.
        vestibule::store::Store::open(&dir.path().join("var/vestibule.redb")).unwrap();
        Kiosk {
            dir,
            fleet_key,
            fleet_public,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A provisioning file as a technician writes it.
    fn config_text(&self, school: &str) -> String {
        format!(
            "[school]\nname = \"{school}\"\n\n[storage]\ndatabase = \"{}\"\n\n[prereg]\npublic_key = \"{}\"\n",
            self.path("var/vestibule.redb").display(),
            self.fleet_public
        )
    }

    fn put_on_card(&self, text: &str) -> PathBuf {
        let file = self.path("boot/kiosk.toml");
        std::fs::write(&file, text).unwrap();
        file
    }

    fn sign(&self, key: &Path) -> Output {
        vestibule(self.dir.path())
            .args(["provision", "sign", "--key"])
            .arg(key)
            .arg(self.path("boot/kiosk.toml"))
            .output()
            .unwrap()
    }

    fn import(&self) -> Output {
        vestibule(self.dir.path())
            .args(["provision", "import", "--wipe", "--to"])
            .arg(self.path("etc/kiosk.toml"))
            .arg(self.path("boot/kiosk.toml"))
            .output()
            .unwrap()
    }

    fn installed(&self) -> String {
        std::fs::read_to_string(self.path("etc/kiosk.toml")).unwrap_or_default()
    }

    fn audit(&self) -> Vec<String> {
        vestibule::store::Store::open(&self.path("var/vestibule.redb"))
            .unwrap()
            .audit_lines()
            .unwrap()
    }

    fn card_is_clean(&self) {
        for name in ["boot/kiosk.toml", "boot/kiosk.toml.sig"] {
            assert!(!self.path(name).exists(), "{name} left on the card");
        }
    }
}

#[test]
fn the_first_provisioning_is_taken_once_and_an_unsigned_later_file_is_refused() {
    let kiosk = Kiosk::new();
    let first = kiosk.config_text("Lincoln Elementary");
    kiosk.put_on_card(&first);
    let out = kiosk.import();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(kiosk.installed(), first);
    kiosk.card_is_clean();

    // Someone with the card writes their own kiosk.toml (no PINs, no alerts, another relay).
    let evil = "[hardware]\ngpio = \"none\"\n[alerts]\nwebhooks = []\n";
    kiosk.put_on_card(evil);
    let out = kiosk.import();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refused") && err.contains("kiosk.toml.sig"),
        "{err}"
    );
    assert_eq!(
        kiosk.installed(),
        first,
        "the installed config is untouched"
    );
    kiosk.card_is_clean();
    let audit = kiosk.audit();
    assert!(
        audit.iter().any(|l| l.contains("\"provision-refused\"")),
        "{audit:?}"
    );
    assert!(
        audit.iter().any(|l| l.contains("\"provisioned\"")),
        "{audit:?}"
    );
}

#[test]
fn a_later_file_signed_by_the_fleet_key_is_taken_and_a_forged_or_altered_one_is_not() {
    let kiosk = Kiosk::new();
    kiosk.put_on_card(&kiosk.config_text("Lincoln Elementary"));
    assert!(kiosk.import().status.success());

    // Signed by some other key.
    let other = kiosk.path("other.key");
    assert!(vestibule(kiosk.dir.path())
        .args(["prereg", "keygen", "--out"])
        .arg(&other)
        .output()
        .unwrap()
        .status
        .success());
    let forged = kiosk.config_text("Forged School");
    kiosk.put_on_card(&forged);
    assert!(kiosk.sign(&other).status.success());
    let out = kiosk.import();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(kiosk.installed().contains("Lincoln Elementary"));
    kiosk.card_is_clean();

    // Signed by the fleet key, then altered.
    kiosk.put_on_card(&kiosk.config_text("Lincoln Elementary North"));
    assert!(kiosk.sign(&kiosk.fleet_key).status.success());
    let file = kiosk.path("boot/kiosk.toml");
    let altered = std::fs::read_to_string(&file)
        .unwrap()
        .replace("Lincoln Elementary North", "Lincoln Elementary Nort");
    std::fs::write(&file, altered).unwrap();
    let out = kiosk.import();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(kiosk.installed().contains("\"Lincoln Elementary\""));

    // Signed by the fleet key as it is.
    let update = kiosk.config_text("Lincoln Elementary North");
    kiosk.put_on_card(&update);
    let out = kiosk.sign(&kiosk.fleet_key);
    assert!(out.status.success(), "{}", text(&out));
    let out = kiosk.import();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(kiosk.installed(), update);
    kiosk.card_is_clean();

    // The same genuine file again, with its genuine signature: a replay (say, after the PINs
    // in it were changed by a later file) is not taken.
    kiosk.put_on_card(&update);
    assert!(kiosk.sign(&kiosk.fleet_key).status.success());
    let out = kiosk.import();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("imported before"));

    // Another kiosk's genuine file (the fleet key signs every kiosk's).
    let gym = format!(
        "{}\n[kiosk]\nname = \"Gym entrance\"\n",
        kiosk.config_text("Lincoln Elementary")
    );
    kiosk.put_on_card(&gym);
    assert!(kiosk.sign(&kiosk.fleet_key).status.success());
    let out = kiosk.import();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kiosk.name"));
    assert_eq!(kiosk.installed(), update);
    kiosk.card_is_clean();

    let refusals = kiosk
        .audit()
        .iter()
        .filter(|l| l.contains("\"provision-refused\""))
        .count();
    assert_eq!(refusals, 4);
}

#[test]
fn the_imported_file_is_zeroed_on_the_card_before_it_is_deleted() {
    let kiosk = Kiosk::new();
    let text = kiosk.config_text("Lincoln Elementary");
    let file = kiosk.put_on_card(&text);
    // A second name for the same blocks: what a FAT undelete would find after the import.
    let blocks = kiosk.path("boot-blocks");
    std::fs::hard_link(&file, &blocks).unwrap();
    let out = kiosk.import();
    assert!(out.status.success(), "{}", text_of(&out));
    kiosk.card_is_clean();
    let left = std::fs::read(&blocks).unwrap();
    assert_eq!(left.len(), text.len());
    assert!(
        left.iter().all(|&b| b == 0),
        "the file's bytes were not zeroed"
    );
}

fn text_of(out: &Output) -> String {
    text(out)
}

// ---- 13. The data key, wrapped with a key the card does not hold ---------------------------

fn key_config(dir: &Path, wrap: &str) -> PathBuf {
    write_config(
        dir,
        "kiosk.toml",
        &format!(
            "[storage]\ndatabase = \"{}\"\nkey_file = \"{}\"\nkey_wrap = \"{wrap}\"\n",
            dir.join("vestibule.redb").display(),
            dir.join("data.key").display()
        ),
    )
}

fn prepare(dir: &Path, config: &Path, path_env: Option<&Path>) -> Output {
    let mut command = vestibule(dir);
    command
        .arg("--config")
        .arg(config)
        .args(["key", "prepare", "--unwrap-to"])
        .arg(dir.join("run.key"));
    if let Some(bin) = path_env {
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        command.env("PATH", path);
    }
    command.output().unwrap()
}

fn private_file(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn the_data_key_on_the_card_is_wrapped_and_useless_without_the_wrapping_key() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // A key already on the card in clear (a kiosk from before key_wrap).
    let plain: [u8; 32] = rand::random();
    private_file(&dir.join("data.key"), &plain);
    let wrapping = dir.join("wrap.key");
    private_file(&wrapping, &rand::random::<[u8; 32]>());
    let config = key_config(dir, &format!("file:{}", wrapping.display()));

    let out = prepare(dir, &config, None);
    assert!(out.status.success(), "{}", text(&out));
    let on_card = std::fs::read(dir.join("data.key")).unwrap();
    assert!(on_card.starts_with(b"VWK1") && on_card.len() == 64);
    assert!(
        !on_card.windows(32).any(|w| w == plain),
        "the plain key is not on the card"
    );
    assert_eq!(std::fs::read(dir.join("run.key")).unwrap(), plain);

    // The database works under the wrapped key file: records sealed, read back.
    let out = vestibule(dir)
        .arg("--config")
        .arg(&config)
        .args(["visits", "--db"])
        .arg(dir.join("vestibule.redb"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));

    // A copy of the card without the wrapping key opens nothing.
    private_file(&wrapping, &rand::random::<[u8; 32]>());
    let out = prepare(dir, &config, None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unwrap"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read(dir.join("run.key")).unwrap().len(),
        0,
        "nothing usable handed to the services"
    );
    let out = vestibule(dir)
        .arg("--config")
        .arg(key_config(dir, "none"))
        .args(["visits", "--db"])
        .arg(dir.join("vestibule.redb"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrapped"));
}

#[test]
fn the_raspberry_pi_otp_key_wraps_the_data_key() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // rpi-otp-private-key as raspi-utils prints it: 64 hex digits.
    let bin = dir.join("bin");
    std::fs::create_dir(&bin).unwrap();
    let tool = bin.join("rpi-otp-private-key");
    let otp = |hex: &str| {
        std::fs::write(&tool, format!("#!/bin/sh\necho {hex}\n")).unwrap();
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    otp(&"5a".repeat(32));
    let config = key_config(dir, "rpi-otp");
    let out = prepare(dir, &config, Some(&bin));
    assert!(out.status.success(), "{}", text(&out));
    let on_card = std::fs::read(dir.join("data.key")).unwrap();
    assert!(on_card.starts_with(b"VWK1"));
    let handed = std::fs::read(dir.join("run.key")).unwrap();
    assert_eq!(handed.len(), 32);
    assert!(!on_card.windows(32).any(|w| w == handed.as_slice()));
    // Same OTP, next boot: the same key.
    let out = prepare(dir, &config, Some(&bin));
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(std::fs::read(dir.join("run.key")).unwrap(), handed);
    // A board whose OTP was never programmed reads zeros: refused, not used as a key.
    otp(&"00".repeat(32));
    std::fs::remove_file(dir.join("data.key")).unwrap();
    let out = prepare(dir, &config, Some(&bin));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not programmed"));
}

/// The holding itself, on the simulated GPIO backend (no GPIO chip here); that an opened relay
/// is driven locked is `DoorRelay`'s, proven in relay_ways_out.rs.
#[test]
fn an_out_of_service_kiosk_keeps_its_relay_open_and_locked_until_the_rest_is_there() {
    use serialport::SerialPort as _;
    use vestibule::app::Devices;
    let dir = tempfile::tempdir().unwrap();
    let mut config = vestibule::config::Config::default();
    config.hardware.gpio = vestibule::hw::config::GpioBackend::None;
    config.hardware.reader.device = dir.path().join("no-reader");
    config.hardware.printer.device = dir.path().join("lp0").display().to_string();
    config.hardware.printer.status = false;
    std::fs::write(dir.path().join("lp0"), b"").unwrap();
    let mut held = None;
    // What the out-of-service loop does first: the GPIO (relay locked) is opened and kept.
    Devices::hold_gpio(&config.hardware, &mut held);
    assert!(held.is_some(), "the relay is held from the first try");
    // The reader is missing: out of service, and the relay stays held, not let go.
    let missing = Devices::open_holding(&config.hardware, &mut held);
    assert!(missing.is_err());
    assert!(held.is_some(), "still held while out of service");
    // The reader arrives: the kiosk starts with the relay it held all along.
    let (_scanner, reader) = serialport::TTYPort::pair().expect("a pseudo-terminal");
    config.hardware.reader.device = reader.name().unwrap().into();
    Devices::hold_gpio(&config.hardware, &mut held);
    let devices = Devices::open_holding(&config.hardware, &mut held);
    assert!(devices.is_ok());
    assert!(held.is_none(), "handed to the running kiosk");
}
