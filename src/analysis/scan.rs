//! The one streaming pass over the usage logs: which reader reads each file, on which
//! threads, and how the parts are merged in file order; each row is judged by a
//! [`RowScanner`] and tallied into an [`Aggregate`].

use crate::analysis::aggregate::Aggregate;
use crate::analysis::once_only::{reconcile, OnceTold};
use crate::analysis::rows::{EventColumns, RowScanner, ScanContext, Stop};
use crate::input::chunks::{split_at_newlines, RangeReader, SharedRange};
use crate::input::date_order::ColumnOrder;
use crate::input::fields::Fields;
use crate::input::file_report::{read_headers, FileReport};
use crate::input::headers::{HeaderMap, Role};
use crate::input::options::ReadOptions;
use crate::input::plain::{PlainRecords, Visit};
use crate::input::plan::{InputFacts, Parallelism, ReadPlan};
use crate::input::problems::Problems;
use crate::input::quotes::RecordTooLong;
use crate::input::records::{each_record_looked, LookedRecords};
use crate::input::source::{open_csv, read_failure, DataStart, InputPath, OpenedCsv};
use crate::input_error;
use anyhow::Result;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Reads every events file in order into `agg`; returns what `check` shows of each file.
///
/// Each file is read as its [`ReadPlan`] says: a large plain file is split across the threads.
/// Files that are read on one thread anyway (gzip, small, another encoding, `--strict`,
/// standard input) are read side by side, as many at a time as there are threads, each into
/// its own aggregate, merged in file order (see [`scan_side_by_side`]).
pub fn scan_events(
    opts: &ReadOptions,
    ctx: &ScanContext,
    agg: &mut Aggregate,
    problems: &mut Problems,
    parallel: Parallelism,
) -> Result<Vec<FileReport>> {
    let files = &opts.events;
    let mut reports = Vec::new();
    let mut next = 0;
    while next < files.len() {
        let side_by_side = files[next..]
            .iter()
            .take_while(|input| {
                InputFacts::peek(input, opts.encoding).is_some_and(|facts| {
                    ReadPlan::decide(facts, opts.strict, parallel).one_thread()
                })
            })
            .count();
        if side_by_side < 2 {
            reports.push(scan_file(&files[next], opts, ctx, agg, problems, parallel)?);
            next += 1;
            continue;
        }
        let batch = &files[next..next + side_by_side];
        reports.extend(scan_side_by_side(
            batch, opts, ctx, agg, problems, parallel,
        )?);
        next += side_by_side;
    }
    Ok(reports)
}

/// Reads `batch` one file a thread, each into its own aggregate: a thread that is done with
/// a file takes the next one not started (files of unequal sizes leave no thread waiting
/// for its partner), and the parts are merged into `agg` in file order as they come, a part
/// finished early waiting for the files before it.
fn scan_side_by_side(
    batch: &[InputPath],
    opts: &ReadOptions,
    ctx: &ScanContext,
    agg: &mut Aggregate,
    problems: &mut Problems,
    parallel: Parallelism,
) -> Result<Vec<FileReport>> {
    let one_thread = Parallelism {
        threads: 1,
        ..parallel
    };
    let template = agg.empty_like();
    let (next, stop) = (AtomicUsize::new(0), AtomicBool::new(false));
    let (sender, parts) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..parallel.threads.min(batch.len()) {
            let (sender, template, next, stop) = (sender.clone(), &template, &next, &stop);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = batch.get(i) else { break };
                    let mut part = template.clone();
                    let mut found = Problems::new(opts.strict);
                    let report = scan_file(input, opts, ctx, &mut part, &mut found, one_thread);
                    let failed = report.is_err();
                    if sender.send((i, report.map(|r| (r, part, found)))).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut waiting: Vec<Option<Result<_>>> = (0..batch.len()).map(|_| None).collect();
        let mut reports = Vec::new();
        for (i, part) in parts.iter() {
            waiting[i] = Some(part);
            while let Some(part) = waiting.get_mut(reports.len()).and_then(Option::take) {
                // The first error in file order wins, as on one thread.
                let (report, part, found) = match part {
                    Ok(done) => done,
                    Err(e) => {
                        stop.store(true, Ordering::Relaxed);
                        return Err(e);
                    }
                };
                problems.merge(found);
                agg.absorb(part);
                reports.push(report);
            }
        }
        Ok(reports)
    })
}

/// An events file opened and mapped, positioned at its first data row.
struct MappedFile {
    name: String,
    opened: OpenedCsv,
    header: HeaderMap,
    columns: EventColumns,
    /// The time column's day/month order before any row is read (from the file's sample).
    order: ColumnOrder,
}

fn scan_file(
    input: &InputPath,
    opts: &ReadOptions,
    ctx: &ScanContext,
    agg: &mut Aggregate,
    problems: &mut Problems,
    parallel: Parallelism,
) -> Result<FileReport> {
    let mut opened = open_csv(input, opts, Role::Events)?;
    let name = input.display().to_string();
    let headers = read_headers(&mut opened.reader, &name)?;
    let header = HeaderMap::build(Role::Events, &headers, &opts.overrides)?;
    let columns = EventColumns::resolve(&header, &name, ctx)?;
    for note in opened.notes.drain(..).chain(header.notes(&name)) {
        problems.note(note);
    }
    let sample = std::mem::take(&mut opened.sample);
    let order = ColumnOrder::from_sample(ctx.time, &sample, opened.dialect.delimiter, columns.time);
    let mut file = MappedFile {
        name,
        opened,
        header,
        columns,
        order,
    };
    let rows_before = agg.counts.rows;
    let skipped_before = agg.counts.skipped;
    for bad in std::mem::take(&mut file.opened.bad_rows) {
        agg.counts.rows += 1;
        agg.counts.skipped += 1;
        problems.record(bad)?;
    }
    let facts = InputFacts::opened(input, &file.opened.dialect);
    let plan = ReadPlan::decide(facts, opts.strict, parallel);
    let in_parallel = match plan {
        ReadPlan::Split { parts } => {
            let split = Split {
                parts,
                min_split: (parallel.min_chunk_bytes / 2).max(1),
                max_record: opts.max_record,
            };
            scan_in_parallel(input, &file, ctx, agg, problems, split)?
        }
        ReadPlan::PlainThenCsv | ReadPlan::CsvOnly => None,
    };
    let order = match in_parallel {
        Some(order) => order,
        // A split file that could not be read in ranges is read plain, then csv.
        None => scan_sequentially(input, &mut file, opts, ctx, agg, problems)?,
    };
    let time_header = &file.header.headers[file.columns.time];
    if let Some(note) = order.note(&file.name, time_header) {
        problems.note(note);
    }
    agg.settle();
    let rows = agg.counts.rows - rows_before;
    agg.finish_file(&file.name, rows, agg.counts.skipped - skipped_before);
    if rows == 0 {
        problems.note(format!("{}: no data rows after the header", file.name));
    }
    if let Some(note) = input.padding_note() {
        problems.note(note);
    }
    Ok(FileReport {
        path: file.name,
        role: Role::Events,
        dialect: file.opened.dialect,
        rows,
        header: file.header,
        costs: None,
    })
}

/// Reads a file on one thread (see [`each_record`]: quote-free records with the plain reader,
/// and from the first record holding a quote on, or from the start when the file cannot be
/// reopened, the csv crate). Returns the time column's order as the rows left it.
fn scan_sequentially(
    input: &InputPath,
    file: &mut MappedFile,
    opts: &ReadOptions,
    ctx: &ScanContext,
    agg: &mut Aggregate,
    problems: &mut Problems,
) -> Result<ColumnOrder> {
    let order = file.order.clone();
    let row = RowScanner::new(ctx, file.columns, &file.name, &file.header, order);
    let mut rows = FileRows { row, agg, problems };
    each_record_looked(input, &mut file.opened, &file.name, opts, &mut rows)?;
    let FileRows { mut row, agg, .. } = rows;
    row.finish(agg);
    Ok(row.into_order())
}

/// A file's rows read on one thread, the plain reader's looked at a batch ahead (see
/// [`RowScanner::look`]).
struct FileRows<'a, 'b> {
    row: RowScanner<'a>,
    agg: &'b mut Aggregate,
    problems: &'b mut Problems,
}

impl LookedRecords for FileRows<'_, '_> {
    #[inline]
    fn look(&mut self, slot: usize, record: &Fields) {
        self.row.look(slot, record, self.agg);
    }

    #[inline]
    fn near(&mut self, slot: usize) {
        self.row.near(slot, self.agg);
    }

    #[inline]
    fn each(&mut self, slot: Option<usize>, record: &Fields, lines_before: u64) -> Result<()> {
        // The row's lines count from its reader's first byte: problems are moved down.
        self.row.set_lines_before(lines_before);
        let scanned = match slot {
            Some(slot) => self.row.scan_looked(slot, record, self.agg),
            None => self.row.scan(record, self.agg),
        };
        match scanned {
            Ok(None) => Ok(()),
            Ok(Some(mut problem)) => {
                problem.shift(lines_before);
                self.problems.record(*problem)
            }
            Err(stop) => Err(stop_error(stop, lines_before)),
        }
    }
}

/// The error that ends the run when a row stops its file, `lines_before` lines down.
fn stop_error(Stop(mut problem): Stop, lines_before: u64) -> anyhow::Error {
    problem.shift(lines_before);
    input_error!("{problem}")
}

/// What one thread learnt from one range of a file.
struct RangeResult {
    agg: Aggregate,
    problems: Problems,
    once: OnceTold,
    newlines: u64,
    order: ColumnOrder,
}

/// Splits a large plain file into `parts` ranges read by as many threads, then merges in file
/// order; returns the time column's order as the rows left it. A thread done with its range
/// takes the unread half of the range with the most left (see [`SharedRange::split_off`]),
/// so a core that runs slower does not keep the other waiting. Returns `None` (having
/// changed nothing) when the file holds a quote character, a record past the size limit, or a
/// range met a slash date it cannot read alone: a day-first date while the sample left the
/// order open (the ranges before it may have read ambiguous dates month-first), or a date
/// against the order; or when the ranges' once-only warnings cannot be made those of one
/// thread (see [`reconcile`]). The file is then read on one thread, which reads the dates in
/// file order.
fn scan_in_parallel(
    input: &InputPath,
    file: &MappedFile,
    ctx: &ScanContext,
    agg: &mut Aggregate,
    problems: &mut Problems,
    split: Split,
) -> Result<Option<ColumnOrder>> {
    let mut handle = std::fs::File::open(&input.path)?;
    let file_len = handle.metadata()?.len();
    let start = DataStart::of(&file.opened);
    let ranges = split_at_newlines(&mut handle, start.byte, file_len, split.parts)?;
    let reread = AtomicBool::new(false);
    let template = agg.empty_like();
    let shape = FileShape {
        name: &file.name,
        header: &file.header,
        columns: file.columns,
        delimiter: file.opened.dialect.delimiter,
        max_record: split.max_record,
        order: &file.order,
    };
    let ranges: Vec<Arc<SharedRange>> = ranges
        .into_iter()
        .map(|(start, end)| Arc::new(SharedRange::new(start, end)))
        .collect();
    let mut results = read_ranges(&input.path, ranges, split.min_split, &reread, |range| {
        read_range(input, &shape, ctx, &template, range, &reread)
    })?;
    if reread.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let mut told: Vec<(&OnceTold, &mut Problems)> = results
        .iter_mut()
        .map(|result| (&result.once, &mut result.problems))
        .collect();
    if !reconcile(&mut told) {
        return Ok(None);
    }
    let mut lines_before = start.lines_before;
    let mut order = file.order.clone();
    for result in results {
        problems.merge(result.problems.shifted(lines_before));
        agg.absorb(result.agg);
        order.absorb(result.order, lines_before);
        lines_before += result.newlines;
    }
    Ok(Some(order))
}

/// How a file is split across threads.
#[derive(Debug, Clone, Copy)]
struct Split {
    /// Ranges to start with, one a thread.
    parts: usize,
    /// A range is split for an idle thread only while this many bytes of it are unclaimed
    /// (half the smallest range worth a thread): a new range costs a fresh aggregate, its
    /// users learnt again, and a merge.
    min_split: u64,
    max_record: u64,
}

/// At most this many ranges a thread: every range's aggregate is kept until the merge, so
/// this bounds the pass's memory whatever the cores do.
const RANGES_PER_THREAD: usize = 4;

/// Reads `ranges` with `read`, one thread each; a thread done with its range splits off the
/// unclaimed half of the range with the most left (while `min_split` bytes or more are, and
/// there are fewer than [`RANGES_PER_THREAD`] ranges a thread) and reads that, until none is
/// worth splitting or `stop` is set. Returns every range's result in file order; the first
/// error in file order when a range failed.
fn read_ranges<T: Send>(
    path: &str,
    ranges: Vec<Arc<SharedRange>>,
    min_split: u64,
    stop: &AtomicBool,
    read: impl Fn(&SharedRange) -> Result<T> + Sync,
) -> Result<Vec<T>> {
    // Splits left before the ranges reach their most.
    let splits = AtomicUsize::new(ranges.len() * (RANGES_PER_THREAD - 1));
    let open = Mutex::new(ranges.clone());
    let done: Mutex<Vec<(u64, Result<T>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for first in ranges {
            let (open, done, read, splits) = (&open, &done, &read, &splits);
            scope.spawn(move || {
                let mut next = Some(first);
                while let Some(range) = next.take() {
                    let result = read(&range);
                    let failed = result.is_err();
                    locked(done).push((range.start, result));
                    if failed || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    next = match split_largest(path, open, min_split, splits) {
                        Ok(range) => range,
                        Err(e) => {
                            locked(done).push((u64::MAX, Err(e.into())));
                            None
                        }
                    };
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(start, _)| *start);
    done.into_iter().map(|(_, result)| result).collect()
}

/// Splits off the unclaimed half of the open range with the most left, and opens it; `None`
/// when no range is worth it or no split is left (`splits` counts them down).
fn split_largest(
    path: &str,
    open: &Mutex<Vec<Arc<SharedRange>>>,
    min_split: u64,
    splits: &AtomicUsize,
) -> std::io::Result<Option<Arc<SharedRange>>> {
    let take = |n: usize| n.checked_sub(1);
    if splits
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, take)
        .is_err()
    {
        return Ok(None);
    }
    let rest = split_off_largest(path, open, min_split);
    if !matches!(rest, Ok(Some(_))) {
        splits.fetch_add(1, Ordering::Relaxed);
    }
    rest
}

fn split_off_largest(
    path: &str,
    open: &Mutex<Vec<Arc<SharedRange>>>,
    min_split: u64,
) -> std::io::Result<Option<Arc<SharedRange>>> {
    let largest = locked(open)
        .iter()
        .max_by_key(|range| range.unclaimed())
        .cloned();
    let Some(largest) = largest.filter(|range| range.unclaimed() >= min_split) else {
        return Ok(None);
    };
    let mut handle = std::fs::File::open(path)?;
    // `None` when no line starts in the cut's reach, or the range fell under the minimum
    // meanwhile.
    let Some(rest) = largest.split_off(&mut handle, min_split)? else {
        return Ok(None);
    };
    let rest = Arc::new(rest);
    locked(open).push(Arc::clone(&rest));
    Ok(Some(rest))
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a range reader needs to know of its file.
struct FileShape<'a> {
    name: &'a str,
    header: &'a HeaderMap,
    columns: EventColumns,
    delimiter: u8,
    max_record: u64,
    order: &'a ColumnOrder,
}

fn read_range(
    input: &InputPath,
    file: &FileShape,
    ctx: &ScanContext,
    template: &Aggregate,
    range: &SharedRange,
    reread: &AtomicBool,
) -> Result<RangeResult> {
    let range = RangeReader::open(&input.path, range)?;
    // A range with a quote is thrown away and the file re-read on one thread, so the
    // quote-free reader gives the csv crate's records here.
    let mut reader = PlainRecords::new(range, file.delimiter).with_limit(file.max_record);
    let order = file.order.for_range();
    let mut visit = RangeVisit {
        row: RowScanner::new(ctx, file.columns, file.name, file.header, order),
        agg: template.clone(),
        problems: Problems::new(false),
        once: OnceTold::default(),
        reread,
    };
    let flow = reader.visit(&mut visit);
    let RangeVisit {
        mut row,
        mut agg,
        problems,
        mut once,
        ..
    } = visit;
    match flow {
        Ok(ControlFlow::Break(Some(e))) => return Err(e),
        Ok(_) => {}
        // Told at its line by the reading on one thread this falls back to.
        Err(e) if RecordTooLong::find(&e).is_some() => reread.store(true, Ordering::Relaxed),
        Err(e) => return Err(read_failure(file.name, 0, e)),
    }
    if reader.quote_seen() {
        reread.store(true, Ordering::Relaxed);
    }
    row.finish(&mut agg);
    agg.settle();
    once.first_shape = row.first_time_shape();
    Ok(RangeResult {
        agg,
        problems,
        once,
        newlines: reader.newlines(),
        order: row.into_order(),
    })
}

/// A range's rows, each looked at before it is tallied (see [`RowScanner::look`]).
struct RangeVisit<'a> {
    row: RowScanner<'a>,
    agg: Aggregate,
    problems: Problems,
    once: OnceTold,
    reread: &'a AtomicBool,
}

impl Visit for RangeVisit<'_> {
    /// A problem that could not be recorded; `None` when the file is to be re-read.
    type Break = Option<anyhow::Error>;

    #[inline]
    fn look(&mut self, slot: usize, record: &Fields<'_>) {
        self.row.look(slot, record, &self.agg);
    }

    #[inline]
    fn near(&mut self, slot: usize) {
        self.row.near(slot, &self.agg);
    }

    #[inline]
    fn visit(&mut self, slot: usize, record: &Fields<'_>) -> ControlFlow<Self::Break> {
        match self.row.scan_looked(slot, record, &mut self.agg) {
            Ok(None) => {}
            Ok(Some(problem)) => {
                let at = self.problems.kept().len();
                if let Err(e) = self.problems.record(*problem) {
                    return ControlFlow::Break(Some(e));
                }
                let kept_at = (self.problems.kept().len() > at).then_some(at);
                self.once.note(self.row.once_told(), kept_at, || {
                    record.invalid_utf8_column().is_some()
                });
            }
            // The reading on one thread tells it, with the lines before it counted.
            Err(Stop(_)) => self.reread.store(true, Ordering::Relaxed),
        }
        if self.reread.load(Ordering::Relaxed) {
            ControlFlow::Break(None)
        } else {
            ControlFlow::Continue(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// A thread done with its range takes over the unread half of the slower one's, again and
    /// again: the results still cover the file once, in file order, each ending a line.
    #[test]
    fn an_idle_thread_takes_the_slower_ones_unread_half() {
        let text: String = (0..2000)
            .map(|i| format!("{i},{}\n", "x".repeat(i % 13)))
            .collect();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &text).unwrap();
        let path = file.path().to_str().unwrap();
        let mut handle = std::fs::File::open(path).unwrap();
        let len = text.len() as u64;
        let ranges = split_at_newlines(&mut handle, 0, len, 2).unwrap();
        let ranges: Vec<_> = ranges
            .into_iter()
            .map(|(start, end)| Arc::new(SharedRange::new(start, end)))
            .collect();
        let stop = AtomicBool::new(false);
        let pieces = read_ranges(path, ranges, 256, &stop, |range| {
            let mut reader = RangeReader::open(path, range)?;
            let (mut bytes, mut buf) = (Vec::new(), [0u8; 64]);
            loop {
                // The first range is read slowly, so the other thread finishes first.
                if range.start == 0 {
                    std::thread::sleep(std::time::Duration::from_micros(300));
                }
                let n = reader.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                bytes.extend_from_slice(&buf[..n]);
            }
            Ok((range.start, bytes))
        })
        .unwrap();
        // Four ranges a thread at most, however slow the first stays.
        assert!((4..=8).contains(&pieces.len()), "{} pieces", pieces.len());
        let mut joined = Vec::new();
        for (start, bytes) in &pieces {
            assert_eq!(*start, joined.len() as u64);
            assert_eq!(bytes.last(), Some(&b'\n'));
            joined.extend_from_slice(bytes);
        }
        assert_eq!(joined, text.as_bytes());
    }
}
