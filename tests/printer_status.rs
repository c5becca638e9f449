//! Brother QL status replies (32 bytes) -> what the kiosk must do about the printer.

use vestibule::hw::printer::brother::{
    Attention, Fault, Loaded, Media, Model, Report, Status, StatusError,
};

/// A QL-820NWB status reply with DK-1202 loaded and no errors; `edit` changes bytes.
fn reply(edit: &[(usize, u8)]) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&[0x80, 0x20, b'B', b'4', 0x41, b'0', 0x00, 0x00]);
    bytes[10] = 62; // width mm
    bytes[11] = 0x4b; // die-cut (QL-800 series code)
    bytes[17] = 100; // length mm
    for &(i, v) in edit {
        bytes[i] = v;
    }
    bytes
}

#[test]
fn a_ready_printer_with_the_right_labels_needs_nothing() {
    let status = Status::parse(&reply(&[])).unwrap();
    assert_eq!(status.model, Model::Ql820nwb);
    assert_eq!(status.report, Report::Reply);
    assert_eq!(
        status.loaded,
        Loaded::DieCut {
            width_mm: 62,
            length_mm: 100
        }
    );
    assert!(status.faults.is_empty() && !status.printing);
    assert_eq!(status.attention(Media::Dk1202), None);
}

/// A named status reply (as byte edits), the media the kiosk wants, and the verdict.
type Case = (
    &'static str,
    &'static [(usize, u8)],
    Media,
    Option<Attention>,
);

#[test]
fn attention_table() {
    let dk1202 = Loaded::DieCut {
        width_mm: 62,
        length_mm: 100,
    };
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("no media bit",        &[(8, 0x01)],            Media::Dk1202, Some(Attention::PaperOut)),
        ("end of media",        &[(8, 0x02)],            Media::Dk1202, Some(Attention::PaperOut)),
        ("no roll reported",    &[(11, 0x00)],           Media::Dk1202, Some(Attention::PaperOut)),
        ("cover open",          &[(9, 0x10)],            Media::Dk1202, Some(Attention::CoverOpen)),
        ("cutter jam",          &[(8, 0x04)],            Media::Dk1202, Some(Attention::Jammed)),
        ("cannot feed",         &[(9, 0x40)],            Media::Dk1202, Some(Attention::Jammed)),
        ("tape loaded",         &[(11, 0x4a), (17, 0)],  Media::Dk1202,
            Some(Attention::WrongMedia { loaded: Loaded::Continuous { width_mm: 62 }, wanted: Media::Dk1202 })),
        ("29 mm labels",        &[(10, 29), (17, 90)],   Media::Dk1202,
            Some(Attention::WrongMedia { loaded: Loaded::DieCut { width_mm: 29, length_mm: 90 }, wanted: Media::Dk1202 })),
        ("labels, wanted tape", &[],                     Media::Dk2205,
            Some(Attention::WrongMedia { loaded: dk1202, wanted: Media::Dk2205 })),
        ("replace media",       &[(9, 0x01)],            Media::Dk1202,
            Some(Attention::WrongMedia { loaded: dk1202, wanted: Media::Dk1202 })),
        ("tape, wanted tape",   &[(11, 0x0a), (17, 0)],  Media::Dk2205, None),
        ("busy is fine",        &[(8, 0x10)],            Media::Dk1202, None),
        ("system error",        &[(9, 0x80)],            Media::Dk1202, Some(Attention::Fault(Fault::SystemError))),
        ("paper out beats cover", &[(8, 0x01), (9, 0x10)], Media::Dk1202, Some(Attention::PaperOut)),
    ];
    for (name, edit, media, want) in cases {
        let status = Status::parse(&reply(edit)).unwrap();
        assert_eq!(status.attention(*media), *want, "{name}");
    }
}

#[test]
fn fault_bits_map_one_to_one() {
    let status = Status::parse(&reply(&[(8, 0xf7), (9, 0xff)])).unwrap();
    assert_eq!(status.faults.len(), 15);
    assert!(status.faults.contains(&Fault::CoverOpen));
    assert!(status.faults.contains(&Fault::FanMotor));
}

#[test]
fn models_reports_and_phase() {
    for (code, model) in [
        (0x38, Model::Ql800),
        (0x39, Model::Ql810w),
        (0x41, Model::Ql820nwb),
        (0x35, Model::Other(0x35)),
    ] {
        assert_eq!(Status::parse(&reply(&[(4, code)])).unwrap().model, model);
    }
    for (code, report) in [
        (0, Report::Reply),
        (1, Report::PrintingCompleted),
        (2, Report::ErrorOccurred),
        (4, Report::TurnedOff),
        (5, Report::Notification),
        (6, Report::PhaseChange),
    ] {
        assert_eq!(Status::parse(&reply(&[(18, code)])).unwrap().report, report);
    }
    assert!(Status::parse(&reply(&[(19, 1)])).unwrap().printing);
}

#[test]
fn garbage_is_not_a_status() {
    assert_eq!(Status::parse(&[0x80; 31]), Err(StatusError::Length(31)));
    assert_eq!(
        Status::parse(&reply(&[(2, b'Z')])),
        Err(StatusError::Header)
    );
    assert_eq!(
        Status::parse(&reply(&[(18, 0x09)])),
        Err(StatusError::Report(0x09))
    );
}
