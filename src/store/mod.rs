//! The kiosk's one database file (redb): the registry, the school's watchlists, the search
//! index, and the decisions staff made.
//!
//! - [`schema`]: table definitions, the schema version and the migration hook.
//! - [`import`]: registry and watchlist CSV imports (docs/interfaces.md): streaming,
//!   atomic, a malformed row names its line and changes nothing.
//! - [`redb_index`]: the screening index read straight from redb tables ([`RedbIndex`]).
//! - [`decisions`]: remembered "not a match" decisions, and their audit trail.
//! - [`screener`]: screening a visitor against registry + watchlists minus remembered decisions.
//! - [`crypto`]: the data key; visits, decisions and blocks sealed with AES-256-GCM, identity
//!   keys replaced by keyed tokens. [`Store::open`] needs no key (registry, watchlists,
//!   screening without remembered decisions); [`Store::open_personal`] / [`Store::with_key`]
//!   give access to the personal tables.
//! - [`audit`]: the hash-chained audit trail and its check.
//! - [`purge`]: retention (old visits and decisions deleted) and key rotation.
//! - [`outbox`]: alerts and visit uploads waiting for delivery, sealed, one entry per channel.
//! - [`students`]: the SIS roster (students, guardians; replaced whole) and student events
//!   (late arrivals, early dismissals), all sealed.
//!
//! Atomic replacement: an import writes the new registry and its index inside ONE redb write
//! transaction. redb is copy-on-write, so the new tables are built beside the live ones and the
//! commit swaps them in; until then every reader keeps answering from the previous registry, and
//! a failed or killed import never commits.

pub mod audit;
pub mod crypto;
pub mod decisions;
pub mod import;
pub mod invitations;
pub mod kiosk_state;
pub mod outbox;
pub mod purge;
pub mod redb_index;
pub mod schema;
pub mod screener;
pub mod students;
pub mod visits;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};

use redb::Database;

pub use audit::AuditCheck;
pub use crypto::{Key, KeyLocation, KeyWrap};
pub use import::{BadRow, ImportPolicy, ImportSummary, DEFAULT_MAX_BAD_SHARE};
pub use purge::{Cutoffs, PurgeSummary, ResealSummary};
pub use redb_index::RedbIndex;
pub use screener::{Flag, Screener, Source};

/// Why the store refused or failed. One line each, never quoting a person's data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("line {line}: {reason}")]
    BadRow { line: u64, reason: String },
    #[error("{0}")]
    BadFile(String),
    /// A registry import refused for its share of bad rows (none of it committed). Names lines
    /// and columns only, never a row's content.
    #[error("{bad} of {rows} registry rows are bad ({share_pct:.2}%, more than the {allowed_pct}% allowed, or no good row left): nothing imported, the previous registry keeps answering; {first}")]
    TooManyBadRows {
        bad: u64,
        rows: u64,
        share_pct: f64,
        allowed_pct: f64,
        first: String,
    },
    #[error("cannot read {what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("database {path}: {message}")]
    Open { path: String, message: String },
    #[error("database error: {0}")]
    Database(String),
    #[error("database schema {found} is newer than this vestibule understands ({supported}): upgrade vestibule")]
    NewerSchema { found: u64, supported: u64 },
    #[error("data key {path}: {reason}")]
    Key { path: String, reason: String },
    #[error("personal records (visits, decisions, blocks) need the data key: the store was opened without it")]
    NoKey,
    #[error("the data key {key_id:016x} is not the key this database's personal records are sealed under ({expected:016x})")]
    WrongKey { key_id: u64, expected: u64 },
    #[error("{table} record {record}: cannot be opened with the data key (altered, moved or sealed under another key)")]
    Unseal { table: &'static str, record: String },
    /// Screening without the offender registry would clear everybody it should flag.
    #[error("no offender registry is installed: sync the registry feed or `vestibule registry import` one (a school that screens only against its own lists sets `[screening] lists_only = true`)")]
    NoRegistry,
}

/// Opens (or creates) the database file with the kiosk's cache size.
fn open_file(path: &Path) -> Result<Database, StoreError> {
    redb::Builder::new()
        .set_cache_size(CACHE_BYTES)
        .create(path)
        .map_err(|e| StoreError::Open {
            path: path.display().to_string(),
            message: e.to_string().replace('\n', " "),
        })
}

/// The stand-in while [`Store::reopen`] has the file closed: an in-memory database that fails
/// every read and write once it is set up, so nothing reads "empty" where records are.
#[derive(Debug)]
struct Closed {
    memory: redb::backends::InMemoryBackend,
    /// Set once the stand-in is set up.
    shut: Arc<AtomicBool>,
}

impl Closed {
    fn check(&self) -> std::io::Result<()> {
        if self.shut.load(Ordering::Acquire) {
            return Err(std::io::Error::other("the database file is being reopened"));
        }
        Ok(())
    }
}

impl redb::StorageBackend for Closed {
    fn len(&self) -> std::io::Result<u64> {
        self.memory.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        self.check()?;
        self.memory.read(offset, out)
    }

    fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.check()?;
        self.memory.set_len(len)
    }

    fn sync_data(&self) -> std::io::Result<()> {
        self.check()?;
        self.memory.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        self.check()?;
        self.memory.write(offset, data)
    }
}

macro_rules! database_errors {
    ($($error:ty),*) => {
        $(impl From<$error> for StoreError {
            fn from(e: $error) -> Self {
                StoreError::Database(e.to_string().replace('\n', " "))
            }
        })*
    };
}
database_errors!(
    redb::Error,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// redb's page cache. Big enough to hold the hot part of the index; small enough to keep an
/// import of two million rows under 300 MB.
const CACHE_BYTES: usize = 96 * 1024 * 1024;

/// An open database file.
pub struct Store {
    /// Behind a lock only so that [`Store::compact`] can have the `&mut Database` redb's
    /// compaction needs while every other use shares it; the lock is held for the length of one
    /// call into redb (transactions are not bound to it).
    db: RwLock<Database>,
    /// The file, for [`Store::reopen`].
    path: PathBuf,
    /// The data key's sealer; `None` for a store opened without it (no personal tables).
    sealer: Option<Arc<crypto::Sealer>>,
}

impl Store {
    /// Opens `path`, creating an empty database when it does not exist, and migrates its schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = open_file(path)?;
        schema::migrate(&db)?;
        Ok(Store {
            db: RwLock::new(db),
            path: path.to_owned(),
            sealer: None,
        })
    }

    /// Closes the database file and opens it again (same file, same data key). After an I/O
    /// error in a commit redb refuses every later transaction until the file is opened again
    /// (`PreviousIo`): the kiosk's out-of-service probe calls this when a write still fails, so
    /// the kiosk serves again once the disk takes writes, without a restart.
    ///
    /// redb keeps the file locked while it is open, so the old handle is closed first; until
    /// the file opens again a stand-in that fails every read and write takes its place (never
    /// an empty database answering "no records"). Waits for calls into the database in
    /// progress; a transaction still held elsewhere (an import) keeps the file locked and the
    /// reopening fails until it ends.
    pub fn reopen(&self) -> Result<(), StoreError> {
        let mut db = self.db.write().unwrap_or_else(PoisonError::into_inner);
        let shut = Arc::new(AtomicBool::new(false));
        let closed = redb::Builder::new()
            .create_with_backend(Closed {
                memory: redb::backends::InMemoryBackend::new(),
                shut: shut.clone(),
            })
            .map_err(|e| StoreError::Database(e.to_string()))?;
        shut.store(true, Ordering::Release);
        drop(std::mem::replace(&mut *db, closed));
        let opened = open_file(&self.path)?;
        schema::migrate(&opened)?;
        *db = opened;
        Ok(())
    }

    /// Opens `path` with the data key, for the personal tables ([`Store::with_key`]).
    pub fn open_with_key(path: &Path, key: &Key) -> Result<Store, StoreError> {
        Store::open(path)?.with_key(key)
    }

    /// Opens `path` with the key at `location`: a key file is created (random, 0600) when it
    /// is missing and the database has no sealed records yet; a rotation a crash interrupted
    /// is finished or undone first ([`Store::rotate_key`]).
    pub fn open_personal(path: &Path, location: &KeyLocation) -> Result<Store, StoreError> {
        Store::open_personal_wrapped(path, location, &KeyWrap::None)
    }

    /// [`Store::open_personal`] with a key file stored wrapped as `wrap` says (`[storage]
    /// key_wrap`); a key file it creates is wrapped. A systemd credential is always the plain
    /// key (vestibule-data-key.service unwraps it into memory).
    pub fn open_personal_wrapped(
        path: &Path,
        location: &KeyLocation,
        wrap: &KeyWrap,
    ) -> Result<Store, StoreError> {
        let store = Store::open(path)?;
        let key = match location {
            KeyLocation::Credential(file) => Key::read_credential(file)?,
            KeyLocation::File(file) => purge::load_key_file(&store, file, wrap)?,
        };
        store.with_key(&key).map_err(|e| match e {
            StoreError::WrongKey { .. } => StoreError::Key {
                path: location.path().display().to_string(),
                reason: e.to_string(),
            },
            e => e,
        })
    }

    /// Gives this store the data key. The database remembers the first key's fingerprint
    /// (`meta.data_key_id`) and refuses any other; records written before encryption are
    /// sealed now, in one transaction.
    pub fn with_key(mut self, key: &Key) -> Result<Store, StoreError> {
        let expected = schema::meta_value(&self.db(), schema::META_DATA_KEY_ID)?;
        if expected != 0 && expected != key.id() {
            return Err(StoreError::WrongKey {
                key_id: key.id(),
                expected,
            });
        }
        let sealer = crypto::Sealer::new(key);
        if expected == 0 {
            purge::seal_clear_records(&self, &sealer)?;
        }
        self.sealer = Some(Arc::new(sealer));
        Ok(self)
    }

    /// The data key's fingerprint, when the store has it.
    pub fn key_id(&self) -> Option<u64> {
        self.sealer.as_ref().map(|s| s.key_id())
    }

    /// The sign-out QR code for a badge, signed with the data key; unsigned when the store
    /// has no key (a registry-only store: nothing to sign out against anyway).
    pub fn sign_badge(&self, code: &str) -> String {
        match &self.sealer {
            Some(sealer) => sealer.sign_badge(code),
            None => code.to_owned(),
        }
    }

    /// Whether a scanned sign-out code is one this kiosk signed.
    pub fn badge_is_genuine(&self, scanned: &str) -> bool {
        self.sealer
            .as_ref()
            .is_some_and(|sealer| sealer.badge_is_genuine(scanned))
    }

    pub(crate) fn sealer(&self) -> Result<&crypto::Sealer, StoreError> {
        self.sealer.as_deref().ok_or(StoreError::NoKey)
    }

    pub(crate) fn sealer_arc(&self) -> Option<Arc<crypto::Sealer>> {
        self.sealer.clone()
    }

    /// A read snapshot, for [`RedbIndex::open`] (benchmarks and tools).
    pub fn begin_read(&self) -> Result<redb::ReadTransaction, StoreError> {
        use redb::ReadableDatabase;
        Ok(self.db().begin_read()?)
    }

    /// Gives the file back the pages an earlier registry left free, so that importing into a
    /// file that already holds one does not leave it twice the size. Returns whether it ran: it
    /// does not while this process holds a read transaction (a [`Screener`], a
    /// [`RedbIndex`]) or another thread is using the store, and leaves the file as it was.
    ///
    /// Safe at any moment: it only moves committed pages, with two-phase commits, so a kill
    /// part-way leaves the registry committed before it answering (the next open repairs the
    /// file first).
    pub fn compact(&self) -> Result<bool, StoreError> {
        let Ok(mut db) = self.db.try_write() else {
            return Ok(false);
        };
        match db.compact() {
            Ok(_) => Ok(true),
            Err(
                redb::CompactionError::TransactionInProgress
                | redb::CompactionError::EphemeralSavepointExists
                | redb::CompactionError::PersistentSavepointExists,
            ) => Ok(false),
            Err(e) => Err(StoreError::Database(format!(
                "compacting the file: {}",
                e.to_string().replace('\n', " ")
            ))),
        }
    }

    pub(crate) fn db(&self) -> RwLockReadGuard<'_, Database> {
        self.db.read().unwrap_or_else(PoisonError::into_inner)
    }
}
