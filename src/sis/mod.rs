//! The student information system roster (OneRoster 1.1 CSV): students, guardians and who may
//! pick a student up. Pure: bytes in, a [`Roster`] or an error naming file, line and field out.
//!
//! A school's SIS exports far more than a lobby kiosk needs; the roster keeps only what the
//! pickup rule and the office lookup use (student name, student id, grade, school name, guardian
//! names and the links between them) so a lost kiosk leaks as little about minors as possible.
//!
//! - [`oneroster`]: OneRoster 1.1 CSV -> [`Roster`].
//! - [`search`]: students by name prefixes and grade.
//! - [`pickup`]: may this cleared adult take this student, or go to the office?
//! - [`synth`]: synthetic OneRoster sets for tests and the benchmark.

pub mod oneroster;
pub mod pickup;
pub mod search;
pub mod synth;

pub use oneroster::{parse, RosterFiles, SisError};

/// A student id as every comparison sees it: trimmed, upper-case, and without leading zeros when
/// it is all digits (`00123` typed into a spreadsheet comes back `123`; a student typing their
/// id may leave the zeros off).
pub fn canonical_student_id(id: &str) -> String {
    let id = id.trim();
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        let bare = id.trim_start_matches('0');
        return if bare.is_empty() { "0" } else { bare }.to_owned();
    }
    id.to_uppercase()
}

/// A student as the kiosk keeps it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Student {
    /// The SIS `identifier` (the number on the student's card), else its `sourcedId`.
    pub student_id: String,
    pub given_name: String,
    pub middle_name: String,
    pub family_name: String,
    /// The first of the SIS `grades` (`KG`, `01` ... `12`), empty when none.
    pub grade: String,
    /// The school's name (from `orgs.csv`), empty when the student has no school.
    pub school: String,
    /// Indexes into [`Roster::guardians`], sorted, no repeats.
    pub guardians: Vec<usize>,
}

// Personal data must not reach logs through `{:?}`.
impl std::fmt::Debug for Student {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Student")
            .field("guardians", &self.guardians.len())
            .finish_non_exhaustive()
    }
}

/// A parent, guardian or relative the SIS links to at least one student.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Guardian {
    pub given_name: String,
    pub middle_name: String,
    pub family_name: String,
}

impl std::fmt::Debug for Guardian {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guardian").finish_non_exhaustive()
    }
}

/// What an import keeps: every active student, the guardians linked to them, and the schools.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    pub schools: Vec<String>,
    pub students: Vec<Student>,
    pub guardians: Vec<Guardian>,
}

impl Roster {
    /// How many student-guardian links the roster holds.
    pub fn links(&self) -> usize {
        self.students.iter().map(|s| s.guardians.len()).sum()
    }
}
