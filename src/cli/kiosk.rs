//! `vestibule kiosk`: the kiosk itself, on the devices `[hardware]` names, on simulated ones in a
//! window (`--sim`, a build with `--features desktop` or `pi`), or scripted and headless
//! (docs/scripted-kiosk.md): `vestibule kiosk --sim --headless --events FILE --out DIR [--db PATH]`.

use std::path::{Path, PathBuf};

use clap::Args;
use time::OffsetDateTime;
use vestibule::app::devices::HeldGpio;
use vestibule::app::{console, headless, script, windowed, Devices, KioskApp};
use vestibule::config::Config;
use vestibule::feed::background::RegistrySync;

use super::registry::DbArg;
use super::Refusal;

#[derive(Args)]
pub struct KioskArgs {
    /// Simulated reader, relay, lamp and printer (the printer writes into --out).
    #[arg(long)]
    sim: bool,
    /// No window: the real UI on the software renderer with mock time, driven by --events.
    #[arg(long, requires_all = ["events", "out"])]
    headless: bool,
    /// The JSON-lines script: scan, tap, type, gpio, wait_ms, screenshot (one event a line).
    #[arg(long)]
    events: Option<PathBuf>,
    /// Where screenshots, hardware.jsonl, alerts.jsonl, badges/ and printer/ go.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Screen size in pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1280x800", value_parser = parse_size)]
    size: (u32, u32),
    #[command(flatten)]
    db: DbArg,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let parsed = text
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)));
    match parsed {
        Some((w, h)) if (320..=7680).contains(&w) && (240..=4320).contains(&h) => Ok((w, h)),
        _ => Err(format!("`{text}` is not a screen size like 1280x800")),
    }
}

pub fn run(args: KioskArgs, config: Option<&Path>) -> Result<(), Refusal> {
    if !args.sim {
        if args.headless {
            return Err(Refusal(
                "--headless scripts run on simulated hardware: add --sim".into(),
            ));
        }
        return run_real(&args, config);
    }
    if !args.headless {
        return run_window(&args, config);
    }
    let (Some(events), Some(out)) = (&args.events, &args.out) else {
        return Err(Refusal(
            "--headless needs --events FILE and --out DIR".into(),
        ));
    };
    let text = std::fs::read_to_string(events)
        .map_err(|e| Refusal(format!("{}: {e}", events.display())))?;
    // The whole script is checked before anything is written.
    let steps = script::parse(&text).map_err(|e| Refusal(format!("{}: {e}", events.display())))?;
    let config = Config::load(config, std::env::vars())?;
    let store = super::privacy::open_with(&args.db, &config)?;
    let epoch = OffsetDateTime::now_local().unwrap_or_else(|_| OffsetDateTime::now_utc());
    let app = KioskApp::sim(&config, Some(store), out, epoch)?;
    let window = headless::open_window(args.size.0, args.size.1)?;
    headless::run(app, &window, &config.school.name, &steps, out)
        .map_err(|e| Refusal(format!("{}: {e}", events.display())))
}

/// `vestibule kiosk --sim`: the kiosk in a window, with simulated devices writing into
/// `--out` (default `./vestibule-sim`).
fn run_window(args: &KioskArgs, config: Option<&Path>) -> Result<(), Refusal> {
    let config = Config::load(config, std::env::vars())?;
    let store = super::privacy::open_with(&args.db, &config)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("vestibule-sim"));
    let epoch = OffsetDateTime::now_local().unwrap_or_else(|_| OffsetDateTime::now_utc());
    let mut app = KioskApp::sim(&config, Some(store), &out, epoch)?;
    app.follow_system_clock();
    let console = console::spawn(std::io::BufReader::new(std::io::stdin()));
    Ok(windowed::run(app, &config.school.name, console, || {
        eprintln!(
            "vestibule: simulated reader: type the path of a scan file and Enter to scan it \
             (samples/scans/*.txt), or a scripted event such as {{\"gpio\":\"panic\"}}"
        )
    })?)
}

/// `vestibule kiosk`: the kiosk on the devices `[hardware]` names, full screen on a Pi build
/// (linuxkms) or in a window on a desktop build. Every device is opened before the first
/// screen. While something is missing (no staff PIN, a device missing or busy, the database
/// unreadable) the kiosk shows "out of service", door locked, and starts by itself once the
/// problem is gone: a lobby kiosk never sits on a console prompt or in a reboot loop.
fn run_real(args: &KioskArgs, config: Option<&Path>) -> Result<(), Refusal> {
    // Before the relay exists: a panic or SIGTERM from here on leaves the door locked.
    vestibule::hw::failsafe::install()
        .map_err(|e| Refusal(format!("cannot install the door relay fail-safe: {e}")))?;
    // A keyboard on tty1 sends no Ctrl-C / Ctrl-\ and switches no terminals.
    vestibule::hw::tty::lock_terminal();
    let (config, store, devices) = start_when_ready(&args.db, config.map(Path::to_path_buf))?;
    let epoch = OffsetDateTime::now_local().unwrap_or_else(|_| OffsetDateTime::now_utc());
    let mut app = KioskApp::real(&config, Some(store), devices, epoch);
    app.follow_system_clock();
    // The registry stays current while the kiosk holds the database (see feed::background).
    let _sync = (!config.sync.url.is_empty())
        .then(|| app.store())
        .flatten()
        .map(|store| {
            let settings = vestibule::feed::sync::Settings {
                url: config.sync.url.clone(),
                ca: config.sync.ca.clone(),
                public_key: config.sync.public_key.clone(),
                timeout: std::time::Duration::from_secs(u64::from(config.sync.timeout_secs)),
                deadline: std::time::Duration::from_secs(u64::from(
                    config.sync.download_deadline_secs,
                )),
            };
            let dir = vestibule::feed::sync::state_dir(&args.db.path);
            RegistrySync::start(store, dir, settings, vestibule::feed::background::EVERY)
        });
    // No console: scans come from the reader, taps from the touch screen.
    let (_no_console, console) = std::sync::mpsc::channel();
    Ok(windowed::run(app, &config.school.name, console, || {})?)
}

/// What a real kiosk needs before its first screen.
type Ready = (Config, vestibule::store::Store, Devices);

/// Everything the kiosk needs, or the one line saying what is missing (for the technician:
/// a setting, a device or a file, never a person).
/// `held` keeps the relay driven locked between tries.
fn prepare(
    db: &DbArg,
    config: Option<&Path>,
    held: &mut Option<HeldGpio>,
) -> Result<Ready, String> {
    let config = Config::load(config, std::env::vars()).map_err(|e| e.to_string())?;
    Devices::hold_gpio(&config.hardware, held);
    if config.staff.pins.is_empty() {
        return Err(
            "not set up: no staff PIN is configured (kiosk-image/provision, vestibule config hash-pin)"
                .into(),
        );
    }
    let store = super::privacy::open_with(db, &config).map_err(|e| e.0)?;
    let devices = Devices::open_holding(&config.hardware, held).map_err(|e| e.to_string())?;
    Ok((config, store, devices))
}

/// Prepares the kiosk, showing "out of service" and trying again every few seconds while
/// something is missing.
fn start_when_ready(db: &DbArg, config: Option<PathBuf>) -> Result<Ready, Refusal> {
    let mut held = None;
    let problem = match prepare(db, config.as_deref(), &mut held) {
        Ok(ready) => return Ok(ready),
        Err(problem) => problem,
    };
    let ready = std::rc::Rc::new(std::cell::RefCell::new(None));
    let shown = windowed::run_out_of_service(&problem, {
        let (ready, db) = (ready.clone(), db.clone());
        let mut last = problem.clone();
        move || match prepare(&db, config.as_deref(), &mut held) {
            Ok(got) => {
                *ready.borrow_mut() = Some(got);
                Ok(())
            }
            Err(now) => {
                if now != last {
                    tracing::warn!("out of service: {now}");
                    last = now.clone();
                }
                Err(now)
            }
        }
    });
    if let Err(e) = shown {
        // No screen to show it on (a build without a display backend): say it here instead.
        tracing::debug!("{e}");
        return Err(Refusal(problem));
    }
    let ready = ready.borrow_mut().take();
    // The window was closed (a desktop window) before the problem went away.
    ready.ok_or(Refusal(problem))
}

/// `vestibule config hash-pin --operator NAME`: the PIN never appears on a command line (shell
/// history) nor in the config, only its argon2id hash.
pub fn hash_pin(operator: &str) -> Result<(), Refusal> {
    let mut pin = String::new();
    std::io::stdin()
        .read_line(&mut pin)
        .map_err(|e| Refusal(format!("cannot read the PIN from stdin: {e}")))?;
    let pin = pin.trim();
    use vestibule::kiosk::pin as pins;
    if !pins::is_acceptable_pin(pin) {
        return Err(Refusal(format!(
            "a staff PIN is {} to {} digits",
            pins::MIN_DIGITS,
            pins::MAX_DIGITS
        )));
    }
    if pin == pins::SIM_PIN {
        return Err(Refusal(
            "that is the published demo PIN: pick another".into(),
        ));
    }
    if operator.trim().is_empty() || operator.contains(['"', '\\', '\n']) {
        return Err(Refusal(
            "the operator name must not be empty or contain quotes".into(),
        ));
    }
    let salt: [u8; 16] = rand::random();
    let hash = vestibule::kiosk::pin::hash_pin(pin, &salt).map_err(|e| Refusal(e.to_string()))?;
    println!("[[staff.pins]]\noperator = \"{operator}\"\nhash = \"{hash}\"");
    Ok(())
}
