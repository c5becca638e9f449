//! The evacuation list: everyone in the building, printed on the badge printer's labels so
//! staff can carry it out of the door when the alarm sounds. Pure, like the badge: the list
//! and the time come in as values.
//!
//! Each label carries the title, the school, the date and time printed, the head count and
//! "page k/n", then one entry a person: time in and name in bold, purpose and destination
//! below. A list longer than one label goes on over as many labels as it needs.

use embedded_graphics::pixelcolor::BinaryColor;
use time::PrimitiveDateTime;

use super::text::{fit, Face, Line, Room};
use super::{Bitmap1, Label};

/// Capital height to font size (em) for DejaVu Sans.
const EM_PER_CAP: f32 = 1.0 / 0.729;

/// One person on the list.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// `HH:MM` (with the date for an earlier day).
    pub time_in: String,
    pub name: String,
    pub purpose: String,
    pub destination: String,
}

// Names are personal data: logs see only that an entry exists.
impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry").finish_non_exhaustive()
    }
}

/// Sizes in dots for one label.
struct Metrics {
    margin: u32,
    width: u32,
    /// Where the first entry starts (below the header and its rule).
    entries_top: u32,
    /// One entry: name line, detail line and the space after.
    entry: u32,
    name_cap: u32,
    detail_cap: u32,
    detail_gap: u32,
}

impl Metrics {
    fn new(label: Label) -> Metrics {
        let margin = label.dots(2.0);
        let name_cap = label.dots(2.8);
        let detail_cap = label.dots(2.1);
        let detail_gap = label.dots(1.3);
        Metrics {
            margin,
            width: label.width.saturating_sub(2 * margin),
            entries_top: margin + header_height(label),
            entry: name_cap + detail_gap + detail_cap + label.dots(2.6),
            name_cap,
            detail_cap,
            detail_gap,
        }
    }

    /// Entries one label holds (at least one, so the list always ends).
    fn per_page(&self, label: Label) -> usize {
        let room = label.height.saturating_sub(self.entries_top + self.margin);
        ((room / self.entry.max(1)) as usize).max(1)
    }
}

/// Title, school, date/time and page, count, rule: in mm, as drawn by [`header`].
fn header_height(label: Label) -> u32 {
    label.dots(4.5 + 2.2 + 2.6 + 2.0 + 2.2 + 1.6 + 2.2 + 1.4 + 0.5 + 2.0)
}

/// The list on as many labels as it needs, in order; an empty building still prints one
/// label that says so.
pub fn render(
    school: &str,
    at: PrimitiveDateTime,
    entries: &[Entry],
    label: Label,
) -> Vec<Bitmap1> {
    let metrics = Metrics::new(label);
    let per_page = metrics.per_page(label);
    let pages: Vec<&[Entry]> = if entries.is_empty() {
        vec![&[]]
    } else {
        entries.chunks(per_page).collect()
    };
    let total = pages.len();
    pages
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let mut page = Bitmap1::new(label.width, label.height);
            let heading = Heading {
                school,
                at,
                people: entries.len(),
                page: i + 1,
                pages: total,
            };
            header(&mut page, label, &heading);
            if entries.is_empty() {
                let top = metrics.entries_top;
                draw(
                    &mut page,
                    "Nobody is signed in.",
                    Face::Bold,
                    metrics.name_cap,
                    (metrics.margin, top),
                    metrics.width,
                );
            }
            for (n, entry) in chunk.iter().enumerate() {
                let top = metrics.entries_top + n as u32 * metrics.entry;
                draw_entry(&mut page, &metrics, entry, top);
            }
            page
        })
        .collect()
}

/// What the top of every label says.
struct Heading<'a> {
    school: &'a str,
    at: PrimitiveDateTime,
    people: usize,
    page: usize,
    pages: usize,
}

/// The top of every label the printer makes besides the badge (this list, a student's slip): a
/// title in capitals and the school below it. Returns where the next line starts.
pub(super) fn title_and_school(page: &mut Bitmap1, label: Label, title: &str, school: &str) -> u32 {
    let left = label.dots(2.0);
    let width = label.width.saturating_sub(2 * left);
    let mut y = left;
    y += draw(page, title, Face::Bold, label.dots(4.5), (left, y), width);
    y += label.dots(2.2);
    y += draw(page, school, Face::Bold, label.dots(2.6), (left, y), width);
    y + label.dots(2.0)
}

fn header(page: &mut Bitmap1, label: Label, heading: &Heading) {
    let left = label.dots(2.0);
    let width = label.width.saturating_sub(2 * left);
    let mut y = title_and_school(page, label, "EVACUATION LIST", heading.school);
    let when = format!(
        "{} {:02}:{:02}   page {}/{}",
        heading.at.date(),
        heading.at.hour(),
        heading.at.minute(),
        heading.page,
        heading.pages
    );
    y += draw(
        page,
        &when,
        Face::Regular,
        label.dots(2.2),
        (left, y),
        width,
    );
    y += label.dots(1.6);
    let count = match heading.people {
        1 => "1 person in the building".to_owned(),
        n => format!("{n} people in the building"),
    };
    y += draw(
        page,
        &count,
        Face::Regular,
        label.dots(2.2),
        (left, y),
        width,
    );
    y += label.dots(1.4);
    fill(page, left, y, width, label.dots(0.5));
}

fn draw_entry(page: &mut Bitmap1, m: &Metrics, entry: &Entry, top: u32) {
    let first = format!("{}  {}", entry.time_in, entry.name);
    let used = draw(
        page,
        &first,
        Face::Bold,
        m.name_cap,
        (m.margin, top),
        m.width,
    );
    // A responder's "name" is their purpose: say it once.
    let detail = [entry.purpose.as_str(), entry.destination.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty() && *s != entry.name)
        .collect::<Vec<_>>()
        .join(" / ");
    // Indented under the name, so the time column stands out when scanning down the list.
    let indent = m.margin + m.name_cap * 2;
    let top = top + used + m.detail_gap;
    draw(
        page,
        &detail,
        Face::Regular,
        m.detail_cap,
        (indent, top),
        m.width.saturating_sub(indent - m.margin),
    );
}

/// One line with capitals `cap` dots tall at `at` (left, top of capitals), shrunk to the
/// width and then cut with an ellipsis; returns the height it takes.
pub(super) fn draw(
    page: &mut Bitmap1,
    text: &str,
    face: Face,
    cap: u32,
    at: (u32, u32),
    width: u32,
) -> u32 {
    if text.is_empty() {
        return cap;
    }
    let max = cap as f32 * EM_PER_CAP;
    let room = Room {
        width: width as f32,
        height: cap as f32 + 1.0,
        lines: 1,
    };
    let (size, lines) = fit(text, face, max, max * 0.6, room);
    if let Some(text) = lines.first() {
        let line = Line { text, face, size };
        line.draw(page, at.0 as i32, at.1 as i32, BinaryColor::On);
    }
    cap
}

/// A solid black rectangle.
pub(super) fn fill(page: &mut Bitmap1, left: u32, top: u32, width: u32, height: u32) {
    for y in top..top + height {
        for x in left..left + width {
            page.set(x, y, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn entry(n: usize) -> Entry {
        Entry {
            time_in: "08:41".into(),
            name: format!("Visitor Number {n}"),
            purpose: "Volunteer".into(),
            destination: "Library".into(),
        }
    }

    fn ink_in(page: &Bitmap1, top: u32, bottom: u32) -> usize {
        (top..bottom.min(page.height()))
            .flat_map(|y| (0..page.width()).map(move |x| (x, y)))
            .filter(|&(x, y)| page.is_ink(x, y))
            .count()
    }

    #[test]
    fn a_short_list_fits_one_label_with_its_header_and_every_entry() {
        let entries: Vec<Entry> = (1..=3).map(entry).collect();
        let pages = render(
            "Demo Elementary",
            datetime!(2026-03-09 10:15),
            &entries,
            Label::DK1202,
        );
        assert_eq!(pages.len(), 1);
        let page = &pages[0];
        assert_eq!((page.width(), page.height()), (696, 1109));
        let m = Metrics::new(Label::DK1202);
        assert!(ink_in(page, 0, m.entries_top) > 2_000, "header");
        for n in 0..3 {
            let top = m.entries_top + n * m.entry;
            assert!(ink_in(page, top, top + m.entry) > 500, "entry {n}");
        }
        let after = m.entries_top + 3 * m.entry;
        assert_eq!(
            ink_in(page, after, page.height()),
            0,
            "nothing below the list"
        );
    }

    #[test]
    fn a_long_roster_spans_several_labels_and_loses_nobody() {
        let label = Label::DK1202;
        let per_page = Metrics::new(label).per_page(label);
        assert!(per_page >= 5, "{per_page}");
        let entries: Vec<Entry> = (1..=per_page * 2 + 1).map(entry).collect();
        let pages = render("Demo", datetime!(2026-03-09 10:15), &entries, label);
        assert_eq!(pages.len(), 3);
        // The last label carries the one left over; the first two are full.
        let m = Metrics::new(label);
        let last = &pages[2];
        assert!(ink_in(last, m.entries_top, m.entries_top + m.entry) > 500);
        assert_eq!(ink_in(last, m.entries_top + m.entry, last.height()), 0);
        let full = &pages[0];
        let bottom = m.entries_top + (per_page as u32 - 1) * m.entry;
        assert!(ink_in(full, bottom, bottom + m.entry) > 500);
        // Each label says which page it is: the headers differ, the rest of the header not.
        assert_ne!(pages[0], pages[1]);
    }

    #[test]
    fn an_empty_building_prints_one_label_that_says_so() {
        let pages = render("Demo", datetime!(2026-03-09 10:15), &[], Label::DK1202);
        assert_eq!(pages.len(), 1);
        let m = Metrics::new(Label::DK1202);
        assert!(ink_in(&pages[0], m.entries_top, m.entries_top + m.entry) > 300);
    }

    #[test]
    fn same_list_same_dots() {
        let entries: Vec<Entry> = (1..=9).map(entry).collect();
        let at = datetime!(2026-03-09 10:15);
        assert_eq!(
            render("Demo", at, &entries, Label::DK1202),
            render("Demo", at, &entries, Label::DK1202)
        );
    }
}
