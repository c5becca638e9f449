//! ICAO 9303 MRZ parsing: the ICAO specimens end to end, then one test per rule.
//!
//! Fixtures live in `tests/fixtures/mrz/` (sources in its README); the short constructed cases
//! are inline, with every check digit computed by hand from the 7-3-1 rule.

use time::macros::date;
use time::Date;
use vestibule::identity::{mrz, read_scan, DocumentKind, Identity, Scan, ScanError, Sex};

const TODAY: Date = date!(2026 - 11 - 22);

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/mrz/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A scan that must come out as a person.
fn person(raw: impl AsRef<[u8]>) -> Identity {
    match read_scan(raw.as_ref(), TODAY) {
        Ok(Scan::Person(identity)) => identity,
        Ok(other) => panic!("not a person: {other:?}"),
        Err(e) => panic!("refused: {e:?}"),
    }
}

fn scan_error(raw: impl AsRef<[u8]>) -> ScanError {
    match read_scan(raw.as_ref(), TODAY) {
        Err(e) => e,
        Ok(_) => panic!("accepted a scan that should be refused"),
    }
}

fn parse(lines: &[&str]) -> Result<Identity, ScanError> {
    mrz::parse(&lines.join("\n"), TODAY)
}

fn parse_ok(lines: &[&str]) -> Identity {
    parse(lines).unwrap_or_else(|e| panic!("refused: {e:?}"))
}

/// Field by field, because `Identity`'s `Debug` hides personal data.
fn assert_identity(got: &Identity, want: &Identity) {
    assert_eq!(got.document, want.document, "document");
    assert_eq!(got.first_name, want.first_name, "first name");
    assert_eq!(got.middle_name, want.middle_name, "middle name");
    assert_eq!(got.last_name, want.last_name, "last name");
    assert_eq!(got.suffix, want.suffix, "suffix");
    assert_eq!(got.dob, want.dob, "date of birth");
    assert_eq!(got.sex, want.sex, "sex");
    assert_eq!(got.issuer, want.issuer, "issuer");
    assert_eq!(
        got.document_number_last4, want.document_number_last4,
        "last 4"
    );
    assert_eq!(got.expires, want.expires, "expiry");
    assert_eq!(got.name_truncated, want.name_truncated, "truncated");
}

/// The ICAO specimen holder: Anna Maria Eriksson of Utopia.
fn eriksson(document: DocumentKind, last4: &str) -> Identity {
    Identity {
        document,
        first_name: "ANNA".into(),
        middle_name: Some("MARIA".into()),
        last_name: "ERIKSSON".into(),
        suffix: None,
        dob: date!(1974 - 08 - 12),
        sex: Some(Sex::F),
        issuer: Some("UTO".into()),
        document_number_last4: Some(last4.into()),
        expires: Some(date!(2012 - 04 - 15)),
        expiry_unreadable: false,
        name_truncated: false,
    }
}

fn td3_specimen_lines() -> [&'static str; 2] {
    [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
    ]
}

fn td1_specimen_lines() -> [&'static str; 3] {
    [
        "I<UTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ]
}

fn td2_specimen_lines() -> [&'static str; 2] {
    [
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D231458907UTO7408122F1204159<<<<<<<6",
    ]
}

/// A TD3 with the given line 2, for the date and name cases (line 1 is the specimen's).
fn td3_with(line1: &str, line2: &str) -> Result<Identity, ScanError> {
    parse(&[line1, line2])
}

/// Replaces the character at `column` of line `line` (both from 0).
fn with_char(lines: &[&str], line: usize, column: usize, replacement: char) -> Vec<String> {
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    out[line].replace_range(column..column + 1, &replacement.to_string());
    out
}

fn parse_owned(lines: &[String]) -> Result<Identity, ScanError> {
    mrz::parse(&lines.join("\n"), TODAY)
}

// --- ICAO specimens, end to end -------------------------------------------------------------

#[test]
fn td3_passport_specimen() {
    let id = person(fixture("td3-specimen.txt"));
    assert_identity(&id, &eriksson(DocumentKind::MrzTd3, "02C3"));
}

#[test]
fn td1_id_card_specimen() {
    let id = person(fixture("td1-specimen.txt"));
    assert_identity(&id, &eriksson(DocumentKind::MrzTd1, "5890"));
}

#[test]
fn td2_id_card_specimen() {
    let id = person(fixture("td2-specimen.txt"));
    assert_identity(&id, &eriksson(DocumentKind::MrzTd2, "5890"));
}

#[test]
fn mrv_a_visa_specimen_reads_as_td3_sized() {
    let id = person(fixture("mrva-specimen.txt"));
    let want = Identity {
        dob: date!(1940 - 09 - 07),
        expires: Some(date!(1996 - 12 - 10)),
        ..eriksson(DocumentKind::MrzTd3, "901C")
    };
    assert_identity(&id, &want);
}

#[test]
fn mrv_b_visa_reads_as_td2_sized() {
    // Constructed from the MRV-A specimen: 2 x 36, no composite check digit.
    let id = parse_ok(&[
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "L8988901C4XXX4009078F96121096ZE18422",
    ]);
    let want = Identity {
        dob: date!(1940 - 09 - 07),
        expires: Some(date!(1996 - 12 - 10)),
        ..eriksson(DocumentKind::MrzTd2, "901C")
    };
    assert_identity(&id, &want);
}

#[test]
fn bench_samples_are_the_specimens() {
    for (sample, kind, last4) in [
        ("mrz-td3-specimen.txt", DocumentKind::MrzTd3, "02C3"),
        ("mrz-td1-specimen.txt", DocumentKind::MrzTd1, "5890"),
    ] {
        let path = format!("{}/samples/scans/{sample}", env!("CARGO_MANIFEST_DIR"));
        let raw = std::fs::read(&path).unwrap();
        assert_identity(&person(raw), &eriksson(kind, last4));
    }
}

#[test]
fn specimens_have_expired_by_today() {
    let id = person(fixture("td3-specimen.txt"));
    assert!(id.is_expired(TODAY));
    assert!(
        !id.is_expired(date!(2012 - 04 - 15)),
        "valid through its expiry date"
    );
    assert!(id.is_expired(date!(2012 - 04 - 16)));
}

// --- Long document numbers (ICAO 9303 part 5 / part 6) --------------------------------------

#[test]
fn td1_long_document_number_continues_in_optional_data() {
    // D23145890734: `D23145890`, `<`, then `734` and its check digit 9 in the optional data.
    let id = person(fixture("td1-long-number.txt"));
    assert_identity(&id, &eriksson(DocumentKind::MrzTd1, "0734"));
}

#[test]
fn td2_long_document_number_continues_in_optional_data() {
    // D2314589073: `D23145890`, `<`, then `73` and its check digit 5 in the optional data.
    let id = person(fixture("td2-long-number.txt"));
    assert_identity(&id, &eriksson(DocumentKind::MrzTd2, "9073"));
}

#[test]
fn long_document_number_check_digit_covers_the_whole_number() {
    let td1 = fixture("td1-long-number.txt");
    let td1: Vec<&str> = td1.lines().collect();
    // A misread in the continuation, and a wrong check digit after it.
    for (column, replacement) in [(15, '8'), (18, '1')] {
        let lines = with_char(&td1, 0, column, replacement);
        assert_eq!(
            parse_owned(&lines),
            Err(ScanError::CheckDigit("document number"))
        );
    }
    let td2 = fixture("td2-long-number.txt");
    let td2: Vec<&str> = td2.lines().collect();
    for (column, replacement) in [(28, '1'), (30, '6')] {
        let lines = with_char(&td2, 1, column, replacement);
        assert_eq!(
            parse_owned(&lines),
            Err(ScanError::CheckDigit("document number"))
        );
    }
}

/// A Belgian ID card (constructed, fictional holder): the 12-digit card number `592123456781`
/// as `592123456` `<` `781` and a check digit computed over the number as printed, filler
/// included (5; ICAO's rule gives 3), as Belgian cards do.
#[test]
fn belgian_long_number_with_the_filler_in_its_check_digit() {
    let want = Identity {
        document: DocumentKind::MrzTd1,
        first_name: "LIESBETH".into(),
        middle_name: Some("MARIE".into()),
        last_name: "PEETERS".into(),
        suffix: None,
        dob: date!(1983 - 04 - 19),
        sex: Some(Sex::F),
        issuer: Some("BEL".into()),
        document_number_last4: Some("6781".into()),
        expires: Some(date!(2030 - 04 - 19)),
        expiry_unreadable: false,
        name_truncated: false,
    };
    assert_identity(&person(fixture("td1-belgian-long-number.txt")), &want);
    // The same card with ICAO's check digit (3) reads the same.
    assert_identity(&person(fixture("td1-belgian-long-number-icao.txt")), &want);
    // Any other check digit is a misread.
    let text = fixture("td1-belgian-long-number.txt");
    let lines: Vec<&str> = text.lines().collect();
    for wrong in ['0', '4', '9'] {
        let lines = with_char(&lines, 0, 18, wrong);
        assert!(matches!(parse_owned(&lines), Err(ScanError::CheckDigit(_))));
    }
    // A misread digit in the continuation is caught.
    let lines = with_char(&lines, 0, 16, '2');
    assert!(matches!(parse_owned(&lines), Err(ScanError::CheckDigit(_))));
}

#[test]
fn long_number_marker_without_continuation_is_a_misread() {
    // `<` where the check digit goes, but nothing in the optional data.
    let lines = [
        "I<UTOD23145890<<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ];
    assert_eq!(parse(&lines), Err(ScanError::CheckDigit("document number")));
}

#[test]
fn td3_has_no_long_number_rule() {
    let lines = with_char(&td3_specimen_lines(), 1, 9, '<');
    assert_eq!(
        parse_owned(&lines),
        Err(ScanError::CheckDigit("document number"))
    );
}

#[test]
fn short_document_number_drops_its_fillers() {
    let id = parse_ok(&[
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
        "D23145<<<4UTO7408122F1204159<<<<<<<2",
    ]);
    assert_eq!(id.document_number_last4.as_deref(), Some("3145"));
}

// --- Check digits ---------------------------------------------------------------------------

#[test]
fn every_td3_check_digit_is_verified() {
    let specimen = td3_specimen_lines();
    for (column, replacement, field) in [
        (9, '5', "document number"),
        (2, '7', "document number"), // a misread inside the number itself
        (19, '3', "date of birth"),
        (15, '5', "date of birth"),
        (27, '8', "expiry date"),
        (22, '3', "expiry date"),
        (42, '2', "personal number"),
        (30, '9', "personal number"),
        (43, '1', "composite"),
    ] {
        let lines = with_char(&specimen, 1, column, replacement);
        assert_eq!(
            parse_owned(&lines),
            Err(ScanError::CheckDigit(field)),
            "column {column}"
        );
    }
}

#[test]
fn every_td1_check_digit_is_verified() {
    let specimen = td1_specimen_lines();
    for (line, column, replacement, field) in [
        (0, 14, '8', "document number"),
        (1, 6, '3', "date of birth"),
        (1, 14, '8', "expiry date"),
        (1, 29, '7', "composite"),
        // Optional data is covered by the composite only.
        (0, 20, 'B', "composite"),
        (1, 20, '4', "composite"),
    ] {
        let lines = with_char(&specimen, line, column, replacement);
        assert_eq!(
            parse_owned(&lines),
            Err(ScanError::CheckDigit(field)),
            "{line}:{column}"
        );
    }
}

#[test]
fn every_td2_check_digit_is_verified() {
    let specimen = td2_specimen_lines();
    for (column, replacement, field) in [
        (9, '8', "document number"),
        (19, '3', "date of birth"),
        (27, '8', "expiry date"),
        (35, '7', "composite"),
        (30, 'X', "composite"),
    ] {
        let lines = with_char(&specimen, 1, column, replacement);
        assert_eq!(
            parse_owned(&lines),
            Err(ScanError::CheckDigit(field)),
            "column {column}"
        );
    }
}

#[test]
fn a_letter_in_a_check_digit_position_is_a_misread() {
    // OCR often reads `0` as `O`.
    let lines = with_char(&td3_specimen_lines(), 1, 43, 'O');
    assert_eq!(parse_owned(&lines), Err(ScanError::CheckDigit("composite")));
}

#[test]
fn empty_personal_number_may_have_a_filler_check_digit() {
    let id = parse_ok(&[
        "P<UTOERIKSSON<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F3204153<<<<<<<<<<<<<<<4",
    ]);
    assert_eq!(id.document_number_last4.as_deref(), Some("02C3"));
    assert_eq!(id.expires, Some(date!(2032 - 04 - 15)));
    // ... but not when there is a personal number.
    let lines = with_char(&td3_specimen_lines(), 1, 42, '<');
    assert_eq!(
        parse_owned(&lines),
        Err(ScanError::CheckDigit("personal number"))
    );
}

// --- Garbled zones --------------------------------------------------------------------------

#[test]
fn wrong_line_lengths_are_garbled() {
    let [l1, l2] = td3_specimen_lines();
    let short = &l2[..43];
    let long = format!("{l2}<");
    for lines in [
        vec![l1, short],
        vec![&l1[..43], &l2[..43]],
        vec![l1, long.as_str()],
    ] {
        assert!(matches!(parse(&lines), Err(ScanError::Garbled(_))));
        // A torn read still looks like an MRZ, so the visitor is asked to scan again.
        assert!(matches!(
            scan_error(lines.join("\n")),
            ScanError::Garbled(_)
        ));
    }
    // Three lines of TD3 length, two of TD1 length, one line alone.
    let td1 = td1_specimen_lines();
    for lines in [vec![l1, l2, l2], vec![td1[0], td1[1]], vec![l1]] {
        assert!(matches!(parse(&lines), Err(ScanError::Garbled(_))));
    }
    // A fourth line.
    let four = [td1[0], td1[1], td1[2], td1[2]];
    assert!(matches!(parse(&four), Err(ScanError::Garbled(_))));
}

#[test]
fn characters_outside_the_mrz_set_are_garbled() {
    let [l1, l2] = td3_specimen_lines();
    for bad in ['#', ' ', 'É', '-'] {
        let lines = with_char(&[l1, l2], 0, 10, bad);
        assert!(
            matches!(parse_owned(&lines), Err(ScanError::Garbled(_))),
            "{bad:?}"
        );
    }
}

#[test]
fn lines_out_of_order_are_garbled() {
    let [a, b, c] = td1_specimen_lines();
    assert!(matches!(parse(&[c, a, b]), Err(ScanError::Garbled(_))));
    let [l1, l2] = td3_specimen_lines();
    assert!(matches!(parse(&[l2, l1]), Err(ScanError::Garbled(_))));
    // Nothing starts with a document code, so read_scan does not take it for an MRZ.
    assert_eq!(scan_error(format!("{l2}\n{l1}")), ScanError::Unrecognised);
}

#[test]
fn bad_document_code_issuer_and_sex_are_garbled() {
    let specimen = td3_specimen_lines();
    for (line, column, replacement) in [
        (0, 1, '7'),  // document code type
        (0, 3, '1'),  // issuing state with a digit
        (0, 2, '<'),  // issuing state starting with a filler
        (1, 20, 'Q'), // sex
    ] {
        let lines = with_char(&specimen, line, column, replacement);
        assert!(
            matches!(parse_owned(&lines), Err(ScanError::Garbled(_))),
            "{line}:{column}"
        );
    }
    // A visa is never three lines.
    let td1 = td1_specimen_lines();
    let lines = with_char(&td1, 0, 0, 'V');
    assert!(matches!(parse_owned(&lines), Err(ScanError::Garbled(_))));
}

#[test]
fn a_digit_in_the_name_is_garbled() {
    let lines = with_char(&td3_specimen_lines(), 0, 11, '0'); // ERIKSS0N
    assert!(matches!(parse_owned(&lines), Err(ScanError::Garbled(_))));
}

#[test]
fn empty_text_is_empty() {
    assert_eq!(mrz::parse("", TODAY), Err(ScanError::Empty));
    assert_eq!(mrz::parse(" \r\n ", TODAY), Err(ScanError::Empty));
}

// --- How scanners deliver the lines ---------------------------------------------------------

#[test]
fn any_line_separator_and_surrounding_whitespace() {
    let [l1, l2] = td3_specimen_lines();
    let want = eriksson(DocumentKind::MrzTd3, "02C3");
    for raw in [
        format!("{l1}\r\n{l2}"),
        format!("{l1}\r{l2}"),
        format!("{l1}\n{l2}\n"),
        format!("{l1}{l2}"),
        format!("  \n{l1}   \r\n  {l2}  \r\n\r\n"),
        format!("{l1}\n\n{l2}"),
    ] {
        assert_identity(&person(&raw), &want);
    }
    let [a, b, c] = td1_specimen_lines();
    for raw in [
        format!("{a}\r\n{b}\r\n{c}\r\n"),
        format!("{a}{b}{c}"),
        format!("{a}\r{b}\r{c}"),
    ] {
        assert_identity(&person(&raw), &eriksson(DocumentKind::MrzTd1, "5890"));
    }
    let [x, y] = td2_specimen_lines();
    assert_identity(
        &person(format!("{x}{y}")),
        &eriksson(DocumentKind::MrzTd2, "5890"),
    );
}

#[test]
fn lowercase_ocr_output_is_read() {
    let lower = fixture("td3-specimen.txt").to_lowercase();
    assert_identity(&person(lower), &eriksson(DocumentKind::MrzTd3, "02C3"));
}

#[test]
fn looks_like_mrz_is_a_shape_test() {
    assert!(mrz::looks_like_mrz(&fixture("td1-specimen.txt")));
    assert!(mrz::looks_like_mrz(&td3_specimen_lines().concat()));
    assert!(!mrz::looks_like_mrz(
        "@\n\u{1e}\rANSI 636020100102DL00410278ZV03190008DLDAQ123"
    ));
    assert!(!mrz::looks_like_mrz("VSTB1:eyJ2IjoxfQ.c2lnbmF0dXJl"));
    assert!(!mrz::looks_like_mrz(&td3_specimen_lines()[0][..40]));
    assert!(!mrz::looks_like_mrz("hello\nworld"));
}

// --- Names ----------------------------------------------------------------------------------

#[test]
fn fillers_inside_names_are_spaces_and_suffixes_split() {
    let id = parse_ok(&[
        "P<USADE<LA<CRUZ<III<<JUAN<PABLO<<<<<<<<<<<<<",
        "X123456785USA8507044<3107036<<<<<<<<<<<<<<02",
    ]);
    let want = Identity {
        document: DocumentKind::MrzTd3,
        first_name: "JUAN".into(),
        middle_name: Some("PABLO".into()),
        last_name: "DE LA CRUZ".into(),
        suffix: Some("III".into()),
        dob: date!(1985 - 07 - 04),
        sex: None, // `<`
        issuer: Some("USA".into()),
        document_number_last4: Some("5678".into()),
        expires: Some(date!(2031 - 07 - 03)),
        expiry_unreadable: false,
        name_truncated: false,
    };
    assert_identity(&id, &want);
}

#[test]
fn suffix_in_the_given_names_of_a_passport_card() {
    let id = person(fixture("td1-passport-card.txt"));
    let want = Identity {
        document: DocumentKind::MrzTd1,
        first_name: "JOHN".into(),
        middle_name: Some("PAUL".into()),
        last_name: "SPECIMEN".into(),
        suffix: Some("JR".into()),
        dob: date!(1990 - 01 - 01),
        sex: Some(Sex::M),
        issuer: Some("USA".into()),
        document_number_last4: Some("5988".into()),
        expires: Some(date!(2033 - 01 - 01)),
        expiry_unreadable: false,
        name_truncated: false,
    };
    assert_identity(&id, &want);
}

#[test]
fn one_letter_issuer_is_trimmed_of_fillers() {
    let id = parse_ok(&[
        "IDD<<T220001293<<<<<<<<<<<<<<<",
        "6408125F3103315D<<<<<<<<<<<<<2",
        "MUSTERMANN<<ERIKA<<<<<<<<<<<<<",
    ]);
    let want = Identity {
        document: DocumentKind::MrzTd1,
        first_name: "ERIKA".into(),
        middle_name: None,
        last_name: "MUSTERMANN".into(),
        suffix: None,
        dob: date!(1964 - 08 - 12),
        sex: Some(Sex::F),
        issuer: Some("D".into()),
        document_number_last4: Some("0129".into()),
        expires: Some(date!(2031 - 03 - 31)),
        expiry_unreadable: false,
        name_truncated: false,
    };
    assert_identity(&id, &want);
}

#[test]
fn no_given_names() {
    let id = parse_ok(&[
        "P<UTOERIKSSON<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122X3204153<<<<<<<<<<<<<<04",
    ]);
    let want = Identity {
        first_name: String::new(),
        middle_name: None,
        sex: Some(Sex::X),
        expires: Some(date!(2032 - 04 - 15)),
        ..eriksson(DocumentKind::MrzTd3, "02C3")
    };
    assert_identity(&id, &want);
}

#[test]
fn without_a_double_filler_the_whole_field_is_the_surname() {
    let id = parse_ok(&[
        "P<UTOERIKSSON<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F3204153<<<<<<<<<<<<<<04",
    ]);
    assert_eq!(id.last_name, "ERIKSSON ANNA");
    assert_eq!(id.first_name, "");
    assert_eq!(id.middle_name, None);
}

#[test]
fn a_name_filling_the_field_is_truncated() {
    let id = parse_ok(&[
        "P<UTOVANDERBERGHE<VANDENBROUCK<<ANNA<MARIA<V",
        "L898902C36UTO7408122F3204153<<<<<<<<<<<<<<04",
    ]);
    let want = Identity {
        first_name: "ANNA".into(),
        // The cut-off `V` may be the start of a name, so it is not taken for a suffix.
        middle_name: Some("MARIA V".into()),
        last_name: "VANDERBERGHE VANDENBROUCK".into(),
        suffix: None,
        expires: Some(date!(2032 - 04 - 15)),
        expiry_unreadable: false,
        name_truncated: true,
        ..eriksson(DocumentKind::MrzTd3, "02C3")
    };
    assert_identity(&id, &want);
}

#[test]
fn no_primary_identifier_reads_the_one_name_as_the_surname() {
    // A person with one name, written as the secondary identifier (`<<` at the start).
    let id = td3_with(
        "P<UTO<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F3204153<<<<<<<<<<<<<<04",
    )
    .unwrap();
    assert_eq!(
        (
            id.last_name.as_str(),
            id.first_name.as_str(),
            &id.middle_name
        ),
        ("ANNA MARIA", "", &None)
    );
    // constructed, fictional: a passport with one name (fixtures/mrz/README.md)
    let id = person(fixture("td3-no-primary-identifier.txt"));
    assert_identity(
        &id,
        &Identity {
            document: DocumentKind::MrzTd3,
            first_name: String::new(),
            middle_name: None,
            last_name: "KALINDA".into(),
            suffix: None,
            dob: date!(1991 - 05 - 17),
            sex: Some(Sex::F),
            issuer: Some("UTO".into()),
            document_number_last4: Some("1736".into()),
            expires: Some(date!(2031 - 05 - 16)),
            expiry_unreadable: false,
            name_truncated: false,
        },
    );
    let id = person(fixture("td1-no-primary-identifier.txt"));
    assert_identity(
        &id,
        &Identity {
            document: DocumentKind::MrzTd1,
            first_name: String::new(),
            middle_name: None,
            last_name: "TENZIN NORBU".into(),
            suffix: None,
            dob: date!(1988 - 02 - 29),
            sex: Some(Sex::M),
            issuer: Some("UTO".into()),
            document_number_last4: Some("1902".into()),
            expires: Some(date!(2033 - 02 - 28)),
            expiry_unreadable: false,
            name_truncated: false,
        },
    );
}

#[test]
fn an_empty_name_is_refused() {
    let result = td3_with(
        "P<UTO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO7408122F3204153<<<<<<<<<<<<<<04",
    );
    assert_eq!(result, Err(ScanError::MissingName));
}

// --- Dates ----------------------------------------------------------------------------------

const ANNA: &str = "P<UTOERIKSSON<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<";

#[test]
fn birth_century_is_the_latest_not_after_today() {
    // Today is 2026-11-22: a birth on 26-11-23 would be tomorrow, so it was 1926.
    let id = td3_with(ANNA, "L898902C36UTO2611239F3204153<<<<<<<<<<<<<<06").unwrap();
    assert_eq!(id.dob, date!(1926 - 11 - 23));
    // Born today is not in the future.
    let id = td3_with(ANNA, "L898902C36UTO2611228F3204153<<<<<<<<<<<<<<06").unwrap();
    assert_eq!(id.dob, date!(2026 - 11 - 22));
    // The same line read a day later.
    let later = mrz::parse(
        &format!("{ANNA}\nL898902C36UTO2611239F3204153<<<<<<<<<<<<<<06"),
        date!(2026 - 11 - 23),
    )
    .unwrap();
    assert_eq!(later.dob, date!(2026 - 11 - 23));
}

#[test]
fn expiry_century_is_at_most_fifty_years_ahead() {
    let id = td3_with(ANNA, "L898902C36UTO7408122F7612312<<<<<<<<<<<<<<08").unwrap();
    assert_eq!(id.expires, Some(date!(2076 - 12 - 31)));
    assert!(!id.is_expired(TODAY));
    let id = td3_with(ANNA, "L898902C36UTO7408122F7701018<<<<<<<<<<<<<<06").unwrap();
    assert_eq!(id.expires, Some(date!(1977 - 01 - 01)));
    assert!(id.is_expired(TODAY));
}

#[test]
fn expiry_of_fillers_means_no_expiry() {
    let id = td3_with(ANNA, "L898902C36UTO7408122F<<<<<<0<<<<<<<<<<<<<<08").unwrap();
    assert_eq!(id.expires, None);
    assert!(!id.is_expired(TODAY));
}

#[test]
fn unknown_date_of_birth_is_refused() {
    // Wholly unknown, and day unknown: the kiosk cannot screen without a whole date.
    for line2 in [
        "L898902C36UTO<<<<<<0F3204153<<<<<<<<<<<<<<04",
        "L898902C36UTO7408<<7F3204153<<<<<<<<<<<<<<04",
    ] {
        assert_eq!(td3_with(ANNA, line2), Err(ScanError::MissingDateOfBirth));
    }
}

#[test]
fn impossible_dates_are_refused() {
    let month_13 = td3_with(ANNA, "L898902C36UTO7413128F3204153<<<<<<<<<<<<<<04");
    assert_eq!(
        month_13,
        Err(ScanError::BadDate {
            field: "date of birth"
        })
    );
    let february_30 = td3_with(ANNA, "L898902C36UTO7402304F3204153<<<<<<<<<<<<<<00");
    assert_eq!(
        february_30,
        Err(ScanError::BadDate {
            field: "date of birth"
        })
    );
}

#[test]
fn an_impossible_expiry_is_an_unknown_expiry() {
    // Month 13, every check digit matching: the document reads, its expiry is unknown, and an
    // unknown expiry counts as expired (the kiosk's expired-ID policy applies).
    let id = td3_with(ANNA, "L898902C36UTO7408122F3213157<<<<<<<<<<<<<<00").unwrap();
    assert_eq!((id.expires, id.expiry_unreadable), (None, true));
    assert!(id.is_expired(TODAY));
    assert_eq!(id.last_name, "ERIKSSON");
    // An unknown part (`<<` for the day).
    let id = td3_with(ANNA, "L898902C36UTO7408122F3204<<5<<<<<<<<<<<<<<<4").unwrap();
    assert_eq!((id.expires, id.expiry_unreadable), (None, true));
    // A letter in it is still a misread.
    let result = td3_with(ANNA, "L898902C36UTO7408122F32O4153<<<<<<<<<<<<<<04");
    assert!(result.is_err());
}

#[test]
fn letters_in_a_date_are_refused() {
    // An `O` read for a `0` whose check digit (1) and composite (4) happen to match.
    let result = td3_with(ANNA, "L898902C36UTO7408O21F3204153<<<<<<<<<<<<<<04");
    assert_eq!(
        result,
        Err(ScanError::BadDate {
            field: "date of birth"
        })
    );
}
