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
pub mod nicknames;
pub mod normalise;
pub mod score;
pub mod synth;

use std::collections::{HashMap, HashSet};

use time::Date;

pub use index::{MemoryIndex, NameRow, RegistryIndex, RowId, TermId};
pub use normalise::PersonName;
pub use score::{Assessment, Subject, THRESHOLD};

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
        for (field, terms) in &fields {
            for &term in terms {
                index.with_postings(term, &mut |blob| {
                    index::postings_with_dob(blob, &near, |row| {
                        *hits.entry(row).or_default() |= field
                    });
                })?;
            }
        }
        rows.extend(
            hits.into_iter()
                .filter(|(_, mask)| mask.count_ones() >= 2)
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
