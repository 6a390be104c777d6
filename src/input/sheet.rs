//! Spreadsheet inputs (.xlsx, .xlsm, .xls, .ods): one sheet turned into the CSV text every
//! other reader of the tool already reads, its cells written by type.
//!
//! The seam is narrow on purpose: a sheet row becomes one CSV line at the same line number
//! (an empty row an empty line), so header mapping, presets, `--col`, the row scanners and
//! every problem's location work as for CSV. Typed cells are written as the CSV readers
//! expect them: a date as `2025-03-01`, a date-time as an RFC 3339 instant in UTC, a whole
//! number without `.0`, a formula as its cached value. An error cell (`#N/A`) in a column the
//! tool reads makes its row a bad row, told with the cell reference.

use crate::input::headers::{HeaderMap, Role};
use crate::input::options::ReadOptions;
use crate::input::problems::Problem;
use crate::input_error;
use anyhow::Result;
use calamine::{Data, DataRef, Ods, Range, Reader, Xls, Xlsx};
use std::io::{BufReader, Cursor, Read, Seek};
use std::sync::Arc;

/// A sheet may declare at most this many cells whatever the file's size...
const DECLARED_CELLS_FLOOR: u64 = 1 << 24;
/// ...and beyond it at most this many cells per byte of the file.
const DECLARED_CELLS_PER_BYTE: u64 = 1_000;
/// The CSV text of a sheet may reach this many bytes whatever the file's size...
const TEXT_FLOOR: u64 = 256 << 20;
/// ...and beyond it this many times the file's size (shared strings repeat text).
const TEXT_PER_BYTE: u64 = 100;

/// What the first bytes say an input is, when it is not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magic {
    /// A zip archive: an .xlsx, .xlsm or .ods workbook, or any other zip.
    Zip,
    /// An OLE compound document: an .xls workbook (or an encrypted .xlsx).
    Ole,
}

impl Magic {
    pub fn of(head: &[u8]) -> Option<Magic> {
        if head.starts_with(b"PK\x03\x04") {
            Some(Magic::Zip)
        } else if head.starts_with(b"\xD0\xCF\x11\xE0") {
            Some(Magic::Ole)
        } else {
            None
        }
    }
}

/// Which sheet of which kind of workbook an input was read from (shown by `check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    /// `xlsx` (also .xlsm), `xls` or `ods`.
    pub kind: &'static str,
    pub name: String,
}

/// A sheet read as CSV text.
pub struct SheetText {
    pub info: SheetInfo,
    /// UTF-8 CSV, `,`-delimited, `\n`-terminated: line N is the sheet's row N.
    pub csv: Vec<u8>,
    /// Rows dropped for an error cell in a column the tool reads, one problem each (their
    /// lines are left empty in `csv`).
    pub problems: Vec<Problem>,
}

/// Where the workbook's bytes are: a file on disk (read in place) or bytes in memory (a
/// stream, or a gzip-compressed workbook).
pub enum Bytes {
    File(String),
    Memory(Arc<[u8]>),
}

impl Bytes {
    fn size(&self) -> u64 {
        match self {
            Bytes::File(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
            Bytes::Memory(bytes) => bytes.len() as u64,
        }
    }
}

/// Reads sheet `wanted` (the first when `None`) of the workbook in `bytes`, shown as `name`,
/// for an input of `role`.
pub fn read_sheet(
    name: &str,
    bytes: &Bytes,
    magic: Magic,
    wanted: Option<&str>,
    role: Role,
    opts: &ReadOptions,
) -> Result<SheetText> {
    let size = bytes.size();
    let mut out = SheetWriter::new(name, size, role, opts);
    let info = match bytes {
        Bytes::File(path) => {
            let open = || {
                std::fs::File::open(path)
                    .map(BufReader::new)
                    .map_err(|e| input_error!("{name}: cannot read: {e}"))
            };
            read_workbook(name, open, magic, wanted, &mut out)?
        }
        Bytes::Memory(data) => {
            let open = || Ok(Cursor::new(Arc::clone(data)));
            read_workbook(name, open, magic, wanted, &mut out)?
        }
    };
    Ok(SheetText {
        csv: out.csv,
        problems: out.problems,
        info: SheetInfo {
            kind: info.0,
            name: info.1,
        },
    })
}

fn read_workbook<RS: Read + Seek>(
    name: &str,
    open: impl Fn() -> Result<RS>,
    magic: Magic,
    wanted: Option<&str>,
    out: &mut SheetWriter,
) -> Result<(&'static str, String)> {
    match magic {
        Magic::Ole => {
            let mut book: Xls<RS> = Xls::new(open()?).map_err(|e| {
                input_error!("{name}: an OLE document that is not a readable .xls workbook ({e}); an encrypted workbook must be saved without a password")
            })?;
            let sheet = choose(name, book.sheet_names(), wanted)?;
            let range = book
                .worksheet_range(&sheet)
                .map_err(|e| input_error!("{name}: sheet {sheet:?}: cannot read: {e}"))?;
            out.range(&sheet, &range)?;
            Ok(("xls", sheet))
        }
        Magic::Zip => match {
            check_shared_strings(name, open()?)?;
            Xlsx::new(open()?)
        } {
            Ok(mut book) => {
                let sheet = choose(name, book.sheet_names(), wanted)?;
                let cannot = |e: calamine::XlsxError| {
                    input_error!("{name}: sheet {sheet:?}: cannot read: {e}")
                };
                let mut cells = book.worksheet_cells_reader(&sheet).map_err(cannot)?;
                out.check_dimensions(&sheet, cells.dimensions())?;
                while let Some(cell) = cells.next_cell().map_err(cannot)? {
                    let (row, col) = cell.get_position();
                    out.cell(&sheet, row, col, CellText::of_ref(cell.get_value()))?;
                }
                out.finish(&sheet)?;
                Ok(("xlsx", sheet))
            }
            Err(xlsx_error) => {
                let mut book: Ods<RS> = Ods::new(open()?).map_err(|_| {
                    input_error!("{name}: a zip archive that is not a workbook ({xlsx_error}); the tool reads CSV, .xlsx, .xlsm, .xls and .ods")
                })?;
                let sheet = choose(name, book.sheet_names(), wanted)?;
                let range = book
                    .worksheet_range(&sheet)
                    .map_err(|e| input_error!("{name}: sheet {sheet:?}: cannot read: {e}"))?;
                out.range(&sheet, &range)?;
                Ok(("ods", sheet))
            }
        },
    }
}

/// Refuses a workbook whose shared-strings part declares more strings than its bytes can hold
/// (each takes at least `<si/>`, 5 bytes, and deflate packs at most 1,032 bytes into one):
/// calamine reserves room for the declared count before reading one, and a count of 10^11
/// in a tiny file would abort the process.
fn check_shared_strings<R: Read + Seek>(name: &str, reader: R) -> Result<()> {
    let Ok(mut archive) = zip::ZipArchive::new(reader) else {
        return Ok(()); // not a zip calamine can read either: it tells why
    };
    let Some(index) = (0..archive.len()).find(|&i| {
        archive
            .name_for_index(i)
            .is_some_and(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
    }) else {
        return Ok(());
    };
    let Ok(part) = archive.by_index(index) else {
        return Ok(());
    };
    let room = part
        .size()
        .min(part.compressed_size().saturating_mul(1_032))
        / 5
        + 1;
    let mut head = Vec::with_capacity(4096);
    let _ = part.take(4096).read_to_end(&mut head);
    let head = String::from_utf8_lossy(&head);
    let declared = head
        .split("uniqueCount=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|n| n.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > room => Err(input_error!(
            "{name}: its shared-strings part declares {n} strings, more than its bytes can hold (at most {room}); refused"
        )),
        _ => Ok(()),
    }
}

/// The sheet asked for, or the first.
fn choose(name: &str, sheets: Vec<String>, wanted: Option<&str>) -> Result<String> {
    match wanted {
        Some(wanted) => sheets
            .iter()
            .find(|s| *s == wanted)
            .or_else(|| sheets.iter().find(|s| s.eq_ignore_ascii_case(wanted)))
            .cloned()
            .ok_or_else(|| {
                input_error!(
                    "{name}: no sheet named {wanted:?}; its sheets are {}",
                    crate::input::headers::quote_list(&sheets)
                )
            }),
        None => sheets
            .into_iter()
            .next()
            .ok_or_else(|| input_error!("{name}: the workbook has no sheet")),
    }
}

/// A cell as the CSV readers will see it.
#[derive(Debug, Clone, PartialEq)]
pub enum CellText {
    Empty,
    Text(String),
    /// An error cell: its code as Excel shows it (`#N/A`).
    Error(String),
}

impl CellText {
    fn of_ref(value: &DataRef<'_>) -> CellText {
        match value {
            DataRef::SharedString(s) => text(s),
            DataRef::String(s) => text(s),
            DataRef::Int(i) => CellText::Text(i.to_string()),
            DataRef::Float(f) => CellText::Text(number(*f)),
            DataRef::Bool(b) => CellText::Text(if *b { "TRUE" } else { "FALSE" }.into()),
            DataRef::DateTime(d) => CellText::Text(excel_date(d)),
            DataRef::DateTimeIso(s) => CellText::Text(iso_in_utc(s)),
            DataRef::DurationIso(s) => text(s),
            DataRef::Error(e) => CellText::Error(e.to_string()),
            DataRef::Empty => CellText::Empty,
        }
    }

    fn of(value: &Data) -> CellText {
        match value {
            Data::String(s) => text(s),
            Data::Int(i) => CellText::Text(i.to_string()),
            Data::Float(f) => CellText::Text(number(*f)),
            Data::Bool(b) => CellText::Text(if *b { "TRUE" } else { "FALSE" }.into()),
            Data::DateTime(d) => CellText::Text(excel_date(d)),
            Data::DateTimeIso(s) => CellText::Text(iso_in_utc(s)),
            Data::DurationIso(s) => text(s),
            Data::Error(e) => CellText::Error(e.to_string()),
            Data::Empty => CellText::Empty,
        }
    }

    fn as_str(&self) -> &str {
        match self {
            CellText::Empty => "",
            CellText::Text(s) | CellText::Error(s) => s,
        }
    }
}

/// A text cell: a line break typed in a cell (Alt+Enter) is read as a space, so that a sheet
/// row stays one line and every message names the sheet's own row.
fn text(s: &str) -> CellText {
    if s.is_empty() {
        return CellText::Empty;
    }
    if !s.contains(['\n', '\r']) {
        return CellText::Text(s.to_string());
    }
    let joined = s.replace("\r\n", " ").replace(['\n', '\r'], " ");
    CellText::Text(joined)
}

/// A number cell: a whole number (every one, not only in id columns) without `.0`, so an id
/// typed as 12345 is `12345`; others in Rust's shortest form that reads back the same.
pub fn number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A date cell (Excel's 1900 or 1904 system, as the workbook says): a whole serial number is a
/// date, `2025-03-01`; one with a time of day an instant in UTC, `2025-03-01T09:30:00Z`
/// (milliseconds when there are). A duration cell is its number of days.
fn excel_date(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return number(d.as_f64());
    }
    let (y, mo, day, h, mi, s, ms) = d.to_ymd_hms_milli();
    if d.as_f64().fract() == 0.0 {
        return format!("{y:04}-{mo:02}-{day:02}");
    }
    let millis = if ms > 0 {
        format!(".{ms:03}")
    } else {
        String::new()
    };
    format!("{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{s:02}{millis}Z")
}

/// An ISO date or date-time an .ods file gives: a date-time without a zone is read in UTC.
fn iso_in_utc(s: &str) -> String {
    let zoned = s.ends_with('Z') || s.rfind(['+', '-']).is_some_and(|i| i > 10);
    if s.contains('T') && !zoned {
        format!("{s}Z")
    } else {
        s.to_string()
    }
}

/// The column's letters: 0 is `A`, 26 is `AA`.
pub fn column_letters(mut col: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// Writes cells, in row order, as CSV lines numbered as the sheet's rows.
struct SheetWriter<'a> {
    name: &'a str,
    file_size: u64,
    role: Role,
    opts: &'a ReadOptions,
    csv: Vec<u8>,
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
    problems: Vec<Problem>,
}

impl<'a> SheetWriter<'a> {
    fn new(name: &'a str, file_size: u64, role: Role, opts: &'a ReadOptions) -> Self {
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
    fn check_dimensions(&self, sheet: &str, dims: calamine::Dimensions) -> Result<()> {
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

    fn range(&mut self, sheet: &str, range: &Range<Data>) -> Result<()> {
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
    fn cell(&mut self, sheet: &str, row: u32, col: u32, value: CellText) -> Result<()> {
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

    fn finish(&mut self, sheet: &str) -> Result<()> {
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
    fn whole_numbers_lose_their_point_zero() {
        assert_eq!(number(12345.0), "12345");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(1e20), "100000000000000000000");
    }

    #[test]
    fn dates_in_both_systems_and_instants_in_utc() {
        use calamine::{ExcelDateTime, ExcelDateTimeType::DateTime};
        // 2025-03-01 is serial 45717 in the 1900 system, 44255 in the 1904 one.
        assert_eq!(
            excel_date(&ExcelDateTime::new(45717.0, DateTime, false)),
            "2025-03-01"
        );
        assert_eq!(
            excel_date(&ExcelDateTime::new(44255.0, DateTime, true)),
            "2025-03-01"
        );
        let morning = ExcelDateTime::new(45717.0 + 9.5 / 24.0, DateTime, false);
        assert_eq!(excel_date(&morning), "2025-03-01T09:30:00Z");
    }

    #[test]
    fn columns_are_lettered_as_excel_does() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
    }

    #[test]
    fn ods_date_times_are_read_in_utc() {
        assert_eq!(iso_in_utc("2025-03-01"), "2025-03-01");
        assert_eq!(iso_in_utc("2025-03-01T09:30:00"), "2025-03-01T09:30:00Z");
        assert_eq!(
            iso_in_utc("2025-03-01T09:30:00+02:00"),
            "2025-03-01T09:30:00+02:00"
        );
    }

    #[test]
    fn line_breaks_in_a_cell_become_spaces() {
        assert_eq!(text("a\r\nb\nc"), CellText::Text("a b c".into()));
        let mut out = Vec::new();
        write_field(&mut out, "say \"hi\", then");
        assert_eq!(out, b"\"say \"\"hi\"\", then\"");
    }
}
