//! `vestibule registry import | synth | bench` (docs/interfaces.md).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};
use vestibule::store::Store;

use super::Refusal;

/// `--db PATH`, else `$VESTIBULE_DB`, else `./vestibule.redb`.
#[derive(Args, Clone, Debug)]
pub struct DbArg {
    /// The database file.
    #[arg(long = "db", env = "VESTIBULE_DB", default_value = "vestibule.redb")]
    pub path: PathBuf,
}

#[derive(Subcommand)]
pub enum RegistryCommand {
    /// Replace the registry with a registry CSV v1, atomically. Rows with a bad field are
    /// left out and listed (line and column, never their content) on stderr; past
    /// --max-bad-share of bad rows nothing is imported.
    Import {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        bad: BadRowArgs,
        /// One row per name (primary and aliases), see docs/interfaces.md.
        file: PathBuf,
    },
    /// Write a realistic synthetic registry CSV (for demos, tests and benchmarks).
    Synth {
        /// How many people (each has a primary row and 0-3 aliases).
        #[arg(long)]
        people: u64,
        /// The same seed always gives the same file.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
        /// Folder holding the census name files (see data/README.md).
        #[arg(long, default_value = "data")]
        names: PathBuf,
    },
    /// Measure recall and false alarms per variant class on a synthetic registry, with
    /// KeepnTrack's scheme side by side, plus import time and query latency.
    Bench(bench::BenchArgs),
    /// District side: create the Ed25519 key that signs the registry feed.
    Keygen(feed::KeygenArgs),
    /// District side: write a signed, compressed snapshot of a registry CSV (and a delta
    /// against --previous) into a directory any static HTTPS server can serve.
    Publish(feed::PublishArgs),
    /// Kiosk side: fetch the signed feed over HTTPS, verify it and import it atomically.
    Sync(feed::SyncArgs),
}

/// How a registry import treats rows with a bad field (`registry import` and `registry sync`).
#[derive(Args, Clone, Debug)]
pub struct BadRowArgs {
    /// The share of rows (0 to 1) that may be bad: they are left out and the rest imported.
    /// More than this refuses the whole import and the previous registry keeps answering.
    #[arg(long, value_name = "SHARE", default_value_t = vestibule::store::DEFAULT_MAX_BAD_SHARE)]
    pub max_bad_share: f64,
    /// Also write every bad row's line, column and reason to this CSV file.
    #[arg(long, value_name = "FILE.csv")]
    pub bad_rows: Option<PathBuf>,
}

impl BadRowArgs {
    pub fn policy(&self) -> Result<vestibule::store::ImportPolicy, Refusal> {
        Ok(vestibule::store::ImportPolicy::new(self.max_bad_share)?)
    }

    /// Lists the quarantined rows on stderr (the first hundred) and in `--bad-rows`, by line
    /// and column only: nothing from the rows themselves.
    pub fn report(&self, bad: &[vestibule::store::BadRow], count: u64) -> Result<(), Refusal> {
        const SHOWN: usize = 100;
        for row in bad.iter().take(SHOWN) {
            eprintln!("left out: {row}");
        }
        if count > SHOWN as u64 {
            eprintln!(
                "left out: {} more bad rows{}",
                count - SHOWN as u64,
                if self.bad_rows.is_some() {
                    ", every one in --bad-rows"
                } else {
                    " (--bad-rows FILE lists them all)"
                }
            );
        }
        if let Some(path) = &self.bad_rows {
            let mut csv = csv::Writer::from_path(path)
                .map_err(|e| Refusal(format!("cannot write {}: {e}", path.display())))?;
            csv.write_record(["line", "column", "reason"])?;
            for row in bad {
                csv.write_record([row.line.to_string().as_str(), row.column, &row.reason])?;
            }
            csv.flush()?;
        }
        Ok(())
    }
}

/// `, N bad rows left out (see stderr)` for a summary line, or nothing.
pub fn left_out(count: u64) -> String {
    match count {
        0 => String::new(),
        1 => ", 1 bad row left out (see stderr)".into(),
        n => format!(", {n} bad rows left out (see stderr)"),
    }
}

// Visitors from data we did not make, for `registry bench` (src/cli/independent.rs).
#[path = "independent.rs"]
pub mod independent;

// The feed commands' glue lives beside this file (src/cli/feed.rs).
#[path = "feed.rs"]
pub mod feed;

/// `config`: the global `--config`, which `registry sync` reads its `[sync]` section from.
pub fn run(command: RegistryCommand, config: Option<&Path>) -> Result<(), Refusal> {
    match command {
        RegistryCommand::Import { db, bad, file } => import(&db, &bad, &file),
        RegistryCommand::Synth {
            people,
            seed,
            out,
            names,
        } => synth(people, seed, &out, &names),
        RegistryCommand::Bench(args) => bench::run(args),
        RegistryCommand::Keygen(args) => feed::keygen(&args),
        RegistryCommand::Publish(args) => feed::publish(&args),
        RegistryCommand::Sync(args) => feed::sync(&args, config),
    }
}

fn import(db: &DbArg, bad: &BadRowArgs, file: &Path) -> Result<(), Refusal> {
    let policy = bad.policy()?;
    let store = open_store(db)?;
    let started = Instant::now();
    let summary = store.import_registry_with(open_input(file)?, policy)?;
    bad.report(&summary.quarantined, summary.bad_rows)?;
    println!(
        "imported {} names ({} aliases) of {} people, {} distinct name terms, from {} in {:.1} s{}",
        summary.rows,
        summary.aliases,
        summary.groups,
        summary.terms,
        file.display(),
        started.elapsed().as_secs_f64(),
        left_out(summary.bad_rows)
    );
    Ok(())
}

pub fn open_store(db: &DbArg) -> Result<Store, Refusal> {
    Ok(Store::open(&db.path)?)
}

pub fn open_input(file: &Path) -> Result<BufReader<File>, Refusal> {
    File::open(file)
        .map(|f| BufReader::with_capacity(1 << 20, f))
        .map_err(|e| Refusal(format!("cannot read {}: {e}", file.display())))
}

/// `vestibule registry synth`: writes the registry CSV v1 of `people` synthetic registrants.
fn synth(people: u64, seed: u64, out: &Path, names: &Path) -> Result<(), Refusal> {
    use vestibule::screening::synth::{Shape, Synth};
    let tables = name_tables(names)?;
    let mut synth = Synth::new(&tables, seed);
    let mut csv = csv::Writer::from_path(out)
        .map_err(|e| Refusal(format!("cannot write {}: {e}", out.display())))?;
    csv.write_record(SYNTH_HEADER)?;
    let mut rows = 0u64;
    for n in 1..=people {
        let person = synth.person(n, Shape::Any);
        write_person(&mut csv, &mut synth, &person)?;
        rows += person.rows.len() as u64;
    }
    csv.flush()?;
    println!(
        "wrote {rows} names of {people} synthetic people to {} (seed {seed})",
        out.display()
    );
    Ok(())
}

pub const SYNTH_HEADER: [&str; 12] = [
    "record_id",
    "name_kind",
    "last_name",
    "first_name",
    "middle_name",
    "suffix",
    "dob",
    "sex",
    "jurisdiction",
    "city",
    "offense",
    "updated",
];

pub fn write_person<W: std::io::Write>(
    csv: &mut csv::Writer<W>,
    synth: &mut vestibule::screening::synth::Synth,
    person: &vestibule::screening::synth::SynthPerson,
) -> Result<(), Refusal> {
    let details = synth.details();
    for row in &person.rows {
        let dob = row
            .dob
            .map(vestibule::store::schema::iso)
            .unwrap_or_default();
        let kind = if row.alias { "alias" } else { "primary" };
        let (city, offense, updated) = if row.alias {
            ("", "", "")
        } else {
            (
                details[0].as_str(),
                details[1].as_str(),
                details[2].as_str(),
            )
        };
        csv.write_record([
            person.record_id.as_str(),
            kind,
            &row.last,
            &row.first,
            &row.middle,
            &row.suffix,
            &dob,
            person.sex.as_str(),
            person.jurisdiction,
            city,
            offense,
            updated,
        ])?;
    }
    Ok(())
}

pub fn name_tables(dir: &Path) -> Result<vestibule::screening::synth::NameTables, Refusal> {
    let read = |file: &str| {
        let path = dir.join(file);
        std::fs::read_to_string(&path)
            .map_err(|e| Refusal(format!("cannot read {}: {e} (see --names)", path.display())))
    };
    Ok(vestibule::screening::synth::NameTables::parse(
        &read("census1990-male-first.txt")?,
        &read("census1990-female-first.txt")?,
        &read("census1990-last.txt")?,
    ))
}

/// `vestibule registry bench`: recall per variant class, false alarms on clean visitors,
/// KeepnTrack's scheme on the same visitors, import time, database size and query latency.
pub mod bench {
    use std::collections::HashSet;
    use std::path::PathBuf;
    use std::time::Instant;

    use clap::Args;
    use vestibule::screening::lr;
    use vestibule::screening::nicknames;
    use vestibule::screening::score::{self, keepntrack};
    use vestibule::screening::synth::{Shape, Synth, SynthPerson, Variant};
    use vestibule::screening::{RegistryIndex, Visitor};
    use vestibule::store::{RedbIndex, Store};

    use super::{independent, name_tables, write_person, Refusal, SYNTH_HEADER};

    #[derive(Args)]
    pub struct BenchArgs {
        /// Registry size in people (about 1.9 name rows each).
        #[arg(long, default_value_t = 50_000)]
        people: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// True matches per variant class.
        #[arg(long, default_value_t = 200)]
        per_class: usize,
        /// Clean visitors (a fifth of them namesakes of a registrant born years apart).
        #[arg(long, default_value_t = 2000)]
        clean: usize,
        /// Watchlist entries (60% without a date of birth).
        #[arg(long, default_value_t = 400)]
        watchlist: usize,
        #[arg(long, default_value = "data")]
        names: PathBuf,
        /// Where to build the database [default: a temporary file, removed afterwards].
        #[arg(long)]
        db: Option<PathBuf>,
        /// Print up to this many missed true matches and flagged clean visitors (synthetic
        /// people only), to see why.
        #[arg(long, default_value_t = 0)]
        show_misses: usize,
    }

    const WATCHLIST_DATED: &str = "watchlist, dated";
    const WATCHLIST_UNDATED: &str = "watchlist, no date";
    const WATCHLIST_NICKNAME: &str = "watchlist, no date, nickname";
    /// Sets of the weighed threshold sweep.
    const SYNTHETIC: &str = "synthetic";
    const CORRUPTED: &str = "corrupted copies";
    const SPLINK_OWN: &str = "splink, own list";
    const SPLINK_INSIDE: &str = "splink, in the registry";
    const OPENSANCTIONS: &str = "opensanctions";
    const SWEEP_FLOOR: f64 = -8.0;
    const WATCHLIST_KEYBOARD: &str = "watchlist, typed: keyboard slip";
    const WATCHLIST_PHONETIC: &str = "watchlist, typed: phonetic";
    const WATCHLIST_TWO_SLIPS: &str = "watchlist, typed: two slips";

    struct Target {
        variant: Variant,
        person: SynthPerson,
    }

    pub fn run(args: BenchArgs) -> Result<(), Refusal> {
        let tables = name_tables(&args.names)?;
        let scratch = std::env::temp_dir().join(format!("vestibule-bench-{}", std::process::id()));
        std::fs::create_dir_all(&scratch)?;
        let db_path = args
            .db
            .clone()
            .unwrap_or_else(|| scratch.join("bench.redb"));
        let _ = std::fs::remove_file(&db_path);
        let result = run_in(&args, &tables, &scratch, &db_path);
        let _ = std::fs::remove_dir_all(&scratch);
        result
    }

    fn run_in(
        args: &BenchArgs,
        tables: &vestibule::screening::synth::NameTables,
        scratch: &std::path::Path,
        db_path: &std::path::Path,
    ) -> Result<(), Refusal> {
        let mut synth = Synth::new(tables, args.seed);
        let registry_csv = scratch.join("registry.csv");
        let mut csv = csv::Writer::from_path(&registry_csv)?;
        csv.write_record(SYNTH_HEADER)?;
        let wanted = Variant::ALL.len() * args.per_class;
        let stride = (args.people / (wanted as u64 + 1)).max(1);
        let mut targets: Vec<Target> = Vec::new();
        let mut namesakes: Vec<SynthPerson> = Vec::new();
        // registrants whose corrupted copies visit (the independent corruption model)
        let mut corrupt_targets: Vec<SynthPerson> = Vec::new();
        for n in 1..=args.people {
            let person = if n % stride == 0 && targets.len() < wanted {
                let variant = Variant::ALL[targets.len() % Variant::ALL.len()];
                let person = synth.person(n, variant.shape());
                targets.push(Target {
                    variant,
                    person: person.clone(),
                });
                person
            } else {
                let person = synth.person(n, Shape::Any);
                if n % 7 == 3 && namesakes.len() < args.clean / 5 {
                    namesakes.push(person.clone());
                } else if n % 13 == 6 && corrupt_targets.len() < 5 * args.per_class {
                    corrupt_targets.push(person.clone());
                }
                person
            };
            write_person(&mut csv, &mut synth, &person)?;
        }
        let splink = independent::splink(&args.names)?;
        for r in &splink.registered {
            let dob = r.dob.map(vestibule::store::schema::iso).unwrap_or_default();
            let sex = r.sex.map(|s| s.as_str()).unwrap_or("");
            csv.write_record([
                r.record_id.as_str(),
                "primary",
                &r.last,
                &r.first,
                "",
                "",
                &dob,
                sex,
                "MO",
                "",
                "",
                "",
            ])?;
        }
        csv.flush()?;
        drop(csv);

        let watch_csv = scratch.join("watchlist.csv");
        let mut csv = csv::Writer::from_path(&watch_csv)?;
        csv.write_record([
            "entry_id",
            "list",
            "last_name",
            "first_name",
            "middle_name",
            "dob",
            "sex",
            "action",
            "note",
        ])?;
        // Each entry is someone who may walk in with their ID (`watched`): the school typed
        // last and first name only, 60% without a date, half of those by a nickname.
        let mut watched: Vec<(&'static str, String, Visitor)> = Vec::new();
        // Half the entries were typed with a slip (issue 19, item 3): a keyboard slip, a
        // phonetic spelling, or two slips, in the surname or the first name, by the corruption
        // model of the independent check (not the generator's own variant classes).
        let mut slips = independent::rng(args.seed ^ 0x57);
        for i in 0..args.watchlist {
            let v = synth.clean_visitor(None);
            let undated = i % 5 < 3;
            let nicknames = nicknames::nicknames_of(&v.first_name);
            let (mut class, mut first) = match (undated, nicknames.is_empty()) {
                (false, _) => (WATCHLIST_DATED, v.first_name.clone()),
                (true, false) if i % 2 == 0 => {
                    (WATCHLIST_NICKNAME, nicknames[i % nicknames.len()].clone())
                }
                (true, _) => (WATCHLIST_UNDATED, v.first_name.clone()),
            };
            let mut last = v.last_name.clone();
            if i % 2 == 1 {
                let (slip, kinds): (&'static str, &[&str]) = match i % 6 {
                    1 => (WATCHLIST_KEYBOARD, &["keyboard"]),
                    3 => (WATCHLIST_PHONETIC, &["phonetic"]),
                    _ => (WATCHLIST_TWO_SLIPS, &["keyboard", "ocr"]),
                };
                class = slip;
                for (k, kind) in kinds.iter().enumerate() {
                    let in_last = (i / 6 + k) % 2 == 0;
                    let name = if in_last { &mut last } else { &mut first };
                    let typed = independent::respell(&mut slips, name, kind);
                    *name = if typed == *name {
                        independent::respell(&mut slips, name, "keyboard")
                    } else {
                        typed
                    };
                }
            }
            let dob = match v.dob {
                Some(d) if !undated => d.to_string(),
                _ => String::new(),
            };
            let list = ["custody", "banned", "trespass", "expelled"][i % 4];
            let action = if i % 3 == 0 { "deny" } else { "alert" };
            let entry_id = format!("W-{i}");
            csv.write_record([
                entry_id.as_str(),
                list,
                &last,
                &first,
                "",
                &dob,
                "",
                action,
                "",
            ])?;
            watched.push((class, entry_id, v));
        }
        csv.flush()?;
        drop(csv);

        let store = Store::open(db_path)?;
        let started = Instant::now();
        let summary = store.import_registry(super::open_input(&registry_csv)?)?;
        let import_s = started.elapsed().as_secs_f64();
        store.import_watchlist(super::open_input(&watch_csv)?)?;
        drop(store);
        let db_mb = std::fs::metadata(db_path)?.len() as f64 / 1e6;

        let opened = Instant::now();
        let store = Store::open(db_path)?;
        let screener = store.screener()?;
        let first = &targets
            .first()
            .ok_or_else(|| Refusal("no targets: raise --people".into()))?
            .person;
        screener.screen(&synth.visitor_variant(first, Variant::Exact), None)?;
        let first_answer_ms = opened.elapsed().as_secs_f64() * 1e3;

        let read = store.begin_read()?;
        let index = RedbIndex::open(&read)?.ok_or_else(|| Refusal("no registry".into()))?;
        let mut visitors: Vec<Visitor> = Vec::new();
        println!(
            "registry: {} people, {} name rows, {} terms; watchlist {}; seed {}",
            summary.groups, summary.rows, summary.terms, args.watchlist, args.seed
        );
        println!("import {import_s:.2} s, database {db_mb:.1} MB, first answer after open {first_answer_ms:.1} ms");
        println!(
            "{:<30} {:>6} {:>10} {:>12} {:>10}",
            "class", "n", "vestibule", "keepntrack", "weighed"
        );
        // Every weighed answer down to SWEEP_FLOOR bits, by set, to show where the one
        // threshold belongs: (set, a true match?, best bits for the record sought or any).
        let sweep: std::cell::RefCell<Vec<(&'static str, bool, f64)>> = Default::default();
        let weighed_finds = |set: &'static str, visitor: &Visitor, id: &str| {
            let bits = screener
                .screen_weighed_above(visitor, SWEEP_FLOOR)?
                .iter()
                .filter(|(_, record, _)| record == id)
                .map(|(_, _, w)| w.bits)
                .fold(f64::NEG_INFINITY, f64::max);
            sweep.borrow_mut().push((set, true, bits));
            Ok::<bool, Refusal>(bits >= lr::THRESHOLD_BITS)
        };
        let weighed_flags = |set: &'static str, visitor: &Visitor| {
            let bits = screener
                .screen_weighed_above(visitor, SWEEP_FLOOR)?
                .iter()
                .map(|(_, _, w)| w.bits)
                .fold(f64::NEG_INFINITY, f64::max);
            sweep.borrow_mut().push((set, false, bits));
            Ok::<bool, Refusal>(bits >= lr::THRESHOLD_BITS)
        };
        let (mut lr_all, mut lr_worst) = (0usize, 100.0f64);
        let (mut found_all, mut knt_all, mut total) = (0usize, 0usize, 0usize);
        // KeepnTrack screens registries only: its recall is over the registry classes.
        let mut knt_total = 0usize;
        let mut worst_class = 100.0f64;
        let mut misses = 0;
        for variant in Variant::ALL {
            let (mut n, mut found, mut knt, mut lr) = (0, 0, 0, 0);
            for target in targets.iter().filter(|t| t.variant == variant) {
                let visitor = synth.visitor_variant(&target.person, variant);
                let flags = screener.screen(&visitor, None)?;
                n += 1;
                lr += usize::from(weighed_finds(
                    SYNTHETIC,
                    &visitor,
                    &target.person.record_id,
                )?);
                let hit = flags
                    .iter()
                    .any(|f| f.candidate.record_id == target.person.record_id);
                found += usize::from(hit);
                if !hit && misses < args.show_misses {
                    misses += 1;
                    println!(
                        "  missed ({}): visitor {:?} {:?} {:?} {:?} {:?}; registry rows {:?}",
                        variant.name(),
                        visitor.last_name,
                        visitor.first_name,
                        visitor.middle_name,
                        visitor.suffix,
                        visitor.dob.map(|d| d.to_string()),
                        target.person.rows
                    );
                }
                knt += usize::from(keepntrack_finds(
                    &index,
                    &visitor,
                    &target.person.record_id,
                )?);
                visitors.push(visitor);
            }
            println!(
                "{:<30} {:>6} {:>9.1}% {:>11.1}% {:>9.1}%",
                variant.name(),
                n,
                pct(found, n),
                pct(knt, n),
                pct(lr, n)
            );
            lr_all += lr;
            lr_worst = lr_worst.min(pct(lr, n));
            worst_class = worst_class.min(pct(found, n));
            found_all += found;
            knt_all += knt;
            knt_total += n;
            total += n;
        }
        for class in [
            WATCHLIST_DATED,
            WATCHLIST_UNDATED,
            WATCHLIST_NICKNAME,
            WATCHLIST_KEYBOARD,
            WATCHLIST_PHONETIC,
            WATCHLIST_TWO_SLIPS,
        ] {
            let (mut n, mut found, mut lr) = (0, 0, 0);
            for (_, entry_id, visitor) in watched.iter().filter(|(c, _, _)| *c == class) {
                let flags = screener.screen(visitor, None)?;
                n += 1;
                lr += usize::from(weighed_finds(SYNTHETIC, visitor, entry_id)?);
                let hit = flags.iter().any(|f| &f.candidate.record_id == entry_id);
                found += usize::from(hit);
                if !hit && misses < args.show_misses {
                    misses += 1;
                    println!(
                        "  missed ({class}): visitor {:?} {:?} {:?} {:?}; entry {entry_id}",
                        visitor.last_name,
                        visitor.first_name,
                        visitor.middle_name,
                        visitor.dob.map(|d| d.to_string()),
                    );
                }
                visitors.push(visitor.clone());
            }
            // KeepnTrack screens registries only: its column stays empty here.
            println!(
                "{:<30} {:>6} {:>9.1}% {:>12} {:>9.1}%",
                class,
                n,
                pct(found, n),
                "-",
                pct(lr, n)
            );
            lr_all += lr;
            lr_worst = lr_worst.min(pct(lr, n));
            worst_class = worst_class.min(pct(found, n));
            found_all += found;
            total += n;
        }
        println!(
            "{:<30} {:>6} {:>9.2}% {:>11.2}% {:>9.2}%",
            "recall, all classes",
            total,
            pct(found_all, total),
            pct(knt_all, knt_total),
            pct(lr_all, total)
        );
        println!("recall, worst class {worst_class:.1}% (weighed {lr_worst:.1}%)");

        let (mut flagged, mut flagged_namesakes, mut knt_flagged, mut knt_candidates) =
            (0, 0, 0, 0usize);
        let (mut by_watchlist, mut namesakes_seen, mut lr_flagged) = (0, 0, 0);
        let (mut lr_by_watchlist, mut lr_shown) = (0, 0);
        for i in 0..args.clean {
            let namesake = if i % 5 == 0 {
                namesakes.get(i / 5)
            } else {
                None
            };
            namesakes_seen += usize::from(namesake.is_some());
            let visitor = synth.clean_visitor(namesake);
            let flags = screener.screen(&visitor, None)?;
            flagged += usize::from(!flags.is_empty());
            let weighed = screener.screen_weighed(&visitor)?;
            weighed_flags(SYNTHETIC, &visitor)?;
            lr_flagged += usize::from(!weighed.is_empty());
            lr_by_watchlist += usize::from(
                !weighed.is_empty()
                    && weighed
                        .iter()
                        .all(|(source, _, _)| *source == vestibule::store::Source::Watchlist),
            );
            if let Some((source, id, w)) = weighed.first().filter(|_| lr_shown < args.show_misses) {
                lr_shown += 1;
                println!(
                    "weighed flags a clean visitor: {} {id} {:.1} bits: {}",
                    source.as_str(),
                    w.bits,
                    w.words.join(", ")
                );
            }
            if !flags.is_empty() && misses < 2 * args.show_misses {
                misses += 1;
                println!(
                    "  flagged clean visitor: {:?} {:?} {:?} {:?} -> {:?}",
                    visitor.last_name,
                    visitor.first_name,
                    visitor.middle_name,
                    visitor.dob.map(|d| d.to_string()),
                    flags
                        .iter()
                        .map(|f| (
                            f.candidate.record_id.as_str(),
                            f.candidate.assessment.score,
                            &f.candidate.assessment.reasons,
                            &f.candidate.name.last_name,
                            &f.candidate.name.first_name,
                            &f.candidate.name.middle_name,
                        ))
                        .collect::<Vec<_>>()
                );
            }
            by_watchlist += usize::from(
                !flags.is_empty()
                    && flags
                        .iter()
                        .all(|f| f.source == vestibule::store::Source::Watchlist),
            );
            flagged_namesakes += usize::from(namesake.is_some() && !flags.is_empty());
            let knt = keepntrack_count(&index, &visitor)?;
            knt_flagged += usize::from(knt > 0);
            knt_candidates += knt;
            visitors.push(visitor);
        }
        println!(
            "clean visitors flagged: vestibule {:.2}% ({} of {}; {} of {} namesakes, {} by the watchlist alone), keepntrack {:.1}% ({:.1} candidates each)",
            pct(flagged, args.clean),
            flagged,
            args.clean,
            flagged_namesakes,
            namesakes_seen,
            by_watchlist,
            pct(knt_flagged, args.clean),
            knt_candidates as f64 / args.clean.max(1) as f64
        );
        println!(
            "clean visitors flagged by the weighed score: {:.2}% ({lr_flagged} of {}; {lr_by_watchlist} by the watchlist alone)",
            pct(lr_flagged, args.clean),
            args.clean
        );

        // Data we did not make (issue 19, item 6): reported, never tuned on.
        println!("independent sets (not tuned on)");
        println!(
            "{:<44} {:>6} {:>10} {:>12} {:>10}",
            "set", "n", "vestibule", "keepntrack", "weighed"
        );
        let mut rng = independent::rng(args.seed);
        let mut per_kind: std::collections::BTreeMap<&str, (usize, usize, usize)> =
            Default::default();
        let (mut n, mut found, mut knt, mut lr) = (0, 0, 0, 0);
        for person in &corrupt_targets {
            let (visitor, kinds) = independent::corrupted(&mut rng, person);
            let hit = screener
                .screen(&visitor, None)?
                .iter()
                .any(|f| f.candidate.record_id == person.record_id);
            let lr_hit = weighed_finds(CORRUPTED, &visitor, &person.record_id)?;
            n += 1;
            found += usize::from(hit);
            lr += usize::from(lr_hit);
            knt += usize::from(keepntrack_finds(&index, &visitor, &person.record_id)?);
            let key = if kinds.len() == 1 {
                kinds[0]
            } else {
                "two corruptions"
            };
            let e = per_kind.entry(key).or_default();
            e.0 += 1;
            e.1 += usize::from(hit);
            e.2 += usize::from(lr_hit);
            visitors.push(visitor);
        }
        println!(
            "{:<44} {:>6} {:>9.1}% {:>11.1}% {:>9.1}%",
            "corrupted copies of registrants, recall",
            n,
            pct(found, n),
            pct(knt, n),
            pct(lr, n)
        );
        for (kind, (n, found, lr)) in per_kind {
            println!(
                "{:<44} {:>6} {:>9.1}% {:>12} {:>9.1}%",
                format!("  {kind}"),
                n,
                pct(found, n),
                "",
                pct(lr, n)
            );
        }
        let (mut pos, mut pos_found, mut pos_knt, mut pos_lr) = (0, 0, 0, 0);
        let (mut neg, mut neg_flagged, mut neg_knt, mut neg_lr) = (0, 0, 0, 0);
        for (id, visitor) in &splink.visitors {
            match id {
                Some(id) => {
                    pos += 1;
                    pos_found += usize::from(
                        screener
                            .screen(visitor, None)?
                            .iter()
                            .any(|f| &f.candidate.record_id == id),
                    );
                    pos_knt += usize::from(keepntrack_finds(&index, visitor, id)?);
                    pos_lr += usize::from(weighed_finds(SPLINK_INSIDE, visitor, id)?);
                }
                None => {
                    neg += 1;
                    neg_flagged += usize::from(!screener.screen(visitor, None)?.is_empty());
                    neg_knt += usize::from(keepntrack_count(&index, visitor)? > 0);
                    neg_lr += usize::from(weighed_flags(SPLINK_INSIDE, visitor)?);
                }
            }
            visitors.push(visitor.clone());
        }
        println!(
            "{:<44} {:>6} {:>9.1}% {:>11.1}% {:>9.1}%",
            "splink historical figures, registered: recall",
            pos,
            pct(pos_found, pos),
            pct(pos_knt, pos),
            pct(pos_lr, pos)
        );
        println!(
            "{:<44} {:>6} {:>9.2}% {:>11.2}% {:>9.2}%",
            "splink historical figures, others: flagged",
            neg,
            pct(neg_flagged, neg),
            pct(neg_knt, neg),
            pct(neg_lr, neg)
        );
        let (mut os, mut os_flagged, mut os_knt, mut os_lr) = (0, 0, 0, 0);
        for visitor in independent::opensanctions(&args.names)? {
            os += 1;
            os_flagged += usize::from(!screener.screen(&visitor, None)?.is_empty());
            os_knt += usize::from(keepntrack_count(&index, &visitor)? > 0);
            os_lr += usize::from(weighed_flags(OPENSANCTIONS, &visitor)?);
            visitors.push(visitor);
        }
        println!(
            "{:<44} {:>6} {:>9.2}% {:>11.2}% {:>9.2}%",
            "opensanctions US negatives: flagged",
            os,
            pct(os_flagged, os),
            pct(os_knt, os),
            pct(os_lr, os)
        );
        // The Splink set as it was published: its registered half alone is the list (the
        // setting of Splink's own figures), the same visitors, the same one threshold.
        let own = vestibule::screening::MemoryIndex::new(
            splink
                .registered
                .iter()
                .map(|r| vestibule::screening::NameRow {
                    record_id: r.record_id.clone(),
                    alias: false,
                    last_name: r.last.clone(),
                    first_name: r.first.clone(),
                    middle_name: String::new(),
                    suffix: String::new(),
                    dob: r.dob,
                    sex: r.sex,
                })
                .collect(),
        );
        let (mut pos, mut pos_found, mut pos_lr) = (0, 0, 0);
        let (mut neg, mut neg_flagged, mut neg_lr) = (0, 0, 0);
        for (id, visitor) in &splink.visitors {
            let Ok(old) = vestibule::screening::screen(&own, visitor);
            let Ok(new) = vestibule::screening::screen_weighed_above(&own, visitor, SWEEP_FLOOR);
            let best = |of: Option<&String>| {
                new.iter()
                    .filter(|(_, row, _)| of.is_none_or(|id| &row.record_id == id))
                    .map(|(_, _, w)| w.bits)
                    .fold(f64::NEG_INFINITY, f64::max)
            };
            let bits = best(id.as_ref());
            sweep.borrow_mut().push((SPLINK_OWN, id.is_some(), bits));
            let lr_hit = bits >= lr::THRESHOLD_BITS;
            match id {
                Some(id) => {
                    pos += 1;
                    pos_found += usize::from(old.iter().any(|c| &c.record_id == id));
                    pos_lr += usize::from(lr_hit);
                }
                None => {
                    neg += 1;
                    neg_flagged += usize::from(!old.is_empty());
                    neg_lr += usize::from(lr_hit);
                }
            }
        }
        println!(
            "{:<44} {:>6} {:>9.1}% {:>12} {:>9.1}%",
            format!("splink on its own list ({} rows): recall", own.rows().len()),
            pos,
            pct(pos_found, pos),
            "",
            pct(pos_lr, pos)
        );
        println!(
            "{:<44} {:>6} {:>9.2}% {:>12} {:>9.2}%",
            "splink on its own list: others flagged",
            neg,
            pct(neg_flagged, neg),
            "",
            pct(neg_lr, neg)
        );

        // Where the one threshold belongs: set on the synthetic rows only, the rest reported.
        println!("weighed score by threshold (bits): recall of true matches / share flagged of the others");
        let sweep = sweep.into_inner();
        let sets = [
            SYNTHETIC,
            CORRUPTED,
            SPLINK_OWN,
            SPLINK_INSIDE,
            OPENSANCTIONS,
        ];
        print!("{:>7}", "bits");
        for set in sets {
            print!(" {set:>26}");
        }
        println!();
        for threshold in [-6.0, -5.0, -4.0, -3.5, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0] {
            print!("{threshold:>7.1}");
            for set in sets {
                let share = |positive: bool| {
                    let all: Vec<f64> = sweep
                        .iter()
                        .filter(|(s, p, _)| *s == set && *p == positive)
                        .map(|(_, _, b)| *b)
                        .collect();
                    let above = all.iter().filter(|&&b| b >= threshold).count();
                    if all.is_empty() {
                        "-".to_owned()
                    } else {
                        format!("{:.2}%", pct(above, all.len()))
                    }
                };
                print!(" {:>26}", format!("{} / {}", share(true), share(false)));
            }
            println!();
        }

        // Warm latency: every visitor above again (the first pass warmed the page cache), three
        // times. The first of these passes is what a kiosk sees on this machine as it is; the
        // fastest of the three, per visitor, is the engine's own cost without other programs
        // taking the CPU away mid-query (this machine's 2 cores are shared).
        let mut passes: Vec<Vec<f64>> = Vec::new();
        for _ in 0..3 {
            let mut pass = Vec::with_capacity(visitors.len());
            for visitor in &visitors {
                let t = Instant::now();
                std::hint::black_box(screener.screen(visitor, None)?);
                pass.push(t.elapsed().as_secs_f64() * 1e6);
            }
            passes.push(pass);
        }
        let fastest: Vec<f64> = (0..visitors.len())
            .map(|i| passes.iter().map(|p| p[i]).fold(f64::INFINITY, f64::min))
            .collect();
        for (label, mut latencies) in [
            ("one warm pass", passes.swap_remove(0)),
            ("fastest of 3 passes", fastest),
        ] {
            latencies.sort_by(f64::total_cmp);
            let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
            println!(
                "warm latency per visitor, {label} (registry + watchlist + decisions): p50 {:.0} us, p90 {:.0} us, p99 {:.0} us, max {:.0} us over {} visitors",
                at(0.5),
                at(0.9),
                at(0.99),
                latencies.last().copied().unwrap_or(0.0),
                latencies.len()
            );
        }
        // the weighed score's own cost, every visitor above once more
        let mut latencies: Vec<f64> = visitors
            .iter()
            .map(|visitor| {
                let t = Instant::now();
                std::hint::black_box(screener.screen_weighed(visitor)).ok();
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        latencies.sort_by(f64::total_cmp);
        let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
        println!(
            "warm latency per visitor, weighed score, one pass: p50 {:.0} us, p99 {:.0} us",
            at(0.5),
            at(0.99)
        );
        println!(
            "threshold {} (weighed: {} bits)",
            score::THRESHOLD,
            vestibule::screening::lr::THRESHOLD_BITS
        );
        Ok(())
    }

    fn pct(a: usize, b: usize) -> f64 {
        100.0 * a as f64 / b.max(1) as f64
    }

    /// The rows KeepnTrack's points could bring to 40, from the postings alone: a row needs an
    /// exact name term of the visitor (first + sex is only 39), and the points its matching
    /// terms, its date of birth (22 exact, 15 within a year) and sex (4) could add up to must
    /// reach 40. Only those rows are read and scored.
    fn keepntrack_rows(index: &RedbIndex, visitor: &Visitor) -> Result<Vec<u32>, Refusal> {
        use vestibule::screening::dob;
        let subject = visitor.subject();
        let terms = [
            (subject.name.last.glued.clone(), 25u32),
            (subject.name.first.glued.clone(), 35),
            (
                subject
                    .name
                    .middle
                    .first()
                    .map(|m| m.glued.clone())
                    .unwrap_or_default(),
                14,
            ),
        ];
        let visitor_dob = dob::key(subject.dob);
        let mut rows: std::collections::HashMap<u32, (u8, u32)> = Default::default();
        for (bit, (term, _)) in terms.iter().enumerate() {
            if term.is_empty() {
                continue;
            }
            if let Some(id) = index.term_id(term)? {
                index.with_postings(id, &mut |blob| {
                    vestibule::screening::index::all_postings(blob, |dob, row| {
                        let entry = rows.entry(row).or_insert((0, dob));
                        entry.0 |= 1 << bit;
                    })
                })?;
            }
        }
        Ok(rows
            .into_iter()
            .filter(|(_, (mask, dob))| {
                let names: u32 = (0..3)
                    .filter(|b| mask & (1 << b) != 0)
                    .map(|b| terms[b].1)
                    .sum();
                let date = if visitor_dob == dob::UNKNOWN || *dob == dob::UNKNOWN {
                    0
                } else if *dob == visitor_dob {
                    22
                } else if dob.abs_diff(visitor_dob) <= 366 {
                    15
                } else {
                    0
                };
                names + date + 4 >= u32::from(keepntrack::THRESHOLD)
            })
            .map(|(row, _)| row)
            .collect())
    }

    fn keepntrack_scores(
        index: &RedbIndex,
        visitor: &Visitor,
    ) -> Result<Vec<(String, u8)>, Refusal> {
        let subject = visitor.subject();
        let mut out = Vec::new();
        for row in keepntrack_rows(index, visitor)? {
            if let Some(row) = index.row(row)? {
                let record = score::Subject {
                    name: row.name(),
                    dob: row.dob,
                    sex: row.sex,
                };
                out.push((row.record_id, keepntrack::score(&subject, &record)));
            }
        }
        Ok(out)
    }

    fn keepntrack_finds(
        index: &RedbIndex,
        visitor: &Visitor,
        record_id: &str,
    ) -> Result<bool, Refusal> {
        Ok(keepntrack_scores(index, visitor)?
            .iter()
            .any(|(id, s)| id == record_id && *s >= keepntrack::THRESHOLD))
    }

    /// How many people KeepnTrack would flag for this visitor.
    fn keepntrack_count(index: &RedbIndex, visitor: &Visitor) -> Result<usize, Refusal> {
        let people: HashSet<String> = keepntrack_scores(index, visitor)?
            .into_iter()
            .filter(|(_, s)| *s >= keepntrack::THRESHOLD)
            .map(|(id, _)| id)
            .collect();
        Ok(people.len())
    }
}
