//! The simulated hardware the scripted kiosk runs on: hardware.jsonl, badges/<n>.png and
//! printer/<n>.bin as the contract describes them.

use std::time::Duration;

use serde_json::{json, Value};
use vestibule::badge::{self, Badge, BadgeLayout, Bitmap1};
use vestibule::hw::printer::brother::Attention;
use vestibule::hw::relay::Error;
use vestibule::hw::sim::SimHardware;
use vestibule::hw::{
    BadgePrinter, Frame, InputEvent, InputKind, Inputs, Lamp, PrintOutcome, PrinterKind,
    PrinterProblem, Reader, Relay,
};

fn lines(dir: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("hardware.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn sample_page(kind: PrinterKind) -> Bitmap1 {
    badge::render(&Badge::sample(), &BadgeLayout::default(), kind.label()).unwrap()
}

#[test]
fn a_visit_logs_print_pulse_and_writes_the_badge_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut hw = SimHardware::new(&out, PrinterKind::BrotherQlDk1202).unwrap();
    let page = sample_page(hw.printer().kind());
    assert_eq!(hw.printer().print(1200, &page), PrintOutcome::Printed);
    hw.relay().pulse(1250, Duration::from_secs(5)).unwrap();
    assert!(hw.relay().is_open(6249) && !hw.relay().is_open(6250));

    assert_eq!(
        lines(&out),
        [
            json!({"t_ms":1200,"device":"printer","action":"print","job":1,
                   "printer":"brother-ql-dk1202","bytes":103576}),
            json!({"t_ms":1250,"device":"relay","action":"pulse","ms":5000}),
        ]
    );
    assert_eq!(lines(&out), hw.log().entries());
    let png = std::fs::read(out.join("badges/1.png")).unwrap();
    assert_eq!(Bitmap1::from_png(&png).unwrap(), page);
    let job = std::fs::read(out.join("printer/1.bin")).unwrap();
    assert_eq!(job, PrinterKind::BrotherQlDk1202.encode(&page).unwrap());
    let first = std::fs::read_to_string(out.join("hardware.jsonl")).unwrap();
    assert!(
        first.starts_with(r#"{"t_ms":1200,"device":"printer","action":"print","job":1,"#),
        "t_ms, device, action lead every line: {first}"
    );
}

#[test]
fn lockdown_cuts_the_pulse_short_lights_the_lamp_and_refuses_pulses() {
    let dir = tempfile::tempdir().unwrap();
    let mut hw = SimHardware::new(dir.path(), PrinterKind::BrotherQlDk1202).unwrap();
    hw.relay().pulse(0, Duration::from_secs(5)).unwrap();
    hw.lamp().set(1000, true).unwrap();
    hw.lamp().set(1000, true).unwrap(); // no change, no line
    hw.relay().set_lockdown(1000, true).unwrap();
    assert_eq!(
        hw.relay().pulse(2000, Duration::from_secs(5)),
        Err(Error::Lockdown)
    );
    hw.relay().set_lockdown(3000, false).unwrap();
    hw.lamp().set(3000, false).unwrap();
    hw.relay().force_off(3500).unwrap(); // already locked: nothing to log
    assert_eq!(
        lines(dir.path()),
        [
            json!({"t_ms":0,"device":"relay","action":"pulse","ms":5000}),
            json!({"t_ms":1000,"device":"lamp","action":"on"}),
            json!({"t_ms":1000,"device":"relay","action":"off","reason":"lockdown"}),
            json!({"t_ms":3000,"device":"lamp","action":"off"}),
        ]
    );
}

#[test]
fn a_pulse_that_ran_its_time_is_not_cut_short() {
    let mut hw =
        SimHardware::new(tempfile::tempdir().unwrap().path(), PrinterKind::Zpl203).unwrap();
    hw.relay().pulse(0, Duration::from_secs(5)).unwrap();
    hw.relay().set_lockdown(5000, true).unwrap();
    assert_eq!(hw.log().entries().len(), 1);
    assert_eq!(
        hw.relay().pulse(0, Duration::from_millis(10)),
        Err(Error::Lockdown)
    );
}

#[test]
fn a_printer_problem_is_logged_and_no_files_appear() {
    let dir = tempfile::tempdir().unwrap();
    let mut hw = SimHardware::new(dir.path(), PrinterKind::BrotherQlDk1202).unwrap();
    let page = sample_page(PrinterKind::BrotherQlDk1202);
    hw.printer()
        .set_problem(Some(PrinterProblem::Printer(Attention::PaperOut)));
    assert_eq!(
        hw.printer().print(10, &page),
        PrintOutcome::NeedsAttention(PrinterProblem::Printer(Attention::PaperOut))
    );
    hw.printer().set_problem(None);
    assert_eq!(hw.printer().print(20, &page), PrintOutcome::Printed);
    let log = lines(dir.path());
    assert_eq!(
        log[0],
        json!({"t_ms":10,"device":"printer","action":"print",
               "outcome":"needs-attention","reason":"paper-out"})
    );
    assert_eq!(log[1]["job"], 1);
    assert!(dir.path().join("badges/1.png").exists());
    assert!(!dir.path().join("badges/2.png").exists());
}

#[test]
fn other_printers_write_their_own_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut hw = SimHardware::new(dir.path(), PrinterKind::Dymo30256).unwrap();
    let page = sample_page(PrinterKind::Dymo30256);
    assert_eq!(hw.printer().print(0, &page), PrintOutcome::Printed);
    let job = std::fs::read(dir.path().join("printer/1.bin")).unwrap();
    assert_eq!(job, PrinterKind::Dymo30256.encode(&page).unwrap());
    // A page for another label is a problem, never a silent drop.
    let wrong = sample_page(PrinterKind::Zpl203);
    assert!(matches!(
        hw.printer().print(1, &wrong),
        PrintOutcome::NeedsAttention(PrinterProblem::Encode(_))
    ));
}

#[test]
fn the_script_feeds_the_reader_and_the_pins() {
    let mut hw =
        SimHardware::new(tempfile::tempdir().unwrap().path(), PrinterKind::Zpl300).unwrap();
    hw.reader().scan(b"]L2@\n\x1e\rANSI 6360");
    hw.reader().garbled();
    assert_eq!(
        hw.reader().try_frame(),
        Some(Frame::Scan(b"@\n\x1e\rANSI 6360".to_vec()))
    );
    assert!(matches!(hw.reader().try_frame(), Some(Frame::Garbled(_))));
    assert_eq!(hw.reader().try_frame(), None);
    hw.inputs().fire(InputKind::Panic, true);
    assert_eq!(
        hw.inputs().try_event(),
        Some(InputEvent {
            input: InputKind::Panic,
            active: true
        })
    );
    assert_eq!(hw.inputs().try_event(), None);
}

#[test]
fn an_unwritable_out_dir_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let err = SimHardware::new(&file.join("out"), PrinterKind::BrotherQlDk1202)
        .err()
        .unwrap();
    assert!(err.to_string().contains("a-file"), "{err}");
}
