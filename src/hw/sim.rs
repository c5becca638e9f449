//! Simulated hardware for `--sim`, tests and the scripted kiosk, behind the same traits as
//! the real devices. Every relay pulse, lamp change and print job is logged, one JSON object
//! a line, to `hardware.jsonl` with the kiosk time passed in (so a scripted kiosk's mock clock
//! is what the log shows):
//!
//! ```text
//! {"t_ms":1200,"device":"printer","action":"print","job":1,"printer":"brother-ql-dk1202","bytes":103576}
//! {"t_ms":1250,"device":"relay","action":"pulse","ms":5000}
//! {"t_ms":9000,"device":"lamp","action":"on"}
//! {"t_ms":9000,"device":"relay","action":"off","reason":"lockdown"}
//! {"t_ms":9500,"device":"printer","action":"print","outcome":"needs-attention","reason":"paper-out"}
//! ```
//!
//! A relay line is written for each pulse, and an `off` line only when a pulse is cut short
//! (lockdown, forced off); a pulse that runs its time ends by itself, as on the real relay.
//! The printer writes `badges/<n>.png` (the page exactly as rasterised) and `printer/<n>.bin`
//! (the job's bytes exactly as they would go to the printer), `n` counting from 1.
//!
//! For the kiosk runner:
//!
//! ```no_run
//! use std::time::Duration;
//! use vestibule::hw::sim::SimHardware;
//! use vestibule::hw::{BadgePrinter, Lamp, PrinterKind, Reader, Relay};
//!
//! let mut hw = SimHardware::new("out".as_ref(), PrinterKind::BrotherQlDk1202).unwrap();
//! hw.reader().scan(b"@\n\x1e\rANSI 636026080102DL...");  // a {"scan":...} script line
//! let frame = hw.reader().try_frame();                   // -> Some(Frame::Scan(..))
//! let label = hw.printer().kind().label();               // render the badge onto this
//! # let page = vestibule::badge::Bitmap1::new(label.width, label.height);
//! let outcome = hw.printer().print(1200, &page);         // badges/1.png, printer/1.bin
//! hw.relay().pulse(1250, Duration::from_millis(5000)).unwrap();
//! hw.lamp().set(9000, true).unwrap();
//! hw.relay().set_lockdown(9000, true).unwrap();
//! let lines = hw.log().entries();                        // what hardware.jsonl holds
//! ```

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};
use serde_json::Value;

use super::printer::link::{JobDir, PrinterLink};
use super::printer::service::{PrintOutcome, PrinterProblem};
use super::printer::PrinterKind;
use super::reader::{strip_aim, Frame, Garbled};
use super::relay::{Error, MAX_PULSE, MIN_PULSE};
use super::{BadgePrinter, InputEvent, InputKind, Inputs, Lamp, Millis, PinFault, Reader, Relay};
use crate::badge::Bitmap1;

/// The `hardware.jsonl` log, shared by the simulated devices. Clones share the log.
#[derive(Clone, Default)]
pub struct HardwareLog {
    inner: Arc<Mutex<LogInner>>,
}

#[derive(Default)]
struct LogInner {
    file: Option<File>,
    entries: Vec<Value>,
}

impl HardwareLog {
    /// A log written to `path` (created or truncated) and kept in memory.
    pub fn create(path: &Path) -> io::Result<Self> {
        let file = File::create(path)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        Ok(HardwareLog {
            inner: Arc::new(Mutex::new(LogInner {
                file: Some(file),
                entries: Vec::new(),
            })),
        })
    }

    /// A log kept in memory only.
    pub fn memory() -> Self {
        HardwareLog::default()
    }

    /// Appends one line: `t_ms`, `device`, `action`, then `extra`'s fields in order. Each line
    /// reaches the file at once, so it is complete whenever the kiosk stops.
    pub fn record(&self, now: Millis, device: &str, action: &str, extra: &[(&str, Value)]) {
        let mut line = format!(
            "{{\"t_ms\":{now},\"device\":{},\"action\":{}",
            Value::from(device),
            Value::from(action)
        );
        for (key, value) in extra {
            line.push_str(&format!(",{}:{value}", Value::from(*key)));
        }
        line.push('}');
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(file) = inner.file.as_mut() {
            if let Err(e) = writeln!(file, "{line}") {
                tracing::error!("hardware.jsonl: {e}");
            }
        }
        inner
            .entries
            .push(serde_json::from_str(&line).expect("the line is JSON"));
    }

    /// Every line so far, parsed.
    pub fn entries(&self) -> Vec<Value> {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entries
            .clone()
    }
}

/// The simulated door relay.
pub struct SimRelay {
    log: HardwareLog,
    lockdown: bool,
    until: Option<Millis>,
}

impl SimRelay {
    pub fn new(log: HardwareLog) -> Self {
        SimRelay {
            log,
            lockdown: false,
            until: None,
        }
    }

    /// Whether the door is open at kiosk time `now`.
    pub fn is_open(&self, now: Millis) -> bool {
        self.until.is_some_and(|until| now < until)
    }

    /// Whether pulses are being refused.
    pub fn in_lockdown(&self) -> bool {
        self.lockdown
    }

    fn cut_short(&mut self, now: Millis, reason: &str) {
        if self.is_open(now) {
            self.log
                .record(now, "relay", "off", &[("reason", Value::from(reason))]);
        }
        self.until = None;
    }
}

impl Relay for SimRelay {
    fn pulse(&mut self, now: Millis, duration: Duration) -> Result<(), Error<PinFault>> {
        if self.lockdown {
            return Err(Error::Lockdown);
        }
        if !(MIN_PULSE..=MAX_PULSE).contains(&duration) {
            return Err(Error::InvalidDuration(duration));
        }
        let ms = duration.as_millis() as Millis;
        self.until = Some(now + ms);
        self.log
            .record(now, "relay", "pulse", &[("ms", Value::from(ms))]);
        Ok(())
    }

    fn set_lockdown(&mut self, now: Millis, on: bool) -> Result<(), Error<PinFault>> {
        self.lockdown = on;
        if on {
            self.cut_short(now, "lockdown");
        }
        Ok(())
    }

    fn force_off(&mut self, now: Millis) -> Result<(), Error<PinFault>> {
        self.cut_short(now, "forced");
        Ok(())
    }
}

/// The simulated office lamp: logs each change.
pub struct SimLamp {
    log: HardwareLog,
    on: bool,
}

impl SimLamp {
    pub fn new(log: HardwareLog) -> Self {
        SimLamp { log, on: false }
    }

    /// Whether the lamp is lit.
    pub fn is_on(&self) -> bool {
        self.on
    }
}

impl Lamp for SimLamp {
    fn set(&mut self, now: Millis, on: bool) -> Result<(), PinFault> {
        if on != self.on {
            self.on = on;
            self.log
                .record(now, "lamp", if on { "on" } else { "off" }, &[]);
        }
        Ok(())
    }
}

/// The simulated badge printer: `badges/<n>.png`, `printer/<n>.bin`, a log line per job.
pub struct SimPrinter {
    log: HardwareLog,
    kind: PrinterKind,
    badges: PathBuf,
    jobs: JobDir,
    problem: Option<PrinterProblem>,
    /// How long each print takes ([`SimPrinter::set_delay`]).
    delay: std::time::Duration,
}

impl SimPrinter {
    /// Writes into `<out>/badges` and `<out>/printer` (created).
    pub fn new(out: &Path, kind: PrinterKind, log: HardwareLog) -> io::Result<Self> {
        let badges = out.join("badges");
        std::fs::create_dir_all(&badges)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", badges.display())))?;
        Ok(SimPrinter {
            log,
            kind,
            badges,
            jobs: JobDir::create(&out.join("printer"))?,
            problem: None,
            delay: std::time::Duration::ZERO,
        })
    }

    /// Makes every print take `delay` of real time (`[hardware.printer] sim_delay_ms`), as a
    /// Brother waiting out its status does, to rehearse a slow printer.
    pub fn set_delay(&mut self, delay: std::time::Duration) {
        self.delay = delay;
    }

    /// Makes every print fail with `problem` until cleared with `None` (paper out, cover
    /// open, ...), to rehearse the "printer needs attention" path.
    pub fn set_problem(&mut self, problem: Option<PrinterProblem>) {
        self.problem = problem;
    }

    /// Jobs printed so far (the last files are `<jobs>.png` and `<jobs>.bin`).
    pub fn jobs(&self) -> u32 {
        self.jobs.jobs()
    }

    fn fail(&self, now: Millis, problem: PrinterProblem) -> PrintOutcome {
        self.log.record(
            now,
            "printer",
            "print",
            &[
                ("outcome", Value::from("needs-attention")),
                ("reason", Value::from(problem.id())),
            ],
        );
        PrintOutcome::NeedsAttention(problem)
    }
}

impl BadgePrinter for SimPrinter {
    fn kind(&self) -> PrinterKind {
        self.kind
    }

    fn print(&mut self, now: Millis, page: &Bitmap1) -> PrintOutcome {
        std::thread::sleep(self.delay);
        if let Some(problem) = self.problem.clone() {
            return self.fail(now, problem);
        }
        let job = match self.kind.encode(page) {
            Ok(job) => job,
            Err(e) => return self.fail(now, PrinterProblem::Encode(e)),
        };
        let n = self.jobs.jobs() + 1;
        let png = self.badges.join(format!("{n}.png"));
        if let Err(e) = std::fs::write(&png, page.to_png()) {
            return self.fail(now, PrinterProblem::Link(format!("{}: {e}", png.display())));
        }
        if let Err(e) = self.jobs.send(&job) {
            return self.fail(now, PrinterProblem::Link(e.to_string()));
        }
        self.log.record(
            now,
            "printer",
            "print",
            &[
                ("job", Value::from(n)),
                ("printer", Value::from(self.kind.id())),
                ("bytes", Value::from(job.len())),
            ],
        );
        PrintOutcome::Printed
    }
}

/// The simulated ID/QR reader, fed by the script.
#[derive(Default)]
pub struct SimReader {
    frames: VecDeque<Frame>,
}

impl SimReader {
    /// The reader delivers `payload` as one whole scan (an AIM prefix is stripped, as the
    /// real framer does).
    pub fn scan(&mut self, payload: &[u8]) {
        self.frames
            .push_back(Frame::Scan(strip_aim(payload.to_vec())));
    }

    /// The reader delivers a cut-off scan.
    pub fn garbled(&mut self) {
        self.frames.push_back(Frame::Garbled(Garbled::Partial));
    }
}

impl Reader for SimReader {
    fn try_frame(&mut self) -> Option<Frame> {
        self.frames.pop_front()
    }
}

/// The simulated input pins, fired by the script.
#[derive(Default)]
pub struct SimInputs {
    events: VecDeque<InputEvent>,
    levels: super::SharedLevels,
}

impl SimInputs {
    /// `{"gpio":"panic"}` is `fire(InputKind::Panic, true)`; `{"gpio":"door-open"}` is
    /// `fire(InputKind::DoorPosition, true)`.
    pub fn fire(&mut self, input: InputKind, active: bool) {
        self.events.push_back(InputEvent { input, active });
        self.levels.set(input, Some(active));
    }
}

impl Inputs for SimInputs {
    fn try_event(&mut self) -> Option<InputEvent> {
        self.events.pop_front()
    }

    /// Released and closed until the script fires them.
    fn levels(&self) -> Vec<(InputKind, Option<bool>)> {
        let fired = self.levels.get();
        [InputKind::Panic, InputKind::DoorPosition]
            .into_iter()
            .map(|kind| {
                let level = fired.iter().find(|(k, _)| *k == kind).and_then(|(_, l)| *l);
                (kind, Some(level.unwrap_or(false)))
            })
            .collect()
    }
}

/// Every simulated device, logging into `<out>/hardware.jsonl`.
pub struct SimHardware {
    log: HardwareLog,
    relay: SimRelay,
    lamp: SimLamp,
    /// `None` once handed to a print worker ([`SimHardware::take_printer`]).
    printer: Option<SimPrinter>,
    reader: SimReader,
    inputs: SimInputs,
}

impl SimHardware {
    /// Creates `out`, `out/hardware.jsonl`, `out/badges/` and `out/printer/`.
    /// `printer` is normally [`PrinterKind::BrotherQlDk1202`] (the contract's default).
    pub fn new(out: &Path, printer: PrinterKind) -> io::Result<Self> {
        std::fs::create_dir_all(out)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", out.display())))?;
        let log = HardwareLog::create(&out.join("hardware.jsonl"))?;
        Ok(SimHardware {
            relay: SimRelay::new(log.clone()),
            lamp: SimLamp::new(log.clone()),
            printer: Some(SimPrinter::new(out, printer, log.clone())?),
            reader: SimReader::default(),
            inputs: SimInputs::default(),
            log,
        })
    }

    pub fn relay(&mut self) -> &mut SimRelay {
        &mut self.relay
    }

    pub fn lamp(&mut self) -> &mut SimLamp {
        &mut self.lamp
    }

    /// The printer, unless it was handed to a print worker.
    pub fn printer(&mut self) -> &mut SimPrinter {
        self.printer
            .as_mut()
            .expect("the simulated printer was handed to its print worker")
    }

    /// Hands the printer over to whoever prints from now on (the kiosk's print worker).
    pub fn take_printer(&mut self) -> Option<SimPrinter> {
        self.printer.take()
    }

    pub fn reader(&mut self) -> &mut SimReader {
        &mut self.reader
    }

    pub fn inputs(&mut self) -> &mut SimInputs {
        &mut self.inputs
    }

    /// The shared `hardware.jsonl` log.
    pub fn log(&self) -> &HardwareLog {
        &self.log
    }
}

/// A pin held in memory; clones share the level, so a test can drive an input or watch an
/// output the driver owns.
#[derive(Clone, Debug, Default)]
pub struct SimPin {
    high: Arc<AtomicBool>,
}

impl SimPin {
    pub fn new(high: bool) -> Self {
        SimPin {
            high: Arc::new(AtomicBool::new(high)),
        }
    }

    /// Sets the level (as the outside world does to an input).
    pub fn set_level(&self, high: bool) {
        self.high.store(high, Ordering::SeqCst);
    }

    /// The current level.
    pub fn level(&self) -> bool {
        self.high.load(Ordering::SeqCst)
    }
}

impl ErrorType for SimPin {
    type Error = core::convert::Infallible;
}

impl OutputPin for SimPin {
    fn set_low(&mut self) -> Result<(), Self::Error> {
        self.set_level(false);
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Self::Error> {
        self.set_level(true);
        Ok(())
    }
}

impl StatefulOutputPin for SimPin {
    fn is_set_high(&mut self) -> Result<bool, Self::Error> {
        Ok(self.level())
    }

    fn is_set_low(&mut self) -> Result<bool, Self::Error> {
        Ok(!self.level())
    }
}

impl InputPin for SimPin {
    fn is_high(&mut self) -> Result<bool, Self::Error> {
        Ok(self.level())
    }

    fn is_low(&mut self) -> Result<bool, Self::Error> {
        Ok(!self.level())
    }
}

/// An output pin that appends each level it is set to (`high` / `low`, one a line) to a
/// file, so another process can watch it: the relay drills use it.
pub struct FilePin {
    file: File,
}

/// A [`FilePin`] that could not write.
#[derive(Debug)]
pub struct FilePinError(pub io::Error);

impl embedded_hal::digital::Error for FilePinError {
    fn kind(&self) -> embedded_hal::digital::ErrorKind {
        embedded_hal::digital::ErrorKind::Other
    }
}

impl FilePin {
    /// Appends to `path` (created).
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(FilePin { file })
    }

    fn write(&mut self, level: &str) -> Result<(), FilePinError> {
        self.file
            .write_all(format!("{level}\n").as_bytes())
            .map_err(FilePinError)
    }
}

impl ErrorType for FilePin {
    type Error = FilePinError;
}

impl OutputPin for FilePin {
    fn set_low(&mut self) -> Result<(), Self::Error> {
        self.write("low")
    }

    fn set_high(&mut self) -> Result<(), Self::Error> {
        self.write("high")
    }
}
