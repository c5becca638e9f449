//! `vestibule kiosk --sim --headless`: the real UI on Slint's software renderer with mock time,
//! driven by a script. Taps find the element by its accessible label on the screen as shown
//! and invoke its default action, exactly what a screen reader or a finger would trigger; the
//! UI reports the tap back through `Api.tap` like any other.

use std::cell::RefCell;
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use i_slint_backend_testing::{ElementHandle, TestingBackend, TestingBackendOptions};
use slint::ComponentHandle;

use super::script::{ScriptError, Step};
use super::KioskApp;
use crate::kiosk::{Event, Tap};
use crate::ui::{self, AppWindow};

/// Why a headless run stopped.
#[derive(Debug, thiserror::Error)]
pub enum HeadlessError {
    #[error(transparent)]
    Script(#[from] ScriptError),
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("the UI could not start: {0}")]
    Ui(String),
}

/// Installs the headless platform (once per process) and opens the kiosk window.
pub fn open_window(width: u32, height: u32) -> Result<AppWindow, HeadlessError> {
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .map_err(|e| HeadlessError::Ui(e.to_string()))?;
    let window = AppWindow::new().map_err(|e| HeadlessError::Ui(e.to_string()))?;
    window
        .window()
        .set_size(slint::PhysicalSize::new(width, height));
    window
        .show()
        .map_err(|e| HeadlessError::Ui(e.to_string()))?;
    Ok(window)
}

/// Runs `steps` against `app` shown in `window`; screenshots go to `out`.
pub fn run(
    app: KioskApp,
    window: &AppWindow,
    school: &str,
    steps: &[(usize, Step)],
    out: &Path,
) -> Result<(), HeadlessError> {
    let app = Rc::new(RefCell::new(app));
    // Taps land in a queue and are handled after the UI call returns, so the flow never runs
    // inside a UI callback.
    let taps: Rc<RefCell<Vec<Tap>>> = Rc::default();
    ui::on_tap(window, {
        let taps = taps.clone();
        move |tap| taps.borrow_mut().push(tap)
    });
    ui::set_school(window, school);
    ui::select_language(app.borrow().kiosk().settings().language);
    app.borrow().present(window);
    for (line, step) in steps {
        let at_line = |reason: String| ScriptError {
            line: *line,
            reason,
        };
        match step {
            Step::Scan(payload) => app.borrow_mut().scan(payload.as_bytes()),
            Step::Tap(label) => {
                let element = ElementHandle::find_by_accessible_label(window, label)
                    .find(ElementHandle::is_valid)
                    .ok_or_else(|| at_line(format!("no `{label}` on the screen shown")))?;
                element.invoke_accessible_default_action();
                for tap in taps.borrow_mut().drain(..) {
                    app.borrow_mut().dispatch(Event::Tap(tap));
                }
            }
            Step::Type(text) => app.borrow_mut().dispatch(Event::Typed(text.clone())),
            Step::Gpio(pin) => app.borrow_mut().dispatch(Event::Input(pin.pin())),
            Step::WaitMs(ms) => {
                app.borrow_mut().wait(*ms);
                i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(*ms));
            }
            Step::Screenshot(name) => {
                let path = out.join(format!("{name}.png"));
                screenshot(window, &path)?;
            }
        }
        // Each step's prints and PIN checks are answered before the next step (the kiosk
        // settles after every event already; this holds for any step added later too).
        app.borrow_mut().settle(std::time::Duration::from_secs(120));
        if app.borrow_mut().take_dirty() {
            app.borrow().present(window);
        }
    }
    Ok(())
}

/// Writes what the window shows now as a PNG.
pub fn screenshot(window: &AppWindow, path: &PathBuf) -> Result<(), HeadlessError> {
    slint::platform::update_timers_and_animations();
    let shot = window
        .window()
        .take_snapshot()
        .map_err(|e| HeadlessError::Ui(e.to_string()))?;
    let file = std::fs::File::create(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    let mut encoder = png::Encoder::new(io::BufWriter::new(file), shot.width(), shot.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(shot.as_bytes()))
        .map_err(|e| io::Error::other(format!("{}: {e}", path.display())))?;
    Ok(())
}
