//! Any bytes a reader can deliver: `read_scan` answers with a scan or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let today = time::Date::from_calendar_date(2026, time::Month::November, 22).unwrap();
    let _ = vestibule::identity::read_scan(data, today);
});
