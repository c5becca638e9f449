//! `vestibule sis`: import the student roster from the student information system (OneRoster
//! 1.1 CSV) and look a student up for the office.
//!
//! The roster is personal data about minors: it is opened and sealed with the data key like
//! visits ([`super::privacy::open_personal_store`]), and an import replaces it whole or not at
//! all (one line naming file, line and field, exit 2, nothing changed).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use time::OffsetDateTime;
use vestibule::sis::oneroster::{ENROLLMENTS, ORGS, USERS};
use vestibule::sis::search::StudentQuery;
use vestibule::sis::{RosterFiles, SisError};
use vestibule::store::students::StudentRecord;

use super::registry::DbArg;
use super::Refusal;

#[derive(Subcommand)]
pub enum SisCommand {
    /// Replace the roster with a OneRoster 1.1 CSV set (orgs.csv, users.csv and, when present,
    /// enrollments.csv in DIR), atomically.
    Import {
        #[command(flatten)]
        db: DbArg,
        /// The directory holding the unzipped OneRoster files.
        dir: PathBuf,
    },
    /// Find students by the start of their names (any order) and show their guardians.
    Find {
        #[command(flatten)]
        db: DbArg,
        /// Only this grade (`3`, `03`, `KG` ...).
        #[arg(long)]
        grade: Option<String>,
        /// Name words; none lists the whole grade (or roster).
        name: Vec<String>,
    },
}

pub fn run(command: SisCommand, config: Option<&Path>) -> Result<(), Refusal> {
    match command {
        SisCommand::Import { db, dir } => import(&db, &dir, config),
        SisCommand::Find { db, grade, name } => find(&db, grade.as_deref(), &name, config),
    }
}

fn import(db: &DbArg, dir: &Path, config: Option<&Path>) -> Result<(), Refusal> {
    let orgs = read(dir, ORGS)?.ok_or(SisError::MissingFile { file: ORGS })?;
    let users = read(dir, USERS)?.ok_or(SisError::MissingFile { file: USERS })?;
    let enrollments = read(dir, ENROLLMENTS)?;
    let roster = vestibule::sis::parse(&RosterFiles {
        orgs: &orgs,
        users: &users,
        enrollments: enrollments.as_deref(),
    })?;
    let store = super::privacy::open_personal_store(db, config)?;
    let summary = store.replace_roster(&roster, &now_text())?;
    println!("imported {summary} from {}", dir.display());
    for (entry, _) in store.custody_entries_off_roster()? {
        eprintln!(
            "vestibule: warning: custody watchlist entry {entry} names a student id that is not on the roster: it bars no one"
        );
    }
    Ok(())
}

/// A file of the set; `None` when it is not there.
fn read(dir: &Path, name: &'static str) -> Result<Option<Vec<u8>>, Refusal> {
    match std::fs::read(dir.join(name)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if dir.is_dir() {
                Ok(None)
            } else {
                Err(Refusal(format!("{}: not a directory", dir.display())))
            }
        }
        Err(e) => Err(Refusal(format!("{name}: cannot read: {e}"))),
    }
}

fn find(
    db: &DbArg,
    grade: Option<&str>,
    name: &[String],
    config: Option<&Path>,
) -> Result<(), Refusal> {
    let store = super::privacy::open_personal_store(db, config)?;
    let query = StudentQuery::new(&name.join(" "), grade);
    let found = store.search_students(&query)?;
    println!(
        "{} student{} found",
        found.len(),
        if found.len() == 1 { "" } else { "s" }
    );
    for student in found {
        if let Some(record) = store.student(&student.student_id)? {
            print!("{}", card(&record));
        }
    }
    Ok(())
}

/// One student for the office: id, name, grade, school, then each guardian.
fn card(record: &StudentRecord) -> String {
    let s = &record.student;
    let grade = if s.grade.is_empty() { "-" } else { &s.grade };
    let mut out = format!(
        "{}  {}  grade {grade}  {}\n",
        s.student_id,
        listed(&s.family_name, &s.given_name, &s.middle_name),
        if s.school.is_empty() { "-" } else { &s.school },
    );
    if record.guardians.is_empty() {
        out.push_str("    no guardian listed\n");
    }
    for g in &record.guardians {
        out.push_str(&format!(
            "    guardian: {}\n",
            listed(&g.family_name, &g.given_name, &g.middle_name)
        ));
    }
    out
}

fn listed(family: &str, given: &str, middle: &str) -> String {
    vestibule::screening::listed_name(family, given, middle, "")
}

fn now_text() -> String {
    OffsetDateTime::now_local()
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
