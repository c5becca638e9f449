//! `vestibule doctor`: checks for district technicians, one line per check.
//!
//! Every check is a pure function from what was observed (a result, a count, a time) to a
//! [`Check`]: PASS, WARN or FAIL, a plain-English reason and what to do. The devices are
//! reached through the small [`Probe`] trait ([`run_devices`] drives it), so the checks and
//! their order are unit-tested with a fake; the real and simulated probes, the database, the
//! clock and the disk are read by the thin edge in `cli::doctor`.
//!
//! A doctor never prints personal data: a scan is echoed as its document kind only.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::hw::printer::brother::Attention;
use crate::hw::{Frame, InputKind, PrintOutcome, PrinterKind, PrinterProblem};
use crate::identity::{self, Scan};

/// How a check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// A short stable id: `config`, `reader`, `relay`, `lamp`, `inputs`, `printer`, ...
    pub name: &'static str,
    pub status: Status,
    /// What was found, in plain English.
    pub reason: String,
    /// What to do about it (empty when nothing needs doing).
    pub action: String,
}

impl Check {
    pub fn pass(name: &'static str, reason: impl Into<String>) -> Self {
        Check::new(name, Status::Pass, reason, "")
    }

    pub fn warn(name: &'static str, reason: impl Into<String>, action: impl Into<String>) -> Self {
        Check::new(name, Status::Warn, reason, action)
    }

    pub fn fail(name: &'static str, reason: impl Into<String>, action: impl Into<String>) -> Self {
        Check::new(name, Status::Fail, reason, action)
    }

    fn new(
        name: &'static str,
        status: Status,
        reason: impl Into<String>,
        action: impl Into<String>,
    ) -> Self {
        Check {
            name,
            status,
            reason: one_line(&reason.into()),
            action: one_line(&action.into()),
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}  {:<9} {}",
            self.status.as_str(),
            self.name,
            self.reason
        )?;
        if !self.action.is_empty() {
            write!(f, " -> {}", self.action)?;
        }
        Ok(())
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The whole report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// The checks that failed.
    pub fn failures(&self) -> Vec<&Check> {
        self.checks
            .iter()
            .filter(|c| c.status == Status::Fail)
            .collect()
    }

    /// `None` when every check passed or warned; otherwise the one summary line for stderr.
    pub fn summary_of_failures(&self) -> Option<String> {
        let failed = self.failures();
        if failed.is_empty() {
            return None;
        }
        let names: Vec<&str> = failed.iter().map(|c| c.name).collect();
        Some(format!(
            "doctor: {} of {} checks failed ({})",
            failed.len(),
            self.checks.len(),
            names.join(", ")
        ))
    }
}

/// What the technician asked for beyond the harmless checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Pulse the relay (this unlocks the door).
    pub click: bool,
    /// Print a test badge.
    pub test_badge: bool,
    /// Wait this long for a scan and echo its document kind.
    pub wait_scan: Option<Duration>,
}

/// How long the click test holds the door open.
pub const CLICK: Duration = Duration::from_millis(300);

/// What a printer said when asked for its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrinterState {
    /// Status read: ready, right labels loaded.
    Ready,
    /// Status read: something needs attention.
    Attention(Attention),
    /// The printer has no status protocol here (DYMO, ZPL, or status checks turned off).
    NoStatus,
}

/// The devices as the doctor reaches them. Errors are one line naming the device.
pub trait Probe {
    /// The configured printer.
    fn printer_kind(&self) -> PrinterKind;
    /// Opens the ID reader; `Ok` carries what was opened (`ID reader /dev/ttyACM0`).
    fn open_reader(&mut self) -> Result<String, String>;
    /// Waits up to `wait` for the next frame from the (opened) reader.
    fn next_frame(&mut self, wait: Duration) -> Option<Frame>;
    /// Pulses the door relay for `duration`, then makes sure it is off.
    fn click_relay(&mut self, duration: Duration) -> Result<(), String>;
    /// Sets the office lamp.
    fn set_lamp(&mut self, on: bool) -> Result<(), String>;
    /// The input pins' levels (`Some(true)`: pressed / door open; `None`: cannot be read).
    fn inputs(&mut self) -> Result<Vec<(InputKind, Option<bool>)>, String>;
    /// Asks the printer for its status.
    fn printer_status(&mut self) -> Result<PrinterState, PrinterProblem>;
    /// Prints the test badge.
    fn print_test_badge(&mut self) -> Result<PrintOutcome, String>;
}

/// Runs every device check in order: reader, relay, lamp, inputs, printer, test badge.
pub fn run_devices(probe: &mut dyn Probe, options: Options, today: time::Date) -> Vec<Check> {
    let mut checks = Vec::new();
    let opened = probe.open_reader();
    let scan = match (&opened, options.wait_scan) {
        (Ok(_), Some(wait)) => Some(probe.next_frame(wait)),
        _ => None,
    };
    checks.push(check_reader(&opened, scan, options.wait_scan, today));
    let click = options.click.then(|| probe.click_relay(CLICK));
    checks.push(check_relay(click));
    let on = probe.set_lamp(true);
    let off = probe.set_lamp(false);
    checks.push(check_lamp(on, off));
    checks.push(check_inputs(probe.inputs()));
    let kind = probe.printer_kind();
    checks.push(check_printer(kind, probe.printer_status()));
    if options.test_badge {
        checks.push(check_test_badge(probe.print_test_badge()));
    }
    checks
}

/// The config loaded and validated (the error names file, key and reason).
pub fn check_config(source: &str, result: Result<(), String>) -> Check {
    match result {
        Ok(()) => Check::pass("config", format!("{source} is valid")),
        Err(e) => Check::fail(
            "config",
            e,
            "fix that key (`vestibule config example` shows every key), then run doctor again",
        ),
    }
}

/// The reader opened, and, when asked, what the next scan was (its kind only).
pub fn check_reader(
    opened: &Result<String, String>,
    scan: Option<Option<Frame>>,
    wait: Option<Duration>,
    today: time::Date,
) -> Check {
    let what = match opened {
        Err(e) => {
            return Check::fail(
                "reader",
                format!("cannot open {e}"),
                "check the scanner's USB cable and hardware.reader.device (ls /dev/ttyACM* /dev/ttyUSB*)",
            )
        }
        Ok(what) => what,
    };
    match (scan, wait) {
        (None, _) | (_, None) => Check::pass("reader", format!("{what} opened")),
        (Some(None), Some(wait)) => Check::warn(
            "reader",
            format!("{what} opened but no scan arrived in {} s", wait.as_secs()),
            "scan a licence while doctor waits; if nothing arrives, check the scanner is in serial (CDC) mode and hardware.reader.baud",
        ),
        (Some(Some(frame)), Some(_)) => match describe_frame(&frame, today) {
            Ok(kind) => Check::pass("reader", format!("{what} opened; scan read: {kind}")),
            Err(reason) => Check::warn(
                "reader",
                format!("{what} opened; scan not understood: {reason}"),
                "scan again; if it keeps failing, check hardware.reader.suffix and gap_ms match the scanner",
            ),
        },
    }
}

/// A frame as the doctor may show it: the document kind, never what it says.
pub fn describe_frame(frame: &Frame, today: time::Date) -> Result<String, String> {
    match frame {
        Frame::Scan(bytes) => match identity::read_scan(bytes, today) {
            Ok(Scan::Person(id)) => Ok(format!("{} document", id.document.as_str())),
            Ok(Scan::Invitation(_)) => Ok("Vestibule invitation".into()),
            Err(e) => Err(e.to_string()),
        },
        Frame::Garbled(_) => Err("the scan arrived cut off".into()),
    }
}

/// The click test, when it was asked for.
pub fn check_relay(click: Option<Result<(), String>>) -> Check {
    match click {
        None => Check::warn(
            "relay",
            "click test skipped (it unlocks the door)",
            "run `vestibule doctor --click` with someone at the door to hear the strike",
        ),
        Some(Ok(())) => Check::pass(
            "relay",
            format!(
                "pulsed for {} ms and locked again; the strike should have clicked",
                CLICK.as_millis()
            ),
        ),
        Some(Err(e)) => Check::fail(
            "relay",
            format!("click test failed: {e}"),
            "check hardware.relay.pin and hardware.gpio, and that no other kiosk process holds the pin",
        ),
    }
}

/// The lamp went on and off.
pub fn check_lamp(on: Result<(), String>, off: Result<(), String>) -> Check {
    match on.and(off) {
        Ok(()) => Check::pass("lamp", "switched on and off"),
        Err(e) => Check::fail(
            "lamp",
            format!("cannot switch the lamp: {e}"),
            "check hardware.lamp.pin and the lamp's wiring",
        ),
    }
}

/// The input pins' current levels.
pub fn check_inputs(states: Result<Vec<(InputKind, Option<bool>)>, String>) -> Check {
    let states = match states {
        Ok(states) => states,
        Err(e) => {
            return Check::fail(
                "inputs",
                format!("cannot read the input pins: {e}"),
                "check hardware.panic_button.pin, hardware.door_sensor.pin and hardware.gpio",
            )
        }
    };
    let describe = |kind: InputKind, level: Option<bool>| match (kind, level) {
        (InputKind::Panic, Some(true)) => "panic button PRESSED",
        (InputKind::Panic, Some(false)) => "panic button released",
        (InputKind::DoorPosition, Some(true)) => "door OPEN",
        (InputKind::DoorPosition, Some(false)) => "door closed",
        (InputKind::Panic, None) => "panic button level not readable",
        (InputKind::DoorPosition, None) => "door sensor level not readable",
    };
    let text = states
        .iter()
        .map(|(k, l)| describe(*k, *l))
        .collect::<Vec<_>>()
        .join(", ");
    if states.iter().any(|(_, l)| l.is_none()) {
        return Check::warn(
            "inputs",
            text,
            "this board reports changes only: press the panic button and open the door while the kiosk runs and watch its log",
        );
    }
    if states.contains(&(InputKind::Panic, Some(true))) {
        return Check::warn(
            "inputs",
            text,
            "a held panic button keeps the kiosk in lockdown: release it, or check hardware.panic_button.polarity",
        );
    }
    if states.contains(&(InputKind::DoorPosition, Some(true))) {
        return Check::warn(
            "inputs",
            text,
            "close the door; if it is closed, check hardware.door_sensor.polarity",
        );
    }
    Check::pass("inputs", text)
}

/// The printer's status.
pub fn check_printer(kind: PrinterKind, status: Result<PrinterState, PrinterProblem>) -> Check {
    match status {
        Ok(PrinterState::Ready) => Check::pass("printer", format!("{kind} ready, labels loaded")),
        Ok(PrinterState::NoStatus) => Check::warn(
            "printer",
            format!("{kind} reached, but it reports no status"),
            "print a test badge: `vestibule doctor --test-badge`",
        ),
        Ok(PrinterState::Attention(attention)) => {
            let problem = PrinterProblem::Printer(attention);
            Check::fail(
                "printer",
                format!("{kind}: {problem}"),
                printer_action(&problem),
            )
        }
        Err(problem) => Check::fail(
            "printer",
            format!("{kind}: {problem}"),
            printer_action(&problem),
        ),
    }
}

fn printer_action(problem: &PrinterProblem) -> &'static str {
    match problem {
        PrinterProblem::Printer(Attention::PaperOut) => "load a roll of badge labels",
        PrinterProblem::Printer(Attention::CoverOpen) => "close the printer's cover",
        PrinterProblem::Printer(Attention::WrongMedia { .. }) => {
            "load the labels hardware.printer.kind names, or change hardware.printer.kind"
        }
        PrinterProblem::Printer(Attention::Jammed) => "open the printer and clear the jam",
        PrinterProblem::Printer(Attention::Fault(_)) => "turn the printer off and on again",
        PrinterProblem::NoStatus | PrinterProblem::Unconfirmed => {
            "check the printer is on and is a Brother QL, or set hardware.printer.status = false"
        }
        PrinterProblem::Link(_) => {
            "check the printer is on and plugged in, and hardware.printer.device (ls /dev/usb/lp*)"
        }
        PrinterProblem::Encode(_) => "check hardware.printer.kind matches the printer and labels",
    }
}

/// The test badge.
pub fn check_test_badge(outcome: Result<PrintOutcome, String>) -> Check {
    match outcome {
        Ok(PrintOutcome::Printed) => Check::pass("badge", "test badge printed"),
        Ok(PrintOutcome::NeedsAttention(problem)) => Check::fail(
            "badge",
            format!("test badge did not print: {problem}"),
            printer_action(&problem),
        ),
        Err(e) => Check::fail(
            "badge",
            format!("cannot print a test badge: {e}"),
            "check hardware.printer.kind and hardware.printer.device",
        ),
    }
}

/// What the doctor learned from the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbFacts {
    /// Registry name rows and people.
    pub rows: u64,
    pub people: u64,
    /// When the registry was imported (Unix seconds), if the store recorded it.
    pub imported_at: Option<i64>,
}

/// A registry older than this is a WARN unless the config says otherwise
/// (`sync.max_registry_age_hours`, 48 by default).
pub const REGISTRY_STALE: Duration = Duration::from_secs(7 * 24 * 3600);

/// How [`database_facts`] says the file is not there.
pub const NO_DATABASE: &str = "no database at";

/// The database opened (its path is named either way).
pub fn check_database(path: &str, opened: &Result<DbFacts, String>) -> Check {
    match opened {
        Ok(_) => Check::pass("database", format!("{path} opens")),
        Err(e) if e.starts_with(NO_DATABASE) => Check::fail(
            "database",
            e.clone(),
            "check --db / storage.database, or create it: `vestibule registry import --db PATH FILE.csv`",
        ),
        Err(e) => Check::fail(
            "database",
            e.clone(),
            "stop a running kiosk (it holds the file) and run doctor again; check --db / storage.database",
        ),
    }
}

/// The registry is present and younger than `stale`, as of `now` (Unix seconds).
pub fn check_registry(opened: &Result<DbFacts, String>, now: i64, stale: Duration) -> Check {
    let facts = match opened {
        Ok(facts) => facts,
        Err(_) => {
            return Check::fail(
                "registry",
                "not checked: the database did not open",
                "fix the database first",
            )
        }
    };
    if facts.rows == 0 {
        return Check::fail(
            "registry",
            "the registry is empty: visitors cannot be screened",
            "import it: `vestibule registry import --db PATH FILE.csv`",
        );
    }
    let size = format!("{} names of {} people", facts.rows, facts.people);
    let Some(at) = facts.imported_at else {
        return Check::warn(
            "registry",
            format!("{size}; import time unknown (imported by an older vestibule)"),
            "re-import the latest registry to record its age",
        );
    };
    let age = now - at;
    if age < -300 {
        return Check::warn(
            "registry",
            format!("{size}; imported in the future by this machine's clock"),
            "check the clock, then re-import the registry",
        );
    }
    let age = Duration::from_secs(age.max(0) as u64);
    let text = format!("{size}, imported {} ago", human(age));
    if age > stale {
        Check::warn(
            "registry",
            format!("{text}, older than the {} allowed", human(stale)),
            "check the registry sync (`vestibule registry sync`, sync.url) or import the latest registry",
        )
    } else {
        Check::pass("registry", text)
    }
}

fn human(age: Duration) -> String {
    let secs = age.as_secs();
    match secs {
        0..=119 => format!("{secs} s"),
        120..=7199 => format!("{} min", secs / 60),
        7200..=172_799 => format!("{} h", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}

/// When this binary was built (Unix seconds): a clock reading earlier is certainly wrong.
pub const BUILT_UNIX: i64 = match i64::from_str_radix(env!("VESTIBULE_BUILD_UNIX"), 10) {
    Ok(t) => t,
    Err(_) => 0,
};

/// Where systemd-timesyncd says the clock is synchronised (the file exists once it is).
pub const TIMESYNC_FLAG: &str = "/run/systemd/timesync/synchronized";

/// Whether timesyncd reports the clock synchronised: `None` when it does not run here (another
/// time service, or none we can read), so nothing is claimed either way.
pub fn time_synchronised(flag: &Path) -> Option<bool> {
    let dir = flag.parent()?;
    dir.is_dir().then(|| flag.exists())
}

/// The clock is plausible: not earlier than this build (a Pi without a network or RTC boots in
/// 1970, or at the last saved time), and synchronised when timesyncd can tell (`synced`).
pub fn check_clock(now: time::OffsetDateTime, built_unix: i64, synced: Option<bool>) -> Check {
    let shown = format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute()
    );
    if now.unix_timestamp() < built_unix {
        return Check::fail(
            "clock",
            format!(
                "the clock says {shown}, earlier than this build: the kiosk stays out of service, badges, expiry checks and logs would be wrong"
            ),
            "connect the kiosk to the network (NTP) or fit an RTC, then check `timedatectl`",
        );
    }
    match synced {
        Some(false) => Check::warn(
            "clock",
            format!("{shown}, not synchronised with a time server yet"),
            "check the network reaches an NTP server (`timedatectl timesync-status`); set NTP= in timesyncd.conf if the school has its own",
        ),
        Some(true) => Check::pass("clock", format!("{shown}, synchronised")),
        None => Check::pass("clock", shown),
    }
}

/// A kiosk whose pins are simulated (`hardware.gpio = "none"`) reads no panic button: staff
/// have no lockdown at the door, so it is said plainly.
pub fn check_panic_input(gpio: &crate::hw::config::GpioBackend, pin: u32) -> Check {
    if *gpio == crate::hw::config::GpioBackend::None {
        return Check::warn(
            "panic",
            "no panic button is read (hardware.gpio = \"none\"): nobody can start a lockdown from the desk",
            "wire a panic button and set hardware.gpio (rppal or cdev) and hardware.panic_button.pin",
        );
    }
    Check::pass("panic", format!("panic button on pin {pin}"))
}

/// Free space on the database's filesystem: below these, FAIL and WARN.
pub const DISK_FAIL: u64 = 200 * 1024 * 1024;
pub const DISK_WARN: u64 = 1024 * 1024 * 1024;

/// Free disk where the database lives (`free` bytes available to us).
pub fn check_disk(place: &str, free: Result<u64, String>) -> Check {
    let free = match free {
        Ok(free) => free,
        Err(e) => {
            return Check::fail(
                "disk",
                format!("cannot read free space on {place}: {e}"),
                "check the database's folder exists",
            )
        }
    };
    let text = format!("{} MB free on {place}", free / (1024 * 1024));
    if free < DISK_FAIL {
        Check::fail(
            "disk",
            text,
            "free space: registry imports and visit logs need room",
        )
    } else if free < DISK_WARN {
        Check::warn("disk", text, "free some space soon")
    } else {
        Check::pass("disk", text)
    }
}

/// Opens the database at `path` (never creating one) and reads the registry's size and import
/// time. The error is one line naming the file.
pub fn database_facts(path: &std::path::Path) -> Result<DbFacts, String> {
    use crate::store::{import::REGISTRY_IMPORTED_AT, schema, Store};
    if !path.exists() {
        return Err(format!("{NO_DATABASE} {}", path.display()));
    }
    let store = Store::open(path).map_err(|e| e.to_string())?;
    let (rows, people) = store.registry_size().map_err(|e| e.to_string())?;
    let at = schema::meta_value(&store.db(), REGISTRY_IMPORTED_AT).map_err(|e| e.to_string())?;
    Ok(DbFacts {
        rows,
        people,
        imported_at: (at > 0).then_some(at as i64),
    })
}

/// Bytes available to this user on the filesystem holding `dir`.
pub fn free_bytes(dir: &std::path::Path) -> Result<u64, String> {
    let stats = nix::sys::statvfs::statvfs(dir).map_err(|e| e.desc().to_owned())?;
    Ok((stats.blocks_available() as u64).saturating_mul(stats.fragment_size() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_fails_before_the_build_and_warns_unsynchronised() {
        let at = |unix| time::OffsetDateTime::from_unix_timestamp(unix).unwrap();
        let built = 1_790_000_000;
        let early = check_clock(at(built - 1), built, Some(true));
        assert_eq!(early.status, Status::Fail);
        assert!(early.reason.contains("earlier than this build"));
        assert_eq!(check_clock(at(built), built, None).status, Status::Pass);
        let unsynced = check_clock(at(built + 60), built, Some(false));
        assert_eq!(unsynced.status, Status::Warn);
        assert!(unsynced.action.contains("NTP"));
        assert!(check_clock(at(built + 60), built, Some(true))
            .reason
            .ends_with("synchronised"));
        let dir = tempfile::tempdir().unwrap();
        let flag = dir.path().join("timesync").join("synchronized");
        assert_eq!(time_synchronised(&flag), None, "no timesyncd: no claim");
        std::fs::create_dir(flag.parent().unwrap()).unwrap();
        assert_eq!(time_synchronised(&flag), Some(false));
        std::fs::write(&flag, "").unwrap();
        assert_eq!(time_synchronised(&flag), Some(true));
    }
    use time::macros::{date, datetime};

    const TODAY: time::Date = date!(2026 - 03 - 09);

    #[derive(Default)]
    struct Fake {
        reader: Option<String>,
        frame: Option<Frame>,
        clicks: u32,
        lamp: Vec<bool>,
        printed: u32,
    }

    impl Probe for Fake {
        fn printer_kind(&self) -> PrinterKind {
            PrinterKind::BrotherQlDk1202
        }
        fn open_reader(&mut self) -> Result<String, String> {
            self.reader
                .clone()
                .ok_or_else(|| "ID reader /dev/ttyX: gone".into())
        }
        fn next_frame(&mut self, _wait: Duration) -> Option<Frame> {
            self.frame.take()
        }
        fn click_relay(&mut self, _duration: Duration) -> Result<(), String> {
            self.clicks += 1;
            Ok(())
        }
        fn set_lamp(&mut self, on: bool) -> Result<(), String> {
            self.lamp.push(on);
            Ok(())
        }
        fn inputs(&mut self) -> Result<Vec<(InputKind, Option<bool>)>, String> {
            Ok(vec![
                (InputKind::Panic, Some(false)),
                (InputKind::DoorPosition, Some(false)),
            ])
        }
        fn printer_status(&mut self) -> Result<PrinterState, PrinterProblem> {
            Ok(PrinterState::Attention(Attention::PaperOut))
        }
        fn print_test_badge(&mut self) -> Result<PrintOutcome, String> {
            self.printed += 1;
            Ok(PrintOutcome::Printed)
        }
    }

    #[test]
    fn relay_clicks_and_badge_prints_only_when_asked() {
        let mut fake = Fake {
            reader: Some("ID reader sim".into()),
            ..Fake::default()
        };
        let checks = run_devices(&mut fake, Options::default(), TODAY);
        assert_eq!(fake.clicks, 0);
        assert_eq!(fake.printed, 0);
        assert_eq!(fake.lamp, [true, false]);
        let names: Vec<_> = checks.iter().map(|c| c.name).collect();
        assert_eq!(names, ["reader", "relay", "lamp", "inputs", "printer"]);
        assert_eq!(checks[1].status, Status::Warn);
        assert_eq!(checks[4].status, Status::Fail);
        assert!(checks[4].action.contains("load a roll"));

        let options = Options {
            click: true,
            test_badge: true,
            wait_scan: None,
        };
        let checks = run_devices(&mut fake, options, TODAY);
        assert_eq!((fake.clicks, fake.printed), (1, 1));
        assert_eq!(checks[1].status, Status::Pass);
        assert_eq!(checks.last().unwrap().name, "badge");
    }

    #[test]
    fn a_missing_reader_fails_naming_it_and_is_not_waited_on() {
        let mut fake = Fake {
            frame: Some(Frame::Scan(b"x".to_vec())),
            ..Fake::default()
        };
        let options = Options {
            wait_scan: Some(Duration::from_secs(1)),
            ..Options::default()
        };
        let checks = run_devices(&mut fake, options, TODAY);
        assert_eq!(checks[0].status, Status::Fail);
        assert!(checks[0].reason.contains("/dev/ttyX"), "{}", checks[0]);
        assert!(
            fake.frame.is_some(),
            "a reader that did not open is not read"
        );
    }

    #[test]
    fn a_scan_is_echoed_as_its_kind_only() {
        let opened = Ok("ID reader sim".to_string());
        let wait = Some(Duration::from_secs(5));
        let check = check_reader(&opened, Some(None), wait, TODAY);
        assert_eq!(check.status, Status::Warn);
        let check = check_reader(
            &opened,
            Some(Some(Frame::Scan(b"hello world".to_vec()))),
            wait,
            TODAY,
        );
        assert_eq!(check.status, Status::Warn);
        assert!(!check.reason.contains("hello"));
    }

    #[test]
    fn registry_age() {
        let now = 1_773_000_000;
        let facts = |rows, imported_at| {
            Ok(DbFacts {
                rows,
                people: rows,
                imported_at,
            })
        };
        assert_eq!(
            check_registry(&facts(0, Some(now)), now, REGISTRY_STALE).status,
            Status::Fail
        );
        assert_eq!(
            check_registry(&facts(5, None), now, REGISTRY_STALE).status,
            Status::Warn
        );
        let fresh = check_registry(&facts(5, Some(now - 3 * 3600)), now, REGISTRY_STALE);
        assert_eq!(fresh.status, Status::Pass);
        assert!(fresh.reason.contains("imported 3 h ago"), "{fresh}");
        let stale = check_registry(&facts(5, Some(now - 9 * 86_400)), now, REGISTRY_STALE);
        assert_eq!(stale.status, Status::Warn);
        assert!(stale.reason.contains("9 days"), "{stale}");
        assert_eq!(
            check_registry(&facts(5, Some(now + 86_400)), now, REGISTRY_STALE).status,
            Status::Warn
        );
        // the sync's limit (48 h by default) makes a 3-day-old registry stale
        let two_days = Duration::from_secs(48 * 3600);
        let old = check_registry(&facts(5, Some(now - 3 * 86_400)), now, two_days);
        assert_eq!(old.status, Status::Warn);
        assert!(
            old.reason.contains("older than the 2 days allowed"),
            "{old}"
        );
        let closed = Err("database x: locked".to_string());
        assert_eq!(
            check_registry(&closed, now, REGISTRY_STALE).status,
            Status::Fail
        );
        assert_eq!(check_database("x", &closed).status, Status::Fail);
    }

    #[test]
    fn clock_disk_inputs_and_summary() {
        assert_eq!(
            check_clock(datetime!(2026-03-09 08:00 UTC), 1_700_000_000, None).status,
            Status::Pass
        );
        assert_eq!(
            check_clock(datetime!(1970-01-01 00:00 UTC), 1_700_000_000, None).status,
            Status::Fail
        );
        assert_eq!(check_disk("/", Ok(DISK_FAIL - 1)).status, Status::Fail);
        assert_eq!(check_disk("/", Ok(DISK_WARN - 1)).status, Status::Warn);
        assert_eq!(check_disk("/", Ok(DISK_WARN)).status, Status::Pass);
        let held = check_inputs(Ok(vec![(InputKind::Panic, Some(true))]));
        assert_eq!(held.status, Status::Warn);
        assert!(held.reason.contains("PRESSED"));
        let unknown = check_inputs(Ok(vec![(InputKind::DoorPosition, None)]));
        assert_eq!(unknown.status, Status::Warn);

        let mut report = Report::default();
        report.checks.push(check_clock(
            datetime!(2026-03-09 08:00 UTC),
            1_700_000_000,
            None,
        ));
        assert_eq!(report.summary_of_failures(), None);
        report.checks.push(check_disk("/", Err("gone".into())));
        assert_eq!(
            report.summary_of_failures().unwrap(),
            "doctor: 1 of 2 checks failed (disk)"
        );
        let line = report.checks[1].to_string();
        assert!(line.starts_with("FAIL  disk"), "{line}");
        assert!(line.contains(" -> "), "{line}");
    }
}
