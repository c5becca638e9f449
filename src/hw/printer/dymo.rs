//! DYMO LabelWriter 450 / 450 Turbo raster jobs, after DYMO's "LabelWriter 450 Series
//! Printers Technical Reference Manual" (no Rust crate speaks it).
//!
//! The head is 672 dots (2.24 in) across at 300 dpi. Each dot line is `SYN` followed by the
//! line's bytes, most significant bit = the first dot; `ESC E` feeds to the next label's
//! top of form, which is also what separates badges. Not yet checked on a real LabelWriter:
//! the byte layout follows the manual and the CUPS `rastertolabel` driver's usage.

use crate::badge::{Bitmap1, Label};

const ESC: u8 = 0x1b;
const SYN: u8 = 0x16;

/// 30256 shipping labels (2 5/16 x 4 in) fed short edge first: the full head width by 4 in.
pub const LABEL_30256: Label = Label {
    width: 672,
    height: 1200,
    dpi: 300,
};

/// Bytes in one dot line (`ESC D` allows at most 84).
const LINE_BYTES: u8 = 84;

/// One job that prints `page` (672 dots wide) on one label.
pub fn encode(page: &Bitmap1) -> Vec<u8> {
    let lines = page.height() as u16;
    let mut job = Vec::with_capacity(120 + lines as usize * (1 + LINE_BYTES as usize));
    // Enough ESCs to finish any command a broken earlier job left half-sent, then reset.
    job.extend_from_slice(&[ESC; 100]);
    job.extend_from_slice(&[ESC, b'@']);
    let [len_hi, len_lo] = lines.to_be_bytes();
    job.extend_from_slice(&[ESC, b'L', len_hi, len_lo]); // label length in dot lines
    job.extend_from_slice(&[ESC, b'D', LINE_BYTES]); // bytes per line
    job.extend_from_slice(&[ESC, b'B', 0]); // no dot tab: lines start at the first dot
    job.extend_from_slice(&[ESC, b'h']); // 300 x 300 dpi text-speed mode
    job.extend_from_slice(&[ESC, b'e']); // normal density
    for y in 0..page.height() {
        job.push(SYN);
        job.extend_from_slice(page.row(y));
    }
    job.extend_from_slice(&[ESC, b'E']); // form feed to the next label
    job
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_starts_with_the_reset_and_page_setup() {
        let job = encode(&Bitmap1::new(672, 1200));
        assert!(job[..100].iter().all(|b| *b == ESC));
        assert_eq!(
            &job[100..117],
            &[
                ESC, b'@', ESC, b'L', 0x04, 0xb0, ESC, b'D', 84, ESC, b'B', 0, ESC, b'h', ESC,
                b'e', SYN
            ]
        );
        assert_eq!(job.len(), 116 + 1200 * 85 + 2);
        assert_eq!(&job[job.len() - 2..], &[ESC, b'E']);
    }
}
