//! The canonical snapshot CSV and deltas over it.
//!
//! A snapshot is the registry CSV v1 (docs/interfaces.md) rewritten in one canonical form:
//! the [`COLUMNS`] in that order, values trimmed, `\n` line ends, quoting only where needed, and
//! the rows sorted by `record_id` (a person's rows together, in the order the district gave
//! them). Canonical bytes are what let a kiosk rebuild the next snapshot from the one it has
//! and a delta, and prove it arrived at exactly the published CSV by its SHA-256.
//!
//! A delta is the same CSV with a first column `change`: `upsert` rows carry every row of a
//! person added or changed (all their names, replacing all the old ones), a `remove` row carries
//! only the `record_id` of a person who left the registry. It is sorted by `record_id` too, so
//! applying it is one merge of two sorted streams.

use std::cmp::Ordering;
use std::io::{Read, Write};

use sha2::{Digest, Sha256};

use super::FeedError;

/// The snapshot's columns: the required ones, then the optional staff-facing ones.
pub const COLUMNS: [&str; 18] = [
    "record_id",
    "name_kind",
    "last_name",
    "first_name",
    "middle_name",
    "suffix",
    "dob",
    "sex",
    "jurisdiction",
    "race",
    "height",
    "weight",
    "hair",
    "eyes",
    "city",
    "offense",
    "photo",
    "updated",
];
/// A delta's first column.
pub const CHANGE: &str = "change";
pub const UPSERT: &str = "upsert";
pub const REMOVE: &str = "remove";

/// The one CSV writer configuration every canonical line is written with.
pub fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        // One encoder writes both delta lines (19 fields) and snapshot lines (18).
        .flexible(true)
        .from_writer(out)
}

pub fn reader<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().flexible(false).from_reader(input)
}

/// Encodes records into canonical lines, reusing one writer.
pub struct LineEncoder {
    csv: csv::Writer<Shared>,
    out: Shared,
}

/// A buffer the encoder's writer fills and [`LineEncoder::line`] empties.
#[derive(Clone, Default)]
struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Default for LineEncoder {
    fn default() -> Self {
        let out = Shared::default();
        LineEncoder {
            csv: writer(out.clone()),
            out,
        }
    }
}

impl LineEncoder {
    /// The canonical line (with its `\n`) of these fields.
    pub fn line<I, T>(&mut self, fields: I) -> Result<Vec<u8>, FeedError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.csv.write_record(fields).map_err(csv_io)?;
        self.csv.flush().map_err(FeedError::io("encoding a row"))?;
        Ok(std::mem::take(&mut *self.out.0.borrow_mut()))
    }
}

fn csv_io(e: csv::Error) -> FeedError {
    FeedError::Manifest(format!("CSV: {}", e.to_string().replace('\n', " ")))
}

/// The rows of one person: their `record_id` and every row carrying it.
pub struct Group {
    pub id: Vec<u8>,
    pub records: Vec<csv::ByteRecord>,
}

/// Reads a CSV sorted by the column `id_column` one person at a time.
pub struct GroupReader<R: Read> {
    csv: csv::Reader<R>,
    id_column: usize,
    next: Option<csv::ByteRecord>,
}

impl<R: Read> GroupReader<R> {
    /// Checks the header is exactly `header` and reads the first row.
    pub fn new(input: R, header: &[&str], id_column: usize, what: &str) -> Result<Self, FeedError> {
        let mut csv = reader(input);
        let found = csv.byte_headers().map_err(csv_io)?;
        if found.iter().ne(header.iter().map(|h| h.as_bytes())) {
            return Err(FeedError::Manifest(format!(
                "{what} does not have the canonical snapshot columns"
            )));
        }
        let mut groups = GroupReader {
            csv,
            id_column,
            next: None,
        };
        groups.next = groups.read()?;
        Ok(groups)
    }

    fn read(&mut self) -> Result<Option<csv::ByteRecord>, FeedError> {
        let mut record = csv::ByteRecord::new();
        Ok(self
            .csv
            .read_byte_record(&mut record)
            .map_err(csv_io)?
            .then_some(record))
    }

    /// The input, read to its end once [`GroupReader::next_group`] returned `None`.
    pub fn into_inner(self) -> R {
        self.csv.into_inner()
    }

    pub fn next_group(&mut self) -> Result<Option<Group>, FeedError> {
        let Some(first) = self.next.take() else {
            return Ok(None);
        };
        let id = first.get(self.id_column).unwrap_or_default().to_vec();
        let mut records = vec![first];
        loop {
            match self.read()? {
                Some(r) if r.get(self.id_column) == Some(&id[..]) => records.push(r),
                other => {
                    self.next = other;
                    break;
                }
            }
        }
        Ok(Some(Group { id, records }))
    }
}

/// The delta header: [`CHANGE`] then [`COLUMNS`].
pub fn delta_header() -> Vec<&'static str> {
    std::iter::once(CHANGE).chain(COLUMNS).collect()
}

/// Writes the snapshot that `base` (a canonical snapshot CSV) and `delta` make into `out`.
pub fn apply_delta<B: Read, D: Read, W: Write>(base: B, delta: D, out: W) -> Result<(), FeedError> {
    let mut base = GroupReader::new(base, &COLUMNS, 0, "the installed snapshot")?;
    let delta_columns = delta_header();
    let mut delta = GroupReader::new(delta, &delta_columns, 1, "the delta")?;
    let mut out = writer(out);
    out.write_record(COLUMNS).map_err(csv_io)?;
    let (mut b, mut d) = (base.next_group()?, delta.next_group()?);
    loop {
        let order = match (&b, &d) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(bg), Some(dg)) => bg.id.cmp(&dg.id),
        };
        if order != Ordering::Greater {
            if let (Some(bg), Ordering::Less) = (&b, order) {
                for record in &bg.records {
                    out.write_byte_record(record).map_err(csv_io)?;
                }
            }
            b = base.next_group()?;
        }
        if order != Ordering::Less {
            if let Some(dg) = &d {
                write_change(&mut out, dg)?;
            }
            d = delta.next_group()?;
        }
    }
    out.flush()
        .map_err(FeedError::io("writing the rebuilt snapshot"))
}

/// One person of a delta: their new rows, or nothing for a removal.
fn write_change<W: Write>(out: &mut csv::Writer<W>, group: &Group) -> Result<(), FeedError> {
    for record in &group.records {
        match record.get(0) {
            Some(b"upsert") => out.write_record(record.iter().skip(1)).map_err(csv_io)?,
            Some(b"remove") => {}
            _ => {
                return Err(FeedError::Manifest(
                    "a delta row's `change` is neither upsert nor remove".into(),
                ))
            }
        }
    }
    Ok(())
}

/// Passes bytes through to `inner`, counting them and hashing them with SHA-256.
pub struct Hashing<W> {
    pub inner: W,
    hasher: Sha256,
    pub len: u64,
}

impl<W> Hashing<W> {
    pub fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            len: 0,
        }
    }

    /// The inner writer, the byte count and the lower-case hex SHA-256.
    pub fn finish(self) -> (W, u64, String) {
        (self.inner, self.len, super::hex(&self.hasher.finalize()))
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
}

/// SHA-256 and size of a file.
pub fn file_digest(path: &std::path::Path) -> Result<(u64, String), FeedError> {
    let mut file = std::fs::File::open(path).map_err(FeedError::io(path.display()))?;
    let mut hashing = Hashing::new(std::io::sink());
    std::io::copy(&mut file, &mut hashing).map_err(FeedError::io(path.display()))?;
    let (_, len, sha) = hashing.finish();
    Ok((len, sha))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snapshot_columns_are_the_importers_name_columns_then_its_details() {
        // Pinned here as a wire format; they must still be what the store imports.
        let names = &crate::store::import::REGISTRY_REQUIRED[..8];
        assert_eq!(&COLUMNS[..8], names);
        assert_eq!(&COLUMNS[8..], crate::store::schema::DETAIL_COLUMNS);
    }

    fn csv(rows: &[&str]) -> String {
        let mut text = COLUMNS.join(",");
        text.push('\n');
        for row in rows {
            text.push_str(row);
            text.push_str(&",".repeat(COLUMNS.len() - 1 - row.matches(',').count()));
            text.push('\n');
        }
        text
    }

    #[test]
    fn delta_replaces_adds_and_removes_people() {
        let base = csv(&[
            "A1,primary,ADAMS,ANN",
            "A1,alias,ADAMS,ANNIE",
            "B2,primary,BROWN,BOB",
            "C3,primary,COLE,CY",
        ]);
        let mut delta = delta_header().join(",");
        delta.push('\n');
        for row in [
            "upsert,A0,primary,AARON,AL",
            "upsert,A1,primary,ADAMS,ANN,MARIE",
            "remove,B2",
            "upsert,D4,primary,DAY,DEE",
        ] {
            delta.push_str(row);
            delta.push_str(&",".repeat(COLUMNS.len() - row.matches(',').count()));
            delta.push('\n');
        }
        let mut out = Vec::new();
        apply_delta(base.as_bytes(), delta.as_bytes(), &mut out).unwrap();
        let expected = csv(&[
            "A0,primary,AARON,AL",
            "A1,primary,ADAMS,ANN,MARIE",
            "C3,primary,COLE,CY",
            "D4,primary,DAY,DEE",
        ]);
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
