//! AAMVA DL/ID payloads, read end to end through `read_scan` (as the kiosk reads a scanner) and
//! straight through `aamva::parse`.
//!
//! Where each fixture comes from, and under which licence, is in tests/fixtures/aamva/README.md
//! and repeated above each test. Genuine payloads come from the AAMVA standards' examples and the
//! test suites of open-source parsers (their sample cards are specimens or invented people);
//! the rest are made up for Vestibule or derived from a genuine one to show one deviation.

use time::macros::date;
use time::Date;
use vestibule::identity::{aamva, read_scan, DocumentKind, Identity, Scan, ScanError, Sex};

const TODAY: Date = date!(2026 - 11 - 22);

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/aamva/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn scan_bytes(bytes: &[u8]) -> Result<Identity, ScanError> {
    match read_scan(bytes, TODAY)? {
        Scan::Person(identity) => Ok(identity),
        Scan::Invitation(_) => panic!("read as an invitation"),
    }
}

/// End to end, as the kiosk reads a scanner.
fn scan(name: &str) -> Result<Identity, ScanError> {
    scan_bytes(&fixture(name))
}

/// Straight into the parser; bytes that are not UTF-8 are read as Latin-1, as `read_scan` does.
fn parse(name: &str) -> Result<Identity, ScanError> {
    let text = match String::from_utf8(fixture(name)) {
        Ok(text) => text,
        Err(not_utf8) => not_utf8.into_bytes().into_iter().map(char::from).collect(),
    };
    aamva::parse(&text)
}

/// What a card says, every field of [`Identity`].
struct Card {
    last: &'static str,
    first: &'static str,
    middle: Option<&'static str>,
    suffix: Option<&'static str>,
    dob: Date,
    sex: Option<Sex>,
    issuer: &'static str,
    last4: Option<&'static str>,
    expires: Option<Date>,
    truncated: bool,
}

/// Field by field, so a failure names the field (`Identity`'s `Debug` hides personal data).
fn assert_card(got: Result<Identity, ScanError>, want: &Card) {
    let got = got.unwrap_or_else(|e| panic!("{} did not parse: {e:?}", want.last));
    assert_eq!(got.document, DocumentKind::Aamva);
    assert_eq!(got.last_name, want.last, "last name");
    assert_eq!(got.first_name, want.first, "first name");
    assert_eq!(got.middle_name.as_deref(), want.middle, "middle name");
    assert_eq!(got.suffix.as_deref(), want.suffix, "suffix");
    assert_eq!(got.dob, want.dob, "date of birth");
    assert_eq!(got.sex, want.sex, "sex");
    assert_eq!(got.issuer.as_deref(), Some(want.issuer), "issuer");
    assert_eq!(
        got.document_number_last4.as_deref(),
        want.last4,
        "document number"
    );
    assert_eq!(got.expires, want.expires, "expiry");
    assert_eq!(got.name_truncated, want.truncated, "name truncated");
}

/// Both ways in: through `read_scan` and through `aamva::parse`.
fn assert_fixture(name: &str, want: &Card) {
    assert_card(scan(name), want);
    assert_card(parse(name), want);
}

// ---------------------------------------------------------------------------------------------
// One or more genuine payloads for every AAMVA version

/// AAMVA DL/ID Card Design Standard 2020, Annex D example, as given in the README of
/// benhovinga/aamva_barcode_library (MIT). Version 10.
const ANNEX_D: Card = Card {
    last: "SAMPLE",
    first: "MICHAEL",
    middle: Some("JOHN"),
    suffix: Some("JR"),
    dob: date!(1986 - 06 - 06),
    sex: Some(Sex::M),
    issuer: "VA",
    last4: Some("5789"),
    expires: Some(date!(2024 - 12 - 10)),
    truncated: false,
};

#[test]
fn version_10_annex_d_example() {
    assert_fixture("v10-va-annex-d.txt", &ANNEX_D);
}

/// The DL/ID-2000 sample card several parsers test with (version 01, DAA `LAST,FIRST,MIDDLE`,
/// CCYYMMDD dates), from rechner/py-aamva test.py (GPL-2.0-or-later). PDF417 macro codewords printed as text trail
/// the last subfile: trailing junk.
#[test]
fn version_01_dlid_2000_example_with_trailing_junk() {
    assert_fixture(
        "v01-va-dlid2000-example.txt",
        &Card {
            last: "PUBLIC",
            first: "JOHN",
            middle: Some("Q"),
            suffix: None,
            dob: date!(1976 - 11 - 23),
            sex: Some(Sex::M),
            issuer: "VA",
            last4: Some("9ABC"),
            expires: Some(date!(2001 - 12 - 01)),
            truncated: false,
        },
    );
}

/// New Brunswick, version 02: DCS + DCT `FIRST MIDDLE`, DCU `NONE`; a Canadian card that writes
/// MMDDCCYY; non-ASCII `¿` in its jurisdiction subfile. c0shea/IdParser Licenses/NB.txt (MIT),
/// as stored (LF separators, no RS).
#[test]
fn version_02_new_brunswick_month_first_dates_in_canada() {
    assert_fixture(
        "v02-nb.txt",
        &Card {
            last: "MOTORIST",
            first: "MARY",
            middle: Some("M"),
            suffix: None,
            dob: date!(1962 - 08 - 08),
            sex: Some(Sex::F),
            issuer: "NB",
            last4: Some("4567"),
            expires: Some(date!(2021 - 08 - 08)),
            truncated: false,
        },
    );
}

/// Virginia, version 03: DCT `FIRST,MIDDLE` with comma, padded fields, `\r\r\n` tail.
/// rechner/py-aamva test.py (GPL-2.0-or-later).
#[test]
fn version_03_virginia_given_names_with_comma() {
    assert_fixture(
        "v03-va.txt",
        &Card {
            last: "MAURY",
            first: "JUSTIN",
            middle: Some("WILLIAM"),
            suffix: None,
            dob: date!(1958 - 07 - 15),
            sex: Some(Sex::M),
            issuer: "VA",
            last4: Some("0185"),
            expires: Some(date!(2017 - 08 - 14)),
            truncated: false,
        },
    );
}

/// Washington enhanced licence, version 03: DCT `FIRST MIDDLE` with a space, suffix `V` in DCU,
/// a two-word family name. rechner/py-aamva test.py (GPL-2.0-or-later).
#[test]
fn version_03_washington_suffix_element() {
    assert_fixture(
        "v03-wa-edl.txt",
        &Card {
            last: "O REALTEST",
            first: "DABE",
            middle: Some("DEE"),
            suffix: Some("V"),
            dob: date!(1948 - 03 - 10),
            sex: Some(Sex::M),
            issuer: "WA",
            last4: Some("21DS"),
            expires: Some(date!(2013 - 03 - 10)),
            truncated: false,
        },
    );
}

const MICHIGAN: Card = Card {
    last: "SMITH",
    first: "ROBERT",
    middle: None,
    suffix: None,
    dob: date!(1968 - 03 - 23),
    sex: Some(Sex::M),
    issuer: "MI",
    last4: Some("1342"),
    expires: Some(date!(2020 - 03 - 25)),
    truncated: false,
};

/// Michigan, version 03: empty elements, a document number with spaces. c0shea/IdParser
/// MI License.txt (MIT), as stored.
#[test]
fn version_03_michigan() {
    assert_fixture("v03-mi.txt", &MICHIGAN);
}

/// The Michigan payload with directory offsets that point nowhere near the subfiles (derived
/// from the one above): the subfile is found by its elements, not by the offset.
#[test]
fn wrong_offsets_do_not_matter() {
    assert_fixture("v03-mi-wrong-offsets.txt", &MICHIGAN);
}

/// Ontario, version 03: offset `0000` in the directory, CCYYMMDD dates, `TESTER,` and
/// `MARY,ANN` with commas. c0shea/IdParser ON License.txt (MIT), as stored.
#[test]
fn version_03_ontario_zero_offset_and_canadian_dates() {
    assert_fixture(
        "v03-on-zero-offset.txt",
        &Card {
            last: "TESTER",
            first: "MARY",
            middle: Some("ANN"),
            suffix: None,
            dob: date!(1996 - 06 - 03),
            sex: Some(Sex::F),
            issuer: "ON",
            last4: Some("5702"),
            expires: Some(date!(2020 - 06 - 03)),
            truncated: false,
        },
    );
}

/// Alberta (legacy IIN 990876), version 03, letters `abac` where the directory's offset
/// belongs, and no DBB. digitalbazaar/aamva-parse tests/bad-licenses (BSD-3-Clause).
#[test]
fn missing_date_of_birth() {
    assert_eq!(
        scan("v03-ab-missing-dob.txt"),
        Err(ScanError::MissingDateOfBirth)
    );
    assert_eq!(
        parse("v03-ab-missing-dob.txt"),
        Err(ScanError::MissingDateOfBirth)
    );
}

/// California specimen, version 04: a leading space before `@`, 40-character names, a DCU
/// outside the usual suffixes kept as written. rechner/py-aamva test.py (GPL-2.0-or-later).
#[test]
fn version_04_california_specimen() {
    assert_fixture(
        "v04-ca-specimen.txt",
        &Card {
            last: "LASTNAMEXYXYXYXYXYXYXYXYXXYXYXYXYXYXYXYX",
            first: "FIRSTXYXYXYXYXYXYXYXYXXYXYXYXYXYXYXYXXYX",
            middle: Some("XYXYXYXYXYXYXYXYXXYXYXYXYXYXYXYXXYXYXYXY"),
            suffix: Some("SUFIX"),
            dob: date!(1977 - 10 - 31),
            sex: Some(Sex::M),
            issuer: "CA",
            last4: Some("YXYX"),
            expires: Some(date!(2014 - 10 - 31)),
            truncated: false,
        },
    );
}

/// Wyoming, version 04, as a keyboard-wedge scanner delivered it: `@ac` instead of the
/// separators, no `DL` before the first element, and CCYYMMDD dates on a US card.
/// c0shea/IdParser Licenses/WY.txt (MIT).
#[test]
fn version_04_wyoming_mangled_header_and_year_first_dates() {
    assert_fixture(
        "v04-wy-mangled-header.txt",
        &Card {
            last: "O NEIL",
            // DAC `MOTORIST E` with DAD empty: Wyoming's first and middle name together
            first: "MOTORIST",
            middle: Some("E"),
            suffix: None,
            dob: date!(1958 - 10 - 31),
            sex: Some(Sex::F),
            issuer: "WY",
            last4: Some("6789"),
            expires: Some(date!(2021 - 10 - 31)),
            truncated: false,
        },
    );
}

/// Kentucky, version 05. c0shea/IdParser Licenses/KY.txt (MIT), as stored.
#[test]
fn version_05_kentucky() {
    assert_fixture(
        "v05-ky.txt",
        &Card {
            last: "SMITH",
            first: "MARY",
            middle: Some("ANN"),
            suffix: None,
            dob: date!(1954 - 11 - 12),
            sex: Some(Sex::F),
            issuer: "KY",
            last4: Some("0057"),
            expires: Some(date!(2021 - 12 - 13)),
            truncated: false,
        },
    );
}

/// Georgia specimen, version 06: DAD `NONE` and DCU `NONE` placeholders, truncation flags `U`.
/// rechner/py-aamva test.py (GPL-2.0-or-later).
#[test]
fn version_06_georgia_none_placeholders() {
    assert_fixture(
        "v06-ga.txt",
        &Card {
            last: "SAMPLE",
            first: "JANICE",
            middle: None,
            suffix: None,
            dob: date!(1957 - 07 - 01),
            sex: Some(Sex::F),
            issuer: "GA",
            last4: Some("6789"),
            expires: Some(date!(2017 - 07 - 01)),
            truncated: false,
        },
    );
}

/// New York sample, version 07: lower-case names, DAQ `NONE`. rechner/py-aamva test.py
/// (GPL-2.0-or-later).
#[test]
fn version_07_new_york_lower_case_and_no_number() {
    assert_fixture(
        "v07-ny.txt",
        &Card {
            last: "MICHAEL",
            first: "M",
            middle: Some("MOTORIST"),
            suffix: None,
            dob: date!(2013 - 08 - 31),
            sex: Some(Sex::M),
            issuer: "NY",
            last4: None,
            expires: Some(date!(2013 - 08 - 31)),
            truncated: false,
        },
    );
}

/// Maryland, version 08. c0shea/IdParser Licenses/MD.txt (MIT), as stored.
#[test]
fn version_08_maryland() {
    assert_fixture(
        "v08-md.txt",
        &Card {
            last: "SMITH",
            first: "DIANA",
            middle: Some("ROSE"),
            suffix: None,
            dob: date!(1992 - 10 - 10),
            sex: Some(Sex::F),
            issuer: "MD",
            last4: Some("6780"),
            expires: Some(date!(2025 - 10 - 10)),
            truncated: false,
        },
    );
}

const NORTH_CAROLINA: Card = Card {
    last: "MORALES MARTIZ",
    first: "RICK",
    middle: Some("SANTIAGO"),
    suffix: None,
    dob: date!(1986 - 06 - 12),
    sex: Some(Sex::M),
    issuer: "NC",
    last4: Some("5690"),
    expires: Some(date!(2025 - 06 - 12)),
    truncated: false,
};

/// North Carolina, version 08. c0shea/IdParser NC License.txt (MIT), as stored.
#[test]
fn version_08_north_carolina() {
    assert_fixture("v08-nc.txt", &NORTH_CAROLINA);
}

/// The North Carolina payload without the header's number of entries (derived from the one
/// above).
#[test]
fn missing_entry_count_does_not_matter() {
    assert_fixture("v08-nc-no-entry-count.txt", &NORTH_CAROLINA);
}

/// Ohio, version 08, with `@ LF CR` (no record separator). rechner/py-aamva test.py
/// (GPL-2.0-or-later).
#[test]
fn version_08_ohio_missing_record_separator() {
    assert_fixture(
        "v08-oh-no-record-separator.txt",
        &Card {
            last: "LASTNAME",
            first: "FIRSTNAME",
            middle: Some("W"),
            suffix: None,
            dob: date!(1991 - 05 - 26),
            sex: Some(Sex::M),
            issuer: "OH",
            last4: Some("4904"),
            expires: Some(date!(2020 - 05 - 26)),
            truncated: false,
        },
    );
}

/// Pennsylvania, version 09. c0shea/IdParser PA License 2016.txt (MIT), as stored.
#[test]
fn version_09_pennsylvania() {
    assert_fixture(
        "v09-pa.txt",
        &Card {
            last: "MORGAN",
            first: "CAPTAIN",
            middle: Some("JACK"),
            suffix: None,
            dob: date!(1960 - 05 - 22),
            sex: Some(Sex::M),
            issuer: "PA",
            last4: Some("1776"),
            expires: Some(date!(2021 - 05 - 23)),
            truncated: false,
        },
    );
}

/// Prince Edward Island, version 09: Canadian CCYYMMDD dates, DAD `NONE`. c0shea/IdParser
/// Licenses/PE.txt (MIT), as stored.
#[test]
fn version_09_prince_edward_island_canadian_dates() {
    assert_fixture(
        "v09-pe.txt",
        &Card {
            last: "FLOWERS",
            first: "PATTY",
            middle: None,
            suffix: None,
            dob: date!(1955 - 09 - 04),
            sex: Some(Sex::F),
            issuer: "PE",
            last4: Some("7725"),
            expires: Some(date!(2020 - 09 - 04)),
            truncated: false,
        },
    );
}

/// The benchmark's sample: a version 10 Missouri licence with made-up data (Vestibule).
#[test]
fn version_10_missouri_sample() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/scans/aamva-v10-mo.txt"
    ))
    .unwrap();
    let want = Card {
        last: "ERIKSSON",
        first: "ANNA",
        middle: Some("MARIA"),
        suffix: None,
        dob: date!(1974 - 08 - 12),
        sex: Some(Sex::F),
        issuer: "MO",
        last4: Some("1234"),
        expires: Some(date!(2031 - 08 - 12)),
        truncated: false,
    };
    assert_card(scan_bytes(&bytes), &want);
    assert_card(aamva::parse(std::str::from_utf8(&bytes).unwrap()), &want);
}

// ---------------------------------------------------------------------------------------------
// DL/ID-2000 and pre-standard cards, and jurisdictions that deviate

/// Pennsylvania, version 01: DAA `FIRST MIDDLE LAST` with spaces. c0shea/IdParser
/// Licenses/PA.txt (MIT), as stored.
#[test]
fn pennsylvania_full_name_in_reading_order() {
    assert_fixture(
        "v01-pa-daa-space-separated.txt",
        &Card {
            last: "SMITH",
            first: "JOHN",
            middle: Some("P"),
            suffix: None,
            dob: date!(1986 - 02 - 02),
            sex: Some(Sex::M),
            issuer: "PA",
            last4: Some("8765"),
            expires: Some(date!(2020 - 02 - 03)),
            truncated: false,
        },
    );
}

/// Maryland, version 01 with file type `AAMVA` and DAA `LAST,FIRST,,SUFFIX`. From
/// winfinit/aamvajs (GPL) via rechner/py-aamva test.py (GPL-2.0-or-later).
#[test]
fn maryland_aamva_file_type_and_suffix_in_full_name() {
    assert_fixture(
        "v01-md-aamva-file-type.txt",
        &Card {
            last: "JOHNSON",
            first: "JACK",
            middle: None,
            suffix: Some("3RD"),
            dob: date!(1991 - 02 - 09),
            sex: Some(Sex::M),
            issuer: "MD",
            last4: Some("5103"),
            expires: Some(date!(2017 - 02 - 09)),
            truncated: false,
        },
    );
}

/// South Carolina, version 01: a file separator (0x1C) where the record separator belongs and a
/// subfile offset one byte off. rechner/py-aamva test.py (GPL-2.0-or-later).
#[test]
fn south_carolina_file_separator_and_offset_off_by_one() {
    assert_fixture(
        "v01-sc-file-separator-offset.txt",
        &Card {
            last: "SAMPLE",
            first: "DRIVER",
            middle: Some("CREDENTIAL"),
            suffix: None,
            dob: date!(1978 - 09 - 28),
            sex: Some(Sex::M),
            issuer: "SC",
            last4: Some("5737"),
            expires: Some(date!(2019 - 09 - 28)),
            truncated: false,
        },
    );
}

/// Connecticut, version 01: file type `AAMVA`, no `DL` subfile type before the first element.
/// c0shea/IdParser Licenses/CT No Middle Name.txt (MIT), as stored.
#[test]
fn connecticut_without_subfile_type() {
    assert_fixture(
        "v01-ct-aamva-no-subfile-type.txt",
        &Card {
            last: "WANG",
            first: "CHUNG",
            middle: None,
            suffix: None,
            dob: date!(1949 - 03 - 03),
            sex: Some(Sex::M),
            issuer: "CT",
            last4: Some("2278"),
            expires: Some(date!(2023 - 03 - 03)),
            truncated: false,
        },
    );
}

/// Connecticut, version 01, header mangled to `@ LF 6 AAMVA`, DAA `CORTEZ,PABLO,,JR`, no
/// terminator at the end. c0shea/IdParser Licenses/CT Suffix.txt (MIT), as stored.
#[test]
fn connecticut_mangled_header_and_suffix() {
    assert_fixture(
        "v01-ct-mangled-header-suffix.txt",
        &Card {
            last: "CORTEZ",
            first: "PABLO",
            middle: None,
            suffix: Some("JR"),
            dob: date!(1976 - 10 - 07),
            sex: Some(Sex::M),
            issuer: "CT",
            last4: Some("1513"),
            expires: Some(date!(2022 - 10 - 07)),
            truncated: false,
        },
    );
}

/// A pre-standard card: file type `AAMVA`, no version, no subfile directory (made up).
#[test]
fn pre_standard_card() {
    assert_fixture(
        "v00-ar-pre-standard.txt",
        &Card {
            last: "HOLLOWAY",
            first: "RUTH",
            middle: Some("ELLEN"),
            suffix: None,
            dob: date!(1960 - 03 - 15),
            sex: Some(Sex::F),
            issuer: "AR",
            last4: Some("5678"),
            expires: Some(date!(1999 - 03 - 15)),
            truncated: false,
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Scanner noise

/// Separators stripped by the scanner, file type misspelt `AMVA `, DAA with middle and suffix
/// run into the next element (`3RDDAG` also reads `DDA`). winfinit/aamvajs test/PDF417_CT.js
/// (GPL).
#[test]
fn stripped_separators_connecticut() {
    assert_fixture(
        "v01-ct-stripped.txt",
        &Card {
            last: "REGULARLPSAMPLE",
            first: "SELECTCTID",
            middle: Some("A"),
            suffix: Some("3RD"),
            dob: date!(1994 - 01 - 01),
            sex: Some(Sex::M),
            issuer: "CT",
            last4: Some("0555"),
            expires: Some(date!(2013 - 11 - 07)),
            truncated: false,
        },
    );
}

/// Separators stripped, version 03, an empty DCU directly followed by the Texas subfile
/// (`DCUZTZTA130`). winfinit/aamvajs test/PDF417_TX.js (GPL).
#[test]
fn stripped_separators_texas() {
    assert_fixture(
        "v03-tx-stripped.txt",
        &Card {
            last: "DOE",
            first: "JOHN",
            middle: None,
            suffix: None,
            dob: date!(1977 - 02 - 08),
            sex: Some(Sex::M),
            issuer: "TX",
            last4: Some("4194"),
            expires: Some(date!(2015 - 08 - 04)),
            truncated: false,
        },
    );
}

/// Separators stripped, version 01, Florida subfile run into the last element.
/// winfinit/aamvajs test/PDF417_FL.js (GPL).
#[test]
fn stripped_separators_florida() {
    assert_fixture(
        "v01-fl-stripped.txt",
        &Card {
            last: "DOE",
            first: "JOHN",
            middle: None,
            suffix: None,
            dob: date!(1977 - 02 - 04),
            sex: Some(Sex::M),
            issuer: "FL",
            last4: Some("0450"),
            expires: Some(date!(2021 - 01 - 08)),
            truncated: false,
        },
    );
}

/// Separators stripped and the data anonymised past the point of making sense: an IIN of
/// `111111` and an expiry of `11111112`, which is no date in either order. The card reads; only
/// its expiry is unknown, which counts as expired. winfinit/aamvajs test/PDF417_NH.js (GPL).
#[test]
fn impossible_expiry_is_an_unknown_expiry() {
    for id in [
        scan("v03-nh-stripped-impossible-expiry.txt"),
        parse("v03-nh-stripped-impossible-expiry.txt"),
    ] {
        let id = id.expect("the card reads");
        assert_eq!((id.expires, id.expiry_unreadable), (None, true));
        assert!(id.is_expired(TODAY));
    }
}

/// DBA `13452031`: no date as MMDDCCYY (month 13) nor as CCYYMMDD (year 1345). Everything else
/// on the card is read: an unknown expiry, not an unreadable card (made up).
#[test]
fn unreadable_expiry_is_unknown_not_a_misread() {
    let want = Card {
        last: "FAIRWEATHER",
        first: "GRETA",
        middle: Some("LOUISE"),
        suffix: None,
        dob: date!(1979 - 02 - 14),
        sex: Some(Sex::F),
        issuer: "MT",
        last4: Some("9012"),
        expires: None,
        truncated: false,
    };
    assert_fixture("v09-mt-unreadable-expiry.txt", &want);
    let id = scan("v09-mt-unreadable-expiry.txt").unwrap();
    assert!(id.expiry_unreadable);
    // The safe reading: a kiosk that refuses expired IDs refuses this one too.
    assert!(id.is_expired(TODAY));
    // A card that says it never expires is another thing.
    let never = String::from_utf8(fixture("v09-mt-unreadable-expiry.txt"))
        .unwrap()
        .replace("DBA13452031", "DBA00000000");
    let never = aamva::parse(&never).unwrap();
    assert_eq!((never.expires, never.expiry_unreadable), (None, false));
    assert!(!never.is_expired(TODAY));
    // Cut off inside the expiry (the payload shorter than its directory says): scan again.
    let text = String::from_utf8(fixture("v09-mt-unreadable-expiry.txt")).unwrap();
    let cut = &text[..text.find("DBA").unwrap() + 6];
    assert!(matches!(aamva::parse(cut), Err(ScanError::Truncated(_))));
}

/// Wyoming writes first and middle name together in DAC, with DAD `NONE` (made up).
#[test]
fn wyoming_first_and_middle_name_in_dac() {
    assert_fixture(
        "v10-wy-dac-first-and-middle.txt",
        &Card {
            last: "HOLLOWAY",
            first: "JOHN",
            middle: Some("MICHAEL"),
            suffix: None,
            dob: date!(1985 - 07 - 04),
            sex: Some(Sex::M),
            issuer: "WY",
            last4: Some("6789"),
            expires: Some(date!(2029 - 07 - 04)),
            truncated: false,
        },
    );
}

/// The same with no DAD element at all and two middle names (made up).
#[test]
fn wyoming_dac_without_dad() {
    assert_fixture(
        "v08-wy-dac-no-dad.txt",
        &Card {
            last: "BRANDT",
            first: "SARAH",
            middle: Some("ANNE ELISE"),
            suffix: None,
            dob: date!(1992 - 02 - 11),
            sex: Some(Sex::F),
            issuer: "WY",
            last4: Some("4321"),
            expires: Some(date!(2026 - 02 - 11)),
            truncated: false,
        },
    );
}

/// The Annex D example as a scanner delivers it with `|` for LF, RS and CR.
#[test]
fn pipes_for_every_separator() {
    assert_fixture("v10-va-annex-d-pipes.txt", &ANNEX_D);
}

/// The Annex D example with `|` for LF only.
#[test]
fn pipes_for_line_feeds() {
    assert_fixture("v10-va-annex-d-pipes-for-lf.txt", &ANNEX_D);
}

/// DCS `OKAFOR-BELL PH.D.`, DCU `NONE`: the academic suffix is kept apart (made up).
#[test]
fn punctuated_academic_suffix_in_the_family_name() {
    assert_fixture(
        "v10-ny-suffix-phd-in-family-name.txt",
        &Card {
            last: "OKAFOR-BELL",
            first: "ADAEZE",
            middle: None,
            suffix: Some("PHD"),
            dob: date!(1968 - 03 - 22),
            sex: Some(Sex::M),
            issuer: "NY",
            last4: Some("6789"),
            expires: Some(date!(2030 - 03 - 22)),
            truncated: false,
        },
    );
}

/// DAD `LEE JR.` and no DCU: the suffix written after the middle name (made up).
#[test]
fn punctuated_suffix_after_the_middle_name() {
    assert_fixture(
        "v08-oh-suffix-jr-after-middle-name.txt",
        &Card {
            last: "PEMBERTON",
            first: "THEODORE",
            middle: Some("LEE"),
            suffix: Some("JR"),
            dob: date!(1990 - 07 - 30),
            sex: Some(Sex::M),
            issuer: "OH",
            last4: Some("3456"),
            expires: Some(date!(2029 - 07 - 30)),
            truncated: false,
        },
    );
}

/// DCU `III.` with its dot (made up).
#[test]
fn punctuated_suffix_element() {
    assert_fixture(
        "v09-ga-suffix-iii-with-dot.txt",
        &Card {
            last: "WHITFIELD",
            first: "MARCUS",
            middle: Some("ALLEN"),
            suffix: Some("III"),
            dob: date!(1975 - 12 - 01),
            sex: Some(Sex::M),
            issuer: "GA",
            last4: Some("1987"),
            expires: Some(date!(2031 - 12 - 01)),
            truncated: false,
        },
    );
}

/// The Annex D example with LF turned into CRLF (keyboard-wedge scanners).
#[test]
fn crlf_separators() {
    assert_fixture("v10-va-annex-d-crlf.txt", &ANNEX_D);
}

/// The Annex D example with LF turned into CR.
#[test]
fn cr_only_separators() {
    assert_fixture("v10-va-annex-d-cr-only.txt", &ANNEX_D);
}

/// The Annex D example behind the `]L2` AIM symbology identifier.
#[test]
fn aim_prefix() {
    assert_fixture("v10-va-annex-d-aim-prefix.txt", &ANNEX_D);
}

/// The Annex D example with C1 control bytes (0x81, 0x85, 0x9B) before the header and inside
/// the family name and date of birth.
#[test]
fn c1_control_bytes() {
    assert_fixture("v10-va-annex-d-c1-controls.txt", &ANNEX_D);
    let with_c1_chars = "\u{9b}@\n\u{1e}\rANSI 636000100102DL00410278ZV03190008DLDAQT64235789\n\
                         DCS\u{85}SAMPLE\nDACMICHAEL\nDADJOHN\nDCUJR\nDBB0606\u{81}1986\n\
                         DBA12102024\nDBC1\nDAJVA\rZVZVA01\r";
    assert_card(aamva::parse(with_c1_chars), &ANNEX_D);
}

// ---------------------------------------------------------------------------------------------
// Payloads cut short

#[test]
fn header_only_is_truncated() {
    for name in [
        "v10-va-annex-d-header-only.txt",
        "v10-va-annex-d-cut-after-subfile-type.txt",
    ] {
        assert!(matches!(scan(name), Err(ScanError::Truncated(_))), "{name}");
        assert!(
            matches!(parse(name), Err(ScanError::Truncated(_))),
            "{name}"
        );
    }
}

/// Cut in the middle of the first name: shorter than the directory says, so a misread and not
/// a card without a date of birth.
#[test]
fn payload_cut_mid_subfile_is_truncated() {
    let name = "v10-va-annex-d-cut-mid-name.txt";
    assert!(matches!(scan(name), Err(ScanError::Truncated(_))));
    assert!(matches!(parse(name), Err(ScanError::Truncated(_))));
}

#[test]
fn almost_empty_payloads_are_truncated() {
    for text in [
        "@",
        "@\n\u{1e}\rANSI ",
        "@\n\u{1e}\rANSI 636000100102DL",
        "@DL",
    ] {
        assert!(
            matches!(scan_bytes(text.as_bytes()), Err(ScanError::Truncated(_))),
            "{text:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Names, sexes, dates (made-up cards)

/// Sex `9` (unspecified) reads X; DAD `unavl` and DCU `NONE` read empty.
#[test]
fn sex_9_and_unavl_placeholder() {
    assert_fixture(
        "v09-co-sex-9-placeholders.txt",
        &Card {
            last: "NAKAMURA",
            first: "KEI",
            middle: None,
            suffix: None,
            dob: date!(1988 - 11 - 30),
            sex: Some(Sex::X),
            issuer: "CO",
            last4: Some("2233"),
            expires: Some(date!(2028 - 11 - 30)),
            truncated: false,
        },
    );
}

/// Sex `X` on an ID card (subfile type `ID`); born on 29 February.
#[test]
fn sex_x_on_an_id_card() {
    assert_fixture(
        "v10-or-id-sex-x.txt",
        &Card {
            last: "LINDQVIST",
            first: "ROBIN",
            middle: None,
            suffix: None,
            dob: date!(1996 - 02 - 29),
            sex: Some(Sex::X),
            issuer: "OR",
            last4: Some("0123"),
            expires: Some(date!(2032 - 02 - 28)),
            truncated: false,
        },
    );
}

/// Every sex code the standards use, each from a fixture above.
#[test]
fn sex_codes_1_2_9_m_f_x() {
    let sex = |name: &str| scan(name).unwrap().sex;
    assert_eq!(sex("v10-va-annex-d.txt"), Some(Sex::M), "1");
    assert_eq!(sex("v06-ga.txt"), Some(Sex::F), "2");
    assert_eq!(sex("v09-co-sex-9-placeholders.txt"), Some(Sex::X), "9");
    assert_eq!(sex("v01-pa-daa-space-separated.txt"), Some(Sex::M), "M");
    assert_eq!(sex("v08-nm-dashed-dates.txt"), Some(Sex::F), "F");
    assert_eq!(sex("v10-or-id-sex-x.txt"), Some(Sex::X), "X");
}

/// DDE and DDF `T`: family and first name were cut to fit.
#[test]
fn truncation_flags() {
    assert_fixture(
        "v08-tx-truncated-names.txt",
        &Card {
            last: "WOLFESCHLEGELSTEINHAUSENBERGERDORFFVOR",
            first: "BARTHOLOMEWALEXANDERMAXIMILIANFREDERI",
            middle: Some("LEE"),
            suffix: None,
            dob: date!(1970 - 01 - 15),
            sex: Some(Sex::M),
            issuer: "TX",
            last4: Some("0001"),
            expires: Some(date!(2030 - 01 - 15)),
            truncated: true,
        },
    );
}

/// `DE LA CRUZ III` in DCS and no DCU: the suffix is kept apart.
#[test]
fn suffix_written_into_the_family_name() {
    assert_fixture(
        "v05-il-suffix-in-family-name.txt",
        &Card {
            last: "DE LA CRUZ",
            first: "MIGUEL",
            middle: Some("ANGEL"),
            suffix: Some("III"),
            dob: date!(1959 - 09 - 09),
            sex: Some(Sex::M),
            issuer: "IL",
            last4: Some("8901"),
            expires: Some(date!(2027 - 09 - 09)),
            truncated: false,
        },
    );
}

/// DCS, DAC and DAD all `NONE`.
#[test]
fn missing_name() {
    assert_eq!(scan("v08-ks-missing-name.txt"), Err(ScanError::MissingName));
    assert_eq!(
        parse("v08-ks-missing-name.txt"),
        Err(ScanError::MissingName)
    );
}

/// One name, in DCS, with DAC `NFN`; the accented name arrives as Latin-1 bytes.
#[test]
fn one_name_in_latin1() {
    assert_fixture(
        "v08-nj-mononym-latin1.txt",
        &Card {
            last: "RENÉE",
            first: "",
            middle: None,
            suffix: None,
            dob: date!(1990 - 12 - 25),
            sex: Some(Sex::F),
            issuer: "NJ",
            last4: Some("1234"),
            expires: Some(date!(2028 - 12 - 31)),
            truncated: false,
        },
    );
}

/// DBB `1974-08-12` and DBA `08-12-2031`.
#[test]
fn dashed_dates() {
    assert_fixture(
        "v08-nm-dashed-dates.txt",
        &Card {
            last: "ERIKSSON",
            first: "ANNA",
            middle: Some("MARIA"),
            suffix: None,
            dob: date!(1974 - 08 - 12),
            sex: Some(Sex::F),
            issuer: "NM",
            last4: Some("4567"),
            expires: Some(date!(2031 - 08 - 12)),
            truncated: false,
        },
    );
}

/// DBB `02301990`: 30 February in MMDDCCYY, and no date as CCYYMMDD either.
#[test]
fn impossible_date_of_birth() {
    let bad = Err(ScanError::BadDate {
        field: "date of birth",
    });
    assert_eq!(scan("v08-ga-impossible-dob.txt"), bad);
    assert_eq!(parse("v08-ga-impossible-dob.txt"), bad);
}

// ---------------------------------------------------------------------------------------------
// Recognition

#[test]
fn every_fixture_is_recognised_as_aamva() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/aamva");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "txt") {
            let bytes = std::fs::read(&path).unwrap();
            let result = read_scan(&bytes, TODAY);
            assert!(
                !matches!(result, Err(ScanError::Unrecognised | ScanError::Empty)),
                "{}",
                path.display()
            );
        }
    }
}
