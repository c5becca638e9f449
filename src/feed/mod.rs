//! The signed registry feed (docs/feed.md): the district publishes, kiosks sync.
//!
//! - [`keys`]: Ed25519 signing keys (`registry keygen`) and the public key kiosks are given.
//! - [`manifest`]: what a feed directory offers (serial, snapshot, delta, their SHA-256),
//!   inside a signed envelope `manifest.json`.
//! - [`rows`]: the canonical snapshot CSV (sorted by `record_id`) and deltas over it.
//! - [`revocations`]: the invitation revocation list a release may carry, so a revocation
//!   made anywhere reaches every kiosk.
//! - [`publish`]: district side, `registry publish`: validate, canonicalise, compress, sign.
//! - [`sync`]: kiosk side, `registry sync`: HTTPS trusting only the provisioned CA, signature,
//!   replay check, resumable download, hash check, atomic import through the store.
//!
//! Every refusal happens before the store's import begins, and the import itself is one redb
//! transaction: whatever goes wrong, the registry that answered before keeps answering.

pub mod background;
pub mod keys;
pub mod manifest;
pub mod publish;
pub mod revocations;
pub mod rows;
pub mod sync;

use crate::store::StoreError;

/// `meta` key: the serial of the feed manifest whose registry is installed (0: none).
pub const FEED_SERIAL: &str = "feed_serial";
/// `meta` key: when a sync last found the registry current (Unix seconds).
pub const FEED_SYNCED_AT: &str = "feed_synced_unix";
/// `meta` key: the serial of the last release whose revocation list this database holds.
pub const FEED_REVOCATIONS_SERIAL: &str = "feed_revocations_serial";

/// Why publishing or syncing refused. One line each; never quotes a registry row.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("{file}: {source}")]
    Registry { file: String, source: StoreError },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("key: {0}")]
    Key(String),
    #[error("manifest: {0}")]
    Manifest(String),
    #[error("the manifest's signature does not verify with the provisioned feed public key (wrong key or tampered manifest)")]
    Signature,
    #[error("the feed offers serial {offered}, older than the installed serial {installed}: refused as a replay")]
    Replay { offered: u64, installed: u64 },
    #[error("the feed's manifest (serial {serial}) expired at {valid_until}: a frozen or replayed feed, refused; the installed registry keeps answering")]
    Expired { serial: u64, valid_until: String },
    #[error("{0}")]
    Tls(String),
    #[error("{0}")]
    Network(String),
    #[error("{file}: {reason}; discarded")]
    Mismatch { file: String, reason: String },
    #[error("{file}: download interrupted after {have} of {total} bytes ({reason}); the next sync resumes it")]
    Interrupted {
        file: String,
        have: u64,
        total: u64,
        reason: String,
    },
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Revocations(#[from] revocations::ListError),
}

impl FeedError {
    /// An IO error about `what` (a path, usually).
    pub fn io(what: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> FeedError {
        let what = what.to_string();
        move |source| FeedError::Io { what, source }
    }
}

/// Seconds since the Unix epoch, 0 for a clock before 1970.
pub(crate) fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Lower-case hex, for digests in manifests.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
