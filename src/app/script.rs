//! The scripted kiosk's events (docs/scripted-kiosk.md), one JSON object a line:
//! `{"scan":"..."}`, `{"tap":"<label>"}`, `{"type":"..."}`, `{"gpio":"panic"|"door-open"}`,
//! `{"wait_ms":N}`, `{"screenshot":"<name>"}`. The whole script is read before anything runs,
//! so an unknown event or label stops it with nothing written.

use crate::kiosk::{InputPin, Tap};

/// One scripted event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Scan(String),
    /// The accessible label to tap.
    Tap(String),
    Type(String),
    Gpio(Gpio),
    WaitMs(u64),
    Screenshot(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gpio {
    Panic,
    DoorOpen,
}

impl Gpio {
    /// The flow's input this scripted pin stands for.
    pub fn pin(self) -> InputPin {
        match self {
            Gpio::Panic => InputPin::Panic,
            Gpio::DoorOpen => InputPin::DoorOpened,
        }
    }
}

/// A script line that cannot run, by its 1-based line number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ScriptError {
    pub line: usize,
    pub reason: String,
}

/// Reads a whole script; blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<(usize, Step)>, ScriptError> {
    let mut steps = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let step = parse_line(line).map_err(|reason| ScriptError {
            line: i + 1,
            reason,
        })?;
        steps.push((i + 1, step));
    }
    Ok(steps)
}

fn parse_line(line: &str) -> Result<Step, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
    let object = value.as_object().ok_or("not a JSON object")?;
    let mut entries = object.iter();
    let (Some((key, value)), None) = (entries.next(), entries.next()) else {
        return Err("an event is an object with exactly one key".into());
    };
    let text = || {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("`{key}` takes a string"))
    };
    Ok(match key.as_str() {
        "scan" => Step::Scan(text()?),
        "tap" => {
            let label = text()?;
            if Tap::from_label(&label).is_none() {
                return Err(format!("unknown label `{label}`"));
            }
            Step::Tap(label)
        }
        "type" => Step::Type(text()?),
        "gpio" => match text()?.as_str() {
            "panic" => Step::Gpio(Gpio::Panic),
            "door-open" => Step::Gpio(Gpio::DoorOpen),
            other => return Err(format!("unknown input pin `{other}` (panic, door-open)")),
        },
        "wait_ms" => Step::WaitMs(
            value
                .as_u64()
                .ok_or("`wait_ms` takes a whole number of milliseconds")?,
        ),
        "screenshot" => {
            let name = text()?;
            let safe = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                && !name.starts_with('.');
            if !safe {
                return Err(format!(
                    "screenshot name `{name}` must be letters, digits, -, _ or ."
                ));
            }
            Step::Screenshot(name)
        }
        other => return Err(format!("unknown event `{other}`")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_of_the_contract_parses() {
        let script = r#"{"scan":"@\n\u001e\rANSI 636026"}
{"tap":"purpose:visitor"}

{"type":"Grace"}
{"gpio":"panic"}
{"gpio":"door-open"}
{"wait_ms":20000}
{"screenshot":"after-idle"}"#;
        let steps = parse(script).unwrap();
        assert_eq!(steps.len(), 7);
        assert_eq!(steps[0], (1, Step::Scan("@\n\u{1e}\rANSI 636026".into())));
        assert_eq!(steps[2], (4, Step::Type("Grace".into())));
        assert_eq!(steps[5], (7, Step::WaitMs(20_000)));
    }

    #[test]
    fn bad_lines_are_named() {
        for (script, reason) in [
            (
                "{\"tap\":\"staff\"}\n{\"jump\":1}",
                "line 2: unknown event `jump`",
            ),
            ("{\"tap\":\"launch\"}", "line 1: unknown label `launch`"),
            ("{\"gpio\":\"fire\"}", "line 1: unknown input pin"),
            ("{\"wait_ms\":-1}", "line 1: `wait_ms` takes"),
            ("{\"screenshot\":\"../x\"}", "line 1: screenshot name"),
            ("{\"tap\":\"done\",\"scan\":\"x\"}", "line 1: an event is"),
            ("[1]", "line 1: not a JSON object"),
        ] {
            let err = parse(script).unwrap_err().to_string();
            assert!(err.starts_with(reason), "{err}");
        }
    }
}
