//! The search index the engine reads, behind [`RegistryIndex`] so screening never does IO.
//!
//! Three structures, built once per import by [`IndexBuilder`]:
//! - the vocabulary: every distinct name term (see [`PersonName::index_terms`]) with a dense id;
//! - deletion keys: stable hash of each term and of each of its one-deletion variants -> term
//!   ids, so a visitor's typo finds the registry's spelling without scanning the vocabulary;
//! - postings: term id -> a packed list of `(date-of-birth key, row)` sorted by date of birth, so
//!   "this name within these dates" is a handful of binary searches, not a scan.
//!
//! The store keeps these in redb tables; [`MemoryIndex`] keeps them in memory for small lists
//! (the school's watchlists) and for tests.

use std::collections::HashMap;
use std::fmt;

use time::Date;

use super::dob::{self, DobKey};
use super::normalise::{deletion_keys, soundex, stable_hash, PersonName};
use crate::identity::Sex;

pub type TermId = u32;
/// One name row of the registry (a person has one primary row and any number of alias rows).
pub type RowId = u32;

/// Bytes per posting: date-of-birth key then row, both little-endian u32.
pub const POSTING_BYTES: usize = 8;

/// Read access to an index. Implemented over redb by the store and in memory by [`MemoryIndex`].
pub trait RegistryIndex {
    type Error;
    /// The id of a vocabulary term, if any registry row uses it.
    fn term_id(&self, term: &str) -> Result<Option<TermId>, Self::Error>;
    /// Calls `visit` with each term (id and text) that has a deletion key with this hash (may
    /// include false friends: verify).
    fn deletion_neighbours(
        &self,
        key_hash: u64,
        visit: &mut dyn FnMut(TermId, &str),
    ) -> Result<(), Self::Error>;
    /// Calls `visit` with the packed postings of `term` (see [`POSTING_BYTES`]), if it has any.
    fn with_postings(&self, term: TermId, visit: &mut dyn FnMut(&[u8])) -> Result<(), Self::Error>;
    fn row(&self, row: RowId) -> Result<Option<NameRow>, Self::Error>;
    /// How many name rows carry `term` (its posting length): the term's frequency, which
    /// weighs how much an agreement on it says ([`super::lr`]).
    fn term_rows(&self, term: TermId) -> Result<u32, Self::Error> {
        let mut count = 0;
        self.with_postings(term, &mut |blob| {
            count = (blob.len() / POSTING_BYTES) as u32
        })?;
        Ok(count)
    }
    /// How many name rows the list has (the prior of [`super::lr`]).
    fn row_count(&self) -> Result<u32, Self::Error>;
}

/// One name of a registered person or one watchlist entry, as imported.
#[derive(Clone, PartialEq, Eq)]
pub struct NameRow {
    /// The registry's `record_id` or the watchlist's `entry_id`.
    pub record_id: String,
    pub alias: bool,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub suffix: String,
    pub dob: Option<Date>,
    pub sex: Option<Sex>,
}

// Personal data must not reach logs through `{:?}`.
impl fmt::Debug for NameRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NameRow")
            .field("record_id", &self.record_id)
            .field("alias", &self.alias)
            .finish_non_exhaustive()
    }
}

impl NameRow {
    pub fn name(&self) -> PersonName {
        PersonName::new(
            &self.last_name,
            &self.first_name,
            &self.middle_name,
            &self.suffix,
        )
    }
}

/// Packs deletion-key neighbours as the store keeps them: per term, its id (u32), the length of
/// its text (u16), the text; all little-endian. Reading a neighbour then needs no second lookup.
pub fn pack_neighbours(terms: impl IntoIterator<Item = (TermId, impl AsRef<str>)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (id, text) in terms {
        let text = text.as_ref().as_bytes();
        let text = &text[..text.len().min(usize::from(u16::MAX))];
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(text.len() as u16).to_le_bytes());
        out.extend_from_slice(text);
    }
    out
}

/// Bare little-endian u32 ids (schema 1's deletion keys).
pub fn read_ids(blob: &[u8]) -> impl Iterator<Item = TermId> + '_ {
    blob.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// The `(term, text)` pairs of [`pack_neighbours`].
pub fn unpack_neighbours(mut blob: &[u8], mut visit: impl FnMut(TermId, &str)) {
    while blob.len() >= 6 {
        let id = read_u32(blob, 0);
        let len = usize::from(u16::from_le_bytes([blob[4], blob[5]]));
        let Some(text) = blob.get(6..6 + len) else {
            return;
        };
        if let Ok(text) = std::str::from_utf8(text) {
            visit(id, text);
        }
        blob = &blob[6 + len..];
    }
}

/// Visits the postings of a packed list whose date-of-birth key is one of `keys` (sorted).
pub fn postings_with_dob(blob: &[u8], keys: &[DobKey], mut visit: impl FnMut(RowId)) {
    let count = blob.len() / POSTING_BYTES;
    let dob_at = |i: usize| read_u32(blob, i * POSTING_BYTES);
    let mut start = 0;
    for &key in keys {
        // first posting with dob >= key, searching only past the previous key
        let (mut lo, mut hi) = (start, count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if dob_at(mid) < key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mut i = lo;
        while i < count && dob_at(i) == key {
            visit(read_u32(blob, i * POSTING_BYTES + 4));
            i += 1;
        }
        start = i;
    }
}

/// Visits every posting of a packed list with its date-of-birth key.
pub fn all_postings(blob: &[u8], mut visit: impl FnMut(DobKey, RowId)) {
    for entry in blob.chunks_exact(POSTING_BYTES) {
        visit(read_u32(entry, 0), read_u32(entry, 4));
    }
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

/// Blocking keys of the weighed score ([`super::lr`]), stored as terms of their own whose
/// postings, like every term's, are sorted by date of birth. They begin with a control
/// character, which no folded name carries, so a visitor's name never looks one up by chance.
/// - `\u{1}` + birth year + an initial: "date of birth and first initial", read only at the
///   visitor's exact date (both names mangled beyond one edit, the date right);
/// - `\u{2}` + birth year + Soundex of the surname: "sounds like the surname, born that year"
///   (a respelled surname, the date near).
pub const BLOCK_DOB_INITIAL: char = '\u{1}';
pub const BLOCK_PHONETIC_YEAR: char = '\u{2}';
/// Present in the vocabulary of every index built with the blocking keys: an index without it
/// (imported by an older version) is read without them.
pub const BLOCKS_MARKER: &str = "\u{0}blocks-1";

/// The date-of-birth-and-initial key (see [`BLOCK_DOB_INITIAL`]).
pub fn dob_initial_key(year: i32, initial: u8) -> String {
    format!("{BLOCK_DOB_INITIAL}{year}{}", char::from(initial))
}

/// The phonetic-surname-and-year key (see [`BLOCK_PHONETIC_YEAR`]).
pub fn phonetic_year_key(year: i32, surname_code: &str) -> String {
    format!("{BLOCK_PHONETIC_YEAR}{year}{surname_code}")
}

/// Whether a vocabulary term is a blocking key rather than a name.
pub fn is_block(term: &str) -> bool {
    term.as_bytes().first().is_some_and(|b| *b < b' ')
}

/// The blocking keys of one name row (none without a date of birth: undated rows are reached
/// through their names).
pub fn block_terms(name: &PersonName, dob: Option<Date>) -> Vec<String> {
    let Some(dob) = dob else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    if let Some(&initial) = name.first.glued.as_bytes().first() {
        keys.push(dob_initial_key(dob.year(), initial));
    }
    let code = soundex(&name.last.glued);
    if !code.is_empty() {
        keys.push(phonetic_year_key(dob.year(), &code));
    }
    keys
}

/// Collects index terms row by row; [`IndexBuilder::finish`] sorts them into the three structures.
/// Memory: the vocabulary plus 12 bytes per (row, term), about 70 MB for 1.8 million rows.
#[derive(Default)]
pub struct IndexBuilder {
    vocabulary: HashMap<String, TermId>,
    terms: Vec<String>,
    postings: Vec<(TermId, DobKey, RowId)>,
}

impl IndexBuilder {
    pub fn add(&mut self, row: RowId, name: &PersonName, dob: Option<Date>) {
        let key = dob::key(dob);
        for term in name.index_terms().into_iter().chain(block_terms(name, dob)) {
            let id = match self.vocabulary.get(&term) {
                Some(&id) => id,
                None => {
                    let id = TermId::try_from(self.terms.len())
                        .expect("fewer than 4 billion distinct names");
                    self.vocabulary.insert(term.clone(), id);
                    self.terms.push(term);
                    id
                }
            };
            self.postings.push((id, key, row));
        }
    }

    pub fn finish(mut self) -> BuiltIndex {
        if !self.vocabulary.contains_key(BLOCKS_MARKER) {
            self.terms.push(BLOCKS_MARKER.to_owned());
        }
        drop(self.vocabulary);
        self.postings.sort_unstable();
        BuiltIndex {
            terms: self.terms,
            postings: self.postings,
        }
    }
}

/// A finished index, ready to be written out.
pub struct BuiltIndex {
    /// Term text by id.
    pub terms: Vec<String>,
    postings: Vec<(TermId, DobKey, RowId)>,
}

impl BuiltIndex {
    /// `(key hash, term)` for every deletion key of every term, sorted: group by hash to store.
    pub fn deletion_keys(&self) -> Vec<(u64, TermId)> {
        let mut keys = Vec::with_capacity(self.terms.len() * 6);
        for (id, term) in self.terms.iter().enumerate() {
            let id = id as TermId;
            if is_block(term) {
                continue;
            }
            keys.extend(deletion_keys(term).iter().map(|k| (stable_hash(k), id)));
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Each term with its packed postings, in term order.
    pub fn posting_lists(&self) -> impl Iterator<Item = (TermId, Vec<u8>)> + '_ {
        self.postings.chunk_by(|a, b| a.0 == b.0).map(|group| {
            let mut blob = Vec::with_capacity(group.len() * POSTING_BYTES);
            for &(_, dob, row) in group {
                blob.extend_from_slice(&dob.to_le_bytes());
                blob.extend_from_slice(&row.to_le_bytes());
            }
            (group[0].0, blob)
        })
    }

    pub fn posting_count(&self) -> usize {
        self.postings.len()
    }
}

/// An index held in memory: the school's watchlists (a few hundred entries) and tests.
#[derive(Default)]
pub struct MemoryIndex {
    rows: Vec<NameRow>,
    vocabulary: HashMap<String, TermId>,
    terms: Vec<String>,
    deletions: HashMap<u64, Vec<TermId>>,
    postings: HashMap<TermId, Vec<u8>>,
}

impl MemoryIndex {
    pub fn new(rows: Vec<NameRow>) -> MemoryIndex {
        let mut builder = IndexBuilder::default();
        for (i, row) in rows.iter().enumerate() {
            builder.add(i as RowId, &row.name(), row.dob);
        }
        let built = builder.finish();
        let mut deletions: HashMap<u64, Vec<TermId>> = HashMap::new();
        for (hash, id) in built.deletion_keys() {
            deletions.entry(hash).or_default().push(id);
        }
        let postings = built.posting_lists().collect();
        let vocabulary = built
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as TermId))
            .collect();
        MemoryIndex {
            rows,
            vocabulary,
            terms: built.terms,
            deletions,
            postings,
        }
    }

    pub fn rows(&self) -> &[NameRow] {
        &self.rows
    }
}

impl RegistryIndex for MemoryIndex {
    type Error = std::convert::Infallible;

    fn term_id(&self, term: &str) -> Result<Option<TermId>, Self::Error> {
        Ok(self.vocabulary.get(term).copied())
    }

    fn deletion_neighbours(
        &self,
        key_hash: u64,
        visit: &mut dyn FnMut(TermId, &str),
    ) -> Result<(), Self::Error> {
        for &id in self.deletions.get(&key_hash).into_iter().flatten() {
            if let Some(text) = self.terms.get(id as usize) {
                visit(id, text);
            }
        }
        Ok(())
    }

    fn with_postings(&self, term: TermId, visit: &mut dyn FnMut(&[u8])) -> Result<(), Self::Error> {
        if let Some(blob) = self.postings.get(&term) {
            visit(blob);
        }
        Ok(())
    }

    fn row(&self, row: RowId) -> Result<Option<NameRow>, Self::Error> {
        Ok(self.rows.get(row as usize).cloned())
    }

    fn row_count(&self) -> Result<u32, Self::Error> {
        Ok(self.rows.len() as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dob_filtered_postings_find_only_those_dates() {
        let mut blob = Vec::new();
        for (dob, row) in [(0u32, 9u32), (10, 1), (10, 2), (12, 3), (20, 4)] {
            blob.extend_from_slice(&dob.to_le_bytes());
            blob.extend_from_slice(&row.to_le_bytes());
        }
        let mut seen = Vec::new();
        postings_with_dob(&blob, &[0, 10, 11, 20], |r| seen.push(r));
        assert_eq!(seen, vec![9, 1, 2, 4]);
    }

    #[test]
    fn neighbours_round_trip() {
        let blob = pack_neighbours([(3, "SMITH"), (70_000, "SMYTH")]);
        let mut seen = Vec::new();
        unpack_neighbours(&blob, |id, text| seen.push((id, text.to_owned())));
        assert_eq!(seen, vec![(3, "SMITH".into()), (70_000, "SMYTH".into())]);
    }
}
