//! CSV: a header row of stable column names, plain values (ISO dates, dot decimals).

use super::{Body, Report, Value};
use anyhow::Result;
use std::io::Write;

pub fn write(report: &Report, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    match &report.body {
        Body::Record(fields) => {
            let all: Vec<&(String, Value)> = report.params.iter().chain(fields).collect();
            writer.write_record(all.iter().map(|(key, _)| key.as_str()))?;
            writer.write_record(all.iter().map(|(_, value)| value.plain()))?;
        }
        Body::Rows { columns, rows } => {
            writer.write_record(columns)?;
            for row in rows {
                writer.write_record(row.iter().map(Value::plain))?;
            }
        }
    }
    writer.flush()?;
    Ok(())
}
