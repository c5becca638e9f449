//! The kiosk in a real window: a desktop window (`--features desktop`) or full screen on a Pi
//! (`--features pi`, linuxkms). Kiosk time is the real clock's; a timer ticks the flow ten
//! times a second for the idle and door timers and for what the simulated reader's console
//! ([`super::console`]) sent, and every tap is handled as it arrives.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use slint::ComponentHandle;

use super::script::Step;
use super::watchdog::ServiceWatchdog;
use super::KioskApp;
use crate::kiosk::{Event, Millis, Tap};
use crate::ui::{self, AppWindow};

/// How often the flow's timers are looked at.
const TICK: Duration = Duration::from_millis(100);

thread_local! {
    /// What the UI thread does when a background answer wakes it (set by [`run`]).
    static ANSWERS: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Why the window could not run.
#[derive(Debug, thiserror::Error)]
#[error("the kiosk window cannot open: {0} (a build for a screen needs --features desktop or pi)")]
pub struct WindowError(String);

/// Opens the window and runs until it is closed; `console` carries simulated scans and pins,
/// `opened` is called once the window exists.
pub fn run(
    app: KioskApp,
    school: &str,
    console: Receiver<Step>,
    opened: impl FnOnce(),
) -> Result<(), WindowError> {
    let window = AppWindow::new().map_err(|e| WindowError(e.to_string()))?;
    let mut watchdog = ServiceWatchdog::from_env();
    watchdog.ready();
    opened();
    let start = Instant::now();
    let clock = move || Millis::try_from(start.elapsed().as_millis()).unwrap_or(Millis::MAX);
    let mut app = app;
    // Prints and PIN checks answer on later ticks: the loop never waits for them.
    app.answer_later();
    let app = Rc::new(RefCell::new(app));
    ui::set_school(&window, school);
    ui::select_language(app.borrow().kiosk().settings().language);
    app.borrow().present(&window);
    ui::on_tap(&window, {
        let (app, weak) = (app.clone(), window.as_weak());
        move |tap| {
            let mut app = app.borrow_mut();
            app.advance_to(clock());
            app.dispatch(Event::Tap(tap));
            if let Some(window) = weak.upgrade() {
                app.present(&window);
            }
        }
    });
    // A background answer (a write, a print, a PIN check) wakes the loop to take it at once.
    ANSWERS.with(|answers| {
        let (app, weak) = (app.clone(), window.as_weak());
        *answers.borrow_mut() = Some(Box::new(move || {
            let Ok(mut app) = app.try_borrow_mut() else {
                return; // the loop is in the middle of a turn: it polls at its end
            };
            app.advance_to(clock());
            app.poll_devices();
            if let (true, Some(window)) = (app.take_dirty(), weak.upgrade()) {
                app.present(&window);
            }
        }));
    });
    app.borrow().wake_on_answer(|| {
        let _ = slint::invoke_from_event_loop(|| {
            ANSWERS.with(|answers| {
                if let Some(take) = &*answers.borrow() {
                    take();
                }
            });
        });
    });
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, TICK, {
        let (app, weak) = (app.clone(), window.as_weak());
        move || {
            // The ping comes from the UI loop itself: a frozen UI stops it and systemd restarts.
            watchdog.tick(Instant::now());
            let mut app = app.borrow_mut();
            app.advance_to(clock());
            app.poll_devices();
            for step in console.try_iter() {
                console_step(&mut app, step);
            }
            if let (true, Some(window)) = (app.take_dirty(), weak.upgrade()) {
                app.present(&window);
            }
        }
    });
    window.run().map_err(|e| WindowError(e.to_string()))
}

/// How often an out-of-service kiosk looks whether its problem is gone.
const RECHECK: Duration = Duration::from_secs(5);

/// Shows the out-of-service screen (door locked: no relay is open) until `recheck`, called
/// every few seconds, says the kiosk can start, then returns so the caller starts it. Reports
/// READY and pings the systemd watchdog meanwhile: a kiosk waiting for its reader is not a
/// crash to restart, and a reboot loop would not bring the reader back.
pub fn run_out_of_service(
    detail: &str,
    mut recheck: impl FnMut() -> Result<(), String> + 'static,
) -> Result<(), WindowError> {
    let window = AppWindow::new().map_err(|e| WindowError(e.to_string()))?;
    ui::present_out_of_service(&window, detail);
    tracing::warn!("out of service: {detail}");
    let mut watchdog = ServiceWatchdog::from_env();
    watchdog.ready();
    let mut last_check = Instant::now();
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, TICK, {
        let weak = window.as_weak();
        move || {
            let now = Instant::now();
            watchdog.tick(now);
            if now.duration_since(last_check) < RECHECK {
                return;
            }
            last_check = now;
            match recheck() {
                Ok(()) => {
                    let _ = slint::quit_event_loop();
                }
                Err(detail) => {
                    if let Some(window) = weak.upgrade() {
                        ui::present_out_of_service(&window, &detail);
                    }
                }
            }
        }
    });
    window.run().map_err(|e| WindowError(e.to_string()))
}

/// One line of the simulated reader's console.
fn console_step(app: &mut KioskApp, step: Step) {
    match step {
        Step::Scan(payload) => app.scan(payload.as_bytes()),
        Step::Type(text) => app.dispatch(Event::Typed(text)),
        Step::Gpio(pin) => app.dispatch(Event::Input(pin.pin())),
        Step::Tap(label) => {
            if let Some(tap) = Tap::from_label(&label) {
                app.dispatch(Event::Tap(tap));
            }
        }
        // refused by the console already
        Step::WaitMs(_) | Step::Screenshot(_) => {}
    }
}
