//! Everything for the person at the terminal, on stderr: warnings, notes, gate breaches and
//! errors. `-q` silences warnings and notes (decided once, for the run); errors and breached
//! gates always print. A failed write to stderr (a closed or full stream) is ignored rather
//! than a panic, as `eprintln!` would: the figures on stdout and the exit code still stand.

use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);

/// `-q`: warnings, notes and the progress bar stay silent from now on.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// True under `-q`.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// `warning: …`, unless `-q`.
pub fn warning(text: impl fmt::Display) {
    if !quiet() {
        line(format_args!("warning: {text}"));
    }
}

/// `note: …`, unless `-q`.
pub fn note(text: impl fmt::Display) {
    if !quiet() {
        line(format_args!("note: {text}"));
    }
}

/// `gate breached: …`, always: CI reads why it failed.
pub fn gate_breached(text: impl fmt::Display) {
    line(format_args!("gate breached: {text}"));
}

/// `error: …`, always.
pub fn error(text: impl fmt::Display) {
    line(format_args!("error: {text}"));
}

/// Writes one line to stderr, ignoring a failure to write it.
pub fn line(args: fmt::Arguments) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_fmt(args)
        .and_then(|()| stderr.write_all(b"\n"));
}
