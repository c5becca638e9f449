//! Every visible string of the UI has a Spanish translation: a string added to a screen
//! without one would show in English to a visitor who chose Español.

use std::collections::BTreeSet;
use std::path::Path;

/// The `@tr("...")` strings of every .slint file under `dir`.
fn ui_strings(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            ui_strings(&path, found);
        } else if path.extension().is_some_and(|e| e == "slint") {
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("@tr(\"").skip(1) {
                found.insert(part.split('"').next().unwrap().to_owned());
            }
        }
    }
}

/// msgid -> msgstr of a .po file (single-line entries, as ours are).
fn po_entries(text: &str) -> Vec<(String, String)> {
    let unquote = |s: &str| s.trim().trim_matches('"').replace("\\\"", "\"");
    let mut entries = Vec::new();
    let mut id = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("msgid ") {
            id = Some(unquote(rest));
        } else if let (Some(rest), Some(msgid)) = (line.strip_prefix("msgstr "), id.take()) {
            entries.push((msgid, unquote(rest)));
        }
    }
    entries
}

#[test]
fn every_ui_string_has_a_spanish_translation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut strings = BTreeSet::new();
    ui_strings(&root.join("ui"), &mut strings);
    assert!(strings.len() > 50, "found only {} strings", strings.len());
    let po = std::fs::read_to_string(root.join("lang/es/LC_MESSAGES/vestibule.po")).unwrap();
    let entries = po_entries(&po);
    for s in &strings {
        let translated = entries.iter().find(|(id, _)| id == s).map(|(_, t)| t);
        match translated {
            Some(t) if !t.is_empty() => {
                assert_eq!(
                    s.matches("{}").count(),
                    t.matches("{}").count(),
                    "placeholders differ for `{s}`"
                );
            }
            _ => panic!("no Spanish for `{s}`"),
        }
    }
}
