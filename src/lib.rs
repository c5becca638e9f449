//! Vestibule: an open, self-hosted school lobby visitor kiosk.
//!
//! Data flows one way: bytes from the ID reader -> [`identity`] -> screening -> the kiosk flow
//! -> effects (screen, badge, door relay, alerts). The core modules are pure (no IO, no clock,
//! no environment); the edges adapt the world to them. See ARCHITECTURE.md for the map.
//!
//! - [`identity`], [`screening`], [`badge`]: the pure core, the `vestibule-core` crate.
//! - [`kiosk`]: the visit flow: a pure state machine, events in, effects out.
//! - [`config`]: `kiosk.toml` loading and validation.
//! - [`feed`]: the signed registry feed: `registry publish` (district) and `registry sync` (kiosk).
//! - [`doctor`]: `vestibule doctor`'s checks for technicians (pure, over a device probe).
//! - [`app`]: the running kiosk: the flow wired to the store, hardware and UI.
//! - [`ui`]: the Slint UI; the only module that touches generated UI types.

// The pure core, re-exported under the names the rest of the kiosk has always used.
pub use vestibule_core::{badge, identity, screening};

pub mod alerts;
pub mod app;
pub mod config;
pub mod doctor;
pub mod feed;
pub mod hw;
pub mod kiosk;
pub mod prereg;
pub mod report;
pub mod sis;
pub mod store;
pub mod ui;
