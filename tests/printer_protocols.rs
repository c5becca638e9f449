//! Each printer protocol's bytes, decoded back into a page by a decoder written here from
//! the protocol documents (not from the encoders), must equal the rendered badge dot for dot.

use vestibule::badge::{self, Badge, BadgeLayout, Bitmap1};
use vestibule::hw::printer::PrinterKind;

fn rendered(kind: PrinterKind) -> Bitmap1 {
    badge::render(&Badge::sample(), &BadgeLayout::default(), kind.label()).unwrap()
}

/// Splits off `n` bytes or fails the test with what was expected there.
fn take<'a>(bytes: &mut &'a [u8], n: usize, what: &str) -> &'a [u8] {
    assert!(bytes.len() >= n, "job ends before {what}");
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    head
}

fn expect(bytes: &mut &[u8], want: &[u8], what: &str) {
    assert_eq!(take(bytes, want.len(), what), want, "{what}");
}

/// Brother QL raster (Raster Command Reference): header commands, then `g 00 5A` + 90 bytes
/// per line, head dot d = 707 - page column, then SUB.
fn decode_brother(mut job: &[u8], continuous: bool) -> Bitmap1 {
    let job = &mut job;
    expect(job, &[0; 400], "invalidate");
    expect(job, b"\x1b@", "initialise");
    expect(job, b"\x1bia\x01", "raster mode");
    expect(job, b"\x1bi!\x00", "status notifications");
    expect(job, b"\x1biz", "print information");
    let info = take(job, 10, "print information fields");
    let (kind, length) = if continuous { (0x0a, 0) } else { (0x0b, 100) };
    assert_eq!(info[1..4], [kind, 62, length], "media type, width, length");
    let lines = u32::from_le_bytes(info[4..8].try_into().unwrap());
    expect(job, b"\x1biM\x40", "auto cut");
    expect(job, b"\x1biK\x08", "cut at end");
    let feed: &[u8] = if continuous {
        b"\x1bid\x23\x00"
    } else {
        b"\x1bid\x00\x00"
    };
    expect(job, feed, "margin");
    expect(job, b"M\x00", "no compression");
    let mut page = Bitmap1::new(696, lines);
    for y in 0..lines {
        expect(job, b"g\x00\x5a", "raster line");
        let line = take(job, 90, "raster data");
        for dot in 0..720usize {
            if line[dot / 8] & (0x80 >> (dot % 8)) != 0 {
                let x = 707 - dot as i64;
                assert!(
                    (0..696).contains(&x),
                    "ink in the head's margin at dot {dot}"
                );
                page.set(x as u32, y, true);
            }
        }
    }
    assert_eq!(*job, b"\x1a", "print command ends the job");
    page
}

/// DYMO LabelWriter 450 (Technical Reference): ESC resync + reset, ESC L / D / B / h / e,
/// then SYN + bytes per line, ESC E.
fn decode_dymo(mut job: &[u8]) -> Bitmap1 {
    let job = &mut job;
    expect(job, &[0x1b; 100], "resync");
    expect(job, b"\x1b@", "reset");
    expect(job, b"\x1bL", "label length");
    let len = take(job, 2, "label length value");
    let lines = u16::from_be_bytes([len[0], len[1]]) as u32;
    expect(job, b"\x1bD", "bytes per line");
    let per_line = take(job, 1, "bytes per line value")[0] as usize;
    expect(job, b"\x1bB\x00", "dot tab");
    expect(job, b"\x1bh\x1be", "mode and density");
    let mut bits = Vec::new();
    for _ in 0..lines {
        expect(job, &[0x16], "SYN");
        bits.extend_from_slice(take(job, per_line, "line"));
    }
    assert_eq!(*job, b"\x1bE", "form feed ends the job");
    Bitmap1::from_rows(per_line as u32 * 8, lines, bits).unwrap()
}

/// ZPL II: `^GFA,total,total,per_row,hex` inside `^XA ... ^XZ`, `^PW` giving the width.
fn decode_zpl(job: &[u8]) -> Bitmap1 {
    let text = std::str::from_utf8(job).expect("ZPL is text");
    assert!(text.starts_with("^XA") && text.trim_end().ends_with("^XZ"));
    let field = |tag: &str| -> &str {
        let start = text.find(tag).unwrap_or_else(|| panic!("no {tag}")) + tag.len();
        let end = text[start..].find('^').map_or(text.len(), |e| start + e);
        &text[start..end]
    };
    let width: u32 = field("^PW").parse().unwrap();
    let graphic = field("^GFA,");
    let mut parts = graphic.splitn(4, ',');
    let total: usize = parts.next().unwrap().parse().unwrap();
    assert_eq!(parts.next().unwrap().parse::<usize>().unwrap(), total);
    let per_row: usize = parts.next().unwrap().parse().unwrap();
    let hex = parts.next().unwrap();
    assert_eq!(hex.len(), total * 2);
    let bits: Vec<u8> = (0..total)
        .map(|i| u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap())
        .collect();
    assert_eq!(per_row, (width as usize).div_ceil(8));
    Bitmap1::from_rows(width, (total / per_row) as u32, bits).unwrap()
}

#[test]
fn brother_dk1202_job_decodes_to_the_rendered_badge() {
    let page = rendered(PrinterKind::BrotherQlDk1202);
    let job = PrinterKind::BrotherQlDk1202.encode(&page).unwrap();
    assert_eq!(decode_brother(&job, false), page);
}

#[test]
fn brother_dk2205_job_decodes_to_the_rendered_badge() {
    let page = rendered(PrinterKind::BrotherQlDk2205);
    let job = PrinterKind::BrotherQlDk2205.encode(&page).unwrap();
    assert_eq!(decode_brother(&job, true), page);
}

#[test]
fn dymo_job_decodes_to_the_rendered_badge() {
    let page = rendered(PrinterKind::Dymo30256);
    let job = PrinterKind::Dymo30256.encode(&page).unwrap();
    assert_eq!(decode_dymo(&job), page);
}

#[test]
fn zpl_jobs_decode_to_the_rendered_badge() {
    for kind in [PrinterKind::Zpl203, PrinterKind::Zpl300] {
        let page = rendered(kind);
        let job = kind.encode(&page).unwrap();
        assert_eq!(decode_zpl(&job), page, "{kind}");
    }
}

#[test]
fn every_printer_gets_a_badge_with_ink_on_it() {
    for kind in PrinterKind::ALL {
        let page = rendered(kind);
        // A badge is mostly paper, but the band, name and codes are a good share of ink.
        let share = page.ink_count() as f64 / (page.width() * page.height()) as f64;
        assert!((0.08..0.5).contains(&share), "{kind}: {share}");
    }
}
