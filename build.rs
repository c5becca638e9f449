fn main() {
    // The kiosk refuses to serve while its clock reads earlier than its own build (a Pi 4 has
    // no battery clock): SOURCE_DATE_EPOCH for reproducible builds, else the time of the build.
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let built = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    println!("cargo:rustc-env=VESTIBULE_BUILD_UNIX={built}");
    // Spanish (and any later language) is compiled into the binary: a kiosk switches language
    // from a button, with no gettext files to deploy. The .po files carry no msgctxt.
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("lang")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    slint_build::compile_with_config("ui/app.slint", config).expect("ui/app.slint must compile");
}
