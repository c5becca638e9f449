//! Framing an ID/QR reader's byte stream into scans. Sans-IO: bytes and the time they
//! arrived go in, whole scans come out; the serial port loop that feeds it lives elsewhere.
//!
//! A licence's PDF417 carries CR and LF inside its payload (`@\n\x1e\rANSI ...`), so a
//! newline never ends a scan. A scan ends on the reader's configured suffix (pick one the
//! payloads cannot contain, such as ETX) or, with no suffix configured, when the line goes
//! quiet for the inter-byte gap. With a suffix configured, a quiet line before the suffix
//! means the scan was cut off: it is reported as [`Frame::Garbled`], never parsed.

use std::time::{Duration, Instant};

/// How the reader marks the end of a scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FramerConfig {
    /// Bytes the reader appends to every scan; `None` frames on the gap alone.
    pub suffix: Option<Vec<u8>>,
    /// Quiet time that ends (or, with a suffix, breaks) a scan. Readers send a scan in one
    /// burst, so 50 ms of silence is far longer than any pause inside one.
    pub gap: Duration,
    /// Longest believable scan; a PDF417 licence is under 3 KiB.
    pub max_len: usize,
}

impl Default for FramerConfig {
    fn default() -> Self {
        FramerConfig {
            suffix: None,
            gap: Duration::from_millis(50),
            max_len: 4096,
        }
    }
}

/// One framed result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A whole scan, suffix and AIM symbology prefix removed.
    Scan(Vec<u8>),
    /// Bytes that were not a whole scan; the kiosk asks for a rescan.
    Garbled(Garbled),
}

/// Why bytes were not a scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Garbled {
    /// The line went quiet before the suffix arrived.
    Partial,
    /// More than `max_len` bytes without an end.
    TooLong,
}

/// Bytes in, scans out.
#[derive(Debug)]
pub struct ScanFramer {
    config: FramerConfig,
    buf: Vec<u8>,
    last_byte: Option<Instant>,
    overflowed: bool,
}

impl ScanFramer {
    pub fn new(config: FramerConfig) -> Self {
        ScanFramer {
            config,
            buf: Vec::new(),
            last_byte: None,
            overflowed: false,
        }
    }

    /// Feeds bytes that arrived at `now`; returns every frame they complete. A gap since
    /// the previous bytes closes the frame before them first.
    pub fn push(&mut self, bytes: &[u8], now: Instant) -> Vec<Frame> {
        let mut frames: Vec<Frame> = self.tick(now).into_iter().collect();
        frames.extend(self.extend(bytes, now));
        frames
    }

    /// Feeds bytes that continue the pending frame whatever the time: bytes a reader loop
    /// found waiting before it saw the line quiet. A loop that ran late (a busy CPU) must not
    /// take its own delay for a gap and cut a scan in two; only a read that times out is one.
    pub fn extend(&mut self, bytes: &[u8], now: Instant) -> Vec<Frame> {
        let mut frames = Vec::new();
        for &byte in bytes {
            self.buf.push(byte);
            if let Some(frame) = self.after_byte() {
                frames.push(frame);
            }
        }
        if !self.buf.is_empty() || self.overflowed {
            self.last_byte = Some(now);
        }
        frames
    }

    /// Closes the pending frame if the line has been quiet for the gap at `now`.
    pub fn tick(&mut self, now: Instant) -> Option<Frame> {
        let last = self.last_byte?;
        if now.saturating_duration_since(last) < self.config.gap {
            return None;
        }
        self.last_byte = None;
        let bytes = std::mem::take(&mut self.buf);
        if std::mem::take(&mut self.overflowed) {
            return Some(Frame::Garbled(Garbled::TooLong));
        }
        if bytes.is_empty() {
            return None;
        }
        Some(match self.config.suffix {
            Some(_) => Frame::Garbled(Garbled::Partial),
            None => Frame::Scan(strip_aim(bytes)),
        })
    }

    /// When the pending frame's gap runs out: the reader loop waits no longer than this.
    pub fn deadline(&self) -> Option<Instant> {
        self.last_byte.map(|last| last + self.config.gap)
    }

    fn after_byte(&mut self) -> Option<Frame> {
        if let Some(suffix) = &self.config.suffix {
            if self.buf.ends_with(suffix) {
                let end = self.buf.len() - suffix.len();
                let bytes: Vec<u8> = self.buf.drain(..).take(end).collect();
                self.last_byte = None;
                if std::mem::take(&mut self.overflowed) {
                    return Some(Frame::Garbled(Garbled::TooLong));
                }
                return (!bytes.is_empty()).then(|| Frame::Scan(strip_aim(bytes)));
            }
        }
        if self.buf.len() > self.config.max_len {
            // Keep only enough to spot a suffix; the rest of this frame is lost anyway.
            let keep = self.config.suffix.as_ref().map_or(0, Vec::len);
            self.buf.drain(..self.buf.len() - keep);
            self.overflowed = true;
        }
        None
    }
}

/// Removes an AIM symbology identifier (`]` + symbology letter + modifier, e.g. `]L2` for
/// PDF417, `]Q1` for QR) that readers can be set to prefix: the one rule of
/// [`crate::identity::strip_aim_prefix`].
pub(crate) fn strip_aim(bytes: Vec<u8>) -> Vec<u8> {
    let kept = crate::identity::strip_aim_prefix(&bytes).len();
    if kept == bytes.len() {
        return bytes;
    }
    let mut bytes = bytes;
    bytes.drain(..bytes.len() - kept);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    const AAMVA: &[u8] =
        b"@\n\x1e\rANSI 636026080102DL00410278ZA03190008DLDAQT64235789\nDCSSAMPLE\r\n";

    fn ms(start: Instant, n: u64) -> Instant {
        start + Duration::from_millis(n)
    }

    fn with_suffix(suffix: &[u8]) -> ScanFramer {
        ScanFramer::new(FramerConfig {
            suffix: Some(suffix.to_vec()),
            ..FramerConfig::default()
        })
    }

    #[test]
    fn newlines_inside_a_pdf417_do_not_end_the_scan() {
        let t = Instant::now();
        let mut framer = ScanFramer::new(FramerConfig::default());
        assert!(framer.push(&AAMVA[..10], t).is_empty());
        assert!(framer.push(&AAMVA[10..], ms(t, 5)).is_empty());
        assert_eq!(framer.deadline(), Some(ms(t, 55)));
        assert_eq!(framer.tick(ms(t, 54)), None);
        assert_eq!(framer.tick(ms(t, 55)), Some(Frame::Scan(AAMVA.to_vec())));
        assert_eq!(framer.tick(ms(t, 500)), None);
    }

    #[test]
    fn a_suffix_ends_the_scan_at_once_and_is_removed() {
        let t = Instant::now();
        let mut framer = with_suffix(b"\x03");
        let mut bytes = b"]L2".to_vec();
        bytes.extend_from_slice(AAMVA);
        bytes.push(0x03);
        bytes.extend_from_slice(b"]Q1VST1.0042\x03");
        assert_eq!(
            framer.push(&bytes, t),
            [
                Frame::Scan(AAMVA.to_vec()),
                Frame::Scan(b"VST1.0042".to_vec())
            ]
        );
        assert_eq!(framer.deadline(), None);
    }

    #[test]
    fn a_suffix_split_across_reads_still_ends_the_scan() {
        let t = Instant::now();
        let mut framer = with_suffix(b"\r\n\x03");
        assert!(framer.push(b"ABC\r\n", t).is_empty());
        assert_eq!(
            framer.push(b"\x03", ms(t, 2)),
            [Frame::Scan(b"ABC".to_vec())]
        );
    }

    #[test]
    fn silence_before_the_suffix_is_a_partial_scan() {
        let t = Instant::now();
        let mut framer = with_suffix(b"\x03");
        assert!(framer.push(b"@\n\x1e\rANSI 6360", t).is_empty());
        assert_eq!(
            framer.tick(ms(t, 60)),
            Some(Frame::Garbled(Garbled::Partial))
        );
        // The next scan is unaffected.
        assert_eq!(
            framer.push(b"OK\x03", ms(t, 100)),
            [Frame::Scan(b"OK".to_vec())]
        );
    }

    #[test]
    fn a_gap_between_reads_closes_the_earlier_scan_first() {
        let t = Instant::now();
        let mut framer = ScanFramer::new(FramerConfig::default());
        framer.push(b"FIRST", t);
        assert_eq!(
            framer.push(b"SECOND", ms(t, 80)),
            [Frame::Scan(b"FIRST".to_vec())]
        );
        assert_eq!(
            framer.tick(ms(t, 200)),
            Some(Frame::Scan(b"SECOND".to_vec()))
        );
    }

    #[test]
    fn an_endless_stream_is_too_long_once() {
        let t = Instant::now();
        let config = FramerConfig {
            max_len: 16,
            ..FramerConfig::default()
        };
        let mut framer = ScanFramer::new(config);
        framer.push(&[b'x'; 100], t);
        assert_eq!(
            framer.tick(ms(t, 60)),
            Some(Frame::Garbled(Garbled::TooLong))
        );
        let mut framer = with_suffix(b"\x03");
        framer.config.max_len = 16;
        assert_eq!(framer.push(&[b'x'; 40], t), []);
        assert_eq!(framer.push(b"x\x03", t), [Frame::Garbled(Garbled::TooLong)]);
    }

    #[test]
    fn aim_prefixes_are_stripped_only_when_well_formed() {
        assert_eq!(strip_aim(b"]L2DATA".to_vec()), b"DATA");
        assert_eq!(strip_aim(b"]Q1".to_vec()), b"");
        assert_eq!(strip_aim(b"]!2DATA".to_vec()), b"]!2DATA");
        assert_eq!(strip_aim(b"DATA".to_vec()), b"DATA");
    }
}
