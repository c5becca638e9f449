//! [`RegistryIndex`] read straight from the redb tables of one read transaction (a consistent
//! snapshot: an import committing meanwhile is not seen until the next transaction).

use redb::{ReadOnlyTable, ReadTransaction, ReadableTableMetadata, TableDefinition};

use super::schema::{self, RegistryExtras, DELETIONS, POSTINGS, REGISTRY_ROWS, TERMS};
use super::StoreError;
use crate::screening::{index, NameRow, RegistryIndex, RowId, TermId};

/// Term id -> how many name rows carry it (its posting length), written by the import beside
/// the postings so the weighed score ([`crate::screening::lr`]) reads a name's frequency
/// without reading its postings. A file imported before this table existed has none; the
/// frequency is then read from the postings' length (same answer, slower).
pub const TERM_ROWS: TableDefinition<u32, u32> = TableDefinition::new("index_term_rows");

pub struct RedbIndex {
    terms: ReadOnlyTable<&'static str, u32>,
    deletions: ReadOnlyTable<u64, &'static [u8]>,
    postings: ReadOnlyTable<u32, &'static [u8]>,
    rows: ReadOnlyTable<u32, &'static [u8]>,
    /// Name rows in this snapshot, counted once at open.
    row_count: u32,
    frequencies: Option<ReadOnlyTable<u32, u32>>,
}

impl RedbIndex {
    /// The registry index of this snapshot; `None` when no registry was ever imported.
    pub fn open(read: &ReadTransaction) -> Result<Option<RedbIndex>, StoreError> {
        let rows = match read.open_table(REGISTRY_ROWS) {
            Ok(rows) => rows,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let row_count = u32::try_from(rows.len()?).unwrap_or(u32::MAX);
        let frequencies = match read.open_table(TERM_ROWS) {
            Ok(table) => Some(table),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(Some(RedbIndex {
            row_count,
            frequencies,
            terms: read.open_table(TERMS)?,
            deletions: read.open_table(DELETIONS)?,
            postings: read.open_table(POSTINGS)?,
            rows,
        }))
    }
}

impl RegistryIndex for RedbIndex {
    type Error = StoreError;

    fn term_id(&self, term: &str) -> Result<Option<TermId>, StoreError> {
        Ok(self.terms.get(term)?.map(|v| v.value()))
    }

    fn deletion_neighbours(
        &self,
        key_hash: u64,
        visit: &mut dyn FnMut(TermId, &str),
    ) -> Result<(), StoreError> {
        if let Some(blob) = self.deletions.get(key_hash)? {
            index::unpack_neighbours(blob.value(), visit);
        }
        Ok(())
    }

    fn with_postings(&self, term: TermId, visit: &mut dyn FnMut(&[u8])) -> Result<(), StoreError> {
        if let Some(blob) = self.postings.get(term)? {
            visit(blob.value());
        }
        Ok(())
    }

    fn row(&self, row: RowId) -> Result<Option<NameRow>, StoreError> {
        Ok(self
            .rows
            .get(row)?
            .and_then(|bytes| schema::decode_name(bytes.value())))
    }

    fn row_count(&self) -> Result<u32, StoreError> {
        Ok(self.row_count)
    }

    fn term_rows(&self, term: TermId) -> Result<u32, StoreError> {
        if let Some(table) = &self.frequencies {
            return Ok(table.get(term)?.map_or(0, |v| v.value()));
        }
        let mut count = 0;
        self.with_postings(term, &mut |blob| {
            count = (blob.len() / index::POSTING_BYTES) as u32
        })?;
        Ok(count)
    }
}

impl RedbIndex {
    /// The staff-facing details of the person this row names (kept on their primary row), as
    /// `(column, value)` for the columns the registry filled in.
    pub fn details(&self, row: RowId) -> Result<Vec<(&'static str, String)>, StoreError> {
        let Some((name, extra)) = self.extras(row)? else {
            return Ok(Vec::new());
        };
        let extras = match extra.primary {
            Some(primary) if name.alias => match self.extras(primary)? {
                // the pointer is trusted only when it names the same person
                Some((p, e)) if p.record_id == name.record_id && !p.alias => e,
                _ => return Ok(Vec::new()),
            },
            _ => extra,
        };
        Ok(extras.present_details())
    }

    fn extras(&self, row: RowId) -> Result<Option<(NameRow, RegistryExtras)>, StoreError> {
        Ok(self
            .rows
            .get(row)?
            .and_then(|bytes| schema::decode_row(bytes.value()))
            .map(|(name, extra)| (name, RegistryExtras::parse(&extra))))
    }
}
