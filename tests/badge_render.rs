//! The rendered badge: golden pictures, legibility of its codes, and layout limits.
//!
//! Goldens live in `tests/golden/`; after an intended layout change regenerate them with
//! `UPDATE_GOLDEN=1 cargo test --test badge_render` and look at the new PNGs before committing.

use std::path::PathBuf;

use vestibule::badge::{self, Badge, BadgeError, BadgeLayout, Bitmap1, Label};

fn golden(name: &str, page: &Bitmap1) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, page.to_png()).unwrap();
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    });
    let want = Bitmap1::from_png(&want).unwrap();
    if want != *page {
        let got = path.with_extension("actual.png");
        std::fs::write(&got, page.to_png()).unwrap();
        panic!(
            "{} differs from the rendered badge; see {}",
            path.display(),
            got.display()
        );
    }
}

#[test]
fn sample_badge_matches_its_golden() {
    let page = badge::render(&Badge::sample(), &BadgeLayout::default(), Label::DK1202).unwrap();
    assert_eq!((page.width(), page.height()), (696, 1109));
    golden("badge-dk1202.png", &page);
}

#[test]
fn long_name_without_photo_matches_its_golden() {
    let badge = Badge {
        visitor_name: "Maria de los Ángeles Guadalupe Hernández-Villanueva".into(),
        purpose: "Contractor".into(),
        destination: "Gym · Facilities: Mr O'Sullivan-Fitzgerald".into(),
        photo: None,
        ..Badge::sample()
    };
    let page = badge::render(&badge, &BadgeLayout::default(), Label::DK1202).unwrap();
    golden("badge-long-name.png", &page);
}

#[test]
fn zebra_203_dpi_badge_matches_its_golden() {
    let label = Label {
        width: 456,
        height: 812,
        dpi: 203,
    };
    let page = badge::render(&Badge::sample(), &BadgeLayout::default(), label).unwrap();
    golden("badge-203dpi.png", &page);
}

/// Reads every QR on a page with rqrr (an independent, pure-Rust decoder).
fn read_qrs(page: &Bitmap1) -> Vec<String> {
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(
        page.width() as usize,
        page.height() as usize,
        |x, y| {
            if page.is_ink(x as u32, y as u32) {
                0
            } else {
                255
            }
        },
    );
    image
        .detect_grids()
        .iter()
        .map(|grid| grid.decode().expect("a QR that does not decode").1)
        .collect()
}

#[test]
fn the_sign_out_token_survives_rendering() {
    for label in [
        Label::DK1202,
        Label {
            width: 456,
            height: 812,
            dpi: 203,
        },
    ] {
        let page = badge::render(&Badge::sample(), &BadgeLayout::default(), label).unwrap();
        assert_eq!(read_qrs(&page), [Badge::sample().sign_out_token]);
    }
}

#[test]
fn a_long_signed_token_still_reads_back() {
    let token = format!("VST1.0042.2026-03-09.{}", "A1b2C3d4".repeat(10));
    let badge = Badge {
        sign_out_token: token.clone(),
        ..Badge::sample()
    };
    let page = badge::render(&badge, &BadgeLayout::default(), Label::DK1202).unwrap();
    assert_eq!(read_qrs(&page), [token]);
}

#[test]
fn a_token_too_long_for_the_label_is_refused() {
    let badge = Badge {
        sign_out_token: "x".repeat(600),
        ..Badge::sample()
    };
    let err = badge::render(&badge, &BadgeLayout::default(), Label::DK1202).unwrap_err();
    assert_eq!(err, BadgeError::TokenTooLong);
}

#[test]
fn a_visit_number_that_code128_cannot_carry_is_refused() {
    let badge = Badge {
        visit_number: "Nº 42".into(),
        ..Badge::sample()
    };
    let err = badge::render(&badge, &BadgeLayout::default(), Label::DK1202).unwrap_err();
    assert_eq!(err, BadgeError::VisitNumber);
}

#[test]
fn fields_can_be_switched_off() {
    let bare = BadgeLayout {
        school: false,
        destination: false,
        photo: false,
        qr: false,
        barcode: false,
        ..BadgeLayout::default()
    };
    let full = badge::render(&Badge::sample(), &BadgeLayout::default(), Label::DK1202).unwrap();
    let page = badge::render(&Badge::sample(), &bare, Label::DK1202).unwrap();
    assert!(page.ink_count() < full.ink_count() * 3 / 4);
    assert!(read_qrs(&page).is_empty());
}

#[test]
fn bad_layouts_and_tiny_labels_are_refused() {
    let sample = Badge::sample();
    let lines = BadgeLayout {
        name_lines: 0,
        ..BadgeLayout::default()
    };
    assert_eq!(
        badge::render(&sample, &lines, Label::DK1202),
        Err(BadgeError::Layout)
    );
    let tiny = Label {
        width: 300,
        height: 300,
        dpi: 300,
    };
    assert_eq!(
        badge::render(&sample, &BadgeLayout::default(), tiny),
        Err(BadgeError::LabelTooSmall)
    );
}

#[test]
fn the_same_visit_always_renders_the_same_dots() {
    let a = badge::render(&Badge::sample(), &BadgeLayout::default(), Label::DK1202).unwrap();
    let b = badge::render(&Badge::sample(), &BadgeLayout::default(), Label::DK1202).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_badge_prints_no_personal_data_in_debug() {
    let shown = format!("{:?}", Badge::sample());
    assert!(!shown.contains("Ada") && !shown.contains("Library") && shown.contains("V-26-0042"));
}
