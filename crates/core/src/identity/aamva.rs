//! AAMVA DL/ID PDF417: the barcode on the back of US and Canadian driver's licences and ID
//! cards, from the pre-standard cards through AAMVA DL/ID-2000 (version 01) to the 2020 Card
//! Design Standard (version 10).
//!
//! # The format
//!
//! ```text
//! @ LF RS CR            compliance indicator, data element separator, record separator,
//!                       segment terminator
//! ANSI                  file type (`AAMVA` on the pre-standard cards and some early ones)
//! 636030                IIN: the issuing jurisdiction (see `jurisdictions.rs`)
//! 10                    AAMVA version (01 = DL/ID-2000 ... 10 = 2020; 00 or absent before)
//! 01                    jurisdiction version (not in version 01 headers)
//! 02                    number of entries in the subfile directory
//! DL00410280            subfile directory: designator, offset, length (DL, ID, Z?)
//! ZM03210047
//! DLDAQ...LF DCS...LF ... CR     the DL (or ID) subfile: elements `D??` + value, LF between
//! ZMZMA...CR                     a jurisdiction subfile
//! ```
//!
//! # Reading by element, not by offset
//!
//! Cards in use get the header wrong in every way it can be got wrong: offsets of zero (Ontario),
//! off by one (South Carolina), letters instead of digits (Alberta), no entry count (North
//! Carolina), no record separator or a file separator in its place (Ohio, South Carolina),
//! `AAMVA` instead of `ANSI ` (Maryland, Connecticut), and scanners mangle what is left (`@a`,
//! `@ac`). So the header is only mined for the IIN and version (the first run of six or more
//! digits), and the DL/ID subfile is found by searching for its first element ID.
//!
//! The elements are then read by ID until the next subfile (a field starting with `Z`):
//!
//! - **Names**: DCS/DAC/DAD (2009+); DCS + DCT given names, first then middle, comma or space
//!   separated (2003-2005); DAB/DAC/DAD or DAA `LAST,FIRST,MIDDLE,SUFFIX` (2000), including
//!   Pennsylvania's space-separated `FIRST MIDDLE LAST JR`; DAC `FIRST MIDDLE` with DAD empty,
//!   `NONE` or missing (Wyoming) is split into first and middle. The suffix comes from DCU (or
//!   DL/ID-2000's DAE), the DAA suffix part, or a suffix word at the end of the family name or
//!   of the given names (`JR.`, `III.`, `PH.D.`: dots dropped, see [`super::suffix_word`]).
//!   Placeholders (`NONE`, `unavl`, `NFN`) read as empty; DDE/DDF/DDG `T` marks truncation.
//! - **Dates** (DBB birth, DBA expiry): MMDDCCYY in the US, CCYYMMDD in Canada and on
//!   DL/ID-2000 cards, but jurisdictions stray both ways (New Brunswick writes MMDDCCYY,
//!   Wyoming CCYYMMDD), so when the expected order gives no real date the other is tried; a
//!   year must fall in 1900-2100, which makes the two orders mutually exclusive. Dashed forms
//!   (`1974-08-12`, `08-12-1974`) are read too.
//! - **Sex** (DBC): `1`/`M`, `2`/`F`, `9`/`X`.
//!
//! Scanner noise is tolerated: CRLF or CR-only separators, `|` in place of LF, RS or CR (every
//! separator ends a field), an AIM
//! prefix, C0/C1 control characters, trailing junk after the last field, and separators removed
//! altogether by keyboard-wedge scanners, in which case the run-together text is cut wherever
//! an element ID the standards define begins (`Elements::read_run_together` says how IDs that
//! happen to be spelt inside names are told apart; that stays a heuristic).
//!
//! # Errors
//!
//! No DL/ID subfile, or neither a name nor a date of birth in it, or a payload shorter than its
//! directory says while one of them is missing: [`ScanError::Truncated`] (scan again). A
//! complete payload without a name or a date of birth: [`ScanError::MissingName`],
//! [`ScanError::MissingDateOfBirth`]. A date of birth that makes no date:
//! [`ScanError::BadDate`]. An expiry that makes no date is no error: the identity says its
//! expiry is unreadable ([`Identity::expiry_unreadable`], counted as expired), unless the
//! payload is shorter than its directory says (then [`ScanError::Truncated`]). An
//! unknown IIN is no error: the issuer then comes from the address's jurisdiction code, or is
//! `None`.
//!
//! Nothing but what [`Identity`] holds leaves this module: the address, the full document
//! number, the physical description and the payload itself are only ever borrowed while
//! parsing. Parsing is pure, does no logging, and allocates little besides the strings it
//! returns (a copy of the payload only when it carries control characters to drop).

mod elements;
mod jurisdictions;

use std::borrow::Cow;

use time::Date;

use super::{
    calendar_date, clean_name, is_scanner_noise, last4, split_given_names, split_trailing_suffix,
    strip_aim_prefix, suffix_word, DocumentKind, Identity, ScanError, Sex,
};
use elements::{IdCounts, Seen};
use jurisdictions::{Country, Jurisdiction};

/// Whether `text` is shaped like an AAMVA payload: the compliance indicator, or a file type
/// near the start when a scanner has mangled the indicator.
pub fn looks_like_aamva(text: &str) -> bool {
    let text = without_aim_prefix(text.trim_start());
    if text.starts_with('@') {
        return true;
    }
    let head = &text.as_bytes()[..text.len().min(64)];
    [&b"ANSI "[..], b"AAMVA", b"AMVA "]
        .iter()
        .any(|file_type| head.windows(file_type.len()).any(|w| w == *file_type))
}

/// Reads an AAMVA DL/ID payload into the few facts the kiosk may keep.
pub fn parse(text: &str) -> Result<Identity, ScanError> {
    let text = without_noise(text);
    let start = find_subfile_start(text.as_bytes()).ok_or(ScanError::Truncated(
        "the licence data after the header is missing",
    ))?;
    // `start` is the position of an ASCII `D`, so both slices fall on char boundaries.
    let header = Header::read(&text[..start]);
    let elements = Elements::read(&text[start..], header.version);
    let cut_short = header.subfile_end.is_some_and(|end| end > text.len());
    identity(&header, &elements, cut_short)
}

/// `cut_short`: the payload ends before the header says the DL/ID subfile does, so a missing
/// name or date of birth is a misread rather than a card without one.
fn identity(header: &Header, elements: &Elements, cut_short: bool) -> Result<Identity, ScanError> {
    let (has_name, has_dob) = (elements.has_name(), elements.dob.is_some());
    if !has_name && !has_dob {
        return Err(ScanError::Truncated(
            "the licence data stops before the name and date of birth",
        ));
    }
    if cut_short && !(has_name && has_dob) {
        return Err(ScanError::Truncated(
            "the scan stops before the end of the licence data",
        ));
    }
    let name = elements.name()?;
    let jurisdiction = header.iin.and_then(jurisdictions::by_iin).or_else(|| {
        // Jurisdictions only license their own residents, so when the IIN is unreadable the
        // address's jurisdiction code names the issuer (the rest of the address is dropped).
        elements
            .address_jurisdiction
            .and_then(|code| jurisdictions::by_code(code.trim()))
    });
    let order = DateOrder::expected(header, jurisdiction, elements.country);
    let dob = date(elements.dob, order, "date of birth")?.ok_or(ScanError::MissingDateOfBirth)?;
    // Fewer than eight digits in a payload shorter than its directory says: cut off inside the
    // expiry, a misread.
    let expiry_cut = cut_short
        && elements
            .expiry
            .is_some_and(|value| value.bytes().filter(u8::is_ascii_digit).count() < 8);
    let (expires, expiry_unreadable) = match expiry(elements.expiry, order) {
        Ok(expires) => (expires, false),
        Err(_) if expiry_cut => {
            return Err(ScanError::Truncated(
                "the scan stops before the end of the licence data",
            ))
        }
        // A whole card whose expiry makes no date: readable, only its currency is unknown.
        Err(_) => (None, true),
    };
    Ok(Identity {
        document: DocumentKind::Aamva,
        first_name: name.first,
        middle_name: name.middle,
        last_name: name.last,
        suffix: name.suffix,
        dob,
        sex: sex(elements.sex),
        issuer: jurisdiction.map(|j| j.code.to_owned()),
        document_number_last4: number_last4(elements.number),
        expires,
        expiry_unreadable,
        name_truncated: elements.name_truncated,
    })
}

// ---------------------------------------------------------------------------------------------
// Scanner noise and the header

/// LF, RS, CR, the FS/GS some cards write in place of RS, and the `|` some scanners deliver
/// in place of LF (and of RS and CR). Every one of them ends a field: scanners turn LF into
/// CRLF or CR, and CR (the segment terminator) ends the last field too. No element this module
/// reads can hold a `|`.
fn is_separator(byte: u8) -> bool {
    matches!(byte, b'\n' | b'\r' | 0x1c..=0x1e | b'|')
}

fn is_separator_char(c: char) -> bool {
    c.is_ascii() && is_separator(c as u8)
}

/// AIM ISO/IEC 15424 symbology identifier (`]L2` for PDF417), usually already removed by
/// [`super::clean_scanner_noise`] but tolerated when `parse` is called directly.
fn without_aim_prefix(text: &str) -> &str {
    // the prefix is three ASCII bytes, so the cut falls on a character boundary
    &text[text.len() - strip_aim_prefix(text.as_bytes()).len()..]
}

/// Drops leading blanks, an AIM prefix and control characters that are not separators (C1
/// bytes from keyboard-wedge scanners), copying only when there is something to drop.
fn without_noise(text: &str) -> Cow<'_, str> {
    let text =
        without_aim_prefix(text.trim_start_matches(|c: char| c.is_whitespace() || c == '\0'));
    if text.chars().any(is_scanner_noise) {
        Cow::Owned(text.chars().filter(|&c| !is_scanner_noise(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// What the header says that is worth reading.
#[derive(Debug, Default, PartialEq, Eq)]
struct Header {
    iin: Option<u32>,
    /// `None` on pre-standard cards (and when the header is too mangled to tell).
    version: Option<u32>,
    /// Where the directory says the DL/ID subfile ends (offset + length), when it says.
    subfile_end: Option<usize>,
}

impl Header {
    /// The IIN and version are the first run of six or more digits, which survives a mangled
    /// compliance indicator, a misspelt file type and missing separators alike.
    fn read(head: &str) -> Self {
        let bytes = head.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let run = bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if run >= 6 {
                let digits = &bytes[at..at + run];
                return Header {
                    iin: number(&digits[..6]),
                    version: digits.get(6..8).and_then(number),
                    subfile_end: Self::subfile_end(&bytes[at + run..]),
                };
            }
            at += run.max(1);
        }
        Header::default()
    }

    /// The first `DL`/`ID` directory entry: designator, four-digit offset, four-digit length.
    fn subfile_end(directory: &[u8]) -> Option<usize> {
        directory.windows(10).find_map(|entry| match entry {
            [b'D', b'L', numbers @ ..] | [b'I', b'D', numbers @ ..] => {
                let offset = number(&numbers[..4])?;
                let length = number(&numbers[4..])?;
                usize::try_from(offset + length).ok()
            }
            _ => None,
        })
    }
}

/// Where the DL or ID subfile's first element begins. The header's offset is not trusted; the
/// first defined element ID that follows a separator, the directory's digits, a space, or the
/// subfile type `DL`/`ID` is.
fn find_subfile_start(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len().saturating_sub(2)).find(|&at| {
        bytes[at] == b'D'
            && elements::element(&bytes[at..at + 3]).is_some()
            && opens_subfile(bytes, at)
    })
}

fn opens_subfile(bytes: &[u8], at: usize) -> bool {
    let Some(&before) = at.checked_sub(1).and_then(|i| bytes.get(i)) else {
        return true;
    };
    is_separator(before)
        || before.is_ascii_digit()
        || before == b' '
        || (at >= 2 && matches!(&bytes[at - 2..at], b"DL" | b"ID"))
}

/// The value of a run of ASCII digits, `None` if any byte is not a digit.
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

// ---------------------------------------------------------------------------------------------
// Elements

/// The elements of the DL/ID subfile this module uses, borrowed from the payload. No `Debug`:
/// it holds personal data.
#[derive(Default)]
struct Elements<'a> {
    family: Option<&'a str>,               // DCS
    family_2000: Option<&'a str>,          // DAB
    full: Option<&'a str>,                 // DAA
    given: Option<&'a str>,                // DCT
    first: Option<&'a str>,                // DAC
    middle: Option<&'a str>,               // DAD
    suffix: Option<&'a str>,               // DCU
    suffix_2000: Option<&'a str>,          // DAE
    dob: Option<&'a str>,                  // DBB
    expiry: Option<&'a str>,               // DBA
    sex: Option<&'a str>,                  // DBC
    number: Option<&'a str>,               // DAQ
    country: Option<&'a str>,              // DCG
    address_jurisdiction: Option<&'a str>, // DAJ
    name_truncated: bool,                  // DDE/DDF/DDG
}

/// Element matches collected from run-together text; a real DL subfile has about 30 elements.
const MOST_MATCHES: usize = 256;

impl<'a> Elements<'a> {
    fn read(body: &'a str, version: Option<u32>) -> Self {
        let mut elements = Elements::default();
        if separated_fields(body) >= 3 {
            elements.read_separated(body);
        } else {
            // Versions 02 and 03 carry given names in DCT and have no DAD.
            let middle_expected = !matches!(version, Some(2 | 3));
            elements.read_run_together(body, middle_expected);
        }
        elements
    }

    /// Fields between separators; each starts with its element ID. Fields that do not (junk,
    /// the `DL` subfile type on a line of its own) are skipped; the first `Z` field starts the
    /// jurisdiction subfile, which holds nothing this module may keep.
    fn read_separated(&mut self, body: &'a str) {
        for field in body.split(is_separator_char) {
            let bytes = field.as_bytes();
            if bytes.first() == Some(&b'Z') {
                break;
            }
            if elements::is_element_shaped(bytes) {
                self.keep(&bytes[..3], &field[3..]);
            }
        }
    }

    /// Separators stripped (keyboard-wedge scanners): `DAQ123DCSSMITHDACANNA...`. The text is
    /// cut wherever a defined element ID begins, with rules against IDs hidden in values: an ID
    /// seen twice keeps its later place (`MCDADE` holds `DAD`, the real DAD follows); a rare ID
    /// is not taken inside a word (`JORDAN` holds `DAN`); of two overlapping matches see
    /// [`later_match_wins`]; and a family or full name that would come out empty swallows the
    /// match after it (`DCSDAYTON` is one name when no later DAY follows).
    fn read_run_together(&mut self, body: &'a str, middle_expected: bool) {
        let bytes = body.as_bytes();
        let end = run_together_end(bytes);
        let id_at = |at: usize| &bytes[at..at + 3];
        let mut matches = [0usize; MOST_MATCHES];
        let mut found = 0;
        for at in 0..end.saturating_sub(2) {
            if found == MOST_MATCHES {
                break;
            }
            let Some(seen) = (bytes[at] == b'D')
                .then(|| elements::element(id_at(at)))
                .flatten()
            else {
                continue;
            };
            if seen == Seen::Rare && inside_a_word(bytes, at) {
                continue;
            }
            matches[found] = at;
            found += 1;
        }
        let matches = &matches[..found];

        // IDs matched where no other match overlaps them: evidence for judging overlaps.
        let mut clear = IdCounts::default();
        for (index, &at) in matches.iter().enumerate() {
            let after_previous = index == 0 || matches[index - 1] + 3 <= at;
            let before_next = matches.get(index + 1).is_none_or(|&next| at + 3 <= next);
            if after_previous && before_next {
                clear.add(id_at(at));
            }
        }

        // From the end, so each match is judged against the next one kept.
        let mut kept = [false; MOST_MATCHES];
        let mut kept_ids = IdCounts::default();
        let mut next: Option<usize> = None;
        for index in (0..found).rev() {
            let (at, id) = (matches[index], id_at(matches[index]));
            if kept_ids.get(id) > 0 {
                continue;
            }
            if let Some(later) = next.filter(|&later| at + 3 > matches[later]) {
                let later_id = id_at(matches[later]);
                if later_match_wins(id, later_id, &clear, middle_expected) {
                    continue;
                }
                kept[later] = false;
                kept_ids.remove(later_id);
            }
            kept[index] = true;
            kept_ids.add(id);
            next = Some(index);
        }

        let mut starts = (0..found)
            .filter(|&i| kept[i])
            .map(|i| matches[i])
            .peekable();
        while let Some(at) = starts.next() {
            let id = id_at(at);
            if starts.peek() == Some(&(at + 3)) && matches!(id, b"DCS" | b"DAB" | b"DAA") {
                starts.next();
            }
            let value_end = starts.peek().copied().unwrap_or(end);
            let value = body[at + 3..value_end]
                .split(is_separator_char)
                .next()
                .unwrap_or_default();
            self.keep(id, value);
        }
    }

    /// The first value of each element wins: a later repeat comes from another subfile.
    fn keep(&mut self, id: &[u8], value: &'a str) {
        let slot = match id {
            b"DCS" => &mut self.family,
            b"DAB" => &mut self.family_2000,
            b"DAA" => &mut self.full,
            b"DCT" => &mut self.given,
            b"DAC" => &mut self.first,
            b"DAD" => &mut self.middle,
            b"DCU" => &mut self.suffix,
            b"DAE" => &mut self.suffix_2000,
            b"DBB" => &mut self.dob,
            b"DBA" => &mut self.expiry,
            b"DBC" => &mut self.sex,
            b"DAQ" => &mut self.number,
            b"DCG" => &mut self.country,
            b"DAJ" => &mut self.address_jurisdiction,
            b"DDE" | b"DDF" | b"DDG" => {
                self.name_truncated |= value.trim().eq_ignore_ascii_case("T");
                return;
            }
            _ => return,
        };
        slot.get_or_insert(value);
    }

    fn has_name(&self) -> bool {
        [
            self.family,
            self.family_2000,
            self.full,
            self.given,
            self.first,
        ]
        .iter()
        .any(Option::is_some)
    }

    /// Names from whichever elements the card's version uses: split elements first, then the
    /// 2003-2005 given names, then the DL/ID-2000 full name.
    fn name(&self) -> Result<Name, ScanError> {
        let full = self.full.map(FullName::split).unwrap_or_default();
        let family = self
            .family
            .and_then(tidy)
            .or_else(|| self.family_2000.and_then(tidy))
            .or(full.last);
        let middle = self.middle.and_then(tidy);
        let (first, middle) = if let Some(first) = self.first.and_then(tidy) {
            (Some(first), middle)
        } else if let Some(given) = self.given.and_then(tidy).or(full.given) {
            let (first, rest) = split_given_names(&given);
            (Some(first), rest.or(middle))
        } else {
            (None, middle)
        };
        let (last, embedded_suffix) = match family {
            Some(family) => {
                let (last, suffix) = split_trailing_suffix(&family);
                (Some(last), suffix)
            }
            None => (None, None),
        };
        let suffix = self
            .suffix
            .and_then(suffix_text)
            .or_else(|| self.suffix_2000.and_then(suffix_text))
            .or(full.suffix)
            .or(embedded_suffix);
        match (last, first) {
            (Some(last), first) => {
                let first = first.unwrap_or_default();
                // Wyoming (and others) put first and middle names together in DAC when DAD is
                // empty, `NONE` or missing.
                let (first, middle) = match middle {
                    Some(middle) => (first, Some(middle)),
                    None => split_given_names(&first),
                };
                // A suffix written after the given names (`DADMICHAEL JR.`); a lone `V` there
                // stays a middle initial.
                let (first, middle, suffix) = match (suffix, middle) {
                    (None, Some(middle)) => match suffix_word(&middle) {
                        Some(found) if found.len() > 1 => (first, None, Some(found)),
                        _ => match split_trailing_suffix(&middle) {
                            (rest, Some(found)) if found.len() > 1 => {
                                (first, Some(rest), Some(found))
                            }
                            _ => (first, Some(middle), None),
                        },
                    },
                    (suffix, middle) => (first, middle, suffix),
                };
                Ok(Name {
                    first,
                    middle,
                    last,
                    suffix,
                })
            }
            // A person with one name: screening compares it as the surname.
            (None, Some(only)) => {
                let (first, middle) = middle
                    .map(|middle| split_given_names(&middle))
                    .unwrap_or_default();
                Ok(Name {
                    first,
                    middle,
                    last: only,
                    suffix,
                })
            }
            (None, None) => Err(ScanError::MissingName),
        }
    }
}

/// A letter comes right before `at`, and it is not the end of an element ID with an empty value.
fn inside_a_word(bytes: &[u8], at: usize) -> bool {
    let after_letter = at > 0 && bytes[at - 1].is_ascii_alphabetic();
    let after_empty_element = at >= 3 && elements::element(&bytes[at - 3..at]).is_some();
    after_letter && !after_empty_element
}

/// Two matches in run-together text overlap: `...3RD` + `DAG` also reads `DDA`, and `DAD` +
/// `AARON` also reads `DAA`. An ID that also occurs clear of any overlap (`clear`) is the one
/// hidden in a value here; otherwise the later match wins (values end in `D` more often than
/// they start with an ID), except after DAD where it is expected: middle names often start with
/// letters that spell an ID, while a name ending in `DA` is only taken to end before an element
/// every card has.
fn later_match_wins(earlier: &[u8], later: &[u8], clear: &IdCounts, middle_expected: bool) -> bool {
    let (earlier_elsewhere, later_elsewhere) = (clear.get(earlier) > 0, clear.get(later) > 0);
    if earlier_elsewhere != later_elsewhere {
        return earlier_elsewhere;
    }
    !(earlier == b"DAD" && middle_expected && !elements::in_every_version(later))
}

/// How many separated fields start with an element ID, counting to three: fewer means the
/// separators were stripped.
fn separated_fields(body: &str) -> usize {
    body.split(is_separator_char)
        .filter(|field| elements::is_element_shaped(field.as_bytes()))
        .take(3)
        .count()
}

/// Run-together text ends where the next subfile starts: its type and first element
/// (`ZTZTA...`), or a `Z` after a separator the scanner kept.
fn run_together_end(bytes: &[u8]) -> usize {
    (0..bytes.len())
        .find(|&at| match bytes[at..] {
            [b'Z', kind, b'Z', again, ..] if kind == again && kind.is_ascii_uppercase() => true,
            [b'Z', ..] => at > 0 && is_separator(bytes[at - 1]),
            _ => false,
        })
        .unwrap_or(bytes.len())
}

// ---------------------------------------------------------------------------------------------
// Names

#[cfg_attr(test, derive(Debug, PartialEq, Eq))]
struct Name {
    first: String,
    middle: Option<String>,
    last: String,
    suffix: Option<String>,
}

/// DL/ID-2000's DAA, split into its parts.
#[derive(Default)]
#[cfg_attr(test, derive(Debug, PartialEq, Eq))]
struct FullName {
    last: Option<String>,
    /// First and middle names, space separated.
    given: Option<String>,
    suffix: Option<String>,
}

impl FullName {
    /// `LAST,FIRST,MIDDLE,SUFFIX` (`$` instead of `,` as on magnetic stripes; the first part may
    /// hold `FIRST MIDDLE`), or without commas Pennsylvania's `FIRST MIDDLE LAST SUFFIX`.
    fn split(raw: &str) -> FullName {
        if !raw.contains([',', '$']) {
            return Self::split_pennsylvania(raw);
        }
        let mut parts = raw.split([',', '$']).map(str::trim);
        let last = parts.next().and_then(tidy);
        let first = parts.next().unwrap_or_default();
        let mut middle = parts.next().unwrap_or_default();
        let mut suffix = parts.find(|part| !part.is_empty()).and_then(suffix_text);
        // `SMITH,JOHN,JR` has no middle name; a lone `V` stays a middle initial.
        if suffix.is_none() && middle.len() > 1 {
            if let Some(found) = suffix_word(middle) {
                suffix = Some(found);
                middle = "";
            }
        }
        FullName {
            last,
            given: tidy(&format!("{first} {middle}")),
            suffix,
        }
    }

    fn split_pennsylvania(raw: &str) -> FullName {
        let Some(name) = tidy(raw) else {
            return FullName::default();
        };
        let (name, suffix) = split_trailing_suffix(&name);
        let (given, last) = match name.rsplit_once(' ') {
            Some((given, last)) => (Some(given.to_owned()), last.to_owned()),
            None => (None, name),
        };
        FullName {
            last: Some(last),
            given,
            suffix,
        }
    }
}

/// A name element as the kiosk keeps it: control characters dropped, commas (between multiple
/// middle names, trailing on some Canadian cards) read as spaces, then [`clean_name`].
fn tidy(raw: &str) -> Option<String> {
    if raw.contains(|c: char| c == ',' || c.is_control()) {
        let spaced: String = raw
            .chars()
            .filter(|c| !c.is_control())
            .map(|c| if c == ',' { ' ' } else { c })
            .collect();
        clean_name(&spaced)
    } else {
        clean_name(raw)
    }
}

/// DCU/DAE: `JR.` reads `JR`, `PH.D.` reads `PHD`; a suffix outside the known ones (`1ST`,
/// `VI`) is kept as written.
fn suffix_text(raw: &str) -> Option<String> {
    let suffix = tidy(raw)?;
    Some(suffix_word(&suffix).unwrap_or_else(|| suffix.trim_end_matches('.').to_owned()))
}

// ---------------------------------------------------------------------------------------------
// Dates, sex, document number

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DateOrder {
    /// MMDDCCYY: US cards since 2003.
    MonthFirst,
    /// CCYYMMDD: Canadian cards, DL/ID-2000 and pre-standard cards.
    YearFirst,
}

impl DateOrder {
    fn expected(
        header: &Header,
        jurisdiction: Option<&Jurisdiction>,
        country: Option<&str>,
    ) -> Self {
        let canadian = match jurisdiction {
            Some(jurisdiction) => jurisdiction.country == Country::Canada,
            None => country.is_some_and(|c| matches!(c.trim(), "CAN" | "CDN")),
        };
        if canadian || header.version.is_none_or(|version| version <= 1) {
            DateOrder::YearFirst
        } else {
            DateOrder::MonthFirst
        }
    }
}

/// `Ok(None)` when the element is absent or holds no digits (`NONE`); `BadDate` when the digits
/// make no real date in either order.
fn date(
    raw: Option<&str>,
    order: DateOrder,
    field: &'static str,
) -> Result<Option<Date>, ScanError> {
    let Some(value) = raw.map(str::trim) else {
        return Ok(None);
    };
    if !value.bytes().any(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    read_date(value.as_bytes(), order)
        .map(Some)
        .ok_or(ScanError::BadDate { field })
}

/// An expiry of all zeros or all nines is a document that does not expire, as is one absent,
/// empty or a placeholder (`NONE`); anything else that makes no date (`11111112`, `UNKNOWN1`) is
/// `BadDate`, which [`identity`] reads as an unreadable expiry.
fn expiry(raw: Option<&str>, order: DateOrder) -> Result<Option<Date>, ScanError> {
    let Some(value) = raw.map(str::trim) else {
        return Ok(None);
    };
    let never = value.bytes().all(|b| b == b'0') || value.bytes().all(|b| b == b'9');
    if never || clean_name(value).is_none() {
        return Ok(None);
    }
    read_date(value.as_bytes(), order)
        .map(Some)
        .ok_or(ScanError::BadDate {
            field: "expiry date",
        })
}

/// MMDDCCYY or CCYYMMDD (the expected order first), `CCYY-MM-DD`, or `MM-DD-CCYY` (`DD-MM-CCYY`
/// when the month cannot be one). Junk after the date is ignored; a ninth digit is not.
fn read_date(value: &[u8], order: DateOrder) -> Option<Date> {
    let ends_at = |len: usize| value.get(len).is_none_or(|b| !b.is_ascii_digit());
    let is_dash = |b: u8| matches!(b, b'-' | b'/' | b'.');
    let part = |range: std::ops::Range<usize>| value.get(range).and_then(number);
    match value {
        [_, _, _, _, dash, _, _, again, _, _, ..] if is_dash(*dash) && dash == again => {
            ends_at(10).then_some(())?;
            plausible_date(part(0..4)?, part(5..7)?, part(8..10)?)
        }
        [_, _, dash, _, _, again, _, _, _, _, ..] if is_dash(*dash) && dash == again => {
            ends_at(10).then_some(())?;
            let (first, second, year) = (part(0..2)?, part(3..5)?, part(6..10)?);
            plausible_date(year, first, second).or_else(|| plausible_date(year, second, first))
        }
        _ if value.len() >= 8 && ends_at(8) => {
            let month_first = || plausible_date(part(4..8)?, part(0..2)?, part(2..4)?);
            let year_first = || plausible_date(part(0..4)?, part(4..6)?, part(6..8)?);
            match order {
                DateOrder::MonthFirst => month_first().or_else(year_first),
                DateOrder::YearFirst => year_first().or_else(month_first),
            }
        }
        _ => None,
    }
}

/// A calendar date whose year a living cardholder or a current card could have.
fn plausible_date(year: u32, month: u32, day: u32) -> Option<Date> {
    if !(1900..=2100).contains(&year) {
        return None;
    }
    calendar_date(
        i32::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    )
}

fn sex(raw: Option<&str>) -> Option<Sex> {
    match raw?.trim() {
        "1" | "M" | "m" => Some(Sex::M),
        "2" | "F" | "f" => Some(Sex::F),
        "9" | "X" | "x" => Some(Sex::X),
        _ => None,
    }
}

/// Only the last four characters leave; `NONE` (cards without a number) gives none.
fn number_last4(raw: Option<&str>) -> Option<String> {
    let number = raw?.trim();
    clean_name(number)?;
    last4(number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn run_together(body: &str) -> Elements<'_> {
        let mut elements = Elements::default();
        elements.read_run_together(body, true);
        elements
    }

    #[test]
    fn recognises_payloads_by_indicator_or_file_type() {
        assert!(looks_like_aamva("@\n\u{1e}\rANSI 636000100102"));
        assert!(looks_like_aamva("  ]L2@\n\u{1e}\rANSI 636000"));
        assert!(looks_like_aamva("\u{1e}\rANSI 636000100102DL"));
        assert!(looks_like_aamva("xAAMVA6360030101DL"));
        assert!(!looks_like_aamva(
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
        ));
        assert!(!looks_like_aamva("VSTB1:abcdefghij"));
        assert!(!looks_like_aamva(""));
    }

    #[test]
    fn header_gives_iin_version_and_subfile_end() {
        let header = Header::read("@\n\u{1e}\rANSI 636000100102DL00410278ZV03190008");
        assert_eq!(
            header,
            Header {
                iin: Some(636000),
                version: Some(10),
                subfile_end: Some(319)
            }
        );
        let mangled = Header::read("@\n6AAMVA6360060101DL00290182");
        assert_eq!(
            mangled,
            Header {
                iin: Some(636006),
                version: Some(1),
                subfile_end: Some(211)
            }
        );
        let pre_standard = Header::read("@\n\u{1e}\rAAMVA636021");
        assert_eq!(
            pre_standard,
            Header {
                iin: Some(636021),
                version: None,
                subfile_end: None
            }
        );
        assert_eq!(
            Header::read("@\n\nANSI 990876030001DLabac").subfile_end,
            None
        );
        assert_eq!(Header::read("@\n\u{1e}\r"), Header::default());
    }

    #[test]
    fn subfile_start_is_found_by_its_first_element() {
        fn at(text: &str) -> Option<&str> {
            find_subfile_start(text.as_bytes()).map(|i| &text[i..i + 3])
        }
        assert_eq!(
            at("@\n\u{1e}\rANSI 636000100102DL00410278ZV03190008DLDAQT1"),
            Some("DAQ")
        );
        assert_eq!(
            at("@\n\u{1e}\rAAMVA6360060101DL00290184DAAWANG,CHUNG"),
            Some("DAA")
        );
        // `IDDCA`: the ID subfile type, then DCA; the `DDC` inside is not an element start.
        assert_eq!(at("@\n\nANSI 636000100202ID00410422IDDCANONE"), Some("DCA"));
        assert_eq!(at("@\n\u{1e}\rANSI 636000100102DL00410278"), None);
        assert_eq!(at("ÉDAQ"), None);
    }

    #[test]
    fn dates_in_either_order_and_dashed() {
        let month_first = |text: &str| read_date(text.as_bytes(), DateOrder::MonthFirst);
        let year_first = |text: &str| read_date(text.as_bytes(), DateOrder::YearFirst);
        assert_eq!(month_first("08121974"), Some(date!(1974 - 08 - 12)));
        assert_eq!(year_first("19740812"), Some(date!(1974 - 08 - 12)));
        // The other order when the expected one makes no date (New Brunswick, Wyoming).
        assert_eq!(year_first("08081962"), Some(date!(1962 - 08 - 08)));
        assert_eq!(month_first("19581031"), Some(date!(1958 - 10 - 31)));
        assert_eq!(month_first("1974-08-12"), Some(date!(1974 - 08 - 12)));
        assert_eq!(year_first("08-12-1974"), Some(date!(1974 - 08 - 12)));
        assert_eq!(month_first("12/31/1990"), Some(date!(1990 - 12 - 31)));
        assert_eq!(month_first("31.12.1990"), Some(date!(1990 - 12 - 31)));
        assert_eq!(month_first("08121974 junk"), Some(date!(1974 - 08 - 12)));
        assert_eq!(month_first("02301990"), None, "30 February");
        assert_eq!(month_first("00000000"), None);
        assert_eq!(month_first("081219741"), None, "a ninth digit");
        assert_eq!(month_first("08121899"), None, "before 1900");
        assert_eq!(month_first("1974-08/12"), None);
        assert_eq!(month_first("0812"), None);
    }

    #[test]
    fn date_elements_absent_placeholder_or_never_expiring() {
        let order = DateOrder::MonthFirst;
        assert_eq!(date(None, order, "x"), Ok(None));
        assert_eq!(date(Some(" NONE "), order, "x"), Ok(None));
        assert_eq!(
            date(Some("13131990"), order, "x"),
            Err(ScanError::BadDate { field: "x" })
        );
        assert_eq!(expiry(Some("00000000"), order), Ok(None));
        assert_eq!(expiry(Some("99999999"), order), Ok(None));
        assert_eq!(
            expiry(Some("08122031"), order),
            Ok(Some(date!(2031 - 08 - 12)))
        );
    }

    #[test]
    fn expected_date_order_follows_country_and_version() {
        let header = |version| Header {
            iin: None,
            version,
            subfile_end: None,
        };
        let ontario = jurisdictions::by_iin(636012);
        let missouri = jurisdictions::by_iin(636030);
        assert_eq!(
            DateOrder::expected(&header(Some(10)), ontario, None),
            DateOrder::YearFirst
        );
        assert_eq!(
            DateOrder::expected(&header(Some(10)), missouri, None),
            DateOrder::MonthFirst
        );
        assert_eq!(
            DateOrder::expected(&header(Some(1)), missouri, None),
            DateOrder::YearFirst
        );
        assert_eq!(
            DateOrder::expected(&header(None), missouri, None),
            DateOrder::YearFirst
        );
        assert_eq!(
            DateOrder::expected(&header(Some(8)), None, Some("CAN")),
            DateOrder::YearFirst
        );
        assert_eq!(
            DateOrder::expected(&header(Some(8)), None, Some("USA")),
            DateOrder::MonthFirst
        );
    }

    #[test]
    fn full_names_with_commas_or_in_pennsylvania_order() {
        let split = |raw: &str| {
            let full = FullName::split(raw);
            (full.last, full.given, full.suffix)
        };
        let some = |text: &str| Some(text.to_owned());
        assert_eq!(
            split("PUBLIC,JOHN,Q"),
            (some("PUBLIC"), some("JOHN Q"), None)
        );
        assert_eq!(
            split("JOHNSON,JACK,,3RD"),
            (some("JOHNSON"), some("JACK"), some("3RD"))
        );
        assert_eq!(
            split("SAMPLE,DRIVER,CREDENTIAL,"),
            (some("SAMPLE"), some("DRIVER CREDENTIAL"), None)
        );
        assert_eq!(
            split("SMITH,JOHN,JR."),
            (some("SMITH"), some("JOHN"), some("JR"))
        );
        assert_eq!(split("SMITH,JOHN,V"), (some("SMITH"), some("JOHN V"), None));
        assert_eq!(split("DOE$JOHN$"), (some("DOE"), some("JOHN"), None));
        assert_eq!(
            split("LAST,FIRST MIDDLE"),
            (some("LAST"), some("FIRST MIDDLE"), None)
        );
        assert_eq!(split("JOHN P SMITH"), (some("SMITH"), some("JOHN P"), None));
        assert_eq!(
            split("MARY ANN SMITH JR"),
            (some("SMITH"), some("MARY ANN"), some("JR"))
        );
        assert_eq!(split("CHER"), (some("CHER"), None, None));
        assert_eq!(split(" NONE "), (None, None, None));
    }

    #[test]
    fn name_elements_are_tidied() {
        assert_eq!(tidy("TESTER,                 ").as_deref(), Some("TESTER"));
        assert_eq!(tidy("JOHN,BOB").as_deref(), Some("JOHN BOB"));
        assert_eq!(tidy("\u{85}anna\u{9b}").as_deref(), Some("ANNA"));
        assert_eq!(tidy("unavl"), None);
        assert_eq!(suffix_text("jr.").as_deref(), Some("JR"));
        assert_eq!(suffix_text("1ST").as_deref(), Some("1ST"));
        assert_eq!(suffix_text("NONE"), None);
        assert_eq!(suffix_text("   "), None);
    }

    #[test]
    fn names_prefer_split_elements_then_given_names_then_full_name() {
        let name = |elements: Elements| elements.name().unwrap();
        let split = name(Elements {
            family: Some("SMITH JR"),
            given: Some("IGNORED"),
            full: Some("IGNORED,ALSO"),
            first: Some("ANNA"),
            middle: Some("MARIA,LUISA"),
            ..Elements::default()
        });
        assert_eq!(
            (
                split.last.as_str(),
                split.first.as_str(),
                split.middle.as_deref(),
                split.suffix.as_deref()
            ),
            ("SMITH", "ANNA", Some("MARIA LUISA"), Some("JR"))
        );
        let given = name(Elements {
            family: Some("MAURY"),
            given: Some("JUSTIN,WILLIAM"),
            suffix: Some("III"),
            ..Elements::default()
        });
        assert_eq!(
            (
                given.first.as_str(),
                given.middle.as_deref(),
                given.suffix.as_deref()
            ),
            ("JUSTIN", Some("WILLIAM"), Some("III"))
        );
        let only_first = name(Elements {
            first: Some("PRINCE"),
            ..Elements::default()
        });
        assert_eq!(
            (only_first.last.as_str(), only_first.first.as_str()),
            ("PRINCE", "")
        );
        assert_eq!(
            Elements {
                family: Some("NONE"),
                first: Some("NFN"),
                ..Elements::default()
            }
            .name()
            .unwrap_err(),
            ScanError::MissingName
        );
    }

    #[test]
    fn run_together_text_is_cut_at_element_ids() {
        let elements = run_together("DAQ12AB34DCSSMITHDDENDACANNADDFNDADMARIADDGNDBB08121974DBC2");
        assert_eq!(elements.number, Some("12AB34"));
        assert_eq!(elements.family, Some("SMITH"));
        assert_eq!(elements.first, Some("ANNA"));
        assert_eq!(elements.middle, Some("MARIA"));
        assert_eq!(elements.dob, Some("08121974"));
        assert_eq!(elements.sex, Some("2"));
    }

    #[test]
    fn run_together_ids_hidden_in_names_are_not_cuts() {
        // A repeated ID keeps its later place: MCDADE holds DAD.
        let repeated = run_together("DCSMCDADEDACANNADADMARIADBB08121974");
        assert_eq!(
            (repeated.family, repeated.middle),
            (Some("MCDADE"), Some("MARIA"))
        );
        // A rare ID after a letter is not taken: JORDAN holds DAN.
        let rare = run_together("DAAJORDAN,MICHAELDAQ123DBB19740812");
        assert_eq!(rare.full, Some("JORDAN,MICHAEL"));
        // Overlapping matches: `3RD` + `DAG` also reads `DDA`; the later wins.
        let overlap = run_together("DAASMITH,JOHN,,3RDDAG1 MAIN STDBB19740812");
        assert_eq!(overlap.full, Some("SMITH,JOHN,,3RD"));
        // After DAD, a middle name may start with letters that spell an ID.
        let middle = run_together("DCSSMITHDACANNADADAARONDBB08121974");
        assert_eq!((middle.middle, middle.full), (Some("AARON"), None));
        // ... but a name ending in `DA` before an element every card has ends there.
        let linda = run_together("DADMARIADACLINDADAQ1234DBB08121974");
        assert_eq!((linda.first, linda.number), (Some("LINDA"), Some("1234")));
        // An empty element before a rare one: DAD then DAE (`DDA` also matches).
        let empty = run_together("DABREADACYEODADDAEDBB19000101");
        assert_eq!((empty.middle, empty.suffix_2000), (Some(""), Some("")));
        // A family name never comes out empty: DAYTON holds DAY and no DAY follows.
        let dayton = run_together("DCSDAYTONDACANNADBB08121974");
        assert_eq!(
            (dayton.family, dayton.first),
            (Some("DAYTON"), Some("ANNA"))
        );
        // `DAJDC` + `DAC` reads DCD, which the real DCD after an empty DDC must not lose to.
        let dc = run_together("DAJDCDACANNADCSSMITHDDCDCDNONEDBB08121974");
        assert_eq!(
            (dc.address_jurisdiction, dc.first),
            (Some("DC"), Some("ANNA"))
        );
    }

    #[test]
    fn run_together_text_ends_at_the_next_subfile() {
        let elements = run_together("DCSDOEDCTJOHNDCUZTZTA130ZTBADBB01011990");
        assert_eq!(
            (elements.family, elements.given, elements.suffix),
            (Some("DOE"), Some("JOHN"), Some(""))
        );
        assert_eq!(elements.dob, None);
        let kept_separator = run_together("DCSDOEDBB01011990\rZVDAQ1");
        assert_eq!(
            (kept_separator.dob, kept_separator.number),
            (Some("01011990"), None)
        );
    }

    #[test]
    fn separated_fields_skip_junk_and_stop_at_the_jurisdiction_subfile() {
        let mut elements = Elements::default();
        elements.read_separated("DAQ1\njunk\nDL\nDCSSMITH\nDCSLATER\nDBB1\rZVZVA01\nDACNOT");
        assert_eq!(
            (elements.number, elements.family),
            (Some("1"), Some("SMITH"))
        );
        assert_eq!(elements.first, None);
    }

    #[test]
    fn truncation_flags() {
        let mut elements = Elements::default();
        elements.read_separated("DDEN\nDDFU\nDDGN");
        assert!(!elements.name_truncated);
        elements.read_separated("DDET");
        assert!(elements.name_truncated);
    }

    #[test]
    fn sex_codes() {
        assert_eq!(sex(Some("1")), Some(Sex::M));
        assert_eq!(sex(Some("F ")), Some(Sex::F));
        assert_eq!(sex(Some("9")), Some(Sex::X));
        assert_eq!(sex(Some("x")), Some(Sex::X));
        assert_eq!(sex(Some("0")), None);
        assert_eq!(sex(Some("MALE")), None);
        assert_eq!(sex(None), None);
    }

    #[test]
    fn document_number_keeps_only_its_tail() {
        assert_eq!(number_last4(Some("T64235789  ")).as_deref(), Some("5789"));
        assert_eq!(
            number_last4(Some("L 341 567 071 342")).as_deref(),
            Some("1342")
        );
        assert_eq!(number_last4(Some("NONE")), None);
        assert_eq!(number_last4(Some("  ")), None);
    }

    #[test]
    fn noise_is_dropped_without_copying_clean_text() {
        assert!(matches!(
            without_noise("@\n\u{1e}\rANSI "),
            Cow::Borrowed(_)
        ));
        assert_eq!(without_noise(" ]L2@\n\u{1e}\u{85}\tA"), "@\n\u{1e}A");
    }
}
