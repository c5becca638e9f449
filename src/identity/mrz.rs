//! ICAO 9303 MRZ (placeholder until the parser lands).
use super::{Identity, ScanError};
use time::Date;

pub fn looks_like_mrz(text: &str) -> bool {
    text.contains('<')
}

pub fn parse(_text: &str, _today: Date) -> Result<Identity, ScanError> {
    Err(ScanError::Unrecognised)
}
