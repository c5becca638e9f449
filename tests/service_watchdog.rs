//! The kiosk's systemd notifications, received on a real datagram socket as systemd would.
//! One test in its own binary: it sets `NOTIFY_SOCKET` / `WATCHDOG_*` for the process.

use std::os::unix::net::UnixDatagram;
use std::time::{Duration, Instant};

use vestibule::app::watchdog::ServiceWatchdog;

fn next(socket: &UnixDatagram) -> Option<String> {
    let mut buf = [0u8; 256];
    socket
        .recv(&mut buf)
        .ok()
        .map(|n| String::from_utf8_lossy(&buf[..n]).trim_end().to_owned())
}

#[test]
fn ready_once_then_a_ping_every_half_interval() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notify");
    let systemd = UnixDatagram::bind(&path).unwrap();
    systemd
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    // This binary runs this one test: nothing else reads the environment meanwhile.
    std::env::set_var("NOTIFY_SOCKET", &path);
    std::env::set_var("WATCHDOG_USEC", "2000000");
    std::env::set_var("WATCHDOG_PID", std::process::id().to_string());

    let mut watchdog = ServiceWatchdog::from_env();
    watchdog.ready();
    assert_eq!(next(&systemd).as_deref(), Some("READY=1"));

    let start = Instant::now();
    watchdog.tick(start);
    assert_eq!(next(&systemd).as_deref(), Some("WATCHDOG=1"));
    // UI ticks come ten times a second; a ping goes out once a second (half of 2 s).
    for ms in [100, 500, 900] {
        watchdog.tick(start + Duration::from_millis(ms));
    }
    assert_eq!(next(&systemd), None, "no ping before half the interval");
    watchdog.tick(start + Duration::from_millis(1000));
    assert_eq!(next(&systemd).as_deref(), Some("WATCHDOG=1"));
}
