//! Reports as PDF (pdf-writer): the one-page daily summary with a bar chart of visits per
//! hour, and any report's text lines on as many pages as they take.
//!
//! US Letter; the standard Helvetica and Courier (every PDF reader has them, nothing is
//! embedded) in WinAnsiEncoding, so Latin-1 letters of a school name print and anything else
//! prints as `?`. The chart is vector: one filled rectangle per hour with visits (and no other
//! rectangle on the page), the count above it and the hour below. Same input, same bytes.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::daily::DailySummary;
use super::format::TextReport;

const WIDTH: f32 = 612.0;
const HEIGHT: f32 = 792.0;
const MARGIN: f32 = 54.0;

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
const MONO: Name<'static> = Name(b"F3");

/// Helvetica's advance width of a digit, in text space units per point of size.
const DIGIT_WIDTH: f32 = 0.556;

/// The chart: where the bars stand and how tall the tallest is.
const CHART_LEFT: f32 = MARGIN + 16.0;
const CHART_RIGHT: f32 = WIDTH - MARGIN;
const CHART_BASE: f32 = 450.0;
const CHART_HEIGHT: f32 = 170.0;

/// Body lines of a text report per page.
const LINES_PER_PAGE: usize = 54;

/// Text in the fonts' WinAnsiEncoding: Latin-1 letters as they are, anything else `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match u32::from(c) {
            0x20..=0x7e | 0xa0..=0xff => c as u8,
            _ => b'?',
        })
        .collect()
}

/// One page's drawing.
struct Page {
    content: Content,
}

impl Page {
    fn new() -> Page {
        Page {
            content: Content::new(),
        }
    }

    fn text(&mut self, font: Name, size: f32, x: f32, y: f32, text: &str) {
        let bytes = win_ansi(text);
        self.content
            .begin_text()
            .set_font(font, size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    /// A number centred on `x` (Helvetica digits are all the same width).
    fn centred_number(&mut self, size: f32, x: f32, y: f32, text: &str) {
        let width = text.len() as f32 * DIGIT_WIDTH * size;
        self.text(REGULAR, size, x - width / 2.0, y, text);
    }
}

/// Writes the document: catalog, fonts, one page object per content stream.
fn document(title: &str, pages: Vec<Page>) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let fonts = [Ref::new(3), Ref::new(4), Ref::new(5)];
    let info = Ref::new(6);
    let first_page = 7;
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    for (id, base) in fonts
        .iter()
        .zip([&b"Helvetica"[..], b"Helvetica-Bold", b"Courier"])
    {
        pdf.type1_font(*id)
            .base_font(Name(base))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr("Vestibule"));
    for (page, id) in pages.into_iter().zip(&page_ids) {
        let content_id = Ref::new(id.get() + 1);
        let mut writer = pdf.page(*id);
        writer
            .parent(tree)
            .media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .contents(content_id);
        let mut resources = writer.resources();
        resources
            .fonts()
            .pair(REGULAR, fonts[0])
            .pair(BOLD, fonts[1])
            .pair(MONO, fonts[2]);
        resources.finish();
        writer.finish();
        pdf.stream(content_id, &page.content.finish());
    }
    pdf.finish()
}

/// The one-page daily summary.
pub fn daily(summary: &DailySummary) -> Vec<u8> {
    let mut page = Page::new();
    let top = HEIGHT - MARGIN;
    page.text(BOLD, 20.0, MARGIN, top - 20.0, "Daily summary");
    page.text(REGULAR, 14.0, MARGIN, top - 42.0, &summary.school);
    page.text(
        REGULAR,
        12.0,
        MARGIN,
        top - 60.0,
        &format!("Date: {}", summary.date),
    );
    page.text(
        BOLD,
        12.0,
        MARGIN,
        CHART_BASE + CHART_HEIGHT + 25.0,
        "Visits per hour",
    );
    chart(&mut page, &summary.by_hour);
    let mut y = CHART_BASE - 50.0;
    for line in summary.lines() {
        if y < MARGIN + 20.0 {
            break;
        }
        page.text(REGULAR, 11.0, MARGIN, y, &line);
        y -= 15.0;
    }
    page.text(
        REGULAR,
        8.0,
        MARGIN,
        MARGIN - 20.0,
        "Vestibule daily summary. Visits by number only: no visitor names.",
    );
    document(&format!("Daily summary {}", summary.date), vec![page])
}

/// The bar chart: an axis, one bar per hour with visits, counts above, hours below.
fn chart(page: &mut Page, by_hour: &[u32; 24]) {
    let slot = (CHART_RIGHT - CHART_LEFT) / 24.0;
    let bar = slot * 0.7;
    let tallest = by_hour.iter().copied().max().unwrap_or(0);
    page.content
        .set_line_width(0.75)
        .set_stroke_gray(0.0)
        .move_to(CHART_LEFT, CHART_BASE)
        .line_to(CHART_RIGHT, CHART_BASE)
        .stroke();
    page.content.set_fill_gray(0.35);
    for (hour, &count) in by_hour.iter().enumerate().filter(|(_, n)| **n > 0) {
        let x = CHART_LEFT + slot * hour as f32 + (slot - bar) / 2.0;
        let height = CHART_HEIGHT * count as f32 / tallest as f32;
        page.content.rect(x, CHART_BASE, bar, height).fill_nonzero();
    }
    page.content.set_fill_gray(0.0);
    for (hour, &count) in by_hour.iter().enumerate() {
        let centre = CHART_LEFT + slot * (hour as f32 + 0.5);
        page.centred_number(7.0, centre, CHART_BASE - 12.0, &format!("{hour:02}"));
        if count > 0 {
            let height = CHART_HEIGHT * count as f32 / tallest as f32;
            page.centred_number(8.0, centre, CHART_BASE + height + 4.0, &count.to_string());
        }
    }
    if tallest == 0 {
        page.text(
            REGULAR,
            11.0,
            CHART_LEFT,
            CHART_BASE + CHART_HEIGHT / 2.0,
            "No visits",
        );
    }
}

/// Courier 9 pt characters that fit between the margins.
const LINE_CHARS: usize = 92;

/// `line` cut at spaces into pieces of at most `width` characters, the pieces after the first
/// indented; a word longer than a line is cut where it must be.
fn wrap(line: &str, width: usize) -> Vec<String> {
    const INDENT: &str = "      ";
    let mut pieces = Vec::new();
    let mut rest: Vec<char> = line.chars().collect();
    let mut first = true;
    loop {
        let room = if first { width } else { width - INDENT.len() };
        let lead = if first { "" } else { INDENT };
        if rest.len() <= room {
            pieces.push(format!("{lead}{}", rest.iter().collect::<String>()));
            return pieces;
        }
        let cut = rest[..=room]
            .iter()
            .rposition(|c| *c == ' ')
            .filter(|&at| at > 0)
            .unwrap_or(room);
        let piece: String = rest[..cut].iter().collect();
        pieces.push(format!("{lead}{}", piece.trim_end()));
        rest = rest[cut..]
            .iter()
            .copied()
            .skip_while(|c| *c == ' ')
            .collect();
        first = false;
    }
}

/// A report's text lines, [`LINES_PER_PAGE`] a page, the title and "page n of m" on each.
pub fn text(report: &TextReport) -> Vec<u8> {
    let lines: Vec<String> = report
        .lines
        .iter()
        .flat_map(|line| wrap(line, LINE_CHARS))
        .collect();
    let chunks: Vec<&[String]> = if lines.is_empty() {
        vec![&[]]
    } else {
        lines.chunks(LINES_PER_PAGE).collect()
    };
    let count = chunks.len();
    let pages = chunks
        .into_iter()
        .enumerate()
        .map(|(i, lines)| {
            let mut page = Page::new();
            let top = HEIGHT - MARGIN;
            page.text(BOLD, 14.0, MARGIN, top - 14.0, &report.title);
            let mut y = top - 40.0;
            for line in lines {
                if !line.is_empty() {
                    page.text(MONO, 9.0, MARGIN, y, line);
                }
                y -= 12.0;
            }
            page.text(
                REGULAR,
                8.0,
                MARGIN,
                MARGIN - 20.0,
                &format!("Page {} of {count}. No visitor names.", i + 1),
            );
            page
        })
        .collect();
    document(&report.title, pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_at_spaces() {
        assert_eq!(wrap("short", 10), ["short"]);
        assert_eq!(
            wrap("by type: Visitor 2, Volunteer 1", 16),
            ["by type: Visitor", "      2,", "      Volunteer", "      1"]
        );
        assert_eq!(
            wrap("abcdefghijkl", 8),
            ["abcdefgh", "      ij", "      kl"]
        );
    }

    #[test]
    fn text_is_encoded_for_win_ansi() {
        assert_eq!(win_ansi("Escuela Juárez"), b"Escuela Ju\xe1rez");
        assert_eq!(win_ansi("Łódź"), b"?\xf3d?");
    }

    #[test]
    fn pdfs_are_deterministic_and_start_as_pdfs() {
        let report = TextReport {
            title: "Visits".into(),
            lines: (0..120).map(|i| format!("line {i}")).collect(),
        };
        let a = text(&report);
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, text(&report));
        let pages = a.windows(10).filter(|w| w == b"/Type /Pag").count();
        // the page tree plus three pages
        assert_eq!(pages, 4);
    }
}
