//! The hub's only state: PostgreSQL, through a pool, with versioned migrations. Every decision
//! that two hub processes could race on (a code used once, a nonce seen once, an event number
//! kept once) is one SQL statement, so the database settles it.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use sha2::{Digest, Sha256};
use tokio_postgres::NoTls;
use vestibule_core::district::{KioskEvent, MAX_CLOCK_SKEW_SECS};

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// Any two hubs that migrate at once take this advisory lock in turn.
const MIGRATION_LOCK: i64 = 0x7665_7374_6962;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("the database pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("the database schema: {0}")]
    Migration(#[from] refinery::Error),
    #[error("{0}")]
    Refused(String),
}

/// Opens a pool on a tokio-postgres connection string (`host=/run/postgresql dbname=hub`, or a
/// `postgresql://` URL).
pub fn pool(database: &str, size: usize) -> Result<Pool, DbError> {
    let config: tokio_postgres::Config = database
        .parse()
        .map_err(|e| DbError::Refused(format!("the database address: {e}")))?;
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .build()
        .map_err(|e| DbError::Refused(format!("the database pool: {e}")))
}

/// Brings the schema up to this version. Safe to run from several hubs at once.
pub async fn migrate(pool: &Pool) -> Result<usize, DbError> {
    let mut client = pool.get().await?;
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let report = embedded::migrations::runner()
        .run_async(&mut **client)
        .await;
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await?;
    Ok(report?.applied_migrations().len())
}

/// A code as stored: only its hash, so a database dump does not enrol anyone.
fn code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    base64_of(&Sha256::digest(normal.as_bytes()))
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub async fn add_school(pool: &Pool, id: &str, name: &str) -> Result<(), DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO schools (id, name) VALUES ($1, $2)
             ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
            &[&id, &name],
        )
        .await?;
    Ok(())
}

/// Stores a new one-time code for `school`, valid for `hours`.
pub async fn add_enrolment_code(
    pool: &Pool,
    school: &str,
    code: &str,
    hours: i32,
) -> Result<(), DbError> {
    let client = pool.get().await?;
    let known = client
        .query_opt("SELECT 1 FROM schools WHERE id = $1", &[&school])
        .await?;
    if known.is_none() {
        return Err(DbError::Refused(format!(
            "no school `{school}` (add it with `vestibule-hub school add`)"
        )));
    }
    client
        .execute(
            "INSERT INTO enrolment_codes (code_hash, school, expires_at)
             VALUES ($1, $2, now() + make_interval(hours => $3))",
            &[&code_hash(code), &school, &hours],
        )
        .await?;
    Ok(())
}

/// Enrols a kiosk if `code` is known, unused and unexpired: the code is spent in the same
/// transaction, so two kiosks (or two hubs) can never both use it.
pub async fn enrol(
    pool: &Pool,
    code: &str,
    kiosk: &str,
    name: &str,
    public_key: &str,
) -> Result<Option<String>, DbError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "UPDATE enrolment_codes SET used_at = now()
             WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
             RETURNING school",
            &[&code_hash(code)],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let school: String = row.get(0);
    let inserted = tx
        .execute(
            "INSERT INTO kiosks (id, school, name, public_key) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[&kiosk, &school, &name, &public_key],
        )
        .await?;
    if inserted == 0 {
        // The key is already enrolled: refuse without spending the code.
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some(school))
}

/// The public key of a kiosk that is enrolled and not revoked.
pub async fn kiosk_key(pool: &Pool, kiosk: &str) -> Result<Option<String>, DbError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT public_key FROM kiosks WHERE id = $1 AND revoked_at IS NULL",
            &[&kiosk],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Records a request's nonce; false when it was seen before (a replay).
pub async fn first_use_of_nonce(pool: &Pool, kiosk: &str, nonce: &str) -> Result<bool, DbError> {
    let client = pool.get().await?;
    let inserted = client
        .execute(
            "INSERT INTO request_nonces (kiosk, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&kiosk, &nonce],
        )
        .await?;
    Ok(inserted == 1)
}

/// Forgets nonces no accepted request time can reach any more (see `MAX_CLOCK_SKEW_SECS`).
pub async fn forget_old_nonces(pool: &Pool) -> Result<u64, DbError> {
    let client = pool.get().await?;
    let keep = (3 * MAX_CLOCK_SKEW_SECS) as f64;
    Ok(client
        .execute(
            "DELETE FROM request_nonces WHERE seen_at < now() - make_interval(secs => $1)",
            &[&keep],
        )
        .await?)
}

pub async fn revoke_kiosk(pool: &Pool, kiosk: &str) -> Result<bool, DbError> {
    let client = pool.get().await?;
    let changed = client
        .execute(
            "UPDATE kiosks SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL",
            &[&kiosk],
        )
        .await?;
    Ok(changed == 1)
}

/// Stores a batch of a kiosk's events in one transaction; a number already held keeps its first
/// copy. Returns the numbers now held, which is every number in the batch.
pub async fn store_events(
    pool: &Pool,
    kiosk: &str,
    events: &[KioskEvent],
) -> Result<Vec<u64>, DbError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let insert = tx
        .prepare(
            "INSERT INTO kiosk_events (kiosk, seq, kind, happened_at, body)
             VALUES ($1, $2, $3, $4::text::timestamptz, $5::text::jsonb)
             ON CONFLICT (kiosk, seq) DO NOTHING",
        )
        .await?;
    for event in events {
        let seq = i64::try_from(event.seq)
            .map_err(|_| DbError::Refused(format!("event number {} is too large", event.seq)))?;
        let body = event.body.to_string();
        tx.execute(&insert, &[&kiosk, &seq, &event.kind, &event.at, &body])
            .await?;
    }
    tx.commit().await?;
    Ok(events.iter().map(|e| e.seq).collect())
}

pub async fn store_heartbeat(pool: &Pool, kiosk: &str, report: &str) -> Result<(), DbError> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO heartbeats (kiosk, report) VALUES ($1, $2::text::jsonb)
             ON CONFLICT (kiosk) DO UPDATE SET report = EXCLUDED.report, received_at = now()",
            &[&kiosk, &report],
        )
        .await?;
    Ok(())
}

/// How many events the hub holds from a kiosk (for the console and the tests).
pub async fn event_count(pool: &Pool, kiosk: &str) -> Result<i64, DbError> {
    let client = pool.get().await?;
    let row = client
        .query_one(
            "SELECT count(*) FROM kiosk_events WHERE kiosk = $1",
            &[&kiosk],
        )
        .await?;
    Ok(row.get(0))
}
