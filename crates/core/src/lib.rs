//! Vestibule's pure core: what the kiosk knows, with no IO. Bytes and values come in, values go
//! out; no database, no UI, no network, no devices, no clock (today's date is an argument). The
//! crate boundary enforces it: `scripts/check-core` refuses any IO crate in this crate's tree,
//! and the kiosk (`vestibule`) and the district hub link it alike.
//!
//! - [`identity`]: scanner bytes -> `Identity` (AAMVA PDF417, ICAO 9303 MRZ, invitation QR).
//! - [`screening`]: a visitor against the registry and the school's lists: normalised names,
//!   the index, the score and its reasons.
//! - [`badge`]: badges, slips, evacuation lists and label sheets laid out and rasterised.
//! - [`district`]: what a kiosk and the district hub say to each other, and its signatures.

pub mod badge;
pub mod district;
pub mod identity;
pub mod screening;
