//! What a kiosk and the district hub say to each other, and how the hub knows which kiosk said
//! it. Both sides link this module, so the bytes a kiosk signs and the bytes the hub checks are
//! made by one function.
//!
//! A kiosk enrols once: it makes an Ed25519 device key, and sends its public half with the
//! one-time code staff read off the console ([`Enrolment`]). Every later request carries four
//! headers: the kiosk's id, the time, a fresh nonce and a signature over
//! [`signing_input`] (method, path, time, nonce and the SHA-256 of the body). The hub refuses a
//! signature that does not verify, a time further than [`MAX_CLOCK_SKEW_SECS`] from its own, a
//! nonce it has seen (a replay) and a revoked kiosk.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The kiosk's id, as the hub gave it at enrolment.
pub const HEADER_KIOSK: &str = "vestibule-kiosk";
/// Seconds since the Unix epoch, by the kiosk's clock.
pub const HEADER_TIME: &str = "vestibule-time";
/// A value the kiosk never sends twice (16 random bytes, base64).
pub const HEADER_NONCE: &str = "vestibule-nonce";
/// Base64 of the Ed25519 signature over [`signing_input`].
pub const HEADER_SIGNATURE: &str = "vestibule-signature";

/// How far a request's time may stray from the hub's. Nonces are remembered at least this long
/// on either side of now, so a replay is refused whenever its time would still be accepted.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// Names the protocol version inside the signed bytes: a signature made for another version
/// (or another purpose of the same key) never verifies here.
const DOMAIN: &str = "vestibule-hub-request-v1";

/// The bytes a request's signature covers.
pub fn signing_input(method: &str, path: &str, time: i64, nonce: &str, body: &[u8]) -> Vec<u8> {
    let body_hash = STANDARD.encode(Sha256::digest(body));
    format!("{DOMAIN}\n{method}\n{path}\n{time}\n{nonce}\n{body_hash}").into_bytes()
}

/// The four headers of a signed request, as the kiosk sends them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHeaders {
    pub kiosk: String,
    pub time: i64,
    pub nonce: String,
    pub signature: String,
}

/// Signs one request with the kiosk's device key.
pub fn sign_request(
    key: &SigningKey,
    kiosk: &str,
    method: &str,
    path: &str,
    time: i64,
    nonce: &str,
    body: &[u8],
) -> SignedHeaders {
    let signature = key.sign(&signing_input(method, path, time, nonce, body));
    SignedHeaders {
        kiosk: kiosk.to_string(),
        time,
        nonce: nonce.to_string(),
        signature: STANDARD.encode(signature.to_bytes()),
    }
}

/// Why a signed request was refused, in words the hub can log and return.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the request's time is {0} s away from the hub's clock")]
    ClockSkew(i64),
    #[error("the signature is not base64 of 64 bytes")]
    MalformedSignature,
    #[error("the signature does not verify with this kiosk's key")]
    BadSignature,
    #[error("the nonce is empty or longer than 64 characters")]
    MalformedNonce,
}

/// Checks a request's time and signature against the kiosk's public key. Whether its nonce was
/// seen before, and whether the kiosk is revoked, are the hub's database to say.
pub fn verify_request(
    key: &VerifyingKey,
    headers: &SignedHeaders,
    method: &str,
    path: &str,
    body: &[u8],
    now: i64,
) -> Result<(), Refusal> {
    let skew = headers.time - now;
    if skew.abs() > MAX_CLOCK_SKEW_SECS {
        return Err(Refusal::ClockSkew(skew));
    }
    if headers.nonce.is_empty() || headers.nonce.len() > 64 {
        return Err(Refusal::MalformedNonce);
    }
    let bytes: [u8; 64] = STANDARD
        .decode(&headers.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Refusal::MalformedSignature)?;
    let input = signing_input(method, path, headers.time, &headers.nonce, body);
    key.verify_strict(&input, &Signature::from_bytes(&bytes))
        .map_err(|_| Refusal::BadSignature)
}

/// Reads a public key as base64 of its 32 bytes.
pub fn parse_public_key(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = STANDARD.decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// A public key as base64, the way [`parse_public_key`] reads it.
pub fn public_key_text(key: &VerifyingKey) -> String {
    STANDARD.encode(key.to_bytes())
}

/// `POST /api/v1/enrol`: a kiosk asks to join with the code staff read off the console.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Enrolment {
    pub code: String,
    /// What staff call this kiosk ("front lobby").
    pub name: String,
    /// The kiosk's device key, base64 of its 32 public bytes.
    pub public_key: String,
}

/// The hub's answer to an accepted enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolled {
    pub kiosk: String,
    pub school: String,
}

/// `POST /api/v1/events`: what a kiosk's outbox delivers, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    pub events: Vec<KioskEvent>,
}

/// One event, numbered by the kiosk. The number makes delivery idempotent: the hub keeps the
/// first event it got under a kiosk's number and acknowledges every copy, so an outbox that
/// sends again after a lost answer neither loses nor doubles anything.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskEvent {
    pub seq: u64,
    /// `visit`, `sign-out`, `flag`, `decision`, `alert`, `student`, `audit-head` ...
    pub kind: String,
    /// RFC 3339, the kiosk's wall clock when it happened.
    pub at: String,
    pub body: serde_json::Value,
}

/// The hub's answer to a batch: the numbers it now holds (new and already held alike).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledged {
    pub seqs: Vec<u64>,
}

/// `POST /api/v1/heartbeat`: how a kiosk is, every few minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    pub version: String,
    pub registry_serial: Option<u64>,
    pub registry_age_secs: Option<u64>,
    pub reader: DeviceHealth,
    pub printer: DeviceHealth,
    pub relay: DeviceHealth,
    pub free_disk_bytes: u64,
    /// The kiosk's clock minus the hub's, as the kiosk last measured it.
    pub clock_offset_ms: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceHealth {
    Ok,
    Missing,
    Failing,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[9; 32])
    }

    fn signed(body: &[u8]) -> SignedHeaders {
        sign_request(&key(), "k-1", "POST", "/api/v1/events", 1_000, "n-1", body)
    }

    #[test]
    fn a_signed_request_verifies_and_any_change_breaks_it() {
        let public = key().verifying_key();
        let headers = signed(b"{}");
        let check = |h: &SignedHeaders, method, path, body: &[u8]| {
            verify_request(&public, h, method, path, body, 1_010)
        };
        assert_eq!(check(&headers, "POST", "/api/v1/events", b"{}"), Ok(()));
        assert_eq!(
            check(&headers, "POST", "/api/v1/events", b"{ }"),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            check(&headers, "POST", "/api/v1/heartbeat", b"{}"),
            Err(Refusal::BadSignature)
        );
        assert_eq!(
            check(&headers, "PUT", "/api/v1/events", b"{}"),
            Err(Refusal::BadSignature)
        );
        let other_nonce = SignedHeaders {
            nonce: "n-2".into(),
            ..headers.clone()
        };
        assert_eq!(
            check(&other_nonce, "POST", "/api/v1/events", b"{}"),
            Err(Refusal::BadSignature)
        );
        let other_time = SignedHeaders {
            time: 1_001,
            ..headers.clone()
        };
        assert_eq!(
            check(&other_time, "POST", "/api/v1/events", b"{}"),
            Err(Refusal::BadSignature)
        );
    }

    #[test]
    fn another_kiosks_key_does_not_verify() {
        let other = SigningKey::from_bytes(&[10; 32]).verifying_key();
        let headers = signed(b"{}");
        assert_eq!(
            verify_request(&other, &headers, "POST", "/api/v1/events", b"{}", 1_000),
            Err(Refusal::BadSignature)
        );
    }

    #[test]
    fn a_time_too_far_from_the_hubs_is_refused_before_anything_else() {
        let public = key().verifying_key();
        let headers = signed(b"{}");
        let late = 1_000 + MAX_CLOCK_SKEW_SECS + 1;
        assert_eq!(
            verify_request(&public, &headers, "POST", "/api/v1/events", b"{}", late),
            Err(Refusal::ClockSkew(-MAX_CLOCK_SKEW_SECS - 1))
        );
        let edge = 1_000 + MAX_CLOCK_SKEW_SECS;
        assert!(verify_request(&public, &headers, "POST", "/api/v1/events", b"{}", edge).is_ok());
    }

    #[test]
    fn malformed_signatures_and_nonces_are_named() {
        let public = key().verifying_key();
        let mut headers = signed(b"{}");
        headers.signature = "not base64!".into();
        assert_eq!(
            verify_request(&public, &headers, "POST", "/p", b"{}", 1_000),
            Err(Refusal::MalformedSignature)
        );
        let mut headers = signed(b"{}");
        headers.nonce = String::new();
        assert_eq!(
            verify_request(&public, &headers, "POST", "/p", b"{}", 1_000),
            Err(Refusal::MalformedNonce)
        );
    }

    #[test]
    fn public_keys_round_trip_as_text_and_garbage_is_none() {
        let public = key().verifying_key();
        assert_eq!(parse_public_key(&public_key_text(&public)), Some(public));
        assert_eq!(parse_public_key("AAAA"), None);
        assert_eq!(parse_public_key("not base64"), None);
    }

    #[test]
    fn unknown_fields_in_a_batch_are_refused() {
        let batch: Result<EventBatch, _> = serde_json::from_str(r#"{"events":[],"extra":1}"#);
        assert!(batch.is_err());
        let event: KioskEvent = serde_json::from_str(
            r#"{"seq":1,"kind":"visit","at":"2026-12-03T08:00:00Z","body":{"visit":"V-0001"}}"#,
        )
        .unwrap();
        assert_eq!(event.seq, 1);
    }
}
