//! ICAO 9303 machine readable zones: passports, passport cards, ID cards and visas.
//!
//! An MRZ is two or three lines of a fixed length in the characters `A-Z`, `0-9` and the filler
//! `<`. Three layouts exist (ICAO 9303 parts 4 to 7):
//!
//! - **TD1** (3 x 30, ID cards and the US passport card): line 1 holds the document code,
//!   issuing state, document number and optional data; line 2 the date of birth, sex, expiry,
//!   nationality and more optional data; line 3 the name.
//! - **TD2** (2 x 36, some ID cards) and **TD3** (2 x 44, passports): line 1 holds the document
//!   code, issuing state and name; line 2 the document number, nationality, date of birth, sex,
//!   expiry and optional data (TD3: the personal number, with its own check digit).
//! - **MRV-A / MRV-B** visas (document code `V`) have the TD3 / TD2 line lengths and the same
//!   line 2 without a composite check digit; they are reported as [`DocumentKind::MrzTd3`] /
//!   [`DocumentKind::MrzTd2`] after their size.
//!
//! Check digits use the weights 7-3-1 over `0-9` = 0-9, `A-Z` = 10-35 and `<` = 0, modulo 10.
//! Every check digit the layout defines is verified (document number, date of birth, expiry,
//! TD3 personal number, composite), because a misread character in an MRZ is common and the
//! kiosk screens on exactly these fields. A TD1/TD2 document number longer than nine characters
//! puts `<` where its check digit would be and continues, followed by its check digit, at the
//! start of the optional data (ICAO 9303 part 5 / part 6, "long document numbers"). Belgian ID
//! cards compute that check digit over the number as printed, the `<` between its parts
//! included; both readings are accepted (the composite check digit covers the number either way).
//!
//! Dates are `YYMMDD`. The century is decided against `today` (passed in, never read from the
//! clock):
//! - date of birth: the latest century that does not put the birth after `today` (born today
//!   is allowed);
//! - expiry: the century that puts the year in the window from 49 years before to 50 years after
//!   `today`'s year, i.e. `20YY` unless that is more than 50 years ahead (so, in 2026, `76`
//!   is 2076 and `77` is 1977).
//!
//! A date of birth with any unknown part (`<<` for the day, month or year, which ICAO allows)
//! is refused with [`ScanError::MissingDateOfBirth`]: screening needs a whole date and the kiosk
//! does not guess one. An expiry written as all fillers means "no expiry"; one with a `<<` part
//! or digits that make no calendar date (its check digit matching) is an unreadable expiry
//! ([`Identity::expiry_unreadable`], which counts as expired), not an unreadable document.
//!
//! A name field that starts with `<<` has no primary identifier: a person with one name written
//! as the secondary identifier. That name is read as the surname (first name empty), as an
//! AAMVA card's only name is, so screening compares it with registry surnames.
//!
//! Only what [`Identity`] holds leaves this module: nationality, optional data and the full
//! document number are read only as far as the check digits need them.

use time::Date;

use super::{
    calendar_date, split_given_names, split_trailing_suffix, DocumentKind, Identity, ScanError, Sex,
};

/// Three TD1 lines; the longest MRZ.
const MAX_CHARS: usize = 90;

/// The longest document number the long-number rule can carry (9 + 14 in TD1, plus slack).
const MAX_DOCUMENT_NUMBER: usize = 32;

/// Cheap shape test for [`super::read_scan`]: two or three lines (or one unbroken run of 72,
/// 88 or 90 characters) of MRZ characters, starting with a document code letter.
///
/// Line lengths are only roughly checked (28 to 46 characters) so that a torn read of an MRZ
/// reaches [`parse`] and is reported as a misread rather than as an unknown document. AAMVA
/// payloads never pass: they contain `@`, spaces and separators an MRZ cannot.
pub fn looks_like_mrz(text: &str) -> bool {
    let text = text.trim();
    let starts_like_mrz = text
        .bytes()
        .next()
        .is_some_and(|b| DOCUMENT_CODES.contains(&b.to_ascii_uppercase()));
    if !starts_like_mrz {
        return false;
    }
    let mut lines = 0;
    for line in text
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        lines += 1;
        let plausible = (28..=46).contains(&line.len()) || matches!(line.len(), 72 | 88 | 90);
        if lines > 3 || !plausible || !line.bytes().all(is_mrz_byte) {
            return false;
        }
    }
    (lines == 1 && matches!(text.len(), 72 | 88 | 90)) || lines >= 2
}

/// Reads one MRZ (any layout) into an [`Identity`].
///
/// # Errors
///
/// [`ScanError::Garbled`] when the text is not an MRZ's shape (line lengths, characters,
/// document code, issuing state, sex), [`ScanError::CheckDigit`] naming the first field whose
/// check digit fails, [`ScanError::BadDate`], [`ScanError::MissingDateOfBirth`] and
/// [`ScanError::MissingName`] for what screening cannot use.
pub fn parse(text: &str, today: Date) -> Result<Identity, ScanError> {
    let zone = Zone::read(text)?;
    let layout = zone.layout()?;
    let issuer = zone.issuer()?;
    let sex = zone.sex(layout.sex)?;
    let document_number = zone.verify_check_digits(&layout)?;
    let dob = birth_date(zone.span(layout.dob), today)?;
    let expiry = expiry_date(zone.span(layout.expiry), today)?;
    let name = Name::read(zone.span(layout.name))?;
    let (expires, expiry_unreadable) = match expiry {
        Expiry::On(date) => (Some(date), false),
        Expiry::Never => (None, false),
        Expiry::Unreadable => (None, true),
    };
    Ok(Identity {
        document: layout.kind,
        first_name: name.first,
        middle_name: name.middle,
        last_name: name.last,
        suffix: name.suffix,
        dob,
        sex,
        issuer: Some(issuer),
        document_number_last4: document_number.last4(),
        expires,
        expiry_unreadable,
        name_truncated: name.truncated,
    })
}

/// First letters of the ICAO document codes: passport, ID card (I, A, C) and visa.
const DOCUMENT_CODES: &[u8] = b"PIACV";

fn is_mrz_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'<'
}

fn garbled(reason: &str) -> ScanError {
    ScanError::Garbled(reason.to_owned())
}

/// A range of positions in the zone, all lines concatenated.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    len: usize,
}

const fn span(start: usize, len: usize) -> Span {
    Span { start, len }
}

/// The MRZ characters, upper-cased, line breaks removed: at most 90 bytes on the stack.
struct Zone {
    chars: [u8; MAX_CHARS],
    len: usize,
    line_len: usize,
}

impl Zone {
    /// Collects the lines, whatever separates them (LF, CRLF, CR or nothing), and checks the
    /// shape: 3 x 30, 2 x 36 or 2 x 44.
    fn read(text: &str) -> Result<Zone, ScanError> {
        let mut zone = Zone {
            chars: [b'<'; MAX_CHARS],
            len: 0,
            line_len: 0,
        };
        let mut lines = 0;
        for line in text
            .split(['\r', '\n'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            if !line.bytes().all(is_mrz_byte) {
                return Err(garbled("a character outside A-Z, 0-9 and <"));
            }
            lines += 1;
            if lines == 1 {
                zone.line_len = line.len();
            } else if line.len() != zone.line_len {
                return Err(garbled("the lines differ in length"));
            }
            if zone.len + line.len() > MAX_CHARS {
                return Err(garbled("too long for an MRZ"));
            }
            for (slot, b) in zone.chars[zone.len..].iter_mut().zip(line.bytes()) {
                *slot = b.to_ascii_uppercase();
            }
            zone.len += line.len();
        }
        zone.line_len = match (lines, zone.len) {
            (0, _) => return Err(ScanError::Empty),
            (1 | 3, 90) => 30,
            (1 | 2, 72) => 36,
            (1 | 2, 88) => 44,
            _ => return Err(garbled("not 3 lines of 30, 2 of 36 or 2 of 44 characters")),
        };
        Ok(zone)
    }

    fn at(&self, position: usize) -> u8 {
        self.chars[position]
    }

    fn span(&self, span: Span) -> &[u8] {
        &self.chars[span.start..span.start + span.len]
    }

    /// The layout from the line length and the document code (positions 1-2 of line 1).
    fn layout(&self) -> Result<Layout, ScanError> {
        let (code, kind) = (self.at(0), self.at(1));
        if !DOCUMENT_CODES.contains(&code) || !(kind.is_ascii_uppercase() || kind == b'<') {
            return Err(garbled("no document code at the start of line 1"));
        }
        match (self.line_len, code) {
            (30, b'V') => Err(garbled("a visa is never three lines")),
            (30, _) => Ok(TD1),
            (36, b'V') => Ok(MRV_B),
            (36, _) => Ok(TD2),
            (44, b'V') => Ok(MRV_A),
            _ => Ok(TD3),
        }
    }

    /// The issuing state: letters padded with fillers (`D<<` for Germany).
    fn issuer(&self) -> Result<String, ScanError> {
        let code = self.span(span(2, 3));
        let letters = code.iter().take_while(|b| b.is_ascii_uppercase()).count();
        if letters == 0 || code[letters..].iter().any(|&b| b != b'<') {
            return Err(garbled("the issuing state is not a state code"));
        }
        Ok(String::from_utf8_lossy(&code[..letters]).into_owned())
    }

    fn sex(&self, position: usize) -> Result<Option<Sex>, ScanError> {
        match self.at(position) {
            b'M' => Ok(Some(Sex::M)),
            b'F' => Ok(Some(Sex::F)),
            b'X' => Ok(Some(Sex::X)),
            b'<' => Ok(None),
            _ => Err(garbled("the sex is not M, F, X or <")),
        }
    }

    /// Every check digit of the layout; the first that fails names its field. Check digits come
    /// before any field is interpreted, so a misread is reported as one.
    fn verify_check_digits(&self, layout: &Layout) -> Result<DocumentNumber, ScanError> {
        let number = self.document_number(layout)?;
        self.verify(layout.dob, layout.dob_check, "date of birth")?;
        self.verify(layout.expiry, layout.expiry_check, "expiry date")?;
        if let Some((data, check)) = layout.optional_check {
            verify_optional(self.span(data), self.at(check))?;
        }
        if let Some((spans, check)) = layout.composite {
            let composite = spans.iter().flat_map(|&span| self.span(span));
            if Some(check_digit(composite)) != digit_value(self.at(check)) {
                return Err(ScanError::CheckDigit("composite"));
            }
        }
        Ok(number)
    }

    fn verify(&self, field: Span, check: usize, what: &'static str) -> Result<(), ScanError> {
        verify(self.span(field), self.at(check), what)
    }

    /// The document number, checked, including the continuation of a long number.
    fn document_number(&self, layout: &Layout) -> Result<DocumentNumber, ScanError> {
        let mut number = DocumentNumber::new(self.span(layout.document_number));
        let check = self.at(layout.document_check);
        let check = match (check, layout.long_number_continues_in) {
            (b'<', Some(optional)) => {
                // ICAO 9303 part 5/6: the number goes on in the optional data, up to the first
                // filler; the last character before the filler is the check digit.
                let run = self.span(optional);
                let run = &run[..run.iter().position(|&b| b == b'<').unwrap_or(run.len())];
                let Some((&check, rest)) = run.split_last() else {
                    return Err(ScanError::CheckDigit("document number"));
                };
                // Belgian ID cards compute this check digit over the number as printed, the
                // filler between its two parts included (`000610035<701`, check 7), where ICAO
                // leaves the filler out (`000610035701`, check 9). Either reading is accepted:
                // the composite check digit still covers every character of it.
                let mut as_printed = DocumentNumber::new(number.as_bytes());
                as_printed.extend(b"<");
                as_printed.extend(rest);
                number.extend(rest);
                if digit_value(check) == Some(check_digit(as_printed.as_bytes())) {
                    return Ok(number);
                }
                check
            }
            _ => check,
        };
        verify(number.as_bytes(), check, "document number")?;
        Ok(number)
    }
}

/// Where each field sits in one layout; positions index the concatenated lines.
struct Layout {
    kind: DocumentKind,
    name: Span,
    document_number: Span,
    document_check: usize,
    /// TD1/TD2: the optional data a long document number continues into.
    long_number_continues_in: Option<Span>,
    dob: Span,
    dob_check: usize,
    sex: usize,
    expiry: Span,
    expiry_check: usize,
    /// TD3: the personal number and its check digit.
    optional_check: Option<(Span, usize)>,
    /// The fields the composite check digit covers, and where it is.
    composite: Option<(&'static [Span], usize)>,
}

const TD1: Layout = Layout {
    kind: DocumentKind::MrzTd1,
    name: span(60, 30),
    document_number: span(5, 9),
    document_check: 14,
    long_number_continues_in: Some(span(15, 15)),
    dob: span(30, 6),
    dob_check: 36,
    sex: 37,
    expiry: span(38, 6),
    expiry_check: 44,
    optional_check: None,
    composite: Some((&[span(5, 25), span(30, 7), span(38, 7), span(48, 11)], 59)),
};

/// TD2, TD3 and the visas share line 2 up to the optional data; `line` is the line length,
/// which is also where line 2 starts.
const fn two_line_layout(kind: DocumentKind, line: usize) -> Layout {
    let second = line;
    Layout {
        kind,
        name: span(5, line - 5),
        document_number: span(second, 9),
        document_check: second + 9,
        long_number_continues_in: None,
        dob: span(second + 13, 6),
        dob_check: second + 19,
        sex: second + 20,
        expiry: span(second + 21, 6),
        expiry_check: second + 27,
        optional_check: None,
        composite: None,
    }
}

const TD2: Layout = Layout {
    long_number_continues_in: Some(span(36 + 28, 7)),
    composite: Some((&[span(36, 10), span(36 + 13, 7), span(36 + 21, 14)], 71)),
    ..two_line_layout(DocumentKind::MrzTd2, 36)
};

const TD3: Layout = Layout {
    optional_check: Some((span(44 + 28, 14), 44 + 42)),
    composite: Some((&[span(44, 10), span(44 + 13, 7), span(44 + 21, 22)], 87)),
    ..two_line_layout(DocumentKind::MrzTd3, 44)
};

const MRV_A: Layout = two_line_layout(DocumentKind::MrzTd3, 44);
const MRV_B: Layout = two_line_layout(DocumentKind::MrzTd2, 36);

/// A document number on the stack; only its last four characters leave the parser.
struct DocumentNumber {
    chars: [u8; MAX_DOCUMENT_NUMBER],
    len: usize,
}

impl DocumentNumber {
    fn new(principal: &[u8]) -> DocumentNumber {
        let mut number = DocumentNumber {
            chars: [0; MAX_DOCUMENT_NUMBER],
            len: 0,
        };
        number.extend(principal);
        number
    }

    fn extend(&mut self, more: &[u8]) {
        // The zone is at most 90 bytes and the continuation at most 14, so this never clips.
        let room = MAX_DOCUMENT_NUMBER - self.len;
        let more = &more[..more.len().min(room)];
        self.chars[self.len..self.len + more.len()].copy_from_slice(more);
        self.len += more.len();
    }

    fn as_bytes(&self) -> &[u8] {
        &self.chars[..self.len]
    }

    fn last4(&self) -> Option<String> {
        let mut tail = [0u8; 4];
        let mut found = 0;
        for &b in self.as_bytes().iter().rev().filter(|&&b| b != b'<').take(4) {
            found += 1;
            tail[4 - found] = b;
        }
        (found > 0).then(|| String::from_utf8_lossy(&tail[4 - found..]).into_owned())
    }
}

/// The value of one MRZ character in a check digit sum.
fn char_value(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => u32::from(b - b'0'),
        b'A'..=b'Z' => u32::from(b - b'A') + 10,
        _ => 0, // the filler `<`
    }
}

/// ICAO 9303 part 3 check digit: weights 7, 3, 1 repeating, sum modulo 10.
fn check_digit<'a>(chars: impl IntoIterator<Item = &'a u8>) -> u32 {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = chars
        .into_iter()
        .enumerate()
        .map(|(i, &b)| char_value(b) * WEIGHTS[i % 3])
        .sum();
    sum % 10
}

/// A check digit position holds a digit; anything else (often an OCR `O` for `0`) never matches.
fn digit_value(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

fn verify(field: &[u8], check: u8, what: &'static str) -> Result<(), ScanError> {
    if digit_value(check) == Some(check_digit(field)) {
        Ok(())
    } else {
        Err(ScanError::CheckDigit(what))
    }
}

/// The TD3 personal number check digit, which issuers may leave as `<` when there is no
/// personal number (ICAO 9303 part 4: then it counts as 0).
fn verify_optional(data: &[u8], check: u8) -> Result<(), ScanError> {
    if check == b'<' && data.iter().all(|&b| b == b'<') {
        return Ok(());
    }
    verify(data, check, "personal number")
}

/// One `YYMMDD` part: `Ok(None)` for `<<` (unknown), an error for anything but two digits.
fn date_part(pair: &[u8]) -> Result<Option<u8>, ()> {
    match pair {
        [b'<', b'<'] => Ok(None),
        [tens @ b'0'..=b'9', units @ b'0'..=b'9'] => Ok(Some((tens - b'0') * 10 + (units - b'0'))),
        _ => Err(()),
    }
}

/// Year, month and day as written, `None` inside when a part is unknown.
type WrittenDate = [Option<u8>; 3];

fn written_date(raw: &[u8], field: &'static str) -> Result<WrittenDate, ScanError> {
    let bad = |()| ScanError::BadDate { field };
    Ok([
        date_part(&raw[0..2]).map_err(bad)?,
        date_part(&raw[2..4]).map_err(bad)?,
        date_part(&raw[4..6]).map_err(bad)?,
    ])
}

fn birth_date(raw: &[u8], today: Date) -> Result<Date, ScanError> {
    const FIELD: &str = "date of birth";
    let [Some(yy), Some(month), Some(day)] = written_date(raw, FIELD)? else {
        return Err(ScanError::MissingDateOfBirth);
    };
    let this_century = today.year() - today.year().rem_euclid(100);
    let mut year = this_century + i32::from(yy);
    if (year, month, day) > (today.year(), u8::from(today.month()), today.day()) {
        year -= 100; // a birth cannot be after today
    }
    calendar_date(year, month, day).ok_or(ScanError::BadDate { field: FIELD })
}

/// What the expiry field says: a date, no expiry (all fillers) or a date that cannot be read
/// (a `<<` part, or digits that make no calendar date) on a zone whose check digits all match.
#[derive(Debug, PartialEq, Eq)]
enum Expiry {
    On(Date),
    Never,
    Unreadable,
}

/// Characters other than digits and `<<` pairs are a misread ([`ScanError::BadDate`]).
fn expiry_date(raw: &[u8], today: Date) -> Result<Expiry, ScanError> {
    const FIELD: &str = "expiry date";
    if raw.iter().all(|&b| b == b'<') {
        return Ok(Expiry::Never);
    }
    let [Some(yy), Some(month), Some(day)] = written_date(raw, FIELD)? else {
        return Ok(Expiry::Unreadable);
    };
    let this_year = today.year();
    let mut year = this_year - this_year.rem_euclid(100) + i32::from(yy);
    if year > this_year + 50 {
        year -= 100;
    } else if year < this_year - 49 {
        year += 100;
    }
    Ok(calendar_date(year, month, day).map_or(Expiry::Unreadable, Expiry::On))
}

/// The name field split the ICAO way: primary identifier `<<` secondary identifier.
struct Name {
    first: String,
    middle: Option<String>,
    last: String,
    suffix: Option<String>,
    truncated: bool,
}

impl Name {
    fn read(field: &[u8]) -> Result<Name, ScanError> {
        // A name that fills the field to its last position may have been cut (ICAO truncates
        // long names without a marker), so screening treats it as a prefix.
        let truncated = field.last().is_some_and(|&b| b != b'<');
        if field.iter().any(u8::is_ascii_digit) {
            // Names are letters only; a digit is a misread (`0` for `O`) screening must not see.
            return Err(garbled("a digit in the name"));
        }
        let separator = field.windows(2).position(|pair| pair == b"<<");
        let (primary, secondary) = match separator {
            Some(at) => (&field[..at], &field[at + 2..]),
            None => (field, &[][..]),
        };
        let primary = words(primary);
        let secondary = words(secondary);
        if primary.is_empty() {
            if secondary.is_empty() {
                return Err(ScanError::MissingName);
            }
            // No primary identifier (`<<ANNA<MARIA`): a person with one name, which some
            // issuers write as the secondary identifier. It is screened as the surname, as an
            // AAMVA card's only name is.
            let (last, suffix) = suffix_split(&secondary, truncated);
            return Ok(Name {
                first: String::new(),
                middle: None,
                last,
                suffix,
                truncated,
            });
        }
        // A cut-off last word may only look like a suffix (`V` from `VICTORIA`).
        let cut_primary = truncated && secondary.is_empty();
        let (last, suffix) = suffix_split(&primary, cut_primary);
        // One suffix is kept apart: from the surname if it carries one, else from the given names.
        let (given, suffix) = match suffix {
            Some(suffix) => (secondary, Some(suffix)),
            None => suffix_split(&secondary, truncated),
        };
        let (first, middle) = split_given_names(&given);
        Ok(Name {
            first,
            middle,
            last,
            suffix,
            truncated,
        })
    }
}

/// The words of a name part: each run of fillers is one space.
fn words(part: &[u8]) -> String {
    let mut out = String::with_capacity(part.len());
    for word in part.split(|&b| b == b'<').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.iter().map(|&b| char::from(b)));
    }
    out
}

fn suffix_split(name: &str, may_be_cut: bool) -> (String, Option<String>) {
    if may_be_cut {
        (name.to_owned(), None)
    } else {
        split_trailing_suffix(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_match_icao_examples() {
        assert_eq!(check_digit(b"L898902C3"), 6);
        assert_eq!(check_digit(b"740812"), 2);
        assert_eq!(check_digit(b"120415"), 9);
        assert_eq!(check_digit(b"ZE184226B<<<<<"), 1);
        assert_eq!(check_digit(b"<<<<<<"), 0);
    }

    #[test]
    fn date_parts_are_two_digits_or_unknown() {
        assert_eq!(date_part(b"08"), Ok(Some(8)));
        assert_eq!(date_part(b"<<"), Ok(None));
        assert_eq!(date_part(b"<8"), Err(()));
        assert_eq!(date_part(b"O8"), Err(()));
    }

    #[test]
    fn last4_skips_fillers() {
        assert_eq!(
            DocumentNumber::new(b"D23145<<<").last4().as_deref(),
            Some("3145")
        );
        assert_eq!(
            DocumentNumber::new(b"AB<<<<<<<").last4().as_deref(),
            Some("AB")
        );
        assert_eq!(DocumentNumber::new(b"<<<<<<<<<").last4(), None);
    }

    #[test]
    fn names_split_on_double_filler() {
        let name = Name::read(b"DE<LA<CRUZ<<JUAN<<<<<<").unwrap();
        assert_eq!(
            (name.last.as_str(), name.first.as_str()),
            ("DE LA CRUZ", "JUAN")
        );
        assert!(!name.truncated);
    }

    #[test]
    fn looks_like_mrz_rejects_other_payloads() {
        assert!(!looks_like_mrz("@\n\u{1e}\rANSI 636020100102DL00410278"));
        assert!(!looks_like_mrz("VSTB1:eyJ2IjoxfQ.c2lnbmF0dXJl"));
        assert!(!looks_like_mrz("P<UTO"));
    }
}
