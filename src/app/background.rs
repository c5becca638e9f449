//! Slow work off the UI thread. A Brother printer waits up to 15 s for its status and argon2
//! takes its time on purpose; on the UI thread either would starve the relay's watchdog (it
//! refuses pulses after 2 s) and systemd's (it kills the kiosk after 20 s). Each kind of work
//! has its own worker thread (a slow print never holds up a PIN check); answers come back as
//! the flow's own events on one channel the UI loop polls every tick.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Instant;

use crate::badge::bitmap::Bitmap1;
use crate::hw::{BadgePrinter, Millis, PrintOutcome, PrinterKind};
use crate::kiosk::Event;

/// One job for a worker that owns `R`: does the work, returns the flow's answer.
type Job<R> = Box<dyn FnOnce(&mut R) -> Event + Send>;

/// A thread that owns `R` and runs jobs on it, one after another.
struct Worker<R> {
    jobs: Sender<Job<R>>,
}

impl<R: Send + 'static> Worker<R> {
    fn start(name: &str, mut resource: R, answers: Sender<Event>) -> Worker<R> {
        let (jobs, queue) = mpsc::channel::<Job<R>>();
        thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                for job in queue {
                    if answers.send(job(&mut resource)).is_err() {
                        return; // the kiosk is gone
                    }
                }
            })
            .expect("a worker thread starts");
        Worker { jobs }
    }

    /// False when the worker is gone (it panicked): the job will never be answered.
    fn submit(&self, job: Job<R>) -> bool {
        self.jobs.send(job).is_ok()
    }
}

/// The kiosk's workers and the answers on their way back.
pub(super) struct Background {
    answers: Receiver<Event>,
    /// Jobs submitted and not answered yet.
    pending: usize,
    printer: Worker<Box<dyn BadgePrinter + Send>>,
    printer_kind: PrinterKind,
    pins: Worker<()>,
}

impl Background {
    /// Starts the workers; the print worker owns `printer` from now on.
    pub(super) fn start(printer: Box<dyn BadgePrinter + Send>) -> Background {
        let (send, answers) = mpsc::channel();
        let printer_kind = printer.kind();
        Background {
            answers,
            pending: 0,
            printer: Worker::start("vestibule-printer", printer, send.clone()),
            printer_kind,
            pins: Worker::start("vestibule-pins", (), send),
        }
    }

    /// The printer and labels pages are rendered for.
    pub(super) fn printer_kind(&self) -> PrinterKind {
        self.printer_kind
    }

    /// Prints `pages` one after another (a failed page does not stop the rest: a partial
    /// evacuation list beats none) and answers `answer(every page printed)`.
    pub(super) fn print(
        &mut self,
        now: Millis,
        pages: Vec<Bitmap1>,
        answer: impl FnOnce(bool) -> Event + Send + 'static,
    ) {
        let job: Job<Box<dyn BadgePrinter + Send>> = Box::new(move |printer| {
            let mut ok = true;
            for page in &pages {
                ok &= matches!(printer.print(now, page), PrintOutcome::Printed);
            }
            answer(ok)
        });
        if self.printer.submit(job) {
            self.pending += 1;
        } else {
            tracing::error!("the print worker is gone: the print is never answered");
        }
    }

    /// Runs `check` on the PIN worker; its answer comes back like any other.
    pub(super) fn check_pin(&mut self, check: impl FnOnce() -> Event + Send + 'static) {
        if self.pins.submit(Box::new(move |()| check())) {
            self.pending += 1;
        } else {
            tracing::error!("the PIN worker is gone");
        }
    }

    /// Jobs submitted and not answered yet.
    pub(super) fn pending(&self) -> usize {
        self.pending
    }

    /// An answer that is ready, if any. Never blocks.
    pub(super) fn try_answer(&mut self) -> Option<Event> {
        let answer = self.answers.try_recv().ok()?;
        self.pending = self.pending.saturating_sub(1);
        Some(answer)
    }

    /// The next answer, waiting for it until `deadline` at most.
    pub(super) fn answer_by(&mut self, deadline: Instant) -> Option<Event> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.answers.recv_timeout(wait) {
            Ok(answer) => {
                self.pending = self.pending.saturating_sub(1);
                Some(answer)
            }
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }
}
