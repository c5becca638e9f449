//! `vestibule report`: visits, flags, decisions and students over a range of days as CSV, JSON
//! or PDF, and `report daily`, the one-page PDF summary of a day. The edge: it opens the store
//! with the data key, reads visits, the audit trail, the watchlists' lists and student events,
//! and hands plain facts (no names) to [`vestibule::report`].
//!
//! A kiosk database is one school's: `--school` naming another school gives an empty report
//! (and says so on stderr), so a district script can ask every kiosk the same question.
//! CSV and JSON go to stdout; a PDF goes to `--out`, or to stdout when that is not a terminal.
//! A file named by `--out` is written whole or not at all.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde_json::Value;
use time::Date;
use vestibule::config::Config;
use vestibule::report::format::TextReport;
use vestibule::report::load::{self, Facts, Needs};
use vestibule::report::{
    self, format, pdf, DailySummary, DecisionsReport, FlagsReport, Period, StudentsReport,
    VisitsReport,
};

use super::id::parse_date;
use super::registry::DbArg;
use super::Refusal;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Visits per day and hour, by type, time in building, never signed out, no ID.
    Visits(RangeArgs),
    /// Screening flags per day by source and list, and each flag (record ids, no names).
    Flags(RangeArgs),
    /// Staff decisions per day by outcome and operator, and each decision (no names).
    Decisions(RangeArgs),
    /// Student late arrivals and early dismissals per day, by grade and reason.
    Students(RangeArgs),
    /// The one-page PDF summary of a day, with a chart of visits per hour.
    Daily(DailyArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Json,
    Pdf,
}

#[derive(Args)]
pub struct RangeArgs {
    #[command(flatten)]
    db: DbArg,
    /// First day (YYYY-MM-DD, the kiosk's local day).
    #[arg(long, value_parser = parse_date)]
    from: Date,
    /// Last day, included.
    #[arg(long, value_parser = parse_date)]
    to: Date,
    /// Only this school (a kiosk database is one school's: another name gives an empty report).
    #[arg(long)]
    school: Option<String>,
    /// CSV (headers in docs/reports.md), JSON, or a PDF to print or e-mail.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Write here instead of stdout (needed for PDF on a terminal).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
pub struct DailyArgs {
    #[command(flatten)]
    db: DbArg,
    /// The day (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    date: Date,
    #[arg(long)]
    school: Option<String>,
    /// The PDF file (stdout when omitted and stdout is not a terminal).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run(command: ReportCommand, config: Option<&Path>) -> Result<(), Refusal> {
    let config = Config::load(config, std::env::vars())?;
    let school = config.school.name.clone();
    match command {
        ReportCommand::Daily(args) => {
            let period = Period::day(args.date);
            let facts = facts(
                &args.db,
                &config,
                args.school.as_deref(),
                period,
                Needs::ALL,
            )?;
            let summary = DailySummary::new(
                &school,
                args.date,
                &facts.visits,
                &facts.audit,
                &facts.students,
            );
            emit(&pdf::daily(&summary), args.out.as_deref(), true)
        }
        ReportCommand::Visits(args) => range(args, &config, Kind::Visits),
        ReportCommand::Flags(args) => range(args, &config, Kind::Flags),
        ReportCommand::Decisions(args) => range(args, &config, Kind::Decisions),
        ReportCommand::Students(args) => range(args, &config, Kind::Students),
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Visits,
    Flags,
    Decisions,
    Students,
}

fn range(args: RangeArgs, config: &Config, kind: Kind) -> Result<(), Refusal> {
    let period = Period::new(args.from, args.to)?;
    let needs = Needs {
        visits: matches!(kind, Kind::Visits),
        audit: matches!(kind, Kind::Flags | Kind::Decisions),
        students: matches!(kind, Kind::Students),
    };
    let facts = facts(&args.db, config, args.school.as_deref(), period, needs)?;
    let school = &config.school.name;
    let bytes = match kind {
        Kind::Visits => render(
            &VisitsReport::new(school, period, &facts.visits),
            args.format,
            (format::visits_csv, format::visits_json, format::visits_text),
        ),
        Kind::Flags => render(
            &FlagsReport::new(school, period, &facts.audit.flags),
            args.format,
            (format::flags_csv, format::flags_json, format::flags_text),
        ),
        Kind::Decisions => render(
            &DecisionsReport::new(school, period, &facts.audit.decisions),
            args.format,
            (
                format::decisions_csv,
                format::decisions_json,
                format::decisions_text,
            ),
        ),
        Kind::Students => render(
            &StudentsReport::new(school, period, &facts.students),
            args.format,
            (
                format::students_csv,
                format::students_json,
                format::students_text,
            ),
        ),
    };
    emit(&bytes, args.out.as_deref(), args.format == Format::Pdf)
}

/// A report's CSV, JSON and PDF writers.
type Writers<R> = (fn(&R) -> String, fn(&R) -> Value, fn(&R) -> TextReport);

/// `report` in `format`.
fn render<R>(report: &R, format: Format, (csv, json, text): Writers<R>) -> Vec<u8> {
    match format {
        Format::Csv => csv(report).into_bytes(),
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&json(report)).expect("reports serialise");
            text.push('\n');
            text.into_bytes()
        }
        Format::Pdf => pdf::text(&text(report)),
    }
}

/// Reads what `needs` asks for out of the database, or nothing when `--school` names another
/// school than this database's.
fn facts(
    db: &DbArg,
    config: &Config,
    asked: Option<&str>,
    period: Period,
    needs: Needs,
) -> Result<Facts, Refusal> {
    if !db.path.exists() {
        return Err(Refusal(format!(
            "database {}: no such file",
            db.path.display()
        )));
    }
    let store = super::privacy::open_with(db, config)?;
    if !report::covers_school(&config.school.name, asked) {
        eprintln!(
            "vestibule: this database is {}'s, not {}: the report is empty",
            config.school.name,
            asked.unwrap_or_default().trim()
        );
        return Ok(Facts::default());
    }
    Ok(load::facts(&store, period, needs)?)
}

/// Writes the report to `out` (whole or not at all), or to stdout. A PDF is not written to a
/// terminal.
fn emit(bytes: &[u8], out: Option<&Path>, binary: bool) -> Result<(), Refusal> {
    let Some(path) = out else {
        let mut stdout = std::io::stdout().lock();
        if binary && stdout.is_terminal() {
            return Err(Refusal(
                "a PDF is not written to a terminal: give --out FILE.pdf or pipe it".into(),
            ));
        }
        return stdout
            .write_all(bytes)
            .and_then(|()| stdout.flush())
            .map_err(|e| Refusal(format!("cannot write the report: {e}")));
    };
    let name = path
        .file_name()
        .ok_or_else(|| Refusal(format!("--out {}: not a file name", path.display())))?;
    let mut partial = name.to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = path.with_file_name(partial);
    let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        Refusal(format!("cannot write {}: {e}", path.display()))
    })
}
