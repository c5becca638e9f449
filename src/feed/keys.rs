//! Feed keys: the district's Ed25519 signing key and the public key every kiosk is given.
//!
//! Both are stored as one line of standard base64: the signing key as its 32-byte seed (file
//! mode 0600), the public key as its 32 bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{SigningKey, VerifyingKey};

use super::FeedError;

/// Writes a new signing key to `out` (refusing to overwrite one) and its public key to
/// `out.pub`; returns the public key in base64.
pub fn generate(out: &Path) -> Result<String, FeedError> {
    // rand's thread generator is a CSPRNG seeded from the operating system.
    let seed: [u8; 32] = rand::random();
    let key = SigningKey::from_bytes(&seed);
    write_private(out, &format!("{}\n", STANDARD.encode(seed)))?;
    let public = public_base64(&key.verifying_key());
    let pub_path = public_path(out);
    std::fs::write(&pub_path, format!("{public}\n")).map_err(FeedError::io(pub_path.display()))?;
    Ok(public)
}

/// Where [`generate`] puts the public key beside `private`.
pub fn public_path(private: &Path) -> PathBuf {
    let mut name = private.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> Result<(), FeedError> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(FeedError::io(path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(FeedError::io(path.display()))
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> Result<(), FeedError> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(FeedError::io(path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(FeedError::io(path.display()))
}

/// Reads a signing key file written by [`generate`].
pub fn load_signing(path: &Path) -> Result<SigningKey, FeedError> {
    let text = std::fs::read_to_string(path).map_err(FeedError::io(path.display()))?;
    let seed: [u8; 32] = decode32(text.trim()).ok_or_else(|| {
        FeedError::Key(format!(
            "{} is not a vestibule signing key (one line of base64, 32 bytes)",
            path.display()
        ))
    })?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A public key given as base64 text, or as the path of a file holding it.
pub fn parse_public(value: &str) -> Result<VerifyingKey, FeedError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FeedError::Key(
            "no feed public key: set sync.public_key or pass --pubkey".into(),
        ));
    }
    let bytes = match decode32(value) {
        Some(bytes) => bytes,
        None => {
            let text = std::fs::read_to_string(value).map_err(|e| {
                FeedError::Key(format!(
                    "`{value}` is neither a base64 public key nor a readable file ({e})"
                ))
            })?;
            decode32(text.trim()).ok_or_else(|| {
                FeedError::Key(format!("{value} does not hold a base64 Ed25519 public key"))
            })?
        }
    };
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| FeedError::Key("the feed public key is not a valid Ed25519 point".into()))
}

pub fn public_base64(key: &VerifyingKey) -> String {
    STANDARD.encode(key.as_bytes())
}

fn decode32(text: &str) -> Option<[u8; 32]> {
    STANDARD.decode(text).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_loads_and_matches_its_public_key() {
        let dir = std::env::temp_dir().join(format!("vestibule-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("signing.key");
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(public_path(&path));
        let public = generate(&path).unwrap();
        let key = load_signing(&path).unwrap();
        assert_eq!(public_base64(&key.verifying_key()), public);
        assert_eq!(parse_public(&public).unwrap(), key.verifying_key());
        let from_file = parse_public(public_path(&path).to_str().unwrap()).unwrap();
        assert_eq!(from_file, key.verifying_key());
        assert!(generate(&path).is_err(), "never overwrites a signing key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
