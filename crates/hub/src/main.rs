//! `vestibule-hub`: the district hub's server and its administration commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use vestibule_hub::{api, db, tls};

#[derive(Parser)]
#[command(name = "vestibule-hub", version, about = "Vestibule's district hub")]
struct Cli {
    /// The PostgreSQL database: a connection string (`host=/run/postgresql dbname=vestibule`)
    /// or a `postgresql://` URL.
    #[arg(
        long,
        env = "VESTIBULE_HUB_DATABASE",
        global = true,
        default_value = ""
    )]
    database: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the kiosks over HTTPS (migrates the database first).
    Serve {
        /// Address to listen on; port 0 picks a free one (printed on stdout).
        #[arg(long, default_value = "0.0.0.0:8443")]
        listen: SocketAddr,
        /// The server certificate chain (PEM) the kiosks' provisioned CA signed.
        #[arg(long)]
        cert: PathBuf,
        /// Its private key (PEM).
        #[arg(long)]
        key: PathBuf,
    },
    /// Bring the database schema up to this version.
    Migrate,
    /// Add a school (or rename one).
    SchoolAdd { id: String, name: String },
    /// Print a one-time code a kiosk of SCHOOL enrols with (valid 24 hours).
    EnrolCode {
        #[arg(long)]
        school: String,
    },
    /// Refuse every later request of a kiosk.
    KioskRevoke { kiosk: String },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("VESTIBULE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => return refuse(format!("cannot start: {e}")),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => refuse(why),
    }
}

fn refuse(why: String) -> ExitCode {
    eprintln!("vestibule-hub: {why}");
    ExitCode::from(2)
}

async fn run(cli: Cli) -> Result<(), String> {
    if cli.database.is_empty() {
        return Err("no database: give --database or VESTIBULE_HUB_DATABASE".into());
    }
    let pool = db::pool(&cli.database, 16).map_err(|e| e.to_string())?;
    let fail = |e: db::DbError| e.to_string();
    match cli.command {
        Command::Migrate => {
            let applied = db::migrate(&pool).await.map_err(fail)?;
            println!("schema current ({applied} migrations applied now)");
        }
        Command::SchoolAdd { id, name } => {
            db::migrate(&pool).await.map_err(fail)?;
            db::add_school(&pool, &id, &name).await.map_err(fail)?;
        }
        Command::EnrolCode { school } => {
            db::migrate(&pool).await.map_err(fail)?;
            let code = vestibule_hub::new_enrolment_code();
            db::add_enrolment_code(&pool, &school, &code, 24)
                .await
                .map_err(fail)?;
            println!("{code}");
        }
        Command::KioskRevoke { kiosk } => {
            if !db::revoke_kiosk(&pool, &kiosk).await.map_err(fail)? {
                return Err(format!("no enrolled kiosk `{kiosk}` (or already revoked)"));
            }
        }
        Command::Serve { listen, cert, key } => {
            db::migrate(&pool).await.map_err(fail)?;
            let tls = tls::config(&cert, &key)?;
            let listener = std::net::TcpListener::bind(listen)
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
            listener.set_nonblocking(true).map_err(|e| e.to_string())?;
            let local = listener.local_addr().map_err(|e| e.to_string())?;
            println!("listening on https://{local}");
            tokio::spawn(forget_nonces(pool.clone()));
            let app = api::router(api::Hub { pool });
            axum_server::from_tcp_rustls(listener, tls)
                .map_err(|e| e.to_string())?
                .serve(app.into_make_service())
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Keeps the nonce table to the requests whose time could still be accepted.
async fn forget_nonces(pool: deadpool_postgres::Pool) {
    loop {
        tokio::time::sleep(Duration::from_secs(60)).await;
        if let Err(e) = db::forget_old_nonces(&pool).await {
            tracing::warn!("forgetting old nonces: {e}");
        }
    }
}
