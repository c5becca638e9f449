//! US military ID / CAC barcodes (placeholder until the detector lands).
pub fn is_military_id(_text: &str) -> bool {
    false
}
