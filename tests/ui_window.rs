//! The Slint UI builds and renders headless: no windowing backend, the software renderer,
//! elements found by accessible label. (Later issues put the kiosk screens here.)

use i_slint_backend_testing::{ElementHandle, TestingBackend, TestingBackendOptions};
use slint::ComponentHandle;
use vestibule::ui::{AppWindow, Kiosk};

#[test]
fn attract_screen_renders_with_the_software_renderer() {
    slint::platform::set_platform(Box::new(TestingBackend::new(TestingBackendOptions {
        mock_time: true,
        threading: false,
        renderer_name: Some("software".into()),
    })))
    .unwrap();
    let app = AppWindow::new().unwrap();
    app.window().set_size(slint::PhysicalSize::new(800, 480));
    app.show().unwrap();

    let status = ElementHandle::find_by_accessible_label(&app, "status")
        .next()
        .expect("the status text has an accessible label");
    assert_eq!(
        status.accessible_role(),
        Some(i_slint_backend_testing::AccessibleRole::Text)
    );
    assert_eq!(
        app.global::<Kiosk>().get_status(),
        "Scan your ID to sign in"
    );

    let shot = app.window().take_snapshot().unwrap();
    assert_eq!((shot.width(), shot.height()), (800, 480));
    // The background colour fills the corners; the centre carries dark text pixels.
    let pixels = shot.as_slice();
    assert_eq!(
        pixels[0],
        slint::Rgba8Pixel {
            r: 0xf4,
            g: 0xf1,
            b: 0xea,
            a: 0xff
        }
    );
    let dark = pixels.iter().filter(|p| p.r < 0x60 && p.g < 0x60).count();
    assert!(
        dark > 500,
        "expected rendered text, found {dark} dark pixels"
    );
}
