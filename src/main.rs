//! The `vestibule` command: parses arguments, builds the edges, calls the core. Nothing else.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cli::Refusal;
use time::Date;
use vestibule::config::{self, Config};

/// Open, self-hosted school lobby visitor kiosk.
#[derive(Parser)]
#[command(name = "vestibule", version, about, propagate_version = true)]
struct Cli {
    /// The kiosk config file [default: /etc/vestibule/kiosk.toml when present].
    #[arg(long, global = true, env = "VESTIBULE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read identity documents.
    #[command(subcommand)]
    Id(IdCommand),
    /// Write or check kiosk.toml.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The offender registry: import, synthesise, benchmark.
    #[command(subcommand)]
    Registry(cli::registry::RegistryCommand),
    /// The school's own lists (custody, banned, expelled, trespass, dismissed, other).
    #[command(subcommand)]
    Watchlist(cli::watchlist::WatchlistCommand),
    /// Screen visitors against the registry and the watchlists.
    Screen(cli::screen::ScreenArgs),
    /// Staff decisions about flagged visitors: "not a match", reset, audit.
    #[command(subcommand)]
    Decision(cli::screen::DecisionCommand),
    /// Visitor badges: render the sample badge for a printer.
    #[command(subcommand)]
    Badge(BadgeCommand),
    /// Run the kiosk (so far: scripted and headless against simulated hardware).
    Kiosk(cli::kiosk::KioskArgs),
    /// For technicians: install a kiosk's provisioning file (first boot).
    #[command(subcommand)]
    Provision(cli::provision::ProvisionCommand),
    /// The door relay pin between kiosk processes: lock it, or print its config.txt line.
    #[command(subcommand)]
    Relay(cli::relay::RelayCommand),
    /// Who is in the building now (roster, evacuation list), or every visit with --all.
    Visits(cli::visits::VisitsArgs),
    /// For technicians: check every configured device, the database, the clock and the disk.
    Doctor(cli::doctor::DoctorArgs),
    /// The data key sealing visits, decisions and blocks: rotate it.
    #[command(subcommand)]
    Key(cli::privacy::KeyCommand),
    /// The hash-chained audit trail: verify it.
    #[command(subcommand)]
    Audit(cli::privacy::AuditCommand),
    /// Delete visits (and, per policy, decisions) older than the retention period.
    Purge(cli::privacy::PurgeArgs),
    /// Silent alerts and visit uploads waiting for delivery: send them now, or list them.
    #[command(subcommand)]
    Outbox(cli::outbox::OutboxCommand),
    /// Pre-registered visitors: signed invitation QR codes (add, import, list, revoke, qr).
    #[command(subcommand)]
    Prereg(cli::prereg::PreregCommand),
    /// Events: screen an attendee list and print every cleared attendee's badge in one run.
    #[command(subcommand)]
    Event(cli::prereg::EventCommand),
    /// Reports: visits, flags, decisions, students (CSV, JSON, PDF) and the daily PDF summary.
    #[command(subcommand)]
    Report(cli::report::ReportCommand),
    /// The student roster from the SIS (OneRoster 1.1 CSV): import it, find a student.
    #[command(subcommand)]
    Sis(cli::sis::SisCommand),
    /// Relay fail-safe drill for the tests: pulse a relay on a file pin, leave by one way.
    #[command(hide = true)]
    HwDrill {
        #[arg(long)]
        pin_file: PathBuf,
        #[arg(long)]
        way: String,
        #[arg(long, default_value_t = 300)]
        watchdog_ms: u64,
    },
    /// GPIO drill for the tests on a real kernel: the configured pins opened as the kiosk
    /// opens them, driven by commands on stdin (kiosk-image/gpio-test).
    #[command(hide = true)]
    GpioDrill,
}

#[derive(Subcommand)]
enum BadgeCommand {
    /// Render the sample badge to a PNG exactly as the printer would print it.
    Render(cli::badge::RenderArgs),
}

#[derive(Subcommand)]
enum IdCommand {
    /// Read ONE raw scan from stdin and print what the kiosk keeps of it, as JSON.
    Parse {
        /// Judge expiry and MRZ birth centuries as of this date (YYYY-MM-DD) instead of today.
        #[arg(long, value_parser = cli::id::parse_date)]
        today: Option<Date>,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print a complete kiosk.toml with every key and a comment for each.
    Example,
    /// Validate a kiosk.toml (and any VESTIBULE_* overrides); exit 2 naming file, key and reason.
    Check { file: PathBuf },
    /// Read a staff PIN (4-12 digits) from stdin and print its `[[staff.pins]]` entry.
    HashPin {
        /// Who the PIN belongs to, as the audit log will name them.
        #[arg(long)]
        operator: String,
    },
}

fn main() -> ExitCode {
    install_panic_hook();
    init_logging();
    let args = match Cli::try_parse() {
        Ok(args) => args,
        Err(e) => return usage_error(e),
    };
    if !matches!(args.command, Command::Kiosk(_)) {
        // `vestibule visits | head`: a listing whose reader has gone ends quietly, as other
        // Unix tools do, not with a panic. The kiosk keeps Rust's default (SIGPIPE ignored):
        // a closed printer or alert connection must never kill it.
        // SAFETY: single-threaded here, before any thread or handler exists.
        let _ = unsafe {
            nix::sys::signal::signal(
                nix::sys::signal::Signal::SIGPIPE,
                nix::sys::signal::SigHandler::SigDfl,
            )
        };
    }
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Refusal(message)) => {
            eprintln!("vestibule: {}", message.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}

fn run(args: Cli) -> Result<(), Refusal> {
    match args.command {
        Command::Id(IdCommand::Parse { today }) => {
            cli::id::parse(today.unwrap_or_else(cli::id::local_today))
        }
        Command::Config(ConfigCommand::Example) => {
            print!("{}", config::EXAMPLE);
            Ok(())
        }
        Command::Config(ConfigCommand::Check { file }) => {
            let config = Config::load(Some(&file), std::env::vars())?;
            if let Some(note) = config.hardware.backend_note() {
                eprintln!("vestibule: note: {note}");
            }
            println!("{}: ok", file.display());
            Ok(())
        }
        Command::Config(ConfigCommand::HashPin { operator }) => cli::kiosk::hash_pin(&operator),
        Command::Registry(command) => cli::registry::run(command, args.config.as_deref()),
        Command::Watchlist(command) => cli::watchlist::run(command),
        Command::Screen(screen) => cli::screen::run(screen, args.config.as_deref()),
        Command::Decision(command) => cli::screen::decide(command, args.config.as_deref()),
        Command::Badge(BadgeCommand::Render(args)) => cli::badge::render(args),
        Command::Provision(command) => cli::provision::run(command),
        Command::Kiosk(kiosk) => cli::kiosk::run(kiosk, args.config.as_deref()),
        Command::Relay(command) => cli::relay::run(command, args.config.as_deref()),
        Command::Visits(visits) => cli::visits::run(visits, args.config.as_deref()),
        Command::Doctor(doctor) => cli::doctor::run(doctor, args.config.as_deref()),
        Command::Key(command) => cli::privacy::key(command, args.config.as_deref()),
        Command::Audit(command) => cli::privacy::audit(command),
        Command::Purge(purge) => cli::privacy::purge(purge, args.config.as_deref()),
        Command::Outbox(command) => cli::outbox::run(command, args.config.as_deref()),
        Command::Prereg(command) => cli::prereg::run(command, args.config.as_deref()),
        Command::Event(command) => cli::prereg::event(command, args.config.as_deref()),
        Command::Report(command) => cli::report::run(command, args.config.as_deref()),
        Command::Sis(command) => cli::sis::run(command, args.config.as_deref()),
        Command::HwDrill {
            pin_file,
            way,
            watchdog_ms,
        } => vestibule::hw::drill::run(
            &pin_file,
            &way,
            std::time::Duration::from_millis(watchdog_ms),
        )
        .map_err(Refusal),
        Command::GpioDrill => {
            let config = Config::load(args.config.as_deref(), std::env::vars())?;
            vestibule::hw::drill::gpio(&config.hardware).map_err(Refusal)
        }
    }
}

/// clap prints several lines of usage; the contract is one line on stderr and exit 2.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let rendered = e.render().to_string();
    let first = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ");
    eprintln!("vestibule: {first} (see vestibule --help)");
    ExitCode::from(2)
}

/// Logs go to stderr; the level comes from VESTIBULE_LOG (default `warn` for commands, so
/// stdout stays machine-readable and nothing personal is ever printed at info or above).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VESTIBULE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// A panic is a bug, but the person at the kiosk or the script calling us still gets one line,
/// not a backtrace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("vestibule: internal error{place}; please report it");
    }));
}
