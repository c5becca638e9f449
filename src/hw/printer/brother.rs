//! Brother QL-800 / QL-810W / QL-820NWB: raster print jobs and status replies, after
//! Brother's "QL-800/810W/820NWB Raster Command Reference".
//!
//! The head is 720 dots across; 62 mm media uses 696 of them, starting 12 dots in from the
//! head's right-hand end. The printer lays each raster line down mirrored, so we mirror it
//! back: page column `x` goes to head dot `720 - 1 - (12 + x)`, most significant bit first.
//! Lines go top of the badge first, uncompressed, one `g` command each.

use crate::badge::{Bitmap1, Label};

/// Dots across the print head, and so bits in every raster line.
const HEAD_DOTS: usize = 720;
const LINE_BYTES: usize = HEAD_DOTS / 8;
/// The head dots right of a 62 mm label's printable area.
const RIGHT_MARGIN_62MM: usize = 12;

const ESC: u8 = 0x1b;

/// The Brother media we print badges on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// DK-1202: 62 x 100 mm die-cut shipping labels (the common visitor-badge size).
    Dk1202,
    /// DK-2205: 62 mm continuous paper tape; we cut it at the die-cut label's length.
    Dk2205,
}

impl Media {
    pub const WIDTH_MM: u8 = 62;

    /// Printable page: 696 dots across, and DK-1202's 1109 lines (also used on tape, so a
    /// badge looks the same on either roll).
    pub fn label(self) -> Label {
        Label::DK1202
    }

    /// Label length in mm as the print-information command wants it (0 = continuous).
    fn length_mm(self) -> u8 {
        match self {
            Media::Dk1202 => 100,
            Media::Dk2205 => 0,
        }
    }

    /// Media type byte in print information and in status replies.
    fn type_byte(self) -> u8 {
        match self {
            Media::Dk1202 => 0x0b,
            Media::Dk2205 => 0x0a,
        }
    }

    /// Blank feed before and after the print on continuous tape; die-cut labels need none.
    fn feed_dots(self) -> u16 {
        match self {
            Media::Dk1202 => 0,
            Media::Dk2205 => 35,
        }
    }
}

/// Flags in `ESC i z`: which fields are valid, plus "quality first" and "recover always".
mod print_info {
    pub const MEDIA_TYPE: u8 = 0x02;
    pub const WIDTH: u8 = 0x04;
    pub const LENGTH: u8 = 0x08;
    pub const QUALITY: u8 = 0x40;
    pub const RECOVER: u8 = 0x80;
}

/// One job that prints `page` once and cuts after it. `page` is the media's label size
/// (checked by `PrinterKind::encode`).
pub fn encode(page: &Bitmap1, media: Media) -> Vec<u8> {
    let lines = page.height() as usize;
    let mut job = Vec::with_capacity(450 + lines * (3 + LINE_BYTES));
    // Clear whatever a half-sent earlier job left in the printer, then reset it.
    job.extend_from_slice(&[0; 400]);
    job.extend_from_slice(&[ESC, b'@']);
    job.extend_from_slice(&[ESC, b'i', b'a', 0x01]); // raster mode
    job.extend_from_slice(&[ESC, b'i', b'!', 0x00]); // send status notifications
    job.extend_from_slice(&print_information(media, lines as u32));
    job.extend_from_slice(&[ESC, b'i', b'M', 0x40]); // auto cut
    job.extend_from_slice(&[ESC, b'i', b'K', 0x08]); // cut at end
    let [feed_lo, feed_hi] = media.feed_dots().to_le_bytes();
    job.extend_from_slice(&[ESC, b'i', b'd', feed_lo, feed_hi]);
    job.extend_from_slice(&[b'M', 0x00]); // no compression
    for y in 0..page.height() {
        job.extend_from_slice(&[b'g', 0x00, LINE_BYTES as u8]);
        job.extend_from_slice(&raster_line(page.row(y)));
    }
    job.push(0x1a); // print, then feed and cut
    job
}

/// One job that prints every page back to back (an event's badges): the job header once, then
/// per page its print information (page 0 "starting page", the rest "other pages"), the cut
/// settings, the raster lines and FF (print, no feed), the last page SUB (print, feed, cut).
/// Die-cut labels get no feed between pages (the die-cut gap is the only gap) and a cut every
/// `cut_every` labels (0: only after the last); continuous tape keeps the 3 mm margin its
/// stock needs and is cut after every badge, or the badges would run into each other.
pub fn encode_run(pages: &[Bitmap1], media: Media, cut_every: u8) -> Vec<u8> {
    let lines: usize = pages.iter().map(|p| p.height() as usize).sum();
    let mut job = Vec::with_capacity(420 + pages.len() * 40 + lines * (3 + LINE_BYTES));
    job.extend_from_slice(&[0; 400]);
    job.extend_from_slice(&[ESC, b'@']);
    job.extend_from_slice(&[ESC, b'i', b'a', 0x01]);
    job.extend_from_slice(&[ESC, b'i', b'!', 0x00]);
    let cut_every = match media {
        Media::Dk2205 => 1,
        Media::Dk1202 => cut_every,
    };
    for (n, page) in pages.iter().enumerate() {
        let mut info = print_information(media, page.height());
        info[11] = u8::from(n > 0); // starting page / other pages
        job.extend_from_slice(&info);
        if cut_every == 0 {
            job.extend_from_slice(&[ESC, b'i', b'M', 0x00]); // no auto cut
        } else {
            job.extend_from_slice(&[ESC, b'i', b'M', 0x40]);
            job.extend_from_slice(&[ESC, b'i', b'A', cut_every]); // cut each n labels
        }
        job.extend_from_slice(&[ESC, b'i', b'K', 0x08]); // cut at end
        let [feed_lo, feed_hi] = media.feed_dots().to_le_bytes();
        job.extend_from_slice(&[ESC, b'i', b'd', feed_lo, feed_hi]);
        job.extend_from_slice(&[b'M', 0x00]);
        for y in 0..page.height() {
            job.extend_from_slice(&[b'g', 0x00, LINE_BYTES as u8]);
            job.extend_from_slice(&raster_line(page.row(y)));
        }
        job.push(if n + 1 == pages.len() { 0x1a } else { 0x0c });
    }
    job
}

fn print_information(media: Media, lines: u32) -> [u8; 13] {
    use print_info::*;
    let mut valid = RECOVER | QUALITY | MEDIA_TYPE | WIDTH;
    if media.length_mm() != 0 {
        valid |= LENGTH;
    }
    let [l0, l1, l2, l3] = lines.to_le_bytes();
    #[rustfmt::skip]
    let command = [
        ESC, b'i', b'z', valid, media.type_byte(), Media::WIDTH_MM, media.length_mm(),
        l0, l1, l2, l3,
        0x00, // starting page
        0x00,
    ];
    command
}

/// Mirrors one packed page row into a 720-dot head line.
fn raster_line(row: &[u8]) -> [u8; LINE_BYTES] {
    let mut line = [0u8; LINE_BYTES];
    for (byte_index, &byte) in row.iter().enumerate().filter(|(_, b)| **b != 0) {
        for bit in 0..8 {
            if byte & (0x80 >> bit) != 0 {
                let x = byte_index * 8 + bit;
                let dot = HEAD_DOTS - 1 - (RIGHT_MARGIN_62MM + x);
                line[dot / 8] |= 0x80 >> (dot % 8);
            }
        }
    }
    line
}

/// `ESC i S`: asks the printer for a 32-byte [`Status`]. Send [`STATUS_PREAMBLE`] first when
/// the printer may be in the middle of a broken job.
pub const STATUS_REQUEST: [u8; 3] = [ESC, b'i', b'S'];

/// Invalidate + initialise: makes the printer listen for a command again.
pub fn status_preamble() -> Vec<u8> {
    let mut bytes = vec![0; 400];
    bytes.extend_from_slice(&[ESC, b'@']);
    bytes
}

/// The Brother model that answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    Ql800,
    Ql810w,
    Ql820nwb,
    /// Another QL (the status format is shared); the model code byte.
    Other(u8),
}

/// The kind of roll the printer says is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loaded {
    None,
    Continuous { width_mm: u8 },
    DieCut { width_mm: u8, length_mm: u8 },
}

/// What a status reply is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    Reply,
    PrintingCompleted,
    ErrorOccurred,
    TurnedOff,
    Notification,
    PhaseChange,
}

/// One error bit of a status reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    NoMedia,
    EndOfMedia,
    CutterJam,
    PrinterInUse,
    TurnedOff,
    HighVoltageAdapter,
    FanMotor,
    ReplaceMedia,
    ExpansionBufferFull,
    Communication,
    CommunicationBufferFull,
    CoverOpen,
    Cancelled,
    FeedError,
    SystemError,
}

/// Error bits in status bytes 8 and 9 (bit 3 of byte 8 is unused).
const FAULT_BITS: [(usize, u8, Fault); 15] = [
    (8, 0x01, Fault::NoMedia),
    (8, 0x02, Fault::EndOfMedia),
    (8, 0x04, Fault::CutterJam),
    (8, 0x10, Fault::PrinterInUse),
    (8, 0x20, Fault::TurnedOff),
    (8, 0x40, Fault::HighVoltageAdapter),
    (8, 0x80, Fault::FanMotor),
    (9, 0x01, Fault::ReplaceMedia),
    (9, 0x02, Fault::ExpansionBufferFull),
    (9, 0x04, Fault::Communication),
    (9, 0x08, Fault::CommunicationBufferFull),
    (9, 0x10, Fault::CoverOpen),
    (9, 0x20, Fault::Cancelled),
    (9, 0x40, Fault::FeedError),
    (9, 0x80, Fault::SystemError),
];

/// A parsed 32-byte status reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub model: Model,
    pub report: Report,
    pub faults: Vec<Fault>,
    pub loaded: Loaded,
    /// True while the printer is printing (phase byte), false while it is receiving.
    pub printing: bool,
}

/// Why the kiosk must tell the visitor the printer needs attention and alert staff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attention {
    PaperOut,
    CoverOpen,
    WrongMedia {
        loaded: Loaded,
        wanted: Media,
    },
    Jammed,
    /// Any other fault; the printer's own light says which.
    Fault(Fault),
}

/// Why status bytes are not a Brother QL status reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    #[error("a Brother status reply is 32 bytes, got {0}")]
    Length(usize),
    #[error("not a Brother QL status reply (bad header)")]
    Header,
    #[error("unknown status type {0:#04x}")]
    Report(u8),
}

impl Status {
    /// Parses a status reply (print head mark 0x80, size 32, 'B', series '4').
    pub fn parse(bytes: &[u8]) -> Result<Status, StatusError> {
        let bytes: &[u8; 32] = bytes
            .try_into()
            .map_err(|_| StatusError::Length(bytes.len()))?;
        if bytes[..4] != [0x80, 0x20, b'B', b'4'] {
            return Err(StatusError::Header);
        }
        let model = match bytes[4] {
            0x38 => Model::Ql800,
            0x39 => Model::Ql810w,
            0x41 => Model::Ql820nwb,
            other => Model::Other(other),
        };
        let faults = FAULT_BITS
            .iter()
            .filter(|(byte, mask, _)| bytes[*byte] & mask != 0)
            .map(|(_, _, fault)| *fault)
            .collect();
        // QL-800 series report 0x4A/0x4B; older QLs 0x0A/0x0B.
        let loaded = match bytes[11] & !0x40 {
            0x0a => Loaded::Continuous {
                width_mm: bytes[10],
            },
            0x0b => Loaded::DieCut {
                width_mm: bytes[10],
                length_mm: bytes[17],
            },
            _ => Loaded::None,
        };
        let report = match bytes[18] {
            0x00 => Report::Reply,
            0x01 => Report::PrintingCompleted,
            0x02 => Report::ErrorOccurred,
            0x04 => Report::TurnedOff,
            0x05 => Report::Notification,
            0x06 => Report::PhaseChange,
            other => return Err(StatusError::Report(other)),
        };
        Ok(Status {
            model,
            report,
            faults,
            loaded,
            printing: bytes[19] == 0x01,
        })
    }

    /// The first reason, most actionable first, that this printer cannot print a badge on
    /// `wanted` media; `None` when it can.
    pub fn attention(&self, wanted: Media) -> Option<Attention> {
        let has = |f: Fault| self.faults.contains(&f);
        if has(Fault::NoMedia) || has(Fault::EndOfMedia) || self.loaded == Loaded::None {
            return Some(Attention::PaperOut);
        }
        if has(Fault::CoverOpen) {
            return Some(Attention::CoverOpen);
        }
        if has(Fault::CutterJam) || has(Fault::FeedError) {
            return Some(Attention::Jammed);
        }
        if !wanted.matches(self.loaded) || has(Fault::ReplaceMedia) {
            return Some(Attention::WrongMedia {
                loaded: self.loaded,
                wanted,
            });
        }
        // Busy is not a fault worth a staff alert: the job queues behind the current one.
        let serious = self.faults.iter().find(|f| **f != Fault::PrinterInUse);
        serious.map(|f| Attention::Fault(*f))
    }
}

impl Media {
    fn matches(self, loaded: Loaded) -> bool {
        match (self, loaded) {
            (
                Media::Dk1202,
                Loaded::DieCut {
                    width_mm,
                    length_mm,
                },
            ) => width_mm == 62 && length_mm == 100,
            (Media::Dk2205, Loaded::Continuous { width_mm }) => width_mm == 62,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_information_for_die_cut_labels_is_the_documented_one() {
        // The bytes a hardware-verified QL job carries for DK-1202 and 1109 lines.
        assert_eq!(
            print_information(Media::Dk1202, 1109),
            [0x1b, 0x69, 0x7a, 0xce, 0x0b, 0x3e, 0x64, 0x55, 0x04, 0x00, 0x00, 0x00, 0x00]
        );
    }

    #[test]
    fn continuous_tape_has_no_length() {
        assert_eq!(
            print_information(Media::Dk2205, 1109),
            [0x1b, 0x69, 0x7a, 0xc6, 0x0a, 0x3e, 0x00, 0x55, 0x04, 0x00, 0x00, 0x00, 0x00]
        );
    }

    #[test]
    fn raster_lines_are_mirrored_onto_the_head() {
        let mut row = [0u8; 87];
        row[0] = 0x80; // page column 0
        row[86] = 0x01; // page column 695
        let line = raster_line(&row);
        // Column 0 -> dot 707 (byte 88, bit 3); column 695 -> dot 12 (byte 1, bit 4).
        assert_eq!(line[88], 0x10);
        assert_eq!(line[1], 0x08);
        assert_eq!(line.iter().map(|b| b.count_ones()).sum::<u32>(), 2);
    }

    #[test]
    fn a_die_cut_job_has_the_verified_length() {
        let job = encode(&Bitmap1::new(696, 1109), Media::Dk1202);
        assert_eq!(job.len(), 103_576);
        assert_eq!(job.last(), Some(&0x1a));
    }
}
