//! Hardware at the kiosk's edge: the badge printer (and, later, the ID reader, door relay,
//! lamp and input pins). Protocol code here is pure (bytes in, bytes out); only the small
//! link modules touch devices.
//!
//! - [`printer`]: label printer protocols (Brother QL raster, DYMO LabelWriter 450, ZPL),
//!   Brother status parsing, and [`printer::link`] for where the bytes go.
//! - [`reader`]: the ID/QR reader's byte stream framed into scans (sans-IO).

pub mod printer;
pub mod reader;
