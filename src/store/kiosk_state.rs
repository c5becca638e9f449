//! What a running kiosk must not forget across a crash, a watchdog restart or a power cut:
//! the lockdown, the flagged check-ins waiting for staff, the PIN lockouts and the next visit
//! number ([`crate::kiosk::Durable`]). One row, sealed under the data key (queued check-ins
//! carry names), written in the same transaction as the event that changed it
//! ([`super::outbox::Record::KioskState`]).

use redb::{ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};

use super::crypto::Sealer;
use super::{Store, StoreError};

/// `state` -> the kiosk's durable state (JSON, sealed).
pub const KIOSK_STATE: TableDefinition<&str, &str> = TableDefinition::new("kiosk_state");
pub const KIOSK_STATE_NAME: &str = "kiosk_state";
const ROW: &str = "state";

/// Replaces the stored state inside `write`.
pub(super) fn save_in(
    write: &WriteTransaction,
    sealer: &Sealer,
    state: &serde_json::Value,
) -> Result<(), StoreError> {
    let plain = serde_json::to_vec(state).expect("JSON values serialise");
    let sealed = sealer.seal(KIOSK_STATE_NAME, ROW, &plain);
    write
        .open_table(KIOSK_STATE)?
        .insert(ROW, sealed.as_str())?;
    Ok(())
}

impl Store {
    /// The state the kiosk last saved; `None` when it never saved one.
    pub fn kiosk_state(&self) -> Result<Option<serde_json::Value>, StoreError> {
        let sealer = self.sealer()?;
        let read = self.db().begin_read()?;
        let table = match read.open_table(KIOSK_STATE) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(sealed) = table.get(ROW)? else {
            return Ok(None);
        };
        let plain = sealer.open(KIOSK_STATE_NAME, ROW, ROW, sealed.value())?;
        serde_json::from_slice(&plain)
            .map(Some)
            .map_err(|_| StoreError::Unseal {
                table: KIOSK_STATE_NAME,
                record: ROW.into(),
            })
    }
}

/// Key rotation: the state re-sealed under `new`.
pub(super) fn reseal_kiosk_state(
    write: &WriteTransaction,
    old: &Sealer,
    new: &Sealer,
) -> Result<(), StoreError> {
    let mut table = write.open_table(KIOSK_STATE)?;
    let sealed = table.get(ROW)?.map(|v| v.value().to_owned());
    if let Some(sealed) = sealed {
        let plain = old.open(KIOSK_STATE_NAME, ROW, ROW, &sealed)?;
        table.insert(ROW, new.seal(KIOSK_STATE_NAME, ROW, &plain).as_str())?;
    }
    Ok(())
}
