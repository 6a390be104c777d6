//! One row of a usage log, sorted into skipped / excluded / orphan / counted and tallied:
//! the same judgement whichever reader read the row and whichever thread holds it.

use crate::analysis::aggregate::Aggregate;
use crate::analysis::file_tally::{Exclusion, SMALL_EPOCH_MS};
use crate::analysis::influence::{ActiveDeals, DealIndex, Link};
use crate::analysis::once_only::OnceOnly;
use crate::analysis::values::ValueCache;
use crate::config::Window;
use crate::input::count::parse_count;
use crate::input::date_order::{Clash, ColumnOrder};
use crate::input::fields::Fields;
use crate::input::headers::{Field, HeaderMap};
use crate::input::plain::BATCH;
use crate::input::problems::{Problem, NOT_UTF8};
use crate::input::time::{LastMinute, TimeParser, TimeShape};
use crate::input_error;
use crate::model::EventFilter;
use crate::model::{fold_key_into, trim_bytes, Inventory};
use crate::progress;
use crate::pseudonym::show_user;
use anyhow::Result;

/// What the pass needs to decide whether a row counts.
pub struct ScanContext<'a> {
    pub inventory: &'a Inventory,
    pub filter: &'a EventFilter,
    pub window: Window,
    pub time: &'a TimeParser,
    /// A report splits by team, so the files must have one.
    pub needs_team: bool,
    /// Each row's team is looked up: a command shows teams, or `--team`, `--by team` or
    /// `check` reads them.
    pub teams: bool,
    /// The asset id sits inside a JSON object in the asset column, under this key (a preset's).
    pub asset_json_key: Option<&'static str>,
    /// `check` lists every file's types and teams over all its readable rows, not only
    /// those in the window.
    pub list_values: bool,
    /// `--pseudonymize-users`: user values in problem messages are shown as pseudonyms too.
    pub pseudonyms: Option<&'a crate::pseudonym::Pseudonymizer>,
    /// `influence`: the deals counted events touch, whatever the window.
    pub deals: Option<&'a DealIndex>,
    /// With `deals`: each asset's rank among the inventory's ids as plain text.
    pub asset_ranks: &'a [u32],
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
    /// `influence`: how events find deals, and the columns that rule reads.
    pub link: Option<Link>,
    pub opportunity: Option<usize>,
    pub account: Option<usize>,
    /// How many events each row stands for (`--col events.count=HEADER`); one without it.
    pub count: Option<usize>,
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
            link: ctx.deals.map(|d| resolve_link(map, file, d)).transpose()?,
            opportunity: map.column(Field::EventOpportunity),
            account: map.column(Field::EventAccount),
            count: map.column(Field::EventCount),
        })
    }
}

/// The rule by which this file's events find deals: `--link`, else the one the first file
/// chose, else the first whose columns exist; a usage error when its columns are missing.
fn resolve_link(map: &HeaderMap, file: &str, index: &DealIndex) -> Result<Link> {
    let deals = &index.deals;
    let has = |link: Link| match link {
        Link::Opportunity => map.column(Field::EventOpportunity).is_some(),
        Link::Account => map.column(Field::EventAccount).is_some() && deals.has_account,
        Link::Owner => map.column(Field::User).is_some() && deals.has_owner,
    };
    let chosen = index
        .rules
        .link
        .or_else(|| index.link.get().copied())
        .or_else(|| {
            [Link::Opportunity, Link::Account, Link::Owner]
                .into_iter()
                .find(|&l| has(l))
        });
    let found = format!(
        "events headers found: {}; opportunities headers found: {}",
        map.quoted_headers(),
        crate::input::headers::quote_list(&deals.headers)
    );
    let needs = |link: Link| {
        match link {
        Link::Opportunity => "an opportunity column in the events (events.opportunity: opportunity_id, opportunity id, opp id, deal id, opportunity)",
        Link::Account => "an account column in the events (events.account: account, account id, account name, company, customer) and one in the opportunities (opportunities.account: account, account id, account name, company)",
        Link::Owner => "a user column in the events (events.user) and an owner column in the opportunities (opportunities.owner: owner email, owner, opportunity owner, sales_agent, sales agent, rep, owner name)",
    }
    };
    let Some(link) = chosen else {
        return Err(input_error!(
            "{file}: no way to link events to deals: --link opportunity needs {}; --link account needs {}; --link owner needs {}; {found}",
            needs(Link::Opportunity),
            needs(Link::Account),
            needs(Link::Owner)
        ));
    };
    if !has(link) {
        return Err(input_error!(
            "{file}: --link {} needs {}; {found}",
            link.as_str(),
            needs(link)
        ));
    }
    Ok(*index.link.get_or_init(|| link))
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

/// The aggregate's id for the row's value in `column` (looked up as `entry` by `admits`),
/// given by `intern` the first time that spelling is counted; `None` for an empty value.
#[inline]
fn aggregate_id(
    cache: &mut ValueCache,
    entry: Option<usize>,
    column: Option<usize>,
    record: &Fields,
    intern: impl FnOnce(&[u8], &[u8]) -> u32,
) -> Option<u32> {
    let (column, entry) = (column?, entry?);
    cache.id_or_intern(entry, |folded| intern(folded, &record[column]))
}

/// A row that stops the reading of its file: a slash date against the order already used
/// (see [`ColumnOrder`]). Its line is counted like a problem's, from the reader's first byte.
#[derive(Debug)]
pub struct Stop(pub Box<Problem>);

mod usual;

/// Classifies and tallies rows of one file, reusing its buffers from row to row.
pub struct RowScanner<'a> {
    ctx: &'a ScanContext<'a>,
    columns: EventColumns,
    file: &'a str,
    header: &'a HeaderMap,
    users: ValueCache,
    teams: ValueCache,
    /// Event types, looked up only when a type filter or `check` needs them.
    kinds: Option<ValueCache>,
    /// The current row's entries in `users` and `teams`, set by `admits`.
    user: Option<usize>,
    team: Option<usize>,
    /// Text that is not UTF-8 is told once per file (or part of a file), not on every row.
    warned_encoding: bool,
    /// The shape of the file's first readable time value, and whether a different one was told.
    first_time_shape: Option<TimeShape>,
    warned_mixed_times: bool,
    /// The day/month order of the time column's slash dates.
    order: ColumnOrder,
    /// Lines before the reader's first byte, so that the values the order remembers carry
    /// their line in the file (problems are moved down by the caller instead).
    lines_before: u64,
    /// `influence`: the current row passes every filter but the window.
    others_ok: bool,
    /// A folded account, reused from row to row.
    key: Vec<u8>,
    /// `--link owner`: each entry of `users`' slot among the deal owners, looked up once
    /// ([`NOT_LOOKED_UP`] until then, [`NO_DEALS`] for a user who owns none).
    owner_slots: Vec<u32>,
    /// Beside each entry's slot, the owner's deals that held its last event, and until when.
    owner_deals: Vec<ActiveDeals>,
    /// What [`RowScanner::look`] worked out for the record in each slot of the reader's
    /// batch; `None` for a record it could not read ahead.
    looked: Box<[Option<Looked>; BATCH]>,
    /// Nothing about the pass rules out [the usual row's short path](usual): no filter on
    /// types or owners, no count column, no JSON cell, no `--date-format`, no `check`.
    usual: bool,
    /// The minute the short path read last.
    minute: LastMinute,
}

/// A record's asset and user hash, worked out by the look at its batch before the visits.
#[derive(Debug, Clone, Copy)]
struct Looked {
    asset: Option<u32>,
    user_hash: u64,
}

const NOT_LOOKED_UP: u32 = u32::MAX;
const NO_DEALS: u32 = u32::MAX - 1;

impl<'a> RowScanner<'a> {
    pub fn new(
        ctx: &'a ScanContext<'a>,
        columns: EventColumns,
        file: &'a str,
        header: &'a HeaderMap,
        order: ColumnOrder,
    ) -> Self {
        RowScanner {
            ctx,
            columns,
            file,
            header,
            users: ValueCache::default(),
            teams: ValueCache::default(),
            kinds: (!ctx.filter.types.is_empty() || ctx.list_values).then(ValueCache::default),
            user: None,
            team: None,
            warned_encoding: false,
            first_time_shape: None,
            warned_mixed_times: false,
            order,
            lines_before: 0,
            others_ok: false,
            key: Vec::new(),
            owner_slots: Vec::new(),
            owner_deals: Vec::new(),
            looked: Box::new([None; BATCH]),
            usual: usual::allowed(ctx, &columns),
            minute: LastMinute::default(),
        }
    }

    /// The rows read next start `lines` lines into the file.
    pub fn set_lines_before(&mut self, lines: u64) {
        self.lines_before = lines;
    }

    /// The time column's order as the rows read so far left it.
    pub fn into_order(self) -> ColumnOrder {
        self.order
    }

    /// Hands the values this scanner counted to the aggregate's open file tally, and the
    /// touches waiting in the reps' caches to their deals.
    pub fn finish(&mut self, agg: &mut Aggregate) {
        if let Some(index) = self.ctx.deals {
            let deal_count = index.deals.deals.len();
            for cache in &mut self.owner_deals {
                cache.flush(&mut |touch| touch.give(&mut agg.touches, deal_count));
            }
        }
        let file = &mut agg.file;
        if let Some(kinds) = &self.kinds {
            file.types.add_cache(kinds);
        }
        file.teams.add_cache(&self.teams);
        file.users.add_cache(&self.users);
    }

    /// Reads ahead the record that [`RowScanner::scan_looked`] will tally from `slot`: finds
    /// its asset and hashes its user, and starts loading the asset's counters and the user's
    /// cache slot, which the tally would otherwise wait for (with the users' records, they are
    /// larger than a core's second-level cache).
    #[inline]
    pub fn look(&mut self, slot: usize, record: &Fields, agg: &Aggregate) {
        let cols = self.columns;
        self.looked[slot] = if record.len() == cols.width && self.ctx.asset_json_key.is_none() {
            let asset = self.ctx.inventory.lookup(trim_bytes(&record[cols.asset]));
            if let Some(asset) = asset {
                agg.prefetch_asset(asset);
                // The asset's rank, read by a touch (`influence` only; empty otherwise).
                if let Some(rank) = self.ctx.asset_ranks.get(asset as usize) {
                    crate::prefetch::prefetch(rank);
                }
            }
            let user_hash = cols.user.map_or(0, |c| self.users.prefetch(&record[c]));
            Some(Looked { asset, user_hash })
        } else {
            None
        };
    }

    /// The step after [`RowScanner::look`]: starts loading the record of the user whose
    /// cache slot the look loaded, the user's counters when the aggregate has them, and the
    /// deals the user's events last found when the pass links them by owner.
    #[inline]
    pub fn near(&self, slot: usize, agg: &Aggregate) {
        if let (Some(looked), Some(_)) = (self.looked[slot], self.columns.user) {
            if let Some(entry) = self.users.prefetch_record(looked.user_hash) {
                if let Some(user) = self.users.aggregate_id_of(entry) {
                    agg.prefetch_user(user);
                }
                // The deals the user's events last found (`influence --link owner` only).
                if let Some(deals) = self.owner_deals.get(entry) {
                    crate::prefetch::prefetch_all(deals);
                }
            }
        }
    }

    /// Tallies one row; a bad row is counted as skipped and returned as a problem, and so is
    /// the first row of the file with text that is not UTF-8 (counted all the same). A row
    /// whose date goes against the order already used stops the file.
    #[inline]
    pub fn scan(
        &mut self,
        record: &Fields,
        agg: &mut Aggregate,
    ) -> Result<Option<Box<Problem>>, Stop> {
        self.scan_with(record, None, agg)
    }

    /// [`RowScanner::scan`] of the record [`RowScanner::look`] looked at in `slot`.
    #[inline]
    pub fn scan_looked(
        &mut self,
        slot: usize,
        record: &Fields,
        agg: &mut Aggregate,
    ) -> Result<Option<Box<Problem>>, Stop> {
        let looked = self.looked[slot];
        self.scan_with(record, looked, agg)
    }

    #[inline(always)]
    fn scan_with(
        &mut self,
        record: &Fields,
        looked: Option<Looked>,
        agg: &mut Aggregate,
    ) -> Result<Option<Box<Problem>>, Stop> {
        if let (true, Some(looked)) = (self.usual, looked) {
            if self.tally_usual(record, looked, agg) {
                return Ok(None);
            }
        }
        // Two copies of the row's judgement, so that a log without a count column pays
        // nothing for the weights of those that have one.
        let problem = if self.columns.count.is_some() {
            self.tally::<true>(record, looked, agg)?
        } else {
            self.tally::<false>(record, looked, agg)?
        };
        if problem.is_none() && !self.warned_encoding && !record.is_ascii() {
            return Ok(self.invalid_utf8(record));
        }
        Ok(problem)
    }

    /// Whether each warning told once a file was told yet. A flag is set on the very row
    /// whose problem is its warning.
    pub fn once_told(&self) -> [(OnceOnly, bool); 2] {
        [
            (OnceOnly::NotUtf8, self.warned_encoding),
            (OnceOnly::MixedTimes, self.warned_mixed_times),
        ]
    }

    /// The shape of the first readable time value, which the others were judged against.
    pub fn first_time_shape(&self) -> Option<TimeShape> {
        self.first_time_shape
    }

    #[cold]
    fn stop(&self, record: &Fields, Clash(message): Clash) -> Stop {
        Stop(self.problem(record, Some(self.columns.time), message))
    }

    #[cold]
    fn invalid_utf8(&mut self, record: &Fields) -> Option<Box<Problem>> {
        let column = record.invalid_utf8_column()?;
        self.warned_encoding = true;
        Some(self.problem(record, Some(column), NOT_UTF8.into()))
    }

    /// Notes the first time value whose shape differs from the file's first one.
    // Always inlined: with the row judgement compiled twice, LLVM would otherwise call it
    // on every row.
    #[inline(always)]
    fn check_time_shape(&mut self, record: &Fields) -> Option<Box<Problem>> {
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

    /// Judges and tallies one row; `WEIGHTED` when the file has a count column.
    #[inline]
    fn tally<const WEIGHTED: bool>(
        &mut self,
        record: &Fields,
        looked: Option<Looked>,
        agg: &mut Aggregate,
    ) -> Result<Option<Box<Problem>>, Stop> {
        // Every row is read as one event until its count is known: a skipped row stays one.
        agg.counts.rows += 1;
        if agg.counts.rows % progress::ROW_BATCH == 0 {
            progress::add_rows(progress::ROW_BATCH);
        }
        if record.len() != self.columns.width {
            agg.counts.skipped += 1;
            let message = format!(
                "expected {} fields, found {}; row skipped",
                self.columns.width,
                record.len()
            );
            return Ok(Some(self.problem(record, None, message)));
        }
        if record.spans_lines() {
            if let Some(problem) = self.line_break_in_key(record) {
                agg.counts.skipped += 1;
                return Ok(Some(problem));
            }
        }
        let from_json;
        // A look read the row's fields as this does: right width, no JSON.
        let looked = looked.filter(|_| self.ctx.asset_json_key.is_none());
        let asset_raw = match self.ctx.asset_json_key {
            None => trim_bytes(&record[self.columns.asset]),
            Some(key) => match json_string(&record[self.columns.asset], key) {
                Some(id) => {
                    from_json = id;
                    trim_bytes(from_json.as_bytes())
                }
                None => {
                    agg.counts.skipped += 1;
                    let message = format!("no \"{key}\" text in this JSON cell; row skipped");
                    return Ok(Some(self.problem(
                        record,
                        Some(self.columns.asset),
                        message,
                    )));
                }
            },
        };
        if asset_raw.is_empty() {
            agg.counts.skipped += 1;
            return Ok(Some(self.problem(
                record,
                Some(self.columns.asset),
                "empty asset id; row skipped".into(),
            )));
        }
        let lines_before = self.lines_before;
        let read = self
            .ctx
            .time
            .read(&record[self.columns.time], &mut self.order, || {
                lines_before + record.line()
            });
        let t = match read {
            Ok(t) => t,
            Err(clash) => return Err(self.stop(record, clash)),
        };
        let Some(t) = t else {
            agg.counts.skipped += 1;
            let message = if trim_bytes(&record[self.columns.time]).is_empty() {
                "empty time; row skipped"
            } else {
                "cannot read the time; row skipped"
            };
            return Ok(Some(self.problem(
                record,
                Some(self.columns.time),
                message.into(),
            )));
        };
        // The user's hash for the lookup `filters` makes of the same cell: the look's, which
        // took it a batch ahead; else taken (and its cache slot prefetched) as soon as the row
        // is known to be in the window, a few hundred instructions before the lookup, so that
        // a row outside the window, most of a log under `--since`, costs no hash.
        let user_hash = match self.columns.user {
            Some(c) if self.ctx.window.contains(t) => Some(match looked {
                Some(looked) => looked.user_hash,
                None => self.users.prefetch(&record[c]),
            }),
            _ => None,
        };
        let events = match (WEIGHTED, self.columns.count) {
            (true, Some(c)) => match parse_count(&record[c]) {
                Some(n) => {
                    agg.counts.weighted_rows += 1;
                    agg.counts.weights += n;
                    n
                }
                None => return Ok(Some(self.bad_count(record, c, agg))),
            },
            _ => 1,
        };
        agg.saw_time(t);
        if agg.file.time_sample.is_none() || t < SMALL_EPOCH_MS {
            self.note_time(&record[self.columns.time], t, agg);
        }
        let mixed = if self.warned_mixed_times {
            None
        } else {
            self.check_time_shape(record)
        };
        if WEIGHTED && events == 0 {
            // A row that stands for no event: read, and nothing else (no open, no user).
            return Ok(mixed);
        }
        let asset = match looked {
            Some(looked) => looked.asset,
            None => self.ctx.inventory.lookup(asset_raw),
        };
        let verdict = self.admits(record, t, asset, user_hash);
        if let (true, Some(index), Some(asset)) = (self.others_ok, self.ctx.deals, asset) {
            self.touch(index, record, asset, t, agg);
        }
        if let Err(step) = verdict {
            agg.exclude(asset, step, events);
            return Ok(mixed);
        }
        let Some(asset) = asset else {
            if self.ctx.inventory.is_left_out(asset_raw) {
                agg.exclude(None, Exclusion::Where, events);
            } else {
                agg.orphan(asset_raw, events);
            }
            return Ok(mixed);
        };
        let user = aggregate_id(
            &mut self.users,
            self.user,
            self.columns.user,
            record,
            |key, raw| agg.user_id(key, raw),
        );
        let team = aggregate_id(
            &mut self.teams,
            self.team,
            self.columns.team,
            record,
            |key, raw| agg.teams.intern(key, raw),
        );
        agg.count(asset, t, user, team, events);
        Ok(mixed)
    }

    /// A row whose count is not a whole number from 0 up: skipped, and counted as one.
    #[cold]
    fn bad_count(&self, record: &Fields, column: usize, agg: &mut Aggregate) -> Box<Problem> {
        agg.counts.skipped += 1;
        let message = format!(
            "the count is not a whole number from 0 to {}; row skipped",
            crate::input::count::MAX_COUNT
        );
        self.problem(record, Some(column), message)
    }

    /// The first time value of the file, kept as a sample, and a small whole number read as
    /// epoch seconds (a relative day or a counter), counted.
    #[cold]
    fn note_time(&self, raw: &[u8], t: i64, agg: &mut Aggregate) {
        let value = raw.trim_ascii();
        if agg.file.time_sample.is_none() {
            agg.file.time_sample = Some((String::from_utf8_lossy(value).into_owned(), t));
        }
        if t < SMALL_EPOCH_MS && !value.is_empty() && value.iter().all(u8::is_ascii_digit) {
            agg.file.small_integer_times += 1;
        }
    }

    /// The window and every filter but the inventory, or the step that leaves the row out.
    ///
    /// A row's type, team and user are looked up (and so counted) only when the row reaches
    /// that filter, in this order, so no row costs a lookup it did not cost before: the
    /// values a warning lists are those of the rows the filter saw. For `check`, every
    /// readable row's values are looked up and counted, whatever the verdict.
    ///
    /// For `influence`, every filter but the window is looked at whatever the time (the
    /// window still comes first in the verdict), and whether they pass is kept for
    /// [`RowScanner::touch`].
    #[inline]
    fn admits(
        &mut self,
        record: &Fields,
        t: i64,
        asset: Option<u32>,
        user_hash: Option<u64>,
    ) -> Result<(), Exclusion> {
        if self.ctx.deals.is_none() {
            return self.filters(record, t, asset, user_hash, true);
        }
        let others = self.filters(record, t, asset, user_hash, false);
        self.others_ok = others.is_ok();
        if self.ctx.window.contains(t) {
            others
        } else {
            Err(Exclusion::Window)
        }
    }

    /// Records the deals the row's event touches.
    #[inline]
    fn touch(
        &mut self,
        index: &DealIndex,
        record: &Fields,
        asset: u32,
        t: i64,
        agg: &mut Aggregate,
    ) {
        let cols = self.columns;
        let Some(link) = cols.link else { return };
        let (rank, deal_count) = (
            self.ctx.asset_ranks[asset as usize],
            index.deals.deals.len(),
        );
        let key: &[u8] = match (link, cols.opportunity, cols.account, self.user) {
            (Link::Opportunity, Some(c), _, _) => trim_bytes(&record[c]),
            (Link::Account, _, Some(c), _) => {
                fold_key_into(&record[c], &mut self.key);
                &self.key
            }
            (Link::Owner, _, _, Some(entry)) if cols.user.is_some() => {
                if self.owner_slots.len() <= entry {
                    self.owner_slots.resize(entry + 1, NOT_LOOKED_UP);
                    self.owner_deals.resize(entry + 1, ActiveDeals::default());
                }
                if self.owner_slots[entry] == NOT_LOOKED_UP {
                    let folded = self.users.get(entry).folded.as_bytes();
                    self.owner_slots[entry] = index.owner_slot(folded).unwrap_or(NO_DEALS);
                }
                let slot = self.owner_slots[entry];
                if slot != NO_DEALS {
                    let cache = &mut self.owner_deals[entry];
                    let touches = &mut agg.touches;
                    index.touch_owner_deals(slot, t, (asset, rank), cache, |touch| {
                        touch.give(touches, deal_count)
                    });
                }
                return;
            }
            _ => return,
        };
        index.each_touched(link, key, t, |deal| {
            agg.touches.add(deal, asset, rank, t, deal_count)
        });
    }

    /// The filters, the window first when `window` is set; `user_hash` is the hash of the
    /// row's user cell when the row took it early (see [`ValueCache::prefetch`]).
    #[inline]
    fn filters(
        &mut self,
        record: &Fields,
        t: i64,
        asset: Option<u32>,
        user_hash: Option<u64>,
        window: bool,
    ) -> Result<(), Exclusion> {
        let ctx = self.ctx;
        let filter = ctx.filter;
        let every = ctx.list_values;
        let mut verdict = Ok(());
        if window
            && !judge(
                &mut verdict,
                ctx.window.contains(t),
                Exclusion::Window,
                every,
            )
        {
            return verdict;
        }
        if let (Some(c), Some(kinds)) = (self.columns.kind, &mut self.kinds) {
            let entry = kinds.entry(&record[c], |key| filter.admits_type(key));
            if !judge(&mut verdict, kinds.admitted(entry), Exclusion::Type, every) {
                return verdict;
            }
        }
        if let (Some(c), true) = (self.columns.team, ctx.teams) {
            let entry = self.teams.entry(&record[c], |key| filter.admits_team(key));
            self.team = Some(entry);
            let admitted = self.teams.admitted(entry);
            if !judge(&mut verdict, admitted, Exclusion::Team, every) {
                return verdict;
            }
        }
        if let Some(c) = self.columns.user {
            let admit = |key: &[u8]| filter.admits_user(key);
            let entry = match user_hash {
                Some(hash) => self.users.entry_hashed(&record[c], hash, admit),
                None => self.users.entry(&record[c], admit),
            };
            self.user = Some(entry);
            let users = &self.users;
            let own = filter.exclude_owners
                && !users.is_empty_value(entry)
                && asset.is_some_and(|a| {
                    ctx.inventory.owner_key(a as usize) == users.get(entry).folded.as_bytes()
                });
            let admitted = users.admitted(entry);
            judge(&mut verdict, admitted && !own, Exclusion::User, every);
        }
        verdict
    }

    /// A line break inside an id, user, team, type or time (within the value, not at its
    /// ends) is no event: most often a quote left open joined the lines up to the next quote
    /// into this one value.
    #[cold]
    fn line_break_in_key(&self, record: &Fields) -> Option<Box<Problem>> {
        let cols = self.columns;
        let keys = [
            Some(cols.asset),
            Some(cols.time),
            cols.user,
            cols.team,
            cols.kind,
            cols.count,
        ];
        let column = keys
            .into_iter()
            .flatten()
            .find(|&c| memchr::memchr2(b'\n', b'\r', trim_bytes(&record[c])).is_some())?;
        let message = "this value holds a line break; row skipped".to_string();
        Some(self.problem(record, Some(column), message))
    }

    #[cold]
    fn problem(&self, record: &Fields, column: Option<usize>, message: String) -> Box<Problem> {
        Box::new(Problem {
            file: self.file.to_string(),
            line: record.line(),
            last_line: record.last_line(),
            column: column.map(|c| self.header.headers[c].clone()),
            value: column.map(|c| {
                let value = String::from_utf8_lossy(&record[c]);
                match self.ctx.pseudonyms {
                    Some(p) if Some(c) == self.columns.user => show_user(Some(p), &value),
                    _ => value.into_owned(),
                }
            }),
            message,
        })
    }
}

/// Records the first step a row fails; true while the row should still be looked at (it
/// passes so far, or `every` value is wanted).
#[inline]
fn judge(verdict: &mut Result<(), Exclusion>, passes: bool, step: Exclusion, every: bool) -> bool {
    if !passes && verdict.is_ok() {
        *verdict = Err(step);
    }
    verdict.is_ok() || every
}
