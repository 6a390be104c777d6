//! Every data record of a file read whole before the pass, in order, with its line:
//! quote-free records by the plain reader (its bytes classified 32 at a compare, no state
//! machine), and from the first record holding a quote on, the csv crate. A file the plain
//! reader cannot reopen (standard input, a spreadsheet, another encoding) or `--strict` is
//! read by the csv crate alone.
//!
//! The events read on one thread and the opportunities are read so (CRM exports of ids,
//! amounts, dates and emails seldom quote).
//! The inventory is not: its titles hold commas, so a quote comes within its first rows and
//! the reopening costs more than the plain reader saves (measured: 180M instructions before
//! the pass against 184M for the benchmark's inventory, whose first quote is on line 29).

use crate::input::fields::Fields;
use crate::input::lines::Counting;
use crate::input::options::ReadOptions;
use crate::input::plain::{PlainRecords, Visit};
use crate::input::plan::{InputFacts, Parallelism, ReadPlan};
use crate::input::source::{
    csv_builder, read_failure, read_record, reopen_at, DataStart, InputPath, OpenedCsv,
};
use anyhow::Result;
use csv::ByteRecord;
use std::ops::ControlFlow;

/// Calls `each` with every data record of `opened` (positioned past its header), in file
/// order, and the lines before the first byte of the reader that read it: the record starts on
/// line `lines_before + fields.line()` (asked only when wanted: a csv record's line is looked
/// up). Stops at the first error `each` returns.
pub fn each_record(
    input: &InputPath,
    opened: &mut OpenedCsv,
    file: &str,
    opts: &ReadOptions,
    each: impl FnMut(&Fields, u64) -> Result<()>,
) -> Result<()> {
    each_record_looked(input, opened, file, opts, &mut Each(each))
}

/// What [`each_record_looked`] calls: the plain reader's records batch by batch, a look at
/// each and a near step for each slot before their visits (see [`Visit`]); the csv crate's
/// records one by one, with no look.
pub trait LookedRecords {
    fn look(&mut self, slot: usize, record: &Fields) {
        let _ = (slot, record);
    }

    fn near(&mut self, slot: usize) {
        let _ = slot;
    }

    /// A record, with the slot the look saw it in (`None`: it was not looked at), and the
    /// lines before its reader's first byte.
    fn each(&mut self, slot: Option<usize>, record: &Fields, lines_before: u64) -> Result<()>;
}

/// A closure as [`LookedRecords`] that only visits.
struct Each<F>(F);

impl<F: FnMut(&Fields, u64) -> Result<()>> LookedRecords for Each<F> {
    #[inline]
    fn each(&mut self, _: Option<usize>, record: &Fields, lines_before: u64) -> Result<()> {
        (self.0)(record, lines_before)
    }
}

/// The plain reader's visits handed to a [`LookedRecords`].
struct Plain<'a, L> {
    records: &'a mut L,
    lines_before: u64,
}

impl<L: LookedRecords> Visit for Plain<'_, L> {
    type Break = anyhow::Error;

    #[inline]
    fn look(&mut self, slot: usize, record: &Fields<'_>) {
        self.records.look(slot, record);
    }

    #[inline]
    fn near(&mut self, slot: usize) {
        self.records.near(slot);
    }

    #[inline]
    fn visit(&mut self, slot: usize, record: &Fields<'_>) -> ControlFlow<Self::Break> {
        match self.records.each(Some(slot), record, self.lines_before) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => ControlFlow::Break(e),
        }
    }
}

/// [`each_record`] for a reader that looks at each batch of plain records before it
/// visits them.
pub fn each_record_looked(
    input: &InputPath,
    opened: &mut OpenedCsv,
    file: &str,
    opts: &ReadOptions,
    each: &mut impl LookedRecords,
) -> Result<()> {
    let facts = InputFacts::opened(input, &opened.dialect);
    let one_thread = Parallelism {
        threads: 1,
        min_chunk_bytes: u64::MAX,
    };
    let (mut record, mut cuts) = (ByteRecord::new(), Vec::new());
    if ReadPlan::decide(facts, opts.strict, one_thread) == ReadPlan::CsvOnly {
        while opened.read_record(&mut record, file)? {
            each.each(
                None,
                &Fields::of_record(&record, &mut cuts, &opened.lines),
                0,
            )?;
        }
        return Ok(());
    }
    let start = DataStart::of(opened);
    let delimiter = opened.dialect.delimiter;
    let mut plain =
        PlainRecords::new(reopen_at(input, start.byte)?, delimiter).with_limit(opts.max_record);
    let mut visit = Plain {
        records: each,
        lines_before: start.lines_before,
    };
    let flow = plain
        .visit(&mut visit)
        .map_err(|e| read_failure(file, start.lines_before, e))?;
    if let ControlFlow::Break(e) = flow {
        return Err(e);
    }
    if !plain.quote_seen() {
        return Ok(());
    }
    let lines_before = start.lines_before + plain.newlines();
    let (rest, lines) = Counting::watching(plain.into_rest(), delimiter, opts.max_record);
    let mut rest = csv_builder(delimiter).has_headers(false).from_reader(rest);
    while read_record(&mut rest, &lines, &mut record, file, lines_before)? {
        each.each(
            None,
            &Fields::of_record(&record, &mut cuts, &lines),
            lines_before,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::file_report::read_headers;
    use crate::input::headers::Role;
    use crate::input::source::open_csv;
    use crate::input::time::TimeParser;

    type Records = Vec<(Vec<Vec<u8>>, u64)>;

    fn read(path: &str, strict: bool) -> Records {
        let input = InputPath::new(path);
        let opts = ReadOptions {
            assets: input.clone(),
            events: Vec::new(),
            roster: None,
            overrides: Vec::new(),
            delimiter: None,
            encoding: None,
            time: TimeParser::default(),
            day_first: false,
            decimal: None,
            strict,
            quiet: true,
            max_record: 1 << 20,
            digest_streams: false,
            parallel: Parallelism {
                threads: 1,
                min_chunk_bytes: 1,
            },
            asset_json_key: None,
        };
        let mut opened = open_csv(&input, &opts, Role::Opportunities).unwrap();
        read_headers(&mut opened.reader, path).unwrap();
        let mut out = Vec::new();
        each_record(&input, &mut opened, path, &opts, |fields, lines_before| {
            let line = lines_before + fields.line();
            out.push((fields.iter().map(<[u8]>::to_vec).collect(), line));
            Ok(())
        })
        .unwrap();
        out
    }

    /// Plain records, then a quoted one spanning two lines and the csv crate from there: the
    /// same fields on the same lines as the csv crate alone reads (`--strict`).
    #[test]
    fn records_and_lines_are_the_csv_crates_across_the_switch() {
        let text = "id,amount\r\nA1,10\r\n\r\nA2,20\nA3,\"3\n0\"\nA4,40\n\nA5,50";
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        let path = file.path().to_str().unwrap();
        let both = read(path, false);
        assert_eq!(both, read(path, true));
        let lines: Vec<u64> = both.iter().map(|(_, line)| *line).collect();
        assert_eq!(lines, [2, 4, 5, 7, 9]);
        assert_eq!(both[2].0, [b"A3".to_vec(), b"3\n0".to_vec()]);
        assert_eq!(both[4].0, [b"A5".to_vec(), b"50".to_vec()]);
    }
}
