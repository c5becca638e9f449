//! The running kiosk keeps its registry current by itself: redb lets one process open the
//! database, so while the kiosk runs, `vestibule registry sync` from a timer cannot. A thread
//! of the kiosk syncs at start and then every interval through the kiosk's own store;
//! screening goes on against the installed registry until an import commits. The same sync
//! adds the release's invitation revocations, so `check_invitation` refuses a token revoked
//! anywhere in the district from the kiosk's next round on.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Duration;

use super::sync::{self, Outcome, Settings};
use crate::store::Store;

/// How often the kiosk looks for a new release.
pub const EVERY: Duration = Duration::from_secs(3600);

/// The sync thread; dropping it stops the thread after the sync in progress, if any.
pub struct RegistrySync {
    _stop: Sender<()>,
}

impl RegistrySync {
    /// Syncs now, then every `every`, into `store`; `dir` keeps downloads (see
    /// [`sync::state_dir`]).
    pub fn start(store: Arc<Store>, dir: PathBuf, settings: Settings, every: Duration) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("registry-sync".into())
            .spawn(move || loop {
                match sync::sync_store(&store, &dir, &settings) {
                    Ok(Outcome::Current { serial, revoked }) => {
                        tracing::debug!("registry feed: serial {serial} is current");
                        if revoked > 0 {
                            tracing::info!("registry feed: {revoked} invitations revoked")
                        }
                    }
                    Ok(Outcome::Installed {
                        serial,
                        revoked,
                        quarantined,
                        bad_rows,
                        ..
                    }) => {
                        tracing::info!(
                            "registry feed: installed serial {serial}, {revoked} invitations newly revoked"
                        );
                        if bad_rows > 0 {
                            // line numbers and columns only: nothing from the rows themselves
                            let first: Vec<String> =
                                quarantined.iter().take(10).map(ToString::to_string).collect();
                            tracing::warn!(
                                "registry feed: serial {serial}: {bad_rows} bad rows left out ({})",
                                first.join("; ")
                            );
                        }
                    }
                    // the installed registry keeps answering; the next round tries again
                    Err(e) => tracing::warn!("registry feed: {e}"),
                }
                match stopped.recv_timeout(every) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
            })
            .expect("spawn the registry sync thread");
        RegistrySync { _stop: stop }
    }
}
