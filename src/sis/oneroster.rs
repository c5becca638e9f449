//! OneRoster 1.1 CSV (bulk) -> [`Roster`].
//!
//! Three files matter to a lobby: `orgs.csv` (school names), `users.csv` (students, and the
//! parents, guardians and relatives linked to them through `agentSourcedIds`) and, when present,
//! `enrollments.csv` (which school a student attends). Columns are found by header name, in any
//! order; extra columns are ignored; rows whose `status` is `tobedeleted` are skipped. A guardian
//! link may be written on either side (the student's `agentSourcedIds` naming the guardian, or the
//! guardian's naming the student).
//!
//! Errors name the file, the line and the field (`users.csv line 17, field agentSourcedIds:
//! unknown user p-99`); a person is named by sourcedId, never by name. Everything the kiosk does
//! not need (emails, usernames, passwords, phone numbers, classes) is never read into memory past
//! the CSV record it sits in.

use std::collections::{HashMap, HashSet};

use super::{Guardian, Roster, Student};

pub const ORGS: &str = "orgs.csv";
pub const USERS: &str = "users.csv";
pub const ENROLLMENTS: &str = "enrollments.csv";

/// Why a roster was refused. One line, naming file, line and field; never a person's name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SisError {
    #[error("{file}: missing (a OneRoster set needs orgs.csv and users.csv)")]
    MissingFile { file: &'static str },
    #[error("{file}: missing column {column}")]
    MissingColumn {
        file: &'static str,
        column: &'static str,
    },
    #[error("{file} line {line}, field {field}: {reason}")]
    BadField {
        file: &'static str,
        line: u64,
        field: &'static str,
        reason: String,
    },
    #[error("{file} line {line}: {reason}")]
    BadRow {
        file: &'static str,
        line: u64,
        reason: String,
    },
}

/// The files of one OneRoster set, as bytes (the caller reads them).
#[derive(Clone, Copy, Debug, Default)]
pub struct RosterFiles<'a> {
    pub orgs: &'a [u8],
    pub users: &'a [u8],
    /// Optional: without it a student's school comes from their `orgSourcedIds`.
    pub enrollments: Option<&'a [u8]>,
}

/// Parses a OneRoster 1.1 CSV set into the roster the kiosk keeps.
pub fn parse(files: &RosterFiles<'_>) -> Result<Roster, SisError> {
    let orgs = read_orgs(files.orgs)?;
    let users = read_users(files.users, &orgs)?;
    let enrolled = match files.enrollments {
        Some(bytes) => read_enrollments(bytes, &orgs, &users)?,
        None => HashMap::new(),
    };
    assemble(&orgs, &users, &enrolled)
}

// ---------------------------------------------------------------------------------------------
// CSV plumbing

/// One CSV file with its header mapped to column positions.
struct Table<'a> {
    file: &'static str,
    reader: csv::Reader<&'a [u8]>,
    columns: HashMap<String, usize>,
}

/// One data row: its line and fields, trimmed.
struct Row<'t> {
    file: &'static str,
    line: u64,
    record: csv::StringRecord,
    columns: &'t HashMap<String, usize>,
}

impl<'a> Table<'a> {
    fn open(
        file: &'static str,
        bytes: &'a [u8],
        required: &[&'static str],
    ) -> Result<Table<'a>, SisError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let header = reader.headers().map_err(|e| csv_error(file, &e))?.clone();
        let mut columns = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            columns.entry(name.to_ascii_lowercase()).or_insert(i);
        }
        if let Some(column) = required
            .iter()
            .find(|c| !columns.contains_key(&c.to_ascii_lowercase()))
        {
            return Err(SisError::MissingColumn { file, column });
        }
        Ok(Table {
            file,
            reader,
            columns,
        })
    }

    /// Calls `each` on every row not marked `tobedeleted`; the skipped rows' sourcedIds go to
    /// `deleted` (a link to them is dropped, not an error).
    fn rows(
        mut self,
        deleted: &mut HashSet<String>,
        mut each: impl FnMut(&Row<'_>) -> Result<(), SisError>,
    ) -> Result<(), SisError> {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => return Err(csv_error(self.file, &e)),
            }
            let row = Row {
                file: self.file,
                line: record.position().map_or(0, |p| p.line()),
                record: std::mem::take(&mut record),
                columns: &self.columns,
            };
            if row.get("status").eq_ignore_ascii_case("tobedeleted") {
                if !row.get("sourcedId").is_empty() {
                    deleted.insert(row.get("sourcedId").to_owned());
                }
            } else {
                each(&row)?;
            }
            record = row.record;
        }
    }
}

/// A sourcedId as an error shows it: one line, at most 40 characters.
fn shown(id: &str) -> String {
    let mut out: String = id
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if id.chars().count() > 40 {
        out.push('…');
    }
    out
}

fn csv_error(file: &'static str, e: &csv::Error) -> SisError {
    let line = e.position().map_or(0, |p| p.line());
    let reason = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        _ => "not readable as CSV".to_owned(),
    };
    SisError::BadRow { file, line, reason }
}

impl Row<'_> {
    /// The field under `column` (case-insensitive), empty when the file has no such column.
    fn get(&self, column: &str) -> &str {
        self.columns
            .get(&column.to_ascii_lowercase())
            .and_then(|&i| self.record.get(i))
            .unwrap_or("")
    }

    /// A field that must not be empty.
    fn required(&self, column: &'static str) -> Result<&str, SisError> {
        match self.get(column) {
            "" => Err(self.error(column, "empty".to_owned())),
            value => Ok(value),
        }
    }

    /// A multi-valued field: comma separated, blanks dropped.
    fn list(&self, column: &str) -> Vec<String> {
        self.get(column)
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn error(&self, field: &'static str, reason: String) -> SisError {
        SisError::BadField {
            file: self.file,
            line: self.line,
            field,
            reason,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// orgs.csv

struct Org {
    name: String,
    is_school: bool,
}

struct Orgs {
    by_id: HashMap<String, usize>,
    list: Vec<Org>,
    deleted: HashSet<String>,
}

impl Orgs {
    /// Resolves an org reference: `Ok(None)` for one being deleted, an error for an unknown one.
    fn resolve(
        &self,
        row: &Row<'_>,
        field: &'static str,
        id: &str,
    ) -> Result<Option<usize>, SisError> {
        match self.by_id.get(id) {
            Some(&n) => Ok(Some(n)),
            None if self.deleted.contains(id) => Ok(None),
            None => Err(row.error(field, format!("unknown org {}", shown(id)))),
        }
    }
}

fn read_orgs(bytes: &[u8]) -> Result<Orgs, SisError> {
    let table = Table::open(ORGS, bytes, &["sourcedId", "name"])?;
    let mut orgs = Orgs {
        by_id: HashMap::new(),
        list: Vec::new(),
        deleted: HashSet::new(),
    };
    let mut lines = HashMap::new();
    let mut deleted = HashSet::new();
    table.rows(&mut deleted, |row| {
        let id = row.required("sourcedId")?;
        if let Some(first) = lines.insert(id.to_owned(), row.line) {
            return Err(row.error(
                "sourcedId",
                format!("org {} repeats line {first}", shown(id)),
            ));
        }
        let name = row.required("name")?.to_owned();
        let kind = row.get("type");
        let is_school = kind.is_empty() || kind.eq_ignore_ascii_case("school");
        orgs.by_id.insert(id.to_owned(), orgs.list.len());
        orgs.list.push(Org { name, is_school });
        Ok(())
    })?;
    orgs.deleted = deleted;
    Ok(orgs)
}

// ---------------------------------------------------------------------------------------------
// users.csv

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Student,
    /// `parent`, `guardian` or `relative`: someone the SIS may let pick a student up.
    Guardian,
    /// Teachers, aides, administrators, proctors: known ids, otherwise ignored.
    Other,
}

fn role(text: &str) -> Option<Role> {
    match text.to_ascii_lowercase().as_str() {
        "student" => Some(Role::Student),
        "parent" | "guardian" | "relative" => Some(Role::Guardian),
        "teacher"
        | "aide"
        | "administrator"
        | "proctor"
        | "districtadministrator"
        | "siteadministrator"
        | "systemadministrator" => Some(Role::Other),
        _ => None,
    }
}

/// A student or guardian row, kept until the links are resolved.
struct Person {
    line: u64,
    role: Role,
    sourced_id: String,
    given: String,
    middle: String,
    family: String,
    identifier: String,
    grade: String,
    agents: Vec<String>,
    /// Students only: their orgs, resolved (orgs being deleted left out).
    orgs: Vec<usize>,
}

struct Users {
    people: Vec<Person>,
    /// Every active user's role by sourcedId (teachers included, so links to them are known).
    roles: HashMap<String, (Role, usize)>,
    deleted: HashSet<String>,
}

fn read_users(bytes: &[u8], orgs: &Orgs) -> Result<Users, SisError> {
    let table = Table::open(
        USERS,
        bytes,
        &["sourcedId", "role", "givenName", "familyName"],
    )?;
    let mut users = Users {
        people: Vec::new(),
        roles: HashMap::new(),
        deleted: HashSet::new(),
    };
    let mut lines: HashMap<String, u64> = HashMap::new();
    let mut deleted = HashSet::new();
    table.rows(&mut deleted, |row| {
        let id = row.required("sourcedId")?;
        if let Some(first) = lines.insert(id.to_owned(), row.line) {
            return Err(row.error(
                "sourcedId",
                format!("user {} repeats line {first}", shown(id)),
            ));
        }
        let text = row.required("role")?;
        let role =
            role(text).ok_or_else(|| row.error("role", "not a OneRoster 1.1 role".to_owned()))?;
        if role == Role::Other {
            users.roles.insert(id.to_owned(), (role, usize::MAX));
            return Ok(());
        }
        let person = read_person(row, role, orgs)?;
        users
            .roles
            .insert(id.to_owned(), (role, users.people.len()));
        users.people.push(person);
        Ok(())
    })?;
    users.deleted = deleted;
    Ok(users)
}

fn read_person(row: &Row<'_>, role: Role, orgs: &Orgs) -> Result<Person, SisError> {
    let mut resolved = Vec::new();
    if role == Role::Student {
        for id in row.list("orgSourcedIds") {
            resolved.extend(orgs.resolve(row, "orgSourcedIds", &id)?);
        }
    }
    Ok(Person {
        line: row.line,
        role,
        sourced_id: row.get("sourcedId").to_owned(),
        given: row.required("givenName")?.to_owned(),
        middle: row.get("middleName").to_owned(),
        family: row.required("familyName")?.to_owned(),
        identifier: row.get("identifier").to_owned(),
        grade: row.list("grades").into_iter().next().unwrap_or_default(),
        agents: row.list("agentSourcedIds"),
        orgs: resolved,
    })
}

// ---------------------------------------------------------------------------------------------
// enrollments.csv

/// Student (index into `Users::people`) -> the org of their first enrollment.
fn read_enrollments(
    bytes: &[u8],
    orgs: &Orgs,
    users: &Users,
) -> Result<HashMap<usize, usize>, SisError> {
    let table = Table::open(
        ENROLLMENTS,
        bytes,
        &["userSourcedId", "schoolSourcedId", "role"],
    )?;
    let mut schools = HashMap::new();
    let mut deleted = HashSet::new();
    table.rows(&mut deleted, |row| {
        if !row.get("role").eq_ignore_ascii_case("student") {
            return Ok(());
        }
        let user = row.required("userSourcedId")?;
        let student = match users.roles.get(user) {
            Some(&(Role::Student, n)) => n,
            Some(_) => return Ok(()),
            None if users.deleted.contains(user) => return Ok(()),
            None => return Err(row.error("userSourcedId", format!("unknown user {}", shown(user)))),
        };
        let school = row.required("schoolSourcedId")?;
        if let Some(org) = orgs.resolve(row, "schoolSourcedId", school)? {
            schools.entry(student).or_insert(org);
        }
        Ok(())
    })?;
    Ok(schools)
}

// ---------------------------------------------------------------------------------------------
// Putting it together

/// The guardian links, from either side: (student person, guardian person) pairs.
fn links(users: &Users) -> Result<HashSet<(usize, usize)>, SisError> {
    let mut links = HashSet::new();
    for (n, person) in users.people.iter().enumerate() {
        for agent in &person.agents {
            let other = match users.roles.get(agent) {
                Some(&(role, m)) => (role, m),
                None if users.deleted.contains(agent) => continue,
                None => {
                    return Err(SisError::BadField {
                        file: USERS,
                        line: person.line,
                        field: "agentSourcedIds",
                        reason: format!("unknown user {}", shown(agent)),
                    })
                }
            };
            match (person.role, other) {
                (Role::Student, (Role::Guardian, g)) => links.insert((n, g)),
                (Role::Guardian, (Role::Student, s)) => links.insert((s, n)),
                _ => false,
            };
        }
    }
    Ok(links)
}

fn assemble(
    orgs: &Orgs,
    users: &Users,
    enrolled: &HashMap<usize, usize>,
) -> Result<Roster, SisError> {
    let links = links(users)?;
    let mut guardian_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(student, guardian) in &links {
        guardian_of.entry(student).or_default().push(guardian);
    }
    // Guardians kept: those linked to a kept student, numbered in file order.
    let mut linked: Vec<usize> = links.iter().map(|&(_, g)| g).collect();
    linked.sort_unstable();
    linked.dedup();
    let number: HashMap<usize, usize> = linked.iter().enumerate().map(|(i, &g)| (g, i)).collect();
    let guardians = linked
        .iter()
        .map(|&g| {
            let p = &users.people[g];
            Guardian {
                given_name: p.given.clone(),
                middle_name: p.middle.clone(),
                family_name: p.family.clone(),
            }
        })
        .collect();

    let mut used_orgs: Vec<usize> = (0..orgs.list.len())
        .filter(|&o| orgs.list[o].is_school)
        .collect();
    let mut seen_ids: HashMap<String, u64> = HashMap::new();
    let mut students = Vec::new();
    for (n, p) in users.people.iter().enumerate() {
        if p.role != Role::Student {
            continue;
        }
        let student_id = if p.identifier.is_empty() {
            &p.sourced_id
        } else {
            &p.identifier
        };
        // Compared as lookups compare them: `0123` and `123` would be one student.
        if let Some(first) = seen_ids.insert(super::canonical_student_id(student_id), p.line) {
            return Err(SisError::BadField {
                file: USERS,
                line: p.line,
                field: "identifier",
                reason: format!(
                    "the student id of user {} repeats line {first}",
                    shown(&p.sourced_id)
                ),
            });
        }
        let school = enrolled.get(&n).copied().or_else(|| {
            p.orgs
                .iter()
                .copied()
                .find(|&o| orgs.list[o].is_school)
                .or_else(|| p.orgs.first().copied())
        });
        if let Some(o) = school {
            used_orgs.push(o);
        }
        let mut mine: Vec<usize> = guardian_of
            .get(&n)
            .map(|gs| gs.iter().map(|g| number[g]).collect())
            .unwrap_or_default();
        mine.sort_unstable();
        students.push(Student {
            student_id: student_id.clone(),
            given_name: p.given.clone(),
            middle_name: p.middle.clone(),
            family_name: p.family.clone(),
            grade: p.grade.clone(),
            school: school
                .map(|o| orgs.list[o].name.clone())
                .unwrap_or_default(),
            guardians: mine,
        });
    }
    used_orgs.sort_unstable();
    used_orgs.dedup();
    Ok(Roster {
        schools: used_orgs
            .iter()
            .map(|&o| orgs.list[o].name.clone())
            .collect(),
        students,
        guardians,
    })
}

#[cfg(test)]
mod tests;
