//! The serial reader loop through a real pseudo-terminal: the test writes to the master side
//! as the scanner would, the reader reads the slave side as it reads a UART or USB scanner.

use std::io::Write;
use std::time::{Duration, Instant};

use serialport::{SerialPort, TTYPort};
use vestibule::hw::reader::{Frame, FramerConfig, Garbled};
use vestibule::hw::serial::{open_port, SerialReader};

/// A licence's PDF417 payload: CR and LF inside, as AAMVA has them.
const AAMVA: &[u8] = b"@\n\x1e\rANSI 636026080102DL00410278ZA03190008DLDAQT64235789\nDCSSAMPLE\nDACADA\nDBB03091990\r\n";

fn pty() -> (TTYPort, TTYPort) {
    let (master, slave) = TTYPort::pair().expect("a pseudo-terminal");
    (master, slave)
}

fn gap(ms: u64) -> FramerConfig {
    FramerConfig {
        gap: Duration::from_millis(ms),
        ..FramerConfig::default()
    }
}

fn etx() -> FramerConfig {
    FramerConfig {
        suffix: Some(vec![0x03]),
        ..FramerConfig::default()
    }
}

fn next(reader: &SerialReader) -> Frame {
    reader
        .recv_timeout(Duration::from_secs(3))
        .expect("a frame within 3 s")
}

#[test]
fn a_pdf417_written_in_chunks_with_pauses_is_one_scan() {
    let (mut master, slave) = pty();
    let reader = SerialReader::spawn(slave, gap(80));
    for chunk in AAMVA.chunks(23) {
        master.write_all(chunk).unwrap();
        master.flush().unwrap();
        std::thread::sleep(Duration::from_millis(15));
    }
    assert_eq!(next(&reader), Frame::Scan(AAMVA.to_vec()));
    assert_eq!(reader.recv_timeout(Duration::from_millis(200)), None);
}

#[test]
fn a_suffix_ends_each_scan_at_once_and_aim_prefixes_go() {
    let (mut master, slave) = pty();
    let reader = SerialReader::spawn(slave, etx());
    let mut burst = b"]L2".to_vec();
    burst.extend_from_slice(AAMVA);
    burst.extend_from_slice(b"\x03]Q1VST1.0042.sig\x03");
    let sent = Instant::now();
    master.write_all(&burst).unwrap();
    assert_eq!(next(&reader), Frame::Scan(AAMVA.to_vec()));
    assert_eq!(next(&reader), Frame::Scan(b"VST1.0042.sig".to_vec()));
    // Suffix-framed scans do not wait for the gap.
    assert!(sent.elapsed() < Duration::from_millis(500));
}

#[test]
fn a_scan_cut_off_before_its_suffix_is_reported_garbled() {
    let (mut master, slave) = pty();
    let reader = SerialReader::spawn(slave, etx());
    master.write_all(&AAMVA[..30]).unwrap();
    assert_eq!(next(&reader), Frame::Garbled(Garbled::Partial));
    // The next scan is whole again.
    master.write_all(b"OK-123\x03").unwrap();
    assert_eq!(next(&reader), Frame::Scan(b"OK-123".to_vec()));
}

#[test]
fn a_pause_longer_than_the_gap_splits_scans() {
    let (mut master, slave) = pty();
    let reader = SerialReader::spawn(slave, gap(30));
    master.write_all(b"FIRST").unwrap();
    std::thread::sleep(Duration::from_millis(150));
    master.write_all(b"SECOND").unwrap();
    assert_eq!(next(&reader), Frame::Scan(b"FIRST".to_vec()));
    assert_eq!(next(&reader), Frame::Scan(b"SECOND".to_vec()));
}

#[test]
fn open_reads_the_device_by_path() {
    let (mut master, slave) = pty();
    let path = slave.name().expect("the slave's path");
    drop(slave);
    let reader = SerialReader::open(path.as_ref(), 9600, etx()).unwrap();
    master.write_all(b"9780201633610\x03").unwrap();
    assert_eq!(next(&reader), Frame::Scan(b"9780201633610".to_vec()));
}

#[test]
fn a_missing_device_is_an_error_naming_it() {
    let err = open_port("/dev/ttyVESTIBULE-none".as_ref(), 9600).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert!(
        err.to_string().contains("ID reader /dev/ttyVESTIBULE-none"),
        "{err}"
    );
}

#[test]
fn a_busy_device_is_an_error_naming_it() {
    let (_master, slave) = pty();
    let path = slave.name().unwrap();
    drop(slave);
    let _first = open_port(path.as_ref(), 9600).unwrap();
    let err = open_port(path.as_ref(), 9600).unwrap_err();
    assert!(
        err.to_string().contains(&format!("ID reader {path}")),
        "{err}"
    );
}
