//! The Slint UI. Generated types stay inside this module; the rest of the crate talks to the
//! screens only through the adapters here.

#[allow(clippy::all)]
mod generated {
    slint::include_modules!();
}

pub use generated::{AppWindow, Kiosk};
