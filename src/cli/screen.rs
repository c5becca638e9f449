//! `vestibule screen` (docs/interfaces.md) and `vestibule decision` (staff decisions).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use vestibule::identity::Sex;
use vestibule::screening::{self, Visitor};
use vestibule::store::decisions::Decided;
use vestibule::store::{schema, Flag, Source};

use super::registry::{open_input, open_store, DbArg};
use super::Refusal;

#[derive(Args)]
pub struct ScreenArgs {
    #[command(flatten)]
    db: DbArg,
    /// A CSV of visitors: `query_id,last_name,first_name,middle_name,dob,sex` (optional
    /// `suffix`, `document_last4`); prints one JSON line per visitor, in input order.
    #[arg(long, conflicts_with_all = ["last", "first", "middle", "dob", "sex", "suffix", "doc4"])]
    batch: Option<PathBuf>,
    #[command(flatten)]
    person: PersonArgs,
    /// Print the JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// One visitor on the command line.
#[derive(Args, Clone)]
pub struct PersonArgs {
    #[arg(long)]
    last: Option<String>,
    #[arg(long)]
    first: Option<String>,
    #[arg(long)]
    middle: Option<String>,
    #[arg(long)]
    suffix: Option<String>,
    /// YYYY-MM-DD; leave out when unknown.
    #[arg(long, value_parser = super::id::parse_date)]
    dob: Option<Date>,
    /// M, F or X.
    #[arg(long, value_parser = parse_sex)]
    sex: Option<Sex>,
    /// Last four characters of the visitor's document (part of the key of remembered decisions).
    #[arg(long)]
    doc4: Option<String>,
}

impl PersonArgs {
    fn required_visitor(&self) -> Result<Visitor, Refusal> {
        if self.last.is_none() && self.first.is_none() {
            return Err(Refusal(
                "give the visitor's --last and --first name (or --batch FILE)".into(),
            ));
        }
        Ok(self.visitor())
    }

    fn visitor(&self) -> Visitor {
        Visitor {
            last_name: self.last.clone().unwrap_or_default(),
            first_name: self.first.clone().unwrap_or_default(),
            middle_name: self.middle.clone().unwrap_or_default(),
            suffix: self.suffix.clone().unwrap_or_default(),
            dob: self.dob,
            sex: self.sex,
        }
    }
}

fn parse_sex(text: &str) -> Result<Sex, String> {
    match schema::parse_sex(text) {
        Ok(Some(sex)) => Ok(sex),
        _ => Err(format!("`{text}` is not a sex (M, F or X)")),
    }
}

/// One line of `screen --batch` output (docs/interfaces.md).
#[derive(Serialize)]
struct Answer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    query_id: Option<&'a str>,
    candidates: Vec<Shown<'a>>,
}

#[derive(Serialize)]
struct Shown<'a> {
    record_id: &'a str,
    source: &'static str,
    score: u8,
    reasons: &'a [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    list: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    alias: bool,
}

fn shown(flags: &[Flag]) -> Vec<Shown<'_>> {
    flags
        .iter()
        .map(|f| Shown {
            record_id: &f.candidate.record_id,
            source: f.source.as_str(),
            score: f.candidate.assessment.score,
            reasons: &f.candidate.assessment.reasons,
            list: f.watchlist.as_ref().map(|w| w.list.as_str()),
            action: f.watchlist.as_ref().map(|w| w.action.as_str()),
            alias: f.candidate.alias,
        })
        .collect()
}

pub fn run(args: ScreenArgs, config: Option<&std::path::Path>) -> Result<(), Refusal> {
    let store = super::privacy::open_personal_store(&args.db, config)?;
    let screener = store.screener()?;
    if let Some(batch) = &args.batch {
        return run_batch(&screener, batch);
    }
    let visitor = args.person.required_visitor()?;
    let flags = screener.screen(&visitor, args.person.doc4.as_deref())?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&Answer {
                query_id: None,
                candidates: shown(&flags)
            })?
        );
    } else {
        print_table(&flags);
        print_weighed(&screener.screen_weighed(&visitor)?);
    }
    Ok(())
}

/// The weighed evidence (issue 19), measured beside the score that decides: each record at or
/// above its threshold with the chance it is this visitor and why, in words.
fn print_weighed(weighed: &[(Source, String, vestibule::screening::lr::Weighed)]) {
    if weighed.is_empty() {
        return;
    }
    println!("weighed evidence (beside the score; it does not decide the flag):");
    for (source, record_id, evidence) in weighed {
        println!(
            "{:>5.1}%  {:<10} {:<14} {}",
            100.0 * evidence.probability(),
            source.as_str(),
            record_id,
            evidence.words.join(", ")
        );
    }
}

fn print_table(flags: &[Flag]) {
    if flags.is_empty() {
        println!("no match: the kiosk would let this visitor through");
        return;
    }
    println!(
        "{} record(s) flagged for staff review, best first:",
        flags.len()
    );
    for flag in flags {
        let row = &flag.candidate.name;
        let what = match &flag.watchlist {
            Some(w) => format!("watchlist {} ({})", w.list, w.action),
            None => "registry".to_owned(),
        };
        println!(
            "{:>4}  {:<20} {:<14} {}, {} {} {}  born {}  [{}]",
            flag.candidate.assessment.score,
            what,
            flag.candidate.record_id,
            row.last_name,
            row.first_name,
            row.middle_name,
            row.suffix,
            row.dob.map(schema::iso).unwrap_or_else(|| "unknown".into()),
            flag.candidate.assessment.reasons.join(" ")
        );
        if !flag.details.is_empty() {
            let details: Vec<String> = flag
                .details
                .iter()
                .map(|(column, value)| format!("{column}: {value}"))
                .collect();
            println!("      {}", details.join("; "));
        }
        if let Some(w) = flag.watchlist.as_ref().filter(|w| !w.note.is_empty()) {
            println!("      note: {}", w.note);
        }
    }
}

fn run_batch(screener: &vestibule::store::Screener, file: &std::path::Path) -> Result<(), Refusal> {
    use std::io::Write;
    let mut csv = csv::Reader::from_reader(open_input(file)?);
    let headers = csv
        .headers()
        .map_err(|e| Refusal(format!("{}: {e}", file.display())))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let mut columns = Vec::new();
    for name in [
        "query_id",
        "last_name",
        "first_name",
        "middle_name",
        "dob",
        "sex",
    ] {
        columns.push(
            column(name)
                .ok_or_else(|| Refusal(format!("line 1: the header has no `{name}` column")))?,
        );
    }
    let (suffix, doc4) = (column("suffix"), column("document_last4"));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut record = csv::StringRecord::new();
    loop {
        let more = csv.read_record(&mut record).map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            Refusal(format!("line {line}: {}", e.to_string().replace('\n', " ")))
        })?;
        if !more {
            break;
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let field = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        let dob_text = field(Some(columns[4]));
        let dob =
            if dob_text.is_empty() {
                None
            } else {
                Some(schema::parse_iso(&dob_text).ok_or_else(|| {
                    Refusal(format!("line {line}: `dob` is not a date (YYYY-MM-DD)"))
                })?)
            };
        let sex = schema::parse_sex(&field(Some(columns[5])))
            .map_err(|_| Refusal(format!("line {line}: `sex` must be M, F, X or empty")))?;
        let visitor = Visitor {
            last_name: field(Some(columns[1])),
            first_name: field(Some(columns[2])),
            middle_name: field(Some(columns[3])),
            suffix: field(suffix),
            dob,
            sex,
        };
        let document = field(doc4);
        let flags = screener.screen(
            &visitor,
            (!document.is_empty()).then_some(document.as_str()),
        )?;
        let query_id = field(Some(columns[0]));
        let answer = Answer {
            query_id: Some(&query_id),
            candidates: shown(&flags),
        };
        writeln!(out, "{}", serde_json::to_string(&answer)?)?;
    }
    out.flush()?;
    Ok(())
}

#[derive(Subcommand)]
pub enum DecisionCommand {
    /// Remember that a flagged record is not this visitor: it will not flag them again.
    NotAMatch {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        person: PersonArgs,
        /// `registry` or `watchlist`.
        #[arg(long, default_value = "registry", value_parser = ["registry", "watchlist"])]
        source: String,
        /// The record_id (registry) or entry_id (watchlist) staff cleared.
        #[arg(long)]
        record: String,
        /// Who decided (kept in the audit trail).
        #[arg(long, default_value = "staff")]
        by: String,
    },
    /// Forget every decision about this visitor.
    Reset {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        person: PersonArgs,
        #[arg(long, default_value = "staff")]
        by: String,
    },
    /// Print the audit trail of decisions, one JSON object per line.
    Audit {
        #[command(flatten)]
        db: DbArg,
    },
}

pub fn decide(command: DecisionCommand, config: Option<&std::path::Path>) -> Result<(), Refusal> {
    let now = OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339)?;
    match command {
        DecisionCommand::NotAMatch {
            db,
            person,
            source,
            record,
            by,
        } => {
            let store = super::privacy::open_personal_store(&db, config)?;
            let key = screening::identity_key(&person.required_visitor()?, person.doc4.as_deref());
            let source = Source::parse(&source).unwrap_or(Source::Registry);
            store.remember_not_a_match(&key, source, &record, &Decided { at: &now, by: &by })?;
            println!(
                "remembered: {} {record} is not this visitor",
                source.as_str()
            );
        }
        DecisionCommand::Reset { db, person, by } => {
            let store = super::privacy::open_personal_store(&db, config)?;
            let key = screening::identity_key(&person.required_visitor()?, person.doc4.as_deref());
            let forgotten = store.forget_decisions(&key, &Decided { at: &now, by: &by })?;
            println!("forgot {forgotten} decision(s) about this visitor");
        }
        DecisionCommand::Audit { db } => {
            for line in open_store(&db)?.audit_lines()? {
                println!("{line}");
            }
        }
    }
    Ok(())
}
