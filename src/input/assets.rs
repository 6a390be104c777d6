//! Loading the asset inventory into memory (it is small next to the usage log).

use crate::input::currency::CurrencyTally;
use crate::input::date_order::{Clash, ColumnOrder};
use crate::input::decimal::CostReading;
use crate::input::file_report::read_headers;
use crate::input::headers::{Field, HeaderMap, Role};
use crate::input::numbers::{parse_cost, DecimalSeparator};
use crate::input::options::ReadOptions;
use crate::input::problems::{Problem, Problems, NOT_UTF8};
use crate::input::source::{open_csv, read_record, record_line};
use crate::input::time::TimeParser;
use crate::input_error;
use crate::model::{self, fold_key_into, trim_bytes, Asset, Inventory, RowText};
use anyhow::{Context, Result};
use csv::ByteRecord;

// Until src/commands/check.rs imports it from its own module.
pub use crate::input::file_report::FileReport;

/// Where the logical fields sit in an inventory row.
struct AssetColumns {
    id: usize,
    title: Option<usize>,
    kind: Option<usize>,
    owner: Option<usize>,
    created: Option<usize>,
    cost: Option<usize>,
}

impl AssetColumns {
    fn from_map(map: &HeaderMap) -> Option<AssetColumns> {
        Some(AssetColumns {
            id: map.column(Field::AssetId)?,
            title: map.column(Field::Title),
            kind: map.column(Field::AssetType),
            owner: map.column(Field::Owner),
            created: map.column(Field::Created),
            cost: map.column(Field::Cost),
        })
    }
}

/// Loads the inventory. Bad rows and values are counted in `inventory.stats` and recorded in `problems`.
pub fn load_inventory(
    opts: &ReadOptions,
    problems: &mut Problems,
) -> Result<(Inventory, FileReport)> {
    let input = &opts.assets;
    let mut opened = open_csv(input, opts, Role::Assets)?;
    let file = input.display().to_string();
    let headers = read_headers(&mut opened.reader, &file)?;
    let header = HeaderMap::build(Role::Assets, &headers, &opts.overrides)?;
    header.require(&file)?;
    for note in opened.notes.drain(..).chain(header.notes(&file)) {
        problems.note(note);
    }
    let columns = AssetColumns::from_map(&header).expect("required column checked above");
    let field_columns = header
        .matches
        .iter()
        .filter_map(|m| Some((m.field.name(), m.column?)))
        .collect();
    let mut inventory = Inventory {
        headers: headers.clone(),
        field_columns,
        has_cost: columns.cost.is_some(),
        has_owner: columns.owner.is_some(),
        ..Inventory::default()
    };
    let created_order = match columns.created {
        Some(c) => {
            ColumnOrder::from_sample(&opts.time, &opened.sample, opened.dialect.delimiter, c)
        }
        None => ColumnOrder::of(&opts.time),
    };
    let mut loader = Loader {
        file: &file,
        header: &header,
        columns: &columns,
        time: &opts.time,
        created_order,
        found: Vec::new(),
        costs: Vec::new(),
        owners: Default::default(),
        key: Vec::new(),
        warned_encoding: false,
        last_line: None,
    };
    for bad in std::mem::take(&mut opened.bad_rows) {
        inventory.stats.rows_read += 1;
        inventory.stats.rows_skipped += 1;
        problems.record(bad)?;
    }
    let mut record = ByteRecord::new();
    while read_record(&mut opened.reader, &opened.lines, &mut record, &file, 0)? {
        inventory.stats.rows_read += 1;
        let line = record_line(&record, &opened.lines);
        loader.add_row(&record, line, &mut inventory)?;
    }
    // The cost column's values decide its decimal separator, so costs are read once every
    // row is: their raw text is kept until then (not the rows, which would double the
    // inventory's memory), and the problems found are told in line order afterwards.
    let costs = match columns.cost {
        Some(column) => {
            let assets = &inventory.assets;
            let values = loader
                .costs
                .iter()
                .map(|c| (assets[c.position as usize].fields.get(column), c.line));
            let reading = CostReading::decide(opts.decimal, values)
                .map_err(|undecided| input_error!("{}", undecided.message(&file)))?;
            if let Some(note) = reading.note(&file) {
                problems.note(note);
            }
            loader.read_costs(reading.decimal, column, &mut inventory);
            Some(reading)
        }
        None => None,
    };
    loader.found.sort_by_key(|p| p.line);
    for problem in loader.found.drain(..) {
        problems.record(problem)?;
    }
    let created_note = columns
        .created
        .and_then(|c| loader.created_order.note(&file, &header.headers[c]));
    if let Some(note) = created_note {
        problems.note(note);
    }
    if let Some(note) = input.padding_note() {
        problems.note(note);
    }
    let rows = inventory.stats.rows_read;
    if rows == 0 {
        problems.note(format!(
            "{file}: no data rows after the header: the library is empty"
        ));
    }
    let report = FileReport {
        path: file,
        role: Role::Assets,
        dialect: opened.dialect,
        header,
        rows,
        costs,
    };
    Ok((inventory, report))
}

/// Where a kept asset's cost was written (its text is in the asset's fields).
struct RawCost {
    position: u32,
    line: u64,
    last_line: Option<u64>,
}

struct Loader<'a> {
    file: &'a str,
    header: &'a HeaderMap,
    columns: &'a AssetColumns,
    time: &'a TimeParser,
    /// The day/month order of the created dates' slash dates.
    created_order: ColumnOrder,
    /// Problems found, told once the costs are read too (in line order).
    found: Vec<Problem>,
    /// The kept assets' costs as written, read once the separator is decided.
    costs: Vec<RawCost>,
    /// The owners seen, folded, by index.
    owners: rustc_hash::FxHashMap<Vec<u8>, u32>,
    /// A folded owner, reused from row to row.
    key: Vec<u8>,
    /// Text that is not UTF-8 is told once per file, not on every row.
    warned_encoding: bool,
    /// The line the row being loaded ends on, when it runs over several.
    last_line: Option<u64>,
}

impl Loader<'_> {
    fn add_row(&mut self, record: &ByteRecord, line: u64, inventory: &mut Inventory) -> Result<()> {
        self.last_line = crate::input::lines::last_line(record.as_slice(), || line);
        let width = self.header.headers.len();
        if record.len() != width {
            inventory.stats.rows_skipped += 1;
            let message = format!(
                "expected {width} fields, found {}; asset row skipped",
                record.len()
            );
            return self.problem(line, None, None, message);
        }
        if trim_bytes(&record[self.columns.id]).is_empty() {
            inventory.stats.rows_skipped += 1;
            let column = Some(self.columns.id);
            return self.problem(
                line,
                column,
                None,
                "empty asset id; asset row skipped".into(),
            );
        }
        // The row's text, every field trimmed (and mended where it is not UTF-8): the id and
        // owner are read from it.
        let fields = RowText::from_bytes(record.iter().map(trim_bytes));
        let id = fields.get(self.columns.id);
        let position =
            u32::try_from(inventory.assets.len()).context("more than 4 billion assets")?;
        // Every step after this keeps the row or fails the whole reading.
        if !inventory.index.insert_new(id.as_bytes(), position) {
            inventory.stats.duplicates += 1;
            let column = Some(self.columns.id);
            let message = "duplicate asset id; the first row wins, this one is ignored".into();
            return self.problem(line, column, Some(id.to_string()), message);
        }
        if !self.warned_encoding && !record.as_slice().is_ascii() {
            self.warn_invalid_utf8(record, line)?;
        }
        let created = self.created(record, line, inventory)?;
        if let Some(column) = self.columns.cost {
            if !trim_bytes(&record[column]).is_empty() {
                let last_line = self.last_line;
                self.costs.push(RawCost {
                    position,
                    line,
                    last_line,
                });
            }
        }
        let column = |c: Option<usize>| c.map_or(model::AssetColumns::NONE, |c| c as u32);
        let owner = self.columns.owner.map_or("", |c| fields.get(c));
        let owner_key = self.owner_key(owner, inventory);
        let asset = Asset {
            columns: model::AssetColumns {
                id: self.columns.id as u32,
                title: column(self.columns.title),
                kind: column(self.columns.kind),
                owner: column(self.columns.owner),
            },
            owner_key,
            created,
            cost: None,
            fields,
        };
        inventory.assets.push(asset);
        Ok(())
    }

    fn created(
        &mut self,
        record: &ByteRecord,
        line: u64,
        inventory: &mut Inventory,
    ) -> Result<Option<i64>> {
        let Some(column) = self.columns.created else {
            return Ok(None);
        };
        let raw = trim_bytes(&record[column]);
        if raw.is_empty() {
            return Ok(None);
        }
        match self.time.read(raw, &mut self.created_order, || line) {
            Ok(Some(t)) => Ok(Some(t)),
            Err(Clash(message)) => Err(input_error!(
                "{}",
                Problem {
                    file: self.file.to_string(),
                    line,
                    last_line: None,
                    column: Some(self.header.headers[column].clone()),
                    value: Some(text(raw)),
                    message,
                }
            )),
            Ok(None) => {
                inventory.stats.values_invalid += 1;
                let message = "cannot read the created date; kept as undated".into();
                self.problem(line, Some(column), Some(text(raw)), message)?;
                Ok(None)
            }
        }
    }

    /// The index of `owner`'s folded form among the inventory's owners.
    fn owner_key(&mut self, owner: &str, inventory: &mut Inventory) -> u32 {
        fold_key_into(owner.as_bytes(), &mut self.key);
        if let Some(&id) = self.owners.get(self.key.as_slice()) {
            return id;
        }
        let id = inventory.owner_keys.len() as u32;
        inventory
            .owner_keys
            .push(self.key.clone().into_boxed_slice());
        self.owners.insert(self.key.clone(), id);
        id
    }

    /// Reads the kept costs with the decided separator into the assets.
    fn read_costs(&mut self, decimal: DecimalSeparator, column: usize, inventory: &mut Inventory) {
        let mut currency = CurrencyTally::default();
        for cost in std::mem::take(&mut self.costs) {
            let asset = &mut inventory.assets[cost.position as usize];
            currency.add(asset.fields.get(column));
            match parse_cost(asset.fields.get(column), decimal) {
                Ok(value) => asset.cost = value,
                Err(why) => {
                    let raw = asset.fields.get(column).to_string();
                    inventory.stats.values_invalid += 1;
                    let message = format!("cannot read the cost ({why}); kept empty");
                    self.last_line = cost.last_line;
                    let _ = self.problem(cost.line, Some(column), Some(raw), message);
                }
            }
        }
        inventory.cost_currency = currency.currency();
    }

    fn warn_invalid_utf8(&mut self, record: &ByteRecord, line: u64) -> Result<()> {
        let Some(column) = (0..record.len()).find(|&c| std::str::from_utf8(&record[c]).is_err())
        else {
            return Ok(());
        };
        self.warned_encoding = true;
        let value = String::from_utf8_lossy(&record[column]).into_owned();
        self.problem(line, Some(column), Some(value), NOT_UTF8.into())
    }

    fn problem(
        &mut self,
        line: u64,
        column: Option<usize>,
        value: Option<String>,
        message: String,
    ) -> Result<()> {
        self.found.push(Problem {
            file: self.file.to_string(),
            line,
            last_line: self.last_line,
            column: column.map(|c| self.header.headers[c].clone()),
            value,
            message,
        });
        Ok(())
    }
}

fn text(bytes: &[u8]) -> String {
    model::lossy(bytes).into_owned()
}
