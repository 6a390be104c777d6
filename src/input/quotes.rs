//! Where the quotes of a CSV stream stand, followed beside the csv crate (which does not say):
//! a quote still open at the end of a file means everything after it was read as one value,
//! and a record that grows past a limit must stop the read before it takes the memory.
//!
//! The states are the csv crate's with its defaults (`"` quotes, doubled to escape, no
//! escape character): a quote opens a quoted field only at the start of a field; inside, a
//! quote followed by another is an escaped quote, and followed by anything else closes the
//! field; a quote anywhere else is an ordinary character.

use memchr::{memchr, memrchr2};
use std::fmt;
use std::io;

/// Follows the quoting state of a stream fed in order, one read at a time.
#[derive(Debug, Clone)]
pub struct QuoteWatch {
    delimiter: u8,
    state: State,
    /// The byte before the next one fed (a record starts the stream).
    previous: u8,
    /// Bytes fed so far.
    offset: u64,
    /// Where the record being read began, and its line.
    record_start: u64,
    record_line: u64,
    /// The byte and line of the quote that opened the field now being read, if quoted.
    open: Option<(u64, u64)>,
    /// Largest record allowed, in bytes.
    max_record: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Unquoted,
    Quoted,
    /// Just past a quote inside a quoted field: an escaped quote or the field's end.
    QuoteInQuoted,
}

/// A record grew past `--max-record-size` (a stray quote, or no line ends at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordTooLong {
    /// The line the record starts on, counted from the stream's first byte (from 1).
    pub line: u64,
    /// The line of the quote still open, when a quoted field is what grew.
    pub open_quote_line: Option<u64>,
    pub limit: u64,
}

impl RecordTooLong {
    /// The same record with its lines moved down by `lines` (for a stream read from mid-file).
    pub fn shifted(&self, lines: u64) -> RecordTooLong {
        RecordTooLong {
            line: self.line + lines,
            open_quote_line: self.open_quote_line.map(|l| l + lines),
            limit: self.limit,
        }
    }

    /// The one-line message for `file`.
    pub fn message(&self, file: &str) -> String {
        let size = human_bytes(self.limit);
        let why = match self.open_quote_line {
            Some(quote) => format!(
                "a quote opened on line {quote} is still open {size} later, so every line after it would be read as one value; fix or remove that quote"
            ),
            None => format!("a record runs past {size} without a line end"),
        };
        format!(
            "{file}:{}: {why} (--max-record-size to allow longer records)",
            self.line
        )
    }

    /// Finds this error inside an I/O error (or a csv error wrapping one).
    pub fn find<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a RecordTooLong> {
        if let Some(csv_err) = err.downcast_ref::<csv::Error>() {
            if let csv::ErrorKind::Io(io_err) = csv_err.kind() {
                return io_err.get_ref().and_then(|e| e.downcast_ref());
            }
        }
        err.downcast_ref::<io::Error>()
            .and_then(|e| e.get_ref())
            .and_then(|e| e.downcast_ref())
    }
}

impl fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message("line"))
    }
}

impl std::error::Error for RecordTooLong {}

/// `64 MiB`, `512 KiB`, `100 bytes`.
pub fn human_bytes(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    if bytes >= MIB && bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes % 1024 == 0 {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

impl QuoteWatch {
    pub fn new(delimiter: u8, max_record: u64) -> QuoteWatch {
        QuoteWatch {
            delimiter,
            state: State::Unquoted,
            previous: b'\n',
            offset: 0,
            record_start: 0,
            record_line: 1,
            open: None,
            max_record,
        }
    }

    /// Follows `bytes`, the next ones of the stream; `newlines_before` counts the `\n`s fed
    /// before them. Fails when the record being read has grown past the limit.
    pub fn feed(&mut self, bytes: &[u8], newlines_before: u64) -> Result<(), RecordTooLong> {
        let mut lines = LineCounter::new(newlines_before);
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                State::Unquoted => {
                    let quote = memchr(b'"', &bytes[i..]).map(|k| i + k);
                    let segment_end = quote.unwrap_or(bytes.len());
                    if let Some(t) = memrchr2(b'\n', b'\r', &bytes[i..segment_end]) {
                        self.record_start = self.offset + (i + t + 1) as u64;
                        self.record_line = lines.line_at(bytes, i + t + 1);
                    }
                    let Some(at) = quote else { break };
                    let before = if at == 0 {
                        self.previous
                    } else {
                        bytes[at - 1]
                    };
                    if before == self.delimiter || before == b'\n' || before == b'\r' {
                        self.state = State::Quoted;
                        let line = lines.line_at(bytes, at);
                        self.open = Some((self.offset + at as u64, line));
                    }
                    i = at + 1;
                }
                State::Quoted => match memchr(b'"', &bytes[i..]) {
                    Some(k) => {
                        self.state = State::QuoteInQuoted;
                        i += k + 1;
                    }
                    None => break,
                },
                State::QuoteInQuoted => {
                    if bytes[i] == b'"' {
                        self.state = State::Quoted;
                        i += 1;
                    } else {
                        // The field is closed; this byte is read again as unquoted text.
                        self.state = State::Unquoted;
                        self.open = None;
                    }
                }
            }
        }
        if let Some(&last) = bytes.last() {
            self.previous = last;
        }
        self.offset += bytes.len() as u64;
        let grown = self.offset - self.record_start;
        if grown > self.max_record {
            return Err(RecordTooLong {
                line: self.record_line,
                open_quote_line: self.open_quote_line(),
                limit: self.max_record,
            });
        }
        Ok(())
    }

    /// The line of the quote still open (at the end of the stream: the file's last field
    /// never closed), if any.
    pub fn open_quote_line(&self) -> Option<u64> {
        match self.state {
            State::Quoted => self.open.map(|(_, line)| line),
            // A quote as the very last byte closes the field.
            State::QuoteInQuoted | State::Unquoted => None,
        }
    }
}

/// Counts `\n`s from the start of one read, forward only, so a read with many quotes is
/// still counted once.
struct LineCounter {
    newlines: u64,
    counted_to: usize,
}

impl LineCounter {
    fn new(newlines_before: u64) -> Self {
        LineCounter {
            newlines: newlines_before,
            counted_to: 0,
        }
    }

    /// The line of `bytes[at]` (from 1).
    fn line_at(&mut self, bytes: &[u8], at: usize) -> u64 {
        if at >= self.counted_to {
            self.newlines += memchr::memchr_iter(b'\n', &bytes[self.counted_to..at]).count() as u64;
            self.counted_to = at;
        }
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `text` in reads of `chunk` bytes; the open quote's line at the end.
    fn open_at_end(text: &[u8], chunk: usize) -> Option<u64> {
        let mut watch = QuoteWatch::new(b',', u64::MAX);
        let mut newlines = 0;
        for piece in text.chunks(chunk) {
            watch.feed(piece, newlines).unwrap();
            newlines += memchr::memchr_iter(b'\n', piece).count() as u64;
        }
        watch.open_quote_line()
    }

    #[test]
    fn an_unclosed_quote_is_found_with_its_line() {
        let cases: [(&[u8], Option<u64>); 9] = [
            (b"a,b\n1,\"x\n2,y\n", Some(2)),
            (b"a,b\n1,\"x\"\n2,y\n", None),
            (b"a,b\n1,\"x\"\"\n2,y\n", Some(2)),
            (b"a,b\n1,\"x\"\"\"\n2,y\n", None),
            // A quote inside an unquoted field is an ordinary character.
            (b"a,b\n1,5\" screen\n2,y\n", None),
            (b"a,b\n1, \"x\n2,y\n", None),
            (b"a,b\r\n1,2\r\n\"x,y\r\n", Some(3)),
            (b"\"a\nb\",c\n1,\"", Some(3)),
            (b"a,b\n1,\"x\"y\"\n", None),
        ];
        for (text, expected) in cases {
            for chunk in [1, 2, 3, 7, 64] {
                assert_eq!(open_at_end(text, chunk), expected, "{text:?} by {chunk}");
            }
        }
    }

    /// The open-quote verdict agrees with what the csv crate read: a record whose last
    /// field swallowed the rest of the input.
    #[test]
    fn agrees_with_the_csv_crate_on_where_records_end() {
        let text = b"h1,h2\n\"a\"\"b\",c\nd,\"e\nf\"\ng,\"h";
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&text[..]);
        let records = reader.byte_records().count();
        assert_eq!(records, 4);
        assert_eq!(open_at_end(text, 5), Some(5));
    }

    #[test]
    fn a_record_past_the_limit_stops_the_read_at_its_line() {
        let mut text = b"a,b\n1,2\n3,\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', 100));
        text.extend(b"\nmore\n".repeat(20));
        let mut watch = QuoteWatch::new(b',', 64);
        let mut newlines = 0;
        let mut failed = None;
        for piece in text.chunks(16) {
            if let Err(e) = watch.feed(piece, newlines) {
                failed = Some(e);
                break;
            }
            newlines += memchr::memchr_iter(b'\n', piece).count() as u64;
        }
        let failed = failed.expect("the record grew past 64 bytes");
        assert_eq!(failed.line, 3);
        assert_eq!(failed.open_quote_line, Some(3));
        assert!(failed
            .message("e.csv")
            .starts_with("e.csv:3: a quote opened on line 3"));
    }

    #[test]
    fn long_files_of_short_records_pass() {
        let text = b"id,title\n1,\"a, b\"\n".repeat(1000);
        let mut watch = QuoteWatch::new(b',', 64);
        for piece in text.chunks(100) {
            watch.feed(piece, 0).unwrap();
        }
        assert_eq!(watch.open_quote_line(), None);
    }
}
