//! Personal data: opening the store with the data key, `vestibule key rotate`,
//! `vestibule audit verify` and `vestibule purge`.

use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use vestibule::config::Config;
use vestibule::store::{AuditCheck, Key, KeyLocation, KeyWrap, Store};

use super::registry::DbArg;
use super::Refusal;

/// Where the data key of `db` is: the systemd credential, `[storage] key_file`, or
/// `<db>.key` when that file's directory does not exist ([`KeyLocation::resolve`]).
pub fn key_location(db: &Path, config: &Config) -> KeyLocation {
    let credentials = std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from);
    KeyLocation::resolve(credentials.as_deref(), &config.storage.key_file, db)
}

/// The store with its data key: what every command touching visits, decisions or blocks uses.
pub fn open_personal_store(db: &DbArg, config: Option<&Path>) -> Result<Store, Refusal> {
    let config = Config::load(config, std::env::vars())?;
    open_with(db, &config)
}

/// [`open_personal_store`] with the config already loaded.
pub fn open_with(db: &DbArg, config: &Config) -> Result<Store, Refusal> {
    Ok(Store::open_personal_wrapped(
        &db.path,
        &key_location(&db.path, config),
        &config.storage.key_wrap(),
    )?)
}

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Re-seal every visit, decision and block under a new data key, then replace the key
    /// file (stop the kiosk first: the database is opened exclusively).
    Rotate {
        #[command(flatten)]
        db: DbArg,
    },
    /// At boot, as root (vestibule-data-key.service): create the data key file if missing,
    /// wrap it in place when [storage] key_wrap names a wrapping key, and write the plain key
    /// to --unwrap-to (a file in /run, memory only) for the services' LoadCredential=.
    Prepare {
        /// The data key file on the card [default: storage.key_file].
        #[arg(long)]
        file: Option<PathBuf>,
        /// Where the plain key goes (mode 0600, replaced).
        #[arg(long)]
        unwrap_to: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Walk the audit trail's hash chain: "N lines, chain intact", or the first line missing,
    /// altered or out of place (exit 2).
    Verify {
        #[command(flatten)]
        db: DbArg,
    },
    /// Once, after an upgrade: chain the lines written before the audit chain existed (the
    /// chained part must verify), and audit that it was done.
    Rechain {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Args)]
pub struct PurgeArgs {
    #[command(flatten)]
    db: DbArg,
    /// Purge as of this time (RFC 3339) instead of now.
    #[arg(long)]
    now: Option<String>,
}

fn now_text(now: OffsetDateTime) -> String {
    now.format(&Rfc3339).unwrap_or_default()
}

/// The current time to the second (audit lines and summaries need no more).
fn now_utc() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}

pub fn key(command: KeyCommand, config: Option<&Path>) -> Result<(), Refusal> {
    let config = Config::load(config, std::env::vars())?;
    let db = match command {
        KeyCommand::Rotate { db } => db,
        KeyCommand::Prepare { file, unwrap_to } => {
            let file = file.unwrap_or_else(|| config.storage.key_file.clone());
            return prepare_key(&file, unwrap_to.as_deref(), &config.storage.key_wrap());
        }
    };
    let location = key_location(&db.path, &config);
    let KeyLocation::File(file) = &location else {
        return Err(Refusal(format!(
            "the data key comes from the systemd credential {}: run `vestibule key rotate` \
             outside the service, on the file its LoadCredential= names",
            location.path().display()
        )));
    };
    let mut store = open_with(&db, &config)?;
    let summary =
        store.rotate_key_wrapped(file, &now_text(now_utc()), &config.storage.key_wrap())?;
    println!(
        "rotated the data key {}: re-sealed {} visit(s), {} decision(s), {} block(s), {} invitation(s) and the student roster; key id {:016x}",
        file.display(),
        summary.visits,
        summary.decisions,
        summary.blocks,
        summary.invitations,
        store.key_id().unwrap_or_default()
    );
    Ok(())
}

pub fn audit(command: AuditCommand) -> Result<(), Refusal> {
    let db = match command {
        AuditCommand::Verify { db } => db,
        AuditCommand::Rechain { db } => return rechain(&db),
    };
    if !db.path.exists() {
        return Err(Refusal(format!(
            "database {}: no such file",
            db.path.display()
        )));
    }
    match Store::open(&db.path)?.verify_audit()? {
        AuditCheck::Intact { lines } => {
            println!("{lines} lines, chain intact");
            Ok(())
        }
        AuditCheck::Broken { line, reason } => Err(Refusal(format!("audit line {line} {reason}"))),
    }
}

/// `vestibule audit rechain`: see [`Store::rechain_audit`].
fn rechain(db: &DbArg) -> Result<(), Refusal> {
    if !db.path.exists() {
        return Err(Refusal(format!(
            "database {}: no such file",
            db.path.display()
        )));
    }
    let store = Store::open(&db.path)?;
    let done = store.rechain_audit(&now_text(now_utc()))?;
    if done.legacy == 0 {
        println!(
            "the audit trail is chained already ({} lines): nothing to do",
            done.lines
        );
        return Ok(());
    }
    match store.verify_audit()? {
        AuditCheck::Intact { lines } => {
            println!(
                "chained {} line(s) written before the audit chain; {lines} lines, chain intact",
                done.legacy
            );
            Ok(())
        }
        AuditCheck::Broken { line, reason } => Err(Refusal(format!("audit line {line} {reason}"))),
    }
}

pub fn purge(args: PurgeArgs, config: Option<&Path>) -> Result<(), Refusal> {
    let config = Config::load(config, std::env::vars())?;
    let now = match &args.now {
        Some(text) => OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|e| Refusal(format!("--now {text}: not an RFC 3339 time: {e}")))?,
        None => now_utc(),
    };
    let store = open_with(&args.db, &config)?;
    let (summary, cutoffs) = store.purge_by_policy(
        config.privacy.retention_days,
        config.privacy.decisions_retention_days,
        now,
    )?;
    println!(
        "purged {} visit(s) signed in before {}, {} decision(s) and {} block(s){}; {} student event(s) and {} ended invitation(s)",
        summary.visits,
        now_text(cutoffs.visits),
        summary.decisions,
        summary.blocks,
        match cutoffs.decisions {
            Some(t) => format!(" made before {}", now_text(t)),
            None => " (decisions are kept)".into(),
        },
        summary.student_events,
        summary.invitations,
    );
    Ok(())
}

/// `vestibule key prepare`: see [`KeyCommand::Prepare`]. When it fails, `unwrap_to` is left
/// EMPTY rather than missing: the services still start (a missing LoadCredential= source
/// would stop them before their first line) and the kiosk shows "out of service" naming the
/// key, door locked.
fn prepare_key(file: &Path, unwrap_to: Option<&Path>, wrap: &KeyWrap) -> Result<(), Refusal> {
    let done = prepare_key_file(file, unwrap_to, wrap);
    if let (Err(_), Some(to)) = (&done, unwrap_to) {
        let _ = std::fs::remove_file(to);
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(to);
    }
    done
}

fn prepare_key_file(file: &Path, unwrap_to: Option<&Path>, wrap: &KeyWrap) -> Result<(), Refusal> {
    let shown = file.display();
    if !file.exists() {
        Key::generate().write_new_wrapped(file, wrap)?;
        println!("created the data key {shown}");
    }
    let bytes = std::fs::read(file).map_err(|e| Refusal(format!("{shown}: {e}")))?;
    let key = Key::read_wrapped(file, wrap)?;
    if *wrap != KeyWrap::None && !Key::is_wrapped(&bytes) {
        // Wrapped beside it, then renamed over it: the file holds the plain key or the
        // wrapped one, never neither.
        let mut name = file.as_os_str().to_owned();
        name.push(".wrap");
        let wrapped = PathBuf::from(name);
        let _ = std::fs::remove_file(&wrapped);
        key.write_new_wrapped(&wrapped, wrap)?;
        vestibule::store::crypto::replace(&wrapped, file)?;
        println!("wrapped the data key {shown} ({})", describe(wrap));
    }
    if let Some(to) = unwrap_to {
        let _ = std::fs::remove_file(to);
        key.write_new(to)?;
        println!("data key {shown}: handed to {}", to.display());
    }
    Ok(())
}

fn describe(wrap: &KeyWrap) -> String {
    match wrap {
        KeyWrap::None => "not wrapped".into(),
        KeyWrap::File(path) => format!("wrapped with {}", path.display()),
        KeyWrap::RpiOtp => "wrapped with the OTP customer key".into(),
    }
}
