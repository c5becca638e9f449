//! `vestibule watchlist import` (docs/interfaces.md).

use std::path::PathBuf;

use clap::Subcommand;

use super::registry::{open_input, open_store, DbArg};
use super::Refusal;

#[derive(Subcommand)]
pub enum WatchlistCommand {
    /// Replace the school's lists with a watchlist CSV v1, atomically.
    Import {
        #[command(flatten)]
        db: DbArg,
        /// `entry_id,list,last_name,first_name,middle_name,dob,sex,action,note`
        file: PathBuf,
    },
}

pub fn run(command: WatchlistCommand) -> Result<(), Refusal> {
    match command {
        WatchlistCommand::Import { db, file } => {
            let store = open_store(&db)?;
            let summary = store.import_watchlist(open_input(&file)?)?;
            println!(
                "imported {} watchlist entries in {} lists from {}",
                summary.rows,
                summary.groups,
                file.display()
            );
            Ok(())
        }
    }
}
