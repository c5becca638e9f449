//! Vestibule's district hub: the kiosks of every school on one PostgreSQL database. Kiosks stay
//! offline-first: they screen, admit and refuse on their own, and push what happened through
//! their outbox when the hub answers. This is the first part of the hub: enrolment with
//! one-time codes, signed requests (replays and revoked kiosks refused), idempotent event
//! batches and heartbeats. Processes keep no state of their own: two hubs on one database
//! serve the same kiosks.

pub mod api;
pub mod db;
pub mod tls;

/// Letters and digits that read unambiguously off a screen (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn random_text(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    // 256 % 31 != 0: the slight bias toward the first letters costs well under a bit of the
    // code's 40 bits, and codes live one day.
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// A one-time enrolment code as staff read it off the console: `XXXX-XXXX`.
pub fn new_enrolment_code() -> String {
    let text = random_text(8);
    format!("{}-{}", &text[..4], &text[4..])
}

/// A kiosk's id, given at enrolment.
pub fn new_kiosk_id() -> String {
    format!("K-{}", random_text(10))
}
