//! The kiosk's one database file (redb): the registry, the school's watchlists, the search
//! index, and the decisions staff made.
//!
//! - [`schema`]: table definitions, the schema version and the migration hook.
//! - [`import`]: registry and watchlist CSV imports (contracts.md sections 2-3): streaming,
//!   atomic, a malformed row names its line and changes nothing.
//! - [`redb_index`]: the screening index read straight from redb tables ([`RedbIndex`]).
//! - [`decisions`]: remembered "not a match" decisions, and their audit trail.
//! - [`screener`]: screening a visitor against registry + watchlists minus remembered decisions.
//!
//! Atomic replacement: an import writes the new registry and its index inside ONE redb write
//! transaction. redb is copy-on-write, so the new tables are built beside the live ones and the
//! commit swaps them in; until then every reader keeps answering from the previous registry, and
//! a failed or killed import never commits.

pub mod decisions;
pub mod import;
pub mod redb_index;
pub mod schema;
pub mod screener;

use std::path::Path;

use redb::Database;

pub use import::ImportSummary;
pub use redb_index::RedbIndex;
pub use screener::{Flag, Screener, Source};

/// Why the store refused or failed. One line each, never quoting a person's data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("line {line}: {reason}")]
    BadRow { line: u64, reason: String },
    #[error("{0}")]
    BadFile(String),
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
    db: Database,
}

impl Store {
    /// Opens `path`, creating an empty database when it does not exist, and migrates its schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let db = redb::Builder::new()
            .set_cache_size(CACHE_BYTES)
            .create(path)
            .map_err(|e| StoreError::Open {
                path: path.display().to_string(),
                message: e.to_string().replace('\n', " "),
            })?;
        let store = Store { db };
        schema::migrate(&store.db)?;
        Ok(store)
    }

    /// A read snapshot, for [`RedbIndex::open`] (benchmarks and tools).
    pub fn begin_read(&self) -> Result<redb::ReadTransaction, StoreError> {
        use redb::ReadableDatabase;
        Ok(self.db.begin_read()?)
    }

    pub(crate) fn db(&self) -> &Database {
        &self.db
    }
}
