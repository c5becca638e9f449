//! May this cleared adult take this student out of school? Pure.
//!
//! Two conditions, both required: the SIS lists the adult as one of the student's guardians, and
//! no custody-order watchlist entry names the adult for that student (an entry with a
//! `student_id` blocks pickup of that student only; one without blocks pickup of every student).
//! Anything else sends the adult to the office. The reason is for the audit trail and the office
//! staff, never for the visitor's screen: the kiosk says the same neutral thing either way, so it
//! does not tell a non-custodial parent that a court order exists.
//!
//! Names are compared the way screening normalises them ([`crate::screening::normalise`]), but
//! strictly, because a match here opens a door rather than raising a flag: the surnames agree
//! (spelling variants of a compound or particle surname agree; `GARCIA` agrees with
//! `GARCIA LOPEZ`), the first names are equal or one is a nickname of the other (`BOB` /
//! `ROBERT`, from [`crate::screening::nicknames`]), middle names count only when both are present
//! (an initial agrees with a name it starts), and suffixes only when both are present. No typo
//! tolerance: a near miss goes to the office.

use super::Guardian;
use crate::identity::Identity;
use crate::screening::nicknames::{relation, Relation};
use crate::screening::normalise::{NameForm, PersonName};
use crate::store::screener::{Flag, Source};

/// The watchlist `list` whose entries are custody orders.
pub const CUSTODY_LIST: &str = "custody";

/// A custody-order watchlist entry the screening engine matched to the adult.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustodyEntry {
    /// The watchlist `entry_id`, for the audit.
    pub entry_id: String,
    /// The student the order is about; `None`: every student.
    pub student_id: Option<String>,
}

impl CustodyEntry {
    /// The custody entries among the flags [`crate::store::Screener::screen`] raised for the
    /// adult (other lists and registry records are not this rule's business).
    pub fn from_flags(flags: &[Flag]) -> Vec<CustodyEntry> {
        flags
            .iter()
            .filter(|f| f.source == Source::Watchlist)
            .filter_map(|f| {
                let entry = f.watchlist.as_ref()?;
                (entry.list == CUSTODY_LIST).then(|| CustodyEntry {
                    entry_id: f.candidate.record_id.clone(),
                    student_id: entry.student_id.clone(),
                })
            })
            .collect()
    }

    /// Whether this entry bars pickup of the student with `student_id`.
    pub fn covers(&self, student_id: &str) -> bool {
        self.student_id
            .as_deref()
            .is_none_or(|id| same_student_id(id, student_id))
    }
}

/// Whether two student ids name one student ([`super::canonical_student_id`]).
pub fn same_student_id(a: &str, b: &str) -> bool {
    super::canonical_student_id(a) == super::canonical_student_id(b)
}

/// What the kiosk does with the adult.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pickup {
    /// The adult is the guardian at this index of the list handed in.
    Allowed { guardian: usize },
    /// "Please see the front office": the same words for every reason.
    SendToOffice(OfficeReason),
}

/// Why the adult was sent to the office: for the audit and staff, never the visitor's screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfficeReason {
    /// A custody-order entry names the adult for this student (or for every student).
    CustodyOrder { entry_id: String },
    /// The SIS lists no guardian for the student.
    NoGuardiansListed,
    /// None of the student's listed guardians is this adult.
    NotAListedGuardian,
}

impl OfficeReason {
    /// A short code for the audit trail (no names).
    pub fn code(&self) -> &'static str {
        match self {
            OfficeReason::CustodyOrder { .. } => "custody_order",
            OfficeReason::NoGuardiansListed => "no_guardians_listed",
            OfficeReason::NotAListedGuardian => "not_a_listed_guardian",
        }
    }
}

/// The rule: custody orders first (they win over a guardian listing), then the guardian list.
pub fn decide(
    adult: &Identity,
    student_id: &str,
    guardians: &[Guardian],
    custody: &[CustodyEntry],
) -> Pickup {
    let adult = PersonName::new(
        &adult.last_name,
        &adult.first_name,
        adult.middle_name.as_deref().unwrap_or(""),
        adult.suffix.as_deref().unwrap_or(""),
    );
    decide_named(&adult, student_id, guardians, custody)
}

/// [`decide`] for an adult known by name (the kiosk holds the screened visitor, not the ID).
pub fn decide_named(
    adult: &PersonName,
    student_id: &str,
    guardians: &[Guardian],
    custody: &[CustodyEntry],
) -> Pickup {
    if let Some(entry) = custody.iter().find(|c| c.covers(student_id)) {
        return Pickup::SendToOffice(OfficeReason::CustodyOrder {
            entry_id: entry.entry_id.clone(),
        });
    }
    if guardians.is_empty() {
        return Pickup::SendToOffice(OfficeReason::NoGuardiansListed);
    }
    match guardians
        .iter()
        .position(|g| same_person(adult, &guardian_name(g)))
    {
        Some(guardian) => Pickup::Allowed { guardian },
        None => Pickup::SendToOffice(OfficeReason::NotAListedGuardian),
    }
}

/// A guardian's name as screening sees it (a suffix written into the surname is split off).
pub fn guardian_name(guardian: &Guardian) -> PersonName {
    PersonName::new(
        &guardian.family_name,
        &guardian.given_name,
        &guardian.middle_name,
        "",
    )
}

/// Whether the name on the ID and the name the SIS lists are the same person's.
pub fn same_person(id: &PersonName, listed: &PersonName) -> bool {
    surnames_agree(&id.last, &listed.last)
        && first_names_agree(&id.first, &listed.first)
        && middle_names_agree(&id.middle, &listed.middle)
        && match (&id.suffix, &listed.suffix) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

/// Equal once folded and glued (`DE LA CRUZ` = `DELACRUZ`), or one compound surname holds every
/// part of the other (`GARCIA` / `GARCIA LOPEZ`). Never an empty surname.
pub fn surnames_agree(a: &NameForm, b: &NameForm) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a.glued == b.glued {
        return true;
    }
    let (short, long) = if a.parts.len() <= b.parts.len() {
        (a, b)
    } else {
        (b, a)
    };
    short
        .parts
        .iter()
        .all(|p| p.len() > 1 && long.parts.contains(p))
}

/// The first given names are equal, or one is a nickname of the other. Never an empty name,
/// never an initial standing for a name.
pub fn first_names_agree(a: &NameForm, b: &NameForm) -> bool {
    let (Some(x), Some(y)) = (a.tokens.first(), b.tokens.first()) else {
        return false;
    };
    x == y || a.glued == b.glued || relation(x, y) == Some(Relation::Direct)
}

/// Middle names matter only when both sides have one: then the first of each must agree (an
/// initial agrees with a name that starts with it).
pub fn middle_names_agree(a: &[NameForm], b: &[NameForm]) -> bool {
    let (Some(x), Some(y)) = (a.first(), b.first()) else {
        return true;
    };
    if x.is_initial() || y.is_initial() {
        x.glued.chars().next() == y.glued.chars().next()
    } else {
        x.glued == y.glued
    }
}

#[cfg(test)]
mod tests;
