//! Exit codes and the error kinds that choose them, in one place.

use std::fmt;
use std::io;

/// Everything went as asked.
pub const EXIT_OK: u8 = 0;
/// The report was written but a `--fail-if-*` gate was breached.
pub const EXIT_GATE: u8 = 1;
/// Bad usage or unusable input: missing file, missing column, bad option value, `--strict` bad row.
pub const EXIT_USAGE: u8 = 2;

/// A problem with what the user asked for or gave us, as opposed to a bug.
///
/// Kept as its own type so `main` can tell it apart from other failures; the
/// message is complete on its own (file, line, column, value where they exist).
#[derive(Debug)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// Shorthand for returning an [`InputError`] from a function that returns `anyhow::Result`.
#[macro_export]
macro_rules! input_error {
    ($($arg:tt)*) => {
        anyhow::Error::new($crate::error::InputError(format!($($arg)*)))
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

/// The exit code for an error that reached `main`.
pub fn exit_code_for(err: &anyhow::Error) -> u8 {
    if is_broken_pipe(err) {
        EXIT_OK
    } else {
        EXIT_USAGE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pipe_inside_csv_error_is_recognised() {
        let io_err = io::Error::new(io::ErrorKind::BrokenPipe, "closed");
        let csv_err = csv::Error::from(io_err);
        assert!(is_broken_pipe(&anyhow::Error::new(csv_err)));
    }

    #[test]
    fn input_errors_exit_with_two() {
        let err = input_error!("no such column");
        assert_eq!(exit_code_for(&err), EXIT_USAGE);
        assert!(err.downcast_ref::<InputError>().is_some());
    }
}
