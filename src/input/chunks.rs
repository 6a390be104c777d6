//! Splitting a large plain CSV file into byte ranges that start and end on record boundaries,
//! so that several threads can parse it at once.
//!
//! A newline is a record boundary unless it sits inside a quoted field. That cannot be known
//! without reading from the start, so a split is only trusted when the file turns out to hold
//! no quote character at all: every range is read by [`crate::input::plain::PlainRecords`],
//! which watches for one, and the caller re-reads the file on one thread if any was seen.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// How far past a cut point a newline is looked for before giving up on splitting.
const NEWLINE_SEARCH: u64 = 1 << 20;

/// Byte ranges `[start, end)` covering `data_start..file_len`, each ending after a newline.
pub fn split_at_newlines(
    file: &mut File,
    data_start: u64,
    file_len: u64,
    parts: usize,
) -> io::Result<Vec<(u64, u64)>> {
    let span = file_len.saturating_sub(data_start);
    let mut cuts = vec![data_start];
    for i in 1..parts as u64 {
        let target = data_start + span * i / parts as u64;
        let Some(cut) = next_line_start(file, target, file_len)? else {
            break;
        };
        if cut > *cuts.last().unwrap() && cut < file_len {
            cuts.push(cut);
        }
    }
    cuts.push(file_len);
    Ok(cuts.windows(2).map(|w| (w[0], w[1])).collect())
}

/// The offset just after the first newline at or after `from`, if one is near.
fn next_line_start(file: &mut File, from: u64, file_len: u64) -> io::Result<Option<u64>> {
    file.seek(SeekFrom::Start(from))?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut offset = from;
    while offset < file_len && offset - from < NEWLINE_SEARCH {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(Some(offset + i as u64 + 1));
        }
        offset += n as u64;
    }
    Ok(None)
}

/// Reads one range of a file, telling the progress bar how far it got.
pub struct RangeReader {
    inner: io::Take<File>,
}

impl RangeReader {
    pub fn open(path: &str, start: u64, end: u64) -> io::Result<RangeReader> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(start))?;
        Ok(RangeReader {
            inner: file.take(end - start),
        })
    }
}

impl Read for RangeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        crate::progress::add_bytes(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn ranges_cover_the_data_and_end_on_newlines() {
        let mut tmp = tempfile::tempfile().unwrap();
        let header = b"a,b\n";
        tmp.write_all(header).unwrap();
        for i in 0..1000 {
            writeln!(tmp, "{i},{}", "x".repeat(i % 37)).unwrap();
        }
        let len = tmp.metadata().unwrap().len();
        let ranges = split_at_newlines(&mut tmp, header.len() as u64, len, 7).unwrap();
        assert_eq!(ranges.len(), 7);
        assert_eq!(ranges[0].0, header.len() as u64);
        assert_eq!(ranges.last().unwrap().1, len);
        let mut all = Vec::new();
        tmp.seek(SeekFrom::Start(0)).unwrap();
        tmp.read_to_end(&mut all).unwrap();
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
            assert_eq!(all[pair[0].1 as usize - 1], b'\n');
        }
    }
}
