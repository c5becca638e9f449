//! The SIS roster (students, guardians) and student sign-in/out events in the store.
//!
//! Students are minors: every record, names and student ids alike, is sealed under the data key
//! ([`super::crypto`]). Students are keyed by a keyed token of their student id, so the office
//! can open one student without decrypting the roster, and nobody without the key can test a
//! guessed id. A roster import replaces the `students` and `guardians` tables as a whole inside
//! ONE write transaction: a failed import changes nothing and a reader never sees half a roster.
//!
//! Student events (a late arrival, an early dismissal) are kept like visits: numbered, sealed,
//! never deleted by a roster import. Reports read them by day ([`Store::student_events`]).

use redb::{ReadableDatabase, ReadableTable, ReadableTableMetadata};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::audit::append_audit;
use super::crypto::Sealer;
use super::schema::{
    self, GUARDIANS, GUARDIANS_NAME, STUDENTS, STUDENTS_NAME, STUDENT_EVENTS, STUDENT_EVENTS_NAME,
    WATCHLIST,
};
use super::{Store, StoreError};
use crate::sis::canonical_student_id;
use crate::sis::pickup::same_student_id;
use crate::sis::search::StudentQuery;
use crate::sis::{Guardian, Roster, Student};

/// What a student event records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StudentEventKind {
    /// The student signed in after the bell.
    LateArrival,
    /// The student left before the end of the day (alone, or picked up by a guardian).
    EarlyDismissal,
}

impl StudentEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StudentEventKind::LateArrival => "late_arrival",
            StudentEventKind::EarlyDismissal => "early_dismissal",
        }
    }
}

/// One late arrival or early dismissal. Sealed at rest.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentEvent {
    /// RFC 3339 with the kiosk's offset; its date is the day reports count it on.
    pub at: String,
    pub kind: StudentEventKind,
    pub student_id: String,
    pub grade: String,
    pub school: String,
    /// The reason code's id (`[students]` late-arrival or dismissal reasons in kiosk.toml).
    pub reason: String,
    /// The adult's name, for a pickup.
    pub picked_up_by: Option<String>,
    /// The staff member who recorded it, when one did.
    pub operator: Option<String>,
}

// Personal data must not reach logs through `{:?}`.
impl std::fmt::Debug for StudentEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StudentEvent")
            .field("kind", &self.kind)
            .field("reason", &self.reason)
            .finish_non_exhaustive()
    }
}

impl StudentEvent {
    /// The day the event counts on (the date of `at` in its own offset); `None` when `at` is
    /// not RFC 3339.
    pub fn date(&self) -> Option<Date> {
        OffsetDateTime::parse(&self.at, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(|t| t.date())
    }
}

/// A student with their guardians, as the office and the pickup rule see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudentRecord {
    pub student: Student,
    pub guardians: Vec<Guardian>,
}

/// What a roster import stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RosterSummary {
    pub schools: usize,
    pub students: usize,
    pub guardians: usize,
    pub links: usize,
}

impl std::fmt::Display for RosterSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} schools, {} students, {} guardians, {} guardian links",
            self.schools, self.students, self.guardians, self.links
        )
    }
}

/// The token a student is stored under: a keyed hash of the canonical student id, so `0123`
/// and `123` find the same student.
fn student_token(sealer: &Sealer, student_id: &str) -> String {
    sealer.token(&format!(
        "sis-student\u{1f}{}",
        canonical_student_id(student_id)
    ))
}

fn open_json<T: serde::de::DeserializeOwned>(
    sealer: &Sealer,
    table: &'static str,
    key: &str,
    sealed: &str,
) -> Result<T, StoreError> {
    // Names the row by (the start of) its key: a number or a token, never a person.
    let label: String = key.chars().take(16).collect();
    let plain = sealer.open(table, key, &label, sealed)?;
    serde_json::from_slice(&plain).map_err(|_| StoreError::Unseal {
        table,
        record: label,
    })
}

/// Opens `table` in a read transaction; `None` when it was never created.
macro_rules! open_or_empty {
    ($read:expr, $table:expr, $empty:expr) => {
        match $read.open_table($table) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok($empty),
            Err(e) => return Err(e.into()),
        }
    };
}

impl Store {
    /// Replaces the whole roster with `roster`, in one write transaction, and audits the counts
    /// (never a name). Student ids must be unique (the parser guarantees it).
    pub fn replace_roster(&self, roster: &Roster, at: &str) -> Result<RosterSummary, StoreError> {
        let sealer = self.sealer()?;
        let write = self.db().begin_write()?;
        write.delete_table(STUDENTS)?;
        write.delete_table(GUARDIANS)?;
        {
            let mut guardians = write.open_table(GUARDIANS)?;
            for (n, guardian) in roster.guardians.iter().enumerate() {
                let key = u32::try_from(n)
                    .map_err(|_| StoreError::BadFile("too many guardians".into()))?;
                let json = serde_json::to_string(guardian).expect("guardians serialise");
                let sealed = sealer.seal(GUARDIANS_NAME, &key.to_string(), json.as_bytes());
                guardians.insert(key, sealed.as_str())?;
            }
            let mut students = write.open_table(STUDENTS)?;
            for student in &roster.students {
                let token = student_token(sealer, &student.student_id);
                let json = serde_json::to_string(student).expect("students serialise");
                let sealed = sealer.seal(STUDENTS_NAME, &token, json.as_bytes());
                if students.insert(token.as_str(), sealed.as_str())?.is_some() {
                    return Err(StoreError::BadFile(
                        "two students share one student id".into(),
                    ));
                }
            }
        }
        let summary = RosterSummary {
            schools: roster.schools.len(),
            students: roster.students.len(),
            guardians: roster.guardians.len(),
            links: roster.links(),
        };
        append_audit(
            &write,
            serde_json::json!({
                "event": "sis_import", "at": at, "schools": summary.schools,
                "students": summary.students, "guardians": summary.guardians,
                "links": summary.links,
            }),
        )?;
        write.commit()?;
        Ok(summary)
    }

    /// Every student of the roster (unordered).
    pub fn students(&self) -> Result<Vec<Student>, StoreError> {
        let sealer = self.sealer()?;
        let read = self.db().begin_read()?;
        let table = open_or_empty!(read, STUDENTS, Vec::new());
        let mut students = Vec::with_capacity(table.len()? as usize);
        for entry in table.iter()? {
            let (key, sealed) = entry?;
            students.push(open_json(
                sealer,
                STUDENTS_NAME,
                key.value(),
                sealed.value(),
            )?);
        }
        Ok(students)
    }

    /// The students `query` finds (name prefixes, grade), sorted by family then given name.
    pub fn search_students(&self, query: &StudentQuery) -> Result<Vec<Student>, StoreError> {
        let mut found: Vec<Student> = self
            .students()?
            .into_iter()
            .filter(|s| query.matches(s))
            .collect();
        crate::sis::search::sort_for_display(&mut found);
        Ok(found)
    }

    /// One student by student id, with their guardians; `None` when the roster has no such id.
    pub fn student(&self, student_id: &str) -> Result<Option<StudentRecord>, StoreError> {
        let sealer = self.sealer()?;
        let read = self.db().begin_read()?;
        let students = open_or_empty!(read, STUDENTS, None);
        let token = student_token(sealer, student_id);
        let Some(sealed) = students.get(token.as_str())? else {
            return Ok(None);
        };
        let student: Student = open_json(sealer, STUDENTS_NAME, &token, sealed.value())?;
        let table = open_or_empty!(read, GUARDIANS, None);
        let mut guardians = Vec::with_capacity(student.guardians.len());
        for &n in &student.guardians {
            let key = u32::try_from(n).unwrap_or(u32::MAX);
            let label = key.to_string();
            let sealed = table.get(key)?.ok_or_else(|| StoreError::Unseal {
                table: GUARDIANS_NAME,
                record: label.clone(),
            })?;
            guardians.push(open_json(sealer, GUARDIANS_NAME, &label, sealed.value())?);
        }
        Ok(Some(StudentRecord { student, guardians }))
    }

    /// The watchlist's custody entries that name a student (`student_id` column) who is not on
    /// the roster, as `(entry_id, student_id)`: most likely a mistyped id, which would bar no
    /// one. `sis import` warns about them.
    pub fn custody_entries_off_roster(&self) -> Result<Vec<(String, String)>, StoreError> {
        let ids: Vec<String> = self.students()?.into_iter().map(|s| s.student_id).collect();
        let read = self.db().begin_read()?;
        let table = open_or_empty!(read, WATCHLIST, Vec::new());
        let mut off = Vec::new();
        for entry in table.iter()? {
            let (_, bytes) = entry?;
            let Some((row, extra)) = schema::decode_row(bytes.value()) else {
                continue;
            };
            let Some(student) = extra.get(3).filter(|s| !s.is_empty()) else {
                continue;
            };
            if !ids.iter().any(|id| same_student_id(id, student)) {
                off.push((row.record_id, student.clone()));
            }
        }
        Ok(off)
    }

    /// Records a late arrival or early dismissal; returns its number.
    pub fn record_student_event(&self, event: &StudentEvent) -> Result<u64, StoreError> {
        let sealer = self.sealer()?;
        let write = self.db().begin_write()?;
        let number = {
            let mut table = write.open_table(STUDENT_EVENTS)?;
            let number = table.last()?.map_or(1, |(k, _)| k.value() + 1);
            let json = serde_json::to_string(event).expect("student events serialise");
            let sealed = sealer.seal(STUDENT_EVENTS_NAME, &number.to_string(), json.as_bytes());
            table.insert(number, sealed.as_str())?;
            number
        };
        append_audit(
            &write,
            serde_json::json!({
                "event": event.kind.as_str(), "at": event.at, "student_event": number,
                "reason": event.reason, "by": event.operator,
            }),
        )?;
        write.commit()?;
        Ok(number)
    }

    /// The student events whose day ([`StudentEvent::date`]) is within `from..=to`, in the
    /// order they were recorded.
    pub fn student_events(&self, from: Date, to: Date) -> Result<Vec<StudentEvent>, StoreError> {
        let sealer = self.sealer()?;
        let read = self.db().begin_read()?;
        let table = open_or_empty!(read, STUDENT_EVENTS, Vec::new());
        let mut events = Vec::new();
        for entry in table.iter()? {
            let (number, sealed) = entry?;
            let event: StudentEvent = open_json(
                sealer,
                STUDENT_EVENTS_NAME,
                &number.value().to_string(),
                sealed.value(),
            )?;
            if event.date().is_some_and(|d| (from..=to).contains(&d)) {
                events.push(event);
            }
        }
        Ok(events)
    }
}

/// Retention ([`Store::purge`]): deletes inside `write` the student events that happened before
/// `before`; an event that does not open or whose time does not parse is kept. Returns how many
/// went.
pub(super) fn purge_student_events(
    write: &redb::WriteTransaction,
    sealer: &Sealer,
    before: OffsetDateTime,
) -> Result<u64, StoreError> {
    let mut events = write.open_table(STUDENT_EVENTS)?;
    let rows: Vec<(u64, String)> = events
        .iter()?
        .map(|e| e.map(|(k, v)| (k.value(), v.value().to_owned())))
        .collect::<Result<_, _>>()?;
    let mut purged = 0;
    for (number, sealed) in rows {
        let at =
            open_json::<StudentEvent>(sealer, STUDENT_EVENTS_NAME, &number.to_string(), &sealed)
                .ok()
                .and_then(|e| {
                    OffsetDateTime::parse(&e.at, &time::format_description::well_known::Rfc3339)
                        .ok()
                });
        if at.is_some_and(|t| t < before) {
            events.remove(number)?;
            purged += 1;
        }
    }
    Ok(purged)
}

/// Re-seals the roster and the student events under `new` inside `write` (a key rotation,
/// [`Store::reseal`]): students are re-keyed by their new token. Refuses, changing nothing, if
/// a record does not open with `old`.
pub fn reseal_students(
    write: &redb::WriteTransaction,
    old: &Sealer,
    new: &Sealer,
) -> Result<(), StoreError> {
    let mut students = write.open_table(STUDENTS)?;
    let rows: Vec<(String, String)> = students
        .iter()?
        .map(|e| e.map(|(k, v)| (k.value().to_owned(), v.value().to_owned())))
        .collect::<Result<_, _>>()?;
    for (key, _) in &rows {
        students.remove(key.as_str())?;
    }
    for (key, sealed) in &rows {
        let student: Student = open_json(old, STUDENTS_NAME, key, sealed)?;
        let token = student_token(new, &student.student_id);
        let json = serde_json::to_string(&student).expect("students serialise");
        let value = new.seal(STUDENTS_NAME, &token, json.as_bytes());
        students.insert(token.as_str(), value.as_str())?;
    }
    let mut guardians = write.open_table(GUARDIANS)?;
    let rows: Vec<(u32, String)> = guardians
        .iter()?
        .map(|e| e.map(|(k, v)| (k.value(), v.value().to_owned())))
        .collect::<Result<_, _>>()?;
    for (number, sealed) in rows {
        let label = number.to_string();
        let plain = old.open(GUARDIANS_NAME, &label, &label, &sealed)?;
        let value = new.seal(GUARDIANS_NAME, &label, &plain);
        guardians.insert(number, value.as_str())?;
    }
    let mut events = write.open_table(STUDENT_EVENTS)?;
    let rows: Vec<(u64, String)> = events
        .iter()?
        .map(|e| e.map(|(k, v)| (k.value(), v.value().to_owned())))
        .collect::<Result<_, _>>()?;
    for (number, sealed) in rows {
        let label = number.to_string();
        let plain = old.open(STUDENT_EVENTS_NAME, &label, &label, &sealed)?;
        let value = new.seal(STUDENT_EVENTS_NAME, &label, &plain);
        events.insert(number, value.as_str())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Key;

    #[test]
    fn a_resealed_roster_and_its_events_open_under_the_new_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.redb");
        let (old_key, new_key) = (Key::generate(), Key::generate());
        let roster = Roster {
            schools: vec!["Lincoln".into()],
            students: vec![Student {
                student_id: "100234".into(),
                given_name: "María".into(),
                middle_name: String::new(),
                family_name: "García".into(),
                grade: "03".into(),
                school: "Lincoln".into(),
                guardians: vec![0],
            }],
            guardians: vec![Guardian {
                given_name: "Ana".into(),
                middle_name: String::new(),
                family_name: "García".into(),
            }],
        };
        let event = StudentEvent {
            at: "2026-11-23T08:40:00-05:00".into(),
            kind: StudentEventKind::LateArrival,
            student_id: "100234".into(),
            grade: "03".into(),
            school: "Lincoln".into(),
            reason: "illness".into(),
            picked_up_by: None,
            operator: None,
        };
        {
            let store = Store::open_with_key(&path, &old_key).unwrap();
            store.replace_roster(&roster, "t").unwrap();
            store.record_student_event(&event).unwrap();
            let (old, new) = (Sealer::new(&old_key), Sealer::new(&new_key));
            let write = store.db().begin_write().unwrap();
            reseal_students(&write, &old, &new).unwrap();
            write
                .open_table(crate::store::schema::META)
                .unwrap()
                .insert(crate::store::schema::META_DATA_KEY_ID, new_key.id())
                .unwrap();
            write.commit().unwrap();
        }
        let store = Store::open_with_key(&path, &new_key).unwrap();
        let record = store.student("100234").unwrap().unwrap();
        assert_eq!(record.guardians[0].given_name, "Ana");
        let day = time::macros::date!(2026 - 11 - 23);
        assert_eq!(store.student_events(day, day).unwrap(), vec![event]);
    }
}
