//! Spreadsheet inputs (.xlsx, .xlsm, .xls, .ods): one sheet turned into the CSV text every
//! other reader of the tool already reads, its cells written by type.
//!
//! The seam is narrow on purpose: a sheet row becomes one CSV line at the same line number
//! (an empty row an empty line), so header mapping, presets, `--col`, the row scanners and
//! every problem's location work as for CSV. Typed cells are written as the CSV readers
//! expect them: a date as `2025-03-01`, a date-time as an RFC 3339 instant in UTC, a whole
//! number without `.0`, a formula as its cached value. An error cell (`#N/A`) in a column the
//! tool reads makes its row a bad row, told with the cell reference.

mod cells;
mod writer;

pub use cells::{column_letters, number, CellText};

use crate::input::encoding::TextEncoding;
use crate::input::headers::Role;
use crate::input::lines::Counting;
use crate::input::options::ReadOptions;
use crate::input::problems::Problem;
use crate::input::source::{csv_builder, Dialect, InputPath, OpenedCsv, SAMPLE_BYTES};
use crate::input_error;
use anyhow::Context;
use anyhow::Result;
use calamine::{Ods, Reader, Xls, Xlsx};
use std::io::{BufReader, Cursor, Read, Seek};
use std::sync::Arc;
use writer::SheetWriter;

/// A sheet may declare at most this many cells whatever the file's size...
pub(crate) const DECLARED_CELLS_FLOOR: u64 = 1 << 24;
/// ...and beyond it at most this many cells per byte of the file.
pub(crate) const DECLARED_CELLS_PER_BYTE: u64 = 1_000;
/// The CSV text of a sheet may reach this many bytes whatever the file's size...
pub(crate) const TEXT_FLOOR: u64 = 256 << 20;
/// ...and beyond it this many times the file's size (shared strings repeat text).
pub(crate) const TEXT_PER_BYTE: u64 = 100;

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

/// Opens a spreadsheet's sheet as CSV text (see [`crate::input::sheet`]): a file on disk is
/// read in place, a stream or a gzip-compressed workbook first buffered whole (a workbook is
/// a zip archive, read from its end).
pub fn open(
    input: &InputPath,
    opts: &ReadOptions,
    role: Role,
    magic: Magic,
    mut stream: Box<dyn Read + Send>,
    gzip: bool,
) -> Result<OpenedCsv> {
    let name = input.display();
    let bytes = if gzip || input.is_stream() {
        let mut buffer = Vec::new();
        stream
            .read_to_end(&mut buffer)
            .with_context(|| format!("{name}: cannot read"))?;
        Bytes::Memory(buffer.into())
    } else {
        drop(stream);
        Bytes::File(input.path.clone())
    };
    let sheet = read_sheet(name, &bytes, magic, input.sheet.as_deref(), role, opts)?;
    drop(bytes);
    let label = format!("{name}#{}", sheet.info.name);
    input.set_label(label.clone());
    let mut bad_rows = sheet.problems;
    for problem in &mut bad_rows {
        problem.file = label.clone();
    }
    let csv = sheet.csv;
    let cut = csv.len().min(SAMPLE_BYTES);
    let sample = match memchr::memrchr(b'\n', &csv[..cut]) {
        _ if cut == csv.len() => csv.clone(),
        Some(end) => csv[..=end].to_vec(),
        None => Vec::new(),
    };
    let stream: Box<dyn Read + Send> = Box::new(Cursor::new(csv));
    let (stream, lines) = Counting::watching(stream, b',', opts.max_record);
    Ok(OpenedCsv {
        reader: csv_builder(b',').has_headers(true).from_reader(stream),
        dialect: Dialect {
            delimiter: b',',
            delimiter_sniffed: false,
            gzip,
            bom: false,
            read_as: TextEncoding::Utf8,
            encoding: TextEncoding::Utf8.label(),
            prefix: 0,
            sheet: Some(sheet.info),
        },
        lines,
        notes: Vec::new(),
        sample,
        bad_rows,
    })
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
            let book: Xls<RS> = Xls::new(open()?).map_err(|e| {
                input_error!("{name}: an OLE document that is not a readable .xls workbook ({e}); an encrypted workbook must be saved without a password")
            })?;
            read_whole_sheet(name, book, wanted, out).map(|sheet| ("xls", sheet))
        }
        Magic::Zip => {
            check_shared_strings(name, open()?)?;
            let xlsx = Xlsx::new(open()?);
            read_zip(name, xlsx, open, wanted, out)
        }
    }
}

/// An .xlsx/.xlsm workbook read cell by cell, else an .ods one.
fn read_zip<RS: Read + Seek>(
    name: &str,
    xlsx: Result<Xlsx<RS>, calamine::XlsxError>,
    open: impl Fn() -> Result<RS>,
    wanted: Option<&str>,
    out: &mut SheetWriter,
) -> Result<(&'static str, String)> {
    match xlsx {
        Ok(mut book) => {
            let sheet = choose(name, book.sheet_names(), wanted)?;
            let cannot =
                |e: calamine::XlsxError| input_error!("{name}: sheet {sheet:?}: cannot read: {e}");
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
            let book: Ods<RS> = Ods::new(open()?).map_err(|_| {
                    input_error!("{name}: a zip archive that is not a workbook ({xlsx_error}); the tool reads CSV, .xlsx, .xlsm, .xls and .ods")
                })?;
            read_whole_sheet(name, book, wanted, out).map(|sheet| ("ods", sheet))
        }
    }
}

/// The sheet `wanted` (or the first) of a workbook calamine reads only as a whole range
/// (.xls, .ods), written out; returns the sheet's name.
fn read_whole_sheet<RS: Read + Seek, B: Reader<RS>>(
    name: &str,
    mut book: B,
    wanted: Option<&str>,
    out: &mut SheetWriter,
) -> Result<String>
where
    B::Error: std::fmt::Display,
{
    let sheet = choose(name, book.sheet_names(), wanted)?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| input_error!("{name}: sheet {sheet:?}: cannot read: {e}"))?;
    out.range(&sheet, &range)?;
    Ok(sheet)
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
