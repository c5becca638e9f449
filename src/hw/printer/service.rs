//! The printer service: one badge page in, one [`PrintOutcome`] out, and a print never
//! silently vanishes.
//!
//! For a Brother QL the service asks for the printer's status before the job (paper out,
//! cover open, wrong labels: the job is not sent) and listens for the printer's own
//! "printing completed" or "error occurred" notification after it (the job turns them on).
//! If none comes within the print timeout it asks once more; a printer that stays silent is
//! [`PrinterProblem::Unconfirmed`]. DYMO and ZPL printers are sent the job and trusted: their
//! protocols as used here have no status reply.

use std::fmt;
use std::time::{Duration, Instant};

use super::brother::{self, Attention, Media, Report, Status};
use super::link::PrinterLink;
use super::{EncodeError, PrinterKind};
use crate::badge::Bitmap1;

/// What became of one print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrintOutcome {
    /// The printer took the job (and, where it can say so, printed it).
    Printed,
    /// The badge did not print; the kiosk says the printer needs attention and alerts staff.
    NeedsAttention(PrinterProblem),
}

/// Why a badge did not print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrinterProblem {
    /// The printer's status says so (paper out, cover open, wrong media, jam, fault).
    Printer(Attention),
    /// A Brother that does not answer a status request (off, unplugged, or not a QL).
    NoStatus,
    /// The job was sent but the printer never confirmed it printed.
    Unconfirmed,
    /// The device or network link failed; the message names the device.
    Link(String),
    /// The page does not fit the configured label (a bug or a config mismatch).
    Encode(EncodeError),
}

impl PrinterProblem {
    /// A short stable id for logs, alerts and `hardware.jsonl`.
    pub fn id(&self) -> &'static str {
        match self {
            PrinterProblem::Printer(Attention::PaperOut) => "paper-out",
            PrinterProblem::Printer(Attention::CoverOpen) => "cover-open",
            PrinterProblem::Printer(Attention::WrongMedia { .. }) => "wrong-media",
            PrinterProblem::Printer(Attention::Jammed) => "jammed",
            PrinterProblem::Printer(Attention::Fault(_)) => "printer-fault",
            PrinterProblem::NoStatus => "no-status",
            PrinterProblem::Unconfirmed => "unconfirmed",
            PrinterProblem::Link(_) => "offline",
            PrinterProblem::Encode(_) => "page-size",
        }
    }
}

impl fmt::Display for PrinterProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterProblem::Printer(Attention::PaperOut) => {
                f.write_str("the printer is out of labels")
            }
            PrinterProblem::Printer(Attention::CoverOpen) => {
                f.write_str("the printer's cover is open")
            }
            PrinterProblem::Printer(Attention::WrongMedia { loaded, wanted }) => {
                write!(
                    f,
                    "the printer has {loaded:?} loaded but badges need {wanted:?}"
                )
            }
            PrinterProblem::Printer(Attention::Jammed) => f.write_str("the printer is jammed"),
            PrinterProblem::Printer(Attention::Fault(fault)) => {
                write!(f, "the printer reports a fault: {fault:?}")
            }
            PrinterProblem::NoStatus => f.write_str("the printer does not answer"),
            PrinterProblem::Unconfirmed => {
                f.write_str("the printer never confirmed the badge printed")
            }
            PrinterProblem::Link(message) => write!(f, "cannot reach the printer: {message}"),
            PrinterProblem::Encode(e) => write!(f, "the badge does not fit the label: {e}"),
        }
    }
}

/// How long the service waits for the printer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// For a status reply.
    pub status: Duration,
    /// For "printing completed" after the job is sent.
    pub print: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            status: Duration::from_secs(2),
            print: Duration::from_secs(15),
        }
    }
}

/// A printer on a link, printing badge pages.
pub struct PrinterService<L: PrinterLink> {
    link: L,
    kind: PrinterKind,
    timeouts: Timeouts,
    check_status: bool,
}

impl<L: PrinterLink> PrinterService<L> {
    /// Status checks are on for Brother printers; see [`PrinterService::check_status`].
    pub fn new(link: L, kind: PrinterKind, timeouts: Timeouts) -> Self {
        PrinterService {
            link,
            kind,
            timeouts,
            check_status: kind.brother_media().is_some(),
        }
    }

    /// Turns Brother status checks off (a printer behind a one-way link such as a plain
    /// file). Has no effect on printers without a status protocol.
    pub fn check_status(mut self, on: bool) -> Self {
        self.check_status = on && self.kind.brother_media().is_some();
        self
    }

    /// The link, e.g. to inspect a test double.
    pub fn link(&self) -> &L {
        &self.link
    }

    /// Asks a Brother for its status now.
    pub fn status(&mut self) -> Result<Status, PrinterProblem> {
        let mut request = brother::status_preamble();
        request.extend_from_slice(&brother::STATUS_REQUEST);
        let reply = self
            .link
            .query(&request, 32, self.timeouts.status)
            .map_err(|e| PrinterProblem::Link(e.to_string()))?
            .ok_or(PrinterProblem::NoStatus)?;
        Status::parse(&reply).map_err(|_| PrinterProblem::NoStatus)
    }

    /// Prints one page.
    pub fn print(&mut self, page: &Bitmap1) -> PrintOutcome {
        match self.try_print(page) {
            Ok(()) => PrintOutcome::Printed,
            Err(problem) => {
                tracing::warn!("printer {}: {problem}", self.kind);
                PrintOutcome::NeedsAttention(problem)
            }
        }
    }

    fn try_print(&mut self, page: &Bitmap1) -> Result<(), PrinterProblem> {
        let job = self.kind.encode(page).map_err(PrinterProblem::Encode)?;
        let media = match self.kind.brother_media() {
            Some(media) if self.check_status => media,
            _ => return self.send(&job),
        };
        if let Some(attention) = self.status()?.attention(media) {
            return Err(PrinterProblem::Printer(attention));
        }
        self.send(&job)?;
        self.confirm(media)
    }

    fn send(&mut self, job: &[u8]) -> Result<(), PrinterProblem> {
        self.link
            .send(job)
            .map_err(|e| PrinterProblem::Link(e.to_string()))
    }

    /// Listens for the job's outcome; asks once more if the printer says nothing.
    fn confirm(&mut self, media: Media) -> Result<(), PrinterProblem> {
        let deadline = Instant::now() + self.timeouts.print;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let reply = self
                .link
                .query(&[], 32, left)
                .map_err(|e| PrinterProblem::Link(e.to_string()))?;
            let Some(reply) = reply else { break };
            let Ok(status) = Status::parse(&reply) else {
                continue;
            };
            match status.report {
                Report::PrintingCompleted => return Ok(()),
                Report::ErrorOccurred | Report::TurnedOff => {
                    let attention = status
                        .attention(media)
                        .or_else(|| status.faults.first().map(|f| Attention::Fault(*f)));
                    return Err(
                        attention.map_or(PrinterProblem::Unconfirmed, PrinterProblem::Printer)
                    );
                }
                _ => {
                    if let Some(attention) = status.attention(media) {
                        return Err(PrinterProblem::Printer(attention));
                    }
                }
            }
        }
        match self.status() {
            Ok(status) => match status.attention(media) {
                Some(attention) => Err(PrinterProblem::Printer(attention)),
                None => Ok(()),
            },
            Err(PrinterProblem::NoStatus) => Err(PrinterProblem::Unconfirmed),
            Err(other) => Err(other),
        }
    }
}

impl<L: PrinterLink> crate::hw::BadgePrinter for PrinterService<L> {
    fn kind(&self) -> PrinterKind {
        self.kind
    }

    fn print(&mut self, _now: crate::hw::Millis, page: &Bitmap1) -> PrintOutcome {
        PrinterService::print(self, page)
    }
}
