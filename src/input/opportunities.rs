//! Loading the opportunities export (`--opportunities`): one deal per id, with its outcome,
//! amount, owner, account and created and close days.

use crate::config::ReadOptions;
use crate::input::decimal::CostReading;
use crate::input::fields::Fields;
use crate::input::file_report::{read_headers, FileReport};
use crate::input::headers::{Field, HeaderMap, Role};
use crate::input::numbers::parse_cost;
use crate::input::problems::{Problem, Problems};
use crate::input::records::each_record;
use crate::input::source::{open_csv, InputPath};
use crate::input::time::MS_PER_DAY;
use crate::input_error;
use crate::model::{fold_key, fold_key_into, trim_bytes};
use anyhow::Result;
use rustc_hash::FxHashSet;

/// How a deal ended, or that it has not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Won,
    Lost,
    Open,
}

impl Outcome {
    pub fn is_closed(self) -> bool {
        self != Outcome::Open
    }
}

/// One kept deal. Its texts are in its [`Deals`]' one buffer (read them through
/// [`Deals::id`] and the like): a hundred thousand deals are then not four hundred thousand
/// allocations to make and free.
#[derive(Debug, Clone, PartialEq)]
pub struct Deal {
    /// Trimmed, compared exactly.
    id: TextSpan,
    /// As spelled (trimmed), and folded for comparison with event users.
    owner: TextSpan,
    owner_key: TextSpan,
    /// Folded for comparison with the events' account.
    account_key: TextSpan,
    pub amount: f64,
    pub outcome: Outcome,
    /// Days since 1970-01-01 (UTC).
    pub created_day: Option<i64>,
    pub close_day: Option<i64>,
}

/// Where a text sits in [`Deals::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TextSpan {
    start: u32,
    len: u32,
}

impl TextSpan {
    /// Appends `bytes` to `text`; where they sit.
    fn push(text: &mut Vec<u8>, bytes: &[u8]) -> TextSpan {
        let start = text.len();
        text.extend_from_slice(bytes);
        TextSpan {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            len: u32::try_from(bytes.len()).unwrap_or(0),
        }
    }
}

/// `--won-stage` when not given.
pub const DEFAULT_WON_STAGES: [&str; 2] = ["Won", "Closed Won"];
/// `--lost-stage` when not given.
pub const DEFAULT_LOST_STAGES: [&str; 2] = ["Lost", "Closed Lost"];

/// The stages that mean won and lost when the file has no won or closed column.
#[derive(Debug, Clone)]
pub struct StageRules {
    pub won: Vec<Vec<u8>>,
    pub lost: Vec<Vec<u8>>,
}

impl StageRules {
    /// `--won-stage` and `--lost-stage`, their defaults when not given.
    pub fn new(won: &[String], lost: &[String]) -> StageRules {
        let fold = |given: &[String], default: &[&str]| -> Vec<Vec<u8>> {
            if given.is_empty() {
                default.iter().map(|s| fold_key(s)).collect()
            } else {
                given.iter().map(|s| fold_key(s)).collect()
            }
        };
        StageRules {
            won: fold(won, &DEFAULT_WON_STAGES),
            lost: fold(lost, &DEFAULT_LOST_STAGES),
        }
    }
}

/// The deals of every opportunities file, and how their rows were accounted for:
/// `read` = `skipped` + `duplicate` + the deals kept.
#[derive(Debug, Clone, Default)]
pub struct Deals {
    pub deals: Vec<Deal>,
    /// Every deal's id, owner and keys, one after another.
    text: Vec<u8>,
    pub read: u64,
    pub skipped: u64,
    pub duplicate: u64,
    pub values_invalid: u64,
    /// Every file has an owner / account column.
    pub has_owner: bool,
    pub has_account: bool,
    /// The headers of the first file, for messages.
    pub headers: Vec<String>,
}

impl Deals {
    fn text(&self, span: TextSpan) -> &[u8] {
        let start = span.start as usize;
        self.text
            .get(start..start + span.len as usize)
            .unwrap_or_default()
    }

    /// The deal's id, trimmed.
    pub fn id(&self, deal: &Deal) -> &[u8] {
        self.text(deal.id)
    }

    /// The deal's owner as spelled, trimmed.
    pub fn owner(&self, deal: &Deal) -> &str {
        std::str::from_utf8(self.text(deal.owner)).unwrap_or_default()
    }

    /// The owner folded, as event users are compared.
    pub fn owner_key(&self, deal: &Deal) -> &[u8] {
        self.text(deal.owner_key)
    }

    /// The account folded, as the events' accounts are compared.
    pub fn account_key(&self, deal: &Deal) -> &[u8] {
        self.text(deal.account_key)
    }

    /// Drops every deal whose id an earlier one has (the first kept row wins), counting them.
    fn drop_repeated_ids(&mut self) {
        let mut seen: FxHashSet<&[u8]> = FxHashSet::default();
        seen.reserve(self.deals.len());
        let keep: Vec<bool> = self
            .deals
            .iter()
            .map(|deal| seen.insert(self.text(deal.id)))
            .collect();
        drop(seen);
        let before = self.deals.len();
        let mut kept = keep.into_iter();
        self.deals.retain(|_| kept.next().unwrap_or(true));
        self.duplicate += (before - self.deals.len()) as u64;
    }
}

/// `true`, `1`, `yes`, `y` in any case.
pub fn is_true(raw: &[u8]) -> bool {
    let v = trim_bytes(raw);
    ["true", "1", "yes", "y"]
        .iter()
        .any(|t| v.eq_ignore_ascii_case(t.as_bytes()))
}

/// Reads every file of `paths` in order.
pub fn load_deals(
    paths: &[InputPath],
    opts: &ReadOptions,
    rules: &StageRules,
    problems: &mut Problems,
) -> Result<(Deals, Vec<FileReport>)> {
    let mut deals = Deals {
        has_owner: true,
        has_account: true,
        ..Deals::default()
    };
    let mut reports = Vec::new();
    for path in paths {
        reports.push(load_file(path, opts, rules, problems, &mut deals)?);
    }
    deals.drop_repeated_ids();
    Ok((deals, reports))
}

/// Where the fields sit in one file.
struct Columns {
    id: usize,
    amount: usize,
    owner: Option<usize>,
    account: Option<usize>,
    stage: Option<usize>,
    won: Option<usize>,
    closed: Option<usize>,
    created: Option<usize>,
    close: Option<usize>,
}

fn load_file(
    path: &InputPath,
    opts: &ReadOptions,
    rules: &StageRules,
    problems: &mut Problems,
    deals: &mut Deals,
) -> Result<FileReport> {
    let mut opened = open_csv(path, opts, Role::Opportunities)?;
    let file = path.display().to_string();
    let headers = read_headers(&mut opened.reader, &file)?;
    let header = HeaderMap::build(Role::Opportunities, &headers, &opts.overrides)?;
    header.require(&file)?;
    for note in opened.notes.drain(..).chain(header.notes(&file)) {
        problems.note(note);
    }
    let cols = Columns {
        id: header.column(Field::DealId).expect("required"),
        amount: header.column(Field::Amount).expect("required"),
        owner: header.column(Field::DealOwner),
        account: header.column(Field::DealAccount),
        stage: header.column(Field::Stage),
        won: header.column(Field::Won),
        closed: header.column(Field::Closed),
        created: header.column(Field::DealCreated),
        close: header.column(Field::CloseDate),
    };
    if cols.won.is_none() && cols.stage.is_none() {
        return Err(input_error!(
            "{file}: the opportunities need a won column (is won, iswon, won) or a stage column (stage, stage name, stagename, deal_stage, deal stage, status) to tell won deals; headers found: {}; map one with --col opportunities.won=HEADER or --col opportunities.stage=HEADER",
            header.quoted_headers()
        ));
    }
    if deals.headers.is_empty() {
        deals.headers = headers.clone();
    }
    deals.has_owner &= cols.owner.is_some();
    deals.has_account &= cols.account.is_some();
    let mut rows = HeldRows::default();
    each_record(path, &mut opened, &file, opts, |fields, lines_before| {
        rows.push(fields, lines_before + fields.line());
        Ok(())
    })?;
    let amounts = (0..rows.len())
        .filter(|&i| rows.width(i) == headers.len())
        .map(|i| {
            let row = rows.row(i);
            (
                std::str::from_utf8(row.field(cols.amount)).unwrap_or(""),
                row.line(),
            )
        });
    let reading = CostReading::decide(opts.decimal, amounts)
        .map_err(|undecided| input_error!("{}", undecided.message(&file)))?;
    if let Some(note) = reading.note(&file) {
        problems.note(note);
    }
    let reader = RowReader {
        file: &file,
        headers: &headers,
        cols: &cols,
        rules,
        opts,
        decimal: reading.decimal,
    };
    for bad in std::mem::take(&mut opened.bad_rows) {
        deals.read += 1;
        deals.skipped += 1;
        problems.record(bad)?;
    }
    // Room for a row's folded values, reused from row to row.
    let mut scratch = Scratch::default();
    for i in 0..rows.len() {
        let record = rows.row(i);
        deals.read += 1;
        let invalid = &mut deals.values_invalid;
        match reader.deal(&record, problems, invalid, &mut scratch, &mut deals.text)? {
            None => deals.skipped += 1,
            // Repeated ids are dropped once every file is read.
            Some(deal) => deals.deals.push(deal),
        }
    }
    Ok(FileReport {
        path: file.clone(),
        role: Role::Opportunities,
        dialect: opened.dialect,
        header,
        rows: rows.len() as u64,
        costs: None,
    })
}

/// The rows of a file, held until the amounts' decimal separator is decided: every field's
/// bytes in one buffer, not a record (three allocations) a row.
#[derive(Default)]
struct HeldRows {
    bytes: Vec<u8>,
    /// Where each field ends in `bytes`.
    ends: Vec<usize>,
    /// Each row's first field (an index into `ends`) and line.
    rows: Vec<(usize, u64)>,
}

impl HeldRows {
    fn push(&mut self, record: &Fields, line: u64) {
        self.rows.push((self.ends.len(), line));
        for field in record.iter() {
            self.bytes.extend_from_slice(field);
            self.ends.push(self.bytes.len());
        }
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    /// Row `i`'s fields, as indexes into `ends`.
    fn span(&self, i: usize) -> std::ops::Range<usize> {
        let end = self.rows.get(i + 1).map_or(self.ends.len(), |r| r.0);
        self.rows[i].0..end
    }

    fn width(&self, i: usize) -> usize {
        self.span(i).len()
    }

    /// Row `i`, read where it is held (no copy into a record).
    fn row(&self, i: usize) -> HeldRow<'_> {
        let span = self.span(i);
        let start = if span.start == 0 {
            0
        } else {
            self.ends[span.start - 1]
        };
        HeldRow {
            bytes: &self.bytes,
            start,
            ends: &self.ends[span],
            line: self.rows[i].1,
        }
    }
}

/// One held row: its fields by column, as a record's.
struct HeldRow<'a> {
    bytes: &'a [u8],
    /// Where the first field starts in `bytes`, and where each ends.
    start: usize,
    ends: &'a [usize],
    line: u64,
}

impl<'a> HeldRow<'a> {
    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The field in `column`, borrowed from the held rows (not from this view of one).
    fn field(&self, column: usize) -> &'a [u8] {
        let start = match column {
            0 => self.start,
            _ => self.ends[column - 1],
        };
        &self.bytes[start..self.ends[column]]
    }

    fn line(&self) -> u64 {
        self.line
    }
}

impl std::ops::Index<usize> for HeldRow<'_> {
    type Output = [u8];

    fn index(&self, column: usize) -> &[u8] {
        self.field(column)
    }
}

struct RowReader<'a> {
    file: &'a str,
    headers: &'a [String],
    cols: &'a Columns,
    rules: &'a StageRules,
    opts: &'a ReadOptions,
    decimal: crate::input::numbers::DecimalSeparator,
}

impl RowReader<'_> {
    fn problem(&self, column: Option<usize>, record: &HeldRow, message: String) -> Problem {
        Problem {
            file: self.file.to_string(),
            line: record.line(),
            last_line: None,
            column: column.map(|c| self.headers[c].clone()),
            value: column.map(|c| String::from_utf8_lossy(&record[c]).into_owned()),
            message,
        }
    }

    /// The deal of a row, or `None` for a row that is skipped (told to `problems`).
    fn deal(
        &self,
        record: &HeldRow,
        problems: &mut Problems,
        invalid: &mut u64,
        scratch: &mut Scratch,
        text: &mut Vec<u8>,
    ) -> Result<Option<Deal>> {
        let cols = self.cols;
        if record.len() != self.headers.len() {
            let message = format!(
                "expected {} fields, found {}; deal skipped",
                self.headers.len(),
                record.len()
            );
            problems.record(self.problem(None, record, message))?;
            return Ok(None);
        }
        let id = trim_bytes(&record[cols.id]);
        if id.is_empty() {
            problems.record(self.problem(
                Some(cols.id),
                record,
                "empty opportunity id; deal skipped".into(),
            ))?;
            return Ok(None);
        }
        let stage = &mut scratch.stage;
        stage.clear();
        if let Some(c) = cols.stage {
            fold_key_into(&record[c], stage);
        }
        let won = match cols.won {
            Some(c) => is_true(&record[c]),
            None => self.rules.won.contains(stage),
        };
        let closed = won
            || match cols.closed {
                Some(c) => is_true(&record[c]),
                None => cols.stage.is_some() && self.rules.lost.contains(stage),
            };
        let outcome = match (won, closed) {
            (true, _) => Outcome::Won,
            (false, true) => Outcome::Lost,
            (false, false) => Outcome::Open,
        };
        let day = |c: Option<usize>| -> (bool, Option<i64>) {
            match c {
                None => (false, None),
                Some(c) if trim_bytes(&record[c]).is_empty() => (false, None),
                Some(c) => (
                    true,
                    self.opts
                        .time
                        .parse(&record[c])
                        .map(|t| t.div_euclid(MS_PER_DAY)),
                ),
            }
        };
        let (_, mut close_day) = day(cols.close);
        if outcome.is_closed() && close_day.is_none() {
            let message = "a closed deal without a readable close date; deal skipped".to_string();
            problems.record(self.problem(cols.close, record, message))?;
            return Ok(None);
        }
        if !outcome.is_closed() {
            close_day = None;
        }
        let (given, mut created_day) = day(cols.created);
        if given && created_day.is_none() {
            *invalid += 1;
            let message =
                "cannot read the created date; the deal is read as having none".to_string();
            problems.record(self.problem(cols.created, record, message))?;
        }
        if let (Some(created), Some(close)) = (created_day, close_day) {
            if close < created {
                *invalid += 1;
                created_day = Some(close);
                let message =
                    "the close date is before the created date; the close day is used as the created day"
                        .to_string();
                problems.record(self.problem(cols.close, record, message))?;
            }
        }
        let raw_amount = crate::model::lossy(&record[cols.amount]);
        let amount = match parse_cost(&raw_amount, self.decimal) {
            Ok(Some(a)) => a,
            Ok(None) if outcome == Outcome::Won => {
                *invalid += 1;
                let message = "a won deal without an amount; read as 0".to_string();
                problems.record(self.problem(Some(cols.amount), record, message))?;
                0.0
            }
            Ok(None) => 0.0,
            Err(why) => {
                *invalid += 1;
                let message = format!("cannot read the amount ({why}); read as 0");
                problems.record(self.problem(Some(cols.amount), record, message))?;
                0.0
            }
        };
        let owner_raw = cols.owner.map_or(&b""[..], |c| &record[c]);
        let id = TextSpan::push(text, id);
        let owner_spelling = crate::model::lossy(trim_bytes(owner_raw));
        let owner = TextSpan::push(text, owner_spelling.as_bytes());
        fold_key_into(owner_raw, &mut scratch.key);
        let owner_key = TextSpan::push(text, &scratch.key);
        scratch.key.clear();
        if let Some(c) = cols.account {
            fold_key_into(&record[c], &mut scratch.key);
        }
        let account_key = TextSpan::push(text, &scratch.key);
        Ok(Some(Deal {
            id,
            owner,
            owner_key,
            account_key,
            amount,
            outcome,
            created_day,
            close_day,
        }))
    }
}

/// Room for one row's folded values, reused from row to row.
#[derive(Default)]
struct Scratch {
    stage: Vec<u8>,
    key: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truth_values() {
        for t in ["true", "TRUE", "1", "yes", " Y "] {
            assert!(is_true(t.as_bytes()), "{t}");
        }
        for f in ["false", "0", "", "no", "won"] {
            assert!(!is_true(f.as_bytes()), "{f}");
        }
    }

    #[test]
    fn default_stages_fold() {
        let rules = StageRules::new(&[], &["Dead ".to_string()]);
        assert!(rules.won.contains(&b"closed won".to_vec()));
        assert_eq!(rules.lost, vec![b"dead".to_vec()]);
    }
}
