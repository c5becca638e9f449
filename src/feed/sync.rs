//! Kiosk side: `vestibule registry sync`.
//!
//! The order matters: nothing touches the store's registry until the manifest's signature
//! verified, its serial is newer than the installed one, and the file to import has exactly the
//! signed size and SHA-256. The import itself is the store's (one redb transaction), so any
//! refusal or a kill at any moment leaves the previous registry answering.
//!
//! A release's invitation revocation list, when it has one, is downloaded and checked against
//! its signed size and SHA-256 before anything else is fetched; after the registry import it is
//! added to the store's revocations in the one transaction that also records the new serial (a
//! kill in between: the next sync does both again). Adding is a union: a revocation is never
//! undone by a release whose list lacks it.
//!
//! Beside the database `DB`, the directory `DB.feed/` keeps:
//! - `installed.csv.zst` and `installed.json`: the snapshot of the installed release, which a
//!   delta is applied to;
//! - `<sha256>.part`: a download in progress, resumed with an HTTP Range request next time.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::manifest::{self, Manifest, RevocationList, MANIFEST_FILE};
use super::rows::{self, Hashing};
use super::{FeedError, FEED_REVOCATIONS_SERIAL, FEED_SERIAL, FEED_SYNCED_AT};
use crate::store::invitations::{merge_revocations, SharedRevocation};
use crate::store::{schema, BadRow, ImportPolicy, Store};

/// Where and how to fetch the feed.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The feed directory's `https://` URL.
    pub url: String,
    /// The only CA trusted for the server's certificate (PEM).
    pub ca: PathBuf,
    /// The district's public key: base64, or a file holding it.
    pub public_key: String,
    /// Connect timeout, and the longest wait for any one read.
    pub timeout: Duration,
    /// The longest any one download (the manifest, a snapshot, a delta) may take: a server
    /// trickling bytes just inside `timeout` is cut off here (and resumed on the next sync).
    pub deadline: Duration,
}

/// What a successful sync did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The installed registry already is the feed's latest. `revoked`: invitation revocations
    /// this database did not hold yet (from a release installed before it knew of them).
    Current { serial: u64, revoked: u64 },
    /// A new release was imported; `revoked` as for `Current`.
    Installed {
        serial: u64,
        previous: u64,
        via: Via,
        rows: u64,
        people: u64,
        downloaded: u64,
        revoked: u64,
        /// Snapshot rows left out for a bad field (line numbers of the canonical snapshot),
        /// within the policy's share; `bad_rows` counts them all.
        quarantined: Vec<BadRow>,
        bad_rows: u64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    Snapshot,
    Delta,
}

/// What `DB.feed/installed.json` records about `installed.csv.zst`.
#[derive(Serialize, Deserialize)]
struct Installed {
    serial: u64,
    csv_sha256: String,
}

const MANIFEST_LIMIT: u64 = 1 << 20;
/// About 300,000 revocations: far beyond what a district revokes in its retention period.
const REVOCATIONS_LIMIT: u64 = 16 << 20;

/// Fetches, verifies and installs the feed's latest release into the database at `db`.
pub fn sync(db: &Path, settings: &Settings) -> Result<Outcome, FeedError> {
    sync_with(db, settings, ImportPolicy::default())
}

/// [`sync`] tolerating the share of bad rows `policy` allows (see [`Store::import_registry_with`]).
pub fn sync_with(
    db: &Path,
    settings: &Settings,
    policy: ImportPolicy,
) -> Result<Outcome, FeedError> {
    let store = Store::open(db)?;
    sync_store_with(&store, &state_dir(db), settings, policy)
}

/// [`sync`] into a store this process already has open (a running kiosk, whose screeners keep
/// answering from the old registry until the import commits); `dir` is [`state_dir`].
pub fn sync_store(store: &Store, dir: &Path, settings: &Settings) -> Result<Outcome, FeedError> {
    sync_store_with(store, dir, settings, ImportPolicy::default())
}

/// [`sync_store`] with a chosen [`ImportPolicy`].
pub fn sync_store_with(
    store: &Store,
    dir: &Path,
    settings: &Settings,
    policy: ImportPolicy,
) -> Result<Outcome, FeedError> {
    let key = super::keys::parse_public(&settings.public_key)?;
    let feed = Feed::new(settings)?;
    let bytes = feed.small(MANIFEST_FILE)?;
    let manifest = manifest::open(&bytes, &key)?;
    // A frozen feed is refused before anything is recorded, so the registry's age keeps
    // growing into the `registry-stale` alert.
    if !manifest.expired(super::now_unix())? {
        tracing::warn!(
            "the feed's manifest (serial {}) has no valid_until: published by an older vestibule; \
             upgrade the publisher so a frozen feed can be told apart",
            manifest.serial
        );
    }
    let installed = schema::meta_value(&store.db(), FEED_SERIAL)?;
    if manifest.serial < installed {
        return Err(FeedError::Replay {
            offered: manifest.serial,
            installed,
        });
    }
    let merged = schema::meta_value(&store.db(), FEED_REVOCATIONS_SERIAL)?;
    let list = match &manifest.revocations {
        // Fetched and checked before anything else: a bad list refuses the whole release.
        Some(list) if merged < manifest.serial => feed.revocations(list)?,
        _ => Vec::new(),
    };
    if manifest.serial == installed {
        let revoked = commit_release(
            store,
            &manifest,
            &list,
            &[(FEED_SYNCED_AT, super::now_unix())],
        )?;
        return Ok(Outcome::Current {
            serial: installed,
            revoked,
        });
    }
    std::fs::create_dir_all(dir).map_err(FeedError::io(dir.display()))?;
    let (snapshot, via, downloaded) = fetch(&feed, dir, &manifest, installed)?;
    let input = File::open(&snapshot).map_err(FeedError::io(snapshot.display()))?;
    let decoder = zstd::Decoder::new(input).map_err(FeedError::io(snapshot.display()))?;
    let started = std::time::Instant::now();
    let bound = manifest.snapshot.csv_size.min(manifest::CSV_SIZE_CAP);
    let (bounded, overran) = Bounded::new(decoder, bound);
    let imported = store.import_registry_with(BufReader::with_capacity(1 << 20, bounded), policy);
    // Whatever the importer made of the cut-off input, the import did not commit: say why.
    if overran.get() {
        let _ = std::fs::remove_file(&snapshot);
        return Err(bomb(&manifest.snapshot.file, bound));
    }
    let summary = imported?;
    tracing::debug!("imported in {:.2} s", started.elapsed().as_secs_f64());
    let revoked = commit_release(
        store,
        &manifest,
        &list,
        &[
            (FEED_SERIAL, manifest.serial),
            (FEED_SYNCED_AT, super::now_unix()),
        ],
    )?;
    keep_installed(dir, &snapshot, &manifest)?;
    Ok(Outcome::Installed {
        serial: manifest.serial,
        previous: installed,
        via,
        rows: summary.rows,
        people: summary.groups,
        downloaded,
        revoked,
        quarantined: summary.quarantined,
        bad_rows: summary.bad_rows,
    })
}

/// One transaction: the release's revocations added to the store's (when it has a list) and
/// the feed `meta` values set. Returns how many revocations were new here.
fn commit_release(
    store: &Store,
    manifest: &Manifest,
    list: &[SharedRevocation],
    values: &[(&str, u64)],
) -> Result<u64, FeedError> {
    use crate::store::StoreError;
    let db = store.db();
    let write = db.begin_write().map_err(StoreError::from)?;
    let mut added = 0;
    if manifest.revocations.is_some() && !list.is_empty() {
        let by = format!("registry feed serial {}", manifest.serial);
        added = merge_revocations(&write, list, &by, &super::publish::now_rfc3339())?.len();
    }
    {
        let mut meta = write.open_table(schema::META).map_err(StoreError::from)?;
        for (key, value) in values {
            meta.insert(*key, *value).map_err(StoreError::from)?;
        }
        if manifest.revocations.is_some() {
            meta.insert(FEED_REVOCATIONS_SERIAL, manifest.serial)
                .map_err(StoreError::from)?;
        }
    }
    write.commit().map_err(StoreError::from)?;
    Ok(added as u64)
}

/// `DB.feed/` beside the database.
pub fn state_dir(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".feed");
    PathBuf::from(name)
}

/// The installed serial and the last time a sync found the registry current (0 when never).
pub fn installed(store: &Store) -> Result<(u64, u64), FeedError> {
    Ok((
        schema::meta_value(&store.db(), FEED_SERIAL)?,
        schema::meta_value(&store.db(), FEED_SYNCED_AT)?,
    ))
}

/// The new release's snapshot file, verified: downloaded whole, or rebuilt from the installed
/// snapshot and a delta when the feed offers one for the installed serial.
fn fetch(
    feed: &Feed,
    dir: &Path,
    manifest: &Manifest,
    installed: u64,
) -> Result<(PathBuf, Via, u64), FeedError> {
    if let Some(delta) = &manifest.delta {
        if installed > 0 && delta.base_serial == installed && base_matches(dir, installed, delta) {
            let patch = feed.download(dir, &delta.file, delta.size, &delta.sha256)?;
            let started = std::time::Instant::now();
            match rebuild(dir, &patch, manifest) {
                Ok(snapshot) => {
                    tracing::debug!(
                        "registry rebuilt from the delta in {:.2} s",
                        started.elapsed().as_secs_f64()
                    );
                    let _ = std::fs::remove_file(&patch);
                    return Ok((snapshot, Via::Delta, delta.size));
                }
                // The installed snapshot did not give the published CSV: fetch the whole one.
                Err(e) => tracing::warn!("delta not applied, fetching the snapshot: {e}"),
            }
        }
    }
    let s = &manifest.snapshot;
    let path = feed.download(dir, &s.file, s.size, &s.sha256)?;
    Ok((path, Via::Snapshot, s.size))
}

fn base_matches(dir: &Path, installed: u64, delta: &manifest::Delta) -> bool {
    std::fs::read(dir.join("installed.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Installed>(&b).ok())
        .is_some_and(|i| i.serial == installed && i.csv_sha256 == delta.base_csv_sha256)
        && dir.join("installed.csv.zst").exists()
}

/// Applies the delta at `patch` to the installed snapshot; the result must be the manifest's
/// CSV to the byte (its SHA-256), or it is discarded.
fn rebuild(dir: &Path, patch: &Path, manifest: &Manifest) -> Result<PathBuf, FeedError> {
    let base_path = dir.join("installed.csv.zst");
    let cap = manifest::CSV_SIZE_CAP;
    let open = |p: &Path| -> Result<_, FeedError> {
        let file = File::open(p).map_err(FeedError::io(p.display()))?;
        let decoder = zstd::Decoder::new(file).map_err(FeedError::io(p.display()))?;
        Ok(Bounded::new(decoder, cap))
    };
    let out_path = dir.join("rebuilt.csv.zst");
    let file = File::create(&out_path).map_err(FeedError::io(out_path.display()))?;
    let io = || FeedError::io(out_path.display());
    // Level 3: the kiosk keeps this file only to apply the next delta to.
    let mut encoder = zstd::Encoder::new(std::io::BufWriter::new(file), 3).map_err(io())?;
    let mut plain = Hashing::new(&mut encoder);
    let ((base, base_over), (delta, delta_over)) = (open(&base_path)?, open(patch)?);
    // The rebuilt CSV may not grow past what the manifest declares (a delta bomb).
    let (out, out_over) = Bounded::new(&mut plain, manifest.snapshot.csv_size.min(cap));
    let applied = rows::apply_delta(base, delta, out);
    if base_over.get() || delta_over.get() || out_over.get() {
        let _ = std::fs::remove_file(&out_path);
        return Err(bomb("the registry rebuilt from the delta", cap));
    }
    applied?;
    let (_, size, sha) = plain.finish();
    encoder
        .finish()
        .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
        .and_then(|f| f.sync_all())
        .map_err(io())?;
    if size != manifest.snapshot.csv_size || sha != manifest.snapshot.csv_sha256 {
        let _ = std::fs::remove_file(&out_path);
        return Err(FeedError::Mismatch {
            file: "the registry rebuilt from the delta".into(),
            reason: "differs from the published snapshot".into(),
        });
    }
    Ok(out_path)
}

/// Makes `snapshot` the installed one, for the next delta.
fn keep_installed(dir: &Path, snapshot: &Path, manifest: &Manifest) -> Result<(), FeedError> {
    let target = dir.join("installed.csv.zst");
    std::fs::rename(snapshot, &target).map_err(FeedError::io(target.display()))?;
    let record = serde_json::to_vec(&Installed {
        serial: manifest.serial,
        csv_sha256: manifest.snapshot.csv_sha256.clone(),
    })
    .map_err(|e| FeedError::Manifest(e.to_string()))?;
    super::publish::write_atomically(&dir.join("installed.json"), &record)
}

/// The refusal for a compressed file that decompresses past `bound` bytes.
fn bomb(file: &str, bound: u64) -> FeedError {
    FeedError::Mismatch {
        file: file.to_owned(),
        reason: format!(
            "decompresses to more than {bound} bytes, the size the signed manifest declares \
             (a compression bomb)"
        ),
    }
}

/// A reader or writer that fails once more than `limit` bytes went through, and says so in the
/// flag it hands out (the error itself may be rewrapped by whoever reads or writes).
struct Bounded<T> {
    inner: T,
    left: u64,
    overran: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<T> Bounded<T> {
    fn new(inner: T, limit: u64) -> (Self, std::rc::Rc<std::cell::Cell<bool>>) {
        let overran = std::rc::Rc::new(std::cell::Cell::new(false));
        let bounded = Bounded {
            inner,
            left: limit,
            overran: overran.clone(),
        };
        (bounded, overran)
    }

    fn over(&self) -> std::io::Error {
        self.overran.set(true);
        std::io::Error::other("more bytes than the signed manifest declares")
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // One byte beyond the limit is asked for, so an exact fit is told from an overrun.
        let want = buf
            .len()
            .min(usize::try_from(self.left.saturating_add(1)).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            return Err(self.over());
        }
        self.left -= n as u64;
        Ok(n)
    }
}

impl<W: Write> Write for Bounded<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if buf.len() as u64 > self.left {
            return Err(self.over());
        }
        let n = self.inner.write(buf)?;
        self.left -= n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The feed server, reached over HTTPS trusting only the provisioned CA.
struct Feed {
    agent: ureq::Agent,
    base: String,
    ca: PathBuf,
    deadline: Duration,
}

impl Feed {
    fn new(settings: &Settings) -> Result<Feed, FeedError> {
        let base = settings.url.trim().trim_end_matches('/').to_owned();
        if !base.starts_with("https://") {
            return Err(FeedError::Config(format!(
                "the feed URL must start with https:// (got `{base}`): set sync.url or --url"
            )));
        }
        Ok(Feed {
            agent: https_agent(&settings.ca, settings.timeout)?,
            base,
            ca: settings.ca.clone(),
            deadline: settings.deadline,
        })
    }

    /// A GET that, body included, ends within the download deadline.
    fn get(&self, url: &str) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
        self.agent
            .get(url)
            .config()
            .timeout_global(Some(self.deadline))
            .build()
    }

    fn url(&self, name: &str) -> String {
        format!("{}/{name}", self.base)
    }

    /// A small file (the manifest), whole.
    fn small(&self, name: &str) -> Result<Vec<u8>, FeedError> {
        self.small_limited(name, MANIFEST_LIMIT)
    }

    /// A file of at most `limit` bytes, whole.
    fn small_limited(&self, name: &str, limit: u64) -> Result<Vec<u8>, FeedError> {
        let url = self.url(name);
        let mut response = self.get(&url).call().map_err(|e| self.refusal(&url, e))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(FeedError::Network(format!(
                "{url}: the server answered HTTP {status}"
            )));
        }
        response
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|e| self.refusal(&url, e))
    }

    /// The release's revocation list, read only after its size and SHA-256 are the signed
    /// ones; kept in memory (it is small), never written to disk.
    fn revocations(&self, list: &RevocationList) -> Result<Vec<SharedRevocation>, FeedError> {
        let bytes = self.small_limited(&list.file, REVOCATIONS_LIMIT)?;
        let digest = super::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        if bytes.len() as u64 != list.size || digest != list.sha256 {
            return Err(FeedError::Mismatch {
                file: list.file.clone(),
                reason: "its SHA-256 does not match the signed manifest (tampered or corrupted)"
                    .into(),
            });
        }
        Ok(super::revocations::read(&bytes[..], &list.file)?)
    }

    /// Downloads `name` into `dir/<sha256>.part`, resuming what an earlier sync left there, and
    /// returns the file once its size and SHA-256 are the signed ones.
    fn download(
        &self,
        dir: &Path,
        name: &str,
        size: u64,
        sha256: &str,
    ) -> Result<PathBuf, FeedError> {
        let part = dir.join(format!("{sha256}.part"));
        remove_other_parts(dir, &part);
        let mut have = std::fs::metadata(&part).map_or(0, |m| m.len());
        if have > size {
            std::fs::remove_file(&part).map_err(FeedError::io(part.display()))?;
            have = 0;
        }
        if have < size {
            self.fetch_into(name, &part, have, size)?;
        }
        let (len, digest) = rows::file_digest(&part)?;
        if len != size || digest != sha256 {
            let _ = std::fs::remove_file(&part);
            return Err(FeedError::Mismatch {
                file: name.to_owned(),
                reason: "its SHA-256 does not match the signed manifest (tampered or corrupted)"
                    .into(),
            });
        }
        Ok(part)
    }

    /// Appends bytes `have..size` of `name` to `part`.
    fn fetch_into(&self, name: &str, part: &Path, have: u64, size: u64) -> Result<(), FeedError> {
        let url = self.url(name);
        let started = std::time::Instant::now();
        let mut request = self.get(&url);
        if have > 0 {
            request = request.header("Range", format!("bytes={have}-"));
        }
        let mut response = request.call().map_err(|e| self.refusal(&url, e))?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let header = |n: &str| {
            headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let start = match status {
            206 => content_range_start(header("content-range"), size)
                .filter(|&start| start == have)
                .ok_or_else(|| {
                    FeedError::Network(format!(
                        "{url}: the server resumed at another place than asked (Content-Range)"
                    ))
                })?,
            200 => 0,
            416 => {
                // What we hold is not a prefix the server knows: start again next time.
                let _ = std::fs::remove_file(part);
                return Err(FeedError::Network(format!(
                    "{url}: the server refused to resume (HTTP 416); the next sync starts over"
                )));
            }
            _ => {
                return Err(FeedError::Network(format!(
                    "{url}: the server answered HTTP {status}"
                )))
            }
        };
        if let Some(length) = header("content-length").and_then(|l| l.parse::<u64>().ok()) {
            if start + length != size {
                return Err(FeedError::Mismatch {
                    file: name.to_owned(),
                    reason: format!(
                        "the server's file is {} bytes, the signed manifest says {size} (truncated or replaced)",
                        start + length
                    ),
                });
            }
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(part)
            .map_err(FeedError::io(part.display()))?;
        // A 200 (or a range we did not ask for) restarts the file.
        if start != have {
            file.set_len(0).map_err(FeedError::io(part.display()))?;
        }
        let mut body = response.body_mut().as_reader().take(size - start);
        let copied = copy_durably(&mut body, &mut file, started + self.deadline);
        let got = std::fs::metadata(part).map_or(0, |m| m.len());
        let reason = match copied {
            Err(_) if started.elapsed() >= self.deadline => format!(
                "cut off at the download deadline of {} s",
                self.deadline.as_secs()
            ),
            Err(e) => e.to_string(),
            Ok(()) if got < size => "the server closed the connection early".into(),
            Ok(()) => return Ok(()),
        };
        Err(FeedError::Interrupted {
            file: name.to_owned(),
            have: got,
            total: size,
            reason,
        })
    }

    /// One line for a request that failed: TLS trust, reachability, or the rest.
    fn refusal(&self, url: &str, e: ureq::Error) -> FeedError {
        if let Some(tls) = tls_failure(&e) {
            return FeedError::Tls(format!(
                "{url}: TLS refused ({tls}): the server's certificate must chain to the provisioned CA {}",
                self.ca.display()
            ));
        }
        FeedError::Network(format!(
            "cannot fetch {url}: {}",
            e.to_string().replace('\n', " ")
        ))
    }
}

/// The first byte of a `Content-Range: bytes START-END/TOTAL` for a file of `size` bytes.
fn content_range_start(value: Option<String>, size: u64) -> Option<u64> {
    let value = value?;
    let (range, total) = value.strip_prefix("bytes ")?.split_once('/')?;
    if total.trim().parse::<u64>().ok()? != size {
        return None;
    }
    range.split_once('-')?.0.trim().parse().ok()
}

/// Copies in chunks, each written through to the file, so a broken connection keeps every byte
/// that arrived for the next sync to resume from.
/// A server that keeps sending a little at a time is stopped at `until`.
fn copy_durably(
    body: &mut impl Read,
    file: &mut File,
    until: std::time::Instant,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    let result = loop {
        if std::time::Instant::now() >= until {
            break Err(std::io::ErrorKind::TimedOut.into());
        }
        match body.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => file.write_all(&buf[..n])?,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(e),
        }
    };
    file.sync_data()?;
    result
}

/// Only one download is ever in progress: a part of another file is stale.
fn remove_other_parts(dir: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path != keep && path.extension().is_some_and(|e| e == "part") {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// An HTTPS-only agent (ureq on rustls with the ring provider) trusting only the CAs in the PEM
/// file `ca`; no redirects; HTTP error statuses are answers, not errors. Also the alert channels'.
pub(crate) fn https_agent(
    ca: &Path,
    timeout: std::time::Duration,
) -> Result<ureq::Agent, FeedError> {
    let tls = ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(ca_certificates(
            ca,
        )?)))
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .build();
    let config = ureq::Agent::config_builder()
        .https_only(true)
        .http_status_as_error(false)
        .max_redirects(0)
        .tls_config(tls)
        .timeout_connect(Some(timeout))
        .timeout_per_read(Some(timeout))
        .timeout_recv_response(Some(timeout))
        .user_agent(concat!("vestibule/", env!("CARGO_PKG_VERSION")))
        .build();
    Ok(ureq::Agent::new_with_config(config))
}

/// The certificates of the CA file. ureq would skip ones rustls cannot parse and trust none;
/// refusing here says why.
fn ca_certificates(path: &Path) -> Result<Vec<ureq::tls::Certificate<'static>>, FeedError> {
    if path.as_os_str().is_empty() {
        return Err(FeedError::Config(
            "no CA for the feed server: set sync.ca or pass --ca".into(),
        ));
    }
    let pem = std::fs::read(path).map_err(FeedError::io(path.display()))?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    let mut roots = rustls::RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(
        certs
            .iter()
            .map(|c| rustls::pki_types::CertificateDer::from(c.der().to_vec())),
    );
    if added == 0 {
        return Err(FeedError::Config(format!(
            "{} holds no usable CA certificate (PEM)",
            path.display()
        )));
    }
    Ok(certs)
}

/// The TLS reason a request failed, when it was TLS (a certificate from another CA, ...): the
/// one line a technician needs, for the feed and the alert channels alike.
pub(crate) fn tls_failure(e: &ureq::Error) -> Option<String> {
    match e {
        ureq::Error::Rustls(t) => Some(t.to_string()),
        ureq::Error::Io(io) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .map(|t| t.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_must_name_the_whole_file() {
        assert_eq!(
            content_range_start(Some("bytes 100-199/200".into()), 200),
            Some(100)
        );
        assert_eq!(
            content_range_start(Some("bytes 100-199/300".into()), 200),
            None
        );
        assert_eq!(content_range_start(None, 200), None);
    }

    #[test]
    fn bounded_reads_and_writes_stop_past_their_limit() {
        let mut exact = String::new();
        let (mut r, over) = Bounded::new(&b"abcd"[..], 4);
        r.read_to_string(&mut exact).unwrap();
        assert_eq!((exact.as_str(), over.get()), ("abcd", false));
        let (mut r, over) = Bounded::new(&b"abcde"[..], 4);
        assert!(r.read_to_end(&mut Vec::new()).is_err());
        assert!(over.get());
        let (mut w, over) = Bounded::new(Vec::new(), 4);
        w.write_all(b"abcd").unwrap();
        assert!(w.write_all(b"e").is_err());
        assert!(over.get());
        // A real bomb: 64 MiB of zeros in a few kB, cut at the bound without inflating it all.
        let bomb = zstd::encode_all(&vec![0u8; 64 << 20][..], 3).unwrap();
        assert!(bomb.len() < 64 << 10);
        let (mut r, over) = Bounded::new(zstd::Decoder::new(&bomb[..]).unwrap(), 1 << 20);
        assert!(std::io::copy(&mut r, &mut std::io::sink()).is_err());
        assert!(over.get());
    }
}
