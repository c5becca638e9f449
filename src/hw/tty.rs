//! The kiosk's terminal is not a way out: a USB keyboard plugged into the kiosk must not stop,
//! restart or hide it.
//!
//! systemd gives the kiosk tty1 as its controlling terminal (`StandardInput=tty-fail`), which
//! by itself lets a keyboard send Ctrl-C (SIGINT), Ctrl-\ (SIGQUIT) and Ctrl-Z to the kiosk and
//! switch to another virtual terminal (Ctrl-Alt-Fn, Alt-Left/Right). [`lock_terminal`], called
//! at start, takes all of that away on the terminal it was given:
//!
//! - the line discipline stops turning keys into signals (`ISIG` off) and stops flow control
//!   (`IXON` off: Ctrl-S would freeze console output);
//! - on a virtual terminal, the kernel's keyboard handling is switched off (`KDSKBMODE
//!   K_OFF`): no key reaches the terminal, and no key switches terminals (only SAK passes,
//!   which the kiosk image does not bind); the touch screen and the scanner are read through
//!   libinput and the serial port, not through the terminal. The terminal goes into graphics
//!   mode (`KDSETMODE KD_GRAPHICS`): no console text or cursor over the UI. Both ioctls are
//!   allowed on one's own controlling terminal without any capability;
//! - `VT_LOCKSWITCH` is tried too (it needs CAP_SYS_TTY_CONFIG, which the kiosk's unit does
//!   not grant: then it is skipped; `K_OFF` already ignores the switching keys).
//!
//! systemd's `TTYReset=yes` gives the terminal back its usual modes when the kiosk stops.
//! Signals that still arrive (systemd's SIGTERM, a technician's `kill`) go through
//! [`super::failsafe::install`]'s handler: the door locks first.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use nix::sys::termios::{self, InputFlags, LocalFlags, SetArg};

/// What [`lock_terminal`] did, for the log and the tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TerminalLock {
    /// `ISIG` and `IXON` were cleared (the fd is a terminal).
    pub signals_off: bool,
    /// The virtual terminal's keyboard is off (`K_OFF`) and it is in graphics mode.
    pub keyboard_off: bool,
    /// VT switching is locked system-wide (`VT_LOCKSWITCH`, needs CAP_SYS_TTY_CONFIG).
    pub switch_locked: bool,
}

const KDSETMODE: u64 = 0x4B3A;
const KD_GRAPHICS: i32 = 0x01;
const KDSKBMODE: u64 = 0x4B45;
const K_OFF: i32 = 0x04;
const VT_LOCKSWITCH: u64 = 0x560B;

mod ioctls {
    use super::{KDSETMODE, KDSKBMODE, VT_LOCKSWITCH};
    nix::ioctl_write_int_bad!(kd_set_mode, KDSETMODE);
    nix::ioctl_write_int_bad!(kd_set_keyboard_mode, KDSKBMODE);
    nix::ioctl_none_bad!(vt_lock_switch, VT_LOCKSWITCH);
}
use ioctls::{kd_set_keyboard_mode, kd_set_mode, vt_lock_switch};

/// Locks the process's standard input when it is a terminal (the kiosk's tty1). Nothing is
/// done (and nothing fails) when stdin is not a terminal: a pipe, `/dev/null`, a test.
pub fn lock_terminal() -> TerminalLock {
    lock(std::io::stdin().as_fd())
}

/// [`lock_terminal`] on any terminal.
pub fn lock(fd: BorrowedFd<'_>) -> TerminalLock {
    let mut done = TerminalLock::default();
    let Ok(mut modes) = termios::tcgetattr(fd) else {
        return done;
    };
    modes.local_flags.remove(LocalFlags::ISIG);
    modes.input_flags.remove(InputFlags::IXON);
    done.signals_off = termios::tcsetattr(fd, SetArg::TCSANOW, &modes).is_ok();
    if !done.signals_off {
        tracing::warn!("kiosk terminal: cannot turn its signal keys off");
    }
    let raw = fd.as_raw_fd();
    // SAFETY: plain integer ioctls on a descriptor we hold; a terminal that is not a virtual
    // terminal (a pty, a serial console) answers ENOTTY/EINVAL and nothing changes.
    unsafe {
        done.keyboard_off = kd_set_keyboard_mode(raw, K_OFF).is_ok();
        if done.keyboard_off {
            let _ = kd_set_mode(raw, KD_GRAPHICS);
            done.switch_locked = vt_lock_switch(raw).is_ok();
        }
    }
    tracing::info!(
        "kiosk terminal: signal keys {}, keyboard {}, terminal switching {}",
        if done.signals_off { "off" } else { "unchanged" },
        if done.keyboard_off {
            "off"
        } else {
            "not a virtual terminal"
        },
        if done.switch_locked {
            "locked"
        } else {
            "not locked"
        },
    );
    done
}
