//! Shared by the registry feed tests: a small registry, the `vestibule` binary, a test PKI and a
//! loopback HTTPS file server (rustls) that can resume (Range) and cut a response short.

#![allow(dead_code)] // each test file uses its own part of this

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use vestibule::screening::Visitor;
use vestibule::store::{schema, Store};

pub fn vestibule() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vestibule"));
    c.env_remove("VESTIBULE_DB").env_remove("VESTIBULE_CONFIG");
    c
}

/// Runs a command that must succeed; returns its stdout.
pub fn ok(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        command,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Asserts a refusal: exit 2 and ONE line on stderr, which is returned.
pub fn refused(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    eprintln!("refused: {}", stderr.trim_end());
    assert_eq!(
        out.status.code(),
        Some(2),
        "expected a refusal, got: {stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    stderr
}

/// A registrant the tests screen for.
pub struct Person {
    pub id: &'static str,
    pub last: &'static str,
    pub first: &'static str,
    pub dob: &'static str,
}

pub const KNOWN: Person = Person {
    id: "MO-KNOWN",
    last: "ERIKSSON",
    first: "ANNA",
    dob: "1974-08-12",
};
pub const ADDED: Person = Person {
    id: "MO-ADDED",
    last: "KOWALCZYK",
    first: "ZBIGNIEW",
    dob: "1968-03-03",
};
pub const LEAVING: Person = Person {
    id: "MO-LEAVING",
    last: "THORNBURY",
    first: "EUSTACE",
    dob: "1959-11-30",
};

const LASTS: [&str; 12] = [
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "LOPEZ",
];
const FIRSTS: [&str; 10] = [
    "JAMES",
    "MARY",
    "ROBERT",
    "PATRICIA",
    "JOHN",
    "JENNIFER",
    "MICHAEL",
    "LINDA",
    "DAVID",
    "ELIZABETH",
];

/// A registry CSV v1 of `people` generated people (about a third with an alias) plus `extra`.
pub fn registry_csv(people: usize, extra: &[&Person]) -> String {
    let mut csv = String::from(
        "record_id,name_kind,last_name,first_name,middle_name,suffix,dob,sex,jurisdiction,city\n",
    );
    for i in 0..people {
        let (last, first) = (LASTS[i % LASTS.len()], FIRSTS[(i / 3) % FIRSTS.len()]);
        let dob = format!("{}-{:02}-{:02}", 1940 + i % 60, 1 + i % 12, 1 + i % 28);
        let sex = if i % 2 == 0 { "M" } else { "F" };
        csv += &format!("MO-{i:05},primary,{last},{first},,,{dob},{sex},MO,Springfield\n");
        if i % 3 == 0 {
            csv += &format!("MO-{i:05},alias,{last},{first}Y,,,,{sex},MO,\n");
        }
    }
    for p in extra {
        csv += &format!(
            "{},primary,{},{},,,{},F,MO,Columbia\n",
            p.id, p.last, p.first, p.dob
        );
    }
    csv
}

/// The record ids the store's screener flags for this person.
pub fn flagged(db: &Path, person: &Person) -> Vec<String> {
    let store = Store::open(db).unwrap();
    let screener = store.screener().unwrap();
    let visitor = Visitor {
        last_name: person.last.into(),
        first_name: person.first.into(),
        middle_name: String::new(),
        suffix: String::new(),
        dob: schema::parse_iso(person.dob),
        sex: None,
    };
    screener
        .screen(&visitor, None)
        .unwrap()
        .into_iter()
        .map(|f| f.candidate.record_id)
        .collect()
}

pub fn is_flagged(db: &Path, person: &Person) -> bool {
    flagged(db, person).iter().any(|id| id == person.id)
}

/// `vestibule registry keygen --out PATH`; returns the public key it printed.
pub fn keygen(path: &Path) -> String {
    ok(vestibule().args(["registry", "keygen", "--out"]).arg(path))
        .trim()
        .to_owned()
}

/// `vestibule registry publish`, which must succeed; returns its summary line.
pub fn publish(key: &Path, out: &Path, csv: &Path, previous: Option<&Path>) -> String {
    let mut c = vestibule();
    c.args(["registry", "publish", "--key"])
        .arg(key)
        .arg("--out")
        .arg(out)
        .arg(csv);
    if let Some(p) = previous {
        c.arg("--previous").arg(p);
    }
    ok(&mut c)
}

/// A test certificate authority.
pub struct Ca {
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    pub fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Ca {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// A server certificate for 127.0.0.1 and localhost, and its key.
    pub fn server_cert(&self) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (
            vec![cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
    }

    pub fn write(&self, path: &Path) -> PathBuf {
        std::fs::write(path, &self.pem).unwrap();
        path.to_owned()
    }
}

/// What the server was asked, and how to misbehave next.
#[derive(Default)]
struct State {
    /// `GET /path` plus ` range=...` when a Range header came.
    requests: Mutex<Vec<String>>,
    /// The next response for this path sends only this many body bytes, then drops the
    /// connection without a TLS close_notify.
    cut: Mutex<Option<(String, usize)>>,
    /// Every response for this path sends its body one byte per interval, forever if let.
    trickle: Mutex<Option<(String, std::time::Duration)>>,
}

/// A static HTTPS file server on 127.0.0.1 (HTTP/1.1, one request a connection, Range).
pub struct Server {
    pub url: String,
    state: Arc<State>,
}

impl Server {
    /// Serves the files under `root`; the certificate is issued by `ca`.
    pub fn start(root: &Path, ca: &Ca) -> Server {
        let (chain, key) = ca.server_cert();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "https://127.0.0.1:{}",
            listener.local_addr().unwrap().port()
        );
        let state = Arc::new(State::default());
        let (root, shared) = (root.to_owned(), state.clone());
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let (config, root, state) = (config.clone(), root.clone(), shared.clone());
                std::thread::spawn(move || serve(tcp, config, &root, &state));
            }
        });
        Server { url, state }
    }

    /// The next response for `path` (e.g. `/feed/snapshot-1.csv.zst`) stops after `bytes`.
    pub fn cut_next(&self, path: &str, bytes: usize) {
        *self.state.cut.lock().unwrap() = Some((path.to_owned(), bytes));
    }

    /// Responses for `path` send their body one byte every `every` (a server that never quite
    /// stops and never quite sends).
    pub fn trickle(&self, path: &str, every: std::time::Duration) {
        *self.state.trickle.lock().unwrap() = Some((path.to_owned(), every));
    }

    pub fn requests(&self) -> Vec<String> {
        self.state.requests.lock().unwrap().clone()
    }
}

fn serve(tcp: TcpStream, config: Arc<rustls::ServerConfig>, root: &Path, state: &State) {
    let connection = rustls::ServerConnection::new(config).unwrap();
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    let mut range = None;
    let path = {
        let mut reader = BufReader::new(&mut tls);
        let mut line = String::new();
        // A client that refuses our certificate ends here.
        if reader.read_line(&mut line).is_err() {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("range") {
                    range = Some(value.trim().to_owned());
                }
            }
        }
        path
    };
    state.requests.lock().unwrap().push(match &range {
        Some(r) => format!("GET {path} range={r}"),
        None => format!("GET {path}"),
    });
    let file = root.join(path.trim_start_matches('/'));
    let Ok(data) = std::fs::read(&file) else {
        respond(&mut tls, "404 Not Found", &[], b"not found", None);
        return;
    };
    let start = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|s| s.parse::<usize>().ok());
    let cut = {
        let mut cut = state.cut.lock().unwrap();
        match cut.take() {
            Some((p, n)) if p == path => Some(n),
            other => {
                *cut = other;
                None
            }
        }
    };
    let trickle = state.trickle.lock().unwrap().clone();
    if let Some((_, every)) = trickle.filter(|(p, _)| *p == path) {
        let data = &data[start.unwrap_or(0).min(data.len())..];
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", data.len());
        let _ = tls.write_all(head.as_bytes());
        for byte in data {
            std::thread::sleep(every);
            // The client hung up: stop.
            if tls.write_all(&[*byte]).and_then(|()| tls.flush()).is_err() {
                return;
            }
        }
        return;
    }
    match start {
        Some(s) if s >= data.len() => {
            respond(&mut tls, "416 Range Not Satisfiable", &[], b"", None)
        }
        Some(s) => {
            let range = format!("Content-Range: bytes {s}-{}/{}", data.len() - 1, data.len());
            respond(&mut tls, "206 Partial Content", &[&range], &data[s..], cut)
        }
        None => respond(&mut tls, "200 OK", &[], &data, cut),
    }
}

fn respond(
    tls: &mut rustls::StreamOwned<rustls::ServerConnection, TcpStream>,
    status: &str,
    headers: &[&str],
    body: &[u8],
    cut: Option<usize>,
) {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for h in headers {
        head += h;
        head += "\r\n";
    }
    head += "\r\n";
    let _ = tls.write_all(head.as_bytes());
    match cut {
        Some(n) => {
            let _ = tls.write_all(&body[..n.min(body.len())]);
            let _ = tls.flush();
            // Dropped without close_notify: the client sees the connection break.
            let _ = tls.sock.shutdown(std::net::Shutdown::Both);
        }
        None => {
            let _ = tls.write_all(body);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    }
}
