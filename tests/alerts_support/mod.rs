//! Shared by the alert and outbox tests: a loopback HTTPS receiver (rustls) that records every
//! POST with its `Idempotency-Key` and can refuse or stall, a minimal SMTP server with
//! STARTTLS or implicit TLS, and kiosk configs pointing at them. The test PKI is the feed
//! tests' ([`super::feed_support::Ca`]).

#![allow(dead_code)] // each test file uses its own part of this

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::feed_support::Ca;

/// One request the receiver read.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub key: String,
    pub body: Value,
    pub at: Instant,
    /// Answered 2xx (a stalled or refused request was not).
    pub accepted: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// Answer this status.
    Status(u16),
    /// Read the request, record it, never answer.
    Stall,
}

struct State {
    requests: Mutex<Vec<Request>>,
    mode: Mutex<Mode>,
}

/// An HTTPS receiver on 127.0.0.1 (one request a connection).
pub struct Receiver {
    pub url: String,
    pub port: u16,
    state: Arc<State>,
}

/// A loopback port nobody listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn server_config(ca: &Ca) -> Arc<rustls::ServerConfig> {
    let (chain, key) = ca.server_cert();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap(),
    )
}

impl Receiver {
    pub fn start(ca: &Ca) -> Receiver {
        Receiver::on(ca, 0)
    }

    /// Listens on `port` (0: any).
    pub fn on(ca: &Ca, port: u16) -> Receiver {
        let config = server_config(ca);
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(State {
            requests: Mutex::new(Vec::new()),
            mode: Mutex::new(Mode::Accept),
        });
        let shared = state.clone();
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (config, state) = (config.clone(), shared.clone());
                std::thread::spawn(move || serve(tcp, config, &state));
            }
        });
        Receiver {
            url: format!("https://127.0.0.1:{port}"),
            port,
            state,
        }
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = mode;
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.requests.lock().unwrap().clone()
    }

    /// Waits up to `timeout` for at least `n` requests.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if self.requests().len() >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// Accepted requests by idempotency key, as a receiver that drops duplicates keeps them:
    /// key -> how many times it was accepted.
    pub fn accepted_keys(&self) -> std::collections::BTreeMap<String, usize> {
        let mut keys = std::collections::BTreeMap::new();
        for r in self.requests().iter().filter(|r| r.accepted) {
            *keys.entry(r.key.clone()).or_insert(0) += 1;
        }
        keys
    }
}

fn serve(tcp: TcpStream, config: Arc<rustls::ServerConfig>, state: &State) {
    let connection = rustls::ServerConnection::new(config).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    let (path, key, body) = {
        let mut reader = BufReader::new(&mut tls);
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let (mut key, mut length) = (String::new(), 0usize);
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                let name = name.trim().to_ascii_lowercase();
                if name == "idempotency-key" {
                    key = value.trim().to_owned();
                } else if name == "content-length" {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        (
            path,
            key,
            serde_json::from_slice(&body).unwrap_or(Value::Null),
        )
    };
    let mode = *state.mode.lock().unwrap();
    state.requests.lock().unwrap().push(Request {
        path,
        key,
        body,
        at: Instant::now(),
        accepted: mode == Mode::Accept,
    });
    let status = match mode {
        Mode::Accept => "200 OK".to_owned(),
        Mode::Status(code) => format!("{code} Refused"),
        Mode::Stall => {
            std::thread::sleep(Duration::from_secs(120));
            return;
        }
    };
    let head = format!("HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    let _ = tls.write_all(head.as_bytes());
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

/// A mail the SMTP server took.
#[derive(Clone, Debug)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
    /// Whether the DATA came over TLS.
    pub tls: bool,
}

/// A minimal SMTP server on 127.0.0.1: STARTTLS (or implicit TLS), MAIL, RCPT, DATA, QUIT.
pub struct Smtp {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl Smtp {
    pub fn start(ca: &Ca, implicit_tls: bool) -> Smtp {
        let config = server_config(ca);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let shared = mails.clone();
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (config, mails) = (config.clone(), shared.clone());
                std::thread::spawn(move || smtp_session(tcp, config, implicit_tls, &mails));
            }
        });
        Smtp { port, mails }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

enum Next {
    Upgrade,
    Done,
}

fn smtp_session(
    mut tcp: TcpStream,
    config: Arc<rustls::ServerConfig>,
    implicit: bool,
    mails: &Mutex<Vec<Mail>>,
) {
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    if implicit {
        let connection = rustls::ServerConnection::new(config).unwrap();
        let mut tls = rustls::StreamOwned::new(connection, tcp);
        let _ = tls.write_all(b"220 localhost ESMTP test\r\n");
        talk(&mut tls, true, mails);
        return;
    }
    let _ = tcp.write_all(b"220 localhost ESMTP test\r\n");
    if let Next::Upgrade = talk(&mut tcp, false, mails) {
        let connection = rustls::ServerConnection::new(config).unwrap();
        let mut tls = rustls::StreamOwned::new(connection, tcp);
        talk(&mut tls, true, mails);
    }
}

fn talk<S: Read + Write>(stream: &mut S, tls: bool, mails: &Mutex<Vec<Mail>>) -> Next {
    let mut reader = BufReader::new(stream);
    let mut mail = Mail {
        from: String::new(),
        to: Vec::new(),
        data: String::new(),
        tls,
    };
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return Next::Done;
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            if tls {
                b"250-localhost\r\n250 8BITMIME\r\n"
            } else {
                b"250-localhost\r\n250 STARTTLS\r\n"
            }
        } else if upper == "STARTTLS" && !tls {
            let _ = reader.get_mut().write_all(b"220 go ahead\r\n");
            let _ = reader.get_mut().flush();
            return Next::Upgrade;
        } else if upper.starts_with("MAIL FROM:") {
            mail.from = command[10..].trim().to_owned();
            b"250 ok\r\n"
        } else if upper.starts_with("RCPT TO:") {
            mail.to.push(command[8..].trim().to_owned());
            b"250 ok\r\n"
        } else if upper == "DATA" {
            let _ = reader.get_mut().write_all(b"354 go on\r\n");
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return Next::Done;
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            mail.data = data;
            mails.lock().unwrap().push(mail.clone());
            b"250 queued\r\n"
        } else if upper == "QUIT" {
            let _ = reader.get_mut().write_all(b"221 bye\r\n");
            let _ = reader.get_mut().flush();
            return Next::Done;
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 ok\r\n"
        } else {
            b"502 not here\r\n"
        };
        let _ = reader.get_mut().write_all(reply);
        let _ = reader.get_mut().flush();
    }
}

/// A kiosk.toml in `dir` with `alerts` (TOML lines for `[alerts]`) and `extra` sections, the data
/// key beside the database.
pub fn config(dir: &Path, alerts: &str, extra: &str) -> PathBuf {
    let path = dir.join("kiosk.toml");
    let text = format!(
        "[storage]\ndatabase = \"{db}\"\nkey_file = \"{key}\"\n\n[alerts]\n{alerts}\n\n{extra}\n",
        db = dir.join("kiosk.redb").display(),
        key = dir.join("data.key").display(),
    );
    std::fs::write(&path, text).unwrap();
    path
}
