//! Names as the engine compares them: folded to plain upper-case ASCII, split into tokens,
//! with the surname also kept glued together so every spelling of a compound or particle name
//! meets every other (`DE LA CRUZ` = `DELACRUZ`, `O'BRIEN` = `O BRIEN` = `OBRIEN`,
//! `GARCIA-LOPEZ` = `GARCIA LOPEZ`), and generational suffixes kept apart.
//!
//! The same functions run at import (to index registry rows) and at screening (on the visitor),
//! so both sides always agree on what a name is.

use crate::identity;

/// Words that join a surname rather than carry it. A compound surname is matchable on any of its
/// other parts, never on a particle alone (`DE` would match half of a Spanish registry).
const PARTICLES: &[&str] = &[
    "AL", "BIN", "D", "DA", "DAL", "DAS", "DE", "DEL", "DELA", "DELLA", "DEN", "DER", "DES", "DI",
    "DO", "DOS", "DU", "EL", "L", "LA", "LE", "LES", "LOS", "MAC", "MC", "O", "SAN", "ST", "STE",
    "TEN", "TER", "VAN", "VANDER", "VON", "Y",
];

/// A typo is only believable in a token this long: `JO`/`JA` or `LI`/`LU` are different names.
pub const MIN_TYPO_LEN: usize = 4;

/// Whether `a` and `b` may be one slip of the keyboard apart: one edit (insertion, deletion,
/// substitution, adjacent transposition) between tokens of at least [`MIN_TYPO_LEN`] letters, or
/// a letter lost or gained down to three (`JON` / `JOHN`, `ERC` / `ERIC`, `ROS` / `ROSS`). Two
/// three-letter names one letter apart (`JAN` / `JON`, `LEE` / `LEA`) stay different names.
pub fn typo_apart(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() + 1 >= MIN_TYPO_LEN
        && long.len() >= MIN_TYPO_LEN
        && a != b
        && strsim::osa_distance(a, b) == 1
}

/// Plain upper-case ASCII letters and digits separated by single spaces. Accents and other
/// scripts are transliterated (`JOSÉ` -> `JOSE`, `MÜLLER` -> `MULLER`), apostrophes vanish
/// (`O'BRIEN` -> `OBRIEN`), every other mark separates words (`GARCIA-LOPEZ` -> `GARCIA LOPEZ`).
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_space = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c.to_ascii_uppercase());
        } else if !matches!(c, '\'' | '`' | '^') {
            pending_space = true;
        }
    }
    out
}

/// One name field, folded: its tokens, the tokens that identify (no particles), and the glued form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameForm {
    /// Every token, in order (particles included).
    pub tokens: Vec<String>,
    /// The tokens a compound name can be matched on: particles left out (unless that leaves none).
    pub parts: Vec<String>,
    /// All tokens joined without spaces.
    pub glued: String,
}

impl NameForm {
    fn from_tokens(tokens: Vec<String>, particles: bool) -> NameForm {
        let glued = tokens.concat();
        let mut parts: Vec<String> = tokens
            .iter()
            .filter(|t| !(particles && PARTICLES.contains(&t.as_str())))
            .cloned()
            .collect();
        if parts.is_empty() {
            parts = tokens.clone();
        }
        NameForm {
            tokens,
            parts,
            glued,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.glued.is_empty()
    }

    /// A single letter (`J` or `J.`): an initial, not a name.
    pub fn is_initial(&self) -> bool {
        self.glued.len() == 1
    }
}

/// A person's name as the engine compares it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonName {
    pub last: NameForm,
    pub first: NameForm,
    /// Each middle name (or initial) is its own form.
    pub middle: Vec<NameForm>,
    /// `JR`, `SR`, `II`, ... from the suffix field or the end of the surname.
    pub suffix: Option<String>,
}

impl PersonName {
    pub fn new(last: &str, first: &str, middle: &str, suffix: &str) -> PersonName {
        let (last, suffix_in_last) = surname(last);
        let suffix = fold_suffix(suffix).or(suffix_in_last);
        let middle = given_tokens(middle)
            .into_iter()
            .map(|t| NameForm::from_tokens(vec![t], false))
            .collect();
        PersonName {
            last,
            first: NameForm::from_tokens(given_tokens(first), false),
            middle,
            suffix,
        }
    }

    /// The terms a registry row is indexed under: the glued surname and each of its parts, each
    /// given-name token and the glued first name, each full middle name. Fieldless on purpose:
    /// a visitor's first name finds a registrant's middle name (goes by middle name) or a
    /// swapped first/last.
    pub fn index_terms(&self) -> Vec<String> {
        let mut terms = Vec::new();
        for form in [&self.last, &self.first]
            .into_iter()
            .chain(self.middle.iter())
        {
            if form.is_initial() || form.is_empty() {
                continue;
            }
            terms.push(form.glued.clone());
            terms.extend(form.parts.iter().filter(|p| p.len() > 1).cloned());
        }
        terms.sort();
        terms.dedup();
        terms
    }
}

/// A surname field: folded, a trailing suffix split off (`SMITH JR.` -> `SMITH` + `JR`).
fn surname(text: &str) -> (NameForm, Option<String>) {
    let folded = fold(text);
    let mut tokens: Vec<String> = folded
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let mut suffix = None;
    if tokens.len() > 1 {
        if let Some(s) = tokens.last().and_then(|t| identity::normalise_suffix(t)) {
            tokens.pop();
            suffix = Some(s);
        }
    }
    if is_placeholder(&tokens) {
        tokens.clear();
    }
    (NameForm::from_tokens(tokens, true), suffix)
}

fn given_tokens(text: &str) -> Vec<String> {
    let tokens: Vec<String> = fold(text)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    if is_placeholder(&tokens) {
        Vec::new()
    } else {
        tokens
    }
}

/// What registries write instead of leaving a field empty. (Not `NA`: it is also a surname.)
const PLACEHOLDERS: &[&str] = &[
    "NMN",
    "NFN",
    "NLN",
    "NONE",
    "UNK",
    "UNKNOWN",
    "UNAVL",
    "UNAVAIL",
    "UNAVAILABLE",
];

fn is_placeholder(tokens: &[String]) -> bool {
    tokens.len() == 1 && PLACEHOLDERS.contains(&tokens[0].as_str())
}

fn fold_suffix(text: &str) -> Option<String> {
    identity::normalise_suffix(&fold(text))
}

/// Every string one deletion away from `term`, plus `term` itself: the keys of a symmetric
/// deletion index (SymSpell, edit distance 1). Two terms within one edit (insertion, deletion,
/// substitution or adjacent transposition) always share a key.
pub fn deletion_keys(term: &str) -> Vec<String> {
    let mut keys = vec![term.to_owned()];
    if term.len() < MIN_TYPO_LEN || !term.is_ascii() {
        return keys;
    }
    for i in 0..term.len() {
        let mut key = String::with_capacity(term.len() - 1);
        key.push_str(&term[..i]);
        key.push_str(&term[i + 1..]);
        keys.push(key);
    }
    keys.sort();
    keys.dedup();
    keys
}

/// American Soundex of a folded name (`ROBERT` and `RUPERT` -> `R163`): a spelling-blind key
/// for the phonetic blocks and the phonetic level of the weighed score, where respellings
/// (`SCHMIDT` / `SHMIT`) are more than two edits apart. Empty for a name with no letters.
pub fn soundex(term: &str) -> String {
    soundex_code(term)
        .map(|code| code.iter().map(|&b| char::from(b)).collect())
        .unwrap_or_default()
}

/// [`soundex`] without an allocation (the weighed score compares many pairs per visitor).
pub fn soundex_code(term: &str) -> Option<[u8; 4]> {
    let code = |c: u8| match c {
        b'B' | b'F' | b'P' | b'V' => b'1',
        b'C' | b'G' | b'J' | b'K' | b'Q' | b'S' | b'X' | b'Z' => b'2',
        b'D' | b'T' => b'3',
        b'L' => b'4',
        b'M' | b'N' => b'5',
        b'R' => b'6',
        // vowels separate equal codes; H and W do not
        b'H' | b'W' => b'-',
        _ => b'0',
    };
    let mut letters = term.bytes().filter(u8::is_ascii_uppercase);
    let first = letters.next()?;
    let mut out = [first, b'0', b'0', b'0'];
    let mut len = 1;
    let mut last = code(first);
    for c in letters {
        let k = code(c);
        if k == b'-' {
            continue;
        }
        if k != b'0' && k != last {
            out[len] = k;
            len += 1;
            if len == 4 {
                break;
            }
        }
        last = k;
    }
    Some(out)
}

/// FNV-1a: a stable 64-bit hash for deletion keys stored on disk (std's hasher may change
/// between Rust releases; a collision only costs a wasted comparison).
pub fn stable_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soundex_hears_respellings_alike() {
        assert_eq!(soundex("ROBERT"), "R163");
        assert_eq!(soundex("RUPERT"), "R163");
        assert_eq!(soundex("ASHCRAFT"), "A261");
        assert_eq!(soundex("TYMCZAK"), "T522");
        assert_eq!(soundex("SCHMIDT"), soundex("SHMIT"));
        assert_eq!(soundex("LEE"), "L000");
        assert_eq!(soundex(""), "");
    }

    #[test]
    fn folding_handles_case_accents_and_marks() {
        assert_eq!(fold("José  Núñez"), "JOSE NUNEZ");
        assert_eq!(fold("O'Brien"), "OBRIEN");
        assert_eq!(fold("O’Brien"), "OBRIEN");
        assert_eq!(fold("garcia-lopez"), "GARCIA LOPEZ");
        assert_eq!(fold("Müller"), "MULLER");
        assert_eq!(fold(" St. John "), "ST JOHN");
        assert_eq!(fold("--"), "");
    }

    #[test]
    fn particle_surnames_glue_to_one_form() {
        let spaced = PersonName::new("De La Cruz", "Ana", "", "");
        let glued = PersonName::new("DELACRUZ", "ANA", "", "");
        assert_eq!(spaced.last.glued, glued.last.glued);
        assert_eq!(spaced.last.parts, vec!["CRUZ"]);
        let mc = PersonName::new("Mc Donald", "A", "", "");
        assert_eq!(mc.last.glued, "MCDONALD");
        assert_eq!(PersonName::new("O BRIEN", "A", "", "").last.glued, "OBRIEN");
        assert_eq!(
            PersonName::new("van der Berg", "A", "", "").last.parts,
            vec!["BERG"]
        );
    }

    #[test]
    fn compound_surnames_keep_each_part() {
        let name = PersonName::new("Garcia-Lopez", "Maria", "", "");
        assert_eq!(name.last.parts, vec!["GARCIA", "LOPEZ"]);
        assert_eq!(name.last.glued, "GARCIALOPEZ");
        let terms = name.index_terms();
        for t in ["GARCIA", "LOPEZ", "GARCIALOPEZ", "MARIA"] {
            assert!(terms.contains(&t.to_owned()), "{t}");
        }
    }

    #[test]
    fn suffixes_are_separated() {
        let name = PersonName::new("Smith Jr.", "John", "", "");
        assert_eq!(name.last.glued, "SMITH");
        assert_eq!(name.suffix.as_deref(), Some("JR"));
        let column = PersonName::new("SMITH", "JOHN", "", "III");
        assert_eq!(column.suffix.as_deref(), Some("III"));
    }

    #[test]
    fn placeholders_are_empty_and_initials_recognised() {
        let name = PersonName::new("SMITH", "JOHN", "NMN", "");
        assert!(name.middle.is_empty());
        let initial = PersonName::new("SMITH", "JOHN", "Q.", "");
        assert!(initial.middle[0].is_initial());
        assert_eq!(initial.index_terms(), vec!["JOHN", "SMITH"]);
    }

    #[test]
    fn typos_need_four_letters_on_one_side() {
        assert!(typo_apart("JOHN", "JON"));
        assert!(typo_apart("ERIC", "ERC"));
        assert!(typo_apart("SMITH", "SMYTH"));
        assert!(!typo_apart("JAN", "JON"));
        assert!(!typo_apart("JO", "JOE"));
        assert!(!typo_apart("JOHN", "JOHN"));
        assert!(!typo_apart("JOHN", "JAHNS"));
    }

    #[test]
    fn deletion_keys_meet_for_one_edit() {
        let share = |a: &str, b: &str| {
            deletion_keys(a)
                .iter()
                .any(|k| deletion_keys(b).contains(k))
        };
        assert!(share("SMITH", "SMYTH")); // substitution
        assert!(share("SMITH", "SMITHE")); // insertion
        assert!(share("JOHNSON", "JONHSON")); // transposition
        assert!(!share("SMITH", "JONES"));
    }
}
