//! Bad rows and values: counted always, the first few kept for stderr, fatal under `--strict`.

use crate::input_error;
use anyhow::Result;
use std::fmt;

/// Said of the first value in a file that is not UTF-8; the row still counts.
pub const NOT_UTF8: &str = "not valid UTF-8, shown with \u{FFFD} (the row still counts); if the file is Latin-1 or Windows-1252, pass --encoding windows-1252";

/// How many problems are kept word for word; the rest are only counted.
const KEEP: usize = 10;
/// Long values are cut in messages so one bad megabyte field cannot flood the terminal.
const VALUE_CHARS: usize = 60;

/// One bad row or value, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// Physical line in the file, the header being line 1.
    pub line: u64,
    /// The line the row ends on, when it runs over several.
    pub last_line: Option<u64>,
    pub column: Option<String>,
    pub value: Option<String>,
    /// What is wrong and what was done about it.
    pub message: String,
}

impl Problem {
    /// Moves the problem `lines` lines down (for a part read from mid-file).
    pub fn shift(&mut self, lines: u64) {
        self.line += lines;
        if let Some(last) = &mut self.last_line {
            *last += lines;
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:", self.file, self.line)?;
        match (&self.column, &self.value) {
            (Some(column), Some(value)) => {
                write!(f, " column {column:?}, value {:?}:", shorten(value))?
            }
            (Some(column), None) => write!(f, " column {column:?}:")?,
            (None, Some(value)) => write!(f, " value {:?}:", shorten(value))?,
            (None, None) => {}
        }
        write!(f, " {}", self.message)?;
        if let Some(last) = self.last_line {
            write!(
                f,
                " (this row runs from line {} to line {last}: a quote left open may have joined those lines into one row)",
                self.line
            )?;
        }
        Ok(())
    }
}

fn shorten(value: &str) -> String {
    if value.chars().count() <= VALUE_CHARS {
        value.to_string()
    } else {
        let head: String = value.chars().take(VALUE_CHARS).collect();
        format!("{head}…")
    }
}

/// The problems met while reading, in the order met.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    strict: bool,
    kept: Vec<Problem>,
    total: u64,
    /// Things worth knowing about a file as a whole (an ambiguous header, no data rows):
    /// printed as warnings, never fatal, never counted as bad rows.
    notes: Vec<String>,
}

impl Problems {
    pub fn new(strict: bool) -> Problems {
        Problems {
            strict,
            ..Problems::default()
        }
    }

    /// Records a problem; under `--strict` it becomes the error that stops the run.
    pub fn record(&mut self, problem: Problem) -> Result<()> {
        if self.strict {
            return Err(input_error!("{problem} (--strict)"));
        }
        self.total += 1;
        if self.kept.len() < KEEP {
            self.kept.push(problem);
        }
        Ok(())
    }

    pub fn note(&mut self, note: String) {
        self.notes.push(note);
    }

    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn kept(&self) -> &[Problem] {
        &self.kept
    }

    /// Adds another reader's problems after ours (file order is kept by merging in order).
    pub fn merge(&mut self, other: Problems) {
        self.total += other.total;
        self.notes.extend(other.notes);
        let room = KEEP.saturating_sub(self.kept.len());
        self.kept.extend(other.kept.into_iter().take(room));
    }

    /// Forgets a problem recorded already: it is no longer counted, and no longer kept if
    /// it was (`kept_at`, its place among the kept ones). For a warning told once a file
    /// that a part read beside others told again (see `analysis::once_only`).
    pub fn take_back(&mut self, kept_at: Option<usize>) {
        self.total -= 1;
        if let Some(at) = kept_at {
            self.kept.remove(at);
        }
    }

    /// The same problems with line numbers moved down by `lines` (for a part read from mid-file).
    pub fn shifted(mut self, lines: u64) -> Problems {
        for problem in &mut self.kept {
            problem.shift(lines);
        }
        self
    }

    /// Writes the kept problems as warnings, and how many more there were.
    pub fn print_warnings(&self) {
        for note in &self.notes {
            crate::messages::warning(note);
        }
        for problem in &self.kept {
            crate::messages::warning(problem);
        }
        let hidden = self.total - self.kept.len() as u64;
        if hidden > 0 {
            crate::messages::warning(format_args!(
                "… and {hidden} more problems like these (run `check` to see the inputs' health)"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(line: u64) -> Problem {
        Problem {
            file: "events.csv".into(),
            line,
            last_line: None,
            column: Some("Timestamp".into()),
            value: Some("not-a-date".into()),
            message: "cannot read the time; row skipped".into(),
        }
    }

    #[test]
    fn message_names_file_line_column_and_value() {
        assert_eq!(
            problem(57).to_string(),
            "events.csv:57: column \"Timestamp\", value \"not-a-date\": cannot read the time; row skipped"
        );
    }

    #[test]
    fn keeps_the_first_few_and_counts_all() {
        let mut problems = Problems::new(false);
        for line in 0..25 {
            problems.record(problem(line)).unwrap();
        }
        assert_eq!(problems.total(), 25);
        assert_eq!(problems.kept().len(), KEEP);
        assert_eq!(problems.kept()[0].line, 0);
    }

    #[test]
    fn strict_turns_the_first_into_an_error() {
        let mut problems = Problems::new(true);
        let err = problems.record(problem(3)).unwrap_err();
        assert!(err.to_string().contains("events.csv:3"));
    }

    #[test]
    fn long_values_are_cut() {
        let mut p = problem(2);
        p.value = Some("x".repeat(10_000));
        assert!(p.to_string().len() < 200);
    }
}
