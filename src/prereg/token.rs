//! The invitation token: compact binary claims, signed with the kiosk fleet's Ed25519 key.
//!
//! `VSTB1:` + base64url(claims) + `.` + base64url(signature), no padding. The signature covers
//! [`DOMAIN`] followed by the claim bytes, so a signature made for anything else with the same
//! key (a registry feed manifest, a future token version) never verifies as an invitation.
//!
//! Claims, in order: format byte (1), invitation id (8 bytes, big-endian), valid from, valid to
//! and date of birth (Julian day numbers, 4 bytes each, 0 = no date of birth), sex (`M`, `F`,
//! `X` or 0), then last, first and middle name, purpose id, destination id and event name, each
//! one length byte and UTF-8. A typical invitation is about 170 characters (a QR code of
//! version 8 at medium error correction); the longest the limits below allow is under 400.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use time::Date;

use super::{Invitation, InvitationError, InvitationId, InvitedPerson};
use crate::identity::Sex;

pub use crate::identity::prereg::PREFIX;

/// What the signature is over, before the claims: names the purpose and the format.
pub const DOMAIN: &[u8] = b"vestibule invitation v1\0";
const FORMAT: u8 = 1;
const SIGNATURE_LEN: usize = 64;
/// Julian day numbers need 22 bits; 0 never is one in our range, so it means "none".
const NO_DATE: u32 = 0;

/// Longest field each claim may hold, in UTF-8 bytes (keeps the QR scannable).
pub const MAX_NAME: usize = 35;
pub const MAX_ID: usize = 24;
pub const MAX_EVENT: usize = 40;

/// Signs `invitation` with the fleet key: the text a QR code carries (with [`PREFIX`]).
pub fn issue(invitation: &Invitation, key: &SigningKey) -> Result<String, InvitationError> {
    invitation.check()?;
    let claims = encode(invitation);
    let signature = key.sign(&signed_message(&claims));
    Ok(format!(
        "{PREFIX}{}.{}",
        URL_SAFE_NO_PAD.encode(&claims),
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    ))
}

/// Checks a scanned token (with or without [`PREFIX`]) against the fleet's public key and
/// `today` (the kiosk's local date). Whether it was revoked is the store's question.
pub fn verify(token: &str, key: &VerifyingKey, today: Date) -> Result<Invitation, InvitationError> {
    let token = token.trim();
    let token = token.strip_prefix(PREFIX).unwrap_or(token);
    let (claims, signature) = token
        .split_once('.')
        .ok_or(InvitationError::Malformed("no signature part"))?;
    let claims = decode_part(claims).ok_or(InvitationError::Malformed("claims are not base64"))?;
    let signature: [u8; SIGNATURE_LEN] = decode_part(signature)
        .and_then(|s| s.try_into().ok())
        .ok_or(InvitationError::Malformed(
            "the signature is not 64 bytes of base64",
        ))?;
    key.verify(&signed_message(&claims), &Signature::from_bytes(&signature))
        .map_err(|_| InvitationError::Forged)?;
    let invitation = decode(&claims)?;
    if today < invitation.valid_from {
        return Err(InvitationError::NotYetValid {
            from: invitation.valid_from,
        });
    }
    if today > invitation.valid_to {
        return Err(InvitationError::Expired {
            to: invitation.valid_to,
        });
    }
    Ok(invitation)
}

/// Accepts padded or unpadded base64url (the scanner shape allows `=`).
fn decode_part(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

fn signed_message(claims: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(DOMAIN.len() + claims.len());
    message.extend_from_slice(DOMAIN);
    message.extend_from_slice(claims);
    message
}

fn encode(invitation: &Invitation) -> Vec<u8> {
    let person = &invitation.person;
    let mut out = Vec::with_capacity(96);
    out.push(FORMAT);
    out.extend_from_slice(&invitation.id.0.to_be_bytes());
    for date in [
        Some(invitation.valid_from),
        Some(invitation.valid_to),
        person.dob,
    ] {
        let day = date.map_or(NO_DATE, |d| d.to_julian_day() as u32);
        out.extend_from_slice(&day.to_be_bytes());
    }
    out.push(person.sex.map_or(0, |s| s.as_str().as_bytes()[0]));
    for text in [
        &person.last_name,
        &person.first_name,
        &person.middle_name,
        &invitation.purpose,
        &invitation.destination,
        invitation.event.as_deref().unwrap_or(""),
    ] {
        out.push(text.len() as u8);
        out.extend_from_slice(text.as_bytes());
    }
    out
}

/// Reads claims a fleet key signed; refuses anything [`encode`] would not have written.
fn decode(claims: &[u8]) -> Result<Invitation, InvitationError> {
    let mut reader = Reader(claims);
    if reader.byte()? != FORMAT {
        return Err(InvitationError::Malformed("unknown claims format"));
    }
    let id = InvitationId(u64::from_be_bytes(reader.array()?));
    let valid_from = reader
        .date()?
        .ok_or(InvitationError::Malformed("no start date"))?;
    let valid_to = reader
        .date()?
        .ok_or(InvitationError::Malformed("no end date"))?;
    let dob = reader.date()?;
    let sex = match reader.byte()? {
        0 => None,
        b'M' => Some(Sex::M),
        b'F' => Some(Sex::F),
        b'X' => Some(Sex::X),
        _ => return Err(InvitationError::Malformed("unknown sex code")),
    };
    let person = InvitedPerson {
        last_name: reader.text(MAX_NAME)?,
        first_name: reader.text(MAX_NAME)?,
        middle_name: reader.text(MAX_NAME)?,
        dob,
        sex,
    };
    let purpose = reader.text(MAX_ID)?;
    let destination = reader.text(MAX_ID)?;
    let event = Some(reader.text(MAX_EVENT)?).filter(|e| !e.is_empty());
    if !reader.0.is_empty() {
        return Err(InvitationError::Malformed("bytes after the claims"));
    }
    let invitation = Invitation {
        id,
        person,
        valid_from,
        valid_to,
        purpose,
        destination,
        event,
    };
    invitation.check()?;
    Ok(invitation)
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], InvitationError> {
        if self.0.len() < n {
            return Err(InvitationError::Malformed("the claims end early"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, InvitationError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], InvitationError> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }

    fn date(&mut self) -> Result<Option<Date>, InvitationError> {
        let day = u32::from_be_bytes(self.array()?);
        if day == NO_DATE {
            return Ok(None);
        }
        i32::try_from(day)
            .ok()
            .and_then(|d| Date::from_julian_day(d).ok())
            .map(Some)
            .ok_or(InvitationError::Malformed("a date out of range"))
    }

    fn text(&mut self, max: usize) -> Result<String, InvitationError> {
        let len = usize::from(self.byte()?);
        if len > max {
            return Err(InvitationError::Malformed("a field is too long"));
        }
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| InvitationError::Malformed("a field is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7; 32])
    }

    fn invitation() -> Invitation {
        Invitation {
            id: InvitationId(0x0123_4567_89ab_cdef),
            person: InvitedPerson {
                last_name: "Lovelace".into(),
                first_name: "Ada".into(),
                middle_name: String::new(),
                dob: Some(date!(1985 - 12 - 10)),
                sex: Some(Sex::F),
            },
            valid_from: date!(2026 - 12 - 01),
            valid_to: date!(2026 - 12 - 03),
            purpose: "volunteer".into(),
            destination: "library".into(),
            event: None,
        }
    }

    #[test]
    fn a_token_round_trips_and_fits_a_small_qr_code() {
        let token = issue(&invitation(), &key()).unwrap();
        assert!(token.starts_with(PREFIX));
        assert!(token.len() < 200, "{} chars", token.len());
        let got = verify(&token, &key().verifying_key(), date!(2026 - 12 - 02)).unwrap();
        assert_eq!(got, invitation());
        let scanned = crate::identity::prereg::recognise(&token).unwrap().unwrap();
        assert_eq!(
            verify(
                &scanned.token,
                &key().verifying_key(),
                date!(2026 - 12 - 01)
            )
            .unwrap(),
            invitation()
        );
    }

    #[test]
    fn dates_outside_the_range_are_refused_by_name() {
        let token = issue(&invitation(), &key()).unwrap();
        let public = key().verifying_key();
        assert_eq!(
            verify(&token, &public, date!(2026 - 11 - 30)),
            Err(InvitationError::NotYetValid {
                from: date!(2026 - 12 - 01)
            })
        );
        assert_eq!(
            verify(&token, &public, date!(2026 - 12 - 04)),
            Err(InvitationError::Expired {
                to: date!(2026 - 12 - 03)
            })
        );
    }

    #[test]
    fn another_key_or_an_edited_claim_is_a_forgery() {
        let token = issue(&invitation(), &key()).unwrap();
        let today = date!(2026 - 12 - 02);
        let other = SigningKey::from_bytes(&[8; 32]).verifying_key();
        assert_eq!(verify(&token, &other, today), Err(InvitationError::Forged));
        // Another person's claims under this signature.
        let mut changed = invitation();
        changed.person.first_name = "Eve".into();
        let forged_claims = issue(&changed, &key()).unwrap();
        let (claims, _) = forged_claims.split_once('.').unwrap();
        let (_, signature) = token.split_once('.').unwrap();
        let spliced = format!("{claims}.{signature}");
        assert_eq!(
            verify(&spliced, &key().verifying_key(), today),
            Err(InvitationError::Forged)
        );
    }

    #[test]
    fn malformed_tokens_say_so_without_quoting_them() {
        let public = key().verifying_key();
        let today = date!(2026 - 12 - 02);
        for bad in ["", "VSTB1:", "VSTB1:abc", "VSTB1:abc.def", "VSTB1:!!.??"] {
            let err = verify(bad, &public, today).unwrap_err();
            assert!(matches!(err, InvitationError::Malformed(_)), "{bad}: {err}");
        }
        let token = issue(&invitation(), &key()).unwrap();
        let message = verify(&token, &public, date!(2027 - 01 - 01))
            .unwrap_err()
            .to_string();
        assert!(!message.contains("Lovelace") && !message.contains("Ada"));
    }
}
