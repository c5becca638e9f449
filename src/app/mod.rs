//! The running kiosk: the pure flow ([`crate::kiosk`]) wired to its edges. [`KioskApp`] feeds
//! events in and carries every effect out: screening against the store, badges rendered and
//! printed, the relay and lamp, alerts, visits and audit lines, and answers that come back
//! (screening and print results) fed in again at once.
//!
//! - [`script`]: the JSON-lines script of `vestibule kiosk --headless` (docs/scripted-kiosk.md).
//! - [`headless`]: runs a script against the real UI on the software renderer.
//! - [`windowed`]: the kiosk in a real window (desktop or Pi, per the build's backend).
//! - [`console`]: simulated scans typed on standard input, for the window without a reader.
//!
//! The hardware is [`SimHardware`] for now (`--sim`); the real devices come in behind the
//! same `hw` traits. Visits, sign-outs, audit lines and remembered decisions ("not a match",
//! "allow once and block") go to the store: the records of one event (a flag's alert and audit
//! lines; a decision's remembered decision or block, audit lines and alert) in ONE transaction.
//! The simulation also mirrors visits and audit lines into `visits.jsonl` / `audit.jsonl`
//! beside the hardware log. The staff roster and the evacuation list (printed on the badge
//! printer) are read from the store's visits, the reports screen's day through
//! [`crate::report::load::daily_summary`]. Once a minute the kiosk looks at the registry's
//! age: the staff screen shows it, and one `registry-stale` alert goes out when it is older
//! than allowed ([`crate::alerts::stale`]).

mod background;
pub mod console;
pub mod devices;
pub mod headless;
pub mod script;
mod students;
pub mod watchdog;
pub mod windowed;

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::alerts::stale::{self, RegistryAge};
use crate::badge::{self, Badge, BadgeLayout};
use crate::config::Config;
use crate::hw::sim::SimHardware;
use crate::hw::{Frame, InputKind};
use crate::identity::{self, ScanError};
use crate::kiosk::{
    Candidate, Durable, Effect, Event, Fault, InputPin, InvitationPass, InvitationRefused, Kiosk,
    Millis, Remembered, RosterLine, ScreeningFailed, Settings, VisitId,
};
use crate::screening::Visitor;
use crate::store::outbox::Record as OutboxRecord;
use crate::store::{self, Store};
use background::{Answer, Background, Writer};
pub use devices::Devices;
use devices::Hardware;

/// A JSON-lines file the kiosk appends to, one complete line per record.
struct JsonLines(File);

impl JsonLines {
    fn create(path: &Path) -> io::Result<JsonLines> {
        File::create(path)
            .map(JsonLines)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    }

    fn append(&mut self, record: &impl Serialize) {
        let line = serde_json::to_string(record).expect("records serialise");
        if let Err(e) = writeln!(self.0, "{line}") {
            tracing::error!("cannot append a record: {e}");
        }
    }
}

fn append(lines: &mut Option<JsonLines>, record: &impl Serialize) {
    if let Some(lines) = lines {
        lines.append(record);
    }
}

/// The flow and everything it drives.
pub struct KioskApp {
    kiosk: Kiosk,
    /// Shared with the alert delivery thread, which uses only the outbox, and with the writer
    /// thread, which makes every write of the kiosk (the UI thread only reads).
    store: Option<std::sync::Arc<Store>>,
    /// Where visits are uploaded to (`[alerts]` visit channels; none: no upload).
    visit_channels: Vec<String>,
    hw: Hardware,
    /// Printing, PIN checks and writes, on their own threads: their answers come back as
    /// events (and the writer's as "written").
    background: Background,
    /// Writes handed to the writer thread and not answered yet, oldest first.
    in_flight: std::collections::VecDeque<InFlight>,
    /// Whether every event waits for the background work it started (scripts and tests:
    /// deterministic), or the answers are picked up on later ticks (a window: never blocks).
    settles: bool,
    school: String,
    /// Wall-clock time at kiosk time 0 of a scripted run: badges and audit lines need a date
    /// and a time.
    epoch: OffsetDateTime,
    /// A real kiosk reads the system clock at every event instead (in this offset), so a
    /// clock set by the time server after start corrects every later date and time.
    system_clock: Option<time::UtcOffset>,
    now: Millis,
    /// The simulation's mirrors in its out directory; a real kiosk keeps everything in the
    /// store (and alerts in its outbox).
    alerts: Option<JsonLines>,
    audit: Option<JsonLines>,
    visits: Option<JsonLines>,
    /// Screen changes since the UI last looked.
    dirty: bool,
    /// Retention: personal records are purged once a day (the first tick of each date).
    privacy: crate::config::Privacy,
    purged_on: Option<time::Date>,
    /// The registry's age for the staff screen, looked at once a minute, and its limit
    /// (`sync.max_registry_age_hours`): past it, one `registry-stale` alert.
    registry: Option<RegistryAge>,
    registry_seen_at: Option<Millis>,
    registry_limit: Duration,
    /// The fleet key invitations are verified with (`[prereg] public_key`; none: no
    /// invitation is accepted), the visit types that need no ID besides one, and the longest
    /// validity accepted.
    fleet_key: Option<crate::prereg::VerifyingKey>,
    prereg: crate::config::Prereg,
    /// `[screening] lists_only`: the school screens against its own lists alone.
    lists_only: bool,
    /// The durable state as last handed to the writer ([`Durable`]): saved again when it
    /// changes, or when that write failed (`None`).
    saved: Option<Durable>,
    /// Writes that failed in a row; past [`STORE_FAILURES`] the kiosk is out of service.
    write_failures: u32,
    /// When an unplugged reader was last tried again.
    reader_tried_at: Option<Millis>,
}

/// How often an unplugged reader is opened again.
const READER_RETRY_MS: Millis = 5_000;

/// The longest a scripted step waits for its background jobs: a Brother may wait out its
/// status and its print timeouts for a badge and a slip.
const SETTLE_LIMIT: Duration = Duration::from_secs(120);

/// Failed writes in a row that put the kiosk out of service ([`Fault::StoreFailing`]).
const STORE_FAILURES: u32 = 3;

/// When this binary was built (Unix seconds; see build.rs).
const BUILT_UNIX: i64 = match i64::from_str_radix(env!("VESTIBULE_BUILD_UNIX"), 10) {
    Ok(t) => t,
    Err(_) => 0,
};

/// Whether a clock reading `now` can be right for a binary built at `built` (a day of slack
/// for time zones and a build machine's own clock).
fn clock_plausible(now: i64, built: i64) -> bool {
    now >= built - 86_400
}

impl KioskApp {
    /// A simulated kiosk writing its records into `out` (`hardware.jsonl`, `alerts.jsonl`,
    /// `audit.jsonl`, `visits.jsonl`, `badges/`, `printer/`).
    pub fn sim(
        config: &Config,
        store: Option<Store>,
        out: &Path,
        epoch: OffsetDateTime,
    ) -> io::Result<KioskApp> {
        // The simulated printer is the configured model (a Brother QL with DK-1202 labels
        // unless the config names another), so its jobs are byte for byte the real ones.
        let mut hw = SimHardware::new(out, config.hardware.printer.kind)?;
        hw.printer()
            .set_delay(Duration::from_millis(config.hardware.printer.sim_delay_ms));
        let mut app = KioskApp::with(
            config,
            config.sim_staff_pins(),
            store,
            Hardware::Sim(hw),
            epoch,
        );
        app.alerts = Some(JsonLines::create(&out.join("alerts.jsonl"))?);
        app.audit = Some(JsonLines::create(&out.join("audit.jsonl"))?);
        app.visits = Some(JsonLines::create(&out.join("visits.jsonl"))?);
        Ok(app.start())
    }

    /// The kiosk on the configured real devices ([`Devices::open`]); staff log in with the
    /// configured PINs only.
    pub fn real(
        config: &Config,
        store: Option<Store>,
        devices: Devices,
        epoch: OffsetDateTime,
    ) -> KioskApp {
        let staff = config.staff.pins.clone();
        KioskApp::with(config, staff, store, Hardware::Real(devices), epoch).start()
    }

    fn with(
        config: &Config,
        staff: Vec<crate::config::StaffPin>,
        store: Option<Store>,
        mut hw: Hardware,
        epoch: OffsetDateTime,
    ) -> KioskApp {
        let mut kiosk = Kiosk::new(Settings::new(config, staff));
        let store = store.map(std::sync::Arc::new);
        let outbox = crate::alerts::kiosk::KioskOutbox::start(config, store.as_ref());
        let writer = store.clone().map(|store| Writer { store, outbox });
        let background = Background::start(hw.take_printer(), writer);
        if let Some(store) = &store {
            match store.next_visit_number() {
                Ok(next) => kiosk.resume_numbering(next),
                Err(e) => tracing::error!("cannot read the visit numbers: {e}"),
            }
        }
        KioskApp {
            kiosk,
            store,
            visit_channels: crate::alerts::visit_channels(config),
            hw,
            background,
            in_flight: std::collections::VecDeque::new(),
            settles: true,
            school: config.school.name.clone(),
            epoch,
            system_clock: None,
            now: 0,
            alerts: None,
            audit: None,
            visits: None,
            dirty: true,
            privacy: config.privacy.clone(),
            purged_on: None,
            registry: None,
            registry_seen_at: None,
            registry_limit: Duration::from_secs(
                u64::from(config.sync.max_registry_age_hours) * 3600,
            ),
            fleet_key: Some(config.prereg.public_key.trim())
                .filter(|k| !k.is_empty())
                .and_then(|k| crate::feed::keys::parse_public(k).ok()),
            prereg: config.prereg.clone(),
            lists_only: config.screening.lists_only,
            saved: None,
            write_failures: 0,
            reader_tried_at: None,
        }
    }

    /// Brings back what the kiosk saved and looks at what it needs (registry, clock) before
    /// the first screen; [`KioskApp::sim`] and [`KioskApp::real`] call it once their records
    /// are set up, so what it finds is recorded like any event.
    fn start(mut self) -> KioskApp {
        self.resume();
        self.watch_registry();
        self
    }

    /// Start-up: what the kiosk saved before (a lockdown, check-ins waiting for review, PIN
    /// lockouts, the visit counter) comes back, and a panic button latched while the kiosk was
    /// down starts a lockdown. No database: out of service.
    fn resume(&mut self) {
        let Some(store) = self.store.clone() else {
            return self.report_fault(Fault::NoDatabase, true);
        };
        let saved = match store.kiosk_state() {
            Ok(Some(value)) => match serde_json::from_value::<Durable>(value) {
                Ok(saved) => saved.rebased(-self.epoch_ms()),
                Err(e) => {
                    tracing::error!("the saved kiosk state does not read ({e}): starting afresh");
                    Durable::default()
                }
            },
            Ok(None) => Durable::default(),
            Err(e) => {
                tracing::error!("cannot read the saved kiosk state: {e}");
                Durable::default()
            }
        };
        self.saved = Some(saved.clone());
        let panic_active = self
            .hw
            .inputs()
            .levels()
            .iter()
            .any(|(kind, level)| *kind == InputKind::Panic && *level == Some(true));
        self.dispatch(Event::Resumed {
            saved: Box::new(saved),
            panic_active,
        });
    }

    /// Kiosk time 0 as Unix milliseconds, by the clock as it reads now: stored times are
    /// wall-clock times.
    fn epoch_ms(&self) -> i64 {
        let wall = i64::try_from(self.wall_clock().unix_timestamp_nanos() / 1_000_000);
        wall.unwrap_or(0) - i64::try_from(self.now).unwrap_or(0)
    }

    /// From now on, dates and times come from the system clock, read at every event (a real
    /// kiosk or a window; a script keeps its own time).
    pub fn follow_system_clock(&mut self) {
        self.system_clock = Some(self.epoch.offset());
        self.watch_clock();
    }

    /// An unplugged reader puts the kiosk out of service (staff alerted); it is opened again
    /// every few seconds until it is back.
    fn watch_reader(&mut self) {
        let down = self.kiosk.faults().contains(&Fault::ReaderGone);
        if !down {
            if self.hw.reader().gone() {
                tracing::warn!("the ID reader went away");
                self.reader_tried_at = Some(self.now);
                self.report_fault(Fault::ReaderGone, true);
            }
            return;
        }
        if self
            .reader_tried_at
            .is_some_and(|at| self.now < at.saturating_add(READER_RETRY_MS))
        {
            return;
        }
        self.reader_tried_at = Some(self.now);
        match self.hw.reopen_reader() {
            Ok(()) => self.report_fault(Fault::ReaderGone, false),
            Err(e) => tracing::debug!("{e}"),
        }
    }

    /// Out of service while the clock reads earlier than this build ([`Fault::ClockWrong`]).
    fn watch_clock(&mut self) {
        let wrong = !clock_plausible(self.wall_clock().unix_timestamp(), BUILT_UNIX);
        if wrong && !self.kiosk.faults().contains(&Fault::ClockWrong) {
            tracing::warn!(
                "the clock reads {}: earlier than this build",
                self.wall_clock()
            );
        }
        self.report_fault(Fault::ClockWrong, wrong);
    }

    /// Tells the flow a fault began or ended, when that changes anything (a fault already
    /// known is not an event: no dispatch, no write).
    fn report_fault(&mut self, fault: Fault, present: bool) {
        if present != self.kiosk.faults().contains(&fault) {
            self.dispatch(Event::Fault { fault, present });
        }
    }

    /// The store the kiosk screens against and records into, shared with its background
    /// threads (alert delivery, registry sync).
    pub fn store(&self) -> Option<std::sync::Arc<Store>> {
        self.store.clone()
    }

    pub fn kiosk(&self) -> &Kiosk {
        &self.kiosk
    }

    /// The installed registry's age (`None`: no import recorded, or no store).
    pub fn registry_age(&self) -> Option<RegistryAge> {
        self.registry
    }

    /// Shows the flow's state and the registry's age in `window`.
    pub fn present(&self, window: &crate::ui::AppWindow) {
        crate::ui::present(window, &self.kiosk);
        crate::ui::present_registry(window, self.registry);
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    /// Whether anything changed since the last call (the UI should present again).
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Moves kiosk time on to `now` (a real clock's reading) and ticks the flow once.
    pub fn advance_to(&mut self, now: Millis) {
        if now > self.now {
            self.now = now;
            self.dispatch(Event::Tick);
        }
        self.purge_daily();
        self.watch_registry();
    }

    /// Once a minute of kiosk time: the registry's age for the staff screen, and the one
    /// `registry-stale` alert when it became older than allowed ([`crate::alerts::stale`]):
    /// the alert, its audit line and the note that it was sent commit together.
    fn watch_registry(&mut self) {
        if self
            .registry_seen_at
            .is_some_and(|at| self.now < at.saturating_add(60_000))
        {
            return;
        }
        self.registry_seen_at = Some(self.now);
        let Some(store) = self.store.clone() else {
            return;
        };
        if self.system_clock.is_some() {
            self.watch_clock(); // a script keeps its own time
        }
        self.check_registry(&store);
        self.probe_store();
        let read = |key| store::schema::meta_value(&store.db(), key);
        let (imported, alerted) = match (
            read(store::import::REGISTRY_IMPORTED_AT),
            read(stale::META_STALE_ALERTED),
        ) {
            (Ok(imported), Ok(alerted)) => (imported, alerted),
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!("cannot read the registry's age: {e}");
                return;
            }
        };
        let now = self.wall_clock();
        let age = RegistryAge::at(imported, now.unix_timestamp(), self.registry_limit);
        let shown = |a: Option<RegistryAge>| a.map(|a| (a.hours(), a.stale));
        self.dirty |= shown(age) != shown(self.registry);
        self.registry = age;
        let Some(age) = age.filter(|a| a.alert_due(alerted)) else {
            return;
        };
        tracing::warn!(
            "the registry is {} h old, older than the {} h allowed: sending the alert",
            age.hours(),
            self.registry_limit.as_secs() / 3600
        );
        let kiosk = self.kiosk.settings().kiosk_name.clone();
        let alert = crate::kiosk::Alert {
            at_ms: self.now,
            kiosk: kiosk.clone(),
            kind: stale::KIND,
            visit: None,
            records: Vec::new(),
            decision: None,
            operator: None,
            student: None,
            reason: None,
        };
        let audit = crate::kiosk::Audit {
            at_ms: self.now,
            kiosk,
            event: stale::KIND,
            operator: None,
            visit: None,
            source: None,
            record_id: None,
            outcome: None,
        };
        let mut line = serde_json::to_value(&audit).expect("audit lines serialise");
        line["at"] = self.wall_clock_text().into();
        line["registry_imported_unix"] = age.imported_at.into();
        let records = vec![
            Pending::Record(OutboxRecord::Audit(line)),
            Pending::Alert(Box::new(alert.clone()), now),
            Pending::Record(OutboxRecord::Mark {
                key: stale::META_STALE_ALERTED,
                value: age.imported_at,
            }),
        ];
        let writes = Writes {
            records,
            ..Writes::default()
        };
        self.write_records(writes, Vec::new());
        append(&mut self.alerts, &alert);
        append(&mut self.audit, &audit);
    }

    /// No registry, no door: without one (and without `[screening] lists_only`) the kiosk is
    /// out of service, and back once a sync or an import installed one.
    fn check_registry(&mut self, store: &Store) {
        if self.lists_only {
            return;
        }
        let missing = match store.registry_installed() {
            Ok(installed) => !installed,
            Err(e) => {
                tracing::error!("cannot tell whether a registry is installed: {e}");
                true
            }
        };
        self.report_fault(Fault::NoRegistry, missing);
    }

    /// While writes fail, try one (the durable state) each minute, on the writer thread; when
    /// it fails, open the database file again (redb refuses every transaction after an I/O
    /// error until then) and try once more. Back in service once the store takes it.
    fn probe_store(&mut self) {
        if !self.kiosk.faults().contains(&Fault::StoreFailing)
            || self
                .in_flight
                .iter()
                .any(|w| matches!(w.kind, WriteKind::Probe))
        {
            return;
        }
        let stored = self.kiosk.durable().rebased(self.epoch_ms());
        let state = serde_json::to_value(stored).expect("the state serialises");
        let handed = self.background.write(move |w| {
            let commit = |w: &Writer| {
                w.outbox
                    .commit(&w.store, vec![OutboxRecord::KioskState(state.clone())])
            };
            if commit(w).is_ok() {
                return true;
            }
            match w.store.reopen() {
                Ok(()) => {
                    tracing::warn!("the database file was opened again after failed writes");
                    commit(w).is_ok()
                }
                Err(e) => {
                    tracing::error!("cannot open the database file again: {e}");
                    false
                }
            }
        });
        if handed {
            self.in_flight.push_back(InFlight::other(WriteKind::Probe));
        }
    }

    /// Hands one event's records to the writer; `answers` are handled once they are
    /// committed, `visits` mirrored then. Without a store nothing is written and the answers
    /// are handled at once.
    fn write_records(&mut self, writes: Writes, answers: Vec<Event>) -> Option<Vec<Event>> {
        let Writes {
            records,
            visits,
            invitations,
        } = writes;
        let handed = self.background.write(move |w| {
            let records = records
                .into_iter()
                .filter_map(|write| match write {
                    Pending::Record(record) => Some(record),
                    Pending::Alert(alert, at) => {
                        w.outbox.alert_body(&alert, at).map(OutboxRecord::Alert)
                    }
                })
                .collect();
            w.outbox.commit(&w.store, records).is_ok()
        });
        if !handed {
            return Some(answers);
        }
        self.in_flight.push_back(InFlight {
            kind: WriteKind::Records,
            answers,
            visits,
            signed_out: None,
            invitations,
        });
        None
    }

    /// Hands the writer a write of its own (a sign-out, a student event, the purge, a note for
    /// the alerts); it reports its own failure, and nothing waits for it but later writes.
    fn write_other(&mut self, write: impl FnOnce(&mut Writer) + Send + 'static) {
        if self.background.write(move |w| {
            write(w);
            true
        }) {
            self.in_flight.push_back(InFlight::other(WriteKind::Other));
        }
    }

    /// The writer finished the oldest write in flight.
    fn written(&mut self, ok: bool) {
        let Some(done) = self.in_flight.pop_front() else {
            return;
        };
        self.dirty = true;
        match done.kind {
            WriteKind::Other => {}
            WriteKind::Probe => {
                if ok {
                    self.write_failures = 0;
                    self.report_fault(Fault::StoreFailing, false);
                }
            }
            WriteKind::Records if ok => {
                self.write_failures = 0;
                for visit in &done.visits {
                    append(&mut self.visits, visit);
                }
                self.run(done.answers.into(), false);
            }
            // The failure is handled before any answer: no badge, no door.
            WriteKind::Records => {
                self.saved = None;
                let mut queue: std::collections::VecDeque<Event> = self.write_failed().into();
                queue.extend(done.answers.into_iter().map(|answer| match answer {
                    Event::VisitSaved { visit, .. } => Event::VisitSaved { visit, ok: false },
                    answer => answer,
                }));
                self.run(queue, true);
            }
        }
    }

    /// The durable state as stored: times as wall-clock milliseconds.
    fn state_record(&self, durable: &Durable) -> OutboxRecord {
        let stored = durable.clone().rebased(self.epoch_ms());
        OutboxRecord::KioskState(serde_json::to_value(stored).expect("the state serialises"))
    }

    /// Counts a failed write; past [`STORE_FAILURES`] in a row, out of service. Returns the
    /// events the flow must handle first.
    fn write_failed(&mut self) -> Vec<Event> {
        self.write_failures += 1;
        let mut events = vec![Event::RecordsFailed];
        if self.write_failures >= STORE_FAILURES {
            events.push(Event::Fault {
                fault: Fault::StoreFailing,
                present: true,
            });
        }
        events
    }

    /// Once a date (the first real-clock tick of each day): `vestibule purge`'s policy.
    fn purge_daily(&mut self) {
        let now = self.wall_clock();
        if self.purged_on == Some(now.date()) {
            return;
        }
        self.purged_on = Some(now.date());
        let (days, decision_days) = (
            self.privacy.retention_days,
            self.privacy.decisions_retention_days,
        );
        self.write_other(
            move |w| match w.store.purge_by_policy(days, decision_days, now) {
                Ok((p, _)) => tracing::info!(
                    "daily purge: {} visit(s), {} decision(s), {} block(s)",
                    p.visits,
                    p.decisions,
                    p.blocks
                ),
                Err(e) => tracing::error!("daily purge failed: {e}"),
            },
        );
    }

    /// Lets `ms` of kiosk time pass, ticking the flow as it goes.
    pub fn wait(&mut self, ms: Millis) {
        const STEP: Millis = 100;
        let end = self.now + ms;
        while self.now < end {
            self.now = (self.now + STEP).min(end);
            self.dispatch(Event::Tick);
            self.watch_registry();
        }
    }

    /// A payload as the reader would send it: through the simulated reader's framing, or
    /// straight to the flow on real hardware (the developer's console).
    pub fn scan(&mut self, payload: &[u8]) {
        match &mut self.hw {
            Hardware::Sim(sim) => sim.reader().scan(payload),
            Hardware::Real(_) => return self.frame(Frame::Scan(payload.to_vec())),
        }
        self.poll_devices();
    }

    /// Takes what the devices have sent since the last look: framed scans and input pin
    /// changes. The UI loop calls this on every tick.
    pub fn poll_devices(&mut self) {
        // The loop is alive: a relay whose loop stops looking is forced off by itself.
        let now = self.now;
        self.hw.relay().feed_watchdog(now);
        while let Some(frame) = self.hw.reader().try_frame() {
            self.frame(frame);
        }
        self.watch_reader();
        while let Some(answer) = self.background.try_answer() {
            self.answered(answer);
            if self.settles {
                self.settle(SETTLE_LIMIT);
            }
        }
        while let Some(change) = self.hw.inputs().try_event() {
            // A press of the panic button and a door opening are events; their release is not.
            let pin = match change.input {
                InputKind::Panic => InputPin::Panic,
                InputKind::DoorPosition => InputPin::DoorOpened,
            };
            if change.active {
                self.dispatch(Event::Input(pin));
            }
        }
    }

    fn frame(&mut self, frame: Frame) {
        let result = match frame {
            Frame::Scan(bytes) => {
                // A badge's sign-out QR code is ours, not an identity document.
                let text = String::from_utf8_lossy(&bytes);
                if let Some(number) = self.student_card(&text) {
                    return self.dispatch(Event::StudentCard(number));
                }
                match VisitId::from_sign_out_code(&text) {
                    Some(visit) if self.badge_is_genuine(&text) => {
                        return self.dispatch(Event::BadgeScanned { visit });
                    }
                    // printed elsewhere or altered: it signs nobody out
                    Some(_) => Err(ScanError::Unrecognised),
                    None => identity::read_scan(&bytes, self.today()),
                }
            }
            Frame::Garbled(_) => Err(ScanError::Garbled("the reader sent part of a scan".into())),
        };
        if let Err(e) = &result {
            // For the technician: why scans fail (parser messages never quote the document).
            tracing::warn!("a scan could not be used: {e}");
        }
        let today = self.today();
        self.dispatch(Event::Scanned { result, today });
    }

    /// Feeds one event in and carries out everything that follows from it; unless the kiosk
    /// runs in the background ([`KioskApp::answer_later`]), waits for the printing and PIN
    /// checks it started too.
    pub fn dispatch(&mut self, event: Event) {
        self.feed(event);
        if self.settles {
            self.settle(SETTLE_LIMIT);
        }
    }

    /// The window's way: background answers are picked up by [`KioskApp::poll_devices`] on
    /// later ticks, so nothing slow ever runs in the UI loop.
    pub fn answer_later(&mut self) {
        self.settles = false;
    }

    /// Calls `wake` (on a worker's thread) whenever a background answer arrives: the window
    /// polls at once rather than at its next tick, so a save, a print and the door follow each
    /// other without waiting out the timer.
    pub fn wake_on_answer(&self, wake: impl Fn() + Send + Sync + 'static) {
        self.background.wake_with(wake);
    }

    /// Background jobs (prints, PIN checks, writes) not answered yet.
    pub fn background_pending(&self) -> usize {
        self.background.pending()
    }

    /// Waits (at most `limit`) until no background job is pending, feeding each answer in as
    /// it comes: what a script does after each step, so it reads the same every run.
    pub fn settle(&mut self, limit: Duration) {
        let deadline = std::time::Instant::now() + limit;
        while self.background.pending() > 0 {
            match self.background.answer_by(deadline) {
                Some(answer) => self.answered(answer),
                None => {
                    tracing::warn!(
                        "{} background job(s) still pending after {limit:?}",
                        self.background.pending()
                    );
                    return;
                }
            }
        }
    }

    /// An answer from a worker: an event for the flow, or a write done.
    fn answered(&mut self, answer: Answer) {
        match answer {
            Answer::Event(event) => self.feed(event),
            Answer::Written { ok } => self.written(ok),
        }
    }

    fn feed(&mut self, event: Event) {
        // Not every change shows as an effect (a digit on the PIN pad, "this is a match"):
        // the UI looks again after every event that is not a bare tick.
        self.dirty |= !matches!(event, Event::Tick);
        self.run(std::collections::VecDeque::from([event]), false);
    }

    /// Handles `queue`'s events and the answers that follow from them. The records of one
    /// event (audit lines, decisions, blocks, alerts, a visit and the invitation it used) go
    /// to the writer together, committed in ONE transaction: a flag or a decision is kept
    /// whole or not at all. A visit's answer ([`Event::VisitSaved`]) waits for that commit:
    /// its badge prints only once the store has it. Every other answer is handled at once (a
    /// visitor is screened while an import holds the store's writer); a commit that fails
    /// later ends whatever visit is under way ([`Event::RecordsFailed`], handled before the
    /// answers of any later write). After a failed commit (`failed`), the events that handle
    /// the failure are not written again (their records would fail the same way, and each
    /// failure would raise another).
    fn run(&mut self, mut queue: std::collections::VecDeque<Event>, failed: bool) {
        while let Some(event) = queue.pop_front() {
            let mut writes = Writes::default();
            let mut answers = Vec::new();
            for effect in self.kiosk.handle(self.now, event) {
                if let Some(answer) = self.carry_out(effect, &mut writes) {
                    answers.push(answer);
                }
            }
            // What must survive a restart goes with the records of the event that changed it.
            let durable = self.kiosk.durable();
            let mut state = None;
            if self.saved.as_ref() != Some(&durable) {
                writes
                    .records
                    .push(Pending::Record(self.state_record(&durable)));
                state = Some(durable);
            }
            if failed && !writes.records.is_empty() {
                tracing::error!(
                    "{} record(s) not written: the store is failing",
                    writes.records.len()
                );
                writes = Writes::default();
                state = None;
            }
            let (after_commit, now): (Vec<Event>, Vec<Event>) = answers
                .into_iter()
                .partition(|answer| matches!(answer, Event::VisitSaved { ok: true, .. }));
            if !writes.records.is_empty() {
                if state.is_some() && self.background.writes() {
                    self.saved = state;
                }
                queue.extend(self.write_records(writes, after_commit).unwrap_or_default());
            } else {
                // a visit is a record: nothing waits without one (no store: never saved)
                queue.extend(after_commit);
            }
            queue.extend(now);
        }
    }

    /// Signature and dates against the fleet key, then this kiosk's revocations.
    fn check_invitation(&self, token: &str) -> Result<InvitationPass, InvitationRefused> {
        use crate::store::invitations::Refusal;
        let (Some(fleet), Some(store)) = (&self.fleet_key, &self.store) else {
            return Err(InvitationRefused("invitations-not-configured"));
        };
        let invitation = match store.check_invitation(token, fleet, self.today()) {
            Ok(Ok(invitation)) => invitation,
            Ok(Err(Refusal::Revoked)) => return Err(InvitationRefused("revoked")),
            Ok(Err(Refusal::Invalid(e))) => return Err(InvitationRefused(e.code())),
            Err(e) => {
                tracing::error!("cannot check an invitation: {e}");
                return Err(InvitationRefused("store-error"));
            }
        };
        if invitation
            .check_span(self.prereg.max_validity_days)
            .is_err()
        {
            return Err(InvitationRefused("validity-too-long"));
        }
        // A use on its way to the store (behind an import) is a use.
        let id = invitation.id.to_string();
        let in_flight = self.in_flight.iter().any(|w| w.invitations.contains(&id));
        match store.invitation_used_on(invitation.id, self.today()) {
            Ok(false) if !in_flight => {}
            Ok(false) => return Err(InvitationRefused("used-today")),
            Ok(true) => return Err(InvitationRefused("used-today")),
            Err(e) => {
                tracing::error!("cannot check an invitation's use: {e}");
                return Err(InvitationRefused("store-error"));
            }
        }
        Ok(InvitationPass {
            id: invitation.id.to_string(),
            needs_id: crate::prereg::needs_id(&invitation, &self.prereg.id_optional_purposes),
            invited: invitation.person,
            purpose: invitation.purpose,
            destination: invitation.destination,
        })
    }

    fn today(&self) -> time::Date {
        self.wall_clock().date()
    }

    fn wall_clock(&self) -> OffsetDateTime {
        match self.system_clock {
            Some(offset) => OffsetDateTime::now_utc().to_offset(offset),
            None => self.epoch + Duration::from_millis(self.now),
        }
    }

    /// The wall-clock time of kiosk time `ms` (an event a moment ago).
    fn wall_at(&self, ms: Millis) -> OffsetDateTime {
        self.wall_clock() - Duration::from_millis(self.now.saturating_sub(ms))
    }

    /// One effect; returns the event that answers it, if any. Records for the store are added
    /// to `records`, committed once the event's effects are all carried out.
    fn carry_out(&mut self, effect: Effect, writes: &mut Writes) -> Option<Event> {
        match effect {
            Effect::Show(_) => self.dirty = true,
            Effect::SetLanguage(language) => {
                crate::ui::select_language(language);
                self.dirty = true;
            }
            Effect::ScreenVisitor {
                visit,
                visitor,
                document_last4,
            } => {
                // The names the alerts about this visit carry, kept where alerts are queued.
                let named = visitor.clone();
                self.write_other(move |w| w.outbox.screening(visit, &named));
                let result = self.screen(&visitor, document_last4.as_deref());
                return Some(Event::Screened { visit, result });
            }
            Effect::CheckInvitation { token } => {
                return Some(Event::InvitationChecked(self.check_invitation(&token)));
            }
            Effect::PrintBadge(job) => return self.print(&job),
            Effect::PulseRelay { visit, ms } => {
                let pulsed = self.hw.relay().pulse(self.now, Duration::from_millis(ms));
                if let Err(e) = &pulsed {
                    tracing::error!("door relay refused the pulse for visit {visit}: {e}");
                }
                return Some(Event::RelayPulsed {
                    visit,
                    ok: pulsed.is_ok(),
                });
            }
            Effect::CheckPin {
                operator,
                pin,
                hashes,
            } => {
                // The digits live in the job only, and are wiped when it is done.
                self.background.check_pin(move || Event::PinChecked {
                    right: pin.verifies_any(&hashes),
                    operator,
                });
            }
            Effect::Lamp { on } => {
                if let Err(e) = self.hw.lamp().set(self.now, on) {
                    tracing::error!("lamp: {e}");
                }
            }
            // The flow refuses pulses in a lockdown; the relay is told too, so it refuses them
            // on its own as well.
            Effect::Lockdown { on } => {
                if let Err(e) = self.hw.relay().set_lockdown(self.now, on) {
                    tracing::error!("door relay: {e}");
                }
            }
            Effect::QueueAlert(alert) => {
                append(&mut self.alerts, &alert);
                let at = self.wall_at(alert.at_ms);
                writes.records.push(Pending::Alert(Box::new(alert), at));
            }
            // Written with the event's other records (the invitation it used among them); the
            // answer stands only if they commit (see [`KioskApp::written`]).
            Effect::SaveVisit(visit) => {
                let ok = match self.visit_record(&visit) {
                    Some(record) => {
                        writes.records.push(Pending::Record(record));
                        writes.visits.push(visit.clone());
                        true
                    }
                    None => false,
                };
                return Some(Event::VisitSaved {
                    visit: visit.visit,
                    ok,
                });
            }
            Effect::SignOut { visit, at_ms } => {
                self.store_sign_out(visit);
                append(
                    &mut self.visits,
                    &serde_json::json!({
                        "visit": visit, "signed_out_ms": at_ms,
                    }),
                );
            }
            Effect::Remember(remembered) => writes
                .records
                .extend(self.remember(remembered).map(Pending::Record)),
            Effect::ForgetDecisions(forget) => {
                writes.records.push(Pending::Record(OutboxRecord::Forget {
                    identity: forget.identity_key,
                    at: self.wall_clock_text(),
                    by: forget.operator,
                }))
            }
            Effect::LoadRoster => return Some(Event::Roster(self.roster())),
            Effect::SearchStudents(lookup) => {
                let found = self.search_students(&lookup);
                return Some(Event::StudentsFound { lookup, found });
            }
            Effect::CheckPickup {
                visit,
                adult,
                student_id,
            } => {
                let result = self.check_pickup(&adult, &student_id);
                return Some(Event::PickupChecked { visit, result });
            }
            Effect::RecordStudent(moved) => self.record_student(&moved),
            // In the same commit as the visit it admitted (one event's records).
            Effect::InvitationUsed { id, visit } => {
                writes.invitations.push(id.clone());
                writes
                    .records
                    .push(Pending::Record(OutboxRecord::InvitationUse {
                        id,
                        date: self.today().to_string(),
                        visit: visit.0,
                    }))
            }
            Effect::PrintSlip(slip) => {
                let page = self.slip_page(&slip);
                self.background
                    .print(self.now, vec![page], |ok| Event::SlipPrinted { ok });
            }
            Effect::LoadReport { days_back } => return Some(Event::Report(self.report(days_back))),
            Effect::PrintEvacuation => {
                let pages = self.evacuation_pages();
                self.background
                    .print(self.now, pages, |ok| Event::EvacuationPrinted { ok });
            }
            Effect::Audit(audit) => {
                let mut line = serde_json::to_value(&audit).expect("audit lines serialise");
                line["at"] = self.wall_clock_text().into();
                writes
                    .records
                    .push(Pending::Record(OutboxRecord::Audit(line)));
                append(&mut self.audit, &audit);
            }
        }
        self.dirty = true;
        None
    }

    fn screen(
        &self,
        visitor: &Visitor,
        document_last4: Option<&str>,
    ) -> Result<Vec<Candidate>, ScreeningFailed> {
        // No database: nobody can be screened, and "could not screen" is never "clear".
        let Some(store) = &self.store else {
            return Err(ScreeningFailed);
        };
        let flags = store
            .screener_for(self.lists_only)
            .and_then(|screener| screener.screen(visitor, document_last4))
            .map_err(|e| {
                tracing::error!("screening failed: {e}");
                ScreeningFailed
            })?;
        Ok(flags.iter().map(candidate).collect())
    }

    fn sign_badge(&self, code: &str) -> String {
        match &self.store {
            Some(store) => store.sign_badge(code),
            None => code.to_owned(),
        }
    }

    /// A kiosk without a database has no key and no visits: any badge code of ours is taken.
    fn badge_is_genuine(&self, scanned: &str) -> bool {
        self.store
            .as_ref()
            .is_none_or(|store| store.badge_is_genuine(scanned))
    }

    /// Renders the badge (and the student's slip after it: both must print) here and hands
    /// the pages to the print worker; [`Event::Printed`] comes back from there. A badge that
    /// does not render is answered at once as not printed.
    fn print(&mut self, job: &crate::kiosk::BadgeJob) -> Option<Event> {
        let at = self.wall_clock();
        let badge = Badge {
            school: self.school.clone(),
            visitor_name: job.visitor_name.clone(),
            purpose: job.purpose.clone(),
            destination: job.destination.clone(),
            signed_in: PrimitiveDateTime::new(at.date(), at.time()),
            visit_number: job.visit.to_string(),
            // Signed with the data key, so nobody can print a code that signs someone else out.
            sign_out_token: self.sign_badge(&job.visit.sign_out_code(at.date())),
            photo: None,
        };
        let label = self.background.printer_kind().label();
        let visit = job.visit;
        let page = match badge::render(&badge, &BadgeLayout::default(), label) {
            Ok(page) => page,
            Err(e) => {
                tracing::error!("badge {visit}: {e}");
                return Some(Event::Printed { visit, ok: false });
            }
        };
        let mut pages = vec![page];
        pages.extend(job.slip.as_ref().map(|slip| self.slip_page(slip)));
        self.background
            .print(self.now, pages, move |ok| Event::Printed { visit, ok });
        None
    }

    /// The summary of the day `days_back` days before today for the staff reports screen (no
    /// names in it); a store that cannot be read shows as an unreadable report.
    fn report(&self, days_back: u32) -> crate::kiosk::ReportView {
        use crate::kiosk::ReportView;
        let date = self
            .today()
            .saturating_sub(time::Duration::days(i64::from(days_back)));
        let Some(store) = &self.store else {
            return ReportView::unreadable(days_back, date);
        };
        match crate::report::load::daily_summary(store, &self.school, date) {
            Ok(mut summary) => {
                // The store keeps purpose ids; staff read the purposes' names.
                let purposes = &self.kiosk.settings().purposes;
                summary.by_purpose = std::mem::take(&mut summary.by_purpose)
                    .into_iter()
                    .map(|(id, n)| match purposes.iter().find(|c| c.id == id) {
                        Some(choice) => (choice.label.clone(), n),
                        None => (id, n),
                    })
                    .collect();
                ReportView::of(days_back, &summary)
            }
            Err(e) => {
                tracing::error!("cannot read the report of {date}: {e}");
                ReportView::unreadable(days_back, date)
            }
        }
    }

    /// Everyone the store has in the building, in the words the staff screens use.
    fn roster(&self) -> Vec<RosterLine> {
        let Some(store) = &self.store else {
            return Vec::new();
        };
        let mut inside = match store.in_building() {
            Ok(inside) => inside,
            Err(e) => {
                tracing::error!("cannot read who is in the building: {e}");
                return Vec::new();
            }
        };
        // Visits and sign-outs still on their way to the store (behind an import) count as
        // done: staff and the evacuation list see the building as the kiosk left it.
        for write in &self.in_flight {
            for visit in &write.visits {
                if !inside.iter().any(|v| v.visit == visit.visit.0) {
                    inside.push(self.stored_visit(visit));
                }
            }
            if let Some(gone) = write.signed_out {
                inside.retain(|v| v.visit != gone.0);
            }
        }
        let settings = self.kiosk.settings();
        // Stored visits carry config ids; a purpose no longer configured (or a responder's)
        // shows as stored.
        let label = |choices: &[crate::config::Choice], id: &str| {
            choices
                .iter()
                .find(|c| c.id == id)
                .map_or_else(|| id.to_owned(), |c| c.label.clone())
        };
        inside
            .into_iter()
            .map(|v| {
                let (time_in, earlier_day) = self.time_in(&v.signed_in);
                RosterLine {
                    visit: VisitId(v.visit),
                    purpose: label(&settings.purposes, &v.purpose),
                    destination: label(&settings.destinations, &v.destination),
                    visitor_name: v.visitor_name,
                    time_in,
                    earlier_day,
                }
            })
            .collect()
    }

    /// `HH:MM` of a stored sign-in time, with the date when it was an earlier day (the
    /// "never signed out" list at the end of the day).
    fn time_in(&self, signed_in: &str) -> (String, bool) {
        let rfc3339 = &time::format_description::well_known::Rfc3339;
        let Ok(at) = OffsetDateTime::parse(signed_in, rfc3339) else {
            return ("?".into(), false);
        };
        let at = at.to_offset(self.wall_clock().offset());
        let clock = format!("{:02}:{:02}", at.hour(), at.minute());
        if at.date() < self.today() {
            (format!("{} {clock}", at.date()), true)
        } else {
            (clock, false)
        }
    }

    /// The evacuation list's labels: everyone in the building.
    fn evacuation_pages(&self) -> Vec<crate::badge::Bitmap1> {
        let entries: Vec<badge::evacuation::Entry> = self
            .roster()
            .into_iter()
            .map(|line| badge::evacuation::Entry {
                time_in: line.time_in,
                name: line.visitor_name,
                purpose: line.purpose,
                destination: line.destination,
            })
            .collect();
        let at = self.wall_clock();
        badge::evacuation::render(
            &self.school,
            PrimitiveDateTime::new(at.date(), at.time()),
            &entries,
            self.background.printer_kind().label(),
        )
    }

    fn wall_clock_text(&self) -> String {
        self.wall_clock()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    }

    /// The visit as the store keeps it.
    fn stored_visit(&self, visit: &crate::kiosk::VisitRecord) -> store::visits::StoredVisit {
        let signed_in = self
            .wall_at(visit.at_ms)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        store::visits::StoredVisit {
            visit: visit.visit.0,
            signed_in,
            visitor_name: visit.visitor_name.clone(),
            purpose: visit.purpose.clone(),
            destination: visit.destination.clone(),
            no_id: visit.no_id,
            cleared_by: visit.cleared_by.clone(),
            signed_out: None,
        }
    }

    /// The visit as the store keeps it, with its upload to the district; `None` when it
    /// cannot be kept (no database, or one opened without the data key).
    fn visit_record(&mut self, visit: &crate::kiosk::VisitRecord) -> Option<OutboxRecord> {
        let store = self.store.as_ref()?;
        if store.key_id().is_none() {
            tracing::error!(
                "cannot save visit {}: the store has no data key",
                visit.visit
            );
            self.write_failures += 1;
            return None;
        }
        let stored = self.stored_visit(visit);
        let upload = (!self.visit_channels.is_empty()).then(|| {
            let kiosk = &self.kiosk.settings().kiosk_name;
            let body =
                crate::alerts::kiosk::visit_upload(&self.school, kiosk, "signed-in", &stored);
            (self.visit_channels.clone(), body)
        });
        Some(OutboxRecord::Visit {
            visit: stored,
            upload,
        })
    }

    fn store_sign_out(&mut self, visit: VisitId) {
        let at = self.wall_clock_text();
        self.write_other(move |w| match w.outbox.sign_out(&w.store, visit.0, &at) {
            Ok(Some(_)) => {}
            Ok(None) => tracing::warn!("badge {visit} is not signed in here"),
            Err(e) => tracing::error!("cannot sign out visit {visit}: {e}"),
        });
        if let Some(write) = self.in_flight.back_mut() {
            write.signed_out = Some(visit);
        }
    }

    /// The store record of a remembered decision ("not a match", or "allow once and block").
    fn remember(&self, remembered: Remembered) -> Option<OutboxRecord> {
        let source = remembered.source;
        let (identity, record_id) = (remembered.identity_key, remembered.record_id);
        let (at, by) = (self.wall_clock_text(), remembered.operator);
        match remembered.decision {
            crate::kiosk::Decision::NotAMatch => Some(OutboxRecord::NotAMatch {
                identity,
                source,
                record_id,
                at,
                by,
            }),
            crate::kiosk::Decision::AllowOnceBlock => Some(OutboxRecord::Block {
                identity,
                source,
                record_id,
                at,
                by,
            }),
            // a denial or an escorted registrant is decided again at every visit
            _ => None,
        }
    }
}

/// A record for the store, as the UI thread hands it to the writer: alerts become their
/// outbox body there, where the rate limit and the names they carry are kept.
enum Pending {
    Record(OutboxRecord),
    Alert(Box<crate::kiosk::Alert>, OffsetDateTime),
}

/// One event's writes: its records, and the visits and invitation uses among them.
#[derive(Default)]
struct Writes {
    records: Vec<Pending>,
    visits: Vec<crate::kiosk::VisitRecord>,
    invitations: Vec<String>,
}

/// A write handed to the writer thread, and what waits for it.
struct InFlight {
    kind: WriteKind,
    /// The answers waiting for these records ([`Event::VisitSaved`]).
    answers: Vec<Event>,
    /// Visits among the records, mirrored into `visits.jsonl` once committed; with the
    /// sign-out and the invitations used, what the kiosk reads as done while they are on
    /// their way (the roster, the evacuation list, an invitation's use for the day).
    visits: Vec<crate::kiosk::VisitRecord>,
    signed_out: Option<VisitId>,
    invitations: Vec<String>,
}

impl InFlight {
    fn other(kind: WriteKind) -> InFlight {
        InFlight {
            kind,
            answers: Vec::new(),
            visits: Vec::new(),
            signed_out: None,
            invitations: Vec::new(),
        }
    }
}

enum WriteKind {
    /// One event's records, and the visit's answer waiting for them.
    Records,
    /// The out-of-service probe ([`KioskApp::probe_store`]).
    Probe,
    /// A sign-out, a student event, the purge, a note for the alerts.
    Other,
}

/// A store flag as the staff screen shows it.
fn candidate(flag: &store::Flag) -> Candidate {
    let row = &flag.candidate.name;
    let name = crate::screening::listed_name(
        &row.last_name,
        &row.first_name,
        &row.middle_name,
        &row.suffix,
    );
    Candidate {
        source: flag.source,
        record_id: flag.candidate.record_id.clone(),
        name,
        alias: flag.candidate.alias,
        dob: row.dob,
        sex: row.sex,
        score: flag.candidate.assessment.score,
        reasons: flag
            .candidate
            .assessment
            .reasons
            .iter()
            .map(|r| (*r).to_owned())
            .collect(),
        details: flag
            .details
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        list: flag.watchlist.as_ref().map(|w| w.list.clone()),
        action: flag.watchlist.as_ref().map(|w| w.action.clone()),
        note: flag
            .watchlist
            .as_ref()
            .map(|w| w.note.clone())
            .filter(|n| !n.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_earlier_than_the_build_is_wrong() {
        let built = 1_796_000_000;
        assert!(clock_plausible(built, built));
        assert!(clock_plausible(built + 3_600, built));
        assert!(
            clock_plausible(built - 3_600, built),
            "a time zone's worth of slack"
        );
        // A Pi 4 without a battery clock boots at 1970 or at the image's date.
        assert!(!clock_plausible(0, built));
        assert!(!clock_plausible(built - 2 * 86_400, built));
        const { assert!(BUILT_UNIX > 1_700_000_000, "build.rs sets the build time") };
    }
}
