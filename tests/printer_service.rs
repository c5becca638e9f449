//! The printer service against a loopback fake network Brother QL: status before and after
//! each job, and every way a badge can fail to print turned into "needs attention".

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::Duration;

use vestibule::badge::{self, Badge, BadgeLayout, Bitmap1};
use vestibule::hw::printer::brother::{self, Attention, Fault, Loaded, Media};
use vestibule::hw::printer::link::{JobDir, TcpLink};
use vestibule::hw::printer::service::{PrinterService, Timeouts};
use vestibule::hw::{PrintOutcome, PrinterKind, PrinterProblem};

/// A QL-820NWB status reply with DK-1202 loaded; `edit` changes bytes.
fn reply(edit: &[(usize, u8)]) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[..5].copy_from_slice(&[0x80, 0x20, b'B', b'4', 0x41]);
    bytes[10] = 62;
    bytes[11] = 0x4b;
    bytes[17] = 100;
    for &(i, v) in edit {
        bytes[i] = v;
    }
    bytes
}

const READY: &[(usize, u8)] = &[];
const PRINTING: &[(usize, u8)] = &[(18, 0x06), (19, 0x01)];
const COMPLETED: &[(usize, u8)] = &[(18, 0x01)];

/// What the fake printer says: to the status request before the job, after the job
/// arrives (unasked), and to status requests after the job.
struct Script {
    before: Option<[u8; 32]>,
    after_job: Vec<[u8; 32]>,
    asked_after: Option<[u8; 32]>,
}

/// Returns the address and a handle yielding (bytes received, status requests seen).
fn fake_brother(script: Script, job_len: usize) -> (String, JoinHandle<(Vec<u8>, usize)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let handle = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let (mut received, mut requests, mut job_from) = (Vec::new(), 0, None);
        let mut buf = [0u8; 8192];
        loop {
            let n = socket.read(&mut buf).unwrap_or(0);
            if n == 0 {
                return (received, requests);
            }
            received.extend_from_slice(&buf[..n]);
            match job_from {
                None if received.ends_with(&brother::STATUS_REQUEST) => {
                    requests += 1;
                    if let Some(before) = script.before {
                        socket.write_all(&before).unwrap();
                    }
                    job_from = Some(received.len());
                }
                Some(from) if received.len() == from + job_len => {
                    for reply in &script.after_job {
                        socket.write_all(reply).unwrap();
                    }
                }
                Some(from)
                    if received.len() > from + job_len
                        && received.ends_with(&brother::STATUS_REQUEST) =>
                {
                    requests += 1;
                    if let Some(after) = script.asked_after {
                        socket.write_all(&after).unwrap();
                    }
                }
                _ => {}
            }
        }
    });
    (address, handle)
}

fn page() -> Bitmap1 {
    badge::render(
        &Badge::sample(),
        &BadgeLayout::default(),
        PrinterKind::BrotherQlDk1202.label(),
    )
    .unwrap()
}

fn quick() -> Timeouts {
    Timeouts {
        status: Duration::from_millis(500),
        print: Duration::from_millis(500),
    }
}

/// Prints the sample badge on a fake Brother following `script`.
fn print_with(script: Script) -> (PrintOutcome, Vec<u8>, usize) {
    let page = page();
    let job = PrinterKind::BrotherQlDk1202.encode(&page).unwrap();
    let (address, printer) = fake_brother(script, job.len());
    let link = TcpLink::connect(&address, Duration::from_secs(2)).unwrap();
    let mut service = PrinterService::new(link, PrinterKind::BrotherQlDk1202, quick());
    let outcome = service.print(&page);
    drop(service);
    let (received, requests) = printer.join().unwrap();
    // The job follows the first status request.
    let after_request = received
        .windows(3)
        .position(|w| w == brother::STATUS_REQUEST)
        .map_or(received.len(), |p| p + 3);
    let sent_job = received[after_request..].starts_with(&job);
    (outcome, if sent_job { job } else { Vec::new() }, requests)
}

#[test]
fn a_ready_printer_prints_and_confirms() {
    let (outcome, job, requests) = print_with(Script {
        before: Some(reply(READY)),
        after_job: vec![reply(PRINTING), reply(COMPLETED)],
        asked_after: None,
    });
    assert_eq!(outcome, PrintOutcome::Printed);
    assert!(!job.is_empty(), "the whole job reached the printer");
    assert_eq!(requests, 1);
}

#[test]
fn cover_open_before_the_job_keeps_the_job_back() {
    let (outcome, job, _) = print_with(Script {
        before: Some(reply(&[(9, 0x10)])),
        after_job: vec![],
        asked_after: None,
    });
    assert_eq!(
        outcome,
        PrintOutcome::NeedsAttention(PrinterProblem::Printer(Attention::CoverOpen))
    );
    assert!(
        job.is_empty(),
        "nothing is sent to a printer that cannot print"
    );
}

#[test]
fn wrong_labels_loaded_is_wrong_media() {
    let (outcome, _, _) = print_with(Script {
        before: Some(reply(&[(11, 0x4a), (17, 0)])),
        after_job: vec![],
        asked_after: None,
    });
    assert_eq!(
        outcome,
        PrintOutcome::NeedsAttention(PrinterProblem::Printer(Attention::WrongMedia {
            loaded: Loaded::Continuous { width_mm: 62 },
            wanted: Media::Dk1202
        }))
    );
}

#[test]
fn paper_running_out_during_the_job_is_paper_out() {
    let (outcome, job, _) = print_with(Script {
        before: Some(reply(READY)),
        after_job: vec![reply(PRINTING), reply(&[(18, 0x02), (8, 0x02)])],
        asked_after: None,
    });
    assert!(!job.is_empty());
    assert_eq!(
        outcome,
        PrintOutcome::NeedsAttention(PrinterProblem::Printer(Attention::PaperOut))
    );
}

#[test]
fn an_error_report_without_a_named_cause_still_needs_attention() {
    let (outcome, _, _) = print_with(Script {
        before: Some(reply(READY)),
        after_job: vec![reply(&[(18, 0x02), (9, 0x04)])],
        asked_after: None,
    });
    assert_eq!(
        outcome,
        PrintOutcome::NeedsAttention(PrinterProblem::Printer(Attention::Fault(
            Fault::Communication
        )))
    );
}

#[test]
fn a_printer_that_never_answers_is_no_status() {
    let (outcome, job, _) = print_with(Script {
        before: None,
        after_job: vec![],
        asked_after: None,
    });
    assert_eq!(
        outcome,
        PrintOutcome::NeedsAttention(PrinterProblem::NoStatus)
    );
    assert!(job.is_empty());
}

#[test]
fn silence_after_the_job_is_asked_about_once() {
    // A clean status after the job: printed.
    let (outcome, _, requests) = print_with(Script {
        before: Some(reply(READY)),
        after_job: vec![],
        asked_after: Some(reply(READY)),
    });
    assert_eq!(outcome, PrintOutcome::Printed);
    assert_eq!(requests, 2);
    // Cover opened during the job, printer silent until asked.
    let (outcome, _, _) = print_with(Script {
        before: Some(reply(READY)),
        after_job: vec![],
        asked_after: Some(reply(&[(9, 0x10)])),
    });
    assert_eq!(
        outcome,
        PrintOutcome::NeedsAttention(PrinterProblem::Printer(Attention::CoverOpen))
    );
    // Silent even when asked: the print is unconfirmed, never silently assumed.
    let (outcome, _, _) = print_with(Script {
        before: Some(reply(READY)),
        after_job: vec![],
        asked_after: None,
    });
    assert_eq!(
        outcome,
        PrintOutcome::NeedsAttention(PrinterProblem::Unconfirmed)
    );
}

#[test]
fn a_printer_that_hangs_up_is_offline() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let closer = std::thread::spawn(move || drop(listener.accept().unwrap()));
    let link = TcpLink::connect(&address, Duration::from_secs(2)).unwrap();
    closer.join().unwrap();
    let mut service = PrinterService::new(link, PrinterKind::BrotherQlDk1202, quick());
    match service.print(&page()) {
        PrintOutcome::NeedsAttention(p @ (PrinterProblem::Link(_) | PrinterProblem::NoStatus)) => {
            assert!(!p.to_string().is_empty());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn printers_without_status_are_sent_the_job() {
    let dir = tempfile::tempdir().unwrap();
    let page = badge::render(
        &Badge::sample(),
        &BadgeLayout::default(),
        PrinterKind::Zpl203.label(),
    )
    .unwrap();
    let mut service = PrinterService::new(
        JobDir::create(dir.path()).unwrap(),
        PrinterKind::Zpl203,
        quick(),
    );
    assert_eq!(service.print(&page), PrintOutcome::Printed);
    assert_eq!(service.link().jobs(), 1);
    // A Brother behind a one-way link with status checks off.
    let mut service = PrinterService::new(
        JobDir::create(dir.path()).unwrap(),
        PrinterKind::BrotherQlDk1202,
        quick(),
    )
    .check_status(false);
    assert_eq!(service.print(&self::page()), PrintOutcome::Printed);
    // With checks on, the same one-way link cannot say it printed: needs attention.
    let mut service = PrinterService::new(
        JobDir::create(dir.path()).unwrap(),
        PrinterKind::BrotherQlDk1202,
        quick(),
    );
    assert_eq!(
        service.print(&self::page()),
        PrintOutcome::NeedsAttention(PrinterProblem::NoStatus)
    );
}

#[test]
fn problem_ids_are_stable() {
    let ids: Vec<_> = [
        PrinterProblem::Printer(Attention::PaperOut),
        PrinterProblem::Printer(Attention::CoverOpen),
        PrinterProblem::Printer(Attention::Jammed),
        PrinterProblem::NoStatus,
        PrinterProblem::Unconfirmed,
        PrinterProblem::Link("x".into()),
    ]
    .iter()
    .map(PrinterProblem::id)
    .collect();
    assert_eq!(
        ids,
        [
            "paper-out",
            "cover-open",
            "jammed",
            "no-status",
            "unconfirmed",
            "offline"
        ]
    );
}
