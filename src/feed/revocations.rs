//! The revocation list: invitations revoked anywhere in the district, shared with every kiosk
//! through the signed feed.
//!
//! An invitation token verifies at any kiosk (it is signed with the fleet key), so a revocation
//! must reach every kiosk too. `prereg revocations` exports a database's revocations as this
//! CSV; `registry publish --revocations` checks it, writes it canonically (sorted by id, one row
//! an invitation) beside the snapshot and puts its size and SHA-256 into the signed manifest;
//! `registry sync` reads it back with the same reader after the hash matched.
//!
//! ```text
//! invitation_id,revoked_at,reason
//! 00000000000000ab,2026-11-24T09:00:00-05:00,safety
//! ```
//!
//! Only the id, when and a reason code: nothing about the invited person or the operator.
//! Pure: readers and writers in, values out; errors name the file, line and field and never
//! quote a value.

use std::io::{Read, Write};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::prereg::InvitationId;
use crate::store::invitations::{RevocationReason, SharedRevocation};

/// The columns, in the order written; read by name, in any order, others ignored.
pub const COLUMNS: [&str; 3] = ["invitation_id", "revoked_at", "reason"];

/// Why a revocation list was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ListError {
    #[error("{file}: line {line}: field `{field}`: {reason}")]
    Field {
        file: String,
        line: u64,
        field: &'static str,
        reason: &'static str,
    },
    #[error("{file}: line {line}: {reason}")]
    Row {
        file: String,
        line: u64,
        reason: String,
    },
}

/// Reads a revocation list; `file` names it in errors. The result is sorted by id with one
/// entry an invitation (the earliest revocation when a list names one twice).
pub fn read(input: impl Read, file: &str) -> Result<Vec<SharedRevocation>, ListError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(input);
    let row_error = |e: csv::Error| ListError::Row {
        file: file.to_owned(),
        line: e.position().map_or(0, |p| p.line()),
        reason: match e.kind() {
            csv::ErrorKind::UnequalLengths { .. } => {
                "the row has another number of fields than the header".into()
            }
            csv::ErrorKind::Utf8 { .. } => "not UTF-8".into(),
            csv::ErrorKind::Io(io) => format!("cannot read ({io})"),
            _ => "not CSV".into(),
        },
    };
    let header: Vec<String> = csv
        .headers()
        .map_err(row_error)?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let mut positions = [0usize; 3];
    for (position, column) in positions.iter_mut().zip(COLUMNS) {
        *position = header
            .iter()
            .position(|h| h == column)
            .ok_or_else(|| ListError::Field {
                file: file.to_owned(),
                line: 1,
                field: column,
                reason: "missing column",
            })?;
    }
    let mut list: Vec<(SharedRevocation, Option<OffsetDateTime>)> = Vec::new();
    let mut record = csv::StringRecord::new();
    while csv.read_record(&mut record).map_err(row_error)? {
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(positions[i]).unwrap_or("");
        let bad = |field: &'static str, reason: &'static str| ListError::Field {
            file: file.to_owned(),
            line,
            field,
            reason,
        };
        let id: InvitationId = field(0)
            .parse()
            .map_err(|_| bad(COLUMNS[0], "not an invitation id (16 hex digits)"))?;
        let at = field(1);
        let when = match at {
            "" => None,
            text => Some(
                OffsetDateTime::parse(text, &Rfc3339)
                    .map_err(|_| bad(COLUMNS[1], "not an RFC 3339 time (or empty: unknown)"))?,
            ),
        };
        let reason = match field(2) {
            "" => RevocationReason::Unspecified,
            text => text.parse().map_err(|_| {
                bad(
                    COLUMNS[2],
                    "not a reason code (unspecified, cancelled, safety, issued-in-error)",
                )
            })?,
        };
        let entry = SharedRevocation {
            id,
            at: at.to_owned(),
            reason,
        };
        list.push((entry, when));
    }
    Ok(canonical(list))
}

/// Sorted by id, one entry an id: the earliest known time wins, then the first listed.
fn canonical(mut list: Vec<(SharedRevocation, Option<OffsetDateTime>)>) -> Vec<SharedRevocation> {
    // Stable sort: among equal ids and times, the first listed stays first. A known time sorts
    // before an unknown one (`None` last).
    list.sort_by(|(a, at), (b, bt)| {
        a.id.0.cmp(&b.id.0).then_with(|| match (at, bt) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
    });
    list.dedup_by(|later, kept| later.0.id == kept.0.id);
    list.into_iter().map(|(entry, _)| entry).collect()
}

/// Writes `list` as a revocation list, in the order given. An `at` that is not RFC 3339 (a
/// damaged stored revocation) is written empty: unknown, still revoked.
pub fn write(list: &[SharedRevocation], out: impl Write) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(COLUMNS)?;
    for entry in list {
        let at = if OffsetDateTime::parse(&entry.at, &Rfc3339).is_ok() {
            entry.at.as_str()
        } else {
            ""
        };
        csv.write_record([entry.id.to_string().as_str(), at, entry.reason.as_str()])?;
    }
    csv.flush()
}

/// The canonical bytes of `list` (sorted, one row an id), as published.
pub fn canonical_bytes(list: &[SharedRevocation]) -> Vec<u8> {
    let mut sorted = list.to_vec();
    sorted.sort_by_key(|e| e.id.0);
    sorted.dedup_by_key(|e| e.id.0);
    let mut bytes = Vec::new();
    write(&sorted, &mut bytes).expect("writing to memory does not fail");
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, at: &str, reason: RevocationReason) -> SharedRevocation {
        SharedRevocation {
            id: InvitationId(id),
            at: at.into(),
            reason,
        }
    }

    #[test]
    fn a_list_reads_sorted_with_one_entry_an_invitation_and_writes_back() {
        let text = "\u{feff}reason,invitation_id,revoked_at,note\n\
            safety,00000000000000B2,2026-11-24T09:00:00-05:00,x\n\
            ,00000000000000a1,,\n\
            cancelled,00000000000000b2,2026-11-23T09:00:00-05:00,\n";
        let list = read(text.as_bytes(), "revoked.csv").unwrap();
        assert_eq!(
            list,
            vec![
                entry(0xa1, "", RevocationReason::Unspecified),
                entry(
                    0xb2,
                    "2026-11-23T09:00:00-05:00",
                    RevocationReason::Cancelled
                ),
            ]
        );
        let bytes = canonical_bytes(&list);
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "invitation_id,revoked_at,reason\n00000000000000a1,,unspecified\n\
             00000000000000b2,2026-11-23T09:00:00-05:00,cancelled\n"
        );
        assert_eq!(read(&bytes[..], "again").unwrap(), list);
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_field_never_the_value() {
        let header = "invitation_id,revoked_at,reason\n";
        let good = "00000000000000a1,2026-11-24T09:00:00Z,safety\n";
        let cases = [
            (
                format!("{header}{good}0000zz,2026-11-24T09:00:00Z,safety\n"),
                "revoked.csv: line 3: field `invitation_id`: not an invitation id (16 hex digits)",
            ),
            (
                format!("{header}{good}00000000000000a2,yesterday,safety\n"),
                "revoked.csv: line 3: field `revoked_at`: not an RFC 3339 time (or empty: unknown)",
            ),
            (
                format!("{header}00000000000000a2,2026-11-24T09:00:00Z,Ms Smith said so\n"),
                "revoked.csv: line 2: field `reason`: not a reason code (unspecified, cancelled, safety, issued-in-error)",
            ),
            (
                "invitation_id,reason\n00000000000000a2,safety\n".to_owned(),
                "revoked.csv: line 1: field `revoked_at`: missing column",
            ),
            (
                format!("{header}{good}00000000000000a2,2026-11-24T09:00:00Z\n"),
                "revoked.csv: line 3: the row has another number of fields than the header",
            ),
        ];
        for (text, expected) in cases {
            let error = read(text.as_bytes(), "revoked.csv").unwrap_err();
            assert_eq!(error.to_string(), expected);
            assert!(!error.to_string().contains("Smith"));
        }
    }

    #[test]
    fn a_damaged_time_is_written_as_unknown() {
        let mut bytes = Vec::new();
        write(&[entry(1, "garbage", RevocationReason::Safety)], &mut bytes).unwrap();
        let list = read(&bytes[..], "x").unwrap();
        assert_eq!(list, vec![entry(1, "", RevocationReason::Safety)]);
    }
}
