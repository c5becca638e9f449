//! Rate limits per alert kind, so a prankster at the lobby (scanning no ID again and again,
//! guessing PINs, pulling the printer's cable) cannot flood the office's phones.
//!
//! Only the noisy kinds are limited: at most [`PER_WINDOW`] alerts of one kind per
//! [`WINDOW_MS`]. The alerts about a person or a danger (`flagged`, `decision`, `panic`,
//! `lockdown-ended`, `store-failed`, `pickup-refused`, and any kind not named here) always go.
//! What is held back is counted, and the next alert of that kind that goes says how many were
//! held since the last one: the office learns of the flood without being flooded.

use std::collections::HashMap;

/// Alerts of one noisy kind let through per window.
pub const PER_WINDOW: u32 = 3;
/// The window: ten minutes.
pub const WINDOW_MS: u64 = 10 * 60 * 1000;

/// Whether `kind` is limited. `student-*` covers the student kinds (leaving early, pickups
/// by a listed guardian), which a prankster with a student number could repeat.
pub fn limited(kind: &str) -> bool {
    matches!(
        kind,
        "no-id"
            | "scan-failures"
            | "pin-locked"
            | "invitation-refused"
            | "print-failed"
            | "out-of-service"
            | "back-in-service"
            | "screening-failed"
    ) || kind.starts_with("student-")
}

/// What to do with one alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Send it; `held` alerts of its kind were held back since the last one sent.
    Send { held: u32 },
    /// Hold it back (counted).
    Hold,
}

#[derive(Default)]
struct Window {
    started_ms: u64,
    sent: u32,
    held: u32,
}

/// The limiter's memory: per kind, the current window. Kept in memory only: a restart lets a
/// few more through, which errs on the side of telling the office.
#[derive(Default)]
pub struct RateLimit {
    kinds: HashMap<String, Window>,
}

impl RateLimit {
    /// Decides on an alert of `kind` raised at `now_ms` (a clock that only grows).
    pub fn admit(&mut self, kind: &str, now_ms: u64) -> Verdict {
        if !limited(kind) {
            return Verdict::Send { held: 0 };
        }
        let window = self.kinds.entry(kind.to_owned()).or_default();
        if window.sent == 0 || now_ms.saturating_sub(window.started_ms) >= WINDOW_MS {
            window.started_ms = now_ms;
            window.sent = 0;
        }
        if window.sent >= PER_WINDOW {
            window.held += 1;
            return Verdict::Hold;
        }
        window.sent += 1;
        Verdict::Send {
            held: std::mem::take(&mut window.held),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_one_kind_is_held_and_counted_in_the_next_one_sent() {
        let mut limit = RateLimit::default();
        for i in 0..PER_WINDOW {
            assert_eq!(
                limit.admit("no-id", u64::from(i)),
                Verdict::Send { held: 0 }
            );
        }
        for i in 0..7 {
            assert_eq!(limit.admit("no-id", 100 + i), Verdict::Hold);
        }
        // Another noisy kind has its own window.
        assert_eq!(limit.admit("pin-locked", 200), Verdict::Send { held: 0 });
        // The window ends: the next one goes, saying how many were held.
        assert_eq!(
            limit.admit("no-id", WINDOW_MS + 1),
            Verdict::Send { held: 7 }
        );
        assert_eq!(
            limit.admit("no-id", WINDOW_MS + 2),
            Verdict::Send { held: 0 }
        );
    }

    #[test]
    fn alerts_about_a_person_or_a_danger_are_never_held() {
        let mut limit = RateLimit::default();
        for kind in [
            "flagged",
            "decision",
            "panic",
            "lockdown-ended",
            "store-failed",
            "pickup-refused",
            "registry-stale",
        ] {
            assert!(!limited(kind), "{kind}");
            for i in 0..100 {
                assert_eq!(limit.admit(kind, i), Verdict::Send { held: 0 });
            }
        }
        assert!(limited("student-leaving") && limited("scan-failures"));
    }
}
