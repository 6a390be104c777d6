//! How inputs are found and read: settings the input layer takes, built by the config step.

use crate::input::encoding::Encoding;
use crate::input::headers::ColumnOverride;
use crate::input::numbers::DecimalSeparator;
use crate::input::plan::Parallelism;
use crate::input::source::InputPath;
use crate::input::time::TimeParser;

/// How inputs are found and read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub assets: InputPath,
    pub events: Vec<InputPath>,
    pub roster: Option<InputPath>,
    pub overrides: Vec<ColumnOverride>,
    pub delimiter: Option<u8>,
    /// `--encoding`; `None` reads UTF-8, or UTF-16 when a byte-order mark says so.
    pub encoding: Option<Encoding>,
    pub time: TimeParser,
    /// `--day-first`: also how `--since/--until/--as-of` read a slashed date.
    pub day_first: bool,
    /// `--decimal-comma` or `--decimal-point`; `None` lets the cost column's values decide.
    pub decimal: Option<DecimalSeparator>,
    pub strict: bool,
    pub quiet: bool,
    /// `--max-record-size`: the longest record read, in bytes.
    pub max_record: u64,
    /// Hash the bytes of stream inputs as they are read (for a snapshot's digests).
    pub digest_streams: bool,
    pub parallel: Parallelism,
    /// Where a preset says the asset id sits inside a JSON cell.
    pub asset_json_key: Option<&'static str>,
}

impl ReadOptions {
    /// Every input: the inventory, the roster, the usage logs.
    pub fn inputs(&self) -> Vec<&InputPath> {
        std::iter::once(&self.assets)
            .chain(&self.roster)
            .chain(&self.events)
            .collect()
    }
}
