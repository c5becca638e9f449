//! What each `vestibule` command does, one module per command group. `main.rs` only parses
//! arguments and dispatches here.

pub mod badge;
pub mod doctor;
pub mod id;
pub mod kiosk;
pub mod outbox;
pub mod prereg;
pub mod privacy;
pub mod provision;
pub mod registry;
pub mod relay;
pub mod report;
pub mod screen;
pub mod sis;
pub mod visits;
pub mod watchlist;

/// A command failed because of its input: one line on stderr, exit 2.
pub struct Refusal(pub String);

impl<E: std::fmt::Display> From<E> for Refusal {
    fn from(e: E) -> Self {
        Refusal(e.to_string())
    }
}
