//! Staff PINs: argon2id hashes from the config. Each operator picks their name,
//! then types their PIN (at least [`MIN_DIGITS`] digits); five wrong PINs in a row lock THAT
//! operator out, for five minutes and twice as long at each lockout after (at most an hour),
//! so one prankster cannot lock the whole office out and a guesser gets ever slower. The
//! lockouts are part of the kiosk's durable state: a restart does not reset them. Time comes
//! in as a value, so the lock is tested without waiting. The hashing itself ([`verifies`]) is
//! slow on purpose, so the flow never runs it: the edge checks a [`Typed`] PIN off the UI
//! thread and answers whether it was right ([`PinPad::answer`]).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::{Deserialize, Serialize};

use super::Millis;
use crate::config::StaffPin;

/// Wrong PINs in a row before the operator is locked out.
pub const MAX_WRONG: u32 = 5;
/// How long the first lockout lasts; each later one doubles, up to [`MAX_LOCK_MS`].
pub const LOCK_MS: Millis = 5 * 60 * 1000;
pub const MAX_LOCK_MS: Millis = 60 * 60 * 1000;
/// The shortest PIN: a 4-digit PIN falls to a guesser with a stolen card's hashes in minutes.
pub const MIN_DIGITS: usize = 6;
/// The longest PIN the pad takes.
pub const MAX_DIGITS: usize = 12;

/// The `--sim` demo PIN (operator `demo`); a real config may never use it.
pub const SIM_PIN: &str = "246810";
/// Its argon2id hash, made with [`hash_pin`] (salt `vestibule-sim-pin`).
pub const SIM_PIN_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$dmVzdGlidWxlLXNpbS1waW4$vN8Pog0m9JBKjBF/IQO6w+75oiJBIUhV15hdJUbKMz4";

/// Hashes a PIN for the config (`salt` should be 16 random bytes).
pub fn hash_pin(pin: &str, salt: &[u8]) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::encode_b64(salt)?;
    Ok(Argon2::default()
        .hash_password(pin.as_bytes(), &salt)?
        .to_string())
}

/// Whether `hash` is a PHC string argon2 can check (config validation).
pub fn is_valid_hash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| h.algorithm.as_str().starts_with("argon2"))
}

/// Whether `pin` is a PIN the pad takes: digits only, [`MIN_DIGITS`] to [`MAX_DIGITS`].
pub fn is_acceptable_pin(pin: &str) -> bool {
    (MIN_DIGITS..=MAX_DIGITS).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `hash` is the hash of `pin`.
pub fn verifies(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &hash)
            .is_ok()
    })
}

/// A PIN as typed, on its way to be checked: never printed (`Debug` hides it) and wiped
/// from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Typed(zeroize::Zeroizing<String>);

impl Typed {
    pub fn new(digits: String) -> Typed {
        Typed(zeroize::Zeroizing::new(digits))
    }

    /// Whether the pad takes it at all ([`is_acceptable_pin`]).
    pub fn acceptable(&self) -> bool {
        is_acceptable_pin(&self.0)
    }

    /// Whether it is the PIN of one of `hashes` (slow: argon2).
    pub fn verifies_any(&self, hashes: &[String]) -> bool {
        self.acceptable() && hashes.iter().any(|hash| verifies(hash, &self.0))
    }
}

impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Typed(..)")
    }
}

/// What the pad answers to one entered PIN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The PIN belongs to this operator.
    Accepted { operator: String },
    /// Wrong; `left` more wrong PINs before the operator is locked out.
    Wrong { left: u32 },
    /// Wrong, and that was the last try: locked out until `until`.
    LockedNow { until: Millis },
    /// Still locked out: the PIN was not even checked.
    Locked { until: Millis },
}

/// One operator's wrong tries and lockout (part of the kiosk's durable state).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lockout {
    pub operator: String,
    /// Wrong PINs in a row since the last lockout or login.
    pub wrong: u32,
    /// Lockouts since the last login: each doubles the next one.
    pub strikes: u32,
    /// Kiosk time the lockout ends.
    pub until: Option<Millis>,
}

/// The PIN pad's memory: who may log in, and each operator's wrong tries so far.
#[derive(Clone, Debug)]
pub struct PinPad {
    staff: Vec<StaffPin>,
    lockouts: Vec<Lockout>,
}

impl PinPad {
    pub fn new(staff: Vec<StaffPin>) -> Self {
        PinPad {
            staff,
            lockouts: Vec::new(),
        }
    }

    /// The operators' names, in config order (the name buttons).
    pub fn operators(&self) -> impl Iterator<Item = &str> {
        self.staff.iter().map(|s| s.operator.as_str())
    }

    /// The lockouts to keep across a restart.
    pub fn lockouts(&self) -> &[Lockout] {
        &self.lockouts
    }

    /// Restores what a restart would forget; lockouts of operators no longer configured go.
    pub fn restore(&mut self, lockouts: Vec<Lockout>) {
        self.lockouts = lockouts
            .into_iter()
            .filter(|l| self.staff.iter().any(|s| s.operator == l.operator))
            .collect();
    }

    /// Until when `operator` is locked out at `now`, if they are.
    pub fn locked(&self, operator: &str, now: Millis) -> Option<Millis> {
        self.lockouts
            .iter()
            .find(|l| l.operator == operator)
            .and_then(|l| l.until)
            .filter(|&until| now < until)
    }

    /// The hashes `operator`'s PIN is checked against (none: an unknown name never logs in).
    pub fn hashes(&self, operator: &str) -> Vec<String> {
        self.staff
            .iter()
            .filter(|s| s.operator == operator)
            .map(|s| s.hash.clone())
            .collect()
    }

    /// `operator` (picked by name) typed a PIN at `now` that was checked `right` or not.
    pub fn answer(&mut self, operator: &str, right: bool, now: Millis) -> Attempt {
        if let Some(until) = self.locked(operator, now) {
            return Attempt::Locked { until };
        }
        if right {
            self.lockouts.retain(|l| l.operator != operator);
            return Attempt::Accepted {
                operator: operator.to_owned(),
            };
        }
        let lockout = self.lockout_mut(operator);
        lockout.wrong += 1;
        if lockout.wrong < MAX_WRONG {
            return Attempt::Wrong {
                left: MAX_WRONG - lockout.wrong,
            };
        }
        let length = LOCK_MS
            .saturating_mul(1 << lockout.strikes.min(8))
            .min(MAX_LOCK_MS);
        lockout.wrong = 0;
        lockout.strikes += 1;
        let until = now + length;
        lockout.until = Some(until);
        Attempt::LockedNow { until }
    }

    /// `operator` typed `pin` at `now`, checked here at once (the tests' shortcut for the
    /// edge's check and [`PinPad::answer`]).
    #[cfg(test)]
    pub fn try_pin(&mut self, operator: &str, pin: &str, now: Millis) -> Attempt {
        if let Some(until) = self.locked(operator, now) {
            return Attempt::Locked { until };
        }
        let right = Typed::new(pin.to_owned()).verifies_any(&self.hashes(operator));
        self.answer(operator, right, now)
    }

    fn lockout_mut(&mut self, operator: &str) -> &mut Lockout {
        let index = match self.lockouts.iter().position(|l| l.operator == operator) {
            Some(index) => index,
            None => {
                self.lockouts.push(Lockout {
                    operator: operator.to_owned(),
                    ..Lockout::default()
                });
                self.lockouts.len() - 1
            }
        };
        &mut self.lockouts[index]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(operator: &str) -> StaffPin {
        StaffPin {
            operator: operator.into(),
            hash: SIM_PIN_HASH.into(),
        }
    }

    fn pad() -> PinPad {
        PinPad::new(vec![staff("demo"), staff("ana")])
    }

    #[test]
    fn the_sim_hash_is_the_sim_pin() {
        assert!(is_valid_hash(SIM_PIN_HASH));
        assert_eq!(
            hash_pin(SIM_PIN, b"vestibule-sim-pin").unwrap(),
            SIM_PIN_HASH
        );
        assert_eq!(
            pad().try_pin("demo", SIM_PIN, 0),
            Attempt::Accepted {
                operator: "demo".into()
            }
        );
    }

    #[test]
    fn five_wrong_pins_lock_that_operator_out_and_not_the_others() {
        let mut pad = pad();
        for left in (1..MAX_WRONG).rev() {
            assert_eq!(
                pad.try_pin("demo", "111111", 1_000),
                Attempt::Wrong { left }
            );
        }
        let until = 2_000 + LOCK_MS;
        assert_eq!(
            pad.try_pin("demo", "111111", 2_000),
            Attempt::LockedNow { until }
        );
        // Even the right PIN is not checked while locked.
        assert_eq!(
            pad.try_pin("demo", SIM_PIN, until - 1),
            Attempt::Locked { until }
        );
        // Another operator still logs in.
        assert!(matches!(
            pad.try_pin("ana", SIM_PIN, 2_001),
            Attempt::Accepted { .. }
        ));
        assert!(matches!(
            pad.try_pin("demo", SIM_PIN, until),
            Attempt::Accepted { .. }
        ));
    }

    #[test]
    fn each_lockout_doubles_up_to_an_hour() {
        let mut pad = pad();
        let mut now = 0;
        let mut lengths = Vec::new();
        for _ in 0..6 {
            let mut last = None;
            for _ in 0..MAX_WRONG {
                last = Some(pad.try_pin("ana", "000000", now));
            }
            let Some(Attempt::LockedNow { until }) = last else {
                panic!("{last:?}")
            };
            lengths.push((until - now) / 60_000);
            now = until;
        }
        assert_eq!(lengths, [5, 10, 20, 40, 60, 60]);
    }

    #[test]
    fn lockouts_survive_a_restore_of_configured_operators_only() {
        let mut pad = pad();
        for _ in 0..MAX_WRONG {
            pad.try_pin("ana", "000000", 0);
        }
        let mut kept = pad.lockouts().to_vec();
        kept.push(Lockout {
            operator: "gone".into(),
            ..Lockout::default()
        });
        let mut restarted = PinPad::new(vec![staff("demo"), staff("ana")]);
        restarted.restore(kept);
        assert_eq!(restarted.locked("ana", 1), Some(LOCK_MS));
        assert_eq!(restarted.lockouts().len(), 1);
    }

    #[test]
    fn a_right_pin_resets_the_count() {
        let mut pad = pad();
        for _ in 0..MAX_WRONG - 1 {
            pad.try_pin("demo", "000000", 0);
        }
        assert!(matches!(
            pad.try_pin("demo", SIM_PIN, 0),
            Attempt::Accepted { .. }
        ));
        assert_eq!(
            pad.try_pin("demo", "000000", 0),
            Attempt::Wrong {
                left: MAX_WRONG - 1
            }
        );
    }

    #[test]
    fn short_or_empty_pins_and_bad_hashes_never_log_in() {
        let short = hash_pin("2468", b"vestibule-sim-pin").unwrap();
        let mut pad = PinPad::new(vec![
            StaffPin {
                operator: "x".into(),
                hash: "not-a-hash".into(),
            },
            StaffPin {
                operator: "four".into(),
                hash: short,
            },
        ]);
        assert!(matches!(pad.try_pin("x", "", 0), Attempt::Wrong { .. }));
        assert!(matches!(
            pad.try_pin("x", SIM_PIN, 0),
            Attempt::Wrong { .. }
        ));
        assert!(matches!(
            pad.try_pin("four", "2468", 0),
            Attempt::Wrong { .. }
        ));
        // Another operator's right PIN is wrong for this one.
        assert!(matches!(
            pad.try_pin("nobody", SIM_PIN, 0),
            Attempt::Wrong { .. }
        ));
        assert!(!is_valid_hash("not-a-hash"));
    }
}
