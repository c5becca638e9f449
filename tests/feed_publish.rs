//! `vestibule registry keygen | publish` (docs/feed.md), district side: the files a
//! feed directory holds, checked by reading them back with the library.

mod feed_support;

use std::io::Read;

use feed_support::*;
use vestibule::feed::manifest::{self, Manifest};
use vestibule::feed::{keys, rows};

fn read_manifest(dir: &std::path::Path, public: &str) -> Manifest {
    let bytes = std::fs::read(dir.join("manifest.json")).unwrap();
    manifest::open(&bytes, &keys::parse_public(public).unwrap()).unwrap()
}

fn unzstd(path: &std::path::Path) -> Vec<u8> {
    let mut out = Vec::new();
    zstd::Decoder::new(std::fs::File::open(path).unwrap())
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn keygen_writes_a_private_key_0600_and_prints_the_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("signing.key");
    let public = keygen(&key);
    assert_eq!(public.len(), 44, "base64 of 32 bytes: {public}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("signing.key.pub"))
            .unwrap()
            .trim(),
        public
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&key).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let again = vestibule()
        .args(["registry", "keygen", "--out"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(
        refused(&again).contains("signing.key"),
        "never overwrites a key"
    );
}

#[test]
fn publish_writes_a_signed_manifest_and_a_canonical_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("signing.key");
    let public = keygen(&key);
    let csv = dir.path().join("registry.csv");
    std::fs::write(&csv, registry_csv(300, &[&KNOWN])).unwrap();
    let out = dir.path().join("feed");
    let line = publish(&key, &out, &csv, None);
    assert!(line.starts_with("published serial "), "{line}");

    let manifest = read_manifest(&out, &public);
    assert_eq!((manifest.rows, manifest.people), (401, 301));
    assert!(manifest.delta.is_none());
    let snapshot = out.join(&manifest.snapshot.file);
    let (size, sha) = rows::file_digest(&snapshot).unwrap();
    assert_eq!(
        (size, sha),
        (manifest.snapshot.size, manifest.snapshot.sha256)
    );
    let text = String::from_utf8(unzstd(&snapshot)).unwrap();
    assert_eq!(text.len() as u64, manifest.snapshot.csv_size);
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), rows::COLUMNS.join(","));
    let ids: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ids.len(), 401);
    assert!(ids.windows(2).all(|w| w[0] <= w[1]), "sorted by record_id");
    // No scratch database left behind.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["manifest.json".to_owned(), manifest.snapshot.file.clone()]
    );

    // The snapshot imports into a store and screens like the district's CSV.
    let db = dir.path().join("v.redb");
    vestibule::store::Store::open(&db)
        .unwrap()
        .import_registry(text.as_bytes())
        .unwrap();
    assert!(is_flagged(&db, &KNOWN));
}

#[test]
fn a_bad_row_is_refused_naming_its_line_and_nothing_is_published() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("signing.key");
    keygen(&key);
    let csv = dir.path().join("registry.csv");
    let mut text = registry_csv(2, &[]);
    // Line 5 (after the header and 3 rows): a date that is not one.
    text += "MO-BAD,primary,DOE,JANE,,,1980-13-45,F,MO,\n";
    std::fs::write(&csv, text).unwrap();
    let out = dir.path().join("feed");
    let result = vestibule()
        .args(["registry", "publish", "--key"])
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .arg(&csv)
        .output()
        .unwrap();
    let stderr = refused(&result);
    assert!(stderr.contains("line 5"), "{stderr}");
    assert!(stderr.contains("dob"), "{stderr}");
    assert!(!out.join("manifest.json").exists());
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "nothing left behind"
    );
}

#[test]
fn a_delta_carries_only_the_people_added_changed_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("signing.key");
    let public = keygen(&key);
    let (v1, v2) = (dir.path().join("v1.csv"), dir.path().join("v2.csv"));
    std::fs::write(&v1, registry_csv(300, &[&KNOWN, &LEAVING])).unwrap();
    // v2: LEAVING is gone, ADDED is new, MO-00007 moved city.
    let changed: String = registry_csv(300, &[&KNOWN, &ADDED])
        .lines()
        .map(|l| match l.starts_with("MO-00007,primary,") {
            true => l.replace("Springfield", "Shelbyville") + "\n",
            false => format!("{l}\n"),
        })
        .collect();
    assert!(changed.contains("Shelbyville"));
    std::fs::write(&v2, changed).unwrap();
    let feed = dir.path().join("feed");
    publish(&key, &feed, &v1, None);
    let first = read_manifest(&feed, &public);
    // In place: the directory being replaced is the previous release.
    let line = publish(&key, &feed, &v2, Some(&feed));
    assert!(
        line.contains("2 people added or changed, 1 removed"),
        "{line}"
    );
    let second = read_manifest(&feed, &public);
    assert!(second.serial > first.serial);
    let delta = second.delta.clone().unwrap();
    assert_eq!(delta.base_serial, first.serial);
    assert_eq!(delta.base_csv_sha256, first.snapshot.csv_sha256);
    assert_eq!((delta.upserts, delta.removals), (2, 1));
    let delta_csv = String::from_utf8(unzstd(&feed.join(&delta.file))).unwrap();
    assert_eq!(
        delta_csv.lines().count(),
        1 + 3,
        "header + 2 upserted rows + 1 removal"
    );
    assert!(delta.size < first.snapshot.size / 4);
    let (size, sha) = rows::file_digest(&feed.join(&delta.file)).unwrap();
    assert_eq!((size, sha), (delta.size, delta.sha256.clone()));

    // Applying it to the first snapshot gives the second, to the byte.
    let base = unzstd(&feed.join(&first.snapshot.file));
    let mut rebuilt = Vec::new();
    rows::apply_delta(&base[..], delta_csv.as_bytes(), &mut rebuilt).unwrap();
    assert_eq!(rebuilt, unzstd(&feed.join(&second.snapshot.file)));
}

#[test]
fn publishing_again_always_raises_the_serial() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("signing.key");
    let public = keygen(&key);
    let csv = dir.path().join("registry.csv");
    std::fs::write(&csv, registry_csv(20, &[])).unwrap();
    let feed = dir.path().join("feed");
    let mut serials = Vec::new();
    for _ in 0..3 {
        publish(&key, &feed, &csv, None);
        serials.push(read_manifest(&feed, &public).serial);
    }
    assert!(serials.windows(2).all(|w| w[0] < w[1]), "{serials:?}");
}
