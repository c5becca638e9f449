//! The simulated reader's console for `vestibule kiosk --sim` in a window: a developer or a
//! district evaluating Vestibule has no scanner, so each line typed on standard input stands
//! for one: the path of a scan file (e.g. `samples/scans/aamva-v10-mo.txt`) or one event of
//! the scripted kiosk (docs/scripted-kiosk.md: `{"scan":"..."}`, `{"gpio":"panic"}`,
//! `{"tap":"staff"}`, `{"type":"..."}`). Lines are read on their own thread and handed to the
//! UI loop through a channel.

use std::io::BufRead;
use std::path::Path;
use std::sync::mpsc::{self, Receiver};

use super::script::{self, Step};

/// One console line as the kiosk takes it.
pub fn parse_line(line: &str) -> Result<Step, String> {
    let line = line.trim();
    if line.starts_with('{') {
        return match script::parse(line).map_err(|e| e.reason)?.pop() {
            Some((_, Step::WaitMs(_) | Step::Screenshot(_))) => {
                Err("wait_ms and screenshot belong to --headless scripts".into())
            }
            Some((_, step)) => Ok(step),
            None => Err("an empty line".into()),
        };
    }
    let path = Path::new(line);
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // Scan files hold what the reader sends; a trailing newline is the file's, not the card's.
    let text = String::from_utf8_lossy(&bytes);
    Ok(Step::Scan(text.trim_end_matches(['\r', '\n']).to_owned()))
}

/// Reads `input` line by line on a thread of its own; a line that is not understood is
/// answered on standard error and skipped.
pub fn spawn(input: impl BufRead + Send + 'static) -> Receiver<Step> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in input.lines() {
            let Ok(line) = line else { break };
            if line.trim().is_empty() {
                continue;
            }
            match parse_line(&line) {
                Ok(step) => {
                    if tx.send(step).is_err() {
                        break;
                    }
                }
                Err(reason) => eprintln!("vestibule: not a scan: {reason}"),
            }
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::script::Gpio;

    #[test]
    fn a_path_is_read_as_one_scan() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("card.txt");
        std::fs::write(&file, "@\n\u{1e}\rANSI 636026\n").unwrap();
        let step = parse_line(&format!("  {}  ", file.display())).unwrap();
        assert_eq!(step, Step::Scan("@\n\u{1e}\rANSI 636026".into()));
    }

    #[test]
    fn script_events_pass_through_and_the_rest_is_refused() {
        assert_eq!(
            parse_line(r#"{"gpio":"panic"}"#),
            Ok(Step::Gpio(Gpio::Panic))
        );
        assert_eq!(
            parse_line(r#"{"scan":"VSTB1:x"}"#),
            Ok(Step::Scan("VSTB1:x".into()))
        );
        assert!(parse_line(r#"{"wait_ms":5}"#).is_err());
        assert!(parse_line(r#"{"tap":"launch"}"#)
            .unwrap_err()
            .contains("unknown label"));
        assert!(parse_line("/no/such/scan.txt")
            .unwrap_err()
            .contains("/no/such/scan.txt"));
    }

    #[test]
    fn lines_arrive_in_order_and_bad_ones_are_skipped() {
        let input =
            std::io::Cursor::new("{\"type\":\"Ann\"}\n\nnot/a/file\n{\"gpio\":\"door-open\"}\n");
        let steps: Vec<Step> = spawn(input).iter().collect();
        assert_eq!(
            steps,
            vec![Step::Type("Ann".into()), Step::Gpio(Gpio::DoorOpen)]
        );
    }
}
