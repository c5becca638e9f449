//! The channels: HTTPS webhooks and the SMS gateway (ureq on rustls, trusting only
//! `alerts.ca`), e-mail over SMTP with STARTTLS or implicit TLS (lettre on rustls/ring, trusting
//! only `alerts.ca`), and the district's visit log (trusting `sync.ca`). Each answers "accepted"
//! (HTTP 2xx, SMTP 250) or an error naming the channel, never the visitor.

use std::path::Path;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};
use sha2::{Digest, Sha256};

use super::{AlertError, Outgoing, DISTRICT};
use crate::config::{Config, SmtpTls};
use crate::store::outbox::Pending;

/// Every configured channel, ready to send.
pub struct Channels {
    webhooks: Vec<(String, String)>,
    sms: Option<(String, String)>,
    email: Option<Email>,
    district: Option<String>,
    /// Trusts `alerts.ca` (webhooks, SMS); `None` when no HTTPS alert channel is configured.
    agent: Option<ureq::Agent>,
    /// Trusts `sync.ca` (the district).
    district_agent: Option<ureq::Agent>,
    kiosk: String,
    /// `alerts.dob_in_messages`: SMS and e-mail texts carry the date of birth.
    dob: bool,
}

struct Email {
    transport: SmtpTransport,
    from: Mailbox,
    to: Vec<Mailbox>,
}

fn config_error(key: &str, reason: impl std::fmt::Display) -> AlertError {
    AlertError::Config(format!("{key}: {reason}"))
}

impl Channels {
    /// The channels `config` names; refuses (naming the key) a CA, address or password file
    /// that cannot be used.
    pub fn from_config(config: &Config) -> Result<Channels, AlertError> {
        let alerts = &config.alerts;
        let timeout = Duration::from_secs(u64::from(alerts.timeout_secs));
        let needs_agent = !alerts.webhooks.is_empty() || !alerts.sms_url.is_empty();
        let agent = if needs_agent {
            Some(
                crate::feed::sync::https_agent(&alerts.ca, timeout)
                    .map_err(|e| config_error("alerts.ca", e))?,
            )
        } else {
            None
        };
        let district =
            (!config.district.visits_url.is_empty()).then(|| config.district.visits_url.clone());
        let district_agent = match &district {
            Some(_) => Some(
                crate::feed::sync::https_agent(&config.sync.ca, timeout)
                    .map_err(|e| config_error("sync.ca", e))?,
            ),
            None => None,
        };
        let email = if alerts.smtp_host.is_empty() {
            None
        } else {
            Some(email(config, timeout)?)
        };
        Ok(Channels {
            webhooks: alerts
                .webhooks
                .iter()
                .enumerate()
                .map(|(i, url)| (format!("webhook-{}", i + 1), url.clone()))
                .collect(),
            sms: (!alerts.sms_url.is_empty())
                .then(|| (alerts.sms_url.clone(), alerts.sms_template.clone())),
            email,
            district,
            agent,
            district_agent,
            kiosk: config.kiosk.name.clone(),
            dob: alerts.dob_in_messages,
        })
    }

    /// Whether nothing is configured (no thread needed).
    pub fn is_empty(&self) -> bool {
        self.webhooks.is_empty()
            && self.sms.is_none()
            && self.email.is_none()
            && self.district.is_none()
    }

    /// Sends one entry to its channel.
    pub fn send(&self, pending: &Pending) -> Result<(), AlertError> {
        let fail = |reason: String| AlertError::Send {
            channel: pending.channel.clone(),
            reason,
        };
        let outgoing: Outgoing = serde_json::from_value(pending.body.clone())
            .map_err(|_| fail("the queued message is not one this version sends".into()))?;
        let channel = pending.channel.as_str();
        if let Some((_, url)) = self.webhooks.iter().find(|(name, _)| name == channel) {
            let mut body = pending.body.clone();
            body["idempotency_key"] = pending.key.clone().into();
            let bytes = serde_json::to_vec(&body).expect("JSON serialises");
            return post(self.agent.as_ref(), url, &pending.key, &bytes).map_err(fail);
        }
        let Outgoing::Alert(alert) = outgoing else {
            return Err(fail("a visit event queued for an alert channel".into()));
        };
        match channel {
            "sms" => {
                let Some((url, template)) = &self.sms else {
                    return Err(fail("not configured any more; kept waiting".into()));
                };
                let text =
                    serde_json::to_string(&alert.sms_text(self.dob)).expect("strings serialise");
                // `{{message}}` sits inside a JSON string: the escaped text without its quotes.
                let body = template.replace("{{message}}", &text[1..text.len() - 1]);
                post(self.agent.as_ref(), url, &pending.key, body.as_bytes()).map_err(fail)
            }
            "email" => {
                let Some(email) = &self.email else {
                    return Err(fail("not configured any more; kept waiting".into()));
                };
                let mut builder = lettre::Message::builder()
                    .from(email.from.clone())
                    .subject(alert.subject())
                    .message_id(Some(format!("<{}@vestibule>", pending.key)))
                    .header(ContentType::TEXT_PLAIN);
                for to in &email.to {
                    builder = builder.to(to.clone());
                }
                let message = builder
                    .body(alert.email_body(&pending.key, self.dob))
                    .map_err(|e| fail(format!("cannot build the message: {e}")))?;
                email
                    .transport
                    .send(&message)
                    .map(|_| ())
                    .map_err(|e| fail(smtp_reason(&e)))
            }
            _ => Err(fail("not configured any more; kept waiting".into())),
        }
    }

    /// Sends a batch of visit events to the district's log: ONE POST of
    /// `{"kiosk": ..., "events": [...]}`, each event with its own `idempotency_key`, the
    /// request's `Idempotency-Key` the SHA-256 of the batch's keys.
    pub fn send_district(&self, batch: &[&Pending]) -> Result<(), AlertError> {
        let fail = |reason: String| AlertError::Send {
            channel: DISTRICT.into(),
            reason,
        };
        let Some(url) = &self.district else {
            return Err(fail("not configured any more; kept waiting".into()));
        };
        let mut hash = Sha256::new();
        let events: Vec<serde_json::Value> = batch
            .iter()
            .map(|p| {
                hash.update(p.key.as_bytes());
                hash.update(b"\n");
                let mut event = p.body.clone();
                event["idempotency_key"] = p.key.clone().into();
                event
            })
            .collect();
        let key = crate::store::crypto::hex(&hash.finalize());
        let body = serde_json::json!({ "kiosk": self.kiosk, "events": events });
        let bytes = serde_json::to_vec(&body).expect("JSON serialises");
        post(self.district_agent.as_ref(), url, &key, &bytes).map_err(fail)
    }
}

fn post(agent: Option<&ureq::Agent>, url: &str, key: &str, body: &[u8]) -> Result<(), String> {
    let agent = agent.ok_or("no HTTPS agent (configuration changed)")?;
    let response = agent
        .post(url)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .send(body)
        .map_err(|e| http_reason(url, &e))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("{url} answered HTTP {}", status.as_u16()))
    }
}

/// One line for a failed request: TLS trust, or reachability.
fn http_reason(url: &str, e: &ureq::Error) -> String {
    let tls = crate::feed::sync::tls_failure(e);
    match tls {
        Some(tls) => {
            format!("{url}: TLS refused ({tls}): the certificate must chain to the configured CA")
        }
        None => format!("{url}: {}", e.to_string().replace('\n', " ")),
    }
}

/// lettre's error, on one line; the server's words only for a permanent or transient reply
/// (they name addresses of staff at most, never the visitor).
fn smtp_reason(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string().replace(['\r', '\n'], " ");
    text.truncate(300);
    format!("SMTP: {text}")
}

fn email(config: &Config, timeout: Duration) -> Result<Email, AlertError> {
    let alerts = &config.alerts;
    let pem = read_ca(&alerts.ca)?;
    let certificate = Certificate::from_pem(&pem).map_err(|e| config_error("alerts.ca", e))?;
    let tls = TlsParameters::builder(alerts.smtp_host.clone())
        .certificate_store(CertificateStore::None)
        .add_root_certificate(certificate)
        .build_rustls()
        .map_err(|e| config_error("alerts.ca", e))?;
    let mut builder = SmtpTransport::builder_dangerous(alerts.smtp_host.clone())
        .port(alerts.smtp_port)
        .timeout(Some(timeout))
        .tls(match alerts.smtp_tls {
            SmtpTls::Starttls => Tls::Required(tls),
            SmtpTls::Tls => Tls::Wrapper(tls),
        });
    if !alerts.smtp_user.is_empty() {
        let file = &alerts.smtp_password_file;
        let password = std::fs::read_to_string(file).map_err(|e| {
            config_error(
                "alerts.smtp_password_file",
                format!("{}: {e}", file.display()),
            )
        })?;
        let password = password.lines().next().unwrap_or("").to_owned();
        builder = builder.credentials(Credentials::new(alerts.smtp_user.clone(), password));
    }
    let mailbox = |key: &str, text: &str| {
        text.parse::<Mailbox>()
            .map_err(|e| config_error(key, format!("`{text}`: {e}")))
    };
    Ok(Email {
        transport: builder.build(),
        from: mailbox("alerts.smtp_from", &alerts.smtp_from)?,
        to: alerts
            .smtp_to
            .iter()
            .map(|t| mailbox("alerts.smtp_to", t))
            .collect::<Result<_, _>>()?,
    })
}

fn read_ca(path: &Path) -> Result<Vec<u8>, AlertError> {
    std::fs::read(path).map_err(|e| config_error("alerts.ca", format!("{}: {e}", path.display())))
}
