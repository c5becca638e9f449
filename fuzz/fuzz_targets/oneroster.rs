//! Any bytes as a OneRoster set: `sis::parse` answers with a roster or an error naming a file,
//! never a panic. The input is cut into orgs.csv, users.csv and (when there is a third part)
//! enrollments.csv at its first two NUL bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let orgs = parts.next().unwrap_or(&[]);
    let users = parts.next().unwrap_or(&[]);
    let enrollments = parts.next();
    let files = vestibule::sis::RosterFiles {
        orgs,
        users,
        enrollments,
    };
    if let Err(e) = vestibule::sis::parse(&files) {
        let message = e.to_string();
        assert!(!message.contains('\n'), "one line");
    }
});
