fn main() {
    // Spanish (and any later language) is compiled into the binary: a kiosk switches language
    // from a button, with no gettext files to deploy. The .po files carry no msgctxt.
    let config = slint_build::CompilerConfiguration::new()
        .with_bundled_translations("lang")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    slint_build::compile_with_config("ui/app.slint", config).expect("ui/app.slint must compile");
}
