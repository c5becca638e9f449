//! Event badges as a PDF sheet of labels, for an office laser printer and a box of name-badge
//! labels when the label printer is not the right tool (a few hundred badges printed the day
//! before). Pure: badge pages in, PDF bytes out.
//!
//! Each badge goes in as its own 1-bit image, exactly the dots [`super::render`] drew for the
//! label printer (62 x 100 mm at 300 dpi, [`Label::DK1202`]), Flate-compressed: a badge is a
//! few kilobytes and the QR code stays sharp. The labels of [`AVERY_5395`] are landscape and
//! shorter than the badge, so each badge is turned a quarter turn and scaled to fit (0.86),
//! centred; worn upright, it reads upright. (Rendering straight onto the 59 x 86 mm label
//! would squeeze the sign-out QR and clip the line under it.)

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};

use super::{Bitmap1, Label};

/// PostScript points per inch.
const PT: f32 = 72.0;

/// Where the labels are on one sheet, in points from the sheet's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SheetLayout {
    pub page_width: f32,
    pub page_height: f32,
    pub columns: usize,
    pub rows: usize,
    /// One label's size on the sheet (landscape for Avery 5395).
    pub label_width: f32,
    pub label_height: f32,
    /// The top-left label's corner.
    pub left: f32,
    pub top: f32,
    /// From one label's corner to the next one's, across and down.
    pub pitch_x: f32,
    pub pitch_y: f32,
}

/// US Letter, 8 name badges of 3 3/8 x 2 1/3 in, 2 across and 4 down (Avery 5395 and the
/// same-size stock of other makers).
pub const AVERY_5395: SheetLayout = SheetLayout {
    page_width: 8.5 * PT,
    page_height: 11.0 * PT,
    columns: 2,
    rows: 4,
    label_width: 3.375 * PT,
    label_height: (7.0 / 3.0) * PT,
    left: 0.6875 * PT,
    top: 0.59375 * PT,
    pitch_x: 3.75 * PT,
    pitch_y: 2.5 * PT,
};

impl SheetLayout {
    pub fn per_page(&self) -> usize {
        self.columns * self.rows
    }

    /// The page each badge is rendered onto: the label printer's badge, scaled onto the sheet.
    pub fn badge_label(&self) -> Label {
        Label::DK1202
    }

    /// The image matrix that draws a `width` x `height` badge on label `slot`: a quarter turn
    /// (the badge's width runs up the label, its height across it), scaled to fit, centred.
    fn placement(&self, slot: usize, width: u32, height: u32) -> [f32; 6] {
        let (x, y) = self.corner(slot);
        let (width, height) = (width.max(1) as f32, height.max(1) as f32);
        let scale = (self.label_height / width).min(self.label_width / height);
        let (w, h) = (width * scale, height * scale);
        let x = x + (self.label_width - h) / 2.0;
        let y = y + (self.label_height - w) / 2.0;
        [0.0, w, -h, 0.0, x + h, y]
    }

    /// Bottom-left corner (PDF coordinates) of label `slot` on its page.
    fn corner(&self, slot: usize) -> (f32, f32) {
        let (row, column) = (slot / self.columns, slot % self.columns);
        let x = self.left + column as f32 * self.pitch_x;
        let y = self.page_height - self.top - row as f32 * self.pitch_y - self.label_height;
        (x, y)
    }
}

/// A PDF of `badges` (each rendered at [`SheetLayout::badge_label`]), filling sheets of
/// `layout` in reading order; the last sheet's unused labels stay blank.
pub fn label_sheet(badges: &[Bitmap1], layout: &SheetLayout) -> Vec<u8> {
    let mut next = 0;
    let mut new_ref = || {
        next += 1;
        Ref::new(next)
    };
    let catalog = new_ref();
    let tree = new_ref();
    let per_page = layout.per_page().max(1);
    let sheets: Vec<&[Bitmap1]> = badges.chunks(per_page).collect();
    let page_refs: Vec<(Ref, Ref)> = sheets.iter().map(|_| (new_ref(), new_ref())).collect();
    let image_refs: Vec<Ref> = badges.iter().map(|_| new_ref()).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_refs.iter().map(|(page, _)| *page))
        .count(page_refs.len() as i32);
    for (sheet_index, sheet) in sheets.iter().enumerate() {
        let (page_ref, content_ref) = page_refs[sheet_index];
        let images = &image_refs[sheet_index * per_page..][..sheet.len()];
        let names: Vec<String> = (0..sheet.len()).map(|i| format!("B{i}")).collect();
        let mut page = pdf.page(page_ref);
        page.parent(tree)
            .media_box(Rect::new(0.0, 0.0, layout.page_width, layout.page_height))
            .contents(content_ref);
        {
            let mut resources = page.resources();
            let mut objects = resources.x_objects();
            for (name, image) in names.iter().zip(images) {
                objects.pair(Name(name.as_bytes()), *image);
            }
        }
        page.finish();
        let mut content = Content::new();
        for ((slot, name), badge) in names.iter().enumerate().zip(*sheet) {
            content.save_state();
            content.transform(layout.placement(slot, badge.width(), badge.height()));
            content.x_object(Name(name.as_bytes()));
            content.restore_state();
        }
        pdf.stream(content_ref, &content.finish());
    }
    for (badge, image_ref) in badges.iter().zip(&image_refs) {
        let mut packed = Vec::with_capacity(badge.bytes_per_row() * badge.height() as usize);
        for y in 0..badge.height() {
            packed.extend_from_slice(badge.row(y));
        }
        let compressed = compress_to_vec_zlib(&packed, 6);
        let mut image = pdf.image_xobject(*image_ref, &compressed);
        image.filter(Filter::FlateDecode);
        image.width(badge.width() as i32);
        image.height(badge.height() as i32);
        image.color_space().device_gray();
        image.bits_per_component(1);
        // Our bits say 1 = ink; DeviceGray says 1 = white.
        image.decode([1.0, 0.0]);
        image.interpolate(false);
        image.finish();
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avery_5395_labels_sit_inside_the_letter_page() {
        let l = AVERY_5395;
        assert_eq!(l.per_page(), 8);
        for slot in 0..8 {
            let (x, y) = l.corner(slot);
            assert!(x >= 0.0 && x + l.label_width <= l.page_width);
            assert!(
                y >= 0.0 && y + l.label_height <= l.page_height,
                "slot {slot}: {y}"
            );
        }
        assert_eq!(l.badge_label(), Label::DK1202);
        // The badge lands inside its label and spans the label's width.
        for slot in 0..8 {
            let [_, w, h_neg, _, e, f] = l.placement(slot, 696, 1109);
            let (x0, x1, y0, y1) = (e + h_neg, e, f, f + w);
            let (cx, cy) = l.corner(slot);
            assert!(
                x0 >= cx - 0.01 && x1 <= cx + l.label_width + 0.01,
                "slot {slot}"
            );
            assert!(
                y0 >= cy - 0.01 && y1 <= cy + l.label_height + 0.01,
                "slot {slot}"
            );
            assert!(
                (x1 - x0 - l.label_width).abs() < 0.01,
                "uses the label's whole width"
            );
        }
    }

    #[test]
    fn pages_hold_eight_badges_each() {
        let badges = vec![Bitmap1::new(696, 1109); 9];
        let pdf = label_sheet(&badges, &AVERY_5395);
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        assert_eq!(pages, 2);
        assert_eq!(text.matches("/Subtype /Image").count(), 9);
    }
}
