//! Screening: does this visitor match a registered offender or a watchlist entry?
//!
//! PURE over a read-only [`RegistryIndex`]: no IO, no clock, no storage engine named here. The
//! same code serves `vestibule screen` and the kiosk.
//!
//! - [`normalise`]: folding, tokens, glued surnames, particles, suffixes, deletion keys.
//! - [`nicknames`]: nickname groups (embedded `data/nicknames.csv`).
//! - [`dob`]: date-of-birth classes and the dates a visitor's date reaches.
//! - [`index`]: the index trait, the builder used by imports, and an in-memory index.
//! - [`score`]: per-field points, reasons, the one [`THRESHOLD`]; KeepnTrack's scheme beside it.
//! - [`lr`]: the weighed evidence (likelihood ratios by how rare a value is), measured beside
//!   [`score`] through [`screen_weighed`].
//! - [`synth`]: synthetic registries and the variant classes used by the benchmark.
//!
//! How a visitor is screened ([`screen`]):
//! 1. Each of the visitor's name tokens is expanded over the registry's vocabulary: the exact
//!    term, every term one edit away (deletion keys), and for given names the nickname group.
//! 2. With a date of birth: the postings of every expanded term are read only at the dates the
//!    visitor's date reaches ([`dob::near_keys`]: exact, transposed, a day off, a year off, one
//!    digit off); a row becomes a candidate when two of the visitor's name fields hit it. Rows
//!    without a date, or every row when the visitor has none, need a last-name hit plus a
//!    first- or middle-name hit. Nothing else can reach the threshold, so nothing else is read.
//! 3. Each candidate row (primary or alias alike) is scored; a person counts once, by their best
//!    row, and is flagged at [`THRESHOLD`] or above.

pub mod dob;
pub mod index;
pub mod lr;
pub mod nicknames;
pub mod normalise;
pub mod score;
pub mod synth;

use std::collections::{HashMap, HashSet};

use time::Date;

pub use index::{MemoryIndex, NameRow, RegistryIndex, RowId, TermId};
pub use normalise::PersonName;
pub use score::{Assessment, Subject, THRESHOLD};

/// Where a candidate record came from: the offender registry or one of the school's own lists.
/// One type for the flow, the store and the staff screens; its text form is the one
/// `vestibule screen` prints and the store keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Registry,
    Watchlist,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Registry => "registry",
            Source::Watchlist => "watchlist",
        }
    }

    pub fn parse(text: &str) -> Option<Source> {
        match text {
            "registry" => Some(Source::Registry),
            "watchlist" => Some(Source::Watchlist),
            _ => None,
        }
    }
}

use crate::identity::{Identity, Sex};
use normalise::{deletion_keys, stable_hash, typo_apart, MIN_TYPO_LEN};

/// Who is being screened, as typed or as read from their ID.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Visitor {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: String,
    pub suffix: String,
    pub dob: Option<Date>,
    pub sex: Option<Sex>,
}

impl std::fmt::Debug for Visitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Visitor { .. }")
    }
}

impl From<&Identity> for Visitor {
    fn from(id: &Identity) -> Visitor {
        Visitor {
            last_name: id.last_name.clone(),
            first_name: id.first_name.clone(),
            middle_name: id.middle_name.clone().unwrap_or_default(),
            suffix: id.suffix.clone().unwrap_or_default(),
            dob: Some(id.dob),
            sex: id.sex,
        }
    }
}

impl Visitor {
    pub fn subject(&self) -> Subject {
        Subject {
            name: PersonName::new(
                &self.last_name,
                &self.first_name,
                &self.middle_name,
                &self.suffix,
            ),
            dob: self.dob,
            sex: self.sex,
        }
    }
}

/// A registry person or watchlist entry the visitor matched, flagged for staff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub record_id: String,
    /// The row that scored best (the primary name or an alias).
    pub row: RowId,
    pub alias: bool,
    pub assessment: Assessment,
    /// The registry name that matched, for the staff screen.
    pub name: NameRow,
}

const LAST: u8 = 1;
const FIRST: u8 = 2;
const MIDDLE: u8 = 4;
/// Not a name field: the row carries exactly the visitor's date of birth.
const SAME_DOB: u8 = 8;
const NAMES: u8 = LAST | FIRST | MIDDLE;

/// A name as lists print it: `LAST, FIRST MIDDLE SUFFIX` (the given names that exist).
pub fn listed_name(last: &str, first: &str, middle: &str, suffix: &str) -> String {
    let given: Vec<&str> = [first, middle, suffix]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if given.is_empty() {
        last.to_owned()
    } else {
        format!("{last}, {}", given.join(" "))
    }
}

/// Every record the visitor matches at or above [`THRESHOLD`], best first.
pub fn screen<I: RegistryIndex>(index: &I, visitor: &Visitor) -> Result<Vec<Candidate>, I::Error> {
    let subject = visitor.subject();
    let rows = candidate_rows(index, &subject)?;
    let mut best: HashMap<String, Candidate> = HashMap::new();
    for row_id in rows {
        let Some(row) = index.row(row_id)? else {
            continue;
        };
        let record = Subject {
            name: row.name(),
            dob: row.dob,
            sex: row.sex,
        };
        let assessment = score::assess(&subject, &record);
        if !assessment.flagged() {
            continue;
        }
        let candidate = Candidate {
            record_id: row.record_id.clone(),
            row: row_id,
            alias: row.alias,
            assessment,
            name: row,
        };
        match best.get(&candidate.record_id) {
            Some(kept) if kept.assessment.score >= candidate.assessment.score => {}
            _ => {
                best.insert(candidate.record_id.clone(), candidate);
            }
        }
    }
    let mut flagged: Vec<Candidate> = best.into_values().collect();
    sort_best_first(&mut flagged);
    Ok(flagged)
}

/// Highest score first; on equal scores a record whose sex agrees, then record id for stability.
pub fn sort_best_first(candidates: &mut [Candidate]) {
    candidates.sort_by(best_first);
}

/// The order of [`sort_best_first`].
pub fn best_first(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.assessment
        .score
        .cmp(&a.assessment.score)
        .then_with(|| sex_rank(b).cmp(&sex_rank(a)))
        .then_with(|| a.record_id.cmp(&b.record_id))
}

/// The key under which staff decisions about this visitor are remembered: normalised surname
/// and first name, date of birth, last four of the document (upper-case; empty when unknown).
pub fn identity_key(visitor: &Visitor, document_last4: Option<&str>) -> String {
    let name = PersonName::new(&visitor.last_name, &visitor.first_name, "", "");
    let dob = visitor.dob.map(|d| d.to_string()).unwrap_or_default();
    let last4 = document_last4
        .map(|s| normalise::fold(s).replace(' ', ""))
        .unwrap_or_default();
    format!("{}|{}|{dob}|{last4}", name.last.glued, name.first.glued)
}

fn sex_rank(c: &Candidate) -> u8 {
    match c.assessment.sex_agrees {
        Some(true) => 2,
        None => 1,
        Some(false) => 0,
    }
}

/// The rows that could reach the threshold (see the module docs, step 2).
pub fn candidate_rows<I: RegistryIndex>(
    index: &I,
    subject: &Subject,
) -> Result<Vec<RowId>, I::Error> {
    rows_reached(index, subject, false)
}

/// Every row the weighed evidence of [`lr`] may bring to its threshold, and the best weighed
/// row of each record at or above it, best first. Runs beside [`screen`] (which decides the
/// flag) until it is measured on every set.
pub fn screen_weighed<I: RegistryIndex>(
    index: &I,
    visitor: &Visitor,
) -> Result<Vec<(RowId, NameRow, lr::Weighed)>, I::Error> {
    screen_weighed_above(index, visitor, lr::THRESHOLD_BITS)
}

/// [`screen_weighed`] keeping every record at or above `floor` bits (to measure where the
/// threshold belongs).
pub fn screen_weighed_above<I: RegistryIndex>(
    index: &I,
    visitor: &Visitor,
    floor: f64,
) -> Result<Vec<(RowId, NameRow, lr::Weighed)>, I::Error> {
    let total = index.row_count()?;
    let mut shares: HashMap<String, f64> = HashMap::new();
    let mut error = None;
    let small = total <= SMALL_LIST;
    let mut share = |term: &str| -> f64 {
        if small {
            // a few hundred names say nothing about how common a name is: each is weighed as
            // a common one (the store weighs a school's list by the registry's frequencies)
            return UNWEIGHED_SHARE;
        }
        if let Some(&s) = shares.get(term) {
            return s;
        }
        let count = match term_rows(index, term) {
            Ok(c) => c,
            Err(e) => {
                error = Some(e);
                0
            }
        };
        // a value the list never carries is as rare as one row of it
        let s = f64::from(count.max(1)) / f64::from(total.max(1));
        shares.insert(term.to_owned(), s);
        s
    };
    let found = screen_weighed_by(index, visitor, &mut share, floor)?;
    match error {
        Some(e) => Err(e),
        None => Ok(found),
    }
}

/// How many name rows of `index` carry `term`.
pub fn term_rows<I: RegistryIndex>(index: &I, term: &str) -> Result<u32, I::Error> {
    match index.term_id(term)? {
        Some(id) => index.term_rows(id),
        None => Ok(0),
    }
}

/// [`screen_weighed`] with the names' shares (`u`) given by the caller: the store weighs the
/// registry by its own term frequencies and a school's short list as common names. Keeps the records at or above
/// `floor` bits (the threshold; lower only to measure where the threshold should be).
pub fn screen_weighed_by<I: RegistryIndex>(
    index: &I,
    visitor: &Visitor,
    share: &mut dyn FnMut(&str) -> f64,
    floor: f64,
) -> Result<Vec<(RowId, NameRow, lr::Weighed)>, I::Error> {
    let subject = visitor.subject();
    let total = index.row_count()?;
    // A school's own list (tens to hundreds of entries, often undated, typed by staff) is
    // small enough to weigh every entry: the phonetic and two-edit levels of [`lr`] then find
    // what no one-edit key would.
    let rows = if total <= SMALL_LIST {
        (0..total).collect()
    } else {
        let mut rows = rows_reached(index, &subject, true)?;
        rows.extend(blocked_rows(index, &subject)?);
        rows.sort_unstable();
        rows.dedup();
        rows
    };
    let mut best: HashMap<String, (RowId, NameRow, lr::Weighed)> = HashMap::new();
    for row_id in rows {
        let Some(row) = index.row(row_id)? else {
            continue;
        };
        let record = Subject {
            name: row.name(),
            dob: row.dob,
            sex: row.sex,
        };
        let weighed = lr::weigh(&subject, &record, total, share);
        if weighed.bits < floor {
            continue;
        }
        match best.get(&row.record_id) {
            Some((_, _, kept)) if kept.bits >= weighed.bits => {}
            _ => {
                best.insert(row.record_id.clone(), (row_id, row, weighed));
            }
        }
    }
    let mut out: Vec<_> = best.into_values().collect();
    out.sort_by(|a, b| {
        b.2.bits
            .total_cmp(&a.2.bits)
            .then_with(|| a.1.record_id.cmp(&b.1.record_id))
    });
    Ok(out)
}

/// Lists up to this many name rows are weighed whole by [`screen_weighed`] (a scan of a
/// thousand rows costs well under a millisecond); larger ones are searched through the index.
pub const SMALL_LIST: u32 = 1_000;
/// The share of a name in a small list with no registry to weigh it by: one in a hundred.
pub const UNWEIGHED_SHARE: f64 = 0.01;

/// The rows the blocking keys of [`index::block_terms`] reach: the visitor's date of birth
/// with the initial of any of their names (first and last read either way, a middle name as
/// the name they go by), and a surname that sounds like theirs born within a year. Index
/// lookups only; nothing when the index predates the keys or the visitor has no date.
fn blocked_rows<I: RegistryIndex>(index: &I, subject: &Subject) -> Result<Vec<RowId>, I::Error> {
    let mut rows = Vec::new();
    let Some(dob) = subject.dob else {
        return Ok(rows);
    };
    if index.term_id(index::BLOCKS_MARKER)?.is_none() {
        return Ok(rows);
    }
    let name = &subject.name;
    let mut initials: Vec<u8> = [&name.first, &name.last]
        .into_iter()
        .chain(name.middle.iter())
        .filter_map(|form| form.glued.as_bytes().first().copied())
        .collect();
    initials.sort_unstable();
    initials.dedup();
    let exact = [dob::key(Some(dob))];
    for initial in initials {
        if let Some(term) = index.term_id(&index::dob_initial_key(dob.year(), initial))? {
            index.with_postings(term, &mut |blob| {
                index::postings_with_dob(blob, &exact, |row| rows.push(row))
            })?;
        }
    }
    let mut near = dob::near_keys(dob);
    near.sort_unstable();
    near.dedup();
    let mut codes: Vec<String> = [&name.last, &name.first]
        .into_iter()
        .map(|form| normalise::soundex(&form.glued))
        .filter(|code| !code.is_empty())
        .collect();
    codes.dedup();
    for code in &codes {
        for year in dob.year() - 1..=dob.year() + 1 {
            if let Some(term) = index.term_id(&index::phonetic_year_key(year, code))? {
                index.with_postings(term, &mut |blob| {
                    index::postings_with_dob(blob, &near, |row| rows.push(row))
                })?;
            }
        }
    }
    Ok(rows)
}

/// `one_name_at_same_dob`: a row carrying exactly the visitor's date of birth needs only one of
/// the visitor's names (the other missing, replaced or swapped); otherwise two.
fn rows_reached<I: RegistryIndex>(
    index: &I,
    subject: &Subject,
    one_name_at_same_dob: bool,
) -> Result<Vec<RowId>, I::Error> {
    let name = &subject.name;
    let mut last_tokens = vec![name.last.glued.clone()];
    last_tokens.extend(name.last.parts.iter().cloned());
    let mut first_tokens = vec![name.first.glued.clone()];
    first_tokens.extend(name.first.parts.iter().cloned());
    let middle_tokens: Vec<String> = name
        .middle
        .iter()
        .filter(|m| !m.is_initial())
        .map(|m| m.glued.clone())
        .collect();
    let fields = [
        (LAST, expand(index, &last_tokens, false)?),
        (FIRST, expand(index, &first_tokens, true)?),
        (MIDDLE, expand(index, &middle_tokens, true)?),
    ];

    let mut rows: HashSet<RowId> = HashSet::new();
    if let Some(dob) = subject.dob {
        let near = dob::near_keys(dob);
        let mut hits: HashMap<RowId, u8> = HashMap::new();
        let exact = [dob::key(Some(dob))];
        for (field, terms) in &fields {
            for &term in terms {
                index.with_postings(term, &mut |blob| {
                    index::postings_with_dob(blob, &near, |row| {
                        *hits.entry(row).or_default() |= field
                    });
                    if one_name_at_same_dob {
                        index::postings_with_dob(blob, &exact, |row| {
                            *hits.entry(row).or_default() |= SAME_DOB
                        });
                    }
                })?;
            }
        }
        rows.extend(
            hits.into_iter()
                .filter(|(_, mask)| {
                    (mask & NAMES).count_ones() >= 2 || (mask & SAME_DOB != 0 && mask & NAMES != 0)
                })
                .map(|(row, _)| row),
        );
    }
    // Names only: rows with no date of birth, or every row when the visitor has none.
    let only_undated = subject.dob.is_some();
    let mut named: HashMap<RowId, u8> = HashMap::new();
    for &term in &fields[0].1 {
        index.with_postings(term, &mut |blob| {
            if only_undated {
                // postings are sorted by date, the undated ones first: a binary search, not a scan
                index::postings_with_dob(blob, &[dob::UNKNOWN], |row| {
                    named.insert(row, LAST);
                });
            } else {
                index::all_postings(blob, |_, row| {
                    named.insert(row, LAST);
                });
            }
        })?;
    }
    if !named.is_empty() {
        for (field, terms) in &fields[1..] {
            for &term in terms {
                index.with_postings(term, &mut |blob| {
                    let mut mark = |row| {
                        if let Some(mask) = named.get_mut(&row) {
                            *mask |= field;
                        }
                    };
                    if only_undated {
                        index::postings_with_dob(blob, &[dob::UNKNOWN], &mut mark);
                    } else {
                        index::all_postings(blob, |_, row| mark(row));
                    }
                })?;
            }
        }
        rows.extend(
            named
                .into_iter()
                .filter(|(_, mask)| *mask != LAST)
                .map(|(row, _)| row),
        );
    }
    let mut rows: Vec<RowId> = rows.into_iter().collect();
    rows.sort_unstable();
    Ok(rows)
}

/// The vocabulary terms a visitor's tokens may stand for: exact, one edit away, nicknames.
pub fn expand<I: RegistryIndex>(
    index: &I,
    tokens: &[String],
    given: bool,
) -> Result<Vec<TermId>, I::Error> {
    let mut terms: Vec<TermId> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for token in tokens.iter().filter(|t| t.len() > 1) {
        // a one-part name is its own glued form: expand it once
        if seen.contains(&token.as_str()) {
            continue;
        }
        seen.push(token);
        let exact = index.term_id(token)?;
        terms.extend(exact);
        if token.len() + 1 >= MIN_TYPO_LEN {
            let mut near: Vec<TermId> = Vec::new();
            for key in deletion_keys(token) {
                index.deletion_neighbours(stable_hash(&key), &mut |id, text| {
                    if Some(id) != exact && !near.contains(&id) && typo_apart(text, token) {
                        near.push(id);
                    }
                })?;
            }
            terms.extend(near);
        }
        if given {
            for related in nicknames::related(token) {
                terms.extend(index.term_id(&related)?);
            }
        }
    }
    terms.sort_unstable();
    terms.dedup();
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn row(
        id: &str,
        alias: bool,
        last: &str,
        first: &str,
        middle: &str,
        dob: Option<Date>,
    ) -> NameRow {
        NameRow {
            record_id: id.into(),
            alias,
            last_name: last.into(),
            first_name: first.into(),
            middle_name: middle.into(),
            suffix: String::new(),
            dob,
            sex: Some(Sex::M),
        }
    }

    fn visitor(last: &str, first: &str, middle: &str, dob: Option<Date>) -> Visitor {
        Visitor {
            last_name: last.into(),
            first_name: first.into(),
            middle_name: middle.into(),
            dob,
            ..Visitor::default()
        }
    }

    fn registry() -> MemoryIndex {
        let dob = Some(date!(1970 - 05 - 14));
        MemoryIndex::new(vec![
            row("MO-1", false, "HENDERSON", "WILLIAM", "JAMES", dob),
            row("MO-1", true, "HENDRICKS", "BILL", "", dob),
            row(
                "MO-2",
                false,
                "DE LA CRUZ",
                "ANA",
                "",
                Some(date!(1982 - 01 - 02)),
            ),
            row(
                "MO-3",
                false,
                "HENDERSON",
                "WILLIAM",
                "",
                Some(date!(1990 - 10 - 10)),
            ),
            row("MO-4", false, "OKAFOR", "CHIDI", "", None),
        ])
    }

    fn flagged(v: &Visitor) -> Vec<String> {
        screen(&registry(), v)
            .unwrap()
            .into_iter()
            .map(|c| c.record_id)
            .collect()
    }

    #[test]
    fn typo_nickname_and_alias_are_found() {
        let dob = Some(date!(1970 - 05 - 14));
        assert_eq!(
            flagged(&visitor("HENDERSEN", "WILLIAM", "", dob)),
            vec!["MO-1"]
        );
        assert_eq!(
            flagged(&visitor("HENDERSON", "BILL", "", dob)),
            vec!["MO-1"]
        );
        assert_eq!(
            flagged(&visitor("HENDRICKS", "WILLIAM", "", dob)),
            vec!["MO-1"]
        );
        assert_eq!(
            flagged(&visitor(
                "HENDERSON",
                "WILLIAM",
                "",
                Some(date!(1970 - 05 - 15))
            )),
            vec!["MO-1"]
        );
    }

    #[test]
    fn namesakes_born_years_apart_are_not_flagged() {
        assert!(flagged(&visitor(
            "HENDERSON",
            "WILLIAM",
            "",
            Some(date!(1961 - 08 - 30))
        ))
        .is_empty());
        assert!(flagged(&visitor(
            "PETERS",
            "WILLIAM",
            "",
            Some(date!(1970 - 05 - 14))
        ))
        .is_empty());
    }

    #[test]
    fn names_only_matching_without_a_date() {
        assert_eq!(
            flagged(&visitor("HENDERSON", "WILLIAM", "", None)),
            vec!["MO-1", "MO-3"]
        );
        // a registry row without a date is still reached by a dated visitor
        assert_eq!(
            flagged(&visitor("OKAFOR", "CHIDI", "", Some(date!(1979 - 02 - 03)))),
            vec!["MO-4"]
        );
        assert_eq!(flagged(&visitor("DELACRUZ", "ANA", "", None)), vec!["MO-2"]);
    }

    fn weighed(index: &MemoryIndex, v: &Visitor) -> Vec<String> {
        let Ok(found) = screen_weighed(index, v);
        found.into_iter().map(|(_, row, _)| row.record_id).collect()
    }

    /// More rows than [`SMALL_LIST`], so the index (not a scan) finds the candidates.
    fn large_registry() -> MemoryIndex {
        let mut rows = Vec::new();
        for i in 0..1_500u32 {
            let dob = Date::from_ordinal_date(1950 + (i % 40) as i32, 1 + (i % 365) as u16).ok();
            rows.push(row(
                &format!("F-{i}"),
                false,
                &format!("FILLER{}", (b'A' + (i % 26) as u8) as char),
                &format!("NAME{}", (b'A' + (i / 26 % 26) as u8) as char),
                "",
                dob,
            ));
        }
        rows.push(row(
            "MO-7",
            false,
            "SCHWARZENEGGER",
            "KATHERINE",
            "",
            Some(date!(1971 - 06 - 02)),
        ));
        MemoryIndex::new(rows)
    }

    #[test]
    fn blocking_keys_reach_names_mangled_beyond_one_edit() {
        let index = large_registry();
        assert!(index.rows().len() as u32 > SMALL_LIST);
        // both names two edits off, the date right: date of birth + first initial
        let v = visitor(
            "SCHWARTSENEGER",
            "KATHRYNE",
            "",
            Some(date!(1971 - 06 - 02)),
        );
        assert!(candidate_rows(&index, &v.subject()).unwrap().is_empty());
        assert_eq!(weighed(&index, &v), vec!["MO-7"]);
        // a surname respelled, the date a year off: sounds-like surname + birth year
        let v = visitor("SHWARZENEGER", "KATHERINE", "", Some(date!(1972 - 06 - 02)));
        assert_eq!(weighed(&index, &v), vec!["MO-7"]);
        // a stranger born that day is not flagged
        let v = visitor("OKONKWO", "KEVIN", "", Some(date!(1971 - 06 - 02)));
        assert!(weighed(&index, &v).is_empty());
    }

    #[test]
    fn a_short_list_is_searched_by_sound_and_two_edits() {
        let mut rows: Vec<NameRow> = (0..99u8)
            .map(|i| {
                let tag = format!("{}{}", (b'A' + i % 26) as char, (b'A' + i / 26) as char);
                row(
                    &format!("W-F{i}"),
                    false,
                    &format!("FILL{tag}"),
                    &format!("ER{tag}"),
                    "",
                    None,
                )
            })
            .collect();
        rows.push(row("W-1", false, "SCHMIDT", "CATHERINE", "", None));
        let list = MemoryIndex::new(rows);
        for (last, first) in [
            ("SHMIT", "CATHERINE"),
            ("SCHMIDT", "KATHRINE"),
            ("SCHMITT", "CATHRINE"),
        ] {
            let v = visitor(last, first, "", Some(date!(1980 - 01 - 01)));
            assert_eq!(weighed(&list, &v), vec!["W-1"], "{last} {first}");
        }
        let v = visitor("SCHMIDT", "ROBERT", "", Some(date!(1980 - 01 - 01)));
        assert!(weighed(&list, &v).is_empty());
    }

    #[test]
    fn the_best_row_of_a_person_counts_once() {
        let found = screen(
            &registry(),
            &visitor("HENDERSON", "WILLIAM", "JAMES", Some(date!(1970 - 05 - 14))),
        )
        .unwrap();
        assert_eq!(found.len(), 1);
        assert!(!found[0].alias);
        assert_eq!(found[0].assessment.score, 100);
    }
}
