//! Every data element ID the AAMVA standards define for the DL/ID subfile (DL/ID-2000 through
//! the 2020 Card Design Standard). Knowing them all is what lets a payload whose separators a
//! keyboard-wedge scanner ate be cut back into elements.

/// How much a three-letter match inside run-together text can be trusted to start an element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Mandatory or widely issued: a match starts an element wherever it appears.
    Common,
    /// Defined but rarely issued (DL/ID-2000 residence address, AKA names, ...): a match right
    /// after a letter is more likely the inside of a name (`JORDAN` holds `DAN`) than an element.
    Rare,
}

/// `Some` when `id` is an element ID of the DL/ID subfile.
pub fn element(id: &[u8]) -> Option<Seen> {
    use Seen::{Common, Rare};
    let seen = match id {
        // Names (DL/ID-2000 full and split names, 2003-2005 family/given names, 2009+ split).
        b"DAA" | b"DAB" | b"DAC" | b"DAD" | b"DAE" | b"DCS" | b"DCT" | b"DCU" => Common,
        // Truncation flags, dates, sex, document number, class / restrictions / endorsements.
        b"DDE" | b"DDF" | b"DDG" | b"DBA" | b"DBB" | b"DBC" | b"DBD" | b"DAQ" => Common,
        b"DAR" | b"DAS" | b"DAT" | b"DCA" | b"DCB" | b"DCD" | b"DCH" => Common,
        // Physical description and address.
        b"DAU" | b"DAW" | b"DAY" | b"DAZ" | b"DCE" | b"DCL" => Common,
        b"DAG" | b"DAH" | b"DAI" | b"DAJ" | b"DAK" | b"DCG" => Common,
        // Document discriminator, inventory control, audit, place of birth, revision dates,
        // compliance, under-18/19/21 dates, donor and veteran flags.
        b"DCF" | b"DCI" | b"DCJ" | b"DCK" | b"DDA" | b"DDB" | b"DDC" | b"DDD" => Common,
        b"DDH" | b"DDI" | b"DDJ" | b"DDK" | b"DDL" | b"DBF" | b"DBH" => Common,
        // DL/ID-2000 name prefix, residence address, metric height/weight, timestamps, medical
        // and residency codes, SSNs, AKA names.
        b"DAF" | b"DAL" | b"DAM" | b"DAN" | b"DAO" | b"DAP" | b"DAV" | b"DAX" => Rare,
        b"DBE" | b"DBG" | b"DBI" | b"DBJ" | b"DBK" | b"DBL" | b"DBM" => Rare,
        b"DBN" | b"DBO" | b"DBP" | b"DBQ" | b"DBR" | b"DBS" => Rare,
        // 2005+ standard vehicle classification / endorsement / restriction codes and texts.
        b"DCM" | b"DCN" | b"DCO" | b"DCP" | b"DCQ" | b"DCR" => Rare,
        _ => return None,
    };
    Some(seen)
}

/// The shape of an element ID at the start of a field: `D` and two upper-case letters or
/// digits. Fields are read by shape, not by the list above, so a jurisdiction's element this
/// table does not know is still skipped cleanly.
pub fn is_element_shaped(bytes: &[u8]) -> bool {
    matches!(bytes, [b'D', second, third, ..]
        if second.is_ascii_uppercase() && (third.is_ascii_uppercase() || third.is_ascii_digit()))
}

/// Elements every version of the standard requires, so every payload has them exactly once.
pub fn in_every_version(id: &[u8]) -> bool {
    matches!(
        id,
        b"DAQ" | b"DBA" | b"DBB" | b"DBC" | b"DBD" | b"DAG" | b"DAI" | b"DAJ" | b"DAK"
    )
}

/// How many times each element-shaped ID occurs, indexed by the two characters after `D`.
pub struct IdCounts([u8; 36 * 36]);

impl Default for IdCounts {
    fn default() -> Self {
        IdCounts([0; 36 * 36])
    }
}

impl IdCounts {
    fn index(id: &[u8]) -> Option<usize> {
        let code = |b: u8| match b {
            b'A'..=b'Z' => Some(usize::from(b - b'A')),
            b'0'..=b'9' => Some(26 + usize::from(b - b'0')),
            _ => None,
        };
        Some(code(*id.get(1)?)? * 36 + code(*id.get(2)?)?)
    }

    pub fn add(&mut self, id: &[u8]) {
        if let Some(index) = Self::index(id) {
            self.0[index] = self.0[index].saturating_add(1);
        }
    }

    pub fn remove(&mut self, id: &[u8]) {
        if let Some(index) = Self::index(id) {
            self.0[index] = self.0[index].saturating_sub(1);
        }
    }

    pub fn get(&self, id: &[u8]) -> u8 {
        Self::index(id).map_or(0, |index| self.0[index])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_elements_of_every_version() {
        for id in [
            "DAA", "DAB", "DCS", "DCT", "DAC", "DAD", "DDE", "DDL", "DAV", "DBS", "DCR",
        ] {
            assert!(element(id.as_bytes()).is_some(), "{id}");
        }
        assert_eq!(element(b"DAN"), Some(Seen::Rare));
        assert_eq!(element(b"DAY"), Some(Seen::Common));
        assert!(element(b"DZZ").is_none());
        assert!(element(b"ZVA").is_none());
    }

    #[test]
    fn shape_allows_unknown_elements_but_not_other_text() {
        assert!(is_element_shaped(b"DAQ123"));
        assert!(is_element_shaped(b"DX9"));
        assert!(!is_element_shaped(b"Dab"));
        assert!(!is_element_shaped(b"ZVA01"));
        assert!(!is_element_shaped(b"DA"));
    }

    #[test]
    fn id_counts() {
        let mut counts = IdCounts::default();
        counts.add(b"DAQ");
        counts.add(b"DZ9");
        counts.add(b"DAQ");
        counts.add(b"D?Q");
        assert_eq!(
            (counts.get(b"DAQ"), counts.get(b"DZ9"), counts.get(b"D?Q")),
            (2, 1, 0)
        );
        counts.remove(b"DAQ");
        counts.remove(b"DAB");
        assert_eq!((counts.get(b"DAQ"), counts.get(b"DAB")), (1, 0));
    }
}
