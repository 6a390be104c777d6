//! The one streaming pass over the usage logs: each row is read, sorted into
//! skipped / excluded / orphan / counted, and tallied into an [`Aggregate`].

use crate::analysis::aggregate::Aggregate;
use crate::config::{EventFilter, ReadOptions, Window};
use crate::input::assets::{read_headers, FileReport};
use crate::input::headers::{Field, HeaderMap, Role};
use crate::input::problems::{Problem, Problems};
use crate::input::source::{open_csv, InputPath};
use crate::input::time::TimeParser;
use crate::input_error;
use crate::model::{fold_key_into, trim_bytes, Inventory};
use anyhow::{Context, Result};
use csv::ByteRecord;

/// What the pass needs to decide whether a row counts.
pub struct ScanContext<'a> {
    pub inventory: &'a Inventory,
    pub filter: &'a EventFilter,
    pub window: Window,
    pub time: &'a TimeParser,
    /// A report splits by team, so the files must have one.
    pub needs_team: bool,
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

/// Reads every events file in order into `agg`; returns what `check` shows of each file.
pub fn scan_events(
    opts: &ReadOptions,
    ctx: &ScanContext,
    agg: &mut Aggregate,
    problems: &mut Problems,
) -> Result<Vec<FileReport>> {
    let mut reports = Vec::new();
    for input in &opts.events {
        reports.push(scan_file(input, opts, ctx, agg, problems)?);
    }
    Ok(reports)
}

fn scan_file(
    input: &InputPath,
    opts: &ReadOptions,
    ctx: &ScanContext,
    agg: &mut Aggregate,
    problems: &mut Problems,
) -> Result<FileReport> {
    let file = input.display().to_string();
    let mut opened = open_csv(input, opts.delimiter)?;
    let headers = read_headers(&mut opened.reader, &file)?;
    let header = HeaderMap::build(Role::Events, &headers, &opts.overrides)?;
    let columns = EventColumns::resolve(&header, &file, ctx)?;
    let mut row = RowScanner::new(ctx, columns, &file, &header);
    let mut record = ByteRecord::new();
    let read_before = agg.counts.read;
    while opened
        .reader
        .read_byte_record(&mut record)
        .with_context(|| format!("{file}: cannot read"))?
    {
        if let Some(problem) = row.scan(&record, agg) {
            problems.record(problem)?;
        }
    }
    Ok(FileReport {
        path: file,
        role: Role::Events,
        dialect: opened.dialect,
        rows: agg.counts.read - read_before,
        header,
    })
}

/// Classifies and tallies rows of one file, reusing its buffers from row to row.
pub struct RowScanner<'a> {
    ctx: &'a ScanContext<'a>,
    columns: EventColumns,
    file: &'a str,
    header: &'a HeaderMap,
    user_key: Vec<u8>,
    team_key: Vec<u8>,
    kind_key: Vec<u8>,
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
            user_key: Vec::new(),
            team_key: Vec::new(),
            kind_key: Vec::new(),
        }
    }

    /// Tallies one row; a bad row is counted as skipped and returned as a problem.
    #[inline]
    pub fn scan(&mut self, record: &ByteRecord, agg: &mut Aggregate) -> Option<Problem> {
        agg.counts.read += 1;
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
        let asset_raw = trim_bytes(&record[cols.asset]);
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
                "cannot read the time; row skipped:"
            };
            return Some(self.problem(record, Some(cols.time), message.into()));
        };
        agg.saw_time(t);
        let asset = self.ctx.inventory.lookup(asset_raw);
        if !self.admits(record, t, asset) {
            agg.exclude(asset);
            return None;
        }
        let Some(asset) = asset else {
            agg.orphan(asset_raw);
            return None;
        };
        let user = match cols.user {
            Some(c) if !self.user_key.is_empty() => Some(agg.user_id(&self.user_key, &record[c])),
            _ => None,
        };
        let team = match cols.team {
            Some(c) if !self.team_key.is_empty() => {
                Some(agg.teams.intern(&self.team_key, &record[c]))
            }
            _ => None,
        };
        agg.count(asset, t, user, team);
        None
    }

    /// The window and every filter but the inventory; fills the folded keys as it goes.
    #[inline]
    fn admits(&mut self, record: &ByteRecord, t: i64, asset: Option<u32>) -> bool {
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
        self.team_key.clear();
        if let Some(c) = self.columns.team {
            fold_key_into(&record[c], &mut self.team_key);
            if !filter.admits_team(&self.team_key) {
                return false;
            }
        }
        self.user_key.clear();
        if let Some(c) = self.columns.user {
            fold_key_into(&record[c], &mut self.user_key);
            if !filter.admits_user(&self.user_key) {
                return false;
            }
            if filter.exclude_owners && !self.user_key.is_empty() {
                if let Some(a) = asset {
                    if ctx.inventory.assets[a as usize].owner_key == self.user_key {
                        return false;
                    }
                }
            }
        }
        true
    }

    #[cold]
    fn problem(&self, record: &ByteRecord, column: Option<usize>, message: String) -> Problem {
        Problem {
            file: self.file.to_string(),
            line: record.position().map_or(0, |p| p.line()),
            column: column.map(|c| self.header.headers[c].clone()),
            value: column.map(|c| String::from_utf8_lossy(&record[c]).into_owned()),
            message,
        }
    }
}
