//! `vestibule outbox`: deliver what is due now (`flush`, for systemd's timer while the kiosk is
//! stopped; a running kiosk delivers from its own thread) and what waits (`list`, no personal
//! data: counts per channel and the oldest entry's age).

use std::path::Path;

use clap::Subcommand;
use vestibule::alerts::{self, Channels};
use vestibule::config::Config;
use vestibule::store::Store;

use super::registry::DbArg;
use super::Refusal;

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Send every alert and visit upload that is due now; print one summary line.
    Flush {
        #[command(flatten)]
        db: DbArg,
    },
    /// What waits, per channel: how many, the oldest's age, the most attempts (no personal data).
    List {
        #[command(flatten)]
        db: DbArg,
    },
}

pub fn run(command: OutboxCommand, config: Option<&Path>) -> Result<(), Refusal> {
    match command {
        OutboxCommand::Flush { db } => {
            let config = Config::load(config, std::env::vars())?;
            let channels = Channels::from_config(&config)?;
            let store = super::privacy::open_with(&db, &config)?;
            let flushed = alerts::flush(&store, &channels, alerts::now_ms(), &|| false)?;
            println!(
                "outbox: {} delivered, {} failed, {} waiting",
                flushed.delivered, flushed.failed, flushed.waiting
            );
            Ok(())
        }
        OutboxCommand::List { db } => {
            if !db.path.exists() {
                return Err(Refusal(format!("no database at {}", db.path.display())));
            }
            let store = Store::open(&db.path)?;
            let backlog = store.outbox_backlog()?;
            if backlog.is_empty() {
                println!("outbox: empty");
            }
            let now = alerts::now_ms();
            for b in backlog {
                println!(
                    "{}: {} waiting, oldest {}, most attempts {}",
                    b.channel,
                    b.pending,
                    age(now.saturating_sub(b.oldest_ms) / 1000),
                    b.max_attempts
                );
            }
            Ok(())
        }
    }
}

/// `42 s`, `3 min`, `5 h 12 min`, `2 d 3 h`.
fn age(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        s => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    }
}
