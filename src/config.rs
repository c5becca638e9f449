//! `kiosk.toml`: load, overlay `VESTIBULE_*` environment variables, validate.
//!
//! A kiosk must refuse to start on a config it does not fully understand: a typo in a key name
//! silently falling back to a default could, say, leave the door relay on the wrong pin. So
//! unknown keys are errors, and every error names the file, the key and the reason.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where the kiosk reads its config when `--config` is not given.
pub const DEFAULT_PATH: &str = "/etc/vestibule/kiosk.toml";

/// Environment variables that are not config overrides (they name files or set logging).
const RESERVED_ENV: &[&str] = &["VESTIBULE_DB", "VESTIBULE_CONFIG", "VESTIBULE_LOG"];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub school: School,
    pub kiosk: Kiosk,
    pub storage: Storage,
    pub visit: Visit,
    pub staff: Staff,
    /// Door relay, lamp, input pins, ID reader and printer (see `hw::config`).
    pub hardware: crate::hw::config::Hardware,
    /// The signed registry feed `vestibule registry sync` fetches.
    pub sync: RegistrySync,
    /// How long personal records are kept.
    pub privacy: Privacy,
    /// Where silent alerts go: webhooks, an SMS gateway, e-mail.
    pub alerts: Alerts,
    /// The district's visit log: sign-ins and sign-outs uploaded through the outbox.
    pub district: District,
    /// Pre-registered visitors: the fleet key invitations are verified with, and when an ID
    /// is asked for besides the invitation.
    pub prereg: Prereg,
    /// Students signing themselves in late or out early: the reason buttons.
    pub students: Students,
    /// What visitors are screened against.
    pub screening: Screening,
}

/// What visitors are screened against. Without an installed offender registry the kiosk is
/// out of service (door locked, staff alerted) unless the school says it means to screen only
/// against its own lists.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Screening {
    /// `true`: this school deliberately screens only against its own lists (no offender
    /// registry). Leave `false` unless that is a decision the school made.
    pub lists_only: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct School {
    /// Printed on badges and shown on the attract screen.
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Kiosk {
    /// Names this kiosk in audits and alerts ("Main lobby").
    pub name: String,
    /// Language the attract screen starts in.
    pub language: Language,
    /// Seconds without a touch or scan before any screen returns to the attract screen.
    pub idle_timeout_secs: u32,
    /// What happens when a visitor scans an expired document.
    pub expired_id: ExpiredIdPolicy,
    /// Failed scans in a row before the visitor is sent to the front office.
    pub max_scan_attempts: u32,
    /// Seconds the door stays unlocked (and "the door is open" shows) after a cleared visit.
    pub door_unlock_secs: u32,
    /// Seconds after a flag within which staff may still admit the check-in (the visitor then
    /// scans the same ID again); later it can only be closed.
    pub review_admit_secs: u32,
}

/// What a visitor picks at the kiosk once cleared: why they came, then where they are going.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Visit {
    /// Purpose buttons, in screen order; the id names the button (`purpose:<id>`).
    pub purposes: Vec<Choice>,
    /// Destination/host buttons, in screen order (`destination:<id>`).
    pub destinations: Vec<Choice>,
}

/// One button of a configured list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Stable id: lower-case letters, digits and `-`; used in accessible labels and records.
    pub id: String,
    /// English text on the button and the badge.
    pub label: String,
    /// Spanish text on the button (the badge stays in English for the staff reading it).
    pub label_es: String,
}

impl Choice {
    fn new(id: &str, label: &str, label_es: &str) -> Choice {
        Choice {
            id: id.into(),
            label: label.into(),
            label_es: label_es.into(),
        }
    }
}

/// Who may open the staff screens.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Staff {
    /// One entry per person; `vestibule kiosk --sim` adds the demo PIN 2468 when this is empty.
    pub pins: Vec<StaffPin>,
}

/// A staff member's PIN, stored only as an argon2id hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffPin {
    /// Names the operator in the audit log.
    pub operator: String,
    /// PHC string (`$argon2id$v=19$...`).
    pub hash: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Es,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExpiredIdPolicy {
    /// Screen and admit as usual (an expired licence still proves who someone is).
    Accept,
    /// Send the visitor to the front office.
    Refuse,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Storage {
    /// The redb database (registry cache, watchlists, visits, audit, outbox).
    pub database: PathBuf,
    /// The 32-byte data key sealing visits, decisions and blocks (created 0600 on first use).
    /// `$CREDENTIALS_DIRECTORY/vestibule-data-key` wins when systemd hands one in; when this
    /// file's directory does not exist, `<database>.key` beside the database is used.
    pub key_file: PathBuf,
    /// `none`, `file:/path` or `rpi-otp`: what wraps the data key on disk
    /// ([`crate::store::KeyWrap`]).
    pub key_wrap: String,
}

impl Storage {
    /// The checked `key_wrap`.
    pub fn key_wrap(&self) -> crate::store::KeyWrap {
        crate::store::KeyWrap::parse(&self.key_wrap).unwrap_or_default()
    }
}

/// Retention of personal records (`vestibule purge`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Privacy {
    /// Visits signed in more than this many days ago are deleted (1..=3650).
    pub retention_days: u32,
    /// "Not a match" decisions and blocks older than this many days are deleted; 0 keeps them.
    pub decisions_retention_days: u32,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            retention_days: 365,
            decisions_retention_days: 0,
        }
    }
}

/// Where the district publishes the registry feed, and what this kiosk trusts it by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistrySync {
    /// The feed directory's `https://` URL; empty when this kiosk is not provisioned for one.
    pub url: String,
    /// PEM file of the CA the feed server's certificate must chain to (the only CA trusted).
    pub ca: PathBuf,
    /// The district's Ed25519 feed key: base64, or the path of a file holding it.
    pub public_key: String,
    /// A registry not refreshed for this many hours is stale: `vestibule doctor` warns, the
    /// staff screen says so, and the running kiosk sends one `registry-stale` alert.
    pub max_registry_age_hours: u32,
    /// Seconds to wait for the feed server to connect or send the next bytes.
    pub timeout_secs: u32,
    /// Seconds any one download (manifest, snapshot, delta) may take in all: a server sending
    /// a byte now and then is cut off here; the next sync resumes what arrived.
    pub download_deadline_secs: u32,
}

impl Default for RegistrySync {
    fn default() -> Self {
        RegistrySync {
            url: String::new(),
            ca: PathBuf::new(),
            public_key: String::new(),
            max_registry_age_hours: 48,
            timeout_secs: 30,
            download_deadline_secs: 1800,
        }
    }
}

/// Silent alert channels. Every alert goes to each configured one through the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Alerts {
    /// `https://` URLs, each POSTed every alert as JSON with an `Idempotency-Key` header.
    pub webhooks: Vec<String>,
    /// The SMS gateway's `https://` URL; empty: no SMS.
    pub sms_url: String,
    /// The JSON body POSTed to the SMS gateway; `{{message}}` becomes the alert's text.
    pub sms_template: String,
    /// SMTP server for e-mail alerts; empty: no e-mail.
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls` (submission, port 587) or `tls` (implicit TLS, port 465).
    pub smtp_tls: SmtpTls,
    /// SMTP login; empty: no authentication.
    pub smtp_user: String,
    /// File holding the SMTP password (first line).
    pub smtp_password_file: PathBuf,
    pub smtp_from: String,
    pub smtp_to: Vec<String>,
    /// PEM file of the CA(s) the webhook, SMS gateway and SMTP servers must chain to (the only
    /// ones trusted).
    pub ca: PathBuf,
    /// Seconds to wait for a channel to connect or answer.
    pub timeout_secs: u32,
    /// Whether SMS and e-mail texts carry the visitor's date of birth (default: no).
    pub dob_in_messages: bool,
}

impl Default for Alerts {
    fn default() -> Self {
        Alerts {
            webhooks: Vec::new(),
            sms_url: String::new(),
            sms_template: String::new(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_user: String::new(),
            smtp_password_file: PathBuf::new(),
            smtp_from: String::new(),
            smtp_to: Vec::new(),
            ca: PathBuf::new(),
            timeout_secs: 10,
            dob_in_messages: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    Starttls,
    Tls,
}

/// The district's endpoints other than the registry feed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct District {
    /// `https://` URL visits are POSTed to in batches; trusted through `sync.ca`. Empty: none.
    pub visits_url: String,
}

/// Pre-registered visitors (invitation QR codes, `vestibule prereg`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Prereg {
    /// The kiosk fleet's Ed25519 public key, base64 (`vestibule prereg keygen` prints it).
    /// Empty: this kiosk accepts no invitations.
    pub public_key: String,
    /// Every invitation needs the visitor's ID too, checked to be the invited person, except
    /// for these purpose ids (staff-attended events, where staff see everyone come in).
    pub id_optional_purposes: Vec<String>,
    /// The longest an invitation may be valid, in days (first to last day, inclusive):
    /// `prereg add`/`import` refuse longer ones and the kiosk refuses their tokens.
    pub max_validity_days: u32,
    /// Replaced by `id_optional_purposes` (every purpose now needs the ID): refused with a
    /// pointer to the new key, never silently ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_required_purposes: Option<Vec<String>>,
}

impl Default for Prereg {
    fn default() -> Self {
        Prereg {
            public_key: String::new(),
            id_optional_purposes: Vec::new(),
            max_validity_days: 31,
            id_required_purposes: None,
        }
    }
}

/// Late arrivals and early dismissals of students (issue 8): the reasons a student or the office
/// picks, recorded by id in student events and counted in reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Students {
    /// Reason buttons for a late arrival, in screen order.
    pub late_arrival_reasons: Vec<Choice>,
    /// Reason buttons for an early dismissal (a pickup or the student leaving), in screen order.
    pub dismissal_reasons: Vec<Choice>,
}

impl Default for Students {
    fn default() -> Self {
        Students {
            late_arrival_reasons: vec![
                Choice::new(
                    "appointment",
                    "Medical or dental appointment",
                    "Cita médica o dental",
                ),
                Choice::new("illness", "Illness", "Enfermedad"),
                Choice::new("transport", "Bus or car trouble", "Problemas de transporte"),
                Choice::new("family", "Family matter", "Asunto familiar"),
                Choice::new("other", "Other reason", "Otro motivo"),
            ],
            dismissal_reasons: vec![
                Choice::new(
                    "appointment",
                    "Medical or dental appointment",
                    "Cita médica o dental",
                ),
                Choice::new("illness", "Feeling ill", "Se siente mal"),
                Choice::new("family", "Family matter", "Asunto familiar"),
                Choice::new("activity", "School activity", "Actividad escolar"),
                Choice::new("other", "Other reason", "Otro motivo"),
            ],
        }
    }
}

impl Default for School {
    fn default() -> Self {
        School {
            name: "Demo Elementary School".into(),
        }
    }
}

impl Default for Kiosk {
    fn default() -> Self {
        Kiosk {
            name: "Main lobby".into(),
            language: Language::En,
            idle_timeout_secs: 20,
            expired_id: ExpiredIdPolicy::Accept,
            max_scan_attempts: 3,
            door_unlock_secs: 5,
            review_admit_secs: 300,
        }
    }
}

impl Default for Visit {
    fn default() -> Self {
        Visit {
            purposes: vec![
                Choice::new("visitor", "Visitor", "Visitante"),
                Choice::new("volunteer", "Volunteer", "Voluntario"),
                Choice::new(
                    "contractor",
                    "Contractor or vendor",
                    "Contratista o proveedor",
                ),
                Choice::new(
                    "pickup",
                    "Pick-up or early dismissal",
                    "Recoger o salida temprana",
                ),
                Choice::new("late-arrival", "Late-arrival drop-off", "Llegada tarde"),
                Choice::new("staff", "Staff without badge", "Personal sin gafete"),
            ],
            destinations: vec![
                Choice::new("office", "Front office", "Oficina"),
                Choice::new("library", "Library", "Biblioteca"),
                Choice::new("gym", "Gym", "Gimnasio"),
                Choice::new("classroom", "Classroom", "Salón de clases"),
            ],
        }
    }
}

impl Default for Storage {
    fn default() -> Self {
        Storage {
            database: PathBuf::from("/var/lib/vestibule/vestibule.redb"),
            key_file: PathBuf::from("/var/lib/vestibule/data.key"),
            key_wrap: "none".into(),
        }
    }
}

/// A config that cannot be used, with where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, or `environment` for a `VESTIBULE_*` override.
    pub source: String,
    /// Dotted key path (`kiosk.idle_timeout_secs`), empty when the whole file is at fault.
    pub key: String,
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.source, self.reason)
        } else {
            write!(f, "{}: key `{}`: {}", self.source, self.key, self.reason)
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Loads the config a command should run with: `explicit` (from `--config`) must exist; the
    /// default path is used when present, otherwise the built-in defaults (a developer machine).
    pub fn load(
        explicit: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let (source, text) = match explicit {
            Some(path) => (path.display().to_string(), read(path)?),
            None if Path::new(DEFAULT_PATH).exists() => {
                (DEFAULT_PATH.to_owned(), read(Path::new(DEFAULT_PATH))?)
            }
            None => ("built-in defaults".to_owned(), String::new()),
        };
        Config::from_toml(&source, &text, env)
    }

    /// Parses `text` (named `source` in errors), overlays the environment, validates.
    pub fn from_toml(
        source: &str,
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError {
            source: source.to_owned(),
            key: String::new(),
            reason: one_line(e.message()),
        })?;
        let mut overridden = Vec::new();
        for (name, value) in env {
            if let Some(key) = env_key(&name) {
                set_path(&mut table, &key, parse_env_value(&value)).map_err(|reason| {
                    ConfigError {
                        source: format!("environment variable {name}"),
                        key: key.join("."),
                        reason,
                    }
                })?;
                overridden.push((name, key.join(".")));
            }
        }
        let config: Config =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                let key = e.path().to_string();
                let source = overridden
                    .iter()
                    .find(|(_, k)| *k == key)
                    .map(|(name, _)| format!("environment variable {name}"))
                    .unwrap_or_else(|| source.to_owned());
                ConfigError {
                    source,
                    key: if key == "." { String::new() } else { key },
                    reason: one_line(&e.into_inner().to_string()),
                }
            })?;
        config.validate().map_err(|(key, reason)| ConfigError {
            source: source.to_owned(),
            key: key.to_owned(),
            reason,
        })?;
        Ok(config)
    }

    /// Range and consistency checks serde cannot express.
    fn validate(&self) -> Result<(), (&'static str, String)> {
        if self.school.name.trim().is_empty() {
            return Err(("school.name", "must not be empty".into()));
        }
        if self.kiosk.name.trim().is_empty() {
            return Err(("kiosk.name", "must not be empty".into()));
        }
        if !(5..=600).contains(&self.kiosk.idle_timeout_secs) {
            return Err((
                "kiosk.idle_timeout_secs",
                format!(
                    "{} is outside 5..=600 seconds",
                    self.kiosk.idle_timeout_secs
                ),
            ));
        }
        if !(1..=10).contains(&self.kiosk.max_scan_attempts) {
            return Err((
                "kiosk.max_scan_attempts",
                format!("{} is outside 1..=10", self.kiosk.max_scan_attempts),
            ));
        }
        if !(1..=60).contains(&self.kiosk.door_unlock_secs) {
            return Err((
                "kiosk.door_unlock_secs",
                format!("{} is outside 1..=60 seconds", self.kiosk.door_unlock_secs),
            ));
        }
        if !(30..=3600).contains(&self.kiosk.review_admit_secs) {
            return Err((
                "kiosk.review_admit_secs",
                format!(
                    "{} is outside 30..=3600 seconds",
                    self.kiosk.review_admit_secs
                ),
            ));
        }
        if self.storage.database.as_os_str().is_empty() {
            return Err(("storage.database", "must name a file".into()));
        }
        self.check_sync()?;
        self.check_privacy()?;
        self.check_alerts()?;
        check_choices("visit.purposes", &self.visit.purposes)?;
        check_choices("visit.destinations", &self.visit.destinations)?;
        check_choices(
            "students.late_arrival_reasons",
            &self.students.late_arrival_reasons,
        )?;
        check_choices(
            "students.dismissal_reasons",
            &self.students.dismissal_reasons,
        )?;
        self.check_prereg()?;
        self.hardware.validate()?;
        self.check_staff()
    }

    fn check_prereg(&self) -> Result<(), (&'static str, String)> {
        use base64::Engine;
        let key = self.prereg.public_key.trim();
        if !key.is_empty() {
            let valid = base64::engine::general_purpose::STANDARD
                .decode(key)
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .is_some_and(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).is_ok());
            if !valid {
                return Err((
                    "prereg.public_key",
                    "must be a base64 Ed25519 public key (32 bytes) or empty".into(),
                ));
            }
        }
        if self.prereg.id_required_purposes.is_some() {
            return Err((
                "prereg.id_required_purposes",
                "was replaced: every invitation now needs an ID too; list the purposes that may \
                 skip it in prereg.id_optional_purposes"
                    .into(),
            ));
        }
        for id in &self.prereg.id_optional_purposes {
            if id != "event" && !self.visit.purposes.iter().any(|p| &p.id == id) {
                return Err((
                    "prereg.id_optional_purposes",
                    format!("`{id}` is not a purpose id of visit.purposes (nor `event`)"),
                ));
            }
        }
        if !(1..=366).contains(&self.prereg.max_validity_days) {
            return Err((
                "prereg.max_validity_days",
                format!("{} is outside 1..=366 days", self.prereg.max_validity_days),
            ));
        }
        Ok(())
    }

    fn check_sync(&self) -> Result<(), (&'static str, String)> {
        let sync = &self.sync;
        if !sync.url.is_empty() && !sync.url.starts_with("https://") {
            return Err(("sync.url", "must start with https:// (or be empty)".into()));
        }
        // A feed URL alone would be trusted through no CA and no signature: refused here rather
        // than failing at every sync.
        if !sync.url.is_empty() && sync.ca.as_os_str().is_empty() {
            return Err((
                "sync.ca",
                "must name the district's CA (PEM) when sync.url is set".into(),
            ));
        }
        if !sync.url.is_empty() && sync.public_key.trim().is_empty() {
            return Err((
                "sync.public_key",
                "must hold the district's feed key (base64, or its file) when sync.url is set"
                    .into(),
            ));
        }
        if !(1..=8760).contains(&sync.max_registry_age_hours) {
            return Err((
                "sync.max_registry_age_hours",
                format!("{} is outside 1..=8760 hours", sync.max_registry_age_hours),
            ));
        }
        if !(1..=600).contains(&sync.timeout_secs) {
            return Err((
                "sync.timeout_secs",
                format!("{} is outside 1..=600 seconds", sync.timeout_secs),
            ));
        }
        if !(1..=86_400).contains(&sync.download_deadline_secs) {
            return Err((
                "sync.download_deadline_secs",
                format!(
                    "{} is outside 1..=86400 seconds",
                    sync.download_deadline_secs
                ),
            ));
        }
        Ok(())
    }

    fn check_alerts(&self) -> Result<(), (&'static str, String)> {
        let alerts = &self.alerts;
        let https = |url: &str| url.starts_with("https://");
        if !alerts.webhooks.iter().all(|u| https(u)) {
            return Err((
                "alerts.webhooks",
                "each URL must start with https://".into(),
            ));
        }
        if !alerts.sms_url.is_empty() {
            if !https(&alerts.sms_url) {
                return Err((
                    "alerts.sms_url",
                    "must start with https:// (or be empty)".into(),
                ));
            }
            let body = alerts.sms_template.replace("{{message}}", "test");
            if !alerts.sms_template.contains("{{message}}")
                || serde_json::from_str::<serde_json::Value>(&body).is_err()
            {
                return Err((
                    "alerts.sms_template",
                    "must be a JSON body containing {{message}} (inside a string)".into(),
                ));
            }
        }
        if !alerts.smtp_host.is_empty() {
            if alerts.smtp_from.trim().is_empty() {
                return Err((
                    "alerts.smtp_from",
                    "must not be empty with smtp_host".into(),
                ));
            }
            if alerts.smtp_to.is_empty() {
                return Err(("alerts.smtp_to", "must list at least one address".into()));
            }
            if alerts.smtp_port == 0 {
                return Err(("alerts.smtp_port", "must not be 0".into()));
            }
        }
        let any = !alerts.webhooks.is_empty()
            || !alerts.sms_url.is_empty()
            || !alerts.smtp_host.is_empty();
        if any && alerts.ca.as_os_str().is_empty() {
            return Err((
                "alerts.ca",
                "must name the CA PEM file when an alert channel is configured".into(),
            ));
        }
        if !(1..=120).contains(&alerts.timeout_secs) {
            return Err((
                "alerts.timeout_secs",
                format!("{} is outside 1..=120 seconds", alerts.timeout_secs),
            ));
        }
        let visits_url = &self.district.visits_url;
        if !visits_url.is_empty() && !https(visits_url) {
            return Err((
                "district.visits_url",
                "must start with https:// (or be empty)".into(),
            ));
        }
        if !visits_url.is_empty() && self.sync.ca.as_os_str().is_empty() {
            return Err((
                "sync.ca",
                "must name the district's CA when district.visits_url is set".into(),
            ));
        }
        Ok(())
    }

    fn check_privacy(&self) -> Result<(), (&'static str, String)> {
        if self.storage.key_file.as_os_str().is_empty() {
            return Err(("storage.key_file", "must name a file".into()));
        }
        crate::store::KeyWrap::parse(&self.storage.key_wrap)
            .map_err(|e| ("storage.key_wrap", e))?;
        let privacy = &self.privacy;
        if !(1..=3650).contains(&privacy.retention_days) {
            return Err((
                "privacy.retention_days",
                format!("{} is outside 1..=3650 days", privacy.retention_days),
            ));
        }
        if privacy.decisions_retention_days > 36500 {
            return Err((
                "privacy.decisions_retention_days",
                format!(
                    "{} is outside 0..=36500 days (0 keeps decisions)",
                    privacy.decisions_retention_days
                ),
            ));
        }
        Ok(())
    }

    fn check_staff(&self) -> Result<(), (&'static str, String)> {
        let pins = &self.staff.pins;
        for (i, pin) in pins.iter().enumerate() {
            if pin.operator.trim().is_empty() {
                return Err(("staff.pins", format!("entry {}: operator is empty", i + 1)));
            }
            if pins[..i].iter().any(|p| p.operator == pin.operator) {
                return Err((
                    "staff.pins",
                    format!("operator `{}` appears twice", pin.operator),
                ));
            }
            if !crate::kiosk::pin::is_valid_hash(&pin.hash) {
                return Err((
                    "staff.pins",
                    format!(
                        "operator `{}`: hash is not an argon2 PHC string",
                        pin.operator
                    ),
                ));
            }
            // The demo PIN is printed in the README: anyone could walk up and type it.
            if crate::kiosk::pin::verifies(&pin.hash, crate::kiosk::pin::SIM_PIN) {
                return Err((
                    "staff.pins",
                    format!(
                        "operator `{}`: that is the published demo PIN; pick another (vestibule config hash-pin)",
                        pin.operator
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A configured button list must be non-empty with unique, label-safe ids: the ids become
/// accessible labels (`purpose:<id>`) that scripts and tests rely on.
fn check_choices(key: &'static str, choices: &[Choice]) -> Result<(), (&'static str, String)> {
    if choices.is_empty() {
        return Err((key, "must list at least one entry".into()));
    }
    for (i, choice) in choices.iter().enumerate() {
        let id_ok = !choice.id.is_empty()
            && choice
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            return Err((
                key,
                format!(
                    "entry {}: id `{}` must be lower-case letters, digits and `-`",
                    i + 1,
                    choice.id
                ),
            ));
        }
        if choices[..i].iter().any(|c| c.id == choice.id) {
            return Err((key, format!("id `{}` appears twice", choice.id)));
        }
        if choice.label.trim().is_empty() || choice.label_es.trim().is_empty() {
            return Err((key, format!("id `{}`: labels must not be empty", choice.id)));
        }
    }
    Ok(())
}

impl Config {
    /// The staff PINs `--sim` runs with: the configured ones, or the demo PIN 2468.
    pub fn sim_staff_pins(&self) -> Vec<StaffPin> {
        if self.staff.pins.is_empty() {
            vec![StaffPin {
                operator: "demo".into(),
                hash: crate::kiosk::pin::SIM_PIN_HASH.into(),
            }]
        } else {
            self.staff.pins.clone()
        }
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        source: path.display().to_string(),
        key: String::new(),
        reason: format!("cannot read: {e}"),
    })
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `VESTIBULE_KIOSK__IDLE_TIMEOUT_SECS` -> `["kiosk", "idle_timeout_secs"]`: `__` separates
/// levels because keys themselves contain `_`.
fn env_key(name: &str) -> Option<Vec<String>> {
    if RESERVED_ENV.contains(&name) {
        return None;
    }
    let rest = name.strip_prefix("VESTIBULE_")?;
    if !rest.contains("__") {
        return None;
    }
    Some(rest.split("__").map(str::to_lowercase).collect())
}

/// An override's value is read as a TOML value when it is one (`30`, `true`, `["a"]`) and as a
/// plain string otherwise, so `VESTIBULE_SCHOOL__NAME=Lincoln Elementary` needs no quotes.
fn parse_env_value(raw: &str) -> toml::Value {
    format!("v = {raw}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_owned()))
}

fn set_path(table: &mut toml::Table, key: &[String], value: toml::Value) -> Result<(), String> {
    let (last, parents) = key.split_last().ok_or("empty key")?;
    let mut current = table;
    for part in parents {
        let entry = current
            .entry(part.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = entry
            .as_table_mut()
            .ok_or_else(|| format!("`{part}` is not a section"))?;
    }
    current.insert(last.clone(), value);
    Ok(())
}

/// A complete kiosk.toml with every key at its default and a comment for each
/// (`vestibule config example`). A test proves it loads back to the defaults.
pub const EXAMPLE: &str = r#"# Vestibule kiosk configuration (/etc/vestibule/kiosk.toml).
# Every key is optional; the values below are the defaults. Unknown keys are refused.
# Any key can be overridden from the environment: VESTIBULE_<SECTION>__<KEY>=value,
# e.g. VESTIBULE_KIOSK__IDLE_TIMEOUT_SECS=30.

[school]
# Printed on badges and shown on the attract screen.
name = "Demo Elementary School"

[kiosk]
# Names this kiosk in audits and alerts.
name = "Main lobby"
# Language the attract screen starts in: "en" or "es" (visitors can switch).
language = "en"
# Seconds without a touch or scan before any screen returns to the attract screen (5-600).
idle_timeout_secs = 20
# An expired licence or passport: "accept" (it still proves identity) or "refuse" (front office).
expired_id = "accept"
# Failed scans in a row before the visitor is asked to see the front office (1-10).
max_scan_attempts = 3
# Seconds the door stays unlocked, and "the door is open" shows, after a cleared visit (1-60).
door_unlock_secs = 5
# Seconds after a flag within which staff may still admit that check-in (30-3600); the visitor
# then scans the same ID again before the badge prints. Later, staff can only close it.
review_admit_secs = 300

[screening]
# Without an installed offender registry the kiosk is out of service (door locked, staff
# alerted): screening against nothing would clear everybody. `true` only when this school
# deliberately screens visitors against its own lists alone.
lists_only = false

[storage]
# The database: registry cache, watchlists, visits, audit log and alert outbox.
database = "/var/lib/vestibule/vestibule.redb"
# The 32-byte data key that seals visits, "not a match" decisions and blocks (AES-256-GCM),
# created with mode 0600 on first use; `vestibule key rotate` replaces it. When systemd hands
# in the credential `vestibule-data-key` (LoadCredential=), that is used instead. When this
# file's directory does not exist (a developer machine), `<database>.key` beside the database.
key_file = "/var/lib/vestibule/data.key"
# What wraps the data key on the card (AES-256-GCM), so that a copied card does not open the
# sealed records: "none"; "rpi-otp" (the Raspberry Pi's OTP customer key, read with
# rpi-otp-private-key: needs the firmware mailbox /dev/vcio); or "file:/path" (a 32-byte key
# file kept off the card, mode 0600). vestibule-data-key.service wraps the key file at boot.
key_wrap = "none"

[privacy]
# `vestibule purge` (daily) deletes visits signed in more than this many days ago (1-3650).
retention_days = 365
# ...and "not a match" decisions and blocks older than this many days; 0 keeps them.
decisions_retention_days = 0

[sync]
# The district's registry feed (`vestibule registry sync`): the https:// URL of the directory
# `vestibule registry publish` wrote. Empty: this kiosk is not provisioned for a feed.
url = ""
# PEM file of the CA that issued the feed server's certificate: the ONLY CA trusted for it.
ca = ""
# The district's feed public key (`vestibule registry keygen` prints it): base64, or the path
# of a file holding it. A manifest it did not sign is refused.
public_key = ""
# A registry not refreshed for this many hours is stale (1-8760).
max_registry_age_hours = 48
# Seconds to wait for the feed server to connect or send the next bytes (1-600).
timeout_secs = 30
# Seconds any one download may take in all (1-86400): a server trickling bytes is cut off,
# and the next sync resumes the download.
download_deadline_secs = 1800

[alerts]
# Silent alerts (flags and staff decisions: visitor name and date of birth, reason, time, kiosk,
# operator, decision) go to EVERY channel configured here, through the database's outbox:
# retried with backoff until each channel accepts them, never lost across restarts.
# https:// webhooks, each POSTed the alert as JSON with an `Idempotency-Key` header.
webhooks = []
# An SMS gateway's https:// URL, and the JSON body POSTed to it: `{{message}}` becomes the
# alert's text, e.g. '{"to": ["+15551234567"], "text": "{{message}}"}'. Empty: no SMS.
sms_url = ""
sms_template = ""
# E-mail: the SMTP server (empty: no e-mail), its port, and "starttls" (port 587) or "tls"
# (implicit TLS, port 465). Never sent in clear.
smtp_host = ""
smtp_port = 587
smtp_tls = "starttls"
# SMTP login (empty: none) and the file holding its password (first line; mode 0600).
smtp_user = ""
smtp_password_file = ""
smtp_from = ""
smtp_to = []
# PEM file of the CA(s) the webhook, SMS and SMTP servers' certificates must chain to: the ONLY
# ones trusted. Required once any channel above is set.
ca = ""
# Seconds to wait for a channel to connect or answer (1-120).
timeout_secs = 10
# Whether SMS and e-mail alerts carry the visitor's date of birth (phones and mailboxes keep
# them for years). Webhooks always get the full alert.
dob_in_messages = false

[district]
# The district's https:// visit log: every sign-in and sign-out is POSTed there in batches
# through the outbox (trusting `sync.ca`). Empty: visits stay on this kiosk.
visits_url = ""

[prereg]
# Pre-registered visitors scan an invitation QR code instead of typing. The kiosk fleet's
# Ed25519 public key (base64) the invitations must be signed with: `vestibule prereg keygen`
# prints it. Empty: this kiosk accepts no invitations.
public_key = ""
# Every invitation also needs the visitor's ID, checked to be the invited person (name and
# date of birth), except for these purpose ids (of visit.purposes, or `event`): only for
# staff-attended events, where staff see everyone who comes in.
id_optional_purposes = []
# The longest an invitation may be valid, first to last day (1-366): `prereg add` and
# `prereg import` refuse longer ones, and the kiosk refuses such tokens. Each invitation admits
# its person once a day.
max_validity_days = 31

# What a cleared visitor picks: why they came, then where they are going. Each list shows in
# this order; `id` (lower-case letters, digits, -) names the button (`purpose:<id>`,
# `destination:<id>`) and goes into visit records; `label` / `label_es` are the button text.
[[visit.purposes]]
id = "visitor"
label = "Visitor"
label_es = "Visitante"

[[visit.purposes]]
id = "volunteer"
label = "Volunteer"
label_es = "Voluntario"

[[visit.purposes]]
id = "contractor"
label = "Contractor or vendor"
label_es = "Contratista o proveedor"

[[visit.purposes]]
id = "pickup"
label = "Pick-up or early dismissal"
label_es = "Recoger o salida temprana"

[[visit.purposes]]
id = "late-arrival"
label = "Late-arrival drop-off"
label_es = "Llegada tarde"

[[visit.purposes]]
id = "staff"
label = "Staff without badge"
label_es = "Personal sin gafete"

[[visit.destinations]]
id = "office"
label = "Front office"
label_es = "Oficina"

[[visit.destinations]]
id = "library"
label = "Library"
label_es = "Biblioteca"

[[visit.destinations]]
id = "gym"
label = "Gym"
label_es = "Gimnasio"

[[visit.destinations]]
id = "classroom"
label = "Classroom"
label_es = "Salón de clases"

# Why a student signs in late or leaves early: each list shows in this order; `id` (lower-case
# letters, digits, -) goes into student events and reports, `label` / `label_es` are the button.
[[students.late_arrival_reasons]]
id = "appointment"
label = "Medical or dental appointment"
label_es = "Cita médica o dental"

[[students.late_arrival_reasons]]
id = "illness"
label = "Illness"
label_es = "Enfermedad"

[[students.late_arrival_reasons]]
id = "transport"
label = "Bus or car trouble"
label_es = "Problemas de transporte"

[[students.late_arrival_reasons]]
id = "family"
label = "Family matter"
label_es = "Asunto familiar"

[[students.late_arrival_reasons]]
id = "other"
label = "Other reason"
label_es = "Otro motivo"

[[students.dismissal_reasons]]
id = "appointment"
label = "Medical or dental appointment"
label_es = "Cita médica o dental"

[[students.dismissal_reasons]]
id = "illness"
label = "Feeling ill"
label_es = "Se siente mal"

[[students.dismissal_reasons]]
id = "family"
label = "Family matter"
label_es = "Asunto familiar"

[[students.dismissal_reasons]]
id = "activity"
label = "School activity"
label_es = "Actividad escolar"

[[students.dismissal_reasons]]
id = "other"
label = "Other reason"
label_es = "Otro motivo"

[staff]
# Who may open the staff screens: one entry per person, the PIN stored only as an argon2id hash:
#   [[staff.pins]]
#   operator = "Ms Rivera"
#   hash = "$argon2id$v=19$m=19456,t=2,p=1$..."
# Five wrong PINs in a row lock the pad for five minutes. Empty: the staff screens stay shut
# (`vestibule kiosk --sim` then uses the demo PIN 2468).
pins = []

[hardware]
# GPIO for the door relay, lamp and input pins: "cdev" (the GPIO character device: Debian's
# kernel on the kiosk image, Raspberry Pi OS and any Linux board), "rppal" (Raspberry Pi OS
# only: it needs /dev/gpiomem, which Debian's kernel does not have) or "none" (no pins; relay,
# lamp and inputs simulated).
gpio = "cdev"
# The GPIO chip for "cdev": "label:" and the chip labels to try in order (the Pi 4's SoC is
# pinctrl-bcm2711, the Pi 5's header is RP1's pinctrl-rp1; both number the header's GPIO n as
# line n), or a path such as "/dev/gpiochip0".
chip = "label:pinctrl-bcm2711,pinctrl-rp1"
# Milliseconds the kiosk's main loop may stall before the door relay is forced off (100-60000).
watchdog_ms = 2000

# Pins are the header's GPIO numbers on a Pi 4 or 5 (BCM numbers; line offsets on `chip`);
# inputs are pulled towards idle (up for active-low, down for active-high); polarity "active-high" or
# "active-low" says which level energises the relay or lamp, or means pressed / door open.
# An active-low relay board also needs `locked_level = "high"`: the pin level that keeps the
# door locked, stated so that a wrong wiring is caught here (the firmware holds the pin there
# from power-on, see kiosk-image/provision). With "cdev" a pin may also name its line on the
# chip, `line = "GPIO17"`: the kiosk then refuses to start unless that line is `pin`.
[hardware.relay]
pin = 17
polarity = "active-high"

[hardware.lamp]
pin = 27
polarity = "active-high"

[hardware.panic_button]
pin = 22
polarity = "active-low"
# Milliseconds a new level must hold before it counts (0-1000).
debounce_ms = 30

[hardware.door_sensor]
pin = 23
polarity = "active-low"
debounce_ms = 50

[hardware.reader]
# The ID/QR reader's serial device: a USB scanner in CDC/serial mode (/dev/ttyACM0, any board) or
# a UART: on the kiosk image a Pi 4's header UART (GPIO 14/15) is /dev/ttyS1 (the mini UART; no
# serial0 or ttyAMA0 under Debian's kernel); a Pi 5's is not in this kernel's device tree.
device = "/dev/ttyACM0"
baud = 9600
# The suffix the scanner appends, e.g. "\u0003"; empty ends a scan on the gap alone. Never "\r"
# or "\n": licence barcodes carry those inside.
suffix = ""
# Milliseconds of silence that end a scan (or, with a suffix, mark it cut off) (5-2000).
gap_ms = 50
# Longest believable scan in bytes (64-65536).
max_len = 4096

[hardware.printer]
# brother-ql-dk1202, brother-ql-dk2205, dymo-30256, zpl-203dpi or zpl-300dpi.
kind = "brother-ql-dk1202"
# /dev/usb/lp0, or tcp://HOST:9100 for a network printer.
device = "/dev/usb/lp0"
# Ask a Brother for its status before and after each badge (paper out, cover open, wrong labels).
status = true
status_timeout_ms = 2000
print_timeout_ms = 15000
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env() -> Vec<(String, String)> {
        Vec::new()
    }

    #[test]
    fn example_loads_to_the_defaults() {
        let config = Config::from_toml("example", EXAMPLE, no_env()).unwrap();
        assert_eq!(config, Config::default());
    }

    #[test]
    fn unknown_key_names_file_and_key() {
        let err = Config::from_toml("k.toml", "[kiosk]\nidle_timeout = 5\n", no_env()).unwrap_err();
        assert_eq!(err.source, "k.toml");
        assert_eq!(err.key, "kiosk.idle_timeout");
        assert!(err.reason.contains("unknown field"), "{err}");
    }

    #[test]
    fn bad_value_type_names_key() {
        let err =
            Config::from_toml("k.toml", "[kiosk]\nlanguage = \"fr\"\n", no_env()).unwrap_err();
        assert_eq!(err.key, "kiosk.language");
    }

    #[test]
    fn out_of_range_value_is_refused() {
        let err =
            Config::from_toml("k.toml", "[kiosk]\nidle_timeout_secs = 1\n", no_env()).unwrap_err();
        assert_eq!(err.key, "kiosk.idle_timeout_secs");
        assert!(err
            .to_string()
            .starts_with("k.toml: key `kiosk.idle_timeout_secs`: 1 is outside"));
    }

    #[test]
    fn retention_is_range_checked() {
        let err =
            Config::from_toml("k.toml", "[privacy]\nretention_days = 0\n", no_env()).unwrap_err();
        assert_eq!(err.key, "privacy.retention_days");
        let ok = "[privacy]\nretention_days = 30\ndecisions_retention_days = 730\n";
        let config = Config::from_toml("k.toml", ok, no_env()).unwrap();
        assert_eq!(config.privacy.retention_days, 30);
        assert_eq!(config.privacy.decisions_retention_days, 730);
    }

    #[test]
    fn syntax_error_is_one_line() {
        let err = Config::from_toml("k.toml", "[kiosk\n", no_env()).unwrap_err();
        assert!(!err.to_string().contains('\n'));
    }

    #[test]
    fn environment_overrides_file() {
        let env = vec![
            ("VESTIBULE_KIOSK__IDLE_TIMEOUT_SECS".into(), "45".into()),
            ("VESTIBULE_SCHOOL__NAME".into(), "Lincoln Elementary".into()),
            ("VESTIBULE_DB".into(), "/tmp/x.redb".into()),
            ("PATH".into(), "/bin".into()),
        ];
        let config = Config::from_toml("k.toml", "[kiosk]\nidle_timeout_secs = 30\n", env).unwrap();
        assert_eq!(config.kiosk.idle_timeout_secs, 45);
        assert_eq!(config.school.name, "Lincoln Elementary");
    }

    #[test]
    fn purposes_need_unique_label_safe_ids() {
        let twice = "[[visit.purposes]]\nid = \"a\"\nlabel = \"A\"\nlabel_es = \"A\"\n".repeat(2);
        let err = Config::from_toml("k.toml", &twice, no_env()).unwrap_err();
        assert_eq!(err.key, "visit.purposes");
        assert!(err.reason.contains("twice"), "{err}");
        let bad = "[[visit.destinations]]\nid = \"Gym 2\"\nlabel = \"G\"\nlabel_es = \"G\"\n";
        let err = Config::from_toml("k.toml", bad, no_env()).unwrap_err();
        assert_eq!(err.key, "visit.destinations");
        let err = Config::from_toml("k.toml", "[visit]\npurposes = []\n", no_env()).unwrap_err();
        assert_eq!(err.key, "visit.purposes");
    }

    #[test]
    fn staff_pins_must_be_argon2_hashes() {
        let plain = "[[staff.pins]]\noperator = \"Ms Rivera\"\nhash = \"2468\"\n";
        let err = Config::from_toml("k.toml", plain, no_env()).unwrap_err();
        assert_eq!(err.key, "staff.pins");
        assert!(!err.to_string().contains("2468"), "never echo a PIN: {err}");
        let hashed = format!(
            "[[staff.pins]]\noperator = \"Ms Rivera\"\nhash = \"{}\"\n",
            crate::kiosk::pin::hash_pin("135791", b"a-salt-for-tests").unwrap()
        );
        let config = Config::from_toml("k.toml", &hashed, no_env()).unwrap();
        assert_eq!(config.sim_staff_pins()[0].operator, "Ms Rivera");
        assert_eq!(Config::default().sim_staff_pins()[0].operator, "demo");
    }

    #[test]
    fn sync_url_must_be_https() {
        let err =
            Config::from_toml("k.toml", "[sync]\nurl = \"http://feed\"\n", no_env()).unwrap_err();
        assert_eq!(err.key, "sync.url");
        let ok = "[sync]\nurl = \"https://feed.example/registry\"\nca = \"/etc/vestibule/feed-ca.pem\"\n\
                  public_key = \"/etc/vestibule/feed.pub\"\n";
        let config = Config::from_toml("k.toml", ok, no_env()).unwrap();
        assert_eq!(config.sync.max_registry_age_hours, 48);
        let err = Config::from_toml("k.toml", "[sync]\nmax_registry_age_hours = 0\n", no_env())
            .unwrap_err();
        assert_eq!(err.key, "sync.max_registry_age_hours");
    }

    #[test]
    fn bad_environment_override_names_the_variable() {
        let env = vec![("VESTIBULE_KIOSK__LANGUAGE".into(), "klingon".into())];
        let err = Config::from_toml("k.toml", "", env).unwrap_err();
        assert_eq!(err.source, "environment variable VESTIBULE_KIOSK__LANGUAGE");
        assert_eq!(err.key, "kiosk.language");
        let env = vec![("VESTIBULE_KIOSK__COLOUR".into(), "red".into())];
        let err = Config::from_toml("k.toml", "", env).unwrap_err();
        assert_eq!(err.key, "kiosk.colour");
    }
}
