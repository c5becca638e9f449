//! [`RegistryIndex`] read straight from the redb tables of one read transaction (a consistent
//! snapshot: an import committing meanwhile is not seen until the next transaction).

use redb::{ReadOnlyTable, ReadTransaction};

use super::schema::{self, DELETIONS, POSTINGS, REGISTRY_ROWS, TERMS, TERM_TEXT};
use super::StoreError;
use crate::screening::{NameRow, RegistryIndex, RowId, TermId};

pub struct RedbIndex {
    terms: ReadOnlyTable<&'static str, u32>,
    term_text: ReadOnlyTable<u32, &'static str>,
    deletions: ReadOnlyTable<u64, &'static [u8]>,
    postings: ReadOnlyTable<u32, &'static [u8]>,
    rows: ReadOnlyTable<u32, &'static [u8]>,
}

impl RedbIndex {
    /// The registry index of this snapshot; `None` when no registry was ever imported.
    pub fn open(read: &ReadTransaction) -> Result<Option<RedbIndex>, StoreError> {
        let rows = match read.open_table(REGISTRY_ROWS) {
            Ok(rows) => rows,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(Some(RedbIndex {
            terms: read.open_table(TERMS)?,
            term_text: read.open_table(TERM_TEXT)?,
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

    fn deletion_neighbours(&self, key_hash: u64, out: &mut Vec<TermId>) -> Result<(), StoreError> {
        if let Some(ids) = self.deletions.get(key_hash)? {
            out.extend(
                ids.value()
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
        }
        Ok(())
    }

    fn term_text(&self, term: TermId) -> Result<Option<String>, StoreError> {
        Ok(self.term_text.get(term)?.map(|v| v.value().to_owned()))
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
            .and_then(|bytes| schema::decode_row(bytes.value()))
            .map(|(row, _)| row))
    }
}
