//! Shared by the scripted-kiosk tests: the `vestibule` binary, and what a `--sim` run leaves in
//! its out directory (hardware, audit and alert lines) read back.

#![allow(dead_code)] // each test file uses its own part of this

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

/// Runs the binary with no config or database taken from the environment.
pub fn vestibule(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args(args)
        .env_remove("VESTIBULE_DB")
        .env_remove("VESTIBULE_CONFIG")
        .output()
        .unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The JSON lines of a file the run wrote (none when it wrote nothing).
pub fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// What the simulated `device` did as `action` (`relay`/`pulse`, `printer`/`print` ...).
pub fn hardware(out: &Path, device: &str, action: &str) -> Vec<Value> {
    lines(&out.join("hardware.jsonl"))
        .into_iter()
        .filter(|l| l["device"] == device && l["action"] == action)
        .collect()
}

pub fn audits(out: &Path, event: &str) -> Vec<Value> {
    lines(&out.join("audit.jsonl"))
        .into_iter()
        .filter(|l| l["event"] == event)
        .collect()
}

pub fn alerts(out: &Path, kind: &str) -> Vec<Value> {
    lines(&out.join("alerts.jsonl"))
        .into_iter()
        .filter(|l| l["kind"] == kind)
        .collect()
}

pub fn tap(label: &str) -> Value {
    json!({ "tap": label })
}

/// Taps that open the staff screen and enter `digits` on the PIN pad.
pub fn pin(digits: &str) -> Vec<Value> {
    let mut events = vec![tap("staff")];
    events.extend(digits.chars().map(|d| tap(&format!("pin-{d}"))));
    events.push(tap("pin-enter"));
    events
}

/// The `--sim` demo operator logging in.
pub fn login() -> Vec<Value> {
    pin(vestibule::kiosk::pin::SIM_PIN)
}
