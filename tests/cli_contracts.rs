//! docs/interfaces.md, for the commands of the foundation: `id parse`, `config example|check`, and
//! the promise every command keeps (exit 0 / exit 2 with one line on stderr, never a panic).

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn vestibule(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args(args)
        .env_remove("VESTIBULE_CONFIG")
        .env_remove("VESTIBULE_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vestibule starts");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Exit 2 and exactly one non-empty line on stderr, nothing on stdout.
fn assert_refused(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line expected, got: {stderr:?}"
    );
    assert!(stderr.starts_with("vestibule: "), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"));
    assert!(out.stdout.is_empty());
    stderr
}

fn json(out: &Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

#[test]
fn id_parse_prints_the_contract_json_for_a_licence() {
    let scan = std::fs::read("samples/scans/aamva-v10-mo.txt").unwrap();
    let got = json(&vestibule(&["id", "parse", "--today", "2026-11-22"], &scan));
    assert_eq!(
        got,
        serde_json::json!({
            "document": "aamva", "first_name": "ANNA", "middle_name": "MARIA",
            "last_name": "ERIKSSON", "suffix": null, "dob": "1974-08-12", "sex": "F",
            "document_number_last4": "1234", "issuer": "MO", "expires": "2031-08-12",
            "expired": false
        })
    );
}

#[test]
fn id_parse_reads_a_passport_and_judges_expiry_by_today() {
    let scan = std::fs::read("samples/scans/mrz-td3-specimen.txt").unwrap();
    let got = json(&vestibule(&["id", "parse", "--today", "2026-11-22"], &scan));
    assert_eq!(got["document"], "mrz-td3");
    assert_eq!(got["last_name"], "ERIKSSON");
    assert_eq!(got["first_name"], "ANNA");
    assert_eq!(got["middle_name"], "MARIA");
    assert_eq!(got["dob"], "1974-08-12");
    assert_eq!(got["sex"], "F");
    assert_eq!(got["issuer"], "UTO");
    assert_eq!(got["expires"], "2012-04-15");
    assert_eq!(got["expired"], true);
    let earlier = json(&vestibule(&["id", "parse", "--today", "2010-01-01"], &scan));
    assert_eq!(earlier["expired"], false);
}

#[test]
fn id_parse_keeps_nothing_beyond_the_contract_fields() {
    for sample in [
        "aamva-v10-mo.txt",
        "mrz-td3-specimen.txt",
        "mrz-td1-specimen.txt",
    ] {
        let scan = std::fs::read(format!("samples/scans/{sample}")).unwrap();
        let got = json(&vestibule(&["id", "parse"], &scan));
        let keys: Vec<&str> = got
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in &keys {
            assert!(
                [
                    "document",
                    "first_name",
                    "middle_name",
                    "last_name",
                    "suffix",
                    "dob",
                    "sex",
                    "document_number_last4",
                    "issuer",
                    "expires",
                    "expired",
                    "name_truncated"
                ]
                .contains(key),
                "{sample}: unexpected key {key}"
            );
        }
    }
}

#[test]
fn id_parse_recognises_an_invitation() {
    let got = json(&vestibule(
        &["id", "parse"],
        b"VSTB1:eyJ2IjoxfQ.c2lnbmF0dXJl\r\n",
    ));
    assert_eq!(got["document"], "prereg");
    assert_eq!(got["invitation"], "eyJ2IjoxfQ.c2lnbmF0dXJl");
    assert_eq!(got["dob"], serde_json::Value::Null);
}

#[test]
fn id_parse_refuses_bad_scans_with_one_line() {
    for bad in [
        &b""[..],
        b"hello world",
        b"@\n\x1e\rANSI 636020",
        b"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<11\n",
        b"\xff\xfe\x00\x01",
    ] {
        let line = assert_refused(&vestibule(&["id", "parse"], bad));
        assert!(!line.contains("ERIKSSON"), "the refusal must not quote the scan: {line}");
    }
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    assert_refused(&vestibule(&["frobnicate"], b""));
    assert_refused(&vestibule(&["id", "parse", "--today", "yesterday"], b""));
    assert_refused(&vestibule(&["config", "check"], b""));
}

#[test]
fn help_and_version_exit_0() {
    let out = vestibule(&["--help"], b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("id"));
    let out = vestibule(&["--version"], b"");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn config_example_passes_config_check() {
    let example = vestibule(&["config", "example"], b"");
    assert_eq!(example.status.code(), Some(0));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, &example.stdout).unwrap();
    let out = vestibule(&["config", "check", path.to_str().unwrap()], b"");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn config_check_names_file_key_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kiosk.toml");
    std::fs::write(&path, "[kiosk]\nidle_timeout_secs = \"soon\"\n").unwrap();
    let line = assert_refused(&vestibule(
        &["config", "check", path.to_str().unwrap()],
        b"",
    ));
    assert!(line.contains("kiosk.toml"), "{line}");
    assert!(line.contains("kiosk.idle_timeout_secs"), "{line}");

    std::fs::write(&path, "[door]\npin = 17\n").unwrap();
    let line = assert_refused(&vestibule(
        &["config", "check", path.to_str().unwrap()],
        b"",
    ));
    assert!(
        line.contains("door") && line.contains("unknown field"),
        "{line}"
    );

    let missing = dir.path().join("absent.toml");
    let line = assert_refused(&vestibule(
        &["config", "check", missing.to_str().unwrap()],
        b"",
    ));
    assert!(
        line.contains("absent.toml") && line.contains("cannot read"),
        "{line}"
    );
}

/// A listing whose reader has gone (`vestibule config example | head -1`) ends quietly,
/// killed by SIGPIPE like other Unix tools, not with a panic message.
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vestibule"))
        .args(["config", "example"])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(out.status.signal(), Some(13), "{:?}", out.status);
}
