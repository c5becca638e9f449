//! `[students]` in kiosk.toml: the late-arrival and dismissal reason buttons, with defaults, and
//! refusals that name the key.

use vestibule::config::Config;

fn load(text: &str) -> Result<Config, vestibule::config::ConfigError> {
    Config::from_toml("k.toml", text, Vec::<(String, String)>::new())
}

#[test]
fn defaults_offer_reasons_in_english_and_spanish() {
    let config = load("").unwrap();
    let ids: Vec<&str> = config
        .students
        .late_arrival_reasons
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["appointment", "illness", "transport", "family", "other"]
    );
    let dismissal = &config.students.dismissal_reasons;
    assert_eq!(dismissal[3].id, "activity");
    assert_eq!(dismissal[3].label_es, "Actividad escolar");
    assert!(dismissal
        .iter()
        .all(|c| !c.label.is_empty() && !c.label_es.is_empty()));
}

#[test]
fn a_school_may_list_its_own_reasons() {
    let config = load(
        "[[students.late_arrival_reasons]]\nid = \"bus\"\nlabel = \"Late bus\"\nlabel_es = \"Autobús tarde\"\n",
    )
    .unwrap();
    assert_eq!(config.students.late_arrival_reasons.len(), 1);
    assert_eq!(config.students.late_arrival_reasons[0].id, "bus");
    assert_eq!(
        config.students.dismissal_reasons.len(),
        5,
        "the other list keeps its default"
    );
}

#[test]
fn bad_reason_lists_are_refused_naming_the_key() {
    let err = load("[students]\nlate_arrival_reasons = []\n").unwrap_err();
    assert_eq!(err.key, "students.late_arrival_reasons");
    let twice =
        "[[students.dismissal_reasons]]\nid = \"a\"\nlabel = \"A\"\nlabel_es = \"A\"\n".repeat(2);
    let err = load(&twice).unwrap_err();
    assert_eq!(err.key, "students.dismissal_reasons");
    assert!(err.to_string().contains("appears twice"), "{err}");
    let err = load("[students]\nearly_reasons = []\n").unwrap_err();
    assert_eq!(err.key, "students.early_reasons");
}
