//! The `[hardware]` section: validation, and devices that are missing at start-up named.

use vestibule::config::Config;
use vestibule::hw::board;
use vestibule::hw::config::GpioBackend;
use vestibule::hw::relay::Polarity;

fn load(toml: &str) -> Result<Config, vestibule::config::ConfigError> {
    Config::from_toml("k.toml", toml, Vec::<(String, String)>::new())
}

#[test]
fn a_pi_with_an_active_low_relay_board() {
    let config = load(
        "[hardware]\ngpio = \"rppal\"\n[hardware.relay]\npin = 5\npolarity = \"active-low\"\n\
         locked_level = \"high\"\n[hardware.reader]\ndevice = \"/dev/serial0\"\nsuffix = \"\\u0003\"\n",
    )
    .unwrap();
    assert_eq!(config.hardware.gpio, GpioBackend::Rppal);
    assert_eq!(config.hardware.relay.pin, 5);
    assert_eq!(config.hardware.relay.polarity, Polarity::ActiveLow);
    assert_eq!(config.hardware.reader.framer().suffix, Some(vec![0x03]));
}

#[test]
fn bad_hardware_keys_are_named() {
    let cases = [
        (
            "[hardware.relay]\npin = 17\npolarity = \"high\"\n",
            "hardware.relay.polarity",
        ),
        (
            "[hardware.relay]\npin = 17\npolarity = \"active-high\"\nbcm = 1\n",
            "hardware.relay.bcm",
        ),
        (
            "[hardware.lamp]\npin = 17\npolarity = \"active-high\"\n",
            "hardware.lamp.pin",
        ),
        (
            "[hardware]\ngpio = \"rppal\"\n[hardware.relay]\npin = 60\npolarity = \"active-high\"\n",
            "hardware.relay.pin",
        ),
        (
            "[hardware.reader]\nsuffix = \"\\r\\n\"\n",
            "hardware.reader.suffix",
        ),
        ("[hardware.reader]\ngap_ms = 1\n", "hardware.reader.gap_ms"),
        (
            "[hardware.printer]\ndevice = \"tcp://10.0.0.5\"\n",
            "hardware.printer.device",
        ),
        (
            "[hardware.printer]\nkind = \"brother\"\n",
            "hardware.printer.kind",
        ),
        ("[hardware]\nwatchdog_ms = 10\n", "hardware.watchdog_ms"),
        ("[hardware]\ngpio = \"wiringpi\"\n", "hardware.gpio"),
    ];
    for (toml, key) in cases {
        let err = load(toml).unwrap_err();
        assert_eq!(err.key, key, "{toml}: {err}");
    }
}

#[test]
fn a_pin_may_also_name_its_line_on_the_chip() {
    let config = load(
        "[hardware.relay]\npin = 17\nline = \"GPIO17\"\npolarity = \"active-high\"\n\
         [hardware.panic_button]\npin = 22\nline = \"GPIO22\"\npolarity = \"active-low\"\n\
         debounce_ms = 30\n",
    )
    .unwrap();
    assert_eq!(config.hardware.relay.pin, 17);
    assert_eq!(config.hardware.relay.line.as_deref(), Some("GPIO17"));
    assert_eq!(config.hardware.panic_button.line.as_deref(), Some("GPIO22"));
    assert_eq!(config.hardware.lamp.line, None);
    for (toml, key, reason) in [
        (
            "[hardware.relay]\npin = 17\nline = \" \"\npolarity = \"active-high\"\n",
            "hardware.relay.line",
            "must name a line",
        ),
        (
            "[hardware]\ngpio = \"rppal\"\n[hardware.door_sensor]\npin = 23\nline = \"GPIO23\"\n\
             polarity = \"active-low\"\ndebounce_ms = 50\n",
            "hardware.door_sensor.line",
            "cdev",
        ),
    ] {
        let err = load(toml).unwrap_err();
        assert_eq!(err.key, key, "{toml}: {err}");
        assert!(err.to_string().contains(reason), "{err}");
    }
}

#[test]
fn the_same_pin_twice_is_refused_only_when_pins_are_used() {
    let toml = "[hardware.lamp]\npin = 17\npolarity = \"active-high\"\n";
    assert!(load(toml).is_err());
    assert!(load(&format!("[hardware]\ngpio = \"none\"\n{toml}")).is_ok());
}

#[test]
fn a_missing_gpio_chip_is_named() {
    let mut config = Config::default().hardware;
    config.gpio = GpioBackend::Cdev;
    config.chip = "/dev/gpiochip-vestibule-none".into();
    let err = board::open_gpio(&config).err().unwrap();
    assert!(
        err.to_string().contains("/dev/gpiochip-vestibule-none"),
        "{err}"
    );
}

#[cfg(not(feature = "rppal"))]
#[test]
fn rppal_without_the_pi_build_says_so() {
    let mut config = Config::default().hardware;
    config.gpio = GpioBackend::Rppal;
    let err = board::open_gpio(&config).err().unwrap();
    assert!(err.to_string().contains("rppal"), "{err}");
}

#[test]
fn the_default_gpio_is_the_character_device_found_by_label() {
    let config = Config::default().hardware;
    assert_eq!(config.gpio, GpioBackend::Cdev);
    assert_eq!(config.chip, "label:pinctrl-bcm2711,pinctrl-rp1");
    assert_eq!(config.backend_note(), None);
    // Configs written before the chip was found by label keep loading.
    let old = load("[hardware]\ngpio = \"cdev\"\nchip = \"/dev/gpiochip0\"\n").unwrap();
    assert_eq!(old.hardware.chip, "/dev/gpiochip0");
}

#[test]
fn rppal_is_named_as_raspberry_pi_os_only() {
    if std::path::Path::new("/dev/gpiomem").exists() {
        return; // a Raspberry Pi OS machine: rppal works there
    }
    let config = load("[hardware]\ngpio = \"rppal\"\n").unwrap();
    let note = config.hardware.backend_note().unwrap();
    assert!(note.contains("only on Raspberry Pi OS"), "{note}");
    assert!(note.contains("gpio = \"cdev\""), "{note}");
}

#[test]
fn a_gpio_chip_label_no_chip_has_is_named() {
    let mut config = Config::default().hardware;
    config.chip = "label:vestibule-no-such-chip".into();
    let err = board::open_gpio(&config).err().unwrap();
    assert!(err.to_string().contains("vestibule-no-such-chip"), "{err}");
}

#[test]
fn a_missing_reader_and_printer_are_named() {
    let mut config = Config::default().hardware;
    config.reader.device = "/dev/ttyVESTIBULE-none".into();
    config.printer.device = "/dev/usb/lp-vestibule-none".into();
    let err = board::open_reader(&config).err().unwrap();
    assert!(err.to_string().contains("/dev/ttyVESTIBULE-none"), "{err}");
    let err = board::open_printer(&config).err().unwrap();
    assert!(
        err.to_string().contains("/dev/usb/lp-vestibule-none"),
        "{err}"
    );
}

#[test]
fn no_gpio_gives_simulated_pins() {
    let mut config = Config::default().hardware;
    config.gpio = GpioBackend::None;
    let mut gpio = board::open_gpio(&config).unwrap();
    gpio.relay
        .pulse(0, std::time::Duration::from_secs(5))
        .unwrap();
    gpio.lamp.set(0, true).unwrap();
    assert_eq!(gpio.inputs.try_event(), None);
}
