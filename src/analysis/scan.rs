//! The one streaming pass over the usage logs: which reader reads each file, on which
//! threads, and how the parts are merged in file order; each row is judged by a
//! [`RowScanner`] and tallied into an [`Aggregate`].

use crate::analysis::aggregate::Aggregate;
use crate::analysis::rows::{EventColumns, RowScanner, ScanContext};
use crate::cli::EncodingArg;
use crate::config::ReadOptions;
use crate::input::assets::{read_headers, FileReport};
use crate::input::chunks::{split_at_newlines, RangeReader};
use crate::input::fields::Fields;
use crate::input::headers::{HeaderMap, Role};
use crate::input::lines::{Counting, LineIndex};
use crate::input::plain::PlainRecords;
use crate::input::problems::Problems;
use crate::input::source::{csv_builder, open_csv, reopen_at, InputPath, OpenedCsv};
use anyhow::{Context, Result};
use csv::ByteRecord;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// How the pass may use threads.
#[derive(Debug, Clone, Copy)]
pub struct Parallelism {
    pub threads: usize,
    /// Files smaller than this are read on one thread.
    pub min_chunk_bytes: u64,
}

/// Reads every events file in order into `agg`; returns what `check` shows of each file.
///
/// A large plain file is split across the threads. Files that are read on one thread anyway
/// (gzip, small, another encoding, `--strict`, standard input) are read side by side, as many
/// at a time as there are threads, each into its own aggregate, merged in file order.
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
            .take(parallel.threads)
            .take_while(|input| read_whole(input, opts, parallel))
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

/// Reads `batch` one file a thread, the first straight into `agg`, the others into their
/// own aggregates merged after it in order (so only threads - 1 extra aggregates are alive).
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
    let (first, others) = batch.split_first().expect("a batch holds files");
    std::thread::scope(|scope| {
        let others: Vec<_> = others
            .iter()
            .map(|input| {
                let template = &template;
                scope.spawn(move || {
                    let mut part = template.clone();
                    let mut found = Problems::new(opts.strict);
                    let report = scan_file(input, opts, ctx, &mut part, &mut found, one_thread);
                    report.map(|report| (report, part, found))
                })
            })
            .collect();
        // The first error in file order wins, as on one thread.
        let mut reports = vec![scan_file(first, opts, ctx, agg, problems, one_thread)?];
        for other in others {
            let result = other
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            let (report, part, found) = result?;
            problems.merge(found);
            agg.absorb(part);
            reports.push(report);
        }
        Ok(reports)
    })
}

/// True when `input` would be read on one thread: nothing is lost by reading it beside others.
fn read_whole(input: &InputPath, opts: &ReadOptions, parallel: Parallelism) -> bool {
    let decoded = opts.encoding.is_some_and(|e| e != EncodingArg::Utf8);
    if input.is_stdin() || opts.strict || decoded {
        return true;
    }
    let Ok(mut file) = std::fs::File::open(&input.path) else {
        return false; // scan_file says why, in order
    };
    let mut magic = [0u8; 2];
    let gzip = std::io::Read::read_exact(&mut file, &mut magic).is_ok() && magic == [0x1f, 0x8b];
    let len = file.metadata().map_or(0, |m| m.len());
    gzip || len / parallel.min_chunk_bytes.max(1) < 2
}

/// An events file opened and mapped, positioned at its first data row.
struct MappedFile {
    name: String,
    opened: OpenedCsv,
    header: HeaderMap,
    columns: EventColumns,
}

fn scan_file(
    input: &InputPath,
    opts: &ReadOptions,
    ctx: &ScanContext,
    agg: &mut Aggregate,
    problems: &mut Problems,
    parallel: Parallelism,
) -> Result<FileReport> {
    let name = input.display().to_string();
    let mut opened = open_csv(input, opts.delimiter, opts.encoding)?;
    let headers = read_headers(&mut opened.reader, &name)?;
    let header = HeaderMap::build(Role::Events, &headers, &opts.overrides)?;
    let columns = EventColumns::resolve(&header, &name, ctx)?;
    for note in header.notes(&name) {
        problems.note(note);
    }
    let mut file = MappedFile {
        name,
        opened,
        header,
        columns,
    };
    let read_before = agg.counts.read;
    let skipped_before = agg.counts.skipped;
    let splittable = !input.is_stdin()
        && !file.opened.dialect.gzip
        && file.opened.dialect.encoding == "utf-8"
        && !opts.strict
        && parallel.threads > 1;
    let done_in_parallel =
        splittable && scan_in_parallel(input, &file, ctx, agg, problems, parallel)?;
    if !done_in_parallel {
        scan_sequentially(input, &mut file, opts, ctx, agg, problems)?;
    }
    agg.settle();
    let rows = agg.counts.read - read_before;
    agg.finish_file(&file.name, rows, agg.counts.skipped - skipped_before);
    if rows == 0 {
        problems.note(format!("{}: no data rows after the header", file.name));
    }
    Ok(FileReport {
        path: file.name,
        role: Role::Events,
        dialect: file.opened.dialect,
        rows,
        header: file.header,
    })
}

/// Reads a file on one thread: quote-free records with the plain reader, and from the first
/// record holding a quote on, the csv crate (standard input, other encodings and `--strict`
/// runs go through the csv crate from the start).
fn scan_sequentially(
    input: &InputPath,
    file: &mut MappedFile,
    opts: &ReadOptions,
    ctx: &ScanContext,
    agg: &mut Aggregate,
    problems: &mut Problems,
) -> Result<()> {
    let mut row = RowScanner::new(ctx, file.columns, &file.name, &file.header);
    let cannot_read = || format!("{}: cannot read", file.name);
    let plain_first = !input.is_stdin() && file.opened.dialect.encoding == "utf-8" && !opts.strict;
    if !plain_first {
        let opened = &mut file.opened;
        scan_csv(
            &mut opened.reader,
            &opened.lines,
            &mut row,
            agg,
            problems,
            0,
        )?;
        row.finish(agg);
        return Ok(());
    }
    let start = DataStart::of(&file.opened);
    let mut reader =
        PlainRecords::new(reopen_at(input, start.byte)?, file.opened.dialect.delimiter);
    let mut found = Problems::new(false);
    while let Some(fields) = reader.read().with_context(cannot_read)? {
        if let Some(problem) = row.scan(&fields, agg) {
            found.record(problem)?;
        }
    }
    problems.merge(found.shifted(start.lines_before));
    if reader.quote_seen() {
        let lines_before = start.lines_before + reader.newlines();
        let (rest, lines) = Counting::new(reader.into_rest());
        let mut rest = csv_builder(file.opened.dialect.delimiter)
            .has_headers(false)
            .from_reader(rest);
        scan_csv(&mut rest, &lines, &mut row, agg, problems, lines_before)?;
    }
    row.finish(agg);
    Ok(())
}

/// Reads the rest of a csv reader's records (read through `lines`); problems are told
/// `lines_before` lines down.
fn scan_csv<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    lines: &LineIndex,
    row: &mut RowScanner,
    agg: &mut Aggregate,
    problems: &mut Problems,
    lines_before: u64,
) -> Result<()> {
    let mut record = ByteRecord::new();
    let mut bounds = Vec::new();
    while reader
        .read_byte_record(&mut record)
        .with_context(|| format!("{}: cannot read", row.file()))?
    {
        if let Some(mut problem) = row.scan(&Fields::of_record(&record, &mut bounds, lines), agg) {
            problem.line += lines_before;
            problems.record(problem)?;
        }
    }
    Ok(())
}

/// Where the data rows of an opened file begin, past its header.
struct DataStart {
    /// Offset in the (decompressed) bytes.
    byte: u64,
    /// Lines before the first data row (the header, which may itself span lines).
    lines_before: u64,
}

impl DataStart {
    fn of(opened: &OpenedCsv) -> DataStart {
        let position = opened.reader.position();
        let bom = if opened.dialect.bom { 3 } else { 0 };
        // After a CRLF header the reader stands on its `\n`: start past it, on a line.
        let after_header = position.byte() + u64::from(opened.dialect.crlf);
        let lines_before = opened.lines.newlines_before(after_header);
        DataStart {
            byte: after_header + bom,
            lines_before: lines_before.unwrap_or(position.line() - 1),
        }
    }
}

/// What one thread learnt from one range of a file.
struct RangeResult {
    agg: Aggregate,
    problems: Problems,
    newlines: u64,
}

/// Splits a large plain file into ranges read by several threads, then merges in file order.
/// Returns false (having changed nothing) when the file is small or holds a quote character.
fn scan_in_parallel(
    input: &InputPath,
    file: &MappedFile,
    ctx: &ScanContext,
    agg: &mut Aggregate,
    problems: &mut Problems,
    parallel: Parallelism,
) -> Result<bool> {
    let mut handle = std::fs::File::open(&input.path)?;
    let file_len = handle.metadata()?.len();
    // One range per thread: each range keeps a whole aggregate until the merge, so more
    // ranges would cost memory, and contiguous ranges keep first spellings in file order.
    let parts = (file_len / parallel.min_chunk_bytes.max(1)).min(parallel.threads as u64) as usize;
    if parts < 2 {
        return Ok(false);
    }
    let start = DataStart::of(&file.opened);
    let ranges = split_at_newlines(&mut handle, start.byte, file_len, parts)?;
    let quote_seen = AtomicBool::new(false);
    let template = agg.empty_like();
    let shape = FileShape {
        name: &file.name,
        header: &file.header,
        columns: file.columns,
        delimiter: file.opened.dialect.delimiter,
    };
    let results = run_pool(parallel.threads, ranges.len(), |i| {
        let (start, end) = ranges[i];
        read_range(input, &shape, ctx, &template, start, end, &quote_seen)
    });
    if quote_seen.load(Ordering::Relaxed) {
        return Ok(false);
    }
    let mut lines_before = start.lines_before;
    for result in results {
        let result = result?;
        problems.merge(result.problems.shifted(lines_before));
        agg.absorb(result.agg);
        lines_before += result.newlines;
    }
    Ok(true)
}

/// What a range reader needs to know of its file.
struct FileShape<'a> {
    name: &'a str,
    header: &'a HeaderMap,
    columns: EventColumns,
    delimiter: u8,
}

fn read_range(
    input: &InputPath,
    file: &FileShape,
    ctx: &ScanContext,
    template: &Aggregate,
    start: u64,
    end: u64,
    quote_seen: &AtomicBool,
) -> Result<RangeResult> {
    let range = RangeReader::open(&input.path, start, end)?;
    // A range with a quote is thrown away and the file re-read on one thread, so the
    // quote-free reader gives the csv crate's records here.
    let mut reader = PlainRecords::new(range, file.delimiter);
    let mut agg = template.clone();
    let mut problems = Problems::new(false);
    let mut row = RowScanner::new(ctx, file.columns, file.name, file.header);
    while let Some(fields) = reader
        .read()
        .with_context(|| format!("{}: cannot read", file.name))?
    {
        if let Some(problem) = row.scan(&fields, &mut agg) {
            problems.record(problem)?;
        }
        if quote_seen.load(Ordering::Relaxed) {
            break;
        }
    }
    if reader.quote_seen() {
        quote_seen.store(true, Ordering::Relaxed);
    }
    row.finish(&mut agg);
    agg.settle();
    Ok(RangeResult {
        agg,
        problems,
        newlines: reader.newlines(),
    })
}

/// Runs `job(0..count)` on up to `threads` threads; results come back in index order.
fn run_pool<T: Send>(threads: usize, count: usize, job: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<T>>> = (0..count).map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.min(count) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let result = job(i);
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every job ran")
        })
        .collect()
}
