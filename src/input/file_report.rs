//! What every input yields besides its rows: its header as text, and what `check` shows of it.

use crate::input::decimal::CostReading;
use crate::input::headers::{HeaderMap, Role};
use crate::input::source::Dialect;
use anyhow::{Context, Result};

/// What `check` shows about one input file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub role: Role,
    pub dialect: Dialect,
    pub header: HeaderMap,
    /// Data rows read (the header excluded).
    pub rows: u64,
    /// How the inventory's costs were read, when it has a cost column.
    pub costs: Option<CostReading>,
}

/// Reads the header row of an opened CSV as text.
pub fn read_headers<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    file: &str,
) -> Result<Vec<String>> {
    let headers = reader
        .byte_headers()
        .with_context(|| format!("{file}: cannot read the header row"))?;
    Ok(headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_string())
        .collect())
}
