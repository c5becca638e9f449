//! Scoring one registry name against the visitor, field by field, with the reasons staff see.
//!
//! Points (0-100, clamped, rounded down). Names: last 30, first 30, middle 15 (only when both
//! sides have one), each scaled by how the names agree: exact 1.0, nickname 0.9 (0.8 for two
//! nicknames of one formal name), one typo 0.85 (0.75 when the typo is in the first letter), one
//! part of a compound surname 0.95, first name found as the other side's middle name 0.9, middle
//! initial 0.6. Dates of birth: exact 30, day/month transposed 26, a day off 25, a year off 25,
//! one digit off 12, unknown on either side 19, different -30. A middle name or suffix that
//! contradicts costs 10 (20 when the visitor goes by the record's middle name: the ID then names
//! another given name and omits the record's first). Every difference beyond the first costs 10
//! more: an inexact agreement (a typo AND a day off) or a contradiction (another middle name AND
//! a year off; a nickname AND another sex). Sex adds no points: alone it only orders candidates
//! with equal scores.
//!
//! [`THRESHOLD`] (75) is the one rule that flags: it needs two names AND a near date of birth,
//! or first + middle + exact date of birth (a married name), or, with no date on one side, last +
//! first name agreeing exactly, by nickname or by the middle name (a typo then needs the middle
//! name to corroborate it); with at most one difference. First name + date of birth alone (60),
//! or a namesake born years apart (30), never flags: that is what keeps ordinary parents out of the
//! office.

use time::Date;

use super::dob::{self, DobMatch};
use super::nicknames;
use super::normalise::{typo_apart, NameForm, PersonName};
use crate::identity::Sex;

/// A candidate at or above this score is handed to staff. Chosen by `vestibule registry bench`
/// (see README): every variant class of a true match reaches it, first name + date of birth alone
/// and namesakes born years apart do not.
pub const THRESHOLD: u8 = 75;

const LAST: f32 = 30.0;
const FIRST: f32 = 30.0;
const MIDDLE: f32 = 15.0;
const CONTRADICTION: f32 = -10.0;
/// Reading the visitor's first/last name the other way round costs a little.
const SWAPPED: f32 = -5.0;
/// Each difference beyond the first (see [`is_difference`]) costs as much as a contradiction.
const STACKED: f32 = CONTRADICTION;

/// A difference between the two: an agreement that is not exact (a typo, nickname, part of a
/// name, a name found in another field, a swapped reading, a date of birth a day, a year or a
/// digit off) or a contradiction (another middle name, suffix or sex). A contradiction alone
/// costs its own points only: a registry row's middle name or sex is sometimes wrong. Missing
/// data is not counted, nor a transposed date: like the exact date it is one single day, so it
/// does not widen who can match (a typo AND a transposed date are still flagged).
fn is_difference(reason: &str) -> bool {
    matches!(
        reason,
        "last:typo"
            | "last:part"
            | "first:nickname"
            | "first:typo"
            | "first:middle"
            | "first:part"
            | "swapped"
            | "dob:day-off"
            | "dob:year-off"
            | "dob:digit-off"
            | "middle:different"
            | "suffix:different"
            | "sex:different"
    )
}

/// The facts compared: a visitor or one registry name.
#[derive(Clone, Debug)]
pub struct Subject {
    pub name: PersonName,
    pub dob: Option<Date>,
    pub sex: Option<Sex>,
}

/// The outcome for one registry name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    pub score: u8,
    pub reasons: Vec<&'static str>,
    /// Both sexes known and equal / different; `None` when either is unknown.
    pub sex_agrees: Option<bool>,
}

impl Assessment {
    pub fn flagged(&self) -> bool {
        self.score >= THRESHOLD
    }
}

pub fn assess(visitor: &Subject, record: &Subject) -> Assessment {
    let mut names = names_points(&visitor.name, &record.name);
    if let Some(mut swapped) = swapped_points(&visitor.name, &record.name) {
        if swapped.0 + SWAPPED > names.0 {
            swapped.0 += SWAPPED;
            swapped.1.push("swapped");
            names = swapped;
        }
    }
    let (mut points, mut reasons) = names;
    let dob = dob::compare(visitor.dob, record.dob);
    points += dob_points(dob);
    reasons.push(dob.reason());
    let sex_agrees = match (visitor.sex, record.sex) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    };
    match sex_agrees {
        Some(true) => reasons.push("sex"),
        Some(false) => reasons.push("sex:different"),
        None => {}
    }
    // One difference is a slip; two at once (a typo AND a day off, a nickname AND a year off,
    // another middle name AND a year off, a nickname AND another sex) is more often another
    // person with a common name.
    let differences = reasons.iter().filter(|r| is_difference(r)).count();
    if differences > 1 {
        points += STACKED * (differences - 1) as f32;
        reasons.push("several-differences");
    }
    Assessment {
        // floor: a score reaches the threshold only when its points do (74.5 is not 75)
        score: points.floor().clamp(0.0, 100.0) as u8,
        reasons,
        sex_agrees,
    }
}

fn dob_points(dob: DobMatch) -> f32 {
    match dob {
        DobMatch::Exact => 30.0,
        DobMatch::Transposed => 26.0,
        DobMatch::DayOff | DobMatch::YearOff => 25.0,
        DobMatch::DigitOff => 12.0,
        // Just short of an exact, nickname or goes-by-middle agreement of both names flagging
        // on its own: a typo needs a date (or middle name) to corroborate it.
        DobMatch::Unknown => 19.0,
        DobMatch::Different => -30.0,
    }
}

type Points = (f32, Vec<&'static str>);

fn names_points(visitor: &PersonName, record: &PersonName) -> Points {
    let mut points = 0.0;
    let mut reasons = Vec::new();
    if let Some((sim, reason)) = surname_similarity(&visitor.last, &record.last) {
        points += LAST * sim;
        reasons.push(reason);
    }
    // Each way of reading the given names is scored whole (a first name met through a middle
    // name changes which middle names are left to agree), and the best reading counts.
    let options = first_options(visitor, record);
    let given = if options.is_empty() {
        given_points(visitor, record, None)
    } else {
        options
            .into_iter()
            .map(|option| given_points(visitor, record, Some(option)))
            .fold(None, |best: Option<Points>, p| match best {
                Some(b) if b.0 >= p.0 => Some(b),
                _ => Some(p),
            })
            .unwrap_or_default()
    };
    points += given.0;
    reasons.extend(given.1);
    if let (Some(a), Some(b)) = (&visitor.suffix, &record.suffix) {
        if a != b {
            points += CONTRADICTION;
            reasons.push("suffix:different");
        }
    }
    (points, reasons)
}

/// First and middle names, the first name read one way (`first`).
fn given_points(
    visitor: &PersonName,
    record: &PersonName,
    first: Option<(f32, &'static str, Used)>,
) -> Points {
    let mut points = 0.0;
    let mut reasons = Vec::new();
    if let Some((sim, reason, _)) = first {
        points += FIRST * sim;
        reasons.push(reason);
    }
    // The middle names left once the first name has been matched (it may have used one).
    let used = first.map(|(_, _, used)| used).unwrap_or(Used::Nothing);
    let visitor_middle: Vec<&NameForm> = match used {
        // the record goes by the visitor's middle name: the visitor's first name is then one of
        // the record's other given names, or contradicts them
        Used::VisitorMiddle(i) => visitor
            .middle
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, m)| m)
            .chain(std::iter::once(&visitor.first))
            .collect(),
        _ => visitor.middle.iter().collect(),
    };
    let record_middle: Vec<&NameForm> = match used {
        // the visitor goes by the middle name: their middle (initial) may be the record's first
        Used::RecordMiddle(i) => record
            .middle
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, m)| m)
            .chain(std::iter::once(&record.first))
            .collect(),
        _ => record.middle.iter().collect(),
    };
    if !visitor_middle.is_empty() && !record_middle.is_empty() {
        match middle_similarity(&visitor_middle, &record_middle) {
            Some((sim, reason)) => {
                points += MIDDLE * sim;
                reasons.push(reason);
            }
            // The visitor goes by the record's middle name, yet the ID's own middle name is
            // not the record's first: the ID names a different given name AND omits one.
            None if matches!(used, Used::RecordMiddle(_)) => {
                points += 2.0 * CONTRADICTION;
                reasons.push("middle:different");
            }
            None => {
                points += CONTRADICTION;
                reasons.push("middle:different");
            }
        }
    }
    (points, reasons)
}

/// The visitor's names read as `first last` the other way round (a form filled in wrongly).
fn swapped_points(visitor: &PersonName, record: &PersonName) -> Option<Points> {
    if visitor.first.is_empty() || visitor.last.is_empty() {
        return None;
    }
    let swapped = PersonName {
        last: visitor.first.clone(),
        first: visitor.last.clone(),
        middle: visitor.middle.clone(),
        suffix: visitor.suffix.clone(),
    };
    // Only worth it when the plain reading misses one of the two names.
    let plain_last = surname_similarity(&visitor.last, &record.last).is_some();
    let plain_first = first_similarity(visitor, record).is_some();
    (!(plain_last && plain_first)).then(|| names_points(&swapped, record))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Exact,
    Nickname,
    /// Two nicknames of one formal name (`BOB` / `ROB`).
    SiblingNickname,
    /// One edit, the first letter kept (most slips: people rarely mistype the first letter).
    Typo,
    /// One edit in the first letter: weaker evidence (`MELTON` / `FELTON` are two surnames).
    TypoInitial,
}

/// How two name tokens agree; `given` allows nicknames.
fn token_match(a: &str, b: &str, given: bool) -> Option<Kind> {
    if a.is_empty() || b.is_empty() {
        None
    } else if a == b {
        Some(Kind::Exact)
    } else if let Some(relation) = given.then(|| nicknames::relation(a, b)).flatten() {
        Some(match relation {
            nicknames::Relation::Direct => Kind::Nickname,
            nicknames::Relation::Siblings => Kind::SiblingNickname,
        })
    } else if typo_apart(a, b) {
        Some(if a.as_bytes()[0] == b.as_bytes()[0] {
            Kind::Typo
        } else {
            Kind::TypoInitial
        })
    } else {
        None
    }
}

fn kind_weight(kind: Kind) -> f32 {
    match kind {
        Kind::Exact => 1.0,
        Kind::Nickname => 0.9,
        Kind::SiblingNickname => 0.8,
        Kind::Typo => 0.85,
        Kind::TypoInitial => 0.75,
    }
}

fn surname_similarity(visitor: &NameForm, record: &NameForm) -> Option<(f32, &'static str)> {
    let whole = token_match(&visitor.glued, &record.glued, false).map(|kind| match kind {
        Kind::Exact => (1.0, "last"),
        _ => (kind_weight(kind), "last:typo"),
    });
    if matches!(whole, Some((w, _)) if w >= 1.0) {
        return whole;
    }
    // A compound surname matches on any one part (GARCIA LOPEZ / LOPEZ, DE LA CRUZ / CRUZ).
    let compound = visitor.parts.len() > 1
        || record.parts.len() > 1
        || visitor.parts != visitor.tokens
        || record.parts != record.tokens;
    let mut best = whole;
    if compound {
        for a in &visitor.parts {
            for b in &record.parts {
                if let Some(kind) = token_match(a, b, false) {
                    let sim = 0.95 * kind_weight(kind);
                    if best.is_none_or(|(w, _)| sim > w) {
                        best = Some((sim, "last:part"));
                    }
                }
            }
        }
    }
    best
}

/// Which middle name the first-name match used, so it is not counted twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Used {
    Nothing,
    RecordMiddle(usize),
    VisitorMiddle(usize),
}

fn first_similarity(
    visitor: &PersonName,
    record: &PersonName,
) -> Option<(f32, &'static str, Used)> {
    first_options(visitor, record)
        .into_iter()
        .fold(None, |best, option| match best {
            Some((w, _, _)) if w >= option.0 => best,
            _ => Some(option),
        })
}

/// Every way the visitor's first name meets the record: directly, or one of them going by
/// the other's middle name. An exact first name is the only reading worth taking.
fn first_options(visitor: &PersonName, record: &PersonName) -> Vec<(f32, &'static str, Used)> {
    let direct = given_match(&visitor.first, &record.first)
        .map(|(sim, reason)| (sim, reason, Used::Nothing));
    if let Some(exact @ (w, _, _)) = direct {
        if w >= 1.0 {
            return vec![exact];
        }
    }
    let mut options: Vec<_> = direct.into_iter().collect();
    // Goes by the middle name: the visitor's first is the record's middle, or the other way.
    for (i, middle) in record.middle.iter().enumerate() {
        if let Some((sim, _)) = given_match(&visitor.first, middle) {
            options.push((0.9 * sim, "first:middle", Used::RecordMiddle(i)));
        }
    }
    for (i, middle) in visitor.middle.iter().enumerate() {
        if let Some((sim, _)) = given_match(middle, &record.first) {
            options.push((0.9 * sim, "first:middle", Used::VisitorMiddle(i)));
        }
    }
    options
}

fn given_match(a: &NameForm, b: &NameForm) -> Option<(f32, &'static str)> {
    if a.is_initial() || b.is_initial() {
        return None;
    }
    if let Some(kind) = token_match(&a.glued, &b.glued, true) {
        return Some(match kind {
            Kind::Exact => (1.0, "first"),
            Kind::Nickname | Kind::SiblingNickname => (kind_weight(kind), "first:nickname"),
            Kind::Typo | Kind::TypoInitial => (kind_weight(kind), "first:typo"),
        });
    }
    // `MARY ANN` / `MARY`: one given name of several
    if a.tokens.len() > 1 || b.tokens.len() > 1 {
        for x in &a.tokens {
            for y in &b.tokens {
                if x.len() > 1 && y.len() > 1 && x == y {
                    return Some((0.9, "first:part"));
                }
            }
        }
    }
    None
}

fn middle_similarity(visitor: &[&NameForm], record: &[&NameForm]) -> Option<(f32, &'static str)> {
    let mut best: Option<(f32, &'static str)> = None;
    for a in visitor {
        for b in record {
            let found = if a.is_initial() || b.is_initial() {
                (a.glued.as_bytes().first() == b.glued.as_bytes().first())
                    .then_some((0.6, "middle:initial"))
            } else {
                token_match(&a.glued, &b.glued, true).map(|kind| match kind {
                    Kind::Exact => (1.0, "middle"),
                    Kind::Nickname | Kind::SiblingNickname => {
                        (kind_weight(kind), "middle:nickname")
                    }
                    Kind::Typo | Kind::TypoInitial => (kind_weight(kind), "middle:typo"),
                })
            };
            if let Some((sim, reason)) = found {
                if best.is_none_or(|(w, _)| sim > w) {
                    best = Some((sim, reason));
                }
            }
        }
    }
    best
}

/// KeepnTrack's published scheme, for comparison only: exact last 25, middle 14, first 35,
/// date of birth exact 22 / within a year 15, sex 4; it flags at 40.
pub mod keepntrack {
    use super::Subject;

    pub const THRESHOLD: u8 = 40;

    pub fn score(visitor: &Subject, record: &Subject) -> u8 {
        let (v, r) = (&visitor.name, &record.name);
        let mut points = 0u8;
        if !v.last.is_empty() && v.last.glued == r.last.glued {
            points += 25;
        }
        let middle = |n: &super::PersonName| n.middle.first().map(|m| m.glued.clone());
        if middle(v).is_some() && middle(v) == middle(r) {
            points += 14;
        }
        if !v.first.is_empty() && v.first.glued == r.first.glued {
            points += 35;
        }
        if let (Some(a), Some(b)) = (visitor.dob, record.dob) {
            if a == b {
                points += 22;
            } else if (a - b).whole_days().abs() <= 365 {
                points += 15;
            }
        }
        if visitor.sex.is_some() && visitor.sex == record.sex {
            points += 4;
        }
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn subject(last: &str, first: &str, middle: &str, dob: Option<Date>) -> Subject {
        Subject {
            name: PersonName::new(last, first, middle, ""),
            dob,
            sex: Some(Sex::M),
        }
    }

    const DOB: Option<Date> = Some(date!(1975 - 03 - 07));

    fn score(visitor: &Subject, record: &Subject) -> u8 {
        assess(visitor, record).score
    }

    #[test]
    fn every_variant_class_reaches_the_threshold() {
        let record = subject("MCDONALD", "ROBERT", "JAMES", DOB);
        let cases = [
            subject("MCDONALD", "ROBERT", "JAMES", DOB),
            subject("MCDONALD", "ROBERT", "", DOB),
            subject("MCDONALD", "ROBERT", "J", DOB),
            subject("MCDONALD", "BOB", "", DOB),
            subject("MACDONALD", "ROBERT", "", DOB),
            subject("MCDONALD", "ROBRET", "", DOB),
            subject("MC DONALD", "ROBERT", "", DOB),
            subject("MCDONALD", "JAMES", "", DOB),
            subject("SMITH", "ROBERT", "JAMES", DOB),
            subject("MCDONALD", "ROBERT", "", Some(date!(1975 - 07 - 03))),
            subject("MCDONALD", "ROBERT", "", Some(date!(1975 - 03 - 08))),
            subject("MCDONALD", "ROBERT", "", Some(date!(1976 - 03 - 07))),
            subject("MCDONALD", "ROBERT", "", None),
            subject("MCDONALD", "ROBERT", "JAMES", Some(date!(1985 - 03 - 07))),
        ];
        for visitor in cases {
            let a = assess(&visitor, &record);
            assert!(a.flagged(), "{:?} -> {a:?}", visitor.name);
        }
    }

    #[test]
    fn compound_and_particle_surnames_match_in_part() {
        let record = subject("GARCIA-LOPEZ", "MARIA", "", DOB);
        assert!(score(&subject("LOPEZ", "MARIA", "", DOB), &record) >= THRESHOLD);
        assert!(score(&subject("GARCIA LOPEZ", "MARIA", "", DOB), &record) >= THRESHOLD);
        let particle = subject("DE LA CRUZ", "ANA", "", DOB);
        assert!(score(&subject("DELACRUZ", "ANA", "", DOB), &particle) >= THRESHOLD);
        assert!(score(&subject("CRUZ", "ANA", "", DOB), &particle) >= THRESHOLD);
        let apostrophe = subject("O'BRIEN", "SEAN", "", DOB);
        assert_eq!(
            score(&subject("OBRIEN", "SEAN", "", DOB), &apostrophe),
            60 + 30
        );
    }

    #[test]
    fn ordinary_parents_are_not_flagged() {
        let record = subject("JOHNSON", "MICHAEL", "DAVID", DOB);
        // shares a first name and a birthday
        assert!(!assess(&subject("PETERSON", "MICHAEL", "", DOB), &record).flagged());
        // shares a surname and a birthday
        assert!(!assess(&subject("JOHNSON", "KEVIN", "", DOB), &record).flagged());
        // a namesake born years apart
        assert!(!assess(
            &subject("JOHNSON", "MICHAEL", "DAVID", Some(date!(1988 - 11 - 02))),
            &record
        )
        .flagged());
        // name and a one-digit-off date, nothing else
        assert!(!assess(
            &subject("JOHNSON", "MICHAEL", "", Some(date!(1985 - 03 - 07))),
            &record
        )
        .flagged());
        // first name, middle initial and birthday (a married name needs the full middle name)
        assert!(!assess(&subject("PETERSON", "MICHAEL", "D", DOB), &record).flagged());
    }

    #[test]
    fn two_differences_at_once_cost_more_than_one() {
        let record = subject("SMITH", "WILLIAM", "", DOB);
        // one difference at a time is flagged
        assert!(assess(&subject("SMITXH", "WILLIAM", "", DOB), &record).flagged());
        let day_off = Some(date!(1975 - 03 - 08));
        assert!(assess(&subject("SMITH", "WILLIAM", "", day_off), &record).flagged());
        // a typo and a day off together are not
        let both = assess(&subject("SMITXH", "WILLIAM", "", day_off), &record);
        assert!(!both.flagged(), "{both:?}");
        assert!(both.reasons.contains(&"several-differences"));
        // a nickname and a year off together neither (the price of fewer false alarms)
        let record = subject("MCDONALD", "ROBERT", "JAMES", DOB);
        let year_off = Some(date!(1976 - 03 - 07));
        assert!(!assess(&subject("MCDONALD", "BOB", "", year_off), &record).flagged());
    }

    #[test]
    fn a_record_known_by_the_visitors_middle_name_must_not_contradict_their_first() {
        // JAMES CODY MOORE is not ROBERT JIM MOORE, though JIM is a JAMES
        let record = subject("MOORE", "JAMES", "CODY", DOB);
        assert!(!assess(&subject("MOORE", "ROBERT", "JIM", DOB), &record).flagged());
        // a registry that lists ROBERT JAMES MOORE by his middle name alone still flags him
        let by_middle = subject("MOORE", "JAMES", "", DOB);
        assert!(assess(&subject("MOORE", "ROBERT", "JAMES", DOB), &by_middle).flagged());
    }

    #[test]
    fn the_id_naming_another_middle_name_rules_out_going_by_the_records_middle() {
        // the ID says JOHN DAVID JONES; MATTHEW JOHN JONES's ID would say MATTHEW
        let record = subject("JONES", "MATTHEW", "JOHN", DOB);
        assert!(!assess(&subject("JONES", "JOHN", "DAVID", DOB), &record).flagged());
        // the ID without a middle name still meets him by the name he goes by
        assert!(assess(&subject("JONES", "JOHN", "", DOB), &record).flagged());
    }

    #[test]
    fn a_contradiction_on_top_of_another_difference_is_another_person() {
        let record = Subject {
            name: PersonName::new("LANE", "JOHN", "FRANK", ""),
            dob: DOB,
            sex: Some(Sex::M),
        };
        let visitor = |middle: &str, dob: Option<Date>, sex: Sex| Subject {
            name: PersonName::new("LANE", "JOHN", middle, ""),
            dob,
            sex: Some(sex),
        };
        let year_off = Some(date!(1976 - 03 - 07));
        // one contradiction alone still reaches staff: registry rows carry errors
        assert!(assess(&visitor("MICHAEL", DOB, Sex::M), &record).flagged());
        assert!(assess(&visitor("FRANK", DOB, Sex::F), &record).flagged());
        assert!(assess(&visitor("", year_off, Sex::M), &record).flagged());
        // two at once do not
        let two = assess(&visitor("MICHAEL", year_off, Sex::M), &record);
        assert!(
            !two.flagged() && two.reasons.contains(&"several-differences"),
            "{two:?}"
        );
        let paul = Subject {
            name: PersonName::new("BRADSHAW", "PAUL", "HARLAN", ""),
            dob: DOB,
            sex: Some(Sex::M),
        };
        let mary = Subject {
            name: PersonName::new("BRADSHAW", "MARY", "", ""),
            dob: DOB,
            sex: Some(Sex::F),
        };
        assert!(
            !assess(&mary, &paul).flagged(),
            "{:?}",
            assess(&mary, &paul)
        );
    }

    #[test]
    fn the_given_names_are_read_whichever_way_agrees_best() {
        // STEPHIE and STEVIE shorten one name and the middle names agree; reading STEVEN as the
        // name the visitor goes by would leave STEPHIE contradicting the record's middle name
        let record = subject("RHODES", "STEVIE", "STEVEN", DOB);
        let a = assess(&subject("RHODES", "STEPHIE", "STEVEN", DOB), &record);
        assert!(a.flagged(), "{a:?}");
        assert!(a.reasons.contains(&"middle"), "{a:?}");
    }

    #[test]
    fn without_a_date_the_names_must_agree_exactly_by_nickname_or_middle_name() {
        let undated = subject("WALKER", "ROBERT", "", None);
        for (last, first, middle) in [
            ("WALKER", "ROBERT", "JAMES"),
            ("WALKER", "BOB", ""),
            ("WALKER", "JAMES", "ROBERT"),
        ] {
            let a = assess(&subject(last, first, middle, DOB), &undated);
            assert!(a.flagged(), "{first} {last}: {a:?}");
        }
        // a typo or a nickname's sibling needs a date to corroborate it
        for (last, first) in [
            ("WALKER", "ROBERTO"),
            ("WALKEN", "ROBERT"),
            ("WALKER", "MARY"),
        ] {
            let record = subject("WALKER", first, "", None);
            let visitor = subject(
                last,
                if first == "MARY" { "PAUL" } else { "ROBERT" },
                "",
                DOB,
            );
            let a = assess(&visitor, &record);
            assert!(!a.flagged(), "{first} {last}: {a:?}");
        }
        // ... and with one, a sibling nickname still flags
        let dated = subject("WALKER", "MARY", "", DOB);
        assert!(assess(&subject("WALKER", "PAUL", "", DOB), &dated).flagged());
    }

    #[test]
    fn contradicting_suffix_and_middle_cost_points() {
        let record = Subject {
            name: PersonName::new("SMITH", "JOHN", "PAUL", "SR"),
            dob: DOB,
            sex: None,
        };
        let junior = Subject {
            name: PersonName::new("SMITH JR", "JOHN", "PAUL", ""),
            dob: DOB,
            sex: None,
        };
        let plain = Subject {
            name: PersonName::new("SMITH", "JOHN", "PAUL", ""),
            dob: DOB,
            sex: None,
        };
        assert!(score(&junior, &record) < score(&plain, &record));
        let other_middle = subject("SMITH", "JOHN", "MARK", DOB);
        assert!(score(&other_middle, &record) < score(&plain, &record));
    }

    #[test]
    fn reasons_name_each_agreeing_field() {
        let record = subject("SMITH", "ROBERT", "", DOB);
        let a = assess(
            &subject("SMYTH", "BOB", "", Some(date!(1975 - 07 - 03))),
            &record,
        );
        assert_eq!(
            a.reasons,
            vec![
                "last:typo",
                "first:nickname",
                "dob:transposed",
                "sex",
                "several-differences"
            ]
        );
        let a = assess(
            &subject("SMYTH", "ROBERT", "", Some(date!(1975 - 07 - 03))),
            &record,
        );
        assert!(a.flagged(), "{a:?}");
        assert_eq!(
            a.reasons,
            vec!["last:typo", "first", "dob:transposed", "sex"]
        );
        assert_eq!(a.sex_agrees, Some(true));
    }

    #[test]
    fn keepntrack_flags_first_name_and_birthday() {
        let record = subject("JOHNSON", "MICHAEL", "", DOB);
        let parent = subject("PETERSON", "MICHAEL", "", DOB);
        assert!(keepntrack::score(&parent, &record) >= keepntrack::THRESHOLD);
    }
}
