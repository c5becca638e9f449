//! Label printers: which printer and labels the config names, and the bytes each speaks.
//!
//! Encoders are pure (a [`Bitmap1`] in, a print job's bytes out) so every byte is tested
//! without a printer; [`link`] is the only part that touches a device or socket.
//!
//! - [`brother`]: Brother QL-800/810W/820NWB raster jobs and their 32-byte status replies.
//! - [`dymo`]: DYMO LabelWriter 450 / 450 Turbo raster jobs.
//! - [`zpl`]: Zebra ZPL II with the badge as one `^GFA` graphic.
//! - [`link`]: where the bytes go: `/dev/usb/lpN`, a plain file, or TCP port 9100.
//! - [`service`]: a page in, a [`service::PrintOutcome`] out, with Brother status checked
//!   before and after each job.

pub mod brother;
pub mod dymo;
pub mod link;
pub mod service;
pub mod zpl;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::badge::{Bitmap1, Label};

/// A printer model family and the labels loaded in it: together they fix the page size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrinterKind {
    /// Brother QL-800/810W/820NWB with DK-1202 62 x 100 mm die-cut labels.
    #[serde(rename = "brother-ql-dk1202")]
    BrotherQlDk1202,
    /// Brother QL-800/810W/820NWB with DK-2205 62 mm continuous tape, cut at 100 mm.
    #[serde(rename = "brother-ql-dk2205")]
    BrotherQlDk2205,
    /// DYMO LabelWriter 450 / 450 Turbo with 30256 (2 5/16 x 4 in) labels.
    #[serde(rename = "dymo-30256")]
    Dymo30256,
    /// A 203 dpi Zebra (ZD411, GK420d, ...) with 2.25 x 4 in labels.
    #[serde(rename = "zpl-203dpi")]
    Zpl203,
    /// A 300 dpi Zebra (ZD421-300, ZD621-300, ...) with 2.25 x 4 in labels.
    #[serde(rename = "zpl-300dpi")]
    Zpl300,
}

impl PrinterKind {
    /// Every supported printer, in the order `--help` lists them.
    pub const ALL: [PrinterKind; 5] = [
        PrinterKind::BrotherQlDk1202,
        PrinterKind::BrotherQlDk2205,
        PrinterKind::Dymo30256,
        PrinterKind::Zpl203,
        PrinterKind::Zpl300,
    ];

    /// The name used in the config and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            PrinterKind::BrotherQlDk1202 => "brother-ql-dk1202",
            PrinterKind::BrotherQlDk2205 => "brother-ql-dk2205",
            PrinterKind::Dymo30256 => "dymo-30256",
            PrinterKind::Zpl203 => "zpl-203dpi",
            PrinterKind::Zpl300 => "zpl-300dpi",
        }
    }

    /// The printable page a badge must be rendered onto for this printer.
    pub fn label(self) -> Label {
        match self {
            PrinterKind::BrotherQlDk1202 => brother::Media::Dk1202.label(),
            PrinterKind::BrotherQlDk2205 => brother::Media::Dk2205.label(),
            PrinterKind::Dymo30256 => dymo::LABEL_30256,
            PrinterKind::Zpl203 => zpl::label(203),
            PrinterKind::Zpl300 => zpl::label(300),
        }
    }

    /// The Brother media this printer is loaded with; `None` for printers that are not a
    /// Brother QL (and so have no status replies to check).
    pub fn brother_media(self) -> Option<brother::Media> {
        match self {
            PrinterKind::BrotherQlDk1202 => Some(brother::Media::Dk1202),
            PrinterKind::BrotherQlDk2205 => Some(brother::Media::Dk2205),
            _ => None,
        }
    }

    /// One print job for one badge, exactly as it goes to the printer.
    pub fn encode(self, page: &Bitmap1) -> Result<Vec<u8>, EncodeError> {
        let label = self.label();
        if (page.width(), page.height()) != (label.width, label.height) {
            return Err(EncodeError::PageSize {
                expected: (label.width, label.height),
                actual: (page.width(), page.height()),
            });
        }
        Ok(match self {
            PrinterKind::BrotherQlDk1202 => brother::encode(page, brother::Media::Dk1202),
            PrinterKind::BrotherQlDk2205 => brother::encode(page, brother::Media::Dk2205),
            PrinterKind::Dymo30256 => dymo::encode(page),
            PrinterKind::Zpl203 | PrinterKind::Zpl300 => zpl::encode(page),
        })
    }
}

impl PrinterKind {
    /// One print job for a run of badges (an event), back to back: a Brother QL gets one
    /// multi-page raster job ([`brother::encode_run`], cut every `cut_every` die-cut labels);
    /// DYMO and ZPL printers take their single-label jobs one after another in one stream.
    pub fn encode_run(self, pages: &[Bitmap1], cut_every: u8) -> Result<Vec<u8>, EncodeError> {
        let label = self.label();
        if let Some(page) = pages
            .iter()
            .find(|p| (p.width(), p.height()) != (label.width, label.height))
        {
            return Err(EncodeError::PageSize {
                expected: (label.width, label.height),
                actual: (page.width(), page.height()),
            });
        }
        if let Some(media) = self.brother_media() {
            return Ok(brother::encode_run(pages, media, cut_every));
        }
        let mut job = Vec::new();
        for page in pages {
            job.extend(self.encode(page)?);
        }
        Ok(job)
    }
}

impl fmt::Display for PrinterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for PrinterKind {
    type Err = UnknownPrinter;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PrinterKind::ALL
            .into_iter()
            .find(|kind| kind.id() == s)
            .ok_or(UnknownPrinter)
    }
}

/// A printer name that is not one of [`PrinterKind::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown printer; expected one of brother-ql-dk1202, brother-ql-dk2205, dymo-30256, zpl-203dpi, zpl-300dpi")]
pub struct UnknownPrinter;

/// Why a page cannot become a print job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// Printers do not scale; a page of the wrong size would print cropped or misplaced.
    #[error("page is {}x{} dots but the label takes {}x{}", actual.0, actual.1, expected.0, expected.1)]
    PageSize {
        expected: (u32, u32),
        actual: (u32, u32),
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_printer_parses_from_its_id() {
        for kind in PrinterKind::ALL {
            assert_eq!(kind.id().parse::<PrinterKind>(), Ok(kind));
        }
        assert_eq!("brother".parse::<PrinterKind>(), Err(UnknownPrinter));
    }

    #[test]
    fn serde_names_match_the_ids() {
        for kind in PrinterKind::ALL {
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.id())
            );
        }
    }

    #[test]
    fn label_sizes_are_the_printers_printable_areas() {
        let sizes: Vec<_> = PrinterKind::ALL
            .iter()
            .map(|k| (k.label().width, k.label().height, k.label().dpi))
            .collect();
        assert_eq!(
            sizes,
            [
                (696, 1109, 300),
                (696, 1109, 300),
                (672, 1200, 300),
                (456, 812, 203),
                (672, 1200, 300)
            ]
        );
    }

    #[test]
    fn a_page_of_the_wrong_size_is_refused() {
        let err = PrinterKind::BrotherQlDk1202
            .encode(&Bitmap1::new(600, 1109))
            .unwrap_err();
        assert_eq!(
            err,
            EncodeError::PageSize {
                expected: (696, 1109),
                actual: (600, 1109)
            }
        );
    }
}
