//! A student's slip: the late pass a student takes to class, or the early-dismissal slip the
//! office matches against the adult at the window. Printed on the badge printer's label, pure
//! like the badge: the text and the time come in as values.
//!
//! Top to bottom: the title (`LATE ARRIVAL` / `EARLY DISMISSAL`), the school, the date and time,
//! a rule, the student's name large, then one caption and value per fact (student id, grade,
//! reason, who picked them up, the visit).

use time::PrimitiveDateTime;

use super::evacuation::{draw, fill, title_and_school};
use super::text::Face;
use super::{Bitmap1, Label};

/// What a slip says.
#[derive(Clone, PartialEq, Eq)]
pub struct SlipText {
    pub title: String,
    pub school: String,
    pub at: PrimitiveDateTime,
    pub student_name: String,
    /// Caption and value, in print order; empty values are left out.
    pub facts: Vec<(String, String)>,
}

// The student's name is personal data.
impl std::fmt::Debug for SlipText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlipText")
            .field("title", &self.title)
            .finish_non_exhaustive()
    }
}

/// The slip on one label.
pub fn render(slip: &SlipText, label: Label) -> Bitmap1 {
    let mut page = Bitmap1::new(label.width, label.height);
    let left = label.dots(2.0);
    let width = label.width.saturating_sub(2 * left);
    let mut y = title_and_school(&mut page, label, &slip.title, &slip.school);
    let when = format!(
        "{} {:02}:{:02}",
        slip.at.date(),
        slip.at.hour(),
        slip.at.minute()
    );
    y += draw(
        &mut page,
        &when,
        Face::Regular,
        label.dots(2.4),
        (left, y),
        width,
    );
    y += label.dots(1.6);
    fill(&mut page, left, y, width, label.dots(0.5));
    y += label.dots(3.0);
    y += draw(
        &mut page,
        &slip.student_name,
        Face::Bold,
        label.dots(4.0),
        (left, y),
        width,
    );
    y += label.dots(3.0);
    for (caption, value) in slip.facts.iter().filter(|(_, v)| !v.is_empty()) {
        if y + label.dots(8.0) > label.height {
            break; // a label has room for the usual facts; never draw off its end
        }
        y += draw(
            &mut page,
            caption,
            Face::Regular,
            label.dots(2.0),
            (left, y),
            width,
        );
        y += label.dots(1.2);
        y += draw(
            &mut page,
            value,
            Face::Bold,
            label.dots(2.8),
            (left, y),
            width,
        );
        y += label.dots(2.4);
    }
    page
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn slip(facts: usize) -> SlipText {
        SlipText {
            title: "EARLY DISMISSAL".into(),
            school: "Demo Elementary".into(),
            at: datetime!(2026-03-09 10:15),
            student_name: "Maria Garcia".into(),
            facts: (0..facts)
                .map(|n| (format!("Caption {n}"), format!("Value {n}")))
                .collect(),
        }
    }

    fn ink_rows(page: &Bitmap1) -> Vec<u32> {
        (0..page.height())
            .filter(|&y| (0..page.width()).any(|x| page.is_ink(x, y)))
            .collect()
    }

    #[test]
    fn each_fact_adds_ink_below_the_name() {
        let two = render(&slip(2), Label::DK1202);
        let four = render(&slip(4), Label::DK1202);
        assert_eq!((two.width(), two.height()), (696, 1109));
        assert!(ink_rows(&four).last() > ink_rows(&two).last());
        assert!(four.ink_count() > two.ink_count());
    }

    #[test]
    fn many_facts_stop_at_the_label_end_and_empty_ones_print_nothing() {
        let page = render(&slip(40), Label::DK1202);
        assert!(ink_rows(&page).last().copied() < Some(page.height() - 1));
        let mut blank = slip(2);
        blank.facts.push(("Picked up by".into(), String::new()));
        assert_eq!(
            render(&blank, Label::DK1202).ink_count(),
            render(&slip(2), Label::DK1202).ink_count()
        );
    }
}
