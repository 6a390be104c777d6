//! Splitting a large plain CSV file into byte ranges that start and end on record boundaries,
//! so that several threads can parse it at once.
//!
//! A newline is a record boundary unless it sits inside a quoted field. That cannot be known
//! without reading from the start, so a split is only trusted when the file turns out to hold
//! no quote character at all: every range is read by [`crate::input::plain::PlainRecords`],
//! which watches for one, and the caller re-reads the file on one thread if any was seen.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Mutex;

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

/// A range of a file that its reader claims one read at a time, so that a thread done with
/// its own range can take the part of this one not claimed yet ([`SharedRange::split_off`]):
/// when one core runs slower than the other (a busy neighbour, a slower core), the faster
/// thread takes over half of what remains instead of waiting.
#[derive(Debug)]
pub struct SharedRange {
    /// Where the range starts: ranges are merged in this order.
    pub start: u64,
    claim: Mutex<Claim>,
}

/// How far a range's reader has claimed, and where the range now ends.
#[derive(Debug, Clone, Copy)]
struct Claim {
    claimed: u64,
    end: u64,
}

impl SharedRange {
    pub fn new(start: u64, end: u64) -> SharedRange {
        SharedRange {
            start,
            claim: Mutex::new(Claim {
                claimed: start,
                end,
            }),
        }
    }

    fn claim(&self) -> std::sync::MutexGuard<'_, Claim> {
        self.claim.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes the range's reader has not claimed yet.
    pub fn unclaimed(&self) -> u64 {
        let claim = *self.claim();
        claim.end - claim.claimed
    }

    /// Ends this range at the first line start at or past the middle of its unclaimed bytes
    /// and returns the rest as a range of its own, when at least `min` bytes are unclaimed;
    /// `None` when the range is too short or no line starts in the cut's reach.
    pub fn split_off(&self, file: &mut File, min: u64) -> io::Result<Option<SharedRange>> {
        loop {
            let seen = *self.claim();
            if seen.end - seen.claimed < min {
                return Ok(None);
            }
            let middle = seen.claimed + (seen.end - seen.claimed) / 2;
            let Some(cut) = next_line_start(file, middle, seen.end)? else {
                return Ok(None);
            };
            if cut >= seen.end {
                return Ok(None);
            }
            let mut claim = self.claim();
            // The reader went on while the newline was looked for: try again from where it is.
            if claim.claimed > cut || claim.end != seen.end {
                continue;
            }
            claim.end = cut;
            return Ok(Some(SharedRange::new(cut, seen.end)));
        }
    }
}

/// Reads one [`SharedRange`] of a file from its start, claiming each read's bytes before
/// reading them, and tells the progress bar how far it got.
pub struct RangeReader<'a> {
    file: File,
    range: &'a SharedRange,
}

impl<'a> RangeReader<'a> {
    pub fn open(path: &str, range: &'a SharedRange) -> io::Result<RangeReader<'a>> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::Start(range.start))?;
        Ok(RangeReader { file, range })
    }
}

impl Read for RangeReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // The reader's position is always where its claim stands: only it moves the claim.
        let want = {
            let mut claim = self.range.claim();
            let want = (claim.end - claim.claimed).min(buf.len() as u64);
            claim.claimed += want;
            want as usize
        };
        let mut filled = 0;
        while filled < want {
            match self.file.read(&mut buf[filled..want]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        crate::progress::add_bytes(filled as u64);
        Ok(filled)
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

    #[test]
    fn a_range_splits_at_the_first_line_start_past_the_middle_of_what_is_unclaimed() {
        let mut tmp = tempfile::tempfile().unwrap();
        let text = b"aaaa\nbbbb\ncccc\ndddd\neeee\nffff\n";
        tmp.write_all(text).unwrap();
        let range = SharedRange::new(0, text.len() as u64);
        // Too short for the minimum: left whole.
        assert!(range.split_off(&mut tmp, 31).unwrap().is_none());
        // Nothing claimed: the middle is byte 15, the next line starts at 20.
        let rest = range.split_off(&mut tmp, 4).unwrap().unwrap();
        assert_eq!((rest.start, rest.unclaimed()), (20, 10));
        assert_eq!(range.unclaimed(), 20);
        // The reader claims what it reads, and reads no further than the range's new end.
        let path = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(path.path(), text).unwrap();
        let mut reader = RangeReader::open(path.path().to_str().unwrap(), &range).unwrap();
        let mut buf = [0u8; 7];
        assert_eq!(reader.read(&mut buf).unwrap(), 7);
        assert_eq!(range.unclaimed(), 13);
        // Splitting again cuts past the claimed bytes: middle 13, next line start 15.
        let second = range.split_off(&mut tmp, 4).unwrap().unwrap();
        assert_eq!((second.start, second.unclaimed()), (15, 5));
        let mut read = buf.to_vec();
        reader.read_to_end(&mut read).unwrap();
        assert_eq!(read, b"aaaa\nbbbb\ncccc\n");
    }
}
