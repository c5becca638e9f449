//! Zebra ZPL II: the badge goes as one uncompressed `^GFA` graphic field, so a Zebra prints
//! exactly the dots every other printer prints (no printer-side fonts or barcodes).

use std::fmt::Write;

use crate::badge::{Bitmap1, Label};

/// 2.25 x 4 in labels at `dpi`; the width is rounded down to whole bytes of dots.
pub fn label(dpi: u32) -> Label {
    let width = (dpi * 9 / 4) / 8 * 8;
    Label {
        width,
        height: dpi * 4,
        dpi,
    }
}

/// `^XA ^PW ^LL ^LH ^FO ^GFA,<bytes>,<bytes>,<bytes per row>,<hex> ^FS ^PQ1 ^XZ`.
pub fn encode(page: &Bitmap1) -> Vec<u8> {
    let per_row = page.bytes_per_row();
    let total = per_row * page.height() as usize;
    let mut zpl = String::with_capacity(total * 2 + 96);
    let _ = write!(
        zpl,
        "^XA^PW{}^LL{}^LH0,0^FO0,0^GFA,{total},{total},{per_row},",
        page.width(),
        page.height()
    );
    for y in 0..page.height() {
        for byte in page.row(y) {
            let _ = write!(zpl, "{byte:02X}");
        }
    }
    zpl.push_str("^FS^PQ1^XZ\n");
    zpl.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_whole_bytes_wide() {
        assert_eq!(
            label(203),
            Label {
                width: 456,
                height: 812,
                dpi: 203
            }
        );
        assert_eq!(
            label(300),
            Label {
                width: 672,
                height: 1200,
                dpi: 300
            }
        );
    }

    #[test]
    fn a_tiny_page_encodes_to_readable_zpl() {
        let mut page = Bitmap1::new(9, 2);
        page.set(0, 0, true);
        page.set(8, 1, true);
        let zpl = String::from_utf8(encode(&page)).unwrap();
        assert_eq!(
            zpl,
            "^XA^PW9^LL2^LH0,0^FO0,0^GFA,4,4,2,80000080^FS^PQ1^XZ\n"
        );
    }
}
