//! Text on a badge: TrueType glyphs rasterised to pure black and white.
//!
//! The embedded-graphics mono fonts are about 1.7 mm tall at 300 dpi, far too small for a
//! name someone should read across a corridor, so the badge carries DejaVu Sans (see
//! `assets/fonts/README.md`). Glyph coverage is thresholded at one half: a thermal head
//! cannot print grey, and anti-aliasing would come out as ragged dither.

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use embedded_graphics::pixelcolor::BinaryColor;
use embedded_graphics::prelude::*;

static BOLD_TTF: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");
static REGULAR_TTF: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");

/// Which of the two embedded faces to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    Bold,
    Regular,
}

impl Face {
    fn font(self) -> &'static FontRef<'static> {
        static BOLD: OnceLock<FontRef<'static>> = OnceLock::new();
        static REGULAR: OnceLock<FontRef<'static>> = OnceLock::new();
        let (cell, bytes) = match self {
            Face::Bold => (&BOLD, BOLD_TTF),
            Face::Regular => (&REGULAR, REGULAR_TTF),
        };
        cell.get_or_init(|| FontRef::try_from_slice(bytes).expect("the embedded font parses"))
    }
}

/// One line of text at a size in dots (the em height, as in "12 pt").
#[derive(Clone, Copy, Debug)]
pub struct Line<'a> {
    pub text: &'a str,
    pub face: Face,
    pub size: f32,
}

impl Line<'_> {
    /// Advance width in dots, kerning included.
    pub fn width(&self) -> f32 {
        let font = self.face.font().as_scaled(PxScale::from(self.size));
        let mut width = 0.0;
        let mut previous = None;
        for c in self.text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = previous {
                width += font.kern(p, id);
            }
            width += font.h_advance(id);
            previous = Some(id);
        }
        width
    }

    /// Height of capitals in dots: what a reader sees as the size of the line.
    pub fn cap_height(&self) -> f32 {
        // DejaVu's capitals are 0.729 em tall.
        self.size * 0.729
    }

    /// Draws the line with the top of its capitals at `top` and its left edge at `left`.
    pub fn draw<D>(&self, target: &mut D, left: i32, top: i32, color: BinaryColor)
    where
        D: DrawTarget<Color = BinaryColor>,
    {
        let scale = PxScale::from(self.size);
        let font = self.face.font();
        let scaled = font.as_scaled(scale);
        let baseline = top as f32 + self.cap_height();
        let mut caret = left as f32;
        let mut previous = None;
        for c in self.text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(p) = previous {
                caret += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(scale, point(caret, baseline));
            caret += scaled.h_advance(id);
            previous = Some(id);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue; // a space
            };
            let bounds = outline.px_bounds();
            let mut dots = Vec::new();
            outline.draw(|x, y, coverage| {
                if coverage >= 0.5 {
                    let at = Point::new(
                        bounds.min.x as i32 + x as i32,
                        bounds.min.y as i32 + y as i32,
                    );
                    dots.push(Pixel(at, color));
                }
            });
            // The target is infallible for our pages; a failing target only loses this glyph.
            let _ = target.draw_iter(dots);
        }
    }
}

/// Distance between the tops of capitals on consecutive lines, as a multiple of cap height.
pub const LINE_STEP: f32 = 1.45;

/// Height of `lines` lines of text at `size`, from the top of the first line's capitals to
/// the baseline of the last.
pub fn block_height(size: f32, lines: usize) -> f32 {
    let cap = Line {
        text: "",
        face: Face::Bold,
        size,
    }
    .cap_height();
    cap * (1.0 + LINE_STEP * lines.saturating_sub(1) as f32)
}

/// Where a piece of text must fit: width and height in dots, and how many lines it may use.
#[derive(Clone, Copy, Debug)]
pub struct Room {
    pub width: f32,
    pub height: f32,
    pub lines: usize,
}

/// Lays `text` out in `room`: the largest size from `max` down to `min` at which it fits,
/// wrapping between words. A word that is wider than the room even at `min` is cut and ends
/// in an ellipsis, so the layout never overflows.
pub fn fit(text: &str, face: Face, max: f32, min: f32, room: Room) -> (f32, Vec<String>) {
    let mut size = max;
    loop {
        let lines_that_fit = (1..=room.lines)
            .rev()
            .find(|&n| block_height(size, n) <= room.height)
            .unwrap_or(1);
        if let Some(lines) = wrap(text, face, size, room.width, lines_that_fit) {
            return (size, lines);
        }
        if size <= min {
            let lines = (1..=room.lines)
                .rev()
                .find(|&n| block_height(min, n) <= room.height);
            return (
                min,
                truncate(text, face, min, room.width, lines.unwrap_or(1)),
            );
        }
        size = (size * 0.93).max(min);
    }
}

/// Whether a line of text fits `width` in this face and size.
fn fits_in(face: Face, size: f32, width: f32) -> impl Fn(&str) -> bool {
    move |text| Line { text, face, size }.width() <= width
}

/// Greedy word wrap; `None` when the text needs more lines or a single word is too wide.
fn wrap(text: &str, face: Face, size: f32, width: f32, max_lines: usize) -> Option<Vec<String>> {
    let fits = fits_in(face, size, width);
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        if !fits(word) {
            return None;
        }
        match lines.last_mut() {
            Some(last) if fits(&format!("{last} {word}")) => {
                last.push(' ');
                last.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
        if lines.len() > max_lines {
            return None;
        }
    }
    Some(lines)
}

/// Wraps word by word, cutting any word wider than a line into pieces; past `max_lines` the
/// last line ends in "…" to show something was left out.
fn truncate(text: &str, face: Face, size: f32, width: f32, max_lines: usize) -> Vec<String> {
    let fits = fits_in(face, size, width);
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        for piece in pieces(word, &fits) {
            match lines.last_mut() {
                Some(last) if fits(&format!("{last} {piece}")) => {
                    last.push(' ');
                    last.push_str(&piece);
                }
                _ => lines.push(piece),
            }
        }
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines is at least 1");
        while !last.is_empty() && !fits(&format!("{last}…")) {
            last.pop();
        }
        last.push('…');
    }
    lines
}

/// A word cut into the longest pieces that each fit a line (at least one character each).
fn pieces(word: &str, fits: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in word.chars() {
        let piece = out.last_mut().expect("never empty");
        piece.push(c);
        if piece.chars().count() > 1 && !fits(piece) {
            piece.pop();
            out.push(c.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOM: Room = Room {
        width: 640.0,
        height: 400.0,
        lines: 2,
    };

    fn width(text: &str, size: f32) -> f32 {
        Line {
            text,
            face: Face::Bold,
            size,
        }
        .width()
    }

    #[test]
    fn a_short_name_keeps_the_largest_size_on_one_line() {
        let (size, lines) = fit("Ada Lovelace", Face::Bold, 60.0, 20.0, ROOM);
        assert_eq!(size, 60.0);
        assert_eq!(lines, ["Ada Lovelace"]);
    }

    #[test]
    fn a_name_too_wide_for_one_line_wraps_before_it_shrinks() {
        let (size, lines) = fit("Ada Lovelace", Face::Bold, 120.0, 20.0, ROOM);
        assert_eq!(size, 120.0);
        assert_eq!(lines, ["Ada", "Lovelace"]);
    }

    #[test]
    fn a_long_name_wraps_then_shrinks() {
        let name = "Maria de los Angeles Guadalupe Hernandez-Villanueva";
        let (size, lines) = fit(name, Face::Bold, 120.0, 20.0, ROOM);
        assert!(size < 120.0 && size > 20.0, "{size}");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.join(" "), name);
        assert!(lines.iter().all(|l| width(l, size) <= 640.0));
    }

    #[test]
    fn a_low_room_shrinks_the_text_to_its_height() {
        let room = Room {
            height: 100.0,
            ..ROOM
        };
        let (size, lines) = fit("Ada Lovelace", Face::Bold, 200.0, 20.0, room);
        assert!(block_height(size, lines.len()) <= 100.0);
        assert!(lines.iter().all(|l| width(l, size) <= 640.0));
    }

    #[test]
    fn a_one_line_room_never_wraps() {
        let room = Room { lines: 1, ..ROOM };
        let (size, lines) = fit("Maria Hernandez-Villanueva", Face::Bold, 120.0, 10.0, room);
        assert_eq!(lines, ["Maria Hernandez-Villanueva"]);
        assert!(width(&lines[0], size) <= 640.0);
    }

    #[test]
    fn an_unbreakable_name_is_cut_with_an_ellipsis() {
        let name = "W".repeat(80);
        let (size, lines) = fit(&name, Face::Bold, 120.0, 60.0, ROOM);
        assert_eq!(size, 60.0);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(lines.iter().all(|l| width(l, size) <= 640.0));
    }

    #[test]
    fn too_many_words_at_the_smallest_size_end_in_an_ellipsis() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let (_, lines) = fit(text, Face::Bold, 60.0, 60.0, ROOM);
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("one two"));
        assert!(lines[1].ends_with('…'));
    }

    #[test]
    fn wider_text_measures_wider() {
        assert!(width("WM", 40.0) > width("il", 40.0) * 2.0);
    }
}
