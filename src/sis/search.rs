//! Finding a student the way a person at the kiosk or the office types: the start of any of
//! their names, in any order, accents and case ignored, optionally within one grade.

use super::Student;
use crate::screening::normalise::fold;

/// What the searcher typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StudentQuery {
    /// The text as a student id ([`super::canonical_student_id`]): a student may type theirs.
    id: String,
    /// Folded words: each must start one of the student's names (`mar gar` finds María García).
    words: Vec<String>,
    /// The grade, normalised ([`normalise_grade`]).
    grade: Option<String>,
}

impl StudentQuery {
    /// A query for `name` (words, any order; empty finds everyone) within `grade` when given.
    pub fn new(name: &str, grade: Option<&str>) -> StudentQuery {
        StudentQuery {
            id: super::canonical_student_id(name),
            words: fold(name)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect(),
            grade: grade.map(normalise_grade).filter(|g| !g.is_empty()),
        }
    }

    /// Whether `student` is one this query finds.
    pub fn matches(&self, student: &Student) -> bool {
        if let Some(grade) = &self.grade {
            if normalise_grade(&student.grade) != *grade {
                return false;
            }
        }
        if self.words.is_empty() {
            return true;
        }
        if super::canonical_student_id(&student.student_id) == self.id {
            return true;
        }
        let names = fold(&format!(
            "{} {} {}",
            student.given_name, student.middle_name, student.family_name
        ));
        let names: Vec<&str> = names.split(' ').collect();
        self.words
            .iter()
            .all(|w| names.iter().any(|n| n.starts_with(w.as_str())))
    }
}

/// One spelling per grade: `1`, `01` and `Grade 1` are `1`; `K`, `KG` and `Kindergarten` are
/// `KG`; `PK`, `Pre-K` and `PreKindergarten` are `PK`; anything else folded as is.
pub fn normalise_grade(grade: &str) -> String {
    let folded = fold(grade);
    let bare = folded.strip_prefix("GRADE ").unwrap_or(&folded);
    match bare {
        "K" | "KG" | "KINDERGARTEN" => "KG".to_owned(),
        "PK" | "PRE K" | "PREK" | "PREKINDERGARTEN" | "PRE KINDERGARTEN" => "PK".to_owned(),
        digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            let trimmed = digits.trim_start_matches('0');
            if trimmed.is_empty() { "0" } else { trimmed }.to_owned()
        }
        other => other.to_owned(),
    }
}

/// Sorts students as a list shows them: family name, given name, then student id.
pub fn sort_for_display(students: &mut [Student]) {
    students.sort_by_cached_key(|s| {
        (
            fold(&s.family_name),
            fold(&s.given_name),
            s.student_id.clone(),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn student(given: &str, middle: &str, family: &str, grade: &str) -> Student {
        Student {
            student_id: "1".into(),
            given_name: given.into(),
            middle_name: middle.into(),
            family_name: family.into(),
            grade: grade.into(),
            school: "Lincoln Elementary".into(),
            guardians: Vec::new(),
        }
    }

    #[test]
    fn name_words_match_the_start_of_any_name_in_any_order() {
        let maria = student("María", "José", "García López", "03");
        for found in [
            "mar",
            "MARIA GARCIA",
            "gar mar",
            "lop",
            "jos",
            "",
            "  garcía  ",
        ] {
            assert!(StudentQuery::new(found, None).matches(&maria), "{found}");
        }
        for missed in ["ria", "maria smith", "x", "garcias"] {
            assert!(!StudentQuery::new(missed, None).matches(&maria), "{missed}");
        }
    }

    #[test]
    fn a_student_id_finds_its_student_with_or_without_leading_zeros() {
        let mut maria = student("María", "", "García", "03");
        maria.student_id = "0100234".into();
        for found in ["0100234", "100234", " 00100234 "] {
            assert!(StudentQuery::new(found, None).matches(&maria), "{found}");
        }
        assert!(
            !StudentQuery::new("1002", None).matches(&maria),
            "not a prefix match"
        );
        assert!(
            !StudentQuery::new("100234", Some("4")).matches(&maria),
            "grade still applies"
        );
    }

    #[test]
    fn grades_are_compared_in_one_spelling() {
        let maria = student("María", "", "García", "03");
        assert!(StudentQuery::new("mar", Some("3")).matches(&maria));
        assert!(StudentQuery::new("", Some("Grade 3")).matches(&maria));
        assert!(!StudentQuery::new("mar", Some("4")).matches(&maria));
        assert!(
            StudentQuery::new("mar", Some("")).matches(&maria),
            "empty grade: any"
        );
        assert_eq!(normalise_grade("Kindergarten"), "KG");
        assert_eq!(normalise_grade("k"), "KG");
        assert_eq!(normalise_grade("Pre-K"), "PK");
        assert_eq!(normalise_grade("00"), "0");
        assert_eq!(normalise_grade("12"), "12");
        assert_eq!(normalise_grade("Ungraded"), "UNGRADED");
    }

    #[test]
    fn display_order_is_family_then_given_name() {
        let mut list = vec![
            student("Zoe", "", "Adams", "1"),
            student("Ana", "", "Zamora", "1"),
            student("Álex", "", "adams", "1"),
        ];
        sort_for_display(&mut list);
        let names: Vec<&str> = list.iter().map(|s| s.given_name.as_str()).collect();
        assert_eq!(names, vec!["Álex", "Zoe", "Ana"]);
    }
}
