//! Scan frame latency through a real pseudo-terminal: from the scanner's last byte (written
//! to the pty master) to the frame arriving on the reader's channel. The budget is
//! 5 ms plus the configured gap.
//!
//! - `reader/suffix`: a PDF417 payload ending in ETX; no gap to wait for.
//! - `reader/gap-20ms`: the same payload framed on a 20 ms gap; subtract 20 ms.
//!
//! Each iteration writes the payload and waits for its frame, so the time per iteration is
//! the delivery latency (plus the few microseconds the write itself takes).

use std::io::Write;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use serialport::TTYPort;
use vestibule::hw::reader::{Frame, FramerConfig};
use vestibule::hw::serial::SerialReader;

const AAMVA: &[u8] = b"@\n\x1e\rANSI 636026080102DL00410278ZA03190008DLDAQT64235789\nDCSSAMPLE\nDACADA\nDBB03091990\r\n";

fn latency(c: &mut Criterion, name: &str, config: FramerConfig, suffix: &[u8]) {
    let (mut master, slave) = TTYPort::pair().expect("a pseudo-terminal");
    let reader = SerialReader::spawn(slave, config);
    let mut payload = AAMVA.to_vec();
    payload.extend_from_slice(suffix);
    c.bench_function(name, |b| {
        b.iter(|| {
            master.write_all(&payload).unwrap();
            match reader.recv_timeout(Duration::from_secs(2)) {
                Some(Frame::Scan(scan)) => assert_eq!(scan.len(), AAMVA.len()),
                other => panic!("{other:?}"),
            }
        })
    });
}

fn all(c: &mut Criterion) {
    let suffix = FramerConfig {
        suffix: Some(vec![0x03]),
        ..FramerConfig::default()
    };
    latency(c, "reader/suffix", suffix, b"\x03");
    let gap = FramerConfig {
        gap: Duration::from_millis(20),
        ..FramerConfig::default()
    };
    latency(c, "reader/gap-20ms", gap, b"");
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    targets = all
}
criterion_main!(benches);
