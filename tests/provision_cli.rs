//! `vestibule provision import`: the first boot's config install. A valid file lands whole,
//! 0640; a bad one is refused naming the key, and nothing is written.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_vestibule");

/// Runs under umask 0077, as vestibule-firstboot.service does: the kiosk's user must still be
/// able to read the result.
fn import(file: &std::path::Path, to: &std::path::Path) -> std::process::Output {
    Command::new("sh")
        .args(["-c", "umask 077; exec \"$0\" \"$@\"", BIN])
        .args(["provision", "import"])
        .arg(file)
        .arg("--to")
        .arg(to)
        .env_remove("VESTIBULE_CONFIG")
        .output()
        .unwrap()
}

#[test]
fn a_valid_provisioning_file_becomes_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("boot-kiosk.toml");
    let text = "[school]\nname = \"Lincoln Elementary\"\n\n[kiosk]\nname = \"North lobby\"\n";
    std::fs::write(&file, text).unwrap();
    let to = dir.path().join("etc-kiosk.toml");
    let out = import(&file, &to);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&to).unwrap(), text);
    let mode = std::fs::metadata(&to).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert!(!dir.path().join("etc-kiosk.toml.new").exists());
}

#[test]
fn a_bad_value_is_refused_by_key_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("boot-kiosk.toml");
    std::fs::write(&file, "[kiosk]\nidle_timeout_secs = -3\n").unwrap();
    let to = dir.path().join("etc-kiosk.toml");
    std::fs::write(&to, "# the old config\n").unwrap();
    let out = import(&file, &to);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kiosk.idle_timeout_secs"), "{err}");
    assert_eq!(std::fs::read_to_string(&to).unwrap(), "# the old config\n");
}
