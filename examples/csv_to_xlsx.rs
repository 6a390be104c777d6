//! Writes a CSV file as a one-sheet .xlsx workbook with typed cells, for trying spreadsheet
//! inputs at scale (docs/benchmark.md, "Spreadsheets"): a value shaped
//! `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DD` becomes a date-time or date cell, a plain number a
//! number cell, anything else text.
//!
//! ```text
//! cargo run --release --example generate -- --events 1000000 --clean --out /tmp/big
//! cargo run --release --example csv_to_xlsx -- /tmp/big/events.csv /tmp/big/events.xlsx
//! ```

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: csv_to_xlsx IN.csv OUT.xlsx");
        return ExitCode::from(2);
    };
    match convert(input, output) {
        Ok(rows) => {
            eprintln!("{output}: {rows} rows");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("csv_to_xlsx: {e}");
            ExitCode::FAILURE
        }
    }
}

fn convert(input: &str, output: &str) -> Result<u32, Box<dyn std::error::Error>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(input)?;
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let sheet = book.add_worksheet();
    let mut row = 0u32;
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        for (col, value) in record.iter().enumerate() {
            let col = col as u16;
            match serial(value) {
                Some((serial, whole_day)) if row > 0 => {
                    let format = if whole_day { &date } else { &stamp };
                    sheet.write_number_with_format(row, col, serial, format)?;
                }
                _ if row > 0 && is_plain_number(value) => {
                    sheet.write_number(row, col, value.parse::<f64>()?)?;
                }
                _ if value.is_empty() => {}
                _ => {
                    sheet.write_string(row, col, value)?;
                }
            }
        }
        row += 1;
        if row == 1_048_576 {
            return Err(Box::new(XlsxError::RowColumnLimitError));
        }
    }
    book.save(output)?;
    Ok(row)
}

fn is_plain_number(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with('0')
        && value.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && value.parse::<f64>().is_ok()
}

/// Excel's serial for `YYYY-MM-DD[THH:MM:SSZ]`, and whether it is a whole day.
fn serial(value: &str) -> Option<(f64, bool)> {
    let b = value.as_bytes();
    let num = |r: std::ops::Range<usize>| value.get(r)?.parse::<i64>().ok();
    if !(b.len() == 10 || b.len() == 20 && b[10] == b'T' && b[19] == b'Z') || b[4] != b'-' {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let days = days_from_civil(y, m, d) + 25_569;
    if b.len() == 10 {
        return Some((days as f64, true));
    }
    let secs = num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?;
    Some((days as f64 + secs as f64 / 86_400.0, false))
}

/// Days from 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
