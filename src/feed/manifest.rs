//! The manifest: what one feed directory offers, signed by the district.
//!
//! `manifest.json` is a signed envelope, one file so that a server swapping it in (rename) can
//! never pair a new manifest with an old signature:
//!
//! ```json
//! {"manifest": "<the manifest JSON, as a string>", "signature": "<base64 Ed25519 signature>",
//!  "public_key": "<base64, informational>"}
//! ```
//!
//! The signature covers exactly the UTF-8 bytes of the `manifest` string. Only after it verifies
//! is that string parsed as a [`Manifest`].

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::FeedError;

pub const FORMAT: &str = "vestibule-registry-feed";
pub const VERSION: u32 = 1;
/// The envelope's name in a feed directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// A feed release. Unknown keys are ignored, so a later publisher may add some.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] for this reader; a newer one is refused.
    pub version: u32,
    /// Grows with every release; a kiosk never installs a serial below the one it has.
    pub serial: u64,
    /// RFC 3339, UTC.
    pub created: String,
    /// RFC 3339, UTC: a kiosk refuses the manifest after this, so a feed frozen or replayed by
    /// someone between the district and the kiosk stops being believed (the registry installed
    /// before keeps answering and ages into the `registry-stale` alert). Absent in manifests
    /// published before it existed: accepted with a warning (see [`Manifest::expired`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Name rows and people in the snapshot.
    pub rows: u64,
    pub people: u64,
    pub snapshot: Snapshot,
    /// Present when the release was published against a previous one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<Delta>,
    /// Present when the district published its invitation revocations with the release
    /// ([`super::revocations`]). A kiosk adds them to its own; one that predates them ignores
    /// the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocations: Option<RevocationList>,
}

/// The revocation list's canonical CSV, served as is (it is small).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationList {
    pub file: String,
    pub size: u64,
    pub sha256: String,
    /// Invitations in the list.
    pub count: u64,
}

/// The full registry: the canonical CSV ([`super::rows`]), zstd-compressed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub file: String,
    /// Size and SHA-256 of the compressed file as served.
    pub size: u64,
    pub sha256: String,
    /// Size and SHA-256 of the canonical CSV inside: what a kiosk rebuilding the registry from a
    /// delta must arrive at.
    pub csv_size: u64,
    pub csv_sha256: String,
}

/// The changes from the release `base_serial` to this one, zstd-compressed ([`super::rows`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    pub file: String,
    pub size: u64,
    pub sha256: String,
    pub base_serial: u64,
    /// The canonical CSV the delta applies to.
    pub base_csv_sha256: String,
    /// People added or changed, and people removed.
    pub upserts: u64,
    pub removals: u64,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    manifest: String,
    signature: String,
    #[serde(default)]
    public_key: String,
}

/// The envelope's bytes for `manifest`, signed with `key`.
pub fn seal(manifest: &Manifest, key: &SigningKey) -> Result<Vec<u8>, FeedError> {
    let text =
        serde_json::to_string_pretty(manifest).map_err(|e| FeedError::Manifest(e.to_string()))?;
    let signature = key.sign(text.as_bytes());
    let envelope = Envelope {
        manifest: text,
        signature: STANDARD.encode(signature.to_bytes()),
        public_key: super::keys::public_base64(&key.verifying_key()),
    };
    let mut bytes =
        serde_json::to_vec_pretty(&envelope).map_err(|e| FeedError::Manifest(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Verifies the envelope with `key` and only then reads the manifest inside.
pub fn open(bytes: &[u8], key: &VerifyingKey) -> Result<Manifest, FeedError> {
    let envelope: Envelope = serde_json::from_slice(bytes)
        .map_err(|_| FeedError::Manifest("not a signed vestibule feed manifest".into()))?;
    let signature: [u8; 64] = STANDARD
        .decode(envelope.signature.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(FeedError::Signature)?;
    key.verify_strict(
        envelope.manifest.as_bytes(),
        &Signature::from_bytes(&signature),
    )
    .map_err(|_| FeedError::Signature)?;
    let manifest: Manifest = serde_json::from_str(&envelope.manifest)
        .map_err(|e| FeedError::Manifest(format!("signed, but unreadable: {e}")))?;
    manifest.check()?;
    Ok(manifest)
}

/// Reads the manifest inside an envelope WITHOUT checking its signature: only for the publisher
/// looking at its own output directory to pick the next serial.
pub fn peek(bytes: &[u8]) -> Option<Manifest> {
    let envelope: Envelope = serde_json::from_slice(bytes).ok()?;
    serde_json::from_str(&envelope.manifest).ok()
}

/// The largest canonical CSV a kiosk decompresses, whatever a manifest declares: about twelve
/// times the largest registry measured (146 MB for 900,000 people).
pub const CSV_SIZE_CAP: u64 = 2 << 30;

impl Manifest {
    /// Whether the manifest is past its `valid_until` at `now` (Unix seconds): `Err` with the
    /// refusal when it is or when the value is unreadable, `Ok(false)` when it has none.
    ///
    /// A manifest without `valid_until` is accepted: the serial check already refuses every
    /// older release, so the only such manifests a kiosk can still be shown are the district's
    /// last one(s) from before the upgrade, and the first release published with validity
    /// closes that door for good (its serial is higher). Refusing them would leave every
    /// kiosk of a district that upgrades its kiosks before its publisher without a registry.
    pub fn expired(&self, now: u64) -> Result<bool, FeedError> {
        let Some(until) = &self.valid_until else {
            return Ok(false);
        };
        let at = time::OffsetDateTime::parse(until, &time::format_description::well_known::Rfc3339)
            .map_err(|_| FeedError::Manifest(format!("valid_until `{until}` is not RFC 3339")))?;
        if (at.unix_timestamp().max(0) as u64) < now {
            return Err(FeedError::Expired {
                serial: self.serial,
                valid_until: until.clone(),
            });
        }
        Ok(true)
    }

    /// Format, version, and file names a kiosk may safely join to its own paths.
    fn check(&self) -> Result<(), FeedError> {
        if self.format != FORMAT {
            return Err(FeedError::Manifest(format!(
                "format `{}` is not {FORMAT}",
                self.format
            )));
        }
        if self.version != VERSION {
            return Err(FeedError::Manifest(format!(
                "version {} is not {VERSION}: upgrade vestibule",
                self.version
            )));
        }
        if self.snapshot.csv_size > CSV_SIZE_CAP {
            return Err(FeedError::Manifest(format!(
                "the snapshot declares {} bytes of CSV, above the kiosk's cap of {CSV_SIZE_CAP}",
                self.snapshot.csv_size
            )));
        }
        let names = std::iter::once(&self.snapshot.file)
            .chain(self.delta.as_ref().map(|d| &d.file))
            .chain(self.revocations.as_ref().map(|r| &r.file));
        for name in names {
            if !plain_file_name(name) {
                return Err(FeedError::Manifest(format!(
                    "file name `{name}` is not a plain file name"
                )));
            }
        }
        Ok(())
    }
}

/// Letters, digits, `.`, `_`, `-`; not starting with a dot.
pub fn plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            version: VERSION,
            serial: 7,
            created: "2026-01-01T00:00:00Z".into(),
            valid_until: None,
            rows: 3,
            people: 2,
            snapshot: Snapshot {
                file: "snapshot-7.csv.zst".into(),
                size: 10,
                sha256: "00".into(),
                csv_size: 20,
                csv_sha256: "11".into(),
            },
            delta: None,
            revocations: None,
        }
    }

    #[test]
    fn a_manifest_without_revocations_still_opens_and_names_are_checked() {
        let key = SigningKey::from_bytes(&[7; 32]);
        // A manifest written before revocation lists: the key is simply absent.
        let text = serde_json::to_string(&manifest()).unwrap();
        assert!(!text.contains("revocations"));
        assert_eq!(
            open(&seal(&manifest(), &key).unwrap(), &key.verifying_key()).unwrap(),
            manifest()
        );
        let mut with = manifest();
        with.revocations = Some(RevocationList {
            file: "../revocations-7.csv".into(),
            size: 1,
            sha256: "22".into(),
            count: 1,
        });
        let sealed = seal(&with, &key).unwrap();
        assert!(matches!(
            open(&sealed, &key.verifying_key()),
            Err(FeedError::Manifest(m)) if m.contains("plain file name")
        ));
    }

    #[test]
    fn sealed_manifest_opens_with_its_key_only() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let other = SigningKey::from_bytes(&[8; 32]);
        let bytes = seal(&manifest(), &key).unwrap();
        assert_eq!(open(&bytes, &key.verifying_key()).unwrap(), manifest());
        assert!(matches!(
            open(&bytes, &other.verifying_key()),
            Err(FeedError::Signature)
        ));
        let tampered = String::from_utf8(bytes)
            .unwrap()
            .replace("\\\"serial\\\": 7", "\\\"serial\\\": 9");
        assert!(tampered.contains("\\\"serial\\\": 9"));
        assert!(matches!(
            open(tampered.as_bytes(), &key.verifying_key()),
            Err(FeedError::Signature)
        ));
    }

    #[test]
    fn validity_is_checked_and_old_manifests_pass() {
        let mut m = manifest();
        assert!(!m.expired(u64::MAX).unwrap());
        m.valid_until = Some("2026-01-08T00:00:00Z".into());
        let until = 1_767_830_400; // 2026-01-08T00:00:00Z
        assert!(m.expired(until).unwrap());
        assert!(matches!(
            m.expired(until + 1),
            Err(FeedError::Expired { .. })
        ));
        m.valid_until = Some("next week".into());
        assert!(matches!(m.expired(0), Err(FeedError::Manifest(_))));
        let mut big = manifest();
        big.snapshot.csv_size = CSV_SIZE_CAP + 1;
        let key = SigningKey::from_bytes(&[7; 32]);
        assert!(matches!(
            open(&seal(&big, &key).unwrap(), &key.verifying_key()),
            Err(FeedError::Manifest(m)) if m.contains("cap")
        ));
    }

    #[test]
    fn file_names_must_be_plain() {
        assert!(plain_file_name("snapshot-7.csv.zst"));
        for bad in ["../x", "a/b", ".hidden", "", "a b"] {
            assert!(!plain_file_name(bad), "{bad}");
        }
    }
}
