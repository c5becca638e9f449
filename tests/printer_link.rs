//! Print jobs over the real links: a loopback "printer" on TCP, a plain file, a job folder.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use vestibule::hw::printer::brother::{self, Attention, Media, Status};
use vestibule::hw::printer::link::{DeviceLink, JobDir, PrinterLink, TcpLink};

/// A fake network Brother: records what it is sent and answers a status request with
/// a "cover open" reply.
fn loopback_printer() -> (String, std::thread::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let handle = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut received = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = socket.read(&mut buf).unwrap_or(0);
            if n == 0 {
                return received;
            }
            received.extend_from_slice(&buf[..n]);
            if received.ends_with(&brother::STATUS_REQUEST) {
                let mut reply = [0u8; 32];
                reply[..5].copy_from_slice(&[0x80, 0x20, b'B', b'4', 0x41]);
                reply[9] = 0x10; // cover open
                reply[10] = 62;
                reply[11] = 0x4b;
                reply[17] = 100;
                socket.write_all(&reply).unwrap();
            }
        }
    });
    (address, handle)
}

#[test]
fn tcp_link_sends_the_job_and_reads_status_back() {
    let (address, printer) = loopback_printer();
    let mut link = TcpLink::connect(&address, Duration::from_secs(2)).unwrap();
    link.send(b"job bytes").unwrap();
    let reply = link
        .query(&brother::STATUS_REQUEST, 32, Duration::from_secs(2))
        .unwrap()
        .expect("the printer answered");
    let status = Status::parse(&reply).unwrap();
    assert_eq!(status.attention(Media::Dk1202), Some(Attention::CoverOpen));
    drop(link);
    let received = printer.join().unwrap();
    assert!(received.starts_with(b"job bytes"));
}

#[test]
fn a_silent_printer_is_none_not_a_hang() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let mut link = TcpLink::connect(&address, Duration::from_secs(2)).unwrap();
    let reply = link
        .query(&brother::STATUS_REQUEST, 32, Duration::from_millis(100))
        .unwrap();
    assert_eq!(reply, None);
}

#[test]
fn a_missing_device_is_an_error_naming_it() {
    let err = DeviceLink::open(std::path::Path::new("/dev/usb/lp-vestibule-none"))
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("/dev/usb/lp-vestibule-none"),
        "{err}"
    );
}

#[test]
fn device_link_writes_to_a_file_and_a_file_never_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lp0");
    std::fs::write(&path, b"").unwrap();
    let mut link = DeviceLink::open(&path).unwrap();
    link.send(b"\x1b@hello").unwrap();
    assert_eq!(
        link.query(b"?", 32, Duration::from_millis(50)).unwrap(),
        None
    );
    assert!(std::fs::read(&path).unwrap().starts_with(b"\x1b@hello"));
}

#[test]
fn job_dir_numbers_jobs_from_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut link = JobDir::create(&dir.path().join("printer")).unwrap();
    link.send(b"first").unwrap();
    link.send(b"second").unwrap();
    assert_eq!(link.jobs(), 2);
    assert_eq!(
        std::fs::read(dir.path().join("printer/1.bin")).unwrap(),
        b"first"
    );
    assert_eq!(
        std::fs::read(dir.path().join("printer/2.bin")).unwrap(),
        b"second"
    );
}
