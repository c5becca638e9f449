//! US military ID barcodes are recognised and refused; nothing else is ever taken for one.
//!
//! The CAC payloads here are built field by field from the public DoD bar code layout with a
//! fictional person; no real card's data is used.

use proptest::prelude::*;
use time::macros::date;
use time::Date;
use vestibule::identity::military::is_military_id;
use vestibule::identity::{read_scan, Scan, ScanError};

const TODAY: Date = date!(2026 - 11 - 22);

const BASE32: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";

fn base32(mut value: u64, width: usize) -> String {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = BASE32[(value % 32) as usize];
        value /= 32;
    }
    assert_eq!(value, 0, "does not fit in {width} base-32 characters");
    String::from_utf8(digits).unwrap()
}

/// Days since 1 January 1000, in four base-32 characters.
fn cac_date(date: Date) -> String {
    let days = date.to_julian_day() - date!(1000 - 01 - 01).to_julian_day();
    base32(u64::try_from(days).unwrap(), 4)
}

struct Cac {
    version: char,
    first: &'static str,
    last: &'static str,
    dob: Date,
    middle_initial: Option<char>,
}

impl Cac {
    fn specimen(version: char) -> Cac {
        Cac {
            version,
            first: "JANE",
            last: "SPECIMEN",
            dob: date!(1985 - 03 - 14),
            middle_initial: (version == 'N').then_some('Q'),
        }
    }

    /// The PDF417 record: 88 characters, 89 for version `N` with its middle initial.
    fn pdf417(&self) -> String {
        let mut record = format!(
            "{}{}N{}{:<20}{:<26}{}AN01{:<6}ME03{}{}A",
            self.version,
            base32(123_456_789, 6),
            base32(1_234_567_890, 7),
            self.first,
            self.last,
            cac_date(self.dob),
            "LT",
            cac_date(date!(2024 - 01 - 02)),
            cac_date(date!(2027 - 01 - 02)),
        );
        if let Some(initial) = self.middle_initial {
            record.push(initial);
        }
        record
    }

    /// The Code 39 label: version, person designator and type, EDIPI, category, branch,
    /// card instance.
    fn code39() -> String {
        format!(
            "1{}N{}ANA",
            base32(123_456_789, 6),
            base32(1_234_567_890, 7)
        )
    }
}

fn refused_as_military(raw: impl AsRef<[u8]>) -> bool {
    matches!(read_scan(raw.as_ref(), TODAY), Err(ScanError::MilitaryId))
}

fn mrz_fixtures() -> Vec<String> {
    let dir = format!("{}/tests/fixtures/mrz", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            out.push(std::fs::read_to_string(path).unwrap());
        }
    }
    assert!(out.len() >= 5, "the MRZ fixtures are missing");
    out
}

// --- Recognised ---------------------------------------------------------------------------

#[test]
fn cac_pdf417_version_1_is_refused() {
    let record = Cac::specimen('1').pdf417();
    assert_eq!(record.len(), 88);
    assert!(is_military_id(&record));
    assert!(refused_as_military(&record));
}

#[test]
fn cac_pdf417_version_n_is_refused() {
    let record = Cac::specimen('N').pdf417();
    assert_eq!(record.len(), 89);
    assert!(refused_as_military(&record));
    // Without a middle initial the record ends in a space, which read_scan trims.
    let blank = Cac {
        middle_initial: Some(' '),
        ..Cac::specimen('N')
    };
    assert!(refused_as_military(blank.pdf417()));
}

#[test]
fn cac_pdf417_with_mixed_case_names_and_scanner_framing() {
    let cac = Cac {
        first: "Mary-Ann",
        last: "O'Neil Smith",
        ..Cac::specimen('N')
    };
    let record = cac.pdf417();
    assert!(refused_as_military(&record));
    assert!(refused_as_military(format!("]L2{record}\r\n")));
}

#[test]
fn cac_code39_is_refused() {
    let label = Cac::code39();
    assert_eq!(label.len(), 18);
    assert!(is_military_id(&label));
    assert!(refused_as_military(&label));
    assert!(refused_as_military(format!("]A0{label}\n")));
}

#[test]
fn uniformed_services_id_is_refused() {
    let mut record =
        b"IDUS3&%^H1SPECIMEN, JANE             1234567890         0065140BRBR".to_vec();
    record.extend_from_slice(b"1985MAR14NNYYUNONE     NONE     2RRT  2024JAN022027JAN02");
    record.extend_from_slice(&[0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F']);
    assert!(refused_as_military(&record));
}

// --- Near misses ----------------------------------------------------------------------------

#[test]
fn cac_shaped_records_with_a_wrong_field_are_not_military() {
    let good = Cac::specimen('1').pdf417();
    let mut wrong_version = good.clone();
    wrong_version.replace_range(0..1, "2");
    let mut bad_edipi = good.clone();
    bad_edipi.replace_range(9..10, "Z"); // outside base 32
    let mut filler_in_name = good.clone();
    filler_in_name.replace_range(20..21, "<");
    let old = Cac {
        dob: date!(1850 - 01 - 01),
        ..Cac::specimen('1')
    };
    let one_short = &good[..87];
    for record in [
        wrong_version,
        bad_edipi,
        filler_in_name,
        old.pdf417(),
        one_short.into(),
    ] {
        assert!(!is_military_id(&record));
        assert_eq!(
            read_scan(record.as_bytes(), TODAY),
            Err(ScanError::Unrecognised)
        );
    }
    // Version 1 has no middle initial, so it is never 89 characters.
    assert!(!is_military_id(&format!("{good}Q")));
}

#[test]
fn code39_shaped_labels_with_a_wrong_field_are_not_military() {
    let good = Cac::code39();
    for bad in [
        format!("{good}1"),
        good[..17].to_owned(),
        good.replacen('1', "2", 1),
        format!("{}Z{}", &good[..7], &good[8..]), // unknown person designator type
    ] {
        assert!(!is_military_id(&bad), "{bad}");
    }
}

// --- Never mistaken -------------------------------------------------------------------------

#[test]
fn mrzs_are_never_military() {
    for mrz in mrz_fixtures() {
        let lines: Vec<&str> = mrz.lines().collect();
        for text in [mrz.clone(), lines.concat(), lines.join("\r\n")] {
            assert!(!is_military_id(&text), "{text}");
            assert!(matches!(
                read_scan(text.as_bytes(), TODAY),
                Ok(Scan::Person(_))
            ));
        }
    }
    // A US ID card with the `ID` document code starts `IDUS`, like the Uniformed Services ID.
    let us_id_card = "IDUSAA1B2C3D4E4<<<<<<<<<<<<<<<\n9001011F3001019USA<<<<<<<<<<<8\nSPECIMEN<<JANE<<<<<<<<<<<<<<<<";
    assert!(!is_military_id(us_id_card));
    assert!(matches!(
        read_scan(us_id_card.as_bytes(), TODAY),
        Ok(Scan::Person(_))
    ));
}

#[test]
fn aamva_payloads_are_never_military() {
    let payloads = [
        "@\n\u{1e}\rANSI 636020100102DL00410278ZV03190008DLDAQT64235789\nDCSSAMPLE\nDACMICHAEL\nDBB06061986\n",
        "@\n\u{1e}\rAAMVA6360000102DL00390187DLDAQ0123456789\nDABPUBLIC\nDACJOHN\n",
        "@\n\x1c\rANSI 6360100102DL00390188DLDCANONE\nDAQ1234567\nDBB19700101\r",
    ];
    for payload in payloads {
        assert!(!is_military_id(payload), "{payload}");
        assert_ne!(
            read_scan(payload.as_bytes(), TODAY),
            Err(ScanError::MilitaryId)
        );
    }
}

#[test]
fn invitations_are_never_military() {
    // 88 characters, like a CAC record.
    let long = format!("VSTB1:{}", "A1b2C3d4".repeat(10) + "xy");
    for token in ["VSTB1:eyJ2IjoxfQ.c2lnbmF0dXJl", long.as_str()] {
        assert!(!is_military_id(token));
        assert!(matches!(
            read_scan(token.as_bytes(), TODAY),
            Ok(Scan::Invitation(_))
        ));
    }
}

proptest! {
    #[test]
    fn aamva_shaped_text_is_never_military(body in "[ -~\n\r\u{1e}]{0,120}") {
        let payload = format!("@\n\u{1e}\rANSI {body}");
        prop_assert!(!is_military_id(&payload));
    }

    #[test]
    fn mrz_alphabet_text_is_never_military(
        code in "[PIACV]",
        body in "[A-Z0-9<]{17,88}",
    ) {
        let text = format!("{code}{body}");
        // `IDUS` + a digit is the Uniformed Services ID header, and no MRZ can start so.
        prop_assume!(!(text.starts_with("IDUS") && text.as_bytes()[4].is_ascii_digit()));
        prop_assert!(!is_military_id(&text));
    }
}
