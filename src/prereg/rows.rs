//! The two CSV files staff hand in: invitations to issue (`prereg import`) and an event's
//! attendee list (`event badges`). Every row is checked before anything is issued or printed,
//! and a bad row is named by its line and field, never by its contents.
//!
//! Invitations: `last_name,first_name,middle_name,dob,sex,valid_from,valid_to,purpose,destination,event`
//! (`last_name`, `first_name`, `valid_from` required; an empty `valid_to` is `valid_from`,
//! an empty `purpose` is `visitor`, an empty `destination` is `office`).
//! Attendees: `last_name,first_name` required, `middle_name,dob,sex` optional; other columns
//! (an e-mail address, a ticket number) are ignored.

use std::io::Read;

use time::Date;

use super::{Invitation, InvitationError, InvitationId, InvitedPerson};
use crate::store::schema::{parse_iso, parse_sex};

/// Why a CSV file is refused. `line` counts from 1 with the header.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error("line {line}: field `{field}`: {reason}")]
    Field {
        line: u64,
        field: &'static str,
        reason: String,
    },
    #[error("line {line}: {reason}")]
    Row { line: u64, reason: String },
    #[error("the header lacks the column `{0}`")]
    MissingColumn(&'static str),
    #[error("no rows after the header")]
    Empty,
}

/// One invitation to issue, as read from a row; the edge gives it its random id.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Draft {
    /// The file line the row came from.
    pub line: u64,
    pub person: InvitedPerson,
    pub valid_from: Date,
    pub valid_to: Date,
    pub purpose: String,
    pub destination: String,
    pub event: Option<String>,
}

impl Draft {
    pub fn with_id(&self, id: InvitationId) -> Invitation {
        Invitation {
            id,
            person: self.person.clone(),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            purpose: self.purpose.clone(),
            destination: self.destination.clone(),
            event: self.event.clone(),
        }
    }
}

/// One attendee of an event.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Attendee {
    pub line: u64,
    pub person: InvitedPerson,
}

const INVITATION_COLUMNS: [&str; 10] = [
    "last_name",
    "first_name",
    "middle_name",
    "dob",
    "sex",
    "valid_from",
    "valid_to",
    "purpose",
    "destination",
    "event",
];

/// Reads every invitation row; the first bad one refuses the whole file.
pub fn invitations(input: impl Read) -> Result<Vec<Draft>, RowError> {
    let mut table = Table::open(input, &INVITATION_COLUMNS[..2])?;
    let mut drafts = Vec::new();
    while let Some(row) = table.next_row()? {
        let person = row.person()?;
        let valid_from = row
            .date("valid_from")?
            .ok_or_else(|| row.field("valid_from", "required"))?;
        let valid_to = row.date("valid_to")?.unwrap_or(valid_from);
        let purpose = row.text("purpose").unwrap_or("visitor").to_owned();
        let destination = row.text("destination").unwrap_or("office").to_owned();
        let event = row.text("event").map(str::to_owned);
        let draft = Draft {
            line: row.line,
            person,
            valid_from,
            valid_to,
            purpose,
            destination,
            event,
        };
        draft
            .with_id(InvitationId(0))
            .check()
            .map_err(|e| match e {
                InvitationError::Invalid(reason) => RowError::Row {
                    line: row.line,
                    reason: reason.to_owned(),
                },
                other => RowError::Row {
                    line: row.line,
                    reason: other.to_string(),
                },
            })?;
        drafts.push(draft);
    }
    if drafts.is_empty() {
        return Err(RowError::Empty);
    }
    Ok(drafts)
}

/// Reads every attendee row; the first bad one refuses the whole file.
pub fn attendees(input: impl Read) -> Result<Vec<Attendee>, RowError> {
    let mut table = Table::open(input, &INVITATION_COLUMNS[..2])?;
    let mut people = Vec::new();
    while let Some(row) = table.next_row()? {
        let person = row.person()?;
        people.push(Attendee {
            line: row.line,
            person,
        });
    }
    if people.is_empty() {
        return Err(RowError::Empty);
    }
    Ok(people)
}

struct Table<R> {
    reader: csv::Reader<R>,
    columns: Vec<(String, usize)>,
}

struct Row<'a> {
    line: u64,
    record: csv::StringRecord,
    columns: &'a [(String, usize)],
}

impl<R: Read> Table<R> {
    fn open(input: R, required: &[&'static str]) -> Result<Self, RowError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(input);
        let header = reader.headers().map_err(|e| RowError::Row {
            line: 1,
            reason: csv_reason(&e),
        })?;
        let columns: Vec<(String, usize)> = header
            .iter()
            .enumerate()
            .map(|(i, name)| (name.trim_start_matches('\u{feff}').to_ascii_lowercase(), i))
            .collect();
        if let Some(missing) = required
            .iter()
            .find(|c| !columns.iter().any(|(name, _)| name == *c))
        {
            return Err(RowError::MissingColumn(missing));
        }
        Ok(Table { reader, columns })
    }

    fn next_row(&mut self) -> Result<Option<Row<'_>>, RowError> {
        let mut record = csv::StringRecord::new();
        let more = self
            .reader
            .read_record(&mut record)
            .map_err(|e| RowError::Row {
                line: e.position().map_or(0, |p| p.line()),
                reason: csv_reason(&e),
            })?;
        if !more {
            return Ok(None);
        }
        let line = record.position().map_or(0, |p| p.line());
        Ok(Some(Row {
            line,
            record,
            columns: &self.columns,
        }))
    }
}

/// The csv crate's message without any of the row's contents.
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8".into(),
        _ => "not CSV".into(),
    }
}

impl Row<'_> {
    fn text(&self, column: &str) -> Option<&str> {
        let index = self.columns.iter().find(|(c, _)| c == column)?.1;
        self.record.get(index).filter(|v| !v.is_empty())
    }

    fn field(&self, field: &'static str, reason: &str) -> RowError {
        RowError::Field {
            line: self.line,
            field,
            reason: reason.to_owned(),
        }
    }

    fn date(&self, field: &'static str) -> Result<Option<Date>, RowError> {
        self.text(field)
            .map(|t| parse_iso(t).ok_or_else(|| self.field(field, "not a date (YYYY-MM-DD)")))
            .transpose()
    }

    fn person(&self) -> Result<InvitedPerson, RowError> {
        let name = |field: &'static str| -> Result<String, RowError> {
            let text = self.text(field).unwrap_or("");
            if text.len() > super::token::MAX_NAME || text.chars().any(char::is_control) {
                return Err(self.field(field, "longer than 35 bytes or has control characters"));
            }
            Ok(text.to_owned())
        };
        let (last_name, first_name) = (name("last_name")?, name("first_name")?);
        if last_name.is_empty() {
            return Err(self.field("last_name", "required"));
        }
        if first_name.is_empty() {
            return Err(self.field("first_name", "required"));
        }
        let sex = parse_sex(self.text("sex").unwrap_or(""))
            .map_err(|_| self.field("sex", "must be M, F, X or empty"))?;
        Ok(InvitedPerson {
            last_name,
            first_name,
            middle_name: name("middle_name")?,
            dob: self.date("dob")?,
            sex,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "last_name,first_name,middle_name,dob,sex,valid_from,valid_to,purpose,destination,event\n";

    #[test]
    fn invitation_rows_take_their_defaults() {
        let csv = format!("{HEADER}Lovelace,Ada,,1985-12-10,F,2026-12-01,,,,\nBabbage,Charles,,,,2026-12-01,2026-12-05,volunteer,library,Book fair\n");
        let drafts = invitations(csv.as_bytes()).unwrap();
        assert_eq!(drafts.len(), 2);
        assert_eq!((drafts[0].line, drafts[1].line), (2, 3));
        assert_eq!(drafts[0].valid_to, drafts[0].valid_from);
        assert_eq!(
            (drafts[0].purpose.as_str(), drafts[0].destination.as_str()),
            ("visitor", "office")
        );
        assert_eq!(drafts[1].event.as_deref(), Some("Book fair"));
    }

    #[test]
    fn a_bad_row_is_named_by_line_and_field_without_its_contents() {
        let csv = format!("{HEADER}Lovelace,Ada,,1985-12-10,F,2026-12-01,,,,\nSecret,Name,,12/10/1985,,2026-12-01,,,,\n");
        let err = invitations(csv.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 3: field `dob`: not a date (YYYY-MM-DD)"
        );
        let csv = format!("{HEADER}Secret,Name,,,Q,2026-12-01,,,,\n");
        assert_eq!(
            invitations(csv.as_bytes()).unwrap_err().to_string(),
            "line 2: field `sex`: must be M, F, X or empty"
        );
        let csv = format!("{HEADER}Secret,Name,,,,2026-12-05,2026-12-01,,,\n");
        let err = invitations(csv.as_bytes()).unwrap_err().to_string();
        assert!(
            err.starts_with("line 2:") && !err.contains("Secret"),
            "{err}"
        );
        let csv = format!("{HEADER}Secret,Name,,,\n");
        let err = invitations(csv.as_bytes()).unwrap_err().to_string();
        assert!(
            err.starts_with("line 2:") && !err.contains("Secret"),
            "{err}"
        );
    }

    #[test]
    fn attendee_lists_need_only_names_and_ignore_other_columns() {
        let csv = "email,first_name,last_name\na@example.org,Ada,Lovelace\n";
        let people = attendees(csv.as_bytes()).unwrap();
        assert_eq!(people[0].person.last_name, "Lovelace");
        assert_eq!(
            attendees("first_name\nAda\n".as_bytes()).unwrap_err(),
            RowError::MissingColumn("last_name")
        );
        assert_eq!(
            attendees("last_name,first_name\n".as_bytes()).unwrap_err(),
            RowError::Empty
        );
    }
}
