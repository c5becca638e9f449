//! Personal records at rest: the data key, AES-256-GCM sealing and keyed identity tokens.
//!
//! - Values of the `visits`, `decisions` and `blocked` tables are sealed with AES-256-GCM under
//!   the 32-byte data key: a fresh random 96-bit nonce per record, and the table name plus the
//!   record's key as associated data, so a sealed value copied onto another row (or into
//!   another table) does not open. Stored as text: `s1:` then base64 of nonce, ciphertext, tag.
//! - Identity keys (normalised name, date of birth, last four of the document) never appear in
//!   a table key: they are replaced by a token, HMAC-SHA256 of the identity key under an index
//!   key derived from the data key. The same person always gets the same token under one data
//!   key, which is all lookups need; nobody without the key can test a guessed name against it.
//! - The key lives in a file of exactly 32 random bytes, mode 0600 ([`KeyLocation`] says which
//!   file). The database remembers a short fingerprint of it (`meta.data_key_id`), so a wrong
//!   key is refused at open instead of failing record by record.
//!
//! The registry and the watchlists are not personal records of this kiosk and stay in clear:
//! a store opened without a key imports and screens as before.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::StoreError;

/// Length of the data key, in bytes.
pub const KEY_LEN: usize = 32;
/// The systemd credential (`LoadCredential=vestibule-data-key:...`) holding the data key.
pub const CREDENTIAL_NAME: &str = "vestibule-data-key";
/// Marks a sealed value (format version 1).
const SEALED: &str = "s1:";
const NONCE_LEN: usize = 12;

/// The data key. Its `Debug` prints nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct Key([u8; KEY_LEN]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({:016x})", self.id())
    }
}

impl Key {
    /// A new random key (the operating system's generator, through `rand`).
    pub fn generate() -> Key {
        Key(rand::random())
    }

    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Key {
        Key(bytes)
    }

    /// A fingerprint that names the key without revealing it (kept in `meta.data_key_id`).
    pub fn id(&self) -> u64 {
        let tag = hmac(&self.0, b"vestibule data key id v1");
        u64::from_be_bytes(tag[..8].try_into().expect("8 bytes"))
    }

    /// Reads a key file: exactly 32 bytes, no permission for group or others.
    pub fn read(path: &Path) -> Result<Key, StoreError> {
        Key::read_unless(path, 0o077)
    }

    /// Reads the key systemd hands in (`LoadCredential=`). systemd 257 (Debian trixie) writes
    /// credentials mode 0440 into a directory only the service can enter, so the group bits
    /// are allowed here; "others" still are not.
    pub fn read_credential(path: &Path) -> Result<Key, StoreError> {
        Key::read_unless(path, 0o007)
    }

    /// Reads a key file that grants none of the `forbidden` permission bits.
    fn read_unless(path: &Path, forbidden: u32) -> Result<Key, StoreError> {
        Key::read_file(path, forbidden, &KeyWrap::None)
    }

    /// Reads a key file (mode 0600) stored as `wrap` says: a wrapped key is unwrapped with the
    /// wrapping key; a plain key is read as it is (`vestibule key prepare` wraps it).
    pub fn read_wrapped(path: &Path, wrap: &KeyWrap) -> Result<Key, StoreError> {
        Key::read_file(path, 0o077, wrap)
    }

    fn read_file(path: &Path, forbidden: u32, wrap: &KeyWrap) -> Result<Key, StoreError> {
        let error = |reason: String| StoreError::Key {
            path: path.display().to_string(),
            reason,
        };
        let meta = std::fs::metadata(path).map_err(|e| error(format!("cannot read: {e}")))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & forbidden != 0 {
            return Err(error(format!(
                "permissions {mode:04o} let others read it: chmod 600 it (or provision a new key)"
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| error(format!("cannot read: {e}")))?;
        if bytes.starts_with(WRAPPED) {
            let Some(wrapping) = wrap.wrapping_key()? else {
                return Err(error(
                    "is wrapped: set [storage] key_wrap to the key that wrapped it".into(),
                ));
            };
            return unwrap(&wrapping, &bytes).map_err(error);
        }
        let bytes: [u8; KEY_LEN] = bytes.try_into().map_err(|b: Vec<u8>| {
            error(format!("holds {} bytes, a data key is {KEY_LEN}", b.len()))
        })?;
        Ok(Key(bytes))
    }

    /// Writes the key to a NEW file, mode 0600, and syncs the file and its directory. Refuses
    /// to overwrite an existing file.
    pub fn write_new(&self, path: &Path) -> Result<(), StoreError> {
        self.write_new_wrapped(path, &KeyWrap::None)
    }

    /// [`Key::write_new`], stored wrapped when `wrap` names a wrapping key.
    pub fn write_new_wrapped(&self, path: &Path, wrap: &KeyWrap) -> Result<(), StoreError> {
        let bytes = match wrap.wrapping_key()? {
            Some(wrapping) => self.wrap(&wrapping),
            None => self.0.to_vec(),
        };
        let error = |e: std::io::Error| StoreError::Key {
            path: path.display().to_string(),
            reason: format!("cannot create: {e}"),
        };
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(error)?;
        file.write_all(&bytes).map_err(error)?;
        file.sync_all().map_err(error)?;
        sync_dir(path)
    }

    /// The key wrapped under `wrapping`: `VWK1`, a random 96-bit nonce, then AES-256-GCM of
    /// the 32 key bytes with its tag (64 bytes in all).
    fn wrap(&self, wrapping: &[u8; KEY_LEN]) -> Vec<u8> {
        let cipher = Aes256Gcm::new_from_slice(wrapping).expect("32-byte key");
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: &self.0,
                    aad: WRAP_AAD,
                },
            )
            .expect("AES-GCM seals any 32 bytes");
        [WRAPPED, &nonce[..], &sealed].concat()
    }

    /// Whether the bytes of a key file are a wrapped key.
    pub fn is_wrapped(bytes: &[u8]) -> bool {
        bytes.starts_with(WRAPPED)
    }
}

/// Marks a wrapped data key file (format version 1).
const WRAPPED: &[u8] = b"VWK1";
const WRAP_AAD: &[u8] = b"vestibule data key wrap v1";

fn unwrap(wrapping: &[u8; KEY_LEN], bytes: &[u8]) -> Result<Key, String> {
    let body = &bytes[WRAPPED.len()..];
    if body.len() != NONCE_LEN + KEY_LEN + 16 {
        return Err(format!("is a wrapped key of {} bytes, not 64", bytes.len()));
    }
    let (nonce, sealed) = body.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at the nonce");
    let cipher = Aes256Gcm::new_from_slice(wrapping).expect("32-byte key");
    let plain = cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: sealed,
                aad: WRAP_AAD,
            },
        )
        .map_err(|_| "does not unwrap with the configured wrapping key ([storage] key_wrap)")?;
    let key: [u8; KEY_LEN] = plain.try_into().map_err(|_| "unwraps to a wrong length")?;
    Ok(Key(key))
}

/// Where the key that wraps the data key on disk comes from (`[storage] key_wrap`): a key the
/// SD card does not hold, so a copied card does not open the sealed records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum KeyWrap {
    /// `none`: the data key is stored as it is (anyone with the card has it).
    #[default]
    None,
    /// `file:/path`: 32 bytes (or 64 hex digits) in a file, mode 0600: a stand-in for a
    /// hardware key (tests, boards without one, a key on other media).
    File(PathBuf),
    /// `rpi-otp`: the Raspberry Pi's OTP customer private key, read with the command
    /// `rpi-otp-private-key` (raspi-utils; needs the firmware mailbox, `/dev/vcio`).
    RpiOtp,
}

/// The command printing the Raspberry Pi OTP private key as hex (raspi-utils).
pub const RPI_OTP_COMMAND: &str = "rpi-otp-private-key";

impl KeyWrap {
    /// `none`, `file:/absolute/path` or `rpi-otp`.
    pub fn parse(text: &str) -> Result<KeyWrap, String> {
        match text.trim() {
            "" | "none" => Ok(KeyWrap::None),
            "rpi-otp" => Ok(KeyWrap::RpiOtp),
            other => match other.strip_prefix("file:") {
                Some(path) if Path::new(path).is_absolute() => {
                    Ok(KeyWrap::File(PathBuf::from(path)))
                }
                Some(path) => Err(format!("`file:{path}` needs an absolute path")),
                None => Err(format!(
                    "`{other}` is not `none`, `file:/path` or `rpi-otp`"
                )),
            },
        }
    }

    /// The wrapping key, or `None` for [`KeyWrap::None`].
    pub fn wrapping_key(&self) -> Result<Option<[u8; KEY_LEN]>, StoreError> {
        let error = |path: &str, reason: String| StoreError::Key {
            path: path.to_owned(),
            reason,
        };
        match self {
            KeyWrap::None => Ok(None),
            KeyWrap::File(path) => {
                let shown = path.display().to_string();
                let meta = std::fs::metadata(path)
                    .map_err(|e| error(&shown, format!("the wrapping key cannot be read: {e}")))?;
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    return Err(error(
                        &shown,
                        format!("the wrapping key's permissions {mode:04o} let others read it"),
                    ));
                }
                let bytes = std::fs::read(path)
                    .map_err(|e| error(&shown, format!("the wrapping key cannot be read: {e}")))?;
                key_bytes(&bytes)
                    .map(Some)
                    .ok_or_else(|| error(&shown, "is not a 32-byte wrapping key".into()))
            }
            KeyWrap::RpiOtp => {
                let out = std::process::Command::new(RPI_OTP_COMMAND)
                    .stdin(std::process::Stdio::null())
                    .output()
                    .map_err(|e| error(RPI_OTP_COMMAND, format!("cannot run it: {e}")))?;
                if !out.status.success() {
                    return Err(error(
                        RPI_OTP_COMMAND,
                        format!("failed ({}): is the OTP readable (/dev/vcio)?", out.status),
                    ));
                }
                let key = key_bytes(&out.stdout)
                    .ok_or_else(|| error(RPI_OTP_COMMAND, "did not print a 32-byte key".into()))?;
                if key == [0; KEY_LEN] {
                    return Err(error(
                        RPI_OTP_COMMAND,
                        "the OTP customer key is not programmed (all zeros): \
                         rpi-otp-private-key -w first"
                            .into(),
                    ));
                }
                Ok(Some(key))
            }
        }
    }
}

/// 32 raw bytes, or 64 hex digits (with or without a trailing newline).
fn key_bytes(bytes: &[u8]) -> Option<[u8; KEY_LEN]> {
    if let Ok(raw) = <[u8; KEY_LEN]>::try_from(bytes) {
        return Some(raw);
    }
    let text = std::str::from_utf8(bytes).ok()?.trim();
    if text.len() != 2 * KEY_LEN {
        return None;
    }
    let mut key = [0u8; KEY_LEN];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

/// Where the data key comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    /// `$CREDENTIALS_DIRECTORY/vestibule-data-key`, handed in by systemd: read, never created
    /// nor rotated in place (rotate the file the unit's `LoadCredential=` names).
    Credential(PathBuf),
    /// A key file, created with a random key on first use.
    File(PathBuf),
}

impl KeyLocation {
    /// The rule: the systemd credential when `credentials_dir` holds one; else the configured
    /// `key_file` (`[storage] key_file`) when its directory exists; else `<database>.key` beside
    /// the database (developer machines, tests and `--sim`, where `/var/lib/vestibule` does not
    /// exist).
    pub fn resolve(credentials_dir: Option<&Path>, key_file: &Path, db: &Path) -> KeyLocation {
        if let Some(dir) = credentials_dir {
            let credential = dir.join(CREDENTIAL_NAME);
            if credential.exists() {
                return KeyLocation::Credential(credential);
            }
        }
        let dir = key_file.parent().filter(|d| !d.as_os_str().is_empty());
        if dir.is_none_or(Path::is_dir) && !key_file.as_os_str().is_empty() {
            return KeyLocation::File(key_file.to_owned());
        }
        KeyLocation::File(beside(db))
    }

    pub fn path(&self) -> &Path {
        match self {
            KeyLocation::Credential(p) | KeyLocation::File(p) => p,
        }
    }
}

/// `<db>.key`: the key file beside a database.
pub fn beside(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".key");
    PathBuf::from(name)
}

/// The file a rotation writes the new key to before renaming it over the key file.
pub fn pending(key_file: &Path) -> PathBuf {
    let mut name = key_file.as_os_str().to_owned();
    name.push(".new");
    PathBuf::from(name)
}

/// Renames `from` over `to` and syncs the directory: the key file is either the old key or
/// the new one, never half of each.
pub fn replace(from: &Path, to: &Path) -> Result<(), StoreError> {
    std::fs::rename(from, to).map_err(|e| StoreError::Key {
        path: to.display().to_string(),
        reason: format!("cannot replace it with {}: {e}", from.display()),
    })?;
    sync_dir(to)
}

fn sync_dir(path: &Path) -> Result<(), StoreError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::Key {
            path: path.display().to_string(),
            reason: format!("cannot sync its directory: {e}"),
        })
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Seals and opens personal records, and turns identity keys into tokens.
#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
    index: [u8; 32],
    badge: [u8; 32],
    id: u64,
}

/// Hex digits of a badge's sign-out signature: 80 bits, short enough for a small QR code,
/// far beyond guessing at a kiosk.
const BADGE_MAC_HEX: usize = 20;

impl Sealer {
    pub fn new(key: &Key) -> Sealer {
        Sealer {
            cipher: Aes256Gcm::new_from_slice(&key.0).expect("32-byte key"),
            index: hmac(&key.0, b"vestibule identity index v1"),
            badge: hmac(&key.0, b"vestibule badge sign-out v1"),
            id: key.id(),
        }
    }

    /// The key's fingerprint ([`Key::id`]).
    pub fn key_id(&self) -> u64 {
        self.id
    }

    /// The identity key's token (64 hex digits): what tables are keyed by.
    pub fn token(&self, identity: &str) -> String {
        hex(&hmac(&self.index, identity.as_bytes()))
    }

    /// A short token for audit lines (16 hex digits): correlates one person's events without
    /// naming them, and cannot be tested against a guessed name without the key.
    pub fn audit_token(&self, identity: &str) -> String {
        self.token(identity)[..16].to_owned()
    }

    /// `code` with its signature appended (`<code>.<mac>`): the badge's sign-out QR code, so
    /// nobody can print a code that signs someone else out.
    pub fn sign_badge(&self, code: &str) -> String {
        let mac = hex(&hmac(&self.badge, code.as_bytes()));
        format!("{code}.{}", &mac[..BADGE_MAC_HEX])
    }

    /// Whether a scanned sign-out code carries this kiosk's signature.
    pub fn badge_is_genuine(&self, signed: &str) -> bool {
        let Some((code, mac)) = signed.trim().rsplit_once('.') else {
            return false;
        };
        let Ok(mac) = (0..mac.len())
            .step_by(2)
            .map(|i| {
                mac.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect::<Option<Vec<u8>>>()
            .ok_or(())
        else {
            return false;
        };
        if mac.len() * 2 != BADGE_MAC_HEX {
            return false;
        }
        let mut check = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.badge)
            .expect("HMAC takes any key length");
        check.update(code.as_bytes());
        // constant time, over the leading bytes the badge carries
        check.verify_truncated_left(&mac).is_ok()
    }

    /// Seals `plain` for row `key` of `table`.
    pub fn seal(&self, table: &str, key: &str, plain: &[u8]) -> String {
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let nonce = Nonce::from(nonce_bytes);
        let aad = associated(table, key);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .expect("AES-GCM seals any record this size");
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce_bytes);
        bytes.extend_from_slice(&sealed);
        format!("{SEALED}{}", STANDARD.encode(bytes))
    }

    /// Opens what [`Sealer::seal`] sealed for the same table and row. `label` names the row in
    /// the error (a visit number, never a person).
    pub fn open(
        &self,
        table: &'static str,
        key: &str,
        label: &str,
        sealed: &str,
    ) -> Result<Vec<u8>, StoreError> {
        let error = || StoreError::Unseal {
            table,
            record: label.to_owned(),
        };
        let bytes = sealed
            .strip_prefix(SEALED)
            .and_then(|b| STANDARD.decode(b).ok())
            .filter(|b| b.len() > NONCE_LEN)
            .ok_or_else(error)?;
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at the nonce");
        let aad = associated(table, key);
        self.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: &aad,
                },
            )
            .map_err(|_| error())
    }
}

/// Whether a stored value is sealed (rather than a record written before encryption).
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(SEALED)
}

fn associated(table: &str, key: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(table.len() + 1 + key.len());
    aad.extend_from_slice(table.as_bytes());
    aad.push(0);
    aad.extend_from_slice(key.as_bytes());
    aad
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badge_codes_are_signed_and_a_forged_or_foreign_one_is_refused() {
        let sealer = Sealer::new(&Key::generate());
        let signed = sealer.sign_badge("VST1.V-0001.2026-11-23");
        assert!(signed.starts_with("VST1.V-0001.2026-11-23."), "{signed}");
        assert!(sealer.badge_is_genuine(&signed));
        assert!(sealer.badge_is_genuine(&format!(" {signed}\r\n")));
        // another visit number under the same signature, an unsigned code, another kiosk's key
        let forged = signed.replace("V-0001", "V-0002");
        assert!(!sealer.badge_is_genuine(&forged));
        assert!(!sealer.badge_is_genuine("VST1.V-0001.2026-11-23"));
        assert!(!sealer.badge_is_genuine(&format!("{signed}0")));
        assert!(!Sealer::new(&Key::generate()).badge_is_genuine(&signed));
    }

    #[test]
    fn sealed_records_open_only_in_their_row_and_under_their_key() {
        let key = Key::generate();
        let sealer = Sealer::new(&key);
        let sealed = sealer.seal("visits", "1", b"Jane Doe");
        assert!(is_sealed(&sealed) && !sealed.contains("Jane"));
        assert_eq!(
            sealer.open("visits", "1", "1", &sealed).unwrap(),
            b"Jane Doe"
        );
        assert_ne!(
            sealed,
            sealer.seal("visits", "1", b"Jane Doe"),
            "fresh nonce"
        );
        assert!(
            sealer.open("visits", "2", "2", &sealed).is_err(),
            "moved row"
        );
        assert!(
            sealer.open("blocked", "1", "1", &sealed).is_err(),
            "moved table"
        );
        let other = Sealer::new(&Key::generate());
        assert!(
            other.open("visits", "1", "1", &sealed).is_err(),
            "other key"
        );
        assert_eq!(sealer.token("A"), sealer.token("A"));
        assert_ne!(sealer.token("A"), other.token("A"));
        assert_eq!(sealer.token("A").len(), 64);
        assert!(!format!("{key:?}").contains(&hex(&key.0)));
    }

    #[test]
    fn key_files_are_created_private_and_loose_ones_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data.key");
        let key = Key::generate();
        key.write_new(&path).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(Key::read(&path).unwrap(), key);
        assert!(key.write_new(&path).is_err(), "never overwritten");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = Key::read(&path).unwrap_err().to_string();
        assert!(
            refused.contains("data.key") && refused.contains("0644"),
            "{refused}"
        );
        let short = dir.path().join("short.key");
        std::fs::write(&short, b"abc").unwrap();
        std::fs::set_permissions(&short, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(Key::read(&short)
            .unwrap_err()
            .to_string()
            .contains("3 bytes"));
    }

    #[test]
    fn a_credential_may_be_group_readable_as_systemd_257_writes_it_but_not_world_readable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CREDENTIAL_NAME);
        let key = Key::generate();
        key.write_new(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o440)).unwrap();
        assert_eq!(Key::read_credential(&path).unwrap(), key);
        assert!(Key::read(&path).is_err(), "a key file stays 0600");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let refused = Key::read_credential(&path).unwrap_err().to_string();
        assert!(refused.contains("0444"), "{refused}");
    }

    #[test]
    fn the_key_location_rule() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("v.redb");
        let missing = Path::new("/nonexistent-vestibule-dir/data.key");
        assert_eq!(
            KeyLocation::resolve(None, missing, &db),
            KeyLocation::File(dir.path().join("v.redb.key"))
        );
        let configured = dir.path().join("conf.key");
        assert_eq!(
            KeyLocation::resolve(None, &configured, &db),
            KeyLocation::File(configured.clone())
        );
        let creds = dir.path().join("creds");
        std::fs::create_dir(&creds).unwrap();
        assert_eq!(
            KeyLocation::resolve(Some(&creds), &configured, &db),
            KeyLocation::File(configured.clone()),
            "no credential in the directory"
        );
        std::fs::write(creds.join(CREDENTIAL_NAME), [0u8; 32]).unwrap();
        assert_eq!(
            KeyLocation::resolve(Some(&creds), &configured, &db),
            KeyLocation::Credential(creds.join(CREDENTIAL_NAME))
        );
    }
}
