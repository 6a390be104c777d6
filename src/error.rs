//! Exit codes, in one place: every way the program ends maps to one of three.
//!
//! There is one kind of error: whatever stops a run (a missing file, a bad option value, an
//! unusable input, a `--strict` bad row, an I/O failure) exits 2 with a one-line message on
//! stderr. A closed stdout is not an error: the reader went away, as `| head` does.

use std::io;

/// How a run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything went as asked (also when stdout was closed early).
    Success,
    /// The report was written but a `--fail-if-*` gate was breached.
    GateBreached,
    /// Bad usage or unusable input; nothing (or not everything) was written.
    UsageOrInput,
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::GateBreached => 1,
            Exit::UsageOrInput => 2,
        }
    }

    /// How a run that failed with `err` ends.
    pub fn of_error(err: &anyhow::Error) -> Exit {
        if is_broken_pipe(err) {
            Exit::Success
        } else {
            Exit::UsageOrInput
        }
    }
}

/// An error with a complete one-line message (file, line, column and value where they
/// exist). Every error exits 2; the macro only keeps the messages in one style.
#[macro_export]
macro_rules! input_error {
    ($($arg:tt)*) => {
        anyhow::anyhow!($($arg)*)
    };
}

/// True when the error (anywhere in its chain) is a closed stdout pipe.
///
/// `csv::Error` and `serde_json::Error` hide their `io::Error` from `source()`, so they are
/// matched by kind too.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        if let Some(io_err) = cause.downcast_ref::<io::Error>() {
            return io_err.kind() == io::ErrorKind::BrokenPipe;
        }
        if let Some(json_err) = cause.downcast_ref::<serde_json::Error>() {
            return json_err.io_error_kind() == Some(io::ErrorKind::BrokenPipe);
        }
        if let Some(csv_err) = cause.downcast_ref::<csv::Error>() {
            if let csv::ErrorKind::Io(io_err) = csv_err.kind() {
                return io_err.kind() == io::ErrorKind::BrokenPipe;
            }
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_end_has_its_code() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::GateBreached.code(), 1);
        assert_eq!(Exit::UsageOrInput.code(), 2);
    }

    #[test]
    fn a_closed_pipe_is_success_in_every_wrapping() {
        let closed = || io::Error::new(io::ErrorKind::BrokenPipe, "closed");
        let csv_err = anyhow::Error::new(csv::Error::from(closed()));
        let json_err = anyhow::Error::new(serde_json::Error::io(closed()));
        let plain = anyhow::Error::new(closed()).context("writing the report");
        for err in [csv_err, json_err, plain] {
            assert_eq!(Exit::of_error(&err), Exit::Success, "{err:#}");
        }
    }

    #[test]
    fn every_other_error_is_usage_or_input() {
        let err = input_error!("events.csv: no such file");
        assert_eq!(Exit::of_error(&err), Exit::UsageOrInput);
        let io_err = anyhow::Error::new(io::Error::other("disk full"));
        assert_eq!(Exit::of_error(&io_err), Exit::UsageOrInput);
    }
}
