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
        // Bytes came before the wait ran out (or were already waiting when this loop came
        // back late): the line was not quiet, whatever the clock says now.
        Ok(Some(n)) => Ok(Some(framer.extend(&buf[..n], Instant::now()))),
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(Some(Vec::new())),
        Err(e) => Err(e),
    }
}

/// The reader's thread and the channel its frames arrive on.
pub struct SerialReader {
    frames: Receiver<Frame>,
    /// The loop ended (the device closed or failed): its channel is disconnected.
    gone: bool,
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
            gone: false,
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
        match self.frames.try_recv() {
            Ok(frame) => Some(frame),
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.gone = true;
                None
            }
        }
    }

    fn gone(&self) -> bool {
        self.gone
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

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;

    /// A port that hands out chunks, one per read; `None` is a read that times out.
    struct Script(VecDeque<Option<&'static [u8]>>);

    impl TimedRead for Script {
        fn read_timeout(&mut self, buf: &mut [u8], _: Duration) -> io::Result<Option<usize>> {
            Ok(match self.0.pop_front().flatten() {
                Some(chunk) => {
                    buf[..chunk.len()].copy_from_slice(chunk);
                    Some(chunk.len())
                }
                None => None,
            })
        }
    }

    fn framer() -> ScanFramer {
        ScanFramer::new(FramerConfig {
            suffix: None,
            gap: Duration::from_millis(30),
            max_len: 4096,
        })
    }

    #[test]
    fn a_loop_that_comes_back_late_does_not_cut_a_scan_in_two() {
        let mut port = Script(VecDeque::from([
            Some(&b"@\n\x1e\rANSI "[..]),
            Some(b"636030"),
            None,
        ]));
        let (mut framer, mut buf) = (framer(), [0u8; 64]);
        assert_eq!(
            step(&mut port, &mut framer, &mut buf).unwrap(),
            Some(vec![])
        );
        // The thread was starved past the gap; the rest of the scan was waiting meanwhile.
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(
            step(&mut port, &mut framer, &mut buf).unwrap(),
            Some(vec![])
        );
        std::thread::sleep(Duration::from_millis(60));
        let frames = step(&mut port, &mut framer, &mut buf).unwrap().unwrap();
        assert_eq!(frames, [Frame::Scan(b"@\n\x1e\rANSI 636030".to_vec())]);
    }

    #[test]
    fn a_read_that_times_out_past_the_gap_ends_the_scan() {
        let mut port = Script(VecDeque::from([
            Some(&b"first"[..]),
            None,
            Some(b"second"),
            None,
        ]));
        let (mut framer, mut buf) = (framer(), [0u8; 64]);
        step(&mut port, &mut framer, &mut buf).unwrap();
        std::thread::sleep(Duration::from_millis(40));
        let first = step(&mut port, &mut framer, &mut buf).unwrap().unwrap();
        assert_eq!(first, [Frame::Scan(b"first".to_vec())]);
        step(&mut port, &mut framer, &mut buf).unwrap();
        std::thread::sleep(Duration::from_millis(40));
        let second = step(&mut port, &mut framer, &mut buf).unwrap().unwrap();
        assert_eq!(second, [Frame::Scan(b"second".to_vec())]);
    }
}
