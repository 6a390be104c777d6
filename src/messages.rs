//! Messages for the person at the terminal, on stderr: warnings, notes and errors. A failed
//! write to stderr (a closed or full stream) is ignored rather than a panic, as `eprintln!`
//! would: the figures on stdout and the exit code still stand.

use std::fmt;
use std::io::Write;

/// Writes one line to stderr, ignoring a failure to write it.
pub fn line(args: fmt::Arguments) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_fmt(args)
        .and_then(|()| stderr.write_all(b"\n"));
}

/// `eprintln!` that never panics: see [`line`].
#[macro_export]
macro_rules! message {
    ($($arg:tt)*) => {
        $crate::messages::line(format_args!($($arg)*))
    };
}
