//! Screening a visitor against the live registry and the school's watchlists, minus the records
//! staff already cleared for them. The kiosk and `vestibule screen` both go through here.

use redb::{ReadTransaction, ReadableDatabase, ReadableTable};

use super::decisions::Remembered;
use super::redb_index::RedbIndex;
use super::schema::{self, WATCHLIST};
use super::{Store, StoreError};
use crate::screening::RegistryIndex;
use crate::screening::{self, Candidate, MemoryIndex, Visitor};

pub use crate::screening::Source;

/// One record handed to staff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub source: Source,
    pub candidate: Candidate,
    /// Watchlist entries only: which list, `alert` or `deny`, and the school's note.
    pub watchlist: Option<WatchlistEntry>,
    /// Registry records only: the staff-facing columns the registry filled in (docs/interfaces.md:
    /// jurisdiction, race, height, weight, hair, eyes, city, offense, photo, updated).
    pub details: Vec<(&'static str, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchlistEntry {
    pub list: String,
    pub action: String,
    pub note: String,
    /// Custody entries only, from the optional `student_id` column: the one student the order
    /// is about (`None`: every student). Read by [`crate::sis::pickup`].
    pub student_id: Option<String>,
}

/// A consistent snapshot of everything screening reads. Cheap to keep for a batch of visitors.
pub struct Screener {
    registry: Option<RedbIndex>,
    /// Screening may go on without a registry only when the school said so.
    lists_only: bool,
    watchlist: MemoryIndex,
    entries: Vec<WatchlistEntry>,
    remembered: Remembered,
    _read: ReadTransaction,
}

impl Store {
    /// Screening against the registry and the school's lists. With no registry installed,
    /// [`Screener::screen`] refuses ([`StoreError::NoRegistry`]): "could not screen" is never
    /// "clear".
    pub fn screener(&self) -> Result<Screener, StoreError> {
        self.open_screener(false)
    }

    /// `lists_only`: the school deliberately screens only against its own lists
    /// (`[screening] lists_only`), so a missing registry is not an error.
    pub fn screener_for(&self, lists_only: bool) -> Result<Screener, StoreError> {
        self.open_screener(lists_only)
    }

    /// Whether an offender registry was ever imported into this database.
    pub fn registry_installed(&self) -> Result<bool, StoreError> {
        let read = self.db().begin_read()?;
        Ok(RedbIndex::open(&read)?.is_some())
    }

    fn open_screener(&self, lists_only: bool) -> Result<Screener, StoreError> {
        let read = self.db().begin_read()?;
        let registry = RedbIndex::open(&read)?;
        let (mut rows, mut entries) = (Vec::new(), Vec::new());
        match read.open_table(WATCHLIST) {
            Ok(table) => {
                for item in table.iter()? {
                    let (_, bytes) = item?;
                    if let Some((row, extra)) = schema::decode_row(bytes.value()) {
                        let field = |i: usize| extra.get(i).cloned().unwrap_or_default();
                        entries.push(WatchlistEntry {
                            list: field(0),
                            action: field(1),
                            note: field(2),
                            student_id: Some(field(3)).filter(|s| !s.is_empty()),
                        });
                        rows.push(row);
                    }
                }
            }
            Err(redb::TableError::TableDoesNotExist(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let remembered = Remembered::open(&read, self.sealer_arc())?;
        Ok(Screener {
            registry,
            lists_only,
            watchlist: MemoryIndex::new(rows),
            entries,
            remembered,
            _read: read,
        })
    }
}

impl Screener {
    /// Every flagged record for this visitor, best first. `document_last4` completes the
    /// identity key under which staff decisions are remembered.
    pub fn screen(
        &self,
        visitor: &Visitor,
        document_last4: Option<&str>,
    ) -> Result<Vec<Flag>, StoreError> {
        if self.registry.is_none() && !self.lists_only {
            return Err(StoreError::NoRegistry);
        }
        let identity = screening::identity_key(visitor, document_last4);
        let cleared = self.remembered.cleared(&identity)?;
        let mut flags = Vec::new();
        if let Some(block) = self.remembered.blocked(&identity)? {
            flags.push(blocked_flag(visitor, &block));
        }
        if let Some(registry) = &self.registry {
            for candidate in screening::screen(registry, visitor)? {
                flags.push(Flag {
                    source: Source::Registry,
                    details: registry.details(candidate.row)?,
                    candidate,
                    watchlist: None,
                });
            }
        }
        let Ok(watched) = screening::screen(&self.watchlist, visitor);
        for candidate in watched {
            let entry = self.entries.get(candidate.row as usize).cloned();
            flags.push(Flag {
                source: Source::Watchlist,
                candidate,
                watchlist: entry,
                details: Vec::new(),
            });
        }
        flags.retain(|f| {
            f.watchlist.as_ref().is_some_and(|w| w.list == BLOCKED_LIST)
                || !cleared.contains(&(f.source, f.candidate.record_id.clone()))
        });
        flags.sort_by(|a, b| screening::best_first(&a.candidate, &b.candidate));
        Ok(flags)
    }

    /// The records the weighed evidence ([`screening::lr`]) puts at or above its threshold, in
    /// the registry and the watchlists, as `(source, record id, evidence)`. Measured beside
    /// [`Screener::screen`] by `vestibule registry bench`; staff decisions are not applied.
    pub fn screen_weighed(
        &self,
        visitor: &Visitor,
    ) -> Result<Vec<(Source, String, screening::lr::Weighed)>, StoreError> {
        self.screen_weighed_above(visitor, screening::lr::THRESHOLD_BITS)
    }

    /// [`Screener::screen_weighed`] keeping every record at or above `floor` bits: for the
    /// benchmark, to see where the one threshold belongs.
    pub fn screen_weighed_above(
        &self,
        visitor: &Visitor,
        floor: f64,
    ) -> Result<Vec<(Source, String, screening::lr::Weighed)>, StoreError> {
        let mut out = Vec::new();
        if let Some(registry) = &self.registry {
            let total = registry.row_count()?;
            let mut shares: std::collections::HashMap<String, f64> = Default::default();
            let mut error = None;
            let small = total <= screening::SMALL_LIST;
            let mut share = |term: &str| {
                if small {
                    return screening::UNWEIGHED_SHARE;
                }
                *shares.entry(term.to_owned()).or_insert_with(|| {
                    match screening::term_rows(registry, term) {
                        Ok(count) => f64::from(count.max(1)) / f64::from(total.max(1)),
                        Err(e) => {
                            error = Some(e);
                            1.0
                        }
                    }
                })
            };
            let found = screening::screen_weighed_by(registry, visitor, &mut share, floor)?;
            if let Some(e) = error {
                return Err(e);
            }
            for (_, row, weighed) in found {
                out.push((Source::Registry, row.record_id, weighed));
            }
        }
        // A school's list is weighed as if each of its names were a common one: its entries
        // are often undated, so a name is all there is, and one name agreeing with a
        // registry-rare name must not flag every visitor who shares it (measured: one clean
        // visitor in ten, by 400 entries, when weighed by the registry's frequencies).
        let mut share = |_: &str| screening::UNWEIGHED_SHARE;
        let Ok(watched) = screening::screen_weighed_by(&self.watchlist, visitor, &mut share, floor);
        for (_, row, weighed) in watched {
            out.push((Source::Watchlist, row.record_id, weighed));
        }
        Ok(out)
    }
}

/// The list a blocked person's flag names ("allow once and block").
pub const BLOCKED_LIST: &str = "blocked";

/// A blocked person comes back: staff see it as a `deny` entry on the school's `blocked` list,
/// naming the record they confirmed and who blocked them when.
fn blocked_flag(visitor: &Visitor, block: &super::visits::Block) -> Flag {
    Flag {
        source: Source::Watchlist,
        candidate: Candidate {
            record_id: format!("BLOCKED:{}", block.record_id),
            row: u32::MAX,
            alias: false,
            assessment: screening::score::Assessment {
                score: 100,
                reasons: vec!["blocked"],
                sex_agrees: None,
            },
            name: screening::NameRow {
                record_id: format!("BLOCKED:{}", block.record_id),
                alias: false,
                last_name: visitor.last_name.clone(),
                first_name: visitor.first_name.clone(),
                middle_name: visitor.middle_name.clone(),
                suffix: visitor.suffix.clone(),
                dob: visitor.dob,
                sex: visitor.sex,
            },
        },
        watchlist: Some(WatchlistEntry {
            list: BLOCKED_LIST.into(),
            action: "deny".into(),
            note: format!(
                "Allowed once and blocked on {} by {} ({} record {})",
                block.at, block.by, block.source, block.record_id
            ),
            student_id: None,
        }),
        details: Vec::new(),
    }
}
