//! Properties of the MRZ parser: it never panics, it reads back every valid zone a generator
//! can write (TD1, TD2, TD3, long document numbers, any separator, any case), and a single
//! misread digit in a check-digit-covered field is always refused.

use proptest::prelude::*;
use time::{Date, Duration, Month};
use vestibule::identity::{mrz, read_scan, suffix_word, DocumentKind, Identity, ScanError, Sex};

#[derive(Clone, Copy, Debug)]
enum Layout {
    Td1,
    Td2,
    Td3,
}

impl Layout {
    fn name_field(self) -> usize {
        match self {
            Layout::Td1 => 30,
            Layout::Td2 => 31,
            Layout::Td3 => 39,
        }
    }

    /// The longest document number the layout can hold with the long-number rule (a filler
    /// must follow the check digit in the optional data).
    fn longest_number(self) -> usize {
        match self {
            Layout::Td1 => 9 + 13,
            Layout::Td2 => 9 + 5,
            Layout::Td3 => 9,
        }
    }

    fn kind(self) -> DocumentKind {
        match self {
            Layout::Td1 => DocumentKind::MrzTd1,
            Layout::Td2 => DocumentKind::MrzTd2,
            Layout::Td3 => DocumentKind::MrzTd3,
        }
    }
}

/// Everything a generated document says, in the clear.
#[derive(Clone, Debug)]
struct Document {
    layout: Layout,
    today: Date,
    issuer: String,
    nationality: String,
    surname: Vec<String>,
    given: Vec<String>,
    number: String,
    dob: Date,
    sex: char,
    expiry: Date,
    optional: String,
    separator: &'static str,
    lowercase: bool,
}

// --- A writer independent of the parser -----------------------------------------------------

fn check_digit(field: &str) -> char {
    let sum: u32 = field
        .bytes()
        .zip([7, 3, 1].iter().cycle())
        .map(|(b, w)| {
            let value = match b {
                b'0'..=b'9' => u32::from(b - b'0'),
                b'A'..=b'Z' => u32::from(b - b'A') + 10,
                _ => 0,
            };
            value * w
        })
        .sum();
    char::from_digit(sum % 10, 10).unwrap()
}

fn pad(text: &str, width: usize) -> String {
    assert!(text.len() <= width, "{text} does not fit in {width}");
    format!("{text:<<width$}")
}

fn yymmdd(date: Date) -> String {
    format!(
        "{:02}{:02}{:02}",
        date.year().rem_euclid(100),
        u8::from(date.month()),
        date.day()
    )
}

fn with_check(field: &str) -> String {
    format!("{field}{}", check_digit(field))
}

impl Document {
    fn name(&self) -> String {
        let surname = self.surname.join("<");
        if self.given.is_empty() {
            surname
        } else {
            format!("{surname}<<{}", self.given.join("<"))
        }
    }

    /// The document number field with its check digit, and what continues in the optional data.
    fn number_fields(&self) -> (String, String) {
        if self.number.len() <= 9 {
            (with_check(&pad(&self.number, 9)), String::new())
        } else {
            let (principal, rest) = self.number.split_at(9);
            (
                format!("{principal}<"),
                format!("{rest}{}<", check_digit(&self.number)),
            )
        }
    }

    fn lines(&self) -> Vec<String> {
        let (number, continuation) = self.number_fields();
        let dob = with_check(&yymmdd(self.dob));
        let expiry = with_check(&yymmdd(self.expiry));
        let header = format!("{}{}", "I<", pad(&self.issuer, 3));
        match self.layout {
            Layout::Td1 => {
                let line1 = format!("{header}{number}{}", pad(&continuation, 15));
                let mut line2 = format!(
                    "{dob}{}{expiry}{}{}",
                    self.sex,
                    self.nationality,
                    pad(&self.optional, 11)
                );
                let composite = format!(
                    "{}{}{}{}",
                    &line1[5..30],
                    &line2[0..7],
                    &line2[8..15],
                    &line2[18..29]
                );
                line2.push(check_digit(&composite));
                vec![line1, line2, pad(&self.name(), 30)]
            }
            Layout::Td2 => {
                let line1 = format!("{header}{}", pad(&self.name(), 31));
                let mut line2 = format!(
                    "{number}{}{dob}{}{expiry}{}",
                    self.nationality,
                    self.sex,
                    pad(&continuation, 7)
                );
                let composite = format!("{}{}{}", &line2[0..10], &line2[13..20], &line2[21..35]);
                line2.push(check_digit(&composite));
                vec![line1, line2]
            }
            Layout::Td3 => {
                let line1 = format!("P<{}{}", pad(&self.issuer, 3), pad(&self.name(), 39));
                let personal = with_check(&pad(&self.optional, 14));
                let mut line2 = format!(
                    "{number}{}{dob}{}{expiry}{personal}",
                    self.nationality, self.sex
                );
                let composite = format!("{}{}{}", &line2[0..10], &line2[13..20], &line2[21..43]);
                line2.push(check_digit(&composite));
                vec![line1, line2]
            }
        }
    }

    fn scan(&self) -> String {
        let text = self.lines().join(self.separator);
        if self.lowercase {
            text.to_lowercase()
        } else {
            text
        }
    }

    fn expected(&self) -> Identity {
        let tail_start = self.number.len().saturating_sub(4);
        Identity {
            document: self.layout.kind(),
            first_name: self.given.first().cloned().unwrap_or_default(),
            middle_name: (self.given.len() > 1).then(|| self.given[1..].join(" ")),
            last_name: self.surname.join(" "),
            suffix: None,
            dob: self.dob,
            sex: match self.sex {
                'M' => Some(Sex::M),
                'F' => Some(Sex::F),
                'X' => Some(Sex::X),
                _ => None,
            },
            issuer: Some(self.issuer.clone()),
            document_number_last4: Some(self.number[tail_start..].to_owned()),
            expires: Some(self.expiry),
            expiry_unreadable: false,
            name_truncated: false,
        }
    }

    /// Positions (line, column) of the digits some check digit covers.
    fn covered_digits(&self) -> Vec<(usize, usize)> {
        let covered: &[(usize, std::ops::Range<usize>)] = match self.layout {
            Layout::Td1 => &[(0, 5..30), (1, 0..7), (1, 8..15), (1, 18..30)],
            Layout::Td2 => &[(1, 0..10), (1, 13..20), (1, 21..36)],
            Layout::Td3 => &[(1, 0..10), (1, 13..20), (1, 21..44)],
        };
        let lines = self.lines();
        covered
            .iter()
            .flat_map(|(line, columns)| columns.clone().map(move |column| (*line, column)))
            .filter(|&(line, column)| lines[line].as_bytes()[column].is_ascii_digit())
            .collect()
    }
}

// --- Strategies -----------------------------------------------------------------------------

fn word() -> impl Strategy<Value = String> {
    // A name word the parsers would take for a suffix (`JR`, `DMD`) is no name word here.
    "[A-Z]{2,8}".prop_filter("not a suffix", |w| suffix_word(w).is_none())
}

fn date_from_days(days: i64) -> Date {
    Date::from_calendar_date(1990, Month::January, 1).unwrap() + Duration::days(days)
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![Just(Layout::Td1), Just(Layout::Td2), Just(Layout::Td3)]
}

fn document() -> impl Strategy<Value = Document> {
    layout()
        .prop_flat_map(|layout| {
            let number_len = prop_oneof![1..=9usize, 9..=layout.longest_number()];
            let number = number_len.prop_flat_map(|len| {
                proptest::string::string_regex(&format!("[A-Z0-9]{{{len}}}")).unwrap()
            });
            let optional_len = match layout {
                Layout::Td1 => 11,
                Layout::Td2 => 0,
                Layout::Td3 => 14,
            };
            (
                Just(layout),
                (0i64..40_000, 0i64..36_500, 0i32..100, 1u8..=12, 1u8..=28),
                ("[A-Z]{1,3}", "[A-Z]{3}"),
                (
                    prop::collection::vec(word(), 1..=2),
                    prop::collection::vec(word(), 0..=3),
                ),
                number,
                prop_oneof![Just('M'), Just('F'), Just('X'), Just('<')],
                proptest::string::string_regex(&format!("[A-Z0-9]{{0,{optional_len}}}")).unwrap(),
                prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")],
                any::<bool>(),
            )
        })
        .prop_map(
            |(
                layout,
                dates,
                (issuer, nationality),
                (surname, given),
                number,
                sex,
                optional,
                separator,
                lowercase,
            )| {
                let (today, age, expiry_offset, month, day) = dates;
                let today = date_from_days(today);
                let expiry_year = today.year() - 49 + expiry_offset;
                Document {
                    layout,
                    today,
                    issuer,
                    nationality,
                    surname,
                    given,
                    number,
                    dob: today - Duration::days(age),
                    sex,
                    expiry: Date::from_calendar_date(
                        expiry_year,
                        Month::try_from(month).unwrap(),
                        day,
                    )
                    .unwrap(),
                    optional,
                    separator,
                    lowercase,
                }
            },
        )
        .prop_filter("the name fits with a filler to spare", |doc| {
            doc.name().len() < doc.layout.name_field()
        })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(raw in prop::collection::vec(any::<u8>(), 0..400)) {
        let today = date_from_days(13_000);
        let _ = read_scan(&raw, today);
        let _ = mrz::parse(&String::from_utf8_lossy(&raw), today);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = mrz::parse(&text, date_from_days(13_000));
        let _ = mrz::looks_like_mrz(&text);
    }

    #[test]
    fn mrz_shaped_text_never_panics(text in "[PIACVpiacv][A-Za-z0-9<]{0,50}[\r\n]{0,2}[A-Za-z0-9<]{0,50}[\r\n]?[A-Za-z0-9<]{0,40}") {
        let today = date_from_days(13_000);
        let _ = mrz::parse(&text, today);
        let _ = read_scan(text.as_bytes(), today);
    }

    #[test]
    fn valid_zones_read_back(doc in document()) {
        let got = mrz::parse(&doc.scan(), doc.today);
        let got = got.map_err(|e| TestCaseError::fail(format!("refused {:?}: {e:?}", doc.lines())))?;
        let want = doc.expected();
        prop_assert_eq!(got.document, want.document);
        prop_assert_eq!(&got.first_name, &want.first_name);
        prop_assert_eq!(&got.middle_name, &want.middle_name);
        prop_assert_eq!(&got.last_name, &want.last_name);
        prop_assert_eq!(&got.suffix, &want.suffix);
        prop_assert_eq!(got.dob, want.dob);
        prop_assert_eq!(got.sex, want.sex);
        prop_assert_eq!(&got.issuer, &want.issuer);
        prop_assert_eq!(&got.document_number_last4, &want.document_number_last4);
        prop_assert_eq!(got.expires, want.expires);
        prop_assert_eq!(got.name_truncated, want.name_truncated);
    }

    #[test]
    fn valid_zones_read_back_through_read_scan(doc in document()) {
        let got = read_scan(doc.scan().as_bytes(), doc.today);
        prop_assert!(got.is_ok(), "refused {:?}: {:?}", doc.lines(), got);
    }

    #[test]
    fn one_misread_digit_is_refused(doc in document(), pick in any::<prop::sample::Index>(), delta in 1u8..=9) {
        let covered = doc.covered_digits();
        let (line, column) = *pick.get(&covered);
        let mut lines = doc.lines();
        let digit = lines[line].as_bytes()[column] - b'0';
        let misread = char::from(b'0' + (digit + delta) % 10);
        lines[line].replace_range(column..=column, &misread.to_string());
        let got = mrz::parse(&lines.join("\n"), doc.today);
        prop_assert!(matches!(got, Err(ScanError::CheckDigit(_))), "{:?} -> {:?}", lines, got);
    }

    #[test]
    fn any_single_character_change_never_panics(doc in document(), pick in any::<prop::sample::Index>(), to in "[A-Z0-9<]") {
        let mut text = doc.lines().concat();
        let at = pick.index(text.len());
        text.replace_range(at..=at, &to);
        let _ = mrz::parse(&text, doc.today);
    }
}
