//! `vestibule prereg` and `vestibule event`: invitations and event badges.
//!
//! Everyone is screened with the kiosk's own engine before anything is issued or printed: a
//! flagged person gets no invitation and no badge, and staff are told to see them in person.
//! The fleet signing key is a `registry keygen` key file (same format, a different key):
//! `prereg keygen` writes one and prints the public key for `[prereg] public_key`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use ed25519_dalek::SigningKey;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime};
use vestibule::badge::{self, sheet, Badge, BadgeLayout, Bitmap1};
use vestibule::config::Config;
use vestibule::feed;
use vestibule::hw::printer::PrinterKind;
use vestibule::identity::Sex;
use vestibule::kiosk::VisitId;
use vestibule::prereg::{self, rows, Invitation, InvitationId, InvitedPerson};
use vestibule::store::invitations::{
    RevocationReason, Revoked, StoredInvitation, UnknownReason, SCREENED_CLEAR,
};
use vestibule::store::visits::StoredVisit;
use vestibule::store::{schema, Screener, Store};

use super::registry::feed::KeygenArgs;
use super::registry::{open_input, DbArg};
use super::Refusal;

const REVIEW: &str = "must be reviewed in person at the office";

#[derive(Subcommand)]
pub enum PreregCommand {
    /// Screen one person and, when clear, issue their signed invitation (id and token).
    Add(AddArgs),
    /// Issue invitations from a CSV (`last_name,first_name,middle_name,dob,sex,valid_from,
    /// valid_to,purpose,destination,event`); a bad row refuses the whole file.
    Import(ImportArgs),
    /// Every invitation issued from this database.
    List(ListArgs),
    /// Revoke an invitation: kiosks refuse it from now on (every kiosk once the list from
    /// `prereg revocations` is published with the registry feed).
    Revoke(RevokeArgs),
    /// Write this database's revocations as a CSV (`invitation_id,revoked_at,reason`, no
    /// personal data) for `registry publish --revocations`.
    Revocations(RevocationsArgs),
    /// Write an invitation's QR code as a PNG, for e-mailing.
    Qr(QrArgs),
    /// Write a new fleet signing key (the `registry keygen` format) and print its public key
    /// for `[prereg] public_key`.
    Keygen(KeygenArgs),
}

#[derive(Subcommand)]
pub enum EventCommand {
    /// Screen an attendee list and write every cleared attendee's badge as one print job or a
    /// PDF sheet of labels, recording each as a visit.
    Badges(BadgesArgs),
}

/// Who issues or revokes, for the audit trail.
#[derive(Args)]
struct Operator {
    /// Names the operator in the audit trail [default: $USER].
    #[arg(long)]
    operator: Option<String>,
}

impl Operator {
    fn name(&self) -> String {
        self.operator
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| "cli".into())
    }
}

#[derive(Args)]
pub struct AddArgs {
    #[command(flatten)]
    db: DbArg,
    /// The fleet signing key file (`vestibule prereg keygen`).
    #[arg(long)]
    key: PathBuf,
    #[arg(long)]
    last: String,
    #[arg(long)]
    first: String,
    #[arg(long, default_value = "")]
    middle: String,
    /// YYYY-MM-DD; leave out when unknown.
    #[arg(long, value_parser = super::id::parse_date)]
    dob: Option<Date>,
    /// M, F or X.
    #[arg(long, value_parser = parse_sex)]
    sex: Option<Sex>,
    /// First day the invitation admits the person (YYYY-MM-DD).
    #[arg(long, value_parser = super::id::parse_date)]
    from: Date,
    /// Last day [default: --from].
    #[arg(long, value_parser = super::id::parse_date)]
    to: Option<Date>,
    /// A purpose id of the config (or `event`).
    #[arg(long, default_value = "visitor")]
    purpose: String,
    /// A destination id of the config.
    #[arg(long, default_value = "office")]
    destination: String,
    /// The event the invitation is for.
    #[arg(long)]
    event: Option<String>,
    #[command(flatten)]
    operator: Operator,
}

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    db: DbArg,
    #[arg(long)]
    key: PathBuf,
    file: PathBuf,
    #[command(flatten)]
    operator: Operator,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    db: DbArg,
    /// One JSON object a line instead of the table.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct RevokeArgs {
    #[command(flatten)]
    db: DbArg,
    /// The invitation id (16 hex digits, as `prereg add` and `prereg list` print it).
    id: String,
    /// Why, as a code shared with every kiosk: unspecified, cancelled, safety or
    /// issued-in-error.
    #[arg(long, default_value = "unspecified", value_parser = parse_reason)]
    reason: RevocationReason,
    #[command(flatten)]
    operator: Operator,
}

#[derive(Args)]
pub struct RevocationsArgs {
    #[command(flatten)]
    db: DbArg,
    /// The CSV to write (whole or not at all).
    #[arg(long)]
    out: PathBuf,
}

fn parse_reason(text: &str) -> Result<RevocationReason, String> {
    text.parse().map_err(|e: UnknownReason| e.to_string())
}

#[derive(Args)]
pub struct QrArgs {
    #[command(flatten)]
    db: DbArg,
    id: String,
    #[arg(long)]
    out: PathBuf,
    /// Pixels per QR module.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=40))]
    scale: u32,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SheetFormat {
    /// One print job for the label printer, every badge back to back (`badges.bin`).
    Printer,
    /// A US Letter PDF of Avery 5395-size name badges, 8 a sheet (`badges.pdf`).
    Pdf,
}

#[derive(Args)]
pub struct BadgesArgs {
    #[command(flatten)]
    db: DbArg,
    /// `last_name,first_name` and optionally `middle_name,dob,sex`; other columns are ignored.
    #[arg(long)]
    attendees: PathBuf,
    /// The event's name: printed on each badge and recorded as the visits' destination.
    #[arg(long)]
    event: String,
    /// The day of the event (YYYY-MM-DD); the badges are valid that day.
    #[arg(long, value_parser = super::id::parse_date)]
    date: Date,
    /// The directory to write `badges.bin` or `badges.pdf` into (created when missing).
    #[arg(long)]
    out: PathBuf,
    #[arg(long, value_enum, default_value = "printer")]
    format: SheetFormat,
    /// The label printer [default: the config's hardware.printer.kind].
    #[arg(long, value_parser = parse_printer)]
    printer: Option<PrinterKind>,
    /// Die-cut labels: cut after every N badges (0: only after the last).
    #[arg(long, default_value_t = 10)]
    cut_every: u8,
    #[command(flatten)]
    operator: Operator,
}

fn parse_printer(text: &str) -> Result<PrinterKind, String> {
    text.parse()
        .map_err(|e: vestibule::hw::printer::UnknownPrinter| e.to_string())
}

fn parse_sex(text: &str) -> Result<Sex, String> {
    match schema::parse_sex(text) {
        Ok(Some(sex)) => Ok(sex),
        _ => Err(format!("`{text}` is not a sex (M, F or X)")),
    }
}

pub fn run(command: PreregCommand, config: Option<&Path>) -> Result<(), Refusal> {
    match command {
        PreregCommand::Add(args) => add(args, config),
        PreregCommand::Import(args) => import(args, config),
        PreregCommand::List(args) => list(args, config),
        PreregCommand::Revoke(args) => revoke(args, config),
        PreregCommand::Revocations(args) => revocations(&args),
        PreregCommand::Qr(args) => qr(args, config),
        PreregCommand::Keygen(args) => super::registry::feed::keygen(&args),
    }
}

pub fn event(command: EventCommand, config: Option<&Path>) -> Result<(), Refusal> {
    match command {
        EventCommand::Badges(args) => badges(args, config),
    }
}

fn now_text() -> String {
    OffsetDateTime::now_local()
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// The fleet key, checked against the config's public key when one is set: an invitation
/// the kiosks cannot verify is worse than none.
fn fleet_key(path: &Path, config: &Config) -> Result<SigningKey, Refusal> {
    let key = feed::keys::load_signing(path)?;
    let configured = config.prereg.public_key.trim();
    if !configured.is_empty() && configured != feed::keys::public_base64(&key.verifying_key()) {
        return Err(Refusal(format!(
            "{} is not the key of [prereg] public_key: kiosks would refuse its invitations",
            path.display()
        )));
    }
    Ok(key)
}

/// Why the config's kiosks could not take this purpose or destination, if so.
fn choice_problem(
    config: &Config,
    purpose: &str,
    destination: &str,
) -> Option<(&'static str, String)> {
    if purpose != "event" && !config.visit.purposes.iter().any(|p| p.id == purpose) {
        return Some((
            "purpose",
            format!("`{purpose}` is not a purpose id of the config (nor `event`)"),
        ));
    }
    if !config
        .visit
        .destinations
        .iter()
        .any(|d| d.id == destination)
    {
        return Some((
            "destination",
            format!("`{destination}` is not a destination id of the config"),
        ));
    }
    None
}

fn clear(screener: &Screener, person: &InvitedPerson) -> Result<bool, Refusal> {
    Ok(screener.screen(&person.visitor(), None)?.is_empty())
}

fn issue(invitation: Invitation, key: &SigningKey, by: &str) -> Result<StoredInvitation, Refusal> {
    let token = prereg::issue(&invitation, key)?;
    let now = now_text();
    Ok(StoredInvitation {
        invitation,
        token,
        screened: SCREENED_CLEAR.into(),
        issued_at: now,
        issued_by: by.to_owned(),
    })
}

fn refused_audit(store: &Store, by: &str, count: usize) -> Result<(), Refusal> {
    store.audit(serde_json::json!({
        "event": "invitation-refused", "at": now_text(), "by": by,
        "reason": "flagged by screening", "count": count,
    }))?;
    Ok(())
}

fn add(args: AddArgs, config_path: Option<&Path>) -> Result<(), Refusal> {
    let config = Config::load(config_path, std::env::vars())?;
    let key = fleet_key(&args.key, &config)?;
    if let Some((_, reason)) = choice_problem(&config, &args.purpose, &args.destination) {
        return Err(Refusal(reason));
    }
    let invitation = Invitation {
        id: InvitationId(rand::random()),
        person: InvitedPerson {
            last_name: args.last.trim().to_owned(),
            first_name: args.first.trim().to_owned(),
            middle_name: args.middle.trim().to_owned(),
            dob: args.dob,
            sex: args.sex,
        },
        valid_from: args.from,
        valid_to: args.to.unwrap_or(args.from),
        purpose: args.purpose,
        destination: args.destination,
        event: args.event.map(|e| e.trim().to_owned()),
    };
    invitation.check()?;
    invitation
        .check_span(config.prereg.max_validity_days)
        .map_err(Refusal)?;
    if invitation.valid_to < super::id::local_today() {
        return Err(Refusal("the invitation's range has already ended".into()));
    }
    let store = super::privacy::open_with(&args.db, &config)?;
    let by = args.operator.name();
    if !clear(&store.screener()?, &invitation.person)? {
        refused_audit(&store, &by, 1)?;
        return Err(Refusal(format!(
            "this person {REVIEW}: no invitation issued"
        )));
    }
    let stored = issue(invitation, &key, &by)?;
    store.save_invitations(std::slice::from_ref(&stored))?;
    let i = &stored.invitation;
    println!("invitation {} valid {}..{}", i.id, i.valid_from, i.valid_to);
    println!("{}", stored.token);
    Ok(())
}

fn import(args: ImportArgs, config_path: Option<&Path>) -> Result<(), Refusal> {
    let config = Config::load(config_path, std::env::vars())?;
    let key = fleet_key(&args.key, &config)?;
    let file = args.file.display();
    let drafts =
        rows::invitations(open_input(&args.file)?).map_err(|e| Refusal(format!("{file}: {e}")))?;
    for draft in &drafts {
        if let Some((field, reason)) = choice_problem(&config, &draft.purpose, &draft.destination) {
            return Err(Refusal(format!(
                "{file}: line {}: field `{field}`: {reason}",
                draft.line
            )));
        }
        let span = draft
            .with_id(InvitationId(0))
            .check_span(config.prereg.max_validity_days);
        if let Err(reason) = span {
            return Err(Refusal(format!(
                "{file}: line {}: field `valid_to`: {reason}",
                draft.line
            )));
        }
    }
    let store = super::privacy::open_with(&args.db, &config)?;
    let screener = store.screener()?;
    let by = args.operator.name();
    let (mut issued, mut flagged) = (Vec::new(), Vec::new());
    for draft in &drafts {
        if clear(&screener, &draft.person)? {
            let stored = issue(draft.with_id(InvitationId(rand::random())), &key, &by)?;
            issued.push((draft.line, stored));
        } else {
            flagged.push(draft.line);
        }
    }
    drop(screener);
    let stored: Vec<StoredInvitation> = issued.iter().map(|(_, s)| s.clone()).collect();
    store.save_invitations(&stored)?;
    if !flagged.is_empty() {
        refused_audit(&store, &by, flagged.len())?;
    }
    for (line, stored) in &issued {
        println!(
            "line {line}: invitation {} {}",
            stored.invitation.id, stored.token
        );
    }
    for line in &flagged {
        println!("line {line}: flagged: {REVIEW}; not issued");
    }
    println!(
        "issued {} invitations from {file}; {} flagged for review in person",
        issued.len(),
        flagged.len()
    );
    Ok(())
}

#[derive(Serialize)]
struct Listed<'a> {
    id: String,
    name: String,
    valid_from: String,
    valid_to: String,
    purpose: &'a str,
    destination: &'a str,
    event: Option<&'a str>,
    screened: &'a str,
    issued_at: &'a str,
    issued_by: &'a str,
    revoked: bool,
    token: &'a str,
}

fn list(args: ListArgs, config: Option<&Path>) -> Result<(), Refusal> {
    let store = super::privacy::open_personal_store(&args.db, config)?;
    for (stored, revocation) in store.invitations()? {
        let i = &stored.invitation;
        let p = &i.person;
        let listed = Listed {
            id: i.id.to_string(),
            name: vestibule::screening::listed_name(
                &p.last_name,
                &p.first_name,
                &p.middle_name,
                "",
            ),
            valid_from: i.valid_from.to_string(),
            valid_to: i.valid_to.to_string(),
            purpose: &i.purpose,
            destination: &i.destination,
            event: i.event.as_deref(),
            screened: &stored.screened,
            issued_at: &stored.issued_at,
            issued_by: &stored.issued_by,
            revoked: revocation.is_some(),
            token: &stored.token,
        };
        if args.json {
            println!("{}", serde_json::to_string(&listed)?);
        } else {
            println!(
                "{}  {}..{}  {:<12} {:<12} {:<28} {}{}",
                listed.id,
                listed.valid_from,
                listed.valid_to,
                listed.purpose,
                listed.destination,
                listed.name,
                listed.event.unwrap_or(""),
                if listed.revoked { "  REVOKED" } else { "" }
            );
        }
    }
    Ok(())
}

fn parse_id(text: &str) -> Result<InvitationId, Refusal> {
    text.parse::<InvitationId>()
        .map_err(|e| Refusal(e.to_string()))
}

fn revoke(args: RevokeArgs, config: Option<&Path>) -> Result<(), Refusal> {
    let id = parse_id(&args.id)?;
    let store = super::registry::open_store(&args.db)?;
    let _ = config;
    match store.revoke_invitation_because(id, &args.operator.name(), &now_text(), args.reason)? {
        Revoked::Now => println!("invitation {id} revoked ({})", args.reason.as_str()),
        Revoked::Already(r) => println!(
            "invitation {id} was already revoked at {} by {}",
            r.at, r.by
        ),
        Revoked::Unknown => {
            return Err(Refusal(format!(
                "no invitation {id} was issued from {}",
                args.db.path.display()
            )))
        }
    }
    Ok(())
}

/// Every revocation of the database (issued here or learned from the feed), for the district
/// to publish; needs no data key.
fn revocations(args: &RevocationsArgs) -> Result<(), Refusal> {
    // A mistyped path must not quietly export (and publish) an empty list.
    if !args.db.path.is_file() {
        return Err(Refusal(format!(
            "no database at {}: nothing to export",
            args.db.path.display()
        )));
    }
    let store = super::registry::open_store(&args.db)?;
    let list = store.shared_revocations()?;
    let mut bytes = Vec::new();
    feed::revocations::write(&list, &mut bytes)?;
    write_atomically(&args.out, &bytes)?;
    println!("{}: {} revoked invitations", args.out.display(), list.len());
    Ok(())
}

fn qr(args: QrArgs, config: Option<&Path>) -> Result<(), Refusal> {
    let id = parse_id(&args.id)?;
    let store = super::privacy::open_personal_store(&args.db, config)?;
    let stored = store
        .invitation(id)?
        .ok_or_else(|| Refusal(format!("no invitation {id} in {}", args.db.path.display())))?;
    if store.is_revoked(id)? {
        return Err(Refusal(format!(
            "invitation {id} is revoked: no QR code written"
        )));
    }
    let page = qr_page(&stored.token, args.scale)?;
    write_atomically(&args.out, &page.to_png())?;
    println!(
        "{}: invitation {id}, {}x{} pixels",
        args.out.display(),
        page.width(),
        page.height()
    );
    Ok(())
}

/// The token's QR code with its 4-module quiet zone, `scale` pixels a module.
fn qr_page(token: &str, scale: u32) -> Result<Bitmap1, Refusal> {
    use embedded_graphics::prelude::Point;
    let code = badge::codes::Qr::new(token)?;
    let side = (code.modules() as u32 + 8) * scale;
    let mut page = Bitmap1::new(side, side);
    let quiet = 4 * scale as i32;
    code.draw(&mut page, Point::new(quiet, quiet), scale);
    Ok(page)
}

/// Writes beside `path`, then renames: the file is whole or absent.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Refusal> {
    let temporary = partial(path);
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            Refusal(format!("cannot write {}: {e}", path.display()))
        })
}

fn partial(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn badges(args: BadgesArgs, config_path: Option<&Path>) -> Result<(), Refusal> {
    let event = args.event.trim().to_owned();
    if event.is_empty() || event.len() > 40 || event.chars().any(char::is_control) {
        return Err(Refusal("--event must be 1 to 40 characters".into()));
    }
    let file = args.attendees.display();
    let attendees = rows::attendees(open_input(&args.attendees)?)
        .map_err(|e| Refusal(format!("{file}: {e}")))?;
    let config = Config::load(config_path, std::env::vars())?;
    let printer = args.printer.unwrap_or(config.hardware.printer.kind);
    let store = super::privacy::open_with(&args.db, &config)?;
    let screener = store.screener()?;
    let (mut cleared, mut flagged) = (Vec::new(), Vec::new());
    for attendee in &attendees {
        if clear(&screener, &attendee.person)? {
            cleared.push(attendee);
        } else {
            flagged.push(attendee.line);
        }
    }
    drop(screener);
    for line in &flagged {
        println!("line {line}: flagged: staff must review this attendee in person; no badge");
    }
    if cleared.is_empty() {
        return Err(Refusal(format!(
            "no attendee of {file} was cleared: no badges written"
        )));
    }
    let now = OffsetDateTime::now_local().unwrap_or_else(|_| OffsetDateTime::now_utc());
    let signed_in = PrimitiveDateTime::new(args.date, now.time());
    let signed_in_text = signed_in
        .assume_offset(now.offset())
        .format(&Rfc3339)
        .unwrap_or_default();
    let first = store.next_visit_number()?;
    let by = args.operator.name();
    let (label, name) = match args.format {
        SheetFormat::Printer => (printer.label(), "badges.bin"),
        SheetFormat::Pdf => (sheet::AVERY_5395.badge_label(), "badges.pdf"),
    };
    let layout = BadgeLayout {
        photo: false,
        ..BadgeLayout::default()
    };
    let mut visits = Vec::with_capacity(cleared.len());
    let mut pages = Vec::with_capacity(cleared.len());
    for (n, attendee) in cleared.iter().enumerate() {
        let number = first + n as u32;
        let visit = VisitId(number);
        let badge = Badge {
            school: config.school.name.clone(),
            visitor_name: attendee.person.badge_name(),
            purpose: "Event".into(),
            destination: event.clone(),
            signed_in,
            visit_number: visit.to_string(),
            sign_out_token: store.sign_badge(&visit.sign_out_code(args.date)),
            photo: None,
        };
        pages.push(badge::render(&badge, &layout, label)?);
        visits.push(StoredVisit {
            visit: number,
            signed_in: signed_in_text.clone(),
            visitor_name: attendee.person.badge_name(),
            purpose: "event".into(),
            destination: event.clone(),
            no_id: false,
            cleared_by: None,
            signed_out: None,
        });
    }
    let bytes = match args.format {
        SheetFormat::Printer => printer.encode_run(&pages, args.cut_every)?,
        SheetFormat::Pdf => sheet::label_sheet(&pages, &sheet::AVERY_5395),
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Refusal(format!("cannot create {}: {e}", args.out.display())))?;
    let path = args.out.join(name);
    let temporary = partial(&path);
    std::fs::write(&temporary, &bytes)
        .map_err(|e| Refusal(format!("cannot write {}: {e}", temporary.display())))?;
    // Each attendee's visit goes to the district like a kiosk visit, in the same transaction.
    let channels = vestibule::alerts::visit_channels(&config);
    let body = |v: &StoredVisit| {
        vestibule::alerts::kiosk::visit_upload(
            &config.school.name,
            &config.kiosk.name,
            "signed-in",
            v,
        )
    };
    let uploads = vestibule::store::outbox::Uploads {
        channels: &channels,
        body: &body,
        now_ms: vestibule::alerts::now_ms(),
    };
    if let Err(e) = store.save_event_visits(&visits, &event, &now_text(), &by, &uploads) {
        let _ = std::fs::remove_file(&temporary);
        return Err(e.into());
    }
    std::fs::rename(&temporary, &path)
        .map_err(|e| Refusal(format!("cannot write {}: {e}", path.display())))?;
    let last = visits.last().map_or(first, |v| v.visit);
    println!(
        "{} badges for {event} on {}: visits {}..{} in {}; {} attendees flagged for review in person",
        visits.len(),
        args.date,
        VisitId(first),
        VisitId(last),
        path.display(),
        flagged.len()
    );
    Ok(())
}
