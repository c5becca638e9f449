//! systemd's service watchdog (`Type=notify`, `WatchdogSec=`): the kiosk says READY=1 once its
//! window shows and pings WATCHDOG=1 from the UI loop's own timer, so a frozen UI (not just a
//! dead process) gets restarted. Outside systemd (no `NOTIFY_SOCKET`) every call does nothing.

use std::time::{Duration, Instant};

use sd_notify::NotifyState;

/// Pings the service manager at half the interval it asked for.
pub struct ServiceWatchdog {
    every: Option<Duration>,
    last: Option<Instant>,
}

impl ServiceWatchdog {
    /// Reads `WATCHDOG_USEC` / `WATCHDOG_PID` as systemd set them.
    pub fn from_env() -> ServiceWatchdog {
        ServiceWatchdog {
            every: sd_notify::watchdog_enabled().map(|timeout| timeout / 2),
            last: None,
        }
    }

    /// The window is up: systemd may consider the kiosk started.
    pub fn ready(&self) {
        if let Err(e) = sd_notify::notify(&[NotifyState::Ready]) {
            tracing::warn!("cannot tell systemd the kiosk is ready: {e}");
        }
    }

    /// Called on every UI timer tick; pings when half the watchdog interval has passed.
    pub fn tick(&mut self, now: Instant) {
        let Some(every) = self.every else { return };
        if self
            .last
            .is_some_and(|last| now.duration_since(last) < every)
        {
            return;
        }
        self.last = Some(now);
        if let Err(e) = sd_notify::notify(&[NotifyState::Watchdog]) {
            tracing::warn!("cannot ping the systemd watchdog: {e}");
        }
    }
}
