//! Any text scanned as an invitation: `prereg::verify` answers with an invitation or an error,
//! never a panic; and whatever it accepts is an invitation the fleet key signed, which issues
//! and verifies again to the same invitation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vestibule::prereg::{self, SigningKey};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let key = SigningKey::from_bytes(&[7; 32]);
    let today = time::Date::from_calendar_date(2026, time::Month::November, 22).unwrap();
    if let Ok(invitation) = prereg::verify(text, &key.verifying_key(), today) {
        let again = prereg::issue(&invitation, &key).expect("a verified invitation is issuable");
        assert_eq!(
            prereg::verify(&again, &key.verifying_key(), today),
            Ok(invitation)
        );
    }
    // The scanner's path: recognise, then verify the bare token.
    if let Ok(Some(scanned)) = vestibule::identity::prereg::recognise(text) {
        let _ = prereg::verify(&scanned.token, &key.verifying_key(), today);
    }
});
