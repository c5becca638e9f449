//! Issuer Identification Numbers (IIN): the six digits in every AAMVA header that name the
//! jurisdiction which issued the card. The list is public (AAMVA DL/ID Card Design Standard and
//! aamva.org's IIN page); codes are the USPS / Canada Post two-letter codes, and ISO 3166-2
//! subdivision codes for the two Mexican states that joined the standard.

/// Which national conventions a jurisdiction's cards follow (Canada writes dates CCYYMMDD).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Country {
    Usa,
    Canada,
    Mexico,
}

#[derive(Debug)]
pub struct Jurisdiction {
    pub iin: u32,
    pub code: &'static str,
    pub country: Country,
}

const fn j(iin: u32, code: &'static str, country: Country) -> Jurisdiction {
    Jurisdiction { iin, code, country }
}

use Country::{Canada, Mexico, Usa};

/// Sorted by IIN so a lookup is a binary search. 636027 (US Department of State, diplomatic
/// cards) is left out on purpose: it has no jurisdiction code a screening list would use.
static JURISDICTIONS: [Jurisdiction; 71] = [
    j(604426, "PE", Canada), // Prince Edward Island
    j(604427, "AS", Usa),    // American Samoa
    j(604428, "QC", Canada), // Quebec
    j(604429, "YT", Canada), // Yukon
    j(604430, "MP", Usa),    // Northern Mariana Islands
    j(604431, "PR", Usa),    // Puerto Rico
    j(604432, "AB", Canada), // Alberta
    j(604433, "NU", Canada), // Nunavut
    j(604434, "NT", Canada), // Northwest Territories
    j(636000, "VA", Usa),
    j(636001, "NY", Usa),
    j(636002, "MA", Usa),
    j(636003, "MD", Usa),
    j(636004, "NC", Usa),
    j(636005, "SC", Usa),
    j(636006, "CT", Usa),
    j(636007, "LA", Usa),
    j(636008, "MT", Usa),
    j(636009, "NM", Usa),
    j(636010, "FL", Usa),
    j(636011, "DE", Usa),
    j(636012, "ON", Canada),
    j(636013, "NS", Canada),
    j(636014, "CA", Usa),
    j(636015, "TX", Usa),
    j(636016, "NL", Canada), // Newfoundland and Labrador
    j(636017, "NB", Canada),
    j(636018, "IA", Usa),
    j(636019, "GU", Usa), // Guam
    j(636020, "CO", Usa),
    j(636021, "AR", Usa),
    j(636022, "KS", Usa),
    j(636023, "OH", Usa),
    j(636024, "VT", Usa),
    j(636025, "PA", Usa),
    j(636026, "AZ", Usa),
    j(636028, "BC", Canada),
    j(636029, "OR", Usa),
    j(636030, "MO", Usa),
    j(636031, "WI", Usa),
    j(636032, "MI", Usa),
    j(636033, "AL", Usa),
    j(636034, "ND", Usa),
    j(636035, "IL", Usa),
    j(636036, "NJ", Usa),
    j(636037, "IN", Usa),
    j(636038, "MN", Usa),
    j(636039, "NH", Usa),
    j(636040, "UT", Usa),
    j(636041, "ME", Usa),
    j(636042, "SD", Usa),
    j(636043, "DC", Usa),
    j(636044, "SK", Canada),
    j(636045, "WA", Usa),
    j(636046, "KY", Usa),
    j(636047, "HI", Usa),
    j(636048, "MB", Canada),
    j(636049, "NV", Usa),
    j(636050, "ID", Usa),
    j(636051, "MS", Usa),
    j(636052, "RI", Usa),
    j(636053, "TN", Usa),
    j(636054, "NE", Usa),
    j(636055, "GA", Usa),
    j(636056, "COA", Mexico), // Coahuila
    j(636057, "HID", Mexico), // Hidalgo
    j(636058, "OK", Usa),
    j(636059, "AK", Usa),
    j(636060, "WY", Usa),
    j(636061, "WV", Usa),
    j(636062, "VI", Usa), // US Virgin Islands
];

/// Alberta's cards from before it had an ISO IIN still carry this one.
static ALBERTA_LEGACY: Jurisdiction = j(990876, "AB", Canada);

pub fn by_iin(iin: u32) -> Option<&'static Jurisdiction> {
    match iin {
        990876 => Some(&ALBERTA_LEGACY),
        _ => JURISDICTIONS
            .binary_search_by_key(&iin, |j| j.iin)
            .ok()
            .map(|i| &JURISDICTIONS[i]),
    }
}

/// The jurisdiction a two-letter code names (`"MO"`), for cards whose IIN is unreadable.
pub fn by_code(code: &str) -> Option<&'static Jurisdiction> {
    JURISDICTIONS
        .iter()
        .find(|j| j.code.eq_ignore_ascii_case(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(JURISDICTIONS.windows(2).all(|w| w[0].iin < w[1].iin));
    }

    #[test]
    fn every_state_dc_territory_and_province_is_there() {
        let codes: Vec<&str> = JURISDICTIONS.iter().map(|j| j.code).collect();
        let states = "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO \
                      MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY";
        let others = "DC AS GU MP PR VI AB BC MB NB NL NS NT NU ON PE QC SK YT";
        for code in states.split_whitespace().chain(others.split_whitespace()) {
            assert!(codes.contains(&code), "{code} missing");
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(by_iin(636030).unwrap().code, "MO");
        assert_eq!(by_iin(636000).unwrap().code, "VA");
        assert_eq!(by_iin(636001).unwrap().code, "NY");
        assert_eq!(by_iin(990876).unwrap().code, "AB");
        assert_eq!(by_iin(636062).unwrap().code, "VI");
        assert_eq!(by_iin(636012).unwrap().country, Country::Canada);
        assert!(by_iin(636027).is_none());
        assert!(by_iin(111111).is_none());
        assert_eq!(by_code("nb").unwrap().country, Country::Canada);
        assert!(by_code("XX").is_none());
    }
}
