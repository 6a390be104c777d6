//! Cells, in row order, written as CSV lines numbered as the sheet's rows; the header row
//! mapped to learn which columns the tool reads, the sheet's size kept within bounds.

use super::cells::{column_letters, CellText};
use super::{DECLARED_CELLS_FLOOR, DECLARED_CELLS_PER_BYTE, TEXT_FLOOR, TEXT_PER_BYTE};
use crate::input::headers::{HeaderMap, Role};
use crate::input::options::ReadOptions;
use crate::input::problems::Problem;
use crate::input_error;
use anyhow::Result;
use calamine::{Data, Range};

/// Writes cells, in row order, as CSV lines numbered as the sheet's rows.
pub struct SheetWriter<'a> {
    name: &'a str,
    file_size: u64,
    role: Role,
    opts: &'a ReadOptions,
    pub csv: Vec<u8>,
    /// Lines written so far (the next row written is row `lines` from 0).
    lines: u32,
    /// The row being gathered and its cells.
    row: Option<u32>,
    cells: Vec<(u32, CellText)>,
    /// The columns the tool reads, once the header row was seen.
    used: Option<Vec<(usize, String)>>,
    /// The header row's width: a row ending in empty cells is given its empty fields, as
    /// a CSV export writes them.
    width: u32,
    pub problems: Vec<Problem>,
}

impl<'a> SheetWriter<'a> {
    pub fn new(name: &'a str, file_size: u64, role: Role, opts: &'a ReadOptions) -> Self {
        SheetWriter {
            name,
            file_size,
            role,
            opts,
            csv: Vec::new(),
            lines: 0,
            row: None,
            cells: Vec::new(),
            used: None,
            width: 0,
            problems: Vec::new(),
        }
    }

    /// Refuses a sheet declaring far more cells than a file of its size could hold: a known way
    /// to make a reader allocate gigabytes before it has read a cell.
    pub fn check_dimensions(&self, sheet: &str, dims: calamine::Dimensions) -> Result<()> {
        let declared = dims.len();
        let allowed =
            DECLARED_CELLS_FLOOR.max(self.file_size.saturating_mul(DECLARED_CELLS_PER_BYTE));
        if declared > allowed {
            let (r0, c0) = dims.start;
            let (r1, c1) = dims.end;
            return Err(input_error!(
                "{}: sheet {sheet:?} declares the range {}{}:{}{} ({declared} cells), absurd for a file of {} bytes; refused (re-save the sheet from the spreadsheet program, or export CSV)",
                self.name,
                column_letters(c0),
                r0 + 1,
                column_letters(c1),
                r1 + 1,
                self.file_size
            ));
        }
        Ok(())
    }

    pub fn range(&mut self, sheet: &str, range: &Range<Data>) -> Result<()> {
        let Some((r0, c0)) = range.start() else {
            return self.finish(sheet);
        };
        for (i, row) in range.rows().enumerate() {
            for (j, value) in row.iter().enumerate() {
                let cell = CellText::of(value);
                if cell != CellText::Empty {
                    self.cell(sheet, r0 + i as u32, c0 + j as u32, cell)?;
                }
            }
        }
        self.finish(sheet)
    }

    /// Takes a cell; cells come row by row, left to right.
    pub fn cell(&mut self, sheet: &str, row: u32, col: u32, value: CellText) -> Result<()> {
        if value == CellText::Empty {
            return Ok(());
        }
        if self.row != Some(row) {
            self.flush_row(sheet)?;
            self.row = Some(row);
        }
        self.cells.push((col, value));
        Ok(())
    }

    pub fn finish(&mut self, sheet: &str) -> Result<()> {
        self.flush_row(sheet)
    }

    /// Writes the row gathered on its own line, after empty lines for the rows between.
    fn flush_row(&mut self, sheet: &str) -> Result<()> {
        let Some(row) = self.row.take() else {
            return Ok(());
        };
        let mut cells = std::mem::take(&mut self.cells);
        cells.sort_by_key(|c| c.0);
        while self.lines < row {
            self.csv.push(b'\n');
            self.lines += 1;
        }
        if self.used.is_none() {
            self.header_row(&cells);
        } else if let Some(problem) = self.error_in_used_column(sheet, row, &cells) {
            // The row is bad: its line stays empty, so the rows after it keep their numbers.
            self.problems.push(problem);
            cells.clear();
        }
        let mut col = 0;
        for (c, value) in &cells {
            while col < *c {
                self.csv.push(b',');
                col += 1;
            }
            write_field(&mut self.csv, value.as_str());
        }
        if !cells.is_empty() {
            while col + 1 < self.width {
                self.csv.push(b',');
                col += 1;
            }
        }
        self.csv.push(b'\n');
        self.lines += 1;
        let allowed = TEXT_FLOOR.max(self.file_size.saturating_mul(TEXT_PER_BYTE));
        if self.csv.len() as u64 > allowed {
            return Err(input_error!(
                "{}: sheet {sheet:?} expands past {} MiB of text by row {}, absurd for a file of {} bytes; refused",
                self.name,
                allowed >> 20,
                row + 1,
                self.file_size
            ));
        }
        self.cells = cells;
        self.cells.clear();
        Ok(())
    }

    /// Maps the header row as the input's reader will, to learn which columns it reads.
    fn header_row(&mut self, cells: &[(u32, CellText)]) {
        let width = cells.last().map_or(0, |c| c.0 as usize + 1);
        self.width = width as u32;
        let mut headers = vec![String::new(); width];
        for (c, value) in cells {
            headers[*c as usize] = value.as_str().trim().to_string();
        }
        let used = match HeaderMap::build(self.role, &headers, &self.opts.overrides) {
            Ok(map) => map
                .matches
                .iter()
                .filter_map(|m| m.column)
                .map(|c| (c, headers[c].clone()))
                .collect(),
            // The input's reader tells why, with the same words.
            Err(_) => Vec::new(),
        };
        self.used = Some(used);
    }

    fn error_in_used_column(
        &self,
        sheet: &str,
        row: u32,
        cells: &[(u32, CellText)],
    ) -> Option<Problem> {
        let used = self.used.as_ref()?;
        cells.iter().find_map(|(c, value)| {
            let CellText::Error(code) = value else {
                return None;
            };
            let (_, header) = used.iter().find(|(u, _)| *u == *c as usize)?;
            Some(Problem {
                file: self.name.to_string(),
                line: u64::from(row) + 1,
                last_line: None,
                column: Some(header.clone()),
                value: Some(code.clone()),
                message: format!(
                    "error cell {}{} in sheet {sheet:?} (a formula that failed in the spreadsheet); row skipped",
                    column_letters(*c),
                    row + 1
                ),
            })
        })
    }
}

/// Writes one CSV field, quoted when it holds a delimiter or a quote.
fn write_field(out: &mut Vec<u8>, value: &str) {
    if value.contains([',', '"']) {
        out.push(b'"');
        out.extend_from_slice(value.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_holding_a_delimiter_or_a_quote_are_quoted() {
        let mut out = Vec::new();
        write_field(&mut out, "say \"hi\", then");
        assert_eq!(out, b"\"say \"\"hi\"\", then\"");
    }
}
