//! The one streaming pass over the usage logs: each row is read, sorted into
//! skipped / excluded / orphan / counted, and tallied into an [`Aggregate`].

use crate::analysis::aggregate::Aggregate;
use crate::analysis::values::ValueCache;
use crate::cli::EncodingArg;
use crate::config::{EventFilter, ReadOptions, Window};
use crate::input::assets::{read_headers, FileReport};
use crate::input::chunks::{split_at_newlines, RangeReader};
use crate::input::fields::Fields;
use crate::input::headers::{Field, HeaderMap, Role};
use crate::input::lines::{Counting, LineIndex};
use crate::input::plain::PlainRecords;
use crate::input::problems::{Problem, Problems, NOT_UTF8};
use crate::input::source::{open_csv, reopen_at, InputPath, OpenedCsv};
use crate::input::time::{TimeParser, TimeShape};
use crate::input_error;
use crate::model::{fold_key_into, trim_bytes, Inventory};
use crate::progress;
use anyhow::{Context, Result};
use csv::ByteRecord;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// What the pass needs to decide whether a row counts.
pub struct ScanContext<'a> {
    pub inventory: &'a Inventory,
    pub filter: &'a EventFilter,
    pub window: Window,
    pub time: &'a TimeParser,
    /// A report splits by team, so the files must have one.
    pub needs_team: bool,
    /// The asset id sits inside a JSON object in the asset column, under this key (a preset's).
    pub asset_json_key: Option<&'static str>,
}

/// Where the logical fields sit in one event file.
#[derive(Debug, Clone, Copy)]
pub struct EventColumns {
    pub asset: usize,
    pub time: usize,
    pub user: Option<usize>,
    pub team: Option<usize>,
    pub kind: Option<usize>,
    pub width: usize,
}

impl EventColumns {
    /// The columns of a mapped header; fails when the file lacks a field that is required
    /// or that a filter needs.
    pub fn resolve(map: &HeaderMap, file: &str, ctx: &ScanContext) -> Result<EventColumns> {
        map.require(file)?;
        let needed = |field: Field, wanted: bool, option: &str| -> Result<Option<usize>> {
            let column = map.column(field);
            if wanted && column.is_none() {
                let err = map.missing_error(file, field);
                return Err(input_error!(
                    "{option} needs a {} column. {err}",
                    field.name()
                ));
            }
            Ok(column)
        };
        let filter = ctx.filter;
        let user = needed(
            Field::User,
            filter.exclude_owners || !filter.exclude_users.is_empty(),
            if filter.exclude_owners {
                "--exclude-owners"
            } else {
                "--exclude-user"
            },
        )?;
        if filter.exclude_owners && !ctx.inventory.has_owner {
            return Err(input_error!(
                "--exclude-owners needs an owner column in the inventory; headers found: {}",
                crate::input::headers::quote_list(&ctx.inventory.headers)
            ));
        }
        Ok(EventColumns {
            asset: map.column(Field::EventAsset).expect("required"),
            time: map.column(Field::Time).expect("required"),
            user,
            team: needed(
                Field::Team,
                !filter.teams.is_empty() || ctx.needs_team,
                if ctx.needs_team {
                    "--by team"
                } else {
                    "--team"
                },
            )?,
            kind: needed(Field::EventType, !filter.types.is_empty(), "--types")?,
            width: map.headers.len(),
        })
    }
}

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
        return scan_csv(
            &mut opened.reader,
            &opened.lines,
            &mut row,
            agg,
            problems,
            0,
        );
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
    if !reader.quote_seen() {
        return Ok(());
    }
    let lines_before = start.lines_before + reader.newlines();
    let (rest, lines) = Counting::new(reader.into_rest());
    let mut rest = csv::ReaderBuilder::new()
        .delimiter(file.opened.dialect.delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(rest);
    scan_csv(&mut rest, &lines, &mut row, agg, problems, lines_before)
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
        .with_context(|| format!("{}: cannot read", row.file))?
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

/// The text under `key` in a cell holding a JSON object (an audit log's `AuditData`).
fn json_string(cell: &[u8], key: &str) -> Option<String> {
    match serde_json::from_slice::<serde_json::Value>(cell)
        .ok()?
        .get(key)?
    {
        serde_json::Value::String(text) => Some(text.clone()),
        _ => None,
    }
}

/// Classifies and tallies rows of one file, reusing its buffers from row to row.
pub struct RowScanner<'a> {
    ctx: &'a ScanContext<'a>,
    columns: EventColumns,
    file: &'a str,
    header: &'a HeaderMap,
    users: ValueCache,
    teams: ValueCache,
    /// The current row's entries in `users` and `teams`, set by `admits`.
    user: Option<usize>,
    team: Option<usize>,
    kind_key: Vec<u8>,
    /// Text that is not UTF-8 is told once per file (or part of a file), not on every row.
    warned_encoding: bool,
    /// The shape of the file's first readable time value, and whether a different one was told.
    first_time_shape: Option<TimeShape>,
    warned_mixed_times: bool,
}

impl<'a> RowScanner<'a> {
    pub fn new(
        ctx: &'a ScanContext<'a>,
        columns: EventColumns,
        file: &'a str,
        header: &'a HeaderMap,
    ) -> Self {
        RowScanner {
            ctx,
            columns,
            file,
            header,
            users: ValueCache::default(),
            teams: ValueCache::default(),
            user: None,
            team: None,
            kind_key: Vec::new(),
            warned_encoding: false,
            first_time_shape: None,
            warned_mixed_times: false,
        }
    }

    /// Tallies one row; a bad row is counted as skipped and returned as a problem, and so is
    /// the first row of the file with text that is not UTF-8 (counted all the same).
    #[inline]
    pub fn scan(&mut self, record: &Fields, agg: &mut Aggregate) -> Option<Problem> {
        let problem = self.tally(record, agg);
        if problem.is_none() && !self.warned_encoding && !record.is_ascii() {
            return self.invalid_utf8(record);
        }
        problem
    }

    #[cold]
    fn invalid_utf8(&mut self, record: &Fields) -> Option<Problem> {
        let column = (0..record.len()).find(|&c| std::str::from_utf8(&record[c]).is_err())?;
        self.warned_encoding = true;
        Some(self.problem(record, Some(column), NOT_UTF8.into()))
    }

    /// Notes the first time value whose shape differs from the file's first one.
    #[inline]
    fn check_time_shape(&mut self, record: &Fields) -> Option<Problem> {
        let raw = &record[self.columns.time];
        let shape = TimeShape::of(raw);
        let first = *self.first_time_shape.get_or_insert(shape);
        if shape == first {
            return None;
        }
        self.warned_mixed_times = true;
        let message = format!(
            "the time column mixes formats: this is {}, the first rows were {}; it was read, but check that the dates mean what you think (see --day-first, --date-format)",
            shape.describe(),
            first.describe()
        );
        Some(self.problem(record, Some(self.columns.time), message))
    }

    #[inline]
    fn tally(&mut self, record: &Fields, agg: &mut Aggregate) -> Option<Problem> {
        agg.counts.read += 1;
        if agg.counts.read % progress::ROW_BATCH == 0 {
            progress::add_rows(progress::ROW_BATCH);
        }
        let cols = self.columns;
        if record.len() != cols.width {
            agg.counts.skipped += 1;
            let message = format!(
                "expected {} fields, found {}; row skipped",
                cols.width,
                record.len()
            );
            return Some(self.problem(record, None, message));
        }
        let from_json;
        let asset_raw = match self.ctx.asset_json_key {
            None => trim_bytes(&record[cols.asset]),
            Some(key) => match json_string(&record[cols.asset], key) {
                Some(id) => {
                    from_json = id;
                    trim_bytes(from_json.as_bytes())
                }
                None => {
                    agg.counts.skipped += 1;
                    let message = format!("no \"{key}\" text in this JSON cell; row skipped");
                    return Some(self.problem(record, Some(cols.asset), message));
                }
            },
        };
        if asset_raw.is_empty() {
            agg.counts.skipped += 1;
            return Some(self.problem(
                record,
                Some(cols.asset),
                "empty asset id; row skipped".into(),
            ));
        }
        let Some(t) = self.ctx.time.parse(&record[cols.time]) else {
            agg.counts.skipped += 1;
            let message = if trim_bytes(&record[cols.time]).is_empty() {
                "empty time; row skipped"
            } else {
                "cannot read the time; row skipped"
            };
            return Some(self.problem(record, Some(cols.time), message.into()));
        };
        agg.saw_time(t);
        let mixed = if self.warned_mixed_times {
            None
        } else {
            self.check_time_shape(record)
        };
        let asset = self.ctx.inventory.lookup(asset_raw);
        if !self.admits(record, t, asset) {
            agg.exclude(asset);
            return mixed;
        }
        let Some(asset) = asset else {
            agg.orphan(asset_raw);
            return mixed;
        };
        let user = match (cols.user, self.user) {
            (Some(c), Some(entry)) => {
                let known = self.users.get_mut(entry);
                let folded = known.folded.as_bytes();
                (!folded.is_empty()).then(|| {
                    *known
                        .id
                        .get_or_insert_with(|| agg.user_id(folded, &record[c]))
                })
            }
            _ => None,
        };
        let team = match (cols.team, self.team) {
            (Some(c), Some(entry)) => {
                let known = self.teams.get_mut(entry);
                let folded = known.folded.as_bytes();
                (!folded.is_empty()).then(|| {
                    *known
                        .id
                        .get_or_insert_with(|| agg.teams.intern(folded, &record[c]))
                })
            }
            _ => None,
        };
        agg.count(asset, t, user, team);
        mixed
    }

    /// The window and every filter but the inventory; fills the folded keys as it goes.
    #[inline]
    fn admits(&mut self, record: &Fields, t: i64, asset: Option<u32>) -> bool {
        let ctx = self.ctx;
        let filter = ctx.filter;
        if !ctx.window.contains(t) {
            return false;
        }
        if let Some(c) = self.columns.kind {
            if !filter.types.is_empty() {
                fold_key_into(&record[c], &mut self.kind_key);
                if !filter.admits_type(&self.kind_key) {
                    return false;
                }
            }
        }
        self.team = match self.columns.team {
            Some(c) => {
                let entry = self.teams.entry(&record[c], |key| filter.admits_team(key));
                if !self.teams.get(entry).admitted {
                    return false;
                }
                Some(entry)
            }
            None => None,
        };
        self.user = match self.columns.user {
            Some(c) => {
                let entry = self.users.entry(&record[c], |key| filter.admits_user(key));
                let known = self.users.get(entry);
                if !known.admitted {
                    return false;
                }
                if filter.exclude_owners && !known.folded.as_bytes().is_empty() {
                    if let Some(a) = asset {
                        if ctx.inventory.assets[a as usize].owner_key == known.folded.as_bytes() {
                            return false;
                        }
                    }
                }
                Some(entry)
            }
            None => None,
        };
        true
    }

    #[cold]
    fn problem(&self, record: &Fields, column: Option<usize>, message: String) -> Problem {
        Problem {
            file: self.file.to_string(),
            line: record.line(),
            column: column.map(|c| self.header.headers[c].clone()),
            value: column.map(|c| String::from_utf8_lossy(&record[c]).into_owned()),
            message,
        }
    }
}
