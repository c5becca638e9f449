//! District side: `vestibule registry publish`.
//!
//! 1. Validate the CSV by importing it into a scratch database with the store's own importer
//!    (the exact parser a kiosk will run). Rows with a bad field are reported by line and
//!    column; past the policy's share of them nothing is published. The snapshot carries the
//!    file as given, so every kiosk leaves the same rows out.
//! 2. Rewrite it canonically ([`super::rows`]), sorted by `record_id`, zstd-compressed.
//! 3. Against `--previous`, write a delta holding only the people added, changed or removed.
//! 4. With `--revocations`, the invitation revocation lists, checked and merged into one
//!    canonical list ([`super::revocations`]) whose size and SHA-256 the manifest signs.
//! 5. Write the signed manifest last, by rename, so a server never offers files not yet written.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use super::manifest::{self, Delta, Manifest, RevocationList, Snapshot, MANIFEST_FILE};
use super::rows::{self, GroupReader, Hashing, LineEncoder, COLUMNS, REMOVE, UPSERT};
use super::FeedError;
use crate::store::{BadRow, ImportPolicy, Store};

/// zstd level: 5x on a registry CSV (146 MB canonical for 900,000 people -> 28 MB) in about a
/// second; level 9 saves 1 MB for twice the time, level 3 costs 3 MB.
const ZSTD_LEVEL: i32 = 6;

/// What [`publish`] wrote, and the registry rows every kiosk will leave out.
pub struct Published {
    pub manifest: Manifest,
    pub quarantined: Vec<BadRow>,
    pub bad_rows: u64,
}

/// How long a release is believed by default: a district publishes at least weekly.
pub const VALID_DAYS: u32 = 7;

/// Publishes `csv` into `out`, with the invitation revocations of the `revocations` lists
/// when any is given; `policy` is the share of bad rows tolerated. Kiosks refuse the manifest
/// `valid_days` after now.
pub fn publish(
    csv: &Path,
    key: &SigningKey,
    out: &Path,
    previous: Option<&Path>,
    revocations: &[PathBuf],
    policy: ImportPolicy,
    valid_days: u32,
) -> Result<Published, FeedError> {
    if !(1..=366).contains(&valid_days) {
        return Err(FeedError::Config(format!(
            "--valid-days {valid_days} is outside 1..=366"
        )));
    }
    let revoked = read_revocations(revocations)?;
    std::fs::create_dir_all(out).map_err(FeedError::io(out.display()))?;
    // The check and the canonical rewrite each read the whole file: side by side they take the
    // time of the slower one. Nothing is written until the check passed.
    let (summary, canonical) = std::thread::scope(|scope| {
        let check = scope.spawn(|| validate(csv, out, policy));
        let canonical = Canonical::read(csv);
        let summary = check
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (summary, canonical)
    });
    let (summary, canonical) = (summary?, canonical?);
    let previous = previous
        .map(|p| Previous::open(p, &key.verifying_key()))
        .transpose()?;
    let serial = next_serial(out, previous.as_ref());
    // The snapshot and the delta only read `canonical`: written side by side too.
    let (snapshot, delta) = std::thread::scope(|scope| {
        let delta = previous
            .as_ref()
            .map(|p| scope.spawn(|| write_delta(&canonical, p, out, serial)));
        let snapshot = write_snapshot(&canonical, out, serial);
        let delta = delta.map(|d| d.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        (snapshot, delta)
    });
    let (snapshot, delta) = (snapshot?, delta.transpose()?);
    let revocations = revoked
        .map(|list| write_revocations(&list, out, serial))
        .transpose()?;
    let manifest = Manifest {
        format: manifest::FORMAT.into(),
        version: manifest::VERSION,
        serial,
        created: now_rfc3339(),
        valid_until: Some(rfc3339(
            time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(valid_days)),
        )),
        rows: summary.rows,
        people: summary.groups,
        snapshot,
        delta,
        revocations,
    };
    let sealed = manifest::seal(&manifest, key)?;
    write_atomically(&out.join(MANIFEST_FILE), &sealed)?;
    Ok(Published {
        manifest,
        quarantined: summary.quarantined,
        bad_rows: summary.bad_rows,
    })
}

/// The revocation lists given, read and merged (none given: no list in the release).
fn read_revocations(
    paths: &[PathBuf],
) -> Result<Option<Vec<crate::store::invitations::SharedRevocation>>, FeedError> {
    if paths.is_empty() {
        return Ok(None);
    }
    let mut merged = Vec::new();
    for path in paths {
        let file = File::open(path).map_err(FeedError::io(path.display()))?;
        let name = path.display().to_string();
        merged.extend(super::revocations::read(BufReader::new(file), &name)?);
    }
    Ok(Some(merged))
}

/// `revocations-<serial>.csv`: the canonical list, as served.
fn write_revocations(
    list: &[crate::store::invitations::SharedRevocation],
    out: &Path,
    serial: u64,
) -> Result<RevocationList, FeedError> {
    let bytes = super::revocations::canonical_bytes(list);
    let count = super::revocations::read(&bytes[..], "the canonical revocation list")?.len();
    let name = format!("revocations-{serial}.csv");
    write_atomically(&out.join(&name), &bytes)?;
    Ok(RevocationList {
        file: name,
        size: bytes.len() as u64,
        sha256: super::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
        count: count as u64,
    })
}

/// Imports `csv` into a scratch database beside the output, removed afterwards.
fn validate(
    csv: &Path,
    out: &Path,
    policy: ImportPolicy,
) -> Result<crate::store::ImportSummary, FeedError> {
    let scratch = Scratch(out.join(".vestibule-publish-check.redb"));
    let _ = std::fs::remove_file(&scratch.0);
    let store = Store::open(&scratch.0)?;
    let input = File::open(csv).map_err(FeedError::io(csv.display()))?;
    store
        .import_registry_with(BufReader::with_capacity(1 << 20, input), policy)
        .map_err(|source| FeedError::Registry {
            file: csv.display().to_string(),
            source,
        })
}

/// A file removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Every row of the registry as a canonical line, sorted by `record_id` (stable: a person's
/// rows keep the district's order). Lines live in one buffer to keep a million people small.
struct Canonical {
    bytes: Vec<u8>,
    /// (id start, id length, line start, line length) into `bytes`.
    rows: Vec<(usize, usize, usize, usize)>,
}

impl Canonical {
    fn read(csv: &Path) -> Result<Canonical, FeedError> {
        let file = File::open(csv).map_err(FeedError::io(csv.display()))?;
        let mut reader = rows::reader(BufReader::with_capacity(1 << 20, file));
        let bad = |e: csv::Error| FeedError::Manifest(format!("{}: {e}", csv.display()));
        let header: Vec<String> = reader
            .headers()
            .map_err(bad)?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        let positions: Vec<Option<usize>> = COLUMNS
            .iter()
            .map(|c| header.iter().position(|h| h == c))
            .collect();
        let mut canonical = Canonical {
            bytes: Vec::new(),
            rows: Vec::new(),
        };
        let mut encoder = LineEncoder::default();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                // A row the check leaves out (and reports by line) is left out here too.
                Err(e)
                    if matches!(
                        e.kind(),
                        csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                    ) =>
                {
                    continue
                }
                Err(e) => return Err(bad(e)),
            }
            let fields = positions
                .iter()
                .map(|p| p.and_then(|i| record.get(i)).unwrap_or("").trim());
            let line = encoder.line(fields)?;
            let id = record
                .get(positions[0].unwrap_or(0))
                .unwrap_or("")
                .trim()
                .as_bytes();
            let id_start = canonical.bytes.len();
            canonical.bytes.extend_from_slice(id);
            let line_start = canonical.bytes.len();
            canonical.bytes.extend_from_slice(&line);
            canonical
                .rows
                .push((id_start, id.len(), line_start, line.len()));
        }
        let bytes = &canonical.bytes;
        canonical
            .rows
            .sort_by(|a, b| bytes[a.0..a.0 + a.1].cmp(&bytes[b.0..b.0 + b.1]));
        Ok(canonical)
    }

    /// People in `record_id` order: the id and the lines of their rows.
    fn groups(&self) -> impl Iterator<Item = (&[u8], Vec<&[u8]>)> {
        let id = |r: &(usize, usize, usize, usize)| &self.bytes[r.0..r.0 + r.1];
        let line = |r: &(usize, usize, usize, usize)| &self.bytes[r.2..r.2 + r.3];
        self.rows
            .chunk_by(move |a, b| id(a) == id(b))
            .map(move |chunk| (id(&chunk[0]), chunk.iter().map(line).collect()))
    }
}

/// The release a delta is computed against.
struct Previous {
    serial: u64,
    snapshot: PathBuf,
}

impl Previous {
    /// A feed directory (its manifest must carry this key's signature, and its snapshot match
    /// the manifest), or a snapshot file named `snapshot-<serial>.csv.zst`.
    fn open(path: &Path, key: &ed25519_dalek::VerifyingKey) -> Result<Previous, FeedError> {
        if path.is_dir() {
            let manifest_path = path.join(MANIFEST_FILE);
            let bytes =
                std::fs::read(&manifest_path).map_err(FeedError::io(manifest_path.display()))?;
            let manifest = manifest::open(&bytes, key).map_err(|e| {
                FeedError::Manifest(format!("previous release {}: {e}", manifest_path.display()))
            })?;
            let snapshot = path.join(&manifest.snapshot.file);
            let (size, sha) = rows::file_digest(&snapshot)?;
            if size != manifest.snapshot.size || sha != manifest.snapshot.sha256 {
                return Err(FeedError::Mismatch {
                    file: snapshot.display().to_string(),
                    reason: "does not match its manifest".into(),
                });
            }
            return Ok(Previous {
                serial: manifest.serial,
                snapshot,
            });
        }
        let serial = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("snapshot-")?.strip_suffix(".csv.zst"))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                FeedError::Manifest(format!(
                    "--previous {}: give a feed directory or a snapshot-<serial>.csv.zst file",
                    path.display()
                ))
            })?;
        Ok(Previous {
            serial,
            snapshot: path.to_owned(),
        })
    }
}

/// Above the previous release's serial and any manifest already in `out`; at least the Unix
/// time, so a district that lost its output directory still publishes newer serials.
fn next_serial(out: &Path, previous: Option<&Previous>) -> u64 {
    let existing = std::fs::read(out.join(MANIFEST_FILE))
        .ok()
        .and_then(|b| manifest::peek(&b))
        .map_or(0, |m| m.serial);
    let floor = existing.max(previous.map_or(0, |p| p.serial));
    super::now_unix().max(floor + 1)
}

fn write_snapshot(canonical: &Canonical, out: &Path, serial: u64) -> Result<Snapshot, FeedError> {
    let name = format!("snapshot-{serial}.csv.zst");
    let path = out.join(&name);
    let (csv_size, csv_sha256, size, sha256) = write_compressed(&path, |w| {
        let io = FeedError::io(path.display());
        let mut write = || -> std::io::Result<()> {
            w.write_all(COLUMNS.join(",").as_bytes())?;
            w.write_all(b"\n")?;
            for (_, lines) in canonical.groups() {
                for line in lines {
                    w.write_all(line)?;
                }
            }
            Ok(())
        };
        write().map_err(io)
    })?;
    Ok(Snapshot {
        file: name,
        size,
        sha256,
        csv_size,
        csv_sha256,
    })
}

fn write_delta(
    canonical: &Canonical,
    previous: &Previous,
    out: &Path,
    serial: u64,
) -> Result<Delta, FeedError> {
    let old_path = &previous.snapshot;
    let old_file = File::open(old_path).map_err(FeedError::io(old_path.display()))?;
    let decoder = zstd::Decoder::new(old_file).map_err(FeedError::io(old_path.display()))?;
    let mut old = GroupReader::new(Hashing::new(decoder), &COLUMNS, 0, "the previous snapshot")?;
    let name = format!("delta-{}-{serial}.csv.zst", previous.serial);
    let mut counts = (0, 0);
    let (_, _, size, sha256) = write_compressed(&out.join(&name), |w| {
        counts = diff(canonical, &mut old, w)?;
        Ok(())
    })?;
    let (_, _, base_csv_sha256) = old.into_inner().finish();
    Ok(Delta {
        file: name,
        size,
        sha256,
        base_serial: previous.serial,
        base_csv_sha256,
        upserts: counts.0,
        removals: counts.1,
    })
}

/// Writes the delta from `old` to `canonical` (both in `record_id` order, merged); returns the
/// people upserted and removed.
fn diff<R: std::io::Read>(
    canonical: &Canonical,
    old: &mut GroupReader<R>,
    w: &mut dyn Write,
) -> Result<(u64, u64), FeedError> {
    use std::cmp::Ordering;
    let io = || FeedError::io("writing the delta");
    let mut encoder = LineEncoder::default();
    w.write_all(&encoder.line(rows::delta_header())?)
        .map_err(io())?;
    let (mut upserts, mut removals) = (0, 0);
    let mut news = canonical.groups().peekable();
    let mut olds = old.next_group()?;
    loop {
        let order = match (&olds, news.peek()) {
            (None, None) => break,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(o), Some((id, _))) => o.id.as_slice().cmp(id),
        };
        // Less: a person gone; Greater: a new person; Equal: the same person, maybe changed.
        let changed = match (order, &olds) {
            (Ordering::Equal, Some(o)) => {
                let lines = &news.peek().map(|(_, l)| l.clone()).unwrap_or_default();
                let old_lines = o
                    .records
                    .iter()
                    .map(|r| encoder.line(r))
                    .collect::<Result<Vec<_>, _>>()?;
                old_lines.len() != lines.len() || old_lines.iter().zip(lines).any(|(a, b)| a != b)
            }
            _ => true,
        };
        if order == Ordering::Less {
            let mut fields = vec![REMOVE.as_bytes(), olds.as_ref().map_or(&[][..], |o| &o.id)];
            fields.resize(COLUMNS.len() + 1, b"");
            w.write_all(&encoder.line(fields)?).map_err(io())?;
            removals += 1;
        }
        if order != Ordering::Greater {
            olds = old.next_group()?;
        }
        if order != Ordering::Less {
            if let Some((_, lines)) = news.next() {
                if changed {
                    write_upserts(w, &lines).map_err(io())?;
                    upserts += 1;
                }
            }
        }
    }
    Ok((upserts, removals))
}

fn write_upserts(w: &mut dyn Write, lines: &[&[u8]]) -> std::io::Result<()> {
    for line in lines {
        w.write_all(UPSERT.as_bytes())?;
        w.write_all(b",")?;
        w.write_all(line)?;
    }
    Ok(())
}

/// Writes `path` (via a temporary name and a rename) as zstd of what `fill` writes; returns the
/// uncompressed size and SHA-256, then the compressed ones.
fn write_compressed(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), FeedError>,
) -> Result<(u64, String, u64, String), FeedError> {
    let tmp = Scratch(path.with_extension("tmp"));
    let io = || FeedError::io(path.display());
    let file = File::create(&tmp.0).map_err(io())?;
    let compressed = Hashing::new(BufWriter::with_capacity(1 << 20, file));
    let mut encoder = zstd::Encoder::new(compressed, ZSTD_LEVEL).map_err(io())?;
    let mut plain = Hashing::new(&mut encoder);
    fill(&mut plain)?;
    let (_, csv_size, csv_sha256) = plain.finish();
    let compressed = encoder.finish().map_err(io())?;
    let (buffered, size, sha256) = compressed.finish();
    let file = buffered.into_inner().map_err(|e| io()(e.into_error()))?;
    file.sync_all().map_err(io())?;
    std::fs::rename(&tmp.0, path).map_err(io())?;
    Ok((csv_size, csv_sha256, size, sha256))
}

/// Writes `path` whole or not at all (temporary name, fsync, rename).
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FeedError> {
    let tmp = Scratch(path.with_extension("tmp"));
    let io = || FeedError::io(path.display());
    let mut file = File::create(&tmp.0).map_err(io())?;
    file.write_all(bytes).map_err(io())?;
    file.sync_all().map_err(io())?;
    std::fs::rename(&tmp.0, path).map_err(io())
}

pub(crate) fn now_rfc3339() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

/// `at` in RFC 3339, whole seconds.
pub(crate) fn rfc3339(at: time::OffsetDateTime) -> String {
    at.replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
