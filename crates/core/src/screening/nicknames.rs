//! Nickname groups from `data/nicknames.csv` (carltonnorthern/nicknames, Apache-2.0), embedded
//! at compile time so the engine needs no file at run time.
//!
//! Two given names are related when one is a nickname of the other (`BOB` / `ROBERT`) or both
//! are nicknames of the same formal name (`BOB` / `ROB`, through `ROBERT`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::normalise::fold;

const NICKNAMES_CSV: &str = include_str!("../../../../data/nicknames.csv");

struct Table {
    /// formal name -> its nicknames
    nicknames: HashMap<String, Vec<String>>,
    /// nickname -> the formal names it shortens
    formals: HashMap<String, Vec<String>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Table {
            nicknames: HashMap::new(),
            formals: HashMap::new(),
        };
        for line in NICKNAMES_CSV.lines().skip(1) {
            let mut fields = line.split(',');
            let (Some(formal), Some(_), Some(nick)) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            // Names compare glued (`K.C.` folds to `K C`, compared as `KC`).
            let glued = |name: &str| fold(name).replace(' ', "");
            let (mut formal, mut nick) = (glued(formal), glued(nick));
            if formal.is_empty() || nick.is_empty() || formal == nick {
                continue;
            }
            // The list also runs backwards (`BILL has_nickname ROBERT`); read that way, BILL
            // would be a formal name whose nicknames ROBERT and WILLIAM are related. A nickname
            // is never longer than its formal name.
            if nick.len() > formal.len() {
                std::mem::swap(&mut formal, &mut nick);
            }
            let nicks = table.nicknames.entry(formal.clone()).or_default();
            if !nicks.contains(&nick) {
                nicks.push(nick.clone());
                table.formals.entry(nick).or_default().push(formal);
            }
        }
        table
    })
}

/// Every given name related to `name` (folded upper-case), not including `name` itself.
pub fn related(name: &str) -> Vec<String> {
    let table = table();
    let mut out: HashSet<&str> = HashSet::new();
    if let Some(nicks) = table.nicknames.get(name) {
        out.extend(nicks.iter().map(String::as_str));
    }
    if let Some(formals) = table.formals.get(name) {
        for formal in formals {
            out.insert(formal);
            if let Some(siblings) = table.nicknames.get(formal) {
                out.extend(siblings.iter().map(String::as_str));
            }
        }
    }
    out.remove(name);
    let mut related: Vec<String> = out.into_iter().map(str::to_owned).collect();
    related.sort();
    related
}

/// How two different given names are related through the nickname list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// One shortens the other: `BOB` / `ROBERT`.
    Direct,
    /// Both shorten one formal name: `BOB` / `ROB`. Weaker: `FRED` and `WILLIE` both shorten
    /// `WILFRED`, yet a Fred is rarely a Willie.
    Siblings,
}

/// Whether two different given names belong to one nickname group.
pub fn are_related(a: &str, b: &str) -> bool {
    relation(a, b).is_some()
}

/// How two different given names belong to one nickname group, if they do.
pub fn relation(a: &str, b: &str) -> Option<Relation> {
    if a == b {
        return None;
    }
    let table = table();
    let shortens = |nick: &str, formal: &str| {
        table
            .nicknames
            .get(formal)
            .is_some_and(|n| n.iter().any(|x| x == nick))
    };
    if shortens(a, b) || shortens(b, a) {
        return Some(Relation::Direct);
    }
    match (table.formals.get(a), table.formals.get(b)) {
        (Some(fa), Some(fb)) if fa.iter().any(|f| fb.contains(f)) => Some(Relation::Siblings),
        _ => None,
    }
}

/// The nicknames of a formal name (folded upper-case), as the list gives them.
pub fn nicknames_of(formal: &str) -> &'static [String] {
    table().nicknames.get(formal).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_relate_both_ways_and_through_the_formal_name() {
        assert!(are_related("BOB", "ROBERT"));
        assert!(are_related("ROBERT", "BOB"));
        assert!(are_related("BOB", "ROB"));
        assert!(!are_related("ROBERT", "ROBERT"));
        assert!(!are_related("ROBERT", "MICHAEL"));
        // both shorten to BILL, which does not make them one name
        assert!(!are_related("ROBERT", "WILLIAM"));
        assert!(are_related("BILL", "ROBERT") && are_related("BILL", "WILLIAM"));
        assert_eq!(relation("BOB", "ROBERT"), Some(Relation::Direct));
        assert_eq!(relation("PAUL", "MARY"), Some(Relation::Siblings));
        assert!(nicknames_of("ROBERT").iter().any(|n| n == "BOB"));
        // `k.c.` in the list: compared glued, as the engine compares names
        assert_eq!(relation("KC", "KASEY"), Some(Relation::Direct));
        assert!(related("WILLIAM").contains(&"BILL".to_owned()));
        assert!(related("BILL").contains(&"WILLIAM".to_owned()));
    }
}
