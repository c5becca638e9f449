//! Any text an OCR reader can deliver: `mrz::parse` answers with an identity or an error, never
//! a panic. The date is fixed so that a crash reproduces.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = time::Date::from_calendar_date(2026, time::Month::November, 22).unwrap();
    let text = String::from_utf8_lossy(data);
    let _ = vestibule::identity::mrz::looks_like_mrz(&text);
    let _ = vestibule::identity::mrz::parse(&text, today);
});
