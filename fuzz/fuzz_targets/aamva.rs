//! Any text an AAMVA payload could arrive as: `aamva::parse` answers with an identity or an
//! error, never a panic (non-ASCII text included, so no slice may split a character).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = vestibule::identity::aamva::parse(&text);
    let _ = vestibule::identity::aamva::looks_like_aamva(&text);
});
