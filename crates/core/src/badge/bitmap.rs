//! A 1-bit page: what a thermal printer prints, one bit a dot.
//!
//! Rows are packed most significant bit first and a set bit is ink (black), which is the
//! layout every label protocol we speak wants, so encoders copy rows instead of converting
//! pixels. It is an embedded-graphics `DrawTarget` (`BinaryColor::On` = ink), and it turns
//! into a 1-bit PNG for previews and for the scripted kiosk's `badges/<n>.png`.

use std::convert::Infallible;

use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;

/// A black-and-white image at the printer's resolution.
#[derive(Clone, PartialEq, Eq)]
pub struct Bitmap1 {
    width: u32,
    height: u32,
    stride: usize,
    bits: Vec<u8>,
}

impl Bitmap1 {
    /// An all-white (no ink) page.
    pub fn new(width: u32, height: u32) -> Self {
        let stride = width.div_ceil(8) as usize;
        Bitmap1 {
            width,
            height,
            stride,
            bits: vec![0; stride * height as usize],
        }
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes in one packed row (`ceil(width / 8)`); padding bits past `width` are always 0.
    pub fn bytes_per_row(&self) -> usize {
        self.stride
    }

    /// Row `y`, packed MSB first, 1 = ink.
    pub fn row(&self, y: u32) -> &[u8] {
        let start = y as usize * self.stride;
        &self.bits[start..start + self.stride]
    }

    /// Whether the dot at (x, y) is inked. Out-of-page dots are white.
    pub fn is_ink(&self, x: u32, y: u32) -> bool {
        if x >= self.width || y >= self.height {
            return false;
        }
        let byte = self.bits[y as usize * self.stride + (x / 8) as usize];
        byte & (0x80 >> (x % 8)) != 0
    }

    /// Sets one dot; dots outside the page are ignored (drawing may overhang the edge).
    pub fn set(&mut self, x: u32, y: u32, ink: bool) {
        if x >= self.width || y >= self.height {
            return;
        }
        let byte = &mut self.bits[y as usize * self.stride + (x / 8) as usize];
        let mask = 0x80 >> (x % 8);
        if ink {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
    }

    /// Number of inked dots (tests use it to prove something was drawn).
    pub fn ink_count(&self) -> usize {
        self.bits.iter().map(|b| b.count_ones() as usize).sum()
    }

    /// Rebuilds a page from packed rows (as a decoder would); `None` if the length is wrong.
    pub fn from_rows(width: u32, height: u32, bits: Vec<u8>) -> Option<Self> {
        let mut page = Bitmap1::new(width, height);
        if bits.len() != page.bits.len() {
            return None;
        }
        page.bits = bits;
        page.clear_padding();
        Some(page)
    }

    /// Encodes the page as a 1-bit grayscale PNG (white paper, black ink).
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        // PNG grayscale says 1 = white; our bits say 1 = ink.
        let inverted: Vec<u8> = self.bits.iter().map(|b| !b).collect();
        let mut writer = encoder
            .write_header()
            .expect("a PNG header for a valid size always encodes into memory");
        writer
            .write_image_data(&inverted)
            .expect("the buffer has exactly one image's worth of rows");
        writer.finish().expect("writing into memory cannot fail");
        out
    }

    /// Decodes a PNG written by [`Bitmap1::to_png`] (any grayscale or colour PNG is thresholded
    /// at mid-grey), e.g. a golden file.
    pub fn from_png(data: &[u8]) -> Result<Self, png::DecodingError> {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info()?;
        let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let info = reader.next_frame(&mut buf)?;
        let channels = info.color_type.samples();
        let mut page = Bitmap1::new(info.width, info.height);
        for y in 0..info.height {
            let row = &buf[y as usize * info.line_size..][..info.line_size];
            for x in 0..info.width {
                // The first sample is grey (or red); good enough for black-and-white pages.
                page.set(x, y, row[x as usize * channels] < 128);
            }
        }
        Ok(page)
    }

    fn clear_padding(&mut self) {
        let spare = self.stride * 8 - self.width as usize;
        if spare == 0 {
            return;
        }
        let keep = 0xffu8 << spare;
        for row in self.bits.chunks_mut(self.stride) {
            if let Some(last) = row.last_mut() {
                *last &= keep;
            }
        }
    }

    /// Fills whole rows' spans quickly; rectangles are most of a badge's ink.
    fn fill_span(&mut self, y: u32, x0: u32, x1: u32, ink: bool) {
        for x in x0..x1 {
            self.set(x, y, ink);
        }
    }
}

impl std::fmt::Debug for Bitmap1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Bitmap1({}x{}, {} ink)",
            self.width,
            self.height,
            self.ink_count()
        )
    }
}

impl OriginDimensions for Bitmap1 {
    fn size(&self) -> Size {
        Size::new(self.width, self.height)
    }
}

impl DrawTarget for Bitmap1 {
    type Color = BinaryColor;
    type Error = Infallible;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Self::Error>
    where
        I: IntoIterator<Item = Pixel<Self::Color>>,
    {
        for Pixel(p, color) in pixels {
            if p.x >= 0 && p.y >= 0 {
                self.set(p.x as u32, p.y as u32, color.is_on());
            }
        }
        Ok(())
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Self::Color) -> Result<(), Self::Error> {
        let area = area.intersection(&self.bounding_box());
        let Some(bottom_right) = area.bottom_right() else {
            return Ok(());
        };
        let (x0, x1) = (area.top_left.x as u32, bottom_right.x as u32 + 1);
        for y in area.top_left.y as u32..=bottom_right.y as u32 {
            self.fill_span(y, x0, x1, color.is_on());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_graphics::primitives::PrimitiveStyle;

    #[test]
    fn rows_are_msb_first_and_ink_is_one() {
        let mut page = Bitmap1::new(10, 2);
        page.set(0, 0, true);
        page.set(9, 1, true);
        assert_eq!(page.bytes_per_row(), 2);
        assert_eq!(page.row(0), &[0x80, 0x00]);
        assert_eq!(page.row(1), &[0x00, 0x40]);
    }

    #[test]
    fn drawing_off_the_page_is_clipped() {
        let mut page = Bitmap1::new(4, 4);
        Rectangle::new(Point::new(-2, -2), Size::new(4, 4))
            .into_styled(PrimitiveStyle::with_fill(BinaryColor::On))
            .draw(&mut page)
            .unwrap();
        assert_eq!(page.ink_count(), 4);
        assert!(page.is_ink(1, 1) && !page.is_ink(2, 2));
    }

    #[test]
    fn png_round_trips() {
        let mut page = Bitmap1::new(13, 5);
        for i in 0..5 {
            page.set(i * 3 % 13, i, true);
        }
        assert_eq!(Bitmap1::from_png(&page.to_png()).unwrap(), page);
    }

    #[test]
    fn from_rows_rejects_a_short_buffer() {
        assert!(Bitmap1::from_rows(9, 2, vec![0; 3]).is_none());
        assert!(Bitmap1::from_rows(9, 2, vec![0; 4]).is_some());
    }
}
