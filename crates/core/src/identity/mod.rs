//! Bytes from a scanner -> [`Identity`]: the only facts about a visitor the product may keep.
//!
//! PURE: no IO, no clock (today's date comes in as a value), no logging of what was read.
//! Each document format lives in its own module and hands back an [`Identity`]; everything else
//! the document carries (address, full document number, physical description, the raw payload)
//! is dropped inside the parser and never leaves it.
//!
//! - [`aamva`]: US/Canadian driver's licences and ID cards (PDF417, AAMVA DL/ID 2000-2020 and
//!   the pre-standard cards).
//! - [`mrz`]: passports, passport cards and ID cards (ICAO 9303 TD1/TD2/TD3).
//! - [`military`]: US military ID / CAC barcodes, recognised only to be refused.
//! - [`prereg`]: Vestibule invitation QR codes, handed on as a reference.

pub mod aamva;
pub mod military;
pub mod mrz;
pub mod prereg;

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

pub use prereg::InvitationRef;

/// What the kiosk may know about a person who scanned a document.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    pub document: DocumentKind,
    /// Upper-case as printed; may be empty for a person with one name (an MRZ with no given
    /// names, or one with no surname whose only name is then `last_name`), never together with
    /// an empty `last_name`.
    pub first_name: String,
    /// Every given name after the first, space separated.
    pub middle_name: Option<String>,
    pub last_name: String,
    /// `JR`, `SR`, `II` ... kept apart from the surname so screening can compare either way; an
    /// academic or professional suffix (`PHD`, `ESQ`) when the document carries no generational
    /// one (screening ignores those).
    pub suffix: Option<String>,
    pub dob: Date,
    pub sex: Option<Sex>,
    /// Issuing jurisdiction: a US state / Canadian province code for AAMVA cards, the ICAO
    /// three-letter state code for MRZ documents.
    pub issuer: Option<String>,
    /// Only the last four characters of the document number (for staff to compare against
    /// the card in hand); the full number is never kept.
    pub document_number_last4: Option<String>,
    /// `None`: the document does not expire, or (see `expiry_unreadable`) its expiry could not
    /// be read.
    pub expires: Option<Date>,
    /// The document carries an expiry date that makes no date (`13/45/2030`, `<<` parts): the
    /// card itself is readable, only whether it is current is unknown. [`Identity::is_expired`]
    /// then answers `true`, the safe reading: a kiosk that refuses expired IDs refuses it too.
    pub expiry_unreadable: bool,
    /// The document says a name field was truncated to fit (AAMVA DDE/DDF/DDG), so screening
    /// should treat the printed name as a prefix.
    pub name_truncated: bool,
}

// Personal data must not reach logs by accident through `{:?}`.
impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("document", &self.document)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// Whether the document has expired on `today` (a document is valid through its expiry
    /// date). An unreadable expiry counts as expired: nothing shows the document is current.
    pub fn is_expired(&self, today: Date) -> bool {
        self.expiry_unreadable || self.expires.is_some_and(|expires| expires < today)
    }
}

/// Which kind of document the scan came from; the spelling is the one of docs/interfaces.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DocumentKind {
    #[serde(rename = "aamva")]
    Aamva,
    #[serde(rename = "mrz-td1")]
    MrzTd1,
    #[serde(rename = "mrz-td2")]
    MrzTd2,
    #[serde(rename = "mrz-td3")]
    MrzTd3,
    /// A signed invitation QR code (the person as pre-registered, verified by the kiosk).
    #[serde(rename = "prereg")]
    Prereg,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Aamva => "aamva",
            DocumentKind::MrzTd1 => "mrz-td1",
            DocumentKind::MrzTd2 => "mrz-td2",
            DocumentKind::MrzTd3 => "mrz-td3",
            DocumentKind::Prereg => "prereg",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    M,
    F,
    /// Unspecified / non-binary (AAMVA `9` or `X`, MRZ `X`).
    X,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::M => "M",
            Sex::F => "F",
            Sex::X => "X",
        }
    }
}

/// One scan, understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scan {
    /// An identity document that can be screened.
    Person(Identity),
    /// A Vestibule invitation QR code: resolved against pre-registrations by the caller.
    Invitation(InvitationRef),
}

/// Why a scan cannot be used. Messages are for staff and logs: they never quote what was read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error("the scan was empty")]
    Empty,
    #[error("not a driver's licence, ID card, passport or Vestibule invitation")]
    Unrecognised,
    #[error("US military ID / CAC barcodes cannot be used here: please see the front office")]
    MilitaryId,
    #[error("the scan is incomplete: {0}")]
    Truncated(&'static str),
    #[error("the scan is garbled: {0}")]
    Garbled(String),
    #[error("the {0} check digit does not match (a misread): please scan again")]
    CheckDigit(&'static str),
    #[error("the document has no date of birth, so it cannot be screened")]
    MissingDateOfBirth,
    #[error("the document has no name, so it cannot be screened")]
    MissingName,
    #[error("the {field} is not a valid date")]
    BadDate { field: &'static str },
    #[error("the invitation code is malformed: {0}")]
    BadInvitation(&'static str),
}

/// What the kiosk should tell the visitor about a failed scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanProblem {
    /// Probably a misread: ask the visitor to scan again.
    Misread,
    /// This document cannot be used at the kiosk: send the visitor to the front office.
    Unsupported,
}

impl ScanError {
    pub fn problem(&self) -> ScanProblem {
        match self {
            ScanError::Empty
            | ScanError::Truncated(_)
            | ScanError::Garbled(_)
            | ScanError::CheckDigit(_)
            | ScanError::BadDate { .. } => ScanProblem::Misread,
            ScanError::Unrecognised
            | ScanError::MilitaryId
            | ScanError::MissingDateOfBirth
            | ScanError::MissingName
            | ScanError::BadInvitation(_) => ScanProblem::Unsupported,
        }
    }
}

/// Reads one scan exactly as the reader delivered it. `today` decides MRZ birth centuries and
/// whether the document has expired; it is passed in so parsing stays pure.
pub fn read_scan(raw: &[u8], today: Date) -> Result<Scan, ScanError> {
    let text = clean_scanner_noise(raw);
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    if text.is_empty() {
        return Err(ScanError::Empty);
    }
    if let Some(invitation) = prereg::recognise(text)? {
        return Ok(Scan::Invitation(invitation));
    }
    if military::is_military_id(text) {
        return Err(ScanError::MilitaryId);
    }
    if aamva::looks_like_aamva(text) {
        return aamva::parse(text).map(Scan::Person);
    }
    if mrz::looks_like_mrz(text) {
        return mrz::parse(text, today).map(Scan::Person);
    }
    Err(ScanError::Unrecognised)
}

/// Strips what scanners add around a payload: an AIM symbology identifier (`]L2`, `]Q1`, ...),
/// C1 control bytes some keyboard-wedge scanners emit, and bytes that are not text. Kept:
/// printable ASCII, the separators AAMVA uses (LF, RS, CR, FS, GS) and Latin-1 letters. Bytes
/// that are not valid UTF-8 are read as Latin-1, which is what AAMVA cards use for accented
/// names.
///
/// This is the one scanner-noise cleaner: the serial reader's framer (`hw::reader`) and the AAMVA
/// parser (called directly by tests and fuzz targets) use [`strip_aim_prefix`] and
/// [`is_scanner_noise`] from here.
pub fn clean_scanner_noise(raw: &[u8]) -> String {
    let start = raw
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(raw.len());
    let body = strip_aim_prefix(&raw[start..]);
    let text = match std::str::from_utf8(body) {
        Ok(utf8) => utf8.to_owned(),
        Err(_) => body.iter().map(|&b| char::from(b)).collect(),
    };
    text.chars().filter(|&c| !is_scanner_noise(c)).collect()
}

/// A control character that is not one of the separators AAMVA payloads use (LF, CR, RS and
/// the FS/GS some cards write in place of RS): C0 and C1 noise from scanners.
pub fn is_scanner_noise(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\u{1c}' | '\u{1d}' | '\u{1e}')
}

/// Removes an AIM ISO/IEC 15424 symbology identifier (`]` + symbology letter + modifier, e.g.
/// `]L2` for PDF417, `]Q1` for QR) at the very start; anything else is returned whole. The three
/// bytes are ASCII, so on text this cuts at a character boundary.
pub fn strip_aim_prefix(raw: &[u8]) -> &[u8] {
    match raw {
        [b']', code, modifier, tail @ ..]
            if code.is_ascii_alphabetic() && modifier.is_ascii_alphanumeric() =>
        {
            tail
        }
        _ => raw,
    }
}

/// Words registries and DMVs write instead of leaving a name empty.
const NAME_PLACEHOLDERS: &[&str] = &[
    "NONE",
    "UNAVL",
    "UNAVAIL",
    "UNAVAILABLE",
    "NFN",
    "NMN",
    "NLN",
    "N/A",
    "NA",
    "UNKNOWN",
];

/// Upper-cases a name field, folds runs of spaces, and turns placeholders into `None`.
pub fn clean_name(raw: &str) -> Option<String> {
    let upper = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    let trimmed = upper.trim_matches(|c: char| c == ',' || c == '<' || c.is_whitespace());
    if trimmed.is_empty() || NAME_PLACEHOLDERS.contains(&trimmed) {
        None
    } else {
        Some(trimmed.to_owned())
    }
}

/// Generational suffixes that are kept apart from the surname.
pub const SUFFIXES: &[&str] = &[
    "JR", "SR", "II", "III", "IV", "V", "2ND", "3RD", "4TH", "5TH",
];

/// Academic and professional suffixes (`PH.D.`, `ESQ.`): kept apart from the name by the
/// parsers, never compared by screening. `MD` only when written with a dot (`M.D.`): bare `MD`
/// is also a given name.
pub const TITLE_SUFFIXES: &[&str] = &["PHD", "ESQ", "DDS", "DMD", "DVM", "EDD", "MD"];

/// A suffix word as compared: trimmed, upper case, without its dots (`Ph.D.` -> `PHD`).
fn undotted(word: &str) -> String {
    word.trim()
        .chars()
        .filter(|&c| c != '.')
        .collect::<String>()
        .to_uppercase()
}

/// The canonical spelling of a generational suffix (`JR.` -> `JR`, `III.` -> `III`), or `None`
/// when `word` is not one.
pub fn normalise_suffix(word: &str) -> Option<String> {
    let bare = undotted(word);
    SUFFIXES.contains(&bare.as_str()).then_some(bare)
}

/// A generational suffix ([`normalise_suffix`]) or an academic / professional one without its
/// dots (`PH.D.` -> `PHD`), or `None`.
pub fn suffix_word(word: &str) -> Option<String> {
    if let Some(generational) = normalise_suffix(word) {
        return Some(generational);
    }
    let bare = undotted(word);
    let dotted = word.contains('.');
    TITLE_SUFFIXES
        .contains(&bare.as_str())
        .then_some(bare)
        .filter(|bare| bare != "MD" || dotted)
}

/// Removes trailing suffix words from a name (`SMITH JR.` -> (`SMITH`, `JR`), `DOE PH.D.` ->
/// (`DOE`, `PHD`)); at least one word of the name stays. Of two suffixes (`SMITH JR. PH.D.`) the
/// generational one is kept, since screening compares it.
pub fn split_trailing_suffix(name: &str) -> (String, Option<String>) {
    let mut words: Vec<&str> = name.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let mut found: Option<String> = None;
    for _ in 0..2 {
        if words.len() < 2 {
            break;
        }
        let Some(suffix) = words.last().and_then(|w| suffix_word(w)) else {
            break;
        };
        words.pop();
        let generational = SUFFIXES.contains(&suffix.as_str());
        if found.is_none() || generational {
            found = Some(suffix);
        }
    }
    (words.join(" "), found)
}

/// The last four characters of a document number, or fewer when it is shorter.
pub fn last4(document_number: &str) -> Option<String> {
    let cleaned: Vec<char> = document_number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let start = cleaned.len().saturating_sub(4);
    Some(cleaned[start..].iter().collect::<String>().to_uppercase())
}

/// A calendar date from numbers, refusing impossible ones (month 13, 31 February).
pub fn calendar_date(year: i32, month: u8, day: u8) -> Option<Date> {
    let month = Month::try_from(month).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Splits given names into (first, middle): the first word, then the rest.
pub fn split_given_names(given: &str) -> (String, Option<String>) {
    let mut words = given.split([' ', ',']).filter(|w| !w.is_empty());
    let first = words.next().unwrap_or("").to_owned();
    let rest = words.collect::<Vec<_>>().join(" ");
    (first, (!rest.is_empty()).then_some(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aim_prefix_and_c1_controls_are_removed() {
        assert_eq!(
            clean_scanner_noise(b"]L2@\n\x1e\rANSI "),
            "@\n\u{1e}\rANSI "
        );
        assert_eq!(clean_scanner_noise(b"AB\xc2\x85C"), "ABC"); // U+0085 NEL is C1
        assert_eq!(clean_scanner_noise(b"A\x07B"), "AB");
    }

    #[test]
    fn latin1_bytes_read_as_letters() {
        assert_eq!(clean_scanner_noise(b"REN\xc9E"), "RENÉE");
    }

    #[test]
    fn placeholders_are_empty() {
        assert_eq!(clean_name(" none "), None);
        assert_eq!(clean_name("unavl"), None);
        assert_eq!(clean_name("  anna  maria "), Some("ANNA MARIA".into()));
    }

    #[test]
    fn suffixes_split_from_names() {
        assert_eq!(
            split_trailing_suffix("SMITH JR."),
            ("SMITH".into(), Some("JR".into()))
        );
        assert_eq!(split_trailing_suffix("SMITH"), ("SMITH".into(), None));
        assert_eq!(split_trailing_suffix("V"), ("V".into(), None));
        assert_eq!(
            split_trailing_suffix("DE LA CRUZ III"),
            ("DE LA CRUZ".into(), Some("III".into()))
        );
    }

    #[test]
    fn punctuated_suffixes_are_kept_apart() {
        assert_eq!(
            split_trailing_suffix("SMITH III."),
            ("SMITH".into(), Some("III".into()))
        );
        assert_eq!(
            split_trailing_suffix("DOE PH.D."),
            ("DOE".into(), Some("PHD".into()))
        );
        assert_eq!(
            split_trailing_suffix("DOE JR. PH.D."),
            ("DOE".into(), Some("JR".into()))
        );
        assert_eq!(
            split_trailing_suffix("WELBY M.D."),
            ("WELBY".into(), Some("MD".into()))
        );
        // bare MD is a given name too; a name keeps at least one word
        assert_eq!(split_trailing_suffix("KARIM MD"), ("KARIM MD".into(), None));
        assert_eq!(split_trailing_suffix("PH.D."), ("PH.D.".into(), None));
        assert_eq!(
            normalise_suffix("PH.D."),
            None,
            "screening compares generations only"
        );
        assert_eq!(suffix_word("Esq."), Some("ESQ".into()));
    }

    #[test]
    fn one_cleaner_for_aim_prefixes() {
        assert_eq!(strip_aim_prefix(b"]L2DATA"), b"DATA");
        assert_eq!(strip_aim_prefix(b"]Q1"), b"");
        assert_eq!(strip_aim_prefix(b"]!2DATA"), b"]!2DATA");
        assert_eq!(strip_aim_prefix(b" ]L2DATA"), b" ]L2DATA");
        assert_eq!(clean_scanner_noise(b" \r\n]L2@x"), "@x");
    }

    #[test]
    fn last4_keeps_only_the_tail() {
        assert_eq!(last4("D123-456-789").as_deref(), Some("6789"));
        assert_eq!(last4("X1").as_deref(), Some("X1"));
        assert_eq!(last4("--"), None);
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(calendar_date(2023, 2, 29).is_none());
        assert!(calendar_date(2024, 2, 29).is_some());
        assert!(calendar_date(2024, 13, 1).is_none());
    }

    #[test]
    fn debug_output_hides_personal_data() {
        let id = Identity {
            document: DocumentKind::Aamva,
            first_name: "ANNA".into(),
            middle_name: None,
            last_name: "ERIKSSON".into(),
            suffix: None,
            dob: calendar_date(1974, 8, 12).unwrap(),
            sex: Some(Sex::F),
            issuer: Some("MO".into()),
            document_number_last4: Some("1234".into()),
            expires: None,
            expiry_unreadable: false,
            name_truncated: false,
        };
        let shown = format!("{id:?}");
        assert!(!shown.contains("ANNA") && !shown.contains("1974") && !shown.contains("1234"));
    }
}
