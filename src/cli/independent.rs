//! Visitors the engine's own generator did not make (issue 19, item 6), for `registry bench`.
//!
//! - **Corrupted copies**: a registrant's true identity (as on their ID) put through a corruption
//!   model from the record-linkage literature (Christen & Pudjijono, "Accurate synthetic
//!   generation of realistic personal information", 2009; the GeCo / FEBRL corruptors): OCR
//!   confusions, phonetic respellings, keyboard slips, a missing value, swapped fields. One
//!   corruption in 60% of visitors, two in 40%, written without looking at `synth`'s classes.
//! - **Splink's historical figures** (`data/splink-historical-pairs.csv`, MIT): real people with
//!   injected errors; half of them registered by one record, each visitor another record.
//! - **OpenSanctions' US negatives** (`data/opensanctions-negatives-us-2000.csv`, MIT): people
//!   built not to be anyone listed, a stream of clean visitors.
//!
//! See data/README.md for where the files come from.

use std::path::Path;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Month};
use vestibule::identity::Sex;
use vestibule::screening::synth::SynthPerson;
use vestibule::screening::Visitor;

use super::Refusal;

/// One registered Splink person: the registry row to add.
pub struct Registered {
    pub record_id: String,
    pub first: String,
    pub last: String,
    pub dob: Option<Date>,
    pub sex: Option<Sex>,
}

/// The Splink set: registry rows, visitors who are registered (with the record id) and who are
/// not (`None`).
pub struct SplinkSet {
    pub registered: Vec<Registered>,
    pub visitors: Vec<(Option<String>, Visitor)>,
}

fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

fn parse_sex(text: &str) -> Option<Sex> {
    match text {
        "male" => Some(Sex::M),
        "female" => Some(Sex::F),
        _ => None,
    }
}

pub fn splink(dir: &Path) -> Result<SplinkSet, Refusal> {
    let path = dir.join("splink-historical-pairs.csv");
    let mut csv = csv::Reader::from_path(&path)
        .map_err(|e| Refusal(format!("cannot read {}: {e}", path.display())))?;
    let mut set = SplinkSet {
        registered: Vec::new(),
        visitors: Vec::new(),
    };
    let mut registered = std::collections::HashSet::new();
    for record in csv.records() {
        let r = record?;
        let field = |i: usize| r.get(i).unwrap_or("").to_uppercase();
        let record_id = format!("SPLINK-{}", r.get(0).unwrap_or(""));
        let (first, last) = (field(2), field(3));
        let dob = parse_date(r.get(4).unwrap_or(""));
        let sex = parse_sex(r.get(5).unwrap_or(""));
        if r.get(1) == Some("registry") {
            registered.insert(record_id.clone());
            set.registered.push(Registered {
                record_id,
                first,
                last,
                dob,
                sex,
            });
        } else {
            let visitor = Visitor {
                last_name: last,
                first_name: first,
                dob,
                sex,
                ..Visitor::default()
            };
            let id = registered.contains(&record_id).then_some(record_id);
            set.visitors.push((id, visitor));
        }
    }
    Ok(set)
}

pub fn opensanctions(dir: &Path) -> Result<Vec<Visitor>, Refusal> {
    let path = dir.join("opensanctions-negatives-us-2000.csv");
    let mut csv = csv::Reader::from_path(&path)
        .map_err(|e| Refusal(format!("cannot read {}: {e}", path.display())))?;
    let mut out = Vec::new();
    for record in csv.records() {
        let r = record?;
        let field = |i: usize| r.get(i).unwrap_or("").to_owned();
        out.push(Visitor {
            first_name: field(1),
            middle_name: field(2),
            last_name: field(3),
            sex: parse_sex(r.get(4).unwrap_or("")),
            dob: parse_date(r.get(5).unwrap_or("")),
            ..Visitor::default()
        });
    }
    Ok(out)
}

/// OCR confusions (either way).
const OCR: [(&str, &str); 9] = [
    ("M", "RN"),
    ("D", "CL"),
    ("I", "L"),
    ("U", "V"),
    ("O", "Q"),
    ("E", "F"),
    ("H", "N"),
    ("W", "VV"),
    ("G", "C"),
];
/// Phonetic respellings (either way).
const PHONETIC: [(&str, &str); 12] = [
    ("PH", "F"),
    ("CK", "K"),
    ("Y", "I"),
    ("EE", "EA"),
    ("SCH", "SH"),
    ("C", "K"),
    ("Z", "S"),
    ("TH", "T"),
    ("EY", "Y"),
    ("IE", "Y"),
    ("OU", "OO"),
    ("KS", "X"),
];
const KEYBOARD: [&str; 3] = ["QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"];

/// The corruptions of the model, by name (for the per-kind table).
pub const KINDS: [&str; 5] = ["ocr", "phonetic", "keyboard", "missing", "swapped"];

/// A corrupted copy of `person`'s identity, and the kinds applied.
pub fn corrupted(rng: &mut ChaCha8Rng, person: &SynthPerson) -> (Visitor, Vec<&'static str>) {
    let mut v = Visitor {
        last_name: person.last.clone(),
        first_name: person.first.clone(),
        middle_name: person.middle.clone(),
        suffix: person.suffix.clone(),
        dob: Some(person.dob),
        sex: Some(person.sex),
    };
    let count = if rng.random_bool(0.6) { 1 } else { 2 };
    let mut kinds = Vec::new();
    for _ in 0..count {
        let kind = KINDS[rng.random_range(0..KINDS.len())];
        kinds.push(kind);
        match kind {
            "missing" => match rng.random_range(0..3) {
                0 => v.first_name.clear(),
                1 => v.last_name.clear(),
                _ => v.dob = None,
            },
            "swapped" => {
                if rng.random_bool(0.5) {
                    std::mem::swap(&mut v.first_name, &mut v.last_name);
                } else if let Some(d) = v.dob {
                    // day and month the other way round, when that is a date
                    if let Ok(m) = Month::try_from(d.day()) {
                        if let Ok(t) = Date::from_calendar_date(d.year(), m, u8::from(d.month())) {
                            v.dob = Some(t);
                        }
                    }
                }
            }
            _ => {
                let name = if rng.random_bool(0.5) {
                    &mut v.last_name
                } else {
                    &mut v.first_name
                };
                *name = respell(rng, name, kind);
            }
        }
    }
    (v, kinds)
}

pub fn respell(rng: &mut ChaCha8Rng, name: &str, kind: &str) -> String {
    let table: &[(&str, &str)] = match kind {
        "ocr" => &OCR,
        "phonetic" => &PHONETIC,
        _ => &[],
    };
    if !table.is_empty() {
        let mut options: Vec<(usize, &str, &str)> = Vec::new();
        for &(a, b) in table {
            for (from, to) in [(a, b), (b, a)] {
                for (at, _) in name.match_indices(from) {
                    options.push((at, from, to));
                }
            }
        }
        if options.is_empty() {
            return name.to_owned();
        }
        let (at, from, to) = options[rng.random_range(0..options.len())];
        return format!("{}{}{}", &name[..at], to, &name[at + from.len()..]);
    }
    // keyboard: a letter replaced by its neighbour on the same row
    let bytes: Vec<char> = name.chars().collect();
    if bytes.is_empty() {
        return name.to_owned();
    }
    let at = rng.random_range(0..bytes.len());
    let mut out = bytes.clone();
    for row in KEYBOARD {
        if let Some(i) = row.find(bytes[at]) {
            let row: Vec<char> = row.chars().collect();
            let j = if i + 1 < row.len() && (i == 0 || rng.random_bool(0.5)) {
                i + 1
            } else {
                i - 1
            };
            out[at] = row[j];
        }
    }
    out.into_iter().collect()
}

pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ 0x19_19_19)
}
