//! Slow work off the UI thread. A Brother printer waits up to 15 s for its status, argon2
//! takes its time on purpose, and a store write waits for redb's one writer, which an hourly
//! registry import holds for its whole length; on the UI thread any of them would starve the
//! relay's watchdog (it refuses pulses after 2 s) and systemd's (it kills the kiosk after
//! 20 s). Each kind of work has its own worker thread (a slow print never holds up a PIN check
//! or a write); answers come back on one channel the UI loop polls every tick: the flow's own
//! events, and the writer's "done" for each write, in the order the writes were handed over.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, OnceLock};
use std::thread::{self, JoinHandle};
use std::time::Instant;

use crate::alerts::kiosk::KioskOutbox;
use crate::badge::bitmap::Bitmap1;
use crate::hw::{BadgePrinter, Millis, PrintOutcome, PrinterKind};
use crate::kiosk::Event;
use crate::store::Store;

/// What comes back from a worker.
pub(super) enum Answer {
    /// An event for the flow (a print or a PIN check answered).
    Event(Event),
    /// The writer finished the oldest write it was handed: whether it was committed.
    Written { ok: bool },
}

/// One job for a worker that owns `R`: does the work, returns the answer.
type Job<R> = Box<dyn FnOnce(&mut R) -> Answer + Send>;

/// Called by a worker once its answer is on the way (the window's loop wakes to pick it up).
type Wake = Arc<OnceLock<Box<dyn Fn() + Send + Sync>>>;

/// A thread that owns `R` and runs jobs on it, one after another.
struct Worker<R> {
    jobs: Sender<Job<R>>,
    thread: Option<JoinHandle<()>>,
}

impl<R: Send + 'static> Worker<R> {
    fn start(name: &str, mut resource: R, answers: Sender<Answer>, wake: Wake) -> Worker<R> {
        let (jobs, queue) = mpsc::channel::<Job<R>>();
        let thread = thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                for job in queue {
                    // the kiosk may be gone: the rest of the queue still runs (writes finish)
                    let _ = answers.send(job(&mut resource));
                    if let Some(wake) = wake.get() {
                        wake();
                    }
                }
            })
            .expect("a worker thread starts");
        Worker {
            jobs,
            thread: Some(thread),
        }
    }

    /// Stops taking jobs and waits until the ones handed over are done.
    fn finish(mut self) {
        drop(self.jobs);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// False when the worker is gone (it panicked): the job will never be answered.
    fn submit(&self, job: Job<R>) -> bool {
        self.jobs.send(job).is_ok()
    }
}

/// What the writer thread owns: the store and the outbox's queueing (its alert rate limit
/// and the names alerts carry are kept where alerts are committed).
pub(super) struct Writer {
    pub store: Arc<Store>,
    pub outbox: KioskOutbox,
}

/// The kiosk's workers and the answers on their way back.
pub(super) struct Background {
    answers: Receiver<Answer>,
    /// Jobs submitted and not answered yet.
    pending: usize,
    printer: Worker<Box<dyn BadgePrinter + Send>>,
    printer_kind: PrinterKind,
    pins: Worker<()>,
    /// None for a kiosk without a database (nothing is written).
    writer: Option<Worker<Writer>>,
    wake: Wake,
}

impl Background {
    /// Starts the workers; the print worker owns `printer` from now on, the writer `writer`.
    pub(super) fn start(
        printer: Box<dyn BadgePrinter + Send>,
        writer: Option<Writer>,
    ) -> Background {
        let (send, answers) = mpsc::channel();
        let printer_kind = printer.kind();
        let wake = Wake::default();
        Background {
            answers,
            pending: 0,
            printer: Worker::start("vestibule-printer", printer, send.clone(), wake.clone()),
            printer_kind,
            pins: Worker::start("vestibule-pins", (), send.clone(), wake.clone()),
            writer: writer.map(|w| Worker::start("vestibule-writer", w, send, wake.clone())),
            wake,
        }
    }

    /// From now on every answer also calls `wake` (on the worker's thread), so a loop that
    /// polls on a timer can pick it up at once instead of at its next tick. Set once.
    pub(super) fn wake_with(&self, wake: impl Fn() + Send + Sync + 'static) {
        let _ = self.wake.set(Box::new(wake));
    }

    /// Whether writes have somewhere to go (the kiosk has a database).
    pub(super) fn writes(&self) -> bool {
        self.writer.is_some()
    }

    /// Runs `write` on the writer thread, after every write handed over before it; answers
    /// [`Answer::Written`] with what it returned. False (and nothing answered) when there is
    /// no writer.
    pub(super) fn write(
        &mut self,
        write: impl FnOnce(&mut Writer) -> bool + Send + 'static,
    ) -> bool {
        let Some(writer) = &self.writer else {
            return false;
        };
        if writer.submit(Box::new(move |w| Answer::Written { ok: write(w) })) {
            self.pending += 1;
            true
        } else {
            tracing::error!("the writer is gone: the write is never answered");
            false
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
            Answer::Event(answer(ok))
        });
        if self.printer.submit(job) {
            self.pending += 1;
        } else {
            tracing::error!("the print worker is gone: the print is never answered");
        }
    }

    /// Runs `check` on the PIN worker; its answer comes back like any other.
    pub(super) fn check_pin(&mut self, check: impl FnOnce() -> Event + Send + 'static) {
        if self.pins.submit(Box::new(move |()| Answer::Event(check()))) {
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
    pub(super) fn try_answer(&mut self) -> Option<Answer> {
        let answer = self.answers.try_recv().ok()?;
        self.pending = self.pending.saturating_sub(1);
        Some(answer)
    }

    /// The next answer, waiting for it until `deadline` at most.
    pub(super) fn answer_by(&mut self, deadline: Instant) -> Option<Answer> {
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

impl Drop for Background {
    /// The writes handed over are finished before the kiosk goes (a script's last visit is in
    /// the file when the process exits).
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take() {
            writer.finish();
        }
    }
}
