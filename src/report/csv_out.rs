//! CSV: a header row of stable column names, plain values (ISO dates, dot decimals).
//!
//! Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
//! first) is prefixed with `'` unless `--raw-csv`: titles and owners come from exports that
//! anyone may have typed into. Numbers the tool computed are never touched.

use super::{Body, Report, Value};
use anyhow::Result;
use std::io::Write;

pub fn write(report: &Report, raw: bool, out: &mut dyn Write) -> Result<()> {
    let cell = |value: &Value| match value {
        Value::Text(text) if !raw => neutralise(text),
        other => other.plain(),
    };
    let mut writer = csv::Writer::from_writer(out);
    match &report.body {
        Body::Record(fields) => {
            let all: Vec<&(String, Value)> = report.params.iter().chain(fields).collect();
            writer.write_record(all.iter().map(|(key, _)| key.as_str()))?;
            writer.write_record(all.iter().map(|(_, value)| cell(value)))?;
        }
        Body::Rows { columns, rows } => {
            writer.write_record(columns)?;
            for row in rows {
                writer.write_record(row.iter().map(cell))?;
            }
        }
    }
    writer.flush()?;
    Ok(())
}

/// `=1+1` -> `'=1+1`; other text unchanged.
pub fn neutralise(text: &str) -> String {
    if needs_neutralising(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A spreadsheet would read `text` as a formula (see [`neutralise`]).
pub fn needs_neutralising(text: &str) -> bool {
    matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Report;

    #[test]
    fn formulas_are_neutralised_but_numbers_are_not() {
        let report = Report::rows(
            Vec::new(),
            &["title", "delta"],
            vec![
                vec![Value::text("=HYPERLINK(\"x\")"), Value::Int(-3)],
                vec![Value::text("-minus"), Value::Num(-0.5)],
                vec![Value::text("@sum"), Value::Null],
                vec![Value::text("plain"), Value::Int(4)],
            ],
        );
        let mut out = Vec::new();
        write(&report, false, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "title,delta\n\"'=HYPERLINK(\"\"x\"\")\",-3\n'-minus,-0.5\n'@sum,\nplain,4\n"
        );
        let mut raw = Vec::new();
        write(&report, true, &mut raw).unwrap();
        assert!(String::from_utf8(raw).unwrap().contains("\n-minus,-0.5\n"));
    }
}
