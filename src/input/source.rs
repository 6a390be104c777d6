//! Opening inputs: files or standard input, gzip by magic number, BOM, and the CSV dialect.
//!
//! Every CSV reader of the tool is built here, so all inputs get the same treatment.

use crate::input::encoding::{decode, nuls_alternate, TextEncoding};
use crate::input::gzip::ungzip;
use crate::input::headers::Role;
use crate::input::lines::{Counting, LineIndex};
use crate::input::options::ReadOptions;
use crate::input::problems::Problem;
use crate::input::quotes::RecordTooLong;
use crate::input::sheet::{Magic, SheetInfo};
use crate::input_error;
use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

/// How much of a file is looked at to sniff its dialect.
pub(super) const SAMPLE_BYTES: usize = 64 * 1024;
/// Large reads: the event files are big and read sequentially.
const READ_BUFFER: usize = 256 * 1024;
const CANDIDATE_DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A named input as given on the command line.
#[derive(Debug, Clone)]
pub struct InputPath {
    /// What the user typed (`-` for standard input), without a `#Sheet` suffix.
    pub path: String,
    /// The sheet asked for with `FILE#Sheet name`, for a spreadsheet.
    pub sheet: Option<String>,
    /// The name in messages once a spreadsheet was opened: `FILE#Sheet`.
    label: Arc<OnceLock<String>>,
    /// Standard input, a pipe, a FIFO or a device: what can be read only once, from the
    /// start, so it is opened once and read by one reader.
    stream: bool,
    /// The SHA-256 of a stream's bytes, taken as they are read when asked for (see
    /// [`InputPath::digest`]).
    digest: Arc<OnceLock<String>>,
    /// Set when the input is gzip with zeros after its last member (passed over).
    gzip_padding: Arc<AtomicBool>,
}

impl InputPath {
    /// `path` as typed: `FILE#Sheet name` names a sheet of a spreadsheet (`-#Sheet` on
    /// standard input) unless a file is named so.
    pub fn new(path: &str) -> InputPath {
        let (path, sheet) = match path.rsplit_once('#') {
            Some((file, sheet))
                if !std::path::Path::new(path).exists()
                    && (file == "-" || std::path::Path::new(file).exists()) =>
            {
                (file, Some(sheet.to_string()))
            }
            _ => (path, None),
        };
        let stream =
            path == "-" || std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
        InputPath {
            path: path.to_string(),
            sheet,
            label: Arc::default(),
            stream,
            digest: Arc::default(),
            gzip_padding: Arc::default(),
        }
    }

    pub fn is_stdin(&self) -> bool {
        self.path == "-"
    }

    /// True for what can be read only once (standard input, a pipe, process substitution,
    /// a FIFO): never opened twice, never split, never re-read.
    pub fn is_stream(&self) -> bool {
        self.stream
    }

    /// The SHA-256 (hex) of a stream's bytes as read, once it was read to its end with
    /// `ReadOptions::digest_streams` set.
    pub fn digest(&self) -> Option<&str> {
        self.digest.get().map(String::as_str)
    }

    /// True once reading met zeros after the last gzip member (`gzip -d` passes them over
    /// too; tape archives and preallocated files end so).
    pub fn had_gzip_padding(&self) -> bool {
        self.gzip_padding.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The note for an input read to its end: zeros after its gzip data, if there were.
    pub fn padding_note(&self) -> Option<String> {
        self.had_gzip_padding().then(|| {
            format!(
                "{}: zeros after the end of the gzip data were passed over, as gzip -d does",
                self.display()
            )
        })
    }

    /// Names the input `label` in messages from now on (a spreadsheet: `FILE#Sheet`).
    pub(crate) fn set_label(&self, label: String) {
        let _ = self.label.set(label);
    }

    /// The name used in messages: with its sheet (`FILE#Sheet`) once a spreadsheet was opened.
    pub fn display(&self) -> &str {
        if let Some(label) = self.label.get() {
            label
        } else if self.is_stdin() {
            "<stdin>"
        } else {
            &self.path
        }
    }
}

/// What was learnt about a file while opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub delimiter_sniffed: bool,
    pub gzip: bool,
    pub bom: bool,
    /// What the bytes were read as.
    pub read_as: TextEncoding,
    /// Its name in messages and in `check`: `utf-8`, or what the input was decoded from.
    pub encoding: &'static str,
    /// Bytes before what the csv reader reads: a UTF-8 byte-order mark, Excel's `sep=` line.
    pub prefix: u64,
    /// The workbook and sheet, for a spreadsheet (read as the CSV text of that sheet).
    pub sheet: Option<SheetInfo>,
}

impl Dialect {
    /// `,` `;` `tab` or `|` as a word for messages.
    pub fn delimiter_name(&self) -> String {
        match self.delimiter {
            b'\t' => "tab".to_string(),
            other => (other as char).to_string(),
        }
    }
}

/// An opened input: a CSV reader positioned before the header, its dialect, and where the
/// lines of what it reads begin.
pub struct OpenedCsv {
    pub reader: csv::Reader<Counting<Box<dyn Read + Send>>>,
    pub dialect: Dialect,
    pub lines: LineIndex,
    /// What is worth telling about how the file was read (an encoding detected, a `sep=` line).
    pub notes: Vec<String>,
    /// The first whole lines of the (decoded) text, header first, up to 64 KiB: enough to
    /// decide things about the file before its rows are read.
    pub sample: Vec<u8>,
    /// Rows of a spreadsheet left out for an error cell in a column read: each one a bad
    /// row, to record and count as skipped (their lines read as empty).
    pub bad_rows: Vec<Problem>,
}

impl OpenedCsv {
    /// The next record into `record`, false at the end. A record past `--max-record-size`,
    /// or a quote never closed by the end of the file, is an error naming its line.
    pub fn read_record(&mut self, record: &mut csv::ByteRecord, file: &str) -> Result<bool> {
        read_record(&mut self.reader, &self.lines, record, file, 0)
    }
}

/// Where the data rows of an opened file begin, past its header.
pub struct DataStart {
    /// Offset in the (decompressed) bytes.
    pub byte: u64,
    /// Lines before the first data row (the header, which may itself span lines).
    pub lines_before: u64,
}

impl DataStart {
    pub fn of(opened: &OpenedCsv) -> DataStart {
        let position = opened.reader.position();
        // After a CRLF header the reader may stand on its `\n`: the readers that go on from
        // here skip line ends before a record and count the `\n`s they skip, so the data
        // starts right where the csv reader stands, whatever ended the header.
        let after_header = position.byte();
        let lines_before = opened.lines.newlines_before(after_header);
        DataStart {
            byte: after_header + opened.dialect.prefix,
            lines_before: lines_before.unwrap_or(position.line() - 1),
        }
    }
}

/// Reads the next record of a csv reader whose bytes pass through `lines` (watched, see
/// [`Counting::watching`]), as [`OpenedCsv::read_record`] does; lines are told `lines_before`
/// lines down.
pub fn read_record<R: Read>(
    reader: &mut csv::Reader<R>,
    lines: &LineIndex,
    record: &mut csv::ByteRecord,
    file: &str,
    lines_before: u64,
) -> Result<bool> {
    match reader.read_byte_record(record) {
        Ok(true) => Ok(true),
        Ok(false) => match lines.open_quote_line() {
            Some(line) => Err(unclosed_quote(file, line + lines_before)),
            None => Ok(false),
        },
        Err(err) => Err(read_failure(file, lines_before, err)),
    }
}

/// The error for a quote opened on `line` and still open at the end of `file`.
pub fn unclosed_quote(file: &str, line: u64) -> anyhow::Error {
    input_error!(
        "{file}:{line}: a quote opened on this line is never closed, so every line after it would be read as one value; fix or remove that quote (a quote inside a quoted value is written twice: \"\")"
    )
}

/// The error for a failed read of `file`: a record past the size limit is told at its line
/// (moved `lines_before` lines down), anything else as the reader's error.
pub fn read_failure<E>(file: &str, lines_before: u64, err: E) -> anyhow::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    match RecordTooLong::find(&err) {
        Some(long) => input_error!("{}", long.shifted(lines_before).message(file)),
        None => anyhow::Error::new(err).context(format!("{file}: cannot read")),
    }
}

/// The physical line a record of `lines`' reader starts on, the header being line 1 (the
/// csv crate's own count, one short after a blank line, only for a record of megabytes).
pub fn record_line(record: &csv::ByteRecord, lines: &LineIndex) -> u64 {
    record
        .position()
        .map_or(0, |p| lines.line_at(p.byte()).unwrap_or(p.line()))
}

/// Parses `--delimiter`: one ASCII character, or the word `tab`.
pub fn parse_delimiter(text: &str) -> Result<u8> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() => Ok(t.as_bytes()[0]),
        t => Err(input_error!(
            "--delimiter {t:?}: expected one character such as , ; | or the word tab"
        )),
    }
}

/// Opens `input` of `role` for CSV reading: decompresses gzip, reads a spreadsheet's sheet as
/// CSV text, refuses what is not CSV text, decodes other encodings to UTF-8, drops a
/// byte-order mark, sniffs the delimiter unless `forced`.
pub fn open_csv(input: &InputPath, opts: &ReadOptions, role: Role) -> Result<OpenedCsv> {
    let (forced, encoding) = (opts.delimiter, opts.encoding);
    let name = input.display();
    let raw = open_raw(input, opts.digest_streams)?;
    let cannot_read = || format!("{name}: cannot read");
    let (stream, gzip) = ungzip(raw, Arc::clone(&input.gzip_padding)).with_context(cannot_read)?;
    let (head, stream) = peek(stream, 4).with_context(cannot_read)?;
    if let Some(magic) = Magic::of(&head) {
        return crate::input::sheet::open(input, opts, role, magic, stream, gzip);
    }
    if input.sheet.is_some() {
        return Err(input_error!(
            "{name}: a sheet was asked for (#{}), but this is not a spreadsheet",
            input.sheet.as_deref().unwrap_or_default()
        ));
    }
    let (mut stream, read_as, mut notes) = decode(&head, stream, encoding, name)?;
    let mut sample = read_sample(&mut stream).with_context(cannot_read)?;
    refuse_non_text(name, &sample)?;
    let bom = sample.starts_with(b"\xEF\xBB\xBF");
    if bom {
        sample.drain(..3);
    }
    let excel_sep = excel_separator_line(&sample);
    if let Some((_, len)) = excel_sep {
        sample.drain(..len);
    }
    let (delimiter, delimiter_sniffed) = match (forced, excel_sep) {
        (Some(d), _) => (d, false),
        (None, Some((d, _))) => {
            notes.push(format!(
                "{name}: the first line `sep={}` says the delimiter; read with it and skipped",
                d as char
            ));
            (d, false)
        }
        (None, None) => (sniff_delimiter(&sample), true),
    };
    let prefix = u64::from(bom) * 3 + excel_sep.map_or(0, |(_, len)| len as u64);
    let whole_lines = if sample.len() as u64 + prefix < SAMPLE_BYTES as u64 {
        sample.clone()
    } else {
        sample[..memchr::memrchr(b'\n', &sample).map_or(0, |i| i + 1)].to_vec()
    };
    let stream: Box<dyn Read + Send> = Box::new(Cursor::new(sample).chain(stream));
    let (stream, lines) = Counting::watching(stream, delimiter, opts.max_record);
    if excel_sep.is_some() {
        lines.start_after_lines(1);
    }
    let reader = csv_builder(delimiter).has_headers(true).from_reader(stream);
    Ok(OpenedCsv {
        reader,
        dialect: Dialect {
            delimiter,
            delimiter_sniffed,
            gzip,
            bom,
            read_as,
            encoding: read_as.label(),
            prefix,
            sheet: None,
        },
        lines,
        notes,
        sample: whole_lines,
        bad_rows: Vec::new(),
    })
}

/// Excel's `sep=;` first line (written by Excel in some locales, and by exports meant for
/// it): the delimiter it names, and the line's length with its line end.
fn excel_separator_line(sample: &[u8]) -> Option<(u8, usize)> {
    let rest = sample.strip_prefix(b"sep=")?;
    let (&delimiter, after) = rest.split_first()?;
    let ending = match after {
        [b'\r', b'\n', ..] => 2,
        [b'\n' | b'\r', ..] => 1,
        _ => return None,
    };
    (delimiter.is_ascii() && !matches!(delimiter, b'"' | b'\n' | b'\r'))
        .then_some((delimiter, 5 + ending))
}

/// How every CSV input is read, the delimiter given: a row's field count is checked by the
/// audit, not the reader. Whoever reads part of an input again reads it with this too.
pub fn csv_builder(delimiter: u8) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .delimiter(delimiter)
        .flexible(true)
        .buffer_capacity(READ_BUFFER);
    builder
}

/// The bytes of `input` after decompression, from offset `skip` on: a second reader of a file
/// already opened with [`open_csv`] (not for standard input, which cannot be read twice).
pub fn reopen_at(input: &InputPath, skip: u64) -> Result<Box<dyn Read + Send>> {
    let name = input.display();
    let (mut stream, _) = ungzip(open_raw(input, false)?, Arc::clone(&input.gzip_padding))
        .with_context(|| format!("{name}: cannot read"))?;
    io::copy(&mut (&mut stream).take(skip), &mut io::sink())
        .with_context(|| format!("{name}: cannot read"))?;
    Ok(stream)
}

/// Reads the first `n` bytes and gives back a stream that still starts with them.
fn peek(mut stream: Box<dyn Read + Send>, n: usize) -> io::Result<(Vec<u8>, Box<dyn Read + Send>)> {
    let mut head = vec![0u8; n];
    let got = read_up_to(&mut stream, &mut head)?;
    head.truncate(got);
    let replay = Cursor::new(head.clone());
    Ok((head, Box::new(replay.chain(stream))))
}

/// An empty file or binary data gets its own message rather than a confusing header error.
fn refuse_non_text(name: &str, sample: &[u8]) -> Result<()> {
    if sample.iter().all(u8::is_ascii_whitespace) {
        return Err(input_error!(
            "{name}: the file is empty; expected a header row naming the columns, then one row per record"
        ));
    }
    if looks_binary(sample) {
        let hint = if nuls_alternate(sample) {
            "; if it is UTF-16 text without a byte-order mark, pass --encoding utf-16"
        } else {
            ""
        };
        return Err(input_error!(
            "{name}: this is not CSV text (binary data in its first {} KiB){hint}",
            sample.len().div_ceil(1024)
        ));
    }
    Ok(())
}

/// More than one byte in ten is a control character or not UTF-8 at all. Latin-1 text, with
/// its occasional accented byte, stays well below.
fn looks_binary(sample: &[u8]) -> bool {
    let is_control = |b: &u8| b.is_ascii_control() && !matches!(b, b'\t' | b'\n' | b'\r');
    let mut suspicious = 0;
    let mut rest = sample;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                suspicious += text.bytes().filter(is_control).count();
                break;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                suspicious += rest[..valid].iter().filter(|b| is_control(b)).count();
                let Some(bad) = e.error_len() else { break };
                suspicious += bad;
                rest = &rest[valid + bad..];
            }
        }
    }
    suspicious * 10 > sample.len()
}

fn open_raw(input: &InputPath, digest: bool) -> Result<Box<dyn Read + Send>> {
    if input.is_stdin() {
        return Ok(hashing(Box::new(io::stdin()), input, digest));
    }
    let file =
        File::open(&input.path).map_err(|e| input_error!("{}: {}", input.path, io_reason(&e)))?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(input_error!(
            "{}: is a directory, expected a CSV file",
            input.path
        ));
    }
    let file = Box::new(crate::progress::Counted::new(file));
    Ok(hashing(file, input, digest && input.is_stream()))
}

/// Hashes a stream's bytes as they pass when `digest` is asked, leaving the SHA-256 with the
/// input at the end (a stream cannot be read a second time to hash it).
fn hashing(stream: Box<dyn Read + Send>, input: &InputPath, digest: bool) -> Box<dyn Read + Send> {
    if !digest {
        return stream;
    }
    Box::new(Hashing {
        inner: stream,
        hasher: Some(Sha256::new()),
        slot: Arc::clone(&input.digest),
    })
}

struct Hashing {
    inner: Box<dyn Read + Send>,
    hasher: Option<Sha256>,
    slot: Arc<OnceLock<String>>,
}

impl Read for Hashing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        match (n, self.hasher.take()) {
            (0, Some(hasher)) => {
                let _ = self.slot.set(hex(&hasher.finalize()));
            }
            (_, Some(mut hasher)) => {
                hasher.update(&buf[..n]);
                self.hasher = Some(hasher);
            }
            (_, None) => {}
        }
        Ok(n)
    }
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A short reason for an I/O failure, without Rust's "(os error 2)" noise.
fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    }
}

fn read_sample(stream: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut sample = vec![0u8; SAMPLE_BYTES];
    let got = read_up_to(stream, &mut sample)?;
    sample.truncate(got);
    Ok(sample)
}

/// Fills `buf` as far as the stream allows (a pipe may return short reads).
pub fn read_up_to(stream: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match stream.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Picks the candidate delimiter that splits the sample's lines into the same number of
/// fields most consistently, preferring more fields; `,` when nothing splits the header.
pub fn sniff_delimiter(sample: &[u8]) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for &candidate in &CANDIDATE_DELIMITERS {
        let (consistent, width) = score_delimiter(sample, candidate);
        if width > 1 && (consistent, width) > (best.1, best.2) {
            best = (candidate, consistent, width);
        }
    }
    best.0
}

/// (records agreeing with the header's field count, the header's field count).
fn score_delimiter(sample: &[u8], delimiter: u8) -> (usize, usize) {
    let mut reader = csv_builder(delimiter)
        .has_headers(false)
        .from_reader(sample);
    let mut record = csv::ByteRecord::new();
    let mut widths = Vec::new();
    while widths.len() < 50 {
        match reader.read_byte_record(&mut record) {
            Ok(true) => widths.push(record.len()),
            _ => break,
        }
    }
    // The last record of a cut sample may be cut too.
    if sample.len() == SAMPLE_BYTES && widths.len() > 2 {
        widths.pop();
    }
    let Some(&header_width) = widths.first() else {
        return (0, 0);
    };
    let consistent = widths.iter().filter(|&&w| w == header_width).count();
    (consistent, header_width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_candidate() {
        assert_eq!(sniff_delimiter(b"id,title\n1,a\n2,b\n"), b',');
        assert_eq!(sniff_delimiter(b"id;title;cost\n1;a;1,5\n2;b;2,5\n"), b';');
        assert_eq!(sniff_delimiter(b"id\ttitle\n1\ta, b\n"), b'\t');
        assert_eq!(sniff_delimiter(b"id|title\n1|a\n"), b'|');
        assert_eq!(sniff_delimiter(b"id\n1\n2\n"), b',');
    }

    #[test]
    fn quoted_delimiters_do_not_fool_the_sniffer() {
        let sample = b"id;title\n1;\"Hello, world, again\"\n2;\"a,b,c\"\n";
        assert_eq!(sniff_delimiter(sample), b';');
    }

    #[test]
    fn delimiter_option_accepts_tab_word() {
        assert_eq!(parse_delimiter("tab").unwrap(), b'\t');
        assert_eq!(parse_delimiter(";").unwrap(), b';');
        assert!(parse_delimiter(";;").is_err());
    }
}
