//! AAMVA DL/ID PDF417 (placeholder until the parser lands).
use super::{Identity, ScanError};

pub fn looks_like_aamva(text: &str) -> bool {
    text.starts_with('@') || text.contains("ANSI ") || text.contains("AAMVA")
}

pub fn parse(_text: &str) -> Result<Identity, ScanError> {
    Err(ScanError::Unrecognised)
}
