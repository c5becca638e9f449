use super::*;
use crate::identity::DocumentKind;
use time::macros::date;

fn id(first: &str, middle: &str, last: &str, suffix: &str) -> Identity {
    Identity {
        document: DocumentKind::Aamva,
        first_name: first.into(),
        middle_name: Some(middle.to_owned()).filter(|m| !m.is_empty()),
        last_name: last.into(),
        suffix: Some(suffix.to_owned()).filter(|s| !s.is_empty()),
        dob: date!(1985 - 04 - 12),
        sex: None,
        issuer: Some("CA".into()),
        document_number_last4: Some("1234".into()),
        expires: None,
        expiry_unreadable: false,
        name_truncated: false,
    }
}

fn guardian(given: &str, middle: &str, family: &str) -> Guardian {
    Guardian {
        given_name: given.into(),
        middle_name: middle.into(),
        family_name: family.into(),
    }
}

fn custody(entry: &str, student: Option<&str>) -> CustodyEntry {
    CustodyEntry {
        entry_id: entry.into(),
        student_id: student.map(str::to_owned),
    }
}

/// Whether the adult on the ID is taken for the one listed guardian.
fn allowed(adult: Identity, listed: Guardian) -> bool {
    matches!(
        decide(&adult, "100234", &[listed], &[]),
        Pickup::Allowed { guardian: 0 }
    )
}

#[test]
fn a_listed_guardian_is_allowed_and_named_by_index() {
    let guardians = [
        guardian("Luis", "", "Ortega"),
        guardian("Ana", "", "García"),
    ];
    assert_eq!(
        decide(&id("ANA", "", "GARCIA", ""), "100234", &guardians, &[]),
        Pickup::Allowed { guardian: 1 }
    );
}

#[test]
fn someone_not_listed_goes_to_the_office() {
    let guardians = [guardian("Ana", "", "García")];
    assert_eq!(
        decide(&id("MARTA", "", "GARCIA", ""), "100234", &guardians, &[]),
        Pickup::SendToOffice(OfficeReason::NotAListedGuardian)
    );
    assert_eq!(
        decide(&id("ANA", "", "GARCIA", ""), "100234", &[], &[]),
        Pickup::SendToOffice(OfficeReason::NoGuardiansListed)
    );
}

#[test]
fn folding_accents_case_and_punctuation_agree() {
    assert!(allowed(
        id("JOSE", "", "GARCIA", ""),
        guardian("José", "", "García")
    ));
    assert!(allowed(
        id("SEAN", "", "OBRIEN", ""),
        guardian("Seán", "", "O'Brien")
    ));
    assert!(allowed(
        id("MARIA", "", "DE LA CRUZ", ""),
        guardian("Maria", "", "DeLaCruz")
    ));
    assert!(allowed(
        id("ANNE", "", "SMITH-JONES", ""),
        guardian("anne", "", "Smith Jones")
    ));
}

#[test]
fn the_surname_must_agree_and_a_compound_one_agrees_with_its_parts() {
    assert!(allowed(
        id("ANA", "", "GARCIA LOPEZ", ""),
        guardian("Ana", "", "García")
    ));
    assert!(allowed(
        id("ANA", "", "GARCIA", ""),
        guardian("Ana", "", "García López")
    ));
    assert!(
        !allowed(id("ANA", "", "GARCIA", ""), guardian("Ana", "", "Garcias")),
        "no typos"
    );
    assert!(!allowed(
        id("ANA", "", "LOPEZ", ""),
        guardian("Ana", "", "García")
    ));
    assert!(
        !allowed(
            id("ANA", "", "DE LA PAZ", ""),
            guardian("Ana", "", "De la Cruz")
        ),
        "particles alone do not agree"
    );
    assert!(
        !allowed(id("ANA", "", "", ""), guardian("Ana", "", "García")),
        "empty surname"
    );
}

#[test]
fn the_first_name_may_be_a_nickname_of_the_listed_one() {
    assert!(allowed(
        id("ROBERT", "", "SMITH", ""),
        guardian("Bob", "", "Smith")
    ));
    assert!(allowed(
        id("BOB", "", "SMITH", ""),
        guardian("Robert", "", "Smith")
    ));
    assert!(allowed(
        id("WILLIAM", "", "SMITH", ""),
        guardian("Bill", "", "Smith")
    ));
    assert!(
        !allowed(
            id("ROBERT", "", "SMITH", ""),
            guardian("William", "", "Smith")
        ),
        "both shorten to a nickname: still two names"
    );
    assert!(
        !allowed(id("JOHM", "", "SMITH", ""), guardian("John", "", "Smith")),
        "no typos"
    );
    assert!(
        !allowed(id("J", "", "SMITH", ""), guardian("John", "", "Smith")),
        "an initial"
    );
    assert!(
        !allowed(id("", "", "SMITH", ""), guardian("John", "", "Smith")),
        "no first name"
    );
    assert!(
        allowed(
            id("MARY", "ANN", "SMITH", ""),
            guardian("Mary Ann", "", "Smith")
        ),
        "the listed given names start with the ID's first name"
    );
}

#[test]
fn middle_names_count_only_when_both_are_present() {
    assert!(allowed(
        id("ANA", "LUCIA", "GARCIA", ""),
        guardian("Ana", "", "García")
    ));
    assert!(allowed(
        id("ANA", "", "GARCIA", ""),
        guardian("Ana", "Lucía", "García")
    ));
    assert!(allowed(
        id("ANA", "LUCIA", "GARCIA", ""),
        guardian("Ana", "Lucía", "García")
    ));
    assert!(allowed(
        id("ANA", "L", "GARCIA", ""),
        guardian("Ana", "Lucía", "García")
    ));
    assert!(allowed(
        id("ANA", "LUCIA", "GARCIA", ""),
        guardian("Ana", "L.", "García")
    ));
    assert!(!allowed(
        id("ANA", "MARIA", "GARCIA", ""),
        guardian("Ana", "Lucía", "García")
    ));
    assert!(!allowed(
        id("ANA", "M", "GARCIA", ""),
        guardian("Ana", "Lucía", "García")
    ));
}

#[test]
fn suffixes_count_only_when_both_are_present() {
    assert!(allowed(
        id("JOHN", "", "SMITH", "JR"),
        guardian("John", "", "Smith")
    ));
    assert!(allowed(
        id("JOHN", "", "SMITH", "JR"),
        guardian("John", "", "Smith Jr.")
    ));
    assert!(allowed(
        id("JOHN", "", "SMITH", ""),
        guardian("John", "", "Smith Sr")
    ));
    assert!(
        !allowed(
            id("JOHN", "", "SMITH", "JR"),
            guardian("John", "", "Smith Sr.")
        ),
        "father and son"
    );
}

#[test]
fn a_custody_order_for_this_student_wins_over_a_guardian_listing() {
    let guardians = [guardian("Ana", "", "García")];
    let adult = id("ANA", "", "GARCIA", "");
    let decision = decide(
        &adult,
        "100234",
        &guardians,
        &[custody("W-7", Some("100234"))],
    );
    assert_eq!(
        decision,
        Pickup::SendToOffice(OfficeReason::CustodyOrder {
            entry_id: "W-7".into()
        })
    );
    if let Pickup::SendToOffice(reason) = decision {
        assert_eq!(reason.code(), "custody_order");
    }
}

#[test]
fn a_custody_order_for_another_student_does_not_block_this_one() {
    let guardians = [guardian("Ana", "", "García")];
    let adult = id("ANA", "", "GARCIA", "");
    assert_eq!(
        decide(
            &adult,
            "100234",
            &guardians,
            &[custody("W-7", Some("100999"))]
        ),
        Pickup::Allowed { guardian: 0 }
    );
}

#[test]
fn a_custody_order_without_a_student_blocks_every_student() {
    let guardians = [guardian("Ana", "", "García")];
    let adult = id("ANA", "", "GARCIA", "");
    for student in ["100234", "100999", "S-1"] {
        assert_eq!(
            decide(&adult, student, &guardians, &[custody("W-8", None)]),
            Pickup::SendToOffice(OfficeReason::CustodyOrder {
                entry_id: "W-8".into()
            })
        );
    }
}

#[test]
fn student_ids_survive_a_spreadsheet() {
    assert!(same_student_id("00123", "123"));
    assert!(same_student_id(" 123 ", "0123"));
    assert!(same_student_id("s-12", "S-12"));
    assert!(same_student_id("0", "000"));
    assert!(!same_student_id("123", "1230"));
    assert!(
        !same_student_id("S-012", "S-12"),
        "zeros matter inside non-numeric ids"
    );
    assert!(custody("W", Some("0042")).covers("42"));
}

#[test]
fn office_reason_codes_name_no_one() {
    assert_eq!(
        OfficeReason::NoGuardiansListed.code(),
        "no_guardians_listed"
    );
    assert_eq!(
        OfficeReason::NotAListedGuardian.code(),
        "not_a_listed_guardian"
    );
}

#[test]
fn custody_entries_are_read_from_custody_flags_only() {
    use crate::screening::score::Assessment;
    use crate::screening::{Candidate, NameRow};
    use crate::store::screener::WatchlistEntry;
    let flag = |source: Source, list: &str, student: Option<&str>| Flag {
        source,
        candidate: Candidate {
            record_id: format!("{list}-1"),
            row: 0,
            alias: false,
            assessment: Assessment {
                score: 90,
                reasons: vec![],
                sex_agrees: None,
            },
            name: NameRow {
                record_id: format!("{list}-1"),
                alias: false,
                last_name: "GARCIA".into(),
                first_name: "ANA".into(),
                middle_name: String::new(),
                suffix: String::new(),
                dob: None,
                sex: None,
            },
        },
        watchlist: (source == Source::Watchlist).then(|| WatchlistEntry {
            list: list.into(),
            action: "deny".into(),
            note: String::new(),
            student_id: student.map(str::to_owned),
        }),
        details: Vec::new(),
    };
    let flags = [
        flag(Source::Watchlist, "custody", Some("100234")),
        flag(Source::Watchlist, "banned", None),
        flag(Source::Registry, "custody", None),
    ];
    assert_eq!(
        CustodyEntry::from_flags(&flags),
        vec![custody("custody-1", Some("100234"))]
    );
}
