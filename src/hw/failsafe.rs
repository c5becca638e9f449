//! Every way out locks the door.
//!
//! [`FailSafeRelay`] puts a [`DoorRelay`] behind a mutex and gives it a supervisor thread
//! that ends each pulse on time and runs the main-loop watchdog: the loop must call
//! [`FailSafeRelay::feed`] more often than the watchdog period, or the relay is forced off
//! (and pulses are refused until the loop feeds it again).
//!
//! [`install`] adds the process-wide ways out: a panic hook (chained before the existing
//! one) and a SIGTERM/SIGINT/SIGQUIT/SIGHUP handler thread. Both force every live
//! `FailSafeRelay` off; the signal handler then lets the signal's default action end the
//! process. Dropping a `FailSafeRelay` (or its last clone) forces it off too.
//!
//! What no software can cover: SIGKILL and power loss. A fail-secure strike wired
//! normally-locked stays locked when the relay loses power, which is what the pin map assumes.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, Once, TryLockError, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use embedded_hal::digital::OutputPin;

use super::relay::{DoorRelay, Error};
use super::{Millis, PinFault, Relay};

/// What the supervisor and the emergency paths share.
struct State<P: OutputPin> {
    relay: DoorRelay<P>,
    watchdog: Option<Duration>,
    fed: Instant,
    stalled: bool,
    stopping: bool,
}

struct Shared<P: OutputPin> {
    state: Mutex<State<P>>,
    wake: Condvar,
}

/// Something the panic hook and the signal handler can lock.
trait EmergencyOff: Send + Sync {
    fn emergency_off(&self);
}

impl<P: OutputPin + Send> EmergencyOff for Shared<P> {
    fn emergency_off(&self) {
        // The hook may run on a thread that holds the lock (a panic inside a pin call):
        // never block on it. The supervisor and Drop still lock the door once it is free.
        let give_up = Instant::now() + Duration::from_millis(200);
        loop {
            match self.state.try_lock() {
                Ok(mut state) => {
                    let _ = state.relay.force_off();
                    return;
                }
                Err(TryLockError::Poisoned(p)) => {
                    let _ = p.into_inner().relay.force_off();
                    return;
                }
                Err(TryLockError::WouldBlock) if Instant::now() < give_up => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(TryLockError::WouldBlock) => return,
            }
        }
    }
}

/// Every live relay, for the panic hook and the signal handler.
static LIVE: Mutex<Vec<Weak<dyn EmergencyOff>>> = Mutex::new(Vec::new());

/// Forces every live [`FailSafeRelay`] off. Safe to call from any thread, at any time.
pub fn all_off() {
    let live: Vec<_> = match LIVE.try_lock() {
        Ok(live) => live.iter().filter_map(Weak::upgrade).collect(),
        Err(TryLockError::Poisoned(p)) => p.into_inner().iter().filter_map(Weak::upgrade).collect(),
        Err(TryLockError::WouldBlock) => {
            // Registration is quick; wait for it rather than skip a relay.
            let live = LIVE.lock().unwrap_or_else(|p| p.into_inner());
            live.iter().filter_map(Weak::upgrade).collect()
        }
    };
    for relay in live {
        relay.emergency_off();
    }
}

/// A door relay with its pulse timer and the main-loop watchdog on a supervisor thread.
pub struct FailSafeRelay<P: OutputPin + Send + 'static> {
    shared: Arc<Shared<P>>,
    supervisor: Option<JoinHandle<()>>,
}

impl<P: OutputPin + Send + 'static> FailSafeRelay<P>
where
    P::Error: Send,
{
    /// Supervises `relay`; with `watchdog`, the main loop must [`feed`](Self::feed) at
    /// least that often (it starts fed).
    pub fn start(relay: DoorRelay<P>, watchdog: Option<Duration>) -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                relay,
                watchdog,
                fed: Instant::now(),
                stalled: false,
                stopping: false,
            }),
            wake: Condvar::new(),
        });
        let weak = Arc::downgrade(&shared);
        let supervisor = std::thread::Builder::new()
            .name("door-relay".into())
            .spawn(move || supervise(weak))
            .expect("spawn the door relay supervisor");
        let erased: Arc<dyn EmergencyOff> = shared.clone();
        let mut live = LIVE.lock().unwrap_or_else(|p| p.into_inner());
        live.retain(|w| w.strong_count() > 0);
        live.push(Arc::downgrade(&erased));
        FailSafeRelay {
            shared,
            supervisor: Some(supervisor),
        }
    }

    fn state(&self) -> MutexGuard<'_, State<P>> {
        self.shared.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Unlocks the door for `duration`; the supervisor locks it again on time.
    pub fn pulse(&self, duration: Duration) -> Result<(), Error<P::Error>> {
        let mut state = self.state();
        if state.stalled {
            return Err(Error::Stalled);
        }
        state.relay.pulse(duration, Instant::now())?;
        drop(state);
        self.shared.wake.notify_all();
        Ok(())
    }

    /// Tells the watchdog the main loop is alive.
    pub fn feed(&self) {
        let mut state = self.state();
        state.fed = Instant::now();
        if state.stalled {
            tracing::warn!("door relay: the main loop is feeding the watchdog again");
        }
        state.stalled = false;
        drop(state);
        self.shared.wake.notify_all();
    }

    /// Enters (locking the door) or leaves a lockdown.
    pub fn set_lockdown(&self, on: bool) -> Result<(), Error<P::Error>> {
        self.state().relay.set_lockdown(on)
    }

    /// Locks the door now.
    pub fn force_off(&self) -> Result<(), Error<P::Error>> {
        self.state().relay.force_off()
    }

    /// Whether the door is being held open.
    pub fn is_on(&self) -> bool {
        self.state().relay.is_on()
    }

    /// Whether the watchdog has lapsed and not been fed since.
    pub fn is_stalled(&self) -> bool {
        self.state().stalled
    }

    /// The normal stop: locks the door, then ends the supervisor.
    pub fn stop(mut self) -> Result<(), Error<P::Error>> {
        let locked = self.force_off();
        self.stop_supervisor();
        locked
    }

    fn stop_supervisor(&mut self) {
        {
            let mut state = self.state();
            let _ = state.relay.force_off();
            state.stopping = true;
        }
        self.shared.wake.notify_all();
        if let Some(handle) = self.supervisor.take() {
            let _ = handle.join();
        }
    }
}

impl<P: OutputPin + Send + 'static> Drop for FailSafeRelay<P> {
    fn drop(&mut self) {
        let mut state = self.shared.state.lock().unwrap_or_else(|p| p.into_inner());
        let _ = state.relay.force_off();
        state.stopping = true;
        drop(state);
        self.shared.wake.notify_all();
        if let Some(handle) = self.supervisor.take() {
            let _ = handle.join();
        }
    }
}

/// The supervisor: ends pulses on time and forces the relay off when the watchdog lapses.
/// Holds only a weak reference, so dropping the last `FailSafeRelay` ends it.
fn supervise<P: OutputPin + Send>(shared: Weak<Shared<P>>) {
    loop {
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.stopping {
            return;
        }
        let now = Instant::now();
        if let Err(e) = state.relay.poll(now) {
            tracing::error!("door relay: could not end a pulse: {e:?}");
        }
        let mut wake_at = state.relay.deadline();
        if let Some(period) = state.watchdog {
            let lapse = state.fed + period;
            if !state.stalled && now >= lapse {
                state.stalled = true;
                tracing::error!("door relay: the main loop stalled; door forced locked");
                if let Err(e) = state.relay.force_off() {
                    tracing::error!("door relay: could not force it off: {e:?}");
                }
            }
            if !state.stalled {
                wake_at = Some(wake_at.map_or(lapse, |w| w.min(lapse)));
            }
        }
        // Wake for the next deadline, for any change, and at least every second to notice
        // that the last handle went away.
        let wait = wake_at
            .map(|w| w.saturating_duration_since(now))
            .unwrap_or(Duration::from_secs(1))
            .min(Duration::from_secs(1));
        let _ = shared
            .wake
            .wait_timeout(state, wait)
            .unwrap_or_else(|p| p.into_inner());
    }
}

impl<P: OutputPin + Send + 'static> Relay for FailSafeRelay<P>
where
    P::Error: Send,
{
    fn pulse(&mut self, _now: Millis, duration: Duration) -> Result<(), Error<PinFault>> {
        FailSafeRelay::pulse(self, duration).map_err(Error::erase)
    }

    fn set_lockdown(&mut self, _now: Millis, on: bool) -> Result<(), Error<PinFault>> {
        FailSafeRelay::set_lockdown(self, on).map_err(Error::erase)
    }

    fn force_off(&mut self, _now: Millis) -> Result<(), Error<PinFault>> {
        FailSafeRelay::force_off(self).map_err(Error::erase)
    }

    fn feed_watchdog(&mut self, _now: Millis) {
        self.feed();
    }
}

/// The signals that end the kiosk (systemd's stop, Ctrl-C, Ctrl-\\, a hang-up): each locks the
/// door before the process ends as that signal would have ended it.
pub const TERMINATING: [i32; 4] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGQUIT,
    signal_hook::consts::SIGHUP,
];

/// Installs the panic hook and the SIGTERM/SIGINT/SIGQUIT/SIGHUP handler that force every
/// [`FailSafeRelay`] off. Idempotent; call once at start-up, before the first relay pulses.
pub fn install() -> std::io::Result<()> {
    static PANIC_HOOK: Once = Once::new();
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            all_off();
            previous(info);
        }));
    });
    static SIGNALS: Mutex<bool> = Mutex::new(false);
    let mut installed = SIGNALS.lock().unwrap_or_else(|p| p.into_inner());
    if !*installed {
        let mut signals = signal_hook::iterator::Signals::new(TERMINATING)?;
        std::thread::Builder::new()
            .name("door-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    all_off();
                    tracing::warn!("signal {signal}: door locked, stopping");
                    // Die as the signal would have killed us, so systemd sees the real cause.
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            })?;
        *installed = true;
    }
    Ok(())
}
