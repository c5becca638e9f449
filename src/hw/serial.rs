//! The reader loop: reads a serial port, feeds a [`ScanFramer`] with the time each read
//! arrived, waits no longer than the framer's [`deadline`](ScanFramer::deadline) so a
//! gap-framed scan is closed on time, and delivers frames over a channel.
//!
//! [`SerialReader::open`] opens a device with the `serialport` crate (exclusively: a device
//! another program holds is "busy", named in the error). [`SerialReader::spawn`] runs the same
//! loop over anything that implements [`TimedRead`] (rppal's `Uart`, a test double).

use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::reader::{Frame, FramerConfig, ScanFramer};
use super::Reader;

/// How long a read waits when no scan is pending: also how quickly the loop notices a stop.
const IDLE_WAIT: Duration = Duration::from_millis(100);

/// A byte source that can wait a bounded time for input.
pub trait TimedRead {
    /// Reads what is available, waiting up to `timeout` for the first byte. `Ok(None)` when
    /// nothing came; `Ok(Some(0))` at end of file.
    fn read_timeout(&mut self, buf: &mut [u8], timeout: Duration) -> io::Result<Option<usize>>;
}

impl TimedRead for serialport::TTYPort {
    fn read_timeout(&mut self, buf: &mut [u8], timeout: Duration) -> io::Result<Option<usize>> {
        use serialport::SerialPort;
        // serialport polls for at most the timeout, then reads what is there.
        self.set_timeout(timeout.max(Duration::from_millis(1)))?;
        match self.read(buf) {
            Ok(n) => Ok(Some(n)),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// One step of the loop: waits for bytes until the framer's deadline (or [`IDLE_WAIT`]),
/// and returns the frames completed. `Ok(None)` at end of file.
pub fn step<R: TimedRead + ?Sized>(
    port: &mut R,
    framer: &mut ScanFramer,
    buf: &mut [u8],
) -> io::Result<Option<Vec<Frame>>> {
    let wait = framer
        .deadline()
        .map(|d| d.saturating_duration_since(Instant::now()))
        .unwrap_or(IDLE_WAIT);
    match port.read_timeout(buf, wait) {
        Ok(None) => Ok(Some(framer.tick(Instant::now()).into_iter().collect())),
        Ok(Some(0)) => Ok(None),
        Ok(Some(n)) => Ok(Some(framer.push(&buf[..n], Instant::now()))),
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(Some(Vec::new())),
        Err(e) => Err(e),
    }
}

/// The reader's thread and the channel its frames arrive on.
pub struct SerialReader {
    frames: Receiver<Frame>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SerialReader {
    /// Opens `device` at `baud` and starts reading. A missing or busy device is an error
    /// naming it.
    pub fn open(device: &Path, baud: u32, config: FramerConfig) -> io::Result<Self> {
        let port = open_port(device, baud)?;
        Ok(SerialReader::spawn(port, config))
    }

    /// Starts the loop on `port`.
    pub fn spawn<R: TimedRead + Send + 'static>(port: R, config: FramerConfig) -> Self {
        let (tx, frames) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("id-reader".into())
            .spawn(move || run(port, config, &stopping, &tx))
            .expect("spawn the reader thread");
        SerialReader {
            frames,
            stop,
            thread: Some(thread),
        }
    }

    /// Waits up to `timeout` for the next frame.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Frame> {
        self.frames.recv_timeout(timeout).ok()
    }
}

impl Reader for SerialReader {
    fn try_frame(&mut self) -> Option<Frame> {
        self.frames.try_recv().ok()
    }
}

impl Drop for SerialReader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Opens a serial device exclusively; errors name it.
pub fn open_port(device: &Path, baud: u32) -> io::Result<serialport::TTYPort> {
    let name = device.display().to_string();
    serialport::new(name.clone(), baud)
        .timeout(IDLE_WAIT)
        .open_native()
        .map_err(|e| {
            let kind = match e.kind() {
                serialport::ErrorKind::NoDevice => io::ErrorKind::NotFound,
                serialport::ErrorKind::Io(kind) => kind,
                _ => io::ErrorKind::Other,
            };
            let what = if kind == io::ErrorKind::NotFound {
                "not found".to_string()
            } else {
                e.to_string()
            };
            io::Error::new(kind, format!("ID reader {name}: {what}"))
        })
}

fn run<R: TimedRead>(mut port: R, config: FramerConfig, stop: &AtomicBool, tx: &Sender<Frame>) {
    let mut framer = ScanFramer::new(config);
    let mut buf = [0u8; 1024];
    while !stop.load(Ordering::SeqCst) {
        match step(&mut port, &mut framer, &mut buf) {
            Ok(Some(frames)) => {
                for frame in frames {
                    if tx.send(frame).is_err() {
                        return;
                    }
                }
            }
            Ok(None) => {
                tracing::error!("ID reader: the device closed");
                return;
            }
            Err(e) => {
                tracing::error!("ID reader: {e}");
                return;
            }
        }
    }
}
