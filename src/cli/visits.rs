//! `vestibule visits`: who is in the building (the roster and evacuation list), and every
//! visit with its sign-out, for the office and for end-of-day checks.

use clap::Args;
use vestibule::store::visits::StoredVisit;

use super::registry::DbArg;
use super::Refusal;

#[derive(Args)]
pub struct VisitsArgs {
    #[command(flatten)]
    db: DbArg,
    /// Every visit, signed out or not (default: only who is in the building now).
    #[arg(long)]
    all: bool,
    /// One JSON object a line instead of the table.
    #[arg(long)]
    json: bool,
}

pub fn run(args: VisitsArgs, config: Option<&std::path::Path>) -> Result<(), Refusal> {
    let store = super::privacy::open_personal_store(&args.db, config)?;
    let visits = if args.all {
        store.visits()?
    } else {
        store.in_building()?
    };
    if args.json {
        for visit in &visits {
            println!(
                "{}",
                serde_json::to_string(visit).expect("visits serialise")
            );
        }
        return Ok(());
    }
    if !args.all {
        println!("{} in the building", visits.len());
    }
    for visit in &visits {
        println!("{}", line(visit));
    }
    Ok(())
}

fn line(v: &StoredVisit) -> String {
    let time = |t: &str| t.get(11..16).unwrap_or(t).to_owned();
    let out = v
        .signed_out
        .as_deref()
        .map_or_else(|| "in".to_owned(), |t| format!("out {}", time(t)));
    let lobby = if v.no_id { "  (no ID: lobby only)" } else { "" };
    format!(
        "V-{:04}  {}  {:<6}  {:<28}  {:<22}  {}{lobby}",
        v.visit,
        time(&v.signed_in),
        out,
        v.visitor_name,
        v.purpose,
        v.destination
    )
}
