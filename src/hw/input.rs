//! Input pins (panic button, door-position contact): debounced over an embedded-hal 1.0
//! `InputPin`, watched on a thread that delivers changes over a channel.
//!
//! [`Debouncer`] is pure: levels and the time they were read go in, a change comes out once
//! the new level has held for the debounce time. [`DebouncedInput`] adds the pin and its
//! polarity; [`PinWatcher`] polls a set of them (boards with edge interrupts, such as rppal's,
//! feed the same channel from their interrupt callbacks instead: see `pi`).

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use embedded_hal::digital::InputPin;

use super::relay::Polarity;
use super::{InputEvent, InputKind, Inputs, SharedLevels};

/// Reports a level once it has been stable for `debounce`.
#[derive(Clone, Debug)]
pub struct Debouncer {
    debounce: Duration,
    stable: bool,
    candidate: Option<(bool, Instant)>,
}

impl Debouncer {
    /// Starts from `initial` (reported as no change).
    pub fn new(initial: bool, debounce: Duration) -> Self {
        Debouncer {
            debounce,
            stable: initial,
            candidate: None,
        }
    }

    /// The level read at `now`; returns the new stable level when it changed.
    pub fn update(&mut self, level: bool, now: Instant) -> Option<bool> {
        if level == self.stable {
            self.candidate = None;
            return None;
        }
        match self.candidate {
            Some((l, since)) if l == level => {
                if now.saturating_duration_since(since) >= self.debounce {
                    self.stable = level;
                    self.candidate = None;
                    Some(level)
                } else {
                    None
                }
            }
            _ => {
                self.candidate = Some((level, now));
                if self.debounce.is_zero() {
                    self.stable = level;
                    self.candidate = None;
                    return Some(level);
                }
                None
            }
        }
    }

    /// The last stable level.
    pub fn level(&self) -> bool {
        self.stable
    }
}

/// One input pin with its meaning, polarity and debouncer.
pub struct DebouncedInput<P: InputPin> {
    pin: P,
    kind: InputKind,
    polarity: Polarity,
    debouncer: Debouncer,
}

impl<P: InputPin> DebouncedInput<P> {
    /// Reads the pin once for its starting level. `ActiveLow` suits a button to ground with a
    /// pull-up.
    pub fn new(
        mut pin: P,
        kind: InputKind,
        polarity: Polarity,
        debounce: Duration,
    ) -> Result<Self, P::Error> {
        let active = polarity.is_on(pin.is_high()?);
        Ok(DebouncedInput {
            pin,
            kind,
            polarity,
            debouncer: Debouncer::new(active, debounce),
        })
    }

    /// Reads the pin at `now`; a debounced change comes back as an event.
    pub fn poll(&mut self, now: Instant) -> Result<Option<InputEvent>, P::Error> {
        let active = self.polarity.is_on(self.pin.is_high()?);
        Ok(self.debouncer.update(active, now).map(|active| InputEvent {
            input: self.kind,
            active,
        }))
    }

    /// Whether the input is active (pressed, door open) as last debounced.
    pub fn is_active(&self) -> bool {
        self.debouncer.level()
    }

    /// Which input this is.
    pub fn kind(&self) -> InputKind {
        self.kind
    }

    /// Gives the pin back.
    pub fn release(self) -> P {
        self.pin
    }
}

/// Polls input pins on a thread every `period` and sends their changes.
pub struct PinWatcher {
    events: Receiver<InputEvent>,
    levels: SharedLevels,
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl PinWatcher {
    /// Starts watching. A pin that fails to read is logged once and skipped until it reads
    /// again.
    pub fn start<P>(mut inputs: Vec<DebouncedInput<P>>, period: Duration) -> Self
    where
        P: InputPin + Send + 'static,
    {
        let (tx, events) = mpsc::channel();
        let (stop, stopped) = mpsc::channel::<()>();
        let levels = SharedLevels::default();
        for input in &inputs {
            levels.set(input.kind(), Some(input.is_active()));
        }
        let shared = levels.clone();
        let thread = std::thread::Builder::new()
            .name("input-pins".into())
            .spawn(move || {
                let mut failing = vec![false; inputs.len()];
                loop {
                    let now = Instant::now();
                    for (input, failing) in inputs.iter_mut().zip(&mut failing) {
                        match input.poll(now) {
                            Ok(Some(event)) => {
                                shared.set(event.input, Some(event.active));
                                if tx.send(event).is_err() {
                                    return;
                                }
                            }
                            Ok(None) => {
                                *failing = false;
                                shared.set(input.kind(), Some(input.is_active()));
                            }
                            Err(e) => {
                                // a pin that cannot be read has no level to report
                                shared.set(input.kind(), None);
                                if !*failing {
                                    *failing = true;
                                    tracing::error!("input pin {}: {e:?}", input.kind().id());
                                }
                            }
                        }
                    }
                    match stopped.recv_timeout(period) {
                        Err(mpsc::RecvTimeoutError::Timeout) => {}
                        _ => return,
                    }
                }
            })
            .expect("spawn the input pin watcher");
        PinWatcher {
            events,
            levels,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Waits up to `timeout` for the next change.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<InputEvent> {
        self.events.recv_timeout(timeout).ok()
    }
}

impl Inputs for PinWatcher {
    fn try_event(&mut self) -> Option<InputEvent> {
        self.events.try_recv().ok()
    }

    fn levels(&self) -> Vec<(InputKind, Option<bool>)> {
        self.levels.get()
    }
}

impl Drop for PinWatcher {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounce_shorter_than_the_debounce_is_ignored() {
        let t = Instant::now();
        let ms = |n| t + Duration::from_millis(n);
        let mut d = Debouncer::new(false, Duration::from_millis(30));
        assert_eq!(d.update(true, ms(0)), None);
        assert_eq!(d.update(false, ms(5)), None);
        assert_eq!(d.update(true, ms(10)), None);
        assert_eq!(d.update(true, ms(39)), None);
        assert_eq!(d.update(true, ms(40)), Some(true));
        assert_eq!(d.update(true, ms(100)), None);
        assert_eq!(d.update(false, ms(110)), None);
        assert_eq!(d.update(false, ms(140)), Some(false));
    }

    #[test]
    fn zero_debounce_reports_at_once() {
        let t = Instant::now();
        let mut d = Debouncer::new(false, Duration::ZERO);
        assert_eq!(d.update(true, t), Some(true));
        assert_eq!(d.update(false, t), Some(false));
    }
}
