//! A registry the kiosk screens against offline must not grow old unnoticed: the staff screen
//! shows its age, and ONE `registry-stale` alert goes out when it becomes older than
//! `sync.max_registry_age_hours` (48 h by default).
//!
//! Once per registry: the alert is remembered with the import time of the registry it was
//! about (`meta.registry_stale_alerted`, committed in the same transaction as the alert and its
//! audit line), so neither the kiosk's periodic look nor a restart sends it again. A newer
//! registry that arrives and ages past the limit in turn sends its own. Staff and `vestibule
//! doctor` see the age meanwhile. The age is the time since the registry was imported, the same
//! age `vestibule doctor` reports.
//!
//! Pure: the kiosk ([`crate::app`]) reads the times from the store and the clock.

use std::time::Duration;

/// `meta` key: the import time (Unix seconds) of the registry the stale alert was sent about.
pub const META_STALE_ALERTED: &str = "registry_stale_alerted";

/// The `kind` of the alert.
pub const KIND: &str = "registry-stale";

/// How old the installed registry is, as staff see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegistryAge {
    /// When it was imported (Unix seconds).
    pub imported_at: u64,
    /// Since then (zero when the clock reads earlier than the import).
    pub age: Duration,
    /// Older than the configured limit.
    pub stale: bool,
}

impl RegistryAge {
    /// The age of a registry imported at `imported_at` (Unix seconds; 0: no import recorded,
    /// `None`) at `now` (Unix seconds), against `limit`.
    pub fn at(imported_at: u64, now: i64, limit: Duration) -> Option<RegistryAge> {
        if imported_at == 0 {
            return None;
        }
        let secs = u64::try_from(now).unwrap_or(0).saturating_sub(imported_at);
        let age = Duration::from_secs(secs);
        Some(RegistryAge {
            imported_at,
            age,
            stale: age > limit,
        })
    }

    /// Whole hours, for the staff screen.
    pub fn hours(&self) -> u64 {
        self.age.as_secs() / 3600
    }

    /// Whether the stale alert is due: stale, and not yet sent about this registry (`alerted`:
    /// the import time [`META_STALE_ALERTED`] holds, 0 when none was sent).
    pub fn alert_due(&self, alerted: u64) -> bool {
        self.stale && alerted != self.imported_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 3600;
    const LIMIT: Duration = Duration::from_secs(48 * HOUR);

    #[test]
    fn a_registry_becomes_stale_past_the_limit_and_alerts_once() {
        let imported = 1_700_000_000;
        let at = |hours: u64| RegistryAge::at(imported, (imported + hours * HOUR) as i64, LIMIT);
        let fresh = at(3).unwrap();
        assert_eq!((fresh.hours(), fresh.stale), (3, false));
        assert!(!fresh.alert_due(0));
        assert!(!at(48).unwrap().stale, "at the limit is not older than it");
        let stale = at(49).unwrap();
        assert!(stale.stale && stale.alert_due(0));
        // sent about this registry: not again, however old it gets
        assert!(!stale.alert_due(imported));
        assert!(!at(24 * 30).unwrap().alert_due(imported));
        // a newer registry that ages in turn alerts again
        let newer = RegistryAge::at(imported + 100 * HOUR, (imported + 149 * HOUR) as i64, LIMIT);
        assert!(newer.unwrap().alert_due(imported));
    }

    #[test]
    fn no_import_time_no_age_and_a_clock_behind_reads_zero() {
        assert_eq!(RegistryAge::at(0, 1_700_000_000, LIMIT), None);
        let behind = RegistryAge::at(1_700_000_000, 1_600_000_000, LIMIT).unwrap();
        assert_eq!((behind.hours(), behind.stale), (0, false));
    }
}
