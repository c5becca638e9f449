//! `vestibule provision import FILE`: at boot (vestibule-firstboot.service) a `kiosk.toml` the
//! technician put on the boot partition becomes the kiosk's config. It is checked whole first:
//! a bad value stops the import naming the key, and nothing is written.
//!
//! The boot partition is FAT: anyone holding the card can write it. So an unsigned file is
//! accepted ONCE, on a kiosk that has no configuration yet (no `<config>.provisioned` marker
//! and no staff PIN in the installed config). Every later file must come with
//! `kiosk.toml.sig`, made with `vestibule provision sign --key FLEET.key kiosk.toml`: an
//! Ed25519 signature by the district's fleet key, checked against the INSTALLED config's
//! `prereg.public_key` (never against anything on the card), naming this kiosk (`kiosk.name`
//! unchanged) and not imported before (no replay). A refused file changes nothing;
//! the refusal is one line on stderr (exit 2) and an audit line in the kiosk's database.
//! With `--wipe` (the unit passes it) the file and its signature are overwritten with zeros,
//! synced, and deleted, whether accepted or refused: PIN hashes and tokens do not stay on FAT.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use clap::Subcommand;
use ed25519_dalek::{Signature, Signer, Verifier};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use vestibule::config::Config;

use super::Refusal;

/// What a provisioning signature covers before the file's bytes: a signature the fleet key
/// made over anything else (an invitation, a feed manifest) is no signature of a config.
const SIGNED_CONTEXT: &[u8] = b"vestibule kiosk.toml v1\n";

#[derive(Subcommand)]
pub enum ProvisionCommand {
    /// Validate a kiosk.toml and install it as the kiosk's config (unsigned: only on a kiosk
    /// not configured yet; later: with FILE.sig by the fleet key).
    Import {
        file: PathBuf,
        /// Where the kiosk reads its config.
        #[arg(long, default_value = "/etc/vestibule/kiosk.toml")]
        to: PathBuf,
        /// The database whose audit trail records the import or the refusal [default: the
        /// installed config's storage.database; nothing is audited when it does not exist].
        #[arg(long)]
        db: Option<PathBuf>,
        /// Overwrite FILE (and FILE.sig) with zeros and delete them, accepted or refused.
        #[arg(long)]
        wipe: bool,
    },
    /// District side: sign a kiosk.toml with the fleet key (prereg keygen) into FILE.sig.
    Sign {
        /// The fleet signing key (`vestibule prereg keygen --out FLEET.key`).
        #[arg(long)]
        key: PathBuf,
        file: PathBuf,
    },
}

pub fn run(command: ProvisionCommand) -> Result<(), Refusal> {
    match command {
        ProvisionCommand::Import { file, to, db, wipe } => {
            let result = import(&file, &to, db.as_deref());
            if wipe {
                for path in [file.clone(), signature_path(&file)] {
                    if let Err(e) = wipe_file(&path) {
                        eprintln!("vestibule: {}: cannot wipe it: {e}", path.display());
                    }
                }
            }
            result
        }
        ProvisionCommand::Sign { key, file } => sign(&key, &file),
    }
}

/// `FILE.sig` beside `FILE`.
pub fn signature_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// The marker a first provisioning leaves beside the installed config.
fn marker_path(to: &Path) -> PathBuf {
    let mut name = to.as_os_str().to_owned();
    name.push(".provisioned");
    PathBuf::from(name)
}

fn sign(key: &Path, file: &Path) -> Result<(), Refusal> {
    // Only a config a kiosk would accept is worth signing.
    Config::load(Some(file), std::iter::empty())?;
    let signing = vestibule::feed::keys::load_signing(key)?;
    let text = std::fs::read(file).map_err(|e| Refusal(format!("{}: {e}", file.display())))?;
    let signature = signing.sign(&signed_bytes(&text));
    let out = signature_path(file);
    std::fs::write(&out, format!("{}\n", STANDARD.encode(signature.to_bytes())))
        .map_err(|e| Refusal(format!("{}: {e}", out.display())))?;
    println!(
        "signed {}: {} (copy both onto the boot partition)",
        file.display(),
        out.display()
    );
    Ok(())
}

fn signed_bytes(text: &[u8]) -> Vec<u8> {
    [SIGNED_CONTEXT, text].concat()
}

/// The kiosk as it is now: its installed config (when one loads) and whether it counts as
/// provisioned already.
struct Installed {
    config: Option<Config>,
    provisioned: bool,
    /// The marker's lines: every file imported so far, `<time> sha256 <hex>`.
    history: String,
}

fn installed(to: &Path) -> Installed {
    let config = to
        .exists()
        .then(|| Config::load(Some(to), std::iter::empty()).ok())
        .flatten();
    // A config that exists but does not load counts as provisioned: nobody gets a free
    // unsigned import by breaking the installed file.
    let provisioned = marker_path(to).exists()
        || config.as_ref().is_some_and(|c| !c.staff.pins.is_empty())
        || (to.exists() && config.is_none());
    let history = std::fs::read_to_string(marker_path(to)).unwrap_or_default();
    Installed {
        config,
        provisioned,
        history,
    }
}

fn sha256_hex(text: &[u8]) -> String {
    Sha256::digest(text)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn import(file: &Path, to: &Path, db: Option<&Path>) -> Result<(), Refusal> {
    let kiosk = installed(to);
    let audit_db = db.map(Path::to_path_buf).unwrap_or_else(|| {
        kiosk
            .config
            .as_ref()
            .map(|c| c.storage.database.clone())
            .unwrap_or_else(|| Config::default().storage.database)
    });
    match check(file, &kiosk) {
        Ok((text, signed, database)) => {
            // The new config's database: where this kiosk's audit trail lives from now on.
            let audit_db = db.map_or(database, Path::to_path_buf);
            install(&text, to).map_err(|e| Refusal(format!("{}: {e}", to.display())))?;
            let digest = sha256_hex(&text);
            install(
                format!("{}{} sha256 {digest}\n", kiosk.history, now()).as_bytes(),
                &marker_path(to),
            )
            .map_err(|e| Refusal(format!("{}: {e}", marker_path(to).display())))?;
            audit(
                &audit_db,
                serde_json::json!({
                    "event": "provisioned", "at": now(), "sha256": digest,
                    "signed": signed,
                }),
            );
            println!(
                "{} installed as {}{}",
                file.display(),
                to.display(),
                if signed {
                    " (signed by the fleet key)"
                } else {
                    " (first provisioning)"
                }
            );
            Ok(())
        }
        Err(reason) => {
            tracing::error!("provisioning file refused: {reason}");
            audit(
                &audit_db,
                serde_json::json!({ "event": "provision-refused", "at": now(), "reason": reason }),
            );
            Err(Refusal(format!("{}: refused: {reason}", file.display())))
        }
    }
}

/// The file's bytes when this kiosk may take it, whether it was signed, and its database.
fn check(file: &Path, kiosk: &Installed) -> Result<(Vec<u8>, bool, PathBuf), String> {
    // The file alone, as the kiosk will read it: no environment overrides.
    let new = Config::load(Some(file), std::iter::empty()).map_err(|e| e.to_string())?;
    let database = new.storage.database;
    let new_name = new.kiosk.name;
    let text = std::fs::read(file).map_err(|e| e.to_string())?;
    let sig_path = signature_path(file);
    if !kiosk.provisioned {
        // The first provisioning: nothing to check a signature against yet.
        return Ok((text, false, database));
    }
    let fleet = kiosk
        .config
        .as_ref()
        .map(|c| c.prereg.public_key.trim().to_owned())
        .filter(|k| !k.is_empty())
        .ok_or(
            "this kiosk is configured already and its config has no fleet key \
             (prereg.public_key) to check a new one against",
        )?;
    let fleet = vestibule::feed::keys::parse_public(&fleet).map_err(|e| e.to_string())?;
    let sig_text = std::fs::read_to_string(&sig_path).map_err(|_| {
        format!(
            "this kiosk is configured already: a new kiosk.toml needs {} \
             (vestibule provision sign --key FLEET.key kiosk.toml)",
            sig_path
                .file_name()
                .map_or("kiosk.toml.sig".into(), |n| n.to_string_lossy())
        )
    })?;
    let signature = STANDARD
        .decode(sig_text.trim())
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok())
        .ok_or("the signature file does not hold an Ed25519 signature")?;
    fleet
        .verify(&signed_bytes(&text), &signature)
        .map_err(|_| "the signature is not the fleet key's signature of this file".to_owned())?;
    // A genuine file, but an old one of this kiosk (a replay: old PINs, alerts) or another
    // kiosk's (the fleet key signs every kiosk's file).
    let digest = sha256_hex(&text);
    if kiosk
        .history
        .lines()
        .any(|line| line.ends_with(&format!(" sha256 {digest}")))
    {
        return Err("this exact file was imported before: a replayed file is not taken".into());
    }
    let installed_name = kiosk.config.as_ref().map(|c| c.kiosk.name.as_str());
    if installed_name.is_some_and(|name| name != new_name) {
        return Err(format!(
            "kiosk.name `{new_name}` is not this kiosk's (`{}`): another kiosk's file is not taken",
            installed_name.unwrap_or_default()
        ));
    }
    Ok((text, true, database))
}

/// Appends an audit line when the kiosk's database exists (never creates one: the import runs
/// as root, the database belongs to the kiosk's user).
fn audit(db: &Path, event: serde_json::Value) {
    if !db.exists() {
        return;
    }
    let done = vestibule::store::Store::open(db).and_then(|store| store.audit(event));
    if let Err(e) = done {
        eprintln!("vestibule: {}: cannot audit the import: {e}", db.display());
    }
}

fn now() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Overwrites a file with zeros over its whole length, syncs, then deletes it and syncs its
/// directory. On FAT the zeros land in the file's own clusters, so the deleted entry no longer
/// leads to the text (the SD card's flash translation may still keep old pages: see
/// docs/personal-data.md, "Threat model: the SD card"). A missing file is fine.
pub fn wipe_file(path: &Path) -> std::io::Result<()> {
    let len = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    let zeros = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        file.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    file.sync_all()?;
    drop(file);
    std::fs::remove_file(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::File::open(dir)?.sync_all()
}

/// Writes beside the target, syncs, then renames over it: a power cut leaves the old config
/// or the new one, never half of one. Mode 0640 in the directory's group (the kiosk's user
/// reads it; PIN hashes of short PINs must not be world-readable).
fn install(text: &[u8], to: &Path) -> std::io::Result<()> {
    let dir = match to.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut partial = to.as_os_str().to_owned();
    partial.push(".new");
    let partial = PathBuf::from(partial);
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o640)
        .open(&partial)?;
    // Set again explicitly: the mode above is cut by the umask (first boot runs with 0077).
    out.set_permissions(std::fs::Permissions::from_mode(0o640))?;
    out.write_all(text)?;
    out.sync_all()?;
    drop(out);
    let group = std::fs::metadata(dir)?.gid();
    // Only root may hand a file to another group; a technician's dry run keeps their own.
    let _ = std::os::unix::fs::chown(&partial, None, Some(group));
    std::fs::rename(&partial, to)?;
    std::fs::File::open(dir)?.sync_all()
}
