//! `vestibule badge render` through the real binary.

use std::process::Command;

use vestibule::badge::{self, Badge, BadgeLayout, Bitmap1};
use vestibule::hw::printer::PrinterKind;

fn vestibule() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vestibule"))
}

#[test]
fn render_writes_the_badge_and_its_print_job() {
    let dir = tempfile::tempdir().unwrap();
    let (png, job) = (dir.path().join("badge.png"), dir.path().join("badge.bin"));
    let out = vestibule()
        .args(["badge", "render", "--printer", "dymo-30256", "--out"])
        .arg(&png)
        .arg("--job")
        .arg(&job)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("672x1200 dots at 300 dpi"));
    let kind = PrinterKind::Dymo30256;
    let want = badge::render(&Badge::sample(), &BadgeLayout::default(), kind.label()).unwrap();
    assert_eq!(
        Bitmap1::from_png(&std::fs::read(&png).unwrap()).unwrap(),
        want
    );
    assert_eq!(std::fs::read(&job).unwrap(), kind.encode(&want).unwrap());
}

#[test]
fn render_defaults_to_the_brother_dk1202() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("badge.png");
    let out = vestibule()
        .args(["badge", "render", "--no-photo", "--out"])
        .arg(&png)
        .output()
        .unwrap();
    assert!(out.status.success());
    let page = Bitmap1::from_png(&std::fs::read(&png).unwrap()).unwrap();
    assert_eq!((page.width(), page.height()), (696, 1109));
}

#[test]
fn an_unknown_printer_is_one_line_and_exit_2() {
    let out = vestibule()
        .args([
            "badge",
            "render",
            "--out",
            "/tmp/never.png",
            "--printer",
            "epson",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("brother-ql-dk1202"));
}

#[test]
fn an_unwritable_output_is_one_line_and_exit_2() {
    let out = vestibule()
        .args(["badge", "render", "--out", "/nonexistent-dir/badge.png"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("/nonexistent-dir/badge.png"));
}
