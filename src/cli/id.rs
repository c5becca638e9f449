//! `vestibule id parse` (docs/interfaces.md).

use std::io::{Read, Write};

use serde::Serialize;
use time::{Date, OffsetDateTime};
use vestibule::identity::{self, Scan};

use super::Refusal;

/// docs/interfaces.md: the JSON `vestibule id parse` prints.
#[derive(Serialize)]
struct ParsedScan<'a> {
    document: &'a str,
    first_name: Option<&'a str>,
    middle_name: Option<&'a str>,
    last_name: Option<&'a str>,
    suffix: Option<&'a str>,
    dob: Option<String>,
    sex: Option<&'a str>,
    document_number_last4: Option<&'a str>,
    issuer: Option<&'a str>,
    expires: Option<String>,
    expired: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name_truncated: Option<bool>,
    /// Only when the card's expiry makes no date (`expired` is then true: the safe reading).
    #[serde(skip_serializing_if = "Option::is_none")]
    expiry_unreadable: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invitation: Option<&'a str>,
}

pub fn parse(today: Date) -> Result<(), Refusal> {
    let mut raw = Vec::new();
    std::io::stdin()
        .read_to_end(&mut raw)
        .map_err(|e| Refusal(format!("cannot read the scan from stdin: {e}")))?;
    let scan = identity::read_scan(&raw, today)?;
    let shown = match &scan {
        Scan::Person(id) => ParsedScan {
            document: id.document.as_str(),
            first_name: Some(&id.first_name),
            middle_name: id.middle_name.as_deref(),
            last_name: Some(&id.last_name),
            suffix: id.suffix.as_deref(),
            dob: Some(iso(id.dob)),
            sex: id.sex.map(|s| s.as_str()),
            document_number_last4: id.document_number_last4.as_deref(),
            issuer: id.issuer.as_deref(),
            expires: id.expires.map(iso),
            expired: Some(id.is_expired(today)),
            name_truncated: id.name_truncated.then_some(true),
            expiry_unreadable: id.expiry_unreadable.then_some(true),
            invitation: None,
        },
        Scan::Invitation(invitation) => ParsedScan {
            document: "prereg",
            first_name: None,
            middle_name: None,
            last_name: None,
            suffix: None,
            dob: None,
            sex: None,
            document_number_last4: None,
            issuer: None,
            expires: None,
            expired: None,
            name_truncated: None,
            expiry_unreadable: None,
            invitation: Some(&invitation.token),
        },
    };
    let json = serde_json::to_string(&shown)?;
    writeln!(std::io::stdout(), "{json}")?;
    Ok(())
}

fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD)"))
}

pub fn local_today() -> Date {
    OffsetDateTime::now_local()
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .date()
}
