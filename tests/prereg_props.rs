//! Invitation tokens, property by property: every valid invitation round-trips through issue
//! and verify within its dates and is refused outside them; any edit to a token is refused
//! (never read as another invitation); arbitrary input never panics and is never accepted.

use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use time::{Date, Duration};
use vestibule::identity::Sex;
use vestibule::prereg::{self, Invitation, InvitationError, InvitationId, InvitedPerson};

fn key() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn date(offset: i64) -> Date {
    time::macros::date!(2026 - 01 - 01) + Duration::days(offset)
}

fn name() -> impl Strategy<Value = String> {
    // Letters, accents, apostrophes, hyphens and spaces; at most 33 bytes (the limit is 35).
    "[A-Za-zÀ-ÿ' -]{0,16}[A-Za-z]"
}

fn id_text() -> impl Strategy<Value = String> {
    "[a-z0-9-]{1,24}"
}

prop_compose! {
    fn invitation()(
        id in any::<u64>(),
        last in name(), first in name(), middle in prop::option::of(name()),
        dob in prop::option::of(-30_000i64..0), sex in 0u8..4,
        from in 0i64..3_000, span in 0i64..366,
        purpose in id_text(), destination in id_text(),
        event in prop::option::of("[A-Za-z0-9 ]{0,39}[A-Za-z]"),
    ) -> Invitation {
        Invitation {
            id: InvitationId(id),
            person: InvitedPerson {
                last_name: last,
                first_name: first,
                middle_name: middle.unwrap_or_default(),
                dob: dob.map(date),
                sex: [None, Some(Sex::M), Some(Sex::F), Some(Sex::X)][sex as usize],
            },
            valid_from: date(from),
            valid_to: date(from + span),
            purpose,
            destination,
            event,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn issued_tokens_verify_within_their_dates_only(inv in invitation(), day in 0i64..366) {
        let token = prereg::issue(&inv, &key()).unwrap();
        prop_assert!(token.len() < 400, "{} chars", token.len());
        let scanned = vestibule::identity::prereg::recognise(&token).unwrap().unwrap();
        let public = key().verifying_key();
        let today = inv.valid_from + Duration::days(day);
        let got = prereg::verify(&scanned.token, &public, today);
        if today <= inv.valid_to {
            prop_assert_eq!(got, Ok(inv.clone()));
        } else {
            prop_assert_eq!(got, Err(InvitationError::Expired { to: inv.valid_to }));
        }
        prop_assert_eq!(
            prereg::verify(&token, &public, inv.valid_from - Duration::days(1)),
            Err(InvitationError::NotYetValid { from: inv.valid_from })
        );
    }

    #[test]
    fn any_edit_to_a_token_is_refused(inv in invitation(), at in any::<prop::sample::Index>(), c in "[A-Za-z0-9_.=-]") {
        let token = prereg::issue(&inv, &key()).unwrap();
        let body = &token[prereg::PREFIX.len()..];
        let i = at.index(body.len());
        let mut edited = body.to_owned();
        edited.replace_range(i..=i, &c);
        prop_assume!(edited != body);
        let got = prereg::verify(&edited, &key().verifying_key(), inv.valid_from);
        prop_assert!(got.is_err(), "an edited token verified");
    }

    #[test]
    fn arbitrary_input_is_never_accepted_and_never_panics(text in "\\PC{0,300}", tail in "[A-Za-z0-9_=.-]{0,200}") {
        let public = key().verifying_key();
        prop_assert!(prereg::verify(&text, &public, date(0)).is_err());
        let shaped = format!("{}{tail}", prereg::PREFIX);
        prop_assert!(prereg::verify(&shaped, &public, date(0)).is_err());
    }
}
