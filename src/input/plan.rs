//! How each input is read: split across threads, on one thread by the quote-free reader
//! then the csv crate, or by the csv crate alone. Decided here and nowhere else.

use crate::input::encoding::{Encoding, TextEncoding};
use crate::input::source::{Dialect, InputPath};

/// How a pass over the inputs may use threads.
#[derive(Debug, Clone, Copy)]
pub struct Parallelism {
    pub threads: usize,
    /// Files smaller than this are read on one thread.
    pub min_chunk_bytes: u64,
}

/// What decides how an input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputFacts {
    /// Standard input, a pipe, a FIFO: read once, from the start, by one reader.
    pub stream: bool,
    pub gzip: bool,
    /// The bytes go through a decoder to UTF-8 (another encoding than UTF-8).
    pub decoded: bool,
    /// Bytes on disk (0 for a stream).
    pub size: u64,
}

impl InputFacts {
    /// What can be told of `input` before it is opened, from its first two bytes and its size:
    /// `--encoding` says whether it is decoded, and when it is not given the file is presumed
    /// UTF-8 (the bytes tell once it is opened). `None` when the file cannot be opened: opening
    /// it for reading says why, in file order.
    pub fn peek(input: &InputPath, asked: Option<Encoding>) -> Option<InputFacts> {
        let decoded = asked.is_some_and(|e| e != Encoding::Utf8);
        if input.is_stream() {
            return Some(InputFacts {
                stream: true,
                gzip: false,
                decoded,
                size: 0,
            });
        }
        let mut file = std::fs::File::open(&input.path).ok()?;
        let mut magic = [0u8; 2];
        let gzip =
            std::io::Read::read_exact(&mut file, &mut magic).is_ok() && magic == [0x1f, 0x8b];
        Some(InputFacts {
            stream: false,
            gzip,
            decoded,
            size: file.metadata().map_or(0, |m| m.len()),
        })
    }

    /// What is known of `input` once opened: its dialect says gzip and the encoding read.
    pub fn opened(input: &InputPath, dialect: &Dialect) -> InputFacts {
        // A spreadsheet is read as the CSV text of its sheet, held in memory: never reopened.
        let stream = input.is_stream() || dialect.sheet.is_some();
        InputFacts {
            stream,
            gzip: dialect.gzip,
            decoded: dialect.read_as != TextEncoding::Utf8,
            size: if stream {
                0
            } else {
                std::fs::metadata(&input.path).map_or(0, |m| m.len())
            },
        }
    }
}

/// How one input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadPlan {
    /// Cut at line ends into `parts` ranges read by as many threads, merged in file order: a
    /// plain UTF-8 file on disk of at least two chunks, with threads to spare. When a range
    /// meets a quote (or a row it cannot read alone) the file is read as [`ReadPlan::PlainThenCsv`].
    Split { parts: usize },
    /// One thread: the quote-free reader, and from the first record holding a quote on, the
    /// csv crate. UTF-8 text that can be opened a second time (a file, gzip or not).
    PlainThenCsv,
    /// One thread, the csv crate from the start: a stream (read once), another encoding, or
    /// `--strict` (which stops at the first problem, in line order).
    CsvOnly,
}

impl ReadPlan {
    pub fn decide(facts: InputFacts, strict: bool, parallel: Parallelism) -> ReadPlan {
        if facts.stream || facts.decoded || strict {
            return ReadPlan::CsvOnly;
        }
        // One range per thread: each range keeps a whole aggregate until the merge, so more
        // ranges would cost memory, and contiguous ranges keep first spellings in file order.
        let chunks = facts.size / parallel.min_chunk_bytes.max(1);
        let parts = chunks.min(parallel.threads as u64) as usize;
        if facts.gzip || parts < 2 {
            return ReadPlan::PlainThenCsv;
        }
        ReadPlan::Split { parts }
    }

    /// Read on one thread: nothing is lost by reading it beside other files.
    pub fn one_thread(self) -> bool {
        !matches!(self, ReadPlan::Split { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: InputFacts = InputFacts {
        stream: false,
        gzip: false,
        decoded: false,
        size: 10_000,
    };

    fn plan(facts: InputFacts, strict: bool, threads: usize) -> ReadPlan {
        let parallel = Parallelism {
            threads,
            min_chunk_bytes: 1_000,
        };
        ReadPlan::decide(facts, strict, parallel)
    }

    #[test]
    fn a_large_plain_file_is_split_one_range_per_thread() {
        assert_eq!(plan(FILE, false, 4), ReadPlan::Split { parts: 4 });
        let small = InputFacts {
            size: 2_500,
            ..FILE
        };
        assert_eq!(plan(small, false, 4), ReadPlan::Split { parts: 2 });
    }

    #[test]
    fn one_thread_or_under_two_chunks_reads_plain_then_csv() {
        assert_eq!(plan(FILE, false, 1), ReadPlan::PlainThenCsv);
        let small = InputFacts {
            size: 1_999,
            ..FILE
        };
        assert_eq!(plan(small, false, 4), ReadPlan::PlainThenCsv);
        let gzip = InputFacts { gzip: true, ..FILE };
        assert_eq!(plan(gzip, false, 4), ReadPlan::PlainThenCsv);
    }

    #[test]
    fn streams_other_encodings_and_strict_runs_read_csv_only() {
        let stream = InputFacts {
            stream: true,
            size: 0,
            ..FILE
        };
        assert_eq!(plan(stream, false, 4), ReadPlan::CsvOnly);
        let decoded = InputFacts {
            decoded: true,
            ..FILE
        };
        assert_eq!(plan(decoded, false, 4), ReadPlan::CsvOnly);
        assert_eq!(plan(FILE, true, 4), ReadPlan::CsvOnly);
    }

    #[test]
    fn only_a_split_file_is_not_read_on_one_thread() {
        assert!(!plan(FILE, false, 4).one_thread());
        assert!(plan(FILE, false, 1).one_thread());
        assert!(plan(FILE, true, 4).one_thread());
    }
}
