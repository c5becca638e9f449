//! `vestibule badge render`: draws the sample badge for a printer, for layout work.

use std::path::PathBuf;

use clap::Args;
use vestibule::badge::{self, Badge, BadgeLayout};
use vestibule::hw::printer::PrinterKind;

use super::Refusal;

#[derive(Args)]
pub struct RenderArgs {
    /// Write the badge, exactly as rasterised for the printer, to this PNG.
    #[arg(long)]
    out: PathBuf,
    /// The printer and labels (sets the page size and resolution).
    #[arg(long, default_value = "brother-ql-dk1202", value_parser = parse_printer)]
    printer: PrinterKind,
    /// Also write the print job's bytes here (what would go to the printer device).
    #[arg(long)]
    job: Option<PathBuf>,
    /// Leave the sample photo off, as on a kiosk without a camera.
    #[arg(long)]
    no_photo: bool,
}

fn parse_printer(s: &str) -> Result<PrinterKind, String> {
    s.parse()
        .map_err(|e: vestibule::hw::printer::UnknownPrinter| e.to_string())
}

pub fn render(args: RenderArgs) -> Result<(), Refusal> {
    let mut sample = Badge::sample();
    if args.no_photo {
        sample.photo = None;
    }
    let page = badge::render(&sample, &BadgeLayout::default(), args.printer.label())?;
    if let Some(path) = &args.job {
        let job = args.printer.encode(&page)?;
        std::fs::write(path, job).map_err(|e| Refusal(format!("{}: {e}", path.display())))?;
    }
    std::fs::write(&args.out, page.to_png())
        .map_err(|e| Refusal(format!("{}: {e}", args.out.display())))?;
    println!(
        "{}: {}x{} dots at {} dpi for {}",
        args.out.display(),
        page.width(),
        page.height(),
        args.printer.label().dpi,
        args.printer
    );
    Ok(())
}
