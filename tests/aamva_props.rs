//! Properties of the AAMVA parser: no input makes it panic, and a payload built the way each
//! AAMVA version lays it out (01 to 10) reads back exactly, with and without its separators.

use proptest::prelude::*;
use proptest::sample::select;
use time::macros::date;
use time::{Date, Month};
use vestibule::identity::{aamva, read_scan, DocumentKind, Identity, Sex};

const TODAY: Date = date!(2026 - 11 - 22);

// ---------------------------------------------------------------------------------------------
// Never a panic

/// Bytes a payload is made of, so random input reaches past the header checks.
const PAYLOAD_BYTES: &[u8] = b"@\n\x1e\r\x1c ANSIAMVDLQCSTBEGHKUZ0123456789,$-/\xc3\x89\x85\xff";

fn payload_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(select(PAYLOAD_BYTES), 0..600)
}

/// Element IDs and values in any order, any separators, any characters.
fn element_soup() -> impl Strategy<Value = String> {
    let id = select(
        &[
            "DAQ", "DCS", "DAC", "DAD", "DCT", "DAA", "DAB", "DCU", "DBB", "DBA", "DBC", "DDE",
            "DAJ", "DCG", "DAN", "ZVZVA", "DL", "ID",
        ][..],
    );
    let value = prop_oneof![
        "[A-Z0-9 ,$-]{0,12}",
        "[0-9]{8}",
        any::<String>().prop_map(|s| s.chars().take(12).collect::<String>()),
    ];
    let separator = select(&["\n", "\r", "\r\n", "\u{1e}", "", " "][..]);
    prop::collection::vec((id, value, separator), 0..40).prop_map(|fields| {
        let mut text = String::from("@\n\u{1e}\rANSI 636000100102DL00410278");
        for (id, value, separator) in fields {
            text.push_str(id);
            text.push_str(&value);
            text.push_str(separator);
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        let _ = read_scan(&bytes, TODAY);
        let _ = aamva::parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn payload_like_bytes_never_panic(bytes in payload_like_bytes()) {
        let _ = read_scan(&bytes, TODAY);
        let _ = aamva::parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn anything_after_a_header_never_panics(rest in any::<String>()) {
        let text = format!("@\n\u{1e}\rANSI {rest}");
        let _ = read_scan(text.as_bytes(), TODAY);
        let _ = aamva::parse(&text);
    }

    #[test]
    fn element_soup_never_panics(text in element_soup()) {
        let _ = read_scan(text.as_bytes(), TODAY);
        let _ = aamva::parse(&text);
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips, one layout per AAMVA version

/// A jurisdiction to issue the card: IIN, code, and whether it is Canadian (CCYYMMDD dates).
const ISSUERS: &[(&str, &str, bool)] = &[
    ("636000", "VA", false),
    ("636001", "NY", false),
    ("636003", "MD", false),
    ("636014", "CA", false),
    ("636015", "TX", false),
    ("636025", "PA", false),
    ("636030", "MO", false),
    ("636043", "DC", false),
    ("636062", "VI", false),
    ("604431", "PR", false),
    ("636012", "ON", true),
    ("604428", "QC", true),
    ("636028", "BC", true),
    ("636017", "NB", true),
    ("604432", "AB", true),
    ("990876", "AB", true),
];

const SEXES: &[(&str, Sex)] = &[
    ("1", Sex::M),
    ("2", Sex::F),
    ("9", Sex::X),
    ("M", Sex::M),
    ("F", Sex::F),
    ("X", Sex::X),
];

/// Generational suffixes as DCU, DAE or DAA's fourth part carry them.
const SUFFIXES: &[&str] = &["JR", "SR", "II", "III", "IV"];

/// Name words: no `D` or `Z` (so run-together text cannot hide an element or subfile inside a
/// name), no `N` (every placeholder has one), no `I`/`J`/`V` and three letters at least (so no
/// word is a suffix).
const NAME_WORD: &str = "[ABCEFGHKLMOPRSTUWY]{3,12}";

#[derive(Clone, Debug)]
struct Card {
    version: u8,
    issuer: (&'static str, &'static str, bool),
    last: String,
    first: String,
    middles: Vec<String>,
    suffix: Option<&'static str>,
    dob: Date,
    expiry: Date,
    sex: (&'static str, Sex),
    number: String,
    truncated: bool,
    /// Version 01: DAA full name instead of DAB/DAC/DAD; 02-03: DCT names split by comma.
    alternative_layout: bool,
    /// Version 01 only: MMDDCCYY instead of DL/ID-2000's CCYYMMDD.
    month_first_2000: bool,
    id_card: bool,
    jurisdiction_subfile: bool,
    order: Vec<usize>,
}

fn calendar_date() -> impl Strategy<Value = (i32, u8, u8)> {
    (0i32..=200, 1u8..=12, 1u8..=31)
}

fn valid_date(years: std::ops::RangeInclusive<i32>) -> impl Strategy<Value = Date> {
    (years, 1u8..=12, 1u8..=31).prop_filter_map("a real date", |(year, month, day)| {
        Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
    })
}

fn card() -> impl Strategy<Value = Card> {
    let names = (
        NAME_WORD,
        NAME_WORD,
        prop::collection::vec(NAME_WORD, 0..=2),
        prop::option::of(select(SUFFIXES)),
    );
    let dates = (valid_date(1900..=2030), valid_date(1990..=2100));
    let facts = (
        1u8..=10,
        select(ISSUERS),
        select(SEXES),
        "[0-9ABCEFGHKLMPRSTUWXY]{4,14}",
        any::<bool>(),
    );
    let layout = (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>());
    (
        names,
        dates,
        facts,
        layout,
        Just((0..40).collect::<Vec<usize>>()).prop_shuffle(),
    )
        .prop_map(
            |((last, first, middles, suffix), (dob, expiry), facts, layout, order)| {
                let (version, issuer, sex, number, truncated) = facts;
                let (alternative_layout, month_first_2000, id_card, jurisdiction_subfile) = layout;
                Card {
                    version,
                    issuer,
                    last,
                    first,
                    middles,
                    suffix,
                    dob,
                    expiry,
                    sex,
                    number,
                    truncated: truncated && version >= 4,
                    alternative_layout,
                    month_first_2000,
                    id_card,
                    jurisdiction_subfile,
                    order,
                }
            },
        )
}

impl Card {
    fn month_first(&self) -> bool {
        if self.version == 1 {
            self.month_first_2000
        } else {
            !self.issuer.2
        }
    }

    fn date(&self, date: Date) -> String {
        let (y, m, d) = (date.year(), u8::from(date.month()), date.day());
        if self.month_first() {
            format!("{m:02}{d:02}{y:04}")
        } else {
            format!("{y:04}{m:02}{d:02}")
        }
    }

    /// The name elements of the card's version.
    fn name_elements(&self) -> Vec<String> {
        let middle = self.middles.join(" ");
        let suffix = self.suffix.unwrap_or_default();
        match self.version {
            1 if self.alternative_layout => {
                let mut full = format!("{},{}", self.last, self.first);
                if !middle.is_empty() || self.suffix.is_some() {
                    full.push(',');
                    full.push_str(&middle);
                }
                if let Some(suffix) = self.suffix {
                    full.push(',');
                    full.push_str(suffix);
                }
                vec![format!("DAA{full}")]
            }
            1 => vec![
                format!("DAB{}", self.last),
                format!("DAC{}", self.first),
                format!("DAD{middle}"),
                format!("DAE{suffix}"),
            ],
            2 | 3 => {
                let separator = if self.alternative_layout { "," } else { " " };
                let given: Vec<&str> = std::iter::once(self.first.as_str())
                    .chain(self.middles.iter().map(String::as_str))
                    .collect();
                vec![
                    format!("DCS{}", self.last),
                    format!("DCT{}", given.join(separator)),
                    format!("DCU{suffix}"),
                ]
            }
            _ => {
                let flag = if self.truncated { "T" } else { "N" };
                vec![
                    format!("DCS{}", self.last),
                    format!("DDE{flag}"),
                    format!("DAC{}", self.first),
                    "DDFN".to_owned(),
                    // Several middle names are separated by commas (2009+).
                    format!("DAD{}", self.middles.join(",")),
                    "DDGN".to_owned(),
                    format!("DCU{suffix}"),
                ]
            }
        }
    }

    fn payload(&self) -> String {
        let (iin, code, canadian) = self.issuer;
        let mut fields = self.name_elements();
        fields.extend([
            format!("DAQ{}", self.number),
            format!("DBB{}", self.date(self.dob)),
            format!("DBA{}", self.date(self.expiry)),
            format!("DBC{}", self.sex.0),
            format!("DBD{}", self.date(date!(2020 - 01 - 02))),
            "DAU070 IN".to_owned(),
            "DAYBRO".to_owned(),
            "DAG123 MAIN ST".to_owned(),
            "DAIANYTOWN".to_owned(),
            format!("DAJ{code}"),
            "DAK123450000  ".to_owned(),
        ]);
        if self.version >= 2 {
            fields.extend([
                "DCAC".to_owned(),
                "DCBNONE".to_owned(),
                "DCDNONE".to_owned(),
                "DCF0001".to_owned(),
                format!("DCG{}", if canadian { "CAN" } else { "USA" }),
            ]);
        } else {
            fields.extend(["DARC".to_owned(), "DAS".to_owned(), "DAT".to_owned()]);
        }
        let mut shuffled: Vec<&String> = Vec::with_capacity(fields.len());
        for &index in &self.order {
            if let Some(field) = fields.get(index) {
                shuffled.push(field);
            }
        }
        let subfile_type = if self.id_card { "ID" } else { "DL" };
        let subfile = format!(
            "{subfile_type}{}\r",
            shuffled
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let jurisdiction = "ZXZXA1\nZXBSOMETHING\r";

        let entries = if self.jurisdiction_subfile { 2 } else { 1 };
        let mut header = format!("@\n\u{1e}\rANSI {iin}{:02}", self.version);
        if self.version >= 2 {
            header.push_str("01");
        }
        header.push_str(&format!("{entries:02}"));
        let offset = header.len() + 10 * entries;
        header.push_str(&format!("{subfile_type}{offset:04}{:04}", subfile.len()));
        if self.jurisdiction_subfile {
            let z_offset = offset + subfile.len();
            header.push_str(&format!("ZX{z_offset:04}{:04}", jurisdiction.len()));
        }
        let mut payload = header + &subfile;
        if self.jurisdiction_subfile {
            payload.push_str(jurisdiction);
        }
        payload
    }

    fn identity(&self) -> Identity {
        Identity {
            document: DocumentKind::Aamva,
            first_name: self.first.clone(),
            middle_name: (!self.middles.is_empty()).then(|| self.middles.join(" ")),
            last_name: self.last.clone(),
            suffix: self.suffix.map(str::to_owned),
            dob: self.dob,
            sex: Some(self.sex.1),
            issuer: Some(self.issuer.1.to_owned()),
            document_number_last4: Some(self.number[self.number.len() - 4..].to_owned()),
            expires: Some(self.expiry),
            expiry_unreadable: false,
            name_truncated: self.truncated,
        }
    }
}

/// Field by field, so a failure says which (`Identity`'s `Debug` hides personal data).
fn same(got: &Identity, want: &Identity) -> Result<(), TestCaseError> {
    prop_assert_eq!(&got.last_name, &want.last_name);
    prop_assert_eq!(&got.first_name, &want.first_name);
    prop_assert_eq!(&got.middle_name, &want.middle_name);
    prop_assert_eq!(&got.suffix, &want.suffix);
    prop_assert_eq!(got.dob, want.dob);
    prop_assert_eq!(got.sex, want.sex);
    prop_assert_eq!(&got.issuer, &want.issuer);
    prop_assert_eq!(&got.document_number_last4, &want.document_number_last4);
    prop_assert_eq!(got.expires, want.expires);
    prop_assert_eq!(got.name_truncated, want.name_truncated);
    prop_assert_eq!(got.document, want.document);
    prop_assert!(got == want);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn every_version_round_trips(card in card()) {
        let payload = card.payload();
        let got = aamva::parse(&payload);
        prop_assert!(got.is_ok(), "{:?} for {payload:?}", got.err());
        same(&got.unwrap(), &card.identity())?;
    }

    /// A keyboard-wedge scanner that drops LF, RS and CR: the elements are cut back apart by ID.
    #[test]
    fn every_version_round_trips_without_separators(card in card()) {
        let payload: String =
            card.payload().chars().filter(|c| !matches!(c, '\n' | '\r' | '\u{1e}')).collect();
        let got = aamva::parse(&payload);
        prop_assert!(got.is_ok(), "{:?} for {payload:?}", got.err());
        same(&got.unwrap(), &card.identity())?;
    }

    /// Scanners that turn LF into CRLF or CR.
    #[test]
    fn every_version_round_trips_with_crlf_or_cr(card in card(), crlf in any::<bool>()) {
        let payload = card.payload().replace('\n', if crlf { "\r\n" } else { "\r" });
        let got = aamva::parse(&payload);
        prop_assert!(got.is_ok(), "{:?} for {payload:?}", got.err());
        same(&got.unwrap(), &card.identity())?;
    }

    /// Scanners that deliver `|` in place of LF, and maybe of RS and CR too.
    #[test]
    fn every_version_round_trips_with_pipes(card in card(), every_separator in any::<bool>()) {
        let mut payload = card.payload().replace('\n', "|");
        if every_separator {
            payload = payload.replace(['\r', '\u{1e}'], "|");
        }
        let got = aamva::parse(&payload);
        prop_assert!(got.is_ok(), "{:?} for {payload:?}", got.err());
        same(&got.unwrap(), &card.identity())?;
    }

    /// First and middle names together in DAC, DAD empty, `NONE` or left out (Wyoming).
    #[test]
    fn first_and_middle_names_in_dac_are_split(card in card(), dad in 0usize..3) {
        if card.version < 4 || card.middles.is_empty() {
            return Ok(()); // no DAD on these cards, or nothing to split
        }
        let given = std::iter::once(card.first.as_str())
            .chain(card.middles.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        let dad = ["DAD\n", "DADNONE\n", ""][dad];
        let payload = card
            .payload()
            .replace(&format!("DAC{}\n", card.first), &format!("DAC{given}\n"))
            .replace(&format!("DAD{}\n", card.middles.join(",")), dad);
        // the element may have been the subfile's last (no LF after it): skip those orders
        if !payload.contains(&format!("DAC{given}\n"))
            || payload.contains(&format!("DAD{}", card.middles.join(",")))
        {
            return Ok(());
        }
        let got = aamva::parse(&payload);
        prop_assert!(got.is_ok(), "{:?} for {payload:?}", got.err());
        same(&got.unwrap(), &card.identity())?;
    }

    #[test]
    fn dates_outside_the_calendar_are_bad_dates((year, month, day) in calendar_date()) {
        let year = 1900 + year;
        let real = Date::from_calendar_date(year, Month::try_from(month).unwrap(), day).is_ok();
        let payload = format!(
            "@\n\u{1e}\rANSI 636030100101DL00310040DLDCSERIKSSON\nDACANNA\nDBB{month:02}{day:02}{year}\n\r"
        );
        match aamva::parse(&payload) {
            Ok(identity) => {
                prop_assert!(real);
                prop_assert_eq!(
                    (identity.dob.year(), u8::from(identity.dob.month()), identity.dob.day()),
                    (year, month, day)
                );
            }
            Err(error) => {
                prop_assert!(!real);
                prop_assert_eq!(error, vestibule::identity::ScanError::BadDate { field: "date of birth" });
            }
        }
    }
}
