//! `vestibule registry keygen | publish | sync`: the signed registry feed (docs/feed.md,
//! extended by `publish --revocations`). The work is in `vestibule::feed`; this turns arguments
//! into calls and prints.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use vestibule::config::Config;
use vestibule::feed::{self, sync};

use super::Refusal;

#[derive(Args)]
pub struct KeygenArgs {
    /// The signing key file to create (mode 0600; never overwritten). The public key goes to
    /// the same name plus `.pub` and to stdout.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct PublishArgs {
    /// The district's signing key (from `vestibule registry keygen`).
    #[arg(long)]
    pub key: PathBuf,
    /// The feed directory to write, ready for any static HTTPS server.
    #[arg(long)]
    pub out: PathBuf,
    /// The release to write a delta against: its feed directory (manifest.json signed with
    /// the same key) or its snapshot-<serial>.csv.zst.
    #[arg(long)]
    pub previous: Option<PathBuf>,
    /// An invitation revocation list (`vestibule prereg revocations --out`) to sign into the
    /// release, so every kiosk refuses those invitations after its next sync; may be given
    /// more than once (the lists are merged). Without it the release carries no list.
    #[arg(long, value_name = "FILE.csv")]
    pub revocations: Vec<PathBuf>,
    /// Days the release is believed: kiosks refuse its manifest afterwards (a frozen or
    /// replayed feed), so publish again before then (1-366).
    #[arg(long, default_value_t = feed::publish::VALID_DAYS)]
    pub valid_days: u32,
    #[command(flatten)]
    pub bad: super::BadRowArgs,
    /// The registry CSV v1 (docs/interfaces.md).
    pub file: PathBuf,
}

#[derive(Args)]
pub struct SyncArgs {
    /// The database file [default: $VESTIBULE_DB, else storage.database from the config].
    #[arg(long, env = "VESTIBULE_DB")]
    pub db: Option<PathBuf>,
    /// The feed directory's https:// URL [default: sync.url from the config].
    #[arg(long)]
    pub url: Option<String>,
    /// PEM of the only CA trusted for the feed server [default: sync.ca].
    #[arg(long)]
    pub ca: Option<PathBuf>,
    /// The district's feed public key, base64 or a file [default: sync.public_key].
    #[arg(long)]
    pub pubkey: Option<String>,
    #[command(flatten)]
    pub bad: super::BadRowArgs,
}

pub fn keygen(args: &KeygenArgs) -> Result<(), Refusal> {
    let public = feed::keys::generate(&args.out)?;
    println!("{public}");
    Ok(())
}

pub fn publish(args: &PublishArgs) -> Result<(), Refusal> {
    let started = Instant::now();
    let policy = args.bad.policy()?;
    let key = feed::keys::load_signing(&args.key)?;
    let published = feed::publish::publish(
        &args.file,
        &key,
        &args.out,
        args.previous.as_deref(),
        &args.revocations,
        policy,
        args.valid_days,
    )?;
    args.bad
        .report(&published.quarantined, published.bad_rows)?;
    let manifest = published.manifest;
    let delta = manifest
        .delta
        .as_ref()
        .map(|d| {
            format!(
                "; {} ({}: {} people added or changed, {} removed, against serial {})",
                d.file,
                size(d.size),
                d.upserts,
                d.removals,
                d.base_serial
            )
        })
        .unwrap_or_default();
    let revocations = manifest
        .revocations
        .as_ref()
        .map(|r| format!("; {} ({} revoked invitations)", r.file, r.count))
        .unwrap_or_default();
    println!(
        "published serial {}: {} ({}, {} names of {} people{}){delta}{revocations} into {} in {:.1} s",
        manifest.serial,
        manifest.snapshot.file,
        size(manifest.snapshot.size),
        manifest.rows,
        manifest.people,
        super::left_out(published.bad_rows),
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn sync(args: &SyncArgs, config_path: Option<&Path>) -> Result<(), Refusal> {
    let config = Config::load(config_path, std::env::vars())?;
    let db = args
        .db
        .clone()
        .unwrap_or_else(|| config.storage.database.clone());
    let settings = sync::Settings {
        url: args.url.clone().unwrap_or(config.sync.url),
        ca: args.ca.clone().unwrap_or(config.sync.ca),
        public_key: args.pubkey.clone().unwrap_or(config.sync.public_key),
        timeout: Duration::from_secs(u64::from(config.sync.timeout_secs)),
        deadline: Duration::from_secs(u64::from(config.sync.download_deadline_secs)),
    };
    if settings.url.is_empty() {
        return Err(Refusal(
            "no registry feed configured: set sync.url in the config or pass --url".into(),
        ));
    }
    let policy = args.bad.policy()?;
    let started = Instant::now();
    match sync::sync_with(&db, &settings, policy)? {
        sync::Outcome::Current { serial, revoked } => {
            println!(
                "registry is current (feed serial {serial}){}",
                newly_revoked(revoked)
            )
        }
        sync::Outcome::Installed {
            serial,
            previous,
            via,
            rows,
            people,
            downloaded,
            revoked,
            quarantined,
            bad_rows,
        } => {
            args.bad.report(&quarantined, bad_rows)?;
            println!(
                "installed feed serial {serial} (was {previous}) from its {}: {} downloaded, {rows} names of {people} people{}{}, in {:.1} s",
                match via {
                    sync::Via::Snapshot => "snapshot",
                    sync::Via::Delta => "delta",
                },
                size(downloaded),
                super::left_out(bad_rows),
                newly_revoked(revoked),
                started.elapsed().as_secs_f64()
            )
        }
    }
    Ok(())
}

fn newly_revoked(count: u64) -> String {
    match count {
        0 => String::new(),
        n => format!("; {n} invitations newly revoked"),
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.1} kB", bytes as f64 / 1e3)
    }
}
