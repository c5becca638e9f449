//! Synthetic registries and visitors, for demos, tests and the benchmark. Deterministic for a
//! seed. PURE: the census name tables come in as text (see data/README.md).
//!
//! A synthetic person: sex (96% male, as registries are), first and middle names drawn from the
//! 1990 census by sex (60% have a middle name), a census surname (12% mutated into a rarer
//! spelling, 3% compound, particle and O' forms written the way registries write them), 3% a
//! suffix, a date of birth between 1940 and 2004, and 0-3 aliases (nickname, surname typo,
//! first/last swapped, goes by middle name, another surname, first-name typo), each alias
//! usually with the primary's date of birth. Data-entry noise: mixed case, stray spaces, an
//! accent, a suffix typed into the surname.
//!
//! [`Variant`] lists the ways a registrant shows up at the door that the engine must still
//! catch; [`Synth::visitor_variant`] makes such a visitor from a registrant.

use std::collections::HashSet;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Duration, Month};

use super::nicknames;
use super::Visitor;
use crate::identity::Sex;

/// Census names with cumulative weights.
pub struct Weighted {
    names: Vec<String>,
    cumulative: Vec<f64>,
}

impl Weighted {
    /// Parses a census file: `NAME  freq%  cumulative%  rank` per line.
    pub fn parse(text: &str) -> Weighted {
        let (mut names, mut cumulative, mut total) = (Vec::new(), Vec::new(), 0.0);
        for line in text.lines() {
            let mut fields = line.split_whitespace();
            let (Some(name), Some(freq)) = (fields.next(), fields.next()) else {
                continue;
            };
            let Ok(freq) = freq.parse::<f64>() else {
                continue;
            };
            total += freq.max(0.0001);
            names.push(name.to_ascii_uppercase());
            cumulative.push(total);
        }
        Weighted { names, cumulative }
    }

    fn pick(&self, rng: &mut ChaCha8Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.random::<f64>() * total;
        let i = self
            .cumulative
            .partition_point(|&c| c < x)
            .min(self.names.len() - 1);
        &self.names[i]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// The three census tables.
pub struct NameTables {
    pub male: Weighted,
    pub female: Weighted,
    pub last: Weighted,
    surnames: HashSet<String>,
}

impl NameTables {
    pub fn parse(male: &str, female: &str, last: &str) -> NameTables {
        let last = Weighted::parse(last);
        let surnames = last.names.iter().cloned().collect();
        NameTables {
            male: Weighted::parse(male),
            female: Weighted::parse(female),
            last,
            surnames,
        }
    }
}

/// One name row of a synthetic person, as the registry CSV writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthName {
    pub alias: bool,
    pub last: String,
    pub first: String,
    pub middle: String,
    pub suffix: String,
    pub dob: Option<Date>,
}

/// A synthetic registrant: the clean truth plus the rows the registry prints.
#[derive(Clone, Debug)]
pub struct SynthPerson {
    pub record_id: String,
    pub jurisdiction: &'static str,
    pub sex: Sex,
    pub last: String,
    pub first: String,
    pub middle: String,
    pub suffix: String,
    pub dob: Date,
    pub rows: Vec<SynthName>,
}

/// What shape a registrant must have for a variant class to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Any,
    Middle,
    Compound,
    Particle,
    Apostrophe,
    Suffix,
    /// The first name has nicknames (`ROBERT`).
    Nicknamed,
    /// The first name is a nickname (`BOB`).
    ShortName,
    Female,
}

/// The ways a registrant shows up at the door (issue 3's benchmark classes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Exact,
    MissingMiddle,
    MiddleInitial,
    /// The registry has the formal name, the visitor a nickname.
    NicknameToShort,
    /// The registry has a nickname, the visitor the formal name.
    NicknameToFormal,
    LastTypo,
    FirstTypo,
    CompoundPart,
    ParticleSpacing,
    Apostrophe,
    Suffix,
    Transposed,
    DayOff,
    YearOff,
    GoesByMiddle,
    MarriedName,
    Hyphenation,
}

impl Variant {
    pub const ALL: [Variant; 17] = [
        Variant::Exact,
        Variant::MissingMiddle,
        Variant::MiddleInitial,
        Variant::NicknameToShort,
        Variant::NicknameToFormal,
        Variant::LastTypo,
        Variant::FirstTypo,
        Variant::CompoundPart,
        Variant::ParticleSpacing,
        Variant::Apostrophe,
        Variant::Suffix,
        Variant::Transposed,
        Variant::DayOff,
        Variant::YearOff,
        Variant::GoesByMiddle,
        Variant::MarriedName,
        Variant::Hyphenation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Variant::Exact => "exact",
            Variant::MissingMiddle => "missing middle",
            Variant::MiddleInitial => "middle initial",
            Variant::NicknameToShort => "nickname (formal -> short)",
            Variant::NicknameToFormal => "nickname (short -> formal)",
            Variant::LastTypo => "typo in last name",
            Variant::FirstTypo => "typo in first name",
            Variant::CompoundPart => "compound surname in part",
            Variant::ParticleSpacing => "particle with/without space",
            Variant::Apostrophe => "apostrophe",
            Variant::Suffix => "suffix",
            Variant::Transposed => "day/month transposed",
            Variant::DayOff => "dob a day off",
            Variant::YearOff => "dob a year off",
            Variant::GoesByMiddle => "goes by middle name",
            Variant::MarriedName => "married name",
            Variant::Hyphenation => "hyphenation",
        }
    }

    pub fn shape(self) -> Shape {
        match self {
            Variant::MissingMiddle | Variant::MiddleInitial | Variant::GoesByMiddle => {
                Shape::Middle
            }
            Variant::NicknameToShort => Shape::Nicknamed,
            Variant::NicknameToFormal => Shape::ShortName,
            Variant::CompoundPart | Variant::Hyphenation => Shape::Compound,
            Variant::ParticleSpacing => Shape::Particle,
            Variant::Apostrophe => Shape::Apostrophe,
            Variant::Suffix => Shape::Suffix,
            Variant::MarriedName => Shape::Female,
            _ => Shape::Any,
        }
    }
}

const STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY",
];
const PARTICLE_PREFIXES: &[(&str, &str)] = &[
    ("DELA", "DE LA "),
    ("VANDER", "VAN DER "),
    ("DEL", "DEL "),
    ("VAN", "VAN "),
    ("DE", "DE "),
    ("MC", "MC "),
];
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A deterministic generator of registrants and visitors.
pub struct Synth<'t> {
    tables: &'t NameTables,
    rng: ChaCha8Rng,
}

impl<'t> Synth<'t> {
    pub fn new(tables: &'t NameTables, seed: u64) -> Synth<'t> {
        Synth {
            tables,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn given(&mut self, sex: Sex) -> String {
        let table = if sex == Sex::F {
            &self.tables.female
        } else {
            &self.tables.male
        };
        table.pick(&mut self.rng).to_owned()
    }

    fn census_surname(&mut self) -> String {
        self.tables.last.pick(&mut self.rng).to_owned()
    }

    /// A registrant numbered `n`, with the shape a benchmark class needs.
    pub fn person(&mut self, n: u64, shape: Shape) -> SynthPerson {
        let sex = if shape == Shape::Female || (shape != Shape::Middle && self.chance(0.04)) {
            Sex::F
        } else {
            Sex::M
        };
        let mut first = self.given(sex);
        if matches!(shape, Shape::Nicknamed | Shape::ShortName) {
            for _ in 0..50 {
                if !nicknames::related(&first).is_empty() {
                    break;
                }
                first = self.given(sex);
            }
            let related = nicknames::related(&first);
            if shape == Shape::ShortName && !related.is_empty() {
                first = related[self.rng.random_range(0..related.len())].clone();
            }
        }
        let middle = if matches!(shape, Shape::Middle | Shape::Female) || self.chance(0.6) {
            let mut middle = self.given(sex);
            while middle == first {
                middle = self.given(sex);
            }
            middle
        } else {
            String::new()
        };
        let last = self.surname(shape);
        let suffix = if shape == Shape::Suffix || (sex == Sex::M && self.chance(0.03)) {
            ["JR", "JR", "JR", "SR", "II", "III"][self.rng.random_range(0..6)].to_owned()
        } else {
            String::new()
        };
        let dob = self.dob();
        let jurisdiction = STATES[self.rng.random_range(0..STATES.len())];
        let mut person = SynthPerson {
            record_id: format!("{jurisdiction}-{n:07}"),
            jurisdiction,
            sex,
            last,
            first,
            middle,
            suffix,
            dob,
            rows: Vec::new(),
        };
        let primary = self.printed(&person, false);
        person.rows.push(primary);
        // one alias a person on average: 900,000 people print about 1.8 million names
        let aliases = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3]
            [self.rng.random_range(0..20)];
        for _ in 0..aliases {
            let alias = self.alias(&person);
            person.rows.push(alias);
        }
        person
    }

    fn surname(&mut self, shape: Shape) -> String {
        match shape {
            Shape::Compound => format!(
                "{}{}{}",
                self.census_surname(),
                if self.chance(0.5) { "-" } else { " " },
                self.census_surname()
            ),
            Shape::Particle => {
                let base = self.census_surname();
                ["DE LA ", "VAN DER ", "DEL ", "MC ", "DE "][self.rng.random_range(0..5)].to_owned()
                    + &base
            }
            Shape::Apostrophe => format!("O'{}", self.census_surname()),
            _ => {
                let mut last = self.census_surname();
                if self.chance(0.12) {
                    last = self.typo(&last);
                }
                if self.chance(0.03) {
                    last = format!("{}-{}", last, self.census_surname());
                }
                self.registry_spelling(&last)
            }
        }
    }

    /// Census glues particles (`DELACRUZ`, `OBRIEN`); registries often print them apart.
    fn registry_spelling(&mut self, last: &str) -> String {
        if last.len() > 4
            && last.starts_with('O')
            && !"AEIOU".contains(&last[1..2])
            && self.tables.surnames.contains(&last[1..])
        {
            return format!("O'{}", &last[1..]);
        }
        for (glued, spaced) in PARTICLE_PREFIXES {
            if let Some(rest) = last.strip_prefix(glued) {
                if rest.len() >= 4 && self.tables.surnames.contains(rest) && self.chance(0.5) {
                    return format!("{spaced}{rest}");
                }
            }
        }
        last.to_owned()
    }

    fn dob(&mut self) -> Date {
        let start = Date::from_calendar_date(1940, Month::January, 1).expect("valid");
        start + Duration::days(self.rng.random_range(0..23_741))
    }

    /// One random edit: substitution, deletion, insertion or adjacent transposition.
    pub fn typo(&mut self, word: &str) -> String {
        let mut bytes: Vec<u8> = word.bytes().collect();
        if bytes.len() < 4 {
            return word.to_owned();
        }
        // keep the first letter: people rarely mistype it
        let at = self.rng.random_range(1..bytes.len());
        let letter = LETTERS[self.rng.random_range(0..26)];
        match self.rng.random_range(0..4) {
            0 => bytes[at] = letter,
            1 => {
                bytes.remove(at);
            }
            2 => bytes.insert(at, letter),
            _ => {
                if at + 1 < bytes.len() {
                    bytes.swap(at, at + 1);
                } else {
                    bytes.swap(at - 1, at);
                }
            }
        }
        let typo = String::from_utf8(bytes).unwrap_or_else(|_| word.to_owned());
        if typo == word {
            format!("{word}E")
        } else {
            typo
        }
    }

    /// The primary row as a registry clerk typed it.
    fn printed(&mut self, p: &SynthPerson, alias: bool) -> SynthName {
        let mut row = SynthName {
            alias,
            last: p.last.clone(),
            first: p.first.clone(),
            middle: p.middle.clone(),
            suffix: p.suffix.clone(),
            dob: Some(p.dob),
        };
        if !row.suffix.is_empty() && self.chance(0.3) {
            row.last = format!("{} {}", row.last, row.suffix);
            row.suffix.clear();
        }
        if self.chance(0.05) {
            row.first = title_case(&row.first);
            row.last = title_case(&row.last);
        }
        if self.chance(0.01) {
            row.first = row.first.replacen('E', "É", 1);
        }
        if self.chance(0.01) {
            row.last = format!(" {}  ", row.last);
        }
        row
    }

    fn alias(&mut self, p: &SynthPerson) -> SynthName {
        let mut row = SynthName {
            alias: true,
            last: p.last.clone(),
            first: p.first.clone(),
            middle: p.middle.clone(),
            suffix: String::new(),
            dob: Some(p.dob),
        };
        match self.rng.random_range(0..6) {
            0 => {
                let related = nicknames::related(&p.first);
                if related.is_empty() {
                    row.first = self.typo(&p.first);
                } else {
                    row.first = related[self.rng.random_range(0..related.len())].clone();
                }
            }
            1 => row.last = self.typo(&p.last),
            2 => std::mem::swap(&mut row.first, &mut row.last),
            3 if !p.middle.is_empty() => {
                row.first = p.middle.clone();
                row.middle.clear();
            }
            4 | 3 => row.last = self.census_surname(),
            _ => row.first = self.typo(&p.first),
        }
        let roll = self.rng.random_range(0..100);
        row.dob = match roll {
            0..=1 => None,
            2..=6 => Some(next_year(p.dob)),
            _ => Some(p.dob),
        };
        row
    }

    /// A visitor who is this registrant, showing up as `variant`.
    pub fn visitor_variant(&mut self, p: &SynthPerson, variant: Variant) -> Visitor {
        let mut v = Visitor {
            last_name: p.last.clone(),
            first_name: p.first.clone(),
            middle_name: p.middle.clone(),
            suffix: p.suffix.clone(),
            dob: Some(p.dob),
            sex: Some(p.sex),
        };
        match variant {
            Variant::Exact => {}
            Variant::MissingMiddle => v.middle_name.clear(),
            Variant::MiddleInitial => v.middle_name = p.middle.chars().take(1).collect(),
            Variant::NicknameToShort | Variant::NicknameToFormal => {
                let related = nicknames::related(&p.first);
                if let Some(other) = related.get(self.rng.random_range(0..related.len().max(1))) {
                    v.first_name = other.clone();
                }
            }
            Variant::LastTypo => v.last_name = self.typo(&p.last.replace(['-', ' ', '\''], "")),
            Variant::FirstTypo => v.first_name = self.typo(&p.first),
            Variant::CompoundPart => {
                let parts: Vec<&str> = p.last.split(['-', ' ']).collect();
                v.last_name = parts[self.rng.random_range(0..parts.len())].to_owned();
            }
            Variant::ParticleSpacing => v.last_name = p.last.replace(' ', ""),
            Variant::Apostrophe => {
                v.last_name = p
                    .last
                    .replace('\'', if self.chance(0.5) { "" } else { " " })
            }
            Variant::Suffix => {
                v.last_name = format!("{} {}", p.last, p.suffix);
                v.suffix.clear();
            }
            Variant::Transposed => {
                v.dob = Month::try_from(p.dob.day())
                    .ok()
                    .and_then(|m| {
                        Date::from_calendar_date(p.dob.year(), m, u8::from(p.dob.month())).ok()
                    })
                    .or(Some(p.dob));
            }
            Variant::DayOff => {
                v.dob = Some(p.dob + Duration::days(if self.chance(0.5) { 1 } else { -1 }))
            }
            Variant::YearOff => v.dob = Some(next_year(p.dob)),
            Variant::GoesByMiddle => {
                v.first_name = p.middle.clone();
                v.middle_name.clear();
            }
            Variant::MarriedName => {
                let mut married = self.census_surname();
                while married == p.last {
                    married = self.census_surname();
                }
                v.last_name = married;
            }
            Variant::Hyphenation => {
                v.last_name = if p.last.contains('-') {
                    p.last.replace('-', " ")
                } else {
                    p.last.replace(' ', "-")
                };
            }
        }
        v
    }

    /// An ordinary visitor who is not in the registry. A `namesake` shares a registrant's
    /// names but was born years apart.
    pub fn clean_visitor(&mut self, namesake: Option<&SynthPerson>) -> Visitor {
        if let Some(p) = namesake {
            let years = self.rng.random_range(3..30) * if self.chance(0.5) { 1 } else { -1 };
            let dob = p.dob + Duration::days(years * 365 + self.rng.random_range(0..300));
            return Visitor {
                last_name: p.last.clone(),
                first_name: p.first.clone(),
                middle_name: String::new(),
                suffix: String::new(),
                dob: Some(dob),
                sex: Some(p.sex),
            };
        }
        let sex = if self.chance(0.5) { Sex::F } else { Sex::M };
        let first = self.given(sex);
        let middle = if self.chance(0.6) {
            self.given(sex)
        } else {
            String::new()
        };
        let last = self.census_surname();
        let dob = self.dob();
        Visitor {
            last_name: last,
            first_name: first,
            middle_name: middle,
            suffix: String::new(),
            dob: Some(dob),
            sex: Some(sex),
        }
    }

    /// Staff-facing columns for a primary row: city, offense, updated.
    pub fn details(&mut self) -> [String; 3] {
        const CITIES: &[&str] = &[
            "SPRINGFIELD",
            "FRANKLIN",
            "GREENVILLE",
            "BRISTOL",
            "CLINTON",
            "FAIRVIEW",
            "SALEM",
            "MADISON",
        ];
        const OFFENSES: &[&str] = &[
            "SEXUAL ASSAULT",
            "CHILD ENDANGERMENT",
            "INDECENT EXPOSURE",
            "POSSESSION OF CHILD PORNOGRAPHY",
        ];
        let updated = Date::from_calendar_date(2026, Month::January, 1).expect("valid")
            + Duration::days(self.rng.random_range(0..300));
        [
            CITIES[self.rng.random_range(0..CITIES.len())].to_owned(),
            OFFENSES[self.rng.random_range(0..OFFENSES.len())].to_owned(),
            updated.to_string(),
        ]
    }
}

fn next_year(d: Date) -> Date {
    Date::from_calendar_date(d.year() + 1, d.month(), d.day())
        .or_else(|_| Date::from_calendar_date(d.year() + 1, d.month(), 28))
        .unwrap_or(d)
}

fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        out.extend(if start {
            c.to_uppercase().collect::<Vec<_>>()
        } else {
            c.to_lowercase().collect()
        });
        start = !c.is_alphanumeric();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> NameTables {
        NameTables::parse(
            "JAMES 3.3 3.3 1\nROBERT 3.1 6.4 2\nWILLIAM 2.4 8.8 3\n",
            "MARY 2.6 2.6 1\nELIZABETH 0.9 3.5 2\n",
            "SMITH 1.0 1.0 1\nJOHNSON 0.8 1.8 2\nCRUZ 0.1 1.9 3\nDELACRUZ 0.05 1.95 4\nBRIEN 0.01 1.96 5\n",
        )
    }

    #[test]
    fn the_same_seed_gives_the_same_people() {
        let t = tables();
        let a: Vec<_> = (0..20)
            .map(|n| Synth::new(&t, 7).person(n, Shape::Any).rows)
            .collect();
        let b: Vec<_> = (0..20)
            .map(|n| Synth::new(&t, 7).person(n, Shape::Any).rows)
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn shapes_are_honoured() {
        let t = tables();
        let mut s = Synth::new(&t, 1);
        assert!(s.person(1, Shape::Compound).last.contains(['-', ' ']));
        assert!(s.person(2, Shape::Apostrophe).last.starts_with("O'"));
        assert!(!s.person(3, Shape::Suffix).suffix.is_empty());
        assert!(!s.person(4, Shape::Middle).middle.is_empty());
        assert_eq!(s.person(5, Shape::Female).sex, Sex::F);
    }
}
