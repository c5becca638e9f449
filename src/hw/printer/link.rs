//! Where a print job's bytes go. The edge of the printer module: everything else is pure.
//!
//! - [`DeviceLink`]: the kernel's `usblp` device (`/dev/usb/lp0`), which also reads status
//!   back, so a Brother can say it is out of labels.
//! - [`TcpLink`]: network printers' raw port 9100 (Brother QL-810W/820NWB, Zebras).
//! - [`JobDir`]: one numbered `.bin` file per job, for the simulated printer and the
//!   scripted kiosk's `printer/<n>.bin`.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

/// A connection to a printer.
pub trait PrinterLink {
    /// Sends one whole job; returns once every byte is handed to the device or socket.
    fn send(&mut self, job: &[u8]) -> io::Result<()>;

    /// Sends `request` and waits up to `timeout` for exactly `len` reply bytes. `Ok(None)`
    /// when nothing (or too little) came back: the caller decides whether silence is a fault.
    fn query(
        &mut self,
        request: &[u8],
        len: usize,
        timeout: Duration,
    ) -> io::Result<Option<Vec<u8>>>;
}

impl<L: PrinterLink + ?Sized> PrinterLink for Box<L> {
    fn send(&mut self, job: &[u8]) -> io::Result<()> {
        (**self).send(job)
    }

    fn query(
        &mut self,
        request: &[u8],
        len: usize,
        timeout: Duration,
    ) -> io::Result<Option<Vec<u8>>> {
        (**self).query(request, len, timeout)
    }
}

/// A printer device file such as `/dev/usb/lp0`, opened for reading and writing.
pub struct DeviceLink {
    file: File,
}

impl DeviceLink {
    /// Opens the device; a missing or busy device is an error naming it.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| io::Error::new(e.kind(), format!("printer {}: {e}", path.display())))?;
        Ok(DeviceLink { file })
    }
}

impl PrinterLink for DeviceLink {
    fn send(&mut self, job: &[u8]) -> io::Result<()> {
        self.file.write_all(job)?;
        self.file.flush()
    }

    fn query(
        &mut self,
        request: &[u8],
        len: usize,
        timeout: Duration,
    ) -> io::Result<Option<Vec<u8>>> {
        self.send(request)?;
        let deadline = Instant::now() + timeout;
        let mut reply = Vec::with_capacity(len);
        let mut chunk = vec![0; len];
        while reply.len() < len {
            let left = deadline.saturating_duration_since(Instant::now());
            // A read on a printer that has nothing to say would block forever: poll first.
            let wait = PollTimeout::try_from(left).unwrap_or(PollTimeout::MAX);
            let mut fds = [PollFd::new(self.file.as_fd(), PollFlags::POLLIN)];
            if left.is_zero() || poll(&mut fds, wait).map_err(io::Error::from)? == 0 {
                return Ok(None);
            }
            match self.file.read(&mut chunk[..len - reply.len()])? {
                0 => return Ok(None), // a plain file at its end: nothing will ever answer
                n => reply.extend_from_slice(&chunk[..n]),
            }
        }
        Ok(Some(reply))
    }
}

/// Raw TCP, normally port 9100.
pub struct TcpLink {
    stream: TcpStream,
}

impl TcpLink {
    /// Connects within `timeout` so a printer that is off does not hang the kiosk.
    pub fn connect(address: &str, timeout: Duration) -> io::Result<Self> {
        let named = |e: io::Error| io::Error::new(e.kind(), format!("printer {address}: {e}"));
        let socket = address
            .to_socket_addrs()
            .map_err(named)?
            .next()
            .ok_or_else(|| named(io::Error::new(io::ErrorKind::NotFound, "no address")))?;
        let stream = TcpStream::connect_timeout(&socket, timeout).map_err(named)?;
        stream.set_write_timeout(Some(timeout * 10))?;
        Ok(TcpLink { stream })
    }
}

impl PrinterLink for TcpLink {
    fn send(&mut self, job: &[u8]) -> io::Result<()> {
        self.stream.write_all(job)?;
        self.stream.flush()
    }

    fn query(
        &mut self,
        request: &[u8],
        len: usize,
        timeout: Duration,
    ) -> io::Result<Option<Vec<u8>>> {
        self.send(request)?;
        let deadline = Instant::now() + timeout;
        let mut reply = vec![0; len];
        let mut got = 0;
        while got < len {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.stream.set_read_timeout(Some(left))?;
            match self.stream.read(&mut reply[got..]) {
                Ok(0) => return Ok(None),
                Ok(n) => got += n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Ok(None)
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Some(reply))
    }
}

/// Writes job `n` to `<dir>/<n>.bin` (from 1): the simulated printer. Never answers queries.
pub struct JobDir {
    dir: PathBuf,
    jobs: u32,
}

impl JobDir {
    /// Creates `dir` if needed.
    pub fn create(dir: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(JobDir {
            dir: dir.to_path_buf(),
            jobs: 0,
        })
    }

    /// Number of jobs written so far (the last file is `<jobs>.bin`).
    pub fn jobs(&self) -> u32 {
        self.jobs
    }
}

impl PrinterLink for JobDir {
    fn send(&mut self, job: &[u8]) -> io::Result<()> {
        let path = self.dir.join(format!("{}.bin", self.jobs + 1));
        std::fs::write(&path, job)?;
        self.jobs += 1;
        Ok(())
    }

    fn query(&mut self, _: &[u8], _: usize, _: Duration) -> io::Result<Option<Vec<u8>>> {
        Ok(None)
    }
}
