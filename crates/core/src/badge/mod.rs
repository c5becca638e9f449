//! Visitor badges: a [`Badge`] value and a [`BadgeLayout`] in, a 1-bit page at the printer's
//! resolution out. Pure: no IO, no clock (the sign-in time is part of the badge value), no
//! randomness, so the same visit always prints the same dots and golden tests can pin them.
//!
//! - [`bitmap`]: [`Bitmap1`], the packed black-and-white page every printer encoder reads.
//! - [`text`]: TrueType text thresholded to black and white; long names wrap, then shrink.
//! - [`codes`]: the sign-out QR and the Code 128 visit number.
//! - [`photo`]: the visitor's photo, scaled and Floyd–Steinberg dithered.
//! - [`evacuation`]: the evacuation list, everyone in the building over one or more labels.
//! - `layout` (private): where each field goes, in millimetres turned into dots.

pub mod bitmap;
pub mod codes;
pub mod evacuation;
mod layout;
pub mod photo;
pub mod sheet;
pub mod slip;
pub mod text;

use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;

pub use bitmap::Bitmap1;
pub use photo::Photo;

/// Everything printed on one visitor's badge.
#[derive(Clone, PartialEq)]
pub struct Badge {
    /// Printed at the top so a stray badge is recognisably this school's.
    pub school: String,
    /// The visitor's name as it should be read in the corridor ("Ada Lovelace").
    pub visitor_name: String,
    /// The purpose band ("Visitor", "Volunteer", "Contractor"); printed upper-case.
    pub purpose: String,
    /// Where they are going and whom they see ("Library · Ms Rivera").
    pub destination: String,
    /// Kiosk-local wall-clock time of sign-in; the badge is valid that day only.
    pub signed_in: PrimitiveDateTime,
    /// The visit's number, printed and as Code 128 (printable ASCII).
    pub visit_number: String,
    /// Opaque sign-out token for the QR, handed in by the caller (signed elsewhere).
    pub sign_out_token: String,
    /// The visitor's photo, when the kiosk has a camera.
    pub photo: Option<Photo>,
}

impl Badge {
    /// A made-up visit for layout work, the CLI's `badge render` and the benchmarks.
    pub fn sample() -> Self {
        Badge {
            school: "Demo Elementary School".into(),
            visitor_name: "Ada Lovelace".into(),
            purpose: "Visitor".into(),
            destination: "Library · Ms Rivera".into(),
            signed_in: time::macros::datetime!(2026-03-09 08:41),
            visit_number: "V-26-0042".into(),
            sign_out_token: "VST1.0042.2026-03-09.sample-not-signed".into(),
            photo: Some(Photo::sample(240, 300)),
        }
    }
}

impl std::fmt::Debug for Badge {
    // Names and photos are personal data; the visit number is the id logs may carry.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Badge")
            .field("visit_number", &self.visit_number)
            .finish_non_exhaustive()
    }
}

/// The label the badge is printed on: its printable area in dots and the head's resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub width: u32,
    pub height: u32,
    pub dpi: u32,
}

impl Label {
    /// Brother DK-1202 (62 x 100 mm die-cut) on a 300 dpi QL-8xx.
    pub const DK1202: Label = Label {
        width: 696,
        height: 1109,
        dpi: 300,
    };

    /// Millimetres to whole dots at this label's resolution.
    pub fn dots(&self, mm: f32) -> u32 {
        (mm * self.dpi as f32 / 25.4).round() as u32
    }
}

/// Which fields a school prints, from the config's `[badge]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BadgeLayout {
    /// School name at the top.
    pub school: bool,
    /// "Visiting" line with destination and host.
    pub destination: bool,
    /// The visitor's photo, when one was taken.
    pub photo: bool,
    /// Sign-out QR.
    pub qr: bool,
    /// Code 128 of the visit number.
    pub barcode: bool,
    /// Lines a long name may wrap onto before it shrinks further (1 to 3).
    pub name_lines: u8,
    /// Capital height of the name in mm before any shrinking.
    pub name_cap_mm: f32,
}

impl Default for BadgeLayout {
    fn default() -> Self {
        BadgeLayout {
            school: true,
            destination: true,
            photo: true,
            qr: true,
            barcode: true,
            name_lines: 3,
            name_cap_mm: 8.5,
        }
    }
}

/// Why a badge cannot be rendered. Messages never quote the badge's contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BadgeError {
    #[error("the sign-out token is too long for a QR code on this label")]
    TokenTooLong,
    #[error("the visit number must be printable ASCII, 1 character or more")]
    VisitNumber,
    #[error("the label is too small for this badge layout")]
    LabelTooSmall,
    #[error("badge layout: name_lines must be 1 to 3 and name_cap_mm 3 to 20")]
    Layout,
}

/// Renders `badge` onto `label` as the printer will print it.
pub fn render(badge: &Badge, layout: &BadgeLayout, label: Label) -> Result<Bitmap1, BadgeError> {
    layout::render(badge, layout, label)
}
