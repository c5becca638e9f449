//! Any Linux board's GPIO through the character device's v2 uAPI (`gpiocdev`). This is the
//! backend that works on the kiosk image: Debian's kernel is built without
//! `CONFIG_GPIO_CDEV_V1`, and `/dev/gpiomem` (rppal) exists only on Raspberry Pi OS.
//!
//! The chip is found by its label (`label:pinctrl-bcm2711` on a Pi 4, `label:pinctrl-rp1` on a
//! Pi 5; both expose the header's GPIO n as line n) or by path. Outputs are requested already
//! at their locked/dark level, so the line never passes through "on". Inputs are watched for
//! edges with the kernel's debounce (gpiolib debounces in software where the chip cannot), one
//! thread per input; a line without edge interrupts is polled and debounced by [`Debouncer`].

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use gpiocdev::line::{Bias, EdgeDetection, Value};
use gpiocdev::Request;
use gpiocdev_embedded_hal::OutputPin as CdevOutput;

use super::board::{DeviceError, Gpio};
use super::config::{Hardware, InputConfig, Level, OutputConfig};
use super::failsafe::FailSafeRelay;
use super::input::Debouncer;
use super::relay::{DoorRelay, IndicatorLamp, Polarity};
use super::{InputEvent, InputKind, Inputs, Levels, SharedLevels};

/// How long an input thread waits for an edge before it looks at its stop flag.
const WAKE: Duration = Duration::from_millis(200);
/// How often a line without edge interrupts is read.
const POLL: Duration = Duration::from_millis(5);

/// The chips `[hardware] chip` names, in the order they are tried: a path, or `label:` and a
/// comma-separated list of chip labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChipSpec {
    Path(PathBuf),
    Labels(Vec<String>),
}

impl ChipSpec {
    pub fn parse(spec: &str) -> ChipSpec {
        match spec.strip_prefix("label:") {
            Some(labels) => ChipSpec::Labels(
                labels
                    .split(',')
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect(),
            ),
            None => ChipSpec::Path(PathBuf::from(spec)),
        }
    }
}

/// The chip's device path, with its label for messages (`/dev/gpiochip0 (pinctrl-bcm2711)`).
pub fn find_chip(spec: &str) -> Result<(PathBuf, String), DeviceError> {
    let what = format!("GPIO chip {spec}");
    match ChipSpec::parse(spec) {
        ChipSpec::Path(path) => {
            let chip = gpiocdev::Chip::from_path(&path).map_err(|e| DeviceError::new(&what, e))?;
            let label = chip.info().map(|i| i.label).unwrap_or_default();
            let name = format!("{} ({label})", path.display());
            Ok((path, name))
        }
        ChipSpec::Labels(labels) => {
            let mut found = Vec::new();
            for path in gpiocdev::chip::chips().map_err(|e| DeviceError::new(&what, e))? {
                if let Ok(info) = gpiocdev::Chip::from_path(&path).and_then(|c| c.info()) {
                    found.push((path, info.label));
                }
            }
            for label in &labels {
                if let Some((path, _)) = found.iter().find(|(_, l)| l == label) {
                    return Ok((path.clone(), format!("{} ({label})", path.display())));
                }
            }
            let present: Vec<_> = found.iter().map(|(_, l)| l.as_str()).collect();
            Err(DeviceError::new(
                what,
                format!(
                    "no GPIO chip has that label (present: {})",
                    present.join(", ")
                ),
            ))
        }
    }
}

/// Opens the relay, lamp and inputs on the configured chip.
pub fn open(config: &Hardware) -> Result<Gpio, DeviceError> {
    let (chip, chip_name) = find_chip(&config.chip)?;
    let relay_pin = output(
        &chip,
        &chip_name,
        &config.relay,
        "vestibule-door",
        "hardware.relay",
    )?;
    let relay = DoorRelay::new(relay_pin, config.relay.polarity).map_err(|e| {
        DeviceError::new(
            format!("door relay ({chip_name} line {})", config.relay.pin),
            e,
        )
    })?;
    let lamp_pin = output(
        &chip,
        &chip_name,
        &config.lamp,
        "vestibule-lamp",
        "hardware.lamp",
    )?;
    let lamp = IndicatorLamp::new(lamp_pin, config.lamp.polarity)
        .map_err(|e| DeviceError::new(format!("lamp ({chip_name} line {})", config.lamp.pin), e))?;
    let inputs = EdgeInputs::start(
        &chip,
        &chip_name,
        &[
            (InputKind::Panic, &config.panic_button),
            (InputKind::DoorPosition, &config.door_sensor),
        ],
    )?;
    Ok(Gpio {
        relay: Box::new(FailSafeRelay::start(
            relay,
            Some(Duration::from_millis(config.watchdog_ms)),
        )),
        lamp: Box::new(lamp),
        inputs: Box::new(inputs),
    })
}

/// `vestibule relay lock`: requests the relay line as an output at its locked level, then
/// lets it go. What a released line does next is the chip driver's: it may keep its level or
/// fall back to an input with its pull (the relay board's pull must mean locked).
pub fn lock_relay(config: &Hardware) -> Result<String, DeviceError> {
    let (chip, chip_name) = find_chip(&config.chip)?;
    drop(output(
        &chip,
        &chip_name,
        &config.relay,
        "vestibule-door",
        "hardware.relay",
    )?);
    Ok(format!("{chip_name} line {}", config.relay.pin))
}

/// The line to request: `pin`, after checking that the chip names it `line` when a name is
/// configured. A name on another line, or on none, is refused rather than followed: the
/// firmware's `gpio=` setting holds line `pin` locked from power-on, so the kiosk must drive
/// that same line.
pub fn line_offset(
    chip: &Path,
    chip_name: &str,
    key: &str,
    pin: u32,
    line: Option<&str>,
) -> Result<u32, DeviceError> {
    let Some(name) = line else { return Ok(pin) };
    let what = format!("{key} `{name}` ({chip_name})");
    let chip = gpiocdev::Chip::from_path(chip).map_err(|e| DeviceError::new(&what, e))?;
    let lines = chip
        .info()
        .map_err(|e| DeviceError::new(&what, e))?
        .num_lines;
    let mut named = None;
    for offset in 0..lines {
        let info = chip
            .line_info(offset)
            .map_err(|e| DeviceError::new(&what, e))?;
        if info.name == name {
            named = Some(offset);
            break;
        }
    }
    match named {
        Some(offset) if offset == pin => Ok(pin),
        Some(offset) => Err(DeviceError::new(
            what,
            format!(
                "that is line {offset}, not line {pin} (its `pin`, the line the firmware holds \
                 locked): make pin and line name the same line"
            ),
        )),
        None => Err(DeviceError::new(
            what,
            format!("no line of its {lines} has that name"),
        )),
    }
}

fn level_value(level: Level) -> Value {
    // Requests carry no active-low flag: Active is the physical high level.
    match level {
        Level::Low => Value::Inactive,
        Level::High => Value::Active,
    }
}

fn output(
    chip: &Path,
    chip_name: &str,
    pin: &OutputConfig,
    consumer: &str,
    key: &str,
) -> Result<CdevOutput, DeviceError> {
    let offset = line_offset(chip, chip_name, key, pin.pin, pin.line.as_deref())?;
    let device = format!("{consumer} ({chip_name} line {offset})");
    // Requested at the off level: the line is never "on", not even for the request's instant.
    let request = Request::builder()
        .on_chip(chip)
        .with_consumer(consumer)
        .with_line(offset)
        .as_output(level_value(pin.off_level()))
        .request()
        .map_err(|e| DeviceError::new(&device, e))?;
    CdevOutput::try_from(request).map_err(|e| DeviceError::new(device, e))
}

/// The input lines, each on its own thread, delivering debounced changes on a channel.
pub struct EdgeInputs {
    events: Receiver<InputEvent>,
    levels: SharedLevels,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl EdgeInputs {
    fn start(
        chip: &Path,
        chip_name: &str,
        inputs: &[(InputKind, &InputConfig)],
    ) -> Result<Self, DeviceError> {
        let (tx, events) = mpsc::channel();
        let levels = SharedLevels::default();
        let stop = Arc::new(AtomicBool::new(false));
        let mut watchers = Vec::new();
        for (kind, pin) in inputs {
            watchers.push(Watcher::request(chip, chip_name, *kind, pin)?);
        }
        let mut threads = Vec::new();
        for watcher in watchers {
            levels.set(watcher.kind, Some(watcher.polarity.is_on(watcher.high()?)));
            let (tx, levels, stop) = (tx.clone(), levels.clone(), stop.clone());
            threads.push(
                std::thread::Builder::new()
                    .name(format!("input-{}", watcher.kind.id()))
                    .spawn(move || watcher.run(&tx, &levels, &stop))
                    .expect("spawn an input pin thread"),
            );
        }
        Ok(EdgeInputs {
            events,
            levels,
            stop,
            threads,
        })
    }
}

impl Inputs for EdgeInputs {
    fn try_event(&mut self) -> Option<InputEvent> {
        self.events.try_recv().ok()
    }

    fn levels(&self) -> Levels {
        self.levels.get()
    }
}

impl Drop for EdgeInputs {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// One input line's request.
struct Watcher {
    request: Request,
    line: u32,
    kind: InputKind,
    polarity: Polarity,
    /// `None`: the kernel debounces and reports edges; `Some`: no edge interrupts on this
    /// line, so it is polled and debounced here.
    polled: Option<Debouncer>,
    device: String,
}

impl Watcher {
    fn request(
        chip: &Path,
        chip_name: &str,
        kind: InputKind,
        pin: &InputConfig,
    ) -> Result<Self, DeviceError> {
        let key = match kind {
            InputKind::Panic => "hardware.panic_button",
            InputKind::DoorPosition => "hardware.door_sensor",
        };
        let offset = line_offset(chip, chip_name, key, pin.pin, pin.line.as_deref())?;
        let device = format!("{} input ({chip_name} line {offset})", kind.id());
        let debounce = Duration::from_millis(pin.debounce_ms);
        // Biased towards "not pressed / door closed", so an unplugged contact reads idle and a
        // contact to ground (active-low) needs no resistor of its own.
        let bias = match pin.polarity {
            Polarity::ActiveLow => Bias::PullUp,
            Polarity::ActiveHigh => Bias::PullDown,
        };
        let mut builder = Request::builder();
        builder
            .on_chip(chip)
            .with_consumer(format!("vestibule-{}", kind.id()))
            .with_line(offset)
            .as_input()
            .with_bias(bias)
            .with_edge_detection(EdgeDetection::BothEdges);
        if !debounce.is_zero() {
            builder.with_debounce_period(debounce);
        }
        let (request, polled) = match builder.request() {
            Ok(request) => (request, None),
            Err(edge_error) => {
                // A line without an interrupt refuses edge detection: read it instead.
                tracing::warn!("{device}: no edge events ({edge_error}); polling it");
                let request = Request::builder()
                    .on_chip(chip)
                    .with_consumer(format!("vestibule-{}", kind.id()))
                    .with_line(offset)
                    .as_input()
                    .with_bias(bias)
                    .request()
                    .map_err(|e| DeviceError::new(&device, e))?;
                (request, Some(debounce))
            }
        };
        let mut watcher = Watcher {
            request,
            line: offset,
            kind,
            polarity: pin.polarity,
            polled: None,
            device,
        };
        if let Some(debounce) = polled {
            let active = watcher.polarity.is_on(watcher.high()?);
            watcher.polled = Some(Debouncer::new(active, debounce));
        }
        Ok(watcher)
    }

    fn high(&self) -> Result<bool, DeviceError> {
        self.request
            .value(self.line)
            .map(|v| v == Value::Active)
            .map_err(|e| DeviceError::new(&self.device, e))
    }

    /// Reports each debounced change until `stop`. The level is read from the line after an
    /// edge rather than taken from the edge's kind, so a lost event cannot leave it wrong.
    fn run(mut self, tx: &Sender<InputEvent>, levels: &SharedLevels, stop: &AtomicBool) {
        let mut last = levels
            .get()
            .iter()
            .find(|(k, _)| *k == self.kind)
            .and_then(|(_, l)| *l);
        let mut failing = false;
        while !stop.load(Ordering::Relaxed) {
            let active = match self.polled.as_mut() {
                Some(debouncer) => {
                    std::thread::sleep(POLL);
                    let high = self.request.value(self.line).map(|v| v == Value::Active);
                    high.map(|h| {
                        debouncer.update(self.polarity.is_on(h), Instant::now());
                        debouncer.level()
                    })
                }
                None => self.request.wait_edge_event(WAKE).and_then(|edge| {
                    if edge {
                        // Drain what queued; the line's debounced value says where it is now.
                        while self.request.has_edge_event()? {
                            self.request.read_edge_event()?;
                        }
                    }
                    self.request
                        .value(self.line)
                        .map(|v| self.polarity.is_on(v == Value::Active))
                }),
            };
            match active {
                Ok(active) => {
                    failing = false;
                    levels.set(self.kind, Some(active));
                    if last != Some(active) {
                        last = Some(active);
                        let event = InputEvent {
                            input: self.kind,
                            active,
                        };
                        if tx.send(event).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    // A line that cannot be read has no level to report.
                    levels.set(self.kind, None);
                    last = None;
                    if !failing {
                        failing = true;
                        tracing::error!("{}: {e}", self.device);
                    }
                    std::thread::sleep(WAKE);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chip_is_named_by_path_or_by_labels_in_order() {
        assert_eq!(
            ChipSpec::parse("/dev/gpiochip0"),
            ChipSpec::Path("/dev/gpiochip0".into())
        );
        assert_eq!(
            ChipSpec::parse("label:pinctrl-bcm2711, pinctrl-rp1"),
            ChipSpec::Labels(vec!["pinctrl-bcm2711".into(), "pinctrl-rp1".into()])
        );
    }

    #[test]
    fn a_missing_label_names_the_chips_present() {
        let e = find_chip("label:no-such-chip-vestibule").unwrap_err();
        assert!(e.to_string().contains("no GPIO chip has that label"), "{e}");
    }
}
