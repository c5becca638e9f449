//! The kiosks' side of the hub: enrolment, signed event batches and heartbeats. Every answer
//! that is not a success is a JSON `{"error": "..."}` with one line a technician can act on.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use deadpool_postgres::Pool;
use serde::Serialize;
use vestibule_core::district::{
    self, Acknowledged, Enrolled, Enrolment, EventBatch, Heartbeat, SignedHeaders,
};

use crate::db::{self, DbError};

/// The largest request body the hub reads (a batch of a few thousand events).
const MAX_BODY: usize = 8 * 1024 * 1024;

#[derive(Clone)]
pub struct Hub {
    pub pool: Pool,
}

pub fn router(hub: Hub) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/enrol", post(enrol))
        .route("/api/v1/events", post(events))
        .route("/api/v1/heartbeat", post(heartbeat))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        .with_state(hub)
}

/// A refused request: its status and the line that says why.
#[derive(Debug)]
pub struct Refused(StatusCode, String);

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (self.0, Json(ErrorBody { error: &self.1 })).into_response()
    }
}

impl From<DbError> for Refused {
    fn from(e: DbError) -> Self {
        // A request the database layer refuses is the kiosk's to mend, not a reason to retry.
        if let DbError::Refused(why) = e {
            return bad_request(why);
        }
        tracing::error!("{e}");
        Refused(
            StatusCode::SERVICE_UNAVAILABLE,
            "the hub's database is not answering; the kiosk keeps its outbox and sends again"
                .into(),
        )
    }
}

fn bad_request(why: impl Into<String>) -> Refused {
    Refused(StatusCode::BAD_REQUEST, why.into())
}

fn unauthorised(why: impl Into<String>) -> Refused {
    Refused(StatusCode::UNAUTHORIZED, why.into())
}

fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Refused> {
    serde_json::from_slice(body).map_err(|e| bad_request(format!("the body: {e}")))
}

async fn enrol(State(hub): State<Hub>, body: Bytes) -> Result<Json<Enrolled>, Refused> {
    let request: Enrolment = json(&body)?;
    if district::parse_public_key(&request.public_key).is_none() {
        return Err(bad_request(
            "public_key is not base64 of an Ed25519 public key",
        ));
    }
    let name = request.name.trim();
    if name.is_empty() || name.len() > 80 {
        return Err(bad_request("name must be 1 to 80 characters"));
    }
    let kiosk = crate::new_kiosk_id();
    match db::enrol(&hub.pool, &request.code, &kiosk, name, &request.public_key).await? {
        Some(school) => {
            tracing::info!(kiosk, school, "kiosk enrolled");
            Ok(Json(Enrolled { kiosk, school }))
        }
        None => Err(Refused(
            StatusCode::FORBIDDEN,
            "the enrolment code is unknown, used or expired, or this key is already enrolled"
                .into(),
        )),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, Refused> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthorised(format!("the {name} header is missing")))
}

/// Which kiosk signed this request, after every check: known and not revoked, the time near the
/// hub's, the signature good, the nonce never seen before by any hub on this database.
async fn authenticate(
    hub: &Hub,
    headers: &HeaderMap,
    method: &Method,
    uri: &Uri,
    body: &[u8],
) -> Result<String, Refused> {
    let signed = SignedHeaders {
        kiosk: header(headers, district::HEADER_KIOSK)?.to_string(),
        time: header(headers, district::HEADER_TIME)?
            .parse()
            .map_err(|_| unauthorised("the time header is not a number of seconds"))?,
        nonce: header(headers, district::HEADER_NONCE)?.to_string(),
        signature: header(headers, district::HEADER_SIGNATURE)?.to_string(),
    };
    let key = db::kiosk_key(&hub.pool, &signed.kiosk)
        .await?
        .and_then(|text| district::parse_public_key(&text))
        .ok_or_else(|| unauthorised("this kiosk is not enrolled, or was revoked"))?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    district::verify_request(&key, &signed, method.as_str(), uri.path(), body, now)
        .map_err(|refusal| unauthorised(refusal.to_string()))?;
    if !db::first_use_of_nonce(&hub.pool, &signed.kiosk, &signed.nonce).await? {
        tracing::warn!(kiosk = signed.kiosk, "a replayed request was refused");
        return Err(unauthorised("this request was already received (a replay)"));
    }
    Ok(signed.kiosk)
}

async fn events(
    State(hub): State<Hub>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Acknowledged>, Refused> {
    let kiosk = authenticate(&hub, &headers, &method, &uri, &body).await?;
    let batch: EventBatch = json(&body)?;
    for event in &batch.events {
        if time::OffsetDateTime::parse(&event.at, &time::format_description::well_known::Rfc3339)
            .is_err()
        {
            return Err(bad_request(format!(
                "event {}: `at` is not an RFC 3339 time",
                event.seq
            )));
        }
    }
    let seqs = db::store_events(&hub.pool, &kiosk, &batch.events).await?;
    Ok(Json(Acknowledged { seqs }))
}

async fn heartbeat(
    State(hub): State<Hub>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, Refused> {
    let kiosk = authenticate(&hub, &headers, &method, &uri, &body).await?;
    let report: Heartbeat = json(&body)?;
    let text = serde_json::to_string(&report).map_err(|e| bad_request(e.to_string()))?;
    db::store_heartbeat(&hub.pool, &kiosk, &text).await?;
    Ok(StatusCode::NO_CONTENT)
}
