//! The one edge of the reports: their facts read out of a [`Store`] (opened with the data key),
//! shared by `vestibule report` and the staff screen. Everything else under `report` is pure.
//!
//! Names stop here: visits lose the visitor's name ([`VisitFact::from_stored`]), student
//! events the student and the adult, watchlist rows everything but their list.

use std::collections::HashMap;

use redb::ReadableTable;
use time::Date;

use super::facts::{AuditFacts, StudentFact, VisitFact};
use super::{DailySummary, Period};
use crate::store::{schema, Store, StoreError};

/// Which facts a report needs (reading the audit trail or unsealing visits costs time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needs {
    pub visits: bool,
    pub audit: bool,
    pub students: bool,
}

impl Needs {
    pub const ALL: Needs = Needs {
        visits: true,
        audit: true,
        students: true,
    };
}

/// The facts of one database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Every visit (the reports pick their days).
    pub visits: Vec<VisitFact>,
    /// Every flag and decision of the audit trail.
    pub audit: AuditFacts,
    /// The student events of `period`.
    pub students: Vec<StudentFact>,
}

/// Reads what `needs` asks for.
pub fn facts(store: &Store, period: Period, needs: Needs) -> Result<Facts, StoreError> {
    let mut facts = Facts::default();
    if needs.visits {
        facts.visits = store
            .visits()?
            .iter()
            .filter_map(VisitFact::from_stored)
            .collect();
    }
    if needs.audit {
        let lines = store.audit_lines()?;
        let lists = watchlist_lists(store)?;
        facts.audit = AuditFacts::read(lines.iter().map(String::as_str), &lists);
    }
    if needs.students {
        facts.students = store
            .student_events(period.from, period.to)?
            .iter()
            .filter_map(StudentFact::from_event)
            .collect();
    }
    Ok(facts)
}

/// The summary of `date` for `school` (the config's `[school] name`): what the daily PDF
/// prints and the staff screen shows.
pub fn daily_summary(store: &Store, school: &str, date: Date) -> Result<DailySummary, StoreError> {
    let facts = facts(store, Period::day(date), Needs::ALL)?;
    Ok(DailySummary::new(
        school,
        date,
        &facts.visits,
        &facts.audit,
        &facts.students,
    ))
}

/// Each watchlist entry id's list (`custody`, `banned` ...), for flags.
fn watchlist_lists(store: &Store) -> Result<HashMap<String, String>, StoreError> {
    let read = store.begin_read()?;
    let table = match read.open_table(schema::WATCHLIST) {
        Ok(t) => t,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(HashMap::new()),
        Err(e) => return Err(e.into()),
    };
    let mut lists = HashMap::new();
    for entry in table.iter()? {
        let (_, bytes) = entry?;
        if let Some((row, extra)) = schema::decode_row(bytes.value()) {
            if let Some(list) = extra.into_iter().next() {
                lists.insert(row.record_id, list);
            }
        }
    }
    Ok(lists)
}
