//! `vestibule provision import FILE`: at first boot (vestibule-firstboot.service) the
//! technician's per-kiosk `kiosk.toml` from the boot partition becomes the kiosk's config. It
//! is checked whole first: a bad value stops the import naming the key, and nothing is written.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use vestibule::config::Config;

use super::Refusal;

#[derive(Subcommand)]
pub enum ProvisionCommand {
    /// Validate a kiosk.toml and install it as the kiosk's config.
    Import {
        file: PathBuf,
        /// Where the kiosk reads its config.
        #[arg(long, default_value = "/etc/vestibule/kiosk.toml")]
        to: PathBuf,
    },
}

pub fn run(command: ProvisionCommand) -> Result<(), Refusal> {
    match command {
        ProvisionCommand::Import { file, to } => import(&file, &to),
    }
}

fn import(file: &Path, to: &Path) -> Result<(), Refusal> {
    // The file alone, as the kiosk will read it: no environment overrides.
    Config::load(Some(file), std::iter::empty())?;
    let text = std::fs::read(file).map_err(|e| Refusal(format!("{}: {e}", file.display())))?;
    install(&text, to).map_err(|e| Refusal(format!("{}: {e}", to.display())))?;
    println!("{} installed as {}", file.display(), to.display());
    Ok(())
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
