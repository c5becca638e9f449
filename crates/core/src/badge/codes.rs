//! The two machine-readable marks on a badge: a QR carrying the sign-out token and a
//! Code 128 of the visit number (for a front-office handheld scanner).
//!
//! Both are drawn module by module as whole dots: a module must be an integer number of
//! dots or bars come out uneven and scanners misread them.

use barcoders::sym::code128::Code128;
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{PrimitiveStyle, Rectangle};
use qrcode::{Color, EcLevel, QrCode};

use super::bitmap::Bitmap1;
use super::BadgeError;

/// A QR symbol's modules, dark = true, row by row.
pub struct Qr {
    width: usize,
    dark: Vec<bool>,
}

impl Qr {
    /// Medium error correction: survives a scuffed or creased sticker without growing the
    /// symbol past what fits a 62 mm label.
    pub fn new(token: &str) -> Result<Self, BadgeError> {
        let code = QrCode::with_error_correction_level(token.as_bytes(), EcLevel::M)
            .map_err(|_| BadgeError::TokenTooLong)?;
        Ok(Qr {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// Modules per side, quiet zone excluded.
    pub fn modules(&self) -> usize {
        self.width
    }

    /// Draws the symbol with `module` dots per module, top-left at `at`.
    pub fn draw(&self, page: &mut Bitmap1, at: Point, module: u32) {
        let style = PrimitiveStyle::with_fill(BinaryColor::On);
        for (i, _) in self.dark.iter().enumerate().filter(|(_, dark)| **dark) {
            let (x, y) = ((i % self.width) as i32, (i / self.width) as i32);
            let corner = at + Point::new(x * module as i32, y * module as i32);
            let _ = Rectangle::new(corner, Size::new(module, module))
                .into_styled(style)
                .draw(page);
        }
    }
}

/// A Code 128 symbol's modules, bar = 1, left to right.
pub struct Barcode {
    modules: Vec<u8>,
}

impl Barcode {
    /// Character set B covers every printable ASCII character a visit number could use.
    pub fn new(visit_number: &str) -> Result<Self, BadgeError> {
        let printable =
            !visit_number.is_empty() && visit_number.bytes().all(|b| (0x20..0x7f).contains(&b));
        if !printable {
            return Err(BadgeError::VisitNumber);
        }
        let code =
            Code128::new(format!("\u{0181}{visit_number}")).map_err(|_| BadgeError::VisitNumber)?;
        Ok(Barcode {
            modules: code.encode(),
        })
    }

    /// Width in modules, quiet zones excluded.
    pub fn modules(&self) -> usize {
        self.modules.len()
    }

    /// Draws bars `module` dots wide and `height` dots tall from `at`.
    pub fn draw(&self, page: &mut Bitmap1, at: Point, module: u32, height: u32) {
        let style = PrimitiveStyle::with_fill(BinaryColor::On);
        for (i, _) in self
            .modules
            .iter()
            .enumerate()
            .filter(|(_, bar)| **bar == 1)
        {
            let corner = at + Point::new(i as i32 * module as i32, 0);
            let _ = Rectangle::new(corner, Size::new(module, height))
                .into_styled(style)
                .draw(page);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_token_is_a_small_symbol() {
        let qr = Qr::new("VST1.0042.abcdefgh").unwrap();
        assert_eq!(qr.modules(), 25); // version 2
    }

    #[test]
    fn an_oversized_token_is_refused() {
        assert!(matches!(
            Qr::new(&"x".repeat(3000)),
            Err(BadgeError::TokenTooLong)
        ));
    }

    #[test]
    fn code128_has_start_data_check_and_stop() {
        // start + 9 data + check = 11 symbols of 11 modules, stop is 13.
        assert_eq!(Barcode::new("V-26-0042").unwrap().modules(), 11 * 11 + 13);
    }

    #[test]
    fn visit_numbers_must_be_printable_ascii() {
        assert!(Barcode::new("").is_err());
        assert!(Barcode::new("Ñ-1").is_err());
        assert!(Barcode::new("A\n1").is_err());
    }
}
