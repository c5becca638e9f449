//! Staff PINs: argon2id hashes from the config, checked here; five wrong PINs in a row lock the
//! pad for five minutes. Time comes in as a value, so the lock is tested without waiting.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use super::Millis;
use crate::config::StaffPin;

/// Wrong PINs in a row before the pad locks.
pub const MAX_WRONG: u32 = 5;
/// How long the pad stays locked.
pub const LOCK_MS: Millis = 5 * 60 * 1000;

/// The argon2id hash of the `--sim` demo PIN `2468` (operator `demo`), made with [`hash_pin`].
pub const SIM_PIN_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$dmVzdGlidWxlLXNpbS1waW4$ZowYveyyJywdJho/ktNcbi4La09F32W8ZgeQXFMwmtI";

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

/// What the pad answers to one entered PIN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// The PIN belongs to this operator.
    Accepted { operator: String },
    /// Wrong; `left` more wrong PINs before the pad locks.
    Wrong { left: u32 },
    /// Wrong, and that was the last try: locked until `until`.
    LockedNow { until: Millis },
    /// Still locked: the PIN was not even checked.
    Locked { until: Millis },
}

/// The PIN pad's memory: who may log in, and the wrong tries so far.
#[derive(Clone, Debug)]
pub struct PinPad {
    staff: Vec<StaffPin>,
    wrong: u32,
    locked_until: Option<Millis>,
}

impl PinPad {
    pub fn new(staff: Vec<StaffPin>) -> Self {
        PinPad {
            staff,
            wrong: 0,
            locked_until: None,
        }
    }

    /// Until when the pad is locked at `now`, if it is.
    pub fn locked(&self, now: Millis) -> Option<Millis> {
        self.locked_until.filter(|&until| now < until)
    }

    pub fn try_pin(&mut self, pin: &str, now: Millis) -> Attempt {
        if let Some(until) = self.locked(now) {
            return Attempt::Locked { until };
        }
        if let Some(operator) = self.operator_for(pin) {
            self.wrong = 0;
            self.locked_until = None;
            return Attempt::Accepted { operator };
        }
        self.wrong += 1;
        if self.wrong >= MAX_WRONG {
            self.wrong = 0;
            let until = now + LOCK_MS;
            self.locked_until = Some(until);
            return Attempt::LockedNow { until };
        }
        Attempt::Wrong {
            left: MAX_WRONG - self.wrong,
        }
    }

    fn operator_for(&self, pin: &str) -> Option<String> {
        // An empty PIN never reaches argon2: it is wrong by definition.
        if pin.is_empty() {
            return None;
        }
        self.staff
            .iter()
            .find(|staff| {
                PasswordHash::new(&staff.hash).is_ok_and(|hash| {
                    Argon2::default()
                        .verify_password(pin.as_bytes(), &hash)
                        .is_ok()
                })
            })
            .map(|staff| staff.operator.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pad() -> PinPad {
        PinPad::new(vec![StaffPin {
            operator: "demo".into(),
            hash: SIM_PIN_HASH.into(),
        }])
    }

    #[test]
    fn the_sim_hash_is_the_pin_2468() {
        assert!(is_valid_hash(SIM_PIN_HASH));
        assert_eq!(
            hash_pin("2468", b"vestibule-sim-pin").unwrap(),
            SIM_PIN_HASH
        );
        assert_eq!(
            pad().try_pin("2468", 0),
            Attempt::Accepted {
                operator: "demo".into()
            }
        );
    }

    #[test]
    fn five_wrong_pins_lock_for_five_minutes() {
        let mut pad = pad();
        for left in (1..MAX_WRONG).rev() {
            assert_eq!(pad.try_pin("1111", 1_000), Attempt::Wrong { left });
        }
        let until = 2_000 + LOCK_MS;
        assert_eq!(pad.try_pin("1111", 2_000), Attempt::LockedNow { until });
        // Even the right PIN is not checked while locked.
        assert_eq!(pad.try_pin("2468", until - 1), Attempt::Locked { until });
        assert!(matches!(
            pad.try_pin("2468", until),
            Attempt::Accepted { .. }
        ));
    }

    #[test]
    fn a_right_pin_resets_the_count() {
        let mut pad = pad();
        for _ in 0..MAX_WRONG - 1 {
            pad.try_pin("0000", 0);
        }
        assert!(matches!(pad.try_pin("2468", 0), Attempt::Accepted { .. }));
        assert_eq!(
            pad.try_pin("0000", 0),
            Attempt::Wrong {
                left: MAX_WRONG - 1
            }
        );
    }

    #[test]
    fn an_empty_pin_or_bad_hash_never_logs_in() {
        let mut pad = PinPad::new(vec![StaffPin {
            operator: "x".into(),
            hash: "not-a-hash".into(),
        }]);
        assert!(matches!(pad.try_pin("", 0), Attempt::Wrong { .. }));
        assert!(matches!(pad.try_pin("2468", 0), Attempt::Wrong { .. }));
        assert!(!is_valid_hash("not-a-hash"));
    }
}
