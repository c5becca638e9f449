//! Pre-registered visitors: signed invitation tokens, the same-person check against an ID, and
//! the CSV rows staff or the district hand in (invitations and event attendee lists).
//!
//! Pure: no IO, no clock, no randomness (the invitation id and "today" are handed in). The
//! store keeps issued invitations and revocations ([`crate::store::invitations`]); the CLI
//! screens people before anything is issued.
//!
//! Why a signed token rather than a database lookup: a kiosk must accept an invitation the
//! office or the district issued elsewhere, offline, and nobody must be able to make one. The
//! fleet's Ed25519 key signs it (the signing key stays in the office; kiosks hold only the
//! public key, `[prereg] public_key`), the token names one person and one date range, and
//! revocation is checked in the kiosk's store. The kiosk screens the person again on arrival:
//! the registry may have changed since the invitation was issued.
//!
//! - [`token`]: claims, encoding, [`issue`] and [`verify`].
//! - [`rows`]: the invitation import CSV and the event attendee CSV, errors named by line and
//!   field.

pub mod rows;
pub mod token;

use std::fmt;

use time::Date;

use crate::identity::{Identity, Sex};
use crate::screening::normalise::PersonName;
use crate::screening::Visitor;

pub use ed25519_dalek::{SigningKey, VerifyingKey};
pub use token::{issue, verify, PREFIX};

/// Longest date range one invitation may cover (a school year's visits need a new one).
pub const MAX_SPAN_DAYS: i64 = 366;

/// An invitation's id: 64 random bits, written as 16 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct InvitationId(pub u64);

impl fmt::Display for InvitationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl std::str::FromStr for InvitationId {
    type Err = InvitationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if text.len() != 16 {
            return Err(InvitationError::BadId);
        }
        u64::from_str_radix(text, 16)
            .map(InvitationId)
            .map_err(|_| InvitationError::BadId)
    }
}

/// The person an invitation is for, as staff typed them or the district listed them.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct InvitedPerson {
    pub last_name: String,
    pub first_name: String,
    /// Empty when unknown.
    pub middle_name: String,
    pub dob: Option<Date>,
    pub sex: Option<Sex>,
}

impl fmt::Debug for InvitedPerson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InvitedPerson { .. }")
    }
}

impl InvitedPerson {
    /// The person as screening sees them.
    pub fn visitor(&self) -> Visitor {
        Visitor {
            last_name: self.last_name.clone(),
            first_name: self.first_name.clone(),
            middle_name: self.middle_name.clone(),
            suffix: String::new(),
            dob: self.dob,
            sex: self.sex,
        }
    }

    /// "First Last", as the badge prints a name.
    pub fn badge_name(&self) -> String {
        format!("{} {}", self.first_name.trim(), self.last_name.trim())
    }
}

/// A verified (or about to be signed) invitation.
#[derive(Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub person: InvitedPerson,
    /// First and last day the invitation admits its person (kiosk-local dates, inclusive).
    pub valid_from: Date,
    pub valid_to: Date,
    /// A purpose id of the config (`visitor`, `volunteer`, ..., or `event`).
    pub purpose: String,
    /// A destination id of the config.
    pub destination: String,
    /// The event the invitation is for, when it is for one.
    pub event: Option<String>,
}

impl fmt::Debug for Invitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invitation")
            .field("id", &self.id.to_string())
            .field("valid_from", &self.valid_from)
            .field("valid_to", &self.valid_to)
            .finish_non_exhaustive()
    }
}

impl Invitation {
    /// Days the invitation admits its person, first and last included.
    pub fn span_days(&self) -> i64 {
        (self.valid_to - self.valid_from).whole_days() + 1
    }

    /// Refuses an invitation valid longer than `max_days` (`[prereg] max_validity_days`): a
    /// long-lived QR code is a standing pass for whoever copies it.
    pub fn check_span(&self, max_days: u32) -> Result<(), String> {
        if self.span_days() > i64::from(max_days) {
            return Err(format!(
                "the invitation covers {} days, more than prereg.max_validity_days ({max_days})",
                self.span_days()
            ));
        }
        Ok(())
    }

    /// What a token may carry: both names, short fields, a sane date range.
    pub fn check(&self) -> Result<(), InvitationError> {
        let p = &self.person;
        if p.last_name.trim().is_empty() || p.first_name.trim().is_empty() {
            return Err(InvitationError::Invalid("last and first name are required"));
        }
        for name in [&p.last_name, &p.first_name, &p.middle_name] {
            if name.len() > token::MAX_NAME || name.chars().any(char::is_control) {
                return Err(InvitationError::Invalid(
                    "a name is longer than 35 bytes or has control characters",
                ));
            }
        }
        for id in [&self.purpose, &self.destination] {
            if !is_choice_id(id) || id.len() > token::MAX_ID {
                return Err(InvitationError::Invalid(
                    "purpose and destination must be ids: a-z, 0-9 and -, at most 24",
                ));
            }
        }
        if let Some(event) = &self.event {
            if event.trim().is_empty()
                || event.len() > token::MAX_EVENT
                || event.chars().any(char::is_control)
            {
                return Err(InvitationError::Invalid(
                    "the event name must be 1 to 40 bytes without control characters",
                ));
            }
        }
        if self.valid_to < self.valid_from {
            return Err(InvitationError::Invalid("the range ends before it starts"));
        }
        if (self.valid_to - self.valid_from).whole_days() >= MAX_SPAN_DAYS {
            return Err(InvitationError::Invalid(
                "the range is longer than 366 days",
            ));
        }
        Ok(())
    }
}

/// Lower-case letters, digits and `-`, as the config's purpose and destination ids.
pub fn is_choice_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Why an invitation is refused. One line each, never quoting the person.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvitationError {
    #[error("the invitation's signature does not verify with the fleet key (forged, altered or from another fleet)")]
    Forged,
    #[error("the invitation is valid from {from}, not yet")]
    NotYetValid { from: Date },
    #[error("the invitation expired on {to}")]
    Expired { to: Date },
    #[error("not a readable invitation: {0}")]
    Malformed(&'static str),
    #[error("cannot issue this invitation: {0}")]
    Invalid(&'static str),
    #[error("an invitation id is 16 hex digits")]
    BadId,
}

impl InvitationError {
    /// A short code for the audit trail (no dates, no names).
    pub fn code(&self) -> &'static str {
        match self {
            InvitationError::Forged => "forged",
            InvitationError::NotYetValid { .. } => "not-yet-valid",
            InvitationError::Expired { .. } => "expired",
            InvitationError::Malformed(_) => "malformed",
            InvitationError::Invalid(_) => "invalid",
            InvitationError::BadId => "bad-id",
        }
    }
}

/// Whether the visitor must show an ID as well as this invitation: always, unless the config
/// lets this purpose skip it (`[prereg] id_optional_purposes`, staff-attended events). The
/// invitation alone proves only that someone holds the QR code.
pub fn needs_id(invitation: &Invitation, id_optional_purposes: &[String]) -> bool {
    !id_optional_purposes.contains(&invitation.purpose)
}

/// "Policy requires ID for this visit type": is the person on the ID the invited person?
/// Names are compared as screening folds them (accents, case, hyphens, particles, a suffix in
/// the surname); a first name typed as "Mary Ann" matches an ID with first name MARY and
/// middle ANN. Middle names must agree on their initial when both are known; dates of birth
/// must be equal when both are known.
pub fn same_person(invited: &InvitedPerson, id: &Identity) -> bool {
    let ours = PersonName::new(
        &invited.last_name,
        &invited.first_name,
        &invited.middle_name,
        "",
    );
    let theirs = PersonName::new(
        &id.last_name,
        &id.first_name,
        id.middle_name.as_deref().unwrap_or(""),
        id.suffix.as_deref().unwrap_or(""),
    );
    if ours.last.is_empty() || ours.last.glued != theirs.last.glued {
        return false;
    }
    let with_middle: String = std::iter::once(theirs.first.glued.as_str())
        .chain(theirs.middle.iter().map(|m| m.glued.as_str()))
        .collect();
    let first_agrees = ours.first.glued == theirs.first.glued || ours.first.glued == with_middle;
    if ours.first.is_empty() || !first_agrees {
        return false;
    }
    let initial = |name: &PersonName| name.middle.first().and_then(|m| m.glued.chars().next());
    if ours.first.glued == theirs.first.glued {
        if let (Some(a), Some(b)) = (initial(&ours), initial(&theirs)) {
            if a != b {
                return false;
            }
        }
    }
    invited.dob.is_none_or(|dob| dob == id.dob)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::DocumentKind;
    use time::macros::date;

    fn invited(last: &str, first: &str, middle: &str, dob: Option<Date>) -> InvitedPerson {
        InvitedPerson {
            last_name: last.into(),
            first_name: first.into(),
            middle_name: middle.into(),
            dob,
            sex: None,
        }
    }

    fn id(last: &str, first: &str, middle: Option<&str>, dob: Date) -> Identity {
        Identity {
            document: DocumentKind::Aamva,
            first_name: first.into(),
            middle_name: middle.map(Into::into),
            last_name: last.into(),
            suffix: None,
            dob,
            sex: None,
            issuer: None,
            document_number_last4: None,
            expires: None,
            expiry_unreadable: false,
            name_truncated: false,
        }
    }

    #[test]
    fn the_same_person_despite_case_accents_and_hyphens() {
        let dob = date!(1980 - 02 - 29);
        let card = id("GARCIA LOPEZ", "JOSE", Some("LUIS"), dob);
        assert!(same_person(
            &invited("García-López", "José", "", Some(dob)),
            &card
        ));
        assert!(same_person(
            &invited("garcia lopez", "jose", "L", None),
            &card
        ));
        assert!(same_person(
            &invited("Garcia Lopez", "Jose Luis", "", Some(dob)),
            &card
        ));
    }

    #[test]
    fn another_person_is_refused() {
        let dob = date!(1980 - 02 - 29);
        let card = id("GARCIA", "JOSE", Some("LUIS"), dob);
        assert!(!same_person(
            &invited("Garcia", "Jose", "", Some(date!(1980 - 03 - 01))),
            &card
        ));
        assert!(!same_person(
            &invited("Garcia", "Juan", "", Some(dob)),
            &card
        ));
        assert!(!same_person(
            &invited("Garcias", "Jose", "", Some(dob)),
            &card
        ));
        assert!(!same_person(
            &invited("Garcia", "Jose", "M", Some(dob)),
            &card
        ));
    }

    #[test]
    fn ids_print_and_parse_as_16_hex_digits() {
        let id = InvitationId(0xab);
        assert_eq!(id.to_string(), "00000000000000ab");
        assert_eq!("00000000000000AB".parse::<InvitationId>(), Ok(id));
        assert!("ab".parse::<InvitationId>().is_err());
        assert!("zz00000000000000".parse::<InvitationId>().is_err());
    }
}
