//! Evidence weighed by how rare it is: a Fellegi-Sunter likelihood ratio (issue 19, item 1).
//!
//! Each field is compared at one of a few levels (exact; nickname; one part of a compound
//! surname; one edit; one edit in the first letter; two edits; missing; different), and each
//! level adds `log2(m / u)` bits: `m` the chance a true match shows that level, `u` the chance
//! two different people do. For an exact name `u` is the share of the registry's name rows that
//! carry that name (its posting length, which the index already stores): `KOWALCZYK` agreeing
//! says far more than `SMITH`. A fuzzy level is weighed by the commoner of the two values and
//! pays a fixed price for the slip. A field missing on either side adds 0 (no evidence either
//! way); a wholly different date of birth costs 10 bits (a namesake born years apart is another
//! person). The given names are read three ways (as given; first and last swapped, -1 bit; one
//! side going by the middle name, -1 bit) and the best reading counts.
//!
//! The sum minus `log2(rows)` (the prior: one row of the list among that many) is the log odds
//! that this row is the visitor; [`THRESHOLD_BITS`] is the one threshold for every list.
//!
//! How the parameters were set: the `m` values are the rates at which the synthetic generator
//! ([`super::synth`]) and the record-linkage literature put each slip (about 90% of true
//! matches agree exactly on a field; nicknames, one-edit typos, transposed and off-by-one dates
//! each a few percent); `u` is the value's share of the registry's rows. [`THRESHOLD_BITS`] was
//! then set on the synthetic generator alone (`vestibule registry bench`, seed 1, 200,000
//! people, its threshold sweep) and only REPORTED on the independent sets (corrupted copies,
//! Splink's historical figures, OpenSanctions' negatives), never tuned there. No EM yet: see
//! the README, "Weighed evidence and data we did not make".
//!
//! This score runs beside the points of [`super::score`] (which still decide the flag): it did
//! not measure at least as well on every set.

use time::Date;

use super::dob::{self, DobMatch};
use super::nicknames;
use super::normalise::{soundex_code, typo_apart, NameForm};
use super::score::Subject;

/// The most one field can say, in bits: a name no one else in a million rows carries still
/// may be a typo of someone else's; a date of birth shared by nobody still may be misread.
pub const FIELD_CAP: f64 = 10.0;
/// Posterior log odds at or above which a row goes to staff: even odds (probability 1/2).
/// Set on the synthetic generator alone (`vestibule registry bench`, 200,000 people, seed 1:
/// the lowest threshold of the sweep keeping clean visitors flagged at or under 0.5%) and only
/// reported on the independent sets.
pub const THRESHOLD_BITS: f64 = 0.0;

/// Chance a true match agrees exactly on a name field.
const M_EXACT: f64 = 0.9;
/// What a fuzzy level costs, in bits, below an exact agreement on the commoner value.
const NICKNAME: f64 = 1.5;
const PART: f64 = 1.0;
const ONE_EDIT: f64 = 2.0;
const ONE_EDIT_INITIAL: f64 = 3.5;
const TWO_EDITS: f64 = 4.5;
/// Spelled differently, sounding alike (same Soundex): `SCHMIDT` / `SHMIT`.
const PHONETIC: f64 = 5.0;
/// More than two edits apart but close by Jaro-Winkler (>= 0.9, both at least 6 letters):
/// an OCR confusion and a slip in one long name.
const CLOSE: f64 = 5.5;
const CLOSE_SIMILARITY: f64 = 0.9;
/// A name present on both sides that does not agree at any level: `log2((1 - m) / (1 - u))`
/// with about 6% of true matches showing another surname (marriage, an alias) or first name.
const LAST_DIFFERENT: f64 = -4.0;
const FIRST_DIFFERENT: f64 = -4.5;
const MIDDLE_INITIAL: f64 = 2.5;
const MIDDLE_DIFFERENT: f64 = -2.5;
const MIDDLE_CAP: f64 = 6.0;
const SUFFIX_DIFFERENT: f64 = -2.0;
const SEX_AGREES: f64 = 0.5;
const SEX_DIFFERENT: f64 = -2.0;
/// Reading first and last name the other way round, or a first name as the other's middle.
const REARRANGED: f64 = -1.0;

/// The weighed evidence for one row.
#[derive(Clone, Debug, PartialEq)]
pub struct Weighed {
    /// Posterior log odds in bits (prior included).
    pub bits: f64,
    /// Machine reasons, same vocabulary as [`super::score`] (`last`, `first:typo`, `dob`...).
    pub reasons: Vec<&'static str>,
    /// What staff read: "same rare surname, same date of birth, first name differs".
    pub words: Vec<String>,
}

impl Weighed {
    pub fn flagged(&self) -> bool {
        self.bits >= THRESHOLD_BITS
    }

    /// The chance this row is the visitor, from the log odds.
    pub fn probability(&self) -> f64 {
        1.0 / (1.0 + (-self.bits).exp2())
    }
}

/// How two name values agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Exact,
    Nickname,
    Part,
    OneEdit,
    OneEditInitial,
    TwoEdits,
    Phonetic,
    Close,
}

impl Level {
    fn price(self) -> f64 {
        match self {
            Level::Exact => 0.0,
            Level::Nickname => NICKNAME,
            Level::Part => PART,
            Level::OneEdit => ONE_EDIT,
            Level::OneEditInitial => ONE_EDIT_INITIAL,
            Level::TwoEdits => TWO_EDITS,
            Level::Phonetic => PHONETIC,
            Level::Close => CLOSE,
        }
    }
}

fn level(a: &str, b: &str, given: bool) -> Option<Level> {
    if a.is_empty() || b.is_empty() {
        None
    } else if a == b {
        Some(Level::Exact)
    } else if given && nicknames::relation(a, b).is_some() {
        Some(Level::Nickname)
    } else if !within_two_letters(a.as_bytes(), b.as_bytes()) {
        // most pairs of a short list end here, before any edit distance is computed
        phonetic(a, b)
    } else if typo_apart(a, b) {
        Some(if a.as_bytes()[0] == b.as_bytes()[0] {
            Level::OneEdit
        } else {
            Level::OneEditInitial
        })
    } else if a.len().min(b.len()) >= 5 && edits_within_two(a, b) {
        Some(Level::TwoEdits)
    } else {
        phonetic(a, b)
    }
}

fn phonetic(a: &str, b: &str) -> Option<Level> {
    if a.len().min(b.len()) >= 3
        && a.as_bytes()[0] == b.as_bytes()[0]
        && soundex_code(a) == soundex_code(b)
    {
        Some(Level::Phonetic)
    } else if a.len().min(b.len()) >= 6
        && a.len().abs_diff(b.len()) <= 3
        && strsim::jaro_winkler(a, b) >= CLOSE_SIMILARITY
    {
        Some(Level::Close)
    } else {
        None
    }
}

/// A lower bound of the edit distance that costs no allocation: letters one name has more of
/// than the other (bag distance). More than two such letters: not within two edits.
fn within_two_letters(a: &[u8], b: &[u8]) -> bool {
    if a.len().abs_diff(b.len()) > 2 {
        return false;
    }
    // folded names are A-Z (and the odd digit or space, counted together)
    let bucket = |c: u8| usize::from(if c.is_ascii_uppercase() { c - b'A' } else { 26 });
    let mut counts = [0i8; 27];
    for &c in a {
        counts[bucket(c)] = counts[bucket(c)].saturating_add(1);
    }
    for &c in b {
        counts[bucket(c)] = counts[bucket(c)].saturating_sub(1);
    }
    let (mut more, mut fewer) = (0i32, 0i32);
    for n in counts {
        if n > 0 {
            more += i32::from(n);
        } else {
            fewer -= i32::from(n);
        }
    }
    more.max(fewer) <= 2
}

/// Optimal string alignment distance <= 2 (adjacent transpositions count one).
fn edits_within_two(a: &str, b: &str) -> bool {
    a.len().abs_diff(b.len()) <= 2 && strsim::osa_distance(a, b) <= 2
}

/// The weight of one name field and its level, or `None` when either side is empty.
/// `share` gives a term's share of the list's name rows.
fn name_weight(
    a: &NameForm,
    b: &NameForm,
    given: bool,
    share: &mut dyn FnMut(&str) -> f64,
) -> Option<(f64, Option<Level>)> {
    if a.is_empty() || b.is_empty() || a.is_initial() || b.is_initial() {
        return None;
    }
    let mut best: Option<(f64, Level)> = None;
    let mut consider = |x: &str, y: &str, extra: f64, share: &mut dyn FnMut(&str) -> f64| {
        if let Some(l) = level(x, y, given) {
            let l = if extra > 0.0 && l == Level::Exact {
                Level::Part
            } else {
                l
            };
            let u = share(x).max(share(y));
            let w = (M_EXACT / u).log2().min(FIELD_CAP) - l.price();
            if best.is_none_or(|(bw, _)| w > bw) {
                best = Some((w, l));
            }
        }
    };
    consider(&a.glued, &b.glued, 0.0, share);
    // a compound surname (GARCIA LOPEZ / LOPEZ) or a double given name agrees on any part
    if a.parts.len() > 1 || b.parts.len() > 1 {
        for x in &a.parts {
            for y in &b.parts {
                if x.len() > 1 && y.len() > 1 {
                    consider(x, y, 1.0, share);
                }
            }
        }
    }
    Some(match best {
        Some((w, l)) => (w, Some(l)),
        None => (
            if given {
                FIRST_DIFFERENT
            } else {
                LAST_DIFFERENT
            },
            None,
        ),
    })
}

struct Reading {
    bits: f64,
    reasons: Vec<&'static str>,
    words: Vec<String>,
}

fn describe_name(field: &str, w: f64, l: Option<Level>) -> String {
    match l {
        Some(Level::Exact) if w >= 8.0 => format!("same rare {field}"),
        Some(Level::Exact) if w < 5.0 => format!("same common {field}"),
        Some(Level::Exact) => format!("same {field}"),
        Some(Level::Nickname) => format!("{field} a nickname of the other"),
        Some(Level::Part) => format!("{field} shares a part"),
        Some(Level::OneEdit) | Some(Level::OneEditInitial) => format!("{field} one letter apart"),
        Some(Level::TwoEdits) => format!("{field} two letters apart"),
        Some(Level::Phonetic) => format!("{field} sounds the same"),
        Some(Level::Close) => format!("{field} close in spelling"),
        None => format!("{field} differs"),
    }
}

fn reason(field: &'static str, l: Option<Level>) -> &'static str {
    match (field, l) {
        ("last", Some(Level::Exact)) => "last",
        ("last", Some(Level::Part)) => "last:part",
        ("last", None) => "last:different",
        ("last", _) => "last:typo",
        (_, Some(Level::Exact)) => "first",
        (_, Some(Level::Nickname)) => "first:nickname",
        (_, Some(Level::Part)) => "first:part",
        (_, None) => "first:different",
        _ => "first:typo",
    }
}

/// One arrangement of the visitor's names against the record's.
fn read_names(
    v_last: &NameForm,
    v_first: &NameForm,
    v_middle: &[NameForm],
    r_last: &NameForm,
    r_first: &NameForm,
    r_middle: &[NameForm],
    share: &mut dyn FnMut(&str) -> f64,
) -> Reading {
    let mut out = Reading {
        bits: 0.0,
        reasons: Vec::new(),
        words: Vec::new(),
    };
    match name_weight(v_last, r_last, false, share) {
        Some((w, l)) => {
            out.bits += w;
            out.reasons.push(reason("last", l));
            out.words.push(describe_name("surname", w, l));
        }
        None => {
            out.reasons.push("last:missing");
            out.words.push("surname missing on one side".into());
        }
    }
    match name_weight(v_first, r_first, true, share) {
        Some((w, l)) => {
            out.bits += w;
            out.reasons.push(reason("first", l));
            out.words.push(describe_name("first name", w, l));
        }
        None => {
            out.reasons.push("first:missing");
            out.words.push("first name missing on one side".into());
        }
    }
    if !v_middle.is_empty() && !r_middle.is_empty() {
        let mut best: Option<(f64, &'static str)> = None;
        for a in v_middle {
            for b in r_middle {
                let found = if a.is_initial() || b.is_initial() {
                    (a.glued.as_bytes().first() == b.glued.as_bytes().first())
                        .then_some((MIDDLE_INITIAL, "middle:initial"))
                } else {
                    level(&a.glued, &b.glued, true).map(|l| {
                        let u = share(&a.glued).max(share(&b.glued));
                        (
                            (M_EXACT / u).log2().min(MIDDLE_CAP) - l.price(),
                            if l == Level::Exact {
                                "middle"
                            } else {
                                "middle:typo"
                            },
                        )
                    })
                };
                if let Some(f) = found {
                    if best.is_none_or(|(w, _)| f.0 > w) {
                        best = Some(f);
                    }
                }
            }
        }
        let (w, r) = best.unwrap_or((MIDDLE_DIFFERENT, "middle:different"));
        out.bits += w;
        out.reasons.push(r);
        out.words.push(
            match r {
                "middle" => "same middle name",
                "middle:initial" => "same middle initial",
                "middle:typo" => "middle name close",
                _ => "middle name differs",
            }
            .into(),
        );
    }
    out
}

/// The weighed evidence that `record` (one row of a list of `rows` rows) is the visitor.
pub fn weigh(
    visitor: &Subject,
    record: &Subject,
    rows: u32,
    share: &mut dyn FnMut(&str) -> f64,
) -> Weighed {
    let (v, r) = (&visitor.name, &record.name);
    let mut best = read_names(
        &v.last, &v.first, &v.middle, &r.last, &r.first, &r.middle, share,
    );
    let mut consider = |mut reading: Reading, what: &'static str, words: &str| {
        reading.bits += REARRANGED;
        if reading.bits > best.bits {
            reading.reasons.push(what);
            reading.words.push(words.into());
            best = reading;
        }
    };
    if !v.first.is_empty() && !v.last.is_empty() {
        consider(
            read_names(
                &v.first, &v.last, &v.middle, &r.last, &r.first, &r.middle, share,
            ),
            "swapped",
            "first and last name the other way round",
        );
    }
    // goes by the middle name: either side's first middle name read as the first name
    if let Some(m) = r.middle.first().filter(|m| !m.is_initial()) {
        let rest: Vec<NameForm> = std::iter::once(r.first.clone())
            .chain(r.middle.iter().skip(1).cloned())
            .collect();
        consider(
            read_names(&v.last, &v.first, &v.middle, &r.last, m, &rest, share),
            "first:middle",
            "goes by the middle name",
        );
    }
    if let Some(m) = v.middle.first().filter(|m| !m.is_initial()) {
        let rest: Vec<NameForm> = std::iter::once(v.first.clone())
            .chain(v.middle.iter().skip(1).cloned())
            .collect();
        consider(
            read_names(&v.last, m, &rest, &r.last, &r.first, &r.middle, share),
            "first:middle",
            "goes by the middle name",
        );
    }
    let Reading {
        mut bits,
        mut reasons,
        mut words,
    } = best;
    if let (Some(a), Some(b)) = (&v.suffix, &r.suffix) {
        if a != b {
            bits += SUFFIX_DIFFERENT;
            reasons.push("suffix:different");
            words.push("suffix differs".into());
        }
    }
    let dob = dob::compare(visitor.dob, record.dob);
    bits += dob_weight(dob, visitor.dob);
    reasons.push(dob.reason());
    words.push(
        match dob {
            DobMatch::Exact => "same date of birth",
            DobMatch::Transposed => "date of birth with day and month swapped",
            DobMatch::DayOff => "date of birth a day off",
            DobMatch::YearOff => "date of birth a year off",
            DobMatch::DigitOff => "date of birth one digit off",
            DobMatch::Unknown => "no date of birth on one side",
            DobMatch::Different => "another date of birth",
        }
        .into(),
    );
    match (visitor.sex, record.sex) {
        (Some(a), Some(b)) if a == b => {
            bits += SEX_AGREES;
            reasons.push("sex");
        }
        (Some(_), Some(_)) => {
            bits += SEX_DIFFERENT;
            reasons.push("sex:different");
            words.push("sex differs".into());
        }
        _ => {}
    }
    bits -= f64::from(rows.max(1)).log2();
    Weighed {
        bits,
        reasons,
        words,
    }
}

fn dob_weight(dob: DobMatch, _visitor: Option<Date>) -> f64 {
    // u for an exact date is about 1 / (365 x 60) (14 bits), capped like any field.
    match dob {
        DobMatch::Exact => FIELD_CAP,
        DobMatch::Transposed => 7.0,
        DobMatch::DayOff | DobMatch::YearOff => 6.0,
        DobMatch::DigitOff => 3.0,
        DobMatch::Unknown => 0.0,
        DobMatch::Different => -FIELD_CAP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::normalise::PersonName;
    use time::macros::date;

    fn subject(last: &str, first: &str, middle: &str, dob: Option<Date>) -> Subject {
        Subject {
            name: PersonName::new(last, first, middle, ""),
            dob,
            sex: None,
        }
    }

    /// SMITH and JOHN common, everything else rare.
    fn share(term: &str) -> f64 {
        match term {
            "SMITH" => 0.01,
            "JOHN" | "MICHAEL" => 0.03,
            _ => 1e-6,
        }
    }

    const DOB: Option<Date> = Some(date!(1975 - 03 - 07));
    const ROWS: u32 = 200_000;

    fn weigh_it(v: &Subject, r: &Subject) -> Weighed {
        weigh(v, r, ROWS, &mut share)
    }

    #[test]
    fn a_rare_surname_with_the_date_outweighs_a_common_one() {
        let rare = weigh_it(
            &subject("KOWALCZYK", "", "", DOB),
            &subject("KOWALCZYK", "JOHN", "", DOB),
        );
        let common = weigh_it(
            &subject("SMITH", "", "", DOB),
            &subject("SMITH", "JOHN", "", DOB),
        );
        assert!(rare.bits > common.bits + 3.0, "{rare:?} {common:?}");
        assert!(rare.words.contains(&"same rare surname".to_string()));
    }

    #[test]
    fn namesakes_born_years_apart_and_shared_birthdays_stay_below() {
        let r = subject("SMITH", "JOHN", "", DOB);
        assert!(!weigh_it(
            &subject("SMITH", "JOHN", "", Some(date!(1988 - 11 - 02))),
            &r
        )
        .flagged());
        assert!(!weigh_it(&subject("PETERSON", "JOHN", "", DOB), &r).flagged());
        assert!(!weigh_it(&subject("SMITH", "MICHAEL", "", DOB), &r).flagged());
    }

    #[test]
    fn swapped_names_and_missing_fields_still_reach_staff() {
        let r = subject("KOWALCZYK", "DARIUSZ", "", DOB);
        for v in [
            subject("DARIUSZ", "KOWALCZYK", "", DOB),
            subject("KOWALCZYK", "", "", DOB),
            subject("KOWALCZYK", "DARIUSZ", "", None),
            subject("KOWALCZIK", "DARIUSZ", "", DOB),
        ] {
            let w = weigh_it(&v, &r);
            assert!(w.flagged(), "{w:?}");
            assert!(w.probability() > 0.05);
        }
    }

    #[test]
    fn two_edits_are_a_level() {
        assert_eq!(
            level("KOWALCZYK", "KOVALCZIK", false),
            Some(Level::TwoEdits)
        );
        assert_eq!(level("SMITH", "JONES", false), None);
        assert_eq!(level("KATHERINE", "KATHRYN", true), Some(Level::Phonetic));
        assert_eq!(
            level("SCHWARZENEGGER", "SCHWARZNEGER", false),
            Some(Level::TwoEdits)
        );
    }
}
