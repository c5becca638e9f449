//! US military ID barcodes, recognised only so that the kiosk can refuse them politely.
//!
//! A visitor who scans a Common Access Card (CAC) or a Uniformed Services ID card should be
//! sent to the front office with a clear message ([`super::ScanError::MilitaryId`]) instead of
//! "unrecognised document". Nothing is read out of these barcodes: the test is on shape only.
//!
//! The layouts are the public DoD ID bar code formats (DoD "ID Bar Code SDK Formats", v7.5,
//! 2012, as documented by open-source CAC decoders):
//!
//! - **CAC PDF417**, a fixed-length record of 88 characters (version `1`) or 89 (version `N`,
//!   which adds a middle initial): version, person designator (6 base-32 characters), person
//!   designator type, EDIPI (7 base-32), first name (20, space padded), last name (26), date of
//!   birth (4 base-32: days since 1 January 1000), personnel category, branch, entitlement
//!   condition (2), rank (6), pay plan (2), pay grade (2), issue date and expiry date (4 base-32
//!   each), card instance (1), middle initial (version `N` only).
//! - **CAC Code 39**, 18 characters: version `1`, person designator, its type, EDIPI,
//!   personnel category, branch, card instance.
//! - **Uniformed Services ID PDF417** (DD 2 / DD 1173 family): a header `IDUS` followed by a
//!   version digit, then a long record with a photo.
//!
//! Base 32 here is `0-9` then `A-V`.
//!
//! Limits of the heuristic: the test is structural, so an unrelated 18-character Code 39 label
//! that happens to follow the CAC pattern would be refused as a military ID (the visitor is sent
//! to the front office either way). Card layouts issued after the 2012 formats, if they differ
//! in length or version character, are not recognised and fall through to "unrecognised
//! document", which also refuses them. AAMVA payloads (`@` header), ICAO MRZs (`<` fillers,
//! letters where the version character sits) and Vestibule invitations (`VSTB1:`) can never
//! match: each fails the version character or the character set of the first fields.

use time::macros::date;

/// Whether a scan is a US military ID barcode (CAC front or back, Uniformed Services ID).
pub fn is_military_id(text: &str) -> bool {
    let bytes = text.trim().as_bytes();
    is_cac_pdf417(bytes) || is_cac_code39(bytes) || is_uniformed_services_pdf417(bytes)
}

/// Person designator types: SSN, nine digits not an SSN, pre-SSN code, temporary, foreign,
/// test, taxpayer number.
const PERSON_DESIGNATOR_TYPES: &[u8] = b"SNPDFTI";

/// Personnel category codes (active duty, civilian, contractor, reserve, retiree, ...).
const PERSONNEL_CATEGORIES: &[u8] = b"ABCDEFGHIJKLMNOQRSTUVWY";

/// Branch codes: Army, Coast Guard, DoD, Air Force, Public Health Service, Marines, Navy,
/// NOAA, foreign services 1-4, other.
const BRANCHES: &[u8] = b"ACDFHMNO1234X";

fn is_cac_pdf417(record: &[u8]) -> bool {
    let version_fits = match record.len() {
        // Version `N` ends with the middle initial, a space when there is none, which the
        // scanner or `read_scan` may have trimmed.
        88 => matches!(record[0], b'1' | b'N'),
        89 => record[0] == b'N',
        _ => false,
    };
    version_fits
        && record.iter().all(|b| (b' '..=b'~').contains(b))
        && is_base32(&record[1..7])
        && PERSON_DESIGNATOR_TYPES.contains(&record[7])
        && is_base32(&record[8..15])
        && is_padded_name(&record[15..35])
        && is_padded_name(&record[35..61])
        && record[35].is_ascii_alphabetic()
        && is_plausible_day(&record[61..65])
        && PERSONNEL_CATEGORIES.contains(&record[65])
        && BRANCHES.contains(&record[66])
        && is_plausible_day(&record[79..83])
        && is_plausible_day(&record[83..87])
        && record[87].is_ascii_alphanumeric()
        && record
            .get(88)
            .is_none_or(|&b| b == b' ' || b.is_ascii_alphabetic())
}

fn is_cac_code39(label: &[u8]) -> bool {
    label.len() == 18
        && label[0] == b'1'
        && is_base32(&label[1..7])
        && PERSON_DESIGNATOR_TYPES.contains(&label[7])
        && is_base32(&label[8..15])
        && PERSONNEL_CATEGORIES.contains(&label[15])
        && BRANCHES.contains(&label[16])
        && label[17].is_ascii_alphanumeric()
}

/// `IDUS` + a version digit: an MRZ cannot start so (its issuing state is letters only).
fn is_uniformed_services_pdf417(record: &[u8]) -> bool {
    const MIN_RECORD: usize = 40;
    record.len() >= MIN_RECORD && record.starts_with(b"IDUS") && record[4].is_ascii_digit()
}

fn base32_value(b: u8) -> Option<u32> {
    match b.to_ascii_uppercase() {
        d @ b'0'..=b'9' => Some(u32::from(d - b'0')),
        l @ b'A'..=b'V' => Some(u32::from(l - b'A') + 10),
        _ => None,
    }
}

fn is_base32(field: &[u8]) -> bool {
    field.iter().all(|&b| base32_value(b).is_some())
}

/// A left-aligned, space-padded name: letters, spaces, hyphens, apostrophes, periods.
fn is_padded_name(field: &[u8]) -> bool {
    field
        .iter()
        .all(|&b| b.is_ascii_alphabetic() || matches!(b, b' ' | b'-' | b'\'' | b'.'))
}

/// A 4-character base-32 day count from 1 January 1000 that lands between 1900 and 2100. One
/// random base-32 field does so about one time in fourteen; three together (birth, issue,
/// expiry) at fixed offsets are what make the record test strict.
fn is_plausible_day(field: &[u8]) -> bool {
    const EPOCH: i32 = date!(1000 - 01 - 01).to_julian_day();
    const EARLIEST: u32 = (date!(1900 - 01 - 01).to_julian_day() - EPOCH) as u32;
    const LATEST: u32 = (date!(2100 - 01 - 01).to_julian_day() - EPOCH) as u32;
    let days = field
        .iter()
        .try_fold(0u32, |days, &b| Some(days * 32 + base32_value(b)?));
    days.is_some_and(|days| (EARLIEST..=LATEST).contains(&days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_counts_decode_in_base32() {
        // 1976 and 2015 are about 356,600 and 370,800 days after 1 January 1000.
        assert!(is_plausible_day(b"AS7O"));
        assert!(is_plausible_day(b"BA4T"));
        assert!(!is_plausible_day(b"0000"));
        assert!(!is_plausible_day(b"VVVV"));
        assert!(!is_plausible_day(b"A<7O"));
    }

    #[test]
    fn code39_shape() {
        assert!(is_military_id("1ABC123S0A1B2C3AN1"));
        assert!(!is_military_id("1ABC123S0A1B2C3AN")); // 17 characters
        assert!(!is_military_id("2ABC123S0A1B2C3AN1")); // unknown version
        assert!(!is_military_id("1ABC123Z0A1B2C3AN1")); // unknown person designator type
    }
}
