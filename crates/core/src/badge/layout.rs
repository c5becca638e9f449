//! Where each field of a badge goes. Sizes are in millimetres and become dots through the
//! label's resolution, so one layout serves 203 and 300 dpi heads alike. Top to bottom:
//! school, purpose band, name, photo beside destination and sign-in time, the "valid today"
//! box, then the sign-out QR beside the Code 128 visit number.

use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::{
    PrimitiveStyle, PrimitiveStyleBuilder, Rectangle, StrokeAlignment,
};
use time::PrimitiveDateTime;

use super::codes::{Barcode, Qr};
use super::text::{block_height, fit, Face, Line, Room, LINE_STEP};
use super::{photo, Badge, BadgeError, BadgeLayout, Bitmap1, Label};

/// Capital height to font size (em) for DejaVu Sans.
const EM_PER_CAP: f32 = 1.0 / 0.729;

/// A page being filled from the top down.
struct Sheet<'a> {
    page: Bitmap1,
    label: Label,
    layout: &'a BadgeLayout,
    /// Side margins and the top/bottom margin, in dots.
    margin: u32,
    /// Top of the next free band.
    y: u32,
}

pub(super) fn render(
    badge: &Badge,
    layout: &BadgeLayout,
    label: Label,
) -> Result<Bitmap1, BadgeError> {
    check(layout, label)?;
    // Build the codes first: a token or number that cannot be encoded refuses the whole badge
    // rather than printing one that cannot be signed out.
    let qr = layout
        .qr
        .then(|| Qr::new(&badge.sign_out_token))
        .transpose()?;
    let barcode = layout
        .barcode
        .then(|| Barcode::new(&badge.visit_number))
        .transpose()?;
    let mut sheet = Sheet {
        page: Bitmap1::new(label.width, label.height),
        label,
        layout,
        margin: label.dots(2.0),
        y: label.dots(2.0),
    };
    if layout.school {
        sheet.school(&badge.school);
    }
    sheet.purpose_band(&badge.purpose);
    sheet.name(&badge.visitor_name);
    sheet.details(badge);
    sheet.valid_today(badge.signed_in);
    sheet.codes(qr.as_ref(), barcode.as_ref(), &badge.visit_number)?;
    Ok(sheet.page)
}

fn check(layout: &BadgeLayout, label: Label) -> Result<(), BadgeError> {
    if !(1..=3).contains(&layout.name_lines) || !(3.0..=20.0).contains(&layout.name_cap_mm) {
        return Err(BadgeError::Layout);
    }
    // Below about 40 x 70 mm the fields overlap; refuse instead of printing a mess.
    if label.width < label.dots(40.0) || label.height < label.dots(70.0) || label.dpi < 150 {
        return Err(BadgeError::LabelTooSmall);
    }
    Ok(())
}

/// How a block of text sits in its box.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    /// Centred both ways.
    Centre,
    /// Left edge and top of the box.
    TopLeft,
}

/// A box for text on the page, in dots.
#[derive(Clone, Copy)]
struct Area {
    left: u32,
    top: u32,
    width: u32,
    height: u32,
}

/// Text to fit into an [`Area`]: capital heights in mm (largest first) and a line limit.
struct Words<'a> {
    text: &'a str,
    face: Face,
    cap_mm: (f32, f32),
    lines: usize,
    align: Align,
    color: BinaryColor,
}

impl Sheet<'_> {
    fn mm(&self, mm: f32) -> u32 {
        self.label.dots(mm)
    }

    fn inner_width(&self) -> u32 {
        self.label.width - 2 * self.margin
    }

    /// The full-width band from the current line down, `height_mm` tall.
    fn band(&self, height_mm: f32) -> Area {
        Area {
            left: self.margin,
            top: self.y,
            width: self.inner_width(),
            height: self.mm(height_mm),
        }
    }

    /// Fits and draws `words` into `area`; returns the height the text used.
    fn write(&mut self, words: &Words, area: Area) -> u32 {
        let size = |cap_mm: f32| self.mm(cap_mm) as f32 * EM_PER_CAP;
        let room = Room {
            width: area.width as f32,
            height: area.height as f32,
            lines: words.lines,
        };
        let (size, lines) = fit(
            words.text,
            words.face,
            size(words.cap_mm.0),
            size(words.cap_mm.1),
            room,
        );
        let step = (size / EM_PER_CAP * LINE_STEP).round() as u32;
        let used = block_height(size, lines.len()).round() as u32;
        let top = match words.align {
            Align::Centre => area.top + area.height.saturating_sub(used) / 2,
            Align::TopLeft => area.top,
        };
        for (i, text) in lines.iter().enumerate() {
            let line = Line {
                text,
                face: words.face,
                size,
            };
            let left = match words.align {
                Align::Centre => area.left as f32 + (area.width as f32 - line.width()) / 2.0,
                Align::TopLeft => area.left as f32,
            };
            let top = top + i as u32 * step;
            line.draw(&mut self.page, left.round() as i32, top as i32, words.color);
        }
        used
    }

    fn school(&mut self, school: &str) {
        let area = self.band(2.6);
        let words = Words {
            text: school,
            face: Face::Bold,
            cap_mm: (2.6, 1.6),
            lines: 1,
            align: Align::Centre,
            color: BinaryColor::On,
        };
        self.write(&words, area);
        self.y += area.height + self.mm(2.0);
    }

    /// Full-bleed black band with the purpose in white: readable at a glance from afar.
    fn purpose_band(&mut self, purpose: &str) {
        let area = self.band(9.0);
        fill(&mut self.page, 0, area.top, self.label.width, area.height);
        let upper = purpose.to_uppercase();
        let words = Words {
            text: &upper,
            face: Face::Bold,
            cap_mm: (5.5, 3.0),
            lines: 1,
            align: Align::Centre,
            color: BinaryColor::Off,
        };
        self.write(&words, area);
        self.y += area.height + self.mm(2.5);
    }

    /// The name is the largest thing on the badge; long names wrap, then shrink.
    fn name(&mut self, name: &str) {
        let area = self.band(17.0);
        let cap = self.layout.name_cap_mm;
        let words = Words {
            text: name,
            face: Face::Bold,
            cap_mm: (cap, 3.0),
            lines: self.layout.name_lines as usize,
            align: Align::Centre,
            color: BinaryColor::On,
        };
        self.write(&words, area);
        self.y += area.height + self.mm(2.5);
    }

    /// Photo on the left; destination and sign-in time beside it. The date is in the
    /// "valid today" box below, so only the time is printed here.
    fn details(&mut self, badge: &Badge) {
        let mut area = self.band(20.0);
        if let (true, Some(face)) = (self.layout.photo, &badge.photo) {
            let width = self.mm(17.0);
            photo::draw(
                face,
                &mut self.page,
                area.left,
                area.top,
                width,
                area.height,
            );
            area.left += width + self.mm(3.0);
            area.width -= width + self.mm(3.0);
        }
        let end = area.top + area.height;
        if self.layout.destination {
            area.top = self.field(area, "VISITING", &badge.destination, 2);
        }
        area.height = end.saturating_sub(area.top);
        let time = format!(
            "{:02}:{:02}",
            badge.signed_in.hour(),
            badge.signed_in.minute()
        );
        self.field(area, "SIGNED IN", &time, 1);
        self.y = end + self.mm(2.5);
    }

    /// A small caption above a bold value, left-aligned; returns the top of the next field.
    fn field(&mut self, area: Area, caption: &str, value: &str, lines: usize) -> u32 {
        let caption = Words {
            text: caption,
            face: Face::Regular,
            cap_mm: (2.0, 2.0),
            lines: 1,
            align: Align::TopLeft,
            color: BinaryColor::On,
        };
        let used = self.write(&caption, area);
        let value_area = Area {
            top: area.top + used + self.mm(1.3),
            height: area.height.saturating_sub(used + self.mm(1.3)),
            ..area
        };
        let value = Words {
            text: value,
            face: Face::Bold,
            cap_mm: (3.0, 2.0),
            lines,
            align: Align::TopLeft,
            color: BinaryColor::On,
        };
        let used = self.write(&value, value_area);
        value_area.top + used + self.mm(2.2)
    }

    /// A heavy outline around "VALID TODAY ONLY" and the date: the expiry must not be missed.
    fn valid_today(&mut self, signed_in: PrimitiveDateTime) {
        let area = self.band(7.0);
        let border = self.mm(0.6).max(2);
        let style = PrimitiveStyleBuilder::new()
            .stroke_color(BinaryColor::On)
            .stroke_width(border)
            .stroke_alignment(StrokeAlignment::Inside)
            .build();
        let _ = Rectangle::new(
            Point::new(area.left as i32, area.top as i32),
            Size::new(area.width, area.height),
        )
        .into_styled(style)
        .draw(&mut self.page);
        let text = format!("VALID TODAY ONLY · {}", day(signed_in));
        let pad = border + self.mm(1.0);
        let inside = Area {
            left: area.left + pad,
            top: area.top + pad,
            width: area.width - 2 * pad,
            height: area.height - 2 * pad,
        };
        let words = Words {
            text: &text,
            face: Face::Bold,
            cap_mm: (3.0, 1.8),
            lines: 1,
            align: Align::Centre,
            color: BinaryColor::On,
        };
        self.write(&words, inside);
        self.y += area.height + self.mm(2.5);
    }

    /// QR at the bottom left, as large as the space allows; the barcode and visit number in
    /// the column beside it (or across the whole width without a QR).
    fn codes(
        &mut self,
        qr: Option<&Qr>,
        barcode: Option<&Barcode>,
        visit_number: &str,
    ) -> Result<(), BadgeError> {
        let bottom = self.label.height - self.margin;
        let room = bottom.saturating_sub(self.y);
        let mut left = self.margin;
        if let Some(qr) = qr {
            let module = room.min(self.inner_width() / 2) / qr.modules() as u32;
            // Under 0.4 mm a module is too small for the kiosk's scanner to read reliably.
            if module == 0 || module < self.mm(0.4) {
                return Err(BadgeError::TokenTooLong);
            }
            qr.draw(
                &mut self.page,
                Point::new(left as i32, self.y as i32),
                module,
            );
            left += module * qr.modules() as u32 + self.mm(3.0);
        }
        let width = self.label.width - self.margin - left;
        let mut top = self.y;
        if let Some(barcode) = barcode {
            // Widest whole-dot module that leaves a 10-module quiet zone on each side.
            let module = (1..=3u32)
                .rev()
                .find(|m| (barcode.modules() as u32 + 20) * m <= width)
                .ok_or(BadgeError::LabelTooSmall)?;
            let bars = self.mm(8.0);
            let x = left + (width - barcode.modules() as u32 * module) / 2;
            barcode.draw(
                &mut self.page,
                Point::new(x as i32, top as i32),
                module,
                bars,
            );
            top += bars + self.mm(1.5);
        }
        let area = Area {
            left,
            top,
            width,
            height: self.mm(3.0),
        };
        let number = Words {
            text: visit_number,
            face: Face::Bold,
            cap_mm: (2.6, 1.6),
            lines: 1,
            align: Align::Centre,
            color: BinaryColor::On,
        };
        self.write(&number, area);
        if qr.is_some() {
            let area = Area {
                top: top + self.mm(4.5),
                height: bottom.saturating_sub(top + self.mm(4.5)),
                ..area
            };
            let hint = Words {
                text: "Scan the QR at the kiosk to sign out",
                face: Face::Regular,
                cap_mm: (1.8, 1.4),
                lines: 2,
                align: Align::Centre,
                color: BinaryColor::On,
            };
            self.write(&hint, area);
        }
        Ok(())
    }
}

fn fill(page: &mut Bitmap1, x: u32, y: u32, width: u32, height: u32) {
    let _ = Rectangle::new(Point::new(x as i32, y as i32), Size::new(width, height))
        .into_styled(PrimitiveStyle::with_fill(BinaryColor::On))
        .draw(page);
}

/// "Mon 9 Mar 2026"
fn day(at: PrimitiveDateTime) -> String {
    let weekday = &at.weekday().to_string()[..3];
    let month = &at.month().to_string()[..3];
    format!("{weekday} {} {month} {}", at.day(), at.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn dates_read_the_way_a_person_writes_them() {
        assert_eq!(day(datetime!(2026-03-09 08:41)), "Mon 9 Mar 2026");
        assert_eq!(day(datetime!(2026-12-31 17:05)), "Thu 31 Dec 2026");
    }
}
