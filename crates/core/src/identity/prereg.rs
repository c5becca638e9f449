//! Vestibule invitation QR codes.
//!
//! An invitation QR carries `VSTB1:` followed by an opaque token (URL-safe base64 and `.`), so a
//! QR code can never be mistaken for an ID document or the other way round. This module only
//! recognises the shape and hands the token on; checking its signature, date range and whether
//! it was revoked belongs to the pre-registration feature, which owns the fleet key.

use super::ScanError;

/// The prefix every Vestibule invitation QR code starts with (`1` is the token format version).
pub const PREFIX: &str = "VSTB1:";

const MIN_TOKEN: usize = 8;
const MAX_TOKEN: usize = 1024;

/// An invitation code as scanned, not yet verified.
#[derive(Clone, PartialEq, Eq)]
pub struct InvitationRef {
    pub token: String,
}

impl std::fmt::Debug for InvitationRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InvitationRef({} chars)", self.token.len())
    }
}

/// `Ok(None)` when `text` is not an invitation at all; an error when it has the invitation
/// prefix but a token that cannot be one (a torn QR read).
pub fn recognise(text: &str) -> Result<Option<InvitationRef>, ScanError> {
    let Some(token) = text.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    let token = token.trim();
    if token.len() < MIN_TOKEN {
        return Err(ScanError::BadInvitation("the token is too short"));
    }
    if token.len() > MAX_TOKEN {
        return Err(ScanError::BadInvitation("the token is too long"));
    }
    let valid = token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='));
    if !valid {
        return Err(ScanError::BadInvitation(
            "the token has characters no invitation uses",
        ));
    }
    Ok(Some(InvitationRef {
        token: token.to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_prefixed_tokens() {
        let got = recognise("VSTB1:eyJ2IjoxfQ.c2lnbmF0dXJl").unwrap().unwrap();
        assert_eq!(got.token, "eyJ2IjoxfQ.c2lnbmF0dXJl");
    }

    #[test]
    fn other_text_is_not_an_invitation() {
        assert_eq!(recognise("@\n\u{1e}\rANSI 636020").unwrap(), None);
        assert_eq!(recognise("vstb1:abcdefghij").unwrap(), None);
    }

    #[test]
    fn torn_tokens_are_refused() {
        assert!(recognise("VSTB1:abc").is_err());
        assert!(recognise("VSTB1:abcdefgh ijkl").is_err());
        assert!(recognise(&format!("VSTB1:{}", "a".repeat(2000))).is_err());
    }
}
