//! `vestibule event badges`: the real binary, a real redb file. Every attendee is screened
//! first; a flagged one gets no badge and is named by line only. The print job is decoded back
//! with a Brother QL raster decoder written here from the Raster Command Reference (multi-page:
//! print information per page, FF between pages, SUB after the last), the PDF with lopdf; each
//! badge's sign-out QR decodes (rqrr) to a code the store signed and that signs its visit out.

use std::path::PathBuf;
use std::process::{Command, Output};

use vestibule::badge::Bitmap1;
use vestibule::kiosk::VisitId;
use vestibule::store::{Key, Store};

const EVENT: &str = "Winter Concert";

struct School {
    dir: tempfile::TempDir,
}

impl School {
    /// A database whose watchlist bans MORIARTY, JAMES, and an attendee list of `clear`
    /// people with him on line 5.
    fn new(clear: usize) -> School {
        let school = School {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(
            school.path("watchlist.csv"),
            "entry_id,list,last_name,first_name,middle_name,dob,sex,action,note\nW1,banned,MORIARTY,JAMES,,,,deny,\n",
        )
        .unwrap();
        // Screening needs an installed registry (no registry, no badge).
        std::fs::write(school.path("registry.csv"), "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,offense\nR-1,primary,REGISTRANT,NOBODY,,,1950-01-01,M,VA,Example offence\n").unwrap();
        for what in ["watchlist", "registry"] {
            let file = format!("{what}.csv");
            let out = school.run(&[what, "import", "--db", "v.redb", &file]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut csv = String::from("last_name,first_name,email\n");
        for n in 0..clear {
            if n == 3 {
                csv.push_str("Moriarty,James,jm@example.org\n");
            }
            csv.push_str(&format!("Attendee{n:03},Pat,p{n}@example.org\n"));
        }
        std::fs::write(school.path("attendees.csv"), csv).unwrap();
        school
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vestibule"))
            .args(args)
            .env_remove("VESTIBULE_DB")
            .env_remove("VESTIBULE_CONFIG")
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    fn badges(&self, extra: &[&str]) -> Output {
        let mut args = vec![
            "event",
            "badges",
            "--db",
            "v.redb",
            "--attendees",
            "attendees.csv",
            "--event",
            EVENT,
            "--date",
            "2026-12-10",
            "--out",
            "out",
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn store(&self) -> Store {
        let key = Key::read(&self.path("v.redb.key")).unwrap();
        Store::open_with_key(&self.path("v.redb"), &key).unwrap()
    }
}

fn take<'a>(bytes: &mut &'a [u8], n: usize, what: &str) -> &'a [u8] {
    assert!(bytes.len() >= n, "job ends before {what}");
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    head
}

fn expect(bytes: &mut &[u8], want: &[u8], what: &str) {
    assert_eq!(take(bytes, want.len(), what), want, "{what}");
}

/// A multi-page Brother QL raster job -> its pages. `cut` is `ESC i A`'s value, `None` for
/// auto cut off; `feed` the margin in dots.
fn decode_run(mut job: &[u8], cut: Option<u8>, feed: u8) -> Vec<Bitmap1> {
    let job = &mut job;
    expect(job, &[0; 400], "invalidate");
    expect(job, b"\x1b@", "initialise");
    expect(job, b"\x1bia\x01", "raster mode");
    expect(job, b"\x1bi!\x00", "status notifications");
    let mut pages = Vec::new();
    loop {
        expect(job, b"\x1biz", "print information");
        let info = take(job, 10, "print information fields");
        assert_eq!(
            info[8],
            u8::from(!pages.is_empty()),
            "starting page / other pages"
        );
        let lines = u32::from_le_bytes(info[4..8].try_into().unwrap());
        match cut {
            Some(n) => {
                expect(job, b"\x1biM\x40", "auto cut");
                expect(job, &[0x1b, b'i', b'A', n], "cut each n labels");
            }
            None => expect(job, b"\x1biM\x00", "no auto cut"),
        }
        expect(job, b"\x1biK\x08", "cut at end");
        expect(job, &[0x1b, b'i', b'd', feed, 0], "margin");
        expect(job, b"M\x00", "no compression");
        let mut page = Bitmap1::new(696, lines);
        for y in 0..lines {
            expect(job, b"g\x00\x5a", "raster line");
            let line = take(job, 90, "raster data");
            for dot in 0..720usize {
                if line[dot / 8] & (0x80 >> (dot % 8)) != 0 {
                    page.set((707 - dot) as u32, y, true);
                }
            }
        }
        pages.push(page);
        match take(job, 1, "print command")[0] {
            0x0c => continue,
            0x1a => break,
            other => panic!("unexpected print command {other:#04x}"),
        }
    }
    assert!(job.is_empty(), "{} bytes after the last page", job.len());
    pages
}

fn qr_codes(page: &Bitmap1) -> Vec<String> {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(
        page.width() as usize,
        page.height() as usize,
        |x, y| {
            if page.is_ink(x as u32, y as u32) {
                0
            } else {
                255
            }
        },
    );
    image
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|d| d.1))
        .collect()
}

#[test]
fn a_hundred_attendees_make_one_brother_job_of_a_hundred_labels() {
    let school = School::new(100);
    let out = school.badges(&["--printer", "brother-ql-dk1202"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("line 5: flagged") && !text.contains("Moriarty"),
        "{text}"
    );
    assert!(text.contains("100 badges"), "{text}");
    let job = std::fs::read(school.path("out/badges.bin")).unwrap();
    let pages = decode_run(&job, Some(10), 0);
    assert_eq!(pages.len(), 100);
    assert!(pages
        .iter()
        .all(|p| p.height() == 1109 && p.ink_count() > 10_000));

    // Visits: one per cleared attendee, none for the flagged one, all in the building.
    let store = school.store();
    let visits = store.in_building().unwrap();
    assert_eq!(visits.len(), 100);
    assert!(visits
        .iter()
        .all(|v| v.purpose == "event" && v.destination == EVENT));
    assert!(!visits.iter().any(|v| v.visitor_name.contains("Moriarty")));
    assert_eq!(visits[0].visitor_name, "Pat Attendee000");

    // The last badge's sign-out QR is genuine and signs its own visit out.
    let codes = qr_codes(&pages[99]);
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert!(store.badge_is_genuine(&codes[0]));
    let visit = VisitId::from_sign_out_code(&codes[0]).unwrap();
    assert_eq!(visit, VisitId(visits[99].visit));
    let signed_out = store
        .sign_out(visit.0, "2026-12-10T21:00:00-05:00")
        .unwrap();
    assert_eq!(signed_out.unwrap().visitor_name, "Pat Attendee099");
    assert_eq!(store.in_building().unwrap().len(), 99);
    let audit = store.audit_lines().unwrap();
    assert!(audit
        .iter()
        .any(|l| l.contains("event-badges") && l.contains(EVENT)));
}

#[test]
fn continuous_tape_is_cut_after_every_badge_with_its_margin() {
    let school = School::new(3);
    let out = school.badges(&["--printer", "brother-ql-dk2205", "--cut-every", "0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job = std::fs::read(school.path("out/badges.bin")).unwrap();
    assert_eq!(decode_run(&job, Some(1), 35).len(), 3);
}

#[test]
fn die_cut_labels_may_run_uncut_to_the_end() {
    let school = School::new(2);
    let out = school.badges(&["--printer", "brother-ql-dk1202", "--cut-every", "0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job = std::fs::read(school.path("out/badges.bin")).unwrap();
    assert_eq!(decode_run(&job, None, 0).len(), 2);
}

#[test]
fn a_pdf_sheet_holds_eight_badges_a_page_one_image_each() {
    let school = School::new(20);
    let out = school.badges(&["--format", "pdf"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read(school.path("out/badges.pdf")).unwrap();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages = doc.get_pages();
    assert_eq!(pages.len(), 3);
    let per_page: Vec<usize> = pages
        .values()
        .map(|id| doc.get_page_images(*id).unwrap().len())
        .collect();
    assert_eq!(per_page, vec![8, 8, 4]);
    let page = doc.get_dictionary(pages[&1]).unwrap();
    let media: Vec<f32> = page
        .get(b"MediaBox")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_float().unwrap())
        .collect();
    assert_eq!(media, vec![0.0, 0.0, 612.0, 792.0], "US Letter");

    // The first image is a whole badge, Flate-compressed, whose QR signs out visit 1.
    let image = &doc.get_page_images(pages[&1]).unwrap()[0];
    assert_eq!(
        (image.width, image.height, image.bits_per_component),
        (696, 1109, Some(1))
    );
    assert_eq!(
        image.filters.as_deref(),
        Some(&["FlateDecode".to_owned()][..])
    );
    let stream = doc.get_object(image.id).unwrap().as_stream().unwrap();
    let bits = stream.decompressed_content().unwrap();
    let badge = Bitmap1::from_rows(696, 1109, bits).unwrap();
    let codes = qr_codes(&badge);
    assert_eq!(codes.len(), 1);
    let store = school.store();
    assert!(store.badge_is_genuine(&codes[0]));
    assert_eq!(VisitId::from_sign_out_code(&codes[0]), Some(VisitId(1)));
    assert_eq!(store.in_building().unwrap().len(), 20);
}

#[test]
fn a_bad_attendee_row_refuses_the_run_and_writes_nothing() {
    let school = School::new(3);
    std::fs::write(
        school.path("attendees.csv"),
        "last_name,first_name,dob\nLovelace,Ada,1985-12-10\nSecret,Person,10/12/1985\n",
    )
    .unwrap();
    let out = school.badges(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 3: field `dob`") && !err.contains("Secret"),
        "{err}"
    );
    assert!(!school.path("out").exists());
    let visits = school.run(&["visits", "--db", "v.redb", "--all", "--json"]);
    assert!(visits.stdout.is_empty());
}

/// With a district visit log configured, every event visit is queued for upload with it, in
/// the same transaction: the district counts event attendees like kiosk visitors.
#[test]
fn event_visits_are_queued_for_the_district() {
    let school = School::new(5);
    std::fs::write(
        school.path("kiosk.toml"),
        "[sync]\nca = \"ca.pem\"\n\n[district]\nvisits_url = \"https://district.example/visits\"\n",
    )
    .unwrap();
    let out = school.badges(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without the config: nothing queued.
    let listed = school.run(&["outbox", "list", "--db", "v.redb"]);
    let text = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(!text.contains("district"), "{text}");

    let school = School::new(5);
    std::fs::write(
        school.path("kiosk.toml"),
        "[sync]\nca = \"ca.pem\"\n\n[district]\nvisits_url = \"https://district.example/visits\"\n",
    )
    .unwrap();
    std::fs::write(
        school.path("ca.pem"),
        "not used: nothing is delivered here\n",
    )
    .unwrap();
    // `--config` is global: it may follow the subcommand.
    let out = school.badges(&["--config", "kiosk.toml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = school.run(&["--config", "kiosk.toml", "outbox", "list", "--db", "v.redb"]);
    let text = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(text.contains("district: 5 waiting"), "{text}");
}
