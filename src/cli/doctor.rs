//! `vestibule doctor [--sim] [--db PATH] [--click] [--test-badge] [--wait-scan SECS] [--json]`:
//! the IO edge of [`vestibule::doctor`]. Opens the configured devices (or simulated ones),
//! reads the database, the clock and the disk, and prints one line per check.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use vestibule::badge::{self, Badge, BadgeLayout};
use vestibule::config::{self, Config};
use vestibule::doctor::{self, Check, Options, PrinterState, Probe, Report};
use vestibule::hw::board::{self, Gpio};
use vestibule::hw::config::Hardware;
use vestibule::hw::printer::link::PrinterLink;
use vestibule::hw::printer::service::PrinterService;
use vestibule::hw::serial::SerialReader;
use vestibule::hw::sim::SimHardware;
use vestibule::hw::{
    BadgePrinter, Frame, InputKind, Lamp, PrintOutcome, PrinterKind, PrinterProblem, Reader, Relay,
};

use super::Refusal;

#[derive(Args)]
pub struct DoctorArgs {
    /// Check simulated devices instead of the configured ones (runs on any machine). With
    /// --wait-scan the scan is read from stdin.
    #[arg(long)]
    sim: bool,
    /// The database file [default: $VESTIBULE_DB, else storage.database from the config].
    #[arg(long, env = "VESTIBULE_DB")]
    db: Option<PathBuf>,
    /// Pulse the door relay briefly (this UNLOCKS THE DOOR).
    #[arg(long)]
    click: bool,
    /// Print a test badge.
    #[arg(long)]
    test_badge: bool,
    /// Wait up to SECS for a scan and show its document kind (never what it says).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=600))]
    wait_scan: Option<u64>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: DoctorArgs, config_path: Option<&Path>) -> Result<(), Refusal> {
    let options = Options {
        click: args.click,
        test_badge: args.test_badge,
        wait_scan: args.wait_scan.map(Duration::from_secs),
    };
    let source = match config_path {
        Some(path) => path.display().to_string(),
        None if Path::new(config::DEFAULT_PATH).exists() => config::DEFAULT_PATH.to_owned(),
        None => "built-in defaults".to_owned(),
    };
    let loaded = Config::load(config_path, std::env::vars());
    let mut report = Report::default();
    report.checks.push(doctor::check_config(
        &source,
        loaded.as_ref().map(|_| ()).map_err(|e| e.to_string()),
    ));
    if let Some(note) = loaded.as_ref().ok().and_then(|c| c.hardware.backend_note()) {
        report
            .checks
            .push(Check::fail("gpio", note, "set hardware.gpio = \"cdev\""));
    }
    let now = time::OffsetDateTime::now_utc();
    if let Ok(config) = &loaded {
        let today = now.date();
        let devices = if args.sim {
            match SimProbe::new(config) {
                Ok(mut probe) => {
                    let checks = doctor::run_devices(&mut probe, options, today);
                    probe.finish();
                    checks
                }
                Err(e) => vec![Check::fail(
                    "hardware",
                    format!("cannot start the simulated devices: {e}"),
                    "check the temporary folder is writable",
                )],
            }
        } else {
            if let Err(e) = vestibule::hw::failsafe::install() {
                tracing::warn!("relay fail-safe handler: {e}");
            }
            doctor::run_devices(&mut BoardProbe::new(config), options, today)
        };
        report.checks.extend(devices);
        report.checks.push(doctor::check_panic_input(
            &config.hardware.gpio,
            config.hardware.panic_button.pin,
        ));
    }
    let db = args.db.unwrap_or_else(|| match &loaded {
        Ok(config) => config.storage.database.clone(),
        Err(_) => Config::default().storage.database,
    });
    let shown = db.display().to_string();
    let facts = doctor::database_facts(&db);
    report.checks.push(doctor::check_database(&shown, &facts));
    let stale = match &loaded {
        Ok(config) => {
            std::time::Duration::from_secs(u64::from(config.sync.max_registry_age_hours) * 3600)
        }
        Err(_) => doctor::REGISTRY_STALE,
    };
    report
        .checks
        .push(doctor::check_registry(&facts, now.unix_timestamp(), stale));
    report.checks.push(doctor::check_clock(
        now,
        doctor::BUILT_UNIX,
        doctor::time_synchronised(Path::new(doctor::TIMESYNC_FLAG)),
    ));
    let dir = match db.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    report.checks.push(doctor::check_disk(
        &dir.display().to_string(),
        doctor::free_bytes(&dir),
    ));

    if args.json {
        let json = serde_json::json!({
            "ok": report.failures().is_empty(),
            "checks": report.checks,
        });
        println!("{json}");
    } else {
        for check in &report.checks {
            println!("{check}");
        }
    }
    match report.summary_of_failures() {
        None => Ok(()),
        Some(summary) => Err(Refusal(summary)),
    }
}

/// The test badge: no visitor, clearly a test.
fn test_page(kind: PrinterKind, school: &str) -> Result<badge::Bitmap1, String> {
    let mut sample = Badge::sample();
    sample.school = school.to_owned();
    sample.visitor_name = "TEST BADGE".into();
    sample.purpose = "Printer test".into();
    sample.destination = "vestibule doctor".into();
    sample.visit_number = "TEST".into();
    sample.sign_out_token = "VST1.TEST".into();
    sample.photo = None;
    let now = time::OffsetDateTime::now_utc();
    sample.signed_in = time::PrimitiveDateTime::new(now.date(), now.time());
    badge::render(&sample, &BadgeLayout::default(), kind.label()).map_err(|e| e.to_string())
}

/// Simulated devices in a temporary folder, removed afterwards.
struct SimProbe {
    hw: SimHardware,
    out: PathBuf,
    kind: PrinterKind,
    school: String,
}

impl SimProbe {
    fn new(config: &Config) -> std::io::Result<Self> {
        let out = std::env::temp_dir().join(format!("vestibule-doctor-{}", std::process::id()));
        let hw = SimHardware::new(&out, config.hardware.printer.kind)?;
        Ok(SimProbe {
            hw,
            out,
            kind: config.hardware.printer.kind,
            school: config.school.name.clone(),
        })
    }

    fn finish(self) {
        let out = self.out;
        drop(self.hw);
        let _ = std::fs::remove_dir_all(&out);
    }
}

impl Probe for SimProbe {
    fn printer_kind(&self) -> PrinterKind {
        self.kind
    }

    fn open_reader(&mut self) -> Result<String, String> {
        Ok("simulated ID reader".into())
    }

    fn next_frame(&mut self, _wait: Duration) -> Option<Frame> {
        let mut scan = Vec::new();
        std::io::stdin().read_to_end(&mut scan).ok()?;
        if scan.is_empty() {
            return None;
        }
        self.hw.reader().scan(&scan);
        self.hw.reader().try_frame()
    }

    fn click_relay(&mut self, duration: Duration) -> Result<(), String> {
        self.hw
            .relay()
            .pulse(0, duration)
            .map_err(|e| format!("door relay (simulated): {e}"))?;
        self.hw
            .relay()
            .force_off(duration.as_millis() as u64)
            .map_err(|e| format!("door relay (simulated): {e}"))
    }

    fn set_lamp(&mut self, on: bool) -> Result<(), String> {
        self.hw.lamp().set(0, on).map_err(|e| format!("lamp: {e}"))
    }

    fn inputs(&mut self) -> Result<Vec<(InputKind, Option<bool>)>, String> {
        use vestibule::hw::Inputs;
        Ok(self.hw.inputs().levels())
    }

    fn printer_status(&mut self) -> Result<PrinterState, PrinterProblem> {
        Ok(PrinterState::Ready)
    }

    fn print_test_badge(&mut self) -> Result<PrintOutcome, String> {
        let page = test_page(self.kind, &self.school)?;
        Ok(self.hw.printer().print(0, &page))
    }
}

/// The configured devices, each opened on first use.
struct BoardProbe<'a> {
    config: &'a Hardware,
    reader: Option<SerialReader>,
    gpio: Option<Result<Gpio, String>>,
    printer: Option<Result<PrinterService<Box<dyn PrinterLink + Send>>, String>>,
    school: String,
}

impl<'a> BoardProbe<'a> {
    fn new(config: &'a Config) -> Self {
        BoardProbe {
            config: &config.hardware,
            reader: None,
            gpio: None,
            printer: None,
            school: config.school.name.clone(),
        }
    }

    fn gpio(&mut self) -> Result<&mut Gpio, String> {
        let config = self.config;
        self.gpio
            .get_or_insert_with(|| board::open_gpio(config).map_err(|e| e.to_string()))
            .as_mut()
            .map_err(|e| e.clone())
    }

    fn printer(
        &mut self,
    ) -> Result<&mut PrinterService<Box<dyn PrinterLink + Send>>, PrinterProblem> {
        let config = self.config;
        self.printer
            .get_or_insert_with(|| board::open_printer(config).map_err(|e| e.to_string()))
            .as_mut()
            .map_err(|e| PrinterProblem::Link(e.clone()))
    }
}

impl Probe for BoardProbe<'_> {
    fn printer_kind(&self) -> PrinterKind {
        self.config.printer.kind
    }

    fn open_reader(&mut self) -> Result<String, String> {
        let what = format!("ID reader {}", self.config.reader.device.display());
        if self.config.reader.device.as_os_str().is_empty() {
            return Err("ID reader: hardware.reader.device is empty (no reader configured)".into());
        }
        let reader = board::open_reader(self.config).map_err(|e| {
            let device = self.config.reader.device.display().to_string();
            if e.reason.contains(&device) {
                e.reason
            } else {
                format!("{what}: {}", e.reason)
            }
        })?;
        self.reader = Some(reader);
        Ok(what)
    }

    fn next_frame(&mut self, wait: Duration) -> Option<Frame> {
        let reader = self.reader.as_mut()?;
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            if let Some(frame) = reader.try_frame() {
                return Some(frame);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    fn click_relay(&mut self, duration: Duration) -> Result<(), String> {
        let relay = &mut self.gpio()?.relay;
        relay.feed_watchdog(0);
        let pulsed = relay.pulse(0, duration).map_err(|e| e.to_string());
        std::thread::sleep(duration + Duration::from_millis(100));
        let off = relay.force_off(duration.as_millis() as u64);
        pulsed?;
        off.map_err(|e| format!("could not lock again: {e}"))
    }

    fn set_lamp(&mut self, on: bool) -> Result<(), String> {
        self.gpio()?.lamp.set(0, on).map_err(|e| e.to_string())
    }

    fn inputs(&mut self) -> Result<Vec<(InputKind, Option<bool>)>, String> {
        let gpio = self.gpio()?;
        // Changes waiting are the pins' history; the levels are their state now.
        while gpio.inputs.try_event().is_some() {}
        Ok(gpio.inputs.levels())
    }

    fn printer_status(&mut self) -> Result<PrinterState, PrinterProblem> {
        let kind = self.config.printer.kind;
        let wants_status = self.config.printer.status;
        let printer = self.printer()?;
        let Some(media) = kind.brother_media().filter(|_| wants_status) else {
            return Ok(PrinterState::NoStatus);
        };
        let status = printer.status()?;
        Ok(match status.attention(media) {
            Some(attention) => PrinterState::Attention(attention),
            None => PrinterState::Ready,
        })
    }

    fn print_test_badge(&mut self) -> Result<PrintOutcome, String> {
        let page = test_page(self.config.printer.kind, &self.school)?;
        match self.printer() {
            Ok(printer) => Ok(BadgePrinter::print(printer, 0, &page)),
            Err(problem) => Ok(PrintOutcome::NeedsAttention(problem)),
        }
    }
}
